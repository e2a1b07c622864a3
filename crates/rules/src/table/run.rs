//! Running one schema on one set of inputs, with the semantics of imsweb's
//! `DecisionEngine.process`:
//!
//! 1. every value is trimmed; a schema input that is not supplied takes its
//!    default; a supplied, non-blank input is checked against its table and
//!    an [`RunErrorKind::InvalidInput`] is recorded when no row matches
//!    (processing goes on, as the SEER schemas ask);
//! 2. every output takes its default, then the schema's initial context is set;
//! 3. each mapping whose inclusion tables all match and whose exclusion
//!    tables do not runs: its initial context is set, then each table path
//!    maps its input keys, runs the table (first matching row; its endpoints
//!    in column order, a `JUMP` running the target table in place, `STOP`
//!    ending the mapping's remaining paths), and removes the mapped keys.
//!
//! Values live in a [`Scratch`] that a worker reuses from row to row: a slot
//! per key that points at a constant of the algorithm or at a caller's input,
//! so a run copies no text, and beside it the value's word for memo keys.

use super::algorithm::{Algorithm, BLANK, ConstId, Endpoint, KeyId, Path, SchemaId, TableId, Val};
use super::cell::trim;
use super::memo::{ABSENT, Hit, Memo, Packed, packed};

/// How [`Algorithm::run_with`] runs a schema.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunPlan<'p> {
    /// Inputs known to be valid: their validation tables are not consulted.
    pub checked: &'p [KeyId],
    /// Only these mappings (indices in the schema), supplied outputs kept.
    pub mappings: Option<&'p [usize]>,
}

/// What a key holds during a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Absent,
    Const(ConstId),
    Input(u16),
}

/// Why a run recorded an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunErrorKind {
    /// A supplied input is not in its validation table.
    InvalidInput,
    /// No row of a table matched.
    MatchNotFound,
    /// A row's `ERROR` endpoint was reached.
    StagingError,
    /// An input mapping named a key that has no value.
    UnknownInputMapping,
}

impl RunErrorKind {
    /// The kind's name in upper snake case (`INVALID_INPUT`, ...), as
    /// result files for a comparison with SEER's engine write it.
    pub fn name(self) -> &'static str {
        match self {
            RunErrorKind::InvalidInput => "INVALID_INPUT",
            RunErrorKind::MatchNotFound => "MATCH_NOT_FOUND",
            RunErrorKind::StagingError => "STAGING_ERROR",
            RunErrorKind::UnknownInputMapping => "UNKNOWN_INPUT_MAPPING",
        }
    }
}

/// An error recorded by a run; processing goes on after it, as in the source engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunError {
    /// What happened.
    pub kind: RunErrorKind,
    /// The table involved.
    pub table: Option<TableId>,
    /// The key involved (the invalid input, the error column).
    pub key: Option<KeyId>,
}

/// One table a run went through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Index of the mapping in the schema.
    pub mapping: u16,
    /// The table.
    pub table: TableId,
    /// The row that matched (0-based), if any.
    pub row: Option<u32>,
}

/// The values of a run's keys: a slot per key, and the [`packed`] word of
/// its value that memo keys are built from (kept in step by [`Context::set`]).
#[derive(Debug, Default)]
struct Context {
    slots: Vec<Slot>,
    words: Vec<Packed>,
    /// The word of each of the run's inputs, by input index.
    input_words: Vec<Packed>,
}

impl Context {
    /// Gives a key a value, and its word.
    #[inline]
    fn set(&mut self, key: KeyId, slot: Slot, memo: &Memo) {
        let k = key.0 as usize;
        self.slots[k] = slot;
        self.words[k] = match slot {
            Slot::Absent => ABSENT,
            Slot::Const(c) => memo.packed_const(c),
            Slot::Input(i) => self.input_words[i as usize],
        };
    }
}

