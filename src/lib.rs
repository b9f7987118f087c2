//! `bulletin` builds the monthly bulletin of a district's "12345" citizen
//! service hotline office from one folder of YAML figures and plain-text
//! case studies.
//!
//! The pipeline, one folder a stage (see ARCHITECTURE.md): the office's
//! [`definition`] (load, check) → the [`month`] (load, validate against the
//! definition) → [`derive`] (the engine; exact arithmetic in [`number`]) →
//! [`render`] (sentences, the Typst world, PDF) → [`publish`] (sign-off,
//! signatures, distribution). Beside them: [`source`] (a YAML file read with
//! diagnostics), [`edit`] (the editors' commands: init, new, import),
//! [`archive`] (batch rebuilds, watch, the generated archive); the CLI is
//! the binary's `cli/`.

pub mod archive;
pub mod definition;
pub mod derive;
pub mod diag;
pub mod edit;
mod error;
pub mod fs;
pub mod month;
pub mod number;
pub mod publish;
pub mod render;
pub mod source;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::error::Error;

use crate::diag::Diagnostic;
use crate::render::world::{Fonts, Layouts};

/// What every build reads besides the month: layouts (with the mail
/// templates) and fonts. Loaded once, shared by every month of a run.
#[derive(Debug, Clone)]
pub struct Resources {
    pub world: render::world::Resources,
}

impl Resources {
    pub fn load(layouts: &Path, fonts: &Path) -> Result<Self, Error> {
        let layouts = Layouts::load(layouts)?;
        let fonts = Fonts::load(fonts)?;
        Ok(Self { world: render::world::Resources { fonts: Arc::new(fonts), layouts: Arc::new(layouts) } })
    }
}

/// Why a month did not build.
#[derive(Debug)]
pub enum Failure {
    /// The month's data has errors (exit code 1); warnings may come along.
    Data(Vec<Diagnostic>),
    /// The tool could not do its work (exit code 2).
    Operational(Error),
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Self::Operational(err)
    }
}

/// A built month.
#[derive(Debug)]
pub struct Built {
    pub pdf: PathBuf,
    pub pages: usize,
    pub bytes: usize,
    /// The PDF's SHA-256, in lowercase hex.
    pub sha256: String,
    /// A draft (no complete sign-off record).
    pub draft: bool,
    /// Warnings about the month's data (none of them stopped the build).
    pub warnings: Vec<Diagnostic>,
    /// What the PDF replaced at its path.
    pub replaced: Replaced,
    /// Which inputs changed since the recorded build, in words (`the
    /// office definition`); empty when none was recorded (or `--force`
    /// rebuilt the same).
    pub because: Vec<&'static str>,
    /// The OFD edition's SHA-256, where one was written beside the PDF.
    pub ofd_sha256: Option<String>,
}

/// What a built PDF replaced: nothing, the same bytes, or another PDF (an
/// archived bulletin that a rebuild changed, e.g. after a definition change).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replaced {
    Nothing,
    Same,
    Changed,
}

/// How strictly a month is checked.
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions {
    /// Warnings count as errors.
    pub strict: bool,
}

/// A checked month under its office's definition.
pub type Issue = month::office::OfficeMonth;

/// Checks a month folder under its office's definition: the checked month
/// and its warnings, or every problem found.
pub fn check_issue(dir: &Path, options: CheckOptions) -> Result<(Issue, Vec<Diagnostic>), Failure> {
    if !dir.is_dir() {
        return Err(Failure::Operational(Error::Missing { what: "month folder", path: dir.to_owned() }));
    }
    let checked = read_issue(dir)?;
    let (issue, mut diagnostics) = (checked.month, checked.diagnostics);
    // Warnings that count as errors: all of them with --strict; those that
    // question a figure in a final bulletin, which goes out signed (a draft
    // may still be built with them) — also beside other errors, so that a
    // figure in question does not turn from a warning into an error once
    // they are fixed.
    let is_final = checked.is_final;
    let is_error = |d: &Diagnostic| options.strict || (is_final && d.code.is_some());
    if diagnostics.iter().any(|d| !d.is_error() && is_error(d)) {
        for diagnostic in diagnostics.iter_mut().filter(|d| is_error(d)) {
            diagnostic.severity = diag::Severity::Error;
        }
        return Err(Failure::Data(diagnostics));
    }
    match issue {
        Some(issue) => Ok((issue, diagnostics)),
        None => Err(Failure::Data(diagnostics)),
    }
}

