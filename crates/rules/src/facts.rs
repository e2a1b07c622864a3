//! The facts basis: reading raw findings (size, nodes, mesenteric mass,
//! metastasis sites, multiple tumors) and deriving T, N and M from them
//! (staging-rules §13, io-contract §2.1 and §11).

use crate::chapters::Hook;
use crate::extent::{Level, TOKEN_MAX, normalize_token};
use crate::schema::Chapter;

/// A tumor size as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// `0` / `000`: no mass found.
    NoMass,
    /// Whole millimetres (1 or more).
    Mm(u32),
    /// NAACCR `990`: microscopic focus, the smallest size category.
    Microscopic,
    /// NAACCR `998`: site-specific descriptive code; size unknown for T.
    Descriptive,
    /// NAACCR `999`: unknown.
    Unknown,
}

impl Size {
    /// The size as a number of mm, for codes that are numbers (`0` included).
    fn as_mm(self) -> Option<u32> {
        match self {
            Size::NoMass => Some(0),
            Size::Mm(v) => Some(v),
            _ => None,
        }
    }
}

/// A size with how it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeReading {
    /// The size.
    pub size: Size,
    /// True for a numeric size (1-989 mm, fractional, or cm), which asks for
    /// `W_EXTENT_ASSUMED` when the extent is blank (io-contract §7.10).
    pub numeric: bool,
}

/// A non-negative decimal number as written: `mantissa / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    mantissa: u64,
    scale: u32,
}

impl Decimal {
    fn parse(text: &str) -> Option<Decimal> {
        let s = text.trim();
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if (int.is_empty() && frac.is_empty()) || int.len() + frac.len() > 15 {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mantissa = int
            .bytes()
            .chain(frac.bytes())
            .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'));
        Some(Decimal {
            mantissa,
            scale: frac.len() as u32,
        })
    }

    /// The integer value, when the number is whole (`5`, `5.0`).
    fn whole(self) -> Option<u64> {
        let d = 10u64.pow(self.scale);
        self.mantissa.is_multiple_of(d).then_some(self.mantissa / d)
    }

    /// Rounded half up to a whole number after multiplying by `factor`
    /// (10.5 -> 11); a value above 0 but under 1 gives 1 (io-contract §11).
    fn round_mm(self, factor: u64) -> u64 {
        let num = self.mantissa * factor;
        let den = 10u64.pow(self.scale);
        if num == 0 {
            return 0;
        }
        ((2 * num + den) / (2 * den)).max(1)
    }
}

/// Why a size, count or mass value was rejected (message text).
pub type Reason = &'static str;

/// Reads a size in millimetres. `coded` is true for the NAACCR column (item
/// 756), where 990/998/999 are codes and 991-995 are Collaborative Stage codes
/// (an error). Blank gives `Ok(None)`.
pub fn parse_size_mm(text: &str, coded: bool) -> Result<Option<SizeReading>, Reason> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let d = Decimal::parse(text).ok_or("is not a size in mm")?;
    if coded && let Some(code) = d.whole() {
        let (size, numeric) = match code {
            0 => (Size::NoMass, false),
            1..=989 => (Size::Mm(code as u32), true),
            990 => (Size::Microscopic, false),
            991..=995 => return Err("is a Collaborative Stage code, not a tumor size summary code"),
            998 => (Size::Descriptive, false),
            999 => (Size::Unknown, false),
            _ => return Err("is not a tumor size summary code (000-990, 998, 999)"),
        };
        return Ok(Some(SizeReading { size, numeric }));
    }
    Ok(Some(reading(d.round_mm(1))))
}

/// Reads a size in centimetres (multiplied by 10, then rounded).
pub fn parse_size_cm(text: &str) -> Result<Option<SizeReading>, Reason> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let d = Decimal::parse(text).ok_or("is not a size in cm")?;
    Ok(Some(reading(d.round_mm(10))))
}

