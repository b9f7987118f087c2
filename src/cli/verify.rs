//! `bulletin verify`: is a PDF the one the office signed?

use std::path::Path;

use super::common::Fail;

/// `ok:` and the signature's trusted comment on stdout when it is; a data
/// failure (exit code 1) when it is not.
pub fn run(pdf: &Path, pubkey: &Path, signature: Option<&Path>) -> Result<(), Fail> {
    if !pubkey.is_file() {
        return Err(Fail::operational(format!("no public key at `{}`", pubkey.display()))
            .hint("pass the office's published key with --pubkey FILE (bulletin.pub)"));
    }
    let public = bulletin::publish::signoff::public_key(pubkey)?;
    match bulletin::publish::signoff::verify(pdf, &public, signature)? {
        Ok(verified) => {
            println!("ok: {} — {}", pdf.display(), verified.trusted_comment);
            Ok(())
        }
        Err(rejection) => Err(Fail::data(format!("{} is not verified: {rejection}", pdf.display()))),
    }
}
