//! One member unit's page for an office whose definition declares its
//! sections: the parts of the definition's `sheet:` (or the default one) —
//! sentences over the unit's figures, a table of them under the
//! definition's labels, a trend over the archived months — laid out as
//! data for `layouts/office-unit-sheet.typ`. What it holds comes from the
//! definition alone, so that a new office's units get their sheets without
//! Rust.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use minijinja::Value as Context;
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::archive::months::archived_months;
use crate::definition::{Formula, ScopeKey, SheetFigures, Source};
use crate::diag::Diagnostic;
use crate::month::office::{self, OfficeMonth};
use crate::month::types::Period;
use crate::render::chart::{Axis, Series};
use crate::render::document::{template_value, PeriodFigures, SignoffText};
use crate::Error;

/// The layout of an office unit's sheet, and its mail templates' folder.
pub const SHEET_LAYOUT: &str = "/office-unit-sheet.typ";
pub const MAIL_TEMPLATES: &str = "office-mail";

/// What `layouts/office-unit-sheet.typ` and the mail templates read.
#[derive(Clone, Debug, Serialize)]
pub struct UnitSheet {
    pub district: String,
    /// The office's name (发文单位 by default).
    pub office: String,
    /// The bulletin's title on one line, as the mail names it.
    pub bulletin: String,
    /// The sheet's title, its lines broken at `\n`.
    pub title: String,
    pub period: PeriodFigures,
    pub signoff: SignoffText,
    pub unit: SheetUnit,
    pub blocks: Vec<SheetBlock>,
    /// The paragraphs of the sheet's first sentences, which the mail
    /// quotes (none for the default sheet).
    pub lead: Vec<String>,
    /// The bulletin's lists of units that name this unit.
    pub lists: Vec<SheetList>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SheetUnit {
    pub id: String,
    pub name: String,
    pub short: String,
    pub group: String,
    /// How many units the month lists in the unit's group.
    pub group_size: usize,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SheetBlock {
    Heading {
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// The unit's figures, each with its label.
    Figures {
        figures: Vec<SheetFigure>,
    },
    /// Rates month by month, oldest first: a chart (drawn as the
    /// bulletin's trend charts are) and a table.
    Trend {
        series: Vec<Series>,
        points: Vec<Map<String, Json>>,
        chart: Axis,
    },
}

/// A figure as the bulletin's tables show it (a percentage with its `%`,
/// `—` where it has no value).
#[derive(Clone, Debug, Serialize)]
pub struct SheetFigure {
    pub label: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SheetList {
    pub label: String,
    /// The unit's place in a sorted list (1 for the first), none in a
    /// list without an order.
    pub position: Option<usize>,
    pub size: usize,
}

/// The trend figures of each unit over the archived months, by unit id.
#[derive(Debug, Default)]
pub struct History {
    by_unit: BTreeMap<String, Vec<Map<String, Json>>>,
    /// Archived months left out, as warnings.
    pub warnings: Vec<Diagnostic>,
}

impl History {
    /// The months before `month` in the archive beside `month_dir`, within
    /// the sheet's window, each checked under its own definition and taken
    /// as published (a final's questions about its figures aside), then
    /// `month` itself.
    pub fn scan(month_dir: &Path, month: &OfficeMonth) -> Self {
        let mut history = Self::default();
        let names: Vec<String> =
            month.definition.sheet.parts.iter().flat_map(|p| p.trend.iter().map(|(n, _)| n.clone())).collect();
        if names.is_empty() {
            return history;
        }
        let window = month.definition.sheet.months;
        let earliest = Period::from_index(month.period.index() - (window as i64 - 1));
        for (period, dir) in archived_months(month_dir) {
            if period < earliest || period >= month.period {
                continue;
            }
            match crate::read_issue(&dir) {
                Ok(office::Checked { month: Some(archived), .. }) => history.add(&archived, &names),
                _ => history.warnings.push(
                    Diagnostic::warning(
                        dir.join("month.yaml"),
                        "this month has errors and is left out of the unit sheets' history",
                    )
                    .with_hint(format!("`bulletin check {}` lists them", dir.display())),
                ),
            }
        }
        history.add(month, &names);
        history
    }

    fn add(&mut self, month: &OfficeMonth, names: &[String]) {
        let period = month.period_figures();
        for (i, unit) in month.input.units.iter().enumerate() {
            let mut point = Map::new();
            point.insert("key".into(), period.key.clone().into());
            point.insert("year".into(), period.year.into());
            point.insert("month".into(), period.month.into());
            for name in names {
                let value = month.shown(&ScopeKey::Unit, i, name).map_or(Json::Null, Json::from);
                point.insert(name.clone(), value);
            }
            self.by_unit.entry(unit.id.clone()).or_default().push(point);
        }
    }

    /// The unit's months, oldest first.
    pub fn points(&self, id: &str) -> &[Map<String, Json>] {
        self.by_unit.get(id).map_or(&[], Vec::as_slice)
    }
}

/// Every unit's sheet of a final month, in the order of units.yaml, with
/// the archived months of `history`.
pub fn sheets(month: &OfficeMonth, history: &History) -> Result<Vec<UnitSheet>, Error> {
    let document = month.document()?;
    let Some(signoff) = document.signoff else {
        return Err(Error::Render { message: "a draft has no unit sheets".into() });
    };
    let definition = &month.definition;
    let scope = definition.scope(&ScopeKey::Unit);
    let bulletin: String = document.title.lines().map(str::trim).collect();
    let env = crate::render::narrative::environment();
    let render = |source: &str, context: &Context, what: &str| -> Result<String, Error> {
        env.render_str(source, context).map(|t| t.trim().to_owned()).map_err(|err| Error::Template {
            path: definition.path.clone(),
            message: format!("`sheet.{what}` of bulletin.yaml: {}", crate::render::narrative::describe(&err)),
        })
    };
    let entries = month.context_entries();
    let units = &month.input.units;
    let mut sheets = Vec::with_capacity(units.len());
    for (i, unit) in units.iter().enumerate() {
        let group = &month.input.groups[unit.group];
        let group_size = units.iter().filter(|u| u.group == unit.group).count();
        let lists = lists_naming(month, i);
        let points = history.points(&unit.id);

        let member = month.member(&ScopeKey::Unit, i);
        let mut fields = member.clone();
        fields.insert("group_size".into(), group_size.into());
        // Every selection of units, none where it does not name the unit.
        let mut on: BTreeMap<&str, Option<&SheetList>> = definition
            .selections
            .iter()
            .filter(|(_, s)| matches!(s.from, Source::Units))
            .map(|(name, _)| (name.as_str(), None))
            .collect();
        on.extend(lists.iter().map(|(name, list)| (name.as_str(), Some(list))));
        let mut context = entries.clone();
        context.push(("unit", template_value(fields)));
        context.push(("on", Context::from_serialize(&on)));
        context.push(("tied", Context::from_serialize(ties(month, i))));
        context.push(("history", Context::from_serialize(points)));
        let context = Context::from_iter(context);

        let title = match &definition.sheet.title {
            Some(title) => render(title, &context, "title")?,
            None => format!("{bulletin}\n（{}）", unit.name),
        };
        let mut blocks = Vec::new();
        let mut lead: Option<Vec<String>> = None;
        for (p, part) in definition.sheet.parts.iter().enumerate() {
            if let Some(heading) = &part.heading {
                blocks.push(SheetBlock::Heading { text: render(heading, &context, &format!("parts[{p}].heading"))? });
            }
            if let Some(prose) = &part.prose {
                let paragraphs = office::paragraphs(&render(prose, &context, &format!("parts[{p}].prose"))?);
                if definition.sheet.declared {
                    lead.get_or_insert_with(|| paragraphs.clone());
                }
                blocks.extend(paragraphs.into_iter().map(|text| SheetBlock::Paragraph { text }));
            }
            match &part.figures {
                Some(SheetFigures::All) => {
                    blocks.push(SheetBlock::Figures { figures: every_figure(month, i, &member, group_size) })
                }
                Some(SheetFigures::Named(named)) => {
                    let carried = definition.group_measures(group);
                    let figures = named
                        .iter()
                        .filter(|(name, _)| !scope.measures.contains_key(name) || carried.contains(&name))
                        .map(|(name, label)| SheetFigure {
                            label: label.clone(),
                            value: figure(month, i, &member, name, group_size),
                        })
                        .collect();
                    blocks.push(SheetBlock::Figures { figures });
                }
                None => {}
            }
            if !part.trend.is_empty() {
                let series: Vec<Series> =
                    part.trend.iter().map(|(key, label)| Series { key: key.clone(), label: label.clone() }).collect();
                let chart = Axis::for_rates(
                    points.iter().flat_map(|p| series.iter().filter_map(|s| p.get(&s.key).and_then(Json::as_str))),
                    "%",
                );
                blocks.push(SheetBlock::Trend { series, points: points.to_vec(), chart });
            }
        }
        sheets.push(UnitSheet {
            district: definition.office.district.clone(),
            office: definition.office.name.clone(),
            bulletin: bulletin.clone(),
            title,
            period: document.period.clone(),
            signoff: signoff.clone(),
            unit: SheetUnit {
                id: unit.id.clone(),
                name: unit.name.clone(),
                short: unit.short.clone(),
                group: group.clone(),
                group_size,
            },
            blocks,
            lead: lead.unwrap_or_default(),
            lists: lists.into_iter().map(|(_, list)| list).collect(),
        });
    }
    Ok(sheets)
}

/// A unit's figure as its sheet shows it: as in the bulletin's tables,
/// a rank with the number of units it is among (`3 / 10`).
fn figure(month: &OfficeMonth, i: usize, member: &Map<String, Json>, name: &str, group_size: usize) -> String {
    let definition = &month.definition;
    let value = month.cell(&ScopeKey::Unit, i, member, name);
    match definition.scope(&ScopeKey::Unit).derived.get(name).map(|d| &d.formula) {
        Some(Formula::Rank { within_group, .. }) if value != "—" => {
            let of = if *within_group { group_size } else { month.input.units.len() };
            format!("{value} / {of}")
        }
        _ => value,
    }
}

/// Every figure the unit's group carries, in the definition's order: its
/// measures (a count split by channel with its parts, `99（12345热线87、
/// 政民互动12）`), then the figures derived from them. `member`: the
/// unit's fields ([`OfficeMonth::member`]).
fn every_figure(month: &OfficeMonth, i: usize, member: &Map<String, Json>, group_size: usize) -> Vec<SheetFigure> {
    let definition = &month.definition;
    let scope = definition.scope(&ScopeKey::Unit);
    let unit = &month.input.units[i];
    let carried = definition.group_measures(&month.input.groups[unit.group]);
    let mut figures = Vec::new();
    for (name, measure) in scope.measures_in_order().filter(|(name, _)| carried.contains(name)) {
        let mut value = month.cell(&ScopeKey::Unit, i, member, name);
        if measure.by_channels && value != "—" {
            let parts: Vec<String> = definition
                .channels
                .iter()
                .map(|(code, channel)| {
                    format!("{channel}{}", month.cell(&ScopeKey::Unit, i, member, &format!("{name}.{code}")))
                })
                .collect();
            value = format!("{value}（{}）", parts.join("、"));
        }
        figures.push(SheetFigure { label: measure.label.clone(), value });
    }
    for (name, derived) in scope.derived_in_order() {
        figures.push(SheetFigure { label: derived.label.clone(), value: figure(month, i, member, name, group_size) });
    }
    figures
}

/// The bulletin's lists of units that name unit `i`, by selection name.
fn lists_naming(month: &OfficeMonth, i: usize) -> Vec<(String, SheetList)> {
    month
        .definition
        .selections
        .iter()
        .filter(|(_, s)| matches!(s.from, Source::Units))
        .filter_map(|(name, selection)| {
            let chosen = month.output.selections.get(name)?;
            let at = chosen.iter().position(|&member| member == i)?;
            let position = (!selection.sort.is_empty()).then_some(at + 1);
            Some((name.clone(), SheetList { label: selection.label.clone(), position, size: chosen.len() }))
        })
        .collect()
}

/// For each of the units' ranks, whether unit `i` shares its place (并列)
/// with another unit it is ranked among.
fn ties(month: &OfficeMonth, i: usize) -> BTreeMap<String, bool> {
    let units = &month.input.units;
    let mut tied = BTreeMap::new();
    for (name, derived) in &month.definition.scope(&ScopeKey::Unit).derived {
        let Formula::Rank { within_group, .. } = derived.formula else { continue };
        let rank = |j: usize| month.output.record(&ScopeKey::Unit, j).get(name).copied().flatten();
        let mine = rank(i);
        let shared = mine.is_some()
            && (0..units.len())
                .filter(|&j| j != i && (!within_group || units[j].group == units[i].group))
                .any(|j| rank(j) == mine);
        tied.insert(name.clone(), shared);
    }
    tied
}

/// Every unit id of the archive's months and of this one.
pub fn known_ids(month_dir: &Path, month: &OfficeMonth) -> BTreeSet<String> {
    let mut known = crate::archive::months::archived_unit_ids(month_dir);
    known.extend(month.input.units.iter().map(|u| u.id.clone()));
    known
}
