//! The EOD basis through the binary: `--algorithm DIR` gives the same
//! output as the embedded tables when the folder holds the same algorithm,
//! its failures have their exit codes, and the EOD sample's output is the
//! same for any thread count.

use std::path::Path;

use netstage_rules::eod::EOD_PUBLIC_TABLES;
use netstage_rules::table::text::{self, endpoint_text};
use serde_json::{Value, json};

use crate::util::{Dir, column, netstage, sample};

/// Writes algorithm data in the layout of a published SEER algorithm folder
/// (`schemas/ID.json`, `tables/ID.json`), as a site's own copy would be.
fn write_seer_folder(dir: &Path, tables_text: &str) {
    let data = text::read(tables_text).expect("tables");
    std::fs::create_dir_all(dir.join("schemas")).unwrap();
    std::fs::create_dir_all(dir.join("tables")).unwrap();
    for t in &data.tables {
        let mut definition: Vec<Value> = t.inputs.iter().map(|k| json!({"key": k, "type": "INPUT"})).collect();
        definition.push(json!({"key": "description", "type": "DESCRIPTION"}));
        definition.extend(t.outputs.iter().map(|k| json!({"key": k, "type": "ENDPOINT"})));
        let rows: Vec<Value> = t
            .rows
            .iter()
            .map(|(cells, eps)| {
                let mut row: Vec<String> = cells.clone();
                row.push("words the reader skips".into());
                row.extend(eps.iter().map(endpoint_text));
                json!(row)
            })
            .collect();
        let body = json!({"id": t.id, "algorithm": data.name, "version": data.version, "definition": definition, "rows": rows});
        std::fs::write(dir.join(format!("tables/{}.json", t.id)), body.to_string()).unwrap();
    }
    let pairs = |v: &[(String, String)], a: &str, b: &str| -> Vec<Value> {
        v.iter().map(|(x, y)| json!({a: x, b: y})).collect()
    };
    let paths = |v: &[netstage_rules::table::TablePathData]| -> Vec<Value> {
        v.iter()
            .map(|p| {
                json!({"id": p.table, "input_mapping": pairs(&p.input_mapping, "from", "to"),
                       "output_mapping": pairs(&p.output_mapping, "from", "to")})
            })
            .collect()
    };
    for s in &data.schemas {
        let body = json!({
            "id": s.id, "algorithm": data.name, "version": data.version,
            "schema_selection_table": s.selection_table, "schema_discriminators": s.discriminators,
            "on_invalid_input": "CONTINUE",
            "inputs": s.inputs.iter().map(|i| json!({"key": i.key, "default": i.default, "table": i.table, "used_for_staging": i.used_for_staging})).collect::<Vec<_>>(),
            "outputs": s.outputs.iter().map(|o| json!({"key": o.key, "default": o.default, "table": o.table})).collect::<Vec<_>>(),
            "initial_context": pairs(&s.initial_context, "key", "value"),
            "mappings": s.mappings.iter().map(|m| json!({
                "id": m.id, "initial_context": pairs(&m.initial_context, "key", "value"),
                "inclusion_tables": paths(&m.inclusion), "exclusion_tables": paths(&m.exclusion), "tables": paths(&m.paths),
            })).collect::<Vec<_>>(),
        });
        std::fs::write(dir.join(format!("schemas/{}.json", s.id)), body.to_string()).unwrap();
    }
}

#[test]
fn algorithm_folder_gives_the_embedded_results() {
    let d = Dir::new();
    let alg = d.path().join("eod_public");
    write_seer_folder(&alg, EOD_PUBLIC_TABLES);
    let embedded = d.path().join("embedded");
    let own = d.path().join("own");
    for (out, extra) in [(&embedded, None), (&own, Some(&alg))] {
        let out = out.display().to_string();
        let mut args = vec!["stage", "--quiet", "-o", out.as_str()];
        let alg_arg;
        if let Some(a) = extra {
            alg_arg = a.display().to_string();
            args.extend(["--algorithm", alg_arg.as_str()]);
        }
        let eod = sample("eod_export.csv");
        args.push(&eod);
        netstage(&args, None).expect_code(0);
    }
    for f in ["stages.csv", "flagged.csv", "summary.csv"] {
        assert_eq!(
            std::fs::read(embedded.join(f)).unwrap(),
            std::fs::read(own.join(f)).unwrap(),
            "{f} differs with --algorithm"
        );
    }
}

