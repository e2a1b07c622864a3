//! Header resolution: input column names -> contract fields, resolved once
//! per file (io-contract §2 and §12).

use std::collections::BTreeMap;

use netstage_rules::Field;
use netstage_rules::message::write_quoted;

use crate::error::RunError;

/// What one alias means: the field, its priority among the columns that may
/// fill that field (0 first), and whether it is the NAACCR coded size column.
#[derive(Clone, Copy, Debug)]
struct Alias {
    field: Field,
    priority: u8,
    coded_size: bool,
}

const fn a(field: Field, priority: u8) -> Alias {
    Alias {
        field,
        priority,
        coded_size: false,
    }
}

/// Accepted names, normalised (lower-case, no spaces, `_`, `-`, `.`), with
/// NAACCR item numbers. Items sharing a field with different priorities are
/// the multi-item fields of io-contract §12 (first non-blank wins); two
/// columns with the same field and priority are ambiguous.
#[rustfmt::skip]
const ALIASES: &[(&[&str], &[u16], Alias)] = &[
    // names                                                                    items   field, priority
    (&["patientidnumber", "recordid", "id", "caseid", "tumorid", "patientid"],     &[20],   a(Field::RecordId, 0)),
    (&["tumorrecordnumber", "tumorrecord"],                                         &[60],   a(Field::TumorRecord, 0)),
    (&["sequencenumbercentral"],                                                    &[380],  a(Field::TumorRecord, 1)),
    (&["primarysite", "site", "topography"],                                        &[400],  a(Field::PrimarySite, 0)),
    (&["histologictypeicdo3", "histology", "hist"],                                 &[522],  a(Field::Histology, 0)),
    // SEER*Stat labeled twin of `Histologic Type ICD-O-3`.
    (&[HISTOLOGY_LABELED],                                                          &[],     a(Field::Histology, 1)),
    (&["behaviorcodeicdo3", "behavior", "behaviour"],                               &[523],  a(Field::Behavior, 0)),
    (&["dateofdiagnosis", "year", "dxyear", "yearofdiagnosis"],                     &[390],  a(Field::Year, 0)),
    (&["grade"],                                                                    &[],     a(Field::Grade, 0)),
    (&["gradepathological", "gradepath"],                                           &[3844], a(Field::GradePath, 0)),
    (&["gradeclinical", "gradeclin"],                                               &[3843], a(Field::GradeClin, 0)),
    (&["ajcctnmclint", "ct", "clint", "clinicalt"],                                 &[1001], a(Field::ClinT, 0)),
    (&["ajcctnmclinn", "cn", "clinn", "clinicaln"],                                 &[1002], a(Field::ClinN, 0)),
    (&["ajcctnmclinm", "cm", "clinm", "clinicalm"],                                 &[1003], a(Field::ClinM, 0)),
    (&["ajcctnmpatht", "pt", "patht", "pathologicalt"],                             &[1011], a(Field::PathT, 0)),
    (&["ajcctnmpathn", "pn", "pathn", "pathologicaln"],                             &[1012], a(Field::PathN, 0)),
    (&["ajcctnmpathm", "pm", "pathm", "pathologicalm"],                             &[1013], a(Field::PathM, 0)),
    // Generic T/N/M; SEER*Stat's Derived EOD 2018 T/N/M carry no prefix (clinical basis).
    (&["t", "tnmt", "derivedeod2018t"],                                             &[785],  a(Field::T, 0)),
    (&["n", "tnmn", "derivedeod2018n"],                                             &[815],  a(Field::N, 0)),
    (&["m", "tnmm", "derivedeod2018m"],                                             &[795],  a(Field::M, 0)),
    (&["ajcctnmpathtsuffix", "tsuffix"],                                            &[1032], a(Field::TSuffix, 0)),
    (&["ajcctnmclintsuffix"],                                                       &[1031], a(Field::TSuffix, 1)),
    (&["ajcctnmpathstagegroup", "stagegroup", "stage", "recordedstage"],            &[1014], a(Field::RecordedStage, 0)),
    (&["ajcctnmclinstagegroup"],                                                    &[1004], a(Field::RecordedStage, 1)),
    (&["derivedeod2018stagegroup"],                                                 &[818],  a(Field::RecordedStage, 2)),
    (&["tumorsizesummary"],                                                         &[756],  Alias { field: Field::SizeMm, priority: 0, coded_size: true }),
    // A size in mm that is not item 756: after it (io-contract §12, §19 item 2).
    (&["tumorsizemm", "sizemm"],                                                    &[],     a(Field::SizeMm, 1)),
    (&["tumorsizecm", "sizecm"],                                                    &[],     a(Field::SizeCm, 0)),
    (&["extent", "invasion", "extension"],                                          &[],     a(Field::Extent, 0)),
    (&["regionalnodespositive", "nodespositive", "positivenodes"],                  &[820],  a(Field::NodesPositive, 0)),
    (&["mesentericmassmm"],                                                         &[],     a(Field::MesentericMassMm, 0)),
    (&["metastasis", "mets", "distantmetastasis"],                                  &[],     a(Field::Metastasis, 0)),
    (&["multipletumors", "tumorcount"],                                             &[],     a(Field::MultipleTumors, 0)),
    // EOD 2018 (io-contract §14.1).
    (&["eodprimarytumor"],                                                          &[772],  a(Field::EodPrimaryTumor, 0)),
    (&["eodregionalnodes"],                                                         &[774],  a(Field::EodRegionalNodes, 0)),
    (&["eodmets"],                                                                  &[776],  a(Field::EodMets, 0)),
    (&["schemadiscriminator1"],                                                     &[3926], a(Field::SchemaDiscriminator1, 0)),
];

