#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""io.pktd.Inject.SendReceive's limits and life cycle against a real peer (netns.py: pktd in A, B's
kernel answers). test_netns_sr.py checks the answers themselves; this pins what pktd adds around
libpkt's matcher:

  - srProbes: more probes than the limit is LimitExceeded{"srProbes"} before anything is sent;
  - srPerUid: a uid's sr beyond the limit is LimitExceeded{"srPerUid"} while the others run, and
    accepted again once they end (also when they ended by their connection closing);
  - srDurationMs bounds an sr that asks for longer timeouts: it ends at the limit with the answers
    it has;
  - the rate limit: the first round's tokens are taken up front (LimitExceeded when lacking,
    nothing sent); retries wait for their tokens;
  - a client that closes mid-sr leaves no socket behind (pktd's fd count back to its baseline), and
    neither does one that completes;
  - an interface going down mid-sr ends it with the answers it had (logged), not an error;
  - answers whose layers do not fit the output buffer come as summaries, not as an error;
  - streamed answers the client does not read pause at streamHighWater (pktd's queue for it stays
    there) and resume when it reads;
  - on layer 3 the probes of one call are one IP version.

    python3 tests/integration/test_inject_sr.py build/daemon/pktd        # as root; 77 otherwise
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_client  # noqa: E402
import netns  # noqa: E402
from netns import A_IP4, B_IP4, A_IP6, B_IP6  # noqa: E402

SR = "io.pktd.Inject.SendReceive"
NS = None
D = None


def cfg(limits=None, **inject):
    i = {"packetsPerSecond": 1000000, "bytesPerSecond": 10000000000}
    i.update(inject)
    return netns.config(limits=limits, inject=i)


def l2(rest):
    return "ethernet(dst=%s,src=%s)/%s" % (NS.mac_b, NS.mac_a, rest)


def echo(seq, ident=0x5150):
    return {"spec": l2("ip(src=%s,dst=%s)/icmp()/echo(id=%d,seq=%d)" % (A_IP4, B_IP4, ident, seq))}


def syn(port):
    return {"spec": l2("ip(src=%s,dst=%s)/tcp(sport=%d,dport=9,flags=SYN)" % (A_IP4, B_IP4, port))}


def params(packets, **kw):
    p = {"interface": NS.veth_a, "packets": packets, "timeoutMs": 1000}
    p.update(kw)
    return p


def ok(r):
    assert "error" not in r, "SendReceive failed: %r" % r
    return r["parameters"]


def icmp_off(on):
    NS.sysctl(NS.b, "net.ipv4.icmp_echo_ignore_all", 1 if on else 0)


# ------------------------------------------------------------------------------------------------

def test_more_probes_than_sr_probes_is_limit_exceeded(ns, d):
    with ns.daemon(cfg({"srProbes": 3})) as d2:
        base = d2.wait_fds(d2.fds())
        rx = NS.stat(NS.b, NS.veth_b, "rx_packets")
        with d2.connect(30) as c:
            r = netns.sr(c, params([echo(i) for i in range(4)]))
            daemon_client.assert_error(r, "io.pktd.Daemon.LimitExceeded", limit="srProbes")
            p = ok(netns.sr(c, params([echo(i) for i in range(3)])))
            assert p["sent"] == 3 and len(p["answered"]) == 3, p
        # only the accepted call's 3 probes crossed (give or take ARP/ND of the kernels)
        assert NS.stat(NS.b, NS.veth_b, "rx_packets") - rx < 3 + 3, "refused probes were sent"
        assert d2.wait_fds(base) <= base, "sockets left behind"


def test_sr_per_uid_is_enforced_while_others_run_and_freed_when_they_end(ns, d):
    icmp_off(True)
    try:
        with ns.daemon(cfg({"srPerUid": 2})) as d2:
            base = d2.wait_fds(d2.fds())
            c1, c2, c3 = d2.connect(30), d2.connect(30), d2.connect(30)
            try:
                # two sr that wait out a 3 s timeout (the echo goes unanswered)
                c1.call(SR, params([echo(1)], timeoutMs=3000))
                c2.call(SR, params([echo(2)], timeoutMs=3000))
                time.sleep(0.3)
                r = c3.rpc(SR, params([syn(40600)]), timeout=30)
                daemon_client.assert_error(r, "io.pktd.Daemon.LimitExceeded", limit="srPerUid")
                # one ends by its client going away: its slot comes back at once
                c1.close()
                deadline = time.monotonic() + 5
                while True:
                    r = c3.rpc(SR, params([syn(40601)]), timeout=30)
                    if "error" not in r or time.monotonic() > deadline:
                        break
                    time.sleep(0.1)
                p = ok(r)
                assert len(p["answered"]) == 1, p
                # the other runs to its end and reports its probe unanswered
                p = ok(c2.reply(30))
                assert p["unanswered"] == [{"probe": 0}] and p["sent"] == 1, p
            finally:
                for c in (c1, c2, c3):
                    c.close()
            assert d2.wait_fds(base) <= base, "sockets left behind: %d > %d" % (d2.fds(), base)
    finally:
        icmp_off(False)


def test_sr_duration_ms_bounds_the_whole_call(ns, d):
    icmp_off(True)
    try:
        with ns.daemon(cfg({"srDurationMs": 700})) as d2:
            with d2.connect(30) as c:
                t0 = time.monotonic()
                p = ok(netns.sr(c, params([syn(40700), echo(7)], timeoutMs=20000, retry=3)))
                took = time.monotonic() - t0
            assert [a["probe"] for a in p["answered"]] == [0], p
            assert p["unanswered"] == [{"probe": 1}], p
            assert 0.6 <= took < 4, "srDurationMs 700, took %.2f s" % took
    finally:
        icmp_off(False)


def test_first_round_over_the_rate_limit_is_refused_and_retries_wait_for_tokens(ns, d):
    icmp_off(True)
    try:
        with ns.daemon(cfg(packetsPerSecond=4)) as d2:
            rx = NS.stat(NS.b, NS.veth_b, "rx_packets")
            with d2.connect(30) as c:
                r = netns.sr(c, params([echo(i) for i in range(5)]))
                daemon_client.assert_error(r, "io.pktd.Daemon.LimitExceeded",
                                           limit="packetsPerSecond")
                assert NS.stat(NS.b, NS.veth_b, "rx_packets") - rx < 3, "refused probes were sent"
                time.sleep(1.1)
                # 4 probes take the whole burst; their 2 retry rounds (8 sends) wait for tokens
                # at 4/s: the call takes about 2 s of token waits plus the timeouts
                t0 = time.monotonic()
                p = ok(netns.sr(c, params([echo(i) for i in range(4)], timeoutMs=100, retry=2)))
                took = time.monotonic() - t0
            assert p["sent"] == 12 and len(p["unanswered"]) == 4, p
            assert 1.7 <= took < 6, "took %.2f s, want the retries paced at 4/s" % took
    finally:
        icmp_off(False)


def test_closing_mid_sr_and_completing_leave_no_socket(ns, d):
    icmp_off(True)
    try:
        base = D.wait_fds(D.fds())
        for _ in range(5):
            c = D.connect(30)
            c.call(SR, params([echo(9)], timeoutMs=5000), more=True)
            time.sleep(0.2)
            assert D.fds() >= base + 2, "the sr holds a connection and a socket"
            c.close()
        n = D.wait_fds(base)
        assert n <= base, "pktd has %d fds after the clients left, %d before" % (n, base)
        with D.connect(30) as c:
            for i in range(5):
                ok(netns.sr(c, params([syn(40800 + i)])))
        assert D.wait_fds(base) <= base
        D.assert_alive()
    finally:
        icmp_off(False)


def test_interface_going_down_mid_sr_ends_it_with_the_answers_so_far(ns, d):
    icmp_off(True)
    # the IPv6 address must survive the link going down, for the tests that follow
    NS.sysctl(NS.a, "net.ipv6.conf.%s.keep_addr_on_down" % NS.veth_a, 1)
    try:
        with D.connect(30) as c:
            c.call(SR, params([syn(40900), echo(11)], timeoutMs=400, retry=8))
            time.sleep(0.6)  # the SYN answered, the echo's retries going on
            NS.run_a(["ip", "link", "set", NS.veth_a, "down"], timeout=10)
            try:
                r = c.reply(30)
            finally:
                NS.run_a(["ip", "link", "set", NS.veth_a, "up"], timeout=10)
                NS.wait_link()
        p = ok(r)
        assert [a["probe"] for a in p["answered"]] == [0], p
        assert p["unanswered"] == [{"probe": 1}], p
        assert 2 <= p["sent"] < 10, p
        assert "ended early" in D.log(), "the cause is logged"
        addrs = NS.read_a(["ip", "addr", "show", "dev", NS.veth_a])
        assert A_IP4 in addrs and A_IP6 in addrs, addrs
    finally:
        icmp_off(False)


def test_answers_too_big_for_the_output_buffer_come_as_summaries(ns, d):
    with ns.daemon(cfg({"outputBuffer": 65536})) as d2:
        # 300 answers: about 13 KB of frames (under a quarter of the buffer, what an sr stores),
        # some 160 KB as layers, some 45 KB as summaries
        probes = [{"spec": "ip(src=%s,dst=%s)/icmp()/echo(id=0x77,seq=%d)" % (A_IP4, B_IP4, i)}
                  for i in range(300)]
        with d2.connect(30) as c:
            p = ok(netns.sr(c, {"interface": NS.veth_a, "layer": "l3", "packets": probes,
                                "timeoutMs": 1000, "output": "layers"}))
    assert p["sent"] == 300 and len(p["answered"]) + len(p["unanswered"]) == 300, p
    assert len(p["answered"]) >= 200, "%d answered" % len(p["answered"])
    for a in p["answered"]:
        rep = a["reply"]
        assert "summary" in rep and "layers" not in rep, rep
        assert "echo" in rep["summary"], rep


def test_a_stream_the_client_does_not_read_pauses_at_the_high_water_and_resumes(ns, d):
    high = 131072
    with ns.daemon(cfg({"streamHighWater": high, "streamLowWater": 65536})) as d2:
        probes = [{"spec": "ip(src=%s,dst=%s)/icmp()/echo(id=0x79,seq=%d)" % (A_IP4, B_IP4, i)}
                  for i in range(4000)]
        c = d2.connect(60)
        try:
            # multi: the sr runs its whole timeout, so it is still going when the client reads
            c.call(SR, {"interface": NS.veth_a, "layer": "l3", "packets": probes,
                        "timeoutMs": 3000, "multi": True, "output": "layers"}, more=True)
            # not reading: pktd's queue for it stays near the high watermark
            time.sleep(1.5)
            with d2.connect(30) as admin:
                clients = admin.rpc("io.pktd.Daemon.ListClients", {})["parameters"]["clients"]
            queued = max(x["outputQueued"] for x in clients)
            assert 0 < queued <= high + 65536, "queued %d with streamHighWater %d" % (queued, high)
            streamed = 0
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                r = c.reply(30)
                assert "error" not in r, r
                if not r.get("continues"):
                    break
                streamed += 1
            p = r["parameters"]
        finally:
            c.close()
    assert len(p["answered"]) >= 3000, "%d answered" % len(p["answered"])
    # Resumed once the client read: more answers streamed than the high watermark holds (an answer
    # in layers is well over 256 bytes). Those still unstreamed when the sr's timeout ends are in the
    # last reply only (on a loaded machine the client may not have drained them all by then).
    assert (high + 65536) // 256 < streamed <= len(p["answered"]), (streamed, len(p["answered"]))


def test_layer3_probes_of_one_call_are_one_ip_version(ns, d):
    with D.connect(30) as c:
        r = netns.sr(c, {"interface": NS.veth_a, "layer": "l3", "packets": [
            {"spec": "ip(src=%s,dst=%s)/icmp()/echo(id=1,seq=1)" % (A_IP4, B_IP4)},
            {"spec": "ip6(src=%s,dst=%s)/icmp6()/echo(id=1,seq=1)" % (A_IP6, B_IP6)}]})
        daemon_client.assert_error(r, "org.varlink.service.InvalidParameter", parameter="packets")
        # and a layer-2 spec on layer 3 names the packet
        r = netns.sr(c, {"interface": NS.veth_a, "layer": "l3", "packets": [echo(1)]})
        daemon_client.assert_error(r, "org.varlink.service.InvalidParameter",
                                   parameter="packets[0]")


# ------------------------------------------------------------------------------------------------

def main():
    def on_start(ns, d):
        global NS, D
        NS, D = ns, d
    netns.main(netns.tests_of(sys.modules[__name__]), cfg(), on_start)


if __name__ == "__main__":
    main()
