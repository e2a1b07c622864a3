//! The staging engine: one record in, one [`Outcome`] out (staging-rules §1).
//! Pure: no I/O, no threads; a [`RuleSet`] is immutable and shared.

use std::fmt::Arguments;
use std::sync::OnceLock;

use crate::category::{Category, CategoryValue, Part, Prefix, parse_category};
use crate::chapters::Hook;
use crate::eod::EodAlgorithm;
use crate::eod_basis::{EodBasis, Identity, eod_basis, has_eod};
use crate::extent::{Level, token_level};
use crate::facts::{
    MetastasisReading, Size, combine_sizes, facts_n, facts_t, parse_mass_mm, parse_metastasis, parse_multiple,
    parse_nodes, parse_size_cm, parse_size_mm, parse_t_suffix, tokens,
};
use crate::histology::{Differentiation, Histology, parse_behavior};
use crate::matrix::{Matrices, Matrix, MatrixError, STAGE_MATRICES_CSV};
use crate::message::{Code, Message, Messages};
use crate::organ::OrganStager;
use crate::outcome::{Basis, Outcome, Status};
use crate::record::{Field, Record};
use crate::routing::{EditionChoice, Route, route};
use crate::routing::{Routed, is_staged_pair};
use crate::schema::{Chapter, Edition, Schema};
use crate::site::{Site, SiteGroup};
use crate::stage::StageCode;
use crate::year::Year;

/// Run-wide staging options (`--edition`, `--strict-ajcc`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// How the edition is chosen.
    pub edition: EditionChoice,
    /// Use the strict AJCC reading for the NET cells the AJCC text does not
    /// group (`TX/T0 N+ M0`, `T4 NX M0`: `99`). Lung keeps the registry
    /// matrices (io-contract §10).
    pub strict_ajcc: bool,
}

/// Receives the steps of a derivation, for `netstage explain`.
pub trait Trace {
    /// Records one step in plain language.
    fn step(&mut self, text: Arguments<'_>);

    /// False when steps are discarded (skip building costly ones).
    fn enabled(&self) -> bool {
        true
    }
}

/// No tracing: the hot path.
impl Trace for () {
    #[inline(always)]
    fn step(&mut self, _: Arguments<'_>) {}

    #[inline(always)]
    fn enabled(&self) -> bool {
        false
    }
}

/// Collects the steps as lines.
impl Trace for Vec<String> {
    fn step(&mut self, text: Arguments<'_>) {
        self.push(text.to_string());
    }
}

/// The compiled, immutable rule set: the matrices plus the routing tables
/// (which are static data). Share one across threads.
pub struct RuleSet {
    matrices: Matrices,
    eod: &'static EodAlgorithm,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let alg = self.eod.algorithm();
        write!(f, "RuleSet {{ eod: {} {} }}", alg.name(), alg.version())
    }
}

impl RuleSet {
    /// Compiles the embedded rule tables.
    pub fn new() -> Result<RuleSet, MatrixError> {
        RuleSet::with_eod(EodAlgorithm::standard())
    }

    /// Compiles the embedded rule tables with another EOD algorithm (a
    /// site's own copy of SEER's tables, `--algorithm DIR`).
    pub fn with_eod(eod: &'static EodAlgorithm) -> Result<RuleSet, MatrixError> {
        Ok(RuleSet {
            matrices: Matrices::parse(STAGE_MATRICES_CSV)?,
            eod,
        })
    }

    /// The EOD algorithm this rule set derives the EOD basis with.
    pub fn eod(&self) -> &'static EodAlgorithm {
        self.eod
    }

