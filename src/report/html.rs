//! `report.html` (io-contract §17, §20 items 10-16): the run's counts as one
//! self-contained page, with inline CSS and SVG charts, no script and no
//! fetched font. It is drawn from the `summary.json` value itself, so every
//! number it shows is one `summary.json` holds; it never sees a record.

use std::fmt::Write as _;

use netstage_rules::Status;
use serde_json::{Map, Value};

use crate::report::summary::{STAGE_ORDER, site_order};

/// How the report is drawn.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReportOptions {
    /// `--suppress-below N`: counts from 1 to N-1 are shown as `<N`.
    pub suppress_below: Option<u64>,
}

/// Summary Stage 2018 codes and what they mean.
const SS2018: &[(&str, &str)] = &[
    ("0", "0 in situ"),
    ("1", "1 localized"),
    ("2", "2 regional, direct extension"),
    ("3", "3 regional, nodes only"),
    ("4", "4 regional, extension and nodes"),
    ("7", "7 distant"),
    ("8", "8 benign or borderline"),
    ("9", "9 unknown"),
];

/// Colour of a stage display: one hue per stage group, lighter for its
/// subgroups; greys for unknown and not applicable (colour-blind safe hues).
fn stage_colour(key: &str) -> &'static str {
    match key {
        "0" => "#88ccee",
        "I" => "#117733",
        "IA" => "#2e8b4e",
        "IA1" => "#44aa77",
        "IA2" => "#77c293",
        "IA3" => "#a6d9b4",
        "IB" => "#c9ead2",
        "II" => "#b8860b",
        "IIA" => "#ddaa33",
        "IIB" => "#ecc96e",
        "IIC" => "#f6e3ae",
        "III" => "#b34f1f",
        "IIIA" => "#dd7744",
        "IIIB" => "#eda07a",
        "IIIC" => "#f6c9b2",
        "IV" => "#6e1a46",
        "IVA" => "#993366",
        "IVB" => "#c2668f",
        "IVC" => "#e3a5c2",
        "Occult" => "#6699cc",
        "Unknown" => "#8c8c8c",
        "N/A" => "#d0d0d0",
        "needs_general_staging" => "#332288",
        "error" => "#222222",
        _ => "#bbbbbb",
    }
}

fn status_colour(key: &str) -> &'static str {
    match key {
        "staged" => "#117733",
        "unknown_stage" => "#999999",
        "needs_general_staging" => "#332288",
        "not_applicable" => "#cccccc",
        "error" => "#222222",
        _ => "#bbbbbb",
    }
}

fn ss_colour(key: &str) -> &'static str {
    match key {
        "0" => "#88ccee",
        "1" => "#117733",
        "2" => "#ddaa33",
        "3" => "#e8c060",
        "4" => "#cc6633",
        "7" => "#882255",
        "8" => "#44aa99",
        _ => "#999999",
    }
}

fn recorded_colour(key: &str) -> &'static str {
    match key {
        "agree" => "#117733",
        "disagree" => "#cc6633",
        _ => "#999999",
    }
}

/// Escapes text for HTML and SVG.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A count as shown: `<N` when suppressed.
fn shown(n: u64, opts: &ReportOptions) -> String {
    match opts.suppress_below {
        Some(limit) if n >= 1 && n < limit => format!("&lt;{limit}"),
        _ => group_digits(n),
    }
}

fn is_suppressed(n: u64, opts: &ReportOptions) -> bool {
    matches!(opts.suppress_below, Some(limit) if n >= 1 && n < limit)
}

/// `12345` -> `12,345`.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn count(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// Orders keys: those in `order` first, in its order, then the rest as given.
fn ordered<'a>(keys: impl Iterator<Item = &'a str>, order: &[&str]) -> Vec<&'a str> {
    let mut keys: Vec<&str> = keys.collect();
    keys.sort_by_key(|k| (order.iter().position(|o| o == k).unwrap_or(order.len()), k.to_string()));
    keys
}

