#!/usr/bin/env python3
"""Differential check of netstage's EOD derivation against another
implementation of SEER's eod_public 3.2 algorithm (on 2026-12-04: imsweb's
Java engine, see BENCHMARKS.md / the test `eod_seer_engine`).

Cases are lines `SCHEMA<TAB>key=value...` with the algorithm's own keys;
both implementations read the same file and print, per line, `T N M stage
SS2018 schema_id summary_grade errors` (tab-separated; errors `KIND:table:key`
joined with `;`). netstage's side is the example `eod_batch`:

    mkdir -p /tmp/seer && tar xJf ../shared/seer/eod_public-3.2.tar.xz -C /tmp/seer
    python3 scripts/eod_differential.py cases --seer /tmp/seer/3.2 --seed 1 > cases.tsv
    python3 scripts/eod_differential.py boundaries --seer /tmp/seer/3.2 >> cases.tsv
    cargo run --release -p netstage-rules --example eod_batch < cases.tsv > netstage.tsv
    OTHER_ENGINE < cases.tsv > seer.tsv      # one line per case, same columns, + result
    python3 scripts/eod_differential.py compare cases.tsv seer.tsv netstage.tsv
    python3 scripts/eod_differential.py vectors cases.tsv seer.tsv > vectors.tsv

`compare` skips the cases the reference rejects before its engine runs (a
key the schema does not define, no site or histology, an invalid year of
diagnosis: netstage never passes the first and checks the other two itself)
and ignores `derived_summary_grade` (the reference drops context keys that
are not schema outputs; netstage reads no summary grade but the appendix
one) and the reference's output-validation errors (`INVALID_OUTPUT`, which
do not change a value). Everything else must be equal: exit status 1 if not.
"""
import argparse
import collections
import json
import random
import sys

# The keys netstage passes to the algorithm (crates/rules/src/eod.rs, EodItem).
KEYS = ['year_dx', 'site', 'hist', 'behavior', 'size_summary', 'nodes_pos', 'eod_primary_tumor',
        'eod_regional_nodes', 'eod_mets', 'grade_clin', 'grade_path', 'discriminator_1']

# Histologies netstage stages per SEER schema (`netstage schemas`): only a
# hint for drawing cases, so that most land on a stage group.
STAGED = {
    'net_stomach': '8240,8249', 'net_stomach_v9_2024': '8153,8156,8240-8242,8249',
    'net_duodenum': '8153,8156,8158,8240,8249,8683', 'net_duodenum_v9_2024': '8153,8156,8240-8241,8249,8683',
    'net_ampulla': '8153,8156,8158,8240,8249,8683', 'net_ampulla_of_vater_v9_2024': '8153,8156,8240-8241,8249,8683',
    'net_jejunum_ileum': '8240,8249', 'net_jejunum_and_ileum_v9_2024': '8240-8241,8249',
    'net_appendix': '8240,8249', 'net_appendix_v9_2024': '8152,8240-8241,8249',
    'net_colon_rectum': '8240,8249', 'net_colon_and_rectum_v9_2024': '8152,8240-8241,8249',
    'net_pancreas': '8150-8153,8155-8156,8158,8240,8249',
    'net_pancreas_v9_2024': '8150-8153,8155-8156,8158,8240-8241,8249,8272',
    'stomach': '8013,8041,8244,8246', 'small_intestine': '8013,8041,8244', 'ampulla_vater': '8013,8041,8244,8246',
    'appendix': '8013,8041,8243-8246', 'appendix_v9_2023': '8013,8041,8154,8243-8246',
    'colon_rectum': '8013,8041,8154,8246', 'pancreas': '8013,8041,8154,8246',
    'lung': '8013,8041-8042,8044,8045,8240,8246,8249', 'lung_v9_2025': '8013,8041,8044-8045,8240,8249',
}

# Values no code list holds.
BAD = ['ABC', '9999', '-1', ' ', 'X', '1.5', '0', '00000']

OUTPUTS = ['t', 'n', 'm', 'stage', 'ss2018', 'schema_id']


def expand(cell, rng, cap=60):
    """The codes of a table cell (`a,b-c`); a numeric range wider than `cap`
    is sampled (its ends and 40 codes between)."""
    out = []
    for part in (p.strip() for p in cell.split(',')):
        if part.count('-') == 1:
            a, b = (x.strip() for x in part.split('-'))
            if a.isdigit() and b.isdigit() and len(a) == len(b):
                lo, hi = int(a), int(b)
                codes = range(lo, hi + 1)
                if hi - lo > cap:
                    codes = sorted({lo, lo + 1, hi - 1, hi, *rng.sample(range(lo, hi + 1), 40)})
                out += [str(v).zfill(len(a)) for v in codes]
                continue
            if len(a) == len(b) > 3 and a[:-3] == b[:-3] and a[-3:].isdigit() and b[-3:].isdigit():
                out += [a[:-3] + str(v).zfill(3) for v in range(int(a[-3:]), int(b[-3:]) + 1)]
                continue
        out.append(part)
    return out


