//! The compiled algorithm: keys interned to indices, cells parsed, every
//! table reference resolved and `JUMP` chains checked for cycles, once at
//! load. Immutable and `Sync`: one is shared by every worker.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use super::cell::{self, Cell};
use super::data::{AlgorithmData, EndpointData, TablePathData};
use super::fast_hash::FastMap;

/// Index of a key (an input, output or intermediate name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u16);

/// Index of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableId(pub u16);

/// Index of a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(pub u16);

/// Index of a constant value in the algorithm's pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConstId(pub u32);

/// The blank constant (always index 0).
pub const BLANK: ConstId = ConstId(0);

/// A value written by an endpoint or a default: a constant or a copy of
/// another key (`{{key}}`, blank when absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val {
    /// A constant.
    Const(ConstId),
    /// The current value of a key.
    Ref(KeyId),
}

/// A compiled endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// Writes the value to the column's key (or its output mappings).
    Value(KeyId, Val),
    /// Removes the column's key.
    Remove(KeyId),
    /// Continues in another table.
    Jump(TableId),
    /// Matches; writes nothing.
    Match,
    /// Stops the mapping's remaining table paths.
    Stop,
    /// An error for the column's key.
    Error(KeyId),
}

/// A compiled row.
#[derive(Debug)]
pub struct Row {
    /// One cell per table input.
    pub cells: Box<[Cell]>,
    /// The endpoints, in column order.
    pub endpoints: Box<[Endpoint]>,
}

/// A compiled table.
#[derive(Debug)]
pub struct Table {
    /// Table id.
    pub id: Box<str>,
    /// Input keys, one per cell.
    pub inputs: Box<[KeyId]>,
    /// Endpoint keys.
    pub outputs: Box<[KeyId]>,
    /// Rows, matched first-hit.
    pub rows: Box<[Row]>,
    /// Candidate rows by the value of one input column, when every cell of
    /// that column is `*` or a list of single values.
    index: Option<ExactIndex>,
    /// The keys the matching row depends on: the inputs, then the keys
    /// that `{{key}}` cells read. A row may be remembered by their values.
    pub(crate) reads: Box<[KeyId]>,
}

/// Rows that can match, by the value of one column: the rows listing the
/// value and the rows whose cell is `*`, in row order.
#[derive(Debug)]
struct ExactIndex {
    column: usize,
    by_value: FastMap<Box<[u8]>, Box<[u32]>>,
    any: Box<[u32]>,
}

/// Tables with fewer rows are scanned.
const INDEX_MIN_ROWS: usize = 8;

impl Table {
    fn new(id: &str, inputs: Box<[KeyId]>, outputs: Box<[KeyId]>, rows: Box<[Row]>) -> Table {
        let mut reads = inputs.to_vec();
        for key in rows.iter().flat_map(|r| r.cells.iter().flat_map(Cell::references)) {
            if !reads.contains(&key) {
                reads.push(key);
            }
        }
        let index = if rows.len() >= INDEX_MIN_ROWS {
            ExactIndex::build(&rows, inputs.len())
        } else {
            None
        };
        Table {
            id: id.into(),
            inputs,
            outputs,
            rows,
            index,
            reads: reads.into_boxed_slice(),
        }
    }

    /// The first row whose every cell matches the value `get` gives for its
    /// key.
    #[inline]
    pub fn find_row<'v>(&self, get: &impl Fn(KeyId) -> Option<&'v [u8]>) -> Option<usize> {
        let row_matches = |r: &Row| {
            r.cells
                .iter()
                .zip(self.inputs.iter())
                .all(|(cell, key)| cell.matches(get(*key), get))
        };
        match &self.index {
            Some(ix) => {
                let value = get(self.inputs[ix.column]).unwrap_or(b"");
                let candidates = ix.by_value.get(value).unwrap_or(&ix.any);
                candidates
                    .iter()
                    .map(|&r| r as usize)
                    .find(|&r| row_matches(&self.rows[r]))
            }
            None => self.rows.iter().position(row_matches),
        }
    }

    /// [`Table::find_row`] by scanning every row (the reference the index is
    /// tested against).
    pub fn find_row_linear<'v>(&self, get: &impl Fn(KeyId) -> Option<&'v [u8]>) -> Option<usize> {
        self.rows.iter().position(|r| {
            r.cells
                .iter()
                .zip(self.inputs.iter())
                .all(|(cell, key)| cell.matches(get(*key), get))
        })
    }
}