fn reading(mm: u64) -> SizeReading {
    match mm {
        0 => SizeReading {
            size: Size::NoMass,
            numeric: false,
        },
        v => SizeReading {
            size: Size::Mm(v.min(u32::MAX as u64) as u32),
            numeric: true,
        },
    }
}

/// `size_mm` and `size_cm` disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeConflict;

/// Combines `size_mm` and `size_cm`: both numeric and more than 1 mm apart is
/// a conflict; an unknown (`999`) mm code gives way to a cm size; any other
/// code beside a cm size is a conflict.
pub fn combine_sizes(mm: Option<SizeReading>, cm: Option<SizeReading>) -> Result<Option<SizeReading>, SizeConflict> {
    match (mm, cm) {
        (None, x) | (x, None) => Ok(x),
        (Some(a), Some(b)) => match (a.size.as_mm(), b.size.as_mm()) {
            (Some(x), Some(y)) if x.abs_diff(y) <= 1 => Ok(Some(a)),
            _ if a.size == Size::Unknown => Ok(Some(b)),
            _ => Err(SizeConflict),
        },
    }
}

/// T from size alone; `None` when the size does not tell (unknown, `998`).
pub fn size_t(chapter: Chapter, size: Size) -> Option<&'static str> {
    let rows = &chapter.facts().size_cuts;
    if rows.is_empty() {
        return None;
    }
    match size {
        Size::NoMass => Some("T0"),
        Size::Microscopic => Some(rows[0].1),
        Size::Mm(mm) => rows.iter().find(|(max, _)| mm <= *max).map(|(_, t)| *t),
        Size::Descriptive | Size::Unknown => None,
    }
}

/// Order of the T categories the facts basis produces.
fn t_rank(t: &str) -> u8 {
    match t {
        "T0" => 0,
        "T1a" => 1,
        "T1b" => 2,
        "T1" => 3,
        "T2" => 4,
        "T3" => 5,
        _ => 6, // T4
    }
}

/// T from the deepest extent level and the size (staging-rules §13.1):
/// at level 1 (or blank extent) size decides, unknown size -> TX; a deeper
/// level decides whatever the size, but a larger size can still raise T.
/// The NAACCR code `998` gives TX whatever the extent (io-contract §11).
pub fn facts_t(chapter: Chapter, level: Option<Level>, size: Option<Size>) -> &'static str {
    if size == Some(Size::Descriptive) {
        return "TX";
    }
    let by_size = size.and_then(|s| size_t(chapter, s));
    let by_level = match level {
        None | Some(Level::Size) => return by_size.unwrap_or("TX"),
        Some(Level::T2) => "T2",
        Some(Level::T3) => "T3",
        Some(Level::T4) => "T4",
    };
    match by_size {
        Some(s) if t_rank(s) > t_rank(by_level) => s,
        _ => by_level,
    }
}

/// Regional nodes positive as read (io-contract §2.1, §11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nodes {
    /// 0-90 (90 = 90 or more).
    Count(u8),
    /// `95` / `97`: positive, count unknown.
    PositiveCountUnknown,
    /// `98`: no nodes examined.
    NoneExamined,
    /// `99`: unknown.
    Unknown,
}

/// Reads `nodes_positive`. Blank gives `Ok(None)`.
pub fn parse_nodes(text: &str) -> Result<Option<Nodes>, Reason> {
    let s = text.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a node count or code (0-90, 95, 97, 98, 99)");
    }
    let v: u16 = s.parse().map_err(|_| "is not a node count")?;
    Ok(Some(match v {
        0..=90 => Nodes::Count(v as u8),
        95 | 97 => Nodes::PositiveCountUnknown,
        98 => Nodes::NoneExamined,
        99 => Nodes::Unknown,
        _ => return Err("is not a valid node count or code (0-90, 95, 97, 98, 99)"),
    }))
}