    /// The embedded rule set, compiled once per process.
    pub fn standard() -> &'static RuleSet {
        static RULES: OnceLock<RuleSet> = OnceLock::new();
        RULES.get_or_init(|| RuleSet::new().expect("embedded stage matrices are valid (tested)"))
    }

    /// The stage matrices.
    pub fn matrices(&self) -> &Matrices {
        &self.matrices
    }

    /// Stages one record.
    pub fn stage<'a>(&self, rec: &Record<'a>, opts: &Options) -> Outcome<'a> {
        self.stage_traced(rec, opts, &mut ())
    }

    /// Stages one record, reporting each step of the derivation to `trace`.
    pub fn stage_traced<'a>(&self, rec: &Record<'a>, opts: &Options, trace: &mut impl Trace) -> Outcome<'a> {
        let mut out = Outcome::blank(Status::Error);
        self.stage_to_traced(rec, opts, &mut out, trace);
        out
    }

    /// Stages one record into `out`, reusing its message list: a batch that
    /// keeps one `Outcome` for all its rows allocates nothing per row.
    pub fn stage_to<'a>(&self, rec: &Record<'a>, opts: &Options, out: &mut Outcome<'a>) {
        self.stage_to_traced(rec, opts, out, &mut ());
    }

    fn stage_to_traced<'a>(&self, rec: &Record<'a>, opts: &Options, out: &mut Outcome<'a>, trace: &mut impl Trace) {
        let mut msgs = std::mem::take(&mut out.messages);
        msgs.clear();
        *out = Outcome::blank(Status::Error);
        let status = self.stage_into(rec, opts, trace, out, &mut msgs);
        if msgs.has_error() {
            // An error row keeps only site_group, differentiation and messages (§8).
            *out = Outcome {
                site_group: out.site_group,
                differentiation: out.differentiation,
                year: out.year,
                ..Outcome::blank(Status::Error)
            };
            trace.step(format_args!("Status: error (a value could not be used; see messages)."));
        } else {
            out.status = status;
            // flagged.csv: the staged, unknown-stage and needs-general-staging
            // rows of organ-general and lung chapters (io-contract §19 item 17).
            out.flagged = out.schema.is_some_and(|s| s.chapter.is_organ_general())
                && matches!(
                    status,
                    Status::Staged | Status::UnknownStage | Status::NeedsGeneralStaging
                );
            // Shown on every row that is not an error (§8 blanks those);
            // compared only where there is a headline stage.
            recorded_stage(rec, out, &mut msgs, trace);
            trace.step(format_args!("Status: {}.", status.name()));
        }
        out.messages = msgs;
    }

    /// Fills `out` and returns the status the row has unless an `E_` message was pushed.
    fn stage_into<'a>(
        &self,
        rec: &Record<'a>,
        opts: &Options,
        trace: &mut impl Trace,
        out: &mut Outcome<'a>,
        msgs: &mut Messages<'a>,
    ) -> Status {
        // 1. Site and histology: always read (required fields).
        let site = text(rec, Field::PrimarySite, msgs).and_then(|s| {
            let site = Site::parse(s);
            if site.is_none() {
                push_bad(
                    msgs,
                    Code::ESite,
                    Field::PrimarySite,
                    s,
                    "is not an ICD-O-3 topography code (C000-C809)",
                );
            }
            site
        });
        let hist = text(rec, Field::Histology, msgs).and_then(|s| {
            let h = Histology::parse(s);
            if h.is_none() {
                push_bad(
                    msgs,
                    Code::EHistology,
                    Field::Histology,
                    s,
                    "is not a 4-digit ICD-O-3 code",
                );
            }
            h
        });
        out.site_group = site.map(SiteGroup::of);
        out.differentiation = hist.map(|h| h.histology.differentiation());
        let (Some(site), Some(hist)) = (site, hist) else {
            return Status::Error;
        };
        trace.step(format_args!(
            "Primary site {} is in site group {}; histology {} is {} ({}).",
            site,
            SiteGroup::of(site).name(),
            hist.histology.0,
            differentiation_words(hist.histology.differentiation()),
            hist.histology.differentiation().name()
        ));

        // 2. Year: validated only for neuroendocrine rows routed to a chapter (§7.7).
        let year_text = (!rec.is_not_utf8(Field::Year)).then(|| rec.get(Field::Year));
        let year = year_text.and_then(Year::parse);
        if let Some(Year::Known(y)) = year {
            out.year = Some(y);
        }
        let routed = match route(site, hist.histology, year.unwrap_or(Year::Unknown), opts.edition) {
            Route::NotNeuroendocrine => {
                msgs.push(Message::value(
                    Code::NNotNeuroendocrine,
                    Field::Histology,
                    rec.get(Field::Histology),
                    "is not a neuroendocrine histology",
                ));
                trace.step(format_args!(
                    "Histology {} is not neuroendocrine: not staged here.",
                    hist.histology.0
                ));
                return not_applicable(out, None);
            }
            Route::SiteNotStaged => {
                msgs.push(Message::value(
                    Code::NSiteNotStaged,
                    Field::PrimarySite,
                    rec.get(Field::PrimarySite),
                    "is not a site netstage stages",
                ));
                trace.step(format_args!(
                    "Site {} has no NET, GI or lung chapter here: not staged.",
                    site
                ));
                return not_applicable(out, None);
            }
            r => r,
        };
        match year_text {
            None => {
                text(rec, Field::Year, msgs);
            }
            Some(y) if year.is_none() => {
                push_bad(msgs, Code::EYear, Field::Year, y, "is not a year or date of diagnosis")
            }
            Some(_) => {}
        }
        if let Route::Before2018 = routed
            && !msgs.has_error()
        {
            msgs.push(Message::value(
                Code::NBefore2018,
                Field::Year,
                rec.get(Field::Year),
                "is before 2018",
            ));
            trace.step(format_args!(
                "Diagnosed before 2018: outside the AJCC 8th/V9 registry era."
            ));
            return not_applicable(out, None);
        }

        // 3. Behavior (§7.8): the column, else the digit after `/` in the histology, else 3.
        let behavior = self.behavior(rec, hist.behavior, msgs);
        if msgs.has_error() {
            return Status::Error;
        }
        let Route::Chapter(mut routed) = routed else {
            return Status::Error;
        };
        // Schema Discriminator 1 (io-contract §15, §19 items 4, 16, 19): C16.0
        // with `2` is the esophagus/EGJ schema, as SEER selects it.
        let discriminator = if rec.is_not_utf8(Field::SchemaDiscriminator1) {
            ""
        } else {
            rec.get(Field::SchemaDiscriminator1)
        };
        let egj_site = routed.schema.chapter.has_hook(Hook::EgjDiscriminator);
        if egj_site
            && site.0 == 160
            && discriminator == "2"
            && let Some(egj) = Chapter::from_key(EGJ_CHAPTER)
        {
            let schema = Schema::new(egj, Edition::Eighth);
            routed = Routed {
                schema,
                staged_pair: is_staged_pair(schema, site, hist.histology, year.unwrap_or(Year::Unknown)),
                no_groups: false,
                uncertain_histology: false,
            };
            trace.step(format_args!(
                "C16.0 with Schema Discriminator 1 = 2: the esophagus/EGJ schema, as SEER selects it."
            ));
        }
        let discriminator_invalid = (egj_site || routed.schema.chapter.key() == EGJ_CHAPTER)
            && !discriminator.is_empty()
            && !matches!(discriminator, "0" | "2" | "3" | "9");
        let schema = routed.schema;
        out.schema = Some(schema);
        out.organ_general = Some(schema.chapter.is_organ_general());
        trace.step(format_args!(
            "Routed to {} (schema ID {}, AJCC edition {}).",
            schema.name(),
            schema.id(),
            schema.edition.code()
        ));
        if year == Some(Year::Unknown) {
            msgs.push(Message::new(
                Code::WYearUnknown,
                match schema.edition {
                    Edition::V9 => "year of diagnosis unknown: Version 9 schema assumed",
                    Edition::Eighth => "year of diagnosis unknown: 8th edition used",
                },
            ));
            trace.step(format_args!(
                "Year unknown: the registry tables choose Version 9 where it exists."
            ));
        }
        // An invalid discriminator counts as not supplied (§19 item 4).
        if schema.chapter.has_hook(Hook::EgjDiscriminator) && site.0 == 160 {
            if discriminator.is_empty() {
                msgs.push(Message::new(
                    Code::WEgjAssumed,
                    "C16.0 carcinoma routed to stomach (no EGJ discriminator)",
                ));
            } else if discriminator_invalid {
                msgs.push(Message::new(
                    Code::WEgjAssumed,
                    "C16.0 carcinoma routed to stomach (no valid EGJ discriminator)",
                ));
            }
        }
        if routed.uncertain_histology {
            msgs.push(Message::value(
                Code::WUncertainHistology,
                Field::Histology,
                rec.get(Field::Histology),
                "is staged in NET pancreas V9 by the registry tables, though its meaning there is unclear (U7)",
            ));
        }
        let Some(behavior) = behavior else {
            return Status::Error;
        };
        if behavior != 3 || !routed.staged_pair {
            if behavior != 3 {
                msgs.push(Message::new(Code::NBehavior, "behavior is not 3 (malignant)"));
                trace.step(format_args!("Behavior {behavior}: the chapter stages behavior 3 only."));
            }
            if !routed.staged_pair {
                msgs.push(
                    Message::value(
                        Code::NNotStagedByChapter,
                        Field::Histology,
                        rec.get(Field::Histology),
                        "at this site is not staged by",
                    )
                    .text(schema.name()),
                );
                trace.step(format_args!(
                    "{} does not stage histology {} at {} (AJCC ID table): stage 88.",
                    schema.name(),
                    hist.histology.0,
                    site
                ));
            }
            return not_applicable(out, Some(schema));
        }
        if discriminator_invalid {
            msgs.push(Message::value(
                Code::WDiscriminatorInvalid,
                Field::SchemaDiscriminator1,
                discriminator,
                "is not a Schema Discriminator 1 code of the stomach/EGJ (0, 2, 3, 9)",
            ));
        }
        if !schema.chapter.is_staged_by_netstage() {
            trace.step(format_args!(
                "{} is an organ-general chapter netstage does not stage: flagged.",
                schema.name()
            ));
            return Status::NeedsGeneralStaging;
        }
        // W_GRADE_CONFLICT reads the first non-blank grade (io-contract §18).
        let grade_field = [Field::GradePath, Field::GradeClin, Field::Grade]
            .into_iter()
            .find(|f| !rec.get(*f).is_empty());
        if let Some(gf) = grade_field
            && hist.histology.differentiation() == Differentiation::Well
            && is_grade_c_or_d(rec.get(gf))
        {
            msgs.push(Message::value(
                Code::WGradeConflict,
                gf,
                rec.get(gf),
                "is poorly differentiated on a NET histology (routed by histology)",
            ));
        }
        let who = Identity {
            site: site.0,
            histology: hist.histology.0,
            behavior,
            year: year.unwrap_or(Year::Unknown),
        };
        // 4. T, N, M from each basis, then the stage group: the chapter's
        // stage matrix (NET chapters, lung), or its categories and SEER's
        // stage table (organ-general chapters). Matrices::parse refuses a
        // rule set in which a chapter staged by matrix has none, and the
        // chapter tables give every organ chapter netstage stages a category
        // list and a SEER schema (tested), so neither lookup can fail.
        let groups = if schema.chapter.uses_matrix() {
            Groups::Matrix(
                self.matrices
                    .get(schema)
                    .expect("every chapter staged by matrix has one (checked when the rules compile)"),
            )
        } else {
            Groups::Organ(
                OrganStager::new(self.eod, schema, &who, rec)
                    .expect("every organ chapter netstage stages has categories and a SEER schema (tested)"),
            )
        };
        let how = Staging {
            schema,
            no_groups: routed.no_groups,
        };
        stage_tnm(rec, opts, &groups, &how, self.eod, &who, out, msgs, trace)
    }

    /// Resolves the behavior (io-contract §7.8).
    fn behavior<'a>(&self, rec: &Record<'a>, from_histology: Option<u8>, msgs: &mut Messages<'a>) -> Option<u8> {
        if let Some(b) = from_histology
            && b > 3
        {
            push_bad(
                msgs,
                Code::EBehavior,
                Field::Histology,
                rec.get(Field::Histology),
                "has a behavior other than 0-3",
            );
            return None;
        }
        let column = text(rec, Field::Behavior, msgs)?;
        if column.is_empty() {
            return match from_histology {
                Some(b) => Some(b),
                None => {
                    msgs.push(Message::new(
                        Code::WBehaviorDefaulted,
                        "behavior missing: 3 (malignant) assumed",
                    ));
                    Some(3)
                }
            };
        }
        let Some(b) = parse_behavior(column) else {
            push_bad(
                msgs,
                Code::EBehavior,
                Field::Behavior,
                column,
                "is not a behavior code (0-3)",
            );
            return None;
        };
        if from_histology.is_some_and(|h| h != b) {
            push_bad(
                msgs,
                Code::EBehavior,
                Field::Behavior,
                column,
                "differs from the behavior in histology",
            );
            return None;
        }
        Some(b)
    }
}

