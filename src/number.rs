//! Exact decimal figures.
//!
//! Every rate the bulletin prints is a fraction of two counts, rounded once
//! to a fixed number of decimals under a named rule. Nothing here touches
//! `f64`: a [`Decimal`] is an integer count of `10^-scale` units, so `96.23`
//! is `9623` at scale 2, and rounding is integer division with an explicit
//! remainder test.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

/// How a fraction loses the digits past its last decimal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Drop the extra digits: 97.297 → 97.29.
    Truncate,
    /// Round to nearest, halves away from zero: 96.225 → 96.23.
    HalfUp,
    /// Away from zero whenever a digit is dropped (进一法): 8.08 → 9, as
    /// some platforms print rates.
    Up,
}

/// Whether trailing zeros after the decimal point are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// Always the full number of decimals: 96.00.
    Fixed,
    /// Trailing zeros and a bare point dropped: 96.00 → 96, 22.50 → 22.5.
    Trim,
}

/// The declared rule for one printed figure: how many decimals, how the rest
/// is rounded away, and how trailing zeros are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FigureRule {
    /// Digits after the decimal point (0 to 6).
    pub decimals: u32,
    /// `truncate` or `half_up`.
    pub rounding: Rounding,
    /// `fixed` or `trim`.
    pub style: Style,
}

impl FigureRule {
    pub const fn new(decimals: u32, rounding: Rounding, style: Style) -> Self {
        Self { decimals, rounding, style }
    }

    /// `numerator / denominator` as a percentage under this rule, or `None`
    /// when the denominator is zero (the bulletin then prints "—").
    pub fn percent(&self, numerator: u64, denominator: u64) -> Option<String> {
        Decimal::percent(numerator, denominator, self.decimals, self.rounding).map(|value| value.format(self.style))
    }

    /// An input decimal (a score, a rate given by the platform) shown under
    /// this rule.
    pub fn show(&self, value: Decimal) -> String {
        value.rescale(self.decimals, self.rounding).format(self.style)
    }
}

/// The largest scale a [`Decimal`] may carry; keeps every product inside
/// `i128`.
pub const MAX_SCALE: u32 = 6;

/// An exact decimal number: `units × 10^-scale`.
#[derive(Clone, Copy, Debug)]
pub struct Decimal {
    units: i64,
    scale: u32,
}

impl Decimal {
    pub const fn new(units: i64, scale: u32) -> Self {
        Self { units, scale }
    }

    pub const fn from_int(value: i64) -> Self {
        Self { units: value, scale: 0 }
    }

    /// `100 × numerator / denominator`, rounded to `scale` decimals.
    pub fn percent(numerator: u64, denominator: u64, scale: u32, rule: Rounding) -> Option<Self> {
        Self::scaled_ratio(u128::from(numerator) * 100, u128::from(denominator), scale, rule)
    }

