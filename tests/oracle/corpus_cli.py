#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Every capture of the shared corpus through `pktctl read --json` and `pktctl stats` (the issue's robustness
bar: many captures are deliberately malformed). Built with sanitizers, a report aborts pktctl with exit code
86 (set below), which this test counts as a failure; exit 0 (read everything) and 1 (the file is damaged or
not a capture, reported on stderr) are both fine. Also checks that every line of --json output is JSON.

usage: corpus_cli.py --pktctl PATH --corpus DIR [--jobs N]
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

SANITIZER_EXIT = 86


def check(pktctl, path):
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = f"exitcode={SANITIZER_EXIT}:detect_leaks=1:" + env.get("ASAN_OPTIONS", "")
    env["UBSAN_OPTIONS"] = f"exitcode={SANITIZER_EXIT}:print_stacktrace=1:halt_on_error=1"
    problems = []
    for args in (["read", "--json", path], ["stats", path]):
        try:
            out = subprocess.run([pktctl] + args, capture_output=True, env=env, timeout=300)
        except subprocess.TimeoutExpired:
            problems.append(f"{' '.join(args[:-1])}: timed out")
            continue
        if out.returncode not in (0, 1):
            err = out.stderr.decode(errors="replace").strip().splitlines()
            problems.append(f"{' '.join(args[:-1])}: exit {out.returncode}: {' | '.join(err[:3])}")
        if args[1] == "--json":
            for i, line in enumerate(out.stdout.decode(errors="strict").splitlines()):
                try:
                    json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError) as e:
                    problems.append(f"read --json: line {i + 1} is not JSON: {e}")
                    break
    return path, problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pktctl", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()

    with open(os.path.join(args.corpus, "index.tsv")) as f:
        f.readline()
        files = [os.path.join(args.corpus, line.split("\t")[0]) for line in f if line.strip()]
    bad = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        for path, problems in ex.map(lambda p: check(args.pktctl, p), files):
            for p in problems:
                print(f"FAIL {os.path.relpath(path, args.corpus)}: {p}")
                bad += 1
    print(f"{len(files) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