fn object(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// A two-level count map (`{site: {key: n}}`) as rows of (label, [(key, n)]).
type Rows = Vec<(String, Vec<(String, u64)>)>;

fn nested_rows(v: &Value, row_order: &[&str]) -> Rows {
    let m = object(v);
    ordered(m.keys().map(String::as_str), row_order)
        .into_iter()
        .map(|site| {
            let inner = object(&m[site]);
            let cells = inner.iter().map(|(k, n)| (k.clone(), count(n))).collect();
            (site.to_string(), cells)
        })
        .collect()
}

/// One chart's look: title, text alternative, the order and colour of its keys,
/// and a label per key.
struct Chart<'a> {
    id: &'a str,
    title: &'a str,
    desc: String,
    keys: Vec<String>,
    colour: fn(&str) -> &'static str,
    label: fn(&str) -> String,
}

const BAR_H: u32 = 22;
const GAP: u32 = 8;
const LABEL_W: u32 = 175;
const BAR_W: u32 = 620;
const VALUE_W: u32 = 85;
/// Legend keys a line, and the width of each.
const LEGEND_COLS: u32 = 4;
const LEGEND_W: u32 = 176;
/// Width of a suppressed segment: a fixed mark, not to scale.
const MARK_W: f64 = 6.0;

/// Horizontal stacked bars, one per row, with a legend; the same numbers
/// follow in a table.
fn stacked_bars(out: &mut String, chart: &Chart<'_>, rows: &Rows, opts: &ReportOptions) {
    bars(out, chart, rows, opts, true);
    table(out, chart.title, "", &chart.keys, chart.label, rows, opts);
}

/// One bar per key (a one-dimension count), no legend; a two-column table
/// follows.
fn single_bars(out: &mut String, chart: &Chart<'_>, rows: &Rows, opts: &ReportOptions) {
    bars(out, chart, rows, opts, false);
    let _ = write!(
        out,
        "<div class=\"scroll\"><table><caption>{}</caption><thead><tr><th scope=\"col\"></th>\
         <th scope=\"col\">rows</th></tr></thead><tbody>",
        esc(chart.title)
    );
    let mut total = 0;
    for (label, cells) in rows {
        let n: u64 = cells.iter().map(|(_, n)| *n).sum();
        total += n;
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            esc(label),
            shown(n, opts)
        );
    }
    let _ = writeln!(
        out,
        "</tbody><tfoot><tr><th scope=\"row\">total</th><td>{}</td></tr></tfoot></table></div>",
        shown(total, opts)
    );
}

/// The SVG of a bar chart.
fn bars(out: &mut String, chart: &Chart<'_>, rows: &Rows, opts: &ReportOptions, legend: bool) {
    let max = rows
        .iter()
        .map(|(_, cells)| cells.iter().map(|(_, n)| *n).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let legend_rows = if legend {
        chart.keys.len().div_ceil(LEGEND_COLS as usize) as u32
    } else {
        0
    };
    let height = rows.len() as u32 * (BAR_H + GAP) + GAP + legend_rows * 20 + 10;
    let width = LABEL_W + BAR_W + VALUE_W;
    let _ = write!(
        out,
        "<figure><svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{title}</title><desc id=\"{id}-d\">{desc}</desc>",
        id = chart.id,
        title = esc(chart.title),
        desc = esc(&chart.desc)
    );
    for (i, (label, cells)) in rows.iter().enumerate() {
        let y = GAP + i as u32 * (BAR_H + GAP);
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\">{l}</text>",
            x = LABEL_W - 8,
            ty = y + BAR_H - 6,
            l = esc(label)
        );
        let mut x = LABEL_W as f64;
        let mut total = 0;
        for key in &chart.keys {
            let n = cells.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
            if n == 0 {
                continue;
            }
            total += n;
            let (w, extra) = if is_suppressed(n, opts) {
                (MARK_W, " class=\"suppressed\"")
            } else {
                ((n as f64 / max as f64 * BAR_W as f64).max(1.0), "")
            };
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"{c}\"{extra}>\
                 <title>{l}: {v}</title></rect>",
                c = (chart.colour)(key),
                l = esc(label),
                v = shown(n, opts),
            );
            x += w;
        }
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{ty}\" class=\"total\">{t}</text>",
            x = x + 6.0,
            ty = y + BAR_H - 6,
            t = shown(total, opts)
        );
    }
    // Legend.
    let ly = rows.len() as u32 * (BAR_H + GAP) + GAP + 6;
    for (i, key) in chart.keys.iter().enumerate().filter(|_| legend) {
        let lx = LABEL_W + (i as u32 % LEGEND_COLS) * LEGEND_W;
        let y = ly + (i as u32 / LEGEND_COLS) * 20;
        let _ = write!(
            out,
            "<rect x=\"{lx}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{c}\"/>\
             <text x=\"{tx}\" y=\"{ty}\">{l}</text>",
            c = (chart.colour)(key),
            tx = lx + 17,
            ty = y + 11,
            l = esc(&(chart.label)(key))
        );
    }
    out.push_str("</svg></figure>\n");
}