impl ExactIndex {
    /// Indexes the column with the most distinct single values among those
    /// whose cells are all `*` or single values.
    fn build(rows: &[Row], columns: usize) -> Option<ExactIndex> {
        let mut best: Option<(usize, usize)> = None;
        for c in 0..columns {
            let mut values: Vec<&[u8]> = Vec::new();
            let indexable = rows.iter().all(|r| match r.cells[c].exact_values() {
                Some(vals) => {
                    values.extend(vals);
                    true
                }
                None => matches!(r.cells[c], Cell::Any),
            });
            if indexable {
                values.sort_unstable();
                values.dedup();
                if best.is_none_or(|(_, n)| values.len() > n) {
                    best = Some((c, values.len()));
                }
            }
        }
        let (column, distinct) = best?;
        if distinct < 2 {
            return None;
        }
        let any: Vec<u32> = (0..rows.len() as u32)
            .filter(|&r| matches!(rows[r as usize].cells[column], Cell::Any))
            .collect();
        let mut by_value: HashMap<Box<[u8]>, Vec<u32>> = HashMap::new();
        for (r, row) in rows.iter().enumerate() {
            for v in row.cells[column].exact_values().into_iter().flatten() {
                by_value.entry(v.into()).or_default().push(r as u32);
            }
        }
        let by_value: FastMap<Box<[u8]>, Box<[u32]>> = by_value
            .into_iter()
            .map(|(v, mut listed)| {
                listed.extend_from_slice(&any);
                listed.sort_unstable();
                listed.dedup();
                (v, listed.into_boxed_slice())
            })
            .collect();
        Some(ExactIndex {
            column,
            by_value,
            any: any.into_boxed_slice(),
        })
    }
}

/// A compiled table reference with key renamings.
#[derive(Debug)]
pub struct Path {
    /// The table.
    pub table: TableId,
    /// `(from, to)` pairs applied before the table runs.
    pub input_mapping: Box<[(KeyId, KeyId)]>,
    /// `(from, to)` pairs applied to the endpoints' keys.
    pub output_mapping: Box<[(KeyId, KeyId)]>,
}

/// A compiled mapping.
#[derive(Debug)]
pub struct Mapping {
    /// Mapping id.
    pub id: Box<str>,
    /// Values set when the mapping runs (taken as written).
    pub initial_context: Box<[(KeyId, ConstId)]>,
    /// All must match.
    pub inclusion: Box<[Path]>,
    /// None may match.
    pub exclusion: Box<[Path]>,
    /// Tables run in order.
    pub paths: Box<[Path]>,
}

/// A compiled schema input.
#[derive(Debug)]
pub struct SchemaInput {
    /// Key.
    pub key: KeyId,
    /// Value when not supplied.
    pub default: Val,
    /// Validation table for supplied, non-blank values.
    pub table: Option<TableId>,
    /// Whether the algorithm stages with it.
    pub used_for_staging: bool,
}

/// A compiled schema output.
#[derive(Debug)]
pub struct SchemaOutput {
    /// Key.
    pub key: KeyId,
    /// Value before any mapping writes it.
    pub default: Val,
    /// Table of valid values.
    pub table: Option<TableId>,
}

/// A compiled schema.
#[derive(Debug)]
pub struct Schema {
    /// Schema id.
    pub id: Box<str>,
    /// Selection table.
    pub selection_table: Option<TableId>,
    /// Discriminator keys.
    pub discriminators: Box<[KeyId]>,
    /// Inputs.
    pub inputs: Box<[SchemaInput]>,
    /// Outputs.
    pub outputs: Box<[SchemaOutput]>,
    /// Values set before the first mapping.
    pub initial_context: Box<[(KeyId, Val)]>,
    /// Mappings in order.
    pub mappings: Box<[Mapping]>,
}

