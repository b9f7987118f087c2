//! One bad month per validation rule, each made from `months/2020-03` by one
//! small change (`tests/fixtures/invalid/<rule>/fixture.yaml`). For each:
//! `bulletin build` exits 1, prints exactly `expected.txt` on stderr, and
//! leaves the PDF that an earlier good build put at the output path
//! byte-identical, with no stray file beside it.
//!
//! `BULLETIN_UPDATE=1 cargo test --test invalid` rewrites the expected
//! texts; review their diff like code.

mod common;

use std::fs;
use std::path::Path;

use common::{project, Scratch};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    /// What the change does, for failure messages.
    rule: String,
    /// Extra arguments to `bulletin build`.
    #[serde(default)]
    args: Vec<String>,
    edits: Vec<Edit>,
}

/// One change to a file of the month: replace the one occurrence of `find`
/// (with text or bytes), write the file (text or bytes), or delete it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    find: Option<String>,
    replace: Option<String>,
    replace_hex: Option<String>,
    write: Option<String>,
    write_hex: Option<String>,
    #[serde(default)]
    delete: bool,
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digits")).collect()
}

fn apply(month: &Path, edit: &Edit) {
    let path = month.join(&edit.file);
    if edit.delete {
        if path.is_dir() {
            fs::remove_dir_all(&path).expect("delete folder");
        } else {
            fs::remove_file(&path).expect("delete file");
        }
    } else if let Some(text) = &edit.write {
        fs::write(&path, text).expect("write");
    } else if let Some(bytes) = &edit.write_hex {
        fs::write(&path, hex(bytes)).expect("write");
    } else if let Some(find) = &edit.find {
        let bytes = fs::read(&path).expect("read");
        let find = find.as_bytes();
        let positions: Vec<usize> =
            bytes.windows(find.len()).enumerate().filter(|(_, w)| *w == find).map(|(i, _)| i).collect();
        assert_eq!(positions.len(), 1, "`{}` must occur once in {}", String::from_utf8_lossy(find), edit.file);
        let replacement = match (&edit.replace, &edit.replace_hex) {
            (Some(text), None) => text.as_bytes().to_vec(),
            (None, Some(bytes)) => hex(bytes),
            _ => panic!("an edit with `find` needs `replace` or `replace_hex`"),
        };
        let at = positions[0];
        let mut changed = bytes[..at].to_vec();
        changed.extend(replacement);
        changed.extend(&bytes[at + find.len()..]);
        fs::write(&path, changed).expect("write");
    } else {
        panic!("an edit of {} does nothing", edit.file);
    }
}

#[test]
fn every_invalid_fixture_fails_with_its_diagnostics_and_keeps_the_pdf() {
    let scratch = Scratch::new("invalid");
    let good = common::build_month("2020-03", &scratch);
    let good_pdf = fs::read(&good).expect("good PDF");
    let update = std::env::var_os("BULLETIN_UPDATE").is_some();
    let layouts = project().join("layouts");
    let fonts = project().join("fonts");

    let root = project().join("tests/fixtures/invalid");
    let mut rules: Vec<_> = fs::read_dir(&root).expect("fixtures").flatten().map(|e| e.path()).collect();
    rules.sort();
    assert!(rules.len() >= 40, "only {} invalid fixtures", rules.len());

    let mut failures = Vec::new();
    for dir in &rules {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let fixture: Fixture =
            serde_yaml::from_str(&fs::read_to_string(dir.join("fixture.yaml")).expect("fixture.yaml"))
                .unwrap_or_else(|err| panic!("{name}/fixture.yaml: {err}"));
        let work = scratch.path().join(&name);
        let month = work.join("2020-03");
        common::copy_dir(&project().join("months/2020-03"), &month);
        for edit in &fixture.edits {
            apply(&month, edit);
        }
        let out = work.join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("2020-03.pdf"), &good_pdf).unwrap();

        let mut args = vec!["build", "2020-03", "--out", "out"];
        let (layouts, fonts) = (layouts.to_str().unwrap(), fonts.to_str().unwrap());
        args.extend(["--layouts", layouts, "--fonts", fonts]);
        args.extend(fixture.args.iter().map(String::as_str));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(&args)
            .current_dir(&work)
            .output()
            .expect("bulletin runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();

        let expected_path = dir.join("expected.txt");
        if update {
            fs::write(&expected_path, &stderr).unwrap();
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        let mut problems = Vec::new();
        if output.status.code() != Some(1) {
            problems.push(format!("exit code {:?}, expected 1", output.status.code()));
        }
        if stderr != expected {
            problems
                .push(format!("stderr differs from expected.txt:\n--- got ---\n{stderr}--- expected ---\n{expected}"));
        }
        if fs::read(out.join("2020-03.pdf")).ok().as_deref() != Some(good_pdf.as_slice()) {
            problems.push("the good PDF was changed".into());
        }
        let files: Vec<_> = fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name()).collect();
        if files != ["2020-03.pdf"] {
            problems.push(format!("the output folder holds {files:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{name} ({}):\n{}", fixture.rule, problems.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{} of {} fixtures failed:\n\n{}", failures.len(), rules.len(), failures.join("\n\n"));
}
