//! The OFD edition (GB/T 33190-2016) of a laid-out bulletin, written from
//! the same pages as the PDF — never converted from it.
//!
//! The package: `OFD.xml` (DocBody: DocInfo, then DocRoot),
//! `Doc_0/Document.xml` (CommonData, the page list), `Doc_0/PublicRes.xml`
//! (the colour space and the fonts, each an embedded subset under
//! `Doc_0/Res/`) and `Doc_0/Pages/Page_N/Content.xml`, one layer a page.
//! Lengths are millimetres, y pointing down, as in Typst's frames. Pages,
//! fonts, layers and objects share one ID space (`MaxUnitID` is the
//! largest). Every object spans the page (`Boundary`) and carries the
//! transform of the groups it sits in as its `CTM`, so that a rotated
//! watermark is placed as the PDF places it. Text keeps its glyph ids
//! (`CGTransform`) and its Unicode text (`TextCode`) for search and copy.
//!
//! Not yet drawn: images, gradients and tilings, clipping paths — a layout
//! that uses one is an error here, never a silently missing part.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use typst::layout::{Abs, Frame, FrameItem, Point, Size, Transform};
use typst::text::{Font, TextItem};
use typst::visualize::{Color, CurveItem, FillRule, FixedStroke, Geometry, LineCap, LineJoin, Paint, Shape};
use typst_layout::PagedDocument;

use super::xml::{num, xml_text};
use crate::Error;

/// The namespace every element is written in, always with its `ofd:` prefix.
const NS: &str = "http://www.ofdspec.org/2016";

/// What the package says of the document (its DocInfo).
#[derive(Clone, Debug)]
pub struct Info {
    /// Stable across builds of the same period: derived from the PDF's ident.
    pub ident: String,
    pub title: String,
    pub author: String,
    /// The sign-off date, `YYYY-MM-DD`.
    pub date: String,
    pub keywords: Vec<String>,
    /// The 落款's date as printed (2020年4月17日): a seal is stamped over it.
    pub seal_anchor: Option<String>,
}

/// The seal's size: a round official seal of 42 mm, the common size of an
/// office's seal.
const SEAL_MM: f64 = 42.0;

