//! The importer (`netstage-import`) on a made-up algorithm folder of our own
//! (`tests/data/seer_fixture`): it keeps codes, ranges, values, keys and ids
//! only, and writes the same bytes every time.

use std::process::Command;

use crate::util::{Dir, root};

fn import(out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_netstage-import"))
        .arg(root().join("tests/data/seer_fixture"))
        .arg(out)
        .args([
            "--schema",
            "demo_organ",
            "--repo",
            "example/repo",
            "--commit",
            "abc123",
            "--path",
            "demo",
        ])
        .output()
        .expect("run netstage-import")
}

#[test]
fn import_writes_the_expected_data_and_nothing_else() {
    let dir = Dir::new();
    let out = import(dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = dir.read("demo_algorithm-0.1.tables");
    let want =
        std::fs::read_to_string(root().join("tests/data/seer_fixture/expected.tables")).expect("expected.tables");
    assert_eq!(got, want);
    for words in [
        "must not",
        "dropped",
        "Demo Organ",
        "Confined",
        "never imported",
        "unreferenced",
    ] {
        assert!(!got.contains(words), "{words:?} was imported");
    }
    let prov = dir.read("demo_algorithm-0.1.provenance");
    for line in [
        "repository\texample/repo\n",
        "commit\tabc123\n",
        "path\tdemo\n",
        "schemas\t1\n",
        "tables\t7\n",
    ] {
        assert!(prov.contains(line), "provenance lacks {line:?}:\n{prov}");
    }
    assert!(prov.contains("\tschemas/demo_organ.json\n") && prov.contains("\ttables/demo_size_t.json\n"));
}

#[test]
fn import_twice_gives_identical_bytes() {
    let (a, b) = (Dir::new(), Dir::new());
    assert!(import(a.path()).status.success());
    assert!(import(b.path()).status.success());
    for f in ["demo_algorithm-0.1.tables", "demo_algorithm-0.1.provenance"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).expect("first"),
            std::fs::read(b.path().join(f)).expect("second"),
            "{f} differs between two runs"
        );
    }
}

#[test]
fn import_names_the_file_at_fault() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path().join("alg/schemas")).expect("mkdir");
    dir.write("alg/schemas/broken.json", "{\"id\": \"broken\", \"algorithm\": \"a\"");
    let out = Command::new(env!("CARGO_BIN_EXE_netstage-import"))
        .arg(dir.path().join("alg"))
        .arg(dir.path().join("out"))
        .args(["--schema", "broken"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("schemas/broken.json"), "{err}");
    assert!(!dir.path().join("out").exists() || std::fs::read_dir(dir.path().join("out")).unwrap().next().is_none());
}

#[test]
fn imported_fixture_runs_with_the_source_semantics() {
    use netstage_rules::table::{Algorithm, RunErrorKind, Scratch, text};
    let src = std::fs::read_to_string(root().join("tests/data/seer_fixture/expected.tables")).expect("read");
    let alg = Algorithm::compile(&text::read(&src).expect("parse")).expect("compile");
    let schema = alg.schema_id("demo_organ").expect("schema");
    let key = |k: &str| alg.key(k).expect("key");
    let derive = |extent: &str, size: &str| {
        let inputs = [
            (key("extent"), extent.as_bytes()),
            (key("size_summary"), size.as_bytes()),
        ];
        let mut sc = Scratch::new();
        let out = alg.run(schema, &inputs, &mut sc);
        let t = out.get_str("derived_t").unwrap_or("(absent)").to_string();
        (t, out.errors().iter().map(|e| e.kind).collect::<Vec<_>>())
    };
    // "JUMP: demo_size_t " was trimmed; the size decides T; the output mapping renames t_out.
    assert_eq!(derive("10", "015"), ("T1".to_string(), vec![]));
    assert_eq!(derive("10", "021"), ("T2".to_string(), vec![]));
    // STOP ends the mapping: the mapping's initial context stays.
    assert_eq!(derive("10", "999"), ("90".to_string(), vec![]));
    assert_eq!(derive("20 ", "999"), ("T3".to_string(), vec![]));
    // The exclusion table (through its input mapping) skips the mapping: the output default stays.
    assert_eq!(derive("77", "015"), ("88".to_string(), vec![]));
    // ERROR is recorded; the next path then maps from a key that has no value.
    assert_eq!(
        derive("30", "015"),
        (
            "TX".to_string(),
            vec![RunErrorKind::StagingError, RunErrorKind::UnknownInputMapping]
        )
    );
    // VALUE without a value removes the key: same as never set.
    assert_eq!(derive("40", "015").1, vec![RunErrorKind::UnknownInputMapping]);
    // A size outside the validation table is an invalid input.
    assert_eq!(derive("20", "995").1, vec![RunErrorKind::InvalidInput]);
}
