//! `bulletin.yaml` → [`Definition`]: the file's structure against its
//! schema first (every unknown key, missing key and wrong type at once),
//! then what a schema cannot say — formulas that parse and read known
//! figures of the right kind, rules that exist, no figure that depends on
//! itself, selections sorted by figures that exist — each at its line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod charts;
mod sections;
mod sheet;
mod templates;

use super::expr::{self, Expr, Function, Op};
use super::raw::{self, DefinitionFile, Limit, ParamKind, Ties, Within};
use super::{
    Amount, Definition, Derived, Formula, GroupDef, Loaded, Location, Measure, Office, Param, ParamValue, RuleRef,
    Scope, ScopeKey, Selection, SortBy, SortKey, Source, FIGURES_FILE, FILE_NAME,
};
use crate::diag::{closest, Diagnostic};
use crate::number::{Decimal, FigureRule, Ratio, Rounding, Style, MAX_SCALE};
use crate::source::file::{SourceFile, Validator};
use crate::source::locate::Segment;
use crate::source::schema::FileKind;

/// Names a formula reads with a meaning of their own.
const RESERVED: [&str; 7] = ["office", "params", "units", "group", "and", "or", "not"];

pub(super) fn check_bytes(path: &Path, bytes: &[u8]) -> Loaded {
    let mut v = Validator::default();
    let definition = v.decode(path.to_owned(), bytes).and_then(|file| {
        let raw: DefinitionFile = v.parse_against(&file, FileKind::Definition.schema(), FILE_NAME)?;
        let mut checker = Checker {
            v: &mut v,
            file: &file,
            names: BTreeMap::new(),
            param_kinds: BTreeMap::new(),
            channel_names: Vec::new(),
            compares: false,
            labels: BTreeMap::new(),
            selection_scopes: BTreeMap::new(),
            ranks: BTreeSet::new(),
            built: BTreeMap::new(),
        };
        checker.definition(raw, bytes)
    });
    let mut diagnostics = v.diagnostics;
    diagnostics.sort_by_key(Diagnostic::sort_key);
    let definition = definition.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    Loaded { definition, diagnostics }
}

fn path(parts: &[&str]) -> Vec<Segment> {
    parts.iter().map(|p| Segment::Key((*p).to_owned())).collect()
}

/// What a name in a formula stands for.
#[derive(Clone, Debug, PartialEq)]
enum Entry {
    Measure(raw::MeasureKind, bool),
    Derived,
}

/// The type of a formula's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Number,
    Bool,
    /// A text measure or a text in quotes: only compared for (in)equality.
    Text,
    /// A part that already has an error: no further complaint about it.
    Broken,
}

struct Checker<'a> {
    v: &'a mut Validator,
    file: &'a SourceFile,
    /// Every measure and derived figure by scope, gathered before any
    /// formula is read so that formulas may name figures declared later.
    names: BTreeMap<ScopeKey, BTreeMap<String, Entry>>,
    param_kinds: BTreeMap<String, ParamKind>,
    channel_names: Vec<String>,
    /// Every figure's Chinese label, by scope and name.
    labels: BTreeMap<(ScopeKey, String), String>,
    /// What each selection picks: units, or a list's items.
    selection_scopes: BTreeMap<String, ScopeKey>,
    /// The units' derived figures that are ranks (a sheet's `tied.rank`).
    ranks: BTreeSet<String>,
    /// The figures as checked, by scope, while the sections are checked
    /// (a chart reads its scale from them); empty before and after.
    built: BTreeMap<ScopeKey, Scope>,
    /// The definition compares with the archive (`compare:`): members
    /// offer `yoy` and `mom` to the templates.
    compares: bool,
}

/// What a formula is being read for, and where it sits.
struct Place<'p> {
    scope: &'p ScopeKey,
    path: Vec<Segment>,
    /// The character offset at which the formula starts in its value
    /// (after ` desc`-style words are split off, still 0).
    offset: usize,
}

