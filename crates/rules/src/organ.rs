//! The organ-general chapters netstage stages (io-contract §15): their
//! categories come from `tables/categories.tsv`, their stage groups from
//! SEER's own stage table of the chapter (run through the decision-table
//! engine), and the stomach's clinical basis from the AJCC clinical table in
//! `tables/stomach_clinical.tables`. The two chapter rules a table cannot say
//! are hooks: the stomach's clinical table and the appendix grade.

use std::sync::OnceLock;

use crate::category::Category;
use crate::chapters::{Chapter, Hook};
use crate::eod::{EodAlgorithm, EodItem};
use crate::eod_basis::{Identity, with_scratch};
use crate::outcome::Basis;
use crate::record::{Field, Record};
use crate::schema::Schema;
use crate::stage::StageCode;
use crate::table::{Algorithm, Endpoint, SchemaId, Val, text};

const STOMACH_CLINICAL: &str = include_str!("../tables/stomach_clinical.tables");

/// Stage groups of one organ-general row.
pub struct OrganStager {
    chapter: Chapter,
    eod: &'static EodAlgorithm,
    seer: SchemaId,
    site: [u8; 4],
    hist: [u8; 4],
    behavior: [u8; 1],
    /// Grade for the appendix M1b rule of the path and clin bases.
    grade: [u8; 1],
}

fn digits<const N: usize>(mut v: u16) -> [u8; N] {
    let mut out = [b'0'; N];
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out
}

/// The grade of the path and clin bases for the appendix (io-contract §19
/// item 13): the higher of `grade_path` and `grade_clin` among 1-3, else
/// `grade` if 1-3, else unknown (`9`).
pub fn appendix_grade(rec: &Record<'_>) -> u8 {
    let g = |f: Field| match rec.get(f).trim() {
        "1" => Some(b'1'),
        "2" => Some(b'2'),
        "3" => Some(b'3'),
        _ => None,
    };
    g(Field::GradePath)
        .max(g(Field::GradeClin))
        .or_else(|| g(Field::Grade))
        .unwrap_or(b'9')
}

impl OrganStager {
    /// The stager of a routed organ-general row (`None` when the chapter has
    /// no SEER schema or no category list).
    pub fn new(eod: &'static EodAlgorithm, schema: Schema, who: &Identity, rec: &Record<'_>) -> Option<OrganStager> {
        let seer = eod.schema_of(schema)?;
        schema
            .chapter
            .defines(Category::from_name(crate::category::Part::T, "TX")?)?;
        let mut site = [b'C'; 4];
        site[1..].copy_from_slice(&digits::<3>(who.site));
        Some(OrganStager {
            chapter: schema.chapter,
            eod,
            seer,
            site,
            hist: digits::<4>(who.histology),
            behavior: [b'0' + who.behavior],
            grade: [if schema.chapter.has_hook(Hook::AppendixGrade) {
                appendix_grade(rec)
            } else {
                b'9'
            }],
        })
    }

    /// The grade the path and clin bases pass to SEER's stage table: the
    /// appendix's (io-contract §19 item 13), `None` for other chapters.
    pub fn appendix_grade(&self) -> Option<&str> {
        self.chapter
            .has_hook(Hook::AppendixGrade)
            .then(|| std::str::from_utf8(&self.grade).unwrap_or("9"))
    }

    /// Whether the chapter has the category.
    pub fn defines(&self, c: Category) -> bool {
        self.chapter.defines(c).unwrap_or(false)
    }

    /// True when the basis is grouped with the chapter's clinical table.
    pub fn clinical_table(&self, basis: Basis) -> bool {
        basis == Basis::Clin && self.chapter.has_hook(Hook::ClinicalStageTable)
    }

    /// The stage group of a basis's T, N and M: SEER's stage table, or the
    /// stomach's clinical table for its clin basis.
    pub fn stage(&self, basis: Basis, (t, n, m): (&str, &str, &str)) -> StageCode {
        let code = if self.clinical_table(basis) {
            stomach_clinical(t, n, m)
        } else {
            self.seer_stage((t, n, m), std::str::from_utf8(&self.grade).unwrap_or("9"))
        };
        code.and_then(StageCode::from_code).unwrap_or(StageCode::UNKNOWN)
    }

