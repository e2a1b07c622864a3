//! Routing: which chapter and edition a record belongs to (staging-rules §2.1-§2.3)
//! and whether that chapter stages the (site, histology) pair (§2.4), all read
//! from the chapter tables (`tables/chapters.tsv`, `site_groups.tsv`,
//! `histologies.tsv`, `staged_histologies.tsv`).

use crate::chapters::{HistologyRoute, StagedPairs, tables};
use crate::histology::Histology;
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

/// The edition of a chapter for a diagnosis year.
pub fn edition_for(chapter: Chapter, year: Year, choice: EditionChoice) -> Edition {
    let Some(v9_from) = chapter.info().v9_from else {
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

/// True when the chapter, in that edition, stages the (site, histology) pair
/// (staging-rules §2.4).
pub fn is_staged_pair(schema: Schema, site: Site, histology: Histology, year: Year) -> bool {
    staged_row(schema, site, histology, year).is_some()
}

/// The staged-pair row of a (site, histology) pair, if the chapter stages it.
pub fn staged_row(schema: Schema, site: Site, histology: Histology, year: Year) -> Option<&'static StagedPairs> {
    tables().staged_rows(schema.chapter, schema.edition).find(|row| {
        histology.in_ranges(&row.histologies)
            && row.sites.as_deref().is_none_or(|s| site.in_ranges(s))
            && row.since.is_none_or(|y| matches!(year, Year::Known(k) if k >= y))
            && row.until.is_none_or(|y| matches!(year, Year::Known(k) if k <= y))
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
    /// True when the chapter gives the pair T, N and M but no stage group
    /// (small intestine 18.2).
    pub no_groups: bool,
    /// True for a `net_v9_only` histology (8272) routed to its NET chapter
    /// (UNCERTAIN U7: flag it).
    pub uncertain_histology: bool,
}

/// Routes a record by site, histology and year (staging-rules §2, §11 step 1-3).
/// Routing never looks at grade.
pub fn route(site: Site, histology: Histology, year: Year, choice: EditionChoice) -> Route {
    let group = SiteGroup::of(site);
    let hist_route = histology.route();
    let Some(info) = group.info() else {
        return match hist_route {
            Some(HistologyRoute::Net | HistologyRoute::Organ) => Route::SiteNotStaged,
            _ => Route::NotNeuroendocrine,
        };
    };
    let chapter = match hist_route {
        None => return Route::NotNeuroendocrine,
        Some(HistologyRoute::Net) => info.net_chapter,
        Some(HistologyRoute::Organ) => info.organ_chapter,
        // 8272 (U7): the NET chapter under Version 9 only, the organ chapter under
        // the 8th, and not a NET at a site group that does not route it.
        Some(HistologyRoute::NetV9Only) => {
            if !info.v9_only {
                return Route::NotNeuroendocrine;
            }
            match edition_for(info.net_chapter, year, choice) {
                Edition::V9 => info.net_chapter,
                Edition::Eighth => info.organ_chapter,
            }
        }
    };
    if let Year::Known(y) = year
        && y < FIRST_YEAR
    {
        return Route::Before2018;
    }
    let schema = Schema::new(chapter, edition_for(chapter, year, choice));
    let row = staged_row(schema, site, histology, year);
    Route::Chapter(Routed {
        schema,
        staged_pair: row.is_some(),
        no_groups: row.is_some_and(|r| !r.groups),
        uncertain_histology: hist_route == Some(HistologyRoute::NetV9Only) && chapter == info.net_chapter,
    })
}

/// Histologies and sites of each chapter, for `netstage schemas`.
pub fn staged_histologies(schema: Schema) -> Vec<(u16, u16)> {
    tables()
        .staged
        .iter()
        .filter(|r| r.chapter == schema.chapter && r.edition == schema.edition)
        .flat_map(|r| r.histologies.iter().copied())
        .collect()
}

/// Site groups routed to a chapter, for `netstage schemas`.
pub fn chapter_sites(chapter: Chapter) -> Vec<SiteGroup> {
    SiteGroup::all()
        .filter(|g| {
            g.info()
                .is_some_and(|i| i.net_chapter == chapter || i.organ_chapter == chapter)
        })
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
        let ch = |k| Chapter::from_key(k).unwrap();
        assert_eq!(
            edition_for(ch("net_stomach"), y(2023), EditionChoice::Auto),
            Edition::Eighth
        );
        assert_eq!(
            edition_for(ch("net_stomach"), y(2024), EditionChoice::Auto),
            Edition::V9
        );
        assert_eq!(
            edition_for(ch("appendix"), y(2022), EditionChoice::Auto),
            Edition::Eighth
        );
        assert_eq!(edition_for(ch("appendix"), y(2023), EditionChoice::Auto), Edition::V9);
        assert_eq!(edition_for(ch("lung"), y(2024), EditionChoice::Auto), Edition::Eighth);
        assert_eq!(edition_for(ch("lung"), y(2025), EditionChoice::Auto), Edition::V9);
        assert_eq!(edition_for(ch("lung"), Year::Unknown, EditionChoice::Auto), Edition::V9);
        assert_eq!(
            edition_for(ch("colon_rectum"), Year::Unknown, EditionChoice::Auto),
            Edition::Eighth
        );
        assert_eq!(
            edition_for(ch("colon_rectum"), y(2025), EditionChoice::Ninth),
            Edition::Eighth
        );
        assert_eq!(
            edition_for(ch("net_pancreas"), y(2025), EditionChoice::Eighth),
            Edition::Eighth
        );
        assert_eq!(
            edition_for(ch("net_pancreas"), y(2019), EditionChoice::Ninth),
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
        // Forced to the 8th edition, 8044 is staged for 2023-2024 diagnoses only (§19 item 9).
        let forced = |y| route(Site(341), Histology(8044), Year::Known(y), EditionChoice::Eighth);
        assert!(matches!(forced(2024), Route::Chapter(Routed { staged_pair: true, .. })));
        assert!(matches!(
            forced(2025),
            Route::Chapter(Routed { staged_pair: false, .. })
        ));
        assert!(matches!(
            forced(2022),
            Route::Chapter(Routed { staged_pair: false, .. })
        ));
    }
}
