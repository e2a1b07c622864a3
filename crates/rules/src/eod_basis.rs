//! The EOD basis of a record (io-contract §14, §19 items 2-7 and 24): which
//! EOD items it supplies, how their codes are padded, which grade or
//! discriminator values are passed, and how SEER's answer becomes the
//! basis's T, N, M and stage or an `E_EOD` error.

use std::cell::RefCell;

use crate::chapters::Hook;
use crate::engine::Trace;
use crate::eod::{EodAlgorithm, EodItem, EodOutput, EodProblem};
use crate::message::{Code, Message, Messages};
use crate::organ::OrganStager;
use crate::record::{Field, Record};
use crate::schema::Schema;
use crate::stage::StageCode;
use crate::table::Scratch;
use crate::year::Year;

/// The three EOD items whose presence makes the basis (§14.2).
pub const EOD_FIELDS: [Field; 3] = [Field::EodPrimaryTumor, Field::EodRegionalNodes, Field::EodMets];

/// True when the record carries an EOD basis: any of the three EOD items is
/// non-blank (or unreadable, which then errors when read).
pub fn has_eod(rec: &Record<'_>) -> bool {
    EOD_FIELDS.iter().any(|f| !rec.is_blank(*f))
}

/// What the EOD basis derived.
#[derive(Clone, Copy, Debug)]
pub struct EodBasis {
    /// Derived T, N, M (SEER's spelling).
    pub tnm: (&'static str, &'static str, &'static str),
    /// Derived stage group.
    pub stage: StageCode,
    /// Derived Summary Stage 2018.
    pub ss2018: &'static str,
}

thread_local! {
    /// One scratch per worker thread: slots and the lookup memo are reused
    /// from row to row.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

/// Runs `f` with this worker's scratch.
pub fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with_borrow_mut(f)
}

/// A code of at most 4 digits, left-padded with zeros to `width`
/// (§14.1, §19 items 2 and 24).
enum Coded<'a> {
    /// Passed as is (not all digits, or already `width` long).
    Text(&'a str),
    /// Digits padded to `width`.
    Padded([u8; 4], usize),
    /// Digits longer than `width`.
    TooLong,
}

fn pad(value: &str, width: usize) -> Coded<'_> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) || value.len() == width {
        return Coded::Text(value);
    }
    if value.len() > width {
        return Coded::TooLong;
    }
    let mut buf = [b'0'; 4];
    buf[width - value.len()..width].copy_from_slice(value.as_bytes());
    Coded::Padded(buf, width)
}

/// Width of an item's code (§14.1).
fn width(item: EodItem) -> usize {
    match item {
        EodItem::PrimaryTumor | EodItem::RegionalNodes | EodItem::SizeSummary => 3,
        EodItem::Mets | EodItem::NodesPos => 2,
        _ => 0,
    }
}

/// The record field an item is read from.
fn field_of(item: EodItem) -> Field {
    match item {
        EodItem::YearDx => Field::Year,
        EodItem::Site => Field::PrimarySite,
        EodItem::Hist => Field::Histology,
        EodItem::Behavior => Field::Behavior,
        EodItem::SizeSummary => Field::SizeMm,
        EodItem::NodesPos => Field::NodesPositive,
        EodItem::PrimaryTumor => Field::EodPrimaryTumor,
        EodItem::RegionalNodes => Field::EodRegionalNodes,
        EodItem::Mets => Field::EodMets,
        EodItem::GradeClin => Field::GradeClin,
        EodItem::GradePath => Field::GradePath,
        EodItem::Discriminator1 => Field::SchemaDiscriminator1,
    }
}

/// The routed record's identity as the algorithm reads it.
pub struct Identity {
    /// Topography, 3 digits.
    pub site: u16,
    /// Histology, 4 digits.
    pub histology: u16,
    /// Behavior digit.
    pub behavior: u8,
    /// Diagnosis year.
    pub year: Year,
}

/// The items of one derivation, without allocating (each item at most once).
struct ItemList<'s> {
    items: [(EodItem, &'s str); EodItem::COUNT],
    len: usize,
}

impl Default for ItemList<'_> {
    fn default() -> Self {
        ItemList {
            items: [(EodItem::Site, ""); EodItem::COUNT],
            len: 0,
        }
    }
}

