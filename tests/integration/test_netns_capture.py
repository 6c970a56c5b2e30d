# SPDX-License-Identifier: BSD-3-Clause
"""io.pktd.Capture.Subscribe on a veth whose peer namespace's kernel makes the traffic: 10,000 pings
from B, captured in A with the filter `icmp`, must arrive exactly (20,000 packets: each echo request B
sends comes in, and A's kernel sends one echo reply for each out; the capture sees both directions by
default), in order, with the right fields; a bad filter gets BadFilter; an interface the caller's
policy does not allow gets PermissionDenied.

    python3 tests/integration/test_netns_capture.py build/daemon/pktd     # as root; 77 otherwise
"""

import base64
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_client  # noqa: E402
import netns  # noqa: E402
from netns import A_IP4, B_IP4, Skip  # noqa: E402

NS = None
D = None
SUB = "io.pktd.Capture.Subscribe"
PINGS = 10000


def subscribe(conn, **kw):
    p = {"interface": NS.veth_a}
    p.update(kw)
    st = netns.Stream(conn, p)
    ack = st.start()
    if ack is None:
        raise AssertionError("Subscribe %r failed: %r" % (p, st.first))
    return st, ack


def ping_stats(out):
    m = re.search(r"(\d+) packets transmitted, (\d+) received", out)
    assert m, "no statistics in ping's output: %r" % out[-500:]
    return int(m.group(1)), int(m.group(2))


def check_echo(pkt, kind, ident=None):
    """Checks one captured ICMP echo (kind 8 request B->A, 0 reply A->B); returns (id, seq)."""
    layers = pkt["layers"]
    assert netns.layer_names(layers)[:4] == ["ethernet", "ip", "icmp", "echo"], layers
    eth, ip, icmp, echo = layers[:4]
    src, dst = (NS.mac_b, NS.mac_a) if kind == 8 else (NS.mac_a, NS.mac_b)
    assert eth["src"] == src and eth["dst"] == dst, eth
    src, dst = (B_IP4, A_IP4) if kind == 8 else (A_IP4, B_IP4)
    assert ip["src"] == src and ip["dst"] == dst and ip["p"] == 1, ip
    assert icmp["type"] == kind and icmp["code"] == 0, icmp
    assert pkt["caplen"] == pkt["len"] == 14 + ip["len"], pkt
    if ident is not None:
        assert echo["id"] == ident, echo
    return echo["id"], echo["seq"]


# ------------------------------------------------------------------------------------------------

