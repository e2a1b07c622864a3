//! The `netstage` command: flags in, exit code out. The work is in the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use netstage::columns::ColumnOverrides;
use netstage::error::{EXIT_DATA, EXIT_NO_INPUT, EXIT_OK, EXIT_SOFTWARE, EXIT_USAGE};
use netstage::input::InputFormat;
use netstage::pipeline::{RunConfig, StopFlag, total_input_bytes};
use netstage::report_html::ReportOptions;
use netstage::{OutputFormat, RunError};
use netstage_rules::{EditionChoice, Field, Options, RuleSet, Status};

const EXIT_CODES: &str = "\
Exit status:
  0   the run finished (rows with status `error` included)
  64  bad flags
  65  input unusable (format, required columns missing, ambiguous columns,
      truncated gzip; XML that is not well-formed NAACCR XML, reported as
      FILE:LINE:COLUMN), or --strict and a row is an error, or more than
      --max-errors error rows
  66  an input file does not exist or cannot be opened
  70  internal error
  73  the output directory cannot be created or written
  74  I/O error while reading or writing
  130 / 143  interrupted by SIGINT / SIGTERM (no outputs written)

Outputs are written to temporary files and renamed into place only when the
run succeeds: a failed run never leaves a partial stages.csv.

Example (cron):
  15 2 * * *  netstage stage --quiet --max-errors 100 -o /data/stages/nightly /data/export/tumors.csv.gz";

/// AJCC staging of neuroendocrine tumors in cancer-registry exports.
#[derive(Parser, Debug)]
#[command(name = "netstage", version, about, after_long_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Stage every record of one or more CSV, Parquet or NAACCR XML files (`-` = stdin).
    #[command(after_long_help = EXIT_CODES)]
    Stage(StageArgs),
    /// Stage one record given as flags and explain every step.
    Explain(Box<ExplainArgs>),
    /// List the supported chapters (schemas).
    Schemas,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of netstage: `netstage man > netstage.1`.
    Man,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum EditionArg {
    /// By diagnosis year.
    Auto,
    /// AJCC 8th edition for every chapter.
    #[value(name = "8")]
    Eighth,
    /// AJCC Version 9 for every chapter that has it.
    #[value(name = "9")]
    Ninth,
}

