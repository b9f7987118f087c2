//! A bulletin's period beyond one month: a quarter (`2020-Q1`), a half-year
//! (`2020-H1`), a year (`2020`) or a run of months (`2020-01..2020-06`,
//! "1–6月"), each the months it covers, in order.

use std::fmt;

use super::types::{parse_period, Period};

/// What a bulletin reports on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Span {
    Month(Period),
    /// A quarter, 1 to 4.
    Quarter(i32, u8),
    /// A half-year, 1 or 2.
    Half(i32, u8),
    Year(i32),
    /// From the first month to the last, both included, within one year
    /// or across years.
    Range(Period, Period),
}

/// What a text that is not a period was expected to be.
pub const SPAN_FORMS: &str =
    "a month (2020-03), a quarter (2020-Q1), a half-year (2020-H1), a year (2020) or months (2020-01..2020-06)";

impl Span {
    /// Reads `2020-03`, `2020-Q1`, `2020-H2`, `2020` or `2020-01..2020-06`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some((from, to)) = text.split_once("..") {
            let (from, to) = (parse_period(from)?, parse_period(to)?);
            return (from <= to).then_some(if from == to { Span::Month(from) } else { Span::Range(from, to) });
        }
        if let Some(period) = parse_period(text) {
            return Some(Span::Month(period));
        }
        let year = |digits: &str| {
            (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
        };
        if let Some((y, part)) = text.split_once('-') {
            let y = year(y)?;
            let mut chars = part.chars();
            let (kind, n) = (chars.next()?.to_ascii_uppercase(), chars.as_str().parse::<u8>().ok()?);
            return match kind {
                'Q' if (1..=4).contains(&n) && part.len() == 2 => Some(Span::Quarter(y, n)),
                'H' if (1..=2).contains(&n) && part.len() == 2 => Some(Span::Half(y, n)),
                _ => None,
            };
        }
        year(text).map(Span::Year)
    }

    /// The first and last month covered.
    pub fn bounds(self) -> (Period, Period) {
        let month = |year, month| Period { year, month };
        match self {
            Span::Month(p) => (p, p),
            Span::Quarter(y, q) => (month(y, q * 3 - 2), month(y, q * 3)),
            Span::Half(y, h) => (month(y, h * 6 - 5), month(y, h * 6)),
            Span::Year(y) => (month(y, 1), month(y, 12)),
            Span::Range(from, to) => (from, to),
        }
    }

    /// Every month covered, in order.
    pub fn months(self) -> Vec<Period> {
        let (from, to) = self.bounds();
        (from.index()..=to.index()).map(Period::from_index).collect()
    }

    /// The span of the same length just before (环比): the previous month,
    /// quarter, half-year, year or run of as many months.
    pub fn previous(self) -> Self {
        match self {
            Span::Month(p) => Span::Month(Period::from_index(p.index() - 1)),
            Span::Quarter(y, 1) => Span::Quarter(y - 1, 4),
            Span::Quarter(y, q) => Span::Quarter(y, q - 1),
            Span::Half(y, 1) => Span::Half(y - 1, 2),
            Span::Half(y, h) => Span::Half(y, h - 1),
            Span::Year(y) => Span::Year(y - 1),
            Span::Range(from, to) => {
                let length = to.index() - from.index() + 1;
                Span::Range(Period::from_index(from.index() - length), Period::from_index(to.index() - length))
            }
        }
    }

    /// The same span a year earlier (同比).
    pub fn year_before(self) -> Self {
        let back = |p: Period| Period { year: p.year - 1, month: p.month };
        match self {
            Span::Month(p) => Span::Month(back(p)),
            Span::Quarter(y, q) => Span::Quarter(y - 1, q),
            Span::Half(y, h) => Span::Half(y - 1, h),
            Span::Year(y) => Span::Year(y - 1),
            Span::Range(from, to) => Span::Range(back(from), back(to)),
        }
    }

    /// The months of the year up to this span's last: "1–6月" of a June
    /// bulletin (the month alone in January).
    pub fn year_to_date(self) -> Self {
        let (_, to) = self.bounds();
        let from = Period { year: to.year, month: 1 };
        if from == to {
            Span::Month(to)
        } else {
            Span::Range(from, to)
        }
    }

    /// How a bulletin names it: 2020年3月, 2020年第一季度, 2020年上半年,
    /// 2020年, 2020年1—6月 (a run within a year), 2019年11月—2020年2月.
    pub fn label(self) -> String {
        let quarter = ["一", "二", "三", "四"];
        match self {
            Span::Month(p) => format!("{}年{}月", p.year, p.month),
            Span::Quarter(y, q) => format!("{y}年第{}季度", quarter[usize::from(q - 1)]),
            Span::Half(y, 1) => format!("{y}年上半年"),
            Span::Half(y, _) => format!("{y}年下半年"),
            Span::Year(y) => format!("{y}年"),
            Span::Range(from, to) if from.year == to.year => format!("{}年{}—{}月", from.year, from.month, to.month),
            Span::Range(from, to) => format!("{}年{}月—{}年{}月", from.year, from.month, to.year, to.month),
        }
    }

    /// How a sentence within the year names it: 3月份, 第一季度, 上半年,
    /// 全年, 1—6月 (a run across years: its label).
    pub fn name(self) -> String {
        let quarter = ["一", "二", "三", "四"];
        match self {
            Span::Month(p) => format!("{}月份", p.month),
            Span::Quarter(_, q) => format!("第{}季度", quarter[usize::from(q - 1)]),
            Span::Half(_, 1) => "上半年".to_owned(),
            Span::Half(..) => "下半年".to_owned(),
            Span::Year(_) => "全年".to_owned(),
            Span::Range(from, to) if from.year == to.year => format!("{}—{}月", from.month, to.month),
            Span::Range(..) => self.label(),
        }
    }

    /// What kind of span it is, as a definition's `periods:` names it.
    pub fn kind(self) -> &'static str {
        match self {
            Span::Month(_) => "month",
            Span::Quarter(..) => "quarter",
            Span::Half(..) => "half",
            Span::Year(_) => "year",
            Span::Range(..) => "months",
        }
    }
}

