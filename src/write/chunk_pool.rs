//! Encoded chunks the writer thread has written, handed back for the
//! staging workers to fill again. A reused chunk's buffers keep the pages
//! they have touched; a new chunk's buffers are fresh pages that the kernel
//! faults in and zeroes as the rows are encoded (on the 2M-row EOD file,
//! 14,000-26,000 page faults a run without the pool, about 9,000 with it).

use std::sync::{Mutex, PoisonError};

use crate::write::ChunkEncoder;
use crate::write::columns::Layout;

/// Most spare chunks kept: more than a run has in flight (4 batches of 8
/// chunks and the writer's queue), so a spare is never dropped in a steady
/// run, and few enough that the pool cannot grow far.
const MOST_SPARE: usize = 64;

/// Spare chunks of one run (one layout).
pub struct ChunkPool<C> {
    spare: Mutex<Vec<C>>,
}

impl<C: ChunkEncoder> Default for ChunkPool<C> {
    fn default() -> Self {
        ChunkPool {
            spare: Mutex::new(Vec::new()),
        }
    }
}

impl<C: ChunkEncoder> ChunkPool<C> {
    /// A chunk to encode `rows` rows of `layout` into: a spare one, emptied,
    /// or a new one.
    pub fn take(&self, layout: &Layout, rows: usize) -> C {
        let spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner).pop();
        match spare {
            Some(mut chunk) => {
                chunk.clear();
                chunk
            }
            None => C::new(layout, rows),
        }
    }

    /// Keeps written chunks for reuse (past [`MOST_SPARE`], drops them).
    pub fn give(&self, chunks: impl IntoIterator<Item = C>) {
        let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
        for chunk in chunks {
            if spare.len() >= MOST_SPARE {
                break;
            }
            spare.push(chunk);
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
        // The pool is empty again: the next chunk is a new one.
        assert_eq!(pool.take(&layout, 4).rows(), 0);
    }

    #[test]
    fn the_pool_keeps_a_bounded_number_of_spares() {
        let layout = Layout::default();
        let pool: ChunkPool<CsvChunk> = ChunkPool::default();
        pool.give((0..MOST_SPARE + 10).map(|_| CsvChunk::new(&layout, 1)));
        assert_eq!(pool.spare.lock().unwrap().len(), MOST_SPARE);
    }
}
