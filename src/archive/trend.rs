//! The months a bulletin's trend charts show: the office figures each
//! chart draws, month by month up to the bulletin's last month, each read
//! from the archive under its own definition and shown under its rules.

use std::collections::BTreeMap;
use std::path::Path;

use crate::definition::{ChartKind, Definition, ScopeKey};
use crate::diag::Diagnostic;
use crate::month::office::{Checked, OfficeMonth, TrendPoint};
use crate::month::span::Span;
use crate::month::types::Period;

/// How many months a trend of a single month's bulletin shows unless its
/// chart says.
pub const MONTHLY_TREND: usize = 12;

/// How many months a trend chart shows in a bulletin of `span`: its own
/// `months`, else a year for a month and the period's months for a period.
pub fn trend_length(months: Option<usize>, span: Span) -> usize {
    months.unwrap_or(match span {
        Span::Month(_) => MONTHLY_TREND,
        _ => span.months().len(),
    })
}

/// The months every trend chart of a bulletin of `span` draws from, oldest
/// first, ending with its last month; empty where it prints none.
pub fn window(definition: &Definition, span: Span) -> Vec<Period> {
    let longest = definition
        .trend_charts(span.kind())
        .iter()
        .filter_map(|chart| match &chart.kind {
            ChartKind::Trend { months, .. } => Some(trend_length(*months, span)),
            ChartKind::Bars { .. } => None,
        })
        .max()
        .unwrap_or(0);
    let last = span.bounds().1;
    (0..longest as i64).rev().map(|back| Period::from_index(last.index() - back)).collect()
}

/// The office figures the trend charts of `this` draw, over `window`:
/// `this` itself for its own month, the archive's months beside it for the
/// others. A month the archive lacks before its first is left out; one it
/// lacks later, or one with errors, is a gap, with a warning.
pub fn points(
    this: &OfficeMonth,
    window: &[Period],
    archive: &Path,
    read_month: &dyn Fn(&Path) -> Result<Checked, Vec<Diagnostic>>,
) -> (Vec<TrendPoint>, Vec<Diagnostic>) {
    let names: Vec<String> = this
        .definition
        .trend_charts(this.span.kind())
        .iter()
        .flat_map(|chart| match &chart.kind {
            ChartKind::Trend { figures, .. } => figures.iter().map(|(name, _)| name.clone()).collect(),
            ChartKind::Bars { .. } => Vec::new(),
        })
        .collect();
    let figures = |month: &OfficeMonth| -> BTreeMap<String, Option<String>> {
        names.iter().map(|name| (name.clone(), month.shown(&ScopeKey::Office, 0, name))).collect()
    };
    let gap = || names.iter().map(|name| (name.clone(), None)).collect();
    let mut points = Vec::new();
    let mut warnings = Vec::new();
    for &period in window {
        let values = if this.span == Span::Month(period) {
            figures(this)
        } else {
            let key = Span::Month(period).to_string();
            let dir = archive.join(&key);
            if !dir.is_dir() {
                // Before the archive's first month: not a gap, no month at all.
                if points.is_empty() {
                    continue;
                }
                warnings.push(
                    Diagnostic::warning(&dir, format!("the archive lacks {key}: the trend charts leave a gap"))
                        .with_hint(format!("`bulletin new {key}` starts it, from the month's figures")),
                );
                gap()
            } else {
                match read_month(&dir) {
                    Ok(Checked { month: Some(month), .. }) => figures(&month),
                    _ => {
                        warnings.push(
                            Diagnostic::warning(
                                dir.join("month.yaml"),
                                format!("{key} has errors and is left out of the trend charts"),
                            )
                            .with_hint(format!("`bulletin check {}` lists them", dir.display())),
                        );
                        gap()
                    }
                }
            }
        };
        points.push(TrendPoint { period, values });
    }
    (points, warnings)
}
