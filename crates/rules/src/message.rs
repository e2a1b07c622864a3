//! Message codes (io-contract §9) and the per-row message list.

use std::fmt;

use crate::declare::{BitSet, words_for};
use crate::record::Field;

crate::named_enum! {
    /// A message code. `E_` makes the row an error, `W_` is a warning, `N_` says
    /// why a row is not applicable.
    #[allow(missing_docs)]
    pub enum Code {
        ESite => "E_SITE",
        EHistology => "E_HISTOLOGY",
        EBehavior => "E_BEHAVIOR",
        EYear => "E_YEAR",
        ET => "E_T",
        EN => "E_N",
        EM => "E_M",
        ECategory => "E_CATEGORY",
        ESuffix => "E_SUFFIX",
        ESize => "E_SIZE",
        ENodes => "E_NODES",
        EMass => "E_MASS",
        EMetastasis => "E_METASTASIS",
        EExtent => "E_EXTENT",
        EMultiple => "E_MULTIPLE",
        ERecord => "E_RECORD",
        EEod => "E_EOD",
        WYearUnknown => "W_YEAR_UNKNOWN",
        WBehaviorDefaulted => "W_BEHAVIOR_DEFAULTED",
        WPm0 => "W_PM0",
        WPostTherapy => "W_POST_THERAPY",
        WExtentAssumed => "W_EXTENT_ASSUMED",
        WMetastasisAssumed => "W_METASTASIS_ASSUMED",
        WMetastasisUnknown => "W_METASTASIS_UNKNOWN",
        WNodeCountUnknown => "W_NODE_COUNT_UNKNOWN",
        WBasisDisagree => "W_BASIS_DISAGREE",
        WNoEvidence => "W_NO_EVIDENCE",
        WFactsUnsupported => "W_FACTS_UNSUPPORTED",
        WEgjAssumed => "W_EGJ_ASSUMED",
        WGradeConflict => "W_GRADE_CONFLICT",
        WRecordedStage => "W_RECORDED_STAGE",
        WUncertainHistology => "W_UNCERTAIN_HISTOLOGY",
        WStageUnknown => "W_STAGE_UNKNOWN",
        WFactsIgnored => "W_FACTS_IGNORED",
        WGradeInvalid => "W_GRADE_INVALID",
        WDiscriminatorInvalid => "W_DISCRIMINATOR_INVALID",
        NBefore2018 => "N_BEFORE_2018",
        NNotNeuroendocrine => "N_NOT_NEUROENDOCRINE",
        NSiteNotStaged => "N_SITE_NOT_STAGED",
        NNotStagedByChapter => "N_NOT_STAGED_BY_CHAPTER",
        NBehavior => "N_BEHAVIOR",
    }
}

/// A set of message codes.
pub type CodeSet = BitSet<{ words_for(Code::COUNT) }>;

