//! The office definition (`bulletin.yaml`): what one office's bulletin is
//! made of — its raw figures (measures), the figures derived from them with
//! their rounding rules, the parameters of its lists, and the selections
//! (named lists of units or items with a filter, an order and a limit).
//!
//! Loaded and checked once ([`load`]); every problem is a [`Diagnostic`] at
//! its line, like a month's. The checked [`Definition`] holds parsed
//! formulas and an evaluation order in which no figure comes before one it
//! reads; `engine` evaluates it over a month's figures.

mod check;
pub mod expr;
pub mod raw;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::number::{Decimal, FigureRule, Ratio};
pub use raw::{Aggregate, CaseNumbers, MeasureKind, Over, ParamKind, SignoffField};

pub(crate) use check::parse_rule;
pub use expr::Expr;

/// The definition file's name, beside an office's `months/`.
pub const FILE_NAME: &str = "bulletin.yaml";

/// Furong's definition, bundled: what an archive without a `bulletin.yaml`
/// of its own is built with (every archive made before definitions were).
pub const FURONG: &str = include_str!("../../bulletin.yaml");

/// Where a figure lives: once for the office, once per unit, or once per
/// item of a list.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScopeKey {
    Office,
    Unit,
    List(String),
}

impl ScopeKey {
    /// A figure's name as diagnostics give it: `rank` for a unit's,
    /// `office.unsatisfied`, `city.score_rank`.
    pub fn qualify(&self, name: &str) -> String {
        match self {
            ScopeKey::Unit => name.to_owned(),
            _ => format!("{}.{name}", self.name()),
        }
    }

