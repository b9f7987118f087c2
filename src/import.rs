//! `bulletin import`: the platform's spreadsheet export of one unit group
//! (xlsx or csv, header row as in the appendix: 部门名称, 签收总数, …, 总分)
//! into that group's figures in `units.yaml`.
//!
//! Rows are matched to units by full or short name. Every unmatched row,
//! every unit missing from the sheet and every malformed cell (with its row
//! and column, e.g. `C12 (未按时签收数)`) is reported, and nothing is
//! written unless the whole sheet is sound. The figures are written into
//! the existing units.yaml in place, so its comments and order stay.

use std::path::Path;

use crate::diag::{closest, Diagnostic};
use crate::locate::{self, Segment};
use crate::number::{Decimal, Rounding, Style};
use crate::render::write_atomically;
use crate::Error;

/// A sheet's cell, reduced to what the import reads.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.trim().to_owned(),
            Cell::Number(n) => format!("{n}"),
        }
    }
}

/// The columns the import reads: header text → units.yaml key, and whether
/// the value is a count (whole number) or a decimal (rate, score).
const COLUMNS: [(&str, &str, bool); 13] = [
    ("签收总数", "signed", true),
    ("未按时签收数", "late_signed", true),
    ("未及时退回数", "late_returned", true),
    ("退单驳回数", "return_rejected", true),
    ("办结工单总数", "completed", true),
    ("未按时办结数", "late_completed", true),
    ("延期驳回数", "extension_rejected", true),
    ("发回重办数", "redone", true),
    ("回访工单总数", "visited", true),
    ("回访满意数", "satisfied", true),
    ("延期办理率", "extension_rate", false),
    ("重复交办率", "repeat_rate", false),
    ("总分", "score", false),
];
const NAME_COLUMN: &str = "部门名称";

/// Reads the first sheet of an xlsx/xls/ods file, or a csv file.
pub fn read_sheet(path: &Path) -> Result<Vec<Vec<Cell>>, Error> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let import_error = |message: String| Error::Import { path: path.to_owned(), message };
    if extension == "csv" {
        let bytes = std::fs::read(path).map_err(|err| Error::io("read", path, err))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| import_error("the file is not UTF-8 text; save the CSV as UTF-8".into()))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|err| import_error(format!("not a CSV file: {err}")))?;
            rows.push(
                record
                    .iter()
                    .map(|c| if c.trim().is_empty() { Cell::Empty } else { Cell::Text(c.to_owned()) })
                    .collect(),
            );
        }
        return Ok(rows);
    }
    use calamine::Reader;
    let mut workbook =
        calamine::open_workbook_auto(path).map_err(|err| import_error(format!("not a spreadsheet: {err}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| import_error("the workbook has no sheet".into()))?
        .map_err(|err| import_error(err.to_string()))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); top as usize];
    for row in range.rows() {
        let mut cells = vec![Cell::Empty; left as usize];
        cells.extend(row.iter().map(|cell| match cell {
            calamine::Data::Int(i) => Cell::Number(*i as f64),
            calamine::Data::Float(f) => Cell::Number(*f),
            calamine::Data::String(s) if s.trim().is_empty() => Cell::Empty,
            calamine::Data::String(s) => Cell::Text(s.clone()),
            calamine::Data::Empty => Cell::Empty,
            other => Cell::Text(other.to_string()),
        }));
        rows.push(cells);
    }
    Ok(rows)
}