/// A month folder read and checked under its office's definition, taken
/// as published: the month where its figures have no error, and every
/// diagnostic (warnings that a final bulletin must settle stay warnings).
pub fn read_issue(dir: &Path) -> Result<month::office::Checked, Failure> {
    let mut checked = read_checked(dir)?;
    // 同比 and 环比: the base periods' figures, from the archive beside it;
    // 本年累计: the year's months up to this one, for the parts that show it.
    if let Some(month) = checked.month.as_mut() {
        let (compares, to_date) = (month.definition.compare.is_some(), month.definition.uses_year_to_date());
        let read_month = |month_dir: &Path| month_of(month_dir, read_checked(month_dir));
        let archive = archive::months::archive_root(dir);
        let base = |span| archive::period::base_figures(span, &archive, &month.definition, &read_month).map(Arc::new);
        let year_to_date = month.span.year_to_date();
        // A base the archive lacks may be typed in month.yaml, with a warning.
        let typed = std::mem::take(&mut month.bases);
        let choose = month::office::Bases::choose;
        let said = &mut checked.diagnostics;
        let previous = compares.then(|| base(month.span.previous())).flatten();
        let year_before = compares.then(|| base(month.span.year_before())).flatten();
        month.bases = month::office::Bases {
            previous: choose(previous, typed.typed_previous.as_ref(), said),
            year_before: choose(year_before, typed.typed_year_before.as_ref(), said),
            year_to_date: (to_date && year_to_date != month.span).then(|| base(year_to_date)).flatten(),
            ..Default::default()
        };
        // The trend charts' months, up to its own.
        let window = archive::trend::window(&month.definition, month.span);
        if !window.is_empty() {
            let (points, warnings) = archive::trend::points(month, &window, &archive, &read_month);
            month.bases.trend = Arc::new(points);
            checked.diagnostics.extend(warnings);
        }
    }
    Ok(checked)
}

/// A month folder's reading, as a period's reader takes it.
fn month_of(
    dir: &Path,
    read: Result<month::office::Checked, Failure>,
) -> Result<month::office::Checked, Vec<Diagnostic>> {
    match read {
        Ok(checked) => Ok(checked),
        Err(Failure::Data(diagnostics)) => Err(diagnostics),
        Err(Failure::Operational(err)) => Err(vec![Diagnostic::error(dir, err.to_string())]),
    }
}

/// [`read_issue`] without the comparisons' bases: what a period's months
/// and a base period are read by.
fn read_checked(dir: &Path) -> Result<month::office::Checked, Failure> {
    // A folder meant as a period but misnamed (2020-Q5, 2020-H3): said
    // once, not as a month with every file missing.
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let upper = name.to_ascii_uppercase();
    let meant_as_period = upper.contains("..") || upper.contains("-Q") || upper.contains("-H");
    if meant_as_period && month::span::Span::parse(&name).is_none() {
        let diagnostic =
            Diagnostic::error(dir, format!("the folder `{}` is named neither as a month nor as a period", name))
                .with_hint(format!("name it {}", month::span::SPAN_FORMS));
        return Err(Failure::Data(vec![diagnostic]));
    }
    let definition = office_definition(dir)?;
    let files = month::validate::MonthFiles::read(dir)
        .map_err(|err| Failure::Operational(Error::io("read the month folder", dir, err)))?;
    let mut checked = match archive::period::folder_span(dir) {
        // A quarter, a year, …: its figures are its months'.
        Some(span) => {
            let read_month = |month_dir: &Path| month_of(month_dir, read_checked(month_dir));
            archive::period::check_period(&files, definition.definition, span, &read_month)
        }
        None => month::office::check_files(&files, definition.definition),
    };
    checked.diagnostics.splice(0..0, definition.warnings);
    Ok(checked)
}

/// A month's office definition and its warnings.
pub struct OfficeDefinition {
    pub definition: Arc<definition::Definition>,
    pub warnings: Vec<Diagnostic>,
}

