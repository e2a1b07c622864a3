//! The `extent` vocabulary per NET chapter (staging-rules §13.1) and the T
//! each level gives.

use crate::schema::Chapter;

/// How deep a token says the tumor reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Size decides T (level 1).
    Size = 1,
    /// T2 whatever the size.
    T2 = 2,
    /// T3 whatever the size.
    T3 = 3,
    /// T4 whatever the size.
    T4 = 4,
}

/// One chapter's vocabulary: tokens by level (staging-rules §13.1).
struct Vocabulary {
    chapter: Chapter,
    size: &'static [&'static str],
    t2: &'static [&'static str],
    t3: &'static [&'static str],
    t4: &'static [&'static str],
}

/// staging-rules §13.1, row for row.
#[rustfmt::skip]
const VOCABULARY: &[Vocabulary] = &[
    Vocabulary { chapter: Chapter::NetStomach,
        size: &["mucosa", "lamina_propria", "submucosa"],
        t2:   &["muscularis_propria"],
        t3:   &["subserosa", "perigastric_tissue", "through_wall"],
        t4:   &["serosa", "visceral_peritoneum", "adjacent_organ"] },
    Vocabulary { chapter: Chapter::NetDuodenum,
        size: &["mucosa", "lamina_propria", "submucosa"],
        t2:   &["muscularis_propria"],
        // U18: EOD puts "through the wall / subserosa" in T3.
        t3:   &["pancreas", "peripancreatic_tissue", "subserosa", "through_wall"],
        t4:   &["serosa", "visceral_peritoneum", "adjacent_organ"] },
    Vocabulary { chapter: Chapter::NetAmpulla,
        size: &["sphincter_of_oddi", "mucosa", "submucosa", "confined"],
        t2:   &["duodenal_submucosa", "muscularis_propria"],
        t3:   &["pancreas", "peripancreatic_tissue", "subserosa", "through_wall"],
        t4:   &["serosa", "visceral_peritoneum", "adjacent_organ"] },
    Vocabulary { chapter: Chapter::NetJejunumIleum,
        size: &["mucosa", "lamina_propria", "submucosa"],
        t2:   &["muscularis_propria"],
        t3:   &["subserosa", "mesentery", "through_wall"],
        t4:   &["serosa", "visceral_peritoneum", "adjacent_organ"] },
    Vocabulary { chapter: Chapter::NetColonRectum,
        size: &["mucosa", "lamina_propria", "submucosa"],
        t2:   &["muscularis_propria"],
        t3:   &["subserosa", "pericolorectal_tissue", "through_wall"],
        t4:   &["serosa", "visceral_peritoneum", "adjacent_organ"] },
    // Appendix: no T2 token (size only). U5: subserosa -> T3 (AJCC text), not sized.
    Vocabulary { chapter: Chapter::NetAppendix,
        size: &["mucosa", "lamina_propria", "submucosa", "muscularis_propria", "confined"],
        t2:   &[],
        t3:   &["subserosa", "mesoappendix", "serosa"],
        t4:   &["perforation", "visceral_peritoneum", "adjacent_organ"] },
    // Pancreas: peripancreatic fat does not change T (sized like "confined").
    Vocabulary { chapter: Chapter::NetPancreas,
        size: &["confined", "peripancreatic_tissue"],
        t2:   &[],
        t3:   &["duodenum", "bile_duct", "ampulla"],
        t4:   &["stomach", "spleen", "colon", "adrenal", "adjacent_organ", "celiac_axis",
                "superior_mesenteric_artery", "major_vessel"] },
];

/// Longest token considered.
pub(crate) const TOKEN_MAX: usize = 40;

/// Normalises a vocabulary token into `buf`: trimmed, ASCII lower-case, `-`
/// and spaces as `_`. `None` when it is empty, too long or not ASCII.
pub(crate) fn normalize_token<'b>(token: &str, buf: &'b mut [u8; TOKEN_MAX]) -> Option<&'b str> {
    let token = token.trim();
    if token.is_empty() || token.len() > TOKEN_MAX || !token.is_ascii() {
        return None;
    }
    for (i, b) in token.bytes().enumerate() {
        buf[i] = match b {
            b'-' | b' ' => b'_',
            b => b.to_ascii_lowercase(),
        };
    }
    std::str::from_utf8(&buf[..token.len()]).ok()
}

/// The level of one token in a chapter, after normalising it (case-insensitive;
/// `-` and spaces count as `_`). `None` when the chapter does not know it.
pub fn token_level(chapter: Chapter, token: &str) -> Option<Level> {
    let mut buf = [0u8; TOKEN_MAX];
    let norm = normalize_token(token, &mut buf)?;
    let v = VOCABULARY.iter().find(|v| v.chapter == chapter)?;
    [
        (v.size, Level::Size),
        (v.t2, Level::T2),
        (v.t3, Level::T3),
        (v.t4, Level::T4),
    ]
    .into_iter()
    .find(|(list, _)| list.contains(&norm))
    .map(|(_, level)| level)
}

/// Every token of a chapter with its level, for documentation and `explain`.
pub fn vocabulary(chapter: Chapter) -> Vec<(&'static str, Level)> {
    VOCABULARY
        .iter()
        .filter(|v| v.chapter == chapter)
        .flat_map(|v| {
            let lv = |list: &'static [&'static str], l: Level| list.iter().map(move |t| (*t, l));
            lv(v.size, Level::Size)
                .chain(lv(v.t2, Level::T2))
                .chain(lv(v.t3, Level::T3))
                .chain(lv(v.t4, Level::T4))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_normalise_and_belong_to_their_chapter() {
        assert_eq!(token_level(Chapter::NetStomach, "Muscularis Propria"), Some(Level::T2));
        assert_eq!(token_level(Chapter::NetStomach, "muscularis-propria"), Some(Level::T2));
        assert_eq!(token_level(Chapter::NetStomach, "SEROSA"), Some(Level::T4));
        assert_eq!(token_level(Chapter::NetAppendix, "serosa"), Some(Level::T3));
        assert_eq!(
            token_level(Chapter::NetAppendix, "muscularis_propria"),
            Some(Level::Size)
        );
        assert_eq!(
            token_level(Chapter::NetPancreas, "peripancreatic_tissue"),
            Some(Level::Size)
        );
        assert_eq!(token_level(Chapter::NetPancreas, "spleen"), Some(Level::T4));
        assert_eq!(token_level(Chapter::NetAmpulla, "sphincter of oddi"), Some(Level::Size));
        assert_eq!(token_level(Chapter::NetStomach, "mesoappendix"), None);
        assert_eq!(token_level(Chapter::NetStomach, "deep"), None);
        assert_eq!(token_level(Chapter::Lung, "mucosa"), None);
    }

    #[test]
    fn every_net_chapter_has_a_vocabulary() {
        for c in Chapter::ALL.into_iter().filter(|c| c.is_net()) {
            assert!(!vocabulary(c).is_empty(), "{c:?}");
        }
    }
}
