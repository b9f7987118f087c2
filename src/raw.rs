//! The month folder as written by the office: one serde type per YAML file,
//! no logic. Unknown keys are errors (`deny_unknown_fields`), so a typo never
//! silently drops a figure. `validate` turns these into a [`crate::month::Month`].

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::number::{Decimal, FigureRule};

/// `month.yaml`: what the issue is and who signs it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthFile {
    pub period: String,
    pub district: String,
    pub city: String,
    pub city_scope: String,
    pub issuer: String,
    pub issue_date: String,
    pub attachment: String,
    pub appendix_title: String,
    #[serde(default)]
    pub rules: RulesFile,
}

/// Thresholds and rounding rules. Every field is optional; the defaults
/// reproduce the reference bulletin (`rules::Rules::default`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    pub full_marks: Option<Number>,
    pub well_performing_min_signed: Option<u32>,
    pub well_performing_group_order: Option<Vec<String>>,
    pub satisfaction_threshold: Option<Number>,
    pub top_categories: Option<usize>,
    pub topic_top_categories: Option<usize>,
    #[serde(default)]
    pub figures: FigureRulesFile,
}

/// Per-figure overrides of [`crate::rules::FigureRules`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureRulesFile {
    pub on_time_rate: Option<FigureRule>,
    pub satisfaction: Option<FigureRule>,
    pub low_satisfaction: Option<FigureRule>,
    pub unsatisfied_ratio: Option<FigureRule>,
    pub unsatisfied_share: Option<FigureRule>,
    pub topic_share: Option<FigureRule>,
    pub topic_satisfaction: Option<FigureRule>,
    pub topic_category_share: Option<FigureRule>,
    pub unit_score: Option<FigureRule>,
    pub unit_input_rate: Option<FigureRule>,
    pub city_satisfaction: Option<FigureRule>,
    pub city_score: Option<FigureRule>,
}

/// `city.yaml`: the city platform's figures for the compared districts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityFile {
    pub districts: Vec<CityDistrict>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityDistrict {
    pub name: String,
    pub tickets: u32,
    pub satisfaction: Number,
    pub score: Number,
}

/// `units.yaml`: every member unit's raw figures, by group.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitsFile {
    pub groups: Vec<GroupEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupEntry {
    pub name: String,
    pub units: Vec<UnitEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitEntry {
    pub id: String,
    pub name: String,
    pub short: Option<String>,
    pub signed: u32,
    pub late_signed: u32,
    pub late_returned: u32,
    pub return_rejected: u32,
    pub completed: u32,
    pub late_completed: u32,
    pub extension_rejected: u32,
    pub redone: u32,
    pub visited: u32,
    pub satisfied: u32,
    pub extension_rate: Number,
    pub repeat_rate: Number,
    pub score: Number,
}

/// `tickets.yaml`: categories, business-environment tickets and the topic.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketsFile {
    pub completed: u32,
    pub categories: Vec<Count>,
    #[serde(default)]
    pub business_environment: Vec<BusinessTicket>,
    pub topic: TopicEntry,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    pub name: String,
    pub count: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessTicket {
    #[serde(rename = "type")]
    pub kind: String,
    pub unit: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicEntry {
    pub title: String,
    pub label: String,
    pub theme: String,
    pub tickets: u32,
    pub unsatisfied: u32,
    pub natures: Vec<Count>,
    pub categories: Vec<Count>,
}

/// A decimal read exactly from YAML: `69.2`, `70`, `"99.41"` or `"99.41%"`.
///
/// YAML hands floats over as `f64`; its shortest round-trip text is the
/// number as the editor typed it (up to 15 significant digits), which
/// [`Decimal::parse`] then reads exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Number(pub Decimal);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;

        impl Visitor<'_> for NumberVisitor {
            type Value = Number;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number such as 70, 69.4 or 99.41")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(Decimal::from_int(v)))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                i64::try_from(v)
                    .map(|v| Number(Decimal::from_int(v)))
                    .map_err(|_| E::custom(format!("{v} is too large")))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                if !v.is_finite() {
                    return Err(E::custom(format!("{v} is not a number the bulletin can print")));
                }
                self.visit_str(&format!("{v}"))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
                let digits = v.trim().trim_end_matches('%');
                Decimal::parse(digits).map(Number).ok_or_else(|| {
                    E::custom(format!(
                        "`{v}` is not a plain decimal number (expected digits with at most one `.`, \
                         at most 6 decimals, half-width characters, e.g. 99.41)"
                    ))
                })
            }
        }

        deserializer.deserialize_any(NumberVisitor)
    }
}
