//! The editors' commands that write month files: `init` (a new office's
//! archive), `new` (the next month, in the shape of the office's definition), and
//! `import` (a spreadsheet export into units.yaml).

pub mod import;
pub mod init;
pub mod office_scaffold;
pub mod scaffold;
