# SPDX-License-Identifier: BSD-3-Clause
"""io.pktd.Inject.SendReceive against a real kernel: pktd runs in namespace A, the probes cross a veth
pair, and namespace B's own kernel answers (ARP, ICMP/ICMPv6 echo, TCP RST/SYN-ACK, ICMP port
unreachable), or does not (its ICMP echo disabled).

    python3 tests/integration/test_netns_sr.py build/daemon/pktd     # as root; 77 otherwise

Each probe's answer is checked field by field (addresses, MACs, id/seq, flags, the quoted probe), each
rttNs must be positive and below the timeout. Everything runs as root (admin); the policy tests
(test_netns_policy.py) run the non-admin cases.
"""

import base64
import os
import shutil
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netns  # noqa: E402
from netns import A_IP4, B_IP4, A_IP6, B_IP6, Skip  # noqa: E402

NS = None
D = None
TIMEOUT_MS = 2000
SR = "io.pktd.Inject.SendReceive"


def params(probes, layer="l2", **kw):
    p = {"interface": NS.veth_a, "layer": layer, "packets": [{"spec": s} for s in probes],
         "timeoutMs": TIMEOUT_MS, "output": "layers"}
    p.update(kw)
    return p


def run_sr(probes, layer="l2", **kw):
    """One sr: returns (parameters of the final reply, seconds the call took)."""
    with D.connect(timeout=60) as c:
        t0 = time.monotonic()
        r = netns.sr(c, params(probes, layer, **kw))
        took = time.monotonic() - t0
    assert "error" not in r, "SendReceive failed: %r" % r
    assert "continues" not in r, r
    p = r["parameters"]
    for k in ("answered", "unanswered", "sent"):
        assert k in p, "final reply lacks %s: %r" % (k, r)
    assert "answer" not in p, "a final reply carries no single answer: %r" % r
    return p, took


def check_answer(a, probe, timeout_ms=TIMEOUT_MS):
    assert a["probe"] == probe, a
    assert 0 < a["rttNs"] < timeout_ms * 1000000 * 2, "rttNs %r" % a["rttNs"]
    rep = a["reply"]
    assert rep["caplen"] == rep["len"] > 0, rep
    assert abs(rep["tsNs"] / 1e9 - time.time()) < 120, "tsNs %r is not now" % rep["tsNs"]
    assert "layers" in rep and "data" not in rep and "summary" not in rep, rep
    return rep["layers"]


def eth_to_a(layers):
    e = netns.layer(layers, "ethernet")
    assert e is not None, layers
    assert e["src"] == NS.mac_b and e["dst"] == NS.mac_a, e
    return e


def l2(rest):
    return "ethernet(dst=%s,src=%s)/%s" % (NS.mac_b, NS.mac_a, rest)


# ------------------------------------------------------------------------------------------------

def test_arp_who_has_is_answered_by_peer_kernel_with_its_mac(ns, d):
    p, _ = run_sr(["ethernet(dst=ff:ff:ff:ff:ff:ff,src=%s)/arp(op=REQUEST,sha=%s,spa=%s,tpa=%s)"
                   % (NS.mac_a, NS.mac_a, A_IP4, B_IP4)])
    assert p["unanswered"] == [] and len(p["answered"]) == 1 and p["sent"] == 1, p
    layers = check_answer(p["answered"][0], 0)
    eth_to_a(layers)
    arp = netns.layer(layers, "arp")
    # B's MAC as B's own kernel reports it in /sys/class/net (read inside B).
    assert arp == dict(arp, op=2, sha=NS.mac_b, spa=B_IP4, tha=NS.mac_a, tpa=A_IP4), arp


def test_icmp_echo_on_layer3_gets_reply_with_matching_id_and_seq(ns, d):
    probes = ["ip(src=%s,dst=%s)/icmp()/echo(id=0x4242,seq=%d)/raw(\"pktd\")" % (A_IP4, B_IP4, s)
              for s in range(1, 11)]
    p, _ = run_sr(probes, layer="l3")
    assert p["unanswered"] == [] and p["sent"] == 10, p
    assert sorted(a["probe"] for a in p["answered"]) == list(range(10)), p["answered"]
    for a in p["answered"]:
        layers = check_answer(a, a["probe"])
        eth_to_a(layers)
        ip = netns.layer(layers, "ip")
        assert ip["src"] == B_IP4 and ip["dst"] == A_IP4 and ip["p"] == 1, ip
        assert netns.layer(layers, "icmp")["type"] == 0, layers
        e = netns.layer(layers, "echo")
        assert e["id"] == 0x4242 and e["seq"] == a["probe"] + 1, (a["probe"], e)
        raw = netns.layer(layers, "raw")
        assert raw is not None and raw["data"] == b"pktd".hex(), layers


