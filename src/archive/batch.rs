//! Building many months: in parallel worker threads, incrementally, one
//! bad month never stopping the others.
//!
//! A month is up to date when its PDF exists and the hash of everything it
//! is built from — its files, the layouts, the fonts, this tool's version
//! and the options — matches the record written beside the PDF
//! (`.<period>.build`). Fonts and layouts are loaded once and shared; the
//! Typst memoization cache is evicted after each month so that memory does
//! not grow with the archive.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

use sha2::{Digest, Sha256};

use crate::month::span::Span;
use crate::month::types::Period;
use crate::month::validate::MonthFiles;
use crate::{BuildOptions, Built, Error, Failure, Resources};

/// Memoized results unused for this many builds are evicted. 1 keeps what
/// the next month can reuse (the layouts' own modules, subsets of fonts that
/// print the same glyphs every month) without memory growing: on 120 months
/// 0 and 1 both peak at 140 MiB, 10 at 262 MiB; 1 costs 2.7% fewer
/// instructions than 0, 10 only 1.3% fewer again.
const EVICT_AFTER: usize = 1;

/// What became of one month.
#[derive(Debug)]
pub enum Outcome {
    Built(Built),
    /// Nothing changed since the recorded build of this PDF (path, SHA-256).
    UpToDate(PathBuf, String),
    Failed(Failure),
}

/// A fingerprint of the layouts and fonts folders, computed once per run:
/// each layout's path and content; each font file's path, size and
/// modification time (hashing 55 MB of fonts would cost more than a no-op
/// rebuild of the whole archive, and font files are replaced, not edited).
pub fn resources_fingerprint(layouts: &Path, fonts: &Path) -> Result<String, Error> {
    let mut hasher = Sha256::new();
    for (tag, root) in [("layouts", layouts), ("fonts", fonts)] {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.map_err(|err| Error::io("read", root, err.into()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            if tag == "fonts" {
                let meta = entry.metadata().map_err(|err| Error::io("read", entry.path(), err.into()))?;
                let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
                hasher.update(format!("{tag}/{}\0{}\0{modified:?}\0", relative.display(), meta.len()));
            } else {
                let bytes = std::fs::read(entry.path()).map_err(|err| Error::io("read", entry.path(), err))?;
                hasher.update(format!("{tag}/{}\0{}\0", relative.display(), bytes.len()));
                hasher.update(&bytes);
            }
        }
    }
    Ok(hex(&hasher.finalize()))
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash of everything a month's PDF is built from.
pub fn input_hash(month: &MonthFiles, resources: &str, options: BuildOptions) -> String {
    inputs(month, resources, options).combined()
}

/// What a month's PDF is built from, each part hashed: so that a rebuild
/// can say which of them changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    /// The tool's version and the build's options.
    pub tool: String,
    /// The layouts and fonts.
    pub resources: String,
    /// The month's own files.
    pub month: String,
    /// The office definition the month derives under.
    pub definition: String,
}

impl Inputs {
    fn combined(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [&self.tool, &self.resources, &self.month, &self.definition] {
            hasher.update(part.as_bytes());
            hasher.update(b"\0");
        }
        hex(&hasher.finalize())
    }

    /// The parts that differ from `before`, in words.
    fn changed_since(&self, before: &BTreeMap<String, String>) -> Vec<&'static str> {
        let parts = [
            ("tool", &self.tool, "the tool or the options"),
            ("resources", &self.resources, "the layouts or fonts"),
            ("month", &self.month, "the month's files"),
            ("definition", &self.definition, "the office definition"),
        ];
        parts
            .iter()
            .filter(|(key, hash, _)| before.get(*key).is_some_and(|h| h != *hash))
            .map(|(_, _, what)| *what)
            .collect()
    }
}

fn digest(parts: impl IntoIterator<Item = Vec<u8>>) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(&part);
    }
    hex(&hasher.finalize())
}