#[test]
fn algorithm_folder_failures_have_exit_codes() {
    let d = Dir::new();
    let eod = sample("eod_export.csv");
    let out = d.out();
    let stage_with = |folder: &str| netstage(&["stage", "--quiet", "-o", &out, "--algorithm", folder, &eod], None);
    let missing = d.path().join("nowhere").display().to_string();
    let run = stage_with(&missing);
    run.expect_code(66);
    assert!(run.stderr().contains("--algorithm"), "{}", run.stderr());
    // A folder that is not an algorithm: its first schema is missing.
    let empty = d.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let run = stage_with(&empty.display().to_string());
    run.expect_code(65);
    assert!(run.stderr().contains("schemas/net_stomach.json"), "{}", run.stderr());
    assert!(!d.exists("out/stages.csv"));
    // A table whose JUMP leads nowhere is refused when the folder is compiled.
    let broken = d.path().join("broken");
    let bad = EOD_PUBLIC_TABLES.replacen("JUMP:", "JUMP:no_such_table_", 1);
    write_seer_folder(&broken, &bad);
    let run = stage_with(&broken.display().to_string());
    run.expect_code(65);
    assert!(run.stderr().contains("no_such_table_"), "{}", run.stderr());
}

#[test]
fn eod_sample_is_the_same_for_any_thread_count() {
    let d = Dir::new();
    let eod = sample("eod_export.csv");
    let mut outputs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = d.path().join(format!("t{threads}")).display().to_string();
        netstage(&["stage", "--quiet", "--threads", threads, "-o", &out, &eod], None).expect_code(0);
        outputs.push(std::fs::read(Path::new(&out).join("stages.csv")).unwrap());
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn explain_walks_the_eod_tables() {
    let run = netstage(
        &[
            "explain",
            "--site",
            "C251",
            "--histology",
            "8240",
            "--year",
            "2019",
            "--tumor-size-summary",
            "15",
            "--eod-primary-tumor",
            "100",
            "--eod-regional-nodes",
            "300",
            "--eod-mets",
            "10",
        ],
        None,
    );
    run.expect_code(0);
    let out = run.stdout();
    for want in [
        "EOD table seer_primary_tumor_43302: row 2 matched.",
        "EOD table tumor_size_with_primary_tumor_for_ajcc_t_16596: row 2 matched.",
        "T1 N1 M1a -> stage 4 (IV), Summary Stage 2018 7.",
        "basis            eod",
        "ss2018           7",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
}

/// Stages `csv` (written to a file) with `extra` arguments; returns
/// `stages.csv`.
fn stage_text(d: &Dir, csv: &str, extra: &[&str]) -> String {
    let f = d.write("in.csv", csv);
    let out = d.out();
    let mut args = vec!["stage", "--quiet", "-o", out.as_str(), f.as_str()];
    args.extend_from_slice(extra);
    netstage(&args, None).expect_code(0);
    d.read("out/stages.csv")
}

/// io-contract §19 items 2 and 7: only the item-756 column is the EOD size;
/// a plain millimetre column beside it is facts-only, so a row with an EOD
/// basis ignores it with `W_FACTS_IGNORED`, whatever it holds, and a row
/// whose 756 cell is blank takes the schema's default size (TX here, as
/// in the EOD-6 vector).
#[test]
fn a_plain_size_beside_the_item_756_size_is_facts_only() {
    let d = Dir::new();
    let stages = stage_text(
        &d,
        "site,histology,behavior,year,eod_primary_tumor,eod_regional_nodes,eod_mets,Tumor Size Summary (2016+),tumor_size_mm\n\
         C251,8240,3,2019,100,000,00,015,40\n\
         C251,8240,3,2019,100,000,00,015,garbage\n\
         C251,8240,3,2019,100,000,00,015,\n\
         C251,8240,3,2019,100,000,00,,40\n",
        &[],
    );
    let shadowed = "W_FACTS_IGNORED: size_mm in plain millimetres is ignored: the EOD basis takes the item-756 size";
    assert_eq!(
        column(&stages, "status"),
        ["staged", "staged", "staged", "unknown_stage"]
    );
    assert_eq!(column(&stages, "eod_t"), ["T1", "T1", "T1", "TX"]);
    assert_eq!(column(&stages, "stage"), ["1", "1", "1", "99"]);
    let messages = column(&stages, "messages");
    assert_eq!(messages[0], shadowed);
    assert_eq!(messages[1], shadowed);
    assert_eq!(messages[2], "");
    // The SEER*Stat labeled twin of the 756 column is the same item (§12).
    let d = Dir::new();
    let stages = stage_text(
        &d,
        "site,histology,behavior,year,eod_primary_tumor,eod_regional_nodes,eod_mets,\
         Tumor Size Summary (2016+),Tumor Size Summary (2016+) - labeled\n\
         C251,8240,3,2019,100,000,00,015,15 mm or 1.5 cm\n",
        &[],
    );
    assert_eq!(column(&stages, "stage"), ["1"]);
    assert_eq!(column(&stages, "messages"), [""]);
    assert!(
        messages[3].starts_with("W_FACTS_IGNORED: size_mm is ignored: the EOD basis is present"),
        "{}",
        messages[3]
    );
}

/// io-contract §2: `--map` settles two columns that resolve to one field,
/// also when their names match alike (`EOD Primary Tumor`, `eodPrimaryTumor`).
#[test]
fn map_picks_one_of_two_alike_headers() {
    let d = Dir::new();
    let csv = "site,histology,behavior,year,EOD Primary Tumor,eodPrimaryTumor,eod_regional_nodes,eod_mets,tumorSizeSummary\n\
               C251,8240,3,2019,3X0,100,000,00,015\n";
    let f = d.write("in.csv", csv);
    let out = d.out();
    let run = netstage(&["stage", "--quiet", "-o", &out, &f], None);
    run.expect_code(65);
    assert!(
        run.stderr().contains("both resolve to field eod_primary_tumor"),
        "{}",
        run.stderr()
    );
    for (map, status, eod_t) in [
        ("eodPrimaryTumor=eod_primary_tumor", "staged", "T1"),
        ("EOD Primary Tumor=eod_primary_tumor", "error", ""),
    ] {
        let d = Dir::new();
        let stages = stage_text(&d, csv, &["--map", map]);
        assert_eq!(column(&stages, "status"), [status], "--map {map}");
        assert_eq!(column(&stages, "eod_t"), [eod_t], "--map {map}");
    }
}

/// io-contract §19 items 4, 16 and 19: a C16.0 row whose discriminator is
/// not a code stays `stomach` with `W_EGJ_ASSUMED`, as a blank one does, and
/// the invalid value is named once even when SEER's stomach table rejects
/// it too; `0` gives no `W_EGJ_ASSUMED`.
#[test]
fn an_invalid_discriminator_is_named_once_and_stomach_is_assumed() {
    let d = Dir::new();
    let stages = stage_text(
        &d,
        "site,histology,behavior,year,eod_primary_tumor,eod_regional_nodes,eod_mets,schema_discriminator_1\n\
         C160,8246,3,2021,100,000,00,7\n\
         C160,8246,3,2021,100,000,00,\n\
         C160,8246,3,2021,100,000,00,0\n",
        &[],
    );
    assert_eq!(column(&stages, "schema"), ["stomach", "stomach", "stomach"]);
    let messages = column(&stages, "messages");
    let codes: Vec<Vec<&str>> = messages
        .iter()
        .map(|m| {
            m.split("; ")
                .filter_map(|x| x.split(':').next())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        codes[0],
        ["W_EGJ_ASSUMED", "W_DISCRIMINATOR_INVALID"],
        "{}",
        messages[0]
    );
    assert_eq!(codes[1], ["W_EGJ_ASSUMED"], "{}", messages[1]);
    assert!(codes[2].is_empty(), "{}", messages[2]);
    assert!(messages[0].contains("'7'"), "{}", messages[0]);
}

/// README "Decisions": an invalid EOD code is named once; the table that
/// then rejects it together with a valid item adds nothing.
#[test]
fn an_invalid_eod_code_is_named_once() {
    let d = Dir::new();
    let stages = stage_text(
        &d,
        "site,histology,behavior,year,eod_primary_tumor,eod_regional_nodes,eod_mets,tumorSizeSummary\n\
         C251,8240,3,2019,100,000,00,991\n",
        &[],
    );
    assert_eq!(column(&stages, "status"), ["error"]);
    assert_eq!(
        column(&stages, "messages"),
        ["E_EOD: size_mm '991' is not a code of net_pancreas"]
    );
}

/// io-contract §3 and §8: the recorded stage is shown (normalised) on every
/// row that is not an error, `needs_general_staging` included; compared
/// only with a headline stage.
#[test]
fn the_recorded_stage_is_shown_on_flagged_rows() {
    let d = Dir::new();
    let stages = stage_text(
        &d,
        "site,histology,behavior,year,eod_primary_tumor,eod_regional_nodes,eod_mets,stage_group\n\
         C170,8013,3,2021,100,000,00,Stage IA\n\
         C809,8013,3,2021,,,,1A\n\
         C251,8240,3,2019,3X0,000,00,1A\n",
        &[],
    );
    assert_eq!(
        column(&stages, "status"),
        ["needs_general_staging", "not_applicable", "error"]
    );
    assert_eq!(column(&stages, "recorded_stage"), ["1A", "1A", ""]);
    assert_eq!(column(&stages, "recorded_agrees"), ["", "", ""]);
}

/// io-contract §7 item 13: a row with several problems lists each; an EOD
/// code SEER's tables reject is named also when a category is in error.
#[test]
fn an_eod_error_is_listed_beside_a_category_error() {
    let d = Dir::new();
    let stages = stage_text(
        &d,
        "site,histology,behavior,year,path_t,path_n,path_m,eod_primary_tumor,eod_regional_nodes,eod_mets\n\
         C162,8246,3,2021,Tzz,N0,M0,XXX,000,00\n\
         C250,8240,3,2021,T2,N0,M0,XXX,000,00\n",
        &[],
    );
    assert_eq!(column(&stages, "status"), ["error", "error"]);
    assert_eq!(
        column(&stages, "messages"),
        [
            "E_T: path_t 'Tzz' is not a readable T category; E_EOD: eod_primary_tumor 'XXX' is not a code of stomach",
            "E_EOD: eod_primary_tumor 'XXX' is not a code of net_pancreas",
        ]
    );
}

/// io-contract §1 (explain shows "the matrix cell used") and §19 item 13:
/// for the appendix, the grade that picks the M1b cell is shown; G1 M1b is
/// IVA, G3 M1b IVB (AJCC 8th, appendix carcinoma).
#[test]
fn explain_names_the_appendix_grade() {
    for (grade, stage) in [("1", "stage 4A (IVA)"), ("3", "stage 4B (IVB)")] {
        let run = netstage(
            &[
                "explain",
                "--site",
                "C181",
                "--histology",
                "8246",
                "--year",
                "2021",
                "--path-t",
                "pT3",
                "--path-n",
                "pN0",
                "--path-m",
                "pM1b",
                "--grade-path",
                grade,
            ],
            None,
        );
        run.expect_code(0);
        let out = run.stdout();
        let want = format!("Grade for SEER's appendix stage table (path and clin bases): {grade} ");
        assert!(out.contains(&want), "{out}");
        assert!(out.contains(stage), "{out}");
    }
}
