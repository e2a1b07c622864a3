//! A dictionary-encoded string column chunk of `stages.parquet`, written
//! straight from dictionary keys.
//!
//! The outcome columns (`status`, `schema`, `t`, `stage`, ...) hold a few
//! dozen distinct values of netstage's own vocabulary. The stagers already
//! know each cell's dictionary key, so this writes the Parquet pages directly
//! (format spec: "Dictionary Encoding", "Run Length Encoding / Bit-Packing
//! Hybrid", data page v1) instead of handing strings to arrow-rs, which would
//! hash every cell again to rebuild the same dictionary: that re-interning
//! was a third of the CPU time of a Parquet run. One dictionary page (PLAIN
//! values) and one data page (RLE definition levels, RLE_DICTIONARY indices)
//! per row group, zstd-compressed; the page headers and column metadata are
//! written by the parquet crate.

use bytes::Bytes;
use parquet::basic::{Compression, Encoding, PageType, ZstdLevel};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::ParquetError;
use parquet::file::metadata::{ColumnChunkMetaData, OffsetIndexBuilder, PageEncodingStats};
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;

/// zstd level of the pages (the level of the rest of the file).
const ZSTD_LEVEL: i32 = 1;

/// Keys of one chunk of rows: `0` = null, `k` = `values[k - 1]`.
#[derive(Debug, Default)]
pub struct CodedKeys {
    /// One key per row.
    pub keys: Vec<u16>,
    /// The distinct values the keys refer to.
    pub values: Vec<&'static str>,
}

impl CodedKeys {
    /// Room for `rows` rows.
    pub fn with_capacity(rows: usize) -> CodedKeys {
        CodedKeys {
            keys: Vec::with_capacity(rows),
            values: Vec::new(),
        }
    }

    /// The key of `v`, added to the values when new. Values are netstage's
    /// own strings: a few dozen per column, so a scan is enough and more than
    /// `u16::MAX - 1` of them is a bug (it panics rather than write a wrong
    /// key).
    pub fn key_of(&mut self, v: &'static str) -> u16 {
        let index = match self.values.iter().position(|s| *s == v) {
            Some(i) => i,
            None => {
                self.values.push(v);
                self.values.len() - 1
            }
        };
        u16::try_from(index + 1).expect("fewer than 65,535 distinct values in a coded column")
    }
}

/// One column of a row group, accumulated from chunks.
#[derive(Debug, Default)]
pub struct DictColumn {
    rows: CodedKeys,
}

impl DictColumn {
    /// Appends a chunk's rows, re-keyed to this row group's dictionary.
    pub fn extend(&mut self, chunk: &CodedKeys) {
        let mut remap = Vec::with_capacity(chunk.values.len() + 1);
        remap.push(0u16);
        for v in &chunk.values {
            remap.push(self.rows.key_of(v));
        }
        self.rows.keys.extend(chunk.keys.iter().map(|&k| remap[usize::from(k)]));
    }

    /// Rows so far.
    pub fn len(&self) -> usize {
        self.rows.keys.len()
    }

    /// True when no row was added.
    pub fn is_empty(&self) -> bool {
        self.rows.keys.is_empty()
    }

