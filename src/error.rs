//! Operational failures: the tool could not do its work (a file it could not
//! read or write, a font it could not load, a layout that does not compile).
//! Data problems are [`crate::diag::Diagnostic`]s instead.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Error {
    /// An I/O operation on `path` failed.
    Io { action: &'static str, path: PathBuf, source: io::Error },
    /// Something the build needs is not there.
    Missing { what: &'static str, path: PathBuf },
    /// A font file holds no usable font.
    Font { path: PathBuf },
    /// A sentence template failed.
    Template { path: PathBuf, message: String },
    /// The Typst layout failed to compile or warned; one line per message.
    Layout { messages: Vec<String> },
    /// PDF export or another rendering step failed.
    Render { message: String },
    /// The office's signing system did not seal the OFD edition.
    Seal { message: String },
    /// Making keys or signatures failed.
    Signing { message: String },
    /// A new month could not be scaffolded.
    Scaffold { message: String },
    /// A spreadsheet could not be imported.
    Import { path: PathBuf, message: String },
    /// A message could not be built or sent.
    Mail { message: String },
}

impl Error {
    pub fn io(action: &'static str, path: &Path, source: io::Error) -> Self {
        Self::Io { action, path: path.to_owned(), source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { action, path, source } => write!(f, "failed to {action} `{}` ({source})", path.display()),
            Self::Missing { what, path } => {
                write!(f, "no {what} at `{}`", path.display())?;
                if matches!(*what, "layouts folder" | "fonts folder") {
                    write!(f, " (run bulletin in the project folder, or pass --layouts DIR and --fonts DIR)")?;
                }
                Ok(())
            }
            Self::Font { path } => write!(f, "`{}` holds no font that Typst can read", path.display()),
            Self::Template { path, message } => write!(f, "sentence template `{}` failed: {message}", path.display()),
            Self::Layout { messages } => {
                write!(f, "the layout did not compile cleanly")?;
                for message in messages {
                    write!(f, "\n  {message}")?;
                }
                Ok(())
            }
            Self::Render { message } => write!(f, "rendering failed: {message}"),
            Self::Seal { message } => write!(f, "sealing failed: {message}"),
            Self::Signing { message } | Self::Scaffold { message } | Self::Mail { message } => write!(f, "{message}"),
            Self::Import { path, message } => write!(f, "`{}`: {message}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
