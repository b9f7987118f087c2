//! A unit's sheet: one page telling a member unit how it did this month —
//! its figures, its score and rank in its group, the gap to full marks with
//! the figures that cost points, the lists it is on, and its satisfaction
//! and on-time rate across the archived months.
//!
//! Everything here is derived from the month's [`Figures`] (so the sheet
//! and the bulletin never disagree) and from the archived months beside it;
//! the layout `layouts/unit-sheet.typ` only formats.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::derive::{
    figures::AppendixRow, figures::CostRow, figures::Criteria, figures::Figures, figures::PeriodFigures,
    figures::SignoffFigures,
};
use crate::diag::Diagnostic;
use crate::month::types::{Month, Period};
use crate::month::validate::{MONTH_FILE, UNITS_FILE};
use crate::number::Decimal;

/// How many months, the sheet's own included, its history shows.
pub const HISTORY_MONTHS: usize = 12;

/// The layout of the unit sheet and the folder of its sentence templates.
pub const SHEET_LAYOUT: &str = "/unit-sheet.typ";
pub const SHEET_SENTENCES: &str = "unit-sheet";

/// What the unit sheet layout reads as `/data.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Sheet {
    pub district: String,
    pub period: PeriodFigures,
    pub signoff: SignoffFigures,
    pub unit: SheetUnit,
    /// The unit's row of the appendix: every figure, rates rounded as there.
    pub row: AppendixRow,
    /// The figures that cost points, those that are not zero, in the
    /// appendix's column order.
    pub costs: Vec<CostItem>,
    /// Follow-up visits the citizen was not satisfied with.
    pub unsatisfied: u32,
    pub well_performing: bool,
    pub below_threshold: bool,
    /// The unit's row in the list of units that cost the district points.
    pub cost_point: Option<CostRow>,
    pub criteria: Criteria,
    pub history: Vec<HistoryPoint>,
    pub chart: Chart,
    /// Sentences from `layouts/unit-sheet/*.j2`.
    pub text: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SheetUnit {
    pub id: String,
    pub name: String,
    pub short: String,
    pub group: String,
    pub group_size: usize,
    pub rank: usize,
    /// Other units of the group share the rank (并列).
    pub tied: bool,
    pub score: String,
    pub full_marks: String,
    /// Full marks − score, shown under the score's rule; "0" at full marks.
    pub gap: String,
    pub full: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct CostItem {
    /// The figure's name as the sheet prints it (未按时签收).
    pub name: &'static str,
    pub count: u32,
}

/// One archived month of the unit's history.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryPoint {
    /// `2020-03`
    pub key: String,
    pub year: i32,
    pub month: u8,
    /// Rounded as in that month's appendix; none where nothing was visited
    /// or completed.
    pub satisfaction: Option<String>,
    pub on_time_rate: Option<String>,
}

/// The vertical scale of the history chart, in whole percent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Chart {
    pub low: u32,
    pub high: u32,
    pub ticks: Vec<u32>,
}

impl Chart {
    /// From the lowest rate shown down to a multiple of 10 (at most 90), up
    /// to 100; ticks every 2 points on the narrowest scale, every 10 up to a
    /// 50-point range, every 20 beyond.
    pub fn for_rates<'a>(rates: impl Iterator<Item = &'a str>) -> Self {
        let lowest = rates.filter_map(|rate| rate.split('.').next()?.parse::<u32>().ok()).min().unwrap_or(100).min(100);
        let low = (lowest / 10 * 10).min(90);
        let step = match 100 - low {
            0..=10 => 2,
            11..=50 => 10,
            _ => 20,
        };
        // On the widest scale the bottom is a multiple of the step, so that
        // the ticks meet 100.
        let low = low / step * step;
        Self { low, high: 100, ticks: (low..=100).step_by(step as usize).collect() }
    }
}

/// Reads one count of an appendix row.
type Count = fn(&AppendixRow) -> u32;

/// The figures that cost a unit points, by field: the name printed and how
/// to read it from the appendix row.
const COSTS: [(&str, Count); 6] = [
    ("未按时签收", |r| r.late_signed),
    ("未及时退回", |r| r.late_returned),
    ("退单被驳回", |r| r.return_rejected),
    ("未按时办结", |r| r.late_completed),
    ("发回重办", |r| r.redone),
    ("回访不满意", |r| r.visited.saturating_sub(r.satisfied)),
];

