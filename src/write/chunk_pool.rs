//! Encoded chunks the writer thread has written, handed back for the
//! staging workers to fill again (CSV chunks: a Parquet chunk's builders go
//! to the row group). A reused chunk's buffers keep the pages they have
//! touched; a new chunk's buffers are fresh pages that the kernel faults in
//! and zeroes as the rows are encoded (on the 2M-row EOD file, 10,600-19,800
//! page faults a run without the pool, 7,900-11,700 with it).

use std::sync::{Mutex, PoisonError};

use crate::write::ChunkEncoder;
use crate::write::columns::Layout;

/// Most buffer bytes the spare chunks may hold together: more than a run's
/// chunks in flight hold (4 batches of 8 chunks of about 640 KiB, and the
/// writer's queue), so a spare is not dropped in a steady run, while a run
/// of very long rows (a chunk that grew to many MB) keeps no more than this.
const MOST_SPARE_BYTES: usize = 48 << 20;

/// Spare chunks of one run (one layout), and the bytes they hold.
pub struct ChunkPool<C> {
    spare: Mutex<(Vec<C>, usize)>,
}

impl<C: ChunkEncoder> Default for ChunkPool<C> {
    fn default() -> Self {
        ChunkPool {
            spare: Mutex::new((Vec::new(), 0)),
        }
    }
}

impl<C: ChunkEncoder> ChunkPool<C> {
    /// A chunk to encode `rows` rows of `layout` into: a spare one, emptied,
    /// or a new one.
    pub fn take(&self, layout: &Layout, rows: usize) -> C {
        let spare = {
            let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
            let chunk = spare.0.pop();
            if let Some(c) = &chunk {
                spare.1 -= c.kept_bytes();
            }
            chunk
        };
        match spare {
            Some(mut chunk) => {
                chunk.reset(layout, rows);
                chunk
            }
            None => C::new(layout, rows),
        }
    }

    /// Keeps written chunks for reuse, while the spares hold at most
    /// [`MOST_SPARE_BYTES`]; drops the others.
    pub fn give(&self, chunks: impl IntoIterator<Item = C>) {
        let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
        for chunk in chunks {
            let bytes = chunk.kept_bytes();
            if spare.1 + bytes <= MOST_SPARE_BYTES {
                spare.1 += bytes;
                spare.0.push(chunk);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use netstage_rules::{Outcome, Status};

    use super::*;
    use crate::stage::{RowId, RowSink};
    use crate::write::csv_out::CsvChunk;

    fn fill(chunk: &mut CsvChunk, rows: std::ops::Range<u64>) {
        for row in rows {
            let id = RowId {
                input: 0,
                row,
                source: "in.csv",
                record_id: "r",
                tumor_record: "01",
                keep: &[],
            };
            let mut outcome = Outcome::blank(Status::Staged);
            outcome.flagged = row % 2 == 0;
            chunk.row(&id, &outcome);
        }
    }

    /// A chunk given back comes out again empty, and encodes what a new
    /// chunk encodes.
    #[test]
    fn a_chunk_given_back_is_taken_again_empty() {
        let layout = Layout::default();
        let pool: ChunkPool<CsvChunk> = ChunkPool::default();
        let mut used = pool.take(&layout, 4);
        fill(&mut used, 1..5);
        assert!(!used.flagged().is_empty());
        let used_at = used.stages().as_ptr();
        pool.give([used]);

        let mut again = pool.take(&layout, 4);
        assert_eq!(again.stages().as_ptr(), used_at, "the spare chunk, not a new one");
        assert_eq!((again.rows(), again.stages(), again.flagged()), (0, &[][..], &[][..]));
        fill(&mut again, 5..9);
        let mut fresh = CsvChunk::new(&layout, 4);
        fill(&mut fresh, 5..9);
        assert_eq!((again.stages(), again.flagged()), (fresh.stages(), fresh.flagged()));
        // Taken, the spare has left the pool, and its bytes with it.
        let spare = pool.spare.lock().unwrap();
        assert_eq!((spare.0.len(), spare.1), (0, 0));
    }

    /// A spare made for fewer rows is given room for the rows asked for.
    #[test]
    fn a_small_spare_is_taken_with_room_for_a_full_chunk() {
        let layout = Layout::default();
        let pool: ChunkPool<CsvChunk> = ChunkPool::default();
        let small = CsvChunk::new(&layout, 3);
        let small_bytes = small.kept_bytes();
        pool.give([small]);
        let full = pool.take(&layout, 2048);
        assert!(full.kept_bytes() >= CsvChunk::new(&layout, 2048).kept_bytes());
        assert!(full.kept_bytes() > small_bytes);
    }

    /// The spares hold at most MOST_SPARE_BYTES: a run's chunks in flight
    /// fit, a chunk larger than the bound is dropped.
    #[test]
    fn the_spares_hold_a_bounded_number_of_bytes() {
        let layout = Layout::default();
        let pool: ChunkPool<CsvChunk> = ChunkPool::default();
        let full = CsvChunk::new(&layout, 2048).kept_bytes();
        pool.give((0..200).map(|_| CsvChunk::new(&layout, 2048)));
        let (count, bytes) = {
            let spare = pool.spare.lock().unwrap();
            (spare.0.len(), spare.1)
        };
        assert_eq!(count, MOST_SPARE_BYTES / full);
        assert!(count >= 48, "the chunks of a run in flight fit");
        assert_eq!(bytes, count * full);
        let pool: ChunkPool<CsvChunk> = ChunkPool::default();
        pool.give([CsvChunk::new(&layout, MOST_SPARE_BYTES / 256 + 1)]);
        assert!(pool.spare.lock().unwrap().0.is_empty());
    }
}
