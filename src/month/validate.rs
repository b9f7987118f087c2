//! What every month folder shares, whatever its office: its files read
//! once ([`MonthFiles`]), the period and the sign-off record of month.yaml,
//! the acknowledged warnings, the typical cases, and the percentage typed
//! as a fraction. The office's reader (`month::office`) checks the rest
//! against the definition.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::definition::SignoffField;
use crate::diag::{closest, Diagnostic};
use crate::month::raw;
use crate::month::types::{days_in_month, parse_date, parse_period, Case, Date, Period, Signoff};
use crate::number::{Decimal, Style};
pub(crate) use crate::source::file::{index, is_plain_id, key, SourceFile, Validator};
use crate::source::locate::Segment;

pub const MONTH_FILE: &str = "month.yaml";
pub const UNITS_FILE: &str = "units.yaml";
const CASE_EXTENSIONS: [&str; 2] = ["txt", "md"];

/// A month folder read into memory: each file by its path relative to the
/// folder (`units.yaml`, `cases/01-韦博教育.txt`), and the sub-folders.
#[derive(Clone, Debug, Default)]
pub struct MonthFiles {
    /// The folder as the user named it; diagnostics show paths below it.
    pub dir: PathBuf,
    /// The folder's own name (`2020-03`), which the period must match.
    pub name: String,
    pub files: BTreeMap<String, Vec<u8>>,
    pub folders: BTreeSet<String>,
}

impl MonthFiles {
    /// Reads the folder and its sub-folders (two levels: `cases/` lives
    /// there), in name order.
    pub fn read(dir: &Path) -> std::io::Result<Self> {
        let name = dir.canonicalize()?.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut month = Self { dir: dir.to_owned(), name, ..Self::default() };
        for entry in walkdir::WalkDir::new(dir).min_depth(1).max_depth(2).sort_by_file_name() {
            let entry = entry.map_err(std::io::Error::from)?;
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let key = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            if entry.file_type().is_dir() {
                month.folders.insert(key);
            } else if entry.file_type().is_file() {
                month.files.insert(key, fs::read(entry.path())?);
            }
        }
        Ok(month)
    }
}

/// Drops the warnings that month.yaml's `acknowledge:` accepts. A key is a
/// warning's code (`tickets-total`), or its code and field
/// (`fraction-percent districts[2].satisfaction`) where the month has more
/// than one warning of that code: one acknowledgement never covers a
/// second slip. Its value is the reason. An unknown code, an empty reason,
/// or a bare code that matches several warnings is an error; an
/// acknowledgement that no warning needs any more is a warning, so that
/// none outlives the figure it was written for. `own` are the codes the
/// office's definition gives its checks' warnings, besides the tool's.
pub(crate) fn acknowledge(
    file: &SourceFile,
    acknowledged: &BTreeMap<String, String>,
    own: &[&str],
    diagnostics: Vec<Diagnostic>,
    rules_ran: bool,
) -> Vec<Diagnostic> {
    let mut v = Validator::default();
    let known = || crate::diag::WARNING_CODES.iter().map(|(code, _)| *code).chain(own.iter().copied());
    // The field a warning is about, without the name after it.
    let field_of = |d: &Diagnostic| d.field.as_deref().map(|f| f.split(" (").next().unwrap_or(f).to_owned());
    let matches = |d: &Diagnostic, code: &str, field: Option<&str>| {
        !d.is_error()
            && d.code.as_deref() == Some(code)
            && field.is_none_or(|field| field_of(d).as_deref() == Some(field))
    };
    // At the key: the acknowledgement, not its reason, is what is wrong.
    let push = |v: &mut Validator, diagnostic: Diagnostic, path: &[Segment], hint: String| {
        v.diagnostics.push(diagnostic.at_key(&file.text, path, None).with_hint(hint));
    };
    let mut accepted: Vec<usize> = Vec::new();
    for (entry, reason) in acknowledged {
        let path = [key("acknowledge"), key(entry)];
        // The field as a diagnostic shows it, with the name after it or not.
        let (code, field) = match entry.split_once(char::is_whitespace) {
            Some((code, field)) => (code, Some(field.split(" (").next().unwrap_or(field).trim())),
            None => (entry.as_str(), None),
        };
        let found: Vec<usize> =
            diagnostics.iter().enumerate().filter(|(_, d)| matches(d, code, field)).map(|(i, _)| i).collect();
        if !known().any(|k| k == code) {
            let hint = match closest(code, known()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => {
                    format!("the warnings that can be acknowledged are: {}", known().collect::<Vec<_>>().join(", "))
                }
            };
            push(&mut v, Diagnostic::error(&file.path, format!("no warning is called `{code}`")), &path, hint);
        } else if reason.trim().is_empty() {
            let message = format!("the acknowledgement of `{entry}` gives no reason");
            let hint = format!("say why the figures are right as they are: `{entry}: 原通报如此，市平台口径不同`");
            push(&mut v, Diagnostic::error(&file.path, message), &path, hint);
        } else if found.len() > 1 && field.is_none() {
            let keys: Vec<String> = found
                .iter()
                .filter_map(|&i| field_of(&diagnostics[i]))
                .map(|field| format!("`{code} {field}`"))
                .collect();
            let message = format!("`{code}` matches {} warnings; one acknowledgement covers one", found.len());
            let hint = format!("acknowledge each that is right by its field: {}", keys.join(", "));
            push(&mut v, Diagnostic::error(&file.path, message), &path, hint);
        } else if found.is_empty() && rules_ran {
            let message = format!("`{entry}` is acknowledged, but the month has no such warning");
            let hint = "remove the line: the figures it was written for have changed".to_owned();
            push(&mut v, Diagnostic::warning(&file.path, message), &path, hint);
        } else {
            accepted.extend(found);
        }
    }
    let mut kept: Vec<Diagnostic> =
        diagnostics.into_iter().enumerate().filter(|(i, _)| !accepted.contains(i)).map(|(_, d)| d).collect();
    kept.extend(v.diagnostics);
    kept
}