fn differentiation_words(d: Differentiation) -> &'static str {
    match d {
        Differentiation::Well => "a well-differentiated NET",
        Differentiation::Poor => "a poorly differentiated carcinoma",
        Differentiation::Mixed => "a mixed / goblet-cell tumor",
        Differentiation::Unknown => "not neuroendocrine",
    }
}

/// Sets the not-applicable columns (§8): `88`s, schema only for routed pairs.
fn not_applicable<'a>(out: &mut Outcome<'a>, schema: Option<Schema>) -> Status {
    out.schema = schema;
    out.organ_general = Some(schema.is_some_and(|s| s.chapter.is_organ_general()));
    out.t = Some("88");
    out.n = Some("88");
    out.m = Some("88");
    out.stage = Some(StageCode::NOT_APPLICABLE);
    Status::NotApplicable
}

/// Reads a field's text; bytes that are not UTF-8 are an `E_RECORD` error.
fn text<'a>(rec: &Record<'a>, field: Field, msgs: &mut Messages<'a>) -> Option<&'a str> {
    if rec.is_not_utf8(field) {
        msgs.push(Message::about(Code::ERecord, field, "has bytes that are not UTF-8"));
        return None;
    }
    Some(rec.get(field))
}

/// Pushes an error naming the field and the value (or saying it is blank).
fn push_bad<'a>(msgs: &mut Messages<'a>, code: Code, field: Field, value: &'a str, why: &'static str) {
    if value.is_empty() {
        msgs.push(Message::about(code, field, "is blank"));
    } else {
        msgs.push(Message::value(code, field, value, why));
    }
}

