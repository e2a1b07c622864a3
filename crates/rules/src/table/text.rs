//! netstage's text form of algorithm data: one record per line, fields
//! separated by tabs, the first field naming the record. Written by the
//! importer, read at start-up; `write(read(text)) == text`.
//!
//! ```text
//! netstage-rule-data  1
//! algorithm  NAME  VERSION
//! table  ID                  then: in KEYS..., out KEYS..., row CELLS... ENDPOINTS...
//! schema  ID                 then: select TABLE, discriminators KEYS...,
//!                            input KEY DEFAULT TABLE STAGING, output KEY DEFAULT TABLE,
//!                            init KEY VALUE, mapping ID (then: minit KEY VALUE,
//!                            include/exclude/path TABLE IN-MAP OUT-MAP)
//! ```
//!
//! An absent default or table is `\N`; a key mapping is `from>to` pairs
//! joined by `,`; endpoints are `VALUE:v`, `VALUE` (removes the key),
//! `JUMP:table`, `MATCH`, `STOP`, `ERROR`. Lines starting with `#` are
//! comments.

use std::fmt::Write as _;

use super::data::{
    AlgorithmData, EndpointData, MappingData, SchemaData, SchemaInputData, SchemaOutputData, TableData, TablePathData,
};

/// First line of every file.
pub const MAGIC: &str = "netstage-rule-data\t1";

const NONE: &str = "\\N";

/// A line that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for TextError {}

/// Writes algorithm data in the text form. Fails when a value cannot be
/// written unambiguously (a tab or line break, `\N`, or `,`/`>` in a key).
pub fn write(data: &AlgorithmData) -> Result<String, String> {
    let mut out = String::new();
    let _ = writeln!(out, "{MAGIC}");
    line(&mut out, &["algorithm", &data.name, &data.version])?;
    for t in &data.tables {
        line(&mut out, &["table", &t.id])?;
        out.push_str("in");
        fields(&mut out, t.inputs.iter().map(String::as_str))?;
        out.push_str("out");
        fields(&mut out, t.outputs.iter().map(String::as_str))?;
        for (cells, eps) in &t.rows {
            out.push_str("row");
            let eps: Vec<String> = eps.iter().map(endpoint_text).collect();
            fields(
                &mut out,
                cells.iter().map(String::as_str).chain(eps.iter().map(String::as_str)),
            )?;
        }
    }
    for s in &data.schemas {
        line(&mut out, &["schema", &s.id])?;
        if let Some(t) = &s.selection_table {
            line(&mut out, &["select", t])?;
        }
        if !s.discriminators.is_empty() {
            out.push_str("discriminators");
            fields(&mut out, s.discriminators.iter().map(String::as_str))?;
        }
        for i in &s.inputs {
            let staging = if i.used_for_staging { "1" } else { "0" };
            line(&mut out, &["input", &i.key, opt(&i.default)?, opt(&i.table)?, staging])?;
        }
        for o in &s.outputs {
            line(&mut out, &["output", &o.key, opt(&o.default)?, opt(&o.table)?])?;
        }
        for (k, v) in &s.initial_context {
            line(&mut out, &["init", k, v])?;
        }
        for m in &s.mappings {
            line(&mut out, &["mapping", &m.id])?;
            for (k, v) in &m.initial_context {
                line(&mut out, &["minit", k, v])?;
            }
            for (kind, list) in [("include", &m.inclusion), ("exclude", &m.exclusion), ("path", &m.paths)] {
                for p in list {
                    let (i, o) = (key_map(&p.input_mapping)?, key_map(&p.output_mapping)?);
                    line(&mut out, &[kind, &p.table, &i, &o])?;
                }
            }
        }
    }
    Ok(out)
}

fn check(v: &str) -> Result<&str, String> {
    if v.contains(['\t', '\n', '\r']) {
        return Err(format!("value {v:?} cannot be written"));
    }
    Ok(v)
}

fn line(out: &mut String, parts: &[&str]) -> Result<(), String> {
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        out.push_str(check(p)?);
    }
    out.push('\n');
    Ok(())
}

fn fields<'a>(out: &mut String, parts: impl Iterator<Item = &'a str>) -> Result<(), String> {
    for p in parts {
        out.push('\t');
        out.push_str(check(p)?);
    }
    out.push('\n');
    Ok(())
}

fn opt(v: &Option<String>) -> Result<&str, String> {
    match v {
        Some(v) if v == NONE => Err(format!("value {v:?} cannot be written where a value may be absent")),
        Some(v) => check(v),
        None => Ok(NONE),
    }
}

fn key_map(pairs: &[(String, String)]) -> Result<String, String> {
    let mut s = String::new();
    for (i, (from, to)) in pairs.iter().enumerate() {
        for k in [from, to] {
            if k.contains([',', '>']) || k.is_empty() {
                return Err(format!("key {k:?} cannot be written in a key mapping"));
            }
        }
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{from}>{to}");
    }
    Ok(s)
}

/// The text of an endpoint.
pub fn endpoint_text(e: &EndpointData) -> String {
    match e {
        EndpointData::Value(Some(v)) => format!("VALUE:{v}"),
        EndpointData::Value(None) => "VALUE".to_string(),
        EndpointData::Jump(t) => format!("JUMP:{t}"),
        EndpointData::Match => "MATCH".to_string(),
        EndpointData::Stop => "STOP".to_string(),
        EndpointData::Error => "ERROR".to_string(),
    }
}

