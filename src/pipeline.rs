//! The batch pipeline: a reader thread fills recycled batches; the chunks of
//! each batch are staged on a rayon pool as soon as it is read, then written
//! in input order and their counts merged. Memory is bounded by the batch
//! size, not the input.

use std::any::Any;
use std::collections::VecDeque;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use netstage_rules::{Options, RuleSet, Status};

use crate::error::{RunError, io_error};
use crate::read::batch::{BATCH_ROWS, Batch, Rows};
use crate::read::columns::ColumnOverrides;
use crate::read::input::InputFormat;
use crate::read::lines::with_thread_fields;
use crate::read::raw_row::ArrowRow;
use crate::read::source::{self, InputSummary, Source};
use crate::report::counts::Counts;
use crate::report::html::{self, ReportOptions};
use crate::report::summary::summary_json;
use crate::report::table::site_stage_table;
use crate::stage::{InputContext, stage_rows};
use crate::write::chunk_pool::ChunkPool;
use crate::write::columns::Layout;
use crate::write::csv_out::CsvFiles;
use crate::write::outdir::OutputDir;
use crate::write::parquet_out::ParquetFiles;
use crate::write::{ChunkEncoder, OutputFormat, RowFiles};
/// Rows per staging task. Fixed, not derived from the thread count, so that
/// the outputs do not depend on it: Parquet pages end where chunks end.
pub const CHUNK_ROWS: usize = 2048;

/// Batches of staged chunks waiting for the writer thread.
const CHANNEL_DEPTH: usize = 2;
/// Batches in all: one being read, the others being staged or waiting for
/// the writer thread to take their chunks (a batch returns to the reader only
/// then), which bounds the memory of a run.
const BATCHES: usize = 4;

/// Everything a run needs, resolved from the command line.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Input paths as given (`-` = stdin).
    pub inputs: Vec<String>,
    /// Output directory.
    pub out_dir: PathBuf,
    /// Output format.
    pub output_format: OutputFormat,
    /// Staging options.
    pub options: Options,
    /// Exit 65 when any row is an error.
    pub strict: bool,
    /// Exit 65 when more than this many rows are errors.
    pub max_errors: Option<u64>,
    /// Worker threads (0 = the default, [`default_threads`]).
    pub threads: usize,
    /// `--map` overrides.
    pub overrides: ColumnOverrides,
    /// Copy unrecognised columns to the output.
    pub keep_columns: bool,
    /// `--input-format`: the format of every input, or `None` to tell it by
    /// each path's extension.
    pub input_format: Option<InputFormat>,
    /// The rules (`RuleSet::standard()`, or one with a site's own SEER
    /// algorithm from `--algorithm DIR`).
    pub rules: &'static RuleSet,
    /// How `report.html` is drawn; `None` (`--no-report`) writes none.
    pub report: Option<ReportOptions>,
}

/// Set to a signal number (SIGINT, SIGTERM) to stop the run.
pub type StopFlag = Arc<AtomicUsize>;

/// What a finished run reports.
#[derive(Debug)]
pub struct RunReport {
    /// Counts over every row.
    pub counts: Counts,
    /// One entry per input.
    pub inputs: Vec<InputSummary>,
    /// Wall time.
    pub seconds: f64,
    /// The site x stage table.
    pub table: String,
}

/// Progress callback: (raw bytes read, rows staged).
pub type ProgressFn<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Total raw size of the inputs in bytes, when every size is known.
pub fn total_input_bytes(inputs: &[String]) -> Option<u64> {
    inputs
        .iter()
        .map(|p| {
            if p == "-" {
                None
            } else {
                std::fs::metadata(p).ok().map(|m| m.len())
            }
        })
        .sum()
}

