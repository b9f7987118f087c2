//! Load + validate + derive + lay out the sections as data, on the bundled
//! month with one file replaced by the fuzzer's input (see
//! `bulletin::month::validate::fuzz_month`).
//! Run: `cargo fuzz run month -- -max_total_time=60` (from the project folder).

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use bulletin::month::office::check_files;
use bulletin::month::validate::{fuzz_month, MonthFiles};
use libfuzzer_sys::fuzz_target;

fn base() -> &'static MonthFiles {
    static BASE: OnceLock<MonthFiles> = OnceLock::new();
    BASE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        MonthFiles::read(&root.join("months/2020-03")).expect("read months/2020-03")
    })
}

fuzz_target!(|input: &[u8]| {
    let files = fuzz_month(base(), input);
    if let Some(month) = check_files(&files, bulletin::definition::furong()).month {
        let _ = month.document();
    }
});