pub(crate) fn non_empty(
    v: &mut Validator,
    file: &SourceFile,
    path: &[Segment],
    label: Option<&str>,
    text: &str,
    what: &str,
) {
    if text.trim().is_empty() {
        v.error(file, path, label, format!("{what} is empty"));
    }
}

/// month.yaml's `period`: a month, the one the folder is named after.
pub(crate) fn check_period(v: &mut Validator, folder: &str, file: &SourceFile, text: &str) -> Option<Period> {
    let period = parse_period(text);
    if period.is_none() {
        v.error(file, &[key("period")], None, format!("`{}` is not a month", text)).hint =
            Some("write the month as YYYY-MM, e.g. 2020-03".into());
    }
    if let Some(period) = period {
        if parse_period(folder) != Some(period) {
            v.error(
                file,
                &[key("period")],
                None,
                format!("period {} does not match the folder name `{folder}`", text),
            )
            .hint = Some("a month's folder is named after its period, e.g. months/2020-03".into());
        }
    }
    period
}

/// The sign-off record: each field that is given must be valid; a missing
/// one only makes the bulletin a draft.
pub(crate) fn check_signoff(
    v: &mut Validator,
    file: &SourceFile,
    record: Option<&raw::SignoffFile>,
    period: Option<Period>,
    required: &[SignoffField],
) -> Signoff {
    let Some(record) = record else { return Signoff::default() };
    let text = |field: &str, value: &Option<String>, v: &mut Validator| {
        let value = value.as_ref()?;
        non_empty(v, file, &[key("signoff"), key(field)], None, value, field);
        (!value.trim().is_empty()).then(|| value.trim().to_owned())
    };
    let issuer = text("issuer", &record.issuer, v);
    let approved_by = text("approved_by", &record.approved_by, v);
    let date = record.date.as_ref().and_then(|given| {
        let path = [key("signoff"), key("date")];
        let Some(date) = parse_date(given) else {
            let message =
                if given.trim().is_empty() { "the sign-off date is empty".to_owned() } else { format!("`{given}` is not a date") };
            // Written as a date, but its month has no such day (2020-04-31), or there is no such month.
            let parts: Vec<u32> = given.trim().split('-').filter_map(|p| p.parse().ok()).collect();
            let hint = match parts.as_slice() {
                [year, month @ 1..=12, day] if given.trim().len() == 10 => format!(
                    "{year}年{month}月 has {} days, not {day}",
                    days_in_month(*year as i32, *month as u8)
                ),
                [_, month, _] if given.trim().len() == 10 => format!("there is no month {month}: write YYYY-MM-DD"),
                _ => "write the date as YYYY-MM-DD, e.g. 2020-04-17; while the month is a draft, leave `date:` out"
                    .to_owned(),
            };
            v.error(file, &path, None, message).hint = Some(hint);
            return None;
        };
        if let Some(period) = period {
            let last_day =
                Date { year: period.year, month: period.month, day: days_in_month(period.year, period.month) };
            if date <= last_day {
                v.error(
                    file,
                    &path,
                    None,
                    format!(
                        "sign-off date {given} is not after the end of the period {:04}-{:02}",
                        period.year, period.month
                    ),
                )
                .hint = Some("a bulletin is signed off after the month it reports on".into());
                return None;
            }
            let months_after = Period { year: date.year, month: date.month }.index() - period.index();
            if months_after > 2 {
                v.warning(
                    file,
                    &path,
                    None,
                    format!(
                        "sign-off date {given} is {months_after} months after the period {:04}-{:02}: a typo in the year or month?",
                        period.year, period.month
                    ),
                )
                .code = Some("signoff-date-far".into());
            }
        }
        Some(date)
    });
    // Fields left out (not those given wrongly: they are errors already).
    let absent: Vec<&str> = [
        ("issuer", record.issuer.is_none() && required.contains(&SignoffField::Issuer)),
        ("date", record.date.is_none()),
        ("approved_by", record.approved_by.is_none() && required.contains(&SignoffField::ApprovedBy)),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    if !absent.is_empty() {
        v.warning(
            file,
            &[key("signoff")],
            None,
            format!("the sign-off record lacks {}: the month builds as a draft (征求意见稿)", absent.join(", ")),
        );
    }
    Signoff { issuer, date, approved_by }
}

/// A case file as read: its name in the month folder (`cases/01-x.txt`)
/// and text.
pub(crate) struct CaseFile {
    pub(crate) name: String,
    pub(crate) path: std::path::PathBuf,
    pub(crate) text: String,
}

/// A unit a case's front matter names that units.yaml lacks, at its line.
pub(crate) fn unknown_case_unit(file: &CaseFile, unit: &str, line: usize, hint: String) -> Diagnostic {
    let text_line = file.text.lines().nth(line - 1).unwrap_or_default();
    let column = text_line.find(unit).map_or(1, |b| text_line[..b].chars().count() + 1);
    let mut diagnostic =
        Diagnostic::error(&file.path, format!("no unit `{unit}` in units.yaml")).at(&file.text, line, column);
    diagnostic.field = Some("units".into());
    diagnostic.hint = Some(hint);
    diagnostic
}

/// The case files of the folder `dir` of the month, each parsed: what is
/// not a case file, a case not written yet, broken front matter, markup
/// that prints as typed and a copy of another case are reported; the units
/// a case names are left to the caller, which knows the month's units.
/// No folder, or none in it, is an error when `required`.
pub(crate) fn read_case_files(
    v: &mut Validator,
    files: &MonthFiles,
    folder: &str,
    required: bool,
) -> Vec<(CaseFile, crate::month::case::ParsedCase)> {
    let dir = files.dir.join(folder);
    if !files.folders.contains(folder) {
        if required {
            v.diagnostics.push(
                Diagnostic::error(&dir, "the cases folder is missing")
                    .with_hint(format!("write each typical case (典型案例) as a .txt file in {folder}/")),
            );
        }
        return Vec::new();
    }
    let prefix = format!("{folder}/");
    let is_case = |rest: &str| {
        Path::new(rest)
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| CASE_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
    };
    let mut names = Vec::new();
    // Anything else in the folder would silently go missing from the bulletin.
    for name in files.files.keys().chain(&files.folders) {
        let Some(rest) = name.strip_prefix(&prefix) else { continue };
        let is_file = files.files.contains_key(name);
        if is_file && is_case(rest) {
            names.push(name);
        } else if !rest.starts_with('.') {
            let diagnostic = if is_file {
                Diagnostic::warning(
                    files.dir.join(name),
                    "the bulletin does not use this file: a case is a .txt (or .md) file",
                )
                .with_hint("save the case as plain text (WPS/Word: 另存为 → 纯文本 .txt, UTF-8)")
            } else {
                Diagnostic::warning(files.dir.join(name), "the bulletin does not use this folder")
                    .with_hint(format!("case files go directly in {folder}/"))
            };
            v.diagnostics.push(diagnostic);
        }
    }
    if names.is_empty() && required {
        v.diagnostics.push(
            Diagnostic::error(&dir, format!("no case file (.txt or .md) in the {folder} folder"))
                .with_hint("every bulletin carries at least one typical case (典型案例)"),
        );
    }
    let mut out: Vec<(CaseFile, crate::month::case::ParsedCase)> = Vec::new();
    for name in names {
        let Some(file) = read(v, files, name) else { continue };
        if let Some((index, line)) =
            file.text.lines().enumerate().find(|(_, l)| l.contains(crate::month::case::TO_FILL))
        {
            let column = line[..line.find(crate::month::case::TO_FILL).unwrap_or(0)].chars().count() + 1;
            v.diagnostics.push(
                Diagnostic::error(&file.path, "the case is not written yet")
                    .at(&file.text, index + 1, column)
                    .with_hint(format!("replace every {} with the case's text", crate::month::case::TO_FILL)),
            );
            continue;
        }
        let parsed = match crate::month::case::parse(&file.text) {
            Ok(parsed) => parsed,
            Err(err) => {
                let mut diagnostic = Diagnostic::error(&file.path, err.message).at(&file.text, err.line, 1);
                diagnostic.hint = err.hint;
                v.diagnostics.push(diagnostic);
                continue;
            }
        };
        for warning in &parsed.warnings {
            v.diagnostics.push(
                Diagnostic::warning(&file.path, warning.message.clone())
                    .at(&file.text, warning.line, warning.column)
                    .with_hint(warning.hint.clone()),
            );
        }
        // A copy saved beside the original (…- 副本.txt) would print twice.
        if let Some((first, _)) = out.iter().find(|(_, c)| c.title == parsed.title) {
            let line = file.text.lines().position(|l| l.contains(parsed.title.as_str())).map_or(1, |i| i + 1);
            v.diagnostics.push(
                Diagnostic::warning(
                    &file.path,
                    format!("this case and {} have the same title: is one a copy?", first.name),
                )
                .at(&file.text, line, 1)
                .with_hint(format!(
                    "every case file in {folder}/ prints; remove the copy, or give each case its own title"
                )),
            );
        }
        out.push((CaseFile { name: name.clone(), path: file.path.clone(), text: file.text.clone() }, parsed));
    }
    out
}

/// Cases with an `order` first, by it; the others by file name (a mixed
/// or repeated order is a warning).
pub(crate) fn order_cases(v: &mut Validator, files: &MonthFiles, mut cases: Vec<(Option<i64>, Case)>) -> Vec<Case> {
    cases.sort_by(|(a, x), (b, y)| a.unwrap_or(i64::MAX).cmp(&b.unwrap_or(i64::MAX)).then_with(|| x.file.cmp(&y.file)));
    warn_mixed_order(v, files, &cases);
    cases.into_iter().map(|(_, case)| case).collect()
}

/// Some cases with `order` and some without, or two with the same number,
/// print in an order nobody may have meant: say which.
fn warn_mixed_order(v: &mut Validator, files: &MonthFiles, cases: &[(Option<i64>, Case)]) {
    let without = cases.iter().filter(|(order, _)| order.is_none()).count();
    let mut numbers: Vec<i64> = cases.iter().filter_map(|(order, _)| *order).collect();
    numbers.sort_unstable();
    let repeated = numbers.windows(2).find(|pair| pair[0] == pair[1]).map(|pair| pair[0]);
    let mixed = without > 0 && without < cases.len();
    if !mixed && repeated.is_none() {
        return;
    }
    let printed: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(i, (order, case))| {
            let order = order.map_or_else(|| "no order".to_owned(), |n| format!("order {n}"));
            let number = crate::number::cn_num(i as u64 + 1).unwrap_or_else(|| (i + 1).to_string());
            format!("（{number}）{} ({order})", case.file)
        })
        .collect();
    let why = match repeated {
        Some(n) if !mixed => format!("two cases have `order: {n}`"),
        _ => "some cases have `order` and some do not".to_owned(),
    };
    let anchor = cases.iter().find(|(order, _)| order.is_none()).map_or(&cases[0].1.file, |(_, case)| &case.file);
    v.diagnostics.push(
        Diagnostic::warning(files.dir.join(anchor), format!("{why}; the cases print as {}", printed.join(", ")))
            .with_hint("give every case its own `order`, or none (then they print by file name)"),
    );
}

