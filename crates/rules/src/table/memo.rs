//! The lookup memo of a run ([`super::run`]): the row each decision table
//! gave for the values of the keys it reads, kept by a worker from row to
//! row. Registry data repeats a limited set of code combinations, so most
//! lookups are answered here.
//!
//! Laid out for few memory touches, since a row makes about twenty lookups
//! and a lookup that waits for memory costs more than one that computes:
//! per table, one record holds the keys it reads, its last lookup and its
//! map's header, and the map is open addressing over inline keys. A key is
//! built from the values' [`Packed`] words, which the run keeps next to its
//! slots, so a lookup reads one word per key and no text. An entry holds
//! where its row's endpoints lie in the memo's own copy of every row's
//! endpoints, so that running the row reads neither the table nor the row.

use super::algorithm::{Algorithm, ConstId, Endpoint, KeyId, TableId};

/// The values of the keys a table reads (its inputs, then the keys its
/// cells name), each as a length byte (0 = absent, 1 + length otherwise)
/// and its bytes, byte `i` in bits `8 * i..` (the codes of registry items
/// are short: stage-table keys such as `T1a N0 M1a` fit).
type MemoKey = u128;

/// Bytes of a packed key.
const MEMO_KEY: usize = 16;

/// Most entries a memo holds (hostile input cannot grow it further).
const MEMO_LIMIT: usize = 1 << 16;

/// Stored for "no row matched".
const NO_ROW: u32 = u32::MAX;

/// A key no lookup builds (its first byte, a length byte, is at most 16).
const NO_KEY: [u64; 2] = [u64::MAX; 2];

/// A value as it enters a memo key, ready to shift in: its length byte
/// (1 + length) in the low byte, then its bytes; 0 for an absent key (one
/// zero byte in the key), [`TOO_LONG`] for a value of 16 bytes or more,
/// which no key can hold.
pub(super) type Packed = u128;

/// The packed word of an absent key.
pub(super) const ABSENT: Packed = 0;

/// The packed word of a value too long for a key.
const TOO_LONG: Packed = 0xff;

/// The packed word of a value (`None`: absent).
#[inline]
pub(super) fn packed(value: Option<&[u8]>) -> Packed {
    match value {
        None => ABSENT,
        Some(v) if v.len() < MEMO_KEY => (le_word(v) << 8) | (1 + v.len() as u128),
        Some(_) => TOO_LONG,
    }
}

/// A table's row as a lookup finds it: its index, and where its endpoints
/// lie in the memo's copy ([`Memo::endpoint`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Hit {
    /// The row (0-based).
    pub row: u32,
    /// Its first endpoint.
    pub first: u32,
    /// One past its last endpoint.
    pub end: u32,
}

/// Stored for "no row matched".
const MISS: Hit = Hit {
    row: NO_ROW,
    first: 0,
    end: 0,
};

/// Most keys a table's record holds inline; the keys of a table that reads
/// more are read from the algorithm.
const INLINE_READS: usize = 6;

/// Rows found, by table and the values of the keys it reads. Bounded: past
/// [`MEMO_LIMIT`] entries nothing more is remembered, and values that do
/// not fit a key are never remembered.
#[derive(Debug, Default)]
pub(super) struct Memo {
    /// Serial number of the algorithm the rows belong to (a memo used
    /// with another algorithm starts afresh; 0: none yet).
    owner: u64,
    tables: Vec<TableMemo>,
    entries: usize,
    /// The packed word of each of the algorithm's constants.
    consts: Vec<Packed>,
    /// Every row's endpoints, table after table, row after row.
    endpoints: Vec<Endpoint>,
}

/// One table's part of the memo. What a lookup that the last one or the
/// map answers reads (the last lookup, the keys read, the map) fills the
/// first 64 bytes, one cache line; the rest serves a lookup that scans the
/// table.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
struct TableMemo {
    /// The key of the last lookup: a table often sees the same values on
    /// consecutive rows.
    last_key: [u64; 2],
    /// The last lookup's row.
    last_hit: Hit,
    /// The keys the table reads, when there are at most [`INLINE_READS`].
    reads: [KeyId; INLINE_READS],
    /// How many keys it reads, or `u8::MAX` when they are not inline.
    read_count: u8,
    /// Open addressing with linear probing; empty or a power of two long,
    /// at most half full.
    slots: Box<[Entry]>,
    /// Keys in the map.
    len: usize,
    /// Where each row's endpoints start in the memo's copy, and after the
    /// last row, where they end.
    spans: Box<[u32]>,
}

