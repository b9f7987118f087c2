//! Derive every printed figure from a validated [`Month`]: rates, ranks,
//! sums, shares and the selected lists. Pure: no I/O, no clock.
//!
//! Rates are strings already rounded under the month's [`FigureRules`]
//! (e.g. `"96.23"`), or `None` where the denominator is zero; the layout adds
//! the `%` sign and prints "—" for `None`. Nothing downstream computes.

use std::cmp::{Ordering, Reverse};
use std::collections::BTreeMap;

use serde::Serialize;

use crate::month::{Month, Unit, UnitRef};
use crate::number::{competition_ranks, Decimal};

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
    pub blocks: Vec<crate::case::Block>,
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

/// Compares `a.0 / a.1` with `b.0 / b.1` exactly (denominators non-zero).
fn cmp_fraction(a: (u32, u32), b: (u32, u32)) -> Ordering {
    (u64::from(a.0) * u64::from(b.1)).cmp(&(u64::from(b.0) * u64::from(a.1)))
}

/// Whether `numerator / denominator` (as a percentage) is below `threshold`.
fn percent_below(numerator: u32, denominator: u32, threshold: Decimal) -> bool {
    threshold.cmp_ratio(u64::from(numerator) * 100, u64::from(denominator)) == Ordering::Greater
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

pub fn derive(month: &Month) -> Figures {
    let rules = &month.rules;
    let fig = &rules.figures;

    // City table: our district first, then the others by satisfaction.
    let satisfaction: Vec<Decimal> = month.city_table.iter().map(|d| d.satisfaction).collect();
    let scores: Vec<Decimal> = month.city_table.iter().map(|d| d.score).collect();
    let satisfaction_ranks = competition_ranks(&satisfaction);
    let score_ranks = competition_ranks(&scores);
    let mut city_order: Vec<usize> = (0..month.city_table.len()).collect();
    city_order.sort_by_key(|&i| (i != month.own_district, Reverse(satisfaction[i])));
    let city_table = city_order
        .iter()
        .map(|&i| {
            let d = &month.city_table[i];
            CityRow {
                name: d.name.clone(),
                tickets: d.tickets,
                satisfaction: fig.city_satisfaction.show(d.satisfaction),
                satisfaction_rank: satisfaction_ranks[i],
                score: fig.city_score.show(d.score),
                score_rank: score_ranks[i],
                own: i == month.own_district,
            }
        })
        .collect();

    // Appendix: each group by score.
    let orders: Vec<Vec<(usize, usize)>> = month.groups.iter().map(|g| group_order(&g.units)).collect();
    let appendix = month
        .groups
        .iter()
        .zip(&orders)
        .map(|(group, order)| AppendixGroup {
            name: group.name.clone(),
            rows: order.iter().map(|&(i, rank)| appendix_row(month, &group.units[i], rank)).collect(),
        })
        .collect();

    // Well-performing units: full marks, every follow-up satisfied, enough
    // tickets. Groups in the configured order, units in appendix order.
    let mut group_sequence: Vec<usize> = rules
        .well_performing_group_order
        .iter()
        .filter_map(|name| month.groups.iter().position(|g| &g.name == name))
        .collect();
    let unnamed: Vec<usize> = (0..month.groups.len()).filter(|g| !group_sequence.contains(g)).collect();
    group_sequence.extend(unnamed);
    let well_performing = group_sequence
        .iter()
        .flat_map(|&g| orders[g].iter().map(move |&(i, _)| UnitRef { group: g, unit: i }))
        .map(|at| month.unit(at))
        .filter(|u| {
            u.score == rules.full_marks
                && u.visited > 0
                && u.satisfied == u.visited
                && u.signed >= rules.well_performing_min_signed
        })
        .map(|u| u.name.clone())
        .collect();

    // Units under the satisfaction threshold (with follow-ups to judge by).
    let district_unsatisfied: u64 = month.units().map(|(_, u)| u64::from(u.unsatisfied())).sum();
    let below: Vec<&Unit> = month
        .units()
        .map(|(_, u)| u)
        .filter(|u| u.visited > 0 && percent_below(u.satisfied, u.visited, rules.satisfaction_threshold))
        .collect();

    // Those that cost the district points: most unsatisfied first, then the
    // highest share of their own tickets.
    let mut cost: Vec<&Unit> = below.iter().copied().filter(|u| u.unsatisfied() > 0).collect();
    cost.sort_by(|a, b| {
        b.unsatisfied()
            .cmp(&a.unsatisfied())
            .then_with(|| cmp_fraction((b.unsatisfied(), b.signed.max(1)), (a.unsatisfied(), a.signed.max(1))))
    });
    let cost_points = cost
        .iter()
        .map(|u| CostRow {
            name: u.name.clone(),
            unsatisfied: u.unsatisfied(),
            ratio: fig.unsatisfied_ratio.percent(u64::from(u.unsatisfied()), u64::from(u.signed)),
            share: fig.unsatisfied_share.percent(u64::from(u.unsatisfied()), district_unsatisfied),
        })
        .collect();

    // The under-threshold table: highest satisfaction first.
    let mut low = below.clone();
    low.sort_by(|a, b| cmp_fraction((b.satisfied, b.visited), (a.satisfied, a.visited)));
    let low_satisfaction = low
        .iter()
        .map(|u| LowSatisfactionRow {
            name: u.name.clone(),
            signed: u.signed,
            visited: u.visited,
            unsatisfied: u.unsatisfied(),
            satisfaction: fig.low_satisfaction.percent(u64::from(u.satisfied), u64::from(u.visited)),
        })
        .collect();

    // Ticket categories: the largest first.
    let mut categories = month.categories.clone();
    categories.sort_by_key(|c| Reverse(c.count));
    let top_categories = categories
        .iter()
        .take(rules.top_categories)
        .map(|c| CountRow { name: c.name.clone(), count: c.count })
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
    let mut topic_categories = topic.categories.clone();
    topic_categories.sort_by_key(|c| Reverse(c.count));
    let topic = TopicFigures {
        title: topic.title.clone(),
        label: topic.label.clone(),
        theme: topic.theme.clone(),
        received: month.city_table[month.own_district].tickets,
        completed: month.completed,
        tickets: topic.tickets,
        share: fig.topic_share.percent(u64::from(topic.tickets), u64::from(month.completed)),
        unsatisfied: topic.unsatisfied,
        satisfaction: fig
            .topic_satisfaction
            .percent(u64::from(topic.tickets.saturating_sub(topic.unsatisfied)), u64::from(topic.tickets)),
        natures: topic.natures.iter().map(|c| CountRow { name: c.name.clone(), count: c.count }).collect(),
        categories: topic_categories
            .iter()
            .take(rules.topic_top_categories)
            .map(|c| ShareRow {
                name: c.name.clone(),
                count: c.count,
                share: fig.topic_category_share.percent(u64::from(c.count), u64::from(topic.tickets)),
            })
            .collect(),
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
        own_satisfaction_rank: satisfaction_ranks[month.own_district],
        own_score_rank: score_ranks[month.own_district],
        criteria: Criteria {
            full_marks: fig.unit_score.show(rules.full_marks),
            min_signed: rules.well_performing_min_signed,
            satisfaction_threshold: rules.satisfaction_threshold.to_string(),
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

/// The name a source file is attached under: `cases/01-x.txt` → `cases-01-x.txt`.
pub fn source_name(path: &str) -> String {
    path.replace('/', "-")
}

fn appendix_row(month: &Month, u: &Unit, rank: usize) -> AppendixRow {
    let fig = &month.rules.figures;
    AppendixRow {
        id: u.id.clone(),
        name: u.short.clone(),
        signed: u.signed,
        late_signed: u.late_signed,
        late_returned: u.late_returned,
        return_rejected: u.return_rejected,
        completed: u.completed,
        late_completed: u.late_completed,
        on_time_rate: fig
            .on_time_rate
            .percent(u64::from(u.completed.saturating_sub(u.late_completed)), u64::from(u.completed)),
        extension_rejected: u.extension_rejected,
        redone: u.redone,
        visited: u.visited,
        satisfied: u.satisfied,
        satisfaction: fig.satisfaction.percent(u64::from(u.satisfied), u64::from(u.visited)),
        extension_rate: fig.unit_input_rate.show(u.extension_rate),
        repeat_rate: fig.unit_input_rate.show(u.repeat_rate),
        score: fig.unit_score.show(u.score),
        rank,
    }
}
