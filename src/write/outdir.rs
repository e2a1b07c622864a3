//! Atomic outputs: every file is written to a temporary name in the output
//! directory and renamed into place only when the whole run succeeds.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::error::RunError;

/// Every temporary file not yet renamed into place, process-wide, so a signal
/// handler can remove them ([`remove_pending_files`]).
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every temporary output file of the process (for SIGINT/SIGTERM).
/// Waits for a commit in progress: after it, nothing is pending.
pub fn remove_pending_files() {
    let mut p = pending();
    for f in p.drain(..) {
        let _ = fs::remove_file(f);
    }
}

/// The output directory of one run and its pending files.
pub struct OutputDir {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
}

impl OutputDir {
    /// Creates the directory if needed (exit 73 when it cannot be).
    pub fn prepare(dir: &Path) -> Result<OutputDir, RunError> {
        fs::create_dir_all(dir).map_err(|e| RunError::OutputCreate {
            path: dir.display().to_string(),
            source: e,
        })?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
        })
    }

    /// Creates the temporary file for `name` (exit 73 when it cannot be).
    pub fn create(&mut self, name: &str) -> Result<(File, PathBuf), RunError> {
        let final_path = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.netstage-{}.tmp", std::process::id()));
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)
            .map_err(|e| RunError::OutputCreate {
                path: temp.display().to_string(),
                source: e,
            })?;
        pending().push(temp.clone());
        self.pending.push((temp.clone(), final_path));
        Ok((file, temp))
    }

    /// Renames every pending file into place.
    pub fn commit(mut self) -> Result<(), RunError> {
        let pending = std::mem::take(&mut self.pending);
        // Held through the renames: a signal handler waits for them.
        let mut registry = self::pending();
        registry.retain(|p| !pending.iter().any(|(t, _)| t == p));
        for (i, (temp, final_path)) in pending.iter().enumerate() {
            if let Err(e) = fs::rename(temp, final_path) {
                for (t, _) in &pending[i..] {
                    let _ = fs::remove_file(t);
                }
                return Err(RunError::Io {
                    path: final_path.display().to_string(),
                    source: e,
                });
            }
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    /// A run that did not commit leaves nothing behind.
    fn drop(&mut self) {
        let mut registry = pending();
        for (temp, _) in &self.pending {
            let _ = fs::remove_file(temp);
            registry.retain(|p| p != temp);
        }
    }
}
