//! Atomic outputs: every file is written to a temporary name in the output
//! directory and renamed into place only when the whole run succeeds.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::error::RunError;

/// Every temporary file not yet renamed into place, process-wide, so a signal
/// handler can remove them ([`remove_pending_files`]). Its lock is held while a
/// temporary file is created, renamed or removed.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Proof that the process's temporary outputs are gone: while it lives, no
/// other thread can create or rename one. Hold it until the process exits.
#[must_use = "dropping it lets other threads create outputs again"]
pub struct OutputsClosed {
    _registry: MutexGuard<'static, Vec<PathBuf>>,
}

/// Removes every temporary output file of the process (SIGINT, SIGTERM, an
/// internal error) and keeps any more from appearing while the returned guard
/// lives. Waits for a creation or commit in progress to finish first.
pub fn remove_pending_files() -> OutputsClosed {
    let mut registry = pending();
    for f in registry.drain(..) {
        let _ = fs::remove_file(f);
    }
    OutputsClosed { _registry: registry }
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
        // Held from before the file exists until it is registered, so a signal
        // handler either removes it or keeps it from being created.
        let mut registry = pending();
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)
            .map_err(|e| RunError::OutputCreate {
                path: temp.display().to_string(),
                source: e,
            })?;
        registry.push(temp.clone());
        drop(registry);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    fn entries(dir: &Path) -> usize {
        fs::read_dir(dir).unwrap().count()
    }

    /// A file created after the signal handler has cleaned up would be left
    /// behind by the exit: creation waits for the handler's guard instead, and
    /// the file does not exist while it waits.
    #[test]
    fn no_output_appears_while_outputs_are_closed() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = OutputDir::prepare(dir.path()).unwrap();
        let (_file, temp) = first.create("stages.csv").unwrap();
        assert!(temp.exists());

        let closed = remove_pending_files();
        assert_eq!(entries(dir.path()), 0, "the handler removes what is pending");
        let path = dir.path().to_path_buf();
        let (created, was_created) = mpsc::channel();
        let late = thread::spawn(move || {
            let mut out = OutputDir::prepare(&path).unwrap();
            let made = out.create("flagged.csv").map(|(_, p)| p);
            created.send(()).unwrap();
            (out, made)
        });
        assert!(
            was_created.recv_timeout(Duration::from_millis(300)).is_err(),
            "a file was created while outputs were closed"
        );
        assert_eq!(entries(dir.path()), 0, "a file exists before it is registered");

        drop(closed);
        let (late_out, made) = late.join().unwrap();
        assert!(made.unwrap().exists());
        drop(late_out);
        drop(first);
        assert_eq!(entries(dir.path()), 0, "dropped runs leave nothing");
    }
}