/// For several names typed as one with a full-width separator
/// (`教育局，韭菜园街道`): how to write them as a list.
pub(crate) fn list_slip_hint(name: &str) -> Option<String> {
    let comma = name.chars().find(|c| matches!(c, '，' | '、' | '；'))?;
    let items: Vec<&str> = name.split(['，', '、', '；']).map(str::trim).collect();
    Some(format!(
        "a `{comma}` does not part the items of a list: write `[{}]` with half-width commas",
        items.join(", ")
    ))
}

/// The month a fuzz input stands for: `base` with one file replaced. The
/// input's first byte picks the file (in name order), the rest is its new
/// content. Shared by the cargo-fuzz target and the corpus replay test.
#[doc(hidden)]
pub fn fuzz_month(base: &MonthFiles, input: &[u8]) -> MonthFiles {
    let mut files = base.clone();
    if let Some((&selector, content)) = input.split_first() {
        let names: Vec<String> = base.files.keys().cloned().collect();
        if !names.is_empty() {
            let name = names[usize::from(selector) % names.len()].clone();
            files.files.insert(name, content.to_vec());
        }
    }
    files
}

/// A file of the month as UTF-8 text.
fn read(v: &mut Validator, files: &MonthFiles, name: &str) -> Option<SourceFile> {
    let path = files.dir.join(name);
    let Some(bytes) = files.files.get(name) else {
        v.diagnostics.push(
            Diagnostic::error(&path, "the file is missing")
                .with_hint("every month folder needs month.yaml, city.yaml, units.yaml, tickets.yaml and cases/"),
        );
        return None;
    };
    v.decode(path, bytes)
}

