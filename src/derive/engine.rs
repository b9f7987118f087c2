//! The derivation engine: a [`Definition`]'s derived figures, ranks and
//! selections, evaluated over one month's raw figures. Pure: no I/O, no
//! clock, no `f64` — every value is an exact [`Ratio`] until it is shown,
//! rounded once under its rule.

use std::cmp::{Ordering, Reverse};
use std::collections::BTreeMap;

use crate::definition::expr::{Expr, Function, Op};
use crate::definition::{
    Amount, Definition, Formula, Measure, MeasureKind, ParamValue, ScopeKey, Selection, SortBy, Source, DEFAULT_RULE,
};
use crate::number::{competition_ranks, FigureRule, Ratio, Rounding, Style};

/// How a count with no rule of its own is shown: the whole number.
const COUNT_RULE: FigureRule = FigureRule::new(0, Rounding::Truncate, Style::Fixed);

/// A figure's value: `None` where it has none (a zero denominator, a rank
/// of a unit with no key).
pub type Value = Option<Ratio>;

/// The name a condition compares a unit's or a list item's name by
/// (`name == office.district`).
pub const NAME: &str = "name";
/// The collection of every unit, as aggregates name it: `sum(units, signed)`.
pub const UNITS: &str = "units";

/// One member of a scope (a unit, a list item) or the office: its figures
/// by name; a channel part as `measure.channel`.
pub type Record = BTreeMap<String, Value>;

#[derive(Clone, Debug, Default)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub short: String,
    /// Index into [`Input::groups`].
    pub group: usize,
    pub values: Record,
    /// Text measures (a grade) by name.
    pub texts: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default)]
pub struct Item {
    pub name: String,
    pub values: Record,
    /// Text measures by name.
    pub texts: BTreeMap<String, String>,
}

/// A month's raw figures, as the engine reads them.
#[derive(Clone, Debug, Default)]
pub struct Input {
    pub office: Record,
    /// The office's text measures by name.
    pub office_texts: BTreeMap<String, String>,
    /// The month's groups, in file order.
    pub groups: Vec<String>,
    /// Every unit, groups in file order, units in file order within each.
    pub units: Vec<Unit>,
    pub lists: BTreeMap<String, Vec<Item>>,
    /// The month's overrides of the definition's parameters and named rules.
    pub params: BTreeMap<String, ParamValue>,
    pub rules: BTreeMap<String, FigureRule>,
    /// The collections (`units`, a list's name) some of whose members or
    /// values were refused as read: a sum or count over one of them is not
    /// judged by a check, while the others still are.
    pub incomplete: std::collections::BTreeSet<String>,
}

impl Input {
    /// Where unit `i` stands in its group (0 for the group's first), as
    /// units.yaml lists it: `groups[group].units[place]`.
    pub fn place_in_group(&self, i: usize) -> usize {
        let group = self.units[i].group;
        self.units[..i].iter().filter(|u| u.group == group).count()
    }
}

/// Every figure of the month: the raw ones and the derived ones.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub office: Record,
    pub units: Vec<Record>,
    pub lists: BTreeMap<String, Vec<Record>>,
    /// Each selection's members, in order: indices into `units` or into
    /// the selected list.
    pub selections: BTreeMap<String, Vec<usize>>,
    /// The figures a month typed as published, each with the value the
    /// engine derived for it (the typed one is what the records hold).
    pub published: Vec<Published>,
}

/// A derived figure typed as the platform published it.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    pub scope: ScopeKey,
    /// The unit or item (0 for the office).
    pub member: usize,
    pub name: String,
    pub typed: Ratio,
    pub derived: Value,
}

/// A figure too large to compute exactly (beyond `i128`): never rounded
/// or wrapped silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overflow {
    pub figure: String,
}

impl std::fmt::Display for Overflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is too large to compute exactly", self.figure)
    }
}

/// Where an expression is evaluated.
#[derive(Clone, Copy)]
enum At<'a> {
    Office,
    Unit(usize),
    Item(&'a str, usize),
}

struct Env<'a> {
    definition: &'a Definition,
    input: &'a Input,
    out: &'a Output,
}

/// The value of a boolean or numeric expression.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Val {
    Num(Value),
    Bool(bool),
}

