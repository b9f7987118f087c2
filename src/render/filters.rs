//! The sentence templates' environment: minijinja with undefined names as
//! errors, and the filters every template may use — `cn_num` (3 → 三),
//! `cn_date` (2020-04-17 → 2020年4月17日), `percent` ("21.39" → 21.39%,
//! none → —), `signed` (增幅/减幅/持平) and `series` (A、B和C). A leaf:
//! the definition's checker renders templates here too.

use minijinja::value::Kwargs;
use minijinja::{Environment, Error as TemplateError, ErrorKind, UndefinedBehavior, Value};

use crate::number::cn_num;

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
    env.add_filter("change", change_filter);
    env
}

/// A change in words (同比/环比, from a member's `yoy` or `mom`):
/// `{{ office.yoy.tickets | change("件") }}` → 减少101件，减幅6.44%;
/// 增加5件 where the base is zero; 持平; a percentage's 上升0.5个百分点;
/// 上年同期无数据 (or 上期无数据) where the archive has no base.
fn change_filter(value: Value, unit: Option<String>) -> Result<String, TemplateError> {
    let attr = |name: &str| value.get_attr(name).ok().filter(|v| !v.is_undefined());
    let text = |name: &str| attr(name).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
    let flag = |name: &str| attr(name).is_some_and(|v| v.is_true());
    let (Some(diff), Some(rate)) = (text("diff"), text("rate")) else {
        return Err(TemplateError::new(
            ErrorKind::InvalidOperation,
            "`change` takes a figure's 同比 or 环比, e.g. office.yoy.tickets",
        ));
    };
    if let Some(movement) = text("movement") {
        return Ok(movement);
    }
    let missing = text("missing").unwrap_or_default();
    Ok(change_words(flag("known"), &diff, &rate, flag("points"), &missing, &unit.unwrap_or_default()))
}

/// The words of a change: see [`change_filter`].
pub(crate) fn change_words(known: bool, diff: &str, rate: &str, points: bool, missing: &str, unit: &str) -> String {
    if !known {
        return missing.to_owned();
    }
    let digits = diff.trim_start_matches('-');
    if digits == "—" {
        return "—".to_owned();
    }
    if digits.chars().all(|c| c == '0' || c == '.') {
        return "持平".to_owned();
    }
    let down = diff.starts_with('-');
    if points {
        return format!("{}{digits}个百分点", if down { "下降" } else { "上升" });
    }
    let moved = format!("{}{digits}{unit}", if down { "减少" } else { "增加" });
    match rate.trim_start_matches('-') {
        "—" => moved,
        rate => format!("{moved}，{}{rate}%", if down { "减幅" } else { "增幅" }),
    }
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
    // A figure as shown is a string of digits ("4"): read it too.
    let parsed = value.as_str().and_then(|text| text.trim().parse::<u64>().ok());
    let n = parsed.map_or_else(|| u64::try_from(value.clone()), Ok).map_err(|_| {
        TemplateError::new(ErrorKind::InvalidOperation, format!("cn_num needs a whole number, got {value}"))
    })?;
    cn_num(n)
        .ok_or_else(|| TemplateError::new(ErrorKind::InvalidOperation, format!("cn_num covers 0 to 9999, got {n}")))
}

/// `2020-04-17` → `2020年4月17日`.
pub fn cn_date(iso: &str) -> Option<String> {
    let date = crate::month::types::parse_date(iso)?;
    Some(format!("{}年{}月{}日", date.year, date.month, date.day))
}

fn cn_date_filter(value: String) -> Result<String, TemplateError> {
    cn_date(&value).ok_or_else(|| {
        TemplateError::new(ErrorKind::InvalidOperation, format!("cn_date needs YYYY-MM-DD, got {value}"))
    })
}

/// A rate string as printed: `"21.39"` → `21.39%`; none → `—`; a figure
/// shown as a text (its zero text, "—") stays as it is.
fn percent_filter(value: Value) -> Result<String, TemplateError> {
    if value.is_undefined() {
        return Err(TemplateError::new(ErrorKind::UndefinedError, "`percent` of a name that is not defined"));
    }
    if value.is_none() {
        return Ok("—".to_owned());
    }
    let shown = value.to_string();
    Ok(if shown.trim_start_matches(['-', '−']).starts_with(|c: char| c.is_ascii_digit()) {
        format!("{shown}%")
    } else {
        shown
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_percentages() {
        assert_eq!(cn_date("2020-04-17").as_deref(), Some("2020年4月17日"));
        assert_eq!(cn_date("2021-12-01").as_deref(), Some("2021年12月1日"));
        assert_eq!(cn_date("2021-13-01"), None);
        assert_eq!(percent_filter(Value::from("21.39")).unwrap(), "21.39%");
        assert_eq!(percent_filter(Value::from(())).unwrap(), "—");
        assert!(percent_filter(Value::UNDEFINED).is_err(), "a misspelt name is no figure without a value");
        assert_eq!(percent_filter(Value::from("—")).unwrap(), "—", "a figure without a value");
        assert_eq!(percent_filter(Value::from("-6.44")).unwrap(), "-6.44%");
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
        assert_eq!(
            env.render_str("{{ 4 | cn_num }}{{ v | cn_num }}", minijinja::context! { v => "12" }).unwrap(),
            "四十二"
        );
        assert!(env.render_str("{{ v | cn_num }}", minijinja::context! { v => "4.5" }).is_err());
        let series = |v: &[&str]| series_filter(v.iter().map(|s| s.to_string()).collect(), None);
        assert_eq!(series(&["甲", "乙", "丙"]), "甲、乙和丙");
        assert_eq!(series(&["甲"]), "甲");
        assert_eq!(series(&[]), "");
    }
}
