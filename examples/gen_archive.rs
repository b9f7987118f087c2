//! Generates a synthetic archive of months for tests and benchmarks:
//!
//! ```sh
//! cargo run --release --example gen_archive -- --months 120 --out archive
//! ```
//!
//! Each month is made from `months/2020-03` (its 43 units in two groups,
//! its districts and wording) with varied figures — ties at full marks,
//! zero denominators — and 2–3 cases; every month passes validation.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut months = 120;
    let mut out = PathBuf::from("archive");
    let mut base = PathBuf::from("months/2020-03");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--months", Some(n)) => match n.parse() {
                Ok(n) => months = n,
                Err(_) => return usage(&format!("--months takes a number, not `{n}`")),
            },
            ("--out", Some(dir)) => out = dir.into(),
            ("--base", Some(dir)) => base = dir.into(),
            _ => return usage(&format!("unknown argument `{arg}`")),
        }
    }
    let files = match bulletin::month::validate::MonthFiles::read(&base) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("error: cannot read `{}`: {err}", base.display());
            return ExitCode::from(2);
        }
    };
    let archive = bulletin::archive::generate::generate(&files, months);
    if let Err(err) = bulletin::archive::generate::write(&out, &archive) {
        eprintln!("error: cannot write `{}`: {err}", out.display());
        return ExitCode::from(2);
    }
    eprintln!("wrote {months} months under {}", out.display());
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}\nusage: gen_archive [--months N] [--out DIR] [--base MONTH_DIR]");
    ExitCode::from(2)
}