impl Checker<'_> {
    fn error(&mut self, path: &[Segment], message: String) -> &mut Diagnostic {
        self.v.error(self.file, path, None, message)
    }

    fn error_at_key(&mut self, path: &[Segment], message: String) -> &mut Diagnostic {
        let diagnostic = Diagnostic::error(&self.file.path, message).at_key(&self.file.text, path, None);
        self.v.diagnostics.push(diagnostic);
        self.v.diagnostics.last_mut().expect("just pushed")
    }

    /// An error at character `at` of the formula whose value is at `path`.
    fn formula_error(&mut self, place: &Place, at: usize, message: String, hint: Option<String>) {
        let text = self.file.text.clone();
        let diagnostic = self.error(&place.path, message);
        if let (Some(line), Some(column)) = (diagnostic.line, diagnostic.column) {
            let quoted = text
                .lines()
                .nth(line - 1)
                .and_then(|l| l.chars().nth(column - 1))
                .is_some_and(|c| c == '"' || c == '\'');
            let column = column + usize::from(quoted) + place.offset + at;
            *diagnostic = diagnostic.clone().at(&text, line, column);
        }
        if let Some(hint) = hint {
            diagnostic.hint = Some(hint);
        }
    }

    fn definition(&mut self, raw: DefinitionFile, bytes: &[u8]) -> Option<Definition> {
        let office = self.office(&raw.office);
        let channels = self.channels(&raw.channels);
        let rules = self.rules(&raw.rules);
        let groups = self.groups(&raw);
        let params = self.params(&raw.params, &groups);
        self.param_kinds = params.iter().map(|(k, p)| (k.clone(), p.kind)).collect();
        self.channel_names = channels.iter().map(|(k, _)| k.clone()).collect();
        self.compares = raw.compare.is_some();
        let raw_scopes = raw_scopes(&raw);
        self.gather(&raw_scopes);

        let mut scopes = BTreeMap::new();
        let mut deps: BTreeMap<(ScopeKey, String), Vec<(ScopeKey, String)>> = BTreeMap::new();
        let ctx = Context { rules: &rules, channels: &channels, groups: &groups };
        for name in raw.lists.keys() {
            self.plain_key(&["lists", name], name);
        }
        for s in &raw_scopes {
            let scope = self.scope(&ctx, &s.key, s.measures, &s.measures_at, s.derived, &s.derived_at, &mut deps);
            scopes.insert(s.key.clone(), scope);
        }
        let lists = raw.lists.iter().map(|(name, list)| (name.clone(), list.label.clone())).collect();
        let unnamed = raw.lists.iter().filter(|(_, list)| !list.named).map(|(name, _)| name.clone()).collect();
        let (office_at, list_at) = self.locations(&raw);
        let order = self.order(&deps);
        let selections = raw
            .selections
            .iter()
            .filter_map(|(name, s)| Some((name.clone(), self.selection(&ctx, name, s)?)))
            .collect();
        let checks = raw.checks.iter().filter_map(|(name, c)| self.check(name, c)).collect();
        self.selection_scopes = raw
            .selections
            .iter()
            .map(|(name, s)| {
                let list = ScopeKey::List(s.from.clone());
                (name.clone(), if self.names.contains_key(&list) { list } else { ScopeKey::Unit })
            })
            .collect();
        // Lent to the sections' checks (a chart's scale), then taken back.
        self.built = scopes;
        let sections = self.sections(&ctx, &raw.sections, &raw.selections, &mut Vec::new(), 0);
        let compare = raw.compare.as_ref().map(|c| match &c.rule {
            Some(text) => {
                self.rule_ref(&ctx, &["compare"], text).unwrap_or(RuleRef::Inline(crate::definition::COMPARE_RULE))
            }
            None => RuleRef::Inline(crate::definition::COMPARE_RULE),
        });
        let numbering = raw.numbering.as_ref().and_then(|n| match crate::month::types::parse_period(&n.from) {
            Some(from) => Some((from, n.first)),
            None => {
                self.error(&path(&["numbering", "from"]), format!("`{}` is not a month", n.from)).hint =
                    Some("write the month of the first issue counted as YYYY-MM, e.g. 2017-01".into());
                None
            }
        });
        let mut periods = BTreeMap::new();
        for (kind, period) in &raw.periods {
            let mut at = vec![Segment::Key("periods".into()), Segment::Key(kind.clone())];
            if !crate::definition::PERIOD_KINDS.contains(&kind.as_str()) {
                let hint = match closest(kind, crate::definition::PERIOD_KINDS) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("a period is one of {}", crate::definition::PERIOD_KINDS.join(", ")),
                };
                self.error_at_key(&at, format!("`{kind}` is not a kind of period")).hint = Some(hint);
                continue;
            }
            for (key, source) in [("title", &period.title), ("subtitle", &period.subtitle)] {
                if let Some(source) = source {
                    let mut place = at.clone();
                    place.push(Segment::Key(key.into()));
                    if self.template(&place, source) {
                        self.probe(&place, source);
                    }
                }
            }
            let sections = self.sections(&ctx, &period.sections, &raw.selections, &mut at, 0);
            let def = crate::definition::PeriodDef {
                title: period.title.clone(),
                subtitle: period.subtitle.clone().filter(|t| !t.trim().is_empty()),
                sections,
                allow_missing: period.allow_missing,
            };
            periods.insert(kind.clone(), def);
        }
        let scopes = std::mem::take(&mut self.built);
        if let Some(units) = scopes.get(&ScopeKey::Unit) {
            self.ranks = units
                .derived
                .iter()
                .filter(|(_, d)| matches!(d.formula, Formula::Rank { .. }))
                .map(|(name, _)| name.clone())
                .collect();
        }
        let sheet = self.sheet(raw.sheet.as_ref(), &scopes);
        for key in ["title", "subtitle"] {
            let source =
                office.as_ref().and_then(|o| if key == "title" { o.title.clone() } else { o.subtitle.clone() });
            if let Some(source) = source {
                let at = path(&["office", key]);
                if self.template(&at, &source) {
                    self.probe(&at, &source);
                }
            }
        }
        Some(Definition {
            path: self.file.path.clone(),
            source: bytes.to_vec(),
            office: office?,
            channels,
            rules,
            params,
            scopes,
            lists,
            unnamed,
            office_at,
            list_at,
            groups,
            selections,
            order,
            checks,
            sections,
            sheet,
            periods,
            compare,
            numbering,
        })
    }

    fn office(&mut self, office: &raw::OfficeFile) -> Option<Office> {
        let mut seen = BTreeSet::new();
        for (i, field) in office.signoff.iter().enumerate() {
            if !seen.insert(*field) {
                let mut at = path(&["office", "signoff"]);
                at.push(Segment::Index(i));
                self.error(&at, format!("`{}` is named twice", signoff_name(*field))).hint =
                    Some("name each sign-off field once".into());
            }
        }
        for (key, value) in [("name", &office.name), ("district", &office.district), ("city", &office.city)] {
            if value.trim().is_empty() {
                self.error(&path(&["office", key]), format!("office.{key} is empty"));
            }
        }
        Some(Office {
            name: office.name.clone(),
            district: office.district.clone(),
            city: office.city.clone(),
            main_to: office.main_to.clone().filter(|m| !m.trim().is_empty()),
            title: office.title.clone(),
            subtitle: office.subtitle.clone().filter(|t| !t.trim().is_empty()),
            signoff: office.signoff.clone(),
        })
    }

    /// A key that formulas name must be a plain lowercase identifier.
    fn plain_key(&mut self, at: &[&str], key: &str) -> bool {
        let plain = key.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain {
            self.error_at_key(&path(at), format!("`{key}` cannot be a name here")).hint =
                Some("names are lowercase letters, digits and _, starting with a letter: on_time_rate".into());
            return false;
        }
        if RESERVED.contains(&key) {
            self.error_at_key(&path(at), format!("`{key}` is a reserved word in formulas")).hint =
                Some(format!("choose another name; reserved are {}", RESERVED.join(", ")));
            return false;
        }
        true
    }

    fn channels(&mut self, channels: &BTreeMap<String, String>) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (key, label) in channels {
            if self.plain_key(&["channels", key], key) {
                out.push((key.clone(), label.clone()));
            }
        }
        out
    }

    fn rules(&mut self, rules: &BTreeMap<String, String>) -> BTreeMap<String, FigureRule> {
        let mut out = BTreeMap::new();
        for (name, text) in rules {
            self.plain_key(&["rules", name], name);
            match parse_rule(text) {
                Ok(rule) => {
                    out.insert(name.clone(), rule);
                }
                Err((message, hint)) => {
                    self.error(&path(&["rules", name]), message).hint = Some(hint);
                    // Named all the same, so that the figures that use it
                    // are not also told there is no such rule.
                    out.insert(name.clone(), super::DEFAULT_RULE);
                }
            }
        }
        out
    }

    fn groups(&mut self, raw: &DefinitionFile) -> Vec<GroupDef> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (i, group) in raw.groups.iter().enumerate() {
            let at = vec![Segment::Key("groups".into()), Segment::Index(i)];
            if group.name.trim().is_empty() {
                let mut name_at = at.clone();
                name_at.push(Segment::Key("name".into()));
                self.error(&name_at, "a group needs a name".into());
                continue;
            }
            if !seen.insert(group.name.clone()) {
                let mut name_at = at.clone();
                name_at.push(Segment::Key("name".into()));
                self.error(&name_at, format!("the group `{}` is declared twice", group.name));
                continue;
            }
            if let Some(measures) = &group.measures {
                for (j, measure) in measures.iter().enumerate() {
                    if !raw.measures.unit.contains_key(measure) {
                        let mut m_at = at.clone();
                        m_at.extend([Segment::Key("measures".into()), Segment::Index(j)]);
                        let hint = unknown_hint(measure, raw.measures.unit.keys().map(String::as_str), "measures.unit");
                        self.error(&m_at, format!("`{measure}` is not a unit measure")).hint = Some(hint);
                    }
                }
            }
            out.push(GroupDef { name: group.name.clone(), measures: group.measures.clone() });
        }
        out
    }

    fn params(&mut self, params: &BTreeMap<String, raw::ParamFile>, groups: &[GroupDef]) -> BTreeMap<String, Param> {
        let mut out = BTreeMap::new();
        for (name, param) in params {
            self.plain_key(&["params", name], name);
            let at = path(&["params", name, "value"]);
            let value = match param.kind {
                ParamKind::Groups => match param.value.as_array() {
                    Some(items) => {
                        let mut names = Vec::new();
                        for (i, item) in items.iter().enumerate() {
                            let mut item_at = at.clone();
                            item_at.push(Segment::Index(i));
                            match item.as_str() {
                                Some(group) if groups.iter().any(|g| g.name == group) => names.push(group.to_owned()),
                                Some(group) => {
                                    let hint = unknown_hint(group, groups.iter().map(|g| g.name.as_str()), "groups");
                                    self.error(&item_at, format!("`{group}` is not a group")).hint = Some(hint);
                                }
                                None => {
                                    self.error(&item_at, "a group name is expected".into());
                                }
                            }
                        }
                        Some(ParamValue::Groups(names))
                    }
                    None => {
                        self.error(&at, "a list of group names is expected, e.g. [区直部门, 街道]".into());
                        None
                    }
                },
                kind => {
                    let number = match &param.value {
                        serde_json::Value::Number(n) => Decimal::parse(&n.to_string()),
                        _ => None,
                    };
                    match number {
                        Some(n)
                            if kind == ParamKind::Count
                                && (n.is_negative() || n != n.rescale(0, Rounding::Truncate)) =>
                        {
                            self.error(&at, format!("a count is a whole number, not {n}"));
                            None
                        }
                        Some(n) => Some(ParamValue::Number(n)),
                        None => {
                            self.error(&at, format!("a number is expected, not {}", param.value)).hint =
                                Some("write it plainly: 70, 97 or 99.5".into());
                            None
                        }
                    }
                }
            };
            let min = param.min.as_ref().and_then(|n| {
                let parsed = Decimal::parse(&n.to_string());
                if parsed.is_none() || param.kind == ParamKind::Groups {
                    self.error(&path(&["params", name, "min"]), "a least value belongs to a number".into());
                }
                parsed
            });
            if let (Some(ParamValue::Number(n)), Some(least)) = (&value, min) {
                if *n < least {
                    self.error(&at, format!("{n} is below the parameter's least value, {least}"));
                }
            }
            if let Some(value) = value {
                out.insert(name.clone(), Param { label: param.label.clone(), kind: param.kind, value, min });
            }
        }
        out
    }

    /// Gathers every figure's name by scope, and reports a name given twice
    /// in one scope (as a measure and as a derived figure).
    fn gather(&mut self, scopes: &[RawScope]) {
        for scope in scopes {
            let mut entries = BTreeMap::new();
            for (name, m) in scope.measures {
                entries.insert(name.clone(), Entry::Measure(m.kind, m.by.is_some()));
                self.labels.insert((scope.key.clone(), name.clone()), m.label.clone());
            }
            for (name, d) in scope.derived {
                self.labels.entry((scope.key.clone(), name.clone())).or_insert_with(|| d.label.clone());
                if entries.contains_key(name) {
                    let at: Vec<&str> = scope.derived_at.iter().copied().chain([name.as_str()]).collect();
                    self.error_at_key(
                        &path(&at),
                        format!("`{name}` is both a measure and a derived figure of {}", scope.key.name()),
                    )
                    .hint = Some("give the derived figure another name".into());
                    continue;
                }
                entries.insert(name.clone(), Entry::Derived);
            }
            let key = scope.key.clone();
            self.names.insert(key, entries);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scope(
        &mut self,
        ctx: &Context,
        key: &ScopeKey,
        measures: &BTreeMap<String, raw::MeasureFile>,
        measure_base: &[&str],
        derived: &BTreeMap<String, raw::DerivedFile>,
        derived_base: &[&str],
        deps: &mut BTreeMap<(ScopeKey, String), Vec<(ScopeKey, String)>>,
    ) -> Scope {
        let mut scope = Scope::default();
        for (name, m) in measures {
            let at: Vec<&str> = measure_base.iter().copied().chain([name.as_str()]).collect();
            self.plain_key(&at, name);
            let rule = m.rule.as_ref().and_then(|text| self.rule_ref(ctx, &at, text));
            let by_at: Vec<&str> = at.iter().copied().chain(["by"]).collect();
            let by_channels = match m.by.as_deref() {
                None => false,
                Some("channels") if ctx.channels.is_empty() => {
                    self.error(&path(&by_at), format!("`{name}` is split by channels, but the definition has none"))
                        .hint = Some("declare them under channels:, e.g. hotline: 12345热线, or drop `by`".into());
                    false
                }
                Some("channels") => true,
                Some(other) => {
                    self.error(&path(&by_at), format!("a measure can be split by `channels`, not by `{other}`"));
                    false
                }
            };
            if by_channels && m.kind != raw::MeasureKind::Count {
                self.error(&path(&by_at), format!("only counts split by channel; `{name}` is not a count"));
            }
            let aggregate = m.aggregate.unwrap_or(raw::Aggregate::default_for(m.kind));
            if m.kind.is_text() && aggregate != raw::Aggregate::Last {
                let at: Vec<&str> = at.iter().copied().chain(["aggregate"]).collect();
                self.error(
                    &path(&at),
                    format!("`{name}` is text: its months aggregate by `last`, not `{}`", aggregate.name()),
                )
                .hint = Some("drop `aggregate`: a longer period shows the text of its last month".into());
            } else if m.kind == raw::MeasureKind::Percent && aggregate == raw::Aggregate::Sum {
                let at: Vec<&str> = at.iter().copied().chain(["aggregate"]).collect();
                self.error(&path(&at), format!("`{name}` is a percentage: months' percentages do not add up"))
                    .hint = Some(
                    "type the counts it is made of and derive it (`percent: part / whole`): a period recomputes it \
                     from the summed counts; or aggregate by mean, last, min or max"
                        .into(),
                );
            }
            scope.measures.insert(
                name.clone(),
                Measure { label: m.label.clone(), kind: m.kind, rule, required: m.required, by_channels, aggregate },
            );
        }
        // The order the office wrote them in: new months list them so.
        let line = |base: &[&str], name: &String| {
            let at: Vec<&str> = base.iter().copied().chain([name.as_str()]).collect();
            crate::source::locate::locate(&self.file.text, &path(&at)).map_or(usize::MAX, |p| p.line)
        };
        let mut order: Vec<&String> = measures.keys().collect();
        order.sort_by_key(|name| line(measure_base, name));
        scope.order = order.into_iter().cloned().collect();
        let mut order: Vec<&String> = derived.keys().collect();
        order.sort_by_key(|name| line(derived_base, name));
        scope.derived_order = order.into_iter().cloned().collect();
        for (name, d) in derived {
            let at: Vec<&str> = derived_base.iter().copied().chain([name.as_str()]).collect();
            if !self.plain_key(&at, name) {
                continue;
            }
            let mut reads = Vec::new();
            if let Some(figure) = self.derived(ctx, key, &at, d, &mut reads) {
                scope.derived.insert(name.clone(), figure);
            }
            deps.insert((key.clone(), name.clone()), reads);
        }
        scope
    }

    /// Where the month's files hold each office figure and each list
    /// (`at:`, else figures.yaml under the name): each a file of the month
    /// folder and plain keys, no two at one place or one inside another.
    fn locations(&mut self, raw: &DefinitionFile) -> (BTreeMap<String, Location>, BTreeMap<String, Location>) {
        let mut office = BTreeMap::new();
        let mut lists = BTreeMap::new();
        // What is placed where, for the collisions: (location, what, its `at` path).
        let mut taken: Vec<(Location, String, Vec<String>)> = Vec::new();
        let mut place = |this: &mut Self, name: &str, written: Option<&str>, at: Vec<&str>, what: String| {
            let location = match written {
                None => Location { file: FIGURES_FILE.to_owned(), keys: vec![name.to_owned()] },
                Some(text) => {
                    let at_path: Vec<&str> = at.iter().copied().chain(["at"]).collect();
                    this.location(&at_path, text)?
                }
            };
            let at_owned: Vec<String> = at.iter().map(|s| (*s).to_owned()).chain(["at".to_owned()]).collect();
            for (other, other_what, _) in &taken {
                let (short, long) =
                    if other.keys.len() <= location.keys.len() { (other, &location) } else { (&location, other) };
                if other.file == location.file && long.keys.starts_with(&short.keys) {
                    let message = if other.keys == location.keys {
                        format!("{what} is placed at `{location}`, where {other_what} is already")
                    } else {
                        format!("{what} at `{location}` and {other_what} at `{other}`: one is inside the other")
                    };
                    let at: Vec<&str> = at_owned.iter().map(String::as_str).collect();
                    this.error(&path(&at), message).hint =
                        Some("give each figure and list a place of its own, e.g. `tickets.yaml topic.tickets`".into());
                    return None;
                }
            }
            taken.push((location.clone(), what, at_owned));
            Some(location)
        };
        for (name, m) in &raw.measures.office {
            let what = format!("`{name}` ({})", m.label);
            if let Some(location) = place(self, name, m.at.as_deref(), vec!["measures", "office", name], what) {
                office.insert(name.clone(), location);
            }
        }
        for (name, d) in raw.derived.office.iter().filter(|(_, d)| d.published) {
            let what = format!("`{name}` ({})", d.label);
            if let Some(location) = place(self, name, None, vec!["derived", "office", name], what) {
                office.insert(name.clone(), location);
            }
        }
        for (name, list) in &raw.lists {
            let what = format!("the list `{name}` ({})", list.label);
            if let Some(location) = place(self, name, list.at.as_deref(), vec!["lists", name], what) {
                lists.insert(name.clone(), location);
            }
        }
        // Only the office's figures and the lists have a place: a unit's
        // figures are in its entry of units.yaml, an item's in the item.
        let mut misplaced: Vec<(Vec<String>, String)> = raw
            .measures
            .unit
            .iter()
            .filter(|(_, m)| m.at.is_some())
            .map(|(name, _)| {
                (
                    vec!["measures".into(), "unit".into(), name.clone(), "at".into()],
                    "units.yaml, in each unit's entry".into(),
                )
            })
            .collect();
        for (list, l) in &raw.lists {
            for (name, _) in l.measures.iter().filter(|(_, m)| m.at.is_some()) {
                let at = vec!["lists".into(), list.clone(), "measures".into(), name.clone(), "at".into()];
                misplaced.push((at, format!("each item of the list `{list}`")));
            }
        }
        for (at, home) in misplaced {
            let at: Vec<&str> = at.iter().map(String::as_str).collect();
            self.error(
                &path(&at),
                format!("only the office's figures and the lists are placed with `at`; this one is in {home}"),
            )
            .hint = Some("remove `at`, or place the list that holds it".into());
        }
        (office, lists)
    }

    /// `tickets.yaml topic.tickets`: a YAML file of the month folder (not
    /// units.yaml), then the keys down to the figure; the file alone places
    /// it at the top, under its name.
    fn location(&mut self, at: &[&str], text: &str) -> Option<Location> {
        let mut words = text.split_whitespace();
        let file = words.next().unwrap_or_default();
        let keys: Vec<String> = match words.next() {
            Some(keys) => keys.split('.').map(str::to_owned).collect(),
            None => vec![at[at.len() - 2].to_owned()],
        };
        let plain = |k: &str| {
            k.starts_with(|c: char| c.is_ascii_lowercase())
                && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        let hint = "write the file and the keys to the figure, each key lowercase letters, digits and `_`, e.g. \
                    `tickets.yaml topic.tickets` (or the file alone: `tickets.yaml`)";
        if words.next().is_some() || !keys.iter().all(|k| plain(k)) {
            self.error(&path(at), format!("`{text}` is not a place in a month file")).hint = Some(hint.into());
            return None;
        }
        let plain_file = file
            .strip_suffix(".yaml")
            .is_some_and(|stem| !stem.is_empty() && stem.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'));
        if !plain_file {
            self.error(&path(at), format!("`{file}` is not a YAML file of the month folder")).hint = Some(hint.into());
            return None;
        }
        if file == "units.yaml" {
            self.error(&path(at), "units.yaml holds the units by group, not the office's figures".into()).hint =
                Some("place it in another file, e.g. figures.yaml".into());
            return None;
        }
        const MONTH_KEYS: [&str; 6] = ["period", "title", "definition", "signoff", "rules", "acknowledge"];
        if file == "month.yaml" && MONTH_KEYS.contains(&keys[0].as_str()) {
            self.error(&path(at), format!("`{}` of month.yaml is the issue's own", keys[0])).hint =
                Some(format!("month.yaml keeps {} for the issue; use another key", MONTH_KEYS.join(", ")));
            return None;
        }
        Some(Location { file: file.to_owned(), keys })
    }

    fn rule_ref(&mut self, ctx: &Context, at: &[&str], text: &str) -> Option<RuleRef> {
        let rule_at: Vec<&str> = at.iter().copied().chain(["rule"]).collect();
        if ctx.rules.contains_key(text) {
            return Some(RuleRef::Named(text.to_owned()));
        }
        match parse_rule(text) {
            Ok(rule) => Some(RuleRef::Inline(rule)),
            Err(_) if !text.contains(' ') => {
                let hint = unknown_hint(text, ctx.rules.keys().map(String::as_str), "rules");
                self.error(&path(&rule_at), format!("there is no rule `{text}`")).hint =
                    Some(format!("{hint}; a rule may also be written in place: half_up 2"));
                None
            }
            Err((message, hint)) => {
                self.error(&path(&rule_at), message).hint = Some(hint);
                None
            }
        }
    }

    fn derived(
        &mut self,
        ctx: &Context,
        scope: &ScopeKey,
        at: &[&str],
        d: &raw::DerivedFile,
        reads: &mut Vec<(ScopeKey, String)>,
    ) -> Option<Derived> {
        let given: Vec<&str> = [("value", &d.value), ("percent", &d.percent), ("rank", &d.rank), ("grade", &d.grade)]
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| *k)
            .collect();
        if given.len() != 1 {
            let message = if given.is_empty() {
                "a derived figure needs a formula: `value`, `percent`, `rank` or `grade`".to_owned()
            } else {
                format!(
                    "a derived figure has one formula, not {}",
                    given.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(" and ")
                )
            };
            self.error_at_key(&path(at), message);
            return None;
        }
        // The rule first, so that a misspelt rule is reported beside a
        // formula's own problems.
        let rule = match &d.rule {
            Some(text) => Some(self.rule_ref(ctx, at, text)),
            None => Some(Some(RuleRef::Inline(super::DEFAULT_RULE))),
        };
        let kind = given[0];
        let formula_at: Vec<&str> = at.iter().copied().chain([kind]).collect();
        let text =
            d.value.as_ref().or(d.percent.as_ref()).or(d.rank.as_ref()).or(d.grade.as_ref()).expect("one is given");
        if d.bands.is_some() && kind != "grade" {
            let b: Vec<&str> = at.iter().copied().chain(["bands"]).collect();
            self.error(&path(&b), "`bands` belong to a grade".into()).hint =
                Some("write `grade: score` beside them: the figure the bands grade".into());
        }
        if d.within.is_some() && kind != "rank" {
            let w: Vec<&str> = at.iter().copied().chain(["within"]).collect();
            self.error(&path(&w), "`within` belongs to a rank".into());
        }
        if d.published && kind == "rank" {
            let p: Vec<&str> = at.iter().copied().chain(["published"]).collect();
            self.error(&path(&p), "a rank is never typed as published: the tool ranks".into());
        }
        if d.published && kind == "grade" {
            let p: Vec<&str> = at.iter().copied().chain(["published"]).collect();
            self.error(&path(&p), "a grade is never typed as published: the tool grades by its bands".into());
        }
        let formula = match kind {
            "rank" => {
                let (key_text, desc) = split_direction(text);
                let place = Place { scope, path: path(&formula_at), offset: 0 };
                let Some((key_text, desc)) = key_text.zip(desc) else {
                    self.formula_error(
                        &place,
                        0,
                        format!("a rank needs a direction: `{text} desc` (highest first) or `{text} asc`"),
                        None,
                    );
                    return None;
                };
                if *scope == ScopeKey::Office {
                    self.error(&path(&formula_at), "the office is one figure: it has nothing to rank among".into())
                        .hint = Some("rank units (derived.unit) or the items of a list".into());
                    return None;
                }
                let key = self.formula(&place, key_text, Ty::Number, reads)?;
                let within_group = d.within == Some(Within::Group);
                if within_group && *scope != ScopeKey::Unit {
                    let w: Vec<&str> = at.iter().copied().chain(["within"]).collect();
                    self.error(&path(&w), "only units rank within their group".into());
                }
                Formula::Rank { key, desc, within_group }
            }
            "grade" => {
                let place = Place { scope, path: path(&formula_at), offset: 0 };
                let key = self.formula(&place, text, Ty::Number, reads);
                let bands_at: Vec<&str> = at.iter().copied().chain(["bands"]).collect();
                let bands = self.bands(scope, &bands_at, d.bands.as_deref(), reads);
                Formula::Grade { key: key?, bands: bands? }
            }
            _ => {
                let place = Place { scope, path: path(&formula_at), offset: 0 };
                let e = self.formula(&place, text, Ty::Number, reads)?;
                if kind == "percent" {
                    Formula::Percent(e)
                } else {
                    Formula::Value(e)
                }
            }
        };
        Some(Derived {
            label: d.label.clone(),
            formula,
            rule: rule.flatten()?,
            zero: d.zero.clone().unwrap_or_else(|| "—".to_owned()),
            published: d.published,
        })
    }

    /// A grade's bands, highest first: "A 90" (A from 90), the last maybe a
    /// name alone (the rest); two at least, names once each, literal
    /// thresholds falling.
    fn bands(
        &mut self,
        scope: &ScopeKey,
        at: &[&str],
        bands: Option<&[String]>,
        reads: &mut Vec<(ScopeKey, String)>,
    ) -> Option<Vec<super::Band>> {
        let Some(bands) = bands else {
            self.error_at_key(&path(&at[..at.len() - 1]), "a grade needs its `bands`".into()).hint =
                Some("e.g. `bands: [A 90, B 80, C 60, D]`: A from 90, B from 80, …, D below".into());
            return None;
        };
        if bands.len() < 2 {
            self.error(&path(at), "a grade needs two bands at least".into()).hint =
                Some("e.g. `bands: [合格 60, 不合格]`".into());
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        let mut last: Option<Ratio> = None;
        for (i, band) in bands.iter().enumerate() {
            let mut band_at = path(at);
            band_at.push(Segment::Index(i));
            let (name, from) = match band.trim().split_once(char::is_whitespace) {
                Some((name, from)) => (name.to_owned(), Some(from.trim())),
                None => (band.trim().to_owned(), None),
            };
            if name.is_empty() {
                self.error(&band_at, "a band needs a name".into()).hint = Some("write it as `A 90`".into());
                ok = false;
                continue;
            }
            if out.iter().any(|b: &super::Band| b.name == name) {
                self.error(&band_at, format!("`{name}` is named twice")).hint = Some("name each band once".into());
                ok = false;
            }
            let is_last = i + 1 == bands.len();
            if from.is_none() && !is_last {
                self.error(&band_at, format!("`{name}` has no lower bound, and bands follow it")).hint =
                    Some("only the last band may take the rest: `B 80`".into());
                ok = false;
            }
            let from = match from {
                Some(text) => {
                    let place = Place { scope, path: band_at.clone(), offset: name.chars().count() + 1 };
                    let e = self.formula(&place, text, Ty::Number, reads);
                    if let Some(Expr::Number(value)) = &e {
                        if last.is_some_and(|above| *value >= above) {
                            self.error(&band_at, format!("`{band}` is not below the band above it")).hint =
                                Some("list the bands from the highest down: [A 90, B 80, C 60, D]".into());
                            ok = false;
                        }
                        last = Some(*value);
                    }
                    ok &= e.is_some();
                    e
                }
                None => None,
            };
            out.push(super::Band { name, from });
        }
        ok.then_some(out)
    }

    /// Parses and types a formula read in `scope`; the derived figures it
    /// reads are added to `reads`.
    fn formula(&mut self, place: &Place, text: &str, want: Ty, reads: &mut Vec<(ScopeKey, String)>) -> Option<Expr> {
        let e = match expr::parse(text) {
            Ok(e) => e,
            Err(err) => {
                self.formula_error(place, err.at, err.message, err.hint);
                return None;
            }
        };
        let before = self.v.diagnostics.len();
        let ty = self.type_of(place, place.scope, &e, reads);
        if self.v.diagnostics.len() > before {
            return None;
        }
        if ty != want && ty != Ty::Broken {
            let message = match (want, ty) {
                (Ty::Bool, _) => "a condition is expected here (a comparison such as signed >= 30)".to_owned(),
                (_, Ty::Text) => "a number is expected here, but this is a text".to_owned(),
                _ => "a number is expected here, but this is a condition".to_owned(),
            };
            self.formula_error(place, 0, message, None);
            return None;
        }
        Some(e)
    }

    fn type_of(&mut self, place: &Place, scope: &ScopeKey, e: &Expr, reads: &mut Vec<(ScopeKey, String)>) -> Ty {
        match e {
            Expr::Number(_) => Ty::Number,
            Expr::Text(_) => Ty::Text,
            Expr::Name { path, at } => self.name(place, scope, path, *at, reads),
            Expr::Neg(inner) => self.expect(place, scope, inner, Ty::Number, reads),
            Expr::Not(inner) => self.expect(place, scope, inner, Ty::Bool, reads).and_bool(),
            Expr::Binary { op: op @ (Op::Eq | Op::Ne), left, right }
                if self.is_text(scope, left) || self.is_text(scope, right) =>
            {
                let l = self.type_of(place, scope, left, reads);
                let r = self.type_of(place, scope, right, reads);
                match (l, r) {
                    (Ty::Broken, _) | (_, Ty::Broken) => Ty::Broken,
                    (Ty::Text, Ty::Text) => Ty::Bool,
                    _ => {
                        let side = if l == Ty::Text { right } else { left };
                        self.formula_error(
                            place,
                            first_offset(side),
                            format!("`{}` compares a text with something that is not one", op.symbol()),
                            Some("compare a text measure with a text in quotes: grade == 'A'".into()),
                        );
                        Ty::Broken
                    }
                }
            }
            Expr::Binary { op, left, right } => {
                let operand = if op.is_logical() { Ty::Bool } else { Ty::Number };
                let l = self.expect(place, scope, left, operand, reads);
                let r = self.expect(place, scope, right, operand, reads);
                if l == Ty::Broken || r == Ty::Broken {
                    Ty::Broken
                } else if op.is_comparison() || op.is_logical() {
                    Ty::Bool
                } else {
                    Ty::Number
                }
            }
            Expr::Call { function, args, at } => {
                if function.aggregates() {
                    let collection = match &args[0] {
                        Expr::Name { path, .. } if path.len() == 1 => self.collection(&path[0]),
                        _ => None,
                    };
                    let Some(inner) = collection else {
                        let known = self.collections().join(", ");
                        self.formula_error(
                            place,
                            *at,
                            format!("the first argument of `{}` names what it runs over", function.name()),
                            Some(format!("write {}, the collection one of {known}", function.usage())),
                        );
                        return Ty::Broken;
                    };
                    let want = if *function == Function::Count { Ty::Bool } else { Ty::Number };
                    match self.expect(place, &inner, &args[1], want, reads) {
                        Ty::Broken => Ty::Broken,
                        _ => Ty::Number,
                    }
                } else {
                    let a = self.expect(place, scope, &args[0], Ty::Number, reads);
                    let b = self.expect(place, scope, &args[1], Ty::Number, reads);
                    if a == Ty::Broken || b == Ty::Broken {
                        Ty::Broken
                    } else {
                        Ty::Number
                    }
                }
            }
        }
    }

    fn expect(
        &mut self,
        place: &Place,
        scope: &ScopeKey,
        e: &Expr,
        want: Ty,
        reads: &mut Vec<(ScopeKey, String)>,
    ) -> Ty {
        let ty = self.type_of(place, scope, e, reads);
        if ty == Ty::Broken || ty == want {
            return ty;
        }
        let at = first_offset(e);
        if ty == Ty::Text {
            let message = match e {
                Expr::Name { path, .. } => format!("`{}` is text and cannot be computed with", path.join(".")),
                _ => "a text cannot be computed with".to_owned(),
            };
            let hint = "a text is only compared: grade == 'A'".to_owned();
            self.formula_error(place, at, message, Some(hint));
            return Ty::Broken;
        }
        let message = match want {
            Ty::Bool => "a condition is expected here (a comparison such as signed >= 30), not a number",
            _ => "a number is expected here, not a condition",
        };
        self.formula_error(place, at, message.to_owned(), None);
        Ty::Broken
    }

    /// Whether `e` is a text in quotes or names a text measure (without
    /// reporting anything: the type check that follows does).
    fn is_text(&self, scope: &ScopeKey, e: &Expr) -> bool {
        match e {
            Expr::Text(_) => true,
            Expr::Name { path, .. } => {
                let (target, figure) = match path.as_slice() {
                    [first, figure] if first == "office" => (ScopeKey::Office, figure),
                    [figure] => (scope.clone(), figure),
                    _ => return false,
                };
                matches!(
                    self.names.get(&target).and_then(|n| n.get(figure)),
                    Some(Entry::Measure(raw::MeasureKind::Text | raw::MeasureKind::Unit, _))
                )
            }
            _ => false,
        }
    }

    fn collections(&self) -> Vec<String> {
        std::iter::once("units".to_owned())
            .chain(self.names.keys().filter_map(|k| match k {
                ScopeKey::List(name) => Some(name.clone()),
                _ => None,
            }))
            .collect()
    }

    fn collection(&self, name: &str) -> Option<ScopeKey> {
        match name {
            "units" => Some(ScopeKey::Unit),
            _ => self.names.contains_key(&ScopeKey::List(name.to_owned())).then(|| ScopeKey::List(name.to_owned())),
        }
    }

    fn name(
        &mut self,
        place: &Place,
        scope: &ScopeKey,
        path: &[String],
        at: usize,
        reads: &mut Vec<(ScopeKey, String)>,
    ) -> Ty {
        let joined = path.join(".");
        let (target, rest): (ScopeKey, &[String]) = match path {
            [first, rest @ ..] if first == "office" => (ScopeKey::Office, rest),
            [first, param] if first == "params" => {
                return match self.param_kind(param) {
                    Some(ParamKind::Groups) => {
                        self.formula_error(
                            place,
                            at,
                            format!("`{joined}` is a list of groups, not a number"),
                            Some("use it as a selection's group_order".into()),
                        );
                        Ty::Broken
                    }
                    Some(_) => Ty::Number,
                    None => {
                        let names = self.param_names();
                        let hint = unknown_hint(param, names.iter().map(String::as_str), "params");
                        self.formula_error(place, at, format!("there is no parameter `{param}`"), Some(hint));
                        Ty::Broken
                    }
                };
            }
            _ => (scope.clone(), path),
        };
        let entries = self.names.get(&target).cloned().unwrap_or_default();
        let figure = rest.first().map(String::as_str).unwrap_or("");
        if figure == crate::derive::engine::NAME && rest.len() == 1 && target != ScopeKey::Office {
            // A unit's or an item's name: a text, compared with `==`/`!=`.
            return Ty::Text;
        }
        let entry = entries.get(figure).cloned();
        let Some(entry) = entry else {
            let hint = match closest(figure, entries.keys().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None if target != *scope => format!("the figures of {} are: {}", target.name(), list(entries.keys())),
                None => format!("the figures here ({}) are: {}", target.name(), list(entries.keys())),
            };
            let message = if rest.is_empty() {
                format!("`{joined}` names no figure")
            } else {
                format!("`{joined}` is not a figure of {}", target.name())
            };
            self.formula_error(place, at, message, Some(hint));
            return Ty::Broken;
        };
        match (&entry, &rest[1..]) {
            (Entry::Measure(raw::MeasureKind::Text | raw::MeasureKind::Unit, _), []) => Ty::Text,
            (_, []) => {
                if entry == Entry::Derived {
                    reads.push((target, figure.to_owned()));
                }
                Ty::Number
            }
            (Entry::Measure(_, true), [channel]) if self.channel_known(channel) => Ty::Number,
            (Entry::Measure(_, true), [channel]) => {
                self.formula_error(place, at, format!("`{channel}` is not a channel of `{figure}`"), None);
                Ty::Broken
            }
            _ => {
                self.formula_error(
                    place,
                    at,
                    format!("`{joined}`: `{figure}` has no parts"),
                    Some("only a measure split by channels has parts: received.hotline".into()),
                );
                Ty::Broken
            }
        }
    }

    fn param_kind(&self, name: &str) -> Option<ParamKind> {
        self.param_kinds.get(name).copied()
    }

    fn param_names(&self) -> Vec<String> {
        self.param_kinds.keys().cloned().collect()
    }

    fn channel_known(&self, channel: &str) -> bool {
        self.channel_names.iter().any(|c| c == channel)
    }

    /// The evaluation order of the derived figures; a figure that reads
    /// itself through others is an error at each figure of the circle.
    fn order(&mut self, deps: &BTreeMap<(ScopeKey, String), Vec<(ScopeKey, String)>>) -> Vec<(ScopeKey, String)> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Open,
            Done,
        }
        fn visit(
            node: &(ScopeKey, String),
            deps: &BTreeMap<(ScopeKey, String), Vec<(ScopeKey, String)>>,
            marks: &mut BTreeMap<(ScopeKey, String), Mark>,
            stack: &mut Vec<(ScopeKey, String)>,
            order: &mut Vec<(ScopeKey, String)>,
            circles: &mut Vec<Vec<(ScopeKey, String)>>,
        ) {
            match marks.get(node) {
                Some(Mark::Done) => return,
                Some(Mark::Open) => {
                    let start = stack.iter().position(|n| n == node).unwrap_or(0);
                    circles.push(stack[start..].to_vec());
                    return;
                }
                None => {}
            }
            marks.insert(node.clone(), Mark::Open);
            stack.push(node.clone());
            for next in deps.get(node).into_iter().flatten() {
                if deps.contains_key(next) {
                    visit(next, deps, marks, stack, order, circles);
                }
            }
            stack.pop();
            marks.insert(node.clone(), Mark::Done);
            order.push(node.clone());
        }
        let mut marks = BTreeMap::new();
        let mut order = Vec::new();
        let mut circles = Vec::new();
        for node in deps.keys() {
            visit(node, deps, &mut marks, &mut Vec::new(), &mut order, &mut circles);
        }
        for circle in circles {
            let names: Vec<String> = circle.iter().map(|(s, n)| s.qualify(n)).collect();
            let (scope, name) = &circle[0];
            let reading = if circle.len() == 1 {
                format!("`{}` reads itself", names[0])
            } else {
                format!(
                    "`{}` reads itself through {}",
                    names[0],
                    names[1..].iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" → ")
                )
            };
            self.error_at_key(&derived_path(scope, name), format!("a circle of derived figures: {reading}")).hint =
                Some("a derived figure can read measures and other derived figures, but not itself".into());
        }
        order
    }

    fn selection(&mut self, ctx: &Context, name: &str, s: &raw::SelectionFile) -> Option<Selection> {
        self.plain_key(&["selections", name], name);
        let at = |key: &str| path(&["selections", name, key]);
        let before = self.v.diagnostics.len();
        let (from, mut groups) = if s.from == "units" {
            (Source::Units, None)
        } else if ctx.groups.iter().any(|g| g.name == s.from) {
            (Source::Units, Some(vec![s.from.clone()]))
        } else if self.names.contains_key(&ScopeKey::List(s.from.clone())) {
            (Source::List(s.from.clone()), None)
        } else {
            let known: Vec<String> =
                self.collections().into_iter().chain(ctx.groups.iter().map(|g| g.name.clone())).collect();
            let hint = unknown_hint(&s.from, known.iter().map(String::as_str), "the definition");
            self.error(&at("from"), format!("`{}` is neither units, a group nor a list", s.from)).hint =
                Some(format!("{hint}; a selection is made from units, one group, or a list"));
            return None;
        };
        let scope = match &from {
            Source::Units => ScopeKey::Unit,
            Source::List(list) => ScopeKey::List(list.clone()),
        };
        if let Some(names) = &s.groups {
            if from != Source::Units {
                self.error(&at("groups"), "only a selection of units can be limited to groups".into());
            }
            for (i, group) in names.iter().enumerate() {
                if !ctx.groups.iter().any(|g| &g.name == group) {
                    let mut item = at("groups");
                    item.push(Segment::Index(i));
                    let hint = unknown_hint(group, ctx.groups.iter().map(|g| g.name.as_str()), "groups");
                    self.error(&item, format!("`{group}` is not a group")).hint = Some(hint);
                }
            }
            groups = Some(names.clone());
        }
        let mut reads = Vec::new();
        let condition = s.condition.as_ref().and_then(|text| {
            let place = Place { scope: &scope, path: at("where"), offset: 0 };
            self.formula(&place, text, Ty::Bool, &mut reads)
        });
        let mut sort = Vec::new();
        for (i, key) in s.sort.iter().enumerate() {
            let mut key_at = at("sort");
            key_at.push(Segment::Index(i));
            let (text, desc) = split_direction(key);
            let text = text.unwrap_or_default();
            if text.trim() == "group" {
                if from != Source::Units {
                    self.error(&key_at, "only units sort by group".into());
                }
                sort.push(SortKey { by: SortBy::Group, desc: desc.unwrap_or(false) });
                continue;
            }
            let Some(desc) = desc else {
                self.error(&key_at, format!("`{key}` needs a direction")).hint =
                    Some(format!("`{key} desc` puts the highest first, `{key} asc` the lowest"));
                continue;
            };
            let place = Place { scope: &scope, path: key_at, offset: 0 };
            if let Some(e) = self.formula(&place, text, Ty::Number, &mut reads) {
                sort.push(SortKey { by: SortBy::Figure(e), desc });
            }
        }
        let group_order = s.group_order.as_ref().and_then(|text| {
            let param = text.strip_prefix("params.").unwrap_or(text);
            match self.param_kind(param) {
                Some(ParamKind::Groups) => Some(param.to_owned()),
                Some(_) => {
                    self.error(&at("group_order"), format!("`{text}` is not a list of groups"));
                    None
                }
                None => {
                    let names: Vec<String> = self
                        .param_kinds
                        .iter()
                        .filter(|(_, k)| **k == ParamKind::Groups)
                        .map(|(n, _)| n.clone())
                        .collect();
                    let hint = unknown_hint(param, names.iter().map(String::as_str), "params (of kind groups)");
                    self.error(&at("group_order"), format!("there is no parameter `{param}`")).hint = Some(hint);
                    None
                }
            }
        });
        let limit = match &s.limit {
            None => None,
            Some(Limit::Count(n)) => Some(Amount::Fixed(*n)),
            Some(Limit::Param(text)) => {
                let param = text.strip_prefix("params.").unwrap_or(text);
                match self.param_kind(param) {
                    Some(ParamKind::Count) => Some(Amount::Param(param.to_owned())),
                    Some(_) => {
                        self.error(&at("limit"), format!("`{text}` is not a count"));
                        None
                    }
                    None => {
                        let names = self.param_names();
                        let hint = unknown_hint(param, names.iter().map(String::as_str), "params");
                        self.error(&at("limit"), format!("there is no parameter `{param}`")).hint = Some(hint);
                        None
                    }
                }
            }
        };
        if s.ties.is_some() && s.limit.is_none() {
            self.error(&at("ties"), "`ties` says what happens at a limit, and there is none".into());
        }
        if self.v.diagnostics.len() > before {
            return None;
        }
        Some(Selection {
            label: s.label.clone(),
            from,
            groups,
            condition,
            sort,
            group_order,
            limit,
            keep_ties: s.ties != Some(Ties::Cut),
            published: s.published,
        })
    }
}

