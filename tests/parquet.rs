//! Parquet in and out: typed columns read as the contract says, CSV and
//! Parquet inputs give the same rows, Parquet output reads back equal to CSV.

use std::fs::File;
use std::sync::Arc;

use arrow_array::builder::{StringDictionaryBuilder, StringViewBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, LargeStringArray, RecordBatch,
    StringArray, TimestampMillisecondArray, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::basic::{Compression, GzipLevel};
use parquet::file::metadata::PageIndexPolicy;
use parquet::file::properties::WriterProperties;

use crate::util::{Dir, column, csv_rows, netstage, sample};

fn write_parquet(path: &str, columns: Vec<(&str, ArrayRef)>, compression: Compression) {
    write_parquet_with(
        path,
        columns,
        WriterProperties::builder().set_compression(compression).build(),
    );
}

fn write_parquet_with(path: &str, columns: Vec<(&str, ArrayRef)>, props: WriterProperties) {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(Arc::clone(&schema), columns.into_iter().map(|(_, a)| a).collect()).unwrap();
    let mut w = ArrowWriter::try_new(File::create(path).unwrap(), schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// CSV rows (header first) as string columns, blank cells null.
fn string_columns(rows: &[Vec<String>]) -> Vec<(&str, ArrayRef)> {
    rows[0]
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let values: Vec<Option<&str>> = rows[1..]
                .iter()
                .map(|r| Some(r[c].as_str()).filter(|v| !v.is_empty()))
                .collect();
            (h.as_str(), Arc::new(StringArray::from(values)) as ArrayRef)
        })
        .collect()
}

/// Integer, float, date, timestamp, dictionary, view and large string columns
/// stage exactly like their text spellings.
#[test]
fn typed_columns_read_as_the_contract_says() {
    let d = Dir::new();
    // Rows: pancreas NET 2021 (site int 250 -> C250), colon NET by date 2024,
    // stomach NET with NAACCR coded size float 5.0, a null site (error row).
    let site = Int64Array::from(vec![Some(250), Some(187), Some(162), None]);
    let hist = Int32Array::from(vec![8240, 8240, 8240, 8240]);
    let year = Date32Array::from(vec![18_701, 19_800, 18_701, 18_701]); // 2021-03-15, 2024-03-18
    let size = Float64Array::from(vec![Some(20.0), Some(12.5), Some(5.0), None]);
    let nodes = Int32Array::from(vec![Some(0), Some(3), None, Some(0)]);
    let mut ext = StringDictionaryBuilder::<Int32Type>::new();
    for v in ["confined", "submucosa", "submucosa", "confined"] {
        ext.append_value(v);
    }
    let mut mets = StringViewBuilder::new();
    for v in [Some("none"), Some("liver"), None, Some("none")] {
        mets.append_option(v);
    }
    let id = LargeStringArray::from(vec!["a", "b", "c", "d"]);
    let seen = TimestampMillisecondArray::from(vec![0_i64, 86_400_000, 0, 0]);
    let multiple = BooleanArray::from(vec![false, true, false, false]);
    let pq = d.path().join("typed.parquet").display().to_string();
    write_parquet(
        &pq,
        vec![
            ("patientIdNumber", Arc::new(id) as ArrayRef),
            (
                "tumorRecordNumber",
                Arc::new(Int64Array::from(vec![Some(1), Some(2), Some(10), None])),
            ),
            ("primarySite", Arc::new(site)),
            ("histologicTypeIcdO3", Arc::new(hist)),
            ("dateOfDiagnosis", Arc::new(year)),
            ("tumorSizeSummary", Arc::new(size)),
            ("regionalNodesPositive", Arc::new(nodes)),
            ("extent", Arc::new(ext.finish())),
            ("metastasis", Arc::new(mets.finish())),
            ("multiple_tumors", Arc::new(multiple)),
            ("last_seen", Arc::new(seen)),
        ],
        Compression::SNAPPY,
    );
    netstage(&["stage", &pq, "-o", &d.out(), "--keep-columns"], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    assert_eq!(column(&stages, "record_id"), vec!["a", "b", "c", "d"]);
    // An integer tumor record number gets its NAACCR leading zero back.
    assert_eq!(column(&stages, "tumor_record"), vec!["01", "02", "10", ""]);
    assert_eq!(
        column(&stages, "site_group"),
        vec!["pancreas", "colon_rectum", "stomach", ""]
    );
    assert_eq!(
        column(&stages, "schema"),
        vec!["net_pancreas", "net_colon_rectum_v9", "net_stomach", ""]
    );
    assert_eq!(column(&stages, "t"), vec!["T2", "T1b", "T1", ""]);
    assert_eq!(column(&stages, "n"), vec!["N0", "N1", "NX", ""]);
    assert_eq!(column(&stages, "m"), vec!["M0", "M1a", "M0", ""]);
    assert_eq!(column(&stages, "t_suffix"), vec!["", "(m)", "", ""]);
    assert_eq!(column(&stages, "stage"), vec!["2", "4", "99", ""]);
    assert_eq!(
        column(&stages, "status"),
        vec!["staged", "staged", "unknown_stage", "error"]
    );
    assert_eq!(column(&stages, "messages")[3], "E_SITE: primary_site is blank");
    assert_eq!(
        column(&stages, "last_seen"),
        vec!["1970-01-01", "1970-01-02", "1970-01-01", "1970-01-01"]
    );
}

/// The same records as CSV and as Parquet (gzip, zstd, snappy, none) give the
/// same stages.csv, also in a mixed run.
#[test]
fn csv_and_parquet_inputs_give_identical_rows() {
    let d = Dir::new();
    let csv_path = sample("registry_export.csv");
    let rows = csv_rows(&std::fs::read_to_string(&csv_path).unwrap());
    let columns = string_columns(&rows);
    netstage(&["stage", &csv_path, "-o", &d.out(), "--quiet"], None).expect_code(0);
    let from_csv = d.read("out/stages.csv");
    for (name, compression) in [
        ("gzip", Compression::GZIP(GzipLevel::default())),
        ("zstd", Compression::ZSTD(Default::default())),
        ("snappy", Compression::SNAPPY),
        ("none", Compression::UNCOMPRESSED),
    ] {
        let pq = d.path().join(format!("{name}.parquet")).display().to_string();
        write_parquet(&pq, columns.clone(), compression);
        let out = d.path().join(format!("out-{name}")).display().to_string();
        netstage(&["stage", &pq, "-o", &out, "--quiet"], None).expect_code(0);
        assert!(
            d.read(&format!("out-{name}/stages.csv")) == from_csv,
            "{name}: Parquet input differs from CSV"
        );
    }
    // Mixed run: rows tagged by source, numbered per file.
    let pq = d.path().join("zstd.parquet").display().to_string();
    netstage(&["stage", &csv_path, &pq, "-o", &d.out(), "--quiet"], None).expect_code(0);
    let mixed = d.read("out/stages.csv");
    let sources = column(&mixed, "source");
    assert_eq!(sources.len(), 6000);
    assert_eq!(sources[2999], csv_path);
    assert_eq!(sources[3000], pq);
    assert_eq!(column(&mixed, "row")[3000], "1");
}

/// A stages.parquet as text rows (blank for null), checking the typed columns.
fn read_stages_parquet(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    // Every column has its page locations (readers may require them).
    let options = ArrowReaderOptions::new().with_offset_index_policy(PageIndexPolicy::Required);
    let reader = ParquetRecordBatchReaderBuilder::try_new_with_options(File::open(path).unwrap(), options)
        .unwrap()
        .build()
        .unwrap();
    let mut got: Vec<Vec<String>> = Vec::new();
    let mut header: Vec<String> = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let schema = batch.schema();
        header = schema.fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(schema.field(0).data_type(), &DataType::UInt64);
        let og = header.iter().position(|h| h == "organ_general").unwrap();
        assert_eq!(schema.field(og).data_type(), &DataType::Boolean);
        for r in 0..batch.num_rows() {
            let row: Vec<String> = batch
                .columns()
                .iter()
                .map(|col| {
                    if col.is_null(r) {
                        String::new()
                    } else if let Some(a) = col.as_any().downcast_ref::<UInt64Array>() {
                        a.value(r).to_string()
                    } else if let Some(a) = col.as_any().downcast_ref::<BooleanArray>() {
                        a.value(r).to_string()
                    } else {
                        col.as_any().downcast_ref::<StringArray>().unwrap().value(r).to_string()
                    }
                })
                .collect();
            got.push(row);
        }
    }
    (header, got)
}

/// stages.parquet reads back (arrow-rs) equal to stages.csv, with typed columns.
#[test]
fn parquet_output_reads_back_equal_to_csv() {
    let d = Dir::new();
    let input = sample("registry_export.csv");
    netstage(&["stage", &input, "-o", &d.out(), "--quiet"], None).expect_code(0);
    let csv = csv_rows(&d.read("out/stages.csv"));
    let pq_out = d.path().join("pq").display().to_string();
    netstage(
        &["stage", &input, "-o", &pq_out, "--quiet", "--output-format", "parquet"],
        None,
    )
    .expect_code(0);
    assert!(!d.exists("pq/stages.csv"));
    assert_eq!(d.read("pq/flagged.csv"), d.read("out/flagged.csv"));
    let (header, got) = read_stages_parquet(&d.path().join("pq/stages.parquet"));
    assert_eq!(header, csv[0]);
    assert_eq!(got.len(), 3000);
    assert!(got == csv[1..], "stages.parquet differs from stages.csv");
}

#[test]
fn corrupt_and_truncated_parquet_exit_65() {
    let d = Dir::new();
    let good = d.path().join("good.parquet").display().to_string();
    write_parquet(
        &good,
        vec![
            ("site", Arc::new(StringArray::from(vec!["C250"])) as ArrayRef),
            ("histology", Arc::new(StringArray::from(vec!["8240"]))),
        ],
        Compression::SNAPPY,
    );
    let bytes = std::fs::read(&good).unwrap();
    let cut = d.write("cut.parquet", &bytes[..bytes.len() / 2]);
    let junk = d.write("junk.parquet", b"this is not parquet at all, just text\n".repeat(10));
    for f in [cut, junk] {
        let run = netstage(&["stage", &f, "-o", &d.out()], None);
        run.expect_code(65);
        assert!(run.stderr().contains("Parquet"), "{}", run.stderr());
        assert!(!d.exists("out/stages.csv"));
    }
    // A column type netstage cannot read as text, in a used field: 65 naming it.
    let list = d.path().join("list.parquet").display().to_string();
    let bad = arrow_array::ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1)])]);
    write_parquet(
        &list,
        vec![
            ("site", Arc::new(bad) as ArrayRef),
            ("histology", Arc::new(StringArray::from(vec!["8240"]))),
        ],
        Compression::SNAPPY,
    );
    let run = netstage(&["stage", &list, "-o", &d.out()], None);
    run.expect_code(65);
    assert!(run.stderr().contains("\"site\""), "{}", run.stderr());
}

