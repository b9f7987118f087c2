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
use crate::fs::write_atomically;
use crate::number::{Decimal, Rounding, Style};
use crate::source::locate::{self, Segment};
use crate::Error;

/// A sheet's cell, reduced to what the import reads.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A number the sheet shows as a percentage (its number format has
    /// `%`): Excel stores 0.01 for 1.00%. `decimals` as the format shows.
    Percent {
        value: f64,
        decimals: usize,
    },
    /// A number from a workbook whose number formats we cannot read (xls,
    /// ods), so a value below 1 may be a percentage shown as such.
    Unformatted(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.trim().to_owned(),
            Cell::Number(n) | Cell::Unformatted(n) => format!("{n}"),
            Cell::Percent { value, decimals } => {
                shown_percent(*value, *decimals).map_or_else(|| format!("{value}"), |shown| format!("{shown}%"))
            }
        }
    }
}

/// What a column holds: whole numbers, percentages, scores or text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Count,
    Rate,
    Score,
    Text,
}

/// Names of the total rows a platform's export may end with.
const TOTAL_ROWS: [&str; 5] = ["合计", "总计", "小计", "全区合计", "总合计"];

/// What an import reads from a sheet: the headers that may name the units'
/// column, and each figure's column.
#[derive(Clone, Debug)]
pub struct Spec {
    pub name_headers: Vec<String>,
    pub columns: Vec<Column>,
}

/// A figure's column, by its header; a figure split by channels is read
/// from one column per channel (`按时办结数（12345热线）`) or, failing
/// those, from one total column.
#[derive(Clone, Debug)]
pub struct Column {
    pub title: String,
    pub key: String,
    kind: Kind,
    /// (channel code, the channel's column header).
    pub channels: Vec<(String, String)>,
    /// A sheet without the column is an error (else the figure is left).
    pub required: bool,
}

impl Spec {
    /// An office's: a column per unit measure of `group`, headed by the
    /// measure's label; the units' column headed 单位, 单位名称, 部门名称,
    /// 承办单位 or 名称.
    pub fn office(definition: &crate::definition::Definition, group: &str) -> Self {
        use crate::definition::{MeasureKind, ScopeKey};
        let carried = definition.group_measures(group);
        let columns = definition
            .scope(&ScopeKey::Unit)
            .measures_in_order()
            .filter(|(name, _)| carried.contains(name))
            .map(|(name, m)| Column {
                title: m.label.clone(),
                key: name.clone(),
                kind: match m.kind {
                    MeasureKind::Count => Kind::Count,
                    MeasureKind::Percent => Kind::Rate,
                    MeasureKind::Score => Kind::Score,
                    MeasureKind::Text | MeasureKind::Unit => Kind::Text,
                },
                channels: if m.by_channels {
                    definition
                        .channels
                        .iter()
                        .map(|(code, label)| (code.clone(), format!("{}（{label}）", m.label)))
                        .collect()
                } else {
                    Vec::new()
                },
                required: m.required,
            })
            .collect();
        let name_headers = ["单位", "单位名称", "部门名称", "承办单位", "名称"].map(String::from).to_vec();
        Spec { name_headers, columns }
    }
}

