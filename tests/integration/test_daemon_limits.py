#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Connection limits: the 33rd connection of a uid with connectionsPerUid = 32 is refused
(LimitExceeded{limit: "connectionsPerUid"}, then a close) while the first 32 keep working, a slot freed is
usable again, other uids are not affected, and the total limit (connections) holds across uids.

Usage: test_daemon_limits.py PKTD_BINARY   (root; exits 77 otherwise)
"""

import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_client import (Closed, Conn, Daemon, as_user, assert_error, build_params, check_build,  # noqa: E402
                           default_config, main, round_trip)

PER_UID = 32
TOTAL = 40
CAPTURE_GID = 64001
UID_A = 64021
UID_B = 64022
LIMIT = "io.pktd.Daemon.LimitExceeded"


def refused(path, limit):
    """Opens one more connection, sends nothing, and checks that pktd refuses it as listener.c
    documents: the frame LimitExceeded{limit, message} and a close, before any call. Returns the
    message."""
    c = Conn(path, 10.0)
    with c:
        try:
            frames = c.expect_close(10.0)
        except socket.timeout:
            raise AssertionError("the connection over the %s limit was accepted" % limit)
        assert frames, "the connection over the %s limit was closed without LimitExceeded" % limit
        r = json.loads(frames[0])
        assert_error(r, LIMIT, limit=limit, message=None)
        assert len(frames) == 1, "the refused connection got more than the error: %r" % frames
        return r["parameters"]["message"]


def open_n(path, n):
    conns = []
    for i in range(n):
        c = Conn(path, 10.0)
        conns.append(c)
        # An answer proves the connection was accepted, not just queued in the backlog.
        check_build(c.rpc("io.pktd.Packet.Build", build_params(i)), i)
    return conns


def test_thirty_third_connection_of_a_uid_is_refused_and_the_others_keep_working():
    with Daemon(default_config(limits={"connections": 256, "connectionsPerUid": PER_UID})) as d:
        time.sleep(0.3)  # the start-up probe's close reaches pktd's count asynchronously
        fd0 = d.fds()
        conns = open_n(d.socket, PER_UID)
        how = [refused(d.socket, "connectionsPerUid") for _ in range(5)]
        print("uid 0 over connectionsPerUid=%d: %s" % (PER_UID, how))
        for i, c in enumerate(conns):
            round_trip(c, 1000 + i)
        # Another uid is not limited by uid 0's count.
        got = as_user(lambda: [round_trip(c, 7) for c in open_n(d.socket, 3)] and "ok",
                      UID_A, UID_A, [CAPTURE_GID])
        assert got == "ok", got
        # A slot freed is usable again (closing is asynchronous: retry for a while).
        conns.pop().close()
        deadline = time.monotonic() + 5
        while True:
            try:
                conns += open_n(d.socket, 1)
                break
            except (Closed, AssertionError):
                if time.monotonic() > deadline:
                    raise AssertionError("a freed slot was not usable again within 5 s")
                time.sleep(0.1)
        refused(d.socket, "connectionsPerUid")
        for c in conns:
            c.close()
        assert d.wait_fds(fd0) == fd0, "fds %d, baseline %d" % (d.fds(), fd0)
        d.assert_alive()


def test_non_root_uid_is_limited_the_same_way():
    with Daemon(default_config(limits={"connections": 256, "connectionsPerUid": PER_UID})) as d:
        time.sleep(0.3)

        def client():
            conns = open_n(d.socket, PER_UID)
            how = refused(d.socket, "connectionsPerUid")
            for i, c in enumerate(conns):
                round_trip(c, i)
            return how
        print("uid %d over connectionsPerUid=%d: %s" % (UID_A, PER_UID, as_user(client, UID_A, UID_A, [CAPTURE_GID])))


def test_total_connection_limit_holds_across_uids():
    with Daemon(default_config(limits={"connections": TOTAL, "connectionsPerUid": PER_UID})) as d:
        time.sleep(0.3)
        conns = open_n(d.socket, PER_UID)

        def client():
            mine = open_n(d.socket, TOTAL - PER_UID)
            how = refused(d.socket, "connections")
            for i, c in enumerate(mine):
                round_trip(c, i)
            return how
        how = as_user(client, UID_B, UID_B, [CAPTURE_GID])
        print("connection %d with connections=%d: %s" % (TOTAL + 1, TOTAL, how))
        for i, c in enumerate(conns):
            round_trip(c, i)
            c.close()


def padded_status(size):
    """A GetStatus call of exactly @size bytes (NUL excluded), padded with JSON whitespace."""
    head = b'{"method":"io.pktd.Daemon.GetStatus"'
    return head + b" " * (size - len(head) - 1) + b"}\0"


def test_frame_size_limit_from_the_config():
    with Daemon(default_config(limits={"frameSize": 4096})) as d:
        with d.connect() as c:
            c.send_raw(padded_status(4096))
            assert "parameters" in c.reply(), "a frame of exactly frameSize was refused"
            c.send_raw(padded_status(4097))
            frames = c.expect_close(10.0)
            assert len(frames) == 1, frames
            assert_error(json.loads(frames[0]), LIMIT, limit="frameSize", message=None)
        with d.connect() as c:
            c.send_raw(b'{"method":"io.pktd.Packet.Build","parameters":{"spec":"' + b"a" * 5000)
            frames = c.expect_close(10.0)
            assert len(frames) == 1, frames
            assert_error(json.loads(frames[0]), LIMIT, limit="frameSize", message=None)
        d.assert_alive()


def test_idle_timeout_from_the_config():
    idle = 2
    with Daemon(default_config(limits={"idleTimeoutSec": idle})) as d:
        with d.connect() as silent, d.connect() as active:
            t0 = time.monotonic()
            k = 0
            closed_at = None
            silent.sock.setblocking(False)
            while time.monotonic() - t0 < idle + 3:
                round_trip(active, k)  # a call every 0.25 s keeps this one alive
                k += 1
                try:
                    if silent.sock.recv(1) == b"" and closed_at is None:
                        closed_at = time.monotonic() - t0
                except BlockingIOError:
                    pass
                except ConnectionResetError:
                    closed_at = closed_at or time.monotonic() - t0
                time.sleep(0.25)
            print("idleTimeoutSec=%d: the silent connection was closed after %s s; the active one made %d "
                  "round trips in %.1f s" % (idle, closed_at and "%.1f" % closed_at, k, time.monotonic() - t0))
            assert closed_at is not None, "the silent connection outlived the idle timeout"
            assert idle - 0.5 <= closed_at <= idle + 3.0, closed_at
            round_trip(active, 4242)


TESTS = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]

if __name__ == "__main__":
    main(TESTS)
