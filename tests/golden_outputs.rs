//! Golden outputs for the bundled sample data: the exact files netstage writes.
//! Regenerate after an intended change with `NETSTAGE_BLESS=1 cargo test --test integration golden`.

use crate::util::{Dir, netstage, root, sample};

fn check(name: &str, args: &[&str]) {
    let d = Dir::new();
    let out = d.out();
    let mut a = vec!["stage", "--quiet", "-o", &out];
    a.extend_from_slice(args);
    netstage(&a, None).expect_code(0);
    let golden = root().join("tests/data/golden").join(name);
    let bless = std::env::var_os("NETSTAGE_BLESS").is_some();
    for f in ["stages.csv", "flagged.csv", "summary.csv", "summary.json"] {
        let mut got = d.read(&format!("out/{f}"));
        if f == "summary.json" {
            // Timing varies run to run; everything else is deterministic.
            let mut j: serde_json::Value = serde_json::from_str(&got).unwrap();
            j["seconds"] = 0.into();
            j["rows_per_second"] = 0.into();
            // Input paths are machine-specific: keep the file name.
            for input in j["inputs"].as_array_mut().unwrap() {
                let p = input["path"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
                input["path"] = p.into();
            }
            got = serde_json::to_string_pretty(&j).unwrap() + "\n";
        }
        let path = golden.join(f);
        if bless {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if want != got {
            let line = want.lines().zip(got.lines()).position(|(a, b)| a != b);
            panic!(
                "{name}/{f} differs from the golden file at line {:?}\n--- want\n{}\n--- got\n{}",
                line.map(|l| l + 1),
                line.and_then(|l| want.lines().nth(l)).unwrap_or("(end)"),
                line.and_then(|l| got.lines().nth(l)).unwrap_or("(end)"),
            );
        }
    }
}

#[test]
fn golden_registry_export() {
    check("registry_export", &[&sample("registry_export.csv")]);
}

#[test]
fn golden_naaccr_xml_ids() {
    check("naaccr_xml_ids", &[&sample("naaccr_xml_ids.csv")]);
}

#[test]
fn golden_seerstat_export() {
    check("seerstat_export", &[&sample("seerstat_export.csv")]);
}

#[test]
fn golden_eod_export() {
    check("eod_export", &[&sample("eod_export.csv")]);
}
