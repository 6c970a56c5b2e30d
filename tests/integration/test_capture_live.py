# SPDX-License-Identifier: BSD-3-Clause
"""io.pktd.Capture.Subscribe on a live interface: loopback, in a private network namespace.

    test_capture_live.py PKTD [PKTCTL]

The whole test runs in a network namespace of its own (unshare -n: lo, brought up here, and a veth
pair dummy0/dummy1 with both ends inside, that carries nothing): every packet sent goes to that namespace's lo. Needs root, `unshare`,
`ip` and `ping`; exits 77 otherwise. Every sender is bounded in count and time; pktd is stopped and
every child killed whatever happens.

What must hold:
- a capture of lo with filter "icmp" and count 10 while `ping -c 5 127.0.0.1` runs: exactly the 5
  echo requests and 5 replies, in order, with the ping's id and seq 1..5 in the layers; ack names
  "interface:lo", EN10MB and the filter; totals say 10 packets, reason count;
- durationMs ends a quiet capture with reason duration, on time;
- a bad filter is BadFilter; an interface that does not exist is InvalidParameter (for an admin);
- a host name in a filter is looked up in /etc/hosts only: no query reaches a resolver (one the
  test plays on lo, in its own mount namespace), an unknown name is BadFilter at once;
- policy ([capture] interfaces = lo) for a capture-role user: lo works; dummy0 (exists) and nope0
  (does not) are both PermissionDenied, and say nothing more; an admin may capture on dummy0;
- a subscriber that reads nothing while 200,000 UDP datagrams cross lo: pktd stops reading (its RSS
  stays bounded), the kernel drops and counts, "drops" replies report it (kernel > 0), and when
  reading resumes the stream continues with later packets; totals carry the kernel drops;
- closing mid-capture frees the handle: pktd's fds return to the baseline;
- SIGTERM with a stream open ends it (the connection closes), and pktd exits 0.
"""

import json
import os
import re
import select
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktd_harness import Pktd, SKIP, find_pktd, run_as  # noqa: E402
from capture_client import Stream, kind_of, params_of  # noqa: E402

NETNS_ENV = "PKTD_CAPTURE_LIVE_TEST_NETNS"
CAPTURE_UID, CAPTURE_GID = 64030, 64031
FLOOD_N = 200000
FLOOD_SECONDS_MAX = 20
RSS_GROWTH_MAX_KIB = 48 * 1024
SANITIZE = os.environ.get("PKTD_SANITIZE", "0") not in ("0", "", "OFF", "FALSE", "false")

