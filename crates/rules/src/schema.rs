//! Editions, and a chapter in an edition (a schema) with the names and IDs
//! netstage emits (staging-rules §2.5, io-contract §8), read from
//! `tables/chapters.tsv`.

pub use crate::chapters::Chapter;

/// AJCC edition, written as the NAACCR TNM Edition Number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Edition {
    /// AJCC 8th edition (`08`).
    Eighth,
    /// AJCC Version 9 (`09`).
    V9,
}

impl Edition {
    /// NAACCR TNM Edition Number: `08` or `09`.
    pub fn code(self) -> &'static str {
        match self {
            Edition::Eighth => "08",
            Edition::V9 => "09",
        }
    }
}

/// A chapter in one edition: what the output calls `schema`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Schema {
    /// The AJCC chapter.
    pub chapter: Chapter,
    /// The edition used.
    pub edition: Edition,
}

impl Schema {
    /// Builds a schema; organ-general chapters without a V9 table are always 8th.
    pub fn new(chapter: Chapter, edition: Edition) -> Schema {
        let edition = if chapter.has_v9() { edition } else { Edition::Eighth };
        Schema { chapter, edition }
    }

    /// Schema name as written in the output (`net_pancreas_v9`, `colon_rectum`, `lung`).
    pub fn name(self) -> &'static str {
        self.chapter.info().names[self.edition as usize]
    }

    /// NAACCR Schema ID, 5 characters (`00340`, `09340`).
    pub fn id(self) -> &'static str {
        self.chapter.info().ids[self.edition as usize]
    }

    /// AJCC ID (8th: chapter number; V9: 9xxx), for `netstage schemas`.
    pub fn ajcc_id(self) -> &'static str {
        self.chapter.info().ajcc[self.edition as usize]
    }

    /// SEER eod_public schema id of this chapter and edition, if any.
    pub fn seer_id(self) -> Option<&'static str> {
        self.chapter.info().seer[self.edition as usize]
    }

    /// Every schema netstage can emit, in a fixed order.
    pub fn all() -> impl Iterator<Item = Schema> {
        Chapter::all().flat_map(|c| {
            let v9 = c.has_v9().then(|| Schema::new(c, Edition::V9));
            std::iter::once(Schema::new(c, Edition::Eighth)).chain(v9)
        })
    }

    /// A dense index (chapter x edition), for compact counting.
    pub fn index(self) -> u8 {
        self.chapter.0 * 2 + self.edition as u8
    }

    /// The schema of a dense index, if it is one netstage emits.
    pub fn from_index(i: u8) -> Option<Schema> {
        let chapter = Chapter::all().nth(i as usize / 2)?;
        let edition = if i.is_multiple_of(2) {
            Edition::Eighth
        } else {
            Edition::V9
        };
        let s = Schema { chapter, edition };
        (Schema::new(chapter, edition) == s).then_some(s)
    }

    /// Looks a schema up by its output name.
    pub fn from_name(name: &str) -> Option<Schema> {
        Schema::all().find(|s| s.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_follow_the_contract() {
        let c = |k| Chapter::from_key(k).unwrap();
        let s = Schema::new(c("net_pancreas"), Edition::V9);
        assert_eq!((s.name(), s.id(), s.edition.code()), ("net_pancreas_v9", "09340", "09"));
        let s = Schema::new(c("colon_rectum"), Edition::V9);
        assert_eq!((s.name(), s.id(), s.edition.code()), ("colon_rectum", "00200", "08"));
        let s = Schema::new(c("appendix"), Edition::V9);
        assert_eq!((s.name(), s.id()), ("appendix_v9", "09190"));
        let s = Schema::new(c("lung"), Edition::Eighth);
        assert_eq!((s.name(), s.id()), ("lung", "00360"));
        assert_eq!(Schema::all().count(), 7 * 2 + 5 + 2 * 2 + 1);
        for s in Schema::all() {
            assert_eq!(Schema::from_name(s.name()), Some(s));
            assert_eq!(Schema::from_index(s.index()), Some(s));
            assert_eq!(s.id().len(), 5);
        }
    }
}
