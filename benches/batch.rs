//! Batch staging throughput: one 16k-row batch of the sample export, staged
//! and formatted (the work of one reader batch), on one thread and on the
//! rayon pool; from the two forms a batch takes: records packed field by
//! field (NAACCR XML's, `*_csv`, `*_parquet`) and a CSV file's raw lines,
//! split into fields by the staging thread (`*_from_lines`), as the pipeline
//! hands each to its staging threads.
//!
//! `cargo bench --bench batch`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use csv::ByteRecord;
use netstage::pipeline::CHUNK_ROWS;
use netstage::read::batch::Batch;
use netstage::read::columns::{ColumnMap, ColumnOverrides};
use netstage::read::line_reader::LineReader;
use netstage::read::lines::{LineFields, Lines};
use netstage::read::raw_row::CsvRow;
use netstage::stage::{InputContext, stage_rows};
use netstage::write::ChunkEncoder;
use netstage::write::columns::Layout;
use netstage::write::csv_out::CsvChunk;
use netstage::write::parquet_out::ParquetChunk;
use netstage_rules::{Options, RuleSet};
use rayon::prelude::*;

const SAMPLE: &str = include_str!("../sample_data/registry_export.csv");

thread_local! {
    static LINE_FIELDS: std::cell::RefCell<LineFields> = std::cell::RefCell::new(LineFields::default());
}

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
    let bench_format = |group: &mut criterion::BenchmarkGroup<'_, _>,
                        name: &str,
                        stage: &(dyn Fn(&mut dyn Iterator<Item = CsvRow<'_>>) -> u64 + Sync)| {
        group.bench_function(format!("one_thread_{name}"), |b| {
            b.iter(|| stage(&mut (0..batch.len).map(|r| batch.packed_row(r).unwrap())))
        });
        group.bench_function(format!("rayon_{name}"), |b| {
            b.iter(|| {
                (0..batch.len.div_ceil(CHUNK_ROWS))
                    .into_par_iter()
                    .map(|c| {
                        stage(
                            &mut (c * CHUNK_ROWS..((c + 1) * CHUNK_ROWS).min(batch.len))
                                .map(|r| batch.packed_row(r).unwrap()),
                        )
                    })
                    .sum::<u64>()
            })
        });
    };
    bench_format(&mut group, "csv", &|rows| {
        encoded::<CsvChunk>(rules, &opts, &ctx, &layout, rows)
    });
    bench_format(&mut group, "parquet", &|rows| {
        encoded::<ParquetChunk>(rules, &opts, &ctx, &layout, rows)
    });
    group.finish();

    // The same rows as a CSV file's batch: its raw lines, as the CSV reader
    // leaves them (a batch ends within 2 MiB, so it may hold fewer rows).
    let mut text = Vec::new();
    let mut lines_of_sample = SAMPLE.lines();
    let header = lines_of_sample.next().expect("a header");
    text.extend_from_slice(header.as_bytes());
    text.push(b'\n');
    let body: Vec<&str> = lines_of_sample.collect();
    for line in body.iter().cycle().take(16 * 1024) {
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
    }
    let mut reader = LineReader::new(Box::new(std::io::Cursor::new(text)));
    reader.header().unwrap();
    let mut lines = Lines::default();
    reader.fill(&mut lines, 16 * 1024, usize::MAX).unwrap();
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(lines.len() as u64));
    // Each thread keeps its field ends from chunk to chunk, as the pipeline's do.
    let split_and = |range: std::ops::Range<usize>, encode: &dyn Fn(&mut dyn Iterator<Item = CsvRow<'_>>) -> u64| {
        LINE_FIELDS.with_borrow_mut(|fields| encode(&mut lines.split(range, fields)))
    };
    for (name, encode) in [
        (
            "csv",
            &(|rows: &mut dyn Iterator<Item = CsvRow<'_>>| encoded::<CsvChunk>(rules, &opts, &ctx, &layout, rows))
                as &(dyn Fn(&mut dyn Iterator<Item = CsvRow<'_>>) -> u64 + Sync),
        ),
        ("parquet", &|rows| {
            encoded::<ParquetChunk>(rules, &opts, &ctx, &layout, rows)
        }),
    ] {
        group.bench_function(format!("one_thread_{name}_from_lines"), |b| {
            b.iter(|| split_and(0..lines.len(), encode))
        });
        group.bench_function(format!("rayon_{name}_from_lines"), |b| {
            b.iter(|| {
                (0..lines.len().div_ceil(CHUNK_ROWS))
                    .into_par_iter()
                    .map(|c| split_and(c * CHUNK_ROWS..((c + 1) * CHUNK_ROWS).min(lines.len()), encode))
                    .sum::<u64>()
            })
        });
    }
    group.finish();
}

/// Stages `rows` into an encoder of type `C`; returns the rows encoded.
fn encoded<C: ChunkEncoder>(
    rules: &RuleSet,
    opts: &Options,
    ctx: &InputContext,
    layout: &Layout,
    rows: &mut dyn Iterator<Item = CsvRow<'_>>,
) -> u64 {
    let mut chunk = C::new(layout, CHUNK_ROWS);
    stage_rows(rules, opts, ctx, 1, rows, &mut chunk);
    chunk.rows()
}

criterion_group!(benches, bench);
criterion_main!(benches);
