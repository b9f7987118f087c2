//! The JSON Schemas of an office's month files, generated from its
//! definition: `month.yaml` (the issue and its sign-off), `figures.yaml`
//! (the office's measures and its lists, or the files `at:` places them
//! in) and `units.yaml` (the units by group). The same schema checks a file before it is read (every problem
//! at once) and, written out by `bulletin schema`, gives VS Code its
//! completion and hover texts: each key's description is its label.

use serde_json::{json, Map, Value};

use crate::definition::{Definition, Formula, Measure, MeasureKind, ParamKind, ScopeKey};

/// The files of an office's month folder: the issue and its sign-off, the
/// office's figures (unless its definition places them elsewhere), the
/// units' figures.
pub const MONTH_FILE: &str = "month.yaml";
pub const FIGURES_FILE: &str = crate::definition::FIGURES_FILE;
pub const UNITS_FILE: &str = "units.yaml";

/// The files of an office's month folder that have a schema: month.yaml,
/// the files its definition places figures and lists in, units.yaml.
pub fn file_names(definition: &Definition) -> Vec<String> {
    let mut names = vec![MONTH_FILE.to_owned()];
    names.extend(definition.figure_files());
    names.push(UNITS_FILE.to_owned());
    names
}

/// The schema of one of [`file_names`].
pub fn for_file(definition: &Definition, file: &str) -> Option<Value> {
    let office = &definition.office.name;
    let (title, body) = match file {
        MONTH_FILE => (format!("month.yaml — {office}本期通报的基本信息"), month(definition)),
        UNITS_FILE => (format!("units.yaml — {office}成员单位本月的数字"), units(definition)),
        _ if definition.figure_files().iter().any(|f| f == file) => {
            (format!("{file} — {office}本月的数字"), placed_object(definition, file))
        }
        _ => return None,
    };
    let mut schema = json!({ "$schema": "http://json-schema.org/draft-07/schema#", "title": title });
    merge(&mut schema, body);
    Some(schema)
}

/// The schema of a period folder's month.yaml (`months/2020-Q1/`): the
/// period, its title, its sign-off record and its acknowledgements; its
/// figures are those of the months it covers.
pub fn for_period(definition: &Definition) -> Value {
    let mut body = month(definition);
    if let Some(properties) = body.get_mut("properties").and_then(Value::as_object_mut) {
        properties.retain(|key, _| ["period", "title", "definition", "signoff", "acknowledge"].contains(&key.as_str()));
        properties.insert(
            "period".into(),
            text("通报期间，须与文件夹名一致：季度 2020-Q1、半年 2020-H1、全年 2020，或若干月 2020-01..2020-06"),
        );
    }
    if let Some(map) = body.as_object_mut() {
        map.insert("required".into(), json!(["period"]));
    }
    let office = &definition.office.name;
    let mut schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": format!("month.yaml — {office}多个月的通报的基本信息"),
    });
    merge(&mut schema, body);
    schema
}

/// The schemas of all of [`file_names`]: (schema file name, text).
/// Also `period.schema.json`, for the month.yaml of a period's folder.
pub fn files(definition: &Definition) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = file_names(definition)
        .iter()
        .filter_map(|file| {
            let schema = for_file(definition, file)?;
            Some((format!("{}.schema.json", file.trim_end_matches(".yaml")), crate::source::schema::file_text(&schema)))
        })
        .collect();
    out.push(("period.schema.json".to_owned(), crate::source::schema::file_text(&for_period(definition))));
    out
}

/// What a file holds, by the keys its figures and lists are placed at.
#[derive(Default)]
struct Tree {
    leaves: Map<String, Value>,
    branches: std::collections::BTreeMap<String, Tree>,
    required: Vec<String>,
}

impl Tree {
    fn insert(&mut self, keys: &[String], schema: Value, required: bool) -> bool {
        let Some((first, rest)) = keys.split_first() else { return false };
        let needed = if rest.is_empty() {
            self.leaves.insert(first.clone(), schema);
            required
        } else {
            self.branches.entry(first.clone()).or_default().insert(rest, schema, required)
        };
        if needed && !self.required.contains(first) {
            self.required.push(first.clone());
        }
        needed
    }

    fn properties(self) -> (Map<String, Value>, Vec<String>) {
        let mut properties = self.leaves;
        for (key, branch) in self.branches {
            let (inner, required) = branch.properties();
            properties.insert(key, object(inner, required));
        }
        (properties, self.required)
    }
}

