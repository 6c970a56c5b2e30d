#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Roles come from the peer's real credentials (SO_PEERCRED uid, SO_PEERGROUPS), not from anything it
says: forked clients drop to unused uids/gids and pktd must refuse, restrict or allow them exactly.

Usage: test_daemon_roles.py PKTD_BINARY   (root; exits 77 otherwise)
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_client import (Conn, Daemon, HeldClient, as_user, assert_error, assert_ok, build_params, check_build,  # noqa: E402
                           check_dissect, default_config, dissect_params, frame, is_closed_by_peer,
                           main, parse_reply)

CAPTURE_GID = 64001
INJECT_GID = 64002
# Unused ids: nobody on a test machine has them, so only the config gives them anything.
OUTSIDER = 64010
CAPTURE_UID = 64011
CAPTURE_PRIMARY_UID = 64012
INJECT_UID = 64013

CONFIG = default_config()  # admin = user:0, capture = group:64001, inject = group:64002

PERMISSION_DENIED = {"error": "org.varlink.service.PermissionDenied", "parameters": {}}
# An interface that does not exist: the inject role reaches the handler, which refuses the call before
# any socket is opened, so nothing is ever sent from the host's namespace.
SEND_PARAMS = {"interface": "pktdnoif0", "packets": [{"spec": "ip(dst=192.0.2.2)/icmp(type=8)/echo(id=1)"}]}


def raw_reply(c, method, params):
    """The reply exactly as sent (parsed strictly, compared whole by the caller)."""
    c.send_raw(frame(method, params))
    return parse_reply(c.recv_frame())


def outsider_calls(sock):
    """What a peer without a role sees for a few calls: True when closed with nothing sent."""
    out = {}
    for m, p in (("io.pktd.Daemon.GetStatus", {}), ("io.pktd.Packet.Build", build_params(1)),
                 ("org.varlink.service.GetInfo", None), (None, None)):
        out[m or "<nothing sent>"] = is_closed_by_peer(sock, frame(m, p) if m else None)
    return out


def test_uid_outside_every_role_cannot_connect():
    with Daemon(CONFIG) as d:
        base = d.fds()
        got = as_user(lambda: outsider_calls(d.socket), OUTSIDER, OUTSIDER, [])
        for what, res in got.items():
            assert res is True, "a peer without a role got %r for %s (want the connection closed " \
                                "before any reply)" % (res, what)
        # A group that exists in no role does not help either, nor does a gid equal to a role's uid.
        got = as_user(lambda: outsider_calls(d.socket), OUTSIDER, OUTSIDER, [64003, 64004])
        assert all(v is True for v in got.values()), got
        assert d.wait_fds(base) == base, "fds %d, baseline %d" % (d.fds(), base)
        d.assert_alive()


def capture_client(sock):
    """Everything a capture-role peer should and should not be able to do; returns findings."""
    with Conn(sock) as c:
        data = check_build(c.rpc("io.pktd.Packet.Build", build_params(42, 7)), 42, 7)
        check_dissect(c.rpc("io.pktd.Packet.Dissect", dissect_params(data)), 42, 7)
        st = c.rpc("io.pktd.Daemon.GetStatus", {})
        assert "parameters" in st and st["parameters"]["connections"] >= 1, st
        li = c.rpc("io.pktd.Capture.ListInterfaces", {})
        assert "parameters" in li, li
        names = [i["name"] for i in li["parameters"]["interfaces"]]
        assert "lo" in names, names
        gi = c.rpc("org.varlink.service.GetInfo", {})
        assert "parameters" in gi, gi
        denied = {}
        for m, p in (("io.pktd.Inject.Send", SEND_PARAMS), ("io.pktd.Daemon.Reload", {}),
                     ("io.pktd.Daemon.ListClients", {})):
            denied[m] = raw_reply(c, m, p)
        # Still connected and served after the refusals.
        check_build(c.rpc("io.pktd.Packet.Build", build_params(43)), 43)
        return denied


def check_capture_findings(denied):
    for m, r in denied.items():
        assert r == PERMISSION_DENIED, "%s as capture: %r, want exactly %r" % (m, r, PERMISSION_DENIED)


def test_capture_group_as_supplementary_group_may_dissect_but_not_inject_or_admin():
    with Daemon(CONFIG) as d:
        check_capture_findings(as_user(lambda: capture_client(d.socket), CAPTURE_UID, CAPTURE_UID,
                                       [CAPTURE_GID]))
        d.assert_alive()


def test_capture_group_as_primary_gid_may_dissect_but_not_inject_or_admin():
    with Daemon(CONFIG) as d:
        check_capture_findings(as_user(lambda: capture_client(d.socket), CAPTURE_PRIMARY_UID,
                                       CAPTURE_GID, []))
        d.assert_alive()


def inject_client(sock):
    with Conn(sock) as c:
        send = raw_reply(c, "io.pktd.Inject.Send", SEND_PARAMS)
        sr = raw_reply(c, "io.pktd.Inject.SendReceive", SEND_PARAMS)
        # Build is for anyone connected; ListInterfaces needs capture, which this peer lacks.
        check_build(c.rpc("io.pktd.Packet.Build", build_params(5)), 5)
        li = raw_reply(c, "io.pktd.Capture.ListInterfaces", {})
        return {"send": send, "sr": sr, "li": li}


