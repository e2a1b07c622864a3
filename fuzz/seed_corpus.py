#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (run from the repository root).

- fuzz/corpus/record/: one input per golden vector row of
  crates/rules/tests/golden/*.csv, in the `record` target's format (a flags
  byte, then the 25 fields of Field::ALL separated by 0x1f).
- fuzz/corpus/csv_rows/: CSV bodies under the `csv_rows` target's fixed
  header: rows of sample_data/registry_export.csv (5 per file), a sample of
  golden rows (3 per file), and a few hand-made hostile bodies.

Files are named by the SHA-1 of their contents, as libFuzzer names them.
The committed corpus is this seed set after fuzzing and `cargo fuzz cmin`.
"""

import csv
import glob
import hashlib
import io
import os
import sys

FIELDS = [
    "record_id", "tumor_record", "primary_site", "histology", "behavior", "year", "grade",
    "clin_t", "clin_n", "clin_m", "path_t", "path_n", "path_m", "t", "n", "m", "t_suffix",
    "recorded_stage", "size_mm", "size_cm", "extent", "nodes_positive", "mesenteric_mass_mm",
    "metastasis", "multiple_tumors",
]
CSV_HEADER = [
    "record_id", "primary_site", "histology", "behavior", "year", "path_t", "path_n", "path_m",
    "size_mm", "extent", "nodes_positive", "metastasis", "multiple_tumors", "grade",
]


def write(dirname, data):
    os.makedirs(dirname, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(dirname, name), "wb") as f:
        f.write(data)


def record_input(row):
    flags = 0
    if row.get("size_coded") == "y":
        flags |= 1
    flags |= {"8": 1, "9": 2}.get(row.get("opt_edition", ""), 0) << 1
    if row.get("opt_strict_ajcc") == "y":
        flags |= 8
    values = [row.get(f, "") if f != "record_id" else "" for f in FIELDS]
    while values and values[-1] == "":
        values.pop()
    return bytes([flags]) + b"\x1f".join(v.encode() for v in values)


def csv_body(rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r in rows:
        w.writerow([r.get(h, "") for h in CSV_HEADER])
    return buf.getvalue().encode()


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    rec_dir = os.path.join(root, "fuzz/corpus/record")
    csv_dir = os.path.join(root, "fuzz/corpus/csv_rows")

    golden = []
    for path in sorted(glob.glob(os.path.join(root, "crates/rules/tests/golden/*.csv"))):
        with open(path, newline="") as f:
            golden.extend(csv.DictReader(f))
    for row in golden:
        write(rec_dir, record_input(row))

    with open(os.path.join(root, "sample_data/registry_export.csv"), newline="") as f:
        sample = list(csv.DictReader(f))[:300]
    for i in range(0, len(sample), 5):
        write(csv_dir, csv_body(sample[i:i + 5]))

    picked = golden[::10]
    for row in picked:
        row["record_id"] = row.get("case", "")
    for i in range(0, len(picked), 3):
        write(csv_dir, csv_body(picked[i:i + 3]))

    hostile = [
        b"",
        b"\n\n",
        b'"a,b",C250,8240,3,2021,,,,5,confined,0,none,,\n',
        b'"say ""hi""",C250,8240,3,2021,pT1,pN0,cM0,,,,,,\r\n',
        b'"two\nlines",C162,8240,3,2024,,,,12,submucosa,0,none,no,1\n',
        b"short,row\n",
        b"too,many,fields,x,x,x,x,x,x,x,x,x,x,x,x,x,x\n",
        b"\xff\xfe,C250,8240,3,2021,,,,5,confined,0,none,,\n",
        b"id,C25\xe9,8240,3,2021,,,,5,confined,0,none,,\n",
        b"Blank(s),C250,8240,3,2021,,,,5,confined,0,none,,Blank(s)\n",
        "id,\u00a0C250\u00a0,8240,3,2021,,,,5,confined,0,liver; lung,,\n".encode(),
        b"id,C250,8240,3,2021,,,,5,confined,0,none; liver,,\n",
        b"\xef\xbb\xbfid,C250,8240,3,2021,,,,5,confined,0,none,,\n",
        b"\"unterminated,C250\n",
        b"x\n" * 5,
    ]
    for h in hostile:
        write(csv_dir, h)


if __name__ == "__main__":
    main()
