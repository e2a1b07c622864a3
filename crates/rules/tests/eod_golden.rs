//! Golden vectors of the EOD derivation (`tables/tests/eod_golden.csv`):
//! SEER's own test expectations and cases worked out by hand from AJCC's
//! categories and SEER's code definitions, never read from the imported
//! tables. One data-driven test names file, line, case and column on failure.

use netstage_rules::eod::{EodAlgorithm, EodItem, EodOutput, EodProblem};
use netstage_rules::table::Scratch;

const GOLDEN: &str = include_str!("../tables/tests/eod_golden.csv");

const ITEM_COLUMNS: [(&str, EodItem); 12] = [
    ("year_dx", EodItem::YearDx),
    ("site", EodItem::Site),
    ("hist", EodItem::Hist),
    ("behavior", EodItem::Behavior),
    ("size_summary", EodItem::SizeSummary),
    ("nodes_pos", EodItem::NodesPos),
    ("eod_primary_tumor", EodItem::PrimaryTumor),
    ("eod_regional_nodes", EodItem::RegionalNodes),
    ("eod_mets", EodItem::Mets),
    ("grade_clin", EodItem::GradeClin),
    ("grade_path", EodItem::GradePath),
    ("discriminator_1", EodItem::Discriminator1),
];

const OUTPUT_COLUMNS: [(&str, EodOutput); 5] = [
    ("t", EodOutput::T),
    ("n", EodOutput::N),
    ("m", EodOutput::M),
    ("stage", EodOutput::StageGroup),
    ("ss2018", EodOutput::Ss2018),
];

fn problems_text(eod: &EodAlgorithm, problems: &[EodProblem]) -> String {
    let _ = eod;
    problems
        .iter()
        .map(|p| match p {
            EodProblem::InvalidItem(item) => format!("invalid:{}", item.key()),
            EodProblem::Rejected { items, .. } => {
                let mut keys: Vec<&str> = items.iter().map(|i| i.key()).collect();
                keys.sort_unstable();
                format!("rejected:{}", keys.join("+"))
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

#[test]
fn eod_golden_vectors() {
    let eod = EodAlgorithm::standard();
    let mut rdr = csv::Reader::from_reader(GOLDEN.as_bytes());
    let headers = rdr.headers().expect("header").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let mut failures = Vec::new();
    let mut cases = 0;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.expect("csv row");
        let line = i + 2;
        let case = &rec[col("case")];
        let schema_name = &rec[col("schema")];
        let schema = eod
            .schema(schema_name)
            .unwrap_or_else(|| panic!("eod_golden.csv line {line} ({case}): unknown schema {schema_name}"));
        let items: Vec<(EodItem, &str)> = ITEM_COLUMNS
            .iter()
            .filter(|(name, _)| !rec[col(name)].is_empty())
            .map(|(name, item)| (*item, &rec[col(name)]))
            .collect();
        let mut scratch = Scratch::new();
        let run = eod.derive(schema, &items, &mut scratch);
        let problems = problems_text(eod, &run.problems);
        let want_problems = &rec[col("problems")];
        if problems != want_problems {
            failures.push(format!(
                "line {line} ({case}) --> problems: EXPECTED '{want_problems}' ACTUAL '{problems}'"
            ));
        }
        if want_problems.is_empty() {
            for (name, output) in OUTPUT_COLUMNS {
                let (want, got) = (&rec[col(name)], run.get(output));
                if want != got {
                    failures.push(format!(
                        "line {line} ({case}) --> {name}: EXPECTED '{want}' ACTUAL '{got}'"
                    ));
                }
            }
        }
        cases += 1;
    }
    assert!(cases >= 40, "eod_golden.csv has only {cases} cases");
    assert!(failures.is_empty(), "eod_golden.csv:\n{}", failures.join("\n"));
}

#[test]
fn item_validity_follows_each_schema_code_list() {
    let eod = EodAlgorithm::standard();
    let np = eod.schema("net_pancreas").expect("net_pancreas");
    assert!(eod.is_valid(np, EodItem::PrimaryTumor, "100"));
    assert!(!eod.is_valid(np, EodItem::PrimaryTumor, "400"));
    assert!(eod.is_valid(np, EodItem::Mets, "60"));
    assert!(!eod.is_valid(np, EodItem::Mets, "30"));
    assert!(eod.is_valid(np, EodItem::GradePath, "1"));
    assert!(!eod.is_valid(np, EodItem::GradePath, "Z"));
}
