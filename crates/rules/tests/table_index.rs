//! The indexed row lookup (a value index on one column) gives the same row
//! as a scan of every row, for every table of the embedded EOD algorithm,
//! on values taken from the tables' own cells and their neighbours (as zen's
//! `decision_table_index_matches_linear_semantics`).

use netstage_rules::eod::EOD_PUBLIC_TABLES;
use netstage_rules::table::cell::{CellText, split};
use netstage_rules::table::{Algorithm, KeyId, text};

/// Values worth trying in a column: every item end, its numeric neighbours
/// at the same width, blank, and a few strangers.
fn candidates(cells: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new(), "X".into(), "999".into(), "9".into(), " 1 ".into()];
    for c in cells {
        if let CellText::Items(items) = split(c) {
            for (lo, hi) in items {
                for v in [lo, hi] {
                    if let Ok(n) = v.parse::<i64>() {
                        let w = v.len();
                        out.push(format!("{:0w$}", n + 1));
                        if n > 0 {
                            out.push(format!("{:0w$}", n - 1));
                        }
                        out.push(n.to_string());
                    }
                    out.push(v);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A small deterministic generator (xorshift), so the test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn index_and_scan_agree_on_every_embedded_table() {
    let data = text::read(EOD_PUBLIC_TABLES).expect("embedded tables");
    let alg = Algorithm::compile(&data).expect("compile");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut checked = 0usize;
    for t in &data.tables {
        let id = alg.table_id(&t.id).expect("table");
        let table = alg.table(id);
        let columns: Vec<Vec<String>> = (0..t.inputs.len())
            .map(|c| candidates(&t.rows.iter().map(|(cells, _)| cells[c].as_str()).collect::<Vec<_>>()))
            .collect();
        // Every value alone for one-column tables; random combinations otherwise,
        // half of them built from one row's own cells so that rows do match.
        let combos: Vec<Vec<String>> = if columns.len() == 1 {
            columns[0].iter().map(|v| vec![v.clone()]).collect()
        } else {
            (0..3000)
                .map(|i| {
                    if i % 2 == 0 && !t.rows.is_empty() {
                        let (cells, _) = &t.rows[rng.next(t.rows.len())];
                        cells
                            .iter()
                            .enumerate()
                            .map(|(c, cell)| match split(cell) {
                                CellText::Items(items) if !items.is_empty() => items[rng.next(items.len())].0.clone(),
                                _ => columns[c][rng.next(columns[c].len())].clone(),
                            })
                            .collect()
                    } else {
                        columns.iter().map(|vals| vals[rng.next(vals.len())].clone()).collect()
                    }
                })
                .collect()
        };
        for combo in combos {
            let keys: Vec<(KeyId, &str)> = table
                .inputs
                .iter()
                .copied()
                .zip(combo.iter().map(String::as_str))
                .collect();
            let get = |k: KeyId| keys.iter().find(|(key, _)| *key == k).map(|(_, v)| v.trim().as_bytes());
            assert_eq!(
                table.find_row(&get),
                table.find_row_linear(&get),
                "table {} with {:?}",
                t.id,
                combo
            );
            checked += 1;
        }
    }
    assert!(checked > 10_000, "only {checked} lookups checked");
}
