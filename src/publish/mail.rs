//! The outbox: one RFC 5322 message per unit, and its delivery over SMTP.
//!
//! Messages are built with lettre's builder from the templates
//! `layouts/office-mail/subject.j2` and `body.j2`. Nothing in them
//! depends on the clock or the machine: the Date is the sign-off date
//! (09:00 Beijing time), the Message-ID is made of the period, the unit and
//! the sender's domain, and the MIME boundary is derived from the content.
//!
//! Delivery records each unit the server accepted in `outbox/sent.json`,
//! rewritten after every message, so that a run cut short (a server gone,
//! a network down) is resumed by running again: only the rest is sent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::fs::write_atomically;
use crate::month::types::Date;
use crate::publish::registry::{Contact, Security, Smtp};
use crate::Error;

/// The folder of the mail templates under the layouts.
pub const MAIL_TEMPLATES: &str = "mail";
/// The outbox folder of a distributed month, and its delivery record.
pub const OUTBOX: &str = "outbox";
pub const SENT_FILE: &str = "sent.json";
/// The environment variables that hold the SMTP credentials.
pub const USER_ENV: &str = "BULLETIN_SMTP_USER";
pub const PASSWORD_ENV: &str = "BULLETIN_SMTP_PASSWORD";

fn mail_error(message: impl Into<String>) -> Error {
    Error::Mail { message: message.into() }
}

/// A file attached to a message.
pub struct Attached<'a> {
    pub name: String,
    pub bytes: &'a [u8],
}

/// What a unit's message is made of.
pub struct Letter<'a> {
    pub sender: &'a Contact,
    pub recipients: &'a [Contact],
    pub subject: &'a str,
    pub body: &'a str,
    pub attachments: Vec<Attached<'a>>,
    /// The sign-off date: the message's Date.
    pub date: Date,
    /// Unique per message and stable: `2020-03.dingwangtai`.
    pub id: String,
}

fn mailbox(contact: &Contact) -> Result<Mailbox, Error> {
    // lettre cannot write a header with a line break in a name (and would
    // panic trying); the registry refuses such names, this keeps it so.
    if contact.name.chars().any(char::is_control) {
        return Err(mail_error(format!("the name `{}` has a control character", contact.name.escape_debug())));
    }
    let address: Address = contact
        .email
        .parse()
        .map_err(|err| mail_error(format!("`{}` is not an e-mail address ({err})", contact.email)))?;
    Ok(Mailbox::new(Some(contact.name.clone()), address))
}

/// Seconds since 1970 of 09:00 Beijing time (01:00 UTC) on `date`.
fn morning_of(date: Date) -> SystemTime {
    // Days from civil (proleptic Gregorian), after Howard Hinnant's algorithm.
    let (y, m, d) = (i64::from(date.year), i64::from(date.month), i64::from(date.day));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + 3_600;
    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

/// The message's bytes (CRLF line ends), ready for the outbox and SMTP.
pub fn message(letter: &Letter) -> Result<Vec<u8>, Error> {
    let domain = letter.sender.email.rsplit_once('@').map_or("localhost", |(_, domain)| domain);
    let mut builder = Message::builder()
        .from(mailbox(letter.sender)?)
        .subject(letter.subject)
        .date(morning_of(letter.date))
        .message_id(Some(format!("<bulletin.{}@{domain}>", letter.id)))
        .user_agent(format!("bulletin {}", env!("CARGO_PKG_VERSION")));
    for recipient in letter.recipients {
        builder = builder.to(mailbox(recipient)?);
    }
    // A boundary that no part can contain: "=_" never occurs in base64 or
    // quoted-printable text, and the digest makes it unique per message.
    let mut digest = sha2::Sha256::new();
    digest.update(letter.body.as_bytes());
    for attached in &letter.attachments {
        digest.update(attached.name.as_bytes());
        digest.update(attached.bytes);
    }
    let boundary = format!("=_bulletin_{}", crate::archive::batch::hex(&digest.finalize()[..12]));
    let mut parts = MultiPart::mixed().boundary(boundary).singlepart(SinglePart::plain(letter.body.to_owned()));
    for attached in &letter.attachments {
        let kind = if attached.name.ends_with(".pdf") {
            "application/pdf"
        } else if attached.name.ends_with(".ofd") {
            "application/ofd"
        } else {
            "text/plain; charset=utf-8"
        };
        let content_type = ContentType::parse(kind).map_err(|err| mail_error(err.to_string()))?;
        parts = parts.singlepart(Attachment::new(attached.name.clone()).body(attached.bytes.to_vec(), content_type));
    }
    let message = builder.multipart(parts).map_err(|err| mail_error(format!("cannot build the message: {err}")))?;
    // Ends with a line break, as a file of lines should and as SMTP sends it.
    let mut bytes = message.formatted();
    if !bytes.ends_with(b"\r\n") {
        bytes.extend_from_slice(b"\r\n");
    }
    Ok(bytes)
}

/// One message of the outbox, to send.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub unit: String,
    pub path: PathBuf,
    pub recipients: Vec<Contact>,
}

