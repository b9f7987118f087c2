//! Distribution of a final month to its member units:
//!
//! ```text
//! dist/2020-03/
//!   dingwangtai/2020-03.pdf                    the signed bulletin
//!   dingwangtai/2020-03.pdf.minisig
//!   dingwangtai/2020-03-dingwangtai.pdf        the unit's one-page sheet
//!   dingwangtai/2020-03-dingwangtai.pdf.minisig
//!   …                                          one folder per unit
//!   outbox/dingwangtai.eml                     one message per unit
//!   outbox/sent.json                           units the server accepted
//!   manifest.json, manifest.csv                every file, its SHA-256 and size
//!   manifest.json.minisig, manifest.csv.minisig
//! ```
//!
//! The folder is assembled beside its final place and swapped in whole, so
//! a failed run leaves the previous distribution as it was; a lock file
//! (`.<period>.lock`) keeps two runs, or a run and a delivery, apart. The
//! PDFs are the same bytes on every machine. Signatures carry random noise
//! (minisign), so a first distribution elsewhere signs differently; a
//! redistribution keeps the signatures that still hold, and then every
//! file but `sent.json` comes out the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use minisign::SecretKey;
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::fs::write_atomically;
use crate::month::office::OfficeMonth;
use crate::month::types::Date;
use crate::month::validate::MONTH_FILE;
use crate::publish::mail::{self, Attached, Letter, Outgoing};
use crate::publish::office_sheet;
use crate::publish::registry::{Contact, MonthUnit, Registry};
use crate::publish::signoff::sign_or_reuse;
use crate::render::narrative::Sentences;
use crate::render::{self, pdf::Job};
use crate::{render::glyphs, CheckOptions, Error, Failure, Resources};

/// A file of the distribution, as the manifest lists it.
#[derive(Clone, Debug, Serialize)]
pub struct FileEntry {
    /// Relative to the month's distribution folder, `/`-separated.
    pub path: String,
    pub sha256: String,
    pub bytes: usize,
}

/// One unit's packet.
#[derive(Clone, Debug, Serialize)]
pub struct Packet {
    pub id: String,
    pub name: String,
    pub group: String,
    pub recipients: Vec<Contact>,
    /// The PDFs and signatures of the unit's folder.
    pub files: Vec<FileEntry>,
    /// The unit's message in the outbox.
    pub message: FileEntry,
}

/// `manifest.json`.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub district: String,
    pub period: String,
    pub issuer: String,
    pub signed_off: String,
    pub units: Vec<Packet>,
}

/// A distributed month.
#[derive(Debug)]
pub struct Distributed {
    /// `dist/2020-03`
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// Warnings about the month, the registry or the archive.
    pub warnings: Vec<Diagnostic>,
    /// Held until dropped: no other run distributes or sends this month.
    _lock: std::fs::File,
}

impl Distributed {
    /// The outbox's messages, in unit order, for [`mail::send`].
    pub fn outgoing(&self) -> Vec<Outgoing> {
        self.manifest
            .units
            .iter()
            .map(|p| Outgoing {
                unit: p.id.clone(),
                path: self.dir.join(&p.message.path),
                recipients: p.recipients.clone(),
            })
            .collect()
    }
}

/// What a distribution needs besides the month.
pub struct Options<'a> {
    /// The distributions folder (`dist`); the month goes to `<out>/<period>/`.
    pub out: &'a Path,
    pub registry: &'a Registry,
    pub key: &'a SecretKey,
    /// Worker threads for the unit sheets.
    pub jobs: usize,
    /// How strictly the month is checked (warnings as errors).
    pub check: CheckOptions,
    /// Each packet also carries the bulletin's OFD edition, signed as the
    /// PDF is (sealed by this command, when given).
    pub ofd: bool,
    pub seal_cmd: Option<&'a str>,
}

/// What the mail templates see.
#[derive(Serialize)]
struct MailContext<'a> {
    sheet: &'a serde_json::Value,
    recipients: &'a [Contact],
    sender: &'a Contact,
    attachments: Vec<&'a str>,
}

fn entry(path: String, bytes: &[u8]) -> FileEntry {
    FileEntry { path, sha256: crate::sha256_hex(bytes), bytes: bytes.len() }
}