/// The office definition that governs the month folder `dir`: the
/// `bulletin.yaml` beside the months or beside `months/`, else the bundled
/// one (Furong's). A definition with errors stops every month it governs.
pub fn office_definition(dir: &Path) -> Result<OfficeDefinition, Failure> {
    let pin = definition::pinned(dir);
    if let Some(pin) = &pin {
        if !pin.path.is_file() {
            let at = [source::locate::Segment::Key("definition".into())];
            return Err(Failure::Data(vec![Diagnostic::error(
                &pin.month_yaml,
                format!("`definition`: there is no definition file at `{}`", pin.path.display()),
            )
            .at_field(&pin.text, &at, Some("本月依据的通报定义"))
            .with_hint(
                "write the path of the bulletin.yaml this month was issued under, relative to the month folder \
                 (e.g. `../../definitions/2020.yaml`), or remove `definition:` to use the office's bulletin.yaml",
            )]));
        }
    }
    let Some(path) = pin.map(|pin| pin.path).or_else(|| definition::find_beside(dir)) else {
        return Ok(OfficeDefinition { definition: definition::furong(), warnings: Vec::new() });
    };
    let loaded = definition::load_shared(&path)
        .map_err(|err| Failure::Operational(Error::io("read the office definition", &path, err)))?;
    match loaded.definition {
        Some(found) => Ok(OfficeDefinition { definition: found, warnings: loaded.diagnostics }),
        None => Err(Failure::Data(loaded.diagnostics)),
    }
}

/// The JSON Schemas under the project's `schemas/`: the bundled month's
/// files as Furong's definition shapes them (the reader checks them the
/// same way), the units registry's and the definition file's.
pub fn bundled_schemas() -> Vec<(String, String)> {
    let mut schemas = month::office_schema::files(&definition::furong());
    for kind in [source::schema::FileKind::Registry, source::schema::FileKind::Definition] {
        schemas.push((kind.schema_file_name(), source::schema::file_text(kind.schema())));
    }
    schemas
}

/// The JSON Schemas of an office's month files, generated from the
/// definition `bulletin.yaml` in `office_dir`: (file name, schema text).
pub fn office_schemas(office_dir: &Path) -> Result<Vec<(String, String)>, Failure> {
    let path = office_dir.join(definition::FILE_NAME);
    if !path.is_file() {
        return Err(Failure::Operational(Error::Missing { what: "office definition", path }));
    }
    let loaded = definition::load(&path)
        .map_err(|err| Failure::Operational(Error::io("read the office definition", &path, err)))?;
    let Some(found) = loaded.definition else { return Err(Failure::Data(loaded.diagnostics)) };
    Ok(month::office_schema::files(&found))
}

/// `bulletin new`: the month `period` under `months`, started from the
/// latest month there, in the shape of the office's definition.
pub fn new_month(months: &Path, period: &str) -> Result<PathBuf, Error> {
    new_issue(months, period).map(|(dir, _)| dir)
}

/// Starts `months/<period>`: a month from the latest one, or a quarter,
/// half-year, year or run of months (its month.yaml, texts and cases);
/// returns the folder, and for a period the months it covers that the
/// archive lacks yet.
pub fn new_issue(months: &Path, period: &str) -> Result<(PathBuf, Vec<String>), Error> {
    let scaffold_error = edit::scaffold::scaffold_error;
    let span = month::span::Span::parse(period)
        .ok_or_else(|| scaffold_error(format!("`{period}` is not a period; write {}", month::span::SPAN_FORMS)))?;
    let key = span.to_string();
    let target = months.join(&key);
    if target.exists() {
        return Err(scaffold_error(format!("`{}` exists already", target.display())));
    }
    let definition = match office_definition(&target) {
        Ok(found) => found.definition,
        Err(Failure::Operational(err)) => return Err(err),
        Err(Failure::Data(_)) => {
            return Err(scaffold_error(format!(
                "the office definition beside `{}` has errors; `bulletin check` on a month shows them",
                months.display()
            )))
        }
    };
    match span {
        month::span::Span::Month(_) => Ok((edit::office_scaffold::new_month(months, &key, &definition)?, Vec::new())),
        span => edit::office_scaffold::new_period(months, span, &definition),
    }
}

