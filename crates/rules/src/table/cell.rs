//! Input cells: their syntax, canonical text and matching.
//!
//! The syntax is that of SEER's staging tables as imsweb's engine reads
//! them (`StagingDataProvider.splitValues`, `StagingRange.contains`):
//!
//! * `*` matches any value, blank or absent included;
//! * otherwise the cell is a comma-separated list (empty items kept) of
//!   items, and matches when one item does;
//! * an item `LOW-HIGH` (exactly one `-`) is a range when both sides have the
//!   same length, are both numbers, or one is a `{{key}}` reference;
//!   otherwise the whole item is one value (`N0(mol-)`);
//! * a range whose ends differ and are both numbers compares numerically
//!   (a value must be a number, with no decimal point unless an end has
//!   one); any other item matches values of its own length between its ends
//!   in code-unit order, so a single value matches itself only and a blank
//!   item matches the blank value only;
//! * `{{key}}` stands for the value of `key` when the row is matched.
//!
//! Sides and items are trimmed of spaces and control characters.

use super::algorithm::KeyId;

/// A cell as text items, after splitting and trimming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellText {
    /// `*`.
    Any,
    /// Items: `(low, high)`, equal for a single value.
    Items(Vec<(String, String)>),
}

/// Trims what Java's `String.trim` trims: every character up to U+0020.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Whether `s` is a number as the source engine reads one: an optional
/// leading `-`, ASCII digits and at most one `.`, not ending in `.`.
pub fn is_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.is_empty() || s.ends_with('.') {
        return false;
    }
    let mut dots = 0;
    for b in body.bytes() {
        match b {
            b'.' => dots += 1,
            b'0'..=b'9' => {}
            _ => return false,
        }
    }
    dots <= 1
}

/// Whether `s` is a whole `{{key}}` reference.
pub fn is_reference(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{{") && s.ends_with("}}")
}

/// The key a `{{key}}` reference names.
pub fn reference_key(s: &str) -> Option<&str> {
    is_reference(s).then(|| &s[2..s.len() - 2])
}

/// Splits a cell's text into items with the source engine's rules.
pub fn split(text: &str) -> CellText {
    if text == "*" {
        return CellText::Any;
    }
    let items = text
        .split(',')
        .map(|item| {
            // Java's `split("-")` drops trailing empty parts: "5-" is one part.
            let mut parts: Vec<&str> = item.split('-').collect();
            while parts.len() > 1 && parts.last() == Some(&"") {
                parts.pop();
            }
            if parts.len() == 2 {
                let (low, high) = (trim(parts[0]), trim(parts[1]));
                if low.len() == high.len()
                    || (is_number(low) && is_number(high))
                    || is_reference(low)
                    || is_reference(high)
                {
                    return (low.to_string(), high.to_string());
                }
            }
            let one = trim(item).to_string();
            (one.clone(), one)
        })
        .collect();
    CellText::Items(items)
}

/// The canonical text of split items: `*`, or items joined by `,` with a
/// range written `LOW-HIGH`. [`split`] of it gives the same items back
/// whenever [`canonical_round_trips`] holds.
pub fn canonical(cell: &CellText) -> String {
    match cell {
        CellText::Any => "*".to_string(),
        CellText::Items(items) => {
            let mut out = String::new();
            for (i, (low, high)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(low);
                if low != high {
                    out.push('-');
                    out.push_str(high);
                }
            }
            out
        }
    }
}

/// Whether the canonical text of `cell` splits back into `cell`.
pub fn canonical_round_trips(cell: &CellText) -> bool {
    split(&canonical(cell)) == *cell
}

/// One end of a compiled item: a constant, or a key read at match time.
#[derive(Clone, Debug)]
pub enum Operand {
    /// A constant.
    Const(Box<str>),
    /// The value of a key (blank when absent).
    Key(KeyId),
}

/// A compiled item.
#[derive(Clone, Debug)]
pub enum Item {
    /// Matches one value exactly (same bytes).
    Exact(Box<[u8]>),
    /// Numeric range with constant ends.
    Numeric {
        /// Low end.
        low: f32,
        /// High end.
        high: f32,
        /// Whether a value may have a decimal point.
        decimals: bool,
    },
    /// Same-length code-unit range with constant ends.
    Text {
        /// Low end.
        low: Box<str>,
        /// High end.
        high: Box<str>,
    },
    /// An item with a `{{key}}` end, resolved at match time.
    Dynamic {
        /// Low end.
        low: Operand,
        /// High end.
        high: Operand,
    },
}

/// A compiled input cell.
#[derive(Clone, Debug)]
pub enum Cell {
    /// Matches anything.
    Any,
    /// Matches when one item does.
    Items(Box<[Item]>),
}