/// A Parquet input spanning several batches and row groups gives the rows of
/// the same CSV; stages.parquet is byte-identical for any thread count and
/// reads back equal to stages.csv.
#[test]
fn parquet_in_and_out_across_batches_for_any_thread_count() {
    let d = Dir::new();
    let text = std::fs::read_to_string(sample("registry_export.csv")).unwrap();
    let (head, body) = text.split_once('\n').unwrap();
    let big_csv = d.write("big.csv", format!("{head}\n{}", body.repeat(12))); // 36,000 rows
    let rows = csv_rows(&d.read("big.csv"));
    let big_pq = d.path().join("big.parquet").display().to_string();
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(Default::default()))
        .set_max_row_group_row_count(Some(10_000))
        .build();
    write_parquet_with(&big_pq, string_columns(&rows), props);

    netstage(&["stage", &big_csv, "-o", &d.out(), "--quiet"], None).expect_code(0);
    let from_csv = d.read("out/stages.csv");
    let pq_csv = d.path().join("pq-csv").display().to_string();
    netstage(&["stage", &big_pq, "-o", &pq_csv, "--quiet"], None).expect_code(0);
    assert!(
        d.read("pq-csv/stages.csv") == from_csv,
        "Parquet input differs from CSV"
    );

    let mut files = Vec::new();
    for threads in ["1", "3"] {
        let out = d.path().join(format!("pq{threads}")).display().to_string();
        netstage(
            &[
                "stage",
                &big_pq,
                "-o",
                &out,
                "--quiet",
                "--output-format",
                "parquet",
                "--threads",
                threads,
            ],
            None,
        )
        .expect_code(0);
        files.push(std::fs::read(d.path().join(format!("pq{threads}/stages.parquet"))).unwrap());
    }
    assert!(files[0] == files[1], "stages.parquet differs between --threads 1 and 3");
    let (got_header, got) = read_stages_parquet(&d.path().join("pq1/stages.parquet"));
    let csv = csv_rows(&from_csv);
    assert_eq!(got_header, csv[0]);
    assert_eq!(got.len(), 36_000);
    assert_eq!(got[16_384][0], "16385");
    assert!(got == csv[1..], "stages.parquet differs from stages.csv");
}

