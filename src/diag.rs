//! Diagnostics about a month's data: what is wrong, where (file, line,
//! column, field path), what was expected, and how to fix it when we know.
//!
//! Data problems are collected, never thrown: one run reports them all,
//! sorted by file and line. Operational failures are [`crate::Error`].

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::path::PathBuf;

use crate::source::locate::{self, Segment};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, as the user named it (e.g. `months/2020-03/units.yaml`).
    pub file: PathBuf,
    /// 1-based line and column, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field path, e.g. `groups[0].units[9].satisfied (马坡岭街道)`.
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
    /// The text of the line the diagnostic points at.
    pub source_line: Option<String>,
    /// For a warning the office may accept as it stands (a figure that is
    /// right as published): the code that `acknowledge:` in month.yaml
    /// names it by, one of [`WARNING_CODES`].
    pub code: Option<Cow<'static, str>>,
    /// What the problem is about, where a caller tells problems apart by it.
    pub kind: Kind,
}

/// What a diagnostic is about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    #[default]
    Other,
    /// A key the file's schema does not have, or lacks: the file's shape,
    /// not a figure (many of them: the month was written for another
    /// definition).
    Shape,
    /// A value left blank (`~`) to fill in: a new month has hundreds.
    Blank,
}

/// The warnings an office may acknowledge in month.yaml, by code, with what
/// each is about. An acknowledged warning is not shown and does not fail
/// `--strict`; an acknowledgement that matches no warning is a warning.
/// (A check of an office's definition may give its warning a code of its
/// own, as Furong's `tickets-total`.)
pub const WARNING_CODES: [(&str, &str); 5] = [
    ("fraction-percent", "a percentage that looks like a fraction (0.9941 for 99.41%)"),
    ("percent-outlier", "a percentage far below the others of its column, as if its decimal point slipped (9.862)"),
    ("signoff-date-far", "a sign-off date more than two months after the period"),
    ("published-differs", "a figure typed as published differs from the one the tool derives"),
    ("check", "a check of the office's definition (a warning) does not hold"),
];

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
            hint: None,
            source_line: None,
            code: None,
            kind: Kind::Other,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(file, message) }
    }

    /// Marks a warning as one the office may acknowledge (see [`WARNING_CODES`]).
    pub fn with_code(mut self, code: &'static str) -> Self {
        debug_assert!(WARNING_CODES.iter().any(|(known, _)| *known == code), "unknown warning code {code}");
        self.code = Some(Cow::Borrowed(code));
        self
    }

    /// Marks a problem with the file's shape (an unknown or a missing key).
    pub fn of_shape(mut self) -> Self {
        self.kind = Kind::Shape;
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Points the diagnostic at a line and column of `text`.
    pub fn at(mut self, text: &str, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self.source_line = text.lines().nth(line.saturating_sub(1)).map(str::to_owned);
        self
    }

    /// Points the diagnostic at the field `path` of the YAML `text` (at its
    /// value when that is on the key's line), and names the field (with
    /// `label`, e.g. the unit's name, when given).
    pub fn at_field(self, text: &str, path: &[Segment], label: Option<&str>) -> Self {
        let position = locate::locate_value(text, path);
        self.at_path(text, path, label, position)
    }

    /// Like [`Diagnostic::at_field`], but at the key itself: for a key that
    /// is wrong, not its value.
    pub fn at_key(self, text: &str, path: &[Segment], label: Option<&str>) -> Self {
        let position = locate::locate(text, path);
        self.at_path(text, path, label, position)
    }

    fn at_path(
        mut self,
        text: &str,
        path: &[Segment],
        label: Option<&str>,
        position: Option<locate::Position>,
    ) -> Self {
        let mut field = String::new();
        for segment in path {
            match segment {
                Segment::Key(key) if field.is_empty() => field.push_str(key),
                Segment::Key(key) => write!(field, ".{key}").unwrap_or_default(),
                Segment::Index(index) => write!(field, "[{index}]").unwrap_or_default(),
            }
        }
        if let Some(label) = label {
            write!(field, " ({label})").unwrap_or_default();
        }
        self.field = (!field.is_empty()).then_some(field);
        match position {
            Some(position) => self.at(text, position.line, position.column),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// One line: `file:line:column: error: message [field]`, for grep and
    /// editors' problem matchers.
    pub fn short(&self) -> String {
        let mut place = self.file.display().to_string();
        if let Some(line) = self.line {
            place.push_str(&format!(":{line}"));
            if let Some(column) = self.column {
                place.push_str(&format!(":{column}"));
            }
        }
        let mut text = format!("{place}: {}: {}", self.severity.label(), self.message);
        if let Some(field) = &self.field {
            text.push_str(&format!(" [{field}]"));
        }
        text
    }

    /// The diagnostic as a JSON object, for tools.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "severity": self.severity.label(),
            "file": self.file.display().to_string(),
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "code": self.code,
        })
    }

    /// Sort key: file, then line, then column.
    pub fn sort_key(&self) -> (PathBuf, usize, usize) {
        (self.file.clone(), self.line.unwrap_or(0), self.column.unwrap_or(0))
    }
}

