//! AJCC chapters, editions and the NAACCR schema names and IDs netstage emits
//! (staging-rules §2.5, io-contract §8).

/// An AJCC chapter netstage routes records to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Chapter {
    /// NET of the stomach (8th ch.29 / V9).
    NetStomach,
    /// NET of the duodenum (8th ch.30 / V9).
    NetDuodenum,
    /// NET of the ampulla of Vater (8th ch.30 / V9).
    NetAmpulla,
    /// NET of the jejunum and ileum (8th ch.31 / V9).
    NetJejunumIleum,
    /// NET of the appendix (8th ch.32 / V9).
    NetAppendix,
    /// NET of the colon and rectum (8th ch.33 / V9).
    NetColonRectum,
    /// NET of the pancreas (8th ch.34 / V9).
    NetPancreas,
    /// Stomach carcinoma (8th ch.17), organ-general.
    Stomach,
    /// Small intestine carcinoma (8th ch.18), organ-general.
    SmallIntestine,
    /// Ampulla of Vater carcinoma (8th ch.27), organ-general.
    AmpullaVater,
    /// Appendix carcinoma (8th ch.19 / V9), organ-general.
    Appendix,
    /// Colon and rectum carcinoma (8th ch.20), organ-general.
    ColonRectum,
    /// Exocrine pancreas (8th ch.28), organ-general.
    Pancreas,
    /// Lung (8th ch.36 / V9), organ-general, staged by netstage.
    Lung,
}

impl Chapter {
    /// Every chapter, in a fixed order.
    pub const ALL: [Chapter; 14] = [
        Chapter::NetStomach,
        Chapter::NetDuodenum,
        Chapter::NetAmpulla,
        Chapter::NetJejunumIleum,
        Chapter::NetAppendix,
        Chapter::NetColonRectum,
        Chapter::NetPancreas,
        Chapter::Stomach,
        Chapter::SmallIntestine,
        Chapter::AmpullaVater,
        Chapter::Appendix,
        Chapter::ColonRectum,
        Chapter::Pancreas,
        Chapter::Lung,
    ];

    /// True for the seven well-differentiated NET chapters.
    pub fn is_net(self) -> bool {
        matches!(
            self,
            Chapter::NetStomach
                | Chapter::NetDuodenum
                | Chapter::NetAmpulla
                | Chapter::NetJejunumIleum
                | Chapter::NetAppendix
                | Chapter::NetColonRectum
                | Chapter::NetPancreas
        )
    }

    /// True for organ-general chapters (everything but the NET chapters; lung included).
    pub fn is_organ_general(self) -> bool {
        !self.is_net()
    }

    /// True when netstage computes the stage (NET chapters and lung); the GI
    /// organ-general chapters are flagged instead (`needs_general_staging`).
    pub fn is_staged_by_netstage(self) -> bool {
        self.is_net() || self == Chapter::Lung
    }

    /// True when the chapter has an AJCC Version 9 schema in the registry tables.
    pub fn has_v9(self) -> bool {
        self.is_net() || matches!(self, Chapter::Appendix | Chapter::Lung)
    }