    /// The encoded column chunk (dictionary page, data page) and its
    /// metadata, for `SerializedRowGroupWriter::append_column`.
    pub fn encode(self, descr: ColumnDescPtr) -> Result<(Bytes, ColumnCloseResult), ParquetError> {
        // The layout below is that of an optional top-level column.
        if descr.max_def_level() != 1 || descr.max_rep_level() != 0 {
            return Err(ParquetError::General(format!(
                "column {} is not an optional top-level column",
                descr.name()
            )));
        }
        let CodedKeys { keys, values } = self.rows;
        let rows = keys.len();

        let mut dictionary = Vec::with_capacity(values.iter().map(|v| v.len() + 4).sum());
        for v in &values {
            dictionary.extend_from_slice(&(v.len() as u32).to_le_bytes());
            dictionary.extend_from_slice(v.as_bytes());
        }

        // Definition levels (1 = value, 0 = null), 4-byte length first; then
        // the bit width and the dictionary indices of the non-null rows.
        let mut data = Vec::with_capacity(8 + rows);
        let levels: Vec<u16> = keys.iter().map(|&k| u16::from(k != 0)).collect();
        let mut encoded_levels = Vec::with_capacity(rows / 8 + 8);
        bit_packed_run(&mut encoded_levels, &levels, 1);
        data.extend_from_slice(&(encoded_levels.len() as u32).to_le_bytes());
        data.extend_from_slice(&encoded_levels);
        let width = bit_width(values.len());
        data.push(width as u8);
        let indices: Vec<u16> = keys.iter().filter(|&&k| k != 0).map(|&k| k - 1).collect();
        bit_packed_run(&mut data, &indices, width);

        let mut sink = TrackedWrite::new(Vec::new());
        let (dictionary_page, data_page) = {
            let mut pages = SerializedPageWriter::new(&mut sink);
            let dictionary_page = pages.write_page(CompressedPage::new(
                Page::DictionaryPage {
                    buf: zstd(&dictionary)?,
                    num_values: values.len() as u32,
                    encoding: Encoding::PLAIN,
                    is_sorted: false,
                },
                dictionary.len(),
            ))?;
            let data_page = pages.write_page(CompressedPage::new(
                Page::DataPage {
                    buf: zstd(&data)?,
                    num_values: rows as u32,
                    encoding: Encoding::RLE_DICTIONARY,
                    def_level_encoding: Encoding::RLE,
                    rep_level_encoding: Encoding::RLE,
                    statistics: None,
                },
                data.len(),
            ))?;
            (dictionary_page, data_page)
        };
        let bytes = Bytes::from(sink.into_inner()?);

        let page_stats = |page_type, encoding| PageEncodingStats {
            page_type,
            encoding,
            count: 1,
        };
        let metadata = ColumnChunkMetaData::builder(descr)
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL)?))
            .set_encodings(vec![Encoding::PLAIN, Encoding::RLE, Encoding::RLE_DICTIONARY])
            .set_page_encoding_stats(vec![
                page_stats(PageType::DICTIONARY_PAGE, Encoding::PLAIN),
                page_stats(PageType::DATA_PAGE, Encoding::RLE_DICTIONARY),
            ])
            .set_total_compressed_size((dictionary_page.compressed_size + data_page.compressed_size) as i64)
            .set_total_uncompressed_size((dictionary_page.uncompressed_size + data_page.uncompressed_size) as i64)
            .set_num_values(rows as i64)
            .set_dictionary_page_offset(Some(dictionary_page.offset as i64))
            .set_data_page_offset(data_page.offset as i64)
            .build()?;
        // The offset index (page locations) the other columns have too: some
        // readers require it once any column has one.
        let mut offset_index = OffsetIndexBuilder::new();
        offset_index.append_row_count(rows as i64);
        offset_index.append_offset_and_size(data_page.offset as i64, data_page.compressed_size as i32);
        let close = ColumnCloseResult {
            bytes_written: bytes.len() as u64,
            rows_written: rows as u64,
            metadata,
            bloom_filter: None,
            column_index: None,
            offset_index: Some(offset_index.build()),
        };
        Ok((bytes, close))
    }
}

fn zstd(raw: &[u8]) -> Result<Bytes, ParquetError> {
    zstd::bulk::compress(raw, ZSTD_LEVEL)
        .map(Bytes::from)
        .map_err(|e| ParquetError::External(Box::new(e)))
}

/// Bits per dictionary index for `n` values (at least 1).
fn bit_width(n: usize) -> u32 {
    let max = n.saturating_sub(1) as u64;
    (u64::BITS - max.leading_zeros()).max(1)
}