impl From<EditionArg> for EditionChoice {
    fn from(e: EditionArg) -> EditionChoice {
        match e {
            EditionArg::Auto => EditionChoice::Auto,
            EditionArg::Eighth => EditionChoice::Eighth,
            EditionArg::Ninth => EditionChoice::Ninth,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum InputFormatArg {
    /// By extension: `.xml`/`.xml.gz` NAACCR XML, `.parquet`/`.pq` Parquet, else CSV.
    Auto,
    /// CSV (plain or `.gz`).
    Csv,
    /// Apache Parquet.
    Parquet,
    /// NAACCR XML (plain or `.gz`).
    Xml,
}

impl InputFormatArg {
    fn choice(self) -> Option<InputFormat> {
        match self {
            InputFormatArg::Auto => None,
            InputFormatArg::Csv => Some(InputFormat::Csv),
            InputFormatArg::Parquet => Some(InputFormat::Parquet),
            InputFormatArg::Xml => Some(InputFormat::Xml),
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Csv,
    Parquet,
}

#[derive(Args, Debug)]
struct StageArgs {
    /// Input files: CSV (`.csv`, `.csv.gz`), Parquet (`.parquet`, `.pq`),
    /// NAACCR XML (`.xml`, `.xml.gz`), or `-` for stdin (CSV unless
    /// `--input-format` says otherwise).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
    /// Format of every input: by extension, or forced.
    #[arg(long, value_enum, default_value = "auto")]
    input_format: InputFormatArg,
    /// Output directory.
    #[arg(short = 'o', long = "out", value_name = "OUT_DIR", default_value = "netstage-out")]
    out_dir: PathBuf,
    /// Output format of the per-row file.
    #[arg(long, value_enum, default_value = "csv")]
    output_format: FormatArg,
    /// AJCC edition: by diagnosis year, or forced.
    #[arg(long, value_enum, default_value = "auto")]
    edition: EditionArg,
    /// Give `99` to the NET cells the AJCC text does not group (TX/T0 N+ M0, T4 NX M0).
    #[arg(long)]
    strict_ajcc: bool,
    /// Exit 65 (writing nothing) when any row has status `error`.
    #[arg(long)]
    strict: bool,
    /// Exit 65 (writing nothing) when more than N rows have status `error`.
    #[arg(long, value_name = "N")]
    max_errors: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Print nothing on success.
    #[arg(short, long)]
    quiet: bool,
    /// Use input COLUMN for FIELD (a canonical field name); overrides header matching.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// Copy unrecognised input columns to the output, after the contract's columns.
    #[arg(long)]
    keep_columns: bool,
    /// Derive the EOD basis with the SEER algorithm folder DIR (its
    /// `schemas/` and `tables/`, as imsweb publishes eod_public) instead of
    /// the embedded eod_public 3.2 tables.
    #[arg(long, value_name = "DIR")]
    algorithm: Option<PathBuf>,
    /// Do not write report.html.
    #[arg(long)]
    no_report: bool,
    /// In report.html, show every count from 1 to N-1 as `<N` (N at least 2;
    /// the summary files are never suppressed).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(2..))]
    suppress_below: Option<u64>,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// Primary site (C250, C25.0, 250).
    #[arg(long)]
    site: Option<String>,
    /// Histology (8240, 8240/3).
    #[arg(long)]
    histology: Option<String>,
    /// Behavior (0-3).
    #[arg(long)]
    behavior: Option<String>,
    /// Year or date of diagnosis.
    #[arg(long)]
    year: Option<String>,
    /// Grade (header `grade`; reported only).
    #[arg(long)]
    grade: Option<String>,
    /// Grade Clinical (NAACCR item 3843).
    #[arg(long)]
    grade_clin: Option<String>,
    /// Grade Pathological (NAACCR item 3844).
    #[arg(long)]
    grade_path: Option<String>,
    /// EOD Primary Tumor (item 772, e.g. 100).
    #[arg(long)]
    eod_primary_tumor: Option<String>,
    /// EOD Regional Nodes (item 774, e.g. 000).
    #[arg(long)]
    eod_regional_nodes: Option<String>,
    /// EOD Mets (item 776, e.g. 00).
    #[arg(long)]
    eod_mets: Option<String>,
    /// Schema Discriminator 1 (item 3926).
    #[arg(long)]
    schema_discriminator_1: Option<String>,
    /// Tumor Size Summary (item 756 code; the EOD size). Same as --size-mm N --size-coded.
    #[arg(long, value_name = "CODE", conflicts_with = "size_mm")]
    tumor_size_summary: Option<String>,
    /// T (basis from its prefix: p -> path, c or none -> clin).
    #[arg(long)]
    t: Option<String>,
    /// N (basis from its prefix).
    #[arg(long)]
    n: Option<String>,
    /// M (basis from its prefix).
    #[arg(long)]
    m: Option<String>,
    /// Clinical T.
    #[arg(long)]
    clin_t: Option<String>,
    /// Clinical N.
    #[arg(long)]
    clin_n: Option<String>,
    /// Clinical M.
    #[arg(long)]
    clin_m: Option<String>,
    /// Pathological T.
    #[arg(long)]
    path_t: Option<String>,
    /// Pathological N.
    #[arg(long)]
    path_n: Option<String>,
    /// Pathological M.
    #[arg(long)]
    path_m: Option<String>,
    /// T suffix ((m)).
    #[arg(long)]
    t_suffix: Option<String>,
    /// Tumor size in mm.
    #[arg(long)]
    size_mm: Option<String>,
    /// Read --size-mm as NAACCR item 756 codes (990 microscopic, 999 unknown, ...).
    #[arg(long)]
    size_coded: bool,
    /// Tumor size in cm.
    #[arg(long)]
    size_cm: Option<String>,
    /// Extent tokens (e.g. submucosa;muscularis_propria).
    #[arg(long)]
    extent: Option<String>,
    /// Regional nodes positive (count or NAACCR code).
    #[arg(long)]
    nodes: Option<String>,
    /// Mesenteric mass in mm (jejunum/ileum).
    #[arg(long)]
    mass: Option<String>,
    /// Metastasis tokens (liver;bone).
    #[arg(long)]
    metastasis: Option<String>,
    /// Multiple tumors (y/n or a count).
    #[arg(long)]
    multiple: Option<String>,
    /// Recorded stage group, to compare.
    #[arg(long)]
    recorded_stage: Option<String>,
    /// AJCC edition.
    #[arg(long, value_enum, default_value = "auto")]
    edition: EditionArg,
    /// Strict AJCC reading of TX/T0 N+ M0 and T4 NX M0.
    #[arg(long)]
    strict_ajcc: bool,
    /// Derive the EOD basis with the SEER algorithm folder DIR (its
    /// `schemas/` and `tables/`, as imsweb publishes eod_public) instead of
    /// the embedded eod_public 3.2 tables.
    #[arg(long, value_name = "DIR")]
    algorithm: Option<PathBuf>,
}

impl ExplainArgs {
    fn values(&self) -> Vec<(Field, String)> {
        let pairs: [(Field, Option<&String>); 29] = [
            (Field::PrimarySite, self.site.as_ref()),
            (Field::Histology, self.histology.as_ref()),
            (Field::Behavior, self.behavior.as_ref()),
            (Field::Year, self.year.as_ref()),
            (Field::Grade, self.grade.as_ref()),
            (Field::GradeClin, self.grade_clin.as_ref()),
            (Field::GradePath, self.grade_path.as_ref()),
            (Field::EodPrimaryTumor, self.eod_primary_tumor.as_ref()),
            (Field::EodRegionalNodes, self.eod_regional_nodes.as_ref()),
            (Field::EodMets, self.eod_mets.as_ref()),
            (Field::SchemaDiscriminator1, self.schema_discriminator_1.as_ref()),
            (Field::T, self.t.as_ref()),
            (Field::N, self.n.as_ref()),
            (Field::M, self.m.as_ref()),
            (Field::ClinT, self.clin_t.as_ref()),
            (Field::ClinN, self.clin_n.as_ref()),
            (Field::ClinM, self.clin_m.as_ref()),
            (Field::PathT, self.path_t.as_ref()),
            (Field::PathN, self.path_n.as_ref()),
            (Field::PathM, self.path_m.as_ref()),
            (Field::TSuffix, self.t_suffix.as_ref()),
            (
                Field::SizeMm,
                self.size_mm.as_ref().or(self.tumor_size_summary.as_ref()),
            ),
            (Field::SizeCm, self.size_cm.as_ref()),
            (Field::Extent, self.extent.as_ref()),
            (Field::NodesPositive, self.nodes.as_ref()),
            (Field::MesentericMassMm, self.mass.as_ref()),
            (Field::Metastasis, self.metastasis.as_ref()),
            (Field::MultipleTumors, self.multiple.as_ref()),
            (Field::RecordedStage, self.recorded_stage.as_ref()),
        ];
        pairs
            .into_iter()
            .filter_map(|(f, v)| v.map(|v| (f, v.clone())))
            .collect()
    }
}

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
        eprintln!("netstage: internal error{at}; no outputs written. Please report this bug.");
    }));
    match std::panic::catch_unwind(move || run_command(cli.command)) {
        Ok(code) => code,
        Err(_) => {
            netstage::outdir::remove_pending_files();
            ExitCode::from(EXIT_SOFTWARE)
        }
    }
}

fn run_command(command: Command) -> ExitCode {
    match command {
        Command::Stage(args) => stage(args),
        Command::Explain(args) => {
            let opts = Options {
                edition: args.edition.into(),
                strict_ajcc: args.strict_ajcc,
            };
            let rules = match load_rules(args.algorithm.as_deref()) {
                Ok(r) => r,
                Err(code) => return code,
            };
            let size_coded = args.size_coded || args.tumor_size_summary.is_some();
            print_stdout(&netstage::explain::explain(rules, &args.values(), size_coded, &opts));
            ExitCode::SUCCESS
        }
        Command::Schemas => {
            print_stdout(&netstage::schemas::schemas_table());
            ExitCode::SUCCESS
        }
        Command::Completions { shell } => {
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
        Command::Man => {
            let mut out = Vec::new();
            let page = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
            if let Err(e) = page.render(&mut out) {
                eprintln!("netstage: man page: {e}");
                return ExitCode::from(EXIT_SOFTWARE);
            }
            let _ = std::io::stdout().lock().write_all(&out);
            ExitCode::SUCCESS
        }
    }
}

/// The rules of a run: the embedded ones, or those with a site's own SEER
/// algorithm folder. A folder that does not exist exits 66; one that cannot
/// be read as an algorithm exits 65.
fn load_rules(algorithm: Option<&std::path::Path>) -> Result<&'static RuleSet, ExitCode> {
    let Some(dir) = algorithm else {
        return Ok(RuleSet::standard());
    };
    if !dir.is_dir() {
        eprintln!("netstage: --algorithm {}: not a directory", dir.display());
        return Err(ExitCode::from(EXIT_NO_INPUT));
    }
    netstage::seer_algorithm::rules_from_folder(dir).map_err(|e| {
        eprintln!("netstage: --algorithm: {e}");
        ExitCode::from(EXIT_DATA)
    })
}

/// Writes to stdout, ignoring a closed pipe.
fn print_stdout(s: &str) {
    let _ = std::io::stdout().lock().write_all(s.as_bytes());
}

fn stage(args: StageArgs) -> ExitCode {
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
            netstage::outdir::remove_pending_files();
            eprintln!("netstage: interrupted by signal {sig}; no outputs written");
            std::process::exit(128 + sig);
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
