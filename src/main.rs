//! The `netstage` command: flags in ([`cli`]), one file per command
//! ([`cmd`]), exit code out. The work is in the library.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;
use netstage::error::{EXIT_OK, EXIT_SOFTWARE, EXIT_USAGE};

use crate::cli::{Cli, Command};

/// glibc gives each thread its own malloc arena (up to eight per core).
/// netstage's buffers are made on one thread and freed on another, which
/// fragments the arenas: resident memory of a Parquet run crept up by 11 %
/// from 2M to 10M rows while the heap itself stayed flat (heaptrack). One
/// arena per core brought that to 4 %, at the same speed (BENCHMARKS.md).
/// An arena limit the user set (`MALLOC_ARENA_MAX`, or `malloc.arena_max`
/// in `GLIBC_TUNABLES`) wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() || tunables.contains("malloc.arena_max") {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only tunes the allocator; it is called before any
    // other thread exists, and a refusal (return 0) leaves glibc's default.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // A bug must not print record values (a panic message can quote the text
    // it failed on) and must exit 70, not 101.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
        // A panic after the renames (on the thread that made them) finds
        // the outputs in place.
        let outputs = if netstage::write::outdir::outputs_renamed() {
            "after the outputs were renamed into place"
        } else {
            "no outputs written"
        };
        eprintln!("netstage: internal error{at}; {outputs}. Please report this bug.");
    }));
    match std::panic::catch_unwind(move || run_command(cli.command)) {
        Ok(code) => code,
        Err(_) => {
            // Other threads may still be running: none can create an output
            // after the removal.
            netstage::write::outdir::exit_removing_outputs(i32::from(EXIT_SOFTWARE), |_| {})
        }
    }
}

fn run_command(command: Command) -> ExitCode {
    match command {
        Command::Stage(args) => cmd::stage::run(args),
        Command::Explain(args) => cmd::explain::run(&args),
        Command::Schemas => cmd::schemas::run(),
        Command::Completions { shell } => cmd::completions::run(shell),
        Command::Man => cmd::man::run(),
    }
}
