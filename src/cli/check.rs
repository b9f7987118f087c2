//! `bulletin check`: month folders validated, nothing built.

use std::path::PathBuf;

use bulletin::{CheckOptions, Failure};

use super::common::{month_dirs, print_diagnostics, reported, Fail, Format, ReportArgs, ResourceArgs};

/// Checks each month and prints its result as it goes; with `resources`,
/// also that its text derives and prints.
pub fn run(months: Vec<PathBuf>, resources: Option<&ResourceArgs>, report_args: &ReportArgs) -> Result<(), Fail> {
    let dirs = month_dirs(months)?;
    let options = CheckOptions { strict: report_args.strict };
    // Loaded for the first valid month, then shared.
    let mut loaded: Option<bulletin::Resources> = None;
    let mut code = 0;
    for dir in &dirs {
        let checked = bulletin::check_issue(dir, options).and_then(|(month, warnings)| {
            if let Some(args) = resources {
                let resources = match &loaded {
                    Some(resources) => resources,
                    None => loaded.insert(bulletin::Resources::load(&args.layouts, &args.fonts)?),
                };
                match bulletin::check_printable(dir, &month, resources) {
                    Err(Failure::Data(mut diagnostics)) => {
                        diagnostics.extend(warnings);
                        return Err(Failure::Data(diagnostics));
                    }
                    Err(failure) => return Err(failure),
                    Ok(()) => {}
                }
            }
            Ok(warnings)
        });
        match checked {
            Ok(warnings) => {
                print_diagnostics(&warnings, report_args.format);
                if !matches!(report_args.format, Format::Json) {
                    match warnings.len() {
                        0 => eprintln!("{}: ok", dir.display()),
                        1 => eprintln!("{}: ok, with 1 warning", dir.display()),
                        n => eprintln!("{}: ok, with {n} warnings", dir.display()),
                    }
                }
            }
            Err(failure) => code = code.max(Fail::month(dir, failure, report_args.format).report()),
        }
    }
    reported(code)
}
