#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Builds the benchmarks, generates the mixed capture, runs every benchmark pinned to one CPU and prints
# one summary table. Nothing here goes to the network.
#
#   tests/bench/run.sh                 # build dir: build-bench at the top of the tree
#   BUILD_DIR=/tmp/b COUNT=200000 BENCH_ROUNDS=7 CPU=1 tests/bench/run.sh
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SRC/build-bench}
COUNT=${COUNT:-1000000}
CPU=${CPU:-1}
BENCH_ROUNDS=${BENCH_ROUNDS:-5}
RUNS=${RUNS:-5} # runs of each command in the pktctl/tcpdump timing
export BENCH_ROUNDS

PIN=""
if command -v taskset >/dev/null 2>&1; then
        PIN="taskset -c $CPU"
fi

cmake -S "$SRC" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPKTD_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" -j2 --target gen_mixed bench_parse bench_read bench_craft >/dev/null
# pktctl is optional: the stats line is skipped when it does not build (yet).
cmake --build "$BUILD_DIR" -j2 --target pktctl >/dev/null 2>&1 || true

B=$BUILD_DIR/tests/bench
FILE=$BUILD_DIR/mixed-$COUNT.pcap
if [ ! -s "$FILE" ]; then
        "$B/gen_mixed" "$FILE" "$COUNT"
fi

LOG=$BUILD_DIR/bench-logs
mkdir -p "$LOG"
status=0
$PIN "$B/bench_parse" "$FILE" >"$LOG/parse.txt" 2>&1 || status=1
$PIN "$B/bench_read" "$FILE" >"$LOG/read.txt" 2>&1 || status=1
$PIN "$B/bench_craft" "$FILE" >"$LOG/craft.txt" 2>&1 || status=1
cat "$LOG/parse.txt" "$LOG/read.txt" "$LOG/craft.txt"

# Median wall-clock seconds of $RUNS runs of a command (hyperfine when installed, else /usr/bin/time).
median_secs() {
        if command -v hyperfine >/dev/null 2>&1; then
                hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$LOG/hf.json" "$*" >/dev/null 2>&1 || return 1
                python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$LOG/hf.json"
                return
        fi
        : >"$LOG/times"
        "$@" >/dev/null 2>&1 || return 1 # warm-up, and a failure check
        i=0
        while [ "$i" -lt "$RUNS" ]; do
                /usr/bin/time -f %e -a -o "$LOG/times" "$@" >/dev/null 2>&1 || return 1
                i=$((i + 1))
        done
        sort -n "$LOG/times" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

PKTCTL=$BUILD_DIR/tools/pktctl
stats_line="pktctl stats: skipped (tools/pktctl not built)"
if [ -x "$PKTCTL" ] && "$PKTCTL" stats "$FILE" >/dev/null 2>&1; then
        t_pktctl=$(median_secs $PIN "$PKTCTL" stats "$FILE") || t_pktctl=""
        t_tcpdump=""
        if command -v tcpdump >/dev/null 2>&1; then
                t_tcpdump=$(median_secs $PIN tcpdump -r "$FILE" -w /dev/null) || t_tcpdump=""
        fi
        stats_line=$(awk -v a="$t_pktctl" -v b="$t_tcpdump" 'BEGIN {
                printf "pktctl stats %ss vs tcpdump -r -w /dev/null %ss", a, b
                if (a > 0 && b > 0) printf "  (tcpdump/pktctl %.2fx)", b / a }')
elif [ -x "$PKTCTL" ]; then
        stats_line="pktctl stats: skipped (pktctl stats failed on $FILE)"
fi

# One table: the figure and its target, from the logs above.
rate() { grep -m1 -- "$2" "$LOG/$1.txt" | awk '{ for (i = 1; i <= NF; i++) if ($i == "pkt/s") print $(i - 1) }'; }
ratio() { grep -m"${3:-1}" -- "$2" "$LOG/$1.txt" | tail -n1 | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /x$/ && $i + 0 > 0) { print $i; exit } }'; }
agree() { grep -c -- "NO$" "$LOG/$1.txt" | awk '{ print $1 == 0 ? "yes" : "NO" }'; }

echo
echo "== summary ($COUNT packets, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), pinned: ${PIN:-no}) =="
printf '%-46s %14s %10s %8s %7s\n' "benchmark" "libpkt pkt/s" "ratio" "target" "agree"
printf '%-46s %14s %10s %8s %7s\n' "parse: libpkt vs libtins" "$(rate parse 'libpkt ')" "$(ratio parse 'libpkt/libtins')" ">= 5" "$(agree parse)"
printf '%-46s %14s %10s %8s %7s\n' "parse: libpkt vs hand-written (prefetch)" "$(rate parse 'libpkt ')" "$(ratio parse 'libpkt/hand')" ">= 0.5" "$(agree parse)"
printf '%-46s %14s %10s %8s %7s\n' "read: libpkt reader vs libtins FileSniffer" "$(rate read 'libpkt reader')" "$(ratio read 'libpkt/libtins')" ">= 10" "$(agree read)"
printf '%-46s %14s %10s %8s %7s\n' "read: libpkt reader vs libpcap next_ex" "$(rate read 'libpkt reader')" "$(ratio read 'libpkt/libpcap')" "ref" "$(agree read)"
printf '%-46s %14s %10s %8s %7s\n' "read: reader + hand-written vs libtins" "$(rate read 'reader + hand')" "$(ratio read 'reader+hand/libtins')" "ceiling" "$(agree read)"
printf '%-46s %14s %10s %8s %7s\n' "craft: libpkt (best) vs libtins" "$(rate craft 'libpkt template')" "$(ratio craft 'libpkt(best)')" ">= 3" "$(agree craft)"
printf '%-46s %14s %10s %8s %7s\n' "modify TTL: libpkt vs hand-written" "$(rate craft 'libpkt parse_writable')" "$(ratio craft 'libpkt/hand' 1)" ">= 0.6" "$(agree craft)"
printf '%-46s %14s %10s %8s %7s\n' "modify sport: libpkt vs hand-written" "$(grep 'libpkt parse_writable' "$LOG/craft.txt" | tail -n1 | awk '{ for (i = 1; i <= NF; i++) if ($i == "pkt/s") print $(i - 1) }')" "$(ratio craft 'libpkt/hand' 2)" ">= 0.6" "$(agree craft)"
echo "$stats_line"
exit $status
