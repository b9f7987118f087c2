//! `bulletin keygen`: the office's key pair.

use std::path::Path;

use super::common::Fail;

/// Writes the key pair into `out`; the public key's text on stdout.
pub fn run(out: &Path) -> Result<(), Fail> {
    let (secret, public, text) = bulletin::publish::signoff::keygen(out)?;
    eprintln!("wrote {} (secret: keep it, and its password, safe)", secret.display());
    eprintln!("wrote {} (public: publish it so that units can verify)", public.display());
    print!("{text}");
    Ok(())
}
