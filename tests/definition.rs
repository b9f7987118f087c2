//! The office definition: Furong's bundled one is clean, every broken
//! definition under `tests/fixtures/definition/` gives its expected
//! diagnostics (at its line, with a hint), and the engine evaluates what a
//! definition declares — ties kept at a limit, as Xiangyin's "前三位"
//! lists four towns.

mod common;

use std::path::Path;

use bulletin::definition;
use bulletin::derive::engine::{self, Input, Item, Unit};
use bulletin::number::Ratio;

fn render(diagnostics: &[bulletin::diag::Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("{d}\n")).collect()
}

#[test]
fn the_bundled_definition_is_clean_and_is_the_one_in_the_repository() {
    let text = std::fs::read(common::project().join(definition::FILE_NAME)).unwrap();
    assert!(text == definition::FURONG.as_bytes(), "bulletin.yaml differs from the bundled one: rebuild");
    let loaded = definition::from_bytes(Path::new("bulletin.yaml"), &text);
    assert_eq!(render(&loaded.diagnostics), "");
    let furong = loaded.definition.expect("Furong's definition checks");
    assert_eq!(furong.selections.len(), 6);
    // Every derived figure comes after the figures it reads.
    let position = |name: &str| furong.order.iter().position(|(_, n)| n == name).unwrap();
    assert!(position("unsatisfied") < position("unsatisfied_ratio"));
}