/// Percentages typed as fractions (`0.9941` for 99.41%): a value between 0
/// and 1 in a column whose other rows are all at least 90, or with more
/// decimals than a published percentage has, is a warning with the likely
/// fix. `rows`: each row's path, label and value.
pub(crate) fn warn_fractions(
    v: &mut Validator,
    file: &SourceFile,
    field: &str,
    rows: &[(Vec<Segment>, Option<&str>, Decimal)],
) {
    let (zero, one, ninety, hundred) =
        (Decimal::from_int(0), Decimal::from_int(1), Decimal::from_int(90), Decimal::from_int(100));
    for (i, (path, label, value)) in rows.iter().enumerate() {
        let others: Vec<Decimal> = rows.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, row)| row.2).collect();
        let high_column = !others.is_empty() && others.iter().all(|other| *other >= ninety);
        let (low, high) = (others.iter().min().copied().unwrap_or(zero), others.iter().max().copied().unwrap_or(zero));
        if *value > zero && *value < one {
            let decimals = value.format(Style::Trim).split_once('.').map_or(0, |(_, fraction)| fraction.len());
            if !(high_column || decimals > 2) {
                continue;
            }
            let as_percent = value.shifted(2);
            let context =
                if high_column { format!("; the other rows are between {low} and {high}") } else { String::new() };
            let warning = v.warning(
                file,
                path,
                *label,
                format!("{field} {value} looks like a fraction, not a percentage{context}"),
            );
            warning.hint =
                Some(format!("write percentages as printed, without `%`: `{field}: {as_percent}` for {as_percent}%"));
            warning.code = Some("fraction-percent".into());
        } else if high_column && *value >= one && *value < ninety {
            // 9.862 where the others are 98 to 99: the decimal point slipped.
            let floor = low.minus(Decimal::from_int(10));
            let Some(fixed) =
                [1, 2].into_iter().map(|places| value.shifted(places)).find(|f| *f >= floor && *f <= hundred)
            else {
                continue;
            };
            let warning = v.warning(
                file,
                path,
                *label,
                format!("{field} {value} is far below the other rows ({low} to {high}): a decimal point out of place?"),
            );
            warning.hint = Some(format!("if the platform shows {fixed}%, write `{field}: {fixed}`"));
            warning.code = Some("percent-outlier".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_times_a_hundred() {
        for (fraction, percent) in [("0.9941", "99.41"), ("0.5", "50"), ("0.001", "0.1"), ("0.99999", "99.999")] {
            assert_eq!(Decimal::parse(fraction).unwrap().shifted(2).format(Style::Trim), percent, "{fraction}");
        }
        assert_eq!(Decimal::parse("9.862").unwrap().shifted(1).format(Style::Trim), "98.62");
        assert_eq!(Decimal::parse("12").unwrap().shifted(1).format(Style::Trim), "120");
    }
}
