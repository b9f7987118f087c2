//! Batch builds of a generated archive: every month builds; a second run
//! builds nothing; touching one month rebuilds just it; touching a layout
//! rebuilds all; a month made invalid fails alone, with exit 1 and its old
//! PDF intact.

mod common;

use std::fs;
use std::path::Path;

use common::Scratch;

fn build_all(cwd: &Path, archive: &Path, out: &Path, layouts: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "build".to_owned(),
        "--all".to_owned(),
        archive.display().to_string(),
        "--out".to_owned(),
        out.display().to_string(),
        "--layouts".to_owned(),
        layouts.display().to_string(),
        "--fonts".to_owned(),
        common::project().join("fonts").display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let output =
        std::process::Command::new(env!("CARGO_BIN_EXE_bulletin")).args(&args).current_dir(cwd).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn generated_months_are_all_valid() {
    let base = bulletin::month::validate::MonthFiles::read(&common::project().join("months/2020-03")).unwrap();
    let months = bulletin::archive::generate::generate(&base, 36);
    let mut zero_denominators = 0;
    for month in &months {
        let checked = bulletin::month::office::check_files(month, bulletin::definition::furong());
        let errors: Vec<String> = checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        assert!(errors.is_empty(), "{} is invalid:\n{}", month.name, errors.join("\n"));
        let month = checked.month.unwrap();
        let visited = |u: &bulletin::derive::engine::Record| u["visited"] == Some(bulletin::number::Ratio::ZERO);
        zero_denominators += month.output.units.iter().filter(|u| visited(u)).count();
        assert!((2..=3).contains(&month.cases["cases"].len()));
    }
    assert!(zero_denominators > 0, "no unit without follow-ups in 36 months");
}

#[test]
fn incremental_parallel_batch() {
    let scratch = Scratch::new("batch");
    let base = bulletin::month::validate::MonthFiles::read(&common::project().join("months/2020-03")).unwrap();
    let archive = scratch.path().join("archive");
    bulletin::archive::generate::write(&archive, &bulletin::archive::generate::generate(&base, 12)).unwrap();
    let layouts = scratch.path().join("layouts");
    common::copy_dir(&common::project().join("layouts"), &layouts);
    let out = scratch.path().join("out");

    let (code, stdout, stderr) = build_all(scratch.path(), &archive, &out, &layouts, &["--jobs", "2"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("12 built, 0 up to date, 0 failed"), "{stderr}");
    assert_eq!(stdout.lines().count(), 12, "one digest line a PDF:\n{stdout}");
    for i in 1..=12 {
        assert!(out.join(format!("2015-{i:02}.pdf")).is_file(), "2015-{i:02}.pdf is missing");
    }

    let digests = |stdout: &str| {
        let mut lines: Vec<String> = stdout.lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    let (code, noop_stdout, stderr) = build_all(scratch.path(), &archive, &out, &layouts, &[]);
    assert_eq!(code, 0);
    assert!(stderr.contains("0 built, 12 up to date, 0 failed"), "{stderr}");
    // Up-to-date PDFs still list their digests, for scripts that collect them.
    assert_eq!(digests(&noop_stdout), digests(&stdout));

    // One month's YAML changes: that month alone is rebuilt.
    let units = archive.join("2015-05/units.yaml");
    fs::write(&units, fs::read_to_string(&units).unwrap() + "# 修改\n").unwrap();
    let (code, stdout, stderr) = build_all(scratch.path(), &archive, &out, &layouts, &[]);
    assert_eq!(code, 0);
    assert!(stderr.contains("1 built, 11 up to date, 0 failed"), "{stderr}");
    let changed: Vec<String> = digests(&stdout).into_iter().filter(|l| !digests(&noop_stdout).contains(l)).collect();
    assert_eq!(changed.len(), 1, "{stdout}");
    assert!(changed[0].ends_with("2015-05.pdf"), "{stdout}");

    // A layout changes: everything is rebuilt.
    let style = layouts.join("style.typ");
    fs::write(&style, fs::read_to_string(&style).unwrap() + "\n// changed\n").unwrap();
    let (code, _, stderr) = build_all(scratch.path(), &archive, &out, &layouts, &[]);
    assert_eq!(code, 0);
    assert!(stderr.contains("12 built, 0 up to date, 0 failed"), "{stderr}");

    // One month breaks: it fails alone, exit 1, its old PDF intact.
    let old = fs::read(out.join("2015-07.pdf")).unwrap();
    let units = archive.join("2015-07/units.yaml");
    let text = fs::read_to_string(&units).unwrap();
    let broken = text.replacen("        visited:", "        visitd:", 1);
    fs::write(&units, broken).unwrap();
    let (code, _, stderr) = build_all(scratch.path(), &archive, &out, &layouts, &["--force"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("11 built, 0 up to date, 1 failed"), "{stderr}");
    assert!(stderr.contains("unknown key `visitd`"), "{stderr}");
    assert_eq!(fs::read(out.join("2015-07.pdf")).unwrap(), old, "the failed month's PDF changed");
}

#[test]
fn emit_typst_writes_the_project_a_month_compiles() {
    let scratch = Scratch::new("emit");
    let emit = scratch.path().join("emit");
    let output = common::bulletin(&[
        "build",
        "months/2020-03",
        "--out",
        scratch.path().join("out").to_str().unwrap(),
        "--emit-typst",
        emit.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let project = emit.join("2020-03");
    for name in
        ["office.typ", "style.typ", "data.json", "fonts.txt", "source/units.yaml", "source/cases-01-韦博教育.txt"]
    {
        assert!(project.join(name).is_file(), "{name} is missing");
    }
    let data: serde_json::Value = serde_json::from_slice(&fs::read(project.join("data.json")).unwrap()).unwrap();
    assert_eq!(data["title"], "2020年3月芙蓉区“12345”市民服务热线\n工作情况通报");
    // The appendix's second table (区直部门): its 22nd row ranks 22nd, after 21 tied.
    let departments = &data["appendices"][0]["blocks"].as_array().unwrap()[3];
    assert_eq!(departments["columns"][16]["value"], "rank");
    assert_eq!(departments["rows"][21][16], "22");
    let fonts = fs::read_to_string(project.join("fonts.txt")).unwrap();
    assert!(Path::new(fonts.trim()).join("FandolFang-Regular.otf").is_file(), "fonts.txt: {fonts}");

    // An office's month: its document and the layout that places it.
    let output = common::bulletin(&[
        "build",
        "examples/offices/ningguo/months/2022-04",
        "--out",
        scratch.path().join("out").to_str().unwrap(),
        "--emit-typst",
        emit.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("/office.typ)"), "the command names the main file: {stderr}");
    let project = emit.join("2022-04");
    for name in ["office.typ", "style.typ", "data.json", "source/units.yaml", "source/figures.yaml"] {
        assert!(project.join(name).is_file(), "{name} is missing");
    }
    let data: serde_json::Value = serde_json::from_slice(&fs::read(project.join("data.json")).unwrap()).unwrap();
    assert_eq!(data["title"], "2022年4月份12345热线留言办理情况通报");
}

/// The office definition is an input of every month it governs: editing it
/// rebuilds them, and the run names the PDFs that changed. A month whose
/// month.yaml pins the definition it was issued under stays as built; a pin
/// that names no file is an error at its line.
#[test]
fn a_definition_change_names_the_changed_pdfs_and_a_pinned_month_keeps_its_own() {
    let scratch = Scratch::new("pin");
    let base = bulletin::month::validate::MonthFiles::read(&common::project().join("months/2020-03")).unwrap();
    let archive = scratch.path().join("archive");
    bulletin::archive::generate::write(&archive, &bulletin::archive::generate::generate(&base, 3)).unwrap();
    let furong = bulletin::definition::FURONG;
    fs::create_dir_all(archive.join("definitions")).unwrap();
    fs::write(archive.join("definitions/2015.yaml"), furong).unwrap();
    fs::write(archive.join("bulletin.yaml"), furong).unwrap();
    let month_yaml = archive.join("2015-02/month.yaml");
    let pinned = fs::read_to_string(&month_yaml).unwrap() + "definition: ../definitions/2015.yaml\n";
    fs::write(&month_yaml, &pinned).unwrap();
    let layouts = common::project().join("layouts");
    let out = scratch.path().join("out");

    let (code, _, stderr) = build_all(scratch.path(), &archive, &out, &layouts, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("3 built, 0 up to date, 0 failed"), "{stderr}");
    assert!(!stderr.contains("changed"), "nothing was replaced yet: {stderr}");
    let (code, _, stderr) = build_all(scratch.path(), &archive, &out, &layouts, &["--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("unchanged: the 3 rebuilt PDFs are the same bytes"), "{stderr}");
    assert_eq!(stderr.matches("; unchanged)").count(), 3, "{stderr}");

    // The office rounds 回访满意度 to one decimal from now on.
    let edited = furong.replace("\n  satisfaction: half_up 2", "\n  satisfaction: truncate 1");
    assert_ne!(edited, furong, "the rule to edit is not in the definition");
    fs::write(archive.join("bulletin.yaml"), edited).unwrap();
    let before = fs::read(out.join("2015-02.pdf")).or_else(|_| fs::read(out.join("2015-02.draft.pdf"))).unwrap();
    let (code, _, stderr) = build_all(scratch.path(), &archive, &out, &layouts, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2 built, 1 up to date, 0 failed"), "the pinned month is rebuilt: {stderr}");
    // Each line says which input changed.
    assert_eq!(stderr.matches("; changed, as the office definition changed)").count(), 2, "{stderr}");
    let changed = stderr.lines().find(|l| l.starts_with("changed: ")).unwrap_or_else(|| panic!("{stderr}"));
    assert!(changed.contains("2015-01") && changed.contains("2015-03"), "{changed}");
    assert!(!changed.contains("2015-02") && changed.ends_with("(2 of 2 rebuilt PDFs)"), "{changed}");
    let after = fs::read(out.join("2015-02.pdf")).or_else(|_| fs::read(out.join("2015-02.draft.pdf"))).unwrap();
    assert_eq!(before, after, "the pinned month's PDF changed");

    // A pin to a file that is not there.
    fs::write(&month_yaml, pinned.replace("2015.yaml", "2014.yaml")).unwrap();
    let (code, _, stderr) = build_all(scratch.path(), &archive, &out, &layouts, &[]);
    assert_eq!(code, 1, "{stderr}");
    let line = pinned.lines().count();
    assert!(stderr.contains("error: `definition`: there is no definition file at"), "{stderr}");
    assert!(stderr.contains(&format!("2015-02/month.yaml:{line}:13")), "{stderr}");
    assert!(stderr.contains("relative to the month folder"), "{stderr}");
}