def test_icmpv6_echo_on_layer2_gets_reply_with_matching_id_and_seq(ns, d):
    # B must resolve 2001:db8::1 to answer: its neighbour solicitation is answered by A's kernel.
    p, _ = run_sr([l2("ip6(src=%s,dst=%s)/icmp6()/echo(id=0x77,seq=3)" % (A_IP6, B_IP6))])
    assert p["unanswered"] == [] and len(p["answered"]) == 1, p
    layers = check_answer(p["answered"][0], 0)
    eth_to_a(layers)
    ip6 = netns.layer(layers, "ip6")
    assert ip6["src"] == B_IP6 and ip6["dst"] == A_IP6 and ip6["nxt"] == 58, ip6
    assert netns.layer(layers, "icmp6")["type"] == 129, layers
    e = netns.layer(layers, "echo")
    assert e["id"] == 0x77 and e["seq"] == 3, e


def test_icmpv6_echo_on_layer3_gets_reply(ns, d):
    p, _ = run_sr(["ip6(src=%s,dst=%s)/icmp6()/echo(id=0x78,seq=9)" % (A_IP6, B_IP6)], layer="l3")
    assert p["unanswered"] == [] and len(p["answered"]) == 1, p
    e = netns.layer(check_answer(p["answered"][0], 0), "echo")
    assert e["id"] == 0x78 and e["seq"] == 9, e


def test_tcp_syn_to_closed_port_gets_rst_ack(ns, d):
    p, _ = run_sr([l2("ip(src=%s,dst=%s)/tcp(sport=40001,dport=9,flags=SYN,seq=1000)"
                      % (A_IP4, B_IP4))])
    assert p["unanswered"] == [] and len(p["answered"]) == 1, p
    layers = check_answer(p["answered"][0], 0)
    ip = netns.layer(layers, "ip")
    assert ip["src"] == B_IP4 and ip["dst"] == A_IP4, ip
    tcp = netns.layer(layers, "tcp")
    assert tcp["sport"] == 9 and tcp["dport"] == 40001, tcp
    assert tcp["flags"] & 0x17 == 0x14, "want RST|ACK, got flags %#x" % tcp["flags"]
    assert tcp["ack"] == 1001, tcp


def test_udp_to_closed_port_gets_port_unreachable_quoting_the_probe(ns, d):
    p, _ = run_sr(["ip(src=%s,dst=%s,id=0x5151)/udp(sport=40002,dport=9)/raw(\"probe\")"
                   % (A_IP4, B_IP4)], layer="l3")
    assert p["unanswered"] == [] and len(p["answered"]) == 1, p
    layers = check_answer(p["answered"][0], 0)
    names = netns.layer_names(layers)
    icmp = netns.layer(layers, "icmp")
    assert icmp["type"] == 3 and icmp["code"] == 3, icmp
    outer, quoted = netns.layer(layers, "ip"), netns.layer(layers, "ip", 1)
    assert quoted is not None, "no quoted IP header in %s" % names
    assert outer["src"] == B_IP4 and outer["dst"] == A_IP4, outer
    assert quoted["src"] == A_IP4 and quoted["dst"] == B_IP4 and quoted["id"] == 0x5151, quoted
    udp = netns.layer(layers, "udp")
    assert udp["sport"] == 40002 and udp["dport"] == 9, udp


