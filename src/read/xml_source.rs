//! The NAACCR XML reader (io-contract §16 and §20): a pull parser streams
//! the document one `Patient` at a time; each `Tumor` becomes one record
//! whose items are inherited from its `Patient` and the `NaaccrData` root.
//!
//! Records are handed on as fixed-width text records whose columns are the
//! NAACCR ids netstage reads, so staging treats them like CSV rows. A DTD is
//! never processed: a `DOCTYPE` is a run-level error.

use std::collections::VecDeque;
use std::io::Read;

use csv::ByteRecord;
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::error::{RunError, is_unreadable_input, read_error};
use crate::read::batch::Batch;
use crate::read::columns::{ColumnMap, ColumnOverrides};
use crate::read::input::{ReadAheadUse, ReadTally, TextInput, open_text};
use crate::read::xml_bytes::{NOT_UTF8, XmlBytes};

/// The NAACCR XML namespace.
const NAACCR_NS: &[u8] = b"http://naaccr.org/naaccrxml";

/// Longest value of a read item, in characters after decoding (§20 item 4).
const MAX_ITEM_CHARS: usize = 1000;

/// The items netstage reads, by NAACCR id and item number (io-contract §2
/// and §14.1). Their order is the column order of the records handed on.
const ITEMS: &[(&str, u16)] = &[
    ("patientIdNumber", 20),
    ("tumorRecordNumber", 60),
    ("sequenceNumberCentral", 380),
    ("primarySite", 400),
    ("histologicTypeIcdO3", 522),
    ("behaviorCodeIcdO3", 523),
    ("dateOfDiagnosis", 390),
    ("gradePathological", 3844),
    ("gradeClinical", 3843),
    ("ajccTnmClinT", 1001),
    ("ajccTnmClinN", 1002),
    ("ajccTnmClinM", 1003),
    ("ajccTnmPathT", 1011),
    ("ajccTnmPathN", 1012),
    ("ajccTnmPathM", 1013),
    ("ajccTnmPathTSuffix", 1032),
    ("ajccTnmClinTSuffix", 1031),
    ("ajccTnmPathStageGroup", 1014),
    ("ajccTnmClinStageGroup", 1004),
    ("derivedEod2018StageGroup", 818),
    ("tumorSizeSummary", 756),
    ("regionalNodesPositive", 820),
    ("eodPrimaryTumor", 772),
    ("eodRegionalNodes", 774),
    ("eodMets", 776),
    ("schemaDiscriminator1", 3926),
];

/// The column of a read item named by `naaccrId` (exact, case-sensitive)
/// or, when that attribute is absent, by `naaccrNum`.
fn item_column(id: Option<&[u8]>, num: Option<&[u8]>) -> Option<usize> {
    match (id, num) {
        // Most items of an abstract are not read: only the read ids of the
        // same length (one to three) are compared.
        (Some(id), _) => ids_by_length()
            .get(id.len())?
            .iter()
            .copied()
            .find(|&c| ITEMS[c].0.as_bytes() == id),
        (None, Some(num)) => {
            let n: u16 = std::str::from_utf8(num).ok()?.trim().parse().ok()?;
            ITEMS.iter().position(|(_, item)| *item == n)
        }
        (None, None) => None,
    }
}

/// Longest read id, plus one.
const ID_LENGTHS: usize = 64;

/// The columns of the read items, by the length of their `naaccrId`.
fn ids_by_length() -> &'static [Vec<usize>; ID_LENGTHS] {
    static BY_LENGTH: std::sync::OnceLock<[Vec<usize>; ID_LENGTHS]> = std::sync::OnceLock::new();
    BY_LENGTH.get_or_init(|| {
        let mut by_length: [Vec<usize>; ID_LENGTHS] = std::array::from_fn(|_| Vec::new());
        for (col, (id, _)) in ITEMS.iter().enumerate() {
            by_length[id.len()].push(col);
        }
        by_length
    })
}