fn derived_path(scope: &ScopeKey, name: &str) -> Vec<Segment> {
    match scope {
        ScopeKey::Office => path(&["derived", "office", name]),
        ScopeKey::Unit => path(&["derived", "unit", name]),
        ScopeKey::List(list) => path(&["lists", list, "derived", name]),
    }
}

/// One scope of the file as written, with where its parts sit.
struct RawScope<'r> {
    key: ScopeKey,
    measures: &'r BTreeMap<String, raw::MeasureFile>,
    measures_at: Vec<&'r str>,
    derived: &'r BTreeMap<String, raw::DerivedFile>,
    derived_at: Vec<&'r str>,
}

/// The office, the unit and every list, in that order.
fn raw_scopes(raw: &DefinitionFile) -> Vec<RawScope<'_>> {
    let mut scopes = vec![
        RawScope {
            key: ScopeKey::Office,
            measures: &raw.measures.office,
            measures_at: vec!["measures", "office"],
            derived: &raw.derived.office,
            derived_at: vec!["derived", "office"],
        },
        RawScope {
            key: ScopeKey::Unit,
            measures: &raw.measures.unit,
            measures_at: vec!["measures", "unit"],
            derived: &raw.derived.unit,
            derived_at: vec!["derived", "unit"],
        },
    ];
    for (name, list) in &raw.lists {
        scopes.push(RawScope {
            key: ScopeKey::List(name.clone()),
            measures: &list.measures,
            measures_at: vec!["lists", name, "measures"],
            derived: &list.derived,
            derived_at: vec!["lists", name, "derived"],
        });
    }
    scopes
}

