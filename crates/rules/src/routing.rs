//! Routing: which chapter and edition a record belongs to (staging-rules §2.1-§2.3)
//! and whether that chapter stages the (site, histology) pair (§2.4).
//!
//! The tables below are written to read like the spec's tables.

use crate::histology::{Differentiation, H_8272, H_NET, Histology};
use crate::schema::{Chapter, Edition, Schema};
use crate::site::{Site, SiteGroup};
use crate::year::Year;

/// How the edition is chosen (`--edition auto|8|9`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EditionChoice {
    /// By diagnosis year (staging-rules §2.3); unknown year gives Version 9.
    #[default]
    Auto,
    /// AJCC 8th for every chapter.
    Eighth,
    /// Version 9 for every chapter that has it.
    Ninth,
}

/// First diagnosis year of the first registry table set netstage stages.
pub const FIRST_YEAR: u16 = 2018;

/// Edition families and the first year of their Version 9 (staging-rules §2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// The seven GI/pancreas NET chapters: V9 from 2024.
    NetGi,
    /// Appendix carcinoma: V9 from 2023.
    AppendixCarcinoma,
    /// Lung: V9 from 2025.
    Lung,
    /// Stomach, small intestine, ampulla, exocrine pancreas, colon/rectum: 8th only.
    EighthOnly,
}

impl Family {
    fn of(chapter: Chapter) -> Family {
        match chapter {
            c if c.is_net() => Family::NetGi,
            Chapter::Appendix => Family::AppendixCarcinoma,
            Chapter::Lung => Family::Lung,
            _ => Family::EighthOnly,
        }
    }

    fn v9_from(self) -> Option<u16> {
        match self {
            Family::NetGi => Some(2024),
            Family::AppendixCarcinoma => Some(2023),
            Family::Lung => Some(2025),
            Family::EighthOnly => None,
        }
    }
}

/// The edition of a chapter for a diagnosis year.
pub fn edition_for(chapter: Chapter, year: Year, choice: EditionChoice) -> Edition {
    let Some(v9_from) = Family::of(chapter).v9_from() else {
        return Edition::Eighth;
    };
    match (choice, year) {
        (EditionChoice::Eighth, _) => Edition::Eighth,
        (EditionChoice::Ninth, _) => Edition::V9,
        (EditionChoice::Auto, Year::Unknown) => Edition::V9,
        (EditionChoice::Auto, Year::Known(y)) if y >= v9_from => Edition::V9,
        (EditionChoice::Auto, Year::Known(_)) => Edition::Eighth,
    }
}

/// Site group -> (NET chapter for well-differentiated NETs, organ-general chapter
/// for NEC / mixed / goblet-cell tumors). staging-rules §2.1 and §2.2.
#[rustfmt::skip]
const CHAPTER_BY_SITE_GROUP: &[(SiteGroup, Chapter, Chapter)] = &[
    // site group               NET chapter                  organ-general chapter
    (SiteGroup::Stomach,      Chapter::NetStomach,      Chapter::Stomach),
    (SiteGroup::Duodenum,     Chapter::NetDuodenum,     Chapter::SmallIntestine),
    (SiteGroup::Ampulla,      Chapter::NetAmpulla,      Chapter::AmpullaVater),
    (SiteGroup::JejunumIleum, Chapter::NetJejunumIleum, Chapter::SmallIntestine),
    (SiteGroup::Appendix,     Chapter::NetAppendix,     Chapter::Appendix),
    (SiteGroup::ColonRectum,  Chapter::NetColonRectum,  Chapter::ColonRectum),
    (SiteGroup::Pancreas,     Chapter::NetPancreas,     Chapter::Pancreas),
    (SiteGroup::Lung,         Chapter::Lung,            Chapter::Lung),
];

