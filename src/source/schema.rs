//! JSON Schemas of the units registry and of the definition file,
//! generated from their raw types, and the checker that holds a parsed YAML
//! file against a schema (those of the month files come from the office's
//! definition: `month::office_schema`).
//!
//! One source serves two readers: VS Code's YAML extension reads the
//! schemas (checked in under `schemas/`, referenced from each YAML file's
//! first line) for completion and inline errors; `validate` runs
//! [`check`] before serde, so that every unknown key, missing key, wrong
//! type and negative count of a file is reported in one run instead of
//! serde's first error only.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{Map, Value};

use crate::definition::raw::DefinitionFile;
use crate::diag::closest;
use crate::month::raw::RegistryFile;
use crate::number::Decimal;
use crate::source::locate::Segment;

/// The YAML files whose schema the tool's own types give: the units
/// registry kept beside the months, and the office's definition. (A month's
/// files have the schemas their office's definition generates.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Registry,
    /// The office's definition, `bulletin.yaml`, beside `months/`.
    Definition,
}

/// A schema as its file holds it: pretty JSON and a final newline.
pub fn file_text(schema: &Value) -> String {
    serde_json::to_string_pretty(schema).expect("a schema is plain JSON") + "\n"
}

impl FileKind {
    pub const ALL: [FileKind; 2] = [FileKind::Registry, FileKind::Definition];

    /// The file's name (the registry's beside the months).
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Registry => "registry.yaml",
            Self::Definition => "bulletin.yaml",
        }
    }

    /// The schema's file name under `schemas/`.
    pub fn schema_file_name(self) -> String {
        format!("{}.schema.json", self.file_name().trim_end_matches(".yaml"))
    }

    /// The JSON Schema (draft-07, every subschema inlined), generated once.
    pub fn schema(self) -> &'static Value {
        static SCHEMAS: std::sync::OnceLock<[Value; 2]> = std::sync::OnceLock::new();
        let all = SCHEMAS.get_or_init(|| FileKind::ALL.map(FileKind::generate));
        &all[self as usize]
    }

    fn generate(self) -> Value {
        fn of<T: JsonSchema>(title: &str) -> Value {
            let mut settings = SchemaSettings::draft07();
            settings.inline_subschemas = true;
            let mut schema = settings.into_generator().into_root_schema_for::<T>().to_value();
            if let Some(object) = schema.as_object_mut() {
                object.insert("title".into(), Value::from(title));
            }
            schema
        }
        match self {
            Self::Registry => of::<RegistryFile>("registry.yaml — 成员单位名册与分发设置"),
            Self::Definition => of::<DefinitionFile>("bulletin.yaml — 本办公室通报的定义"),
        }
    }
}

/// One way a value fails its schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    UnknownKey {
        key: String,
        allowed: Vec<String>,
    },
    MissingKey {
        key: String,
        description: Option<String>,
    },
    WrongType {
        expected: String,
        found: String,
    },
    BelowMinimum {
        minimum: String,
        found: String,
    },
    AboveMaximum {
        maximum: String,
        found: String,
    },
    NotAllowed {
        allowed: Vec<String>,
        found: String,
    },
    NotDecimal {
        found: String,
    },
    /// An empty value (`~`) where a value is required: a scaffold's blank.
    NotFilled {
        description: Option<String>,
    },
}

/// A problem and the path of the value it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub path: Vec<Segment>,
    pub problem: Problem,
}