    /// SEER's stage table for T, N, M and a grade.
    pub fn seer_stage(&self, tnm: (&str, &str, &str), grade: &str) -> Option<&'static str> {
        fn text(b: &[u8]) -> &str {
            std::str::from_utf8(b).unwrap_or("")
        }
        let identity = [
            (EodItem::Site, text(&self.site)),
            (EodItem::Hist, text(&self.hist)),
            (EodItem::Behavior, text(&self.behavior)),
        ];
        let eod = self.eod;
        with_scratch(|sc| eod.stage_of_categories(self.seer, identity, tnm, grade, sc))
    }
}

/// The AJCC clinical stage group of stomach carcinoma (`None`: no row).
fn stomach_clinical(t: &str, n: &str, m: &str) -> Option<&'static str> {
    static TABLE: OnceLock<Algorithm> = OnceLock::new();
    let alg = TABLE.get_or_init(|| {
        let data = text::read(STOMACH_CLINICAL).expect("stomach_clinical.tables reads (tested)");
        Algorithm::compile(&data).expect("stomach_clinical.tables compiles (tested)")
    });
    let table = alg.table(alg.table_id("stomach_clinical_stage")?);
    let keys = [alg.key("t")?, alg.key("n")?, alg.key("m")?];
    let values = [t.as_bytes(), n.as_bytes(), m.as_bytes()];
    let row = table.find_row(&|k| keys.iter().position(|x| *x == k).map(|i| values[i]))?;
    match table.rows[row].endpoints.first()? {
        Endpoint::Value(_, Val::Const(c)) => Some(alg.constant_str(*c)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// staging-rules §8.1's clinical table with io-contract §19 item 14,
    /// written out from the Markdown table (not from the `.tables` file).
    fn spec_clinical(t: &str, n: &str, m: &str) -> &'static str {
        let t = match t {
            "T1a" | "T1b" => "T1",
            t => t,
        };
        let n = match n {
            "N3a" | "N3b" => "N3",
            n => n,
        };
        if t == "Tis" {
            return if n == "N0" && m == "M0" { "0" } else { "99" };
        }
        if m == "M1" {
            return "4B";
        }
        let n_pos = matches!(n, "N1" | "N2" | "N3");
        match t {
            "T4b" => "4A",
            "T1" | "T2" if n == "N0" => "1",
            "T1" | "T2" if n_pos => "2A",
            "T3" | "T4a" if n == "N0" => "2B",
            "T3" | "T4a" if n_pos => "3",
            _ => "99",
        }
    }

    #[test]
    fn stomach_clinical_table_follows_the_spec_in_every_cell() {
        let ts = ["TX", "T0", "Tis", "T1", "T1a", "T1b", "T2", "T3", "T4", "T4a", "T4b"];
        let ns = ["NX", "N0", "N1", "N2", "N3", "N3a", "N3b"];
        let mut cells = 0;
        for t in ts {
            for n in ns {
                for m in ["M0", "M1"] {
                    assert_eq!(stomach_clinical(t, n, m), Some(spec_clinical(t, n, m)), "{t} {n} {m}");
                    cells += 1;
                }
            }
        }
        assert_eq!(cells, 154);
        // Hand-read spot checks of the encoding itself.
        assert_eq!(spec_clinical("T1", "N1", "M0"), "2A");
        assert_eq!(spec_clinical("T4", "N0", "M0"), "99");
        assert_eq!(spec_clinical("T4b", "NX", "M0"), "4A");
        assert_eq!(spec_clinical("T2", "NX", "M0"), "99");
        assert_eq!(spec_clinical("Tis", "N0", "M1"), "99");
        assert_eq!(spec_clinical("TX", "NX", "M1"), "4B");
    }
}
