//! Charts as data for the layouts: the scale (chosen here, in whole
//! numbers), the points or bars with their values as printed, and the
//! alternative text a screen reader reads out. The layouts only turn the
//! values into positions.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::number::{Decimal, Ratio, Rounding, Style};

/// A chart's value scale: from `low` to `high`, a grid line at each tick,
/// each labelled with its number and `suffix` (件, %, 分).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Axis {
    pub low: i64,
    pub high: i64,
    pub ticks: Vec<i64>,
    pub suffix: String,
}

/// The whole numbers at or below and at or above a printed value.
fn bounds(value: &str) -> Option<(i64, i64)> {
    let exact = Ratio::from_decimal(Decimal::parse(value)?);
    // Truncated towards zero: one below for a negative fraction.
    let whole: i64 = exact.to_decimal(0, Rounding::Truncate)?.format(Style::Trim).parse().ok()?;
    Some(match (exact.is_integer(), exact.is_negative()) {
        (true, _) => (whole, whole),
        (false, true) => (whole - 1, whole),
        (false, false) => (whole, whole + 1),
    })
}

impl Axis {
    /// Rates: up to 100 (or the next step above a rate beyond it), from a
    /// point below the lowest rate shown, rounded down to the step; the
    /// step the smallest of 1, 2, 5, 10 and 20 points that needs at most
    /// five of them, so that 99.72 and 99.89 stand apart on 98–100 and
    /// 76.92 sits on 75–100.
    pub fn for_rates<'a>(values: impl Iterator<Item = &'a str>, suffix: &str) -> Self {
        let seen: Vec<(i64, i64)> = values.filter_map(bounds).collect();
        let (Some(lowest), Some(highest)) = (seen.iter().map(|b| b.0).min(), seen.iter().map(|b| b.1).max()) else {
            return Self { low: 90, high: 100, ticks: (90..=100).step_by(2).collect(), suffix: suffix.to_owned() };
        };
        let below = (lowest.clamp(0, 100) - 1).max(0);
        let top = highest.max(100);
        let (low, high, step) = [1, 2, 5, 10, 20]
            .into_iter()
            .map(|step| (below / step * step, (top + step - 1) / step * step, step))
            .find(|(low, high, step)| (high - low) / step <= 5)
            .unwrap_or((0, (top + 19) / 20 * 20, 20));
        Self { low, high, ticks: (low..=high).step_by(step as usize).collect(), suffix: suffix.to_owned() }
    }

    /// Counts and scores: from 0 (or below, for a negative value) to the
    /// highest value rounded up to a step of 1, 2 or 5 times a power of ten,
    /// seven steps at most (a score of 70 on 0–70 by tens).
    pub fn from_zero<'a>(values: impl Iterator<Item = &'a str>, suffix: &str) -> Self {
        let seen: Vec<(i64, i64)> = values.filter_map(bounds).collect();
        let highest = seen.iter().map(|b| b.1).max().unwrap_or(0).max(0);
        let lowest = seen.iter().map(|b| b.0).min().unwrap_or(0).min(0);
        let span = (highest - lowest).max(1);
        let mut step = 1i64;
        'find: loop {
            for factor in [1, 2, 5] {
                if factor * step * 7 >= span {
                    step *= factor;
                    break 'find;
                }
            }
            step *= 10;
        }
        let low = if lowest < 0 { -((-lowest + step - 1) / step) * step } else { 0 };
        let high = ((highest + step - 1) / step * step).max(step);
        Self { low, high, ticks: (low..=high).step_by(step as usize).collect(), suffix: suffix.to_owned() }
    }
}

/// One line of a trend: its key in each point, its label in the legend.
#[derive(Clone, Debug, Serialize)]
pub struct Series {
    pub key: String,
    pub label: String,
}

/// A bar: its label, its value as a number (for its length; none where
/// the row has no value) and as printed.
#[derive(Clone, Debug, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: Option<String>,
    pub text: String,
}

/// What a chart draws.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "draw", rename_all = "snake_case")]
pub enum Drawing {
    /// Each point has `key`, `year`, `month` and a value (a string, or
    /// none) under each series' key.
    Line {
        points: Vec<Map<String, Json>>,
        series: Vec<Series>,
    },
    Bars {
        bars: Vec<Bar>,
    },
}

/// A chart block of the bulletin: `图1`, its title, the alternative text.
#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    pub number: String,
    pub title: String,
    pub alt: String,
    pub axis: Axis,
    #[serde(flatten)]
    pub drawing: Drawing,
}

