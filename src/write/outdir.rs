//! Atomic outputs: every file is written to a temporary name in the output
//! directory and renamed into place only when the whole run succeeds.

use std::fs::{self, File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::error::RunError;

/// The temporary files of a process not yet renamed into place, so a signal
/// handler can remove them ([`exit_removing_outputs`]). Its lock is held while
/// a temporary file is created, renamed or removed.
pub(crate) struct Registry {
    state: Mutex<Pending>,
    /// A run has renamed an output into place since it was prepared (read
    /// without the lock by the panic hook, whose thread may hold it).
    renamed: AtomicBool,
}

struct Pending {
    files: Vec<PathBuf>,
    /// The directories runs created, in the order they were made (removed
    /// in reverse, when empty).
    created_dirs: Vec<PathBuf>,
}

impl Registry {
    /// An empty registry.
    pub(crate) const fn new() -> Registry {
        Registry {
            state: Mutex::new(Pending {
                files: Vec::new(),
                created_dirs: Vec::new(),
            }),
            renamed: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes every pending file, and the directories runs created for them
    /// when nothing else is in them, and keeps any more files from appearing
    /// while the returned guard lives. Waits for a creation or commit in
    /// progress.
    pub(crate) fn close(&self) -> OutputsClosed<'_> {
        let mut pending = self.lock();
        for f in pending.files.drain(..) {
            let _ = fs::remove_file(f);
        }
        // Deepest first: a directory is removed only once it is empty.
        for d in pending.created_dirs.drain(..).rev() {
            let _ = fs::remove_dir(d);
        }
        OutputsClosed {
            _guard: pending,
            renamed: self.renamed.load(Ordering::SeqCst),
        }
    }
}

/// Whether a run of this process has renamed outputs into place since it
/// was prepared (for the panic hook: it takes no lock).
pub fn outputs_renamed() -> bool {
    PROCESS.renamed.load(Ordering::SeqCst)
}

/// The registry of this process's runs.
static PROCESS: Registry = Registry::new();

/// Proof that the temporary outputs are gone: while it lives, no other thread
/// can create or rename one.
pub(crate) struct OutputsClosed<'a> {
    /// Held until the process exits.
    _guard: MutexGuard<'a, Pending>,
    renamed: bool,
}

impl OutputsClosed<'_> {
    /// Whether a run had already renamed outputs into place.
    pub(crate) fn outputs_renamed(&self) -> bool {
        self.renamed
    }
}

/// Ends the process on SIGINT, SIGTERM or an internal error: removes every
/// temporary output file, calls `say` with whether a run had already renamed
/// outputs into place, and exits with `code`. From the removal to the exit no
/// thread can create or rename an output; a creation or commit in progress
/// finishes first.
pub fn exit_removing_outputs(code: i32, say: impl FnOnce(bool)) -> ! {
    let closed = PROCESS.close();
    say(closed.outputs_renamed());
    std::process::exit(code)
}

/// The output directory of one run and its pending files.
pub struct OutputDir {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
    /// The directories this run created, in the order they were made:
    /// removed again, deepest first, when the run ends, those that are empty
    /// (all of them unless it committed).
    created_dirs: Vec<PathBuf>,
    registry: &'static Registry,
}

impl OutputDir {
    /// Creates the directory if needed (exit 73 when it cannot be).
    pub fn prepare(dir: &Path) -> Result<OutputDir, RunError> {
        OutputDir::prepare_in(dir, &PROCESS)
    }

    /// [`OutputDir::prepare`] with its temporary files kept in `registry`.
    pub(crate) fn prepare_in(dir: &Path, registry: &'static Registry) -> Result<OutputDir, RunError> {
        registry.renamed.store(false, Ordering::SeqCst);
        let mut out = OutputDir {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            created_dirs: Vec::new(),
            registry,
        };
        let mut pending = registry.lock();
        out.make_dirs(&mut pending).map_err(|e| RunError::OutputCreate {
            path: dir.display().to_string(),
            source: e,
        })?;
        drop(pending);
        Ok(out)
    }

