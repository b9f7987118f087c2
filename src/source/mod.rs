//! Reading the tool's YAML inputs with diagnostics: one file at a time
//! (`file`: UTF-8, YAML slips, JSON Schema, serde), positions of fields
//! (`locate`), and the JSON Schemas themselves (`schema`). Shared by the
//! definition, the month's files and the units registry.

pub mod file;
pub mod locate;
pub mod schema;
