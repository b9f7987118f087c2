//! One member unit's page for an office whose definition declares its
//! sections: every figure the unit's group carries, typed and derived, with
//! its label as the definition writes it, and the bulletin's lists that
//! name the unit. What it holds comes from the definition alone, so that a
//! new office's units get their sheets without Rust.

use serde::Serialize;

use crate::definition::{Formula, ScopeKey, Source};
use crate::derive::figures::PeriodFigures;
use crate::month::office::OfficeMonth;
use crate::render::document::SignoffText;
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
    /// The bulletin's title on one line, as the sheet and the mail name it.
    pub bulletin: String,
    pub period: PeriodFigures,
    pub signoff: SignoffText,
    pub unit: SheetUnit,
    /// The unit's figures in the definition's order: its measures, then
    /// the figures derived from them.
    pub figures: Vec<SheetFigure>,
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

/// Every unit's sheet of a final month, in the order of units.yaml.
pub fn sheets(month: &OfficeMonth) -> Result<Vec<UnitSheet>, Error> {
    let document = month.document()?;
    let Some(signoff) = document.signoff else {
        return Err(Error::Render { message: "a draft has no unit sheets".into() });
    };
    let definition = &month.definition;
    let scope = definition.scope(&ScopeKey::Unit);
    let bulletin: String = document.title.lines().map(str::trim).collect();
    let mut sheets = Vec::with_capacity(month.input.units.len());
    for (i, unit) in month.input.units.iter().enumerate() {
        let group = &month.input.groups[unit.group];
        let group_size = month.input.units.iter().filter(|u| u.group == unit.group).count();
        let carried = definition.group_measures(group);
        let mut figures = Vec::new();
        for (name, measure) in scope.measures_in_order().filter(|(name, _)| carried.contains(name)) {
            let mut value = month.cell(&ScopeKey::Unit, i, name);
            // A count split by channel: its total, then its parts
            // (`99（12345热线87、政民互动12）`).
            if measure.by_channels && value != "—" {
                let parts: Vec<String> = definition
                    .channels
                    .iter()
                    .map(|(code, channel)| {
                        format!("{channel}{}", month.cell(&ScopeKey::Unit, i, &format!("{name}.{code}")))
                    })
                    .collect();
                value = format!("{value}（{}）", parts.join("、"));
            }
            figures.push(SheetFigure { label: measure.label.clone(), value });
        }
        for (name, derived) in scope.derived_in_order() {
            let value = month.cell(&ScopeKey::Unit, i, name);
            let value = match &derived.formula {
                Formula::Rank { within_group, .. } if value != "—" => {
                    let of = if *within_group { group_size } else { month.input.units.len() };
                    format!("{value} / {of}")
                }
                _ => value,
            };
            figures.push(SheetFigure { label: derived.label.clone(), value });
        }
        let lists = definition
            .selections
            .iter()
            .filter(|(_, s)| matches!(s.from, Source::Units))
            .filter_map(|(name, selection)| {
                let chosen = month.output.selections.get(name)?;
                let at = chosen.iter().position(|&member| member == i)?;
                Some(SheetList {
                    label: selection.label.clone(),
                    position: (!selection.sort.is_empty()).then_some(at + 1),
                    size: chosen.len(),
                })
            })
            .collect();
        sheets.push(UnitSheet {
            district: definition.office.district.clone(),
            office: definition.office.name.clone(),
            bulletin: bulletin.clone(),
            period: document.period.clone(),
            signoff: signoff.clone(),
            unit: SheetUnit {
                id: unit.id.clone(),
                name: unit.name.clone(),
                short: unit.short.clone(),
                group: group.clone(),
                group_size,
            },
            figures,
            lists,
        });
    }
    Ok(sheets)
}
