//! Counts over a run: folded per chunk, merged in input order, written as
//! `summary.csv`, `summary.json` and the site x stage table (io-contract §5).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use netstage_rules::{Outcome, SiteGroup, StageCode, Status};
use serde_json::{Value, json};

/// How many error rows are remembered for the `--strict` report.
pub const FIRST_ERRORS_KEPT: usize = 10;

/// Key of one `summary.csv` line: site group, schema, edition, status, stage.
pub type CellKey = (&'static str, &'static str, &'static str, &'static str, &'static str);

/// Counts of one chunk, batch or run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows counted.
    pub rows: u64,
    /// Rows per status, in `Status::ALL` order.
    pub by_status: [u64; 5],
    /// `summary.csv` cells.
    pub cells: BTreeMap<CellKey, u64>,
    /// Site group -> stage display (or status for rows without a stage) -> rows.
    pub by_site_stage: BTreeMap<(&'static str, &'static str), u64>,
    /// Edition code -> rows.
    pub by_edition: BTreeMap<&'static str, u64>,
    /// Rows whose recorded stage differs from the computed one.
    pub recorded_disagreements: u64,
    /// Message code -> rows carrying it (once per row).
    pub messages: BTreeMap<&'static str, u64>,
    /// The first error rows, as (input index, row number).
    pub first_errors: Vec<(usize, u64)>,
}

/// Key used for rows of an invalid site in `by_site_stage`.
pub const NO_SITE: &str = "unknown_site";

