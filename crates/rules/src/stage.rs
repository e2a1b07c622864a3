//! Stage-group codes in NAACCR form (`1`, `2A`, `1A2`, `OC`, `88`, `99`), their
//! display (`I`, `IIA`, `IA2`, `Occult`, `N/A`, `Unknown`), and the
//! normalisation of recorded stage groups (io-contract §13).

/// A recorded stage group that could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnreadableStage;

/// A stage-group code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StageCode(u8);

/// Every code, with its display (staging-rules §0 vocabulary).
#[rustfmt::skip]
const STAGES: &[(&str, &str)] = &[
    ("0", "0"),
    ("1", "I"), ("1A", "IA"), ("1A1", "IA1"), ("1A2", "IA2"), ("1A3", "IA3"), ("1B", "IB"),
    ("2", "II"), ("2A", "IIA"), ("2B", "IIB"), ("2C", "IIC"),
    ("3", "III"), ("3A", "IIIA"), ("3B", "IIIB"), ("3C", "IIIC"),
    ("4", "IV"), ("4A", "IVA"), ("4B", "IVB"), ("4C", "IVC"),
    ("OC", "Occult"),
    ("88", "N/A"),
    ("99", "Unknown"),
];

impl StageCode {
    /// `88`: not applicable.
    pub const NOT_APPLICABLE: StageCode = StageCode(20);
    /// `99`: unknown.
    pub const UNKNOWN: StageCode = StageCode(21);

    /// Every code, in order (`0` ... `4C`, `OC`, `88`, `99`).
    pub fn all() -> impl Iterator<Item = StageCode> {
        (0..STAGES.len() as u8).map(StageCode)
    }

    /// Position in [`StageCode::all`] (for compact counting).
    pub fn index(self) -> u8 {
        self.0
    }

    /// The code at a position of [`StageCode::all`].
    pub fn from_index(i: u8) -> Option<StageCode> {
        ((i as usize) < STAGES.len()).then_some(StageCode(i))
    }

    /// Looks up a NAACCR code exactly as written (`2A`).
    pub fn from_code(code: &str) -> Option<StageCode> {
        STAGES.iter().position(|(c, _)| *c == code).map(|i| StageCode(i as u8))
    }

    /// NAACCR code (`3B`).
    pub fn code(self) -> &'static str {
        STAGES[self.0 as usize].0
    }

    /// Display (`IIIB`).
    pub fn display(self) -> &'static str {
        STAGES[self.0 as usize].1
    }

    /// True for `99`.
    pub fn is_unknown(self) -> bool {
        self == StageCode::UNKNOWN
    }

    /// True for a real group (not `88`, not `99`).
    pub fn is_group(self) -> bool {
        self != StageCode::UNKNOWN && self != StageCode::NOT_APPLICABLE
    }

    /// Normalises a recorded stage group: `IIIA`, `Stage IIIA`,
    /// `IIIA: Stage IIIA`, `3a` -> `3A`; `Unknown` -> `99`; `NA`, `N/A` -> `88`;
    /// `Occult` -> `OC`. Blank and `Blank(s)` give `Ok(None)`; unreadable text
    /// gives `Err(UnreadableStage)`.
    pub fn parse_recorded(text: &str) -> Result<Option<StageCode>, UnreadableStage> {
        let s = text.trim();
        let s = s.split_once(':').map_or(s, |(a, _)| a.trim());
        if s.is_empty() || s.eq_ignore_ascii_case("blank(s)") || s.eq_ignore_ascii_case("blank") {
            return Ok(None);
        }
        if s.len() > 16 || !s.is_ascii() {
            return Err(UnreadableStage);
        }
        let mut buf = [0u8; 16];
        for (d, b) in buf.iter_mut().zip(s.bytes()) {
            *d = b.to_ascii_uppercase();
        }
        let upper = std::str::from_utf8(&buf[..s.len()]).map_err(|_| UnreadableStage)?;
        let body = upper.strip_prefix("STAGE").map_or(upper, str::trim_start);
        match body {
            "UNKNOWN" | "UNK" | "99" => return Ok(Some(StageCode::UNKNOWN)),
            "NA" | "N/A" | "88" => return Ok(Some(StageCode::NOT_APPLICABLE)),
            "OCCULT" | "OC" | "OCCULTCARCINOMA" => return Ok(Some(StageCode(19))),
            _ => {}
        }
        let (number, rest) = if let Some(r) = body.strip_prefix("IV") {
            ("4", r)
        } else if let Some(r) = body.strip_prefix("III") {
            ("3", r)
        } else if let Some(r) = body.strip_prefix("II") {
            ("2", r)
        } else if let Some(r) = body.strip_prefix('I') {
            ("1", r)
        } else if let Some(r) = body.strip_prefix(|c: char| c.is_ascii_digit()) {
            (&body[..1], r)
        } else {
            return Err(UnreadableStage);
        };
        // `0is`, `0a` (in-situ variants of other chapters) read as stage 0.
        if number == "0" && matches!(rest, "IS" | "A") {
            return Ok(Some(StageCode(0)));
        }
        StageCode::all()
            .find(|c| c.code().strip_prefix(number) == Some(rest))
            .map(Some)
            .ok_or(UnreadableStage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_displays() {
        assert_eq!(StageCode::from_code("1A2").map(StageCode::display), Some("IA2"));
        assert_eq!(StageCode::from_code("OC").map(StageCode::display), Some("Occult"));
        assert_eq!(StageCode::NOT_APPLICABLE.code(), "88");
        assert_eq!(StageCode::NOT_APPLICABLE.display(), "N/A");
        assert_eq!(StageCode::UNKNOWN.code(), "99");
        assert_eq!(StageCode::UNKNOWN.display(), "Unknown");
        assert_eq!(StageCode::all().count(), 22);
        assert_eq!(StageCode::from_code("3a"), None);
    }

    #[test]
    fn recorded_stage_spellings() {
        let p = |s| StageCode::parse_recorded(s).map(|o| o.map(StageCode::code));
        for (s, want) in [
            ("IIIA", "3A"),
            ("Stage IIIA", "3A"),
            ("IIIA: Stage IIIA", "3A"),
            ("3a", "3A"),
            ("3A", "3A"),
            ("IV", "4"),
            ("Stage IV", "4"),
            ("4", "4"),
            ("I", "1"),
            ("IA2", "1A2"),
            ("ia2", "1A2"),
            ("1A2", "1A2"),
            ("IIB", "2B"),
            ("0", "0"),
            ("0is", "0"),
            ("Occult", "OC"),
            ("99", "99"),
            ("Unknown", "99"),
            ("88", "88"),
            ("N/A", "88"),
        ] {
            assert_eq!(p(s), Ok(Some(want)), "{s}");
        }
        assert_eq!(p(""), Ok(None));
        assert_eq!(p("Blank(s)"), Ok(None));
        for s in ["V", "5", "IIID", "stage", "x", "1A4"] {
            assert_eq!(p(s), Err(UnreadableStage), "{s}");
        }
    }
}
