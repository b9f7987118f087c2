//! Sign-off (issue 5): draft versus final, refusal of an incomplete final,
//! reproducible bytes across clocks and time zones, PDF/A metadata checked
//! with qpdf, pdfinfo and pdfdetach, and signatures checked both by
//! `bulletin verify` and by Debian's stock `minisign` tool.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{project, Scratch};

/// Runs the binary in `cwd` with extra environment variables.
fn run(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bulletin"));
    command.args(args).current_dir(cwd).env_remove("BULLETIN_KEY").env_remove("BULLETIN_KEY_PASSWORD");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("bulletin runs")
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A copy of 2020-03 whose month.yaml has no `signoff:` block.
fn unsigned_month(scratch: &Scratch) -> std::path::PathBuf {
    let month = scratch.path().join("2020-03");
    fs::create_dir_all(month.join("cases")).unwrap();
    let source = project().join("months/2020-03");
    for name in ["city.yaml", "units.yaml", "tickets.yaml", "cases/01-韦博教育.txt"] {
        fs::copy(source.join(name), month.join(name)).unwrap();
    }
    let text = fs::read_to_string(source.join("month.yaml")).unwrap();
    let start = text.find("signoff:").expect("a signoff block");
    let end = start + text[start..].find("\n\n").expect("a blank line after it");
    fs::write(month.join("month.yaml"), format!("{}{}", &text[..start], &text[end + 2..])).unwrap();
    month
}

#[test]
fn a_month_without_sign_off_builds_a_watermarked_draft() {
    let scratch = Scratch::new("signoff-draft");
    let month = unsigned_month(&scratch);
    let out = scratch.path().join("out");
    let output = run(
        scratch.path(),
        &[
            "build",
            month.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--layouts",
            project().join("layouts").to_str().unwrap(),
            "--fonts",
            project().join("fonts").to_str().unwrap(),
        ],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let draft = out.join("2020-03.draft.pdf");
    assert!(draft.is_file(), "no draft PDF");
    assert!(!out.join("2020-03.pdf").exists(), "a draft must not take the final's name");
    // The mark is drawn as one rotated run: read in content-stream order.
    let text = common::pdf_raw_text(&draft);
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert!(pages.len() >= 4);
    for (n, page) in pages.iter().enumerate() {
        assert!(common::squeeze(page).contains("征求意见稿"), "page {} has no draft mark", n + 1);
    }
    // No 落款 in a draft.
    assert!(!common::squeeze(&text).contains("2020年4月17日"), "a draft carries a sign-off date");

    // --final refuses it, says why, and writes nothing.
    let refused = scratch.path().join("refused");
    let output =
        run(scratch.path(), &["build", "--final", month.to_str().unwrap(), "--out", refused.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("a final bulletin needs a sign-off record, and month.yaml has none"),
        "{}",
        stderr(&output)
    );
    assert!(!refused.exists(), "--final wrote something");
}

#[test]
fn an_incomplete_record_is_named_by_final() {
    let scratch = Scratch::new("signoff-incomplete");
    let month = unsigned_month(&scratch);
    let path = month.join("month.yaml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}\nsignoff:\n  issuer: 芙蓉区“12345”市民服务热线办公室\n")).unwrap();
    let output = run(
        project(),
        &["build", "--final", month.to_str().unwrap(), "--out", scratch.path().join("out").to_str().unwrap()],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the sign-off record is incomplete: date, approved_by missing"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_final_pdf_has_no_draft_mark_and_carries_its_metadata_and_sources() {
    let out = Scratch::new("signoff-final");
    let pdf = common::build_month("2020-03", &out);
    let text = common::squeeze(&common::pdf_raw_text(&pdf));
    assert!(!text.contains("征求意见稿"), "a final bulletin carries the draft mark");
    assert!(text.contains("2020年4月17日"), "the final bulletin lacks its 落款 date");

    let check = Command::new("qpdf").arg("--check").arg(&pdf).output().expect("qpdf (Debian package qpdf) runs");
    assert!(check.status.success(), "qpdf --check failed:\n{}", String::from_utf8_lossy(&check.stdout));

    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout);
    for expected in [
        "Title:           2020年3月芙蓉区“12345”市民服务热线工作情况通报",
        "Author:          芙蓉区“12345”市民服务热线办公室",
        "Subject:         2020年3月芙蓉区“12345”市民服务热线工作情况通报",
        "Keywords:        12345, 芙蓉区, 2020-03",
        "CreationDate:    Fri Apr 17 00:00:00 2020 UTC",
        "Tagged:          yes",
    ] {
        assert!(info.contains(expected), "pdfinfo lacks `{expected}`:\n{info}");
    }
    // PDF/A-3b identification in the XMP metadata, and the language.
    let xmp = Command::new("pdfinfo").arg("-meta").arg(&pdf).output().expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&xmp.stdout);
    assert!(info.contains("<rdf:li>zh-CN</rdf:li>"), "no zh-CN language in the XMP:\n{info}");
    assert!(info.contains("<pdfaid:part>3</pdfaid:part>"), "no PDF/A part in the XMP:\n{info}");
    assert!(info.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "no PDF/A conformance in the XMP:\n{info}");

    let attached = Command::new("pdfdetach").arg("-list").arg(&pdf).output().expect("pdfdetach runs");
    let attached = String::from_utf8_lossy(&attached.stdout);
    let names = ["month.yaml", "city.yaml", "units.yaml", "tickets.yaml", "cases-01-韦博教育.txt"];
    for name in names {
        assert!(attached.lines().any(|l| l.ends_with(&format!(": {name}"))), "{name} is not attached:\n{attached}");
    }
    // Issue 12, item 18: plain names (no `source/` folder), so that the
    // stock tool saves them all, byte for byte.
    let saved = Scratch::new("signoff-detach");
    let detach =
        Command::new("pdfdetach").arg("-saveall").arg("-o").arg(saved.path()).arg(&pdf).output().expect("pdfdetach");
    assert!(detach.status.success(), "pdfdetach -saveall failed: {}", String::from_utf8_lossy(&detach.stderr));
    for name in names {
        let from_pdf = std::fs::read(saved.path().join(name)).unwrap_or_else(|_| panic!("{name} was not saved"));
        let source =
            if let Some(case) = name.strip_prefix("cases-") { format!("cases/{case}") } else { name.to_owned() };
        assert_eq!(from_pdf, std::fs::read(project().join("months/2020-03").join(source)).unwrap(), "{name} differs");
    }
}

#[test]
fn builds_are_identical_across_clocks_and_time_zones() {
    let first = Scratch::new("signoff-clock-a");
    let second = Scratch::new("signoff-clock-b");
    let a = run(
        project(),
        &["build", "months/2020-03", "--out", first.str()],
        &[("TZ", "UTC"), ("SOURCE_DATE_EPOCH", "0")],
    );
    assert!(a.status.success(), "{}", stderr(&a));
    // Another process, zone and epoch, and (through faketime) another clock.
    let b = Command::new("faketime")
        .args(["2031-07-09 23:59:30", env!("CARGO_BIN_EXE_bulletin"), "build", "months/2020-03", "--out", second.str()])
        .current_dir(project())
        .env("TZ", "Asia/Shanghai")
        .env("SOURCE_DATE_EPOCH", "1900000000")
        .output()
        .expect("faketime (Debian package faketime) runs");
    assert!(b.status.success(), "{}", stderr(&b));
    let (a_pdf, b_pdf) =
        (fs::read(first.path().join("2020-03.pdf")).unwrap(), fs::read(second.path().join("2020-03.pdf")).unwrap());
    assert!(a_pdf == b_pdf, "the PDFs differ across clocks and zones");
    // Both runs print the same digest, and it is the file's.
    let digest = bulletin::sha256_hex(&a_pdf);
    assert!(String::from_utf8_lossy(&a.stdout).starts_with(&digest), "{}", String::from_utf8_lossy(&a.stdout));
    assert!(String::from_utf8_lossy(&b.stdout).starts_with(&digest));
}

#[test]
fn signatures_verify_with_minisign_and_catch_changes_and_other_keys() {
    let scratch = Scratch::new("signoff-keys");
    let password = [("BULLETIN_KEY_PASSWORD", "correct horse")];
    let keys = scratch.path().join("keys");
    let made = run(scratch.path(), &["keygen", "--out", keys.to_str().unwrap()], &password);
    assert!(made.status.success(), "{}", stderr(&made));
    let secret = keys.join("bulletin.key");
    let public = keys.join("bulletin.pub");
    // The secret key is stored encrypted, readable by its owner only.
    let boxed =
        minisign::SecretKeyBox::from_string(&fs::read_to_string(&secret).unwrap()).expect("a minisign secret key");
    assert!(boxed.into_unencrypted_secret_key().is_err(), "the secret key opens without its password");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&secret).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // Never into a git work tree.
    let refused = run(project(), &["keygen", "--out", project().join("keys").to_str().unwrap()], &password);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("refusing to write a secret key"), "{}", stderr(&refused));
    assert!(!project().join("keys").exists());

    // Build, sign in one step with the key from the environment.
    let out = scratch.path().join("out");
    let env = [("BULLETIN_KEY", secret.to_str().unwrap()), password[0]];
    let built = run(project(), &["build", "--sign", "months/2020-03", "--out", out.to_str().unwrap()], &env);
    assert!(built.status.success(), "{}", stderr(&built));
    let pdf = out.join("2020-03.pdf");
    let signature = out.join("2020-03.pdf.minisig");
    let signature_text = fs::read_to_string(&signature).expect("a signature");
    let digest = bulletin::sha256_hex(&fs::read(&pdf).unwrap());
    assert!(
        signature_text.contains(&format!("trusted comment: bulletin district:芙蓉区 period:2020-03 sha256:{digest}")),
        "{signature_text}"
    );

    // Debian's minisign accepts it.
    let stock = Command::new("minisign")
        .args(["-V", "-m", pdf.to_str().unwrap(), "-p", public.to_str().unwrap()])
        .output()
        .expect("minisign (Debian package minisign) runs");
    assert!(
        stock.status.success(),
        "minisign -V: {}{}",
        String::from_utf8_lossy(&stock.stdout),
        String::from_utf8_lossy(&stock.stderr)
    );

    let verify = |pdf: &Path, key: &Path| {
        run(project(), &["verify", pdf.to_str().unwrap(), "--pubkey", key.to_str().unwrap()], &[])
    };
    let ok = verify(&pdf, &public);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("period:2020-03"));

    // One byte changed.
    let changed = out.join("changed.pdf");
    let mut bytes = fs::read(&pdf).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs::write(&changed, &bytes).unwrap();
    fs::copy(&signature, out.join("changed.pdf.minisig")).unwrap();
    let rejected = verify(&changed, &public);
    assert_eq!(rejected.status.code(), Some(1));
    assert!(stderr(&rejected).contains("was changed after it was signed"), "{}", stderr(&rejected));

    // Another key.
    let other_keys = scratch.path().join("other");
    assert!(run(scratch.path(), &["keygen", "--out", other_keys.to_str().unwrap()], &password).status.success());
    let rejected = verify(&pdf, &other_keys.join("bulletin.pub"));
    assert_eq!(rejected.status.code(), Some(1));
    assert!(stderr(&rejected).contains("signed with another key"), "{}", stderr(&rejected));

    // No signature at all.
    let lonely = out.join("lonely.pdf");
    fs::copy(&pdf, &lonely).unwrap();
    let rejected = verify(&lonely, &public);
    assert_eq!(rejected.status.code(), Some(1));
    assert!(stderr(&rejected).contains("no signature"), "{}", stderr(&rejected));

    // A wrong password is a clear failure, before any build.
    let wrong = [("BULLETIN_KEY", secret.to_str().unwrap()), ("BULLETIN_KEY_PASSWORD", "wrong")];
    let failed = run(project(), &["sign", "months/2020-03", "--out", out.to_str().unwrap()], &wrong);
    assert_eq!(failed.status.code(), Some(2));
    assert!(stderr(&failed).contains("wrong password"), "{}", stderr(&failed));
}