/// Each part of what the month's PDF is built from, hashed.
pub fn inputs(month: &MonthFiles, resources: &str, options: BuildOptions) -> Inputs {
    let tool = format!(
        "bulletin {}\0strict {}\0final {}\0",
        env!("CARGO_PKG_VERSION"),
        options.check.strict,
        options.require_final
    );
    // An OFD edition asked for is an output of its own: a month built
    // without one is built again to add it.
    let tool = if options.ofd { format!("{tool}ofd\0") } else { tool };
    let tool = match options.seal_cmd {
        Some(cmd) => format!("{tool}seal {cmd}\0"),
        None => tool,
    };
    let of = |files: &MonthFiles| -> Vec<Vec<u8>> {
        files
            .files
            .iter()
            .flat_map(|(name, bytes)| [format!("{name}\0{}\0", bytes.len()).into_bytes(), bytes.clone()])
            .collect()
    };
    let mut files = of(month);
    // A quarter's figures are its months', a comparison's base and a
    // trend chart's are the months before: their files (and the definitions they are read
    // under) are inputs too.
    let span = super::period::folder_span(&month.dir);
    let mut related: Vec<Period> = span.map(|s| s.months()).unwrap_or_default();
    let own = crate::definition::find_for_month(&month.dir).and_then(|p| crate::definition::load_shared(&p).ok());
    let own = own.and_then(|shared| shared.definition);
    let this = span.or_else(|| crate::month::types::parse_period(&month.name).map(Span::Month));
    if let (Some(own), Some(this)) = (own, this) {
        if own.compare.is_some() {
            related.extend(this.previous().months());
            related.extend(this.year_before().months());
        }
        if own.uses_year_to_date() {
            related.extend(this.year_to_date().months());
        }
        // A trend chart's months.
        related.extend(super::trend::window(&own, this));
    }
    related.sort();
    related.dedup();
    // The office definition the month derives under: a changed rule or
    // formula rebuilds every month it governs. The related months' own
    // definitions count as definitions too (most are the same file).
    let own_path = crate::definition::find_for_month(&month.dir);
    let definition = own_path.as_ref().and_then(|path| std::fs::read(path).ok());
    let mut definitions = vec![definition.unwrap_or_else(|| crate::definition::FURONG.as_bytes().to_vec())];
    if !related.is_empty() {
        let archive = month.dir.parent().unwrap_or(Path::new("."));
        for period in related {
            let dir = archive.join(format!("{:04}-{:02}", period.year, period.month));
            files.push(format!("{}\0", dir.display()).into_bytes());
            if let Ok(covered) = MonthFiles::read(&dir) {
                files.extend(of(&covered));
            }
            let theirs = crate::definition::find_for_month(&dir);
            if theirs.is_some() && theirs != own_path {
                definitions.extend(theirs.and_then(|path| std::fs::read(path).ok()));
            }
        }
    }
    Inputs {
        tool: digest([tool.into_bytes()]),
        resources: digest([resources.as_bytes().to_vec()]),
        month: digest(files),
        definition: digest(definitions),
    }
}

/// The record of the last good build of a period, beside its PDF.
fn record_path(out: &Path, period: &str) -> PathBuf {
    out.join(format!(".{period}.build"))
}

/// The record of a period's last good build, as read.
#[derive(Default)]
struct Record {
    inputs: Option<String>,
    pdf: Option<String>,
    sha256: Option<String>,
    /// The OFD edition's digest, where the build wrote one.
    ofd_sha256: Option<String>,
    /// Each part of the inputs (`tool`, `resources`, `month`, `definition`).
    parts: BTreeMap<String, String>,
}

impl Record {
    /// The record beside the PDFs in `out`; an empty one when there is none.
    fn read(out: &Path, period: &str) -> Self {
        let text = std::fs::read_to_string(record_path(out, period)).unwrap_or_default();
        let mut record = Self::default();
        for (key, value) in text.lines().filter_map(|l| l.split_once(' ')) {
            match key {
                "inputs" => record.inputs = Some(value.to_owned()),
                "pdf" => record.pdf = Some(value.to_owned()),
                "sha256" => record.sha256 = Some(value.to_owned()),
                "ofd-sha256" => record.ofd_sha256 = Some(value.to_owned()),
                "part" => {
                    if let Some((part, hash)) = value.split_once(' ') {
                        record.parts.insert(part.to_owned(), hash.to_owned());
                    }
                }
                _ => {}
            }
        }
        record
    }

    /// Whether `out` holds an up-to-date PDF for inputs of `hash`: the
    /// recorded hash matches and the PDF it names is there, with the digest
    /// recorded. Returns the PDF and its digest.
    /// With `ofd`, the OFD edition beside it must be there too, as recorded.
    fn up_to_date(&self, out: &Path, hash: &str, ofd: bool) -> Option<(PathBuf, String)> {
        let pdf = out.join(self.pdf.as_ref()?);
        let bytes = std::fs::read(&pdf).ok()?;
        let digest = self.sha256.as_ref()?;
        if ofd {
            let edition = std::fs::read(pdf.with_extension("ofd")).ok()?;
            if Some(crate::sha256_hex(&edition)) != self.ofd_sha256 {
                return None;
            }
        }
        (self.inputs.as_deref()? == hash && crate::sha256_hex(&bytes) == *digest).then(|| (pdf, digest.clone()))
    }
}

