//! Primary site: parsing ICD-O-3 topography (io-contract §2.1) and the site
//! group that every row with a valid site reports (io-contract §7.2).

use crate::chapters::{SiteGroupInfo, tables};

/// An ICD-O-3 topography code, stored as its three digits (`C25.0` = 250).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site(pub u16);

impl Site {
    /// Parses `C250`, `c250`, `C25.0`, `25.0`, `250`, `C25.0-Head of pancreas`.
    /// Leading zeros lost by spreadsheets are restored (`40` -> `C040`).
    /// Valid ICD-O-3 topography runs from C00.0 to C80.9.
    pub fn parse(text: &str) -> Option<Site> {
        // Fast path for the usual spellings, `C250` and `250`; the same
        // answer as the general path below (tested).
        if let [b'C' | b'c', d @ ..] | d @ [_, _, _] = text.as_bytes()
            && let [a, b, c] = *d
            && d.iter().all(u8::is_ascii_digit)
        {
            return Site::checked(u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'));
        }
        Site::parse_any(text)
    }

    /// [`Site::parse`] without its fast path.
    fn parse_any(text: &str) -> Option<Site> {
        let s = text.trim();
        // SEER*Stat labels: `C25.0-Head of pancreas`.
        let s = match s.find('-') {
            Some(i) if i > 0 => s[..i].trim_end(),
            _ => s,
        };
        let prefixed = s.starts_with(['C', 'c']);
        let s = s.strip_prefix(['C', 'c']).unwrap_or(s);
        let digits = match s.split_once('.') {
            Some((a, b)) if b.len() == 1 && !a.is_empty() && a.len() <= 2 => {
                // `25.0`, `C2.1` -> restore the leading zero of the two-digit part.
                let a = parse_digits(a)?;
                let b = parse_digits(b)?;
                return Site::checked(a * 10 + b);
            }
            Some(_) => return None,
            None => s,
        };
        // Leading zeros are restored only for bare numbers (`40` from a numeric
        // column); a written `C` code must have all three digits.
        if digits.is_empty() || digits.len() > 3 || (prefixed && digits.len() != 3) {
            return None;
        }
        Site::checked(parse_digits(digits)?)
    }

    fn checked(v: u16) -> Option<Site> {
        (v <= 809).then_some(Site(v))
    }

    /// The code as written in the output: `C250`.
    pub fn code(self) -> String {
        self.to_string()
    }

    /// True when the site is in one of the listed inclusive ranges of 3-digit codes.
    pub fn in_ranges(self, ranges: &[(u16, u16)]) -> bool {
        ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&self.0))
    }
}

/// `C250`; formats without allocating (used in traces, which most rows skip).
impl std::fmt::Display for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "C{:03}", self.0)
    }
}

fn parse_digits(s: &str) -> Option<u16> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The site group reported on every row with a valid site: an index into
/// `tables/site_groups.tsv`, or the last index for `other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SiteGroup(pub u8);

impl SiteGroup {
    /// The group of a site.
    #[inline]
    pub fn of(site: Site) -> SiteGroup {
        SiteGroup(tables().site_group_index(site.0))
    }

    /// Every group, in output order, `other` last.
    pub fn all() -> impl Iterator<Item = SiteGroup> {
        (0..=tables().site_groups.len() as u8).map(SiteGroup)
    }

    /// Number of groups, `other` included.
    pub fn count() -> usize {
        tables().site_groups.len() + 1
    }

    /// The group with this output name.
    pub fn named(name: &str) -> Option<SiteGroup> {
        SiteGroup::all().find(|g| g.name() == name)
    }

    /// The group's row, `None` for `other`.
    pub fn info(self) -> Option<&'static SiteGroupInfo> {
        tables().site_groups.get(self.0 as usize)
    }

    /// Name as written in the output (`jejunum_ileum`).
    pub fn name(self) -> &'static str {
        self.info().map_or("other", |g| g.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_answers_as_the_general_one() {
        let mut texts: Vec<String> = Vec::new();
        for prefix in ["", "C", "c", " C", "C "] {
            for n in 0..1000 {
                texts.push(format!("{prefix}{n}"));
                texts.push(format!("{prefix}{n:03}"));
            }
        }
        texts.extend(["C8x0", "x250", "C2500", "", "C", "999", "C809", "C810", "C25.0"].map(String::from));
        for t in &texts {
            assert_eq!(Site::parse(t), Site::parse_any(t), "{t:?}");
        }
    }

    #[test]
    fn every_contract_spelling_reads_as_c250() {
        for s in [
            "C250",
            "c250",
            "C25.0",
            "25.0",
            "250",
            "C25.0-Head of pancreas",
            " C250 ",
        ] {
            assert_eq!(Site::parse(s), Some(Site(250)), "{s}");
        }
        assert_eq!(Site::parse("40").map(Site::code).as_deref(), Some("C040"));
        assert_eq!(Site::parse("C4.0"), Some(Site(40)));
    }

    #[test]
    fn bad_sites_are_rejected() {
        for s in [
            "", "C25", "c4", "C2X0", "C2500", "C25.00", "C999", "C81.0", "X250", "C-250", "C25.", ".5", "C25.0.1",
        ] {
            assert_eq!(Site::parse(s), None, "{s}");
        }
    }

    #[test]
    fn site_groups_cover_the_routed_ranges() {
        let g = |s: u16| SiteGroup::of(Site(s)).name();
        assert_eq!(g(160), "stomach");
        assert_eq!(g(167), "other");
        assert_eq!(g(170), "duodenum");
        assert_eq!(g(173), "jejunum_ileum");
        assert_eq!(g(181), "appendix");
        assert_eq!(g(180), "colon_rectum");
        assert_eq!(g(209), "colon_rectum");
        assert_eq!(g(241), "ampulla");
        assert_eq!(g(253), "pancreas");
        assert_eq!(g(255), "other");
        assert_eq!(g(349), "lung");
        assert_eq!(g(739), "other");
    }
}