impl Val {
    fn num(self) -> Value {
        match self {
            Val::Num(v) => v,
            Val::Bool(_) => None,
        }
    }

    fn truth(self) -> bool {
        matches!(self, Val::Bool(true))
    }
}

impl Env<'_> {
    fn record(&self, at: At) -> Option<&Record> {
        match at {
            At::Office => Some(&self.out.office),
            At::Unit(i) => self.out.units.get(i),
            At::Item(list, i) => self.out.lists.get(list).and_then(|items| items.get(i)),
        }
    }

    /// Whether `e` names a text measure of the definition.
    fn is_text(&self, e: &Expr) -> bool {
        let Expr::Name { path, .. } = e else { return false };
        let (scope, name) = match path.as_slice() {
            [first, name] if first == "office" => (ScopeKey::Office, name),
            [name] if name == NAME => return true,
            [name] => (ScopeKey::Unit, name),
            _ => return false,
        };
        let is =
            |scope: &ScopeKey| matches!(self.definition.scope(scope).measures.get(name), Some(m) if m.kind.is_text());
        is(&scope) || self.definition.lists.keys().any(|list| is(&ScopeKey::List(list.clone())))
    }

    /// Whether every figure `e` reads has a value at `at`: a condition
    /// over a figure left untyped (or refused as typed) can be judged
    /// neither true nor false.
    fn known(&self, e: &Expr, at: At) -> bool {
        match e {
            Expr::Number(_) | Expr::Text(_) => true,
            Expr::Name { .. } if self.is_text(e) => self.text(e, at).is_some(),
            Expr::Name { .. } => self.eval(e, at).is_ok_and(|v| v.num().is_some()),
            Expr::Call { function: Function::Sum, args, .. } => {
                self.complete(args) && self.eval(e, at).is_ok_and(|v| v.num().is_some())
            }
            Expr::Call { function: Function::Count, args, .. } => self.complete(args),
            Expr::Call { args, .. } => args.iter().all(|a| self.known(a, at)),
            Expr::Neg(inner) | Expr::Not(inner) => self.known(inner, at),
            Expr::Binary { left, right, .. } => self.known(left, at) && self.known(right, at),
        }
    }

    /// Whether the collection an aggregate runs over (its first argument)
    /// was read whole.
    fn complete(&self, args: &[Expr]) -> bool {
        match args.first() {
            Some(Expr::Name { path, .. }) => path.first().is_none_or(|c| !self.input.incomplete.contains(c)),
            _ => true,
        }
    }

    fn param(&self, name: &str) -> Value {
        match self.definition.param(name, &self.input.params) {
            Some(ParamValue::Number(n)) => Some(Ratio::from_decimal(*n)),
            _ => None,
        }
    }

    fn members(&self, collection: &str) -> Vec<At<'_>> {
        match collection {
            "units" => (0..self.out.units.len()).map(At::Unit).collect(),
            list => {
                let Some((name, items)) = self.out.lists.get_key_value(list) else { return Vec::new() };
                (0..items.len()).map(|i| At::Item(name.as_str(), i)).collect()
            }
        }
    }

    /// The text `e` stands for: a text in quotes, or a text measure
    /// (`None` where the member has none, or `e` is no text).
    fn text<'e>(&'e self, e: &'e Expr, at: At) -> Option<&'e str> {
        let texts = |at: At| match at {
            At::Office => Some(&self.input.office_texts),
            At::Unit(i) => self.input.units.get(i).map(|u| &u.texts),
            At::Item(list, i) => self.input.lists.get(list).and_then(|items| items.get(i)).map(|item| &item.texts),
        };
        match e {
            Expr::Text(text) => Some(text),
            Expr::Name { path, .. } => match path.as_slice() {
                [first, name] if first == "office" => texts(At::Office)?.get(name).map(String::as_str),
                [name] if name == NAME => match at {
                    At::Office => None,
                    At::Unit(i) => self.input.units.get(i).map(|u| u.name.as_str()),
                    At::Item(list, i) => self.input.lists.get(list)?.get(i).map(|item| item.name.as_str()),
                },
                [name] => texts(at)?.get(name).map(String::as_str),
                _ => None,
            },
            _ => None,
        }
    }

    fn eval(&self, e: &Expr, at: At) -> Result<Val, ()> {
        Ok(match e {
            Expr::Number(n) => Val::Num(Some(*n)),
            Expr::Text(_) => Val::Num(None),
            Expr::Binary { op: op @ (Op::Eq | Op::Ne), left, right }
                if matches!(**left, Expr::Text(_)) || matches!(**right, Expr::Text(_)) || self.is_text(left) =>
            {
                // The definition's check lets only texts meet here; a member
                // without the text matches neither `==` nor `!=`.
                match (self.text(left, at), self.text(right, at)) {
                    (Some(l), Some(r)) => Val::Bool((l == r) == (*op == Op::Eq)),
                    _ => Val::Bool(false),
                }
            }
            Expr::Name { path, .. } => Val::Num(match path.as_slice() {
                [first, param] if first == "params" => self.param(param),
                [first, rest @ ..] if first == "office" => self.out.office.get(&rest.join(".")).copied().flatten(),
                _ => self.record(at).and_then(|r| r.get(&path.join(".")).copied()).flatten(),
            }),
            Expr::Neg(inner) => match self.eval(inner, at)?.num() {
                Some(v) => Val::Num(Some(Ratio::ZERO.checked_sub(v).ok_or(())?)),
                None => Val::Num(None),
            },
            Expr::Not(inner) => Val::Bool(!self.eval(inner, at)?.truth()),
            Expr::Binary { op: Op::And, left, right } => {
                Val::Bool(self.eval(left, at)?.truth() && self.eval(right, at)?.truth())
            }
            Expr::Binary { op: Op::Or, left, right } => {
                Val::Bool(self.eval(left, at)?.truth() || self.eval(right, at)?.truth())
            }
            Expr::Binary { op, left, right } => {
                let (l, r) = (self.eval(left, at)?.num(), self.eval(right, at)?.num());
                let Some((l, r)) = l.zip(r) else {
                    // A comparison with a figure that has no value is false.
                    return Ok(if op.is_comparison() { Val::Bool(false) } else { Val::Num(None) });
                };
                match op {
                    Op::Add => Val::Num(Some(l.checked_add(r).ok_or(())?)),
                    Op::Sub => Val::Num(Some(l.checked_sub(r).ok_or(())?)),
                    Op::Mul => Val::Num(Some(l.checked_mul(r).ok_or(())?)),
                    Op::Div => Val::Num(l.checked_div(r).ok_or(())?),
                    Op::Lt => Val::Bool(l < r),
                    Op::Le => Val::Bool(l <= r),
                    Op::Gt => Val::Bool(l > r),
                    Op::Ge => Val::Bool(l >= r),
                    Op::Eq => Val::Bool(l == r),
                    Op::Ne => Val::Bool(l != r),
                    Op::And | Op::Or => unreachable!("handled above"),
                }
            }
            Expr::Call { function, args, .. } => match function {
                Function::Sum | Function::Count => {
                    let Expr::Name { path, .. } = &args[0] else { return Err(()) };
                    let mut total = Ratio::ZERO;
                    for member in self.members(&path[0]) {
                        let value = self.eval(&args[1], member)?;
                        let add = match (function, value) {
                            (Function::Count, v) => Ratio::int(i64::from(v.truth())),
                            // A sum over a figure that some member lacks has no value.
                            (_, v) => match v.num() {
                                Some(n) => n,
                                None => return Ok(Val::Num(None)),
                            },
                        };
                        total = total.checked_add(add).ok_or(())?;
                    }
                    Val::Num(Some(total))
                }
                Function::Max | Function::Min => {
                    let (a, b) = (self.eval(&args[0], at)?.num(), self.eval(&args[1], at)?.num());
                    Val::Num(a.zip(b).map(|(a, b)| if (*function == Function::Max) == (a >= b) { a } else { b }))
                }
            },
        })
    }
}

