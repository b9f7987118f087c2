//! Load and validate a month folder: files → raw serde types → [`Month`].
//!
//! Every problem becomes a [`Diagnostic`] with its file, line, column and
//! field; all of them are collected in one run. Only impossible data is an
//! error (satisfied > visited, late completions > completed, a breakdown that
//! does not add up, …); suspicious but possible data is a warning.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::definition::SignoffField;
use crate::diag::{closest, Diagnostic};
use crate::month::raw::{self, CityFile, MonthFile, TicketsFile, UnitsFile};
use crate::month::rules::Rules;
use crate::month::{
    types::days_in_month, types::parse_date, types::parse_period, types::BusinessTicket, types::Case,
    types::CityDistrict, types::Count, types::Date, types::Group, types::Month, types::Period, types::Signoff,
    types::Topic, types::Unit, types::UnitRef,
};
use crate::number::{Decimal, Style, MAX_SCALE};
pub(crate) use crate::source::file::{index, is_plain_id, key, SourceFile, Validator};
use crate::source::locate::Segment;
use crate::source::schema::FileKind;

pub const MONTH_FILE: &str = "month.yaml";
pub const CITY_FILE: &str = "city.yaml";
pub const UNITS_FILE: &str = "units.yaml";
pub const TICKETS_FILE: &str = "tickets.yaml";
pub const CASES_DIR: &str = "cases";
const CASE_EXTENSIONS: [&str; 2] = ["txt", "md"];