/// A compiled algorithm.
#[derive(Debug)]
pub struct Algorithm {
    /// A number no other algorithm of the process has (a run's memo knows
    /// its algorithm by it).
    serial: u64,
    name: Box<str>,
    version: Box<str>,
    keys: Vec<Box<str>>,
    key_index: HashMap<Box<str>, KeyId>,
    consts: Vec<Box<str>>,
    const_index: HashMap<Box<[u8]>, ConstId>,
    tables: Vec<Table>,
    table_index: HashMap<Box<str>, TableId>,
    schemas: Vec<Schema>,
    schema_index: HashMap<Box<str>, SchemaId>,
}

/// Why an algorithm's data did not compile: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// The table or schema at fault.
    pub place: String,
    /// The row (1-based), when a row is at fault.
    pub row: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row {
            Some(row) => write!(f, "{} row {}: {}", self.place, row, self.message),
            None => write!(f, "{}: {}", self.place, self.message),
        }
    }
}

impl std::error::Error for CompileError {}

fn err(place: &str, row: Option<usize>, message: impl Into<String>) -> CompileError {
    CompileError {
        place: place.to_string(),
        row,
        message: message.into(),
    }
}

/// Interning while compiling.
#[derive(Default)]
struct Interner {
    keys: Vec<Box<str>>,
    key_index: HashMap<Box<str>, KeyId>,
    consts: Vec<Box<str>>,
    const_index: HashMap<Box<[u8]>, ConstId>,
}

impl Interner {
    fn key(&mut self, name: &str) -> KeyId {
        if let Some(k) = self.key_index.get(name) {
            return *k;
        }
        let k = KeyId(u16::try_from(self.keys.len()).expect("fewer than 65,536 keys"));
        self.keys.push(name.into());
        self.key_index.insert(name.into(), k);
        k
    }

    fn constant(&mut self, value: &str) -> ConstId {
        if let Some(c) = self.const_index.get(value.as_bytes()) {
            return *c;
        }
        let c = ConstId(self.consts.len() as u32);
        self.consts.push(value.into());
        self.const_index.insert(value.as_bytes().into(), c);
        c
    }

    fn val(&mut self, value: &str) -> Val {
        match cell::reference_key(value) {
            Some(k) => Val::Ref(self.key(k)),
            None => Val::Const(self.constant(value)),
        }
    }
}

