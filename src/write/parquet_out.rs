//! `stages.parquet` (`--output-format parquet`): the contract's columns, typed
//! (`row` UInt64, `organ_general` Boolean, codes as strings, blank = null),
//! built per staging chunk, encoded column by column in parallel, written in
//! bounded row groups. The outcome columns are dictionary-encoded from keys
//! ([`crate::write::parquet_dict`]); the others go through arrow-rs.

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::ArrayRef;
use arrow_array::builder::{BooleanBuilder, StringBuilder, UInt64Builder};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use bytes::Bytes;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_writer::{
    ArrowColumnChunk, ArrowColumnWriter, ArrowRowGroupWriterFactory, ArrowWriterOptions, compute_leaves,
};
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;
use rayon::ThreadPool;
use rayon::prelude::*;

use netstage_rules::Outcome;

use crate::error::{RunError, io_error};
use crate::stage::{RowId, RowSink};
use crate::write::columns::{COLUMNS, Cell, Layout, column_indices};
use crate::write::csv_out::{CsvFile, CsvRowEncoder};
use crate::write::direct_file::DirectFile;
use crate::write::outdir::OutputDir;
use crate::write::parquet_dict::{CodedKeys, DictColumn};
use crate::write::{ChunkEncoder, RowFiles};

/// Rows per row group (a row group ends at the first batch boundary past it).
const ROW_GROUP_ROWS: usize = 128 * 1024;

/// How a column is stored, from what its cell holds (a `--keep-columns`
/// column is text whatever its name).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    /// `row`.
    Row,
    /// A true/false outcome (`organ_general`).
    Boolean,
    /// An outcome column written from dictionary keys.
    Coded,
    /// Copied text, `messages`, pass-through columns.
    Text,
}

impl ColumnKind {
    fn of(cell: Cell) -> ColumnKind {
        match cell {
            Cell::Row => ColumnKind::Row,
            Cell::Boolean(_) => ColumnKind::Boolean,
            Cell::Code(_) | Cell::TableValue(_) => ColumnKind::Coded,
            Cell::Source | Cell::RecordId | Cell::TumorRecord | Cell::Messages => ColumnKind::Text,
        }
    }
}

fn column_kinds(layout: &Layout) -> Vec<ColumnKind> {
    layout
        .columns()
        .map(|c| ColumnKind::of(c.cell))
        .chain(layout.keep.iter().map(|_| ColumnKind::Text))
        .collect()
}

