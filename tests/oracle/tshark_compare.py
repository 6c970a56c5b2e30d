#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Field-by-field comparison of `pktctl read --json` with tshark over the shared corpus (method:
../shared/corpus/ORACLE.md). For every mapped field of the protocols below it compares, packet by packet,
the list of values we give with the list tshark gives (all occurrences, in packet order: an ICMP error has
two ip.src), after normalising both sides (integers in any base, MACs, IPv6 text).

Every field the corpus's field map (tshark-fields.tsv) names is compared, or listed in UNMAPPED with the
reason it cannot be; a field in neither fails the run before any comparison.

Per field it counts: match, mismatch (both have values, they differ), ours-only, tshark-only. It fails when a
field has a mismatch that is not explained in KNOWN_DIFFERENCES, by one of the RULES (what the packet is),
or in FILE_DIFFERENCES for its file, and
prints each protocol's agreement. Fields only one side has are reported, not failed: tshark shows some fields only in some cases
(icmp.mtu only for code 4) and we show some it does not.

usage: tshark_compare.py --pktctl PATH --corpus DIR [--per-proto N] [--all] [--report FILE] [--verbose]
"""
import argparse
import collections
import glob
import importlib
import ipaddress
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

TSHARK_OPTS = [
    "-n",
    "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tcp.analyze_sequence_numbers:FALSE",
    "-o", "tcp.relative_sequence_numbers:FALSE",
    "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE", "-o", "sctp.reassembly:FALSE",
    "-o", "dns.desegment_dns_messages:FALSE",
    "-o", "http.desegment_headers:FALSE", "-o", "http.desegment_body:FALSE",
    "-o", "tls.desegment_ssl_records:FALSE", "-o", "tls.desegment_ssl_application_data:FALSE",
    "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
    "-o", "sctp.checksum:CRC 32c",
]

# Every fieldmap_*.py beside this script adds, for its protocols: TSHARK_PROTOS (tshark protocol names whose
# files are compared), MAP (tshark field -> getter of our values), KNOWN_DIFFERENCES (tshark field -> why a
# mismatch is expected), and optionally DECODE_AS (tshark -d arguments for ports only our registry knows)
# and FIELD_PROTO (tshark field prefix -> the tshark protocol whose presence makes the field worth asking).
# FILE_DIFFERENCES (tshark field -> {file: why}) explains mismatches in those files only, so that the
# same field still fails anywhere else. TSHARK_ALSO (tshark field -> further tshark fields) names fields
# whose values tshark gives under more than one name: the others' values follow the field's own.
TSHARK_PROTOS, MAP, KNOWN_DIFFERENCES, DECODE_AS, FIELD_PROTO, FILE_DIFFERENCES = [], {}, {}, [], {}, {}
TSHARK_ALSO, UNMAPPED = {}, {}


def load_maps():
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, "fieldmap_*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        mod = importlib.import_module(name)
        TSHARK_PROTOS.extend(p for p in mod.TSHARK_PROTOS if p not in TSHARK_PROTOS)
        MAP.update(mod.MAP)
        KNOWN_DIFFERENCES.update(getattr(mod, "KNOWN_DIFFERENCES", {}))
        DECODE_AS.extend(getattr(mod, "DECODE_AS", []))
        FIELD_PROTO.update(getattr(mod, "FIELD_PROTO", {}))
        for f, per_file in getattr(mod, "FILE_DIFFERENCES", {}).items():
            FILE_DIFFERENCES.setdefault(f, {}).update(per_file)
        TSHARK_ALSO.update(getattr(mod, "TSHARK_ALSO", {}))
        RULES.extend(getattr(mod, "RULES", []))
        UNMAPPED.update(getattr(mod, "UNMAPPED", {}))


def cut_at_flagged_elements(pkt):
    """@pkt with every element array of every layer ending before its first element flagged truncated or
    malformed."""
    layers = []
    for layer in pkt["layers"]:
        layer = dict(layer)
        for key, val in layer.items():
            if isinstance(val, list) and val and isinstance(val[0], dict):
                layer[key] = val[:next((i for i, e in enumerate(val) if e.get("truncated") or e.get("malformed")),
                                       len(val))]
        layers.append(layer)
    return {**pkt, "layers": layers}


def stops_at_flagged_element(f, pkt, tv, _ov):
    return any(isinstance(v, list) and any(isinstance(e, dict) and (e.get("truncated") or e.get("malformed"))
                                           for e in v) for l in pkt["layers"] for v in l.values()) and \
        [norm(x) for x in MAP[f](cut_at_flagged_elements(pkt))] == tv


def ipv4_length_zero(f, pkt, tv, ov):
    return f == "ip.len" and any(l.get("layer") == "ip" and l.get("len") == 0 for l in pkt["layers"]) and \
        len(tv) == len(ov) and all(o == t or o == 0 for o, t in zip(ov, tv))


def udp_length_zero(f, pkt, tv, ov):
    """tshark's values are the first of ours, an IPv4 total length 0 read as 0 on our side."""
    return any(l.get("layer") == "udp" and l.get("ulen") == 0 for l in pkt["layers"]) and \
        len(ov) > len(tv) and all(o == t or (f == "ip.len" and o == 0) for o, t in zip(ov, tv))


