#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Runs the offline examples of docs/pktctl.md (read, stats, build, protocols, fields) from the corpus
directory and checks that each prints what the text shows under it, so the manual cannot drift from
the program. In the text, a line "..." stands for any lines; a note "(exit N)" at the end of a line
is the exit status, not output, and "(exit N, followed by ...)" allows more output after that line.
The live examples (pktd, capture, send) need a daemon and are the integration tests' to check.
"""
import argparse
import os
import re
import subprocess
import sys

OFFLINE = ("read", "stats", "build", "protocols", "fields")
EXIT_NOTE = re.compile(r"\s+\(exit (\d+)(, followed by [^)]*)?\)\s*$")


def examples(text):
    """(command, lines shown under it) for each "$ pktctl ..." line of a fenced block."""
    lines = text.split("\n")
    in_block, i = False, 0
    while i < len(lines):
        if lines[i].startswith("```"):
            in_block = not in_block
        elif in_block and lines[i].startswith("$ pktctl "):
            cmd, shown = lines[i][2:], []
            while i + 1 < len(lines) and not lines[i + 1].startswith(("$ ", "```")):
                i += 1
                shown.append(lines[i])
            yield cmd, shown
        i += 1


def matches(want, got):
    """Do the lines @got fit the pattern lines @want ("..." is any lines, a trailing "*" any more)?"""
    if not want:
        return not got
    if want[0].strip() == "...":
        return any(matches(want[1:], got[k:]) for k in range(len(got) + 1))
    if want[0] == "*":
        return True
    return bool(got) and want[0] == got[0] and matches(want[1:], got[1:])


def expectation(shown):
    """The pattern lines and the exit status the text shows."""
    want, status = [], 0
    for line in shown:
        m = EXIT_NOTE.search(line)
        if m:
            status = int(m.group(1))
            line = line[:m.start()]
        want.append(line.rstrip())
        if m and m.group(2):
            want.append("*")
    while want and not want[-1]:
        want.pop()
    return want, status


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().split("\n")[0])
    ap.add_argument("--pktctl", required=True)
    ap.add_argument("--doc", required=True)
    ap.add_argument("--corpus", required=True)
    a = ap.parse_args()
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(a.pktctl)) + ":" + os.environ["PATH"])
    ran = bad = 0
    for cmd, shown in examples(open(a.doc).read()):
        words = cmd.split()
        if words[1] not in OFFLINE or "--via-daemon" in words:
            continue
        want, status = expectation(shown)
        r = subprocess.run(["/bin/sh", "-c", cmd], cwd=a.corpus, env=env, capture_output=True, text=True,
                           timeout=120)
        got = [line.rstrip() for line in (r.stdout + r.stderr).rstrip("\n").split("\n")]
        ran += 1
        if matches(want, got) and r.returncode == status:
            continue
        bad += 1
        print(f"FAIL {cmd[:160]}\n  exit {r.returncode} (the text: {status})")
        for w, g in zip(want, got):
            if w != g and w.strip() not in ("...", "*"):
                print(f"  text: {w[:200]}\n  got:  {g[:200]}")
                break
    print(f"{ran - bad} of {ran} offline examples of {a.doc} print what the text shows")
    return 1 if bad or not ran else 0


if __name__ == "__main__":
    sys.exit(main())
