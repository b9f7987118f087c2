//! No input makes the tool panic. A deterministic mutation fuzzer (the
//! same mutations every run, so a failure reproduces) feeds thousands of
//! damaged variants of the bundled month's files through load, validate,
//! derive and the sections' templates, and replays the saved corpus of
//! `fuzz/corpus/month/` (inputs of the cargo-fuzz target). A panic fails
//! the test; every outcome must be either a month or diagnostics.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use bulletin::month::office::check_files;
use bulletin::month::validate::MonthFiles;

/// The archive generator's deterministic generator, with a bounded pick.
struct Rng(bulletin::archive::generate::Rng);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.0.next_u64() % n as u64) as usize
        }
    }
}

/// Fragments that stress YAML, numbers and Unicode.
const FRAGMENTS: &[&str] = &[
    "-",
    ":",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "'",
    "\"",
    "\t",
    "#",
    "&a ",
    "*a",
    "!!binary ",
    "~",
    "null",
    "[]",
    "{}",
    "-1",
    "0",
    "4294967296",
    "99999999999999999999",
    "1e400",
    ".nan",
    "-.inf",
    "１２",
    "９９．４１",
    "0x1F",
    "1.2.3",
    "\u{feff}",
    "\u{0}",
    "䶮",
    "𠀾",
    "\u{202e}",
    "é",
    "\r\n",
    "\n\n",
    "  ",
    "? ",
    "|\n",
    ">-\n",
    "---\n",
    "...\n",
    "satisfied: 999\n",
    "visited: 0\n",
    "completed: 0\n",
    "score: 70\n",
    "score: 100\n",
    "tickets: 0\n",
];

fn mutate(rng: &mut Rng, original: &[u8]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
            1 => {
                let end = (at + rng.below(40)).min(bytes.len());
                bytes.drain(at..end);
            }
            2 => {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
                bytes.splice(at..at, fragment.iter().copied());
            }
            3 => {
                // Duplicate a line.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    let i = rng.below(lines.len());
                    let mut out: Vec<&str> = lines.clone();
                    out.insert(i, lines[i]);
                    bytes = out.join("\n").into_bytes();
                }
            }
            4 => {
                // Replace a number by another.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let digits: Vec<usize> =
                    text.char_indices().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i).collect();
                if !digits.is_empty() {
                    let i = digits[rng.below(digits.len())];
                    let replacement = ["0", "7", "-3", "1000000", "70.5", "x"][rng.below(6)];
                    let mut out = text.clone();
                    out.replace_range(i..i + 1, replacement);
                    bytes = out.into_bytes();
                }
            }
            5 => bytes.truncate(at),
            _ => {
                // Delete a line.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    lines.remove(rng.below(lines.len()));
                    bytes = lines.join("\n").into_bytes();
                }
            }
        }
    }
    bytes
}

/// Load, validate, derive and lay out the sections as data; panics propagate.
fn run(files: &MonthFiles) -> bool {
    let checked = check_files(files, bulletin::definition::furong());
    match checked.month {
        Some(month) => {
            // Template errors are operational errors, not panics; either is fine here.
            let _ = month.document();
            true
        }
        None => {
            assert!(checked.diagnostics.iter().any(|d| d.is_error()), "no month and no error");
            false
        }
    }
}

#[test]
fn mutated_months_never_panic() {
    let base = MonthFiles::read(&common::project().join("months/2020-03")).expect("read 2020-03");
    assert!(run(&base), "the bundled month must be valid");
    let names: Vec<String> = base.files.keys().cloned().collect();
    let mut rng = Rng(bulletin::archive::generate::Rng(0x1234_5678_9abc_def0));
    let (mut valid, mut invalid) = (0, 0);
    let rounds = 400;
    for round in 0..rounds {
        for name in &names {
            let mut files = base.clone();
            let mutated = mutate(&mut rng, &base.files[name]);
            files.files.insert(name.clone(), mutated.clone());
            let outcome = catch_unwind(AssertUnwindSafe(|| run(&files)));
            match outcome {
                Ok(true) => valid += 1,
                Ok(false) => invalid += 1,
                Err(_) => panic!(
                    "round {round}: {name} mutated to this input panicked:\n{}",
                    String::from_utf8_lossy(&mutated)
                ),
            }
        }
    }
    // Both outcomes must be exercised, or the mutations are too weak or too strong.
    assert!(valid > 100 && invalid > 100, "{valid} valid, {invalid} invalid of {} variants", rounds * names.len());
}

#[test]
fn fuzz_corpus_replays_without_panic() {
    let base = MonthFiles::read(&common::project().join("months/2020-03")).expect("read 2020-03");
    let corpus = common::project().join("fuzz/corpus/month");
    let mut inputs: Vec<_> =
        std::fs::read_dir(&corpus).expect("fuzz/corpus/month").flatten().map(|e| e.path()).collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "the fuzz corpus is empty");
    for input in inputs {
        let data = std::fs::read(&input).unwrap();
        let files = bulletin::month::validate::fuzz_month(&base, &data);
        run(&files);
    }
}
