//! netstage's own chapter knowledge, loaded from the data files in
//! `tables/` (chapters, site groups, histologies, the pairs each chapter
//! stages, the facts cut points and vocabulary) and checked once at start-up.
//! The rest of the crate asks these tables; none of it names a chapter.
//!
//! | file | what it says |
//! |---|---|
//! | `chapters.tsv` | each chapter: kind, who stages it, editions, names and IDs, hooks |
//! | `site_groups.tsv` | topography ranges of each site group and its two chapters |
//! | `histologies.tsv` | neuroendocrine histologies: differentiation and route |
//! | `staged_histologies.tsv` | the (site, histology) pairs each chapter stages, by edition |
//! | `facts.tsv` | T by size and the extent vocabulary of the facts basis |

use std::sync::OnceLock;

use crate::category::{Category, Part};
use crate::extent::Level;
use crate::histology::Differentiation;
use crate::schema::Edition;

const CHAPTERS_TSV: &str = include_str!("../tables/chapters.tsv");
const SITE_GROUPS_TSV: &str = include_str!("../tables/site_groups.tsv");
const HISTOLOGIES_TSV: &str = include_str!("../tables/histologies.tsv");
const STAGED_TSV: &str = include_str!("../tables/staged_histologies.tsv");
const FACTS_TSV: &str = include_str!("../tables/facts.tsv");
const CATEGORIES_TSV: &str = include_str!("../tables/categories.tsv");

/// An AJCC chapter netstage routes records to: an index into `chapters.tsv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chapter(pub u8);

/// What kind of chapter it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChapterKind {
    /// A well-differentiated NET chapter.
    Net,
    /// An organ's general chapter.
    Organ,
    /// Lung (organ-general, staged by netstage).
    Lung,
}

/// A chapter rule that a table cannot say; the code that applies it is
/// keyed by the hook, never by the chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hook {
    /// Facts basis: `mesenteric_mass_mm` is read, and a mass over 20 mm or
    /// 12+ positive nodes gives N2 (staging-rules §13.2).
    MesentericMass,
    /// C16.0 carcinomas: the esophagus/EGJ discriminator applies
    /// (`W_EGJ_ASSUMED` without one).
    EgjDiscriminator,
    /// The clinical basis is grouped with `stomach_clinical.tables` (the AJCC
    /// clinical table), not with SEER's pathological one.
    ClinicalStageTable,
    /// Appendix: the grade decides M1b for the path and clin bases, and
    /// SEER's N2a/N2b are grouped as N2 (io-contract §19 items 11, 13, 18).
    AppendixGrade,
}