def test_peer_icmp_disabled_reports_unanswered_after_timeout_and_keeps_other_answers(ns, d):
    NS.sysctl(NS.b, "net.ipv4.icmp_echo_ignore_all", 1)
    try:
        timeout_ms = 1000
        probes = [l2("ip(src=%s,dst=%s)/icmp()/echo(id=0x99,seq=1)" % (A_IP4, B_IP4)),
                  l2("ip(src=%s,dst=%s)/tcp(sport=40005,dport=9,flags=SYN,seq=77)" % (A_IP4, B_IP4))]
        p, took = run_sr(probes, timeoutMs=timeout_ms, retry=1)
        assert p["unanswered"] == [{"probe": 0}], p
        assert len(p["answered"]) == 1, p
        tcp = netns.layer(check_answer(p["answered"][0], 1, timeout_ms), "tcp")
        assert tcp["flags"] & 0x14 == 0x14 and tcp["ack"] == 78, tcp
        # Two probes, then one retry round of the unanswered echo.
        assert p["sent"] == 3, p
        # Two rounds, each waiting the timeout after its last send.
        assert 2 * timeout_ms / 1000 - 0.1 <= took < 2 * timeout_ms / 1000 + 5, "took %.2f s" % took
    finally:
        NS.sysctl(NS.b, "net.ipv4.icmp_echo_ignore_all", 0)


def test_our_own_outgoing_copies_never_answer_a_probe(ns, d):
    # Probe 1 is, byte for byte, the reply probe 0 waits for (B -> A, echo reply, same id/seq),
    # sent by us after probe 0: its outgoing copy on A's veth must not count as probe 0's answer.
    # B ignores echo requests, so nothing else answers either.
    NS.sysctl(NS.b, "net.ipv4.icmp_echo_ignore_all", 1)
    try:
        probes = [l2("ip(src=%s,dst=%s)/icmp()/echo(id=0x7070,seq=1)" % (A_IP4, B_IP4)),
                  l2("ip(src=%s,dst=%s)/icmp(type=0)/echo(id=0x7070,seq=1)" % (B_IP4, A_IP4))]
        p, _ = run_sr(probes, timeoutMs=500)
        assert p["answered"] == [], "answered by our own copy: %r" % p["answered"]
        assert p["unanswered"] == [{"probe": 0}, {"probe": 1}], p
    finally:
        NS.sysctl(NS.b, "net.ipv4.icmp_echo_ignore_all", 0)


def test_deadline_ends_sr_with_partial_results(ns, d):
    NS.sysctl(NS.b, "net.ipv4.icmp_echo_ignore_all", 1)
    try:
        probes = [l2("ip(src=%s,dst=%s)/tcp(sport=40006,dport=9,flags=SYN,seq=5)" % (A_IP4, B_IP4)),
                  l2("ip(src=%s,dst=%s)/icmp()/echo(id=0x9a,seq=1)" % (A_IP4, B_IP4))]
        p, took = run_sr(probes, timeoutMs=10000, deadlineMs=800)
        assert p["unanswered"] == [{"probe": 1}], p
        assert [a["probe"] for a in p["answered"]] == [0], p
        assert 0.7 <= took < 5, "deadline 0.8 s, took %.2f s" % took
    finally:
        NS.sysctl(NS.b, "net.ipv4.icmp_echo_ignore_all", 0)


def out_echo_reps(ns):
    """Echo replies B's kernel has sent so far (/proc/net/snmp inside B)."""
    rows = [l.split() for l in ns.read_b(["cat", "/proc/net/snmp"]).splitlines() if l.startswith("Icmp:")]
    return int(rows[1][rows[0].index("OutEchoReps")])


def test_500_probes_in_one_call_are_all_answered(ns, d):
    # B answers every one (its own counter says so); pktd must see and match every answer: its
    # receive socket must hold a burst of 500 replies (and the outgoing copies of the probes).
    n = 500
    before = out_echo_reps(ns)
    probes = ["ip(src=%s,dst=%s)/icmp()/echo(id=0x4545,seq=%d)" % (A_IP4, B_IP4, s) for s in range(n)]
    p, _ = run_sr(probes, layer="l3", output="summary")
    sent_by_b = out_echo_reps(ns) - before
    assert sent_by_b == n, "B answered %d of %d" % (sent_by_b, n)
    assert p["sent"] == n, p["sent"]
    assert len(p["answered"]) == n and p["unanswered"] == [], \
        "B sent %d replies, pktd matched %d (%d unanswered)" % (sent_by_b, len(p["answered"]),
                                                              len(p["unanswered"]))
    assert sorted(a["probe"] for a in p["answered"]) == list(range(n))


