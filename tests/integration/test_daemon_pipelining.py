#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Pipelining: calls written at once are answered in call order (told apart by distinct specs), errors
in their place; oneway calls get no reply; more:true on a method that does not stream gets one reply.

Usage: test_daemon_pipelining.py PKTD_BINARY   (root; exits 77 otherwise)
"""

import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_client import (Daemon, assert_error, build_params, check_build, check_dissect,  # noqa: E402
                           default_config, dissect_params, frame, main, round_trip)

BUILD = "io.pktd.Packet.Build"


def test_hundred_calls_in_one_write_are_answered_in_call_order():
    with Daemon(default_config()) as d, d.connect() as c:
        c.send_raw(b"".join(frame(BUILD, build_params(1000 + i, i)) for i in range(100)))
        for i in range(100):
            check_build(c.reply(), 1000 + i, i)
        # Nothing more.
        try:
            extra = c.recv_frame(0.3)
            raise AssertionError("a 101st reply: %r" % extra[:200])
        except socket.timeout:
            pass


def test_half_closed_client_gets_every_reply_then_eof():
    """A client that writes its calls and shuts down its sending side still gets every reply, in
    order, then EOF (pktd answers what it read before closing)."""
    with Daemon(default_config()) as d, d.connect() as c:
        c.send_raw(b"".join(frame(BUILD, build_params(2000 + i, i)) for i in range(100)))
        c.sock.shutdown(socket.SHUT_WR)
        for i in range(100):
            check_build(c.reply(), 2000 + i, i)
        assert c.expect_close(5.0) == [], "more after the replies"


def test_mixed_pipeline_keeps_order_with_errors_in_place():
    with Daemon(default_config()) as d, d.connect() as c:
        data = check_build(c.rpc(BUILD, build_params(1)), 1)
        calls, want = [], []
        for i in range(1000):
            k = i % 5
            if k == 0:
                calls.append(frame(BUILD, build_params(i, 1)))
                want.append(("build", i))
            elif k == 1:
                calls.append(frame("io.pktd.Packet.Dissect", dissect_params(data)))
                want.append(("dissect", 1))
            elif k == 2:
                calls.append(frame(BUILD, {"spec": "ip(ttl=%d)" % (256 + i)}))
                want.append(("badspec", i))
            elif k == 3:
                calls.append(frame("io.pktd.Daemon.GetStatus", {}))
                want.append(("status", i))
            else:
                calls.append(frame("io.pktd.Packet.Nope%d" % i, {}))
                want.append(("nomethod", i))
        c.send_raw(b"".join(calls))
        for kind, arg in want:
            r = c.reply()
            if kind == "build":
                check_build(r, arg, 1)
            elif kind == "dissect":
                check_dissect(r, 1)
            elif kind == "badspec":
                assert_error(r, "io.pktd.Packet.BadSpec", position=None)
            elif kind == "status":
                assert "connections" in r["parameters"], r
            else:
                assert_error(r, "org.varlink.service.MethodNotFound", method="io.pktd.Packet.Nope%d" % arg)


def test_oneway_calls_get_no_reply():
    with Daemon(default_config()) as d, d.connect() as c:
        before = c.rpc("io.pktd.Daemon.GetStatus", {})["parameters"]
        # Oneway Builds, then an ordinary one: the only reply is the ordinary call's.
        c.send_raw(b"".join(frame(BUILD, build_params(i), oneway=True) for i in range(10))
                   + frame(BUILD, build_params(500)))
        check_build(c.reply(), 500)
        # A oneway call that fails gets no reply either.
        c.send_raw(frame(BUILD, {"spec": "nosuchlayer"}, oneway=True) + frame(BUILD, build_params(501)))
        check_build(c.reply(), 501)
        try:
            extra = c.recv_frame(0.3)
            raise AssertionError("a reply to a oneway call: %r" % extra[:200])
        except socket.timeout:
            pass
        after = c.rpc("io.pktd.Daemon.GetStatus", {})["parameters"]
        b0 = {m["method"]: m["calls"] for m in before["methods"]}.get(BUILD, 0)
        b1 = {m["method"]: m["calls"] for m in after["methods"]}.get(BUILD, 0)
        print("Build calls counted: before %d, after 10 + 1 oneway and 2 ordinary calls %d" % (b0, b1))
        assert b1 - b0 == 13, "the oneway calls were not all run: %d -> %d" % (b0, b1)


def test_more_on_a_method_that_does_not_stream_gets_one_reply():
    with Daemon(default_config()) as d, d.connect() as c:
        c.send_raw(frame(BUILD, build_params(3), more=True) + frame(BUILD, build_params(4)))
        r = c.reply()
        check_build(r, 3)
        assert not r.get("continues", False), "continues on a non-streaming reply: %r" % r
        check_build(c.reply(), 4)
        round_trip(c, 5)


TESTS = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]

if __name__ == "__main__":
    main(TESTS)
