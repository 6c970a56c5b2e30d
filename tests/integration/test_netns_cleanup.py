# SPDX-License-Identifier: BSD-3-Clause
"""Clients killed (SIGKILL) in the middle of a capture stream or of an sr leave nothing behind in
pktd: its open fds (/proc/PID/fd: capture handles and raw sockets are fds) return to the baseline
quickly — an sr waiting out a 10 s timeout must be cancelled by the close, not end by itself — its
VmRSS does not grow over 20 rounds after a warm-up (at most 4 MiB; 48 MiB in a sanitizer build, as
test_daemon_slow_clients.py allows), and the per-uid slots are free again (subscriptionsPerUid = 2,
srPerUid = 2: the killed clients' uid can still subscribe and sr afterwards).

    python3 tests/integration/test_netns_cleanup.py build/daemon/pktd     # as root; 77 otherwise
"""

import json
import os
import select
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_client  # noqa: E402
import netns  # noqa: E402
from netns import A_IP4, B_IP4, Skip  # noqa: E402

ROUNDS = 20
WARMUP = 3
CONFIG = netns.config(limits={"subscriptionsPerUid": 2, "srPerUid": 2})


def rss_growth_allowed_kib():
    return (48 if daemon_client.sanitized() else 4) * 1024


def spawn_as(uid, gid, fn, timeout=20.0):
    """Forks a child with other credentials that runs fn(ready): fn calls ready(info) once it is in
    the middle of what it does. Returns (pid, info) once it is; raises if it fails first (its error
    text) or takes longer than @timeout (then it is killed)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups([gid])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)

            def ready(info):
                os.write(w, (json.dumps({"ready": info}) + "\n").encode())
            fn(ready)
            os.write(w, (json.dumps({"error": "returned without being killed"}) + "\n").encode())
        except BaseException as e:
            try:
                os.write(w, (json.dumps({"error": "%s: %s" % (type(e).__name__, e)}) + "\n").encode())
            except OSError:
                pass
        finally:
            os._exit(0)
    os.close(w)
    try:
        rr, _, _ = select.select([r], [], [], timeout)
        line = os.read(r, 65536).decode() if rr else ""
    finally:
        os.close(r)
    msg = json.loads(line.splitlines()[0]) if line.strip() else {"error": "no word within %.0f s" % timeout}
    if "ready" not in msg:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        err = msg["error"]
        if "method not implemented yet" in err:
            raise Skip(err[err.index("method not implemented yet"):])
        raise AssertionError("child uid %d: %s" % (uid, err))
    return pid, msg["ready"]


def kill(pid):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def streaming_client(sock, veth):
    def fn(ready):
        c = daemon_client.Conn(sock, 20)
        st = netns.Stream(c, {"interface": veth, "filter": "icmp", "output": "layers"})
        if st.start() is None:
            raise AssertionError("Subscribe: %r" % st.first)
        n = 0
        while n < 5:                    # in the stream: packets are flowing to us
            if st.next(20)[0] == "packet":
                n += 1
        ready(n)
        while True:                     # reads on until killed
            st.next(60)
    return fn


def sr_client(sock, veth):
    def fn(ready):
        c = daemon_client.Conn(sock, 20)
        # B ignores echo requests: this sr would wait its whole 10 s timeout.
        c.call("io.pktd.Inject.SendReceive", {
            "interface": veth, "layer": "l3", "timeoutMs": 10000, "output": "layers",
            "packets": [{"spec": "ip(src=%s,dst=%s)/icmp()/echo(id=%d,seq=1)" % (A_IP4, B_IP4, i)}
                        for i in range(1, 9)]}, more=True)
        # Nothing comes back until the timeout; an early reply is an error (or not implemented).
        try:
            r = c.reply(0.5)
        except socket.timeout:
            ready("in sr")
            time.sleep(60)
            return
        if r.get("error") in netns.NOT_IMPLEMENTED:
            raise RuntimeError("method not implemented yet: io.pktd.Inject.SendReceive")
        raise AssertionError("sr answered early: %r" % r)
    return fn


def settled_fds(d, timeout=10.0):
    """pktd's fd count once it has stopped changing (connections of earlier clients close
    asynchronously)."""
    deadline = time.monotonic() + timeout
    last, same = d.fds(), 0
    while same < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
        n = d.fds()
        same = same + 1 if n == last else 0
        last = n
    return last


def run_rounds(ns, d, make_client, uid, gid, label):
    """Kills WARMUP + ROUNDS clients mid-way; checks fds each time and RSS after the warm-up."""
    base_fds = settled_fds(d)
    rss0 = None
    worst = 0.0
    for i in range(WARMUP + ROUNDS):
        pid, _ = spawn_as(uid, gid, make_client)
        during = d.fds()
        assert during > base_fds, "%s: the client's connection and handle show in pktd's fds" % label
        t0 = time.monotonic()
        kill(pid)
        n = d.wait_fds(base_fds, 5.0)
        took = time.monotonic() - t0
        worst = max(worst, took)
        assert n <= base_fds, "%s round %d: pktd has %d fds 5 s after the kill, %d before" % (
            label, i, n, base_fds)
        d.assert_alive()
        if i == WARMUP - 1:
            rss0 = d.rss_kib()
    rss1 = d.rss_kib()
    print("   %s: %d clients killed; fds back to %d within %.2f s at worst; VmRSS %d -> %d KiB"
          % (label, WARMUP + ROUNDS, base_fds, worst, rss0, rss1))
    assert rss1 - rss0 <= rss_growth_allowed_kib(), "%s: VmRSS grew %d KiB over %d rounds" % (
        label, rss1 - rss0, ROUNDS)


def test_clients_killed_mid_stream_leave_no_fds_memory_or_slots(ns, d):
    # Pings keep the streams busy (bounded: 100 s at most, killed at the end).
    ping = ns.popen_b(["ping", "-q", "-n", "-i", "0.005", "-c", "20000", "-w", "100", A_IP4])
    try:
        run_rounds(ns, d, streaming_client(d.socket, ns.veth_a), netns.CAPTURE_UID, netns.CAPTURE_GID,
                   "killed mid-stream")
        # The uid's two subscription slots are free: two subscriptions at once work.
        sock, veth = d.socket, ns.veth_a

        def two():
            conns = [daemon_client.Conn(sock, 20) for _ in range(2)]
            acks = [netns.Stream(c, {"interface": veth, "filter": "icmp"}).start() for c in conns]
            return acks
        acks = daemon_client.as_user(two, netns.CAPTURE_UID, netns.CAPTURE_GID, [netns.CAPTURE_GID])
        assert all(a is not None for a in acks), acks
    finally:
        netns.kill(ping)
        ns.stop(ping)


def test_clients_killed_mid_sr_leave_no_fds_memory_or_slots(ns, d):
    ns.sysctl(ns.b, "net.ipv4.icmp_echo_ignore_all", 1)
    try:
        run_rounds(ns, d, sr_client(d.socket, ns.veth_a), netns.INJECT_UID, netns.INJECT_GID,
                   "killed mid-sr")
    finally:
        ns.sysctl(ns.b, "net.ipv4.icmp_echo_ignore_all", 0)
    sock, veth = d.socket, ns.veth_a

    def two_srs():
        conns = [daemon_client.Conn(sock, 20) for _ in range(2)]
        for c in conns:
            c.call("io.pktd.Inject.SendReceive", {
                "interface": veth, "layer": "l3", "timeoutMs": 2000, "output": "summary",
                "packets": [{"spec": "ip(src=%s,dst=%s)/icmp()/echo(id=77,seq=1)" % (A_IP4, B_IP4)}]})
        return [c.reply(20) for c in conns]
    got = daemon_client.as_user(two_srs, netns.INJECT_UID, netns.INJECT_GID, [netns.INJECT_GID])
    for r in got:
        p = daemon_client.assert_ok(r)
        assert len(p["answered"]) == 1 and p["unanswered"] == [], p


if __name__ == "__main__":
    netns.main(netns.tests_of(sys.modules[__name__]), CONFIG)
