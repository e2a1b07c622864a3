#!/usr/bin/env python3
"""Writes a CSV whose headers are NAACCR XML ids as a NAACCR XML document.

Consecutive rows with the same patientIdNumber become the Tumors of one
Patient (patientIdNumber is written at the Patient level, every other item
in the Tumor); a blank cell writes no Item. The output is deterministic.

Usage: scripts/csv_to_naaccr_xml.py IN.csv OUT.xml
"""

import csv
import sys
from xml.sax.saxutils import escape

PATIENT_ITEMS = {"patientIdNumber"}


def main(src: str, dst: str) -> None:
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml"'
        ' recordType="I" specificationVersion="1.7" xmlns="http://naaccr.org/naaccrxml">',
    ]
    i = 0
    while i < len(rows):
        patient = rows[i].get("patientIdNumber", "")
        j = i
        while j < len(rows) and rows[j].get("patientIdNumber", "") == patient and (j == i or patient):
            j += 1
        out.append("  <Patient>")
        if patient:
            out.append(f'    <Item naaccrId="patientIdNumber">{escape(patient)}</Item>')
        for row in rows[i:j]:
            out.append("    <Tumor>")
            for key, value in row.items():
                if key in PATIENT_ITEMS or value == "":
                    continue
                out.append(f'      <Item naaccrId="{key}">{escape(value)}</Item>')
            out.append("    </Tumor>")
        out.append("  </Patient>")
        i = j
    out.append("</NaaccrData>")
    with open(dst, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
