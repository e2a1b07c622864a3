//! Counts over a run: one per chunk (a [`RowSink`] beside the encoder),
//! merged in input order; `summary.csv` is written from them here, the JSON
//! and the terminal table in their own files (io-contract §5).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use netstage_rules::declare::{BitSet, words_for};
use netstage_rules::message::Piece;
use netstage_rules::table::fast_hash::FastMap;
use netstage_rules::{Basis, Code, CodeSet, Field, Outcome, Schema, SiteGroup, StageCode, Status};

use crate::stage::{RowId, RowSink};

/// How many error rows are remembered for the `--strict` report.
pub const FIRST_ERRORS_KEPT: usize = 10;

/// Key of one counted cell, packed: site group, schema, status, stage (each a
/// small index; `NONE` when blank) and diagnosis year (0 when unknown).
/// `summary.csv` sums it over the years.
type CellKey = u64;

const NONE: u8 = u8::MAX;

fn pack(site: u8, schema: u8, status: u8, stage: u8, year: u16) -> CellKey {
    let [y0, y1] = year.to_be_bytes();
    u64::from_be_bytes([site, schema, status, stage, y0, y1, 0, 0])
}

/// The year of a packed key (`None` when unknown).
fn key_year(key: CellKey) -> Option<u16> {
    let b = key.to_be_bytes();
    let y = u16::from_be_bytes([b[4], b[5]]);
    (y != 0).then_some(y)
}

/// A fixed open-addressing table of (key, count), for the rows of a chunk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct RecentCells {
    slots: Vec<(CellKey, u64)>,
    used: usize,
}

/// Slots of a [`RecentCells`] (a power of two); it is folded at half full.
const RECENT_SLOTS: usize = 4096;

/// No key packs to this (a status index is at most 4).
const EMPTY: CellKey = CellKey::MAX;

impl RecentCells {
    /// Counts one row; false when the table is too full (fold, then retry).
    #[inline]
    fn add(&mut self, key: CellKey) -> bool {
        if self.slots.is_empty() {
            self.slots = vec![(EMPTY, 0); RECENT_SLOTS];
        }
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize & (RECENT_SLOTS - 1);
        loop {
            let slot = &mut self.slots[i];
            if slot.0 == key {
                slot.1 += 1;
                return true;
            }
            if slot.0 == EMPTY {
                if self.used * 2 >= RECENT_SLOTS {
                    return false;
                }
                *slot = (key, 1);
                self.used += 1;
                return true;
            }
            i = (i + 1) & (RECENT_SLOTS - 1);
        }
    }

    fn iter(&self) -> impl Iterator<Item = (CellKey, u64)> + '_ {
        self.slots.iter().copied().filter(|(k, _)| *k != EMPTY)
    }

    /// The counted cells; the table is left empty.
    fn drain(&mut self) -> Vec<(CellKey, u64)> {
        let out: Vec<_> = self.iter().collect();
        if self.used > 0 {
            self.slots.fill((EMPTY, 0));
            self.used = 0;
        }
        out
    }
}

/// Bases, in `by_basis` order.
const BASES: [Basis; 4] = [Basis::Path, Basis::Clin, Basis::Eod, Basis::Facts];

/// Recorded-versus-computed classes, in `recorded_by_site` order.
const RECORDED: [&str; 3] = ["agree", "disagree", "not_comparable"];

/// One decoded cell: site group, schema name, edition, status, stage code, stage display.
struct Cell {
    site: &'static str,
    schema: &'static str,
    edition: &'static str,
    status: &'static str,
    stage: &'static str,
    stage_key: &'static str,
}

/// Slots of the per-site arrays: the site groups, then one for rows
/// without a valid site.
fn site_slots() -> usize {
    SiteGroup::count() + 1
}

/// The slot of a site group index (`NONE` and anything past the groups: the last).
fn site_slot(site: u8) -> usize {
    (site as usize).min(SiteGroup::count())
}

