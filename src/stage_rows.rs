//! Staging a run of raw rows (CSV records or Parquet rows): raw row -> engine
//! Record -> Outcome -> formatted output and counts. Runs on the rayon workers.

use std::borrow::Cow;

use netstage_rules::record::is_blank_value;
use netstage_rules::{Code, Field, Message, Messages, Options, Outcome, Record, RuleSet, Status};

use crate::columns::ColumnMap;
use crate::output::{Layout, RowId, row_cells};
use crate::parquet_out::ParquetRows;
use crate::pipeline::OutputFormat;
use crate::raw_row::RawRow;
use crate::summary::Counts;

/// What a worker needs to know about the input a record came from.
pub struct InputContext {
    /// Index of the input in the run.
    pub index: usize,
    /// Path as given (the `source` column).
    pub source: String,
    /// Resolved columns.
    pub columns: ColumnMap,
    /// For each `--keep-columns` header of the layout, this input's column.
    pub keep: Vec<Option<usize>>,
}

/// Output of one chunk: bytes for `stages.csv` and `flagged.csv`, and counts.
#[derive(Default)]
pub struct ChunkOutput {
    /// Formatted `stages.csv` rows.
    pub stages: Vec<u8>,
    /// Formatted `flagged.csv` rows.
    pub flagged: Vec<u8>,
    /// Counts of the chunk.
    pub counts: Counts,
    /// The rows as columns, when the output is Parquet (then `stages` is empty).
    pub parquet: Option<ParquetRows>,
    /// Rows formatted into `stages`.
    pub rows_written: u64,
}

/// The text of the first non-blank column of a field, or a flag that its
/// bytes were not UTF-8.
enum Value<'a> {
    Text(&'a str),
    NotUtf8,
}

fn field_value<'a, R: RawRow<'a>>(rec: R, columns: &ColumnMap, field: Field) -> (Value<'a>, Option<usize>) {
    for &i in columns.columns(field) {
        let Some(text) = rec.text(i) else { continue };
        return match text {
            Ok(s) if is_blank_value(s.as_bytes()) => continue,
            Ok(s) => (Value::Text(s), Some(i)),
            Err(bytes) if is_blank_value(bytes) => continue,
            Err(_) => (Value::NotUtf8, Some(i)),
        };
    }
    (Value::Text(""), None)
}

/// Column `i` as read, with bytes that are not UTF-8 replaced (for copying).
fn lossy<'a, R: RawRow<'a>>(rec: R, i: usize) -> Cow<'a, str> {
    match rec.text(i) {
        Some(Ok(s)) => Cow::Borrowed(s),
        Some(Err(bytes)) => String::from_utf8_lossy(bytes),
        None => Cow::Borrowed(""),
    }
}

/// The first non-blank column of a field as read (untrimmed), for copying.
fn copied<'a, R: RawRow<'a>>(rec: R, columns: &ColumnMap, field: Field) -> Cow<'a, str> {
    for &i in columns.columns(field) {
        match rec.text(i) {
            Some(Ok(s)) if !is_blank_value(s.as_bytes()) => return Cow::Borrowed(s),
            Some(Err(bytes)) if !is_blank_value(bytes) => return String::from_utf8_lossy(bytes),
            _ => {}
        }
    }
    Cow::Borrowed("")
}

