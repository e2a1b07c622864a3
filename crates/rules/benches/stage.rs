//! Per-record staging throughput, by chapter family, on the golden vectors.
//!
//! `cargo bench -p netstage-rules --bench stage`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use netstage_rules::eod::{EodAlgorithm, EodItem};
use netstage_rules::table::Scratch;
use netstage_rules::{Field, Options, Record, RuleSet};

const GOLDEN: &str = include_str!("../tables/tests/records/routing_sweep.csv");
const EXAMPLES: &str = include_str!("../tables/tests/records/worked_examples.csv");
const EOD_GOLDEN: &str = include_str!("../tables/tests/eod_golden.csv");

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

/// EOD derivation alone (SEER's tables through the decision-table engine),
/// on the EOD golden vectors, by schema family.
fn bench_eod(c: &mut Criterion) {
    let eod = EodAlgorithm::standard();
    let mut rdr = csv::Reader::from_reader(EOD_GOLDEN.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let cases: Vec<(String, Vec<(EodItem, String)>)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            let items = headers
                .iter()
                .zip(r.iter())
                .filter(|(_, v)| !v.is_empty())
                .filter_map(|(h, v)| EodItem::from_key(h).map(|i| (i, v.to_string())))
                .collect();
            (r[1].to_string(), items)
        })
        .collect();
    let mut group = c.benchmark_group("eod_derive");
    for fam in ["net_chapters", "lung", "organ_general"] {
        let mine: Vec<_> = cases
            .iter()
            .filter(|(s, _)| family(s) == fam)
            .map(|(s, items)| {
                let items: Vec<(EodItem, &str)> = items.iter().map(|(i, v)| (*i, v.as_str())).collect();
                (eod.schema(s).expect("schema"), items)
            })
            .collect();
        group.throughput(Throughput::Elements(mine.len() as u64));
        let mut scratch = Scratch::new();
        group.bench_function(fam, |b| {
            b.iter(|| {
                let mut n = 0usize;
                for (schema, items) in &mine {
                    n += eod.derive(*schema, items, &mut scratch).problems.len();
                }
                n
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_eod);
criterion_main!(benches);
