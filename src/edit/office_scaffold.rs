//! `bulletin new YYYY-MM` for an office with sections: the next month's
//! folder from the latest one and the office's definition. The units (by
//! group), the list items' names, the office's texts (its names, titles),
//! the issuer and the month's `rules:` carry over; every other measure the
//! definition declares is left empty (`~`, its
//! Chinese label beside it), the sign-off date too, and each text file the
//! sections need waits with 【待填写】, so that `bulletin check` lists
//! exactly what is left.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_yaml::Value as Yaml;

use crate::definition::{Definition, Measure, ScopeKey, Section, SignoffField};
use crate::edit::scaffold::{case_to_fill, latest_month, parse, rules_block, scaffold_error, yaml_str, TO_FILL};
use crate::month::office::{case_folders, text_files};
use crate::month::office_schema::{MONTH_FILE, UNITS_FILE};
use crate::month::span::Span;
use crate::month::validate::MonthFiles;
use crate::Error;

/// Makes `months/<period>` for the office of `definition`; returns it.
pub fn new_month(months: &Path, key: &str, definition: &Definition) -> Result<PathBuf, Error> {
    let target = months.join(key);
    let latest = latest_month(months, key).ok_or_else(|| {
        scaffold_error(format!(
            "no month under `{}` to start from; `bulletin init DIR --like OFFICE` starts an archive with one",
            months.display()
        ))
    })?;
    let files = MonthFiles::read(&latest).map_err(|err| Error::io("read", &latest, err))?;
    // A file the latest month lacks (units.yaml of an office without units)
    // carries nothing over.
    let read = |name: &str| -> Result<Yaml, Error> {
        if files.files.contains_key(name) {
            parse(&files, name)
        } else {
            Ok(Yaml::Null)
        }
    };
    let month = read(MONTH_FILE)?;
    let units = read(UNITS_FILE)?;
    let from = latest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let schema = |name: &str| schema_line(&files, months, name);
    let mut out: Vec<(String, String)> = Vec::new();

    // month.yaml
    let mut text = schema("month");
    let _ = writeln!(text, "# 本期通报的基本信息（由 {from} 生成）。");
    let _ = writeln!(text, "period: {key}");
    signoff_block(&mut text, definition, &month["signoff"]);
    let rules = files.files.get(MONTH_FILE).map(|b| rules_block(&String::from_utf8_lossy(b))).unwrap_or_default();
    if !rules.is_empty() {
        text.push('\n');
        text.push_str(&rules);
    }
    out.push((MONTH_FILE.into(), text));

    // The files that hold the office's figures and lists (figures.yaml
    // unless the definition places them elsewhere), and what month.yaml holds.
    if let Some((_, text)) = out.iter_mut().find(|(name, _)| name == MONTH_FILE) {
        let level = level(definition, MONTH_FILE);
        if !level.is_empty() {
            text.push_str("\n# 本月的数字（~ 处待填写）\n");
            write_level(text, &level, "", definition, &month);
        }
    }
    for file in definition.figure_files() {
        let latest = read(&file)?;
        let mut text = schema(file.trim_end_matches(".yaml"));
        text.push_str("# 本月的数字（~ 处待填写）。占比、比率、排名和名单都由工具计算，不必填写。\n");
        write_level(&mut text, &level(definition, &file), "", definition, &latest);
        out.push((file, text));
    }

    // units.yaml
    if !definition.groups.is_empty() {
        let mut text = schema("units");
        text.push_str("# 各单位本月的数字（~ 处待填写）；单位和分组沿用上月，可增删。\ngroups:\n");
        let unit_measures = definition.scope(&ScopeKey::Unit);
        // The definition's groups, in its order, each with the units the
        // latest month had in it; a group new to the definition starts
        // empty, with a line to copy.
        let latest: Vec<&Yaml> = units["groups"].as_sequence().into_iter().flatten().collect();
        for group in &definition.groups {
            let name = group.name.as_str();
            let carried_measures = definition.group_measures(name);
            let _ = writeln!(text, "  - name: {}", yaml_str(name));
            let measures: Vec<(&String, &Measure)> =
                unit_measures.measures_in_order().filter(|(m, _)| carried_measures.contains(m)).collect();
            let carried: Vec<&Yaml> = latest
                .iter()
                .filter(|g| g["name"].as_str() == Some(name))
                .flat_map(|g| g["units"].as_sequence().into_iter().flatten())
                .collect();
            if carried.is_empty() {
                let _ = writeln!(text, "    units: []          # 待填写：本组各单位，每个单位一项，如");
                let _ = writeln!(text, "      # - id: chengguan        # 单位代码：小写拼音");
                let _ = writeln!(text, "      #   name: 城关镇");
                for (m, measure) in &measures {
                    let _ = writeln!(text, "      #   {m}: ~   # {}", measure.label);
                }
                continue;
            }
            let _ = writeln!(text, "    units:");
            for unit in carried {
                let _ = writeln!(
                    text,
                    "      - id: {}\n        name: {}",
                    unit["id"].as_str().unwrap_or_default(),
                    yaml_str(unit["name"].as_str().unwrap_or_default())
                );
                if let Some(short) = unit["short"].as_str() {
                    let _ = writeln!(text, "        short: {}", yaml_str(short));
                }
                blank_measures(&mut text, "        ", measures.iter().map(|(k, m)| (k.as_str(), *m)), definition, None);
            }
        }
        out.push((UNITS_FILE.into(), text));
    }

    write_folder(&target, out, &definition.sections)?;
    Ok(target)
}

