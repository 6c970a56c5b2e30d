#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
The tshark oracles on traffic real programs and the Linux stack make, not captures someone chose:
two network namespaces joined by a veth pair (tests/integration/netns.py: documentation addresses
only, nothing leaves them), one scenario per capture file, each captured by tcpdump in namespace A:

  arp-icmp   ARP, ICMP and ICMPv6 echo (neighbour discovery first), pings of 3,000 bytes in IPv4
             fragments and IPv6 fragment headers, record-route and timestamp IPv4 options
  errors     what B's stack answers: port unreachable (UDP to a closed port, both families), TCP
             reset, time exceeded and no route (B forwards for 198.51.100.0/24 and 2001:db8:1::/64)
  http       curl against python3's http.server, over IPv4 and IPv6
  tls        openssl s_client against s_server, TLS 1.3 and 1.2
  dns        dig against dnsmasq: A, AAAA, MX, TXT, SRV, CNAME, PTR, NXDOMAIN, over UDP (EDNS0 with
             a cookie) and TCP, IPv4 and IPv6
  dhcp       dhclient against dnsmasq: discover, offer, request, ack, release
  vlan       ping through an 802.1Q interface and through 802.1ad + 802.1Q (QinQ)
  multicast  IGMPv3 and MLDv2 reports (hop-by-hop router alert) from joining documentation groups
  sll, sll2  a ping captured on "any" as Linux cooked capture v1 and v2
  routing    bird between the two: BGP over IPv4 and over IPv6 (OPEN with capabilities, UPDATEs of
             documentation prefixes, KEEPALIVEs), OSPFv2 and OSPFv3 adjacencies, RIPv2 updates
  vrrp       keepalived as master: VRRPv2 (IPv4) and VRRPv3 (IPv6) advertisements
  stp        a Linux bridge with STP on in B: configuration BPDUs over 802.3 and LLC

The files are indexed as the corpus is and compared as generated_compare.py compares its own:
tshark_compare.py (every mapped field) and stack_compare.py (every frame's layer stack, and pktctl
stats) over all of them. Fails when either does, or when a scenario makes no packets. Exits 77 (skipped) when not root,
without network namespaces, or without tshark and tcpdump; a scenario whose program is missing is
reported and left out (.ci/run installs them all).

