//! A longer period's raw figures made from its months' (a quarter's, a
//! year's): each measure aggregated by its declared rule — counts summed,
//! scores averaged exactly, texts taken from the last month — so that the
//! engine then derives every rate, share and rank afresh from the summed
//! counts, never from an average of monthly percentages.
//!
//! Each month was read under its own definition. A measure is aggregated
//! only over months whose definitions declare it alike (same scope, kind
//! and channel split); where one does not, the period's figure has no
//! value and a [`Gap`] names the months.

use std::collections::{BTreeMap, BTreeSet};

use crate::definition::{Aggregate, Definition, Measure, ScopeKey};
use crate::month::types::Period;
use crate::number::Ratio;

use super::engine::{Input, Item, Overflow, Record, Unit};

/// One month of the period: its raw figures and the definition it was
/// read under.
#[derive(Clone, Copy)]
pub struct Month<'a> {
    pub period: Period,
    pub input: &'a Input,
    pub definition: &'a Definition,
}

/// The period's raw figures, and what they could not hold.
#[derive(Clone, Debug, Default)]
pub struct Aggregated {
    pub input: Input,
    /// The months each unit (by id) is present in, for the units present
    /// in fewer than all: their figures cover only those months.
    pub partial: BTreeMap<String, Vec<Period>>,
    pub gaps: Vec<Gap>,
}

/// A measure the period's definition declares but some months' definitions
/// declare otherwise, or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub scope: ScopeKey,
    pub figure: String,
    /// The months whose definitions differ.
    pub months: Vec<Period>,
}

/// The raw figures of `months` (in order, oldest first) as one period's,
/// under `definition` (the period's own).
pub fn aggregate(definition: &Definition, months: &[Month]) -> Result<Aggregated, Overflow> {
    let mut out = Aggregated::default();
    let Some(last) = months.last() else { return Ok(out) };
    // Which months can be aggregated, measure by measure.
    let mut alike: BTreeMap<(ScopeKey, &str), Vec<bool>> = BTreeMap::new();
    for (key, scope) in &definition.scopes {
        for (name, measure) in &scope.measures {
            let flags: Vec<bool> = months.iter().map(|m| same_measure(m.definition, key, name, measure)).collect();
            let differ: Vec<Period> =
                months.iter().zip(&flags).filter(|(_, ok)| !**ok).map(|(m, _)| m.period).collect();
            if !differ.is_empty() {
                out.gaps.push(Gap { scope: key.clone(), figure: name.clone(), months: differ });
            }
            alike.insert((key.clone(), name.as_str()), flags);
        }
    }
    let usable = |key: &ScopeKey, name: &str, month: usize| alike.get(&(key.clone(), name)).is_some_and(|f| f[month]);

    // The office.
    let office: Vec<(usize, &Record, &BTreeMap<String, String>)> =
        months.iter().enumerate().map(|(i, m)| (i, &m.input.office, &m.input.office_texts)).collect();
    (out.input.office, out.input.office_texts) = member(definition, &ScopeKey::Office, &office, &usable)?;

    // The units, by id: the last month's groups and order first, then those
    // only earlier months have, as they last stood.
    let mut groups: Vec<String> = Vec::new();
    let mut order: Vec<(String, Vec<String>)> = Vec::new();
    let mut latest: BTreeMap<&str, &Unit> = BTreeMap::new();
    for month in months.iter().rev() {
        for group in &month.input.groups {
            if !groups.contains(group) {
                groups.push(group.clone());
                order.push((group.clone(), Vec::new()));
            }
        }
        for unit in &month.input.units {
            if latest.contains_key(unit.id.as_str()) {
                continue;
            }
            latest.insert(&unit.id, unit);
            let group = &month.input.groups[unit.group];
            if let Some((_, ids)) = order.iter_mut().find(|(g, _)| g == group) {
                ids.push(unit.id.clone());
            }
        }
    }
    for (group_index, (_, ids)) in order.iter().enumerate() {
        for id in ids {
            let present: Vec<(usize, &Record, &BTreeMap<String, String>)> = months
                .iter()
                .enumerate()
                .filter_map(|(i, m)| m.input.units.iter().find(|u| &u.id == id).map(|u| (i, &u.values, &u.texts)))
                .collect();
            if present.len() < months.len() {
                out.partial.insert(id.clone(), present.iter().map(|(i, ..)| months[*i].period).collect());
            }
            let (values, texts) = member(definition, &ScopeKey::Unit, &present, &usable)?;
            let unit = latest[id.as_str()];
            out.input.units.push(Unit {
                id: id.clone(),
                name: unit.name.clone(),
                short: unit.short.clone(),
                group: group_index,
                values,
                texts,
            });
        }
    }
    out.input.groups = groups;

    // The lists: named items by name (the last month's order first);
    // unnamed ones, each a line of its own, one month after another.
    let names: BTreeSet<&String> = months.iter().flat_map(|m| m.input.lists.keys()).collect();
    for list in names {
        let key = ScopeKey::List(list.clone());
        let mut items = Vec::new();
        if definition.unnamed.contains(list) {
            for (i, month) in months.iter().enumerate() {
                for item in month.input.lists.get(list).into_iter().flatten() {
                    let (values, texts) = member(definition, &key, &[(i, &item.values, &item.texts)], &usable)?;
                    items.push(Item { name: item.name.clone(), values, texts });
                }
            }
        } else {
            let mut seen: Vec<&str> = Vec::new();
            for month in months.iter().rev() {
                for item in month.input.lists.get(list).into_iter().flatten() {
                    if !seen.contains(&item.name.as_str()) {
                        seen.push(&item.name);
                    }
                }
            }
            for name in seen {
                let present: Vec<(usize, &Record, &BTreeMap<String, String>)> = months
                    .iter()
                    .enumerate()
                    .filter_map(|(i, m)| {
                        let item = m.input.lists.get(list)?.iter().find(|item| item.name == name)?;
                        Some((i, &item.values, &item.texts))
                    })
                    .collect();
                let (values, texts) = member(definition, &key, &present, &usable)?;
                items.push(Item { name: name.to_owned(), values, texts });
            }
        }
        out.input.lists.insert(list.clone(), items);
    }

    // The last month's overrides of parameters and rules hold for the period.
    out.input.params = last.input.params.clone();
    out.input.rules = last.input.rules.clone();
    out.input.incomplete = months.iter().flat_map(|m| m.input.incomplete.iter().cloned()).collect();
    Ok(out)
}

