//! `bulletin import`: the appendix tables of the reference bulletin, as the
//! platform exports them (a CSV for the streets, an XLSX for the
//! departments), fill a blanked copy of 2020-03's units.yaml back to the
//! same bytes; bad sheets are reported by row and column and change nothing.

mod common;

use std::fs;
use std::path::Path;

use common::{bulletin, Scratch};

const REFERENCE: &str = include_str!("reference/2020-03-bulletin.txt");
const HEADER: &str = "部门名称\t签收总数\t未按时签收数\t未及时退回数\t退单驳回数\t办结工单总数\t未按时办结数\t按时办结率\t延期驳回数\t发回重办数\t回访工单总数\t回访满意数\t回访满意度\t延期办理率\t重复交办率\t总分\t排名";

/// The appendix rows of the reference: (group, cells), streets first.
fn appendix() -> Vec<(&'static str, Vec<&'static str>)> {
    let start = REFERENCE.find("一、街道（2020年3月）").unwrap();
    let mut group = "街道";
    let mut rows = Vec::new();
    for line in REFERENCE[start..].lines() {
        if line.contains("区直部门（2020年3月）") {
            group = "区直部门";
        }
        if line.contains('\t') && !line.starts_with("部门名称") {
            rows.push((group, line.split('\t').collect()));
        }
    }
    rows
}

/// units.yaml with every figure blanked to `~`.
fn blank(text: &str) -> String {
    let furong = bulletin::definition::furong();
    let figures: Vec<&str> =
        furong.scope(&bulletin::definition::ScopeKey::Unit).measures.keys().map(String::as_str).collect();
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let key = line.trim_start().split(':').next().unwrap_or_default();
            if figures.contains(&key) {
                format!("{}{key}: ~", &line[..line.len() - line.trim_start().len()])
            } else {
                line.to_owned()
            }
        })
        .collect();
    lines.join("\n") + "\n"
}

fn setup(scratch: &Scratch) -> (std::path::PathBuf, String) {
    let month = scratch.path().join("months/2020-03");
    fs::create_dir_all(&month).unwrap();
    let original = fs::read_to_string(common::project().join("months/2020-03/units.yaml")).unwrap();
    fs::write(month.join("units.yaml"), blank(&original)).unwrap();
    (month, original)
}

fn import(scratch: &Scratch, sheet: &Path, group: &str) -> std::process::Output {
    let months = scratch.path().join("months");
    bulletin(&[
        "import",
        sheet.to_str().unwrap(),
        "--month",
        "2020-03",
        "--group",
        group,
        "--months",
        months.to_str().unwrap(),
    ])
}

fn write_csv(path: &Path, rows: &[Vec<&str>]) {
    let mut text = String::from("芙蓉区“12345”成员单位考核（街道）\n");
    text.push_str(&HEADER.replace('\t', ","));
    text.push('\n');
    for row in rows {
        text.push_str(&row.join(","));
        text.push('\n');
    }
    fs::write(path, text).unwrap();
}

/// How an xlsx holds the rates: as the platform's text (`1.00%`), or as
/// numbers in cells formatted `0.00%` (Excel stores 0.01 for 1.00%).
#[derive(Clone, Copy, PartialEq)]
enum Rates {
    Text,
    PercentCells,
}

fn write_xlsx(path: &Path, rows: &[Vec<&str>], rates: Rates) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let percent = rust_xlsxwriter::Format::new().set_num_format("0.00%");
    for (c, title) in HEADER.split('\t').enumerate() {
        sheet.write_string(0, c as u16, title).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            // Counts and scores as numbers; rates as text or percent cells.
            match (cell.strip_suffix('%'), cell.parse::<f64>()) {
                (Some(rate), _) if rates == Rates::PercentCells => {
                    let stored: f64 = rate.parse::<f64>().unwrap() / 100.0;
                    sheet.write_number_with_format(r, c, stored, &percent).unwrap()
                }
                (_, Ok(number)) => sheet.write_number(r, c, number).unwrap(),
                (_, Err(_)) => sheet.write_string(r, c, *cell).unwrap(),
            };
        }
    }
    workbook.save(path).unwrap();
}

