//! `netstage stage`: the batch run, its progress bar, signals and the
//! terminal summary.

use std::io::{IsTerminal, Write as _};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use netstage::error::{EXIT_SOFTWARE, EXIT_USAGE};
use netstage::pipeline::{RunConfig, StopFlag, total_input_bytes};
use netstage::read::columns::ColumnOverrides;
use netstage::report::html::ReportOptions;
use netstage::{OutputFormat, RunError};
use netstage_rules::{Options, Status};

use crate::cli::{FormatArg, StageArgs};
use crate::cmd::{load_rules, print_stdout};

/// Runs `netstage stage`.
pub fn run(args: StageArgs) -> ExitCode {
    let overrides = match ColumnOverrides::parse(&args.map) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("netstage: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let rules = match load_rules(args.algorithm.as_deref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let stop: StopFlag = Arc::new(AtomicUsize::new(0));
    if let Err(e) = register_signals(&stop) {
        eprintln!("netstage: {e:#}");
        return ExitCode::from(EXIT_SOFTWARE);
    }
    let cfg = RunConfig {
        inputs: args.inputs,
        out_dir: args.out_dir,
        output_format: match args.output_format {
            FormatArg::Csv => OutputFormat::Csv,
            FormatArg::Parquet => OutputFormat::Parquet,
        },
        options: Options {
            edition: args.edition.into(),
            strict_ajcc: args.strict_ajcc,
        },
        strict: args.strict,
        max_errors: args.max_errors,
        threads: args.threads.map_or(0, usize::from),
        overrides,
        keep_columns: args.keep_columns,
        input_format: args.input_format.choice(),
        rules,
        report: (!args.no_report).then_some(ReportOptions {
            suppress_below: args.suppress_below,
        }),
    };
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(total_input_bytes(&cfg.inputs)));
    let on_progress = |bytes: u64, rows: u64| {
        if let Some(bar) = &bar {
            if bar.length().is_some() {
                bar.set_position(bytes);
            } else {
                bar.set_position(rows);
            }
        }
    };
    let result = netstage::run(&cfg, &stop, &on_progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(report) => {
            if !args.quiet {
                let c = &report.counts;
                let rate = if report.seconds > 0.0 {
                    c.rows as f64 / report.seconds
                } else {
                    0.0
                };
                print_stdout(&format!(
                    "{}\n{} rows: {} staged, {} unknown_stage, {} needs_general_staging, {} not_applicable, {} error\n\
                     written to {} in {:.2} s ({:.0} rows/s)\n",
                    report.table,
                    c.rows,
                    c.status(Status::Staged),
                    c.status(Status::UnknownStage),
                    c.status(Status::NeedsGeneralStaging),
                    c.status(Status::NotApplicable),
                    c.status(Status::Error),
                    cfg.out_dir.display(),
                    report.seconds,
                    rate
                ));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

fn report_error(e: &RunError) {
    eprintln!("netstage: {e}");
}

/// On SIGINT or SIGTERM: stop, remove every temporary output, exit 128 + signal.
fn register_signals(stop: &StopFlag) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM, SIGXFSZ};
    // A file-size limit (`ulimit -f`) must fail the write (exit 74), not kill
    // the process: with a handler installed, the write returns EFBIG.
    signal_hook::flag::register(SIGXFSZ, Arc::new(std::sync::atomic::AtomicBool::new(false)))
        .context("cannot install the SIGXFSZ handler")?;
    let mut signals =
        signal_hook::iterator::Signals::new([SIGINT, SIGTERM]).context("cannot install signal handlers")?;
    let stop = Arc::clone(stop);
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            stop.store(sig as usize, std::sync::atomic::Ordering::SeqCst);
            // The error a run stopped by the flag returns: its message and exit code.
            let stopped = RunError::Interrupted { signal: sig };
            netstage::write::outdir::exit_removing_outputs(i32::from(stopped.exit_code()), |renamed| {
                // Written, not printed: a closed stderr must not panic here.
                let _ = if renamed {
                    writeln!(
                        std::io::stderr(),
                        "netstage: interrupted by signal {sig} after the outputs were renamed into place"
                    )
                } else {
                    writeln!(std::io::stderr(), "netstage: {stopped}")
                };
            });
        }
    });
    Ok(())
}

fn progress_bar(total: Option<u64>) -> ProgressBar {
    match total {
        Some(len) => {
            let bar = ProgressBar::new(len);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {percent:>3}% {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        }
        None => {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {pos} rows {per_sec}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        }
    }
}