fn is_grade_c_or_d(grade: &str) -> bool {
    let g = grade.strip_prefix(['G', 'g']).unwrap_or(grade);
    g.eq_ignore_ascii_case("c") || g.eq_ignore_ascii_case("d")
}

/// A T, N, M triple.
type Tnm = (Category, Category, Category);

/// The chapter of a staged row: esophagus/EGJ, routed from the stomach by
/// Schema Discriminator 1.
const EGJ_CHAPTER: &str = "esophagus_gejunction";

/// Where a staged row's categories and stage groups come from.
enum Groups<'m> {
    /// A NET chapter or lung: its stage matrix.
    Matrix(&'m Matrix),
    /// An organ-general chapter: its category list and SEER's stage table.
    Organ(OrganStager),
}

impl Groups<'_> {
    fn defines(&self, c: Category) -> bool {
        match self {
            Groups::Matrix(m) => m.defines(c),
            Groups::Organ(o) => o.defines(c),
        }
    }

    /// The stage group of a basis's T, N and M (`strict`: the strict AJCC
    /// column of a NET matrix).
    fn stage(&self, basis: Basis, (t, n, m): Tnm, strict: bool) -> StageCode {
        match self {
            Groups::Matrix(mx) => match mx.cell(t, n, m) {
                Some(c) if strict => c.strict,
                Some(c) => c.registry,
                None => StageCode::UNKNOWN,
            },
            Groups::Organ(o) => o.stage(basis, (t.name(), n.name(), m.name())),
        }
    }

    /// What gave a basis's stage, for `explain`.
    fn source(&self, basis: Basis) -> &'static str {
        match self {
            Groups::Matrix(_) => "matrix cell",
            Groups::Organ(o) if o.clinical_table(basis) => "AJCC clinical stage table",
            Groups::Organ(_) => "SEER's stage table",
        }
    }
}

/// What the routing decided for a staged row.
struct Staging {
    schema: Schema,
    /// T, N and M but no stage group (small intestine 18.2).
    no_groups: bool,
}

/// A row whose chapter gives T, N and M but no stage group (small intestine
/// 18.2, io-contract §15): `needs_general_staging` with the T, N, M of the
/// first present basis among path, clin and eod; no stage, no basis, no
/// per-basis stages (the EOD columns stay as SEER gives them).
fn no_stage_group<'a>(
    bases: [(Basis, Option<Tnm>); 3],
    eod: Option<EodBasis>,
    out: &mut Outcome<'a>,
    trace: &mut impl Trace,
    schema: Schema,
) -> Status {
    let names = |(t, n, m): Tnm| (t.name(), n.name(), m.name());
    let first = bases[0].1.map(names).or(bases[1].1.map(names)).or(eod.map(|e| e.tnm));
    if let Some(e) = eod {
        out.eod_t = Some(e.tnm.0);
        out.eod_n = Some(e.tnm.1);
        out.eod_m = Some(e.tnm.2);
        out.eod_stage = Some(e.stage);
        out.ss2018 = Some(e.ss2018);
    }
    if let Some((t, n, m)) = first {
        out.t = Some(t);
        out.n = Some(n);
        out.m = Some(m);
    }
    trace.step(format_args!(
        "{} gives these histologies T, N and M but no stage group (AJCC ID 18.2): flagged.",
        schema.name()
    ));
    Status::NeedsGeneralStaging
}