    /// The scope's key in the file: `office`, `unit`, or the list's name.
    pub fn name(&self) -> &str {
        match self {
            ScopeKey::Office => "office",
            ScopeKey::Unit => "unit",
            ScopeKey::List(name) => name,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Definition {
    /// The file it was read from (for diagnostics), or `bulletin.yaml`
    /// for the bundled one.
    pub path: PathBuf,
    /// The file's bytes: an input of every month's build.
    pub source: Vec<u8>,
    pub office: Office,
    /// Channel code and name, in file order.
    pub channels: Vec<(String, String)>,
    /// Named rounding rules; a month's `rules.figures` overrides them by name.
    pub rules: BTreeMap<String, FigureRule>,
    pub params: BTreeMap<String, Param>,
    pub scopes: BTreeMap<ScopeKey, Scope>,
    /// The labels of the lists.
    pub lists: BTreeMap<String, String>,
    /// The lists whose items have no name (`named: false`: one line a
    /// ticket, say), only their measures.
    pub unnamed: std::collections::BTreeSet<String>,
    /// Where a month's files hold each office figure (its measures and the
    /// figures typed as published) and each list: `at:`, else figures.yaml
    /// under the name.
    pub office_at: BTreeMap<String, Location>,
    pub list_at: BTreeMap<String, Location>,
    pub groups: Vec<GroupDef>,
    pub selections: BTreeMap<String, Selection>,
    /// Every derived figure, each after the figures it reads.
    pub order: Vec<(ScopeKey, String)>,
    /// What each month's figures must satisfy, in file order (by name).
    pub checks: Vec<Check>,
    /// The bulletin's parts (empty: the months check, but nothing prints).
    pub sections: Vec<Section>,
    /// A member unit's sheet (`bulletin distribute`): the definition's, or
    /// the default one (every figure the unit carries, the lists naming it).
    pub sheet: Sheet,
    /// Bulletins of several months, by kind (`quarter`, `half`, `year`,
    /// `months`): each its title and sections, or the monthly ones.
    pub periods: BTreeMap<String, PeriodDef>,
    /// 同比 and 环比 from the archive, when declared: the rule a change's
    /// rate is shown by.
    pub compare: Option<RuleRef>,
    /// 总第N期: the month whose issue is number `.1`, one more each month.
    pub numbering: Option<(crate::month::types::Period, u32)>,
}

/// How a change's rate is shown when the definition names no rule: 6.44, 25.
pub const COMPARE_RULE: FigureRule = FigureRule::new(2, crate::number::Rounding::HalfUp, crate::number::Style::Trim);

/// How a bulletin of several months differs from the monthly one.
#[derive(Clone, Debug, Default)]
pub struct PeriodDef {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    /// Empty: the monthly sections.
    pub sections: Vec<Section>,
    /// A month the archive lacks is a warning, not an error: the period
    /// is made from the months it has (`period.missing` names the others).
    pub allow_missing: bool,
}

/// The kinds of period a definition may declare, as `Span::kind` names them.
pub const PERIOD_KINDS: [&str; 4] = ["quarter", "half", "year", "months"];

impl Definition {
    /// Whether a part shows the year's figures up to the month (`over:
    /// year_to_date`), which are then read from the archive.
    pub fn uses_year_to_date(&self) -> bool {
        fn any(sections: &[Section]) -> bool {
            sections.iter().any(|s| s.over == Over::YearToDate || any(&s.sections))
        }
        any(&self.sections) || self.periods.values().any(|p| any(&p.sections))
    }

    /// The trend charts a bulletin of this kind of period prints, in order:
    /// their office figures are read from the archive's months.
    pub fn trend_charts(&self, kind: &str) -> Vec<&Chart> {
        fn walk<'a>(sections: &'a [Section], out: &mut Vec<&'a Chart>) {
            for s in sections {
                if let Some(chart @ Chart { kind: ChartKind::Trend { .. }, .. }) = &s.chart {
                    out.push(chart);
                }
                walk(&s.sections, out);
            }
        }
        let mut out = Vec::new();
        walk(self.sections_for(kind), &mut out);
        out
    }

    /// The sections a bulletin of this kind of period prints.
    pub fn sections_for(&self, kind: &str) -> &[Section] {
        match self.periods.get(kind) {
            Some(period) if !period.sections.is_empty() => &period.sections,
            _ => &self.sections,
        }
    }
}

/// A unit's one-page sheet: a title and parts, each a heading, sentences,
/// a table of the unit's figures, or its trend over the archived months.
#[derive(Clone, Debug)]
pub struct Sheet {
    /// A template; none: the bulletin's title and the unit's name.
    pub title: Option<String>,
    /// How many months, the sheet's own included, a trend shows.
    pub months: usize,
    pub parts: Vec<SheetPart>,
    /// Written in the definition (not the default): its first sentences
    /// open each unit's mail.
    pub declared: bool,
}

#[derive(Clone, Debug, Default)]
pub struct SheetPart {
    pub heading: Option<String>,
    /// A minijinja template.
    pub prose: Option<String>,
    /// The unit's figures by name with their labels; `All` for every
    /// figure the unit's group carries, in the definition's order.
    pub figures: Option<SheetFigures>,
    /// Percent figures of a unit (name, label), charted month by month.
    pub trend: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
pub enum SheetFigures {
    All,
    Named(Vec<(String, String)>),
}

/// How many months a sheet's trend shows unless the definition says.
pub const SHEET_MONTHS: usize = 12;

impl Sheet {
    /// The sheet of a definition that declares none: the unit's group, its
    /// figures, and the bulletin's lists that name it.
    pub fn default_parts() -> Self {
        let intro = "{{ unit.name }}属{{ unit.group }}，该组本月共{{ unit.group_size }}个单位。\
                     以下是本单位{{ period.year }}年{{ period.month }}月的各项数字，口径与通报相同。";
        let lists = "{% for name, l in on | items if l %}{% if loop.first %}本单位列入本期通报的{% endif %}\
                     “{{ l.label }}”{% if l.position %}（{{ l.size }}个单位中第{{ l.position }}位）{% endif %}\
                     {% if loop.last %}。{% else %}、{% endif %}{% else %}本单位未列入本期通报的名单。{% endfor %}";
        Self {
            title: None,
            declared: false,
            months: SHEET_MONTHS,
            parts: vec![
                SheetPart { prose: Some(intro.into()), ..SheetPart::default() },
                SheetPart {
                    heading: Some("本单位本月数字".into()),
                    figures: Some(SheetFigures::All),
                    ..SheetPart::default()
                },
                SheetPart { heading: Some("通报名单".into()), prose: Some(lists.into()), ..SheetPart::default() },
            ],
        }
    }
}

/// Where a month's files hold a figure or a list: a file of the month
/// folder and the keys down to it (`tickets.yaml` + `topic`, `tickets`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub keys: Vec<String>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.file, self.keys.join("."))
    }
}

/// The file that holds the office's figures and lists unless `at:` says otherwise.
pub const FIGURES_FILE: &str = "figures.yaml";

impl Definition {
    /// The month's files that hold the office's figures and lists (not
    /// month.yaml, which holds the issue), figures.yaml first; figures.yaml
    /// alone when nothing names a file.
    pub fn figure_files(&self) -> Vec<String> {
        let mut files: Vec<String> = self
            .office_at
            .values()
            .chain(self.list_at.values())
            .map(|at| at.file.clone())
            .filter(|file| file != "month.yaml")
            .collect();
        files.sort_by_key(|file| (file != FIGURES_FILE, file.clone()));
        files.dedup();
        if files.is_empty() && !self.office_at.values().chain(self.list_at.values()).any(|at| at.file == "month.yaml") {
            files.push(FIGURES_FILE.to_owned());
        }
        files
    }
}

/// A check over a month's figures: its condition must hold at every
/// member of its scope.
#[derive(Clone, Debug)]
pub struct Check {
    pub name: String,
    pub scope: ScopeKey,
    pub assert: Expr,
    /// The condition as written, for messages.
    pub text: String,
    /// A failed check is an error (else a warning).
    pub error: bool,
    pub message: Option<String>,
    /// The code by which month.yaml's `acknowledge:` accepts the warning.
    pub code: Option<String>,
}

/// One part of the bulletin: a heading (numbered by its depth), and what
/// it holds — an editor's text, a sentence, a table — then its sub-parts.
#[derive(Clone, Debug)]
pub struct Section {
    pub heading: Option<String>,
    /// The heading's level, 1 to 4 (一、 （一） 1. （1））.
    pub level: usize,
    /// The heading opens its first paragraph ("1.基本数据：…").
    pub run_in: bool,
    /// The heading takes a number of its level (一、); without, it takes
    /// none and leaves the level's count as it was.
    pub numbered: bool,
    /// When the typical cases' titles are numbered.
    pub case_numbers: CaseNumbers,
    /// The figures it shows: the period's, or the year's up to it.
    pub over: Over,
    /// Printed after the 落款 on pages of its own, its heading the
    /// appendix's title (§7.3.6: "附件：title" before the 落款).
    pub appendix: bool,
    /// The appendix's name in the 附件说明 when it is not its title (a template).
    pub attachment: Option<String>,
    /// Shown only when this office-level condition holds.
    pub when: Option<Expr>,
    /// A file of the month folder, in paragraphs; `optional` when the
    /// part may be left out by not writing it.
    pub text: Option<(String, bool)>,
    /// A folder of the month holding its typical cases, one a file;
    /// `optional` when the part may be left out by not writing any.
    pub cases: Option<(String, bool)>,
    /// A minijinja template.
    pub prose: Option<String>,
    pub table: Option<Table>,
    pub chart: Option<Chart>,
    pub sections: Vec<Section>,
}

/// A chart of a section: its title (a template, numbered 图N by the
/// tool) and what it draws.
#[derive(Clone, Debug)]
pub struct Chart {
    pub title: String,
    pub kind: ChartKind,
}

#[derive(Clone, Debug)]
pub enum ChartKind {
    /// Office figures month by month, a line each, over `months` months
    /// up to the period's last (none: 12 for a month, else the period's).
    Trend { figures: Vec<(String, String)>, months: Option<usize>, unit: ChartUnit },
    /// A bar for each row, as long as its figure `value`, named by `label`
    /// (`name` or `short`).
    Bars { rows: Rows, value: String, label: String, unit: ChartUnit },
}

/// What a chart's values are: rates (a scale up to 100) or amounts (a
/// scale from zero), and the word after each number (件, %, 分, or none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartUnit {
    pub percent: bool,
    pub suffix: String,
}