/// The Arrow schema of `stages.parquet` for a layout: `row` UInt64,
/// `organ_general` Boolean, every other column a string.
fn stages_schema(layout: &Layout) -> SchemaRef {
    let fields: Vec<Field> = layout
        .header()
        .into_iter()
        .zip(column_kinds(layout))
        .map(|(name, kind)| match kind {
            ColumnKind::Row => Field::new(name, DataType::UInt64, false),
            ColumnKind::Boolean => Field::new(name, DataType::Boolean, true),
            ColumnKind::Coded | ColumnKind::Text => Field::new(name, DataType::Utf8, true),
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// One outcome column of a chunk as dictionary keys, with a small
/// direct-mapped cache of value addresses in front of [`CodedKeys::key_of`]
/// (no hashing or copying of text per cell).
struct CodedColumn {
    keys: CodedKeys,
    /// (address, length, key) by address bits; length 0 = empty slot.
    cache: [(usize, usize, u16); CACHE_SLOTS],
}

const CACHE_SLOTS: usize = 64;

impl CodedColumn {
    fn new(capacity: usize) -> CodedColumn {
        CodedColumn {
            keys: CodedKeys::with_capacity(capacity),
            cache: [(0, 0, 0); CACHE_SLOTS],
        }
    }

    /// Not inlined: the 22 coded columns, each written by its own code
    /// (`ParquetRows::column`), share one copy of it.
    #[inline(never)]
    fn push(&mut self, v: &'static str) {
        if v.is_empty() {
            self.keys.keys.push(0);
            return;
        }
        let addr = v.as_ptr() as usize;
        let slot = &mut self.cache[(addr ^ (addr >> 6)) % CACHE_SLOTS];
        let key = if slot.0 == addr && slot.1 == v.len() {
            slot.2
        } else {
            let key = self.keys.key_of(v);
            *slot = (addr, v.len(), key);
            key
        };
        self.keys.keys.push(key);
    }
}

/// The builder of one contract column of a chunk.
enum ColumnBuilder {
    Row(UInt64Builder),
    Boolean(BooleanBuilder),
    Coded(Box<CodedColumn>),
    Text(StringBuilder),
}

/// One column of a finished chunk.
enum ChunkColumn {
    Arrow(ArrayRef),
    Coded(CodedKeys),
}

/// One chunk's rows, column by column, built from the column registry.
pub struct ParquetRows {
    /// The builder of each of the layout's contract columns.
    columns: Vec<ColumnBuilder>,
    /// Pass-through columns.
    keep: Vec<StringBuilder>,
    /// Whether the `source` column is written.
    with_source: bool,
    /// Scratch for a row's messages.
    msgs: String,
    rows: usize,
}

impl ParquetRows {
    /// Empty builders for a layout.
    pub fn new(layout: &Layout, capacity: usize) -> ParquetRows {
        let text = |bytes_per_row| StringBuilder::with_capacity(capacity, capacity * bytes_per_row);
        let columns = layout
            .columns()
            .map(|c| match c.cell {
                Cell::Row => ColumnBuilder::Row(UInt64Builder::with_capacity(capacity)),
                Cell::Boolean(_) => ColumnBuilder::Boolean(BooleanBuilder::with_capacity(capacity)),
                Cell::Code(_) | Cell::TableValue(_) => ColumnBuilder::Coded(Box::new(CodedColumn::new(capacity))),
                Cell::Source | Cell::RecordId => ColumnBuilder::Text(text(16)),
                Cell::TumorRecord => ColumnBuilder::Text(text(2)),
                Cell::Messages => ColumnBuilder::Text(text(32)),
            })
            .collect();
        ParquetRows {
            columns,
            keep: layout.keep.iter().map(|_| text(8)).collect(),
            with_source: layout.with_source,
            msgs: String::new(),
            rows: 0,
        }
    }

    /// Appends one row: its identity and outcome.
    pub fn push(&mut self, id: &RowId<'_>, out: &Outcome<'_>) {
        // Each column by its index (see `column_indices`); `at` is the
        // column's place in the layout.
        let mut at = 0;
        macro_rules! columns {
            ($($i:literal)*) => { $( self.column::<$i>(&mut at, id, out); )* };
        }
        column_indices!(columns);
        for (b, v) in self.keep.iter_mut().zip(id.keep) {
            append(b, v);
        }
        self.rows += 1;
    }

    /// Appends the row's cell of column `I` of [`COLUMNS`] to the builder
    /// at `at` (the layout's next column), unless the layout leaves it out.
    #[inline(always)]
    fn column<const I: usize>(&mut self, at: &mut usize, id: &RowId<'_>, out: &Outcome<'_>) {
        let cell = const { COLUMNS[I].cell };
        if matches!(cell, Cell::Source) && !self.with_source {
            return;
        }
        let builder = &mut self.columns[*at];
        *at += 1;
        match (cell, builder) {
            (Cell::Row, ColumnBuilder::Row(b)) => b.append_value(id.row),
            (Cell::Code(f) | Cell::TableValue(f), ColumnBuilder::Coded(b)) => b.push(f(out)),
            (Cell::Boolean(f), ColumnBuilder::Boolean(b)) => b.append_option(f(out)),
            (Cell::Source, ColumnBuilder::Text(b)) => append(b, id.source),
            (Cell::RecordId, ColumnBuilder::Text(b)) => append(b, id.record_id),
            (Cell::TumorRecord, ColumnBuilder::Text(b)) => append(b, id.tumor_record),
            (Cell::Messages, ColumnBuilder::Text(b)) => {
                self.msgs.clear();
                out.messages.write_to(&mut self.msgs);
                append(b, &self.msgs);
            }
            // `new` pairs every cell with its builder.
            _ => unreachable!("a column builder of another kind than its cell"),
        }
    }

    /// The chunk's columns in layout order.
    fn finish(self) -> Vec<ChunkColumn> {
        let contract = self.columns.into_iter().map(|builder| match builder {
            ColumnBuilder::Row(mut b) => ChunkColumn::Arrow(Arc::new(b.finish())),
            ColumnBuilder::Boolean(mut b) => ChunkColumn::Arrow(Arc::new(b.finish())),
            ColumnBuilder::Coded(c) => ChunkColumn::Coded(c.keys),
            ColumnBuilder::Text(mut b) => ChunkColumn::Arrow(Arc::new(b.finish())),
        });
        let keep = self
            .keep
            .into_iter()
            .map(|mut b| ChunkColumn::Arrow(Arc::new(b.finish())));
        contract.chain(keep).collect()
    }
}

fn append(b: &mut StringBuilder, cell: &str) {
    if cell.is_empty() {
        b.append_null();
    } else {
        b.append_value(cell);
    }
}

/// One chunk of rows for `stages.parquet`, with its `flagged.csv` bytes.
pub struct ParquetChunk {
    rows: ParquetRows,
    flagged: Vec<u8>,
    csv: CsvRowEncoder,
}

impl RowSink for ParquetChunk {
    fn row(&mut self, id: &RowId<'_>, outcome: &Outcome<'_>) {
        self.rows.push(id, outcome);
        if outcome.flagged {
            self.csv.encode(&mut self.flagged, id, outcome);
        }
    }
}

impl ChunkEncoder for ParquetChunk {
    fn new(layout: &Layout, rows: usize) -> ParquetChunk {
        ParquetChunk {
            rows: ParquetRows::new(layout, rows),
            flagged: Vec::new(),
            csv: CsvRowEncoder::new(layout),
        }
    }

    fn rows(&self) -> u64 {
        self.rows.rows as u64
    }

    /// Not called in a run (Parquet chunks are not left for reuse: see
    /// [`ParquetFiles`]'s `write`): a new chunk, for the trait's sake.
    fn reset(&mut self, layout: &Layout, rows: usize) {
        *self = ParquetChunk::new(layout, rows);
    }

    fn kept_bytes(&self) -> usize {
        self.flagged.capacity()
    }
}

/// `stages.parquet` and `flagged.csv`.
pub struct ParquetFiles {
    stages: ParquetOut,
    flagged: CsvFile,
}

impl ParquetFiles {
    /// Creates both files; Parquet columns are encoded on `pool`.
    pub fn create(out_dir: &mut OutputDir, layout: &Layout, pool: Arc<ThreadPool>) -> Result<ParquetFiles, RunError> {
        let (file, path) = out_dir.create("stages.parquet")?;
        Ok(ParquetFiles {
            stages: ParquetOut::new(file, path, layout, pool)?,
            flagged: CsvFile::create(out_dir, "flagged.csv", layout)?,
        })
    }
}

impl RowFiles for ParquetFiles {
    type Chunk = ParquetChunk;

    fn write(&mut self, chunks: &mut Vec<ParquetChunk>) -> Result<(), RunError> {
        let mut rows = Vec::with_capacity(chunks.len());
        // The rows go to the row group: nothing is left to reuse.
        for chunk in chunks.drain(..) {
            self.flagged.write(&chunk.flagged)?;
            rows.push(chunk.rows);
        }
        self.stages.write(rows)
    }

    fn finish(self) -> Result<(), RunError> {
        self.stages.finish()?;
        self.flagged.finish()
    }
}

/// The encoder of one column of the row group being written.
enum ColumnEncoder {
    Arrow(Box<ArrowColumnWriter>),
    Coded(DictColumn),
}

/// One encoded column chunk, ready to append to the row group.
enum EncodedColumn {
    Arrow(Box<ArrowColumnChunk>),
    Coded(Bytes, Box<ColumnCloseResult>),
}

/// `stages.parquet` being written. Each column of a row group has its own
/// encoder; the encoders of a batch run in parallel on the staging pool, so
/// Parquet encoding is not one thread's work.
pub struct ParquetOut {
    path: PathBuf,
    schema: SchemaRef,
    kinds: Vec<ColumnKind>,
    file: SerializedFileWriter<DirectFile>,
    factory: ArrowRowGroupWriterFactory,
    /// Encoders of the row group being written, one per column.
    columns: Vec<ColumnEncoder>,
    rows_in_group: usize,
    row_groups: usize,
    row_group_rows: usize,
    pool: Arc<ThreadPool>,
}

impl ParquetOut {
    /// Starts the file (zstd, bounded row groups); columns are encoded on `pool`.
    pub fn new(file: File, path: PathBuf, layout: &Layout, pool: Arc<ThreadPool>) -> Result<ParquetOut, RunError> {
        let schema = stages_schema(layout);
        // Measured on the 2M-row benchmark (BENCHMARKS.md): a dictionary page
        // for `messages` (a few thousand distinct texts); `row` delta-encoded
        // and `record_id` prefix-encoded instead of dictionaries, which left
        // little for zstd to do. No min/max statistics: they cost 10-20 % of a
        // run's CPU and prune little here.
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_statistics_enabled(EnabledStatistics::None)
            .set_column_dictionary_enabled(ColumnPath::from("row"), false)
            .set_column_encoding(ColumnPath::from("row"), Encoding::DELTA_BINARY_PACKED)
            .set_column_dictionary_enabled(ColumnPath::from("record_id"), false)
            .set_column_encoding(ColumnPath::from("record_id"), Encoding::DELTA_BYTE_ARRAY)
            .set_column_dictionary_enabled(ColumnPath::from("source"), false)
            .build();
        // No Arrow schema in the footer: readers (arrow-rs, pyarrow, polars)
        // type the columns from the Parquet schema alone (String, UInt64,
        // Boolean).
        let options = ArrowWriterOptions::new()
            .with_properties(props)
            .with_skip_arrow_metadata(true);
        let (file, factory) = ArrowWriter::try_new_with_options(DirectFile::new(file), Arc::clone(&schema), options)
            .and_then(ArrowWriter::into_serialized_writer)
            .map_err(|e| write_error(&path, e))?;
        let mut out = ParquetOut {
            path,
            schema,
            kinds: column_kinds(layout),
            file,
            factory,
            columns: Vec::new(),
            rows_in_group: 0,
            row_groups: 0,
            row_group_rows: ROW_GROUP_ROWS,
            pool,
        };
        out.columns = out.encoders(0)?;
        Ok(out)
    }

    /// Ends row groups at the first batch boundary past `rows` rows instead
    /// of [`ROW_GROUP_ROWS`].
    pub fn with_row_group_rows(mut self, rows: usize) -> ParquetOut {
        self.row_group_rows = rows.max(1);
        self
    }

    /// Fresh encoders for row group `index`.
    fn encoders(&self, index: usize) -> Result<Vec<ColumnEncoder>, RunError> {
        let writers = self
            .factory
            .create_column_writers(index)
            .map_err(|e| write_error(&self.path, e))?;
        Ok(writers
            .into_iter()
            .zip(&self.kinds)
            .map(|(w, kind)| match kind {
                ColumnKind::Coded => ColumnEncoder::Coded(DictColumn::default()),
                _ => ColumnEncoder::Arrow(Box::new(w)),
            })
            .collect())
    }

    /// Writes one batch's chunks, in order; ends the row group once it holds
    /// at least [`ROW_GROUP_ROWS`] rows.
    pub fn write(&mut self, chunks: Vec<ParquetRows>) -> Result<(), RunError> {
        let rows: usize = chunks.iter().map(|c| c.rows).sum();
        // Column-major: for each column, its part of every chunk, in order.
        let mut by_column: Vec<Vec<ChunkColumn>> = (0..self.columns.len()).map(|_| Vec::new()).collect();
        for chunk in chunks {
            for (c, column) in chunk.finish().into_iter().enumerate() {
                by_column
                    .get_mut(c)
                    .ok_or_else(|| RunError::Internal("parquet column count".into()))?
                    .push(column);
            }
        }
        let fields = self.schema.fields();
        let encoded: Result<(), ParquetError> = self.pool.install(|| {
            self.columns
                .par_iter_mut()
                .zip(by_column)
                .enumerate()
                .try_for_each(|(i, (encoder, parts))| {
                    for part in parts {
                        match (&mut *encoder, part) {
                            (ColumnEncoder::Arrow(w), ChunkColumn::Arrow(a)) => {
                                for leaf in compute_leaves(&fields[i], &a)? {
                                    w.write(&leaf)?;
                                }
                            }
                            (ColumnEncoder::Coded(d), ChunkColumn::Coded(keys)) => d.extend(&keys),
                            _ => return Err(ParquetError::General(format!("column {i}: chunk of the wrong kind"))),
                        }
                    }
                    Ok(())
                })
        });
        encoded.map_err(|e| write_error(&self.path, e))?;
        self.rows_in_group += rows;
        if self.rows_in_group >= self.row_group_rows {
            self.end_row_group()?;
        }
        Ok(())
    }

    /// Closes the column encoders and appends the row group to the file.
    fn end_row_group(&mut self) -> Result<(), RunError> {
        self.row_groups += 1;
        let next = self.encoders(self.row_groups)?;
        let columns = std::mem::replace(&mut self.columns, next);
        let descr = self.file.schema_descr();
        let encoded: Result<Vec<EncodedColumn>, ParquetError> = self.pool.install(|| {
            columns
                .into_par_iter()
                .enumerate()
                .map(|(i, c)| match c {
                    ColumnEncoder::Arrow(w) => w.close().map(|c| EncodedColumn::Arrow(Box::new(c))),
                    ColumnEncoder::Coded(d) => d
                        .encode(descr.column(i))
                        .map(|(bytes, close)| EncodedColumn::Coded(bytes, Box::new(close))),
                })
                .collect()
        });
        let encoded = encoded.map_err(|e| write_error(&self.path, e))?;
        let mut group = self.file.next_row_group().map_err(|e| write_error(&self.path, e))?;
        for column in encoded {
            match column {
                EncodedColumn::Arrow(chunk) => chunk.append_to_row_group(&mut group),
                EncodedColumn::Coded(bytes, close) => group.append_column(&bytes, *close),
            }
            .map_err(|e| write_error(&self.path, e))?;
        }
        group.close().map_err(|e| write_error(&self.path, e))?;
        self.rows_in_group = 0;
        Ok(())
    }

    /// Writes the last row group and the footer, and syncs the file.
    pub fn finish(mut self) -> Result<(), RunError> {
        if self.rows_in_group > 0 {
            self.end_row_group()?;
        }
        // `finish` rather than `into_inner`: both write the footer, but
        // `into_inner` reports an I/O error of its last flush as a plain
        // message, which would end the run as an internal error (70).
        self.file.finish().map_err(|e| write_error(&self.path, e))?;
        self.file.inner_mut().finish().map_err(|e| io_error(&self.path, e))
    }
}

fn write_error(path: &std::path::Path, e: ParquetError) -> RunError {
    match e {
        ParquetError::External(inner) => match inner.downcast::<std::io::Error>() {
            Ok(io) => io_error(path, *io),
            Err(other) => RunError::Internal(format!("{}: parquet: {other}", path.display())),
        },
        other => RunError::Internal(format!("{}: parquet: {other}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::cast::AsArray;
    use arrow_array::{Array, RecordBatch, UInt64Array};
    use netstage_rules::{Code, Message, SiteGroup, StageCode, Status};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    use super::*;

    fn outcome(i: u64) -> Outcome<'static> {
        let mut o = Outcome::blank(if i.is_multiple_of(2) {
            Status::Staged
        } else {
            Status::Error
        });
        o.site_group = i
            .is_multiple_of(3)
            .then(|| SiteGroup::named("pancreas").expect("site group"));
        o.organ_general = i.is_multiple_of(2).then_some(i.is_multiple_of(4));
        o.t = Some(["T1", "T2", "T3"][i as usize % 3]);
        o.stage = (!i.is_multiple_of(5)).then(|| StageCode::from_code("2A").unwrap());
        if i == 2 {
            o.messages
                .push(Message::new(Code::WBasisDisagree, "stage").plain("two, \"quoted\""));
        }
        o
    }

    /// Appends row `row` (record id `id<row>`, `sex` blank on row 3) with
    /// the outcome [`outcome`] makes for it.
    fn push_row(rows: &mut ParquetRows, row: u64) {
        let id_text = format!("id{row}");
        let keep = [if row == 3 { "" } else { "F" }];
        let id = RowId {
            input: 0,
            row,
            source: "in.csv",
            record_id: &id_text,
            tumor_record: "01",
            keep: &keep,
        };
        rows.push(&id, &outcome(row));
    }

    /// Rows written in chunks come back in order, cell for cell, as plain
    /// strings, with row groups ending at the first chunk boundary past the
    /// limit.
    #[test]
    fn chunks_read_back_in_order_with_bounded_row_groups() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stages.parquet");
        let layout = Layout {
            with_source: true,
            keep: vec!["sex".into()],
        };
        let pool = Arc::new(rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap());
        let mut out = ParquetOut::new(File::create(&path).unwrap(), path.clone(), &layout, pool)
            .unwrap()
            .with_row_group_rows(5);
        let mut row = 0u64;
        for _batch in 0..3 {
            let mut chunks = Vec::new();
            for _chunk in 0..2 {
                let mut rows = ParquetRows::new(&layout, 2);
                for _ in 0..2 {
                    row += 1;
                    push_row(&mut rows, row);
                }
                chunks.push(rows);
            }
            out.write(chunks).unwrap();
        }
        out.finish().unwrap();

        let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap()).unwrap();
        let groups: Vec<i64> = builder.metadata().row_groups().iter().map(|g| g.num_rows()).collect();
        assert_eq!(groups, [8, 4]);
        let schema = builder.schema().clone();
        assert_eq!(
            schema.fields().iter().map(|f| f.name().as_str()).collect::<Vec<_>>(),
            layout.header()
        );
        assert_eq!(schema.field_with_name("status").unwrap().data_type(), &DataType::Utf8);
        assert_eq!(schema.field_with_name("row").unwrap().data_type(), &DataType::UInt64);
        let batches: Vec<RecordBatch> = builder.build().unwrap().map(Result::unwrap).collect();
        // (batch, index in batch) of each row, in order.
        let at: Vec<(usize, usize)> = batches
            .iter()
            .enumerate()
            .flat_map(|(b, batch)| (0..batch.num_rows()).map(move |i| (b, i)))
            .collect();
        assert_eq!(at.len(), 12);
        for (n, &(b, i)) in at.iter().enumerate() {
            let r = n as u64 + 1;
            let o = outcome(r);
            let col = |name: &str| batches[b].column(schema.index_of(name).unwrap()).clone();
            let text = |name: &str| {
                let c = col(name);
                let c = c.as_string::<i32>();
                if c.is_null(i) {
                    String::new()
                } else {
                    c.value(i).to_string()
                }
            };
            let rows = col("row");
            assert_eq!(rows.as_any().downcast_ref::<UInt64Array>().unwrap().value(i), r);
            assert_eq!(text("record_id"), format!("id{r}"));
            assert_eq!(text("source"), "in.csv");
            assert_eq!(text("status"), o.status.name());
            assert_eq!(text("site_group"), o.site_group.map_or("", SiteGroup::name));
            assert_eq!(text("t"), o.t.unwrap());
            assert_eq!(text("stage"), o.stage.map_or("", StageCode::code));
            let mut messages = String::new();
            o.messages.write_to(&mut messages);
            assert!(r != 2 || !messages.is_empty());
            assert_eq!(text("messages"), messages);
            assert_eq!(text("sex"), if r == 3 { "" } else { "F" });
            // Never set: an all-null dictionary column.
            assert_eq!(text("basis"), "");
            let og = col("organ_general");
            let og = og.as_boolean();
            assert_eq!((!og.is_null(i)).then(|| og.value(i)), o.organ_general);
        }
    }
}
