//! Furong's derived figures as its definition computes them: the bundled
//! month read by the reader every office's month goes through and derived
//! by the engine — the selections, ranks and shares that tests/derive.rs
//! checks on Furong's typed reading, so that both agree before the typed
//! reading goes.

mod common;

use bulletin::definition::{self, ScopeKey};
use bulletin::derive::engine::Record;
use bulletin::month::office::OfficeMonth;

fn march() -> OfficeMonth {
    let files = bulletin::month::validate::MonthFiles::read(&common::project().join("months/2020-03")).unwrap();
    let checked = bulletin::month::office::check_files(&files, definition::furong());
    let errors: Vec<String> = checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    checked.month.expect("2020-03 reads")
}

/// A figure of `record` (in `scope`) as the bulletin prints it.
fn shown(month: &OfficeMonth, scope: &ScopeKey, record: &Record, name: &str) -> Option<String> {
    month.output.shown(&month.definition, &month.input, scope, record, name)
}

fn list(name: &str) -> ScopeKey {
    ScopeKey::List(name.to_owned())
}

/// The names of a selection's units, in order.
fn selected_units(month: &OfficeMonth, selection: &str) -> Vec<String> {
    month.output.selections[selection].iter().map(|&i| month.input.units[i].name.clone()).collect()
}

/// A selection of the list `from`: each item's name and `figure` as printed.
fn selected_items(month: &OfficeMonth, selection: &str, from: &str, figure: &str) -> Vec<[String; 2]> {
    let (items, records) = (&month.input.lists[from], &month.output.lists[from]);
    month.output.selections[selection]
        .iter()
        .map(|&i| [items[i].name.clone(), shown(month, &list(from), &records[i], figure).unwrap()])
        .collect()
}

#[test]
fn city_ranks_use_competition_ranking() {
    let month = march();
    let city = &month.output.lists["city"];
    let rows: Vec<[String; 3]> = month.input.lists["city"]
        .iter()
        .zip(city)
        .map(|(item, record)| {
            let rank = |name| shown(&month, &list("city"), record, name).unwrap();
            [item.name.clone(), rank("satisfaction_rank"), rank("score_rank")]
        })
        .collect();
    // 天心 and 开福 share score rank 3; 雨花 is 5th, not 4th.
    assert_eq!(
        rows,
        [["芙蓉区", "2", "1"], ["岳麓区", "1", "2"], ["天心区", "3", "3"], ["开福区", "4", "3"], ["雨花区", "5", "5"]]
    );
}

#[test]
fn well_performing_list_is_computed_and_includes_the_forgotten_unit() {
    let month = march();
    assert_eq!(selected_units(&month, "well_performing"), common::WELL_PERFORMING);
}

#[test]
fn units_costing_points_and_under_the_threshold() {
    let month = march();
    let row = |i: usize, names: &[&str]| -> Vec<String> {
        let mut row = vec![month.input.units[i].name.clone()];
        row.extend(names.iter().map(|n| shown(&month, &ScopeKey::Unit, &month.output.units[i], n).unwrap()));
        row
    };
    let cost: Vec<Vec<String>> = month.output.selections["cost_points"]
        .iter()
        .map(|&i| row(i, &["unsatisfied", "unsatisfied_ratio", "unsatisfied_share"]))
        .collect();
    assert_eq!(
        cost,
        [
            ["马坡岭街道", "3", "3.2", "30"],
            ["荷花园街道", "2", "3.1", "20"],
            ["隆平高科技园管理委员会", "1", "33.3", "10"],
            ["湘湖管理局", "1", "2.5", "10"],
        ]
    );
    // 市场监督管理局 (2) and 人力资源和社会保障局 (1) are unsatisfied too, so
    // the district total is 10, but they are above 97% and not listed.
    assert_eq!(shown(&month, &ScopeKey::Office, &month.output.office, "unsatisfied").as_deref(), Some("10"));
    let low: Vec<Vec<String>> =
        month.output.selections["low_satisfaction"].iter().map(|&i| row(i, &["low_satisfaction"])).collect();
    assert_eq!(
        low,
        [["马坡岭街道", "96.51"], ["荷花园街道", "96.23"], ["湘湖管理局", "96"], ["隆平高科技园管理委员会", "50"]]
    );
}

#[test]
fn appendix_ranks_skip_after_the_21_tied_departments() {
    let month = march();
    let ranks = |group: &str| -> Vec<String> {
        let g = month.input.groups.iter().position(|name| name == group).unwrap();
        month
            .input
            .units
            .iter()
            .zip(&month.output.units)
            .filter(|(unit, _)| unit.group == g)
            .map(|(_, record)| shown(&month, &ScopeKey::Unit, record, "rank").unwrap())
            .collect()
    };
    let departments = ranks("区直部门");
    assert_eq!(departments.len(), 29);
    assert!(departments[..21].iter().all(|r| r == "1"), "{departments:?}");
    assert_eq!(&departments[21..], &["22", "23", "23", "23", "26", "27", "28", "28"]);
    assert_eq!(ranks("街道"), ["1", "1", "1", "1", "1", "1", "1", "1", "1", "10", "11", "12", "13", "14"]);
}

#[test]
fn topic_shares() {
    let month = march();
    let office = |name| shown(&month, &ScopeKey::Office, &month.output.office, name).unwrap();
    assert_eq!(
        [office("completed"), office("topic_tickets"), office("topic_share"), office("topic_satisfaction")],
        ["2034", "435", "21.39", "99.77"]
    );
    // Shares truncated to one decimal, trailing zero trimmed (34.0 → 34).
    assert_eq!(
        selected_items(&month, "topic_top_categories", "topic_categories", "share"),
        [["社区工作", "34"], ["卫生服务", "22.5"], ["物业管理", "6.2"], ["价格投诉", "5.9"], ["消费维权", "4.1"]]
    );
}

#[test]
fn top_categories_keep_six_by_count() {
    let month = march();
    assert_eq!(
        selected_items(&month, "top_categories", "categories", "count"),
        [
            ["社区工作", "220"],
            ["消费维权", "152"],
            ["建筑施工噪音", "147"],
            ["卫生服务类", "134"],
            ["养老保险", "87"],
            ["物业管理", "82"]
        ]
    );
}