usage: live_traffic.py --pktctl PATH [--keep DIR] [--only NAME,...]
"""
import argparse
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import generated_compare  # noqa: E402
import netns  # noqa: E402

A4, B4, A6, B6 = netns.A_IP4, netns.B_IP4, netns.A_IP6, netns.B_IP6
ROUTED4, ROUTED6 = "198.51.100.7", "2001:db8:1::7"  # B forwards towards these, and has no route on
GROUP4, GROUP6 = "233.252.0.1", "ff15::db8:0:1"     # MCAST-TEST-NET (RFC 5771), RFC 6676


class Capture:
    """tcpdump in namespace A writing @path, from start until stop (bounded by timeout(1))."""

    def __init__(self, ns, path, iface, dlt=None):
        argv = ["timeout", "60", "tcpdump", "-i", iface, "-U", "-s", "0", "-w", path, "-Z", "root",
                "--immediate-mode"]
        if dlt:
            argv += ["-y", dlt]
        self.ns, self.path = ns, path
        self.p = ns.popen_a(argv)
        # tcpdump says "listening on ..." once its socket is bound: nothing sent after it is missed.
        deadline = time.monotonic() + 10
        err = b""
        while b"listening on" not in err and time.monotonic() < deadline:
            r, _, _ = select.select([self.p.stderr], [], [], 0.2)
            if r:
                chunk = os.read(self.p.stderr.fileno(), 4096)
                if not chunk:
                    break
                err += chunk
        assert b"listening on" in err, "tcpdump did not start: %s" % err.decode(errors="replace")

    def stop(self):
        time.sleep(0.3)  # the last replies
        os.killpg(self.p.pid, signal.SIGINT)
        rc, _, err = self.ns.stop(self.p, timeout=10)
        assert rc == 0, "tcpdump exited %s: %s" % (rc, err.decode(errors="replace"))


def flush_neighbours(ns):
    for side in (ns.a, ns.b):
        ns.run(side, ["ip", "neigh", "flush", "all"], check=False)


def arp_icmp(ns, tmp):
    flush_neighbours(ns)
    ns.run_a(["ping", "-c", "2", "-i", "0.2", "-W", "2", B4])
    ns.run_a(["ping", "-c", "1", "-W", "2", "-s", "3000", "-M", "dont", B4])
    ns.run_a(["ping", "-c", "1", "-W", "2", "-R", B4])
    ns.run_a(["ping", "-c", "1", "-W", "2", "-T", "tsandaddr", B4], check=False)
    ns.run_a(["ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", B6])
    ns.run_a(["ping", "-6", "-c", "1", "-W", "2", "-s", "3000", B6])


def errors(ns, tmp):
    ns.sysctl(ns.b, "net.ipv4.ip_forward", 1)
    ns.sysctl(ns.b, "net.ipv6.conf.all.forwarding", 1)
    ns.run_a(["ip", "route", "add", "198.51.100.0/24", "via", B4])
    ns.run_a(["ip", "-6", "route", "add", "2001:db8:1::/64", "via", B6])
    # B's default of one ICMP error per second per destination would drop all but the first.
    ns.sysctl(ns.b, "net.ipv4.icmp_ratelimit", 0)
    ns.sysctl(ns.b, "net.ipv6.icmp.ratelimit", 0)
    for dst in (B4, B6):
        ns.run_a(["python3", "-c", "import socket,sys; a=sys.argv[1]; "
                  "s=socket.socket(socket.AF_INET6 if ':' in a else socket.AF_INET, socket.SOCK_DGRAM); "
                  "s.sendto(b'port 9 is closed', (a, 9))", dst])
        ns.run_a(["curl", "-s", "--max-time", "3", "http://%s:9/" % (dst if ":" not in dst else "[%s]" % dst)],
                 check=False)
    ns.run_a(["ping", "-c", "1", "-W", "2", "-t", "1", ROUTED4], check=False)   # time exceeded
    ns.run_a(["ping", "-c", "1", "-W", "2", ROUTED4], check=False)              # no route at B
    ns.run_a(["ping", "-6", "-c", "1", "-W", "2", "-t", "1", ROUTED6], check=False)
    ns.run_a(["ping", "-6", "-c", "1", "-W", "2", ROUTED6], check=False)
    time.sleep(0.2)


def http(ns, tmp):
    www = os.path.join(tmp, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("<html><body>pktd live traffic</body></html>\n")
    srv = ns.popen_b(["timeout", "30", "python3", "-m", "http.server", "--bind", "::", "-d", www, "80"])
    try:
        wait_port(ns, ns.b, 80)
        for url in ("http://%s/" % B4, "http://[%s]/" % B6, "http://%s/missing" % B4):
            ns.run_a(["curl", "-s", "-o", "/dev/null", "--max-time", "5", "-H", "User-Agent: pktd-live", url])
    finally:
        os.killpg(srv.pid, signal.SIGTERM)
        ns.stop(srv)


def tls(ns, tmp):
    key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=server.example.test"],
                   check=True, capture_output=True, timeout=30)
    srv = ns.popen_b(["timeout", "30", "openssl", "s_server", "-accept", "443", "-cert", cert, "-key", key,
                      "-www", "-quiet"])
    try:
        wait_port(ns, ns.b, 443)
        for version in ("-tls1_3", "-tls1_2"):
            ns.run_a(["sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 10 openssl s_client -connect "
                      "%s:443 -servername server.example.test %s -ign_eof -quiet" % (B4, version)],
                     timeout=15, check=False)
    finally:
        os.killpg(srv.pid, signal.SIGTERM)
        ns.stop(srv)


def dnsmasq(ns, tmp, *args):
    return ns.popen_b(["timeout", "40", "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv",
                       "--no-hosts", "--user=root", "--group=root", "--bind-interfaces",
                       "--interface=" + ns.veth_b, "--except-interface=lo",
                       "--pid-file=" + os.path.join(tmp, "dnsmasq.pid"),
                       "--leasefile-ro", "--log-facility=-"] + list(args))


def dns(ns, tmp):
    srv = dnsmasq(ns, tmp, "--local=/example.test/",
                  "--host-record=www.example.test,192.0.2.80,2001:db8::80",
                  "--mx-host=example.test,mail.example.test,10",
                  "--txt-record=example.test,v=spf1 -all,second string",
                  "--srv-host=_sip._udp.example.test,sip.example.test,5060,0,5",
                  "--cname=alias.example.test,www.example.test",
                  "--ptr-record=80.2.0.192.in-addr.arpa,www.example.test")
    try:
        wait_port(ns, ns.b, 53, udp=True)
        queries = [["www.example.test", "A"], ["www.example.test", "AAAA"], ["example.test", "MX"],
                   ["example.test", "TXT"], ["_sip._udp.example.test", "SRV"], ["alias.example.test", "A"],
                   ["-x", "192.0.2.80"], ["nothing.example.test", "A"], ["+tcp", "www.example.test", "A"],
                   ["+noedns", "example.test", "MX"]]
        for server in (B4, B6):
            for q in queries:
                ns.run_a(["dig", "+time=2", "+tries=1", "@" + server] + q, check=False)
    finally:
        os.killpg(srv.pid, signal.SIGTERM)
        ns.stop(srv)


def dhcp(ns, tmp):
    srv = dnsmasq(ns, tmp, "--port=0", "--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h",
                  "--dhcp-option=option:router," + B4, "--dhcp-option=option:dns-server," + B4,
                  "--dhcp-option=option:domain-name,example.test",
                  "--dhcp-leasefile=" + os.path.join(tmp, "leases"))
    conf = os.path.join(tmp, "dhclient.conf")
    with open(conf, "w") as f:
        f.write("timeout 10;\nretry 1;\nsend host-name \"client\";\n"
                "request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers;\n")
    lease, pid = os.path.join(tmp, "dhclient.leases"), os.path.join(tmp, "dhclient.pid")
    try:
        time.sleep(0.5)
        # -sf /bin/true: the lease is not applied, so A's addresses and routes stay as they are.
        base = ["dhclient", "-4", "-cf", conf, "-lf", lease, "-pf", pid, "-sf", "/bin/true"]
        ns.run_a(base + ["-1", ns.veth_a], timeout=20)
        ns.run_a(base + ["-r", ns.veth_a], timeout=20, check=False)
    finally:
        os.killpg(srv.pid, signal.SIGTERM)
        ns.stop(srv)


def vlan(ns, tmp):
    for side, veth, n in ((ns.a, ns.veth_a, 1), (ns.b, ns.veth_b, 2)):
        r = ns.run(side, ["ip", "link", "add", "link", veth, "name", "v100", "type", "vlan", "id", "100"],
                   check=False)
        if r.returncode != 0:
            raise netns.Skip("no 802.1Q interfaces in this kernel: %s" % r.stderr.strip())
        ns.run(side, ["ip", "addr", "add", "198.51.100.%d/24" % n, "dev", "v100"])
        ns.run(side, ["ip", "link", "add", "link", veth, "name", "s200", "type", "vlan", "proto", "802.1ad",
                      "id", "200"])
        ns.run(side, ["ip", "link", "add", "link", "s200", "name", "c300", "type", "vlan", "id", "300"])
        ns.run(side, ["ip", "addr", "add", "2001:db8:300::%d/64" % n, "dev", "c300", "nodad"])
        for dev in ("v100", "s200", "c300"):
            ns.run(side, ["ip", "link", "set", dev, "up"])
    ns.run_a(["ping", "-c", "2", "-i", "0.2", "-W", "2", "198.51.100.2"])
    ns.run_a(["ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", "2001:db8:300::2"])


def multicast(ns, tmp):
    ns.run_a(["python3", "-c", """
