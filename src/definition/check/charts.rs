//! A section's chart: a trend of office figures over the archive's months,
//! or a bar for each row of a table's rows, each of one kind of value.

use std::collections::BTreeMap;

use super::{raw, unknown_hint, Checker, Context};
use crate::definition::{chart_unit, Chart, ChartKind, ChartUnit, ScopeKey};
use crate::source::locate::Segment;

/// The longest trend a chart draws: three years of months.
const MAX_MONTHS: usize = 36;

impl Checker<'_> {
    pub(super) fn chart(
        &mut self,
        ctx: &Context,
        c: &raw::ChartFile,
        selections: &BTreeMap<String, raw::SelectionFile>,
        at: &[Segment],
    ) -> Option<Chart> {
        let key = |k: &str| {
            let mut p = at.to_vec();
            p.push(Segment::Key(k.into()));
            p
        };
        let title_ok = self.template(&key("title"), &c.title);
        if title_ok {
            self.probe(&key("title"), &c.title);
        }
        let kind = match (&c.trend, &c.bars) {
            (Some(_), Some(_)) | (None, None) => {
                self.error_at_key(at, "a chart draws either a `trend` or `bars`".into()).hint = Some(
                    "`trend: [tickets]` draws office figures month by month; `bars: categories` a bar for each item"
                        .into(),
                );
                return None;
            }
            (Some(figures), None) => {
                for (k, given) in [("value", c.value.is_some()), ("label", c.label.is_some())] {
                    if given {
                        self.error(&key(k), format!("`{k}` belongs to a chart of `bars`")).hint =
                            Some("a trend's lines are its `trend` figures, named by their labels".into());
                    }
                }
                self.trend(figures, c, &key("trend"))?
            }
            (None, Some(rows)) => {
                if c.months.is_some() {
                    self.error(&key("months"), "`months` belongs to a `trend` chart".into()).hint =
                        Some("a bar chart shows this period's rows".into());
                }
                let (rows, scope) = self.rows(ctx, rows, selections, &key("bars"))?;
                let label = c.label.clone().unwrap_or_else(|| "name".to_owned());
                let labels: &[&str] = if scope == ScopeKey::Unit { &["name", "short"] } else { &["name"] };
                if !labels.contains(&label.as_str()) {
                    self.error(&key("label"), format!("`{label}` cannot name a bar")).hint = Some(match labels {
                        [only] => format!("a list's items are named by `{only}` alone: leave `label` out"),
                        _ => "a unit's bar is named by `name` (the default) or `short`".to_owned(),
                    });
                }
                let Some(value) = &c.value else {
                    self.error_at_key(at, "a bar chart needs a `value`: the figure each bar is as long as".into())
                        .hint = Some("e.g. `value: count`".into());
                    return None;
                };
                let unit = self.figure_unit(&scope, value, &key("value"))?;
                ChartKind::Bars { rows, value: value.clone(), label, unit }
            }
        };
        let kind = match (kind, &c.unit) {
            (ChartKind::Trend { figures, months, unit }, Some(suffix)) => {
                ChartKind::Trend { figures, months, unit: ChartUnit { suffix: suffix.clone(), ..unit } }
            }
            (ChartKind::Bars { rows, value, label, unit }, Some(suffix)) => {
                ChartKind::Bars { rows, value, label, unit: ChartUnit { suffix: suffix.clone(), ..unit } }
            }
            (kind, None) => kind,
        };
        title_ok.then(|| Chart { title: c.title.clone(), kind })
    }

    /// A trend's lines: office figures, all rates or all amounts of one word.
    fn trend(&mut self, figures: &[String], c: &raw::ChartFile, at: &[Segment]) -> Option<ChartKind> {
        if figures.is_empty() {
            self.error(at, "a trend needs at least one figure".into()).hint =
                Some("name office figures, e.g. `trend: [tickets]`".into());
            return None;
        }
        if let Some(months) = c.months.filter(|m| !(2..=MAX_MONTHS).contains(m)) {
            let mut m_at = at.to_vec();
            m_at.pop();
            m_at.push(Segment::Key("months".into()));
            self.error(&m_at, format!("{months} months: a trend shows 2 to {MAX_MONTHS}")).hint =
                Some("e.g. `months: 12` for the year up to this month".into());
        }
        let mut lines = Vec::new();
        let mut first: Option<(String, ChartUnit)> = None;
        for (i, name) in figures.iter().enumerate() {
            let mut f_at = at.to_vec();
            f_at.push(Segment::Index(i));
            let Some(unit) = self.figure_unit(&ScopeKey::Office, name, &f_at) else { continue };
            match &first {
                Some((other, seen))
                    if seen.percent != unit.percent || (c.unit.is_none() && seen.suffix != unit.suffix) =>
                {
                    let word = |u: &ChartUnit| {
                        if u.percent {
                            "a rate".to_owned()
                        } else {
                            format!("an amount in {}", if u.suffix.is_empty() { "no unit" } else { &u.suffix })
                        }
                    };
                    self.error(
                        &f_at,
                        format!("`{name}` is {}, `{other}` {}: a chart has one scale", word(&unit), word(seen)),
                    )
                    .hint = Some("draw them in two charts".into());
                }
                Some(_) => {}
                None => first = Some((name.clone(), unit)),
            }
            let label = self.labels.get(&(ScopeKey::Office, name.clone())).cloned().unwrap_or_else(|| name.clone());
            lines.push((name.clone(), label));
        }
        let (_, unit) = first?;
        (lines.len() == figures.len()).then_some(ChartKind::Trend { figures: lines, months: c.months, unit })
    }

    /// A numeric figure of `scope`, and what it counts; an error where it is
    /// not one.
    fn figure_unit(&mut self, scope: &ScopeKey, name: &str, at: &[Segment]) -> Option<ChartUnit> {
        if let Some(unit) = chart_unit(&self.built, scope, name) {
            return Some(unit);
        }
        let figures = self.names.get(scope).cloned().unwrap_or_default();
        let owner = match scope {
            ScopeKey::Office => "the office".to_owned(),
            ScopeKey::Unit => "a unit".to_owned(),
            other => format!("an item of {}", other.name()),
        };
        let is_text = matches!(figures.get(name), Some(super::Entry::Measure(kind, _)) if kind.is_text());
        if is_text {
            self.error(at, format!("`{name}` is a text: a chart draws numbers")).hint =
                Some("draw a count, a percentage or a score".into());
        } else if !figures.contains_key(name) {
            let hint = unknown_hint(name, figures.keys().map(String::as_str), &owner);
            self.error(at, format!("`{name}` is not a figure of {owner}")).hint = Some(hint);
        }
        None
    }
}
