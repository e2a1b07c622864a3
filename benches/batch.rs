//! Batch staging throughput: one 16k-row batch of the sample export, staged
//! and formatted (the work of one reader batch), on one thread and on the
//! rayon pool.
//!
//! `cargo bench --bench batch`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use csv::ByteRecord;
use netstage::columns::{ColumnMap, ColumnOverrides};
use netstage::output::Layout;
use netstage::pipeline::OutputFormat;
use netstage::stage_rows::{InputContext, stage_rows};
use netstage_rules::{Options, RuleSet};
use rayon::prelude::*;

const SAMPLE: &str = include_str!("../sample_data/registry_export.csv");

fn bench(c: &mut Criterion) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(SAMPLE.as_bytes());
    let mut records: Vec<ByteRecord> = rdr.byte_records().map(|r| r.unwrap()).collect();
    let headers: Vec<String> = records
        .remove(0)
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let batch: Vec<ByteRecord> = records.iter().cycle().take(16 * 1024).cloned().collect();
    let ctx = InputContext {
        index: 0,
        source: "sample".into(),
        columns: ColumnMap::resolve("sample", &headers, &ColumnOverrides::default()).unwrap(),
        keep: Vec::new(),
    };
    let layout = Layout::default();
    let rules = RuleSet::standard();
    let opts = Options::default();
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(batch.len() as u64));
    for format in [OutputFormat::Csv, OutputFormat::Parquet] {
        let name = format!("{format:?}").to_lowercase();
        group.bench_function(format!("one_thread_{name}"), |b| {
            b.iter(|| stage_rows(rules, &opts, &ctx, &layout, format, 1, &batch).rows_written)
        });
        group.bench_function(format!("rayon_{name}"), |b| {
            b.iter(|| {
                batch
                    .par_chunks(1024)
                    .map(|rows| stage_rows(rules, &opts, &ctx, &layout, format, 1, rows).rows_written)
                    .sum::<u64>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
