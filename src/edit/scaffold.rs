//! `bulletin new YYYY-MM`: the next month's folder, made from the latest
//! existing month. Units, groups, districts, category names, the topic's
//! wording and the rules carry over; every figure is left empty (`~`) and
//! the sign-off date is left for the editor, so that `bulletin check` on
//! the new folder lists exactly what is left to fill in.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::fs::write_atomically;
use crate::month::raw::MonthFile;
use crate::month::validate::{self, MonthFiles};
use crate::Error;

/// Marks text an editor still has to write; `check` reports it.
pub use crate::month::case::TO_FILL;

pub(crate) fn scaffold_error(message: impl Into<String>) -> Error {
    Error::Scaffold { message: message.into() }
}

/// A YAML scalar for `text`: plain when safe, otherwise double-quoted.
pub(crate) fn yaml_str(text: &str) -> String {
    let risky = text.is_empty()
        || text.trim() != text
        || text.chars().any(|c| ":#{}[],&*!|>'\"%@`\\".contains(c))
        || serde_yaml::from_str::<serde_yaml::Value>(text).map_or(true, |v| !v.is_string());
    if risky {
        serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.replace('"', "'")))
    } else {
        text.to_owned()
    }
}

/// The latest month folder under `months` (by name), other than `except`.
pub fn latest_month(months: &Path, except: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(months)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            crate::month::types::parse_period(&name).is_some()
                && name != except
                && e.path().join(validate::MONTH_FILE).is_file()
        })
        .map(|e| e.into_path())
        .collect();
    found.sort();
    found.pop()
}

// What a new month takes from the latest: names and wording, never the
// figures, so a latest month whose figures are still blank (`~`) serves.
#[derive(serde::Deserialize)]
struct Named {
    name: String,
}

#[derive(serde::Deserialize)]
struct CityNames {
    districts: Vec<Named>,
}

#[derive(serde::Deserialize)]
struct UnitsNames {
    groups: Vec<GroupNames>,
}

#[derive(serde::Deserialize)]
struct GroupNames {
    name: String,
    units: Vec<UnitNames>,
}

#[derive(serde::Deserialize)]
struct UnitNames {
    id: String,
    name: String,
    short: Option<String>,
}

#[derive(serde::Deserialize)]
struct TicketsNames {
    categories: Vec<Named>,
    topic: TopicNames,
}

#[derive(serde::Deserialize)]
struct TopicNames {
    title: String,
    label: String,
    theme: String,
    natures: Vec<Named>,
    categories: Vec<Named>,
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(files: &MonthFiles, name: &str) -> Result<T, Error> {
    let bytes =
        files.files.get(name).ok_or_else(|| scaffold_error(format!("`{}` has no {name}", files.dir.display())))?;
    serde_yaml::from_slice(bytes).map_err(|err| {
        scaffold_error(format!(
            "`{}` does not parse ({err}); fix it first (`bulletin check {}`)",
            files.dir.join(name).display(),
            files.dir.display()
        ))
    })
}

/// The `rules:` block of a month.yaml, verbatim (with its comment lines).
pub(crate) fn rules_block(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("rules:")) else { return String::new() };
    let end = lines[start + 1..]
        .iter()
        .position(|l| !l.is_empty() && !l.starts_with([' ', '#']))
        .map_or(lines.len(), |i| start + 1 + i);
    let mut block = lines[start..end].join("\n").trim_end().to_owned();
    block.push('\n');
    block
}

/// Makes `months/<period>` from the latest month; returns the new folder.
/// A case file waiting to be written, in the folder `folder`: its name and text.
pub(crate) fn case_to_fill(folder: &str) -> (String, String) {
    (
        format!("{folder}/01-案例.txt"),
        format!(
            "---\ntitle: {TO_FILL}案例标题\nunits: []        # 涉及单位，如 [教育局]\n---\n{TO_FILL}案例正文。段落之间空一行；可用 ## 小标题、- 列表、1. 编号、**加粗**。\n"
        ),
    )
}