/// The attributes of an element when they are the common simple case:
/// `Some(None)` for none (only whitespace), `Some(Some(id))` for exactly one
/// `naaccrId="id"` (or `'id'`) whose value holds no `&` or `<` (so it needs
/// no decoding and is well-formed); `None` for anything else, which goes
/// through the full attribute pass.
fn simple_attributes(raw: &[u8]) -> Option<Option<&[u8]>> {
    // XML's whitespace only (not `trim_ascii`'s form feed), as quick-xml has it.
    let xml_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = raw.iter().position(|b| !xml_space(b)).unwrap_or(raw.len());
    let end = raw.iter().rposition(|b| !xml_space(b)).map_or(start, |i| i + 1);
    let rest = &raw[start..end];
    if rest.is_empty() {
        return Some(None);
    }
    let rest = rest.strip_prefix(b"naaccrId=")?;
    let (&quote, value) = rest.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = value.strip_suffix(&[quote])?;
    let plain = !value.iter().any(|&b| b == quote || b == b'&' || b == b'<');
    plain.then_some(Some(value))
}

/// The header attributes of `NaaccrData` reported in `summary.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct XmlInfo {
    /// `baseDictionaryUri` (names the NAACCR version).
    pub base_dictionary_uri: Option<String>,
    /// `recordType`.
    pub record_type: Option<String>,
    /// `specificationVersion`.
    pub specification_version: Option<String>,
}

impl XmlInfo {
    /// The NAACCR version named by `baseDictionaryUri`: the digits of its
    /// `naaccr-dictionary-NNN.xml` file name (`230` for version 23).
    pub fn naaccr_version(&self) -> Option<String> {
        let uri = self.base_dictionary_uri.as_deref()?;
        let file = uri.rsplit('/').next()?;
        let digits = file.strip_prefix("naaccr-dictionary-")?.strip_suffix(".xml")?;
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.to_string())
    }
}

/// The read items of one element (root, patient or tumor) and the first
/// problem that makes every tumor it reaches an error row.
#[derive(Default)]
struct Items {
    values: Vec<Vec<u8>>,
    seen: Vec<bool>,
    problem: Option<String>,
}

impl Items {
    fn reset(&mut self) {
        self.values.resize_with(ITEMS.len(), Vec::new);
        self.seen.resize(ITEMS.len(), false);
        self.values.iter_mut().for_each(Vec::clear);
        self.seen.iter_mut().for_each(|s| *s = false);
        self.problem = None;
    }

    fn fail(&mut self, what: String) {
        self.problem.get_or_insert(what);
    }
}

/// Where the parser is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Patient,
    Tumor,
    /// Inside a read item: its column and the element that holds it.
    Item(usize, Level),
}

/// The element a read item belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Patient,
    Tumor,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Root => "NaaccrData",
            Level::Patient => "Patient",
            Level::Tumor => "Tumor",
        }
    }
}

/// Appends decoded text to an item (`chars`: its characters so far),
/// keeping at most one character over the limit (an over-long item is a
/// problem, not a buffer).
fn push_item_bytes(item: &mut Vec<u8>, chars: &mut usize, bytes: &[u8]) {
    if *chars > MAX_ITEM_CHARS {
        return;
    }
    for &b in bytes {
        // Count characters: every byte that does not continue one.
        if b & 0xC0 != 0x80 {
            *chars += 1;
            if *chars > MAX_ITEM_CHARS {
                return;
            }
        }
        item.push(b);
    }
}

/// The byte stream the parser reads: repaired to UTF-8, lines counted.
type XmlStream = XmlBytes<Box<dyn Read + Send>>;