/// A unit the server accepted.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SentRecord {
    /// The SHA-256 of the `.eml` that was sent.
    pub sha256: String,
    /// The server's reply.
    pub response: String,
}

/// `outbox/sent.json`: the units sent so far, by id.
pub fn read_sent(outbox: &Path) -> Result<BTreeMap<String, SentRecord>, Error> {
    let path = outbox.join(SENT_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|err| {
            mail_error(format!(
                "`{}` is not a delivery record ({err}); delete it only if nothing was sent",
                path.display()
            ))
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(err) => Err(Error::io("read", &path, err)),
    }
}

fn write_sent(outbox: &Path, sent: &BTreeMap<String, SentRecord>) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(sent).map_err(|err| mail_error(err.to_string()))? + "\n";
    write_atomically(&outbox.join(SENT_FILE), text.as_bytes())
}

/// What happened to each message of a delivery run.
#[derive(Debug)]
pub enum Delivery {
    Sent {
        unit: String,
        response: String,
    },
    /// Accepted in an earlier run.
    AlreadySent {
        unit: String,
        changed: bool,
    },
    /// The server refused this message for good (e.g. an unknown mailbox);
    /// the others are still sent.
    Refused {
        unit: String,
        reason: String,
    },
}

/// The username and password from the environment, if set.
pub fn credentials_from_env() -> Result<Option<Credentials>, Error> {
    let user = std::env::var(USER_ENV).ok().filter(|v| !v.is_empty());
    let password = std::env::var(PASSWORD_ENV).ok();
    match (user, password) {
        (None, None) => Ok(None),
        (Some(user), Some(password)) => Ok(Some(Credentials::new(user, password))),
        (Some(_), None) => Err(mail_error(format!("{USER_ENV} is set but {PASSWORD_ENV} is not"))),
        (None, Some(_)) => Err(mail_error(format!("{PASSWORD_ENV} is set but {USER_ENV} is not"))),
    }
}

/// How long to wait for the server: RFC 5321 allows it up to 10 minutes
/// after the data; two are plenty for a few hundred kilobytes.
const SMTP_TIMEOUT: Duration = Duration::from_secs(120);

fn transport(smtp: &Smtp, hello: &str, credentials: Option<Credentials>) -> Result<SmtpTransport, Error> {
    let tls =
        |host: &str| TlsParameters::new(host.to_owned()).map_err(|err| mail_error(format!("TLS for `{host}`: {err}")));
    let mut builder = SmtpTransport::builder_dangerous(smtp.host.as_str())
        .port(smtp.port)
        .timeout(Some(SMTP_TIMEOUT))
        // Greet with the sender's domain, not this computer's name (which
        // may be no domain at all, or not one to show outside).
        .hello_name(ClientId::Domain(hello.to_owned()));
    builder = match smtp.security {
        Security::Starttls => builder.tls(Tls::Required(tls(&smtp.host)?)),
        Security::Tls => builder.tls(Tls::Wrapper(tls(&smtp.host)?)),
        Security::None => builder.tls(Tls::None),
    };
    if let Some(credentials) = credentials {
        if smtp.security == Security::None {
            return Err(mail_error(format!(
                "{USER_ENV} and {PASSWORD_ENV} are set, but `security: none` would send them unencrypted; \
                 use `security: starttls` or `tls`"
            )));
        }
        builder = builder.credentials(credentials);
    }
    Ok(builder.build())
}