/// One row of the AJCC-ID tables (staging-rules §2.4): the histologies a
/// chapter stages in an edition, optionally only at some sites or from a year.
struct Staged {
    chapter: Chapter,
    edition: Edition,
    histologies: &'static [(u16, u16)],
    /// Sites staged; `None` = every site routed to the chapter.
    sites: Option<&'static [(u16, u16)]>,
    /// First diagnosis year the row applies to, if limited.
    since: Option<u16>,
}

use Chapter as C;
use Edition::{Eighth as E8, V9 as E9};

/// staging-rules §2.4, as an exhaustive list: a routed pair not listed here
/// gets `88` (`N_NOT_STAGED_BY_CHAPTER`). For the organ-general chapters only
/// the neuroendocrine histologies are listed, since netstage routes nothing else.
#[rustfmt::skip]
const AJCC_STAGED: &[Staged] = &[
    // chapter               ed   staged histologies                                                            staged sites (None = all routed)                    since
    Staged { chapter: C::NetStomach,      edition: E8, histologies: &[(8240, 8240), (8249, 8249)],                                              sites: None,                                              since: None },
    Staged { chapter: C::NetStomach,      edition: E9, histologies: &[(8153, 8153), (8156, 8156), (8240, 8242), (8249, 8249)],                  sites: None,                                              since: None },
    Staged { chapter: C::NetDuodenum,     edition: E8, histologies: &[(8153, 8153), (8156, 8156), (8158, 8158), (8240, 8240), (8249, 8249), (8683, 8683)], sites: None,                                   since: None },
    Staged { chapter: C::NetDuodenum,     edition: E9, histologies: &[(8153, 8153), (8156, 8156), (8240, 8241), (8249, 8249), (8683, 8683)],    sites: None,                                              since: None },
    Staged { chapter: C::NetAmpulla,      edition: E8, histologies: &[(8153, 8153), (8156, 8156), (8158, 8158), (8240, 8240), (8249, 8249), (8683, 8683)], sites: None,                                   since: None },
    Staged { chapter: C::NetAmpulla,      edition: E9, histologies: &[(8153, 8153), (8156, 8156), (8240, 8241), (8249, 8249), (8683, 8683)],    sites: None,                                              since: None },
    Staged { chapter: C::NetJejunumIleum, edition: E8, histologies: &[(8240, 8240), (8249, 8249)],                                              sites: Some(&[(171, 172)]),                               since: None },
    Staged { chapter: C::NetJejunumIleum, edition: E9, histologies: &[(8240, 8241), (8249, 8249)],                                              sites: Some(&[(171, 172), (178, 179)]),                   since: None },
    Staged { chapter: C::NetAppendix,     edition: E8, histologies: &[(8240, 8240), (8249, 8249)],                                              sites: None,                                              since: None },
    Staged { chapter: C::NetAppendix,     edition: E9, histologies: &[(8152, 8152), (8240, 8241), (8249, 8249)],                                sites: None,                                              since: None },
    Staged { chapter: C::NetColonRectum,  edition: E8, histologies: &[(8240, 8240), (8249, 8249)],                                              sites: None,                                              since: None },
    Staged { chapter: C::NetColonRectum,  edition: E9, histologies: &[(8152, 8152), (8240, 8241), (8249, 8249)],                                sites: None,                                              since: None },
    Staged { chapter: C::NetPancreas,     edition: E8, histologies: &[(8150, 8153), (8155, 8156), (8158, 8158), (8240, 8240), (8249, 8249)],    sites: Some(&[(250, 252), (254, 254), (257, 259)]),       since: None },
    Staged { chapter: C::NetPancreas,     edition: E9, histologies: &[(8150, 8153), (8155, 8156), (8158, 8158), (8240, 8241), (8249, 8249), (8272, 8272)], sites: Some(&[(250, 252), (254, 254), (257, 259)]), since: None },
    Staged { chapter: C::Stomach,         edition: E8, histologies: &[(8013, 8013), (8041, 8041), (8244, 8244), (8246, 8246)],                  sites: None,                                              since: None },
    // Small intestine: 8013/8041/8244 get T/N/M but no stage group (AJCC ID 18.2):
    // netstage flags them for organ-general staging (io-contract §7.4). C17.3 -> 88.
    Staged { chapter: C::SmallIntestine,  edition: E8, histologies: &[(8013, 8013), (8041, 8041), (8244, 8244)],                                sites: Some(&[(170, 172), (178, 179)]),                   since: None },
    Staged { chapter: C::AmpullaVater,    edition: E8, histologies: &[(8013, 8013), (8041, 8041), (8244, 8244), (8246, 8246)],                  sites: None,                                              since: None },
    Staged { chapter: C::Pancreas,        edition: E8, histologies: &[(8013, 8013), (8041, 8041), (8154, 8154), (8246, 8246)],                  sites: Some(&[(250, 253), (257, 259)]),                   since: None },
    Staged { chapter: C::ColonRectum,     edition: E8, histologies: &[(8013, 8013), (8041, 8041), (8154, 8154), (8246, 8246)],                  sites: None,                                              since: None },
    Staged { chapter: C::Appendix,        edition: E8, histologies: &[(8013, 8013), (8041, 8041), (8243, 8246)],                                sites: None,                                              since: None },
    Staged { chapter: C::Appendix,        edition: E9, histologies: &[(8013, 8013), (8041, 8041), (8154, 8154), (8243, 8246)],                  sites: None,                                              since: None },
    Staged { chapter: C::Lung,            edition: E8, histologies: &[(8013, 8013), (8041, 8042), (8045, 8045), (8240, 8240), (8246, 8246), (8249, 8249)], sites: None,                                   since: None },
    Staged { chapter: C::Lung,            edition: E8, histologies: &[(8044, 8044)],                                                            sites: None,                                              since: Some(2023) },
    Staged { chapter: C::Lung,            edition: E9, histologies: &[(8013, 8013), (8041, 8041), (8044, 8045), (8240, 8240), (8249, 8249)],    sites: None,                                              since: None },
];

