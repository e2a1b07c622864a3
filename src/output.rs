//! The output row of `stages.csv` / `flagged.csv` (io-contract §3): column
//! order and the text of every cell.

use netstage_rules::{Basis, Differentiation, Outcome, SiteGroup, StageCode};

/// The contract's output columns, in order (`source` only with several inputs).
pub const COLUMNS: &[&str] = &[
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
        let mut taken: Vec<String> = COLUMNS
            .iter()
            .filter(|c| with_source || **c != "source")
            .map(|c| c.to_string())
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

    /// The header row.
    pub fn header(&self) -> Vec<String> {
        COLUMNS
            .iter()
            .filter(|c| self.with_source || **c != "source")
            .map(|c| c.to_string())
            .chain(self.keep.iter().cloned())
            .collect()
    }
}

/// What identifies a row besides its outcome: its number, source and the
/// values copied from the input.
pub struct RowId<'a> {
    /// 1-based data row number in its file.
    pub row: u64,
    /// Input path as given.
    pub source: &'a str,
    /// `record_id` as read.
    pub record_id: &'a str,
    /// `tumor_record` as read.
    pub tumor_record: &'a str,
    /// `--keep-columns` values, in layout order.
    pub keep: &'a [&'a str],
}

/// Number of output columns (with `source`, without pass-through columns).
pub const COLUMN_COUNT: usize = COLUMNS.len();

/// The text of every output cell of one row, in column order.
pub struct RowCells<'s> {
    cells: [&'s str; COLUMN_COUNT],
}

fn stage(s: Option<StageCode>) -> &'static str {
    s.map_or("", StageCode::code)
}

/// Appends `v` in decimal without the formatting machinery (hot path).
fn push_decimal(s: &mut String, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Digits are ASCII.
    s.push_str(std::str::from_utf8(&digits[i..]).unwrap_or("0"));
}

/// Index of the first outcome cell (`status`) in [`COLUMNS`].
pub const FIRST_OUTCOME_CELL: usize = 4;
/// Number of outcome cells, `status` to `recorded_agrees` (all but the
/// identity cells and `messages`).
pub const OUTCOME_CELLS: usize = COLUMN_COUNT - FIRST_OUTCOME_CELL - 1;
/// Index of `organ_general` among the outcome cells.
pub const ORGAN_GENERAL_CELL: usize = 5;

/// The text of an outcome's cells, `status` to `recorded_agrees` in contract
/// order: all netstage's own vocabulary (`""` = blank).
pub fn outcome_cells(out: &Outcome<'_>) -> [&'static str; OUTCOME_CELLS] {
    [
        out.status.name(),
        out.site_group.map_or("", SiteGroup::name),
        out.differentiation.map_or("", Differentiation::name),
        out.schema.map_or("", |s| s.name()),
        out.schema.map_or("", |s| s.id()),
        match out.organ_general {
            Some(true) => "true",
            Some(false) => "false",
            None => "",
        },
        out.schema.map_or("", |s| s.edition.code()),
        out.t.unwrap_or(""),
        out.n.unwrap_or(""),
        out.m.unwrap_or(""),
        if out.t_suffix { "(m)" } else { "" },
        stage(out.stage),
        out.stage.map_or("", StageCode::display),
        out.basis.map_or("", Basis::name),
        stage(out.clin_stage),
        stage(out.path_stage),
        stage(out.facts_stage),
        stage(out.eod_stage),
        out.eod_t.unwrap_or(""),
        out.eod_n.unwrap_or(""),
        out.eod_m.unwrap_or(""),
        out.ss2018.unwrap_or(""),
        stage(out.recorded_stage),
        match out.recorded_agrees {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        },
    ]
}

/// Formats one row. `num` and `msgs` are scratch buffers reused across rows.
pub fn row_cells<'s>(id: &RowId<'s>, out: &'s Outcome<'_>, num: &'s mut String, msgs: &'s mut String) -> RowCells<'s> {
    num.clear();
    push_decimal(num, id.row);
    msgs.clear();
    out.messages.write_to(msgs);
    let mut cells = [""; COLUMN_COUNT];
    cells[..FIRST_OUTCOME_CELL].copy_from_slice(&[num.as_str(), id.source, id.record_id, id.tumor_record]);
    cells[FIRST_OUTCOME_CELL..FIRST_OUTCOME_CELL + OUTCOME_CELLS].copy_from_slice(&outcome_cells(out));
    cells[FIRST_OUTCOME_CELL + OUTCOME_CELLS] = msgs.as_str();
    RowCells { cells }
}

