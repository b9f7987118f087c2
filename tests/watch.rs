//! `bulletin watch`: an edited case file is rebuilt into the PDF; a broken
//! edit prints its error and keeps the last good PDF. Waits are bounded.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Scratch;

/// Kills the watcher however the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits up to `limit` for a stderr line containing `needle`.
fn wait_for(lines: &mpsc::Receiver<String>, needle: &str, limit: Duration) -> Vec<String> {
    let deadline = Instant::now() + limit;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) => {
                let found = line.contains(needle);
                seen.push(line);
                if found {
                    return seen;
                }
            }
            Err(_) => break,
        }
    }
    panic!("no line with `{needle}` within {limit:?}; saw:\n{}", seen.join("\n"));
}

#[test]
fn edits_are_rebuilt_and_broken_edits_keep_the_last_good_pdf() {
    let scratch = Scratch::new("watch");
    let month = scratch.path().join("2020-03");
    fs::create_dir_all(month.join("cases")).unwrap();
    let source = common::project().join("months/2020-03");
    for name in ["month.yaml", "city.yaml", "units.yaml", "tickets.yaml", "cases/01-韦博教育.txt"] {
        fs::copy(source.join(name), month.join(name)).unwrap();
    }
    let out = scratch.path().join("out");
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(["watch", month.to_str().unwrap(), "--out", out.to_str().unwrap(), "--poll-ms", "50"])
            .current_dir(common::project())
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("bulletin watch starts"),
    );
    let stderr = child.0.stderr.take().unwrap();
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let limit = Duration::from_secs(60);
    wait_for(&lines, "rebuilt", limit);
    let pdf = out.join("2020-03.pdf");
    let first = fs::read(&pdf).expect("the first build");

    // An edit to the case is rebuilt into the PDF.
    let case = month.join("cases/01-韦博教育.txt");
    let text = fs::read_to_string(&case).unwrap();
    fs::write(&case, format!("{text}\n补充一段：监听重建测试。\n")).unwrap();
    wait_for(&lines, "changed:", limit);
    let seen = wait_for(&lines, "rebuilt", limit);
    assert!(seen.iter().any(|l| l.contains(" ms (")), "no build time printed: {seen:?}");
    let second = fs::read(&pdf).unwrap();
    assert_ne!(first, second, "the PDF did not change");
    assert!(common::squeeze(&common::pdf_text(&pdf)).contains("补充一段：监听重建测试。"));

    // A broken edit: the error is printed and the last good PDF stays.
    let units = month.join("units.yaml");
    let text = fs::read_to_string(&units).unwrap();
    fs::write(&units, text.replacen("        satisfied: 83\n", "        satisfied: 90\n", 1)).unwrap();
    wait_for(&lines, "`satisfied` (90) is greater than 回访工单总数 `visited` (86)", limit);
    wait_for(&lines, "the last good PDF is kept", limit);
    assert_eq!(fs::read(&pdf).unwrap(), second, "the good PDF was replaced");

    // Fixed again, with a warning: watch prints it before the rebuild.
    fs::write(&units, text.replacen("        name: 定王台街道\n", "        name: \"定王台街道 \"\n", 1)).unwrap();
    let seen = wait_for(&lines, "rebuilt", limit);
    assert!(seen.iter().any(|l| l.contains("a space at the end of `定王台街道` would print")), "no warning: {seen:?}");
}