impl ChartUnit {
    fn of(percent: bool, suffix: &str) -> Self {
        Self { percent, suffix: suffix.to_owned() }
    }
}

/// What a figure of `scope` counts, for a chart: a measure by its kind, a
/// percentage as a rate, a value by the figures it is made of (件 where
/// all are counts, 分 where one is a score, no word otherwise), a rank
/// with no word. None for a text, or a name that is no figure.
pub fn chart_unit(scopes: &BTreeMap<ScopeKey, Scope>, scope: &ScopeKey, name: &str) -> Option<ChartUnit> {
    fn walk(scopes: &BTreeMap<ScopeKey, Scope>, scope: &ScopeKey, name: &str, depth: usize) -> Option<ChartUnit> {
        let figures = scopes.get(scope)?;
        if let Some(measure) = figures.measures.get(name) {
            return match measure.kind {
                MeasureKind::Count => Some(ChartUnit::of(false, "件")),
                MeasureKind::Percent => Some(ChartUnit::of(true, "%")),
                MeasureKind::Score => Some(ChartUnit::of(false, "分")),
                MeasureKind::Text | MeasureKind::Unit => None,
            };
        }
        let derived = figures.derived.get(name)?;
        let expr = match &derived.formula {
            Formula::Percent(_) => return Some(ChartUnit::of(true, "%")),
            Formula::Rank { .. } => return Some(ChartUnit::of(false, "")),
            Formula::Grade { .. } => return None,
            Formula::Value(expr) => expr,
        };
        // The words of the figures it is made of; a cycle or a deep chain
        // (refused by the checker anyway) gives none.
        let words: Vec<String> = expr
            .figure_names()
            .iter()
            .filter(|_| depth < 16)
            .filter_map(|(path, _)| {
                // A name of its own scope, else of the members it adds
                // up (`sum(units, signed)` beside an office's `signed`).
                let (at, figure) = match path {
                    [office, figure] if office == "office" => (ScopeKey::Office, figure),
                    [figure] if figure != name && scopes.get(scope).is_some_and(|s| s.has(figure)) => {
                        (scope.clone(), figure)
                    }
                    [figure] => {
                        let members = scopes.iter().filter(|(key, _)| *key != scope);
                        let (key, _) =
                            members.filter(|(_, s)| s.has(figure)).min_by_key(|(key, _)| **key != ScopeKey::Unit)?;
                        (key.clone(), figure)
                    }
                    _ => return None,
                };
                walk(scopes, &at, figure, depth + 1).map(|unit| unit.suffix)
            })
            .collect();
        let suffix = if words.iter().any(|w| w == "分") {
            "分"
        } else if !words.is_empty() && words.iter().all(|w| w == "件") {
            "件"
        } else {
            ""
        };
        Some(ChartUnit::of(false, suffix))
    }
    walk(scopes, scope, name, 0)
}

