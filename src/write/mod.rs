//! The write side: the column registry ([`columns`]) that describes one output
//! row for every format, the encoders of staged rows ([`csv_out`],
//! [`parquet_out`]), the atomic output directory ([`outdir`]) and how its
//! files reach the disk: direct I/O ([`direct_file`]), or early writeback
//! where the file system refuses it ([`eager_file`]).

pub mod chunk_pool;
pub mod columns;
pub mod csv_out;
pub mod direct_file;
pub mod eager_file;
pub mod outdir;
pub mod parquet_dict;
pub mod parquet_out;

/// Output file format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// `stages.csv`.
    #[default]
    Csv,
    /// `stages.parquet`.
    Parquet,
}

use crate::error::RunError;
use crate::stage::RowSink;
use crate::write::columns::Layout;

/// One staging chunk's rows encoded for an output format, built on a
/// staging worker and handed to the writer thread.
pub trait ChunkEncoder: RowSink + Send + 'static {
    /// An empty chunk for a layout, sized for `rows` rows.
    fn new(layout: &Layout, rows: usize) -> Self;
    /// Rows encoded so far.
    fn rows(&self) -> u64;
    /// Makes the chunk an empty one for `rows` rows of `layout`, the layout
    /// it was made for, keeping what buffers it can (see [`chunk_pool`]).
    fn reset(&mut self, layout: &Layout, rows: usize);
    /// Bytes of buffer the chunk holds, used or not.
    fn kept_bytes(&self) -> usize;
}

/// The files a run writes its rows to, fed encoded chunks in input order on
/// the writer thread.
pub trait RowFiles: Send + 'static {
    /// The chunk these files take.
    type Chunk: ChunkEncoder;
    /// Writes one batch's chunks, in order. The chunks left in `chunks`
    /// are done with and may be reused (CSV chunks are; Parquet chunks hand
    /// their builders to the row group and are not left).
    fn write(&mut self, chunks: &mut Vec<Self::Chunk>) -> Result<(), RunError>;
    /// Finishes and syncs every file.
    fn finish(self) -> Result<(), RunError>;
}
