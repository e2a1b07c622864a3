//! Data-driven golden tests: every `tables/tests/records/*.csv` file holds one case per
//! line, with the contract's input fields and the exact expected output.
//!
//! Columns: `case`, any canonical input field name (`primary_site`, `path_t`,
//! ...), `size_coded` (`y` = size_mm is the NAACCR 756 column), `opt_edition`
//! (blank/`8`/`9`), `opt_strict_ajcc` (`y`), then `expect_*` columns:
//! `status schema schema_id edition t n m t_suffix stage basis eod_t eod_n
//! eod_m eod_stage ss2018 codes`
//! (`codes` = the exact set of message codes, `;`-separated), and `note`.

use std::collections::BTreeSet;
use std::path::Path;

use netstage_rules::{EditionChoice, Field, Options, Outcome, Record, RuleSet};

fn actual(out: &Outcome<'_>, column: &str) -> String {
    match column {
        "status" => out.status.name().to_string(),
        "schema" => out.schema.map_or("", |s| s.name()).to_string(),
        "schema_id" => out.schema.map_or("", |s| s.id()).to_string(),
        "edition" => out.schema.map_or("", |s| s.edition.code()).to_string(),
        "t" => out.t.unwrap_or("").to_string(),
        "n" => out.n.unwrap_or("").to_string(),
        "m" => out.m.unwrap_or("").to_string(),
        "t_suffix" => if out.t_suffix { "(m)" } else { "" }.to_string(),
        "stage" => out.stage.map_or("", |s| s.code()).to_string(),
        "basis" => out.basis.map_or("", |b| b.name()).to_string(),
        "eod_t" => out.eod_t.unwrap_or("").to_string(),
        "eod_n" => out.eod_n.unwrap_or("").to_string(),
        "eod_m" => out.eod_m.unwrap_or("").to_string(),
        "eod_stage" => out.eod_stage.map_or("", |s| s.code()).to_string(),
        "ss2018" => out.ss2018.unwrap_or("").to_string(),
        "codes" => {
            let set: BTreeSet<&str> = out.messages.iter().map(|m| m.code.as_str()).collect();
            set.into_iter().collect::<Vec<_>>().join(";")
        }
        other => panic!("unknown expect column {other}"),
    }
}

fn normalise_codes(s: &str) -> String {
    let set: BTreeSet<&str> = s.split(';').map(str::trim).filter(|c| !c.is_empty()).collect();
    set.into_iter().collect::<Vec<_>>().join(";")
}

/// Runs one golden file; returns (cases run, failure lines).
fn run_file(path: &Path) -> (usize, Vec<String>) {
    let mut rdr = csv::Reader::from_path(path).expect("golden file opens");
    let headers = rdr.headers().expect("header").clone();
    let rules = RuleSet::standard();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (i, row) in rdr.records().enumerate() {
        let row = row.expect("golden row parses");
        let line = i + 2;
        let get = |name: &str| headers.iter().position(|h| h == name).map_or("", |p| &row[p]);
        let mut rec = Record::new();
        for (h, v) in headers.iter().zip(row.iter()) {
            if let Some(f) = Field::from_name(h) {
                rec.set(f, v);
            }
        }
        rec.size_coded = get("size_coded") == "y";
        let opts = Options {
            edition: match get("opt_edition") {
                "8" => EditionChoice::Eighth,
                "9" => EditionChoice::Ninth,
                "" => EditionChoice::Auto,
                other => panic!("line {line}: bad opt_edition {other}"),
            },
            strict_ajcc: get("opt_strict_ajcc") == "y",
        };
        let out = rules.stage(&rec, &opts);
        cases += 1;
        // The messages column must split back into its messages on "; ".
        let text = out.messages.to_string();
        let parts = if text.is_empty() { 0 } else { text.split("; ").count() };
        if parts != out.messages.len() {
            failures.push(format!("line {line}: messages do not split on '; ': {text}"));
        }
        for h in headers.iter().filter_map(|h| h.strip_prefix("expect_")) {
            let mut want = get(&format!("expect_{h}")).to_string();
            let mut got = actual(&out, h);
            if h == "codes" {
                want = normalise_codes(&want);
                got = normalise_codes(&got);
            }
            if want != got {
                failures.push(format!(
                    "{}:{line} case {} --> {h}: EXPECTED '{want}' ACTUAL '{got}' (messages: {})",
                    path.file_name().unwrap().to_string_lossy(),
                    get("case"),
                    out.messages
                ));
            }
        }
    }
    (cases, failures)
}

#[test]
fn golden_vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tables/tests/records");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no golden files in {}", dir.display());
    let mut total = 0;
    let mut failures = Vec::new();
    for f in &files {
        let (n, mut fails) = run_file(f);
        assert!(n > 0, "{} has no cases", f.display());
        total += n;
        failures.append(&mut fails);
    }
    assert!(
        failures.is_empty(),
        "{} of {total} golden checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("golden: {total} cases in {} files passed", files.len());
}
