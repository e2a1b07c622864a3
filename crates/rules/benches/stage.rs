//! Per-record staging throughput, by chapter family, on the golden vectors.
//!
//! `cargo bench -p netstage-rules --bench stage`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use netstage_rules::{Field, Options, Record, RuleSet};

const GOLDEN: &str = include_str!("../tests/golden/routing_sweep.csv");
const EXAMPLES: &str = include_str!("../tests/golden/worked_examples.csv");

/// One golden case: (field, value) pairs, size_coded, expected schema.
type Case = (Vec<(Field, String)>, bool, String);

/// Owned rows of a golden file.
fn rows(text: &str) -> Vec<Case> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let fields = headers
                .iter()
                .zip(r.iter())
                .filter_map(|(h, v)| Field::from_name(h).map(|f| (f, v.to_string())))
                .collect();
            let coded = headers
                .iter()
                .position(|h| h == "size_coded")
                .is_some_and(|i| &r[i] == "y");
            let schema = headers
                .iter()
                .position(|h| h == "expect_schema")
                .map_or(String::new(), |i| r[i].to_string());
            (fields, coded, schema)
        })
        .collect()
}

fn family(schema: &str) -> &'static str {
    if schema.starts_with("net_") {
        "net_chapters"
    } else if schema.starts_with("lung") {
        "lung"
    } else if schema.is_empty() {
        "not_routed"
    } else {
        "organ_general"
    }
}

fn bench(c: &mut Criterion) {
    let rules = RuleSet::standard();
    let opts = Options::default();
    let mut all = rows(EXAMPLES);
    all.extend(rows(GOLDEN));
    let mut group = c.benchmark_group("stage_record");
    for fam in ["net_chapters", "lung", "organ_general", "not_routed"] {
        let cases: Vec<_> = all.iter().filter(|(_, _, s)| family(s) == fam).collect();
        group.throughput(Throughput::Elements(cases.len() as u64));
        group.bench_function(fam, |b| {
            b.iter(|| {
                let mut staged = 0usize;
                for (fields, coded, _) in &cases {
                    let mut rec = Record::new();
                    for (f, v) in fields {
                        rec.set(*f, v);
                    }
                    rec.size_coded = *coded;
                    staged += rules.stage(&rec, &opts).messages.len();
                }
                staged
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
