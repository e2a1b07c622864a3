//! Pure AJCC staging rules for neuroendocrine tumors (NETs) in registry records.
//!
//! Given one tumor record as text fields ([`Record`]), [`RuleSet::stage`]
//! routes it to its AJCC chapter and edition, derives T, N and M from the
//! coded categories (clinical, pathological) and from raw findings (the facts
//! basis), and looks the stage group up in the chapter's matrix. It does no
//! I/O and spawns no threads; one [`RuleSet`] is shared by every worker.
//!
//! ```
//! use netstage_rules::{Field, Options, Record, RuleSet, Status};
//!
//! let mut rec = Record::new();
//! rec.set(Field::PrimarySite, "C25.1")
//!     .set(Field::Histology, "8150/3")
//!     .set(Field::Year, "2019")
//!     .set(Field::SizeMm, "20")
//!     .set(Field::Extent, "confined")
//!     .set(Field::NodesPositive, "0")
//!     .set(Field::Metastasis, "none");
//! let out = RuleSet::standard().stage(&rec, &Options::default());
//! assert_eq!(out.status, Status::Staged);
//! assert_eq!(out.schema.unwrap().name(), "net_pancreas");
//! assert_eq!((out.t, out.n, out.m), (Some("T2"), Some("N0"), Some("M0")));
//! assert_eq!(out.stage.unwrap().display(), "II");
//! ```
#![deny(missing_docs)]

pub mod category;
pub mod chapters;
pub mod declare;
mod digits;
pub mod engine;
pub mod eod;
pub mod eod_basis;
pub mod extent;
pub mod facts;
pub mod histology;
pub mod matrix;
pub mod message;
pub mod organ;
pub mod outcome;
pub mod record;
pub mod routing;
pub mod schema;
pub mod site;
pub mod stage;
pub mod table;
pub mod year;

pub use engine::{Options, RuleSet, Trace};
pub use histology::Differentiation;
pub use message::{Code, CodeSet, Message, Messages};
pub use outcome::{Basis, Outcome, Status};
pub use record::{Field, FieldSet, Record};
pub use routing::EditionChoice;
pub use schema::{Chapter, Edition, Schema};
pub use site::SiteGroup;
pub use stage::StageCode;
