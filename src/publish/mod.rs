//! Publishing a built bulletin: its sign-off signature, the units'
//! registry, their sheets and packets, the mail that delivers them, and the
//! OFD edition (GB/T 33190) written from the same pages, with its e-seal.

pub mod distribute;
pub mod mail;
pub mod ofd;
pub mod office_sheet;
pub mod registry;
pub mod seal;
pub mod signoff;
pub mod xml;