impl<'s> RowCells<'s> {
    /// Appends the row as one CSV line (RFC 4180 quoting where needed, `\n`
    /// terminated) with the layout's columns.
    pub fn write_to(&self, buf: &mut Vec<u8>, layout: &Layout, keep: &[&str]) {
        let mut first = true;
        for (i, cell) in self.cells.iter().enumerate() {
            if i == 1 && !layout.with_source {
                continue;
            }
            if !first {
                buf.push(b',');
            }
            first = false;
            if FIXED_TEXT[i] {
                buf.extend_from_slice(cell.as_bytes());
            } else {
                write_cell(buf, cell);
            }
        }
        for k in keep {
            buf.push(b',');
            write_cell(buf, k);
        }
        buf.push(b'\n');
    }

    /// The cells in contract order (with `source`).
    pub fn cells(&self) -> &[&'s str] {
        &self.cells
    }
}

/// Cells made only of netstage's own vocabulary (codes, names, numbers), which
/// never need quoting; the others (input values, messages, and the values of
/// SEER's tables, which `--algorithm` may replace) are checked.
const FIXED_TEXT: [bool; COLUMN_COUNT] = {
    let mut fixed = [true; COLUMN_COUNT];
    let mut i = 0;
    while i < COLUMN_COUNT {
        fixed[i] = !matches!(
            COLUMNS[i].as_bytes(),
            b"source" | b"record_id" | b"tumor_record" | b"messages" | b"eod_t" | b"eod_n" | b"eod_m" | b"ss2018"
        );
        i += 1;
    }
    fixed
};

/// Writes one CSV cell, quoted when it holds a separator, quote or line break.
pub fn write_cell(buf: &mut Vec<u8>, cell: &str) {
    let bytes = cell.as_bytes();
    if !bytes.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        buf.extend_from_slice(bytes);
        return;
    }
    buf.push(b'"');
    for &b in bytes {
        if b == b'"' {
            buf.push(b'"');
        }
        buf.push(b);
    }
    buf.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_follows_the_contract() {
        let l = Layout::default();
        let h = l.header();
        assert_eq!(h.len(), 28);
        assert_eq!(h[0], "row");
        assert_eq!(h[1], "record_id");
        assert_eq!(h.last().unwrap(), "messages");
        let l = Layout {
            with_source: true,
            keep: vec!["sex".into()],
        };
        let h = l.header();
        assert_eq!(h[1], "source");
        assert_eq!(h.last().unwrap(), "sex");
        assert_eq!(COLUMNS.len(), 29);
        let facts = COLUMNS.iter().position(|c| *c == "facts_stage").unwrap();
        assert_eq!(
            &COLUMNS[facts + 1..facts + 6],
            ["eod_stage", "eod_t", "eod_n", "eod_m", "ss2018"]
        );
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

    #[test]
    fn row_numbers_in_decimal() {
        for v in [0u64, 7, 10, 16_384, u64::MAX] {
            let mut s = String::new();
            push_decimal(&mut s, v);
            assert_eq!(s, v.to_string());
        }
    }

    proptest::proptest! {
        /// The hand-written cell writer (kept: it writes into the chunk's
        /// buffer without a per-row writer) gives the bytes `csv::Writer`
        /// gives for the same record (two fields or more, as every output row).
        #[test]
        fn rows_are_written_as_the_csv_crate_writes_them(
            cells in proptest::collection::vec("[a-z,\"\n\r é;|]{0,6}", 2..8)
        ) {
            let mut ours = Vec::new();
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    ours.push(b',');
                }
                write_cell(&mut ours, c);
            }
            ours.push(b'\n');
            let mut theirs = csv::Writer::from_writer(Vec::new());
            theirs.write_record(&cells).unwrap();
            proptest::prop_assert_eq!(ours, theirs.into_inner().unwrap());
        }
    }

    #[test]
    fn cells_are_quoted_only_when_needed() {
        let mut buf = Vec::new();
        for c in ["plain", "a,b", "say \"hi\"", "two\nlines", "", "cr\r"] {
            write_cell(&mut buf, c);
            buf.push(b'|');
        }
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"||\"cr\r\"|"
        );
    }
}
