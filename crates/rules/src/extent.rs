//! The `extent` vocabulary per NET chapter (staging-rules §13.1, read from
//! `tables/facts.tsv`) and the T each level gives.

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
    chapter
        .facts()
        .extent
        .iter()
        .find(|(t, _)| *t == norm)
        .map(|(_, level)| *level)
}

/// Every token of a chapter with its level, for documentation and `explain`.
pub fn vocabulary(chapter: Chapter) -> Vec<(&'static str, Level)> {
    chapter.facts().extent.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(key: &str) -> Chapter {
        Chapter::from_key(key).expect("chapter key")
    }

    #[test]
    fn tokens_normalise_and_belong_to_their_chapter() {
        assert_eq!(token_level(ch("net_stomach"), "Muscularis Propria"), Some(Level::T2));
        assert_eq!(token_level(ch("net_stomach"), "muscularis-propria"), Some(Level::T2));
        assert_eq!(token_level(ch("net_stomach"), "SEROSA"), Some(Level::T4));
        assert_eq!(token_level(ch("net_appendix"), "serosa"), Some(Level::T3));
        assert_eq!(token_level(ch("net_appendix"), "muscularis_propria"), Some(Level::Size));
        assert_eq!(
            token_level(ch("net_pancreas"), "peripancreatic_tissue"),
            Some(Level::Size)
        );
        assert_eq!(token_level(ch("net_pancreas"), "spleen"), Some(Level::T4));
        assert_eq!(token_level(ch("net_ampulla"), "sphincter of oddi"), Some(Level::Size));
        assert_eq!(token_level(ch("net_stomach"), "mesoappendix"), None);
        assert_eq!(token_level(ch("net_stomach"), "deep"), None);
        assert_eq!(token_level(ch("lung"), "mucosa"), None);
    }

    #[test]
    fn every_net_chapter_has_a_vocabulary() {
        for c in Chapter::all().filter(|c| c.is_net()) {
            assert!(!vocabulary(c).is_empty(), "{c:?}");
        }
    }
}
