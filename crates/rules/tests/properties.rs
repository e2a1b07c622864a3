//! Property tests: random records never panic and always give a coherent
//! outcome; grade never changes a stage except appendix M1b (io-contract
//! §19 item 13), and hormone function never changes a NET stage.

use netstage_rules::{Code, EditionChoice, Field, Options, Outcome, Record, RuleSet, Status};
use proptest::prelude::*;

/// A value for one field: mostly from the vocabulary netstage reads, sometimes
/// arbitrary text.
fn value(vocab: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(vocab).prop_map(String::from),
        1 => any::<String>(),
        1 => "[0-9A-Za-z ./:;,()-]{0,12}",
    ]
}

const SITES: &[&str] = &[
    "C162", "C160", "C170", "C241", "C172", "C178", "C181", "C187", "C209", "C251", "C253", "C254", "C341", "C739",
    "250", "C25.0", "",
];
const HISTS: &[&str] = &[
    "8240", "8249/3", "8241", "8242", "8150", "8151", "8153", "8158", "8683", "8272", "8246", "8013", "8041", "8045",
    "8154", "8243", "8244", "8245", "8140", "8936",
];
const YEARS: &[&str] = &["2017", "2018", "2021", "2023", "2024", "2025", "", "9999", "20210315"];
const BEHAVIORS: &[&str] = &["3", "2", "", "0"];
const TS: &[&str] = &[
    "pT1", "T2", "cT3", "pT4", "TX", "T0", "T1a", "T1b", "T1c", "T2a", "T2b", "Tis", "T1mi", "88", "",
];
const NS: &[&str] = &["pN0", "N1", "cN2", "NX", "N2a", "N2b", "N3", "88", ""];
const MS: &[&str] = &["cM0", "M1", "M1a", "M1b", "M1c", "M1c1", "M1c2", "pM0", "88", ""];
const SIZES: &[&str] = &[
    "5", "10", "11", "19", "20", "21", "40", "41", "990", "999", "0", "10.5", "",
];
const EXTENTS: &[&str] = &[
    "submucosa",
    "muscularis_propria",
    "subserosa",
    "serosa",
    "confined",
    "mesoappendix",
    "spleen",
    "sphincter_of_oddi",
    "",
];
const NODES: &[&str] = &["0", "3", "11", "12", "95", "97", "98", "99", ""];
const METS: &[&str] = &["none", "liver", "bone", "liver;bone", "distant_nos", "unknown", ""];
/// (site, year, histologies a chapter stages in that edition): functioning
/// and non-functioning NET types that must share a stage.
type Functioning = (&'static str, &'static str, &'static [&'static str]);
const FUNCTIONING: &[Functioning] = &[
    (
        "C251",
        "2021",
        &["8150", "8151", "8152", "8153", "8155", "8156", "8158", "8240", "8249"],
    ),
    (
        "C251",
        "2024",
        &[
            "8150", "8151", "8152", "8153", "8155", "8156", "8158", "8240", "8241", "8249",
        ],
    ),
    ("C170", "2021", &["8153", "8156", "8158", "8240", "8249", "8683"]),
    ("C162", "2024", &["8153", "8156", "8240", "8241", "8242", "8249"]),
];
const GRADES: &[&str] = &["1", "2", "3", "9", "A", "B", "C", "D", "G1", ""];

fn record_values() -> impl Strategy<Value = (Vec<(Field, String)>, bool, u8)> {
    (
        (
            value(SITES),
            value(HISTS),
            value(YEARS),
            value(BEHAVIORS),
            value(GRADES),
        ),
        (value(TS), value(NS), value(MS), value(TS), value(NS), value(MS)),
        (value(SIZES), value(EXTENTS), value(NODES), value(METS), value(SIZES)),
        any::<bool>(),
        0u8..6,
    )
        .prop_map(
            |((site, hist, year, beh, grade), (pt, pn, pm, ct, cn, cm), (size, ext, nodes, mets, mass), coded, opt)| {
                let fields = vec![
                    (Field::PrimarySite, site),
                    (Field::Histology, hist),
                    (Field::Year, year),
                    (Field::Behavior, beh),
                    (Field::Grade, grade),
                    (Field::PathT, pt),
                    (Field::PathN, pn),
                    (Field::PathM, pm),
                    (Field::ClinT, ct),
                    (Field::ClinN, cn),
                    (Field::ClinM, cm),
                    (Field::SizeMm, size),
                    (Field::Extent, ext),
                    (Field::NodesPositive, nodes),
                    (Field::Metastasis, mets),
                    (Field::MesentericMassMm, mass),
                ];
                (fields, coded, opt)
            },
        )
}