impl Cell {
    /// Compiles split items; `key_of` interns a referenced key.
    pub fn compile(text: &CellText, mut key_of: impl FnMut(&str) -> KeyId) -> Cell {
        let CellText::Items(items) = text else {
            return Cell::Any;
        };
        let mut operand = |s: &str| match reference_key(s) {
            Some(k) => Operand::Key(key_of(k)),
            None => Operand::Const(s.into()),
        };
        let items = items
            .iter()
            .map(|(low, high)| match (operand(low), operand(high)) {
                (Operand::Const(low), Operand::Const(high)) => constant_item(&low, &high),
                (low, high) => Item::Dynamic { low, high },
            })
            .collect();
        Cell::Items(items)
    }

    /// The values of a cell made of single constant values only.
    pub fn exact_values(&self) -> Option<impl Iterator<Item = &[u8]>> {
        let Cell::Items(items) = self else {
            return None;
        };
        items.iter().all(|i| matches!(i, Item::Exact(_))).then(|| {
            items.iter().filter_map(|i| match i {
                Item::Exact(v) => Some(&v[..]),
                _ => None,
            })
        })
    }

    /// The keys the cell's items read (`{{key}}`), in item order.
    pub fn references(&self) -> impl Iterator<Item = KeyId> + '_ {
        let items: &[Item] = match self {
            Cell::Any => &[],
            Cell::Items(items) => items,
        };
        items.iter().flat_map(|i| match i {
            Item::Dynamic { low, high } => [low, high]
                .into_iter()
                .filter_map(|o| match o {
                    Operand::Key(k) => Some(*k),
                    Operand::Const(_) => None,
                })
                .collect(),
            _ => Vec::new(),
        })
    }

    /// Whether the cell matches `value` (`None`: the key is absent, read as
    /// blank); `lookup` gives the value of a referenced key.
    #[inline]
    pub fn matches<'v>(&self, value: Option<&[u8]>, lookup: &impl Fn(KeyId) -> Option<&'v [u8]>) -> bool {
        match self {
            Cell::Any => true,
            Cell::Items(items) => {
                let value = value.unwrap_or(b"");
                items.iter().any(|item| item_matches(item, value, lookup))
            }
        }
    }
}

fn constant_item(low: &str, high: &str) -> Item {
    if low == high {
        Item::Exact(low.as_bytes().into())
    } else if is_number(low) && is_number(high) {
        Item::Numeric {
            low: parse_f32(low),
            high: parse_f32(high),
            decimals: low.contains('.') || high.contains('.'),
        }
    } else {
        Item::Text {
            low: low.into(),
            high: high.into(),
        }
    }
}

fn parse_f32(s: &str) -> f32 {
    s.parse().unwrap_or(f32::NAN)
}

#[inline]
fn item_matches<'v>(item: &Item, value: &[u8], lookup: &impl Fn(KeyId) -> Option<&'v [u8]>) -> bool {
    match item {
        Item::Exact(v) => **v == *value,
        Item::Numeric { low, high, decimals } => numeric_in(value, *low, *high, *decimals),
        Item::Text { low, high } => text_in(value, low.as_bytes(), high.as_bytes()),
        Item::Dynamic { low, high } => {
            fn resolve<'x, 'y: 'x>(o: &'x Operand, lookup: &impl Fn(KeyId) -> Option<&'y [u8]>) -> &'x [u8] {
                match o {
                    Operand::Const(s) => s.as_bytes(),
                    Operand::Key(k) => lookup(*k).unwrap_or(b""),
                }
            }
            fn as_number(b: &[u8]) -> Option<&str> {
                std::str::from_utf8(b).ok().filter(|s| is_number(s))
            }
            let (low, high) = (resolve(low, lookup), resolve(high, lookup));
            match (low != high, as_number(low), as_number(high)) {
                (true, Some(ls), Some(hs)) => numeric_in(
                    value,
                    parse_f32(ls),
                    parse_f32(hs),
                    ls.contains('.') || hs.contains('.'),
                ),
                _ => text_in(value, low, high),
            }
        }
    }
}

fn numeric_in(value: &[u8], low: f32, high: f32, decimals: bool) -> bool {
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    if !is_number(text) || (!decimals && text.contains('.')) {
        return false;
    }
    let v = parse_f32(text);
    v >= low && v <= high
}

