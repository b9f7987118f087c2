//! The month's plain values that every reader shares: its period, dates,
//! the sign-off record, a reference to a unit, and a typical case.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    pub month: u8,
}

impl Period {
    /// Months since January of year 0, so that periods subtract and step.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    pub fn from_index(index: i64) -> Self {
        Self { year: index.div_euclid(12) as i32, month: (index.rem_euclid(12) + 1) as u8 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// Who signed the bulletin off and when. Complete, it makes the bulletin
/// final; otherwise the month builds a draft.
#[derive(Clone, Debug, Default)]
pub struct Signoff {
    pub issuer: Option<String>,
    pub date: Option<Date>,
    pub approved_by: Option<String>,
}

/// A unit by position: `groups[group].units[unit]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitRef {
    pub group: usize,
    pub unit: usize,
}

/// A typical case: its title and body blocks, and the units it involves.
#[derive(Clone, Debug)]
pub struct Case {
    /// The case file's path in the month folder (`cases/01-x.txt`).
    pub file: String,
    pub title: String,
    pub blocks: Vec<crate::month::case::Block>,
    pub units: Vec<UnitRef>,
}

/// `2020-03` → the period; nothing else is one.
pub fn parse_period(text: &str) -> Option<Period> {
    let (year, month) = text.trim().split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u8 = month.parse().ok()?;
    (1..=12).contains(&month).then_some(Period { year, month })
}

/// `2020-04-17` → the date, if it exists in the calendar.
pub fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u8 = month.parse().ok()?;
    let day: u8 = day.parse().ok()?;
    ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day)).then_some(Date { year, month, day })
}

/// Days in the month, leap years counted.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_dates() {
        assert_eq!(parse_period("2020-03"), Some(Period { year: 2020, month: 3 }));
        assert_eq!(parse_period("2020-3"), None);
        assert_eq!(parse_period("2020-13"), None);
        assert_eq!(parse_date("2020-04-17"), Some(Date { year: 2020, month: 4, day: 17 }));
        assert_eq!(parse_date("2020-02-29"), Some(Date { year: 2020, month: 2, day: 29 }));
        assert_eq!(parse_date("2019-02-29"), None);
        assert_eq!(parse_date("2020-04-31"), None);
        assert_eq!(parse_date("2020/04/17"), None);
    }
}
