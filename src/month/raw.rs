//! The month folder as written by the office: one serde type per YAML file,
//! no logic. Unknown keys are errors (`deny_unknown_fields`), so a typo never
//! silently drops a figure. `validate` turns these into a [`crate::month::types::Month`].
//!
//! The doc comments are the descriptions in the generated JSON Schemas
//! (`schemas/`), which editors see as hover text in VS Code: the Chinese
//! term first, as the platform's export names it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::number::{Decimal, FigureRule};

/// `month.yaml`: what the issue is and who signs it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonthFile {
    /// 通报月份，YYYY-MM，须与文件夹名一致 (the month reported on)
    pub period: String,
    /// 本区名称，须与 city.yaml 中本区名称一致
    pub district: String,
    /// 所在城市，如 长沙市
    pub city: String,
    /// 全市排名的比较范围，如 内五区
    pub city_scope: String,
    /// 正文末“附件：”后的附件名称
    pub attachment: String,
    /// 附件排行榜的标题
    pub appendix_title: String,
    /// 本月依据的通报定义：相对本文件夹的路径，如 ../../definitions/2020.yaml（可省略：用 months 旁的 bulletin.yaml）。已签发的月份写上签发时的定义，日后修改 bulletin.yaml 不会改写存档的通报
    pub definition: Option<String>,
    /// 签发记录：发文单位、签发日期、签发人。齐全时生成正式版（附落款），缺少时只生成征求意见稿
    pub signoff: Option<SignoffFile>,
    /// 规则：阈值与各项数字的取舍规则（可省略）
    #[serde(default)]
    pub rules: RulesFile,
    /// 已核对、照原样接受的提示：提示代码 → 理由（如 tickets-total: 市平台口径与单位签收口径不同）。被接受的提示不再显示，--strict 也不因此失败
    #[serde(default)]
    pub acknowledge: BTreeMap<String, String>,
}

/// The sign-off record. Every field is optional so that a record in
/// progress is still a valid month (it builds a draft); `build --final`
/// names what is missing.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignoffFile {
    /// 发文单位（落款）
    pub issuer: Option<String>,
    /// 签发日期（落款日期），YYYY-MM-DD，须在通报月份之后
    pub date: Option<String>,
    /// 签发人
    pub approved_by: Option<String>,
}

/// Thresholds and rounding rules. Every field is optional; the defaults
/// reproduce the reference bulletin (`rules::Rules::default`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    /// 总分满分（默认 70）
    pub full_marks: Option<Number>,
    /// 完成度较好单位的签收工单数下限（默认 30）
    pub well_performing_min_signed: Option<u32>,
    /// 完成度较好单位名单中各组的先后次序，如 [区直部门, 街道]
    pub well_performing_group_order: Option<Vec<String>>,
    /// 满意度标准（%，默认 97）：低于此值的单位单独列出
    pub satisfaction_threshold: Option<Number>,
    /// “群众反映突出的前几类问题”列出的类型数（默认 6）
    pub top_categories: Option<usize>,
    /// 专题诉求列出的案件类型数（默认 5）
    pub topic_top_categories: Option<usize>,
    /// 各项数字的取舍规则
    #[serde(default)]
    pub figures: FigureRulesFile,
}

/// Per-figure overrides of [`crate::month::rules::FigureRules`]: each is
/// `{ decimals, rounding: truncate | half_up, style: fixed | trim }`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FigureRulesFile {
    pub on_time_rate: Option<FigureRule>,
    pub satisfaction: Option<FigureRule>,
    pub low_satisfaction: Option<FigureRule>,
    pub unsatisfied_ratio: Option<FigureRule>,
    pub unsatisfied_share: Option<FigureRule>,
    pub topic_share: Option<FigureRule>,
    pub topic_satisfaction: Option<FigureRule>,
    pub topic_category_share: Option<FigureRule>,
    pub unit_score: Option<FigureRule>,
    pub unit_input_rate: Option<FigureRule>,
    pub city_satisfaction: Option<FigureRule>,
    pub city_score: Option<FigureRule>,
}

/// `city.yaml`: the city platform's figures for the compared districts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CityFile {
    /// 参与全市排名的各区
    pub districts: Vec<CityDistrict>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CityDistrict {
    /// 区名
    pub name: String,
    /// 月工单总数
    pub tickets: u32,
    /// 满意度（%），照市平台公布值填写
    pub satisfaction: Number,
    /// 总分，照市平台公布值填写
    pub score: Number,
}

