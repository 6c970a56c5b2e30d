#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
The tshark oracles on packets outside the shared corpus: gen_packets.py (scapy, seeded) writes them,
this script indexes them as the corpus is indexed (the protocols tshark finds in each file) and runs
tshark_compare.py (every mapped field, frame by frame) and stack_compare.py (the layer stack of every
frame, and pktctl stats) over them with --all. Fails when either does; exits 77 (skipped) without scapy
or tshark.

usage: generated_compare.py --pktctl PATH [--seed N] [--count N] [--keep DIR]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCAPY_PYTHON = "/usr/bin/python3"  # Debian's python3-scapy is installed for the system interpreter


def index(corpus, made_by="gen_packets.py"):
    """Writes corpus/index.tsv, for the files in corpus/gen, with the columns tshark_compare.py and
    stack_compare.py read."""
    rows = []
    for name in sorted(os.listdir(os.path.join(corpus, "gen"))):
        rel = os.path.join("gen", name)
        out = subprocess.run(["tshark", "-n", "-r", os.path.join(corpus, rel), "-T", "fields", "-e", "frame.protocols"],
                             capture_output=True, text=True, check=True).stdout
        protos = sorted({p for line in out.splitlines() for p in line.split(":")})
        rows.append([rel, "generated", rel, "pcap", "", str(len(out.splitlines())), ",".join(protos),
                     "", "", "", "ok", str(os.path.getsize(os.path.join(corpus, rel))), "", made_by])
    header = ["file", "source", "source_path", "format", "linktype", "packets", "protocols", "malformed",
              "malformed_pkts", "error_pkts", "tshark_status", "bytes", "sha1", "selected_because"]
    with open(os.path.join(corpus, "index.tsv"), "w") as f:
        for r in [header] + rows:
            f.write("\t".join(r) + "\n")


def compare(pktctl, corpus):
    """Runs tshark_compare.py and stack_compare.py over every file of an indexed @corpus; 1 when
    either fails, else 0."""
    failed = 0
    for script in ("tshark_compare.py", "stack_compare.py"):
        print(f"---- {script}", flush=True)
        r = subprocess.run([sys.executable, os.path.join(HERE, script), "--pktctl", pktctl,
                            "--corpus", corpus, "--all"])
        failed |= r.returncode != 0
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pktctl", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1500)
    ap.add_argument("--keep", help="write the packets here and keep them")
    args = ap.parse_args()
    if not shutil.which("tshark") or subprocess.run([SCAPY_PYTHON, "-c", "import scapy"],
                                                    capture_output=True).returncode != 0:
        print("generated_compare: needs tshark and python3-scapy", file=sys.stderr)
        return 77
    corpus = args.keep or tempfile.mkdtemp(prefix="pktd-generated-")
    try:
        subprocess.run([SCAPY_PYTHON, os.path.join(HERE, "gen_packets.py"), corpus, "--seed", str(args.seed),
                        "--count", str(args.count)], check=True, stderr=subprocess.DEVNULL)
        index(corpus)
        return compare(args.pktctl, corpus)
    finally:
        if not args.keep:
            shutil.rmtree(corpus, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