    /// Makes the missing directories of the output path, outermost first,
    /// each registered as it is made (under the registry's lock, which the
    /// caller holds) so that a signal handler removes it again: a directory
    /// another process makes meanwhile is not this run's.
    fn make_dirs(&mut self, pending: &mut Pending) -> std::io::Result<()> {
        let missing: Vec<PathBuf> = self
            .dir
            .ancestors()
            .filter(|d| !d.as_os_str().is_empty())
            .take_while(|d| matches!(fs::symlink_metadata(d), Err(e) if e.kind() == ErrorKind::NotFound))
            .map(Path::to_path_buf)
            .collect();
        for d in missing.into_iter().rev() {
            match fs::create_dir(&d) {
                Ok(()) => self.made(pending, d),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        if self.dir.is_dir() {
            return Ok(());
        }
        // Not a directory: a file of that name or under a file gives its
        // error (what `create_dir_all` gave), one removed since is made.
        fs::create_dir(&self.dir)?;
        self.made(pending, self.dir.clone());
        Ok(())
    }

    /// Records a directory this run made, here and in the registry.
    fn made(&mut self, pending: &mut Pending, dir: PathBuf) {
        pending.created_dirs.push(dir.clone());
        self.created_dirs.push(dir);
    }

    /// Creates the temporary file for `name` (exit 73 when it cannot be).
    pub fn create(&mut self, name: &str) -> Result<(File, PathBuf), RunError> {
        let final_path = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.netstage-{}.tmp", std::process::id()));
        // Held from before the file exists until it is registered, so a signal
        // handler either removes it or keeps it from being created.
        let mut registry = self.registry.lock();
        // A file left at this name (an earlier process with the same id) is
        // removed, and the new one must be new: opening never follows a link
        // or waits on a FIFO while the lock is held.
        let _ = fs::remove_file(&temp);
        let open = || OpenOptions::new().write(true).create_new(true).open(&temp);
        let file = match open() {
            // Another run that had made the (empty) directory failed and
            // removed it: it is made again, as this run's.
            Err(e) if e.kind() == ErrorKind::NotFound => self.make_dirs(&mut registry).and_then(|()| open()),
            other => other,
        }
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
            // (The directories, holding outputs now, are not empty: their
            // removal on drop fails.)
            self.registry.renamed.store(true, Ordering::SeqCst);
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    /// A run that did not commit leaves nothing behind: its temporary files
    /// are removed, and so are the directories it created, when empty.
    fn drop(&mut self) {
        let mut registry = self.registry.lock();
        for (temp, _) in &self.pending {
            let _ = fs::remove_file(temp);
            registry.files.retain(|p| p != temp);
        }
        // Deepest first: a directory is removed only once it is empty.
        for d in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
        registry.created_dirs.retain(|d| !self.created_dirs.contains(d));
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

        // The late run is prepared before the close (preparing waits for it).
        let mut late_out = OutputDir::prepare_in(dir.path(), registry).unwrap();
        let closed = registry.close();
        assert!(!closed.outputs_renamed());
        assert_eq!(entries(dir.path()), 0, "the handler removes what is pending");
        let (started, has_started) = mpsc::channel();
        let (created, was_created) = mpsc::channel();
        let late = thread::spawn(move || {
            started.send(()).unwrap();
            let made = late_out.create("flagged.csv").map(|(_, p)| p);
            created.send(()).unwrap();
            (late_out, made)
        });
        // The late run is at (or in) `create`.
        has_started.recv().unwrap();
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

    /// A signal after the renames finds the outputs in place and removes
    /// none; the next run of the process starts with none renamed.
    #[test]
    fn closing_after_a_commit_says_the_outputs_were_renamed() {
        let registry = own_registry();
        let dir = tempfile::tempdir().unwrap();
        let mut out = OutputDir::prepare_in(dir.path(), registry).unwrap();
        out.create("stages.csv").unwrap();
        out.commit().unwrap();
        let closed = registry.close();
        assert!(closed.outputs_renamed());
        assert!(dir.path().join("stages.csv").exists());
        assert_eq!(entries(dir.path()), 1);
        drop(closed);
        let next = OutputDir::prepare_in(dir.path(), registry).unwrap();
        assert!(!registry.close().outputs_renamed());
        drop(next);
    }

    /// Directories a run created are removed when it ends without
    /// committing (deepest first, only when empty), kept once it commits;
    /// one that was there is never removed.
    #[test]
    fn a_run_that_does_not_commit_removes_the_directories_it_created() {
        let registry = own_registry();
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b").join("c");
        let out = OutputDir::prepare_in(&nested, registry).unwrap();
        assert!(nested.is_dir());
        drop(out);
        assert!(!dir.path().join("a").exists());

        // A file of someone else's keeps its directory (and those above).
        let mut out = OutputDir::prepare_in(&nested, registry).unwrap();
        out.create("stages.csv").unwrap();
        fs::write(dir.path().join("a").join("b").join("theirs.txt"), "x").unwrap();
        drop(out);
        assert!(!nested.exists());
        assert!(dir.path().join("a").join("b").join("theirs.txt").exists());
        fs::remove_dir_all(dir.path().join("a")).unwrap();

        // Committed outputs keep their directories (a removal that is not
        // of empty directories would take them).
        let mut out = OutputDir::prepare_in(&nested, registry).unwrap();
        out.create("stages.csv").unwrap();
        out.commit().unwrap();
        assert!(nested.join("stages.csv").exists());

        // An existing, empty directory stays.
        let existing = dir.path().join("existing");
        fs::create_dir(&existing).unwrap();
        drop(OutputDir::prepare_in(&existing, registry).unwrap());
        assert!(existing.is_dir());
    }

    /// Another run that made the directory and failed removes it, empty,
    /// before this run has written anything: the first output makes it
    /// again, as this run's.
    #[test]
    fn a_directory_removed_by_another_run_is_made_again() {
        let registry = own_registry();
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("new").join("nightly");
        fs::create_dir_all(&shared).unwrap();
        let mut out = OutputDir::prepare_in(&shared, registry).unwrap();
        fs::remove_dir(&shared).unwrap();
        fs::remove_dir(dir.path().join("new")).unwrap();
        let (_file, temp) = out.create("stages.csv").unwrap();
        assert!(temp.exists());
        drop(out);
        assert_eq!(entries(dir.path()), 0, "made by this run, removed with it");
    }

    /// The signal handler's clean-up removes the directories of a run that
    /// has not committed, deepest first.
    #[test]
    fn closing_removes_the_directories_a_run_created() {
        let registry = own_registry();
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("x").join("y");
        let mut out = OutputDir::prepare_in(&nested, registry).unwrap();
        out.create("stages.csv").unwrap();
        let closed = registry.close();
        assert!(!closed.outputs_renamed());
        assert!(!dir.path().join("x").exists());
        drop(closed);
        // The run itself ends later: nothing of it is left to remove.
        drop(out);
        assert_eq!(entries(dir.path()), 0);
    }

    /// A file left at the temporary name is replaced, not written through:
    /// a link to another file leaves that file as it was.
    #[test]
    fn a_file_left_at_the_temporary_name_is_replaced() {
        let registry = own_registry();
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere.txt");
        fs::write(&elsewhere, "keep").unwrap();
        let out_dir = dir.path().join("out");
        fs::create_dir(&out_dir).unwrap();
        let temp = out_dir.join(format!(".stages.csv.netstage-{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&elsewhere, &temp).unwrap();
        let mut out = OutputDir::prepare_in(&out_dir, registry).unwrap();
        let (mut file, made) = out.create("stages.csv").unwrap();
        assert_eq!(made, temp);
        std::io::Write::write_all(&mut file, b"new").unwrap();
        drop(file);
        out.commit().unwrap();
        assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "keep");
        assert_eq!(fs::read_to_string(out_dir.join("stages.csv")).unwrap(), "new");
    }
}