/// A remembered lookup (aligned so that none straddles two cache lines).
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
struct Entry {
    key: [u64; 2],
    hit: Hit,
}

impl Memo {
    /// Makes the memo one of `alg`'s: emptied if it was another algorithm's.
    pub(super) fn serve(&mut self, alg: &Algorithm) {
        let owner = alg.serial();
        if self.owner != owner {
            let mut endpoints = Vec::new();
            let tables = alg
                .tables()
                .map(|(_, t)| {
                    let mut spans = Vec::with_capacity(t.rows.len() + 1);
                    for row in t.rows.iter() {
                        spans.push(endpoints.len() as u32);
                        endpoints.extend_from_slice(&row.endpoints);
                    }
                    spans.push(endpoints.len() as u32);
                    TableMemo::new(&t.reads, spans.into())
                })
                .collect();
            *self = Memo {
                owner,
                tables,
                entries: 0,
                consts: alg.constants().map(|c| packed(Some(c))).collect(),
                endpoints,
            };
        }
    }

    /// Endpoint `i` of the memo's copy (a [`Hit`]'s are `first..end`).
    #[inline]
    pub(super) fn endpoint(&self, i: u32) -> Endpoint {
        self.endpoints[i as usize]
    }

    /// The packed word of one of the algorithm's constants.
    #[inline]
    pub(super) fn packed_const(&self, c: ConstId) -> Packed {
        self.consts[c.0 as usize]
    }

    /// The row of a table for the values `get` gives for the keys it
    /// reads, as [`super::algorithm::Table::find_row`] finds it; `words`
    /// holds the [`packed`] word of each key's value (by key index). The
    /// memo must [`Memo::serve`] `alg`.
    #[inline]
    pub(super) fn find<'v>(
        &mut self,
        alg: &Algorithm,
        table: TableId,
        words: &[Packed],
        get: &impl Fn(KeyId) -> Option<&'v [u8]>,
    ) -> Option<Hit> {
        let tm = &mut self.tables[table.0 as usize];
        let key = if usize::from(tm.read_count) <= INLINE_READS {
            pack(&tm.reads[..usize::from(tm.read_count)], words)
        } else {
            pack(&alg.table(table).reads, words)
        };
        let Some(key) = key else {
            return found(tm.hit(alg.table(table).find_row(get)));
        };
        let key = [key as u64, (key >> 64) as u64];
        if tm.last_key == key {
            return found(tm.last_hit);
        }
        let hit = match tm.get(key) {
            Some(hit) => hit,
            None => {
                let hit = tm.hit(alg.table(table).find_row(get));
                if self.entries < MEMO_LIMIT {
                    self.entries += 1;
                    tm.insert(key, hit);
                }
                hit
            }
        };
        (tm.last_key, tm.last_hit) = (key, hit);
        found(hit)
    }
}

fn found(hit: Hit) -> Option<Hit> {
    (hit.row != NO_ROW).then_some(hit)
}

/// The key of the values of `reads` (their [`packed`] words, by key
/// index, in `words`), or `None` when they do not fit one. Built in a
/// register: bytes stored one at a time and read back as one word stall the
/// load (measured: a third of the lookup's time).
#[inline]
fn pack(reads: &[KeyId], words: &[Packed]) -> Option<MemoKey> {
    let mut key: MemoKey = 0;
    let mut at = 0;
    for k in reads {
        let word = words[k.0 as usize];
        // An absent key takes one (zero) byte; a value its length byte and bytes.
        let width = usize::from(word as u8).max(1);
        if at + width > MEMO_KEY {
            return None;
        }
        key |= word << (8 * at);
        at += width;
    }
    Some(key)
}