/// Runs `netstage stage`.
pub fn run(cfg: &RunConfig, stop: &StopFlag, progress: ProgressFn<'_>) -> Result<RunReport, RunError> {
    let started = Instant::now();
    // Open every input first: a missing file or unusable header fails the run
    // before anything is written.
    let mut sources = Vec::with_capacity(cfg.inputs.len());
    for path in &cfg.inputs {
        sources.push(source::open(path, cfg.input_format, &cfg.overrides, cfg.keep_columns)?);
    }
    // Pass-through columns: the first input's unrecognised headers.
    let kept: Vec<String> = if cfg.keep_columns {
        sources[0].columns().unused.iter().map(|(_, h)| h.clone()).collect()
    } else {
        Vec::new()
    };
    let layout = Layout::new(cfg.inputs.len() > 1, &kept);
    let contexts: Vec<InputContext> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| InputContext {
            index: i,
            source: cfg.inputs[i].clone(),
            columns: s.columns().clone(),
            keep: kept_columns(&kept, &s.columns().unused),
        })
        .collect();
    let progress_counters: Vec<_> = sources.iter().map(|s| s.progress()).collect();

    let threads = match cfg.threads {
        0 => default_threads(cfg),
        n => n,
    };
    let pool = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("netstage-stage-{i}"))
            .build()
            .map_err(|e| RunError::Internal(format!("thread pool: {e}")))?,
    );
    let mut out_dir = OutputDir::prepare(&cfg.out_dir)?;
    let staging = Staging {
        cfg,
        contexts,
        layout,
        pool: &pool,
        stop,
        progress_counters,
        progress,
    };
    let (counts, inputs, rows_written) = match cfg.output_format {
        OutputFormat::Csv => {
            let files = CsvFiles::create(&mut out_dir, &staging.layout)?;
            staging.stage_all(sources, files)?
        }
        OutputFormat::Parquet => {
            let files = ParquetFiles::create(&mut out_dir, &staging.layout, Arc::clone(&pool))?;
            staging.stage_all(sources, files)?
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    write_file(&mut out_dir, "summary.csv", counts.summary_csv().as_bytes())?;
    let json = summary_json(
        &counts,
        &inputs,
        rows_written,
        seconds,
        cfg.rules.eod().algorithm().version(),
    );
    let mut json_text = serde_json::to_string_pretty(&json).map_err(|e| RunError::Internal(e.to_string()))?;
    json_text.push('\n');
    write_file(&mut out_dir, "summary.json", json_text.as_bytes())?;
    if let Some(opts) = &cfg.report {
        write_file(&mut out_dir, "report.html", html::render(&json, opts).as_bytes())?;
    }
    check_stop(stop)?;
    out_dir.commit()?;
    Ok(RunReport {
        table: site_stage_table(&counts),
        counts,
        inputs,
        seconds,
    })
}

/// What staging the batches of a run needs: each input's context, the output
/// layout, the pool, the stop flag and the progress report.
struct Staging<'r> {
    cfg: &'r RunConfig,
    contexts: Vec<InputContext>,
    layout: Layout,
    pool: &'r rayon::ThreadPool,
    stop: &'r StopFlag,
    progress_counters: Vec<Arc<AtomicU64>>,
    progress: ProgressFn<'r>,
}

