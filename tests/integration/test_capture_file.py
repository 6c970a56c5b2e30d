# SPDX-License-Identifier: BSD-3-Clause
"""io.pktd.Capture.Subscribe from a file the client passes (SCM_RIGHTS), against the real pktd.

    test_capture_file.py PKTD PKTCTL

No network at all: every source is a pcap/pcapng file opened here and passed as a descriptor. Needs
root (pktd runs with --allow-root, as the other integration tests), exits 77 otherwise; tcpdump is
needed for the filter expectations (those checks are skipped without it). Every wait is bounded;
pktd is stopped (SIGTERM, exit status 0 checked) whatever happens.

What must hold:
- layers form: per packet the same caplen, len, timestamp and layers JSON as `pktctl read --json`,
  in file order, on a classic pcap and a pcapng; the first reply is ack (link type, snaplen,
  filter, source "file"), the last totals (packets, bytes, reason "end");
- raw form: the base64 data is the file's bytes; summary form: one line per packet;
- count ends the stream with reason "count"; snaplen cuts caplen;
- a filter ("udp port 53", "icmp") delivers exactly what `tcpdump -r FILE -nn FILTER` prints;
- a bad filter is BadFilter with libpcap's message and nothing streamed; no more:true is
  ExpectedMore; both or neither source, a missing descriptor, a socket, a pipe, a /proc file and a
  text file are InvalidParameter; the connection goes on after each;
- a call pipelined behind a stream is answered after the stream's totals;
- a subscriber that stops reading a 1,000,000-packet file: pktd's RSS stays under a bound while the
  stream waits (back-pressure), and when reading resumes every packet arrives, in order, none lost;
- closing mid-stream frees the subscription: pktd's fds return to the baseline, the file's
  descriptor is no longer held, and the per-uid limit counts it no more;
- subscriptionsPerUid: one stream more than allowed is LimitExceeded{"subscriptionsPerUid"}.
"""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktd_harness import Pktd, SKIP, find_pktd, require_root  # noqa: E402
from capture_client import (Stream, kind_of, params_of, pcap_records,  # noqa: E402
                            write_udp_pcap)

CORPUS = os.environ.get("PKTD_CORPUS_DIR",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                     "shared", "corpus"))
CLASSIC = os.path.join(CORPUS, "dpkt", "dns_icmp.pcap")
BIGGER = os.path.join(CORPUS, "ndpi", "teams.pcap")
PCAPNG = os.path.join(CORPUS, "ndpi", "custom_categories.pcapng")
BIG_N = 1000000
# pktd's RSS may grow by this much while a 1,000,000-packet stream waits for a subscriber that
# reads nothing: the high watermark (4 MiB), the blocks, one reply and the reader's buffer, with
# room for the allocator. Without back-pressure the whole stream (>100 MiB) would be queued.
RSS_GROWTH_MAX_KIB = 48 * 1024
SANITIZE = os.environ.get("PKTD_SANITIZE", "0") not in ("0", "", "OFF", "FALSE", "false")

CONFIG = """\
[roles]
admin = user:root
[limits]
subscriptionsPerUid = 3
[daemon]
allowRoot = yes
"""

failures = []


def check(name, cond, detail=""):
    if cond:
        print(f"ok - {name}")
    else:
        print(f"FAIL - {name}: {detail}")
        failures.append(name)


def subscribe_file(d, path, params=None, timeout=60.0):
    """All frames of one file subscription on a fresh connection."""
    p = {"fileDescriptor": 0}
    p.update(params or {})
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        with Stream(d.socket) as s:
            s.subscribe(p, fds=[fd])
            os.close(fd)
            fd = -1
            return s.read_all(timeout)
    finally:
        if fd >= 0:
            os.close(fd)