#[test]
fn broken_definitions_give_their_diagnostics() {
    let update = std::env::var_os("BULLETIN_UPDATE").is_some();
    let root = common::project().join("tests/fixtures/definition");
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    assert!(dirs.len() >= 20, "at least 20 fixtures, found {}", dirs.len());
    let mut failures = Vec::new();
    for dir in dirs {
        let bytes = std::fs::read(dir.join("bulletin.yaml")).unwrap();
        let loaded = definition::from_bytes(Path::new("bulletin.yaml"), &bytes);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(loaded.definition.is_none(), "{name}: the definition was accepted");
        if !loaded.diagnostics.iter().all(|d| d.line.is_some()) {
            failures.push(format!("── {name}: a diagnostic without a line"));
        }
        let got = render(&loaded.diagnostics);
        let expected_path = dir.join("expected.txt");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!("── {name}\nexpected:\n{expected}\ngot:\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const TOWNS: &str = "\
office: { name: 湘阴县热线办, district: 湘阴县, city: 岳阳市 }
params:
  min_tickets: { label: 参与排名的工单数下限, kind: count, value: 10 }
measures:
  unit:
    tickets: { label: 工单办理量, kind: count }
    score: { label: 综合指标考核分值, kind: score, rule: half_up 1 trim }
groups:
  - name: 乡镇
  - name: 县直单位
derived:
  unit:
    rank: { label: 排名, rank: score desc, within: group }
    share: { label: 占比, percent: \"tickets / sum(units, tickets)\", rule: half_up 2 }
selections:
  top_towns:
    label: 乡镇综合指标考核分值排名前三位
    from: 乡镇
    sort: [score desc]
    limit: 3
  top_departments:
    label: 工单办理量10件以上的县直单位前二位
    from: 县直单位
    where: tickets >= params.min_tickets
    sort: [score desc]
    limit: 2
    ties: cut
";

#[test]
fn selections_keep_ties_at_the_limit_and_rank_within_groups() {
    let definition = definition::from_bytes(Path::new("bulletin.yaml"), TOWNS.as_bytes());
    assert_eq!(render(&definition.diagnostics), "");
    let definition = definition.definition.unwrap();
    let unit = |name: &str, group: usize, tickets: i64, score: &str| Unit {
        id: name.to_owned(),
        name: name.to_owned(),
        short: name.to_owned(),
        group,
        values: [
            ("tickets".to_owned(), Some(Ratio::int(tickets))),
            ("score".to_owned(), Some(Ratio::from_decimal(bulletin::number::Decimal::parse(score).unwrap()))),
        ]
        .into_iter()
        .collect(),
        texts: Default::default(),
    };
    let input = Input {
        groups: vec!["乡镇".into(), "县直单位".into()],
        units: vec![
            unit("东塘镇", 0, 30, "98.2"),
            unit("南湖洲镇", 0, 20, "100"),
            unit("杨林寨乡", 0, 12, "97.8"),
            unit("三塘镇", 0, 25, "97.8"),
            unit("鹤龙湖镇", 0, 9, "96"),
            unit("自来水公司", 1, 11, "100"),
            unit("市监局", 1, 40, "99"),
            unit("档案馆", 1, 3, "100"),
            unit("人民医院", 1, 14, "98.8"),
        ],
        ..Input::default()
    };
    let _: Vec<Item> = Vec::new();
    let out = engine::evaluate(&definition, &input).unwrap();
    let names =
        |key: &str| -> Vec<&str> { out.selections[key].iter().map(|&i| input.units[i].name.as_str()).collect() };
    // 前三位: four towns, the last two tied at 97.8, in file order.
    assert_eq!(names("top_towns"), ["南湖洲镇", "东塘镇", "杨林寨乡", "三塘镇"]);
    // Under 10 tickets (档案馆) left out; exactly two with `ties: cut`.
    assert_eq!(names("top_departments"), ["自来水公司", "市监局"]);
    let rank = |i: usize| out.units[i]["rank"].unwrap().to_integer().unwrap();
    assert_eq!((0..5).map(rank).collect::<Vec<_>>(), [2, 1, 3, 3, 5]);
    assert_eq!((5..9).map(rank).collect::<Vec<_>>(), [1, 3, 1, 4]);
    // 30 of 164 tickets: 18.292… → 18.29, exact.
    let shown = out.shown(&definition, &input, &definition::ScopeKey::Unit, &out.units[0], "share");
    assert_eq!(shown.as_deref(), Some("18.29"));
    let score = out.shown(&definition, &input, &definition::ScopeKey::Unit, &out.units[4], "score");
    assert_eq!(score.as_deref(), Some("96"));
}

/// An archive with its own `bulletin.yaml`: the month derives under it
/// (a rule changed there changes the printed figure, with no Rust change),
/// and a broken one stops `check` with the definition's diagnostic.
#[test]
fn a_months_figures_follow_the_definition_beside_its_archive() {
    let scratch = common::Scratch::new("definition-archive");
    let months = scratch.path().join("months");
    common::copy_dir(&common::project().join("months/2020-03"), &months.join("2020-03"));
    let furong = std::fs::read_to_string(common::project().join(definition::FILE_NAME)).unwrap();
    let month_dir = months.join("2020-03");

    let satisfaction = |definition_text: &str| {
        std::fs::write(scratch.path().join(definition::FILE_NAME), definition_text).unwrap();
        let (month, _) = bulletin::check_issue(&month_dir, bulletin::CheckOptions::default()).unwrap();
        (0..month.input.units.len())
            .map(|i| {
                let unit = month.output.member(&month.definition, &month.input, &definition::ScopeKey::Unit, i);
                unit["satisfaction"].as_str().unwrap_or_default().to_owned()
            })
            .collect::<Vec<_>>()
    };
    let hash = || {
        let files = bulletin::month::validate::MonthFiles::read(&month_dir).unwrap();
        bulletin::archive::batch::input_hash(&files, "resources", bulletin::BuildOptions::default())
    };
    let as_published = satisfaction(&furong);
    let hash_before = hash();
    assert!(as_published.contains(&"96.23".to_owned()), "{as_published:?}");
    let one_decimal = satisfaction(&furong.replace("satisfaction: half_up 2 ", "satisfaction: half_up 1 "));
    assert!(one_decimal.contains(&"96.2".to_owned()), "{one_decimal:?}");
    assert_eq!(as_published.len(), one_decimal.len());
    // The definition is an input of the month's build: a batch rebuilds it.
    assert_ne!(hash(), hash_before);

    std::fs::write(
        scratch.path().join(definition::FILE_NAME),
        furong.replace("satisfied / visited, rule: satisfaction", "satisfied / visted, rule: satisfaction"),
    )
    .unwrap();
    let out = common::bulletin(&["check", month_dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`visted` is not a figure of unit"), "{stderr}");
    assert!(stderr.contains("bulletin.yaml:"), "{stderr}");
}

/// The months of one run share one check of their definition: the same
/// bytes give the same checked definition back; an edit is checked anew.
#[test]
fn a_definition_read_again_unchanged_is_not_checked_again() {
    let scratch = common::Scratch::new("definition-shared");
    let path = scratch.path().join("bulletin.yaml");
    std::fs::write(&path, definition::FURONG).unwrap();
    let first = definition::load_shared(&path).unwrap().definition.expect("Furong's definition checks");
    let again = definition::load_shared(&path).unwrap().definition.unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again), "checked twice");
    let edited = definition::FURONG.replace("\n  satisfaction: half_up 2", "\n  satisfaction: truncate 1");
    std::fs::write(&path, edited).unwrap();
    let anew = definition::load_shared(&path).unwrap().definition.unwrap();
    assert!(!std::sync::Arc::ptr_eq(&first, &anew), "the edit was not read");
    assert_ne!(anew.rules["satisfaction"], first.rules["satisfaction"]);
    std::fs::write(&path, "office: [").unwrap();
    let broken = definition::load_shared(&path).unwrap();
    assert!(broken.definition.is_none() && broken.diagnostics.iter().any(|d| d.is_error()));
}

/// A unit named in a list (by its full name, short name or id) is printed
/// by its full name; a name no unit has is an error at its line.
#[test]
fn a_unit_named_in_a_list_must_be_one_of_the_month() {
    let scratch = common::Scratch::new("furong-unit-named");
    let month = scratch.path().join("2020-03");
    common::copy_dir(&common::project().join("months/2020-03"), &month);
    let tickets = month.join("tickets.yaml");
    let text = std::fs::read_to_string(&tickets).unwrap();
    // By its id, and by a name no unit has.
    let slipped = text.replacen("unit: 行政审批服务局 }", "unit: shenpi }", 1).replacen(
        "unit: 荷花园街道 }",
        "unit: 荷花园路 }",
        1,
    );
    std::fs::write(&tickets, &slipped).unwrap();
    let files = bulletin::month::validate::MonthFiles::read(&month).unwrap();
    let checked = bulletin::month::office::check_files(&files, definition::furong());
    let errors: Vec<String> = checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert_eq!(errors.len(), 1, "{}", errors.join("\n"));
    let line = slipped.lines().position(|l| l.contains("荷花园路")).unwrap() + 1;
    assert!(errors[0].contains("no unit `荷花园路` in units.yaml"), "{}", errors[0]);
    assert!(errors[0].contains(&format!("tickets.yaml:{line}:")), "{}", errors[0]);
    assert!(errors[0].contains("did you mean `荷花园街道`?"), "{}", errors[0]);
    assert!(checked.month.is_none(), "a month with an error gives no month");

    std::fs::write(&tickets, text.replacen("unit: 行政审批服务局 }", "unit: shenpi }", 1)).unwrap();
    let files = bulletin::month::validate::MonthFiles::read(&month).unwrap();
    let read = bulletin::month::office::check_files(&files, definition::furong()).month.expect("the month reads");
    assert_eq!(
        read.input.lists["business_environment"][0].texts["unit"], "行政审批服务局",
        "the id's unit by its full name"
    );
}

/// Furong's rules of consistency are checks of its definition: a unit with
/// more satisfied follow-ups than follow-ups, and topic natures that do
/// not add up, are errors at their figures, worded from the labels.
#[test]
fn furongs_consistency_rules_are_checks_of_its_definition() {
    let scratch = common::Scratch::new("furong-checks");
    let month = scratch.path().join("2020-03");
    common::copy_dir(&common::project().join("months/2020-03"), &month);
    let units = month.join("units.yaml");
    let text = std::fs::read_to_string(&units).unwrap();
    let visited = text.find("        visited: ").unwrap();
    let line_end = visited + text[visited..].find('\n').unwrap();
    let broken = format!("{}        visited: 1{}", &text[..visited], &text[line_end..]);
    std::fs::write(&units, &broken).unwrap();
    let tickets = month.join("tickets.yaml");
    let text = std::fs::read_to_string(&tickets).unwrap();
    std::fs::write(&tickets, text.replacen("{ name: 咨询, count: 65 }", "{ name: 咨询, count: 66 }", 1)).unwrap();
    let files = bulletin::month::validate::MonthFiles::read(&month).unwrap();
    let checked = bulletin::month::office::check_files(&files, definition::furong());
    let errors: Vec<String> = checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert_eq!(errors.len(), 2, "{}", errors.join("\n"));
    let unit = errors.iter().find(|e| e.contains("units.yaml")).unwrap();
    assert!(
        unit.contains("回访满意数 `satisfied`") && unit.contains("is greater than 回访工单总数 `visited` (1)"),
        "{unit}"
    );
    let natures = errors.iter().find(|e| e.contains("tickets.yaml")).unwrap();
    assert!(
        natures
            .contains("the sum of 专题诉求性质工单数量 `sum(topic_natures, count)` (436: 咨询 66 + 求助 345 + 建议 5"),
        "{natures}"
    );
    assert!(natures.contains("differs from 专题工单数 `topic_tickets` (435)"), "{natures}");
}

/// A unit's percentage typed as a fraction (0.011 for 1.1%) is a warning
/// with the fix, for any office's percent measures as for Furong's.
#[test]
fn a_percentage_typed_as_a_fraction_is_a_warning_for_any_office() {
    let scratch = common::Scratch::new("office-fraction");
    let month = scratch.path().join("2020-03");
    common::copy_dir(&common::project().join("months/2020-03"), &month);
    let units = month.join("units.yaml");
    let text = std::fs::read_to_string(&units).unwrap();
    std::fs::write(&units, text.replacen("extension_rate: 1.00", "extension_rate: 0.011", 1)).unwrap();
    let files = bulletin::month::validate::MonthFiles::read(&month).unwrap();
    let checked = bulletin::month::office::check_files(&files, definition::furong());
    let warnings: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
    let fraction =
        warnings.iter().find(|w| w.contains("looks like a fraction")).unwrap_or_else(|| panic!("{warnings:#?}"));
    assert!(fraction.contains("extension_rate 0.011") && fraction.contains("`extension_rate: 1.1`"), "{fraction}");
    assert!(fraction.contains("units.yaml:"), "{fraction}");
}
