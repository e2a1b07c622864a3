//! Atomic outputs: every file is written to a temporary name in the output
//! directory and renamed into place only when the whole run succeeds.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::error::RunError;

/// The temporary files of a process not yet renamed into place, so a signal
/// handler can remove them ([`remove_pending_files`]). Its lock is held while a
/// temporary file is created, renamed or removed.
pub struct Registry {
    state: Mutex<Pending>,
}

struct Pending {
    files: Vec<PathBuf>,
    committed: bool,
}

impl Registry {
    /// An empty registry.
    pub const fn new() -> Registry {
        Registry {
            state: Mutex::new(Pending {
                files: Vec::new(),
                committed: false,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes every pending file and keeps any more from appearing while the
    /// returned guard lives. Waits for a creation or commit in progress.
    pub fn close(&self) -> OutputsClosed<'_> {
        let mut pending = self.lock();
        for f in pending.files.drain(..) {
            let _ = fs::remove_file(f);
        }
        OutputsClosed { pending }
    }
}

impl Default for Registry {
    fn default() -> Registry {
        Registry::new()
    }
}

/// The registry of this process's runs.
static PROCESS: Registry = Registry::new();

/// Proof that the temporary outputs are gone: while it lives, no other thread
/// can create or rename one. Hold it until the process exits.
#[must_use = "dropping it lets other threads create outputs again"]
pub struct OutputsClosed<'a> {
    pending: MutexGuard<'a, Pending>,
}

impl OutputsClosed<'_> {
    /// Whether a run had already renamed its outputs into place: a signal
    /// came too late to keep them from being written.
    pub fn outputs_written(&self) -> bool {
        self.pending.committed
    }
}

/// Removes every temporary output file of the process (SIGINT, SIGTERM, an
/// internal error) and keeps any more from appearing while the returned guard
/// lives. Waits for a creation or commit in progress to finish first.
pub fn remove_pending_files() -> OutputsClosed<'static> {
    PROCESS.close()
}

/// The output directory of one run and its pending files.
pub struct OutputDir {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
    registry: &'static Registry,
}

impl OutputDir {
    /// Creates the directory if needed (exit 73 when it cannot be).
    pub fn prepare(dir: &Path) -> Result<OutputDir, RunError> {
        OutputDir::prepare_in(dir, &PROCESS)
    }

    /// [`OutputDir::prepare`] with its temporary files kept in `registry`.
    pub fn prepare_in(dir: &Path, registry: &'static Registry) -> Result<OutputDir, RunError> {
        fs::create_dir_all(dir).map_err(|e| RunError::OutputCreate {
            path: dir.display().to_string(),
            source: e,
        })?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            registry,
        })
    }

    /// Creates the temporary file for `name` (exit 73 when it cannot be).
    pub fn create(&mut self, name: &str) -> Result<(File, PathBuf), RunError> {
        let final_path = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.netstage-{}.tmp", std::process::id()));
        // Held from before the file exists until it is registered, so a signal
        // handler either removes it or keeps it from being created.
        let mut registry = self.registry.lock();
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)
            .map_err(|e| RunError::OutputCreate {
                path: temp.display().to_string(),
                source: e,
            })?;
        registry.files.push(temp.clone());
        drop(registry);
        self.pending.push((temp.clone(), final_path));
        Ok((file, temp))
    }

    /// Renames every pending file into place.
    pub fn commit(mut self) -> Result<(), RunError> {
        let pending = std::mem::take(&mut self.pending);
        // Held through the renames: a signal handler waits for them.
        let mut registry = self.registry.lock();
        registry.files.retain(|p| !pending.iter().any(|(t, _)| t == p));
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
        registry.committed = true;
        Ok(())
    }
}

impl Drop for OutputDir {
    /// A run that did not commit leaves nothing behind.
    fn drop(&mut self) {
        let mut registry = self.registry.lock();
        for (temp, _) in &self.pending {
            let _ = fs::remove_file(temp);
            registry.files.retain(|p| p != temp);
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

    /// A registry of the test's own, so that closing it touches no other test.
    fn own_registry() -> &'static Registry {
        Box::leak(Box::new(Registry::new()))
    }

    /// A file created after the signal handler has cleaned up would be left
    /// behind by the exit: creation waits for the handler's guard instead, and
    /// the file does not exist while it waits.
    #[test]
    fn no_output_appears_while_outputs_are_closed() {
        let registry = own_registry();
        let dir = tempfile::tempdir().unwrap();
        let mut first = OutputDir::prepare_in(dir.path(), registry).unwrap();
        let (_file, temp) = first.create("stages.csv").unwrap();
        assert!(temp.exists());

        let closed = registry.close();
        assert!(!closed.outputs_written());
        assert_eq!(entries(dir.path()), 0, "the handler removes what is pending");
        let path = dir.path().to_path_buf();
        let (created, was_created) = mpsc::channel();
        let late = thread::spawn(move || {
            let mut out = OutputDir::prepare_in(&path, registry).unwrap();
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

    /// A signal after the renames finds the outputs written and removes none.
    #[test]
    fn closing_after_a_commit_says_the_outputs_were_written() {
        let registry = own_registry();
        let dir = tempfile::tempdir().unwrap();
        let mut out = OutputDir::prepare_in(dir.path(), registry).unwrap();
        out.create("stages.csv").unwrap();
        out.commit().unwrap();
        let closed = registry.close();
        assert!(closed.outputs_written());
        assert!(dir.path().join("stages.csv").exists());
        assert_eq!(entries(dir.path()), 1);
    }
}
