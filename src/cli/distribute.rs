//! `bulletin distribute`: a final month's packets for its member units,
//! delivered with --send.

use std::path::Path;

use bulletin::publish::mail::Delivery;
use bulletin::CheckOptions;

use super::common::{print_diagnostics, Fail, ReportArgs, ResourceArgs, EXIT_DATA, EXIT_OPERATIONAL};

#[allow(clippy::too_many_arguments)]
pub fn run(
    month: &Path,
    out: &Path,
    registry: &Path,
    key: Option<&Path>,
    (send, (ofd, seal_cmd)): (bool, (bool, Option<&str>)),
    jobs: usize,
    args: &ResourceArgs,
    report_args: &ReportArgs,
) -> Result<(), Fail> {
    let format = report_args.format;
    if !month.is_dir() {
        return Err(Fail::operational(format!("no month folder at `{}`", month.display())));
    }
    let registry = match bulletin::publish::registry::Registry::load(registry) {
        Ok(registry) => registry,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics, format);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "{}: {errors} error{} in the units registry",
                registry.display(),
                if errors == 1 { "" } else { "s" }
            );
            return Err(Fail::Reported(EXIT_DATA));
        }
    };
    // Everything that can fail before any work fails first: the mail
    // settings and credentials, then the key (which may ask for a password).
    let smtp = match (send, &registry.smtp) {
        (false, _) => None,
        (true, None) => {
            return Err(Fail::operational(format!(
                "--send needs the mail server: add `smtp:` (host, port, security) to `{}`",
                registry.path.display()
            )));
        }
        (true, Some(smtp)) => Some((smtp.clone(), bulletin::publish::mail::credentials_from_env()?)),
    };
    let key = bulletin::publish::signoff::secret_key(key)?;
    let resources = bulletin::Resources::load(&args.layouts, &args.fonts)?;
    let check = CheckOptions { strict: report_args.strict };
    let options =
        bulletin::publish::distribute::Options { out, registry: &registry, key: &key, jobs, check, ofd, seal_cmd };
    let distributed = bulletin::publish::distribute::distribute(month, options, &resources)
        .map_err(|failure| Fail::month(month, failure, format))?;
    print_diagnostics(&distributed.warnings, format);
    let units = distributed.manifest.units.len();
    eprintln!(
        "distributed {} to {units} units in {} (manifest.json, manifest.csv and every PDF signed; outbox: {units} messages)",
        distributed.manifest.period,
        distributed.dir.display()
    );
    let Some((smtp, credentials)) = smtp else { return Ok(()) };
    let outbox = distributed.dir.join(bulletin::publish::mail::OUTBOX);
    let outgoing = distributed.outgoing();
    let result = bulletin::publish::mail::send(&outbox, &registry.sender, &outgoing, &smtp, credentials, |delivery| {
        match delivery {
        Delivery::Sent { unit, response } => eprintln!("sent {unit} ({response})"),
        Delivery::AlreadySent { unit, changed: false } => eprintln!("already sent {unit}"),
        Delivery::AlreadySent { unit, changed: true } => eprintln!(
            "already sent {unit}, an earlier version of its message (remove its entry from outbox/sent.json to send this one)"
        ),
        Delivery::Refused { unit, reason } => eprintln!("error: the server refused the message to {unit}: {reason}"),
    }
    });
    let record = outbox.join(bulletin::publish::mail::SENT_FILE);
    match result {
        Ok(deliveries) => {
            let count = |f: fn(&Delivery) -> bool| deliveries.iter().filter(|d| f(d)).count();
            let sent = count(|d| matches!(d, Delivery::Sent { .. }));
            let earlier = count(|d| matches!(d, Delivery::AlreadySent { .. }));
            let refused = count(|d| matches!(d, Delivery::Refused { .. }));
            eprintln!("{sent} sent, {earlier} sent before, {refused} refused (record: {})", record.display());
            if refused > 0 {
                Err(Fail::Reported(EXIT_OPERATIONAL))
            } else {
                Ok(())
            }
        }
        Err(err) => {
            let done = bulletin::publish::mail::read_sent(&outbox).map(|sent| sent.len()).unwrap_or(0);
            let code = Fail::from(err).report();
            eprintln!(
                "{done} of {units} units sent so far (record: {}); run the same command again to send the rest",
                record.display()
            );
            Err(Fail::Reported(code))
        }
    }
}