impl Found {
    /// The message and an optional hint, as an editor should read them.
    pub fn describe(&self) -> (String, Option<String>) {
        match &self.problem {
            // `{ name: 社区工作, count: 2,20 }`: the comma cut the number.
            Problem::UnknownKey { key, .. } if !key.is_empty() && key.chars().all(|c| c.is_ascii_digit()) => (
                format!("`{key}` is not a key: a comma inside a number cut it in two"),
                Some(
                    "in `{ …, count: 2,20 }` a comma ends the value: write numbers without separators, `count: 220`"
                        .into(),
                ),
            ),
            // `{ value: sum(units, unsatisfied) }`: the comma cut the formula.
            Problem::UnknownKey { key, .. } if key.contains([')', '(']) => (
                format!("`{key}` is not a key: a comma inside a formula cut it in two"),
                Some("in `{ …, value: max(a, b) }` a comma ends the value: put the formula in quotes, `value: \"max(a, b)\"`".into()),
            ),
            Problem::UnknownKey { key, allowed } => {
                let hint = match closest(key, allowed.iter().map(String::as_str)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("the keys allowed here are: {}", allowed.join(", ")),
                };
                (format!("unknown key `{key}`"), Some(hint))
            }
            Problem::MissingKey { key, description } => {
                let hint = match description {
                    Some(d) => format!("add `{key}:` ({d})"),
                    None => format!("add `{key}:`"),
                };
                (format!("missing key `{key}`"), Some(hint))
            }
            Problem::WrongType { expected, found } => (
                format!("expected {expected}, found {found}"),
                full_width_hint(found).or_else(|| number_slip_hint(found)),
            ),
            Problem::BelowMinimum { minimum, found } => (
                format!("expected a number of at least {minimum}, found {found}"),
                (minimum == "0").then(|| "counts cannot be negative".to_owned()),
            ),
            Problem::AboveMaximum { maximum, found } => {
                (format!("expected a number of at most {maximum}, found {found}"), None)
            }
            Problem::NotAllowed { allowed, found } => {
                // `found` reads "the text `乡镇街到`": the value is between the ticks.
                let value = found.split('`').nth(1).unwrap_or(found);
                let hint = crate::diag::closest(value, allowed.iter().map(String::as_str))
                    .map(|near| format!("did you mean `{near}`?"));
                (format!("expected one of {}, found {found}", allowed.join(", ")), hint)
            }
            Problem::NotFilled { description } => (
                "not filled in yet".to_owned(),
                Some(match description {
                    Some(d) => format!("fill in {d}"),
                    None => "fill in a value".to_owned(),
                }),
            ),
            Problem::NotDecimal { found } => (
                format!("expected a decimal number such as 99.41, found {found}"),
                full_width_hint(found)
                    .or_else(|| number_slip_hint(found))
                    .or_else(|| Some("write digits with at most one `.` and at most 6 decimals".into())),
            ),
        }
    }
}

/// For a value typed with full-width digits (１２, ９９．４１): its
/// half-width form.
fn full_width_hint(found: &str) -> Option<String> {
    let has_full_width = found.chars().any(|c| ('\u{ff10}'..='\u{ff19}').contains(&c) || c == '\u{ff0e}');
    if !has_full_width {
        return None;
    }
    let half: String = found
        .chars()
        .filter_map(|c| match c {
            '\u{ff10}'..='\u{ff19}' => char::from_u32(c as u32 - 0xff10 + u32::from(b'0')),
            '\u{ff0e}' => Some('.'),
            c if c.is_ascii_digit() || c == '.' || c == '-' => Some(c),
            _ => None,
        })
        .collect();
    Some(format!("full-width digits (全角数字) are not numbers here: type them half-width, e.g. {half}"))
}

/// A number written in Chinese numerals (一百五十, 两千零三, 十二, and
/// the spoken 七千五 for 7500), up to 万s; `None` for any other text.
fn chinese_number(text: &str) -> Option<u64> {
    let (mut total, mut section, mut digit) = (0u64, 0u64, None::<u64>);
    // The unit just before the last digit, and whether a 零 came between.
    let (mut last_unit, mut zero) = (1u64, false);
    for c in text.chars() {
        let value = "零一二三四五六七八九".find(c).map(|i| (i / 3) as u64).or(match c {
            '〇' => Some(0),
            '两' => Some(2),
            _ => None,
        });
        if let Some(value) = value {
            zero |= value == 0;
            digit = Some(value);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => {
                total = total.checked_add((section + digit.take().unwrap_or(0)).checked_mul(10_000)?)?;
                section = 0;
                (last_unit, zero) = (10_000, false);
                continue;
            }
            _ => return None,
        };
        section = section.checked_add(digit.take().unwrap_or(1).checked_mul(unit)?)?;
        (last_unit, zero) = (unit, false);
    }
    // A digit right after a unit counts the next unit down: 七千五 is 7500.
    let tail = match digit {
        Some(d) if !zero && last_unit >= 100 => d.checked_mul(last_unit / 10)?,
        other => other.unwrap_or(0),
    };
    let n = total.checked_add(section)?.checked_add(tail)?;
    (!text.is_empty()).then_some(n)
}

