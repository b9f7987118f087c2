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

use minijinja::value::Kwargs;
use minijinja::{Environment, Error as TemplateError, ErrorKind, UndefinedBehavior, Value};

use crate::derive::Figures;
use crate::number::cn_num;
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
        let mut env = environment();
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

/// The environment every sentence template renders in: undefined names
/// are errors; the filters `cn_num`, `cn_date`, `percent`, `signed` and
/// `series`.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("cn_num", cn_num_filter);
    env.add_filter("cn_date", cn_date_filter);
    env.add_filter("percent", percent_filter);
    env.add_filter("signed", signed_filter);
    env.add_filter("series", series_filter);
    env
}

/// A shown change in words: `"-9.48" | signed("增幅", "减幅")` → `减幅9.48`,
/// `"30.86"` → `增幅30.86`, zero → the third word (default 持平) alone.
/// `unit="%"` follows the number, never 持平 or a figure without a value:
/// `"1.3" | signed("增长", "下降", unit="%")` → `增长1.3%`.
fn signed_filter(
    value: String,
    up: String,
    down: String,
    same: Option<String>,
    kwargs: Kwargs,
) -> Result<String, TemplateError> {
    let unit: Option<String> = kwargs.get("unit")?;
    kwargs.assert_all_used()?;
    let unit = unit.unwrap_or_default();
    let digits = value.trim().trim_start_matches(['-', '−', '+']);
    let is_zero = digits.chars().all(|c| c == '0' || c == '.') && !digits.is_empty();
    Ok(if is_zero {
        same.unwrap_or_else(|| "持平".to_owned())
    } else if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        value
    } else if value.trim().starts_with(['-', '−']) {
        format!("{down}{digits}{unit}")
    } else {
        format!("{up}{digits}{unit}")
    })
}

/// Names in a sentence: `["A", "B", "C"] | series` → `A、B和C`; the last
/// joint may be given (`series("及")`).
fn series_filter(items: Vec<String>, last: Option<String>) -> String {
    let last = last.unwrap_or_else(|| "和".to_owned());
    match items.split_last() {
        None => String::new(),
        Some((only, [])) => only.clone(),
        Some((end, rest)) => format!("{}{last}{end}", rest.join("、")),
    }
}

/// A one-line description of a template error with its line.
pub fn describe(err: &TemplateError) -> String {
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

fn cn_num_filter(value: Value) -> Result<String, TemplateError> {
    let n = u64::try_from(value.clone()).map_err(|_| {
        TemplateError::new(ErrorKind::InvalidOperation, format!("cn_num needs a whole number, got {value}"))
    })?;
    cn_num(n)
        .ok_or_else(|| TemplateError::new(ErrorKind::InvalidOperation, format!("cn_num covers 0 to 9999, got {n}")))
}

/// `2020-04-17` → `2020年4月17日`.
pub fn cn_date(iso: &str) -> Option<String> {
    let date = crate::month::parse_date(iso)?;
    Some(format!("{}年{}月{}日", date.year, date.month, date.day))
}

fn cn_date_filter(value: String) -> Result<String, TemplateError> {
    cn_date(&value).ok_or_else(|| {
        TemplateError::new(ErrorKind::InvalidOperation, format!("cn_date needs YYYY-MM-DD, got {value}"))
    })
}

/// A rate string as printed: `"21.39"` → `21.39%`; none → `—`; a figure
/// shown as a text (its zero text, "—") stays as it is.
fn percent_filter(value: Value) -> String {
    if value.is_none() || value.is_undefined() {
        return "—".to_owned();
    }
    let shown = value.to_string();
    if shown.trim_start_matches(['-', '−']).starts_with(|c: char| c.is_ascii_digit()) {
        format!("{shown}%")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_percentages() {
        assert_eq!(cn_date("2020-04-17").as_deref(), Some("2020年4月17日"));
        assert_eq!(cn_date("2021-12-01").as_deref(), Some("2021年12月1日"));
        assert_eq!(cn_date("2021-13-01"), None);
        assert_eq!(percent_filter(Value::from("21.39")), "21.39%");
        assert_eq!(percent_filter(Value::from(())), "—");
        assert_eq!(percent_filter(Value::from("—")), "—", "a figure without a value");
        assert_eq!(percent_filter(Value::from("-6.44")), "-6.44%");
        let env = environment();
        let render = |template: &str, v: &str| env.render_str(template, minijinja::context! { v => v }).unwrap();
        let signed = |v: &str| render(r#"{{ v | signed("增幅", "减幅") }}"#, v);
        assert_eq!(signed("-9.48"), "减幅9.48");
        assert_eq!(signed("30.86"), "增幅30.86");
        assert_eq!(signed("0"), "持平");
        assert_eq!(signed("0.00"), "持平");
        assert_eq!(signed("—"), "—");
        let with_unit = |v: &str| render(r#"{{ v | signed("增长", "下降", unit="%") }}"#, v);
        assert_eq!(with_unit("1.3"), "增长1.3%");
        assert_eq!(with_unit("-1.3"), "下降1.3%");
        assert_eq!(with_unit("0"), "持平");
        assert_eq!(with_unit("—"), "—");
        assert!(env.render_str(r#"{{ "1" | signed("a", "b", units="%") }}"#, ()).is_err(), "a misspelt keyword");
        let series = |v: &[&str]| series_filter(v.iter().map(|s| s.to_string()).collect(), None);
        assert_eq!(series(&["甲", "乙", "丙"]), "甲、乙和丙");
        assert_eq!(series(&["甲"]), "甲");
        assert_eq!(series(&[]), "");
    }
}