impl Code {
    /// The code as written (`E_SITE`).
    pub fn as_str(self) -> &'static str {
        Code::NAMES[self as usize]
    }

    /// True for `E_` codes.
    pub fn is_error(self) -> bool {
        self.as_str().starts_with("E_")
    }

    /// Looks a code up by its written form.
    pub fn from_code(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest part of an input value a message quotes (characters).
pub const QUOTE_LIMIT: usize = 40;

/// A piece of a message's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Fixed text.
    Text(&'static str),
    /// A field's canonical name.
    Field(Field),
    /// A value as written, printed in quotes and cut to [`QUOTE_LIMIT`] characters.
    Quoted(&'a str),
    /// Text made at run time (never input values), printed as is.
    Plain(&'a str),
}

const PIECES: usize = 8;

/// One message: its code and text pieces, printed `CODE: piece piece ...`.
///
/// It borrows the offending values from the record, so it allocates nothing.
/// Only single field values are ever quoted, cut to [`QUOTE_LIMIT`]
/// characters (records are health data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    /// The code.
    pub code: Code,
    pieces: [Option<Piece<'a>>; PIECES],
}

impl<'a> Message<'a> {
    /// A message with only a text.
    #[inline(never)]
    pub fn new(code: Code, text: &'static str) -> Message<'a> {
        Message {
            code,
            pieces: [None; PIECES],
        }
        .text(text)
    }

    /// A message about one field's value: `CODE: field 'value' text`.
    #[inline(never)]
    pub fn value(code: Code, field: Field, value: &'a str, text: &'static str) -> Message<'a> {
        Message {
            code,
            pieces: [None; PIECES],
        }
        .field(field)
        .quoted(value)
        .text(text)
    }

    /// A message that starts with one field's value: `CODE: field 'value'`,
    /// for texts built piece by piece.
    #[inline(never)]
    pub fn quoting(code: Code, field: Field, value: &'a str) -> Message<'a> {
        Message {
            code,
            pieces: [None; PIECES],
        }
        .field(field)
        .quoted(value)
    }

    /// A message about a field without quoting a value: `CODE: field text`.
    #[inline(never)]
    pub fn about(code: Code, field: Field, text: &'static str) -> Message<'a> {
        Message {
            code,
            pieces: [None; PIECES],
        }
        .field(field)
        .text(text)
    }

    fn push(mut self, p: Piece<'a>) -> Message<'a> {
        if let Some(slot) = self.pieces.iter_mut().find(|s| s.is_none()) {
            *slot = Some(p);
        }
        self
    }

    /// Appends fixed text.
    pub fn text(self, text: &'static str) -> Message<'a> {
        self.push(Piece::Text(text))
    }

    /// Appends text made at run time (never an input value: those are quoted).
    pub fn plain(self, text: &'a str) -> Message<'a> {
        self.push(Piece::Plain(text))
    }

    /// Appends a field name.
    pub fn field(self, field: Field) -> Message<'a> {
        self.push(Piece::Field(field))
    }

    /// Appends a quoted value.
    pub fn quoted(self, value: &'a str) -> Message<'a> {
        self.push(Piece::Quoted(value))
    }

    /// The pieces in order.
    pub fn pieces(&self) -> impl Iterator<Item = &Piece<'a>> {
        self.pieces.iter().flatten()
    }
}

impl Message<'_> {
    /// Writes `CODE: text` to any text writer (a `Formatter`, a `String`,
    /// an output buffer): the one place a message is spelled out.
    fn write_text(&self, out: &mut impl fmt::Write) -> fmt::Result {
        out.write_str(self.code.as_str())?;
        out.write_str(":")?;
        for p in self.pieces() {
            out.write_str(" ")?;
            match p {
                Piece::Text(t) => out.write_str(t)?,
                Piece::Plain(t) => out.write_str(t)?,
                Piece::Field(field) => out.write_str(field.name())?,
                Piece::Quoted(v) => {
                    out.write_str("'")?;
                    write_quoted(out, v)?;
                    out.write_str("'")?;
                }
            }
        }
        Ok(())
    }
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_text(f)
    }
}

/// Writes `value` cut to [`QUOTE_LIMIT`] characters, with control characters
/// escaped (a message stays on one line) and a `;` that a space follows
/// written `\u{3b}` (the messages column always splits on `"; "`).
pub fn write_quoted(f: &mut impl fmt::Write, value: &str) -> fmt::Result {
    let mut chars = value.chars().peekable();
    let mut i = 0;
    while let Some(c) = chars.next() {
        if i == QUOTE_LIMIT {
            return f.write_str("...");
        }
        i += 1;
        if c.is_control() {
            write!(f, "{}", c.escape_default())?;
        } else if c == ';' && chars.peek().is_some_and(|n| n.is_whitespace()) {
            f.write_str("\\u{3b}")?;
        } else {
            f.write_char(c)?;
        }
    }
    Ok(())
}

/// The messages of one row, in the order found. Reuse one list across rows
/// ([`crate::RuleSet::stage_to`]) and, once it has grown, staging allocates nothing.
#[derive(Clone, Debug, Default)]
pub struct Messages<'a> {
    list: Vec<Message<'a>>,
}

impl<'a> Messages<'a> {
    /// Appends a message.
    pub fn push(&mut self, m: Message<'a>) {
        self.list.push(m);
    }

    /// Removes every message, keeping the allocation.
    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// Number of messages.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The messages in order.
    pub fn iter(&self) -> impl Iterator<Item = &Message<'a>> {
        self.list.iter()
    }

    /// True when any message is an `E_` code.
    pub fn has_error(&self) -> bool {
        self.iter().any(|m| m.code.is_error())
    }

    /// True when a message with this code is present.
    pub fn contains(&self, code: Code) -> bool {
        self.iter().any(|m| m.code == code)
    }
}

impl Messages<'_> {
    /// Appends the `CODE: text; CODE: text` form to `out` (what `Display`
    /// writes), without the formatting machinery: the hot path of every row.
    /// `out` is a `String`, or a writer straight into an output buffer:
    /// writers that cannot fail, so an error of `out` is dropped here
    /// (`Display` passes it on).
    pub fn write_to(&self, out: &mut impl fmt::Write) {
        let _ = self.try_write_to(out);
    }

    fn try_write_to(&self, out: &mut impl fmt::Write) -> fmt::Result {
        for (i, m) in self.list.iter().enumerate() {
            if i > 0 {
                out.write_str("; ")?;
            }
            m.write_text(out)?;
        }
        Ok(())
    }
}

impl fmt::Display for Messages<'_> {
    /// `CODE: text; CODE: text`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.try_write_to(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_quotes_value_cut_and_escaped() {
        let long = "x".repeat(50);
        let m = Message::value(
            Code::EHistology,
            Field::Histology,
            &long,
            "is not a 4-digit ICD-O-3 code",
        );
        let s = m.to_string();
        assert_eq!(
            s,
            format!(
                "E_HISTOLOGY: histology '{}...' is not a 4-digit ICD-O-3 code",
                "x".repeat(40)
            )
        );
        let m = Message::value(Code::ET, Field::PathT, "a\nb", "is not a readable T category");
        assert_eq!(m.to_string(), "E_T: path_t 'a\\nb' is not a readable T category");
        let m = Message::value(Code::EMetastasis, Field::Metastasis, "none; liver", "mixes");
        assert_eq!(m.to_string(), "E_METASTASIS: metastasis 'none\\u{3b} liver' mixes");
        let m = Message::value(Code::EMetastasis, Field::Metastasis, "none;liver", "mixes");
        assert_eq!(m.to_string(), "E_METASTASIS: metastasis 'none;liver' mixes");
    }

    #[test]
    fn messages_keep_their_order() {
        let mut ms = Messages::default();
        for _ in 0..4 {
            ms.push(Message::new(Code::WPm0, "a"));
        }
        for _ in 0..4 {
            ms.push(Message::new(Code::ESize, "b"));
        }
        assert_eq!(ms.len(), 8);
        let codes: Vec<_> = ms.iter().map(|m| m.code).collect();
        assert_eq!(codes[3], Code::WPm0);
        assert_eq!(codes[4], Code::ESize);
        assert_eq!(codes[7], Code::ESize);
        assert!(ms.has_error());
        assert!(ms.contains(Code::WPm0));
    }

    #[test]
    fn write_to_equals_display() {
        let mut ms = Messages::default();
        ms.push(Message::value(
            Code::ET,
            Field::PathT,
            "p;T 9\n",
            "is not a readable T category",
        ));
        ms.push(
            Message::new(Code::WPm0, "x")
                .field(Field::PathM)
                .plain("y")
                .quoted("z; w"),
        );
        let mut s = String::new();
        ms.write_to(&mut s);
        assert_eq!(s, ms.to_string());
    }

    #[test]
    fn codes_round_trip() {
        for c in Code::ALL {
            assert_eq!(Code::from_code(c.as_str()), Some(c));
        }
    }
}
