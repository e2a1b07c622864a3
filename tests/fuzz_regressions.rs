//! Replays the fuzz inputs kept in the repository through the fuzz targets'
//! invariant checks, without libFuzzer: every file of `fuzz/regressions/<target>/`
//! (inputs that once broke an invariant) and of `fuzz/corpus/<target>/` (the
//! minimised corpus). CI runs this, never the fuzzer (see `fuzz/README.md`).
//!
//! The fuzz targets include this file (`#[path]`), so a replay checks exactly
//! what the fuzzer checked:
//!
//! - [`check_record`]: the input is a flags byte then up to 25 fields separated
//!   by `\x1f`, mapped onto `Field::ALL` in order (a field that is not UTF-8 is
//!   set with `set_not_utf8`). Flags: bit 0 `size_coded`, bits 1-2 the edition
//!   (1 = 8th, 2 = 9th, else auto), bit 3 `strict_ajcc`.
//! - [`check_csv_rows`]: the input is a CSV body under the fixed header
//!   [`CSV_HEADER`], staged with `stage_rows` into CSV output.
//! - [`check_xml`]: the input is a NAACCR XML document, read in small batches
//!   by the XML reader and staged with `stage_rows`.

use std::sync::OnceLock;

use csv::{ByteRecord, ReaderBuilder};
use netstage::read::columns::{ColumnMap, ColumnOverrides};
use netstage::stage::{InputContext, stage_rows};
use netstage::write::ChunkEncoder;
use netstage::write::columns::Layout;
use netstage::write::csv_out::CsvChunk;
use netstage_rules::{EditionChoice, Field, Options, Outcome, Record, RuleSet, Status};

/// Separates the fields of a `record` input.
pub const FIELD_SEPARATOR: u8 = 0x1f;

/// The header the `csv_rows` target puts above its input.
pub const CSV_HEADER: [&str; 14] = [
    "record_id",
    "primary_site",
    "histology",
    "behavior",
    "year",
    "path_t",
    "path_n",
    "path_m",
    "size_mm",
    "extent",
    "nodes_positive",
    "metastasis",
    "multiple_tumors",
    "grade",
];

/// Columns of `stages.csv` with one input and no `--keep-columns`, from the
/// column registry.
pub fn output_width() -> usize {
    Layout::default().header().len()
}

/// A `record` input split into its flags byte and fields (at most 25: the
/// last one keeps any further separators).
pub fn split_record_input(data: &[u8]) -> (u8, Vec<&[u8]>) {
    match data.split_first() {
        None => (0, Vec::new()),
        Some((&flags, rest)) => (flags, rest.splitn(Field::COUNT, |&b| b == FIELD_SEPARATOR).collect()),
    }
}

/// The staging options a flags byte selects.
pub fn record_options(flags: u8) -> Options {
    Options {
        edition: match (flags >> 1) & 3 {
            1 => EditionChoice::Eighth,
            2 => EditionChoice::Ninth,
            _ => EditionChoice::Auto,
        },
        strict_ajcc: flags & 8 != 0,
    }
}

/// Builds the record of a `record` input; `grade` replaces the grade field.
fn build_record<'a>(fields: &[&'a [u8]], size_coded: bool, grade: Option<&'a str>) -> Record<'a> {
    let mut rec = Record::new();
    rec.size_coded = size_coded;
    for (&field, &bytes) in Field::ALL.iter().zip(fields) {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                rec.set(field, s);
            }
            Err(_) => {
                rec.set_not_utf8(field);
            }
        }
    }
    if let Some(g) = grade {
        // A fresh value: clear a not-UTF-8 flag by rebuilding the field.
        let mut fresh = Record::new();
        fresh.size_coded = size_coded;
        for field in Field::ALL {
            if field == Field::Grade {
                fresh.set(field, g);
            } else if rec.is_not_utf8(field) {
                fresh.set_not_utf8(field);
            } else {
                fresh.set(field, rec.get(field));
            }
        }
        return fresh;
    }
    rec
}

/// What grade must never change.
fn stage_key(o: &Outcome<'_>) -> String {
    format!(
        "status={:?} schema={:?} t={:?} n={:?} m={:?} stage={:?}",
        o.status, o.schema, o.t, o.n, o.m, o.stage
    )
}

/// The invariants every staged outcome keeps.
fn check_outcome(out: &Outcome<'_>, what: &str) {
    let has_e = out.messages.iter().any(|m| m.code.as_str().starts_with("E_"));
    assert_eq!(
        out.status == Status::Error,
        has_e,
        "{what}: status {} but E_ message present = {has_e} (messages: {})",
        out.status.name(),
        out.messages
    );
    let text = out.messages.to_string();
    let parts = if text.is_empty() { 0 } else { text.split("; ").count() };
    assert_eq!(
        parts,
        out.messages.len(),
        "{what}: messages column does not split back on \"; \": {text:?}"
    );
    if matches!(
        out.status,
        Status::Staged | Status::UnknownStage | Status::NotApplicable
    ) {
        assert!(
            out.stage.is_some(),
            "{what}: status {} without a stage",
            out.status.name()
        );
    }
    if out.status == Status::Staged {
        assert!(
            out.t.is_some() && out.n.is_some() && out.m.is_some() && out.schema.is_some(),
            "{what}: staged without t/n/m/schema: {}",
            stage_key(out)
        );
    }
}

