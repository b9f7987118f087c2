//! The Typst `World` of a bulletin: layouts from disk, the month's figures as
//! a virtual `/data.json`, fonts from the bundled `fonts/` folder only, and
//! "today" pinned to the issue date. Nothing here reads the clock or the
//! system's fonts, so the same inputs give the same PDF on every machine.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use walkdir::WalkDir;

use crate::Error;

/// The path under which the layouts find the month's figures.
pub const DATA_PATH: &str = "/data.json";
/// The layout that is compiled.
pub const MAIN_LAYOUT: &str = "/office.typ";

/// The bundled fonts, loaded once and shared by every build.
#[derive(Debug)]
pub struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// The code points some font covers, as sorted, disjoint, non-adjacent
    /// inclusive ranges: a lookup is a binary search, where asking each
    /// font's `Coverage` walks its runs from the start.
    coverage: Vec<(u32, u32)>,
}

impl Fonts {
    /// Loads every `.otf`, `.ttf` and `.ttc` under `dir`, in file-name
    /// order (so font indices, and hence PDFs, are stable).
    pub fn load(dir: &Path) -> Result<Self, Error> {
        if !dir.is_dir() {
            return Err(Error::Missing { what: "fonts folder", path: dir.to_owned() });
        }
        let mut fonts = Vec::new();
        let walk = WalkDir::new(dir).sort_by_file_name().into_iter();
        for entry in walk {
            let entry = entry.map_err(|err| Error::io("read", dir, err.into()))?;
            let path = entry.path();
            let is_font = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "otf" | "ttf" | "ttc"));
            if !entry.file_type().is_file() || !is_font {
                continue;
            }
            let data = fs::read(path).map_err(|err| Error::io("read", path, err))?;
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(data)));
            if fonts.len() == before {
                return Err(Error::Font { path: path.to_owned() });
            }
        }
        if fonts.is_empty() {
            return Err(Error::Missing { what: "font in the fonts folder", path: dir.to_owned() });
        }
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        let coverage = union_of_coverages(&fonts);
        Ok(Self { book, fonts, coverage })
    }

    /// Whether some bundled font has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        let c = c as u32;
        let after = self.coverage.partition_point(|&(first, _)| first <= c);
        after > 0 && c <= self.coverage[after - 1].1
    }
}

/// The code points any of `fonts` covers, as sorted, disjoint and
/// non-adjacent inclusive ranges.
fn union_of_coverages(fonts: &[Font]) -> Vec<(u32, u32)> {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for font in fonts {
        for c in font.info().coverage.iter() {
            match ranges.last_mut() {
                Some((_, last)) if c == *last + 1 => *last = c,
                _ => ranges.push((c, c)),
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (first, last) in ranges {
        match merged.last_mut() {
            Some((_, end)) if first <= end.saturating_add(1) => *end = (*end).max(last),
            _ => merged.push((first, last)),
        }
    }
    merged
}

/// The layouts folder, read once: Typst sources and other files by their
/// virtual path (`/office.typ`).
#[derive(Debug, Clone)]
pub struct Layouts {
    dir: PathBuf,
    files: BTreeMap<String, Bytes>,
}

impl Layouts {
    pub fn load(dir: &Path) -> Result<Self, Error> {
        if !dir.is_dir() {
            return Err(Error::Missing { what: "layouts folder", path: dir.to_owned() });
        }
        let mut files = BTreeMap::new();
        for entry in WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|err| Error::io("read", dir, err.into()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let relative = path.strip_prefix(dir).unwrap_or(path);
            let virtual_path = format!(
                "/{}",
                relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
            );
            let data = fs::read(path).map_err(|err| Error::io("read", path, err))?;
            files.insert(virtual_path, Bytes::new(data));
        }
        if !files.contains_key(MAIN_LAYOUT) {
            return Err(Error::Missing { what: "main layout", path: dir.join(&MAIN_LAYOUT[1..]) });
        }
        Ok(Self { dir: dir.to_owned(), files })
    }

    /// Every file by its virtual path (`/office.typ`).
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
    }

    /// The path on disk of a virtual path, for messages.
    pub fn disk_path(&self, virtual_path: &str) -> PathBuf {
        self.dir.join(virtual_path.trim_start_matches('/'))
    }
}

/// One month's compilation world.
pub struct BulletinWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a Fonts,
    layouts: &'a Layouts,
    main: FileId,
    data: Bytes,
    /// Further virtual files by path (the month's sources, `/source/…`).
    extra: BTreeMap<String, Bytes>,
    today: Datetime,
}

fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl<'a> BulletinWorld<'a> {
    /// `main` is the layout compiled (`/office.typ`); `data` the figures
    /// as JSON; `extra` more virtual files by path; `today` the date
    /// Typst's `datetime.today()` answers.
    pub fn new(
        fonts: &'a Fonts,
        layouts: &'a Layouts,
        main: &str,
        data: Vec<u8>,
        extra: BTreeMap<String, Bytes>,
        today: (i32, u8, u8),
    ) -> Result<Self, Error> {
        let main = file_id(main)
            .filter(|_| layouts.files.contains_key(main))
            .ok_or_else(|| Error::Missing { what: "layout", path: layouts.disk_path(main) })?;
        let today = Datetime::from_ymd(today.0, today.1, today.2)
            .ok_or_else(|| Error::Render { message: format!("{}-{}-{} is not a date", today.0, today.1, today.2) })?;
        Ok(Self {
            library: LazyHash::new(Library::default()),
            fonts,
            layouts,
            main,
            data: Bytes::new(data),
            extra,
            today,
        })
    }

    /// The virtual path of a file id (`/office.typ`).
    pub fn path_of(id: FileId) -> String {
        id.vpath().get_with_slash().to_owned()
    }

    fn lookup(&self, id: FileId) -> FileResult<Bytes> {
        if !matches!(id.root(), VirtualRoot::Project) {
            return Err(FileError::Other(Some("packages are not available to bulletin layouts".into())));
        }
        let path = Self::path_of(id);
        if path == DATA_PATH {
            return Ok(self.data.clone());
        }
        if let Some(bytes) = self.extra.get(&path) {
            return Ok(bytes.clone());
        }
        self.layouts.files.get(&path).cloned().ok_or_else(|| FileError::NotFound(self.layouts.disk_path(&path)))
    }
}

impl World for BulletinWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let bytes = self.lookup(id)?;
        let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_owned()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.lookup(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Shared, thread-safe handle to what every build reads.
#[derive(Debug, Clone)]
pub struct Resources {
    pub fonts: Arc<Fonts>,
    pub layouts: Arc<Layouts>,
}

#[cfg(test)]
mod tests {
    use super::Fonts;

    #[test]
    fn covers_agrees_with_each_fonts_coverage() {
        let fonts = Fonts::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts")).unwrap();
        let samples = (0..0x3_0000).step_by(5).chain([0x4E00, 0x9FFF, 0xE000, 0x10_FFFF]);
        for c in samples.filter_map(char::from_u32) {
            let expected = fonts.fonts.iter().any(|f| f.info().coverage.contains(c as u32));
            assert_eq!(fonts.covers(c), expected, "U+{:04X}", c as u32);
        }
    }
}
