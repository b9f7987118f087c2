//! A month of an office whose definition declares its sections: its files
//! read against the definition (schemas generated from it), its figures
//! derived by the engine, the definition's checks run over them, figures
//! typed as published compared with the derived ones, and the bulletin's
//! sections laid out as data for `layouts/office.typ`.
//!
//! The folder holds `month.yaml` (the issue and its sign-off),
//! `figures.yaml` (the office's measures and its lists), `units.yaml` (the
//! units by group, when the office has units) and the text files its
//! sections name. Every problem is a diagnostic at its line, all in one run.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::definition::{Definition, Location, Measure, MeasureKind, ParamKind, ParamValue, ScopeKey, Section, Source};
use crate::derive::engine::{self, Input, Item, Output, Record, Unit};
use crate::diag::{closest, Diagnostic};
use crate::month::raw::{Number, SignoffFile};
use crate::month::span::Span;
use crate::month::types::{Case, Period, Signoff, UnitRef};
use crate::month::validate::{self, MonthFiles};
use crate::number::{Decimal, Ratio};
use crate::source::file::{index, is_plain_id, key, SourceFile, Validator};
use crate::source::locate::Segment;

use super::checks::Places;

use super::office_schema::{FIGURES_FILE, MONTH_FILE, UNITS_FILE};

/// A checked month of an office with sections.
#[derive(Clone, Debug)]
pub struct OfficeMonth {
    /// The month reported on; for a bulletin of several months, the last.
    pub period: Period,
    /// What the bulletin covers: the month, or a quarter, a year, ….
    pub span: Span,
    /// For a bulletin of several months, the units (by id) present in only
    /// some of them, with those months.
    pub partial: BTreeMap<String, Vec<Period>>,
    pub signoff: Signoff,
    /// The month's own title, replacing the definition's.
    pub title: Option<String>,
    pub definition: Arc<Definition>,
    pub input: Input,
    pub output: Output,
    /// The paragraphs of each text file the sections name, by file name.
    pub texts: BTreeMap<String, Vec<String>>,
    /// The typical cases of each folder the sections name, in print order.
    pub cases: BTreeMap<String, Vec<Case>>,
    /// The files the month was made from, in name order: attached to the PDF.
    pub sources: Vec<(String, Vec<u8>)>,
    /// The archive's figures it is compared with (同比, 环比), when its
    /// definition compares.
    pub bases: Bases,
    /// The months of a period the archive lacks, where its definition
    /// allows them (`allow_missing`): its figures are the others'.
    pub absent: Vec<Period>,
}

/// What the archive gives a bulletin beyond its own files: the periods it
/// is compared with, each where the archive has it, and its charts' months.
#[derive(Clone, Debug, Default)]
pub struct Bases {
    /// The period just before (环比).
    pub previous: Option<Arc<Base>>,
    /// The same period a year before (同比).
    pub year_before: Option<Arc<Base>>,
    /// The year up to the period's last month (本年累计), for the parts
    /// that show it; none where it is the period itself.
    pub year_to_date: Option<Arc<Base>>,
    /// The months its trend charts show, oldest first, ending with its
    /// last month; empty where it prints no trend.
    pub trend: Arc<Vec<TrendPoint>>,
    /// The bases month.yaml types (`bases.previous`, `bases.year_before`),
    /// for an archive that lacks the period.
    pub typed_previous: Option<TypedBase>,
    pub typed_year_before: Option<TypedBase>,
}

/// A base typed as published, and what is said when it is used (the
/// archive lacks the period) or left aside (the archive has it).
#[derive(Clone, Debug)]
pub struct TypedBase {
    pub base: Arc<Base>,
    pub used: Diagnostic,
    pub ignored: Diagnostic,
}

impl Bases {
    /// The archive's base where it has one, else the typed one; each with
    /// what is said of a typed base.
    pub fn choose(
        archived: Option<Arc<Base>>,
        typed: Option<&TypedBase>,
        said: &mut Vec<Diagnostic>,
    ) -> Option<Arc<Base>> {
        match (archived, typed) {
            (Some(archived), Some(typed)) => {
                said.push(typed.ignored.clone());
                Some(archived)
            }
            (None, Some(typed)) => {
                said.push(typed.used.clone());
                Some(typed.base.clone())
            }
            (archived, None) => archived,
        }
    }
}

/// One month of a trend chart: the office figures the charts show, each as
/// its month printed it (`4000`, `96.23`), none where the month has no value
/// or the archive lacks it (or it has errors).
#[derive(Clone, Debug)]
pub struct TrendPoint {
    pub period: Period,
    pub values: BTreeMap<String, Option<String>>,
}

/// A base period's figures, derived under the definition it was read under.
#[derive(Debug)]
pub struct Base {
    pub span: Span,
    pub input: Input,
    pub output: engine::Output,
}

/// The outcome of checking an office's month.
#[derive(Debug)]
pub struct Checked {
    pub month: Option<OfficeMonth>,
    pub diagnostics: Vec<Diagnostic>,
    /// month.yaml holds a complete sign-off record (a final bulletin), as
    /// far as it could be read: known also of a month with errors.
    pub is_final: bool,
}

/// Whether a sign-off record holds every field the office requires, and a date.
pub fn is_complete(signoff: &Signoff, fields: &[crate::definition::SignoffField]) -> bool {
    use crate::definition::SignoffField;
    fields.iter().all(|field| match field {
        SignoffField::Issuer => signoff.issuer.is_some(),
        SignoffField::Date => signoff.date.is_some(),
        SignoffField::ApprovedBy => signoff.approved_by.is_some(),
    }) && signoff.date.is_some()
}

