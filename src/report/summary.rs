//! `summary.json` (io-contract §5, §14.3, §16) and the orders of sites and
//! stages every rendering of the counts follows.

use netstage_rules::{SiteGroup, Status};
use serde_json::{Value, json};

use crate::read::source::InputSummary;
use crate::report::counts::{Counts, NO_SITE};

/// An input's object in `summary.json`: an XML input adds `naaccr_xml`.
fn input_json(input: &InputSummary) -> Value {
    let mut v = json!({"path": input.path, "rows": input.rows, "bytes": input.bytes, "sha256": input.sha256});
    if let Some(x) = &input.xml {
        v["naaccr_xml"] = json!({
            "base_dictionary_uri": x.base_dictionary_uri,
            "naaccr_version": x.naaccr_version(),
            "record_type": x.record_type,
            "specification_version": x.specification_version,
            "tumors": input.rows,
        });
    }
    v
}

/// Stage displays in table order; rows without a stage use their status.
pub const STAGE_ORDER: &[&str] = &[
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

/// Site groups in output order (`other` last of them), then `unknown_site`.
pub fn site_order() -> Vec<&'static str> {
    SiteGroup::all().map(SiteGroup::name).chain([NO_SITE]).collect()
}

/// Position of a stage key in [`STAGE_ORDER`] (unknown keys last).
pub fn stage_rank(s: &str) -> usize {
    STAGE_ORDER.iter().position(|x| *x == s).unwrap_or(STAGE_ORDER.len())
}

/// `summary.json` (io-contract §5). Keys are sorted; everything but
/// `seconds` and `rows_per_second` is deterministic.
pub fn summary_json(
    counts: &Counts,
    inputs: &[InputSummary],
    rows_written: u64,
    seconds: f64,
    eod_algorithm: &str,
) -> Value {
    let by_site = counts.by_site_stage();
    let mut top = counts.message_counts();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let rows_per_second = if seconds > 0.0 {
        (counts.rows as f64 / seconds).round()
    } else {
        0.0
    };
    json!({
        "tool": concat!("netstage ", env!("CARGO_PKG_VERSION")),
        "inputs": inputs.iter().map(input_json).collect::<Vec<_>>(),
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
        "by_edition": counts.by_edition(),
        "by_site_ss2018": counts.by_site_ss2018(),
        "by_site_year": counts.by_site_year(),
        "by_basis": counts.by_basis(),
        "recorded_by_site": counts.recorded_by_site(),
        "flagged_by_site_status": counts.flagged_by_site_status(),
        "errors_by_field": counts.errors_by_field(),
        "eod_algorithm": eod_algorithm,
        "recorded_disagreements": counts.recorded_disagreements,
        "top_messages": top.iter().map(|(c, n)| json!({"code": c, "count": n})).collect::<Vec<_>>(),
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "rows_per_second": rows_per_second,
    })
}
