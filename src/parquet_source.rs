//! The Parquet reader (Apache Arrow): the same header resolution as CSV, a
//! projection of the needed columns, record batches turned into the same
//! `ByteRecord`s the CSV path stages. Values of non-string columns become the
//! text the contract reads (io-contract §13): integers as digits (leading zeros
//! are restored by the engine), whole floats without `.0`, dates as `YYYY-MM-DD`.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use sha2::{Digest, Sha256};

use crate::batch::Batch;
use crate::columns::{ColumnMap, ColumnOverrides};
use crate::error::RunError;

/// A Parquet input being read.
pub struct ParquetSource {
    path: String,
    reader: ParquetRecordBatchReader,
    /// Resolved columns, numbered within the projection (records carry only
    /// the projected columns, in file order).
    pub columns: ColumnMap,
    /// Per projected column: zero-pad integer values to this width (NAACCR
    /// `leftZero` items whose zeros an integer column lost; at most 8), 0 = as is.
    pad: Vec<usize>,
    rows: u64,
    total_rows: u64,
    size: u64,
    progress: Arc<AtomicU64>,
    hasher: Option<JoinHandle<std::io::Result<String>>>,
    /// Rows left over from the last record batch.
    pending: Option<(RecordBatch, usize)>,
}

fn corrupt(path: &str, e: impl std::fmt::Display) -> RunError {
    RunError::unusable(path, format!("unreadable Parquet: {e}"))
}

impl ParquetSource {
    /// Opens the file, resolves its columns and projects the ones netstage
    /// reads (plus `keep` columns). A corrupt or truncated file exits 65.
    pub fn open(path: &str, overrides: &ColumnOverrides, keep_unused: bool) -> Result<ParquetSource, RunError> {
        let open = || {
            File::open(path).map_err(|e| RunError::InputOpen {
                path: path.to_string(),
                source: e,
            })
        };
        let file = open()?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| corrupt(path, e))?;
        let headers: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
        let columns = ColumnMap::resolve(path, &headers, overrides)?;
        let mut wanted: Vec<usize> = columns.used_columns();
        if keep_unused {
            wanted.extend(columns.unused.iter().map(|(i, _)| *i));
        }
        wanted.sort_unstable();
        wanted.dedup();
        for &i in &wanted {
            let dt = builder.schema().field(i).data_type();
            if !supported(dt) {
                return Err(RunError::unusable(
                    path,
                    format!(
                        "column {:?} has type {dt}, which netstage cannot read as text",
                        headers[i]
                    ),
                ));
            }
        }
        // Tumor record number (items 60/380) is 2 digits, zero-padded.
        let mut pad = vec![0; headers.len()];
        for &i in columns.columns(netstage_rules::Field::TumorRecord) {
            if builder.schema().field(i).data_type().is_integer() {
                pad[i] = 2;
            }
        }
        // Records carry only the projected columns.
        let pad: Vec<usize> = wanted.iter().map(|&i| pad[i]).collect();
        let columns = columns.project(&wanted);
        let total_rows = builder.metadata().file_metadata().num_rows().max(0) as u64;
        let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.iter().copied());
        let reader = builder
            .with_projection(mask)
            .with_batch_size(crate::pipeline::BATCH_ROWS)
            .build()
            .map_err(|e| corrupt(path, e))?;
        // The input's sha256, computed alongside the reading.
        let hash_file = open()?;
        let hasher = std::thread::spawn(move || sha256_of(hash_file));
        Ok(ParquetSource {
            path: path.to_string(),
            reader,
            columns,
            pad,
            rows: 0,
            total_rows,
            size,
            progress: Arc::new(AtomicU64::new(0)),
            hasher: Some(hasher),
            pending: None,
        })
    }

    /// The path as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Data rows read so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes read so far, estimated from the rows read.
    pub fn progress(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.progress)
    }

    /// The file's sha256 (waits for the hashing thread).
    pub fn sha256_hex(&mut self) -> Result<String, RunError> {
        match self.hasher.take() {
            Some(h) => h
                .join()
                .map_err(|_| RunError::Internal("hashing thread panicked".into()))?
                .map_err(|e| RunError::Io {
                    path: self.path.clone(),
                    source: e,
                }),
            None => Err(RunError::Internal("sha256 already taken".into())),
        }
    }

    /// Fills `batch` with up to `max` records; returns false at end of input.
    pub fn read_batch(&mut self, batch: &mut Batch, max: usize) -> Result<bool, RunError> {
        batch.clear();
        batch.first_row = self.rows + 1;
        while batch.len < max {
            let (rb, start) = match self.pending.take() {
                Some(p) => p,
                None => match self.reader.next() {
                    Some(Ok(rb)) => (rb, 0),
                    Some(Err(e)) => return Err(corrupt(&self.path, e)),
                    None => break,
                },
            };
            let texts = rb
                .columns()
                .iter()
                .map(TextColumn::from_array)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| corrupt(&self.path, e))?;
            let take = (rb.num_rows() - start).min(max - batch.len);
            for r in start..start + take {
                let rec = batch.next_slot();
                rec.clear();
                for (t, &width) in texts.iter().zip(&self.pad) {
                    let v = t.get(r);
                    if width > 0 && !v.is_empty() && v.len() < width {
                        let mut padded = [b'0'; 8];
                        padded[width - v.len()..width].copy_from_slice(v);
                        rec.push_field(&padded[..width]);
                    } else {
                        rec.push_field(v);
                    }
                }
                batch.len += 1;
            }
            self.rows += take as u64;
            if start + take < rb.num_rows() {
                self.pending = Some((rb, start + take));
            }
        }
        if self.total_rows > 0 {
            let done = (self.size as u128 * self.rows as u128 / self.total_rows as u128) as u64;
            self.progress.store(done, Ordering::Relaxed);
        }
        Ok(batch.len > 0)
    }
}

