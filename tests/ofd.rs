//! The OFD edition (GB/T 33190-2016) of the bundled month, `build --ofd`:
//! its package read back with the zip crate and checked part by part — the
//! parts a reader looks for, one ID space with every ID at most MaxUnitID,
//! every font a page names declared and embedded with its character map, a
//! page for each of the PDF's, the outline; its text, read back by an
//! independent reader (ofd-core), holding every line and table row of the
//! reference, as the PDF's does; its pages, rendered by that reader, as
//! poppler renders the PDF's (a draft's watermark and a long case too); and
//! its seal, from a test signing system, verifying part by part.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use common::{squeeze, Scratch};

/// The package's parts by name.
fn parts(ofd: &Path) -> BTreeMap<String, Vec<u8>> {
    let file = std::fs::File::open(ofd).expect("the OFD file");
    let mut archive = zip::ZipArchive::new(file).expect("a zip package");
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        out.insert(part.name().expect("a part name").to_string(), bytes);
    }
    out
}

fn text(parts: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(parts.get(name).unwrap_or_else(|| panic!("{name} in the package")).clone()).unwrap()
}

/// Every value of attribute `name` in `xml`.
fn attributes<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    xml.match_indices(&needle)
        .map(|(at, _)| {
            let start = at + needle.len();
            &xml[start..start + xml[start..].find('"').unwrap()]
        })
        .collect()
}

/// The contents of every `<ofd:TextCode …>…</ofd:TextCode>`, unescaped.
fn text_codes(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<ofd:TextCode") {
        let open = at + rest[at..].find('>').unwrap() + 1;
        let close = open + rest[open..].find("</ofd:TextCode>").unwrap();
        let code = &rest[open..close];
        out.push(
            code.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        );
        rest = &rest[close..];
    }
    out
}