fn write_record(out: &Path, period: &str, inputs: &Inputs, hash: &str, built: &Built) -> Result<(), Error> {
    let name = built.pdf.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ofd = built.ofd_sha256.as_ref().map(|d| format!("ofd-sha256 {d}\n")).unwrap_or_default();
    let text = format!(
        "inputs {hash}\npdf {name}\nsha256 {}\n{ofd}part tool {}\npart resources {}\npart month {}\npart definition {}\n",
        built.sha256, inputs.tool, inputs.resources, inputs.month, inputs.definition
    );
    crate::fs::write_atomically(&record_path(out, period), text.as_bytes())
}

/// Settings of a batch.
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a> {
    pub out: &'a Path,
    pub layouts: &'a Path,
    pub fonts: &'a Path,
    pub options: BuildOptions,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Rebuild even when up to date.
    pub force: bool,
}

/// Builds every month of `dirs`; `report` sees each outcome (from the
/// calling thread, in completion order) with its index in `dirs`.
pub fn build_all(dirs: &[PathBuf], batch: Batch, mut report: impl FnMut(usize, &Path, Outcome)) {
    // Without readable layouts or fonts nothing is up to date; each month is
    // still checked, so its data errors are reported before that failure.
    let fingerprint = resources_fingerprint(batch.layouts, batch.fonts).ok();
    let resources: Mutex<Option<Resources>> = Mutex::new(None);
    let next = AtomicUsize::new(0);
    let (send, receive) = mpsc::channel::<(usize, Outcome)>();
    let workers = batch.jobs.max(1).min(dirs.len().max(1));
    std::thread::scope(|scope| {
        let (next, resources, fingerprint) = (&next, &resources, fingerprint.as_deref());
        scope.spawn(move || {
            run_workers(workers, || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(dir) = dirs.get(index) else { break };
                let outcome = build_one(dir, batch, fingerprint, resources);
                if send.send((index, outcome)).is_err() {
                    break;
                }
            })
        });
        for (index, outcome) in receive {
            report(index, &dirs[index], outcome);
        }
    });
}

/// Runs `work` on `workers` threads at once and waits for all of them.
///
/// The threads are those of a rayon pool of that size, because Typst lays
/// pages out on rayon's pool: a month's parallel layout then runs on the
/// same threads as the months, never more threads than `workers`. With our
/// own threads beside Typst's global pool, 120 months on 2 cores took a
/// median 9.4 s wall and 16.1 s CPU; on one pool 8.5 s and 15.4 s (six
/// alternating runs each, same binary otherwise).
pub(crate) fn run_workers(workers: usize, work: impl Fn() + Sync) {
    let workers = workers.max(1);
    match rayon::ThreadPoolBuilder::new().num_threads(workers).build() {
        Ok(pool) => pool.scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|_| work());
            }
        }),
        // No pool (threads could not be made): plain threads then.
        Err(_) => std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(&work);
            }
        }),
    }
}

fn build_one(dir: &Path, batch: Batch, fingerprint: Option<&str>, resources: &Mutex<Option<Resources>>) -> Outcome {
    let files = match MonthFiles::read(dir) {
        Ok(files) => files,
        Err(err) => return Outcome::Failed(Failure::Operational(Error::io("read the month folder", dir, err))),
    };
    let inputs = fingerprint.map(|f| inputs(&files, f, batch.options));
    let hash = inputs.as_ref().map(Inputs::combined);
    let period = files.name.clone();
    let record = Record::read(batch.out, &period);
    if let (false, Some(hash)) = (batch.force, &hash) {
        if let Some((pdf, sha256)) = record.up_to_date(batch.out, hash, batch.options.ofd) {
            return Outcome::UpToDate(pdf, sha256);
        }
    }
    let because = inputs.as_ref().map(|i| i.changed_since(&record.parts)).unwrap_or_default();
    let load = || {
        let mut shared = resources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(loaded) = shared.as_ref() {
            return Ok(loaded.clone());
        }
        let loaded = Resources::load(batch.layouts, batch.fonts)?;
        *shared = Some(loaded.clone());
        Ok(loaded)
    };
    let result = crate::build(dir, batch.out, batch.options, load);
    // Keep memory flat across the archive: drop Typst's memoized results.
    typst::comemo::evict(EVICT_AFTER);
    match result {
        Ok(mut built) => {
            if let (Some(inputs), Some(hash)) = (&inputs, &hash) {
                if let Err(err) = write_record(batch.out, &period, inputs, hash, &built) {
                    return Outcome::Failed(Failure::Operational(err));
                }
            }
            built.because = because;
            Outcome::Built(built)
        }
        Err(failure) => Outcome::Failed(failure),
    }
}
