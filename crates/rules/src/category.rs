//! AJCC T, N and M categories: the spellings of io-contract §2.1, with the
//! staging-basis prefix (`c`, `p`, `yc`, `yp`) kept apart from the category.

/// Which part of TNM a value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// Primary tumor.
    T,
    /// Regional nodes.
    N,
    /// Distant metastasis.
    M,
}

impl Part {
    /// Every category name this part can be read as, in a fixed order; a
    /// category is an index into this list.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Part::T => T_NAMES,
            Part::N => N_NAMES,
            Part::M => M_NAMES,
        }
    }

    fn letter(self) -> u8 {
        match self {
            Part::T => b't',
            Part::N => b'n',
            Part::M => b'm',
        }
    }
}

/// Every T category netstage can read (a chapter accepts a subset).
pub const T_NAMES: &[&str] = &[
    "TX",
    "T0",
    "Tis",
    "T1mi",
    "T1",
    "T1a",
    "T1b",
    "T1c",
    "T1d",
    "T2",
    "T2a",
    "T2b",
    "T2c",
    "T2d",
    "T3",
    "T3a",
    "T3b",
    "T3c",
    "T3d",
    "T4",
    "T4a",
    "T4b",
    "T4c",
    "T4d",
    "T4e",
    "Tis(LAMN)",
];
/// Every N category netstage can read.
pub const N_NAMES: &[&str] = &[
    "NX", "N0", "N1mi", "N1", "N1a", "N1b", "N1c", "N2", "N2a", "N2b", "N2c", "N3", "N3a", "N3b", "N3c",
];
/// Every M category netstage can read (AJCC has no MX).
pub const M_NAMES: &[&str] = &["M0", "M1", "M1a", "M1b", "M1c", "M1c1", "M1c2", "M1d"];

/// A readable category: an index into [`Part::names`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Category {
    /// The part.
    pub part: Part,
    /// Index into the part's name list.
    pub index: u8,
}

impl Category {
    /// Looks up a canonical name (`T1b`, `NX`, `M1c1`).
    pub fn from_name(part: Part, name: &str) -> Option<Category> {
        part.names()
            .iter()
            .position(|n| *n == name)
            .map(|i| Category { part, index: i as u8 })
    }

    /// Canonical name, without prefix.
    pub fn name(self) -> &'static str {
        self.part.names()[self.index as usize]
    }
}

/// The staging-basis prefix written before a category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Prefix {
    /// No prefix.
    None,
    /// `c`, clinical.
    Clinical,
    /// `p`, pathological.
    Pathological,
    /// `yc`, post-therapy clinical.
    PostTherapyClinical,
    /// `yp`, post-therapy pathological.
    PostTherapyPathological,
}

impl Prefix {
    /// True for `p` and `yp`.
    pub fn is_pathological(self) -> bool {
        matches!(self, Prefix::Pathological | Prefix::PostTherapyPathological)
    }

    /// True for `yc` and `yp`.
    pub fn is_post_therapy(self) -> bool {
        matches!(self, Prefix::PostTherapyClinical | Prefix::PostTherapyPathological)
    }
}

/// What a T/N/M value says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CategoryValue {
    /// A readable category.
    Category(Category),
    /// `88`: not applicable.
    NotApplicable,
}

/// A parsed T/N/M value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedCategory {
    /// The prefix as written.
    pub prefix: Prefix,
    /// The category, or `88`.
    pub value: CategoryValue,
    /// A T written with `(m)` or `(#)`: multiple tumors.
    pub multiple: bool,
}

/// Longest value considered (longer text is unreadable).
const MAX_LEN: usize = 24;

