//! Sign-off: the office's key pair and detached minisign signatures of
//! final bulletins, so that a member unit can check that the PDF it holds
//! is the one the office signed.
//!
//! The signature (`2020-03.pdf.minisig`, minisign's format, verifiable with
//! the stock `minisign -V` tool) carries a trusted comment with the
//! district, the period and the PDF's SHA-256. The secret key is
//! password-protected and never written into a git work tree or a month
//! folder.

use std::fmt;
use std::io::{Cursor, IsTerminal};
use std::path::{Path, PathBuf};

use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};

use crate::fs::write_atomically;
use crate::{sha256_hex, Error};

/// Where the secret key and its password come from when no flag says.
pub const KEY_ENV: &str = "BULLETIN_KEY";
pub const PASSWORD_ENV: &str = "BULLETIN_KEY_PASSWORD";
pub const SECRET_KEY_FILE: &str = "bulletin.key";
pub const PUBLIC_KEY_FILE: &str = "bulletin.pub";

fn signing_error(message: impl Into<String>) -> Error {
    Error::Signing { message: message.into() }
}

/// The password from `BULLETIN_KEY_PASSWORD`, or `None` to let minisign
/// prompt for it without echo; refuses to wait for a prompt nobody can
/// answer.
fn password() -> Result<Option<String>, Error> {
    match std::env::var(PASSWORD_ENV) {
        Ok(password) => Ok(Some(password)),
        Err(_) if std::io::stdin().is_terminal() => Ok(None),
        Err(_) => Err(signing_error(format!(
            "the key's password is needed and there is no terminal to ask on: set {PASSWORD_ENV}"
        ))),
    }
}

/// Whether `dir` (or a folder above it) is a git work tree or a month
/// folder, where a secret key must never be written.
fn forbidden_key_place(dir: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(dir).ok()?;
    absolute
        .ancestors()
        .find(|a| a.join(".git").exists() || a.join("month.yaml").is_file() || a.join("registry.yaml").is_file())
        .map(Path::to_owned)
}

/// Makes a password-protected key pair in `dir`: `bulletin.key` (secret)
/// and `bulletin.pub` (public). Returns the public key's paths and text.
pub fn keygen(dir: &Path) -> Result<(PathBuf, PathBuf, String), Error> {
    if let Some(place) = forbidden_key_place(dir) {
        return Err(signing_error(format!(
            "refusing to write a secret key under `{}`, which is a git work tree, a month folder or the \
             archive of months; choose a folder of your own (e.g. ~/.config/bulletin)",
            place.display()
        )));
    }
    let secret_path = dir.join(SECRET_KEY_FILE);
    let public_path = dir.join(PUBLIC_KEY_FILE);
    if secret_path.exists() {
        return Err(signing_error(format!(
            "`{}` exists already; move it away first (a lost key cannot be recovered, a replaced one invalidates published signatures)",
            secret_path.display()
        )));
    }
    let password = password()?;
    if password.as_deref().is_some_and(str::is_empty) {
        return Err(signing_error(format!(
            "{PASSWORD_ENV} is empty: the secret key would be stored unprotected; set a password"
        )));
    }
    let pair = KeyPair::generate_encrypted_keypair(password).map_err(|e| signing_error(e.to_string()))?;
    let secret = pair.sk.to_box(Some("bulletin secret key")).map_err(|e| signing_error(e.to_string()))?;
    let public = pair.pk.to_box().map_err(|e| signing_error(e.to_string()))?;
    std::fs::create_dir_all(dir).map_err(|err| Error::io("create", dir, err))?;
    write_atomically(&secret_path, secret.to_string().as_bytes())?;
    restrict_permissions(&secret_path)?;
    let public_text = public.to_string();
    write_atomically(&public_path, public_text.as_bytes())?;
    Ok((secret_path, public_path, public_text))
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|err| Error::io("protect", path, err))
}

#[cfg(not(unix))]
fn restrict_permissions(_: &Path) -> Result<(), Error> {
    Ok(())
}

/// Where `keygen` puts the key pair unless told otherwise, and where the
/// secret key is looked for last: `~/.config/bulletin`.
pub fn default_key_dir() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    home.join(".config").join("bulletin")
}

/// The secret key from `--key PATH`, from `BULLETIN_KEY` (a path, or the
/// key file's text itself), or from where `keygen` writes it by default;
/// decrypted with the password.
pub fn secret_key(flag: Option<&Path>) -> Result<SecretKey, Error> {
    let read = |path: &Path| std::fs::read_to_string(path).map_err(|err| Error::io("read the key", path, err));
    let default = default_key_dir().join(SECRET_KEY_FILE);
    let text = match (flag, std::env::var(KEY_ENV)) {
        (Some(path), _) => read(path)?,
        (None, Ok(value)) if value.trim_start().starts_with("untrusted comment:") => value,
        (None, Ok(path)) => read(Path::new(&path))?,
        (None, Err(_)) if default.is_file() => read(&default)?,
        (None, Err(_)) => {
            return Err(signing_error(format!(
                "no signing key: pass --key PATH, set {KEY_ENV}, or make one with `bulletin keygen` \
                 (it goes to `{}`, where it is found without either)",
                default.display()
            )))
        }
    };
    let secret =
        SecretKeyBox::from_string(&text).map_err(|e| signing_error(format!("not a minisign secret key: {e}")))?;
    secret
        .into_secret_key(password()?)
        .map_err(|e| signing_error(format!("cannot open the secret key (wrong password?): {e}")))
}

