//! The pages as they look, not only as their text reads: a layout fault
//! that keeps the text (a stranded 落款, a split table, a changed font
//! size) fails here.
//!
//! - The page references: the bundled month (final and draft), a month with
//!   a long case, a quarter with its charts and two unit sheets, each page rasterised by typst-render
//!   at a low resolution and compared with `tests/reference/pages/*.png`.
//!   `BULLETIN_UPDATE=1 cargo test --test pages` rewrites them; look at
//!   each changed PNG before committing it. A page that differs is written
//!   to `target/pages/` beside its reference.
//! - Rules of GB/T 9704-2012 checked on the laid-out frames (issue 12):
//!   the 落款 never alone on a page, sub-headings kept with their text,
//!   short tables not split, table headers broken between words only, CJK
//!   punctuation at full width, no 楷体 old-style digits, the 落款's
//!   position, the body on the 22-line grid, page numbers of the landscape
//!   appendix where the other pages have them.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use bulletin::render::{self, pdf::Job};
use bulletin::{CheckOptions, Resources};
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst_layout::PagedDocument;

use common::Scratch;

fn resources() -> Resources {
    let project = common::project();
    Resources::load(&project.join("layouts"), &project.join("fonts")).expect("layouts and fonts load")
}

/// The layouts the rules of GB/T 9704 are checked on: Furong's sections
/// through layouts/office.typ (one, now that the bundled layout is gone;
/// the tests stay written for several).
#[derive(Clone, Copy, Debug)]
enum Layout {
    Sections,
}

const LAYOUTS: [Layout; 1] = [Layout::Sections];

/// A copy of the bundled month in `scratch`, changed by `edit`, laid out
/// by `layout`.
fn month_copy_as(layout: Layout, scratch: &Scratch, edit: impl FnOnce(&Path)) -> PathBuf {
    let month = scratch.path().join("2020-03");
    common::copy_dir(&common::project().join("months/2020-03"), &month);
    let Layout::Sections = layout;
    edit(&month);
    month
}

fn month_copy(scratch: &Scratch, edit: impl FnOnce(&Path)) -> PathBuf {
    month_copy_as(Layout::Sections, scratch, edit)
}

/// The bundled month laid out each way.
/// (`test` names the scratch folders: tests run side by side.)
fn bundled_documents(test: &str, resources: &Resources) -> Vec<(Layout, PagedDocument)> {
    LAYOUTS
        .iter()
        .map(|&layout| {
            let scratch = Scratch::new(&format!("pages-{test}-{layout:?}"));
            (layout, bulletin_pages(&month_copy_as(layout, &scratch, |_| {}), resources))
        })
        .collect()
}

fn append_to_case(month: &Path, text: &str) {
    let case = month.join("cases/01-韦博教育.txt");
    let mut body = fs::read_to_string(&case).unwrap();
    body.push_str(text);
    fs::write(case, body).unwrap();
}

/// The bulletin of a month folder, laid out as `bulletin build` lays it
/// out under the month's definition.
fn bulletin_pages(month: &Path, resources: &Resources) -> PagedDocument {
    bulletin::lay_out(month, resources).unwrap_or_else(|failure| {
        panic!("{} does not lay out: {failure:?}", month.display());
    })
}

/// The laid-out sheet of one unit of the bundled month, as `distribute` makes it.
fn sheet_pages(unit: &str, resources: &Resources) -> PagedDocument {
    let month_dir = common::project().join("months/2020-03");
    let (month, _) = bulletin::check_issue(&month_dir, CheckOptions::default()).expect("the bundled month checks");
    let history = bulletin::publish::office_sheet::History::scan(&month_dir, &month);
    let sheets = bulletin::publish::office_sheet::sheets(&month, &history).expect("sheet data");
    let sheet = sheets.iter().find(|s| s.unit.id == unit).expect("the unit has a sheet");
    let job: Job = bulletin::publish::distribute::office_sheet_job(sheet).expect("the sheet's data");
    render::pdf::document(job, &resources.world).expect("the sheet lays out")
}

// ── Page references ─────────────────────────────────────────────────────

/// Pixels per point: about 36 dpi, enough to see every line and rule.
const PIXEL_PER_PT: f64 = 0.5;
/// A pixel differs when its grey level moves by more than this; a page differs
/// when more than `MAX_DIFFERENT` of its pixels do (antialiasing noise).
const CHANNEL_TOLERANCE: u8 = 40;
const MAX_DIFFERENT: f64 = 0.0005;

