# SPDX-License-Identifier: BSD-3-Clause
"""Inject policy against a real peer: roles, [inject] interfaces, the per-uid rate limits and the spoof
check, each checked on the wire too — namespace B's kernel counts the echo requests it received
(/proc/net/snmp Icmp InEchos, read inside B), so "refused" means nothing was sent and "sent N" means
N arrived.

- a capture-only client (uid 64011, group 64001) gets PermissionDenied for Send and SendReceive;
- an inject client (uid 64013, group 64002) with its interface's own addresses can Send and sr;
  with another source IPv4 or MAC it gets PermissionDenied before anything is sent;
- over packetsPerSecond (20) or bytesPerSecond (3000) it gets LimitExceeded naming the limit, the
  packets refused never reach the peer, and the bucket refills after a second;
- an interface outside [inject] interfaces is PermissionDenied.

    python3 tests/integration/test_netns_policy.py build/daemon/pktd     # as root; 77 otherwise
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_client  # noqa: E402
import netns  # noqa: E402
from netns import A_IP4, B_IP4, Skip  # noqa: E402

SEND = "io.pktd.Inject.Send"
SR = "io.pktd.Inject.SendReceive"
DENIED = {"error": "org.varlink.service.PermissionDenied", "parameters": {}}


def in_echos(ns):
    """Echo requests B's kernel has received so far."""
    lines = [l.split() for l in ns.read_b(["cat", "/proc/net/snmp"]).splitlines() if l.startswith("Icmp:")]
    head, vals = lines[0], lines[1]
    return int(vals[head.index("InEchos")])


def echo(ident, seq=0, src=A_IP4, size=0):
    pad = "/raw(hex=%s)" % ("00" * size) if size else ""
    return {"spec": "ip(src=%s,dst=%s)/icmp()/echo(id=%d,seq=%d)%s" % (src, B_IP4, ident, seq, pad)}


def as_role(uid, gid, fn, timeout=60):
    got = daemon_client.as_user(fn, uid, gid, [gid], timeout=timeout)
    if isinstance(got, dict) and "skip" in got:
        raise Skip(got["skip"])
    return got


def call_in_child(sock, method, params):
    with daemon_client.Conn(sock, 20) as c:
        r = c.rpc(method, params, timeout=20)
    if r.get("error") in netns.NOT_IMPLEMENTED:
        return {"skip": "method not implemented yet: %s (%s)" % (method, r["error"])}
    return r


# ------------------------------------------------------------------------------------------------

def test_capture_only_client_cannot_send_or_sr(ns, _):
    with ns.daemon(netns.config()) as d:
        sock = d.socket
        before = in_echos(ns)
        params = {"interface": ns.veth_a, "layer": "l3", "packets": [echo(0x501)]}

        def child():
            return [call_in_child(sock, SEND, params),
                    call_in_child(sock, SR, dict(params, timeoutMs=500))]
        got = as_role(netns.CAPTURE_UID, netns.CAPTURE_GID, child)
        # PermissionDenied comes from the role check, so it is also what an unimplemented method
        # answers; the wire check below is what this test adds.
        assert got == [DENIED, DENIED], got
        time.sleep(0.3)
        assert in_echos(ns) == before, "a refused packet reached the peer"


def test_inject_client_sends_and_srs_with_its_interfaces_own_addresses(ns, _):
    with ns.daemon(netns.config()) as d:
        sock, veth, mac_a, mac_b = d.socket, ns.veth_a, ns.mac_a, ns.mac_b
        before = in_echos(ns)

        def child():
            s = call_in_child(sock, SEND, {"interface": veth, "layer": "l3",
                                           "packets": [echo(0x502, 1), echo(0x502, 2)], "count": 2})
            if "skip" in s:
                return s
            r = call_in_child(sock, SR, {"interface": veth, "layer": "l2", "timeoutMs": 2000,
                                         "output": "layers", "packets": [{
                                             "spec": "ethernet(dst=%s,src=%s)/ip(src=%s,dst=%s)/icmp()/"
                                                     "echo(id=1283,seq=7)" % (mac_b, mac_a, A_IP4, B_IP4)}]})
            return [s, r]
        send, srr = as_role(netns.INJECT_UID, netns.INJECT_GID, child)
        p = daemon_client.assert_ok(send)
        assert p["sent"] == 4 and p["bytes"] == 4 * 28, p
        assert len(p.get("packets", [])) == 2, p   # the distinct packets, as sent
        if srr.get("error") not in netns.NOT_IMPLEMENTED:
            q = daemon_client.assert_ok(srr)
            assert q["unanswered"] == [] and len(q["answered"]) == 1, q
            e = netns.layer(q["answered"][0]["reply"]["layers"], "echo")
            assert e["id"] == 1283 and e["seq"] == 7, e
            time.sleep(0.3)
            assert in_echos(ns) - before == 5, in_echos(ns) - before
        else:
            time.sleep(0.3)
            assert in_echos(ns) - before == 4, in_echos(ns) - before


