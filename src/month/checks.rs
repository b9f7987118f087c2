//! The definition's checks over a month's figures, and the figures typed as
//! published held against the derived ones. Each problem is a diagnostic at
//! the figure the editor typed, its message written from the labels.

use std::collections::BTreeMap;

use crate::definition::expr::{Expr, Function, Op};
use crate::definition::{Check, Definition, ScopeKey, DEFAULT_RULE};
use crate::derive::engine::{self, Input, Output, Value};
use crate::source::file::{key, SourceFile, Validator};
use crate::source::locate::Segment;

/// Where each member's figures were typed, for diagnostics about them.
#[derive(Default)]
pub(super) struct Places {
    /// Each unit's entry in units.yaml, and its name.
    pub(super) units: Vec<(Vec<Segment>, String)>,
    /// Each list item's entry in its list, and its name.
    pub(super) items: BTreeMap<String, Vec<(Vec<Segment>, String)>>,
    /// The file each list is in.
    pub(super) list_files: BTreeMap<String, String>,
    /// Each office figure typed: its file and the path to it.
    pub(super) office: BTreeMap<String, (String, Vec<Segment>)>,
}

impl Places {
    /// Where a member's figures were typed: the file, the entry, the
    /// member's name. For the office, the file and place of its first
    /// figure of `names` that was typed (else of any).
    pub(super) fn member<'f>(
        &self,
        files: &BTreeMap<String, &'f SourceFile>,
        scope: &ScopeKey,
        member: usize,
        names: &[&str],
    ) -> Option<(&'f SourceFile, Vec<Segment>, Option<&str>)> {
        match scope {
            ScopeKey::Office => {
                let typed = names.iter().find_map(|n| self.office.get(*n)).or_else(|| self.office.values().next());
                let (file, at) = typed?;
                Some((files.get(file)?, at.clone(), None))
            }
            ScopeKey::Unit => {
                let (at, name) = self.units.get(member)?;
                Some((files.get(super::office_schema::UNITS_FILE)?, at.clone(), Some(name.as_str())))
            }
            ScopeKey::List(list) => {
                let (at, name) = self.items.get(list)?.get(member)?;
                Some((files.get(self.list_files.get(list)?)?, at.clone(), Some(name.as_str())))
            }
        }
    }
}

/// Runs every check and compares every published figure; `files` are the
/// month's files as read, by name.
pub(super) fn run(
    v: &mut Validator,
    definition: &Definition,
    input: &Input,
    output: &Output,
    places: &Places,
    files: &BTreeMap<String, &SourceFile>,
) {
    for check in &definition.checks {
        let failures = match engine::failures(definition, input, output, &check.scope, &check.assert) {
            Ok(failures) => failures,
            Err(overflow) => {
                if let Some((file, _, _)) = places.member(files, &ScopeKey::Office, 0, &[]) {
                    v.error(file, &[], None, format!("check `{}`: {overflow}", check.name));
                }
                continue;
            }
        };
        // The figures the condition names (`office.x` as `x`), in its order.
        let names: Vec<String> = check
            .assert
            .figure_names()
            .into_iter()
            .filter_map(|(path, _)| match path {
                [first, name] if first == "office" => Some(name.clone()),
                [name] => Some(name.clone()),
                _ => None,
            })
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for (member, sides) in failures {
            let Some((file, at, label)) = places.member(files, &check.scope, member, &names) else { continue };
            let record = output.record(&check.scope, member);
            let message = match &check.message {
                Some(message) => written(definition, input, output, &check.scope, member, message),
                None => generated(definition, input, output, check, record, sides),
            };
            let path = if check.scope == ScopeKey::Office { at.clone() } else { field(&names, &at, file) };
            let diagnostic = if check.error {
                v.error(file, &path, label, message)
            } else {
                let d = v.warning(file, &path, label, message);
                d.code = Some(check.code.clone().map_or("check".into(), Into::into));
                d
            };
            // A message of the office's own words still shows the figures.
            let values = match (&check.message, sides) {
                (Some(_), Some((Some(l), Some(r)))) => {
                    let show = |v: crate::number::Ratio| {
                        v.to_decimal(2, crate::number::Rounding::HalfUp).map(|d| d.format(crate::number::Style::Trim))
                    };
                    match (show(l), show(r)) {
                        (Some(l), Some(r)) => format!(" (here {l} and {r})"),
                        _ => String::new(),
                    }
                }
                _ => String::new(),
            };
            let mut hint = format!("the check `{}` of bulletin.yaml: {}{values}", check.name, check.text);
            if let Some(swap) = swapped(definition, check) {
                hint = format!("{swap}; {hint}");
            }
            if let Some(close) = closest_name(definition, input, &check.assert) {
                hint = format!("{close}; {hint}");
            }
            diagnostic.hint = Some(hint);
        }
    }
    for published in &output.published {
        let name = [published.name.as_str()];
        let Some((file, at, label)) = places.member(files, &published.scope, published.member, &name) else {
            continue;
        };
        let Some(figure) = definition.scope(&published.scope).derived.get(&published.name) else { continue };
        let rule = definition.rule(&figure.rule, &input.rules);
        let typed = published.typed.show(&rule);
        let derived = published.derived.and_then(|d| d.show(&rule));
        let Some(derived) = derived else { continue };
        if typed.as_deref() == Some(derived.as_str()) {
            continue;
        }
        let mut path = at.clone();
        if published.scope != ScopeKey::Office {
            path.push(key(&published.name));
        }
        let typed = typed.unwrap_or_default();
        let message = format!("{} is typed as published, {typed}, but the figures give {derived}", figure.label);
        let diagnostic = v.warning(file, &path, label, message);
        diagnostic.code = Some("published-differs".into());
        diagnostic.hint = Some(format!(
            "the bulletin prints {typed}, as published; correct the typed value or the figures it is derived from if the platform's figure is a slip"
        ));
    }
}

