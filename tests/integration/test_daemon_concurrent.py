#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""1,000 concurrent clients, each doing several Build + Dissect round trips at once (one poll loop,
non-blocking sockets, a deadline): every call is answered, correctly, none lost; GetStatus counts
them all while they are connected; pktd's fds return to the baseline afterwards.

Usage: test_daemon_concurrent.py PKTD_BINARY   (root; exits 77 otherwise)
"""

import os
import selectors
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_client import (Daemon, connect_unix, build_params, check_build, check_dissect, default_config,  # noqa: E402
                           dissect_params, frame, main, parse_reply, raise_nofile, round_trip)

CLIENTS = 1000
ROUNDS = 3          # Build + Dissect each round: 6,000 calls in all
DEADLINE = 240.0    # seconds for all of them (a loaded 2-CPU machine under ASan does it in far less)
NOFILE = 4096       # 1,000 client sockets here, 1,000 accepted ones in pktd, plus slack


class Client:
    def __init__(self, idx, path):
        self.idx = idx
        self.round = 0
        self.step = "build"
        self.data = None
        self.out = b""
        self.inbuf = b""
        self.done = False
        self.answers = 0
        self.sock = connect_unix(path, 30.0)  # waits while the listen backlog is full
        self.sock.setblocking(False)

    def next_call(self):
        if self.step == "build":
            self.out += frame("io.pktd.Packet.Build", build_params(self.idx, self.round))
        else:
            self.out += frame("io.pktd.Packet.Dissect", dissect_params(self.data))

    def on_reply(self, r):
        self.answers += 1
        if self.step == "build":
            self.data = check_build(r, self.idx, self.round)
            self.step = "dissect"
        else:
            check_dissect(r, self.idx, self.round)
            self.step = "build"
            self.round += 1
            if self.round == ROUNDS:
                self.done = True
                return
        self.next_call()


def run_all(clients, deadline):
    sel = selectors.DefaultSelector()
    for c in clients:
        c.next_call()
        sel.register(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
    left = len(clients)
    try:
        while left:
            if time.monotonic() > deadline:
                stuck = [c.idx for c in clients if not c.done]
                raise AssertionError("%d clients unfinished at the deadline (e.g. %s)" % (len(stuck), stuck[:10]))
            for key, ev in sel.select(1.0):
                c = key.data
                if ev & selectors.EVENT_WRITE and c.out:
                    try:
                        n = c.sock.send(c.out)
                        c.out = c.out[n:]
                    except BlockingIOError:
                        pass
                if ev & selectors.EVENT_READ:
                    try:
                        chunk = c.sock.recv(1 << 16)
                    except BlockingIOError:
                        chunk = None
                    except ConnectionResetError:
                        chunk = b""
                    if chunk == b"":
                        raise AssertionError("client %d: pktd closed the connection after %d answers"
                                             % (c.idx, c.answers))
                    if chunk:
                        c.inbuf += chunk
                        while b"\0" in c.inbuf and not c.done:
                            f, _, c.inbuf = c.inbuf.partition(b"\0")
                            c.on_reply(parse_reply(f))
                        if c.done:
                            if c.inbuf:
                                raise AssertionError("client %d: more replies than calls: %r" % (c.idx, c.inbuf[:200]))
                            sel.unregister(c.sock)
                            left -= 1
                            continue
                want = selectors.EVENT_READ | (selectors.EVENT_WRITE if c.out else 0)
                if key.events != want:
                    sel.modify(c.sock, want, c)
    finally:
        sel.close()


def test_thousand_concurrent_clients_all_answered():
    soft = raise_nofile(NOFILE)
    assert soft >= CLIENTS + 100, "RLIMIT_NOFILE %d is too low for %d clients" % (soft, CLIENTS)
    config = default_config(limits={"connections": CLIENTS + 100, "connectionsPerUid": CLIENTS + 100})
    with Daemon(config) as d:
        print("pktd RLIMIT_NOFILE soft: %d (this process: %d)" % (d.nofile_limit(), soft))
        fd0 = d.fds()
        rss0 = d.rss_kib()
        with d.connect() as watcher:
            t0 = time.monotonic()
            clients = []
            try:
                for i in range(CLIENTS):
                    clients.append(Client(i, d.socket))
                t_conn = time.monotonic() - t0
                # connect() returns once the backlog holds the connection: pktd accepts them soon.
                until = time.monotonic() + 20
                while True:
                    n = watcher.rpc("io.pktd.Daemon.GetStatus", {})["parameters"]["connections"]
                    if n == CLIENTS + 1 or time.monotonic() > until:
                        break
                    time.sleep(0.05)
                assert n == CLIENTS + 1, "GetStatus counts %d connections, want %d" % (n, CLIENTS + 1)
                t1 = time.monotonic()
                run_all(clients, t1 + DEADLINE)
                t_calls = time.monotonic() - t1
                fd_peak = d.fds()
                rss_peak = d.rss_kib()
                answers = sum(c.answers for c in clients)
                assert answers == CLIENTS * ROUNDS * 2, answers
                assert all(c.done for c in clients)
                # Everyone was answered while all were connected; the watcher still is.
                round_trip(watcher, 4242, 1)
            finally:
                for c in clients:
                    c.sock.close()
            fd1 = d.wait_fds(fd0 + 1, 15.0)
            st = watcher.rpc("io.pktd.Daemon.GetStatus", {})["parameters"]
        calls = {m["method"]: m for m in st["methods"]}
        print("%d clients connected in %.2f s; %d calls (%d rounds of Build + Dissect each) answered in "
              "%.2f s (%.0f calls/s)" % (CLIENTS, t_conn, answers, ROUNDS, t_calls, answers / t_calls))
        print("pktd fds: before %d, with %d clients %d, after %d (+1 watcher)" % (fd0, CLIENTS, fd_peak, fd1))
        print("pktd VmRSS: before %d KiB, with %d clients %d KiB" % (rss0, CLIENTS, rss_peak))
        print("GetStatus counters: Build %s, Dissect %s" % (calls.get("io.pktd.Packet.Build"),
                                                            calls.get("io.pktd.Packet.Dissect")))
        assert fd1 == fd0 + 1, "pktd has %d fds after the clients left, %d + 1 before" % (fd1, fd0)
        b = calls["io.pktd.Packet.Build"]
        assert b["calls"] >= CLIENTS * ROUNDS and b["errors"] == 0, b


def cpu_seconds(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def test_out_of_fds_pktd_pauses_accepting_and_recovers():
    """pktd started with RLIMIT_NOFILE 32 and 40 clients: accept() fails with EMFILE; pktd must neither
    spin on the listening socket nor stop serving the clients it has, and must take the waiting ones
    once fds are free again."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (32, hard))
    d = Daemon(default_config(limits={"connections": 256, "connectionsPerUid": 256}))
    try:
        d.start()
    except BaseException:
        d.cleanup()
        raise
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    with d.running():
        assert d.nofile_limit() == 32, d.nofile_limit()
        conns = [connect_unix(d.socket, 5.0) for _ in range(40)]
        try:
            time.sleep(0.5)
            fds = d.fds()
            c0 = cpu_seconds(d.pid)
            time.sleep(2.0)
            cpu = cpu_seconds(d.pid) - c0
            warnings = d.log().count("Too many open files")
            print("pktd at RLIMIT_NOFILE %d holds %d fds; CPU over 2 s while clients wait: %.2f s; "
                  "%d EMFILE warnings logged so far" % (d.nofile_limit(), fds, cpu, warnings))
            assert cpu < 0.5, "pktd spins while it cannot accept (%.2f s of CPU in 2 s)" % cpu
            for s in conns[:3]:
                s.sendall(frame("io.pktd.Packet.Build", build_params(1)))
                s.settimeout(5.0)
                check_build(parse_reply(s.recv(65536).split(b"\0")[0]), 1)
            for s in conns[:30]:
                s.close()
            for i, s in enumerate(conns[30:]):
                s.setblocking(True)
                s.settimeout(10.0)
                s.sendall(frame("io.pktd.Packet.Build", build_params(i)))
                check_build(parse_reply(s.recv(65536).split(b"\0")[0]), i)
        finally:
            for s in conns:
                s.close()
        d.assert_alive()


TESTS = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]

if __name__ == "__main__":
    main(TESTS)