/// What a build must produce.
#[derive(Clone, Copy, Debug, Default)]
pub struct BuildOptions {
    pub check: CheckOptions,
    /// Refuse to build a draft: the month must carry a complete sign-off record.
    pub require_final: bool,
    /// Also write the OFD edition (GB/T 33190) beside the PDF.
    pub ofd: bool,
    /// Seal the OFD edition with the office's signing system, this command.
    pub seal_cmd: Option<&'static str>,
}

/// The PDF's file name: `2020-03.pdf`, or `2020-03.draft.pdf` for a draft.
pub fn pdf_name(period: &str, draft: bool) -> String {
    if draft {
        format!("{period}.draft.pdf")
    } else {
        format!("{period}.pdf")
    }
}

/// `build --emit-typst DIR`: the exact Typst project a month compiles —
/// the layouts, `data.json`, the sources, and
/// `fonts.txt` naming the fonts folder — in `DIR/<period>/`, so that the
/// stock Typst tools compile it too. `resources` are those loaded from
/// `fonts` (once for every month). Returns the project and its main file.
pub fn emit_typst(dir: &Path, into: &Path, resources: &Resources, fonts: &Path) -> Result<(PathBuf, String), Failure> {
    let (issue, _) = check_issue(dir, CheckOptions::default())?;
    let (job, _) = prepare(dir, &issue, resources)?;
    let project = into.join(issue.period_key());
    for (path, bytes) in resources.world.layouts.files() {
        crate::fs::write_atomically(&project.join(path.trim_start_matches('/')), bytes)?;
    }
    crate::fs::write_atomically(&project.join(render::world::DATA_PATH.trim_start_matches('/')), &job.data)?;
    for (path, bytes) in &job.extra {
        crate::fs::write_atomically(&project.join(path.trim_start_matches('/')), bytes)?;
    }
    let fonts = std::path::absolute(fonts).unwrap_or_else(|_| fonts.to_owned());
    crate::fs::write_atomically(&project.join("fonts.txt"), format!("{}\n", fonts.display()).as_bytes())?;
    Ok((project, job.main.trim_start_matches('/').to_owned()))
}

/// Whether month.yaml's bytes hold a `signoff:` record.
fn has_signoff(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes).lines().any(|l| l.starts_with("signoff:"))
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `pdf` holds exactly what the month builds now (builds are
/// reproducible, so a byte comparison says it).
pub fn is_current(dir: &Path, issue: &Issue, pdf: &Path, resources: &Resources) -> Result<bool, Failure> {
    let (rendered, _) = render_issue(dir, issue, resources)?;
    let on_disk = std::fs::read(pdf).map_err(|err| Error::io("read", pdf, err))?;
    Ok(on_disk == rendered.pdf)
}

/// What a build checks of a valid month before compiling it: its figures
/// and sentences derive, and every character it prints has a glyph in the
/// bundled fonts. `check` runs this too, so that it never passes a month
/// that `build` refuses.
pub fn check_printable(dir: &Path, issue: &Issue, resources: &Resources) -> Result<(), Failure> {
    prepare(dir, issue, resources).map(|_| ())
}

/// The pages `bulletin build` lays out for the month folder `dir`, under
/// its office's definition, before they are written as PDF.
pub fn lay_out(dir: &Path, resources: &Resources) -> Result<typst_layout::PagedDocument, Failure> {
    let (issue, _) = check_issue(dir, CheckOptions::default())?;
    let (job, _) = prepare(dir, &issue, resources)?;
    Ok(render::pdf::document(job, &resources.world)?)
}

/// The month's compilation job, its characters checked against the fonts.
fn prepare<'a>(
    dir: &Path,
    month: &Issue,
    resources: &Resources,
) -> Result<(render::pdf::Job<'a>, render::document::Document), Failure> {
    if month.definition.sections.is_empty() {
        let diagnostic = Diagnostic::error(&month.definition.path, "the definition declares no sections: the bulletin would print nothing")
            .with_hint("add `sections:` with the bulletin's parts (README.md, \"Another office's bulletin\"), or pin the month to the definition it was issued under");
        return Err(Failure::Data(vec![diagnostic]));
    }
    let document = month.document()?;
    let mut data = serde_json::to_value(&document).map_err(|err| Error::Render { message: err.to_string() })?;
    render::glyphs::drop_invisible(&mut data);
    check_glyphs(dir, &month.sources, &data, resources)?;
    Ok((render::pdf::office_job(&document, &data, &month.sources)?, document))
}

