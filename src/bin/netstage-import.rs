//! `netstage-import`: writes netstage's embedded rule tables from a published
//! SEER algorithm folder (data only: codes, ranges, values, keys, ids,
//! defaults), with a provenance record beside them.
//!
//! ```text
//! netstage-import SEER_DIR OUT_DIR --repo R --commit C --path P
//! ```
//!
//! Running it twice on the same folder writes the same bytes.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use netstage::seer_algorithm::{SchemaPick, netstage_schemas, read_folder};
use netstage_rules::table::{Algorithm, text};
use sha2::{Digest, Sha256};

/// Import SEER's algorithm tables into netstage's text form.
#[derive(Parser, Debug)]
#[command(name = "netstage-import", version)]
struct Cli {
    /// The algorithm folder (holding `schemas/` and `tables/`).
    seer_dir: PathBuf,
    /// Where to write `NAME-VERSION.tables` and `NAME-VERSION.provenance`.
    out_dir: PathBuf,
    /// Repository the folder comes from (for the provenance record).
    #[arg(long, default_value = "")]
    repo: String,
    /// Commit of that repository.
    #[arg(long, default_value = "")]
    commit: String,
    /// Path of the folder in that repository.
    #[arg(long, default_value = "")]
    path: String,
    /// Import these schemas (and the tables they reach) instead of the ones
    /// netstage routes to.
    #[arg(long = "schema", value_name = "ID")]
    schemas: Vec<String>,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("netstage-import: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let picks = if cli.schemas.is_empty() {
        netstage_schemas()
    } else {
        cli.schemas
            .iter()
            .map(|id| SchemaPick {
                id: id.clone(),
                selection_only: false,
            })
            .collect()
    };
    let (data, files) = read_folder(&cli.seer_dir, &picks)?;
    Algorithm::compile(&data).context("the imported tables do not compile")?;
    let tables = text::write(&data).map_err(|e| anyhow::anyhow!(e))?;
    let base = format!("{}-{}", data.name, data.version);
    std::fs::create_dir_all(&cli.out_dir).with_context(|| cli.out_dir.display().to_string())?;

    let mut prov = String::new();
    prov.push_str("# Provenance of the generated file beside this one (written by netstage-import).\n");
    prov.push_str(&format!("algorithm\t{}\nversion\t{}\n", data.name, data.version));
    prov.push_str(&format!(
        "repository\t{}\ncommit\t{}\npath\t{}\n",
        cli.repo, cli.commit, cli.path
    ));
    prov.push_str(&format!(
        "schemas\t{}\ntables\t{}\n",
        data.schemas.len(),
        data.tables.len()
    ));
    prov.push_str(&format!(
        "generated_sha256\t{}\n",
        hex(&Sha256::digest(tables.as_bytes()))
    ));
    for (rel, bytes) in &files {
        prov.push_str(&format!("source_sha256\t{}\t{}\n", hex(&Sha256::digest(bytes)), rel));
    }
    let write = |name: String, body: &str| -> anyhow::Result<()> {
        let path = cli.out_dir.join(name);
        std::fs::write(&path, body).with_context(|| path.display().to_string())
    };
    write(format!("{base}.tables"), &tables)?;
    write(format!("{base}.provenance"), &prov)?;
    eprintln!(
        "netstage-import: {} schemas, {} tables -> {}",
        data.schemas.len(),
        data.tables.len(),
        cli.out_dir.join(format!("{base}.tables")).display()
    );
    Ok(())
}
