//! The `bulletin` command: parse arguments, run the library, print
//! diagnostics, pick the exit code (0 ok, 1 data errors, 2 operational
//! failure).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bulletin::diag::Diagnostic;
use bulletin::{Failure, Resources};
use clap::{Parser, Subcommand};

/// Builds the monthly bulletin of a district's "12345" citizen-service
/// hotline office from a folder of YAML figures and plain-text cases.
///
/// Exit codes: 0 success; 1 the data has errors (each is printed with its
/// file, line and field); 2 the tool could not do its work (a missing
/// layout or font, an unwritable output folder, …).
#[derive(Parser)]
#[command(name = "bulletin", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate month folders and build their PDFs (`OUT/<period>.pdf`).
    ///
    /// Each PDF is written to a temporary file and renamed into place, so a
    /// failed build never leaves a partial PDF or replaces a good one.
    Build {
        /// Month folders such as `months/2020-03`. Without any: every month
        /// folder under `months/`.
        months: Vec<PathBuf>,
        /// Where the PDFs go.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        #[command(flatten)]
        resources: ResourceArgs,
    },
    /// Validate month folders without building anything.
    Check {
        /// Month folders such as `months/2020-03`. Without any: every month
        /// folder under `months/`.
        months: Vec<PathBuf>,
    },
}

#[derive(clap::Args)]
struct ResourceArgs {
    /// The folder of Typst layouts and sentence templates.
    #[arg(long, default_value = "layouts")]
    layouts: PathBuf,
    /// The folder of bundled fonts; no other font is ever used.
    #[arg(long, default_value = "fonts")]
    fonts: PathBuf,
}

const EXIT_DATA: u8 = 1;
const EXIT_OPERATIONAL: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build { months, out, resources } => build(months, &out, &resources),
        Command::Check { months } => check(months),
    };
    ExitCode::from(code)
}

/// The month folders named, or every folder under `months/` that holds a
/// `month.yaml`, in name order.
fn month_dirs(named: Vec<PathBuf>) -> Result<Vec<PathBuf>, String> {
    if !named.is_empty() {
        return Ok(named);
    }
    let root = Path::new("months");
    let mut dirs: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir() && e.path().join("month.yaml").is_file())
        .map(|e| e.into_path())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(format!(
            "no month folders under `{}`\nhint: name a month folder, e.g. `bulletin build months/2020-03`",
            root.display()
        ));
    }
    Ok(dirs)
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
}

/// Prints a failure; returns its exit code.
fn report(dir: &Path, failure: &Failure) -> u8 {
    match failure {
        Failure::Data(diagnostics) => {
            print_diagnostics(diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("{}: {errors} error{} in the data", dir.display(), if errors == 1 { "" } else { "s" });
            EXIT_DATA
        }
        Failure::Operational(err) => {
            eprintln!("error: {}: {err}", dir.display());
            EXIT_OPERATIONAL
        }
    }
}

fn build(months: Vec<PathBuf>, out: &Path, args: &ResourceArgs) -> u8 {
    let dirs = match month_dirs(months) {
        Ok(dirs) => dirs,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_OPERATIONAL;
        }
    };
    let resources = match Resources::load(&args.layouts, &args.fonts) {
        Ok(resources) => resources,
        Err(err) => {
            eprintln!("error: {err}\nhint: run bulletin from the project folder, or pass --layouts and --fonts");
            return EXIT_OPERATIONAL;
        }
    };
    let mut code = 0;
    let (mut built, mut failed) = (0, 0);
    for dir in &dirs {
        match bulletin::build(dir, out, &resources) {
            Ok(result) => {
                print_diagnostics(&result.warnings);
                println!(
                    "built {} ({} pages, {} bytes)",
                    result.pdf.display(),
                    result.pages,
                    result.bytes
                );
                built += 1;
            }
            Err(failure) => {
                code = code.max(report(dir, &failure));
                failed += 1;
            }
        }
    }
    if dirs.len() > 1 {
        println!("{built} built, {failed} failed");
    }
    code
}

fn check(months: Vec<PathBuf>) -> u8 {
    let dirs = match month_dirs(months) {
        Ok(dirs) => dirs,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_OPERATIONAL;
        }
    };
    let mut code = 0;
    for dir in &dirs {
        match bulletin::check(dir) {
            Ok((_, warnings)) => {
                print_diagnostics(&warnings);
                println!("{}: ok", dir.display());
            }
            Err(failure) => code = code.max(report(dir, &failure)),
        }
    }
    code
}
