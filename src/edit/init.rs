//! `bulletin init DIR --like OFFICE`: a new office's archive, started from
//! one of the bundled offices. The office's definition, its example month
//! and the JSON Schemas of the month files are written into DIR, so that
//! `bulletin build DIR/months/<period>` works at once and the office then
//! edits the definition towards its own bulletin.
//!
//! The bundled offices are compiled into the binary: `init` works wherever
//! `bulletin` was installed.

use std::path::{Path, PathBuf};

use crate::definition;
use crate::source::schema::FileKind;
use crate::Error;

/// An office whose definition and example month ship with `bulletin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bundled {
    pub name: &'static str,
    /// What its bulletin shows, for `--help` and the listing.
    pub about: &'static str,
    /// The example month's folder name.
    pub month: &'static str,
    /// (path inside the archive, contents); the definition first.
    files: &'static [(&'static str, &'static str)],
}

macro_rules! bundled {
    ($root:literal, $( $path:literal ),* $(,)?) => {
        &[ $( ($path, include_str!(concat!("../../", $root, $path))) ),* ]
    };
}

pub const OFFICES: [Bundled; 3] = [
    Bundled {
        name: "furong",
        about:
            "芙蓉区 (Changsha): city ranking, unit scores and lists, categories, topic, cases, appendix score tables",
        month: "2020-03",
        files: bundled!(
            "",
            "bulletin.yaml",
            "months/registry.yaml",
            "months/2020-03/month.yaml",
            "months/2020-03/city.yaml",
            "months/2020-03/units.yaml",
            "months/2020-03/tickets.yaml",
            "months/2020-03/cases/01-韦博教育.txt",
        ),
    },
    Bundled {
        name: "xiangyin",
        about: "湘阴县: one hotline, categories with shares and 同比, grade counts, top-N units by score and volume",
        month: "2023-01",
        files: bundled!(
            "examples/offices/xiangyin/",
            "bulletin.yaml",
            "months/2023-01/month.yaml",
            "months/2023-01/figures.yaml",
            "months/2023-01/units.yaml",
            "months/2023-01/工作动态.txt",
        ),
    },
    Bundled {
        name: "ningguo",
        about: "宁国市: two channels, top three per group, hot issues with shares, an appendix table split by channel",
        month: "2022-04",
        files: bundled!(
            "examples/offices/ningguo/",
            "bulletin.yaml",
            "months/2022-04/month.yaml",
            "months/2022-04/figures.yaml",
            "months/2022-04/units.yaml",
        ),
    },
];

pub fn bundled(name: &str) -> Option<&'static Bundled> {
    OFFICES.iter().find(|o| o.name == name)
}

/// The bundled offices' names, for messages.
pub fn names() -> String {
    OFFICES.iter().map(|o| o.name).collect::<Vec<_>>().join(", ")
}

fn init_error(message: String) -> Error {
    Error::Scaffold { message }
}

/// Writes the archive of `like` into `dir` (which must be new or empty);
/// returns the example month's folder.
pub fn init(dir: &Path, like: &Bundled) -> Result<PathBuf, Error> {
    if dir.join(definition::FILE_NAME).exists() || dir.join("months").exists() {
        return Err(init_error(format!(
            "`{}` holds an office already (bulletin.yaml or months/); choose a new folder",
            dir.display()
        )));
    }
    if dir.is_file() {
        return Err(init_error(format!("`{}` is a file; name a folder to create", dir.display())));
    }
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (path, text) in like.files {
        let text = if *path == definition::FILE_NAME {
            // Beside its own schemas/ now, not the repository's.
            point_schema(text, "schemas/bulletin.schema.json")
        } else {
            (*text).to_owned()
        };
        files.push((dir.join(path), text.into_bytes()));
    }
    // The schemas the files' first lines point at: the definition's, the
    // units registry's (for `distribute`), and the month files' as the
    // definition shapes them.
    let loaded = definition::from_bytes(Path::new(definition::FILE_NAME), like.files[0].1.as_bytes());
    let found =
        loaded.definition.ok_or_else(|| init_error(format!("the bundled {} definition has errors", like.name)))?;
    let mut schemas: Vec<(String, String)> = [FileKind::Definition, FileKind::Registry]
        .iter()
        .map(|kind| (kind.schema_file_name(), crate::source::schema::file_text(kind.schema())))
        .collect();
    schemas.extend(crate::month::office_schema::files(&found));
    for (name, text) in schemas {
        files.push((dir.join("schemas").join(name), text.into_bytes()));
    }
    for (path, bytes) in &files {
        crate::fs::write_atomically(path, bytes)?;
    }
    Ok(dir.join("months").join(like.month))
}

/// The text with its first line's `$schema=` pointing at `to`.
fn point_schema(text: &str, to: &str) -> String {
    let marker = "$schema=";
    match text.split_once('\n') {
        Some((first, rest)) if first.contains(marker) => {
            let start = first.find(marker).map_or(0, |i| i + marker.len());
            format!("{}{to}\n{rest}", &first[..start])
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definition_points_at_the_schema_beside_it() {
        let text = "# yaml-language-server: $schema=../../../schemas/bulletin.schema.json\noffice: {}\n";
        assert_eq!(
            point_schema(text, "schemas/bulletin.schema.json"),
            "# yaml-language-server: $schema=schemas/bulletin.schema.json\noffice: {}\n"
        );
        assert_eq!(point_schema("office: {}\n", "x"), "office: {}\n");
    }

    #[test]
    fn every_bundled_definition_checks() {
        for office in OFFICES {
            let loaded = definition::from_bytes(Path::new("bulletin.yaml"), office.files[0].1.as_bytes());
            assert!(loaded.definition.is_some(), "{}: {:?}", office.name, loaded.diagnostics);
            assert!(office.files.iter().any(|(p, _)| p.starts_with(&format!("months/{}/", office.month))));
        }
    }
}
