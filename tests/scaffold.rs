//! `bulletin new`: a new month from the latest one, whose `check` lists
//! exactly what is left to fill in, and which builds once filled in.

mod common;

use std::fs;

use common::{bulletin, Scratch};

#[test]
fn new_month_lists_what_is_left_then_builds_once_filled() {
    let scratch = Scratch::new("scaffold");
    let months = scratch.path().join("months");
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        fs::create_dir_all(to.join("cases")).unwrap();
        for name in ["month.yaml", "city.yaml", "units.yaml", "tickets.yaml", "cases/01-韦博教育.txt"] {
            fs::copy(from.join(name), to.join(name)).unwrap();
        }
    };
    copy(&common::project().join("months/2020-03"), &months.join("2020-03"));
    // Schemas kept elsewhere: the new month points where the last one does.
    let last_month = months.join("2020-03/month.yaml");
    let text = fs::read_to_string(&last_month).unwrap();
    let (_, rest) = text.split_once('\n').unwrap();
    let elsewhere = "# yaml-language-server: $schema=../../../shared/schemas/month.schema.json\n";
    fs::write(&last_month, format!("{elsewhere}{rest}")).unwrap();
    let months_arg = months.to_str().unwrap();

    let made = bulletin(&["new", "2020-04", "--months", months_arg]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let month = months.join("2020-04");
    let again = bulletin(&["new", "2020-04", "--months", months_arg]);
    assert_eq!(again.status.code(), Some(2), "a second `new` must not overwrite");
    // The next month starts from one whose figures are still blank: it
    // takes names, not figures.
    let next = bulletin(&["new", "2020-05", "--months", months_arg]);
    assert!(next.status.success(), "{}", String::from_utf8_lossy(&next.stderr));
    assert_eq!(
        fs::read_to_string(months.join("2020-05/units.yaml")).unwrap().lines().skip(1).collect::<Vec<_>>(),
        fs::read_to_string(months.join("2020-04/units.yaml")).unwrap().lines().skip(1).collect::<Vec<_>>(),
        "2020-05's units differ from 2020-04's"
    );
    fs::remove_dir_all(months.join("2020-05")).unwrap();

    // Carried over: units with ids and names, districts, rules, the issuer.
    let units = fs::read_to_string(month.join("units.yaml")).unwrap();
    assert!(units.starts_with("# yaml-language-server: $schema=../../schemas/units.schema.json\n"));
    assert_eq!(units.matches("      - id: ").count(), 43);
    assert!(units.contains("        name: 隆平高科技园管理委员会\n        short: 隆平高科技园\n"));
    let month_yaml = fs::read_to_string(month.join("month.yaml")).unwrap();
    assert!(month_yaml.starts_with(elsewhere), "{month_yaml}");
    assert!(month_yaml.contains("period: 2020-04\n"));
    assert!(month_yaml.contains("well_performing_group_order: [区直部门, 街道]"));

    // check lists every blank: 43 units × 13 figures, 5 districts × 3,
    // tickets 1 + 6 categories + 2 topic counts + 5 natures + 5 categories,
    // and the case template.
    let checked = bulletin(&["check", month.to_str().unwrap(), "--format", "short"]);
    assert_eq!(checked.status.code(), Some(1));
    let report = String::from_utf8_lossy(&checked.stderr);
    assert_eq!(report.matches(": error: not filled in yet").count(), 43 * 13 + 5 * 3 + (1 + 6 + 2 + 5 + 5), "{report}");
    assert!(
        report.contains("units.yaml:8:17: error: not filled in yet [groups[0].units[0].signed (定王台街道)]"),
        "{report}"
    );
    assert!(report.contains("cases/01-案例.txt:2:8: error: the case is not written yet"), "{report}");
    assert_eq!(report.lines().filter(|l| l.contains(": error:")).count(), 593 + 1, "{report}");
    // Read by a person: three blanks of each file in full, then one line for the rest.
    let human = bulletin(&["check", month.to_str().unwrap()]);
    let human = String::from_utf8_lossy(&human.stderr);
    assert!(human.contains(&format!("error: {} more values of", 43 * 13 - 3)), "{human}");
    assert!(human.contains("units.yaml are not filled in yet (lines 11–"), "{human}");
    assert!(human.contains("594 errors in the data"), "{human}");
    assert!(human.lines().count() < 150, "{} lines", human.lines().count());

    // Filled in (every figure 0, a case, a date) it checks and builds.
    for name in ["units.yaml", "city.yaml", "tickets.yaml"] {
        let path = month.join(name);
        fs::write(&path, fs::read_to_string(&path).unwrap().replace(": ~", ": 0")).unwrap();
    }
    fs::write(month.join("cases/01-案例.txt"), "本月案例\n\n正文。\n").unwrap();
    let path = month.join("month.yaml");
    fs::write(&path, fs::read_to_string(&path).unwrap().replace("date: ~", "date: 2020-05-15")).unwrap();
    let out = scratch.path().join("out");
    let built = bulletin(&["build", month.to_str().unwrap(), "--out", out.to_str().unwrap(), "--final"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let text = common::pdf_text(&out.join("2020-04.pdf"));
    // Every rate of an all-zero month has a zero denominator: "—", never 0% or NaN.
    let row: Vec<&str> =
        text.lines().find(|l| l.trim_start().starts_with("定王台街道")).unwrap().split_whitespace().collect();
    assert_eq!(
        row,
        ["定王台街道", "0", "0", "0", "0", "0", "0", "—", "0", "0", "0", "0", "—", "0.00%", "0.00%", "0", "1"]
    );
    assert!(!text.contains("NaN"));
}

#[test]
fn a_new_month_out_of_sequence_is_pointed_out() {
    for (period, note) in [
        ("2020-04", None),
        (
            "2020-02",
            Some("note: 2020-02 comes before the latest month, 2020-03, whose units and rules it was started from"),
        ),
        ("2020-07", Some("note: 2020-07 does not follow the latest month, 2020-03: 3 months in between are missing")),
    ] {
        let scratch = Scratch::new("scaffold-sequence");
        let months = scratch.path().join("months");
        common::copy_dir(&common::project().join("months/2020-03"), &months.join("2020-03"));
        let made = bulletin(&["new", period, "--months", months.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&made.stderr);
        assert!(made.status.success(), "{stderr}");
        assert!(months.join(period).join("month.yaml").is_file());
        match note {
            Some(note) => assert!(stderr.contains(note), "{period}: {stderr}"),
            None => assert!(!stderr.contains("note:"), "{period}: {stderr}"),
        }
    }
}
