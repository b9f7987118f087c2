//! The formulas of an office definition: `visited - satisfied`,
//! `(completed - late_completed) / completed`, `sum(units, unsatisfied)`,
//! `score == params.full_marks and signed >= 30`.
//!
//! A small language on purpose: numbers, names (`satisfied`,
//! `office.unsatisfied`, `params.full_marks`, `received.hotline`), the four
//! operations, comparisons, `and`/`or`/`not`, and a few functions. It is
//! parsed once when the definition is loaded; every error names its column
//! in the formula. Values are exact ([`Ratio`]); nothing here is `f64`.

use std::fmt;

use crate::number::{Decimal, Ratio};

/// A parsed formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(Ratio),
    /// A text in quotes, `'A'`: compared with a text measure (`grade == 'A'`).
    Text(String),
    /// A name, split at its dots: `office.unsatisfied` → `["office", "unsatisfied"]`.
    Name {
        path: Vec<String>,
        at: usize,
    },
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary {
        op: Op,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Call {
        function: Function,
        args: Vec<Expr>,
        at: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl Op {
    pub fn is_comparison(self) -> bool {
        matches!(self, Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Eq | Op::Ne)
    }

    pub fn is_logical(self) -> bool {
        matches!(self, Op::And | Op::Or)
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::And => "and",
            Op::Or => "or",
        }
    }
}

/// The functions a formula may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    /// `sum(units, unsatisfied)`: a figure summed over a collection.
    Sum,
    /// `count(units, satisfaction < 97)`: the members for which a
    /// condition holds.
    Count,
    /// `max(signed, 1)`, `min(a, b)`: the larger or smaller of two values.
    Max,
    Min,
}

impl Function {
    pub const ALL: [(&'static str, Function, &'static str); 4] = [
        ("sum", Function::Sum, "sum(COLLECTION, FIGURE)"),
        ("count", Function::Count, "count(COLLECTION, CONDITION)"),
        ("max", Function::Max, "max(A, B)"),
        ("min", Function::Min, "min(A, B)"),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, f, _)| *f == self).map_or("?", |(name, _, _)| name)
    }

    pub fn usage(self) -> &'static str {
        Self::ALL.iter().find(|(_, f, _)| *f == self).map_or("?", |(_, _, usage)| usage)
    }

    /// Whether the first argument names a collection (units, a list).
    pub fn aggregates(self) -> bool {
        matches!(self, Function::Sum | Function::Count)
    }
}

/// A formula that does not parse: where (a character offset into the
/// formula) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub at: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.at + 1)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(Ratio),
    Text(String),
    Name(String),
    Op(Op),
    Not,
    Open,
    Close,
    Comma,
    End,
}

struct Lexer {
    tokens: Vec<(Token, usize)>,
}

fn lex(text: &str) -> Result<Lexer, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let err =
        |at: usize, message: String, hint: Option<&str>| ParseError { at, message, hint: hint.map(str::to_owned) };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let literal: String = chars[start..i].iter().collect();
            let value = Decimal::parse(&literal).map(Ratio::from_decimal).ok_or_else(|| {
                err(start, format!("`{literal}` is not a number"), Some("write numbers as 70, 97 or 99.5"))
            })?;
            tokens.push((Token::Number(value), start));
            continue;
        }
        if let Some(close) = match c {
            '\'' => Some('\''),
            '"' => Some('"'),
            '‘' => Some('’'),
            '“' => Some('”'),
            _ => None,
        } {
            let end = chars[i + 1..].iter().position(|&ch| ch == close).map(|p| i + 1 + p).ok_or_else(|| {
                err(
                    start,
                    format!("a text opened with `{c}` is not closed"),
                    Some("close it with the same quote: grade == 'A'"),
                )
            })?;
            tokens.push((Token::Text(chars[i + 1..end].iter().collect()), start));
            i = end + 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let token = match word.as_str() {
                "and" => Token::Op(Op::And),
                "or" => Token::Op(Op::Or),
                "not" => Token::Not,
                _ if word.ends_with('.') || word.contains("..") => {
                    return Err(err(
                        start,
                        format!("`{word}` is not a name"),
                        Some("a dot joins two names: office.unsatisfied"),
                    ))
                }
                _ => Token::Name(word),
            };
            tokens.push((token, start));
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (token, width) = match (c, next) {
            ('<', Some('=')) | ('≤', _) => (Token::Op(Op::Le), if c == '≤' { 1 } else { 2 }),
            ('>', Some('=')) | ('≥', _) => (Token::Op(Op::Ge), if c == '≥' { 1 } else { 2 }),
            ('=', Some('=')) => (Token::Op(Op::Eq), 2),
            ('!', Some('=')) | ('≠', _) => (Token::Op(Op::Ne), if c == '≠' { 1 } else { 2 }),
            ('<', _) => (Token::Op(Op::Lt), 1),
            ('>', _) => (Token::Op(Op::Gt), 1),
            ('+', _) => (Token::Op(Op::Add), 1),
            ('-', _) => (Token::Op(Op::Sub), 1),
            ('*', _) | ('×', _) => (Token::Op(Op::Mul), 1),
            ('/', _) | ('÷', _) => (Token::Op(Op::Div), 1),
            ('(', _) => (Token::Open, 1),
            (')', _) => (Token::Close, 1),
            (',', _) => (Token::Comma, 1),
            ('=', _) => {
                return Err(err(start, "a single `=`".into(), Some("compare with `==`: score == params.full_marks")))
            }
            ('（' | '）' | '，', _) => {
                return Err(err(
                    start,
                    format!("a full-width `{c}`"),
                    Some("type brackets and commas in English mode (半角): ( ) ,"),
                ))
            }
            _ => {
                return Err(err(
                    start,
                    format!("`{c}` cannot appear in a formula"),
                    Some("a formula uses names of figures, numbers, + - * /, comparisons, and, or, not, ( )"),
                ))
            }
        };
        tokens.push((token, start));
        i += width;
    }
    tokens.push((Token::End, chars.len()));
    Ok(Lexer { tokens })
}

