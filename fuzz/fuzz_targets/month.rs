//! Load + validate + derive + sentences on the bundled month with one file
//! replaced by the fuzzer's input (see `bulletin::month::validate::fuzz_month`).
//! Run: `cargo fuzz run month -- -max_total_time=60` (from the project folder).

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use bulletin::render::narrative::Sentences;
use bulletin::month::validate::{check_files, fuzz_month, MonthFiles};
use libfuzzer_sys::fuzz_target;

fn base() -> &'static (MonthFiles, Sentences) {
    static BASE: OnceLock<(MonthFiles, Sentences)> = OnceLock::new();
    BASE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let month = MonthFiles::read(&root.join("months/2020-03")).expect("read months/2020-03");
        let sentences = Sentences::load(&root.join("layouts")).expect("load the sentence templates");
        (month, sentences)
    })
}

fuzz_target!(|input: &[u8]| {
    let (month, sentences) = base();
    let files = fuzz_month(month, input);
    if let Some(month) = check_files(&files).month {
        let _ = bulletin::figures(&month, sentences);
    }
});
