//! Files written so that a reader never sees half of one: through a
//! temporary file in the same folder, synced, then renamed into place. Every
//! output of the tool (PDFs, signatures, units.yaml after an import, the
//! outbox, build records) goes through here.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Error;

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so a reader never sees a partial file and a failed write never
/// replaces a good one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|err| Error::io("create", dir, err))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(err) = result {
        let _ = fs::remove_file(&temporary);
        return Err(Error::io("write", &temporary, err));
    }
    fs::rename(&temporary, path).map_err(|err| {
        let _ = fs::remove_file(&temporary);
        Error::io("rename into place", path, err)
    })
}