/// Strips a SEER*Stat year range (` (2018+)`, ` (1988-2017)`) and the
/// ` - labeled` suffix. Returns the rest and whether it was labeled.
fn strip_seerstat(header: &str) -> (&str, bool) {
    let mut h = header.trim();
    let mut labeled = false;
    loop {
        let lower_ends = |s: &str, suffix: &str| {
            s.len() >= suffix.len() && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
        };
        if lower_ends(h, "- labeled") {
            h = h[..h.len() - "- labeled".len()].trim_end();
            labeled = true;
            continue;
        }
        if h.ends_with(')')
            && let Some(open) = h.rfind('(')
        {
            let inner = &h[open + 1..h.len() - 1];
            let is_range = inner.len() >= 5
                && inner.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && inner[4..].bytes().all(|b| b.is_ascii_digit() || b == b'+' || b == b'-');
            if is_range {
                h = h[..open].trim_end();
                continue;
            }
        }
        return (h, labeled);
    }
}

/// Normalises a header: lower-case, without spaces, `_`, `-`, `.`.
pub fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A NAACCR item number written as a header: `400`, `n400`, `item400`,
/// `naaccr400` (after normalising), or any name ending in `_N400`.
fn item_number(raw: &str, norm: &str) -> Option<u16> {
    let digits_of = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    for prefix in ["", "n", "item", "naaccr"] {
        if let Some(rest) = norm.strip_prefix(prefix)
            && let Some(v) = digits_of(rest)
        {
            return Some(v);
        }
    }
    let upper = raw.trim().to_ascii_uppercase();
    let i = upper.rfind("_N")?;
    digits_of(&upper[i + 2..])
}

/// The normalised name of `Histologic Type ICD-O-3`, the coded column whose
/// SEER*Stat labeled twin is `ICD-O-3 Hist/behav`.
const HISTOLOGY_CODED: &str = "histologictypeicdo3";

/// The normalised name of `ICD-O-3 Hist/behav`.
const HISTOLOGY_LABELED: &str = "icdo3hist/behav";

/// Resolves one header to an alias, with its normalised name and, for a
/// SEER*Stat labeled twin, the normalised name of the coded column it
/// gives way to (io-contract §12).
fn resolve_twin(header: &str) -> Option<(Alias, String, Option<String>)> {
    let (stripped, labeled) = strip_seerstat(header);
    let norm = normalise(stripped);
    let partner = if labeled {
        Some(norm.clone())
    } else {
        (norm == HISTOLOGY_LABELED).then(|| HISTOLOGY_CODED.to_string())
    };
    let alias = resolve_stripped(stripped, &norm, labeled)?;
    Some((alias, norm, partner))
}

/// The alias of a header already stripped of SEER*Stat suffixes and normalised.
fn resolve_stripped(stripped: &str, norm: &str, labeled: bool) -> Option<Alias> {
    let alias = ALIASES
        .iter()
        .find(|(names, _, _)| names.contains(&norm))
        .or_else(|| {
            let item = item_number(stripped, norm)?;
            ALIASES.iter().find(|(_, items, _)| items.contains(&item))
        })
        .map(|(_, _, alias)| *alias)?;
    // A SEER*Stat ` - labeled` twin gives way to its coded column.
    Some(if labeled {
        Alias {
            priority: alias.priority + 10,
            ..alias
        }
    } else {
        alias
    })
}

