//! The XML floor: one bare pass of a file through quick-xml (the parser
//! netstage uses), events only, counting `Tumor` elements; nothing else.
//!
//! `cargo run --release --example xml_floor -- INPUT.xml`

use std::fs::File;
use std::io::BufReader;

use quick_xml::Reader;
use quick_xml::events::Event;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, input] = args.as_slice() else {
        return Err("usage: xml_floor INPUT.xml".into());
    };
    let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, File::open(input)?));
    let mut buf = Vec::with_capacity(4096);
    let mut tumors = 0u64;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Tumor" => tumors += 1,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    eprintln!("{tumors} tumors");
    Ok(())
}