#[test]
fn the_key_is_found_where_keygen_puts_it() {
    let scratch = Scratch::new("signoff-home");
    let home = scratch.path().join("home");
    fs::create_dir_all(&home).unwrap();
    let out = scratch.path().join("out");
    let env = [("HOME", home.to_str().unwrap()), ("BULLETIN_KEY_PASSWORD", "pw")];
    let build = ["build", "--sign", "months/2020-03", "--out", out.to_str().unwrap()];

    // No key anywhere: the error says how to make one and where it goes.
    let missing = run(project(), &build, &env);
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    let expected = home.join(".config/bulletin/bulletin.key");
    assert!(stderr(&missing).contains(&format!("`{}`", expected.display())), "{}", stderr(&missing));
    assert!(!out.join("2020-03.pdf.minisig").exists());

    // Never unprotected, never into the archive of months.
    let empty = run(scratch.path(), &["keygen"], &[("HOME", home.to_str().unwrap()), ("BULLETIN_KEY_PASSWORD", "")]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("BULLETIN_KEY_PASSWORD is empty"), "{}", stderr(&empty));
    assert!(!expected.exists());
    let archive = scratch.path().join("archive");
    fs::create_dir_all(&archive).unwrap();
    fs::copy(project().join("months/registry.yaml"), archive.join("registry.yaml")).unwrap();
    let refused = run(scratch.path(), &["keygen", "--out", archive.join("keys").to_str().unwrap()], &env);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("refusing to write a secret key"), "{}", stderr(&refused));
    assert!(!archive.join("keys").exists());

    // `keygen` with no --out, then signing with no --key and no $BULLETIN_KEY.
    let made = run(scratch.path(), &["keygen"], &env);
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(expected.is_file());
    let signed = run(project(), &build, &env);
    assert!(signed.status.success(), "{}", stderr(&signed));
    let public = home.join(".config/bulletin/bulletin.pub");
    let pdf = out.join("2020-03.pdf");
    let verified = run(project(), &["verify", pdf.to_str().unwrap(), "--pubkey", public.to_str().unwrap()], &[]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    // Issue 12, item 20: without --pubkey, the public key where keygen put it.
    let verified = run(project(), &["verify", pdf.to_str().unwrap()], &env);
    assert!(verified.status.success(), "{}", stderr(&verified));
    // A PDF that is not there is named as such, not as a missing signature.
    let absent = out.join("2020-13.pdf");
    let verified = run(project(), &["verify", absent.to_str().unwrap(), "--pubkey", public.to_str().unwrap()], &[]);
    assert_eq!(verified.status.code(), Some(2));
    assert!(stderr(&verified).contains(&format!("no PDF at `{}`", absent.display())), "{}", stderr(&verified));
}

