//! Atomic outputs: every file is written to a temporary name in the output
//! directory and renamed into place only when the whole run succeeds.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::error::RunError;

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
        self.pending.push((temp.clone(), final_path));
        Ok((file, temp))
    }

    /// Renames every pending file into place.
    pub fn commit(mut self) -> Result<(), RunError> {
        let pending = std::mem::take(&mut self.pending);
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
        for (temp, _) in &self.pending {
            let _ = fs::remove_file(temp);
        }
    }
}