def test_icmp_filter_sees_exactly_requests_and_replies_of_10000_pings_in_order(ns, d):
    # Warm ARP both ways first, so that the count below is only the pings' (ARP is not icmp anyway).
    ns.run_b(["ping", "-c", "1", "-W", "2", A_IP4], timeout=10)
    with d.connect(timeout=60) as c:
        # PINGS requests in + PINGS replies out, then one sentinel ping of another size (2 more):
        # with count = 2 * PINGS + 2 the stream ends right after the sentinel's reply, so a packet
        # too many anywhere shows up as a wrong sentinel.
        want = 2 * PINGS + 2
        st, ack = subscribe(c, filter="icmp", output="layers", count=want, durationMs=300000)
        assert ack["filter"] == "icmp" and ack["linkType"] == "EN10MB" and ack["linkTypeNumber"] == 1, ack
        assert ack["snaplen"] > 0 and NS.veth_a in ack["source"], ack
        col = netns.Collector(st, timeout=240)
        # 1,000 pings a second (root may go below ping's 2 ms user minimum; iputils counts the
        # interval in whole milliseconds, so 0.001 is the least above flooding), 10 s; bounded by
        # -w too.
        r = ns.run_b(["ping", "-q", "-n", "-i", "0.001", "-c", str(PINGS), "-w", "120", A_IP4],
                     timeout=150, check=False)
        sent, received = ping_stats(r.stdout)
        assert sent == received == PINGS, "ping: %d sent, %d received (veth should lose none)" % (
            sent, received)
        ns.run_b(["ping", "-q", "-n", "-c", "1", "-s", "100", "-W", "5", A_IP4], timeout=15)
        assert col.join(60), "the stream did not end within 60 s of the last ping (%d frames)" % len(col.frames)
    assert col.error is None, col.error
    replies = col.parsed()
    kinds = [k for k, _ in replies]
    assert kinds[-1] == "totals", kinds[-3:]
    totals = replies[-1][1]
    assert "drops" not in kinds, "drop reports while 2,000 packets/s were captured: %r" % [
        v for k, v in replies if k == "drops"]
    pkts = [v for k, v in replies if k == "packet"]
    print("   %d packets, totals %r" % (len(pkts), totals))
    assert totals["packets"] == len(pkts) == want, (totals, len(pkts))
    assert totals["kernelDrops"] == 0 and totals["daemonDrops"] == 0, totals
    assert totals["reason"] == "count", totals
    assert totals["bytes"] == sum(p["len"] for p in pkts), totals

    flood, sentinel = pkts[:-2], pkts[-2:]
    ident = flood[0]["layers"][3]["id"]
    last = {8: None, 0: None}
    seen = {8: [], 0: []}
    ts = 0
    for i, p in enumerate(flood):
        kind = p["layers"][2]["type"]
        assert kind in (8, 0), (i, p)
        _, seq = check_echo(p, kind, ident)
        if last[kind] is not None:
            assert seq == (last[kind] + 1) & 0xffff, "packet %d: %s seq %d after %d" % (
                i, "request" if kind == 8 else "reply", seq, last[kind])
        last[kind] = seq
        seen[kind].append(seq)
        if kind == 0:
            assert seq in set(seen[8][-64:]), "reply seq %d before its request" % seq
        assert p["tsNs"] >= ts, "packet %d: time went back (%d < %d)" % (i, p["tsNs"], ts)
        ts = p["tsNs"]
    assert len(seen[8]) == len(seen[0]) == PINGS, (len(seen[8]), len(seen[0]))
    assert seen[8] == seen[0], "replies answer the requests one for one"
    # The sentinel: another ping process (another id), 100 bytes of data.
    check_echo(sentinel[0], 8)
    check_echo(sentinel[1], 0)
    assert sentinel[0]["len"] == sentinel[1]["len"] == 14 + 20 + 8 + 100, sentinel


def test_direction_in_and_out_select_requests_or_replies(ns, d):
    for direction, kind in (("in", 8), ("out", 0)):
        with d.connect(timeout=30) as c:
            st, _ = subscribe(c, filter="icmp", output="layers", direction=direction, count=5,
                              durationMs=20000)
            col = netns.Collector(st, timeout=25)
            ns.run_b(["ping", "-q", "-n", "-i", "0.01", "-c", "5", A_IP4], timeout=15)
            assert col.join(25) and col.error is None, (col.error, len(col.frames))
            got = col.parsed()
            pkts = [v for k, v in got if k == "packet"]
            assert got[-1][0] == "totals" and got[-1][1]["reason"] == "count", got[-1]
            assert len(pkts) == 5, got
            seqs = [check_echo(p, kind)[1] for p in pkts]
            assert seqs == list(range(seqs[0], seqs[0] + 5)), (direction, seqs)


