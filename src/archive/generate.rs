//! A synthetic archive of months, for tests and benchmarks: realistic
//! months made from a base month (its units, groups, districts and
//! wording) with varied, valid figures — ties at full marks, units with
//! nothing completed or visited (zero denominators), 2–3 cases of a few
//! hundred characters each. Deterministic: the same seed gives the same
//! archive.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::month::validate::MonthFiles;

/// xorshift64*: small and deterministic, enough to vary figures (and the
/// robustness test's mutations) reproducibly. Not for anything secret.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..=max`.
    pub fn upto(&mut self, max: u64) -> u64 {
        self.next_u64() % (max + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.upto(99) < percent
    }
}

const SENTENCES: [&str; 12] = [
    "市民来电反映小区楼道照明长期损坏，夜间出行存在安全隐患，希望尽快维修。",
    "承办单位接单后当日联系来电人，会同物业公司现场查看，明确了维修责任和时限。",
    "经多次协调，供电部门和物业公司共同完成线路检修，并对同类问题开展了排查。",
    "回访时来电人表示问题已解决，对办理结果表示满意。",
    "部分诉求涉及多个部门职责，需要建立联动机制，避免推诿扯皮。",
    "街道组织社区网格员上门走访，收集居民意见，形成问题清单并逐项销号。",
    "对一时难以解决的问题，承办单位向来电人说明原因，明确后续办理计划。",
    "热线办公室将该类工单纳入重点督办，每周通报办理进度。",
    "来电人反映商户夜间经营噪音扰民，执法人员多次夜间巡查并依法处理。",
    "针对反复投诉的问题，相关部门从源头入手，完善了长效管理措施。",
    "本案例说明，及时沟通和现场办理是提高群众满意度的关键。",
    "下一步将继续加强工单质量管理，压实首接责任，提升办理时效。",
];

