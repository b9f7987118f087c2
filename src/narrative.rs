//! Narrative sentences from figures, through minijinja templates kept under
//! `layouts/sentences/` (one `NAME.j2` a sentence), so an office can reword
//! the bulletin without touching Rust.
//!
//! Each template sees the [`Figures`] as its context and its output lands in
//! `figures.text.NAME` as a plain string: Typst receives it as data, never as
//! markup. Filters: `cn_num` (3 → 三), `cn_date` (2020-04-17 → 2020年4月17日),
//! `percent` ("21.39" → 21.39%, none → —).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use minijinja::{Environment, Error as TemplateError, ErrorKind, UndefinedBehavior, Value};

use crate::derive::Figures;
use crate::world::Layouts;
use crate::Error;

/// The sentence templates of a layouts folder, by name.
#[derive(Clone, Debug)]
pub struct Sentences {
    templates: BTreeMap<String, String>,
    dir: std::path::PathBuf,
}

pub const SENTENCES_DIR: &str = "sentences";

impl Sentences {
    /// Reads every `*.j2` of `layouts/sentences/`.
    pub fn load(layouts: &Path) -> Result<Self, Error> {
        Self::load_dir(&layouts.join(SENTENCES_DIR))
    }

    /// Reads every `*.j2` of `dir`, by file stem.
    pub fn load_dir(dir: &Path) -> Result<Self, Error> {
        let entries = fs::read_dir(dir).map_err(|err| Error::io("read", dir, err))?;
        let mut templates = BTreeMap::new();
        for entry in entries {
            let path = entry.map_err(|err| Error::io("read", dir, err))?.path();
            if path.extension().is_some_and(|e| e == "j2") {
                let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                let text = fs::read_to_string(&path).map_err(|err| Error::io("read", &path, err))?;
                templates.insert(name, text);
            }
        }
        Ok(Self { templates, dir: dir.to_owned() })
    }

    /// The `*.j2` files of `layouts/<folder>/`, as loaded with the layouts.
    pub fn from_layouts(layouts: &Layouts, folder: &str) -> Result<Self, Error> {
        let prefix = format!("/{folder}/");
        let mut templates = BTreeMap::new();
        for (path, bytes) in layouts.files() {
            let Some(name) = path.strip_prefix(&prefix).and_then(|n| n.strip_suffix(".j2")) else { continue };
            if name.contains('/') {
                continue;
            }
            let text = std::str::from_utf8(bytes).map_err(|_| Error::Template {
                path: layouts.disk_path(path),
                message: "the template is not UTF-8 text".into(),
            })?;
            templates.insert(name.to_owned(), text.to_owned());
        }
        if templates.is_empty() {
            return Err(Error::Missing { what: "sentence templates (*.j2)", path: layouts.disk_path(&prefix) });
        }
        Ok(Self { templates, dir: layouts.disk_path(&prefix) })
    }

    /// Renders every sentence into `figures.text`.
    pub fn render(&self, figures: &mut Figures) -> Result<(), Error> {
        figures.text = self.render_with(&*figures)?;
        Ok(())
    }

    /// Renders every template with `context`: each output by template name,
    /// trimmed.
    pub fn render_with(&self, context: &impl serde::Serialize) -> Result<BTreeMap<String, String>, Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_filter("cn_num", cn_num_filter);
        env.add_filter("cn_date", cn_date_filter);
        env.add_filter("percent", percent_filter);
        let template_error = |name: &str, err: TemplateError| Error::Template {
            path: self.dir.join(format!("{name}.j2")),
            message: describe(&err),
        };
        for (name, source) in &self.templates {
            env.add_template(name, source).map_err(|err| template_error(name, err))?;
        }
        let context = Value::from_serialize(context);
        let mut text = BTreeMap::new();
        for name in self.templates.keys() {
            let template = env.get_template(name).map_err(|err| template_error(name, err))?;
            let rendered = template.render(&context).map_err(|err| template_error(name, err))?;
            text.insert(name.clone(), rendered.trim().to_owned());
        }
        Ok(text)
    }
}