/// The bytes of a value of at most 15 bytes as a little-endian integer,
/// read with two whole-word loads that overlap (each byte lands at its own
/// place in both): a branch on the length class, not a jump on the length,
/// which mispredicted as each input of a run has its own length
/// (cachegrind, 30,000 EOD rows: 44 % of the run's indirect mispredicts).
#[inline]
fn le_word(v: &[u8]) -> u128 {
    let n = v.len();
    let at = |i: usize| u64::from(v[i]);
    if n >= 8 {
        let lo = u64::from_le_bytes(v[..8].try_into().expect("8 bytes"));
        let hi = u64::from_le_bytes(v[n - 8..].try_into().expect("8 bytes"));
        u128::from(lo) | u128::from(hi) << (8 * (n - 8))
    } else if n >= 4 {
        let lo = u32::from_le_bytes(v[..4].try_into().expect("4 bytes"));
        let hi = u32::from_le_bytes(v[n - 4..].try_into().expect("4 bytes"));
        u128::from(u64::from(lo) | u64::from(hi) << (8 * (n - 4)))
    } else if n > 0 {
        u128::from(at(0) | at(n / 2) << (8 * (n / 2)) | at(n - 1) << (8 * (n - 1)))
    } else {
        0
    }
}

impl TableMemo {
    fn new(reads: &[KeyId], spans: Box<[u32]>) -> TableMemo {
        let mut inline = [KeyId(0); INLINE_READS];
        let read_count = if reads.len() <= INLINE_READS {
            inline[..reads.len()].copy_from_slice(reads);
            reads.len() as u8
        } else {
            u8::MAX
        };
        TableMemo {
            last_key: NO_KEY,
            last_hit: MISS,
            reads: inline,
            read_count,
            slots: Box::new([]),
            len: 0,
            spans,
        }
    }

    /// The hit of a row found by scanning the table.
    fn hit(&self, row: Option<usize>) -> Hit {
        match row {
            Some(r) => Hit {
                row: r as u32,
                first: self.spans[r],
                end: self.spans[r + 1],
            },
            None => MISS,
        }
    }

    /// The first slot to probe for a key (multiplicative hashing: the high
    /// bits of the product mix every bit of the key).
    #[inline]
    fn home(&self, key: [u64; 2]) -> usize {
        let h = (key[0] ^ key[1].rotate_left(23)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> 40) as usize & (self.slots.len() - 1)
    }