/// For a failed `part <= whole` between two counts of the member (no
/// message of the office's own): the likely slip, two columns swapped.
fn swapped(definition: &Definition, check: &Check) -> Option<String> {
    if check.message.is_some() {
        return None;
    }
    let Expr::Binary { op: Op::Le, left, right } = &check.assert else { return None };
    let count = |e: &Expr| -> Option<String> {
        let Expr::Name { path, .. } = e else { return None };
        let [name] = path.as_slice() else { return None };
        let measure = definition.scope(&check.scope).measures.get(name)?;
        (measure.kind == crate::definition::MeasureKind::Count).then(|| measure.label.clone())
    };
    let (part, whole) = (count(left)?, count(right)?);
    Some(format!("{part} counts part of {whole}: check that the two columns are not swapped"))
}

/// For a failed `count(list, name == office.text)`: the list's name
/// closest to the office's text (a slip in either), as "did you mean".
fn closest_name(definition: &Definition, input: &Input, e: &Expr) -> Option<String> {
    match e {
        Expr::Call { function: Function::Count, args, .. } => {
            let (Some(Expr::Name { path: list, .. }), Some(condition)) = (args.first(), args.get(1)) else {
                return None;
            };
            let items = input.lists.get(&list[0])?;
            let text = compared_text(condition)?;
            let written = input.office_texts.get(text)?;
            let label = definition.scope(&ScopeKey::Office).measures.get(text).map_or(text, |m| m.label.as_str());
            let close = crate::diag::closest(written, items.iter().map(|i| i.name.as_str()))?;
            Some(format!("did you mean `{close}`? ({label} `{text}` is `{written}`)"))
        }
        Expr::Binary { left, right, .. } => {
            closest_name(definition, input, left).or_else(|| closest_name(definition, input, right))
        }
        Expr::Not(inner) | Expr::Neg(inner) => closest_name(definition, input, inner),
        _ => None,
    }
}

/// The office text a condition compares an item's `name` with.
fn compared_text(condition: &Expr) -> Option<&str> {
    let Expr::Binary { op: Op::Eq, left, right } = condition else { return None };
    fn text(e: &Expr) -> Option<&str> {
        match e {
            Expr::Name { path, .. } if path.len() == 2 && path[0] == "office" => Some(path[1].as_str()),
            _ => None,
        }
    }
    let is_name = |e: &Expr| matches!(e, Expr::Name { path, .. } if path.len() == 1 && path[0] == engine::NAME);
    match (is_name(left), is_name(right)) {
        (true, _) => text(right),
        (_, true) => text(left),
        _ => None,
    }
}

/// A check's own message, a minijinja template over what a template sees
/// of the member (its figures as printed, `{{ tickets }}`, and its
/// `name`) and of the office (`{{ office.signed }}`); as written where it
/// does not render.
fn written(
    definition: &Definition,
    input: &Input,
    output: &Output,
    scope: &ScopeKey,
    member: usize,
    message: &str,
) -> String {
    let mut context = output.member(definition, input, scope, member);
    context.insert("office".into(), output.member(definition, input, &ScopeKey::Office, 0).into());
    let env = minijinja::Environment::new();
    env.render_str(message, serde_json::Value::Object(context)).unwrap_or_else(|_| message.to_owned())
}

/// Where a failed check of a unit or an item points: at the first measure
/// its condition names in the member's entry, else at the entry.
fn field(names: &[&str], at: &[Segment], file: &SourceFile) -> Vec<Segment> {
    for name in names {
        let mut candidate = at.to_vec();
        candidate.push(key(name));
        if crate::source::locate::locate(&file.text, &candidate).is_some() {
            return candidate;
        }
    }
    at.to_vec()
}

