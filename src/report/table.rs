//! The site x stage table printed at the end of a run.

use std::fmt::Write as _;

use crate::report::counts::Counts;
use crate::report::summary::{site_order, stage_rank};

/// Column label of a stage key in the table.
fn label(s: &str) -> &str {
    match s {
        "needs_general_staging" => "general",
        other => other,
    }
}

/// The site x stage table printed at the end of a run.
pub fn site_stage_table(counts: &Counts) -> String {
    let by_site = counts.by_site_stage();
    let mut stages: Vec<&str> = by_site.values().flat_map(|m| m.keys().copied()).collect();
    stages.sort_by_key(|s| stage_rank(s));
    stages.dedup();
    let mut sites: Vec<&str> = by_site.keys().copied().collect();
    let order = site_order();
    let site_rank = |s: &str| order.iter().position(|o| *o == s).unwrap_or(order.len());
    sites.sort_by_key(|s| (site_rank(s), s.to_string()));
    let get = |site: &str, stage: &str| by_site.get(site).and_then(|m| m.get(stage)).copied().unwrap_or(0);
    let site_w = sites.iter().map(|s| s.len()).max().unwrap_or(0).max("total".len());
    let widths: Vec<usize> = stages
        .iter()
        .map(|st| {
            let max_n = sites.iter().map(|si| get(si, st).to_string().len()).max().unwrap_or(1);
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
            let n = get(si, st);
            row_total += n;
            let _ = write!(out, "  {:>w$}", if n == 0 { "-".to_string() } else { n.to_string() });
        }
        let _ = writeln!(out, "  {row_total:>total_w$}");
    }
    let _ = write!(out, "{:<site_w$}", "total");
    for (st, w) in stages.iter().zip(&widths) {
        let n: u64 = sites.iter().map(|si| get(si, st)).sum();
        let _ = write!(out, "  {n:>w$}");
    }
    let _ = writeln!(out, "  {:>total_w$}", counts.rows);
    out
}
