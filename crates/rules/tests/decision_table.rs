//! The decision-table engine on small tables written for these tests: each
//! test pins one rule of the semantics (first hit, JUMP, STOP, ERROR, key
//! mappings, defaults, inclusion/exclusion, references) and the load-time
//! checks. Expectations are worked out by hand from the rules in
//! `table/run.rs` and `table/cell.rs`.

use netstage_rules::table::{Algorithm, KeyId, RunErrorKind, Scratch, text};

fn compile(body: &str) -> Algorithm {
    let src = format!("{}\n{}", text::MAGIC, body.replace("  ", "\t"));
    let data = text::read(&src).unwrap_or_else(|e| panic!("{e}"));
    Algorithm::compile(&data).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs schema `s` with `name=value` inputs; returns (outputs asked for, errors).
fn run(alg: &Algorithm, inputs: &[(&str, &str)], read: &[&str]) -> (Vec<Option<String>>, Vec<RunErrorKind>) {
    let pairs: Vec<(KeyId, &[u8])> = inputs
        .iter()
        .map(|(k, v)| (alg.key(k).unwrap_or_else(|| panic!("key {k}")), v.as_bytes()))
        .collect();
    let mut sc = Scratch::new();
    let schema = alg.schema_id("s").expect("schema s");
    let out = alg.run(schema, &pairs, &mut sc);
    let values = read
        .iter()
        .map(|k| {
            out.get(alg.key(k).unwrap())
                .map(|b| String::from_utf8(b.to_vec()).unwrap())
        })
        .collect();
    (values, out.errors().iter().map(|e| e.kind).collect())
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

const SIZE_T: &str = "\
algorithm  test  1
table  t_of_size
in  size
out  t
row  000  VALUE:T0
row  001-020  VALUE:T1
row  021-989  VALUE:T2
row  *  VALUE:TX
schema  s
input  size  999  \\N  1
output  t  88  \\N
mapping  m
path  t_of_size
";

#[test]
fn first_matching_row_wins_and_ranges_are_numeric() {
    let alg = compile(SIZE_T);
    assert_eq!(run(&alg, &[("size", "000")], &["t"]).0, vec![s("T0")]);
    assert_eq!(run(&alg, &[("size", "020")], &["t"]).0, vec![s("T1")]);
    assert_eq!(run(&alg, &[("size", "20")], &["t"]).0, vec![s("T1")]);
    assert_eq!(run(&alg, &[("size", "021")], &["t"]).0, vec![s("T2")]);
    // "0" is not "000": the single value compares as text, the range as a number.
    assert_eq!(run(&alg, &[("size", "0")], &["t"]).0, vec![s("TX")]);
    // Not supplied: the default 999 falls through to the `*` row.
    assert_eq!(run(&alg, &[], &["t"]).0, vec![s("TX")]);
    // Values are trimmed.
    assert_eq!(run(&alg, &[("size", " 005 ")], &["t"]).0, vec![s("T1")]);
}

#[test]
fn a_reused_scratch_answers_repeated_and_alternating_values_alike() {
    // One scratch for every run: a value seen on the run before, or runs
    // before, may be answered from what was remembered; each answer must be
    // the table's own.
    let alg = compile(SIZE_T);
    let (schema, size, t) = (
        alg.schema_id("s").unwrap(),
        alg.key("size").unwrap(),
        alg.key("t").unwrap(),
    );
    let mut sc = Scratch::new();
    let cases: [(&[u8], &str); 10] = [
        (b"005", "T1"),
        (b"005", "T1"),
        (b"021", "T2"),
        (b"005", "T1"),
        (b"000", "T0"),
        (b"000", "T0"),
        (b"0", "TX"),
        (b"000", "T0"),
        (b"021", "T2"),
        (b"021", "T2"),
    ];
    for (i, (value, want)) in cases.iter().enumerate() {
        let inputs: [(KeyId, &[u8]); 1] = [(size, value)];
        let out = alg.run(schema, &inputs, &mut sc);
        assert_eq!(out.get(t), Some(want.as_bytes()), "run {i}");
    }
    // Not supplied (the default, 999) after a supplied value, and back.
    assert_eq!(alg.run(schema, &[], &mut sc).get(t), Some(&b"TX"[..]));
    let inputs: [(KeyId, &[u8]); 1] = [(size, b"021")];
    assert_eq!(alg.run(schema, &inputs, &mut sc).get(t), Some(&b"T2"[..]));
}

#[test]
fn no_matching_row_is_an_error_and_the_output_keeps_its_default() {
    let alg = compile(&SIZE_T.replace("row  *  VALUE:TX\n", ""));
    let (v, e) = run(&alg, &[("size", "990")], &["t"]);
    assert_eq!(v, vec![s("88")]);
    assert_eq!(e, vec![RunErrorKind::MatchNotFound]);
}

#[test]
fn validation_tables_flag_supplied_values_only() {
    let alg = compile(
        "\
algorithm  test  1
table  valid_size
in  size
out  result
row  000-989,999  MATCH
table  t_of_size
in  size
out  t
row  *  VALUE:ok
schema  s
input  size  999  valid_size  1
output  t  \\N  \\N
mapping  m
path  t_of_size
",
    );
    assert_eq!(
        run(&alg, &[("size", "995")], &["t"]).1,
        vec![RunErrorKind::InvalidInput]
    );
    assert!(run(&alg, &[("size", "999")], &["t"]).1.is_empty());
    // A supplied blank is neither defaulted nor validated.
    assert!(run(&alg, &[("size", "")], &["t"]).1.is_empty());
    // Processing goes on after an invalid input.
    assert_eq!(run(&alg, &[("size", "995")], &["t"]).0, vec![s("ok")]);
}

#[test]
fn jump_continues_in_the_target_and_endpoints_run_in_column_order() {
    let alg = compile(
        "\
algorithm  test  1
table  first
in  a
out  x  y
row  1  JUMP:second  VALUE:from_first
row  2  VALUE:two  JUMP:second
table  second
in  a
out  y
row  *  VALUE:from_second
schema  s
input  a  \\N  \\N  1
output  x  \\N  \\N
output  y  \\N  \\N
mapping  m
path  first
",
    );
    // The JUMP runs first, then the later column overwrites y.
    assert_eq!(run(&alg, &[("a", "1")], &["x", "y"]).0, vec![s(""), s("from_first")]);
    assert_eq!(
        run(&alg, &[("a", "2")], &["x", "y"]).0,
        vec![s("two"), s("from_second")]
    );
}

#[test]
fn stop_ends_the_mapping_but_not_the_schema() {
    let alg = compile(
        "\
algorithm  test  1
table  stopper
in  a
out  r
row  1  STOP
row  *  MATCH
table  set_x
in  a
out  x
row  *  VALUE:set
table  set_y
in  a
out  y
row  *  VALUE:set
schema  s
input  a  \\N  \\N  1
output  x  no  \\N
output  y  no  \\N
mapping  m1
path  stopper
path  set_x
mapping  m2
path  set_y
",
    );
    assert_eq!(run(&alg, &[("a", "1")], &["x", "y"]).0, vec![s("no"), s("set")]);
    assert_eq!(run(&alg, &[("a", "2")], &["x", "y"]).0, vec![s("set"), s("set")]);
}

#[test]
fn error_endpoints_are_recorded_and_processing_goes_on() {
    let alg = compile(
        "\
algorithm  test  1
table  check
in  a  b
out  x
row  100  000  ERROR
row  *  *  VALUE:fine
schema  s
input  a  \\N  \\N  1
input  b  \\N  \\N  1
output  x  \\N  \\N
mapping  m
path  check
",
    );
    assert_eq!(
        run(&alg, &[("a", "100"), ("b", "000")], &["x"]).1,
        vec![RunErrorKind::StagingError]
    );
    assert_eq!(
        run(&alg, &[("a", "100"), ("b", "001")], &["x"]),
        (vec![s("fine")], vec![])
    );
}

#[test]
fn key_mappings_rename_inputs_and_outputs_for_one_path() {
    let alg = compile(
        "\
algorithm  test  1
table  parse
in  t
out  root
row  pT1  VALUE:T1
row  *  VALUE:other
schema  s
input  clin_t  \\N  \\N  1
output  result  \\N  \\N
mapping  m
path  parse  clin_t>t  root>result
",
    );
    let (v, e) = run(&alg, &[("clin_t", "pT1")], &["result", "t", "root"]);
    // The mapped input key is removed after the path; the output went to `result`.
    assert_eq!(v, vec![s("T1"), None, None]);
    assert!(e.is_empty());
    // Not supplied, an input takes its default (here blank): it is present.
    assert_eq!(run(&alg, &[], &["result"]), (vec![s("other")], vec![]));
}

#[test]
fn mapping_from_a_key_that_has_no_value_is_an_error() {
    let alg = compile(
        "\
algorithm  test  1
table  parse
in  t
out  root
row    VALUE:blank
row  *  VALUE:other
schema  s
output  root  \\N  \\N
mapping  m
path  parse  never_set>t
",
    );
    // The table then reads `t` as absent, which matches a blank cell.
    assert_eq!(
        run(&alg, &[], &["root"]),
        (vec![s("blank")], vec![RunErrorKind::UnknownInputMapping])
    );
}

#[test]
fn inclusion_and_exclusion_tables_decide_whether_a_mapping_runs() {
    let alg = compile(
        "\
algorithm  test  1
table  only_9012
in  id
row  9012
table  set_x
in  id
out  x
row  *  VALUE:ran
schema  s
input  id  \\N  \\N  1
output  x  skipped  \\N
output  y  skipped  \\N
mapping  included
include  only_9012
path  set_x
mapping  excluded
exclude  only_9012
path  set_x    x>y
",
    );
    assert_eq!(
        run(&alg, &[("id", "9012")], &["x", "y"]).0,
        vec![s("ran"), s("skipped")]
    );
    assert_eq!(
        run(&alg, &[("id", "9001")], &["x", "y"]).0,
        vec![s("skipped"), s("ran")]
    );
}

#[test]
fn references_copy_values_and_initial_contexts_are_set() {
    let alg = compile(
        "\
algorithm  test  1
table  pick
in  g1  g2
out  best
row  *  {{g1}}  VALUE:same
row  *  *  VALUE:{{g2}}
schema  s
input  g1  9  \\N  1
input  g2  9  \\N  1
output  best  \\N  \\N
output  version  {{ctx_alg_version}}  \\N
init  best  90
mapping  m
minit  marker  set
path  pick
",
    );
    let (v, _) = run(
        &alg,
        &[("g1", "3"), ("g2", "3"), ("ctx_alg_version", "1.0")],
        &["best", "version", "marker"],
    );
    assert_eq!(v, vec![s("same"), s("1.0"), s("set")]);
    let (v, _) = run(&alg, &[("g1", "2"), ("g2", "3")], &["best", "version"]);
    // ctx_alg_version not supplied: its reference reads blank.
    assert_eq!(v, vec![s("3"), s("")]);
}

#[test]
fn a_row_remembered_for_a_reference_table_depends_on_the_referenced_key() {
    let alg = compile(
        "\
algorithm  test  1
table  year_ok
in  year
out  ok
row  2018-{{current}}  VALUE:yes
row  *  VALUE:no
schema  s
input  year  \\N  \\N  1
output  ok  \\N  \\N
mapping  m
path  year_ok
",
    );
    let schema = alg.schema_id("s").expect("schema s");
    let (year, current, ok) = (
        alg.key("year").unwrap(),
        alg.key("current").unwrap(),
        alg.key("ok").unwrap(),
    );
    // One scratch for every run, so the second and third lookups could be
    // answered from what the first remembered.
    let mut sc = Scratch::new();
    let mut ok_for = |cur: &'static [u8]| {
        let inputs: [(KeyId, &[u8]); 2] = [(year, b"2025"), (current, cur)];
        let out = alg.run(schema, &inputs, &mut sc);
        String::from_utf8(out.get(ok).unwrap().to_vec()).unwrap()
    };
    assert_eq!(ok_for(b"2024"), "no");
    assert_eq!(ok_for(b"2026"), "yes");
    assert_eq!(ok_for(b"2024"), "no");
}

#[test]
fn load_rejects_unknown_tables_cycles_and_bad_rows() {
    let bad = |body: &str| {
        let src = format!("{}\n{}", text::MAGIC, body.replace("  ", "\t"));
        match text::read(&src) {
            Err(e) => e.to_string(),
            Ok(data) => Algorithm::compile(&data).map(|_| ()).unwrap_err().to_string(),
        }
    };
    let e = bad("table  a\nin  k\nout  x\nrow  1  JUMP:nowhere\n");
    assert!(e.contains("unknown table 'nowhere'") && e.contains("row 1"), "{e}");
    let e = bad("table  a\nin  k\nout  x\nrow  1  JUMP:b\ntable  b\nin  k\nout  x\nrow  *  JUMP:a\n");
    assert!(e.contains("cycle"), "{e}");
    let e = bad("table  a\nin  k\nout  x\nrow  1\n");
    assert!(e.contains("line 5") && e.contains("row has 1 cells"), "{e}");
    let e = bad("table  a\nin  k\nout  x\nrow  1  GOTO:b\n");
    assert!(e.contains("is not an endpoint"), "{e}");
    let e = bad("schema  s\nmapping  m\npath  missing    \n");
    assert!(e.contains("unknown table 'missing'"), "{e}");
    let e = bad("table  a\nin  k\ntable  a\nin  k\n");
    assert!(e.contains("defined twice"), "{e}");
}

#[test]
fn text_form_round_trips_the_embedded_tables() {
    let data = text::read(netstage_rules::eod::EOD_PUBLIC_TABLES).expect("embedded tables read");
    assert_eq!(
        text::write(&data).expect("writable"),
        netstage_rules::eod::EOD_PUBLIC_TABLES
    );
    assert!(Algorithm::compile(&data).is_ok());
}
