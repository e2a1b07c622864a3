//! Hostile files: whatever a file holds, the run either stops with a clear
//! run-level error and its exit code, or writes one row per data row, with
//! `error` rows naming the field and value. Never a panic, never a lost row.

use crate::util::{Dir, column, csv_rows, netstage};

const HEADER: &str = "record_id,primary_site,histology,behavior,year,path_t,path_n,path_m,sex\n";
const GOOD: &str = "ok,C162,8240,3,2021,pT1,pN0,cM0,F\n";

fn json(d: &Dir) -> serde_json::Value {
    serde_json::from_str(&d.read("out/summary.json")).unwrap()
}

/// Runs a CSV body, expects exit 0 and `rows` output rows, returns stages.csv.
fn run_ok(d: &Dir, body: &[u8], rows: usize) -> String {
    let f = d.write("in.csv", body);
    let run = netstage(&["stage", &f, "-o", &d.out(), "--quiet"], None);
    run.expect_code(0);
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    let stages = d.read("out/stages.csv");
    assert_eq!(column(&stages, "row").len(), rows);
    let j = json(d);
    assert_eq!(j["rows"]["read"], rows as u64);
    assert_eq!(j["rows"]["written"], rows as u64);
    stages
}

#[test]
fn quoted_fields_with_separators_quotes_and_newlines_survive() {
    let d = Dir::new();
    let body = format!(
        "{HEADER}\"a,b\",C162,8240,3,2021,pT1,pN0,cM0,F\n\"multi\nline \"\"id\"\"\",C162,8240,3,2021,pT1,pN0,cM0,F\r\n{GOOD}"
    );
    let stages = run_ok(&d, body.as_bytes(), 3);
    assert_eq!(column(&stages, "record_id"), vec!["a,b", "multi\nline \"id\"", "ok"]);
    assert_eq!(column(&stages, "status"), vec!["staged", "staged", "staged"]);
    // Every output record has the same number of fields.
    let width = netstage::write::columns::Layout::default().header().len();
    assert!(csv_rows(&stages).iter().all(|r| r.len() == width));
}

#[test]
fn latin1_bytes_in_a_used_field_are_an_error_row_and_in_an_unused_one_are_ignored() {
    let d = Dir::new();
    let mut body = HEADER.as_bytes().to_vec();
    body.extend_from_slice(b"r1,C162,8240,3,2021,pT1,pN0,cM0,f\xe9minin\n"); // unused column
    body.extend_from_slice(b"r2,C162,8240,3,2021,pT\xb91,pN0,cM0,F\n"); // used column
    body.extend_from_slice(GOOD.as_bytes());
    let stages = run_ok(&d, &body, 3);
    assert_eq!(column(&stages, "status"), vec!["staged", "error", "staged"]);
    assert_eq!(
        column(&stages, "messages")[1],
        "E_RECORD: path_t has bytes that are not UTF-8"
    );
}

#[test]
fn a_one_megabyte_cell_is_read_and_quoted_cut_to_40_characters() {
    let d = Dir::new();
    let huge = "x".repeat(1 << 20);
    let body = format!("{HEADER}r1,C162,{huge},3,2021,pT1,pN0,cM0,F\nr2,C162,8240,3,2021,pT1,pN0,cM0,{huge}\n{GOOD}");
    let stages = run_ok(&d, body.as_bytes(), 3);
    assert_eq!(column(&stages, "status"), vec!["error", "staged", "staged"]);
    let msg = &column(&stages, "messages")[0];
    assert_eq!(
        msg,
        &format!(
            "E_HISTOLOGY: histology '{}...' is not a 4-digit ICD-O-3 code",
            "x".repeat(40)
        )
    );
}

#[test]
fn short_long_and_blank_rows_keep_the_row_count() {
    let d = Dir::new();
    let body = format!("{HEADER}\n\nr1,C162\n{GOOD}r3,C162,8240,3,2021,pT1,pN0,cM0,F,extra,extra\n\n");
    let stages = run_ok(&d, body.as_bytes(), 3);
    assert_eq!(column(&stages, "status"), vec!["error", "staged", "error"]);
    assert_eq!(column(&stages, "row"), vec!["1", "2", "3"]);
}