impl<'s> ItemList<'s> {
    fn push(&mut self, item: (EodItem, &'s str)) {
        self.items[self.len] = item;
        self.len += 1;
    }

    fn as_slice(&self) -> &[(EodItem, &'s str)] {
        &self.items[..self.len]
    }
}

/// Derives the EOD basis of a routed record through SEER's tables. Pushes
/// `E_EOD` (and `W_GRADE_INVALID` / `W_DISCRIMINATOR_INVALID`) messages;
/// `None` when the basis is rejected or the schema has no SEER tables.
/// Messages already in `msgs` (errors of other fields included) do not
/// change what it checks.
#[allow(clippy::too_many_arguments)]
pub fn eod_basis<'a>(
    eod: &'static EodAlgorithm,
    rec: &Record<'a>,
    schema: Schema,
    who: &Identity,
    no_groups: bool,
    msgs: &mut Messages<'a>,
    trace: &mut impl Trace,
) -> Option<EodBasis> {
    let Some(seer) = eod.schema_of(schema) else {
        msgs.push(Message::new(Code::EEod, "no SEER EOD schema for").text(schema.name()));
        return None;
    };
    // Identity items, written the way the algorithm's tables spell them.
    let mut site = [b'C', 0, 0, 0];
    site[1..].copy_from_slice(&format_digits(who.site, 3)[..3]);
    let hist = format_digits(who.histology, 4);
    let behavior = [b'0' + who.behavior];
    let year = match who.year {
        Year::Known(y) => Some(format_digits(y, 4)),
        Year::Unknown => None,
    };

    // Coded items: padded; a blank one is not supplied (the schema default).
    let mut padded: [Option<Coded<'a>>; EodItem::COUNT] = Default::default();
    let coded_items = [
        EodItem::PrimaryTumor,
        EodItem::RegionalNodes,
        EodItem::Mets,
        EodItem::NodesPos,
        EodItem::SizeSummary,
    ];
    // The size is an EOD item only when read from the item-756 column.
    let coded_items = &coded_items[..if rec.size_coded { 5 } else { 4 }];
    let mut too_long = false;
    for &item in coded_items {
        let field = field_of(item);
        let value = rec.get(field);
        if value.is_empty() {
            continue;
        }
        match pad(value, width(item)) {
            Coded::TooLong => {
                let why = if width(item) == 2 {
                    "has more digits than its 2-digit code"
                } else {
                    "has more digits than its 3-digit code"
                };
                msgs.push(Message::value(Code::EEod, field, value, why));
                too_long = true;
            }
            c => padded[item as usize] = Some(c),
        }
    }
    if too_long {
        return None;
    }
    let mut items = ItemList::default();
    items.push((EodItem::Site, std::str::from_utf8(&site).expect("ASCII")));
    items.push((EodItem::Hist, std::str::from_utf8(&hist).expect("ASCII")));
    items.push((EodItem::Behavior, std::str::from_utf8(&behavior).expect("ASCII")));
    if let Some(y) = &year {
        items.push((EodItem::YearDx, std::str::from_utf8(y).expect("ASCII")));
    }
    for item in EodItem::ALL {
        match &padded[item as usize] {
            Some(Coded::Text(v)) => items.push((item, v)),
            Some(Coded::Padded(buf, w)) => items.push((item, std::str::from_utf8(&buf[..*w]).expect("ASCII"))),
            _ => {}
        }
    }
    // Grades and the discriminator: an invalid value is passed as not supplied (§19 item 4).
    for (item, code) in [
        (EodItem::GradeClin, Code::WGradeInvalid),
        (EodItem::GradePath, Code::WGradeInvalid),
        (EodItem::Discriminator1, Code::WDiscriminatorInvalid),
    ] {
        let field = field_of(item);
        let value = rec.get(field);
        if value.is_empty() || !eod.has_input(seer, item) {
            continue;
        }
        if eod.is_valid(seer, item, value) {
            items.push((item, value));
        } else if code != Code::WDiscriminatorInvalid || !msgs.contains(code) {
            // (The discriminator may have been named already, against the
            // stomach/EGJ codes: once is enough.)
            msgs.push(
                Message::value(code, field, value, "is not a code of")
                    .text(schema.name())
                    .text("(passed as not supplied)"),
            );
        }
    }

    let derived = SCRATCH.with_borrow_mut(|scratch| {
        let derived = eod.derive(seer, items.as_slice(), scratch);
        if trace.enabled() {
            for step in scratch.steps() {
                let table = eod.algorithm().table(step.table);
                match step.row {
                    Some(r) => trace.step(format_args!("EOD table {}: row {} matched.", table.id, r + 1)),
                    None => trace.step(format_args!("EOD table {}: no row matched.", table.id)),
                }
            }
        }
        derived
    });

    // Appendix (io-contract §19 items 11, 18): SEER's node table derives
    // N2a/N2b, for which its stage table has no cell; netstage groups them as
    // N2 (any T N2 M0 = IIIC, Tis N2 = 99), keeping eod_n as SEER derives it.
    let mut departed: Option<&'static str> = None;
    let eod_n = derived.get(EodOutput::N);
    if schema.chapter.has_hook(Hook::AppendixGrade)
        && matches!(eod_n, "N2a" | "N2b")
        && !derived.problems.is_empty()
        && derived
            .problems
            .iter()
            .all(|p| matches!(p, EodProblem::Rejected { items, .. } if items.is_empty()))
        && let Some(stager) = OrganStager::new(eod, schema, who, rec)
    {
        let tnm = (derived.get(EodOutput::T), "N2", derived.get(EodOutput::M));
        departed = stager.seer_stage(tnm, derived.get(EodOutput::SummaryGrade));
        if let Some(stage) = departed {
            trace.step(format_args!(
                "SEER's appendix stage table has no cell for {eod_n}: grouped as N2 -> stage {stage}."
            ));
        }
    }
    if !derived.problems.is_empty() && departed.is_none() {
        // An invalid item is named once: a table that then rejects it,
        // alone or with valid items, says nothing more (the invalid code
        // is the cause).
        let invalid: Vec<EodItem> = derived
            .problems
            .iter()
            .filter_map(|p| match p {
                EodProblem::InvalidItem(i) => Some(*i),
                EodProblem::Rejected { .. } => None,
            })
            .collect();
        for p in &derived.problems {
            if let EodProblem::Rejected { items, .. } = p
                && items.iter().any(|i| invalid.contains(i))
            {
                continue;
            }
            push_problem(rec, schema, p, msgs);
        }
        return None;
    }
    let stage_code = departed.unwrap_or_else(|| derived.get(EodOutput::StageGroup));
    let Some(stage) = StageCode::from_code(stage_code) else {
        msgs.push(
            Message::new(
                Code::EEod,
                "SEER's tables give a stage group netstage does not know for",
            )
            .text(schema.name()),
        );
        return None;
    };
    if stage == StageCode::NOT_APPLICABLE && !no_groups {
        // In situ on a behavior-3 record (§19 item 6); a chapter without
        // stage groups (18.2) gives 88 as SEER does.
        msgs.push(Message::value(
            Code::EEod,
            Field::EodPrimaryTumor,
            rec.get(Field::EodPrimaryTumor),
            "gives stage 88 (in situ) on a malignant (behavior 3) record",
        ));
        return None;
    }
    let (t, n, m) = (
        derived.get(EodOutput::T),
        derived.get(EodOutput::N),
        derived.get(EodOutput::M),
    );
    trace.step(format_args!(
        "eod basis ({} {}, SEER schema {}): {} {} {} -> stage {} ({}), Summary Stage 2018 {}.",
        eod.algorithm().name(),
        eod.algorithm().version(),
        eod.algorithm().schema(seer).id,
        t,
        n,
        m,
        stage.code(),
        stage.display(),
        derived.get(EodOutput::Ss2018)
    ));
    Some(EodBasis {
        tnm: (t, n, m),
        stage,
        ss2018: derived.get(EodOutput::Ss2018),
    })
}

fn format_digits(v: u16, width: usize) -> [u8; 4] {
    let mut buf = [b'0'; 4];
    let mut v = v;
    for i in (0..width).rev() {
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    buf
}

/// An `E_EOD` message for one problem, naming each item and quoting the
/// record's value (`(blank)` when it was not supplied).
fn push_problem<'a>(rec: &Record<'a>, schema: Schema, p: &EodProblem, msgs: &mut Messages<'a>) {
    let shown = |field: Field| {
        let v = rec.get(field);
        if v.is_empty() { "(blank)" } else { v }
    };
    match p {
        EodProblem::InvalidItem(item) => {
            let field = field_of(*item);
            msgs.push(Message::value(Code::EEod, field, shown(field), "is not a code of").text(schema.name()));
        }
        EodProblem::Rejected { items, .. } => {
            let mut items = items
                .iter()
                .copied()
                .filter(|i| *i != EodItem::SizeSummary || rec.size_coded);
            let Some(first) = items.next() else {
                msgs.push(Message::new(Code::EEod, "the EOD codes are rejected by").text(schema.name()));
                return;
            };
            let field = field_of(first);
            let mut m = Message::quoting(Code::EEod, field, shown(field));
            // A message has room for two items; the ERROR rows of SEER's
            // schemas read two (primary tumor and size), and a third is
            // summed up as "and others".
            let rest: Vec<EodItem> = items.collect();
            if let Some(second) = rest.first() {
                let f = field_of(*second);
                m = m.text("and").field(f).quoted(shown(f));
            }
            if rest.len() > 1 {
                m = m.text("and others");
            }
            let why = if rest.is_empty() {
                "is rejected by"
            } else {
                "are rejected together by"
            };
            msgs.push(m.text(why).text(schema.name()));
        }
    }
}
