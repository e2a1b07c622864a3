#!/usr/bin/env python3
"""Generate synthetic neuroendocrine-tumour registry data for netstage.

All records are invented: no real patient data is used, record ids are synthetic
(``SYN...`` in the registry layout, 8-digit numbers starting ``9`` in the NAACCR and
SEER*Stat layouts).  The values follow the input contract
(/work/shared/spec/io-contract.md) and the registry conventions of the specs.

Usage
-----
    # the three committed sample files (default row counts, default seed)
    python3 scripts/gen_sample_data.py --out-dir sample_data

    # one large file in the registry_export.csv layout plus extra pass-through
    # columns, streamed row by row (benchmarks)
    python3 scripts/gen_sample_data.py --big 2000000 --out /tmp/big.csv [--seed S] [--gzip]

Determinism: every random choice comes from ``random.Random`` seeded with a string
derived from ``--seed`` (string seeds are hashed with SHA-512 by Python, so they do
not depend on PYTHONHASHSEED); no set iteration, no clock.  The gzip header is
written with mtime 0 and no file name.  Running the script twice gives
byte-identical files.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import gzip
import io
import math
import os
import random
import sys

DEFAULT_SEED = 20251125
DEFAULT_MAIN_ROWS = 3000
DEFAULT_NAACCR_ROWS = 200
DEFAULT_SEER_ROWS = 200
DEFAULT_EOD_ROWS = 400


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------

class W:
    """Weighted choice with precomputed cumulative weights (fast, deterministic)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        self.items = [p[0] for p in pairs]
        self.cum = []
        c = 0.0
        for _, w in pairs:
            c += w
            self.cum.append(c)
        self.total = c

    def __call__(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def chance(rng, p):
    return rng.random() < p


def round_half_up(x):
    return int(math.floor(x + 0.5))


# --------------------------------------------------------------------------
# reference tables
# --------------------------------------------------------------------------

SITE_LABELS = {
    "C160": "Cardia, NOS",
    "C161": "Fundus of stomach",
    "C162": "Body of stomach",
    "C163": "Gastric antrum",
    "C164": "Pylorus",
    "C165": "Lesser curvature of stomach, NOS",
    "C166": "Greater curvature of stomach, NOS",
    "C168": "Overlapping lesion of stomach",
    "C169": "Stomach, NOS",
    "C170": "Duodenum",
    "C171": "Jejunum",
    "C172": "Ileum",
    "C173": "Meckel diverticulum",
    "C178": "Overlapping lesion of small intestine",
    "C179": "Small intestine, NOS",
    "C180": "Cecum",
    "C181": "Appendix",
    "C182": "Ascending colon",
    "C183": "Hepatic flexure of colon",
    "C184": "Transverse colon",
    "C185": "Splenic flexure of colon",
    "C186": "Descending colon",
    "C187": "Sigmoid colon",
    "C188": "Overlapping lesion of colon",
    "C189": "Colon, NOS",
    "C199": "Rectosigmoid junction",
    "C209": "Rectum, NOS",
    "C241": "Ampulla of Vater",
    "C250": "Head of pancreas",
    "C251": "Body of pancreas",
    "C252": "Tail of pancreas",
    "C253": "Pancreatic duct",
    "C254": "Islets of Langerhans",
    "C257": "Other specified parts of pancreas",
    "C258": "Overlapping lesion of pancreas",
    "C259": "Pancreas, NOS",
    "C340": "Main bronchus",
    "C341": "Upper lobe, lung",
    "C342": "Middle lobe, lung",
    "C343": "Lower lobe, lung",
    "C348": "Overlapping lesion of lung",
    "C349": "Lung, NOS",
    "C739": "Thyroid gland",
    "C809": "Unknown primary site",
}

HIST_LABELS = {
    "8013": "Large cell neuroendocrine carcinoma",
    "8041": "Small cell carcinoma, NOS",
    "8140": "Adenocarcinoma, NOS",
    "8150": "Pancreatic endocrine tumor, malignant",
    "8151": "Insulinoma, malignant",
    "8152": "Glucagonoma, malignant",
    "8153": "Gastrinoma, malignant",
    "8154": "Mixed pancreatic endocrine and exocrine tumor, malignant",
    "8155": "Vipoma, malignant",
    "8156": "Somatostatinoma, malignant",
    "8158": "Endocrine tumor, functioning, NOS",
    "8240": "Carcinoid tumor, NOS",
    "8241": "Enterochromaffin cell carcinoid",
    "8242": "Enterochromaffin-like cell tumor, malignant",
    "8243": "Goblet cell carcinoid",
    "8244": "Mixed adenoneuroendocrine carcinoma",
    "8245": "Adenocarcinoid tumor",
    "8246": "Neuroendocrine carcinoma, NOS",
    "8249": "Atypical carcinoid tumor",
    "8683": "Gangliocytic paraganglioma",
    "8936": "Gastrointestinal stromal sarcoma",
}

WELL = ("8150", "8151", "8152", "8153", "8155", "8156", "8158",
        "8240", "8241", "8242", "8249", "8683")
POOR = ("8013", "8041", "8246")
MIXED = ("8154", "8244", "8243", "8245")


# AJCC-staged NET histologies (staging-rules §2.4), by chapter and edition
NET_STAGED = {
    ("stomach", 8): ("8240", "8249"),
    ("stomach", 9): ("8153", "8156", "8240", "8241", "8242", "8249"),
    ("duodenum", 8): ("8153", "8156", "8158", "8240", "8249", "8683"),
    ("duodenum", 9): ("8153", "8156", "8240", "8241", "8249", "8683"),
    ("ampulla", 8): ("8153", "8156", "8158", "8240", "8249", "8683"),
    ("ampulla", 9): ("8153", "8156", "8240", "8241", "8249", "8683"),
    ("jejunum_ileum", 8): ("8240", "8249"),
    ("jejunum_ileum", 9): ("8240", "8241", "8249"),
    ("appendix", 8): ("8240", "8249"),
    ("appendix", 9): ("8152", "8240", "8241", "8249"),
    ("colon_rectum", 8): ("8240", "8249"),
    ("colon_rectum", 9): ("8152", "8240", "8241", "8249"),
    ("pancreas", 8): ("8150", "8151", "8152", "8153", "8155", "8156", "8158", "8240", "8249"),
    ("pancreas", 9): ("8150", "8151", "8152", "8153", "8155", "8156", "8158", "8240", "8241", "8249"),
}
NET_STAGED_SITES = {
    ("jejunum_ileum", 8): ("C171", "C172"),
    ("jejunum_ileum", 9): ("C171", "C172", "C178", "C179"),
    ("pancreas", 8): ("C250", "C251", "C252", "C254", "C257", "C258", "C259"),
    ("pancreas", 9): ("C250", "C251", "C252", "C254", "C257", "C258", "C259"),
}
LUNG_STAGED = {
    8: ("8013", "8041", "8042", "8045", "8240", "8246", "8249"),
    9: ("8013", "8041", "8044", "8045", "8240", "8249"),
}

# sites per site group (weights roughly follow NET incidence by subsite)
SITES = {
    "stomach": W([("C160", 4), ("C161", 14), ("C162", 25), ("C163", 14), ("C164", 3),
                  ("C165", 5), ("C166", 5), ("C168", 3), ("C169", 27)]),
    "duodenum": W([("C170", 1)]),
    "ampulla": W([("C241", 1)]),
    "jejunum_ileum": W([("C171", 10), ("C172", 58), ("C173", 3), ("C178", 6), ("C179", 23)]),
    "appendix": W([("C181", 1)]),
    "colon_rectum": W([("C180", 10), ("C182", 4), ("C183", 1), ("C184", 2), ("C185", 1),
                       ("C186", 1), ("C187", 6), ("C188", 1), ("C189", 4), ("C199", 5),
                       ("C209", 65)]),
    "pancreas": W([("C250", 25), ("C251", 15), ("C252", 20), ("C253", 2), ("C254", 10),
                   ("C257", 3), ("C258", 5), ("C259", 20)]),
    "lung": W([("C340", 8), ("C341", 35), ("C342", 10), ("C343", 30), ("C348", 2), ("C349", 15)]),
}

NET_HISTS = {
    "stomach": W([("8240", 84), ("8249", 6), ("8242", 6), ("8241", 4)]),
    "duodenum": W([("8240", 74), ("8153", 10), ("8156", 5), ("8249", 5), ("8683", 3), ("8241", 3)]),
    "ampulla": W([("8240", 78), ("8156", 12), ("8249", 10)]),
    "jejunum_ileum": W([("8240", 86), ("8241", 9), ("8249", 5)]),
    "appendix": W([("8240", 86), ("8241", 6), ("8249", 5), ("8152", 3)]),
    "colon_rectum": W([("8240", 80), ("8241", 7), ("8249", 7), ("8152", 6)]),
    "pancreas": W([("8240", 40), ("8150", 34), ("8151", 6), ("8153", 5), ("8249", 8),
                   ("8156", 2), ("8152", 2), ("8155", 1), ("8158", 2)]),
}

LUNG_HISTS = W([("8240", 42), ("8249", 14), ("8041", 32), ("8013", 9), ("8246", 3)])

# poorly differentiated / mixed / goblet tumours of the GI tract -> organ-general chapters
GENERAL_HISTS = {
    "stomach": W([("8246", 45), ("8013", 20), ("8041", 15), ("8244", 12), ("8154", 8)]),
    "duodenum": W([("8246", 40), ("8013", 20), ("8041", 20), ("8244", 20)]),
    "ampulla": W([("8246", 50), ("8013", 20), ("8041", 15), ("8244", 15)]),
    "jejunum_ileum": W([("8246", 40), ("8013", 25), ("8041", 15), ("8244", 20)]),
    "appendix": W([("8243", 55), ("8245", 10), ("8244", 15), ("8246", 15), ("8013", 5)]),
    "colon_rectum": W([("8246", 40), ("8013", 20), ("8041", 15), ("8154", 10), ("8244", 15)]),
    "pancreas": W([("8246", 50), ("8013", 15), ("8041", 15), ("8154", 20)]),
}
GENERAL_GROUPS = W([("colon_rectum", 28), ("pancreas", 24), ("stomach", 16), ("appendix", 14),
                    ("jejunum_ileum", 7), ("duodenum", 6), ("ampulla", 5)])

# non-NET or unrouted tumours: (site, histology, weight)
NONNET = W([
    (("C187", "8140"), 14), (("C184", "8140"), 6), (("C209", "8140"), 10),
    (("C162", "8140"), 8), (("C250", "8140"), 10), (("C341", "8140"), 14),
    (("C162", "8936"), 14), (("C739", "8240"), 12), (("C809", "8246"), 8),
    (("C809", "8240"), 4),
])
NONNET_GROUP = {"C187": "colon_rectum", "C184": "colon_rectum", "C209": "colon_rectum",
                "C162": "stomach", "C250": "pancreas", "C341": "lung",
                "C739": "other", "C809": "other"}

KIND_GROUP = W([
    (("net", "jejunum_ileum"), 14), (("net", "colon_rectum"), 13), (("net", "pancreas"), 15),
    (("net", "appendix"), 8), (("net", "stomach"), 7), (("net", "duodenum"), 5),
    (("net", "ampulla"), 1.6), (("lung", "lung"), 16), (("general", None), 12),
    (("nonnet", None), 6),
])

YEARS = W([(2016, 2), (2017, 3), (2018, 10), (2019, 11), (2020, 10), (2021, 12),
           (2022, 12), (2023, 12), (2024, 11), (2025, 10), (2026, 2), (None, 3)])

# extent vocabulary (staging-rules §13.1): level 1 = size decides T
EXTENT = {
    "stomach": {1: ("mucosa", "lamina_propria", "submucosa"), 2: ("muscularis_propria",),
                3: ("subserosa", "perigastric_tissue", "through_wall"),
                4: ("serosa", "visceral_peritoneum", "adjacent_organ")},
    "duodenum": {1: ("mucosa", "lamina_propria", "submucosa"), 2: ("muscularis_propria",),
                 3: ("pancreas", "peripancreatic_tissue", "subserosa", "through_wall"),
                 4: ("serosa", "visceral_peritoneum", "adjacent_organ")},
    "ampulla": {1: ("sphincter_of_oddi", "mucosa", "submucosa", "confined"),
                2: ("duodenal_submucosa", "muscularis_propria"),
                3: ("pancreas", "peripancreatic_tissue", "subserosa", "through_wall"),
                4: ("serosa", "visceral_peritoneum", "adjacent_organ")},
    "jejunum_ileum": {1: ("mucosa", "lamina_propria", "submucosa"), 2: ("muscularis_propria",),
                      3: ("subserosa", "mesentery", "through_wall"),
                      4: ("serosa", "visceral_peritoneum", "adjacent_organ")},
    "colon_rectum": {1: ("mucosa", "lamina_propria", "submucosa"), 2: ("muscularis_propria",),
                     3: ("subserosa", "pericolorectal_tissue", "through_wall"),
                     4: ("serosa", "visceral_peritoneum", "adjacent_organ")},
    "appendix": {1: ("mucosa", "lamina_propria", "submucosa", "muscularis_propria", "confined"),
                 3: ("subserosa", "mesoappendix", "serosa"),
                 4: ("perforation", "visceral_peritoneum", "adjacent_organ")},
    "pancreas": {1: ("confined", "peripancreatic_tissue"),
                 3: ("duodenum", "bile_duct", "ampulla"),
                 4: ("stomach", "spleen", "colon", "adrenal", "adjacent_organ", "celiac_axis",
                     "superior_mesenteric_artery", "major_vessel")},
}

# per NET chapter: size median mm, lognormal sigma, extent-level weights,
# P(node positive), P(distant metastasis), size boundary values (tested often)
NET_PROFILE = {
    "stomach": (8, 0.65, W([(1, 80), (2, 10), (3, 6), (4, 4)]), 0.10, 0.05, (8, 10, 11)),
    "duodenum": (9, 0.55, W([(1, 70), (2, 15), (3, 12), (4, 3)]), 0.22, 0.06, (8, 10, 11)),
    "ampulla": (16, 0.45, W([(1, 40), (2, 25), (3, 28), (4, 7)]), 0.45, 0.10, (10, 11)),
    "jejunum_ileum": (16, 0.45, W([(1, 12), (2, 25), (3, 48), (4, 15)]), 0.70, 0.30, (10, 11)),
    "appendix": (9, 0.65, W([(1, 78), (3, 18), (4, 4)]), 0.12, 0.02, (19, 20, 21, 40, 41)),
    "colon_rectum": (7, 0.6, W([(1, 78), (2, 11), (3, 8), (4, 3)]), 0.15, 0.08, (8, 9, 10, 11, 19, 20, 21)),
    "colon": (28, 0.55, W([(1, 25), (2, 20), (3, 40), (4, 15)]), 0.60, 0.30, (20, 21)),
    "pancreas": (20, 0.55, W([(1, 78), (3, 13), (4, 9)]), 0.28, 0.20, (12.5, 19, 20, 21, 40, 41)),
}
LEVEL_FACTOR = {1: 0.55, 2: 1.1, 3: 1.5, 4: 1.9}

METS = W([(("liver",), 58), (("liver", "bone"), 9), (("bone",), 8), (("distant_nodes",), 8),
          (("peritoneum",), 7), (("lung",), 4), (("liver", "distant_nodes"), 4),
          (("liver", "lung"), 2)])
LUNG_METS_M = {"M1a": (("other",),), "M1b": (("bone",), ("liver",), ("brain",), ("distant_nodes",)),
               "M1c": (("liver", "bone"), ("brain", "bone"), ("liver", "brain", "bone"))}

BASIS = {
    "net": W([("path", 29), ("clin", 13), ("facts", 30), ("path+facts", 18),
              ("clin+path", 6), ("none", 4)]),
    "lung": W([("path", 33), ("clin", 46), ("clin+path", 8), ("facts", 5),
               ("path+facts", 3), ("none", 5)]),
    "general": W([("path", 40), ("clin", 20), ("facts", 15), ("path+facts", 10), ("none", 15)]),
    "nonnet": W([("path", 50), ("clin", 20), ("facts", 15), ("none", 15)]),
}

NET_GRADE = W([("1", 48), ("2", 30), ("3", 5), ("9", 5), ("", 12)])
POOR_GRADE = W([("3", 55), ("9", 15), ("", 30)])
OTHER_GRADE = W([("1", 15), ("2", 45), ("3", 20), ("9", 10), ("", 10)])

# organ-general chapters: plausible categories (not validated by netstage v1)
GENERAL_TNM = {
    "stomach": (("T1b", "T2", "T3", "T4a", "T4b"), ("N0", "N1", "N2", "N3a")),
    "duodenum": (("T1b", "T2", "T3", "T4"), ("N0", "N1", "N2")),
    "jejunum_ileum": (("T2", "T3", "T4"), ("N0", "N1", "N2")),
    "ampulla": (("T1b", "T2", "T3a", "T3b", "T4"), ("N0", "N1", "N2")),
    "appendix": (("T2", "T3", "T4a", "T4b"), ("N0", "N1a", "N1b", "N2")),
    "colon_rectum": (("T2", "T3", "T4a", "T4b"), ("N0", "N1a", "N1b", "N2a", "N2b")),
    "pancreas": (("T1c", "T2", "T3", "T4"), ("N0", "N1", "N2")),
    "lung": (("T1b", "T1c", "T2a", "T3"), ("N0", "N1", "N2")),
    "other": (("T1", "T2", "T3"), ("N0", "N1")),
}


# --------------------------------------------------------------------------
# staging helpers (registry matrices, staging-rules §6-§7), used to write
# realistic recorded stage groups and SEER*Stat derived stage groups
# --------------------------------------------------------------------------

T1NX_V9 = ("stomach", "duodenum", "ampulla", "appendix", "colon_rectum")


def net_stage(ch, ed, t, n, m):
    if m != "M0":
        return "4"
    cr = ch == "colon_rectum"
    if n in ("N1", "N2"):
        if cr:
            return "99" if (t == "T0" and ed == 8) else "3B"
        return "3"
    t1 = t in ("T1", "T1a", "T1b")
    if n == "N0":
        if t in ("TX", "T0"):
            return "99"
        if t1:
            return "1"
        if t == "T2":
            return "2A" if cr else "2"
        if t == "T3":
            return "2B" if cr else "2"
        return "3A" if cr else "3"
    # NX
    if t == "T4":
        return "3" if ed == 8 else "99"
    if ed == 9 and t1 and ch in T1NX_V9:
        return "1"
    if ed == 9 and t == "T2" and ch == "appendix":
        return "2"
    return "99"


def lung_stage(ed, t, n, m):
    if t == "Tis" and m != "M0":
        return "99"
    if m in ("M1a", "M1b"):
        return "4A"
    if m in ("M1c", "M1c1", "M1c2"):
        return "4B"
    if m == "M1":
        return "4"
    t1 = t in ("T1", "T1mi", "T1a", "T1b", "T1c")
    t2 = t in ("T2", "T2a", "T2b")
    tx = t in ("TX", "T0")
    if n == "NX":
        return "3" if t == "T4" else "99"
    if t == "Tis":
        return "0" if n == "N0" else "99"
    if n == "N0":
        return {"T1": "1A", "T1mi": "1A1", "T1a": "1A1", "T1b": "1A2", "T1c": "1A3",
                "T2a": "1B", "T2b": "2A", "T3": "2B", "T4": "3A"}.get(t, "99")
    if n == "N1":
        if tx:
            return "99"
        if t1:
            return "2A" if ed == 9 else "2B"
        if t2:
            return "2B"
        return "3A"
    if n == "N3":
        if tx:
            return "3"
        return "3B" if (t1 or t2) else "3C"
    # N2 family
    if ed == 8:
        if tx:
            return "3"
        return "3A" if (t1 or t2) else "3B"
    if n == "N2":
        if t1 or tx:
            return "99"
        return "3B" if t == "T4" else "3"
    if n == "N2a":
        if tx:
            return "99"
        if t1:
            return "2B"
        return "3A" if (t2 or t == "T3") else "3B"
    # N2b
    if tx:
        return "3"
    if t1:
        return "3A"
    return "3B"


ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def to_roman(code):
    if code and code[0] in ROMAN:
        return ROMAN[code[0]] + code[1:]
    return code


STAGE_POOL = ("1", "2", "2A", "2B", "3", "3A", "3B", "4")


# --------------------------------------------------------------------------
# the tumour model
# --------------------------------------------------------------------------

class Tumor:
    __slots__ = ("kind", "group", "site", "hist", "beh", "year", "month", "day", "grade",
                 "basis", "size", "level", "tokens", "nodes", "node_code", "mass",
                 "mets", "multiple", "T", "N", "M", "chapter", "ed", "staged", "sex", "age")


def edition_for(group, year):
    if group == "lung":
        return 9 if (year is None or year >= 2025) else 8
    return 9 if (year is None or year >= 2024) else 8


def size_T(ch, s):
    if ch == "colon_rectum":
        return "T1a" if s < 10 else ("T1b" if s <= 20 else "T2")
    if ch == "appendix":
        return "T1" if s <= 20 else ("T2" if s <= 40 else "T3")
    if ch == "pancreas":
        return "T1" if s <= 19 else ("T2" if s <= 40 else "T3")
    return "T1" if s <= 10 else "T2"


T_ORDER = {"TX": 0, "T0": 0, "T1": 1, "T1a": 1, "T1b": 1, "T2": 2, "T3": 3, "T4": 4}


def facts_T(ch, size_mm, level):
    """T from a (rounded) size in mm (None unknown, 0 no mass) and an extent level."""
    if level is None or level == 1:
        if size_mm is None:
            return "TX"
        if size_mm == 0:
            return "T0"
        return size_T(ch, size_mm)
    t = "T%d" % level
    if ch in ("appendix", "pancreas") and size_mm:
        st = size_T(ch, size_mm)
        if T_ORDER[st] > T_ORDER[t]:
            t = st
    return t


def draw_size(rng, median, sigma, boundaries):
    if chance(rng, 0.003):
        return 0.4                            # sub-millimetre focus (counts as 1 mm)
    if chance(rng, 0.22):
        return rng.choice(boundaries)
    s = rng.lognormvariate(math.log(median), sigma)
    if chance(rng, 0.06):
        return round(s * 2) / 2.0 or 0.5       # half-mm values such as 12.5
    return max(1, min(180, int(round(s))))


def lung_T_from_size(s):
    if s <= 10:
        return "T1a"
    if s <= 20:
        return "T1b"
    if s <= 30:
        return "T1c"
    if s <= 40:
        return "T2a"
    if s <= 50:
        return "T2b"
    if s <= 70:
        return "T3"
    return "T4"


LUNG_PROFILE = {
    # median size, sigma, N weights, M weights
    "8240": (20, 0.45, W([("N0", 84), ("N1", 10), ("N2", 5), ("N3", 1)]),
             W([("M0", 96), ("M1b", 2), ("M1c", 2)])),
    "8249": (25, 0.45, W([("N0", 58), ("N1", 20), ("N2", 18), ("N3", 4)]),
             W([("M0", 85), ("M1a", 3), ("M1b", 6), ("M1c", 6)])),
    "8041": (42, 0.45, W([("N0", 8), ("N1", 10), ("N2", 45), ("N3", 37)]),
             W([("M0", 38), ("M1a", 14), ("M1b", 16), ("M1c", 32)])),
    "8013": (38, 0.45, W([("N0", 38), ("N1", 20), ("N2", 30), ("N3", 12)]),
             W([("M0", 70), ("M1a", 5), ("M1b", 10), ("M1c", 15)])),
    "8246": (35, 0.45, W([("N0", 30), ("N1", 20), ("N2", 35), ("N3", 15)]),
             W([("M0", 60), ("M1a", 10), ("M1b", 10), ("M1c", 20)])),
}


def make_tumor(rng, force=None):
    """Draw one tumour.  ``force`` may fix kind/group/hist/site/basis/year."""
    f = force or {}
    t = Tumor()
    if "kind" in f:
        kind, group = f["kind"], f.get("group")
    else:
        kind, group = KIND_GROUP(rng)
    if kind == "net":
        site = f.get("site") or SITES[group](rng)
        hist = f.get("hist") or NET_HISTS[group](rng)
    elif kind == "lung":
        group = "lung"
        site = f.get("site") or SITES["lung"](rng)
        hist = f.get("hist") or LUNG_HISTS(rng)
    elif kind == "general":
        group = group or GENERAL_GROUPS(rng)
        site = f.get("site") or SITES[group](rng)
        if group == "pancreas" and site == "C253":
            site = "C250"
        hist = f.get("hist") or GENERAL_HISTS[group](rng)
    else:
        site, hist = NONNET(rng)
        group = NONNET_GROUP[site]
    t.kind, t.group, t.site, t.hist = kind, group, site, hist

    t.year = f["year"] if "year" in f else YEARS(rng)
    t.month = rng.randint(1, 12)
    t.day = rng.randint(1, 28)
    t.beh = f.get("beh", 3)
    if "beh" not in f and chance(rng, 0.005):
        t.beh = 2
    t.sex = "F" if chance(rng, 0.52) else "M"
    t.age = max(18, min(95, int(rng.gauss(62 if kind != "net" or group != "appendix" else 42, 13))))
    t.basis = f.get("basis") or f.get("basis_table", BASIS)[kind](rng)
    resected = "path" in t.basis or (t.basis == "facts" and chance(rng, 0.7))
    t.multiple = 0
    t.mass = None

    if kind == "net":
        prof_key = group
        if group == "colon_rectum" and site not in ("C209", "C199"):
            prof_key = "colon"
        median, sigma, levels, p_node, p_met, bounds = NET_PROFILE[prof_key]
        t.grade = NET_GRADE(rng)
        t.size = draw_size(rng, median, sigma, bounds)
        t.level = levels(rng)
        if group == "pancreas" and isinstance(t.size, (int, float)) and t.size > 45 and t.level == 1 \
                and chance(rng, 0.3):
            t.level = 4
        if chance(rng, 0.04):
            t.size = None                       # size not documented
        elif chance(rng, 0.008) and t.level == 1:
            t.size = 0                          # no residual mass found
        toks = EXTENT[group][t.level]
        tok = rng.choice(toks)
        t.tokens = [tok]
        if t.level > 1 and chance(rng, 0.15):
            t.tokens = [rng.choice(EXTENT[group][1]), tok]
        fac = LEVEL_FACTOR[t.level]
        node_pos = chance(rng, min(0.95, p_node * fac))
        if node_pos:
            if group == "jejunum_ileum":
                cnt = 1 + int(rng.expovariate(1 / 6.0))
            else:
                cnt = 1 + int(rng.expovariate(1 / 2.5))
            t.nodes = min(cnt, 45)
        else:
            t.nodes = 0
        if resected:
            examined = chance(rng, 0.8 if group not in ("stomach", "colon_rectum", "duodenum", "appendix")
                              else 0.55)
            if not examined and not node_pos:
                t.node_code = 98            # endoscopic resection / no nodes examined
            elif node_pos and chance(rng, 0.05):
                t.node_code = 97
            else:
                t.node_code = t.nodes
        else:
            if node_pos:
                t.node_code = 95 if chance(rng, 0.3) else 99
            else:
                t.node_code = 98 if chance(rng, 0.6) else 99
        if group == "jejunum_ileum" and node_pos and t.node_code not in (98, 99) and chance(rng, 0.5):
            t.mass = rng.choice((15, 20, 20, 25, 25, 30, 35, 45))
        met = chance(rng, min(0.9, p_met * fac * (1.6 if node_pos else 0.6)))
        t.mets = METS(rng) if met else ()
        if group in ("stomach", "jejunum_ileum") and chance(rng, 0.12):
            t.multiple = rng.choice((2, 2, 3, 4, 5))
        elif chance(rng, 0.02):
            t.multiple = 2
        # truth categories
        sz = None if t.size is None else (0 if t.size == 0 else max(1, round_half_up(t.size)))
        t.T = facts_T(group, sz, t.level)
        nc = t.node_code
        if nc == 0:
            n = "N0"
        elif nc in (98, 99):
            n = "NX"
        elif nc in (95, 97):
            n = "N1"
        else:
            n = "N2" if (group == "jejunum_ileum" and nc >= 12) else "N1"
        if t.mass is not None and t.mass > 20 and group == "jejunum_ileum":
            n = "N2"
        t.N = n
        if not t.mets:
            t.M = "M0"
        else:
            liver = "liver" in t.mets
            extra = any(x != "liver" for x in t.mets)
            t.M = "M1c" if (liver and extra) else ("M1a" if liver else "M1b")
    elif kind == "lung":
        median, sigma, nw, mw = LUNG_PROFILE[hist]
        t.grade = NET_GRADE(rng) if hist in ("8240", "8249") else POOR_GRADE(rng)
        s = max(3, min(120, int(round(rng.lognormvariate(math.log(median), sigma)))))
        t.size = s
        T = lung_T_from_size(s)
        r = rng.random()
        if r < 0.08 and T_ORDER.get(T[:2], 1) <= 2 and s <= 40:
            T = "T2a"                           # visceral pleural invasion
        elif r < 0.13:
            T = "T3" if s <= 70 else T
        elif r < 0.17:
            T = "T4"
        N = nw(rng)
        M = mw(rng)
        t.level = None
        t.tokens = []
        t.nodes = {"N0": 0, "N1": rng.randint(1, 3), "N2": rng.randint(1, 6),
                   "N3": rng.randint(2, 8)}[N]
        t.node_code = t.nodes if resected else (99 if N != "N0" else 98)
        t.mets = rng.choice(LUNG_METS_M[M]) if M != "M0" else ()
        ed = edition_for("lung", t.year)
        if ed == 9:
            if N == "N2":
                N = "N2a" if chance(rng, 0.5) else ("N2b" if chance(rng, 0.8) else "N2")
            if M == "M1c":
                M = rng.choice(("M1c1", "M1c2", "M1c"))
        t.T, t.N, t.M = T, N, M
    else:
        t.grade = POOR_GRADE(rng) if hist in POOR else OTHER_GRADE(rng)
        if group in NET_PROFILE:
            median = NET_PROFILE[group][0] * 2.2
        else:
            median = 35
        t.size = max(2, min(150, int(round(rng.lognormvariate(math.log(median), 0.5)))))
        if chance(rng, 0.05):
            t.size = None
        Ts, Ns = GENERAL_TNM.get(group, GENERAL_TNM["other"])
        if hist == "8936":
            Ts, Ns = ("T1", "T2", "T3", "T4"), ("N0",)
        t.T = rng.choice(Ts)
        t.N = rng.choice(Ns)
        met = chance(rng, 0.35 if hist in POOR else 0.15)
        t.mets = METS(rng) if met else ()
        # Each organ chapter's own M categories (io-contract §19 item 12): liver
        # only is M1a in the colon/rectum (one organ), M1c in the appendix (not
        # the peritoneum); the other organ chapters have M1 only.
        if not met:
            t.M = "M0"
        elif t.mets == ("liver",) and group == "colon_rectum":
            t.M = "M1a"
        elif t.mets == ("liver",) and group == "appendix":
            t.M = "M1c"
        else:
            t.M = "M1"
        t.level = None
        t.tokens = []
        if t.N == "N0":
            t.nodes = 0
        else:
            t.nodes = rng.randint(1, 9)
        t.node_code = t.nodes if resected else 99

    # routing and edition
    if kind in ("net", "lung"):
        ed = edition_for(group, t.year)
        t.chapter, t.ed = group, ed
        if kind == "net":
            staged = hist in NET_STAGED[(group, ed)]
            sites = NET_STAGED_SITES.get((group, ed))
            if sites is not None and site not in sites:
                staged = False
        else:
            staged = hist in LUNG_STAGED[ed]
        if t.year is not None and t.year < 2018:
            staged = False
        if t.beh != 3:
            staged = False
        t.staged = staged
    else:
        t.chapter, t.ed, t.staged = None, None, False
    return t


def stage_of(t, T, N, M):
    if t.kind == "lung":
        return lung_stage(t.ed, T, N, M)
    return net_stage(t.chapter, t.ed, T, N, M)


def clin_cats(rng, t):
    """Clinical categories: derived from the truth with typical under-staging."""
    T, N, M = t.T, t.N, t.M
    r = rng.random()
    if t.kind == "net":
        if r < 0.18:
            T = "TX"
        elif r < 0.30 and T in ("T2", "T3", "T4"):
            T = "T%d" % (int(T[1]) - 1)
        elif T in ("T1a", "T1b") and r < 0.45:
            T = "T1"
        if N in ("N1", "N2") and chance(rng, 0.3):
            N = "N0"
        elif N == "NX" and chance(rng, 0.6):
            N = "N0"
        if N == "N2" and chance(rng, 0.3):
            N = "N1"
    elif t.kind == "lung":
        if r < 0.06:
            T = "TX"
        elif r < 0.12 and T in ("T2a", "T2b"):
            T = "T2"
        if N == "NX":
            N = "N0"
    return T, N, M


# --------------------------------------------------------------------------
# value spellings
# --------------------------------------------------------------------------

SITE_STYLE = W([("plain", 70), ("dot", 20), ("num", 7), ("lower", 3)])


def spell_site(rng, site):
    st = SITE_STYLE(rng)
    if st == "plain":
        return site
    if st == "dot":
        return site[:3] + "." + site[3]
    if st == "num":
        return site[1:]
    return site.lower()


def spell_year(rng, t):
    y = t.year
    if y is None:
        return "" if chance(rng, 0.6) else "9999"
    r = rng.random()
    if r < 0.58:
        return str(y)
    if r < 0.80:
        return "%d%02d%02d" % (y, t.month, t.day)
    if r < 0.96:
        return "%d-%02d-%02d" % (y, t.month, t.day)
    return "%d%02d" % (y, t.month)


def spell_size(rng, size):
    if size is None:
        return ""
    if isinstance(size, float):
        if size == int(size):
            return str(int(size))
        return ("%.1f" % size)
    return str(size)


def spell_extent(rng, tokens):
    out = []
    for tok in tokens:
        r = rng.random()
        if r < 0.05:
            tok = tok.replace("_", " ").capitalize()
        elif r < 0.08:
            tok = tok.replace("_", "-")
        elif r < 0.10:
            tok = tok.upper()
        out.append(tok)
    sep = ";" if chance(rng, 0.8) else rng.choice((",", "|", "; "))
    return sep.join(out)


def spell_mets(rng, mets):
    if not mets:
        r = rng.random()
        if r < 0.70:
            return "none"
        if r < 0.93:
            return ""
        return "unknown"
    if chance(rng, 0.03):
        return "distant_nos"
    return (";" if chance(rng, 0.85) else ",").join(mets)


def spell_multiple(rng, t):
    if t.multiple:
        return rng.choice(("y", "y", "yes", str(t.multiple), str(t.multiple), "true"))
    r = rng.random()
    if r < 0.97:
        return ""
    return rng.choice(("n", "no", "1", "0"))


def cat_value(rng, prefix, cat):
    """Write a category as registries do: mostly with the basis prefix."""
    r = rng.random()
    if r < 0.90:
        return prefix + cat
    if r < 0.97:
        return cat
    return (prefix + cat).lower() if len(cat) < 3 else prefix + cat[0].lower() + cat[1:].upper()


def path_m_value(rng, M):
    if M == "M0":
        r = rng.random()
        if r < 0.80:
            return "cM0"
        if r < 0.90:
            return ""
        if r < 0.995:
            return "M0"
        return "pM0"
    return ("p" if chance(rng, 0.6) else "c") + M


# --------------------------------------------------------------------------
# registry layout (registry_export.csv and the --big file)
# --------------------------------------------------------------------------

MAIN_COLUMNS = ["record_id", "tumor_record", "sex", "age_at_dx", "primary_site", "histology",
                "behavior", "year", "grade", "clin_t", "clin_n", "clin_m", "path_t", "path_n",
                "path_m", "t_suffix", "recorded_stage", "size_mm", "extent", "nodes_positive",
                "mesenteric_mass_mm", "metastasis", "multiple_tumors", "reporting_source"]
BIG_EXTRA = ["race", "county", "vital_status", "survival_months", "ki67",
             "diagnostic_confirmation", "marital_status", "laterality"]

REPORTING = W([("hospital_inpatient", 55), ("physician_office", 12), ("lab_only", 18),
               ("radiation_center", 3), ("autopsy", 1), ("nursing_home", 1), ("", 10)])
RACE = W([("White", 70), ("Black", 13), ("Asian/Pacific Islander", 7),
          ("American Indian/Alaska Native", 1), ("Other", 3), ("Unknown", 6)])
VITAL = W([("alive", 72), ("dead", 28)])
CONFIRM = W([("1", 88), ("2", 3), ("4", 2), ("5", 2), ("6", 1), ("7", 2), ("9", 2)])
MARITAL = W([("married", 52), ("single", 18), ("divorced", 12), ("widowed", 12), ("unknown", 6)])


def render_main(rng, t, rid, tumor_no, big=False):
    """One row in the registry layout (list of strings, MAIN_COLUMNS order)."""
    basis = t.basis
    has_path = "path" in basis
    has_clin = "clin" in basis
    has_facts = "facts" in basis

    beh = "" if chance(rng, 0.012) else str(t.beh)
    hist = t.hist
    if chance(rng, 0.3):
        hist = hist + "/" + str(t.beh)
    grade = t.grade
    if big and t.kind == "net" and chance(rng, 0.001):
        grade = "C"

    clin_t = clin_n = clin_m = path_t = path_n = path_m = ""
    path_T = t.T
    recorded_src = None
    if has_path:
        if t.kind == "net" and basis == "path+facts" and chance(rng, 0.06):
            # a path T that the raw findings do not support (bases disagree)
            path_T = {"T1": "T2", "T1a": "T1b", "T1b": "T2", "T2": "T3", "T3": "T2",
                      "T4": "T3", "TX": "T2", "T0": "T1"}.get(path_T, path_T)
        path_t = cat_value(rng, "p", path_T) if path_T not in ("TX",) or chance(rng, 0.5) else ""
        if t.N == "NX":
            path_n = "" if chance(rng, 0.4) else "pNX"
        else:
            path_n = cat_value(rng, "p", t.N)
        path_m = path_m_value(rng, t.M)
        if t.kind in ("net", "lung"):
            recorded_src = (path_T, t.N, t.M)
    if has_clin:
        cT, cN, cM = clin_cats(rng, t)
        clin_t = cat_value(rng, "c", cT)
        clin_n = cat_value(rng, "c", cN)
        clin_m = "c" + cM if cM != "M0" or chance(rng, 0.9) else ""
        if recorded_src is None and t.kind in ("net", "lung"):
            recorded_src = (cT, cN, cM)

    size = extent = nodes = mass = mets = ""
    if has_facts:
        if chance(rng, 0.9):
            size = spell_size(rng, t.size)
        if t.tokens and chance(rng, 0.72):
            extent = spell_extent(rng, t.tokens)
        if chance(rng, 0.88):
            nodes = str(t.node_code)
        if t.mass is not None:
            mass = str(t.mass)
        if chance(rng, 0.85) or t.mets:
            mets = spell_mets(rng, t.mets)

    t_suffix = ""
    multiple = spell_multiple(rng, t)
    if t.multiple:
        r = rng.random()
        if r < 0.45:
            t_suffix = "(m)"
        elif r < 0.55:
            t_suffix = "m"
        elif r < 0.65 and path_t:
            path_t = path_t + "(m)"
        if r < 0.65 and chance(rng, 0.5):
            multiple = ""

    recorded = ""
    if recorded_src is not None and t.staged:
        r = rng.random()
        if r < 0.22:
            code = stage_of(t, *recorded_src)
            if chance(rng, 0.05):          # deliberately disagreeing recorded stage
                code = rng.choice([c for c in STAGE_POOL if c != code])
            r2 = rng.random()
            if r2 < 0.75 or code == "99":
                recorded = code
            elif r2 < 0.9:
                recorded = to_roman(code)
            else:
                recorded = "Stage " + to_roman(code)
    elif t.kind in ("general", "nonnet") and chance(rng, 0.08):
        recorded = rng.choice(("1", "2A", "3B", "4", "IIIB", "99"))

    return [
        rid, "%02d" % tumor_no, t.sex, str(t.age), spell_site(rng, t.site), hist, beh,
        spell_year(rng, t), grade, clin_t, clin_n, clin_m, path_t, path_n, path_m, t_suffix,
        recorded, size, extent, nodes, mass, mets, multiple, REPORTING(rng),
    ]


def big_extra(rng, t):
    vital = VITAL(rng)
    months = rng.randint(0, 96) if vital == "alive" else rng.randint(0, 60)
    if t.hist in WELL:
        r = rng.random()
        ki67 = "%.1f" % (rng.uniform(0.5, 2.9) if r < 0.55 else rng.uniform(3, 20) if r < 0.9
                         else rng.uniform(20.1, 60))
        if chance(rng, 0.1):
            ki67 = rng.choice(("XXX.4", "XXX.5", "XXX.9"))
    else:
        ki67 = "XXX.9" if chance(rng, 0.5) else "%.1f" % rng.uniform(40, 95)
    return [RACE(rng), "%03d" % (1 + 2 * rng.randint(0, 60)), vital, str(months), ki67,
            CONFIRM(rng), MARITAL(rng),
            rng.choice(("1", "2", "4", "9")) if t.group == "lung" else "0"]


# deliberate bad values: (kind, forced tumour, column, value, expected message)
BAD_KINDS = [
    ("site", dict(kind="net", group="pancreas", site="C250", hist="8150", basis="path"),
     "primary_site", "C2X0", "E_SITE"),
    ("histology", dict(kind="net", group="pancreas", site="C251", hist="8240", basis="path"),
     "histology", "82x0", "E_HISTOLOGY"),
    ("year", dict(kind="net", group="jejunum_ileum", site="C172", hist="8240", basis="path"),
     "year", "20X1", "E_YEAR"),
    ("path_t", dict(kind="net", group="appendix", hist="8240", basis="path"),
     "path_t", "pT9", "E_T"),
    ("path_n", dict(kind="net", group="jejunum_ileum", site="C172", hist="8240", basis="path"),
     "path_n", "pNq", "E_N"),
    ("size", dict(kind="net", group="colon_rectum", site="C209", hist="8240", basis="facts"),
     "size_mm", "abc", "E_SIZE"),
    ("nodes", dict(kind="net", group="pancreas", site="C252", hist="8150", basis="facts"),
     "nodes_positive", "93", "E_NODES"),
    ("extent", dict(kind="net", group="stomach", site="C162", hist="8240", basis="facts"),
     "extent", "deep", "E_EXTENT"),
    ("metastasis", dict(kind="net", group="jejunum_ileum", site="C172", hist="8240", basis="facts"),
     "metastasis", "moon", "E_METASTASIS"),
    ("behavior", dict(kind="net", group="duodenum", site="C170", hist="8240", basis="path"),
     "behavior", "7", "E_BEHAVIOR"),
    ("multiple", dict(kind="net", group="stomach", site="C169", hist="8240", basis="facts"),
     "multiple_tumors", "maybe", "E_MULTIPLE"),
    ("tis_stomach", dict(kind="net", group="stomach", site="C163", hist="8240", basis="path"),
     "path_t", "pTis", "E_CATEGORY"),
    ("n2_pancreas", dict(kind="net", group="pancreas", site="C250", hist="8240", basis="path"),
     "path_n", "pN2", "E_CATEGORY"),
    ("mass", dict(kind="net", group="jejunum_ileum", site="C172", hist="8240", basis="facts"),
     "mesenteric_mass_mm", "2 cm", "E_MASS"),
    ("suffix", dict(kind="net", group="colon_rectum", site="C209", hist="8240", basis="path"),
     "t_suffix", "(x)", "E_SUFFIX"),
]

QUOTED_IDS = ['SYN0409117,A', 'SYN0409118 "dup"', 'SYN0409119, "old id"']


def make_bad_row(rng, kind_idx, rid):
    name, force, col, value, _code = BAD_KINDS[kind_idx]
    force = dict(force)
    force.setdefault("year", rng.choice((2019, 2020, 2021, 2022, 2023)))
    force.setdefault("beh", 3)
    t = make_tumor(rng, force)
    row = render_main(rng, t, rid, 1)
    ci = MAIN_COLUMNS.index
    row[ci("t_suffix")] = ""
    row[ci("multiple_tumors")] = ""
    row[ci("path_t")] = row[ci("path_t")].replace("(m)", "")
    # keep the row clean apart from the one bad value
    row[ci("behavior")] = "3"
    row[ci("histology")] = t.hist
    row[ci("primary_site")] = t.site
    row[ci("year")] = str(t.year)
    row[ci("recorded_stage")] = ""
    row[ci("grade")] = "1"
    row[ci(col)] = value
    return row, t


def write_registry(path, rows, seed):
    """registry_export.csv: ``rows`` rows, 15 of them with one deliberate bad value."""
    rng = random.Random("%s:registry" % seed)
    out = []
    n_bad = len(BAD_KINDS)
    # patient numbers (0-based) that get a bad row, a quoted id or a grade C
    bad_at = {150 + k * ((rows - 300) // n_bad): k for k in range(n_bad)}
    quoted_at = {400 + k * 900: qid for k, qid in enumerate(QUOTED_IDS)}
    next_id = 100001
    patient = 0
    grade_c = 0
    while len(out) < rows:
        rid = quoted_at.get(patient) or "SYN%07d" % next_id
        next_id += rng.randint(1, 40)
        if patient in bad_at:
            out.append(make_bad_row(rng, bad_at[patient], rid)[0])
            patient += 1
            continue
        t = make_tumor(rng)
        row = render_main(rng, t, rid, 1)
        # two NET histologies with grade C (W_GRADE_CONFLICT), spread through the file
        if grade_c < 2 and patient > 900 * (grade_c + 1) and t.kind == "net" and row[8] in ("2", "3"):
            row[8] = "C"
            grade_c += 1
        out.append(row)
        patient += 1
        # some patients have a second primary in the same export
        if len(out) < rows and chance(rng, 0.025):
            t2 = make_tumor(rng)
            t2.sex, t2.age = t.sex, t.age      # same patient
            out.append(render_main(rng, t2, rid, 2))
    assert sum(1 for p in bad_at if p < patient) == n_bad
    rng.shuffle(out)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(MAIN_COLUMNS)
        w.writerows(out)
    return len(out)


BIG_BAD_RATE = 0.002


def write_big(path, n_rows, seed, gz, eod=False):
    rng = random.Random("%s:big" % seed)
    # The EOD columns draw from their own generator, so --eod adds columns
    # without changing any other value of the file.
    eod_rng = random.Random("%s:big-eod" % seed)
    if gz:
        raw = open(path, "wb")
        gzf = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)
        fh = io.TextIOWrapper(gzf, encoding="utf-8", newline="")
    else:
        raw = gzf = None
        fh = open(path, "w", newline="", encoding="utf-8", buffering=1 << 20)
    try:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(MAIN_COLUMNS + BIG_EXTRA + (BIG_EOD_EXTRA if eod else []))
        next_id = 1000001
        tumor_no = 1
        rid = None
        prev = None
        batch = []
        for _ in range(n_rows):
            if rid is not None and chance(rng, 0.025):
                tumor_no += 1                  # second primary of the previous patient
            else:
                rid = "SYN%09d" % next_id
                next_id += rng.randint(1, 9)
                tumor_no = 1
            if chance(rng, BIG_BAD_RATE):
                row, t = make_bad_row(rng, rng.randrange(len(BAD_KINDS)), rid)
                row[1] = "%02d" % tumor_no
            else:
                t = make_tumor(rng)
                if tumor_no > 1 and prev is not None:
                    t.sex, t.age = prev.sex, prev.age   # same patient
                row = render_main(rng, t, rid, tumor_no, big=True)
            if tumor_no == 1:
                prev = t
            row.extend(big_extra(rng, t))
            if eod:
                row.extend(big_eod(eod_rng, t))
            batch.append(row)
            if len(batch) >= 5000:
                w.writerows(batch)
                batch.clear()
        if batch:
            w.writerows(batch)
    finally:
        fh.close()
        if gzf is not None:
            raw.close()
    return n_rows


# --------------------------------------------------------------------------
# NAACCR XML id layout
# --------------------------------------------------------------------------

NAACCR_COLUMNS = ["patientIdNumber", "tumorRecordNumber", "primarySite", "histologicTypeIcdO3",
                  "behaviorCodeIcdO3", "dateOfDiagnosis", "gradePathological", "ajccTnmPathT",
                  "ajccTnmPathN", "ajccTnmPathM", "ajccTnmClinT", "ajccTnmClinN", "ajccTnmClinM",
                  "ajccTnmPathTSuffix", "ajccTnmPathStageGroup", "tumorSizeSummary",
                  "regionalNodesPositive"]

NAACCR_BASIS = {
    "net": W([("clin+path", 45), ("path", 15), ("clin", 30), ("none", 10)]),
    "lung": W([("clin+path", 30), ("path", 5), ("clin", 58), ("none", 7)]),
    "general": W([("clin+path", 40), ("clin", 45), ("none", 15)]),
    "nonnet": W([("clin+path", 50), ("clin", 40), ("none", 10)]),
}


def naaccr_size(rng, t):
    s = t.size
    if s is None:
        return "999"
    if s == 0:
        return "000"
    if t.kind == "net" and t.group in ("appendix", "colon_rectum", "stomach") and s <= 3 \
            and chance(rng, 0.5):
        return "990"                          # microscopic focus
    v = max(1, round_half_up(s))
    return "%03d" % min(v, 989)


def render_naaccr(rng, t, pid, tumor_no):
    basis = t.basis
    has_path = "path" in basis
    has_clin = "clin" in basis
    pre2018 = t.year is not None and t.year < 2018
    routed_not_staged = (t.kind in ("net", "lung") and not t.staged and not pre2018)
    pt = pn = pm = ct = cn = cm = suffix = stage = ""
    if pre2018:
        pass                                  # AJCC items are blank before 2018
    elif routed_not_staged:
        ct = cn = cm = "88"
        if has_path:
            pt = pn = pm = "88"
        stage = "88"
    else:
        if has_path:
            pt = "p" + t.T
            pn = "pNX" if t.N == "NX" else "p" + t.N
            pm = "c" + t.M if t.M == "M0" or chance(rng, 0.4) else "p" + t.M
            if t.multiple:
                suffix = "(m)"
            if t.staged:
                stage = stage_of(t, t.T, t.N, t.M)
            elif t.kind == "general":
                stage = rng.choice(("1", "2A", "2B", "3A", "3B", "4", "99"))
        if has_clin:
            cT, cN, cM = clin_cats(rng, t)
            ct, cn, cm = "c" + cT, "c" + cN, "c" + cM
        if not has_path:
            stage = "99" if chance(rng, 0.6) else ""
    if t.year is None:
        date = ""
    else:
        r = rng.random()
        date = ("%d%02d%02d" % (t.year, t.month, t.day) if r < 0.9 else
                "%d%02d" % (t.year, t.month) if r < 0.97 else str(t.year))
    nc = t.node_code
    if t.kind == "lung" and nc not in (98, 99) and not has_path:
        nc = 98
    nodes = "%02d" % nc
    return [pid, "%02d" % tumor_no, t.site, t.hist, str(t.beh), date, t.grade,
            pt, pn, pm, ct, cn, cm, suffix, stage, naaccr_size(rng, t), nodes]


def write_naaccr(path, rows, seed):
    rng = random.Random("%s:naaccr" % seed)
    out = []
    pid = 90000000
    while len(out) < rows:
        pid += rng.randint(1, 300)
        t = make_tumor(rng, _naaccr_force(rng))
        out.append(render_naaccr(rng, t, "%08d" % pid, 1))
        if len(out) < rows and chance(rng, 0.04):
            t2 = make_tumor(rng, _naaccr_force(rng))
            out.append(render_naaccr(rng, t2, "%08d" % pid, 2))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(NAACCR_COLUMNS)
        w.writerows(out)
    return len(out)


def _naaccr_force(rng):
    f = {"basis_table": NAACCR_BASIS}
    if chance(rng, 0.985):
        f["beh"] = 3
    else:
        f["beh"] = 2
    return f


# --------------------------------------------------------------------------
# SEER*Stat case listing
# --------------------------------------------------------------------------

SEER_COLUMNS = ["Patient ID", "Year of diagnosis", "Primary Site - labeled", "Primary Site",
                "Histologic Type ICD-O-3", "ICD-O-3 Hist/behav", "Behavior code ICD-O-3",
                "Grade Pathological (2018+)", "Tumor Size Summary (2016+)",
                "Regional nodes positive (1988+)", "Derived EOD 2018 T (2018+)",
                "Derived EOD 2018 N (2018+)", "Derived EOD 2018 M (2018+)",
                "Derived EOD 2018 Stage Group (2018+)", "Sex"]

SEER_YEARS = W([(2016, 5), (2017, 6), (2018, 11), (2019, 12), (2020, 11), (2021, 13),
                (2022, 14)])


def render_seer(rng, t, pid):
    blank = "Blank(s)"
    site_lab = "C%s.%s-%s" % (t.site[1:3], t.site[3], SITE_LABELS[t.site])
    hb = "%s/%d: %s" % (t.hist, t.beh, HIST_LABELS[t.hist])
    pre2018 = t.year < 2018
    if pre2018:
        grade = dT = dN = dM = dS = blank
    else:
        grade = t.grade or "9"
        if t.kind in ("net", "lung") and t.staged:
            dT, dN, dM = t.T, t.N, t.M
            dS = stage_of(t, dT, dN, dM)
        elif t.kind in ("net", "lung"):
            dT = dN = dM = dS = "88"
        elif t.kind == "general":
            dT, dN, dM = t.T, t.N, t.M
            if t.group in ("jejunum_ileum", "duodenum"):
                dS = "88"                     # small intestine NEC: T/N/M but no group
                if t.hist == "8246" or t.site == "C173":
                    dT = dN = dM = "88"
            else:
                dS = rng.choice(("1", "2A", "2B", "3A", "3B", "3C", "4", "99"))
        else:
            dT, dN, dM = t.T, t.N, t.M
            dS = rng.choice(("1", "2", "3", "4", "99"))
    size = naaccr_size(rng, t)
    nodes = "%02d" % t.node_code
    return [pid, str(t.year), site_lab, t.site[1:], t.hist, hb, str(t.beh), grade, size, nodes,
            dT, dN, dM, dS, "Female" if t.sex == "F" else "Male"]


def write_seer(path, rows, seed):
    rng = random.Random("%s:seerstat" % seed)
    out = []
    pid = 97000000
    while len(out) < rows:
        pid += rng.randint(1, 500)
        f = {"beh": 3, "year": SEER_YEARS(rng)}
        t = make_tumor(rng, f)
        out.append(render_seer(rng, t, "%08d" % pid))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(SEER_COLUMNS)
        w.writerows(out)
    return len(out)



# --------------------------------------------------------------------------
# EOD-coded SEER*Stat export (eod_export.csv) and the --eod big-file columns
# --------------------------------------------------------------------------

EOD_COLUMNS = ["Patient ID", "Year of diagnosis", "Primary Site - labeled", "Primary Site",
               "Histologic Type ICD-O-3", "Behavior code ICD-O-3", "Grade Clinical (2018+)",
               "Grade Pathological (2018+)", "Tumor Size Summary (2016+)",
               "Regional nodes positive (1988+)", "EOD Primary Tumor (2018+)",
               "EOD Regional Nodes (2018+)", "EOD Mets (2018+)", "Sex"]

BIG_EOD_EXTRA = ["tumor_size_summary", "eod_primary_tumor", "eod_regional_nodes", "eod_mets"]

EOD_YEARS = W([(2018, 11), (2019, 12), (2020, 10), (2021, 12), (2022, 12), (2023, 12),
               (2024, 13), (2025, 10)])

# Valid codes of SEER's EOD Primary Tumor / Regional Nodes / Mets items per site
# group (eod_public 3.2, the 8th-edition schemas; codes only).
EOD_CODES = {
    "net": {
        "stomach": ("000 100 200 400 500 600 700 800 999", "000 300 700 800 999", "00 10 20 30 50 70 99"),
        "duodenum": ("000 100 200 300 400 600 700 800 999", "000 300 800 999", "00 10 20 30 50 70 99"),
        "ampulla": ("000 100 200 300 400 500 600 700 800 999", "000 300 800 999", "00 10 20 30 50 70 99"),
        "jejunum_ileum": ("000 100 200 300 500 600 700 800 999", "000 300 400 800 999", "00 10 20 30 50 70 99"),
        "appendix": ("000 100 200 300 700 800 999", "000 300 800 999", "00 10 20 30 50 70 99"),
        "colon_rectum": ("000 100 200 300 400 600 700 800 999", "000 300 800 999", "00 10 20 30 50 70 99"),
        "pancreas": ("000 100 200 300 500 600 700 800 999", "000 300 700 800 999", "00 10 20 40 50 60 70 99"),
    },
    "lung": ("000 100 200 300 400 450 500 600 650 675 700 800 980 999", "000 300 400 600 700 800 999",
             "00 10 20 30 50 70 99"),
    "general": {
        "stomach": ("000 100 200 300 400 500 600 650 700 750 800 999", "000 300 400 450 500 600 700 800 999", "00 10 70 99"),
        "duodenum": ("000 100 200 250 300 400 500 600 700 800 999", "000 300 600 700 800 999", "00 10 70 99"),
        "jejunum_ileum": ("000 100 200 250 300 400 500 600 700 800 999", "000 300 600 700 800 999", "00 10 70 99"),
        "ampulla": ("000 100 150 200 250 300 400 450 500 600 700 800 999", "000 300 400 800 999", "00 10 70 99"),
        "pancreas": ("000 100 500 600 700 800 999", "000 300 700 725 775 800 999", "00 10 20 70 99"),
        "colon_rectum": ("000 050 100 200 300 400 500 600 700 800 999", "000 200 300 350 400 450 500 550 600 800 999",
                         "00 10 20 30 40 50 70 99"),
        "appendix": ("000 050 070 100 200 300 400 500 700 750 800 999", "000 300 400 450 500 550 600 650 700 800 999",
                     "00 10 30 40 50 70 99"),
    },
}

# Deliberate bad EOD values (about 2 % of eod_export.csv rows), each a case the
# contract makes an E_EOD error row: not a code, too long, size in conflict,
# a mets code of another schema, nodes positive that is no count.
EOD_BAD_KINDS = ("pt_not_a_code", "pt_too_long", "size_conflict", "mets_other_schema", "nodes_not_a_count")


def eod_codes_for(t):
    """The (primary tumor, regional nodes, mets) code lists of a tumour's site group."""
    if t.kind == "lung":
        lists = EOD_CODES["lung"]
    elif t.kind in ("net", "general"):
        lists = EOD_CODES[t.kind].get(t.group)
    else:
        lists = None
    if lists is None:
        lists = EOD_CODES["general"]["colon_rectum"]
    return tuple(x.split() for x in lists)


def eod_values(rng, t):
    """Realistic EOD codes for a tumour: mostly localized, some regional and
    distant, a few unknown; size as item 756, nodes positive as item 820."""
    pts, rns, mets = eod_codes_for(t)
    level = getattr(t, "level", None) or 1
    if chance(rng, 0.04):
        pt = "999"
    elif level <= 1:
        pt = "100" if "100" in pts else pts[1]
    elif level == 2:
        pt = "200" if "200" in pts else pts[2]
    elif level == 3:
        pt = "300" if "300" in pts else pts[3]
    else:
        deep = [c for c in pts if "400" <= c <= "750"]
        pt = rng.choice(deep) if deep else pts[-3]
    N = getattr(t, "N", None) or "NX"
    # Registrars code EOD nodes from every source, clinical included: nodes
    # that were never examined are mostly coded none involved, not unknown.
    if (N == "NX" and chance(rng, 0.3)) or chance(rng, 0.03):
        rn = "999"
    elif N == "NX":
        rn = "000"
    elif N in ("N0", "88"):
        rn = "000"
    else:
        rn = "300" if "300" in rns else rns[1]
    M = getattr(t, "M", None) or "M0"
    if M in ("M0", "88"):
        mt = "00"
    elif M == "M1a":
        mt = "10"
    elif M == "M1c":
        mt = "60" if "60" in mets else "70"
    else:
        mt = rng.choice([m for m in mets if m not in ("00", "10", "99")] or ["70"])
    return naaccr_size(rng, t), "%02d" % t.node_code, pt, rn, mt


def render_eod(rng, t, pid, bad=None):
    site_lab = "C%s.%s-%s" % (t.site[1:3], t.site[3], SITE_LABELS[t.site])
    size, nodes, pt, rn, mt = eod_values(rng, t)
    if bad == "pt_not_a_code":
        pt = "3X0"
    elif bad == "pt_too_long":
        pt = "1000"
    elif bad == "size_conflict":
        size, pt = "000", "100"
    elif bad == "mets_other_schema":
        mt = "45"
    elif bad == "nodes_not_a_count":
        nodes = "ab"
    grade = t.grade or "9"
    grade_clin = grade if chance(rng, 0.5) else "9"
    # SEER*Stat drops leading zeros in some exports: a few codes come without them.
    if chance(rng, 0.05):
        pt, rn, mt = str(int(pt)) if pt.isdigit() else pt, str(int(rn)) if rn.isdigit() else rn, \
            str(int(mt)) if mt.isdigit() else mt
    return [pid, str(t.year), site_lab, t.site[1:], t.hist, str(t.beh), grade_clin, grade, size, nodes,
            pt, rn, mt, "Female" if t.sex == "F" else "Male"]


def write_eod(path, rows, seed):
    rng = random.Random("%s:eod" % seed)
    out = []
    pid = 96000000
    while len(out) < rows:
        pid += rng.randint(1, 500)
        t = make_tumor(rng, {"beh": 3, "year": EOD_YEARS(rng)})
        bad = EOD_BAD_KINDS[len(out) // 50 % len(EOD_BAD_KINDS)] if len(out) % 50 == 7 else None
        out.append(render_eod(rng, t, "%08d" % pid, bad))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(EOD_COLUMNS)
        w.writerows(out)
    return len(out)


def big_eod(rng, t):
    """The --eod columns of one big-file row: EOD codes on 2018+ rows that a
    registry would have coded, blank otherwise."""
    if t is None or (t.year is not None and t.year < 2018) or chance(rng, 0.08):
        return ["", "", "", ""]
    size, _nodes, pt, rn, mt = eod_values(rng, t)
    return [size, pt, rn, mt]


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", help="write registry_export.csv, naaccr_xml_ids.csv and "
                    "seerstat_export.csv into this directory")
    ap.add_argument("--big", type=int, metavar="ROWS",
                    help="write one large file of ROWS rows in the registry layout")
    ap.add_argument("--out", metavar="FILE", help="output file for --big")
    ap.add_argument("--gzip", action="store_true", help="gzip the --big output")
    ap.add_argument("--eod", action="store_true",
                    help="--big: add EOD 2018 columns (tumor_size_summary, eod_primary_tumor, "
                    "eod_regional_nodes, eod_mets)")
    ap.add_argument("--seed", default=str(DEFAULT_SEED),
                    help="random seed (default %d)" % DEFAULT_SEED)
    ap.add_argument("--rows", type=int, default=DEFAULT_MAIN_ROWS,
                    help="rows in registry_export.csv (default %d)" % DEFAULT_MAIN_ROWS)
    a = ap.parse_args(argv)
    if (a.out_dir is None) == (a.big is None):
        ap.error("give exactly one of --out-dir or --big ROWS --out FILE")
    if a.big is not None:
        if not a.out:
            ap.error("--big needs --out FILE")
        if a.big < 0:
            ap.error("--big ROWS must be >= 0")
        n = write_big(a.out, a.big, a.seed, a.gzip, a.eod)
        print("%s: %d rows" % (a.out, n), file=sys.stderr)
        return 0
    if a.rows < 1000:
        ap.error("--rows must be at least 1000")
    os.makedirs(a.out_dir, exist_ok=True)
    p = os.path.join(a.out_dir, "registry_export.csv")
    print("%s: %d rows" % (p, write_registry(p, a.rows, a.seed)), file=sys.stderr)
    p = os.path.join(a.out_dir, "naaccr_xml_ids.csv")
    print("%s: %d rows" % (p, write_naaccr(p, DEFAULT_NAACCR_ROWS, a.seed)), file=sys.stderr)
    p = os.path.join(a.out_dir, "seerstat_export.csv")
    print("%s: %d rows" % (p, write_seer(p, DEFAULT_SEER_ROWS, a.seed)), file=sys.stderr)
    p = os.path.join(a.out_dir, "eod_export.csv")
    print("%s: %d rows" % (p, write_eod(p, DEFAULT_EOD_ROWS, a.seed)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
