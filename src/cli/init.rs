//! `bulletin init`: a new office's archive from a bundled office.

use std::path::Path;

use super::common::Fail;

/// Creates `dir` from the bundled office `like`; prints the next steps.
pub fn run(dir: &Path, like: &str) -> Result<(), Fail> {
    let Some(office) = bulletin::edit::init::bundled(like) else {
        return Err(Fail::operational(format!(
            "no bundled office `{like}`; there are {}",
            bulletin::edit::init::names()
        )));
    };
    let month = bulletin::edit::init::init(dir, office)?;
    eprintln!("created {} from {} ({})", dir.display(), office.name, office.about);
    let mut steps = vec![
        (
            format!("bulletin build {} --out {}", month.display(), dir.join("out").display()),
            "the example month, as the office published it",
        ),
        (format!("edit {}", dir.join("bulletin.yaml").display()), "your office's names, figures and sections"),
    ];
    if office.name != "furong" {
        steps.push((format!("bulletin schema --office {}", dir.display()), "after each change to bulletin.yaml"));
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
    Ok(())
}
