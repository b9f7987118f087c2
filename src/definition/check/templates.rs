//! Templates checked against the definition's names: each title, heading
//! and sentence is rendered once against a stand-in context that knows
//! every figure the definition declares (each value `1`), so that a name
//! no figure has (`office.satisfation`, `u.satisfction` in a loop over a
//! selection) is an error at its template before any month is built,
//! rather than an empty or "—" figure in a signed bulletin.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};

use super::{Checker, Entry};
use crate::definition::{ParamKind, ScopeKey};
use crate::diag::closest;
use crate::source::locate::Segment;

/// A name a template asked for that the definition does not have.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Unknown {
    /// Where it was looked up: `office`, `the units`, a list, or the top.
    owner: String,
    /// The owner holds figures (the office, a unit, a list's item).
    figures: bool,
    name: String,
    known: Vec<String>,
}

/// A stand-in for one of the context's maps: its known names, each with a
/// value; any other name is recorded and read as `1`, so that the rest of
/// the template still renders.
#[derive(Debug)]
struct Names {
    owner: String,
    figures: bool,
    entries: BTreeMap<String, Value>,
    unknown: Arc<Mutex<BTreeSet<Unknown>>>,
}

impl Object for Names {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let name = key.as_str()?;
        if let Some(value) = self.entries.get(name) {
            return Some(value.clone());
        }
        // minijinja asks for these when a value is called or looped over.
        if name.starts_with("__") {
            return None;
        }
        if let Ok(mut unknown) = self.unknown.lock() {
            let known = self.entries.keys().cloned().collect();
            unknown.insert(Unknown { owner: self.owner.clone(), figures: self.figures, name: name.to_owned(), known });
        }
        Some(Value::from("1"))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.entries.keys().map(|k| Value::from(k.clone())).collect())
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("1")
    }
}

/// The top-level names of the templates' context, by how messages call
/// them.
const TOP: [(&str, &str); 8] = [
    ("the period", "period"),
    ("info (the office's names)", "info"),
    ("the office", "office"),
    ("the lists", "lists"),
    ("the selections", "selections"),
    ("the parameters", "params"),
    ("the channels", "channels"),
    ("the sign-off", "signoff"),
];

