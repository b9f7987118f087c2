//! The units registry, `months/registry.yaml`: who the office is when it
//! sends mail, through which server, and for each member unit (by the same
//! id as in the months' units.yaml) its names and recipients. It is kept
//! beside the months, not in them, because people change less often than
//! figures and an archived month must not carry stale addresses.
//!
//! Checked like a month file (YAML syntax, then its JSON Schema, then the
//! rules below), and then against the month being distributed: every unit of
//! the month must be in the registry, and every id of the registry must be a
//! unit of some archived month.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

use crate::diag::{closest, Diagnostic};
use crate::month::validate::{index, is_plain_id, key, non_empty, SourceFile, Validator, UNITS_FILE};
use crate::source::locate::Segment;
use crate::source::schema::FileKind;

// The registry file's raw types live with the month files' (raw.rs): what
// the office writes, no logic.
pub use crate::month::raw::{ContactFile, RegistryFile, RegistryUnitFile, Security, SmtpFile};

/// A checked name and address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: String,
    pub email: String,
}

/// The checked mail server settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// A checked registry unit.
#[derive(Clone, Debug)]
pub struct RegistryUnit {
    pub id: String,
    pub name: String,
    pub short: String,
    pub recipients: Vec<Contact>,
}

/// The checked registry.
#[derive(Debug)]
pub struct Registry {
    pub path: PathBuf,
    text: String,
    pub sender: Contact,
    pub smtp: Option<Smtp>,
    pub units: Vec<RegistryUnit>,
}

/// The registry's file name, beside the month folders.
pub const REGISTRY_FILE: &str = "registry.yaml";

/// An address the outbox can carry and SMTP deliver: plain ASCII
/// `user@domain`, no quoted local part, no address literal.
fn checked_email(v: &mut Validator, file: &SourceFile, path: &[Segment], label: Option<&str>, email: &str) {
    let problem = if !email.is_ascii() {
        Some((
            "it has characters outside ASCII".to_owned(),
            "full-width characters (＠, ．) or spaces typed with a Chinese input method often do this; retype the address in English mode",
        ))
    } else if email.contains(['"', '[', ']']) {
        Some(("quoted names and address literals are not accepted".to_owned(), "write the address as user@domain"))
    } else {
        lettre::Address::from_str(email)
            .err()
            .map(|err| (err.to_string(), "an address is user@domain, e.g. zhangsan@example.com"))
    };
    if let Some((why, hint)) = problem {
        v.error(file, path, label, format!("`{email}` is not an e-mail address ({why})")).hint = Some(hint.into());
    } else if email.rsplit_once('@').is_some_and(|(_, domain)| !domain.contains('.')) {
        // Valid for a local server, but for a member unit a lost `.com`.
        v.warning(
            file,
            path,
            label,
            format!("`{email}` has no dot in its domain: is `.com`, `.cn` or `.gov.cn` missing?"),
        );
    }
}

/// A name for a mail header: one line, no control characters.
fn checked_name(v: &mut Validator, file: &SourceFile, path: &[Segment], label: Option<&str>, name: &str, what: &str) {
    non_empty(v, file, path, label, name, what);
    if name.chars().any(char::is_control) {
        v.error(file, path, label, format!("{what} has a line break or another control character")).hint =
            Some("write the name on one line".into());
    }
}

/// Up to this many units missing from the registry are each reported at
/// their entry in units.yaml; more, in one error that lists them.
const MISSING_ONE_BY_ONE: usize = 3;

/// A unit of the month being distributed: its id and name, and where its
/// units.yaml lists it (`groups[group].units[index]`).
#[derive(Clone, Copy, Debug)]
pub struct MonthUnit<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub group: usize,
    pub index: usize,
}

