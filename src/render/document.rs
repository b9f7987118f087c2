//! An office's bulletin as data for `layouts/office.typ`: the title, the
//! sign-off, and the sections flattened into blocks (headings by level,
//! paragraphs, tables) with every figure already shown under its rule.
//! Sentences come from the sections' minijinja templates; editors' text
//! files arrive as plain strings. Typst receives all of it as data, never
//! as markup, and computes nothing.

use std::collections::BTreeMap;

use minijinja::Value as Context;
use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use crate::definition::{
    CaseNumbers, Formula, MeasureKind, Over, ParamValue, Rows, ScopeKey, Section, SignoffField, Source,
};
use crate::derive::engine;
use crate::month::office::{self, OfficeMonth};
use crate::month::span::Span;
use crate::number::Ratio;
use crate::render::chart as render_chart;
use crate::render::compare;
use crate::Error;

/// The layout an office with sections is compiled with.
pub const LAYOUT: &str = crate::render::world::MAIN_LAYOUT;

/// The comparisons a member offers where the definition compares: 同比
/// (`yoy`, the same period a year before) and 环比 (`mom`, the one before).
const COMPARISONS: [&str; 2] = ["yoy", "mom"];

/// The title when the definition gives none.
const DEFAULT_TITLE: &str = "{{ info.district }}12345热线{{ period.year }}年{{ period.month }}月运行情况通报";

