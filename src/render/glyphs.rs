//! No missing glyphs: before rendering, every character of every text that
//! reaches the PDF is checked against the bundled fonts. A character no font
//! draws would print as an empty box; instead it is an error at each place
//! the editor typed it (file, line, column), with its code point.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::diag::Diagnostic;
use crate::render::world::Fonts;

/// Characters that take no room and draw nothing (a zero-width space, a
/// joiner, a soft hyphen, a byte-order mark, direction marks), pasted along
/// with text from web pages and chat apps: no editor shows them to fix.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Drops the invisible characters from every string in `value`: they
/// would print as nothing at best and as an empty box at worst.
pub fn drop_invisible(value: &mut Value) {
    match value {
        Value::String(text) if text.chars().any(is_invisible) => text.retain(|c| !is_invisible(c)),
        Value::Array(items) => items.iter_mut().for_each(drop_invisible),
        Value::Object(map) => map.values_mut().for_each(drop_invisible),
        _ => {}
    }
}

/// The characters of the strings in `value` that no bundled font covers.
pub fn missing_in(value: &Value, fonts: &Fonts) -> BTreeSet<char> {
    fn walk(value: &Value, out: &mut BTreeSet<char>) {
        match value {
            Value::String(text) => out.extend(text.chars().filter(|c| !c.is_whitespace() && !c.is_control())),
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            Value::Object(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    // Each distinct character once: a month prints thousands of characters
    // but only a few hundred different ones, and coverage lookups are not free.
    let mut used = BTreeSet::new();
    walk(value, &mut used);
    used.into_iter().filter(|c| !fonts.covers(*c)).collect()
}

/// Diagnostics for the missing characters: one per place in the month's
/// files where each was typed (YAML comments, which never print, aside).
pub fn diagnostics(
    month_dir: &std::path::Path,
    sources: &[(String, Vec<u8>)],
    missing: &BTreeSet<char>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &c in missing {
        let message =
            format!("no bundled font has a glyph for `{c}` (U+{:04X}): it would print as an empty box", c as u32);
        let hint = "replace the character (a private-use or rare code point pasted from another system?), or add a font that covers it to fonts/";
        let before = out.len();
        for (name, bytes) in sources {
            let Ok(text) = std::str::from_utf8(bytes) else { continue };
            let yaml = name.ends_with(".yaml");
            for (index, line) in text.lines().enumerate() {
                let printed = if yaml { strip_comment(line) } else { line };
                for (column, _) in printed.chars().enumerate().filter(|(_, ch)| *ch == c) {
                    out.push(
                        Diagnostic::error(month_dir.join(name), message.clone())
                            .at(text, index + 1, column + 1)
                            .with_hint(hint),
                    );
                }
            }
        }
        if out.len() == before {
            // Not typed in the month: it comes from a layout or sentence template.
            out.push(Diagnostic::error("layouts", message).with_hint("a layout or sentence template prints it"));
        }
    }
    out
}

/// A YAML line without its comment (a `#` after white space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return &line[..at],
            _ => {}
        }
        previous = c;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::strip_comment;

    #[test]
    fn yaml_comments_are_not_printed_text() {
        assert_eq!(strip_comment("name: 甲 # 注释"), "name: 甲 ");
        assert_eq!(strip_comment("# 整行注释"), "");
        assert_eq!(strip_comment("name: \"a # b\" # c"), "name: \"a # b\" ");
        assert_eq!(strip_comment("code: a#b"), "code: a#b");
    }
}