/// Adds one to `cells[site_slot * width + col]`, sizing the array on first use.
fn bump(cells: &mut Vec<u64>, site: u8, width: usize, col: usize) {
    if cells.is_empty() {
        *cells = vec![0; site_slots() * width];
    }
    cells[site_slot(site) * width + col] += 1;
}

/// Adds `b` into `a` cell by cell (either may be empty).
fn add_cells(a: &mut Vec<u64>, b: Vec<u64>) {
    if a.is_empty() {
        *a = b;
    } else {
        for (x, y) in a.iter_mut().zip(b) {
            *x += y;
        }
    }
}

/// The non-zero cells of a per-site array as site name -> column name -> count.
fn per_site(cells: &[u64], cols: &[&'static str]) -> BTreeMap<&'static str, BTreeMap<&'static str, u64>> {
    let mut m: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for (i, n) in cells.iter().enumerate().filter(|(_, n)| **n > 0) {
        let (slot, col) = (i / cols.len(), i % cols.len());
        m.entry(site_name(slot as u8)).or_default().insert(cols[col], *n);
    }
    m
}

fn site_name(site: u8) -> &'static str {
    if (site as usize) < SiteGroup::count() {
        SiteGroup(site).name()
    } else {
        NO_SITE
    }
}

fn unpack(key: CellKey) -> Cell {
    let [site, schema, status, stage, ..] = key.to_be_bytes();
    let schema = Schema::from_index(schema);
    let status = Status::ALL[status as usize];
    let stage = StageCode::from_index(stage);
    Cell {
        site: if (site as usize) < SiteGroup::count() {
            SiteGroup(site).name()
        } else {
            ""
        },
        schema: schema.map_or("", |s| s.name()),
        edition: schema.map_or("", |s| s.edition.code()),
        status: status.name(),
        stage: stage.map_or("", StageCode::code),
        stage_key: stage.map_or(status.name(), StageCode::display),
    }
}

/// Counts of one chunk, batch or run. Cheap to update per row; decoded to
/// names only when written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows counted.
    pub rows: u64,
    /// Rows per status, in `Status::ALL` order.
    pub by_status: [u64; 5],
    cells: FastMap<CellKey, u64>,
    /// The cells of the rows added since the last fold, in a small
    /// open-addressing table (a probe per row instead of a map update).
    recent: RecentCells,
    /// Rows whose recorded stage differs from the computed one.
    pub recorded_disagreements: u64,
    /// Rows carrying each message code (once per row), in `Code::ALL` order.
    messages: Vec<u64>,
    /// The first error rows, as (input index, row number).
    pub first_errors: Vec<(usize, u64)>,
    /// Rows with a Summary Stage 2018, by (site group index, code).
    ss2018: FastMap<(u8, &'static str), u64>,
    /// Rows per headline basis, in `BASES` order.
    by_basis: [u64; 4],
    /// Rows with a recorded stage, by site slot x `RECORDED` class
    /// ([`site_slot`]; empty until the first one).
    recorded: Vec<u64>,
    /// Rows of `flagged.csv`, by site slot x status.
    flagged: Vec<u64>,
    /// Error rows naming each field in an `E_` message (a row once per
    /// field), by field index; the last slot for messages about the record.
    errors_by_field: Vec<u64>,
}

/// Key used for rows of an invalid site in `by_site_stage`.
pub const NO_SITE: &str = "unknown_site";

impl RowSink for Counts {
    fn row(&mut self, id: &RowId<'_>, outcome: &Outcome<'_>) {
        self.add(id.input, id.row, outcome);
    }
}

