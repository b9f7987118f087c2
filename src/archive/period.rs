//! A bulletin of several months — a quarter (`months/2020-Q1/`), a
//! half-year, a year, a run of months — read from its folder and the
//! archived months it covers.
//!
//! The folder holds a month.yaml (`period: 2020-Q1`, the sign-off record)
//! and the texts and cases its sections print; its figures are the covered
//! months', each read under its own definition, aggregated by the
//! measures' rules under the period's, and derived afresh.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::definition::Definition;
use crate::derive::aggregate::{self, Month};
use crate::derive::engine;
use crate::diag::Diagnostic;
use crate::month::office::{case_folders, read_cases, read_texts, text_files, Checked, OfficeMonth};
use crate::month::office_schema::MONTH_FILE;
use crate::month::raw::SignoffFile;
use crate::month::span::{Span, SPAN_FORMS};
use crate::month::types::Period;
use crate::month::validate::{self, MonthFiles};
use crate::source::file::Validator;
use crate::source::locate::Segment;

/// The span a folder is named after, when it is not a single month:
/// `2020-Q1`, `2020-H2`, `2020`, `2020-01..2020-06`.
pub fn folder_span(dir: &Path) -> Option<Span> {
    let name = dir.file_name()?.to_str()?;
    Span::parse(name).filter(|span| !matches!(span, Span::Month(_)))
}

