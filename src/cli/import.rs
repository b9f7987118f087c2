//! `bulletin import`: a unit group's figures from a spreadsheet export.

use std::path::Path;

use super::common::{Fail, EXIT_DATA};

/// Fills `units.yaml` of the month folder `month`; on problems in the
/// sheet, prints each and writes nothing.
pub fn run(sheet: &Path, month: &Path, group: &str) -> Result<(), Fail> {
    let units = month.join("units.yaml");
    if !units.is_file() {
        return Err(
            Fail::operational(format!("no `{}`", units.display())).hint("create the month first with `bulletin new`")
        );
    }
    match bulletin::edit::import::import(sheet, &units, group)? {
        Ok(imported) => {
            eprintln!("imported {} units of {group} into {}", imported.units, units.display());
            Ok(())
        }
        Err(problems) => {
            for problem in &problems {
                eprintln!("{}", problem.short());
                if let Some(hint) = &problem.hint {
                    eprintln!("  hint: {hint}");
                }
            }
            eprintln!(
                "import of {} into {group}: {} problem{}; nothing was written",
                sheet.display(),
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            Err(Fail::Reported(EXIT_DATA))
        }
    }
}