/// A one-line description of a template error with its line.
fn describe(err: &TemplateError) -> String {
    let mut message = err.to_string();
    if let Some(line) = err.line() {
        message = format!("line {line}: {message}");
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    message
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// A whole number in Chinese numerals, as ranks and counts are read:
/// 1 → 一, 10 → 十, 12 → 十二, 22 → 二十二, 100 → 一百, 105 → 一百零五,
/// 110 → 一百一十. Covers 0 to 9999.
pub fn cn_num(n: u64) -> Option<String> {
    if n >= 10_000 {
        return None;
    }
    if n < 10 {
        return Some(DIGITS[n as usize].to_owned());
    }
    if n < 20 {
        // 十, 十一 … 十九: the leading 一 is not read.
        let ones = n % 10;
        return Some(if ones == 0 { "十".to_owned() } else { format!("十{}", DIGITS[ones as usize]) });
    }
    let units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")];
    let mut out = String::new();
    let mut pending_zero = false;
    for (value, unit) in units {
        let digit = (n / value) % 10;
        if digit == 0 {
            if !out.is_empty() {
                pending_zero = true;
            }
            continue;
        }
        if pending_zero {
            out.push('零');
            pending_zero = false;
        }
        out.push_str(DIGITS[digit as usize]);
        out.push_str(unit);
    }
    Some(out)
}

fn cn_num_filter(value: Value) -> Result<String, TemplateError> {
    let n = u64::try_from(value.clone()).map_err(|_| {
        TemplateError::new(ErrorKind::InvalidOperation, format!("cn_num needs a whole number, got {value}"))
    })?;
    cn_num(n)
        .ok_or_else(|| TemplateError::new(ErrorKind::InvalidOperation, format!("cn_num covers 0 to 9999, got {n}")))
}

/// `2020-04-17` → `2020年4月17日`.
pub fn cn_date(iso: &str) -> Option<String> {
    let date = crate::validate::parse_date(iso)?;
    Some(format!("{}年{}月{}日", date.year, date.month, date.day))
}

fn cn_date_filter(value: String) -> Result<String, TemplateError> {
    cn_date(&value).ok_or_else(|| {
        TemplateError::new(ErrorKind::InvalidOperation, format!("cn_date needs YYYY-MM-DD, got {value}"))
    })
}

/// A rate string as printed: `"21.39"` → `21.39%`; none → `—`.
fn percent_filter(value: Value) -> String {
    if value.is_none() || value.is_undefined() {
        "—".to_owned()
    } else {
        format!("{value}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        let cases = [
            (0, "零"),
            (1, "一"),
            (2, "二"),
            (10, "十"),
            (11, "十一"),
            (12, "十二"),
            (19, "十九"),
            (20, "二十"),
            (22, "二十二"),
            (99, "九十九"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (115, "一百一十五"),
            (120, "一百二十"),
            (199, "一百九十九"),
            (1000, "一千"),
            (1001, "一千零一"),
            (1010, "一千零一十"),
            (2020, "二千零二十"),
            (9999, "九千九百九十九"),
        ];
        for (n, expected) in cases {
            assert_eq!(cn_num(n).as_deref(), Some(expected), "{n}");
        }
        assert_eq!(cn_num(10_000), None);
    }

    /// Every number from 0 to 199 reads back to itself: an independent
    /// decoder checks the encoder over the whole range.
    #[test]
    fn chinese_numerals_round_trip_0_to_199() {
        fn decode(text: &str) -> u64 {
            let digit = |c: char| DIGITS.iter().position(|d| d.starts_with(c)).map(|p| p as u64);
            let mut total = 0;
            let mut current = 0;
            for c in text.chars() {
                match c {
                    '百' => {
                        total += current * 100;
                        current = 0;
                    }
                    '十' => {
                        total += current.max(1) * 10;
                        current = 0;
                    }
                    _ => current = digit(c).expect("a digit"),
                }
            }
            total + current
        }
        for n in 0..=199 {
            let text = cn_num(n).unwrap();
            assert_eq!(decode(&text), n, "{n} → {text}");
            assert!(!text.ends_with('零') || n == 0, "{n} → {text}");
        }
    }

    #[test]
    fn dates_and_percentages() {
        assert_eq!(cn_date("2020-04-17").as_deref(), Some("2020年4月17日"));
        assert_eq!(cn_date("2021-12-01").as_deref(), Some("2021年12月1日"));
        assert_eq!(cn_date("2021-13-01"), None);
        assert_eq!(percent_filter(Value::from("21.39")), "21.39%");
        assert_eq!(percent_filter(Value::from(())), "—");
    }
}
