//! The `bulletin` command: parse arguments, run the library, print
//! diagnostics, pick the exit code (0 ok, 1 data errors, 2 operational
//! failure).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bulletin::diag::Diagnostic;
use bulletin::schema::FileKind;
use bulletin::{BuildOptions, CheckOptions, Failure};
use clap::{Parser, Subcommand, ValueEnum};

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
        /// Build only final bulletins: refuse (exit 1, nothing written) a
        /// month whose month.yaml lacks a complete `signoff:` record. Without
        /// it such a month builds as a draft (`OUT/<period>.draft.pdf`,
        /// watermarked 征求意见稿).
        #[arg(long = "final")]
        require_final: bool,
        /// Sign each final PDF (implies --final); see `bulletin sign`.
        #[arg(long)]
        sign: bool,
        /// The secret key for --sign (default: $BULLETIN_KEY, else ~/.config/bulletin/bulletin.key).
        #[arg(long, requires = "sign")]
        key: Option<PathBuf>,
        #[command(flatten)]
        batch: BatchArgs,
    },
    /// Validate month folders without building anything.
    Check {
        /// Month folders such as `months/2020-03`. Without any: every month
        /// folder under `months/`.
        months: Vec<PathBuf>,
        /// Check only the month's files, not that its text derives and
        /// prints with the layouts' sentences and the bundled fonts (which
        /// needs --layouts and --fonts).
        #[arg(long)]
        data_only: bool,
        #[command(flatten)]
        resources: ResourceArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Rebuild a month's PDF whenever one of its files or a layout changes
    /// (for editing with the PDF open in a viewer). A failed build prints
    /// its diagnostics and keeps the last good PDF. Stop with Ctrl-C.
    Watch {
        /// The month folder, e.g. `months/2020-03`.
        month: PathBuf,
        /// Where the PDF goes.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        #[command(flatten)]
        resources: ResourceArgs,
        /// How often to look for changes, in milliseconds (also the quiet
        /// time a change must settle for before a rebuild).
        #[arg(long, default_value_t = 100)]
        poll_ms: u64,
    },
    /// Start a new office's archive in DIR from a bundled office: its
    /// definition (`bulletin.yaml`), its example month under `months/` and
    /// the JSON Schemas of the files under `schemas/`.
    ///
    /// The example builds at once (`bulletin build DIR/months/<period>`);
    /// then edit `bulletin.yaml` towards your own bulletin (README.md,
    /// "Another office's bulletin"), run `bulletin schema --office DIR`
    /// after each change, and start your months with `bulletin new`.
    Init {
        /// The new archive's folder (created; must not hold an office yet).
        dir: PathBuf,
        /// The bundled office to start from: furong (芙蓉区, the full
        /// monthly bulletin with appendix score tables), xiangyin (湘阴县:
        /// one hotline, categories, grades, top-N lists) or ningguo (宁国市:
        /// two channels, per-group top three, a table split by channel).
        #[arg(long, value_name = "OFFICE", value_parser = clap::builder::PossibleValuesParser::new(bulletin::init::OFFICES.map(|o| o.name)))]
        like: String,
    },
    /// Start a new month: `MONTHS/YYYY-MM` from the latest existing month.
    ///
    /// Units, groups, districts, category names, the topic's wording and the
    /// rules carry over; every figure is left empty (`~`), the sign-off date
    /// too, and a case template waits in cases/. `bulletin check` on the new
    /// folder then lists exactly what is left to fill in.
    New {
        /// The new month, e.g. 2020-04.
        period: String,
        /// The folder that holds the months.
        #[arg(long, default_value = "months")]
        months: PathBuf,
    },
    /// Fill one unit group's figures in `MONTHS/YYYY-MM/units.yaml` from the
    /// platform's spreadsheet export (xlsx or csv; a header row as in the
    /// appendix: 部门名称, 签收总数, 未按时签收数, …, 总分).
    ///
    /// Rows are matched to units by full or short name. Unmatched rows,
    /// units missing from the sheet and malformed cells are reported with
    /// their row and column, and then nothing is written.
    Import {
        /// The spreadsheet: `.xlsx`, `.xls`, `.ods` or `.csv` (UTF-8 or GBK).
        sheet: PathBuf,
        /// The month to fill, e.g. 2020-04 (create it with `bulletin new`).
        #[arg(long)]
        month: String,
        /// The unit group the sheet holds, e.g. 街道 or 区直部门.
        #[arg(long)]
        group: String,
        /// The folder that holds the months.
        #[arg(long, default_value = "months")]
        months: PathBuf,
    },
    /// Write the JSON Schemas of the month files (for editors: VS Code's
    /// YAML extension completes keys and marks errors as you type when a
    /// file's first line is `# yaml-language-server: $schema=…`).
    ///
    /// With --office, the schemas of that office's month files instead,
    /// generated from its `bulletin.yaml` (its measures, lists, groups and
    /// channels, with their Chinese labels as hover texts); run it again
    /// after changing the definition.
    Schema {
        /// The folder to write the schemas into. Default: `schemas`; with
        /// --office, `OFFICE/schemas`, where the month files' first lines
        /// (`$schema=../../schemas/…`) point.
        #[arg(long)]
        out: Option<PathBuf>,
        /// An office's folder (it holds `bulletin.yaml` and `months/`):
        /// write `month.schema.json`, `figures.schema.json` and
        /// `units.schema.json` for its month files.
        #[arg(long, value_name = "OFFICE")]
        office: Option<PathBuf>,
    },
    /// Make the office's key pair: a password-protected secret key
    /// `bulletin.key` and a public key `bulletin.pub` to publish.
    ///
    /// The password comes from $BULLETIN_KEY_PASSWORD or is asked for
    /// without echo, and may not be empty. The key is never written into a
    /// git work tree, a month folder or the archive of months.
    Keygen {
        /// The folder for the key pair.
        #[arg(long, default_value_os_t = bulletin::signoff::default_key_dir())]
        out: PathBuf,
    },
    /// Sign the final PDFs of month folders: writes `OUT/<period>.pdf.minisig`
    /// (minisign format) with a trusted comment holding the district, the
    /// period and the PDF's SHA-256.
    ///
    /// The key comes from --key, $BULLETIN_KEY (a path, or the key's text)
    /// or where `keygen` puts it (~/.config/bulletin/bulletin.key); its
    /// password from $BULLETIN_KEY_PASSWORD or a prompt.
    Sign {
        /// Month folders whose built final PDF is signed.
        #[arg(required = true)]
        months: Vec<PathBuf>,
        /// Where the PDFs are.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// The secret key (default: $BULLETIN_KEY, else ~/.config/bulletin/bulletin.key).
        #[arg(long)]
        key: Option<PathBuf>,
        #[command(flatten)]
        resources: ResourceArgs,
    },
    /// Prepare (and with --send, deliver) a final month for its member
    /// units: for each unit a folder
    /// `OUT/<period>/<unit-id>/` with the signed bulletin and the unit's
    /// one-page sheet (its figures, score and rank, what cost it points,
    /// the lists it is on, its trend over the archived months), both
    /// signed; a signed manifest (`manifest.json`, `manifest.csv`) of every
    /// file with its SHA-256 and size; and an outbox of one e-mail (`.eml`)
    /// per unit.
    ///
    /// Recipients come from the units registry (default: `registry.yaml`
    /// beside the month folder). The key comes from --key, $BULLETIN_KEY or
    /// ~/.config/bulletin/bulletin.key, its password from
    /// $BULLETIN_KEY_PASSWORD or a prompt. A draft month
    /// is refused. With --send, the outbox goes out through the registry's
    /// `smtp:` server (credentials from $BULLETIN_SMTP_USER and
    /// $BULLETIN_SMTP_PASSWORD); units already accepted are recorded in
    /// `outbox/sent.json` and skipped when run again.
    Distribute {
        /// The month folder, e.g. `months/2020-03`.
        month: PathBuf,
        /// Where the distributions go.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// The units registry (default: `registry.yaml` beside the month folder).
        #[arg(long)]
        registry: Option<PathBuf>,
        /// The secret key (default: $BULLETIN_KEY, else ~/.config/bulletin/bulletin.key).
        #[arg(long)]
        key: Option<PathBuf>,
        /// Deliver the outbox by SMTP after writing it.
        #[arg(long)]
        send: bool,
        /// Worker threads for the unit sheets (default: the number of cores).
        #[arg(long, short = 'j')]
        jobs: Option<usize>,
        #[command(flatten)]
        resources: ResourceArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Check that a PDF is the one the office signed. Exit 0 when it is, 1
    /// when it is not (changed, another key, no signature).
    Verify {
        /// The PDF, e.g. `out/2020-03.pdf`.
        pdf: PathBuf,
        /// The office's public key file (default: where `keygen` writes it,
        /// ~/.config/bulletin/bulletin.pub).
        #[arg(long)]
        pubkey: Option<PathBuf>,
        /// The signature (default: the PDF's path + `.minisig`).
        #[arg(long)]
        signature: Option<PathBuf>,
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
struct BatchArgs {
    /// Build every month folder under DIR (the default without month
    /// folders is `months/`).
    #[arg(long, value_name = "DIR")]
    all: Option<PathBuf>,
    /// Worker threads (default: the number of cores).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Rebuild months whose PDF is up to date (by default a month is
    /// skipped when nothing it is built from changed).
    #[arg(long)]
    force: bool,
    /// Also write the exact Typst project each month compiles to
    /// `DIR/<period>/` (layouts, data.json, sources, fonts.txt), for
    /// debugging a layout or compiling with the stock Typst tools.
    #[arg(long, value_name = "DIR")]
    emit_typst: Option<PathBuf>,
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
        Command::Build { months, out, resources, report, require_final, sign, key, batch } => {
            let signing = sign.then_some(key);
            build(months, &out, &resources, &report, require_final || sign, signing, &batch)
        }
        Command::Keygen { out } => keygen(&out),
        Command::Sign { months, out, key, resources } => sign_months(months, &out, key.as_deref(), &resources),
        Command::Verify { pdf, pubkey, signature } => {
            let pubkey =
                pubkey.unwrap_or_else(|| bulletin::signoff::default_key_dir().join(bulletin::signoff::PUBLIC_KEY_FILE));
            verify(&pdf, &pubkey, signature.as_deref())
        }
        Command::Distribute { month, out, registry, key, send, jobs, resources, report } => {
            let registry = registry
                .unwrap_or_else(|| bulletin::sheet::archive_root(&month).join(bulletin::registry::REGISTRY_FILE));
            let jobs = jobs.unwrap_or_else(default_jobs);
            distribute(&month, &out, &registry, key.as_deref(), send, jobs, &resources, &report)
        }
        Command::Check { months, data_only, resources, report } => {
            check(months, (!data_only).then_some(&resources), &report)
        }
        Command::Schema { out, office: None } => schema(&out.unwrap_or_else(|| PathBuf::from("schemas"))),
        Command::Schema { out, office: Some(office) } => {
            let out = out.unwrap_or_else(|| office.join("schemas"));
            match bulletin::office_schemas(&office) {
                Ok(schemas) => write_schemas(&out, schemas),
                Err(failure) => report(&office, &failure, Format::Human),
            }
        }
        Command::Init { dir, like } => init(&dir, &like),
        Command::New { period, months } => new_month(&months, &period),
        Command::Import { sheet, month, group, months } => import(&sheet, &months.join(&month), &group),
        Command::Watch { month, out, resources, poll_ms } => watch(&month, &out, &resources, poll_ms),
    };
    ExitCode::from(code)
}

/// The month folders named, or every folder under `months/` that holds a
/// `month.yaml`, in name order.
fn month_dirs(named: Vec<PathBuf>) -> Result<Vec<PathBuf>, String> {
    if named.is_empty() {
        return month_dirs_under(Path::new("months"));
    }
    // The archive named instead of a month: say so rather than report its
    // months as stray files of one month with five files missing.
    for dir in &named {
        if !dir.join("month.yaml").exists() {
            if let Ok(inner) = month_dirs_under(dir) {
                let example = inner[0].display();
                return Err(format!(
                    "`{}` is a folder of months, not a month\nhint: name a month folder (e.g. `{example}`); \
                     for every month in it, name none (that takes `months/`) or use `build --all {}`",
                    dir.display(),
                    dir.display()
                ));
            }
        }
    }
    Ok(named)
}

/// Every folder under `root` that holds a `month.yaml`, in name order.
fn month_dirs_under(root: &Path) -> Result<Vec<PathBuf>, String> {
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

/// A built PDF's digest on stdout: in sha256sum's format, or with
/// `--format json` as a JSON object like the diagnostics beside it.
fn print_digest(sha256: &str, pdf: &Path, format: Format) {
    match format {
        Format::Json => println!("{}", serde_json::json!({ "pdf": pdf.display().to_string(), "sha256": sha256 })),
        Format::Human | Format::Short => println!("{sha256}  {}", pdf.display()),
    }
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

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn build(
    months: Vec<PathBuf>,
    out: &Path,
    args: &ResourceArgs,
    report_args: &ReportArgs,
    require_final: bool,
    signing: Option<Option<PathBuf>>,
    batch_args: &BatchArgs,
) -> u8 {
    let named = match &batch_args.all {
        Some(root) if months.is_empty() => month_dirs_under(root),
        Some(_) => Err("give either month folders or --all, not both".to_owned()),
        None => month_dirs(months),
    };
    let dirs = match named {
        Ok(dirs) => dirs,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_OPERATIONAL;
        }
    };
    let options = BuildOptions { check: CheckOptions { strict: report_args.strict }, require_final };
    // The key is opened once, before any work, so a wrong password fails fast.
    let key = match &signing {
        Some(flag) => match bulletin::signoff::secret_key(flag.as_deref()) {
            Ok(key) => Some(key),
            Err(err) => {
                eprintln!("error: {err}");
                return EXIT_OPERATIONAL;
            }
        },
        None => None,
    };
    let jobs = batch_args.jobs.unwrap_or_else(default_jobs);
    let batch = bulletin::batch::Batch {
        out,
        layouts: &args.layouts,
        fonts: &args.fonts,
        options,
        jobs,
        force: batch_args.force,
    };
    // A progress bar on a terminal; plain lines in logs and CI.
    let human = !matches!(report_args.format, Format::Json);
    let bar = (human && dirs.len() > 1 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(dirs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} months, {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let say = |line: String| match &bar {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    };
    let mut code = 0;
    let (mut built, mut fresh, mut failed) = (0, 0, 0);
    bulletin::batch::build_all(&dirs, batch, |_, dir, outcome| {
        let signed =
            |pdf: &Path| key.as_ref().map(|key| (sign_built(dir, pdf, key), bulletin::signoff::signature_path(pdf)));
        match outcome {
            bulletin::batch::Outcome::Built(result) => {
                if human {
                    for warning in &result.warnings {
                        say(warning.to_string());
                    }
                    let kind = if result.draft { "draft" } else { "final" };
                    say(format!(
                        "built {} ({kind}, {} pages, {} bytes)",
                        result.pdf.display(),
                        result.pages,
                        result.bytes
                    ));
                } else {
                    print_diagnostics(&result.warnings, report_args.format);
                }
                print_digest(&result.sha256, &result.pdf, report_args.format);
                built += 1;
                match signed(&result.pdf) {
                    Some((Ok(signature), _)) => say(format!("signed {}", signature.display())),
                    Some((Err(err), _)) => {
                        say(format!("error: {}: {err}", dir.display()));
                        code = code.max(EXIT_OPERATIONAL);
                    }
                    None => {}
                }
            }
            bulletin::batch::Outcome::UpToDate(pdf, sha256) => {
                if human && bar.is_none() {
                    say(format!("up to date {}", pdf.display()));
                }
                print_digest(&sha256, &pdf, report_args.format);
                fresh += 1;
                // An up-to-date final PDF that lacks its signature gets one.
                if key.is_some() && !bulletin::signoff::signature_path(&pdf).is_file() {
                    if let Some((Err(err), _)) = signed(&pdf) {
                        say(format!("error: {}: {err}", dir.display()));
                        code = code.max(EXIT_OPERATIONAL);
                    }
                }
            }
            bulletin::batch::Outcome::Failed(failure) => {
                if let Some(bar) = &bar {
                    bar.suspend(|| code = code.max(report(dir, &failure, report_args.format)));
                } else {
                    code = code.max(report(dir, &failure, report_args.format));
                }
                failed += 1;
            }
        }
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(into) = &batch_args.emit_typst {
        for dir in &dirs {
            match bulletin::emit_typst(dir, into, &args.layouts, &args.fonts) {
                Ok(project) => eprintln!("wrote the Typst project {}", project.display()),
                Err(failure) => code = code.max(report(dir, &failure, report_args.format)),
            }
        }
    }
    if dirs.len() > 1 && human {
        eprintln!("{built} built, {fresh} up to date, {failed} failed");
    }
    code
}

/// Signs a freshly built final PDF with the month's district and period.
fn sign_built(dir: &Path, pdf: &Path, key: &minisign::SecretKey) -> Result<PathBuf, bulletin::Error> {
    let (month, _) = bulletin::check_issue(dir, CheckOptions::default()).map_err(|failure| match failure {
        Failure::Operational(err) => err,
        Failure::Data(_) => bulletin::Error::Signing { message: "the month no longer checks".into() },
    })?;
    bulletin::signoff::sign(pdf, key, month.district(), &month.period_key())
}

#[allow(clippy::too_many_arguments)]
fn distribute(
    month: &Path,
    out: &Path,
    registry: &Path,
    key: Option<&Path>,
    send: bool,
    jobs: usize,
    args: &ResourceArgs,
    report_args: &ReportArgs,
) -> u8 {
    use bulletin::mail::Delivery;
    let format = report_args.format;
    if !month.is_dir() {
        eprintln!("error: no month folder at `{}`", month.display());
        return EXIT_OPERATIONAL;
    }
    let registry = match bulletin::registry::Registry::load(registry) {
        Ok(registry) => registry,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics, format);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "{}: {errors} error{} in the units registry",
                registry.display(),
                if errors == 1 { "" } else { "s" }
            );
            return EXIT_DATA;
        }
    };
    // Everything that can fail before any work fails first: the mail
    // settings and credentials, then the key (which may ask for a password).
    let smtp = match (send, &registry.smtp) {
        (false, _) => None,
        (true, None) => {
            eprintln!(
                "error: --send needs the mail server: add `smtp:` (host, port, security) to `{}`",
                registry.path.display()
            );
            return EXIT_OPERATIONAL;
        }
        (true, Some(smtp)) => match bulletin::mail::credentials_from_env() {
            Ok(credentials) => Some((smtp.clone(), credentials)),
            Err(err) => {
                eprintln!("error: {err}");
                return EXIT_OPERATIONAL;
            }
        },
    };
    let key = match bulletin::signoff::secret_key(key) {
        Ok(key) => key,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_OPERATIONAL;
        }
    };
    let resources = match bulletin::Resources::load(&args.layouts, &args.fonts) {
        Ok(resources) => resources,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_OPERATIONAL;
        }
    };
    let check = CheckOptions { strict: report_args.strict };
    let options = bulletin::distribute::Options { out, registry: &registry, key: &key, jobs, check };
    let distributed = match bulletin::distribute::distribute(month, options, &resources) {
        Ok(distributed) => distributed,
        Err(failure) => return report(month, &failure, format),
    };
    print_diagnostics(&distributed.warnings, format);
    let units = distributed.manifest.units.len();
    eprintln!(
        "distributed {} to {units} units in {} (manifest.json, manifest.csv and every PDF signed; outbox: {units} messages)",
        distributed.manifest.period,
        distributed.dir.display()
    );
    let Some((smtp, credentials)) = smtp else { return 0 };
    let outbox = distributed.dir.join(bulletin::mail::OUTBOX);
    let outgoing = distributed.outgoing();
    let result = bulletin::mail::send(&outbox, &registry.sender, &outgoing, &smtp, credentials, |delivery| {
        match delivery {
        Delivery::Sent { unit, response } => eprintln!("sent {unit} ({response})"),
        Delivery::AlreadySent { unit, changed: false } => eprintln!("already sent {unit}"),
        Delivery::AlreadySent { unit, changed: true } => eprintln!(
            "already sent {unit}, an earlier version of its message (remove its entry from outbox/sent.json to send this one)"
        ),
        Delivery::Refused { unit, reason } => eprintln!("error: the server refused the message to {unit}: {reason}"),
    }
    });
    let record = outbox.join(bulletin::mail::SENT_FILE);
    match result {
        Ok(deliveries) => {
            let count = |f: fn(&Delivery) -> bool| deliveries.iter().filter(|d| f(d)).count();
            let sent = count(|d| matches!(d, Delivery::Sent { .. }));
            let earlier = count(|d| matches!(d, Delivery::AlreadySent { .. }));
            let refused = count(|d| matches!(d, Delivery::Refused { .. }));
            eprintln!("{sent} sent, {earlier} sent before, {refused} refused (record: {})", record.display());
            if refused > 0 {
                EXIT_OPERATIONAL
            } else {
                0
            }
        }
        Err(err) => {
            let done = bulletin::mail::read_sent(&outbox).map(|sent| sent.len()).unwrap_or(0);
            eprintln!("error: {err}");
            eprintln!(
                "{done} of {units} units sent so far (record: {}); run the same command again to send the rest",
                record.display()
            );
            EXIT_OPERATIONAL
        }
    }
}

fn keygen(out: &Path) -> u8 {
    match bulletin::signoff::keygen(out) {
        Ok((secret, public, text)) => {
            eprintln!("wrote {} (secret: keep it, and its password, safe)", secret.display());
            eprintln!("wrote {} (public: publish it so that units can verify)", public.display());
            print!("{text}");
            0
        }
        Err(err) => {
            eprintln!("error: {err}");
            EXIT_OPERATIONAL
        }
    }
}

fn sign_months(months: Vec<PathBuf>, out: &Path, key: Option<&Path>, args: &ResourceArgs) -> u8 {
    let key = match bulletin::signoff::secret_key(key) {
        Ok(key) => key,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_OPERATIONAL;
        }
    };
    let resources = match bulletin::Resources::load(&args.layouts, &args.fonts) {
        Ok(resources) => resources,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_OPERATIONAL;
        }
    };
    let mut code = 0;
    for dir in &months {
        let month = match bulletin::check_issue(dir, CheckOptions::default()) {
            Ok((month, _)) => month,
            Err(failure) => {
                code = code.max(report(dir, &failure, Format::Human));
                continue;
            }
        };
        let period = month.period_key();
        if !month.is_final() {
            eprintln!(
                "error: {}: only a final bulletin is signed, and this month has no complete sign-off record\nhint: `bulletin check` and month.yaml's `signoff:`",
                dir.display()
            );
            code = code.max(EXIT_DATA);
            continue;
        }
        let pdf = out.join(bulletin::pdf_name(&period, false));
        if !pdf.is_file() {
            eprintln!(
                "error: {}: no final PDF at `{}`\nhint: run `bulletin build --final {}` first",
                dir.display(),
                pdf.display(),
                dir.display()
            );
            code = code.max(EXIT_OPERATIONAL);
            continue;
        }
        // Only what the month builds now is signed: a PDF built before the
        // figures changed would go out signed with the old figures.
        match bulletin::is_current(dir, &month, &pdf, &resources) {
            Ok(true) => {}
            Ok(false) => {
                eprintln!(
                    "error: {}: `{}` is not what the month builds now (its files changed since it was built)\nhint: run `bulletin build --final --sign {}`",
                    dir.display(),
                    pdf.display(),
                    dir.display()
                );
                code = code.max(EXIT_DATA);
                continue;
            }
            Err(failure) => {
                code = code.max(report(dir, &failure, Format::Human));
                continue;
            }
        }
        match bulletin::signoff::sign(&pdf, &key, month.district(), &period) {
            Ok(signature) => eprintln!("signed {}", signature.display()),
            Err(err) => {
                eprintln!("error: {err}");
                code = code.max(EXIT_OPERATIONAL);
            }
        }
    }
    code
}