/// Writes a new folder: `files`, then each text and case `sections` print
/// (unless optional), waiting with 【待填写】.
fn write_folder(target: &Path, mut files: Vec<(String, String)>, sections: &[Section]) -> Result<(), Error> {
    for (name, optional) in text_files(sections) {
        if !optional {
            files.push((name, format!("{TO_FILL}本部分的文字。段落之间空一行。\n")));
        }
    }
    for (folder, optional) in case_folders(sections) {
        if !optional {
            files.push(case_to_fill(&folder));
        }
    }
    std::fs::create_dir_all(target).map_err(|err| Error::io("create", target, err))?;
    for (name, text) in &files {
        crate::fs::write_atomically(&target.join(name), text.as_bytes())?;
    }
    Ok(())
}

/// month.yaml's `signoff:`: the issuer carried over from the latest month,
/// the date and the other fields left to fill in.
fn signoff_block(text: &mut String, definition: &Definition, signoff: &Yaml) {
    text.push_str("\n# 签发记录：齐全才生成正式版（附落款），否则只生成征求意见稿\nsignoff:\n");
    for field in &definition.office.signoff {
        let (name, what) = match field {
            SignoffField::Issuer => ("issuer", "发文单位"),
            SignoffField::Date => ("date", "签发日期 YYYY-MM-DD"),
            SignoffField::ApprovedBy => ("approved_by", "签发人"),
        };
        // An issuer carried from a month of another office (an example
        // copied by `init`) gives way to the definition's office name.
        let kept = match (field, signoff[name].as_str()) {
            (SignoffField::Issuer, Some(issuer)) if !issuer.contains(&definition.office.district) => {
                Some(definition.office.name.as_str())
            }
            (SignoffField::Issuer, None) => Some(definition.office.name.as_str()),
            (_, kept) => kept,
        };
        match kept {
            Some(kept) if *field != SignoffField::Date => {
                let _ = writeln!(text, "  {name}: {}", yaml_str(kept));
            }
            _ => {
                let _ = writeln!(text, "  {name}: ~             # 待填写：{what}");
            }
        }
    }
}

/// Makes `months/<period>` for a quarter, half-year, year or run of months:
/// a month.yaml with the period and its sign-off, and the texts and cases
/// its sections print; its figures are the archived months'. Returns the
/// folder, and the months it covers that the archive lacks yet.
pub fn new_period(months: &Path, span: Span, definition: &Definition) -> Result<(PathBuf, Vec<String>), Error> {
    let key = span.to_string();
    let target = months.join(&key);
    let latest = latest_month(months, &key);
    let files = match &latest {
        Some(latest) => Some(MonthFiles::read(latest).map_err(|err| Error::io("read", latest, err))?),
        None => None,
    };
    let month = match &files {
        Some(files) if files.files.contains_key(MONTH_FILE) => parse(files, MONTH_FILE)?,
        _ => Yaml::Null,
    };
    let schema = files
        .as_ref()
        .map(|files| schema_line(files, months, "month").replace("month.schema.json", "period.schema.json"))
        .unwrap_or_default();
    let mut text = schema;
    let _ =
        writeln!(text, "# {}的通报：数字由存档中所含各月合计，比率、排名重新计算；此处只填签发记录。", span.label());
    // A year alone would read as a number.
    let _ = writeln!(text, "period: {}", yaml_str(&key));
    signoff_block(&mut text, definition, &month["signoff"]);
    write_folder(&target, vec![(MONTH_FILE.to_owned(), text)], definition.sections_for(span.kind()))?;
    let missing =
        span.months().into_iter().map(|p| Span::Month(p).to_string()).filter(|m| !months.join(m).is_dir()).collect();
    Ok((target, missing))
}

/// What a file holds at one level of its keys: the office's measures (in
/// the definition's order), the lists, and the levels below, by key.
#[derive(Default)]
struct Level<'d> {
    measures: Vec<(String, &'d Measure)>,
    lists: Vec<(String, &'d str)>,
    deeper: BTreeMap<String, Level<'d>>,
}

impl<'d> Level<'d> {
    fn is_empty(&self) -> bool {
        self.measures.is_empty() && self.lists.is_empty() && self.deeper.is_empty()
    }

    fn at(&mut self, keys: &[String]) -> &mut Level<'d> {
        keys.iter().fold(self, |level, k| level.deeper.entry(k.clone()).or_default())
    }
}