impl Algorithm {
    /// Checks and compiles algorithm data. Fails on a duplicate id, a row of
    /// the wrong width, a reference to an unknown table, or a `JUMP` cycle.
    pub fn compile(data: &AlgorithmData) -> Result<Algorithm, CompileError> {
        let mut int = Interner::default();
        int.constant("");
        let mut table_index = HashMap::new();
        for (i, t) in data.tables.iter().enumerate() {
            let id = TableId(u16::try_from(i).map_err(|_| err(&t.id, None, "more than 65,535 tables"))?);
            if table_index.insert(Box::<str>::from(t.id.as_str()), id).is_some() {
                return Err(err(&t.id, None, "table id defined twice"));
            }
        }
        let table_of = |place: &str, id: &str| -> Result<TableId, CompileError> {
            table_index
                .get(id)
                .copied()
                .ok_or_else(|| err(place, None, format!("refers to unknown table '{id}'")))
        };

        let mut tables = Vec::with_capacity(data.tables.len());
        for t in &data.tables {
            let inputs: Box<[KeyId]> = t.inputs.iter().map(|k| int.key(k)).collect();
            let outputs: Box<[KeyId]> = t.outputs.iter().map(|k| int.key(k)).collect();
            let mut rows = Vec::with_capacity(t.rows.len());
            for (r, (cells, endpoints)) in t.rows.iter().enumerate() {
                if cells.len() != inputs.len() || endpoints.len() != outputs.len() {
                    return Err(err(
                        &t.id,
                        Some(r + 1),
                        format!(
                            "has {} cells and {} endpoints; the table has {} inputs and {} outputs",
                            cells.len(),
                            endpoints.len(),
                            inputs.len(),
                            outputs.len()
                        ),
                    ));
                }
                let cells = cells
                    .iter()
                    .map(|c| Cell::compile(&cell::split(c), |k| int.key(k)))
                    .collect();
                let mut eps = Vec::with_capacity(endpoints.len());
                for (e, key) in endpoints.iter().zip(outputs.iter()) {
                    eps.push(match e {
                        EndpointData::Value(Some(v)) => Endpoint::Value(*key, int.val(v)),
                        EndpointData::Value(None) => Endpoint::Remove(*key),
                        EndpointData::Jump(target) => {
                            Endpoint::Jump(table_of(&t.id, target).map_err(|e| CompileError { row: Some(r + 1), ..e })?)
                        }
                        EndpointData::Match => Endpoint::Match,
                        EndpointData::Stop => Endpoint::Stop,
                        EndpointData::Error => Endpoint::Error(*key),
                    });
                }
                rows.push(Row {
                    cells,
                    endpoints: eps.into(),
                });
            }
            tables.push(Table::new(&t.id, inputs, outputs, rows.into()));
        }
        check_jump_cycles(&tables)?;

        let mut schemas = Vec::with_capacity(data.schemas.len());
        let mut schema_index = HashMap::new();
        for (i, s) in data.schemas.iter().enumerate() {
            let id = SchemaId(u16::try_from(i).map_err(|_| err(&s.id, None, "more than 65,535 schemas"))?);
            if schema_index.insert(Box::<str>::from(s.id.as_str()), id).is_some() {
                return Err(err(&s.id, None, "schema id defined twice"));
            }
            let opt_table = |t: &Option<String>| t.as_deref().map(|t| table_of(&s.id, t)).transpose();
            let mut path = |p: &TablePathData, int: &mut Interner| -> Result<Path, CompileError> {
                Ok(Path {
                    table: table_of(&s.id, &p.table)?,
                    input_mapping: p.input_mapping.iter().map(|(f, t)| (int.key(f), int.key(t))).collect(),
                    output_mapping: p.output_mapping.iter().map(|(f, t)| (int.key(f), int.key(t))).collect(),
                })
            };
            let mut mappings = Vec::with_capacity(s.mappings.len());
            for m in &s.mappings {
                let paths = |list: &[TablePathData], int: &mut Interner, path: &mut dyn FnMut(&TablePathData, &mut Interner) -> Result<Path, CompileError>| {
                    list.iter().map(|p| path(p, int)).collect::<Result<Box<[Path]>, _>>()
                };
                mappings.push(Mapping {
                    id: m.id.as_str().into(),
                    initial_context: m
                        .initial_context
                        .iter()
                        .map(|(k, v)| (int.key(k), int.constant(v)))
                        .collect(),
                    inclusion: paths(&m.inclusion, &mut int, &mut path)?,
                    exclusion: paths(&m.exclusion, &mut int, &mut path)?,
                    paths: paths(&m.paths, &mut int, &mut path)?,
                });
            }
            let mut inputs = Vec::with_capacity(s.inputs.len());
            for inp in &s.inputs {
                inputs.push(SchemaInput {
                    key: int.key(&inp.key),
                    default: int.val(inp.default.as_deref().unwrap_or("")),
                    table: opt_table(&inp.table)?,
                    used_for_staging: inp.used_for_staging,
                });
            }
            let mut outputs = Vec::with_capacity(s.outputs.len());
            for out in &s.outputs {
                outputs.push(SchemaOutput {
                    key: int.key(&out.key),
                    default: int.val(out.default.as_deref().unwrap_or("")),
                    table: opt_table(&out.table)?,
                });
            }
            schemas.push(Schema {
                id: s.id.as_str().into(),
                selection_table: opt_table(&s.selection_table)?,
                discriminators: s.discriminators.iter().map(|k| int.key(k)).collect(),
                inputs: inputs.into(),
                outputs: outputs.into(),
                initial_context: s
                    .initial_context
                    .iter()
                    .map(|(k, v)| (int.key(k), int.val(v)))
                    .collect(),
                mappings: mappings.into(),
            });
        }
        static SERIALS: AtomicU64 = AtomicU64::new(1);
        Ok(Algorithm {
            serial: SERIALS.fetch_add(1, Ordering::Relaxed),
            name: data.name.as_str().into(),
            version: data.version.as_str().into(),
            keys: int.keys,
            key_index: int.key_index,
            consts: int.consts,
            const_index: int.const_index,
            tables,
            table_index,
            schemas,
            schema_index,
        })
    }