/// Same length and between the ends, in UTF-16 code units as the source
/// engine compares (bytes when the value is ASCII, as the ends are).
fn text_in(value: &[u8], low: &[u8], high: &[u8]) -> bool {
    if value.is_ascii() {
        return low.len() == high.len() && low.len() == value.len() && low <= value && value <= high;
    }
    let (Ok(v), Ok(l), Ok(h)) = (
        std::str::from_utf8(value),
        std::str::from_utf8(low),
        std::str::from_utf8(high),
    ) else {
        return false;
    };
    let (v, l, h): (Vec<u16>, Vec<u16>, Vec<u16>) = (
        v.encode_utf16().collect(),
        l.encode_utf16().collect(),
        h.encode_utf16().collect(),
    );
    l.len() == h.len() && l.len() == v.len() && l <= v && v <= h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> Cell {
        Cell::compile(&split(text), |_| KeyId(0))
    }

    fn m(text: &str, value: &str) -> bool {
        cell(text).matches(Some(value.as_bytes()), &|_| None)
    }

    #[test]
    fn star_matches_everything_even_absent() {
        assert!(m("*", ""));
        assert!(m("*", "anything"));
        assert!(cell("*").matches(None, &|_| None));
    }

    #[test]
    fn blank_cell_matches_blank_only() {
        assert!(m("", ""));
        assert!(!m("", "0"));
        assert!(cell("").matches(None, &|_| None));
        // A trailing comma adds a blank item.
        assert!(m("2024-9998,9999,", ""));
        assert!(m("2024-9998, 9999,", "9999"));
        assert!(!m("2024-9998,9999", ""));
    }

    #[test]
    fn numeric_ranges_compare_as_numbers() {
        assert!(m("001-989", "001"));
        assert!(m("001-989", "989"));
        assert!(!m("001-989", "990"));
        assert!(!m("001-989", "000"));
        // Numbers need not have the range's width...
        assert!(m("001-989", "5"));
        assert!(m("2018-9999", "2024"));
        // ...but no decimal point unless an end has one.
        assert!(!m("001-989", "5.0"));
        assert!(m("0.1-99.9", "5"));
        assert!(m("0.1-99.9", "5.5"));
        assert!(!m("001-989", "X"));
        assert!(!m("001-989", ""));
        assert!(!m("1-9", "+5"));
    }

    #[test]
    fn text_ranges_need_same_length() {
        assert!(m("C180-C189", "C185"));
        assert!(!m("C180-C189", "C18"));
        assert!(!m("C180-C189", "C1850"));
        assert!(!m("C180-C189", "C190"));
        // Equal ends compare as text even when numeric: width matters.
        assert!(m("000", "000"));
        assert!(!m("000", "0"));
    }

    #[test]
    fn items_that_are_not_ranges_are_single_values() {
        assert_eq!(
            split("N0(mol-)"),
            CellText::Items(vec![("N0(mol-)".into(), "N0(mol-)".into())])
        );
        assert_eq!(split("5-"), CellText::Items(vec![("5-".into(), "5-".into())]));
        assert_eq!(split("a-b-c"), CellText::Items(vec![("a-b-c".into(), "a-b-c".into())]));
        assert_eq!(split("1A-2"), CellText::Items(vec![("1A-2".into(), "1A-2".into())]));
        assert!(m("N0(mol-)", "N0(mol-)"));
    }

    #[test]
    fn trims_items_and_sides() {
        assert_eq!(
            split(" 1A , 2 - 4"),
            CellText::Items(vec![("1A".into(), "1A".into()), ("2".into(), "4".into())])
        );
        assert!(m("IS ", "IS"));
    }

    #[test]
    fn references_are_read_at_match_time() {
        let c = Cell::compile(&split("2018-{{ctx_year_current}}"), |_| KeyId(7));
        let year = |k: KeyId| (k == KeyId(7)).then_some(&b"2030"[..]);
        assert!(c.matches(Some(b"2030"), &year));
        assert!(!c.matches(Some(b"2031"), &year));
        assert!(!c.matches(Some(b"2017"), &year));
        let same = Cell::compile(&split("{{grade_path}}"), |_| KeyId(1));
        assert!(same.matches(Some(b"3"), &|_| Some(&b"3"[..])));
        assert!(!same.matches(Some(b"2"), &|_| Some(&b"3"[..])));
        // An absent referenced key reads as blank.
        assert!(same.matches(Some(b""), &|_| None));
    }

    #[test]
    fn canonical_text_round_trips() {
        for text in [
            "*",
            "",
            "001-989,999",
            "2024-9998, 9999,",
            "N0(mol-)",
            " X ",
            "C180-C189,C199",
        ] {
            let s = split(text);
            assert!(canonical_round_trips(&s), "{text}");
        }
        assert_eq!(canonical(&split("2024-9998, 9999,")), "2024-9998,9999,");
    }

    #[test]
    fn non_ascii_values_compare_by_utf16_units() {
        // "C0éé" is four UTF-16 units like "C000", and between the ends.
        assert!(m("C000-C809", "C0éé"));
        assert!(!m("C000-C809", "C0é"));
    }
}
