//! One Arrow column as text, one `&str` per row (empty for null): what the
//! stagers read from a Parquet record batch. String arrays are read in place;
//! other types are converted once per batch to the text the contract reads
//! (io-contract §13): integers as digits (leading zeros are restored by the
//! engine, or here for the tumor record number), whole floats without `.0`,
//! dates and timestamps as `YYYY-MM-DD`.

use std::fmt::Write as _;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, LargeStringArray, StringArray, StringViewArray};
use arrow_schema::{DataType, TimeUnit};

/// A column of one record batch, readable as text by row.
#[derive(Debug, Clone)]
pub enum TextColumn {
    /// A `Utf8` array, read in place.
    Utf8(StringArray),
    /// A `LargeUtf8` array, read in place.
    LargeUtf8(LargeStringArray),
    /// A `Utf8View` array (polars), read in place.
    View(StringViewArray),
    /// Converted text: row `r` is `data[ends[r - 1]..ends[r]]`.
    Owned {
        /// The rows' text, concatenated.
        data: String,
        /// End offset of each row in `data`.
        ends: Vec<usize>,
    },
}

/// True for the column types io-contract §13 accepts.
pub fn supported(dt: &DataType) -> bool {
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

impl TextColumn {
    /// Row `row` as text (empty for null).
    #[inline]
    pub fn get(&self, row: usize) -> &str {
        match self {
            TextColumn::Utf8(a) => {
                if a.is_null(row) {
                    ""
                } else {
                    a.value(row)
                }
            }
            TextColumn::LargeUtf8(a) => {
                if a.is_null(row) {
                    ""
                } else {
                    a.value(row)
                }
            }
            TextColumn::View(a) => {
                if a.is_null(row) {
                    ""
                } else {
                    a.value(row)
                }
            }
            TextColumn::Owned { data, ends } => {
                let start = if row == 0 { 0 } else { ends[row - 1] };
                &data[start..ends[row]]
            }
        }
    }

    /// Reads an array as text. `pad`: zero-pad integer values shorter than
    /// this width (a NAACCR `leftZero` item whose zeros an integer column
    /// lost; 0 = as is).
    pub fn from_array(a: &ArrayRef, pad: usize) -> Result<TextColumn, String> {
        match a.data_type() {
            DataType::Utf8 => return Ok(TextColumn::Utf8(a.as_string::<i32>().clone())),
            DataType::LargeUtf8 => return Ok(TextColumn::LargeUtf8(a.as_string::<i64>().clone())),
            DataType::Utf8View => return Ok(TextColumn::View(a.as_string_view().clone())),
            _ => {}
        }
        let n = a.len();
        let mut data = String::with_capacity(n * 4);
        let mut ends: Vec<usize> = Vec::with_capacity(n);
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
                    let start = data.len();
                    let _ = write!(data, "{v}");
                    let width = data.len() - start;
                    if width < pad {
                        data.insert_str(start, &"0".repeat(pad - width));
                    }
                })
            };
        }
        match a.data_type() {
            DataType::Null => (0..n).for_each(|_| ends.push(0)),
            DataType::Boolean => each!(a.as_boolean(), |v| data.push_str(if v { "true" } else { "false" })),
            DataType::Int8 => ints!(Int8Type),
            DataType::Int16 => ints!(Int16Type),
            DataType::Int32 => ints!(Int32Type),
            DataType::Int64 => ints!(Int64Type),
            DataType::UInt8 => ints!(UInt8Type),
            DataType::UInt16 => ints!(UInt16Type),
            DataType::UInt32 => ints!(UInt32Type),
            DataType::UInt64 => ints!(UInt64Type),
            DataType::Float16 => each!(a.as_primitive::<Float16Type>(), |v| push_float(&mut data, f64::from(v))),
            DataType::Float32 => each!(a.as_primitive::<Float32Type>(), |v| push_float(&mut data, f64::from(v))),
            DataType::Float64 => each!(a.as_primitive::<Float64Type>(), |v| push_float(&mut data, v)),
            DataType::Decimal128(_, scale) => {
                let scale = *scale;
                each!(a.as_primitive::<Decimal128Type>(), |v| push_decimal(
                    &mut data, v, scale
                ))
            }
            DataType::Date32 => each!(a.as_primitive::<Date32Type>(), |v| push_date(&mut data, i64::from(v))),
            DataType::Date64 => {
                each!(a.as_primitive::<Date64Type>(), |v| push_date(
                    &mut data,
                    v.div_euclid(86_400_000)
                ))
            }
            DataType::Timestamp(unit, _) => match unit {
                TimeUnit::Second => each!(a.as_primitive::<TimestampSecondType>(), |v| push_date(
                    &mut data,
                    v.div_euclid(86_400)
                )),
                TimeUnit::Millisecond => each!(a.as_primitive::<TimestampMillisecondType>(), |v| push_date(
                    &mut data,
                    v.div_euclid(86_400_000)
                )),
                TimeUnit::Microsecond => each!(a.as_primitive::<TimestampMicrosecondType>(), |v| push_date(
                    &mut data,
                    v.div_euclid(86_400_000_000)
                )),
                TimeUnit::Nanosecond => each!(a.as_primitive::<TimestampNanosecondType>(), |v| push_date(
                    &mut data,
                    v.div_euclid(86_400_000_000_000)
                )),
            },
            DataType::Dictionary(_, _) => {
                let dict = a
                    .as_any_dictionary_opt()
                    .ok_or("dictionary column without dictionary array")?;
                let values = TextColumn::from_array(dict.values(), 0)?;
                let n_values = dict.values().len();
                let keys = dict.normalized_keys();
                for (r, k) in keys.iter().enumerate() {
                    if !a.is_null(r) && *k < n_values {
                        data.push_str(values.get(*k));
                    }
                    ends.push(data.len());
                }
            }
            other => return Err(format!("unsupported column type {other}")),
        }
        Ok(TextColumn::Owned { data, ends })
    }
}

