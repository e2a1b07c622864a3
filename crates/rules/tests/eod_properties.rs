//! Property tests of the EOD basis: random records with EOD codes (valid
//! ones, lost zeros, garbage) never panic and give coherent outcomes; a path
//! or clinical stage that is a real group heads the EOD one; grades never
//! change a NET stage, from any basis.

use netstage_rules::{Basis, Field, Options, Outcome, Record, RuleSet, Status};
use proptest::prelude::*;

fn value(vocab: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(vocab).prop_map(String::from),
        1 => any::<String>(),
        1 => "[0-9A-Z ]{0,5}",
    ]
}

const SITES: &[&str] = &[
    "C162", "C170", "C241", "C172", "C181", "C187", "C209", "C251", "C341", "C739",
];
const HISTS: &[&str] = &["8240", "8249", "8241", "8150", "8153", "8246", "8013", "8041", "8140"];
const YEARS: &[&str] = &["2018", "2021", "2023", "2024", "2025", ""];
const PTS: &[&str] = &[
    "100", "200", "300", "400", "500", "600", "700", "800", "999", "000", "1", "30",
];
const RNS: &[&str] = &["000", "300", "400", "700", "800", "999", "0"];
const METS: &[&str] = &["00", "10", "20", "30", "50", "60", "70", "99", "0", "1"];
const SIZES: &[&str] = &[
    "001", "005", "010", "011", "019", "020", "021", "040", "041", "990", "998", "999", "15", "",
];
const NODES: &[&str] = &["00", "01", "03", "04", "12", "95", "97", "98", "99", "0", ""];
const GRADES: &[&str] = &["1", "2", "3", "9", "A", "C", "D", "L", "H", ""];
const TS: &[&str] = &["pT1", "pT2", "pT3", "pT4", "pTX", ""];
const NS: &[&str] = &["pN0", "pN1", "pNX", ""];

fn records() -> impl Strategy<Value = Vec<(Field, String)>> {
    (
        (value(SITES), value(HISTS), value(YEARS)),
        (value(PTS), value(RNS), value(METS), value(SIZES), value(NODES)),
        (value(GRADES), value(GRADES), value(TS), value(NS)),
    )
        .prop_map(|((site, hist, year), (pt, rn, mets, size, nodes), (gc, gp, t, n))| {
            vec![
                (Field::PrimarySite, site),
                (Field::Histology, hist),
                (Field::Year, year),
                (Field::Behavior, "3".to_string()),
                (Field::EodPrimaryTumor, pt),
                (Field::EodRegionalNodes, rn),
                (Field::EodMets, mets),
                (Field::SizeMm, size),
                (Field::NodesPositive, nodes),
                (Field::GradeClin, gc),
                (Field::GradePath, gp),
                (Field::PathT, t),
                (Field::PathN, n),
            ]
        })
}

fn stage(fields: &[(Field, String)]) -> Outcome<'_> {
    let mut rec = Record::new();
    for (f, v) in fields {
        rec.set(*f, v);
    }
    rec.size_coded = true;
    RuleSet::standard().stage(&rec, &Options::default())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn eod_records_give_coherent_outcomes(fields in records()) {
        let out = stage(&fields);
        let has_error = out.messages.iter().any(|m| m.code.as_str().starts_with("E_"));
        prop_assert_eq!(out.status == Status::Error, has_error);
        let eod_cols = [out.eod_t.is_some(), out.eod_n.is_some(), out.eod_m.is_some(), out.eod_stage.is_some(), out.ss2018.is_some()];
        // The five EOD columns come together, and only on staged or unknown-stage rows.
        prop_assert!(eod_cols.iter().all(|c| *c) || eod_cols.iter().all(|c| !*c));
        if let Some(stage) = out.eod_stage {
            // Staged or unknown-stage rows; or a small-intestine 18.2 row, whose
            // EOD stage is 88 as SEER gives it (io-contract §14.3, §19 item 6).
            let no_group = out.status == Status::NeedsGeneralStaging && stage.code() == "88";
            prop_assert!(matches!(out.status, Status::Staged | Status::UnknownStage) || no_group);
            prop_assert!(stage.code() != "88" || no_group);
        }
        if out.status == Status::NeedsGeneralStaging {
            prop_assert!(out.stage.is_none() && out.basis.is_none());
        }
        if out.basis == Some(Basis::Eod) {
            prop_assert_eq!((out.t, out.n, out.m), (out.eod_t, out.eod_n, out.eod_m));
            prop_assert_eq!(out.stage, out.eod_stage);
        }
        // A row with an EOD basis never forms the facts basis.
        if out.eod_stage.is_some() {
            prop_assert!(out.facts_stage.is_none());
        }
    }

    #[test]
    fn a_real_path_stage_heads_the_eod_stage(fields in records()) {
        let out = stage(&fields);
        if let (Some(p), Some(_)) = (out.path_stage, out.eod_stage)
            && p.is_group()
        {
            prop_assert_eq!(out.basis, Some(Basis::Path));
            prop_assert_eq!(out.stage, Some(p));
        }
    }

    #[test]
    fn grades_never_change_a_net_stage(fields in records(), gc in proptest::sample::select(GRADES), gp in proptest::sample::select(GRADES)) {
        let base = stage(&fields);
        let mut other = fields.clone();
        for (f, v) in other.iter_mut() {
            match f {
                Field::GradeClin => *v = gc.to_string(),
                Field::GradePath => *v = gp.to_string(),
                _ => {}
            }
        }
        let changed = stage(&other);
        if base.schema.is_some_and(|s| s.chapter.is_net()) {
            prop_assert_eq!(base.status, changed.status);
            prop_assert_eq!((base.stage, base.eod_stage, base.t, base.n, base.m), (changed.stage, changed.eod_stage, changed.t, changed.n, changed.m));
        }
    }
}