/// "回访满意数 `satisfied` (12) is greater than 回访工单总数 `visited` (10)".
fn generated(
    definition: &Definition,
    input: &Input,
    output: &Output,
    check: &Check,
    record: &engine::Record,
    sides: Option<(Value, Value)>,
) -> String {
    let Expr::Binary { op, left, right } = &check.assert else {
        return format!("`{}` does not hold", check.text);
    };
    let Some((l, r)) = sides else { return format!("`{}` does not hold", check.text) };
    let relation = match op {
        Op::Le => "is greater than",
        Op::Lt => "is not less than",
        Op::Ge => "is less than",
        Op::Gt => "is not greater than",
        Op::Eq => "differs from",
        Op::Ne => "equals",
        _ => return format!("`{}` does not hold", check.text),
    };
    let side = |e: &Expr, value: Value| {
        // A number written in the condition is its own value: `0`, not `0 (0)`.
        if let Expr::Number(_) = e {
            return describe(definition, &check.scope, e);
        }
        let shown = shown_value(definition, input, output, check, record, e, value);
        let parts = parts_of(definition, input, output, e).map(|p| format!(": {p}")).unwrap_or_default();
        format!("{} ({shown}{parts})", describe(definition, &check.scope, e))
    };
    format!("{} {relation} {}", side(left, l), side(right, r))
}

/// The terms of a sum over a short list, as typed: `咨询 65 + 求助 344 + 建议 5`.
fn parts_of(definition: &Definition, input: &Input, output: &Output, e: &Expr) -> Option<String> {
    /// Beyond this many items, the terms would drown the message.
    const MOST: usize = 8;
    let Expr::Call { function: Function::Sum, args, .. } = e else { return None };
    let (Some(Expr::Name { path: list, .. }), Some(Expr::Name { path: figure, .. })) = (args.first(), args.get(1))
    else {
        return None;
    };
    let items = input.lists.get(&list[0]).filter(|items| !items.is_empty() && items.len() <= MOST)?;
    let scope = ScopeKey::List(list[0].clone());
    let terms: Vec<String> = (0..items.len())
        .map(|i| {
            let value = output.shown(definition, input, &scope, output.record(&scope, i), &figure[0]);
            format!("{} {}", items[i].name, value.unwrap_or_else(|| "—".into()))
        })
        .collect();
    Some(terms.join(" + "))
}

fn shown_value(
    definition: &Definition,
    input: &Input,
    output: &Output,
    check: &Check,
    record: &engine::Record,
    e: &Expr,
    value: Value,
) -> String {
    if let Expr::Name { path, .. } = e {
        let (scope, record, name) = match path.as_slice() {
            [first, name] if first == "office" => (ScopeKey::Office, &output.office, name),
            [name] => (check.scope.clone(), record, name),
            _ => (check.scope.clone(), record, &path[0]),
        };
        if let Some(shown) = output.shown(definition, input, &scope, record, name) {
            return shown;
        }
    }
    value.and_then(|v| v.show(&DEFAULT_RULE)).unwrap_or_else(|| "no value".to_owned())
}

/// A side of a comparison in words: a figure by its label and name, a sum
/// by what it adds up, else the formula.
fn describe(definition: &Definition, scope: &ScopeKey, e: &Expr) -> String {
    let label = |scope: &ScopeKey, name: &str| {
        let s = definition.scope(scope);
        s.measures.get(name).map(|m| m.label.clone()).or_else(|| s.derived.get(name).map(|d| d.label.clone()))
    };
    match e {
        Expr::Name { path, .. } => {
            let (target, name) = match path.as_slice() {
                [first, name] if first == "office" => (ScopeKey::Office, name.as_str()),
                _ => (scope.clone(), path[0].as_str()),
            };
            match label(&target, name) {
                Some(label) => format!("{label} `{}`", path.join(".")),
                None => format!("`{}`", path.join(".")),
            }
        }
        Expr::Call { function: Function::Sum, args, .. } => match (&args[0], &args[1]) {
            (Expr::Name { path: list, .. }, Expr::Name { path: figure, .. }) => {
                let collection = if list[0] == "units" { ScopeKey::Unit } else { ScopeKey::List(list[0].clone()) };
                let of = definition.lists.get(&list[0]).cloned().unwrap_or_else(|| "各单位".to_owned());
                let figure_label = label(&collection, &figure[0]).unwrap_or_else(|| figure[0].clone());
                format!("the sum of {of}{figure_label} `sum({}, {})`", list[0], figure[0])
            }
            _ => "the sum".to_owned(),
        },
        Expr::Number(n) => n.show(&DEFAULT_RULE).unwrap_or_default(),
        _ => "the formula".to_owned(),
    }
}