pub fn new_month(months: &Path, period: &str) -> Result<PathBuf, Error> {
    let parsed = crate::month::types::parse_period(period)
        .ok_or_else(|| scaffold_error(format!("`{period}` is not a month; write it as YYYY-MM, e.g. 2020-04")))?;
    let key = format!("{:04}-{:02}", parsed.year, parsed.month);
    let target = months.join(&key);
    if target.exists() {
        return Err(scaffold_error(format!("`{}` exists already", target.display())));
    }
    let latest = latest_month(months, &key).ok_or_else(|| {
        scaffold_error(format!(
            "no month under `{}` to start from; copy one (e.g. months/2020-03) by hand",
            months.display()
        ))
    })?;
    let files = MonthFiles::read(&latest).map_err(|err| Error::io("read", &latest, err))?;
    let month: MonthFile = parse(&files, validate::MONTH_FILE)?;
    let city: CityNames = parse(&files, validate::CITY_FILE)?;
    let units: UnitsNames = parse(&files, validate::UNITS_FILE)?;
    let tickets: TicketsNames = parse(&files, validate::TICKETS_FILE)?;
    let month_text = String::from_utf8_lossy(&files.files[validate::MONTH_FILE]).into_owned();
    let from = latest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();

    let mut out: Vec<(String, String)> = Vec::new();
    let schema = |name: &str| format!("# yaml-language-server: $schema=../../schemas/{name}.schema.json\n");

    // month.yaml
    let mut text = schema("month");
    let _ = writeln!(text, "# 本期通报的基本信息（由 {from} 生成）。格式说明见仓库根目录 README.md。");
    let _ = writeln!(text, "period: {key}");
    for (k, v) in [
        ("district", &month.district),
        ("city", &month.city),
        ("city_scope", &month.city_scope),
        ("attachment", &month.attachment),
        ("appendix_title", &month.appendix_title),
    ] {
        let _ = writeln!(text, "{k}: {}", yaml_str(v));
    }
    let signoff = month.signoff.unwrap_or_default();
    text.push_str("\n# 签发记录：三项齐全才生成正式版（附落款，PDF/A），否则只生成征求意见稿\nsignoff:\n");
    if let Some(issuer) = &signoff.issuer {
        let _ = writeln!(text, "  issuer: {}", yaml_str(issuer));
    }
    text.push_str("  date: ~             # 待填写：签发日期 YYYY-MM-DD\n");
    if let Some(approved_by) = &signoff.approved_by {
        let _ = writeln!(text, "  approved_by: {}", yaml_str(approved_by));
    }
    let rules = rules_block(&month_text);
    if !rules.is_empty() {
        text.push('\n');
        text.push_str(&rules);
    }
    out.push((validate::MONTH_FILE.into(), text));

    // city.yaml
    let mut text = schema("city");
    text.push_str("# 全市排名：市“12345”平台公布的各区数据（~ 处待填写）。排名由工具计算。\ndistricts:\n");
    for d in &city.districts {
        let _ = writeln!(text, "  - name: {}\n    tickets: ~\n    satisfaction: ~\n    score: ~", yaml_str(&d.name));
    }
    out.push((validate::CITY_FILE.into(), text));

    // units.yaml
    let mut text = schema("units");
    text.push_str(UNITS_HEADER);
    text.push_str("groups:\n");
    for group in &units.groups {
        let _ = writeln!(text, "  - name: {}\n    units:", yaml_str(&group.name));
        for unit in &group.units {
            let _ = writeln!(text, "      - id: {}\n        name: {}", unit.id, yaml_str(&unit.name));
            if let Some(short) = &unit.short {
                let _ = writeln!(text, "        short: {}", yaml_str(short));
            }
            for field in UNIT_FIGURES {
                let _ = writeln!(text, "        {field}: ~");
            }
        }
    }
    out.push((validate::UNITS_FILE.into(), text));

    // tickets.yaml
    let mut text = schema("tickets");
    text.push_str("# 本月工单的分类统计与专题数据（~ 处待填写）。占比、排序、满意率均由工具计算。\n\n");
    text.push_str("# 本月办结工单总数（全区，照市平台值填写）\ncompleted: ~\n\n");
    text.push_str("# 工单类型统计：沿用上月的类型，可增删\ncategories:\n");
    for c in &tickets.categories {
        let _ = writeln!(text, "  - {{ name: {}, count: ~ }}", yaml_str(&c.name));
    }
    text.push_str("\n# 营商环境、行政效能类工单：每张工单一行，如 - { type: 表扬, unit: 行政审批服务局 }\nbusiness_environment: []\n\n");
    let topic = &tickets.topic;
    text.push_str("# 本月专题（如疫情）；没有专题的月份沿用并填写实际数字\ntopic:\n");
    let _ = writeln!(
        text,
        "  title: {}\n  label: {}\n  theme: {}",
        yaml_str(&topic.title),
        yaml_str(&topic.label),
        yaml_str(&topic.theme)
    );
    text.push_str("  tickets: ~\n  unsatisfied: ~\n  natures:\n");
    for n in &topic.natures {
        let _ = writeln!(text, "    - {{ name: {}, count: ~ }}", yaml_str(&n.name));
    }
    text.push_str("  categories:\n");
    for c in &topic.categories {
        let _ = writeln!(text, "    - {{ name: {}, count: ~ }}", yaml_str(&c.name));
    }
    out.push((validate::TICKETS_FILE.into(), text));

    // cases/
    out.push(case_to_fill(validate::CASES_DIR));

    for (name, text) in &out {
        write_atomically(&target.join(name), text.as_bytes())?;
    }
    Ok(target)
}