impl Staging<'_> {
    /// Reads every input on the reader thread, stages the chunks of each
    /// batch on the pool as soon as the batch is read (no batch waits for the
    /// one before it to be staged), and hands each batch's encoded chunks, in
    /// input order, to `files` on the writer thread. Returns the counts, the
    /// inputs' summaries and the rows written.
    fn stage_all<F: RowFiles>(
        &self,
        sources: Vec<Box<dyn Source>>,
        files: F,
    ) -> Result<(Counts, Vec<InputSummary>, u64), RunError> {
        let (events_tx, events) = mpsc::channel::<Event<F::Chunk>>();
        let (recycle, reader) = spawn_reader(sources, Arc::clone(self.stop), events_tx.clone())?;
        // CSV chunks go round: the writer hands back what it has written.
        let pool = Arc::new(ChunkPool::default());
        let (to_writer, writer) = spawn_writer(files, Arc::clone(&pool))?;
        let pool = &*pool;
        let mut out = Emitted {
            counts: Counts::default(),
            rows_written: 0,
            to_writer,
            recycle,
        };
        // Set when the run stops early or a chunk panics: chunks not yet
        // started are skipped.
        let abandon = AtomicBool::new(false);
        let staged = self.pool.in_place_scope_fifo(|scope| {
            let mut in_flight: VecDeque<InFlight<F::Chunk>> = VecDeque::new();
            let mut first_seq = 0u64;
            // Set when the reader is done: `Err` when it stopped on an error,
            // which is reported once the batches read before it are out (as
            // their `--strict` or writer errors come first).
            let mut read_end: Option<Result<(), RunError>> = None;
            let result = loop {
                if in_flight.is_empty()
                    && let Some(end) = read_end.take()
                {
                    break end;
                }
                let event = match events.recv_timeout(Duration::from_millis(100)) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => match check_stop(self.stop) {
                        Ok(()) => continue,
                        Err(e) => break Err(e),
                    },
                    // `events_tx` is held here: not reached.
                    Err(RecvTimeoutError::Disconnected) => {
                        break Err(RunError::Internal("event channel closed".into()));
                    }
                };
                match event {
                    Event::Read(Err(e)) => read_end = Some(Err(e)),
                    Event::Panicked(payload) => {
                        // A bug: the run ends as a panic of this thread would
                        // (exit 70, no outputs), once the chunks started stop.
                        panic::resume_unwind(payload);
                    }
                    Event::ReadDone => {
                        if read_end.is_none() {
                            read_end = Some(Ok(()));
                        }
                    }
                    Event::Read(Ok(batch)) => {
                        if let Err(e) = check_stop(self.stop) {
                            break Err(e);
                        }
                        let seq = first_seq + in_flight.len() as u64;
                        let batch = Arc::new(batch);
                        let chunks = batch.len.div_ceil(CHUNK_ROWS);
                        for index in 0..chunks {
                            let (batch, tx, abandon) = (Arc::clone(&batch), events_tx.clone(), &abandon);
                            scope.spawn_fifo(move |_| {
                                if abandon.load(Ordering::Relaxed) {
                                    return;
                                }
                                let staged = panic::catch_unwind(AssertUnwindSafe(|| {
                                    self.stage_chunk::<F::Chunk>(&batch, index, pool)
                                }));
                                // Dropped before the send: the last chunk back
                                // leaves the main loop the only owner.
                                drop(batch);
                                let _ = tx.send(match staged {
                                    Ok((chunk, counts)) => Event::Staged {
                                        seq,
                                        index,
                                        chunk,
                                        counts,
                                    },
                                    Err(payload) => {
                                        // The chunks not yet started are skipped.
                                        abandon.store(true, Ordering::Relaxed);
                                        Event::Panicked(payload)
                                    }
                                });
                            });
                        }
                        in_flight.push_back(InFlight {
                            batch,
                            chunks: (0..chunks).map(|_| None).collect(),
                            missing: chunks,
                        });
                    }
                    Event::Staged {
                        seq,
                        index,
                        chunk,
                        counts,
                    } => {
                        let batch = &mut in_flight[(seq - first_seq) as usize];
                        batch.chunks[index] = Some((chunk, counts));
                        batch.missing -= 1;
                    }
                }
                // Every batch at the front whose chunks are all back goes out, in order.
                let mut emitted = Ok(());
                while emitted.is_ok() && in_flight.front().is_some_and(|b| b.missing == 0) {
                    let done = in_flight.pop_front().expect("checked above");
                    first_seq += 1;
                    emitted = self.emit_batch(done, &mut out);
                }
                if let Err(e) = emitted {
                    break Err(e);
                }
            };
            if result.is_err() {
                abandon.store(true, Ordering::Relaxed);
            }
            result
        });
        // Every chunk task has ended (the scope waits for them): one that
        // panicked after the loop stopped on an error still ends the run as
        // a panic, whatever else went wrong.
        for event in events.try_iter() {
            if let Event::Panicked(payload) = event {
                panic::resume_unwind(payload);
            }
        }
        if let Err(e) = staged {
            drop(out);
            return Err(match e {
                // The writer stopped on an error: report that one.
                RunError::Internal(m) if m == WRITER_STOPPED => join_writer(writer)
                    .err()
                    .unwrap_or_else(|| RunError::Internal(WRITER_STOPPED.into())),
                e => e,
            });
        }
        check_stop(self.stop)?;
        let inputs = reader
            .join()
            .map_err(|_| RunError::Internal("reader thread panicked".into()))??;
        let Emitted {
            counts,
            rows_written,
            to_writer,
            ..
        } = out;
        drop(to_writer);
        join_writer(writer)?;
        Ok((counts, inputs, rows_written))
    }

    /// Hands a batch whose chunks are all staged to the writer, merges its
    /// counts, returns the batch to the reader and applies `--strict` and
    /// `--max-errors`.
    fn emit_batch<C: ChunkEncoder>(&self, done: InFlight<C>, out: &mut Emitted<C>) -> Result<(), RunError> {
        let mut encoded = Vec::with_capacity(done.chunks.len());
        for (chunk, chunk_counts) in done.chunks.into_iter().flatten() {
            out.rows_written += chunk.rows();
            out.counts.merge(chunk_counts);
            encoded.push(chunk);
        }
        if out.to_writer.send(encoded).is_err() {
            return Err(RunError::Internal(WRITER_STOPPED.into()));
        }
        // Back to the reader only now, so that no more batches are staged
        // than the writer has room for.
        let batch = Arc::into_inner(done.batch).expect("every chunk task has dropped its handle on the batch");
        let _ = out.recycle.send(batch);
        (self.progress)(
            self.progress_counters.iter().map(|c| c.load(Ordering::Relaxed)).sum(),
            out.counts.rows,
        );
        // --strict is a limit of zero error rows; either stops the run at the
        // batch where it is passed.
        let cfg = self.cfg;
        let limit = if cfg.strict { Some(0) } else { cfg.max_errors };
        if let Some(max) = limit
            && out.counts.status(Status::Error) > max
        {
            let why = if cfg.strict {
                "--strict and some rows are errors".to_string()
            } else {
                format!("more than --max-errors {max} error rows")
            };
            return Err(too_many_errors(&out.counts, &cfg.inputs, &why));
        }
        Ok(())
    }

    /// Stages chunk `i` of a batch into an encoder of type `C` and its counts.
    fn stage_chunk<C: ChunkEncoder>(&self, batch: &Batch, i: usize, pool: &ChunkPool<C>) -> (C, Counts) {
        let range = i * CHUNK_ROWS..((i + 1) * CHUNK_ROWS).min(batch.len);
        let first_row = batch.first_row + range.start as u64;
        let ctx = &self.contexts[batch.input];
        #[cfg(test)]
        tests::injected_panic(&ctx.source, first_row);
        let mut sink = (pool.take(&self.layout, range.len()), Counts::default());
        let (rules, opts) = (self.cfg.rules, &self.cfg.options);
        match batch.rows() {
            Rows::Columns(columns) => {
                let rows = range.map(|row| ArrowRow { columns, row });
                stage_rows(rules, opts, ctx, first_row, rows, &mut sink);
            }
            Rows::Packed(packed) => {
                let rows = range.map(|r| packed.row(r));
                stage_rows(rules, opts, ctx, first_row, rows, &mut sink);
            }
            Rows::Lines(lines) => {
                // The chunk's lines are split at once: smaller parts staged
                // one after the other measured no better (cachegrind, 128
                // rows: 0.7 % more instructions, 3 % more D1 misses), as
                // each staging call starts its outcome buffers afresh.
                with_thread_fields(|fields| {
                    let rows = lines.split(range, fields);
                    stage_rows(rules, opts, ctx, first_row, rows, &mut sink);
                });
            }
        }
        sink
    }
}