/// The month's bulletin as PDF bytes (with its pages), and the document
/// it was laid out from.
pub fn render_issue(
    dir: &Path,
    issue: &Issue,
    resources: &Resources,
) -> Result<(render::pdf::Rendered, render::document::Document), Failure> {
    let (job, document) = prepare(dir, issue, resources)?;
    Ok((render::pdf::compile(job, &resources.world)?, document))
}

/// The OFD edition of a rendered bulletin, sealed by `seal_cmd` where given.
pub(crate) fn ofd_edition(
    rendered: &render::pdf::Rendered,
    document: &render::document::Document,
    issue: &Issue,
    seal_cmd: Option<&str>,
) -> Result<Vec<u8>, Error> {
    let command = seal_cmd.map(publish::seal::command);
    let signer = command.as_ref().map(|c| c as publish::seal::Signer);
    publish::ofd::package(&rendered.document, &ofd_info(document, issue), signer)
}

/// A missing glyph is an error where its character was typed in `dir`.
fn check_glyphs(
    dir: &Path,
    sources: &[(String, Vec<u8>)],
    data: &serde_json::Value,
    resources: &Resources,
) -> Result<(), Failure> {
    let missing = render::glyphs::missing_in(data, &resources.world.fonts);
    if missing.is_empty() {
        return Ok(());
    }
    let mut diagnostics = render::glyphs::diagnostics(dir, sources, &missing);
    diagnostics.sort_by_key(diag::Diagnostic::sort_key);
    Err(Failure::Data(diagnostics))
}

/// What the OFD edition's DocInfo says: the PDF's ident, its title and
/// issuer, the sign-off date, the keywords the PDF carries.
fn ofd_info(document: &render::document::Document, issue: &Issue) -> publish::ofd::Info {
    let date = document.signoff.as_ref().map(|s| s.date.iso.clone()).unwrap_or_default();
    publish::ofd::Info {
        ident: render::pdf::ident(document),
        title: document.title.lines().map(str::trim).collect(),
        author: document.signoff.as_ref().map_or_else(|| issue.definition.office.name.clone(), |s| s.issuer.clone()),
        date,
        keywords: vec!["12345".to_owned(), document.district.clone(), document.period.key.clone()],
        seal_anchor: document.signoff.as_ref().map(|s| s.date_text.clone()),
    }
}

