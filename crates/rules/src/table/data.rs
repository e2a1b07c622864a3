//! The uncompiled model of an algorithm: tables and schemas with their keys
//! and cells as text. It is what netstage's rule files hold and what an
//! importer produces; [`crate::table::Algorithm::compile`] checks and
//! compiles it.

/// A whole algorithm: its name, version, tables and schemas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlgorithmData {
    /// Algorithm name (`eod_public`).
    pub name: String,
    /// Algorithm version (`3.2`).
    pub version: String,
    /// Every table, in file order.
    pub tables: Vec<TableData>,
    /// Every schema, in file order.
    pub schemas: Vec<SchemaData>,
}

/// One decision table: input keys, endpoint keys, and rows of cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableData {
    /// Table id, unique in the algorithm.
    pub id: String,
    /// The keys the input cells are matched against, in column order.
    pub inputs: Vec<String>,
    /// The keys the endpoint cells write, in column order.
    pub outputs: Vec<String>,
    /// Rows: `inputs.len()` input cells (see [`crate::table::cell`]), then
    /// `outputs.len()` endpoints.
    pub rows: Vec<(Vec<String>, Vec<EndpointData>)>,
}

/// One endpoint cell of a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointData {
    /// Sets the column's key to a value (`{{key}}` copies another key);
    /// `None` removes the key.
    Value(Option<String>),
    /// Continues in another table.
    Jump(String),
    /// Matches; writes nothing.
    Match,
    /// Stops the rest of the mapping's table paths.
    Stop,
    /// Records an error for the column's key.
    Error,
}

/// One schema: its selection table, inputs, outputs and mappings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaData {
    /// Schema id.
    pub id: String,
    /// The table whose rows select this schema (site, histology, discriminators).
    pub selection_table: Option<String>,
    /// Keys of the discriminators the selection table uses beyond site and histology.
    pub discriminators: Vec<String>,
    /// Inputs, in schema order.
    pub inputs: Vec<SchemaInputData>,
    /// Outputs, in schema order.
    pub outputs: Vec<SchemaOutputData>,
    /// Values set before the first mapping.
    pub initial_context: Vec<(String, String)>,
    /// Mappings, run in order.
    pub mappings: Vec<MappingData>,
}

/// A schema input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaInputData {
    /// Key.
    pub key: String,
    /// Value used when the input is not supplied (`None`: blank).
    pub default: Option<String>,
    /// Table that validates a supplied, non-blank value.
    pub table: Option<String>,
    /// Whether the algorithm uses the input for staging.
    pub used_for_staging: bool,
}

/// A schema output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaOutputData {
    /// Key.
    pub key: String,
    /// Value before any mapping writes it (`None`: blank).
    pub default: Option<String>,
    /// Table that lists the output's valid values.
    pub table: Option<String>,
}

/// A mapping: a group of table paths, run when its inclusion tables match
/// and its exclusion tables do not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappingData {
    /// Mapping id.
    pub id: String,
    /// Values set when the mapping runs, before its first table path.
    pub initial_context: Vec<(String, String)>,
    /// Every one must match for the mapping to run.
    pub inclusion: Vec<TablePathData>,
    /// None may match for the mapping to run.
    pub exclusion: Vec<TablePathData>,
    /// The tables run, in order.
    pub paths: Vec<TablePathData>,
}

/// A table reference with key renamings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TablePathData {
    /// Table id.
    pub table: String,
    /// `(from, to)`: the table reads key `to` with the value of `from`.
    pub input_mapping: Vec<(String, String)>,
    /// `(from, to)`: an endpoint of key `from` writes key `to` instead.
    pub output_mapping: Vec<(String, String)>,
}
