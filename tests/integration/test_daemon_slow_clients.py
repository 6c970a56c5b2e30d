#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Clients that do not read: one pipelines Dissect calls and never reads (pktd disconnects it at the
output cap, keeps serving others, and its RSS stays bounded); others are SIGKILLed with replies pending
(pktd keeps serving, its fds return to the baseline).

Usage: test_daemon_slow_clients.py PKTD_BINARY   (root; exits 77 otherwise)
"""

import os
import select
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_client import (Daemon, build_params, check_build, default_config, dissect_params,  # noqa: E402
                           frame, main, parse_reply, round_trip, sanitized)

OUTPUT_CAP = 1024 * 1024       # outputBuffer in the test config
DISCONNECT_WITHIN = 30.0       # seconds for pktd to drop a client that never reads (at the cap)
# pktd may hold up to the cap for the client plus its own working memory: anything past this over
# the baseline means the output was not capped. ASan's quarantine (16 MiB) and redzones get more room.
RSS_BOUND_KIB = (OUTPUT_CAP // 1024) + (6 * 1024 if not sanitized() else 48 * 1024)
KILLED = int(os.environ.get("PKTD_TEST_KILLED", "10"))  # clients SIGKILLed mid-reply, after
WARM_KILLS = 3                                          # these, which let the allocator grow
KILL_RSS_BOUND_KIB = 4 * 1024 if not sanitized() else 64 * 1024


def connections(watcher):
    r = watcher.rpc("io.pktd.Daemon.GetStatus", {})
    return r["parameters"]["connections"]


def dissect_call(watcher):
    data = check_build(watcher.rpc("io.pktd.Packet.Build", build_params(77, 3)), 77, 3)
    call = frame("io.pktd.Packet.Dissect", dissect_params(data))
    watcher.send_raw(call)
    reply_len = len(watcher.recv_frame()) + 1
    return call, reply_len


def client_ids(watcher):
    return {c["id"]: c for c in watcher.rpc("io.pktd.Daemon.ListClients", {})["parameters"]["clients"]}


def test_client_that_never_reads_is_disconnected_at_the_output_cap():
    """conn.c (and the issue): a client that keeps calling without reading is disconnected once its
    queued replies pass outputBuffer — long before the idle timeout (600 s here) — while others are
    served all along; pktd's RSS stays bounded and its fds return to the baseline."""
    idle = 600
    with Daemon(default_config(limits={"outputBuffer": OUTPUT_CAP, "idleTimeoutSec": idle})) as d:
        with d.connect() as watcher:
            call, reply_len = dissect_call(watcher)
            time.sleep(0.3)
            fd0, rss0 = d.fds(), d.rss_kib()
            mine = set(client_ids(watcher))
            hog = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
            # A small receive buffer: the replies pile up in pktd, not in this socket.
            hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            hog.connect(d.socket)
            hog.setblocking(False)
            pending = b""
            sent_bytes, rss_max, served, queued_max = 0, rss0, 0, 0
            t0 = time.monotonic()
            gone = None
            blocked_since = None
            next_check = t0
            while time.monotonic() - t0 < DISCONNECT_WITHIN:
                now = time.monotonic()
                if not pending:
                    pending = call * 64
                try:
                    n = hog.send(pending)
                    pending = pending[n:]
                    sent_bytes += n
                    blocked_since = None
                except BlockingIOError:
                    blocked_since = blocked_since or now
                    select.select([], [hog], [], 0.05)
                except (BrokenPipeError, ConnectionResetError):
                    gone = "its send failed"
                    break
                if now >= next_check:
                    next_check = now + 0.25
                    rss_max = max(rss_max, d.rss_kib())
                    round_trip(watcher, served % 65536, 2)  # others are served meanwhile
                    served += 1
                    others = {i: c for i, c in client_ids(watcher).items() if i not in mine}
                    if not others:
                        gone = "ListClients no longer lists it"
                        break
                    queued_max = max(queued_max, max(c["outputQueued"] for c in others.values()))
            elapsed = time.monotonic() - t0
            throttled_for = time.monotonic() - blocked_since if blocked_since else 0.0
            rss_max = max(rss_max, d.rss_kib())
            if gone is None:
                hog.close()
                raise AssertionError("a client that never reads was still connected after %.0f s (%d bytes "
                                     "of calls sent, %d bytes of output queued at most): not cut at the cap"
                                     % (elapsed, sent_bytes, queued_max))
            # What the hog can still read is bounded by the cap plus the socket buffers, and it ends.
            hog.setblocking(True)
            hog.settimeout(10.0)
            got = b""
            try:
                while True:
                    chunk = hog.recv(1 << 16)
                    if not chunk:
                        break
                    got += chunk
                    assert len(got) <= OUTPUT_CAP + (4 << 20), "more than the cap came out"
            except ConnectionResetError:
                pass
            hog.close()
            frames = got.split(b"\0")[:-1]
            for f in frames[:50]:
                assert "parameters" in parse_reply(f), f[:200]
            fd1 = d.wait_fds(fd0)
            rss1 = d.rss_kib()
            round_trip(watcher, 99, 9)
            calls = sent_bytes // len(call)
            print("never-reading client: %d Dissect calls sent (%d-byte replies: %.1f MiB of output due); "
                  "pktd queued at most %d bytes for it (outputBuffer %d); its sends blocked for the last "
                  "%.1f s; gone after %.1f s (idleTimeoutSec %d): %s; it could still read %d bytes (%d "
                  "whole replies)" % (calls, reply_len, calls * reply_len / 1048576.0, queued_max, OUTPUT_CAP,
                                      throttled_for, elapsed, idle, gone, len(got), len(frames)))
            print("meanwhile %d watcher round trips answered" % served)
            print("pktd said: %s" % [l for l in d.log().splitlines() if "disconnected" in l][-1:])
            print("pktd fds: before %d, after %d" % (fd0, fd1))
            print("pktd VmRSS: before %d KiB, peak %d KiB, after %d KiB (peak bound: before + %d KiB)"
                  % (rss0, rss_max, rss1, RSS_BOUND_KIB))
            assert queued_max <= OUTPUT_CAP, "pktd queued %d bytes, over outputBuffer" % queued_max
            # It was the cap: the hog had asked for more output than the cap when it went.
            assert calls * reply_len > OUTPUT_CAP, (calls, reply_len, queued_max)
            assert fd1 == fd0, (fd0, fd1)
            assert rss_max - rss0 <= RSS_BOUND_KIB, "RSS grew by %d KiB" % (rss_max - rss0)
        d.assert_alive()