/// Parses one T, N or M value. Accepts `T1`, `1`, `cT1`, `pT1a`, `t1A`, `TX`,
/// `X`, `T0`, `Tis`, `pIS`, `T1(m)`, `pT3(2)`, `pTis(LAMN)`, 2016-2017 style `c1A` and `p1`,
/// `88`; N with `(sn)`, `(f)`, `(i+)`, `(i-)`, `(mol+)`, `(mol-)` suffixes;
/// `M0(i+)`. Returns `None` for anything else (blank included: the caller
/// treats blank separately).
pub fn parse_category(part: Part, text: &str) -> Option<ParsedCategory> {
    let text = text.trim();
    if text == "88" {
        return Some(ParsedCategory {
            prefix: Prefix::None,
            value: CategoryValue::NotApplicable,
            multiple: false,
        });
    }
    if text.is_empty() || text.len() > MAX_LEN || !text.is_ascii() {
        return None;
    }
    let mut buf = [0u8; MAX_LEN];
    let mut len = 0;
    for b in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    let mut s: &[u8] = &buf[..len];

    let prefix = if let Some(r) = s.strip_prefix(b"yc") {
        s = r;
        Prefix::PostTherapyClinical
    } else if let Some(r) = s.strip_prefix(b"yp") {
        s = r;
        Prefix::PostTherapyPathological
    } else if let Some(r) = s.strip_prefix(b"c") {
        s = r;
        Prefix::Clinical
    } else if let Some(r) = s.strip_prefix(b"p") {
        s = r;
        Prefix::Pathological
    } else {
        Prefix::None
    };
    if let Some(r) = s.strip_prefix(&[part.letter()]) {
        s = r;
    }

    // Split off a parenthesised suffix.
    let (body, suffix) = match s.iter().position(|&b| b == b'(') {
        Some(i) => (&s[..i], Some(&s[i..])),
        None => (s, None),
    };
    let mut multiple = false;
    if let Some(suffix) = suffix {
        let inner = suffix.strip_prefix(b"(")?.strip_suffix(b")")?;
        match part {
            // Appendix: Tis(LAMN), a category of its own (io-contract §19 item 12).
            Part::T if body == b"is" && inner == b"lamn" => {
                let category = Category::from_name(part, "Tis(LAMN)")?;
                return Some(ParsedCategory {
                    prefix,
                    value: CategoryValue::Category(category),
                    multiple: false,
                });
            }
            Part::T => {
                if inner == b"m" || (!inner.is_empty() && inner.iter().all(u8::is_ascii_digit)) {
                    multiple = true;
                } else {
                    return None;
                }
            }
            Part::N => {
                if !matches!(inner, b"sn" | b"f" | b"i+" | b"i-" | b"mol+" | b"mol-") {
                    return None;
                }
            }
            Part::M => {
                if !matches!(inner, b"i+") {
                    return None;
                }
            }
        }
    }

    // Canonical name: part letter upper-case, then the body (`is`, `mi`, letters lower-case).
    if body.is_empty() || body.len() > 6 {
        return None;
    }
    let mut name = [0u8; 8];
    name[0] = part.letter().to_ascii_uppercase();
    let body_out = &mut name[1..=body.len()];
    body_out.copy_from_slice(body);
    if body == b"x" {
        body_out[0] = b'X';
    }
    let name = std::str::from_utf8(&name[..=body.len()]).ok()?;
    let category = Category::from_name(part, name)?;
    Some(ParsedCategory {
        prefix,
        value: CategoryValue::Category(category),
        multiple,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(part: Part, s: &str) -> Option<(Prefix, &'static str, bool)> {
        parse_category(part, s).map(|p| match p.value {
            CategoryValue::Category(c) => (p.prefix, c.name(), p.multiple),
            CategoryValue::NotApplicable => (p.prefix, "88", p.multiple),
        })
    }

    #[test]
    fn every_contract_t_spelling() {
        use Prefix::*;
        let cases = [
            ("T1", (None, "T1", false)),
            ("1", (None, "T1", false)),
            ("cT1", (Clinical, "T1", false)),
            ("pT1a", (Pathological, "T1a", false)),
            ("t1A", (None, "T1a", false)),
            ("TX", (None, "TX", false)),
            ("X", (None, "TX", false)),
            ("T0", (None, "T0", false)),
            ("Tis", (None, "Tis", false)),
            ("pIS", (Pathological, "Tis", false)),
            ("T1(m)", (None, "T1", true)),
            ("pT3(2)", (Pathological, "T3", true)),
            ("pT3 (m)", (Pathological, "T3", true)),
            ("c1A", (Clinical, "T1a", false)),
            ("p1", (Pathological, "T1", false)),
            ("cX", (Clinical, "TX", false)),
            ("ypT2", (PostTherapyPathological, "T2", false)),
            ("ycT4b", (PostTherapyClinical, "T4b", false)),
            ("T1mi", (None, "T1mi", false)),
            ("88", (None, "88", false)),
        ];
        for (s, want) in cases {
            assert_eq!(cat(Part::T, s), Some(want), "{s}");
        }
    }

    #[test]
    fn every_contract_n_and_m_spelling() {
        use Prefix::*;
        for (s, want) in [
            ("N0", (None, "N0", false)),
            ("cN1", (Clinical, "N1", false)),
            ("pN2", (Pathological, "N2", false)),
            ("NX", (None, "NX", false)),
            ("N1a", (None, "N1a", false)),
            ("0", (None, "N0", false)),
            ("pN0(sn)", (Pathological, "N0", false)),
            ("N0(i+)", (None, "N0", false)),
            ("N2b", (None, "N2b", false)),
        ] {
            assert_eq!(cat(Part::N, s), Some(want), "{s}");
        }
        for (s, want) in [
            ("M0", (None, "M0", false)),
            ("cM0", (Clinical, "M0", false)),
            ("pM1", (Pathological, "M1", false)),
            ("M1a", (None, "M1a", false)),
            ("cM1c", (Clinical, "M1c", false)),
            ("pM0", (Pathological, "M0", false)),
            ("M1c1", (None, "M1c1", false)),
            ("1", (None, "M1", false)),
        ] {
            assert_eq!(cat(Part::M, s), Some(want), "{s}");
        }
    }

    #[test]
    fn unreadable_values_are_rejected() {
        for s in [
            "", "T5", "pT9", "Tx9", "T1(", "T1(x)", "T1e", "garbage", "T 1 a b", "N1", "pTT1", "T1aa",
        ] {
            assert_eq!(cat(Part::T, s), None, "T {s}");
        }
        for s in ["Nq", "pNq", "N4", "N1d", "NX(sn", "T1", "N1(m)"] {
            assert_eq!(cat(Part::N, s), None, "N {s}");
        }
        for s in ["MX", "M2", "M1e", "M1c3", "pM", "M0(m)"] {
            assert_eq!(cat(Part::M, s), None, "M {s}");
        }
    }
}