    fn scaled_ratio(numerator: u128, denominator: u128, scale: u32, rule: Rounding) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        let scaled = numerator * 10u128.pow(scale.min(MAX_SCALE));
        let units = divide(scaled, denominator, rule);
        Some(Self { units: i64::try_from(units).ok()?, scale: scale.min(MAX_SCALE) })
    }

    /// The same value at another scale, rounded under `rule` when digits
    /// are lost.
    pub fn rescale(self, scale: u32, rule: Rounding) -> Self {
        let scale = scale.min(MAX_SCALE);
        if scale >= self.scale {
            let factor = 10i64.pow(scale - self.scale);
            return Self { units: self.units.saturating_mul(factor), scale };
        }
        let divisor = 10u128.pow(self.scale - scale);
        let magnitude = divide(u128::from(self.units.unsigned_abs()), divisor, rule);
        let magnitude = i64::try_from(magnitude).unwrap_or(i64::MAX);
        Self { units: if self.units < 0 { -magnitude } else { magnitude }, scale }
    }

    /// `self × 10^places`, exact: 0.9941 shifted by 2 is 99.41 (the point
    /// moves; no digit is lost).
    pub fn shifted(self, places: u32) -> Self {
        match self.scale.checked_sub(places) {
            Some(scale) => Self { units: self.units, scale },
            None => Self { units: self.units.saturating_mul(10i64.pow(places - self.scale)), scale: 0 },
        }
    }

    pub fn is_negative(self) -> bool {
        self.units < 0
    }

    /// Parses a plain decimal such as `99.41`, `70`, `-3.5` or `1.00`
    /// exactly. At most [`MAX_SCALE`] decimals; no exponent.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, fraction) = match digits.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (digits, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || fraction.len() > MAX_SCALE as usize
            || whole.len() > 12
        {
            return None;
        }
        let scale = fraction.len() as u32;
        let mut units: i64 = 0;
        for byte in whole.bytes().chain(fraction.bytes()) {
            units = units.checked_mul(10)?.checked_add(i64::from(byte - b'0'))?;
        }
        Some(Self { units: if negative { -units } else { units }, scale })
    }

    /// The number as text under `style`, with `.` as the decimal point.
    pub fn format(self, style: Style) -> String {
        let magnitude = self.units.unsigned_abs();
        let sign = if self.units < 0 { "-" } else { "" };
        if self.scale == 0 {
            return format!("{sign}{magnitude}");
        }
        let divisor = 10u64.pow(self.scale);
        let whole = magnitude / divisor;
        let fraction = format!("{:0width$}", magnitude % divisor, width = self.scale as usize);
        let fraction = match style {
            Style::Fixed => fraction.as_str(),
            Style::Trim => fraction.trim_end_matches('0'),
        };
        if fraction.is_empty() {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{fraction}")
        }
    }

    /// `self − other`, exact (at the larger of the two scales); saturates
    /// at the `i64` range.
    pub fn minus(self, other: Self) -> Self {
        let scale = self.scale.max(other.scale);
        let left = i128::from(self.units) * 10i128.pow(scale - self.scale);
        let right = i128::from(other.units) * 10i128.pow(scale - other.scale);
        let units = (left - right).clamp(i128::from(i64::MIN), i128::from(i64::MAX));
        Self { units: units as i64, scale }
    }

    /// Compares with the fraction `numerator / denominator` (denominator
    /// non-zero) without rounding either side.
    pub fn cmp_ratio(self, numerator: u64, denominator: u64) -> Ordering {
        // self.units / 10^scale  vs  numerator / denominator
        let left = i128::from(self.units) * i128::from(denominator);
        let right = i128::from(numerator) * 10i128.pow(self.scale);
        left.cmp(&right)
    }
}

