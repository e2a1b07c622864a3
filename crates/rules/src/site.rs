//! Primary site: parsing ICD-O-3 topography (io-contract §2.1) and the site
//! group that every row with a valid site reports (io-contract §7.2).

/// An ICD-O-3 topography code, stored as its three digits (`C25.0` = 250).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site(pub u16);

impl Site {
    /// Parses `C250`, `c250`, `C25.0`, `25.0`, `250`, `C25.0-Head of pancreas`.
    /// Leading zeros lost by spreadsheets are restored (`40` -> `C040`).
    /// Valid ICD-O-3 topography runs from C00.0 to C80.9.
    pub fn parse(text: &str) -> Option<Site> {
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

/// The site group reported on every row with a valid site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SiteGroup {
    /// C16.0-C16.6, C16.8-C16.9.
    Stomach,
    /// C17.0.
    Duodenum,
    /// C24.1.
    Ampulla,
    /// C17.1-C17.3, C17.8-C17.9.
    JejunumIleum,
    /// C18.1.
    Appendix,
    /// C18.0, C18.2-C18.9, C19.9, C20.9.
    ColonRectum,
    /// C25.0-C25.4, C25.7-C25.9.
    Pancreas,
    /// C34.0-C34.3, C34.8-C34.9.
    Lung,
    /// Every other site.
    Other,
}

/// Site groups by topography ranges (staging-rules §2.1, §2.2).
#[rustfmt::skip]
const SITE_GROUPS: &[(SiteGroup, &[(u16, u16)])] = &[
    (SiteGroup::Stomach,      &[(160, 166), (168, 169)]),
    (SiteGroup::Duodenum,     &[(170, 170)]),
    (SiteGroup::Ampulla,      &[(241, 241)]),
    (SiteGroup::JejunumIleum, &[(171, 173), (178, 179)]),
    (SiteGroup::Appendix,     &[(181, 181)]),
    (SiteGroup::ColonRectum,  &[(180, 180), (182, 189), (199, 199), (209, 209)]),
    (SiteGroup::Pancreas,     &[(250, 254), (257, 259)]),
    (SiteGroup::Lung,         &[(340, 343), (348, 349)]),
];

impl SiteGroup {
    /// Every group, in output order.
    pub const ALL: [SiteGroup; 9] = [
        SiteGroup::Stomach,
        SiteGroup::Duodenum,
        SiteGroup::Ampulla,
        SiteGroup::JejunumIleum,
        SiteGroup::Appendix,
        SiteGroup::ColonRectum,
        SiteGroup::Pancreas,
        SiteGroup::Lung,
        SiteGroup::Other,
    ];

    /// The group of a site.
    pub fn of(site: Site) -> SiteGroup {
        SITE_GROUPS
            .iter()
            .find(|(_, ranges)| site.in_ranges(ranges))
            .map_or(SiteGroup::Other, |(g, _)| *g)
    }

    /// Name as written in the output (`jejunum_ileum`).
    pub fn name(self) -> &'static str {
        match self {
            SiteGroup::Stomach => "stomach",
            SiteGroup::Duodenum => "duodenum",
            SiteGroup::Ampulla => "ampulla",
            SiteGroup::JejunumIleum => "jejunum_ileum",
            SiteGroup::Appendix => "appendix",
            SiteGroup::ColonRectum => "colon_rectum",
            SiteGroup::Pancreas => "pancreas",
            SiteGroup::Lung => "lung",
            SiteGroup::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let g = |s: u16| SiteGroup::of(Site(s));
        assert_eq!(g(160), SiteGroup::Stomach);
        assert_eq!(g(167), SiteGroup::Other);
        assert_eq!(g(170), SiteGroup::Duodenum);
        assert_eq!(g(173), SiteGroup::JejunumIleum);
        assert_eq!(g(181), SiteGroup::Appendix);
        assert_eq!(g(180), SiteGroup::ColonRectum);
        assert_eq!(g(209), SiteGroup::ColonRectum);
        assert_eq!(g(241), SiteGroup::Ampulla);
        assert_eq!(g(253), SiteGroup::Pancreas);
        assert_eq!(g(255), SiteGroup::Other);
        assert_eq!(g(349), SiteGroup::Lung);
        assert_eq!(g(739), SiteGroup::Other);
    }
}
