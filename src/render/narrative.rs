//! Narrative sentences from figures, through minijinja templates kept under
//! `layouts/sentences/` (one `NAME.j2` a sentence), so an office can reword
//! the bulletin without touching Rust.
//!
//! Each template sees the [`Figures`] as its context and its output lands in
//! `figures.text.NAME` as a plain string: Typst receives it as data, never as
//! markup. Filters: `cn_num` (3 → 三), `cn_date` (2020-04-17 → 2020年4月17日),
//! `percent` ("21.39" → 21.39%, none → —).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use minijinja::{Error as TemplateError, Value};

pub use crate::render::filters::{cn_date, describe, environment};

use crate::derive::figures::Figures;
use crate::render::world::Layouts;
use crate::Error;

/// The sentence templates of a layouts folder, by name.
#[derive(Clone, Debug)]
pub struct Sentences {
    templates: BTreeMap<String, String>,
    dir: std::path::PathBuf,
}

pub const SENTENCES_DIR: &str = "sentences";

impl Sentences {
    /// Reads every `*.j2` of `layouts/sentences/`.
    pub fn load(layouts: &Path) -> Result<Self, Error> {
        Self::load_dir(&layouts.join(SENTENCES_DIR))
    }

    /// Reads every `*.j2` of `dir`, by file stem.
    pub fn load_dir(dir: &Path) -> Result<Self, Error> {
        let entries = fs::read_dir(dir).map_err(|err| Error::io("read", dir, err))?;
        let mut templates = BTreeMap::new();
        for entry in entries {
            let path = entry.map_err(|err| Error::io("read", dir, err))?.path();
            if path.extension().is_some_and(|e| e == "j2") {
                let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                let text = fs::read_to_string(&path).map_err(|err| Error::io("read", &path, err))?;
                templates.insert(name, text);
            }
        }
        Ok(Self { templates, dir: dir.to_owned() })
    }

    /// The `*.j2` files of `layouts/<folder>/`, as loaded with the layouts.
    pub fn from_layouts(layouts: &Layouts, folder: &str) -> Result<Self, Error> {
        let prefix = format!("/{folder}/");
        let mut templates = BTreeMap::new();
        for (path, bytes) in layouts.files() {
            let Some(name) = path.strip_prefix(&prefix).and_then(|n| n.strip_suffix(".j2")) else { continue };
            if name.contains('/') {
                continue;
            }
            let text = std::str::from_utf8(bytes).map_err(|_| Error::Template {
                path: layouts.disk_path(path),
                message: "the template is not UTF-8 text".into(),
            })?;
            templates.insert(name.to_owned(), text.to_owned());
        }
        if templates.is_empty() {
            return Err(Error::Missing { what: "sentence templates (*.j2)", path: layouts.disk_path(&prefix) });
        }
        Ok(Self { templates, dir: layouts.disk_path(&prefix) })
    }

    /// Renders every sentence into `figures.text`.
    pub fn render(&self, figures: &mut Figures) -> Result<(), Error> {
        figures.text = self.render_with(&*figures)?;
        Ok(())
    }

    /// Renders every template with `context`: each output by template name,
    /// trimmed.
    pub fn render_with(&self, context: &impl serde::Serialize) -> Result<BTreeMap<String, String>, Error> {
        let mut env = environment();
        let template_error = |name: &str, err: TemplateError| Error::Template {
            path: self.dir.join(format!("{name}.j2")),
            message: describe(&err),
        };
        for (name, source) in &self.templates {
            env.add_template(name, source).map_err(|err| template_error(name, err))?;
        }
        let context = Value::from_serialize(context);
        let mut text = BTreeMap::new();
        for name in self.templates.keys() {
            let template = env.get_template(name).map_err(|err| template_error(name, err))?;
            let rendered = template.render(&context).map_err(|err| template_error(name, err))?;
            text.insert(name.clone(), rendered.trim().to_owned());
        }
        Ok(text)
    }
}
