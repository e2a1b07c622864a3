//! The engine's input: one tumor record as borrowed text fields (io-contract §2).

use crate::declare::{BitSet, words_for};

crate::named_enum! {
    /// A field of the input contract (io-contract §2), by canonical name.
    pub enum Field {
        /// Patient / record identifier, copied to the output.
        RecordId => "record_id",
        /// Tumor record number, copied to the output.
        TumorRecord => "tumor_record",
        /// ICD-O-3 topography.
        PrimarySite => "primary_site",
        /// ICD-O-3 histology (optionally with `/behavior`).
        Histology => "histology",
        /// ICD-O-3 behavior.
        Behavior => "behavior",
        /// Year or date of diagnosis.
        Year => "year",
        /// Grade (item 440 style, header `grade`; never changes a NET stage).
        Grade => "grade",
        /// Clinical T.
        ClinT => "clin_t",
        /// Clinical N.
        ClinN => "clin_n",
        /// Clinical M.
        ClinM => "clin_m",
        /// Pathological T.
        PathT => "path_t",
        /// Pathological N.
        PathN => "path_n",
        /// Pathological M.
        PathM => "path_m",
        /// Generic T (basis from its prefix).
        T => "t",
        /// Generic N (basis from its prefix).
        N => "n",
        /// Generic M (basis from its prefix).
        M => "m",
        /// T suffix (`(m)`).
        TSuffix => "t_suffix",
        /// Recorded stage group (compared, never trusted).
        RecordedStage => "recorded_stage",
        /// Tumor size in millimetres (or NAACCR item 756 codes, see [`Record::size_coded`]).
        SizeMm => "size_mm",
        /// Tumor size in centimetres.
        SizeCm => "size_cm",
        /// Extent tokens (staging-rules §13.1).
        Extent => "extent",
        /// Regional nodes positive.
        NodesPositive => "nodes_positive",
        /// Jejunum/ileum mesenteric mass size in millimetres.
        MesentericMassMm => "mesenteric_mass_mm",
        /// Distant metastasis tokens.
        Metastasis => "metastasis",
        /// Multiple tumors (boolean or count).
        MultipleTumors => "multiple_tumors",
        /// EOD Primary Tumor (NAACCR item 772).
        EodPrimaryTumor => "eod_primary_tumor",
        /// EOD Regional Nodes (item 774).
        EodRegionalNodes => "eod_regional_nodes",
        /// EOD Mets (item 776).
        EodMets => "eod_mets",
        /// Grade Clinical (item 3843).
        GradeClin => "grade_clin",
        /// Grade Pathological (item 3844).
        GradePath => "grade_path",
        /// Schema Discriminator 1 (item 3926).
        SchemaDiscriminator1 => "schema_discriminator_1",
    }
}

impl Field {
    /// Canonical field name (`primary_site`, `clin_t`, ...).
    pub fn name(self) -> &'static str {
        Field::NAMES[self as usize]
    }

    /// Looks a field up by canonical name.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A set of fields.
pub type FieldSet = BitSet<{ words_for(Field::COUNT) }>;

/// SEER*Stat's marker for a blank cell, compared case-insensitively.
const SEER_BLANK: &[u8] = b"blank(s)";

/// True for a value [`Record::set`] stores as blank: empty, ASCII white space,
/// or SEER*Stat's `Blank(s)`. On raw bytes, for readers choosing among the
/// columns of a field (the first non-blank one wins).
pub fn is_blank_value(bytes: &[u8]) -> bool {
    // Fast path: a value that starts and ends with a visible character and
    // is not as long as `Blank(s)` is neither.
    match (bytes.first(), bytes.last()) {
        (None, _) | (_, None) => return true,
        (Some(a), Some(z))
            if !a.is_ascii_whitespace() && !z.is_ascii_whitespace() && bytes.len() != SEER_BLANK.len() =>
        {
            return false;
        }
        _ => {}
    }
    let b = bytes.trim_ascii();
    b.is_empty() || b.eq_ignore_ascii_case(SEER_BLANK)
}

