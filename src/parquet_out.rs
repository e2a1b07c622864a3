//! `stages.parquet` (`--output-format parquet`): the contract's columns, typed
//! (`row` UInt64, `organ_general` Boolean, codes as strings, blank = null),
//! built per staging chunk, encoded column by column in parallel, written in
//! bounded row groups.

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder, UInt16Builder, UInt64Builder};
use arrow_array::types::UInt16Type;
use arrow_array::{ArrayRef, DictionaryArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_writer::{ArrowColumnWriter, ArrowRowGroupWriterFactory, ArrowWriterOptions, compute_leaves};
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;
use rayon::ThreadPool;
use rayon::prelude::*;

use netstage_rules::Outcome;

use crate::error::RunError;
use crate::output::{COLUMNS, FIRST_OUTCOME_CELL, Layout, ORGAN_GENERAL_CELL, OUTCOME_CELLS, RowId, outcome_cells};

/// Rows per row group (a row group ends at the first batch boundary past it).
const ROW_GROUP_ROWS: usize = 128 * 1024;

/// The schema of the record batches netstage writes for a layout: `row`
/// UInt64, `organ_general` Boolean, the other outcome columns as `UInt16`
/// dictionaries of strings, the copied columns and `messages` as strings.
/// The file stores every text column as plain strings (see [`ParquetOut::new`]).
fn batch_schema(layout: &Layout) -> SchemaRef {
    let outcome = &COLUMNS[FIRST_OUTCOME_CELL..FIRST_OUTCOME_CELL + OUTCOME_CELLS];
    let coded = DataType::Dictionary(Box::new(DataType::UInt16), Box::new(DataType::Utf8));
    let fields: Vec<Field> = layout
        .header()
        .into_iter()
        .map(|name| match name.as_str() {
            "row" => Field::new(name, DataType::UInt64, false),
            "organ_general" => Field::new(name, DataType::Boolean, true),
            n if outcome.contains(&n) => Field::new(name, coded.clone(), true),
            _ => Field::new(name, DataType::Utf8, true),
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// One outcome column of a chunk as dictionary keys. Its values are
/// netstage's own `'static` vocabulary, so a value is recognised by its
/// address: a small direct-mapped cache of addresses finds its key without
/// hashing or copying text; the first sight of a value scans the few seen.
struct CodedColumn {
    keys: UInt16Builder,
    values: Vec<&'static str>,
    /// (address, length, key) by address bits; length 0 = empty slot.
    cache: [(usize, usize, u16); CACHE_SLOTS],
}

const CACHE_SLOTS: usize = 64;

impl CodedColumn {
    fn new(capacity: usize) -> CodedColumn {
        CodedColumn {
            keys: UInt16Builder::with_capacity(capacity),
            values: Vec::new(),
            cache: [(0, 0, 0); CACHE_SLOTS],
        }
    }

    #[inline]
    fn push(&mut self, v: &'static str) {
        if v.is_empty() {
            self.keys.append_null();
            return;
        }
        let addr = v.as_ptr() as usize;
        let slot = &mut self.cache[(addr ^ (addr >> 6)) % CACHE_SLOTS];
        if slot.0 == addr && slot.1 == v.len() {
            self.keys.append_value(slot.2);
            return;
        }
        let same = |s: &&'static str| s.as_ptr() as usize == addr && s.len() == v.len();
        let key = match self.values.iter().position(same) {
            Some(k) => k,
            None => {
                self.values.push(v);
                self.values.len() - 1
            }
        };
        // Distinct values are netstage's own strings: a few hundred at most,
        // far below u16::MAX.
        let key = key as u16;
        *slot = (addr, v.len(), key);
        self.keys.append_value(key);
    }

    fn finish(&mut self) -> Result<ArrayRef, RunError> {
        let values: ArrayRef = Arc::new(StringArray::from(std::mem::take(&mut self.values)));
        self.cache = [(0, 0, 0); CACHE_SLOTS];
        DictionaryArray::<UInt16Type>::try_new(self.keys.finish(), values)
            .map(|a| Arc::new(a) as ArrayRef)
            .map_err(|e| RunError::Internal(format!("parquet dictionary: {e}")))
    }
}

/// One chunk's rows, column by column.
pub struct ParquetRows {
    row: UInt64Builder,
    source: StringBuilder,
    record_id: StringBuilder,
    tumor_record: StringBuilder,
    organ_general: BooleanBuilder,
    /// The outcome columns but `organ_general`, in contract order.
    coded: Vec<CodedColumn>,
    messages: StringBuilder,
    keep: Vec<StringBuilder>,
}

impl ParquetRows {
    /// Empty builders for a layout.
    pub fn new(layout: &Layout, capacity: usize) -> ParquetRows {
        let text = |bytes_per_row| StringBuilder::with_capacity(capacity, capacity * bytes_per_row);
        ParquetRows {
            row: UInt64Builder::with_capacity(capacity),
            source: text(if layout.with_source { 16 } else { 0 }),
            record_id: text(16),
            tumor_record: text(2),
            organ_general: BooleanBuilder::with_capacity(capacity),
            coded: (0..OUTCOME_CELLS - 1).map(|_| CodedColumn::new(capacity)).collect(),
            messages: text(32),
            keep: layout.keep.iter().map(|_| text(8)).collect(),
        }
    }

    /// Appends one row: its identity, outcome and formatted messages.
    pub fn push(&mut self, id: &RowId<'_>, out: &Outcome<'_>, messages: &str) {
        self.row.append_value(id.row);
        append(&mut self.source, id.source);
        append(&mut self.record_id, id.record_id);
        append(&mut self.tumor_record, id.tumor_record);
        self.organ_general.append_option(out.organ_general);
        let cells = outcome_cells(out);
        let coded = cells
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != ORGAN_GENERAL_CELL)
            .map(|(_, c)| c);
        for (column, cell) in self.coded.iter_mut().zip(coded) {
            column.push(cell);
        }
        append(&mut self.messages, messages);
        for (b, v) in self.keep.iter_mut().zip(id.keep) {
            append(b, v);
        }
    }

    /// The chunk as a record batch of `schema` (the batch schema).
    fn finish(mut self, schema: &SchemaRef, with_source: bool) -> Result<RecordBatch, RunError> {
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
        arrays.push(Arc::new(self.row.finish()));
        if with_source {
            arrays.push(Arc::new(self.source.finish()));
        }
        arrays.push(Arc::new(self.record_id.finish()));
        arrays.push(Arc::new(self.tumor_record.finish()));
        for (i, column) in self.coded.iter_mut().enumerate() {
            if i == ORGAN_GENERAL_CELL {
                arrays.push(Arc::new(self.organ_general.finish()));
            }
            arrays.push(column.finish()?);
        }
        arrays.push(Arc::new(self.messages.finish()));
        for b in &mut self.keep {
            arrays.push(Arc::new(b.finish()));
        }
        RecordBatch::try_new(Arc::clone(schema), arrays).map_err(|e| RunError::Internal(format!("parquet batch: {e}")))
    }
}

fn append(b: &mut StringBuilder, cell: &str) {
    if cell.is_empty() {
        b.append_null();
    } else {
        b.append_value(cell);
    }
}

/// `stages.parquet` being written. Each column of a row group has its own
/// encoder; the encoders of a batch run in parallel on the staging pool, so
/// Parquet encoding (dictionaries, compression) is not one thread's work.
pub struct ParquetOut {
    path: PathBuf,
    schema: SchemaRef,
    with_source: bool,
    file: SerializedFileWriter<File>,
    factory: ArrowRowGroupWriterFactory,
    /// Encoders of the row group being written, one per column.
    columns: Vec<ArrowColumnWriter>,
    rows_in_group: usize,
    row_groups: usize,
    row_group_rows: usize,
    pool: Arc<ThreadPool>,
}

impl ParquetOut {
    /// Starts the file (zstd, bounded row groups); columns are encoded on `pool`.
    pub fn new(file: File, path: PathBuf, layout: &Layout, pool: Arc<ThreadPool>) -> Result<ParquetOut, RunError> {
        let schema = batch_schema(layout);
        // Measured on the 2M-row benchmark (BENCHMARKS.md): dictionary pages
        // for the coded columns and `messages` (a few thousand distinct
        // texts); `row` delta-encoded and `record_id` prefix-encoded instead
        // of dictionaries, which left little for zstd to do. No min/max
        // statistics: they cost 10-20 % of a run's CPU and prune little here.
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_statistics_enabled(EnabledStatistics::None)
            .set_column_dictionary_enabled(ColumnPath::from("row"), false)
            .set_column_encoding(ColumnPath::from("row"), Encoding::DELTA_BINARY_PACKED)
            .set_column_dictionary_enabled(ColumnPath::from("record_id"), false)
            .set_column_encoding(ColumnPath::from("record_id"), Encoding::DELTA_BYTE_ARRAY)
            .set_column_dictionary_enabled(ColumnPath::from("source"), false)
            .build();
        // Without the Arrow schema in the footer, readers (arrow-rs, pyarrow,
        // polars) see the outcome columns as the plain strings they are
        // stored as, not as dictionaries.
        let options = ArrowWriterOptions::new()
            .with_properties(props)
            .with_skip_arrow_metadata(true);
        let (file, factory) = ArrowWriter::try_new_with_options(file, Arc::clone(&schema), options)
            .and_then(ArrowWriter::into_serialized_writer)
            .map_err(|e| write_error(&path, e))?;
        let columns = factory.create_column_writers(0).map_err(|e| write_error(&path, e))?;
        Ok(ParquetOut {
            path,
            schema,
            with_source: layout.with_source,
            file,
            factory,
            columns,
            rows_in_group: 0,
            row_groups: 0,
            row_group_rows: ROW_GROUP_ROWS,
            pool,
        })
    }

    /// Ends row groups at the first batch boundary past `rows` rows instead
    /// of [`ROW_GROUP_ROWS`].
    pub fn with_row_group_rows(mut self, rows: usize) -> ParquetOut {
        self.row_group_rows = rows.max(1);
        self
    }

    /// Writes one batch's chunks, in order; ends the row group once it holds
    /// at least [`ROW_GROUP_ROWS`] rows.
    pub fn write(&mut self, chunks: Vec<ParquetRows>) -> Result<(), RunError> {
        let batches = chunks
            .into_iter()
            .map(|rows| rows.finish(&self.schema, self.with_source))
            .collect::<Result<Vec<_>, _>>()?;
        let fields = self.schema.fields();
        let encoded: Result<(), ParquetError> = self.pool.install(|| {
            self.columns.par_iter_mut().enumerate().try_for_each(|(i, column)| {
                for batch in &batches {
                    for leaf in compute_leaves(&fields[i], batch.column(i))? {
                        column.write(&leaf)?;
                    }
                }
                Ok(())
            })
        });
        encoded.map_err(|e| write_error(&self.path, e))?;
        self.rows_in_group += batches.iter().map(RecordBatch::num_rows).sum::<usize>();
        if self.rows_in_group >= self.row_group_rows {
            self.end_row_group()?;
        }
        Ok(())
    }

    /// Closes the column encoders and appends the row group to the file.
    fn end_row_group(&mut self) -> Result<(), RunError> {
        self.row_groups += 1;
        let next = self
            .factory
            .create_column_writers(self.row_groups)
            .map_err(|e| write_error(&self.path, e))?;
        let columns = std::mem::replace(&mut self.columns, next);
        let chunks: Result<Vec<_>, ParquetError> = self
            .pool
            .install(|| columns.into_par_iter().map(ArrowColumnWriter::close).collect());
        let chunks = chunks.map_err(|e| write_error(&self.path, e))?;
        let mut group = self.file.next_row_group().map_err(|e| write_error(&self.path, e))?;
        for chunk in chunks {
            chunk
                .append_to_row_group(&mut group)
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
        let path = self.path;
        let file = self.file.into_inner().map_err(|e| write_error(&path, e))?;
        file.sync_all().map_err(|e| RunError::Io {
            path: path.display().to_string(),
            source: e,
        })
    }
}

fn write_error(path: &std::path::Path, e: ParquetError) -> RunError {
    match e {
        ParquetError::External(inner) => match inner.downcast::<std::io::Error>() {
            Ok(io) => RunError::Io {
                path: path.display().to_string(),
                source: *io,
            },
            Err(other) => RunError::Internal(format!("{}: parquet: {other}", path.display())),
        },
        other => RunError::Internal(format!("{}: parquet: {other}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::cast::AsArray;
    use arrow_array::{Array, UInt64Array};
    use netstage_rules::{SiteGroup, StageCode, Status};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    use super::*;

    fn outcome(i: u64) -> Outcome<'static> {
        let mut o = Outcome::blank(if i.is_multiple_of(2) {
            Status::Staged
        } else {
            Status::Error
        });
        o.site_group = i.is_multiple_of(3).then_some(SiteGroup::Pancreas);
        o.organ_general = i.is_multiple_of(2).then_some(i.is_multiple_of(4));
        o.t = Some(["T1", "T2", "T3"][i as usize % 3]);
        o.stage = (!i.is_multiple_of(5)).then(|| StageCode::from_code("2A").unwrap());
        o
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
                    let id_text = format!("id{row}");
                    let keep = [if row == 3 { "" } else { "F" }];
                    let id = RowId {
                        row,
                        source: "in.csv",
                        record_id: &id_text,
                        tumor_record: "01",
                        keep: &keep,
                    };
                    rows.push(&id, &outcome(row), if row == 2 { "W_X: two" } else { "" });
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
            assert_eq!(text("messages"), if r == 2 { "W_X: two" } else { "" });
            assert_eq!(text("sex"), if r == 3 { "" } else { "F" });
            let og = col("organ_general");
            let og = og.as_boolean();
            assert_eq!((!og.is_null(i)).then(|| og.value(i)), o.organ_general);
        }
    }
}
