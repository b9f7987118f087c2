//! The month's selection thresholds and per-figure rounding rules.
//!
//! Defaults reproduce the reference bulletin (March 2020, Furong district);
//! `month.yaml`'s optional `rules:` block overrides any of them, so an
//! archived month keeps the rules it was issued under.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::definition::ParamValue;

use crate::month::raw::{FigureRulesFile, RulesFile};
use crate::number::{Decimal, FigureRule, Rounding, Style};

/// How each printed figure is rounded and shown.
#[derive(Clone, Debug, Serialize)]
pub struct FigureRules {
    /// 按时办结率 in the appendix: 97.297 → 97.29.
    pub on_time_rate: FigureRule,
    /// 回访满意度 in the appendix: 96.226 → 96.23, 96.00 kept.
    pub satisfaction: FigureRule,
    /// 回访满意率 in the "under the threshold" table: 96.00 → 96.
    pub low_satisfaction: FigureRule,
    /// 工单比率 (unsatisfied / signed): 3.2.
    pub unsatisfied_ratio: FigureRule,
    /// 占全区不满意工单率 (share of the district's unsatisfied): 30.
    pub unsatisfied_share: FigureRule,
    /// Topic tickets / completed: 21.39.
    pub topic_share: FigureRule,
    /// Topic satisfaction: 99.77.
    pub topic_satisfaction: FigureRule,
    /// Topic category / topic tickets: 5.977 → 5.9, 34.0 → 34.
    pub topic_category_share: FigureRule,
    /// A unit's score: 70, 69.4.
    pub unit_score: FigureRule,
    /// 延期办理率, 重复交办率 as given by the platform: 1.00.
    pub unit_input_rate: FigureRule,
    /// A district's satisfaction in the city table: 99.41.
    pub city_satisfaction: FigureRule,
    /// A district's score in the city table: 67.0.
    pub city_score: FigureRule,
}

impl Default for FigureRules {
    fn default() -> Self {
        use Rounding::{HalfUp, Truncate};
        use Style::{Fixed, Trim};
        Self {
            on_time_rate: FigureRule::new(2, Truncate, Fixed),
            satisfaction: FigureRule::new(2, HalfUp, Fixed),
            low_satisfaction: FigureRule::new(2, HalfUp, Trim),
            unsatisfied_ratio: FigureRule::new(1, HalfUp, Fixed),
            unsatisfied_share: FigureRule::new(1, HalfUp, Trim),
            topic_share: FigureRule::new(2, HalfUp, Fixed),
            topic_satisfaction: FigureRule::new(2, HalfUp, Fixed),
            topic_category_share: FigureRule::new(1, Truncate, Trim),
            unit_score: FigureRule::new(2, HalfUp, Trim),
            unit_input_rate: FigureRule::new(2, HalfUp, Fixed),
            city_satisfaction: FigureRule::new(2, HalfUp, Fixed),
            city_score: FigureRule::new(1, HalfUp, Fixed),
        }
    }
}

/// Thresholds of the derived lists.
#[derive(Clone, Debug, Serialize)]
pub struct Rules {
    /// A unit's full marks (总分满分).
    pub full_marks: Decimal,
    /// Well-performing units have signed at least this many tickets.
    pub well_performing_min_signed: u32,
    /// The order of groups in the well-performing list (group names); groups
    /// not named follow in file order.
    pub well_performing_group_order: Vec<String>,
    /// Units under this satisfaction (a percentage) are listed.
    pub satisfaction_threshold: Decimal,
    /// How many ticket categories the bulletin shows.
    pub top_categories: usize,
    /// How many topic categories the bulletin shows.
    pub topic_top_categories: usize,
    pub figures: FigureRules,
    /// What the month's `rules:` block sets, by the names of the office
    /// definition's parameters and rules: the overrides it applies.
    pub given_params: BTreeMap<String, ParamValue>,
    pub given_figures: BTreeMap<String, FigureRule>,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            full_marks: Decimal::from_int(70),
            well_performing_min_signed: 30,
            well_performing_group_order: Vec::new(),
            satisfaction_threshold: Decimal::from_int(97),
            top_categories: 6,
            topic_top_categories: 5,
            figures: FigureRules::default(),
            given_params: BTreeMap::new(),
            given_figures: BTreeMap::new(),
        }
    }
}

impl Rules {
    /// The defaults with the file's overrides applied. Range checks are the
    /// validator's.
    pub fn from_file(file: &RulesFile) -> Self {
        let defaults = Self::default();
        Self {
            full_marks: file.full_marks.map_or(defaults.full_marks, |n| n.0),
            well_performing_min_signed: file.well_performing_min_signed.unwrap_or(defaults.well_performing_min_signed),
            well_performing_group_order: file
                .well_performing_group_order
                .clone()
                .unwrap_or(defaults.well_performing_group_order),
            satisfaction_threshold: file.satisfaction_threshold.map_or(defaults.satisfaction_threshold, |n| n.0),
            top_categories: file.top_categories.unwrap_or(defaults.top_categories),
            topic_top_categories: file.topic_top_categories.unwrap_or(defaults.topic_top_categories),
            figures: FigureRules::from_file(&file.figures),
            given_params: given_params(file),
            given_figures: FigureRules::given(&file.figures),
        }
    }
}