/// A NAACCR XML input being read.
pub struct XmlSource {
    path: String,
    reader: Reader<XmlStream>,
    buf: Vec<u8>,
    /// Resolved columns (the read items).
    pub columns: ColumnMap,
    /// Hash and byte count of the raw input.
    pub tally: ReadTally,
    /// The root's attributes, once read.
    pub info: XmlInfo,
    rows: u64,
    /// Elements open, innermost last (only those netstage reads).
    places: Vec<Place>,
    /// Depth of an element being skipped with its subtree (0: none).
    skipping: usize,
    root: Items,
    patient: Items,
    /// The tumors of the open patient (items of each), reused.
    tumors: Vec<Items>,
    tumor_count: usize,
    /// Text of the open read item.
    item: Vec<u8>,
    item_chars: usize,
    /// Records of closed patients not yet handed on: fields and problem.
    ready: VecDeque<(ByteRecord, Option<String>)>,
    /// Records handed on, kept for reuse.
    spare: Vec<ByteRecord>,
    root_seen: bool,
    finished: bool,
    /// Elements open, all of them (the depth of namespace bindings).
    depth: u32,
    /// Namespace bindings in scope: the depth that declared each, its prefix
    /// (`None` for the default namespace), and whether it names NAACCR's
    /// namespace (or, for the default, no namespace).
    bindings: Vec<(u32, Option<Box<str>>, bool)>,
}

/// What one pass over an element's attributes found.
struct ElementScan {
    /// The element is in the NAACCR namespace or in none.
    in_naaccr: bool,
    /// An Item's column: by `naaccrId` when it has one, else by `naaccrNum`.
    column: Option<usize>,
}

impl XmlSource {
    /// Opens the input (reading its first two bytes, which tell gzip); the
    /// rest is read batch by batch.
    pub fn open(path: &str) -> Result<XmlSource, RunError> {
        let TextInput { stream, tally, .. } = open_text(path, ReadAheadUse::Thread)?;
        XmlSource::from_stream(path, stream, tally)
    }

    /// Reads XML from a decompressed byte stream; `path` names it in
    /// messages and `tally` counts its raw bytes.
    pub fn from_stream(path: &str, stream: Box<dyn Read + Send>, tally: ReadTally) -> Result<XmlSource, RunError> {
        let counter = XmlBytes::new(stream);
        let mut reader = Reader::from_reader(counter);
        let config = reader.config_mut();
        config.expand_empty_elements = false;
        config.check_end_names = true;
        let headers: Vec<String> = ITEMS.iter().map(|(id, _)| id.to_string()).collect();
        let columns = ColumnMap::resolve(path, &headers, &ColumnOverrides::default())?;
        Ok(XmlSource {
            path: path.to_string(),
            reader,
            buf: Vec::with_capacity(4096),
            columns,
            tally,
            info: XmlInfo::default(),
            rows: 0,
            places: Vec::new(),
            skipping: 0,
            root: Items::default(),
            patient: Items::default(),
            tumors: Vec::new(),
            tumor_count: 0,
            item: Vec::new(),
            item_chars: 0,
            ready: VecDeque::new(),
            spare: Vec::new(),
            root_seen: false,
            finished: false,
            depth: 0,
            bindings: Vec::new(),
        })
    }

    /// The path as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Tumors read so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Fills `batch` with up to `max` tumor records; false at end of input.
    pub fn read_batch(&mut self, batch: &mut Batch, max: usize) -> Result<bool, RunError> {
        batch.clear();
        batch.first_row = self.rows + 1;
        while batch.len < max {
            if let Some((record, problem)) = self.ready.pop_front() {
                batch
                    .push_record(&record)
                    .map_err(|_| RunError::unusable(&self.path, "a tumor record is too large to read"))?;
                if let Some(p) = problem {
                    batch.set_record_problem(batch.len - 1, p);
                }
                self.spare.push(record);
                self.rows += 1;
                continue;
            }
            if self.finished {
                break;
            }
            self.next_event()?;
        }
        batch.seal();
        Ok(batch.len > 0)
    }

    /// A run-level error at the parser's error position.
    fn syntax_error(&self, offset: u64, what: impl std::fmt::Display) -> RunError {
        let (line, column) = self.reader.get_ref().line_column(offset);
        RunError::InputSyntax {
            path: self.path.clone(),
            line,
            column,
            what: what.to_string(),
        }
    }

    /// A failure to read on: a stream that cannot be decoded (a gzip
    /// member cut short, say) is a truncated file, named by the line and
    /// column where its readable bytes end (io-contract §16); other I/O
    /// errors are the system's.
    fn input_error(&self, e: std::io::Error) -> RunError {
        if is_unreadable_input(&e) {
            let at = self.reader.get_ref().end_offset();
            self.syntax_error(at, format!("unreadable or truncated input: {e}"))
        } else {
            read_error(&self.path, e)
        }
    }

