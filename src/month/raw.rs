//! Parts of the month's and the registry's files as written, as serde
//! types with no logic: the sign-off record, a number as typed, and the
//! units registry. Unknown keys are errors (`deny_unknown_fields`), so a
//! typo never silently drops a value. The doc comments are the descriptions
//! in the generated JSON Schemas, which editors see as hover text.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::number::Decimal;

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
