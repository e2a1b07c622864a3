//! The batch layer's dependency rule, checked over the `use crate::` lines
//! (and inline `crate::` paths) of `src/`: data flows read -> stage ->
//! write / report; only the pipeline and the binary see every side.

use std::path::Path;

/// The part of the crate a file under `src/` belongs to.
fn layer_of(rel: &str) -> &str {
    rel.split(['/', '.']).next().unwrap_or(rel)
}

/// The layers a layer may import (besides itself).
fn allowed(layer: &str) -> Option<&'static [&'static str]> {
    Some(match layer {
        "error" => &[],
        "seer_algorithm" => &["error"],
        "read" => &["error"],
        "stage" => &["read", "error"],
        "write" => &["stage", "error"],
        "report" => &["read", "stage", "error"],
        // The pipeline and the binary (main, cli, cmd/, bin/) see everything.
        "pipeline" | "lib" | "main" | "cli" | "cmd" | "bin" => return None,
        other => panic!("src/{other}: a file outside every layer; give it one in tests/layers.rs"),
    })
}

/// The identifier at the start of a text.
fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Every `crate::LAYER` a source text names, also inside a grouped import
/// (`crate::{read::x, write::y}`); a doc link `[`crate::x`]` counts too. An
/// alias of the crate itself (`crate as c`) is reported as `crate as`, which
/// no layer may use.
fn imported_layers(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: String| {
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    };
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => {
                // The first name of each top-level item of the group.
                let (mut depth, mut item_start) = (0, true);
                for (j, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => item_start = true,
                        c if item_start && !c.is_whitespace() => {
                            item_start = false;
                            add(ident(&group[j..]));
                        }
                        _ => {}
                    }
                }
            }
            None => add(ident(rest)),
        }
    }
    if text.contains("crate as ") {
        add("crate as".to_string());
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn each_layer_imports_only_what_is_upstream_of_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    let mut broken = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let layer = layer_of(&rel);
        let Some(allowed) = allowed(layer) else { continue };
        checked += 1;
        let text = std::fs::read_to_string(path).unwrap();
        for used in imported_layers(&text) {
            if used != layer && !allowed.contains(&used.as_str()) {
                broken.push(format!("{rel} ({layer}) uses crate::{used}"));
            }
        }
    }
    assert!(broken.is_empty(), "dependency rule broken:\n{}", broken.join("\n"));
    // The read, stage, write and report sides all exist and were checked.
    assert!(checked >= 20, "only {checked} files checked");
}

#[test]
fn the_rule_check_sees_imports() {
    let text = "use crate::read::batch::Batch;\nuse netstage_rules::Outcome;\nfn f() { crate::pipeline::run(); }";
    assert_eq!(imported_layers(text), ["read", "pipeline"]);
    let grouped = "use crate::{\n    write::columns::{Cell, Layout},\n    report::counts::Counts,\n};";
    assert_eq!(imported_layers(grouped), ["write", "report"]);
    assert_eq!(imported_layers("use crate as c;"), ["crate as"]);
    assert_eq!(layer_of("write/csv_out.rs"), "write");
    assert_eq!(layer_of("stage.rs"), "stage");
}
