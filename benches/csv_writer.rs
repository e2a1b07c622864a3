//! Decides how `stages.csv` rows are written: netstage's row encoder (cells
//! from the column registry straight into the chunk's buffer, quoting only
//! the cells that can need it) against `csv::Writer` writing the same cells
//! of the same staged rows. The encoder is kept only while it is faster; a
//! differential test (`write::csv_out`) pins its bytes to `csv::Writer`'s.
//!
//! `cargo bench --bench csv_writer`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use netstage::read::columns::{ColumnMap, ColumnOverrides};
use netstage::stage::RowId;
use netstage::write::columns::{COLUMNS, Layout};
use netstage::write::csv_out::CsvRowEncoder;
use netstage_rules::{Options, Outcome, Record, RuleSet};

const SAMPLE: &str = include_str!("../sample_data/registry_export.csv");

fn bench(c: &mut Criterion) {
    let mut rdr = csv::ReaderBuilder::new().from_reader(SAMPLE.as_bytes());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let columns = ColumnMap::resolve("sample", &headers, &ColumnOverrides::default()).unwrap();
    let rules = RuleSet::standard();
    let opts = Options::default();
    // Every sample row staged once; only the writing is measured.
    let staged: Vec<(String, Outcome<'_>)> = rows
        .iter()
        .map(|row| {
            let mut rec = Record::new();
            for &field in columns.fields() {
                if let Some(v) = columns.columns(field).first().and_then(|&i| row.get(i)) {
                    rec.set(field, v);
                }
            }
            let id = columns
                .columns(netstage_rules::Field::RecordId)
                .first()
                .and_then(|&i| row.get(i))
                .unwrap_or("")
                .to_string();
            (id, rules.stage(&rec, &opts))
        })
        .collect();
    let layout = Layout::default();
    let mut group = c.benchmark_group("csv_writer");
    group.throughput(Throughput::Elements(staged.len() as u64));
    group.bench_function("row_encoder", |b| {
        let mut encoder = CsvRowEncoder::new(&layout);
        let mut buf = Vec::with_capacity(staged.len() * 160);
        b.iter(|| {
            buf.clear();
            for (n, (record_id, out)) in staged.iter().enumerate() {
                encoder.encode(&mut buf, &id(n, record_id), out);
            }
            buf.len()
        })
    });
    group.bench_function("csv_writer", |b| {
        let (mut num, mut msgs) = (String::new(), String::new());
        let mut buf: Vec<u8> = Vec::with_capacity(staged.len() * 160);
        b.iter(|| {
            buf.clear();
            // A writer per pass over the same reused buffer.
            let mut writer = csv::Writer::from_writer(std::mem::take(&mut buf));
            for (n, (record_id, out)) in staged.iter().enumerate() {
                let row = id(n, record_id);
                num.clear();
                num.push_str(&row.row.to_string());
                msgs.clear();
                out.messages.write_to(&mut msgs);
                let mut cells = [""; COLUMNS.len()];
                let mut width = 0;
                for column in layout.columns() {
                    cells[width] = column.cell.text(&row, out, &num, &msgs);
                    width += 1;
                }
                writer.write_record(&cells[..width]).unwrap();
            }
            buf = writer.into_inner().unwrap();
            buf.len()
        })
    });
    group.finish();

    // The two write the same bytes (also pinned by the unit test).
    let mut ours = Vec::new();
    let mut encoder = CsvRowEncoder::new(&layout);
    for (n, (record_id, out)) in staged.iter().enumerate() {
        encoder.encode(&mut ours, &id(n, record_id), out);
    }
    let mut theirs = csv::Writer::from_writer(Vec::new());
    for (n, (record_id, out)) in staged.iter().enumerate() {
        let row = id(n, record_id);
        let mut msgs = String::new();
        out.messages.write_to(&mut msgs);
        let number = row.row.to_string();
        let cells: Vec<&str> = layout
            .columns()
            .map(|column| column.cell.text(&row, out, &number, &msgs))
            .collect();
        theirs.write_record(&cells).unwrap();
    }
    assert!(ours == theirs.into_inner().unwrap(), "the two writers differ");
}

/// The identity of sample row `n`.
fn id(n: usize, record_id: &str) -> RowId<'_> {
    RowId {
        input: 0,
        row: n as u64 + 1,
        source: "",
        record_id,
        tumor_record: "01",
        keep: &[],
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
