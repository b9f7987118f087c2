//! Offices other than Furong, built from their definitions alone: the
//! example offices under `examples/offices/` print every figure of their
//! published bulletins, warn where a figure typed as published differs from
//! the derived one, and stop on a figure their checks refuse. A figure and
//! a table added to a copy of a definition reach the PDF with no Rust.

mod common;

use std::path::{Path, PathBuf};

use common::Scratch;

/// Builds the month folder `dir` into `out`; returns the PDF and stderr.
fn build(dir: &Path, out: &Scratch) -> (PathBuf, String) {
    let output = common::bulletin(&["build", dir.to_str().unwrap(), "--out", out.str()]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "build {} failed:\n{stderr}", dir.display());
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let pdf = out.path().join(format!("{name}.pdf"));
    assert!(pdf.is_file(), "a final PDF, not a draft: {stderr}");
    (pdf, stderr)
}

/// The PDF's text without white space or page numbers, so that a sentence
/// broken across lines and pages reads whole.
fn text_of(pdf: &Path) -> String {
    let text = common::pdf_text(pdf);
    common::squeeze(&text.lines().filter(|l| !common::is_page_number(l)).collect::<Vec<_>>().join(""))
}

/// A published text as the bulletin prints it: full-width punctuation
/// (the web pages carry ASCII commas, colons and brackets), no spaces.
fn as_printed(text: &str) -> String {
    common::squeeze(text).replace(',', "，").replace(':', "：").replace('(', "（").replace(')', "）").replace(';', "；")
}

/// Copies an example office to a scratch folder, for a variant of it.
fn copy_office(name: &str, scratch: &Scratch) -> PathBuf {
    let to = scratch.path().join(name);
    common::copy_dir(&common::project().join("examples/offices").join(name), &to);
    to
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} holds `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// `bulletin check` of a month folder: its exit code and stderr.
fn check(month: &Path) -> (Option<i32>, String) {
    let output = common::bulletin(&["check", month.to_str().unwrap()]);
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The month's acknowledgements dropped (from the `# 已核对` comment on).
fn drop_acknowledgements(month: &Path) {
    let month_yaml = month.join("month.yaml");
    let text = std::fs::read_to_string(&month_yaml).unwrap();
    std::fs::write(&month_yaml, &text[..text.find("\n# 已核对").unwrap()]).unwrap();
}

#[test]
fn xiangyin_prints_every_figure_of_its_published_bulletin() {
    let out = Scratch::new("xiangyin");
    let month = common::project().join("examples/offices/xiangyin/months/2023-01");
    let (pdf, _) = build(&month, &out);
    let text = text_of(&pdf);
    let reference = std::fs::read_to_string(common::project().join("tests/reference/xiangyin-2023-01.txt"))
        .expect("the Xiangyin reference text");
    let lines: Vec<&str> = reference.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    // The title (printed on two lines), the work news, and both paragraphs
    // of 运行情况, clause by clause.
    let title = as_printed(lines[1]);
    assert!(text.starts_with(&title), "the title: {title}\n{text}");
    let paragraphs: Vec<&str> =
        lines[2..].iter().copied().filter(|l| l.starts_with("2023年1月") || l.starts_with("56家")).collect();
    assert_eq!(paragraphs.len(), 3, "three paragraphs of figures in the reference");
    let mut clauses = 0;
    for paragraph in paragraphs {
        // The published text once omits 分 after a score: 自来水公司(100).
        let paragraph = paragraph.replace("自来水公司(100)", "自来水公司(100分)");
        for clause in as_printed(&paragraph).split('。').filter(|c| !c.is_empty()) {
            assert!(text.contains(clause), "the bulletin prints 「{clause}」\n{text}");
            clauses += 1;
        }
    }
    assert!(clauses >= 20, "{clauses} clauses checked");
    // The published text ends mid-sentence after four of the top six.
    assert!(text.contains("工单办理量前六位的是：城发集团、市监局、交警大队、住建局、"), "{text}");
    // Headings numbered by level (§7.3.3), the 落款 with its date.
    for heading in ["一、工作动态", "二、运行情况", "（一）12345公众热线运行情况", "（二）工单办理考核"]
    {
        assert!(text.contains(heading), "{heading}");
    }
    assert!(text.ends_with("湘阴县热线办2023年2月20日"), "{text}");
}

#[test]
fn ningguo_prints_every_figure_of_its_published_bulletin() {
    let out = Scratch::new("ningguo");
    let month = common::project().join("examples/offices/ningguo/months/2022-04");
    let (pdf, stderr) = build(&month, &out);
    assert!(!stderr.contains("warning"), "the published share of 疫情 is acknowledged: {stderr}");
    let text = text_of(&pdf);
    let reference = std::fs::read_to_string(common::project().join("tests/reference/ningguo-2022-04.txt"))
        .expect("the Ningguo reference text");
    let lines: Vec<&str> = reference.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    // The 主送 line, then every clause of the body up to the 附件说明.
    assert!(text.contains(&as_printed(lines[1])), "the 主送 line: {}\n{text}", lines[1]);
    let end = lines.iter().position(|l| l.starts_with("附件:")).expect("the 附件说明 in the reference");
    let mut clauses = 0;
    for line in &lines[2..end] {
        for clause in as_printed(line).split(['。', '；']).filter(|c| !c.is_empty()) {
            assert!(text.contains(clause), "the bulletin prints 「{clause}」\n{text}");
            clauses += 1;
        }
    }
    assert!(clauses >= 15, "{clauses} clauses checked");
    // The appendix note, then the 落款 with its date (the excerpt prints
    // no issuer: the example names one).
    let note = text.find(&as_printed(lines[end])).expect("the 附件说明");
    assert!(text[note..].contains("宁国市12345政务服务便民热线2022年5月18日附件"), "{text}");
    // Every row the excerpt of the appendix table prints, cell for cell:
    // per channel 按时/超时/未办结, then the totals, 结案率, 按时结案率 and
    // 不满意率, which is 不满意数 over the 12345热线 cases (8 / 87 → 9%).
    let rows: Vec<String> = lines
        .iter()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(" | ") && !l.ends_with("..."))
        .map(|l| l.replace(" | ", ""))
        .collect();
    assert_eq!(rows.len(), 5, "five whole rows in the excerpt");
    let appendix = &text[text.find("附件12345热线留言办理4月份情况统计表").expect("the appendix's title")..];
    for row in &rows {
        assert!(appendix.contains(row.as_str()), "the appendix prints {row}\n{appendix}");
    }
    // Row 6, cut off in the excerpt, names the same unit.
    assert!(appendix.contains("6开发区"), "{appendix}");
    // Its （一）（二） run into their paragraphs, still in 楷体 (§7.3.3): the
    // only text of the bulletin in that face.
    let fonts = std::process::Command::new("pdffonts").arg(&pdf).output().expect("pdffonts (poppler-utils)");
    assert!(String::from_utf8_lossy(&fonts.stdout).contains("FandolKai"), "the run-in level-2 headings in 楷体");
}