#[derive(Clone, Debug, Serialize)]
pub struct Document {
    pub title: String,
    /// Lines under the title, when the office prints any.
    pub subtitle: Option<String>,
    pub period: PeriodFigures,
    pub district: String,
    pub main_to: Option<String>,
    pub draft: bool,
    pub signoff: Option<SignoffText>,
    pub blocks: Vec<Block>,
    /// The appendices, after the 落款, each on pages of its own.
    pub appendices: Vec<Appendix>,
    /// The month's source files, attached as `/source/<name>`.
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PeriodFigures {
    pub year: i32,
    /// The month; of several months, the last.
    pub month: u8,
    /// `2020-03`, `2020-Q1`, `2020-H1`, `2020`, `2020-01..2020-06`
    pub key: String,
    /// `month`, `quarter`, `half`, `year` or `months`.
    pub kind: &'static str,
    /// 2020年3月, 2020年第一季度, 2020年上半年, 2020年, 2020年1—6月
    pub label: String,
    /// In a sentence: 3月份, 第一季度, 上半年, 全年, 1—6月
    pub name: String,
    /// The first and last month covered (the same for a month).
    pub from: u8,
    pub to: u8,
    /// How many months it covers.
    pub months: usize,
    /// The quarter (1–4) or half (1–2); 0 for other kinds.
    pub quarter: u8,
    pub half: u8,
    /// The number within its year (第5期): its month, quarter or
    /// half; 1 for a year.
    pub number: u8,
    /// 总第N期, where the definition numbers its issues (`numbering:`) and
    /// the month is not before the first: from the month alone, so that a
    /// rebuilt old month keeps its number. Left out (an error where a
    /// template asks for it) rather than printed as "none".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// The months of the period its figures leave out, where the archive
    /// lacks them and the definition allows it (2020年2月); empty else.
    pub missing: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DateFigures {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    /// `2020-04-17`
    pub iso: String,
}

/// The name a source file is attached under: `cases/01-x.txt` → `cases-01-x.txt`.
pub fn source_name(path: &str) -> String {
    path.replace('/', "-")
}

#[derive(Clone, Debug, Serialize)]
pub struct SignoffText {
    pub issuer: String,
    pub date: DateFigures,
    /// `2023年2月20日`
    pub date_text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Appendix {
    pub title: String,
    /// Its name in the 附件说明 (§7.3.6): the title, unless the
    /// definition names it otherwise.
    pub note: String,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// `number` is generated from the level (GB/T 9704 §7.3.3).
    Heading {
        level: usize,
        number: String,
        text: String,
    },
    /// `lead`: a run-in heading ("1.基本数据：") opening the paragraph.
    Paragraph {
        lead: Option<Lead>,
        text: String,
    },
    Table {
        columns: Vec<ColumnHead>,
        rows: Vec<Vec<String>>,
    },
    /// One part of a typical case's body (its title is the heading before
    /// it): a paragraph, sub-heading, list or table of the editor's, as
    /// data. One block a part, so that only the last paragraph goes with
    /// the 落款 to a new page.
    Case {
        part: crate::month::case::Block,
    },
    /// A chart, numbered 图N, with its figures as alternative text.
    Chart {
        chart: crate::render::chart::Chart,
    },
}

/// A run-in heading, set in its level's face (§7.3.3: 黑体, 楷体, 仿宋).
#[derive(Clone, Debug, Serialize)]
pub struct Lead {
    pub level: usize,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ColumnHead {
    pub label: String,
    /// What the column shows (`index`, `name`, a figure): its width follows.
    pub value: String,
    /// The spanning header over this column and its neighbours of the same group.
    pub group: Option<String>,
    /// It holds names or texts (a unit's name, the units of a tally), so
    /// the layout gives it room.
    pub wide: bool,
    /// Its width against a plain figure's, when the definition sets it.
    pub width: Option<u8>,
}

/// The number of the `n`th heading (from 1) at `level`: 一、 （一） 1. （1）.
pub fn heading_number(level: usize, n: usize) -> String {
    let cn = crate::number::cn_num(n as u64).unwrap_or_else(|| n.to_string());
    match level {
        1 => format!("{cn}、"),
        2 => format!("（{cn}）"),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

/// Heading numbers by level: a heading counts up its level and restarts
/// every deeper one.
/// Charts are numbered 图1, 图2 … across the whole bulletin.
#[derive(Default)]
struct Counters {
    levels: [usize; 4],
    charts: usize,
}

impl Counters {
    fn next(&mut self, level: usize) -> String {
        let at = level.clamp(1, 4) - 1;
        self.levels[at] += 1;
        for deeper in &mut self.levels[at + 1..] {
            *deeper = 0;
        }
        heading_number(level, self.levels[at])
    }

    /// The next chart's number: 图3.
    fn next_chart(&mut self) -> String {
        self.charts += 1;
        format!("图{}", self.charts)
    }
}

impl OfficeMonth {
    /// `2020-03`
    pub fn period_key(&self) -> String {
        self.span.to_string()
    }

    pub fn district(&self) -> &str {
        &self.definition.office.district
    }

    /// What the office's final bulletin must have signed off.
    pub fn signoff_fields(&self) -> &[SignoffField] {
        &self.definition.office.signoff
    }

    /// Whether the month carries every sign-off field its office requires.
    pub fn is_final(&self) -> bool {
        office::is_complete(&self.signoff, &self.definition.office.signoff)
    }

    /// The sign-off fields still missing for a final bulletin (keys of month.yaml).
    pub fn missing_signoff(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        for field in &self.definition.office.signoff {
            let (given, name) = match field {
                SignoffField::Issuer => (self.signoff.issuer.is_some(), "issuer"),
                SignoffField::Date => (self.signoff.date.is_some(), "date"),
                SignoffField::ApprovedBy => (self.signoff.approved_by.is_some(), "approved_by"),
            };
            if !given {
                missing.push(name);
            }
        }
        if self.signoff.date.is_none() && !missing.contains(&"date") {
            missing.push("date");
        }
        missing
    }

    /// The bulletin's data: every section whose condition holds, in order.
    pub fn document(&self) -> Result<Document, Error> {
        let context = self.context();
        let env = crate::render::narrative::environment();
        let render = |source: &str, what: &str| -> Result<String, Error> {
            env.render_str(source, &context).map(|t| t.trim().to_owned()).map_err(|err| Error::Template {
                path: self.definition.path.clone(),
                message: format!("{what}: {}", crate::render::narrative::describe(&err)),
            })
        };
        // A bulletin of several months: its period's title, subtitle and
        // sections where the definition gives them.
        let kind = self.span.kind();
        let period = self.definition.periods.get(kind);
        let (title_source, title_what) = match period.and_then(|p| p.title.as_deref()) {
            Some(source) => (source, format!("`periods.{kind}.title` of bulletin.yaml")),
            None => (
                self.definition.office.title.as_deref().unwrap_or(DEFAULT_TITLE),
                "`office.title` of bulletin.yaml".to_owned(),
            ),
        };
        let title = match &self.title {
            Some(title) => title.clone(),
            None => render(title_source, &title_what)?,
        };
        let subtitle = match period.and_then(|p| p.subtitle.as_deref()) {
            Some(source) => Some((source, format!("`periods.{kind}.subtitle` of bulletin.yaml"))),
            None => {
                self.definition.office.subtitle.as_deref().map(|s| (s, "`office.subtitle` of bulletin.yaml".to_owned()))
            }
        };
        let subtitle = match subtitle {
            Some((source, what)) => Some(render(source, &what)?).filter(|t| !t.is_empty()),
            None => None,
        };
        let mut blocks = Vec::new();
        let mut appendices = Vec::new();
        let mut counters = Counters::default();
        for (i, section) in self.definition.sections_for(kind).iter().enumerate() {
            if section.appendix {
                let mut blocks = Vec::new();
                let what = format!("`sections[{i}].heading` of bulletin.yaml");
                let title = render(section.heading.as_deref().unwrap_or_default(), &what)?;
                let note = match &section.attachment {
                    Some(name) => render(name, &format!("`sections[{i}].attachment` of bulletin.yaml"))?,
                    None => title.clone(),
                };
                let body = Section { heading: None, appendix: false, ..section.clone() };
                // Its headings numbered afresh, its charts on from the body's.
                let mut own = Counters { charts: counters.charts, ..Counters::default() };
                self.sections(std::slice::from_ref(&body), "", i, &mut own, &render, &mut blocks)?;
                counters.charts = own.charts;
                if !blocks.is_empty() {
                    appendices.push(Appendix { title, note, blocks });
                }
            } else {
                self.sections(std::slice::from_ref(section), "", i, &mut counters, &render, &mut blocks)?;
            }
        }
        let signoff = match (self.is_final(), self.signoff.date) {
            (true, Some(date)) => Some(SignoffText {
                issuer: self.signoff.issuer.clone().unwrap_or_else(|| self.definition.office.name.clone()),
                date: DateFigures {
                    year: date.year,
                    month: date.month,
                    day: date.day,
                    iso: format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
                },
                date_text: format!("{}年{}月{}日", date.year, date.month, date.day),
            }),
            _ => None,
        };
        Ok(Document {
            title,
            subtitle,
            period: self.period_figures(),
            district: self.definition.office.district.clone(),
            main_to: self.definition.office.main_to.clone(),
            draft: signoff.is_none(),
            signoff,
            blocks,
            appendices,
            sources: self.sources.iter().map(|(name, _)| source_name(name)).collect(),
        })
    }

    pub(crate) fn period_figures(&self) -> PeriodFigures {
        let (from, to) = self.span.bounds();
        let (quarter, half) = match self.span {
            Span::Quarter(_, q) => (q, 0),
            Span::Half(_, h) => (0, h),
            _ => (0, 0),
        };
        PeriodFigures {
            year: self.period.year,
            month: self.period.month,
            key: self.span.to_string(),
            kind: self.span.kind(),
            label: self.span.label(),
            name: self.span.name(),
            from: from.month,
            to: to.month,
            months: self.span.months().len(),
            quarter,
            half,
            number: match self.span {
                Span::Month(p) => p.month,
                Span::Quarter(_, n) | Span::Half(_, n) => n,
                Span::Year(_) => 1,
                Span::Range(..) => to.month,
            },
            missing: self.absent.iter().map(|&p| Span::Month(p).label()).collect(),
            total: match (self.span, self.definition.numbering) {
                (Span::Month(p), Some((from, first))) if p >= from => Some(p.index() - from.index() + i64::from(first)),
                _ => None,
            },
        }
    }

    /// `base` and `first`: where these sections sit in the definition
    /// (`sections[2].`, from index `first`), for messages.
    #[allow(clippy::too_many_arguments)]
    fn sections(
        &self,
        sections: &[Section],
        base: &str,
        first: usize,
        counters: &mut Counters,
        render: &dyn Fn(&str, &str) -> Result<String, Error>,
        out: &mut Vec<Block>,
    ) -> Result<(), Error> {
        for (i, section) in sections.iter().enumerate() {
            let at = format!("{base}sections[{}]", first + i);
            let what = format!("`{at}` of bulletin.yaml");
            // A part of the year to date: laid out from those figures, with
            // the same heading numbers.
            if section.over == Over::YearToDate && self.span != self.span.year_to_date() {
                let view = self.year_to_date_view().ok_or_else(|| Error::Render {
                    message: format!(
                        "{what} shows the year to date ({}), and the archive lacks a month of it or one has errors: \
                         build it once every month of the year so far is in the archive and passes `bulletin check`",
                        self.span.year_to_date().label()
                    ),
                })?;
                let context = view.context();
                let env = crate::render::narrative::environment();
                let render = |source: &str, what: &str| -> Result<String, Error> {
                    env.render_str(source, &context).map(|t| t.trim().to_owned()).map_err(|err| Error::Template {
                        path: self.definition.path.clone(),
                        message: format!("{what}: {}", crate::render::narrative::describe(&err)),
                    })
                };
                let part = Section { over: Over::Month, ..section.clone() };
                view.sections(std::slice::from_ref(&part), base, first + i, counters, &render, out)?;
                continue;
            }
            if let Some(when) = &section.when {
                let holds = engine::holds(&self.definition, &self.input, &self.output, when)
                    .map_err(|overflow| Error::Render { message: overflow.to_string() })?;
                if !holds {
                    continue;
                }
            }
            let text = section.text.as_ref().and_then(|(file, _)| self.texts.get(file));
            let cases = section.cases.as_ref().and_then(|(folder, _)| self.cases.get(folder));
            let unwritten = (section.text.is_some() && text.is_none_or(Vec::is_empty))
                || (section.cases.is_some() && cases.is_none_or(Vec::is_empty));
            if unwritten && section.prose.is_none() && section.table.is_none() && section.sections.is_empty() {
                // An optional text or cases left unwritten: the part is left out.
                continue;
            }
            let mut lead = None;
            if let Some(heading) = &section.heading {
                let number = if section.numbered { counters.next(section.level) } else { String::new() };
                let heading = render(heading, &what)?;
                if section.run_in {
                    // A heading that ends in its own colon keeps it; an empty
                    // one leaves the number alone: "（一）全县办结…".
                    let colon = if heading.is_empty() || heading.ends_with(['：', ':']) { "" } else { "：" };
                    lead = Some(Lead { level: section.level, text: format!("{number}{heading}{colon}") });
                } else {
                    out.push(Block::Heading { level: section.level, number, text: heading });
                }
            }
            let mut paragraphs: Vec<String> = text.into_iter().flatten().cloned().collect();
            if let Some(prose) = &section.prose {
                paragraphs.extend(office::paragraphs(&render(prose, &what)?));
            }
            if lead.is_some() && paragraphs.is_empty() {
                paragraphs.push(String::new());
            }
            for paragraph in paragraphs {
                out.push(Block::Paragraph { lead: lead.take(), text: paragraph });
            }
            // Each case under a heading of the next level: by default
            // numbered when there are several, its title alone when there
            // is one.
            let cases = cases.map_or(&[][..], Vec::as_slice);
            let numbered = match section.case_numbers {
                CaseNumbers::Several => cases.len() > 1,
                CaseNumbers::Always => true,
                CaseNumbers::Never => false,
            };
            for case in cases {
                let level = (section.level + 1).min(4);
                let number = if numbered { counters.next(level) } else { String::new() };
                out.push(Block::Heading { level, number, text: case.title.clone() });
                out.extend(case.blocks.iter().map(|part| Block::Case { part: part.clone() }));
            }
            if let Some(table) = &section.table {
                let (scope, members) = self.rows(&table.rows);
                if members.is_empty() {
                    if let Some(empty) = &table.empty {
                        out.push(Block::Paragraph { lead: None, text: render(empty, &what)? });
                    }
                } else {
                    let columns: Vec<ColumnHead> = table
                        .columns
                        .iter()
                        .map(|c| ColumnHead {
                            label: c.label.clone(),
                            value: c.value.clone(),
                            group: c.group.clone(),
                            wide: ["name", "short"].contains(&c.value.as_str())
                                || self
                                    .definition
                                    .scope(&scope)
                                    .measures
                                    .get(&c.value)
                                    .is_some_and(|m| m.kind.is_text()),
                            width: c.width,
                        })
                        .collect();
                    let rows: Vec<Vec<String>> = match &table.by {
                        Some(by) => self.tally(&scope, &members, by, &table.columns),
                        None => members
                            .iter()
                            .enumerate()
                            .map(|(row, &i)| {
                                let fields = self.member(&scope, i);
                                let cell = |value: &str| match value {
                                    "index" => (row + 1).to_string(),
                                    _ => self
                                        .change_cell(&scope, i, value)
                                        .unwrap_or_else(|| self.cell(&scope, i, &fields, value)),
                                };
                                table.columns.iter().map(|c| cell(&c.value)).collect()
                            })
                            .collect(),
                    };
                    let (columns, rows) = if table.transpose {
                        turned(&columns, &rows)
                    } else {
                        side_by_side(columns, rows, table.across)
                    };
                    out.push(Block::Table { columns, rows });
                    // A period's table of units says whose figures cover fewer months.
                    if scope == ScopeKey::Unit {
                        if let Some(note) = self.partial_note(&members) {
                            out.push(Block::Paragraph { lead: None, text: note });
                        }
                    }
                }
            }
            if let Some(chart) = &section.chart {
                let number = counters.next_chart();
                let title = render(&chart.title, &what)?;
                out.push(Block::Chart { chart: self.chart(chart, number, title) });
            }
            self.sections(&section.sections, &format!("{at}."), 0, counters, render, out)?;
        }
        Ok(())
    }

    /// A chart's data: a trend's months from the archive (this month alone
    /// where it was read without one), or a bar for each row.
    fn chart(&self, chart: &crate::definition::Chart, number: String, title: String) -> render_chart::Chart {
        use crate::definition::ChartKind;
        let numeric = |value: Option<String>| value.filter(|v| crate::number::Decimal::parse(v).is_some());
        let (unit, drawing) = match &chart.kind {
            ChartKind::Trend { figures, months, unit } => {
                let own;
                let trend: &[office::TrendPoint] = if self.bases.trend.is_empty() {
                    own = [office::TrendPoint {
                        period: self.span.bounds().1,
                        values: figures.iter().map(|(n, _)| (n.clone(), self.shown(&ScopeKey::Office, 0, n))).collect(),
                    }];
                    &own
                } else {
                    &self.bases.trend
                };
                let length = crate::archive::trend::trend_length(*months, self.span);
                let trend = &trend[trend.len().saturating_sub(length)..];
                let years = trend.first().map(|p| p.period.year) != trend.last().map(|p| p.period.year);
                let points = trend
                    .iter()
                    .enumerate()
                    .map(|(i, point)| {
                        let mut p = Map::new();
                        let (year, month) = (point.period.year, point.period.month);
                        p.insert("key".into(), json!(Span::Month(point.period).to_string()));
                        p.insert("year".into(), json!(year));
                        p.insert("month".into(), json!(month));
                        p.insert("label".into(), json!(render_chart::month_label(year, month, i == 0, years)));
                        for (name, _) in figures {
                            let value = numeric(point.values.get(name).cloned().flatten());
                            p.insert(name.clone(), value.map_or(Json::Null, Json::String));
                        }
                        p
                    })
                    .collect();
                let series = figures
                    .iter()
                    .map(|(key, label)| render_chart::Series { key: key.clone(), label: label.clone() })
                    .collect();
                (unit, render_chart::Drawing::Line { points, series })
            }
            ChartKind::Bars { rows, value, label, unit } => {
                let (scope, members) = self.rows(rows);
                let bars = members
                    .iter()
                    .map(|&i| {
                        let fields = self.member(&scope, i);
                        let value = numeric(self.shown(&scope, i, value));
                        render_chart::Bar {
                            label: fields.get(label).and_then(Json::as_str).unwrap_or_default().to_owned(),
                            text: value.as_ref().map_or_else(|| "—".to_owned(), |v| format!("{v}{}", unit.suffix)),
                            value,
                        }
                    })
                    .collect();
                (unit, render_chart::Drawing::Bars { bars })
            }
        };
        let values: Vec<String> = match &drawing {
            render_chart::Drawing::Line { points, series } => points
                .iter()
                .flat_map(|p| series.iter().filter_map(|s| p.get(&s.key).and_then(Json::as_str).map(str::to_owned)))
                .collect(),
            render_chart::Drawing::Bars { bars } => bars.iter().filter_map(|b| b.value.clone()).collect(),
        };
        let values = values.iter().map(String::as_str);
        // A line of rates on the scale up to 100; amounts, and every bar, from zero.
        let axis = match (&drawing, unit.percent) {
            (render_chart::Drawing::Line { .. }, true) => render_chart::Axis::for_rates(values, &unit.suffix),
            _ => render_chart::Axis::from_zero(values, &unit.suffix),
        };
        let alt = render_chart::Chart::describe(&number, &title, &axis, &drawing);
        render_chart::Chart { number, title, alt, axis, drawing }
    }

    /// The bulletin as its year to date: the figures of the year's months
    /// up to its own; none where the archive could not give them.
    fn year_to_date_view(&self) -> Option<OfficeMonth> {
        let base = self.bases.year_to_date.as_ref()?;
        Some(OfficeMonth {
            span: self.span.year_to_date(),
            input: base.input.clone(),
            output: base.output.clone(),
            partial: BTreeMap::new(),
            bases: office::Bases::default(),
            ..self.clone()
        })
    }

    /// Under a period's table of `units`: "注：X仅统计2020年2—3月。" for
    /// each unit among them present in only some of the period's months.
    fn partial_note(&self, units: &[usize]) -> Option<String> {
        let parts: Vec<String> = units
            .iter()
            .filter_map(|&i| {
                let unit = &self.input.units[i];
                let months = self.partial.get(&unit.id)?;
                let (first, last) = (*months.first()?, *months.last()?);
                let contiguous = usize::try_from(last.index() - first.index() + 1).ok() == Some(months.len());
                let when = match (first == last, contiguous) {
                    (true, _) => Span::Month(first).label(),
                    (false, true) => Span::Range(first, last).label(),
                    (false, false) => format!("其中{}个月", months.len()),
                };
                Some(format!("{}仅统计{when}", unit.name))
            })
            .collect();
        (!parts.is_empty()).then(|| format!("注：{}。", parts.join("；")))
    }

    /// A table's rows: their scope and the members, in order.
    fn rows(&self, rows: &Rows) -> (ScopeKey, Vec<usize>) {
        match rows {
            Rows::Units(None) => (ScopeKey::Unit, (0..self.input.units.len()).collect()),
            Rows::Units(Some(group)) => (
                ScopeKey::Unit,
                (0..self.input.units.len())
                    .filter(|&i| &self.input.groups[self.input.units[i].group] == group)
                    .collect(),
            ),
            Rows::List(list) => {
                (ScopeKey::List(list.clone()), (0..self.input.lists.get(list).map_or(0, Vec::len)).collect())
            }
            Rows::Selection(name) => {
                let scope = match self.definition.selections.get(name).map(|s| &s.from) {
                    Some(Source::List(list)) => ScopeKey::List(list.clone()),
                    _ => ScopeKey::Unit,
                };
                (scope, self.output.selections.get(name).cloned().unwrap_or_default())
            }
        }
    }

    /// A table's rows merged by the text `by`, in the order each value first
    /// appears: the value; `count`, the members merged (or the sum of a
    /// `count` measure); a count, summed; another text, its values joined
    /// with 、 (each once).
    fn tally(
        &self,
        scope: &ScopeKey,
        members: &[usize],
        by: &str,
        columns: &[crate::definition::Column],
    ) -> Vec<Vec<String>> {
        let s = self.definition.scope(scope);
        let text_of =
            |i: usize, name: &str| -> String { self.input.texts(scope, i).get(name).cloned().unwrap_or_default() };
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for &i in members {
            let key = text_of(i, by);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, all)) => all.push(i),
                None => groups.push((key, vec![i])),
            }
        }
        let sum = |all: &[usize], name: &str| -> String {
            let total = all.iter().try_fold(crate::number::Ratio::ZERO, |total, &i| {
                self.output.record(scope, i).get(name).copied().flatten().and_then(|v| total.checked_add(v))
            });
            total.and_then(|t| t.to_integer()).map_or_else(|| "—".to_owned(), |n| n.to_string())
        };
        groups
            .iter()
            .map(|(key, all)| {
                columns
                    .iter()
                    .map(|c| match c.value.as_str() {
                        v if v == by => key.clone(),
                        "count" if !s.measures.contains_key("count") => all.len().to_string(),
                        v => match s.measures.get(v) {
                            Some(m) if m.kind.is_text() => {
                                let mut seen: Vec<String> = Vec::new();
                                for &i in all {
                                    let t = text_of(i, v);
                                    if !t.is_empty() && !seen.contains(&t) {
                                        seen.push(t);
                                    }
                                }
                                seen.join("、")
                            }
                            Some(m) if m.kind == MeasureKind::Count => sum(all, v),
                            _ => "—".to_owned(),
                        },
                    })
                    .collect()
            })
            .collect()
    }

    /// A table cell: the figure as shown, a percentage with its `%`.
    /// `fields`: the member as [`Self::member`] gives it, made once for all
    /// its cells.
    pub(crate) fn cell(&self, scope: &ScopeKey, member: usize, fields: &Map<String, Json>, value: &str) -> String {
        let s = self.definition.scope(scope);
        let base = value.split('.').next().unwrap_or(value);
        let is_percent = s.derived.get(value).is_some_and(|d| matches!(d.formula, Formula::Percent(_)))
            || s.measures.get(base).is_some_and(|m| m.kind == MeasureKind::Percent);
        let has_value = self.output.record(scope, member).get(value).copied().flatten().is_some();
        match fields.get(value) {
            Some(Json::String(text)) if is_percent && has_value => format!("{text}%"),
            Some(Json::String(text)) => text.clone(),
            _ => "—".to_owned(),
        }
    }

    /// What a template sees of a member (see [`engine::Output::member`]).
    pub(crate) fn member(&self, scope: &ScopeKey, member: usize) -> Map<String, Json> {
        self.output.member(&self.definition, &self.input, scope, member)
    }

    /// A figure of a member as shown, without a percentage's `%`; none
    /// where it has no value.
    pub(crate) fn shown(&self, scope: &ScopeKey, member: usize, name: &str) -> Option<String> {
        self.output.shown(&self.definition, &self.input, scope, self.output.record(scope, member), name)
    }

    /// What the templates see: `period`, `info` (the office's names),
    /// `office` (its figures), `lists`, `selections`, `params`, `channels`.
    fn context(&self) -> Context {
        Context::from_iter(self.context_entries())
    }

    /// A member as the templates see it: its figures, and where the
    /// definition compares, its `yoy` (同比) and `mom` (环比) changes.
    fn template_member(&self, scope: &ScopeKey, member: usize) -> Context {
        let fields = self.member(scope, member);
        if self.definition.compare.is_none() {
            return template_value(fields);
        }
        let record = self.output.record(scope, member);
        let extra = COMPARISONS.map(|which| {
            let changes =
                record.keys().filter_map(|name| Some((name.clone(), self.change(scope, member, which, name)?)));
            (which, compare::changes(changes.collect()))
        });
        template_value_with(fields, extra)
    }

    /// A table's cell of a change (`yoy.count`, `mom.grade`): its words
    /// without a unit (减少5，减幅6.44%; a grade's 上升); none for a cell of
    /// a figure.
    fn change_cell(&self, scope: &ScopeKey, member: usize, value: &str) -> Option<String> {
        let (which, name) = value.split_once('.').filter(|(which, _)| COMPARISONS.contains(which))?;
        let (_, missing) = self.comparison(which);
        Some(self.change(scope, member, which, name).map_or_else(|| missing.to_owned(), |c| c.words("")))
    }

    /// The base of a comparison (`yoy`, `mom`) where the archive gave one,
    /// and what is said where it gave none.
    fn comparison(&self, which: &str) -> (Option<&office::Base>, &'static str) {
        match which {
            "yoy" => (self.bases.year_before.as_deref(), "上年同期无数据"),
            _ => (self.bases.previous.as_deref(), "上期无数据"),
        }
    }

    /// Figure `name` of a member against the same member of the base of
    /// comparison `which` (the office; a unit by id; a list item by name);
    /// none where the definition does not compare or the member has no
    /// such figure.
    fn change(&self, scope: &ScopeKey, member: usize, which: &str, name: &str) -> Option<compare::Change> {
        let rule = self.definition.rule(self.definition.compare.as_ref()?, &self.input.rules);
        let now = *self.output.record(scope, member).get(name)?;
        let (base, missing) = self.comparison(which);
        let theirs: Option<&engine::Record> = base.and_then(|b| match scope {
            ScopeKey::Office => Some(&b.output.office),
            ScopeKey::Unit => {
                let id = &self.input.units[member].id;
                let at = b.input.units.iter().position(|u| &u.id == id)?;
                b.output.units.get(at)
            }
            ScopeKey::List(list) if self.definition.unnamed.contains(list) => None,
            ScopeKey::List(list) => {
                let item = &self.input.lists[list][member].name;
                let at = b.input.lists.get(list)?.iter().position(|i| &i.name == item)?;
                b.output.lists.get(list)?.get(at)
            }
        });
        let s = self.definition.scope(scope);
        let show = |value: Ratio| {
            let shown: engine::Record = [(name.to_owned(), Some(value))].into();
            self.output.shown(&self.definition, &self.input, scope, &shown, name)
        };
        let before = theirs.map(|r| r.get(name).copied().flatten());
        let formula = s.derived.get(name).map(|d| &d.formula);
        if matches!(formula, Some(Formula::Grade { .. })) {
            return Some(compare::Change::of_grade(now, before, &show, missing));
        }
        let base_part = name.split('.').next().unwrap_or(name);
        let points = matches!(formula, Some(Formula::Percent(_)))
            || s.measures.get(base_part).is_some_and(|m| m.kind == MeasureKind::Percent);
        Some(compare::Change::new(now, before, &show, &rule, points, missing))
    }

    /// The templates' context as named parts, for a caller that adds its own
    /// (the unit sheet's `unit`, `on`, …).
    pub(crate) fn context_entries(&self) -> Vec<(&'static str, Context)> {
        let d = &self.definition;
        let members = |scope: &ScopeKey, indices: &mut dyn Iterator<Item = usize>| -> Context {
            Context::from(indices.map(|i| self.template_member(scope, i)).collect::<Vec<_>>())
        };
        let lists: BTreeMap<&str, Context> = self
            .input
            .lists
            .iter()
            .map(|(name, items)| (name.as_str(), members(&ScopeKey::List(name.clone()), &mut (0..items.len()))))
            .collect();
        let selections: BTreeMap<&str, Context> = self
            .output
            .selections
            .iter()
            .map(|(name, chosen)| {
                let scope = match d.selections.get(name).map(|s| &s.from) {
                    Some(Source::List(list)) => ScopeKey::List(list.clone()),
                    _ => ScopeKey::Unit,
                };
                (name.as_str(), members(&scope, &mut chosen.iter().copied()))
            })
            .collect();
        let params: Map<String, Json> = d
            .params
            .keys()
            .map(|name| {
                let value = match d.param(name, &self.input.params) {
                    Some(ParamValue::Number(n)) => Json::from(n.format(crate::number::Style::Trim)),
                    Some(ParamValue::Groups(groups)) => json!(groups),
                    None => Json::Null,
                };
                (name.clone(), value)
            })
            .collect();
        let channels: Map<String, Json> = d.channels.iter().map(|(k, v)| (k.clone(), Json::from(v.clone()))).collect();
        let info = json!({ "name": d.office.name, "district": d.office.district, "city": d.office.city });
        // The sign-off record as far as it is filled in (a draft's may be
        // empty): the issuer defaults to the office, as the 落款 does.
        let date = self.signoff.date;
        let signoff = json!({
            "issuer": self.signoff.issuer.clone().unwrap_or_else(|| d.office.name.clone()),
            "date": date.map(|t| format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)),
            "date_text": date.map(|t| format!("{}年{}月{}日", t.year, t.month, t.day)).unwrap_or_default(),
            "approved_by": self.signoff.approved_by.clone().unwrap_or_default(),
        });
        vec![
            ("period", Context::from_serialize(self.period_figures())),
            ("info", Context::from_serialize(info)),
            ("office", self.template_member(&ScopeKey::Office, 0)),
            ("lists", Context::from(lists)),
            ("selections", Context::from(selections)),
            ("params", Context::from_serialize(params)),
            ("channels", Context::from_serialize(channels)),
            ("signoff", Context::from_serialize(signoff)),
        ]
    }
}

/// A table turned: each member a column, headed by its first cell; each
/// other column a row, headed by its label (案件类型 社区工作 卫生服务 … /
/// 数量 148 98 … / 占比 34% 22.5% …).
fn turned(columns: &[ColumnHead], rows: &[Vec<String>]) -> (Vec<ColumnHead>, Vec<Vec<String>>) {
    let Some((first, figures)) = columns.split_first() else { return (Vec::new(), Vec::new()) };
    // The labels' column narrow, the members' as wide as names.
    let mut heads =
        vec![ColumnHead { label: first.label.clone(), value: "label".into(), group: None, wide: false, width: None }];
    heads.extend(rows.iter().map(|row| ColumnHead {
        label: row.first().cloned().unwrap_or_default(),
        value: first.value.clone(),
        group: None,
        wide: first.wide,
        width: first.width,
    }));
    let body = figures
        .iter()
        .enumerate()
        .map(|(j, column)| {
            std::iter::once(column.label.clone()).chain(rows.iter().map(|row| row[j + 1].clone())).collect()
        })
        .collect();
    (heads, body)
}

/// `across` members side by side in a row: the columns repeated, the
/// members in reading order, the last row filled with empty cells.
fn side_by_side(
    columns: Vec<ColumnHead>,
    rows: Vec<Vec<String>>,
    across: usize,
) -> (Vec<ColumnHead>, Vec<Vec<String>>) {
    if across <= 1 {
        return (columns, rows);
    }
    let width = columns.len();
    let heads = (0..across).flat_map(|_| columns.iter().cloned()).collect();
    let body = rows
        .chunks(across)
        .map(|chunk| {
            let mut row: Vec<String> = chunk.iter().flatten().cloned().collect();
            row.resize(width * across, String::new());
            row
        })
        .collect();
    (heads, body)
}

/// A member's figures for the templates: a figure split by channels
/// (`received.hotline` …) becomes one value that prints its total and
/// offers its parts, as in formulas: `{{ office.received }}`,
/// `{{ office.received.hotline }}`, `{{ office.received.total }}`.
pub(crate) fn template_value(fields: Map<String, Json>) -> Context {
    template_value_with(fields, [])
}

/// [`template_value`] with further entries (a member's `yoy`, `mom`).
fn template_value_with<const N: usize>(fields: Map<String, Json>, extra: [(&str, Context); N]) -> Context {
    let mut plain = BTreeMap::new();
    let mut parts: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (key, value) in fields {
        match key.split_once('.') {
            Some((measure, channel)) => {
                let text = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
                parts.entry(measure.to_owned()).or_default().insert(channel.to_owned(), text);
            }
            None => {
                plain.insert(key, Context::from_serialize(value));
            }
        }
    }
    for (measure, parts) in parts {
        let total = plain.get(&measure).map(|v| v.to_string()).unwrap_or_else(|| "—".into());
        plain.insert(measure, Context::from_object(Split { total, parts }));
    }
    for (key, value) in extra {
        plain.insert(key.to_owned(), value);
    }
    Context::from(plain)
}

/// A figure split by channels, as a template sees it.
#[derive(Debug)]
struct Split {
    total: String,
    parts: BTreeMap<String, String>,
}

impl minijinja::value::Object for Split {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Plain
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &Context) -> Option<Context> {
        match key.as_str()? {
            "total" => Some(Context::from(self.total.clone())),
            channel => self.parts.get(channel).map(|text| Context::from(text.clone())),
        }
    }

    fn render(self: &std::sync::Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.total)
    }
}