/// Stages `rows` (row numbers from `first_row`) and formats them.
pub fn stage_rows<'a, R: RawRow<'a>>(
    rules: &RuleSet,
    opts: &Options,
    ctx: &InputContext,
    layout: &Layout,
    format: OutputFormat,
    first_row: u64,
    rows: impl IntoIterator<Item = R, IntoIter: ExactSizeIterator>,
) -> ChunkOutput {
    let rows = rows.into_iter();
    let out = match format {
        OutputFormat::Csv => ChunkOutput {
            stages: Vec::with_capacity(rows.len() * 160),
            ..ChunkOutput::default()
        },
        OutputFormat::Parquet => ChunkOutput {
            parquet: Some(ParquetRows::new(layout, rows.len())),
            ..ChunkOutput::default()
        },
    };
    let mut w = ChunkWriter {
        out,
        ctx,
        layout,
        num: String::new(),
        msgs: String::new(),
    };
    // One outcome for every well-formed row: its message list is reused.
    let mut staged: Outcome<'_> = Outcome::blank(Status::Error);
    for (i, raw) in rows.enumerate() {
        let row = first_row + i as u64;
        if let Some(problem) = raw.problem() {
            let mut m = Messages::default();
            m.push(Message::new(Code::ERecord, "record").plain(problem));
            w.emit(row, raw, false, &Outcome::unreadable(m));
            continue;
        }
        if raw.width() != ctx.columns.width {
            let shape = format!("has {} fields, the header has {}", raw.width(), ctx.columns.width);
            let mut m = Messages::default();
            m.push(Message::new(Code::ERecord, "record").plain(&shape));
            let unreadable = Outcome::unreadable(m);
            // A record of the wrong shape: its fields cannot be trusted, so
            // nothing of it is copied.
            w.emit(row, raw, false, &unreadable);
            continue;
        }
        let mut record = Record::new();
        for &field in ctx.columns.fields() {
            let (value, column) = field_value(raw, &ctx.columns, field);
            if field == Field::SizeMm {
                // The size is read as item-756 codes when the 756 column gave it.
                record.size_coded = column.is_some() && column == ctx.columns.coded_size_column;
            }
            match value {
                Value::Text(s) => {
                    record.set(field, s);
                }
                Value::NotUtf8 => {
                    record.set_not_utf8(field);
                }
            }
        }
        rules.stage_to(&record, opts, &mut staged);
        w.emit(row, raw, true, &staged);
    }
    w.out
}

/// Formats staged rows into a chunk output, with reused scratch buffers.
struct ChunkWriter<'c> {
    out: ChunkOutput,
    ctx: &'c InputContext,
    layout: &'c Layout,
    num: String,
    msgs: String,
}

impl ChunkWriter<'_> {
    /// Formats one staged row and counts it. `copy_ids`: copy record_id,
    /// tumor_record and the `--keep-columns` values from the record (false for
    /// a record of the wrong shape, whose fields cannot be trusted).
    fn emit<'a, R: RawRow<'a>>(&mut self, row: u64, raw: R, copy_ids: bool, outcome: &Outcome<'_>) {
        let (ctx, layout, out) = (self.ctx, self.layout, &mut self.out);
        let (record_id, tumor_record) = if copy_ids {
            (
                copied(raw, &ctx.columns, Field::RecordId),
                copied(raw, &ctx.columns, Field::TumorRecord),
            )
        } else {
            (Cow::Borrowed(""), Cow::Borrowed(""))
        };
        // Empty (no allocation) unless --keep-columns; nothing of a malformed record.
        let keep: Vec<Cow<'_, str>> = ctx
            .keep
            .iter()
            .map(|c| match c {
                Some(i) if copy_ids => lossy(raw, *i),
                _ => Cow::Borrowed(""),
            })
            .collect();
        let keep_refs: Vec<&str> = keep.iter().map(|c| c.as_ref()).collect();
        let id = RowId {
            row,
            source: &ctx.source,
            record_id: &record_id,
            tumor_record: &tumor_record,
            keep: &keep_refs,
        };
        match &mut out.parquet {
            Some(p) => {
                self.msgs.clear();
                outcome.messages.write_to(&mut self.msgs);
                p.push(&id, outcome, &self.msgs);
                if outcome.flagged {
                    let cells = row_cells(&id, outcome, &mut self.num, &mut self.msgs);
                    cells.write_to(&mut out.flagged, layout, id.keep);
                }
            }
            None => {
                let cells = row_cells(&id, outcome, &mut self.num, &mut self.msgs);
                let start = out.stages.len();
                cells.write_to(&mut out.stages, layout, id.keep);
                if outcome.flagged {
                    out.flagged.extend_from_slice(&out.stages[start..]);
                }
            }
        }
        out.rows_written += 1;
        out.counts.add(ctx.index, row, outcome);
    }
}
