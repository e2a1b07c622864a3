//! The EOD derivation against SEER's own engine
//! (`tables/tests/eod_seer_engine.tsv`): cases of every schema netstage
//! stages, with the values and errors imsweb's Java engine gave for them on
//! eod_public 3.2 (the file's header says how they were made; the
//! differential run behind them is `scripts/eod_differential.py`). The
//! values come from that engine, not from the imported tables.

use netstage_rules::eod::{EodAlgorithm, EodItem, EodOutput};
use netstage_rules::table::{RunErrorKind, Scratch};

const VECTORS: &str = include_str!("../tables/tests/eod_seer_engine.tsv");

const OUTPUTS: [(&str, EodOutput); 6] = [
    ("t", EodOutput::T),
    ("n", EodOutput::N),
    ("m", EodOutput::M),
    ("stage", EodOutput::StageGroup),
    ("ss2018", EodOutput::Ss2018),
    ("schema_id", EodOutput::SchemaId),
];

/// The run's errors as the file writes them: `kind:table:key`, sorted, no
/// key for a table's no-match.
fn errors_text(eod: &EodAlgorithm, scratch: &Scratch) -> String {
    let alg = eod.algorithm();
    let mut errors: Vec<String> = scratch
        .errors()
        .iter()
        .map(|e| {
            let kind = e.kind.name();
            let table = e.table.map_or("", |t| &alg.table(t).id);
            let key = match e.kind {
                RunErrorKind::MatchNotFound => "",
                _ => e.key.map_or("", |k| alg.key_name(k)),
            };
            format!("{kind}:{table}:{key}")
        })
        .collect();
    errors.sort();
    errors.join(";")
}

#[test]
fn eod_derivation_equals_seers_engine() {
    let eod = EodAlgorithm::standard();
    let mut scratch = Scratch::new();
    let mut failures = Vec::new();
    let mut per_schema = std::collections::BTreeMap::<&str, usize>::new();
    let mut lines = VECTORS.lines().enumerate().filter(|(_, l)| !l.starts_with('#'));
    let (_, header) = lines.next().expect("header");
    assert_eq!(header, "schema\tinputs\tt\tn\tm\tstage\tss2018\tschema_id\terrors");
    for (i, line) in lines {
        let at = i + 1;
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), 9, "eod_seer_engine.tsv line {at}: {} cells", cells.len());
        let schema = eod
            .schema(cells[0])
            .unwrap_or_else(|| panic!("eod_seer_engine.tsv line {at}: unknown schema {}", cells[0]));
        let items: Vec<(EodItem, &str)> = cells[1]
            .split('|')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or_else(|| panic!("line {at}: input {kv}"));
                let item = EodItem::from_key(k).unwrap_or_else(|| panic!("line {at}: unknown key {k}"));
                (item, v)
            })
            .collect();
        let run = eod.derive(schema, &items, &mut scratch);
        for (n, (name, output)) in OUTPUTS.iter().enumerate() {
            let (want, got) = (cells[2 + n], run.get(*output));
            if want != got {
                failures.push(format!(
                    "line {at} ({}) {name}: EXPECTED '{want}' ACTUAL '{got}'",
                    cells[0]
                ));
            }
        }
        let got = errors_text(eod, &scratch);
        if got != cells[8] {
            failures.push(format!(
                "line {at} ({}) errors: EXPECTED '{}' ACTUAL '{got}'",
                cells[0], cells[8]
            ));
        }
        *per_schema.entry(cells[0]).or_default() += 1;
    }
    // Every schema netstage stages from EOD codes, each with its share.
    assert_eq!(per_schema.len(), 23, "schemas: {per_schema:?}");
    assert!(
        per_schema.values().all(|n| *n >= 40),
        "cases per schema: {per_schema:?}"
    );
    assert!(failures.is_empty(), "eod_seer_engine.tsv:\n{}", failures.join("\n"));
}