    /// A number no other algorithm compiled by this process has.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// Algorithm name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Algorithm version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Number of keys (the size of a run's context).
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// A key's name.
    pub fn key_name(&self, key: KeyId) -> &str {
        &self.keys[key.0 as usize]
    }

    /// A key by name.
    pub fn key(&self, name: &str) -> Option<KeyId> {
        self.key_index.get(name).copied()
    }

    /// A constant's bytes.
    pub fn constant(&self, c: ConstId) -> &[u8] {
        self.consts[c.0 as usize].as_bytes()
    }

    /// A constant as text (constants are read from text: no check needed).
    pub fn constant_str(&self, c: ConstId) -> &str {
        &self.consts[c.0 as usize]
    }

    /// Every constant, by [`ConstId`] order.
    pub fn constants(&self) -> impl Iterator<Item = &[u8]> {
        self.consts.iter().map(|c| c.as_bytes())
    }

    /// The algorithm's own copy of a value, as text, if it has one.
    pub fn find_constant(&self, value: &[u8]) -> Option<&str> {
        self.const_index.get(value).map(|c| self.constant_str(*c))
    }

    /// A table.
    pub fn table(&self, id: TableId) -> &Table {
        &self.tables[id.0 as usize]
    }

    /// Number of tables.
    pub fn table_count(&self) -> usize {
        self.tables.len()
    }

    /// A table by id.
    pub fn table_id(&self, id: &str) -> Option<TableId> {
        self.table_index.get(id).copied()
    }

    /// A schema.
    pub fn schema(&self, id: SchemaId) -> &Schema {
        &self.schemas[id.0 as usize]
    }

    /// A schema by id.
    pub fn schema_id(&self, id: &str) -> Option<SchemaId> {
        self.schema_index.get(id).copied()
    }

    /// Every table, in data order.
    pub fn tables(&self) -> impl Iterator<Item = (TableId, &Table)> {
        self.tables.iter().enumerate().map(|(i, t)| (TableId(i as u16), t))
    }

    /// Every schema, in data order.
    pub fn schemas(&self) -> impl Iterator<Item = (SchemaId, &Schema)> {
        self.schemas.iter().enumerate().map(|(i, s)| (SchemaId(i as u16), s))
    }
}

/// Rejects a table that can reach itself through `JUMP` endpoints.
fn check_jump_cycles(tables: &[Table]) -> Result<(), CompileError> {
    // 0 = unvisited, 1 = on the current chain, 2 = done.
    let mut state = vec![0u8; tables.len()];
    for start in 0..tables.len() {
        if state[start] != 0 {
            continue;
        }
        // Iterative depth-first walk: (table, next endpoint position).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (t, ref mut pos)) = stack.last_mut() {
            let targets: Vec<usize> = jumps(&tables[t]).collect();
            if *pos < targets.len() {
                let next = targets[*pos];
                *pos += 1;
                match state[next] {
                    0 => {
                        state[next] = 1;
                        stack.push((next, 0));
                    }
                    1 => {
                        return Err(err(
                            &tables[t].id,
                            None,
                            format!("JUMP to '{}' closes a cycle", tables[next].id),
                        ));
                    }
                    _ => {}
                }
            } else {
                state[t] = 2;
                stack.pop();
            }
        }
    }
    Ok(())
}

fn jumps(table: &Table) -> impl Iterator<Item = usize> + '_ {
    table
        .rows
        .iter()
        .flat_map(|r| r.endpoints.iter())
        .filter_map(|e| match e {
            Endpoint::Jump(t) => Some(t.0 as usize),
            _ => None,
        })
}
