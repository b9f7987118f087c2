//! Bulletins of several months: a quarter's folder (`months/2015-Q1/`,
//! its month.yaml and cases only) is built from the generated months it
//! covers. Its counts are the months' sums, its rates the fractions of the
//! summed counts, its ranks made afresh — each checked here against an
//! independent computation from the months' own files.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use bulletin::definition::ScopeKey;
use common::Scratch;

/// A unit's raw counts in a month, from its units.yaml as written.
fn counts(month: &Path) -> BTreeMap<String, BTreeMap<String, i128>> {
    let text = fs::read_to_string(month.join("units.yaml")).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mut out = BTreeMap::new();
    for group in yaml["groups"].as_sequence().unwrap() {
        for unit in group["units"].as_sequence().unwrap() {
            let id = unit["id"].as_str().unwrap().to_owned();
            let figures = unit
                .as_mapping()
                .unwrap()
                .iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_i64().map(i128::from)?)))
                .collect();
            out.insert(id, figures);
        }
    }
    out
}

/// `numerator / denominator` in per cent, rounded half up to 2 places, as
/// the definition's `satisfaction: half_up 2` shows it.
fn percent_half_up(numerator: i128, denominator: i128) -> String {
    let hundredths = (numerator * 10_000 * 2 + denominator) / (denominator * 2);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// A score as written (`65.5`, `70`), in tenths.
fn tenths(text: &str) -> i128 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    whole.parse::<i128>().unwrap() * 10 + fraction[..1].parse::<i128>().unwrap()
}

/// A change in words, computed here: 减少101件，减幅6.44% (half up,
/// trailing zeros trimmed); 增加5件 from a zero base; 持平.
fn change_words(now: i64, base: i64) -> String {
    let diff = now - base;
    if diff == 0 {
        return "持平".into();
    }
    let (moved, rate_word) = if diff < 0 { ("减少", "减幅") } else { ("增加", "增幅") };
    if base == 0 {
        return format!("{moved}{}件", diff.abs());
    }
    let hundredths = (diff.abs() as i128 * 10_000 * 2 + base as i128) / (base as i128 * 2);
    let rate = format!("{}.{:02}", hundredths / 100, hundredths % 100);
    let rate = rate.trim_end_matches('0').trim_end_matches('.');
    format!("{moved}{}件，{rate_word}{rate}%", diff.abs())
}