    #[inline]
    fn get(&self, key: [u64; 2]) -> Option<Hit> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let e = self.slots[i];
            if e.key == key {
                return Some(e.hit);
            }
            if e.key == NO_KEY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a key that is not in the map.
    fn insert(&mut self, key: [u64; 2], hit: Hit) {
        if (self.len + 1) * 2 > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![Entry { key: NO_KEY, hit: MISS }; (old.len() * 2).max(16)].into_boxed_slice();
            for e in old.iter().filter(|e| e.key != NO_KEY) {
                self.place(*e);
            }
        }
        self.place(Entry { key, hit });
        self.len += 1;
    }

    fn place(&mut self, e: Entry) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(e.key);
        while self.slots[i].key != NO_KEY {
            i = (i + 1) & mask;
        }
        self.slots[i] = e;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_remembered_lookup_reads_fits_one_cache_line() {
        assert_eq!(std::mem::align_of::<TableMemo>(), 64);
        assert!(std::mem::offset_of!(TableMemo, slots) + std::mem::size_of::<Box<[Entry]>>() <= 64);
        assert!(std::mem::offset_of!(TableMemo, read_count) < 64);
    }

    #[test]
    fn a_table_memo_finds_every_key_it_was_given_and_no_other() {
        let mut tm = TableMemo::new(&[KeyId(0)], Box::new([0, 0]));
        let hit = |n: usize| Hit {
            row: n as u32,
            first: 2 * n as u32,
            end: 3 * n as u32,
        };
        let keys: Vec<[u64; 2]> = (0..5000u64).map(|i| [i * 0x100 + 4, i % 7]).collect();
        for (n, k) in keys.iter().enumerate() {
            assert_eq!(tm.get(*k), None);
            tm.insert(*k, hit(n));
        }
        for (n, k) in keys.iter().enumerate() {
            assert_eq!(tm.get(*k), Some(hit(n)));
        }
        assert_eq!(tm.get([5000 * 0x100 + 4, 0]), None);
        assert!(tm.slots.len() >= 2 * keys.len());
    }

    /// The packing the memo had before (303d544): bytes stored one by one
    /// in an array read as one little-endian integer.
    fn pack_bytewise(values: &[Option<&[u8]>]) -> Option<MemoKey> {
        let mut key = [0u8; MEMO_KEY];
        let mut at = 0;
        for v in values {
            match v {
                None => at += 1,
                Some(v) if at + 1 + v.len() <= MEMO_KEY => {
                    key[at] = 1 + v.len() as u8;
                    key[at + 1..at + 1 + v.len()].copy_from_slice(v);
                    at += 1 + v.len();
                }
                Some(_) => return None,
            }
            if at > MEMO_KEY {
                return None;
            }
        }
        Some(MemoKey::from_le_bytes(key))
    }

    proptest::proptest! {
        /// Keys are the old ones, and two different lists of values never
        /// share one.
        #[test]
        fn keys_pack_as_before_and_never_collide(
            a in proptest::collection::vec(proptest::option::of(proptest::collection::vec(proptest::num::u8::ANY, 0..20)), 0..6),
            b in proptest::collection::vec(proptest::option::of(proptest::collection::vec(proptest::num::u8::ANY, 0..20)), 0..6),
        ) {
            let key_of = |values: &[Option<Vec<u8>>]| {
                let reads: Vec<KeyId> = (0..values.len() as u16).map(KeyId).collect();
                let words: Vec<Packed> = values.iter().map(|v| packed(v.as_deref())).collect();
                let key = pack(&reads, &words);
                let refs: Vec<Option<&[u8]>> = values.iter().map(|v| v.as_deref()).collect();
                proptest::prop_assert_eq!(key, pack_bytewise(&refs));
                Ok(key)
            };
            let (ka, kb) = (key_of(&a)?, key_of(&b)?);
            if let (Some(ka), Some(kb)) = (ka, kb) {
                // Same table, same number of keys read: equal keys mean equal values.
                if a.len() == b.len() {
                    proptest::prop_assert_eq!(ka == kb, a == b);
                }
                proptest::prop_assert_ne!(ka.to_le_bytes()[0], 0xff);
            }
        }
    }

    #[test]
    fn a_value_packs_as_its_bytes_in_order() {
        // Every length a key holds, with bytes that differ from one another.
        let distinct = b"\x01\x23\x45\x67\x89\xab\xcd\xef\xfe\xdc\xba\x98\x76\x54\x32";
        for n in 0..MEMO_KEY {
            let v = &distinct[..n];
            let mut bytes = [0u8; 16];
            bytes[..n].copy_from_slice(v);
            assert_eq!(le_word(v), u128::from_le_bytes(bytes), "length {n}");
        }
        for v in [
            &b""[..],
            b"1",
            b"12",
            b"123",
            b"1234",
            b"12345",
            b"T1a(m)",
            b"12345678",
            b"123456789",
            b"123456789012345",
        ] {
            let mut bytes = [0u8; 16];
            bytes[..v.len()].copy_from_slice(v);
            assert_eq!(le_word(v), u128::from_le_bytes(bytes), "{:?}", std::str::from_utf8(v));
        }
    }

    #[test]
    fn packed_keys_keep_values_apart_and_refuse_what_does_not_fit() {
        // Keys 0-2 hold values, key 3 is absent, key 4 holds 16 bytes.
        let values: [Option<&[u8]>; 5] = [Some(b"300"), Some(b""), Some(b"T1a"), None, Some(b"0123456789abcdef")];
        let words = values.map(packed);
        let ab = pack(&[KeyId(0), KeyId(1)], &words).unwrap();
        let ba = pack(&[KeyId(1), KeyId(0)], &words).unwrap();
        assert_ne!(ab, ba);
        // Absent (no value) and blank differ.
        assert_ne!(pack(&[KeyId(1)], &words), pack(&[KeyId(3)], &words));
        assert_eq!(
            pack(&[KeyId(0)], &words),
            Some(u128::from_le_bytes(*b"\x04300\0\0\0\0\0\0\0\0\0\0\0\0"))
        );
        // 4 + 4 + 4 + 4 bytes fit; one more byte, a value or an absent key, does not.
        assert!(pack(&[KeyId(0), KeyId(2), KeyId(2), KeyId(2)], &words).is_some());
        assert!(pack(&[KeyId(0), KeyId(2), KeyId(2), KeyId(2), KeyId(1)], &words).is_none());
        assert!(pack(&[KeyId(0), KeyId(2), KeyId(2), KeyId(2), KeyId(3)], &words).is_none());
        // A value of 16 bytes fits no key, even alone; one of 15 does.
        assert_eq!(pack(&[KeyId(4)], &words), None);
        assert!(pack(&[KeyId(0)], &[packed(Some(b"0123456789abcde"))]).is_some());
    }
}
