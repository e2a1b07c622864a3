//! Derives EOD values for many cases, one per line of standard input, for a
//! comparison with another implementation of SEER's algorithm (see
//! `scripts/eod_differential.py`). Each input line is `SCHEMA<TAB>key=value...`
//! with the algorithm's own keys (`site`, `hist`, `year_dx`,
//! `eod_primary_tumor`, ...; `key=` supplies a blank value). Each output line
//! is `T<TAB>N<TAB>M<TAB>stage group<TAB>SS2018<TAB>schema id<TAB>summary
//! grade<TAB>errors`, the errors of the run in order as `KIND:table:key`,
//! joined with `;`. A line that cannot be read prints `BAD_LINE` as its errors.
//!
//! `cargo run --release -p netstage-rules --example eod_batch < cases.tsv`

use std::io::{BufRead, BufWriter, Write};

use netstage_rules::eod::{EodAlgorithm, EodItem, EodOutput};
use netstage_rules::table::Scratch;

fn main() -> std::io::Result<()> {
    let eod = EodAlgorithm::standard();
    let alg = eod.algorithm();
    let mut scratch = Scratch::new();
    let stdin = std::io::stdin();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let mut fields = line.split('\t');
        let schema = fields.next().and_then(|s| eod.schema(s));
        let items: Option<Vec<(EodItem, &str)>> = fields
            .filter(|f| !f.is_empty())
            .map(|f| {
                let (k, v) = f.split_once('=')?;
                Some((EodItem::from_key(k)?, v))
            })
            .collect();
        let (Some(schema), Some(items)) = (schema, items) else {
            writeln!(out, "\t\t\t\t\t\t\tBAD_LINE")?;
            continue;
        };
        let run = eod.derive(schema, &items, &mut scratch);
        let values = EodOutput::ALL.map(|o| run.get(o));
        let errors: Vec<String> = scratch
            .errors()
            .iter()
            .map(|e| {
                let kind = e.kind.name();
                let table = e.table.map_or("", |t| &alg.table(t).id);
                let key = e.key.map_or("", |k| alg.key_name(k));
                format!("{kind}:{table}:{key}")
            })
            .collect();
        writeln!(out, "{}\t{}", values.join("\t"), errors.join(";"))?;
    }
    out.flush()
}