#[test]
fn an_unclosed_quote_becomes_one_error_row_not_a_crash() {
    let d = Dir::new();
    let body = format!("{HEADER}{GOOD}\"r2,C162,8240,3,2021,pT1,pN0,cM0,F\n{GOOD}");
    // The open quote swallows the rest of the file into one field: one short record.
    let stages = run_ok(&d, body.as_bytes(), 2);
    assert_eq!(column(&stages, "status"), vec!["staged", "error"]);
    assert!(column(&stages, "messages")[1].starts_with("E_RECORD: record has 1 fields"));
}

#[test]
fn every_bad_value_kind_gets_its_code() {
    let d = Dir::new();
    let header = "primary_site,histology,behavior,year,path_t,path_n,path_m,size_mm,size_cm,extent,nodes_positive,metastasis,multiple_tumors,t_suffix\n";
    let cases = [
        ("C16X,8240,3,2021,pT1,pN0,cM0,,,,,,,", "E_SITE"),
        ("C162,82x0,3,2021,pT1,pN0,cM0,,,,,,,", "E_HISTOLOGY"),
        ("C162,8240,9,2021,pT1,pN0,cM0,,,,,,,", "E_BEHAVIOR"),
        ("C162,8240,3,21X1,pT1,pN0,cM0,,,,,,,", "E_YEAR"),
        ("C162,8240,3,2021,pT7,pN0,cM0,,,,,,,", "E_T"),
        ("C162,8240,3,2021,pT1,pN7,cM0,,,,,,,", "E_N"),
        ("C162,8240,3,2021,pT1,pN0,cMX,,,,,,,", "E_M"),
        ("C250,8240,3,2021,pT1mi,pN0,cM0,,,,,,,", "E_CATEGORY"),
        ("C162,8240,3,2021,pTis,pN0,cM0,,,,,,,", "E_CATEGORY"),
        ("C341,8240,3,2021,pT1a,pN2a,cM0,,,,,,,", "E_CATEGORY"),
        ("C341,8240,3,2021,pT1a,pN0,cM1c1,,,,,,,", "E_CATEGORY"),
        ("C162,8240,3,2021,pT1,pN0,cM0,,,,,,,(s)", "E_SUFFIX"),
        ("C162,8240,3,2021,,,,12,2.5,submucosa,0,none,,", "E_SIZE"),
        ("C162,8240,3,2021,,,,ten,,submucosa,0,none,,", "E_SIZE"),
        ("C162,8240,3,2021,,,,5,,submucosa,91,none,,", "E_NODES"),
        ("C162,8240,3,2021,,,,5,,submucosa,92,none,,", "E_NODES"),
        ("C162,8240,3,2021,,,,5,,submucosa,93,none,,", "E_NODES"),
        ("C162,8240,3,2021,,,,5,,submucosa,94,none,,", "E_NODES"),
        ("C162,8240,3,2021,,,,5,,submucosa,0,moon,,", "E_METASTASIS"),
        ("C162,8240,3,2021,,,,5,,mesoappendix,0,none,,", "E_EXTENT"),
        ("C162,8240,3,2021,,,,5,,submucosa,0,none,lots,", "E_MULTIPLE"),
    ];
    let body: String = std::iter::once(header.to_string())
        .chain(cases.iter().map(|(r, _)| format!("{r}\n")))
        .collect();
    let stages = run_ok(&d, body.as_bytes(), cases.len());
    let statuses = column(&stages, "status");
    let messages = column(&stages, "messages");
    for (i, (row, code)) in cases.iter().enumerate() {
        assert_eq!(statuses[i], "error", "{row}");
        assert!(messages[i].starts_with(&format!("{code}: ")), "{row}: {}", messages[i]);
    }
    // Coded size column: Collaborative Stage codes 991-995 are errors.
    let coded = "primarySite,histologicTypeIcdO3,dateOfDiagnosis,tumorSizeSummary\n";
    let body: String = std::iter::once(coded.to_string())
        .chain((991..=995).map(|c| format!("C162,8240/3,2021,{c}\n")))
        .collect();
    let stages = run_ok(&d, body.as_bytes(), 5);
    for m in column(&stages, "messages") {
        assert!(m.starts_with("E_SIZE: size_mm '99"), "{m}");
    }
}