/// Whether `definition` (a month's) declares measure `name` of `scope` as
/// `measure` (the period's definition's) does.
fn same_measure(definition: &Definition, scope: &ScopeKey, name: &str, measure: &Measure) -> bool {
    let theirs = definition.scopes.get(scope).and_then(|s| s.measures.get(name));
    theirs.is_some_and(|m| m.kind == measure.kind && m.by_channels == measure.by_channels)
}

type Usable<'a> = dyn Fn(&ScopeKey, &str, usize) -> bool + 'a;

/// One member's measures over the months it is present in (month index,
/// values, texts): each by its rule, over the months where it is typed.
fn member(
    definition: &Definition,
    key: &ScopeKey,
    present: &[(usize, &Record, &BTreeMap<String, String>)],
    usable: &Usable,
) -> Result<(Record, BTreeMap<String, String>), Overflow> {
    let mut values = Record::new();
    let mut texts = BTreeMap::new();
    let Some(scope) = definition.scopes.get(key) else { return Ok((values, texts)) };
    for (name, measure) in &scope.measures {
        let months = present.iter().filter(|(i, ..)| usable(key, name, *i));
        if measure.kind.is_text() {
            let text = months.filter_map(|(_, _, t)| t.get(name)).next_back();
            if let Some(text) = text {
                texts.insert(name.clone(), text.clone());
            }
            continue;
        }
        let mut names = vec![name.clone()];
        if measure.by_channels {
            names.extend(definition.channels.iter().map(|(code, _)| format!("{name}.{code}")));
        }
        // A month that lacks a measure's value (an optional one left out)
        // adds nothing, and a period none of whose months has it has none.
        let complete = present.iter().all(|(i, ..)| usable(key, name, *i));
        for figure in names {
            let typed: Vec<Ratio> =
                months.clone().filter_map(|(_, record, _)| record.get(&figure).copied().flatten()).collect();
            let value = if complete { combine(measure.aggregate, &typed, &key.qualify(&figure))? } else { None };
            values.insert(figure, value);
        }
    }
    Ok((values, texts))
}

