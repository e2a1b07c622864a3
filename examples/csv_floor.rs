//! The floor no staging tool can beat: read a CSV with one reused
//! `ByteRecord` and write every record back out, nothing else.
//!
//! `cargo run --release --example csv_floor -- INPUT OUTPUT`

use std::fs::File;
use std::io::BufWriter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = match args.as_slice() {
        [_, i, o] => (i, o),
        _ => return Err("usage: csv_floor INPUT OUTPUT".into()),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(File::open(input)?);
    let mut wtr = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, File::create(output)?));
    let mut rec = csv::ByteRecord::new();
    let mut rows = 0u64;
    while rdr.read_byte_record(&mut rec)? {
        wtr.write_byte_record(&rec)?;
        rows += 1;
    }
    wtr.flush()?;
    eprintln!("{rows} records");
    Ok(())
}
