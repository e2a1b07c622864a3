//! One file per command; [`load_rules`] and [`print_stdout`] are shared.

pub mod completions;
pub mod explain;
pub mod man;
pub mod schemas;
pub mod stage;

use std::io::Write;
use std::process::ExitCode;

use netstage::error::{EXIT_DATA, EXIT_NO_INPUT};
use netstage_rules::RuleSet;

/// The rules of a run: the embedded ones, or those with a site's own SEER
/// algorithm folder. A folder that does not exist exits 66; one that cannot
/// be read as an algorithm exits 65.
pub fn load_rules(algorithm: Option<&std::path::Path>) -> Result<&'static RuleSet, ExitCode> {
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
pub fn print_stdout(s: &str) {
    let _ = std::io::stdout().lock().write_all(s.as_bytes());
}