/// The office's figures and the lists placed in `file`, at their keys.
fn placed(definition: &Definition, file: &str) -> Tree {
    let mut tree = Tree::default();
    let office = definition.scope(&ScopeKey::Office);
    for (name, at) in definition.office_at.iter().filter(|(_, at)| at.file == file) {
        if let Some(m) = office.measures.get(name) {
            tree.insert(&at.keys, measure(definition, m), m.required);
        } else if let Some(d) = office.derived.get(name) {
            tree.insert(&at.keys, published(&d.label), false);
        }
    }
    for (list, at) in definition.list_at.iter().filter(|(_, at)| at.file == file) {
        let label = definition.lists.get(list).cloned().unwrap_or_default();
        let mut item = Map::new();
        let mut item_required = Vec::new();
        if !definition.unnamed.contains(list) {
            item.insert("name".into(), text("名称"));
            item_required.push("name".to_owned());
        }
        scope_properties(definition, &ScopeKey::List(list.clone()), &mut item, &mut item_required);
        let schema = json!({ "type": "array", "items": object(item, item_required), "description": label });
        tree.insert(&at.keys, schema, true);
    }
    tree
}

fn placed_object(definition: &Definition, file: &str) -> Value {
    let (properties, required) = placed(definition, file).properties();
    object(properties, required)
}

