//! A small, fast hasher for short keys the program builds itself: the codes
//! of a decision table's index (from the rules data) and the report's cell
//! keys (site group, schema, status, stage, year: a bounded domain). Not for
//! keys an input chooses freely: nothing stops a flood of colliding ones.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash-style multiply-rotate hasher, with a finalizer.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(SEED);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(SEED);
        }
    }

    #[inline]
    fn write_u128(&mut self, n: u128) {
        self.write_u64(n as u64);
        self.write_u64((n >> 64) as u64);
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(SEED);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(SEED);
    }

    /// The state, avalanched (murmur3's 64-bit finalizer): the multiply
    /// rounds only mix bits upward, and `HashMap` picks a bucket from the
    /// low bits, so without this short keys (a length byte, then a few
    /// digits) fall into a few dozen buckets.
    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::hash::{BuildHasher, BuildHasherDefault};

    /// A short code packed into an integer: a length byte, then the value.
    fn packed(value: &[u8]) -> u128 {
        let mut key = [0u8; 16];
        key[0] = 1 + value.len() as u8;
        key[1..1 + value.len()].copy_from_slice(value);
        u128::from_le_bytes(key)
    }

    #[test]
    fn short_codes_spread_over_the_low_bits_a_map_picks_buckets_with() {
        let build = BuildHasherDefault::<FastHasher>::default();
        let buckets: HashSet<u64> = (0..1000)
            .map(|i| build.hash_one(packed(format!("{i:03}").as_bytes())) & 4095)
            .collect();
        // 1,000 keys thrown at 4,096 buckets at random fill about 885; the
        // hasher without its finalizer filled 32.
        assert!(buckets.len() > 800, "{} buckets", buckets.len());
        let pairs: HashSet<u64> = (0..100)
            .flat_map(|i| (0..10).map(move |j| (i, j)))
            .map(|(i, j)| build.hash_one(format!("{i:03}{j}").into_bytes().into_boxed_slice()) & 4095)
            .collect();
        assert!(pairs.len() > 800, "{} buckets", pairs.len());
    }
}