/// For a number that YAML read as text because of how it was typed: a
/// leading zero (`0435`), a thousands separator (`1,393`, `1，393`), a
/// percent sign (`99.41%`), a space inside (`1 393`); the number to write.
fn number_slip_hint(found: &str) -> Option<String> {
    let text = found.strip_prefix("the text `")?.strip_suffix('`')?;
    let digits_and = |extra: &[char]| text.chars().all(|c| c.is_ascii_digit() || extra.contains(&c));
    let has_digit = text.chars().any(|c| c.is_ascii_digit());
    if !has_digit {
        return chinese_number(text).map(|n| format!("write the number in digits: `{n}`"));
    }
    if text.len() > 1 && text.starts_with('0') && !text.starts_with("0.") && digits_and(&[]) {
        let number = text.trim_start_matches('0');
        let number = if number.is_empty() { "0" } else { number };
        return Some(format!("a leading zero makes YAML read `{text}` as text: write `{number}`"));
    }
    if digits_and(&[',', '，', '.']) && text.contains([',', '，']) {
        let number: String = text.chars().filter(|c| *c != ',' && *c != '，').collect();
        // Groups of three after the first comma: a thousands separator;
        // else (`2,23`) a slip, perhaps for a dot or two numbers.
        let grouped = text.split([',', '，']).skip(1).all(|g| g.split('.').next().is_some_and(|g| g.len() == 3));
        return Some(if grouped {
            format!("drop the thousands separator: write `{number}`")
        } else {
            format!(
                "a comma in a number: write it as one number, e.g. `{number}` (or `{}`)",
                text.replace([',', '，'], ".")
            )
        });
    }
    if Decimal::parse(text).is_some() {
        return Some(format!("the quotation marks make YAML read it as text: write `{text}` without them"));
    }
    // A unit typed after the number: 2477件, 68.9分.
    let digits_end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits_end);
    if digits_end > 0 && Decimal::parse(number).is_some() && !unit.starts_with(['%', '％']) && unit.chars().count() <= 2
    {
        return Some(format!("write the number without `{unit}`: `{number}`"));
    }
    if let Some(number) = text.strip_suffix(['%', '％']).filter(|n| n.chars().all(|c| c.is_ascii_digit() || c == '.'))
    {
        return Some(format!("write the percentage without the percent sign: `{number}`"));
    }
    if digits_and(&[' ', '.', '\u{3000}']) && text.contains([' ', '\u{3000}']) {
        let number: String = text.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
        return Some(format!("remove the space inside the number: write `{number}`"));
    }
    None
}