/// Checks an office's month folder under `definition`.
pub fn check_files(files: &MonthFiles, definition: Arc<Definition>) -> Checked {
    let mut v = Validator::default();
    let needs_units = !definition.groups.is_empty() || !definition.scope(&ScopeKey::Unit).measures.is_empty();
    let month_src = read(&mut v, files, MONTH_FILE, true, &definition);
    let figure_srcs: Vec<(String, Option<SourceFile>)> = definition
        .figure_files()
        .into_iter()
        .map(|name| (name.clone(), read(&mut v, files, &name, true, &definition)))
        .collect();
    let units_src = read(&mut v, files, UNITS_FILE, needs_units, &definition);
    let parse = |v: &mut Validator, file: &Option<SourceFile>, name: &str| -> Option<Json> {
        let schema = super::office_schema::for_file(&definition, name)?;
        file.as_ref().and_then(|f| v.parse_tolerant(f, &schema, name))
    };
    let month_json = parse(&mut v, &month_src, MONTH_FILE);
    let figure_jsons: Vec<Option<Json>> = figure_srcs.iter().map(|(name, src)| parse(&mut v, src, name)).collect();
    let units_json = if needs_units { parse(&mut v, &units_src, UNITS_FILE) } else { Some(Json::Null) };
    // A figure left where it was before the definition placed it elsewhere.
    for d in v.diagnostics.iter_mut() {
        let Some(name) = d.message.strip_prefix("unknown key `").and_then(|rest| rest.strip_suffix('`')) else {
            continue;
        };
        let moved = definition.office_at.get(name).or_else(|| definition.list_at.get(name));
        if let Some(at) = moved.filter(|at| !d.file.ends_with(&at.file) || at.keys.len() > 1) {
            d.hint = Some(format!("bulletin.yaml places `{name}` at `{at}`: move it there"));
        }
    }

    let mut input = Input::default();
    let mut places = Places::default();
    let header = match (&month_src, &month_json) {
        (Some(file), Some(json)) => Some(header(&mut v, files, file, json, &definition, &mut input)),
        _ => None,
    };
    // The files that hold the office's figures and lists, as read: month.yaml
    // and each figure file.
    let mut held: BTreeMap<String, (&SourceFile, &Json)> = BTreeMap::new();
    if let (Some(file), Some(json)) = (&month_src, &month_json) {
        held.insert(MONTH_FILE.to_owned(), (file, json));
    }
    for ((name, src), json) in figure_srcs.iter().zip(&figure_jsons) {
        if let (Some(file), Some(json)) = (src, json) {
            held.insert(name.clone(), (file, json));
        }
    }
    // The units first: a figure may name one.
    if let (Some(file), Some(json)) = (&units_src, &units_json) {
        read_units(&mut v, file, json, &definition, &mut input, &mut places);
    }
    // Units named in other files are looked up only in a units.yaml that
    // was read: one that does not parse is its own error, not theirs.
    let units_known = !needs_units || units_json.as_ref().is_some_and(|j| !j.is_null());
    read_figures(&mut v, &held, &definition, &mut input, &mut places, units_known);
    let mut sources: BTreeMap<String, &SourceFile> = held.iter().map(|(n, (f, _))| (n.clone(), *f)).collect();
    if let Some(units) = &units_src {
        sources.insert(UNITS_FILE.to_owned(), units);
    }
    warn_percent_slips(&mut v, &sources, &definition, &input, &places);
    let texts = read_texts(&mut v, files, &definition.sections);
    let cases = read_cases(&mut v, files, &definition.sections, &input, units_known);
    warn_unknown_files(&mut v, files, &definition);

    // The figures are derived and checked even when some were refused
    // above (read as not typed), so that one run shows every problem; a
    // check that needs a figure without a value is left out.
    let parsed = month_json.is_some() && figure_jsons.iter().all(Option::is_some) && units_json.is_some();
    let mut month = None;
    input.incomplete = incomplete(&v.diagnostics, &definition);
    if parsed {
        match engine::evaluate(&definition, &input) {
            Ok(mut output) => {
                super::checks::run(&mut v, &definition, &input, &output, &places, &sources);
                let mut bases = Bases::default();
                if let (Some(file), Some(json)) = (&month_src, &month_json) {
                    published_lists(&mut v, file, json, &definition, &input, &mut output);
                    if let Some(Header { period: Some(period), .. }) = &header {
                        let span = Span::Month(*period);
                        let typed = |v: &mut Validator, which, base| {
                            typed_base(v, file, json, &definition, &input, which, base)
                        };
                        bases.typed_previous = typed(&mut v, "previous", span.previous());
                        bases.typed_year_before = typed(&mut v, "year_before", span.year_before());
                    }
                }
                if let Some(Header { period: Some(period), signoff, title, .. }) = header.clone() {
                    month = Some(OfficeMonth {
                        period,
                        span: Span::Month(period),
                        absent: Vec::new(),
                        partial: BTreeMap::new(),
                        signoff,
                        title,
                        definition: definition.clone(),
                        input,
                        output,
                        texts,
                        cases,
                        sources: used_files(files, &definition),
                        bases,
                    });
                }
            }
            Err(overflow) => {
                let first = definition.figure_files().into_iter().next().unwrap_or_else(|| FIGURES_FILE.to_owned());
                v.diagnostics.push(
                    Diagnostic::error(files.dir.join(first), overflow.to_string())
                        .with_hint("check the month's figures for a value pasted many times over"),
                );
            }
        }
    }
    let mut diagnostics = v.diagnostics;
    if let (Some(file), Some(header)) = (&month_src, &header) {
        // Whether a warning is gone can be told only of a month without
        // errors: an error may hide the figures a warning is about.
        let judged = parsed && !diagnostics.iter().any(Diagnostic::is_error);
        let own: Vec<&str> = definition.checks.iter().filter_map(|c| c.code.as_deref()).collect();
        diagnostics = validate::acknowledge(file, &header.acknowledge, &own, diagnostics, judged);
    }
    let bundled = Arc::ptr_eq(&definition, &crate::definition::furong());
    let note = another_definition(&files.dir, &diagnostics, bundled);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    // Said first: it explains the errors after it.
    if let Some(note) = note {
        diagnostics.insert(0, note);
    }
    let month = month.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    let is_final = header.as_ref().is_some_and(|h| is_complete(&h.signoff, &definition.office.signoff));
    Checked { month, diagnostics, is_final }
}