fn sha256_of(file: File) -> std::io::Result<String> {
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// True for the column types io-contract §13 accepts.
fn supported(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null | DataType::Boolean => true,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => true,
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => true,
        DataType::Float16 | DataType::Float32 | DataType::Float64 | DataType::Decimal128(_, _) => true,
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => true,
        DataType::Dictionary(_, v) => supported(v),
        _ => false,
    }
}

/// One column of a record batch as text: one byte string per row (empty for
/// null). String arrays are read in place; other types are converted.
enum TextColumn<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    Owned { data: Vec<u8>, ends: Vec<usize> },
}

impl<'a> TextColumn<'a> {
    fn get(&self, row: usize) -> &[u8] {
        match self {
            TextColumn::Utf8(a) => text_of(*a, row),
            TextColumn::LargeUtf8(a) => text_of(*a, row),
            TextColumn::View(a) => {
                if a.is_null(row) {
                    b""
                } else {
                    a.value(row).as_bytes()
                }
            }
            TextColumn::Owned { data, ends } => {
                let start = if row == 0 { 0 } else { ends[row - 1] };
                &data[start..ends[row]]
            }
        }
    }

    fn from_array(a: &'a ArrayRef) -> Result<TextColumn<'a>, String> {
        match a.data_type() {
            DataType::Utf8 => return Ok(TextColumn::Utf8(a.as_string::<i32>())),
            DataType::LargeUtf8 => return Ok(TextColumn::LargeUtf8(a.as_string::<i64>())),
            DataType::Utf8View => return Ok(TextColumn::View(a.as_string_view())),
            _ => {}
        }
        let n = a.len();
        let mut data: Vec<u8> = Vec::with_capacity(n * 4);
        let mut ends: Vec<usize> = Vec::with_capacity(n);
        let mut s = String::new();
        macro_rules! each {
            ($arr:expr, |$v:ident| $body:expr) => {{
                let arr = $arr;
                for r in 0..n {
                    if !arr.is_null(r) {
                        let $v = arr.value(r);
                        $body;
                    }
                    ends.push(data.len());
                }
            }};
        }
        macro_rules! ints {
            ($ty:ty) => {
                each!(a.as_primitive::<$ty>(), |v| {
                    s.clear();
                    let _ = write!(s, "{v}");
                    data.extend_from_slice(s.as_bytes());
                })
            };
        }
        match a.data_type() {
            DataType::Null => (0..n).for_each(|_| ends.push(0)),
            DataType::Boolean => each!(a.as_boolean(), |v| data.extend_from_slice(if v {
                b"true"
            } else {
                b"false"
            })),
            DataType::Int8 => ints!(Int8Type),
            DataType::Int16 => ints!(Int16Type),
            DataType::Int32 => ints!(Int32Type),
            DataType::Int64 => ints!(Int64Type),
            DataType::UInt8 => ints!(UInt8Type),
            DataType::UInt16 => ints!(UInt16Type),
            DataType::UInt32 => ints!(UInt32Type),
            DataType::UInt64 => ints!(UInt64Type),
            DataType::Float16 => each!(a.as_primitive::<Float16Type>(), |v| push_float(
                &mut data,
                &mut s,
                f64::from(v)
            )),
            DataType::Float32 => each!(a.as_primitive::<Float32Type>(), |v| push_float(
                &mut data,
                &mut s,
                f64::from(v)
            )),
            DataType::Float64 => each!(a.as_primitive::<Float64Type>(), |v| push_float(&mut data, &mut s, v)),
            DataType::Decimal128(_, scale) => {
                let scale = *scale;
                each!(a.as_primitive::<Decimal128Type>(), |v| push_decimal(
                    &mut data, &mut s, v, scale
                ))
            }
            DataType::Date32 => each!(a.as_primitive::<Date32Type>(), |v| push_date(
                &mut data,
                &mut s,
                i64::from(v)
            )),
            DataType::Date64 => {
                each!(a.as_primitive::<Date64Type>(), |v| push_date(
                    &mut data,
                    &mut s,
                    v.div_euclid(86_400_000)
                ))
            }
            DataType::Timestamp(unit, _) => {
                let per_day: i64 = match unit {
                    TimeUnit::Second => 86_400,
                    TimeUnit::Millisecond => 86_400_000,
                    TimeUnit::Microsecond => 86_400_000_000,
                    TimeUnit::Nanosecond => 86_400_000_000_000,
                };
                match unit {
                    TimeUnit::Second => {
                        each!(a.as_primitive::<TimestampSecondType>(), |v| push_date(
                            &mut data,
                            &mut s,
                            v.div_euclid(per_day)
                        ))
                    }
                    TimeUnit::Millisecond => each!(a.as_primitive::<TimestampMillisecondType>(), |v| push_date(
                        &mut data,
                        &mut s,
                        v.div_euclid(per_day)
                    )),
                    TimeUnit::Microsecond => each!(a.as_primitive::<TimestampMicrosecondType>(), |v| push_date(
                        &mut data,
                        &mut s,
                        v.div_euclid(per_day)
                    )),
                    TimeUnit::Nanosecond => each!(a.as_primitive::<TimestampNanosecondType>(), |v| push_date(
                        &mut data,
                        &mut s,
                        v.div_euclid(per_day)
                    )),
                }
            }
            DataType::Dictionary(_, _) => {
                let dict = a
                    .as_any_dictionary_opt()
                    .ok_or("dictionary column without dictionary array")?;
                let values = TextColumn::from_array(dict.values())?;
                let n_values = dict.values().len();
                let keys = dict.normalized_keys();
                for (r, k) in keys.iter().enumerate() {
                    if !a.is_null(r) && *k < n_values {
                        data.extend_from_slice(values.get(*k));
                    }
                    ends.push(data.len());
                }
            }
            other => return Err(format!("unsupported column type {other}")),
        }
        Ok(TextColumn::Owned { data, ends })
    }
}

/// The bytes of a string array's row (empty for null).
fn text_of<O: arrow_array::OffsetSizeTrait>(a: &arrow_array::GenericStringArray<O>, row: usize) -> &[u8] {
    if a.is_null(row) { b"" } else { a.value(row).as_bytes() }
}

/// `5.0` -> `5`; other values in Rust's shortest round-trip form.
fn push_float(out: &mut Vec<u8>, s: &mut String, v: f64) {
    s.clear();
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        let _ = write!(s, "{}", v as i64);
    } else {
        let _ = write!(s, "{v}");
    }
    out.extend_from_slice(s.as_bytes());
}

