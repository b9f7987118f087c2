//! `bulletin sign`: the final PDFs of month folders signed.

use std::path::{Path, PathBuf};

use bulletin::CheckOptions;

use super::common::{reported, Fail, Format, ResourceArgs};

/// Signs each month's final PDF, printing each month's result as it goes.
pub fn run(months: Vec<PathBuf>, out: &Path, key: Option<&Path>, args: &ResourceArgs) -> Result<(), Fail> {
    let key = bulletin::publish::signoff::secret_key(key)?;
    let resources = bulletin::Resources::load(&args.layouts, &args.fonts)?;
    let mut code = 0;
    for dir in &months {
        if let Err(fail) = sign_month(dir, out, &key, &resources) {
            code = code.max(fail.report());
        }
    }
    reported(code)
}

fn sign_month(dir: &Path, out: &Path, key: &minisign::SecretKey, resources: &bulletin::Resources) -> Result<(), Fail> {
    let month_failed = |failure: bulletin::Failure| Fail::month(dir, failure, Format::Human);
    let (month, _) = bulletin::check_issue(dir, CheckOptions::default()).map_err(month_failed)?;
    let period = month.period_key();
    if !month.is_final() {
        return Err(Fail::data(format!(
            "{}: only a final bulletin is signed, and this month has no complete sign-off record",
            dir.display()
        ))
        .hint("`bulletin check` and month.yaml's `signoff:`"));
    }
    let pdf = out.join(bulletin::pdf_name(&period, false));
    if !pdf.is_file() {
        return Err(Fail::operational(format!("{}: no final PDF at `{}`", dir.display(), pdf.display()))
            .hint(format!("run `bulletin build --final {}` first", dir.display())));
    }
    // Only what the month builds now is signed: a PDF built before the
    // figures changed would go out signed with the old figures.
    if !bulletin::is_current(dir, &month, &pdf, resources).map_err(month_failed)? {
        return Err(Fail::data(format!(
            "{}: `{}` is not what the month builds now (its files changed since it was built)",
            dir.display(),
            pdf.display()
        ))
        .hint(format!("run `bulletin build --final --sign {}`", dir.display())));
    }
    let signature = bulletin::publish::signoff::sign(&pdf, key, month.district(), &period)?;
    eprintln!("signed {}", signature.display());
    Ok(())
}