import socket, struct, time
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton('%s') + socket.inet_aton('%s'))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
idx = socket.if_nametoindex('%s')
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, '%s') +
              struct.pack('@I', idx))
time.sleep(0.5)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, socket.inet_aton('%s') + socket.inet_aton('%s'))
time.sleep(0.3)
""" % (GROUP4, A4, ns.veth_a, GROUP6, GROUP4, A4)], timeout=10)


BIRD_CONF = """
router id %(id)s;
protocol device { scan time 1; }
protocol static st4 { ipv4; route %(net4)s blackhole; }
protocol static st6 { ipv6; route %(net6)s blackhole; }
protocol bgp bgp4 {
        local %(me4)s as %(as_me)d; neighbor %(peer4)s as %(as_peer)d;
        hold time 9; keepalive time 3; connect retry time 1;
        ipv4 { import all; export all; };
}
protocol bgp bgp6 {
        local %(me6)s as %(as_me)d; neighbor %(peer6)s as %(as_peer)d;
        hold time 9; keepalive time 3; connect retry time 1;
        ipv6 { import all; export all; };
}
protocol ospf v2 ospf4 { ipv4 { import all; export all; }; area 0 { interface "%(veth)s" { hello 1; dead 4; }; }; }
protocol ospf v3 ospf6 { ipv6 { import all; export all; }; area 0 { interface "%(veth)s" { hello 1; dead 4; }; }; }
protocol rip rip4 { ipv4 { import all; export all; }; interface "%(veth)s" { update time 2; }; }
"""


def routing(ns, tmp):
    """bird in both namespaces, no kernel protocol: nothing it learns touches their routing tables."""
    procs = []
    sides = ((ns.a, ns.veth_a, A4, B4, A6, B6, 64496, 64497, "203.0.113.0/25", "2001:db8:a::/48"),
             (ns.b, ns.veth_b, B4, A4, B6, A6, 64497, 64496, "203.0.113.128/25", "2001:db8:b::/48"))
    try:
        for side, veth, me4, peer4, me6, peer6, as_me, as_peer, net4, net6 in sides:
            conf = os.path.join(tmp, "bird-%s.conf" % side)
            with open(conf, "w") as f:
                f.write(BIRD_CONF % dict(id=me4, me4=me4, peer4=peer4, me6=me6, peer6=peer6, as_me=as_me,
                                         as_peer=as_peer, net4=net4, net6=net6, veth=veth))
            procs.append(ns.popen(side, ["timeout", "30", "bird", "-f", "-c", conf,
                                         "-s", os.path.join(tmp, "bird-%s.ctl" % side),
                                         "-P", os.path.join(tmp, "bird-%s.pid" % side)]))
        # OSPF needs its wait interval (4 s) and an exchange; BGP keepalives every 3 s; RIP every 2 s.
        time.sleep(9)
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
            ns.stop(p)


KEEPALIVED_CONF = """
global_defs {
        router_id pktd-live
}
vrrp_instance v4 {
        state MASTER
        interface %(veth)s
        virtual_router_id 51
        priority 200
        advert_int 1
        virtual_ipaddress {
                192.0.2.254/24
        }
}
vrrp_instance v6 {
        state MASTER
        interface %(veth)s
        virtual_router_id 52
        priority 200
        advert_int 1
        version 3
        native_ipv6
        virtual_ipaddress {
                2001:db8::254/64
        }
}
"""


def vrrp(ns, tmp):
    conf = os.path.join(tmp, "keepalived.conf")
    with open(conf, "w") as f:
        f.write(KEEPALIVED_CONF % dict(veth=ns.veth_b))
    p = ns.popen_b(["timeout", "30", "keepalived", "--dont-fork", "--log-console", "--vrrp", "-f", conf,
                    "-p", os.path.join(tmp, "keepalived.pid"), "-r", os.path.join(tmp, "vrrp.pid")])
    try:
        time.sleep(7)  # a master first listens for 3 advertisement intervals (RFC 5798 6.4.1)
    finally:
        os.killpg(p.pid, signal.SIGTERM)
        ns.stop(p)


def stp(ns, tmp):
    # hello_time in hundredths of a second: a BPDU a second out of every port.
    ns.run_b(["ip", "link", "add", "br0", "type", "bridge", "stp_state", "1", "hello_time", "100"])
    ns.run_b(["ip", "link", "set", ns.veth_b, "master", "br0"])
    ns.run_b(["ip", "link", "set", "br0", "up"])
    time.sleep(3.5)


def cooked_ping(ns, tmp):
    ns.run_a(["ping", "-c", "1", "-W", "2", B4])
    ns.run_a(["ping", "-6", "-c", "1", "-W", "2", B6])


# name, what it runs, the programs it needs, the interface tcpdump listens on, its link type
SCENARIOS = [
    ("arp-icmp", arp_icmp, ["ping"], None, None),
    ("errors", errors, ["ping", "curl"], None, None),
    ("http", http, ["curl"], None, None),
    ("tls", tls, ["openssl"], None, None),
    ("dns", dns, ["dig", "dnsmasq"], None, None),
    ("dhcp", dhcp, ["dhclient", "dnsmasq"], None, None),
    ("vlan", vlan, ["ping"], None, None),
    ("multicast", multicast, [], None, None),
    ("sll", cooked_ping, ["ping"], "any", "LINUX_SLL"),
    ("sll2", cooked_ping, ["ping"], "any", "LINUX_SLL2"),
    ("routing", routing, ["bird"], None, None),
    ("vrrp", vrrp, ["keepalived"], None, None),
    ("stp", stp, [], None, None),
]


def wait_port(ns, side, port, udp=False, timeout=10.0):
    """Waits until something in @side listens on @port (ss), bounded by @timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = ns.run(side, ["ss", "-Hln" + ("u" if udp else "t"), "sport = :%d" % port], check=False).stdout
        if out.strip():
            return
        time.sleep(0.1)
    raise AssertionError("nothing listens on port %d in %s" % (port, side))


