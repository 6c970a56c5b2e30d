#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""io.pktd.Inject.Send against a real peer: pktd runs in namespace A (netns.py), and what it sends is
captured in namespace B with a raw socket (inject_peer.py), byte for byte, with kernel timestamps.

  - layer 2 frames arrive at the peer exactly as Send returned them; count repeats the list;
  - layer 3 IPv4 and IPv6 packets get their link header from A's kernel, and the sources the client
    left out are the interface's own (MAC, IPv4, IPv6), with valid checksums;
  - intervalMs paces the packets (gaps measured at the peer); closing the connection mid-Send stops
    it and frees its socket;
  - a passed pcap file (SCM_RIGHTS) is replayed with its original timing, at a pps rate, and at top
    speed, the gaps measured at the peer; a replay at top speed is paced by the rate limit;
  - the rate limit: a list that can never fit the buckets is LimitExceeded before anything is sent
    (the peer sees nothing), a paced list that fits is sent whole, the byte limit likewise;
  - a non-admin's spoofed source is PermissionDenied, in a list and in a replayed record, and nothing
    leaves; allowSpoofing = yes lets it through; a capture-only client gets PermissionDenied; an
    interface outside [inject] interfaces gets PermissionDenied.

    python3 tests/integration/test_inject_send.py build/daemon/pktd        # as root; 77 otherwise