#[test]
fn csv_and_xlsx_reproduce_the_figures_exactly() {
    let scratch = Scratch::new("import");
    let (month, original) = setup(&scratch);
    let rows = appendix();
    let streets: Vec<Vec<&str>> = rows.iter().filter(|(g, _)| *g == "街道").map(|(_, r)| r.clone()).collect();
    let departments: Vec<Vec<&str>> = rows.iter().filter(|(g, _)| *g == "区直部门").map(|(_, r)| r.clone()).collect();
    assert_eq!((streets.len(), departments.len()), (14, 29));

    let csv = scratch.path().join("街道.csv");
    write_csv(&csv, &streets);
    let output = import(&scratch, &csv, "街道");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let xlsx = scratch.path().join("区直部门.xlsx");
    write_xlsx(&xlsx, &departments, Rates::Text);
    let output = import(&scratch, &xlsx, "区直部门");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("imported 29 units of 区直部门"));

    let imported = fs::read_to_string(month.join("units.yaml")).unwrap();
    assert!(imported == original, "the imported units.yaml differs from 2020-03's");
}

#[test]
fn bad_sheets_are_reported_by_row_and_column_and_write_nothing() {
    let scratch = Scratch::new("import-bad");
    let (month, _) = setup(&scratch);
    let before = fs::read_to_string(month.join("units.yaml")).unwrap();
    let mut streets: Vec<Vec<&str>> = appendix().into_iter().filter(|(g, _)| *g == "街道").map(|(_, r)| r).collect();
    streets[1][1] = "abc"; // 东屯渡街道's 签收总数, sheet row 4 (a title row, the header, then 定王台街道)
    streets[2][2] = "-1"; // 马王堆街道's 未按时签收数
    streets[3][0] = "火星街到"; // a typo in a name
    streets.pop(); // 隆平高科技园 missing
    let csv = scratch.path().join("bad.csv");
    write_csv(&csv, &streets);
    let output = import(&scratch, &csv, "街道");
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "bad.csv:4:2: error: cell B4 (签收总数, 东屯渡街道): expected a whole number, found `abc`",
        "bad.csv:5:3: error: cell C5 (未按时签收数, 马王堆街道): expected a number of at least 0, found `-1`",
        "bad.csv:6:1: error: row 6: no unit `火星街到` in the group 街道",
        "hint: did you mean `火星街道`?",
        "error: unit `火星街道` of the group 街道 is not in the sheet",
        "error: unit `隆平高科技园管理委员会` of the group 街道 is not in the sheet",
        "5 problems; nothing was written",
    ] {
        assert!(report.contains(expected), "missing `{expected}` in:\n{report}");
    }
    assert_eq!(fs::read_to_string(month.join("units.yaml")).unwrap(), before, "units.yaml changed");

    // A sheet without the header row.
    fs::write(&csv, "a,b\n1,2\n").unwrap();
    let output = import(&scratch, &csv, "街道");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no header row names the units' column (`单位`, `单位名称`, `部门名称`"), "{stderr}");
    assert!(stderr.contains("the figures' columns: 签收总数, 未按时签收数, 未及时退回数, …"), "{stderr}");
}