/// The raw figures of a unit, in units.yaml's order.
pub const UNIT_FIGURES: [&str; 13] = [
    "signed",
    "late_signed",
    "late_returned",
    "return_rejected",
    "completed",
    "late_completed",
    "extension_rejected",
    "redone",
    "visited",
    "satisfied",
    "extension_rate",
    "repeat_rate",
    "score",
];

const UNITS_HEADER: &str = "\
# 成员单位本月考核数据（~ 处待填写）：照市平台导出的“成员单位工单办理主要考核指标”逐项填写。
# 按时办结率、回访满意度、不满意工单数、排名及各类名单均由工具计算，不必填写。
# 同分单位在附件中的先后次序即本文件中的次序。
#   signed 签收总数 · late_signed 未按时签收数 · late_returned 未及时退回数 · return_rejected 退单驳回数
#   completed 办结工单总数 · late_completed 未按时办结数 · extension_rejected 延期驳回数 · redone 发回重办数
#   visited 回访工单总数 · satisfied 回访满意数 · extension_rate 延期办理率(%) · repeat_rate 重复交办率(%) · score 总分
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_are_quoted_only_when_needed() {
        assert_eq!(yaml_str("芙蓉区"), "芙蓉区");
        assert_eq!(yaml_str("芙蓉区“12345”办公室"), "芙蓉区“12345”办公室");
        assert_eq!(yaml_str("a: b"), "\"a: b\"");
        assert_eq!(yaml_str("123"), "\"123\"");
        assert_eq!(yaml_str("true"), "\"true\"");
        assert_eq!(yaml_str("# x"), "\"# x\"");
        assert_eq!(yaml_str(""), "\"\"");
    }

    #[test]
    fn the_rules_block_is_copied_verbatim() {
        let text = "period: 2020-03\n\nrules:\n  # comment\n  full_marks: 70\n\nother: 1\n";
        assert_eq!(rules_block(text), "rules:\n  # comment\n  full_marks: 70\n");
        assert_eq!(rules_block("period: 1\n"), "");
    }
}
