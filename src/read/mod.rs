//! The read side: every input format behind [`source::Source`], resolved to
//! the staging fields by [`columns`], delivered as recycled [`batch::Batch`]es
//! of raw rows. Imports nothing downstream (staging, writing, reporting).

pub mod batch;
pub mod columns;
pub mod csv_source;
pub mod input;
pub mod line_reader;
pub mod lines;
pub mod parquet_source;
pub mod raw_row;
pub mod read_ahead;
pub mod source;
pub mod text_column;
pub mod xml_bytes;
pub mod xml_source;
