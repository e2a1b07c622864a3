//! `netstage explain`: stage one record given as flags and tell every step.

use std::fmt::Write as _;

use netstage_rules::{Field, Options, Record, RuleSet, StageCode};

/// Stages one record and returns the derivation in plain language, then the
/// output columns.
pub fn explain(rules: &RuleSet, values: &[(Field, String)], size_coded: bool, opts: &Options) -> String {
    let mut rec = Record::new();
    for (f, v) in values {
        rec.set(*f, v);
    }
    rec.size_coded = size_coded;
    let mut steps: Vec<String> = Vec::new();
    let out = rules.stage_traced(&rec, opts, &mut steps);
    let mut s = String::from("Input:\n");
    for (f, v) in values.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let _ = writeln!(s, "  {:<20} {v}", f.name());
    }
    if size_coded {
        let _ = writeln!(s, "  (size_mm read as NAACCR item 756 codes)");
    }
    s.push_str("\nDerivation:\n");
    for (i, step) in steps.iter().enumerate() {
        let _ = writeln!(s, "  {}. {step}", i + 1);
    }
    let stage = |c: Option<StageCode>| c.map_or(String::new(), |c| format!("{} ({})", c.code(), c.display()));
    s.push_str("\nResult:\n");
    let rows = [
        ("status", out.status.name().to_string()),
        ("site_group", out.site_group.map_or("", |g| g.name()).to_string()),
        (
            "differentiation",
            out.differentiation.map_or("", |d| d.name()).to_string(),
        ),
        (
            "schema",
            out.schema
                .map_or(String::new(), |s| format!("{} ({})", s.name(), s.id())),
        ),
        ("edition", out.schema.map_or("", |s| s.edition.code()).to_string()),
        (
            "t n m",
            format!(
                "{} {} {}",
                out.t.unwrap_or("-"),
                out.n.unwrap_or("-"),
                out.m.unwrap_or("-")
            ),
        ),
        ("t_suffix", if out.t_suffix { "(m)" } else { "" }.to_string()),
        ("stage", stage(out.stage)),
        ("basis", out.basis.map_or("", |b| b.name()).to_string()),
        ("path_stage", stage(out.path_stage)),
        ("clin_stage", stage(out.clin_stage)),
        ("facts_stage", stage(out.facts_stage)),
        ("eod_stage", stage(out.eod_stage)),
        (
            "eod t n m",
            match (out.eod_t, out.eod_n, out.eod_m) {
                (Some(t), Some(n), Some(m)) => format!("{t} {n} {m}"),
                _ => String::new(),
            },
        ),
        ("ss2018", out.ss2018.unwrap_or("").to_string()),
        ("recorded_stage", stage(out.recorded_stage)),
        (
            "recorded_agrees",
            out.recorded_agrees
                .map_or("", |a| if a { "yes" } else { "no" })
                .to_string(),
        ),
    ];
    for (k, v) in rows.iter().filter(|(_, v)| !v.is_empty()) {
        let _ = writeln!(s, "  {k:<16} {v}");
    }
    if !out.messages.is_empty() {
        s.push_str("\nMessages:\n");
        for m in out.messages.iter() {
            let _ = writeln!(s, "  {m}");
        }
    }
    s
}
