#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Byte-for-byte comparison of packets libpkt builds (`pktctl build --hex SPEC`) with the packets scapy builds
from the same description, over the table of cases in scapy_cases.tsv (next to this file).

Each row of the tables (every scapy_cases*.tsv here, one per group of protocols) is: name (its protocol
before the first "."), our spec, a scapy expression evaluated after `from scapy.all import *` (it may be
bytes or anything bytes() accepts), a note that records where the two tools' defaults differ and so the
field is set explicitly on one or both sides, and optionally why a difference is accepted. Lines starting with
"#" and blank lines are skipped.

It prints a per-protocol summary ("ip: 9/9 identical") and a hex diff of every case that differs, and
exits 1 on any difference, build failure or scapy error that ALLOWED does not explain, 77 when scapy
cannot be imported (ctest counts that as skipped), 0 otherwise. With --random (gen_build_cases.py), a
DNS message whose bytes differ only because scapy's dns_compress() wrote a pointer that does not lead to
the name it replaced is reported and accepted, but only when ours decode to exactly the records asked for.

usage: scapy_compare.py --pktctl PATH [--cases FILE | --random N [--seed S]] [--only SUBSTRING] [--verbose]
"""
import argparse
import collections
import concurrent.futures
import glob
import os
import subprocess
import sys

# Case name -> why its difference is accepted. A difference here is reported, not failed; an allowed
# case that comes out identical is reported too, so a stale entry gets noticed and removed.
ALLOWED = {}


def load_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 3:
                raise SystemExit(f"{path}:{n}: expected name<TAB>spec<TAB>scapy[<TAB>note], got {len(cols)} "
                                 "columns")
            name, spec, expr = cols[0].strip(), cols[1].strip(), cols[2].strip()
            note = cols[3].strip() if len(cols) > 3 else ""
            if len(cols) > 4 and cols[4].strip():
                ALLOWED[name] = cols[4].strip()
            cases.append({"name": name, "proto": name.split(".")[0], "spec": spec, "expr": expr,
                          "note": note, "line": n})
    names = [c["name"] for c in cases]
    dups = {x for x in names if names.count(x) > 1}
    if dups:
        raise SystemExit(f"{path}: duplicate case names: {', '.join(sorted(dups))}")
    return cases


def scapy_bytes(expr, env):
    v = eval(expr, env)  # the table is ours, in the repository: trusted test input
    return v if isinstance(v, (bytes, bytearray)) else bytes(v)


def dns_records(pkt):
    """The decoded content of the DNS layer of @pkt: header counts and every record's fields."""
    d = pkt["DNS"]
    recs = []
    for sec in ("qd", "an", "ns", "ar"):
        r = getattr(d, sec)
        while r is not None and r.__class__.__name__ != "NoPayload":
            # Lengths differ with compression (a name in the data is shorter once compressed).
            recs.append((sec, tuple(sorted((k, str(v)) for k, v in r.fields.items() if k != "rdlen"))))
            r = r.payload if not isinstance(r.payload, type(None)) else None
    return recs


def scapy_dns_compress_bug(expr, ours, theirs, env):
    """A random DNS case whose bytes differ because scapy 2.5's dns_compress() wrote a pointer that does
    not lead to the name it replaced (seen: a stray length byte and a pointer to offset 0, into the
    header): ours decode to the records the expression names, scapy's do not."""
    plain = dict(env, dns_compress=lambda x: x)
    want = eval(expr, plain)
    cls = type(want)
    try:
        intended = dns_records(cls(bytes(want)))
        return dns_records(cls(ours)) == intended and dns_records(cls(theirs)) != intended
    except Exception as e:  # scapy failing to decode its own output is the bug too, but say so
        print(f"note: decoding for the dns_compress() check failed: {type(e).__name__}: {e}", file=sys.stderr)
        return False