#[test]
fn a_final_replaces_the_draft_and_a_reopened_month_warns_of_the_old_final() {
    let scratch = Scratch::new("signoff-switch");
    let month = unsigned_month(&scratch);
    let out = scratch.path().join("out");
    let build = || run(project(), &["build", month.to_str().unwrap(), "--out", out.to_str().unwrap()], &[]);
    let (draft, final_pdf) = (out.join("2020-03.draft.pdf"), out.join("2020-03.pdf"));
    let unsigned = fs::read_to_string(month.join("month.yaml")).unwrap();

    assert!(build().status.success());
    assert!(draft.is_file() && !final_pdf.exists());

    // Signed off: the final supersedes the draft, which goes.
    fs::copy(project().join("months/2020-03/month.yaml"), month.join("month.yaml")).unwrap();
    let output = build();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(final_pdf.is_file());
    assert!(!draft.exists(), "the superseded draft is still there");

    // Reopened: a draft again, and the old final is named as out of date.
    fs::write(month.join("month.yaml"), &unsigned).unwrap();
    let output = build();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(draft.is_file() && final_pdf.is_file());
    let expected = format!(
        "warning: this final bulletin is from before the sign-off record was reopened; it no longer shows the month's figures\n  --> {}",
        final_pdf.display()
    );
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
}