fn reference_dir() -> PathBuf {
    common::project().join("tests/reference/pages")
}

/// A page in grey levels: its size and one byte a pixel.
struct Grey {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Grey {
    fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, self.width, self.height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("PNG header");
        writer.write_image_data(&self.pixels).expect("PNG data");
        writer.finish().expect("PNG end");
        bytes
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().ok()?;
        let mut pixels = vec![0; reader.output_buffer_size()?];
        let info = reader.next_frame(&mut pixels).ok()?;
        (info.color_type == png::ColorType::Grayscale && info.bit_depth == png::BitDepth::Eight).then(|| {
            pixels.truncate(info.buffer_size());
            Self { width: info.width, height: info.height, pixels }
        })
    }
}

/// Each page rasterised by typst-render, in grey levels (the pages are
/// opaque: white paper under everything).
fn rasterise(document: &PagedDocument) -> Vec<Grey> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(PIXEL_PER_PT),
        ..typst_render::RenderOptions::default()
    };
    document
        .pages()
        .iter()
        .map(|page| {
            let pixmap = typst_render::render(page, &options);
            let pixels = pixmap
                .data()
                .chunks(4)
                .map(|p| ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8)
                .collect();
            Grey { width: pixmap.width(), height: pixmap.height(), pixels }
        })
        .collect()
}

/// The share of pixels that differ beyond the tolerance, or `None` when
/// the sizes differ.
fn difference(a: &Grey, b: &Grey) -> Option<f64> {
    if (a.width, a.height) != (b.width, b.height) {
        return None;
    }
    let different = a.pixels.iter().zip(&b.pixels).filter(|(x, y)| x.abs_diff(**y) > CHANNEL_TOLERANCE).count();
    Some(different as f64 / f64::from(a.width * a.height))
}

/// Compares (or, with `BULLETIN_UPDATE=1`, rewrites) a variant's pages.
fn check_pages(variant: &str, document: &PagedDocument) -> Vec<String> {
    let pages = rasterise(document);
    let dir = reference_dir();
    let name = |n: usize| format!("{variant}-{n}.png");
    let committed: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let file = p.file_name().unwrap().to_string_lossy().into_owned();
                    file.strip_prefix(&format!("{variant}-"))
                        .and_then(|rest| rest.strip_suffix(".png"))
                        .is_some_and(|n| n.parse::<usize>().is_ok())
                })
                .collect();
            found.sort();
            found
        })
        .unwrap_or_default();
    if std::env::var_os("BULLETIN_UPDATE").is_some() {
        fs::create_dir_all(&dir).unwrap();
        committed.iter().for_each(|p| fs::remove_file(p).unwrap());
        for (i, page) in pages.iter().enumerate() {
            fs::write(dir.join(name(i + 1)), page.encode()).unwrap();
        }
        return Vec::new();
    }
    let mut problems = Vec::new();
    if committed.len() != pages.len() {
        problems.push(format!("{variant}: {} pages, the reference has {}", pages.len(), committed.len()));
    }
    let actual = common::project().join("target/pages");
    for (i, page) in pages.iter().enumerate() {
        let reference = dir.join(name(i + 1));
        let Some(expected) = fs::read(&reference).ok().and_then(|bytes| Grey::decode(&bytes)) else {
            problems.push(format!("{variant}, page {}: no readable reference {}", i + 1, reference.display()));
            continue;
        };
        match difference(page, &expected) {
            Some(share) if share <= MAX_DIFFERENT => {}
            found => {
                fs::create_dir_all(&actual).unwrap();
                let written = actual.join(name(i + 1));
                fs::write(&written, page.encode()).unwrap();
                let what = found.map_or_else(
                    || "a different size".to_owned(),
                    |share| format!("{:.2}% of its pixels changed", share * 100.0),
                );
                problems.push(format!(
                    "{variant}, page {}: {what}; compare {} with {}",
                    i + 1,
                    written.display(),
                    reference.display()
                ));
            }
        }
    }
    problems
}

/// Enough one-line paragraphs after the case to move the 落款 towards a new
/// page: the layout must keep it with the text (issue 12, item 6).
const LONG_CASE: &str = "\n补充说明一：家长已分批登记。\n\n补充说明二：协会继续联系机构。\n\n补充说明三：区教育局每周通报进展。\n\n补充说明四：法律援助中心提供咨询。\n\n补充说明五：后续情况另行通报。\n\n补充说明六：请各单位配合做好解释工作。\n\n补充说明七：区教育局已约谈机构负责人。\n\n补充说明八：家长代表参与协调会议。\n\n补充说明九：协调结果将向市民反馈。\n";