/// Reads a mesenteric mass size in mm (rounded like sizes). Blank gives `Ok(None)`.
pub fn parse_mass_mm(text: &str) -> Result<Option<u32>, Reason> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let d = Decimal::parse(text).ok_or("is not a size in mm")?;
    Ok(Some(d.round_mm(1).min(u32::MAX as u64) as u32))
}

/// N from the facts (staging-rules §13.2). The flag asks for `W_NODE_COUNT_UNKNOWN`.
/// Jejunum/ileum: a mesenteric mass over 20 mm or 12+ nodes gives N2.
pub fn facts_n(chapter: Chapter, nodes: Option<Nodes>, mass_mm: Option<u32>) -> (&'static str, bool) {
    let jejunum_ileum = chapter.has_hook(Hook::MesentericMass);
    if jejunum_ileum && mass_mm.is_some_and(|m| m > 20) {
        return ("N2", false);
    }
    match nodes {
        Some(Nodes::Count(0)) => ("N0", false),
        Some(Nodes::Count(k)) if jejunum_ileum && k >= 12 => ("N2", false),
        Some(Nodes::Count(_)) => ("N1", false),
        Some(Nodes::PositiveCountUnknown) => ("N1", true),
        Some(Nodes::NoneExamined | Nodes::Unknown) | None => ("NX", false),
    }
}

/// M from the metastasis tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetastasisReading {
    /// The M category.
    pub m: &'static str,
    /// True when the value was `unknown` (`W_METASTASIS_UNKNOWN`).
    pub unknown: bool,
}

/// A rejected metastasis value: the offending token and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetastasisError<'a> {
    /// The token (or whole value) at fault.
    pub token: &'a str,
    /// Why.
    pub reason: Reason,
}

/// Splits a multi-token value on `;`, `,` and `|`, skipping empty tokens.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split([';', ',', '|']).map(str::trim).filter(|t| !t.is_empty())
}

/// Reads `metastasis` (io-contract §2.1, §11): liver only M1a, extrahepatic
/// only M1b (distant nodes count as extrahepatic), both M1c, `distant_nos`
/// M1 (with liver: M1c if another extrahepatic token is present, else M1),
/// `none` / `unknown` M0. Blank (no tokens) gives `Ok(None)`.
pub fn parse_metastasis(text: &str) -> Result<Option<MetastasisReading>, MetastasisError<'_>> {
    let (mut liver, mut extra, mut nos, mut none, mut unknown, mut any) = (false, false, false, false, false, false);
    for token in tokens(text) {
        any = true;
        let mut buf = [0u8; TOKEN_MAX];
        match normalize_token(token, &mut buf).unwrap_or("") {
            "none" => none = true,
            "unknown" => unknown = true,
            "liver" => liver = true,
            "distant_nodes" | "bone" | "lung" | "peritoneum" | "ovary" | "brain" | "other" => extra = true,
            "distant_nos" => nos = true,
            _ => {
                return Err(MetastasisError {
                    token,
                    reason: "is not a metastasis site (none, liver, distant_nodes, bone, lung, peritoneum, ovary, brain, other, distant_nos, unknown)",
                });
            }
        }
    }
    if !any {
        return Ok(None);
    }
    let site = liver || extra || nos;
    if (none || unknown) && site {
        return Err(MetastasisError {
            token: text.trim(),
            reason: "mixes none/unknown with a metastasis site",
        });
    }
    let m = match (liver, extra, nos) {
        (false, false, false) => "M0",
        (true, true, _) => "M1c",
        (true, false, false) => "M1a",
        (false, true, false) => "M1b",
        _ => "M1",
    };
    Ok(Some(MetastasisReading {
        m,
        unknown: unknown && !none,
    }))
}