fn options(opt: u8) -> Options {
    Options {
        edition: [EditionChoice::Auto, EditionChoice::Eighth, EditionChoice::Ninth][opt as usize % 3],
        strict_ajcc: opt >= 3,
    }
}

fn stage<'a>(fields: &'a [(Field, String)], coded: bool, opts: &Options) -> Outcome<'a> {
    let mut rec = Record::new();
    for (f, v) in fields {
        rec.set(*f, v);
    }
    rec.size_coded = coded;
    RuleSet::standard().stage(&rec, opts)
}

/// The outcome's stage-relevant columns: status, schema, T, N, M, stage.
type Key = (Status, [Option<&'static str>; 5]);

fn key(o: &Outcome<'_>) -> Key {
    (
        o.status,
        [o.schema.map(|s| s.name()), o.t, o.n, o.m, o.stage.map(|s| s.code())],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn random_records_give_coherent_outcomes((fields, coded, opt) in record_values()) {
        let out = stage(&fields, coded, &options(opt));
        let has_error = out.messages.iter().any(|m| m.code.as_str().starts_with("E_"));
        prop_assert_eq!(out.status == Status::Error, has_error);
        let text = out.messages.to_string();
        let parts = if text.is_empty() { 0 } else { text.split("; ").count() };
        prop_assert_eq!(parts, out.messages.len());
        match out.status {
            Status::Staged => {
                prop_assert!(out.schema.is_some() && out.t.is_some() && out.n.is_some() && out.m.is_some());
                prop_assert!(out.stage.is_some_and(|s| s.is_group()));
            }
            Status::UnknownStage => prop_assert!(out.stage.is_some_and(|s| s.is_unknown())),
            Status::NotApplicable => {
                prop_assert_eq!(out.stage.map(|s| s.code()), Some("88"));
                prop_assert_eq!((out.t, out.n, out.m), (Some("88"), Some("88"), Some("88")));
                prop_assert!(out.messages.iter().any(|m| m.code.as_str().starts_with("N_")));
            }
            Status::NeedsGeneralStaging => {
                prop_assert!(out.schema.is_some_and(|s| s.chapter.is_organ_general()));
                prop_assert!(out.stage.is_none());
            }
            Status::Error => prop_assert!(out.schema.is_none() && out.stage.is_none()),
        }
    }

    #[test]
    fn grade_never_changes_the_outcome((fields, coded, opt) in record_values(), g in proptest::sample::select(GRADES)) {
        let opts = options(opt);
        let base = stage(&fields, coded, &opts);
        let mut other = fields.clone();
        for (f, v) in other.iter_mut() {
            if *f == Field::Grade {
                *v = g.to_string();
            }
        }
        let changed = stage(&other, coded, &opts);
        // The one exception (io-contract §15, §19 item 13): in the appendix
        // carcinoma chapters the grade decides M1b.
        let appendix_m1b = |o: &Outcome<'_>| {
            o.schema.is_some_and(|s| s.name().starts_with("appendix")) && o.m == Some("M1b")
        };
        if appendix_m1b(&base) || appendix_m1b(&changed) {
            return Ok(());
        }
        prop_assert_eq!(key(&base), key(&changed));
        // Only the grade-conflict warning may differ.
        let codes = |o: &Outcome<'_>| o.messages.iter().map(|m| m.code).filter(|c| *c != Code::WGradeConflict).collect::<Vec<_>>();
        prop_assert_eq!(codes(&base), codes(&changed));
    }

    /// Hormone function is coded in the histology: a chapter that stages
    /// several functioning types gives them all the same stage.
    #[test]
    fn hormone_function_never_changes_a_net_stage(
        (fields, coded, opt) in record_values(),
        pair in proptest::sample::select(FUNCTIONING),
    ) {
        let (site, year, hists) = pair;
        let opts = Options { edition: EditionChoice::Auto, strict_ajcc: opt >= 3 };
        let with = |h: &str| -> Vec<(Field, String)> {
            let mut v: Vec<(Field, String)> = fields
                .iter()
                .filter(|(f, _)| !matches!(f, Field::PrimarySite | Field::Histology | Field::Year | Field::Behavior))
                .cloned()
                .collect();
            v.extend([
                (Field::PrimarySite, site.to_string()),
                (Field::Histology, h.to_string()),
                (Field::Year, year.to_string()),
                (Field::Behavior, "3".to_string()),
            ]);
            v
        };
        let first = with(hists[0]);
        let base = stage(&first, coded, &opts);
        for h in &hists[1..] {
            let other = with(h);
            let o = stage(&other, coded, &opts);
            prop_assert_eq!(key(&base), key(&o), "histology {} vs {}", hists[0], h);
        }
    }
}
