//! `netstage schemas`: the supported chapters.

use std::fmt::Write as _;

use netstage_rules::extent::{Level, vocabulary};
use netstage_rules::routing::{chapter_sites, staged_histologies};
use netstage_rules::{Chapter, Schema};

/// Topography ranges per site group, for display.
fn sites_text(chapter: Chapter) -> String {
    chapter_sites(chapter)
        .iter()
        .map(|g| match g.name() {
            "stomach" => "C160-C166,C168-C169",
            "duodenum" => "C170",
            "ampulla" => "C241",
            "jejunum_ileum" => "C171-C173,C178-C179",
            "appendix" => "C181",
            "colon_rectum" => "C180,C182-C189,C199,C209",
            "pancreas" => "C250-C254,C257-C259",
            "lung" => "C340-C343,C348-C349",
            _ => "",
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn histologies_text(schema: Schema) -> String {
    let mut ranges = staged_histologies(schema);
    ranges.sort();
    ranges
        .iter()
        .map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") })
        .collect::<Vec<_>>()
        .join(",")
}

/// The table printed by `netstage schemas`.
pub fn schemas_table() -> String {
    let mut rows = vec![[
        "schema".to_string(),
        "schema_id".into(),
        "edition".into(),
        "ajcc_id".into(),
        "staged_by".into(),
        "sites".into(),
        "staged_histologies".into(),
    ]];
    for s in Schema::all() {
        rows.push([
            s.name().to_string(),
            s.id().to_string(),
            s.edition.code().to_string(),
            s.ajcc_id().to_string(),
            if s.chapter.is_staged_by_netstage() {
                "netstage"
            } else {
                "flagged"
            }
            .to_string(),
            sites_text(s.chapter),
            histologies_text(s),
        ]);
    }
    let widths: Vec<usize> = (0..6)
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        for (c, w) in widths.iter().enumerate() {
            let _ = write!(out, "{:<w$}  ", r[c]);
        }
        let _ = writeln!(out, "{}", r[6]);
    }
    out.push_str(
        "\nstaged_by: `netstage` = T/N/M and stage computed (organ-general chapters with SEER's stage \
         tables; small-intestine NEC 8013/8041/8244 get T/N/M but no stage group, AJCC ID 18.2, and \
         status needs_general_staging); `flagged` = routed, not staged (needs_general_staging): \
         esophagus_gejunction takes C16.0 carcinomas whose Schema Discriminator 1 is 2.\n\
         A routed pair outside staged_histologies gets stage 88 (not_applicable). The edition follows \
         the diagnosis year: GI NET 8th 2018-2023, V9 2024+; appendix carcinoma V9 2023+; lung V9 2025+.\n",
    );
    out.push_str("\nExtent tokens of the facts basis (staging-rules §13.1; the deepest one counts):\n");
    for chapter in netstage_rules::Chapter::all().filter(|c| c.is_net()) {
        let mut line = format!("  {:<18}", Schema::new(chapter, netstage_rules::Edition::Eighth).name());
        for (label, level) in [
            ("size decides", Level::Size),
            ("T2", Level::T2),
            ("T3", Level::T3),
            ("T4", Level::T4),
        ] {
            let tokens: Vec<&str> = vocabulary(chapter)
                .into_iter()
                .filter(|(_, l)| *l == level)
                .map(|(t, _)| t)
                .collect();
            if !tokens.is_empty() {
                let _ = write!(line, " {label}: {};", tokens.join(", "));
            }
        }
        out.push_str(line.trim_end_matches(';'));
        out.push('\n');
    }
    out
}

/// Prints the chapter table.
pub fn run() -> std::process::ExitCode {
    crate::cmd::print_stdout(&schemas_table());
    std::process::ExitCode::SUCCESS
}