impl Checker<'_> {
    /// The context the templates see, with every name the definition
    /// declares; `selections` maps each selection to the scope it picks from.
    /// A unit sheet's templates (`sheet`: the figures its trend shows)
    /// also see `unit`, `on`, `tied`, `history` and `signoff`.
    fn probe_context(
        &self,
        selections: &BTreeMap<String, ScopeKey>,
        unknown: &Arc<Mutex<BTreeSet<Unknown>>>,
        sheet: Option<&[String]>,
    ) -> Value {
        let holding = |figures: bool| {
            move |owner: &str, entries: BTreeMap<String, Value>| {
                Value::from_object(Names { owner: owner.to_owned(), figures, entries, unknown: unknown.clone() })
            }
        };
        let names = holding(false);
        let members = holding(true);
        let one = || Value::from("1");
        let figures = |scope: &ScopeKey, owner: &str, fields: &[&str]| {
            let mut entries: BTreeMap<String, Value> = fields.iter().map(|f| ((*f).to_owned(), one())).collect();
            for (name, entry) in self.names.get(scope).into_iter().flatten() {
                let value = match entry {
                    Entry::Measure(_, true) => {
                        let parts = self
                            .channel_names
                            .iter()
                            .chain(std::iter::once(&"total".to_owned()))
                            .map(|c| (c.clone(), one()))
                            .collect();
                        members(&format!("the channels of `{name}`"), parts)
                    }
                    _ => one(),
                };
                entries.insert(name.clone(), value);
            }
            // 同比 and 环比 of each numeric figure (`office.yoy.tickets.rate`).
            if self.compares {
                let numeric: Vec<String> = self
                    .names
                    .get(scope)
                    .into_iter()
                    .flatten()
                    .filter(|(_, entry)| !matches!(entry, Entry::Measure(kind, _) if kind.is_text()))
                    .map(|(name, _)| name.clone())
                    .collect();
                for (key, what) in [("yoy", "同比"), ("mom", "环比")] {
                    let changes = numeric
                        .iter()
                        .map(|name| {
                            let parts = ["base", "diff", "rate", "known", "points", "missing", "movement"]
                                .map(|k| (k.to_owned(), one()))
                                .into();
                            (name.clone(), names(&format!("the {what} of `{name}`"), parts))
                        })
                        .collect();
                    entries.insert(key.to_owned(), names(&format!("the {what} ({key}) of {owner}"), changes));
                }
            }
            members(owner, entries)
        };
        let unit = figures(&ScopeKey::Unit, "the units", &["id", "name", "short", "group"]);
        let member = |scope: &ScopeKey| match scope {
            ScopeKey::List(list) => figures(scope, &format!("the items of `{list}`"), &["name"]),
            _ => unit.clone(),
        };
        let lists = self
            .names
            .keys()
            .filter_map(|scope| match scope {
                ScopeKey::List(list) => Some((list.clone(), Value::from(vec![member(scope)]))),
                _ => None,
            })
            .collect();
        let selections =
            selections.iter().map(|(name, scope)| (name.clone(), Value::from(vec![member(scope)]))).collect();
        let params = self
            .param_kinds
            .iter()
            .map(|(name, kind)| {
                let value = match kind {
                    ParamKind::Groups => Value::from(vec![one()]),
                    _ => one(),
                };
                (name.clone(), value)
            })
            .collect();
        let channels = self.channel_names.iter().map(|c| (c.clone(), one())).collect();
        let fixed = |keys: &[&str]| keys.iter().map(|k| ((*k).to_owned(), one())).collect();
        let mut top = vec![
            (
                "period",
                names(
                    "the period",
                    fixed(&[
                        "year", "month", "key", "kind", "label", "name", "from", "to", "months", "quarter", "half",
                        "number", "total", "missing",
                    ]),
                ),
            ),
            ("info", names("info (the office's names)", fixed(&["name", "district", "city"]))),
            ("office", figures(&ScopeKey::Office, "the office", &[])),
            ("lists", names("the lists", lists)),
            ("selections", names("the selections", selections)),
            ("params", names("the parameters", params)),
            ("channels", names("the channels", channels)),
            ("signoff", names("the sign-off", fixed(&["issuer", "date", "date_text", "approved_by"]))),
        ];
        if let Some(trend) = sheet {
            top.push(("unit", figures(&ScopeKey::Unit, "the unit", &["id", "name", "short", "group", "group_size"])));
            let on = self
                .selection_scopes
                .iter()
                .filter(|(_, scope)| **scope == ScopeKey::Unit)
                .map(|(name, _)| (name.clone(), names(&format!("`on.{name}`"), fixed(&["label", "position", "size"]))))
                .collect();
            top.push(("on", names("the selections of units (`on`)", on)));
            let ranks = self.names.get(&ScopeKey::Unit).into_iter().flatten().filter(|(n, _)| self.ranks.contains(*n));
            top.push(("tied", names("the ranks of units (`tied`)", ranks.map(|(n, _)| (n.clone(), one())).collect())));
            let point: Vec<&str> =
                ["key", "year", "month"].into_iter().chain(trend.iter().map(String::as_str)).collect();
            top.push(("history", Value::from(vec![names("a month of the history", fixed(&point))])));
        }
        names("the templates", top.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// Renders the template at `at` against the stand-in context: each
    /// unknown name is an error there; any other failure is left to the
    /// build, which reports it with the month's figures.
    pub(super) fn probe(&mut self, at: &[Segment], source: &str) {
        self.probe_in(at, source, None);
    }

    /// [`Self::probe`] for a template of the unit sheet, whose trend shows `trend`.
    pub(super) fn probe_in(&mut self, at: &[Segment], source: &str, sheet: Option<&[String]>) {
        let unknown = Arc::new(Mutex::new(BTreeSet::new()));
        let context = self.probe_context(&self.selection_scopes, &unknown, sheet);
        let env = crate::render::filters::environment();
        let _ = env.render_str(source, context);
        let found: Vec<Unknown> = unknown.lock().map(|u| u.iter().cloned().collect()).unwrap_or_default();
        for u in found {
            let message = if u.owner == "the templates" {
                format!("`{}` is not a name the templates know", u.name)
            } else if !u.figures {
                format!("`{}` is not one of {}", u.name, u.owner)
            } else {
                format!("`{}` is not a figure of {}", u.name, u.owner)
            };
            // The owner is a phrase (the templates, the period): its names
            // are listed as known in it, whatever its number.
            let hint = match closest(&u.name, u.known.iter().map(String::as_str)) {
                _ if ["yoy", "mom"].contains(&u.name.as_str()) && !self.compares => {
                    "同比 (yoy) and 环比 (mom) come from the archive once bulletin.yaml declares `compare: {}`"
                        .to_owned()
                }
                Some(close) => format!("did you mean `{close}`?"),
                None if u.known.is_empty() => format!("no names are known in {}", u.owner),
                None => format!("known in {}: {}", u.owner, u.known.join(", ")),
            };
            let text = self.file.text.clone();
            let diagnostic = self.error(at, message);
            diagnostic.hint = Some(hint);
            // Point at the name itself where the template's lines show it:
            // after its owner's key (`period.zzz`, not an `info.zzz` before it)
            // where the owner is one of the top-level names.
            if let Some(line) = diagnostic.line {
                let lines = source.lines().count().max(1) + 1;
                let owner_key = TOP.iter().find(|(owner, _)| *owner == u.owner).map(|(_, key)| *key);
                let qualified = owner_key.and_then(|key| {
                    let (l, column) = find_name(&text, line, lines, &format!("{key}.{}", u.name))?;
                    Some((l, column + key.chars().count() + 1))
                });
                if let Some((l, column)) = qualified.or_else(|| find_name(&text, line, lines, &u.name)) {
                    *diagnostic = diagnostic.clone().at(&text, l, column);
                }
            }
        }
    }
}

/// The first place, from line `from` on for `lines` lines, where `name`
/// stands as a whole word (after a `.` or a space): (line, column), from 1.
fn find_name(text: &str, from: usize, lines: usize, name: &str) -> Option<(usize, usize)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    for (i, line) in text.lines().enumerate().skip(from - 1).take(lines) {
        let mut start = 0;
        while let Some(found) = line[start..].find(name) {
            let at = start + found;
            let before = line[..at].chars().next_back();
            let after = line[at + name.len()..].chars().next();
            if before.is_none_or(|c| !is_word(c)) && after.is_none_or(|c| !is_word(c)) {
                return Some((i + 1, line[..at].chars().count() + 1));
            }
            start = at + name.len();
        }
    }
    None
}