def test_output_forms_summary_and_raw_and_snaplen(ns, d):
    with d.connect(timeout=30) as c:
        st, ack = subscribe(c, filter="icmp and icmp[icmptype] == 8", output="raw", snaplen=64,
                            count=3, durationMs=20000)
        assert ack["snaplen"] == 64, ack
        col = netns.Collector(st, timeout=25)
        ns.run_b(["ping", "-q", "-n", "-i", "0.01", "-c", "3", "-s", "200", A_IP4], timeout=15)
        assert col.join(25) and col.error is None, col.error
    pkts = [v for k, v in col.parsed() if k == "packet"]
    assert len(pkts) == 3, pkts
    for p in pkts:
        assert "layers" not in p and "summary" not in p, p
        data = base64.b64decode(p["data"], validate=True)
        assert p["caplen"] == len(data) == 64 and p["len"] == 14 + 20 + 8 + 200, p
        assert data[6:12] == bytes.fromhex(NS.mac_b.replace(":", "")) and data[34] == 8, data.hex()
    with d.connect(timeout=30) as c:
        st, _ = subscribe(c, filter="icmp", output="summary", count=2, durationMs=20000)
        col = netns.Collector(st, timeout=25)
        ns.run_b(["ping", "-q", "-n", "-c", "1", A_IP4], timeout=15)
        assert col.join(25) and col.error is None, col.error
    pkts = [v for k, v in col.parsed() if k == "packet"]
    assert len(pkts) == 2, pkts
    for p in pkts:
        assert isinstance(p.get("summary"), str) and p["summary"], p
        assert "layers" not in p and "data" not in p, p
        # tcpdump-like: both addresses appear in the line.
        assert B_IP4 in p["summary"] and A_IP4 in p["summary"], p["summary"]


def test_bad_filter_gets_bad_filter_with_libpcap_message(ns, d):
    with d.connect(timeout=20) as c:
        for bad in ("icmp and and", "ip[", "port 99999", "nosuchproto"):
            st = netns.Stream(c, {"interface": ns.veth_a, "filter": bad})
            assert st.start() is None, "filter %r accepted" % bad
            r = st.first
            daemon_client.assert_error(r, "io.pktd.Capture.BadFilter", message=None)
            msg = r["parameters"]["message"]
            assert isinstance(msg, str) and 0 < len(msg) < 1024, r
            assert "continues" not in r, r
        # The connection goes on.
        daemon_client.assert_ok(c.rpc("io.pktd.Daemon.GetStatus", {}))


def test_subscribe_without_more_is_expected_more(ns, d):
    with d.connect(timeout=20) as c:
        r = c.rpc(SUB, {"interface": ns.veth_a})
        netns.check_implemented(r, SUB)
        daemon_client.assert_error(r, "org.varlink.service.ExpectedMore")


def test_interface_outside_callers_policy_is_permission_denied(ns, d):
    cfg = netns.config(capture={"interfaces": "lo"})
    with ns.daemon(cfg) as d2:
        sock, veth = d2.socket, ns.veth_a

        def as_capture_user():
            out = {}
            for name, iface in (("veth", veth), ("lo", "lo"), ("none", "nosuch0")):
                with daemon_client.Conn(sock, 20) as c:
                    st = netns.Stream(c, {"interface": iface, "count": 1, "durationMs": 200})
                    try:
                        ack = st.start()
                    except Skip as e:
                        return {"skip": str(e)}
                    out[name] = st.first if ack is None else {"ack": ack}
            return out

        got = daemon_client.as_user(as_capture_user, netns.CAPTURE_UID, netns.CAPTURE_GID,
                                    [netns.CAPTURE_GID])
        if "skip" in got:
            raise Skip(got["skip"])
        assert got["veth"] == {"error": "org.varlink.service.PermissionDenied", "parameters": {}}, got
        assert "ack" in got["lo"], got
        err = got["none"].get("error")
        assert err == "org.varlink.service.PermissionDenied" or (
            err == "org.varlink.service.InvalidParameter"
            and got["none"]["parameters"].get("parameter") == "interface"), got
        # Admins may capture anywhere, whatever [capture] interfaces says.
        with d2.connect(timeout=20) as c:
            st = netns.Stream(c, {"interface": veth, "count": 1, "durationMs": 200})
            assert st.start() is not None, st.first


def _bind(ns, d):
    global NS, D
    NS, D = ns, d


if __name__ == "__main__":
    netns.main(netns.tests_of(sys.modules[__name__]), netns.config(), _bind)