/// A month written for another definition (the example `init` copied,
/// once the office made the definition its own) fails on nearly every key:
/// say so once, at its month.yaml.
fn another_definition(dir: &std::path::Path, diagnostics: &[Diagnostic], bundled: bool) -> Option<Diagnostic> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let misfits = diagnostics.iter().filter(|d| d.is_error() && d.kind == crate::diag::Kind::Shape).count();
    (misfits >= 10 && misfits * 2 >= errors).then(|| {
        let message = format!(
            "{misfits} of the {errors} errors are keys the office's definition does not have, or needs: this month was written for another definition"
        );
        let hint = if bundled {
            "no bulletin.yaml was found beside the month folder or beside `months/`, so the bundled definition \
             (Furong's) was used: put the office's bulletin.yaml there, or name it in month.yaml's `definition:`"
        } else {
            "check that the office's own bulletin.yaml is beside `months/` (or named by month.yaml's `definition:`); \
             a month `bulletin init` copied as an example may be deleted, a new one started with `bulletin new`"
        };
        Diagnostic::warning(dir.join(MONTH_FILE), message).with_hint(hint)
    })
}

/// A file of the folder as text; a missing one is an error when `required`,
/// its hint naming the files the definition asks for.
fn read(
    v: &mut Validator,
    files: &MonthFiles,
    name: &str,
    required: bool,
    definition: &Definition,
) -> Option<SourceFile> {
    let path = files.dir.join(name);
    let Some(bytes) = files.files.get(name) else {
        if required {
            let placed = definition.office_at.values().chain(definition.list_at.values()).any(|at| at.file == name);
            let hint = if placed && name != FIGURES_FILE {
                format!("this office's bulletin.yaml reads figures from {name}: copy last month's {name} here and change its figures")
            } else {
                let mut names = super::office_schema::file_names(definition);
                if !files.files.contains_key(UNITS_FILE) && definition.groups.is_empty() {
                    names.retain(|n| n != UNITS_FILE);
                }
                format!(
                    "a month of this office holds {} and the texts its sections print: copy the missing file from \
                     last month's folder, or start a month with every file by `bulletin new YYYY-MM`",
                    names.join(", ")
                )
            };
            v.diagnostics.push(Diagnostic::error(&path, "the file is missing").with_hint(hint));
        }
        return None;
    };
    v.decode(path, bytes)
}

#[derive(Clone)]
struct Header {
    /// None where month.yaml's period is not a month (an error).
    period: Option<Period>,
    signoff: Signoff,
    title: Option<String>,
    acknowledge: BTreeMap<String, String>,
}

/// month.yaml: the period, the sign-off, the title, the month's rules.
fn header(
    v: &mut Validator,
    files: &MonthFiles,
    file: &SourceFile,
    json: &Json,
    definition: &Definition,
    input: &mut Input,
) -> Header {
    let period_text = json.get("period").and_then(Json::as_str).unwrap_or_default();
    let period = validate::check_period(v, &files.name, file, period_text);
    let record: Option<SignoffFile> = json.get("signoff").and_then(|s| serde_json::from_value(s.clone()).ok());
    let signoff = validate::check_signoff(v, file, record.as_ref(), period, &definition.office.signoff);
    let title = json.get("title").and_then(Json::as_str).map(str::to_owned).filter(|t| !t.trim().is_empty());
    if let Some(Json::Object(rules)) = json.get("rules") {
        for (name, value) in rules {
            let at = [key("rules"), key(name)];
            if let Some(param) = definition.params.get(name) {
                let given = match param.kind {
                    ParamKind::Groups => {
                        serde_json::from_value::<Vec<String>>(value.clone()).ok().map(ParamValue::Groups)
                    }
                    _ => serde_json::from_value::<Number>(value.clone()).ok().map(|n| ParamValue::Number(n.0)),
                };
                if let Some(ParamValue::Groups(names)) = &given {
                    for (i, group) in names.iter().enumerate() {
                        if !definition.groups.iter().any(|g| &g.name == group) {
                            let known = definition.groups.iter().map(|g| g.name.as_str());
                            let hint = match closest(group, known.clone()) {
                                Some(close) => format!("did you mean `{close}`?"),
                                None => format!("the groups are {}", known.collect::<Vec<_>>().join("、")),
                            };
                            v.error(
                                file,
                                &[key("rules"), key(name), index(i)],
                                None,
                                format!("`{group}` is not a group"),
                            )
                            .hint = Some(hint);
                        }
                    }
                }
                // A threshold in per cent lies between 0 and 100; a
                // parameter is at least its least value. A value refused
                // leaves the definition's, so that the checks that read it
                // do not each fail for it.
                let mut refused = false;
                if let (ParamKind::Percent, Some(ParamValue::Number(n))) = (param.kind, &given) {
                    if n.is_negative() || *n > Decimal::from_int(100) {
                        v.error(file, &at, None, format!("a percentage between 0 and 100 is expected, found {n}"))
                            .hint = Some(format!("{} is a percentage: write 97 for 97%", param.label));
                        refused = true;
                    }
                }
                if let (Some(least), Some(ParamValue::Number(n))) = (param.min, &given) {
                    if *n < least && !refused {
                        let message = format!("{} must be at least {}, found {n}", param.label, least);
                        v.error(file, &at, None, message).hint =
                            Some(format!("the definition's value is {}", describe_param(&param.value)));
                        refused = true;
                    }
                }
                if let Some(given) = given.filter(|_| !refused) {
                    input.params.insert(name.clone(), given);
                }
            } else if name == "figures" && !definition.rules.contains_key(name) {
                // The rules by figure (`rules.figures.satisfaction`), as Furong's months wrote them.
                for (figure, rule) in value.as_object().into_iter().flatten() {
                    let at = [key("rules"), key("figures"), key(figure)];
                    read_rule(v, file, &at, figure, rule, &mut input.rules);
                }
            } else {
                read_rule(v, file, &at, name, value, &mut input.rules);
            }
        }
    }
    let acknowledge = json
        .get("acknowledge")
        .and_then(|a| serde_json::from_value::<BTreeMap<String, String>>(a.clone()).ok())
        .unwrap_or_default();
    Header { period, signoff, title, acknowledge }
}