/// Replaces the value of every `key:` line in `text` by `value(key)`,
/// keeping indentation and `- ` prefixes; other lines stay.
fn rewrite(text: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let body = line.trim_start().trim_start_matches("- ");
        let key = body.split(':').next().unwrap_or_default();
        match (body.contains(": ") || body.ends_with(':'), value(key)) {
            (true, Some(new)) if !body.starts_with('{') && !body.starts_with('#') => {
                let at = line.find(&format!("{key}:")).unwrap_or(0);
                let _ = writeln!(out, "{}{key}: {new}", &line[..at]);
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Rewrites the counts of one-line `{ name: X, count: N }` entries.
fn rewrite_counts(text: &str, mut count: impl FnMut(&str) -> Option<u64>) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let new = line.find("count:").and_then(|at| {
            let name = line.split("name:").nth(1)?.split(',').next()?.trim();
            let value = count(name)?;
            let end = line[at..].find('}').map_or(line.len(), |e| at + e);
            Some(format!("{}count: {value} {}", &line[..at], &line[end..]))
        });
        out.push_str(new.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// One generated month: `period` is `YYYY-MM`.
pub fn generate_month(base: &MonthFiles, year: i32, month: u8, seed: u64) -> MonthFiles {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let period = format!("{year:04}-{month:02}");
    let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let text = |name: &str| String::from_utf8_lossy(&base.files[name]).into_owned();

    let month_yaml = rewrite(&text("month.yaml"), |key| match key {
        "period" => Some(period.clone()),
        "date" => Some(format!("{next_year:04}-{next_month:02}-{:02}", 5 + rng.upto(20))),
        _ => None,
    });

    // Units: a unit's figures are drawn together so that they agree.
    let mut unit: BTreeMap<&str, String> = BTreeMap::new();
    let mut units_yaml = String::new();
    for line in text("units.yaml").lines() {
        let body = line.trim_start().trim_start_matches("- ");
        if body.starts_with("id:") {
            unit.clear();
            let nothing = rng.chance(6); // a unit with no completions or calls back
            let signed = if nothing { 0 } else { rng.upto(400) };
            let completed = if nothing { 0 } else { signed.saturating_sub(rng.upto(10)) + rng.upto(8) };
            let visited = if nothing { 0 } else { completed * (60 + rng.upto(40)) / 100 };
            let unsatisfied = if visited > 0 && rng.chance(20) { rng.upto(3.min(visited)) } else { 0 };
            let late_completed = if completed > 0 && rng.chance(15) { rng.upto(2.min(completed)) } else { 0 };
            let perfect = unsatisfied == 0 && late_completed == 0 && rng.chance(85);
            let score = if perfect { "70".to_owned() } else { format!("{}.{}", 55 + rng.upto(14), rng.upto(9)) };
            unit.insert("signed", signed.to_string());
            unit.insert("late_signed", (if signed > 0 && rng.chance(10) { 1 } else { 0 }).to_string());
            unit.insert("late_returned", (u64::from(rng.chance(5))).to_string());
            unit.insert("return_rejected", (u64::from(rng.chance(5))).to_string());
            unit.insert("completed", completed.to_string());
            unit.insert("late_completed", late_completed.to_string());
            unit.insert("extension_rejected", "0".into());
            unit.insert("redone", (u64::from(rng.chance(5))).to_string());
            unit.insert("visited", visited.to_string());
            unit.insert("satisfied", (visited - unsatisfied).to_string());
            unit.insert("extension_rate", format!("{}.00", rng.upto(12)));
            unit.insert("repeat_rate", "0.00".into());
            unit.insert("score", score);
        }
        let key = body.split(':').next().unwrap_or_default();
        match unit.get(key) {
            Some(value) if !body.starts_with("id:") => {
                let at = line.find(&format!("{key}:")).unwrap_or(0);
                let _ = writeln!(units_yaml, "{}{key}: {value}", &line[..at]);
            }
            _ => {
                units_yaml.push_str(line);
                units_yaml.push('\n');
            }
        }
    }

    let city_yaml = rewrite(&text("city.yaml"), |key| match key {
        "tickets" => Some((1500 + rng.upto(3000)).to_string()),
        "satisfaction" => Some(format!("{}.{:02}", 97 + rng.upto(2), rng.upto(99))),
        "score" => Some(format!("{}.{}", 62 + rng.upto(7), rng.upto(9))),
        _ => None,
    });

    // Tickets: the topic's natures make its total; categories stay under it.
    let natures: Vec<u64> = (0..5).map(|_| rng.upto(120)).collect();
    let topic_total: u64 = natures.iter().sum::<u64>().max(1);
    let tickets = text("tickets.yaml");
    let topic_at = tickets.find("\ntopic:").unwrap_or(tickets.len());
    let (head, topic) = tickets.split_at(topic_at);
    let head = rewrite_counts(head, |_| Some(20 + rng.upto(300)));
    let head = rewrite(&head, |key| (key == "completed").then(|| (1500 + rng.upto(2000)).to_string()));
    let mut nature = natures.iter();
    let mut left = topic_total;
    let topic = rewrite_counts(topic, |name| {
        if ["咨询", "求助", "建议", "投诉", "表扬"].contains(&name) {
            nature.next().copied().or(Some(0))
        } else {
            let take = rng.upto(left / 3);
            left -= take;
            Some(take)
        }
    });
    let mut natures_fixed = topic.clone();
    if natures.iter().sum::<u64>() == 0 {
        // All five natures drew 0: make one ticket a consultation.
        natures_fixed = natures_fixed.replacen("{ name: 咨询, count: 0 }", "{ name: 咨询, count: 1 }", 1);
    }
    let unsatisfied = rng.upto(3.min(topic_total));
    let topic = rewrite(&natures_fixed, |key| match key {
        "tickets" => Some(topic_total.to_string()),
        "unsatisfied" => Some(unsatisfied.to_string()),
        _ => None,
    });
    let tickets_yaml = format!("{head}{topic}");

    let mut files = base.clone();
    files.name = period;
    files.files.retain(|name, _| !name.starts_with("cases/"));
    files.files.insert("month.yaml".into(), month_yaml.into_bytes());
    files.files.insert("units.yaml".into(), units_yaml.into_bytes());
    files.files.insert("city.yaml".into(), city_yaml.into_bytes());
    files.files.insert("tickets.yaml".into(), tickets_yaml.into_bytes());
    for case in 0..2 + rng.upto(1) {
        let mut body = String::new();
        for paragraph in 0..3 {
            for _ in 0..2 + rng.upto(2) {
                body.push_str(SENTENCES[rng.upto(SENTENCES.len() as u64 - 1) as usize]);
            }
            body.push_str(if paragraph < 2 { "\n\n" } else { "\n" });
        }
        let text = format!("---\ntitle: 第{}号典型案例\norder: {}\n---\n{body}", case + 1, case + 1);
        files.files.insert(format!("cases/0{}-案例.txt", case + 1), text.into_bytes());
    }
    files
}

/// `count` consecutive months from January 2015, each from `base`.
pub fn generate(base: &MonthFiles, count: usize) -> Vec<MonthFiles> {
    (0..count)
        .map(|i| {
            let year = 2015 + (i / 12) as i32;
            let month = (i % 12) as u8 + 1;
            generate_month(base, year, month, i as u64 + 1)
        })
        .collect()
}

/// Writes generated months as folders under `dir`.
pub fn write(dir: &std::path::Path, months: &[MonthFiles]) -> std::io::Result<()> {
    for month in months {
        for (name, bytes) in &month.files {
            let path = dir.join(&month.name).join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
    }
    Ok(())
}
