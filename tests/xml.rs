//! NAACCR XML input (io-contract §16, §20): records from Tumors with items
//! inherited from Patient and NaaccrData, namespaces, decoding, error rows
//! for repeated and over-long items, and run-level errors with line and
//! column for documents that are not NAACCR XML.

use crate::util::{Dir, column, netstage, sample};

fn json(d: &Dir) -> serde_json::Value {
    serde_json::from_str(&d.read("out/summary.json")).unwrap()
}

/// Runs one XML document, expects exit 0, returns stages.csv.
fn run_ok(d: &Dir, name: &str, body: &[u8]) -> String {
    let f = d.write(name, body);
    let run = netstage(&["stage", &f, "-o", &d.out(), "--quiet"], None);
    run.expect_code(0);
    d.read("out/stages.csv")
}

/// Runs one XML document, expects exit 65 and no outputs, returns stderr.
fn run_fails(d: &Dir, body: &[u8]) -> String {
    let f = d.write("in.xml", body);
    let run = netstage(&["stage", &f, "-o", &d.out(), "--quiet"], None);
    run.expect_code(65);
    assert!(!d.exists("out/stages.csv"));
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    run.stderr()
}

const NS: &str = r#"xmlns="http://naaccr.org/naaccrxml""#;

fn item(id: &str, value: &str) -> String {
    format!(r#"<Item naaccrId="{id}">{value}</Item>"#)
}

fn tumor(items: &[(&str, &str)]) -> String {
    let body: String = items.iter().map(|(k, v)| item(k, v)).collect();
    format!("<Tumor>{body}</Tumor>")
}

const NET_PANCREAS: &[(&str, &str)] = &[
    ("primarySite", "C250"),
    ("histologicTypeIcdO3", "8240"),
    ("behaviorCodeIcdO3", "3"),
    ("dateOfDiagnosis", "20210315"),
    ("ajccTnmPathT", "pT2"),
    ("ajccTnmPathN", "pN0"),
    ("ajccTnmPathM", "cM0"),
];

#[test]
fn the_xml_sample_stages_exactly_as_its_csv_twin() {
    // sample_data/naaccr_xml_ids.xml is naaccr_xml_ids.csv written as NAACCR
    // XML by scripts/csv_to_naaccr_xml.py: the same golden outputs.
    let d = Dir::new();
    let run = netstage(
        &["stage", &sample("naaccr_xml_ids.xml"), "-o", &d.out(), "--quiet"],
        None,
    );
    run.expect_code(0);
    let golden = crate::util::root().join("tests/data/golden/naaccr_xml_ids");
    for f in ["stages.csv", "flagged.csv", "summary.csv"] {
        let want = std::fs::read_to_string(golden.join(f)).unwrap();
        assert_eq!(d.read(&format!("out/{f}")), want, "{f}");
    }
    let j = json(&d);
    let input = &j["inputs"][0];
    assert_eq!(input["rows"], 200);
    assert_eq!(input["naaccr_xml"]["naaccr_version"], "250");
    assert_eq!(input["naaccr_xml"]["record_type"], "I");
    assert_eq!(input["naaccr_xml"]["specification_version"], "1.7");
    assert_eq!(input["naaccr_xml"]["tumors"], 200);
}

#[test]
fn items_are_inherited_from_patient_and_root_and_blank_items_count_as_absent() {
    let d = Dir::new();
    let doc = format!(
        r#"<?xml version="1.0"?><NaaccrData {NS}>{root}<Patient>{pid}{site}{t1}{t2}</Patient></NaaccrData>"#,
        root = item("dateOfDiagnosis", "2022"),
        pid = item("patientIdNumber", "P1"),
        site = item("primarySite", "C250"),
        // Tumor 1: its own blank site inherits the patient's; year from the root.
        t1 = tumor(&[
            ("primarySite", "  "),
            ("histologicTypeIcdO3", "8240"),
            ("behaviorCodeIcdO3", "3"),
            ("ajccTnmPathT", "pT1"),
            ("ajccTnmPathN", "pN0"),
            ("ajccTnmPathM", "cM0")
        ]),
        // Tumor 2: its own site and year win.
        t2 = tumor(&[
            ("primarySite", "C162"),
            ("dateOfDiagnosis", "20190101"),
            ("histologicTypeIcdO3", "8240"),
            ("behaviorCodeIcdO3", "3"),
            ("ajccTnmPathT", "pT1"),
            ("ajccTnmPathN", "pN0"),
            ("ajccTnmPathM", "cM0")
        ]),
    );
    let stages = run_ok(&d, "in.xml", doc.as_bytes());
    assert_eq!(column(&stages, "record_id"), ["P1", "P1"]);
    assert_eq!(column(&stages, "schema"), ["net_pancreas", "net_stomach"]);
    assert_eq!(column(&stages, "stage"), ["1", "1"]);
}

#[test]
fn namespaces_prefixes_extensions_entities_cdata_bom_and_crlf() {
    let d = Dir::new();
    let doc = "\u{feff}<?xml version=\"1.0\"?>\r\n<n:NaaccrData xmlns:n=\"http://naaccr.org/naaccrxml\" xmlns:x=\"http://example.org/ext\">\r\n\
        <n:Patient><x:extra><n:Item naaccrId=\"primarySite\">C999</n:Item></x:extra>\r\n\
        <n:Tumor><n:Item naaccrNum=\"400\">C25.0</n:Item><n:Item naaccrId=\"histologicTypeIcdO3\"><![CDATA[8240]]></n:Item>\
        <n:Item naaccrId=\"behaviorCodeIcdO3\">&#51;</n:Item><n:Item naaccrId=\"dateOfDiagnosis\">2021</n:Item>\
        <n:Item naaccrId=\"ajccTnmPathT\">p&#x54;2</n:Item><n:Item naaccrId=\"ajccTnmPathN\">pN0</n:Item><n:Item naaccrId=\"ajccTnmPathM\">cM0</n:Item>\
        <n:Item naaccrId=\"ehrReporting\">&lt;not read&gt;</n:Item><n:Item naaccrId=\"grade\">9</n:Item></n:Tumor></n:Patient>\r\n</n:NaaccrData>\r\n";
    let stages = run_ok(&d, "in.xml", doc.as_bytes());
    assert_eq!(column(&stages, "status"), ["staged"]);
    assert_eq!(column(&stages, "t"), ["T2"]);
    assert_eq!(column(&stages, "stage_display"), ["II"]);
    // An attribute value is decoded like any other: `primary&#83;ite` is primarySite.
    let referenced = format!(
        "<NaaccrData><Patient><Tumor><Item naaccrId=\"primary&#83;ite\">C250</Item>{}</Tumor></Patient></NaaccrData>",
        NET_PANCREAS[1..].iter().map(|(k, v)| item(k, v)).collect::<String>()
    );
    let stages = run_ok(&d, "ref.xml", referenced.as_bytes());
    assert_eq!(column(&stages, "stage_display"), ["II"]);
    // Bindings are scoped: a Patient that redeclares the default namespace
    // is an extension (skipped); a Tumor whose own prefix is bound to
    // NAACCR's namespace is read; the binding ends with its element.
    let scoped = format!(
        "<NaaccrData {NS}><Patient xmlns=\"http://example.org/other\">{t}</Patient>\
         <Patient><y:Tumor xmlns:y=\"http://naaccr.org/naaccrxml\">{items}</y:Tumor><y:Tumor>{items}</y:Tumor></Patient></NaaccrData>",
        t = tumor(NET_PANCREAS),
        items = NET_PANCREAS.iter().map(|(k, v)| item(k, v)).collect::<String>(),
    );
    let stages = run_ok(&d, "scoped.xml", scoped.as_bytes());
    assert_eq!(column(&stages, "stage_display"), ["II"]);
    // A document without any namespace reads the same.
    let plain = format!("<NaaccrData><Patient>{}</Patient></NaaccrData>", tumor(NET_PANCREAS));
    let stages = run_ok(&d, "plain.XML", plain.as_bytes());
    assert_eq!(column(&stages, "stage_display"), ["II"]);
}

#[test]
fn repeated_and_over_long_read_items_make_error_rows_of_every_tumor_they_reach() {
    let d = Dir::new();
    let long = "1".repeat(1001);
    let ok_1000 = "&#x41;".repeat(1000);
    // An unknown item of any length is skipped.
    let ehr = format!(r#"<Item naaccrId="ehrReporting">{}</Item>"#, "x".repeat(5000));
    let doc = format!(
        "<NaaccrData {NS}><Patient>{p1}{p1b}{t}{t}</Patient><Patient>{t_long}{t_rep}{t_ok}{t}</Patient><Patient>{ehr}{t}</Patient></NaaccrData>",
        p1 = item("patientIdNumber", "A"),
        p1b = item("patientIdNumber", "B"),
        t = tumor(NET_PANCREAS),
        t_long = tumor(&[
            ("primarySite", "C250"),
            ("histologicTypeIcdO3", "8240"),
            ("regionalNodesPositive", &long)
        ]),
        t_rep = tumor(&[
            ("primarySite", "C250"),
            ("primarySite", "C250"),
            ("histologicTypeIcdO3", "8240")
        ]),
        t_ok = tumor(&[
            ("primarySite", "C250"),
            ("histologicTypeIcdO3", "8240"),
            ("ajccTnmPathT", &ok_1000)
        ]),
    );
    let stages = run_ok(&d, "in.xml", doc.as_bytes());
    assert_eq!(column(&stages, "row"), ["1", "2", "3", "4", "5", "6", "7"]);
    assert_eq!(
        column(&stages, "status"),
        ["error", "error", "error", "error", "error", "staged", "staged"]
    );
    let msgs = column(&stages, "messages");
    assert!(
        msgs[0].starts_with("E_RECORD") && msgs[0].contains("patientIdNumber repeated"),
        "{}",
        msgs[0]
    );
    assert!(
        msgs[2].contains("regionalNodesPositive is longer than 1000 characters"),
        "{}",
        msgs[2]
    );
    assert!(msgs[3].contains("primarySite repeated in one Tumor"), "{}", msgs[3]);
    // 1,000 characters exactly are read (and are a bad T: an E_T row).
    assert!(msgs[4].contains("E_T"), "{}", msgs[4]);
    assert!(!stages.contains("xxxxx"));
}

#[test]
fn a_tumor_without_site_or_histology_is_an_error_row_not_a_run_error() {
    let d = Dir::new();
    let doc = format!(
        "<NaaccrData><Patient><Tumor/>{}</Patient></NaaccrData>",
        tumor(NET_PANCREAS)
    );
    let stages = run_ok(&d, "in.xml", doc.as_bytes());
    assert_eq!(column(&stages, "status"), ["error", "staged"]);
    let msgs = column(&stages, "messages");
    assert!(
        msgs[0].contains("E_SITE") && msgs[0].contains("E_HISTOLOGY"),
        "{}",
        msgs[0]
    );
}

#[test]
fn bytes_that_are_not_utf8_fail_the_item_that_is_read_and_are_ignored_elsewhere() {
    let d = Dir::new();
    let mut doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><NaaccrData><Patient><Tumor>".to_vec();
    for (k, v) in NET_PANCREAS.iter().filter(|(k, _)| *k != "ajccTnmPathT") {
        doc.extend_from_slice(item(k, v).as_bytes());
    }
    doc.extend_from_slice(b"<Item naaccrId=\"nameLast\">M\xfcller</Item></Tumor><Tumor>");
    for (k, v) in NET_PANCREAS.iter().filter(|(k, _)| *k != "ajccTnmPathT") {
        doc.extend_from_slice(item(k, v).as_bytes());
    }
    doc.extend_from_slice(b"<Item naaccrId=\"ajccTnmPathT\">p\xfc2</Item></Tumor></Patient></NaaccrData>");
    let stages = run_ok(&d, "in.xml", &doc);
    assert_eq!(column(&stages, "status"), ["unknown_stage", "error"]);
    let msgs = column(&stages, "messages");
    assert!(
        msgs[1].contains("E_RECORD: path_t has bytes that are not UTF-8"),
        "{}",
        msgs[1]
    );
}

/// io-contract §16: bytes that are not UTF-8 are handled as in CSV: a copied
/// field keeps the rest of its value (each bad sequence shown as U+FFFD),
/// and a genuine U+FFFD character is text, not bad bytes.
#[test]
fn bytes_that_are_not_utf8_read_as_the_same_bytes_in_csv() {
    let d = Dir::new();
    let mut doc = b"<NaaccrData><Patient><Item naaccrId=\"patientIdNumber\">ABC\xe9DEF</Item><Tumor>".to_vec();
    doc.extend_from_slice(b"<Item naaccrId=\"tumorRecordNumber\">0\xe91</Item>");
    doc.extend_from_slice(b"<Item naaccrId=\"primarySite\">C25\xef\xbf\xbd</Item>");
    doc.extend_from_slice(b"<Item naaccrId=\"histologicTypeIcdO3\">8240</Item>");
    doc.extend_from_slice(b"<Item naaccrId=\"dateOfDiagnosis\">20210101</Item></Tumor></Patient></NaaccrData>");
    let xml = run_ok(&d, "in.xml", &doc);
    let csv = b"record_id,tumor_record,site,histology,year\nABC\xe9DEF,0\xe91,C25\xef\xbf\xbd,8240,2021\n";
    let d2 = Dir::new();
    let csv = run_ok(&d2, "in.csv", csv);
    for c in ["record_id", "tumor_record", "status", "messages"] {
        assert_eq!(column(&xml, c), column(&csv, c), "{c}");
    }
    assert_eq!(column(&xml, "record_id"), ["ABC\u{FFFD}DEF"]);
    assert!(column(&xml, "messages")[0].starts_with("E_SITE"), "{xml}");
}

#[test]
fn documents_that_are_not_naaccr_xml_stop_the_run_naming_line_and_column() {
    let d = Dir::new();
    let cases: &[(&[u8], &str)] = &[
        (
            b"<?xml version=\"1.0\"?>\n<!DOCTYPE NaaccrData [<!ENTITY x \"y\">]>\n<NaaccrData/>\n",
            "in.xml:2:1: a DOCTYPE is not accepted",
        ),
        (
            b"<?xml version=\"1.0\"?>\n<Foo/>\n",
            "in.xml:2:1: the root element <Foo> is not NAACCR XML's <NaaccrData>",
        ),
        (
            b"<NaaccrData xmlns=\"http://other.org/\"/>",
            "in.xml:1:1: the root element <NaaccrData> is in another namespace",
        ),
        (
            b"<NaaccrData>\n <Patient>\n  <Tumor>\n",
            "in.xml:4:1: the document ends inside an element (truncated file)",
        ),
        (
            b"<NaaccrData>\n<Patient>\n<Tumor><Item naaccrId=\"primarySite\">C250</Itm>\n",
            "in.xml:3:",
        ),
        (
            b"<NaaccrData><Patient><Tumor><Item naaccrId=\"primarySite\">&ext;</Item></Tumor></Patient></NaaccrData>",
            "in.xml:1:",
        ),
        (b"", "no root element"),
        (b"<NaaccrData/><NaaccrData/>", "a second root element"),
        // Well-formedness is checked in items and subtrees netstage skips too.
        (
            b"<NaaccrData><Patient><Tumor><Item naaccrId=primarySite>C250</Item></Tumor></Patient></NaaccrData>",
            "in.xml:1:29: not well-formed XML",
        ),
        (
            b"<NaaccrData><Patient a=\"1\" a=\"2\"/></NaaccrData>",
            "in.xml:1:13: not well-formed XML",
        ),
        (
            b"<NaaccrData><x:e xmlns:x=\"urn:x\"><!DOCTYPE a></x:e></NaaccrData>",
            "in.xml:1:34: a DOCTYPE is not accepted",
        ),
        (
            b"<NaaccrData><Patient><Tumor><Item naaccrId=\"nameLast\">&nbsp;</Item></Tumor></Patient></NaaccrData>",
            "in.xml:1:55: an entity reference",
        ),
        (
            b"<NaaccrData/><![CDATA[x]]>",
            "in.xml:1:14: character data outside the root element",
        ),
        // A BOM does not shift the columns.
        (
            b"\xef\xbb\xbf<NaaccrData>\n<Patient><Tumor></Patient>",
            "in.xml:2:17: not well-formed XML",
        ),
    ];
    for (body, want) in cases {
        let err = run_fails(&d, body);
        assert!(err.contains(want), "{want:?} not in {err:?}");
    }
}

#[test]
fn gzip_stdin_forced_format_and_mixed_runs() {
    use std::io::Write;
    let d = Dir::new();
    let doc = format!("<NaaccrData><Patient>{}</Patient></NaaccrData>\n", tumor(NET_PANCREAS));
    // One document split over two gzip members.
    let (a, b) = doc.split_at(doc.len() / 2);
    let mut gz = Vec::new();
    for part in [a, b] {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(part.as_bytes()).unwrap();
        gz.extend(enc.finish().unwrap());
    }
    let stages = run_ok(&d, "in.xml.gz", &gz);
    assert_eq!(column(&stages, "stage_display"), ["II"]);
    // A member cut short stops the run.
    let cut = d.write("cut.xml.gz", &gz[..gz.len() - 12]);
    let run = netstage(&["stage", &cut, "-o", &d.out(), "--quiet"], None);
    run.expect_code(65);
    // Named by where its readable bytes end (io-contract §16, §20 item 6):
    // past the whole first member, on the document's one line.
    let err = run.stderr();
    let at = err.split("cut.xml.gz:1:").nth(1).unwrap_or_else(|| panic!("{err}"));
    let (col, what) = at.split_once(": ").unwrap_or_else(|| panic!("{err}"));
    let col: usize = col.parse().unwrap_or_else(|_| panic!("{err}"));
    assert!(col > doc.len() / 2 && col <= doc.len(), "{err}");
    assert!(what.starts_with("unreadable or truncated input"), "{err}");
    // stdin, and a file without the extension, read as XML when told so.
    let run = netstage(
        &["stage", "-", "--input-format", "xml", "-o", &d.out(), "--quiet"],
        Some(doc.as_bytes()),
    );
    run.expect_code(0);
    assert_eq!(column(&d.read("out/stages.csv"), "stage_display"), ["II"]);
    let txt = d.write("export.txt", doc.as_bytes());
    netstage(
        &["stage", &txt, "--input-format", "xml", "-o", &d.out(), "--quiet"],
        None,
    )
    .expect_code(0);
    // Gzip told by its first bytes where no `.gz` says so: stdin, a renamed file.
    let run = netstage(
        &["stage", "-", "--input-format", "xml", "-o", &d.out(), "--quiet"],
        Some(&gz),
    );
    run.expect_code(0);
    assert_eq!(column(&d.read("out/stages.csv"), "stage_display"), ["II"]);
    let renamed = d.write("export.xml", &gz);
    netstage(&["stage", &renamed, "-o", &d.out(), "--quiet"], None).expect_code(0);
    assert_eq!(column(&d.read("out/stages.csv"), "stage_display"), ["II"]);
    // XML and CSV in one run: the source column tells them apart.
    let xml = d.write("a.xml", doc.as_bytes());
    let csv = d.write(
        "b.csv",
        "primary_site,histology,behavior,year,path_t,path_n,path_m\nC250,8240,3,2021,pT2,pN0,cM0\n",
    );
    netstage(&["stage", &xml, &csv, "-o", &d.out(), "--quiet"], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    assert_eq!(column(&stages, "stage_display"), ["II", "II"]);
    assert!(column(&stages, "source")[0].ends_with("a.xml"));
    assert!(column(&stages, "source")[1].ends_with("b.csv"));
}

#[test]
fn help_completions_and_man_page_name_every_input_format() {
    let help = netstage(&["stage", "--help"], None);
    help.expect_code(0);
    for word in ["--input-format", "NAACCR XML", ".xml.gz", "Parquet", "FILE:LINE:COLUMN"] {
        assert!(help.stdout().contains(word), "stage --help lacks {word}");
    }
    for shell in ["bash", "zsh", "fish"] {
        let run = netstage(&["completions", shell], None);
        run.expect_code(0);
        assert!(
            run.stdout().contains("input-format"),
            "{shell} completion lacks --input-format"
        );
    }
    let man = netstage(&["man"], None);
    man.expect_code(0);
    assert!(man.stdout().starts_with(".ie") || man.stdout().contains(".TH netstage 1"));
    assert!(man.stdout().contains("stage"));
    netstage(&["completions", "tcsh"], None).expect_code(64);
}

/// io-contract §20 item 4: item text is read chunk by chunk (an unknown
/// item's dropped, a read item's kept to its limit), and positions after it
/// still name the right line and column.
#[test]
fn long_item_text_is_read_in_pieces_and_positions_stay_right() {
    let d = Dir::new();
    let lines = "y".repeat(99) + "\n";
    let long = lines.repeat(5_000); // 500 KB and 5,000 lines: several reads
    let items: String = NET_PANCREAS.iter().map(|(k, v)| item(k, v)).collect();
    let mut doc = format!("<NaaccrData><Patient><Tumor>{items}");
    doc.push_str(&format!("<Item naaccrId=\"textRemarks\">{long}&amp;{long}</Item>"));
    doc.push_str(&format!("<Item naaccrId=\"gradeClinical\">{long}</Item></Tumor>"));
    doc.push_str(&format!("<Tumor>{items}"));
    doc.push_str(&format!(
        "<Item naaccrId=\"textRemarks\">{long}</Item></Tumor></Patient></NaaccrData>\n"
    ));
    let stages = run_ok(&d, "in.xml", doc.as_bytes());
    assert_eq!(column(&stages, "status"), ["error", "staged"]);
    assert!(
        column(&stages, "messages")[0].contains("item gradeClinical is longer than 1000 characters"),
        "{stages}"
    );
    // An error after 10,000 lines of skipped text: line 10,001.
    let bad = format!(
        "<NaaccrData><Patient><Item naaccrId=\"textRemarks\">{long}{long}</Item> <Tumor x></Tumor></Patient></NaaccrData>"
    );
    let err = run_fails(&Dir::new(), bad.as_bytes());
    assert!(err.contains("in.xml:10001:"), "{err}");
}