#[test]
fn ningguos_published_share_and_every_other_problem_show_in_one_run() {
    let scratch = Scratch::new("ningguo-published");
    let office = copy_office("ningguo", &scratch);
    let month = office.join("months/2022-04");
    drop_acknowledgements(&month);
    let (code, stderr) = check(&month);
    assert_eq!(code, Some(1), "{stderr}");
    // 212 / 2877 = 7.369%: 7.4 by the rule, 7.3 as published.
    assert!(stderr.contains("error: 占比 is typed as published, 7.3, but the figures give 7.4"), "{stderr}");
    assert!(stderr.contains("hot_issues[0].share (关于疫情方面政策咨询、投诉等)"), "{stderr}");
    assert!(stderr.contains("1 error in the data"), "only that one: {stderr}");
    // In one run: a channel split that does not add up, a count the schema
    // refuses, and, in another file, a check the definition declares.
    let figures = month.join("figures.yaml");
    edit(&figures, "  interaction: 69", "  interaction: 69\n  total: 2878");
    edit(&figures, "count: 58", "count: -58");
    edit(&month.join("units.yaml"), "unsatisfied: 8\n", "unsatisfied: 88\n");
    let (_, stderr) = check(&month);
    assert!(
        stderr
            .contains("受理群众诉求数 total 2878 is not the sum of its channels (12345热线 2808 + 政民互动 69: 2877)"),
        "{stderr}"
    );
    assert!(stderr.contains("expected a number of at least 0, found -58"), "{stderr}");
    assert!(stderr.contains("error: 不满意数多于 12345 热线派遣案件数"), "{stderr}");
    assert!(stderr.contains("groups[0].units[0].unsatisfied (住建局)"), "{stderr}");
    // The share of the refused count is not judged: no second problem there.
    assert!(!stderr.contains("hot_issues[1].share"), "{stderr}");
}

#[test]
fn figures_typed_as_published_are_held_against_the_derived_ones() {
    let scratch = Scratch::new("xiangyin-published");
    let office = copy_office("xiangyin", &scratch);
    let month = office.join("months/2023-01");
    // Without the acknowledgements, a final bulletin is refused and each
    // difference is named with both numbers.
    drop_acknowledgements(&month);
    let (code, stderr) = check(&month);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("error: 占比 is typed as published, 3.59, but the figures give 11.22"), "{stderr}");
    assert!(stderr.contains("figures.yaml:15:"), "at the typed share: {stderr}");
    assert!(stderr.contains("categories[2].share (医疗卫生健康类)"), "{stderr}");
    assert!(stderr.contains("同比增减幅 is typed as published, -6.44, but the figures give -7.16"), "{stderr}");
    assert!(
        stderr.contains(
            "the sum of 诉求类型件数 `sum(categories, count)` (1408) is greater than 热线受理诉求数 `tickets` (1310)"
        ),
        "{stderr}"
    );
    // As a draft, they are warnings, and the bulletin prints the published figures.
    edit(&month.join("month.yaml"), "  date: 2023-02-20\n", "");
    let out = Scratch::new("xiangyin-published-out");
    let output = common::bulletin(&["build", month.to_str().unwrap(), "--out", out.str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr.matches("warning: ").count(), 4, "three figures in question and the draft: {stderr}");
    let text = text_of(&out.path().join("2023-01.draft.pdf"));
    assert!(text.contains("医疗卫生健康类147件，占3.59%"), "{text}");
    assert!(text.contains("减幅6.44%"), "{text}");
}

#[test]
fn a_check_of_the_definition_stops_an_impossible_figure_at_its_line() {
    let scratch = Scratch::new("xiangyin-checks");
    let office = copy_office("xiangyin", &scratch);
    let month = office.join("months/2023-01");
    edit(&month.join("units.yaml"), "        score: 98.2\n        grade: A", "        score: 102\n        grade: E");
    edit(&month.join("figures.yaml"), "on_time: 1305", "on_time: 1315");
    let (code, stderr) = check(&month);
    assert_eq!(code, Some(1), "{stderr}");
    // Every problem in one run, each at its figure, with the unit's name.
    assert!(stderr.contains("error: 综合指标考核分值 `score` (102) is greater than 100\n"), "{stderr}");
    assert!(stderr.contains("groups[0].units[11].score (东塘镇)"), "{stderr}");
    assert!(stderr.contains("the check `grades` of bulletin.yaml"), "{stderr}");
    assert!(stderr.contains("groups[0].units[11].grade (东塘镇)"), "{stderr}");
    assert!(
        stderr.contains("按期办结工单数 `on_time` (1315) is greater than 办结工单数 `completed` (1310)"),
        "{stderr}"
    );
    assert!(stderr.contains("3 errors in the data"), "{stderr}");
}