class Seer:
    """The schemas and tables of the unpacked algorithm (`.../3.2`)."""

    def __init__(self, root, rng):
        self.root, self.rng, self.tables = root, rng, {}

    def schema(self, sid):
        with open(f'{self.root}/schemas/{sid}.json') as f:
            return json.load(f)

    def table(self, tid):
        with open(f'{self.root}/tables/{tid}.json') as f:
            return json.load(f)

    def codes(self, tid):
        """Every code of a validation table's input column (wide ranges sampled)."""
        if tid not in self.tables:
            t = self.table(tid)
            col = [i for i, c in enumerate(t['definition']) if c['type'] == 'INPUT'][0]
            codes = [c for r in t['rows'] for c in expand(r[col], self.rng)]
            self.tables[tid] = [c for c in codes if c not in ('*', '') and '{{' not in c]
        return self.tables[tid]


def schema_ids():
    """The SEER schemas netstage imports and stages (esophagus_gejunction is
    imported for its selection only)."""
    with open('crates/rules/tables/seer/eod_public-3.2.tables') as f:
        ids = [line.split('\t')[1].strip() for line in f if line.startswith('schema\t')]
    return [s for s in ids if s in STAGED]


def line(sid, case, inputs=None):
    return sid + ''.join(f'\t{k}={v}' for k, v in case.items() if inputs is None or k in inputs)


def random_cases(seer, rng, per_schema):
    years = [str(y) for y in range(2018, 2026)] * 6 + ['2016', '2017', '9999', '2030']
    for sid in schema_ids():
        s = seer.schema(sid)
        inputs = {i['key']: i for i in s['inputs']}
        sel = seer.table(s['schema_selection_table'])
        cols = [c['key'] for c in sel['definition']]
        valid_hist = set(seer.codes('histology'))
        for _ in range(per_schema):
            row = rng.choice(sel['rows'])
            case = {}
            for k, cell in zip(cols, row):
                if k in ('site', 'hist', 'discriminator_1') and cell.strip() not in ('*', ''):
                    codes = expand(cell, rng)
                    if k == 'hist' and rng.random() < 0.9:
                        codes = [h for h in codes if h in valid_hist] or codes
                    case[k] = rng.choice(codes)
            if rng.random() < 0.6:
                case['hist'] = rng.choice(expand(STAGED[sid], rng))
            if rng.random() < 0.85:
                case['behavior'] = '3'
            for k in KEYS:
                if k in ('site', 'hist') and k in case and rng.random() > 0.05:
                    continue
                if k == 'behavior' and case.get(k) == '3' and rng.random() < 0.9:
                    continue
                if k not in inputs:
                    continue
                r = rng.random()
                if r < 0.07:
                    case.pop(k, None)  # not supplied
                elif r < 0.12:
                    case[k] = ''  # supplied, blank
                elif r < 0.15:
                    case[k] = rng.choice(BAD)
                elif k == 'year_dx':
                    case[k] = rng.choice(years)
                elif inputs[k].get('table'):
                    case[k] = rng.choice(seer.codes(inputs[k]['table']))
            yield line(sid, case, inputs)


def boundary_cases(seer, rng):
    """Every size code with every primary tumor code, every nodes-positive
    code with every regional nodes code, every mets code in every year with
    every pathological grade; the other items drawn valid."""
    for sid in schema_ids():
        s = seer.schema(sid)
        inputs = {i['key']: i for i in s['inputs']}

        def codes(k):
            t = inputs.get(k, {}).get('table')
            return seer.codes(t) if t else []

        sel = seer.table(s['schema_selection_table'])
        cols = [c['key'] for c in sel['definition']]
        hists = expand(STAGED[sid], rng)

        def base():
            while True:
                case = {}
                for k, cell in zip(cols, rng.choice(sel['rows'])):
                    if k in ('site', 'discriminator_1') and cell.strip() not in ('*', ''):
                        case[k] = rng.choice(expand(cell, rng))
                if 'site' in case:
                    break
            case.update(hist=rng.choice(hists), behavior='3', year_dx=str(rng.randint(2018, 2025)))
            for k in ('eod_primary_tumor', 'eod_regional_nodes', 'eod_mets', 'grade_clin', 'grade_path',
                      'size_summary', 'nodes_pos'):
                if codes(k):
                    case[k] = rng.choice(codes(k))
            return case

        if 'size_summary' in inputs:
            for size in [str(i).zfill(3) for i in range(1000)] + ['XXX', '99', '']:
                for pt in codes('eod_primary_tumor'):
                    yield line(sid, {**base(), 'size_summary': size, 'eod_primary_tumor': pt}, inputs)
        if 'nodes_pos' in inputs:
            for npos in [str(i).zfill(2) for i in range(100)]:
                for rn in codes('eod_regional_nodes'):
                    yield line(sid, {**base(), 'nodes_pos': npos, 'eod_regional_nodes': rn}, inputs)
        for m in codes('eod_mets'):
            for y in range(2018, 2026):
                for g in codes('grade_path') or ['']:
                    case = {**base(), 'eod_mets': m, 'year_dx': str(y)}
                    if g:
                        case['grade_path'] = g
                    yield line(sid, case, inputs)


