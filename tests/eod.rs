//! The EOD basis through the binary: `--algorithm DIR` gives the same
//! output as the embedded tables when the folder holds the same algorithm,
//! its failures have their exit codes, and the EOD sample's output is the
//! same for any thread count.

use std::path::Path;

use netstage_rules::eod::EOD_PUBLIC_TABLES;
use netstage_rules::table::text::{self, endpoint_text};
use serde_json::{Value, json};

use crate::util::{Dir, netstage, sample};

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