def packets_in(path):
    out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.number"],
                         capture_output=True, text=True, timeout=60).stdout
    return len(out.split())


def capture_all(corpus, only):
    gen = os.path.join(corpus, "gen")
    os.makedirs(gen, exist_ok=True)
    made, missing = [], []
    for name, run, tools, iface, dlt in SCENARIOS:
        if only and name not in only:
            continue
        absent = [t for t in tools if shutil.which(t) is None]
        if absent:
            missing.append("%s (needs %s)" % (name, ", ".join(absent)))
            continue
        # A pair of namespaces per scenario: no state (routes, neighbours, VLANs) leaks between them.
        with netns.Netns() as ns:
            path = os.path.join(gen, name + ".pcap")
            cap = Capture(ns, path, iface or ns.veth_a, dlt)
            try:
                run(ns, ns.tmp)
            except netns.Skip as e:
                missing.append("%s (%s)" % (name, e))
                cap.stop()
                os.unlink(path)  # whatever it caught before the scenario gave up is not compared
                continue
            cap.stop()
            n = packets_in(path)
            print("live_traffic: %-10s %4d packets" % (name, n), flush=True)
            assert n > 0, "%s: no packets captured" % name
            made.append(name)
    for m in missing:
        print("live_traffic: left out %s" % m, flush=True)
    return made


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pktctl", required=True)
    ap.add_argument("--keep", help="write the captures here and keep them")
    ap.add_argument("--only", help="comma-separated scenario names")
    args = ap.parse_args()
    if os.geteuid() != 0 or not shutil.which("tshark") or not shutil.which("tcpdump") or not shutil.which("ip"):
        print("live_traffic: needs root, ip, tcpdump and tshark", file=sys.stderr)
        return 77
    corpus = args.keep or tempfile.mkdtemp(prefix="pktd-live-")
    try:
        try:
            made = capture_all(corpus, set(args.only.split(",")) if args.only else None)
        except netns.Skip as e:
            print("live_traffic: %s" % e, file=sys.stderr)
            return 77
        if not made:
            print("live_traffic: no scenario ran", file=sys.stderr)
            return 1
        generated_compare.index(corpus, "live_traffic.py")
        return generated_compare.compare(args.pktctl, corpus)
    finally:
        if not args.keep:
            shutil.rmtree(corpus, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