/// Evaluates every derived figure, rank and selection of `definition` over
/// `input`.
pub fn evaluate(definition: &Definition, input: &Input) -> Result<Output, Overflow> {
    let mut out = Output {
        office: input.office.clone(),
        units: input.units.iter().map(|u| u.values.clone()).collect(),
        lists: input
            .lists
            .iter()
            .map(|(k, items)| (k.clone(), items.iter().map(|i| i.values.clone()).collect()))
            .collect(),
        selections: BTreeMap::new(),
        published: Vec::new(),
    };
    for (scope, name) in &definition.order {
        let Some(figure) = definition.scope(scope).derived.get(name) else { continue };
        let overflow = || Overflow { figure: scope.qualify(name) };
        let members: Vec<At> = match scope {
            ScopeKey::Office => vec![At::Office],
            ScopeKey::Unit => (0..out.units.len()).map(At::Unit).collect(),
            ScopeKey::List(list) => (0..out.lists.get(list).map_or(0, Vec::len)).map(|i| At::Item(list, i)).collect(),
        };
        let values: Vec<Value> = {
            let env = Env { definition, input, out: &out };
            match &figure.formula {
                Formula::Value(e) | Formula::Percent(e) => {
                    let hundred = matches!(figure.formula, Formula::Percent(_));
                    let mut values = Vec::with_capacity(members.len());
                    for &member in &members {
                        let value = env.eval(e, member).map_err(|()| overflow())?.num();
                        let value = match value {
                            Some(v) if hundred => Some(v.checked_mul(Ratio::int(100)).ok_or_else(overflow)?),
                            v => v,
                        };
                        values.push(value);
                    }
                    values
                }
                Formula::Rank { key, desc, within_group } => {
                    let mut keys = Vec::with_capacity(members.len());
                    for &member in &members {
                        keys.push(env.eval(key, member).map_err(|()| overflow())?.num());
                    }
                    let group_of = |i: usize| match members[i] {
                        At::Unit(u) if *within_group => input.units[u].group,
                        _ => 0,
                    };
                    ranks(&keys, *desc, group_of)
                }
                Formula::Grade { key, bands } => {
                    let mut values = Vec::with_capacity(members.len());
                    for &member in &members {
                        let key = env.eval(key, member).map_err(|()| overflow())?.num();
                        let mut place = None;
                        if let Some(key) = key {
                            for (i, band) in bands.iter().enumerate() {
                                let from = match &band.from {
                                    Some(from) => env.eval(from, member).map_err(|()| overflow())?.num(),
                                    None => None,
                                };
                                if band.from.is_none() || from.is_some_and(|from| key >= from) {
                                    place = Some(Ratio::int(i as i64 + 1));
                                    break;
                                }
                            }
                        }
                        values.push(place);
                    }
                    values
                }
            }
        };
        for (member, value) in members.iter().zip(values) {
            let (record, index) = match member {
                At::Office => (&mut out.office, 0),
                At::Unit(i) => (&mut out.units[*i], *i),
                At::Item(list, i) => (&mut out.lists.get_mut(*list).expect("list exists")[*i], *i),
            };
            // A figure typed as published stays as typed; the derived value
            // is kept beside it for the comparison.
            match record.get(name).copied().flatten() {
                Some(typed) if figure.published => out.published.push(Published {
                    scope: scope.clone(),
                    member: index,
                    name: name.clone(),
                    typed,
                    derived: value,
                }),
                _ => {
                    record.insert(name.clone(), value);
                }
            }
        }
    }
    for (name, selection) in &definition.selections {
        let members = select(definition, input, &out, selection).map_err(|()| Overflow { figure: name.clone() })?;
        out.selections.insert(name.clone(), members);
    }
    Ok(out)
}