/// True when the chapter, in that edition, stages the (site, histology) pair
/// (staging-rules §2.4).
pub fn is_staged_pair(schema: Schema, site: Site, histology: Histology, year: Year) -> bool {
    AJCC_STAGED.iter().any(|row| {
        row.chapter == schema.chapter
            && row.edition == schema.edition
            && histology.in_ranges(row.histologies)
            && row.sites.is_none_or(|s| site.in_ranges(s))
            && row.since.is_none_or(|y| matches!(year, Year::Known(k) if k >= y))
    })
}

/// Where a record goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// Not a neuroendocrine histology (`N_NOT_NEUROENDOCRINE`).
    NotNeuroendocrine,
    /// Neuroendocrine, but at a site no chapter here routes (`N_SITE_NOT_STAGED`).
    SiteNotStaged,
    /// Diagnosed before 2018 (`N_BEFORE_2018`).
    Before2018,
    /// Routed to a chapter.
    Chapter(Routed),
}

/// A record routed to a chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Routed {
    /// Chapter and edition.
    pub schema: Schema,
    /// True when the chapter stages the (site, histology) pair (§2.4).
    pub staged_pair: bool,
    /// True for histology 8272 in NET pancreas V9 (UNCERTAIN U7: flag it).
    pub uncertain_histology: bool,
}

