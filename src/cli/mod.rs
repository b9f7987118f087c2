//! The subcommands, one module each. Each returns `Ok(())` or the [`Fail`]
//! that `main` prints (through [`Fail::report`], which picks the exit code);
//! what they share is in `common.rs`, which uses none of them.

mod build;
mod check;
mod common;
mod distribute;
mod import;
mod init;
mod keygen;
mod new;
mod schema;
mod sign;
mod verify;
mod watch;

use std::path::PathBuf;

use clap::Subcommand;

pub use common::Fail;
use common::{BatchArgs, ReportArgs, ResourceArgs};

#[derive(Subcommand)]
pub enum Command {
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
        /// Also write the OFD edition (GB/T 33190-2016, the format of
        /// e-government archives) beside each PDF, `OUT/<period>.ofd`, from
        /// the same laid-out pages: text with its fonts embedded, lines and
        /// shapes, the watermark of a draft.
        #[arg(long)]
        ofd: bool,
        /// Seal the OFD edition (GB/T 38540) with the office's certified
        /// signing system, run as `sh -c CMD` (implies --final): it reads a
        /// JSON request on its standard input — `digest_method` (SM3),
        /// `digest` (hex), `data` (Signature.xml, base64), `page`,
        /// `page_id`, `boundary_mm` ([x, y, w, h] of the stamp over the
        /// 落款), `date` — and writes `{"seal": base64 of Seal.esl,
        /// "signed_value": base64 of SignedValue.dat}`.
        #[arg(long, value_name = "CMD", requires = "ofd")]
        seal_cmd: Option<String>,
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
        /// Check only the month's files. Without it, `check` also lays the
        /// bulletin out as data, to find a sentence that does not render or
        /// a character the bundled fonts lack (that part reads --layouts
        /// and --fonts).
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
        #[arg(long, value_name = "OFFICE", value_parser = clap::builder::PossibleValuesParser::new(bulletin::edit::init::OFFICES.map(|o| o.name)))]
        like: String,
    },
    /// Start a new month: `MONTHS/YYYY-MM` from the latest existing month.
    ///
    /// The units and groups, the names of the lists' items, the office's
    /// texts (names, titles) and the rules carry over; every figure is left
    /// empty (`~`), the sign-off date too, and each text or case the
    /// sections need waits to be written. `bulletin check` on the new folder
    /// then lists exactly what is left to fill in.
    ///
    /// A quarter (2020-Q1), half-year (2020-H1), year (2020) or run of
    /// months (2020-01..2020-06) gets a folder with its month.yaml (the
    /// period and the sign-off) and the texts and cases its sections print:
    /// its figures are the archived months', added up by `bulletin build`.
    New {
        /// The new month, e.g. 2020-04; or a period: 2020-Q1, 2020-H1, 2020, 2020-01..2020-06.
        period: String,
        /// The folder that holds the months.
        #[arg(long, default_value = "months")]
        months: PathBuf,
    },
    /// Fill one unit group's figures in `MONTHS/YYYY-MM/units.yaml` from the
    /// platform's spreadsheet export (xlsx, xls, ods or csv; a header row
    /// naming the units' column and each figure by its label in
    /// bulletin.yaml, as Furong's appendix: 部门名称, 签收总数, …, 总分).
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
        #[arg(long, default_value_os_t = bulletin::publish::signoff::default_key_dir())]
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
    /// the lists it is on, its trend over the archived months: the parts
    /// of `sheet:` in the office's bulletin.yaml; without one, every figure
    /// of the unit's group and the lists that name it), both
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
        /// Put the bulletin's OFD edition (GB/T 33190) in each packet too,
        /// `<period>.ofd`, signed as the PDF is.
        #[arg(long)]
        ofd: bool,
        /// Seal that OFD edition with the office's signing system (see
        /// `bulletin build --help`, --seal-cmd).
        #[arg(long, value_name = "CMD", requires = "ofd")]
        seal_cmd: Option<String>,
        #[command(flatten)]
        resources: ResourceArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Check that a PDF is the one the office signed. Exit 0 when it is, 1
    /// when it is not (changed, another key, no signature), 2 when it cannot
    /// tell (no public key, a file that cannot be read).
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

/// Runs a command.
pub fn run(command: Command) -> Result<(), Fail> {
    match command {
        Command::Build { months, out, resources, report, require_final, ofd, seal_cmd, sign, key, batch } => {
            let signing = sign.then_some(key);
            let finals = require_final || sign || seal_cmd.is_some();
            // One command for the whole run.
            let seal_cmd: Option<&'static str> = seal_cmd.map(|c| &*Box::leak(c.into_boxed_str()));
            build::run(months, &out, &resources, &report, (finals, ofd, seal_cmd), signing, &batch)
        }
        Command::Keygen { out } => keygen::run(&out),
        Command::Sign { months, out, key, resources } => sign::run(months, &out, key.as_deref(), &resources),
        Command::Verify { pdf, pubkey, signature } => {
            let pubkey = pubkey.unwrap_or_else(|| {
                bulletin::publish::signoff::default_key_dir().join(bulletin::publish::signoff::PUBLIC_KEY_FILE)
            });
            verify::run(&pdf, &pubkey, signature.as_deref())
        }
        Command::Distribute { month, out, registry, key, send, jobs, ofd, seal_cmd, resources, report } => {
            let registry = registry.unwrap_or_else(|| {
                bulletin::archive::months::archive_root(&month).join(bulletin::publish::registry::REGISTRY_FILE)
            });
            let jobs = jobs.unwrap_or_else(common::default_jobs);
            let ofd = (ofd, seal_cmd.as_deref());
            distribute::run(&month, &out, &registry, key.as_deref(), (send, ofd), jobs, &resources, &report)
        }
        Command::Check { months, data_only, resources, report } => {
            check::run(months, (!data_only).then_some(&resources), &report)
        }
        Command::Schema { out, office: None } => schema::run(&out.unwrap_or_else(|| PathBuf::from("schemas"))),
        Command::Schema { out, office: Some(office) } => {
            let out = out.unwrap_or_else(|| office.join("schemas"));
            schema::office(&office, &out)
        }
        Command::Init { dir, like } => init::run(&dir, &like),
        Command::New { period, months } => new::run(&months, &period),
        Command::Import { sheet, month, group, months } => import::run(&sheet, &months.join(&month), &group),
        Command::Watch { month, out, resources, poll_ms } => watch::run(&month, &out, &resources, poll_ms),
    }
}
