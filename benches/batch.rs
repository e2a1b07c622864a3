//! Batch staging throughput: one 16k-row batch of the sample export, staged
//! and formatted (the work of one reader batch), on one thread and on the
//! rayon pool; from the two forms a batch takes: records packed field by
//! field (NAACCR XML's, `*_csv`, `*_parquet`) and a CSV file's raw lines,
//! split into fields by the staging thread (`*_from_lines`), as the pipeline
//! hands each to its staging threads.
//!
//! `cargo bench --bench batch`

use std::ops::Range;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use csv::ByteRecord;
use netstage::pipeline::CHUNK_ROWS;
use netstage::read::batch::Batch;
use netstage::read::columns::{ColumnMap, ColumnOverrides};
use netstage::read::line_reader::LineReader;
use netstage::read::lines::{Lines, with_thread_fields};
use netstage::read::raw_row::CsvRow;
use netstage::stage::{InputContext, stage_rows};
use netstage::write::ChunkEncoder;
use netstage::write::columns::Layout;
use netstage::write::csv_out::CsvChunk;
use netstage::write::parquet_out::ParquetChunk;
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
    // One reader batch: the records packed field by field, as the NAACCR XML
    // reader packs them.
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
    let encoders: [(&str, Stage<'_>); 2] = [
        ("csv", &|rows| encoded::<CsvChunk>(rules, &opts, &ctx, &layout, rows)),
        ("parquet", &|rows| {
            encoded::<ParquetChunk>(rules, &opts, &ctx, &layout, rows)
        }),
    ];
    bench_batch(
        c,
        "",
        batch.len,
        &|range, stage| stage(&mut range.map(|r| batch.packed_row(r).unwrap())),
        &encoders,
    );

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
    // Each thread keeps its field ends from chunk to chunk, as the pipeline's do.
    bench_batch(
        c,
        "_from_lines",
        lines.len(),
        &|range, stage| with_thread_fields(|fields| stage(&mut lines.split(range, fields))),
        &encoders,
    );
}

/// Stages rows into one output format; returns the rows encoded.
type Stage<'s> = &'s (dyn Fn(&mut dyn Iterator<Item = CsvRow<'_>>) -> u64 + Sync);

/// Hands rows `range` of a batch to a [`Stage`], in the form the pipeline
/// hands a chunk to a staging thread.
type Chunk<'s> = &'s (dyn Fn(Range<usize>, Stage<'_>) -> u64 + Sync);

/// Benchmarks a batch of `len` rows with each encoder, on one thread and
/// chunk by chunk on the rayon pool (`batch/one_thread_{format}{suffix}`,
/// `batch/rayon_{format}{suffix}`).
fn bench_batch(c: &mut Criterion, suffix: &str, len: usize, chunk: Chunk<'_>, encoders: &[(&str, Stage<'_>)]) {
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(len as u64));
    for &(format, stage) in encoders {
        group.bench_function(format!("one_thread_{format}{suffix}"), |b| {
            b.iter(|| chunk(0..len, stage))
        });
        group.bench_function(format!("rayon_{format}{suffix}"), |b| {
            b.iter(|| {
                (0..len.div_ceil(CHUNK_ROWS))
                    .into_par_iter()
                    .map(|i| chunk(i * CHUNK_ROWS..((i + 1) * CHUNK_ROWS).min(len), stage))
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