def spawn_hog(path, call, count):
    """A child that connects, pipelines @count calls without reading, tells us and waits to be killed."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(path)
            s.setblocking(False)
            # pktd stops reading once enough replies wait (its throttle): send what it takes, until
            # it has taken nothing for a second.
            data, last = call * count, time.monotonic()
            while data and time.monotonic() - last < 1.0:
                try:
                    n = s.send(data)
                    data, last = data[n:], time.monotonic()
                except BlockingIOError:
                    select.select([], [s], [], 0.1)
            os.write(w, b"x")
            time.sleep(60)
        finally:
            os._exit(0)
    os.close(w)
    rr, _, _ = select.select([r], [], [], 20.0)
    ok = bool(rr) and os.read(r, 1) == b"x"
    os.close(r)
    if not ok:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise AssertionError("the hog child could not send its calls")
    return pid


def test_client_killed_mid_reply_leaves_pktd_serving_and_fds_at_baseline():
    with Daemon(default_config()) as d:  # outputBuffer 8 MiB: replies pending, no cap reached
        with d.connect() as watcher:
            call, reply_len = dissect_call(watcher)
            count = (2 << 20) // reply_len  # ~2 MiB of replies: far more than the socket holds
            time.sleep(0.3)
            fd0 = d.fds()
            rss0 = d.rss_kib()
            for k in range(WARM_KILLS + KILLED):
                if k == WARM_KILLS:
                    # The allocator keeps what the first big queues freed; growth after this is a leak.
                    rss_warm = d.rss_kib()
                pid = spawn_hog(d.socket, call, count)
                try:
                    # Wait until pktd has answered into a full socket: output is queued for the child.
                    deadline = time.monotonic() + 20
                    queued = 0
                    while time.monotonic() < deadline:
                        cl = watcher.rpc("io.pktd.Daemon.ListClients", {})["parameters"]["clients"]
                        mine = [c for c in cl if c["pid"] == pid]
                        queued = mine[0]["outputQueued"] if mine else 0
                        if queued > 0:
                            break
                        time.sleep(0.05)
                finally:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                round_trip(watcher, k, 4)
                print("hog %d: killed with %d bytes of output queued in pktd" % (k, queued))
                assert queued > 0, "pktd never queued output for the hog"
            fd1 = d.wait_fds(fd0)
            rss1 = d.rss_kib()
            round_trip(watcher, 5, 5)
            assert connections(watcher) == 1
            print("pktd fds: before %d, after %d killed clients %d" % (fd0, WARM_KILLS + KILLED, fd1))
            print("pktd VmRSS: before %d KiB, after %d warm-up kills %d KiB, after %d more %d KiB "
                  "(growth bound %d KiB)" % (rss0, WARM_KILLS, rss_warm, KILLED, rss1, KILL_RSS_BOUND_KIB))
            assert fd1 == fd0, (fd0, fd1)
            assert rss1 - rss_warm <= KILL_RSS_BOUND_KIB, "RSS grew by %d KiB" % (rss1 - rss_warm)
        d.assert_alive()


def test_sigterm_with_a_client_not_reading_exits_cleanly_and_soon():
    """SIGTERM drains: a client with ~3 MiB of replies it does not read, one mid-frame and one idle
    must not keep pktd from exiting 0 within a few seconds (pktd lingers 2 s for unread output)."""
    with Daemon(default_config()) as d:
        hog = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        hog.connect(d.socket)
        hog.settimeout(10.0)
        call = frame("org.varlink.service.GetInterfaceDescription", {"interface": "io.pktd.Packet"})
        hog.sendall(call * 1500)  # ~3 MiB of replies, under the 8 MiB cap
        partial = d.connect()
        partial.send_raw(b'{"method":')
        idle = d.connect()
        time.sleep(0.5)
        t0 = time.monotonic()
        rc = d.stop(timeout=20.0)
        took = time.monotonic() - t0
        print("SIGTERM with 3 clients (one not reading): exit %s after %.2f s" % (rc, took))
        assert rc == 0, "pktd exited with %s:\n%s" % (rc, d.stderr[-4000:])
        assert took < 5.0, "pktd took %.1f s to stop" % took
        for c in (hog, partial.sock, idle.sock):
            c.close()


TESTS = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]

if __name__ == "__main__":
    main(TESTS)
