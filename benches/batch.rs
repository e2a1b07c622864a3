//! Batch staging throughput: one 16k-row batch of the sample export, staged
//! and formatted (the work of one reader batch), on one thread and on the
//! rayon pool.
//!
//! `cargo bench --bench batch`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use csv::ByteRecord;
use netstage::batch::Batch;
use netstage::columns::{ColumnMap, ColumnOverrides};
use netstage::output::Layout;
use netstage::pipeline::{CHUNK_ROWS, OutputFormat};
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
    // One reader batch: the records packed as the CSV reader packs them.
    let mut batch = Batch::default();
    for r in records.iter().cycle().take(16 * 1024) {
        batch.push_record(r).unwrap();
    }
    batch.seal();
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
    group.throughput(Throughput::Elements(batch.len as u64));
    for format in [OutputFormat::Csv, OutputFormat::Parquet] {
        let name = format!("{format:?}").to_lowercase();
        group.bench_function(format!("one_thread_{name}"), |b| {
            b.iter(|| {
                let rows = (0..batch.len).map(|r| batch.csv_row(r));
                stage_rows(rules, &opts, &ctx, &layout, format, 1, rows).rows_written
            })
        });
        group.bench_function(format!("rayon_{name}"), |b| {
            b.iter(|| {
                (0..batch.len.div_ceil(CHUNK_ROWS))
                    .into_par_iter()
                    .map(|c| {
                        let rows = (c * CHUNK_ROWS..((c + 1) * CHUNK_ROWS).min(batch.len)).map(|r| batch.csv_row(r));
                        stage_rows(rules, &opts, &ctx, &layout, format, 1, rows).rows_written
                    })
                    .sum::<u64>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
