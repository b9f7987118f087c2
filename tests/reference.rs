//! The March 2020 bulletin, built from `months/2020-03`, against the real
//! bulletin it reproduces (`tests/reference/2020-03-bulletin.txt`, a copy of
//! the office's text).
//!
//! Every table row of the reference, sections 一 to 四 and both appendix
//! tables (all 16 figures of each unit), must appear as a line of the PDF's
//! text, in the reference's order; every sentence and heading must appear
//! too. The only differences allowed are the three corrections README.md
//! lists ("The bundled month and its reference"), applied to the reference
//! here and nowhere else:
//!
//! 1. 行政审批服务局 (full marks, 100% satisfaction, 32 tickets) meets the
//!    well-performing criteria; the hand-made list forgot it. The computed
//!    list has it after the other departments.
//! 2. Headings are numbered in sequence: the reference's second "（二）"
//!    under section 二 is "（三）".
//! 3. The appendix's "三、区直部门" is the department table continued on the
//!    next page: one table with a repeated header, so no heading "三、".

mod common;

use common::{build_month, pdf_text, squeeze, Scratch};

const REFERENCE: &str = include_str!("reference/2020-03-bulletin.txt");

/// A table row's cells with white space inside each cell removed.
fn cells(row: &str) -> Vec<String> {
    row.split('\t').map(squeeze).filter(|c| !c.is_empty()).collect()
}

/// Header rows are laid out over several lines in the PDF (their cells
/// wrap), so only data rows are compared cell by cell; headers are text.
fn is_header(row: &str) -> bool {
    let first = row.split('\t').next().map(squeeze).unwrap_or_default();
    first.is_empty() || ["单位", "类型", "部门名称"].contains(&first.as_str())
}

/// The reference's lines with the three corrections applied.
fn corrected_reference() -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_department_list = false;
    for line in REFERENCE.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        // Correction 3: no heading for the continued department table.
        if line.starts_with("三、区直部门") {
            continue;
        }
        // Correction 2: sequential numbering.
        if line.starts_with("（二）满意度低于") {
            lines.push(line.replacen("（二）", "（三）", 1));
            continue;
        }
        // Correction 1: the well-performing list, computed.
        if in_department_list {
            assert!(line.contains("医疗保障局、"), "the reference's list changed: {line}");
            lines.push(line.replacen("医疗保障局、", "医疗保障局、行政审批服务局、", 1));
            in_department_list = false;
            continue;
        }
        if line.starts_with("（一）我区“12345”市民服务热线工作完成度较好单位") {
            in_department_list = true;
        }
        lines.push(line.to_owned());
    }
    lines
}

#[test]
fn march_2020_matches_the_reference() {
    let out = Scratch::new("reference");
    let pdf = build_month("2020-03", &out);
    assert_matches_reference(&pdf_text(&pdf));
}