"""

import base64
import json
import os
import select
import socket
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_client  # noqa: E402
import netns  # noqa: E402
import pktd_harness  # noqa: E402
from netns import A_IP4, B_IP4, A_IP6, B_IP6  # noqa: E402

PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inject_peer.py")
SEND = "io.pktd.Inject.Send"
NS = None
D = None
# Rates far above what these tests send, except where a test sets its own.
FAST = {"packetsPerSecond": 1000000, "bytesPerSecond": 10000000000}


def cfg(**inject):
    i = dict(FAST)
    i.update(inject)
    return netns.config(inject=i)


# ------------------------------------------------------------------------------------------------
# Helpers

class Peer:
    """inject_peer.py running in B: frames containing @marker, up to @count, for at most @seconds."""

    def __init__(self, marker, count, seconds=10.0, idle=None):
        argv = [sys.executable, PEER, NS.veth_b, marker.hex(), str(count), str(seconds)]
        if idle is not None:
            argv.append(str(idle))
        self.p = NS.popen_b(argv, text=True)
        r, _, _ = select.select([self.p.stdout], [], [], 15)
        line = self.p.stdout.readline() if r else ""
        if line.strip() != "ready":
            NS.stop(self.p, 1)
            raise AssertionError("peer capture did not start: %r" % line)
        self.seconds = seconds

    def frames(self):
        rc, out, err = NS.stop(self.p, self.seconds + 10)
        assert rc == 0, "peer capture failed (%s): %s" % (rc, err)
        return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


def marker(tag):
    return ("PKTDINJ-%s-%d" % (tag, os.getpid())).encode()


def raw(m):
    return 'raw("%s")' % m.decode()


def send(conn, params, timeout=60.0):
    r = netns.rpc(conn, SEND, params, timeout)
    return r


def ok(r):
    assert "error" not in r, "Send failed: %r" % r
    p = r["parameters"]
    assert set(p) <= {"sent", "bytes", "packets"}, p
    return p


def gaps_ms(frames):
    return [(b["ts"] - a["ts"]) / 1e6 for a, b in zip(frames, frames[1:])]


def ip4_checksum_ok(hdr):
    s = 0
    for i in range(0, len(hdr), 2):
        s += (hdr[i] << 8) | hdr[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s == 0xFFFF


def pcap_file(frames, gap_us):
    """A classic pcap (microseconds, Ethernet) holding @frames @gap_us apart; returns an open fd."""
    f = tempfile.TemporaryFile(dir=NS.tmp)
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    t0 = 1700000000 * 1000000
    for i, fr in enumerate(frames):
        t = t0 + i * gap_us
        f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(fr), len(fr)))
        f.write(fr)
    f.flush()
    f.seek(0)
    return f


def send_fd(conn, params, fd, timeout=60.0):
    """Send with @fd passed as fileDescriptor 0 (SCM_RIGHTS on the frame)."""
    params = dict(params, fileDescriptor=0)
    data = daemon_client.frame(SEND, params)
    socket.send_fds(conn.sock, [data], [fd])
    r = conn.reply(timeout)
    netns.check_implemented(r, SEND)
    return r


def build(conn, spec):
    r = conn.rpc("io.pktd.Packet.Build", {"spec": spec})
    assert "parameters" in r, r
    return base64.b64decode(r["parameters"]["data"])


def l2(rest):
    return "ethernet(dst=%s,src=%s)/%s" % (NS.mac_b, NS.mac_a, rest)


def udp_l2(m, sport=40100):
    return l2("ip(src=%s,dst=%s)/udp(sport=%d,dport=9)/%s" % (A_IP4, B_IP4, sport, raw(m)))


def as_inject_user(fn):
    return pktd_harness.run_as(netns.INJECT_UID, netns.INJECT_UID, [netns.INJECT_GID], fn, timeout=60)


def as_capture_user(fn):
    return pktd_harness.run_as(netns.CAPTURE_UID, netns.CAPTURE_UID, [netns.CAPTURE_GID], fn,
                               timeout=60)


# ------------------------------------------------------------------------------------------------
# Sending

def test_l2_frames_arrive_at_the_peer_exactly_as_returned_and_count_repeats_the_list(ns, d):
    m1, m2 = marker("l2a"), marker("l2b")
    m = os.path.commonprefix([m1, m2])
    peer = Peer(m, 6, seconds=10, idle=2)
    with D.connect(30) as c:
        p = ok(send(c, {"interface": NS.veth_a, "layer": "l2", "count": 3,
                        "packets": [{"spec": udp_l2(m1)}, {"spec": udp_l2(m2, 40101)}]}))
    frames = peer.frames()
    assert p["sent"] == 6, p
    sent = [base64.b64decode(x) for x in p["packets"]]
    assert len(sent) == 2, p
    assert p["bytes"] == 3 * (len(sent[0]) + len(sent[1])), p
    got = [bytes.fromhex(f["hex"]) for f in frames]
    assert got == [sent[0], sent[1]] * 3, "peer saw %d frames, in another order or form" % len(got)


def test_l3_ipv4_and_ipv6_get_a_link_header_and_the_interface_s_sources(ns, d):
    m4, m6 = marker("l3v4"), marker("l3v6")
    for m, spec, is6 in ((m4, "ip(dst=%s)/udp(sport=40200,dport=9)/%s" % (B_IP4, raw(m4)), False),
                         (m6, "ip6(dst=%s)/udp(sport=40201,dport=9)/%s" % (B_IP6, raw(m6)), True)):
        peer = Peer(m, 1, seconds=10)
        with D.connect(30) as c:
            p = ok(send(c, {"interface": NS.veth_a, "layer": "l3", "packets": [{"spec": spec}]}))
        frames = peer.frames()
        assert p["sent"] == 1 and len(frames) == 1, (p, frames)
        sent = base64.b64decode(p["packets"][0])
        fr = bytes.fromhex(frames[0]["hex"])
        # A's kernel wrote the link header (B's MAC learnt by ARP/ND), the rest is as sent.
        assert fr[0:6] == bytes.fromhex(NS.mac_b.replace(":", "")), fr[:14].hex()
        assert fr[6:12] == bytes.fromhex(NS.mac_a.replace(":", "")), fr[:14].hex()
        if is6:
            assert fr[12:14] == b"\x86\xdd" and fr[14:] == sent, fr.hex()
            assert socket.inet_ntop(socket.AF_INET6, sent[8:24]) == A_IP6, sent.hex()
        else:
            assert fr[12:14] == b"\x08\x00", fr.hex()
            ip = fr[14:]
            assert socket.inet_ntoa(ip[12:16]) == A_IP4, ip.hex()
            assert ip4_checksum_ok(ip[:20]), ip[:20].hex()
            # the kernel fills in what IP_HDRINCL leaves to it (id, checksum); the rest as sent
            assert ip[20:] == sent[20:], (ip.hex(), sent.hex())


def test_l2_sources_left_out_become_the_interface_s_own(ns, d):
    m = marker("fill")
    peer = Peer(m, 1, seconds=10)
    with D.connect(30) as c:
        p = ok(send(c, {"interface": NS.veth_a, "packets": [
            {"spec": "ethernet(dst=%s)/ip(dst=%s)/udp(sport=40300,dport=9)/%s"
                     % (NS.mac_b, B_IP4, raw(m))}]}))
        want = build(c, udp_l2(m, 40300))
    frames = peer.frames()
    assert len(frames) == 1, frames
    assert bytes.fromhex(frames[0]["hex"]) == base64.b64decode(p["packets"][0]) == want, (
        frames[0]["hex"], want.hex())


def test_interval_paces_the_packets_at_the_peer(ns, d):
    m = marker("interval")
    peer = Peer(m, 5, seconds=15)
    with D.connect(30) as c:
        t0 = time.monotonic()
        p = ok(send(c, {"interface": NS.veth_a, "count": 5, "intervalMs": 100,
                        "packets": [{"spec": udp_l2(m)}]}))
        took = time.monotonic() - t0
        # the connection keeps serving calls after an async Send
        assert "parameters" in c.rpc("io.pktd.Daemon.GetStatus", {})
    frames = peer.frames()
    assert p["sent"] == 5 and len(frames) == 5, (p, len(frames))
    g = gaps_ms(frames)
    assert all(80 <= x <= 200 for x in g), "gaps %s ms, want about 100" % g
    assert 0.38 <= took < 5, "took %.2f s" % took


def test_closing_mid_send_stops_it_and_frees_its_socket(ns, d):
    m = marker("cancel")
    base = D.wait_fds(D.fds())
    peer = Peer(m, 100, seconds=4)
    c = D.connect(30)
    c.call(SEND, {"interface": NS.veth_a, "count": 100, "intervalMs": 50,
                  "packets": [{"spec": udp_l2(m)}]})
    time.sleep(0.5)
    assert D.fds() >= base + 2, "the Send holds a connection and a socket"
    c.close()
    n = D.wait_fds(base)
    assert n <= base, "pktd has %d fds after the client left, %d before" % (n, base)
    got = len(peer.frames())
    # about 10 went out in the half second; none after the close
    assert 5 <= got <= 20, "%d packets arrived, want the ~10 sent before the close" % got
    D.assert_alive()


# ------------------------------------------------------------------------------------------------
# Replay

def _replay(c, n, gap_us, tag, **params):
    m = marker(tag)
    frames = [build(c, udp_l2(m, 41000 + i)) for i in range(n)]
    f = pcap_file(frames, gap_us)
    peer = Peer(m, n, seconds=20, idle=5)
    try:
        t0 = time.monotonic()
        r = send_fd(c, dict({"interface": NS.veth_a}, **params), f.fileno())
        took = time.monotonic() - t0
    finally:
        f.close()
    got = peer.frames()
    return r, took, got, frames


def test_replay_with_original_timing_keeps_the_file_s_gaps(ns, d):
    with D.connect(30) as c:
        r, took, got, frames = _replay(c, 6, 50000, "orig")
    p = ok(r)
    assert p == {"sent": 6, "bytes": sum(len(f) for f in frames)}, p
    assert [bytes.fromhex(g["hex"]) for g in got] == frames
    g = gaps_ms(got)
    assert all(35 <= x <= 120 for x in g), "gaps %s ms, want about 50" % g


def test_replay_at_a_rate_and_at_top_speed(ns, d):
    with D.connect(30) as c:
        r, took, got, _ = _replay(c, 11, 1000000, "rate", timing="rate", pps=20)
        assert ok(r)["sent"] == 11 and len(got) == 11, (r, len(got))
        span = (got[-1]["ts"] - got[0]["ts"]) / 1e9
        assert 0.4 <= span <= 0.8, "11 packets at 20/s spanned %.3f s, want 0.5" % span
        r, took, got, _ = _replay(c, 200, 1000000, "top", timing="topspeed")
        assert ok(r)["sent"] == 200 and len(got) == 200, (r, len(got))
        span = (got[-1]["ts"] - got[0]["ts"]) / 1e9
        # the file's own gaps would make it 199 s
        assert span < 0.5 and took < 5, "top speed spanned %.3f s (call %.2f s)" % (span, took)


def test_replay_at_top_speed_is_paced_by_the_rate_limit(ns, d):
    with ns.daemon(cfg(packetsPerSecond=50)) as d2:
        with d2.connect(30) as c:
            r, took, got, _ = _replay(c, 100, 0, "paced", timing="topspeed")
    assert ok(r)["sent"] == 100 and len(got) == 100, (r, len(got))
    # 50 at once (one second's burst), the other 50 at 50/s
    span = (got[-1]["ts"] - got[0]["ts"]) / 1e9
    assert 0.85 <= span <= 1.6, "spanned %.2f s, want about 1" % span


def test_replay_refuses_bad_files_and_params(ns, d):
    with D.connect(30) as c:
        f = tempfile.TemporaryFile(dir=NS.tmp)
        f.write(b"this is not a capture file at all" * 4)
        f.flush()
        f.seek(0)
        r = send_fd(c, {"interface": NS.veth_a}, f.fileno())
        daemon_client.assert_error(r, "org.varlink.service.InvalidParameter",
                                   parameter="fileDescriptor")
        f.seek(0)
        r = send_fd(c, {"interface": NS.veth_a, "timing": "rate"}, f.fileno())
        daemon_client.assert_error(r, "org.varlink.service.InvalidParameter", parameter="pps")
        f.close()
        # no descriptor passed with the call
        r = c.rpc(SEND, {"interface": NS.veth_a, "fileDescriptor": 0})
        daemon_client.assert_error(r, "org.varlink.service.InvalidParameter",
                                   parameter="fileDescriptor")
        # neither packets nor a file
        r = c.rpc(SEND, {"interface": NS.veth_a})
        daemon_client.assert_error(r, "org.varlink.service.InvalidParameter", parameter="packets")
        # a pipe could block pktd's loop on whoever writes it: refused
        rd, wr = os.pipe()
        try:
            r = send_fd(c, {"interface": NS.veth_a}, rd)
        finally:
            os.close(rd)
            os.close(wr)
        daemon_client.assert_error(r, "org.varlink.service.InvalidParameter",
                                   parameter="fileDescriptor")
        # a file on a kernel pseudo file system (proc, sysfs, tracefs, ...) can block, change or
        # have side effects as it is read: refused before reading, as Capture.Subscribe does
        with open("/proc/self/status", "rb") as pf:
            r = send_fd(c, {"interface": NS.veth_a}, pf.fileno())
        daemon_client.assert_error(r, "org.varlink.service.InvalidParameter",
                                   parameter="fileDescriptor")
        assert "regular file" in r["parameters"].get("message", ""), r
        # a socket is not a file
        a, b = socket.socketpair()
        try:
            r = send_fd(c, {"interface": NS.veth_a}, a.fileno())
        finally:
            a.close()
            b.close()
        daemon_client.assert_error(r, "org.varlink.service.InvalidParameter",
                                   parameter="fileDescriptor")


# ------------------------------------------------------------------------------------------------
# Rate limit

def test_list_over_the_rate_limit_is_refused_before_anything_is_sent(ns, d):
    m = marker("ratelimit")
    with ns.daemon(cfg(packetsPerSecond=10, bytesPerSecond=1500000)) as d2:
        peer = Peer(m, 1000, seconds=3)
        with d2.connect(30) as c:
            # 11 at once: more than one second's burst
            r = send(c, {"interface": NS.veth_a, "count": 11, "packets": [{"spec": udp_l2(m)}]})
            daemon_client.assert_error(r, "io.pktd.Daemon.LimitExceeded", limit="packetsPerSecond")
            # 30 paced at 10 ms: 0.29 s of refill is not enough for 20 past the burst
            r = send(c, {"interface": NS.veth_a, "count": 30, "intervalMs": 10,
                         "packets": [{"spec": udp_l2(m)}]})
            daemon_client.assert_error(r, "io.pktd.Daemon.LimitExceeded", limit="packetsPerSecond")
        frames = peer.frames()
        assert frames == [], "%d packets left although refused" % len(frames)

        m2 = marker("ratefits")
        peer = Peer(m2, 15, seconds=10, idle=3)
        with d2.connect(30) as c:
            # 15 at 100 ms: the burst's 10 plus 1.4 s of refill
            p = ok(send(c, {"interface": NS.veth_a, "count": 15, "intervalMs": 100,
                            "packets": [{"spec": udp_l2(m2)}]}))
            assert p["sent"] == 15, p
            # the bucket is per uid, across connections: this one finds it spent
        with d2.connect(30) as c:
            r = send(c, {"interface": NS.veth_a, "count": 10, "packets": [{"spec": udp_l2(m2)}]})
            daemon_client.assert_error(r, "io.pktd.Daemon.LimitExceeded", limit="packetsPerSecond")
        assert len(peer.frames()) == 15


def test_bytes_per_second_is_its_own_limit(ns, d):
    m = marker("bytes")
    with ns.daemon(cfg(packetsPerSecond=1000, bytesPerSecond=2000)) as d2:
        peer = Peer(m, 100, seconds=3)
        with d2.connect(30) as c:
            big = l2("ip(src=%s,dst=%s)/udp(sport=40400,dport=9)/raw(\"%s%s\")"
                     % (A_IP4, B_IP4, m.decode(), "x" * 1000))
            r = send(c, {"interface": NS.veth_a, "count": 2, "packets": [{"spec": big}]})
            daemon_client.assert_error(r, "io.pktd.Daemon.LimitExceeded", limit="bytesPerSecond")
        assert peer.frames() == []


# ------------------------------------------------------------------------------------------------
# Policy

def test_spoofed_sources_are_refused_for_non_admins_and_nothing_leaves(ns, d):
    m = marker("spoof")
    path = D.socket
    specs = [
        "ethernet(dst=%s,src=02:00:00:00:00:99)/ip(src=%s,dst=%s)/udp(dport=9)/%s"
        % (NS.mac_b, A_IP4, B_IP4, raw(m)),
        l2("ip(src=192.0.2.77,dst=%s)/udp(dport=9)/%s" % (B_IP4, raw(m))),
        l2("ip6(src=2001:db8::77,dst=%s)/udp(dport=9)/%s" % (B_IP6, raw(m))),
        l2("arp(op=REPLY,sha=%s,spa=192.0.2.77,tha=%s,tpa=%s)" % (NS.mac_a, NS.mac_b, B_IP4)),
    ]

    def client():
        out = []
        with daemon_client.Conn(path, 30) as c:
            for s in specs:
                out.append(c.rpc(SEND, {"interface": NS.veth_a, "packets": [{"spec": s}]}))
            # the same on layer 3
            out.append(c.rpc(SEND, {"interface": NS.veth_a, "layer": "l3", "packets": [
                {"spec": "ip(src=192.0.2.78,dst=%s)/udp(dport=9)/%s" % (B_IP4, raw(m))}]}))
            # its own sources pass
            out.append(c.rpc(SEND, {"interface": NS.veth_a, "packets": [{"spec": udp_l2(m)}]}))
        return out

    peer = Peer(m, 100, seconds=4)
    got = as_inject_user(client)
    frames = peer.frames()
    for r in got[:-1]:
        assert r == {"error": "org.varlink.service.PermissionDenied", "parameters": {}}, r
    assert ok(got[-1])["sent"] == 1, got[-1]
    assert len(frames) == 1, "%d frames left, want only the one with its own sources" % len(frames)


def test_spoofed_record_in_a_replay_stops_it_for_non_admins(ns, d):
    m = marker("spoofreplay")
    with D.connect(30) as c:
        good = build(c, udp_l2(m))
        bad = build(c, l2("ip(src=192.0.2.99,dst=%s)/udp(dport=9)/%s" % (B_IP4, raw(m))))
    f = pcap_file([good, bad, good], 0)
    path = D.socket

    def client():
        with daemon_client.Conn(path, 30) as c:
            data = daemon_client.frame(SEND, {"interface": NS.veth_a, "fileDescriptor": 0,
                                              "timing": "topspeed"})
            socket.send_fds(c.sock, [data], [f.fileno()])
            return c.reply(30)

    peer = Peer(m, 10, seconds=4)
    try:
        r = as_inject_user(client)
    finally:
        f.close()
    assert r == {"error": "org.varlink.service.PermissionDenied", "parameters": {}}, r
    assert len(peer.frames()) == 1, "only the record before the spoofed one goes out"


def test_allow_spoofing_lets_non_admins_send_any_source(ns, d):
    m = marker("allowspoof")
    with ns.daemon(cfg(allowSpoofing="yes")) as d2:
        path = d2.socket

        def client():
            with daemon_client.Conn(path, 30) as c:
                return c.rpc(SEND, {"interface": NS.veth_a, "packets": [
                    {"spec": l2("ip(src=192.0.2.77,dst=%s)/udp(dport=9)/%s" % (B_IP4, raw(m)))}]})

        peer = Peer(m, 1, seconds=10)
        r = as_inject_user(client)
        assert ok(r)["sent"] == 1, r
        assert len(peer.frames()) == 1


def test_capture_only_client_and_interfaces_outside_the_list_get_permission_denied(ns, d):
    denied = {"error": "org.varlink.service.PermissionDenied", "parameters": {}}
    m = marker("denied")
    params = {"interface": NS.veth_a, "packets": [{"spec": udp_l2(m)}]}
    path = D.socket

    def capture_client():
        with daemon_client.Conn(path, 30) as c:
            return [c.rpc(SEND, params), c.rpc("io.pktd.Inject.SendReceive", params)]

    peer = Peer(m, 10, seconds=3)
    for r in as_capture_user(capture_client):
        assert r == denied, r
    with ns.daemon(cfg(interfaces="lo")) as d2:
        path2 = d2.socket

        def inject_client():
            with daemon_client.Conn(path2, 30) as c:
                return [c.rpc(SEND, params), c.rpc("io.pktd.Inject.SendReceive", params)]

        for r in as_inject_user(inject_client):
            assert r == denied, r
        # root is admin: every interface
        with d2.connect(30) as c:
            assert ok(send(c, params))["sent"] == 1
    assert len(peer.frames()) == 1


# ------------------------------------------------------------------------------------------------

def main():
    def on_start(ns, d):
        global NS, D
        NS, D = ns, d
    netns.main(netns.tests_of(sys.modules[__name__]), cfg(), on_start)


if __name__ == "__main__":
    main()