/// The office's measures and the lists the definition places in `file`.
fn level<'d>(definition: &'d Definition, file: &str) -> Level<'d> {
    let mut root = Level::default();
    for (name, m) in definition.scope(&ScopeKey::Office).measures_in_order() {
        if let Some(Some((last, parents))) =
            definition.office_at.get(name).filter(|at| at.file == file).map(|at| at.keys.split_last())
        {
            root.at(parents).measures.push((last.clone(), m));
        }
    }
    for (list, at) in definition.list_at.iter().filter(|(_, at)| at.file == file) {
        if let Some((last, parents)) = at.keys.split_last() {
            root.at(parents).lists.push((last.clone(), list.as_str()));
        }
    }
    root
}

/// One level of a month file: its measures blank, each list with the
/// items `latest` (the latest month's value at this level) had, then the
/// levels below.
fn write_level(text: &mut String, level: &Level, indent: &str, definition: &Definition, latest: &Yaml) {
    blank_measures(text, indent, level.measures.iter().map(|(k, m)| (k.as_str(), *m)), definition, Some(latest));
    for (key, list) in &level.lists {
        let label = definition.lists.get(*list).map_or("", String::as_str);
        let scope = definition.scope(&ScopeKey::List((*list).to_owned()));
        let blanks: Vec<String> = scope.measures_in_order().map(|(m, _)| format!("{m}: ~")).collect();
        if definition.unnamed.contains(*list) {
            // Items of their month (one a ticket): none carried over.
            let _ =
                writeln!(text, "\n{indent}# {label}：每项一行，如 - {{ {} }}\n{indent}{key}: []", blanks.join(", "));
            continue;
        }
        let _ = writeln!(text, "\n{indent}# {label}：沿用上月的各项，可增删\n{indent}{key}:");
        let items = latest[key.as_str()].as_sequence().cloned().unwrap_or_default();
        let names: Vec<String> = items.iter().filter_map(|i| i["name"].as_str().map(str::to_owned)).collect();
        let names = if names.is_empty() { vec![format!("{TO_FILL}名称")] } else { names };
        for name in names {
            let _ = writeln!(text, "{indent}  - {{ name: {}, {} }}", yaml_str(&name), blanks.join(", "));
        }
    }
    for (key, deeper) in &level.deeper {
        let _ = writeln!(text, "{indent}{key}:");
        write_level(text, deeper, &format!("{indent}  "), definition, &latest[key.as_str()]);
    }
}

/// One `name: ~` line per measure, its label as a comment; a measure split
/// by channels gets one blank per channel. A text of the office (a name, a
/// title) keeps its value in `latest`, the latest month's at this level.
fn blank_measures<'a>(
    text: &mut String,
    indent: &str,
    measures: impl Iterator<Item = (&'a str, &'a Measure)>,
    definition: &Definition,
    latest: Option<&Yaml>,
) {
    for (name, m) in measures {
        let kept = latest.and_then(|l| l[name].as_str()).filter(|t| m.kind.is_text() && !t.trim().is_empty());
        if let Some(kept) = kept {
            let _ = writeln!(text, "{indent}{name}: {}   # {}（沿用上月，可改）", yaml_str(kept), m.label);
        } else if !m.required {
            let _ = writeln!(text, "{indent}# {name}: ~   # {}（可不填）", m.label);
        } else if m.by_channels {
            let parts: Vec<String> = definition.channels.iter().map(|(code, _)| format!("{code}: ~")).collect();
            let labels: Vec<&str> = definition.channels.iter().map(|(_, label)| label.as_str()).collect();
            let _ =
                writeln!(text, "{indent}{name}: {{ {} }}   # {}（{}）", parts.join(", "), m.label, labels.join("、"));
        } else {
            let _ = writeln!(text, "{indent}{name}: ~   # {}", m.label);
        }
    }
}

/// The first line of a new month's `name`.yaml that points the editor at
/// its JSON Schema: where last month's file points (the new folder sits
/// beside it), else the archive's `schemas/` when there is one, else none.
fn schema_line(latest: &MonthFiles, months: &Path, name: &str) -> String {
    const MARKER: &str = "# yaml-language-server: $schema=";
    let file = format!("{name}.yaml");
    let carried = latest.files.get(&file).and_then(|bytes| {
        let text = std::str::from_utf8(bytes).ok()?;
        let line = text.lines().next()?.strip_prefix(MARKER)?.trim();
        Some(line.to_owned())
    });
    let carried = carried.filter(|to| !to.is_empty()).or_else(|| {
        let root = months.parent().unwrap_or(Path::new("."));
        root.join("schemas")
            .join(format!("{name}.schema.json"))
            .is_file()
            .then(|| format!("../../schemas/{name}.schema.json"))
    });
    carried.map(|to| format!("{MARKER}{to}\n")).unwrap_or_default()
}