/// A month as a trend's axis names it: 3月; January with its year where the
/// months run over a new year (2020年1月), and the first point too.
pub fn month_label(year: i32, month: u8, first: bool, years: bool) -> String {
    if years && (first || month == 1) {
        format!("{year}年{month}月")
    } else {
        format!("{month}月")
    }
}

impl Chart {
    /// The alternative text: the title, then each series' or bar's values
    /// with their labels, as a reader would say them.
    pub fn describe(number: &str, title: &str, axis: &Axis, drawing: &Drawing) -> String {
        let with = |value: &str| format!("{value}{}", axis.suffix);
        let body = match drawing {
            Drawing::Line { points, series } => series
                .iter()
                .map(|s| {
                    let values: Vec<String> = points
                        .iter()
                        .map(|p| {
                            let label = p.get("label").and_then(Json::as_str).unwrap_or_default();
                            match p.get(&s.key).and_then(Json::as_str) {
                                Some(value) => format!("{label}{}", with(value)),
                                None => format!("{label}无数据"),
                            }
                        })
                        .collect();
                    format!("{}：{}", s.label, values.join("，"))
                })
                .collect::<Vec<_>>()
                .join("；"),
            Drawing::Bars { bars } => {
                bars.iter().map(|b| format!("{}{}", b.label, b.text)).collect::<Vec<_>>().join("，")
            }
        };
        format!("{number}　{title}。{body}。")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates(values: &[&str]) -> Axis {
        Axis::for_rates(values.iter().copied(), "%")
    }

    #[test]
    fn rates_scale_from_just_below_the_lowest_to_one_hundred() {
        assert_eq!(rates(&["100.00", "98.50"]).ticks, vec![97, 98, 99, 100]);
        assert_eq!(rates(&["99.72", "99.89"]).ticks, vec![98, 99, 100]);
        assert_eq!(rates(&["96.5", "99"]).ticks, vec![95, 96, 97, 98, 99, 100]);
        assert_eq!(rates(&["76.92", "100"]).ticks, vec![75, 80, 85, 90, 95, 100]);
        assert_eq!(rates(&["71.3", "99"]).ticks, vec![70, 80, 90, 100]);
        assert_eq!(rates(&["12"]).ticks, vec![0, 20, 40, 60, 80, 100]);
        assert_eq!(rates(&["0.00"]).ticks, vec![0, 20, 40, 60, 80, 100]);
        assert_eq!(rates(&[]).ticks, vec![90, 92, 94, 96, 98, 100]);
        let over = rates(&["95", "112.5"]);
        assert_eq!((over.low, over.high), (90, 115));
        for lowest in 0..=100 {
            let axis = rates(&[&lowest.to_string()]);
            assert_eq!(axis.ticks.last(), Some(&100), "{lowest}");
            assert_eq!(axis.ticks.first(), Some(&axis.low), "{lowest}");
            assert!(axis.low < lowest.max(1) && axis.low >= 0, "{lowest}: {axis:?}");
            assert!(axis.ticks.len() <= 6, "{lowest}: {axis:?}");
        }
    }

    #[test]
    fn counts_scale_from_zero_in_round_steps() {
        let axis = |values: &[&str]| Axis::from_zero(values.iter().copied(), "件");
        assert_eq!(axis(&["4093", "3712"]).ticks, vec![0, 1000, 2000, 3000, 4000, 5000]);
        assert_eq!(axis(&["148", "98", "7"]).ticks, vec![0, 50, 100, 150]);
        assert_eq!(axis(&["3"]).ticks, vec![0, 1, 2, 3]);
        assert_eq!(axis(&["0"]).ticks, vec![0, 1]);
        assert_eq!(axis(&["99.5"]).ticks, vec![0, 20, 40, 60, 80, 100]);
        assert_eq!(axis(&["-3", "8"]).ticks, vec![-4, -2, 0, 2, 4, 6, 8]);
        assert_eq!(axis(&["70", "66.68"]).ticks, vec![0, 10, 20, 30, 40, 50, 60, 70]);
    }

    #[test]
    fn the_alt_text_reads_every_value() {
        let axis = Axis::from_zero(["4"].into_iter(), "件");
        let bars = Drawing::Bars {
            bars: vec![
                Bar { label: "城乡建设".into(), value: Some("4".into()), text: "4件".into() },
                Bar { label: "交通运输".into(), value: Some("2".into()), text: "2件".into() },
            ],
        };
        assert_eq!(
            Chart::describe("图2", "诉求类型分布图", &axis, &bars),
            "图2　诉求类型分布图。城乡建设4件，交通运输2件。"
        );
    }
}
