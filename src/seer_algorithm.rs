//! Reads a published SEER staging algorithm folder (imsweb's JSON form:
//! `schemas/ID.json`, `tables/ID.json`) into netstage's rule data
//! ([`netstage_rules::table::AlgorithmData`]): keys, cells, endpoints, ids
//! and defaults only. Names, titles, notes, descriptions, footnotes and
//! error-message texts of the source are not read.
//!
//! The same reader serves the importer (`netstage-import`, which writes the
//! embedded tables) and `--algorithm DIR` (a site's own copy).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use netstage_rules::table::cell;
use netstage_rules::table::{
    AlgorithmData, EndpointData, MappingData, SchemaData, SchemaInputData, SchemaOutputData, TableData, TablePathData,
};
use serde_json::Value;

/// Which schemas to read, and how much of each.
#[derive(Clone, Debug)]
pub struct SchemaPick {
    /// Schema id in the folder.
    pub id: String,
    /// Only the selection table and the schema-ID output (for a schema
    /// netstage selects but does not run).
    pub selection_only: bool,
}

/// The schemas netstage uses: the 14 NET schemas, lung, the organ-general
/// chapters it stages, and the esophagus/EGJ selection at C16.0.
pub fn netstage_schemas() -> Vec<SchemaPick> {
    let full = [
        "net_stomach",
        "net_duodenum",
        "net_ampulla",
        "net_jejunum_ileum",
        "net_appendix",
        "net_colon_rectum",
        "net_pancreas",
        "net_stomach_v9_2024",
        "net_duodenum_v9_2024",
        "net_ampulla_of_vater_v9_2024",
        "net_jejunum_and_ileum_v9_2024",
        "net_appendix_v9_2024",
        "net_colon_and_rectum_v9_2024",
        "net_pancreas_v9_2024",
        "lung",
        "lung_v9_2025",
        "stomach",
        "small_intestine",
        "ampulla_vater",
        "pancreas",
        "colon_rectum",
        "appendix",
        "appendix_v9_2023",
    ];
    let mut picks: Vec<SchemaPick> = full
        .iter()
        .map(|id| SchemaPick {
            id: id.to_string(),
            selection_only: false,
        })
        .collect();
    picks.push(SchemaPick {
        id: "esophagus_gejunction".to_string(),
        selection_only: true,
    });
    picks
}

/// A folder that could not be read: which file, and what.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct ReadError {
    /// The file at fault.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

fn fail(path: &Path, message: impl Into<String>) -> ReadError {
    ReadError {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// The files read, for a provenance record: `(path relative to the folder, bytes)`.
pub type SourceFiles = Vec<(String, Vec<u8>)>;

/// Reads the picked schemas and every table they reach (validation tables,
/// selection tables, mapping tables and their `JUMP` targets). Tables come
/// out sorted by id, schemas in pick order, so the same folder always gives
/// the same data.
pub fn read_folder(dir: &Path, picks: &[SchemaPick]) -> Result<(AlgorithmData, SourceFiles), ReadError> {
    let mut data = AlgorithmData::default();
    let mut files: SourceFiles = Vec::new();
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for pick in picks {
        let rel = format!("schemas/{}.json", pick.id);
        let path = dir.join(&rel);
        let bytes = fs::read(&path).map_err(|e| fail(&path, e.to_string()))?;
        let json: Value = serde_json::from_slice(&bytes).map_err(|e| fail(&path, e.to_string()))?;
        let (schema, name, version) = read_schema(&path, &json, pick.selection_only)?;
        match (data.name.is_empty(), &name, &version) {
            (true, _, _) => {
                data.name = name;
                data.version = version;
            }
            (false, n, v) if *n == data.name && *v == data.version => {}
            _ => {
                return Err(fail(
                    &path,
                    format!("algorithm {name} {version} differs from {} {}", data.name, data.version),
                ));
            }
        }
        wanted.extend(tables_of(&schema));
        data.schemas.push(schema);
        files.push((rel, bytes));
    }
    let mut tables: BTreeMap<String, TableData> = BTreeMap::new();
    let mut queue: Vec<String> = wanted.into_iter().collect();
    while let Some(id) = queue.pop() {
        if tables.contains_key(&id) {
            continue;
        }
        let rel = format!("tables/{id}.json");
        let path = dir.join(&rel);
        let bytes = fs::read(&path).map_err(|e| fail(&path, e.to_string()))?;
        let json: Value = serde_json::from_slice(&bytes).map_err(|e| fail(&path, e.to_string()))?;
        let table = read_table(&path, &json)?;
        if table.id != id {
            return Err(fail(&path, format!("holds table '{}'", table.id)));
        }
        for (_, eps) in &table.rows {
            for e in eps {
                if let EndpointData::Jump(target) = e {
                    queue.push(target.clone());
                }
            }
        }
        tables.insert(id, table);
        files.push((rel, bytes));
    }
    data.tables = tables.into_values().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((data, files))
}

fn tables_of(s: &SchemaData) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    out.extend(s.selection_table.iter().cloned());
    out.extend(s.inputs.iter().filter_map(|i| i.table.clone()));
    out.extend(s.outputs.iter().filter_map(|o| o.table.clone()));
    for m in &s.mappings {
        for p in m.inclusion.iter().chain(&m.exclusion).chain(&m.paths) {
            out.push(p.table.clone());
        }
    }
    out
}

fn str_field<'a>(path: &Path, v: &'a Value, key: &str) -> Result<&'a str, ReadError> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| fail(path, format!("'{key}' is missing or not text")))
}