    /// Reads and handles one event.
    fn next_event(&mut self) -> Result<(), RunError> {
        // Text inside the root is taken here chunk by chunk, not as one
        // parser event held whole (io-contract §20 items 4 and 9): an
        // item's kept up to its limit, any other dropped (the parser's
        // event would be too). Every event leaves the parser between a
        // markup or reference and a text, so the text can be taken from
        // under it. Text outside the root is left to the parser, which
        // must see it to report it.
        let taken = match self.places.last() {
            Some(Place::Item(..)) if self.skipping == 0 => {
                let reader = self.reader.get_mut();
                let (item, chars) = (&mut self.item, &mut self.item_chars);
                reader.take_text(|bytes| push_item_bytes(item, chars, bytes))
            }
            Some(_) => self.reader.get_mut().take_text(|_| {}),
            None => Ok(()),
        };
        if let Err(e) = taken {
            return Err(self.input_error(e));
        }
        self.reader.get_mut().mark();
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let result = self.handle_next(&mut buf);
        self.buf = buf;
        result
    }

    fn handle_next(&mut self, buf: &mut Vec<u8>) -> Result<(), RunError> {
        let start = self.reader.buffer_position();
        let event = match self.reader.read_event_into(buf) {
            Ok(e) => e,
            Err(quick_xml::Error::Io(io)) => {
                return Err(self.input_error(std::io::Error::new(io.kind(), io.to_string())));
            }
            Err(e) => {
                let at = self.reader.error_position();
                return Err(self.syntax_error(at, format!("not well-formed XML: {e}")));
            }
        };
        if self.skipping > 0 {
            // A skipped subtree is still XML: its attributes, entities and
            // any DOCTYPE are checked, its text is dropped.
            match event {
                Event::Start(e) => {
                    self.scan_element(&e, start)?;
                    self.depth += 1;
                    self.skipping += 1;
                }
                Event::Empty(e) => {
                    self.scan_element(&e, start)?;
                    self.unbind(self.depth + 1);
                }
                Event::End(_) => {
                    self.unbind(self.depth);
                    self.depth = self.depth.saturating_sub(1);
                    self.skipping -= 1;
                }
                Event::GeneralRef(r) => self.general_ref(&r, start)?,
                Event::DocType(_) => return Err(self.doctype(start)),
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
            return Ok(());
        }
        match event {
            Event::Start(e) => {
                let scan = self.scan_element(&e, start)?;
                self.depth += 1;
                self.open_element(&e, &scan, false, start)
            }
            Event::Empty(e) => {
                let scan = self.scan_element(&e, start)?;
                self.depth += 1;
                let result = self.open_element(&e, &scan, true, start);
                self.unbind(self.depth);
                self.depth -= 1;
                result
            }
            Event::End(_) => {
                self.unbind(self.depth);
                self.depth = self.depth.saturating_sub(1);
                self.close_element();
                Ok(())
            }
            Event::Text(t) => {
                if let Some(Place::Item(..)) = self.places.last() {
                    self.push_item_bytes(t.as_bytes());
                } else if self.places.is_empty() && t.bytes().any(|b| !b.is_ascii_whitespace()) {
                    let what = if self.root_seen {
                        "text after the root element"
                    } else {
                        "text before the root element"
                    };
                    return Err(self.syntax_error(start, what));
                }
                Ok(())
            }
            Event::CData(t) => {
                if let Some(Place::Item(..)) = self.places.last() {
                    self.push_item_bytes(t.as_bytes());
                } else if self.places.is_empty() {
                    return Err(self.syntax_error(start, "character data outside the root element"));
                }
                Ok(())
            }
            Event::GeneralRef(r) => self.general_ref(&r, start),
            Event::DocType(_) => Err(self.doctype(start)),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => Ok(()),
            Event::Eof => {
                if !self.places.is_empty() {
                    return Err(self.truncated());
                }
                if !self.root_seen {
                    return Err(self.syntax_error(start, "no root element: not a NAACCR XML document"));
                }
                self.finished = true;
                Ok(())
            }
        }
    }

    fn doctype(&self, at: u64) -> RunError {
        self.syntax_error(at, "a DOCTYPE is not accepted (netstage never processes a DTD)")
    }

    /// One pass over an element's attributes: each must be well-formed
    /// (quoted, not repeated, entities known); namespace declarations are
    /// bound for the element's depth; an Item's `naaccrId`/`naaccrNum` are
    /// looked up. Then the element's own name is resolved.
    fn scan_element(&mut self, e: &BytesStart<'_>, at: u64) -> Result<ElementScan, RunError> {
        let column = match simple_attributes(e.attributes_raw().as_bytes()) {
            // Most elements: none, or one plain `naaccrId="..."` (an Item),
            // which needs neither quick-xml's attribute parser nor a binding.
            Some(None) => None,
            Some(Some(id)) => item_column(Some(id), None),
            None => self.scan_attributes(e, at)?,
        };
        let qname = e.name();
        let name: &[u8] = AsRef::<str>::as_ref(&qname).as_bytes();
        let prefix = memchr::memchr(b':', name).map(|i| &name[..i]);
        let binding = self
            .bindings
            .iter()
            .rev()
            .find(|(_, p, _)| p.as_deref().map(str::as_bytes) == prefix)
            .map(|(_, _, naaccr)| *naaccr);
        Ok(ElementScan {
            // Unbound: no namespace (accepted) for an unprefixed name, an
            // undeclared prefix (not NAACCR's) otherwise.
            in_naaccr: binding.unwrap_or(prefix.is_none()),
            column,
        })
    }

    /// The general attribute pass of [`XmlSource::scan_element`], through
    /// quick-xml's attribute parser: binds namespace declarations and
    /// returns an Item's column.
    fn scan_attributes(&mut self, e: &BytesStart<'_>, at: u64) -> Result<Option<usize>, RunError> {
        let depth = self.depth + 1;
        let (mut id, mut num) = (None, None);
        for attr in e.attributes() {
            let attr = attr.map_err(|err| self.syntax_error(at, format!("not well-formed XML: {err}")))?;
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| self.syntax_error(at, format!("not well-formed XML: {err}")))?;
            let key: &str = attr.key.as_ref();
            match key {
                "naaccrId" => id = Some(value),
                "naaccrNum" => num = Some(value),
                // `xmlns=""` undeclares the default: no namespace, accepted.
                "xmlns" => self
                    .bindings
                    .push((depth, None, value.is_empty() || value.as_bytes() == NAACCR_NS)),
                _ => {
                    if let Some(prefix) = key.strip_prefix("xmlns:") {
                        self.bindings
                            .push((depth, Some(prefix.into()), value.as_bytes() == NAACCR_NS));
                    }
                }
            }
        }
        Ok(item_column(
            id.as_deref().map(str::as_bytes),
            num.as_deref().map(str::as_bytes),
        ))
    }