impl Hook {
    fn parse(s: &str) -> Option<Hook> {
        match s {
            "mesenteric_mass" => Some(Hook::MesentericMass),
            "egj_discriminator" => Some(Hook::EgjDiscriminator),
            "clinical_stage_table" => Some(Hook::ClinicalStageTable),
            "appendix_grade" => Some(Hook::AppendixGrade),
            _ => None,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// One row of `chapters.tsv`.
#[derive(Debug)]
pub struct ChapterInfo {
    /// Key used by the other tables.
    pub key: &'static str,
    /// Kind.
    pub kind: ChapterKind,
    /// True when netstage computes the stage.
    pub staged_by_netstage: bool,
    /// First year of its Version 9, if it has one.
    pub v9_from: Option<u16>,
    /// Schema names (8th, V9).
    pub names: [&'static str; 2],
    /// NAACCR schema IDs (8th, V9).
    pub ids: [&'static str; 2],
    /// AJCC IDs (8th, V9).
    pub ajcc: [&'static str; 2],
    /// SEER eod_public schema ids (8th, V9).
    pub seer: [Option<&'static str>; 2],
    hooks: u8,
}

/// Route of a neuroendocrine histology.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistologyRoute {
    /// The site group's NET chapter.
    Net,
    /// The site group's organ chapter.
    Organ,
    /// The NET chapter under Version 9 where the site group allows it.
    NetV9Only,
}

/// One row of `site_groups.tsv`.
#[derive(Debug)]
pub struct SiteGroupInfo {
    /// Name written in the output.
    pub name: &'static str,
    /// Topography ranges.
    pub sites: Vec<(u16, u16)>,
    /// Chapter of well-differentiated NETs.
    pub net_chapter: Chapter,
    /// Chapter of poorly differentiated and mixed tumors.
    pub organ_chapter: Chapter,
    /// Whether `net_v9_only` histologies are routed here.
    pub v9_only: bool,
}

/// One row of `staged_histologies.tsv`.
#[derive(Debug)]
pub struct StagedPairs {
    /// Chapter.
    pub chapter: Chapter,
    /// Edition.
    pub edition: Edition,
    /// Histology ranges.
    pub histologies: Vec<(u16, u16)>,
    /// Site ranges (`None`: every site routed to the chapter).
    pub sites: Option<Vec<(u16, u16)>>,
    /// First diagnosis year, if limited.
    pub since: Option<u16>,
    /// Last diagnosis year, if limited.
    pub until: Option<u16>,
    /// False when the chapter gives these histologies T, N and M but no stage
    /// group (small intestine, AJCC ID 18.2).
    pub groups: bool,
}

/// The facts basis of one chapter.
#[derive(Debug, Default)]
pub struct FactsRules {
    /// `(inclusive upper bound in mm, T)`; the last has no bound.
    pub size_cuts: Vec<(u32, &'static str)>,
    /// Tokens by level.
    pub extent: Vec<(&'static str, Level)>,
}

/// All of netstage's chapter tables, checked.
#[derive(Debug)]
pub struct ChapterTables {
    /// Chapters, in file order.
    pub chapters: Vec<ChapterInfo>,
    /// Site groups, in output order (`other` not listed).
    pub site_groups: Vec<SiteGroupInfo>,
    /// Staged pairs.
    pub staged: Vec<StagedPairs>,
    /// Indices into `staged` by schema (chapter * 2 + edition).
    staged_by_schema: Vec<Vec<usize>>,
    /// Facts rules per chapter (empty for chapters without a facts basis).
    pub facts: Vec<FactsRules>,
    /// Per chapter, its T, N and M categories as bit sets over the names of
    /// [`crate::category::Part::names`] (`None`: the stage matrix defines them).
    pub categories: Vec<Option<[u64; 3]>>,
    /// Site group index of every topography code 0-809 (`site_groups.len()` = other).
    site_group_of: Box<[u8]>,
    /// Differentiation and route of histologies 8000-9999.
    histology_of: Box<[Option<(Differentiation, HistologyRoute)>]>,
}

/// The tables, loaded once per process.
#[inline]
pub fn tables() -> &'static ChapterTables {
    static TABLES: OnceLock<ChapterTables> = OnceLock::new();
    TABLES.get_or_init(|| load().unwrap_or_else(|e| panic!("embedded chapter tables: {e}")))
}

impl Chapter {
    /// Every chapter, in table order.
    pub fn all() -> impl Iterator<Item = Chapter> {
        (0..tables().chapters.len() as u8).map(Chapter)
    }

    /// The chapter with this key (`net_pancreas`).
    pub fn from_key(key: &str) -> Option<Chapter> {
        tables()
            .chapters
            .iter()
            .position(|c| c.key == key)
            .map(|i| Chapter(i as u8))
    }

    /// Its row.
    pub fn info(self) -> &'static ChapterInfo {
        &tables().chapters[self.0 as usize]
    }

    /// Its key.
    pub fn key(self) -> &'static str {
        self.info().key
    }

    /// True for the well-differentiated NET chapters.
    pub fn is_net(self) -> bool {
        self.info().kind == ChapterKind::Net
    }

    /// True for organ-general chapters (everything but the NET chapters; lung included).
    pub fn is_organ_general(self) -> bool {
        !self.is_net()
    }

    /// True when netstage computes the stage.
    pub fn is_staged_by_netstage(self) -> bool {
        self.info().staged_by_netstage
    }

    /// True when the chapter has an AJCC Version 9.
    pub fn has_v9(self) -> bool {
        self.info().v9_from.is_some()
    }

    /// True when netstage stages the chapter with a stage matrix (the NET
    /// chapters and lung); the organ-general chapters it stages have a
    /// category list and SEER's stage tables instead.
    pub fn uses_matrix(self) -> bool {
        self.is_staged_by_netstage() && tables().categories[self.0 as usize].is_none()
    }

    /// True when the chapter has the hook.
    pub fn has_hook(self, hook: Hook) -> bool {
        self.info().hooks & hook.bit() != 0
    }

    /// The facts rules of the chapter.
    pub fn facts(self) -> &'static FactsRules {
        &tables().facts[self.0 as usize]
    }

    /// Whether the chapter has the category, by its list in `categories.tsv`
    /// (`None` for a chapter without one).
    pub fn defines(self, c: Category) -> Option<bool> {
        let sets = tables().categories[self.0 as usize]?;
        let set = match c.part {
            Part::T => sets[0],
            Part::N => sets[1],
            Part::M => sets[2],
        };
        Some(set & (1 << c.index) != 0)
    }
}

impl ChapterTables {
    /// Index of the site group of a topography code (`site_groups.len()` = other).
    #[inline]
    pub fn site_group_index(&self, site: u16) -> u8 {
        self.site_group_of
            .get(site as usize)
            .copied()
            .unwrap_or(self.site_groups.len() as u8)
    }

    /// The staged-pair rows of a chapter in an edition.
    #[inline]
    pub fn staged_rows(&self, chapter: Chapter, edition: Edition) -> impl Iterator<Item = &StagedPairs> {
        self.staged_by_schema[chapter.0 as usize * 2 + edition as usize]
            .iter()
            .map(|&i| &self.staged[i])
    }

    /// Differentiation and route of a histology (`None`: not neuroendocrine).
    #[inline]
    pub fn histology(&self, code: u16) -> Option<(Differentiation, HistologyRoute)> {
        code.checked_sub(8000)
            .and_then(|i| self.histology_of.get(i as usize))
            .copied()
            .flatten()
    }
}

/// Why a table did not load: file, line, what.
#[derive(Debug)]
pub struct LoadError(String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Data rows of a TSV file: comments and the header skipped, with line numbers.
fn rows(file: &'static str, text: &'static str, width: usize) -> Result<Vec<(usize, Vec<&'static str>)>, LoadError> {
    let mut out = Vec::new();
    let mut header = true;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let fields: Vec<&'static str> = line.split('\t').collect();
        if fields.len() != width {
            return Err(LoadError(format!(
                "{file} line {}: {} fields, want {width}",
                i + 1,
                fields.len()
            )));
        }
        if std::mem::take(&mut header) {
            continue;
        }
        out.push((i + 1, fields));
    }
    Ok(out)
}

/// Parses `160-166,168-169` (3- or 4-digit codes) into inclusive ranges.
pub fn parse_ranges(s: &str) -> Option<Vec<(u16, u16)>> {
    s.split(',')
        .map(|item| {
            let (lo, hi) = item.split_once('-').unwrap_or((item, item));
            let (lo, hi): (u16, u16) = (lo.parse().ok()?, hi.parse().ok()?);
            (lo <= hi).then_some((lo, hi))
        })
        .collect()
}

fn load() -> Result<ChapterTables, LoadError> {
    let bad = |file: &str, line: usize, what: String| LoadError(format!("{file} line {line}: {what}"));
    let opt = |s: &'static str| (s != "-").then_some(s);

    let mut chapters = Vec::new();
    for (line, f) in rows("chapters.tsv", CHAPTERS_TSV, 13)? {
        let kind = match f[1] {
            "net" => ChapterKind::Net,
            "organ" => ChapterKind::Organ,
            "lung" => ChapterKind::Lung,
            k => return Err(bad("chapters.tsv", line, format!("kind '{k}'"))),
        };
        let staged_by_netstage = match f[2] {
            "netstage" => true,
            "flagged" => false,
            s => return Err(bad("chapters.tsv", line, format!("staged_by '{s}'"))),
        };
        let v9_from = match opt(f[3]) {
            None => None,
            Some(y) => Some(
                y.parse()
                    .map_err(|_| bad("chapters.tsv", line, format!("year '{y}'")))?,
            ),
        };
        let mut hooks = 0;
        if let Some(list) = opt(f[12]) {
            for h in list.split(',') {
                hooks |= Hook::parse(h)
                    .ok_or_else(|| bad("chapters.tsv", line, format!("hook '{h}'")))?
                    .bit();
            }
        }
        if chapters.iter().any(|c: &ChapterInfo| c.key == f[0]) {
            return Err(bad("chapters.tsv", line, format!("chapter '{}' twice", f[0])));
        }
        chapters.push(ChapterInfo {
            key: f[0],
            kind,
            staged_by_netstage,
            v9_from,
            names: [f[4], f[5]],
            ids: [f[6], f[7]],
            ajcc: [f[8], f[9]],
            seer: [opt(f[10]), opt(f[11])],
            hooks,
        });
    }
    let chapter = |file: &str, line: usize, key: &str| -> Result<Chapter, LoadError> {
        chapters
            .iter()
            .position(|c| c.key == key)
            .map(|i| Chapter(i as u8))
            .ok_or_else(|| bad(file, line, format!("unknown chapter '{key}'")))
    };
    let ranges = |file: &str, line: usize, s: &str| -> Result<Vec<(u16, u16)>, LoadError> {
        parse_ranges(s).ok_or_else(|| bad(file, line, format!("ranges '{s}'")))
    };

    let mut site_groups = Vec::new();
    let mut site_group_of = vec![u8::MAX; 810];
    for (line, f) in rows("site_groups.tsv", SITE_GROUPS_TSV, 5)? {
        let sites = ranges("site_groups.tsv", line, f[1])?;
        let index = site_groups.len() as u8;
        for &(lo, hi) in &sites {
            for s in lo..=hi {
                let slot = site_group_of
                    .get_mut(s as usize)
                    .ok_or_else(|| bad("site_groups.tsv", line, format!("site {s} is over 809")))?;
                if *slot != u8::MAX {
                    return Err(bad("site_groups.tsv", line, format!("site {s} is in two groups")));
                }
                *slot = index;
            }
        }
        site_groups.push(SiteGroupInfo {
            name: f[0],
            sites,
            net_chapter: chapter("site_groups.tsv", line, f[2])?,
            organ_chapter: chapter("site_groups.tsv", line, f[3])?,
            v9_only: match f[4] {
                "yes" => true,
                "no" => false,
                v => return Err(bad("site_groups.tsv", line, format!("v9_only '{v}'"))),
            },
        });
    }
    let other = site_groups.len() as u8;
    for slot in site_group_of.iter_mut().filter(|s| **s == u8::MAX) {
        *slot = other;
    }

    let mut histology_of = vec![None; 2000];
    for (line, f) in rows("histologies.tsv", HISTOLOGIES_TSV, 3)? {
        let diff = match f[1] {
            "well" => Differentiation::Well,
            "poor" => Differentiation::Poor,
            "mixed" => Differentiation::Mixed,
            d => return Err(bad("histologies.tsv", line, format!("differentiation '{d}'"))),
        };
        let route = match f[2] {
            "net" => HistologyRoute::Net,
            "organ" => HistologyRoute::Organ,
            "net_v9_only" => HistologyRoute::NetV9Only,
            r => return Err(bad("histologies.tsv", line, format!("route '{r}'"))),
        };
        for (lo, hi) in ranges("histologies.tsv", line, f[0])? {
            for h in lo..=hi {
                let slot = h
                    .checked_sub(8000)
                    .and_then(|i| histology_of.get_mut(i as usize))
                    .ok_or_else(|| bad("histologies.tsv", line, format!("histology {h} is not 8000-9999")))?;
                if slot.is_some() {
                    return Err(bad("histologies.tsv", line, format!("histology {h} listed twice")));
                }
                *slot = Some((diff, route));
            }
        }
    }

    let mut staged = Vec::new();
    for (line, f) in rows("staged_histologies.tsv", STAGED_TSV, 7)? {
        let file = "staged_histologies.tsv";
        staged.push(StagedPairs {
            chapter: chapter(file, line, f[0])?,
            edition: match f[1] {
                "8" => Edition::Eighth,
                "9" => Edition::V9,
                e => return Err(bad(file, line, format!("edition '{e}'"))),
            },
            histologies: ranges(file, line, f[2])?,
            sites: if f[3] == "*" {
                None
            } else {
                Some(ranges(file, line, f[3])?)
            },
            since: match opt(f[4]) {
                None => None,
                Some(y) => Some(y.parse().map_err(|_| bad(file, line, format!("year '{y}'")))?),
            },
            until: match opt(f[5]) {
                None => None,
                Some(y) => Some(y.parse().map_err(|_| bad(file, line, format!("year '{y}'")))?),
            },
            groups: match f[6] {
                "yes" => true,
                "no" => false,
                g => return Err(bad(file, line, format!("groups '{g}'"))),
            },
        });
    }

    let mut facts: Vec<FactsRules> = chapters.iter().map(|_| FactsRules::default()).collect();
    for (line, f) in rows("facts.tsv", FACTS_TSV, 4)? {
        let file = "facts.tsv";
        let c = chapter(file, line, f[1])?;
        let rules = &mut facts[c.0 as usize];
        match (f[0], f[2]) {
            ("size", "cuts") => {
                for cut in f[3].split(',') {
                    let (max, t) = cut
                        .split_once(':')
                        .ok_or_else(|| bad(file, line, format!("cut '{cut}'")))?;
                    let max = if max == "*" {
                        u32::MAX
                    } else {
                        max.parse().map_err(|_| bad(file, line, format!("cut '{cut}'")))?
                    };
                    rules.size_cuts.push((max, t));
                }
                if rules.size_cuts.last().is_none_or(|(m, _)| *m != u32::MAX) {
                    return Err(bad(file, line, "the last cut must be `*`".to_string()));
                }
            }
            ("extent", level) => {
                let level = match level {
                    "size" => Level::Size,
                    "T2" => Level::T2,
                    "T3" => Level::T3,
                    "T4" => Level::T4,
                    l => return Err(bad(file, line, format!("level '{l}'"))),
                };
                for token in f[3].split(',').filter(|t| !t.is_empty()) {
                    if rules.extent.iter().any(|(t, _)| *t == token) {
                        return Err(bad(file, line, format!("token '{token}' twice")));
                    }
                    rules.extent.push((token, level));
                }
            }
            (k, key) => return Err(bad(file, line, format!("unknown rule '{k}' '{key}'"))),
        }
    }

    let mut categories: Vec<Option<[u64; 3]>> = vec![None; chapters.len()];
    for (line, f) in rows("categories.tsv", CATEGORIES_TSV, 3)? {
        let file = "categories.tsv";
        let c = chapter(file, line, f[0])?;
        let (part, slot) = match f[1] {
            "T" => (Part::T, 0),
            "N" => (Part::N, 1),
            "M" => (Part::M, 2),
            p => return Err(bad(file, line, format!("part '{p}'"))),
        };
        let sets = categories[c.0 as usize].get_or_insert([0; 3]);
        for name in f[2].split(',') {
            let cat = Category::from_name(part, name).ok_or_else(|| bad(file, line, format!("category '{name}'")))?;
            sets[slot] |= 1 << cat.index;
        }
    }

    let mut staged_by_schema = vec![Vec::new(); chapters.len() * 2];
    for (i, row) in staged.iter().enumerate() {
        staged_by_schema[row.chapter.0 as usize * 2 + row.edition as usize].push(i);
    }
    Ok(ChapterTables {
        chapters,
        site_groups,
        staged,
        staged_by_schema,
        categories,
        facts,
        site_group_of: site_group_of.into_boxed_slice(),
        histology_of: histology_of.into_boxed_slice(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_load() {
        let t = tables();
        assert_eq!(t.chapters.len(), 15);
        assert_eq!(t.site_groups.len(), 8);
        assert!(t.staged.len() >= 20);
        assert_eq!(Chapter::all().filter(|c| c.is_net()).count(), 7);
        for c in Chapter::all().filter(|c| c.is_net()) {
            assert!(
                !c.facts().size_cuts.is_empty() && !c.facts().extent.is_empty(),
                "{}",
                c.key()
            );
        }
    }

    #[test]
    fn ranges_parse_and_reject() {
        assert_eq!(parse_ranges("160-166,168"), Some(vec![(160, 166), (168, 168)]));
        assert_eq!(parse_ranges("166-160"), None);
        assert_eq!(parse_ranges("16x"), None);
        assert_eq!(parse_ranges(""), None);
    }
}
