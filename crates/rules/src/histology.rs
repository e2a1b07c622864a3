//! Histology and behavior: parsing (io-contract §2.1, §7.8) and the
//! differentiation class every row with a valid histology reports (§8).

use crate::chapters::{HistologyRoute, tables};
use crate::digits::four_digits;

/// An ICD-O-3 morphology code (4 digits, 8000-9999).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Histology(pub u16);

/// A parsed histology value with the behavior written after `/`, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistologyValue {
    /// The 4-digit code.
    pub histology: Histology,
    /// The behavior written with it (`8240/3`, `82403`), if any.
    pub behavior: Option<u8>,
}

impl Histology {
    /// Parses `8240`, `8240/3`, `82403`, `8240/3: Carcinoid tumor, NOS`.
    pub fn parse(text: &str) -> Option<HistologyValue> {
        // Fast path for the usual spelling, four digits; the same answer as
        // the general path below (tested).
        if let Some(h) = four_digits(text) {
            return (h >= 8000).then_some(HistologyValue {
                histology: Histology(h),
                behavior: None,
            });
        }
        Histology::parse_any(text)
    }

    /// [`Histology::parse`] without its fast path.
    fn parse_any(text: &str) -> Option<HistologyValue> {
        let s = text.trim();
        // SEER*Stat label: `8240/3: Carcinoid tumor, NOS`.
        let s = s.split_once(':').map_or(s, |(a, _)| a.trim_end());
        if !s.is_ascii() {
            return None;
        }
        let (code, behavior) = match s.split_once('/') {
            Some((c, b)) => (c.trim(), Some(b.trim())),
            None if s.len() == 5 => (&s[..4], Some(&s[4..])),
            None => (s, None),
        };
        if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let h: u16 = code.parse().ok()?;
        if h < 8000 {
            return None;
        }
        let behavior = match behavior {
            None => None,
            Some(b) if b.len() == 1 && b.as_bytes()[0].is_ascii_digit() => Some(b.as_bytes()[0] - b'0'),
            Some(_) => return None,
        };
        Some(HistologyValue {
            histology: Histology(h),
            behavior,
        })
    }

    /// True when the code is in one of the inclusive ranges.
    pub fn in_ranges(self, ranges: &[(u16, u16)]) -> bool {
        ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&self.0))
    }

    /// True when the code is listed.
    pub fn in_list(self, list: &[u16]) -> bool {
        list.contains(&self.0)
    }

    /// Differentiation class from the code alone (io-contract §8), from
    /// `tables/histologies.tsv`.
    #[inline]
    pub fn differentiation(self) -> Differentiation {
        tables().histology(self.0).map_or(Differentiation::Unknown, |(d, _)| d)
    }

    /// The route of a neuroendocrine histology (`None`: not neuroendocrine).
    #[inline]
    pub fn route(self) -> Option<HistologyRoute> {
        tables().histology(self.0).map(|(_, r)| r)
    }

    /// True for the neuroendocrine histologies netstage routes (well, poor, mixed).
    pub fn is_neuroendocrine(self) -> bool {
        self.differentiation() != Differentiation::Unknown
    }
}

/// Differentiation class reported in the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Differentiation {
    /// Well-differentiated NET histology.
    Well,
    /// Poorly differentiated carcinoma.
    Poor,
    /// Mixed / goblet-cell / adenocarcinoid.
    Mixed,
    /// Anything else.
    Unknown,
}

impl Differentiation {
    /// Name as written in the output.
    pub fn name(self) -> &'static str {
        match self {
            Differentiation::Well => "well",
            Differentiation::Poor => "poor",
            Differentiation::Mixed => "mixed",
            Differentiation::Unknown => "unknown",
        }
    }
}

/// Parses a behavior code: one digit 0-3 (io-contract §7.8).
pub fn parse_behavior(text: &str) -> Option<u8> {
    match text.trim() {
        "0" => Some(0),
        "1" => Some(1),
        "2" => Some(2),
        "3" => Some(3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_answers_as_the_general_one() {
        let mut texts: Vec<String> = (0..10_000).map(|n| format!("{n:04}")).collect();
        texts.extend((0..10_000).map(|n| format!("{n}")));
        texts.extend(["824x", " 8240", "8240/3", "82403", "", "8a40"].map(String::from));
        for t in &texts {
            assert_eq!(Histology::parse(t), Histology::parse_any(t), "{t:?}");
        }
    }

    #[test]
    fn every_contract_spelling_reads_as_8240() {
        for (s, b) in [
            ("8240", None),
            ("8240/3", Some(3)),
            ("82403", Some(3)),
            ("8240/3: Carcinoid tumor, NOS", Some(3)),
            ("8240/3: Tumeur carcinoïde", Some(3)),
            (" 8240 / 2 ", Some(2)),
        ] {
            let v = Histology::parse(s).unwrap();
            assert_eq!((v.histology, v.behavior), (Histology(8240), b), "{s}");
        }
    }

    #[test]
    fn bad_histologies_are_rejected() {
        for s in [
            "", "82x0", "824", "824000", "7999", "8240/", "8240/33", "8240/x", "8240a",
        ] {
            assert_eq!(Histology::parse(s), None, "{s}");
        }
    }

    #[test]
    fn differentiation_follows_contract_lists() {
        let d = |h| Histology(h).differentiation();
        for h in [
            8150, 8151, 8152, 8153, 8155, 8156, 8158, 8240, 8241, 8242, 8249, 8683, 8272,
        ] {
            assert_eq!(d(h), Differentiation::Well, "{h}");
        }
        for h in [8013, 8041, 8042, 8043, 8044, 8045, 8246] {
            assert_eq!(d(h), Differentiation::Poor, "{h}");
        }
        for h in [8154, 8243, 8244, 8245] {
            assert_eq!(d(h), Differentiation::Mixed, "{h}");
        }
        for h in [8140, 8154 + 3, 8936, 8046, 8247, 8248] {
            assert_eq!(d(h), Differentiation::Unknown, "{h}");
        }
    }

    #[test]
    fn behavior_is_one_digit_0_to_3() {
        assert_eq!(parse_behavior("3"), Some(3));
        assert_eq!(parse_behavior(" 0 "), Some(0));
        for s in ["4", "7", "03", "x", "", "/3"] {
            assert_eq!(parse_behavior(s), None, "{s}");
        }
    }
}