/// An exact rational number, `numerator / denominator` in lowest terms with
/// a positive denominator: what every derived figure is until it is shown,
/// rounded once under its rule. Arithmetic is checked: a result outside
/// `i128` is `None`, never a wrapped or a float value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ratio {
    numerator: i128,
    denominator: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { numerator: 0, denominator: 1 };

    pub fn int(value: i64) -> Self {
        Self { numerator: i128::from(value), denominator: 1 }
    }

    /// `numerator / denominator`, or `None` when the denominator is zero.
    pub fn new(numerator: i128, denominator: i128) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        let divisor = gcd(numerator, denominator).max(1);
        let sign = if denominator < 0 { -1 } else { 1 };
        Some(Self { numerator: sign * numerator / divisor, denominator: sign * denominator / divisor })
    }

    pub fn from_decimal(value: Decimal) -> Self {
        Self::new(i128::from(value.units), 10i128.pow(value.scale)).expect("10^scale is not zero")
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        let numerator = self
            .numerator
            .checked_mul(other.denominator)?
            .checked_add(other.numerator.checked_mul(self.denominator)?)?;
        Self::new(numerator, self.denominator.checked_mul(other.denominator)?)
    }

    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.checked_add(Self { numerator: other.numerator.checked_neg()?, ..other })
    }

    pub fn checked_mul(self, other: Self) -> Option<Self> {
        // Cross-reduce first to keep the products small.
        let a = gcd(self.numerator, other.denominator).max(1);
        let b = gcd(other.numerator, self.denominator).max(1);
        let numerator = (self.numerator / a).checked_mul(other.numerator / b)?;
        Self::new(numerator, (self.denominator / b).checked_mul(other.denominator / a)?)
    }

    /// `self / other`; `Some(None)` when `other` is zero (the figure then
    /// has no value), `None` on overflow.
    pub fn checked_div(self, other: Self) -> Option<Option<Self>> {
        if other.numerator == 0 {
            return Some(None);
        }
        let inverse = Self::new(other.denominator, other.numerator).expect("non-zero");
        self.checked_mul(inverse).map(Some)
    }

    pub fn is_integer(self) -> bool {
        self.denominator == 1
    }

    pub fn is_negative(self) -> bool {
        self.numerator < 0
    }

    /// The whole number, when the ratio is one.
    pub fn to_integer(self) -> Option<i128> {
        self.is_integer().then_some(self.numerator)
    }

    /// Rounded once to `decimals` places under `rule` (halves away from
    /// zero for [`Rounding::HalfUp`], as [`Decimal::rescale`] does).
    pub fn to_decimal(self, decimals: u32, rule: Rounding) -> Option<Decimal> {
        let scale = decimals.min(MAX_SCALE);
        let magnitude = self.numerator.unsigned_abs().checked_mul(10u128.pow(scale))?;
        let units = divide(magnitude, self.denominator.unsigned_abs(), rule);
        let units = i64::try_from(units).ok()?;
        Some(Decimal { units: if self.numerator < 0 { -units } else { units }, scale })
    }

    /// The value under a figure rule, as text.
    pub fn show(self, rule: &FigureRule) -> Option<String> {
        self.to_decimal(rule.decimals, rule.rounding).map(|value| value.format(rule.style))
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        // Denominators are positive: compare the cross products, widened
        // so that no comparison can overflow.
        let left = i256_mul(self.numerator, other.denominator);
        let right = i256_mul(other.numerator, self.denominator);
        left.cmp(&right)
    }
}

/// `a × b` as a (sign, high, low) triple that orders like the product.
fn i256_mul(a: i128, b: i128) -> (i8, u128, u128) {
    let negative = (a < 0) != (b < 0) && a != 0 && b != 0;
    let (x, y) = (a.unsigned_abs(), b.unsigned_abs());
    let (x_hi, x_lo) = (x >> 64, x & u128::from(u64::MAX));
    let (y_hi, y_lo) = (y >> 64, y & u128::from(u64::MAX));
    let lo_lo = x_lo * y_lo;
    let mid = x_hi * y_lo + (lo_lo >> 64);
    let mid2 = x_lo * y_hi + (mid & u128::from(u64::MAX));
    let high = x_hi * y_hi + (mid >> 64) + (mid2 >> 64);
    let low = (mid2 << 64) | (lo_lo & u128::from(u64::MAX));
    if negative {
        (-1, !high, !low)
    } else {
        (if a == 0 || b == 0 { 0 } else { 1 }, high, low)
    }
}

/// Integer division of non-negative values under a rounding rule.
fn divide(numerator: u128, denominator: u128, rule: Rounding) -> u128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    match rule {
        Rounding::Truncate => quotient,
        Rounding::HalfUp if remainder * 2 >= denominator => quotient + 1,
        Rounding::HalfUp => quotient,
        Rounding::Up if remainder > 0 => quotient + 1,
        Rounding::Up => quotient,
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        let left = i128::from(self.units) * 10i128.pow(scale - self.scale);
        let right = i128::from(other.units) * 10i128.pow(scale - other.scale);
        left.cmp(&right)
    }
}

impl Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(Style::Trim))
    }
}

