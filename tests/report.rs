//! report.html (io-contract §17, §20 items 10-16): a well-formed page with
//! no reference outside itself and no script, an SVG per chart, numbers
//! equal to summary.json's, suppression, and no value of any record.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

use crate::util::{Dir, column, netstage, sample};

/// One parsed table: caption and rows of cell texts (header row included).
struct Table {
    caption: String,
    rows: Vec<Vec<String>>,
}

/// Parses the page as XML (it is written well-formed, so an HTML parser
/// reads it the same way), returning its tables and the number of `svg`
/// elements; panics with the position on any syntax error.
fn parse(html: &str) -> (Vec<Table>, usize) {
    let mut r = Reader::from_str(html);
    let mut tables = Vec::new();
    let (mut svgs, mut in_caption, mut in_cell) = (0, false, false);
    let mut text = String::new();
    loop {
        let event = r
            .read_event()
            .unwrap_or_else(|e| panic!("report.html at {}: {e}", r.buffer_position()));
        match event {
            Event::Start(e) => match e.name().0 {
                "svg" => svgs += 1,
                "table" => tables.push(Table {
                    caption: String::new(),
                    rows: Vec::new(),
                }),
                "caption" => {
                    in_caption = true;
                    text.clear();
                }
                "tr" => tables.last_mut().expect("tr in a table").rows.push(Vec::new()),
                "td" | "th" => {
                    in_cell = true;
                    text.clear();
                }
                _ => {}
            },
            Event::End(e) => match e.name().0 {
                "caption" => {
                    in_caption = false;
                    tables.last_mut().expect("caption in a table").caption = text.clone();
                }
                "td" | "th" if in_cell => {
                    in_cell = false;
                    let t = tables.last_mut().expect("cell in a table");
                    t.rows.last_mut().expect("cell in a row").push(text.clone());
                }
                _ => {}
            },
            Event::Text(t) if in_cell || in_caption => text.push_str(&t.into_inner()),
            Event::GeneralRef(g) if in_cell || in_caption => {
                let name = g.into_inner();
                text.push_str(match name.as_ref() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    _ => "?",
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (tables, svgs)
}

fn table<'a>(tables: &'a [Table], caption: &str) -> &'a Table {
    tables
        .iter()
        .find(|t| t.caption == caption)
        .unwrap_or_else(|| panic!("no table {caption:?}"))
}

/// A table's cell by row label and column header.
fn cell<'a>(t: &'a Table, row: &str, col: &str) -> &'a str {
    let c = t.rows[0]
        .iter()
        .position(|h| h == col)
        .unwrap_or_else(|| panic!("no column {col} in {}", t.caption));
    let r = t
        .rows
        .iter()
        .find(|r| r[0] == row)
        .unwrap_or_else(|| panic!("no row {row} in {}", t.caption));
    &r[c]
}

fn number(s: &str) -> u64 {
    s.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

fn run(d: &Dir, name: &str, extra: &[&str]) -> (String, Value) {
    let out = d.path().join(name).display().to_string();
    let (reg, eod) = (sample("registry_export.csv"), sample("eod_export.csv"));
    let mut args = vec!["stage", "--quiet", "-o", out.as_str()];
    args.extend_from_slice(extra);
    args.extend([reg.as_str(), eod.as_str()]);
    netstage(&args, None).expect_code(0);
    let html = d.read(&format!("{name}/report.html"));
    let json: Value = serde_json::from_str(&d.read(&format!("{name}/summary.json"))).unwrap();
    (html, json)
}

#[test]
fn report_is_self_contained_and_matches_the_summary() {
    let d = Dir::new();
    let (html, summary) = run(&d, "out", &[]);
    for banned in [
        "http:",
        "https:",
        "src=",
        "href=",
        "url(",
        "<script",
        "@font-face",
        "@import",
    ] {
        assert!(!html.contains(banned), "report.html holds {banned:?}");
    }
    let (tables, svgs) = parse(&html);
    assert!(svgs >= 3, "only {svgs} charts");

    let status = table(&tables, "Rows by status");
    for s in [
        "staged",
        "unknown_stage",
        "needs_general_staging",
        "not_applicable",
        "error",
    ] {
        let want = summary["rows"][s].as_u64().unwrap();
        assert_eq!(number(cell(status, &s.replace('_', " "), "rows")), want, "status {s}");
    }
    assert_eq!(
        number(cell(status, "total", "rows")),
        summary["rows"]["read"].as_u64().unwrap()
    );

    let stage = table(&tables, "Stage group by site group");
    for (site, stages) in summary["by_site_stage"].as_object().unwrap() {
        let total: u64 = stages.as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(number(cell(stage, site, "total")), total, "site {site}");
        for (st, n) in stages.as_object().unwrap() {
            assert_eq!(
                number(cell(stage, site, &st.replace('_', " "))),
                n.as_u64().unwrap(),
                "{site} {st}"
            );
        }
    }

    let bases = table(&tables, "Rows by headline basis");
    for (b, n) in summary["by_basis"].as_object().unwrap() {
        assert_eq!(number(cell(bases, b, "rows")), n.as_u64().unwrap(), "basis {b}");
    }
    let ss = table(&tables, "Summary Stage 2018 by site group");
    for (site, codes) in summary["by_site_ss2018"].as_object().unwrap() {
        let total: u64 = codes.as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(number(cell(ss, site, "total")), total, "ss2018 {site}");
    }
    let rec = table(&tables, "Recorded stage against the computed stage, by site group");
    for (site, classes) in summary["recorded_by_site"].as_object().unwrap() {
        for (c, n) in classes.as_object().unwrap() {
            assert_eq!(
                number(cell(rec, site, &c.replace('_', " "))),
                n.as_u64().unwrap(),
                "recorded {site} {c}"
            );
        }
    }
    let flagged = table(&tables, "Organ-general rows by site group and status");
    for (site, statuses) in summary["flagged_by_site_status"].as_object().unwrap() {
        for (s, n) in statuses.as_object().unwrap() {
            assert_eq!(
                number(cell(flagged, site, &s.replace('_', " "))),
                n.as_u64().unwrap(),
                "flagged {site} {s}"
            );
        }
    }
    let errors = table(&tables, "Error rows by field");
    for (f, n) in summary["errors_by_field"].as_object().unwrap() {
        assert_eq!(number(cell(errors, f, "rows")), n.as_u64().unwrap(), "errors {f}");
    }
    // Staged cases by year: every site's staged rows in a year, from by_site_year.
    let years = table(&tables, "Staged cases by diagnosis year");
    let by_year = summary["by_site_year"].as_object().unwrap();
    let staged_in = |site: &str, year: &str| -> u64 {
        by_year[site][year]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "Unknown" | "N/A" | "needs_general_staging" | "error"))
                    .map(|(_, v)| v.as_u64().unwrap())
                    .sum()
            })
            .unwrap_or(0)
    };
    for row in &years.rows[1..years.rows.len() - 1] {
        for (i, site) in years.rows[0].iter().enumerate().skip(1) {
            if site != "total" {
                assert_eq!(number(&row[i]), staged_in(site, &row[0]), "year {} site {site}", row[0]);
            }
        }
    }
}

