//! A month's document → PDF: compile the Typst layout in our [`BulletinWorld`], treat
//! every Typst warning as a failure (a warning there means a wrong font or a
//! silently dropped element), export the PDF, and write it atomically.

use std::collections::BTreeMap;

use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::Bytes;
use typst::foundations::Smart;
use typst::WorldExt;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::render::world::{BulletinWorld, Resources};
use crate::Error;

/// A compiled bulletin, before it is written anywhere.
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// The laid-out pages, for an edition in another format (OFD).
    pub document: PagedDocument,
}

/// The compilation of an office's bulletin: `layouts/office.typ` with the
/// document as `/data.json` (`data` is the document as JSON), its sources
/// as attachments, dated by its sign-off.
pub fn office_job<'a>(
    document: &crate::render::document::Document,
    data: &serde_json::Value,
    sources: &[(String, Vec<u8>)],
) -> Result<Job<'a>, Error> {
    let data = serde_json::to_vec_pretty(data).map_err(|err| Error::Render { message: err.to_string() })?;
    let period = &document.period;
    let today = match &document.signoff {
        Some(signoff) => (signoff.date.year, signoff.date.month, signoff.date.day),
        None if period.month == 12 => (period.year + 1, 1, 1),
        None => (period.year, period.month + 1, 1),
    };
    let extra = sources
        .iter()
        .map(|(name, bytes)| {
            (format!("/source/{}", crate::render::document::source_name(name)), Bytes::new(bytes.clone()))
        })
        .collect();
    Ok(Job {
        main: crate::render::document::LAYOUT,
        data,
        extra,
        today,
        ident: ident(document),
        archival: !document.draft,
    })
}

/// A bulletin's document id, stable across builds of its period (the PDF's
/// ident, the OFD's DocID).
pub fn ident(document: &crate::render::document::Document) -> String {
    format!("bulletin/{}/{}", document.district, document.period.key)
}

/// One Typst compilation: a layout, its data and what else it reads.
pub struct Job<'a> {
    /// The layout compiled, by virtual path (`/office.typ`).
    pub main: &'a str,
    /// What the layout reads as `/data.json`.
    pub data: Vec<u8>,
    /// Further virtual files by path.
    pub extra: BTreeMap<String, Bytes>,
    /// The date `datetime.today()` answers.
    pub today: (i32, u8, u8),
    /// The PDF's document id, stable across builds.
    pub ident: String,
    /// PDF/A-3b rather than a plain PDF.
    pub archival: bool,
}

/// Compiles a layout into PDF bytes. Any Typst warning is a failure.
pub fn compile(job: Job, resources: &Resources) -> Result<Rendered, Error> {
    let (archival, ident) = (job.archival, job.ident.clone());
    let (world, document) = lay_out(job, resources)?;
    let standards = if archival {
        PdfStandards::new(&[PdfStandard::A_3b]).map_err(|err| Error::Render { message: err.message().to_string() })?
    } else {
        PdfStandards::default()
    };
    let options = PdfOptions { ident: Smart::Custom(ident), standards, ..PdfOptions::default() };
    let pdf =
        typst_pdf::pdf(&document, &options).map_err(|errors| Error::Layout { messages: describe(&world, &errors) })?;
    Ok(Rendered { pdf, pages: document.pages().len(), document })
}

/// Lays a job out into pages, without writing a PDF: for tests that look at
/// the pages themselves. Any Typst warning is a failure.
pub fn document(job: Job, resources: &Resources) -> Result<PagedDocument, Error> {
    lay_out(job, resources).map(|(_, document)| document)
}

fn lay_out<'r>(job: Job, resources: &'r Resources) -> Result<(BulletinWorld<'r>, PagedDocument), Error> {
    let world = BulletinWorld::new(&resources.fonts, &resources.layouts, job.main, job.data, job.extra, job.today)?;
    let warned = typst::compile::<PagedDocument>(&world);
    match warned.output {
        Ok(document) if warned.warnings.is_empty() => Ok((world, document)),
        Ok(_) => Err(Error::Layout { messages: describe(&world, &warned.warnings) }),
        Err(errors) => {
            let mut all: Vec<SourceDiagnostic> = errors.into_iter().collect();
            all.extend(warned.warnings.iter().cloned());
            Err(Error::Layout { messages: describe(&world, &all) })
        }
    }
}

/// `path:line:col: severity: message (hint: …)` for each Typst diagnostic.
fn describe(world: &BulletinWorld, diagnostics: &[SourceDiagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|diag| {
            let severity = match diag.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut place = String::from("layout");
            if let (Some(id), Some(range)) = (diag.span.id(), world.range(diag.span)) {
                place = BulletinWorld::path_of(id);
                if let Ok(source) = typst::World::source(world, id) {
                    if let Some((line, column)) = source.lines().byte_to_line_column(range.start) {
                        place = format!("{place}:{}:{}", line + 1, column + 1);
                    }
                }
            }
            let mut text = format!("{place}: {severity}: {}", diag.message);
            for hint in &diag.hints {
                text.push_str(&format!(" (hint: {})", hint.v));
            }
            text
        })
        .collect()
}