/// `key` (a folder beside its months) checked against its months' own
/// files: each unit's counts the sums, its satisfaction (half up) and
/// on-time rate (truncated) the fractions of the sums, its rank in its group
/// by the mean score made afresh; the office's completed tickets summed; the
/// PDF titled and worded by the period (`label`, `name`).
fn sums_its_months(months: &Path, key: &str, covered: &[String], label: &str, name: &str) {
    let checked = bulletin::read_issue(&months.join(key)).unwrap();
    let errors: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
    let period = checked.month.unwrap_or_else(|| panic!("{}", errors.join("\n")));
    assert_eq!(period.span.to_string(), key);

    let each: Vec<_> = covered.iter().map(|m| counts(&months.join(m))).collect();
    // Scores per unit, from the months' units.yaml as text (decimals).
    let scores: Vec<BTreeMap<String, i128>> = covered
        .iter()
        .map(|m| {
            let text = fs::read_to_string(months.join(m).join("units.yaml")).unwrap();
            let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            let mut out = BTreeMap::new();
            for group in yaml["groups"].as_sequence().unwrap() {
                for unit in group["units"].as_sequence().unwrap() {
                    let score = match &unit["score"] {
                        serde_yaml::Value::Number(n) => n.to_string(),
                        other => panic!("a score: {other:?}"),
                    };
                    out.insert(unit["id"].as_str().unwrap().to_owned(), tenths(&score));
                }
            }
            out
        })
        .collect();

    let definition = &period.definition;
    let mut checked_units = 0;
    for (i, unit) in period.input.units.iter().enumerate() {
        let sum = |figure: &str| each.iter().map(|m| m[&unit.id][figure]).sum::<i128>();
        for figure in ["signed", "visited", "satisfied", "completed", "late_completed"] {
            let value = unit.values[figure].and_then(|v| v.to_integer());
            assert_eq!(value, Some(sum(figure)), "{} {figure}", unit.name);
        }
        let record = period.output.record(&ScopeKey::Unit, i);
        let shown = |figure: &str| period.output.shown(definition, &period.input, &ScopeKey::Unit, record, figure);
        let expected = (sum("visited") > 0).then(|| percent_half_up(sum("satisfied"), sum("visited")));
        assert_eq!(shown("satisfaction"), expected, "{}: the rate of the summed counts", unit.name);
        let (done, all) = (sum("completed") - sum("late_completed"), sum("completed"));
        let truncated = (all > 0).then(|| {
            let hundredths = done * 10_000 / all;
            format!("{}.{:02}", hundredths / 100, hundredths % 100)
        });
        assert_eq!(shown("on_time_rate"), truncated, "{}: on time, truncated", unit.name);

        // The rank within the group by the mean score: 1 + the units of the
        // group whose mean (the sum of the months, each in tenths) is higher.
        let total = |id: &str| scores.iter().map(|m| m[id]).sum::<i128>();
        let higher = period
            .input
            .units
            .iter()
            .filter(|other| other.group == unit.group && total(&other.id) > total(&unit.id))
            .count();
        let rank = record["rank"].and_then(|v| v.to_integer());
        assert_eq!(rank, Some(higher as i128 + 1), "{}'s rank in its group", unit.name);
        checked_units += 1;
    }
    assert_eq!(checked_units, 43);
    // The office's own figures: summed from tickets.yaml of each month.
    let completed: i128 = covered
        .iter()
        .map(|m| {
            let text = fs::read_to_string(months.join(m).join("tickets.yaml")).unwrap();
            let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            i128::from(yaml["completed"].as_i64().unwrap())
        })
        .sum();
    assert_eq!(period.input.office["completed"].and_then(|v| v.to_integer()), Some(completed));

    // The PDF: named after the period, titled and worded by it.
    let out = Scratch::new(&format!("periods-{key}-out"));
    let built = common::bulletin(&["build", months.join(key).to_str().unwrap(), "--out", out.str()]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let text = common::squeeze(&common::pdf_text(&out.path().join(format!("{key}.pdf"))));
    assert!(text.contains(&format!("{label}芙蓉区“12345”市民服务热线工作情况通报")), "{text}");
    assert!(text.contains(&format!("{name}，我区“12345”市民服务热线工作满意度")), "{text}");
    assert!(text.contains(&format!("办结工单{completed}件")), "{text}");
    assert!(text.contains(&format!("街道（{label}）")), "{text}");
}

fn month_keys(from: u8, to: u8) -> Vec<String> {
    (from..=to).map(|m| format!("2015-{m:02}")).collect()
}

#[test]
fn a_quarter_sums_its_months_and_derives_afresh() {
    let scratch = Scratch::new("periods-quarter");
    let months = common::quarter_archive(&scratch);
    sums_its_months(&months, "2015-Q1", &month_keys(1, 3), "2015年第一季度", "第一季度");
}

/// A half-year and a year from twelve generated months, their folders
/// started by `bulletin new`.
#[test]
fn a_half_year_and_a_year_sum_their_months() {
    let scratch = Scratch::new("periods-year");
    let months = common::generated_months(&scratch, 12);
    for (key, date) in [("2015-H1", "2015-07-10"), ("2015", "2016-01-20")] {
        let new = common::bulletin(&["new", key, "--months", months.to_str().unwrap()]);
        assert!(new.status.success(), "{}", String::from_utf8_lossy(&new.stderr));
        let month_yaml = months.join(key).join("month.yaml");
        let text = fs::read_to_string(&month_yaml).unwrap();
        fs::write(&month_yaml, text.replace("date: ~", &format!("date: {date} #"))).unwrap();
        let case = fs::read_dir(months.join(key).join("cases")).unwrap().next().unwrap().unwrap().path();
        fs::write(&case, "供水保障的联动处置\n\n各部门联动处置停水诉求。\n").unwrap();
    }
    sums_its_months(&months, "2015-H1", &month_keys(1, 6), "2015年上半年", "上半年");
    sums_its_months(&months, "2015", &month_keys(1, 12), "2015年", "全年");
}

#[test]
fn a_missing_month_and_a_unit_of_some_months_are_said() {
    let scratch = Scratch::new("periods-gaps");
    let months = common::quarter_archive(&scratch);
    // A unit that only February and March have: taken out of January.
    let january = months.join("2015-01/units.yaml");
    let text = fs::read_to_string(&january).unwrap();
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let group = yaml["groups"][1]["units"].as_sequence_mut().unwrap();
    let gone = group.pop().unwrap();
    let name = gone["name"].as_str().unwrap().to_owned();
    fs::write(&january, serde_yaml::to_string(&yaml).unwrap()).unwrap();
    let checked = bulletin::read_issue(&months.join("2015-01")).unwrap();
    assert!(checked.month.is_some(), "January still checks: {:?}", checked.diagnostics);

    let out = Scratch::new("periods-gaps-out");
    let built = common::bulletin(&["build", months.join("2015-Q1").to_str().unwrap(), "--out", out.str()]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let text = common::squeeze(&common::pdf_text(&out.path().join("2015-Q1.pdf")));
    assert!(text.contains(&format!("注：{name}仅统计2015年2—3月。")), "{text}");

    // Without February the quarter cannot be made, and says which month.
    fs::rename(months.join("2015-02"), scratch.path().join("2015-02")).unwrap();
    let checked = common::bulletin(&["check", months.join("2015-Q1").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert_eq!(checked.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2015-Q1 covers 2015-02, which the archive does not have"), "{stderr}");
    assert!(stderr.contains("month.yaml:1:9"), "at the period: {stderr}");
    assert!(stderr.contains("periods.quarter.allow_missing: true"), "the way out named: {stderr}");

    // Allowed by the definition: made from January and March, with a
    // warning, and `period.missing` names February.
    let definition = fs::read_to_string(common::project().join("bulletin.yaml")).unwrap();
    let definition = definition.replacen(
        "  quarter: &longer\n",
        "  quarter:\n    allow_missing: true\n    sections:\n      - heading: 说明\n        prose: \"{% if period.missing %}本期缺{{ period.missing | join('、') }}的数据；{% endif %}办结工单{{ office.completed }}件。\"\n  longer: &longer\n",
        1,
    );
    let definition =
        definition.replace("  longer: &longer\n", "  half: &longer\n").replacen("  half: *longer\n", "", 1);
    fs::write(scratch.path().join("bulletin.yaml"), &definition).unwrap();
    let built = common::bulletin(&["build", months.join("2015-Q1").to_str().unwrap(), "--out", out.str()]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "{stderr}");
    assert!(stderr.contains("its figures are those of the other months"), "{stderr}");
    let completed = |month: &str| -> i64 {
        let text = fs::read_to_string(months.join(month).join("tickets.yaml")).unwrap();
        serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap()["completed"].as_i64().unwrap()
    };
    let text = common::squeeze(&common::pdf_text(&out.path().join("2015-Q1.pdf")));
    let sentence = format!("本期缺2015年2月的数据；办结工单{}件。", completed("2015-01") + completed("2015-03"));
    assert!(text.contains(&sentence), "{sentence} in:\n{text}");
    fs::remove_file(scratch.path().join("bulletin.yaml")).unwrap();

    // A period that does not match its folder.
    fs::rename(scratch.path().join("2015-02"), months.join("2015-02")).unwrap();
    let month_yaml = months.join("2015-Q1/month.yaml");
    let text = fs::read_to_string(&month_yaml).unwrap();
    fs::write(&month_yaml, text.replace("period: 2015-Q1", "period: 2015-Q2")).unwrap();
    let checked = common::bulletin(&["check", months.join("2015-Q1").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(stderr.contains("period 2015-Q2 does not match the folder name `2015-Q1`"), "{stderr}");
}

/// `build --all` builds the quarter beside its months, and rebuilds it when
/// one of them changes: the months' files are its inputs.
#[test]
fn a_quarter_is_rebuilt_when_one_of_its_months_changes() {
    let scratch = Scratch::new("periods-batch");
    let months = common::quarter_archive(&scratch);
    let out = Scratch::new("periods-batch-out");
    let all = || {
        let output = common::bulletin(&["build", "--all", months.to_str().unwrap(), "--out", out.str()]);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        stderr
    };
    let first = all();
    assert!(first.contains("4 built, 0 up to date"), "{first}");
    assert!(out.path().join("2015-Q1.pdf").is_file());
    assert!(all().contains("0 built, 4 up to date"));
    let tickets = months.join("2015-02/tickets.yaml");
    let text = fs::read_to_string(&tickets).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let completed = yaml["completed"].as_i64().unwrap();
    fs::write(&tickets, text.replacen(&format!("completed: {completed}"), &format!("completed: {}", completed - 1), 1))
        .unwrap();
    let again = all();
    assert!(again.contains("2 built, 2 up to date"), "February and the quarter: {again}");
}

/// 同比 and 环比 from the archive: a definition that declares `compare:`
/// sees each figure's change against the month before and the same month
/// a year before, in words; no base month says so, a zero base gives no
/// rate, a percentage moves in 百分点.
#[test]
fn comparisons_read_the_months_before_from_the_archive() {
    let scratch = Scratch::new("periods-compare");
    let months = common::generated_months(&scratch, 13);
    let section = "  - heading: 同比环比\n    prose: >-\n      本月办结工单{{ office.completed }}件，同比{{ office.yoy.completed | change(\"件\") }}，环比{{ office.mom.completed | change(\"件\") }}。{% for d in lists.city %}{{ d.name }}同比{{ d.yoy.tickets | change(\"件\") }}，满意度同比{{ d.yoy.satisfaction | change }}；{% endfor %}\n";
    let definition = common::furong_with_part(section, "compare: { rule: half_up 2 trim }");
    fs::write(scratch.path().join("bulletin.yaml"), definition).unwrap();
    // 雨花区 had no tickets a year before 2016-01.
    let city = months.join("2015-01/city.yaml");
    let yaml: serde_yaml::Value = serde_yaml::from_str(&fs::read_to_string(&city).unwrap()).unwrap();
    let old = yaml["districts"][4]["tickets"].as_i64().unwrap();
    let text = fs::read_to_string(&city).unwrap();
    fs::write(&city, text.replacen(&format!("tickets: {old}"), "tickets: 0", 1)).unwrap();

    let completed = |month: &str| -> i64 {
        let text = fs::read_to_string(months.join(month).join("tickets.yaml")).unwrap();
        serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap()["completed"].as_i64().unwrap()
    };
    let district = |month: &str, i: usize| -> (i64, String) {
        let text = fs::read_to_string(months.join(month).join("city.yaml")).unwrap();
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let d = &yaml["districts"][i];
        let satisfaction = match &d["satisfaction"] {
            serde_yaml::Value::Number(n) => n.to_string(),
            other => panic!("{other:?}"),
        };
        (d["tickets"].as_i64().unwrap(), satisfaction)
    };
    let out = Scratch::new("periods-compare-out");
    let build = |month: &str| -> String {
        let built = common::bulletin(&["build", months.join(month).to_str().unwrap(), "--out", out.str()]);
        assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
        common::squeeze(&common::pdf_text(&out.path().join(format!("{month}.pdf"))))
    };
    let text = build("2016-01");
    let (now, year_ago, month_ago) = (completed("2016-01"), completed("2015-01"), completed("2015-12"));
    let sentence =
        format!("本月办结工单{now}件，同比{}，环比{}。", change_words(now, year_ago), change_words(now, month_ago));
    assert!(text.contains(&sentence), "{sentence} in:\n{text}");
    let (tickets, _) = district("2016-01", 4);
    assert!(text.contains(&format!("雨花区同比增加{tickets}件，")), "a zero base gives no rate: {text}");
    // A percentage moves in 百分点.
    let (_, now_satisfaction) = district("2016-01", 0);
    let (_, then_satisfaction) = district("2015-01", 0);
    let points = |s: &str| -> i64 {
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        whole.parse::<i64>().unwrap() * 100 + format!("{fraction:0<2}")[..2].parse::<i64>().unwrap()
    };
    let moved = points(&now_satisfaction) - points(&then_satisfaction);
    let expected = match moved {
        0 => "持平".to_owned(),
        m => format!("{}{}.{:02}个百分点", if m < 0 { "下降" } else { "上升" }, m.abs() / 100, m.abs() % 100),
    };
    assert!(
        text.contains(&format!(
            "芙蓉区同比{}，满意度同比{expected}；",
            change_words(district("2016-01", 0).0, district("2015-01", 0).0)
        )),
        "{expected} in:\n{text}"
    );

    // The archive's first month has neither base.
    let text = build("2015-01");
    assert!(text.contains("同比上年同期无数据，环比上期无数据。"), "{text}");

    // A base month's change rebuilds the months compared with it.
    let all = || {
        let output = common::bulletin(&["build", "--all", months.to_str().unwrap(), "--out", out.str()]);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        stderr
    };
    all();
    assert!(all().contains("0 built, 13 up to date"));
    let tickets = months.join("2015-12/tickets.yaml");
    let december = completed("2015-12");
    let text = fs::read_to_string(&tickets).unwrap();
    fs::write(&tickets, text.replacen(&format!("completed: {december}"), &format!("completed: {}", december - 1), 1))
        .unwrap();
    let again = all();
    assert!(again.contains("2 built, 11 up to date"), "2015-12 and 2016-01, which compares with it: {again}");
}

/// A part over the year to date (`over: year_to_date`) shows the year's
/// months summed, beside the month's own parts, in one numbering.
#[test]
fn a_part_shows_the_year_to_date_beside_the_month() {
    let scratch = Scratch::new("periods-ytd");
    let months = common::quarter_archive(&scratch);
    let definition = fs::read_to_string(common::project().join("bulletin.yaml")).unwrap();
    let part = "  - heading: 本年累计情况\n    over: year_to_date\n    prose: \"{{ period.name }}，全区办结工单{{ office.completed }}件。\"\n";
    let definition = definition.replacen("\nsections:\n", &format!("\nsections:\n{part}"), 1);
    fs::write(scratch.path().join("bulletin.yaml"), definition).unwrap();
    let completed = |month: &str| -> i64 {
        let text = fs::read_to_string(months.join(month).join("tickets.yaml")).unwrap();
        serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap()["completed"].as_i64().unwrap()
    };
    let out = Scratch::new("periods-ytd-out");
    let build = |month: &str| common::bulletin(&["build", months.join(month).to_str().unwrap(), "--out", out.str()]);
    let built = build("2015-03");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let text = common::squeeze(&common::pdf_text(&out.path().join("2015-03.pdf")));
    let sum = completed("2015-01") + completed("2015-02") + completed("2015-03");
    assert!(text.contains(&format!("一、本年累计情况1—3月，全区办结工单{sum}件。")), "{text}");
    assert!(text.contains("二、全市排名情况3月份，我区"), "the month's own parts follow: {text}");
    let built = build("2015-01");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let text = common::squeeze(&common::pdf_text(&out.path().join("2015-01.pdf")));
    assert!(
        text.contains(&format!("1月份，全区办结工单{}件。", completed("2015-01"))),
        "January is its own year to date: {text}"
    );

    // Without February the year to date cannot be made.
    fs::rename(months.join("2015-02"), scratch.path().join("2015-02")).unwrap();
    let built = build("2015-03");
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(!built.status.success());
    assert!(stderr.contains("shows the year to date (2015年1—3月), and the archive lacks a month of it"), "{stderr}");
}

/// The `/Alt` texts of a PDF's tag tree, in the order of its objects, read
/// with qpdf (Debian package qpdf).
fn alt_texts(pdf: &Path) -> Vec<String> {
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value.as_str()) {
                        ("/Alt", Some(text)) => out.push(text.trim_start_matches("u:").to_owned()),
                        _ => walk(value, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let json = std::process::Command::new("qpdf").arg("--json").arg(pdf).output().expect("qpdf runs");
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("qpdf's JSON");
    let mut out = Vec::new();
    walk(&json, &mut out);
    out.sort_by_key(|text| text.split('　').next().map(str::to_owned));
    out
}

/// The quarter's charts (bulletin.yaml `periods.quarter`): two trends of
/// its months and two bar charts, each numbered, its axis and months in the
/// text, its every value read out as its alternative text — the values
/// computed here from the months' own files.
#[test]
fn a_quarter_draws_its_months_and_its_rows_as_charts() {
    let scratch = Scratch::new("periods-charts");
    let months = common::quarter_archive(&scratch);
    let out = Scratch::new("periods-charts-out");
    let built = common::bulletin(&["build", months.join("2015-Q1").to_str().unwrap(), "--out", out.str()]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let pdf = out.path().join("2015-Q1.pdf");

    let each: Vec<_> = ["2015-01", "2015-02", "2015-03"].iter().map(|m| counts(&months.join(m))).collect();
    let total = |month: &BTreeMap<String, BTreeMap<String, i128>>, figure: &str| -> i128 {
        month.values().map(|unit| unit[figure]).sum()
    };
    let signed: Vec<String> =
        each.iter().enumerate().map(|(i, m)| format!("{}月{}件", i + 1, total(m, "signed"))).collect();
    let satisfaction: Vec<String> = each
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{}月{}%", i + 1, percent_half_up(total(m, "satisfied"), total(m, "visited"))))
        .collect();
    let alts = alt_texts(&pdf);
    assert_eq!(alts.len(), 4, "{alts:#?}");
    assert_eq!(alts[0], format!("图1　2015年第一季度各月工单签收数。各单位签收工单合计：{}。", signed.join("，")));
    assert_eq!(alts[1], format!("图2　2015年第一季度各月回访满意度。全区回访满意度：{}。", satisfaction.join("，")));

    // The categories: the quarter's six largest, each the sum of its months.
    let mut categories: BTreeMap<String, i128> = BTreeMap::new();
    for month in ["2015-01", "2015-02", "2015-03"] {
        let text = fs::read_to_string(months.join(month).join("tickets.yaml")).unwrap();
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        for item in yaml["categories"].as_sequence().unwrap() {
            *categories.entry(item["name"].as_str().unwrap().to_owned()).or_default() +=
                item["count"].as_i64().unwrap() as i128;
        }
    }
    let bars =
        alts[2].strip_prefix("图3　2015年第一季度群众反映突出的问题。").expect("图3's title").trim_end_matches('。');
    let bars: Vec<(&str, i128)> = bars
        .split('，')
        .map(|bar| {
            let at = bar.find(|c: char| c.is_ascii_digit()).unwrap();
            (&bar[..at], bar[at..].trim_end_matches('件').parse().unwrap())
        })
        .collect();
    assert_eq!(bars.len(), 6, "{bars:?}");
    for (name, count) in &bars {
        assert_eq!(categories[*name], *count, "{name}");
    }
    assert!(bars.windows(2).all(|w| w[0].1 >= w[1].1), "largest first: {bars:?}");
    let sixth = bars[5].1;
    assert!(categories.values().filter(|&&c| c > sixth).count() < 6, "none larger left out");

    // The streets by score, highest first, as many as the streets.
    assert!(alts[3].starts_with("图4　2015年第一季度各街道总分。"), "{}", alts[3]);
    let streets = alts[3].matches('分').count() - 1;
    assert_eq!(streets, 14, "{}", alts[3]);

    // Numbers and titles, month names and the axes' ticks in the text.
    let text = common::squeeze(&common::pdf_text(&pdf));
    for title in
        ["图1　2015年第一季度各月工单签收数", "图2　2015年第一季度各月回访满意度", "图4　2015年第一季度各街道总分"]
    {
        assert!(text.contains(&common::squeeze(title)), "{title} in the text");
    }
    assert!(text.contains("1月2月3月"), "the months under the trend");
    assert!(text.contains("0件"), "the counts' axis from zero");
    // The rates' ticks: whole per cents, evenly spaced, up to 100, the
    // lowest below the lowest month's satisfaction.
    let lines = common::pdf_text(&pdf);
    let start = lines.find("全区回访满意度").expect("图2's legend");
    let chart = &lines[start..start + lines[start..].find("图2").expect("图2's caption")];
    let mut ticks: Vec<i64> = chart
        .split_whitespace()
        .filter_map(|t| t.strip_suffix('%').filter(|n| n.bytes().all(|b| b.is_ascii_digit()))?.parse().ok())
        .collect();
    ticks.sort();
    ticks.dedup();
    assert!(ticks.len() >= 2 && ticks.last() == Some(&100), "{ticks:?}");
    assert!(ticks.windows(2).all(|w| w[1] - w[0] == ticks[1] - ticks[0]), "evenly spaced: {ticks:?}");
    let lowest =
        satisfaction.iter().map(|s| tenths(s.split('月').nth(1).unwrap().trim_end_matches('%'))).min().unwrap();
    assert!(i128::from(ticks[0]) * 10 < lowest, "{ticks:?} below {lowest} tenths");
}

/// A grade from bands over the score (A from 70, B from 65, C below), and
/// its movement against the month before (上升 where A follows B), in a
/// sentence and a table column — each computed here from units.yaml.
#[test]
fn grades_come_from_bands_and_move_between_months() {
    let scratch = Scratch::new("periods-grades");
    let months = common::generated_months(&scratch, 2);
    let section = "  - heading: 各街道等级\n    prose: \"{% for u in selections.streets_by_score %}{{ u.name }}{{ u.grade }}级{{ u.mom.grade | change }}；{% endfor %}\"\n    table:\n      rows: 街道\n      columns:\n        - { value: short }\n        - { value: grade }\n        - { value: mom.grade, label: 升降 }\n";
    let definition = common::furong_with_part(section, "compare: {}");
    let gap = definition.find("    gap: {").unwrap();
    let definition = format!(
        "{}    grade: {{ label: 等级, grade: score, bands: [A 70, B 65, C] }}\n{}",
        &definition[..gap],
        &definition[gap..]
    );
    fs::write(scratch.path().join("bulletin.yaml"), definition).unwrap();

    // Each street's grade in a month, from its score as written.
    let grades = |month: &str| -> Vec<(String, char)> {
        let text = fs::read_to_string(months.join(month).join("units.yaml")).unwrap();
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let streets = yaml["groups"].as_sequence().unwrap().iter().find(|g| g["name"] == "街道").unwrap();
        streets["units"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|unit| {
                let score = match &unit["score"] {
                    serde_yaml::Value::Number(n) => tenths(&n.to_string()),
                    other => panic!("a score: {other:?}"),
                };
                let grade = if score >= 700 {
                    'A'
                } else if score >= 650 {
                    'B'
                } else {
                    'C'
                };
                (unit["name"].as_str().unwrap().to_owned(), grade)
            })
            .collect()
    };
    let out = Scratch::new("periods-grades-out");
    let build = |month: &str| -> String {
        let built = common::bulletin(&["build", months.join(month).to_str().unwrap(), "--out", out.str()]);
        assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
        let text = common::pdf_text(&out.path().join(format!("{month}.pdf")));
        let lines: Vec<&str> = text.lines().filter(|line| !common::is_page_number(line)).collect();
        common::squeeze(&lines.join("\n"))
    };
    let text = build("2015-01");
    for (name, grade) in grades("2015-01") {
        assert!(text.contains(&format!("{name}{grade}级上期无数据；")), "{name} {grade} in:\n{text}");
    }
    let text = build("2015-02");
    let before: BTreeMap<String, char> = grades("2015-01").into_iter().collect();
    let mut moved = [0; 3];
    for (name, grade) in grades("2015-02") {
        let movement = match grade.cmp(&before[&name]) {
            std::cmp::Ordering::Less => "上升",
            std::cmp::Ordering::Greater => "下降",
            std::cmp::Ordering::Equal => "持平",
        };
        moved[["上升", "下降", "持平"].iter().position(|m| *m == movement).unwrap()] += 1;
        assert!(text.contains(&format!("{name}{grade}级{movement}；")), "{name} {grade} {movement} in:\n{text}");
    }
    assert!(moved.iter().filter(|&&n| n > 0).count() >= 2, "the months move the grades both ways or not: {moved:?}");
    // The table: a column of grades, and one of their movements.
    assert!(text.contains("简称等级升降"), "the table's head in:\n{text}");
}

/// A base the archive lacks, typed in month.yaml as the bulletin of that
/// period printed it: used, with a warning that it was not derived; a typed
/// base of a period the archive holds is left aside, with a warning.
#[test]
fn a_typed_base_stands_in_for_a_month_the_archive_lacks() {
    let scratch = Scratch::new("periods-typed-base");
    let months = common::generated_months(&scratch, 2);
    let section = "  - heading: 同比环比\n    prose: >-\n      本月办结工单{{ office.completed }}件，同比{{ office.yoy.completed | change(\"件\") }}，环比{{ office.mom.completed | change(\"件\") }}。{% for d in lists.city %}{% if d.name == office.district %}月工单同比{{ d.yoy.tickets | change(\"件\") }}。{% endif %}{% endfor %}\n";
    let definition = common::furong_with_part(section, "compare: {}");
    fs::write(scratch.path().join("bulletin.yaml"), definition).unwrap();
    let completed = |month: &str| -> i64 {
        let text = fs::read_to_string(months.join(month).join("tickets.yaml")).unwrap();
        serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap()["completed"].as_i64().unwrap()
    };
    let tickets = |month: &str| -> i64 {
        let text = fs::read_to_string(months.join(month).join("city.yaml")).unwrap();
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let furong = yaml["districts"].as_sequence().unwrap().iter().find(|d| d["name"] == "芙蓉区").unwrap();
        furong["tickets"].as_i64().unwrap()
    };
    // 2015-02: its 同比 base (2014-02) typed, its 环比 base typed too,
    // though the archive holds 2015-01.
    let month_yaml = months.join("2015-02/month.yaml");
    let text = fs::read_to_string(&month_yaml).unwrap();
    let typed = "bases:\n  year_before:\n    completed: 2000\n    city:\n      芙蓉区: { tickets: 0 }\n      雨花: { tickets: 5 }\n  previous:\n    completed: 1\n";
    fs::write(&month_yaml, format!("{text}\n{typed}")).unwrap();

    let out = Scratch::new("periods-typed-base-out");
    let built = common::bulletin(&["build", months.join("2015-02").to_str().unwrap(), "--out", out.str()]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "{stderr}");
    assert!(stderr.contains("the 同比 base (2014年2月) is typed here, not derived from the archive"), "{stderr}");
    assert!(
        stderr.contains("the archive holds 2015-01: its figures are the 环比 base, and `bases.previous` is left aside"),
        "{stderr}"
    );
    assert!(stderr.contains("month.yaml:"), "at its line: {stderr}");
    assert!(stderr.contains("`雨花` is not an item of this month's city: its base is not used"), "{stderr}");
    assert!(stderr.contains("did you mean `雨花区`?"), "{stderr}");
    let text = common::squeeze(&common::pdf_text(&out.path().join("2015-02.pdf")));
    let now = completed("2015-02");
    let sentence = format!(
        "本月办结工单{now}件，同比{}，环比{}。月工单同比增加{}件。",
        change_words(now, 2000),
        change_words(now, completed("2015-01")),
        tickets("2015-02")
    );
    assert!(text.contains(&sentence), "{sentence} in:\n{text}");

    // A typed base that is no number is an error at its line.
    let text = fs::read_to_string(&month_yaml).unwrap();
    fs::write(&month_yaml, text.replace("completed: 2000", "completed: 两千")).unwrap();
    let checked = common::bulletin(&["check", months.join("2015-02").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(!checked.status.success(), "{stderr}");
    assert!(stderr.contains("bases.year_before.completed"), "the field named: {stderr}");
    // A count is a whole number.
    fs::write(&month_yaml, text.replace("completed: 2000", "completed: 2000.5")).unwrap();
    let checked = common::bulletin(&["check", months.join("2015-02").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(!checked.status.success() && stderr.contains("bases.year_before.completed"), "{stderr}");
}

/// `bulletin new 2015-Q1` starts a quarter's folder: its month.yaml (the
/// period, the issuer carried over, the date to fill in) and the case its
/// sections print; once those are written, it builds from its months.
#[test]
fn new_starts_a_quarter_from_the_archive() {
    let scratch = Scratch::new("periods-new");
    let months = common::generated_months(&scratch, 2);
    let new = common::bulletin(&["new", "2015-Q1", "--months", months.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&new.stderr);
    assert!(new.status.success(), "{stderr}");
    assert!(stderr.contains("the archive lacks 1 of its months yet: 2015-03"), "{stderr}");
    let quarter = months.join("2015-Q1");
    let month_yaml = fs::read_to_string(quarter.join("month.yaml")).unwrap();
    assert!(month_yaml.contains("period: 2015-Q1\n"), "{month_yaml}");
    assert!(month_yaml.contains("issuer: 芙蓉区“12345”市民服务热线办公室"), "{month_yaml}");
    assert!(month_yaml.contains("$schema=../../schemas/period.schema.json"), "{month_yaml}");

    // Not yet: a month of it, the date and the case are missing.
    let check = common::bulletin(&["check", quarter.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success());
    assert!(stderr.contains("2015-03"), "the missing month named: {stderr}");

    common::generated_months(&scratch, 3);
    fs::write(quarter.join("month.yaml"), month_yaml.replace("date: ~", "date: 2015-04-10 #")).unwrap();
    let case = fs::read_dir(quarter.join("cases")).unwrap().next().unwrap().unwrap().path();
    fs::write(&case, "一季度供水保障的联动处置\n\n各部门联动处置停水诉求。\n").unwrap();
    let out = Scratch::new("periods-new-out");
    let built = common::bulletin(&["build", quarter.to_str().unwrap(), "--out", out.str()]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    assert!(out.path().join("2015-Q1.pdf").is_file());

    // A word that is no period is refused, naming the forms.
    let wrong = common::bulletin(&["new", "2015-Q5", "--months", months.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("a quarter (2020-Q1)"));
}
