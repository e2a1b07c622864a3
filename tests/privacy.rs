//! Privacy: messages and log lines never print a whole input record, nor any
//! value of a column the engine does not read (records are health data).

use crate::util::{Dir, OUTPUT_FILES, Run, netstage};

/// What a person or a log can see of a run: its stdout and stderr, and every
/// output file when it succeeded.
fn logs_and_outputs(d: &Dir, run: &Run) -> Vec<String> {
    let mut texts = vec![run.stdout(), run.stderr()];
    if run.code() == 0 {
        for file in OUTPUT_FILES {
            texts.push(d.read(&format!("out/{file}")));
        }
    }
    texts
}

#[test]
fn no_output_or_log_line_carries_unread_values_or_whole_records() {
    let d = Dir::new();
    // Unread columns hold markers; read columns hold bad values so that every
    // kind of message is produced.
    let header =
        "record_id,primary_site,histology,year,path_t,path_n,size_mm,nodes_positive,patient_name,ssn,address\n";
    let rows = [
        "r1,C162,82x0,2021,pT1,pN0,,,SECRET-NAME-1,SECRET-SSN-1,SECRET ADDRESS 1",
        "r2,C162,8240,2021,pT9,pN0,abc,93,SECRET-NAME-2,SECRET-SSN-2,\"SECRET, ADDRESS 2\"",
        "r3,C2X0,8240,20X1,pT1,pN0,,,SECRET-NAME-3,SECRET-SSN-3,SECRET ADDRESS 3",
        "r4,C162,8240,2021,pT1,pN0,,,SECRET-NAME-4,SECRET-SSN-4",
        "r5,C162,8240,2021,pT1,pN0,,,SECRET-NAME-5,SECRET-SSN-5,SECRET ADDRESS 5,SECRET EXTRA",
    ];
    let body = format!("{header}{}\n", rows.join("\n"));
    let f = d.write("phi.csv", &body);
    for args in [vec!["--strict"], vec!["--max-errors", "1"], vec![]] {
        let out = d.out();
        let mut a = vec!["stage", f.as_str(), "-o", out.as_str()];
        a.extend(args.iter().copied());
        let run = netstage(&a, None);
        for text in &logs_and_outputs(&d, &run) {
            assert!(!text.contains("SECRET"), "an unread value leaked:\n{text}");
            for row in &rows {
                assert!(!text.contains(row), "a whole record leaked:\n{text}");
            }
        }
    }
}

#[test]
fn xml_messages_name_items_never_unread_values() {
    let d = Dir::new();
    let secret = |n: u32| {
        format!(
            r#"<Item naaccrId="nameLast">SECRET-NAME-{n}</Item><Item naaccrId="socialSecurityNumber">SECRET-SSN-{n}</Item>"#
        )
    };
    let doc = format!(
        "<NaaccrData><Patient>{s1}<Tumor><Item naaccrId=\"primarySite\">C162</Item><Item naaccrId=\"histologicTypeIcdO3\">82x0</Item></Tumor></Patient>\
         <Patient>{s2}<Item naaccrId=\"patientIdNumber\">a</Item><Item naaccrId=\"patientIdNumber\">b</Item><Tumor/></Patient>\
         <Patient>{s3}<Tumor><Item naaccrId=\"ajccTnmPathT\">{long}</Item></Tumor></Patient></NaaccrData>",
        s1 = secret(1),
        s2 = secret(2),
        s3 = secret(3),
        long = "SECRET".repeat(200),
    );
    let f = d.write("phi.xml", doc);
    let run = netstage(&["stage", &f, "-o", &d.out()], None);
    run.expect_code(0);
    for text in &logs_and_outputs(&d, &run) {
        assert!(!text.contains("SECRET"), "an unread or over-long value leaked:\n{text}");
    }
    // A broken document names the place, not the text around it.
    let bad = d.write(
        "bad.xml",
        "<NaaccrData><Patient><Item naaccrId=\"nameLast\">SECRET-NAME</Itm></Patient></NaaccrData>",
    );
    let run = netstage(&["stage", &bad, "-o", &d.out()], None);
    run.expect_code(65);
    assert!(!run.stderr().contains("SECRET"), "{}", run.stderr());
}
