//! `stages.parquet` (`--output-format parquet`): the contract's columns, typed
//! (`row` UInt64, `organ_general` Boolean, codes as strings, blank = null),
//! written in record batches with bounded row groups.

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use crate::error::RunError;
use crate::output::{Layout, RowCells};

/// Rows per row group.
const ROW_GROUP_ROWS: usize = 128 * 1024;

/// The Arrow schema of `stages.parquet` for a layout.
pub fn stages_schema(layout: &Layout) -> SchemaRef {
    let fields: Vec<Field> = layout
        .header()
        .into_iter()
        .map(|name| match name.as_str() {
            "row" => Field::new(name, DataType::UInt64, false),
            "organ_general" => Field::new(name, DataType::Boolean, true),
            _ => Field::new(name, DataType::Utf8, true),
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// One chunk's rows, column by column.
pub struct ParquetRows {
    row: UInt64Builder,
    organ_general: BooleanBuilder,
    /// Every other column of the layout, in order.
    text: Vec<StringBuilder>,
}

impl ParquetRows {
    /// Empty builders for a layout.
    pub fn new(layout: &Layout, capacity: usize) -> ParquetRows {
        let n_text = layout.header().len() - 2;
        ParquetRows {
            row: UInt64Builder::with_capacity(capacity),
            organ_general: BooleanBuilder::with_capacity(capacity),
            text: (0..n_text)
                .map(|_| StringBuilder::with_capacity(capacity, capacity * 8))
                .collect(),
        }
    }

    /// Appends one row.
    pub fn push(&mut self, row: u64, cells: &RowCells<'_>, layout: &Layout, keep: &[&str]) {
        self.row.append_value(row);
        let mut text = self.text.iter_mut();
        for (i, cell) in cells.cells().iter().enumerate() {
            match i {
                0 => {}
                1 if !layout.with_source => {}
                9 => match *cell {
                    "true" => self.organ_general.append_value(true),
                    "false" => self.organ_general.append_value(false),
                    _ => self.organ_general.append_null(),
                },
                _ => append(text.next(), cell),
            }
        }
        for k in keep {
            append(text.next(), k);
        }
    }

    /// The chunk as a record batch of `schema`.
    pub fn finish(mut self, schema: &SchemaRef) -> Result<RecordBatch, RunError> {
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
        let mut text = self.text.iter_mut();
        for f in schema.fields() {
            let a: ArrayRef = match f.name().as_str() {
                "row" => Arc::new(self.row.finish()),
                "organ_general" => Arc::new(self.organ_general.finish()),
                _ => Arc::new(
                    text.next()
                        .ok_or_else(|| RunError::Internal("parquet column count".into()))?
                        .finish(),
                ),
            };
            arrays.push(a);
        }
        RecordBatch::try_new(Arc::clone(schema), arrays).map_err(|e| RunError::Internal(format!("parquet batch: {e}")))
    }
}

fn append(builder: Option<&mut StringBuilder>, cell: &str) {
    if let Some(b) = builder {
        if cell.is_empty() {
            b.append_null();
        } else {
            b.append_value(cell);
        }
    }
}

/// `stages.parquet` being written.
pub struct ParquetOut {
    path: PathBuf,
    schema: SchemaRef,
    writer: ArrowWriter<File>,
}

impl ParquetOut {
    /// Starts the file (zstd, bounded row groups).
    pub fn new(file: File, path: PathBuf, layout: &Layout) -> Result<ParquetOut, RunError> {
        let schema = stages_schema(layout);
        // Dictionary encoding pays off for the coded columns, not for the
        // nearly unique ones. No min/max statistics: computing them cost 10-20%
        // of the CPU time of a run (measured), and they prune little here.
        let mut props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_statistics_enabled(EnabledStatistics::None)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS));
        for unique in ["row", "record_id", "messages", "source"] {
            props = props.set_column_dictionary_enabled(ColumnPath::from(unique), false);
        }
        let props = props.build();
        let writer = ArrowWriter::try_new(file, Arc::clone(&schema), Some(props)).map_err(|e| write_error(&path, e))?;
        Ok(ParquetOut { path, schema, writer })
    }

    /// Writes one chunk.
    pub fn write(&mut self, rows: ParquetRows) -> Result<(), RunError> {
        let batch = rows.finish(&self.schema)?;
        self.writer.write(&batch).map_err(|e| write_error(&self.path, e))
    }

    /// Writes the footer and syncs the file.
    pub fn finish(self) -> Result<(), RunError> {
        let path = self.path;
        let file = self.writer.into_inner().map_err(|e| write_error(&path, e))?;
        file.sync_all().map_err(|e| RunError::Io {
            path: path.display().to_string(),
            source: e,
        })
    }
}

fn write_error(path: &std::path::Path, e: parquet::errors::ParquetError) -> RunError {
    match e {
        parquet::errors::ParquetError::External(inner) => match inner.downcast::<std::io::Error>() {
            Ok(io) => RunError::Io {
                path: path.display().to_string(),
                source: *io,
            },
            Err(other) => RunError::Internal(format!("{}: parquet: {other}", path.display())),
        },
        other => RunError::Internal(format!("{}: parquet: {other}", path.display())),
    }
}
