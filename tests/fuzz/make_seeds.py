#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Extracts the fuzz_dissect seed corpus from the shared capture corpus.

One frame per (link type, tshark protocol path): for every capture in index.tsv (in name order), tshark
names each frame's protocol stack (frame.protocols, stateless options as in ORACLE.md) and scapy's raw
readers give the bytes and link type; the first frame of each new (link type, path) becomes a seed.
Frames whose capture was cut by the snap length keep that: their seed sets the "cut" bit, so the
harness gives them a wire length above the captured one.

A seed is byte 0 (the index of the link type in fuzz_dissect.c's link_types[], plus 0x80 when cut)
followed by the frame. Link types not in that list are skipped. Seeds are named by the SHA-1 of their
content; dissect-seeds.tsv records where each came from (capture, frame, path), since each carries the
license of the repository its capture came from.

The total stays under --max-bytes (default 2 MB): when the frames do not all fit, the shortest of each
link type go first, round robin, so that every link type keeps some.

Run from anywhere:  /usr/bin/python3 tests/fuzz/make_seeds.py [--corpus DIR] [--jobs 2]
It rewrites tests/fuzz/corpus/dissect/ (regression seeds named crash-* and the frames named gen-*, built
to reach a check a corpus frame does not, are kept).
"""
import argparse
import concurrent.futures
import csv
import hashlib
import os
import subprocess
import sys

from scapy.utils import RawPcapNgReader, RawPcapReader

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# Must match link_types[] in fuzz_dissect.c, in order (append only: seeds index it).
LINK_TYPES = [1, 101, 113, 276, 0, 108, 228, 229, 12, 14, 127, 105, 9, 50, 51, 147,
              107, 104, 8, 192, 195, 119, 239]
CUT = 0x80

TSHARK_OPTS = ["-n",
               "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "ip.defragment:FALSE",
               "-o", "ipv6.defragment:FALSE", "-o", "sctp.reassembly:FALSE",
               "-o", "dns.desegment_dns_messages:FALSE", "-o", "http.desegment_headers:FALSE",
               "-o", "http.desegment_body:FALSE", "-o", "tls.desegment_ssl_records:FALSE"]

# Frames seeded besides the first of each path: message types that tshark's frame.protocols does not
# tell apart (eth:ethertype:ip:pim is every PIM message), as (capture, frame, label for the path).
EXTRA_FRAMES = [
    ("tcpdump/PIMv2_bootstrap.pcap", 1, "pim bootstrap"),
    ("tcpdump/PIMv2_bootstrap.pcap", 2, "pim c-rp-adv"),
    ("tcpdump/pim-packet-assortment.pcap", 134, "pim bootstrap ipv6"),
    ("tcpdump/pim-packet-assortment.pcap", 142, "pim c-rp-adv ipv6"),
]

# Why: tshark needs about 0.2 s per capture; a few huge captures would dominate without a cap.
MAX_FRAMES_PER_FILE = 5000


def tshark_paths(path):
    """frame.protocols of each frame (tshark may stop early on a broken file: what it read counts)."""
    cmd = ["tshark"] + TSHARK_OPTS + ["-r", path, "-c", str(MAX_FRAMES_PER_FILE),
                                      "-T", "fields", "-e", "frame.protocols"]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False).stdout
    return out.decode("utf-8", "replace").splitlines()


def raw_frames(path):
    """(linktype, bytes, is_cut) per frame, as far as scapy can read the file."""
    frames = []
    try:
        reader = RawPcapReader(path)
    except Exception:  # not a format scapy reads (snoop, netmon, broken headers): no seeds from it
        return frames
    try:
        for data, meta in reader:
            if len(frames) == MAX_FRAMES_PER_FILE:
                break
            if isinstance(reader, RawPcapNgReader):
                linktype, wirelen = meta.linktype, meta.wirelen
            else:
                linktype, wirelen = reader.linktype, meta.wirelen
            frames.append((linktype, bytes(data), wirelen is not None and wirelen > len(data)))
    except Exception:  # a file cut short or corrupt: keep the frames before the damage
        pass
    finally:
        reader.close()
    return frames


def candidates(corpus, rel):
    path = os.path.join(corpus, rel)
    paths = tshark_paths(path)
    out = []
    for no, (linktype, data, is_cut) in enumerate(raw_frames(path), 1):
        if linktype not in LINK_TYPES or no > len(paths):
            continue
        out.append(((linktype, paths[no - 1]), rel, no, linktype, data, is_cut))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(REPO), "shared", "corpus"))
    ap.add_argument("--out", default=os.path.join(HERE, "corpus", "dissect"))
    ap.add_argument("--max-bytes", type=int, default=2_000_000)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    with open(os.path.join(args.corpus, "index.tsv"), newline="") as f:
        files = sorted(row["file"] for row in csv.DictReader(f, delimiter="\t"))

    chosen = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for found in pool.map(lambda rel: candidates(args.corpus, rel), files):
            for key, rel, no, linktype, data, is_cut in found:
                if key not in chosen:
                    chosen[key] = (rel, no, linktype, data, is_cut)
    for rel, want, label in EXTRA_FRAMES:
        for key, _rel, no, linktype, data, is_cut in candidates(args.corpus, rel):
            if no == want:
                chosen[(linktype, f"{key[1]} [{label}]")] = (rel, no, linktype, data, is_cut)

    # Shortest first within each link type, link types taken in turn, until the budget is spent.
    by_link = {}
    for key, seed in sorted(chosen.items(), key=lambda kv: (len(kv[1][3]), kv[0])):
        by_link.setdefault(key[0], []).append((key, seed))
    picked, total = [], 0
    while any(by_link.values()):
        for lt in sorted(by_link):
            if not by_link[lt]:
                continue
            key, seed = by_link[lt].pop(0)
            if total + len(seed[3]) + 1 > args.max_bytes:
                by_link[lt] = []
                continue
            picked.append((key, seed))
            total += len(seed[3]) + 1

    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if not name.startswith(("crash-", "gen-")):
            os.unlink(os.path.join(args.out, name))
    rows = []
    for (linktype, proto_path), (rel, no, _, data, is_cut) in sorted(picked, key=lambda kv: kv[0]):
        blob = bytes([LINK_TYPES.index(linktype) | (CUT if is_cut else 0)]) + data
        name = hashlib.sha1(blob).hexdigest()[:16]
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(blob)
        rows.append((name, linktype, proto_path, rel, no, len(data), "cut" if is_cut else ""))
    with open(os.path.join(os.path.dirname(args.out), "dissect-seeds.tsv"), "w") as f:
        f.write("seed\tlinktype\ttshark_protocols\tcapture\tframe\tcaplen\tsnap_cut\n")
        for row in rows:
            f.write("\t".join(str(x) for x in row) + "\n")
    print(f"{len(rows)} seeds of {len(chosen)} (link type, path) pairs, {total} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