/// Competition ranks of `keys` within the partitions `group_of` gives; a
/// member without a key has no rank.
fn ranks(keys: &[Value], desc: bool, group_of: impl Fn(usize) -> usize) -> Vec<Value> {
    let mut out = vec![None; keys.len()];
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        if key.is_some() {
            groups.entry(group_of(i)).or_default().push(i);
        }
    }
    for members in groups.values() {
        let ranked: Vec<usize> = if desc {
            competition_ranks(&members.iter().map(|&i| keys[i]).collect::<Vec<_>>())
        } else {
            competition_ranks(&members.iter().map(|&i| Reverse(keys[i])).collect::<Vec<_>>())
        };
        for (&i, rank) in members.iter().zip(ranked) {
            out[i] = Some(Ratio::int(rank as i64));
        }
    }
    out
}

fn select(definition: &Definition, input: &Input, out: &Output, s: &Selection) -> Result<Vec<usize>, ()> {
    let env = Env { definition, input, out };
    let (list_name, count) = match &s.from {
        Source::Units => (None, out.units.len()),
        Source::List(list) => (Some(list.as_str()), out.lists.get(list).map_or(0, Vec::len)),
    };
    let at = |i: usize| match list_name {
        None => At::Unit(i),
        Some(list) => At::Item(list, i),
    };
    let mut members = Vec::new();
    for i in 0..count {
        if let (Source::Units, Some(groups)) = (&s.from, &s.groups) {
            if !groups.contains(&input.groups[input.units[i].group]) {
                continue;
            }
        }
        if let Some(condition) = &s.condition {
            if !env.eval(condition, at(i))?.truth() {
                continue;
            }
        }
        members.push(i);
    }
    // The group order: those the parameter names first, the rest in file order.
    let group_rank: Vec<usize> = {
        let named = match s
            .group_order
            .as_ref()
            .and_then(|p| input.params.get(p).or_else(|| definition.params.get(p).map(|d| &d.value)))
        {
            Some(ParamValue::Groups(names)) => names.clone(),
            _ => Vec::new(),
        };
        let mut order: Vec<usize> = named.iter().filter_map(|n| input.groups.iter().position(|g| g == n)).collect();
        let rest: Vec<usize> = (0..input.groups.len()).filter(|g| !order.contains(g)).collect();
        order.extend(rest);
        (0..input.groups.len()).map(|g| order.iter().position(|&o| o == g).unwrap_or(g)).collect()
    };
    // Sort keys, computed once per member.
    let mut keyed: Vec<(usize, Vec<Value>)> = Vec::with_capacity(members.len());
    for &i in &members {
        let mut keys = Vec::with_capacity(s.sort.len());
        for key in &s.sort {
            keys.push(match &key.by {
                SortBy::Group => Some(Ratio::int(group_rank.get(input.units[i].group).copied().unwrap_or(0) as i64)),
                SortBy::Figure(e) => env.eval(e, at(i))?.num(),
            });
        }
        keyed.push((i, keys));
    }
    let compare = |a: &[Value], b: &[Value]| -> Ordering {
        for (key, (x, y)) in s.sort.iter().zip(a.iter().zip(b)) {
            // Members without a value sort last, whatever the direction.
            let ordering = match (x, y) {
                (Some(x), Some(y)) if key.desc => y.cmp(x),
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    };
    keyed.sort_by(|a, b| compare(&a.1, &b.1));
    let limit = match &s.limit {
        None => None,
        Some(Amount::Fixed(n)) => Some(*n as usize),
        Some(Amount::Param(p)) => env.param(p).and_then(|r| r.to_integer()).map(|n| n.max(0) as usize),
    };
    if let Some(limit) = limit {
        if keyed.len() > limit {
            let mut end = limit;
            if s.keep_ties && limit > 0 {
                while end < keyed.len() && compare(&keyed[end].1, &keyed[limit - 1].1) == Ordering::Equal {
                    end += 1;
                }
            }
            keyed.truncate(end);
        }
    }
    Ok(keyed.into_iter().map(|(i, _)| i).collect())
}

/// A member where a check fails, with the values of its comparison's two
/// sides (when the condition is one comparison).
pub type Failed = (usize, Option<(Value, Value)>);

/// Whether an office-level condition holds (a section's `when`).
pub fn holds(definition: &Definition, input: &Input, out: &Output, condition: &Expr) -> Result<bool, Overflow> {
    let env = Env { definition, input, out };
    env.eval(condition, At::Office).map(Val::truth).map_err(|()| Overflow { figure: "a section's `when`".into() })
}

/// A check's condition at each member of its scope: the members where it
/// fails, each with the values of the comparison's two sides (when the
/// condition is one comparison).
pub fn failures(
    definition: &Definition,
    input: &Input,
    out: &Output,
    scope: &ScopeKey,
    condition: &Expr,
) -> Result<Vec<Failed>, Overflow> {
    let env = Env { definition, input, out };
    let members: Vec<At> = match scope {
        ScopeKey::Office => vec![At::Office],
        ScopeKey::Unit => (0..out.units.len()).map(At::Unit).collect(),
        ScopeKey::List(list) => (0..out.lists.get(list).map_or(0, Vec::len)).map(|i| At::Item(list, i)).collect(),
    };
    let overflow = |()| Overflow { figure: "a check's condition".into() };
    let mut failed = Vec::new();
    for (i, &member) in members.iter().enumerate() {
        if env.eval(condition, member).map_err(overflow)?.truth() || !env.known(condition, member) {
            continue;
        }
        let sides = match condition {
            Expr::Binary { op, left, right } if op.is_comparison() => {
                let l = env.eval(left, member).map_err(overflow)?.num();
                let r = env.eval(right, member).map_err(overflow)?.num();
                Some((l, r))
            }
            _ => None,
        };
        failed.push((i, sides));
    }
    Ok(failed)
}

impl Input {
    /// A member's text measures (a grade, a title, a unit named), by name.
    pub fn texts(&self, scope: &ScopeKey, member: usize) -> &BTreeMap<String, String> {
        match scope {
            ScopeKey::Office => &self.office_texts,
            ScopeKey::Unit => &self.units[member].texts,
            ScopeKey::List(list) => &self.lists[list][member].texts,
        }
    }
}

impl Output {
    /// A member's derived and typed figures (the office's: member 0).
    pub fn record(&self, scope: &ScopeKey, member: usize) -> &Record {
        match scope {
            ScopeKey::Office => &self.office,
            ScopeKey::Unit => &self.units[member],
            ScopeKey::List(list) => &self.lists[list][member],
        }
    }

    /// What a template sees of a member (the office's: member 0): its
    /// figures as shown, one with no value as its `zero` text, its texts,
    /// and for a unit its id, name, short name and group, for a list item
    /// its name.
    pub fn member(
        &self,
        definition: &Definition,
        input: &Input,
        scope: &ScopeKey,
        member: usize,
    ) -> serde_json::Map<String, serde_json::Value> {
        let mut fields = serde_json::Map::new();
        match scope {
            ScopeKey::Office => {}
            ScopeKey::Unit => {
                let unit = &input.units[member];
                fields.insert("id".into(), unit.id.clone().into());
                fields.insert(NAME.into(), unit.name.clone().into());
                fields.insert("short".into(), unit.short.clone().into());
                fields.insert("group".into(), input.groups[unit.group].clone().into());
            }
            ScopeKey::List(list) => {
                fields.insert(NAME.into(), input.lists[list][member].name.clone().into());
            }
        }
        let (record, texts) = (self.record(scope, member), input.texts(scope, member));
        let s = definition.scope(scope);
        for name in record.keys() {
            let shown = self.shown(definition, input, scope, record, name);
            let shown = shown.or_else(|| s.derived.get(name).map(|d| d.zero.clone())).unwrap_or_else(|| "—".into());
            fields.insert(name.clone(), shown.into());
        }
        for (name, m) in &s.measures {
            if m.kind.is_text() {
                fields.insert(name.clone(), texts.get(name).cloned().unwrap_or_default().into());
            }
        }
        fields
    }

    /// A figure of a record shown under its rule, or `None` where it has
    /// no value.
    pub fn shown(
        &self,
        definition: &Definition,
        input: &Input,
        scope: &ScopeKey,
        record: &Record,
        name: &str,
    ) -> Option<String> {
        let value = record.get(name).copied().flatten()?;
        let scope_def = definition.scope(scope);
        if let Some(band) = scope_def.derived.get(name).and_then(|d| d.formula.band_name(value)) {
            return Some(band.to_owned());
        }
        // A channel's part (`received.hotline`) is shown as its measure is.
        let base = name.split('.').next().unwrap_or(name);
        let rule = match (scope_def.derived.get(name), scope_def.measures.get(base)) {
            (Some(d), _) => definition.rule(&d.rule, &input.rules),
            (None, Some(Measure { rule: Some(rule), .. })) => definition.rule(rule, &input.rules),
            (None, Some(Measure { kind: MeasureKind::Count, .. })) => COUNT_RULE,
            _ => DEFAULT_RULE,
        };
        value.show(&rule)
    }
}