/// Routes a record by site, histology and year (staging-rules §2, §11 step 1-3).
/// Routing never looks at grade.
pub fn route(site: Site, histology: Histology, year: Year, choice: EditionChoice) -> Route {
    let group = SiteGroup::of(site);
    let Some(&(_, net_chapter, general_chapter)) = CHAPTER_BY_SITE_GROUP.iter().find(|(g, _, _)| *g == group) else {
        return if histology.is_neuroendocrine() && histology.0 != H_8272 {
            Route::SiteNotStaged
        } else {
            Route::NotNeuroendocrine
        };
    };
    let chapter = match histology.differentiation() {
        Differentiation::Unknown => return Route::NotNeuroendocrine,
        // 8272: NET pancreas V9 only (UNCERTAIN U7); exocrine pancreas in the 8th; elsewhere not a NET.
        Differentiation::Well if histology.0 == H_8272 => {
            if group != SiteGroup::Pancreas {
                return Route::NotNeuroendocrine;
            }
            match edition_for(net_chapter, year, choice) {
                Edition::V9 => net_chapter,
                Edition::Eighth => general_chapter,
            }
        }
        Differentiation::Well if histology.in_ranges(H_NET) => net_chapter,
        _ => general_chapter,
    };
    if let Year::Known(y) = year
        && y < FIRST_YEAR
    {
        return Route::Before2018;
    }
    let schema = Schema::new(chapter, edition_for(chapter, year, choice));
    let staged_pair = is_staged_pair(schema, site, histology, year);
    Route::Chapter(Routed {
        schema,
        staged_pair,
        uncertain_histology: histology.0 == H_8272 && chapter == Chapter::NetPancreas,
    })
}

/// Histologies and sites of each chapter, for `netstage schemas`.
pub fn staged_histologies(schema: Schema) -> Vec<(u16, u16)> {
    AJCC_STAGED
        .iter()
        .filter(|r| r.chapter == schema.chapter && r.edition == schema.edition)
        .flat_map(|r| r.histologies.iter().copied())
        .collect()
}