/// Reads an endpoint's text.
pub fn parse_endpoint(s: &str) -> Option<EndpointData> {
    Some(match s.split_once(':') {
        Some(("VALUE", v)) => EndpointData::Value(Some(v.to_string())),
        Some(("JUMP", t)) if !t.is_empty() => EndpointData::Jump(t.to_string()),
        None if s == "VALUE" => EndpointData::Value(None),
        None if s == "MATCH" => EndpointData::Match,
        None if s == "STOP" => EndpointData::Stop,
        None if s == "ERROR" => EndpointData::Error,
        _ => return None,
    })
}

/// Reads the text form.
pub fn read(text: &str) -> Result<AlgorithmData, TextError> {
    let mut data = AlgorithmData::default();
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    match lines.next() {
        Some((_, l)) if l == MAGIC => {}
        _ => {
            return Err(TextError {
                line: 1,
                message: format!("the first line must be {MAGIC:?}"),
            });
        }
    }
    for (n, l) in lines {
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let e = |message: String| TextError { line: n, message };
        let f: Vec<&str> = l.split('\t').collect();
        let want = |count: usize| -> Result<(), TextError> {
            if f.len() == count {
                Ok(())
            } else {
                Err(e(format!(
                    "'{}' takes {} fields, found {}",
                    f[0],
                    count - 1,
                    f.len() - 1
                )))
            }
        };
        let owned = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let outside = || e(format!("'{}' outside a table", f[0]));
        match f[0] {
            "algorithm" => {
                want(3)?;
                data.name = f[1].to_string();
                data.version = f[2].to_string();
            }
            "table" => {
                want(2)?;
                data.tables.push(TableData {
                    id: f[1].to_string(),
                    ..TableData::default()
                });
            }
            "in" => data.tables.last_mut().ok_or_else(outside)?.inputs = owned(&f[1..]),
            "out" => data.tables.last_mut().ok_or_else(outside)?.outputs = owned(&f[1..]),
            "row" => {
                let t = data.tables.last_mut().ok_or_else(outside)?;
                let n_in = t.inputs.len();
                if f.len() != 1 + n_in + t.outputs.len() {
                    return Err(e(format!(
                        "row has {} cells; table '{}' has {} inputs and {} outputs",
                        f.len() - 1,
                        t.id,
                        n_in,
                        t.outputs.len()
                    )));
                }
                let cells = owned(&f[1..1 + n_in]);
                let mut eps = Vec::with_capacity(t.outputs.len());
                for s in &f[1 + n_in..] {
                    eps.push(parse_endpoint(s).ok_or_else(|| e(format!("'{s}' is not an endpoint")))?);
                }
                t.rows.push((cells, eps));
            }
            "schema" => {
                want(2)?;
                data.schemas.push(SchemaData {
                    id: f[1].to_string(),
                    ..SchemaData::default()
                });
            }
            _ => {
                let Some(s) = data.schemas.last_mut() else {
                    return Err(e(format!("unknown record '{}'", f[0])));
                };
                read_schema_line(s, &f).map_err(e)?;
            }
        }
    }
    Ok(data)
}

fn read_schema_line(s: &mut SchemaData, f: &[&str]) -> Result<(), String> {
    let want = |count: usize| -> Result<(), String> {
        if f.len() == count {
            Ok(())
        } else {
            Err(format!("'{}' takes {} fields, found {}", f[0], count - 1, f.len() - 1))
        }
    };
    let opt = |v: &str| (v != NONE).then(|| v.to_string());
    fn mapping<'m>(s: &'m mut SchemaData, what: &str) -> Result<&'m mut MappingData, String> {
        s.mappings
            .last_mut()
            .ok_or_else(|| format!("'{what}' outside a mapping"))
    }
    match f[0] {
        "select" => {
            want(2)?;
            s.selection_table = Some(f[1].to_string());
        }
        "discriminators" => s.discriminators = f[1..].iter().map(|k| k.to_string()).collect(),
        "input" => {
            want(5)?;
            s.inputs.push(SchemaInputData {
                key: f[1].to_string(),
                default: opt(f[2]),
                table: opt(f[3]),
                used_for_staging: match f[4] {
                    "1" => true,
                    "0" => false,
                    other => return Err(format!("staging flag '{other}' is not 0 or 1")),
                },
            });
        }
        "output" => {
            want(4)?;
            s.outputs.push(SchemaOutputData {
                key: f[1].to_string(),
                default: opt(f[2]),
                table: opt(f[3]),
            });
        }
        "init" => {
            want(3)?;
            s.initial_context.push((f[1].to_string(), f[2].to_string()));
        }
        "mapping" => {
            want(2)?;
            s.mappings.push(MappingData {
                id: f[1].to_string(),
                ..MappingData::default()
            });
        }
        "minit" => {
            want(3)?;
            mapping(s, f[0])?
                .initial_context
                .push((f[1].to_string(), f[2].to_string()));
        }
        kind @ ("include" | "exclude" | "path") => {
            // Empty key mappings at the end of the line may be left out.
            if !(2..=4).contains(&f.len()) {
                return Err(format!("'{}' takes 1 to 3 fields, found {}", f[0], f.len() - 1));
            }
            let p = TablePathData {
                table: f[1].to_string(),
                input_mapping: parse_key_map(f.get(2).copied().unwrap_or(""))?,
                output_mapping: parse_key_map(f.get(3).copied().unwrap_or(""))?,
            };
            let m = mapping(s, f[0])?;
            match kind {
                "include" => m.inclusion.push(p),
                "exclude" => m.exclusion.push(p),
                _ => m.paths.push(p),
            }
        }
        other => return Err(format!("unknown record '{other}'")),
    }
    Ok(())
}

fn parse_key_map(s: &str) -> Result<Vec<(String, String)>, String> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|pair| {
            pair.split_once('>')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| format!("'{pair}' is not a from>to key mapping"))
        })
        .collect()
}