#[test]
fn pages_look_as_their_references() {
    let resources = resources();
    let mut problems = Vec::new();
    let bundled = common::project().join("months/2020-03");
    problems.extend(check_pages("bulletin", &bulletin_pages(&bundled, &resources)));

    let draft = Scratch::new("pages-draft");
    let month = month_copy(&draft, |m| {
        let path = m.join("month.yaml");
        let text = fs::read_to_string(&path).unwrap();
        let start = text.find("signoff:").unwrap();
        let end = start + text[start..].find("\n\n").unwrap();
        fs::write(&path, format!("{}{}", &text[..start], &text[end + 1..])).unwrap();
    });
    problems.extend(check_pages("draft", &bulletin_pages(&month, &resources)));

    let long = Scratch::new("pages-long");
    let month = month_copy(&long, |m| append_to_case(m, LONG_CASE));
    problems.extend(check_pages("long-case", &bulletin_pages(&month, &resources)));

    // A quarter of generated months, with its trend and bar charts.
    let quarter = Scratch::new("pages-quarter");
    let months = common::quarter_archive(&quarter);
    problems.extend(check_pages("quarter", &bulletin_pages(&months.join("2015-Q1"), &resources)));

    problems.extend(check_pages("sheet-mapoling", &sheet_pages("mapoling", &resources)));
    // Both rates at 100%: the on-time ring circles the satisfaction dot.
    problems.extend(check_pages("sheet-dingwangtai", &sheet_pages("dingwangtai", &resources)));
    assert!(problems.is_empty(), "pages differ from their references:\n{}", problems.join("\n"));
}

// ── The laid-out frames ─────────────────────────────────────────────────

/// A run of text as laid out: its page (0-based), baseline start and width
/// in points, font family and size, and the advance of each character.
#[derive(Clone, Debug)]
struct Run {
    page: usize,
    x: f64,
    y: f64,
    width: f64,
    size: f64,
    family: String,
    text: String,
    /// Whether the run is turned (its baseline not horizontal).
    turned: bool,
    /// Each glyph's characters and advance, in ems.
    glyphs: Vec<(String, f64)>,
}

