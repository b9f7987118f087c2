//! A definition's unit sheet (`sheet:`): its title and each part's
//! templates name only what a sheet knows, its figures are the units', its
//! trend charts percentages.

use std::collections::BTreeMap;

use super::{path, raw, unknown_hint, Checker};
use crate::definition::{Formula, MeasureKind, Scope, ScopeKey, Sheet, SheetFigures, SheetPart, SHEET_MONTHS};
use crate::source::locate::Segment;

/// How many months a trend may show: three years.
const MAX_MONTHS: usize = 36;

impl Checker<'_> {
    pub(super) fn sheet(&mut self, raw: Option<&raw::SheetFile>, scopes: &BTreeMap<ScopeKey, Scope>) -> Sheet {
        let Some(raw) = raw else { return Sheet::default_parts() };
        let units = scopes.get(&ScopeKey::Unit).cloned().unwrap_or_default();
        let label = |name: &str| {
            units
                .measures
                .get(name)
                .map(|m| m.label.clone())
                .or_else(|| units.derived.get(name).map(|d| d.label.clone()))
        };
        let figures: Vec<String> = units.measures.keys().chain(units.derived.keys()).cloned().collect();
        // The trend's figures first: every template may quote them from `history`.
        let trend_names: Vec<String> = raw.parts.iter().flat_map(|p| p.trend.iter().flatten().cloned()).collect();
        let months = raw.months.unwrap_or(SHEET_MONTHS);
        if !(1..=MAX_MONTHS).contains(&months) {
            self.error(
                &path(&["sheet", "months"]),
                format!("a trend of {months} months: it shows 1 to {MAX_MONTHS}"),
            )
            .hint = Some("e.g. `months: 12` for the last twelve months, this one included".into());
        }
        if let Some(title) = &raw.title {
            let at = path(&["sheet", "title"]);
            if self.template(&at, title) {
                self.probe_in(&at, title, Some(&trend_names));
            }
        }
        if raw.parts.is_empty() {
            self.error(&path(&["sheet", "parts"]), "a sheet needs at least one part".into()).hint =
                Some("e.g. `- { heading: 本单位本月数字, figures: [signed, completed] }`".into());
        }
        let mut parts = Vec::new();
        for (i, p) in raw.parts.iter().enumerate() {
            let key = |k: &str| {
                let mut at = path(&["sheet", "parts"]);
                at.push(Segment::Index(i));
                at.push(Segment::Key(k.into()));
                at
            };
            for (k, source) in [("heading", &p.heading), ("prose", &p.prose)] {
                if let Some(source) = source {
                    if self.template(&key(k), source) {
                        self.probe_in(&key(k), source, Some(&trend_names));
                    }
                }
            }
            let known = |name: &str, field: &str, j: usize, this: &mut Self| -> bool {
                if figures.iter().any(|f| f == name) {
                    return true;
                }
                let mut at = key(field);
                at.push(Segment::Index(j));
                let hint = unknown_hint(name, figures.iter().map(String::as_str), "the units' figures");
                this.error(&at, format!("`{name}` is not a figure of the units")).hint = Some(hint);
                false
            };
            let shown = p.figures.as_ref().map(|names| {
                let mut named = Vec::new();
                for (j, name) in names.iter().enumerate() {
                    if known(name, "figures", j, self) {
                        let text = p.labels.get(name).cloned().or_else(|| label(name)).unwrap_or_else(|| name.clone());
                        named.push((name.clone(), text));
                    }
                }
                SheetFigures::Named(named)
            });
            for name in p.labels.keys() {
                if !p.figures.iter().flatten().any(|f| f == name) {
                    let mut at = key("labels");
                    at.push(Segment::Key(name.clone()));
                    self.error_at_key(&at, format!("`{name}` is not one of this part's figures")).hint =
                        Some("a label renames a figure listed in `figures:` of the same part".into());
                }
            }
            let mut trend = Vec::new();
            for (j, name) in p.trend.iter().flatten().enumerate() {
                if !known(name, "trend", j, self) {
                    continue;
                }
                let percent = units.measures.get(name).is_some_and(|m| m.kind == MeasureKind::Percent)
                    || units.derived.get(name).is_some_and(|d| matches!(d.formula, Formula::Percent(_)));
                if !percent {
                    let mut at = key("trend");
                    at.push(Segment::Index(j));
                    self.error(&at, format!("`{name}` is not a percentage: a trend charts percentages")).hint =
                        Some("chart a rate (`percent:` in derived.unit, or a measure of kind percent)".into());
                    continue;
                }
                trend.push((name.clone(), label(name).unwrap_or_else(|| name.clone())));
            }
            if p.trend.as_ref().is_some_and(Vec::is_empty) || p.figures.as_ref().is_some_and(Vec::is_empty) {
                let field = if p.trend.as_ref().is_some_and(Vec::is_empty) { "trend" } else { "figures" };
                self.error(&key(field), format!("`{field}` names no figure")).hint =
                    Some("name the units' figures it shows, e.g. [satisfaction, on_time_rate]".into());
            }
            if p.prose.is_none() && p.figures.is_none() && p.trend.is_none() {
                let mut at = path(&["sheet", "parts"]);
                at.push(Segment::Index(i));
                self.error_at_key(&at, "this part holds nothing".into()).hint =
                    Some("give it `prose`, `figures` or `trend`".into());
            }
            parts.push(SheetPart { heading: p.heading.clone(), prose: p.prose.clone(), figures: shown, trend });
        }
        Sheet { title: raw.title.clone(), months: months.clamp(1, MAX_MONTHS), parts, declared: true }
    }
}
