//! Helpers shared by the integration tests: run the binary from the project
//! folder, scratch folders, PDF text extraction with poppler's pdftotext.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `bulletin ARGS` in the project folder.
pub fn bulletin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(args)
        .current_dir(project())
        .output()
        .expect("the bulletin binary runs")
}

/// A fresh, empty scratch folder, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("bulletin-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch folder");
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn str(&self) -> &str {
        self.0.to_str().expect("UTF-8 temp path")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Builds `months/<month>` into `out`, asserting success; returns the PDF's path.
pub fn build_month(month: &str, out: &Scratch) -> PathBuf {
    let dir = format!("months/{month}");
    let output = bulletin(&["build", &dir, "--out", out.str()]);
    assert!(output.status.success(), "bulletin build {dir} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    out.path().join(format!("{month}.pdf"))
}

/// The PDF's text as `pdftotext -layout` lays it out.
pub fn pdf_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) must be installed for this test");
    assert!(output.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("pdftotext prints UTF-8")
}

/// The PDF's text in content-stream order (`pdftotext -raw`): text drawn
/// as one run (a rotated watermark) stays together.
pub fn pdf_raw_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext").arg("-raw").arg(pdf).arg("-").output().expect("pdftotext runs");
    assert!(output.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("pdftotext prints UTF-8")
}

/// Text with every kind of white space removed.
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a line of pdftotext's output is a page number ("— 3 —").
pub fn is_page_number(line: &str) -> bool {
    let squeezed = squeeze(line);
    squeezed.len() > 6
        && squeezed.starts_with('—')
        && squeezed.ends_with('—')
        && squeezed.trim_matches('—').chars().all(|c| c.is_ascii_digit())
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Furong's definition with `sections` in place of its own (`sections:`
/// and its parts, or nothing: then the typed reader and the bundled layout
/// build its months).
#[allow(dead_code)]
pub fn furong_with_sections(sections: &str) -> String {
    let furong = bulletin::definition::FURONG;
    let (start, end) = (furong.find("\nsections:").unwrap(), furong.find("\nsheet:").unwrap());
    format!("{}\n{sections}{}", &furong[..start], &furong[end..])
}

/// The units that did well in 2020-03, as the tool selects them:
/// departments first (month.yaml's group order), then streets, each by
/// score. The published list left out 东湖街道 by hand.
pub const WELL_PERFORMING: [&str; 14] = [
    "住房和城乡建设局",
    "市政设施维护中心",
    "卫生健康局",
    "医疗保障局",
    "行政审批服务局",
    "定王台街道",
    "东屯渡街道",
    "马王堆街道",
    "火星街道",
    "朝阳街道",
    "东岸街道",
    "五里牌街道",
    "文艺路街道",
    "东湖街道",
];

/// `n` months generated from the bundled one (2015-01 on) under
/// `scratch/months`, written over any there; the folder.
pub fn generated_months(scratch: &Scratch, n: usize) -> PathBuf {
    let base = bulletin::month::validate::MonthFiles::read(&project().join("months/2020-03")).unwrap();
    let months = scratch.path().join("months");
    bulletin::archive::generate::write(&months, &bulletin::archive::generate::generate(&base, n)).unwrap();
    months
}

/// Furong's definition with `part` (a section, indented as one) last among
/// its monthly sections and `top` (keys of the definition's top level, e.g.
/// `compare: {}`) after them.
pub fn furong_with_part(part: &str, top: &str) -> String {
    let furong = bulletin::definition::FURONG;
    let at = furong.find("\nperiods:").unwrap();
    format!("{}\n{part}\n{top}\n{}", &furong[..at], &furong[at..])
}

/// Three generated months (2015-01..03) and the quarter's folder beside them.
pub fn quarter_archive(scratch: &Scratch) -> PathBuf {
    let months = generated_months(scratch, 3);
    let quarter = months.join("2015-Q1");
    std::fs::create_dir_all(quarter.join("cases")).unwrap();
    std::fs::write(
        quarter.join("month.yaml"),
        "period: 2015-Q1\nsignoff:\n  issuer: 长沙市芙蓉区12345市民服务热线办公室\n  date: 2015-04-10\n  approved_by: 张三\n",
    )
    .unwrap();
    std::fs::write(quarter.join("cases/01-季度.txt"), "一季度供水保障的联动处置\n\n各部门联动处置停水诉求。\n")
        .unwrap();
    months
}