/// The key a span is written with (and its PDF named after): `2020-03`,
/// `2020-Q1`, `2020-H1`, `2020`, `2020-01..2020-06`.
impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = |p: Period| format!("{:04}-{:02}", p.year, p.month);
        match *self {
            Span::Month(p) => f.write_str(&key(p)),
            Span::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            Span::Half(y, h) => write!(f, "{y:04}-H{h}"),
            Span::Year(y) => write!(f, "{y:04}"),
            Span::Range(from, to) => write!(f, "{}..{}", key(from), key(to)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(year: i32, month: u8) -> Period {
        Period { year, month }
    }

    #[test]
    fn spans_read_back_as_written() {
        for text in
            ["2020-03", "2020-Q1", "2020-Q4", "2020-H1", "2020-H2", "2020", "2020-01..2020-06", "2019-11..2020-02"]
        {
            let span = Span::parse(text).unwrap_or_else(|| panic!("{text} is a span"));
            assert_eq!(span.to_string(), text);
        }
        assert_eq!(Span::parse("2020-q2"), Some(Span::Quarter(2020, 2)));
        assert_eq!(Span::parse("2020-03..2020-03"), Some(Span::Month(p(2020, 3))));
        for bad in
            ["2020-Q5", "2020-Q0", "2020-H3", "2020-Q12", "20", "2020-06..2020-01", "2020-1", "Q1", "2020-X1", ""]
        {
            assert_eq!(Span::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn months_covered() {
        assert_eq!(Span::Quarter(2020, 2).months(), vec![p(2020, 4), p(2020, 5), p(2020, 6)]);
        assert_eq!(Span::Half(2020, 2).months().first(), Some(&p(2020, 7)));
        assert_eq!(Span::Year(2020).months().len(), 12);
        assert_eq!(
            Span::parse("2019-11..2020-02").unwrap().months(),
            vec![p(2019, 11), p(2019, 12), p(2020, 1), p(2020, 2)]
        );
    }

    #[test]
    fn previous_and_year_before() {
        assert_eq!(Span::Month(p(2020, 1)).previous(), Span::Month(p(2019, 12)));
        assert_eq!(Span::Quarter(2020, 1).previous(), Span::Quarter(2019, 4));
        assert_eq!(Span::Half(2020, 2).previous(), Span::Half(2020, 1));
        assert_eq!(Span::Range(p(2020, 1), p(2020, 6)).previous(), Span::Range(p(2019, 7), p(2019, 12)));
        assert_eq!(Span::Range(p(2020, 1), p(2020, 6)).year_before(), Span::Range(p(2019, 1), p(2019, 6)));
        assert_eq!(Span::Month(p(2020, 6)).year_to_date(), Span::Range(p(2020, 1), p(2020, 6)));
        assert_eq!(Span::Month(p(2020, 1)).year_to_date(), Span::Month(p(2020, 1)));
    }

    #[test]
    fn labels() {
        assert_eq!(Span::Quarter(2020, 3).label(), "2020年第三季度");
        assert_eq!(Span::Half(2020, 1).label(), "2020年上半年");
        assert_eq!(Span::Range(p(2020, 1), p(2020, 6)).label(), "2020年1—6月");
        assert_eq!(Span::Range(p(2019, 11), p(2020, 2)).label(), "2019年11月—2020年2月");
        assert_eq!(Span::Month(p(2020, 3)).name(), "3月份");
        assert_eq!(Span::Quarter(2020, 1).name(), "第一季度");
        assert_eq!(Span::Range(p(2020, 1), p(2020, 6)).name(), "1—6月");
    }
}
