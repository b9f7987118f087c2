//! Distribution (issue 7): a packet per unit with the signed bulletin and a
//! one-page unit sheet, a signed manifest whose digests match the files,
//! an outbox of messages that Python's `email` module parses back, and
//! delivery to a real SMTP server (aiosmtpd) that resumes after the server
//! goes away midway.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use common::{pdf_text, project, squeeze, Scratch};
use serde_json::Value;

const PASSWORD: &str = "distribution test";

/// Runs the binary in `cwd`; `build` and `distribute` with the layouts and
/// fonts of the project.
fn run(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bulletin"));
    command.args(args);
    if matches!(args.first(), Some(&"build" | &"distribute")) {
        command
            .args(["--layouts", project().join("layouts").to_str().unwrap()])
            .args(["--fonts", project().join("fonts").to_str().unwrap()]);
    }
    command
        .current_dir(cwd)
        .env_remove("BULLETIN_KEY")
        .env_remove("BULLETIN_SMTP_USER")
        .env_remove("BULLETIN_SMTP_PASSWORD")
        .env("BULLETIN_KEY_PASSWORD", PASSWORD);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("bulletin runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Makes a key pair in `keys` (password [`PASSWORD`]).
fn keygen(keys: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["keygen", "--out", keys.to_str().unwrap()])
        .env("BULLETIN_KEY_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(output.status.success(), "keygen: {}", stderr(&output));
}

/// A scratch archive: `months/2020-03` and `months/registry.yaml` copied
/// from the project (the registry edited by `edit`), and a key pair.
struct Archive {
    scratch: Scratch,
}

impl Archive {
    fn new(name: &str, edit: impl FnOnce(String) -> String) -> Self {
        let scratch = Scratch::new(name);
        let months = scratch.path().join("months");
        common::copy_dir(&project().join("months/2020-03"), &months.join("2020-03"));
        let registry = fs::read_to_string(project().join("months/registry.yaml")).unwrap();
        fs::write(months.join("registry.yaml"), edit(registry)).unwrap();
        keygen(&scratch.path().join("keys"));
        Self { scratch }
    }

    fn root(&self) -> &Path {
        self.scratch.path()
    }

    fn distribute(&self, extra: &[&str]) -> Output {
        let key = self.root().join("keys/bulletin.key");
        let mut args = vec!["distribute", "months/2020-03", "--key", key.to_str().unwrap()];
        args.extend(extra);
        run(self.root(), &args, &[])
    }

    fn dist(&self) -> PathBuf {
        self.root().join("dist/2020-03")
    }

    /// A new archive, distributed once.
    fn distributed(name: &str) -> Self {
        let archive = Self::new(name, |text| text);
        let output = archive.distribute(&[]);
        assert!(output.status.success(), "distribute failed:\n{}", stderr(&output));
        archive
    }
}

/// One distribution of 2020-03 shared by the tests that only read it.
fn distributed() -> &'static Archive {
    static ARCHIVE: OnceLock<Archive> = OnceLock::new();
    ARCHIVE.get_or_init(|| Archive::distributed("distribute"))
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Unit ids of units.yaml with their group's name, full name and score, in
/// file order, read with a plain YAML parse.
fn units() -> Vec<(String, String, String, String)> {
    let text = fs::read_to_string(project().join("months/2020-03/units.yaml")).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mut out = Vec::new();
    for group in yaml["groups"].as_sequence().unwrap() {
        for unit in group["units"].as_sequence().unwrap() {
            let score = match &unit["score"] {
                serde_yaml::Value::Number(n) => n.to_string(),
                other => panic!("score {other:?}"),
            };
            out.push((
                unit["id"].as_str().unwrap().to_owned(),
                group["name"].as_str().unwrap().to_owned(),
                unit["name"].as_str().unwrap().to_owned(),
                score,
            ));
        }
    }
    out
}

/// The text of a unit's sheet in `dist/<period>`, white space removed.
fn sheet_text(dir: &Path, id: &str) -> String {
    let period = dir.file_name().unwrap().to_str().unwrap();
    squeeze(&pdf_text(&dir.join(id).join(format!("{period}-{id}.pdf"))))
}

fn pages(pdf: &Path) -> usize {
    let output = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().find(|l| l.starts_with("Pages:")).expect("a Pages line");
    line.split_whitespace().last().unwrap().parse().unwrap()
}

#[test]
fn every_unit_gets_a_folder_with_the_signed_bulletin_and_a_one_page_sheet() {
    let archive = distributed();
    let dir = archive.dist();
    let ids: Vec<String> = units().into_iter().map(|u| u.0).collect();
    assert_eq!(ids.len(), 43);
    let folders: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut expected: BTreeSet<String> = ids.iter().cloned().collect();
    expected.insert("outbox".into());
    assert_eq!(folders, expected);

    // The bulletin is the one `build --final` makes, in every folder.
    let out = archive.root().join("out");
    let built = run(archive.root(), &["build", "months/2020-03", "--final", "--out", out.to_str().unwrap()], &[]);
    assert!(built.status.success(), "{}", stderr(&built));
    let bulletin = fs::read(out.join("2020-03.pdf")).unwrap();
    let public = archive.root().join("keys/bulletin.pub");
    for id in &ids {
        let unit = dir.join(id);
        let mut names: Vec<String> =
            fs::read_dir(&unit).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        let sheet = format!("2020-03-{id}.pdf");
        assert_eq!(
            names,
            vec![sheet.clone(), format!("{sheet}.minisig"), "2020-03.pdf".into(), "2020-03.pdf.minisig".into()]
        );
        assert!(fs::read(unit.join("2020-03.pdf")).unwrap() == bulletin, "{id}: bulletin differs from build --final");
        assert_eq!(pages(&unit.join(&sheet)), 1, "{id}: the sheet is not one page");
        for pdf in [unit.join("2020-03.pdf"), unit.join(&sheet)] {
            let verified =
                run(archive.root(), &["verify", pdf.to_str().unwrap(), "--pubkey", public.to_str().unwrap()], &[]);
            assert!(verified.status.success(), "{}: {}", pdf.display(), stderr(&verified));
        }
    }
    let sheet = dir.join("mapoling/2020-03-mapoling.pdf");
    let trusted = String::from_utf8_lossy(
        &run(archive.root(), &["verify", sheet.to_str().unwrap(), "--pubkey", public.to_str().unwrap()], &[]).stdout,
    )
    .into_owned();
    assert!(trusted.contains("period:2020-03 unit:mapoling sha256:"), "{trusted}");
}

/// Competition rank of `score` among `scores`: 1 + the number higher.
fn rank(score: &str, scores: &[&str]) -> usize {
    let value = |s: &str| (s.parse::<f64>().unwrap() * 100.0).round() as i64;
    1 + scores.iter().filter(|s| value(s) > value(score)).count()
}

#[test]
fn each_sheet_shows_the_units_own_figures_and_rank() {
    let dir = distributed().dist();
    let mapoling = sheet_text(&dir, "mapoling");
    for expected in [
        "马坡岭街道2020年3月“12345”市民服务热线工作情况",
        "马坡岭街道总分69.4分（满分70分），在街道组14个单位中排名第10位，距满分差0.6分。",
        "扣分相关指标：回访不满意3件。",
        "回访满意度96.51%，低于97%",
        "不满意工单3件，占全区不满意工单的30%",
        "回访工单总数86",
        "回访满意数83",
    ] {
        assert!(mapoling.contains(expected), "mapoling sheet lacks {expected}:\n{mapoling}");
    }
    let canlian = sheet_text(&dir, "canlian");
    // 残联 and 公共工程建设中心 share rank 28: 并列.
    assert!(canlian.contains("在区直部门组29个单位中排名并列第28位"), "{canlian}");
    assert!(canlian.contains("组内排名28/29"), "{canlian}");

    // Every sheet: its own name and its rank, as counted here from units.yaml.
    let all = units();
    for (id, group, name, score) in &all {
        let scores: Vec<&str> = all.iter().filter(|u| &u.1 == group).map(|u| u.3.as_str()).collect();
        let text = sheet_text(&dir, id);
        let tied = scores.iter().filter(|s| *s == score).count() > 1;
        let expected = format!(
            "在{group}组{}个单位中排名{}第{}位",
            scores.len(),
            if tied { "并列" } else { "" },
            rank(score, &scores)
        );
        assert!(text.contains(name.as_str()), "{id}: no {name}");
        assert!(text.contains(&expected), "{id}: no {expected}:\n{text}");
        let full = score == "70";
        assert_eq!(text.contains("为满分"), full, "{id}: full marks {score}");
    }

    // A unit on the well-performing list, one with several figures that cost points.
    let bulletin = squeeze(&pdf_text(&dir.join("dingwangtai/2020-03.pdf")));
    let well = all.iter().find(|u| bulletin.contains(&format!("{}、", u.2)) && u.3 == "70").expect("a listed unit");
    let text = sheet_text(&dir, &well.0);
    assert!(text.contains("列入本期通报“12345”市民服务热线工作完成度较好单位名单"), "{}: {text}", well.0);
    let renshe = sheet_text(&dir, "renshe");
    assert!(renshe.contains("扣分相关指标：未及时退回1件、未按时办结2件、发回重办1件、回访不满意1件。"), "{renshe}");
}

#[test]
fn the_manifest_lists_every_file_with_its_digest_and_is_signed() {
    let archive = distributed();
    let dir = archive.dist();
    let manifest = manifest(&dir);
    let units = manifest["units"].as_array().unwrap();
    assert_eq!(units.len(), 43);
    assert_eq!(manifest["period"], "2020-03");
    let mut listed = 0;
    for unit in units {
        assert!(!unit["recipients"].as_array().unwrap().is_empty());
        let files: Vec<&Value> = unit["files"].as_array().unwrap().iter().chain([&unit["message"]]).collect();
        assert_eq!(files.len(), 5);
        for file in files {
            let bytes = fs::read(dir.join(file["path"].as_str().unwrap())).unwrap();
            assert_eq!(file["bytes"].as_u64().unwrap() as usize, bytes.len(), "{file}");
            assert_eq!(file["sha256"].as_str().unwrap(), bulletin::sha256_hex(&bytes), "{file}");
            listed += 1;
        }
    }
    // The CSV has the same rows (a BOM first, for Excel and WPS).
    let csv = fs::read_to_string(dir.join("manifest.csv")).unwrap();
    let csv = csv.strip_prefix('\u{feff}').expect("a UTF-8 BOM");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), listed);
    for row in &rows {
        let bytes = fs::read(dir.join(&row[3])).unwrap();
        assert_eq!(&row[4], bulletin::sha256_hex(&bytes));
    }
    // Both manifests are signed; Debian's minisign agrees.
    let public = archive.root().join("keys/bulletin.pub");
    for name in ["manifest.json", "manifest.csv"] {
        let output = Command::new("minisign")
            .args(["-V", "-p", public.to_str().unwrap(), "-m", dir.join(name).to_str().unwrap()])
            .output()
            .expect("minisign (Debian package minisign) must be installed for this test");
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

/// Parses every message of the outbox with Python's `email` module: per
/// file, its recipients, subject, body and attachments (name, SHA-256).
fn parse_outbox(outbox: &Path) -> BTreeMap<String, Value> {
    let script = r#"
import email, email.policy, hashlib, json, pathlib, sys
out = {}
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.eml")):
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    out[path.stem] = {
        "to": [a.addr_spec for a in message["To"].addresses],
        "from": message["From"].addresses[0].addr_spec,
        "subject": str(message["Subject"]),
        "date": str(message["Date"]),
        "body": message.get_body(preferencelist=("plain",)).get_content(),
        "attachments": {part.get_filename(): hashlib.sha256(part.get_payload(decode=True)).hexdigest()
                        for part in message.iter_attachments()},
    }
print(json.dumps(out))
"#;
    let output = Command::new("python3").args(["-c", script]).arg(outbox).output().expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn outbox_messages_parse_back_with_their_recipients_and_attachments() {
    let dir = distributed().dist();
    let parsed = parse_outbox(&dir.join("outbox"));
    assert_eq!(parsed.len(), 43);
    let registry: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(project().join("months/registry.yaml")).unwrap()).unwrap();
    for unit in registry["units"].as_sequence().unwrap() {
        let id = unit["id"].as_str().unwrap();
        let message = &parsed[id];
        let recipients: Vec<&str> =
            unit["recipients"].as_sequence().unwrap().iter().map(|r| r["email"].as_str().unwrap()).collect();
        assert_eq!(message["to"], serde_json::json!(recipients), "{id}");
        assert_eq!(message["from"], "rexian@example.com");
        let name = unit["name"].as_str().unwrap();
        assert_eq!(message["subject"], format!("2020年3月芙蓉区“12345”市民服务热线工作情况通报（{name}）"));
        assert_eq!(message["date"], "Fri, 17 Apr 2020 01:00:00 +0000", "{id}: the sign-off day");
        assert!(message["body"].as_str().unwrap().starts_with(&format!("{name}：")), "{id}");
        let attachments = message["attachments"].as_object().unwrap();
        let names: BTreeSet<&str> = attachments.keys().map(String::as_str).collect();
        let sheet = format!("2020-03-{id}.pdf");
        let sheet_signature = format!("{sheet}.minisig");
        let expected: BTreeSet<&str> =
            ["2020-03.pdf", "2020-03.pdf.minisig", sheet.as_str(), sheet_signature.as_str()].into();
        assert_eq!(names, expected, "{id}");
        for (name, digest) in attachments {
            let bytes = fs::read(dir.join(id).join(name)).unwrap();
            assert_eq!(digest.as_str().unwrap(), bulletin::sha256_hex(&bytes), "{id}: {name}");
        }
    }
}

/// Every file under `dir` by its relative path, but the delivery record.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != "sent.json")
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn distributing_again_gives_the_same_bytes() {
    // Run again (on one thread this time): every file is the same, the
    // signatures included (still valid, so kept).
    let archive = Archive::distributed("distribute-again");
    let first = files(&archive.dist());
    assert_eq!(first.len(), 43 * 5 + 4);
    let output = archive.distribute(&["--jobs", "1"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let second = files(&archive.dist());
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
    for (name, bytes) in &first {
        assert!(&second[name] == bytes, "{name} differs between two runs");
    }
    // Another office key, another run elsewhere: the same PDFs.
    let other = files(&distributed().dist());
    for (name, bytes) in first.iter().filter(|(name, _)| name.ends_with(".pdf")) {
        assert!(&other[name] == bytes, "{name} differs between two archives");
    }
}

#[test]
fn a_draft_is_not_distributed() {
    let archive = Archive::new("distribute-draft", |text| text);
    let month = archive.root().join("months/2020-03/month.yaml");
    let text = fs::read_to_string(&month).unwrap();
    fs::write(&month, text.replace("  approved_by:", "  # approved_by:")).unwrap();
    let output = archive.distribute(&[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("this month is a draft (征求意见稿): only a final bulletin is distributed"), "{message}");
    assert!(message.contains("lacks approved_by"), "{message}");
    assert!(!archive.root().join("dist").exists(), "a refused draft wrote files");

    // A new month, signed off by nobody and its figures blank: refused for
    // that alone, not with every blank figure.
    let new = run(archive.root(), &["new", "2020-04"], &[]);
    assert!(new.status.success(), "{}", stderr(&new));
    let key = archive.root().join("keys/bulletin.key");
    let output = run(archive.root(), &["distribute", "months/2020-04", "--key", key.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("the sign-off record has no date"), "{message}");
    assert_eq!(message.matches("error:").count(), 1, "one error: {message}");
}

#[test]
fn registry_problems_name_the_file_line_and_field() {
    let archive = Archive::new("distribute-registry", |text| {
        text.replacen("mapoling@example.com", "mapoling＠example.com", 1)
            .replacen("dongtundu@example.com", "dongtundu@example", 1)
            .replacen("- name: 定王台街道热线联络员", "- name: \"定王台\\n联络员\"", 1)
            .replacen("  - id: canlian\n", "  - id: canlain\n", 1)
            .replacen(
                "- id: dongtundu\n    name: 东屯渡街道",
                "- id: dongtundu\n    name: 东屯渡街道\n    recipients: []\n  - id: dongtundu2\n    name: 东屯渡",
                1,
            )
    });
    let output = archive.distribute(&["--format", "short"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    let registry = fs::read_to_string(archive.root().join("months/registry.yaml")).unwrap();
    let line_of = |needle: &str| registry.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let expect = [
        format!(
            "months/registry.yaml:{}:16: error: `mapoling＠example.com` is not an e-mail address",
            line_of("mapoling＠")
        ),
        format!("months/registry.yaml:{}:17: error: the unit has no recipients", line_of("recipients: []")),
        format!(
            "months/registry.yaml:{}:16: warning: `dongtundu@example` has no dot in its domain: is `.com`, `.cn` or `.gov.cn` missing?",
            line_of("dongtundu@example")
        ),
        format!(
            "months/registry.yaml:{}:15: error: the recipient's name has a line break or another control character",
            line_of("定王台\\n联络员")
        ),
    ];
    for expected in &expect {
        assert!(message.contains(expected.as_str()), "missing {expected}:\n{message}");
    }
    assert!(!archive.root().join("dist").exists());

    // With the addresses fixed, the ids are checked against the months.
    let path = archive.root().join("months/registry.yaml");
    let fixed = registry
        .replace("mapoling＠example.com", "mapoling@example.com")
        .replace("定王台\\n联络员", "定王台联络员")
        .replace("    recipients: []\n", "    recipients:\n      - name: 联络员\n        email: a@example.com\n");
    fs::write(&path, &fixed).unwrap();
    let output = archive.distribute(&[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    let units = fs::read_to_string(archive.root().join("months/2020-03/units.yaml")).unwrap();
    let unit_line = units.lines().position(|l| l.contains("id: canlian")).unwrap() + 1;
    let fixed_line = |needle: &str| fixed.lines().position(|l| l.contains(needle)).unwrap() + 1;
    for expected in [
        format!("error: unit `canlian` (残联) is not in the units registry\n  --> months/2020-03/units.yaml:{unit_line}:13\n"),
        format!(
            "error: unknown unit id `canlain`: no month's units.yaml has it\n  --> months/registry.yaml:{}:9\n",
            fixed_line("id: canlain")
        ),
        "= hint: did you mean `canlian`?".to_owned(),
        format!("error: unknown unit id `dongtundu2`: no month's units.yaml has it\n  --> months/registry.yaml:{}:9\n", fixed_line("id: dongtundu2")),
    ] {
        assert!(message.contains(&expected), "missing {expected}:\n{message}");
    }
    assert!(!archive.root().join("dist").exists());
}

/// A free port on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts tests/smtp_server.py and waits until it accepts connections.
fn smtp_server(port: u16, out: &Path, stop_after: Option<usize>) -> std::process::Child {
    let mut command = Command::new("python3");
    command.arg(project().join("tests/smtp_server.py")).args(["--port", &port.to_string()]).arg("--out").arg(out);
    if let Some(k) = stop_after {
        command.args(["--stop-after", &k.to_string()]);
    }
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "the SMTP server did not start (pip install aiosmtpd)");
    child
}

/// The units the server stored, by the recipients of each envelope.
fn received(out: &Path) -> Vec<(Vec<String>, Vec<u8>)> {
    let mut found: Vec<PathBuf> = fs::read_dir(out).unwrap().map(|e| e.unwrap().path()).collect();
    found.sort();
    found
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let envelope: Value = serde_json::from_slice(&fs::read(p).unwrap()).unwrap();
            let to = envelope["to"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
            (to, fs::read(p.with_extension("eml")).unwrap())
        })
        .collect()
}

#[test]
fn send_delivers_every_message_and_a_rerun_sends_only_the_rest() {
    let port = free_port();
    let archive = Archive::new("distribute-send", |text| {
        text.replace(
            "  host: smtp.example.com\n  port: 587\n  security: starttls",
            &format!("  host: 127.0.0.1\n  port: {port}\n  security: none"),
        )
    });
    let first_out = archive.root().join("smtp-1");
    let mut server = smtp_server(port, &first_out, Some(10));
    let output = archive.distribute(&["--send"]);
    let _ = server.wait();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("10 of 43 units sent so far"), "{message}");
    assert!(message.contains("run the same command again to send the rest"), "{message}");
    let first = received(&first_out);
    assert_eq!(first.len(), 10);
    let sent: Value = serde_json::from_slice(&fs::read(archive.dist().join("outbox/sent.json")).unwrap()).unwrap();
    assert_eq!(sent.as_object().unwrap().len(), 10);

    let second_out = archive.root().join("smtp-2");
    let mut server = smtp_server(port, &second_out, None);
    let output = archive.distribute(&["--send"]);
    server.kill().unwrap();
    let _ = server.wait();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("33 sent, 10 sent before, 0 refused"), "{}", stderr(&output));
    let second = received(&second_out);
    assert_eq!(second.len(), 33);

    // Together: each unit once, to its own recipients, the outbox's bytes.
    let manifest = manifest(&archive.dist());
    let mut expected: BTreeMap<Vec<String>, Vec<u8>> = BTreeMap::new();
    for unit in manifest["units"].as_array().unwrap() {
        let to =
            unit["recipients"].as_array().unwrap().iter().map(|r| r["email"].as_str().unwrap().to_owned()).collect();
        let eml = fs::read(archive.dist().join(unit["message"]["path"].as_str().unwrap())).unwrap();
        expected.insert(to, eml);
    }
    let all: BTreeMap<Vec<String>, Vec<u8>> = first.into_iter().chain(second).collect();
    assert_eq!(all.len(), 43, "a unit was sent twice or not at all");
    for (to, bytes) in &expected {
        assert!(all.get(to) == Some(bytes), "{to:?}: not delivered as in the outbox");
    }
    let sent: Value = serde_json::from_slice(&fs::read(archive.dist().join("outbox/sent.json")).unwrap()).unwrap();
    assert_eq!(sent.as_object().unwrap().len(), 43);
}

/// `numerator / denominator` as a percentage with two decimals, rounded
/// half up or truncated, computed here with integers; "—" for a zero
/// denominator.
fn percent(numerator: u64, denominator: u64, half_up: bool) -> String {
    if denominator == 0 {
        return "—".into();
    }
    let scaled = numerator * 10_000;
    let mut hundredths = scaled / denominator;
    if half_up && (scaled % denominator) * 2 >= denominator {
        hundredths += 1;
    }
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

#[test]
fn the_sheet_charts_the_valid_months_of_the_last_twelve() {
    let scratch = Scratch::new("distribute-history");
    let months = scratch.path().join("months");
    let base = bulletin::month::validate::MonthFiles::read(&project().join("months/2020-03")).unwrap();
    let generated = bulletin::archive::generate::generate(&base, 14); // 2015-01 … 2016-02
    bulletin::archive::generate::write(&months, &generated).unwrap();
    fs::copy(project().join("months/registry.yaml"), months.join("registry.yaml")).unwrap();
    // A broken month is left out of the history, with a warning.
    let broken = months.join("2015-06/month.yaml");
    let text = fs::read_to_string(&broken).unwrap();
    fs::write(&broken, text + "bogus: 1\n").unwrap();
    keygen(&scratch.path().join("keys"));
    let key = scratch.path().join("keys/bulletin.key");
    let output = run(scratch.path(), &["distribute", "months/2016-02", "--key", key.to_str().unwrap()], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("warning: this month has errors and is left out of the unit sheets' history\n  --> months/2015-06/month.yaml"),
        "{}",
        stderr(&output)
    );

    // Mapoling's rates month by month, from each month's units.yaml.
    let (mut satisfaction, mut on_time, mut labels, mut years) =
        (String::new(), String::new(), String::new(), String::new());
    for month in generated[2..].iter().filter(|m| m.name != "2015-06") {
        let yaml: serde_yaml::Value = serde_yaml::from_slice(&month.files["units.yaml"]).unwrap();
        let unit = yaml["groups"]
            .as_sequence()
            .unwrap()
            .iter()
            .flat_map(|g| g["units"].as_sequence().unwrap())
            .find(|u| u["id"] == "mapoling")
            .unwrap();
        let count = |key: &str| unit[key].as_u64().unwrap();
        satisfaction += &percent(count("satisfied"), count("visited"), true);
        on_time += &percent(count("completed") - count("late_completed"), count("completed"), false);
        let (year, number) = month.name.split_once('-').unwrap();
        // Two years in the window: each column reads 2015年 / 3月.
        labels += &format!("{}月", number.trim_start_matches('0'));
        years += &format!("{year}年");
    }
    let text = sheet_text(&scratch.path().join("dist/2016-02"), "mapoling");
    assert!(text.contains("近十一个月回访满意度和按时办结率："), "{text}");
    assert!(text.contains(&format!("{years}月份{labels}")), "months {years} {labels}:\n{text}");
    assert!(text.contains(&format!("回访满意度{satisfaction}")), "satisfaction {satisfaction}:\n{text}");
    assert!(text.contains(&format!("按时办结率{on_time}")), "on-time {on_time}:\n{text}");
    // No twelfth column before the eleven (a month older than twelve).
    let at = text.find(&format!("{years}月份{labels}")).unwrap();
    assert!(!text[..at].ends_with('年'), "a month older than twelve is shown:\n{text}");
}

#[test]
fn a_failed_distribution_leaves_the_previous_one_as_it_was() {
    let archive = Archive::distributed("distribute-failed");
    let before = files(&archive.dist());

    // A unit sheet layout that does not compile: the bulletin builds, the
    // sheets fail, nothing of the new run stays.
    let layouts = archive.root().join("layouts");
    common::copy_dir(&project().join("layouts"), &layouts);
    let sheet = layouts.join("office-unit-sheet.typ");
    fs::write(&sheet, fs::read_to_string(&sheet).unwrap() + "\n#undefined-function()\n").unwrap();
    let key = archive.root().join("keys/bulletin.key");
    let output = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["distribute", "months/2020-03", "--key", key.to_str().unwrap()])
        .args(["--layouts", layouts.to_str().unwrap(), "--fonts", project().join("fonts").to_str().unwrap()])
        .current_dir(archive.root())
        .env("BULLETIN_KEY_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("/office-unit-sheet.typ:"), "{}", stderr(&output));
    let after = files(&archive.dist());
    assert!(before == after, "the previous distribution changed");
    let leftovers: Vec<String> = fs::read_dir(archive.root().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "2020-03" && name != ".2020-03.lock")
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// An archived final month whose figures are in question (here the
/// reference's own 2120/2172, not acknowledged) still counts in the unit
/// sheets' history: the history takes a month as it was published.
#[test]
fn the_history_keeps_archived_months_with_figures_in_question() {
    let scratch = Scratch::new("distribute-history-question");
    let months = scratch.path().join("months");
    let march = months.join("2020-03");
    common::copy_dir(&project().join("months/2020-03"), &march);
    let february = months.join("2020-02");
    common::copy_dir(&project().join("months/2020-03"), &february);
    let month_yaml = february.join("month.yaml");
    let text = fs::read_to_string(&month_yaml).unwrap();
    let text = text.replace("period: 2020-03", "period: 2020-02").replace("date: 2020-04-17", "date: 2020-03-17");
    fs::write(&month_yaml, &text[..text.find("\n# 已核对").unwrap() + 1]).unwrap();
    let options = bulletin::CheckOptions::default();
    assert!(bulletin::check_issue(&february, options).is_err(), "February is a final in question");

    let (month, _) = bulletin::check_issue(&march, options).expect("March checks");
    let history = bulletin::publish::office_sheet::History::scan(&march, &month);
    assert!(history.warnings.is_empty(), "{:?}", history.warnings);
    let months: Vec<&str> = history.points("mapoling").iter().map(|p| p["key"].as_str().unwrap()).collect();
    assert_eq!(months, ["2020-02", "2020-03"]);
}

/// An office whose definition declares its sections is distributed like
/// Furong's: a packet per unit with the signed bulletin (the bytes `build
/// --final` makes) and a one-page sheet of the unit's figures under the
/// definition's labels, the lists that name it, its message; the registry
/// is held against the office's units.
#[test]
fn an_office_with_sections_gets_packets_and_sheets_from_its_definition() {
    let scratch = Scratch::new("distribute-ningguo");
    let office = scratch.path().join("ningguo");
    common::copy_dir(&project().join("examples/offices/ningguo"), &office);
    let units: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(office.join("months/2022-04/units.yaml")).unwrap()).unwrap();
    let mut registry = String::from("sender: { name: 宁国市12345热线, email: rexian@example.com }\nunits:\n");
    let mut ids = Vec::new();
    for unit in units["groups"].as_sequence().unwrap().iter().flat_map(|g| g["units"].as_sequence().unwrap()) {
        let (id, name) = (unit["id"].as_str().unwrap(), unit["name"].as_str().unwrap());
        registry += &format!(
            "  - id: {id}\n    name: {name}\n    recipients: [{{ name: {name}联络员, email: {id}@example.com }}]\n"
        );
        ids.push(id.to_owned());
    }
    fs::write(office.join("months/registry.yaml"), &registry).unwrap();
    keygen(&scratch.path().join("keys"));
    let distribute = || {
        run(
            scratch.path(),
            &["distribute", "ningguo/months/2022-04", "--key", "keys/bulletin.key", "--out", "dist"],
            &[],
        )
    };
    let output = distribute();
    assert!(output.status.success(), "{}", stderr(&output));
    let dist = scratch.path().join("dist/2022-04");
    let manifest: Value = serde_json::from_slice(&fs::read(dist.join("manifest.json")).unwrap()).unwrap();
    let packets: Vec<&str> = manifest["units"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(packets, ids, "one packet per unit, in units.yaml's order");

    let built = run(scratch.path(), &["build", "ningguo/months/2022-04", "--final", "--out", "out"], &[]);
    assert!(built.status.success(), "{}", stderr(&built));
    let bulletin = fs::read(scratch.path().join("out/2022-04.pdf")).unwrap();
    assert!(fs::read(dist.join("zhujian/2022-04.pdf")).unwrap() == bulletin, "the packet's bulletin is the built one");
    let sheet = dist.join("zhujian/2022-04-zhujian.pdf");
    let public = scratch.path().join("keys/bulletin.pub");
    let verified = run(scratch.path(), &["verify", sheet.to_str().unwrap(), "--pubkey", public.to_str().unwrap()], &[]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    let text = squeeze(&pdf_text(&sheet));
    assert!(text.contains("（住建局）"), "{text}");
    // A count split by channel: its total and its parts; a rate with its %.
    assert!(text.contains("按时办结数99（12345热线87、政民互动12）"), "{text}");
    assert!(text.contains("不满意数8") && text.contains("结案率100%"), "{text}");
    assert!(text.contains("“办件量位于前列的市直部门”（3个单位中第1位）"), "{text}");
    let info = Command::new("pdfinfo").arg(&sheet).output().unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("Pages:           1"), "one page");
    let eml = fs::read_to_string(dist.join("outbox/zhujian.eml")).unwrap();
    assert!(eml.contains("To: =?utf-8?") || eml.contains("zhujian@example.com"), "{eml}");

    // A unit the registry lacks: an error at its entry in units.yaml.
    let without = registry.replace("  - id: gongan\n", "  - id: gongan-old\n");
    fs::write(office.join("months/registry.yaml"), without).unwrap();
    let output = distribute();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("unit `gongan` (公安局) is not in the units registry"), "{err}");
    assert!(err.contains("months/2022-04/units.yaml:14:"), "{err}");
    assert!(err.contains("unknown unit id `gongan-old`"), "{err}");

    // A registry just begun, two units in it: one error lists the rest.
    let begun: String = registry.lines().take(2 + 3 * 2).map(|l| format!("{l}\n")).collect();
    fs::write(office.join("months/registry.yaml"), begun).unwrap();
    let output = distribute();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "{} units of the month are not in the units registry: 城管局 (chengguan)、",
            ids.len() - 2
        )),
        "{err}"
    );
    assert_eq!(err.matches("error:").count(), 1, "{err}");
}

/// With --ofd each packet carries the bulletin's OFD edition too, the one
/// `build --final --ofd` makes, signed as the PDF is; the mail attaches it.
#[test]
fn with_ofd_each_packet_carries_the_ofd_edition_signed() {
    let archive = Archive::new("distribute-ofd", |text| text);
    let output = archive.distribute(&["--ofd"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = archive.root().join("out");
    let built =
        run(archive.root(), &["build", "months/2020-03", "--final", "--ofd", "--out", out.to_str().unwrap()], &[]);
    assert!(built.status.success(), "{}", stderr(&built));
    let ofd = fs::read(out.join("2020-03.ofd")).unwrap();
    let public = archive.root().join("keys/bulletin.pub");
    let unit = archive.dist().join("mapoling");
    assert!(fs::read(unit.join("2020-03.ofd")).unwrap() == ofd, "the OFD is build --final --ofd's");
    let verified = run(
        archive.root(),
        &["verify", unit.join("2020-03.ofd").to_str().unwrap(), "--pubkey", public.to_str().unwrap()],
        &[],
    );
    assert!(verified.status.success(), "{}", stderr(&verified));
    let manifest = manifest(&archive.dist());
    let files = manifest["units"][0]["files"].to_string();
    assert!(files.contains("2020-03.ofd"), "in the manifest: {files}");
    let message = fs::read_to_string(
        archive.dist().join("outbox").join(format!("{}.eml", manifest["units"][0]["id"].as_str().unwrap())),
    )
    .unwrap();
    assert!(message.contains("2020-03.ofd"), "attached to the mail");
    assert!(message.contains("Content-Type: application/ofd"), "as an OFD file");
}
