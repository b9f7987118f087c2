//! Publishing a built bulletin: its sign-off signature, the units'
//! registry, their sheets and packets, the mail that delivers them.

pub mod distribute;
pub mod mail;
pub mod office_sheet;
pub mod registry;
pub mod signoff;
