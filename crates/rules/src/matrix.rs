//! Stage-group matrices of the NET chapters (staging-rules §6) and lung (§7),
//! both editions, loaded from `tables/stage-matrices.csv` (the spec's
//! machine-readable matrix file, one line per T x N x M cell).

use std::fmt;

use crate::category::{Category, M_NAMES, N_NAMES, Part, T_NAMES};
use crate::schema::{Chapter, Edition, Schema};
use crate::stage::StageCode;

/// The matrix file, embedded at build time.
pub const STAGE_MATRICES_CSV: &str = include_str!("../tables/stage-matrices.csv");

const NT: usize = T_NAMES.len();
const NN: usize = N_NAMES.len();
const NM: usize = M_NAMES.len();

/// One cell: the registry stage and the `--strict-ajcc` stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Registry (SEER EOD) stage.
    pub registry: StageCode,
    /// Stage under a strict AJCC reading.
    pub strict: StageCode,
}

/// The matrix of one schema: a dense T x N x M table.
#[derive(Clone)]
pub struct Matrix {
    schema: Schema,
    cells: Box<[Option<Cell>]>,
    has_t: u64,
    has_n: u64,
    has_m: u64,
}

impl Matrix {
    fn new(schema: Schema) -> Matrix {
        Matrix {
            schema,
            cells: vec![None; NT * NN * NM].into_boxed_slice(),
            has_t: 0,
            has_n: 0,
            has_m: 0,
        }
    }

    /// The schema this matrix stages.
    pub fn schema(&self) -> Schema {
        self.schema
    }

    /// True when the chapter and edition define this category.
    pub fn defines(&self, c: Category) -> bool {
        let bits = match c.part {
            Part::T => self.has_t,
            Part::N => self.has_n,
            Part::M => self.has_m,
        };
        bits & (1 << c.index) != 0
    }

    /// The cell for (T, N, M), if the chapter defines all three.
    pub fn cell(&self, t: Category, n: Category, m: Category) -> Option<Cell> {
        self.cells[index(t, n, m)]
    }

    /// Every defined cell, as (T, N, M, cell).
    pub fn cells(&self) -> impl Iterator<Item = (Category, Category, Category, Cell)> + '_ {
        (0..NT).flat_map(move |t| {
            (0..NN).flat_map(move |n| {
                (0..NM).filter_map(move |m| {
                    let (t, n, m) = (cat(Part::T, t), cat(Part::N, n), cat(Part::M, m));
                    self.cell(t, n, m).map(|c| (t, n, m, c))
                })
            })
        })
    }
}

fn cat(part: Part, i: usize) -> Category {
    Category { part, index: i as u8 }
}

fn index(t: Category, n: Category, m: Category) -> usize {
    (t.index as usize * NN + n.index as usize) * NM + m.index as usize
}

/// An error in the matrix file, naming its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub what: String,
}

impl fmt::Display for MatrixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stage-matrices.csv line {}: {}", self.line, self.what)
    }
}

impl std::error::Error for MatrixError {}

/// All matrices, indexed by schema.
#[derive(Clone)]
pub struct Matrices {
    tables: Vec<Matrix>,
}

impl Matrices {
    /// Parses the matrix file: header `schema,edition,t,n,m,stage,stage_strict_ajcc`,
    /// then one cell per line. Unknown schemas, categories or stage codes,
    /// an edition that does not match the schema, and duplicate cells are errors.
    pub fn parse(text: &str) -> Result<Matrices, MatrixError> {
        let mut tables: Vec<Matrix> = Vec::new();
        let mut lines = text.lines().enumerate();
        let header = lines.next().map(|(_, l)| l.trim_end());
        if header != Some("schema,edition,t,n,m,stage,stage_strict_ajcc") {
            return Err(MatrixError {
                line: 1,
                what: "unexpected header".into(),
            });
        }
        for (i, line) in lines {
            let line_no = i + 1;
            let err = |what: String| MatrixError { line: line_no, what };
            let line = line.trim_end();
            if line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            if f.len() != 7 {
                return Err(err(format!("{} fields, expected 7", f.len())));
            }
            let schema = Schema::from_name(f[0]).ok_or_else(|| err(format!("unknown schema {:?}", f[0])))?;
            if schema.edition.code() != f[1] {
                return Err(err(format!("edition {:?} does not match schema {}", f[1], f[0])));
            }
            if !schema.chapter.is_staged_by_netstage() {
                return Err(err(format!("schema {} has no matrix in netstage", f[0])));
            }
            let t = Category::from_name(Part::T, f[2]).ok_or_else(|| err(format!("unknown T {:?}", f[2])))?;
            let n = Category::from_name(Part::N, f[3]).ok_or_else(|| err(format!("unknown N {:?}", f[3])))?;
            let m = Category::from_name(Part::M, f[4]).ok_or_else(|| err(format!("unknown M {:?}", f[4])))?;
            let registry = StageCode::from_code(f[5]).ok_or_else(|| err(format!("unknown stage {:?}", f[5])))?;
            let strict = StageCode::from_code(f[6]).ok_or_else(|| err(format!("unknown stage {:?}", f[6])))?;
            let pos = match tables.iter().position(|m| m.schema == schema) {
                Some(p) => p,
                None => {
                    tables.push(Matrix::new(schema));
                    tables.len() - 1
                }
            };
            let table = &mut tables[pos];
            let slot = &mut table.cells[index(t, n, m)];
            if slot.is_some() {
                return Err(err(format!("duplicate cell {} {} {}", f[2], f[3], f[4])));
            }
            *slot = Some(Cell { registry, strict });
            table.has_t |= 1 << t.index;
            table.has_n |= 1 << n.index;
            table.has_m |= 1 << m.index;
        }
        // Every schema with a matrix must be complete: T x N x M over its categories.
        // The chapters netstage stages (NET and lung) have a matrix each.
        for chapter in Chapter::all().filter(|c| c.uses_matrix()) {
            for edition in [Edition::Eighth, Edition::V9] {
                let schema = Schema::new(chapter, edition);
                let table = tables.iter().find(|m| m.schema == schema).ok_or_else(|| MatrixError {
                    line: 0,
                    what: format!("no cells for {}", schema.name()),
                })?;
                let count = table.cells.iter().flatten().count();
                let want = (table.has_t.count_ones() * table.has_n.count_ones() * table.has_m.count_ones()) as usize;
                if count != want {
                    return Err(MatrixError {
                        line: 0,
                        what: format!("{} has {count} cells, expected {want} (T x N x M)", schema.name()),
                    });
                }
            }
        }
        Ok(Matrices { tables })
    }