/// A table of a two-level count map: a row per label, a column per key, and totals.
fn table(
    out: &mut String,
    caption: &str,
    corner: &str,
    keys: &[String],
    label: fn(&str) -> String,
    rows: &Rows,
    opts: &ReportOptions,
) {
    let _ = write!(
        out,
        "<div class=\"scroll\"><table><caption>{}</caption><thead><tr><th scope=\"col\">{}</th>",
        esc(caption),
        esc(corner)
    );
    for k in keys {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(&label(k)));
    }
    out.push_str("<th scope=\"col\">total</th></tr></thead><tbody>");
    let mut col_totals = vec![0u64; keys.len()];
    for (l, cells) in rows {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", esc(l));
        let mut total = 0;
        for (i, k) in keys.iter().enumerate() {
            let n = cells.iter().find(|(c, _)| c == k).map_or(0, |(_, n)| *n);
            total += n;
            col_totals[i] += n;
            let _ = write!(out, "<td>{}</td>", shown(n, opts));
        }
        let _ = write!(out, "<td class=\"total\">{}</td></tr>", shown(total, opts));
    }
    out.push_str("</tbody><tfoot><tr><th scope=\"row\">total</th>");
    for n in &col_totals {
        let _ = write!(out, "<td>{}</td>", shown(*n, opts));
    }
    let _ = writeln!(
        out,
        "<td class=\"total\">{}</td></tr></tfoot></table></div>",
        shown(col_totals.iter().sum(), opts)
    );
}

fn same(s: &str) -> String {
    s.to_string()
}

fn ss_label(s: &str) -> String {
    SS2018
        .iter()
        .find(|(c, _)| *c == s)
        .map_or_else(|| s.to_string(), |(_, l)| l.to_string())
}

fn status_label(s: &str) -> String {
    s.replace('_', " ")
}

/// A one-dimension count map (`{key: n}`) as one bar per key.
fn single_rows(v: &Value, order: &[&str], label: fn(&str) -> String) -> Rows {
    let m = object(v);
    ordered(m.keys().map(String::as_str), order)
        .into_iter()
        .map(|k| (label(k), vec![(k.to_string(), count(&m[k]))]))
        .collect()
}

