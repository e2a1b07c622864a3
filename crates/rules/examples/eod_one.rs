//! Derives EOD values for one case given as `schema key=value ...`, printing
//! the tables it went through: `cargo run -p netstage-rules --example eod_one
//! -- pancreas site=C250 hist=8154 year_dx=2018 eod_primary_tumor=500`.

use netstage_rules::eod::{EodAlgorithm, EodItem, EodOutput};
use netstage_rules::table::Scratch;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((schema, pairs)) = args.split_first() else {
        eprintln!("usage: eod_one SCHEMA KEY=VALUE...");
        std::process::exit(2);
    };
    let eod = EodAlgorithm::standard();
    let Some(sid) = eod.schema(schema) else {
        eprintln!("unknown schema {schema}");
        std::process::exit(2);
    };
    let items: Vec<(EodItem, &str)> = pairs
        .iter()
        .map(|p| {
            let (k, v) = p.split_once('=').expect("KEY=VALUE");
            let item = EodItem::from_key(k).expect("known key");
            (item, v)
        })
        .collect();
    let mut scratch = Scratch::new();
    let run = eod.derive(sid, &items, &mut scratch);
    for step in scratch.steps() {
        let t = eod.algorithm().table(step.table);
        println!("  {} row {:?}", t.id, step.row.map(|r| r + 1));
    }
    println!(
        "T={} N={} M={} stage={} ss2018={} schema_id={}",
        run.get(EodOutput::T),
        run.get(EodOutput::N),
        run.get(EodOutput::M),
        run.get(EodOutput::StageGroup),
        run.get(EodOutput::Ss2018),
        run.get(EodOutput::SchemaId)
    );
    for p in &run.problems {
        println!("problem: {p:?}");
    }
}