/// `5.0` -> `5`; other values in Rust's shortest round-trip form.
fn push_float(out: &mut String, v: f64) {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        let _ = write!(out, "{}", v as i64);
    } else {
        let _ = write!(out, "{v}");
    }
}

/// A decimal with `scale` digits after the point, without trailing zeros.
fn push_decimal(out: &mut String, v: i128, scale: i8) {
    if scale <= 0 {
        let _ = write!(out, "{}", v * 10i128.pow(u32::from(scale.unsigned_abs())));
        return;
    }
    let d = 10i128.pow(scale as u32);
    let (int, frac) = (v / d, (v % d).abs());
    let sign = if v < 0 && int == 0 { "-" } else { "" };
    let start = out.len();
    let _ = write!(out, "{sign}{int}.{frac:0width$}", width = scale as usize);
    let kept = out[start..].trim_end_matches('0').trim_end_matches('.').len();
    out.truncate(start + kept);
}

/// Days since 1970-01-01 -> `YYYY-MM-DD` (proleptic Gregorian).
fn push_date(out: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
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
    use std::sync::Arc;

    use arrow_array::{Int64Array, StringArray};

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
        let mut out = String::new();
        push_float(&mut out, 5.0);
        out.push('|');
        push_float(&mut out, 12.5);
        out.push('|');
        push_decimal(&mut out, 1250, 2);
        out.push('|');
        push_decimal(&mut out, -5, 1);
        out.push('|');
        push_decimal(&mut out, 500, 2);
        out.push('|');
        push_decimal(&mut out, 7, 0);
        assert_eq!(out, "5|12.5|12.5|-0.5|5|7");
    }

    #[test]
    fn integers_padded_to_width_and_nulls_empty() {
        let a: ArrayRef = Arc::new(Int64Array::from(vec![Some(1), None, Some(12), Some(123)]));
        let t = TextColumn::from_array(&a, 2).unwrap();
        let rows: Vec<&str> = (0..4).map(|r| t.get(r)).collect();
        assert_eq!(rows, ["01", "", "12", "123"]);
        let t = TextColumn::from_array(&a, 0).unwrap();
        assert_eq!(t.get(0), "1");
    }

    #[test]
    fn strings_read_in_place() {
        let a: ArrayRef = Arc::new(StringArray::from(vec![Some("C250"), None]));
        let t = TextColumn::from_array(&a, 2).unwrap();
        assert!(matches!(t, TextColumn::Utf8(_)));
        assert_eq!((t.get(0), t.get(1)), ("C250", ""));
    }
}