/// The human form, after rustc and codespan:
///
/// ```text
/// error: satisfied (90) is greater than visited (86)
///   --> months/2020-03/units.yaml:170:9
///    |
/// 170|         satisfied: 90
///    |         ^
///    = field: groups[0].units[9].satisfied (马坡岭街道)
///    = hint: …
/// ```
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.severity.label(), self.message)?;
        write!(f, "  --> {}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        writeln!(f)?;
        let gutter = self.line.map_or(0, |l| l.to_string().len());
        let pad = " ".repeat(gutter);
        if let (Some(line), Some(source)) = (self.line, &self.source_line) {
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {source}")?;
            let column = self.column.unwrap_or(1);
            // Full-width characters take two cells in a terminal.
            let width: usize =
                source.chars().take(column.saturating_sub(1)).map(|c| if is_wide(c) { 2 } else { 1 }).sum();
            writeln!(f, "{pad} | {}^", " ".repeat(width))?;
        }
        if let Some(field) = &self.field {
            writeln!(f, "{pad} = field: {field}")?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "{pad} = hint: {hint}")?;
        }
        match (self.code.as_deref(), self.severity) {
            (Some(code), Severity::Warning) => writeln!(
                f,
                "{pad} = note: if it is right as it stands, say why in month.yaml, under `acknowledge:`: `{code}: 理由`"
            )?,
            (Some(code), Severity::Error) => writeln!(
                f,
                "{pad} = note: a final bulletin is not built while a figure is in question: correct it, or say \
                 why it is right in month.yaml, under `acknowledge:`: `{code}: 理由`"
            )?,
            (None, _) => {}
        }
        Ok(())
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// For serde's "unknown field `x`, expected one of `a`, `b`": the closest key.
pub fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once('`')?;
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match closest(field, known.iter().copied()) {
        Some(best) => Some(format!("did you mean `{best}`?")),
        None => Some(format!("the keys allowed here are: {}", known.join(", "))),
    }
}

/// The known word closest to `word` (edit distance at most a third of its
/// length, at least 1), for "did you mean" hints.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Edits (insert, delete, replace, or swap two neighbours: `titel` is one
/// edit from `title`) that turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // d[i][j]: the distance between the first i chars of a and j of b.
    let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_hints_suggest_the_closest_key() {
        let message = "unknown field `satisfid`, expected one of `id`, `name`, `satisfied`, `visited`";
        assert_eq!(unknown_field_hint(message).as_deref(), Some("did you mean `satisfied`?"));
        let message = "unknown field `zzz`, expected `id` or `name`";
        assert_eq!(unknown_field_hint(message).as_deref(), Some("the keys allowed here are: id, name"));
    }

    #[test]
    fn human_form_shows_line_caret_field_and_hint() {
        let text = "a: 1\n  satisfied: 90\n";
        let diagnostic = Diagnostic::error("units.yaml", "satisfied (90) is greater than visited (86)")
            .at(text, 2, 3)
            .with_hint("check the two columns");
        let shown = diagnostic.to_string();
        assert_eq!(
            shown,
            "error: satisfied (90) is greater than visited (86)\n  --> units.yaml:2:3\n  |\n2 |   satisfied: 90\n  |   ^\n  = hint: check the two columns\n"
        );
    }

    #[test]
    fn closest_suggests_near_words_only() {
        let known = ["satisfied", "visited", "signed"];
        assert_eq!(closest("satisfid", known), Some("satisfied"));
        assert_eq!(closest("visted", known), Some("visited"));
        assert_eq!(closest("score", known), None);
        assert_eq!(closest("titel", ["title", "units", "order"]), Some("title"));
        assert_eq!(closest("sinegd", known), Some("signed"));
    }
}