fn verify(pdf: &Path, pubkey: &Path, signature: Option<&Path>) -> u8 {
    if !pubkey.is_file() {
        eprintln!(
            "error: no public key at `{}`\nhint: pass the office's published key with --pubkey FILE (bulletin.pub)",
            pubkey.display()
        );
        return EXIT_OPERATIONAL;
    }
    let public = match bulletin::signoff::public_key(pubkey) {
        Ok(public) => public,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_OPERATIONAL;
        }
    };
    match bulletin::signoff::verify(pdf, &public, signature) {
        Ok(Ok(verified)) => {
            println!("ok: {} — {}", pdf.display(), verified.trusted_comment);
            0
        }
        Ok(Err(rejection)) => {
            eprintln!("error: {} is not verified: {rejection}", pdf.display());
            EXIT_DATA
        }
        Err(err) => {
            eprintln!("error: {err}");
            EXIT_OPERATIONAL
        }
    }
}

fn check(months: Vec<PathBuf>, resources: Option<&ResourceArgs>, report_args: &ReportArgs) -> u8 {
    let dirs = match month_dirs(months) {
        Ok(dirs) => dirs,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_OPERATIONAL;
        }
    };
    let options = CheckOptions { strict: report_args.strict };
    // Loaded for the first valid month, then shared.
    let mut loaded: Option<bulletin::Resources> = None;
    let mut code = 0;
    for dir in &dirs {
        let checked = bulletin::check_issue(dir, options).and_then(|(month, warnings)| {
            if let Some(args) = resources {
                let resources = match &loaded {
                    Some(resources) => resources,
                    None => loaded.insert(bulletin::Resources::load(&args.layouts, &args.fonts)?),
                };
                match bulletin::check_printable(dir, &month, resources) {
                    Err(Failure::Data(mut diagnostics)) => {
                        diagnostics.extend(warnings);
                        return Err(Failure::Data(diagnostics));
                    }
                    Err(failure) => return Err(failure),
                    Ok(()) => {}
                }
            }
            Ok(warnings)
        });
        match checked {
            Ok(warnings) => {
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

fn watch(month: &Path, out: &Path, args: &ResourceArgs, poll_ms: u64) -> u8 {
    if !month.is_dir() {
        eprintln!("error: no month folder at `{}`", month.display());
        return EXIT_OPERATIONAL;
    }
    eprintln!("watching {} and {} (Ctrl-C to stop)", month.display(), args.layouts.display());
    let stop = std::sync::atomic::AtomicBool::new(false);
    let poll = std::time::Duration::from_millis(poll_ms.max(10));
    let paths = bulletin::watch::Paths { month, out, layouts: &args.layouts, fonts: &args.fonts };
    bulletin::watch::watch(paths, BuildOptions::default(), poll, &stop, |event| match event {
        bulletin::watch::Event::Changed(files) if !files.is_empty() => {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            eprintln!("changed: {}", names.join(", "));
        }
        bulletin::watch::Event::Changed(_) => {}
        bulletin::watch::Event::Built(built, elapsed) => {
            // The warnings too: an editor watching the PDF sees no other
            // sign of them (a draft instead of the final, a stray file).
            for warning in &built.warnings {
                eprintln!("{warning}");
            }
            eprintln!(
                "rebuilt {} in {} ms ({}, {} pages)",
                built.pdf.display(),
                elapsed.as_millis(),
                if built.draft { "draft" } else { "final" },
                built.pages
            )
        }
        bulletin::watch::Event::Failed(failure, elapsed) => {
            report(month, failure, Format::Human);
            eprintln!("build failed after {} ms; the last good PDF is kept", elapsed.as_millis());
        }
    });
    0
}

fn import(sheet: &Path, month: &Path, group: &str) -> u8 {
    let units = month.join("units.yaml");
    if !units.is_file() {
        eprintln!("error: no `{}`\nhint: create the month first with `bulletin new`", units.display());
        return EXIT_OPERATIONAL;
    }
    match bulletin::import::import(sheet, &units, group) {
        Ok(Ok(imported)) => {
            eprintln!("imported {} units of {group} into {}", imported.units, units.display());
            0
        }
        Ok(Err(problems)) => {
            for problem in &problems {
                eprintln!("{}", problem.short());
                if let Some(hint) = &problem.hint {
                    eprintln!("  hint: {hint}");
                }
            }
            eprintln!(
                "import of {} into {group}: {} problem{}; nothing was written",
                sheet.display(),
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            EXIT_DATA
        }
        Err(err) => {
            eprintln!("error: {err}");
            EXIT_OPERATIONAL
        }
    }
}

fn init(dir: &Path, like: &str) -> u8 {
    let Some(office) = bulletin::init::bundled(like) else {
        eprintln!("error: no bundled office `{like}`; there are {}", bulletin::init::names());
        return EXIT_OPERATIONAL;
    };
    match bulletin::init::init(dir, office) {
        Ok(month) => {
            eprintln!("created {} from {} ({})", dir.display(), office.name, office.about);
            let mut steps = vec![
                (format!("bulletin build {}", month.display()), "the example month, as the office published it"),
                (format!("edit {}", dir.join("bulletin.yaml").display()), "your office's names, figures and sections"),
            ];
            if office.name != "furong" {
                steps.push((
                    format!("bulletin schema --office {}", dir.display()),
                    "after each change to bulletin.yaml",
                ));
            }
            steps.push((
                format!("bulletin new YYYY-MM --months {}", dir.join("months").display()),
                "your month, every figure blank",
            ));
            let width = steps.iter().map(|(c, _)| c.chars().count()).max().unwrap_or(0);
            eprintln!("next:");
            for (command, what) in steps {
                eprintln!("  {command:width$}   # {what}");
            }
            0
        }
        Err(err) => {
            eprintln!("error: {err}");
            EXIT_OPERATIONAL
        }
    }
}

fn new_month(months: &Path, period: &str) -> u8 {
    match bulletin::new_month(months, period) {
        Ok(dir) => {
            eprintln!("created {}", dir.display());
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let from = bulletin::scaffold::latest_month(months, &name);
            let from = from.as_ref().and_then(|f| f.file_name()).map(|n| n.to_string_lossy().into_owned());
            let index = |key: &str| bulletin::month::parse_period(key).map(bulletin::month::Period::index);
            if let (Some(from), Some(new)) = (from, index(&name)) {
                match index(&from).map(|old| new - old) {
                    Some(gap) if gap < 1 => eprintln!(
                        "note: {name} comes before the latest month, {from}, whose units and rules it was started from; \
                         check that they applied then"
                    ),
                    Some(gap) if gap > 1 => eprintln!(
                        "note: {name} does not follow the latest month, {from}: {} month{} in between {} missing",
                        gap - 1,
                        if gap == 2 { "" } else { "s" },
                        if gap == 2 { "is" } else { "are" }
                    ),
                    _ => {}
                }
            }
            eprintln!("next: fill in every ~ and 【待填写】; `bulletin check {}` lists what is left", dir.display());
            0
        }
        Err(err) => {
            eprintln!("error: {err}");
            EXIT_OPERATIONAL
        }
    }
}

fn schema(out: &Path) -> u8 {
    let mut schemas = Vec::new();
    for kind in FileKind::ALL {
        match serde_json::to_string_pretty(&kind.schema()) {
            Ok(text) => schemas.push((kind.schema_file_name().to_owned(), text + "\n")),
            Err(err) => {
                eprintln!("error: {err}");
                return EXIT_OPERATIONAL;
            }
        }
    }
    write_schemas(out, schemas)
}

fn write_schemas(out: &Path, schemas: Vec<(String, String)>) -> u8 {
    for (name, text) in schemas {
        let path = out.join(name);
        if let Err(err) = bulletin::fs::write_atomically(&path, text.as_bytes()) {
            eprintln!("error: {err}");
            return EXIT_OPERATIONAL;
        }
        eprintln!("wrote {}", path.display());
    }
    0
}
