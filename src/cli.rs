//! The command line: every command and flag, defined once for the parser,
//! `--help`, the completion scripts and the man page.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use netstage::read::input::InputFormat;
use netstage_rules::{EditionChoice, Field};

/// The exit status table, shown by `--help`.
pub const EXIT_CODES: &str = "\
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
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
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

/// `--edition`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EditionArg {
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

/// `--input-format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum InputFormatArg {
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
    /// The format forced, or `None` to tell it by extension.
    pub fn choice(self) -> Option<InputFormat> {
        match self {
            InputFormatArg::Auto => None,
            InputFormatArg::Csv => Some(InputFormat::Csv),
            InputFormatArg::Parquet => Some(InputFormat::Parquet),
            InputFormatArg::Xml => Some(InputFormat::Xml),
        }
    }
}

/// `--output-format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    Csv,
    Parquet,
}

/// Flags of `netstage stage`.
#[derive(Args, Debug)]
pub struct StageArgs {
    /// Input files: CSV (`.csv`, `.csv.gz`), Parquet (`.parquet`, `.pq`),
    /// NAACCR XML (`.xml`, `.xml.gz`), or `-` for stdin (CSV unless
    /// `--input-format` says otherwise).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Format of every input: by extension, or forced.
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: InputFormatArg,
    /// Output directory.
    #[arg(short = 'o', long = "out", value_name = "OUT_DIR", default_value = "netstage-out")]
    pub out_dir: PathBuf,
    /// Output format of the per-row file.
    #[arg(long, value_enum, default_value = "csv")]
    pub output_format: FormatArg,
    /// AJCC edition: by diagnosis year, or forced.
    #[arg(long, value_enum, default_value = "auto")]
    pub edition: EditionArg,
    /// Give `99` to the NET cells the AJCC text does not group (TX/T0 N+ M0, T4 NX M0).
    #[arg(long)]
    pub strict_ajcc: bool,
    /// Exit 65 (writing nothing) when any row has status `error`.
    #[arg(long)]
    pub strict: bool,
    /// Exit 65 (writing nothing) when more than N rows have status `error`.
    #[arg(long, value_name = "N")]
    pub max_errors: Option<u64>,
    /// Staging threads (default: one per core, one fewer when an input is
    /// NAACCR XML, whose parsing then has a core to itself).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Print nothing on success.
    #[arg(short, long)]
    pub quiet: bool,
    /// Use input COLUMN for FIELD (a canonical field name); overrides header matching.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// Copy unrecognised input columns to the output, after the contract's columns.
    #[arg(long)]
    pub keep_columns: bool,
    /// Derive the EOD basis with the SEER algorithm folder DIR (its
    /// `schemas/` and `tables/`, as imsweb publishes eod_public) instead of
    /// the embedded eod_public 3.2 tables.
    #[arg(long, value_name = "DIR")]
    pub algorithm: Option<PathBuf>,
    /// Do not write report.html.
    #[arg(long)]
    pub no_report: bool,
    /// In report.html, show every count from 1 to N-1 as `<N` (N at least 2;
    /// the summary files are never suppressed).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(2..))]
    pub suppress_below: Option<u64>,
}

/// Flags of `netstage explain`: one record.
#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Primary site (C250, C25.0, 250).
    #[arg(long)]
    pub site: Option<String>,
    /// Histology (8240, 8240/3).
    #[arg(long)]
    pub histology: Option<String>,
    /// Behavior (0-3).
    #[arg(long)]
    pub behavior: Option<String>,
    /// Year or date of diagnosis.
    #[arg(long)]
    pub year: Option<String>,
    /// Grade (header `grade`; reported only).
    #[arg(long)]
    pub grade: Option<String>,
    /// Grade Clinical (NAACCR item 3843).
    #[arg(long)]
    pub grade_clin: Option<String>,
    /// Grade Pathological (NAACCR item 3844).
    #[arg(long)]
    pub grade_path: Option<String>,
    /// EOD Primary Tumor (item 772, e.g. 100).
    #[arg(long)]
    pub eod_primary_tumor: Option<String>,
    /// EOD Regional Nodes (item 774, e.g. 000).
    #[arg(long)]
    pub eod_regional_nodes: Option<String>,
    /// EOD Mets (item 776, e.g. 00).
    #[arg(long)]
    pub eod_mets: Option<String>,
    /// Schema Discriminator 1 (item 3926).
    #[arg(long)]
    pub schema_discriminator_1: Option<String>,
    /// Tumor Size Summary (item 756 code; the EOD size). Same as --size-mm N --size-coded.
    #[arg(long, value_name = "CODE", conflicts_with = "size_mm")]
    pub tumor_size_summary: Option<String>,
    /// T (basis from its prefix: p -> path, c or none -> clin).
    #[arg(long)]
    pub t: Option<String>,
    /// N (basis from its prefix).
    #[arg(long)]
    pub n: Option<String>,
    /// M (basis from its prefix).
    #[arg(long)]
    pub m: Option<String>,
    /// Clinical T.
    #[arg(long)]
    pub clin_t: Option<String>,
    /// Clinical N.
    #[arg(long)]
    pub clin_n: Option<String>,
    /// Clinical M.
    #[arg(long)]
    pub clin_m: Option<String>,
    /// Pathological T.
    #[arg(long)]
    pub path_t: Option<String>,
    /// Pathological N.
    #[arg(long)]
    pub path_n: Option<String>,
    /// Pathological M.
    #[arg(long)]
    pub path_m: Option<String>,
    /// T suffix ((m)).
    #[arg(long)]
    pub t_suffix: Option<String>,
    /// Tumor size in mm.
    #[arg(long)]
    pub size_mm: Option<String>,
    /// Read --size-mm as NAACCR item 756 codes (990 microscopic, 999 unknown, ...).
    #[arg(long)]
    pub size_coded: bool,
    /// Tumor size in cm.
    #[arg(long)]
    pub size_cm: Option<String>,
    /// Extent tokens (e.g. submucosa;muscularis_propria).
    #[arg(long)]
    pub extent: Option<String>,
    /// Regional nodes positive (count or NAACCR code).
    #[arg(long)]
    pub nodes: Option<String>,
    /// Mesenteric mass in mm (jejunum/ileum).
    #[arg(long)]
    pub mass: Option<String>,
    /// Metastasis tokens (liver;bone).
    #[arg(long)]
    pub metastasis: Option<String>,
    /// Multiple tumors (y/n or a count).
    #[arg(long)]
    pub multiple: Option<String>,
    /// Recorded stage group, to compare.
    #[arg(long)]
    pub recorded_stage: Option<String>,
    /// AJCC edition.
    #[arg(long, value_enum, default_value = "auto")]
    pub edition: EditionArg,
    /// Strict AJCC reading of TX/T0 N+ M0 and T4 NX M0.
    #[arg(long)]
    pub strict_ajcc: bool,
    /// Derive the EOD basis with the SEER algorithm folder DIR (its
    /// `schemas/` and `tables/`, as imsweb publishes eod_public) instead of
    /// the embedded eod_public 3.2 tables.
    #[arg(long, value_name = "DIR")]
    pub algorithm: Option<PathBuf>,
}

impl ExplainArgs {
    /// The record the flags give, field by field (blank flags left out).
    pub fn values(&self) -> Vec<(Field, String)> {
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
