//! What `bulletin new YYYY-MM` needs whatever the office: the latest
//! month to start from, its files parsed, its `rules:` block copied, a case
//! to fill in, and strings written as YAML. `office_scaffold` makes the
//! month's files from the definition.

use std::path::{Path, PathBuf};

use crate::month::validate::{self, MonthFiles};
use crate::Error;

/// Marks text an editor still has to write; `check` reports it.
pub use crate::month::case::TO_FILL;

pub(crate) fn scaffold_error(message: impl Into<String>) -> Error {
    Error::Scaffold { message: message.into() }
}

/// A YAML scalar for `text`: plain when safe, otherwise double-quoted.
pub(crate) fn yaml_str(text: &str) -> String {
    let risky = text.is_empty()
        || text.trim() != text
        || text.chars().any(|c| ":#{}[],&*!|>'\"%@`\\".contains(c))
        || serde_yaml::from_str::<serde_yaml::Value>(text).map_or(true, |v| !v.is_string());
    if risky {
        serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.replace('"', "'")))
    } else {
        text.to_owned()
    }
}

/// The latest month folder under `months` (by name), other than `except`.
pub fn latest_month(months: &Path, except: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(months)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            crate::month::types::parse_period(&name).is_some()
                && name != except
                && e.path().join(validate::MONTH_FILE).is_file()
        })
        .map(|e| e.into_path())
        .collect();
    found.sort();
    found.pop()
}

// What a new month takes from the latest: names and wording, never the
// figures, so a latest month whose figures are still blank (`~`) serves.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(files: &MonthFiles, name: &str) -> Result<T, Error> {
    let bytes =
        files.files.get(name).ok_or_else(|| scaffold_error(format!("`{}` has no {name}", files.dir.display())))?;
    serde_yaml::from_slice(bytes).map_err(|err| {
        scaffold_error(format!(
            "`{}` does not parse ({err}); fix it first (`bulletin check {}`)",
            files.dir.join(name).display(),
            files.dir.display()
        ))
    })
}

/// The `rules:` block of a month.yaml, verbatim (with its comment lines).
pub(crate) fn rules_block(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("rules:")) else { return String::new() };
    let end = lines[start + 1..]
        .iter()
        .position(|l| !l.is_empty() && !l.starts_with([' ', '#']))
        .map_or(lines.len(), |i| start + 1 + i);
    let mut block = lines[start..end].join("\n").trim_end().to_owned();
    block.push('\n');
    block
}

/// Makes `months/<period>` from the latest month; returns the new folder.
/// A case file waiting to be written, in the folder `folder`: its name and text.
pub(crate) fn case_to_fill(folder: &str) -> (String, String) {
    (
        format!("{folder}/01-案例.txt"),
        format!(
            "---\ntitle: {TO_FILL}案例标题\nunits: []        # 涉及单位，如 [教育局]\n---\n{TO_FILL}案例正文。段落之间空一行；可用 ## 小标题、- 列表、1. 编号、**加粗**。\n"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_are_quoted_only_when_needed() {
        assert_eq!(yaml_str("芙蓉区"), "芙蓉区");
        assert_eq!(yaml_str("芙蓉区“12345”办公室"), "芙蓉区“12345”办公室");
        assert_eq!(yaml_str("a: b"), "\"a: b\"");
        assert_eq!(yaml_str("123"), "\"123\"");
        assert_eq!(yaml_str("true"), "\"true\"");
        assert_eq!(yaml_str("# x"), "\"# x\"");
        assert_eq!(yaml_str(""), "\"\"");
    }

    #[test]
    fn the_rules_block_is_copied_verbatim() {
        let text = "period: 2020-03\n\nrules:\n  # comment\n  full_marks: 70\n\nother: 1\n";
        assert_eq!(rules_block(text), "rules:\n  # comment\n  full_marks: 70\n");
        assert_eq!(rules_block("period: 1\n"), "");
    }
}