/// The parameters a month's `rules:` block sets.
fn given_params(file: &RulesFile) -> BTreeMap<String, ParamValue> {
    let mut given = BTreeMap::new();
    let count = |n: u32| ParamValue::Number(Decimal::from_int(i64::from(n)));
    let numbers = [
        ("full_marks", file.full_marks.map(|n| ParamValue::Number(n.0))),
        ("well_performing_min_signed", file.well_performing_min_signed.map(count)),
        ("satisfaction_threshold", file.satisfaction_threshold.map(|n| ParamValue::Number(n.0))),
        ("top_categories", file.top_categories.map(|n| count(n as u32))),
        ("topic_top_categories", file.topic_top_categories.map(|n| count(n as u32))),
        ("well_performing_group_order", file.well_performing_group_order.clone().map(ParamValue::Groups)),
    ];
    for (name, value) in numbers {
        if let Some(value) = value {
            given.insert(name.to_owned(), value);
        }
    }
    given
}

impl FigureRules {
    /// The rules a month's `rules.figures` sets, by name.
    fn given(file: &FigureRulesFile) -> BTreeMap<String, FigureRule> {
        file_named(file).into_iter().filter_map(|(name, rule)| Some((name.to_owned(), rule?))).collect()
    }

    fn from_file(file: &FigureRulesFile) -> Self {
        let d = Self::default();
        Self {
            on_time_rate: file.on_time_rate.unwrap_or(d.on_time_rate),
            satisfaction: file.satisfaction.unwrap_or(d.satisfaction),
            low_satisfaction: file.low_satisfaction.unwrap_or(d.low_satisfaction),
            unsatisfied_ratio: file.unsatisfied_ratio.unwrap_or(d.unsatisfied_ratio),
            unsatisfied_share: file.unsatisfied_share.unwrap_or(d.unsatisfied_share),
            topic_share: file.topic_share.unwrap_or(d.topic_share),
            topic_satisfaction: file.topic_satisfaction.unwrap_or(d.topic_satisfaction),
            topic_category_share: file.topic_category_share.unwrap_or(d.topic_category_share),
            unit_score: file.unit_score.unwrap_or(d.unit_score),
            unit_input_rate: file.unit_input_rate.unwrap_or(d.unit_input_rate),
            city_satisfaction: file.city_satisfaction.unwrap_or(d.city_satisfaction),
            city_score: file.city_score.unwrap_or(d.city_score),
        }
    }

    /// Every rule with its name, for range checks.
    pub fn named(&self) -> [(&'static str, FigureRule); 12] {
        [
            ("on_time_rate", self.on_time_rate),
            ("satisfaction", self.satisfaction),
            ("low_satisfaction", self.low_satisfaction),
            ("unsatisfied_ratio", self.unsatisfied_ratio),
            ("unsatisfied_share", self.unsatisfied_share),
            ("topic_share", self.topic_share),
            ("topic_satisfaction", self.topic_satisfaction),
            ("topic_category_share", self.topic_category_share),
            ("unit_score", self.unit_score),
            ("unit_input_rate", self.unit_input_rate),
            ("city_satisfaction", self.city_satisfaction),
            ("city_score", self.city_score),
        ]
    }
}

/// Every rule of a month's `rules.figures`, by name, as given.
fn file_named(file: &FigureRulesFile) -> [(&'static str, Option<FigureRule>); 12] {
    [
        ("on_time_rate", file.on_time_rate),
        ("satisfaction", file.satisfaction),
        ("low_satisfaction", file.low_satisfaction),
        ("unsatisfied_ratio", file.unsatisfied_ratio),
        ("unsatisfied_share", file.unsatisfied_share),
        ("topic_share", file.topic_share),
        ("topic_satisfaction", file.topic_satisfaction),
        ("topic_category_share", file.topic_category_share),
        ("unit_score", file.unit_score),
        ("unit_input_rate", file.unit_input_rate),
        ("city_satisfaction", file.city_satisfaction),
        ("city_score", file.city_score),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_a_month_sets_overrides_the_definition() {
        let mut file =
            RulesFile { full_marks: Some(crate::month::raw::Number(Decimal::from_int(100))), ..RulesFile::default() };
        file.figures.satisfaction = Some(FigureRule::new(1, Rounding::HalfUp, Style::Trim));
        let rules = Rules::from_file(&file);
        assert_eq!(rules.given_figures.keys().collect::<Vec<_>>(), ["satisfaction"]);
        assert_eq!(rules.given_figures["satisfaction"].decimals, 1);
        assert_eq!(rules.given_params.keys().collect::<Vec<_>>(), ["full_marks"]);
        assert_eq!(rules.given_params["full_marks"], ParamValue::Number(Decimal::from_int(100)));
        assert!(Rules::from_file(&RulesFile::default()).given_figures.is_empty());
    }
}
