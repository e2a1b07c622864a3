//! Fuzzes the NAACCR XML reader: the input is an XML document, read in small
//! batches and staged (see `tests/fuzz_regressions.rs`, whose checks this
//! target runs, so a replay in CI checks exactly the same invariants).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/fuzz_regressions.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    checks::check_xml(data);
});