/// A value as an error message names it.
fn show(value: &Value) -> String {
    match value {
        Value::Null => "nothing (an empty value)".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text `{s}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a set of keys".into(),
    }
}

fn type_name(name: &str) -> &'static str {
    match name {
        "integer" => "a whole number",
        "number" => "a number",
        "string" => "text",
        "array" => "a list (lines starting with `- `)",
        "object" => "a set of `key: value` lines",
        "boolean" => "true or false",
        "null" => "nothing",
        _ => "a value",
    }
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "integer" => value.as_i64().is_some() || value.as_u64().is_some(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// Every problem of `value` against `schema`, in document order.
pub fn check(value: &Value, schema: &Value) -> Vec<Found> {
    let mut found = Vec::new();
    walk(value, schema, &mut Vec::new(), &mut found);
    found
}

/// The Chinese label of the field at `path`, as its schema describes it
/// (a measure's `label:`), when that is a name, not a sentence of help.
pub fn label_at(schema: &Value, path: &[Segment]) -> Option<String> {
    // An optional field's schema: its branch that is not `null`.
    fn typed(node: &Value) -> &Value {
        let branches = node.get("anyOf").or_else(|| node.get("oneOf")).and_then(Value::as_array);
        let branch = branches.and_then(|b| b.iter().find(|b| b.get("type").and_then(Value::as_str) != Some("null")));
        branch.unwrap_or(node)
    }
    let mut node = schema;
    for segment in path {
        let here = typed(node);
        node = match segment {
            Segment::Key(key) => here
                .get("properties")
                .and_then(|p| p.get(key))
                .or_else(|| here.get("additionalProperties").filter(|v| v.is_object()))?,
            Segment::Index(_) => here.get("items")?,
        };
    }
    let label = node.get("description").or_else(|| typed(node).get("description"))?.as_str()?;
    let is_name = label.chars().count() <= 12 && !label.contains(['：', '，', '。', '；', '（', ':', ',', ' ']);
    is_name.then(|| label.to_owned())
}

fn walk(value: &Value, schema: &Value, path: &mut Vec<Segment>, out: &mut Vec<Found>) {
    let push = |out: &mut Vec<Found>, path: &[Segment], problem| out.push(Found { path: path.to_vec(), problem });
    if let Some(branches) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array) {
        // An enum of documented variants: one `const` a branch.
        let consts: Vec<&Value> = branches.iter().filter_map(|b| b.get("const")).collect();
        if consts.len() == branches.len() {
            if !consts.contains(&value) {
                let allowed = consts.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
                push(out, path, Problem::NotAllowed { allowed, found: show(value) });
            }
            return;
        }
        // Valid when one branch is; otherwise report against the branch
        // that is not `null` (an optional field's real type).
        let mut attempts = Vec::new();
        for branch in branches {
            let mut problems = Vec::new();
            walk(value, branch, path, &mut problems);
            if problems.is_empty() {
                return;
            }
            attempts.push((branch.get("type").and_then(Value::as_str) == Some("null"), problems));
        }
        if let Some((_, problems)) = attempts.into_iter().find(|(null, _)| !null) {
            out.extend(problems);
        }
        return;
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if value.is_null() && !types.is_empty() && !types.contains(&"null") {
        let description = schema.get("description").and_then(Value::as_str).map(str::to_owned);
        push(out, path, Problem::NotFilled { description });
        return;
    }
    if !types.is_empty() && !types.iter().any(|t| has_type(value, t)) {
        let wanted: Vec<&str> = types.iter().filter(|t| **t != "null").map(|t| type_name(t)).collect();
        let expected = if schema.get("format").and_then(Value::as_str) == Some("decimal") {
            "a number".to_owned()
        } else {
            wanted.join(" or ")
        };
        push(out, path, Problem::WrongType { expected, found: show(value) });
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            let allowed = allowed.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
            push(out, path, Problem::NotAllowed { allowed, found: show(value) });
        }
    }
    match value {
        Value::Object(map) => walk_object(map, schema, path, out),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    path.push(Segment::Index(i));
                    walk(item, item_schema, path, out);
                    path.pop();
                }
            }
        }
        Value::Number(n) => {
            let as_decimal = |v: &Value| v.as_f64().and_then(|f| Decimal::parse(&format!("{f}")));
            let number = Decimal::parse(&n.to_string()).or_else(|| as_decimal(value));
            let format = schema.get("format").and_then(Value::as_str);
            let maximum = match format {
                Some("uint32") => Some(Value::from(u32::MAX)),
                _ => schema.get("maximum").cloned(),
            };
            if let (Some(number), Some(minimum)) = (number, schema.get("minimum").and_then(as_decimal_value)) {
                if number < minimum {
                    push(out, path, Problem::BelowMinimum { minimum: minimum.to_string(), found: n.to_string() });
                }
            }
            if let (Some(number), Some(maximum)) = (number, maximum.as_ref().and_then(as_decimal_value)) {
                if number > maximum {
                    push(out, path, Problem::AboveMaximum { maximum: maximum.to_string(), found: n.to_string() });
                }
            }
            if format == Some("decimal") && number.is_none() {
                push(out, path, Problem::NotDecimal { found: n.to_string() });
            }
        }
        Value::String(s) => {
            if schema.get("format").and_then(Value::as_str) == Some("decimal")
                && Decimal::parse(s.trim().trim_end_matches('%')).is_none()
            {
                push(out, path, Problem::NotDecimal { found: show(value) });
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
}

fn as_decimal_value(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(n) => Decimal::parse(&n.to_string()),
        _ => None,
    }
}

fn walk_object(map: &Map<String, Value>, schema: &Value, path: &mut Vec<Segment>, out: &mut Vec<Found>) {
    let empty = Map::new();
    let properties = schema.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    // A map (`measures: {signed: {...}}`): every value against one schema.
    let values = schema.get("additionalProperties").filter(|v| v.is_object());
    for (key, item) in map {
        path.push(Segment::Key(key.clone()));
        match properties.get(key).or(values) {
            Some(item_schema) => walk(item, item_schema, path, out),
            None if closed => out.push(Found {
                path: path.clone(),
                problem: Problem::UnknownKey { key: key.clone(), allowed: properties.keys().cloned().collect() },
            }),
            None => {}
        }
        path.pop();
    }
    // A mistyped key is reported once, as unknown with its correction; the
    // key it should have been is then not reported missing as well.
    let known = || properties.keys().map(String::as_str);
    let corrected: Vec<&str> =
        map.keys().filter(|k| !properties.contains_key(*k)).filter_map(|k| closest(k, known())).collect();
    for key in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        if !map.contains_key(key) && !corrected.contains(&key) {
            let description =
                properties.get(key).and_then(|p| p.get("description")).and_then(Value::as_str).map(str::to_owned);
            out.push(Found { path: path.clone(), problem: Problem::MissingKey { key: key.to_owned(), description } });
        }
    }
}

/// A parsed YAML value as JSON, keys as text. YAML tags are dropped (the
/// month files use none); numbers keep their kind (whole or decimal).
pub fn yaml_to_json(value: &serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                // NaN and infinities have no JSON form: keep them as text so
                // that the checker names them.
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s.clone(),
                        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(&tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_for_numbers_typed_as_text() {
        let cases = [
            ("0435", Some("a leading zero makes YAML read `0435` as text: write `435`")),
            ("00", Some("a leading zero makes YAML read `00` as text: write `0`")),
            ("1,393", Some("drop the thousands separator: write `1393`")),
            ("2,23", Some("a comma in a number: write it as one number, e.g. `223` (or `2.23`)")),
            ("一百五十", Some("write the number in digits: `150`")),
            ("两千零三", Some("write the number in digits: `2003`")),
            ("十二", Some("write the number in digits: `12`")),
            ("三万五千", Some("write the number in digits: `35000`")),
            ("七千五", Some("write the number in digits: `7500`")),
            ("一百零五", Some("write the number in digits: `105`")),
            ("三万五", Some("write the number in digits: `35000`")),
            ("满意", None),
            ("1，393", Some("drop the thousands separator: write `1393`")),
            ("99.41%", Some("write the percentage without the percent sign: `99.41`")),
            ("1 393", Some("remove the space inside the number: write `1393`")),
            ("很多", None),
            ("2650", Some("the quotation marks make YAML read it as text: write `2650` without them")),
            ("2477件", Some("write the number without `件`: `2477`")),
            ("68.9分", Some("write the number without `分`: `68.9`")),
        ];
        for (text, hint) in cases {
            assert_eq!(number_slip_hint(&format!("the text `{text}`")).as_deref(), hint, "{text}");
        }
    }

    #[test]
    fn full_width_digits_get_a_hint() {
        let hint = full_width_hint("the text `１２`").unwrap();
        assert!(hint.ends_with("e.g. 12"), "{hint}");
        assert_eq!(full_width_hint("the text `abc`"), None);
    }
}
