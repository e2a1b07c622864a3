//! The column registry: every output column of `stages.csv`, `flagged.csv`,
//! `stages.parquet` and `explain`, in contract order (io-contract §3, §14.3),
//! with what its cell holds, which says how each format writes it. Adding an
//! output column is one line in [`COLUMNS`].

use netstage_rules::{Basis, Differentiation, Outcome, SiteGroup, StageCode};

use crate::stage::RowId;

/// What a column's cell holds.
#[derive(Clone, Copy)]
pub enum Cell {
    /// The 1-based data row number (Parquet `UInt64`).
    Row,
    /// The input path; written only when the run has several inputs.
    Source,
    /// `record_id` as read.
    RecordId,
    /// `tumor_record` as read.
    TumorRecord,
    /// An outcome value in netstage's own vocabulary (codes, names): never
    /// needs CSV quoting; Parquet dictionary-encoded.
    Code(fn(&Outcome<'_>) -> &'static str),
    /// An outcome value from SEER's tables, which `--algorithm` may replace:
    /// quoted when needed; Parquet dictionary-encoded.
    TableValue(fn(&Outcome<'_>) -> &'static str),
    /// A true/false outcome (CSV `true`/`false`, Parquet `Boolean`).
    Boolean(fn(&Outcome<'_>) -> Option<bool>),
    /// The row's messages (`; `-separated).
    Messages,
}

impl Cell {
    /// The text of an outcome cell (`""` = blank); `None` for the cells that
    /// come from the row's identity or its messages.
    pub fn outcome_text(self, out: &Outcome<'_>) -> Option<&'static str> {
        match self {
            Cell::Code(f) | Cell::TableValue(f) => Some(f(out)),
            Cell::Boolean(f) => Some(match f(out) {
                Some(true) => "true",
                Some(false) => "false",
                None => "",
            }),
            _ => None,
        }
    }

    /// The cell's text for a row, as a writer that takes every cell as text
    /// needs it (`csv::Writer`, where the tests and benches compare the
    /// encoder with it): `row` is the row number and `messages` the row's
    /// messages, each written out once per row by the caller.
    pub fn text<'a>(self, id: &RowId<'a>, out: &Outcome<'_>, row: &'a str, messages: &'a str) -> &'a str {
        match self {
            Cell::Row => row,
            Cell::Source => id.source,
            Cell::RecordId => id.record_id,
            Cell::TumorRecord => id.tumor_record,
            Cell::Messages => messages,
            cell => cell.outcome_text(out).unwrap_or_default(),
        }
    }
}

/// One output column: its header and what its cell holds.
#[derive(Clone, Copy)]
pub struct Column {
    /// The header.
    pub name: &'static str,
    /// What the cell holds.
    pub cell: Cell,
}

const fn col(name: &'static str, cell: Cell) -> Column {
    Column { name, cell }
}

fn stage(s: Option<StageCode>) -> &'static str {
    s.map_or("", StageCode::code)
}

/// The contract's output columns, in order (`source` only with several inputs).
pub const COLUMNS: &[Column] = &[
    col("row", Cell::Row),
    col("source", Cell::Source),
    col("record_id", Cell::RecordId),
    col("tumor_record", Cell::TumorRecord),
    col("status", Cell::Code(|o| o.status.name())),
    col("site_group", Cell::Code(|o| o.site_group.map_or("", SiteGroup::name))),
    col(
        "differentiation",
        Cell::Code(|o| o.differentiation.map_or("", Differentiation::name)),
    ),
    col("schema", Cell::Code(|o| o.schema.map_or("", |s| s.name()))),
    col("schema_id", Cell::Code(|o| o.schema.map_or("", |s| s.id()))),
    col("organ_general", Cell::Boolean(|o| o.organ_general)),
    col("edition", Cell::Code(|o| o.schema.map_or("", |s| s.edition.code()))),
    col("t", Cell::Code(|o| o.t.unwrap_or(""))),
    col("n", Cell::Code(|o| o.n.unwrap_or(""))),
    col("m", Cell::Code(|o| o.m.unwrap_or(""))),
    col("t_suffix", Cell::Code(|o| if o.t_suffix { "(m)" } else { "" })),
    col("stage", Cell::Code(|o| stage(o.stage))),
    col("stage_display", Cell::Code(|o| o.stage.map_or("", StageCode::display))),
    col("basis", Cell::Code(|o| o.basis.map_or("", Basis::name))),
    col("clin_stage", Cell::Code(|o| stage(o.clin_stage))),
    col("path_stage", Cell::Code(|o| stage(o.path_stage))),
    col("facts_stage", Cell::Code(|o| stage(o.facts_stage))),
    col("eod_stage", Cell::Code(|o| stage(o.eod_stage))),
    col("eod_t", Cell::TableValue(|o| o.eod_t.unwrap_or(""))),
    col("eod_n", Cell::TableValue(|o| o.eod_n.unwrap_or(""))),
    col("eod_m", Cell::TableValue(|o| o.eod_m.unwrap_or(""))),
    col("ss2018", Cell::TableValue(|o| o.ss2018.unwrap_or(""))),
    col("recorded_stage", Cell::Code(|o| stage(o.recorded_stage))),
    col(
        "recorded_agrees",
        Cell::Code(|o| match o.recorded_agrees {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        }),
    ),
    col("messages", Cell::Messages),
];

/// Expands `$m!(0 1 ... 28)`, every index of [`COLUMNS`]: the encoders name
/// each column by its index so that its cell is known when compiled and its
/// accessor is called directly. A loop over the columns calls every
/// accessor from one site whose target changes at each column; the CSV
/// encoder ran 2.1x faster without it (BENCHMARKS.md, tenth session).
macro_rules! column_indices {
    ($m:ident) => {
        $m!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28)
    };
}
pub(crate) use column_indices;

// A column added to COLUMNS fails to compile until `column_indices` names it.
const _: () = assert!(COLUMNS.len() == 29, "name every column in column_indices");
// The first column is always written: no comma goes before it.
const _: () = assert!(!matches!(COLUMNS[0].cell, Cell::Source));

/// The shape of the output: whether `source` is written, and the
/// `--keep-columns` headers appended after the contract's columns.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// True with more than one input.
    pub with_source: bool,
    /// Pass-through column headers.
    pub keep: Vec<String>,
}

impl Layout {
    /// The layout of a run: `source` with several inputs, and the pass-through
    /// columns `kept` (input headers). A pass-through header equal to a column
    /// written before it (ignoring ASCII case) is written as `input_NAME`
    /// (then `input_NAME_2`, ...), so no two output columns share a name.
    pub fn new(with_source: bool, kept: &[String]) -> Layout {
        let mut taken: Vec<String> = Layout {
            with_source,
            keep: Vec::new(),
        }
        .columns()
        .map(|c| c.name.to_string())
        .collect();
        let is_taken = |taken: &[String], name: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(name));
        let mut keep = Vec::with_capacity(kept.len());
        for name in kept {
            let mut out = name.clone();
            if is_taken(&taken, &out) {
                out = format!("input_{name}");
                let mut n = 2;
                while is_taken(&taken, &out) {
                    out = format!("input_{name}_{n}");
                    n += 1;
                }
            }
            taken.push(out.clone());
            keep.push(out);
        }
        Layout { with_source, keep }
    }

    /// The contract columns this layout writes, in order (the pass-through
    /// columns follow them).
    pub fn columns(&self) -> impl Iterator<Item = &'static Column> + use<> {
        let with_source = self.with_source;
        COLUMNS
            .iter()
            .filter(move |c| with_source || !matches!(c.cell, Cell::Source))
    }

