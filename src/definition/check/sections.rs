//! The checks and sections of a definition: each check's scope and
//! condition, each section's condition, template, text file and table.

use std::collections::BTreeMap;

use super::{path, raw, unknown_hint, Checker, Context, Place, Ty};
use crate::definition::{Check, Column, Rows, ScopeKey, Section, Table};
use crate::source::locate::Segment;

/// GB/T 9704-2012 §7.3.3: the body's structure has four levels at most
/// (一、 （一） 1. （1）).
pub(super) const MAX_DEPTH: usize = 4;

/// What every row of a table offers besides its figures.
const UNIT_FIELDS: [&str; 4] = ["name", "index", "short", "group"];

impl Checker<'_> {
    pub(super) fn check(&mut self, name: &str, c: &raw::CheckFile) -> Option<Check> {
        let at = |key: &str| path(&["checks", name, key]);
        let scope = match c.scope.as_deref() {
            None | Some("office") => ScopeKey::Office,
            Some("units") => ScopeKey::Unit,
            Some(list) if self.names.contains_key(&ScopeKey::List(list.to_owned())) => ScopeKey::List(list.to_owned()),
            Some(other) => {
                let known: Vec<String> = ["office".to_owned()].into_iter().chain(self.collections()).collect();
                let hint = unknown_hint(other, known.iter().map(String::as_str), "the definition");
                self.error(&at("in"), format!("`{other}` is neither office, units nor a list")).hint =
                    Some(format!("{hint}; a check runs once for the office, or at each unit or list item"));
                return None;
            }
        };
        let place = Place { scope: &scope, path: at("assert"), offset: 0 };
        let assert = self.formula(&place, &c.assert, Ty::Bool, &mut Vec::new())?;
        if let Some(message) = &c.message {
            let _ = self.template(&at("message"), message);
        }
        let code = c.code.as_ref().and_then(|code| self.warning_code(&at("code"), code, c.level));
        Some(Check {
            name: name.to_owned(),
            scope,
            assert,
            text: c.assert.trim().to_owned(),
            error: c.level != Some(raw::Level::Warning),
            message: c.message.clone(),
            code,
        })
    }

    /// A check's own warning code: kebab-case, not one of the tool's, on a
    /// warning (an error cannot be acknowledged).
    fn warning_code(&mut self, at: &[Segment], code: &str, level: Option<raw::Level>) -> Option<String> {
        let well_formed = code
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        let problem = if level != Some(raw::Level::Warning) {
            Some((
                format!("`{code}`: only a warning has a code"),
                "add `level: warning`, or remove `code:`: an error cannot be acknowledged".to_owned(),
            ))
        } else if !well_formed {
            Some((
                format!("`{code}` is not a warning code"),
                "write it in lower-case letters, digits and hyphens, e.g. tickets-total".to_owned(),
            ))
        } else if crate::diag::WARNING_CODES.iter().any(|(known, _)| *known == code) {
            Some((
                format!("`{code}` is a code of the tool's own warnings"),
                "give the check a code of its own, e.g. `city-total`".to_owned(),
            ))
        } else {
            None
        };
        match problem {
            Some((message, hint)) => {
                self.error(at, message).hint = Some(hint);
                None
            }
            None => Some(code.to_owned()),
        }
    }

    /// A minijinja template that does not parse is an error at its value;
    /// whether it parses.
    pub(super) fn template(&mut self, at: &[Segment], source: &str) -> bool {
        let mut env = minijinja::Environment::new();
        if let Err(err) = env.add_template("t", source) {
            let line = err.line().map(|l| format!(" (line {l} of the template)")).unwrap_or_default();
            self.error(at, format!("the template does not parse{line}: {}", err.detail().unwrap_or(""))).hint = Some(
                "templates are minijinja: {{ office.tickets }}, {% for c in lists.categories %}…{% endfor %}".into(),
            );
            return false;
        }
        true
    }

    /// A template of a section: it parses, and names only what exists.
    fn sentence(&mut self, at: &[Segment], source: &str) {
        if self.template(at, source) {
            self.probe(at, source);
        }
    }

    pub(super) fn sections(
        &mut self,
        ctx: &Context,
        raw: &[raw::SectionFile],
        selections: &BTreeMap<String, raw::SelectionFile>,
        at: &mut Vec<Segment>,
        parent_level: usize,
    ) -> Vec<Section> {
        let top = parent_level == 0;
        let mut out = Vec::new();
        for (i, s) in raw.iter().enumerate() {
            at.push(Segment::Key("sections".into()));
            at.push(Segment::Index(i));
            let key = |at: &[Segment], k: &str| {
                let mut p = at.to_vec();
                p.push(Segment::Key(k.into()));
                p
            };
            let level = s.level.unwrap_or(parent_level + 1);
            if s.level.is_some_and(|l| l <= parent_level || l == 0) {
                self.error(&key(at, "level"), format!("level {level} is not below its part's level {parent_level}"))
                    .hint = Some("a part's heading sits one or more levels below the part it is in".into());
            } else if level > MAX_DEPTH && s.heading.is_some() {
                let at = if s.level.is_some() { key(at, "level") } else { key(at, "heading") };
                self.error(&at, format!("a heading at level {level}: a bulletin has four levels")).hint =
                    Some("GB/T 9704-2012 §7.3.3 numbers four levels, 一、（一）1.（1）: move this part up".into());
            }
            if s.run_in && s.heading.is_none() {
                self.error(&key(at, "run_in"), "`run_in` needs a heading to run into the text".into());
            }
            if s.appendix && !top {
                self.error(&key(at, "appendix"), "an appendix is a part of the first level".into()).hint =
                    Some("move it to the top of `sections:`".into());
            }
            if s.appendix && s.heading.is_none() {
                self.error(&key(at, "appendix"), "an appendix needs a heading: its title".into());
            }
            if let Some(name) = &s.attachment {
                if s.appendix {
                    self.sentence(&key(at, "attachment"), name);
                } else {
                    self.error(&key(at, "attachment"), "`attachment` names an appendix in the 附件说明".into()).hint =
                        Some("give it to a part with `appendix: true`".into());
                }
            }
            let when = s.when.as_ref().and_then(|text| {
                let place = Place { scope: &ScopeKey::Office, path: key(at, "when"), offset: 0 };
                self.formula(&place, text, Ty::Bool, &mut Vec::new())
            });
            if let Some(heading) = &s.heading {
                self.sentence(&key(at, "heading"), heading);
            }
            if let Some(prose) = &s.prose {
                self.sentence(&key(at, "prose"), prose);
            }
            if let Some(file) = &s.text {
                if file.trim().is_empty() || file.contains("..") || file.starts_with('/') {
                    self.error(&key(at, "text"), format!("`{file}` is not a file name in the month folder")).hint =
                        Some("name a text file beside month.yaml, e.g. 工作动态.txt".into());
                }
            }
            if let Some(folder) = &s.cases {
                let plain = !folder.trim().is_empty() && !folder.contains(['/', '\\']) && !folder.starts_with('.');
                if !plain {
                    self.error(&key(at, "cases"), format!("`{folder}` is not a folder name in the month folder"))
                        .hint = Some("name a folder beside month.yaml that holds the case files, e.g. cases".into());
                }
                if s.text.is_some() {
                    self.error(&key(at, "cases"), "a part holds either a `text` or `cases`, not both".into()).hint =
                        Some("give the cases a part of their own".into());
                }
            }
            if s.case_numbers.is_some() && s.cases.is_none() {
                self.error(&key(at, "case_numbers"), "`case_numbers` belongs to a `cases` part".into());
            }
            if !s.numbered && s.heading.is_none() {
                self.error(&key(at, "numbered"), "`numbered` belongs to a part with a `heading`".into());
            }
            if s.optional && s.text.is_none() && s.cases.is_none() {
                self.error(&key(at, "optional"), "`optional` belongs to a `text` or a `cases` part".into());
            }
            let table = s.table.as_ref().and_then(|t| self.table(ctx, t, selections, &key(at, "table")));
            let chart = s.chart.as_ref().and_then(|c| self.chart(ctx, c, selections, &key(at, "chart")));
            let is_empty = s.prose.is_none()
                && s.text.is_none()
                && s.cases.is_none()
                && s.table.is_none()
                && s.chart.is_none()
                && s.sections.is_empty();
            if is_empty {
                self.error_at_key(at, "this part holds nothing".into()).hint =
                    Some("give it `prose`, `text`, `cases`, `table`, `chart` or `sections`".into());
            }
            // An appendix's heading is its title: its parts are numbered afresh, from 一、.
            let below = if s.appendix { 0 } else { level };
            let sections = self.sections(ctx, &s.sections, selections, at, below);
            out.push(Section {
                heading: s.heading.clone(),
                level,
                run_in: s.run_in,
                numbered: s.numbered,
                case_numbers: s.case_numbers.unwrap_or_default(),
                over: s.over.unwrap_or_default(),
                appendix: s.appendix,
                attachment: s.attachment.clone(),
                when,
                text: s.text.clone().map(|f| (f, s.optional)),
                cases: s.cases.clone().map(|f| (f, s.optional)),
                prose: s.prose.clone(),
                table,
                chart,
                sections,
            });
            at.pop();
            at.pop();
        }
        out
    }

    /// What a table's or a chart's rows name: every unit, a group, a list
    /// or a selection; and the scope of their figures.
    pub(super) fn rows(
        &mut self,
        ctx: &Context,
        name: &str,
        selections: &BTreeMap<String, raw::SelectionFile>,
        at: &[Segment],
    ) -> Option<(Rows, ScopeKey)> {
        if name == "units" {
            Some((Rows::Units(None), ScopeKey::Unit))
        } else if ctx.groups.iter().any(|g| g.name == name) {
            Some((Rows::Units(Some(name.to_owned())), ScopeKey::Unit))
        } else if self.names.contains_key(&ScopeKey::List(name.to_owned())) {
            Some((Rows::List(name.to_owned()), ScopeKey::List(name.to_owned())))
        } else if let Some(selection) = selections.get(name) {
            let from = &selection.from;
            let scope = if self.names.contains_key(&ScopeKey::List(from.clone())) {
                ScopeKey::List(from.clone())
            } else {
                ScopeKey::Unit
            };
            Some((Rows::Selection(name.to_owned()), scope))
        } else {
            let known: Vec<String> = self
                .collections()
                .into_iter()
                .chain(ctx.groups.iter().map(|g| g.name.clone()))
                .chain(selections.keys().cloned())
                .collect();
            let hint = unknown_hint(name, known.iter().map(String::as_str), "the definition");
            self.error(at, format!("`{name}` is neither units, a group, a list nor a selection")).hint = Some(hint);
            None
        }
    }

    fn table(
        &mut self,
        ctx: &Context,
        t: &raw::TableFile,
        selections: &BTreeMap<String, raw::SelectionFile>,
        at: &[Segment],
    ) -> Option<Table> {
        let key = |k: &str| {
            let mut p = at.to_vec();
            p.push(Segment::Key(k.into()));
            p
        };
        let (rows, scope) = self.rows(ctx, &t.rows, selections, &key("rows"))?;
        if t.columns.is_empty() {
            self.error(&key("columns"), "a table needs at least one column".into());
        }
        let figures = self.names.get(&scope).cloned().unwrap_or_default();
        // Rows merged by a text: the text heads each row; `count` counts them.
        if let Some(by) = &t.by {
            let is_text = matches!(figures.get(by), Some(super::Entry::Measure(kind, _)) if kind.is_text());
            if !is_text {
                let texts: Vec<&str> = figures
                    .iter()
                    .filter(|(_, e)| matches!(e, super::Entry::Measure(kind, _) if kind.is_text()))
                    .map(|(n, _)| n.as_str())
                    .collect();
                let hint = match crate::diag::closest(by, texts.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None if texts.is_empty() => format!("the rows ({}) have no text to merge them by", scope.name()),
                    None => format!("merge them by one of their texts: {}", texts.join(", ")),
                };
                self.error(&key("by"), format!("`{by}` is not a text of the rows to merge them by")).hint = Some(hint);
            }
        }
        let by_fields: &[&str] = if t.by.is_some() { &["count"] } else { &[] };
        let fields: Vec<&str> = (if scope == ScopeKey::Unit { &UNIT_FIELDS[..] } else { &UNIT_FIELDS[..1] })
            .iter()
            .chain(by_fields)
            .copied()
            .collect();
        let mut columns = Vec::new();
        for (i, c) in t.columns.iter().enumerate() {
            let mut c_at = key("columns");
            c_at.push(Segment::Index(i));
            c_at.push(Segment::Key("value".into()));
            // 同比 or 环比 of a numeric figure: `yoy.count`, `mom.grade`.
            let change = c.value.split_once('.').filter(|(which, _)| ["yoy", "mom"].contains(which));
            if let Some((which, name)) = change {
                let numeric = matches!(figures.get(name), Some(super::Entry::Derived))
                    || matches!(figures.get(name), Some(super::Entry::Measure(kind, _)) if !kind.is_text());
                if !self.compares {
                    self.error(&c_at, format!("`{}` needs the archive's comparisons", c.value)).hint =
                        Some("declare `compare: {}` in bulletin.yaml".into());
                    continue;
                }
                if !numeric {
                    let hint =
                        unknown_hint(name, figures.keys().map(String::as_str), &format!("the rows ({})", scope.name()));
                    self.error(&c_at, format!("`{name}` is not a numeric figure of the rows to compare")).hint =
                        Some(hint);
                    continue;
                }
                let label = c.label.clone().unwrap_or_else(|| {
                    let of =
                        self.labels.get(&(scope.clone(), name.to_owned())).cloned().unwrap_or_else(|| name.to_owned());
                    format!("{of}{}", if which == "yoy" { "同比" } else { "环比" })
                });
                columns.push(Column { label, group: c.group.clone(), value: c.value.clone(), width: c.width });
                continue;
            }
            let label = c.label.clone().or_else(|| self.labels.get(&(scope.clone(), c.value.clone())).cloned());
            let is_part = match c.value.split_once('.') {
                Some((measure, channel)) => {
                    matches!(figures.get(measure), Some(super::Entry::Measure(_, true))) && self.channel_known(channel)
                }
                None => false,
            };
            if let Some((measure, channel)) = c.value.split_once('.') {
                if matches!(figures.get(measure), Some(super::Entry::Measure(_, true))) && !is_part {
                    let channels = self.channel_names.join(", ");
                    self.error(&c_at, format!("`{channel}` is not a channel of `{measure}`")).hint =
                        Some(format!("the channels are {channels}"));
                    continue;
                }
            }
            if t.by.is_some() && ["index", "name", "short", "group"].contains(&c.value.as_str()) {
                self.error(&c_at, format!("`{}` has no value in a row that merges several", c.value)).hint =
                    Some("show the text the rows are merged by, `count`, and the figures they add up".into());
                continue;
            }
            if !fields.contains(&c.value.as_str()) && !figures.contains_key(&c.value) && !is_part {
                let known: Vec<&str> = fields.iter().copied().chain(figures.keys().map(String::as_str)).collect();
                let hint = unknown_hint(&c.value, known.iter().copied(), &format!("the rows ({})", scope.name()));
                self.error(&c_at, format!("`{}` is not a figure of the rows", c.value)).hint = Some(hint);
                continue;
            }
            let label = label.unwrap_or_else(|| match c.value.as_str() {
                "index" => "序号".to_owned(),
                "name" => "单位".to_owned(),
                "short" => "简称".to_owned(),
                "group" => "组别".to_owned(),
                other => other.to_owned(),
            });
            if c.width.is_some_and(|w| !(1..=9).contains(&w)) {
                let mut w_at = key("columns");
                w_at.push(Segment::Index(i));
                w_at.push(Segment::Key("width".into()));
                self.error(&w_at, "a column is 1 to 9 times as wide as a plain figure's".into()).hint =
                    Some("e.g. `width: 3` for a column of names".into());
            }
            columns.push(Column { label, group: c.group.clone(), value: c.value.clone(), width: c.width });
        }
        let across = t.across.unwrap_or(1);
        if !(1..=4).contains(&across) {
            self.error(&key("across"), format!("{across} members a row: a row takes 1 to 4")).hint =
                Some("e.g. `across: 2` for 类型 数量 类型 数量".into());
        }
        if t.transpose && t.across.is_some_and(|n| n > 1) {
            self.error(
                &key("transpose"),
                "a table is either turned (`transpose`) or set side by side (`across`)".into(),
            );
        }
        if t.transpose && columns.len() < 2 {
            self.error(
                &key("transpose"),
                "a turned table needs a first column to head the others, and a figure".into(),
            );
        }
        Some(Table {
            rows,
            columns,
            empty: t.empty.clone(),
            across: across.clamp(1, 4),
            transpose: t.transpose,
            by: t.by.clone(),
        })
    }
}