fn runs(document: &PagedDocument) -> Vec<Run> {
    fn walk(frame: &Frame, ts: Transform, page: usize, out: &mut Vec<Run>) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(group) => {
                    let ts = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(group.transform);
                    walk(&group.frame, ts, page, out);
                }
                FrameItem::Text(text) => {
                    let at = Point::new(pos.x, pos.y).transform(ts);
                    out.push(Run {
                        page,
                        x: at.x.to_pt(),
                        y: at.y.to_pt(),
                        width: text.width().to_pt(),
                        size: text.size.to_pt(),
                        family: text.font.font().info().family.clone(),
                        text: text.text.to_string(),
                        turned: !ts.ky.is_zero() || !ts.kx.is_zero(),
                        glyphs: text
                            .glyphs
                            .iter()
                            .map(|g| (text.text[g.range()].to_owned(), g.x_advance.get()))
                            .collect(),
                    });
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (page, p) in document.pages().iter().enumerate() {
        walk(&p.frame, Transform::identity(), page, &mut out);
    }
    out
}

/// The runs of each line of body text (16 pt), by page and baseline, in
/// reading order.
fn body_lines(runs: &[Run]) -> Vec<(usize, f64, String)> {
    let mut lines: Vec<(usize, f64, String)> = Vec::new();
    let mut body: Vec<&Run> = runs.iter().filter(|r| (r.size - 16.0).abs() < 0.01).collect();
    body.sort_by(|a, b| (a.page, a.y, a.x).partial_cmp(&(b.page, b.y, b.x)).unwrap());
    for run in body {
        match lines.last_mut() {
            Some((page, y, text)) if *page == run.page && (*y - run.y).abs() < 1.0 => text.push_str(&run.text),
            _ => lines.push((run.page, run.y, run.text.clone())),
        }
    }
    lines
}

/// Each body line's page, baseline, start and end (points).
fn line_extents(runs: &[Run]) -> Vec<(usize, f64, f64, f64)> {
    let mut lines: Vec<(usize, f64, f64, f64)> = Vec::new();
    let mut body: Vec<&Run> = runs.iter().filter(|r| (r.size - 16.0).abs() < 0.01 && !r.turned).collect();
    body.sort_by(|a, b| (a.page, a.y, a.x).partial_cmp(&(b.page, b.y, b.x)).unwrap());
    for run in body {
        match lines.last_mut() {
            Some((page, y, start, end)) if *page == run.page && (*y - run.y).abs() < 1.0 => {
                *start = start.min(run.x);
                *end = end.max(run.x + run.width);
            }
            _ => lines.push((run.page, run.y, run.x, run.x + run.width)),
        }
    }
    lines
}

/// Justified text: a line that another line of its paragraph follows
/// (flush left, one line pitch below) ends at the right margin — in the
/// body and in headings of two lines alike.
#[test]
fn lines_that_run_on_are_justified() {
    let resources = resources();
    for (layout, document) in bundled_documents("lines_that_run_on_are_justified", &resources) {
        let all = runs(&document);
        eprintln!("the {layout:?} layout");
        let (left, right, pitch) = (mm(28.0), mm(210.0 - 26.0), mm(225.0) / 22.0);
        let lines = line_extents(&all);
        let mut checked = 0;
        for pair in lines.windows(2) {
            let ((page, y, _, end), (next_page, next_y, next_start, _)) = (pair[0], pair[1]);
            if page == next_page && (next_y - y - pitch).abs() < 0.5 && (next_start - left).abs() < 0.5 {
                checked += 1;
                // A mark at the line's end may hang a little into the margin.
                assert!(
                    end > right - 0.5 && end < right + 2.0,
                    "page {}: a line ends {:.1} pt short of the margin",
                    page + 1,
                    right - end
                );
            }
        }
        assert!(checked > 20, "only {checked} lines checked");
    }
}

/// GB/T 9704-2012 §5.2.2: 每行排28个字. A line that runs on, flush left and
/// all in Chinese characters and full-width marks, holds 28 of them.
#[test]
fn a_full_line_holds_28_characters() {
    let resources = resources();
    for (layout, document) in bundled_documents("a_full_line_holds_28_characters", &resources) {
        let all = runs(&document);
        eprintln!("the {layout:?} layout");
        let lines = body_lines(&all);
        let extents = line_extents(&all);
        let (left, pitch) = (mm(28.0), mm(225.0) / 22.0);
        let mut checked = 0;
        for (i, pair) in extents.windows(2).enumerate() {
            let ((page, y, start, _), (next_page, next_y, next_start, _)) = (pair[0], pair[1]);
            let text = &lines[i].2;
            let runs_on = page == next_page && (next_y - y - pitch).abs() < 0.5 && (next_start - left).abs() < 0.5;
            let flush_left = (start - left).abs() < 0.5;
            if runs_on && flush_left && !text.chars().any(|c| c.is_ascii()) {
                checked += 1;
                // A mark may not start a line: a character moves down with the
                // mark after it (道、), and that line holds 27.
                let next: Vec<char> = lines[i + 1].2.chars().take(2).collect();
                let pushed = next.get(1).is_some_and(|c| "，、。；：？！）”’》」』".contains(*c));
                let count = text.chars().count();
                assert!(count == 28 || (pushed && count == 27), "page {}: `{text}` has {count} characters", page + 1);
            }
        }
        assert!(checked >= 5, "only {checked} full lines checked");
    }
}

const DATE: &str = "2020年4月17日";

/// Issue 12, item 6 (GB/T 9704-2012 §7.3.5): however long the case, the
/// page with the 落款 also holds body text above the 附件 note.
#[test]
fn the_signoff_never_stands_alone_on_a_page() {
    let resources = resources();
    let paragraphs: Vec<&str> = LONG_CASE.split("\n\n").collect();
    for (layout, extra) in LAYOUTS.into_iter().flat_map(|l| (0..=paragraphs.len() * 2).map(move |e| (l, e))) {
        eprintln!("the {layout:?} layout");
        let scratch = Scratch::new(&format!("pages-signoff-{layout:?}-{extra}"));
        let filler: String = (0..extra).map(|i| format!("\n{}\n", paragraphs[i % paragraphs.len()].trim())).collect();
        let month = month_copy_as(layout, &scratch, |m| append_to_case(m, &filler));
        let lines = body_lines(&runs(&bulletin_pages(&month, &resources)));
        let (page, _, _) = lines.iter().find(|(_, _, t)| t.contains(DATE)).expect("the date prints");
        let note = lines.iter().position(|(p, _, t)| p == page && t.starts_with("附件：")).unwrap_or_else(|| {
            panic!("with {extra} more paragraphs the 附件 note is not on the 落款's page {}", page + 1)
        });
        assert!(
            note > 0 && lines[note - 1].0 == *page,
            "with {extra} more paragraphs the 落款 and its 附件 note stand alone on page {}",
            page + 1
        );
    }
}

/// The bulletin with `tail` appended to its case after `lines` one-line
/// paragraphs: `tail` moves down a page line by line as `lines` grows.
fn with_lines_before(layout: Layout, tail: &str, lines: usize, resources: &Resources) -> PagedDocument {
    eprintln!("the {layout:?} layout");
    let scratch = Scratch::new(&format!("pages-lines-{layout:?}-{lines}-{}", tail.len()));
    let filler: String = (0..lines).map(|i| format!("\n第{i}段补充。\n")).collect();
    let month = month_copy_as(layout, &scratch, |m| append_to_case(m, &format!("{filler}\n{tail}")));
    bulletin_pages(&month, resources)
}

/// Issue 12, item 7 (GB/T 9704-2012 §7.3.3, headings stay with their text):
/// a case's sub-heading is never the last line of a page.
#[test]
fn case_subheadings_are_kept_with_their_text() {
    let resources = resources();
    for (layout, lines_before) in LAYOUTS.into_iter().flat_map(|l| (0..22).map(move |n| (l, n))) {
        let document = with_lines_before(layout, "## 后续处理情况\n\n区教育局将继续跟进。\n", lines_before, &resources);
        let lines = body_lines(&runs(&document));
        let at = lines.iter().position(|(_, _, t)| t == "后续处理情况").expect("the sub-heading prints");
        assert_eq!(
            lines[at + 1].0,
            lines[at].0,
            "with {lines_before} lines before it, the sub-heading ends page {}",
            lines[at].0 + 1
        );
    }
}

/// Issue 12, item 9: a short table (a header and two rows) is never split
/// across pages.
#[test]
fn short_tables_are_not_split() {
    let resources = resources();
    for (layout, lines_before) in LAYOUTS.into_iter().flat_map(|l| (0..22).map(move |n| (l, n))) {
        let table = "门店\t学员数\t状态\n五一广场店\t120\t未退费\n袁家岭店\t45\t部分退费\n";
        let all = runs(&with_lines_before(layout, table, lines_before, &resources));
        let pages: std::collections::BTreeSet<usize> = all
            .iter()
            .filter(|r| ["门店", "五一广场店", "袁家岭店"].contains(&r.text.as_str()))
            .map(|r| r.page)
            .collect();
        assert_eq!(pages.len(), 1, "with {lines_before} lines before it, the table spans pages {pages:?}");
    }
}

/// Issue 12, item 8: table headers break between words, never leaving one
/// character on a line ("签收总/数", "不满意工单/数") or spreading a
/// line's characters apart.
#[test]
fn table_headers_break_between_words() {
    let resources = resources();
    for (layout, document) in bundled_documents("table_headers_break_between_words", &resources) {
        let all = runs(&document);
        eprintln!("the {layout:?} layout");
        let headers: Vec<&Run> = all.iter().filter(|r| r.family == "FandolHei" && r.size < 13.0).collect();
        assert!(headers.len() > 30, "the tables' header cells are in 黑体");
        for run in &headers {
            let chars = run.text.chars().filter(|c| !c.is_whitespace()).count();
            assert!(chars > 1, "a header cell leaves `{}` alone on a line (page {})", run.text, run.page + 1);
            // Not justified: the run is as wide as its glyphs' advances.
            let natural: f64 = run.glyphs.iter().map(|(_, advance)| advance * run.size).sum();
            assert!((run.width - natural).abs() < 0.01, "`{}` is spread out", run.text);
        }
    }
}

const CJK_PUNCTUATION: [&str; 7] = ["，", "、", "；", "：", "。", "？", "！"];

/// Issue 12, item 10: in the body, CJK punctuation keeps its full width
/// (also on lines with half-width digits: "诉求，芙蓉区", "移交，由于"). At a
/// line's end and beside another mark (》，) it is set half-width, as CLREQ
/// allows.
#[test]
fn cjk_punctuation_keeps_its_full_width() {
    let resources = resources();
    for (layout, document) in bundled_documents("cjk_punctuation_keeps_its_full_width", &resources) {
        let all = runs(&document);
        eprintln!("the {layout:?} layout");
        let mut checked = 0;
        for run in all.iter().filter(|r| r.family.starts_with("FandolFang") && (r.size - 16.0).abs() < 0.01) {
            let last = run.glyphs.len().saturating_sub(1);
            for (i, (text, advance)) in run.glyphs.iter().enumerate() {
                let is_mark = |j: usize| {
                    run.glyphs.get(j).is_some_and(|(t, _)| {
                        CJK_PUNCTUATION.contains(&t.as_str()) || "《》“”（）".contains(t.as_str())
                    })
                };
                if !CJK_PUNCTUATION.contains(&text.as_str()) || i == last || is_mark(i + 1) || (i > 0 && is_mark(i - 1))
                {
                    continue;
                }
                checked += 1;
                let full = cell() / run.size;
                assert!(
                    *advance > full - 0.005,
                    "`{text}` in `{}` is {advance:.3} em wide (page {})",
                    run.text,
                    run.page + 1
                );
            }
        }
        assert!(checked > 50, "only {checked} marks checked");
    }
}

/// Issue 12, item 11: no digit is set in FandolKai, whose digits are
/// old-style (descending 3, 4, 5, 7, 9); 楷体 headings take lining digits.
#[test]
fn kai_headings_use_lining_digits() {
    let resources = resources();
    for (layout, document) in bundled_documents("kai_headings_use_lining_digits", &resources) {
        let all = runs(&document);
        eprintln!("the {layout:?} layout");
        let kai: Vec<&Run> = all.iter().filter(|r| r.family == "FandolKai").collect();
        assert!(!kai.is_empty(), "the level-2 headings are in 楷体");
        for run in kai {
            assert!(!run.text.chars().any(|c| c.is_ascii_digit()), "`{}` has digits in FandolKai", run.text);
        }
        // Their Chinese stays 楷体; their digits are there, in 仿宋.
        let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        for run in all.iter().filter(|r| r.size == 16.0 && r.text.chars().any(is_han)) {
            let on_kai_line =
                all.iter().any(|k| k.family == "FandolKai" && k.page == run.page && (k.y - run.y).abs() < 0.5);
            if on_kai_line && run.family.starts_with("FandolFang") {
                panic!("`{}` on a 楷体 heading is set in {}", run.text, run.family);
            }
        }
        let in_kai_line =
            |run: &Run| all.iter().any(|k| k.family == "FandolKai" && k.page == run.page && (k.y - run.y).abs() < 0.5);
        for digits in ["12345", "97"] {
            let found = all
                .iter()
                .find(|r| r.text.contains(digits) && in_kai_line(r))
                .unwrap_or_else(|| panic!("no `{digits}` in a 楷体 heading"));
            assert!(found.family.starts_with("FandolFang"), "`{digits}` is set in {}", found.family);
        }
    }
}

/// Millimetres to points.
fn mm(value: f64) -> f64 {
    Abs::mm(value).to_pt()
}

/// The width of a character cell on the grid: 156 mm / 28 (GB/T 9704-2012
/// §5.2.2), a hair under, as layouts/style.typ sets it.
fn cell() -> f64 {
    (mm(156.0) - 0.5) / 28.0
}

/// Issue 12, item 12: the 落款 after GB/T 9704-2012 §7.3.5.2 (a bulletin
/// signed digitally, without a seal): one blank line below the text (the
/// 附件 note), the issuer 右空二字, the date on the next line starting two
/// characters right of the issuer's start (or, when it is the longer, ending
/// 右空二字 with the issuer moved left to match); and the body on the 22-line
/// grid from page 1 on.
#[test]
fn the_signoff_and_the_line_grid_follow_gb_t_9704() {
    let resources = resources();
    for (layout, document) in bundled_documents("the_signoff_and_the_line_grid_follow_gb_t_9704", &resources) {
        let all = runs(&document);
        eprintln!("the {layout:?} layout");
        let lines = body_lines(&all);
        let pitch = mm(225.0) / 22.0;
        let em = 16.0;
        let two = 2.0 * cell();
        let right = mm(210.0 - 26.0);
        let line_of = |needle: &str| lines.iter().find(|(_, _, t)| t.contains(needle)).expect(needle).clone();
        let span = |needle: &str| {
            let row: Vec<&Run> = all
                .iter()
                .filter(|r| r.text.contains(needle) || needle.contains(r.text.as_str()))
                .filter(|r| (r.y - line_of(needle).1).abs() < 1.0 && r.page == line_of(needle).0)
                .collect();
            let start = row.iter().map(|r| r.x).fold(f64::MAX, f64::min);
            let end = row.iter().map(|r| r.x + r.width).fold(f64::MIN, f64::max);
            (start, end)
        };
        let issuer = "芙蓉区“12345”市民服务热线办公室";
        let (issuer_start, issuer_end) = span(issuer);
        let (date_start, date_end) = span(DATE);
        assert!(
            (right - issuer_end - two).abs() < 0.3,
            "the issuer ends {:.1} pt from the right margin",
            right - issuer_end
        );
        assert!(
            (date_start - issuer_start - two).abs() < 0.3,
            "the date starts {:.1} pt right of the issuer",
            date_start - issuer_start
        );
        assert!(date_end <= right - two + 0.3, "the date runs past 右空二字");
        let (page, issuer_y, _) = line_of(issuer);
        let (_, date_y, _) = line_of(DATE);
        assert!((date_y - issuer_y - pitch).abs() < 0.5, "the date is not on the line below the issuer");
        let above =
            lines.iter().filter(|(p, y, _)| *p == page && *y < issuer_y).map(|(_, y, _)| *y).fold(f64::MIN, f64::max);
        assert!((issuer_y - above - 2.0 * pitch).abs() < 0.5, "not one blank line between the text and the 落款");

        // Every body line of every portrait page sits on the grid: its baseline
        // a whole number of line pitches below the first line of the 版心.
        let top = mm(37.0) + em;
        for (page, y, text) in lines.iter().filter(|(p, _, _)| *p < 4) {
            let steps = (y - top) / pitch;
            assert!(
                (steps - steps.round()).abs() < 0.05,
                "page {}: `{text}` is {steps:.2} lines below the top",
                page + 1
            );
        }
    }
}

/// Issue 12, item 13 (GB/T 9704-2012 §10.2): the appendix's landscape
/// tables keep the page number where the portrait pages have it — "— n —"
/// at the foot, right on odd pages and left on even ones, upright — with
/// the table head toward the binding on odd pages and the cut on even ones.
#[test]
fn appendix_page_numbers_sit_where_the_others_do() {
    let resources = resources();
    for (layout, document) in bundled_documents("appendix_page_numbers_sit_where_the_others_do", &resources) {
        eprintln!("the {layout:?} layout");
        let all = runs(&document);
        let pages = document.pages().len();
        for page in 0..pages {
            let size = document.pages()[page].frame.size();
            assert!(size.x < size.y, "page {} is not portrait", page + 1);
            let label = format!("— {} —", page + 1);
            let number =
                all.iter().find(|r| r.page == page && r.text == label).unwrap_or_else(|| panic!("no `{label}`"));
            let bottom = size.y.to_pt() - mm(28.0);
            assert!(
                (number.y - bottom).abs() < mm(8.0),
                "page {}: the number is {:.0} pt from the foot",
                page + 1,
                size.y.to_pt() - number.y
            );
            if page % 2 == 0 {
                assert!(number.x > size.x.to_pt() / 2.0, "odd page {} has its number on the left", page + 1);
            } else {
                assert!(number.x < size.x.to_pt() / 2.0, "even page {} has its number on the right", page + 1);
            }
        }
        // Page numbers upright everywhere; the appendix turned, its head (the
        // title, the table's first column) toward the left edge of the page.
        assert!(all.iter().filter(|r| r.text.starts_with("— ")).all(|r| !r.turned), "a page number is turned");
        let title = all.iter().find(|r| r.text.contains("排行榜") && r.size > 16.0).expect("the appendix title");
        let head = all.iter().find(|r| r.text == "部门名称").expect("the score table's head");
        for run in [title, head] {
            let width = document.pages()[run.page].frame.size().x.to_pt();
            assert!(run.turned && run.x < width / 2.0, "`{}` is not turned with its head to the left", run.text);
        }
        let appendix: Vec<&Run> = all.iter().filter(|r| r.page >= title.page && !r.text.starts_with("— ")).collect();
        assert!(appendix.iter().all(|r| r.turned), "upright text on an appendix page");
    }
}