/// The stage one basis gives, with its T, N and M as written.
#[derive(Clone, Copy)]
struct BasisStage {
    basis: Basis,
    tnm: (&'static str, &'static str, &'static str),
    stage: StageCode,
}

/// The fields of an EOD basis, read (so an unreadable one is `E_RECORD`).
const EOD_READ_FIELDS: [Field; 8] = [
    Field::EodPrimaryTumor,
    Field::EodRegionalNodes,
    Field::EodMets,
    Field::NodesPositive,
    Field::SizeMm,
    Field::GradeClin,
    Field::GradePath,
    Field::SchemaDiscriminator1,
];

/// `W_FACTS_IGNORED` for every facts-only field a row with an EOD basis
/// carries (io-contract §19 items 7 and 20); they are not validated.
fn facts_ignored<'a>(rec: &Record<'a>, chapter: Chapter, msgs: &mut Messages<'a>) {
    let size_facts = (!rec.size_coded).then_some(Field::SizeMm);
    let mass = chapter
        .has_hook(Hook::MesentericMass)
        .then_some(Field::MesentericMassMm);
    for f in [
        Some(Field::Extent),
        Some(Field::Metastasis),
        Some(Field::SizeCm),
        size_facts,
        mass,
    ]
    .into_iter()
    .flatten()
    {
        if !rec.is_blank(f) {
            msgs.push(Message::about(
                Code::WFactsIgnored,
                f,
                "is ignored: the EOD basis is present",
            ));
        }
    }
    if rec.plain_size_shadowed {
        msgs.push(Message::about(
            Code::WFactsIgnored,
            Field::SizeMm,
            "in plain millimetres is ignored: the EOD basis takes the item-756 size",
        ));
    }
}

/// One basis's categories (blank parts stay `None`).
#[derive(Default, Clone, Copy)]
struct Cats {
    t: Option<Category>,
    n: Option<Category>,
    m: Option<Category>,
}

impl Cats {
    fn present(&self) -> bool {
        self.t.is_some() || self.n.is_some() || self.m.is_some()
    }

    fn slot(&mut self, part: Part) -> &mut Option<Category> {
        match part {
            Part::T => &mut self.t,
            Part::N => &mut self.n,
            Part::M => &mut self.m,
        }
    }

    /// Blank T is TX, blank N is NX, blank M is M0 (io-contract §7.5).
    fn filled(&self) -> Tnm {
        let d = |p, n| Category::from_name(p, n).expect("default category exists");
        (
            self.t.unwrap_or_else(|| d(Part::T, "TX")),
            self.n.unwrap_or_else(|| d(Part::N, "NX")),
            self.m.unwrap_or_else(|| d(Part::M, "M0")),
        )
    }
}

fn part_code(part: Part) -> Code {
    match part {
        Part::T => Code::ET,
        Part::N => Code::EN,
        Part::M => Code::EM,
    }
}

/// Reads one T/N/M value into a category of the row's chapter. Returns the
/// category and its prefix; pushes errors and warnings.
fn read_category<'a>(
    rec: &Record<'a>,
    field: Field,
    part: Part,
    groups: &Groups<'_>,
    schema: Schema,
    msgs: &mut Messages<'a>,
    multiple: &mut bool,
) -> Option<(Category, Prefix)> {
    let value = text(rec, field, msgs)?;
    if value.is_empty() {
        return None;
    }
    let Some(parsed) = parse_category(part, value) else {
        let why = match part {
            Part::T => "is not a readable T category",
            Part::N => "is not a readable N category",
            Part::M => "is not a readable M category",
        };
        msgs.push(Message::value(part_code(part), field, value, why));
        return None;
    };
    let cat = match parsed.value {
        CategoryValue::NotApplicable => {
            msgs.push(
                Message::value(
                    Code::ECategory,
                    field,
                    value,
                    "is 88 (not applicable) but the row is staged in",
                )
                .text(schema.name()),
            );
            return None;
        }
        CategoryValue::Category(c) => c,
    };
    if !groups.defines(cat) {
        let why = match part {
            Part::T => "is not a T category of",
            Part::N => "is not an N category of",
            Part::M => "is not an M category of",
        };
        msgs.push(Message::value(Code::ECategory, field, value, why).text(schema.name()));
        return None;
    }
    if parsed.prefix.is_post_therapy() {
        msgs.push(Message::value(
            Code::WPostTherapy,
            field,
            value,
            "is a post-therapy (y) category",
        ));
    }
    if part == Part::M && cat.name() == "M0" && parsed.prefix.is_pathological() {
        msgs.push(Message::value(
            Code::WPm0,
            field,
            value,
            "read as cM0 (pM0 does not exist)",
        ));
    }
    *multiple |= parsed.multiple;
    Some((cat, parsed.prefix))
}