fn opt_str(path: &Path, v: &Value, key: &str) -> Result<Option<String>, ReadError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(fail(path, format!("'{key}' is not text"))),
    }
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn key_values(path: &Path, v: &Value, key: &str) -> Result<Vec<(String, String)>, ReadError> {
    list(v, key)
        .iter()
        .map(|kv| {
            Ok((
                str_field(path, kv, "key")?.to_string(),
                str_field(path, kv, "value")?.to_string(),
            ))
        })
        .collect()
}

fn key_mapping(path: &Path, v: &Value, key: &str) -> Result<Vec<(String, String)>, ReadError> {
    list(v, key)
        .iter()
        .map(|kv| {
            Ok((
                str_field(path, kv, "from")?.to_string(),
                str_field(path, kv, "to")?.to_string(),
            ))
        })
        .collect()
}

fn table_paths(path: &Path, v: &Value, key: &str) -> Result<Vec<TablePathData>, ReadError> {
    list(v, key)
        .iter()
        .map(|p| {
            Ok(TablePathData {
                table: str_field(path, p, "id")?.to_string(),
                input_mapping: key_mapping(path, p, "input_mapping")?,
                output_mapping: key_mapping(path, p, "output_mapping")?,
            })
        })
        .collect()
}

fn read_schema(path: &Path, json: &Value, selection_only: bool) -> Result<(SchemaData, String, String), ReadError> {
    let name = str_field(path, json, "algorithm")?.to_string();
    let version = str_field(path, json, "version")?.to_string();
    match json.get("on_invalid_input").and_then(Value::as_str) {
        None | Some("CONTINUE") => {}
        Some(other) => return Err(fail(path, format!("on_invalid_input '{other}' is not supported"))),
    }
    let mut s = SchemaData {
        id: str_field(path, json, "id")?.to_string(),
        selection_table: opt_str(path, json, "schema_selection_table")?,
        discriminators: list(json, "schema_discriminators")
            .iter()
            .map(|d| {
                d.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| fail(path, "a discriminator is not text"))
            })
            .collect::<Result<_, _>>()?,
        ..SchemaData::default()
    };
    for o in list(json, "outputs") {
        let key = str_field(path, o, "key")?.to_string();
        if selection_only && key != "naaccr_schema_id" {
            continue;
        }
        s.outputs.push(SchemaOutputData {
            key,
            default: opt_str(path, o, "default")?,
            table: if selection_only {
                None
            } else {
                opt_str(path, o, "table")?
            },
        });
    }
    if selection_only {
        return Ok((s, name, version));
    }
    for i in list(json, "inputs") {
        if i.get("default_table").is_some_and(|t| !t.is_null()) {
            return Err(fail(path, "inputs with a default_table are not supported"));
        }
        s.inputs.push(SchemaInputData {
            key: str_field(path, i, "key")?.to_string(),
            default: opt_str(path, i, "default")?,
            table: opt_str(path, i, "table")?,
            used_for_staging: i.get("used_for_staging").and_then(Value::as_bool).unwrap_or(false),
        });
    }
    s.initial_context = key_values(path, json, "initial_context")?;
    for m in list(json, "mappings") {
        s.mappings.push(MappingData {
            id: str_field(path, m, "id")?.to_string(),
            initial_context: key_values(path, m, "initial_context")?,
            inclusion: table_paths(path, m, "inclusion_tables")?,
            exclusion: table_paths(path, m, "exclusion_tables")?,
            paths: table_paths(path, m, "tables")?,
        });
    }
    Ok((s, name, version))
}

