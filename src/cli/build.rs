//! `bulletin build`: month folders (or a whole archive) to PDFs, signed
//! with --sign.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use bulletin::{BuildOptions, CheckOptions, Failure, Replaced};

use super::common::{
    default_jobs, month_dirs, month_dirs_under, print_diagnostics, reported, BatchArgs, Fail, Format, ReportArgs,
    ResourceArgs,
};

pub fn run(
    months: Vec<PathBuf>,
    out: &Path,
    args: &ResourceArgs,
    report_args: &ReportArgs,
    (require_final, ofd, seal_cmd): (bool, bool, Option<&'static str>),
    signing: Option<Option<PathBuf>>,
    batch_args: &BatchArgs,
) -> Result<(), Fail> {
    let dirs = match &batch_args.all {
        Some(root) if months.is_empty() => month_dirs_under(root),
        Some(_) => Err(Fail::operational("give either month folders or --all, not both")),
        None => month_dirs(months),
    }?;
    let options = BuildOptions { check: CheckOptions { strict: report_args.strict }, require_final, ofd, seal_cmd };
    // The key is opened once, before any work, so a wrong password fails fast.
    let key = match &signing {
        Some(flag) => Some(bulletin::publish::signoff::secret_key(flag.as_deref())?),
        None => None,
    };
    let jobs = batch_args.jobs.unwrap_or_else(default_jobs);
    let batch = bulletin::archive::batch::Batch {
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
    // A month's failure, printed above the bar; its exit code.
    let fail = |fail: Fail| match &bar {
        Some(bar) => bar.suspend(|| fail.report()),
        None => fail.report(),
    };
    let mut code = 0;
    let (mut built, mut fresh, mut failed) = (0, 0, 0);
    let mut replacements = Replacements::default();
    bulletin::archive::batch::build_all(&dirs, batch, |_, dir, outcome| {
        let signed = |pdf: &Path| {
            key.as_ref().map(|key| (sign_built(dir, pdf, key), bulletin::publish::signoff::signature_path(pdf)))
        };
        let sign_failed = |err: bulletin::Error| Fail::operational(format!("{}: {err}", dir.display()));
        match outcome {
            bulletin::archive::batch::Outcome::Built(result) => {
                if human {
                    for warning in &result.warnings {
                        say(warning.to_string());
                    }
                    let kind = if result.draft { "draft" } else { "final" };
                    let because = match result.because.split_last() {
                        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                        _ => result.because.join(""),
                    };
                    let replaced = match (result.replaced, because.is_empty()) {
                        (Replaced::Nothing, _) => String::new(),
                        (Replaced::Same, true) => "; unchanged".to_owned(),
                        // Rebuilt for a changed input, and the same bytes came out.
                        (Replaced::Same, false) => format!("; rebuilt as {because} changed, the same bytes"),
                        (Replaced::Changed, true) => "; changed".to_owned(),
                        (Replaced::Changed, false) => format!("; changed, as {because} changed"),
                    };
                    say(format!(
                        "built {} ({kind}, {} pages, {} bytes{replaced})",
                        result.pdf.display(),
                        result.pages,
                        result.bytes
                    ));
                } else {
                    print_diagnostics(&result.warnings, report_args.format);
                }
                print_digest(&result.sha256, &result.pdf, Some(result.replaced), report_args.format);
                built += 1;
                replacements.note(&result);
                match signed(&result.pdf) {
                    Some((Ok(signature), _)) => say(format!("signed {}", signature.display())),
                    Some((Err(err), _)) => code = code.max(fail(sign_failed(err))),
                    None => {}
                }
            }
            bulletin::archive::batch::Outcome::UpToDate(pdf, sha256) => {
                if human && bar.is_none() {
                    say(format!("up to date {}", pdf.display()));
                }
                print_digest(&sha256, &pdf, None, report_args.format);
                fresh += 1;
                // An up-to-date final PDF that lacks its signature gets one.
                if key.is_some() && !bulletin::publish::signoff::signature_path(&pdf).is_file() {
                    if let Some((Err(err), _)) = signed(&pdf) {
                        code = code.max(fail(sign_failed(err)));
                    }
                }
            }
            bulletin::archive::batch::Outcome::Failed(failure) => {
                code = code.max(fail(Fail::month(dir, failure, report_args.format)));
                failed += 1;
                // A PDF of an earlier build stays as it was: say that it is not this one.
                let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                for pdf in [out.join(format!("{name}.pdf")), out.join(format!("{name}.draft.pdf"))] {
                    if human && pdf.is_file() {
                        say(format!(
                            "kept {} from an earlier build: it does not show the month as it is now",
                            pdf.display()
                        ));
                    }
                }
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
        // The layouts and fonts once, for every month's project.
        let resources = bulletin::Resources::load(&args.layouts, &args.fonts)?;
        for dir in &dirs {
            match bulletin::emit_typst(dir, into, &resources, &args.fonts) {
                Ok((project, main)) => eprintln!(
                    "wrote the Typst project {} (typst compile --root {} --font-path \"$(cat {}/fonts.txt)\" --ignore-system-fonts {}/{main})",
                    project.display(),
                    project.display(),
                    project.display(),
                    project.display()
                ),
                Err(failure) => code = code.max(Fail::month(dir, failure, report_args.format).report()),
            }
        }
    }
    if dirs.len() > 1 && human {
        eprintln!("{built} built, {fresh} up to date, {failed} failed");
    }
    if human {
        replacements.report(dirs.len() > 1);
    }
    reported(code)
}

/// The rebuilt PDFs that replaced an earlier build: which of them differ.
#[derive(Default)]
struct Replacements {
    /// File names of the PDFs that changed, and whether each is final.
    changed: Vec<(String, bool)>,
    unchanged: usize,
}

impl Replacements {
    fn note(&mut self, built: &bulletin::Built) {
        match built.replaced {
            Replaced::Nothing => {}
            Replaced::Same => self.unchanged += 1,
            Replaced::Changed => {
                let name = built.pdf.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                self.changed.push((name, !built.draft));
            }
        }
    }

    /// One line: which rebuilt PDFs now differ from those they replaced, the
    /// issued (final) ones marked; nothing when no PDF was replaced. For an
    /// archive, a changed final bulletin gets the hint to pin its definition.
    fn report(mut self, archive: bool) {
        let rebuilt = self.changed.len() + self.unchanged;
        if self.changed.is_empty() {
            if self.unchanged > 1 {
                eprintln!("unchanged: the {rebuilt} rebuilt PDFs are the same bytes as those they replaced");
            }
            return;
        }
        self.changed.sort();
        let names: Vec<String> = self
            .changed
            .iter()
            .map(|(name, fin)| if *fin { format!("{name} (final)") } else { name.clone() })
            .collect();
        eprintln!("changed: {} ({} of {rebuilt} rebuilt PDFs)", names.join(", "), self.changed.len());
        if archive && self.changed.iter().any(|(_, fin)| *fin) {
            eprintln!(
                "  hint: a final bulletin now differs from the one built before; if it was issued under an \
                 earlier bulletin.yaml, keep a copy of that file and name it in the month's month.yaml \
                 (`definition: ../../definitions/<year>.yaml`), then rebuild"
            );
        }
    }
}

/// A built PDF's digest on stdout: in sha256sum's format, or with
/// `--format json` as a JSON object like the diagnostics beside it (with
/// `replaced`: new, same or changed, for a PDF built in this run).
fn print_digest(sha256: &str, pdf: &Path, replaced: Option<Replaced>, format: Format) {
    match format {
        Format::Json => {
            let mut object = serde_json::json!({ "pdf": pdf.display().to_string(), "sha256": sha256 });
            if let Some(replaced) = replaced {
                object["replaced"] = match replaced {
                    Replaced::Nothing => "new",
                    Replaced::Same => "same",
                    Replaced::Changed => "changed",
                }
                .into();
            }
            println!("{object}")
        }
        Format::Human | Format::Short => println!("{sha256}  {}", pdf.display()),
    }
}

/// Signs a freshly built final PDF with the month's district and period.
fn sign_built(dir: &Path, pdf: &Path, key: &minisign::SecretKey) -> Result<PathBuf, bulletin::Error> {
    let (month, _) = bulletin::check_issue(dir, CheckOptions::default()).map_err(|failure| match failure {
        Failure::Operational(err) => err,
        Failure::Data(_) => bulletin::Error::Signing { message: "the month no longer checks".into() },
    })?;
    bulletin::publish::signoff::sign(pdf, key, month.district(), &month.period_key())
}