#[derive(Clone, Debug)]
pub struct Table {
    pub rows: Rows,
    pub columns: Vec<Column>,
    pub empty: Option<String>,
    /// Members side by side in a row (2: 类型 数量 类型 数量).
    pub across: usize,
    /// One member a column, one figure a row (the first column's label
    /// and values head the columns).
    pub transpose: bool,
    /// One row a value of this text measure of the rows (a tally: 表扬 3
    /// 行政审批服务局、韭菜园街道、荷花园街道).
    pub by: Option<String>,
}

/// What a table's rows are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rows {
    /// Every unit, or those of one group.
    Units(Option<String>),
    List(String),
    Selection(String),
}

#[derive(Clone, Debug)]
pub struct Column {
    pub label: String,
    /// The spanning header above this column, shared with its neighbours.
    pub group: Option<String>,
    /// A figure of the row's scope (a channel's part as `measure.channel`),
    /// or `name`, `short`, `group`, `index` (the row's number).
    pub value: String,
    /// Its width against a plain figure's (1), when the office sets it.
    pub width: Option<u8>,
}

#[derive(Clone, Debug)]
pub struct Office {
    pub name: String,
    pub district: String,
    pub city: String,
    pub main_to: Option<String>,
    /// The title's template; `None` for the default.
    pub title: Option<String>,
    /// Lines under the title (期号, 编发单位 and date): a template.
    pub subtitle: Option<String>,
    pub signoff: Vec<SignoffField>,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub label: String,
    pub kind: ParamKind,
    pub value: ParamValue,
    /// The least value a month may give it.
    pub min: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    Number(Decimal),
    Groups(Vec<String>),
}

/// The measures and derived figures of one scope.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub measures: BTreeMap<String, Measure>,
    pub derived: BTreeMap<String, Derived>,
    /// The measures' names in the order the definition declares them.
    pub order: Vec<String>,
    /// The derived figures' names in the order the definition declares them.
    pub derived_order: Vec<String>,
}

impl Scope {
    /// The measures in the order the definition declares them.
    pub fn measures_in_order(&self) -> impl Iterator<Item = (&String, &Measure)> {
        self.order.iter().filter_map(|name| self.measures.get_key_value(name))
    }

    /// The derived figures in the order the definition declares them.
    pub fn derived_in_order(&self) -> impl Iterator<Item = (&String, &Derived)> {
        self.derived_order.iter().filter_map(|name| self.derived.get_key_value(name))
    }

    /// Whether it has a measure or a derived figure of that name.
    pub fn has(&self, name: &str) -> bool {
        self.measures.contains_key(name) || self.derived.contains_key(name)
    }
}

#[derive(Clone, Debug)]
pub struct Measure {
    pub label: String,
    pub kind: MeasureKind,
    pub rule: Option<RuleRef>,
    pub required: bool,
    /// Split by the office's channels.
    pub by_channels: bool,
    /// How its monthly values make a longer period's.
    pub aggregate: Aggregate,
}