/// Reads the first sheet of an xlsx/xls/ods file, or a csv file; a file
/// whose text cannot be read is a problem with the data, not an error.
pub fn read_sheet(path: &Path) -> Result<Result<Vec<Vec<Cell>>, Diagnostic>, Error> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let import_error = |message: String| Error::Import { path: path.to_owned(), message };
    if extension == "csv" {
        let bytes = std::fs::read(path).map_err(|err| Error::io("read", path, err))?;
        let Some(text) = csv_text(&bytes) else {
            return Ok(Err(Diagnostic::error(path, "the file is neither UTF-8 nor GBK/GB18030 text")
                .with_hint("in Excel, save it again with 文件 → 另存为 → 文件类型 “CSV UTF-8（逗号分隔）(*.csv)”")));
        };
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
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
        return Ok(Ok(rows));
    }
    use calamine::Reader;
    let mut workbook =
        calamine::open_workbook_auto(path).map_err(|err| import_error(format!("not a spreadsheet: {err}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| import_error("the workbook has no sheet".into()))?
        .map_err(|err| import_error(err.to_string()))?;
    // Only xlsx gives the cells' number formats; without them a number
    // below 1 in a rate column cannot be told from a percentage.
    let first_sheet = workbook_first_sheet(&workbook);
    let styles = match (&mut workbook, first_sheet) {
        (calamine::Sheets::Xlsx(xlsx), Some(name)) => {
            Some(xlsx.worksheet_style(&name).map_err(|err| import_error(err.to_string()))?)
        }
        _ => None,
    };
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); top as usize];
    for (r, row) in range.rows().enumerate() {
        let mut cells = vec![Cell::Empty; left as usize];
        cells.extend(row.iter().enumerate().map(|(c, cell)| {
            let number = |value: f64| {
                let Some(styles) = &styles else { return Cell::Unformatted(value) };
                let position = (top + r as u32, left + c as u32);
                let format = styles.get(position).and_then(|style| style.number_format.as_ref());
                match format.and_then(|format| percent_decimals(&format.format_code)) {
                    Some(decimals) => Cell::Percent { value, decimals },
                    None => Cell::Number(value),
                }
            };
            match cell {
                calamine::Data::Int(i) => number(*i as f64),
                calamine::Data::Float(f) => number(*f),
                calamine::Data::String(s) if s.trim().is_empty() => Cell::Empty,
                calamine::Data::String(s) => Cell::Text(s.clone()),
                calamine::Data::Empty => Cell::Empty,
                other => Cell::Text(other.to_string()),
            }
        }));
        rows.push(cells);
    }
    Ok(Ok(rows))
}

fn workbook_first_sheet<R: std::io::Read + std::io::Seek>(workbook: &calamine::Sheets<R>) -> Option<String> {
    use calamine::Reader;
    workbook.sheet_names().first().cloned()
}

/// A CSV file's text: UTF-8 (with or without Excel's byte-order mark), or
/// else GB18030, the superset of GBK that Chinese Excel and WPS write when
/// told to save "CSV (逗号分隔)".
fn csv_text(bytes: &[u8]) -> Option<String> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.trim_start_matches('\u{feff}').to_owned());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// The decimals a number format shows a percentage with (`0.00%` → 2,
/// `0%` → 0), or `None` when it shows no percentage. A `%` in quotes or
/// after a backslash is literal text, not a scaling by 100.
fn percent_decimals(format_code: &str) -> Option<usize> {
    // The first section formats positive numbers, the one a rate has.
    let mut section = String::new();
    let mut chars = format_code.chars();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if !quoted => {
                chars.next();
            }
            ';' if !quoted => break,
            _ if quoted => {}
            _ => section.push(c),
        }
    }
    if !section.contains('%') {
        return None;
    }
    let decimals = section
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.chars().take_while(|c| matches!(c, '0' | '#' | '?')).count());
    Some(decimals)
}