fn build(out: &Scratch) -> std::path::PathBuf {
    let month = common::project().join("months/2020-03");
    let built = common::bulletin(&["build", month.to_str().unwrap(), "--out", out.str(), "--ofd"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    out.path().join("2020-03.ofd")
}

#[test]
fn the_package_holds_its_parts_ids_and_fonts() {
    let out = Scratch::new("ofd-structure");
    let ofd = build(&out);
    let parts = parts(&ofd);
    let root = text(&parts, "OFD.xml");
    assert!(root.contains(r#"<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016""#), "the prefixed namespace");
    // DocInfo: DocID first, then title, author, the sign-off date.
    let info = &root[root.find("<ofd:DocInfo>").unwrap()..root.find("</ofd:DocInfo>").unwrap()];
    assert!(info.starts_with("<ofd:DocInfo><ofd:DocID>"), "{info}");
    assert!(info.contains("<ofd:Title>2020年3月芙蓉区“12345”市民服务热线工作情况通报</ofd:Title>"), "{info}");
    assert!(info.contains("<ofd:CreationDate>2020-04-17</ofd:CreationDate>"), "{info}");
    assert!(root.contains("<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"));

    let document = text(&parts, "Doc_0/Document.xml");
    let max: u64 = document[document.find("<ofd:MaxUnitID>").unwrap() + 15..document.find("</ofd:MaxUnitID>").unwrap()]
        .parse()
        .unwrap();
    let pages: Vec<&str> = attributes(&document, "BaseLoc");
    let pdf_pages = common::pdf_text(&out.path().join("2020-03.pdf")).matches('\u{c}').count();
    assert_eq!(pages.len(), pdf_pages, "a page for each of the PDF's");

    // The outline: the headings, each going to a page of the package.
    let page_list = &document[document.find("<ofd:Pages>").unwrap()..document.find("</ofd:Pages>").unwrap()];
    let page_ids: BTreeSet<&str> = attributes(page_list, "ID").into_iter().collect();
    assert_eq!(page_ids.len(), pages.len());
    let titles = attributes(&document, "Title");
    assert!(titles.contains(&"一、全市排名情况") && titles.contains(&"五、典型案例"), "{titles:?}");
    assert!(titles.contains(&"（三）满意度低于97%的单位"), "sub-headings too: {titles:?}");
    for page in attributes(&document, "PageID") {
        assert!(page_ids.contains(page), "an outline entry goes to page {page}");
    }
    // One ID space: pages, the colour space, fonts, layers, objects.
    let resources = text(&parts, "Doc_0/PublicRes.xml");
    let mut ids: Vec<u64> = attributes(&document, "ID").iter().map(|id| id.parse().unwrap()).collect();
    ids.extend(attributes(&resources, "ID").iter().map(|id| id.parse::<u64>().unwrap()));
    let mut named_fonts = BTreeSet::new();
    for page in &pages {
        let xml = text(&parts, &format!("Doc_0/{page}"));
        ids.extend(attributes(&xml, "ID").iter().map(|id| id.parse::<u64>().unwrap()));
        named_fonts.extend(attributes(&xml, "Font").iter().map(|id| id.to_string()));
        assert!(xml.contains("<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"), "A4 pages");
    }
    let unique: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "every ID once");
    assert!(unique.iter().all(|&id| id >= 1 && id <= max), "every ID at most MaxUnitID {max}");
    assert_eq!(unique.last(), Some(&max), "MaxUnitID is the largest");

    // Every font a page names is declared, and its file is in the package,
    // a font (OpenType or TrueType) of its own.
    let fonts: BTreeMap<&str, &str> = resources
        .split("<ofd:Font ")
        .skip(1)
        .map(|font| {
            let id = attributes(&format!(" {font}"), "ID")[0].to_owned();
            let file = &font[font.find("<ofd:FontFile>").unwrap() + 14..font.find("</ofd:FontFile>").unwrap()];
            (Box::leak(id.into_boxed_str()) as &str, file)
        })
        .collect();
    assert!(fonts.len() >= 3, "the faces of title, headings and body: {fonts:?}");
    // Two faces of one family, each by its own name; the bold one says so.
    assert!(resources.contains(r#"FontName="FandolSong-Bold" FamilyName="FandolSong" Bold="true""#), "{resources}");
    assert!(resources.contains(r#"FontName="FandolSong-Regular" FamilyName="FandolSong">"#), "{resources}");
    for id in &named_fonts {
        let file = fonts.get(id.as_str()).unwrap_or_else(|| panic!("font {id} declared"));
        let bytes = parts.get(&format!("Doc_0/Res/{file}")).unwrap_or_else(|| panic!("{file} embedded"));
        assert!(bytes.starts_with(b"OTTO") || bytes.starts_with(&[0, 1, 0, 0]), "{file} is a font");
        // A subset: far smaller than the bundled faces (5–26 MB).
        assert!(bytes.len() < 1_500_000, "{file}: {} bytes", bytes.len());
    }

    // Each embedded subset is a font a reader parses, and its character map
    // (put back: subsetting drops it) gives each character of a page the
    // glyph its CGTransform names.
    let mut checked = 0;
    for page in &pages {
        let xml = text(&parts, &format!("Doc_0/{page}"));
        for object in xml.split("<ofd:TextObject ").skip(1) {
            let font = attributes(&format!(" {object}"), "Font")[0].to_owned();
            let glyphs = &object[object.find("<ofd:Glyphs>").unwrap() + 12..object.find("</ofd:Glyphs>").unwrap()];
            let glyphs: Vec<u16> = glyphs.split(' ').map(|g| g.parse().unwrap()).collect();
            let codes = text_codes(object).concat();
            if codes.chars().count() != glyphs.len() {
                continue;
            }
            let bytes = &parts[&format!("Doc_0/Res/{}", fonts[font.as_str()])];
            let face = ttf_parser::Face::parse(bytes, 0).expect("the subset parses");
            for (c, glyph) in codes.chars().zip(&glyphs) {
                let mapped = face.glyph_index(c).map(|g| g.0);
                // A character drawn with two glyphs maps to the first.
                if mapped != Some(*glyph) {
                    assert!(mapped.is_some(), "`{c}` is in the character map of font {font}");
                } else {
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000, "{checked} characters mapped to their glyphs");

    // The same month twice: the same bytes.
    let again = Scratch::new("ofd-structure-again");
    assert!(std::fs::read(&ofd).unwrap() == std::fs::read(build(&again)).unwrap(), "byte-reproducible");
}

/// The package opened by the independent reader (ofd-core), and its one
/// document loaded.
fn open(ofd: &Path) -> (ofd_core::OfdReader<std::fs::File>, ofd_core::LoadedDocument) {
    let mut reader = ofd_core::OfdReader::open(ofd).expect("ofd-core opens the package");
    let bodies = reader.ofd().doc_bodies.clone();
    let doc = reader.load_document(&bodies[0]).expect("its document");
    (reader, doc)
}

/// Each page's text as the independent reader (ofd-core) reads it: its
/// text objects' codes, in drawing order.
fn read_back(ofd: &Path) -> Vec<String> {
    let (mut reader, doc) = open(ofd);
    let pages: Vec<_> = doc.pages().to_vec();
    pages
        .iter()
        .map(|page| {
            let page = reader.load_page(&doc, page).expect("the page loads");
            let mut text = String::new();
            for layer in page.content.iter().flat_map(|c| &c.layers) {
                for object in &layer.objects {
                    if let ofd_core::PageBlock::Text(object) = object {
                        text.extend(object.text_codes.iter().filter_map(|code| code.text.clone()));
                    }
                }
            }
            text
        })
        .collect()
}

#[test]
fn its_text_holds_every_line_of_the_reference() {
    let out = Scratch::new("ofd-text");
    let ofd = build(&out);
    let all: String = read_back(&ofd).concat();
    let all = squeeze(&all);
    // The reference's lines, each squeezed (a table row's cells joined), in
    // order — as the PDF's text holds them (tests/reference.rs).
    let reference = include_str!("reference/2020-03-bulletin.txt");
    let mut cursor = 0;
    let mut found = 0;
    // A table's header rows wrap and span in the layout: their cells are
    // checked as text elsewhere (tests/reference.rs), not as rows here.
    let is_header = |row: &str| {
        let first = squeeze(row.split('\t').next().unwrap_or_default());
        row.contains('\t') && (first.is_empty() || ["单位", "类型", "部门名称"].contains(&first.as_str()))
    };
    let lines = reference.lines().filter(|l| !is_header(l)).map(|l| squeeze(&l.replace('\t', "")));
    for line in lines.filter(|l| !l.is_empty()) {
        // The three corrections of the reference (README.md) and the
        // appendix's label: lines the bulletin prints otherwise.
        if ["三、区直部门", "（二）满意度低于", "附件："].iter().any(|p| line.starts_with(p))
            || line.contains("医疗保障局、")
        {
            continue;
        }
        match all[cursor..].find(&line) {
            Some(at) => {
                cursor += at + line.len();
                found += 1;
            }
            None => {
                let after: String = all[cursor..].chars().take(200).collect();
                panic!("not in the OFD's text, in order: {line}\nafter: {after}")
            }
        }
    }
    assert!(found >= 80, "{found} lines: the reference read whole");
}

/// A page rendered by poppler (`pdftoppm -gray`) at `dpi`: width, height
/// and one grey byte a pixel.
fn poppler_page(pdf: &Path, page: usize, dpi: u32, scratch: &Scratch) -> (usize, usize, Vec<u8>) {
    let stem = scratch.path().join(format!("pdf-{page}"));
    let n = (page + 1).to_string();
    let status = std::process::Command::new("pdftoppm")
        .args(["-gray", "-r", &dpi.to_string(), "-f", &n, "-l", &n, "-singlefile"])
        .arg(pdf)
        .arg(&stem)
        .status()
        .expect("pdftoppm (Debian package poppler-utils) runs");
    assert!(status.success());
    let bytes = std::fs::read(stem.with_extension("pgm")).unwrap();
    // P5, width, height, 255, then the pixels.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (width, height, bytes[at + 1..].to_vec())
}

/// The OFD's pages, rendered by an independent reader (the ofd-core crate),
/// against the PDF's rendered by poppler at 150 dpi: a pixel differs when
/// its grey level moves by more than 128 of 255 (a glyph's edge drawn by
/// two rasterisers moves less), and a page may have at most 1% of its
/// pixels differ (the bundled month differs in 0.2–0.8%). A page that
/// draws nothing where the PDF has ink, or text in the wrong place or
/// face, differs in far more. Returns a line a page.
fn renders_as_the_pdf(ofd: &Path, pdf: &Path, scratch: &Scratch) -> Vec<String> {
    const DPI: u32 = 150;
    let (mut reader, doc) = open(ofd);
    let pages = doc.pages().len();
    assert_eq!(pages, common::pdf_text(pdf).matches('\u{c}').count(), "as many pages as the PDF");
    let mut report = Vec::new();
    for page in 0..pages {
        let image = reader
            .render_page_to_image(&doc, page, &ofd_core::RenderOptions::with_dpi(f64::from(DPI)))
            .expect("the page renders");
        let (width, height, grey) = poppler_page(pdf, page, DPI, scratch);
        let (w, h) = (width.min(image.width() as usize), height.min(image.height() as usize));
        assert!(width.abs_diff(image.width() as usize) <= 1 && height.abs_diff(image.height() as usize) <= 1);
        let mut differ = 0usize;
        let mut ink = 0usize;
        for y in 0..h {
            for x in 0..w {
                let [r, g, b, a] = image.get_pixel(x as u32, y as u32).0;
                // Over white, as poppler paints the page.
                let over = |c: u8| (u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a))) / 255;
                let ours = ((over(r) * 299 + over(g) * 587 + over(b) * 114) / 1000) as i32;
                let theirs = i32::from(grey[y * width + x]);
                ink += usize::from(theirs < 128);
                differ += usize::from((ours - theirs).abs() > 128);
            }
        }
        let share = differ as f64 / (w * h) as f64;
        report.push(format!(
            "page {}: {:.3}% of pixels differ ({differ}; the PDF inks {ink})",
            page + 1,
            share * 100.0
        ));
        assert!(ink > 1000, "page {} has ink", page + 1);
        assert!(share <= 0.01, "{}", report.join("\n"));
    }
    report
}

#[test]
fn an_independent_reader_renders_it_as_poppler_renders_the_pdf() {
    let out = Scratch::new("ofd-render");
    let ofd = build(&out);
    let report = renders_as_the_pdf(&ofd, &out.path().join("2020-03.pdf"), &out);
    println!("{}", report.join("\n"));
}

/// A draft: its turned 征求意见稿 watermark (a group's transform, carried
/// as each object's CTM) lands where the PDF's does.
#[test]
fn a_drafts_watermark_comes_out_as_in_the_pdf() {
    let scratch = Scratch::new("ofd-draft");
    let month = scratch.path().join("2020-03");
    common::copy_dir(&common::project().join("months/2020-03"), &month);
    let path = month.join("month.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("signoff:").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end + 1..])).unwrap();
    let out = Scratch::new("ofd-draft-out");
    let built = common::bulletin(&["build", month.to_str().unwrap(), "--out", out.str(), "--ofd"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let ofd = out.path().join("2020-03.draft.ofd");
    let first_page = text_of_page(&ofd, 0);
    assert!(first_page.contains(" CTM=\""), "the watermark turned by its CTM");
    assert!(squeeze(&text_codes(&first_page).concat()).contains("征求意见稿"), "the watermark's text");
    let report = renders_as_the_pdf(&ofd, &out.path().join("2020-03.draft.pdf"), &out);
    println!("{}", report.join("\n"));

    // The mark is faint (alpha 45 of 255): on page 1 the draft differs from
    // the final by as many pixels in the OFD as in the PDF.
    let final_out = Scratch::new("ofd-draft-final");
    let final_ofd = build(&final_out);
    let grey_ofd = |ofd: &Path| -> Vec<i32> {
        let (mut reader, doc) = open(ofd);
        let image = reader.render_page_to_image(&doc, 0, &ofd_core::RenderOptions::with_dpi(150.0)).unwrap();
        image
            .pixels()
            .map(|p| {
                let [r, g, b, a] = p.0;
                let over = |c: u8| (i32::from(c) * i32::from(a) + 255 * (255 - i32::from(a))) / 255;
                (over(r) * 299 + over(g) * 587 + over(b) * 114) / 1000
            })
            .collect()
    };
    let grey_pdf = |pdf: &Path, scratch: &Scratch| -> Vec<i32> {
        poppler_page(pdf, 0, 150, scratch).2.into_iter().map(i32::from).collect()
    };
    let changed = |a: &[i32], b: &[i32]| a.iter().zip(b).filter(|(x, y)| (*x - *y).abs() > 15).count();
    let in_ofd = changed(&grey_ofd(&ofd), &grey_ofd(&final_ofd));
    let in_pdf = changed(
        &grey_pdf(&out.path().join("2020-03.draft.pdf"), &out),
        &grey_pdf(&final_out.path().join("2020-03.pdf"), &final_out),
    );
    println!("the mark: {in_ofd} pixels in the OFD, {in_pdf} in the PDF");
    assert!(in_pdf > 10_000, "the PDF's mark: {in_pdf} pixels");
    assert!(in_ofd.abs_diff(in_pdf) * 5 < in_pdf, "the mark: {in_ofd} pixels in the OFD, {in_pdf} in the PDF");
}

fn text_of_page(ofd: &Path, page: usize) -> String {
    text(&parts(ofd), &format!("Doc_0/Pages/Page_{page}/Content.xml"))
}

/// A case long enough to run onto the next page: the OFD breaks where the
/// PDF does (one layout, two editions), and every paragraph of it is in
/// the OFD's text.
#[test]
fn a_long_case_breaks_as_in_the_pdf() {
    let scratch = Scratch::new("ofd-long");
    let month = scratch.path().join("2020-03");
    common::copy_dir(&common::project().join("months/2020-03"), &month);
    let case = month.join("cases/01-韦博教育.txt");
    let added: Vec<String> =
        (1..=14).map(|i| format!("补充说明第{i}条：相关部门继续跟进，按周向来电人反馈办理进展。")).collect();
    let body = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, format!("{body}\n{}\n", added.join("\n\n"))).unwrap();
    let out = Scratch::new("ofd-long-out");
    let built = common::bulletin(&["build", month.to_str().unwrap(), "--out", out.str(), "--ofd"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let (ofd, pdf) = (out.path().join("2020-03.ofd"), out.path().join("2020-03.pdf"));
    let report = renders_as_the_pdf(&ofd, &pdf, &out);
    println!("{}", report.join("\n"));
    // The case runs over a page: its first and last paragraphs on two pages.
    let pages: Vec<String> = (0..report.len()).map(|p| squeeze(&text_codes(&text_of_page(&ofd, p)).concat())).collect();
    let first = pages.iter().position(|p| p.contains(&added[0])).expect("the first added paragraph");
    let last = pages.iter().position(|p| p.contains(&added[13])).expect("the last added paragraph");
    assert!(last > first, "the case breaks across pages {} and {}", first + 1, last + 1);
}

/// A test seal, made by the test itself (a real one lives in the office's
/// certified device): it "signs" with SHA-256 over a key and the data, and
/// returns a seal file naming the box it was asked to stamp.
const TEST_SEAL: &str = r#"
import sys, json, base64, hashlib
request = json.load(sys.stdin)
data = base64.b64decode(request["data"])
value = hashlib.sha256(b"test-seal-key" + data).digest()
seal = ("TEST SEAL " + json.dumps([request["digest_method"], request["page"], request["boundary_mm"], request["date"]])).encode()
json.dump({"seal": base64.b64encode(seal).decode(), "signed_value": base64.b64encode(value).decode()}, sys.stdout)
"#;

#[test]
fn a_seal_from_the_signing_system_covers_every_part() {
    use sha2::Digest;
    let scratch = Scratch::new("ofd-seal");
    let script = scratch.path().join("seal.py");
    std::fs::write(&script, TEST_SEAL).unwrap();
    let command = format!("python3 {}", script.display());
    let out = Scratch::new("ofd-seal-out");
    let month = common::project().join("months/2020-03");
    let built =
        common::bulletin(&["build", month.to_str().unwrap(), "--out", out.str(), "--ofd", "--seal-cmd", &command]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let ofd = out.path().join("2020-03.ofd");
    // Sealed, it still reads and renders as the PDF.
    renders_as_the_pdf(&ofd, &out.path().join("2020-03.pdf"), &out);
    let mut parts = parts(&ofd);
    assert!(text(&parts, "OFD.xml").contains("<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>"));
    assert!(text(&parts, "Doc_0/Signs/Signatures.xml")
        .contains(r#"Type="Seal" BaseLoc="/Doc_0/Signs/Sign_0/Signature.xml""#));

    // Every digest verifies, every part is referenced.
    assert_eq!(bulletin::publish::seal::verify(&parts), Vec::<String>::new());
    let signature = text(&parts, "Doc_0/Signs/Sign_0/Signature.xml");
    assert!(signature.contains(r#"<ofd:References CheckMethod="1.2.156.10197.1.401">"#), "SM3");
    // The signed value is the test seal's over Signature.xml as written.
    let expected: Vec<u8> =
        sha2::Sha256::new().chain_update(b"test-seal-key").chain_update(signature.as_bytes()).finalize().to_vec();
    assert_eq!(parts["Doc_0/Signs/Sign_0/SignedValue.dat"], expected);
    // The stamp is on the 落款's page, over its date.
    let page_ref: String = attributes(&signature, "PageRef")[0].to_owned();
    let document = text(&parts, "Doc_0/Document.xml");
    let at = document.find(&format!(r#"ID="{page_ref}" BaseLoc=""#)).expect("the stamp's page is a page");
    let page = &document[at..].split('"').nth(3).unwrap().to_owned();
    let codes = squeeze(&text_codes(&text(&parts, &format!("Doc_0/{page}"))).concat());
    assert!(codes.contains("芙蓉区“12345”市民服务热线办公室2020年4月17日"), "the stamp's page holds the 落款");
    let seal = String::from_utf8(parts["Doc_0/Signs/Sign_0/Seal.esl"].clone()).unwrap();
    assert!(seal.starts_with("TEST SEAL [\"SM3\","), "{seal}");

    // One changed byte in a page fails verification, naming the page.
    let name = format!("Doc_0/{page}");
    let bytes = parts.get_mut(&name).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    assert_eq!(bulletin::publish::seal::verify(&parts), vec![format!("{name}: its SM3 digest does not match")]);

    // A signing system that fails stops the build: nothing is written.
    let failed_out = Scratch::new("ofd-seal-failed");
    let failed = common::bulletin(&[
        "build",
        month.to_str().unwrap(),
        "--out",
        failed_out.str(),
        "--ofd",
        "--seal-cmd",
        "echo 'no device' >&2; exit 3",
    ]);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success(), "{stderr}");
    assert!(stderr.contains("the seal command") && stderr.contains("no device"), "{stderr}");
    assert!(!failed_out.path().join("2020-03.ofd").exists() && !failed_out.path().join("2020-03.pdf").exists());
}

/// The OFD edition in the rebuild's record: a build that asks for it is
/// not up to date while it is missing; a build without it says that an
/// earlier one beside the new PDF is stale. A signing system that answers
/// an empty seal, or no JSON, is refused, showing what it printed.
#[test]
fn a_rebuild_keeps_the_ofd_edition_with_its_pdf() {
    let scratch = Scratch::new("ofd-rebuild");
    let month = scratch.path().join("2020-03");
    common::copy_dir(&common::project().join("months/2020-03"), &month);
    let out = Scratch::new("ofd-rebuild-out");
    let build = |extra: &[&str]| {
        let mut args = vec!["build", month.to_str().unwrap(), "--out", out.str()];
        args.extend(extra);
        common::bulletin(&args)
    };
    assert!(build(&["--ofd"]).status.success());
    let ofd = out.path().join("2020-03.ofd");
    std::fs::remove_file(&ofd).unwrap();
    let again = build(&["--ofd"]);
    assert!(
        again.status.success() && ofd.is_file(),
        "rebuilt to put the OFD back: {}",
        String::from_utf8_lossy(&again.stderr)
    );
    let unchanged = build(&["--ofd"]);
    assert!(
        String::from_utf8_lossy(&unchanged.stderr).contains("up to date"),
        "{}",
        String::from_utf8_lossy(&unchanged.stderr)
    );

    // A changed month built without --ofd: the OFD beside it is stale.
    let path = month.join("month.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("date: 2020-04-17", "date: 2020-04-18")).unwrap();
    let without = build(&[]);
    let stderr = String::from_utf8_lossy(&without.stderr);
    assert!(without.status.success(), "{stderr}");
    assert!(stderr.contains("this OFD edition is from an earlier build"), "{stderr}");

    for (answer, said) in [
        (r#"echo '{"seal": "", "signed_value": ""}'"#, "answered an empty `seal`"),
        ("echo connecting to the device; echo '{}'", "it printed: \"connecting to the device"),
    ] {
        let refused = build(&["--ofd", "--seal-cmd", answer]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(!refused.status.success(), "{stderr}");
        assert!(stderr.contains("sealing failed") && stderr.contains(said), "{said}: {stderr}");
    }
}
