//! Reading one YAML file with diagnostics: UTF-8 decoding, YAML syntax
//! (with the typing slips editors make), the file's JSON Schema (every
//! problem at once), serde; text values tidied on the way. Shared by the
//! month's files, the units registry and the office's definition.

use std::path::PathBuf;

use serde::de::DeserializeOwned;

use crate::diag::{unknown_field_hint, Diagnostic};
use crate::source::locate::Segment;
use crate::source::schema::{self, FileKind};

/// A YAML or text file as read from disk, decoded.
pub(crate) struct SourceFile {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
}

pub(crate) fn key(name: &str) -> Segment {
    Segment::Key(name.to_owned())
}

pub(crate) fn index(i: usize) -> Segment {
    Segment::Index(i)
}

/// Whether `id` is a plain code: lowercase letters, digits, `-` and `_`.
pub(crate) fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Collects the diagnostics of one check; shared by the month's files and
/// the units registry.
#[derive(Default)]
pub(crate) struct Validator {
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Validator {
    pub(crate) fn error(
        &mut self,
        file: &SourceFile,
        path: &[Segment],
        label: Option<&str>,
        message: String,
    ) -> &mut Diagnostic {
        self.push_at(Diagnostic::error(&file.path, message), file, path, label)
    }

    pub(crate) fn warning(
        &mut self,
        file: &SourceFile,
        path: &[Segment],
        label: Option<&str>,
        message: String,
    ) -> &mut Diagnostic {
        self.push_at(Diagnostic::warning(&file.path, message), file, path, label)
    }

    /// Adds `diagnostic` at the field `path` of `file`, for the caller to
    /// give a hint or a code.
    fn push_at(
        &mut self,
        diagnostic: Diagnostic,
        file: &SourceFile,
        path: &[Segment],
        label: Option<&str>,
    ) -> &mut Diagnostic {
        self.diagnostics.push(diagnostic.at_field(&file.text, path, label));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// A file's bytes as UTF-8 text (a leading BOM dropped), or an error at
    /// the first invalid byte.
    pub(crate) fn decode(&mut self, path: PathBuf, bytes: &[u8]) -> Option<SourceFile> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Some(SourceFile { path, text: text.trim_start_matches('\u{feff}').to_owned() }),
            Err(err) => {
                let valid = &bytes[..err.valid_up_to()];
                let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                let column = String::from_utf8_lossy(valid).rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                // Saved as GBK (Chinese Windows' default), it reads as such:
                // show the line as the editor wrote it.
                // Only when nothing before the first bad byte was UTF-8
                // Chinese: a UTF-8 file with one GBK paste is not GBK.
                let (gbk, malformed) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
                let (text, hint) = if malformed || !valid.is_ascii() {
                    (String::from_utf8_lossy(bytes).into_owned(), "save the file as UTF-8 (WPS/记事本: 另存为 → 编码选 UTF-8); text pasted from a GBK document shows up like this")
                } else {
                    (gbk.into_owned(), "the file is saved as GBK (GB18030), Chinese Windows' default: save it as UTF-8 (WPS/记事本: 另存为 → 编码选 UTF-8)")
                };
                let diagnostic = Diagnostic::error(
                    &path,
                    format!(
                        "the file is not UTF-8 text (invalid byte 0x{:02X} at offset {})",
                        bytes[valid.len()],
                        valid.len()
                    ),
                )
                .at(&text, line, column)
                .with_hint(hint);
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    /// Parses a YAML file into its raw type: YAML syntax first (serde_yaml's
    /// location), then the file's schema (every problem at once), then serde.
    pub(crate) fn parse<T: DeserializeOwned>(&mut self, file: &SourceFile, kind: FileKind) -> Option<T> {
        self.parse_against(file, kind.schema(), kind.file_name())
    }

    /// Like [`Validator::parse`], against any schema; `name` is the file's
    /// kind as README.md calls it.
    pub(crate) fn parse_against<T: DeserializeOwned>(
        &mut self,
        file: &SourceFile,
        schema: &serde_json::Value,
        name: &str,
    ) -> Option<T> {
        let (json, found) = self.parse_checked(file, schema, name)?;
        if !found.is_empty() {
            return None;
        }
        match serde_json::from_value::<T>(json) {
            Ok(value) => Some(value),
            Err(err) => {
                self.serde_error(file, &err.to_string(), None);
                None
            }
        }
    }

    /// Like [`Validator::parse_against`], but a file that breaks its schema
    /// is still read: each value the schema refused (a word where a count
    /// belongs, a negative count) is left out, as if not typed, so that the
    /// rest of the month can still be checked in the same run. `None` only
    /// when the file is not YAML or is empty.
    pub(crate) fn parse_tolerant(
        &mut self,
        file: &SourceFile,
        schema: &serde_json::Value,
        name: &str,
    ) -> Option<serde_json::Value> {
        let (mut json, found) = self.parse_checked(file, schema, name)?;
        for problem in &found {
            let refused =
                !matches!(problem.problem, schema::Problem::UnknownKey { .. } | schema::Problem::MissingKey { .. });
            if refused {
                empty_at(&mut json, &problem.path);
            }
        }
        Some(json)
    }

    /// YAML syntax, then the schema: every problem reported, the problems
    /// returned beside the value.
    fn parse_checked(
        &mut self,
        file: &SourceFile,
        schema: &serde_json::Value,
        name: &str,
    ) -> Option<(serde_json::Value, Vec<schema::Found>)> {
        let yaml: serde_yaml::Value = match serde_yaml::from_str(&file.text) {
            Ok(value) => value,
            Err(err) => {
                let location = err.location().map(|l| (l.line(), l.column()));
                match yaml_slip(&file.text, &err.to_string(), location) {
                    Some(slip) => self.diagnostics.push(slip.into_diagnostic(file)),
                    None => self.serde_error(file, &err.to_string(), location),
                }
                return None;
            }
        };
        let mut json = schema::yaml_to_json(&yaml);
        self.tidy_strings(file, &mut json, &mut Vec::new());
        if json.is_null() {
            // What it should hold, from its schema: the keys it must have.
            let keys: Vec<&str> = schema
                .get("required")
                .and_then(serde_json::Value::as_array)
                .map(|keys| keys.iter().filter_map(serde_json::Value::as_str).collect())
                .unwrap_or_default();
            let hint = if keys.is_empty() {
                format!("see README.md for what {name} holds")
            } else {
                format!("{name} holds {}: see README.md, or its schema for VS Code's completion", keys.join(", "))
            };
            self.diagnostics.push(Diagnostic::error(&file.path, "the file is empty").with_hint(hint));
            return None;
        }
        let found = schema::check(&json, schema);
        for problem in &found {
            let (message, hint) = problem.describe();
            // The member (定王台街道) and, for a value, its figure's label (回访数).
            let member = name_along(&json, &problem.path);
            let figure = match problem.problem {
                schema::Problem::WrongType { .. }
                | schema::Problem::BelowMinimum { .. }
                | schema::Problem::AboveMaximum { .. }
                | schema::Problem::NotAllowed { .. }
                | schema::Problem::NotDecimal { .. } => schema::label_at(schema, &problem.path),
                _ => None,
            };
            let label = match (figure, member) {
                (Some(figure), Some(member)) => Some(format!("{figure}, {member}")),
                (figure, member) => figure.or(member),
            };
            let diagnostic = Diagnostic::error(&file.path, message);
            let mut diagnostic = match problem.problem {
                schema::Problem::UnknownKey { .. } => {
                    diagnostic.at_key(&file.text, &problem.path, label.as_deref()).of_shape()
                }
                schema::Problem::MissingKey { .. } => {
                    diagnostic.at_field(&file.text, &problem.path, label.as_deref()).of_shape()
                }
                schema::Problem::NotFilled { .. } => {
                    let mut d = diagnostic.at_field(&file.text, &problem.path, label.as_deref());
                    d.kind = crate::diag::Kind::Blank;
                    d
                }
                _ => diagnostic.at_field(&file.text, &problem.path, label.as_deref()),
            };
            let mut hint = hint;
            // A number cut by its comma (`count: 3,45`): at the number, with the fix.
            if let (schema::Problem::UnknownKey { key, .. }, Some(line)) = (&problem.problem, diagnostic.line) {
                if let Some((column, field, number)) = cut_number(file.text.lines().nth(line - 1).unwrap_or(""), key) {
                    diagnostic = diagnostic.at(&file.text, line, column);
                    diagnostic.kind = crate::diag::Kind::Other;
                    hint = Some(format!(
                        "in `{{ … }}` a comma ends the value: write the number without its separator, `{field}: {number}`"
                    ));
                }
            }
            self.diagnostics.push(match hint {
                Some(hint) => diagnostic.with_hint(hint),
                None => diagnostic,
            });
        }
        Some((json, found))
    }

    /// Every text value of a parsed file, made fit to print: spaces at its
    /// start or end (an ASCII or a full-width 　 space, copied along from a
    /// spreadsheet) are dropped with a warning, since they would print
    /// ("定王台街道 、"); a name wrapped in typographic quotes (“芙蓉区”, as a
    /// Chinese input method types them) is an error at its own line, and is
    /// read without them so that it causes no second error elsewhere.
    fn tidy_strings(&mut self, file: &SourceFile, value: &mut serde_json::Value, path: &mut Vec<Segment>) {
        match value {
            // What never prints (an acknowledgement's reason) is left as is.
            _ if matches!(path.first(), Some(Segment::Key(k)) if k == "acknowledge") => {}
            serde_json::Value::String(text) => {
                // A block scalar's final line break is YAML's, not a space.
                *text = text.trim_matches(['\n', '\r']).to_owned();
                let trimmed = text.trim_matches(is_space);
                if trimmed.len() != text.len() {
                    let spaces = describe_spaces(text);
                    let diagnostic =
                        Diagnostic::warning(&file.path, format!("{spaces} of `{trimmed}` would print; it is dropped"))
                            .at_field(&file.text, path, None)
                            .with_hint(format!(
                                "remove {} from the file; the bulletin prints `{trimmed}`",
                                if spaces.contains(" and ") { "them" } else { "it" }
                            ));
                    self.diagnostics.push(diagnostic);
                    *text = trimmed.to_owned();
                }
                let is_name = matches!(path.last(), Some(Segment::Key(k)) if NAME_KEYS.contains(&k.as_str()))
                    || matches!(path.as_slice(), [.., Segment::Key(k), Segment::Index(_)] if NAME_LISTS.contains(&k.as_str()));
                if let Some(inner) = is_name.then(|| unquote_typographic(text)).flatten() {
                    let field = match path.last() {
                        Some(Segment::Key(k)) => format!("`{k}: {inner}`"),
                        _ => format!("`{inner}`"),
                    };
                    let diagnostic =
                        Diagnostic::error(&file.path, format!("the name {text} is wrapped in quotation marks"))
                            .at_field(&file.text, path, None)
                            .with_hint(format!("remove the quotation marks: {field} (YAML needs none)"));
                    self.diagnostics.push(diagnostic);
                    *text = inner;
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    path.push(index(i));
                    self.tidy_strings(file, item, path);
                    path.pop();
                }
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    path.push(key(k));
                    self.tidy_strings(file, item, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// A serde error as a diagnostic. serde_yaml appends " at line L column
    /// C" (shown by us as the position) and puts the field path first
    /// ("districts[1]: unknown field …").
    fn serde_error(&mut self, file: &SourceFile, message: &str, location: Option<(usize, usize)>) {
        let message = message.split(" at line ").next().unwrap_or(message);
        let (field, message) = match message.split_once(": ") {
            Some((path, rest)) if !path.contains(' ') => (Some(path.to_owned()), rest.to_owned()),
            _ => (None, message.to_owned()),
        };
        let mut diagnostic = Diagnostic::error(&file.path, message.clone());
        diagnostic.field = field;
        if let Some((line, column)) = location {
            diagnostic = diagnostic.at(&file.text, line, column);
        }
        if let Some(hint) = unknown_field_hint(&message) {
            diagnostic = diagnostic.with_hint(hint);
        } else if INDENT_SLIPS.iter().any(|slip| message.contains(slip)) {
            diagnostic = diagnostic.with_hint(
                "the indentation is likely off here or on the line above: the keys of one entry start in the \
                 same column, with spaces only (a list's `- ` counts), as in the lines around it",
            );
        }
        self.diagnostics.push(diagnostic);
    }
}

/// What libyaml says when a line is indented one level too far or too
/// little.
const INDENT_SLIPS: [&str; 4] = [
    "did not find expected key",
    "did not find expected '-' indicator",
    "mapping values are not allowed in this context",
    "block sequence entries are not allowed in this context",
];

/// The keys whose text is a name that the bulletin prints or matches.
const NAME_KEYS: [&str; 11] =
    ["name", "short", "district", "city", "city_scope", "unit", "type", "label", "theme", "issuer", "approved_by"];
/// The lists whose items are names.
const NAME_LISTS: [&str; 1] = ["well_performing_group_order"];

/// White space as editors paste it: ASCII, the full-width space
/// (U+3000), the no-break space.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// "a space at the end", "a full-width space （　） at the start and at the end".
fn describe_spaces(text: &str) -> String {
    let kind = |c: Option<char>| match c {
        Some('\u{3000}') => "a full-width space （　）",
        Some('\t') => "a tab",
        Some('\u{a0}') => "a no-break space",
        _ => "a space",
    };
    let lead = text.chars().next().filter(|c| is_space(*c));
    let trail = text.chars().next_back().filter(|c| is_space(*c));
    match (lead, trail) {
        (Some(l), Some(t)) if kind(Some(l)) == kind(Some(t)) => {
            format!("{} at the start and at the end", kind(Some(l)))
        }
        (Some(l), Some(t)) => format!("{} at the start and {} at the end", kind(Some(l)), kind(Some(t))),
        (Some(l), None) => format!("{} at the start", kind(Some(l))),
        _ => format!("{} at the end", kind(trail)),
    }
}

/// `“芙蓉区”` → `芙蓉区`: a text wholly inside one pair of typographic
/// quotes (“”, ‘’, 「」, 『』, or the straight ones a second time).
fn unquote_typographic(text: &str) -> Option<String> {
    const PAIRS: [(char, char); 6] = [('“', '”'), ('‘', '’'), ('「', '」'), ('『', '』'), ('"', '"'), ('\'', '\'')];
    // Two quotes and at least one character between them.
    if text.chars().count() <= 2 {
        return None;
    }
    let first = text.chars().next()?;
    let last = text.chars().next_back()?;
    let (_, close) = PAIRS.iter().find(|(open, _)| *open == first)?;
    let inner = text.get(first.len_utf8()..text.len() - last.len_utf8())?;
    // The quotes wrap the whole name, not a quoted part of it (“12345”热线).
    let wraps = (last == *close || (first == '“' && last == '“')) && !inner.contains([first, *close]);
    wraps.then(|| inner.trim_matches(is_space).to_owned())
}

/// A YAML syntax error that comes from a common typing slip, placed on the
/// line where the slip is (the parser notices it a line later, or at the
/// start of the mapping).
struct Slip {
    line: usize,
    column: usize,
    message: String,
    hint: String,
    field: Option<String>,
}

impl Slip {
    fn into_diagnostic(self, file: &SourceFile) -> Diagnostic {
        let mut diagnostic =
            Diagnostic::error(&file.path, self.message).at(&file.text, self.line, self.column).with_hint(self.hint);
        diagnostic.field = self.field;
        diagnostic
    }
}

/// The key at the start of a YAML line (after indentation and an optional
/// `- `), with the byte offset where it starts.
fn leading_key(line: &str) -> Option<(usize, &str)> {
    let start = line.len() - line.trim_start().len();
    let rest = &line[start..];
    let (start, rest) = match rest.strip_prefix("- ") {
        Some(after) => (start + 2 + (after.len() - after.trim_start().len()), after.trim_start()),
        None => (start, rest),
    };
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
    (end > 0 && rest.as_bytes()[0].is_ascii_alphabetic()).then(|| (start, &rest[..end]))
}

/// Recognises, for a YAML syntax error at `location` (1-based line), a
/// full-width colon after a key, a key with no space after its colon, and
/// a key given twice (pointed at its second occurrence).
fn yaml_slip(text: &str, message: &str, location: Option<(usize, usize)>) -> Option<Slip> {
    let (error_line, error_column) = location?;
    let lines: Vec<&str> = text.lines().collect();
    // A number too large for any integer type (libyaml gives up on it).
    let huge = message.split_once("invalid type: integer `").and_then(|(_, rest)| rest.split('`').next());
    if let Some(number) = huge.filter(|_| message.contains(" as u128") || message.contains(" as i128")) {
        return Some(Slip {
            line: error_line,
            column: error_column,
            message: format!("the number {number} is too large ({} digits)", number.trim_start_matches('-').len()),
            hint: "a count here has at most 10 digits: check for a value pasted twice or a missing line break"
                .to_owned(),
            field: None,
        });
    }
    // A tab in the indentation: YAML indents with spaces only.
    let tab_line = (error_line.saturating_sub(2)..error_line.min(lines.len()))
        .rev()
        .find(|&i| lines[i].chars().take_while(|c| c.is_whitespace()).any(|c| c == '\t'));
    if let Some(index) = tab_line {
        let line = lines[index];
        let column = line.chars().position(|c| c == '\t').unwrap_or(0) + 1;
        // The indentation the line likely means: that of its neighbour above
        // (one level deeper when that one opens a mapping).
        let above = lines[..index].iter().rev().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let spaces = above.map_or(0, |l| {
            let indent = l.len() - l.trim_start().len();
            let item = if l.trim_start().starts_with("- ") { 2 } else { 0 };
            if l.trim_end().ends_with(':') {
                indent + item + 2
            } else {
                indent + item
            }
        });
        return Some(Slip {
            line: index + 1,
            column,
            message: "a tab in the indentation".to_owned(),
            hint: format!(
                "YAML indents with spaces only: replace the tab with spaces, here {spaces} to line up with the line above"
            ),
            field: None,
        });
    }
    // serde_yaml puts the field path first: "groups[0].units[0]: duplicate …".
    let duplicate = message.split_once("duplicate entry with key \"");
    if let Some((path, key)) = duplicate.and_then(|(path, rest)| Some((path, rest.split('"').next()?))) {
        let field = path.strip_suffix(": ").filter(|p| !p.is_empty() && !p.contains(' ')).map(str::to_owned);
        // From the mapping's first line, the key's second occurrence at the
        // same indentation.
        let first_index = error_line.checked_sub(1)?;
        let indent = leading_key(lines.get(first_index)?)?.0;
        let mut first = None;
        for (index, line) in lines.iter().enumerate().skip(first_index) {
            match leading_key(line) {
                Some((at, found)) if at == indent && found == key => {
                    let Some(first) = first else {
                        first = Some(index + 1);
                        continue;
                    };
                    return Some(Slip {
                        line: index + 1,
                        column: line[..at].chars().count() + 1,
                        message: format!("`{key}` is given twice: on line {first} and here"),
                        hint: "keep one of the two lines".to_owned(),
                        field,
                    });
                }
                Some((at, _)) if at < indent && index + 1 > error_line => break,
                _ => {}
            }
        }
        return None;
    }
    // The slip is on the error's line or up to two lines before it.
    for index in (error_line.saturating_sub(3)..error_line.min(lines.len())).rev() {
        let line = lines[index];
        let Some((start, key)) = leading_key(line) else { continue };
        let after = &line[start + key.len()..];
        let column = |offset: usize| line[..offset].chars().count() + 1;
        if after.trim_start().starts_with('：') {
            let offset = start + key.len() + (after.len() - after.trim_start().len());
            return Some(Slip {
                line: index + 1,
                column: column(offset),
                message: format!("a full-width colon （：） after `{key}`"),
                hint: format!("type the colon in English mode (半角冒号): `{key}: …`"),
                field: None,
            });
        }
        if let Some(value) = after.strip_prefix(':') {
            if value.chars().next().is_some_and(|c| !c.is_whitespace()) {
                return Some(Slip {
                    line: index + 1,
                    column: column(start + key.len() + 1),
                    message: format!("no space after the colon of `{key}`"),
                    hint: format!("YAML needs a space there: `{key}: {}`", value.trim_end()),
                    field: None,
                });
            }
        }
    }
    None
}

/// The `name` of the innermost entry along `path` (a unit, a district), to
/// label a diagnostic with what the editor recognises.
fn name_along(value: &serde_json::Value, path: &[Segment]) -> Option<String> {
    let mut current = value;
    let mut name = None;
    for segment in path {
        current = match segment {
            Segment::Key(key) => current.get(key.as_str())?,
            Segment::Index(index) => current.get(*index)?,
        };
        if let Some(found) = current.get("name").and_then(serde_json::Value::as_str) {
            name = Some(found.to_owned());
        }
    }
    name
}

/// Empties the value at `path` (set to null: a key stays, and so do the
/// places of a list's later entries).
fn empty_at(json: &mut serde_json::Value, path: &[Segment]) {
    let Some((last, parent)) = path.split_last() else { return };
    let mut at = json;
    for segment in parent {
        let next = match segment {
            Segment::Key(k) => at.get_mut(k.as_str()),
            Segment::Index(i) => at.get_mut(*i),
        };
        let Some(next) = next else { return };
        at = next;
    }
    match (last, at) {
        (Segment::Key(k), serde_json::Value::Object(map)) => {
            // Kept as an empty value: refused, not missing (no second error).
            if let Some(value) = map.get_mut(k) {
                *value = serde_json::Value::Null;
            }
        }
        (Segment::Index(i), serde_json::Value::Array(items)) => {
            if let Some(item) = items.get_mut(*i) {
                *item = serde_json::Value::Null;
            }
        }
        _ => {}
    }
}

/// In `line`, a value `field: 3,45` whose comma cut off `rest` (`45`, read
/// as a key): the value's column (from 1), the field and the number whole.
fn cut_number(line: &str, rest: &str) -> Option<(usize, String, String)> {
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut from = 0;
    while let Some(found) = line[from..].find(&format!(",{rest}")) {
        let comma = from + found;
        let after = line[comma + 1 + rest.len()..].chars().next();
        let before = &line[..comma];
        let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit() || c == ',').len();
        let head = before[..before.len() - digits].trim_end();
        if digits > 0 && after.is_none_or(|c| !c.is_ascii_digit()) {
            if let Some(head) = head.strip_suffix(':') {
                let field: String = head.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let field: String = field.chars().rev().collect();
                let start = before.len() - digits;
                let number = format!("{}{rest}", &before[start..]).replace(',', "");
                return Some((line[..start].chars().count() + 1, field, number));
            }
        }
        from = comma + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_cut_by_its_comma_is_found_whole() {
        let line = "    - { name: 求助, count: 3,45 }";
        assert_eq!(cut_number(line, "45"), Some((26, "count".into(), "345".into())));
        assert_eq!(
            cut_number("  - { name: x, count: 1,393,000 }", "000"),
            Some((23, "count".into(), "1393000".into()))
        );
        assert_eq!(cut_number("  - { name: 45, count: 3 }", "45"), None);
    }

    #[test]
    fn names_in_quotation_marks() {
        let cases = [
            ("“芙蓉区”", Some("芙蓉区")),
            ("‘芙蓉区’", Some("芙蓉区")),
            ("「芙蓉区」", Some("芙蓉区")),
            ("“芙蓉区“", Some("芙蓉区")),
            ("\"芙蓉区\"", Some("芙蓉区")),
            ("芙蓉区", None),
            ("“12345”热线", None),
            ("芙蓉区“12345”市民服务热线办公室", None),
            ("“甲”与“乙”", None),
            ("“”", None),
            ("“", None),
            ("\"", None),
            ("'", None),
        ];
        for (text, unquoted) in cases {
            assert_eq!(unquote_typographic(text).as_deref(), unquoted, "{text}");
        }
    }

    #[test]
    fn spaces_around_names() {
        assert_eq!(describe_spaces("定王台街道 "), "a space at the end");
        assert_eq!(describe_spaces("　定王台街道"), "a full-width space （　） at the start");
        assert_eq!(describe_spaces(" 定王台街道　"), "a space at the start and a full-width space （　） at the end");
        assert_eq!(describe_spaces("\u{a0}定王台街道\u{a0}"), "a no-break space at the start and at the end");
    }
}
