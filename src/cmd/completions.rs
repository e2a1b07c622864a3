//! `netstage completions SHELL`: a completion script from the flag definitions.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::Cli;

/// Prints the completion script of `shell`.
pub fn run(shell: clap_complete::Shell) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(
        shell,
        &mut <Cli as clap::CommandFactory>::command(),
        "netstage",
        &mut out,
    );
    let _ = std::io::stdout().lock().write_all(&out);
    ExitCode::SUCCESS
}