/// Staging threads when `--threads` is not given: one per core, or one
/// fewer when an input is NAACCR XML. Parsing XML is the reader thread's
/// work and the slowest stage of such a run; a staging thread on every core
/// takes turns with it. Measured on 2 cores (300,000 tumors, 372 MB):
/// XML->CSV 5.5 s with one staging thread against 6.1 s with two, while
/// CSV->CSV needs both (6.4 s against 8.3 s with one). The output is the
/// same for any count.
pub fn default_threads(cfg: &RunConfig) -> usize {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let xml = cfg
        .inputs
        .iter()
        .any(|p| InputFormat::of_input(p, cfg.input_format) == InputFormat::Xml);
    if xml { cores.saturating_sub(1).max(1) } else { cores }
}

/// For each pass-through header (`kept`, in layout order), this input's
/// column of that name: the n-th column of a name for its n-th occurrence, so
/// a repeated header keeps each of its columns.
fn kept_columns(kept: &[String], unused: &[(usize, String)]) -> Vec<Option<usize>> {
    kept.iter()
        .enumerate()
        .map(|(i, name)| {
            let occurrence = kept[..i].iter().filter(|k| *k == name).count();
            unused
                .iter()
                .filter(|(_, h)| h == name)
                .nth(occurrence)
                .map(|(c, _)| *c)
        })
        .collect()
}

fn check_stop(stop: &StopFlag) -> Result<(), RunError> {
    match stop.load(Ordering::SeqCst) {
        0 => Ok(()),
        signal => Err(RunError::Interrupted { signal: signal as i32 }),
    }
}