/// The lists month.yaml types as published (`published: { name: [...] }`):
/// each name resolved (a unit by its id, name or short name; a list's item
/// by its name), the list printed in place of the selection, and a warning
/// where it differs from what the figures select.
fn published_lists(
    v: &mut Validator,
    file: &SourceFile,
    json: &Json,
    definition: &Definition,
    input: &Input,
    output: &mut Output,
) {
    let Some(Json::Object(lists)) = json.get("published") else { return };
    for (name, typed) in lists {
        let Some(selection) = definition.selections.get(name).filter(|s| s.published) else { continue };
        let Some(names) = typed.as_array() else { continue };
        let (items, what): (Vec<&str>, &str) = match &selection.from {
            Source::Units => (input.units.iter().map(|u| u.name.as_str()).collect(), "unit"),
            Source::List(list) => {
                (input.lists.get(list).into_iter().flatten().map(|i| i.name.as_str()).collect(), "item")
            }
        };
        let mut chosen = Vec::new();
        let mut resolved = true;
        for (i, entry) in names.iter().enumerate() {
            let written = entry.as_str().unwrap_or_default().trim();
            let found = match &selection.from {
                Source::Units => find_unit(&input.units, written),
                Source::List(_) => items.iter().position(|n| *n == written).ok_or_else(|| {
                    closest(written, items.iter().copied()).map_or_else(
                        || format!("the items are {}", items.join("、")),
                        |c| format!("did you mean `{c}`?"),
                    )
                }),
            };
            match found {
                Ok(at) if chosen.contains(&at) => {
                    v.error(
                        file,
                        &[key("published"), key(name), index(i)],
                        None,
                        format!("`{written}` is listed twice"),
                    );
                    resolved = false;
                }
                Ok(at) => chosen.push(at),
                Err(hint) => {
                    let at = [key("published"), key(name), index(i)];
                    v.error(file, &at, None, format!("no {what} `{written}` to list")).hint = Some(hint);
                    resolved = false;
                }
            }
        }
        if !resolved {
            continue;
        }
        let derived = output.selections.get(name).cloned().unwrap_or_default();
        if derived != chosen {
            let missing: Vec<&str> = derived.iter().filter(|i| !chosen.contains(i)).map(|&i| items[i]).collect();
            let added: Vec<&str> = chosen.iter().filter(|i| !derived.contains(i)).map(|&i| items[i]).collect();
            let mut differences = Vec::new();
            if !missing.is_empty() {
                differences.push(format!("it leaves out {}", missing.join("、")));
            }
            if !added.is_empty() {
                differences.push(format!("it adds {}, which the figures do not select", added.join("、")));
            }
            if differences.is_empty() {
                differences.push("it lists them in another order".to_owned());
            }
            let message = format!(
                "the published {} ({} names) is not the list the figures select ({}): {}",
                selection.label,
                chosen.len(),
                derived.len(),
                differences.join("; ")
            );
            let d = v.warning(file, &[key("published"), key(name)], None, message);
            d.code = Some("published-differs".into());
            d.hint = Some(format!(
                "the bulletin prints the published list; correct it, or remove `published.{name}` to print the selected one"
            ));
        }
        output.selections.insert(name.clone(), chosen);
    }
}

/// A base month.yaml types as published (`bases.previous` or
/// `bases.year_before`): office figures by name, a list's items by name.
/// The schema has judged the names and kinds.
fn typed_base(
    v: &mut Validator,
    file: &SourceFile,
    json: &Json,
    definition: &Definition,
    input: &Input,
    which: &str,
    span: Span,
) -> Option<TypedBase> {
    let typed = json.get("bases")?.get(which)?.as_object()?;
    // A value the schema refused arrives as no number: it is its error.
    let number = |value: &Json| -> Option<Ratio> {
        let text = match value {
            Json::Number(n) => n.to_string(),
            Json::String(s) => s.trim().to_owned(),
            _ => return None,
        };
        Decimal::parse(&text).map(Ratio::from_decimal)
    };
    let mut base_input = Input::default();
    let mut output = Output::default();
    for (name, value) in typed {
        if let Some(items) = value.as_object().filter(|_| definition.lists.contains_key(name)) {
            let (mut named, mut records) = (Vec::new(), Vec::new());
            let known: Vec<&str> = input.lists.get(name).into_iter().flatten().map(|i| i.name.as_str()).collect();
            for (item, figures) in items {
                // An item this month does not have compares with nothing.
                if !known.contains(&item.as_str()) {
                    let hint = match closest(item, known.iter().copied()) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("this month's items are {}", known.join("、")),
                    };
                    let at = [key("bases"), key(which), key(name), key(item)];
                    v.warning(
                        file,
                        &at,
                        None,
                        format!("`{item}` is not an item of this month's {name}: its base is not used"),
                    )
                    .hint = Some(hint);
                }
                let mut record = Record::new();
                for (figure, value) in figures.as_object().into_iter().flatten() {
                    record.insert(figure.clone(), number(value));
                }
                named.push(Item { name: item.clone(), values: record.clone(), texts: BTreeMap::new() });
                records.push(record);
            }
            base_input.lists.insert(name.clone(), named);
            output.lists.insert(name.clone(), records);
        } else {
            output.office.insert(name.clone(), number(value));
        }
    }
    base_input.office = output.office.clone();
    let at = [key("bases"), key(which)];
    let what = if which == "previous" { "环比" } else { "同比" };
    // Said later, by the reader of the archive: only it knows which holds.
    let said = |message: String, hint: String| {
        Diagnostic::warning(&file.path, message).at_field(&file.text, &at, None).with_hint(hint)
    };
    let used = said(
        format!("the {what} base ({}) is typed here, not derived from the archive", span.label()),
        format!("once the archive holds {span}, remove `bases.{which}`: its figures are then derived"),
    );
    let ignored = said(
        format!("the archive holds {span}: its figures are the {what} base, and `bases.{which}` is left aside"),
        format!("remove `bases.{which}`"),
    );
    Some(TypedBase { base: Arc::new(Base { span, input: base_input, output }), used, ignored })
}