def errors(field):
    """A result's errors as a multiset of (kind, table, key); a table's
    no-match names no key (the reference lists the table's outputs)."""
    out = collections.Counter()
    for e in filter(None, field.split(';')):
        kind, table, key = (e.split(':') + ['', ''])[:3]
        if kind in ('INVALID_REQUIRED_INPUT', 'INVALID_NON_REQUIRED_INPUT'):
            kind = 'INVALID_INPUT'
        if kind == 'MATCH_NOT_FOUND':
            key = ''
        if kind != 'INVALID_OUTPUT':
            out[(kind, table, key)] += 1
    return out


def comparable(seer_fields):
    """False for a case the reference rejects before its engine runs."""
    result = seer_fields[8] if len(seer_fields) > 8 else ''
    if result in ('FAILED_INVALID_YEAR_DX', 'FAILED_MISSING_SITE_OR_HISTOLOGY'):
        return False
    return not any(k[0] == 'UNKNOWN_INPUT' for k in errors(seer_fields[7]))


def read(path):
    with open(path) as f:
        return [ln.rstrip('\n').split('\t') for ln in f]


def compare(args):
    cases, seer, ours = read(args.cases), read(args.seer_out), read(args.netstage_out)
    if not len(cases) == len(seer) == len(ours):
        sys.exit(f'line counts differ: {len(cases)} cases, {len(seer)} and {len(ours)} results')
    counts, shown = collections.Counter(), 0
    for case, s, o in zip(cases, seer, ours):
        if not comparable(s):
            counts['skipped'] += 1
            continue
        counts['compared'] += 1
        diffs = [f'{name} {s[i]!r} != {o[i]!r}' for i, name in enumerate(OUTPUTS) if s[i] != o[i]]
        if errors(s[7]) != errors(o[7]):
            diffs.append(f'errors {s[7]!r} != {o[7]!r}')
        if diffs:
            counts['differ'] += 1
            if shown < 20:
                shown += 1
                print('\t'.join(case), '|', '; '.join(diffs))
    for sid, n in collections.Counter(c[0] for c in cases).items():
        counts[f'cases {sid}'] = n
    for k, v in sorted(counts.items()):
        print(f'{v}\t{k}')
    sys.exit(1 if counts['differ'] else 0)


def vectors(args):
    """Up to `per_schema` comparable cases per schema: one for each distinct
    result first, then drawn at random; printed with the reference's result
    (T, N, M, stage, SS2018, schema id, errors without keys of no-matches)."""
    rng = random.Random(args.seed)
    by_schema = collections.defaultdict(list)
    for case, s in zip(read(args.cases), read(args.seer_out)):
        if comparable(s):
            by_schema[case[0]].append((case, s))
    print('schema\tinputs\tt\tn\tm\tstage\tss2018\tschema_id\terrors')
    # inputs: key=value joined with `|` (no code holds one)
    for sid in sorted(by_schema):
        rows = by_schema[sid]
        rng.shuffle(rows)
        picked, seen = [], set()
        for case, s in rows:
            key = (*s[:6], tuple(sorted(errors(s[7]))))
            if key not in seen and len(picked) < args.per_schema:
                seen.add(key)
                picked.append((case, s))
        for case, s in rows:
            if len(picked) >= args.per_schema:
                break
            if (case, s) not in picked:
                picked.append((case, s))
        for case, s in sorted(picked, key=lambda p: p[0]):
            errs = ';'.join(':'.join(e) for e in sorted(errors(s[7]).elements()))
            print('\t'.join([sid, '|'.join(case[1:]), *s[:6], errs]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    c = sub.add_parser('cases', help='random cases per schema')
    c.add_argument('--seer', required=True, help='the unpacked algorithm (.../3.2)')
    c.add_argument('--seed', type=int, default=1)
    c.add_argument('--per-schema', type=int, default=4000)
    b = sub.add_parser('boundaries', help='exhaustive code combinations per schema')
    b.add_argument('--seer', required=True)
    b.add_argument('--seed', type=int, default=7)
    k = sub.add_parser('compare', help='compare two result files')
    k.add_argument('cases')
    k.add_argument('seer_out')
    k.add_argument('netstage_out')
    v = sub.add_parser('vectors', help='sample golden vectors from the reference results')
    v.add_argument('cases')
    v.add_argument('seer_out')
    v.add_argument('--per-schema', type=int, default=60)
    v.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    if args.cmd == 'compare':
        compare(args)
    elif args.cmd == 'vectors':
        vectors(args)
    else:
        rng = random.Random(args.seed)
        seer = Seer(args.seer, rng)
        gen = random_cases(seer, rng, args.per_schema) if args.cmd == 'cases' else boundary_cases(seer, rng)
        out = sys.stdout
        for ln in gen:
            out.write(ln + '\n')


if __name__ == '__main__':
    main()