/// The units' sheets of a month, ready to compile, whichever shape the
/// month has.
struct Pages {
    /// The sheet layout and the folder of the mail templates.
    layout: &'static str,
    mail_templates: &'static str,
    district: String,
    period: String,
    issuer: String,
    date: Date,
    units: Vec<UnitPage>,
}

/// One unit's sheet: its data for the layout, and the same as the mail
/// templates see it (`sheet.*`).
struct UnitPage {
    id: String,
    name: String,
    group: String,
    context: serde_json::Value,
    data: Vec<u8>,
}

/// Distributes the final month in `month_dir`; see the module docs.
pub fn distribute(month_dir: &Path, options: Options, resources: &Resources) -> Result<Distributed, Failure> {
    // A month not signed off yet (a new one, its figures blank) is refused
    // for that alone, before its figures are judged.
    if undated(month_dir) {
        let diagnostic = Diagnostic::error(
            month_dir.join(MONTH_FILE),
            "this month is a draft (征求意见稿): only a final bulletin is distributed, and the sign-off record has no date",
        )
        .with_hint("complete `signoff:` in month.yaml once the bulletin is approved (`bulletin check` lists what else is left), then distribute");
        return Err(Failure::Data(vec![diagnostic]));
    }
    let (issue, mut warnings) = crate::check_issue(month_dir, options.check)?;
    if !issue.is_final() {
        let diagnostic = Diagnostic::error(
            month_dir.join(MONTH_FILE),
            format!(
                "this month is a draft (征求意见稿): only a final bulletin is distributed, and the sign-off record lacks {}",
                issue.missing_signoff().join(", ")
            ),
        )
        .with_hint("complete `signoff:` in month.yaml once the bulletin is approved, then distribute");
        return Err(Failure::Data(vec![diagnostic]));
    }
    let (pages, problems) = office_pages(month_dir, &issue, options.registry, resources)?;
    if problems.iter().any(Diagnostic::is_error) {
        return Err(Failure::Data(problems));
    }
    warnings.extend(problems);
    let mail_text = Sentences::from_layouts(&resources.world.layouts, pages.mail_templates)?;

    // The bulletin itself, exactly as `build --final` makes it (and its
    // OFD edition, as `build --final --ofd` does).
    let (rendered, document) = crate::render_issue(month_dir, &issue, resources)?;
    let ofd = match options.ofd {
        true => Some(crate::ofd_edition(&rendered, &document, &issue, options.seal_cmd)?),
        false => None,
    };
    let bulletin = rendered.pdf;

    let final_dir = options.out.join(&pages.period);
    let lock = lock(options.out, &pages.period)?;
    let staging = Staging(options.out.join(format!(".{}.staging-{}", pages.period, std::process::id())));
    let target = Target { staging: &staging.0, previous: &final_dir };
    let manifest = assemble(target, (&bulletin, ofd.as_deref()), &options, resources, &pages, &mail_text)?;
    swap_in(&staging.0, &final_dir)?;
    Ok(Distributed { dir: final_dir, manifest, warnings, _lock: lock })
}

/// Whether month.yaml parses and its sign-off record has no date (then the
/// month can only be a draft; a month.yaml that does not parse is left to
/// the check, which says why).
fn undated(month_dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(month_dir.join(MONTH_FILE)) else { return false };
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(&text) else { return false };
    value
        .get("signoff")
        .and_then(|s| s.get("date"))
        .is_none_or(|d| d.is_null() || d.as_str().is_some_and(|t| t.trim().is_empty()))
}

