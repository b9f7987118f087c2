//! `bulletin watch`: rebuild a month's PDF whenever one of its files or a
//! layout changes, for editors with the PDF open in a viewer.
//!
//! Polls file modification times and sizes (no platform notifier: the same
//! behaviour everywhere, and a few stat calls a tick cost nothing); a change
//! is built once the files have been quiet for one debounce interval. A
//! failed build prints its diagnostics and leaves the last good PDF in
//! place, since PDFs are only ever replaced by an atomic rename.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// What was seen of the watched files: path → (modified, size).
type Snapshot = BTreeMap<PathBuf, (Option<SystemTime>, u64)>;

fn snapshot(roots: &[&Path]) -> Snapshot {
    let mut seen = Snapshot::new();
    for root in roots {
        for entry in walkdir::WalkDir::new(root).max_depth(3).into_iter().filter_map(Result::ok) {
            if let Ok(meta) = entry.metadata() {
                if meta.is_file() {
                    seen.insert(entry.into_path(), (meta.modified().ok(), meta.len()));
                }
            }
        }
    }
    seen
}

/// One rebuild's outcome, for the caller to report.
pub enum Event<'a> {
    /// A build is starting because these files changed (empty: the first).
    Changed(&'a [PathBuf]),
    /// The build finished after `elapsed`.
    Built(&'a crate::Built, Duration),
    /// The build failed after `elapsed`; the last good PDF is untouched.
    Failed(&'a crate::Failure, Duration),
}

/// The folders a watch reads and writes.
pub struct Paths<'a> {
    pub month: &'a Path,
    pub out: &'a Path,
    pub layouts: &'a Path,
    pub fonts: &'a Path,
}

/// Builds the month into `out` now and after every change to it or to the
/// layouts, until `stop` is set. `poll` is the tick (also the debounce).
pub fn watch(
    paths: Paths,
    options: crate::BuildOptions,
    poll: Duration,
    stop: &AtomicBool,
    mut report: impl FnMut(Event),
) {
    let Paths { month, out, layouts, fonts } = paths;
    let roots = [month, layouts];
    let mut seen = snapshot(&roots);
    // Fonts are loaded once; layouts again when they change.
    let mut resources: Option<crate::Resources> = None;
    let mut changed: Vec<PathBuf> = Vec::new();
    let mut pending = true;
    while !stop.load(Ordering::Relaxed) {
        if pending {
            report(Event::Changed(&changed));
            if changed.iter().any(|p| p.starts_with(layouts)) {
                resources = None;
            }
            let started = Instant::now();
            let load = || match &resources {
                Some(r) => Ok(r.clone()),
                None => crate::Resources::load(layouts, fonts),
            };
            match crate::build(month, out, options, load) {
                Ok(built) => {
                    report(Event::Built(&built, started.elapsed()));
                    if resources.is_none() {
                        resources = crate::Resources::load(layouts, fonts).ok();
                    }
                }
                Err(failure) => report(Event::Failed(&failure, started.elapsed())),
            }
            pending = false;
            changed.clear();
        }
        std::thread::sleep(poll);
        let now = snapshot(&roots);
        if now != seen {
            // Debounce: wait until a tick passes without further change.
            let mut settled = now;
            loop {
                std::thread::sleep(poll);
                let again = snapshot(&roots);
                if again == settled || stop.load(Ordering::Relaxed) {
                    break;
                }
                settled = again;
            }
            changed = settled
                .iter()
                .filter(|(path, stamp)| seen.get(*path) != Some(stamp))
                .map(|(path, _)| path.clone())
                .chain(seen.keys().filter(|path| !settled.contains_key(*path)).cloned())
                .collect();
            seen = settled;
            pending = true;
        }
    }
}