CONFIG = f"""\
[roles]
admin = user:root
capture = group:{CAPTURE_GID}
[capture]
interfaces = lo
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


def have(tool):
    return subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode == 0


def enter_private_netns():
    """Re-runs this script in a new network namespace unless already there."""
    if os.environ.get(NETNS_ENV) == "1":
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True, timeout=10)
        # a second interface that carries nothing: both ends of a veth pair stay in here
        subprocess.run(["ip", "link", "add", "dummy0", "type", "veth", "peer", "name", "dummy1"],
                       check=True, timeout=10)
        for dev in ("dummy0", "dummy1"):
            subprocess.run(["ip", "link", "set", dev, "up"], check=True, timeout=10)
        # the resolver of this (private) mount namespace is a UDP socket of the test on this
        # namespace's lo: test_filter_names_not_resolved sees whether pktd ever asks it
        conf = "/tmp/pktd-capture-live-resolv.conf"
        with open(conf, "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
        subprocess.run(["mount", "--bind", conf, "/etc/resolv.conf"], check=True, timeout=10)
        os.unlink(conf)  # the mount keeps it
        return
    if os.geteuid() != 0:
        print("SKIP: needs root (a private network namespace, capture)", file=sys.stderr)
        sys.exit(SKIP)
    for tool in ("unshare", "ip", "ping"):
        if not have(tool):
            print(f"SKIP: no {tool}", file=sys.stderr)
            sys.exit(SKIP)
    env = dict(os.environ, **{NETNS_ENV: "1"})
    try:
        r = subprocess.run(["unshare", "-n", "-m", "--", sys.executable, os.path.abspath(__file__)]
                           + sys.argv[1:], env=env, timeout=550)
    except subprocess.TimeoutExpired:
        print("FAIL: the test did not finish within 550 s", file=sys.stderr)
        sys.exit(1)
    sys.exit(r.returncode)


def first_frames(s, n, timeout=10.0):
    return [s.recv_frame(timeout) for _ in range(n)]


def test_ping_on_lo(d):
    with Stream(d.socket) as s:
        s.subscribe({"interface": "lo", "filter": "icmp", "count": 10, "output": "layers"})
        ack = params_of(s.recv_frame(10))["ack"]
        check("ack: interface:lo, EN10MB, the filter",
              ack["source"] == "interface:lo" and ack["linkType"] == "EN10MB"
              and ack["linkTypeNumber"] == 1 and ack["filter"] == "icmp", ack)
        ping = subprocess.run(["ping", "-n", "-c", "5", "-i", "0.2", "-W", "2", "127.0.0.1"],
                              capture_output=True, timeout=30)
        frames = s.read_all(timeout=15)
    kinds = [kind_of(f) for f in frames]
    check("ping ran", ping.returncode == 0, ping.stderr[-300:])
    check("exactly 10 packets, then totals", kinds == ["packet"] * 10 + ["totals"], kinds)
    pkts = [params_of(f)["packet"] for f in frames if kind_of(f) == "packet"]
    echo = []
    for p in pkts:
        lay = {x["layer"]: x for x in p["layers"]}
        echo.append((lay.get("icmp", {}).get("type"), lay.get("echo", {}).get("id"),
                     lay.get("echo", {}).get("seq"), lay.get("ip", {}).get("src")))
    ids = {e[1] for e in echo}
    want = [(t, None, seq, "127.0.0.1") for seq in range(1, 6) for t in (8, 0)]
    got = [(t, None, seq, src) for (t, _, seq, src) in echo]
    check("request/reply pairs in order, seq 1..5, one id, from 127.0.0.1",
          got == want and len(ids) == 1, echo)
    ts = [p["tsNs"] for p in pkts]
    check("timestamps in ns, increasing, near now",
          ts == sorted(ts) and abs(ts[-1] / 1e9 - time.time()) < 60, ts[:3])
    t = params_of(frames[-1])["totals"]
    check("totals: 10 packets, reason count", t["packets"] == 10 and t["reason"] == "count", t)


def test_duration(d):
    with Stream(d.socket) as s:
        t0 = time.monotonic()
        s.subscribe({"interface": "lo", "filter": "udp port 9", "durationMs": 500})
        frames = s.read_all(timeout=10)
        secs = time.monotonic() - t0
    t = params_of(frames[-1])["totals"] if frames else {}
    check(f"durationMs 500 ends a quiet capture in {secs:.2f} s with reason duration",
          [kind_of(f) for f in frames] == ["ack", "totals"] and t.get("reason") == "duration"
          and 0.45 <= secs < 3.0, (frames, secs))


def test_errors_as_admin(d):
    with Stream(d.socket) as s:
        s.subscribe({"interface": "lo", "filter": "tcp port"})
        r = s.recv()
        check("bad filter on lo: BadFilter", r.get("error") == "io.pktd.Capture.BadFilter"
              and r["parameters"].get("message"), r)
        s.subscribe({"interface": "nope0"})
        r = s.recv()
        check("an interface that does not exist: InvalidParameter interface",
              r.get("error") == "org.varlink.service.InvalidParameter"
              and r["parameters"].get("parameter") == "interface", r)
        s.subscribe({"interface": "dummy0", "count": 1, "durationMs": 300})
        frames = s.read_all(timeout=10)
        # the veth may carry the kernel's own IPv6 router solicitations: count or duration
        check("an admin may capture on dummy0 (not in [capture] interfaces)",
              frames and kind_of(frames[0]) == "ack"
              and params_of(frames[0])["ack"]["source"] == "interface:dummy0"
              and params_of(frames[-1])["totals"]["reason"] in ("count", "duration"),
              [f[:120] for f in frames])


def test_filter_names_not_resolved(d):
    """libpcap resolves a host name in a filter synchronously, inside pktd's loop: a slow or dead
    resolver would stall every client. pktd looks names up in local files only."""
    dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dns.bind(("127.0.0.1", 53))
    dns.setblocking(False)
    try:
        s = Stream(d.socket)
        t0 = time.monotonic()
        s.subscribe({"interface": "lo", "filter": "host pktd-review-nss.example"})
        r = s.recv_frame(20)
        took = time.monotonic() - t0
        s.close()
        r = json.loads(r.rstrip(b"\0")) if r else {}
        queries = 0
        while True:
            try:
                dns.recv(4096)
                queries += 1
            except BlockingIOError:
                break
    finally:
        dns.close()
    check("a host name in a filter is not sent to a DNS resolver", queries == 0,
          f"{queries} queries reached the resolver")
    check("a filter naming an unknown host is BadFilter at once",
          r.get("error") == "io.pktd.Capture.BadFilter" and took < 0.5, f"{r} after {took:.2f} s")
    s = Stream(d.socket)
    s.subscribe({"interface": "lo", "filter": "host localhost", "count": 1, "durationMs": 100})
    r = s.recv_frame(10)
    s.close()
    r = json.loads(r.rstrip(b"\0")) if r else {}
    check("a name in /etc/hosts still works", "ack" in r.get("parameters", {}), r)


def as_capture_user(d, params):
    def fn():
        with Stream(d.socket) as s:
            s.subscribe(params)
            first = s.recv(10)
            return first
    return run_as(CAPTURE_UID, CAPTURE_GID, [CAPTURE_GID], fn)


def test_policy(d):
    r = as_capture_user(d, {"interface": "lo", "count": 1, "durationMs": 300})
    check("capture user: lo (allowed) starts with ack", "ack" in r.get("parameters", {}), r)
    for name in ("dummy0", "nope0"):
        r = as_capture_user(d, {"interface": name})
        check(f"capture user: {name} (not allowed) is PermissionDenied and nothing more",
              r == {"error": "org.varlink.service.PermissionDenied", "parameters": {}}, r)


def udp_flood(n, seconds):
    """Sends at most @n small datagrams to 127.0.0.1:9 within @seconds (loopback only)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    end = time.monotonic() + seconds
    sent = 0
    payload = b"x" * 32
    try:
        while sent < n and time.monotonic() < end:
            try:
                s.sendto(payload, ("127.0.0.1", 9))
                sent += 1
            except OSError:
                time.sleep(0.001)
    finally:
        s.close()
    return sent