/// An office's unit sheets (every figure of the unit's group, the lists
/// that name it), and the registry's problems with the month and the
/// archive.
fn office_pages(
    month_dir: &Path,
    month: &OfficeMonth,
    registry: &Registry,
    resources: &Resources,
) -> Result<(Pages, Vec<Diagnostic>), Failure> {
    let history = office_sheet::History::scan(month_dir, month);
    let sheets = office_sheet::sheets(month, &history)?;
    let Some(date) = month.signoff.date else {
        return Err(Failure::Operational(Error::Render { message: "a draft has no unit sheets".into() }));
    };
    let input = &month.input;
    let units: Vec<MonthUnit> = input
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| MonthUnit { id: &u.id, name: &u.name, group: u.group, index: input.place_in_group(i) })
        .collect();
    let known_ids = office_sheet::known_ids(month_dir, month);
    let mut problems = registry.check_against(month_dir, &units, &month.sources, &known_ids);
    problems.extend(history.warnings.iter().cloned());
    let mut pages = Vec::with_capacity(sheets.len());
    for sheet in &sheets {
        let mut context = serde_json::to_value(sheet).map_err(|err| Error::Render { message: err.to_string() })?;
        glyphs::drop_invisible(&mut context);
        let missing = glyphs::missing_in(&context, &resources.world.fonts);
        if !missing.is_empty() {
            return Err(Failure::Data(glyphs::diagnostics(month_dir, &month.sources, &missing)));
        }
        let data = serde_json::to_vec_pretty(&context).map_err(|err| Error::Render { message: err.to_string() })?;
        let unit = &sheet.unit;
        pages.push(UnitPage { id: unit.id.clone(), name: unit.name.clone(), group: unit.group.clone(), context, data });
    }
    let first = sheets.first();
    let pages = Pages {
        layout: office_sheet::SHEET_LAYOUT,
        mail_templates: office_sheet::MAIL_TEMPLATES,
        district: month.definition.office.district.clone(),
        period: format!("{:04}-{:02}", month.period.year, month.period.month),
        issuer: first.map_or_else(|| month.definition.office.name.clone(), |s| s.signoff.issuer.clone()),
        date,
        units: pages,
    };
    Ok((pages, problems))
}

/// Takes the month's lock in `out` (waiting for another run to finish),
/// then tidies what an interrupted run left: a previous distribution moved
/// aside but not replaced is put back; stale staging folders go.
fn lock(out: &Path, period: &str) -> Result<std::fs::File, Error> {
    std::fs::create_dir_all(out).map_err(|err| Error::io("create", out, err))?;
    let final_dir = out.join(period);
    if final_dir.exists() && !final_dir.is_dir() {
        let in_the_way = std::io::Error::new(std::io::ErrorKind::AlreadyExists, "a file is in the way");
        return Err(Error::io("use as the distribution folder", &final_dir, in_the_way));
    }
    let path = out.join(format!(".{period}.lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|err| Error::io("create", &path, err))?;
    file.lock().map_err(|err| Error::io("lock", &path, err))?;
    let leftovers: Vec<PathBuf> = std::fs::read_dir(out)
        .map_err(|err| Error::io("read", out, err))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name.starts_with(&format!(".{period}.old-")) || name.starts_with(&format!(".{period}.staging-"))
        })
        .collect();
    for leftover in leftovers {
        let moved_aside = leftover.file_name().is_some_and(|n| n.to_string_lossy().contains(".old-"));
        if moved_aside && !final_dir.exists() {
            std::fs::rename(&leftover, &final_dir).map_err(|err| Error::io("restore", &leftover, err))?;
        } else {
            let _ = std::fs::remove_dir_all(&leftover);
        }
    }
    Ok(file)
}

/// A folder being assembled: removed when dropped (after an error or a
/// panic) unless it was renamed into place.
struct Staging(PathBuf);

impl Drop for Staging {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The compilation of one unit's sheet of an office's month.
pub fn office_sheet_job<'a>(sheet: &office_sheet::UnitSheet) -> Result<Job<'a>, Error> {
    let data = serde_json::to_vec_pretty(sheet).map_err(|err| Error::Render { message: err.to_string() })?;
    let date = &sheet.signoff.date;
    let today = (date.year, date.month, date.day);
    Ok(page_job(office_sheet::SHEET_LAYOUT, data, today, &sheet.district, &sheet.period.key, &sheet.unit.id))
}

/// A unit sheet's compilation: dated the day of the sign-off, identified by
/// district, period and unit, archival (PDF/A) like the final bulletin.
fn page_job<'a>(
    layout: &'static str,
    data: Vec<u8>,
    today: (i32, u8, u8),
    district: &str,
    period: &str,
    id: &str,
) -> Job<'a> {
    Job {
        main: layout,
        data,
        extra: BTreeMap::new(),
        today,
        ident: format!("bulletin/{district}/{period}/{id}"),
        archival: true,
    }
}