/// The `record` target: stage one record built from `data` and check the
/// engine's invariants.
pub fn check_record(data: &[u8]) {
    let (flags, fields) = split_record_input(data);
    let opts = record_options(flags);
    let size_coded = flags & 1 != 0;
    let rules = RuleSet::standard();

    let rec = build_record(&fields, size_coded, None);
    let out = rules.stage(&rec, &opts);
    check_outcome(&out, "record");

    // Grade is reported only: it never changes status, schema, T, N, M or stage.
    let mut reused = Outcome::blank(Status::Error);
    for g in ["1", "C"] {
        let graded = build_record(&fields, size_coded, Some(g));
        let other = rules.stage(&graded, &opts);
        check_outcome(&other, &format!("record with grade {g:?}"));
        assert_eq!(
            stage_key(&out),
            stage_key(&other),
            "grade {g:?} changed the outcome (original grade {:?})",
            rec.get(Field::Grade)
        );
        // Leave a different outcome in the reused slot.
        rules.stage_to(&graded, &opts, &mut reused);
    }

    // Staging into a reused outcome (the batch path) equals staging afresh.
    rules.stage_to(&rec, &opts, &mut reused);
    assert_eq!(
        format!("{reused:?}"),
        format!("{out:?}"),
        "stage_to into a reused Outcome differs from stage"
    );
}

fn csv_context() -> &'static InputContext {
    static CTX: OnceLock<InputContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let headers: Vec<String> = CSV_HEADER.iter().map(|h| h.to_string()).collect();
        InputContext {
            index: 0,
            source: "fuzz.csv".into(),
            columns: ColumnMap::resolve("fuzz.csv", &headers, &ColumnOverrides::default())
                .expect("the fixed fuzz header resolves"),
            keep: Vec::new(),
        }
    })
}