/// A month's rounding rule for `name`: text (`half_up 2`) or its parts
/// (`{ decimals: 2, rounding: half_up, style: fixed }`); the schema has
/// judged the parts' kinds.
fn read_rule(
    v: &mut Validator,
    file: &SourceFile,
    at: &[Segment],
    name: &str,
    value: &Json,
    rules: &mut BTreeMap<String, crate::number::FigureRule>,
) {
    let (text, at) = match value {
        Json::String(text) => (text.clone(), at.to_vec()),
        Json::Object(parts) => {
            let (Some(decimals), Some(rounding)) =
                (parts.get("decimals").and_then(Json::as_u64), parts.get("rounding").and_then(Json::as_str))
            else {
                return;
            };
            let style = parts.get("style").and_then(Json::as_str).filter(|s| *s == "trim").unwrap_or_default();
            let mut at = at.to_vec();
            at.push(key("decimals"));
            (format!("{rounding} {decimals} {style}"), at)
        }
        _ => return,
    };
    match crate::definition::parse_rule(text.trim()) {
        Ok(rule) => {
            rules.insert(name.to_owned(), rule);
        }
        Err((message, hint)) => v.error(file, &at, None, message).hint = Some(hint),
    }
}

fn describe_param(value: &ParamValue) -> String {
    match value {
        ParamValue::Number(n) => n.format(crate::number::Style::Trim),
        ParamValue::Groups(groups) => groups.join("、"),
    }
}

/// One member's figures (the office, a unit, an item) from its entry.
fn read_record(
    v: &mut Validator,
    file: &SourceFile,
    entry: &serde_json::Map<String, Json>,
    at: &[Segment],
    label: Option<&str>,
    definition: &Definition,
    scope: &ScopeKey,
) -> (Record, BTreeMap<String, String>) {
    let s = definition.scope(scope);
    let mut record = Record::new();
    let mut texts = BTreeMap::new();
    for (name, value) in entry {
        let mut path = at.to_vec();
        path.push(key(name));
        if let Some(m) = s.measures.get(name) {
            read_measure(v, file, &path, label, definition, name, m, value, &mut record, &mut texts);
        } else if s.derived.get(name).is_some_and(|d| d.published) {
            record.insert(name.clone(), decimal(value).map(Ratio::from_decimal));
        }
    }
    (record, texts)
}

#[allow(clippy::too_many_arguments)]
fn read_measure(
    v: &mut Validator,
    file: &SourceFile,
    path: &[Segment],
    label: Option<&str>,
    definition: &Definition,
    name: &str,
    m: &Measure,
    value: &Json,
    record: &mut Record,
    texts: &mut BTreeMap<String, String>,
) {
    match (m.kind, value) {
        (MeasureKind::Text | MeasureKind::Unit, Json::String(text)) => {
            if m.required && text.trim().is_empty() {
                v.error(file, path, label, format!("`{name}` ({}) is empty", m.label)).hint =
                    Some(format!("write the {} here, or remove the key if it may be left out", m.label));
            }
            texts.insert(name.to_owned(), text.clone());
        }
        (_, Json::Object(parts)) if m.by_channels => {
            // A channel left out is 0; one refused (or blank) has no value,
            // and neither has the total.
            let mut total = Some(Ratio::ZERO);
            for (channel, _) in &definition.channels {
                let part = match parts.get(channel) {
                    None => Some(Ratio::ZERO),
                    Some(value) => value.as_u64().map(|n| Ratio::int(n as i64)),
                };
                record.insert(format!("{name}.{channel}"), part);
                total = total.zip(part).and_then(|(t, p)| t.checked_add(p));
            }
            let Some(total) = total else {
                record.insert(name.to_owned(), None);
                return;
            };
            if let Some(given) = parts.get("total").and_then(Json::as_u64) {
                if Ratio::int(given as i64) != total {
                    let mut at = path.to_vec();
                    at.push(key("total"));
                    let channels: Vec<String> = definition
                        .channels
                        .iter()
                        .map(|(code, label)| format!("{label} {}", parts.get(code).and_then(Json::as_u64).unwrap_or(0)))
                        .collect();
                    let shown = total.to_integer().unwrap_or_default();
                    v.error(
                        file,
                        &at,
                        label,
                        format!(
                            "{} total {given} is not the sum of its channels ({}: {shown})",
                            m.label,
                            channels.join(" + ")
                        ),
                    )
                    .hint = Some(format!("correct a channel, or write `total: {shown}` (or leave it out)"));
                }
            }
            record.insert(name.to_owned(), Some(total));
        }
        _ => {
            let total = decimal(value).map(Ratio::from_decimal);
            // A split measure typed as 0 is 0 in every channel.
            if m.by_channels && total == Some(Ratio::ZERO) {
                for (channel, _) in &definition.channels {
                    record.insert(format!("{name}.{channel}"), Some(Ratio::ZERO));
                }
            }
            record.insert(name.to_owned(), total);
        }
    }
}