def fabricpath(f, pkt, _tv, _ov):
    first = pkt["layers"][0] if pkt["layers"] else {}
    return f.startswith("eth.") and first.get("layer") == "ethernet" and first.get("type") == 0x8903


# Differences explained by what the packet is, wherever it is found: (why, test(tshark field, our
# packet, tshark's values, ours)). A test holds only where the difference is exactly the one it names.
# A fieldmap_*.py adds its protocols' RULES to these.
RULES = [
    ("an element the capture cuts, or whose length contradicts its set, is flagged in our JSON: we list what "
     "of it was captured and, where it still delimits itself, walk on; tshark shows nothing of an element it "
     "cannot read to its end and stops listing there (DNS records cut by a snap length or an IP fragment's "
     "end, hostile record sections, options running past their header)", stops_at_flagged_element),
    ("IPv4 Total Length 0 (TCP segmentation offload or BIG TCP on the capturing host, or a crafted header): "
     "tshark shows the length of the rest of the frame as ip.len ('reported as 0, presumed TSO'); we show the "
     "field as the wire has it, 0, and read the rest of the frame as the payload, as tshark and tcpdump do",
     ipv4_length_zero),
    ("UDP Length 0 over IPv4 (BIG TCP's VXLAN and Geneve tunnels, tcpdump's bigtcp-ipv4-*): tshark says 'BAD "
     "UDP LENGTH 0 < 8' and reads nothing further; we read 0 as RFC 2675's 'longer than 65,535' and go on to "
     "the tunnel and the packet inside it, as tcpdump does, so our values continue where tshark's end",
     udp_length_zero),
    ("Cisco FabricPath (DCE, ethertype 0x8903, no RFC): tshark decodes the 16-byte FabricPath header (cfp) and "
     "shows the inner Ethernet II header as eth.*; we do not decode FabricPath, so our ethernet layer is the "
     "outer header (type 0x8903) and the rest is raw", fabricpath),
]


def rule_for(f, pkt, tv, ov):
    """The reason a RULES entry gives for this difference, or None."""
    return next((why for why, test in RULES if test(f, pkt, tv, ov)), None)


def unmapped_fields(corpus):
    """The fields the corpus's field map (tshark-fields.tsv, when it has one) names that no MAP compares
    and UNMAPPED does not explain."""
    path = os.path.join(corpus, "tshark-fields.tsv")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    return sorted({r[2] for r in rows if len(r) > 2 and r[2] not in MAP and r[2] not in UNMAPPED})


# Files wrapped in an encapsulation outside this project's scope, under which tshark's eth.* describe an
# inner frame: compare none of their fields.
EXCLUDED_PROTOCOLS = {
    "isl": "Cisco ISL wraps the whole Ethernet frame; tshark's eth.* are the inner frame's",
}
EXCLUDED_FILES = {
    # tshark finds ISL by its destination 01:00:0c:00:00:00 without listing "isl" in frame.protocols
    "pypacker/packets_dtp.cap": "Cisco ISL frame: tshark's eth.* describe the inner frame",
    "tcpdump/DTP.pcap": "Cisco ISL frames: tshark's eth.* describe the inner frame",
}

def tshark_proto_of(field_name):
    """The tshark protocol that must be in a file for @field_name to be asked for."""
    head = field_name.split(".")[0]
    return FIELD_PROTO.get(head, head)