/// A rounding rule: one of the definition's named rules (overridable by a
/// month), or written out in place.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleRef {
    Named(String),
    Inline(FigureRule),
}

#[derive(Clone, Debug)]
pub struct Derived {
    pub label: String,
    pub formula: Formula,
    pub rule: RuleRef,
    /// Shown where the figure has no value (a zero denominator).
    pub zero: String,
    /// A month may type the figure as the platform published it: that is
    /// printed, and a difference from the derived value is a warning.
    pub published: bool,
}

#[derive(Clone, Debug)]
pub enum Formula {
    Value(Expr),
    /// The formula's value times 100.
    Percent(Expr),
    /// Competition rank by a key ("1224"), highest first when `desc`.
    Rank {
        key: Expr,
        desc: bool,
        within_group: bool,
    },
    /// A grade from bands over a key: its value is the band's place (1 for
    /// the highest), shown as the band's name, so that it sorts, and moves
    /// (上升 where the place falls).
    Grade {
        key: Expr,
        bands: Vec<Band>,
    },
}

/// A band of a grade: its name, and the least key it takes (none: every
/// key below the bands above).
#[derive(Clone, Debug)]
pub struct Band {
    pub name: String,
    pub from: Option<Expr>,
}

impl Formula {
    /// The name of the band a grade's value stands for.
    pub fn band_name(&self, value: Ratio) -> Option<&str> {
        let Formula::Grade { bands, .. } = self else { return None };
        let place = usize::try_from(value.to_integer()?).ok()?;
        bands.get(place.checked_sub(1)?).map(|b| b.name.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct GroupDef {
    pub name: String,
    /// The unit measures this group's units carry; `None` for all.
    pub measures: Option<Vec<String>>,
}

/// What a selection picks from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Units,
    List(String),
}

#[derive(Clone, Debug)]
pub struct Selection {
    pub label: String,
    pub from: Source,
    /// Only the units of these groups (names), for a selection of units.
    pub groups: Option<Vec<String>>,
    pub condition: Option<Expr>,
    pub sort: Vec<SortKey>,
    /// A `groups` parameter giving the order of groups for a `group` key.
    pub group_order: Option<String>,
    pub limit: Option<Amount>,
    /// Keep the members tied with the last one at the limit.
    pub keep_ties: bool,
    /// A month may type the list as published (month.yaml `published:`):
    /// that is printed, and a difference from the selection is a warning.
    pub published: bool,
}

#[derive(Clone, Debug)]
pub struct SortKey {
    pub by: SortBy,
    pub desc: bool,
}

#[derive(Clone, Debug)]
pub enum SortBy {
    /// The unit's group, in the selection's group order.
    Group,
    Figure(Expr),
}

/// A number written in place or read from a parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum Amount {
    Fixed(u32),
    Param(String),
}

/// The outcome of loading a definition.
#[derive(Debug)]
pub struct Loaded {
    pub definition: Option<Definition>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and checks the definition at `path`.
pub fn load(path: &Path) -> std::io::Result<Loaded> {
    let bytes = std::fs::read(path)?;
    Ok(check::check_bytes(path, &bytes))
}

/// A checked definition, shared: its checked form (or its errors) and
/// its warnings.
#[derive(Clone, Debug)]
pub struct Shared {
    pub definition: Option<Arc<Definition>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Like [`load`], but a file read before in this run with the same bytes
/// is not checked again: the months of a batch (or of a `watch`) share
/// one check of their office's definition, its templates probed once.
/// An edited file has other bytes, and is checked anew.
pub fn load_shared(path: &Path) -> std::io::Result<Shared> {
    type Cache = std::sync::Mutex<BTreeMap<PathBuf, (Vec<u8>, Shared)>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let bytes = std::fs::read(path)?;
    let cache = CACHE.get_or_init(Default::default);
    if let Some((cached, shared)) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(path) {
        if *cached == bytes {
            return Ok(shared.clone());
        }
    }
    let loaded = check::check_bytes(path, &bytes);
    let shared = Shared { definition: loaded.definition.map(Arc::new), diagnostics: loaded.diagnostics };
    cache.lock().unwrap_or_else(|p| p.into_inner()).insert(path.to_owned(), (bytes, shared.clone()));
    Ok(shared)
}

/// Checks a definition's bytes as read from `path`.
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Loaded {
    check::check_bytes(path, bytes)
}

/// The bundled Furong definition, checked once.
pub fn furong() -> Arc<Definition> {
    static FURONG_DEFINITION: std::sync::OnceLock<Arc<Definition>> = std::sync::OnceLock::new();
    FURONG_DEFINITION
        .get_or_init(|| {
            let loaded = check::check_bytes(Path::new(FILE_NAME), FURONG.as_bytes());
            Arc::new(loaded.definition.expect("the bundled definition is checked by the tests"))
        })
        .clone()
}

/// A month's own choice of definition: `definition:` in its month.yaml,
/// a path relative to the month folder — the definition the month was
/// issued under, so that a later change to the office's `bulletin.yaml`
/// does not rewrite an archived bulletin.
#[derive(Debug)]
pub struct Pin {
    /// The definition file (the month folder joined with what is written).
    pub path: PathBuf,
    /// The month.yaml that pins it, and its text (for diagnostics).
    pub month_yaml: PathBuf,
    pub text: String,
}

/// The month's pin, if its month.yaml names a definition. A month.yaml
/// that does not parse pins nothing here; its reading reports why.
pub fn pinned(month_dir: &Path) -> Option<Pin> {
    let month_yaml = month_dir.join("month.yaml");
    let text = std::fs::read_to_string(&month_yaml).ok()?;
    let value: serde_yaml::Value = serde_yaml::from_str(&text).ok()?;
    let written = value.get("definition")?.as_str()?;
    Some(Pin { path: month_dir.join(written), month_yaml, text })
}

/// The definition file that governs the month folder `month_dir`: the one
/// its month.yaml pins (`definition:`), else the
/// first `bulletin.yaml` in the folder's parent (beside the months) or the
/// parent's parent (beside `months/`); `None` when there is none.
pub fn find_for_month(month_dir: &Path) -> Option<PathBuf> {
    pinned(month_dir).map(|pin| pin.path).or_else(|| find_beside(month_dir))
}

/// The office's own `bulletin.yaml` for the month folder `month_dir`,
/// whatever the month pins: beside the months or beside `months/`.
pub fn find_beside(month_dir: &Path) -> Option<PathBuf> {
    // As the user named the folder where that reaches (diagnostics then
    // show `bulletin.yaml`, not an absolute path), else from its absolute path.
    let named: Vec<&Path> = month_dir.ancestors().skip(1).take(2).collect();
    let dirs: Vec<PathBuf> = if named.len() == 2 {
        named.iter().map(|d| d.to_path_buf()).collect()
    } else {
        let absolute = std::path::absolute(month_dir).ok()?;
        absolute.ancestors().skip(1).take(2).map(Path::to_path_buf).collect()
    };
    dirs.iter().map(|dir| dir.join(FILE_NAME)).find(|p| p.is_file())
}

impl Definition {
    pub fn scope(&self, key: &ScopeKey) -> &Scope {
        static EMPTY: std::sync::OnceLock<Scope> = std::sync::OnceLock::new();
        self.scopes.get(key).unwrap_or_else(|| EMPTY.get_or_init(Scope::default))
    }