/// A number the schema let through, read exactly.
fn decimal(value: &Json) -> Option<Decimal> {
    serde_json::from_value::<Number>(value.clone()).ok().map(|n| n.0)
}

/// The collections an error was found in: `units` for one in units.yaml,
/// a list for one in its entries (its file, under its keys).
fn incomplete(diagnostics: &[Diagnostic], definition: &Definition) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    for d in diagnostics.iter().filter(|d| d.is_error()) {
        let file = d.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if file == UNITS_FILE {
            found.insert(engine::UNITS.to_owned());
        }
        let field = d.field.as_deref().unwrap_or_default();
        for (list, at) in &definition.list_at {
            let keys = at.keys.join(".");
            let under =
                field.strip_prefix(&keys).is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.', ' ']));
            // An error about the file as a whole (it does not parse) covers its lists.
            if at.file == file && (under || d.field.is_none()) {
                found.insert(list.clone());
            }
        }
    }
    found
}

/// The office's measures and each list's items, each read where the
/// definition places it (figures.yaml under its name, unless `at:` says
/// otherwise); `held` are the files that hold them, as read.
fn read_figures(
    v: &mut Validator,
    held: &BTreeMap<String, (&SourceFile, &Json)>,
    definition: &Definition,
    input: &mut Input,
    places: &mut Places,
    units_known: bool,
) {
    let office = definition.scope(&ScopeKey::Office);
    // The value at a place, with the path to it.
    let at = |location: &Location| -> Option<(&SourceFile, &Json, Vec<Segment>)> {
        let (file, json) = held.get(&location.file)?;
        let mut value: &Json = json;
        for k in &location.keys {
            value = value.get(k)?;
        }
        Some((*file, value, location.keys.iter().map(|k| key(k)).collect()))
    };
    for (name, location) in &definition.office_at {
        let Some((file, value, path)) = at(location) else { continue };
        places.office.insert(name.clone(), (location.file.clone(), path.clone()));
        if let Some(m) = office.measures.get(name) {
            read_measure(v, file, &path, None, definition, name, m, value, &mut input.office, &mut input.office_texts);
            if m.kind == MeasureKind::Unit && units_known {
                resolve_unit(v, file, &path, None, &input.units, input.office_texts.get_mut(name));
            }
        } else if office.derived.get(name).is_some_and(|d| d.published) {
            input.office.insert(name.clone(), decimal(value).map(Ratio::from_decimal));
        }
    }
    for list in definition.lists.keys() {
        let scope = ScopeKey::List(list.clone());
        let mut items = Vec::new();
        let mut item_places = Vec::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let found = definition.list_at.get(list).and_then(|location| Some((location, at(location)?)));
        if let Some((location, (file, value, base))) = found {
            places.list_files.insert(list.clone(), location.file.clone());
            for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                let Some(item) = item.as_object() else { continue };
                let mut at = base.clone();
                at.push(index(i));
                let field = |k: &str| {
                    let mut p = at.clone();
                    p.push(key(k));
                    p
                };
                let name = item.get("name").and_then(Json::as_str).unwrap_or_default().to_owned();
                if definition.unnamed.contains(list) {
                    // Items without names: each is its line of the list.
                } else if name.trim().is_empty() {
                    v.error(file, &field("name"), None, "the name is empty".into());
                } else if let Some(first) = seen.insert(name.clone(), i) {
                    let label = definition.lists.get(list).map_or(list.as_str(), String::as_str);
                    // Counts add up; rates and scores do not.
                    let measures = &definition.scope(&scope).measures;
                    let counts = measures.values().any(|m| m.kind == MeasureKind::Count)
                        && measures.values().all(|m| m.kind == MeasureKind::Count || m.kind.is_text());
                    let what = if counts { "add its figures up in one line" } else { "keep one of the two lines" };
                    v.error(file, &field("name"), None, format!("`{name}` is listed twice")).hint =
                        Some(format!("it is item {} of {label} (`{list}`) already: {what}", first + 1));
                }
                let label = (!name.is_empty()).then_some(name.as_str());
                let (values, mut texts) = read_record(v, file, item, &at, label, definition, &scope);
                for (measure, m) in &definition.scope(&scope).measures {
                    if m.kind == MeasureKind::Unit && units_known {
                        let mut path = at.clone();
                        path.push(key(measure));
                        resolve_unit(v, file, &path, label, &input.units, texts.get_mut(measure));
                    }
                }
                items.push(Item { name: name.clone(), values, texts });
                item_places.push((at, name));
            }
        }
        input.lists.insert(list.clone(), items);
        places.items.insert(list.clone(), item_places);
    }
}