/// Signs `pdf` into `<pdf>.minisig`; returns the signature's path.
pub fn sign(pdf: &Path, key: &SecretKey, district: &str, period: &str) -> Result<PathBuf, Error> {
    let bytes = std::fs::read(pdf).map_err(|err| Error::io("read", pdf, err))?;
    let signature = sign_bytes(&bytes, key, &format!("bulletin district:{district} period:{period}"))?;
    let path = signature_path(pdf);
    write_atomically(&path, signature.as_bytes())?;
    Ok(path)
}

/// A minisign signature of `bytes` (the text of a `.minisig` file) whose
/// trusted comment is `what` followed by ` sha256:<the bytes' SHA-256>`,
/// the form `verify` checks.
pub fn sign_bytes(bytes: &[u8], key: &SecretKey, what: &str) -> Result<String, Error> {
    sign_or_reuse(bytes, key, what, None)
}

/// Like [`sign_bytes`], but returns `previous` (the text of an earlier
/// signature) when it still signs these bytes with this key and comment.
/// minisign's signatures are hedged (random noise in every signature), so
/// signing again would change the file; reusing keeps a redone output
/// byte-identical when its content did not change.
pub fn sign_or_reuse(bytes: &[u8], key: &SecretKey, what: &str, previous: Option<&str>) -> Result<String, Error> {
    let comment = format!("{what} sha256:{}", sha256_hex(bytes));
    let public = PublicKey::from_secret_key(key).map_err(|e| signing_error(e.to_string()))?;
    if let Some(signature) = previous.and_then(|text| SignatureBox::from_string(text).ok()) {
        let same_key = signature.keynum() == public.keynum();
        let same_comment = signature.trusted_comment().is_ok_and(|c| c == comment);
        if same_key
            && same_comment
            && minisign::verify(&public, &signature, Cursor::new(bytes), true, false, false).is_ok()
        {
            return Ok(previous.unwrap_or_default().to_owned());
        }
    }
    let signature = minisign::sign(Some(&public), key, Cursor::new(bytes), Some(&comment), Some("bulletin signature"))
        .map_err(|e| signing_error(e.to_string()))?;
    Ok(signature.to_string())
}

/// `2020-03.pdf` → `2020-03.pdf.minisig`.
pub fn signature_path(pdf: &Path) -> PathBuf {
    let mut name = pdf.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".minisig");
    pdf.with_file_name(name)
}

/// Why a PDF failed verification.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    /// No signature file next to the PDF.
    MissingSignature(PathBuf),
    /// The signature file is not a minisign signature.
    MalformedSignature(String),
    /// Signed with a key other than the one given.
    OtherKey,
    /// The PDF's bytes are not the ones signed.
    Modified,
    /// The trusted comment does not name the PDF's SHA-256.
    CommentMismatch,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature(path) => write!(f, "no signature: `{}` does not exist", path.display()),
            Self::MalformedSignature(why) => write!(f, "the signature file is not a minisign signature ({why})"),
            Self::OtherKey => write!(f, "the file was signed with another key than the public key given"),
            Self::Modified => {
                write!(f, "the file was changed after it was signed: its bytes do not match the signature")
            }
            Self::CommentMismatch => {
                write!(f, "the signature's trusted comment names another SHA-256 than the file's")
            }
        }
    }
}

/// A verified PDF: its signature's trusted comment.
#[derive(Debug)]
pub struct Verified {
    pub trusted_comment: String,
}

/// Reads a public key file (or its text).
pub fn public_key(path: &Path) -> Result<PublicKey, Error> {
    let text = std::fs::read_to_string(path).map_err(|err| Error::io("read the public key", path, err))?;
    let parsed = PublicKeyBox::from_string(&text)
        .and_then(PublicKeyBox::into_public_key)
        .or_else(|_| PublicKey::from_base64(text.trim()));
    parsed.map_err(|e| signing_error(format!("`{}` is not a minisign public key: {e}", path.display())))
}

/// Verifies `pdf` against its signature (default `<pdf>.minisig`).
pub fn verify(pdf: &Path, public: &PublicKey, signature: Option<&Path>) -> Result<Result<Verified, Rejection>, Error> {
    if !pdf.is_file() {
        return Err(Error::Missing { what: "PDF", path: pdf.to_owned() });
    }
    let signature_file = signature.map_or_else(|| signature_path(pdf), Path::to_owned);
    if !signature_file.is_file() {
        return Ok(Err(Rejection::MissingSignature(signature_file)));
    }
    let text = std::fs::read_to_string(&signature_file).map_err(|err| Error::io("read", &signature_file, err))?;
    let signature = match SignatureBox::from_string(&text) {
        Ok(signature) => signature,
        Err(e) => return Ok(Err(Rejection::MalformedSignature(e.to_string()))),
    };
    let bytes = std::fs::read(pdf).map_err(|err| Error::io("read", pdf, err))?;
    if signature.keynum() != public.keynum() {
        return Ok(Err(Rejection::OtherKey));
    }
    if minisign::verify(public, &signature, Cursor::new(&bytes), true, false, false).is_err() {
        return Ok(Err(Rejection::Modified));
    }
    let trusted_comment = signature.trusted_comment().map_err(|e| signing_error(e.to_string()))?;
    if !trusted_comment.ends_with(&format!("sha256:{}", sha256_hex(&bytes))) {
        return Ok(Err(Rejection::CommentMismatch));
    }
    Ok(Ok(Verified { trusted_comment }))
}
