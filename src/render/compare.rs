//! 同比 and 环比 as the templates see them: each numeric figure of a member
//! against the same member's in a base period (the previous one, or the
//! same one a year before), as exact differences and rates shown once
//! under their rules — never a division by zero, never a made-up 100 %.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::value::{Object, ObjectRepr, Value};

use crate::number::{FigureRule, Ratio};

/// A figure against its base.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The base period has the member and the figure a value there.
    pub known: bool,
    /// The base as shown under the figure's rule; `—` where unknown.
    pub base: String,
    /// The difference, signed (`-101`, `5`, `0`), under the figure's rule;
    /// `—` where either side has no value.
    pub diff: String,
    /// The rate in per cent, signed (`-6.44`), under the comparison's
    /// rule; `—` where the base is zero or unknown.
    pub rate: String,
    /// A percentage: its change reads in 百分点, never as a rate.
    pub points: bool,
    /// What is said where there is no base: 上年同期无数据, 上期无数据.
    pub missing: &'static str,
    /// A grade's movement, 上升, 下降 or 持平 (or `missing`); none for a
    /// figure that is no grade.
    pub movement: Option<&'static str>,
}

impl Change {
    /// `now` against `base` (`None`: no base); `show` shows a value under
    /// the figure's rule.
    pub fn new(
        now: Option<Ratio>,
        base: Option<Option<Ratio>>,
        show: &dyn Fn(Ratio) -> Option<String>,
        rate_rule: &FigureRule,
        points: bool,
        missing: &'static str,
    ) -> Self {
        let dash = || "—".to_owned();
        let known = matches!(base, Some(Some(_)));
        let base = base.flatten();
        let diff = now.zip(base).and_then(|(n, b)| n.checked_sub(b));
        let rate = diff.zip(base).and_then(|(d, b)| {
            let ratio = d.checked_div(b)??;
            ratio.checked_mul(Ratio::int(100))
        });
        Change {
            known,
            base: base.and_then(show).unwrap_or_else(dash),
            diff: diff.and_then(show).unwrap_or_else(dash),
            rate: rate.and_then(|r| r.show(rate_rule)).unwrap_or_else(dash),
            points,
            missing,
            movement: None,
        }
    }

    /// A grade (its band's place, 1 the highest) against its base: it
    /// moves up where the place falls; no difference, no rate.
    pub fn of_grade(
        now: Option<Ratio>,
        base: Option<Option<Ratio>>,
        show: &dyn Fn(Ratio) -> Option<String>,
        missing: &'static str,
    ) -> Self {
        let known = matches!(base, Some(Some(_)));
        let movement = match (now, base.flatten()) {
            (Some(now), Some(base)) if now < base => "上升",
            (Some(now), Some(base)) if now > base => "下降",
            (Some(_), Some(_)) => "持平",
            (None, Some(_)) => "—",
            _ => missing,
        };
        Change {
            known,
            base: base.flatten().and_then(show).unwrap_or_else(|| "—".to_owned()),
            diff: "—".to_owned(),
            rate: "—".to_owned(),
            points: false,
            missing,
            movement: Some(movement),
        }
    }

    /// The change in words without a unit: a grade's movement, else
    /// 减少101，减幅6.44% and the like.
    pub fn words(&self, unit: &str) -> String {
        match self.movement {
            Some(movement) => movement.to_owned(),
            None => crate::render::filters::change_words(
                self.known,
                &self.diff,
                &self.rate,
                self.points,
                self.missing,
                unit,
            ),
        }
    }
}

impl Object for Change {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(match key.as_str()? {
            "known" => Value::from(self.known),
            "base" => Value::from(self.base.clone()),
            "diff" => Value::from(self.diff.clone()),
            "rate" => Value::from(self.rate.clone()),
            "points" => Value::from(self.points),
            "missing" => Value::from(self.missing),
            "movement" => Value::from(self.movement?),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> minijinja::value::Enumerator {
        match self.movement {
            Some(_) => minijinja::value::Enumerator::Str(&["known", "base", "movement", "missing"]),
            None => minijinja::value::Enumerator::Str(&["known", "base", "diff", "rate", "points", "missing"]),
        }
    }

    /// Printed alone, a change is its sentence without a unit.
    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.words(""))
    }
}

/// A member's changes, by figure, for the templates (`office.yoy`).
pub fn changes(changes: BTreeMap<String, Change>) -> Value {
    Value::from(changes.into_iter().map(|(name, c)| (name, Value::from_object(c))).collect::<BTreeMap<_, _>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::{Rounding, Style};

    const RATE: FigureRule = FigureRule::new(2, Rounding::HalfUp, Style::Trim);

    fn change(now: i64, base: Option<Option<i64>>, points: bool) -> Change {
        let show = |v: Ratio| v.show(&FigureRule::new(0, Rounding::HalfUp, Style::Fixed));
        Change::new(Some(Ratio::int(now)), base.map(|b| b.map(Ratio::int)), &show, &RATE, points, "上年同期无数据")
    }

    fn words(c: &Change, unit: &str) -> String {
        crate::render::filters::change_words(c.known, &c.diff, &c.rate, c.points, c.missing, unit)
    }

    #[test]
    fn changes_in_words() {
        // Xiangyin's 2023-01: 1310 against 1411.
        let c = change(1310, Some(Some(1411)), false);
        assert_eq!((c.diff.as_str(), c.rate.as_str()), ("-101", "-7.16"));
        assert_eq!(words(&c, "件"), "减少101件，减幅7.16%");
        assert_eq!(words(&change(5, Some(Some(4)), false), "件"), "增加1件，增幅25%");
        assert_eq!(words(&change(5, Some(Some(0)), false), "件"), "增加5件", "no rate from a zero base");
        assert_eq!(change(5, Some(Some(0)), false).rate, "—");
        assert_eq!(words(&change(7, Some(Some(7)), false), "件"), "持平");
        assert_eq!(words(&change(0, Some(Some(0)), false), "件"), "持平");
        assert_eq!(words(&change(7, None, false), "件"), "上年同期无数据");
        assert_eq!(words(&change(7, Some(None), false), "件"), "上年同期无数据", "a base without the figure");
        assert_eq!(words(&change(97, Some(Some(99)), true), ""), "下降2个百分点");
    }

    #[test]
    fn a_grade_moves_up_as_its_place_falls() {
        let show = |v: Ratio| Some(["A", "B", "C"][v.to_integer()? as usize - 1].to_owned());
        let grade = |now: Option<i64>, base: Option<Option<i64>>| {
            Change::of_grade(now.map(Ratio::int), base.map(|b| b.map(Ratio::int)), &show, "上期无数据")
        };
        assert_eq!(grade(Some(1), Some(Some(2))).words("件"), "上升", "B to A");
        assert_eq!(grade(Some(3), Some(Some(2))).words(""), "下降");
        assert_eq!(grade(Some(2), Some(Some(2))).words(""), "持平");
        assert_eq!(grade(Some(2), None).words(""), "上期无数据");
        assert_eq!(grade(Some(2), Some(None)).words(""), "上期无数据");
        assert_eq!(grade(Some(1), Some(Some(3))).base, "C");
    }
}
