//! Counts of a run and their renderings: `summary.csv`, `summary.json`, the
//! terminal table ([`summary`]) and `report.html` ([`html`]).

pub mod html;
pub mod summary;