    /// The unit measures the units of `group` carry: the group's own list
    /// (bulletin.yaml's `groups[].measures`), else every unit measure.
    pub fn group_measures(&self, group: &str) -> Vec<&String> {
        match self.groups.iter().find(|g| g.name == group).and_then(|g| g.measures.as_ref()) {
            Some(names) => names.iter().collect(),
            None => self.scope(&ScopeKey::Unit).measures.keys().collect(),
        }
    }

    /// A parameter's value, with a month's overrides.
    pub fn param<'a>(&'a self, name: &str, overrides: &'a BTreeMap<String, ParamValue>) -> Option<&'a ParamValue> {
        overrides.get(name).or_else(|| self.params.get(name).map(|p| &p.value))
    }

    /// A rule by reference, with a month's overrides of named rules.
    pub fn rule(&self, rule: &RuleRef, overrides: &BTreeMap<String, FigureRule>) -> FigureRule {
        match rule {
            RuleRef::Inline(rule) => *rule,
            RuleRef::Named(name) => {
                overrides.get(name).or_else(|| self.rules.get(name)).copied().unwrap_or(DEFAULT_RULE)
            }
        }
    }
}

/// How a derived figure with no rule is shown: two decimals, half up,
/// trailing zeros dropped (a whole number shows as one).
pub const DEFAULT_RULE: FigureRule = FigureRule::new(2, crate::number::Rounding::HalfUp, crate::number::Style::Trim);