fn too_many_errors(counts: &Counts, inputs: &[String], why: &str) -> RunError {
    let rows: Vec<String> = counts
        .first_errors
        .iter()
        .map(|(i, row)| format!("{} row {row}", inputs[*i]))
        .collect();
    RunError::TooManyErrors {
        what: format!(
            "{why}: {} error row(s) so far; first: {}",
            counts.status(Status::Error),
            rows.join(", ")
        ),
    }
}

type BatchResult = Result<Batch, RunError>;

/// What the main loop of a run hears, on one channel: from the reader thread
/// a batch (or the error that stopped it) and the end of the input, from the
/// pool each staged chunk (or the panic of one).
enum Event<C> {
    /// The next batch read, or the error that stopped the reader.
    Read(BatchResult),
    /// Every input has been read.
    ReadDone,
    /// Chunk `index` of the `seq`-th batch of the run, staged.
    Staged {
        seq: u64,
        index: usize,
        chunk: C,
        counts: Counts,
    },
    /// Staging a chunk panicked (a bug): the panic, to go on unwinding in
    /// the main loop rather than leave it waiting for the chunk.
    Panicked(Box<dyn Any + Send>),
}

/// A batch being staged, with its chunks as they come back (in any order).
struct InFlight<C> {
    batch: Arc<Batch>,
    chunks: Vec<Option<(C, Counts)>>,
    missing: usize,
}

/// What the batches emitted so far add up to, and where they go.
struct Emitted<C> {
    counts: Counts,
    rows_written: u64,
    to_writer: mpsc::SyncSender<Vec<C>>,
    recycle: mpsc::Sender<Batch>,
}

/// The error of a send to a writer thread that stopped; the writer's own
/// error is reported instead.
const WRITER_STOPPED: &str = "writer stopped";

/// The reader thread; it returns the per-input summaries.
type ReaderHandle = thread::JoinHandle<Result<Vec<InputSummary>, RunError>>;

/// Where each batch's encoded chunks go to the writer thread.
type ToWriter<F> = mpsc::SyncSender<Vec<<F as RowFiles>::Chunk>>;

/// The writer thread.
type WriterHandle = thread::JoinHandle<Result<(), RunError>>;

/// Starts the reader thread: it reads every input in order into recycled
/// batches, sends each to `events` and returns the per-input summaries when
/// done.
fn spawn_reader<C: Send + 'static>(
    mut sources: Vec<Box<dyn Source>>,
    stop: StopFlag,
    events: mpsc::Sender<Event<C>>,
) -> Result<(mpsc::Sender<Batch>, ReaderHandle), RunError> {
    let (recycle_tx, recycle_rx) = mpsc::channel::<Batch>();
    // A fixed set of batches circulates: the reader waits for one to come
    // back rather than allocating another, so memory does not creep up with
    // the length of the input.
    for _ in 0..BATCHES {
        let _ = recycle_tx.send(Batch::default());
    }
    let handle = thread::Builder::new().name("netstage-reader".into()).spawn(move || {
        // A panic here must not look like the end of the input.
        let _panic = PanicReport(events.clone());
        let mut spare: Option<Batch> = None;
        'inputs: for (idx, src) in sources.iter_mut().enumerate() {
            loop {
                if stop.load(Ordering::SeqCst) != 0 {
                    break 'inputs;
                }
                let mut batch = match spare.take().map_or_else(|| recycle_rx.recv(), Ok) {
                    Ok(batch) => batch,
                    // The run stopped and dropped the other end.
                    Err(_) => break 'inputs,
                };
                batch.input = idx;
                match src.read_batch(&mut batch, BATCH_ROWS) {
                    Ok(true) => {
                        if events.send(Event::Read(Ok(batch))).is_err() {
                            break 'inputs;
                        }
                    }
                    Ok(false) => {
                        // This input is done; the batch serves the next.
                        spare = Some(batch);
                        break;
                    }
                    Err(e) => {
                        let _ = events.send(Event::Read(Err(e)));
                        break 'inputs;
                    }
                }
            }
        }
        let _ = events.send(Event::ReadDone);
        sources.iter_mut().map(|s| s.summary()).collect()
    });
    let handle = handle.map_err(|e| RunError::Internal(format!("cannot start the reader thread: {e}")))?;
    Ok((recycle_tx, handle))
}