def pktctl_json(pktctl, path):
    out = subprocess.run([pktctl, "read", "--json", path], capture_output=True, timeout=120,
                         check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def tcpdump_count(path, filt):
    r = subprocess.run(["tcpdump", "-r", path, "-nn"] + filt.split(), capture_output=True,
                       timeout=60)
    if r.returncode != 0:
        return None
    return len([line for line in r.stdout.splitlines() if line.strip()])


def ts_ns(pktctl_ts):
    sec, _, frac = pktctl_ts.partition(".")
    return int(sec) * 1000000000 + int(frac.ljust(9, "0")[:9])


def test_layers_equal_pktctl_read(d, pktctl, path, what):
    frames = subscribe_file(d, path, {"output": "layers"})
    want = pktctl_json(pktctl, path)
    check(f"{what}: first reply is ack, last is totals",
          frames and kind_of(frames[0]) == "ack" and kind_of(frames[-1]) == "totals",
          f"{[kind_of(f) for f in frames[:2]]} ... {kind_of(frames[-1]) if frames else None}")
    ack = params_of(frames[0])["ack"]
    check(f"{what}: ack names the file's link type and source",
          ack["source"] == "file" and ack["linkTypeNumber"] == 1 and ack["linkType"] == "EN10MB"
          and ack["filter"] == "", ack)
    pkts = [params_of(f)["packet"] for f in frames[1:-1]]
    check(f"{what}: as many packets as pktctl read ({len(want)})", len(pkts) == len(want),
          f"{len(pkts)} != {len(want)}")
    bad = None
    for i, (p, w) in enumerate(zip(pkts, want)):
        if (p["layers"] != w["layers"] or p["caplen"] != w["caplen"] or p["len"] != w["len"]
                or p["tsNs"] != ts_ns(w["ts"])):
            bad = (i, p, w)
            break
    check(f"{what}: every packet's layers, lengths and time equal pktctl read --json's",
          bad is None, str(bad)[:400])
    t = params_of(frames[-1])["totals"]
    check(f"{what}: totals count every packet and byte, reason end",
          t["packets"] == len(want) and t["bytes"] == sum(w["caplen"] for w in want)
          and t["reason"] == "end" and t["kernelDrops"] == 0 and t["daemonDrops"] == 0, t)


def test_raw_and_summary(d):
    recs, _ = pcap_records(CLASSIC)
    frames = subscribe_file(d, CLASSIC, {"output": "raw"})
    pkts = [params_of(f)["packet"] for f in frames[1:-1]]
    check("raw: the data of every packet is the file's bytes, in order",
          len(pkts) == len(recs) and all(base64.b64decode(p["data"]) == r[4]
                                         for p, r in zip(pkts, recs)),
          f"{len(pkts)} packets, {len(recs)} records")
    check("raw: no layers or summary alongside the data",
          all("layers" not in p and "summary" not in p for p in pkts))
    frames = subscribe_file(d, CLASSIC, {"output": "summary"})
    pkts = [params_of(f)["packet"] for f in frames[1:-1]]
    check("summary: one non-empty line per packet",
          len(pkts) == len(recs) and all(isinstance(p.get("summary"), str) and p["summary"]
                                         and "\n" not in p["summary"] for p in pkts),
          pkts[:2])
    frames = subscribe_file(d, CLASSIC, {})
    check("summary is the default form", "summary" in params_of(frames[1])["packet"],
          frames[1][:200])


def test_count_and_snaplen(d):
    frames = subscribe_file(d, BIGGER, {"count": 5, "output": "raw"})
    kinds = [kind_of(f) for f in frames]
    t = params_of(frames[-1])["totals"]
    check("count 5: exactly 5 packets, reason count",
          kinds == ["ack"] + ["packet"] * 5 + ["totals"] and t["packets"] == 5
          and t["reason"] == "count", (kinds, t))
    frames = subscribe_file(d, CLASSIC, {"snaplen": 40, "output": "raw"})
    ack = params_of(frames[0])["ack"]
    pkts = [params_of(f)["packet"] for f in frames[1:-1]]
    recs, _ = pcap_records(CLASSIC)
    check("snaplen 40: ack says 40, every caplen <= 40, len stays the wire length",
          ack["snaplen"] == 40 and all(p["caplen"] == min(40, r[2]) and p["len"] == r[3]
                                       and base64.b64decode(p["data"]) == r[4][:40]
                                       for p, r in zip(pkts, recs)) and len(pkts) == len(recs),
          ack)


def test_filters(d):
    if not shutil.which("tcpdump"):
        print("skip - filters: no tcpdump for the expectations")
        return
    for path, filt in ((CLASSIC, "udp port 53"), (CLASSIC, "icmp"), (BIGGER, "udp port 53"),
                       (BIGGER, "tcp and port 443"), (PCAPNG, "ip6"), (PCAPNG, "tcp")):
        want = tcpdump_count(path, filt)
        frames = subscribe_file(d, path, {"filter": filt, "output": "summary"})
        got = sum(1 for f in frames if kind_of(f) == "packet")
        ack = params_of(frames[0])["ack"]
        t = params_of(frames[-1])["totals"]
        check(f"filter {filt!r} on {os.path.basename(path)}: {want} packets as tcpdump -r",
              want is not None and got == want and t["packets"] == want and ack["filter"] == filt,
              f"got {got}, tcpdump {want}, totals {t}")


def test_errors(d):
    fd = os.open(CLASSIC, os.O_RDONLY | os.O_CLOEXEC)
    try:
        with Stream(d.socket) as s:
            s.subscribe({"fileDescriptor": 0, "filter": "udp port"}, fds=[fd])
            r = s.recv()
            check("bad filter: BadFilter with libpcap's message, nothing streamed before it",
                  r.get("error") == "io.pktd.Capture.BadFilter"
                  and "syntax error" in r["parameters"].get("message", ""), r)
            s.subscribe({"fileDescriptor": 0}, fds=[fd], more=False)
            r = s.recv()
            check("no more:true: ExpectedMore", r.get("error") == "org.varlink.service.ExpectedMore",
                  r)
            s.subscribe({"fileDescriptor": 0, "interface": "lo"}, fds=[fd])
            r = s.recv()
            check("two sources: InvalidParameter", r.get("error") ==
                  "org.varlink.service.InvalidParameter", r)
            s.subscribe({"output": "raw"})
            r = s.recv()
            check("no source: InvalidParameter",
                  r.get("error") == "org.varlink.service.InvalidParameter", r)
            s.subscribe({"fileDescriptor": 1}, fds=[fd])
            r = s.recv()
            check("descriptor index not passed: InvalidParameter fileDescriptor",
                  r.get("error") == "org.varlink.service.InvalidParameter"
                  and r["parameters"].get("parameter") == "fileDescriptor", r)
            a, b = socket.socketpair()
            s.subscribe({"fileDescriptor": 0}, fds=[a.fileno()])
            r = s.recv()
            a.close()
            b.close()
            check("a socket: InvalidParameter fileDescriptor",
                  r.get("error") == "org.varlink.service.InvalidParameter"
                  and r["parameters"].get("parameter") == "fileDescriptor", r)
            rp, wp = os.pipe()
            s.subscribe({"fileDescriptor": 0}, fds=[rp])
            r = s.recv()
            os.close(rp)
            os.close(wp)
            check("a pipe (could block pktd): InvalidParameter fileDescriptor",
                  r.get("error") == "org.varlink.service.InvalidParameter", r)
            proc = os.open("/proc/self/status", os.O_RDONLY | os.O_CLOEXEC)
            s.subscribe({"fileDescriptor": 0}, fds=[proc])
            os.close(proc)
            r = s.recv()
            check("a file of a pseudo file system (/proc): InvalidParameter fileDescriptor",
                  r.get("error") == "org.varlink.service.InvalidParameter"
                  and r["parameters"].get("parameter") == "fileDescriptor", r)
            txt = os.open(os.path.abspath(__file__), os.O_RDONLY | os.O_CLOEXEC)
            s.subscribe({"fileDescriptor": 0}, fds=[txt])
            os.close(txt)
            r = s.recv()
            check("not a capture file: InvalidParameter fileDescriptor",
                  r.get("error") == "org.varlink.service.InvalidParameter", r)
            s.send("io.pktd.Daemon.GetStatus")
            r = s.recv()
            check("the connection goes on after those errors", "uptimeNs" in r.get("parameters",
                                                                                   {}), r)
    finally:
        os.close(fd)


def test_pipelined_call_waits(d):
    fd = os.open(CLASSIC, os.O_RDONLY | os.O_CLOEXEC)
    with Stream(d.socket) as s:
        s.subscribe({"fileDescriptor": 0, "count": 3}, fds=[fd])
        os.close(fd)
        s.send("io.pktd.Daemon.GetStatus")
        frames = s.read_all(30)
        nxt = s.recv()
    kinds = [kind_of(f) for f in frames]
    check("a call behind a stream is answered after the stream's totals",
          kinds == ["ack", "packet", "packet", "packet", "totals"] and nxt
          and "uptimeNs" in nxt.get("parameters", {}), (kinds, str(nxt)[:100]))


def wait_for(fn, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if fn():
            return True
        time.sleep(0.05)
    return fn()


def held_paths(d):
    out = []
    for n in os.listdir(f"/proc/{d.pid}/fd"):
        try:
            out.append(os.readlink(f"/proc/{d.pid}/fd/{n}"))
        except OSError:
            pass
    return out


def test_backpressure_and_resume(d, big):
    fd = os.open(big, os.O_RDONLY | os.O_CLOEXEC)
    rss0 = d.rss_kib()
    with Stream(d.socket, timeout=60) as s:
        s.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        s.subscribe({"fileDescriptor": 0, "output": "summary"}, fds=[fd])
        os.close(fd)
        # read nothing for a while: pktd must stop producing at its high watermark
        peak = rss0
        for _ in range(30):
            time.sleep(0.1)
            peak = max(peak, d.rss_kib())
        growth = peak - rss0
        bound = RSS_GROWTH_MAX_KIB * (4 if SANITIZE else 1)
        check(f"a subscriber reading nothing: pktd's RSS grows by {growth} KiB, under {bound}",
              growth < bound, f"{rss0} -> {peak} KiB")
        t0 = time.monotonic()
        frames = s.read_all(timeout=300)
        secs = time.monotonic() - t0
    kinds_ok = kind_of(frames[0]) == "ack" and kind_of(frames[-1]) == "totals"
    tss = [int(m.group(1)) for m in (re.match(rb'\{"parameters":\{"packet":\{"tsNs":(\d+)', f)
                                      for f in frames[1:-1]) if m]
    base = 1700000000 * 1000000000
    in_order = tss == [base + i for i in range(BIG_N)]
    t = params_of(frames[-1])["totals"]
    check(f"reading again: all {BIG_N} packets arrive, in order, none lost "
          f"({BIG_N / secs:.0f} packets/s to a Python reader)",
          kinds_ok and in_order and t["packets"] == BIG_N and t["daemonDrops"] == 0
          and t["reason"] == "end", f"{len(tss)} packets, totals {t}")


def test_close_mid_stream_frees(d, big):
    fds0 = d.fd_count()
    base_name = os.path.basename(big)
    fd = os.open(big, os.O_RDONLY | os.O_CLOEXEC)
    s = Stream(d.socket)
    s.subscribe({"fileDescriptor": 0, "output": "layers"}, fds=[fd])
    os.close(fd)
    first = s.recv_frame(10)
    held = wait_for(lambda: any(p.endswith(base_name) for p in held_paths(d)), 5)
    check("while streaming pktd holds the passed file", first is not None and held,
          held_paths(d))
    s.close()
    freed = wait_for(lambda: d.fd_count() == fds0
                     and not any(p.endswith(base_name) for p in held_paths(d)), 10)
    check("closing mid-stream: pktd's fds back to the baseline, the file released", freed,
          f"{fds0} -> {d.fd_count()}: {held_paths(d)}")


def test_per_uid_limit(d, big):
    streams = []
    try:
        for _ in range(3):
            fd = os.open(big, os.O_RDONLY | os.O_CLOEXEC)
            s = Stream(d.socket)
            s.subscribe({"fileDescriptor": 0, "output": "raw"}, fds=[fd])
            os.close(fd)
            streams.append(s)
            check("a stream within subscriptionsPerUid starts", kind_of(s.recv_frame(10)) == "ack")
        fd = os.open(big, os.O_RDONLY | os.O_CLOEXEC)
        with Stream(d.socket) as s:
            s.subscribe({"fileDescriptor": 0}, fds=[fd])
            os.close(fd)
            r = s.recv()
            check("one more: LimitExceeded{subscriptionsPerUid}",
                  r.get("error") == "io.pktd.Daemon.LimitExceeded"
                  and r["parameters"].get("limit") == "subscriptionsPerUid", r)
        streams.pop().close()
        time.sleep(0.3)
        fd = os.open(big, os.O_RDONLY | os.O_CLOEXEC)
        with Stream(d.socket) as s:
            s.subscribe({"fileDescriptor": 0, "count": 1}, fds=[fd])
            os.close(fd)
            frames = s.read_all(30)
            check("after one closed, a new stream is allowed again",
                  [kind_of(f) for f in frames] == ["ack", "packet", "totals"],
                  [kind_of(f) for f in frames])
    finally:
        for s in streams:
            s.close()


def main():
    pktd = find_pktd()
    require_root()
    pktctl = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("PKTCTL_BIN", "")
    if not pktctl or not os.access(pktctl, os.X_OK):
        print("SKIP: no pktctl binary (argv[2])", file=sys.stderr)
        return SKIP
    for f in (CLASSIC, BIGGER, PCAPNG):
        if not os.path.exists(f):
            print(f"SKIP: corpus file missing: {f}", file=sys.stderr)
            return SKIP
    only = os.environ.get("PKTD_TEST_ONLY", "")
    with tempfile.TemporaryDirectory(prefix="pktd-capture-file-") as tmp:
        big = os.path.join(tmp, "udp1m.pcap")
        write_udp_pcap(big, BIG_N)
        d = Pktd(pktd, config=CONFIG)
        with d:
            tests = [
                ("layers", lambda: (test_layers_equal_pktctl_read(d, pktctl, CLASSIC, "pcap"),
                                    test_layers_equal_pktctl_read(d, pktctl, BIGGER, "pcap 1540"),
                                    test_layers_equal_pktctl_read(d, pktctl, PCAPNG, "pcapng"))),
                ("forms", lambda: test_raw_and_summary(d)),
                ("count", lambda: test_count_and_snaplen(d)),
                ("filters", lambda: test_filters(d)),
                ("errors", lambda: test_errors(d)),
                ("pipelined", lambda: test_pipelined_call_waits(d)),
                ("backpressure", lambda: test_backpressure_and_resume(d, big)),
                ("close", lambda: test_close_mid_stream_frees(d, big)),
                ("limit", lambda: test_per_uid_limit(d, big)),
            ]
            for name, fn in tests:
                if only and name != only:
                    continue
                try:
                    fn()
                except Exception as e:  # a broken test is a failure, not a crash of the rest
                    check(f"{name} ran", False, repr(e))
            rc = d.stop()
            check("pktd exits 0 on SIGTERM (no crash, no leak report)", rc == 0,
                  f"exit {rc}: {d.stderr[-2000:]}")
    if failures:
        print(f"{len(failures)} failed: {failures}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
