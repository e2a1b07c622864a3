//! Generic decision tables, the way SEER's staging algorithms are written:
//! first-hit rows of input cells and endpoint cells, chained by `JUMP`, run
//! by a schema's ordered mappings. This module knows no chapter: every code,
//! range and value comes from the data it is given.
//!
//! * [`data`]: the uncompiled model (text cells, names), as read from
//!   netstage's rule files ([`text`]) or built by an importer;
//! * [`cell`]: the cell syntax (`*`, value lists, ranges, blank) and matching;
//! * [`algorithm`]: the compiled, immutable form (keys as indices, ranges
//!   parsed, references checked, `JUMP` cycles rejected);
//! * `memo`: the rows each table gave, remembered by a worker's scratch;
//! * [`run`]: evaluation of one schema on one set of inputs, with a reusable
//!   scratch and the path of tables and rows it went through.

pub mod algorithm;
pub mod cell;
pub mod data;
pub mod fast_hash;
mod memo;
pub mod run;
pub mod text;

pub use algorithm::{Algorithm, CompileError, Endpoint, KeyId, SchemaId, TableId, Val};
pub use data::{
    AlgorithmData, EndpointData, MappingData, SchemaData, SchemaInputData, SchemaOutputData, TableData, TablePathData,
};
pub use run::{RunError, RunErrorKind, RunOutput, RunPlan, Scratch, Step};
