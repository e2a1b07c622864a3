//! Test helpers: a temporary directory per test and a runner for the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The files a successful `stage` run writes, sorted.
pub const OUTPUT_FILES: [&str; 5] = [
    "flagged.csv",
    "report.html",
    "stages.csv",
    "summary.csv",
    "summary.json",
];

/// Path of the repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled sample file.
pub fn sample(name: &str) -> String {
    root().join("sample_data").join(name).display().to_string()
}

/// A temporary directory that lives as long as the test.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes a file and returns its path as a string.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let p = self.path().join(name);
        std::fs::write(&p, contents).expect("write fixture");
        p.display().to_string()
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).exists()
    }

    pub fn out(&self) -> String {
        self.path().join("out").display().to_string()
    }
}

/// The result of a run, with a readable panic message helper.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Asserts the exit code, showing stdout and stderr when it differs.
    pub fn expect_code(&self, want: i32) -> &Run {
        assert_eq!(
            self.code(),
            want,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Runs `netstage` with arguments, optionally feeding stdin.
pub fn netstage(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_netstage"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd.spawn().expect("spawn netstage");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input).expect("feed stdin");
    }
    Run {
        output: child.wait_with_output().expect("wait"),
    }
}

/// Parses a CSV text into rows of strings.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("csv").iter().map(str::to_string).collect())
        .collect()
}

/// The value of `column` in every data row of a CSV text.
pub fn column(text: &str, column: &str) -> Vec<String> {
    let rows = csv_rows(text);
    let i = rows[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    rows[1..].iter().map(|r| r[i].clone()).collect()
}
