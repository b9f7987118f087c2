//! Templates kept with the layouts (one `NAME.j2` a text, e.g. the unit
//! mail's `layouts/office-mail/subject.j2` and `body.j2`), so that an
//! office can reword them without touching Rust. Each renders to a plain
//! string: Typst and the mail receive it as data, never as markup. Filters:
//! `cn_num` (3 → 三), `cn_date` (2020-04-17 → 2020年4月17日), `percent`
//! ("21.39" → 21.39%, none → —).

use std::collections::BTreeMap;

use minijinja::{Error as TemplateError, Value};

pub use crate::render::filters::{cn_date, describe, environment};

use crate::render::world::Layouts;
use crate::Error;

/// The sentence templates of a layouts folder, by name.
#[derive(Clone, Debug)]
pub struct Sentences {
    templates: BTreeMap<String, String>,
    dir: std::path::PathBuf,
}

impl Sentences {
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