/// Reusable per-worker state of a run.
#[derive(Debug, Default)]
pub struct Scratch {
    ctx: Context,
    steps: Vec<Step>,
    errors: Vec<RunError>,
    memo: Memo,
}

impl Scratch {
    /// An empty scratch; it grows to the algorithm's size on first use.
    pub fn new() -> Scratch {
        Scratch::default()
    }

    /// The tables the last run went through, in order, with their matching rows.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The errors the last run recorded, in order.
    pub fn errors(&self) -> &[RunError] {
        &self.errors
    }
}

/// The result of a run: read values by key.
pub struct RunOutput<'a, 's> {
    alg: &'a Algorithm,
    inputs: &'s [(KeyId, &'s [u8])],
    scratch: &'s Scratch,
}

impl<'a, 's> RunOutput<'a, 's> {
    /// A key's value as one of the algorithm's own constants (text), so it
    /// outlives the run's inputs (`None`: absent, or a value that is no
    /// constant of the algorithm).
    pub fn get_const(&self, key: KeyId) -> Option<&'a str> {
        match self.scratch.ctx.slots[key.0 as usize] {
            Slot::Absent => None,
            Slot::Const(c) => Some(self.alg.constant_str(c)),
            Slot::Input(i) => self.alg.find_constant(trim_bytes(self.inputs[i as usize].1)),
        }
    }

    /// A key's value at the end of the run (`None`: absent).
    pub fn get(&self, key: KeyId) -> Option<&'s [u8]>
    where
        'a: 's,
    {
        resolve(self.alg, self.inputs, self.scratch.ctx.slots[key.0 as usize])
    }

    /// A key's value by name, as text (`None`: absent or unknown key).
    pub fn get_str(&self, name: &str) -> Option<&'s str>
    where
        'a: 's,
    {
        let key = self.alg.key(name)?;
        self.get(key).and_then(|b| std::str::from_utf8(b).ok())
    }

    /// The errors recorded, in order.
    pub fn errors(&self) -> &'s [RunError] {
        &self.scratch.errors
    }

    /// The tables the run went through, in order, with their matching rows.
    pub fn steps(&self) -> &'s [Step] {
        &self.scratch.steps
    }
}

#[inline]
fn resolve<'a>(alg: &'a Algorithm, inputs: &[(KeyId, &'a [u8])], slot: Slot) -> Option<&'a [u8]> {
    match slot {
        Slot::Absent => None,
        Slot::Const(c) => Some(alg.constant(c)),
        Slot::Input(i) => Some(trim_bytes(inputs[i as usize].1)),
    }
}

#[inline]
fn trim_bytes(b: &[u8]) -> &[u8] {
    // Fast path: nothing to trim at either end.
    if let (Some(&first), Some(&last)) = (b.first(), b.last())
        && first > b' '
        && last > b' '
        && first < 0x80
        && last < 0x80
    {
        return b;
    }
    match std::str::from_utf8(b) {
        Ok(s) => trim(s).as_bytes(),
        Err(_) => {
            let start = b.iter().position(|&c| c > b' ').unwrap_or(b.len());
            let end = b.iter().rposition(|&c| c > b' ').map_or(start, |e| e + 1);
            &b[start..end]
        }
    }
}

struct Run<'a, 's> {
    alg: &'a Algorithm,
    inputs: &'s [(KeyId, &'s [u8])],
}

