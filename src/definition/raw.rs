//! `bulletin.yaml` as written: serde types with no logic. Their doc
//! comments become the hover texts of `schemas/bulletin.schema.json`.
//! Formulas and rounding rules are plain strings here; `definition::check`
//! parses them and reports each problem at its line.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// `bulletin.yaml` — 本办公室通报的定义
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefinitionFile {
    /// 办公室：名称、所在区县和城市、落款须有的签发记录
    pub office: OfficeFile,
    /// 受理渠道（代码: 名称），如 hotline: 12345热线；有多个渠道时数字可按渠道分列
    #[serde(default)]
    pub channels: BTreeMap<String, String>,
    /// 取舍规则（名称: 规则），如 satisfaction: half_up 2；规则为“舍入方式 位数 [trim]”，
    /// 舍入方式 truncate（截断）、half_up（四舍五入）或 up（进一），trim 表示去掉末尾的 0
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    /// 名单的门槛等参数（名称: { label, kind, value }），月份的 month.yaml 可在 rules 中改写
    #[serde(default)]
    pub params: BTreeMap<String, ParamFile>,
    /// 编辑填写的原始数字：office（全区/全县一级）和 unit（每个成员单位）
    #[serde(default)]
    pub measures: ScopesFile<MeasureFile>,
    /// 成员单位的分组，次序即附件中的次序；组名与 units.yaml 一致
    #[serde(default)]
    pub groups: Vec<GroupFile>,
    /// 分项统计（名称: 定义），如工单类型、热点问题：每项有名称和各自的数字
    #[serde(default)]
    pub lists: BTreeMap<String, ListFile>,
    /// 由原始数字计算的数字：office 和 unit 两级
    #[serde(default)]
    pub derived: ScopesFile<DerivedFile>,
    /// 选出的名单（名称: 定义）：从哪里选、条件、次序、取前几位
    #[serde(default)]
    pub selections: BTreeMap<String, SelectionFile>,
    /// 核对（名称: 定义）：每月检查数字是否自洽，如 satisfied <= visited；不成立时报错或提示
    #[serde(default)]
    pub checks: BTreeMap<String, CheckFile>,
    /// 通报的各部分，依次排列；标题序号（一、（一）1.（1））自动生成。
    /// 省略时本办公室使用内置的芙蓉区版式
    #[serde(default)]
    pub sections: Vec<SectionFile>,
    /// 发给各成员单位的单页（bulletin distribute）：标题和各部分；省略时列出本单位的全部数字和所在名单
    pub sheet: Option<SheetFile>,
    /// 多个月的通报（名称: 定义）：quarter（季度）、half（半年）、year（全年）、months（若干月，如 1—6月）；
    /// 数字由存档中各月合计（见 measures 的 aggregate），比率、排名重新计算
    #[serde(default)]
    pub periods: BTreeMap<String, PeriodFile>,
    /// 同比和环比：工具从存档中读出上期（环比）和上年同期（同比）的数字；模板中写 office.yoy.tickets、
    /// c.mom.count，或 {{ office.yoy.tickets | change("件") }}（“减少101件，减幅6.44%”）
    pub compare: Option<CompareFile>,
    /// 期号：总第几期由月份推算，如 { from: 2017-01, first: 1 }：2017年1月为总第1期，每月加一；
    /// 模板中写 period.number（年内第几期，即月份）和 period.total（总第几期）
    pub numbering: Option<NumberingFile>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberingFile {
    /// 总第 first 期的月份，YYYY-MM
    pub from: String,
    /// 该月的总期号
    pub first: u32,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareFile {
    /// 增幅、减幅的取舍规则：rules 中的名称，或直接写规则；默认 half_up 2 trim（6.44、25）
    pub rule: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodFile {
    /// 标题：minijinja 模板，可用 period（label 如“2020年第一季度”、year、quarter、half、from、to、months）；省略时用 office.title
    pub title: Option<String>,
    /// 标题下的一行或几行，同 office.subtitle；省略时用 office.subtitle
    pub subtitle: Option<String>,
    /// 通报的各部分，写法同 sections；省略时用月度通报的各部分
    #[serde(default)]
    pub sections: Vec<SectionFile>,
    /// 存档缺少本期的某月时照样生成（提示；数字为已有各月之和，模板中 period.missing 列出所缺各月）；默认 false：报错
    #[serde(default)]
    pub allow_missing: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SheetFile {
    /// 单页标题：minijinja 模板，可用 unit、period、info；换行处分行（默认为通报标题加“（单位名称）”）
    pub title: Option<String>,
    /// 走势（trend）看近几个月，含本月，默认 12
    pub months: Option<usize>,
    /// 单页的各部分，依次排列；标题序号（一、二、）自动生成
    pub parts: Vec<SheetPartFile>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SheetPartFile {
    /// 标题，不写序号；省略则本部分没有标题
    pub heading: Option<String>,
    /// 文字：minijinja 模板，可用 unit（本单位的数字、name、group、group_size）、on（本单位所在的名单：
    /// on.名单名称.position 名次、.size 人数）、tied（并列的排名：tied.rank）、history（走势的各月）、
    /// 以及 period、office、lists、selections、params；空行分段
    pub prose: Option<String>,
    /// 本单位的数字表：各数字的名称，依次排列（本组没有的数字不列）
    pub figures: Option<Vec<String>>,
    /// 数字表的表头，与该数字的中文名称不同时写（名称: 表头），如 rank: 组内排名
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// 近几个月的走势图和表：本单位的百分比数字的名称，如 [satisfaction, on_time_rate]；数字取自存档中的各月
    pub trend: Option<Vec<String>>,
}

/// How serious a failed check is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 错误：数字不可能如此，不生成通报
    Error,
    /// 提示：数字可疑，仍生成通报（正式版须先核对或在 acknowledge 中说明）
    Warning,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckFile {
    /// 在哪里检查：office（全区一级，默认）、units（每个单位），或 lists 中的名称（每一项）
    #[serde(rename = "in")]
    pub scope: Option<String>,
    /// 须成立的条件，如 satisfied <= visited、sum(categories, count) == tickets
    pub assert: String,
    /// error（默认：不生成通报）或 warning（提示）
    pub level: Option<Level>,
    /// 不成立时的说明（minijinja 模板，可用本项的数字 {{ tickets }}、{{ office.signed }} 和 {{ name }}；可省略：由条件两边数字的中文名称写出）
    pub message: Option<String>,
    /// 提示代码（只用于 warning）：月份的 month.yaml 以 acknowledge: { 代码: 理由 } 接受本提示，如 tickets-total；默认 check
    pub code: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionFile {
    /// 标题，不写序号（序号按层级自动生成）；省略则本部分没有标题
    pub heading: Option<String>,
    /// 标题的层级（1 一、 2 （一） 3 1. 4 （1））；省略则比上一级深一层。可跳级，如“一、”下直接用“1.”
    pub level: Option<usize>,
    /// 标题与第一段连排：“1.基本数据：4月份……”（默认另起一行）
    #[serde(default)]
    pub run_in: bool,
    /// 标题是否加序号（默认加）；false：标题不编号，也不占用本级的序号，如附件中的“乡镇（街道）”
    #[serde(default = "yes")]
    pub numbered: bool,
    /// 本部分（连同其下各部分）的数字取自：month（本月，默认）或 year_to_date（本年累计，如 1—6月：
    /// 由存档中本年各月合计）；period 随之为累计期间（period.name 为“1—6月”）
    pub over: Option<Over>,
    /// 典型案例标题的序号（下一级，如（一））：several（有多个案例时才编号，默认）、always（只有一个也编号）或 never
    pub case_numbers: Option<CaseNumbers>,
    /// 附件：放在落款之后另起一页，标题为附件名称；正文末自动写“附件：名称”（只用于第一层）
    #[serde(default)]
    pub appendix: bool,
    /// 正文末“附件：”后的名称，与附件标题不同时写（minijinja 模板，如 {{ office.attachment }}；默认即标题）
    pub attachment: Option<String>,
    /// 只在条件成立时出现，如 office.topic_tickets > 0
    pub when: Option<String>,
    /// 文字：minijinja 模板，可用 period（year、month、key）、info（name、district、city）、office、lists、selections、params、channels、
    /// signoff（issuer、date、date_text、approved_by）；空行分段
    pub prose: Option<String>,
    /// 编辑每月写的文字：月份文件夹中的文件名，如 工作动态.txt；空行分段
    pub text: Option<String>,
    /// 典型案例：月份文件夹中放案例的文件夹名，如 cases；每个 .txt 文件是一个案例（第一行或 title: 为标题，空行分段，可有 ## 小标题、列表和表格）
    pub cases: Option<String>,
    /// text 所指的文件（或 cases 所指的文件夹）可以没有（没有时本部分不出现；默认必须有）
    #[serde(default)]
    pub optional: bool,
    /// 表格
    pub table: Option<TableFile>,
    /// 图：走势图（trend，各月的数字连成线）或条形图（bars，各单位或各项的数字）；图号（图1）自动生成
    pub chart: Option<ChartFile>,
    /// 下一级的各部分
    #[serde(default)]
    pub sections: Vec<SectionFile>,
}

/// Which figures a part shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Over {
    /// 本期的数字
    #[default]
    Month,
    /// 本年累计：本年1月至本月各月的合计
    YearToDate,
}

/// When the typical cases' titles are numbered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseNumbers {
    /// 有多个案例时编号，只有一个时只印标题
    #[default]
    Several,
    /// 总是编号
    Always,
    /// 从不编号
    Never,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableFile {
    /// 每行是什么：units（全部单位）、某个组名、lists 中的名称，或 selections 中的名称
    pub rows: String,
    /// 各列：表头和数字的名称（name 单位名称、short 简称、group 组名，或该行的数字）
    pub columns: Vec<ColumnFile>,
    /// 没有一行时代替表格的文字
    pub empty: Option<String>,
    /// 每行并排几项（如 2：类型 数量 类型 数量），各项依次从左到右、从上到下排列
    pub across: Option<usize>,
    /// 横排：每项一列，每个数字一行（第一列为各列的表头），如专题案件类型的数量和占比
    #[serde(default)]
    pub transpose: bool,
    /// 按某项文字合并成行（如 type：每个类型一行）；count 为该类的项数（名单有 count 时为其合计），其余文字以“、”连接，数字相加
    pub by: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartFile {
    /// 图题，不写图号（“图1”自动生成），如 诉求量月度走势图；minijinja 模板
    pub title: String,
    /// 走势图：全区（县）一级的数字的名称，每个一条线，如 [tickets] 或 [satisfaction, on_time_rate]；
    /// 同一图中或都是件数、或都是百分数；各月的数字取自存档
    pub trend: Option<Vec<String>>,
    /// 走势图看几个月（到本期的最后一个月为止）：月度通报默认 12，季度、全年等默认为本期各月
    pub months: Option<usize>,
    /// 条形图：每条是什么：units（全部单位）、某个组名、lists 中的名称或 selections 中的名称
    pub bars: Option<String>,
    /// 条形图每条的长度：该行的数字（件数、百分数或分数）的名称，如 count、score
    pub value: Option<String>,
    /// 条形图每条的名称：name（默认）或 short（单位简称）
    pub label: Option<String>,
    /// 轴上和图的说明中数字后的字：默认件数为“件”、百分数为“%”、分数为“分”；写 "" 则不加
    pub unit: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnFile {
    /// 表头；省略则用该数字的中文名称
    pub label: Option<String>,
    /// 上一行的合并表头，如 12345热线：相邻且同名的列共用一个
    pub group: Option<String>,
    /// 数字的名称，如 score、satisfaction、received.hotline（某渠道的部分）；
    /// 或 name、short、group，或 index（序号）
    pub value: String,
    /// 列宽：相对一般的数字列（1）的倍数，1 到 9，如 3；省略时名称和文字列宽、序号窄、其余等宽
    pub width: Option<u8>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeFile {
    /// 办公室全称，落款中发文单位的默认值
    pub name: String,
    /// 本区（县、市）名称，如 芙蓉区
    pub district: String,
    /// 所在城市，如 长沙市
    pub city: String,
    /// 主送机关，如“各街道、区直各部门”；没有主送机关可省略
    pub main_to: Option<String>,
    /// 通报标题：minijinja 模板，如 {{ period.year }}年{{ period.month }}月份12345热线运行情况通报
    pub title: Option<String>,
    /// 标题下居中的一行或几行（楷体三号），如期号“（{{ period.year }}年第{{ period.month }}期）”，或编发单位和日期
    /// “{{ signoff.issuer }}　　{{ signoff.date_text }}”：minijinja 模板，换行处分行
    pub subtitle: Option<String>,
    /// 正式版须有的签发记录：issuer（发文单位）、date（日期）、approved_by（签发人）
    #[serde(default = "default_signoff")]
    pub signoff: Vec<SignoffField>,
}

fn default_signoff() -> Vec<SignoffField> {
    vec![SignoffField::Issuer, SignoffField::Date]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignoffField {
    /// 发文单位
    Issuer,
    /// 签发日期
    Date,
    /// 签发人
    ApprovedBy,
}

/// What a parameter holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// 件数（整数）
    Count,
    /// 百分数（97 即 97%）
    Percent,
    /// 分数
    Score,
    /// 组名的列表，如 [区直部门, 街道]
    Groups,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamFile {
    /// 参数的中文名称（用于提示）
    pub label: String,
    /// count、percent、score 或 groups
    pub kind: ParamKind,
    /// 默认值
    pub value: serde_json::Value,
    /// 最小值（含），如总分满分 min: 1；月份改写的值小于它时报错
    pub min: Option<serde_json::Number>,
}

/// Figures at office level and per unit.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>"))]
#[schemars(bound = "T: JsonSchema")]
pub struct ScopesFile<T> {
    /// 全区（县）一级
    #[serde(default)]
    pub office: BTreeMap<String, T>,
    /// 每个成员单位
    #[serde(default)]
    pub unit: BTreeMap<String, T>,
}

impl<T> Default for ScopesFile<T> {
    fn default() -> Self {
        Self { office: BTreeMap::new(), unit: BTreeMap::new() }
    }
}

/// What a measure holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// 件数：非负整数
    Count,
    /// 百分数，照平台公布的值填写（99.41 即 99.41%）
    Percent,
    /// 分数
    Score,
    /// 文字，如等级 A、B、C
    Text,
    /// 单位：units.yaml 中某单位的全称、简称或代码（印出全称）
    Unit,
}

impl MeasureKind {
    /// Text (a grade, a title) or a unit named by text: not a number.
    pub fn is_text(self) -> bool {
        matches!(self, MeasureKind::Text | MeasureKind::Unit)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureFile {
    /// 中文名称：用于提示、表头和导入时的列名
    pub label: String,
    /// count（件数）、percent（百分数）、score（分数）或 text（文字）
    pub kind: MeasureKind,
    /// 显示时的取舍规则：rules 中的名称，或直接写规则，如 half_up 2
    pub rule: Option<String>,
    /// 是否必须填写（默认必须）
    #[serde(default = "yes")]
    pub required: bool,
    /// 按渠道分列：channels，各渠道之和须等于合计
    pub by: Option<String>,
    /// 填在月份的哪个文件、哪个键下（只用于本办公室的数字）：文件名，后跟以点分隔的键，如 tickets.yaml topic.tickets；省略时在 figures.yaml 中，键为数字的名称
    pub at: Option<String>,
    /// 季度、半年、全年等多个月的通报中如何合计各月：sum（相加，件数的默认）、mean（平均，分数和百分数的默认）、
    /// last（取最后一个月，文字的默认）、min（最低）或 max（最高）。比率不必合计：由合计后的件数重新计算
    pub aggregate: Option<Aggregate>,
}

/// How a measure's monthly values make the value of a longer period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// 各月相加
    Sum,
    /// 各月的平均（精确值，显示时按取舍规则）
    Mean,
    /// 最后一个月的值
    Last,
    /// 各月中最低的
    Min,
    /// 各月中最高的
    Max,
}

impl Aggregate {
    /// What a measure of `kind` aggregates by when its definition is silent.
    pub fn default_for(kind: MeasureKind) -> Self {
        match kind {
            MeasureKind::Count => Aggregate::Sum,
            MeasureKind::Percent | MeasureKind::Score => Aggregate::Mean,
            MeasureKind::Text | MeasureKind::Unit => Aggregate::Last,
        }
    }

    /// The word `aggregate:` takes.
    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Sum => "sum",
            Aggregate::Mean => "mean",
            Aggregate::Last => "last",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupFile {
    /// 组名，如 街道、区直部门、乡镇
    pub name: String,
    /// 本组单位填写的数字（unit 中的名称）；省略则为全部
    pub measures: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListFile {
    /// 中文名称
    pub label: String,
    /// 每项填写的数字
    #[serde(default)]
    pub measures: BTreeMap<String, MeasureFile>,
    /// 每项计算的数字
    #[serde(default)]
    pub derived: BTreeMap<String, DerivedFile>,
    /// 填在月份的哪个文件、哪个键下：文件名，后跟以点分隔的键，如 city.yaml districts；省略时在 figures.yaml 中，键为名单的名称
    pub at: Option<String>,
    /// 各项是否有名称（默认有，且不得重复）；false：各项只有所列的数字和文字，如每张工单一行
    #[serde(default = "yes")]
    pub named: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DerivedFile {
    /// 中文名称
    pub label: String,
    /// 公式，如 visited - satisfied
    pub value: Option<String>,
    /// 百分数的公式（结果乘以 100），如 satisfied / visited
    pub percent: Option<String>,
    /// 排名（竞争排名：同值同名次，其后名次跳过），如 score desc
    pub rank: Option<String>,
    /// 排名的范围：group（组内）或 all（全部，默认）
    pub within: Option<Within>,
    /// 等级：按此数字（公式）分档，档次见 bands，如 score
    pub grade: Option<String>,
    /// 等级的各档，从高到低，“等级 下限”（达到下限即为该等级），末档可不写下限（其余均为该档），
    /// 如 [A 90, B 80, C 60, D]；下限可为数字或参数，如 "A params.grade_a"
    pub bands: Option<Vec<String>>,
    /// 取舍规则：rules 中的名称，或直接写规则，如 half_up 2
    pub rule: Option<String>,
    /// 分母为 0 时显示的文字（默认“—”）
    pub zero: Option<String>,
    /// 月份文件中可照平台公布值填写；工具仍计算，两者不同时提示，通报印公布值
    #[serde(default)]
    pub published: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Within {
    /// 组内排名
    Group,
    /// 全部单位一起排名
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ties {
    /// 与第 N 位同值的也列出（“前三位”可有四个单位）
    Keep,
    /// 正好 N 个
    Cut,
}

/// A count or the name of a parameter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Limit {
    Count(u32),
    Param(String),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionFile {
    /// 中文名称
    pub label: String,
    /// 从哪里选：units（全部成员单位）、某个组名，或 lists 中的名称
    pub from: String,
    /// 只选这几个组（组名）；省略则为全部
    pub groups: Option<Vec<String>>,
    /// 条件，如 visited > 0 and satisfied / visited * 100 < params.satisfaction_threshold
    #[serde(rename = "where")]
    pub condition: Option<String>,
    /// 次序：依次比较的键，如 [unsatisfied desc, signed asc]；group 表示按组的次序；同值保持文件中的次序
    #[serde(default)]
    pub sort: Vec<String>,
    /// 组的次序（sort 中有 group 时）：groups 类参数的名称，如 params.well_performing_group_order
    pub group_order: Option<String>,
    /// 取前几位：数字或参数名称，如 params.top_categories
    pub limit: Option<Limit>,
    /// 第 N 位有同值时：keep（都列出，默认）或 cut（正好 N 个）
    pub ties: Option<Ties>,
    /// 月份的 month.yaml 可在 published 中照原通报填写本名单（名称的列表）；通报印所填名单，与工具选出的不同时提示
    #[serde(default)]
    pub published: bool,
}