/// Sends the main loop an error when the reader thread unwinds from a panic.
struct PanicReport<C>(mpsc::Sender<Event<C>>);

impl<C> Drop for PanicReport<C> {
    fn drop(&mut self) {
        if thread::panicking() {
            let _ = self
                .0
                .send(Event::Read(Err(RunError::Internal("reader thread panicked".into()))));
        }
    }
}

/// Starts the writer thread: it writes each batch's chunks in the order
/// received, handing the written chunks back to `pool`, then finishes and
/// syncs the files.
fn spawn_writer<F: RowFiles>(
    mut files: F,
    pool: Arc<ChunkPool<F::Chunk>>,
) -> Result<(ToWriter<F>, WriterHandle), RunError> {
    let (tx, rx) = sync_channel::<Vec<F::Chunk>>(CHANNEL_DEPTH);
    let handle = thread::Builder::new().name("netstage-writer".into()).spawn(move || {
        for mut chunks in rx {
            files.write(&mut chunks)?;
            pool.give(chunks);
        }
        files.finish()
    });
    let handle = handle.map_err(|e| RunError::Internal(format!("cannot start the writer thread: {e}")))?;
    Ok((tx, handle))
}

fn join_writer(writer: WriterHandle) -> Result<(), RunError> {
    writer
        .join()
        .map_err(|_| RunError::Internal("writer thread panicked".into()))?
}

fn write_file(out_dir: &mut OutputDir, name: &str, bytes: &[u8]) -> Result<(), RunError> {
    let (mut f, path) = out_dir.create(name)?;
    f.write_all(bytes).map_err(|e| io_error(&path, e))?;
    f.sync_all().map_err(|e| io_error(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// An input path and a row: staging a chunk of that input that starts
    /// at or after the row panics (a bug, injected).
    static PANIC_AT: Mutex<Option<(String, u64)>> = Mutex::new(None);

    /// Panics when [`PANIC_AT`] names this chunk's input and its first row
    /// is at or past the row given.
    pub(super) fn injected_panic(source: &str, first_row: u64) {
        let hit = PANIC_AT
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_some_and(|(path, row)| path == source && first_row >= *row);
        if hit {
            panic!("injected panic at row {first_row}");
        }
    }

    #[test]
    fn a_chunk_that_panics_ends_the_run_as_that_panic_with_no_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        let mut text = String::from("record_id,primary_site,histology,behavior,year\n");
        // Four batches; the panics start in the third, with batches still
        // being read and staged behind it.
        for i in 0..60_000 {
            text.push_str(&format!("R{i},C250,8240,3,2021\n"));
        }
        std::fs::write(&input, text).unwrap();
        let source = input.display().to_string();
        *PANIC_AT.lock().unwrap() = Some((source.clone(), 40_000));
        let out = dir.path().join("out");
        let cfg = RunConfig {
            inputs: vec![source],
            out_dir: out.clone(),
            output_format: OutputFormat::Csv,
            options: Options::default(),
            strict: false,
            max_errors: None,
            threads: 2,
            overrides: ColumnOverrides::default(),
            keep_columns: false,
            input_format: None,
            rules: RuleSet::standard(),
            report: None,
        };
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let stop: StopFlag = Arc::new(AtomicUsize::new(0));
            let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(|| run(&cfg, &stop, &|_, _| {}))));
        });
        // A run that waits forever for the chunk that panicked fails here.
        let ended = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the run ends within a minute");
        let payload = ended.expect_err("the run ends as a panic, not as a result");
        let message = payload.downcast_ref::<String>().expect("the injected panic's message");
        assert!(message.starts_with("injected panic at row "), "{message}");
        for name in ["stages.csv", "flagged.csv", "summary.csv", "summary.json"] {
            assert!(!out.join(name).exists(), "{name} written");
        }
    }

    #[test]
    fn repeated_pass_through_headers_keep_each_column() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let kept = names(&["sex", "sex", "note"]);
        let unused: Vec<(usize, String)> = vec![(7, "note".into()), (3, "sex".into()), (5, "sex".into())];
        assert_eq!(kept_columns(&kept, &unused), [Some(3), Some(5), Some(7)]);
        // A later input with one `sex` column and no `note`.
        assert_eq!(kept_columns(&kept, &[(2, "sex".into())]), [Some(2), None, None]);
    }
}
