#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""bench_capture: packets/s that pktd captures on a veth and delivers to one subscriber, from a UDP
flood made in the peer namespace, before the kernel starts dropping.

Two network namespaces joined by a veth (tests/integration/netns.py), pktd in A, pktd_flood
(tests/integration/flood.c, sendmmsg) in B sending 18-byte UDP datagrams to 192.0.2.1:9. For each
offered rate (packets/s, paced by pktd_flood -r) one subscription (filter `udp and dst port 9`, the
chosen output form, durationMs = the step + 2 s) receives the flood for --seconds; the client only
counts frames (it splits on NULs and parses the drops and totals replies), so that it keeps up. Per
step: packets sent by B, received on A's veth (rx_packets), delivered by pktd (totals.packets), kernel
and daemon drops (totals), pktd's CPU time per delivered packet (/proc/PID/stat). The rates double
until drops appear; a last step floods at full speed. The figure reported is the highest delivered
rate of a step without a drop.

    python3 tests/bench/bench_capture.py build/daemon/pktd build/tests/integration/pktd_flood \
            [--output layers|summary|raw] [--seconds 3] [--start 25000] [--max 3200000]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import daemon_client  # noqa: E402
import netns  # noqa: E402
from netns import A_IP4  # noqa: E402


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)


def count_stream(conn, deadline):
    """Counts a stream's packet frames until totals; returns (packets, drop reports, totals)."""
    sock = conn.sock
    buf, conn.buf = conn.buf, b""
    packets, drops, totals = 0, [], None
    while time.monotonic() < deadline:
        if b'"drops"' in buf or b'"totals"' in buf:
            frames = buf.split(b"\0")
            buf = frames.pop()
            for f in frames:
                if f.startswith(b'{"parameters":{"drops"') or f.startswith(b'{"parameters":{"totals"'):
                    r = daemon_client.parse_reply(f)
                    if "totals" in r["parameters"]:
                        totals = r["parameters"]["totals"]
                        return packets, drops, totals
                    drops.append(r["parameters"]["drops"])
                elif f.startswith(b'{"error"'):
                    raise AssertionError(f[:500])
                else:
                    packets += 1
        else:
            n = buf.count(b"\0")
            packets += n
            if n:
                buf = buf[buf.rindex(b"\0") + 1:]
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            chunk = sock.recv(1 << 20)
        except socket.timeout:
            continue
        if not chunk:
            raise AssertionError("EOF before totals")
        buf += chunk
    raise AssertionError("no totals before the deadline")


def step(ns, d, flood, rate, seconds, output, snaplen=None):
    count = int(rate * seconds) if rate else 50000000
    with d.connect(timeout=30) as c:
        st = netns.Stream(c, {"interface": ns.veth_a, "filter": "udp and dst port 9", "output": output,
                              "durationMs": int(seconds * 1000) + 2000})
        if snaplen:
            st.params["snaplen"] = snaplen
        if st.start() is None:
            raise AssertionError("Subscribe failed: %r" % st.first)
        rx0 = ns.stat(ns.a, ns.veth_a, "rx_packets")
        cpu0 = cpu_ticks(d.pid)
        argv = [flood, "-c", str(count), "-t", str(int(seconds) + 1), "-p", "9"]
        if rate:
            argv += ["-r", str(rate)]
        p = ns.popen_b(argv + [A_IP4])
        packets, drops, totals = count_stream(c, time.monotonic() + seconds + 30)
        rc, out, err = ns.stop(p, 30)
        assert rc == 0, (rc, out, err)
        cpu1 = cpu_ticks(d.pid)
        rx = ns.stat(ns.a, ns.veth_a, "rx_packets") - rx0
    fl = json.loads(out.strip())
    assert packets == totals["packets"], (packets, totals)
    hz = os.sysconf("SC_CLK_TCK")
    return {"offered": rate, "sent": fl["sent"], "send_pps": fl["pps"], "send_s": fl["seconds"],
            "rx": rx, "delivered": totals["packets"], "kernel": totals["kernelDrops"],
            "daemon": totals["daemonDrops"], "drop_reports": len(drops),
            "cpu_us_per_pkt": (cpu1 - cpu0) / hz * 1e6 / max(1, totals["packets"]),
            "delivered_pps": totals["packets"] / fl["seconds"] if fl["seconds"] else 0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pktd")
    ap.add_argument("flood")
    ap.add_argument("--output", choices=("layers", "summary", "raw"), default="layers")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--start", type=int, default=25000)
    ap.add_argument("--max", type=int, default=3200000)
    ap.add_argument("--snaplen", type=int, default=0, help="the subscription's snaplen (default: pktd's)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("bench_capture: needs root")
        return 77
    seconds = max(1.0, min(args.seconds, 30.0))
    sys.argv = [sys.argv[0], args.pktd]
    rows = []
    with netns.Netns() as ns:
        ns.run_b(["ping", "-c", "1", A_IP4], timeout=10)
        with ns.daemon(netns.config()) as d:
            rate = args.start
            while rate <= args.max:
                r = step(ns, d, args.flood, rate, seconds, args.output, args.snaplen)
                rows.append(r)
                print_row(r)
                if r["kernel"] + r["daemon"] > 0 or r["send_pps"] < 0.9 * rate:
                    break       # drops, or B cannot offer more than this
                rate *= 2
            r = step(ns, d, args.flood, 0, seconds, args.output, args.snaplen)
            rows.append(r)
            print_row(r)
    clean = [r for r in rows if r["kernel"] + r["daemon"] == 0 and r["delivered"] > 0]
    print("\nbench_capture: output %s, snaplen %s, %.0f s steps (commit %s)" % (
        args.output, args.snaplen or "default", seconds, commit()))
    print("%-10s %10s %10s %10s %10s %10s %8s %8s %10s" % ("offered", "sent/s", "rx", "delivered",
                                                            "deliv/s", "kdrops", "ddrops", "reports",
                                                            "cpu us/pkt"))
    for r in rows:
        print_row(r)
    if clean:
        best = max(clean, key=lambda r: r["delivered_pps"])
        print("\nhighest rate without a drop: %.0f packets/s delivered (offered %s, %d of %d sent)"
              % (best["delivered_pps"], best["offered"] or "full speed", best["delivered"], best["sent"]))
    else:
        print("\nevery step dropped")
    return 0


def print_row(r):
    print("%-10s %10.0f %10d %10d %10.0f %10d %8d %8d %10.2f" % (
        r["offered"] or "max", r["send_pps"], r["rx"], r["delivered"], r["delivered_pps"], r["kernel"],
        r["daemon"], r["drop_reports"], r["cpu_us_per_pkt"]))


def commit():
    try:
        return subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=5).stdout.strip()
    except Exception:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