    /// Row of the identifier table for this chapter.
    fn ids(self) -> &'static ChapterIds {
        &CHAPTER_IDS[self as usize]
    }
}

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
        let ids = self.chapter.ids();
        match self.edition {
            Edition::Eighth => ids.name_8th,
            Edition::V9 => ids.name_v9,
        }
    }

    /// NAACCR Schema ID, 5 characters (`00340`, `09340`).
    pub fn id(self) -> &'static str {
        let ids = self.chapter.ids();
        match self.edition {
            Edition::Eighth => ids.id_8th,
            Edition::V9 => ids.id_v9,
        }
    }

    /// AJCC ID (8th: chapter number; V9: 9xxx), for `netstage schemas`.
    pub fn ajcc_id(self) -> &'static str {
        let ids = self.chapter.ids();
        match self.edition {
            Edition::Eighth => ids.ajcc_8th,
            Edition::V9 => ids.ajcc_v9,
        }
    }

    /// Every schema netstage can emit, in a fixed order.
    pub fn all() -> impl Iterator<Item = Schema> {
        Chapter::ALL.into_iter().flat_map(|c| {
            let v9 = c.has_v9().then(|| Schema::new(c, Edition::V9));
            std::iter::once(Schema::new(c, Edition::Eighth)).chain(v9)
        })
    }

    /// A dense index (chapter x edition), for compact counting.
    pub fn index(self) -> u8 {
        self.chapter as u8 * 2 + self.edition as u8
    }

    /// The schema of a dense index, if it is one netstage emits.
    pub fn from_index(i: u8) -> Option<Schema> {
        let chapter = *Chapter::ALL.get(i as usize / 2)?;
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

/// Names and identifiers of one chapter (staging-rules §2.5).
struct ChapterIds {
    name_8th: &'static str,
    name_v9: &'static str,
    id_8th: &'static str,
    id_v9: &'static str,
    ajcc_8th: &'static str,
    ajcc_v9: &'static str,
}

/// Identifier table, in `Chapter` order. Chapters without V9 repeat the 8th values.
#[rustfmt::skip]
const CHAPTER_IDS: [ChapterIds; 14] = [
    //             name (8th)          name (V9)              ID 8th   ID V9    AJCC 8th AJCC V9
    ChapterIds { name_8th: "net_stomach",       name_v9: "net_stomach_v9",       id_8th: "00290", id_v9: "09290", ajcc_8th: "29",   ajcc_v9: "9007" },
    ChapterIds { name_8th: "net_duodenum",      name_v9: "net_duodenum_v9",      id_8th: "00301", id_v9: "09301", ajcc_8th: "30",   ajcc_v9: "9008" },
    ChapterIds { name_8th: "net_ampulla",       name_v9: "net_ampulla_v9",       id_8th: "00302", id_v9: "09302", ajcc_8th: "30",   ajcc_v9: "9008" },
    ChapterIds { name_8th: "net_jejunum_ileum", name_v9: "net_jejunum_ileum_v9", id_8th: "00310", id_v9: "09310", ajcc_8th: "31",   ajcc_v9: "9009" },
    ChapterIds { name_8th: "net_appendix",      name_v9: "net_appendix_v9",      id_8th: "00320", id_v9: "09320", ajcc_8th: "32",   ajcc_v9: "9010" },
    ChapterIds { name_8th: "net_colon_rectum",  name_v9: "net_colon_rectum_v9",  id_8th: "00330", id_v9: "09330", ajcc_8th: "33",   ajcc_v9: "9011" },
    ChapterIds { name_8th: "net_pancreas",      name_v9: "net_pancreas_v9",      id_8th: "00340", id_v9: "09340", ajcc_8th: "34",   ajcc_v9: "9012" },
    ChapterIds { name_8th: "stomach",           name_v9: "stomach",              id_8th: "00170", id_v9: "00170", ajcc_8th: "17",   ajcc_v9: "17" },
    ChapterIds { name_8th: "small_intestine",   name_v9: "small_intestine",      id_8th: "00180", id_v9: "00180", ajcc_8th: "18",   ajcc_v9: "18" },
    ChapterIds { name_8th: "ampulla_vater",     name_v9: "ampulla_vater",        id_8th: "00270", id_v9: "00270", ajcc_8th: "27",   ajcc_v9: "27" },
    ChapterIds { name_8th: "appendix",          name_v9: "appendix_v9",          id_8th: "00190", id_v9: "09190", ajcc_8th: "19",   ajcc_v9: "9002" },
    ChapterIds { name_8th: "colon_rectum",      name_v9: "colon_rectum",         id_8th: "00200", id_v9: "00200", ajcc_8th: "20",   ajcc_v9: "20" },
    ChapterIds { name_8th: "pancreas",          name_v9: "pancreas",             id_8th: "00280", id_v9: "00280", ajcc_8th: "28",   ajcc_v9: "28" },
    ChapterIds { name_8th: "lung",              name_v9: "lung_v9",              id_8th: "00360", id_v9: "09360", ajcc_8th: "36",   ajcc_v9: "9014" },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_follow_the_contract() {
        let s = Schema::new(Chapter::NetPancreas, Edition::V9);
        assert_eq!((s.name(), s.id(), s.edition.code()), ("net_pancreas_v9", "09340", "09"));
        let s = Schema::new(Chapter::ColonRectum, Edition::V9);
        assert_eq!((s.name(), s.id(), s.edition.code()), ("colon_rectum", "00200", "08"));
        let s = Schema::new(Chapter::Appendix, Edition::V9);
        assert_eq!((s.name(), s.id()), ("appendix_v9", "09190"));
        let s = Schema::new(Chapter::Lung, Edition::Eighth);
        assert_eq!((s.name(), s.id()), ("lung", "00360"));
        assert_eq!(Schema::all().count(), 7 * 2 + 5 + 2 * 2);
        for s in Schema::all() {
            assert_eq!(Schema::from_name(s.name()), Some(s));
            assert_eq!(Schema::from_index(s.index()), Some(s));
            assert_eq!(s.id().len(), 5);
        }
    }
}