/// A percentage typed as a fraction (0.9941 for 99.41%) or with its
/// decimal point slipped (9.862 among 98s), in a column of the units' or
/// a list's figures (the city table's satisfaction): a warning with the
/// likely fix. `files` are the month's files as read, by name.
fn warn_percent_slips(
    v: &mut Validator,
    files: &BTreeMap<String, &SourceFile>,
    definition: &Definition,
    input: &Input,
    places: &Places,
) {
    let units: Vec<&engine::Record> = input.units.iter().map(|u| &u.values).collect();
    let lists = input
        .lists
        .iter()
        .map(|(name, items)| (ScopeKey::List(name.clone()), items.iter().map(|i| &i.values).collect()));
    for (scope, members) in std::iter::once((ScopeKey::Unit, units)).chain(lists) {
        // A scope's members are typed in one file.
        let Some((file, _, _)) = places.member(files, &scope, 0, &[]) else { continue };
        for (name, _) in definition.scope(&scope).measures_in_order().filter(|(_, m)| m.kind == MeasureKind::Percent) {
            let rows: Vec<(Vec<Segment>, Option<&str>, Decimal)> = members
                .iter()
                .enumerate()
                .filter_map(|(i, values)| {
                    let value = values.get(name).copied().flatten()?;
                    let value = value.to_decimal(crate::number::MAX_SCALE, crate::number::Rounding::Truncate)?;
                    let (_, mut path, label) = places.member(files, &scope, i, &[])?;
                    path.push(key(name));
                    Some((path, label, value))
                })
                .collect();
            validate::warn_fractions(v, file, name, &rows);
        }
    }
}

/// A unit named by its id, full name or short name (a `unit` measure): the
/// text becomes the unit's full name; a name no unit has is an error.
fn resolve_unit(
    v: &mut Validator,
    file: &SourceFile,
    path: &[Segment],
    label: Option<&str>,
    units: &[Unit],
    text: Option<&mut String>,
) {
    let Some(text) = text else { return };
    let written = text.trim().to_owned();
    match find_unit(units, &written) {
        Ok(i) => *text = units[i].name.clone(),
        Err(hint) => v.error(file, path, label, format!("no unit `{written}` in units.yaml")).hint = Some(hint),
    }
}

/// The unit of `units` that `written` names (its id, full name or short
/// name), or a hint for a name no unit has: the closest name, else the one
/// that starts the same way longest (荷花园 for 荷花园路, from two characters).
fn find_unit(units: &[Unit], written: &str) -> Result<usize, String> {
    if let Some(i) = units.iter().position(|u| u.id == written || u.name == written || u.short == written) {
        return Ok(i);
    }
    let names = units.iter().flat_map(|u| [u.name.as_str(), u.short.as_str()]);
    let shared = |name: &str| name.chars().zip(written.chars()).take_while(|(a, b)| a == b).count();
    let alike =
        units.iter().map(|u| (shared(&u.name), u.name.as_str())).filter(|(n, _)| *n >= 2).max_by_key(|(n, _)| *n);
    Err(match closest(written, names).or(alike.map(|(_, name)| name)) {
        Some(close) => format!("did you mean `{close}`?"),
        None => "name a unit of units.yaml by its full name, short name or id".to_owned(),
    })
}

/// units.yaml: the groups in the definition's names, each unit once, with
/// the measures of its group.
fn read_units(
    v: &mut Validator,
    file: &SourceFile,
    json: &Json,
    definition: &Definition,
    input: &mut Input,
    places: &mut Places,
) {
    let unit_scope = definition.scope(&ScopeKey::Unit);
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (g, group) in json.get("groups").and_then(Json::as_array).into_iter().flatten().enumerate() {
        let group_name = group.get("name").and_then(Json::as_str).unwrap_or_default().to_owned();
        if group_name.is_empty() {
            // Not one of the definition's groups: the schema said so.
            continue;
        }
        if input.groups.contains(&group_name) {
            v.error(
                file,
                &[key("groups"), index(g), key("name")],
                None,
                format!("the group {group_name} is given twice"),
            )
            .hint = Some("list each group once, with all its units".into());
        }
        let carried = definition.group_measures(&group_name);
        let group_index = input.groups.len();
        input.groups.push(group_name.clone());
        for (u, unit) in group.get("units").and_then(Json::as_array).into_iter().flatten().enumerate() {
            let Some(entry) = unit.as_object() else { continue };
            let at = vec![key("groups"), index(g), key("units"), index(u)];
            let field = |k: &str| {
                let mut p = at.clone();
                p.push(key(k));
                p
            };
            let id = entry.get("id").and_then(Json::as_str).unwrap_or_default().to_owned();
            let name = entry.get("name").and_then(Json::as_str).unwrap_or_default().to_owned();
            if !is_plain_id(&id) {
                v.error(file, &field("id"), Some(&name), format!("unit id `{id}` is not a plain code")).hint =
                    Some("ids are lowercase letters, digits, `-` and `_` (e.g. the name in pinyin)".into());
            } else if let Some(other) = ids.insert(id.clone(), name.clone()) {
                v.error(file, &field("id"), Some(&name), format!("unit id `{id}` is also {other}'s")).hint =
                    Some("each unit has its own id".into());
            }
            if name.trim().is_empty() {
                v.error(file, &field("name"), None, "the unit's name is empty".into());
            } else if names.insert(name.clone(), id.clone()).is_some() {
                v.error(file, &field("name"), Some(&name), format!("{name} is listed twice")).hint =
                    Some("each unit appears once in units.yaml".into());
            }
            for measure in entry.keys().filter(|k| unit_scope.measures.contains_key(*k)) {
                if !carried.contains(&measure) {
                    let label = &unit_scope.measures[measure].label;
                    v.error(
                        file,
                        &field(measure),
                        Some(&name),
                        format!("`{measure}` ({label}) is not a figure of the group {group_name}"),
                    )
                    .hint = Some(format!("the units of {group_name} carry: {}", list(&carried)));
                }
            }
            // A key misspelt (`satisfid`) is one error, the unknown key
            // with its "did you mean"; not a second for the measure it meant.
            let misspelt: Vec<&str> = entry
                .keys()
                .filter(|k| !unit_scope.measures.contains_key(*k))
                .filter_map(|k| closest(k, carried.iter().map(|m| m.as_str())))
                .collect();
            for measure in carried.iter().filter(|m| !entry.contains_key(m.as_str())) {
                let m = &unit_scope.measures[measure.as_str()];
                if m.required && !misspelt.contains(&measure.as_str()) {
                    let message = format!("`{measure}` ({}) is missing", m.label);
                    let diagnostic = Diagnostic::error(&file.path, message)
                        .at_key(&file.text, &at, Some(&name))
                        .with_hint(format!("add `{measure}: …` to {name}"))
                        .of_shape();
                    v.diagnostics.push(diagnostic);
                }
            }
            let (values, texts) = read_record(v, file, entry, &at, Some(&name), definition, &ScopeKey::Unit);
            let short = entry.get("short").and_then(Json::as_str).map(str::to_owned).unwrap_or_else(|| name.clone());
            input.units.push(Unit { id, name: name.clone(), short, group: group_index, values, texts });
            places.units.push((at, name));
        }
    }
}