def test_spoofed_source_is_permission_denied_before_anything_is_sent(ns, _):
    with ns.daemon(netns.config()) as d:
        sock, veth, mac_b = d.socket, ns.veth_a, ns.mac_b
        before = in_echos(ns)

        def child():
            out = []
            # A good packet first and a spoofed one after it: nothing of the call may go out.
            for params in (
                    {"interface": veth, "layer": "l3", "packets": [echo(0x503), echo(0x503, src="192.0.2.99")]},
                    {"interface": veth, "layer": "l2", "packets": [{
                        "spec": "ethernet(dst=%s,src=02:00:00:00:00:99)/ip(src=%s,dst=%s)/icmp()/echo(id=1)"
                                % (mac_b, A_IP4, B_IP4)}]}):
                r = call_in_child(sock, SEND, params)
                if "skip" in r:
                    return r
                out.append(r)
            return out
        got = as_role(netns.INJECT_UID, netns.INJECT_GID, child)
        assert got == [DENIED, DENIED], got
        time.sleep(0.3)
        assert in_echos(ns) == before, "%d packets of a refused call reached the peer" % (in_echos(ns) - before)


def _rate_loop(sock, veth, size, calls, seconds):
    """In the child: Send one packet per call until LimitExceeded (bounded); returns what happened."""
    ok, t0 = 0, time.monotonic()
    with daemon_client.Conn(sock, 20) as c:
        for i in range(calls):
            if time.monotonic() - t0 > seconds:
                break
            r = c.rpc(SEND, {"interface": veth, "layer": "l3", "packets": [echo(0x600, i, size=size)]})
            if r.get("error") in netns.NOT_IMPLEMENTED:
                return {"skip": "method not implemented yet: %s" % SEND}
            if "error" in r:
                took = time.monotonic() - t0
                # The bucket refills: a second later one packet goes again.
                time.sleep(1.1)
                again = c.rpc(SEND, {"interface": veth, "layer": "l3", "packets": [echo(0x601, 0, size=size)]})
                return {"ok": ok, "refusal": r, "took": took, "again": again}
            ok += 1
    return {"ok": ok, "refusal": None, "took": time.monotonic() - t0}


def test_inject_over_packets_per_second_is_limit_exceeded_and_not_sent(ns, _):
    pps = 20
    with ns.daemon(netns.config(inject={"packetsPerSecond": pps, "bytesPerSecond": 10000000})) as d:
        sock, veth = d.socket, ns.veth_a
        before = in_echos(ns)
        got = as_role(netns.INJECT_UID, netns.INJECT_GID, lambda: _rate_loop(sock, veth, 0, 500, 10))
        assert got["refusal"] is not None, "no refusal after %d sends in %.1f s" % (got["ok"], got["took"])
        daemon_client.assert_error(got["refusal"], "io.pktd.Daemon.LimitExceeded", limit="packetsPerSecond")
        # The burst is one second's worth; the loop ran for got["took"] seconds more.
        assert pps <= got["ok"] <= pps + pps * got["took"] + 1, got
        daemon_client.assert_ok(got["again"])
        time.sleep(0.3)
        assert in_echos(ns) - before == got["ok"] + 1, (in_echos(ns) - before, got)

        # One call with more packets than the bucket holds: refused once it is empty; what went out
        # is within the bucket.
        time.sleep(1.1)
        before = in_echos(ns)
        r = as_role(netns.INJECT_UID, netns.INJECT_GID, lambda: call_in_child(
            sock, SEND, {"interface": veth, "layer": "l3", "packets": [echo(0x602)], "count": 100}))
        daemon_client.assert_error(r, "io.pktd.Daemon.LimitExceeded", limit="packetsPerSecond")
        time.sleep(0.3)
        n = in_echos(ns) - before
        assert n <= pps + 2, "%d of 100 went out with a bucket of %d" % (n, pps)


def test_inject_over_bytes_per_second_is_limit_exceeded(ns, _):
    with ns.daemon(netns.config(inject={"packetsPerSecond": 100000, "bytesPerSecond": 3000})) as d:
        sock, veth = d.socket, ns.veth_a
        before = in_echos(ns)
        # 1,000-byte IPv4 packets: three fit a 3,000-byte bucket.
        got = as_role(netns.INJECT_UID, netns.INJECT_GID, lambda: _rate_loop(sock, veth, 972, 100, 10))
        assert got["refusal"] is not None, got
        daemon_client.assert_error(got["refusal"], "io.pktd.Daemon.LimitExceeded", limit="bytesPerSecond")
        assert 3 <= got["ok"] <= 3 + 3 * got["took"] + 1, got
        time.sleep(0.3)
        assert in_echos(ns) - before == got["ok"] + ("error" not in got["again"]), (in_echos(ns) - before, got)


def test_interface_outside_inject_interfaces_is_permission_denied(ns, _):
    with ns.daemon(netns.config(inject={"interfaces": "lo"})) as d:
        sock, veth = d.socket, ns.veth_a
        before = in_echos(ns)
        got = as_role(netns.INJECT_UID, netns.INJECT_GID, lambda: [
            call_in_child(sock, SEND, {"interface": veth, "layer": "l3", "packets": [echo(0x604)]}),
            call_in_child(sock, SR, {"interface": veth, "layer": "l3", "packets": [echo(0x604)],
                                     "timeoutMs": 300})])
        for r in got:
            if "skip" in r:
                raise Skip(r["skip"])
        assert got == [DENIED, DENIED], got
        time.sleep(0.3)
        assert in_echos(ns) == before


if __name__ == "__main__":
    netns.main(netns.tests_of(sys.modules[__name__]), None)