fn push_decimal(out: &mut Vec<u8>, s: &mut String, v: i128, scale: i8) {
    s.clear();
    if scale <= 0 {
        let _ = write!(s, "{}", v * 10i128.pow(u32::from(scale.unsigned_abs())));
    } else {
        let d = 10i128.pow(scale as u32);
        let (int, frac) = (v / d, (v % d).abs());
        let sign = if v < 0 && int == 0 { "-" } else { "" };
        let _ = write!(s, "{sign}{int}.{frac:0width$}", width = scale as usize);
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    out.extend_from_slice(s.as_bytes());
}

/// Days since 1970-01-01 -> `YYYY-MM-DD` (proleptic Gregorian).
fn push_date(out: &mut Vec<u8>, s: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    s.clear();
    let _ = write!(s, "{y:04}-{m:02}-{d:02}");
    out.extend_from_slice(s.as_bytes());
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(18_701), (2021, 3, 15));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn numbers_as_text() {
        let mut out = Vec::new();
        let mut s = String::new();
        push_float(&mut out, &mut s, 5.0);
        out.push(b'|');
        push_float(&mut out, &mut s, 12.5);
        out.push(b'|');
        push_decimal(&mut out, &mut s, 1250, 2);
        out.push(b'|');
        push_decimal(&mut out, &mut s, -5, 1);
        out.push(b'|');
        push_decimal(&mut out, &mut s, 500, 2);
        assert_eq!(String::from_utf8(out).unwrap(), "5|12.5|12.5|-0.5|5");
    }
}