    /// The header row.
    pub fn header(&self) -> Vec<String> {
        self.columns()
            .map(|c| c.name.to_string())
            .chain(self.keep.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The headers of io-contract §3 with §14.3's EOD columns after
    /// `facts_stage`, written out here from the contract.
    const CONTRACT_HEADERS: [&str; 29] = [
        "row",
        "source",
        "record_id",
        "tumor_record",
        "status",
        "site_group",
        "differentiation",
        "schema",
        "schema_id",
        "organ_general",
        "edition",
        "t",
        "n",
        "m",
        "t_suffix",
        "stage",
        "stage_display",
        "basis",
        "clin_stage",
        "path_stage",
        "facts_stage",
        "eod_stage",
        "eod_t",
        "eod_n",
        "eod_m",
        "ss2018",
        "recorded_stage",
        "recorded_agrees",
        "messages",
    ];

    #[test]
    fn header_follows_the_contract() {
        let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        assert_eq!(names, CONTRACT_HEADERS);
        let h = Layout::default().header();
        assert_eq!(h.len(), 28);
        assert_eq!(h[..2], ["row", "record_id"]);
        assert_eq!(h.last().unwrap(), "messages");
        let l = Layout {
            with_source: true,
            keep: vec!["sex".into()],
        };
        let h = l.header();
        assert_eq!(h[1], "source");
        assert_eq!(h.last().unwrap(), "sex");
    }

    /// Only the values SEER's tables supply (which `--algorithm` may
    /// replace) and the copied input values can hold a separator.
    #[test]
    fn only_table_values_and_input_values_may_need_quoting() {
        let checked: Vec<&str> = COLUMNS
            .iter()
            .filter(|c| !matches!(c.cell, Cell::Row | Cell::Code(_) | Cell::Boolean(_)))
            .map(|c| c.name)
            .collect();
        assert_eq!(
            checked,
            [
                "source",
                "record_id",
                "tumor_record",
                "eod_t",
                "eod_n",
                "eod_m",
                "ss2018",
                "messages"
            ]
        );
    }

    #[test]
    fn outcome_cells_of_a_blank_error_row() {
        let out = Outcome::blank(netstage_rules::Status::Error);
        let texts: Vec<(&str, &str)> = COLUMNS
            .iter()
            .filter_map(|c| Some((c.name, c.cell.outcome_text(&out)?)))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        assert_eq!(texts, [("status", "error")]);
    }

    #[test]
    fn pass_through_headers_never_repeat_an_output_column() {
        let kept: Vec<String> = ["status", "sex", "row", "input_row", "sex"].map(String::from).to_vec();
        let l = Layout::new(false, &kept);
        assert_eq!(
            l.keep,
            ["input_status", "sex", "input_row", "input_input_row", "input_sex"]
        );
        let l = Layout::new(false, &["input_row".to_string(), "row".to_string()]);
        assert_eq!(l.keep, ["input_row", "input_row_2"]);
        // Case does not make a name different; `source` is only taken when written.
        let kept: Vec<String> = ["Status", "source"].map(String::from).to_vec();
        assert_eq!(Layout::new(false, &kept).keep, ["input_Status", "source"]);
        assert_eq!(Layout::new(true, &kept).keep, ["input_Status", "input_source"]);
        assert_eq!(Layout::new(true, &[]).header().len(), 29);
    }
}