/// A figure typed as the platform published it.
fn published(label: &str) -> Value {
    decimal(&format!("{label}（照平台公布值填写，可省略；工具另行计算并核对）"))
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

fn object(properties: Map<String, Value>, required: Vec<String>) -> Value {
    json!({ "type": "object", "additionalProperties": false, "properties": properties, "required": required })
}

fn text(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

/// A text that may be left blank (`~`) until the bulletin is signed off.
fn blank_or_text(description: &str) -> Value {
    json!({ "type": ["string", "null"], "description": description })
}

/// A count: a whole number, not negative.
fn count(description: &str) -> Value {
    json!({ "type": "integer", "minimum": 0, "format": "uint32", "description": description })
}

/// A decimal as printed (a percentage, a score, a change that may be negative).
fn decimal(description: &str) -> Value {
    json!({ "type": ["number", "string"], "format": "decimal", "description": description })
}

/// A rounding rule as text (`half_up 2`) or as its parts
/// (`{ decimals: 2, rounding: half_up, style: fixed }`).
fn figure_rule() -> Value {
    json!({
        "type": ["string", "object"],
        "description": "取舍规则，如 half_up 2，或 { decimals: 2, rounding: half_up, style: fixed }",
        "additionalProperties": false,
        "required": ["decimals", "rounding"],
        "properties": {
            "decimals": { "type": "integer", "minimum": 0, "description": "小数位数" },
            "rounding": { "enum": ["truncate", "half_up", "up"], "description": "truncate 截断、half_up 四舍五入、up 进一" },
            "style": { "enum": ["fixed", "trim"], "description": "fixed 保留末尾的 0、trim 去掉" },
        },
    })
}

fn month(definition: &Definition) -> Value {
    let mut rules = Map::new();
    for (name, param) in &definition.params {
        let description = format!("{}（默认见 bulletin.yaml）", param.label);
        rules.insert(
            name.clone(),
            match param.kind {
                ParamKind::Count => count(&description),
                ParamKind::Percent | ParamKind::Score => decimal(&description),
                ParamKind::Groups => {
                    json!({ "type": "array", "items": { "type": "string" }, "description": description })
                }
            },
        );
    }
    let mut figures = Map::new();
    for name in definition.rules.keys() {
        rules
            .entry(name.clone())
            .or_insert_with(|| text("取舍规则，如 half_up 2、truncate 1 trim（改写 bulletin.yaml 中的同名规则）"));
        figures.insert(name.clone(), figure_rule());
    }
    if !figures.is_empty() && !rules.contains_key("figures") {
        rules.insert(
            "figures".into(),
            with_description(object(figures, Vec::new()), "各项数字的取舍规则（名称: 规则），与直接写在 rules 下相同"),
        );
    }
    let signoff = object(
        [
            ("issuer".to_owned(), blank_or_text("发文单位（落款）")),
            ("date".to_owned(), blank_or_text("签发日期（落款日期），YYYY-MM-DD，须在通报月份之后；~ 表示待填写")),
            ("approved_by".to_owned(), blank_or_text("签发人")),
        ]
        .into_iter()
        .collect(),
        Vec::new(),
    );
    let mut properties = Map::new();
    properties.insert("period".into(), text("通报月份，YYYY-MM，须与文件夹名一致"));
    properties.insert("title".into(), text("本期标题（可省略：按 bulletin.yaml 的 office.title 生成）"));
    properties.insert(
        "definition".into(),
        text(
            "本月依据的通报定义：相对本文件夹的路径，如 ../../definitions/2022.yaml（可省略：用 months 旁的 \
             bulletin.yaml）。已签发的月份写上签发时的定义，日后修改 bulletin.yaml 不会改写存档的通报",
        ),
    );
    properties.insert(
        "signoff".into(),
        with_description(signoff, "签发记录：齐全时生成正式版（附落款），缺少时只生成征求意见稿"),
    );
    properties
        .insert("rules".into(), with_description(object(rules, Vec::new()), "本月改写的参数和取舍规则（可省略）"));
    properties.insert(
        "acknowledge".into(),
        json!({
            "type": "object",
            "additionalProperties": { "type": "string" },
            "description": "已核对、照原样接受的提示：提示代码 → 理由",
        }),
    );
    let published: Map<String, Value> = definition
        .selections
        .iter()
        .filter(|(_, s)| s.published)
        .map(|(name, s)| {
            let description = format!("{}：照原通报公布的名单，依次填写名称", s.label);
            (name.clone(), json!({ "type": "array", "items": { "type": "string" }, "description": description }))
        })
        .collect();
    if !published.is_empty() {
        properties.insert(
            "published".into(),
            with_description(object(published, Vec::new()), "照原通报公布的名单（可省略：通报印工具选出的名单）"),
        );
    }
    if definition.compare.is_some() {
        properties.insert("bases".into(), bases(definition));
    }
    let (placed, mut required) = placed(definition, MONTH_FILE).properties();
    properties.extend(placed);
    required.insert(0, "period".into());
    object(properties, required)
}

fn with_description(mut schema: Value, description: &str) -> Value {
    if let Some(map) = schema.as_object_mut() {
        map.insert("description".into(), Value::from(description));
    }
    schema
}

/// A measure's schema: by its kind; split by channels, a count or a
/// mapping of the channels' parts (with an optional `total`).
pub(super) fn measure(definition: &Definition, m: &Measure) -> Value {
    let one = match m.kind {
        MeasureKind::Count => count(&m.label),
        MeasureKind::Percent | MeasureKind::Score => decimal(&m.label),
        MeasureKind::Text => text(&m.label),
        MeasureKind::Unit => text(&format!("{}：单位的全称、简称或代码", m.label)),
    };
    if !m.by_channels {
        return one;
    }
    let mut parts: Map<String, Value> =
        definition.channels.iter().map(|(code, name)| (code.clone(), count(&format!("{}：{name}", m.label)))).collect();
    parts.insert("total".into(), count(&format!("{}：合计（可省略；写出时须等于各渠道之和）", m.label)));
    json!({
        "type": ["integer", "object"],
        "minimum": 0,
        "format": "uint32",
        "additionalProperties": false,
        "properties": parts,
        "description": format!("{}：合计，或按渠道分列（{}）", m.label, channel_list(definition)),
    })
}

/// `bases:` of month.yaml: the 环比 and 同比 bases as the bulletins of
/// those periods printed them, for an archive that lacks the period: the
/// office's numeric figures, and each named list's items by name.
fn bases(definition: &Definition) -> Value {
    let numeric = |scope: &ScopeKey| -> Map<String, Value> {
        let s = definition.scope(scope);
        let measures = s.measures.iter().filter(|(_, m)| !m.kind.is_text()).map(|(n, m)| {
            let schema = if m.kind == MeasureKind::Count { count(&m.label) } else { decimal(&m.label) };
            (n.clone(), schema)
        });
        let derived = s
            .derived
            .iter()
            .filter(|(_, d)| !matches!(d.formula, Formula::Rank { .. } | Formula::Grade { .. }))
            .map(|(n, d)| (n.clone(), decimal(&d.label)));
        measures.chain(derived).collect()
    };
    let mut one = numeric(&ScopeKey::Office);
    for (list, label) in &definition.lists {
        if definition.unnamed.contains(list) {
            continue;
        }
        let item = object(numeric(&ScopeKey::List(list.clone())), Vec::new());
        let description = format!("{label}：各项的名称 → 该项的数字");
        one.insert(list.clone(), json!({ "type": "object", "additionalProperties": item, "description": description }));
    }
    let base = object(one, Vec::new());
    let both = object(
        [
            ("previous".to_owned(), with_description(base.clone(), "上期（环比的基数）照上期通报公布的数字")),
            ("year_before".to_owned(), with_description(base, "上年同期（同比的基数）照上年同期通报公布的数字")),
        ]
        .into_iter()
        .collect(),
        Vec::new(),
    );
    with_description(both, "存档中没有的上期、上年同期：照当期通报填写基数（存档中有该月时以存档为准）")
}

fn channel_list(definition: &Definition) -> String {
    definition.channels.iter().map(|(code, name)| format!("{code}: {name}")).collect::<Vec<_>>().join("，")
}

/// The measures and typed-as-published figures of a scope, and which are required.
fn scope_properties(
    definition: &Definition,
    scope: &ScopeKey,
    into: &mut Map<String, Value>,
    required: &mut Vec<String>,
) {
    let s = definition.scope(scope);
    for (name, m) in &s.measures {
        into.insert(name.clone(), measure(definition, m));
        if m.required {
            required.push(name.clone());
        }
    }
    for (name, d) in s.derived.iter().filter(|(_, d)| d.published) {
        into.insert(name.clone(), published(&d.label));
    }
}

fn units(definition: &Definition) -> Value {
    let mut unit = Map::new();
    unit.insert("id".into(), text("单位代码：小写拼音、数字、- 或 _，长期不变"));
    unit.insert("name".into(), text("单位全称"));
    unit.insert("short".into(), text("简称（与全称相同可省略）"));
    // Which measures a unit must carry depends on its group: checked when read.
    scope_properties(definition, &ScopeKey::Unit, &mut unit, &mut Vec::new());
    let names: Vec<&str> = definition.groups.iter().map(|g| g.name.as_str()).collect();
    let group = object(
        [
            ("name".to_owned(), json!({ "type": "string", "enum": names, "description": "组名" })),
            ("units".to_owned(), json!({ "type": "array", "items": object(unit, vec!["id".into(), "name".into()]), "description": "本组各单位" })),
        ]
        .into_iter()
        .collect(),
        vec!["name".into(), "units".into()],
    );
    let groups = json!({ "type": "array", "items": group, "description": "单位分组，次序即附件中的次序" });
    object([("groups".to_owned(), groups)].into_iter().collect(), vec!["groups".into()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::locate::Segment;
    use serde_json::json;

    fn problems(file: &str, value: Value) -> Vec<(String, String)> {
        let schema = for_file(&crate::definition::furong(), file).expect("a schema for the file");
        crate::source::schema::check(&value, &schema)
            .into_iter()
            .map(|f| {
                let path: Vec<String> = f
                    .path
                    .iter()
                    .map(|s| match s {
                        Segment::Key(k) => k.clone(),
                        Segment::Index(i) => i.to_string(),
                    })
                    .collect();
                (path.join("."), f.describe().0)
            })
            .collect()
    }

    #[test]
    fn reports_every_problem_of_a_file() {
        let value = json!({
            "districts": [
                { "name": "芙蓉区", "tickets": -5, "satisfaction": "９９.４１", "score": 69.2 },
                { "name": "岳麓区", "tickets": 3078, "satisfation": 99.63, "score": "sixty" },
                { "name": 7, "tickets": 1.5, "satisfaction": 99, "score": 1 },
                { "name": "开福区", "tickets": 1, "score": 1 },
            ]
        });
        let found = problems("city.yaml", value);
        let expected = [
            // Keys in name order; `validate` sorts diagnostics by line.
            ("districts.0.satisfaction", "expected a decimal number such as 99.41, found the text `９９.４１`"),
            ("districts.0.tickets", "expected a number of at least 0, found -5"),
            ("districts.1.satisfation", "unknown key `satisfation`"),
            ("districts.1.score", "expected a decimal number such as 99.41, found the text `sixty`"),
            // Not also "missing key `satisfaction`": the typo says it.
            ("districts.2.name", "expected text, found the number 7"),
            ("districts.2.tickets", "expected a whole number, found the number 1.5"),
            ("districts.3", "missing key `satisfaction`"),
        ];
        let expected: Vec<(String, String)> = expected.iter().map(|(p, m)| (p.to_string(), m.to_string())).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn optional_fields_and_enums() {
        let ok = json!({
            "period": "2020-03", "district": "芙蓉区", "city": "长沙市", "city_scope": "内五区",
            "signoff": { "issuer": "办公室", "date": "2020-04-17" }, "attachment": "附件", "appendix_title": "标题",
            "rules": { "full_marks": 70, "figures": { "on_time_rate": { "decimals": 2, "rounding": "truncate", "style": "fixed" } } }
        });
        assert_eq!(problems("month.yaml", ok.clone()), []);
        let mut bad = ok;
        bad["rules"]["figures"]["on_time_rate"]["rounding"] = json!("floor");
        assert_eq!(
            problems("month.yaml", bad),
            [(
                "rules.figures.on_time_rate.rounding".to_owned(),
                "expected one of truncate, half_up, up, found the text `floor`".to_owned()
            )]
        );
    }
}