def norm(v):
    """A value in a comparable form: ints from any base, lower-case MACs, compressed IPv6, and one
    U+FFFD for a run of them (how many replacement characters an ill-formed UTF-8 sequence becomes is
    the decoder's policy, not the value: the label bytes 9f bf of an iodine DNS tunnel name are one in
    tshark, two in Python)."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    s = str(v).strip()
    if s in ("True", "False"):
        return int(s == "True")
    try:
        return int(s, 0)
    except ValueError:
        pass
    if ":" in s and "::" in s or s.count(":") == 7:
        try:
            return str(ipaddress.IPv6Address(s))
        except ValueError:
            pass
    return re.sub("\ufffd+", "\ufffd", s.lower())


def select_files(corpus, per_proto, take_all):
    rows = []
    with open(os.path.join(corpus, "index.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(header, line.rstrip("\n").split("\t")))
            if r["tshark_status"] != "ok" or r["format"].endswith(".gz") or r["format"] in ("snoop", "netmon2"):
                continue
            r["protos"] = set(r["protocols"].split(","))
            if r["protos"] & set(EXCLUDED_PROTOCOLS) or r["file"] in EXCLUDED_FILES:
                continue
            rows.append(r)
    rows.sort(key=lambda r: int(r["bytes"]))
    chosen = {}
    for p in TSHARK_PROTOS:
        n = 0
        for r in rows:
            if p in r["protos"] and (take_all or n < per_proto):
                chosen[r["file"]] = r
                n += 1
    return [chosen[k] for k in sorted(chosen)]


def deepest_is_opaque(pkt):
    layers = pkt.get("layers", [])
    return bool(layers) and (layers[-1].get("layer") in ("raw", "esp") or layers[-1].get("truncated")
                             or layers[-1].get("malformed"))


def run_tshark(path, fields):
    cmd = ["tshark"] + TSHARK_OPTS + [x for d in DECODE_AS for x in ("-d", d)] + ["-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
                                      "-E", "aggregator=\x1f", "-e", "frame.number"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=300)
    frames = {}
    for line in out.stdout.splitlines():
        cols = line.split("\t")
        if not cols[0].isdigit():
            continue
        frames[int(cols[0])] = {f: ([x for x in c.split("\x1f")] if c else [])
                                for f, c in zip(fields, cols[1:] + [""] * (len(fields) - len(cols) + 1))}
    return frames


def run_pktctl(pktctl, path):
    out = subprocess.run([pktctl, "read", "--json", path], capture_output=True, text=True, errors="replace",
                         timeout=300)
    pkts = {}
    for line in out.stdout.splitlines():
        try:
            p = json.loads(line)
        except json.JSONDecodeError:
            continue
        pkts[int(p["n"])] = p
    return pkts, out.returncode


def main():
    load_maps()
    ap = argparse.ArgumentParser()
    ap.add_argument("--pktctl", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--per-proto", type=int, default=10)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--report")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    missing = unmapped_fields(args.corpus)
    if missing:
        print("the field map names fields no fieldmap_*.py compares: " + ", ".join(missing), file=sys.stderr)
        return 1
    stats = collections.defaultdict(lambda: collections.Counter())
    first_bad = {}
    explained = {}
    files = select_files(args.corpus, args.per_proto, args.all)
    for r in files:
        path = os.path.join(args.corpus, r["file"])
        fields = [f for f in MAP if tshark_proto_of(f) in r["protos"]]
        if not fields:
            continue
        theirs = run_tshark(path, fields + [a for f in fields for a in TSHARK_ALSO.get(f, [])])
        ours, rc = run_pktctl(args.pktctl, path)
        if rc not in (0, 1):
            stats["pktctl"]["crash"] += 1
            first_bad.setdefault("pktctl", f"{r['file']}: exit {rc}")
            continue
        for n, tf in theirs.items():
            op = ours.get(n)
            if op is None:
                continue
            for f in fields:
                tv = [norm(x) for g in [f] + TSHARK_ALSO.get(f, []) for x in tf.get(g, [])]
                ov = [norm(x) for x in MAP[f](op)]
                if not tv and not ov:
                    continue
                if not ov:
                    stats[f]["tshark_only"] += 1
                elif not tv:
                    stats[f]["ours_only"] += 1
                elif tv == ov:
                    stats[f]["match"] += 1
                elif len(ov) < len(tv) and tv[:len(ov)] == ov and deepest_is_opaque(op):
                    # ORACLE.md 2: tshark went deeper (IPComp, a tunnel we do not decode); compare up to
                    # our deepest layer, which must be opaque payload.
                    stats[f]["match"] += 1
                    stats[f]["tshark_deeper"] += 1
                elif r["file"] in FILE_DIFFERENCES.get(f, {}):
                    stats[f]["explained"] += 1
                    explained.setdefault(f, f"in one file, {r['file']}: {FILE_DIFFERENCES[f][r['file']]}")
                elif (why := rule_for(f, op, tv, ov)):
                    stats[f]["explained"] += 1
                    explained.setdefault(f, f"by rule, first in {r['file']} frame {n}: {why}")
                else:
                    stats[f]["mismatch"] += 1
                    first_bad.setdefault(f, f"{r['file']} frame {n}: tshark {tv[:12]} ours {ov[:12]}")

    lines = []
    failed = []
    per_proto = collections.defaultdict(collections.Counter)
    for f in sorted(stats):
        c = stats[f]
        proto = f.split(".")[0]
        per_proto[proto].update(c)
        compared = c["match"] + c["mismatch"]
        rate = c["match"] / compared if compared else 1.0
        note = KNOWN_DIFFERENCES.get(f, "")
        lines.append(f"{f:32} match {c['match']:6} mismatch {c['mismatch']:5} tshark-only {c['tshark_only']:5} "
                     f"ours-only {c['ours_only']:5} deeper {c['tshark_deeper']:4}  {rate:7.2%}" + (f"  [{note}]" if note and c["mismatch"] else ""))
        if c["mismatch"] and f in first_bad:
            lines.append(f"    first mismatch: {first_bad[f]}")
        if c["explained"]:
            lines.append(f"    {c['explained']} explained {explained[f]}")
        if (c["mismatch"] and not note) or c["crash"]:
            failed.append(f)
    lines.append("")
    lines.append("per protocol:")
    for proto in sorted(per_proto):
        c = per_proto[proto]
        compared = c["match"] + c["mismatch"]
        rate = c["match"] / compared if compared else 1.0
        lines.append(f"  {proto:8} {rate:7.2%} of {compared} compared values agree")
    lines.append(f"files: {len(files)}")
    text = "\n".join(lines)
    print(text)
    if args.report:
        with open(args.report, "w") as f:
            f.write(text + "\n")
    if failed:
        print("unexplained differences in: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