/// Reads `multiple_tumors` (io-contract §7.9): `y`/`yes`/`true` more than one,
/// `n`/`no`/`false` one, a count (`1` one, `2`+ multiple, `0` none). Blank
/// gives `Ok(false)`.
pub fn parse_multiple(text: &str) -> Result<bool, Reason> {
    let s = text.trim();
    if s.is_empty() {
        return Ok(false);
    }
    if s.eq_ignore_ascii_case("y") || s.eq_ignore_ascii_case("yes") || s.eq_ignore_ascii_case("true") {
        return Ok(true);
    }
    if s.eq_ignore_ascii_case("n") || s.eq_ignore_ascii_case("no") || s.eq_ignore_ascii_case("false") {
        return Ok(false);
    }
    if s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(s.parse::<u32>().map_err(|_| "is not a tumor count")? >= 2);
    }
    Err("is not yes/no or a tumor count")
}

/// Reads `t_suffix`: `(m)` / `m` mean multiple tumors. Blank gives `Ok(false)`.
pub fn parse_t_suffix(text: &str) -> Result<bool, Reason> {
    match text.trim() {
        "" => Ok(false),
        "(m)" | "m" | "M" | "(M)" => Ok(true),
        _ => Err("is not a T suffix ((m) or blank)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(key: &str) -> Chapter {
        Chapter::from_key(key).expect("chapter key")
    }

    fn mm(text: &str) -> Option<Size> {
        parse_size_mm(text, false).unwrap().map(|r| r.size)
    }

    #[test]
    fn sizes_round_half_up_and_floor_at_one() {
        assert_eq!(mm("10"), Some(Size::Mm(10)));
        assert_eq!(mm("10.4"), Some(Size::Mm(10)));
        assert_eq!(mm("10.5"), Some(Size::Mm(11)));
        assert_eq!(mm("10.49"), Some(Size::Mm(10)));
        assert_eq!(mm("0.4"), Some(Size::Mm(1)));
        assert_eq!(mm("0"), Some(Size::NoMass));
        assert_eq!(mm("000"), Some(Size::NoMass));
        assert_eq!(mm("005"), Some(Size::Mm(5)));
        assert_eq!(mm("990"), Some(Size::Mm(990)));
        assert_eq!(mm(""), None);
        let cm = |t| parse_size_cm(t).unwrap().map(|r| r.size);
        assert_eq!(cm("1.05"), Some(Size::Mm(11)));
        assert_eq!(cm("1.04"), Some(Size::Mm(10)));
        assert_eq!(cm("2"), Some(Size::Mm(20)));
        assert_eq!(cm("0.01"), Some(Size::Mm(1)));
        for bad in ["abc", "-5", "1,5", "5mm", ".", "1.2.3", "1e3"] {
            assert!(parse_size_mm(bad, false).is_err(), "{bad}");
            assert!(parse_size_cm(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn naaccr_size_codes_only_in_the_coded_column() {
        let coded = |t| parse_size_mm(t, true).map(|r| r.map(|r| (r.size, r.numeric)));
        assert_eq!(coded("000"), Ok(Some((Size::NoMass, false))));
        assert_eq!(coded("005"), Ok(Some((Size::Mm(5), true))));
        assert_eq!(coded("5.0"), Ok(Some((Size::Mm(5), true))));
        assert_eq!(coded("989"), Ok(Some((Size::Mm(989), true))));
        assert_eq!(coded("990"), Ok(Some((Size::Microscopic, false))));
        assert_eq!(coded("998"), Ok(Some((Size::Descriptive, false))));
        assert_eq!(coded("999"), Ok(Some((Size::Unknown, false))));
        for c in ["991", "992", "993", "994", "995", "996", "997", "1000"] {
            assert!(coded(c).is_err(), "{c}");
        }
        assert_eq!(mm("999"), Some(Size::Mm(999)));
    }

    #[test]
    fn mm_and_cm_conflict_beyond_one_mm() {
        let r = |s| Some(SizeReading { size: s, numeric: true });
        assert_eq!(combine_sizes(r(Size::Mm(10)), r(Size::Mm(11))), Ok(r(Size::Mm(10))));
        assert_eq!(combine_sizes(r(Size::Mm(10)), r(Size::Mm(12))), Err(SizeConflict));
        assert_eq!(combine_sizes(r(Size::Unknown), r(Size::Mm(12))), Ok(r(Size::Mm(12))));
        assert_eq!(combine_sizes(r(Size::Microscopic), r(Size::Mm(12))), Err(SizeConflict));
        assert_eq!(combine_sizes(None, r(Size::Mm(12))), Ok(r(Size::Mm(12))));
    }

    #[test]
    fn size_boundaries_per_chapter() {
        let t = |c, v| size_t(c, Size::Mm(v)).unwrap();
        for c in [
            ch("net_stomach"),
            ch("net_duodenum"),
            ch("net_ampulla"),
            ch("net_jejunum_ileum"),
        ] {
            assert_eq!((t(c, 10), t(c, 11)), ("T1", "T2"));
        }
        let cr = ch("net_colon_rectum");
        assert_eq!((t(cr, 9), t(cr, 10), t(cr, 20), t(cr, 21)), ("T1a", "T1b", "T1b", "T2"));
        let ap = ch("net_appendix");
        assert_eq!((t(ap, 20), t(ap, 21), t(ap, 40), t(ap, 41)), ("T1", "T2", "T2", "T3"));
        let pa = ch("net_pancreas");
        assert_eq!((t(pa, 19), t(pa, 20), t(pa, 40), t(pa, 41)), ("T1", "T2", "T2", "T3"));
        assert_eq!(size_t(cr, Size::Microscopic), Some("T1a"));
        assert_eq!(size_t(pa, Size::NoMass), Some("T0"));
        assert_eq!(size_t(pa, Size::Unknown), None);
        assert_eq!(size_t(ch("lung"), Size::Mm(5)), None);
    }

    #[test]
    fn extent_level_and_size_combine() {
        let st = ch("net_stomach");
        assert_eq!(facts_t(st, Some(Level::T2), Some(Size::Mm(8))), "T2");
        assert_eq!(facts_t(st, Some(Level::T2), Some(Size::Unknown)), "T2");
        assert_eq!(facts_t(st, Some(Level::Size), Some(Size::Unknown)), "TX");
        assert_eq!(facts_t(st, None, None), "TX");
        assert_eq!(facts_t(st, Some(Level::Size), Some(Size::NoMass)), "T0");
        assert_eq!(facts_t(st, Some(Level::T3), Some(Size::NoMass)), "T3");
        assert_eq!(facts_t(st, Some(Level::Size), Some(Size::Descriptive)), "TX");
        assert_eq!(facts_t(st, Some(Level::T4), Some(Size::Descriptive)), "TX");
        assert_eq!(
            facts_t(ch("net_pancreas"), Some(Level::T3), Some(Size::Descriptive)),
            "TX"
        );
        let ap = ch("net_appendix");
        assert_eq!(facts_t(ap, Some(Level::T3), Some(Size::Mm(15))), "T3");
        assert_eq!(facts_t(ap, Some(Level::Size), Some(Size::Mm(45))), "T3");
        let pa = ch("net_pancreas");
        assert_eq!(facts_t(pa, Some(Level::T3), Some(Size::Mm(30))), "T3");
        assert_eq!(facts_t(pa, Some(Level::Size), Some(Size::Mm(40))), "T2");
        let cr = ch("net_colon_rectum");
        assert_eq!(facts_t(cr, Some(Level::T2), Some(Size::Mm(25))), "T2");
        assert_eq!(facts_t(cr, Some(Level::T3), Some(Size::Mm(25))), "T3");
    }

    #[test]
    fn nodes_and_mesenteric_mass() {
        let n = |t| parse_nodes(t).unwrap();
        assert_eq!(n("00"), Some(Nodes::Count(0)));
        assert_eq!(n("90"), Some(Nodes::Count(90)));
        assert_eq!(n("95"), Some(Nodes::PositiveCountUnknown));
        assert_eq!(n("97"), Some(Nodes::PositiveCountUnknown));
        assert_eq!(n("98"), Some(Nodes::NoneExamined));
        assert_eq!(n("99"), Some(Nodes::Unknown));
        for bad in ["91", "92", "93", "94", "96", "100", "2.0", "x", "-1", "1 2"] {
            assert!(parse_nodes(bad).is_err(), "{bad}");
        }
        let ji = ch("net_jejunum_ileum");
        assert_eq!(facts_n(ji, Some(Nodes::Count(11)), None), ("N1", false));
        assert_eq!(facts_n(ji, Some(Nodes::Count(12)), None), ("N2", false));
        assert_eq!(facts_n(ch("net_pancreas"), Some(Nodes::Count(12)), None), ("N1", false));
        assert_eq!(facts_n(ji, Some(Nodes::Count(0)), Some(20)), ("N0", false));
        assert_eq!(facts_n(ji, Some(Nodes::Count(0)), Some(21)), ("N2", false));
        assert_eq!(facts_n(ji, None, Some(21)), ("N2", false));
        assert_eq!(facts_n(ji, None, Some(20)), ("NX", false));
        assert_eq!(facts_n(ch("net_colon_rectum"), None, Some(50)), ("NX", false));
        assert_eq!(facts_n(ji, Some(Nodes::PositiveCountUnknown), None), ("N1", true));
        assert_eq!(facts_n(ji, Some(Nodes::NoneExamined), None), ("NX", false));
        assert_eq!(parse_mass_mm("20.5"), Ok(Some(21)));
        assert!(parse_mass_mm("big").is_err());
    }

    #[test]
    fn metastasis_tokens() {
        let m = |t| parse_metastasis(t).map(|r| r.map(|r| (r.m, r.unknown)));
        assert_eq!(m(""), Ok(None));
        assert_eq!(m("none"), Ok(Some(("M0", false))));
        assert_eq!(m("Unknown"), Ok(Some(("M0", true))));
        assert_eq!(m("liver"), Ok(Some(("M1a", false))));
        assert_eq!(m("bone"), Ok(Some(("M1b", false))));
        assert_eq!(m("distant_nodes"), Ok(Some(("M1b", false))));
        assert_eq!(m("liver;bone"), Ok(Some(("M1c", false))));
        assert_eq!(m("liver, distant-nodes"), Ok(Some(("M1c", false))));
        assert_eq!(m("lung|ovary"), Ok(Some(("M1b", false))));
        assert_eq!(m("distant_nos"), Ok(Some(("M1", false))));
        assert_eq!(m("distant_nos;liver"), Ok(Some(("M1", false))));
        assert_eq!(m("distant_nos;liver;bone"), Ok(Some(("M1c", false))));
        assert_eq!(m("distant_nos;bone"), Ok(Some(("M1", false))));
        assert!(m("moon").is_err());
        assert_eq!(parse_metastasis("liver;moon").unwrap_err().token, "moon");
        assert!(m("none;liver").is_err());
        assert!(m("unknown;bone").is_err());
    }

    #[test]
    fn multiple_tumors_and_suffix() {
        for (t, want) in [
            ("y", true),
            ("YES", true),
            ("true", true),
            ("n", false),
            ("no", false),
            ("False", false),
            ("1", false),
            ("0", false),
            ("2", true),
            ("3", true),
            ("", false),
        ] {
            assert_eq!(parse_multiple(t), Ok(want), "{t}");
        }
        assert!(parse_multiple("maybe").is_err());
        assert!(parse_multiple("-2").is_err());
        assert_eq!(parse_t_suffix("(m)"), Ok(true));
        assert_eq!(parse_t_suffix("m"), Ok(true));
        assert_eq!(parse_t_suffix(""), Ok(false));
        assert!(parse_t_suffix("(s)").is_err());
    }
}