/// The `record_id` cell a row must produce: copied when the row has the
/// header's width and the value is not blank.
fn expected_record_id(raw: &ByteRecord) -> String {
    if raw.len() != CSV_HEADER.len() {
        return String::new();
    }
    let bytes = raw.get(0).unwrap_or(b"");
    let t = bytes.trim_ascii();
    if t.is_empty() || t.eq_ignore_ascii_case(b"blank(s)") {
        String::new()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// The `csv_rows` target: `data` is a CSV body under [`CSV_HEADER`]; stage it
/// with `stage_rows` and check one well-formed output record per input record.
pub fn check_csv_rows(data: &[u8]) {
    let mut rdr = ReaderBuilder::new().has_headers(false).flexible(true).from_reader(data);
    let mut rows: Vec<ByteRecord> = Vec::new();
    for r in rdr.byte_records() {
        match r {
            Ok(r) => rows.push(r),
            Err(_) => break,
        }
    }
    let mut out = CsvChunk::new(&Layout::default(), rows.len());
    stage_rows(
        RuleSet::standard(),
        &Options::default(),
        csv_context(),
        1,
        &rows,
        &mut out,
    );
    assert_eq!(out.rows(), rows.len() as u64, "rows written != input records");
    assert!(std::str::from_utf8(out.stages()).is_ok(), "stages output is not UTF-8");
    let mut back = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(out.stages());
    let mut n = 0usize;
    for (i, rec) in back.byte_records().enumerate() {
        let rec = rec.unwrap_or_else(|e| panic!("output record {} does not parse: {e}", i + 1));
        assert_eq!(
            rec.len(),
            output_width(),
            "output record {} has {} fields: {:?}",
            i + 1,
            rec.len(),
            String::from_utf8_lossy(rec.as_slice())
        );
        assert_eq!(
            &rec[0],
            (i + 1).to_string().as_bytes(),
            "output record {} row number",
            i + 1
        );
        if let Some(raw) = rows.get(i) {
            assert_eq!(
                String::from_utf8_lossy(&rec[1]),
                expected_record_id(raw),
                "output record {} record_id does not round-trip",
                i + 1
            );
        }
        assert!(
            Status::ALL.iter().any(|s| s.name().as_bytes() == &rec[3]),
            "output record {} has status {:?}",
            i + 1,
            String::from_utf8_lossy(&rec[3])
        );
        n += 1;
    }
    assert_eq!(
        n,
        rows.len(),
        "stages output has {n} records for {} input records",
        rows.len()
    );
}

/// The `xml` target: `data` is read as a NAACCR XML document in batches of
/// 7 tumors. Checks: no panic; a run-level error is exit 65 and nothing
/// else; every record has the reader's width and row numbers run on; each
/// batch stages to exactly its number of rows; the row count is the sum.
pub fn check_xml(data: &[u8]) {
    use netstage::read::batch::Batch;
    use netstage::read::input::ReadTally;
    use netstage::read::raw_row::RawRow;
    use netstage::read::xml_source::XmlSource;

    let stream = Box::new(std::io::Cursor::new(data.to_vec()));
    let mut src = XmlSource::from_stream("fuzz.xml", stream, ReadTally::default()).expect("opening bytes never fails");
    let ctx = InputContext {
        index: 0,
        source: "fuzz.xml".to_string(),
        columns: src.columns.clone(),
        keep: Vec::new(),
    };
    let mut batch = Batch::default();
    let mut total = 0u64;
    loop {
        match src.read_batch(&mut batch, 7) {
            Ok(true) => {
                assert_eq!(batch.first_row, total + 1, "row numbers run on");
                let rows: Vec<_> = (0..batch.len)
                    .map(|r| batch.packed_row(r).expect("XML batches are packed"))
                    .collect();
                for r in &rows {
                    assert_eq!(r.width(), ctx.columns.width, "record width");
                }
                let mut out = CsvChunk::new(&Layout::default(), rows.len());
                stage_rows(
                    RuleSet::standard(),
                    &Options::default(),
                    &ctx,
                    batch.first_row,
                    rows,
                    &mut out,
                );
                assert_eq!(out.rows(), batch.len as u64, "rows written != batch rows");
                total += batch.len as u64;
            }
            Ok(false) => break,
            Err(e) => {
                assert_eq!(e.exit_code(), 65, "run-level XML error with another exit code: {e}");
                return;
            }
        }
    }
    assert_eq!(src.rows(), total, "rows() != records handed on");
}

#[cfg(test)]
mod replay {
    use std::path::{Path, PathBuf};

    use super::{check_csv_rows, check_record, check_xml};

    fn dir(kind: &str, target: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz")
            .join(kind)
            .join(target)
    }

    /// Runs `check` on every file of `fuzz/<kind>/<target>/`; fails naming
    /// every file that broke an invariant. Returns the number of files.
    fn replay(kind: &str, target: &str, check: fn(&[u8])) -> usize {
        let d = dir(kind, target);
        let Ok(entries) = std::fs::read_dir(&d) else {
            return 0;
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.expect("read fuzz dir entry").path())
            .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        files.sort();
        let mut failed = Vec::new();
        for f in &files {
            let data = std::fs::read(f).unwrap_or_else(|e| panic!("read {}: {e}", f.display()));
            if std::panic::catch_unwind(|| check(&data)).is_err() {
                failed.push(f.display().to_string());
            }
        }
        assert!(
            failed.is_empty(),
            "{} of {} inputs in fuzz/{kind}/{target} broke an invariant (panic messages above):\n{}",
            failed.len(),
            files.len(),
            failed.join("\n")
        );
        files.len()
    }

    #[test]
    fn record_regressions() {
        replay("regressions", "record", check_record);
    }

    #[test]
    fn csv_rows_regressions() {
        replay("regressions", "csv_rows", check_csv_rows);
    }

    #[test]
    fn record_corpus() {
        let n = replay("corpus", "record", check_record);
        assert!(n > 0, "fuzz/corpus/record is empty");
    }

    #[test]
    fn csv_rows_corpus() {
        let n = replay("corpus", "csv_rows", check_csv_rows);
        assert!(n > 0, "fuzz/corpus/csv_rows is empty");
    }

    #[test]
    fn xml_regressions() {
        replay("regressions", "xml", check_xml);
    }

    #[test]
    fn xml_corpus() {
        let n = replay("corpus", "xml", check_xml);
        assert!(n > 0, "fuzz/corpus/xml is empty");
    }

    /// The checks themselves hold on hand-made inputs (an empty input, a
    /// staged pancreas NET, a CSV with a quoted id and a short row).
    #[test]
    fn checks_accept_known_good_inputs() {
        check_record(b"");
        check_record(b"\x00id\x1f\x1fC25.1\x1f8150/3\x1f\x1f2019\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f20\x1f\x1fconfined\x1f0\x1f\x1fnone");
        check_csv_rows(b"");
        check_csv_rows(b"\"a,\"\"b\",C250,8240,3,2021,,,,5,confined,0,none,,\nshort,row\n");
        check_xml(b"");
        check_xml(b"<NaaccrData><Patient><Tumor/><Tumor><Item naaccrId=\"primarySite\">C250</Item></Tumor></Patient></NaaccrData>");
        check_xml(b"<NaaccrData><Patient>");
    }
}
