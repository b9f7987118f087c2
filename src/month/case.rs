//! Typical cases (典型案例) as editors write them: plain text with a little
//! Markdown, parsed into blocks that reach Typst as data.
//!
//! ```text
//! ---
//! title: 韦博教育后续处理困境
//! units: [教育局]
//! order: 1
//! ---
//! 芙蓉区3月以来收到多位市民来电……
//!
//! ## 处理情况
//! - 一项
//! - **加粗**的一项
//! 1. 第一步
//! ```
//!
//! The front matter is optional (without it the first line is the title).
//! Only these constructs mean anything: `#`, `##` or `###` + space at the start of a
//! line (a sub-heading), `- ` or `* ` (a bulleted item), `1. ` (a numbered
//! item), `**…**` within a paragraph (bold), `\**` (two literal asterisks),
//! and blank lines between paragraphs. Every other character — `# $ * _ @
//! < > \ [ ] ~ \``, Chinese enumerations such as "1、…；2、…" — stays as
//! typed, and none can reach Typst as markup.

use serde::{Deserialize, Serialize};

/// What `bulletin new` writes where a case's text is still to come; a case
/// that holds it is not written yet.
pub const TO_FILL: &str = "【待填写】";

/// A run of text within a paragraph, bold or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

/// A block of a case's body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        runs: Vec<Run>,
    },
    Heading {
        runs: Vec<Run>,
    },
    List {
        ordered: bool,
        start: u32,
        items: Vec<Vec<Run>>,
    },
    /// Lines with tabs between their cells, as a table copied from Excel or
    /// WPS pastes; the first line is the header.
    Table {
        rows: Vec<Vec<String>>,
    },
}

/// The front matter's keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    #[serde(default)]
    pub units: Vec<String>,
    pub order: Option<i64>,
}

/// A parsed case file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedCase {
    pub title: String,
    /// Units the case involves, as written (checked by `validate`).
    pub units: Vec<(String, usize)>,
    pub order: Option<i64>,
    pub blocks: Vec<Block>,
    /// Markup that was probably meant but prints as typed (`##标题`, an
    /// unpaired `**`), and tables whose rows have unequal cells.
    pub warnings: Vec<CaseWarning>,
}

/// Markup that prints as typed, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseWarning {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
}

/// What is wrong with a case file, at a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseError {
    pub line: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// Splits `**bold**` runs; `\**` is two literal asterisks. An unpaired
/// `**` stays literal.
pub fn runs(text: &str) -> Vec<Run> {
    let mut pieces: Vec<(String, bool)> = vec![(String::new(), false)];
    let mut markers = Vec::new(); // indices of pieces started by an opening `**`
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'*') {
            let mut lookahead = chars.clone();
            lookahead.next();
            if lookahead.peek() == Some(&'*') {
                chars.next();
                chars.next();
                pieces.last_mut().expect("never empty").0.push_str("**");
                continue;
            }
        }
        if c == '*' && chars.peek() == Some(&'*') {
            chars.next();
            markers.push(pieces.len());
            pieces.push((String::new(), false));
            continue;
        }
        pieces.last_mut().expect("never empty").0.push(c);
    }
    // Pair markers in order; a last unpaired one is literal text.
    let mut bold = vec![false; pieces.len()];
    let mut literal_marker = vec![false; pieces.len()];
    for pair in markers.chunks(2) {
        match pair {
            [open, close] => (*open..*close).for_each(|i| bold[i] = true),
            [open] => literal_marker[*open] = true,
            _ => {}
        }
    }
    let mut out: Vec<Run> = Vec::new();
    for (i, (text, _)) in pieces.into_iter().enumerate() {
        let text = if literal_marker[i] { format!("**{text}") } else { text };
        if text.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.bold == bold[i] => last.text.push_str(&text),
            _ => out.push(Run { text, bold: bold[i] }),
        }
    }
    out
}

/// The character columns (1-based) of the bold markers (`**`) in `text`,
/// as [`runs`] finds them: `\**` is no marker.
fn markers_at(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut chars = text.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_star = |chars: &mut std::iter::Peekable<_>| matches!(chars.peek(), Some((_, '*')));
        if c == '\\' && next_is_star(&mut chars) {
            let mut lookahead = chars.clone();
            lookahead.next();
            if next_is_star(&mut lookahead) {
                chars.next();
                chars.next();
                continue;
            }
        }
        if c == '*' && next_is_star(&mut chars) {
            chars.next();
            found.push(i + 1);
        }
    }
    found
}