/// The outcome of checking a month: the month when it has no errors, and
/// every diagnostic (errors and warnings), sorted by file and line.
#[derive(Debug)]
pub struct Checked {
    pub month: Option<Month>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

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

/// Checks the month folder `dir` and, when it has no errors, returns the
/// validated month.
pub fn check_month(dir: &Path) -> std::io::Result<Checked> {
    Ok(check_files(&MonthFiles::read(dir)?))
}

/// Checks a month's files; see [`check_month`].
pub fn check_files(files: &MonthFiles) -> Checked {
    let mut v = Validator::default();
    let month_src = read(&mut v, files, MONTH_FILE);
    let city_src = read(&mut v, files, CITY_FILE);
    let units_src = read(&mut v, files, UNITS_FILE);
    let tickets_src = read(&mut v, files, TICKETS_FILE);
    let month_raw = month_src.as_ref().and_then(|f| v.parse::<MonthFile>(f, FileKind::Month));
    let acknowledged = month_raw.as_ref().map(|m| m.acknowledge.clone());
    let month_file_src = month_src.as_ref().map(|f| SourceFile { path: f.path.clone(), text: f.text.clone() });
    let city_raw = city_src.as_ref().and_then(|f| v.parse::<CityFile>(f, FileKind::City));
    let units_raw = units_src.as_ref().and_then(|f| v.parse::<UnitsFile>(f, FileKind::Units));
    let tickets_raw = tickets_src.as_ref().and_then(|f| v.parse::<TicketsFile>(f, FileKind::Tickets));
    warn_unknown_files(&mut v, files);

    // Cases are checked in any case; their units only when units.yaml is sound.
    let mut cases = Vec::new();
    let all_parsed = [month_raw.is_some(), city_raw.is_some(), units_raw.is_some(), tickets_raw.is_some()];
    if all_parsed.contains(&false) {
        read_cases(&mut v, files, None);
    }
    let month = match (month_src, month_raw, city_src, city_raw, units_src, units_raw, tickets_src, tickets_raw) {
        (Some(ms), Some(m), Some(cs), Some(c), Some(us), Some(u), Some(ts), Some(t)) => {
            let header = check_header(&mut v, &files.name, &ms, &m);
            let rules = check_rules(&mut v, &ms, &m);
            let groups = check_units(&mut v, &us, &u, &rules);
            cases = read_cases(&mut v, files, Some(&groups));
            check_group_order(&mut v, &ms, &rules, &groups);
            let (city_table, own) = check_city(&mut v, &cs, &c, &m.district, &groups);
            let tickets = check_tickets(&mut v, &ts, &t, &groups);
            match (header, own) {
                (Some((period, signoff)), Some(own_district)) => Some(Month {
                    period,
                    district: m.district,
                    city: m.city,
                    city_scope: m.city_scope,
                    signoff,
                    attachment: m.attachment,
                    appendix_title: m.appendix_title,
                    rules,
                    definition: crate::definition::furong(),
                    city_table,
                    own_district,
                    groups,
                    completed: t.completed,
                    categories: tickets.0,
                    business: tickets.1,
                    topic: tickets.2,
                    cases: Vec::new(),
                    sources: Vec::new(),
                }),
                _ => None,
            }
        }
        _ => None,
    };

    let mut diagnostics = v.diagnostics;
    if let (Some(file), Some(acknowledged)) = (&month_file_src, &acknowledged) {
        // Until every file is well-formed the rules have not run, so an
        // acknowledged warning may be missing for no fault of its own.
        diagnostics = acknowledge(file, acknowledged, &[TICKETS_TOTAL], diagnostics, !all_parsed.contains(&false));
    }
    diagnostics.sort_by_key(Diagnostic::sort_key);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let sources = used_files(files);
    let month = month.filter(|_| !has_errors).map(|month| Month { cases, sources, ..month });
    Checked { month, diagnostics }
}

/// The code of the warning that the city's count of the district's
/// tickets differs from the units' signed total (Furong's definition
/// declares it as a check of its own).
const TICKETS_TOTAL: &str = "tickets-total";

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

fn check_header(v: &mut Validator, folder: &str, file: &SourceFile, m: &MonthFile) -> Option<(Period, Signoff)> {
    for (field, text) in [
        ("district", &m.district),
        ("city", &m.city),
        ("city_scope", &m.city_scope),
        ("attachment", &m.attachment),
        ("appendix_title", &m.appendix_title),
    ] {
        non_empty(v, file, &[key(field)], None, text, field);
    }
    let period = check_period(v, folder, file, &m.period);
    let every = [SignoffField::Issuer, SignoffField::Date, SignoffField::ApprovedBy];
    let signoff = check_signoff(v, file, m.signoff.as_ref(), period, &every);
    Some((period?, signoff))
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
            v.error(file, &path, None, message).hint =
                Some("write the date as YYYY-MM-DD, e.g. 2020-04-17; while the month is a draft, leave `date:` out".into());
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

fn check_rules(v: &mut Validator, file: &SourceFile, m: &MonthFile) -> Rules {
    let rules = Rules::from_file(&m.rules);
    let base = [key("rules")];
    if rules.full_marks <= Decimal::from_int(0) {
        v.error(
            file,
            &[key("rules"), key("full_marks")],
            None,
            format!("full marks must be above 0, found {}", rules.full_marks),
        );
    }
    if rules.satisfaction_threshold.is_negative() || rules.satisfaction_threshold > Decimal::from_int(100) {
        v.error(
            file,
            &[key("rules"), key("satisfaction_threshold")],
            None,
            format!("a percentage between 0 and 100 is expected, found {}", rules.satisfaction_threshold),
        );
    }
    for (name, rule) in rules.figures.named() {
        if rule.decimals > MAX_SCALE {
            v.error(
                file,
                &[base[0].clone(), key("figures"), key(name), key("decimals")],
                None,
                format!("at most {MAX_SCALE} decimals are supported, found {}", rule.decimals),
            );
        }
    }
    rules
}

fn check_group_order(v: &mut Validator, file: &SourceFile, rules: &Rules, groups: &[Group]) {
    for (i, name) in rules.well_performing_group_order.iter().enumerate() {
        if !groups.iter().any(|g| &g.name == name) {
            let known: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
            let hint = format!("the groups in units.yaml are: {}", known.join("、"));
            v.error(
                file,
                &[key("rules"), key("well_performing_group_order"), index(i)],
                None,
                format!("no group named `{name}` in units.yaml"),
            )
            .hint = Some(hint);
        }
    }
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

/// A percentage field: between 0 and 100.
fn check_percent(v: &mut Validator, file: &SourceFile, path: &[Segment], label: Option<&str>, value: Decimal) {
    if value.is_negative() || value > Decimal::from_int(100) {
        v.error(file, path, label, format!("a percentage between 0 and 100 is expected, found {value}"));
    }
}

fn check_units(v: &mut Validator, file: &SourceFile, u: &UnitsFile, rules: &Rules) -> Vec<Group> {
    if u.groups.is_empty() {
        v.error(file, &[key("groups")], None, "no unit groups are listed".into());
    }
    let mut group_names = BTreeSet::new();
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut names: BTreeMap<&str, String> = BTreeMap::new();
    let mut groups = Vec::new();
    for (g, group) in u.groups.iter().enumerate() {
        let group_path = [key("groups"), index(g)];
        non_empty(v, file, &[key("groups"), index(g), key("name")], None, &group.name, "the group name");
        if !group_names.insert(group.name.as_str()) {
            v.error(
                file,
                &[key("groups"), index(g), key("name")],
                None,
                format!("group `{}` is listed twice", group.name),
            );
        }
        if group.units.is_empty() {
            v.error(file, &[key("groups"), index(g), key("units")], Some(&group.name), "the group has no units".into());
        }
        let mut units = Vec::new();
        for (i, unit) in group.units.iter().enumerate() {
            let at = |field: &str| {
                let mut path = group_path.to_vec();
                path.extend([key("units"), index(i), key(field)]);
                path
            };
            let label = Some(unit.name.as_str());
            // Where the first use stands, by line as the editor finds it.
            let unit_path = [key("groups"), index(g), key("units"), index(i)];
            let where_ = match crate::source::locate::locate(&file.text, &unit_path) {
                Some(at) => format!("groups[{g}].units[{i}] (line {})", at.line),
                None => format!("groups[{g}].units[{i}]"),
            };
            if !is_plain_id(&unit.id) {
                v.error(file, &at("id"), label, format!("unit id `{}` is not a plain code", unit.id)).hint =
                    Some("ids are lowercase letters, digits, `-` and `_` (e.g. the name in pinyin: mapoling)".into());
            }
            if let Some(first) = ids.insert(&unit.id, where_.clone()) {
                v.error(file, &at("id"), label, format!("unit id `{}` is already used by {first}", unit.id));
            }
            non_empty(v, file, &at("name"), None, &unit.name, "the unit name");
            if let Some(first) = names.insert(&unit.name, where_.clone()) {
                v.error(file, &at("name"), label, format!("unit name `{}` is already used by {first}", unit.name));
            }
            let pairs = [
                ("satisfied", unit.satisfied, "visited", unit.visited),
                ("late_completed", unit.late_completed, "completed", unit.completed),
                ("late_signed", unit.late_signed, "signed", unit.signed),
            ];
            for (part, part_value, whole, whole_value) in pairs {
                if part_value > whole_value {
                    v.error(
                        file,
                        &at(part),
                        label,
                        format!("{part} ({part_value}) is greater than {whole} ({whole_value})"),
                    )
                    .hint = Some(format!("{part} counts part of {whole}: check that the two columns are not swapped"));
                }
            }
            check_percent(v, file, &at("extension_rate"), label, unit.extension_rate.0);
            check_percent(v, file, &at("repeat_rate"), label, unit.repeat_rate.0);
            // With invalid full marks (reported once) scores are not judged.
            let full_marks_valid = rules.full_marks > Decimal::from_int(0);
            if unit.score.0.is_negative() || (full_marks_valid && unit.score.0 > rules.full_marks) {
                v.error(
                    file,
                    &at("score"),
                    label,
                    format!(
                        "a score between 0 and the full marks ({}) is expected, found {}",
                        rules.full_marks, unit.score.0
                    ),
                );
            }
            units.push(Unit {
                id: unit.id.clone(),
                name: unit.name.clone(),
                short: unit.short.clone().unwrap_or_else(|| unit.name.clone()),
                signed: unit.signed,
                late_signed: unit.late_signed,
                late_returned: unit.late_returned,
                return_rejected: unit.return_rejected,
                completed: unit.completed,
                late_completed: unit.late_completed,
                extension_rejected: unit.extension_rejected,
                redone: unit.redone,
                visited: unit.visited,
                satisfied: unit.satisfied,
                extension_rate: unit.extension_rate.0,
                repeat_rate: unit.repeat_rate.0,
                score: unit.score.0,
            });
        }
        groups.push(Group { name: group.name.clone(), units });
    }
    type Rate = fn(&raw::UnitEntry) -> Decimal;
    let rates: [(&str, Rate); 2] = [("extension_rate", |u| u.extension_rate.0), ("repeat_rate", |u| u.repeat_rate.0)];
    for (field, rate) in rates {
        let rows: Vec<(Vec<Segment>, Option<&str>, Decimal)> = u
            .groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| group.units.iter().enumerate().map(move |(i, unit)| (g, i, unit)))
            .map(|(g, i, unit)| {
                (
                    vec![key("groups"), index(g), key("units"), index(i), key(field)],
                    Some(unit.name.as_str()),
                    rate(unit),
                )
            })
            .collect();
        warn_fractions(v, file, field, &rows);
    }
    groups
}

fn check_city(
    v: &mut Validator,
    file: &SourceFile,
    c: &CityFile,
    district: &str,
    groups: &[Group],
) -> (Vec<CityDistrict>, Option<usize>) {
    let mut seen = BTreeSet::new();
    let mut table = Vec::new();
    for (i, d) in c.districts.iter().enumerate() {
        let at = |field: &str| [key("districts"), index(i), key(field)];
        non_empty(v, file, &at("name"), None, &d.name, "the district name");
        if !seen.insert(d.name.as_str()) {
            v.error(file, &at("name"), None, format!("district `{}` is listed twice", d.name));
        }
        check_percent(v, file, &at("satisfaction"), Some(&d.name), d.satisfaction.0);
        if d.score.0.is_negative() {
            v.error(file, &at("score"), Some(&d.name), format!("a score cannot be negative, found {}", d.score.0));
        }
        table.push(CityDistrict {
            name: d.name.clone(),
            tickets: d.tickets,
            satisfaction: d.satisfaction.0,
            score: d.score.0,
        });
    }
    let satisfactions: Vec<(Vec<Segment>, Option<&str>, Decimal)> = c
        .districts
        .iter()
        .enumerate()
        .map(|(i, d)| (vec![key("districts"), index(i), key("satisfaction")], Some(d.name.as_str()), d.satisfaction.0))
        .collect();
    warn_fractions(v, file, "satisfaction", &satisfactions);
    let own = table.iter().position(|d| d.name == district);
    match own {
        None => {
            let hint = match closest(district, table.iter().map(|d| d.name.as_str())) {
                Some(best) => format!("did you mean `{best}`? (month.yaml names the district `{district}`)"),
                None => format!("add a row for {district}, as named in month.yaml"),
            };
            v.error(file, &[key("districts")], None, format!("our district `{district}` is not in the city table"))
                .hint = Some(hint);
        }
        Some(i) => {
            let signed: u64 = groups.iter().flat_map(|g| &g.units).map(|u| u64::from(u.signed)).sum();
            if signed != u64::from(table[i].tickets) {
                v.warning(
                    file,
                    &[key("districts"), index(i), key("tickets")],
                    Some(district),
                    format!(
                        "the city counts {} tickets for {district}, the units signed {signed} in all (units.yaml)",
                        table[i].tickets
                    ),
                )
                .code = Some(TICKETS_TOTAL.into());
            }
        }
    }
    (table, own)
}

/// Resolves a unit named by id, full name or short name.
fn find_unit(groups: &[Group], name: &str) -> Option<UnitRef> {
    groups.iter().enumerate().find_map(|(group, g)| {
        g.units
            .iter()
            .position(|u| u.id == name || u.name == name || u.short == name)
            .map(|unit| UnitRef { group, unit })
    })
}

fn check_counts(v: &mut Validator, file: &SourceFile, base: &[Segment], counts: &[raw::Count]) -> Vec<Count> {
    let mut seen = BTreeSet::new();
    for (i, c) in counts.iter().enumerate() {
        let mut path = base.to_vec();
        path.extend([index(i), key("name")]);
        non_empty(v, file, &path, None, &c.name, "the name");
        if !seen.insert(c.name.as_str()) {
            v.error(file, &path, None, format!("`{}` is listed twice", c.name));
        }
    }
    counts.iter().map(|c| Count { name: c.name.clone(), count: c.count }).collect()
}

fn check_tickets(
    v: &mut Validator,
    file: &SourceFile,
    t: &TicketsFile,
    groups: &[Group],
) -> (Vec<Count>, Vec<BusinessTicket>, Topic) {
    let categories = check_counts(v, file, &[key("categories")], &t.categories);
    let mut business = Vec::new();
    for (i, ticket) in t.business_environment.iter().enumerate() {
        non_empty(v, file, &[key("business_environment"), index(i), key("type")], None, &ticket.kind, "the type");
        match find_unit(groups, &ticket.unit) {
            Some(unit) => business.push(BusinessTicket { kind: ticket.kind.clone(), unit }),
            None => {
                let hint = unit_hint(groups, &ticket.unit);
                v.error(
                    file,
                    &[key("business_environment"), index(i), key("unit")],
                    None,
                    format!("no unit `{}` in units.yaml", ticket.unit),
                )
                .hint = Some(hint);
            }
        }
    }
    let topic = &t.topic;
    let natures = check_counts(v, file, &[key("topic"), key("natures")], &topic.natures);
    let topic_categories = check_counts(v, file, &[key("topic"), key("categories")], &topic.categories);
    for (field, text) in [("title", &topic.title), ("label", &topic.label), ("theme", &topic.theme)] {
        non_empty(v, file, &[key("topic"), key(field)], None, text, field);
    }
    if topic.unsatisfied > topic.tickets {
        v.error(
            file,
            &[key("topic"), key("unsatisfied")],
            None,
            format!("unsatisfied ({}) is greater than the topic's tickets ({})", topic.unsatisfied, topic.tickets),
        );
    }
    let natures_sum: u64 = natures.iter().map(|c| u64::from(c.count)).sum();
    if natures_sum != u64::from(topic.tickets) {
        let parts: Vec<String> = natures.iter().map(|c| format!("{} {}", c.name, c.count)).collect();
        v.error(
            file,
            &[key("topic"), key("natures")],
            None,
            format!(
                "the natures add up to {natures_sum} ({}), but the topic has {} tickets",
                parts.join(" + "),
                topic.tickets
            ),
        )
        .hint = Some("every topic ticket has exactly one nature: the counts must sum to `tickets`".into());
    }
    let categories_sum: u64 = topic_categories.iter().map(|c| u64::from(c.count)).sum();
    if categories_sum > u64::from(topic.tickets) {
        v.error(
            file,
            &[key("topic"), key("categories")],
            None,
            format!("the categories add up to {categories_sum}, more than the topic's {} tickets", topic.tickets),
        );
    }
    let topic = Topic {
        title: topic.title.clone(),
        label: topic.label.clone(),
        theme: topic.theme.clone(),
        tickets: topic.tickets,
        unsatisfied: topic.unsatisfied,
        natures,
        categories: topic_categories,
    };
    (categories, business, topic)
}

/// The files the bulletin is made from: the four YAML files and the cases.
fn used_files(files: &MonthFiles) -> Vec<(String, Vec<u8>)> {
    let yaml = [MONTH_FILE, CITY_FILE, UNITS_FILE, TICKETS_FILE];
    let prefix = format!("{CASES_DIR}/");
    files
        .files
        .iter()
        .filter(|(name, _)| yaml.contains(&name.as_str()) || name.starts_with(&prefix))
        .map(|(name, bytes)| (name.clone(), bytes.clone()))
        .collect()
}

fn warn_unknown_files(v: &mut Validator, files: &MonthFiles) {
    let known = [MONTH_FILE, CITY_FILE, UNITS_FILE, TICKETS_FILE, CASES_DIR];
    let top = files.files.keys().chain(&files.folders).filter(|name| !name.contains('/'));
    let mut names: Vec<&String> = top.collect();
    names.sort();
    for name in names {
        if !known.contains(&name.as_str()) && !name.starts_with('.') {
            let mut diagnostic = Diagnostic::warning(files.dir.join(name), "the bulletin does not use this file");
            if let Some(best) = closest(name, known) {
                diagnostic = diagnostic.with_hint(format!("did you mean `{best}`?"));
            }
            v.diagnostics.push(diagnostic);
        }
    }
}

fn read_cases(v: &mut Validator, files: &MonthFiles, groups: Option<&[Group]>) -> Vec<Case> {
    let read = read_case_files(v, files, CASES_DIR, true);
    let mut cases = Vec::new();
    for (file, parsed) in read {
        let mut units = Vec::new();
        for (unit, line) in &parsed.units {
            match groups.and_then(|groups| find_unit(groups, unit)) {
                Some(found) => units.push(found),
                None if groups.is_some() => {
                    v.diagnostics.push(unknown_case_unit(
                        &file,
                        unit,
                        *line,
                        unit_hint(groups.unwrap_or_default(), unit),
                    ));
                }
                None => {}
            }
        }
        cases.push((parsed.order, Case { file: file.name, title: parsed.title, blocks: parsed.blocks, units }));
    }
    order_cases(v, files, cases)
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

/// "did you mean" for a unit name.
fn unit_hint(groups: &[Group], name: &str) -> String {
    if let Some(hint) = list_slip_hint(name) {
        return hint;
    }
    let all = groups.iter().flat_map(|g| &g.units).flat_map(|u| [u.name.as_str(), u.short.as_str()]);
    // The start of a name (马坡岭 for 马坡岭街道) is a likely slip too.
    let prefixed =
        || groups.iter().flat_map(|g| &g.units).find(|u| u.name.starts_with(name) && name.chars().count() >= 2);
    if let Some(unit) = prefixed().filter(|_| closest(name, all.clone()).is_none()) {
        return format!("did you mean `{}`?", unit.name);
    }
    match closest(name, all) {
        Some(best) => format!("did you mean `{best}`?"),
        None => "name a unit of units.yaml by its full name, short name or id".into(),
    }
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
