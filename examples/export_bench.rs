//! The OFD export's time next to the PDF export's, from the same laid-out
//! pages, in one run (issue 15's benchmark; the figures go in the closing
//! note, never in a test):
//!
//!     cargo run --release --example export_bench -- [--runs 7] [--archive DIR]
//!
//! The bundled month is laid out once, then exported `--runs` times each
//! way (medians). With `--archive` (e.g. from `gen_archive --months 120`),
//! every month of it is laid out once, then all exported each way; the
//! totals are printed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use typst::foundations::Smart;
use typst_layout::PagedDocument;

fn pdf(document: &PagedDocument) -> usize {
    let options = typst_pdf::PdfOptions { ident: Smart::Custom("bench".into()), ..Default::default() };
    typst_pdf::pdf(document, &options).expect("the PDF exports").len()
}

fn ofd(document: &PagedDocument) -> usize {
    let info = bulletin::publish::ofd::Info {
        ident: "bench".into(),
        title: "bench".into(),
        author: "bench".into(),
        date: "2020-04-17".into(),
        keywords: Vec::new(),
        seal_anchor: None,
    };
    bulletin::publish::ofd::package(document, &info, None).expect("the OFD exports").len()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let runs: usize = value("--runs").and_then(|r| r.parse().ok()).unwrap_or(7);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let resources = bulletin::Resources::load(&root.join("layouts"), &root.join("fonts")).expect("layouts and fonts");

    let month = bulletin::lay_out(&root.join("months/2020-03"), &resources).expect("the bundled month lays out");
    let time = |f: &dyn Fn(&PagedDocument) -> usize, document: &PagedDocument| -> (f64, usize) {
        let start = Instant::now();
        let bytes = f(document);
        (start.elapsed().as_secs_f64(), bytes)
    };
    let pdfs: Vec<(f64, usize)> = (0..runs).map(|_| time(&pdf, &month)).collect();
    let ofds: Vec<(f64, usize)> = (0..runs).map(|_| time(&ofd, &month)).collect();
    let (p, o) = (median(pdfs.iter().map(|s| s.0).collect()), median(ofds.iter().map(|s| s.0).collect()));
    println!("2020-03 ({} pages), median of {runs}:", month.pages().len());
    // The first export of each: later PDF exports of the same pages reuse
    // typst's memoised work.
    println!("  PDF export {:.1} ms (first {:.1} ms), {} bytes", p * 1000.0, pdfs[0].0 * 1000.0, pdfs[0].1);
    println!(
        "  OFD export {:.1} ms (first {:.1} ms), {} bytes  ({:.2}x the PDF's median time, {:.2}x its first)",
        o * 1000.0,
        ofds[0].0 * 1000.0,
        ofds[0].1,
        o / p,
        ofds[0].0 / pdfs[0].0
    );

    if let Some(archive) = value("--archive") {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&archive)
            .expect("the archive")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("month.yaml").is_file())
            .collect();
        dirs.sort();
        let documents: Vec<PagedDocument> =
            dirs.iter().map(|d| bulletin::lay_out(d, &resources).expect("a month lays out")).collect();
        let total = |f: &dyn Fn(&PagedDocument) -> usize| {
            let start = Instant::now();
            let bytes: usize = documents.iter().map(f).sum();
            (start.elapsed().as_secs_f64(), bytes)
        };
        let (p, pb) = total(&pdf);
        let (o, ob) = total(&ofd);
        println!("{} months, one export each way, one thread:", documents.len());
        println!("  PDF export {p:.2} s, {} MB", pb / 1_000_000);
        println!("  OFD export {o:.2} s, {} MB  ({:.2}x the PDF's time)", ob / 1_000_000, o / p);
    }
}
