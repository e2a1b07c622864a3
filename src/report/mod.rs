//! Counts of a run ([`counts`]) and their renderings: `summary.csv` (from
//! the counts), `summary.json` ([`summary`]), the terminal table ([`table`])
//! and `report.html` ([`html`]).

pub mod counts;
pub mod html;
pub mod summary;
pub mod table;