/// What every part of the check reads: the rules, parameters, channels
/// and groups as checked.
struct Context<'c> {
    rules: &'c BTreeMap<String, FigureRule>,
    channels: &'c [(String, String)],
    groups: &'c [GroupDef],
}

impl Ty {
    fn and_bool(self) -> Ty {
        if self == Ty::Broken {
            Ty::Broken
        } else {
            Ty::Bool
        }
    }
}

fn first_offset(e: &Expr) -> usize {
    match e {
        Expr::Name { at, .. } | Expr::Call { at, .. } => *at,
        Expr::Binary { left, .. } => first_offset(left),
        Expr::Neg(inner) | Expr::Not(inner) => first_offset(inner),
        Expr::Number(_) | Expr::Text(_) => 0,
    }
}

fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
}

fn unknown_hint<'a>(word: &str, known: impl Iterator<Item = &'a str> + Clone, section: &str) -> String {
    match closest(word, known.clone()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => {
            let names: Vec<&str> = known.collect();
            if names.is_empty() {
                format!("{section} declares none")
            } else {
                format!("{section} declares {}", names.join(", "))
            }
        }
    }
}

fn signoff_name(field: raw::SignoffField) -> &'static str {
    match field {
        raw::SignoffField::Issuer => "issuer",
        raw::SignoffField::Date => "date",
        raw::SignoffField::ApprovedBy => "approved_by",
    }
}

