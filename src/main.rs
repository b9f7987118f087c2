//! The `bulletin` command: parse arguments, run the library, print
//! diagnostics, pick the exit code (0 ok, 1 data errors, 2 operational
//! failure).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bulletin::diag::Diagnostic;
use bulletin::schema::FileKind;
use bulletin::{CheckOptions, Failure, Resources};
use clap::{Parser, Subcommand, ValueEnum};

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
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate month folders and build their PDFs (`OUT/<period>.pdf`).
    ///
    /// Each PDF is written to a temporary file and renamed into place, so a
    /// failed build never leaves a partial PDF or replaces a good one. A
    /// month with errors is not built; the others still are.
    Build {
        /// Month folders such as `months/2020-03`. Without any: every month
        /// folder under `months/`.
        months: Vec<PathBuf>,
        /// Where the PDFs go.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        #[command(flatten)]
        resources: ResourceArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Validate month folders without building anything.
    Check {
        /// Month folders such as `months/2020-03`. Without any: every month
        /// folder under `months/`.
        months: Vec<PathBuf>,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Write the JSON Schemas of the month files (for editors: VS Code's
    /// YAML extension completes keys and marks errors as you type when a
    /// file's first line is `# yaml-language-server: $schema=…`).
    Schema {
        /// The folder to write `month.schema.json`, `city.schema.json`,
        /// `units.schema.json` and `tickets.schema.json` into.
        #[arg(long, default_value = "schemas")]
        out: PathBuf,
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

#[derive(clap::Args)]
struct ReportArgs {
    /// How diagnostics are printed: `human` (with the source line and a
    /// caret, on stderr), `short` (one line each, on stderr) or `json` (one
    /// JSON object per line, on stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings (suspicious but possible data) as errors.
    #[arg(long)]
    strict: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Short,
    Json,
}

const EXIT_DATA: u8 = 1;
const EXIT_OPERATIONAL: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build { months, out, resources, report } => build(months, &out, &resources, &report),
        Command::Check { months, report } => check(months, &report),
        Command::Schema { out } => schema(&out),
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
    let dirs: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir() && e.path().join("month.yaml").is_file())
        .map(|e| e.into_path())
        .collect();
    if dirs.is_empty() {
        return Err(format!(
            "no month folders under `{}`\nhint: name a month folder, e.g. `bulletin build months/2020-03`",
            root.display()
        ));
    }
    Ok(dirs)
}

fn print_diagnostics(diagnostics: &[Diagnostic], format: Format) {
    for diagnostic in diagnostics {
        match format {
            Format::Human => eprintln!("{diagnostic}"),
            Format::Short => eprintln!("{}", diagnostic.short()),
            Format::Json => println!("{}", diagnostic.to_json()),
        }
    }
}

/// Prints a failure; returns its exit code.
fn report(dir: &Path, failure: &Failure, format: Format) -> u8 {
    match failure {
        Failure::Data(diagnostics) => {
            print_diagnostics(diagnostics, format);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            if !matches!(format, Format::Json) {
                eprintln!("{}: {errors} error{} in the data", dir.display(), if errors == 1 { "" } else { "s" });
            }
            EXIT_DATA
        }
        Failure::Operational(err) => {
            eprintln!("error: {}: {err}", dir.display());
            EXIT_OPERATIONAL
        }
    }
}

fn build(months: Vec<PathBuf>, out: &Path, args: &ResourceArgs, report_args: &ReportArgs) -> u8 {
    let dirs = match month_dirs(months) {
        Ok(dirs) => dirs,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_OPERATIONAL;
        }
    };
    let options = CheckOptions { strict: report_args.strict };
    // Fonts and layouts are loaded once, when the first valid month needs them.
    let mut loaded: Option<Resources> = None;
    let mut code = 0;
    let (mut built, mut failed) = (0, 0);
    for dir in &dirs {
        let resources = || match &loaded {
            Some(resources) => Ok(resources.clone()),
            None => {
                let resources = Resources::load(&args.layouts, &args.fonts)?;
                loaded = Some(resources.clone());
                Ok(resources)
            }
        };
        match bulletin::build(dir, out, options, resources) {
            Ok(result) => {
                print_diagnostics(&result.warnings, report_args.format);
                if !matches!(report_args.format, Format::Json) {
                    eprintln!("built {} ({} pages, {} bytes)", result.pdf.display(), result.pages, result.bytes);
                }
                built += 1;
            }
            Err(failure) => {
                if let Failure::Operational(bulletin::Error::Missing { .. }) = &failure {
                    if loaded.is_none() {
                        eprintln!("hint: run bulletin from the project folder, or pass --layouts and --fonts");
                    }
                }
                code = code.max(report(dir, &failure, report_args.format));
                failed += 1;
            }
        }
    }
    if dirs.len() > 1 && !matches!(report_args.format, Format::Json) {
        eprintln!("{built} built, {failed} failed");
    }
    code
}

fn check(months: Vec<PathBuf>, report_args: &ReportArgs) -> u8 {
    let dirs = match month_dirs(months) {
        Ok(dirs) => dirs,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_OPERATIONAL;
        }
    };
    let options = CheckOptions { strict: report_args.strict };
    let mut code = 0;
    for dir in &dirs {
        match bulletin::check(dir, options) {
            Ok((_, warnings)) => {
                print_diagnostics(&warnings, report_args.format);
                if !matches!(report_args.format, Format::Json) {
                    eprintln!("{}: ok", dir.display());
                }
            }
            Err(failure) => code = code.max(report(dir, &failure, report_args.format)),
        }
    }
    code
}

fn schema(out: &Path) -> u8 {
    for kind in FileKind::ALL {
        let path = out.join(kind.schema_file_name());
        let text = match serde_json::to_string_pretty(&kind.schema()) {
            Ok(text) => text + "\n",
            Err(err) => {
                eprintln!("error: {err}");
                return EXIT_OPERATIONAL;
            }
        };
        if let Err(err) = bulletin::render::write_atomically(&path, text.as_bytes()) {
            eprintln!("error: {err}");
            return EXIT_OPERATIONAL;
        }
        eprintln!("wrote {}", path.display());
    }
    0
}