    /// Drops the namespace bindings declared at `depth` (its element closed).
    fn unbind(&mut self, depth: u32) {
        while self.bindings.last().is_some_and(|(d, _, _)| *d == depth) {
            self.bindings.pop();
        }
    }

    fn truncated(&self) -> RunError {
        let at = self.reader.buffer_position();
        self.syntax_error(at, "the document ends inside an element (truncated file)")
    }

    fn general_ref(&mut self, r: &BytesRef<'_>, at: u64) -> Result<(), RunError> {
        let ch = if r.is_char_ref() {
            match r.resolve_char_ref() {
                Ok(Some(c)) => c,
                _ => return Err(self.syntax_error(at, "an invalid character reference")),
            }
        } else {
            match &**r {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "apos" => '\'',
                "quot" => '"',
                _ => {
                    return Err(self.syntax_error(
                        at,
                        "an entity reference other than the five XML ones (entities are never expanded)",
                    ));
                }
            }
        };
        if let Some(Place::Item(..)) = self.places.last() {
            let mut tmp = [0u8; 4];
            self.push_item_bytes(ch.encode_utf8(&mut tmp).as_bytes());
        }
        Ok(())
    }

    /// Appends decoded text to the open item ([`push_item_bytes`]).
    fn push_item_bytes(&mut self, bytes: &[u8]) {
        push_item_bytes(&mut self.item, &mut self.item_chars, bytes);
    }