#[test]
fn a_figure_and_a_table_added_to_a_definition_reach_the_pdf_without_rust() {
    let scratch = Scratch::new("xiangyin-added");
    let office = copy_office("xiangyin", &scratch);
    let definition = office.join("bulletin.yaml");
    // A unit's share of all tickets, and a table of the top six by volume.
    edit(
        &definition,
        "derived:\n  office:\n",
        "derived:\n  unit:\n    volume_share: { label: 占承办工单比例, percent: tickets / office.handled, rule: share }\n  office:\n",
    );
    let table = "\n  - heading: 工单办理量前六位的单位\n    table:\n      rows: top_volume\n      columns:\n        - { label: 单位, value: short }\n        - { value: tickets }\n        - { value: volume_share }\n";
    let text = std::fs::read_to_string(&definition).unwrap();
    std::fs::write(&definition, format!("{}{table}", text.trim_end())).unwrap();
    let out = Scratch::new("xiangyin-added-out");
    let (pdf, _) = build(&office.join("months/2023-01"), &out);
    let text = text_of(&pdf);
    assert!(text.contains("三、工单办理量前六位的单位"), "{text}");
    // The header from the figures' labels; 160 / 1310 = 12.2137…%.
    assert!(text.contains("单位工单办理量占承办工单比例"), "{text}");
    assert!(text.contains("城发集团16012.21"), "{text}");
    assert!(text.contains("自来水公司806.11"), "80 / 1310 = 6.1068…%: {text}");
}