/// Derives T/N/M per basis, looks the stage groups up and picks the headline.
#[allow(clippy::too_many_arguments)]
fn stage_tnm<'a>(
    rec: &Record<'a>,
    opts: &Options,
    groups: &Groups<'_>,
    how: &Staging,
    eod: &'static EodAlgorithm,
    who: &Identity,
    out: &mut Outcome<'a>,
    msgs: &mut Messages<'a>,
    trace: &mut impl Trace,
) -> Status {
    let schema = how.schema;
    let mut multiple = false;

    // Categories: path_* and clin_* columns, then the generic t/n/m by prefix (§10).
    let mut path = Cats::default();
    let mut clin = Cats::default();
    for (part, pf, cf, gf) in [
        (Part::T, Field::PathT, Field::ClinT, Field::T),
        (Part::N, Field::PathN, Field::ClinN, Field::N),
        (Part::M, Field::PathM, Field::ClinM, Field::M),
    ] {
        *path.slot(part) = read_category(rec, pf, part, groups, schema, msgs, &mut multiple).map(|(c, _)| c);
        *clin.slot(part) = read_category(rec, cf, part, groups, schema, msgs, &mut multiple).map(|(c, _)| c);
        if let Some((cat, prefix)) = read_category(rec, gf, part, groups, schema, msgs, &mut multiple) {
            // A generic `pM0` is read as cM0 (io-contract §2.1), so it joins
            // the clinical basis (§10).
            let read_as_clinical = part == Part::M && cat.name() == "M0";
            let (basis, specific) = if prefix.is_pathological() && !read_as_clinical {
                (&mut path, pf)
            } else {
                (&mut clin, cf)
            };
            let slot = basis.slot(part);
            match *slot {
                Some(existing) if existing != cat => msgs.push(
                    Message::value(part_code(part), gf, rec.get(gf), "differs from")
                        .field(specific)
                        .quoted(rec.get(specific)),
                ),
                _ => *slot = Some(cat),
            }
        }
    }

    // The EOD basis (§14.2): when present, the facts basis is not formed.
    let eod_present = has_eod(rec);
    let facts = if eod_present {
        for f in EOD_READ_FIELDS {
            text(rec, f, msgs);
        }
        facts_ignored(rec, schema.chapter, msgs);
        None
    } else if schema.chapter.is_net() {
        facts_basis(rec, schema, msgs, trace)
    } else {
        if has_facts(rec, schema.chapter) {
            msgs.push(Message::new(
                Code::WFactsUnsupported,
                "this chapter is staged from T/N/M categories or EOD codes only (raw findings ignored)",
            ));
        }
        None
    };

    // T suffix (m): the t_suffix column, a T written (m)/(#), or multiple_tumors (§10).
    if let Some(s) = text(rec, Field::TSuffix, msgs) {
        match parse_t_suffix(s) {
            Ok(m) => multiple |= m,
            Err(why) => msgs.push(Message::value(Code::ESuffix, Field::TSuffix, s, why)),
        }
    }
    if let Some(s) = text(rec, Field::MultipleTumors, msgs) {
        match parse_multiple(s) {
            Ok(m) => multiple |= m,
            Err(why) => msgs.push(Message::value(Code::EMultiple, Field::MultipleTumors, s, why)),
        }
    }
    // A row with several problems lists each (§7 item 13): the EOD items
    // are checked also when another field is in error.
    let eod_stage = if eod_present {
        eod_basis(eod, rec, schema, who, how.no_groups, msgs, trace)
    } else {
        None
    };
    if msgs.has_error() {
        return Status::Error;
    }
    out.t_suffix = multiple;

    let bases: [(Basis, Option<Tnm>); 3] = [
        (Basis::Path, path.present().then(|| path.filled())),
        (Basis::Clin, clin.present().then(|| clin.filled())),
        (Basis::Facts, facts),
    ];
    if how.no_groups {
        return no_stage_group(bases, eod_stage, out, trace, schema);
    }
    let lookup = |basis: Basis, tnm: Tnm| groups.stage(basis, tnm, opts.strict_ajcc && schema.chapter.is_net());
    // explain names the grade that picks the appendix's M1b cell (§1, §19 item 13).
    if let Groups::Organ(o) = &groups
        && let Some(grade) = o.appendix_grade()
        && (bases[0].1.is_some() || bases[1].1.is_some())
    {
        trace.step(format_args!(
            "Grade for SEER's appendix stage table (path and clin bases): {grade} (the higher of grade_path and \
             grade_clin among 1-3, else grade if 1-3, else 9); with M1b it picks the cell."
        ));
    }
    // The stage of each present category or facts basis.
    let [path_stage, clin_stage, facts_stage]: [Option<BasisStage>; 3] = bases.map(|(basis, tnm)| {
        tnm.map(|tnm| {
            let stage = lookup(basis, tnm);
            trace.step(format_args!(
                "{} basis: {} {} {} -> {} of {}: stage {} ({}).",
                basis.name(),
                tnm.0.name(),
                tnm.1.name(),
                tnm.2.name(),
                groups.source(basis),
                schema.name(),
                stage.code(),
                stage.display()
            ));
            BasisStage {
                basis,
                tnm: (tnm.0.name(), tnm.1.name(), tnm.2.name()),
                stage,
            }
        })
    });
    let eod_stage = eod_stage.map(|e| {
        out.eod_t = Some(e.tnm.0);
        out.eod_n = Some(e.tnm.1);
        out.eod_m = Some(e.tnm.2);
        out.ss2018 = Some(e.ss2018);
        BasisStage {
            basis: Basis::Eod,
            tnm: e.tnm,
            stage: e.stage,
        }
    });
    // In headline order: path, clin, eod, facts (io-contract §14.3).
    let staged: [Option<BasisStage>; 4] = [path_stage, clin_stage, eod_stage, facts_stage];
    let stage_of = |b: Option<BasisStage>| b.map(|b| b.stage);
    out.path_stage = stage_of(path_stage);
    out.clin_stage = stage_of(clin_stage);
    out.eod_stage = stage_of(eod_stage);
    out.facts_stage = stage_of(facts_stage);

    // Headline: the first basis whose stage is not 99, else the first present.
    let present = || staged.iter().flatten();
    let Some(&BasisStage {
        basis,
        tnm: (t, n, m),
        stage,
    }) = present().find(|b| !b.stage.is_unknown()).or_else(|| present().next())
    else {
        if !msgs.contains(Code::WFactsUnsupported) {
            msgs.push(Message::new(
                Code::WNoEvidence,
                "no T/N/M categories or findings to stage from",
            ));
        }
        trace.step(format_args!("No basis present: stage 99."));
        out.stage = Some(StageCode::UNKNOWN);
        return Status::UnknownStage;
    };
    out.basis = Some(basis);
    out.t = Some(t);
    out.n = Some(n);
    out.m = Some(m);
    out.stage = Some(stage);
    trace.step(format_args!(
        "Headline stage from the {} basis: {}.",
        basis.name(),
        stage.display()
    ));

    // W_BASIS_DISAGREE: two present bases with different real groups.
    let groups = || present().filter(|b| b.stage.is_group());
    let disagreement = groups().enumerate().find_map(|(i, a)| {
        groups()
            .skip(i + 1)
            .find(|b| b.stage != a.stage)
            .map(|b| (a.basis, a.stage, b.basis, b.stage))
    });
    if let Some((a, sa, b, sb)) = disagreement {
        msgs.push(
            Message::new(Code::WBasisDisagree, a.name())
                .text("stage")
                .quoted(sa.code())
                .text("differs from")
                .text(b.name())
                .text("stage")
                .quoted(sb.code()),
        );
    }
    if stage.is_unknown() {
        let missing = match (t, n) {
            ("TX", "NX") => "(T unknown, N not assessed)",
            ("T0", "NX") => "(no primary tumor found, N not assessed)",
            ("TX", _) => "(T unknown)",
            ("T0", _) => "(no primary tumor found)",
            (_, "NX") => "(N not assessed)",
            _ => "(a subcategory is needed)",
        };
        msgs.push(
            Message::new(Code::WStageUnknown, basis.name())
                .text(t)
                .text(n)
                .text(m)
                .text("has no stage group in")
                .text(schema.name())
                .text(missing),
        );
        return Status::UnknownStage;
    }
    Status::Staged
}