/// A signature only ever stands beside the PDF it signs: `sign` refuses a
/// PDF that the month no longer builds (its figures changed since), and a
/// build that replaces a signed PDF removes the old signature.
#[test]
fn signatures_never_outlive_their_pdf() {
    let scratch = Scratch::new("signoff-stale");
    let password = [("BULLETIN_KEY_PASSWORD", "pw")];
    let keys = scratch.path().join("keys");
    assert!(run(scratch.path(), &["keygen", "--out", keys.to_str().unwrap()], &password).status.success());
    let month = scratch.path().join("2020-03");
    common::copy_dir(&project().join("months/2020-03"), &month);
    let out = scratch.path().join("out");
    let env = [
        ("BULLETIN_KEY", keys.join("bulletin.key").to_str().unwrap().to_owned()),
        ("BULLETIN_KEY_PASSWORD", "pw".into()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (dir, out_dir) = (month.to_str().unwrap(), out.to_str().unwrap());
    let built = run(project(), &["build", "--final", "--sign", dir, "--out", out_dir], &env);
    assert!(built.status.success(), "{}", stderr(&built));
    let signature = out.join("2020-03.pdf.minisig");
    assert!(signature.exists());

    // The figures change after the build: `sign` refuses the old PDF.
    let units = month.join("units.yaml");
    let text = fs::read_to_string(&units).unwrap().replacen("satisfied: 83", "satisfied: 80", 1);
    fs::write(&units, text).unwrap();
    fs::remove_file(&signature).unwrap();
    let signed = run(project(), &["sign", dir, "--out", out_dir], &env);
    assert_eq!(signed.status.code(), Some(1), "{}", stderr(&signed));
    assert!(stderr(&signed).contains("is not what the month builds now"), "{}", stderr(&signed));
    assert!(!signature.exists(), "a stale PDF was signed");

    // Signed again after a fresh build; then a rebuild with other figures
    // removes the signature, with a warning.
    let built = run(project(), &["build", "--final", "--sign", dir, "--out", out_dir], &env);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(signature.exists());
    let text = fs::read_to_string(&units).unwrap().replacen("satisfied: 80", "satisfied: 81", 1);
    fs::write(&units, text).unwrap();
    let rebuilt = run(project(), &["build", dir, "--out", out_dir], &[]);
    assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
    assert!(stderr(&rebuilt).contains("removed the signature of the PDF this build replaced"), "{}", stderr(&rebuilt));
    assert!(!signature.exists(), "the old signature stayed beside the new PDF");
}