/// Sites routed to a chapter, as topography ranges, for `netstage schemas`.
pub fn chapter_sites(chapter: Chapter) -> Vec<SiteGroup> {
    CHAPTER_BY_SITE_GROUP
        .iter()
        .filter(|(_, net, gen_)| *net == chapter || *gen_ == chapter)
        .map(|(g, _, _)| *g)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(site: u16, hist: u16, year: Option<u16>) -> Route {
        let year = year.map_or(Year::Unknown, Year::Known);
        route(Site(site), Histology(hist), year, EditionChoice::Auto)
    }

    fn schema(route: Route) -> (&'static str, bool) {
        match route {
            Route::Chapter(r) => (r.schema.name(), r.staged_pair),
            other => panic!("not routed: {other:?}"),
        }
    }

    #[test]
    fn editions_by_year_per_family() {
        let y = Year::Known;
        assert_eq!(
            edition_for(Chapter::NetStomach, y(2023), EditionChoice::Auto),
            Edition::Eighth
        );
        assert_eq!(
            edition_for(Chapter::NetStomach, y(2024), EditionChoice::Auto),
            Edition::V9
        );
        assert_eq!(
            edition_for(Chapter::Appendix, y(2022), EditionChoice::Auto),
            Edition::Eighth
        );
        assert_eq!(
            edition_for(Chapter::Appendix, y(2023), EditionChoice::Auto),
            Edition::V9
        );
        assert_eq!(
            edition_for(Chapter::Lung, y(2024), EditionChoice::Auto),
            Edition::Eighth
        );
        assert_eq!(edition_for(Chapter::Lung, y(2025), EditionChoice::Auto), Edition::V9);
        assert_eq!(
            edition_for(Chapter::Lung, Year::Unknown, EditionChoice::Auto),
            Edition::V9
        );
        assert_eq!(
            edition_for(Chapter::ColonRectum, Year::Unknown, EditionChoice::Auto),
            Edition::Eighth
        );
        assert_eq!(
            edition_for(Chapter::ColonRectum, y(2025), EditionChoice::Ninth),
            Edition::Eighth
        );
        assert_eq!(
            edition_for(Chapter::NetPancreas, y(2025), EditionChoice::Eighth),
            Edition::Eighth
        );
        assert_eq!(
            edition_for(Chapter::NetPancreas, y(2019), EditionChoice::Ninth),
            Edition::V9
        );
    }

    #[test]
    fn spec_routing_examples() {
        assert_eq!(schema(r(161, 8242, Some(2022))), ("net_stomach", false)); // E8
        assert_eq!(schema(r(161, 8242, Some(2024))), ("net_stomach_v9", true)); // E9
        assert_eq!(schema(r(170, 8158, Some(2024))), ("net_duodenum_v9", false)); // E14
        assert_eq!(schema(r(178, 8240, Some(2022))), ("net_jejunum_ileum", false)); // E25
        assert_eq!(schema(r(178, 8240, Some(2024))), ("net_jejunum_ileum_v9", true)); // E26
        assert_eq!(schema(r(181, 8152, Some(2023))), ("net_appendix", false)); // E36 note
        assert_eq!(schema(r(181, 8152, Some(2024))), ("net_appendix_v9", true)); // E36
        assert_eq!(schema(r(181, 8243, Some(2022))), ("appendix", true)); // E37
        assert_eq!(schema(r(181, 8246, Some(2023))), ("appendix_v9", true)); // E38
        assert_eq!(schema(r(182, 8244, Some(2021))), ("colon_rectum", false)); // E56
        assert_eq!(schema(r(253, 8240, Some(2021))), ("net_pancreas", false)); // E66
        assert_eq!(schema(r(254, 8246, Some(2022))), ("pancreas", false)); // E70
        assert_eq!(schema(r(162, 8154, Some(2022))), ("stomach", false)); // E74
        assert_eq!(schema(r(172, 8041, Some(2021))), ("small_intestine", true)); // E75
        assert_eq!(schema(r(170, 8246, Some(2021))), ("small_intestine", false)); // E76
        assert_eq!(schema(r(341, 8246, Some(2025))), ("lung_v9", false)); // E90
        assert_eq!(schema(r(341, 8240, Some(2021))), ("lung", true)); // E79
        assert_eq!(schema(r(160, 8240, Some(2021))), ("net_stomach", true));
        assert_eq!(schema(r(173, 8041, Some(2021))), ("small_intestine", false));
    }

    #[test]
    fn unrouted_and_early_records() {
        assert_eq!(r(162, 8140, Some(2021)), Route::NotNeuroendocrine);
        assert_eq!(r(162, 8936, Some(2021)), Route::NotNeuroendocrine);
        assert_eq!(r(739, 8240, Some(2021)), Route::SiteNotStaged);
        assert_eq!(r(739, 8140, Some(2021)), Route::NotNeuroendocrine);
        assert_eq!(r(162, 8240, Some(2017)), Route::Before2018);
        assert_eq!(r(162, 8246, Some(2017)), Route::Before2018);
        assert_eq!(schema(r(162, 8240, None)), ("net_stomach_v9", true));
    }

    #[test]
    fn histology_8272_is_net_pancreas_v9_only() {
        assert_eq!(schema(r(250, 8272, Some(2024))), ("net_pancreas_v9", true));
        assert!(matches!(
            r(250, 8272, Some(2024)),
            Route::Chapter(Routed {
                uncertain_histology: true,
                ..
            })
        ));
        assert_eq!(schema(r(250, 8272, Some(2021))), ("pancreas", false));
        assert_eq!(r(162, 8272, Some(2024)), Route::NotNeuroendocrine);
        assert_eq!(r(739, 8272, Some(2024)), Route::NotNeuroendocrine);
    }

    #[test]
    fn lung_8044_staged_in_the_8th_from_2023() {
        assert_eq!(schema(r(341, 8044, Some(2022))), ("lung", false));
        assert_eq!(schema(r(341, 8044, Some(2023))), ("lung", true));
        assert_eq!(schema(r(341, 8044, Some(2025))), ("lung_v9", true));
        assert_eq!(schema(r(341, 8042, Some(2025))), ("lung_v9", false));
    }
}
