//! Run-level errors and their exit codes (io-contract §6). Row-level problems
//! are never errors here: they become `error` rows.

use std::io;

/// Exit status: the run finished (rows with `error` status included).
pub const EXIT_OK: u8 = 0;
/// Exit status: bad flags.
pub const EXIT_USAGE: u8 = 64;
/// Exit status: input unusable, or `--strict` / `--max-errors` exceeded.
pub const EXIT_DATA: u8 = 65;
/// Exit status: an input file does not exist or cannot be opened.
pub const EXIT_NO_INPUT: u8 = 66;
/// Exit status: internal error.
pub const EXIT_SOFTWARE: u8 = 70;
/// Exit status: the output directory cannot be created or written.
pub const EXIT_CANT_CREATE: u8 = 73;
/// Exit status: I/O error while reading or writing.
pub const EXIT_IO: u8 = 74;

/// A failure of the whole run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// An input cannot be opened (66).
    #[error("{path}: cannot open input: {source}")]
    InputOpen {
        /// The path as given.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// An input is unusable: format, columns, truncated stream (65).
    #[error("{path}: {what}")]
    InputUnusable {
        /// The path as given.
        path: String,
        /// What is wrong.
        what: String,
    },
    /// An input that is not well-formed (NAACCR XML): where, 1-based (65).
    #[error("{path}:{line}:{column}: {what}")]
    InputSyntax {
        /// The path as given.
        path: String,
        /// Line of the problem.
        line: u64,
        /// Column (in bytes) of the problem.
        column: u64,
        /// What is wrong.
        what: String,
    },
    /// Error rows under `--strict` or beyond `--max-errors` (65).
    #[error("{what}")]
    TooManyErrors {
        /// Summary naming the first error rows.
        what: String,
    },
    /// The output directory cannot be created or written (73).
    #[error("{path}: cannot create output: {source}")]
    OutputCreate {
        /// The path.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// Reading or writing failed mid-run (74).
    #[error("{path}: I/O error: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// SIGINT or SIGTERM (130 / 143).
    #[error("interrupted by signal {signal}; no outputs written")]
    Interrupted {
        /// The signal number.
        signal: i32,
    },
    /// A bug (70).
    #[error("internal error: {0}")]
    Internal(String),
}

impl RunError {
    /// An unusable-input error.
    pub fn unusable(path: &str, what: impl Into<String>) -> RunError {
        RunError::InputUnusable {
            path: path.to_string(),
            what: what.into(),
        }
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::InputOpen { .. } => EXIT_NO_INPUT,
            RunError::InputUnusable { .. } | RunError::InputSyntax { .. } | RunError::TooManyErrors { .. } => EXIT_DATA,
            RunError::OutputCreate { .. } => EXIT_CANT_CREATE,
            RunError::Io { .. } => EXIT_IO,
            RunError::Interrupted { signal } => (128 + signal).clamp(0, 255) as u8,
            RunError::Internal(_) => EXIT_SOFTWARE,
        }
    }
}

/// A reading error: a truncated or corrupt compressed stream is an unusable
/// input (65); anything else is an I/O error (74).
pub fn read_error(path: &str, e: io::Error) -> RunError {
    if is_unreadable_input(&e) {
        RunError::unusable(path, format!("unreadable or truncated input: {e}"))
    } else {
        RunError::Io {
            path: path.to_string(),
            source: e,
        }
    }
}

/// Whether a read error means the input itself cannot be read on (cut
/// short, not valid for its decoder), not that the system failed.
pub fn is_unreadable_input(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput
    )
}

/// A writing error on an output file (74).
pub fn io_error(path: &std::path::Path, e: io::Error) -> RunError {
    RunError::Io {
        path: path.display().to_string(),
        source: e,
    }
}