/// The OFD package of `document`, as the bytes of its zip file; sealed
/// by `seal` (the office's signing system) where given.
pub fn package(document: &PagedDocument, info: &Info, seal: Option<super::seal::Signer>) -> Result<Vec<u8>, Error> {
    let mut ids = Ids::default();
    let mut fonts = Fonts::default();
    let mut pages = Vec::new();
    // The 落款's date: its page and its run's box, in millimetres.
    let mut anchor: Option<(usize, [f64; 3])> = None;
    for (index, page) in document.pages().iter().enumerate() {
        let id = ids.next();
        let mut content = String::new();
        let layer = ids.next();
        let size = page.frame.size();
        let mut writer = PageWriter {
            ids: &mut ids,
            fonts: &mut fonts,
            out: &mut content,
            page: size,
            anchor: info.seal_anchor.as_deref(),
            found: None,
        };
        writer.frame(&page.frame, Transform::identity())?;
        if let Some(found) = writer.found {
            anchor = Some((index, found));
        }
        pages.push((id, layer, size, content));
    }
    // The fonts: each face's subset, its glyphs renumbered as the text
    // objects already name them.
    let mut font_entries = Vec::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    // In the order the text first used them (their IDs), never by where
    // their data happens to lie in memory.
    let mut faces: Vec<&Face> = fonts.faces.values().collect();
    faces.sort_by_key(|face| face.id);
    for face in faces {
        let data = subsetter::subset(face.font.data(), face.font.index(), &face.remapper)
            .map_err(|err| Error::Render { message: format!("the OFD edition could not subset a font: {err}") })?;
        // The subset has no character map: a reader that maps the text
        // through one (not through CGTransform) finds it again.
        let data = with_cmap(&data, &face.unicode).ok_or_else(|| Error::Render {
            message: "the OFD edition could not give a font subset its character map".into(),
        })?;
        let extension = if data.starts_with(b"OTTO") { "otf" } else { "ttf" };
        let file = format!("font_{}.{extension}", face.id);
        // Two faces of a family (宋体 and its bold) by their own names.
        let info = face.font.info();
        let family = xml_text(&info.family);
        let name = xml_text(&face.font.post_script_name().unwrap_or_else(|| info.family.clone()));
        let bold = if info.variant.weight.to_number() >= 600 { r#" Bold="true""# } else { "" };
        font_entries.push(format!(
            r#"<ofd:Font ID="{}" FontName="{name}" FamilyName="{family}"{bold}><ofd:FontFile>{file}</ofd:FontFile></ofd:Font>"#,
            face.id
        ));
        files.push((format!("Doc_0/Res/{file}"), data));
    }
    let outlines = outlines(document, &pages.iter().map(|(id, ..)| *id).collect::<Vec<_>>());
    let color_space = ids.next();
    let max_id = ids.last;
    let (width, height) = pages.first().map_or((210.0, 297.0), |(_, _, size, _)| (mm(size.x), mm(size.y)));

    let mut doc_info = String::new();
    let _ = write!(
        doc_info,
        "<ofd:DocID>{}</ofd:DocID><ofd:Title>{}</ofd:Title><ofd:Author>{}</ofd:Author><ofd:CreationDate>{}</ofd:CreationDate>",
        doc_id(&info.ident),
        xml_text(&info.title),
        xml_text(&info.author),
        xml_text(&info.date)
    );
    if !info.keywords.is_empty() {
        doc_info.push_str("<ofd:Keywords>");
        for keyword in &info.keywords {
            let _ = write!(doc_info, "<ofd:Keyword>{}</ofd:Keyword>", xml_text(keyword));
        }
        doc_info.push_str("</ofd:Keywords>");
    }
    doc_info.push_str("<ofd:Creator>bulletin</ofd:Creator>");
    let signatures = if seal.is_some() { super::seal::signatures_entry() } else { String::new() };
    let ofd = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>{doc_info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>{signatures}</ofd:DocBody></ofd:OFD>"#
    );
    let page_list: String = pages
        .iter()
        .enumerate()
        .map(|(i, (id, ..))| format!(r#"<ofd:Page ID="{id}" BaseLoc="Pages/Page_{i}/Content.xml"/>"#))
        .collect();
    let document_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{max_id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages>{outlines}</ofd:Document>"#,
        num(width),
        num(height)
    );
    let public_res = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:ColorSpaces><ofd:ColorSpace ID="{color_space}" Type="RGB" BitsPerComponent="8"/></ofd:ColorSpaces><ofd:Fonts>{}</ofd:Fonts></ofd:Res>"#,
        font_entries.join("")
    );
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("OFD.xml".into(), ofd.into_bytes()),
        ("Doc_0/Document.xml".into(), document_xml.into_bytes()),
        ("Doc_0/PublicRes.xml".into(), public_res.into_bytes()),
    ];
    for (i, (_, layer, size, content)) in pages.iter().enumerate() {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Area><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer ID="{layer}">{content}</ofd:Layer></ofd:Content></ofd:Page>"#,
            num(mm(size.x)),
            num(mm(size.y))
        );
        parts.push((format!("Doc_0/Pages/Page_{i}/Content.xml"), xml.into_bytes()));
    }
    parts.extend(files);
    if let Some(sign) = seal {
        // Centred on the date, which sits a little below the seal's centre
        // (GB/T 9704-2012 §7.3.5.1: the seal presses on the issuer and date).
        let Some((index, [x, baseline, width])) = anchor else {
            return Err(Error::Render {
                message: "the OFD edition is to be sealed, and the 落款's date is not on any page: a draft has none"
                    .into(),
            });
        };
        let (left, top) = (x + width / 2.0 - SEAL_MM / 2.0, baseline - SEAL_MM * 0.62);
        let place =
            super::seal::Place { page: index + 1, page_id: pages[index].0, boundary: [left, top, SEAL_MM, SEAL_MM] };
        super::seal::seal(&mut parts, NS, place, &info.date, sign)?;
    }
    zip(&parts)
}