    fn open_element(&mut self, e: &BytesStart<'_>, scan: &ElementScan, empty: bool, at: u64) -> Result<(), RunError> {
        let local = e.local_name();
        let name = local.as_ref();
        let in_naaccr = scan.in_naaccr;
        let Some(&place) = self.places.last() else {
            if self.root_seen {
                return Err(self.syntax_error(at, "a second root element"));
            }
            if !in_naaccr || name != "NaaccrData" {
                let why = if name == "NaaccrData" {
                    "is in another namespace than NAACCR XML's (http://naaccr.org/naaccrxml, or none)"
                } else {
                    "is not NAACCR XML's <NaaccrData>"
                };
                return Err(self.syntax_error(at, format!("the root element <{}> {why}", e.name().as_ref())));
            }
            self.root_seen = true;
            self.read_root_attributes(e);
            self.root.reset();
            if !empty {
                self.places.push(Place::Root);
            }
            return Ok(());
        };
        let next = match (place, in_naaccr, name) {
            (_, false, _) => None,
            (Place::Root, true, "Patient") => {
                self.patient.reset();
                self.tumor_count = 0;
                Some(Place::Patient)
            }
            (Place::Patient, true, "Tumor") => {
                if self.tumors.len() == self.tumor_count {
                    self.tumors.push(Items::default());
                }
                self.tumors[self.tumor_count].reset();
                self.tumor_count += 1;
                Some(Place::Tumor)
            }
            (Place::Root | Place::Patient | Place::Tumor, true, "Item") => {
                let level = match place {
                    Place::Root => Level::Root,
                    Place::Patient => Level::Patient,
                    _ => Level::Tumor,
                };
                // naaccrId decides when present; naaccrNum only without it.
                scan.column.map(|col| {
                    let items = self.items(level);
                    if items.seen[col] {
                        items.fail(format!(
                            "item {} repeated in one {} element",
                            ITEMS[col].0,
                            level.name()
                        ));
                    }
                    items.seen[col] = true;
                    self.item.clear();
                    self.item_chars = 0;
                    Place::Item(col, level)
                })
            }
            _ => None,
        };
        match (next, empty) {
            (Some(p), false) => self.places.push(p),
            (Some(p), true) => {
                // An empty element opens and closes at once.
                self.places.push(p);
                self.close_element();
            }
            (None, false) => self.skipping = 1,
            (None, true) => {}
        }
        Ok(())
    }

    fn read_root_attributes(&mut self, e: &BytesStart<'_>) {
        for attr in e.attributes().flatten() {
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .ok();
            match attr.key.local_name().as_ref() {
                "baseDictionaryUri" => self.info.base_dictionary_uri = value,
                "recordType" => self.info.record_type = value,
                "specificationVersion" => self.info.specification_version = value,
                _ => {}
            }
        }
    }

    fn items(&mut self, level: Level) -> &mut Items {
        match level {
            Level::Root => &mut self.root,
            Level::Patient => &mut self.patient,
            Level::Tumor => &mut self.tumors[self.tumor_count - 1],
        }
    }

