//! What the subcommands share: the argument groups, the month folders a
//! command works on, how diagnostics and failures are printed, and [`Fail`],
//! what a failed command prints and the exit code it ends with. A leaf: it
//! uses no other command module.

use std::path::{Path, PathBuf};

use bulletin::diag::Diagnostic;
use bulletin::Failure;
use clap::ValueEnum;

#[derive(clap::Args)]
pub struct ResourceArgs {
    /// The folder of Typst layouts and mail templates (default: `layouts`
    /// in the current folder, else the project's the tool was built from).
    #[arg(long, default_value_os_t = resource_dir("layouts"))]
    pub layouts: PathBuf,
    /// The folder of bundled fonts; no other font is ever used (default:
    /// `fonts` in the current folder, else the project's).
    #[arg(long, default_value_os_t = resource_dir("fonts"))]
    pub fonts: PathBuf,
}

/// `name` in the current folder when it is there, else in the project the
/// binary was built from (so that an installed `bulletin` works in any
/// office's folder), else `name` (whose absence the command then reports).
fn resource_dir(name: &str) -> PathBuf {
    let here = PathBuf::from(name);
    if here.is_dir() {
        return here;
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    if built.is_dir() {
        built
    } else {
        here
    }
}

#[derive(clap::Args)]
pub struct BatchArgs {
    /// Build every month folder under DIR (the default without month
    /// folders is `months/`).
    #[arg(long, value_name = "DIR")]
    pub all: Option<PathBuf>,
    /// Worker threads (default: the number of cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Rebuild months whose PDF is up to date (by default a month is
    /// skipped when nothing it is built from changed).
    #[arg(long)]
    pub force: bool,
    /// Also write the exact Typst project each month compiles to
    /// `DIR/<period>/` (layouts, data.json, sources, fonts.txt), for
    /// debugging a layout or compiling with the stock Typst tools.
    #[arg(long, value_name = "DIR")]
    pub emit_typst: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    /// How diagnostics are printed: `human` (with the source line and a
    /// caret, on stderr), `short` (one line each, on stderr) or `json` (one
    /// JSON object per line, on stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings (suspicious but possible data) as errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Short,
    Json,
}

pub const EXIT_DATA: u8 = 1;
pub const EXIT_OPERATIONAL: u8 = 2;

/// Why a command failed: what is still to be printed, and so the exit code.
pub enum Fail {
    /// The tool could not do its work (exit code 2): `error: …`, then the
    /// hint if there is one.
    Operational { error: String, hint: Option<String> },
    /// The data is wrong (exit code 1), printed as an operational failure is.
    Data { error: String, hint: Option<String> },
    /// A month's failure, printed with its folder in the format asked for.
    Month { dir: PathBuf, failure: Failure, format: Format },
    /// Already printed as the work went (each month of a batch in turn);
    /// the command exits with this code.
    Reported(u8),
}

impl Fail {
    pub fn operational(error: impl Into<String>) -> Self {
        Self::Operational { error: error.into(), hint: None }
    }

    pub fn data(error: impl Into<String>) -> Self {
        Self::Data { error: error.into(), hint: None }
    }

    pub fn month(dir: &Path, failure: Failure, format: Format) -> Self {
        Self::Month { dir: dir.to_owned(), failure, format }
    }

    /// The same failure with a `hint:` line after its `error:` line.
    pub fn hint(self, text: impl Into<String>) -> Self {
        match self {
            Self::Operational { error, .. } => Self::Operational { error, hint: Some(text.into()) },
            Self::Data { error, .. } => Self::Data { error, hint: Some(text.into()) },
            other => other,
        }
    }

    /// Prints the failure; returns its exit code. The one place that picks
    /// a failure's exit code: the command's end in `main`, and each month
    /// of a batch as it fails.
    pub fn report(self) -> u8 {
        match self {
            Self::Operational { error, hint } => {
                print_error(&error, hint.as_deref());
                EXIT_OPERATIONAL
            }
            Self::Data { error, hint } => {
                print_error(&error, hint.as_deref());
                EXIT_DATA
            }
            Self::Month { dir, failure, format } => {
                print_failure(&dir, &failure, format);
                match failure {
                    Failure::Data(_) => EXIT_DATA,
                    Failure::Operational(_) => EXIT_OPERATIONAL,
                }
            }
            Self::Reported(code) => code,
        }
    }
}

impl From<bulletin::Error> for Fail {
    fn from(err: bulletin::Error) -> Self {
        Self::operational(err.to_string())
    }
}

/// The end of a command that reported its failures as it went: done, or
/// the highest exit code of what it reported.
pub fn reported(code: u8) -> Result<(), Fail> {
    if code == 0 {
        Ok(())
    } else {
        Err(Fail::Reported(code))
    }
}

fn print_error(error: &str, hint: Option<&str>) {
    eprintln!("error: {error}");
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
}

/// The month folders named, or every folder under `months/` that holds a
/// `month.yaml`, in name order.
pub fn month_dirs(named: Vec<PathBuf>) -> Result<Vec<PathBuf>, Fail> {
    if named.is_empty() {
        return month_dirs_under(Path::new("months"));
    }
    // The archive named instead of a month: say so rather than report its
    // months as stray files of one month with five files missing.
    for dir in &named {
        if !dir.join("month.yaml").exists() {
            if let Ok(inner) = month_dirs_under(dir) {
                let example = inner[0].display();
                return Err(Fail::operational(format!("`{}` is a folder of months, not a month", dir.display())).hint(
                    format!(
                        "name a month folder (e.g. `{example}`); \
                         for every month in it, name none (that takes `months/`) or use `build --all {}`",
                        dir.display()
                    ),
                ));
            }
        }
    }
    Ok(named)
}

/// Every folder under `root` that holds a `month.yaml`, in name order.
pub fn month_dirs_under(root: &Path) -> Result<Vec<PathBuf>, Fail> {
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
        return Err(Fail::operational(format!("no month folders under `{}`", root.display()))
            .hint("name a month folder, e.g. `bulletin build months/2020-03`"));
    }
    Ok(dirs)
}