impl Counts {
    /// Counts one row.
    pub fn add(&mut self, input: usize, row: u64, out: &Outcome<'_>) {
        self.rows += 1;
        self.by_status[out.status as usize] += 1;
        let site = out.site_group.map_or(NONE, |g| g.0);
        let key = pack(
            site,
            out.schema.map_or(NONE, Schema::index),
            out.status as u8,
            out.stage.map_or(NONE, StageCode::index),
            out.year.unwrap_or(0),
        );
        if !self.recent.add(key) {
            self.fold();
            self.recent.add(key);
        }
        if out.recorded_agrees == Some(false) {
            self.recorded_disagreements += 1;
        }
        if let Some(b) = out.basis {
            self.by_basis[BASES.iter().position(|x| *x == b).unwrap_or(0)] += 1;
        }
        if out.recorded_stage.is_some() {
            let class = match out.recorded_agrees {
                Some(true) => 0,
                Some(false) => 1,
                None => 2,
            };
            bump(&mut self.recorded, site, RECORDED.len(), class);
        }
        if out.flagged {
            bump(&mut self.flagged, site, Status::ALL.len(), out.status as usize);
        }
        if out.status == Status::Error {
            if self.errors_by_field.is_empty() {
                self.errors_by_field = vec![0; Field::COUNT + 1];
            }
            let mut seen = BitSet::<{ words_for(Field::COUNT + 1) }>::new();
            for m in out.messages.iter().filter(|m| m.code.is_error()) {
                let slot = m
                    .pieces()
                    .find_map(|p| match p {
                        Piece::Field(f) => Some(*f as usize),
                        _ => None,
                    })
                    .unwrap_or(Field::COUNT);
                if seen.insert(slot) {
                    self.errors_by_field[slot] += 1;
                }
            }
        }
        if let Some(ss) = out.ss2018 {
            *self.ss2018.entry((site, ss)).or_default() += 1;
        }
        if !out.messages.is_empty() {
            if self.messages.is_empty() {
                self.messages = vec![0; Code::ALL.len()];
            }
            let mut seen = CodeSet::new();
            for m in out.messages.iter() {
                if seen.insert(m.code as usize) {
                    self.messages[m.code as usize] += 1;
                }
            }
        }
        if out.status == Status::Error && self.first_errors.len() < FIRST_ERRORS_KEPT {
            self.first_errors.push((input, row));
        }
    }

    /// Moves the recent cells into the map.
    fn fold(&mut self) {
        for (k, n) in self.recent.drain() {
            *self.cells.entry(k).or_default() += n;
        }
    }

    /// The counted cells, recent ones included.
    fn all_cells(&self) -> FastMap<CellKey, u64> {
        let mut cells = self.cells.clone();
        for (k, n) in self.recent.iter() {
            *cells.entry(k).or_default() += n;
        }
        cells
    }

    /// Adds another chunk's counts (chunks merged in input order keep
    /// `first_errors` in input order).
    pub fn merge(&mut self, other: Counts) {
        self.rows += other.rows;
        for (a, b) in self.by_status.iter_mut().zip(other.by_status) {
            *a += b;
        }
        let mut other = other;
        other.fold();
        self.fold();
        for (k, v) in other.cells {
            *self.cells.entry(k).or_default() += v;
        }
        self.recorded_disagreements += other.recorded_disagreements;
        for (k, v) in other.ss2018 {
            *self.ss2018.entry(k).or_default() += v;
        }
        for (a, b) in self.by_basis.iter_mut().zip(other.by_basis) {
            *a += b;
        }
        add_cells(&mut self.recorded, other.recorded);
        add_cells(&mut self.flagged, other.flagged);
        add_cells(&mut self.errors_by_field, other.errors_by_field);
        if self.messages.is_empty() {
            self.messages = other.messages;
        } else {
            for (a, b) in self.messages.iter_mut().zip(other.messages) {
                *a += b;
            }
        }
        let room = FIRST_ERRORS_KEPT.saturating_sub(self.first_errors.len());
        self.first_errors.extend(other.first_errors.into_iter().take(room));
    }

    /// Rows with a status.
    pub fn status(&self, s: Status) -> u64 {
        self.by_status[s as usize]
    }

