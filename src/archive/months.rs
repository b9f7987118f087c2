//! The months of an archive: the period folders beside a month folder,
//! and the unit ids they hold (read leniently, so that a month with errors
//! still tells which units it has).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::month::office_schema::{MONTH_FILE, UNITS_FILE};
use crate::month::types::Period;

/// The month folders beside `month_dir` (those whose name is a period and
/// that hold a month.yaml), oldest first.
pub fn archived_months(month_dir: &Path) -> Vec<(Period, PathBuf)> {
    let mut archived: Vec<(Period, PathBuf)> = walkdir::WalkDir::new(archive_root(month_dir))
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir() && e.path().join(MONTH_FILE).is_file())
        .filter_map(|e| Some((crate::month::types::parse_period(&e.file_name().to_string_lossy())?, e.into_path())))
        .collect();
    archived.sort();
    archived
}

/// Every unit id of every month folder beside `month_dir`, read leniently.
pub fn archived_unit_ids(month_dir: &Path) -> BTreeSet<String> {
    archived_months(month_dir).iter().flat_map(|(_, dir)| unit_ids(&dir.join(UNITS_FILE))).collect()
}

/// The folder that holds `month_dir` and its sibling months (`months`
/// for `months/2020-03`, also when named as `.` from inside it).
pub fn archive_root(month_dir: &Path) -> PathBuf {
    // `.` or `..` name no folder of their own: resolve them first. Other
    // paths keep their form, so that messages show them as typed.
    let dir = match month_dir.file_name() {
        Some(_) => month_dir.to_owned(),
        None => month_dir.canonicalize().unwrap_or_else(|_| month_dir.to_owned()),
    };
    match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// The unit ids of a units.yaml, read leniently (a month with errors still
/// tells which units it has).
fn unit_ids(path: &Path) -> Vec<String> {
    let Ok(bytes) = std::fs::read(path) else { return Vec::new() };
    let Ok(value) = serde_yaml::from_slice::<serde_yaml::Value>(&bytes) else { return Vec::new() };
    let groups = value.get("groups").and_then(serde_yaml::Value::as_sequence).cloned().unwrap_or_default();
    groups
        .iter()
        .filter_map(|g| g.get("units").and_then(serde_yaml::Value::as_sequence))
        .flatten()
        .filter_map(|u| u.get("id").and_then(serde_yaml::Value::as_str).map(str::to_owned))
        .collect()
}