/// One tumor record: a text value per field (blank when absent) plus facts
/// about how the values were read. Borrowed, so building one allocates nothing.
#[derive(Clone, Debug, Default)]
pub struct Record<'a> {
    values: [&'a str; Field::COUNT],
    not_utf8: FieldSet,
    /// True when `size_mm` came from the NAACCR coded column (item 756,
    /// `tumorSizeSummary`), whose codes 990/998/999/000 have code meanings.
    pub size_coded: bool,
    /// True when `size_mm` came from the item-756 column and a plain
    /// millimetre column of the same row (`size_mm`, `tumor_size_mm`) is
    /// non-blank too: a facts-only value (io-contract §19 item 2) that a row
    /// with an EOD basis ignores with `W_FACTS_IGNORED`.
    pub plain_size_shadowed: bool,
}

impl<'a> Record<'a> {
    /// An empty record (every field blank).
    pub fn new() -> Record<'a> {
        // Not `Default::default()`: for an array of 31 that is a loop out of
        // line, where this is a few stores in the caller.
        Record {
            values: [""; Field::COUNT],
            not_utf8: FieldSet::default(),
            size_coded: false,
            plain_size_shadowed: false,
        }
    }

    /// Sets one field's text (trimmed; SEER*Stat's `Blank(s)` reads as blank).
    pub fn set(&mut self, field: Field, value: &'a str) -> &mut Self {
        // Fast path: nothing to trim and not `Blank(s)` (8 bytes).
        let b = value.as_bytes();
        if let (Some(first), Some(last)) = (b.first(), b.last())
            && first.is_ascii_graphic()
            && last.is_ascii_graphic()
            && b.len() != SEER_BLANK.len()
        {
            self.values[field as usize] = value;
            return self;
        }
        // ASCII trimming first (fast); Unicode spaces (NBSP from spreadsheets) too.
        let v = value.trim_ascii();
        let v = if v.bytes().next().is_some_and(|b| b >= 0x80) || v.bytes().next_back().is_some_and(|b| b >= 0x80) {
            v.trim()
        } else {
            v
        };
        self.values[field as usize] = if v.as_bytes().eq_ignore_ascii_case(SEER_BLANK) {
            ""
        } else {
            v
        };
        self
    }

    /// Marks a field whose bytes were not UTF-8 (its text is then ignored and,
    /// when the row's route uses it, the row is an `E_RECORD` error).
    pub fn set_not_utf8(&mut self, field: Field) -> &mut Self {
        self.values[field as usize] = "";
        self.not_utf8.insert(field as usize);
        self
    }

    /// The field's text as set (trimmed); blank when absent.
    pub fn get(&self, field: Field) -> &'a str {
        self.values[field as usize]
    }

    /// True when the field's bytes were not UTF-8.
    pub fn is_not_utf8(&self, field: Field) -> bool {
        self.not_utf8.contains(field as usize)
    }

    /// True when the field is blank (and readable).
    pub fn is_blank(&self, field: Field) -> bool {
        self.get(field).is_empty() && !self.is_not_utf8(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_by_name() {
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i);
            assert_eq!(Field::from_name(f.name()), Some(*f));
        }
    }

    #[test]
    fn blank_values() {
        for b in [&b""[..], b" ", b"\t \r", b"Blank(s)", b"blank(s)", b" BLANK(S) "] {
            assert!(is_blank_value(b), "{:?}", String::from_utf8_lossy(b));
        }
        for b in [&b"x"[..], b" x ", b"Blank(s)x", b"12345678", b"C250"] {
            assert!(!is_blank_value(b), "{:?}", String::from_utf8_lossy(b));
        }
    }

    #[test]
    fn record_trims_and_flags_bad_bytes() {
        let mut r = Record::new();
        r.set(Field::PrimarySite, " C250 ").set_not_utf8(Field::Histology);
        assert_eq!(r.get(Field::PrimarySite), "C250");
        r.set(Field::Extent, "\u{a0}submucosa\u{a0}");
        assert_eq!(r.get(Field::Extent), "submucosa");
        assert!(r.is_not_utf8(Field::Histology));
        assert!(!r.is_blank(Field::Histology));
        assert!(r.is_blank(Field::Year));
        r.set(Field::PathT, "Blank(s)");
        assert!(r.is_blank(Field::PathT));
    }
}