#[test]
fn init_starts_an_office_whose_example_builds_and_whose_next_month_is_blank() {
    let scratch = Scratch::new("init-ningguo");
    let dir = scratch.path().join("宁国");
    let output = common::bulletin(&["init", dir.to_str().unwrap(), "--like", "ningguo"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("bulletin new YYYY-MM --months"), "the next steps: {stderr}");
    assert!(
        stderr.contains(&format!("--out {}", dir.join("out").display())),
        "built into the office's folder: {stderr}"
    );
    for file in ["bulletin.yaml", "schemas/units.schema.json", "schemas/bulletin.schema.json"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    // The example builds as the bundled one does, byte for byte.
    let ours_out = Scratch::new("init-ningguo-out");
    let (ours, _) = build(&dir.join("months/2022-04"), &ours_out);
    let bundled = Scratch::new("init-ningguo-bundled");
    let (theirs, _) = build(&common::project().join("examples/offices/ningguo/months/2022-04"), &bundled);
    assert!(std::fs::read(&ours).unwrap() == std::fs::read(&theirs).unwrap(), "the same PDF");
    // A second init into the same folder is refused, and keeps it.
    let again = common::bulletin(&["init", dir.to_str().unwrap(), "--like", "xiangyin"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("holds an office already"));
    assert!(std::fs::read_to_string(dir.join("bulletin.yaml")).unwrap().contains("宁国市"));

    // The next month: units and items carried over, every figure blank,
    // each reported with its label by `check`.
    let months = dir.join("months");
    let output = common::bulletin(&["new", "2022-05", "--months", months.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let month = months.join("2022-05");
    let units = std::fs::read_to_string(month.join("units.yaml")).unwrap();
    assert!(units.contains("name: 西津街道办事处\n        on_time: { hotline: ~, interaction: ~ }"), "{units}");
    // In the order the definition declares them, not by name.
    let figures = std::fs::read_to_string(month.join("figures.yaml")).unwrap();
    let at = |key: &str| figures.find(&format!("\n{key}:")).unwrap_or_else(|| panic!("{key} in {figures}"));
    assert!(at("received") < at("received_change") && at("received_change") < at("governor_hotline"), "{figures}");
    let (code, stderr) = check(&month);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("hint: fill in 受理群众诉求数：12345热线"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("is missing"), "a blank figure is reported once, as blank: {stderr}");
    // Every blank, one a line (a person's report shows a few of each file).
    let short = common::bulletin(&["check", month.to_str().unwrap(), "--format", "short"]);
    let short = String::from_utf8_lossy(&short.stderr);
    assert!(short.contains("not filled in yet [groups[1].units[0].unsatisfied (西津街道办事处)]"), "{short}");
    assert!(short.contains("[hot_issues[2].count (反映油烟污染、流动摊贩、工地施工扰民等)]"), "{short}");
    // Filled in (a quiet month: nothing received), it builds.
    for file in ["figures.yaml", "units.yaml"] {
        let path = month.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace(": ~", ": 0")).unwrap();
    }
    let out = Scratch::new("init-ningguo-new-out");
    let output = common::bulletin(&["build", month.to_str().unwrap(), "--out", out.str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // The draft's watermark (征求意见稿) runs through the extracted text.
    let unmarked = |s: &str| s.chars().filter(|c| !"征求意见稿".contains(*c)).collect::<String>();
    let text = unmarked(&text_of(&out.path().join("2022-05.draft.pdf")));
    // Nothing to divide by: no rate, and no "%" after the dash.
    for clause in [
        "5月份，12345热线、政民互动共受理群众诉求0件，较上月同比持平，自行处理0件",
        "结案率—，按时结案率—。",
        "来电0件，占比—；",
    ] {
        assert!(text.contains(&unmarked(clause)), "{clause}\n{text}");
    }
    // One group's figures from the platform's sheet, its columns headed by
    // the measures' labels, a split measure one column per channel.
    let sheet = scratch.path().join("乡镇街道.csv");
    let mut csv =
        String::from("序号,单位,按时办结数（12345热线）,按时办结数（政民互动）,超时办结数,未办结数,不满意数\n");
    for (i, name) in ["西津街道办事处", "南山街道办事处", "中溪镇", "河沥溪街道", "港口镇", "梅林镇"].iter().enumerate()
    {
        csv.push_str(&format!("{},{name},{},1,0,0,0\n", i + 1, 10 + i));
    }
    std::fs::write(&sheet, csv + "合计,,,,,,\n").unwrap();
    let output = common::bulletin(&[
        "import",
        sheet.to_str().unwrap(),
        "--month",
        "2022-05",
        "--group",
        "乡镇街道",
        "--months",
        months.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let units = std::fs::read_to_string(month.join("units.yaml")).unwrap();
    assert!(units.contains("name: 梅林镇\n        on_time: { hotline: 15, interaction: 1 }"), "{units}");
    assert!(units.contains("name: 梅林镇\n        on_time: { hotline: 15, interaction: 1 } # 按时办结数（12345热线、政民互动）\n        overtime: 0"), "{units}");
    // Its cases now outnumber what was received: the definition's check says so.
    let (_, stderr) = check(&month);
    assert!(stderr.contains("error: 派单数多于受理群众诉求数"), "{stderr}");
}

#[test]
fn a_new_month_waits_for_the_texts_its_sections_print() {
    let scratch = Scratch::new("init-xiangyin");
    let dir = scratch.path().join("xiangyin");
    assert!(common::bulletin(&["init", dir.to_str().unwrap(), "--like", "xiangyin"]).status.success());
    // A group the office adds to its definition starts empty in the new month.
    edit(&dir.join("bulletin.yaml"), "  - name: 县直单位和部门\n", "  - name: 县直单位和部门\n  - name: 街道\n");
    let months = dir.join("months");
    assert!(common::bulletin(&["new", "2023-02", "--months", months.to_str().unwrap()]).status.success());
    let month = months.join("2023-02");
    let units = std::fs::read_to_string(month.join("units.yaml")).unwrap();
    assert!(units.contains("  - name: 街道\n    units: []"), "{units}");
    assert!(units.contains("name: 城西镇\n        tickets: ~"), "{units}");
    let text = std::fs::read_to_string(month.join("工作动态.txt")).unwrap();
    assert!(text.contains("【待填写】"), "{text}");
    let (_, stderr) = check(&month);
    assert!(stderr.contains("error: the text is not written yet"), "{stderr}");
    assert!(stderr.contains("工作动态.txt:1:1"), "{stderr}");
    // The issuer carries over; the date waits.
    let month_yaml = std::fs::read_to_string(month.join("month.yaml")).unwrap();
    assert!(month_yaml.contains("issuer: 湘阴县热线办\n  date: ~"), "{month_yaml}");
    // An office made from the example names itself: the example's issuer,
    // of another county, is not carried into its months.
    edit(
        &dir.join("bulletin.yaml"),
        "  name: 湘阴县热线办\n  district: 湘阴县",
        "  name: 清河县12345热线服务中心\n  district: 清河县",
    );
    assert!(common::bulletin(&["new", "2023-03", "--months", months.to_str().unwrap()]).status.success());
    let month_yaml = std::fs::read_to_string(months.join("2023-03/month.yaml")).unwrap();
    assert!(month_yaml.contains("issuer: 清河县12345热线服务中心\n  date: ~"), "{month_yaml}");
}

#[test]
fn a_misspelt_group_is_one_error_and_judges_no_sum() {
    let scratch = Scratch::new("ningguo-group");
    let office = copy_office("ningguo", &scratch);
    let month = office.join("months/2022-04");
    edit(&month.join("units.yaml"), "  - name: 乡镇街道", "  - name: 乡镇街到");
    let (_, stderr) = check(&month);
    assert!(stderr.contains("error: expected one of 市直部门, 乡镇街道, found the text `乡镇街到`"), "{stderr}");
    assert!(stderr.contains("hint: did you mean `乡镇街道`?"), "{stderr}");
    // Its units are not read, so no sum over the units is judged.
    assert_eq!(stderr.matches("error: ").count(), 1, "{stderr}");
    assert!(!stderr.contains("warning: "), "{stderr}");
    // A run-in heading left empty leaves its number to open the text.
    edit(&month.join("units.yaml"), "  - name: 乡镇街到", "  - name: 乡镇街道");
    edit(&office.join("bulletin.yaml"), "      - heading: 12345热线受理量\n", "      - heading: \"\"\n");
    let out = Scratch::new("ningguo-group-out");
    let (pdf, _) = build(&month, &out);
    assert!(text_of(&pdf).contains("（一）共受理各类来电2808件"), "the number alone, no colon");
}

#[test]
fn a_month_written_for_another_definition_is_called_so_once() {
    let scratch = Scratch::new("xiangyin-renamed");
    let office = copy_office("xiangyin", &scratch);
    // The office renames a unit measure: every unit of the example month
    // now lacks the new key and has the old one.
    let definition = office.join("bulletin.yaml");
    let text = std::fs::read_to_string(&definition).unwrap();
    std::fs::write(
        &definition,
        text.replace("tickets: { label: 工单办理量", "handled: { label: 工单办理量")
            .replace("units, tickets", "units, handled")
            .replace("tickets >= ", "handled >= ")
            .replace("[tickets desc]", "[handled desc]"),
    )
    .unwrap();
    let month = office.join("months/2023-01");
    let (code, stderr) = check(&month);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr.matches("this month was written for another definition").count(), 1, "{stderr}");
    assert!(stderr.starts_with("warning: 112 of the 112 errors"), "said first: {stderr}");
}

/// A month pinned to the definition it was issued under (`definition:` in
/// its month.yaml) builds from that file, whatever the office's current
/// `bulletin.yaml` says; the month's schema accepts the key.
#[test]
fn a_pinned_month_builds_under_the_definition_it_names() {
    let scratch = Scratch::new("xiangyin-pinned");
    let office = copy_office("xiangyin", &scratch);
    std::fs::create_dir_all(office.join("definitions")).unwrap();
    std::fs::copy(office.join("bulletin.yaml"), office.join("definitions/2023.yaml")).unwrap();
    edit(&office.join("bulletin.yaml"), "heading: 工作动态", "heading: 本月工作动态");
    let month = office.join("months/2023-01");
    let out = Scratch::new("xiangyin-pinned-out");
    let (pdf, _) = build(&month, &out);
    assert!(text_of(&pdf).contains("一、本月工作动态"), "the office's current definition");

    edit(&month.join("month.yaml"), "period:", "definition: ../../definitions/2023.yaml\nperiod:");
    let (pdf, stderr) = build(&month, &out);
    let text = text_of(&pdf);
    assert!(text.contains("一、工作动态") && !text.contains("本月工作动态"), "the pinned definition: {text}");
    assert!(stderr.contains("; changed, as the month's files and the office definition changed)"), "{stderr}");
}

/// An office that keeps some figures in files of its own (`at:` in the
/// definition: a file of the month folder and the keys to the figure)
/// gets the same bulletin; each file gets its schema, a slip in it is
/// reported at its line, a missing one is named, and `new` writes every
/// file with the figures blank at their keys.
#[test]
fn figures_placed_in_files_of_the_offices_choosing_print_the_same() {
    let scratch = Scratch::new("xiangyin-placed");
    let office = copy_office("xiangyin", &scratch);
    let definition = office.join("bulletin.yaml");
    edit(
        &definition,
        "tickets_last_year: { label: 上年同期热线受理诉求数, kind: count }",
        "tickets_last_year: { label: 上年同期热线受理诉求数, kind: count, at: last_year.yaml hotline.tickets }",
    );
    edit(
        &definition,
        "urgent: { label: 接诉即办急办事项数, kind: count }",
        "urgent: { label: 接诉即办急办事项数, kind: count, at: month.yaml }",
    );
    edit(&definition, "    label: 诉求类型\n", "    label: 诉求类型\n    at: categories.yaml types\n");
    let month = office.join("months/2023-01");
    let figures = std::fs::read_to_string(month.join("figures.yaml")).unwrap();
    let (head, categories) = figures.split_once("\n# 诉求类型").unwrap();
    let head: String = head
        .lines()
        .filter(|l| !l.starts_with("tickets_last_year:") && !l.starts_with("urgent:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(month.join("figures.yaml"), head).unwrap();
    let categories = categories.split_once('\n').unwrap().1.replacen("categories:", "types:", 1);
    std::fs::write(month.join("categories.yaml"), &categories).unwrap();
    std::fs::write(month.join("last_year.yaml"), "hotline:\n  tickets: 1411   # 上年同期\n").unwrap();
    edit(&month.join("month.yaml"), "period:", "urgent: 32\nperiod:");
    // An acknowledgement names its figure by where it is typed.
    edit(&month.join("month.yaml"), "published-differs categories[2].share", "published-differs types[2].share");

    let out = Scratch::new("xiangyin-placed-out");
    let (pdf, _) = build(&month, &out);
    let original = Scratch::new("xiangyin-placed-original");
    let (original_pdf, _) = build(&common::project().join("examples/offices/xiangyin/months/2023-01"), &original);
    assert_eq!(text_of(&pdf), text_of(&original_pdf), "the same bulletin, from the figures where they are now");

    let schemas = Scratch::new("xiangyin-placed-schemas");
    let output = common::bulletin(&["schema", "--office", office.to_str().unwrap(), "--out", schemas.str()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let schema = std::fs::read_to_string(schemas.path().join("last_year.schema.json")).unwrap();
    assert!(schema.contains("上年同期热线受理诉求数"), "{schema}");
    assert!(schemas.path().join("categories.schema.json").is_file());

    // A slip in a file of the office's own, and a file left out.
    std::fs::write(month.join("categories.yaml"), categories.replacen("count: 103,", "count: 103x,", 1)).unwrap();
    std::fs::remove_file(month.join("last_year.yaml")).unwrap();
    let (code, stderr) = check(&month);
    assert_eq!(code, Some(1), "{stderr}");
    let line = categories.lines().position(|l| l.contains("count: 103,")).unwrap() + 1;
    assert!(stderr.contains(&format!("categories.yaml:{line}:")), "{stderr}");
    assert!(stderr.contains("last_year.yaml") && stderr.contains("the file is missing"), "{stderr}");

    // The next month: every file, its figures blank where they belong.
    std::fs::write(month.join("categories.yaml"), &categories).unwrap();
    std::fs::write(month.join("last_year.yaml"), "hotline:\n  tickets: 1411\n").unwrap();
    let months = office.join("months");
    assert!(common::bulletin(&["new", "2023-02", "--months", months.to_str().unwrap()]).status.success());
    let next = months.join("2023-02");
    let last_year = std::fs::read_to_string(next.join("last_year.yaml")).unwrap();
    assert!(last_year.contains("hotline:\n  tickets: ~   # 上年同期热线受理诉求数"), "{last_year}");
    let types = std::fs::read_to_string(next.join("categories.yaml")).unwrap();
    assert!(types.contains("types:\n  - { name: 人力资源社会保障类, count: ~, change_rate: ~ }"), "{types}");
    let month_yaml = std::fs::read_to_string(next.join("month.yaml")).unwrap();
    assert!(month_yaml.contains("urgent: ~   # 接诉即办急办事项数"), "{month_yaml}");
    let figures = std::fs::read_to_string(next.join("figures.yaml")).unwrap();
    assert!(!figures.contains("urgent") && !figures.contains("categories"), "{figures}");
    let (code, stderr) = check(&next);
    assert_eq!(code, Some(1), "blanks to fill: {stderr}");
    assert!(stderr.contains("上年同期热线受理诉求数"), "{stderr}");
}

/// A `cases:` part prints the month's typical cases from a folder, one a
/// file as Furong's are written (title, paragraphs, `##` sub-headings,
/// lists): one case under its title alone, several numbered; a unit a case
/// names must be the month's; an optional folder left out drops the part;
/// `new` leaves a case to write.
#[test]
fn typical_cases_print_from_a_folder_of_the_month() {
    let scratch = Scratch::new("xiangyin-cases");
    let office = copy_office("xiangyin", &scratch);
    let definition = office.join("bulletin.yaml");
    let text = std::fs::read_to_string(&definition).unwrap();
    std::fs::write(&definition, format!("{}\n  - heading: 典型案例\n    cases: 案例\n", text.trim_end())).unwrap();
    let month = office.join("months/2023-01");
    std::fs::create_dir_all(month.join("案例")).unwrap();
    std::fs::write(
        month.join("案例/01-供水.txt"),
        "---\ntitle: 城东片区停水的快速处置\nunits: [自来水公司]\n---\n1月5日，多名市民来电反映城东片区停水。\n\n## 处置经过\n\n- 当日派单\n- 次日恢复供水\n",
    )
    .unwrap();
    let out = Scratch::new("xiangyin-cases-out");
    let (pdf, _) = build(&month, &out);
    let text = text_of(&pdf);
    assert!(text.contains("三、典型案例城东片区停水的快速处置1月5日，多名市民来电反映城东片区停水。"), "{text}");
    assert!(text.contains("处置经过") && text.contains("次日恢复供水"), "{text}");
    // An office that numbers even a single case.
    edit(&definition, "    cases: 案例\n", "    cases: 案例\n    case_numbers: always\n");
    let (pdf, _) = build(&month, &out);
    assert!(text_of(&pdf).contains("三、典型案例（一）城东片区停水的快速处置1月5日"), "{}", text_of(&pdf));
    edit(&definition, "    case_numbers: always\n", "");

    std::fs::write(month.join("案例/02-噪音.txt"), "夜间施工噪音的联合整治\n\n住建、城管联合夜查。\n").unwrap();
    let (pdf, _) = build(&month, &out);
    let text = text_of(&pdf);
    assert!(text.contains("（一）城东片区停水的快速处置") && text.contains("（二）夜间施工噪音的联合整治"), "{text}");

    // A unit no month has.
    std::fs::write(
        month.join("案例/02-噪音.txt"),
        "---\ntitle: 夜间施工噪音的联合整治\nunits: [住建]\n---\n联合夜查。\n",
    )
    .unwrap();
    let (code, stderr) = check(&month);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("no unit `住建` in units.yaml") && stderr.contains("案例/02-噪音.txt:3:"), "{stderr}");

    // Left out when optional and not written; required, it is missed.
    std::fs::remove_dir_all(month.join("案例")).unwrap();
    let (code, stderr) = check(&month);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("the cases folder is missing"), "{stderr}");
    edit(&definition, "    cases: 案例\n", "    cases: 案例\n    optional: true\n");
    let (pdf, _) = build(&month, &out);
    assert!(!text_of(&pdf).contains("典型案例"), "the part is left out");

    edit(&definition, "    optional: true\n", "");
    std::fs::create_dir_all(month.join("案例")).unwrap();
    std::fs::write(month.join("案例/01-供水.txt"), "城东片区停水的快速处置\n\n当日恢复。\n").unwrap();
    let months = office.join("months");
    assert!(common::bulletin(&["new", "2023-02", "--months", months.to_str().unwrap()]).status.success());
    let case = std::fs::read_to_string(months.join("2023-02/案例/01-案例.txt")).unwrap();
    assert!(case.contains("【待填写】案例标题"), "{case}");
}

/// A table may set its members side by side (`across: 2`: 类型 件数 类型
/// 件数) or turn them (`transpose`: each member a column, each figure a
/// row), as bulletins print a long list of categories or a short one.
#[test]
fn a_table_sets_members_side_by_side_or_turns_them() {
    let scratch = Scratch::new("xiangyin-tables");
    let office = copy_office("xiangyin", &scratch);
    let definition = office.join("bulletin.yaml");
    edit(
        &definition,
        "selections:\n",
        "selections:\n  top_categories:\n    label: 诉求量前三的类型\n    from: categories\n    sort: [count desc]\n    limit: 3\n",
    );
    let tables = "\n  - heading: 诉求类型\n    table:\n      rows: categories\n      across: 2\n      columns:\n        - { label: 类型, value: name }\n        - { label: 件数, value: count }\n  - heading: 诉求量前三的类型\n    table:\n      rows: top_categories\n      transpose: true\n      columns:\n        - { label: 类型, value: name }\n        - { value: count }\n        - { value: share }\n";
    let text = std::fs::read_to_string(&definition).unwrap();
    std::fs::write(&definition, format!("{}{tables}", text.trim_end())).unwrap();
    let out = Scratch::new("xiangyin-tables-out");
    let (pdf, _) = build(&office.join("months/2023-01"), &out);
    let text = text_of(&pdf);
    // Two categories a row, in the order of figures.yaml.
    assert!(text.contains("类型件数类型件数人力资源社会保障类103住房与城乡建设类95"), "{text}");
    assert!(text.contains("社情民意类79民政与社会救助类68环境保护类65其他咨询5"), "{text}");
    // Turned: the three largest as columns; 218 / 1310 = 16.64%.
    // (A long name wraps in its narrow column: the rows are checked whole.)
    assert!(text.contains("件数218147141占比16.64%3.59%10.76%"), "{text}");
    let turned = &text[text.find("四、诉求量前三的类型").unwrap()..];
    let at = |name: &str| turned.find(name).unwrap_or_else(|| panic!("{name} in {turned}"));
    assert!(at("公共服务类") < at("市场管理类") && at("市场管理类") < at("件数"), "{turned}");
}

/// Furong's month read by its definition, with a few parts of its bulletin
/// in place of its sections: the business-environment tickets merged by type
/// (`by:`: the type, how many, the units joined) and the typical case from
/// cases/, as the reference prints them.
#[test]
fn furongs_tally_and_case_print_from_sections_of_its_definition() {
    let scratch = Scratch::new("furong-sections");
    let office = scratch.path().join("furong");
    common::copy_dir(&common::project().join("months/2020-03"), &office.join("months/2020-03"));
    let sections = "sections:\n  - heading: 营商环境、行政效能类工单情况\n    table:\n      rows: business_environment\n      by: type\n      columns:\n        - { label: 类型, value: type }\n        - { label: 工单数量, value: count }\n        - { label: 涉及部门, value: unit }\n  - heading: 典型案例\n    cases: cases\n";
    // The appendix: its name in the 附件说明 apart from its title, a table a group on turned pages.
    let columns = [
        "name",
        "signed",
        "late_signed",
        "completed",
        "late_completed",
        "on_time_rate",
        "visited",
        "satisfied",
        "satisfaction",
        "score",
        "rank",
    ]
    .iter()
    .map(|c| format!("            - {{ value: {c} }}\n"))
    .collect::<String>();
    let appendix = format!(
        "  - heading: \"{{{{ office.appendix_title }}}}\"\n    appendix: true\n    attachment: \"{{{{ office.attachment }}}}\"\n    sections:\n      - heading: 街道\n        table:\n          rows: 街道\n          columns:\n{columns}      - heading: 区直部门\n        table:\n          rows: 区直部门\n          columns:\n{columns}"
    );
    std::fs::write(office.join("bulletin.yaml"), common::furong_with_sections(&format!("{sections}{appendix}")))
        .unwrap();
    let out = Scratch::new("furong-sections-out");
    let (pdf, _) = build(&office.join("months/2020-03"), &out);
    let text = text_of(&pdf);
    let table = &text[text.find("一、营商环境").unwrap()..text.find("二、典型案例").unwrap()];
    // (The units' cell wraps in the extracted text: its parts are checked.)
    assert!(table.starts_with("一、营商环境、行政效能类工单情况类型工单数量涉及部门"), "{table}");
    assert!(table.contains("表扬3") && table.contains("行政审批服务局、韭菜园街道、"), "{table}");
    // (Its type, centred in the row, may be read out between the units' lines.)
    let units = table.replacen("表扬3", "", 1);
    assert!(units.ends_with("行政审批服务局、韭菜园街道、荷花园街道"), "one row, the three units joined: {table}");
    assert_eq!(table.matches("表扬").count(), 1, "one row: {table}");
    assert!(text.contains("二、典型案例韦博教育后续处理困境芙蓉区3月以来收到多位市民来电反映"), "{text}");
    assert!(
        text.contains(
            "希望长沙市教育局能协调市、区两级相关部门，协助学员家长依法依规组织维权，尽可能的解决市民的诉求。"
        ),
        "{text}"
    );
    assert!(
        text.contains("附件：芙蓉区“12345”市民服务热线工作主要考核指标综合得分排行榜(根据我区考核标准执行)"),
        "{text}"
    );
    let appendix = &text[text.rfind("附件芙蓉区").unwrap_or_else(|| panic!("{text}"))..];
    assert!(
        appendix.starts_with("附件芙蓉区“12345”市民服务热线成员单位工单办理主要考核指标综合得分排行榜一、街道"),
        "{appendix}"
    );
    assert!(appendix.contains("二、区直部门"), "{appendix}");
}

/// A list typed as the original bulletin published it (Furong's 2020-03
/// well-performing list left 东湖街道 out by hand) is printed as typed; the
/// difference from the list the figures select is a warning that names the
/// unit, and a final bulletin waits until it is acknowledged.
#[test]
fn a_published_list_prints_as_typed_and_its_difference_is_a_warning() {
    let scratch = Scratch::new("published-list");
    let month = scratch.path().join("2020-03");
    common::copy_dir(&common::project().join("months/2020-03"), &month);
    let published: Vec<&str> = common::WELL_PERFORMING.iter().copied().filter(|n| *n != "东湖街道").collect();
    let month_yaml = month.join("month.yaml");
    let text = std::fs::read_to_string(&month_yaml).unwrap();
    let with_list = format!("{text}\npublished:\n  well_performing: [{}]\n", published.join(", "));
    std::fs::write(&month_yaml, &with_list).unwrap();

    let checked = common::bulletin(&["check", month.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert_eq!(checked.status.code(), Some(1), "a final bulletin with a figure in question: {stderr}");
    assert!(
        stderr.contains(
            "the published 完成度较好单位 (13 names) is not the list the figures select (14): it leaves out 东湖街道"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("under `acknowledge:`: `published-differs: 理由`"), "{stderr}");

    let acknowledged = with_list.replace("acknowledge:\n", "acknowledge:\n  published-differs: 原通报如此\n");
    std::fs::write(&month_yaml, acknowledged).unwrap();
    let out = Scratch::new("published-list-out");
    let (pdf, _) = build(&month, &out);
    let text = text_of(&pdf);
    let listed = &text[text.find("工单签收数30件以上）：").unwrap()..];
    let listed = &listed[..listed.find('。').unwrap()];
    assert!(!listed.contains("东湖街道"), "{listed}");
    assert!(listed.contains(&published.join("、")), "{listed}");

    // A name no unit has is an error at its place in the list.
    let misspelt = with_list.replace("定王台街道,", "定王苔街道,");
    std::fs::write(&month_yaml, misspelt).unwrap();
    let checked = common::bulletin(&["check", month.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(stderr.contains("error: no unit `定王苔街道` to list"), "{stderr}");
    assert!(stderr.contains("did you mean `定王台街道`?"), "{stderr}");
}

/// Furong's bulletin gets a new figure and a column for it with no Rust: a
/// unit's on-time signing rate, derived in a copy of its definition and
/// shown as the appendix's last column, computed here from units.yaml.
#[test]
fn a_figure_added_to_furongs_definition_reaches_its_appendix_without_rust() {
    let scratch = Scratch::new("furong-added");
    let month = scratch.path().join("months/2020-03");
    common::copy_dir(&common::project().join("months/2020-03"), &month);
    let definition = scratch.path().join("bulletin.yaml");
    std::fs::write(&definition, bulletin::definition::FURONG).unwrap();
    edit(
        &definition,
        "    rank: { label: 排名, rank: score desc, within: group }\n",
        "    rank: { label: 排名, rank: score desc, within: group }\n    on_time_signing: { label: 按时签收率, percent: (signed - late_signed) / signed, rule: on_time_rate }\n",
    );
    edit(
        &definition,
        "            - { value: rank, label: 排名 }\n",
        "            - { value: rank, label: 排名 }\n            - { value: on_time_signing, label: \"按时\\n签收率\" }\n",
    );
    let out = Scratch::new("furong-added-out");
    let (pdf, _) = build(&month, &out);
    let text = common::pdf_text(&pdf);
    assert!(text.contains("签收率"), "the new column's header: {text}");
    // Each unit's row ends with its rate: (signed − late) / signed, truncated to 2 decimals.
    let units: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(month.join("units.yaml")).unwrap()).unwrap();
    let mut checked = 0;
    for unit in units["groups"].as_sequence().unwrap().iter().flat_map(|g| g["units"].as_sequence().unwrap()) {
        let (signed, late) = (unit["signed"].as_u64().unwrap(), unit["late_signed"].as_u64().unwrap());
        let short = unit.get("short").and_then(|s| s.as_str()).unwrap_or_else(|| unit["name"].as_str().unwrap());
        let expected = match signed {
            0 => "—".to_owned(),
            _ => {
                let hundredths = (signed - late) * 10_000 / signed;
                format!("{}.{:02}%", hundredths / 100, hundredths % 100)
            }
        };
        // The appendix's row: the name and its 17 figures, the new one last.
        let row = text.lines().find(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            cells.first() == Some(&short) && cells.len() == 18
        });
        let Some(row) = row else { continue };
        assert_eq!(row.split_whitespace().last(), Some(expected.as_str()), "{short}: {row}");
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} rows found");
}

/// Lines under the title (期号, and 编发单位 with the date from the sign-off
/// record) and a heading without a number, which leaves the next heading
/// the number it would have had.
#[test]
fn a_subtitle_shows_the_sign_off_and_a_heading_may_go_unnumbered() {
    let scratch = Scratch::new("xiangyin-subtitle");
    let office = copy_office("xiangyin", &scratch);
    let definition = office.join("bulletin.yaml");
    edit(
        &definition,
        "  signoff: [issuer, date]\n",
        "  signoff: [issuer, date]\n  subtitle: \"（第{{ period.month | cn_num }}期）\\n{{ signoff.issuer }}　{{ signoff.date | cn_date }}\"\n",
    );
    edit(&definition, "  - heading: 工作动态\n", "  - heading: 工作动态\n    numbered: false\n");
    let out = Scratch::new("xiangyin-subtitle-out");
    let (pdf, _) = build(&office.join("months/2023-01"), &out);
    let text = text_of(&pdf);
    assert!(text.contains("运行办理情况通报（第一期）湘阴县热线办2023年2月20日"), "{text}");
    assert!(!text.contains("一、工作动态") && text.contains("工作动态"), "{text}");
    assert!(text.contains("一、运行情况"), "the next heading takes 一、: {text}");

    // Issues numbered from a first month: 2017-01 is 总第1期, 2023-01 总第73期.
    edit(
        &definition,
        "（第{{ period.month | cn_num }}期）",
        "{{ period.year }}年第{{ period.number }}期（总第{{ period.total }}期）",
    );
    let text = std::fs::read_to_string(&definition).unwrap();
    std::fs::write(&definition, format!("{text}\nnumbering: {{ from: 2017-01, first: 1 }}\n")).unwrap();
    let (pdf, _) = build(&office.join("months/2023-01"), &out);
    assert!(text_of(&pdf).contains("运行办理情况通报2023年第1期（总第73期）"), "{}", text_of(&pdf));

    // A name the sign-off does not have is refused at its line.
    edit(&definition, "{{ signoff.issuer }}", "{{ signoff.issued }}");
    let (code, stderr) = check(&office.join("months/2023-01"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("`issued` is not one of the sign-off"), "{stderr}");
    assert!(stderr.contains("did you mean `issuer`?"), "{stderr}");
}