/// Excel's column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_name(index: usize) -> String {
    let mut name = String::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        name.insert(0, (b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    name
}

/// A figure as it will be written into units.yaml.
fn figure(cell: &Cell, count: bool) -> Result<String, String> {
    let text = cell.text();
    if text.is_empty() {
        return Err("the cell is empty".into());
    }
    let digits = text.trim_end_matches('%').trim();
    let Some(value) = Decimal::parse(digits) else {
        return Err(format!("expected {}, found `{text}`", if count { "a whole number" } else { "a number" }));
    };
    if value.is_negative() {
        return Err(format!("expected a number of at least 0, found `{text}`"));
    }
    if count {
        let whole = value.rescale(0, Rounding::Truncate);
        if whole != value {
            return Err(format!("expected a whole number, found `{text}`"));
        }
        return Ok(whole.format(Style::Fixed));
    }
    Ok(digits.to_owned())
}

/// Just the names of units.yaml: the figures may still be blank (`~`).
#[derive(serde::Deserialize)]
struct UnitsFile {
    groups: Vec<Group>,
}

#[derive(serde::Deserialize)]
struct Group {
    name: String,
    units: Vec<Unit>,
}

#[derive(serde::Deserialize)]
struct Unit {
    name: String,
    short: Option<String>,
}

/// What an import did, for the report.
#[derive(Debug)]
pub struct Imported {
    pub units: usize,
}

/// Imports `sheet` into the group `group` of `units_path`.
pub fn import(sheet: &Path, units_path: &Path, group: &str) -> Result<Result<Imported, Vec<Diagnostic>>, Error> {
    let rows = read_sheet(sheet)?;
    let text = std::fs::read_to_string(units_path).map_err(|err| Error::io("read", units_path, err))?;
    let units: UnitsFile = serde_yaml::from_str(&text).map_err(|err| Error::Import {
        path: units_path.to_owned(),
        message: format!("does not parse ({err}); run `bulletin check` on the month first"),
    })?;
    let at = |row: usize, column: usize, message: String| {
        let mut d = Diagnostic::error(sheet, message);
        d.line = Some(row + 1);
        d.column = Some(column + 1);
        d
    };
    let Some(g) = units.groups.iter().position(|x| x.name == group) else {
        let names: Vec<&str> = units.groups.iter().map(|x| x.name.as_str()).collect();
        return Ok(Err(vec![Diagnostic::error(units_path, format!("no group `{group}` in units.yaml"))
            .with_hint(format!("the groups are: {}", names.join("、")))]));
    };
    let group_units = &units.groups[g].units;

    // The header row: the first that names 部门名称.
    let Some(header_row) = rows.iter().position(|r| r.iter().any(|c| c.text() == NAME_COLUMN)) else {
        return Ok(Err(vec![Diagnostic::error(sheet, format!("no header row with `{NAME_COLUMN}`"))
            .with_hint("the sheet's header row names the appendix's columns: 部门名称, 签收总数, …, 总分")]));
    };
    let header: Vec<String> = rows[header_row].iter().map(Cell::text).collect();
    let find = |name: &str| header.iter().position(|h| h.replace(char::is_whitespace, "") == name);
    let mut problems = Vec::new();
    let name_column = find(NAME_COLUMN).unwrap_or(0);
    let mut columns = Vec::new();
    for (title, key, count) in COLUMNS {
        match find(title) {
            Some(column) => columns.push((column, title, key, count)),
            None => {
                let hint = closest(title, header.iter().map(String::as_str))
                    .map_or_else(|| "add the column".to_owned(), |near| format!("is `{near}` meant to be `{title}`?"));
                problems.push(at(header_row, 0, format!("the header row has no column `{title}`")).with_hint(hint));
            }
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }

    // Data rows → (unit index, values by key).
    let mut found: Vec<Option<usize>> = vec![None; group_units.len()];
    let mut values: Vec<Vec<(&str, String)>> = vec![Vec::new(); group_units.len()];
    for (r, row) in rows.iter().enumerate().skip(header_row + 1) {
        let name = row.get(name_column).map(Cell::text).unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let Some(u) =
            group_units.iter().position(|unit| unit.name == name || unit.short.as_deref() == Some(name.as_str()))
        else {
            let names = group_units.iter().flat_map(|u| std::iter::once(u.name.as_str()).chain(u.short.as_deref()));
            let hint = closest(&name, names).map_or_else(
                || format!("add the unit to the group {group} in units.yaml, or remove the row"),
                |n| format!("did you mean `{n}`?"),
            );
            problems.push(
                at(r, name_column, format!("row {}: no unit `{name}` in the group {group}", r + 1)).with_hint(hint),
            );
            continue;
        };
        if let Some(first) = found[u] {
            problems.push(at(
                r,
                name_column,
                format!("row {}: `{name}` is listed again (first in row {})", r + 1, first + 1),
            ));
            continue;
        }
        found[u] = Some(r);
        for &(column, title, key, count) in &columns {
            let cell = row.get(column).unwrap_or(&Cell::Empty);
            match figure(cell, count) {
                Ok(value) => values[u].push((key, value)),
                Err(message) => problems.push(at(
                    r,
                    column,
                    format!("cell {}{} ({title}, {name}): {message}", column_name(column), r + 1),
                )),
            }
        }
    }
    for (u, unit) in group_units.iter().enumerate() {
        if found[u].is_none() {
            problems.push(
                Diagnostic::error(sheet, format!("unit `{}` of the group {group} is not in the sheet", unit.name))
                    .with_hint("every unit of the group needs its row; add it or remove the unit from units.yaml"),
            );
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }

    // Write the values into units.yaml in place.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for (u, fields) in values.iter().enumerate() {
        for (key, value) in fields {
            let path = [
                Segment::Key("groups".into()),
                Segment::Index(g),
                Segment::Key("units".into()),
                Segment::Index(u),
                Segment::Key((*key).into()),
            ];
            let position = locate::locate(&text, &path).filter(|p| {
                text.lines().nth(p.line - 1).is_some_and(|l| l.trim_start().starts_with(&format!("{key}:")))
            });
            let Some(position) = position else {
                return Err(Error::Import {
                    path: units_path.to_owned(),
                    message: format!(
                        "cannot find `{key}` of unit {} to write it; write each figure on a line of its own",
                        group_units[u].name
                    ),
                });
            };
            let line = &mut lines[position.line - 1];
            let start = line.find(&format!("{key}:")).unwrap_or(0) + key.len() + 1;
            let comment = line[start..].find(" #").map(|c| line[start + c..].to_owned()).unwrap_or_default();
            *line = format!("{} {value}{comment}", &line[..start]);
        }
    }
    let mut new_text = lines.join("\n");
    if text.ends_with('\n') {
        new_text.push('\n');
    }
    write_atomically(units_path, new_text.as_bytes())?;
    Ok(Ok(Imported { units: group_units.len() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        let cases =
            [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")];
        for (index, name) in cases {
            assert_eq!(column_name(index), name, "{index}");
        }
    }

    #[test]
    fn figures_from_cells() {
        let text = |s: &str| Cell::Text(s.into());
        assert_eq!(figure(&text("117"), true), Ok("117".into()));
        assert_eq!(figure(&Cell::Number(117.0), true), Ok("117".into()));
        assert_eq!(figure(&text("1.00%"), false), Ok("1.00".into()));
        assert_eq!(figure(&text("69.4"), false), Ok("69.4".into()));
        assert!(figure(&text("1.5"), true).unwrap_err().contains("whole number"));
        assert!(figure(&text("-1"), true).unwrap_err().contains("at least 0"));
        assert!(figure(&text("abc"), true).unwrap_err().contains("found `abc`"));
        assert!(figure(&Cell::Empty, true).unwrap_err().contains("empty"));
    }
}