/// `score desc` → (`score`, descending); `None` parts where the direction
/// is missing.
fn split_direction(text: &str) -> (Option<&str>, Option<bool>) {
    let trimmed = text.trim_end();
    for (word, desc) in [(" desc", true), (" asc", false)] {
        if let Some(rest) = trimmed.strip_suffix(word) {
            return (Some(rest), Some(desc));
        }
    }
    (Some(trimmed), None)
}

/// `half_up 2`, `truncate 1 trim`, `half_up 2 fixed` → the rule.
pub(crate) fn parse_rule(text: &str) -> Result<FigureRule, (String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let usage = "a rule is `ROUNDING DECIMALS [fixed|trim]`: half_up 2, truncate 1 trim".to_owned();
    let roundings = [("truncate", Rounding::Truncate), ("half_up", Rounding::HalfUp), ("up", Rounding::Up)];
    let Some(first) = words.first() else { return Err(("the rule is empty".into(), usage)) };
    let Some(&(_, rounding)) = roundings.iter().find(|(name, _)| name == first) else {
        let hint = match closest(first, roundings.iter().map(|(n, _)| *n)) {
            Some(close) => format!("did you mean `{close}`? {usage}"),
            None => format!("the roundings are truncate (截断), half_up (四舍五入) and up (进一); {usage}"),
        };
        return Err((format!("`{first}` is not a rounding"), hint));
    };
    let decimals = match words.get(1).map(|w| w.parse::<u32>()) {
        Some(Ok(d)) if d <= MAX_SCALE => d,
        Some(Ok(d)) => return Err((format!("{d} decimals are too many"), format!("at most {MAX_SCALE}; {usage}"))),
        _ => return Err(("the rule needs a number of decimals".into(), usage)),
    };
    let style = match words.get(2).copied() {
        None | Some("fixed") => Style::Fixed,
        Some("trim") => Style::Trim,
        Some(other) => {
            let hint = match closest(other, ["fixed", "trim"]) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "fixed keeps trailing zeros (96.00), trim drops them (96)".into(),
            };
            return Err((format!("`{other}` is neither fixed nor trim"), hint));
        }
    };
    if words.len() > 3 {
        return Err((format!("`{}` is one word too many", words[3]), usage));
    }
    Ok(FigureRule::new(decimals, rounding, style))
}
