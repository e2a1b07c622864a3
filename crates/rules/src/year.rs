//! Year of diagnosis: parsing the date spellings of io-contract §2.1.

use crate::digits::four_digits;

/// A diagnosis year as read from the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Year {
    /// A known year.
    Known(u16),
    /// Blank or `9999`.
    Unknown,
}

impl Year {
    /// Parses `2021`, `202103`, `20210315`, `2021-03-15`, `2021-03`; blank and
    /// `9999` are unknown. Years 1800-2099 (the NAACCR date pattern); month and
    /// day must be valid calendar values when present.
    pub fn parse(text: &str) -> Option<Year> {
        // The common spelling, four digits, without the general path's
        // trimming and searching (it is read on every row).
        if let Some(year) = four_digits(text)
            && year != 9999
        {
            return (1800..=2099).contains(&year).then_some(Year::Known(year));
        }
        Year::parse_any(text)
    }

    /// [`Year::parse`] for every spelling.
    fn parse_any(text: &str) -> Option<Year> {
        let s = text.trim();
        if s.is_empty() || s == "9999" || s == "99999999" {
            return Some(Year::Unknown);
        }
        if !s.is_ascii() {
            return None;
        }
        let (y, m, d) = if s.contains('-') {
            let mut parts = s.split('-');
            let y = parts.next()?;
            let m = parts.next();
            let d = parts.next();
            if parts.next().is_some() || y.len() != 4 {
                return None;
            }
            if m.is_some_and(|m| m.len() != 2) || d.is_some_and(|d| d.len() != 2) {
                return None;
            }
            (y, m, d)
        } else {
            match s.len() {
                4 => (s, None, None),
                6 => (&s[..4], Some(&s[4..6]), None),
                8 => (&s[..4], Some(&s[4..6]), Some(&s[6..8])),
                _ => return None,
            }
        };
        let num = |p: &str| -> Option<u16> {
            if p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok()
            } else {
                None
            }
        };
        let year = num(y)?;
        if !(1800..=2099).contains(&year) {
            return None;
        }
        if let Some(m) = m {
            let m = num(m)?;
            if !(1..=12).contains(&m) {
                return None;
            }
            if let Some(d) = d {
                let d = num(d)?;
                if d < 1 || d > days_in_month(year, m) {
                    return None;
                }
            }
        }
        Some(Year::Known(year))
    }
}

fn days_in_month(year: u16, month: u16) -> u16 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_spelling_reads_as_2021() {
        for s in ["2021", "202103", "20210315", "2021-03-15", "2021-03", " 2021 "] {
            assert_eq!(Year::parse(s), Some(Year::Known(2021)), "{s}");
        }
        assert_eq!(Year::parse("20240229"), Some(Year::Known(2024)));
    }

    #[test]
    fn blank_and_9999_are_unknown() {
        assert_eq!(Year::parse(""), Some(Year::Unknown));
        assert_eq!(Year::parse("9999"), Some(Year::Unknown));
        assert_eq!(Year::parse("99999999"), Some(Year::Unknown));
    }

    #[test]
    fn four_digit_boundaries() {
        assert_eq!(Year::parse("1800"), Some(Year::Known(1800)));
        assert_eq!(Year::parse("2099"), Some(Year::Known(2099)));
        assert_eq!(Year::parse("1799"), None);
        assert_eq!(Year::parse("0000"), None);
    }

    /// The four-digit shortcut answers as the general reading does, for
    /// every four-digit string.
    #[test]
    fn four_digits_read_as_the_general_path_reads_them() {
        for y in 0..10_000 {
            let s = format!("{y:04}");
            assert_eq!(Year::parse(&s), Year::parse_any(&s), "{s}");
        }
    }

    #[test]
    fn bad_years_are_rejected() {
        for s in [
            "20X1",
            "21",
            "202113",
            "20210230",
            "20230229",
            "1700",
            "2100",
            "2021-3-15",
            "03/15/2021",
            "2021.0",
        ] {
            assert_eq!(Year::parse(s), None, "{s}");
        }
    }
}