/// --keep-columns copies input columns named like output columns (`status`,
/// `row`) or like an earlier kept column after the contract's columns as
/// `input_status`, `input_row`, `input_comment`, in CSV and Parquet alike.
#[test]
fn kept_columns_named_like_output_columns() {
    let d = Dir::new();
    let input = d.write(
        "in.csv",
        "primary_site,histology,year,status,row,comment,comment\nC250,8240,2021,old,7,a,a2\n,8240,2021,,x,b,b2\n",
    );
    netstage(&["stage", &input, "-o", &d.out(), "--quiet", "--keep-columns"], None).expect_code(0);
    let csv = csv_rows(&d.read("out/stages.csv"));
    let pq_out = d.path().join("pq").display().to_string();
    netstage(
        &[
            "stage",
            &input,
            "-o",
            &pq_out,
            "--quiet",
            "--keep-columns",
            "--output-format",
            "parquet",
        ],
        None,
    )
    .expect_code(0);
    let (header, got) = read_stages_parquet(&d.path().join("pq/stages.parquet"));
    assert_eq!(header, csv[0]);
    assert_eq!(
        &header[header.len() - 4..],
        ["input_status", "input_row", "comment", "input_comment"]
    );
    assert_eq!(got, csv[1..]);
    // A repeated header keeps each of its columns.
    assert_eq!(&got[0][got[0].len() - 4..], ["old", "7", "a", "a2"]);
    assert_eq!(&got[1][got[1].len() - 4..], ["", "x", "b", "b2"]);
}
