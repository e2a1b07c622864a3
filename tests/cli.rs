//! Exit codes, flags, row accounting and malformed input, through the binary.

use std::io::Write;

use crate::util::{Dir, OUTPUT_FILES, column, csv_rows, netstage, sample};

const HEADER: &str = "record_id,primary_site,histology,behavior,year,path_t,path_n,path_m\n";

fn json(dir: &Dir) -> serde_json::Value {
    serde_json::from_str(&dir.read("out/summary.json")).expect("summary.json parses")
}

#[test]
fn sample_run_accounts_for_every_row() {
    let d = Dir::new();
    let run = netstage(&["stage", &sample("registry_export.csv"), "-o", &d.out()], None);
    run.expect_code(0);
    let stages = d.read("out/stages.csv");
    let rows = column(&stages, "row");
    assert_eq!(rows.len(), 3000);
    assert!(rows.iter().enumerate().all(|(i, r)| r == &(i + 1).to_string()));
    let j = json(&d);
    let r = &j["rows"];
    assert_eq!(r["read"], 3000);
    assert_eq!(r["written"], 3000);
    let sum: u64 = [
        "staged",
        "unknown_stage",
        "needs_general_staging",
        "not_applicable",
        "error",
    ]
    .iter()
    .map(|k| r[k].as_u64().unwrap())
    .sum();
    assert_eq!(sum, 3000);
    assert_eq!(j["inputs"][0]["rows"], 3000);
    assert_eq!(j["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    // flagged.csv holds exactly the staged, unknown-stage and needs-general
    // rows of organ-general and lung chapters (io-contract §19 item 17).
    let flagged = d.read("out/flagged.csv");
    let og = column(&stages, "organ_general")
        .iter()
        .zip(column(&stages, "status"))
        .filter(|(o, s)| *o == "true" && matches!(s.as_str(), "staged" | "unknown_stage" | "needs_general_staging"))
        .count();
    assert_eq!(column(&flagged, "row").len(), og);
    assert_eq!(csv_rows(&flagged)[0], csv_rows(&stages)[0]);
    // summary.csv counts add up to the rows.
    let total: u64 = column(&d.read("out/summary.csv"), "count")
        .iter()
        .map(|c| c.parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 3000);
    assert!(run.stdout().contains("total"), "{}", run.stdout());
    assert!(run.stdout().contains("3000 rows: "), "{}", run.stdout());
}

#[test]
fn quiet_prints_nothing_on_success() {
    let d = Dir::new();
    let run = netstage(
        &["stage", "--quiet", &sample("naaccr_xml_ids.csv"), "-o", &d.out()],
        None,
    );
    run.expect_code(0);
    assert_eq!(run.stdout(), "");
    assert_eq!(run.stderr(), "");
    assert!(d.exists("out/stages.csv"));
}

#[test]
fn bad_flags_exit_64() {
    let d = Dir::new();
    let f = sample("naaccr_xml_ids.csv");
    for args in [
        vec!["stage", &f, "--edition", "7"],
        vec!["stage", &f, "--nope"],
        vec!["stage", &f, "--threads", "0"],
        vec!["stage"],
        vec!["stage", &f, "--map", "x=not_a_field"],
        vec!["frobnicate"],
    ] {
        let mut a = args.clone();
        let out = d.out();
        a.extend(["-o", &out]);
        netstage(&a, None).expect_code(64);
        assert!(!d.exists("out/stages.csv"), "{args:?}");
    }
    netstage(&["--help"], None).expect_code(0);
    let help = netstage(&["stage", "--help"], None);
    help.expect_code(0);
    assert!(help.stdout().contains("Exit status"), "{}", help.stdout());
}

#[test]
fn missing_input_exits_66_and_writes_nothing() {
    let d = Dir::new();
    let run = netstage(&["stage", "/nonexistent/x.csv", "-o", &d.out()], None);
    run.expect_code(66);
    assert!(run.stderr().contains("/nonexistent/x.csv"), "{}", run.stderr());
    assert!(!d.exists("out/stages.csv"));
}

#[test]
fn missing_required_columns_exit_65_naming_what_was_found() {
    let d = Dir::new();
    let f = d.write("a.csv", "id,site,year\n1,C250,2021\n");
    let run = netstage(&["stage", &f, "-o", &d.out()], None);
    run.expect_code(65);
    assert!(
        run.stderr().contains("histology") && run.stderr().contains(r#""id", "site", "year""#),
        "{}",
        run.stderr()
    );
    assert!(!d.exists("out/stages.csv"));
}

#[test]
fn ambiguous_columns_exit_65_unless_mapped() {
    let d = Dir::new();
    let f = d.write("a.csv", "site,primarySite,histology,year\nC162,C250,8240,2021\n");
    let run = netstage(&["stage", &f, "-o", &d.out()], None);
    run.expect_code(65);
    assert!(
        run.stderr().contains("both resolve to field primary_site"),
        "{}",
        run.stderr()
    );
    netstage(
        &["stage", &f, "-o", &d.out(), "--map", "primarySite=primary_site"],
        None,
    )
    .expect_code(0);
    assert_eq!(column(&d.read("out/stages.csv"), "site_group"), vec!["pancreas"]);
}

#[test]
fn empty_file_exits_65_and_header_only_gives_empty_outputs() {
    let d = Dir::new();
    let empty = d.write("empty.csv", "");
    netstage(&["stage", &empty, "-o", &d.out()], None).expect_code(65);
    assert!(!d.exists("out/stages.csv"));
    let header_only = d.write("h.csv", HEADER);
    netstage(&["stage", &header_only, "-o", &d.out()], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    assert_eq!(stages.lines().count(), 1);
    assert!(stages.starts_with("row,record_id,"));
    assert_eq!(d.read("out/flagged.csv").lines().count(), 1);
    assert_eq!(
        d.read("out/summary.csv"),
        "site_group,schema,edition,status,stage,count\n"
    );
    assert_eq!(json(&d)["rows"]["read"], 0);
}

/// A failed run into a directory it had to create removes it again (and
/// the parents it created); a directory that was there stays.
#[test]
fn a_failed_run_removes_the_directories_it_created() {
    let d = Dir::new();
    let f = sample("registry_export.csv");
    let nested = d.path().join("new").join("nightly");
    let run = netstage(&["stage", &f, "-o", &nested.display().to_string(), "--strict"], None);
    run.expect_code(65);
    assert!(!d.path().join("new").exists(), "created directories left behind");
    std::fs::create_dir(d.path().join("kept")).unwrap();
    let run = netstage(
        &[
            "stage",
            &f,
            "-o",
            &d.path().join("kept").display().to_string(),
            "--strict",
        ],
        None,
    );
    run.expect_code(65);
    assert_eq!(std::fs::read_dir(d.path().join("kept")).unwrap().count(), 0);
}

#[test]
fn strict_and_max_errors_exit_65_leaving_earlier_outputs_intact() {
    let d = Dir::new();
    let f = sample("registry_export.csv");
    netstage(&["stage", &f, "-o", &d.out()], None).expect_code(0);
    let errors = json(&d)["rows"]["error"].as_u64().unwrap();
    assert!(errors > 1);
    let (at, below) = (errors.to_string(), (errors - 1).to_string());
    netstage(&["stage", &f, "-o", &d.out(), "--max-errors", &at], None).expect_code(0);
    let before = d.read("out/stages.csv");
    let run = netstage(&["stage", &f, "-o", &d.out(), "--strict"], None);
    run.expect_code(65);
    assert!(run.stderr().contains("registry_export.csv row "), "{}", run.stderr());
    let run = netstage(&["stage", &f, "-o", &d.out(), "--max-errors", &below], None);
    run.expect_code(65);
    assert!(
        run.stderr().contains(&format!("--max-errors {below}")),
        "{}",
        run.stderr()
    );
    // The failed runs left the earlier outputs as they were, and no temporary files.
    assert_eq!(d.read("out/stages.csv"), before);
    let names: Vec<String> = std::fs::read_dir(d.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, OUTPUT_FILES);
}

#[test]
fn unwritable_output_directory_exits_73() {
    let d = Dir::new();
    let file = d.write("plain-file", "x");
    let out = format!("{file}/sub");
    netstage(&["stage", &sample("naaccr_xml_ids.csv"), "-o", &out], None).expect_code(73);
}

#[test]
fn gzip_input_matches_plain_and_truncated_gzip_exits_65() {
    let d = Dir::new();
    let plain = std::fs::read(sample("naaccr_xml_ids.csv")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let gz_path = d.write("in.csv.gz", &gz);
    netstage(&["stage", &gz_path, "-o", &d.out()], None).expect_code(0);
    let from_gz = d.read("out/stages.csv");
    netstage(&["stage", &sample("naaccr_xml_ids.csv"), "-o", &d.out()], None).expect_code(0);
    assert_eq!(from_gz, d.read("out/stages.csv"));
    let cut = d.write("cut.csv.gz", &gz[..gz.len() / 2]);
    let out2 = d.path().join("out2").display().to_string();
    let run = netstage(&["stage", &cut, "-o", &out2], None);
    run.expect_code(65);
    assert!(!d.path().join("out2/stages.csv").exists());
}

/// A gzip stream on stdin is told by its first two bytes, also when the
/// pipe hands over the first byte alone.
#[test]
fn gzip_on_stdin_is_told_by_its_first_bytes_however_they_arrive() {
    use std::process::{Command, Stdio};
    let d = Dir::new();
    let plain = std::fs::read(sample("naaccr_xml_ids.csv")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let out = d.path().join("gz").display().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_netstage"))
        .args(["stage", "-", "--quiet", "-o", &out])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(&gz[..1]).unwrap();
    pipe.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    pipe.write_all(&gz[1..]).unwrap();
    drop(pipe);
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    netstage(
        &["stage", &sample("naaccr_xml_ids.csv"), "-o", &d.out(), "--quiet"],
        None,
    )
    .expect_code(0);
    assert_eq!(d.read("gz/stages.csv"), d.read("out/stages.csv"));
}

#[test]
fn stdin_input_and_several_inputs_tag_source() {
    let d = Dir::new();
    let body = format!("{HEADER}r1,C162,8240,3,2021,pT1,pN0,cM0\n");
    netstage(&["stage", "-", "-o", &d.out()], Some(body.as_bytes())).expect_code(0);
    let stages = d.read("out/stages.csv");
    assert!(!csv_rows(&stages)[0].contains(&"source".to_string()));
    assert_eq!(column(&stages, "stage"), vec!["1"]);
    assert_eq!(json(&d)["inputs"][0]["path"], "-");

    let a = d.write(
        "a.csv",
        format!("{HEADER}a1,C162,8240,3,2021,pT1,pN0,cM0\na2,C162,8240,3,2021,pT2,pN0,cM0\n"),
    );
    let b = d.write("b.csv", format!("{HEADER}b1,C250,8240,3,2021,pT1,pN1,cM0\n"));
    netstage(&["stage", &a, &b, "-o", &d.out()], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    assert_eq!(column(&stages, "source"), vec![a.clone(), a.clone(), b.clone()]);
    assert_eq!(column(&stages, "row"), vec!["1", "2", "1"]);
    assert_eq!(column(&stages, "record_id"), vec!["a1", "a2", "b1"]);
    assert_eq!(column(&stages, "stage"), vec!["1", "2", "3"]);
    assert_eq!(json(&d)["rows"]["read"], 3);
}

#[test]
fn malformed_records_become_error_rows_and_blank_lines_are_skipped() {
    let d = Dir::new();
    let mut body = Vec::from(format!("\u{feff}{HEADER}").as_bytes());
    body.extend_from_slice(b"r1,C162,8240,3,2021,pT1,pN0,cM0\n");
    body.extend_from_slice(b"r2,C162,8240\n"); // too few fields
    body.extend_from_slice(b"\n"); // blank line: not a record
    body.extend_from_slice(b"r3,C162,8240,3,2021,pT1,pN0,cM0,extra\n"); // too many
    body.extend_from_slice(b"r4,C162,82\xff0,3,2021,pT1,pN0,cM0\n"); // not UTF-8 in a used field
    body.extend_from_slice(b"\"r5,\"\"quoted\"\"\",C162,8240,3,2021,pT1,pN0,cM0\r\n"); // quoting, CRLF
    let f = d.write("m.csv", &body);
    netstage(&["stage", &f, "-o", &d.out()], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    assert_eq!(column(&stages, "row"), vec!["1", "2", "3", "4", "5"]);
    assert_eq!(
        column(&stages, "status"),
        vec!["staged", "error", "error", "error", "staged"]
    );
    let msgs = column(&stages, "messages");
    assert_eq!(msgs[1], "E_RECORD: record has 3 fields, the header has 8");
    assert_eq!(msgs[2], "E_RECORD: record has 9 fields, the header has 8");
    assert_eq!(msgs[3], "E_RECORD: histology has bytes that are not UTF-8");
    assert_eq!(column(&stages, "record_id")[4], "r5,\"quoted\"");
    assert_eq!(json(&d)["rows"]["written"], 5);
}

#[test]
fn bytes_not_utf8_in_an_unused_column_are_ignored() {
    let d = Dir::new();
    let f = d.write(
        "u.csv",
        b"site,histology,year,note\nC162,8140,2021,caf\xe9\n".as_slice(),
    );
    netstage(&["stage", &f, "-o", &d.out(), "--keep-columns"], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    assert_eq!(column(&stages, "status"), vec!["not_applicable"]);
    assert_eq!(column(&stages, "note"), vec!["caf\u{fffd}"]);
}

#[test]
fn keep_columns_are_copied_after_the_contract_columns() {
    let d = Dir::new();
    netstage(
        &[
            "stage",
            &sample("registry_export.csv"),
            "-o",
            &d.out(),
            "--keep-columns",
        ],
        None,
    )
    .expect_code(0);
    let stages = d.read("out/stages.csv");
    let header = &csv_rows(&stages)[0];
    assert_eq!(&header[header.len() - 3..], ["sex", "age_at_dx", "reporting_source"]);
    assert_eq!(header[27], "messages");
}

#[test]
fn explain_prints_each_step() {
    let run = netstage(
        &[
            "explain",
            "--site",
            "C17.2",
            "--histology",
            "8240",
            "--year",
            "2022",
            "--size-mm",
            "25",
            "--extent",
            "subserosa",
            "--nodes",
            "12",
            "--mass",
            "25",
            "--metastasis",
            "liver",
        ],
        None,
    );
    run.expect_code(0);
    let s = run.stdout();
    for want in [
        "Routed to net_jejunum_ileum (schema ID 00310, AJCC edition 08)",
        "T3 N2 M1a",
        "stage            4\n",
        "stage_display    IV\n",
        "t                T3\n",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
}

#[test]
fn schemas_lists_every_chapter() {
    let run = netstage(&["schemas"], None);
    run.expect_code(0);
    let s = run.stdout();
    for name in [
        "net_stomach ",
        "net_pancreas_v9",
        "09340",
        "appendix_v9",
        "lung_v9",
        "small_intestine",
    ] {
        assert!(s.contains(name), "missing {name} in\n{s}");
    }
}

/// A write that fails mid-run (here: a file-size limit, as on a full disk)
/// exits 74, leaves no partial outputs and keeps the earlier ones.
#[test]
fn write_failure_exits_74_and_keeps_earlier_outputs() {
    let d = Dir::new();
    let input = sample("registry_export.csv");
    netstage(
        &["stage", &sample("naaccr_xml_ids.csv"), "-o", &d.out(), "--quiet"],
        None,
    )
    .expect_code(0);
    let before = d.read("out/stages.csv");
    let bin = env!("CARGO_BIN_EXE_netstage");
    // 64 blocks of 512 bytes: far less than the 420 kB stages.csv.
    let script = format!("ulimit -f 64 && exec '{bin}' stage '{input}' -o '{}' --quiet", d.out());
    let out = std::process::Command::new("sh").args(["-c", &script]).output().unwrap();
    assert_eq!(out.status.code(), Some(74), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("I/O error"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(d.read("out/stages.csv"), before);
    let mut names: Vec<String> = std::fs::read_dir(d.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, OUTPUT_FILES);
}

/// flagged.csv lists the staged, unknown-stage and needs-general rows of
/// organ-general chapters (GI carcinomas, all lung NETs), not their error rows
/// (io-contract §19 item 17).
#[test]
fn flagged_lists_staged_organ_general_tumors() {
    let d = Dir::new();
    let body = "record_id,site,histology,behavior,year,t,n,m\n\
                L1,C341,8240,3,2021,T9,N0,M0\n\
                L2,C162,8240,3,2021,T1,N0,M0\n\
                L3,C341,8240,3,2021,T1,N0,M0\n\
                L4,C182,8246,3,2021,T1,N0,M0\n\
                L5,C162,8246,3,20x1,,,\n\
                L6,C162,82x6,3,2021,,,\n";
    let f = d.write("f.csv", body);
    netstage(&["stage", &f, "-o", &d.out()], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    assert_eq!(
        column(&stages, "status"),
        vec!["error", "staged", "staged", "staged", "error", "error"]
    );
    // L4: a colon NEC, T1 N0 M0 with the colon/rectum chapter, stage I.
    assert_eq!(column(&stages, "stage")[3], "1");
    assert_eq!(column(&d.read("out/flagged.csv"), "record_id"), vec!["L3", "L4"]);
}

/// Rows are staged a block at a time and then written; malformed records
/// on either side of a block's edge (64 rows) and in runs keep their place.
#[test]
fn malformed_records_at_block_edges_keep_their_place() {
    let d = Dir::new();
    let bad = [1, 63, 64, 65, 128, 129, 200, 201, 202, 203, 300];
    let mut body = String::from(HEADER);
    for n in 1..=300 {
        if bad.contains(&n) {
            body.push_str(&format!("r{n},C162\n"));
        } else {
            let site = if n % 3 == 0 { "C250" } else { "C162" };
            body.push_str(&format!("r{n},{site},8240,3,2021,pT1,pN0,cM0\n"));
        }
    }
    let f = d.write("edges.csv", &body);
    netstage(&["stage", &f, "-o", &d.out(), "--threads", "2"], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    let rows: Vec<String> = (1..=300).map(|n| n.to_string()).collect();
    assert_eq!(column(&stages, "row"), rows);
    for (i, ((id, status), group)) in column(&stages, "record_id")
        .iter()
        .zip(column(&stages, "status"))
        .zip(column(&stages, "site_group"))
        .enumerate()
    {
        let n = i + 1;
        if bad.contains(&n) {
            assert_eq!(
                (id.as_str(), status.as_str(), group.as_str()),
                ("", "error", ""),
                "row {n}"
            );
        } else {
            let site = if n % 3 == 0 { "pancreas" } else { "stomach" };
            assert_eq!(
                (id.as_str(), status.as_str(), group.as_str()),
                (format!("r{n}").as_str(), "staged", site),
                "row {n}"
            );
        }
    }
}

#[test]
fn nothing_of_a_malformed_record_is_copied() {
    let d = Dir::new();
    let f = d.write(
        "k.csv",
        "record_id,sex,site,histology,year,t,n\nk1,F1,C162,8240,2021,T1,N0\nk2,F2,C162,8240,2021,T1\n",
    );
    netstage(&["stage", &f, "-o", &d.out(), "--keep-columns"], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    assert_eq!(column(&stages, "record_id"), vec!["k1", ""]);
    assert_eq!(column(&stages, "sex"), vec!["F1", ""]);
    assert_eq!(column(&stages, "site_group"), vec!["stomach", ""]);
}

/// The long flags named in a text (`--name`), without `--help`/`--version`.
fn long_flags(text: &str) -> std::collections::BTreeSet<String> {
    text.match_indices("--")
        .filter_map(|(i, _)| {
            let name: String = text[i + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            (name.len() > 1 && !matches!(name.as_str(), "help" | "version")).then(|| format!("--{name}"))
        })
        .collect()
}

/// The values `--help` lists for a flag (`- value:` lines or `[possible
/// values: a, b]`), in order.
fn help_values(help: &str, flag: &str) -> Vec<String> {
    let start = help
        .find(&format!("{flag} <"))
        .unwrap_or_else(|| panic!("{flag} in --help"));
    let rest = &help[start..];
    let end = rest[1..].find("\n  -").map_or(rest.len(), |e| e + 1);
    let section = &rest[..end];
    if let Some(list) = section.split("[possible values: ").nth(1) {
        return list[..list.find(']').unwrap()].split(", ").map(String::from).collect();
    }
    section
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- ")?.split(':').next().map(String::from))
        .collect()
}

/// The README's `stage` synopsis names exactly the long flags clap defines
/// for `stage`, and each `a|b|c` value list as `--help` lists it: the
/// hand-written synopsis cannot drift from the flag definitions.
#[test]
fn readme_stage_synopsis_follows_the_flag_definitions() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let start = readme
        .find("netstage stage INPUT...")
        .expect("stage synopsis in README");
    let end = start + readme[start..].find("netstage explain").expect("explain after stage");
    let synopsis = &readme[start..end];
    let run = netstage(&["stage", "--help"], None);
    run.expect_code(0);
    let help = run.stdout();
    assert_eq!(long_flags(synopsis), long_flags(&help));
    let mut lists = 0;
    for flag in long_flags(synopsis) {
        let after = &synopsis[synopsis.find(&format!("{flag} ")).map_or(0, |i| i + flag.len() + 1)..];
        let word: String = after.chars().take_while(|c| !c.is_whitespace() && *c != ']').collect();
        if word.contains('|') {
            let listed: Vec<String> = word.split('|').map(String::from).collect();
            assert_eq!(listed, help_values(&help, &flag), "{flag}");
            lists += 1;
        }
    }
    assert_eq!(
        lists, 3,
        "--input-format, --output-format and --edition list their values"
    );
}

/// io-contract §2.1 and §12: a SEER*Stat export without a behavior column
/// takes the behavior after the `/` of `ICD-O-3 Hist/behav`, also when its
/// coded twin gives the histology; a labeled twin beside another column
/// than its coded one is ambiguous (exit 65).
#[test]
fn seerstat_behavior_comes_from_the_labeled_histology() {
    let d = Dir::new();
    let f = d.write(
        "seer.csv",
        "Patient ID,Year of diagnosis,Primary Site,Primary Site - labeled,ICD-O-3 Hist/behav,Histologic Type ICD-O-3,\
         Derived EOD 2018 T (2018+),Derived EOD 2018 N (2018+),Derived EOD 2018 M (2018+)\n\
         B1,2021,187,C18.7-Sigmoid colon,\"8240/1: Carcinoid tumor, uncertain\",8240,T1,N0,M0\n\
         B2,2021,187,C18.7-Sigmoid colon,\"8240/3: Carcinoid tumor, NOS\",8240,T1,N0,M0\n",
    );
    netstage(&["stage", &f, "-o", &d.out(), "--quiet"], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    assert_eq!(column(&stages, "status"), ["not_applicable", "staged"]);
    let messages = column(&stages, "messages");
    assert!(messages[0].contains("N_BEHAVIOR"), "{}", messages[0]);
    assert!(!messages[1].contains("W_BEHAVIOR_DEFAULTED"), "{}", messages[1]);
    let f = d.write(
        "mixed.csv",
        "site,Primary Site - labeled,histology\nC250,C18.7-Sigmoid,8240\n",
    );
    let run = netstage(&["stage", &f, "-o", &d.out(), "--quiet"], None);
    run.expect_code(65);
    assert!(
        run.stderr().contains("both resolve to field primary_site"),
        "{}",
        run.stderr()
    );
}