impl Registry {
    /// Reads and checks `path`: every problem as a diagnostic.
    pub fn load(path: &Path) -> Result<Self, Vec<Diagnostic>> {
        let bytes = std::fs::read(path).map_err(|err| {
            vec![Diagnostic::error(path, format!("cannot read the units registry ({err})")).with_hint(
                "the registry lists each unit's recipients; it lives beside the month folders (months/registry.yaml), \
                 or pass --registry FILE",
            )]
        })?;
        let mut v = Validator::default();
        let Some(file) = v.decode(path.to_owned(), &bytes) else { return Err(v.diagnostics) };
        let Some(raw) = v.parse::<RegistryFile>(&file, FileKind::Registry) else { return Err(v.diagnostics) };

        checked_name(&mut v, &file, &[key("sender"), key("name")], None, &raw.sender.name, "the sender's name");
        checked_email(&mut v, &file, &[key("sender"), key("email")], None, &raw.sender.email);
        let smtp = raw.smtp.as_ref().map(|smtp| {
            non_empty(&mut v, &file, &[key("smtp"), key("host")], None, &smtp.host, "the mail server's host");
            let security = smtp.security.unwrap_or(Security::Starttls);
            let default_port = match security {
                Security::Starttls => 587,
                Security::Tls => 465,
                Security::None => 25,
            };
            let port = smtp.port.unwrap_or(default_port);
            if port == 0 {
                v.error(&file, &[key("smtp"), key("port")], None, "port 0 is not a port".into()).hint =
                    Some("587 for STARTTLS, 465 for TLS".into());
            }
            Smtp { host: smtp.host.trim().to_owned(), port, security }
        });

        if raw.units.is_empty() {
            v.error(&file, &[key("units")], None, "the registry lists no units".into());
        }
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        let mut units = Vec::new();
        for (i, unit) in raw.units.iter().enumerate() {
            let at = |field: &str| vec![key("units"), index(i), key(field)];
            let label = Some(unit.name.as_str());
            if !is_plain_id(&unit.id) {
                v.error(&file, &at("id"), label, format!("unit id `{}` is not a plain code", unit.id)).hint =
                    Some("use the unit's id from units.yaml (lowercase letters, digits, `-` and `_`)".into());
            }
            if let Some(first) = ids.insert(&unit.id, i) {
                v.error(&file, &at("id"), label, format!("unit id `{}` is already listed as units[{first}]", unit.id));
            }
            non_empty(&mut v, &file, &at("name"), None, &unit.name, "the unit name");
            if unit.recipients.is_empty() {
                v.error(&file, &at("recipients"), label, "the unit has no recipients".into()).hint =
                    Some("add at least one `- name: …  email: …`; the unit's packet is mailed to them".into());
            }
            let mut seen = BTreeSet::new();
            for (r, recipient) in unit.recipients.iter().enumerate() {
                let path = |field: &str| vec![key("units"), index(i), key("recipients"), index(r), key(field)];
                checked_name(&mut v, &file, &path("name"), label, &recipient.name, "the recipient's name");
                checked_email(&mut v, &file, &path("email"), label, &recipient.email);
                if !seen.insert(recipient.email.to_lowercase()) {
                    v.warning(&file, &path("email"), label, format!("`{}` is listed twice", recipient.email));
                }
            }
            units.push(RegistryUnit {
                id: unit.id.clone(),
                name: unit.name.trim().to_owned(),
                short: unit.short.clone().unwrap_or_else(|| unit.name.clone()).trim().to_owned(),
                recipients: unit
                    .recipients
                    .iter()
                    .map(|r| Contact { name: r.name.trim().to_owned(), email: r.email.trim().to_owned() })
                    .collect(),
            });
        }
        if v.diagnostics.iter().any(Diagnostic::is_error) {
            v.diagnostics.sort_by_key(Diagnostic::sort_key);
            return Err(v.diagnostics);
        }
        let sender = Contact { name: raw.sender.name.trim().to_owned(), email: raw.sender.email.trim().to_owned() };
        Ok(Self { path: path.to_owned(), text: file.text, sender, smtp, units })
    }

    /// The unit with `id`.
    pub fn unit(&self, id: &str) -> Option<&RegistryUnit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// Checks the registry against a month and the ids of every archived
    /// month (`known_ids`): errors for the month's units missing from the
    /// registry and for registry ids no month knows; warnings for names
    /// that differ from the month's.
    pub fn check_against(
        &self,
        month_dir: &Path,
        units: &[MonthUnit],
        sources: &[(String, Vec<u8>)],
        known_ids: &BTreeSet<String>,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let units_path = month_dir.join(UNITS_FILE);
        let units_text =
            sources.iter().find(|(name, _)| name == UNITS_FILE).and_then(|(_, b)| std::str::from_utf8(b).ok());
        // Many units missing (a registry just begun): one error that lists them.
        let missing: Vec<&MonthUnit> = units.iter().filter(|u| self.unit(u.id).is_none()).collect();
        if missing.len() > MISSING_ONE_BY_ONE {
            let names: Vec<String> = missing.iter().map(|u| format!("{} ({})", u.name, u.id)).collect();
            let first = missing[0];
            out.push(
                Diagnostic::error(
                    &self.path,
                    format!("{} units of the month are not in the units registry: {}", missing.len(), names.join("、")),
                )
                .with_hint(format!(
                    "add each under `units:` with its recipients, e.g. `- id: {}`, `name: {}`, `recipients: [{{ name: …, email: … }}]`",
                    first.id, first.name
                )),
            );
        }
        for unit in units {
            let path = [key("groups"), index(unit.group), key("units"), index(unit.index), key("id")];
            match self.unit(unit.id) {
                None if missing.len() > MISSING_ONE_BY_ONE => {}
                None => {
                    let mut diagnostic = Diagnostic::error(
                        &units_path,
                        format!("unit `{}` ({}) is not in the units registry", unit.id, unit.name),
                    )
                    .with_hint(format!(
                        "add it to `{}` with its recipients (`- id: {}`, `name: {}`, `recipients: …`)",
                        self.path.display(),
                        unit.id,
                        unit.name
                    ));
                    if let Some(text) = units_text {
                        diagnostic = diagnostic.at_field(text, &path, Some(unit.name));
                    }
                    out.push(diagnostic);
                }
                Some(registered) if registered.name != unit.name => {
                    let i = self.units.iter().position(|u| u.id == unit.id).unwrap_or_default();
                    out.push(
                        Diagnostic::warning(
                            &self.path,
                            format!("the registry names `{}` {}, the month {}", unit.id, registered.name, unit.name),
                        )
                        .at_field(&self.text, &[key("units"), index(i), key("name")], Some(&registered.name))
                        .with_hint("the unit sheet uses the month's name; update the registry if the unit was renamed"),
                    );
                }
                Some(_) => {}
            }
        }
        for (i, unit) in self.units.iter().enumerate() {
            if known_ids.contains(&unit.id) {
                continue;
            }
            let hint = match closest(&unit.id, known_ids.iter().map(String::as_str)) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "use the id the unit has in the months' units.yaml".to_owned(),
            };
            out.push(
                Diagnostic::error(&self.path, format!("unknown unit id `{}`: no month's units.yaml has it", unit.id))
                    .at_field(&self.text, &[key("units"), index(i), key("id")], Some(&unit.name))
                    .with_hint(hint),
            );
        }
        out.sort_by_key(Diagnostic::sort_key);
        out
    }
}
