//! `netstage explain`: stage one record given as flags and tell every step,
//! then its output columns, through the batch run's code path and column
//! registry.

use std::fmt::Write as _;
use std::process::ExitCode;

use netstage::write::columns::COLUMNS;
use netstage_rules::{Field, Options, Record, RuleSet};

use crate::cli::ExplainArgs;
use crate::cmd::{load_rules, print_stdout};

/// Runs `netstage explain`.
pub fn run(args: &ExplainArgs) -> ExitCode {
    let opts = Options {
        edition: args.edition.into(),
        strict_ajcc: args.strict_ajcc,
    };
    let rules = match load_rules(args.algorithm.as_deref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let size_coded = args.size_coded || args.tumor_size_summary.is_some();
    print_stdout(&explain(rules, &args.values(), size_coded, &opts));
    ExitCode::SUCCESS
}

/// Stages one record and returns the derivation in plain language, then the
/// non-blank outcome columns of the output row.
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
    s.push_str("\nResult:\n");
    for column in COLUMNS {
        if let Some(text) = column.cell.outcome_text(&out).filter(|t| !t.is_empty()) {
            let _ = writeln!(s, "  {:<16} {text}", column.name);
        }
    }
    if !out.messages.is_empty() {
        s.push_str("\nMessages:\n");
        for m in out.messages.iter() {
            let _ = writeln!(s, "  {m}");
        }
    }
    s
}
