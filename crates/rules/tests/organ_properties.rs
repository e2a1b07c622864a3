//! Property tests of the organ-general chapters: grades never change a stage
//! except appendix M1b (where only IVA and IVB are possible), and random
//! organ rows give coherent outcomes.

use netstage_rules::{Field, Options, Outcome, Record, RuleSet, Status};
use proptest::prelude::*;

const SITES: &[&str] = &["C162", "C160", "C241", "C172", "C181", "C187", "C250", "C209"];
const HISTS: &[&str] = &["8246", "8013", "8041", "8154", "8243", "8244"];
const TS: &[&str] = &[
    "pTX",
    "pT0",
    "pTis",
    "pT1",
    "pT1a",
    "pT1c",
    "pT2",
    "pT3",
    "pT3a",
    "pT4",
    "pT4a",
    "pT4b",
    "pTis(LAMN)",
];
const NS: &[&str] = &["pNX", "pN0", "pN1", "pN1a", "pN1c", "pN2", "pN2a", "pN2b", "pN3a"];
const MS: &[&str] = &["cM0", "cM1", "cM1a", "cM1b", "cM1c"];
const GRADES: &[&str] = &["1", "2", "3", "9", "C", ""];
const YEARS: &[&str] = &["2019", "2022", "2023", "2025"];

fn row() -> impl Strategy<Value = Vec<(Field, String)>> {
    (
        proptest::sample::select(SITES),
        proptest::sample::select(HISTS),
        proptest::sample::select(YEARS),
        proptest::sample::select(TS),
        proptest::sample::select(NS),
        proptest::sample::select(MS),
        proptest::sample::select(GRADES),
        proptest::sample::select(GRADES),
        proptest::sample::select(GRADES),
    )
        .prop_map(|(site, hist, year, t, n, m, g, gc, gp)| {
            [
                (Field::PrimarySite, site),
                (Field::Histology, hist),
                (Field::Year, year),
                (Field::Behavior, "3"),
                (Field::PathT, t),
                (Field::PathN, n),
                (Field::PathM, m),
                (Field::Grade, g),
                (Field::GradeClin, gc),
                (Field::GradePath, gp),
            ]
            .into_iter()
            .map(|(f, v)| (f, v.to_string()))
            .collect()
        })
}

fn stage(fields: &[(Field, String)]) -> Outcome<'_> {
    let mut rec = Record::new();
    for (f, v) in fields {
        rec.set(*f, v);
    }
    RuleSet::standard().stage(&rec, &Options::default())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn grades_change_only_appendix_m1b(fields in row(), g in proptest::sample::select(GRADES), gc in proptest::sample::select(GRADES), gp in proptest::sample::select(GRADES)) {
        let base = stage(&fields);
        let mut other = fields.clone();
        for (f, v) in other.iter_mut() {
            match f {
                Field::Grade => *v = g.to_string(),
                Field::GradeClin => *v = gc.to_string(),
                Field::GradePath => *v = gp.to_string(),
                _ => {}
            }
        }
        let changed = stage(&other);
        prop_assert_eq!(base.status, changed.status);
        prop_assert_eq!((base.t, base.n, base.m), (changed.t, changed.n, changed.m));
        let appendix_m1b = base.schema.is_some_and(|s| s.name().starts_with("appendix")) && base.m == Some("M1b");
        if appendix_m1b && base.status == Status::Staged {
            let code = |o: &Outcome<'_>| o.stage.map(|s| s.code());
            prop_assert!(matches!(code(&base), Some("4A" | "4B")) && matches!(code(&changed), Some("4A" | "4B")));
        } else {
            prop_assert_eq!(base.stage, changed.stage);
        }
    }

    #[test]
    fn organ_rows_are_coherent(fields in row()) {
        let out = stage(&fields);
        let has_error = out.messages.iter().any(|m| m.code.as_str().starts_with("E_"));
        prop_assert_eq!(out.status == Status::Error, has_error);
        if matches!(out.status, Status::Staged | Status::UnknownStage | Status::NeedsGeneralStaging) {
            prop_assert_eq!(out.organ_general, Some(true));
            prop_assert!(out.flagged);
        } else {
            prop_assert!(!out.flagged);
        }
        if out.status == Status::NeedsGeneralStaging {
            prop_assert!(out.stage.is_none() && out.basis.is_none() && out.path_stage.is_none());
        }
    }
}