/// Most header names an error message lists.
const SHOWN_HEADERS: usize = 40;

/// A header as an error message shows it: quoted, cut to
/// [`netstage_rules::message::QUOTE_LIMIT`] characters with control characters escaped. The first
/// line of a file that is not CSV (XML, a headerless export) is a record,
/// and messages never print records whole (io-contract §6).
fn shown_header(header: &str) -> String {
    let mut s = String::from("\"");
    let _ = write_quoted(&mut s, header);
    s.push('"');
    s
}

/// The headers of a file as an error message lists them: at most
/// [`SHOWN_HEADERS`], each as [`shown_header`] shows it.
fn shown_headers(headers: &[String]) -> String {
    if headers.is_empty() {
        return "(none)".to_string();
    }
    let mut shown: Vec<String> = headers.iter().take(SHOWN_HEADERS).map(|h| shown_header(h)).collect();
    if headers.len() > SHOWN_HEADERS {
        shown.push(format!("and {} more", headers.len() - SHOWN_HEADERS));
    }
    shown.join(", ")
}

/// `--map COLUMN=FIELD` entries.
#[derive(Clone, Debug, Default)]
pub struct ColumnOverrides {
    entries: Vec<(String, Field)>,
}

impl ColumnOverrides {
    /// Parses `COLUMN=FIELD` strings; FIELD is a canonical field name.
    pub fn parse(specs: &[String]) -> Result<ColumnOverrides, String> {
        let mut entries = Vec::new();
        for spec in specs {
            let (col, field) = spec
                .rsplit_once('=')
                .ok_or_else(|| format!("--map {spec:?}: expected COLUMN=FIELD"))?;
            let f = Field::from_name(field.trim()).ok_or_else(|| {
                let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
                format!("--map {spec:?}: unknown field {field:?} (fields: {})", names.join(", "))
            })?;
            entries.push((col.to_string(), f));
        }
        Ok(ColumnOverrides { entries })
    }

    /// The field `header` is mapped to: by an entry naming it exactly, else
    /// by one whose name matches it as headers are matched (section 2 of
    /// the contract), unless that entry names another of `headers` exactly.
    /// So `--map eodPrimaryTumor=...` picks that column, not also an
    /// `EOD Primary Tumor` beside it.
    fn lookup(&self, header: &str, headers: &[String]) -> Option<Field> {
        self.entries
            .iter()
            .find(|(c, _)| c == header)
            .or_else(|| {
                self.entries
                    .iter()
                    .find(|(c, _)| normalise(c) == normalise(header) && !headers.iter().any(|h| h == c))
            })
            .map(|(_, f)| *f)
    }

    fn maps_field(&self, field: Field) -> bool {
        self.entries.iter().any(|(_, f)| *f == field)
    }
}

/// One header column resolved to a field, while a header row is resolved.
struct HeaderColumn {
    /// Its place among the field's columns (lower first; equal: ambiguous).
    priority: u8,
    /// Its index in the header.
    index: usize,
    /// Whether it is the item-756 coded size.
    coded_size: bool,
    /// Its normalised name (blank for a `--map` column).
    name: String,
    /// For a SEER*Stat labeled twin, the normalised name of the coded
    /// column it gives way to (io-contract §12).
    twin_of: Option<String>,
}

/// The columns of one input file, resolved to fields.
#[derive(Clone, Debug)]
pub struct ColumnMap {
    /// Column indices per field, in priority order (first non-blank wins).
    sources: Vec<Vec<usize>>,
    /// The fields that have at least one column.
    present: Vec<Field>,
    /// The fields read from one column, with it (the size excepted).
    single: Vec<(Field, usize)>,
    /// The other fields of `present`: several columns, or the size.
    by_priority: Vec<Field>,
    /// The NAACCR coded size column (item 756), when the file has one: a
    /// row whose `size_mm` comes from it reads the value as item-756 codes.
    pub coded_size_column: Option<usize>,
    /// The size columns that are plain millimetres (not item 756 nor its
    /// ` - labeled` twin): facts-only beside an EOD basis (§19 item 2).
    pub plain_size_columns: Vec<usize>,
    /// A labeled histology twin (`ICD-O-3 Hist/behav`) beside its coded
    /// column, when no column gives the behavior: the behavior after its
    /// `/` fills the field (io-contract §2.1, §12).
    pub behavior_from_twin: Option<usize>,
    /// Columns no field uses: (index, header).
    pub unused: Vec<(usize, String)>,
    /// Number of header columns.
    pub width: usize,
}

