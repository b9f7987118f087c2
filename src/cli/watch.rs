//! `bulletin watch`: a month rebuilt whenever its files or a layout change.

use std::path::Path;

use bulletin::BuildOptions;

use super::common::{print_failure, Fail, Format, ResourceArgs};

/// Watches until stopped; a failed build is printed and watching goes on.
pub fn run(month: &Path, out: &Path, args: &ResourceArgs, poll_ms: u64) -> Result<(), Fail> {
    if !month.is_dir() {
        return Err(Fail::operational(format!("no month folder at `{}`", month.display())));
    }
    eprintln!("watching {} and {} (Ctrl-C to stop)", month.display(), args.layouts.display());
    let stop = std::sync::atomic::AtomicBool::new(false);
    let poll = std::time::Duration::from_millis(poll_ms.max(10));
    let paths = bulletin::archive::watch::Paths { month, out, layouts: &args.layouts, fonts: &args.fonts };
    bulletin::archive::watch::watch(paths, BuildOptions::default(), poll, &stop, |event| match event {
        bulletin::archive::watch::Event::Changed(files) if !files.is_empty() => {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            eprintln!("changed: {}", names.join(", "));
        }
        bulletin::archive::watch::Event::Changed(_) => {}
        bulletin::archive::watch::Event::Built(built, elapsed) => {
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
        bulletin::archive::watch::Event::Failed(failure, elapsed) => {
            print_failure(month, failure, Format::Human);
            eprintln!("build failed after {} ms; the last good PDF is kept", elapsed.as_millis());
        }
    });
    Ok(())
}
