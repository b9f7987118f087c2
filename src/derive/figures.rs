//! Derive every printed figure from a validated [`Month`]: rates, ranks,
//! sums, shares and the selected lists. Pure: no I/O, no clock.
//!
//! Rates are strings already rounded under the month's [`FigureRules`]
//! (e.g. `"96.23"`), or `None` where the denominator is zero; the layout adds
//! the `%` sign and prints "—" for `None`. Nothing downstream computes.

use crate::derive::engine;
use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::definition::{Definition, ParamValue, RuleRef, ScopeKey};
use crate::month::types::{Month, Unit, UnitRef};
use crate::number::{competition_ranks, Decimal, Ratio};

#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    pub period: PeriodFigures,
    pub district: String,
    pub city: String,
    pub city_scope: String,
    /// The complete sign-off record, or none for a draft.
    pub signoff: Option<SignoffFigures>,
    /// A draft (征求意见稿): no complete sign-off record.
    pub draft: bool,
    /// The names of the month's source files, attached to the PDF as
    /// `/source/<name>` (`cases/` flattened to `cases-`).
    pub sources: Vec<String>,
    pub attachment: String,
    pub appendix_title: String,
    pub city_table: Vec<CityRow>,
    /// Our district's ranks in the city table.
    pub own_satisfaction_rank: usize,
    pub own_score_rank: usize,
    pub criteria: Criteria,
    /// Full names of the well-performing units, in list order.
    pub well_performing: Vec<String>,
    pub cost_points: Vec<CostRow>,
    pub low_satisfaction: Vec<LowSatisfactionRow>,
    pub district_unsatisfied: u64,
    pub top_categories: Vec<CountRow>,
    pub business: Vec<BusinessRow>,
    pub topic: TopicFigures,
    pub cases: Vec<CaseFigures>,
    pub appendix: Vec<AppendixGroup>,
    /// Narrative sentences, filled in by `narrative` from these figures.
    pub text: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PeriodFigures {
    pub year: i32,
    pub month: u8,
    /// `2020-03`
    pub key: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SignoffFigures {
    pub issuer: String,
    pub approved_by: String,
    pub date: DateFigures,
}

#[derive(Clone, Debug, Serialize)]
pub struct DateFigures {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    /// `2020-04-17`
    pub iso: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CityRow {
    pub name: String,
    pub tickets: u32,
    pub satisfaction: String,
    pub satisfaction_rank: usize,
    pub score: String,
    pub score_rank: usize,
    pub own: bool,
}

/// The thresholds behind the lists, as printed in their headings.
#[derive(Clone, Debug, Serialize)]
pub struct Criteria {
    pub full_marks: String,
    pub min_signed: u32,
    pub satisfaction_threshold: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CostRow {
    pub name: String,
    pub unsatisfied: u32,
    /// Unsatisfied / signed.
    pub ratio: Option<String>,
    /// Unsatisfied / the district's unsatisfied.
    pub share: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LowSatisfactionRow {
    pub name: String,
    pub signed: u32,
    pub visited: u32,
    pub unsatisfied: u32,
    pub satisfaction: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CountRow {
    pub name: String,
    pub count: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct BusinessRow {
    pub kind: String,
    pub count: usize,
    /// Full names, each once, in the order first named.
    pub units: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TopicFigures {
    pub title: String,
    pub label: String,
    pub theme: String,
    /// Tickets the district received this month (our row of the city table).
    pub received: u32,
    /// Tickets the district completed this month.
    pub completed: u32,
    pub tickets: u32,
    /// Topic tickets / completed.
    pub share: Option<String>,
    pub unsatisfied: u32,
    pub satisfaction: Option<String>,
    pub natures: Vec<CountRow>,
    pub categories: Vec<ShareRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ShareRow {
    pub name: String,
    pub count: u32,
    pub share: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CaseFigures {
    pub title: String,
    pub blocks: Vec<crate::month::case::Block>,
    /// Full names of the units the case involves.
    pub units: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AppendixGroup {
    pub name: String,
    pub rows: Vec<AppendixRow>,
}

/// One unit's row of the appendix, in the appendix's column order.
#[derive(Clone, Debug, Serialize)]
pub struct AppendixRow {
    pub id: String,
    pub name: String,
    pub signed: u32,
    pub late_signed: u32,
    pub late_returned: u32,
    pub return_rejected: u32,
    pub completed: u32,
    pub late_completed: u32,
    pub on_time_rate: Option<String>,
    pub extension_rejected: u32,
    pub redone: u32,
    pub visited: u32,
    pub satisfied: u32,
    pub satisfaction: Option<String>,
    pub extension_rate: String,
    pub repeat_rate: String,
    pub score: String,
    pub rank: usize,
}

/// Units of one group in appendix order: by score, highest first; ties keep
/// the order of units.yaml. Returns the unit indices and their ranks.
pub fn group_order(units: &[Unit]) -> Vec<(usize, usize)> {
    let scores: Vec<Decimal> = units.iter().map(|u| u.score).collect();
    let ranks = competition_ranks(&scores);
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&i| Reverse(scores[i]));
    order.into_iter().map(|i| (i, ranks[i])).collect()
}

/// The engine's view of a month: its raw figures by the names the office
/// definition gives them.
pub fn engine_input(month: &Month) -> engine::Input {
    let int = |n: u32| Some(Ratio::int(i64::from(n)));
    let dec = |d: Decimal| Some(Ratio::from_decimal(d));
    let record = |pairs: Vec<(&str, engine::Value)>| -> engine::Record {
        pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    };
    let counts = |items: &[crate::month::types::Count]| -> Vec<engine::Item> {
        items
            .iter()
            .map(|c| engine::Item {
                name: c.name.clone(),
                values: record(vec![("count", int(c.count))]),
                texts: BTreeMap::new(),
            })
            .collect()
    };
    let units = month
        .units()
        .map(|(at, u)| engine::Unit {
            id: u.id.clone(),
            name: u.name.clone(),
            short: u.short.clone(),
            group: at.group,
            values: record(vec![
                ("signed", int(u.signed)),
                ("late_signed", int(u.late_signed)),
                ("late_returned", int(u.late_returned)),
                ("return_rejected", int(u.return_rejected)),
                ("completed", int(u.completed)),
                ("late_completed", int(u.late_completed)),
                ("extension_rejected", int(u.extension_rejected)),
                ("redone", int(u.redone)),
                ("visited", int(u.visited)),
                ("satisfied", int(u.satisfied)),
                ("extension_rate", dec(u.extension_rate)),
                ("repeat_rate", dec(u.repeat_rate)),
                ("score", dec(u.score)),
            ]),
            texts: BTreeMap::new(),
        })
        .collect();
    let city = month
        .city_table
        .iter()
        .map(|d| engine::Item {
            name: d.name.clone(),
            values: record(vec![
                ("tickets", int(d.tickets)),
                ("satisfaction", dec(d.satisfaction)),
                ("score", dec(d.score)),
            ]),
            texts: BTreeMap::new(),
        })
        .collect();
    let mut lists = BTreeMap::new();
    lists.insert("city".to_owned(), city);
    lists.insert("categories".to_owned(), counts(&month.categories));
    lists.insert("topic_natures".to_owned(), counts(&month.topic.natures));
    lists.insert("topic_categories".to_owned(), counts(&month.topic.categories));
    engine::Input {
        office: record(vec![
            ("completed", int(month.completed)),
            ("topic_tickets", int(month.topic.tickets)),
            ("topic_unsatisfied", int(month.topic.unsatisfied)),
        ]),
        office_texts: BTreeMap::new(),
        groups: month.groups.iter().map(|g| g.name.clone()).collect(),
        units,
        lists,
        params: month.rules.given_params.clone(),
        rules: month.rules.given_figures.clone(),
        incomplete: Default::default(),
    }
}

/// The engine's figures of a month, read by name.
struct Evaluated<'a> {
    definition: &'a Definition,
    input: engine::Input,
    out: engine::Output,
}

impl Evaluated<'_> {
    fn unit_text(&self, unit: usize, name: &str) -> Option<String> {
        self.out.shown(self.definition, &self.input, &ScopeKey::Unit, &self.out.units[unit], name)
    }

    fn item_text(&self, list: &str, item: usize, name: &str) -> Option<String> {
        let record = &self.out.lists[list][item];
        self.out.shown(self.definition, &self.input, &ScopeKey::List(list.to_owned()), record, name)
    }

    fn office_text(&self, name: &str) -> Option<String> {
        self.out.shown(self.definition, &self.input, &ScopeKey::Office, &self.out.office, name)
    }

    fn whole(value: Option<&engine::Value>) -> u64 {
        value.copied().flatten().and_then(Ratio::to_integer).map_or(0, |n| u64::try_from(n).unwrap_or(0))
    }

    fn unit_whole(&self, unit: usize, name: &str) -> u64 {
        Self::whole(self.out.units[unit].get(name))
    }

    fn item_whole(&self, list: &str, item: usize, name: &str) -> u64 {
        Self::whole(self.out.lists[list][item].get(name))
    }

    fn selection(&self, name: &str) -> &[usize] {
        self.out.selections.get(name).map_or(&[], Vec::as_slice)
    }
}

pub fn derive(month: &Month) -> Figures {
    let definition = &*month.definition;
    let input = engine_input(month);
    // The month was validated: every count is in range, so the only
    // failure left is a figure beyond i128, which no month of counts reaches.
    let out = engine::evaluate(definition, &input).unwrap_or_default();
    let e = Evaluated { definition, input, out };
    let rule = |name: &str| definition.rule(&RuleRef::Named(name.to_owned()), &e.input.rules);

    // City table: our district first, then the others by satisfaction.
    let satisfaction: Vec<Decimal> = month.city_table.iter().map(|d| d.satisfaction).collect();
    let mut city_order: Vec<usize> = (0..month.city_table.len()).collect();
    city_order.sort_by_key(|&i| (i != month.own_district, Reverse(satisfaction[i])));
    let city_rank = |i: usize, name: &str| e.item_whole("city", i, name) as usize;
    let city_table = city_order
        .iter()
        .map(|&i| {
            let d = &month.city_table[i];
            CityRow {
                name: d.name.clone(),
                tickets: d.tickets,
                satisfaction: e.item_text("city", i, "satisfaction").unwrap_or_default(),
                satisfaction_rank: city_rank(i, "satisfaction_rank"),
                score: e.item_text("city", i, "score").unwrap_or_default(),
                score_rank: city_rank(i, "score_rank"),
                own: i == month.own_district,
            }
        })
        .collect();

    // Units by their index in the engine (groups in file order).
    let flat: Vec<(UnitRef, &Unit)> = month.units().collect();
    let index_of = |at: UnitRef| flat.iter().position(|(r, _)| *r == at).unwrap_or(0);

    // Appendix: each group by score.
    let appendix = month
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| AppendixGroup {
            name: group.name.clone(),
            rows: group_order(&group.units)
                .iter()
                .map(|&(i, _)| appendix_row(&e, index_of(UnitRef { group: g, unit: i }), &group.units[i]))
                .collect(),
        })
        .collect();

    let well_performing = e.selection("well_performing").iter().map(|&i| flat[i].1.name.clone()).collect();
    let cost_points = e
        .selection("cost_points")
        .iter()
        .map(|&i| CostRow {
            name: flat[i].1.name.clone(),
            unsatisfied: e.unit_whole(i, "unsatisfied") as u32,
            ratio: e.unit_text(i, "unsatisfied_ratio"),
            share: e.unit_text(i, "unsatisfied_share"),
        })
        .collect();
    let low_satisfaction = e
        .selection("low_satisfaction")
        .iter()
        .map(|&i| LowSatisfactionRow {
            name: flat[i].1.name.clone(),
            signed: flat[i].1.signed,
            visited: flat[i].1.visited,
            unsatisfied: e.unit_whole(i, "unsatisfied") as u32,
            satisfaction: e.unit_text(i, "low_satisfaction"),
        })
        .collect();
    let district_unsatisfied = Evaluated::whole(e.out.office.get("unsatisfied"));

    let top_categories = e
        .selection("top_categories")
        .iter()
        .map(|&i| CountRow { name: month.categories[i].name.clone(), count: month.categories[i].count })
        .collect();

    // Business-environment tickets, grouped by type in first-seen order.
    let mut business: Vec<BusinessRow> = Vec::new();
    for ticket in &month.business {
        let name = month.unit(ticket.unit).name.clone();
        let row = match business.iter_mut().position(|r| r.kind == ticket.kind) {
            Some(i) => &mut business[i],
            None => {
                business.push(BusinessRow { kind: ticket.kind.clone(), count: 0, units: Vec::new() });
                business.last_mut().expect("just pushed")
            }
        };
        row.count += 1;
        if !row.units.contains(&name) {
            row.units.push(name);
        }
    }

    let topic = &month.topic;
    let topic = TopicFigures {
        title: topic.title.clone(),
        label: topic.label.clone(),
        theme: topic.theme.clone(),
        received: month.city_table[month.own_district].tickets,
        completed: month.completed,
        tickets: topic.tickets,
        share: e.office_text("topic_share"),
        unsatisfied: topic.unsatisfied,
        satisfaction: e.office_text("topic_satisfaction"),
        natures: topic.natures.iter().map(|c| CountRow { name: c.name.clone(), count: c.count }).collect(),
        categories: e
            .selection("topic_top_categories")
            .iter()
            .map(|&i| ShareRow {
                name: topic.categories[i].name.clone(),
                count: e.item_whole("topic_categories", i, "count") as u32,
                share: e.item_text("topic_categories", i, "share"),
            })
            .collect(),
    };

    let param = |name: &str| match definition.param(name, &e.input.params) {
        Some(ParamValue::Number(n)) => *n,
        _ => Decimal::from_int(0),
    };
    Figures {
        period: PeriodFigures {
            year: month.period.year,
            month: month.period.month,
            key: format!("{:04}-{:02}", month.period.year, month.period.month),
        },
        district: month.district.clone(),
        city: month.city.clone(),
        city_scope: month.city_scope.clone(),
        signoff: month.signoff.complete().map(|(issuer, date, approved_by)| SignoffFigures {
            issuer: issuer.to_owned(),
            approved_by: approved_by.to_owned(),
            date: DateFigures {
                year: date.year,
                month: date.month,
                day: date.day,
                iso: format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
            },
        }),
        draft: month.signoff.complete().is_none(),
        sources: month.sources.iter().map(|(name, _)| source_name(name)).collect(),
        attachment: month.attachment.clone(),
        appendix_title: month.appendix_title.clone(),
        city_table,
        own_satisfaction_rank: city_rank(month.own_district, "satisfaction_rank"),
        own_score_rank: city_rank(month.own_district, "score_rank"),
        criteria: Criteria {
            full_marks: rule("unit_score").show(param("full_marks")),
            min_signed: param_count(param("well_performing_min_signed")),
            satisfaction_threshold: param("satisfaction_threshold").to_string(),
        },
        well_performing,
        cost_points,
        low_satisfaction,
        district_unsatisfied,
        top_categories,
        business,
        topic,
        cases: month
            .cases
            .iter()
            .map(|c| CaseFigures {
                title: c.title.clone(),
                blocks: c.blocks.clone(),
                units: c.units.iter().map(|&at| month.unit(at).name.clone()).collect(),
            })
            .collect(),
        appendix,
        text: BTreeMap::new(),
    }
}

/// A count parameter as the heading prints it (the definition checked
/// that a count is whole).
fn param_count(value: Decimal) -> u32 {
    Ratio::from_decimal(value).to_integer().and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
}

/// The name a source file is attached under: `cases/01-x.txt` → `cases-01-x.txt`.
pub fn source_name(path: &str) -> String {
    path.replace('/', "-")
}

fn appendix_row(e: &Evaluated, i: usize, u: &Unit) -> AppendixRow {
    AppendixRow {
        id: u.id.clone(),
        name: u.short.clone(),
        signed: u.signed,
        late_signed: u.late_signed,
        late_returned: u.late_returned,
        return_rejected: u.return_rejected,
        completed: u.completed,
        late_completed: u.late_completed,
        on_time_rate: e.unit_text(i, "on_time_rate"),
        extension_rejected: u.extension_rejected,
        redone: u.redone,
        visited: u.visited,
        satisfied: u.satisfied,
        satisfaction: e.unit_text(i, "satisfaction"),
        extension_rate: e.unit_text(i, "extension_rate").unwrap_or_default(),
        repeat_rate: e.unit_text(i, "repeat_rate").unwrap_or_default(),
        score: e.unit_text(i, "score").unwrap_or_default(),
        rank: e.unit_whole(i, "rank") as usize,
    }
}