/// Renders the sheets on `jobs` threads; each result in unit order.
fn render_pages(pages: &Pages, jobs: usize, resources: &Resources) -> Vec<Result<render::pdf::Rendered, Error>> {
    let units = &pages.units;
    let slots: Vec<OnceLock<Result<render::pdf::Rendered, Error>>> = units.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    let today = (pages.date.year, pages.date.month, pages.date.day);
    crate::archive::batch::run_workers(jobs.clamp(1, units.len().max(1)), || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(unit) = units.get(i) else { break };
        let job = page_job(pages.layout, unit.data.clone(), today, &pages.district, &pages.period, &unit.id);
        let _ = slots[i].set(render::pdf::compile(job, &resources.world));
    });
    typst::comemo::evict(0);
    slots
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(|| Err(Error::Render { message: "not rendered".into() })))
        .collect()
}

/// Where a distribution is assembled, and the previous one it replaces.
#[derive(Clone, Copy)]
struct Target<'a> {
    staging: &'a Path,
    previous: &'a Path,
}

impl Target<'_> {
    /// Signs `bytes`, written as `relative`; the previous distribution's
    /// signature is kept when it still holds (see [`sign_or_reuse`]).
    fn sign(&self, relative: &str, bytes: &[u8], key: &SecretKey, what: &str) -> Result<String, Error> {
        let previous = std::fs::read_to_string(self.previous.join(format!("{relative}.minisig"))).ok();
        sign_or_reuse(bytes, key, what, previous.as_deref())
    }
}

fn assemble(
    target: Target,
    (bulletin, ofd): (&[u8], Option<&[u8]>),
    options: &Options,
    resources: &Resources,
    pages: &Pages,
    mail_text: &Sentences,
) -> Result<Manifest, Failure> {
    let staging = target.staging;
    if pages.units.is_empty() {
        return Err(Failure::Operational(Error::Render { message: "the month has no units".into() }));
    }
    let (district, period, date) = (pages.district.as_str(), pages.period.as_str(), pages.date);
    let bulletin_name = crate::pdf_name(period, false);
    let bulletin_what = format!("bulletin district:{district} period:{period}");

    let rendered = render_pages(pages, options.jobs, resources);
    let mut packets = Vec::new();
    for (unit, rendered) in pages.units.iter().zip(rendered) {
        let sheet_pdf = rendered?.pdf;
        let sheet_name = format!("{period}-{}.pdf", unit.id);
        let sheet_what = format!("bulletin district:{district} period:{period} unit:{}", unit.id);
        let sheet_signature =
            target.sign(&format!("{}/{sheet_name}", unit.id), &sheet_pdf, options.key, &sheet_what)?;
        let bulletin_signature =
            target.sign(&format!("{}/{bulletin_name}", unit.id), bulletin, options.key, &bulletin_what)?;
        let signature_name = |pdf: &str| format!("{pdf}.minisig");
        let mut contents: Vec<(String, &[u8])> = vec![
            (bulletin_name.clone(), bulletin),
            (signature_name(&bulletin_name), bulletin_signature.as_bytes()),
            (sheet_name.clone(), &sheet_pdf),
            (signature_name(&sheet_name), sheet_signature.as_bytes()),
        ];
        let ofd_name = format!("{period}.ofd");
        let ofd_signature = match ofd {
            Some(ofd) => Some(target.sign(&format!("{}/{ofd_name}", unit.id), ofd, options.key, &bulletin_what)?),
            None => None,
        };
        if let (Some(ofd), Some(signature)) = (ofd, &ofd_signature) {
            contents.insert(2, (ofd_name.clone(), ofd));
            contents.insert(3, (signature_name(&ofd_name), signature.as_bytes()));
        }
        let mut files = Vec::new();
        for (name, bytes) in &contents {
            let relative = format!("{}/{name}", unit.id);
            write_atomically(&staging.join(&relative), bytes)?;
            files.push(entry(relative, bytes));
        }

        let registered = options
            .registry
            .unit(&unit.id)
            .ok_or_else(|| Error::Mail { message: format!("unit `{}` is not in the registry", unit.id) })?;
        let attachments: Vec<Attached> =
            contents.iter().map(|(name, bytes)| Attached { name: name.clone(), bytes }).collect();
        let context = MailContext {
            sheet: &unit.context,
            recipients: &registered.recipients,
            sender: &options.registry.sender,
            attachments: attachments.iter().map(|a| a.name.as_str()).collect(),
        };
        let text = mail_text.render_with(&context)?;
        let template = |name: &str| {
            text.get(name).cloned().ok_or_else(|| Error::Missing {
                what: "mail template",
                path: resources.world.layouts.disk_path(&format!("/{}/{name}.j2", pages.mail_templates)),
            })
        };
        let subject = template("subject")?.split_whitespace().collect::<Vec<_>>().join(" ");
        let letter = Letter {
            sender: &options.registry.sender,
            recipients: &registered.recipients,
            subject: &subject,
            body: &template("body")?,
            attachments,
            date,
            id: format!("{period}.{}", unit.id),
        };
        let eml = mail::message(&letter)?;
        let relative = format!("{}/{}.eml", mail::OUTBOX, unit.id);
        write_atomically(&staging.join(&relative), &eml)?;
        packets.push(Packet {
            id: unit.id.clone(),
            name: unit.name.clone(),
            group: unit.group.clone(),
            recipients: registered.recipients.clone(),
            files,
            message: entry(relative, &eml),
        });
    }

    let manifest = Manifest {
        district: district.to_owned(),
        period: period.to_owned(),
        issuer: pages.issuer.clone(),
        signed_off: format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
        units: packets,
    };
    let json =
        serde_json::to_string_pretty(&manifest).map_err(|err| Error::Render { message: err.to_string() })? + "\n";
    let csv = manifest_csv(&manifest)?;
    for (name, bytes) in [("manifest.json", json.as_bytes()), ("manifest.csv", csv.as_slice())] {
        write_atomically(&staging.join(name), bytes)?;
        let signature =
            target.sign(name, bytes, options.key, &format!("bulletin district:{district} period:{period} manifest"))?;
        write_atomically(&staging.join(format!("{name}.minisig")), signature.as_bytes())?;
    }
    Ok(manifest)
}

