//! The `bulletin` command: parse the arguments, run the subcommand (each is
//! a module of `cli/`), print its failure if it failed and exit with the
//! code that failure picks (0 ok, 1 data errors, 2 operational failure).

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Typst allocates and frees many small objects: glibc's malloc, free and
/// realloc took about 15% of a build's instructions; mimalloc needs fewer.
/// 120 months on 2 cores, three alternating runs each: 9.2 s wall and
/// 15.6 s CPU with glibc, 8.7 s and 14.7 s with mimalloc; peak memory rises
/// from 140 to 225 MiB, flat over the archive.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Builds the monthly bulletin of a district's "12345" citizen-service
/// hotline office from a folder of YAML figures and plain-text cases.
///
/// Exit codes: 0 success; 1 the data has errors (each is printed with its
/// file, line, column and field); 2 the tool could not do its work (a
/// missing layout or font, an unwritable output folder, …).
#[derive(Parser)]
#[command(name = "bulletin", version)]
struct Cli {
    #[command(subcommand)]
    command: cli::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(fail) => ExitCode::from(fail.report()),
    }
}