/// `font` (an OpenType or TrueType file) with a `cmap` table mapping each
/// character of `unicode` to its glyph (format 12, for the Unicode and the
/// Windows platform), any old one replaced; the tables laid out afresh
/// with their checksums and the head's checksum adjustment.
fn with_cmap(font: &[u8], unicode: &BTreeMap<u32, u16>) -> Option<Vec<u8>> {
    let u16_at = |at: usize| Some(u16::from_be_bytes(font.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_be_bytes(font.get(at..at + 4)?.try_into().ok()?));
    let version = u32_at(0)?;
    let mut tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    for i in 0..usize::from(u16_at(4)?) {
        let record = 12 + 16 * i;
        let tag: [u8; 4] = font.get(record..record + 4)?.try_into().ok()?;
        let (offset, length) = (u32_at(record + 8)? as usize, u32_at(record + 12)? as usize);
        tables.insert(tag, font.get(offset..offset.checked_add(length)?)?.to_vec());
    }
    // Runs of characters whose glyphs follow each other: (first, last, glyph of the first).
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for (&c, &glyph) in unicode {
        match groups.last_mut() {
            Some((first, last, start)) if *last + 1 == c && *start + (c - *first) == u32::from(glyph) => *last = c,
            _ => groups.push((c, c, u32::from(glyph))),
        }
    }
    let mut cmap = Vec::new();
    cmap.extend(0u16.to_be_bytes()); // version
    cmap.extend(2u16.to_be_bytes()); // encoding records, both at the one subtable
    for (platform, encoding) in [(0u16, 4u16), (3, 10)] {
        cmap.extend(platform.to_be_bytes());
        cmap.extend(encoding.to_be_bytes());
        cmap.extend(20u32.to_be_bytes());
    }
    cmap.extend(12u16.to_be_bytes()); // format
    cmap.extend(0u16.to_be_bytes());
    cmap.extend((16 + 12 * groups.len() as u32).to_be_bytes());
    cmap.extend(0u32.to_be_bytes()); // language
    cmap.extend((groups.len() as u32).to_be_bytes());
    for (first, last, glyph) in groups {
        cmap.extend(first.to_be_bytes());
        cmap.extend(last.to_be_bytes());
        cmap.extend(glyph.to_be_bytes());
    }
    tables.insert(*b"cmap", cmap);
    // The head's checkSumAdjustment is set once the whole file is known.
    if let Some(head) = tables.get_mut(b"head") {
        head.get_mut(8..12)?.copy_from_slice(&[0; 4]);
    }
    let checksum = |bytes: &[u8]| -> u32 {
        bytes.chunks(4).fold(0u32, |sum, chunk| {
            let mut word = [0u8; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            sum.wrapping_add(u32::from_be_bytes(word))
        })
    };
    let n = tables.len() as u16;
    let selector = 15 - n.leading_zeros() as u16; // floor(log2 n)
    let range = 16u16 << selector;
    let mut out = Vec::new();
    out.extend(version.to_be_bytes());
    out.extend(n.to_be_bytes());
    out.extend(range.to_be_bytes());
    out.extend(selector.to_be_bytes());
    out.extend((n * 16 - range).to_be_bytes());
    let start = 12 + 16 * tables.len();
    let mut body: Vec<u8> = Vec::new();
    let mut head_at = None;
    for (tag, bytes) in &tables {
        let offset = start + body.len();
        out.extend(tag);
        out.extend(checksum(bytes).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((bytes.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        body.extend(bytes);
        body.resize(body.len().div_ceil(4) * 4, 0);
    }
    out.extend(body);
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out.get_mut(at + 8..at + 12)?.copy_from_slice(&adjustment.to_be_bytes());
    }
    Some(out)
}

/// The outline (bookmarks) from the headings, nested by level, each going
/// to its page and position; empty where there is no heading.
fn outlines(document: &PagedDocument, page_ids: &[u64]) -> String {
    use typst::foundations::{NativeElement, StyleChain};
    use typst::introspection::Introspector;
    use typst::model::HeadingElem;
    let introspector = document.introspector();
    let mut entries = Vec::new();
    for elem in introspector.query(&HeadingElem::ELEM.select()) {
        let Some(heading) = elem.to_packed::<HeadingElem>() else { continue };
        let Some(position) = elem.location().and_then(|loc| introspector.position(loc)) else { continue };
        let Some(page) = page_ids.get(position.page.get() - 1) else { continue };
        let level = heading.resolve_level(StyleChain::default()).get();
        let title = heading.body.plain_text().to_string();
        entries.push((level, title, *page, position.point));
    }
    if entries.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ofd:Outlines>");
    let mut open: Vec<usize> = Vec::new();
    for (level, title, page, point) in entries {
        while open.last().is_some_and(|&l| l >= level) {
            open.pop();
            out.push_str("</ofd:OutlineElem>");
        }
        let _ = write!(
            out,
            r#"<ofd:OutlineElem Title="{}"><ofd:Actions><ofd:Action Event="CLICK"><ofd:Goto><ofd:Dest Type="XYZ" PageID="{page}" Left="{}" Top="{}"/></ofd:Goto></ofd:Action></ofd:Actions>"#,
            xml_text(&title),
            num(mm(point.x)),
            num(mm(point.y))
        );
        open.push(level);
    }
    for _ in open {
        out.push_str("</ofd:OutlineElem>");
    }
    out.push_str("</ofd:Outlines>");
    out
}

/// The parts as a zip file, each deflated and dated 1980-01-01 (the zip
/// format's first day), so that the same pages give the same bytes.
fn zip(parts: &[(String, Vec<u8>)]) -> Result<Vec<u8>, Error> {
    let failed = |err: &dyn std::fmt::Display| Error::Render { message: format!("the OFD package: {err}") };
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in parts {
        writer.start_file(name.as_str(), options).map_err(|err| failed(&err))?;
        writer.write_all(bytes).map_err(|err| failed(&err))?;
    }
    Ok(writer.finish().map_err(|err| failed(&err))?.into_inner())
}

/// The package's DocID: 32 hex digits of the ident's SHA-256.
fn doc_id(ident: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(ident.as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// One ID space for pages, layers, fonts, objects and resources.
#[derive(Default)]
struct Ids {
    last: u64,
}

impl Ids {
    fn next(&mut self) -> u64 {
        self.last += 1;
        self.last
    }
}

/// A face used by the text, its ID and the glyphs it keeps.
struct Face {
    id: u64,
    font: Font,
    remapper: subsetter::GlyphRemapper,
    /// Each character the text shows with one glyph of its own, and that
    /// glyph in the subset: the character map put back into the subset.
    unicode: BTreeMap<u32, u16>,
}

#[derive(Default)]
struct Fonts {
    /// By the face's data address and index: the same face, one resource.
    faces: BTreeMap<(usize, u32), Face>,
}

impl Fonts {
    fn face(&mut self, font: &Font, ids: &mut Ids) -> &mut Face {
        let key = (font.data().as_ptr() as usize, font.index());
        self.faces.entry(key).or_insert_with(|| Face {
            id: ids.next(),
            font: font.clone(),
            remapper: subsetter::GlyphRemapper::new(),
            unicode: BTreeMap::new(),
        })
    }
}

struct PageWriter<'a> {
    ids: &'a mut Ids,
    fonts: &'a mut Fonts,
    out: &'a mut String,
    page: Size,
    /// The text to find (the 落款's date), and where it was found: its
    /// baseline's start and its width, in millimetres.
    anchor: Option<&'a str>,
    found: Option<[f64; 3]>,
}

impl PageWriter<'_> {
    fn frame(&mut self, frame: &Frame, ts: Transform) -> Result<(), Error> {
        for (pos, item) in frame.items() {
            let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                FrameItem::Group(group) => {
                    if group.clip.is_some() {
                        return Err(unsupported("a clipped group"));
                    }
                    self.frame(&group.frame, at.pre_concat(group.transform))?;
                }
                FrameItem::Text(text) => self.text(text, at)?,
                FrameItem::Shape(shape, _) => self.shape(shape, at)?,
                FrameItem::Image(..) => return Err(unsupported("an image")),
                // A link has no ink; a tag only marks the structure.
                FrameItem::Link(..) | FrameItem::Tag(_) => {}
            }
        }
        Ok(())
    }

    /// The attributes every object shares: the page as its boundary, and
    /// its transform where it turns or scales (a CTM); a mere move is
    /// returned instead, in millimetres, to be added to its coordinates.
    fn placed(&mut self, name: &str, ts: Transform) -> (f64, f64) {
        let id = self.ids.next();
        let _ = write!(
            self.out,
            r#"<ofd:{name} ID="{id}" Boundary="0 0 {} {}""#,
            num(mm(self.page.x)),
            num(mm(self.page.y))
        );
        let moved_only = ts.sx.get() == 1.0 && ts.sy.get() == 1.0 && ts.kx.get() == 0.0 && ts.ky.get() == 0.0;
        if moved_only {
            return (mm(ts.tx), mm(ts.ty));
        }
        {
            let _ = write!(
                self.out,
                r#" CTM="{} {} {} {} {} {}""#,
                num(ts.sx.get()),
                num(ts.ky.get()),
                num(ts.kx.get()),
                num(ts.sy.get()),
                num(mm(ts.tx)),
                num(mm(ts.ty))
            );
        }
        (0.0, 0.0)
    }

    /// One shaped run: its glyphs by id (renumbered for the subset), its
    /// text, the baseline's start and the gaps between glyphs.
    fn text(&mut self, text: &TextItem, ts: Transform) -> Result<(), Error> {
        if text.glyphs.is_empty() {
            return Ok(());
        }
        let (rgb, alpha) = solid(&text.fill)?;
        let font = text.font.font();
        let size = text.size;
        let face = self.fonts.face(font, self.ids);
        let font_id = face.id;
        let glyphs: Vec<u16> = text.glyphs.iter().map(|g| face.remapper.remap(g.id)).collect();
        let (ox, oy) = self.placed("TextObject", ts);
        if self.anchor.is_some_and(|a| text.text.as_str() == a) {
            self.found = Some([ox, oy, mm(text.width())]);
        }
        let _ = write!(self.out, r#" Font="{font_id}" Size="{}""#, num(mm(size)));
        if let Some(alpha) = alpha {
            let _ = write!(self.out, r#" Alpha="{alpha}""#);
        }
        self.out.push('>');
        let _ = write!(self.out, r#"<ofd:FillColor Value="{rgb}"/>"#);
        // Each glyph's pen position, from the advances and offsets.
        let mut x = Abs::zero();
        let mut positions = Vec::with_capacity(text.glyphs.len());
        for glyph in &text.glyphs {
            positions.push((x + glyph.x_offset.at(size), -glyph.y_offset.at(size)));
            x += glyph.x_advance.at(size);
        }
        let chars = |range: std::ops::Range<usize>| text.text.get(range).unwrap_or_default();
        let one_to_one = text.glyphs.iter().all(|g| chars(g.range()).chars().count() == 1)
            && text.glyphs.windows(2).all(|w| w[0].range().end <= w[1].range().start);
        if one_to_one {
            let face = self.fonts.face(font, self.ids);
            for (glyph, id) in text.glyphs.iter().zip(&glyphs) {
                if let Some(c) = chars(glyph.range()).chars().next() {
                    face.unicode.entry(u32::from(c)).or_insert(*id);
                }
            }
            // One code for the run: its characters, their glyphs in order.
            let codes: String = text.glyphs.iter().map(|g| chars(g.range())).collect();
            let ids: Vec<String> = glyphs.iter().map(u16::to_string).collect();
            let _ = write!(
                self.out,
                r#"<ofd:CGTransform CodePosition="0" CodeCount="{}" GlyphCount="{}"><ofd:Glyphs>{}</ofd:Glyphs></ofd:CGTransform>"#,
                glyphs.len(),
                glyphs.len(),
                ids.join(" ")
            );
            let (x0, y0) = positions[0];
            let deltas = |values: Vec<f64>| values.iter().map(|d| num(*d)).collect::<Vec<_>>().join(" ");
            let dx: Vec<f64> = positions.windows(2).map(|w| mm(w[1].0 - w[0].0)).collect();
            let dy: Vec<f64> = positions.windows(2).map(|w| mm(w[1].1 - w[0].1)).collect();
            let _ = write!(self.out, r#"<ofd:TextCode X="{}" Y="{}""#, num(ox + mm(x0)), num(oy + mm(y0)));
            if !dx.is_empty() {
                let _ = write!(self.out, r#" DeltaX="{}""#, deltas(dx));
            }
            if dy.iter().any(|d| *d != 0.0) {
                let _ = write!(self.out, r#" DeltaY="{}""#, deltas(dy));
            }
            let _ = write!(self.out, ">{}</ofd:TextCode>", xml_text(&codes));
        } else {
            // Ligatures or clusters: a code for each glyph, with its own
            // characters (none repeated where glyphs share them).
            let mut code_at = 0;
            let mut taken = 0usize;
            for (i, glyph) in text.glyphs.iter().enumerate() {
                let range = glyph.range();
                let start = range.start.max(taken);
                let code = if range.end > start { chars(start..range.end).to_owned() } else { String::new() };
                taken = taken.max(range.end);
                let count = code.chars().count();
                let _ = write!(
                    self.out,
                    r#"<ofd:CGTransform CodePosition="{code_at}" CodeCount="{}" GlyphCount="1"><ofd:Glyphs>{}</ofd:Glyphs></ofd:CGTransform>"#,
                    count.max(1),
                    glyphs[i]
                );
                code_at += count.max(1);
                let (px, py) = positions[i];
                let code = if code.is_empty() { " ".to_owned() } else { code };
                let _ = write!(
                    self.out,
                    r#"<ofd:TextCode X="{}" Y="{}">{}</ofd:TextCode>"#,
                    num(ox + mm(px)),
                    num(oy + mm(py)),
                    xml_text(&code)
                );
            }
        }
        self.out.push_str("</ofd:TextObject>");
        Ok(())
    }

    fn shape(&mut self, shape: &Shape, ts: Transform) -> Result<(), Error> {
        // The outline, once its move is known.
        let data = |(ox, oy): (f64, f64)| match &shape.geometry {
            Geometry::Line(to) => format!("M {} {} L {} {}", num(ox), num(oy), num(ox + mm(to.x)), num(oy + mm(to.y))),
            Geometry::Rect(size) => {
                let (x0, y0, x1, y1) = (num(ox), num(oy), num(ox + mm(size.x)), num(oy + mm(size.y)));
                format!("M {x0} {y0} L {x1} {y0} L {x1} {y1} L {x0} {y1} C")
            }
            Geometry::Curve(curve) => {
                let p = |p: &Point| format!("{} {}", num(ox + mm(p.x)), num(oy + mm(p.y)));
                curve
                    .0
                    .iter()
                    .map(|item| match item {
                        CurveItem::Move(to) => format!("M {}", p(to)),
                        CurveItem::Line(to) => format!("L {}", p(to)),
                        CurveItem::Cubic(a, b, to) => format!("B {} {} {}", p(a), p(b), p(to)),
                        CurveItem::Close => "C".to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        };
        // A line has nothing to fill.
        let fill = match &shape.fill {
            Some(paint) if !matches!(shape.geometry, Geometry::Line(_)) => Some(solid(paint)?),
            _ => None,
        };
        let stroke = match &shape.stroke {
            Some(stroke) => Some((stroke, solid(&stroke.paint)?)),
            None => None,
        };
        if fill.is_none() && stroke.is_none() {
            return Ok(());
        }
        let moved = self.placed("PathObject", ts);
        let _ = write!(self.out, r#" Stroke="{}" Fill="{}""#, stroke.is_some(), fill.is_some());
        if fill.is_some() && shape.fill_rule == FillRule::EvenOdd {
            self.out.push_str(r#" Rule="Even-Odd""#);
        }
        if let Some((stroke, _)) = &stroke {
            self.stroke_attributes(stroke);
        }
        self.out.push('>');
        if let Some((_, (rgb, alpha))) = &stroke {
            color(self.out, "StrokeColor", rgb, *alpha);
        }
        if let Some((rgb, alpha)) = &fill {
            color(self.out, "FillColor", rgb, *alpha);
        }
        let _ = write!(self.out, "<ofd:AbbreviatedData>{}</ofd:AbbreviatedData></ofd:PathObject>", data(moved));
        Ok(())
    }

    fn stroke_attributes(&mut self, stroke: &FixedStroke) {
        let _ = write!(self.out, r#" LineWidth="{}""#, num(mm(stroke.thickness)));
        let cap = match stroke.cap {
            LineCap::Butt => "Butt",
            LineCap::Round => "Round",
            LineCap::Square => "Square",
        };
        let join = match stroke.join {
            LineJoin::Miter => "Miter",
            LineJoin::Round => "Round",
            LineJoin::Bevel => "Bevel",
        };
        let _ = write!(self.out, r#" Cap="{cap}" Join="{join}" MiterLimit="{}""#, num(stroke.miter_limit.get()));
        if let Some(dash) = &stroke.dash {
            let pattern: Vec<String> = dash.array.iter().map(|d| num(mm(*d))).collect();
            if !pattern.is_empty() {
                let _ =
                    write!(self.out, r#" DashOffset="{}" DashPattern="{}""#, num(mm(dash.phase)), pattern.join(" "));
            }
        }
    }
}

fn color(out: &mut String, name: &str, rgb: &str, alpha: Option<u8>) {
    match alpha {
        Some(alpha) => {
            let _ = write!(out, r#"<ofd:{name} Value="{rgb}" Alpha="{alpha}"/>"#);
        }
        None => {
            let _ = write!(out, r#"<ofd:{name} Value="{rgb}"/>"#);
        }
    }
}

/// A solid paint as OFD's `r g b` (0–255) and its alpha where not opaque.
fn solid(paint: &Paint) -> Result<(String, Option<u8>), Error> {
    let Paint::Solid(color) = paint else { return Err(unsupported("a gradient or tiling paint")) };
    let [r, g, b, a] = Color::to_vec4_u8(&color.to_rgb().into());
    Ok((format!("{r} {g} {b}"), (a < 255).then_some(a)))
}

fn unsupported(what: &str) -> Error {
    Error::Render {
        message: format!("the layout draws {what}, which the OFD edition does not write yet: build without --ofd"),
    }
}

fn mm(length: Abs) -> f64 {
    length.to_mm()
}