/// Reads an endpoint cell as the source engine does: `TYPE` or `TYPE:value`,
/// both trimmed. An `ERROR` keeps no message text.
fn read_endpoint(text: &str) -> Option<EndpointData> {
    let (kind, value) = match text.split_once(':') {
        Some((k, v)) => (cell::trim(k), Some(cell::trim(v))),
        None => (cell::trim(text), None),
    };
    Some(match kind {
        "VALUE" => EndpointData::Value(value.map(str::to_string)),
        "JUMP" => EndpointData::Jump(value.filter(|v| !v.is_empty())?.to_string()),
        "MATCH" => EndpointData::Match,
        "STOP" => EndpointData::Stop,
        "ERROR" => EndpointData::Error,
        _ => return None,
    })
}

fn read_table(path: &Path, json: &Value) -> Result<TableData, ReadError> {
    #[derive(Clone, Copy)]
    enum Col {
        Input,
        Endpoint,
        Skip,
    }
    let mut t = TableData {
        id: str_field(path, json, "id")?.to_string(),
        ..TableData::default()
    };
    let mut cols = Vec::new();
    for d in list(json, "definition") {
        let key = str_field(path, d, "key")?;
        cols.push(match str_field(path, d, "type")? {
            "INPUT" => {
                t.inputs.push(key.to_string());
                Col::Input
            }
            "ENDPOINT" => {
                t.outputs.push(key.to_string());
                Col::Endpoint
            }
            "DESCRIPTION" => Col::Skip,
            other => return Err(fail(path, format!("column type '{other}' is not supported"))),
        });
    }
    for (r, row) in list(json, "rows").iter().enumerate() {
        let cells = row
            .as_array()
            .ok_or_else(|| fail(path, format!("row {} is not a list", r + 1)))?;
        if cells.len() != cols.len() {
            return Err(fail(
                path,
                format!("row {} has {} cells for {} columns", r + 1, cells.len(), cols.len()),
            ));
        }
        let (mut inputs, mut eps) = (Vec::new(), Vec::new());
        for (c, col) in cells.iter().zip(&cols) {
            let text = c
                .as_str()
                .ok_or_else(|| fail(path, format!("row {} has a cell that is not text", r + 1)))?;
            match col {
                Col::Input => {
                    let split = cell::split(text);
                    if !cell::canonical_round_trips(&split) {
                        return Err(fail(
                            path,
                            format!("row {}: cell {text:?} has no canonical form", r + 1),
                        ));
                    }
                    inputs.push(cell::canonical(&split));
                }
                Col::Endpoint => eps.push(
                    read_endpoint(text)
                        .ok_or_else(|| fail(path, format!("row {}: {text:?} is not an endpoint", r + 1)))?,
                ),
                Col::Skip => {}
            }
        }
        t.rows.push((inputs, eps));
    }
    Ok(t)
}

/// Builds the rules with a site's own copy of SEER's algorithm
/// (`--algorithm DIR`): the folder is read, checked and compiled once, and
/// lives as long as the process.
pub fn rules_from_folder(dir: &Path) -> Result<&'static netstage_rules::RuleSet, ReadError> {
    let (data, _) = read_folder(dir, &netstage_schemas())?;
    let eod = netstage_rules::eod::EodAlgorithm::from_data(&data).map_err(|e| fail(dir, e.to_string()))?;
    let eod: &'static _ = Box::leak(Box::new(eod));
    let rules = netstage_rules::RuleSet::with_eod(eod).map_err(|e| fail(dir, e.to_string()))?;
    Ok(Box::leak(Box::new(rules)))
}