fn keys_of(rows: &Rows, order: &[&str]) -> Vec<String> {
    let mut keys: Vec<&str> = rows
        .iter()
        .flat_map(|(_, c)| c.iter().map(|(k, _)| k.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    ordered(keys.into_iter(), order).into_iter().map(String::from).collect()
}

fn section(out: &mut String, id: &str, title: &str) {
    let _ = writeln!(out, "<section id=\"{id}\"><h2>{}</h2>", esc(title));
}

fn no_data(out: &mut String, text: &str) {
    let _ = writeln!(out, "<p class=\"empty\">{}</p>", esc(text));
}

/// The page for a run's `summary.json`.
pub fn render(summary: &Value, opts: &ReportOptions) -> String {
    let site_order = site_order();
    let status_order: Vec<&str> = Status::ALL.iter().map(|s| s.name()).collect();
    let mut out = String::with_capacity(64 * 1024);
    let tool = summary["tool"].as_str().unwrap_or("netstage");
    let eod = summary["eod_algorithm"].as_str().unwrap_or("");
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>");
    out.push_str("<title>netstage report</title><style>");
    out.push_str(CSS);
    out.push_str("</style></head><body><main>\n");
    let _ = writeln!(
        out,
        "<header><h1>netstage report</h1><p>{} &#183; EOD algorithm: SEER eod_public {}{}</p></header>",
        esc(tool),
        esc(eod),
        match opts.suppress_below {
            Some(n) => format!(" &#183; counts from 1 to {} shown as &lt;{n}", n - 1),
            None => String::new(),
        }
    );

    // The run.
    section(&mut out, "run", "The run");
    let rows = &summary["rows"];
    let _ = write!(
        out,
        "<p>{} rows read, {} written, in {} s.</p>",
        shown(count(&rows["read"]), opts),
        shown(count(&rows["written"]), opts),
        summary["seconds"].as_f64().unwrap_or(0.0)
    );
    out.push_str(
        "<div class=\"scroll\"><table><caption>Inputs</caption><thead><tr><th scope=\"col\">file</th>\
         <th scope=\"col\">rows</th><th scope=\"col\">bytes</th><th scope=\"col\" class=\"hash\">sha256</th></tr></thead><tbody>",
    );
    for input in summary["inputs"].as_array().into_iter().flatten() {
        let path = input["path"].as_str().unwrap_or("");
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"hash\">{}</td></tr>",
            esc(name),
            shown(count(&input["rows"]), opts),
            input["bytes"].as_u64().map_or_else(|| "-".to_string(), group_digits),
            esc(input["sha256"].as_str().unwrap_or(""))
        );
    }
    out.push_str("</tbody></table></div>\n");
    let status_rows: Rows = status_order
        .iter()
        .map(|s| (status_label(s), vec![(s.to_string(), count(&rows[*s]))]))
        .collect();
    // A run without rows draws no chart (io-contract §20 item 16).
    if status_rows.iter().all(|(_, bars)| bars.iter().all(|(_, n)| *n == 0)) {
        no_data(&mut out, "No rows.");
    } else {
        single_bars(
            &mut out,
            &Chart {
                id: "status",
                title: "Rows by status",
                desc: "One bar per status: the number of rows with it.".into(),
                keys: status_order.iter().map(|s| s.to_string()).collect(),
                colour: status_colour,
                label: status_label,
            },
            &status_rows,
            opts,
        );
    }
    out.push_str("</section>\n");

    // Stage by site group.
    section(&mut out, "stage", "Stage by site group");
    let by_site = nested_rows(&summary["by_site_stage"], &site_order);
    if by_site.is_empty() {
        no_data(&mut out, "No rows.");
    } else {
        stacked_bars(
            &mut out,
            &Chart {
                id: "stage",
                title: "Stage group by site group",
                desc: "One stacked bar per site group, a segment per stage group (rows without a stage under their \
                       status)."
                    .into(),
                keys: keys_of(&by_site, STAGE_ORDER),
                colour: stage_colour,
                label: status_label,
            },
            &by_site,
            opts,
        );
    }
    out.push_str("</section>\n");

    // Staged cases by year and site.
    section(&mut out, "years", "Staged cases by diagnosis year and site");
    let years = object(&summary["by_site_year"]);
    let mut by_year: Rows = Vec::new();
    let mut year_keys: Vec<String> = years
        .values()
        .flat_map(|v| object(v).keys().cloned().collect::<Vec<_>>())
        .collect();
    year_keys.sort();
    year_keys.dedup();
    for year in &year_keys {
        let mut cells = Vec::new();
        for site in ordered(years.keys().map(String::as_str), &site_order) {
            let stages = object(&years[site][year.as_str()]);
            let staged: u64 = stages
                .iter()
                .filter(|(k, _)| {
                    STAGE_ORDER.contains(&k.as_str())
                        && !matches!(k.as_str(), "Unknown" | "N/A" | "needs_general_staging" | "error")
                })
                .map(|(_, n)| count(n))
                .sum();
            if staged > 0 {
                cells.push((site.to_string(), staged));
            }
        }
        if !cells.is_empty() {
            by_year.push((year.clone(), cells));
        }
    }
    if by_year.is_empty() {
        no_data(&mut out, "No staged rows.");
    } else {
        stacked_bars(
            &mut out,
            &Chart {
                id: "years",
                title: "Staged cases by diagnosis year",
                desc: "One stacked bar per diagnosis year, a segment per site group: rows with a stage group.".into(),
                keys: keys_of(&by_year, &site_order),
                colour: site_colour,
                label: same,
            },
            &by_year,
            opts,
        );
    }
    out.push_str("</section>\n");

    // Editions and bases.
    section(&mut out, "editions", "Editions and bases");
    let editions = single_rows(&summary["by_edition"], &["08", "09"], |e| match e {
        "08" => "AJCC 8th (08)".into(),
        "09" => "AJCC Version 9 (09)".into(),
        other => other.to_string(),
    });
    if editions.is_empty() {
        no_data(&mut out, "No row was routed to a chapter.");
    } else {
        let keys = keys_of(&editions, &["08", "09"]);
        single_bars(
            &mut out,
            &Chart {
                id: "editions",
                title: "Rows by AJCC edition",
                desc: "One bar per edition: rows routed to a chapter in it.".into(),
                keys,
                colour: |k| if k == "09" { "#332288" } else { "#44aa99" },
                label: same,
            },
            &editions,
            opts,
        );
    }
    let bases = single_rows(&summary["by_basis"], &["path", "clin", "eod", "facts"], same);
    if bases.is_empty() {
        no_data(&mut out, "No row has a headline basis.");
    } else {
        single_bars(
            &mut out,
            &Chart {
                id: "bases",
                title: "Rows by headline basis",
                desc: "One bar per basis the headline stage came from.".into(),
                keys: keys_of(&bases, &["path", "clin", "eod", "facts"]),
                colour: |k| match k {
                    "path" => "#117733",
                    "clin" => "#44aa99",
                    "eod" => "#332288",
                    _ => "#ddaa33",
                },
                label: same,
            },
            &bases,
            opts,
        );
    }
    out.push_str("</section>\n");

    // Summary Stage 2018.
    section(&mut out, "ss2018", "Summary Stage 2018 by site group");
    let ss = nested_rows(&summary["by_site_ss2018"], &site_order);
    if ss.is_empty() {
        no_data(
            &mut out,
            "No row has a Summary Stage 2018 (it comes from the EOD basis).",
        );
    } else {
        let order: Vec<&str> = SS2018.iter().map(|(c, _)| *c).collect();
        stacked_bars(
            &mut out,
            &Chart {
                id: "ss2018",
                title: "Summary Stage 2018 by site group",
                desc: "One stacked bar per site group, a segment per Derived Summary Stage 2018 code.".into(),
                keys: keys_of(&ss, &order),
                colour: ss_colour,
                label: ss_label,
            },
            &ss,
            opts,
        );
    }
    out.push_str("</section>\n");

    // Recorded versus computed.
    section(&mut out, "recorded", "Recorded versus computed stage");
    let rec = nested_rows(&summary["recorded_by_site"], &site_order);
    if rec.is_empty() {
        no_data(&mut out, "No row has a recorded stage.");
    } else {
        stacked_bars(
            &mut out,
            &Chart {
                id: "recorded",
                title: "Recorded stage against the computed stage, by site group",
                desc: "One stacked bar per site group: rows whose recorded stage agrees, disagrees, or cannot be \
                       compared."
                    .into(),
                keys: keys_of(&rec, &["agree", "disagree", "not_comparable"]),
                colour: recorded_colour,
                label: status_label,
            },
            &rec,
            opts,
        );
    }
    out.push_str("</section>\n");

    // Organ-general rows.
    section(
        &mut out,
        "flagged",
        "Organ-general rows (flagged.csv) by site group and status",
    );
    let flagged = nested_rows(&summary["flagged_by_site_status"], &site_order);
    if flagged.is_empty() {
        no_data(&mut out, "No organ-general rows.");
    } else {
        table(
            &mut out,
            "Organ-general rows by site group and status",
            "site group",
            &keys_of(&flagged, &status_order),
            status_label,
            &flagged,
            opts,
        );
    }
    out.push_str("</section>\n");

    // Messages and errors.
    section(&mut out, "messages", "Messages");
    let top = summary["top_messages"].as_array().cloned().unwrap_or_default();
    if top.is_empty() {
        no_data(&mut out, "No messages.");
    } else {
        out.push_str(
            "<div class=\"scroll\"><table><caption>Most frequent messages (rows carrying each code)</caption>\
             <thead><tr><th scope=\"col\">code</th><th scope=\"col\">rows</th></tr></thead><tbody>",
        );
        for m in top.iter().take(15) {
            let _ = write!(
                out,
                "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td></tr>",
                esc(m["code"].as_str().unwrap_or("")),
                shown(count(&m["count"]), opts)
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    let errors = object(&summary["errors_by_field"]);
    if errors.is_empty() {
        no_data(&mut out, "No error rows.");
    } else {
        out.push_str(
            "<div class=\"scroll\"><table><caption>Error rows by field</caption><thead><tr>\
             <th scope=\"col\">field</th><th scope=\"col\">rows</th></tr></thead><tbody>",
        );
        for (field, n) in &errors {
            let _ = write!(
                out,
                "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td></tr>",
                esc(field),
                shown(count(n), opts)
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    out.push_str("</section>\n");
    out.push_str(
        "<footer><p>Counts only: no record and no value of a record is in this page. Every number is one of \
         summary.json's.</p></footer>\n</main></body></html>\n",
    );
    out
}

fn site_colour(site: &str) -> &'static str {
    match site {
        "stomach" => "#332288",
        "duodenum" => "#88ccee",
        "ampulla" => "#44aa99",
        "jejunum_ileum" => "#117733",
        "appendix" => "#999933",
        "colon_rectum" => "#ddcc77",
        "pancreas" => "#cc6677",
        "lung" => "#882255",
        _ => "#aaaaaa",
    }
}

const CSS: &str = "\
:root{color-scheme:light}\
body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;\
color:#1b1b1b;background:#fff;line-height:1.45}\
main{max-width:1100px;margin:0 auto;padding:1rem 1.25rem}\
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .6rem;border-bottom:1px solid #ddd}\
header p{color:#555;margin:.2rem 0}\
figure{margin:.5rem 0;overflow-x:auto}svg{width:100%;height:auto;display:block}\
svg text{font-size:12px;fill:#1b1b1b}svg text.total{fill:#444}\
rect.suppressed{stroke:#1b1b1b;stroke-dasharray:2 2}\
.scroll{overflow-x:auto}\
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}\
caption{text-align:left;font-weight:600;padding:.2rem 0}\
th,td{border:1px solid #ddd;padding:.2rem .45rem;text-align:right;white-space:nowrap}\
th[scope=row]{text-align:left;font-weight:500}thead th{background:#f4f4f4}thead th:first-child{text-align:left}\
tfoot{font-weight:600}\
th.hash{text-align:left}td.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.75rem;text-align:left}\
p.empty{color:#666;font-style:italic}\
footer{color:#666;font-size:.8rem;margin-top:2rem}\
@media (max-width:700px){main{padding:.5rem}h1{font-size:1.3rem}figure svg{width:880px;max-width:none}}\
@media print{@page{size:A4;margin:12mm}main{max-width:none;padding:0}section{break-inside:avoid}\
.scroll{overflow:visible}table{font-size:.75rem}}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_and_digits() {
        let o = ReportOptions {
            suppress_below: Some(11),
        };
        assert_eq!(shown(0, &o), "0");
        assert_eq!(shown(1, &o), "&lt;11");
        assert_eq!(shown(10, &o), "&lt;11");
        assert_eq!(shown(11, &o), "11");
        assert_eq!(shown(12345, &ReportOptions::default()), "12,345");
        assert_eq!(esc("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;");
    }
}
