//! `bulletin schema`: the JSON Schemas of the month files, the bundled
//! ones or (with --office) an office's.

use std::path::Path;

use super::common::{Fail, Format};

/// Writes the schemas of the bundled month files into `out`.
pub fn run(out: &Path) -> Result<(), Fail> {
    write_schemas(out, bulletin::bundled_schemas())
}

/// Writes the schemas of the office in `office`'s month files into `out`.
pub fn office(office: &Path, out: &Path) -> Result<(), Fail> {
    let schemas = bulletin::office_schemas(office).map_err(|failure| Fail::month(office, failure, Format::Human))?;
    write_schemas(out, schemas)
}

fn write_schemas(out: &Path, schemas: Vec<(String, String)>) -> Result<(), Fail> {
    for (name, text) in schemas {
        let path = out.join(name);
        bulletin::fs::write_atomically(&path, text.as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
