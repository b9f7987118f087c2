//! The editors' commands that write month files: `init` (a new office's
//! archive), `new` (the next month, in Furong's shape or an office's), and
//! `import` (a spreadsheet export into units.yaml).

pub mod import;
pub mod init;
pub mod office_scaffold;
pub mod scaffold;
