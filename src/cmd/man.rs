//! `netstage man`: the man page (roff) from the flag definitions.

use std::io::Write;
use std::process::ExitCode;

use netstage::error::EXIT_SOFTWARE;

use crate::cli::Cli;

/// Prints the man page.
pub fn run() -> ExitCode {
    let mut out = Vec::new();
    let page = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
    if let Err(e) = page.render(&mut out) {
        eprintln!("netstage: man page: {e}");
        return ExitCode::from(EXIT_SOFTWARE);
    }
    let _ = std::io::stdout().lock().write_all(&out);
    ExitCode::SUCCESS
}