/// `manifest.csv`: one row per file (the unit's message included), UTF-8
/// with a BOM so that Excel and WPS open it as UTF-8.
fn manifest_csv(manifest: &Manifest) -> Result<Vec<u8>, Error> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |err: csv::Error| Error::Render { message: err.to_string() };
    out.write_record(["unit_id", "unit_name", "recipients", "file", "sha256", "bytes"]).map_err(fail)?;
    for packet in &manifest.units {
        let recipients: Vec<String> = packet.recipients.iter().map(|r| format!("{} <{}>", r.name, r.email)).collect();
        let recipients = recipients.join("; ");
        for file in packet.files.iter().chain([&packet.message]) {
            let bytes = file.bytes.to_string();
            out.write_record([&packet.id, &packet.name, &recipients, &file.path, &file.sha256, &bytes])
                .map_err(fail)?;
        }
    }
    out.into_inner().map_err(|err| Error::Render { message: err.to_string() })
}

/// Puts the assembled folder in place of the previous distribution,
/// keeping the previous delivery record (`outbox/sent.json`).
fn swap_in(staging: &Path, final_dir: &Path) -> Result<(), Error> {
    let previous_record = final_dir.join(mail::OUTBOX).join(mail::SENT_FILE);
    if previous_record.is_file() {
        let target = staging.join(mail::OUTBOX).join(mail::SENT_FILE);
        std::fs::copy(&previous_record, &target).map_err(|err| Error::io("copy", &previous_record, err))?;
    }
    if final_dir.exists() {
        let name = final_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let old = final_dir.with_file_name(format!(".{name}.old-{}", std::process::id()));
        std::fs::rename(final_dir, &old).map_err(|err| Error::io("move aside", final_dir, err))?;
        if let Err(err) = std::fs::rename(staging, final_dir) {
            let _ = std::fs::rename(&old, final_dir);
            return Err(Error::io("rename into place", final_dir, err));
        }
        // The new distribution is in place; an old copy that will not go
        // is removed by the next run.
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(staging, final_dir).map_err(|err| Error::io("rename into place", final_dir, err))?;
    }
    Ok(())
}
