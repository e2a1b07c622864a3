//! The engine's output for one record (io-contract §3, with the per-status
//! column values of §8).

use crate::histology::Differentiation;
use crate::message::Messages;
use crate::schema::Schema;
use crate::site::SiteGroup;
use crate::stage::StageCode;

/// Row status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// A stage group other than `99`/`88` was assigned.
    Staged,
    /// A staged chapter applies but the evidence gives `99`.
    UnknownStage,
    /// A GI organ-general chapter applies; netstage does not compute it.
    NeedsGeneralStaging,
    /// Not a tumor netstage stages (stage `88`).
    NotApplicable,
    /// The row could not be read or a value is invalid.
    Error,
}

impl Status {
    /// Every status, in output order.
    pub const ALL: [Status; 5] = [
        Status::Staged,
        Status::UnknownStage,
        Status::NeedsGeneralStaging,
        Status::NotApplicable,
        Status::Error,
    ];

    /// Name as written in the output.
    pub fn name(self) -> &'static str {
        match self {
            Status::Staged => "staged",
            Status::UnknownStage => "unknown_stage",
            Status::NeedsGeneralStaging => "needs_general_staging",
            Status::NotApplicable => "not_applicable",
            Status::Error => "error",
        }
    }
}

/// A staging basis: which evidence a stage came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Basis {
    /// Pathological categories.
    Path,
    /// Clinical categories.
    Clin,
    /// The registry's Extent of Disease codes, through SEER's algorithm.
    Eod,
    /// Raw findings.
    Facts,
}

impl Basis {
    /// Name as written in the output.
    pub fn name(self) -> &'static str {
        match self {
            Basis::Path => "path",
            Basis::Clin => "clin",
            Basis::Eod => "eod",
            Basis::Facts => "facts",
        }
    }
}

/// The result of staging one record. Every field maps to one output column;
/// `None` is a blank cell.
#[derive(Clone, Debug)]
pub struct Outcome<'a> {
    /// Row status.
    pub status: Status,
    /// Site group (every row with a valid site).
    pub site_group: Option<SiteGroup>,
    /// Differentiation (every row with a valid histology).
    pub differentiation: Option<Differentiation>,
    /// Diagnosis year, when the row's year was read and known (for counts
    /// by year; not an output column).
    pub year: Option<u16>,
    /// Chapter and edition, when routed.
    pub schema: Option<Schema>,
    /// True when the tumor belongs to an organ-general chapter.
    pub organ_general: Option<bool>,
    /// T used (`T2`, `88`).
    pub t: Option<&'static str>,
    /// N used.
    pub n: Option<&'static str>,
    /// M used.
    pub m: Option<&'static str>,
    /// True when the T suffix is `(m)`.
    pub t_suffix: bool,
    /// Headline stage.
    pub stage: Option<StageCode>,
    /// Basis of the headline stage.
    pub basis: Option<Basis>,
    /// Stage from the clinical basis, when present.
    pub clin_stage: Option<StageCode>,
    /// Stage from the pathological basis, when present.
    pub path_stage: Option<StageCode>,
    /// Stage from the facts basis, when present.
    pub facts_stage: Option<StageCode>,
    /// Derived EOD 2018 stage group (item 818), when the EOD basis is present.
    pub eod_stage: Option<StageCode>,
    /// Derived EOD 2018 T (item 785).
    pub eod_t: Option<&'static str>,
    /// Derived EOD 2018 N (item 815).
    pub eod_n: Option<&'static str>,
    /// Derived EOD 2018 M (item 795).
    pub eod_m: Option<&'static str>,
    /// Derived Summary Stage 2018 (item 762).
    pub ss2018: Option<&'static str>,
    /// Recorded stage, normalised.
    pub recorded_stage: Option<StageCode>,
    /// Whether the recorded stage equals the headline stage.
    pub recorded_agrees: Option<bool>,
    /// Warnings, errors and not-applicable reasons, in the order found.
    pub messages: Messages<'a>,
    /// True for the rows of `flagged.csv`: the `staged`, `unknown_stage` and
    /// `needs_general_staging` rows of organ-general and lung chapters
    /// (io-contract §19 item 17).
    pub flagged: bool,
}

impl<'a> Outcome<'a> {
    /// A blank outcome with the given status.
    pub fn blank(status: Status) -> Outcome<'a> {
        Outcome {
            status,
            site_group: None,
            differentiation: None,
            year: None,
            schema: None,
            organ_general: None,
            t: None,
            n: None,
            m: None,
            t_suffix: false,
            stage: None,
            basis: None,
            clin_stage: None,
            path_stage: None,
            facts_stage: None,
            eod_stage: None,
            eod_t: None,
            eod_n: None,
            eod_m: None,
            ss2018: None,
            recorded_stage: None,
            recorded_agrees: None,
            messages: Messages::default(),
            flagged: false,
        }
    }

    /// An `error` row for a record that could not be read at all (wrong
    /// field count): only the message is set.
    pub fn unreadable(messages: Messages<'a>) -> Outcome<'a> {
        Outcome {
            messages,
            ..Outcome::blank(Status::Error)
        }
    }
}