#[test]
fn suppression_hides_small_counts_in_the_report_only() {
    let d = Dir::new();
    let (plain_html, plain) = run(&d, "plain", &[]);
    let (html, suppressed) = run(&d, "suppressed", &["--suppress-below", "5"]);
    let strip = |mut v: Value| {
        v["seconds"] = 0.into();
        v["rows_per_second"] = 0.into();
        v
    };
    assert_eq!(strip(plain), strip(suppressed), "summary.json must not be suppressed");
    assert!(html.contains("&lt;5"));
    let (tables, _) = parse(&html);
    for t in &tables {
        for row in &t.rows[1..] {
            for c in &row[1..] {
                if let Ok(n) = c.replace(',', "").parse::<u64>() {
                    assert!(n == 0 || n >= 5, "{} shows {n}", t.caption);
                }
            }
        }
    }
    assert!(!plain_html.contains("&lt;5"));
    let bad = netstage(
        &[
            "stage",
            "--suppress-below",
            "1",
            "-o",
            &d.out(),
            &sample("eod_export.csv"),
        ],
        None,
    );
    bad.expect_code(64);
}

#[test]
fn report_holds_no_record_value_and_no_report_skips_it() {
    let d = Dir::new();
    let (html, _) = run(&d, "out", &[]);
    let reg = std::fs::read_to_string(sample("registry_export.csv")).unwrap();
    let eod = std::fs::read_to_string(sample("eod_export.csv")).unwrap();
    for id in column(&reg, "record_id")
        .iter()
        .chain(column(&eod, "Patient ID").iter())
    {
        assert!(!html.contains(id.as_str()), "record id {id} in report.html");
    }
    let out = d.path().join("none").display().to_string();
    netstage(
        &["stage", "--quiet", "--no-report", "-o", &out, &sample("eod_export.csv")],
        None,
    )
    .expect_code(0);
    assert!(!d.exists("none/report.html") && d.exists("none/summary.json"));
    // A failed run writes no report either.
    let failed = d.path().join("failed").display().to_string();
    netstage(
        &["stage", "--quiet", "--strict", "-o", &failed, &sample("eod_export.csv")],
        None,
    )
    .expect_code(65);
    assert!(!d.exists("failed/report.html"));
}

/// io-contract §20 item 16: a run without rows draws no chart; each
/// section says so in one line.
#[test]
fn a_run_without_rows_draws_no_chart() {
    let d = Dir::new();
    let input = d.write("empty.csv", "site,histology,year\n");
    let out = d.out();
    netstage(&["stage", "--quiet", "-o", &out, &input], None).expect_code(0);
    let html = d.read("out/report.html");
    let (_, svgs) = parse(&html);
    assert_eq!(svgs, 0, "{html}");
    assert!(html.contains("<p class=\"empty\">No rows.</p>"), "{html}");
}