pub fn print_diagnostics(diagnostics: &[Diagnostic], format: Format) {
    // A new month's blanks: a few of each file in full, then one line for
    // the rest, so that the other problems are not lost among hundreds.
    const BLANKS_SHOWN: usize = 3;
    let mut blanks: std::collections::BTreeMap<&Path, Vec<usize>> = std::collections::BTreeMap::new();
    for diagnostic in diagnostics {
        let blank = diagnostic.kind == bulletin::diag::Kind::Blank;
        match format {
            Format::Human if blank => {
                let lines = blanks.entry(&diagnostic.file).or_default();
                lines.push(diagnostic.line.unwrap_or(0));
                if lines.len() <= BLANKS_SHOWN {
                    eprintln!("{diagnostic}");
                }
            }
            Format::Human => eprintln!("{diagnostic}"),
            Format::Short => eprintln!("{}", diagnostic.short()),
            Format::Json => println!("{}", diagnostic.to_json()),
        }
    }
    for (file, lines) in blanks.iter().filter(|(_, lines)| lines.len() > BLANKS_SHOWN) {
        let (first, last) = (lines[BLANKS_SHOWN], lines.last().copied().unwrap_or(0));
        eprintln!(
            "error: {} more values of {} are not filled in yet (lines {first}–{last}): fill in every `~`; \
             `--format short` lists them one a line\n",
            lines.len() - BLANKS_SHOWN,
            file.display()
        );
    }
}

/// Prints a month's failure: its diagnostics and how many errors they
/// hold, or the error with the month's folder.
pub fn print_failure(dir: &Path, failure: &Failure, format: Format) {
    match failure {
        Failure::Data(diagnostics) => {
            print_diagnostics(diagnostics, format);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            if !matches!(format, Format::Json) {
                eprintln!("{}: {errors} error{} in the data", dir.display(), if errors == 1 { "" } else { "s" });
            }
        }
        Failure::Operational(err) => eprintln!("error: {}: {err}", dir.display()),
    }
}

pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
