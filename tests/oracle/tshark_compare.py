#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Field-by-field comparison of `pktctl read --json` with tshark over the shared corpus (method:
../shared/corpus/ORACLE.md). For every mapped field of the protocols below it compares, packet by packet,
the list of values we give with the list tshark gives (all occurrences, in packet order: an ICMP error has
two ip.src), after normalising both sides (integers in any base, MACs, IPv6 text).

Per field it counts: match, mismatch (both have values, they differ), ours-only, tshark-only. It fails when a
field has a mismatch that is not explained in KNOWN_DIFFERENCES, or when a protocol's agreement falls below
the threshold. Fields only one side has are reported, not failed: tshark shows some fields only in some cases
(icmp.mtu only for code 4) and we show some it does not.

usage: tshark_compare.py --pktctl PATH --corpus DIR [--per-proto N] [--all] [--report FILE] [--verbose]
"""
import argparse
import collections
import ipaddress
import json
import os
import subprocess
import sys

TSHARK_OPTS = [
    "-n",
    "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tcp.analyze_sequence_numbers:FALSE",
    "-o", "tcp.relative_sequence_numbers:FALSE",
    "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
    "-o", "dns.desegment_dns_messages:FALSE",
    "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
]

# tshark protocol names (index.tsv `protocols`) -> whether a file is interesting for this issue.
CORE_TSHARK_PROTOS = ["eth", "vlan", "ieee8021ad", "sll", "llc", "arp", "ip", "ipv6", "ipv6.hopopts",
                      "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts", "ah", "icmp", "icmpv6", "tcp", "udp",
                      "dns", "null"]


def layers_named(pkt, name, after=None):
    """Our layers called `name` (optionally only those right after a layer called `after`)."""
    out = []
    layers = pkt["layers"]
    for i, l in enumerate(layers):
        if l.get("layer") != name:
            continue
        if after is not None and (i == 0 or layers[i - 1].get("layer") not in after):
            continue
        out.append(l)
    return out


def field(name, key, after=None, conv=None, when=None):
    """Values of field `key` in every layer `name`."""
    def get(pkt):
        vals = []
        for l in layers_named(pkt, name, after):
            if when is not None and not when(l):
                continue
            if key in l:
                vals.append(conv(l[key], l) if conv else l[key])
        return vals
    return get


def elems(name, sets, key, after=None, conv=None, when=None):
    """Values of `key` in the elements of sets `sets` of every layer `name`, in order."""
    def get(pkt):
        vals = []
        for l in layers_named(pkt, name, after):
            for s in sets:
                for e in l.get(s, []):
                    if when is not None and not when(e):
                        continue
                    if key in e:
                        vals.append(conv(e[key], e) if conv else e[key])
        return vals
    return get


def tagged(tpid, key, when=None):
    """Fields of dot1q layers whose tag type (the type field before them) is @tpid: tshark calls an
    802.1Q tag vlan.* and an 802.1ad service tag ieee8021ad.*; we have one layer, dot1q, for both."""
    def get(pkt):
        vals = []
        layers = pkt["layers"]
        for i, l in enumerate(layers):
            if l.get("layer") != "dot1q" or i == 0 or int(layers[i - 1].get("type", -1)) != tpid:
                continue
            if (when is None or when(l)) and key in l:
                vals.append(l[key])
        return vals
    return get


def times4(v, _l):
    return int(v) * 4


ICMP = ("icmp",)
ICMP6 = ("icmp6",)
DNS_RR_SETS = ("answers", "auths", "addrecords")

# tshark field -> how to get our values. Keep to the fields of tshark-fields.tsv for this protocols.
MAP = {
    # Ethernet / VLAN / cooked / LLC
    "eth.dst": field("ethernet", "dst"),
    "eth.src": field("ethernet", "src"),
    "eth.type": field("ethernet", "type", when=lambda l: int(l.get("type", 0)) > 1500),
    "eth.len": field("ethernet", "type", when=lambda l: int(l.get("type", 0)) <= 1500),
    "vlan.priority": tagged(0x8100, "prio"),
    "vlan.dei": tagged(0x8100, "cfi"),
    "vlan.id": tagged(0x8100, "vid"),
    "vlan.etype": tagged(0x8100, "type", when=lambda l: int(l.get("type", 0)) > 1500),
    "ieee8021ad.priority": tagged(0x88a8, "prio"),
    "ieee8021ad.dei": tagged(0x88a8, "cfi"),
    "ieee8021ad.id": tagged(0x88a8, "vid"),
    "sll.pkttype": field("linuxcc", "dir"),
    "sll.hatype": field("linuxcc", "addrtype"),
    "sll.halen": field("linuxcc", "addrlen"),
    "sll.etype": field("linuxcc", "type", when=lambda l: int(l.get("type", 0)) >= 0x600),
    "llc.dsap": field("llc", "dsap"),
    "llc.ssap": field("llc", "ssap"),
    "llc.control": field("llc", "ctrl"),
    # ARP
    "arp.hw.type": field("arp", "hrd"),
    "arp.proto.type": field("arp", "pro"),
    "arp.hw.size": field("arp", "hln"),
    "arp.proto.size": field("arp", "pln"),
    "arp.opcode": field("arp", "op"),
    "arp.src.hw_mac": field("arp", "sha"),
    "arp.src.proto_ipv4": field("arp", "spa"),
    "arp.dst.hw_mac": field("arp", "tha"),
    "arp.dst.proto_ipv4": field("arp", "tpa"),
    # IPv4
    "ip.version": field("ip", "v"),
    "ip.hdr_len": field("ip", "hl", conv=times4),
    "ip.dsfield": field("ip", "tos"),
    "ip.len": field("ip", "len"),
    "ip.id": field("ip", "id"),
    "ip.flags": field("ip", "flags"),
    "ip.frag_offset": field("ip", "offset"),
    "ip.ttl": field("ip", "ttl"),
    "ip.proto": field("ip", "p"),
    "ip.checksum": field("ip", "sum"),
    "ip.src": field("ip", "src"),
    "ip.dst": field("ip", "dst"),
    "ip.opt.type": elems("ip", ("opts",), "type"),
    # IPv6 and extension headers
    "ipv6.version": field("ip6", "v"),
    "ipv6.tclass": field("ip6", "fc"),
    "ipv6.flow": field("ip6", "flow"),
    "ipv6.plen": field("ip6", "dlen"),
    "ipv6.nxt": field("ip6", "nxt"),
    "ipv6.hlim": field("ip6", "hlim"),
    "ipv6.src": field("ip6", "src"),
    "ipv6.dst": field("ip6", "dst"),
    "ipv6.hopopts.nxt": field("ip6hopoptsheader", "nxt"),
    "ipv6.hopopts.len": field("ip6hopoptsheader", "len"),
    "ipv6.dstopts.nxt": field("ip6dstoptsheader", "nxt"),
    "ipv6.dstopts.len": field("ip6dstoptsheader", "len"),
    "ipv6.routing.nxt": field("ip6routingheader", "nxt"),
    "ipv6.routing.len": field("ip6routingheader", "len"),
    "ipv6.routing.type": field("ip6routingheader", "type"),
    "ipv6.routing.segleft": field("ip6routingheader", "segs_left"),
    "ipv6.fraghdr.nxt": field("ip6fragmentheader", "nxt"),
    "ipv6.fraghdr.offset": field("ip6fragmentheader", "frag_off"),
    "ipv6.fraghdr.more": field("ip6fragmentheader", "m_flag"),
    "ipv6.fraghdr.ident": field("ip6fragmentheader", "id"),
    "ah.next_header": field("ah", "nxt"),
    "ah.length": field("ah", "len"),
    "ah.spi": field("ah", "spi"),
    "ah.sequence": field("ah", "seq"),
    # ICMP
    "icmp.type": field("icmp", "type"),
    "icmp.code": field("icmp", "code"),
    "icmp.checksum": field("icmp", "sum"),
    "icmp.ident": field("echo", "id", after=ICMP),
    "icmp.seq": field("echo", "seq", after=ICMP),
    "icmp.redir_gw": field("redirect", "gw", after=ICMP),
    # ICMPv6
    "icmpv6.type": field("icmp6", "type"),
    "icmpv6.code": field("icmp6", "code"),
    "icmpv6.checksum": field("icmp6", "sum"),
    "icmpv6.echo.identifier": field("echo", "id", after=ICMP6),
    "icmpv6.echo.sequence_number": field("echo", "seq", after=ICMP6),
    "icmpv6.mtu": field("toobig", "mtu", after=ICMP6),
    "icmpv6.pointer": field("paramprob", "ptr", after=ICMP6),
    "icmpv6.nd.ns.target_address": field("neighboursolicitation", "target", after=ICMP6),
    "icmpv6.nd.na.target_address": field("neighbouradvertisement", "target", after=ICMP6),
    "icmpv6.nd.na.flag": field("neighbouradvertisement", "flags", after=ICMP6),
    # TCP
    "tcp.srcport": field("tcp", "sport"),
    "tcp.dstport": field("tcp", "dport"),
    "tcp.seq_raw": field("tcp", "seq"),
    "tcp.ack_raw": field("tcp", "ack"),
    "tcp.hdr_len": field("tcp", "off", conv=times4),
    "tcp.window_size_value": field("tcp", "win"),
    "tcp.checksum": field("tcp", "sum"),
    "tcp.urgent_pointer": field("tcp", "urp"),
    "tcp.option_kind": elems("tcp", ("opts",), "type"),
    "tcp.options.mss_val": elems("tcp", ("opts",), "mss"),
    "tcp.options.timestamp.tsval": elems("tcp", ("opts",), "tsval"),
    "tcp.options.timestamp.tsecr": elems("tcp", ("opts",), "tsecr"),
    # UDP
    "udp.srcport": field("udp", "sport"),
    "udp.dstport": field("udp", "dport"),
    "udp.length": field("udp", "ulen"),
    "udp.checksum": field("udp", "sum"),
    # DNS
    "dns.id": field("dns", "id"),
    "dns.flags.response": field("dns", "qr"),
    "dns.flags.opcode": field("dns", "opcode"),
    "dns.flags.rcode": field("dns", "rcode"),
    "dns.count.queries": field("dns", "questions_amount"),
    "dns.count.answers": field("dns", "answers_amount"),
    "dns.count.auth_rr": field("dns", "authrr_amount"),
    "dns.count.add_rr": field("dns", "addrr_amount"),
    "dns.qry.name": elems("dns", ("queries",), "name"),
    "dns.qry.type": elems("dns", ("queries",), "type"),
    "dns.qry.class": elems("dns", ("queries",), "cls"),
    "dns.resp.name": elems("dns", DNS_RR_SETS, "name"),
    "dns.resp.type": elems("dns", DNS_RR_SETS, "type"),
    "dns.resp.ttl": elems("dns", DNS_RR_SETS, "ttl", when=lambda e: int(e.get("type", 0)) != 41),
    "dns.resp.len": elems("dns", DNS_RR_SETS, "dlen"),
    "dns.a": elems("dns", DNS_RR_SETS, "address", when=lambda e: int(e.get("type", 0)) == 1),
    "dns.aaaa": elems("dns", DNS_RR_SETS, "address", when=lambda e: int(e.get("type", 0)) == 28),
}

# tshark fields whose differences are explained (field -> why). Mismatches here are reported, not failed.
KNOWN_DIFFERENCES = {
    "ip.opt.type": "an option whose length runs past the header end: we list it, flagged malformed; tshark "
                   "raises an expert error and lists no type for it",
    "tcp.option_kind": "after end-of-list, tshark lists every padding byte as another EOL; RFC 9293 3.1 says "
                       "what follows end-of-list is padding, so we stop there",
}

# Files wrapped in an encapsulation outside this project's scope, under which tshark's eth.* describe an
# inner frame: compare none of their fields.
EXCLUDED_PROTOCOLS = {
    "isl": "Cisco ISL wraps the whole Ethernet frame; tshark's eth.* are the inner frame's",
}
EXCLUDED_FILES = {
    # tshark finds ISL by its destination 01:00:0c:00:00:00 without listing "isl" in frame.protocols
    "pypacker/packets_dtp.cap": "Cisco ISL frame: tshark's eth.* describe the inner frame",
}

# tshark field -> the tshark protocol that must be in the file for the field to be asked for.
def tshark_proto_of(field_name):
    head = field_name.split(".")[0]
    return {"eth": "eth", "vlan": "vlan", "ieee8021ad": "ieee8021ad", "sll": "sll", "llc": "llc", "arp": "arp", "ip": "ip",
            "ipv6": "ipv6", "ah": "ah", "icmp": "icmp", "icmpv6": "icmpv6", "tcp": "tcp", "udp": "udp",
            "dns": "dns"}[head]


def norm(v):
    """A value in a comparable form: ints from any base, lower-case MACs, compressed IPv6."""
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
    return s.lower()


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
    for p in CORE_TSHARK_PROTOS:
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
    cmd = ["tshark"] + TSHARK_OPTS + ["-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
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
    ap = argparse.ArgumentParser()
    ap.add_argument("--pktctl", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--per-proto", type=int, default=10)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--threshold", type=float, default=0.99)
    ap.add_argument("--report")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    stats = collections.defaultdict(lambda: collections.Counter())
    first_bad = {}
    files = select_files(args.corpus, args.per_proto, args.all)
    for r in files:
        path = os.path.join(args.corpus, r["file"])
        fields = [f for f in MAP if tshark_proto_of(f) in r["protos"]]
        if not fields:
            continue
        theirs = run_tshark(path, fields)
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
                tv = [norm(x) for x in tf.get(f, [])]
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