/// Builds the month in `dir` into `out/<period>.pdf` (final, with a
/// complete sign-off record) or `out/<period>.draft.pdf`. `resources` is
/// called once the month is valid (so bad data is reported without
/// loading fonts) and may hand out the same resources to every month.
pub fn build(
    dir: &Path,
    out: &Path,
    options: BuildOptions,
    resources: impl FnOnce() -> Result<Resources, Error>,
) -> Result<Built, Failure> {
    let (issue, mut warnings) = check_issue(dir, options.check)?;
    if options.require_final && !issue.is_final() {
        let missing = issue.missing_signoff();
        let month_yaml = issue.sources.iter().find(|(name, _)| name == month::validate::MONTH_FILE);
        let message = if !month_yaml.is_some_and(|(_, bytes)| has_signoff(bytes)) {
            "a final bulletin needs a sign-off record, and month.yaml has none".to_owned()
        } else {
            format!("the sign-off record is incomplete: {} missing", missing.join(", "))
        };
        // The fields this office's 落款 holds (bulletin.yaml's office.signoff).
        let fields: Vec<&str> = issue
            .signoff_fields()
            .iter()
            .map(|f| match f {
                definition::SignoffField::Issuer => "`issuer` (发文单位)",
                definition::SignoffField::Date => "`date` (签发日期, YYYY-MM-DD)",
                definition::SignoffField::ApprovedBy => "`approved_by` (签发人)",
            })
            .collect();
        let fields = match fields.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => "its fields".to_owned(),
        };
        let hint = match options.seal_cmd {
            Some(_) => format!("a seal (--seal-cmd) goes only on a signed-off bulletin: add `signoff:` with {fields}"),
            None => format!("add `signoff:` with {fields}; without --final the month builds as a draft (征求意见稿)"),
        };
        let mut diagnostic = diag::Diagnostic::error(dir.join(month::validate::MONTH_FILE), message).with_hint(hint);
        // At the record, when there is one.
        let text = issue.sources.iter().find(|(name, _)| name == month::validate::MONTH_FILE);
        let text = text.map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned()).unwrap_or_default();
        if let Some(line) = text.lines().position(|l| l.starts_with("signoff:")) {
            diagnostic = diagnostic.at(&text, line + 1, 1);
        }
        return Err(Failure::Data(vec![diagnostic]));
    }
    let resources = resources()?;
    let (rendered, document) = match render_issue(dir, &issue, &resources) {
        Ok(rendered) => rendered,
        Err(Failure::Data(mut diagnostics)) => {
            diagnostics.extend(warnings);
            return Err(Failure::Data(diagnostics));
        }
        Err(failure) => return Err(failure),
    };
    let (key, draft) = (issue.period_key(), !issue.is_final());
    let pdf = out.join(pdf_name(&key, draft));
    let replaced = match std::fs::read(&pdf) {
        Ok(old) if old == rendered.pdf => Replaced::Same,
        Ok(_) => Replaced::Changed,
        Err(_) => Replaced::Nothing,
    };
    // A signature of the PDF this one replaces no longer holds: it goes, so
    // that nobody sends it along with the new PDF.
    let signature = publish::signoff::signature_path(&pdf);
    let stale = signature.exists() && replaced != Replaced::Same;
    // The OFD edition (sealed, when asked) is made before anything is
    // written: a seal that fails leaves the old PDF and OFD as they were.
    let ofd = match options.ofd {
        true => Some(ofd_edition(&rendered, &document, &issue, options.seal_cmd)?),
        false => None,
    };
    crate::fs::write_atomically(&pdf, &rendered.pdf)?;
    let ofd_path = pdf.with_extension("ofd");
    let ofd_sha256 = ofd.as_ref().map(|package| sha256_hex(package));
    let sealed = |package: &[u8]| publish::seal::is_sealed(package);
    let unsealing = ofd.as_deref().is_some_and(|package| !sealed(package))
        && std::fs::read(&ofd_path).is_ok_and(|old| sealed(&old));
    match &ofd {
        Some(_) if unsealing => warnings.push(
            diag::Diagnostic::warning(&ofd_path, "replaced a sealed OFD edition with an unsealed one")
                .with_hint("build with --seal-cmd to seal it again"),
        ),
        None if ofd_path.exists() && replaced != Replaced::Same => warnings.push(
            diag::Diagnostic::warning(&ofd_path, "this OFD edition is from an earlier build: it is not the new PDF")
                .with_hint("build with --ofd to write it again, or remove it"),
        ),
        _ => {}
    }
    if let Some(package) = ofd {
        crate::fs::write_atomically(&ofd_path, &package)?;
    }
    if stale {
        std::fs::remove_file(&signature).map_err(|err| Error::io("remove the old signature", &signature, err))?;
        warnings.push(
            diag::Diagnostic::warning(&signature, "removed the signature of the PDF this build replaced")
                .with_hint("sign the new PDF: `bulletin sign` or `bulletin build --final --sign`"),
        );
    }
    // The other kind of PDF of this month, from before the sign-off record
    // was completed (a draft, now superseded) or reopened (a final).
    let other = out.join(pdf_name(&key, !draft));
    if other.exists() {
        if draft {
            warnings.push(
                diag::Diagnostic::warning(
                    &other,
                    "this final bulletin is from before the sign-off record was reopened; it no longer shows \
                     the month's figures",
                )
                .with_hint("complete `signoff:` in month.yaml to build the final again, or remove the old PDF"),
            );
        } else {
            std::fs::remove_file(&other).map_err(|err| Error::io("remove the superseded draft", &other, err))?;
        }
    }
    Ok(Built {
        pdf,
        pages: rendered.pages,
        bytes: rendered.pdf.len(),
        sha256: sha256_hex(&rendered.pdf),
        draft,
        warnings,
        replaced,
        because: Vec::new(),
        ofd_sha256,
    })
}