/// `units.yaml`: every member unit's raw figures, by group.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitsFile {
    /// 单位分组（如 街道、区直部门），排名在组内进行
    pub groups: Vec<GroupEntry>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupEntry {
    /// 组名，如 街道、区直部门
    pub name: String,
    /// 本组各单位
    pub units: Vec<UnitEntry>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitEntry {
    /// 单位代码：小写拼音、数字、- 或 _，长期不变
    pub id: String,
    /// 单位全称
    pub name: String,
    /// 简称（附件中使用；与全称相同可省略）
    pub short: Option<String>,
    /// 签收总数
    pub signed: u32,
    /// 未按时签收数
    pub late_signed: u32,
    /// 未及时退回数
    pub late_returned: u32,
    /// 退单驳回数
    pub return_rejected: u32,
    /// 办结工单总数（含上月结转，可大于签收总数）
    pub completed: u32,
    /// 未按时办结数
    pub late_completed: u32,
    /// 延期驳回数
    pub extension_rejected: u32,
    /// 发回重办数
    pub redone: u32,
    /// 回访工单总数
    pub visited: u32,
    /// 回访满意数（不得大于回访工单总数）
    pub satisfied: u32,
    /// 延期办理率（%，照平台值填写）
    pub extension_rate: Number,
    /// 重复交办率（%，照平台值填写）
    pub repeat_rate: Number,
    /// 总分（0 到满分）
    pub score: Number,
}

/// `tickets.yaml`: categories, business-environment tickets and the topic.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketsFile {
    /// 本月全区办结工单总数（照市平台值填写）
    pub completed: u32,
    /// 工单类型统计：各类型及其工单数量
    pub categories: Vec<Count>,
    /// 营商环境、行政效能类工单：每张工单一行
    #[serde(default)]
    pub business_environment: Vec<BusinessTicket>,
    /// 本月专题（如疫情）
    pub topic: TopicEntry,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Count {
    /// 名称
    pub name: String,
    /// 数量
    pub count: u32,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessTicket {
    /// 类型，如 表扬、投诉
    #[serde(rename = "type")]
    pub kind: String,
    /// 涉及单位：全称、简称或代码
    pub unit: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicEntry {
    /// 专题小节标题，如 疫情工单数据
    pub title: String,
    /// 专题工单的称呼，如 涉疫
    pub label: String,
    /// 专题诉求的称呼，如 疫情
    pub theme: String,
    /// 专题工单数
    pub tickets: u32,
    /// 其中回访不满意数
    pub unsatisfied: u32,
    /// 按诉求性质分（咨询、求助、建议、投诉、表扬），各项之和须等于专题工单数
    pub natures: Vec<Count>,
    /// 按案件类型分，可只填主要类型，合计不得超过专题工单数
    pub categories: Vec<Count>,
}

/// A decimal read exactly from YAML: `69.2`, `70`, `"99.41"` or `"99.41%"`.
///
/// YAML hands floats over as `f64`; its shortest round-trip text is the
/// number as the editor typed it (up to 15 significant digits), which
/// [`Decimal::parse`] then reads exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Number(pub Decimal);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;

        impl Visitor<'_> for NumberVisitor {
            type Value = Number;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number such as 70, 69.4 or 99.41")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(Decimal::from_int(v)))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                i64::try_from(v)
                    .map(|v| Number(Decimal::from_int(v)))
                    .map_err(|_| E::custom(format!("{v} is too large")))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                if !v.is_finite() {
                    return Err(E::custom(format!("{v} is not a number the bulletin can print")));
                }
                self.visit_str(&format!("{v}"))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
                let digits = v.trim().trim_end_matches('%');
                Decimal::parse(digits).map(Number).ok_or_else(|| {
                    E::custom(format!(
                        "`{v}` is not a plain decimal number (expected digits with at most one `.`, \
                         at most 6 decimals, half-width characters, e.g. 99.41)"
                    ))
                })
            }
        }

        deserializer.deserialize_any(NumberVisitor)
    }
}

impl JsonSchema for Number {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // "format": "decimal" is checked by `schema::check`; editors ignore it.
        json_schema!({
            "type": ["number", "string"],
            "format": "decimal",
        })
    }
}

/// `registry.yaml`: the sender, the mail server and the member units.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistryFile {
    /// 发件人：热线办的名称与邮箱（邮件的 From）
    pub sender: ContactFile,
    /// 发信服务器（SMTP）。用户名和密码不写在这里，取自环境变量 BULLETIN_SMTP_USER 和 BULLETIN_SMTP_PASSWORD
    pub smtp: Option<SmtpFile>,
    /// 成员单位：代码与 units.yaml 中的 id 一致，每个单位至少一位收件人
    pub units: Vec<RegistryUnitFile>,
}

/// A name and an address.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactFile {
    /// 姓名或称呼，如 张三、办公室
    pub name: String,
    /// 电子邮箱，如 zhangsan@example.com
    pub email: String,
}

/// How to reach the mail server.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpFile {
    /// 服务器地址，如 smtp.example.com
    pub host: String,
    /// 端口（默认：starttls 587，tls 465，none 25）
    pub port: Option<u16>,
    /// 加密方式：starttls（默认，先明文再升级，必须成功）、tls（直接加密）或 none（不加密，只用于本机测试）
    pub security: Option<Security>,
}

/// The connection's encryption.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which must succeed.
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption: for a server on this machine only.
    None,
}

/// One member unit.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistryUnitFile {
    /// 单位代码，与各月 units.yaml 中的 id 一致
    pub id: String,
    /// 单位全称
    pub name: String,
    /// 简称（与全称相同可省略）
    pub short: Option<String>,
    /// 收件人（至少一位）
    pub recipients: Vec<ContactFile>,
}
