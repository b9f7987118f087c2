//! Editors' case files: special characters reach the PDF literally and
//! cannot change the layout; rare characters render; a character no font
//! draws is an error at its line and column.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{bulletin, pdf_text, squeeze, Scratch};

fn march_copy(scratch: &Scratch) -> PathBuf {
    let month = scratch.path().join("2020-03");
    common::copy_dir(&common::project().join("months/2020-03"), &month);
    month
}

const SPECIAL: &str =
    "价格 $5 #不是标题 @张三 <备注> \\路径\\ [附] ~约~ `代码` a_b_c 5*3*2 {括号} %百分 &符号 'q' \"dq\"";
const INJECTION: &str = "#set page(fill: red) #read(\"/etc/passwd\") #import \"/style.typ\": * $x^2$ <label> @ref";
const RARE: &str = "生僻字：䶮、𠀾、㑇、堃、喆、镕。";

fn pages(text: &str) -> Vec<String> {
    text.split('\u{c}').map(squeeze).collect()
}

#[test]
fn special_and_rare_characters_print_literally_and_change_nothing_else() {
    let scratch = Scratch::new("cases-special");
    let month = march_copy(&scratch);
    let case = format!(
        "---\ntitle: \"特殊字符 #1 $5 @办公室\"\nunits: [教育局]\n---\n{SPECIAL}\n\n{RARE}\n\n## 小标题 *星* _线_\n- {INJECTION}\n- **加粗** 与 \\**不加粗**\n1. 步骤一\n"
    );
    fs::write(month.join("cases/02-特殊字符.txt"), case).unwrap();
    let out = Scratch::new("cases-special-out");
    let output = bulletin(&["build", month.to_str().unwrap(), "--out", out.str()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = pdf_text(&out.path().join("2020-03.pdf"));
    let all = squeeze(&text);
    for expected in [
        "（二）特殊字符#1$5@办公室",
        &squeeze(SPECIAL),
        &squeeze(RARE),
        "小标题*星*_线_",
        &squeeze(INJECTION),
        "加粗与**不加粗**",
        "1.步骤一",
    ] {
        assert!(all.contains(expected), "the PDF lacks `{expected}`:\n{text}");
    }
    // Numbered because there are two cases now, the first still first.
    assert!(all.contains("（一）韦博教育后续处理困境"), "{text}");

    // Nothing else moved: the pages before the cases and the appendix are
    // the same text as the bundled month's.
    let plain = Scratch::new("cases-special-plain");
    let reference = pdf_text(&common::build_month("2020-03", &plain));
    let (mine, theirs) = (pages(&text), pages(&reference));
    assert_eq!(mine[..2], theirs[..2], "the first pages changed");
    let tail = |p: &[String]| p.iter().rev().filter(|s| !s.is_empty()).take(2).cloned().collect::<Vec<_>>();
    let (mine_tail, theirs_tail) = (tail(&mine), tail(&theirs));
    // Page numbers differ if the case pushed the appendix on, and on the
    // turned appendix pages they may read out anywhere: compare without them.
    let strip = |pages: Vec<String>| -> Vec<String> {
        pages
            .into_iter()
            .map(|page| {
                let mut out = page.clone();
                while let Some(start) = out.find('—') {
                    let rest = &out[start + '—'.len_utf8()..];
                    let digits = rest.chars().take_while(char::is_ascii_digit).count();
                    match rest[digits..].strip_prefix('—') {
                        Some(after) if digits > 0 => out = format!("{}{after}", &out[..start]),
                        _ => break,
                    }
                }
                out
            })
            .collect()
    };
    assert_eq!(strip(mine_tail), strip(theirs_tail), "the appendix changed");
}

#[test]
fn a_character_without_a_glyph_is_an_error_at_its_place() {
    let scratch = Scratch::new("cases-glyph");
    let month = march_copy(&scratch);
    fs::write(month.join("cases/02-私用.txt"), "私用字\n\n第一行\n这里有\u{E000}一个私用区字符。\n").unwrap();
    // Also in a YAML value (a category name), but not in a comment.
    let tickets = month.join("tickets.yaml");
    let text = fs::read_to_string(&tickets).unwrap();
    let text = text.replacen(
        "{ name: 养老保险, count: 87 }",
        "{ name: 养老\u{E000}保险, count: 87 } # \u{E000} in a comment",
        1,
    );
    fs::write(&tickets, text).unwrap();
    let out = Scratch::new("cases-glyph-out");
    let output = bulletin(&["build", month.to_str().unwrap(), "--out", out.str(), "--format", "short"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error: no bundled font has a glyph")).collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(
        errors[0].contains("cases/02-私用.txt:4:4: error: no bundled font has a glyph for `\u{E000}` (U+E000)"),
        "{stderr}"
    );
    let line = fs::read_to_string(&tickets).unwrap().lines().position(|l| l.contains("养老\u{E000}保险")).unwrap() + 1;
    assert!(errors[1].contains(&format!("tickets.yaml:{line}:15: error")), "{stderr}");
    assert!(!out.path().join("2020-03.pdf").exists(), "a PDF was written");

    // `check` says the same, so it never passes what `build` refuses;
    // `--data-only` checks the files alone.
    let checked = bulletin(&["check", month.to_str().unwrap(), "--format", "short"]);
    assert_eq!(checked.status.code(), Some(1));
    let check_stderr = String::from_utf8_lossy(&checked.stderr);
    let check_errors: Vec<&str> =
        check_stderr.lines().filter(|l| l.contains("error: no bundled font has a glyph")).collect();
    assert_eq!(check_errors, errors, "{check_stderr}");
    let data_only = bulletin(&["check", "--data-only", month.to_str().unwrap()]);
    assert_eq!(data_only.status.code(), Some(0), "{}", String::from_utf8_lossy(&data_only.stderr));
}

/// Invisible characters pasted along with text (a zero-width space from a
/// web page, a byte-order mark) never stop a build: they are dropped, and
/// the text around them prints as typed.
#[test]
fn invisible_pasted_characters_are_dropped() {
    let scratch = Scratch::new("cases-invisible");
    let month = march_copy(&scratch);
    fs::write(month.join("cases/02-粘贴.txt"), "粘贴的\u{200B}案例\n\n市民\u{200B}反映\u{2060}问题\u{FEFF}已解决。\n")
        .unwrap();
    let out = Scratch::new("cases-invisible-out");
    let output = bulletin(&["build", month.to_str().unwrap(), "--out", out.str()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = squeeze(&pdf_text(&out.path().join("2020-03.pdf")));
    assert!(text.contains("粘贴的案例") && text.contains("市民反映问题已解决。"), "{text}");
    assert!(!text.contains('\u{200B}'), "a zero-width space printed");
}

#[test]
fn nothing_in_the_cases_folder_goes_missing_unseen() {
    let scratch = Scratch::new("cases-folder");
    let month = march_copy(&scratch);
    let cases = month.join("cases");
    // An upper-case extension (saved on Windows) is still a case.
    fs::write(cases.join("02-b.TXT"), "---\ntitle: 第二个案例\n---\n正文。\n").unwrap();
    fs::write(cases.join("03-c.txt"), "---\ntitle: 第三个案例\norder: 9\n---\n正文。\n").unwrap();
    fs::write(cases.join("04-d.docx"), "PK").unwrap();
    fs::create_dir(cases.join("旧稿")).unwrap();
    fs::write(cases.join(".~lock.04-d.docx#"), "").unwrap();
    let output = bulletin(&["check", "--data-only", "--format", "short", month.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let at = |name: &str| format!("{}: warning: ", month.join("cases").join(name).display());
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("/cases/")).collect();
    assert_eq!(
        lines,
        [
            format!(
                "{}some cases have `order` and some do not; the cases print as （一）cases/03-c.txt (order 9), \
                 （二）cases/01-韦博教育.txt (no order), （三）cases/02-b.TXT (no order)",
                at("01-韦博教育.txt")
            ),
            format!("{}the bulletin does not use this file: a case is a .txt (or .md) file", at("04-d.docx")),
            format!("{}the bulletin does not use this folder", at("旧稿")),
        ],
        "{stderr}"
    );
    // The same number twice.
    fs::write(cases.join("01-韦博教育.txt"), "---\ntitle: 第一个案例\norder: 9\n---\n正文。\n").unwrap();
    fs::write(cases.join("02-b.TXT"), "---\ntitle: 第二个案例\norder: 1\n---\n正文。\n").unwrap();
    let output = bulletin(&["check", "--data-only", "--format", "short", month.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "warning: two cases have `order: 9`; the cases print as （一）cases/02-b.TXT (order 1), \
             （二）cases/01-韦博教育.txt (order 9), （三）cases/03-c.txt (order 9)"
        ),
        "{stderr}"
    );
}

/// Issue 12, item 2: a table pasted from Excel (tab-separated lines) prints
/// as a table, each row on a line of its own, not run together into one
/// paragraph ("未退费韦博教育五一广场店").
#[test]
fn tab_separated_rows_print_as_a_table() {
    let scratch = Scratch::new("cases-table");
    let month = march_copy(&scratch);
    let case = "退费情况\n\n未退费的门店如下：\n门店\t学员数\t状态\n韦博教育五一广场店\t120\t未退费\n韦博教育袁家岭店\t45\t部分退费\n\n其后正文。\n";
    fs::write(month.join("cases/02-退费.txt"), case).unwrap();
    let out = Scratch::new("cases-table-out");
    let output = bulletin(&["build", month.to_str().unwrap(), "--out", out.str()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = pdf_text(&out.path().join("2020-03.pdf"));
    let row = |cells: &[&str]| {
        text.lines().any(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words == cells
        })
    };
    for cells in [
        &["门店", "学员数", "状态"][..],
        &["韦博教育五一广场店", "120", "未退费"],
        &["韦博教育袁家岭店", "45", "部分退费"],
    ] {
        assert!(row(cells), "no table row {cells:?} in:\n{text}");
    }
    assert!(!text.lines().any(|line| squeeze(line).contains("状态韦博教育")), "rows run together:\n{text}");
}