def test_drops_and_resume(d):
    rss0 = d.rss_kib()
    with Stream(d.socket, timeout=30) as s:
        s.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        s.subscribe({"interface": "lo", "filter": "udp port 9", "output": "layers"})
        ack = s.recv_frame(10)
        sent = udp_flood(FLOOD_N, FLOOD_SECONDS_MAX)
        time.sleep(1.5)  # the drops tick runs once a second
        growth = d.rss_kib() - rss0
        bound = RSS_GROWTH_MAX_KIB * (4 if SANITIZE else 1)
        check(f"{sent} datagrams while the subscriber reads nothing: pktd's RSS grows by "
              f"{growth} KiB, under {bound}", growth < bound)
        # read what is queued: packets, and drops replies saying the kernel dropped
        frames, drops, deadline = [], [], time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                f = s.recv_frame(2)
            except TimeoutError:
                break
            if f is None:
                break
            frames.append(f)
            if kind_of(f) == "drops":
                drops.append(params_of(f)["drops"])
        n_before = sum(1 for f in frames if kind_of(f) == "packet")
        check(f"drops reported in-band while the kernel dropped ({len(drops)} drops replies, "
              f"{n_before} of {sent} packets delivered)",
              ack and drops and drops[-1]["kernel"] > 0 and n_before < sent, drops[-3:])
        # the stream goes on: more packets after reading resumed
        udp_flood(100, 5)
        later = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and sum(1 for f in later if kind_of(f) == "packet") < 100:
            try:
                f = s.recv_frame(2)
            except TimeoutError:
                break
            if f is None:
                break
            later.append(f)
        n_after = sum(1 for f in later if kind_of(f) == "packet")
        check(f"after reading resumed the stream continues ({n_after} of 100 new packets)",
              n_after == 100, [f[:80] for f in later[-3:]])


def test_close_frees_handle(d):
    # earlier tests' connections may still be closing: start from a settled count
    prev, deadline = -1, time.monotonic() + 5
    while time.monotonic() < deadline and d.fd_count() != prev:
        prev = d.fd_count()
        time.sleep(0.3)
    fds0 = d.fd_count()
    s = Stream(d.socket)
    s.subscribe({"interface": "lo", "filter": "icmp"})
    ack = s.recv_frame(10)
    during = d.fd_count()
    s.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and d.fd_count() != fds0:
        time.sleep(0.05)
    check(f"closing mid-capture frees the handle: fds {fds0} -> {during} -> {d.fd_count()}",
          ack is not None and during > fds0 and d.fd_count() == fds0)


def main():
    pktd = find_pktd()
    enter_private_netns()
    only = os.environ.get("PKTD_TEST_ONLY", "")
    d = Pktd(pktd, config=CONFIG)
    with d:
        tests = [
            ("ping", lambda: test_ping_on_lo(d)),
            ("duration", lambda: test_duration(d)),
            ("errors", lambda: test_errors_as_admin(d)),
            ("names", lambda: test_filter_names_not_resolved(d)),
            ("policy", lambda: test_policy(d)),
            ("drops", lambda: test_drops_and_resume(d)),
            ("close", lambda: test_close_frees_handle(d)),
        ]
        for name, fn in tests:
            if only and name != only:
                continue
            try:
                fn()
            except Exception as e:
                check(f"{name} ran", False, repr(e))
        # SIGTERM with a stream open: pktd's last word is the totals, reason "cancelled", then the
        # connection closes.
        s = Stream(d.socket)
        s.subscribe({"interface": "lo", "filter": "udp port 9"})
        ack = s.recv_frame(10)
        rc = d.stop()
        try:
            frames = s.read_all(timeout=5)
        except Exception as e:
            frames = [repr(e).encode()]
        s.close()
        last = json.loads(frames[-1].rstrip(b"\0")) if frames else {}
        check("SIGTERM ends an open stream with one last reply: totals, reason cancelled",
              ack is not None and len(frames) == 1 and "continues" not in last and
              last.get("parameters", {}).get("totals", {}).get("reason") == "cancelled", frames[-1:])
        check("pktd exits 0 on SIGTERM (no crash, no leak report)", rc == 0,
              f"exit {rc}: {d.stderr[-2000:]}")
    if failures:
        print(f"{len(failures)} failed: {failures}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