/// The month read by the reader every office's goes through, under
/// Furong's definition as bundled: its checks hold, and the one warning is
/// acknowledged by the code the definition gives it.
#[test]
fn the_definitions_checks_hold_and_its_warning_is_acknowledged() {
    let scratch = Scratch::new("reference-checks");
    let office = scratch.path().join("furong");
    common::copy_dir(&common::project().join("months/2020-03"), &office.join("months/2020-03"));
    let month = office.join("months/2020-03");
    let output = common::bulletin(&["build", month.to_str().unwrap(), "--out", scratch.str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // The definition's checks hold, and the one warning (the city's count
    // of our tickets, 2120, is not the units' 2172) is acknowledged by the
    // code the definition gives it.
    assert!(!stderr.contains("warning"), "{stderr}");

    let month_yaml = std::fs::read_to_string(month.join("month.yaml")).unwrap();
    let unacknowledged: String =
        month_yaml.lines().filter(|l| !l.contains("tickets-total")).map(|l| format!("{l}\n")).collect();
    std::fs::write(month.join("month.yaml"), unacknowledged.replace("acknowledge:\n", "")).unwrap();
    let output = common::bulletin(&["check", "--strict", month.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("市平台公布的本区月工单数（2120件）与各单位签收合计（2172件，units.yaml）不同"),
        "{stderr}"
    );
    assert!(stderr.contains("city.yaml:5:14"), "at the district's tickets: {stderr}");
    assert!(stderr.contains("under `acknowledge:`: `tickets-total: 理由`"), "{stderr}");
}

/// Every table row and every line of text of the (corrected) reference is
/// in `text`, the PDF's, in order.
fn assert_matches_reference(text: &str) {
    let pdf_rows: Vec<Vec<String>> = text.lines().map(|l| l.split_whitespace().map(str::to_owned).collect()).collect();
    // Running text may cross a page: leave the page numbers out.
    let body: Vec<&str> = text.lines().filter(|l| !common::is_page_number(l)).collect();
    let pdf_squeezed = squeeze(&body.join("\n"));
    let reference = corrected_reference();

    // Table rows: each data row is a PDF line with the same cells, in order.
    let mut next_line = 0;
    let mut rows_checked = 0;
    for row in reference.iter().filter(|l| l.contains('\t') && !is_header(l)) {
        let expected = cells(row);
        let found = pdf_rows[next_line..].iter().position(|cells| *cells == expected);
        let Some(offset) = found else {
            panic!(
                "reference row {expected:?} is not a line of the PDF after line {next_line}:\n{}",
                text.lines().skip(next_line).take(40).collect::<Vec<_>>().join("\n")
            );
        };
        next_line += offset + 1;
        rows_checked += 1;
    }
    // 5 districts, 4 + 4 units, 3 category rows, 1 business row, 3 topic
    // rows (names, counts, shares), 14 + 29 units.
    assert_eq!(rows_checked, 5 + 4 + 4 + 3 + 1 + 3 + 14 + 29);

    // Text lines (sentences, headings, lists, the case, the sign-off): each,
    // white space removed, appears in the PDF's text in order. The
    // reference's text breaks one word across lines ("回" / "访不满意", a copy
    // artifact); those two lines are joined.
    let mut prose: Vec<String> = Vec::new();
    for line in reference.iter().filter(|l| !l.contains('\t')) {
        let line = squeeze(line);
        match prose.last_mut() {
            Some(previous) if previous.ends_with('回') && line.starts_with('访') => previous.push_str(&line),
            _ => prose.push(line),
        }
    }
    let mut cursor = 0;
    for item in &prose {
        // The appendix page is labelled "附件" (GB/T 9704), the reference "附件：".
        let item = if cursor > 0 && item == "附件：" && pdf_squeezed[cursor..].find(item.as_str()).is_none() {
            "附件"
        } else {
            item.as_str()
        };
        match pdf_squeezed[cursor..].find(item) {
            Some(at) => cursor += at + item.len(),
            None => panic!("reference text not found in order in the PDF: {item}"),
        }
    }
    // The title, 10 headings (一 to 五 and their sub-headings), 3 sentences,
    // the list, the case's title and 5 paragraphs, the attachment note (2
    // lines), issuer and date, and the appendix's label, title and 2 group
    // headings.
    assert_eq!(prose.len(), 1 + 10 + 3 + 1 + 6 + 2 + 2 + 4, "text lines checked");
}

#[test]
fn builds_are_byte_identical() {
    let first = Scratch::new("identical-a");
    let second = Scratch::new("identical-b");
    let a = std::fs::read(build_month("2020-03", &first)).expect("first PDF");
    let b = std::fs::read(build_month("2020-03", &second)).expect("second PDF");
    assert!(a.starts_with(b"%PDF-"), "not a PDF");
    assert!(a == b, "two builds of 2020-03 differ ({} vs {} bytes)", a.len(), b.len());
}

#[test]
fn pdf_embeds_only_bundled_fonts() {
    let out = Scratch::new("fonts");
    let pdf = build_month("2020-03", &out);
    let output = std::process::Command::new("pdffonts").arg(&pdf).output().expect("pdffonts (poppler-utils) runs");
    let listing = String::from_utf8_lossy(&output.stdout);
    let fonts: Vec<&str> = listing.lines().skip(2).filter_map(|l| l.split_whitespace().next()).collect();
    assert!(!fonts.is_empty(), "no fonts in the PDF:\n{listing}");
    for font in &fonts {
        // Subset fonts are named ABCDEF+Family-Style.
        let name = font.split_once('+').map_or(*font, |(_, name)| name);
        assert!(
            name.starts_with("Fandol") || name.starts_with("NotoSerifCJK"),
            "unexpected font {font} in the PDF:\n{listing}"
        );
    }
    // Each GB/T 9704 role has its face: title, body, headings, page numbers.
    for family in
        ["FandolSong-Bold", "FandolFang-Regular", "FandolHei-Regular", "FandolKai-Regular", "FandolSong-Regular"]
    {
        assert!(fonts.iter().any(|f| f.contains(family)), "{family} is not used:\n{listing}");
    }
}

#[test]
fn page_numbers_are_dashed() {
    let out = Scratch::new("pages");
    let pdf = build_month("2020-03", &out);
    let text = pdf_text(&pdf);
    // pdftotext ends every page with a form feed.
    let pages = text.matches('\u{c}').count();
    let text = squeeze(&text);
    assert!(pages >= 4, "expected several pages, found {pages}");
    for n in 1..=pages {
        assert!(text.contains(&format!("—{n}—")), "page number — {n} — is missing");
    }
}

/// Issue 12, item 19: no glue between Chinese and Latin digits, so the text
/// reads (and a viewer's search finds) "2020年3月" as typed, not "2020 年 3 月".
#[test]
fn chinese_and_digits_read_without_spaces() {
    let out = Scratch::new("reference-spacing");
    let pdf = build_month("2020-03", &out);
    let raw = common::pdf_raw_text(&pdf);
    for expected in
        ["2020年3月芙蓉区“12345”市民服务热线", "3月份，我区“12345”市民服务热线", "涉疫工单435件", "2020年4月17日"]
    {
        assert!(raw.contains(expected), "`{expected}` does not read as typed:\n{raw}");
    }
    assert!(!raw.contains("2020 年"), "a space between 2020 and 年:\n{raw}");
}