fn markers(text: &str) -> usize {
    markers_at(text).len()
}

/// A line that looks like markup but is not, so it prints as typed: a
/// heading without its space (`##标题`), an item without its space (`-项`,
/// `*项`, `1.项`). The warning, or `None`.
fn near_markup(line: &str) -> Option<(String, String)> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    if (1..=3).contains(&hashes) {
        let rest = &line[hashes..];
        if rest.chars().next().is_some_and(|c| !c.is_whitespace() && !c.is_ascii_digit()) {
            let marks = &line[..hashes];
            return Some((
                format!("`{marks}{rest}` prints as typed: a sub-heading needs a space after `{marks}`"),
                format!("write `{marks} {rest}`"),
            ));
        }
    }
    let mut chars = line.chars();
    let first = chars.next()?;
    let second = chars.next();
    if matches!(first, '-' | '*') && second.is_some_and(|c| !c.is_ascii() && !c.is_whitespace()) {
        let rest = &line[1..];
        return Some((
            format!("`{first}{rest}` prints as typed: a list item needs a space after `{first}`"),
            format!("write `{first} {rest}`"),
        ));
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=4).contains(&digits) {
        let rest = &line[digits..];
        if let Some(item) = rest.strip_prefix('.').filter(|r| r.chars().next().is_some_and(|c| !c.is_ascii())) {
            let number = &line[..digits];
            return Some((
                format!("`{number}.{item}` prints as typed: a numbered item needs a space after `{number}.`"),
                format!("write `{number}. {item}`"),
            ));
        }
    }
    None
}

/// The cells of a table row, or `None` for a line that is not one. `raw`
/// keeps its tabs; `line` is trimmed. A first row needs a tab between two
/// cells (leading tabs alone are an indent, trailing ones a slip) and keeps
/// its leading empty cells; a row of an open table is any line with a tab,
/// its empty cells at either end kept.
fn table_cells(raw: &str, line: &str, in_table: bool) -> Option<Vec<String>> {
    let cells = |text: &str| text.split('\t').map(|c| c.trim().to_owned()).collect::<Vec<_>>();
    if in_table {
        return raw.contains('\t').then(|| cells(raw));
    }
    if !line.contains('\t') || numbered_line(line).is_some() {
        return None;
    }
    Some(cells(raw.trim_end_matches('\t')))
}

/// A numbered line as Word and WPS paste their automatic numbering, the
/// number and the text parted by a tab (`1.\t内容`, `一、\t基本情况`,
/// `（一）\t…`): the line as typed by hand, which is text, not a table row.
fn numbered_line(line: &str) -> Option<String> {
    let (marker, rest) = line.split_once('\t')?;
    let rest = rest.trim_start_matches('\t');
    if rest.contains('\t') {
        return None;
    }
    let chinese =
        |s: &str| !s.is_empty() && s.chars().all(|c| "一二三四五六七八九十百零".contains(c) || c.is_ascii_digit());
    let marker = marker.trim();
    if let Some(n) = marker.strip_suffix('.').filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())) {
        return Some(format!("{n}. {rest}"));
    }
    let cjk = marker.strip_suffix('、').is_some_and(chinese)
        || marker.strip_prefix('（').and_then(|m| m.strip_suffix('）')).is_some_and(chinese)
        || marker.strip_prefix('(').and_then(|m| m.strip_suffix(')')).is_some_and(chinese)
        || matches!(marker, "•" | "·" | "●" | "○" | "■" | "□" | "◆");
    cjk.then(|| format!("{marker}{rest}"))
}

/// Whether `text` ends a sentence: 。！？ (or their ASCII forms), perhaps
/// followed by closing quotes or brackets (。” ！）).
pub(crate) fn ends_sentence(text: &str) -> bool {
    let text = text.trim_end_matches(['”', '’', '）', '」', '』', '】', ')', '"', '\'']);
    text.ends_with(['。', '！', '？', '!', '?', '…'])
}

/// `- item`, `* item` → (false, 1, item); `12. item` → (true, 12, item).
fn list_item(line: &str) -> Option<(bool, u32, &str)> {
    // The space may be a full-width one, as a Chinese input method types it.
    let after = |marker: &str| line.strip_prefix(marker).and_then(|r| r.strip_prefix([' ', '\u{3000}']));
    if let Some(rest) = after("-").or_else(|| after("*")) {
        return Some((false, 1, rest.trim_start()));
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=4).contains(&digits) {
        let rest = &line[digits..];
        if let Some(item) = rest.strip_prefix('.').and_then(|r| r.strip_prefix([' ', '\u{3000}'])) {
            return line[..digits].parse().ok().map(|n| (true, n, item.trim_start()));
        }
    }
    None
}