def _listener_in_b(port, seconds):
    """A listening TCP socket on B_IP4:@port for at most @seconds: socat when installed, else Python."""
    if shutil.which("socat"):
        argv = ["timeout", str(seconds), "socat", "TCP-LISTEN:%d,bind=%s,reuseaddr" % (port, B_IP4),
                "OPEN:/dev/null"]
    else:
        argv = ["timeout", str(seconds), sys.executable, "-c",
                "import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,"
                "socket.SO_REUSEADDR,1)\ns.bind(('%s',%d))\ns.listen(8)\ntime.sleep(%d)" % (B_IP4, port, seconds)]
    proc = NS.popen_b(argv)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        out = NS.run_b(["ss", "-Hltn", "sport = :%d" % port], timeout=5, check=False).stdout
        if ":%d" % port in out:
            return proc
        if proc.poll() is not None:
            raise AssertionError("listener in B exited: %r" % (NS.stop(proc),))
        time.sleep(0.05)
    raise AssertionError("no listener on %s:%d in B within 10 s" % (B_IP4, port))


def test_tcp_syn_to_listening_socket_gets_syn_ack(ns, d):
    netns.need_tools("ss", "timeout")
    proc = _listener_in_b(8080, 30)
    try:
        p, _ = run_sr([l2("ip(src=%s,dst=%s)/tcp(sport=40003,dport=8080,flags=SYN,seq=5000,win=1024)"
                          % (A_IP4, B_IP4))])
        assert p["unanswered"] == [] and len(p["answered"]) == 1, p
        layers = check_answer(p["answered"][0], 0)
        tcp = netns.layer(layers, "tcp")
        assert tcp["sport"] == 8080 and tcp["dport"] == 40003, tcp
        assert tcp["flags"] & 0x17 == 0x12, "want SYN|ACK, got flags %#x" % tcp["flags"]
        assert tcp["ack"] == 5001, tcp
    finally:
        netns.kill(proc)
        NS.stop(proc)


def test_streamed_answers_arrive_before_the_final_reply_and_agree_with_it(ns, d):
    probes = ["ip(src=%s,dst=%s)/icmp()/echo(id=0x4343,seq=%d)" % (A_IP4, B_IP4, s) for s in (1, 2, 3)]
    with D.connect(timeout=60) as c:
        streamed, final = netns.sr_stream(c, params(probes, layer="l3"))
    assert "error" not in final, final
    p = final["parameters"]
    assert p["unanswered"] == [] and p["sent"] == 3, p
    assert len(streamed) == 3, streamed
    assert sorted(a["probe"] for a in streamed) == [0, 1, 2], streamed
    assert sorted(streamed, key=lambda a: a["probe"]) == sorted(p["answered"], key=lambda a: a["probe"])


def test_output_forms_raw_and_summary(ns, d):
    probe = l2("ip(src=%s,dst=%s)/icmp()/echo(id=0x4444,seq=1)" % (A_IP4, B_IP4))
    p, _ = run_sr([probe], output="raw")
    rep = p["answered"][0]["reply"]
    assert "data" in rep and "layers" not in rep and "summary" not in rep, rep
    data = base64.b64decode(rep["data"], validate=True)
    assert len(data) == rep["caplen"], rep
    assert data[0:6] == bytes.fromhex(NS.mac_a.replace(":", "")), data[:14].hex()
    assert data[6:12] == bytes.fromhex(NS.mac_b.replace(":", "")), data[:14].hex()
    assert data[26:30] == socket.inet_aton(B_IP4) and data[34] == 0, data.hex()
    p, _ = run_sr([probe], output="summary")
    rep = p["answered"][0]["reply"]
    assert isinstance(rep.get("summary"), str) and rep["summary"], rep
    assert "layers" not in rep and "data" not in rep, rep


def test_unknown_interface_is_refused_before_sending(ns, d):
    with D.connect() as c:
        r = netns.sr(c, dict(params(["ip(dst=%s)/icmp()/echo()" % B_IP4], layer="l3"),
                             interface="nosuchif0"))
    if r.get("error") == "org.varlink.service.InvalidParameter":
        assert r["parameters"].get("parameter") == "interface", r
    else:
        assert r.get("error") == "org.varlink.service.PermissionDenied", r


def _bind(ns, d):
    global NS, D
    NS, D = ns, d


if __name__ == "__main__":
    netns.main(netns.tests_of(sys.modules[__name__]), netns.config(), _bind)