def pktctl_bytes(pktctl, spec):
    out = subprocess.run([pktctl, "build", "--hex", spec], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        return None, (out.stderr.strip() or f"exit {out.returncode}")
    return bytes.fromhex(out.stdout.strip()), None


def hex_diff(ours, theirs):
    """Rows of 16 bytes, ours above scapy's, with ^^ under every byte that differs (or is missing)."""
    lines = []
    n = max(len(ours), len(theirs))
    for off in range(0, n, 16):
        a, b = ours[off:off + 16], theirs[off:off + 16]
        if a == b:
            continue
        marks = ""
        for i in range(16):
            x = a[i] if i < len(a) else None
            y = b[i] if i < len(b) else None
            if x is None and y is None:
                break
            marks += ("^^" if x != y else "  ") + (" " if i != 7 else "  ")
        lines.append(f"    {off:04x} ours  {' '.join(f'{x:02x}' for x in a[:8]):23}  "
                     f"{' '.join(f'{x:02x}' for x in a[8:])}")
        lines.append(f"    {off:04x} scapy {' '.join(f'{x:02x}' for x in b[:8]):23}  "
                     f"{' '.join(f'{x:02x}' for x in b[8:])}")
        lines.append(f"               {marks.rstrip()}")
    if len(ours) != len(theirs):
        lines.append(f"    length: ours {len(ours)}, scapy {len(theirs)}")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pktctl", required=True)
    ap.add_argument("--cases", action="append",
                    help="a case table (default: every scapy_cases*.tsv beside this script)")
    ap.add_argument("--only", help="run only cases whose name contains this")
    ap.add_argument("--verbose", action="store_true", help="print every case, with both hex strings")
    ap.add_argument("--random", type=int, metavar="N",
                    help="compare N random packets (gen_build_cases.py) instead of the tables")
    ap.add_argument("--seed", type=int, default=1, help="the random cases' seed")
    args = ap.parse_args()

    try:
        import logging
        logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
        env = {}
        exec("from scapy.all import *", env)  # noqa: S102 - the oracle is scapy itself
        exec("from scapy.layers.dns import dns_compress", env)
        exec("from scapy.contrib.mpls import MPLS, EoMCW", env)  # contrib: not in scapy.all
        exec("from scapy.contrib.lldp import *", env)
        exec("from scapy.contrib.erspan import *", env)
        exec("from scapy.contrib.gtp import *", env)
        exec("from scapy.contrib.cdp import *", env)
        exec("from scapy.contrib.chdlc import CHDLC, SLARP", env)
        exec("from scapy.contrib.isis import *", env)
        exec("from scapy.contrib.rtcp import *", env)
        exec("from scapy.contrib.wpa_eapol import WPA_key", env)
        exec("from scapy.contrib.lacp import *", env)
        exec("from scapy.contrib.ikev2 import *", env)
        exec("conf.verb = 0", env)
    except Exception as e:  # any import failure means there is no oracle to ask
        print(f"SKIP: scapy cannot be imported ({type(e).__name__}: {e})")
        return 77

    here = os.path.dirname(os.path.abspath(__file__))
    if args.random:
        sys.path.insert(0, here)
        import gen_build_cases
        cases = [{"name": name, "proto": name.split(".")[0], "spec": spec, "expr": expr, "note": "random",
                  "line": n + 1} for n, (name, spec, expr) in enumerate(gen_build_cases.generate(args.seed, args.random))]
    else:
        tables = args.cases or sorted(glob.glob(os.path.join(here, "scapy_cases*.tsv")))
        cases = [c for t in tables for c in load_cases(t)]
    names = [c["name"] for c in cases]
    dups = {x for x in names if names.count(x) > 1}
    if dups:
        raise SystemExit(f"duplicate case names across tables: {', '.join(sorted(dups))}")
    if args.only:
        cases = [c for c in cases if args.only in c["name"]]
    stats = collections.OrderedDict()
    failed, allowed_hits, reports = [], [], []
    # One pktctl process per case: run them side by side (a sanitizer build spends most of a build
    # starting up), scapy's side stays in this process.
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        built = list(pool.map(lambda c: pktctl_bytes(args.pktctl, c["spec"]), cases))
    for c, (ours, err) in zip(cases, built):
        st = stats.setdefault(c["proto"], collections.Counter())
        st["total"] += 1
        try:
            theirs = scapy_bytes(c["expr"], env)
            serr = None
        except Exception as e:
            theirs, serr = None, f"{type(e).__name__}: {e}"
        if err or serr:
            st["error"] += 1
            why = ALLOWED.get(c["name"]) if err else None  # a scapy error is always a broken case
            reports.append(f"ERROR {c['name']} (line {c['line']}): "
                           + (f"pktctl: {err}" if err else f"scapy: {serr}") + (f"  [allowed: {why}]" if why else ""))
            if not why:
                failed.append(c["name"])
            continue
        if ours == theirs:
            st["same"] += 1
            if c["name"] in ALLOWED:
                allowed_hits.append(c["name"])
            if args.verbose:
                reports.append(f"same  {c['name']}: {ours.hex()}")
            continue
        st["differ"] += 1
        why = ALLOWED.get(c["name"])
        if not why and c["name"].startswith("randomdns") and scapy_dns_compress_bug(c["expr"], ours, theirs, env):
            why = "scapy's dns_compress() wrote a pointer that does not decode to the name it replaced; ours do"
        head = f"DIFF  {c['name']} (line {c['line']})" + (f"  [allowed: {why}]" if why else "")
        reports.append("\n".join([head, f"    spec:  {c['spec']}", f"    scapy: {c['expr']}"]
                                 + hex_diff(ours, theirs)))
        if not why:
            failed.append(c["name"])

    for r in reports:
        print(r)
    if reports:
        print()
    total = collections.Counter()
    for proto, st in stats.items():
        total.update(st)
        extra = "".join(f", {st[k]} {k}" for k in ("differ", "error") if st[k])
        n_allowed = sum(1 for c in cases if c["proto"] == proto and c["name"] in ALLOWED
                        and c["name"] not in allowed_hits)
        extra += f" ({n_allowed} allowed)" if n_allowed else ""
        print(f"{proto}: {st['same']}/{st['total']} identical{extra}")
    print(f"all: {total['same']}/{total['total']} identical")
    for name in allowed_hits:
        print(f"note: {name} is in ALLOWED but now comes out identical; remove it from the list")
    if failed:
        print("unexplained differences or errors: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