impl<'a: 's, 's> Run<'a, 's> {
    #[inline]
    fn get(&self, slots: &[Slot], key: KeyId) -> Option<&'s [u8]> {
        resolve(self.alg, self.inputs, slots[key.0 as usize])
    }

    /// The slot a value writes: a constant, or the referenced key's slot
    /// (blank when that key is absent).
    fn val(&self, slots: &[Slot], v: Val) -> Slot {
        match v {
            Val::Const(c) => Slot::Const(c),
            Val::Ref(k) => match slots[k.0 as usize] {
                Slot::Absent => Slot::Const(BLANK),
                s => s,
            },
        }
    }

    fn find(&self, table: TableId, ctx: &Context, memo: &mut Memo) -> Option<Hit> {
        memo.find(self.alg, table, &ctx.words, &|k| self.get(&ctx.slots, k))
    }

    /// Whether a path's table matches, with its input mapping applied to a
    /// view of the context (the context itself is left as it is).
    fn path_matches(&self, path: &Path, ctx: &Context, memo: &mut Memo) -> Option<usize> {
        if path.input_mapping.is_empty() {
            return self.find(path.table, ctx, memo).map(|hit| hit.row as usize);
        }
        let slots = &ctx.slots;
        let mut overlay: Vec<(KeyId, Slot)> = Vec::with_capacity(path.input_mapping.len());
        let lookup = |overlay: &[(KeyId, Slot)], k: KeyId| {
            overlay
                .iter()
                .rev()
                .find(|(o, _)| *o == k)
                .map_or(slots[k.0 as usize], |(_, s)| *s)
        };
        for (from, to) in path.input_mapping.iter() {
            let v = lookup(&overlay, *from);
            if v != Slot::Absent {
                overlay.push((*to, v));
            }
        }
        self.alg
            .table(path.table)
            .find_row(&|k| resolve(self.alg, self.inputs, lookup(&overlay, k)))
    }

    /// Runs a table (and its jumps); false when a `STOP` ends the mapping.
    fn process(&self, mapping: u16, table: TableId, path: &Path, sc: &mut Scratch) -> bool {
        let hit = self.find(table, &sc.ctx, &mut sc.memo);
        sc.steps.push(Step {
            mapping,
            table,
            row: hit.map(|h| h.row),
        });
        let Some(hit) = hit else {
            sc.errors.push(RunError {
                kind: RunErrorKind::MatchNotFound,
                table: Some(table),
                key: None,
            });
            return true;
        };
        let mut go_on = true;
        // The row's endpoints, from the memo's copy: no read of the table or row.
        for i in hit.first..hit.end {
            match sc.memo.endpoint(i) {
                Endpoint::Stop => go_on = false,
                Endpoint::Jump(target) => go_on = self.process(mapping, target, path, sc),
                Endpoint::Error(key) => sc.errors.push(RunError {
                    kind: RunErrorKind::StagingError,
                    table: Some(table),
                    key: Some(key),
                }),
                Endpoint::Match => {}
                Endpoint::Value(key, v) => self.write(path, key, Some(v), sc),
                Endpoint::Remove(key) => self.write(path, key, None, sc),
            }
        }
        go_on
    }

    /// Writes an endpoint's value to its key, or to the keys the path's
    /// output mapping sends it to.
    fn write(&self, path: &Path, key: KeyId, v: Option<Val>, sc: &mut Scratch) {
        let mut mapped = false;
        for (from, to) in path.output_mapping.iter() {
            if *from == key {
                mapped = true;
                let s = v.map_or(Slot::Absent, |v| self.val(&sc.ctx.slots, v));
                sc.ctx.set(*to, s, &sc.memo);
            }
        }
        if !mapped {
            let s = v.map_or(Slot::Absent, |v| self.val(&sc.ctx.slots, v));
            sc.ctx.set(key, s, &sc.memo);
        }
    }
}

