//! Derived figures of the bundled month, through the library: the selection
//! rules, the ranks, the shares, and the narrative sentences built on them.

mod common;

use bulletin::derive::figures::Figures;
use bulletin::render::narrative::Sentences;

fn march() -> Figures {
    let (month, _warnings) =
        bulletin::check(&common::project().join("months/2020-03"), bulletin::CheckOptions::default())
            .expect("2020-03 is valid");
    let sentences = Sentences::load(&common::project().join("layouts")).expect("sentence templates load");
    bulletin::figures(&month, &sentences).expect("figures derive")
}

#[test]
fn city_ranks_use_competition_ranking() {
    let figures = march();
    let rows: Vec<(&str, usize, usize)> =
        figures.city_table.iter().map(|r| (r.name.as_str(), r.satisfaction_rank, r.score_rank)).collect();
    // Our district first, then by satisfaction; 天心 and 开福 share score rank 3.
    assert_eq!(rows, [("芙蓉区", 2, 1), ("岳麓区", 1, 2), ("天心区", 3, 3), ("开福区", 4, 3), ("雨花区", 5, 5)]);
    assert_eq!((figures.own_satisfaction_rank, figures.own_score_rank), (2, 1));
    assert_eq!(
        figures.text["city_summary"],
        "3月份，我区“12345”市民服务热线工作满意度在内五区排名第二，总分排名第一。具体情况如下："
    );
}

#[test]
fn well_performing_list_is_computed_and_includes_the_forgotten_unit() {
    let figures = march();
    assert_eq!(figures.well_performing, common::WELL_PERFORMING);
}

#[test]
fn units_costing_points_and_under_the_threshold() {
    let figures = march();
    let cost: Vec<(&str, u32, Option<&str>, Option<&str>)> = figures
        .cost_points
        .iter()
        .map(|r| (r.name.as_str(), r.unsatisfied, r.ratio.as_deref(), r.share.as_deref()))
        .collect();
    assert_eq!(
        cost,
        [
            ("马坡岭街道", 3, Some("3.2"), Some("30")),
            ("荷花园街道", 2, Some("3.1"), Some("20")),
            ("隆平高科技园管理委员会", 1, Some("33.3"), Some("10")),
            ("湘湖管理局", 1, Some("2.5"), Some("10")),
        ]
    );
    // 市场监督管理局 (2) and 人力资源和社会保障局 (1) are unsatisfied too, so
    // the district total is 10, but they are above 97% and not listed.
    assert_eq!(figures.district_unsatisfied, 10);
    let low: Vec<(&str, Option<&str>)> =
        figures.low_satisfaction.iter().map(|r| (r.name.as_str(), r.satisfaction.as_deref())).collect();
    assert_eq!(
        low,
        [
            ("马坡岭街道", Some("96.51")),
            ("荷花园街道", Some("96.23")),
            ("湘湖管理局", Some("96")),
            ("隆平高科技园管理委员会", Some("50")),
        ]
    );
}

#[test]
fn appendix_ranks_skip_after_the_21_tied_departments() {
    let figures = march();
    let departments = &figures.appendix[1];
    assert_eq!(departments.name, "区直部门");
    assert_eq!(departments.rows.len(), 29);
    let ranks: Vec<usize> = departments.rows.iter().map(|r| r.rank).collect();
    assert!(ranks[..21].iter().all(|&r| r == 1), "{ranks:?}");
    assert_eq!(&ranks[21..], &[22, 23, 23, 23, 26, 27, 28, 28]);
    let streets = &figures.appendix[0];
    let ranks: Vec<usize> = streets.rows.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, [1, 1, 1, 1, 1, 1, 1, 1, 1, 10, 11, 12, 13, 14]);
    // The appendix uses short names.
    assert_eq!(streets.rows[13].name, "隆平高科技园");
}

#[test]
fn topic_shares_and_sentences() {
    let figures = march();
    let topic = &figures.topic;
    assert_eq!((topic.received, topic.completed, topic.tickets), (2120, 2034, 435));
    assert_eq!(topic.share.as_deref(), Some("21.39"));
    assert_eq!(topic.satisfaction.as_deref(), Some("99.77"));
    let shares: Vec<(&str, Option<&str>)> =
        topic.categories.iter().map(|c| (c.name.as_str(), c.share.as_deref())).collect();
    assert_eq!(
        shares,
        [
            ("社区工作", Some("34")),
            ("卫生服务", Some("22.5")),
            ("物业管理", Some("6.2")),
            ("价格投诉", Some("5.9")),
            ("消费维权", Some("4.1")),
        ]
    );
    assert_eq!(
        figures.text["topic_summary"],
        "3月份共收到长沙市12345来电转办工单2120件，办结工单2034件，其中涉疫工单435件，占办结总数的21.39%，回访不满意1件，满意率为99.77%。"
    );
    assert_eq!(figures.text["issue_date"], "2020年4月17日");
}

#[test]
fn top_categories_and_business_tickets() {
    let figures = march();
    let top: Vec<(&str, u32)> = figures.top_categories.iter().map(|c| (c.name.as_str(), c.count)).collect();
    assert_eq!(
        top,
        [
            ("社区工作", 220),
            ("消费维权", 152),
            ("建筑施工噪音", 147),
            ("卫生服务类", 134),
            ("养老保险", 87),
            ("物业管理", 82)
        ]
    );
    assert_eq!(figures.business.len(), 1);
    assert_eq!(figures.business[0].kind, "表扬");
    assert_eq!(figures.business[0].count, 3);
    assert_eq!(figures.business[0].units, ["行政审批服务局", "韭菜园街道", "荷花园街道"]);
}