/// The months' values made one by `how`; `None` when there are none.
fn combine(how: Aggregate, values: &[Ratio], figure: &str) -> Result<Option<Ratio>, Overflow> {
    let overflow = || Overflow { figure: figure.to_owned() };
    let sum = || values.iter().try_fold(Ratio::ZERO, |sum, v| sum.checked_add(*v)).ok_or_else(overflow);
    Ok(match how {
        _ if values.is_empty() => None,
        Aggregate::Sum => Some(sum()?),
        Aggregate::Mean => {
            let count = Ratio::int(values.len() as i64);
            sum()?.checked_div(count).ok_or_else(overflow)?
        }
        Aggregate::Last => values.last().copied(),
        Aggregate::Min => values.iter().min().copied(),
        Aggregate::Max => values.iter().max().copied(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::engine::evaluate;

    const DEFINITION: &str = "\
office: { name: 某区热线办, district: 某区, city: 某市 }
channels: { hotline: 12345热线, web: 网络 }
measures:
  office:
    received: { label: 受理, kind: count, by: channels }
    grade: { label: 等级, kind: text }
  unit:
    visited: { label: 回访, kind: count }
    satisfied: { label: 满意, kind: count }
    score: { label: 得分, kind: score }
    floor: { label: 最低分, kind: score, aggregate: min }
derived:
  unit:
    satisfaction: { label: 满意率, percent: satisfied / visited, rule: half_up 2 }
groups: [{ name: 街道 }]
";

    fn definition(text: &str) -> Definition {
        let loaded = crate::definition::from_bytes(std::path::Path::new("bulletin.yaml"), text.as_bytes());
        loaded.definition.unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
    }

    fn n(value: i64) -> Option<Ratio> {
        Some(Ratio::int(value))
    }

    fn unit(id: &str, visited: i64, satisfied: i64, score: i64) -> Unit {
        let values = [("visited", n(visited)), ("satisfied", n(satisfied)), ("score", n(score)), ("floor", n(score))];
        Unit {
            id: id.into(),
            name: format!("{id}街道"),
            short: id.into(),
            group: 0,
            values: values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            texts: BTreeMap::new(),
        }
    }

    fn month(received: (i64, i64), grade: &str, units: Vec<Unit>) -> Input {
        let office = [
            ("received", n(received.0 + received.1)),
            ("received.hotline", n(received.0)),
            ("received.web", n(received.1)),
        ];
        Input {
            office: office.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            office_texts: [("grade".to_owned(), grade.to_owned())].into(),
            groups: vec!["街道".into()],
            units,
            ..Input::default()
        }
    }

    fn p(month: u8) -> Period {
        Period { year: 2020, month }
    }

    #[test]
    fn counts_sum_rates_recompute_scores_average() {
        let d = definition(DEFINITION);
        let inputs = [
            month((100, 20), "B", vec![unit("a", 10, 9, 90), unit("b", 3, 3, 100)]),
            month((50, 30), "A", vec![unit("a", 30, 29, 97), unit("b", 1, 0, 95)]),
            month((7, 0), "A", vec![unit("b", 2, 1, 80), unit("c", 4, 4, 99)]),
        ];
        let months: Vec<Month> = inputs
            .iter()
            .enumerate()
            .map(|(i, input)| Month { period: p(i as u8 + 1), input, definition: &d })
            .collect();
        let out = aggregate(&d, &months).unwrap();
        assert!(out.gaps.is_empty(), "{:?}", out.gaps);
        let office = &out.input.office;
        assert_eq!(office["received"], n(207));
        assert_eq!(office["received.hotline"], n(157));
        assert_eq!(office["received.web"], n(50));
        assert_eq!(out.input.office_texts["grade"], "A", "a text is the last month's");
        // The last month's order first (b, c), then a, which only earlier
        // months have.
        let ids: Vec<&str> = out.input.units.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "a"]);
        let [b, c, a] = [0, 1, 2].map(|i| &out.input.units[i].values);
        assert_eq!((a["visited"], a["satisfied"]), (n(40), n(38)));
        assert_eq!(b["score"], Ratio::new(275, 3), "the exact mean of 100, 95 and 80");
        assert_eq!(b["floor"], n(80));
        assert_eq!(c["score"], n(99));
        assert_eq!(out.partial.get("a"), Some(&vec![p(1), p(2)]));
        assert_eq!(out.partial.get("c"), Some(&vec![p(3)]));
        assert!(!out.partial.contains_key("b"));
        // The rate of the period is that of the summed counts: 38/40 = 95%,
        // not the mean of 90% and 96.67%.
        let derived = evaluate(&d, &out.input).unwrap();
        assert_eq!(derived.units[2]["satisfaction"], Ratio::new(95, 1));
        assert_eq!(derived.units[0]["satisfaction"], Ratio::new(400, 6), "4 of 6 for b");
    }

    #[test]
    fn a_measure_declared_otherwise_in_a_month_is_a_gap() {
        let now = definition(DEFINITION);
        let before = definition(&DEFINITION.replace("    score: { label: 得分, kind: score }\n", ""));
        let inputs = [month((1, 1), "A", vec![unit("a", 1, 1, 90)]), month((2, 2), "A", vec![unit("a", 2, 2, 80)])];
        let months = [
            Month { period: p(1), input: &inputs[0], definition: &before },
            Month { period: p(2), input: &inputs[1], definition: &now },
        ];
        let out = aggregate(&now, &months).unwrap();
        assert_eq!(out.gaps, vec![Gap { scope: ScopeKey::Unit, figure: "score".into(), months: vec![p(1)] }]);
        assert_eq!(out.input.units[0].values["score"], None, "no value made from one month of two");
        assert_eq!(out.input.units[0].values["visited"], n(3));
    }

    #[test]
    fn a_percentage_that_sums_and_a_text_that_averages_are_refused() {
        let text = DEFINITION
            .replace("kind: text }", "kind: text, aggregate: mean }")
            .replace("    floor:", "    rate: { label: 率, kind: percent, aggregate: sum }\n    floor:");
        let loaded = crate::definition::from_bytes(std::path::Path::new("bulletin.yaml"), text.as_bytes());
        let messages: Vec<String> = loaded.diagnostics.iter().map(|d| d.message.clone()).collect();
        assert!(
            messages.iter().any(|m| m == "`grade` is text: its months aggregate by `last`, not `mean`"),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m == "`rate` is a percentage: months' percentages do not add up"),
            "{messages:?}"
        );
    }
}