/// Appends `values` as one bit-packed run of the RLE / bit-packing hybrid:
/// the header `(groups << 1) | 1` as a ULEB128 varint, then groups of eight
/// values of `width` bits each, least significant bit first (the last group
/// padded with zeros). Nothing for no values.
fn bit_packed_run(out: &mut Vec<u8>, values: &[u16], width: u32) {
    if values.is_empty() {
        return;
    }
    let groups = values.len().div_ceil(8);
    let mut header = ((groups as u64) << 1) | 1;
    while header >= 0x80 {
        out.push((header as u8) | 0x80);
        header >>= 7;
    }
    out.push(header as u8);
    let mut acc: u64 = 0;
    let mut bits = 0;
    for i in 0..groups * 8 {
        acc |= u64::from(values.get(i).copied().unwrap_or(0)) << bits;
        bits += width;
        while bits >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            bits -= 8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_packed_runs_follow_the_format() {
        let mut out = Vec::new();
        bit_packed_run(&mut out, &[1, 2, 3], 2);
        // 1 group: header 0b11; 1|2<<2|3<<4 = 0x39, five zero values padding.
        assert_eq!(out, [0x03, 0x39, 0x00]);
        let mut out = Vec::new();
        bit_packed_run(&mut out, &[1; 9], 1);
        assert_eq!(out, [0x05, 0xff, 0x01]);
        let mut out = Vec::new();
        bit_packed_run(&mut out, &vec![0; 8 * 64], 1);
        // 64 groups: header 129 as a varint.
        assert_eq!(&out[..2], [0x81, 0x01]);
        assert_eq!(out.len(), 2 + 64);
        let mut out = Vec::new();
        bit_packed_run(&mut out, &[], 3);
        assert!(out.is_empty());
    }

    #[test]
    fn bit_widths() {
        assert_eq!(
            [0, 1, 2, 3, 4, 5, 255, 256, 257].map(bit_width),
            [1, 1, 1, 2, 2, 3, 8, 8, 9]
        );
    }

    /// A column of 70,000 rows over 300 distinct values (9-bit indices) with
    /// nulls, written as a file by itself, reads back equal with arrow-rs,
    /// also when the offset index is required.
    #[test]
    fn a_written_column_reads_back_with_arrow_rs() {
        use std::sync::Arc;

        use arrow_array::Array;
        use arrow_array::cast::AsArray;
        use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
        use parquet::file::metadata::PageIndexPolicy;
        use parquet::file::properties::WriterProperties;
        use parquet::file::writer::SerializedFileWriter;
        use parquet::schema::parser::parse_message_type;

        let vocabulary: Vec<&'static str> = (0..300)
            .map(|i| &*Box::leak(format!("v{i}").into_boxed_str()))
            .collect();
        let want: Vec<Option<&'static str>> = (0..70_000usize)
            .map(|r| (r % 7 != 3).then(|| vocabulary[(r * 37) % 300]))
            .collect();
        let mut column = DictColumn::default();
        for part in want.chunks(2048) {
            let mut chunk = CodedKeys::default();
            let keys: Vec<u16> = part.iter().map(|v| v.map_or(0, |v| chunk.key_of(v))).collect();
            chunk.keys = keys;
            column.extend(&chunk);
        }
        assert_eq!(column.len(), want.len());
        assert!(column.rows.values.len() == 300, "no duplicate dictionary values");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one.parquet");
        let schema = Arc::new(parse_message_type("message m { optional binary v (STRING); }").unwrap());
        let props = Arc::new(WriterProperties::builder().build());
        let mut writer = SerializedFileWriter::new(std::fs::File::create(&path).unwrap(), schema, props).unwrap();
        let descr = writer.schema_descr().column(0);
        let (bytes, close) = column.encode(descr).unwrap();
        assert_eq!(close.metadata.compressed_size(), bytes.len() as i64);
        assert!(close.offset_index.is_some());
        let mut group = writer.next_row_group().unwrap();
        group.append_column(&bytes, close).unwrap();
        group.close().unwrap();
        writer.close().unwrap();

        let options = ArrowReaderOptions::new().with_offset_index_policy(PageIndexPolicy::Required);
        let reader =
            ParquetRecordBatchReaderBuilder::try_new_with_options(std::fs::File::open(&path).unwrap(), options)
                .unwrap()
                .build()
                .unwrap();
        let mut got: Vec<Option<String>> = Vec::new();
        for batch in reader {
            let batch = batch.unwrap();
            let a = batch.column(0).as_string::<i32>();
            got.extend((0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i).to_string())));
        }
        let want: Vec<Option<String>> = want.iter().map(|v| v.map(String::from)).collect();
        assert!(got == want, "column read back differs");
    }

    #[test]
    fn chunks_are_rekeyed_to_the_row_group_dictionary() {
        static A: &str = "stage";
        static B: &str = "error";
        let mut first = CodedKeys::default();
        let (a, b) = (first.key_of(A), first.key_of(B));
        first.keys = vec![a, 0, b];
        let mut second = CodedKeys::default();
        let (b2, a2) = (second.key_of(B), second.key_of(A));
        second.keys = vec![b2, a2, 0];
        let mut column = DictColumn::default();
        column.extend(&first);
        column.extend(&second);
        assert_eq!(column.rows.keys, [1, 0, 2, 2, 1, 0]);
        assert_eq!(column.rows.values, [A, B]);
        assert_eq!(column.len(), 6);
    }

    /// Writes `rows` (chunks of 2048) through [`DictColumn`] as a one-column
    /// file, or through arrow-rs's `ArrowWriter` with its own dictionary
    /// encoding; returns the file's bytes.
    fn write_one_column(rows: &[Option<&'static str>], ours: bool) -> Vec<u8> {
        use std::sync::Arc;

        use arrow_array::{ArrayRef, RecordBatch, StringArray};
        use arrow_schema::{DataType, Field, Schema};
        use parquet::arrow::ArrowWriter;
        use parquet::file::properties::WriterProperties;
        use parquet::file::writer::SerializedFileWriter;
        use parquet::schema::parser::parse_message_type;

        let props = || {
            WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL).unwrap()))
                .build()
        };
        let mut out = Vec::new();
        if ours {
            let mut column = DictColumn::default();
            for part in rows.chunks(2048) {
                let mut chunk = CodedKeys::default();
                chunk.keys = part.iter().map(|v| v.map_or(0, |v| chunk.key_of(v))).collect();
                column.extend(&chunk);
            }
            let schema = Arc::new(parse_message_type("message m { optional binary v (STRING); }").unwrap());
            let mut writer = SerializedFileWriter::new(&mut out, schema, Arc::new(props())).unwrap();
            let (bytes, close) = column.encode(writer.schema_descr().column(0)).unwrap();
            let mut group = writer.next_row_group().unwrap();
            group.append_column(&bytes, close).unwrap();
            group.close().unwrap();
            writer.close().unwrap();
        } else {
            let schema = Arc::new(Schema::new(vec![Field::new("v", DataType::Utf8, true)]));
            let array: ArrayRef = Arc::new(StringArray::from(rows.to_vec()));
            let batch = RecordBatch::try_new(Arc::clone(&schema), vec![array]).unwrap();
            let mut writer = ArrowWriter::try_new(&mut out, schema, Some(props())).unwrap();
            writer.write(&batch).unwrap();
            writer.close().unwrap();
        }
        out
    }

    /// What a reader sees of a one-column file: the values, and the column
    /// chunk's type, value count and whether its data is dictionary-encoded.
    fn read_one_column(file: Vec<u8>) -> (Vec<Option<String>>, String, i64, bool) {
        use arrow_array::Array;
        use arrow_array::cast::AsArray;
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

        let builder = ParquetRecordBatchReaderBuilder::try_new(Bytes::from(file)).unwrap();
        let meta = builder.metadata().clone();
        let chunks: Vec<_> = meta.row_groups().iter().map(|g| g.column(0).clone()).collect();
        let values_total = chunks.iter().map(|c| c.num_values()).sum();
        let dictionary = chunks
            .iter()
            .all(|c| c.encodings().any(|e| e == Encoding::RLE_DICTIONARY));
        let kind = format!(
            "{:?} {:?}",
            meta.file_metadata().schema_descr().column(0).physical_type(),
            meta.file_metadata().schema_descr().column(0).logical_type_ref()
        );
        let mut got = Vec::new();
        for batch in builder.build().unwrap() {
            let batch = batch.unwrap();
            let a = batch.column(0).as_string::<i32>();
            got.extend((0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i).to_string())));
        }
        (got, kind, values_total, dictionary)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// The fence around the hand-written pages: any column of
        /// netstage's kind (up to 400 distinct values, nulls anywhere, one
        /// or several chunks long) reads back from our file exactly as from
        /// the file arrow-rs's own writer makes of the same values: same
        /// values and nulls, same physical and logical type, same value
        /// count, both dictionary-encoded.
        #[test]
        fn pages_read_back_as_arrow_rs_writes_them(
            distinct in 1usize..400,
            picks in proptest::collection::vec(proptest::option::weighted(0.8, 0usize..10_000), 1..6000),
        ) {
            let vocabulary: Vec<&'static str> = (0..distinct)
                .map(|i| &*Box::leak(format!("v{i}, \"x\"").into_boxed_str()))
                .collect();
            let rows: Vec<Option<&'static str>> = picks.iter().map(|p| p.map(|i| vocabulary[i % distinct])).collect();
            let ours = read_one_column(write_one_column(&rows, true));
            let arrow = read_one_column(write_one_column(&rows, false));
            proptest::prop_assert_eq!(ours.0.len(), rows.len());
            proptest::prop_assert_eq!(&ours, &arrow);
        }
    }
}