fn list(names: &[&String]) -> String {
    names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
}

/// The text files the sections name, each in paragraphs (blank lines
/// between them; the lines of one paragraph joined, as Chinese text needs
/// no space between them).
pub(crate) fn read_texts(v: &mut Validator, files: &MonthFiles, sections: &[Section]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for (name, optional) in text_files(sections) {
        let Some(bytes) = files.files.get(&name) else {
            if !optional {
                v.diagnostics.push(Diagnostic::error(files.dir.join(&name), "the file is missing").with_hint(
                    "a section of bulletin.yaml prints this text: write it, plain text, blank lines between paragraphs",
                ));
            }
            continue;
        };
        let Some(file) = v.decode(files.dir.join(&name), bytes) else { continue };
        let to_fill = crate::month::case::TO_FILL;
        if let Some((index, line)) = file.text.lines().enumerate().find(|(_, l)| l.contains(to_fill)) {
            let column = line[..line.find(to_fill).unwrap_or(0)].chars().count() + 1;
            v.diagnostics.push(
                Diagnostic::error(&file.path, "the text is not written yet")
                    .at(&file.text, index + 1, column)
                    .with_hint(format!("replace {to_fill} with the text, or delete the file if its part is optional")),
            );
            continue;
        }
        let paragraphs = paragraphs(&file.text);
        if paragraphs.is_empty() && !optional {
            v.diagnostics.push(
                Diagnostic::error(&file.path, "the file is empty")
                    .with_hint("write the text, or mark the section `optional: true`"),
            );
        }
        out.insert(name, paragraphs);
    }
    out
}

/// Paragraphs of a plain text, as in a case: a blank line, or a line
/// break after the end of a sentence (。！？), ends a paragraph; the lines
/// of one paragraph are joined (a line broken mid-sentence), each trimmed
/// (a full-width indent typed by hand too: the layout indents).
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}');
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push_str(line);
            if crate::month::case::ends_sentence(line) {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Every text file the sections name, with whether it may be missing.
pub fn text_files(sections: &[Section]) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for section in sections {
        if let Some(text) = &section.text {
            out.push(text.clone());
        }
        out.extend(text_files(&section.sections));
    }
    out
}

/// The case folders the sections name, and whether each may be left out.
pub fn case_folders(sections: &[Section]) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for section in sections {
        if let Some(folder) = &section.cases {
            out.push(folder.clone());
        }
        out.extend(case_folders(&section.sections));
    }
    out
}

/// Each case folder's cases, parsed; the units a case names resolved
/// against the month's (by id, full name or short name).
pub(crate) fn read_cases(
    v: &mut Validator,
    files: &MonthFiles,
    sections: &[Section],
    input: &Input,
    units_known: bool,
) -> BTreeMap<String, Vec<Case>> {
    let mut out = BTreeMap::new();
    for (folder, optional) in case_folders(sections) {
        let mut cases = Vec::new();
        for (file, parsed) in validate::read_case_files(v, files, &folder, !optional) {
            let mut refs = Vec::new();
            for (named, line) in parsed.units.iter().filter(|_| units_known) {
                match find_unit(&input.units, named) {
                    Ok(i) => refs.push(UnitRef { group: input.units[i].group, unit: input.place_in_group(i) }),
                    Err(hint) => {
                        let hint = validate::list_slip_hint(named).unwrap_or(hint);
                        v.diagnostics.push(validate::unknown_case_unit(&file, named, *line, hint));
                    }
                }
            }
            cases.push((
                parsed.order,
                Case { file: file.name, title: parsed.title, blocks: parsed.blocks, units: refs },
            ));
        }
        out.insert(folder.clone(), validate::order_cases(v, files, cases));
    }
    out
}

fn known_files(definition: &Definition) -> Vec<String> {
    let mut known: Vec<String> = super::office_schema::file_names(definition);
    known.extend(text_files(&definition.sections).into_iter().map(|(name, _)| name));
    known.extend(case_folders(&definition.sections).into_iter().map(|(name, _)| name));
    known
}

fn warn_unknown_files(v: &mut Validator, files: &MonthFiles, definition: &Definition) {
    let known = known_files(definition);
    for name in files.files.keys().chain(&files.folders).filter(|n| !n.contains('/') && !n.starts_with('.')) {
        if !known.contains(name) {
            let mut diagnostic = Diagnostic::warning(files.dir.join(name), "the bulletin does not use this file");
            if let Some(best) = closest(name, known.iter().map(String::as_str)) {
                diagnostic = diagnostic.with_hint(format!("did you mean `{best}`?"));
            }
            v.diagnostics.push(diagnostic);
        }
    }
}

fn used_files(files: &MonthFiles, definition: &Definition) -> Vec<(String, Vec<u8>)> {
    let known = known_files(definition);
    // A case file's folder is known: the file is used.
    let used = |name: &String| {
        known.contains(name) || name.split_once('/').is_some_and(|(dir, _)| known.iter().any(|k| k == dir))
    };
    files.files.iter().filter(|(name, _)| used(name)).map(|(n, b)| (n.clone(), b.clone())).collect()
}