/// The percentage a sheet shows for the stored `value` (0.0725 with two
/// decimals → `7.25`), exactly: from the shortest decimal text of the
/// stored number, rounded half up as Excel rounds what it shows.
fn shown_percent(value: f64, decimals: usize) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let text = format!("{value}");
    let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    // × 100: move the decimal point two places right.
    let fraction = format!("{fraction}00");
    let (moved, rest) = fraction.split_at(2);
    let whole = format!("{}{moved}", whole.trim_start_matches('0'));
    let whole = if whole.trim_start_matches('0').is_empty() { "0" } else { whole.trim_start_matches('0') };
    // One digit past the shown ones decides a half-up rounding.
    let kept: String = rest.chars().chain(std::iter::repeat('0')).take(decimals + 1).collect();
    let exact = Decimal::parse(&format!("{sign}{whole}.{kept}"))?;
    let scale = u32::try_from(decimals).ok()?;
    Some(exact.rescale(scale, Rounding::HalfUp).format(Style::Fixed))
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
fn figure(cell: &Cell, kind: Kind) -> Result<String, String> {
    let count = kind == Kind::Count;
    if kind == Kind::Text {
        let text = cell.text();
        return if text.is_empty() {
            Err("the cell is empty".into())
        } else {
            Ok(crate::edit::scaffold::yaml_str(&text))
        };
    }
    match *cell {
        Cell::Percent { .. } if count => {
            return Err(format!("expected a whole number, found the percentage {}", cell.text()));
        }
        Cell::Percent { value, decimals } => {
            return shown_percent(value, decimals).ok_or_else(|| format!("expected a percentage, found {value}"));
        }
        // 0.01 may be 0.01% or 1.00% shown as a percentage: say which.
        Cell::Unformatted(value) if kind == Kind::Rate && value > 0.0 && value < 1.0 => {
            return Err(format!(
                "{value} may be {value}% or a percentage shown as {}%, and this kind of file does not say which; \
                 save the sheet as .xlsx, or type the rate as text such as `1.00%`",
                shown_percent(value, 2).unwrap_or_default()
            ));
        }
        _ => {}
    }
    let text = cell.text();
    if text.is_empty() {
        return Err("the cell is empty".into());
    }
    // A rate in a text cell (csv) below 1 without `%`: a fraction typed for
    // a percentage (0.07 for 7.00%) reads the same as a rate of 0.07%.
    let below_one = Decimal::parse(&text).filter(|v| *v > Decimal::from_int(0) && *v < Decimal::from_int(1));
    if let Some(fraction) = below_one.filter(|_| kind == Kind::Rate && matches!(cell, Cell::Text(_))) {
        let as_percent = fraction.shifted(2).format(Style::Trim);
        return Err(format!(
            "`{text}` may be a fraction ({as_percent}%) or a rate of {text}%; write the rate as the platform prints \
             it, with `%`: `{as_percent}%` or `{text}%`"
        ));
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

impl Unit {
    /// Whether a sheet's row names this unit, by full or short name.
    fn is_named(&self, name: &str) -> bool {
        self.name == name || self.short.as_deref() == Some(name)
    }
}

/// What an import did, for the report.
#[derive(Debug)]
pub struct Imported {
    pub units: usize,
}

/// How a figure is read from the sheet's columns.
enum ReadAs {
    Total(usize),
    /// (channel code, column) for each channel.
    Channels(Vec<(String, usize)>),
}

/// Imports `sheet` into the group `group` of `units_path`, reading the
/// columns of the office's definition (beside the month's folder, else
/// the bundled one: Furong's export).
pub fn import(sheet: &Path, units_path: &Path, group: &str) -> Result<Result<Imported, Vec<Diagnostic>>, Error> {
    let month_dir = units_path.parent().unwrap_or(Path::new("."));
    let spec = match crate::definition::find_for_month(month_dir) {
        None => Spec::office(&crate::definition::furong(), group),
        Some(path) => {
            let loaded = crate::definition::load(&path).map_err(|err| Error::io("read", &path, err))?;
            match loaded.definition {
                Some(definition) => Spec::office(&definition, group),
                None => {
                    return Err(Error::Import {
                        path,
                        message: "has errors; `bulletin check` on the month shows them".into(),
                    })
                }
            }
        }
    };
    import_with(sheet, units_path, group, &spec)
}

/// Imports `sheet` into the group `group` of `units_path`, reading the
/// columns `spec` names.
pub fn import_with(
    sheet: &Path,
    units_path: &Path,
    group: &str,
    spec: &Spec,
) -> Result<Result<Imported, Vec<Diagnostic>>, Error> {
    let rows = match read_sheet(sheet)? {
        Ok(rows) => rows,
        Err(problem) => return Ok(Err(vec![problem])),
    };
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

    // The header row: the first that names the units' column.
    let names_units = |c: &Cell| spec.name_headers.iter().any(|h| *h == c.text().replace(char::is_whitespace, ""));
    let Some(header_row) = rows.iter().position(|r| r.iter().any(names_units)) else {
        let titles: Vec<&str> = spec.columns.iter().take(3).map(|c| c.title.as_str()).collect();
        let message = format!("no header row names the units' column (`{}`)", spec.name_headers.join("`, `"));
        return Ok(Err(vec![Diagnostic::error(sheet, message).with_hint(format!(
            "the sheet's header row names the units' column ({}) and the figures' columns: {}, …",
            spec.name_headers.join(" or "),
            titles.join(", ")
        ))]));
    };
    let header: Vec<String> = rows[header_row].iter().map(Cell::text).collect();
    let find = |name: &str| header.iter().position(|h| h.replace(char::is_whitespace, "") == name);
    let mut problems = Vec::new();
    let name_column = header.iter().position(|h| spec.name_headers.contains(&h.replace(char::is_whitespace, "")));
    let name_column = name_column.unwrap_or(0);
    let mut columns = Vec::new();
    for c in &spec.columns {
        let parts: Option<Vec<(String, usize)>> =
            c.channels.iter().map(|(code, title)| find(title).map(|col| (code.clone(), col))).collect();
        match (parts.filter(|p| !p.is_empty()), find(&c.title)) {
            (Some(parts), _) => columns.push((c, ReadAs::Channels(parts))),
            (None, Some(column)) => columns.push((c, ReadAs::Total(column))),
            (None, None) if !c.required => {}
            (None, None) => {
                let title = &c.title;
                let hint = closest(title, header.iter().map(String::as_str))
                    .map_or_else(|| "add the column".to_owned(), |near| format!("is `{near}` meant to be `{title}`?"));
                let hint = match c.channels.first() {
                    Some((_, per_channel)) => format!("{hint} (or one column per channel, such as `{per_channel}`)"),
                    None => hint,
                };
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
        // Blank rows and the platform's total row (合计) are not units.
        if name.is_empty() || TOTAL_ROWS.contains(&name.replace(char::is_whitespace, "").as_str()) {
            continue;
        }
        let Some(u) = group_units.iter().position(|unit| unit.is_named(&name)) else {
            let names = group_units.iter().flat_map(|u| std::iter::once(u.name.as_str()).chain(u.short.as_deref()));
            // The platform may add to a name (马王堆街道办事处, 芙蓉区教育局):
            // the longest name the row's contains (or that contains it) is the
            // likely unit, before any spelling slip.
            let within = names
                .clone()
                .filter(|known| name.contains(known) || known.contains(name.as_str()))
                .max_by_key(|known| known.chars().count());
            let hint = within.or_else(|| closest(&name, names)).map_or_else(
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
        let mut read = |column: usize, title: &str, kind: Kind| {
            let cell = row.get(column).unwrap_or(&Cell::Empty);
            figure(cell, kind).map_err(|message| {
                problems.push(at(
                    r,
                    column,
                    format!("cell {}{} ({title}, {name}): {message}", column_name(column), r + 1),
                ))
            })
        };
        for (c, read_as) in &columns {
            match read_as {
                ReadAs::Total(column) => {
                    if let Ok(value) = read(*column, &c.title, c.kind) {
                        values[u].push((c.key.as_str(), value));
                    }
                }
                ReadAs::Channels(parts) => {
                    let mut shown = Vec::new();
                    for (code, column) in parts {
                        let title = header.get(*column).cloned().unwrap_or_default();
                        if let Ok(value) = read(*column, &title, c.kind) {
                            shown.push(format!("{code}: {value}"));
                        }
                    }
                    if shown.len() == parts.len() {
                        values[u].push((c.key.as_str(), format!("{{ {} }}", shown.join(", "))));
                    }
                }
            }
        }
    }
    // Not one row of the group, but rows of another: the wrong --group.
    if found.iter().all(Option::is_none) {
        let names: Vec<String> =
            rows.iter().skip(header_row + 1).filter_map(|r| r.get(name_column)).map(Cell::text).collect();
        let matches = |g: &Group| names.iter().filter(|n| g.units.iter().any(|u| u.is_named(n))).count();
        if let Some(other) =
            units.groups.iter().filter(|g| g.name != group).max_by_key(|g| matches(g)).filter(|g| matches(g) > 0)
        {
            return Ok(Err(vec![Diagnostic::error(
                sheet,
                format!("the sheet's rows are units of {}, not of {group}", other.name),
            )
            .with_hint(format!("import it with `--group {}`", other.name))]));
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
            // A figure written as a block (its parts on the lines below) is
            // not rewritten line by line.
            let indent = |l: &str| l.len() - l.trim_start().len();
            let below = text.lines().nth(position.line).filter(|l| !l.trim().is_empty());
            if below.is_some_and(|l| indent(l) > indent(&lines[position.line - 1])) {
                return Err(Error::Import {
                    path: units_path.to_owned(),
                    message: format!(
                        "`{key}` of unit {} is written over several lines; write it on one, as `{key}: {value}`",
                        group_units[u].name
                    ),
                });
            }
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
        assert_eq!(figure(&text("117"), Kind::Count), Ok("117".into()));
        assert_eq!(figure(&Cell::Number(117.0), Kind::Count), Ok("117".into()));
        assert_eq!(figure(&text("1.00%"), Kind::Rate), Ok("1.00".into()));
        assert_eq!(figure(&text("69.4"), Kind::Score), Ok("69.4".into()));
        assert!(figure(&text("1.5"), Kind::Count).unwrap_err().contains("whole number"));
        assert!(figure(&text("-1"), Kind::Count).unwrap_err().contains("at least 0"));
        assert!(figure(&text("abc"), Kind::Count).unwrap_err().contains("found `abc`"));
        assert!(figure(&Cell::Empty, Kind::Count).unwrap_err().contains("empty"));
        // Issue 12, item 1: a percent cell holds a hundredth of what it shows.
        assert_eq!(figure(&Cell::Percent { value: 0.01, decimals: 2 }, Kind::Rate), Ok("1.00".into()));
        assert_eq!(figure(&Cell::Percent { value: 0.1103, decimals: 2 }, Kind::Rate), Ok("11.03".into()));
        assert!(figure(&Cell::Percent { value: 1.17, decimals: 0 }, Kind::Count).unwrap_err().contains("117%"));
        // A csv's rate below 1 without `%` is ambiguous too.
        assert!(figure(&Cell::Text("0.07".into()), Kind::Rate).unwrap_err().contains("`7%` or `0.07%`"));
        assert_eq!(figure(&Cell::Text("0.07%".into()), Kind::Rate), Ok("0.07".into()));
        assert_eq!(figure(&Cell::Text("0.07".into()), Kind::Count).map_err(|_| ()), Err(()));
        // Without number formats (xls, ods) a value below 1 is ambiguous.
        assert!(figure(&Cell::Unformatted(0.01), Kind::Rate)
            .unwrap_err()
            .contains("0.01% or a percentage shown as 1.00%"));
        assert_eq!(figure(&Cell::Unformatted(1.0), Kind::Rate), Ok("1".into()));
        assert_eq!(figure(&Cell::Unformatted(0.0), Kind::Rate), Ok("0".into()));
        // A score below 1 is a score, not an ambiguous rate.
        assert_eq!(figure(&Cell::Unformatted(0.5), Kind::Score), Ok("0.5".into()));
        assert_eq!(figure(&Cell::Text("0.5".into()), Kind::Score), Ok("0.5".into()));
    }

    #[test]
    fn percentages_as_a_sheet_shows_them() {
        let cases = [
            (0.01, 2, "1.00"),
            (0.07, 2, "7.00"),
            (0.0725, 1, "7.3"),
            (0.07249, 1, "7.2"),
            (0.9999, 0, "100"),
            (1.0, 2, "100.00"),
            (0.0, 2, "0.00"),
            (12.5, 0, "1250"),
            (0.000_001, 4, "0.0001"),
        ];
        for (value, decimals, shown) in cases {
            assert_eq!(shown_percent(value, decimals).as_deref(), Some(shown), "{value} with {decimals} decimals");
        }
        let formats = [
            ("0.00%", Some(2)),
            ("0%", Some(0)),
            ("#,##0.0%;[Red]-0.0%", Some(1)),
            ("General", None),
            ("0.00\"%\"", None),
            ("0.00\\%", None),
            ("0.00", None),
        ];
        for (code, decimals) in formats {
            assert_eq!(percent_decimals(code), decimals, "{code}");
        }
    }

    #[test]
    fn csv_text_in_utf8_or_gb18030() {
        assert_eq!(csv_text("\u{feff}部门名称".as_bytes()).as_deref(), Some("部门名称"));
        let (gbk, _, _) = encoding_rs::GBK.encode("部门名称,签收总数");
        assert_eq!(csv_text(&gbk).as_deref(), Some("部门名称,签收总数"));
        assert_eq!(csv_text(&[0xff, 0xfe, 0x81, 0x20]), None);
    }
}
