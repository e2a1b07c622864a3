#!/usr/bin/env python3
"""Writes a CSV whose headers are NAACCR XML ids as a NAACCR XML document.

Consecutive rows with the same patientIdNumber become the Tumors of one
Patient (patientIdNumber is written at the Patient level, every other item
in the Tumor); a blank cell writes no Item. The output is deterministic.

Usage: scripts/csv_to_naaccr_xml.py [--canonical] IN.csv OUT.xml

--canonical: the headers are netstage's canonical names (the benchmark file
of scripts/gen_sample_data.py --big): those with a NAACCR id are renamed to
it, the others are written under their own names (items netstage does not
read, as a real abstract carries many). The file is streamed, row by row.
"""

import csv
import sys
from xml.sax.saxutils import escape

PATIENT_ITEMS = {"patientIdNumber"}

# netstage's canonical column names -> NAACCR XML ids (io-contract §2, §14.1).
CANONICAL = {
    "record_id": "patientIdNumber",
    "tumor_record": "tumorRecordNumber",
    "primary_site": "primarySite",
    "histology": "histologicTypeIcdO3",
    "behavior": "behaviorCodeIcdO3",
    "year": "dateOfDiagnosis",
    "grade": "gradeClinical",
    "clin_t": "ajccTnmClinT",
    "clin_n": "ajccTnmClinN",
    "clin_m": "ajccTnmClinM",
    "path_t": "ajccTnmPathT",
    "path_n": "ajccTnmPathN",
    "path_m": "ajccTnmPathM",
    "t_suffix": "ajccTnmPathTSuffix",
    "recorded_stage": "ajccTnmPathStageGroup",
    "tumor_size_summary": "tumorSizeSummary",
    "nodes_positive": "regionalNodesPositive",
    "eod_primary_tumor": "eodPrimaryTumor",
    "eod_regional_nodes": "eodRegionalNodes",
    "eod_mets": "eodMets",
}


def canonical_rows(src: str):
    """Streams the rows of a canonical-header CSV under NAACCR ids."""
    with open(src, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield {CANONICAL.get(k, k.replace("_", "")): v for k, v in row.items()}


HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml"'
    ' recordType="I" specificationVersion="1.7" xmlns="http://naaccr.org/naaccrxml">\n'
)


def patient_xml(rows: list) -> str:
    """One Patient element holding a Tumor for each row (same patient id)."""
    parts = ["  <Patient>\n"]
    pid = rows[0].get("patientIdNumber", "")
    if pid:
        parts.append(f'    <Item naaccrId="patientIdNumber">{escape(pid)}</Item>\n')
    for row in rows:
        parts.append("    <Tumor>\n")
        for key, value in row.items():
            if key in PATIENT_ITEMS or value == "":
                continue
            parts.append(f'      <Item naaccrId="{key}">{escape(value)}</Item>\n')
        parts.append("    </Tumor>\n")
    parts.append("  </Patient>\n")
    return "".join(parts)


def stream(src: str, dst: str) -> None:
    """One Patient per row (the benchmark file's record ids are unique)."""
    with open(dst, "w", encoding="utf-8", newline="\n") as out:
        out.write(HEAD)
        for row in canonical_rows(src):
            out.write(patient_xml([row]))
        out.write("</NaaccrData>\n")


def main(src: str, dst: str) -> None:
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(dst, "w", encoding="utf-8", newline="\n") as out:
        out.write(HEAD)
        i = 0
        while i < len(rows):
            patient = rows[i].get("patientIdNumber", "")
            j = i + 1
            while patient and j < len(rows) and rows[j].get("patientIdNumber", "") == patient:
                j += 1
            out.write(patient_xml(rows[i:j]))
            i = j
        out.write("</NaaccrData>\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "--canonical":
        stream(args[1], args[2])
    elif len(args) == 2:
        main(args[0], args[1])
    else:
        sys.exit(__doc__)