/// `# x`, `## x`, `### x` → x.
fn heading(line: &str) -> Option<&str> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    if (1..=3).contains(&hashes) {
        line[hashes..].strip_prefix([' ', '\u{3000}']).map(|t| t.trim_matches(|c: char| c.is_whitespace()))
    } else {
        None
    }
}

/// Parses a case file's text.
pub fn parse(text: &str) -> Result<ParsedCase, CaseError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut front = FrontMatter::default();
    let mut body_start = 0;
    let first = lines.iter().position(|l| !l.trim().is_empty());
    if let Some(first) = first.filter(|&i| lines[i].trim() == "---") {
        let end =
            lines[first + 1..].iter().position(|l| l.trim() == "---").map(|i| first + 1 + i).ok_or(CaseError {
                line: first + 1,
                message: "the front matter opened with `---` is not closed".into(),
                hint: Some("end it with a line `---`".into()),
            })?;
        let yaml = lines[first + 1..end].join("\n");
        front = serde_yaml::from_str::<Option<FrontMatter>>(&yaml)
            .map_err(|err| {
                let message = err.to_string();
                let message = message.split(" at line ").next().unwrap_or_default();
                let unknown = message.strip_prefix("unknown field `").and_then(|rest| rest.split('`').next());
                let (message, hint) =
                    if let (Some(key), Some(hint)) = (unknown, crate::diag::unknown_field_hint(message)) {
                        (format!("unknown key `{key}`"), hint)
                    } else if message.starts_with("units:") {
                        (
                            "`units` is not a list".to_owned(),
                            "a list, even of one unit: `units: [教育局]` or `units: [教育局, 韭菜园街道]`".to_owned(),
                        )
                    } else if message.starts_with("order:") {
                        ("`order` is not a whole number".to_owned(), "e.g. `order: 2`".to_owned())
                    } else {
                        (message.to_owned(), "the keys are `title`, `units` (a list) and `order` (a number)".to_owned())
                    };
                CaseError {
                    line: first + 1 + err.location().map_or(1, |l| l.line()),
                    message: format!("front matter: {message}"),
                    hint: Some(hint),
                }
            })?
            .unwrap_or_default();
        body_start = end + 1;
    }
    let units: Vec<(String, usize)> = front
        .units
        .iter()
        .map(|unit| {
            let line = lines[..body_start].iter().position(|l| l.contains(unit.as_str())).map_or(1, |i| i + 1);
            (unit.clone(), line)
        })
        .collect();

    // Title: from the front matter, else the first non-empty body line.
    let mut body: Vec<(usize, &str)> =
        lines.iter().enumerate().skip(body_start).map(|(i, l)| (i + 1, l.trim())).collect();
    let (title, title_line) = match front.title.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        Some(title) => (title, 1),
        None => {
            let Some(at) = body.iter().position(|(_, l)| !l.is_empty()) else {
                return Err(CaseError {
                    line: 1,
                    message: "the case is empty".into(),
                    hint: Some(
                        "the first line is the case's title; the paragraphs follow, separated by blank lines".into(),
                    ),
                });
            };
            let (line, title) = body.remove(at);
            body.drain(..at);
            (heading(title).unwrap_or(title).to_owned(), line)
        }
    };

    let mut blocks: Vec<Block> = Vec::new();
    let mut warnings = Vec::new();
    // The paragraph being gathered: its text and its lines' (number, bold
    // markers), to place an unpaired `**` at its line.
    let mut paragraph = (String::new(), Vec::<(usize, usize)>::new());
    // An unpaired marker is the last one of its line.
    let unpaired = |line: usize, warnings: &mut Vec<CaseWarning>| {
        warnings.push(CaseWarning {
            line,
            column: markers_at(lines[line - 1]).last().copied().unwrap_or(1),
            message: "an unpaired `**` prints as typed".into(),
            hint: "close the bold text with a second `**`, or write `\\**` for two asterisks".into(),
        });
    };
    let flush =
        |paragraph: &mut (String, Vec<(usize, usize)>), blocks: &mut Vec<Block>, warnings: &mut Vec<CaseWarning>| {
            if paragraph.0.is_empty() {
                return;
            }
            let total: usize = paragraph.1.iter().map(|(_, n)| n).sum();
            if total % 2 == 1 {
                // The last marker is the unpaired one: find its line.
                let mut seen = 0;
                let line = paragraph.1.iter().find(|(_, n)| {
                    seen += n;
                    seen == total
                });
                unpaired(line.map_or(1, |(l, _)| *l), warnings);
            }
            blocks.push(Block::Paragraph { runs: runs(&paragraph.0) });
            paragraph.0.clear();
            paragraph.1.clear();
        };
    // The line of the last table row, to tell a table's next row from a
    // new table (a blank line ends a table); and where each table starts.
    let mut table_row: Option<usize> = None;
    let mut tables: Vec<(usize, usize)> = Vec::new();
    for (number, line) in body {
        // Tabs are kept here (only spaces trimmed): a row's leading and
        // trailing tabs are its empty cells.
        let raw = lines[number - 1].trim_matches([' ', '\u{3000}', '\r']);
        let in_table = table_row == Some(number - 1);
        let cells = table_cells(raw, line, in_table);
        let marker_line = (cells.is_none() && !in_table).then(|| numbered_line(line)).flatten();
        let line = marker_line.as_deref().unwrap_or(line);
        if line.is_empty() {
            flush(&mut paragraph, &mut blocks, &mut warnings);
        } else if let Some(row) = cells {
            // A row of a table pasted from a spreadsheet.
            flush(&mut paragraph, &mut blocks, &mut warnings);
            table_row = Some(number);
            match blocks.last_mut() {
                Some(Block::Table { rows }) if in_table => {
                    let width = rows[0].len();
                    if row.len() != width {
                        let (what, hint) = if row.len() < width {
                            ("fewer", "cells are separated by tabs; the missing cells print empty")
                        } else {
                            ("more", "cells are separated by tabs; the first row gets empty cells to match")
                        };
                        warnings.push(CaseWarning {
                            line: number,
                            column: 1,
                            message: format!(
                                "this table row has {} cells, {what} than the first row's {width}",
                                row.len()
                            ),
                            hint: hint.into(),
                        });
                    }
                    rows.push(row);
                }
                _ => {
                    tables.push((blocks.len(), number));
                    blocks.push(Block::Table { rows: vec![row] });
                }
            }
        } else if let Some(text) = heading(line) {
            flush(&mut paragraph, &mut blocks, &mut warnings);
            if markers(text) % 2 == 1 {
                unpaired(number, &mut warnings);
            }
            blocks.push(Block::Heading { runs: runs(text) });
        } else if let Some((ordered, start, item)) = list_item(line) {
            flush(&mut paragraph, &mut blocks, &mut warnings);
            if markers(item) % 2 == 1 {
                unpaired(number, &mut warnings);
            }
            match blocks.last_mut() {
                Some(Block::List { ordered: o, items, .. }) if *o == ordered => items.push(runs(item)),
                _ => blocks.push(Block::List { ordered, start, items: vec![runs(item)] }),
            }
        } else {
            if let Some((message, hint)) = near_markup(line) {
                let column = lines[number - 1].chars().take_while(|c| c.is_whitespace()).count() + 1;
                warnings.push(CaseWarning { line: number, column, message, hint });
            }
            // A line after one that ends a sentence starts a paragraph: text
            // pasted from Word or WPS has a paragraph a line, no blank line
            // between. Other lines of a paragraph join without a space
            // (Chinese has none).
            // A line Word numbered was a paragraph of its own there.
            if ends_sentence(&paragraph.0) || marker_line.is_some() {
                flush(&mut paragraph, &mut blocks, &mut warnings);
            }
            paragraph.0.push_str(line);
            paragraph.1.push((number, markers(line)));
            if marker_line.is_some() {
                flush(&mut paragraph, &mut blocks, &mut warnings);
            }
        }
    }
    flush(&mut paragraph, &mut blocks, &mut warnings);
    // A lone line with tabs is a table of one row, most likely meant as text.
    for (at, line) in tables {
        if matches!(&blocks[at], Block::Table { rows } if rows.len() == 1) {
            warnings.push(CaseWarning {
                line,
                column: 1,
                message: "this line has tabs, so it prints as a table of one row".into(),
                hint: "a table needs two lines or more; if it is text, replace the tabs with spaces or commas".into(),
            });
        }
    }
    // Rows shorter than the widest print with empty cells.
    for block in &mut blocks {
        if let Block::Table { rows } = block {
            let width = rows.iter().map(Vec::len).max().unwrap_or(0);
            rows.iter_mut().for_each(|row| row.resize(width, String::new()));
        }
    }
    if blocks.is_empty() {
        return Err(CaseError {
            line: title_line,
            message: "the case has no text after its title".into(),
            hint: Some("the first line is the case's title; the paragraphs follow, separated by blank lines".into()),
        });
    }
    Ok(ParsedCase { title, units, order: front.order, blocks, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Run {
        Run { text: text.into(), bold: false }
    }

    fn bold(text: &str) -> Run {
        Run { text: text.into(), bold: true }
    }

    #[test]
    fn bold_runs_and_literal_asterisks() {
        let cases: &[(&str, Vec<Run>)] = &[
            ("无格式", vec![plain("无格式")]),
            ("前**粗**后", vec![plain("前"), bold("粗"), plain("后")]),
            ("5*3*2 与 a_b_c", vec![plain("5*3*2 与 a_b_c")]),
            ("未配对**星号", vec![plain("未配对**星号")]),
            (r"转义\**不粗**", vec![plain("转义**不粗**")]),
            ("**全粗**", vec![bold("全粗")]),
        ];
        for (text, expected) in cases {
            assert_eq!(&runs(text), expected, "{text}");
        }
    }

    #[test]
    fn blocks_headings_and_lists() {
        let case =
            parse("标题\n\n第一段\n续行\n\n## 小标题\n- 甲\n- **乙**\n\n3. 三\n4. 四\n1、中文编号；2、照样保留\n")
                .unwrap();
        assert_eq!(case.title, "标题");
        assert_eq!(
            case.blocks,
            [
                Block::Paragraph { runs: vec![plain("第一段续行")] },
                Block::Heading { runs: vec![plain("小标题")] },
                Block::List { ordered: false, start: 1, items: vec![vec![plain("甲")], vec![bold("乙")]] },
                Block::List { ordered: true, start: 3, items: vec![vec![plain("三")], vec![plain("四")]] },
                Block::Paragraph { runs: vec![plain("1、中文编号；2、照样保留")] },
            ]
        );
    }

    #[test]
    fn front_matter() {
        let case = parse("---\ntitle: 案例\nunits: [教育局, 韭菜园街道]\norder: 2\n---\n正文\n").unwrap();
        assert_eq!(case.title, "案例");
        assert_eq!(case.units, [("教育局".to_owned(), 3), ("韭菜园街道".to_owned(), 3)]);
        assert_eq!(case.order, Some(2));
        assert_eq!(case.blocks, [Block::Paragraph { runs: vec![plain("正文")] }]);
        let unclosed = parse("---\ntitle: 案例\n正文\n").unwrap_err();
        assert_eq!(unclosed.line, 1);
        let unknown = parse("---\ntitel: 案例\n---\n正文\n").unwrap_err();
        assert_eq!(unknown.message, "front matter: unknown key `titel`");
        assert_eq!(unknown.hint.as_deref(), Some("did you mean `title`?"));
        let single = parse("---\nunits: 教育局\n---\n正文\n").unwrap_err();
        assert_eq!(single.message, "front matter: `units` is not a list");
    }

    #[test]
    fn special_characters_stay_literal() {
        let text = "标题 #1\n\n价格 $5 @张三 <备注> \\路径\\ [附] ~约~ `代码` a_b #不是标题\n";
        let case = parse(text).unwrap();
        assert_eq!(case.title, "标题 #1");
        assert_eq!(
            case.blocks,
            [Block::Paragraph {
                runs: vec![plain("价格 $5 @张三 <备注> \\路径\\ [附] ~约~ `代码` a_b #不是标题")]
            }]
        );
    }

    /// A paragraph a line, as pasted from Word or WPS: a line after a
    /// sentence's end starts a paragraph; a line broken mid-sentence joins.
    #[test]
    fn a_line_after_a_sentence_end_starts_a_paragraph() {
        let case = parse("标题\n第一段。\n第二段说：“好。”\n第三段，\n续写。\n").unwrap();
        assert_eq!(
            case.blocks,
            [
                Block::Paragraph { runs: vec![plain("第一段。")] },
                Block::Paragraph { runs: vec![plain("第二段说：“好。”")] },
                Block::Paragraph { runs: vec![plain("第三段，续写。")] },
            ]
        );
    }

    /// Issue 12, item 2: rows pasted from Excel keep their cells and rows.
    #[test]
    fn tab_separated_lines_are_a_table() {
        let text = "标题\n\n未退费学员如下：\n姓名\t金额\t门店\n张三\t3000\t韦博教育五一广场店\n李四\t\t\n\n其后正文\n";
        let case = parse(text).unwrap();
        assert_eq!(
            case.blocks,
            [
                Block::Paragraph { runs: vec![plain("未退费学员如下：")] },
                Block::Table {
                    rows: vec![
                        vec!["姓名".into(), "金额".into(), "门店".into()],
                        vec!["张三".into(), "3000".into(), "韦博教育五一广场店".into()],
                        vec!["李四".into(), String::new(), String::new()],
                    ]
                },
                Block::Paragraph { runs: vec![plain("其后正文")] },
            ]
        );
        assert_eq!(case.warnings, []);
        // A short row is padded, with a warning at its line.
        let case = parse("标题\n甲\t乙\t丙\n一\t二\n").unwrap();
        assert_eq!(
            case.blocks,
            [Block::Table {
                rows: vec![vec!["甲".into(), "乙".into(), "丙".into()], vec!["一".into(), "二".into(), String::new()]]
            }]
        );
        assert_eq!(case.warnings.len(), 1);
        assert_eq!(case.warnings[0].line, 3);

        // Leading tabs are empty cells in a table, an indent in a paragraph;
        // a blank line ends a table; a lone tab line is warned about.
        let case = parse("标题\n\t三月\t四月\n投诉\t3\t4\n\n\t缩进的段落。\n\n甲\t乙\n").unwrap();
        assert_eq!(
            case.blocks,
            [
                Block::Table {
                    rows: vec![
                        vec![String::new(), "三月".into(), "四月".into()],
                        vec!["投诉".into(), "3".into(), "4".into()]
                    ]
                },
                Block::Paragraph { runs: vec![plain("缩进的段落。")] },
                Block::Table { rows: vec![vec!["甲".into(), "乙".into()]] },
            ]
        );
        assert_eq!(case.warnings.len(), 1, "{:?}", case.warnings);
        assert_eq!(
            (case.warnings[0].line, case.warnings[0].message.as_str()),
            (7, "this line has tabs, so it prints as a table of one row")
        );

        // Word's automatic numbering pastes a tab after the number: text.
        let case = parse("标题\n一、\t基本情况\n（一）\t受理情况。\n1.\t第一项\n2.\t第二项\n").unwrap();
        assert_eq!(
            case.blocks,
            [
                Block::Paragraph { runs: vec![plain("一、基本情况")] },
                Block::Paragraph { runs: vec![plain("（一）受理情况。")] },
                Block::List {
                    ordered: true, start: 1, items: vec![vec![plain("第一项")], vec![plain("第二项")]]
                },
            ]
        );
        assert!(case.warnings.is_empty(), "{:?}", case.warnings);
    }

    /// Issue 12, item 17: markup that was meant but prints as typed.
    #[test]
    fn near_markup_is_a_warning_at_its_line() {
        let text = "标题\n\n##处理情况\n-一项\n1.第一步\n正文**未闭合\n续行\n\n## 小标题**\n正常 **粗** 与 \\** 与 1.5万元 与 #3栋\n#3栋在前\n\n##　全角空格的小标题\n-　全角空格的项\n";
        let case = parse(text).unwrap();
        let found: Vec<(usize, &str)> = case.warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (3, "`##处理情况` prints as typed: a sub-heading needs a space after `##`"),
                (4, "`-一项` prints as typed: a list item needs a space after `-`"),
                (5, "`1.第一步` prints as typed: a numbered item needs a space after `1.`"),
                (6, "an unpaired `**` prints as typed"),
                (9, "an unpaired `**` prints as typed"),
            ]
        );
        // A full-width space after the marker works as the space.
        assert!(case.blocks.contains(&Block::Heading { runs: vec![plain("全角空格的小标题")] }), "{:?}", case.blocks);
        assert!(case.blocks.contains(&Block::List {
            ordered: false,
            start: 1,
            items: vec![vec![plain("全角空格的项")]]
        }));
    }

    #[test]
    fn empty_cases_are_errors() {
        assert_eq!(parse("").unwrap_err().message, "the case is empty");
        assert_eq!(parse("只有标题\n").unwrap_err().message, "the case has no text after its title");
    }
}
