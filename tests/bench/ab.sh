#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Compares the parse loop of two builds, run turn about: is a change to the engine faster?
#
#   tests/bench/ab.sh OLD/tests/bench/bench_parse NEW/tests/bench/bench_parse [PAIRS] [FILE]
#
# Each run is `bench_parse FILE --layouts` (default: a 200,000-packet capture made with the NEW build's
# gen_mixed). The guests we measure on change speed for seconds at a time: libpkt and the hand-written
# loop both slow down by up to 1.7x, even between two rows of one run, so one pair of runs can compare
# a slow phase with a fast one (README.md, "Comparing two builds"). So the runs alternate and the
# summary gives, per build and arrangement, the best time over all its runs: with enough pairs both
# builds get runs in a fast phase. Each row also prints the hand-written loop's times, the phase's mark
# (in cache and in order about 5 ns when fast, 8-9 ns when slow).
set -eu

if [ $# -lt 2 ]; then
        echo "usage: $0 OLD_BENCH_PARSE NEW_BENCH_PARSE [PAIRS] [FILE]" >&2
        exit 2
fi
OLD=$1
NEW=$2
PAIRS=${3:-6}
FILE=${4:-${TMPDIR:-/tmp}/pktd-ab-200000.pcap}
CPU=${CPU:-1}

if [ ! -s "$FILE" ]; then
        "$(dirname "$NEW")/gen_mixed" "$FILE" 200000 >/dev/null
fi
PIN=""
if command -v taskset >/dev/null 2>&1; then
        PIN="taskset -c $CPU"
fi

# One line per run: build, then libpkt and hand-written ns for the file, random and in-order rows.
i=0
while [ "$i" -lt "$PAIRS" ]; do
        for b in old new; do
                if [ "$b" = old ]; then bin=$OLD; else bin=$NEW; fi
                BENCH_ROUNDS=${BENCH_ROUNDS:-7} $PIN "$bin" "$FILE" --layouts |
                        awk -v b="$b" '/libpkt .* hand-written/ { v = v " " $(NF-2) " " $NF }
                                       END { print b v }'
        done
        i=$((i + 1))
done | awk '
        { printf "%-4s file %6s/%-6s random %6s/%-6s in order %6s/%-6s\n", $1, $2, $3, $4, $5, $6, $7
          n[$1]++
          for (k = 2; k <= 6; k += 2)
                  if (!(($1, k) in best) || $k < best[$1, k]) best[$1, k] = $k }
        END {
          print "best libpkt ns per packet (file / random / in order):"
          for (b = 0; b < 2; b++) {
                  name = b ? "new" : "old"
                  printf "  %s (%d runs): %s / %s / %s\n", name, n[name], best[name, 2], best[name, 4], best[name, 6]
          }
        }'
