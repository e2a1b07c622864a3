//! Determinism across thread counts and batch boundaries, and interruption.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Dir, column, netstage, sample};

/// The sample repeated until it spans several 16k-row batches.
fn big_input(d: &Dir, copies: usize) -> String {
    let text = std::fs::read_to_string(sample("registry_export.csv")).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    let mut out = String::with_capacity(text.len() * copies);
    out.push_str(header);
    out.push('\n');
    for _ in 0..copies {
        out.push_str(body);
    }
    d.write("big.csv", out)
}

fn summary_without_timing(d: &Dir, out: &str) -> serde_json::Value {
    let mut j: serde_json::Value = serde_json::from_str(&d.read(&format!("{out}/summary.json"))).unwrap();
    let o = j.as_object_mut().unwrap();
    assert!(o.remove("seconds").is_some());
    assert!(o.remove("rows_per_second").is_some());
    j
}

#[test]
fn output_bytes_are_identical_for_any_thread_count() {
    let d = Dir::new();
    let input = big_input(&d, 12); // 36,000 rows: three batches
    let mut runs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = format!("out{threads}");
        let dir = d.path().join(&out).display().to_string();
        netstage(&["stage", &input, "-o", &dir, "--threads", threads, "--quiet"], None).expect_code(0);
        runs.push(out);
    }
    let first = &runs[0];
    assert_eq!(column(&d.read(&format!("{first}/stages.csv")), "row").len(), 36_000);
    for other in &runs[1..] {
        for f in ["stages.csv", "flagged.csv", "summary.csv"] {
            assert!(
                d.read(&format!("{first}/{f}")) == d.read(&format!("{other}/{f}")),
                "{f} differs between {first} and {other}"
            );
        }
        assert_eq!(summary_without_timing(&d, first), summary_without_timing(&d, other));
    }
    // Every row once, in input order, across batch boundaries.
    let rows = column(&d.read(&format!("{first}/stages.csv")), "row");
    let expected: Vec<String> = (1..=36_000).map(|r: u32| r.to_string()).collect();
    assert!(rows == expected, "rows are not 1..=36000 in order");
}

#[test]
fn rows_stay_in_input_order_with_more_batches_than_are_in_flight() {
    // 96,000 rows: six batches of 16k, more than the four that circulate
    // between the reader and the writer, each staged as eight chunks.
    let d = Dir::new();
    let input = big_input(&d, 32);
    let dir = d.path().join("out").display().to_string();
    netstage(&["stage", &input, "-o", &dir, "--threads", "3", "--quiet"], None).expect_code(0);
    let stages = d.read("out/stages.csv");
    let rows = column(&stages, "row");
    let expected: Vec<String> = (1..=96_000).map(|r: u32| r.to_string()).collect();
    assert!(rows == expected, "rows are not 1..=96000 in order");
    // Each 3,000-row copy of the sample is staged alike wherever it falls.
    let stage = column(&stages, "stage");
    let record_ids = column(&stages, "record_id");
    for copy in 1..32 {
        let at = copy * 3_000;
        assert!(stage[at..at + 3_000] == stage[..3_000], "copy {copy}: stages differ");
        assert!(
            record_ids[at..at + 3_000] == record_ids[..3_000],
            "copy {copy}: record ids differ"
        );
    }
}

#[test]
fn errors_of_rows_read_before_a_read_error_are_reported_first() {
    // Six batches gzipped, cut off two fifths in: the reader fails in the
    // third batch while the first (with error rows) is still being staged.
    let d = Dir::new();
    let text = std::fs::read(big_input(&d, 32)).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).unwrap();
    let gz = gz.finish().unwrap();
    let input = d.write("cut.csv.gz", &gz[..gz.len() * 2 / 5]);
    let out = d.out();
    for _ in 0..3 {
        // --strict stops at the first batch, whatever the reader does meanwhile.
        let run = netstage(&["stage", &input, "-o", &out, "--strict", "--threads", "3"], None);
        run.expect_code(65);
        assert!(
            run.stderr().contains("--strict and some rows are errors"),
            "{}",
            run.stderr()
        );
    }
    let run = netstage(&["stage", &input, "-o", &out, "--threads", "3"], None);
    run.expect_code(65);
    assert!(run.stderr().contains("truncated input"), "{}", run.stderr());
    assert!(!d.exists("out/stages.csv"));
}

/// How a test watches for the run's first temporary output.
#[derive(Clone, Copy)]
enum Watch {
    /// Without pausing: the signal lands while the other outputs are created.
    Spin,
    /// Every 20 ms: the signal lands once the run is reading.
    Poll,
}

/// Starts `netstage stage -` on a row, keeps its stdin open, sends `signal`
/// once the first temporary output exists, and checks that the run exits
/// with `code` and leaves no file, nor the output directory it created.
fn signal_a_run(signal: libc::c_int, code: i32, watch: Watch, case: &str) {
    let d = Dir::new();
    let out = d.out();
    let mut child = Command::new(env!("CARGO_BIN_EXE_netstage"))
        .args(["stage", "-", "-o", &out])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"site,histology,year\nC162,8240,2021\n").unwrap();
    stdin.flush().unwrap();
    let started = Instant::now();
    while !std::fs::read_dir(&out).is_ok_and(|mut r| r.next().is_some()) {
        let waited = started.elapsed();
        assert!(
            waited < Duration::from_secs(60),
            "{case}: netstage never started writing"
        );
        // Spinning keeps a core busy: on a loaded machine, stop after a while.
        if matches!(watch, Watch::Spin) && waited < Duration::from_secs(2) {
            std::thread::yield_now();
        } else {
            std::thread::sleep(Duration::from_millis(if matches!(watch, Watch::Spin) { 1 } else { 20 }));
        }
    }
    // Sent directly: spawning `kill` would take longer than the window.
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) only sends a signal to the child started above.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{case}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The run created the output directory: it is removed with the files.
    let left: Vec<_> = std::fs::read_dir(&out).map(|r| r.collect()).unwrap_or_default();
    assert!(left.is_empty(), "{case}: files left behind: {left:?}");
    assert!(
        !std::path::Path::new(&out).exists(),
        "{case}: the output directory the run created is left behind"
    );
}

/// A signal the moment the first temporary output appears, while the others
/// are still being created, leaves no file behind. Before outputs were
/// created under the registry's lock this failed within 30 steps every time.
#[test]
fn a_signal_while_outputs_are_being_created_leaves_none() {
    for step in 0..30 {
        let (signal, code) = if step % 2 == 0 {
            (libc::SIGTERM, 143)
        } else {
            (libc::SIGINT, 130)
        };
        signal_a_run(signal, code, Watch::Spin, &format!("step {step}"));
    }
}

/// SIGTERM / SIGINT while reading stdin: no outputs, exit 143 / 130.
#[test]
fn a_signal_leaves_no_outputs() {
    signal_a_run(libc::SIGTERM, 143, Watch::Poll, "SIGTERM");
    signal_a_run(libc::SIGINT, 130, Watch::Poll, "SIGINT");
}