    /// The matrix of a schema, if it has one.
    pub fn get(&self, schema: Schema) -> Option<&Matrix> {
        self.tables.iter().find(|m| m.schema == schema)
    }

    /// Every matrix.
    pub fn iter(&self) -> impl Iterator<Item = &Matrix> {
        self.tables.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrices() -> Matrices {
        Matrices::parse(STAGE_MATRICES_CSV).expect("embedded matrices parse")
    }

    #[test]
    fn embedded_file_has_every_schema_complete() {
        let all = matrices();
        assert_eq!(all.iter().count(), 16);
        let total: usize = all.iter().map(|m| m.cells().count()).sum();
        assert_eq!(total, 2342);
    }

    #[test]
    fn chapter_category_sets() {
        let all = matrices();
        let stomach = all
            .get(Schema::new(Chapter::from_key("net_stomach").unwrap(), Edition::Eighth))
            .unwrap();
        let t = |s| Category::from_name(Part::T, s).unwrap();
        let n = |s| Category::from_name(Part::N, s).unwrap();
        let m = |s| Category::from_name(Part::M, s).unwrap();
        assert!(stomach.defines(t("T0")));
        assert!(!stomach.defines(t("Tis")));
        assert!(!stomach.defines(t("T1a")));
        assert!(!stomach.defines(n("N2")));
        assert!(stomach.defines(m("M1c")));
        let cr = all
            .get(Schema::new(Chapter::from_key("net_colon_rectum").unwrap(), Edition::V9))
            .unwrap();
        assert!(cr.defines(t("T1b")));
        let lung8 = all
            .get(Schema::new(Chapter::from_key("lung").unwrap(), Edition::Eighth))
            .unwrap();
        assert!(!lung8.defines(n("N2a")));
        assert!(!lung8.defines(m("M1c1")));
        let lung9 = all
            .get(Schema::new(Chapter::from_key("lung").unwrap(), Edition::V9))
            .unwrap();
        assert!(lung9.defines(n("N2b")));
        assert!(lung9.defines(m("M1c2")));
        assert!(lung9.defines(t("T1mi")));
    }

    #[test]
    fn malformed_files_name_the_line() {
        let head = "schema,edition,t,n,m,stage,stage_strict_ajcc\n";
        let e = Matrices::parse(&format!("{head}net_stomach,08,T9,N0,M0,1,1\n"))
            .err()
            .unwrap();
        assert_eq!(e.line, 2);
        assert!(e.what.contains("unknown T"));
        let e = Matrices::parse(&format!("{head}net_stomach,09,T1,N0,M0,1,1\n"))
            .err()
            .unwrap();
        assert!(e.what.contains("edition"));
        let e = Matrices::parse(&format!(
            "{head}net_stomach,08,T1,N0,M0,1,1\nnet_stomach,08,T1,N0,M0,1,1\n"
        ))
        .err()
        .unwrap();
        assert_eq!(e.line, 3);
        assert!(Matrices::parse("bad header\n").is_err());
        let e = Matrices::parse(&format!("{head}net_stomach,08,T1,N0,M0,1,1\n"))
            .err()
            .unwrap();
        assert!(e.what.contains("no cells for net_stomach_v9"), "{e}");
    }
}