/// Parses a formula. Precedence, loosest first: `or`, `and`, `not`,
/// comparisons (at most one, unchained), `+ -`, `* /`, unary `-`.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let lexer = lex(text)?;
    let mut parser = Parser { tokens: lexer.tokens, next: 0 };
    if parser.peek() == &Token::End {
        return Err(ParseError { at: 0, message: "the formula is empty".into(), hint: None });
    }
    let expr = parser.or()?;
    match parser.peek() {
        Token::End => Ok(expr),
        Token::Close => Err(parser.error("a `)` without its `(`", None)),
        _ => {
            Err(parser
                .error("two values with no operator between them", Some("join them with + - * / or a comparison")))
        }
    }
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    next: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.next].0
    }

    fn at(&self) -> usize {
        self.tokens[self.next].1
    }

    fn bump(&mut self) -> (Token, usize) {
        let token = self.tokens[self.next].clone();
        if self.next + 1 < self.tokens.len() {
            self.next += 1;
        }
        token
    }

    fn error(&self, message: &str, hint: Option<&str>) -> ParseError {
        ParseError { at: self.at(), message: message.to_owned(), hint: hint.map(str::to_owned) }
    }

    fn binary(&mut self, ops: &[Op], operand: fn(&mut Self) -> Result<Expr, ParseError>) -> Result<Expr, ParseError> {
        let mut left = operand(self)?;
        while let Token::Op(op) = *self.peek() {
            if !ops.contains(&op) {
                break;
            }
            self.bump();
            let right = operand(self)?;
            left = Expr::Binary { op, left: Box::new(left), right: Box::new(right) };
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.binary(&[Op::Or], Self::and)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        self.binary(&[Op::And], Self::not)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == &Token::Not {
            self.bump();
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let left = self.sum()?;
        let Token::Op(op) = *self.peek() else { return Ok(left) };
        if !op.is_comparison() {
            return Ok(left);
        }
        self.bump();
        let right = self.sum()?;
        if let Token::Op(next) = *self.peek() {
            if next.is_comparison() {
                return Err(self.error(
                    "comparisons cannot be chained",
                    Some("join two comparisons with `and`: 0 < x and x < 10"),
                ));
            }
        }
        Ok(Expr::Binary { op, left: Box::new(left), right: Box::new(right) })
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        self.binary(&[Op::Add, Op::Sub], Self::term)
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        self.binary(&[Op::Mul, Op::Div], Self::unary)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == &Token::Op(Op::Sub) {
            self.bump();
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let (token, at) = self.bump();
        match token {
            Token::Number(value) => Ok(Expr::Number(value)),
            Token::Text(text) => Ok(Expr::Text(text)),
            Token::Open => {
                let inner = self.or()?;
                if self.peek() != &Token::Close {
                    return Err(self.error("a `(` without its `)`", None));
                }
                self.bump();
                Ok(inner)
            }
            Token::Name(name) if self.peek() == &Token::Open => {
                let Some(&(_, function, _)) = Function::ALL.iter().find(|(known, _, _)| *known == name) else {
                    let names: Vec<&str> = Function::ALL.iter().map(|(n, _, _)| *n).collect();
                    return Err(ParseError {
                        at,
                        message: format!("there is no function `{name}`"),
                        hint: Some(match crate::diag::closest(&name, names.iter().copied()) {
                            Some(close) => format!("did you mean `{close}`? The functions are {}", names.join(", ")),
                            None => format!("the functions are {}", names.join(", ")),
                        }),
                    });
                };
                self.bump();
                let mut args = vec![self.or()?];
                while self.peek() == &Token::Comma {
                    self.bump();
                    args.push(self.or()?);
                }
                if self.peek() != &Token::Close {
                    return Err(self.error("a `(` without its `)`", Some("separate arguments with `,`")));
                }
                self.bump();
                if args.len() != 2 {
                    return Err(ParseError {
                        at,
                        message: format!("`{name}` takes two arguments, not {}", args.len()),
                        hint: Some(format!("write {}", function.usage())),
                    });
                }
                Ok(Expr::Call { function, args, at })
            }
            Token::Name(name) => Ok(Expr::Name { path: name.split('.').map(str::to_owned).collect(), at }),
            Token::End => {
                Err(ParseError { at, message: "the formula ends where a value is expected".into(), hint: None })
            }
            Token::Close => Err(ParseError { at, message: "a `)` where a value is expected".into(), hint: None }),
            Token::Comma => Err(ParseError { at, message: "a `,` outside a function's brackets".into(), hint: None }),
            Token::Op(op) => {
                Err(ParseError { at, message: format!("`{}` where a value is expected", op.symbol()), hint: None })
            }
            Token::Not => Err(ParseError { at, message: "`not` where a value is expected".into(), hint: None }),
        }
    }
}

impl Expr {
    /// Every name the formula reads, with its offset, outside and inside
    /// function calls (a call's collection argument included).
    pub fn names(&self) -> Vec<(&[String], usize)> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Name { path, at } = e {
                out.push((path.as_slice(), *at));
            }
        });
        out
    }

    /// The names of figures the formula reads, in order: [`Expr::names`]
    /// without the collections that `sum` and `count` run over.
    pub fn figure_names(&self) -> Vec<(&[String], usize)> {
        let mut collections = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Call { function, args, .. } = e {
                if let (true, Some(Expr::Name { at, .. })) = (function.aggregates(), args.first()) {
                    collections.push(*at);
                }
            }
        });
        self.names().into_iter().filter(|(_, at)| !collections.contains(at)).collect()
    }

    fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Number(_) | Expr::Text(_) | Expr::Name { .. } => {}
            Expr::Neg(inner) | Expr::Not(inner) => inner.visit(f),
            Expr::Binary { left, right, .. } => {
                left.visit(f);
                right.visit(f);
            }
            Expr::Call { args, .. } => args.iter().for_each(|a| a.visit(f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(path: &str, at: usize) -> Expr {
        Expr::Name { path: path.split('.').map(str::to_owned).collect(), at }
    }

    #[test]
    fn figure_names_leave_out_the_collections_aggregates_run_over() {
        let e = parse("count(city, name == office.district) == sum(units, signed) + city").unwrap();
        let all: Vec<String> = e.names().iter().map(|(p, _)| p.join(".")).collect();
        assert_eq!(all, ["city", "name", "office.district", "units", "signed", "city"]);
        let figures: Vec<String> = e.figure_names().iter().map(|(p, _)| p.join(".")).collect();
        // `city` outside a call is a figure of that name, kept.
        assert_eq!(figures, ["name", "office.district", "signed", "city"]);
    }

    #[test]
    fn precedence_and_names() {
        let e = parse("(completed - late_completed) / completed").unwrap();
        let Expr::Binary { op: Op::Div, left, right } = e else { panic!("{e:?}") };
        assert_eq!(*right, name("completed", 31));
        assert!(matches!(*left, Expr::Binary { op: Op::Sub, .. }));
        let e = parse("a + b * c").unwrap();
        let Expr::Binary { op: Op::Add, right, .. } = e else { panic!() };
        assert!(matches!(*right, Expr::Binary { op: Op::Mul, .. }));
        let e = parse("x > 0 and y <= params.t or not z == 1").unwrap();
        assert!(matches!(e, Expr::Binary { op: Op::Or, .. }));
        let names: Vec<String> = e.names().iter().map(|(p, _)| p.join(".")).collect();
        assert_eq!(names, ["x", "y", "params.t", "z"]);
        assert_eq!(parse("-a - -2").unwrap().names().len(), 1);
        assert!(matches!(parse("sum(units, unsatisfied)").unwrap(), Expr::Call { function: Function::Sum, .. }));
        assert_eq!(parse("99.5").unwrap(), Expr::Number(Ratio::new(199, 2).unwrap()));
        let e = parse("grade == 'A' or grade == “优”").unwrap();
        let Expr::Binary { op: Op::Or, left, right } = e else { panic!() };
        assert!(matches!(*left, Expr::Binary { op: Op::Eq, ref right, .. } if **right == Expr::Text("A".into())));
        assert!(matches!(*right, Expr::Binary { op: Op::Eq, ref right, .. } if **right == Expr::Text("优".into())));
        assert_eq!(parse("grade == 'A").unwrap_err().at, 9);
    }

    #[test]
    fn errors_name_their_column() {
        let at = |text: &str| parse(text).unwrap_err().at;
        assert_eq!(at("a = b"), 2);
        assert_eq!(at("(a - b"), 6);
        assert_eq!(at("a b"), 2);
        assert_eq!(at("a < b < c"), 6);
        assert_eq!(at("sum(units)"), 0);
        assert_eq!(at("avg(x, y)"), 0);
        assert_eq!(at("a（b）"), 1);
        assert_eq!(at("office."), 0);
        assert_eq!(at("a +"), 3);
        assert_eq!(at(""), 0);
        assert!(parse("smu(a, b)").unwrap_err().hint.unwrap().contains("`sum`"));
    }
}