/// The sheet of every unit of the month, in units.yaml order, keyed by
/// unit id (sentences not yet rendered).
pub fn sheets(month: &Month, figures: &Figures, history: &History) -> Vec<Sheet> {
    let Some(signoff) = figures.signoff.clone() else { return Vec::new() };
    let score_rule = month.rules.figures.unit_score;
    let mut out = Vec::new();
    for (at, unit) in month.units() {
        let group = &month.groups[at.group];
        let appendix = &figures.appendix[at.group];
        let Some(row) = appendix.rows.iter().find(|r| r.id == unit.id) else { continue };
        // The gap from the score as printed: 69.999 shown as 70 is full marks.
        let shown = unit.score.rescale(score_rule.decimals, score_rule.rounding);
        let gap = month.rules.full_marks.minus(shown);
        let costs: Vec<CostItem> = COSTS
            .iter()
            .map(|(name, read)| CostItem { name, count: read(row) })
            .filter(|item| item.count > 0)
            .collect();
        let points = history.points(&unit.id);
        let chart = Chart::for_rates(
            points.iter().flat_map(|p| [p.satisfaction.as_deref(), p.on_time_rate.as_deref()]).flatten(),
        );
        out.push(Sheet {
            district: figures.district.clone(),
            period: figures.period.clone(),
            signoff: signoff.clone(),
            unit: SheetUnit {
                id: unit.id.clone(),
                name: unit.name.clone(),
                short: unit.short.clone(),
                group: group.name.clone(),
                group_size: group.units.len(),
                rank: row.rank,
                tied: appendix.rows.iter().filter(|r| r.rank == row.rank).count() > 1,
                score: row.score.clone(),
                full_marks: figures.criteria.full_marks.clone(),
                gap: score_rule.show(gap),
                full: gap == Decimal::from_int(0),
            },
            row: row.clone(),
            costs,
            unsatisfied: unit.unsatisfied(),
            well_performing: figures.well_performing.contains(&unit.name),
            below_threshold: figures.low_satisfaction.iter().any(|r| r.name == unit.name),
            cost_point: figures.cost_points.iter().find(|r| r.name == unit.name).cloned(),
            criteria: figures.criteria.clone(),
            history: points,
            chart,
            text: BTreeMap::new(),
        });
    }
    out
}

/// The archived months beside a month folder: their unit ids, and each
/// unit's rates over the last [`HISTORY_MONTHS`] months.
#[derive(Debug, Default)]
pub struct History {
    by_unit: BTreeMap<String, Vec<HistoryPoint>>,
    /// Every unit id of every archived month.
    pub known_ids: BTreeSet<String>,
    /// Archived months left out of the history, as warnings.
    pub warnings: Vec<Diagnostic>,
}

impl History {
    /// The unit's points, oldest first.
    pub fn points(&self, id: &str) -> Vec<HistoryPoint> {
        self.by_unit.get(id).cloned().unwrap_or_default()
    }

    /// Reads the month folders beside `month_dir` (those whose name is a
    /// period and that hold a month.yaml). `month` is the month being
    /// distributed, already checked.
    pub fn scan(month_dir: &Path, month: &Month, figures: &Figures) -> Self {
        let mut history = Self::default();
        let earliest = months_before(month.period, HISTORY_MONTHS - 1);
        for (period, dir) in &archived_months(month_dir) {
            history.known_ids.extend(unit_ids(&dir.join(UNITS_FILE)));
            if *period < earliest || *period >= month.period {
                continue;
            }
            // The validation alone: an archived month's figures count as it
            // was published, questions about them (a final's gate) aside.
            match crate::month::validate::check_month(dir).ok().and_then(|checked| checked.month) {
                Some(mut archived_month) => {
                    // Under the definition of the month being distributed,
                    // which governs the same archive.
                    archived_month.definition = month.definition.clone();
                    history.add(&crate::derive::figures::derive(&archived_month))
                }
                None => history.warnings.push(
                    Diagnostic::warning(
                        dir.join(MONTH_FILE),
                        "this month has errors and is left out of the unit sheets' history",
                    )
                    .with_hint(format!("`bulletin check {}` lists them", dir.display())),
                ),
            }
        }
        history.known_ids.extend(month.units().map(|(_, u)| u.id.clone()));
        history.add(figures);
        history
    }

    fn add(&mut self, figures: &Figures) {
        for row in figures.appendix.iter().flat_map(|g| &g.rows) {
            self.by_unit.entry(row.id.clone()).or_default().push(HistoryPoint {
                key: figures.period.key.clone(),
                year: figures.period.year,
                month: figures.period.month,
                satisfaction: row.satisfaction.clone(),
                on_time_rate: row.on_time_rate.clone(),
            });
        }
    }
}

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

/// The month `count` months before `period`.
fn months_before(period: Period, count: usize) -> Period {
    Period::from_index(period.index() - count as i64)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_before_cross_years() {
        let p = |year, month| Period { year, month };
        assert_eq!(months_before(p(2020, 3), 11), p(2019, 4));
        assert_eq!(months_before(p(2020, 12), 11), p(2020, 1));
        assert_eq!(months_before(p(2020, 1), 1), p(2019, 12));
        assert_eq!(months_before(p(2020, 1), 0), p(2020, 1));
    }

    #[test]
    fn chart_scale_starts_at_a_multiple_of_ten_below_the_lowest_rate() {
        let chart = |rates: &[&str]| Chart::for_rates(rates.iter().copied());
        assert_eq!(chart(&["100.00", "98.50"]), Chart { low: 90, high: 100, ticks: vec![90, 92, 94, 96, 98, 100] });
        assert_eq!(chart(&["76.92", "100"]).low, 70);
        assert_eq!(chart(&["76.92"]).ticks, vec![70, 80, 90, 100]);
        assert_eq!(chart(&["0.00"]).ticks, vec![0, 20, 40, 60, 80, 100]);
        assert_eq!(chart(&["41"]).ticks, vec![40, 60, 80, 100]);
        assert_eq!(chart(&["33.3"]).ticks, vec![20, 40, 60, 80, 100]);
        for lowest in 0..=100 {
            let chart = chart(&[&lowest.to_string()]);
            assert_eq!(chart.ticks.last(), Some(&100), "{lowest}");
            assert_eq!(chart.ticks.first(), Some(&chart.low), "{lowest}");
            assert!(chart.low <= lowest.min(90), "{lowest}");
        }
        assert_eq!(chart(&[]).low, 90);
    }
}