impl Algorithm {
    /// Runs a schema. `inputs` are `(key, value)` pairs (a key not listed is
    /// not supplied); values are trimmed. Context variables such as
    /// `ctx_year_current` are passed as inputs too.
    pub fn run<'a, 's>(
        &'a self,
        schema: SchemaId,
        inputs: &'s [(KeyId, &'s [u8])],
        sc: &'s mut Scratch,
    ) -> RunOutput<'a, 's> {
        self.run_checked(schema, inputs, &[], sc)
    }

    /// [`Algorithm::run`] without checking the inputs listed in `checked`
    /// against their validation tables: for a caller that has checked them
    /// already (the result is the same when they are valid).
    pub fn run_checked<'a, 's>(
        &'a self,
        schema: SchemaId,
        inputs: &'s [(KeyId, &'s [u8])],
        checked: &[KeyId],
        sc: &'s mut Scratch,
    ) -> RunOutput<'a, 's> {
        self.run_with(
            schema,
            inputs,
            &RunPlan {
                checked,
                mappings: None,
            },
            sc,
        )
    }

    /// Runs a schema as `plan` says: skipping the validation of checked
    /// inputs, and, with `plan.mappings`, running only those mappings (by
    /// index, in schema order) with supplied values of output keys kept
    /// (for a caller that supplies what the other mappings would derive,
    /// such as T, N and M categories for the stage table).
    pub fn run_with<'a, 's>(
        &'a self,
        schema: SchemaId,
        inputs: &'s [(KeyId, &'s [u8])],
        plan: &RunPlan<'_>,
        sc: &'s mut Scratch,
    ) -> RunOutput<'a, 's> {
        let checked = plan.checked;
        sc.memo.serve(self);
        let ctx = &mut sc.ctx;
        ctx.slots.clear();
        ctx.slots.resize(self.key_count(), Slot::Absent);
        ctx.words.clear();
        ctx.words.resize(self.key_count(), ABSENT);
        ctx.input_words.clear();
        ctx.input_words
            .extend(inputs.iter().map(|(_, v)| packed(Some(trim_bytes(v)))));
        sc.steps.clear();
        sc.errors.clear();
        for (i, (key, _)) in inputs.iter().enumerate() {
            sc.ctx.set(*key, Slot::Input(i as u16), &sc.memo);
        }
        let run = Run { alg: self, inputs };
        let s = self.schema(schema);

        for input in s.inputs.iter() {
            let k = input.key.0 as usize;
            if sc.ctx.slots[k] == Slot::Absent {
                let s = run.val(&sc.ctx.slots, input.default);
                sc.ctx.set(input.key, s, &sc.memo);
                continue;
            }
            if checked.contains(&input.key) {
                continue;
            }
            let supplied = run.get(&sc.ctx.slots, input.key).is_some_and(|v| !v.is_empty());
            if let (true, Some(table)) = (supplied, input.table)
                && run.find(table, &sc.ctx, &mut sc.memo).is_none()
            {
                sc.errors.push(RunError {
                    kind: RunErrorKind::InvalidInput,
                    table: Some(table),
                    key: Some(input.key),
                });
            }
        }
        for out in s.outputs.iter() {
            if plan.mappings.is_some() && sc.ctx.slots[out.key.0 as usize] != Slot::Absent {
                continue;
            }
            let v = run.val(&sc.ctx.slots, out.default);
            sc.ctx.set(out.key, v, &sc.memo);
        }
        for (k, v) in s.initial_context.iter() {
            let v = run.val(&sc.ctx.slots, *v);
            sc.ctx.set(*k, v, &sc.memo);
        }

        for (mi, m) in s.mappings.iter().enumerate() {
            if plan.mappings.is_some_and(|only| !only.contains(&mi)) {
                continue;
            }
            let mi = mi as u16;
            // Inclusion tables must match, exclusion tables must not; the
            // tables are recorded as steps of a mapping that runs.
            let mark = sc.steps.len();
            let inclusion = m.inclusion.iter().map(|p| (p, true));
            let exclusion = m.exclusion.iter().map(|p| (p, false));
            let mut included = true;
            for (p, must_match) in inclusion.chain(exclusion) {
                let row = run.path_matches(p, &sc.ctx, &mut sc.memo);
                if row.is_some() != must_match {
                    included = false;
                    break;
                }
                sc.steps.push(Step {
                    mapping: mi,
                    table: p.table,
                    row: row.map(|r| r as u32),
                });
            }
            if !included {
                sc.steps.truncate(mark);
                continue;
            }
            for (k, c) in m.initial_context.iter() {
                sc.ctx.set(*k, Slot::Const(*c), &sc.memo);
            }
            for p in m.paths.iter() {
                for (from, to) in p.input_mapping.iter() {
                    match sc.ctx.slots[from.0 as usize] {
                        Slot::Absent => sc.errors.push(RunError {
                            kind: RunErrorKind::UnknownInputMapping,
                            table: Some(p.table),
                            key: Some(*from),
                        }),
                        v => sc.ctx.set(*to, v, &sc.memo),
                    }
                }
                let go_on = run.process(mi, p.table, p, sc);
                for (_, to) in p.input_mapping.iter() {
                    sc.ctx.set(*to, Slot::Absent, &sc.memo);
                }
                if !go_on {
                    break;
                }
            }
        }
        RunOutput {
            alg: self,
            inputs,
            scratch: sc,
        }
    }

    /// Whether a table has a row matching the given values (`(key, value)`
    /// pairs; other keys absent). For schema selection and validity checks.
    pub fn table_matches(&self, table: TableId, values: &[(KeyId, &[u8])]) -> bool {
        self.table(table)
            .find_row(&|k| values.iter().find(|(key, _)| *key == k).map(|(_, v)| trim_bytes(v)))
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eod::EodAlgorithm;

    /// After every run, each key's memo word is the word of the value the
    /// key holds: the words are kept in step with every write of a slot.
    #[test]
    fn every_key_word_is_the_word_of_its_value() {
        let alg = EodAlgorithm::standard().algorithm();
        let key = |name: &str| alg.key(name).unwrap();
        let rows: [[&str; 8]; 5] = [
            ["C250", "8240", "3", "2021", "300", "300", "10", "03"],
            ["C180", "8246", "3", "2024", "700", "300", "10", "90"],
            ["C181", "8013", "3", "2019", "", "999", "00", ""],
            // Padded, invalid and too long for a memo key.
            ["C343", "8041", "3", "2025", " 100 ", "abc", "0123456789abcdefg", "x"],
            ["C160", "8240", "3", "2018", "800", "000", "70", "98"],
        ];
        let mut sc = Scratch::new();
        for (schema, _) in alg.schemas() {
            for row in &rows {
                let names = [
                    "site",
                    "hist",
                    "behavior",
                    "year_dx",
                    "eod_primary_tumor",
                    "eod_regional_nodes",
                    "eod_mets",
                    "nodes_pos",
                ];
                let inputs: Vec<(KeyId, &[u8])> = names.iter().zip(row).map(|(n, v)| (key(n), v.as_bytes())).collect();
                alg.run(schema, &inputs, &mut sc);
                assert_words_follow_values(alg, &inputs, &sc);
                // As the stage of given categories is run: some mappings
                // only, with supplied outputs kept and the identity checked.
                let mut with_tnm = inputs.clone();
                for (name, v) in [("eod_2018_t", "T2"), ("eod_2018_n", "N0"), ("eod_2018_m", "M0")] {
                    with_tnm.push((key(name), v.as_bytes()));
                }
                let every: Vec<usize> = (0..alg.schema(schema).mappings.len()).collect();
                let plan = RunPlan {
                    checked: &[key("site"), key("hist"), key("behavior")],
                    mappings: Some(&every[every.len() / 2..]),
                };
                alg.run_with(schema, &with_tnm, &plan, &mut sc);
                assert_words_follow_values(alg, &with_tnm, &sc);
            }
        }
    }

    fn assert_words_follow_values(alg: &Algorithm, inputs: &[(KeyId, &[u8])], sc: &Scratch) {
        for k in 0..alg.key_count() {
            let slot = sc.ctx.slots[k];
            let value = resolve(alg, inputs, slot);
            assert_eq!(
                sc.ctx.words[k],
                packed(value),
                "key {} of {:?}",
                alg.key_name(KeyId(k as u16)),
                slot
            );
        }
    }
}