    /// Rows per message code, for codes that occurred.
    pub fn message_counts(&self) -> Vec<(&'static str, u64)> {
        Code::ALL
            .iter()
            .zip(&self.messages)
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| (c.as_str(), *n))
            .collect()
    }

    /// Site group -> stage display (status for rows without a stage) -> rows.
    pub fn by_site_stage(&self) -> BTreeMap<&'static str, BTreeMap<&'static str, u64>> {
        let mut m: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
        for (k, n) in &self.all_cells() {
            let c = unpack(*k);
            let site = if c.site.is_empty() { NO_SITE } else { c.site };
            *m.entry(site).or_default().entry(c.stage_key).or_default() += n;
        }
        m
    }

    /// Site group -> Summary Stage 2018 code -> rows, over rows with `ss2018`.
    pub fn by_site_ss2018(&self) -> BTreeMap<&'static str, BTreeMap<&'static str, u64>> {
        let mut m: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
        for ((site, code), n) in &self.ss2018 {
            let name = if (*site as usize) < SiteGroup::count() {
                SiteGroup(*site).name()
            } else {
                NO_SITE
            };
            *m.entry(name).or_default().entry(*code).or_default() += n;
        }
        m
    }

    /// Edition code -> rows.
    pub fn by_edition(&self) -> BTreeMap<&'static str, u64> {
        let mut m = BTreeMap::new();
        for (k, n) in &self.all_cells() {
            let c = unpack(*k);
            if !c.edition.is_empty() {
                *m.entry(c.edition).or_default() += n;
            }
        }
        m
    }

    /// `summary.csv`: header, then one line per non-zero cell, sorted by
    /// site_group, schema, edition, status, stage.
    pub fn summary_csv(&self) -> String {
        let mut lines: BTreeMap<(&str, &str, &str, &str, &str), u64> = BTreeMap::new();
        for (k, n) in &self.all_cells() {
            let c = unpack(*k);
            *lines
                .entry((c.site, c.schema, c.edition, c.status, c.stage))
                .or_default() += n;
        }
        let mut s = String::from("site_group,schema,edition,status,stage,count\n");
        for ((site, schema, edition, status, stage), n) in lines {
            let _ = writeln!(s, "{site},{schema},{edition},{status},{stage},{n}");
        }
        s
    }

    /// Site group -> diagnosis year (`unknown`) -> stage display (status for
    /// rows without a stage) -> rows.
    pub fn by_site_year(&self) -> BTreeMap<&'static str, BTreeMap<String, BTreeMap<&'static str, u64>>> {
        let mut m: BTreeMap<&str, BTreeMap<String, BTreeMap<&str, u64>>> = BTreeMap::new();
        for (k, n) in &self.all_cells() {
            let c = unpack(*k);
            let site = if c.site.is_empty() { NO_SITE } else { c.site };
            let year = key_year(*k).map_or_else(|| "unknown".to_string(), |y| y.to_string());
            *m.entry(site)
                .or_default()
                .entry(year)
                .or_default()
                .entry(c.stage_key)
                .or_default() += n;
        }
        m
    }

    /// Basis -> rows with that headline basis.
    pub fn by_basis(&self) -> BTreeMap<&'static str, u64> {
        BASES
            .iter()
            .zip(self.by_basis)
            .filter(|(_, n)| *n > 0)
            .map(|(b, n)| (b.name(), n))
            .collect()
    }

    /// Site group -> agree / disagree / not_comparable -> rows with a recorded stage.
    pub fn recorded_by_site(&self) -> BTreeMap<&'static str, BTreeMap<&'static str, u64>> {
        per_site(&self.recorded, &RECORDED)
    }

    /// Site group -> status -> rows of `flagged.csv`.
    pub fn flagged_by_site_status(&self) -> BTreeMap<&'static str, BTreeMap<&'static str, u64>> {
        per_site(&self.flagged, &Status::ALL.map(Status::name))
    }

    /// Field -> error rows with an `E_` message about it (`record` for messages
    /// about the whole record).
    pub fn errors_by_field(&self) -> BTreeMap<&'static str, u64> {
        self.errors_by_field
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (Field::ALL.get(i).map_or("record", |f| f.name()), *n))
            .collect()
    }
}
