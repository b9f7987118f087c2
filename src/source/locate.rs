//! Finds where a field sits in a YAML file, so that a diagnostic about
//! `groups[0].units[9].satisfied` can point at line 170, column 9.
//!
//! serde_yaml keeps no spans once a value is deserialised, so this walks the
//! text itself by indentation. It understands what the month files use:
//! block mappings, block sequences (`- key: value`), and one-line flow
//! mappings (`- { name: 社区工作, count: 220 }`). Where it cannot follow the
//! path to the end it answers with the deepest place it reached, which is
//! still the right neighbourhood.

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A token of the indentation walk: a `- ` item marker or the start of a
/// key/value text, at a character column of a line.
#[derive(Debug)]
struct Token<'a> {
    line: usize,
    column: usize,
    dash: bool,
    text: &'a str,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut column = line.chars().take_while(|c| *c == ' ').count();
        let mut rest = &line[column..];
        if rest.is_empty() || rest.starts_with('#') || rest.starts_with("---") {
            continue;
        }
        while let Some(after) = rest.strip_prefix('-').filter(|a| a.is_empty() || a.starts_with(' ')) {
            tokens.push(Token { line: index + 1, column, dash: true, text: rest });
            let spaces = after.chars().take_while(|c| *c == ' ').count();
            column += 1 + spaces;
            rest = &after[spaces..];
        }
        if !rest.is_empty() && !rest.starts_with('#') {
            tokens.push(Token { line: index + 1, column, dash: false, text: rest });
        }
    }
    tokens
}

/// Whether `text` (a key/value token) defines `key`.
fn defines(text: &str, key: &str) -> bool {
    let text = text.trim_start();
    let bare = text.strip_prefix(key).is_some_and(|rest| rest.starts_with(':'));
    let quoted = ['"', '\''].iter().any(|q| {
        text.strip_prefix(*q)
            .and_then(|t| t.strip_prefix(key))
            .and_then(|t| t.strip_prefix(*q))
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    });
    bare || quoted
}

/// The position of the field at `path` in the YAML `text`, or of the
/// deepest part of the path that could be found; `None` for an empty file.
pub fn locate(text: &str, path: &[Segment]) -> Option<Position> {
    let tokens = tokens(text);
    let first = tokens.first()?;
    let mut found = Position { line: first.line, column: first.column + 1 };
    // The tokens that make up the current node, and its indentation.
    let (mut lo, mut hi) = (0, tokens.len());
    for (depth, segment) in path.iter().enumerate() {
        let Some(base) = tokens.get(lo).map(|t| t.column) else { break };
        let siblings = (lo..hi).filter(|&i| tokens[i].column == base);
        let hit = match segment {
            Segment::Key(key) => siblings.clone().find(|&i| !tokens[i].dash && defines(tokens[i].text, key)),
            Segment::Index(n) => siblings.clone().filter(|&i| tokens[i].dash).nth(*n),
        };
        let Some(hit) = hit else {
            // A one-line flow mapping holds the rest of the path inline.
            if let (Segment::Key(key), Some(token)) = (segment, tokens.get(lo)) {
                if let Some(column) = find_inline_key(token.text, key) {
                    found = Position { line: token.line, column: token.column + column + 1 };
                }
            }
            break;
        };
        let token = &tokens[hit];
        found = Position { line: token.line, column: token.column + 1 };
        // The node's children: what follows, until a token at or left of it.
        let end = (hit + 1..hi).find(|&i| tokens[i].column <= base).unwrap_or(hi);
        if let Segment::Key(key) = segment {
            // What follows the key and its colon (the key may be quoted).
            let after_key = token.text.find(key.as_str()).map_or("", |at| &token.text[at + key.len()..]);
            let value =
                after_key.trim_start_matches(['"', '\'']).trim_start().strip_prefix(':').unwrap_or("").trim_start();
            let is_last = depth + 1 == path.len();
            if !value.is_empty() && !value.starts_with('#') && !is_last {
                // Inline value (a flow mapping): look for the next key in it.
                let offset = token.text.chars().count() - value.chars().count();
                let column = match path.get(depth + 1) {
                    Some(Segment::Key(next)) => find_inline_key(value, next),
                    // A flow sequence: `sort: [score desc, signed asc]`.
                    Some(Segment::Index(n)) => find_inline_item(value, *n),
                    None => None,
                };
                if let Some(column) = column {
                    found = Position { line: token.line, column: token.column + offset + column + 1 };
                }
                break;
            }
        }
        lo = hit + 1;
        hi = end;
        if lo >= hi {
            break;
        }
    }
    Some(found)
}