/// Issue 12, item 1: rates in cells formatted `0.00%` hold 0.01 for 1.00%;
/// they import as the percentage the sheet shows, not 100 times smaller.
#[test]
fn percent_formatted_cells_import_as_the_percentage_they_show() {
    let scratch = Scratch::new("import-percent");
    let (month, original) = setup(&scratch);
    let rows = appendix();
    for group in ["街道", "区直部门"] {
        let rows: Vec<Vec<&str>> = rows.iter().filter(|(g, _)| *g == group).map(|(_, r)| r.clone()).collect();
        let xlsx = scratch.path().join(format!("{group}.xlsx"));
        write_xlsx(&xlsx, &rows, Rates::PercentCells);
        let output = import(&scratch, &xlsx, group);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let imported = fs::read_to_string(month.join("units.yaml")).unwrap();
    // 东屯渡街道's 延期办理率 is 7.00% in the reference, stored as 0.07.
    assert!(imported.contains("extension_rate: 7.00"), "{imported}");
    assert!(imported == original, "the imported units.yaml differs from 2020-03's");

    // A count in a percent cell is refused, not multiplied.
    let mut streets: Vec<Vec<&str>> = rows.iter().filter(|(g, _)| *g == "街道").map(|(_, r)| r.clone()).collect();
    streets[0][1] = "117%";
    let xlsx = scratch.path().join("bad.xlsx");
    write_xlsx(&xlsx, &streets, Rates::PercentCells);
    let output = import(&scratch, &xlsx, "街道");
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        report.contains("cell B2 (签收总数, 定王台街道): expected a whole number, found the percentage 117.00%"),
        "{report}"
    );
}

/// Issue 12, item 15: Chinese Excel's default "CSV" is GBK; it imports as
/// such, and a platform's longer name gets a "did you mean".
#[test]
fn gbk_csv_imports_and_longer_names_get_a_suggestion() {
    let scratch = Scratch::new("import-gbk");
    let (month, original) = setup(&scratch);
    let streets: Vec<Vec<&str>> = appendix().into_iter().filter(|(g, _)| *g == "街道").map(|(_, r)| r).collect();
    let utf8 = scratch.path().join("utf8.csv");
    write_csv(&utf8, &streets);
    let text = fs::read_to_string(&utf8).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let csv = scratch.path().join("街道.csv");
    fs::write(&csv, &gbk).unwrap();
    assert!(std::str::from_utf8(&gbk).is_err(), "the test file must not be UTF-8");
    let output = import(&scratch, &csv, "街道");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let imported = fs::read_to_string(month.join("units.yaml")).unwrap();
    let streets_part = |text: &str| text[..text.find("区直部门").unwrap()].to_owned();
    assert_eq!(streets_part(&imported), streets_part(&original));

    let mut renamed = streets.clone();
    renamed[2][0] = "马王堆街道办事处";
    write_csv(&utf8, &renamed);
    let output = import(&scratch, &utf8, "街道");
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(report.contains("no unit `马王堆街道办事处` in the group 街道"), "{report}");
    assert!(report.contains("hint: did you mean `马王堆街道`?"), "{report}");

    // Bytes that are neither UTF-8 nor GB18030 name the Excel menu to use.
    fs::write(&csv, [0x81u8, 0x20, 0xff, 0xfe, 0x0a]).unwrap();
    let output = import(&scratch, &csv, "街道");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("CSV UTF-8"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A platform's total row (合计) is skipped; a sheet of another group's
/// units says which group it is, once, instead of a line a row.
#[test]
fn total_rows_are_skipped_and_a_wrong_group_is_named() {
    let scratch = Scratch::new("import-total");
    let (month, original) = setup(&scratch);
    let mut streets: Vec<Vec<&str>> = appendix().into_iter().filter(|(g, _)| *g == "街道").map(|(_, r)| r).collect();
    let total = vec![
        "合计", "1000", "0", "1", "0", "990", "3", "99.70%", "0", "1", "800", "790", "98.75%", "1.00%", "0.00%", "", "",
    ];
    streets.push(total);
    let csv = scratch.path().join("街道.csv");
    write_csv(&csv, &streets);
    let output = import(&scratch, &csv, "街道");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let imported = fs::read_to_string(month.join("units.yaml")).unwrap();
    let streets_part = |text: &str| text[..text.find("区直部门").unwrap()].to_owned();
    assert_eq!(streets_part(&imported), streets_part(&original));

    let output = import(&scratch, &csv, "区直部门");
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(report.contains("error: the sheet's rows are units of 街道, not of 区直部门"), "{report}");
    assert!(report.contains("hint: import it with `--group 街道`"), "{report}");
    assert_eq!(report.matches("error:").count(), 1, "{report}");
}
