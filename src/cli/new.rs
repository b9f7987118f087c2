//! `bulletin new`: the next month folder, started from the latest.

use std::path::Path;

use super::common::Fail;

/// Creates `MONTHS/<period>`; notes a month out of sequence.
pub fn run(months: &Path, period: &str) -> Result<(), Fail> {
    let (dir, missing) = bulletin::new_issue(months, period)?;
    eprintln!("created {}", dir.display());
    if bulletin::month::types::parse_period(period).is_none() {
        // A period: its figures are the months'.
        if !missing.is_empty() {
            eprintln!(
                "note: the archive lacks {} of its months yet: {}; the period builds once they are in",
                missing.len(),
                missing.join(", ")
            );
        }
        eprintln!(
            "next: fill in the sign-off (and any 【待填写】); `bulletin build {}` adds up its months",
            dir.display()
        );
        return Ok(());
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let from = bulletin::edit::scaffold::latest_month(months, &name);
    let from = from.as_ref().and_then(|f| f.file_name()).map(|n| n.to_string_lossy().into_owned());
    let index = |key: &str| bulletin::month::types::parse_period(key).map(bulletin::month::types::Period::index);
    if let (Some(from), Some(new)) = (from, index(&name)) {
        match index(&from).map(|old| new - old) {
            Some(gap) if gap < 1 => eprintln!(
                "note: {name} comes before the latest month, {from}, whose units and rules it was started from; \
                 check that they applied then"
            ),
            Some(gap) if gap > 1 => eprintln!(
                "note: {name} does not follow the latest month, {from}: {} month{} in between {} missing",
                gap - 1,
                if gap == 2 { "" } else { "s" },
                if gap == 2 { "is" } else { "are" }
            ),
            _ => {}
        }
    }
    eprintln!("next: fill in every ~ and 【待填写】; `bulletin check {}` lists what is left", dir.display());
    Ok(())
}