/// Sends every message of `outgoing` not yet accepted, in order, recording
/// each success in `outbox/sent.json`. A refusal of one message (a 5xx
/// reply) is reported and the rest go on; any other failure (the server
/// unreachable or gone, a timeout, TLS) stops the run with an error, and
/// what was sent stays recorded.
pub fn send(
    outbox: &Path,
    sender: &Contact,
    outgoing: &[Outgoing],
    smtp: &Smtp,
    credentials: Option<Credentials>,
    mut progress: impl FnMut(&Delivery),
) -> Result<Vec<Delivery>, Error> {
    let mut sent = read_sent(outbox)?;
    let from: Address = sender.email.parse().map_err(|err| mail_error(format!("the sender's address: {err}")))?;
    let transport = transport(smtp, from.domain(), credentials)?;
    // Connect, greet, encrypt and log in once before any message: a wrong
    // password or an unreachable server stops here, not once per unit.
    if outgoing.iter().any(|m| !sent.contains_key(&m.unit)) {
        transport
            .test_connection()
            .map_err(|err| mail_error(format!("cannot reach the mail server {}:{} ({err})", smtp.host, smtp.port)))?;
    }
    let mut report = Vec::new();
    for message in outgoing {
        let bytes = std::fs::read(&message.path).map_err(|err| Error::io("read", &message.path, err))?;
        let sha256 = crate::sha256_hex(&bytes);
        if let Some(record) = sent.get(&message.unit) {
            let delivery = Delivery::AlreadySent { unit: message.unit.clone(), changed: record.sha256 != sha256 };
            progress(&delivery);
            report.push(delivery);
            continue;
        }
        let to = message
            .recipients
            .iter()
            .map(|r| r.email.parse::<Address>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| mail_error(format!("{}: {err}", message.unit)))?;
        let envelope = lettre::address::Envelope::new(Some(from.clone()), to)
            .map_err(|err| mail_error(format!("{}: {err}", message.unit)))?;
        // SMTP ends the data with its own line break: the file's last one
        // stays behind so that the server stores exactly the file.
        let data = bytes.strip_suffix(b"\r\n").unwrap_or(&bytes);
        let delivery = match transport.send_raw(&envelope, data) {
            Ok(response) => {
                let response = format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "));
                sent.insert(message.unit.clone(), SentRecord { sha256, response: response.clone() });
                write_sent(outbox, &sent)?;
                Delivery::Sent { unit: message.unit.clone(), response }
            }
            Err(err) if err.is_permanent() => Delivery::Refused { unit: message.unit.clone(), reason: err.to_string() },
            Err(err) => {
                return Err(mail_error(format!(
                    "sending to {} through {}:{} failed: {err}",
                    message.unit, smtp.host, smtp.port
                )))
            }
        };
        progress(&delivery);
        report.push(delivery);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_the_morning_of_the_signoff_day_in_beijing() {
        let seconds = |year, month, day| {
            morning_of(Date { year, month, day }).duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs()
        };
        assert_eq!(seconds(1970, 1, 1), 3_600);
        // 2020-04-17T01:00:00Z, as `date -d` gives it.
        assert_eq!(seconds(2020, 4, 17), 1_587_085_200);
        assert_eq!(seconds(2000, 3, 1), 951_872_400);
        assert_eq!(seconds(2024, 2, 29), 1_709_168_400);
    }
}