/// Like [`locate`], but for a key with its value on the same line, the
/// position of the value (`signed: 117` → the `1`): what is wrong is
/// usually the value, and the caret should say so.
pub fn locate_value(text: &str, path: &[Segment]) -> Option<Position> {
    let found = locate(text, path)?;
    let Some(Segment::Key(key)) = path.last() else { return Some(found) };
    let line = text.lines().nth(found.line - 1)?;
    let start = line.char_indices().nth(found.column - 1).map_or(line.len(), |(byte, _)| byte);
    let rest = &line[start..];
    let unquoted = rest.trim_start_matches(['"', '\'']);
    let Some(after_key) = unquoted.strip_prefix(key.as_str()) else { return Some(found) };
    let Some(after_colon) = after_key.trim_start_matches(['"', '\'']).trim_start().strip_prefix(':') else {
        return Some(found);
    };
    // Only YAML's own spaces: a full-width space (U+3000) is part of the value.
    let value = after_colon.trim_start_matches([' ', '\t']);
    if value.is_empty() || value.starts_with('#') {
        return Some(found);
    }
    let skipped = rest.chars().count() - value.chars().count();
    Some(Position { line: found.line, column: found.column + skipped })
}

/// The character column of item `n` of a one-line flow sequence
/// `[a, b, "c, d"]` (commas inside quotes or brackets do not separate).
fn find_inline_item(text: &str, n: usize) -> Option<usize> {
    let inner = text.strip_prefix('[')?;
    let mut item = 0;
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (i, c) in inner.chars().enumerate() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ']') if depth == 0 => break,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                item += 1;
                continue;
            }
            _ => {}
        }
        if item == n && !c.is_whitespace() {
            return Some(i + 1);
        }
    }
    None
}

/// The character column of `key:` inside a flow mapping `{ a: 1, key: 2 }`.
fn find_inline_key(text: &str, key: &str) -> Option<usize> {
    let mut byte = 0;
    while let Some(offset) = text[byte..].find(key) {
        let start = byte + offset;
        let before = text[..start].chars().next_back();
        let after = text[start + key.len()..].trim_start();
        if matches!(before, Some('{' | ',' | ' ')) && after.starts_with(':') {
            return Some(text[..start].chars().count());
        }
        byte = start + key.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_of_a_flow_sequence() {
        let text = "sort: [unsatisfied desc, \"max(a, b) desc\", score asc]\n";
        let at = |n| locate(text, &path(&format!("sort.{n}"))).unwrap().column;
        assert_eq!([at(0), at(1), at(2)], [8, 26, 44]);
    }

    fn path(spec: &str) -> Vec<Segment> {
        spec.split('.')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map(Segment::Index).unwrap_or_else(|_| Segment::Key(s.to_owned())))
            .collect()
    }

    const UNITS: &str = "\
# comment
groups:
  - name: 街道
    units:
      - id: a
        name: 甲
        satisfied: 3
      - id: b
        name: 乙
        satisfied: 4
  - name: 部门
    units:
      - id: c
        satisfied: 5
topic:
  natures:
    - { name: 咨询, count: 65 }
    - { name: 求助, count: 345 }
  tickets: 435
";

    #[test]
    fn finds_fields_by_path() {
        // (path, line, column)
        let cases = [
            ("groups", 2, 1),
            ("groups.0.name", 3, 5),
            ("groups.0.units.1.satisfied", 10, 9),
            ("groups.0.units.1", 8, 7),
            ("groups.1.units.0.satisfied", 14, 9),
            ("topic.tickets", 19, 3),
            ("topic.natures.1.count", 18, 19),
            ("topic.natures.1", 18, 5),
            // Not there: the deepest part that is.
            ("groups.0.units.7.satisfied", 4, 5),
            ("groups.0.units.0.missing", 5, 7),
        ];
        for (spec, line, column) in cases {
            assert_eq!(locate(UNITS, &path(spec)), Some(Position { line, column }), "path {spec}");
        }
    }

    #[test]
    fn quoted_and_non_ascii_keys() {
        let text = "a:\n  '中文': { 键: 1 }\n  \"b\": 2\n";
        assert_eq!(locate(text, &path("a.中文")), Some(Position { line: 2, column: 3 }));
        assert_eq!(locate(text, &path("a.中文.键")), Some(Position { line: 2, column: 11 }));
        assert_eq!(locate(text, &path("a.b")), Some(Position { line: 3, column: 3 }));
    }

    #[test]
    fn values_on_the_key_line() {
        // (path, line, column): the value when it is on the key's line.
        let cases = [
            ("groups.0.name", 3, 11),
            ("groups.0.units.1.satisfied", 10, 20),
            ("topic.natures.1.count", 18, 26),
            ("topic.tickets", 19, 12),
            // No value on the line: the key.
            ("groups", 2, 1),
            ("topic.natures", 16, 3),
            ("groups.0.units.1", 8, 7),
        ];
        for (spec, line, column) in cases {
            assert_eq!(locate_value(UNITS, &path(spec)), Some(Position { line, column }), "path {spec}");
        }
        let text = "名称: “芙蓉区” # 注释\n'b': 2\nc: # only a comment\n";
        assert_eq!(locate_value(text, &path("名称")), Some(Position { line: 1, column: 5 }));
        assert_eq!(locate_value(text, &path("b")), Some(Position { line: 2, column: 6 }));
        assert_eq!(locate_value(text, &path("c")), Some(Position { line: 3, column: 1 }));
    }

    #[test]
    fn empty_text_has_no_position() {
        assert_eq!(locate("", &path("a")), None);
        assert_eq!(locate("# only a comment\n", &path("a")), None);
    }
}