/// Checks the period folder `files` (named after `span`) under
/// `definition`; `read_month` reads and checks one archived month folder
/// under the definition that governs it.
pub fn check_period(
    files: &MonthFiles,
    definition: Arc<Definition>,
    span: Span,
    read_month: &dyn Fn(&Path) -> Result<Checked, Vec<Diagnostic>>,
) -> Checked {
    let mut v = Validator::default();
    let month_yaml = files.dir.join(MONTH_FILE);
    let Some(bytes) = files.files.get(MONTH_FILE) else {
        let hint = format!(
            "a period's folder holds a month.yaml with `period: {span}` and its sign-off record; its figures come \
             from the months it covers"
        );
        v.diagnostics.push(Diagnostic::error(&month_yaml, "the file is missing").with_hint(hint));
        return Checked { month: None, diagnostics: v.diagnostics, is_final: false };
    };
    let Some(file) = v.decode(month_yaml.clone(), bytes) else {
        return Checked { month: None, diagnostics: v.diagnostics, is_final: false };
    };
    let schema = crate::month::office_schema::for_period(&definition);
    let json = v.parse_tolerant(&file, &schema, MONTH_FILE).unwrap_or(Json::Null);
    let at = [Segment::Key("period".into())];

    // The period must be the folder's.
    let written = json.get("period").and_then(Json::as_str).unwrap_or_default();
    match Span::parse(written) {
        None if !written.is_empty() => {
            v.error(&file, &at, None, format!("`{written}` is not a period")).hint =
                Some(format!("write {SPAN_FORMS}"));
        }
        Some(found) if found != span => {
            v.error(&file, &at, None, format!("period {written} does not match the folder name `{}`", files.name))
                .hint = Some(format!("a period's folder is named after it: months/{span} holds `period: {span}`"));
        }
        _ => {}
    }
    let (_, last) = span.bounds();
    let record: Option<SignoffFile> = json.get("signoff").and_then(|s| serde_json::from_value(s.clone()).ok());
    let signoff = validate::check_signoff(&mut v, &file, record.as_ref(), Some(last), &definition.office.signoff);
    let title = json.get("title").and_then(Json::as_str).map(str::to_owned).filter(|t| !t.trim().is_empty());
    let is_final = crate::month::office::is_complete(&signoff, &definition.office.signoff);

    // The months it covers, from the archive beside it.
    let archive = files.dir.parent().unwrap_or(Path::new("."));
    let mut covered: Vec<(Period, OfficeMonth)> = Vec::new();
    let mut missing = Vec::new();
    for period in span.months() {
        let key = format!("{:04}-{:02}", period.year, period.month);
        let dir = archive.join(&key);
        if !dir.is_dir() {
            missing.push(key);
            continue;
        }
        match read_month(&dir) {
            Ok(Checked { month: Some(month), .. }) => covered.push((period, month)),
            Ok(Checked { diagnostics, .. }) | Err(diagnostics) => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                v.error(&file, &at, None, format!("{key}, a month of {span}, has {errors} errors")).hint =
                    Some(format!("`bulletin check {}` shows them; the period builds once it passes", dir.display()));
            }
        }
    }
    let allowed = definition.periods.get(span.kind()).is_some_and(|p| p.allow_missing);
    if !missing.is_empty() {
        let folders = missing.iter().map(|m| archive.join(m).display().to_string()).collect::<Vec<_>>();
        let message = format!("{span} covers {}, which the archive does not have", missing.join(", "));
        if allowed && !covered.is_empty() {
            v.warning(&file, &at, None, format!("{message}: its figures are those of the other months")).hint =
                Some(format!("`period.missing` names them in the templates; add {} to count them", folders.join(", ")));
        } else {
            let hint = if allowed {
                "the archive has none of its months".to_owned()
            } else {
                format!(
                    "a period is made from its archived months: add {} (or allow it: `periods.{}.allow_missing: true`)",
                    folders.join(", "),
                    span.kind()
                )
            };
            v.error(&file, &at, None, message).hint = Some(hint);
        }
    }

    let sections = definition.sections_for(span.kind());
    let texts = read_texts(&mut v, files, sections);
    // A period's cases name units of its last month.
    let last_input = covered.last().map(|(_, m)| m.input.clone()).unwrap_or_default();
    let cases = read_cases(
        &mut v,
        files,
        sections,
        &last_input,
        !covered.is_empty() && covered.len() + missing.len() == span.months().len(),
    );
    let known: Vec<String> = std::iter::once(MONTH_FILE.to_owned())
        .chain(text_files(sections).into_iter().map(|(name, _)| name))
        .chain(case_folders(sections).into_iter().map(|(name, _)| name))
        .collect();
    for name in files.files.keys().chain(&files.folders).filter(|n| !n.contains('/') && !n.starts_with('.')) {
        if !known.contains(name) {
            let message = "the bulletin does not use this file: a period's figures come from its months";
            v.diagnostics.push(Diagnostic::warning(files.dir.join(name), message));
        }
    }

    let mut month = None;
    if !v.diagnostics.iter().any(Diagnostic::is_error) {
        let months: Vec<Month> = covered
            .iter()
            .map(|(period, m)| Month { period: *period, input: &m.input, definition: &m.definition })
            .collect();
        match aggregate::aggregate(&definition, &months).and_then(|a| Ok((engine::evaluate(&definition, &a.input)?, a)))
        {
            Ok((output, aggregated)) => {
                for gap in &aggregated.gaps {
                    let label = definition.scope(&gap.scope).measures.get(&gap.figure).map(|m| m.label.clone());
                    let months: Vec<String> =
                        gap.months.iter().map(|p| format!("{:04}-{:02}", p.year, p.month)).collect();
                    let figure = gap.scope.qualify(&gap.figure);
                    let named = label.map_or_else(|| format!("`{figure}`"), |l| format!("`{figure}` ({l})"));
                    v.error(
                        &file,
                        &at,
                        None,
                        format!("{named} is not declared alike in the definition {} was read under", months.join(", ")),
                    )
                    .hint = Some(
                        "a period adds up only figures that mean the same in each month: pin those months to a \
                         definition that declares it (month.yaml's `definition:`), or leave the figure out of the \
                         period's sections"
                            .into(),
                    );
                }
                if aggregated.gaps.is_empty() {
                    let mut sources = vec![(MONTH_FILE.to_owned(), bytes.clone())];
                    for (name, bytes) in &files.files {
                        if name != MONTH_FILE && known.iter().any(|k| name == k || name.starts_with(&format!("{k}/"))) {
                            sources.push((name.clone(), bytes.clone()));
                        }
                    }
                    month = Some(OfficeMonth {
                        period: last,
                        span,
                        absent: span.months().into_iter().filter(|p| !covered.iter().any(|(c, _)| c == p)).collect(),
                        partial: aggregated.partial,
                        signoff,
                        title,
                        definition: definition.clone(),
                        input: aggregated.input,
                        output,
                        texts,
                        cases,
                        sources,
                        bases: Default::default(),
                    });
                }
            }
            Err(overflow) => {
                v.error(&file, &at, None, format!("{overflow} over the months of {span}"));
            }
        }
    }
    let diagnostics = v.diagnostics;
    Checked { month, diagnostics, is_final }
}

/// The figures of `span` from the months of `archive`, for a comparison:
/// a month's as read, several months' aggregated under `definition`;
/// `None` where a month is missing or has errors (no base, never a
/// made-up one).
pub fn base_figures(
    span: Span,
    archive: &Path,
    definition: &Definition,
    read_month: &dyn Fn(&Path) -> Result<Checked, Vec<Diagnostic>>,
) -> Option<crate::month::office::Base> {
    let mut months = Vec::new();
    for period in span.months() {
        let dir = archive.join(format!("{:04}-{:02}", period.year, period.month));
        let month = read_month(&dir).ok()?.month?;
        months.push((period, month));
    }
    let (input, output) = match months.as_slice() {
        [(_, only)] => (only.input.clone(), only.output.clone()),
        _ => {
            let covered: Vec<Month> =
                months.iter().map(|(p, m)| Month { period: *p, input: &m.input, definition: &m.definition }).collect();
            let aggregated = aggregate::aggregate(definition, &covered).ok()?;
            let output = engine::evaluate(definition, &aggregated.input).ok()?;
            (aggregated.input, output)
        }
    };
    Some(crate::month::office::Base { span, input, output })
}