/// True when any facts field the chapter reads is non-blank (§10).
fn has_facts(rec: &Record<'_>, chapter: Chapter) -> bool {
    facts_fields(chapter).any(|f| !rec.is_blank(f))
}

/// The fields of the facts basis in a chapter.
fn facts_fields(chapter: Chapter) -> impl Iterator<Item = Field> {
    let base = [
        Field::SizeMm,
        Field::SizeCm,
        Field::Extent,
        Field::NodesPositive,
        Field::Metastasis,
    ];
    let mass = chapter
        .has_hook(Hook::MesentericMass)
        .then_some(Field::MesentericMassMm);
    base.into_iter().chain(mass)
}

/// Derives T, N and M from raw findings (staging-rules §13). `None` when no
/// facts field is present.
fn facts_basis<'a>(rec: &Record<'a>, schema: Schema, msgs: &mut Messages<'a>, trace: &mut impl Trace) -> Option<Tnm> {
    let chapter = schema.chapter;
    if !has_facts(rec, chapter) {
        return None;
    }
    // Size: size_mm (NAACCR codes only in the coded column), size_cm.
    let mm_text = text(rec, Field::SizeMm, msgs).unwrap_or("");
    let mm = parse_size_mm(mm_text, rec.size_coded).unwrap_or_else(|why| {
        msgs.push(Message::value(Code::ESize, Field::SizeMm, mm_text, why));
        None
    });
    let cm_text = text(rec, Field::SizeCm, msgs).unwrap_or("");
    let cm = parse_size_cm(cm_text).unwrap_or_else(|why| {
        msgs.push(Message::value(Code::ESize, Field::SizeCm, cm_text, why));
        None
    });
    let size = combine_sizes(mm, cm).unwrap_or_else(|_| {
        msgs.push(
            Message::value(Code::ESize, Field::SizeMm, mm_text, "disagrees with")
                .field(Field::SizeCm)
                .quoted(cm_text)
                .text("by more than 1 mm"),
        );
        None
    });

    // Extent: the deepest token counts.
    let extent_text = text(rec, Field::Extent, msgs).unwrap_or("");
    let mut level: Option<Level> = None;
    for token in tokens(extent_text) {
        match token_level(chapter, token) {
            Some(l) => level = level.max(Some(l)),
            None => msgs.push(
                Message::value(Code::EExtent, Field::Extent, token, "is not an extent token of").text(schema.name()),
            ),
        }
    }

    // Nodes and (jejunum/ileum) mesenteric mass.
    let nodes_text = text(rec, Field::NodesPositive, msgs).unwrap_or("");
    let nodes = parse_nodes(nodes_text).unwrap_or_else(|why| {
        msgs.push(Message::value(Code::ENodes, Field::NodesPositive, nodes_text, why));
        None
    });
    let mass = if chapter.has_hook(Hook::MesentericMass) {
        let mass_text = text(rec, Field::MesentericMassMm, msgs).unwrap_or("");
        parse_mass_mm(mass_text).unwrap_or_else(|why| {
            msgs.push(Message::value(Code::EMass, Field::MesentericMassMm, mass_text, why));
            None
        })
    } else {
        None
    };

    // Metastasis.
    let mets_text = text(rec, Field::Metastasis, msgs).unwrap_or("");
    let mets = match parse_metastasis(mets_text) {
        Ok(m) => m,
        Err(e) => {
            msgs.push(Message::value(Code::EMetastasis, Field::Metastasis, e.token, e.reason));
            Some(MetastasisReading {
                m: "M0",
                unknown: false,
            })
        }
    };
    let m = match mets {
        None => {
            msgs.push(Message::about(
                Code::WMetastasisAssumed,
                Field::Metastasis,
                "is blank: M0 assumed",
            ));
            "M0"
        }
        Some(r) => {
            if r.unknown {
                msgs.push(Message::value(
                    Code::WMetastasisUnknown,
                    Field::Metastasis,
                    mets_text,
                    "is coded M0 (registry convention)",
                ));
            }
            r.m
        }
    };

    let t = facts_t(chapter, level, size.map(|s| s.size));
    if extent_text.is_empty() && size.is_some_and(|s| s.numeric) {
        msgs.push(Message::about(
            Code::WExtentAssumed,
            Field::Extent,
            "is blank: T from size alone",
        ));
    }
    let (n, count_unknown) = facts_n(chapter, nodes, mass);
    if count_unknown {
        msgs.push(Message::value(
            Code::WNodeCountUnknown,
            Field::NodesPositive,
            nodes_text,
            "is positive with the count unknown: N1",
        ));
    }
    if trace.enabled() {
        trace_facts(
            trace,
            schema,
            size.map(|s| s.size),
            level,
            extent_text,
            (nodes_text, mass, mets_text),
            (t, n, m),
        );
    }
    let c = |p, name| Category::from_name(p, name).expect("facts produce known categories");
    Some((c(Part::T, t), c(Part::N, n), c(Part::M, m)))
}

