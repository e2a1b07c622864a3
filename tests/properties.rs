//! Property tests over whole files, through the library's `run`: every input
//! row gives exactly one output row, and the bytes do not depend on the
//! number of threads.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use netstage::read::columns::ColumnOverrides;
use netstage::{OutputFormat, RunConfig};
use netstage_rules::Options;
use proptest::prelude::*;

use crate::util::{Dir, column};

const HEADER: &[&str] = &[
    "record_id",
    "primary_site",
    "histology",
    "year",
    "path_t",
    "path_n",
    "path_m",
    "size_mm",
    "extent",
    "nodes_positive",
    "metastasis",
    "grade",
    "note",
];

/// A cell: a plausible value, or hostile text (quotes, separators, newlines,
/// non-ASCII), or blank.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(&["C162", "C25.0", "250", "8240", "8249/3", "8246", "2021", "2024", "", "pT1", "pN0", "cM0", "T2", "N1", "M1a", "12", "submucosa", "none", "liver", "0", "3", "C"][..]).prop_map(String::from),
        1 => "[a-z0-9 ,;\"\\n\\r\u{e9}-]{0,8}",
    ]
}

/// A row: usually the header's width, sometimes shorter or longer.
fn row() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        6 => proptest::collection::vec(cell(), HEADER.len()),
        1 => proptest::collection::vec(cell(), 1..HEADER.len() + 3),
    ]
}

fn csv_text(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    w.write_record(HEADER).unwrap();
    for r in rows {
        // A record of one empty field would be written as a blank line, which
        // is not a record: give it a value.
        if r.len() == 1 && r[0].is_empty() {
            w.write_record(["x"]).unwrap();
        } else {
            w.write_record(r).unwrap();
        }
    }
    w.into_inner().unwrap()
}

fn run(input: &Path, out: &Path, threads: usize) {
    let cfg = RunConfig {
        rules: netstage_rules::RuleSet::standard(),
        report: None,
        inputs: vec![input.display().to_string()],
        out_dir: out.to_path_buf(),
        output_format: OutputFormat::Csv,
        options: Options::default(),
        strict: false,
        max_errors: None,
        threads,
        overrides: ColumnOverrides::default(),
        keep_columns: true,
        input_format: None,
    };
    netstage::run(&cfg, &Arc::new(AtomicUsize::new(0)), &|_, _| {}).expect("run succeeds");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn one_output_row_per_input_row_for_any_thread_count(rows in proptest::collection::vec(row(), 0..60)) {
        let d = Dir::new();
        let text = csv_text(&rows);
        let input = d.path().join("in.csv");
        std::fs::write(&input, &text).unwrap();
        let records = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_slice()).byte_records().count();
        run(&input, &d.path().join("t1"), 1);
        run(&input, &d.path().join("t2"), 2);
        let one = d.read("t1/stages.csv");
        prop_assert_eq!(column(&one, "row").len(), records);
        let expected: Vec<String> = (1..=records).map(|i| i.to_string()).collect();
        prop_assert_eq!(column(&one, "row"), expected);
        for f in ["stages.csv", "flagged.csv", "summary.csv"] {
            prop_assert_eq!(d.read(&format!("t1/{f}")), d.read(&format!("t2/{f}")), "{}", f);
        }
        let j: serde_json::Value = serde_json::from_str(&d.read("t1/summary.json")).unwrap();
        prop_assert_eq!(j["rows"]["read"].as_u64(), Some(records as u64));
        prop_assert_eq!(j["rows"]["written"].as_u64(), Some(records as u64));
    }
}