impl Counts {
    /// Counts one row.
    pub fn add(&mut self, input: usize, row: u64, out: &Outcome<'_>) {
        self.rows += 1;
        self.by_status[out.status as usize] += 1;
        let site = out.site_group.map_or("", SiteGroup::name);
        let schema = out.schema.map_or("", |s| s.name());
        let edition = out.schema.map_or("", |s| s.edition.code());
        let stage = out.stage.map_or("", StageCode::code);
        *self
            .cells
            .entry((site, schema, edition, out.status.name(), stage))
            .or_default() += 1;
        let stage_key = out.stage.map_or(out.status.name(), StageCode::display);
        let site_key = out.site_group.map_or(NO_SITE, SiteGroup::name);
        *self.by_site_stage.entry((site_key, stage_key)).or_default() += 1;
        if !edition.is_empty() {
            *self.by_edition.entry(edition).or_default() += 1;
        }
        if out.recorded_agrees == Some(false) {
            self.recorded_disagreements += 1;
        }
        let mut seen: [Option<&'static str>; 8] = [None; 8];
        for (i, m) in out.messages.iter().enumerate() {
            let code = m.code.as_str();
            if seen.contains(&Some(code)) {
                continue;
            }
            if i < seen.len() {
                seen[i] = Some(code);
            }
            *self.messages.entry(code).or_default() += 1;
        }
        if out.status == Status::Error && self.first_errors.len() < FIRST_ERRORS_KEPT {
            self.first_errors.push((input, row));
        }
    }

    /// Adds another chunk's counts (chunks merged in input order keep
    /// `first_errors` in input order).
    pub fn merge(&mut self, other: Counts) {
        self.rows += other.rows;
        for (a, b) in self.by_status.iter_mut().zip(other.by_status) {
            *a += b;
        }
        for (k, v) in other.cells {
            *self.cells.entry(k).or_default() += v;
        }
        for (k, v) in other.by_site_stage {
            *self.by_site_stage.entry(k).or_default() += v;
        }
        for (k, v) in other.by_edition {
            *self.by_edition.entry(k).or_default() += v;
        }
        self.recorded_disagreements += other.recorded_disagreements;
        for (k, v) in other.messages {
            *self.messages.entry(k).or_default() += v;
        }
        let room = FIRST_ERRORS_KEPT.saturating_sub(self.first_errors.len());
        self.first_errors.extend(other.first_errors.into_iter().take(room));
    }

    /// Rows with a status.
    pub fn status(&self, s: Status) -> u64 {
        self.by_status[s as usize]
    }

    /// `summary.csv`: header, then one line per non-zero cell, sorted by
    /// site_group, schema, edition, status, stage.
    pub fn summary_csv(&self) -> String {
        let mut s = String::from("site_group,schema,edition,status,stage,count\n");
        for ((site, schema, edition, status, stage), n) in &self.cells {
            let _ = writeln!(s, "{site},{schema},{edition},{status},{stage},{n}");
        }
        s
    }
}

/// One input's line in `summary.json`.
#[derive(Clone, Debug)]
pub struct InputSummary {
    /// Path as given (`-` for stdin).
    pub path: String,
    /// Data rows read.
    pub rows: u64,
    /// Hex sha256 of the raw bytes read.
    pub sha256: String,
}

/// Stage displays in table order; rows without a stage use their status.
const STAGE_ORDER: &[&str] = &[
    "0",
    "I",
    "IA",
    "IA1",
    "IA2",
    "IA3",
    "IB",
    "II",
    "IIA",
    "IIB",
    "IIC",
    "III",
    "IIIA",
    "IIIB",
    "IIIC",
    "IV",
    "IVA",
    "IVB",
    "IVC",
    "Occult",
    "Unknown",
    "N/A",
    "needs_general_staging",
    "error",
];

fn stage_rank(s: &str) -> usize {
    STAGE_ORDER.iter().position(|x| *x == s).unwrap_or(STAGE_ORDER.len())
}

/// `summary.json` (io-contract §5). Keys are sorted; everything but
/// `seconds` and `rows_per_second` is deterministic.
pub fn summary_json(counts: &Counts, inputs: &[InputSummary], rows_written: u64, seconds: f64) -> Value {
    let mut by_site: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for ((site, stage), n) in &counts.by_site_stage {
        *by_site.entry(site).or_default().entry(stage).or_default() += n;
    }
    let mut top: Vec<(&str, u64)> = counts.messages.iter().map(|(k, v)| (*k, *v)).collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let rows_per_second = if seconds > 0.0 {
        (counts.rows as f64 / seconds).round()
    } else {
        0.0
    };
    json!({
        "tool": concat!("netstage ", env!("CARGO_PKG_VERSION")),
        "inputs": inputs.iter().map(|i| json!({"path": i.path, "rows": i.rows, "sha256": i.sha256})).collect::<Vec<_>>(),
        "rows": {
            "read": counts.rows,
            "written": rows_written,
            "staged": counts.status(Status::Staged),
            "unknown_stage": counts.status(Status::UnknownStage),
            "needs_general_staging": counts.status(Status::NeedsGeneralStaging),
            "not_applicable": counts.status(Status::NotApplicable),
            "error": counts.status(Status::Error),
        },
        "by_site_stage": by_site,
        "by_edition": counts.by_edition,
        "recorded_disagreements": counts.recorded_disagreements,
        "top_messages": top.iter().map(|(c, n)| json!({"code": c, "count": n})).collect::<Vec<_>>(),
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "rows_per_second": rows_per_second,
    })
}

/// Column label of a stage key in the table.
fn label(s: &str) -> &str {
    match s {
        "needs_general_staging" => "general",
        other => other,
    }
}

/// The site x stage table printed at the end of a run.
pub fn site_stage_table(counts: &Counts) -> String {
    let mut stages: Vec<&str> = counts.by_site_stage.keys().map(|(_, s)| *s).collect();
    stages.sort_by_key(|s| stage_rank(s));
    stages.dedup();
    let mut sites: Vec<&str> = counts.by_site_stage.keys().map(|(s, _)| *s).collect();
    let site_rank = |s: &str| {
        SiteGroup::ALL
            .iter()
            .position(|g| g.name() == s)
            .unwrap_or(SiteGroup::ALL.len())
    };
    sites.sort_by_key(|s| (site_rank(s), s.to_string()));
    sites.dedup();
    let site_w = sites
        .iter()
        .map(|s| s.len())
        .max()
        .unwrap_or(0)
        .max("site".len())
        .max("total".len());
    let widths: Vec<usize> = stages
        .iter()
        .map(|st| {
            let max_n = sites
                .iter()
                .map(|si| {
                    counts
                        .by_site_stage
                        .get(&(si, st))
                        .copied()
                        .unwrap_or(0)
                        .to_string()
                        .len()
                })
                .max()
                .unwrap_or(1);
            label(st).len().max(max_n)
        })
        .collect();
    let total_w = counts.rows.to_string().len().max("total".len());
    let mut out = String::new();
    let _ = write!(out, "{:<site_w$}", "site");
    for (st, w) in stages.iter().zip(&widths) {
        let _ = write!(out, "  {:>w$}", label(st));
    }
    let _ = writeln!(out, "  {:>total_w$}", "total");
    for si in &sites {
        let _ = write!(out, "{si:<site_w$}");
        let mut row_total = 0;
        for (st, w) in stages.iter().zip(&widths) {
            let n = counts.by_site_stage.get(&(*si, *st)).copied().unwrap_or(0);
            row_total += n;
            let _ = write!(out, "  {:>w$}", if n == 0 { "-".to_string() } else { n.to_string() });
        }
        let _ = writeln!(out, "  {row_total:>total_w$}");
    }
    let _ = write!(out, "{:<site_w$}", "total");
    for (st, w) in stages.iter().zip(&widths) {
        let n: u64 = sites
            .iter()
            .map(|si| counts.by_site_stage.get(&(*si, *st)).copied().unwrap_or(0))
            .sum();
        let _ = write!(out, "  {n:>w$}");
    }
    let _ = writeln!(out, "  {:>total_w$}", counts.rows);
    out
}