impl ColumnMap {
    /// Resolves a header row. Missing required columns and ambiguous columns
    /// are run-level errors (exit 65) naming what was found.
    pub fn resolve(path: &str, headers: &[String], overrides: &ColumnOverrides) -> Result<ColumnMap, RunError> {
        let mut by_field: BTreeMap<Field, Vec<HeaderColumn>> = BTreeMap::new();
        let mut unused = Vec::new();
        for (index, h) in headers.iter().enumerate() {
            let resolved = resolve_twin(h);
            let (field, column) = if let Some(f) = overrides.lookup(h, headers) {
                let coded_size = resolved
                    .as_ref()
                    .is_some_and(|(a, _, _)| a.field == Field::SizeMm && a.coded_size);
                let column = HeaderColumn {
                    priority: 0,
                    index,
                    coded_size,
                    name: String::new(),
                    twin_of: None,
                };
                (f, column)
            } else {
                match resolved {
                    Some((a, name, twin_of)) if !overrides.maps_field(a.field) => {
                        let column = HeaderColumn {
                            priority: a.priority,
                            index,
                            coded_size: a.coded_size,
                            name,
                            twin_of,
                        };
                        (a.field, column)
                    }
                    _ => {
                        unused.push((index, h.clone()));
                        continue;
                    }
                }
            };
            by_field.entry(field).or_default().push(column);
        }
        let ambiguous = |a: usize, b: usize, field: Field| {
            RunError::unusable(
                path,
                format!(
                    "columns {} and {} both resolve to field {}; use --map COLUMN={} to choose one",
                    shown_header(&headers[a.min(b)]),
                    shown_header(&headers[a.max(b)]),
                    field.name(),
                    field.name()
                ),
            )
        };
        let mut sources = vec![Vec::new(); Field::COUNT];
        let mut coded_size_column = None;
        let mut plain_size_columns = Vec::new();
        let mut behavior_twin = None;
        for (field, mut cols) in by_field {
            cols.sort_by_key(|c| (c.priority, c.index));
            if let Some(w) = cols.windows(2).find(|w| w[0].priority == w[1].priority) {
                return Err(ambiguous(w[0].index, w[1].index, field));
            }
            // A labeled twin is one field with its own coded column only
            // (io-contract §12): beside any other column it is ambiguous.
            for twin in cols.iter().filter(|c| c.twin_of.is_some()) {
                let partner_present = cols
                    .iter()
                    .any(|c| c.twin_of.is_none() && Some(&c.name) == twin.twin_of.as_ref());
                if !partner_present && let Some(other) = cols.iter().find(|c| c.index != twin.index) {
                    return Err(ambiguous(twin.index, other.index, field));
                }
                if field == Field::Histology && cols.len() > 1 {
                    behavior_twin = Some(twin.index);
                }
            }
            if field == Field::SizeMm {
                coded_size_column = cols.iter().find(|c| c.coded_size).map(|c| c.index);
                plain_size_columns = cols.iter().filter(|c| !c.coded_size).map(|c| c.index).collect();
            }
            sources[field as usize] = cols.iter().map(|c| c.index).collect();
        }
        let missing: Vec<&str> = [Field::PrimarySite, Field::Histology]
            .into_iter()
            .filter(|f| sources[*f as usize].is_empty())
            .map(|f| f.name())
            .collect();
        if !missing.is_empty() {
            return Err(RunError::unusable(
                path,
                format!(
                    "required column(s) {} not found; {}{}",
                    missing.join(", "),
                    if sources.iter().all(Vec::is_empty) && !headers.is_empty() {
                        // No header names a field: the first line may be a
                        // record, which is never printed (§6).
                        format!(
                            "none of the {} columns of the first line is a field netstage reads (the first line must \
                             be a header)",
                            headers.len()
                        )
                    } else {
                        format!("columns found: {}", shown_headers(headers))
                    },
                    if headers.first().is_some_and(|h| h.trim_start().starts_with('<')) {
                        " (the input looks like XML: NAACCR XML is read with --input-format xml)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        // The behavior in `ICD-O-3 Hist/behav` (`8240/1: ...`) when its coded
        // twin gives the histology and no column gives the behavior (§2.1).
        let behavior_from_twin = behavior_twin.filter(|_| sources[Field::Behavior as usize].is_empty());
        let present: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| !sources[*f as usize].is_empty())
            .collect();
        let (single, by_priority) = read_plan(&sources, &present);
        Ok(ColumnMap {
            sources,
            present,
            single,
            by_priority,
            coded_size_column,
            plain_size_columns,
            behavior_from_twin,
            unused,
            width: headers.len(),
        })
    }

    /// The same map over a projection of the columns: `kept` lists the
    /// original indices (ascending) that records will carry, in order.
    /// Unused columns outside the projection are dropped.
    pub fn project(&self, kept: &[usize]) -> ColumnMap {
        let pos = |i: usize| kept.binary_search(&i).ok();
        let sources: Vec<Vec<usize>> = self
            .sources
            .iter()
            .map(|cols| cols.iter().filter_map(|&i| pos(i)).collect())
            .collect();
        let (single, by_priority) = read_plan(&sources, &self.present);
        ColumnMap {
            sources,
            present: self.present.clone(),
            single,
            by_priority,
            coded_size_column: self.coded_size_column.and_then(pos),
            plain_size_columns: self.plain_size_columns.iter().filter_map(|&i| pos(i)).collect(),
            behavior_from_twin: self.behavior_from_twin.and_then(pos),
            unused: self
                .unused
                .iter()
                .filter_map(|(i, h)| pos(*i).map(|p| (p, h.clone())))
                .collect(),
            width: kept.len(),
        }
    }

    /// The fields that have at least one column, in contract order.
    pub fn fields(&self) -> &[Field] {
        &self.present
    }

    /// Every column some field reads, in no particular order.
    pub fn used_columns(&self) -> Vec<usize> {
        self.sources.iter().flatten().copied().collect()
    }

    /// Column indices that may fill a field, in priority order.
    pub fn columns(&self, field: Field) -> &[usize] {
        &self.sources[field as usize]
    }

    /// The fields a record reads from exactly one column, with the column
    /// (the size is never one of them: which column gave it matters).
    pub fn single_columns(&self) -> &[(Field, usize)] {
        &self.single
    }

    /// The other fields that have a column: read from the first non-blank
    /// of their [`ColumnMap::columns`].
    pub fn fields_by_priority(&self) -> &[Field] {
        &self.by_priority
    }
}

/// Splits the fields that have a column into those read from one column
/// (with it) and the others (several columns, or the size).
fn read_plan(sources: &[Vec<usize>], present: &[Field]) -> (Vec<(Field, usize)>, Vec<Field>) {
    let mut single = Vec::new();
    let mut by_priority = Vec::new();
    for &field in present {
        match sources[field as usize][..] {
            [column] if field != Field::SizeMm => single.push((field, column)),
            _ => by_priority.push(field),
        }
    }
    (single, by_priority)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(headers: &[&str]) -> Result<ColumnMap, RunError> {
        let h: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        ColumnMap::resolve("t.csv", &h, &ColumnOverrides::default())
    }

    fn field_of(header: &str) -> Option<Field> {
        resolve_twin(header).map(|(a, _, _)| a.field)
    }

    #[test]
    fn canonical_naaccr_and_item_number_headers() {
        for h in [
            "primary_site",
            "Primary Site",
            "primarySite",
            "PRIMARY_SITE",
            "site",
            "400",
            "n400",
            "item400",
            "PRIMARY_SITE_N400",
            "primary_site_n400",
            "Primary Site - labeled",
            "topography",
        ] {
            assert_eq!(field_of(h), Some(Field::PrimarySite), "{h}");
        }
        assert_eq!(field_of("Histologic Type ICD-O-3"), Some(Field::Histology));
        assert_eq!(field_of("ICD-O-3 Hist/behav"), Some(Field::Histology));
        assert_eq!(field_of("HISTOLOGIC_TYPE_ICD_O3_N522"), Some(Field::Histology));
        assert_eq!(field_of("Year of diagnosis"), Some(Field::Year));
        assert_eq!(field_of("dateOfDiagnosis"), Some(Field::Year));
        assert_eq!(field_of("Tumor Size Summary (2016+)"), Some(Field::SizeMm));
        assert!(resolve_twin("Tumor Size Summary (2016+)").unwrap().0.coded_size);
        assert!(!resolve_twin("size_mm").unwrap().0.coded_size);
        assert_eq!(field_of("Regional nodes positive (1988+)"), Some(Field::NodesPositive));
        assert_eq!(field_of("Derived EOD 2018 T (2018+)"), Some(Field::T));
        assert_eq!(
            field_of("Derived EOD 2018 Stage Group (2018+)"),
            Some(Field::RecordedStage)
        );
        assert_eq!(field_of("AJCC_TNM_PATH_T_SUFFIX_N1032"), Some(Field::TSuffix));
        assert_eq!(field_of("Patient ID"), Some(Field::RecordId));
        assert_eq!(field_of("T"), Some(Field::T));
        assert_eq!(field_of("cT"), Some(Field::ClinT));
        assert_eq!(field_of("sex"), None);
        assert_eq!(field_of("é labeled"), None);
        assert_eq!(field_of("ééééé - labeled"), None);
        assert_eq!(field_of("9999"), None);
    }

    #[test]
    fn missing_required_columns_name_what_was_found() {
        let e = map(&["site", "year"]).unwrap_err();
        assert_eq!(e.exit_code(), 65);
        let s = e.to_string();
        assert!(
            s.contains("histology") && s.contains(r#"columns found: "site", "year""#),
            "{s}"
        );
    }

    /// The first line of a file that is not CSV is a record: it is never
    /// printed (io-contract §6), and XML gets a hint. A header that names
    /// some field is listed, each name cut, at most 40 of them.
    #[test]
    fn a_record_read_as_a_header_is_not_printed() {
        let line = format!(
            "<NaaccrData><Patient><Item naaccrId=\"patientIdNumber\">P1</Item>{}",
            "<Item naaccrId=\"x\">SECRET</Item>".repeat(10)
        );
        let e = map(&[&line]).unwrap_err().to_string();
        assert!(!e.contains("NaaccrData") && !e.contains("SECRET"), "{e}");
        assert!(e.contains("none of the 1 columns of the first line"), "{e}");
        assert!(e.contains("--input-format xml"), "{e}");
        // A headerless CSV: record 1 is the "header".
        let e = map(&["SYN0115262", "01", "F", "65", "C187", "8140", "3"])
            .unwrap_err()
            .to_string();
        assert!(!e.contains("SYN0115262") && !e.contains("C187"), "{e}");
        assert!(e.contains("none of the 7 columns"), "{e}");
        let mut many: Vec<String> = (0..100).map(|i| format!("c{i}")).collect();
        many.push("year".into());
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let e = map(&many).unwrap_err().to_string();
        assert!(e.contains(r#""c39", and 61 more"#), "{e}");
        assert!(!e.contains("c40"), "{e}");
        let long = "y".repeat(60);
        let e = map(&["site", &long]).unwrap_err().to_string();
        assert!(e.contains(&format!("\"{}...\"", "y".repeat(40))), "{e}");
        assert!(!map(&["site", "year"]).unwrap_err().to_string().contains("XML"));
    }

    /// io-contract §12: a SEER*Stat labeled twin is one field with its own
    /// coded column only; beside any other column of the field it is
    /// ambiguous (exit 65). The behavior of `ICD-O-3 Hist/behav` is read
    /// when no column gives one (§2.1).
    #[test]
    fn a_labeled_twin_pairs_with_its_coded_column_only() {
        let m = map(&[
            "Primary Site",
            "Primary Site - labeled",
            "Histologic Type ICD-O-3",
            "ICD-O-3 Hist/behav",
        ])
        .unwrap();
        assert_eq!(m.columns(Field::PrimarySite), &[0, 1]);
        assert_eq!(m.columns(Field::Histology), &[2, 3]);
        assert_eq!(m.behavior_from_twin, Some(3));
        let m = map(&[
            "Primary Site",
            "Histologic Type ICD-O-3",
            "ICD-O-3 Hist/behav",
            "behavior",
        ])
        .unwrap();
        assert_eq!(m.behavior_from_twin, None);
        // Alone, a twin is the field.
        let m = map(&["Primary Site - labeled", "ICD-O-3 Hist/behav"]).unwrap();
        assert_eq!(m.columns(Field::PrimarySite), &[0]);
        assert_eq!(m.behavior_from_twin, None);
        for headers in [
            ["site", "Primary Site - labeled", "histology"],
            ["400", "Primary Site - labeled", "histology"],
            ["site", "histology", "ICD-O-3 Hist/behav"],
            ["site", "hist", "ICD-O-3 Hist/behav"],
        ] {
            let e = map(&headers).unwrap_err();
            assert_eq!(e.exit_code(), 65, "{headers:?}");
            assert!(e.to_string().contains("both resolve to field"), "{headers:?}: {e}");
        }
    }

    #[test]
    fn ambiguous_columns_are_an_error_unless_mapped() {
        let e = map(&["site", "primarySite", "histology"]).unwrap_err();
        assert!(e.to_string().contains("both resolve to field primary_site"), "{e}");
        let h: Vec<String> = ["site", "primarySite", "histology"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let o = ColumnOverrides::parse(&["primarySite=primary_site".into()]).unwrap();
        let m = ColumnMap::resolve("t.csv", &h, &o).unwrap();
        assert_eq!(m.columns(Field::PrimarySite), &[1]);
        assert_eq!(m.unused, vec![(0, "site".to_string())]);
    }

    /// Two headers that match alike (`EOD Primary Tumor`, `eodPrimaryTumor`):
    /// `--map` naming one of them exactly picks that one, either way round.
    #[test]
    fn a_map_naming_one_of_two_alike_headers_picks_it() {
        let h: Vec<String> = ["site", "histology", "EOD Primary Tumor", "eodPrimaryTumor"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let e = ColumnMap::resolve("t.csv", &h, &ColumnOverrides::default()).unwrap_err();
        assert!(e.to_string().contains("both resolve to field eod_primary_tumor"), "{e}");
        for (spec, picked, left) in [
            ("eodPrimaryTumor=eod_primary_tumor", 3, 2),
            ("EOD Primary Tumor=eod_primary_tumor", 2, 3),
        ] {
            let o = ColumnOverrides::parse(&[spec.into()]).unwrap();
            let m = ColumnMap::resolve("t.csv", &h, &o).unwrap();
            assert_eq!(m.columns(Field::EodPrimaryTumor), &[picked], "{spec}");
            assert_eq!(m.unused, vec![(left, h[left].clone())], "{spec}");
        }
        // A name that matches both but neither exactly still maps both.
        let o = ColumnOverrides::parse(&["eod primary tumor=eod_primary_tumor".into()]).unwrap();
        assert!(ColumnMap::resolve("t.csv", &h, &o).is_err());
    }

    #[test]
    fn multi_item_fields_and_labeled_twins_are_ordered() {
        let m = map(&[
            "ajccTnmClinStageGroup",
            "primarySite",
            "ajccTnmPathStageGroup",
            "histologicTypeIcdO3",
            "derivedEod2018StageGroup",
            "gradeClinical",
            "gradePathological",
        ])
        .unwrap();
        assert_eq!(m.columns(Field::RecordedStage), &[2, 0, 4]);
        // io-contract §18: the two grade items are fields of their own.
        assert_eq!(m.columns(Field::GradePath), &[6]);
        assert_eq!(m.columns(Field::GradeClin), &[5]);
        assert!(m.columns(Field::Grade).is_empty());
        let m = map(&[
            "Primary Site - labeled",
            "Primary Site",
            "ICD-O-3 Hist/behav",
            "Histologic Type ICD-O-3",
        ])
        .unwrap();
        assert_eq!(m.columns(Field::PrimarySite), &[1, 0]);
        assert_eq!(m.columns(Field::Histology), &[3, 2]);
    }

    #[test]
    fn projection_renumbers_columns() {
        let m = map(&["sex", "site", "age", "histology", "note"]).unwrap();
        let p = m.project(&[1, 3, 4]);
        assert_eq!(p.columns(Field::PrimarySite), &[0]);
        assert_eq!(p.columns(Field::Histology), &[1]);
        assert_eq!(p.unused, vec![(2, "note".to_string())]);
        assert_eq!(p.width, 3);
    }

    #[test]
    fn overrides_parse_and_reject_unknown_fields() {
        assert!(ColumnOverrides::parse(&["x=nope".into()]).is_err());
        assert!(ColumnOverrides::parse(&["x".into()]).is_err());
        let o = ColumnOverrides::parse(&["Topo Code=primary_site".into()]).unwrap();
        assert_eq!(o.lookup("Topo Code", &[]), Some(Field::PrimarySite));
        assert_eq!(o.lookup("topo_code", &[]), Some(Field::PrimarySite));
    }
}
