//! Converts a CSV file to Parquet (zstd) for benchmarks and fixtures: every
//! column is a string, except the columns named with `--int` (Int64; blank
//! or unparsable values become null), streamed in record batches.
//!
//! `cargo run --release --example csv_to_parquet -- INPUT.csv OUTPUT.parquet [--int col,col]`

use std::fs::File;
use std::sync::Arc;

use arrow_array::builder::{Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

const BATCH: usize = 64 * 1024;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (input, output) = match args.as_slice() {
        [i, o, ..] => (i, o),
        _ => return Err("usage: csv_to_parquet INPUT.csv OUTPUT.parquet [--int col,col]".into()),
    };
    let ints: Vec<String> = match args.iter().position(|a| a == "--int") {
        Some(p) => args
            .get(p + 1)
            .map(|s| s.split(',').map(String::from).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let mut rdr = csv::ReaderBuilder::new().from_reader(File::open(input)?);
    let headers: Vec<String> = rdr.headers()?.iter().map(String::from).collect();
    let is_int: Vec<bool> = headers.iter().map(|h| ints.contains(h)).collect();
    let schema = Arc::new(Schema::new(
        headers
            .iter()
            .zip(&is_int)
            .map(|(h, i)| Field::new(h, if *i { DataType::Int64 } else { DataType::Utf8 }, true))
            .collect::<Vec<_>>(),
    ));
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let mut writer = ArrowWriter::try_new(File::create(output)?, Arc::clone(&schema), Some(props))?;
    let mut rec = csv::StringRecord::new();
    let mut rows = 0u64;
    loop {
        let mut strings: Vec<StringBuilder> = headers.iter().map(|_| StringBuilder::new()).collect();
        let mut numbers: Vec<Int64Builder> = headers.iter().map(|_| Int64Builder::new()).collect();
        let mut n = 0;
        while n < BATCH && rdr.read_record(&mut rec)? {
            for (c, v) in rec.iter().enumerate() {
                if is_int[c] {
                    numbers[c].append_option(v.trim().parse::<i64>().ok());
                } else if v.is_empty() {
                    strings[c].append_null();
                } else {
                    strings[c].append_value(v);
                }
            }
            n += 1;
        }
        if n == 0 {
            break;
        }
        rows += n as u64;
        let arrays: Vec<ArrayRef> = (0..headers.len())
            .map(|c| -> ArrayRef {
                if is_int[c] {
                    Arc::new(numbers[c].finish())
                } else {
                    Arc::new(strings[c].finish())
                }
            })
            .collect();
        writer.write(&RecordBatch::try_new(Arc::clone(&schema), arrays)?)?;
    }
    writer.close()?;
    eprintln!("{rows} rows");
    Ok(())
}