/// Competition ranking ("1224"): equal keys share a rank and the next
/// distinct key skips as many ranks as were shared. `keys` are in any order;
/// the result is parallel to them. Higher keys rank first.
pub fn competition_ranks<K: Ord>(keys: &[K]) -> Vec<usize> {
    keys.iter().map(|key| 1 + keys.iter().filter(|other| *other > key).count()).collect()
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// A whole number in Chinese numerals, as ranks and counts are read:
/// 1 → 一, 10 → 十, 12 → 十二, 22 → 二十二, 100 → 一百, 105 → 一百零五,
/// 110 → 一百一十. Covers 0 to 9999.
pub fn cn_num(n: u64) -> Option<String> {
    if n >= 10_000 {
        return None;
    }
    if n < 10 {
        return Some(DIGITS[n as usize].to_owned());
    }
    if n < 20 {
        // 十, 十一 … 十九: the leading 一 is not read.
        let ones = n % 10;
        return Some(if ones == 0 { "十".to_owned() } else { format!("十{}", DIGITS[ones as usize]) });
    }
    let units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")];
    let mut out = String::new();
    let mut pending_zero = false;
    for (value, unit) in units {
        let digit = (n / value) % 10;
        if digit == 0 {
            if !out.is_empty() {
                pending_zero = true;
            }
            continue;
        }
        if pending_zero {
            out.push('零');
            pending_zero = false;
        }
        out.push_str(DIGITS[digit as usize]);
        out.push_str(unit);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_exact_and_round_once() {
        let r = |n, d| Ratio::new(n, d).unwrap();
        assert_eq!(r(2, 4), r(1, 2));
        assert_eq!(r(1, -2), r(-1, 2));
        assert_eq!(Ratio::new(1, 0), None);
        let third = r(1, 3);
        assert_eq!(third.checked_add(third).unwrap().checked_add(third).unwrap(), Ratio::int(1));
        assert_eq!(r(3, 4).checked_sub(r(1, 4)).unwrap(), r(1, 2));
        assert_eq!(r(2, 3).checked_mul(r(3, 4)).unwrap(), r(1, 2));
        assert_eq!(r(1, 2).checked_div(Ratio::ZERO), Some(None));
        // 72 on-time of 74: 97.297… truncates to 97.29, rounds to 97.30.
        let rate = r(72, 74).checked_mul(Ratio::int(100)).unwrap();
        let truncate = FigureRule::new(2, Rounding::Truncate, Style::Fixed);
        let half_up = FigureRule::new(2, Rounding::HalfUp, Style::Fixed);
        assert_eq!(rate.show(&truncate).unwrap(), "97.29");
        assert_eq!(rate.show(&half_up).unwrap(), "97.30");
        assert_eq!(r(-1, 8).show(&half_up).unwrap(), "-0.13");
        assert_eq!(Ratio::from_decimal(Decimal::parse("69.40").unwrap()), r(347, 5));
        assert!(r(1, 3) < r(34, 100));
        assert!(r(-1, 3) < Ratio::ZERO);
        let big = Ratio::int(i64::MAX);
        assert!(big.checked_mul(big).unwrap().checked_mul(big).is_none());
        let huge = big.checked_mul(big).unwrap();
        assert!(Ratio::new(huge.numerator, 3).unwrap() > Ratio::new(huge.numerator - 1, 3).unwrap());
    }

    #[test]
    fn chinese_numerals() {
        let cases = [
            (0, "零"),
            (1, "一"),
            (2, "二"),
            (10, "十"),
            (11, "十一"),
            (12, "十二"),
            (19, "十九"),
            (20, "二十"),
            (22, "二十二"),
            (99, "九十九"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (115, "一百一十五"),
            (120, "一百二十"),
            (199, "一百九十九"),
            (1000, "一千"),
            (1001, "一千零一"),
            (1010, "一千零一十"),
            (2020, "二千零二十"),
            (9999, "九千九百九十九"),
        ];
        for (n, expected) in cases {
            assert_eq!(cn_num(n).as_deref(), Some(expected), "{n}");
        }
        assert_eq!(cn_num(10_000), None);
    }

    /// Every number from 0 to 199 reads back to itself: an independent
    /// decoder checks the encoder over the whole range.
    #[test]
    fn chinese_numerals_round_trip_0_to_199() {
        fn decode(text: &str) -> u64 {
            let digit = |c: char| DIGITS.iter().position(|d| d.starts_with(c)).map(|p| p as u64);
            let mut total = 0;
            let mut current = 0;
            for c in text.chars() {
                match c {
                    '百' => {
                        total += current * 100;
                        current = 0;
                    }
                    '十' => {
                        total += current.max(1) * 10;
                        current = 0;
                    }
                    _ => current = digit(c).expect("a digit"),
                }
            }
            total + current
        }
        for n in 0..=199 {
            let text = cn_num(n).unwrap();
            assert_eq!(decode(&text), n, "{n} → {text}");
            assert!(!text.ends_with('零') || n == 0, "{n} → {text}");
        }
    }

    #[test]
    fn differences_are_exact() {
        let d = |text: &str| Decimal::parse(text).unwrap();
        assert_eq!(d("70").minus(d("69.5")).to_string(), "0.5");
        assert_eq!(d("70").minus(d("62.75")).format(Style::Fixed), "7.25");
        assert_eq!(d("70.00").minus(d("70")).to_string(), "0");
        assert_eq!(d("1.1").minus(d("2.25")).to_string(), "-1.15");
    }

    const TRUNC2: FigureRule = FigureRule::new(2, Rounding::Truncate, Style::Fixed);
    const HALF2: FigureRule = FigureRule::new(2, Rounding::HalfUp, Style::Fixed);
    const HALF2_TRIM: FigureRule = FigureRule::new(2, Rounding::HalfUp, Style::Trim);
    const HALF1: FigureRule = FigureRule::new(1, Rounding::HalfUp, Style::Fixed);
    const HALF1_TRIM: FigureRule = FigureRule::new(1, Rounding::HalfUp, Style::Trim);
    const TRUNC1_TRIM: FigureRule = FigureRule::new(1, Rounding::Truncate, Style::Trim);

    #[test]
    fn percentages_follow_their_rule() {
        // (rule, numerator, denominator, expected) — the reference's cases.
        let cases: &[(FigureRule, u64, u64, &str)] = &[
            (TRUNC2, 36, 37, "97.29"),   // 韭菜园 on-time 97.297 truncated
            (TRUNC2, 2, 3, "66.66"),     // 隆平 on-time 66.667 truncated
            (TRUNC2, 16, 17, "94.11"),   // 公共工程 94.118 truncated
            (TRUNC2, 123, 125, "98.40"), // 人社 on-time
            (TRUNC2, 114, 114, "100.00"),
            (HALF2, 51, 53, "96.23"),   // 荷花园 satisfaction 96.226 rounded
            (HALF2, 127, 128, "99.22"), // 人社 99.21875 rounded
            (HALF2, 83, 86, "96.51"),
            (HALF2, 1, 2, "50.00"),
            (HALF2, 1, 8, "12.50"),   // exact half stays
            (HALF2, 1, 1600, "0.06"), // 0.0625 → 0.06
            (HALF2, 1, 800, "0.13"),  // 0.125 → half up → 0.13
            (HALF2_TRIM, 24, 25, "96"),
            (HALF2_TRIM, 1, 2, "50"),
            (HALF2, 435, 2034, "21.39"), // topic share 21.386
            (HALF2, 434, 435, "99.77"),  // topic satisfaction 99.770
            (HALF1, 3, 93, "3.2"),
            (HALF1, 2, 64, "3.1"), // 3.125
            (HALF1, 1, 3, "33.3"),
            (HALF1, 1, 40, "2.5"),
            (HALF1_TRIM, 3, 10, "30"),
            (HALF1_TRIM, 1, 10, "10"),
            (TRUNC1_TRIM, 148, 435, "34"),  // 34.02 → 34.0 → 34
            (TRUNC1_TRIM, 98, 435, "22.5"), // 22.528
            (TRUNC1_TRIM, 27, 435, "6.2"),
            (TRUNC1_TRIM, 26, 435, "5.9"), // 5.977 truncated, not 6.0
            (TRUNC1_TRIM, 18, 435, "4.1"),
            (TRUNC2, 0, 5, "0.00"),
        ];
        for &(rule, numerator, denominator, expected) in cases {
            assert_eq!(
                rule.percent(numerator, denominator).as_deref(),
                Some(expected),
                "{numerator}/{denominator} under {rule:?}"
            );
        }
    }

    #[test]
    fn zero_denominator_has_no_value() {
        assert_eq!(HALF2.percent(0, 0), None);
        assert_eq!(TRUNC2.percent(5, 0), None);
        assert_eq!(Decimal::percent(1, 0, 2, Rounding::HalfUp), None);
        // 进一法: any dropped digit rounds away from zero; an exact value stays.
        let up = FigureRule::new(0, Rounding::Up, Style::Trim);
        assert_eq!(Ratio::new(800, 99).unwrap().show(&up).as_deref(), Some("9"));
        assert_eq!(Ratio::new(-800, 99).unwrap().show(&up).as_deref(), Some("-9"));
        assert_eq!(Ratio::int(8).show(&up).as_deref(), Some("8"));
        assert_eq!(Decimal::parse("12.10").unwrap().rescale(1, Rounding::Up).to_string(), "12.1");
    }

    #[test]
    fn parse_is_exact_and_strict() {
        let cases: &[(&str, Option<(i64, u32)>)] = &[
            ("99.41", Some((9941, 2))),
            ("70", Some((70, 0))),
            ("1.00", Some((100, 2))),
            ("-3.5", Some((-35, 1))),
            (".5", Some((5, 1))),
            ("5.", Some((5, 0))),
            ("", None),
            (".", None),
            ("1e3", None),
            ("１２", None), // full-width digits are not numbers here
            ("1.2345678", None),
            ("abc", None),
        ];
        for &(text, expected) in cases {
            let parsed = Decimal::parse(text).map(|d| (d.units, d.scale));
            assert_eq!(parsed, expected, "parsing {text:?}");
        }
    }

    #[test]
    fn rescale_and_format() {
        let d = |s| Decimal::parse(s).unwrap();
        let one_fixed = FigureRule::new(1, Rounding::HalfUp, Style::Fixed);
        let trim = FigureRule::new(1, Rounding::HalfUp, Style::Trim);
        let two_fixed = FigureRule::new(2, Rounding::HalfUp, Style::Fixed);
        assert_eq!(one_fixed.show(d("67")), "67.0");
        assert_eq!(one_fixed.show(d("69.2")), "69.2");
        assert_eq!(trim.show(d("70.0")), "70");
        assert_eq!(trim.show(d("69.4")), "69.4");
        assert_eq!(trim.show(d("69.45")), "69.5");
        assert_eq!(two_fixed.show(d("1")), "1.00");
        assert_eq!(two_fixed.show(d("-0.005")), "-0.01");
    }

    #[test]
    fn comparisons_are_exact() {
        let d = |s| Decimal::parse(s).unwrap();
        assert_eq!(d("67.0"), d("67"));
        assert!(d("69.41") > d("69.4"));
        assert!(d("-1") < d("0"));
        // 97% threshold against 83/86 = 96.51…% (below) and 97/100 (equal).
        assert_eq!(d("0.97").cmp_ratio(83, 86), Ordering::Greater);
        assert_eq!(d("0.97").cmp_ratio(97, 100), Ordering::Equal);
        assert_eq!(d("0.97").cmp_ratio(98, 100), Ordering::Less);
    }

    #[test]
    fn competition_ranking_skips_after_ties() {
        // (keys, expected ranks)
        let cases: &[(&[i32], &[usize])] = &[
            (&[], &[]),
            (&[5], &[1]),
            (&[3, 3, 2, 1], &[1, 1, 3, 4]),
            (&[1, 2, 2, 3], &[4, 2, 2, 1]),
            (&[692, 689, 670, 670, 642], &[1, 2, 3, 3, 5]),
        ];
        for &(keys, expected) in cases {
            assert_eq!(competition_ranks(keys), expected, "{keys:?}");
        }
        // 21 units tied at full marks: the next one is 22nd.
        let mut scores = vec![700; 21];
        scores.extend([699, 698, 698, 698, 695]);
        let ranks = competition_ranks(&scores);
        assert!(ranks[..21].iter().all(|&r| r == 1));
        assert_eq!(&ranks[21..], &[22, 23, 23, 23, 26]);
    }
}