    fn close_element(&mut self) {
        match self.places.pop() {
            Some(Place::Item(col, level)) => {
                let over = self.item_chars > MAX_ITEM_CHARS;
                let value = std::mem::take(&mut self.item);
                let items = self.items(level);
                if over {
                    items.fail(format!(
                        "item {} is longer than {MAX_ITEM_CHARS} characters",
                        ITEMS[col].0
                    ));
                }
                let trimmed = value.trim_ascii();
                let slot = &mut items.values[col];
                slot.clear();
                slot.extend_from_slice(trimmed);
                if memchr::memmem::find(slot, NOT_UTF8.as_bytes()).is_some() {
                    // Give staging bytes that are not UTF-8, as CSV would:
                    // each marked sequence becomes one such byte, the rest
                    // of the value is kept (a copied field shows it).
                    let marked = std::mem::take(slot);
                    let mut rest = &marked[..];
                    while let Some(at) = memchr::memmem::find(rest, NOT_UTF8.as_bytes()) {
                        slot.extend_from_slice(&rest[..at]);
                        slot.push(0xFF);
                        rest = &rest[at + NOT_UTF8.len()..];
                    }
                    slot.extend_from_slice(rest);
                }
                self.item = value;
            }
            Some(Place::Patient) => self.close_patient(),
            // The root's end is checked at Eof; a Tumor's items are kept
            // until its Patient closes.
            Some(Place::Root | Place::Tumor) | None => {}
        }
    }

    /// Builds the records of the patient's tumors, inheriting blank items.
    fn close_patient(&mut self) {
        for t in 0..self.tumor_count {
            let tumor = &self.tumors[t];
            let mut record = self.spare.pop().unwrap_or_default();
            record.clear();
            for col in 0..ITEMS.len() {
                let value = [&tumor.values[col], &self.patient.values[col], &self.root.values[col]]
                    .into_iter()
                    .find(|v| !v.is_empty())
                    .map_or(&[][..], |v| &v[..]);
                record.push_field(value);
            }
            let problem = tumor
                .problem
                .clone()
                .or_else(|| self.patient.problem.clone())
                .or_else(|| self.root.problem.clone());
            self.ready.push_back((record, problem));
        }
        self.tumor_count = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_attributes_are_only_the_plain_cases() {
        assert_eq!(simple_attributes(b""), Some(None));
        assert_eq!(simple_attributes(b"  \n"), Some(None));
        assert_eq!(
            simple_attributes(b" naaccrId=\"primarySite\""),
            Some(Some(&b"primarySite"[..]))
        );
        assert_eq!(simple_attributes(b"\tnaaccrId='eodMets' "), Some(Some(&b"eodMets"[..])));
        for other in [
            &b" naaccrId=\"a&amp;b\""[..],
            b" naaccrId=\"a\" naaccrNum=\"1\"",
            b" naaccrId = \"a\"",
            b" naaccrId=\"a'",
            b" naaccrId=\"a\"b\"",
            b" naaccrNum=\"400\"",
            b" xmlns=\"http://naaccr.org/naaccrxml\"",
            b" naaccrId=\"a<b\"",
            b" naaccrId=",
            // Form feed is not XML whitespace: the full pass decides.
            b" naaccrId=\"primarySite\"\x0C",
            b" \x0CnaaccrId=\"primarySite\"",
        ] {
            assert_eq!(simple_attributes(other), None, "{}", String::from_utf8_lossy(other));
        }
    }

    #[test]
    fn naaccr_version_from_the_dictionary_uri() {
        let info = |uri: &str| XmlInfo {
            base_dictionary_uri: Some(uri.to_string()),
            ..XmlInfo::default()
        };
        assert_eq!(
            info("http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml").naaccr_version(),
            Some("250".to_string())
        );
        assert_eq!(info("http://example.org/my-dictionary.xml").naaccr_version(), None);
        assert_eq!(XmlInfo::default().naaccr_version(), None);
    }

    #[test]
    fn items_by_id_exactly_or_by_number_when_the_id_is_absent() {
        assert_eq!(item_column(Some(b"primarySite"), None), Some(3));
        assert_eq!(item_column(Some(b"primarysite"), None), None);
        assert_eq!(item_column(Some(b"grade"), Some(b"400")), None);
        assert_eq!(item_column(None, Some(b"400")), Some(3));
        assert_eq!(item_column(None, Some(b"440")), None);
        for (col, (id, num)) in ITEMS.iter().enumerate() {
            assert_eq!(item_column(Some(id.as_bytes()), None), Some(col), "{id}");
            assert_eq!(item_column(None, Some(num.to_string().as_bytes())), Some(col), "{num}");
        }
        assert_eq!(item_column(Some(&[b'a'; 200]), None), None);
        assert_eq!(item_column(Some(b""), None), None);
    }
}