def test_inject_role_reaches_send_and_sr_but_not_capture():
    with Daemon(CONFIG) as d:
        got = as_user(lambda: inject_client(d.socket), INJECT_UID, INJECT_UID, [INJECT_GID])
        assert_error(got["send"], "org.varlink.service.InvalidParameter", parameter="interface")
        assert_error(got["sr"], "org.varlink.service.InvalidParameter", parameter="interface")
        assert got["li"] == PERMISSION_DENIED, got["li"]


def limits(c):
    r = c.rpc("io.pktd.Daemon.GetStatus", {})
    assert "parameters" in r, r
    return r["parameters"]["limits"]


def test_root_reloads_and_a_broken_config_leaves_the_old_one_in_force():
    with Daemon(CONFIG) as d:
        with d.connect() as root:
            assert_ok(root.rpc("io.pktd.Daemon.Reload", {}), {"parameters": {}})
            clients = root.rpc("io.pktd.Daemon.ListClients", {})
            assert "parameters" in clients, clients
            me = [cl for cl in clients["parameters"]["clients"] if cl["pid"] == os.getpid()]
            assert me and me[0]["uid"] == 0 and "admin" in me[0]["roles"], clients

            # A good new config takes effect: a changed limit shows in GetStatus.
            d.write_config(default_config(limits={"connectionsPerUid": 17}))
            assert_ok(root.rpc("io.pktd.Daemon.Reload", {}), {"parameters": {}})
            assert limits(root)["connectionsPerUid"] == 17, limits(root)

            # A broken one: BadConfig with the line, and the old config stays in force.
            good = default_config(limits={"connectionsPerUid": 17})
            broken = good.replace("connections = 256", "connections = lots")
            line = broken.splitlines().index("connections = lots") + 1
            d.write_config(broken)
            r = root.rpc("io.pktd.Daemon.Reload", {})
            assert_error(r, "io.pktd.Daemon.BadConfig", line=line, message=None)
            assert limits(root)["connectionsPerUid"] == 17, limits(root)
            assert limits(root)["connections"] == 256, limits(root)
            d.write_config("[roles]\ncapture = group:64001\n[nonsense]\n")
            assert_error(root.rpc("io.pktd.Daemon.Reload", {}), "io.pktd.Daemon.BadConfig", line=3)
            os.unlink(d.config)
            assert_error(root.rpc("io.pktd.Daemon.Reload", {}), "io.pktd.Daemon.BadConfig", line=0)

            # The capture role of the old config still works for a new connection.
            check_capture_findings(as_user(lambda: capture_client(d.socket), CAPTURE_UID, CAPTURE_UID,
                                           [CAPTURE_GID]))

            # A reload that takes the capture role away refuses new capture connections.
            d.write_config(default_config(roles={"capture": "group:64005"}))
            assert_ok(root.rpc("io.pktd.Daemon.Reload", {}), {"parameters": {}})
            got = as_user(lambda: outsider_calls(d.socket), CAPTURE_UID, CAPTURE_UID, [CAPTURE_GID])
            assert all(v is True for v in got.values()), got
            # Root itself is still served.
            check_build(root.rpc("io.pktd.Packet.Build", build_params(9)), 9)
        d.assert_alive()


def test_reload_applies_to_connected_clients():
    """Roles are recomputed for open connections on Reload: a client whose last role goes is closed,
    one whose role changes gets the new answers on the same connection."""
    with Daemon(CONFIG) as d, d.connect() as root:
        with HeldClient(d.socket, CAPTURE_UID, CAPTURE_UID, [CAPTURE_GID]) as cap, \
                HeldClient(d.socket, INJECT_UID, INJECT_UID, [INJECT_GID]) as inj:
            assert "parameters" in cap.call("io.pktd.Capture.ListInterfaces", {})
            assert inj.call("io.pktd.Capture.ListInterfaces", {}) == PERMISSION_DENIED
            # capture moves to the inject group: the capture-only client has no role left, the
            # inject client gains capture.
            d.write_config(default_config(roles={"capture": "group:%d" % INJECT_GID}))
            assert_ok(root.rpc("io.pktd.Daemon.Reload", {}), {"parameters": {}})
            assert cap.call("io.pktd.Packet.Build", build_params(1)) == "closed"
            li = inj.call("io.pktd.Capture.ListInterfaces", {})
            assert "parameters" in li, li
            assert_error(inj.call("io.pktd.Inject.Send", SEND_PARAMS), "org.varlink.service.InvalidParameter",
                         parameter="interface")
            # And back: the inject client loses capture again, without reconnecting.
            d.write_config(CONFIG)
            assert_ok(root.rpc("io.pktd.Daemon.Reload", {}), {"parameters": {}})
            assert inj.call("io.pktd.Capture.ListInterfaces", {}) == PERMISSION_DENIED
        d.assert_alive()


def test_reload_by_sighup_keeps_serving():
    with Daemon(CONFIG) as d:
        with d.connect() as c:
            d.write_config("[roles\n")
            d.reload()
            time.sleep(0.5)
            d.assert_alive()
            check_build(c.rpc("io.pktd.Packet.Build", build_params(11)), 11)
        # The broken file did not take the capture role away.
        check_capture_findings(as_user(lambda: capture_client(d.socket), CAPTURE_UID, CAPTURE_UID,
                                       [CAPTURE_GID]))


TESTS = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]

if __name__ == "__main__":
    main(TESTS)