/// Explains the facts basis rule by rule (for `netstage explain`).
fn trace_facts(
    trace: &mut impl Trace,
    schema: Schema,
    size: Option<Size>,
    level: Option<Level>,
    extent: &str,
    (nodes, mass, mets): (&str, Option<u32>, &str),
    (t, n, m): (&str, &str, &str),
) {
    let size_text = match size {
        Some(Size::Mm(v)) => format!("{v} mm"),
        Some(Size::NoMass) => "0 (no mass found)".into(),
        Some(Size::Microscopic) => "990 (microscopic focus, the smallest size category)".into(),
        Some(Size::Descriptive) => "998 (site-specific descriptive code)".into(),
        Some(Size::Unknown) => "999 (unknown)".into(),
        None => "blank".into(),
    };
    let why_t = match (size, level) {
        (Some(Size::Descriptive), _) => "size code 998 gives TX in a NET chapter".to_string(),
        (_, None) if extent.is_empty() => format!("extent blank: T from size alone ({size_text})"),
        (_, Some(Level::Size) | None) => format!("extent '{extent}' is level 1, so size decides ({size_text})"),
        (_, Some(l)) => format!(
            "deepest extent token in '{extent}' gives {} whatever the size; size {size_text} can only raise it",
            match l {
                Level::T2 => "T2",
                Level::T3 => "T3",
                _ => "T4",
            }
        ),
    };
    trace.step(format_args!("Facts T ({}): {why_t} -> {t}.", schema.name()));
    let why_n = match (nodes, mass) {
        (_, Some(v)) if v > 20 && schema.chapter.has_hook(Hook::MesentericMass) => {
            format!("mesenteric mass {v} mm is over 20 mm")
        }
        ("", _) => "nodes_positive blank: nodes not assessed".to_string(),
        (v, _) => format!("nodes_positive '{v}'"),
    };
    trace.step(format_args!("Facts N: {why_n} -> {n}."));
    let why_m = if mets.is_empty() {
        "metastasis blank: M0 assumed".to_string()
    } else {
        format!("metastasis '{mets}'")
    };
    trace.step(format_args!(
        "Facts M: {why_m} -> {m} (liver only M1a, extrahepatic only M1b, both M1c)."
    ));
}

/// Normalises the recorded stage and compares it with the headline (§13).
fn recorded_stage<'a>(rec: &Record<'a>, out: &mut Outcome<'a>, msgs: &mut Messages<'a>, trace: &mut impl Trace) {
    if rec.is_not_utf8(Field::RecordedStage) {
        return;
    }
    let value = rec.get(Field::RecordedStage);
    match StageCode::parse_recorded(value) {
        Ok(r) => out.recorded_stage = r,
        Err(_) => {
            // Only compared (so only validated) on rows with a headline stage.
            if matches!(out.status, Status::Staged | Status::UnknownStage) {
                msgs.push(Message::value(
                    Code::WRecordedStage,
                    Field::RecordedStage,
                    value,
                    "is not a readable stage group",
                ));
            }
            return;
        }
    }
    if let (Some(r), Some(s)) = (out.recorded_stage, out.stage)
        && r.is_group()
        && s.is_group()
    {
        out.recorded_agrees = Some(r == s);
        trace.step(format_args!(
            "Recorded stage {} {} the computed stage.",
            r.display(),
            if r == s { "agrees with" } else { "differs from" }
        ));
    }
}
