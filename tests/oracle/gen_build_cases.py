#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Random build cases for scapy_compare.py (--random N): the same packet written twice from one draw of
field values, as a pktctl spec and as a scapy expression, so that the bytes libpkt builds are compared
with scapy's on packets nobody wrote by hand. Ethernet with or without an 802.1Q tag, IPv4 (sometimes with
options: NOP, end of list, record route, loose and strict source route, router alert) or IPv6
(sometimes with a chain of hop-by-hop, destination options, type 0 routing and atomic fragment
headers), with random header fields, then TCP (random flags, sequence numbers, window, urgent pointer
and up to three options of the common kinds, 40 bytes at most), UDP, an ICMP/ICMPv6 echo, or a
destination unreachable quoting a UDP datagram, then random payload; or, over Ethernet, ARP; or VRRP (versions 2 and 3), HSRP or RIPv2 with random
fields; or a DNS message over UDP (random header bits, queries, and A, AAAA, NS, CNAME, PTR, MX, TXT, SOA records
drawn from a few names so that they share suffixes, compressed as scapy's dns_compress() does; SRV
is left out, whose target scapy 2.5 compresses with a stray byte, and so are DNSSEC types, whose
names scapy compresses where RFC 4034 forbids it).
Seeded: a seed always gives the same cases. Documentation addresses only.
"""
import random

TCP_FLAGS = [(1, "FIN", "F"), (2, "SYN", "S"), (4, "RST", "R"), (8, "PSH", "P"), (16, "ACK", "A"),
             (32, "URG", "U"), (64, "ECE", "E"), (128, "CWR", "C")]
TCP_OPTIONS_MAX = 40  # RFC 9293 3.1: a data offset of 15 words


class Draw:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def mac(self):
        return "02:%02x:%02x:%02x:%02x:%02x" % tuple(self.r.randrange(256) for _ in range(5))

    def ip4(self):
        return self.r.choice(["192.0.2.", "198.51.100.", "203.0.113."]) + str(self.r.randrange(1, 255))

    def ip6(self):
        return "2001:db8::%x:%x" % (self.r.randrange(1, 65536), self.r.randrange(65536))

    def tcp_option(self):
        """(spec, scapy, bytes on the wire) of one option."""
        r = self.r
        k = r.randrange(6)
        if k == 0:
            v = r.randrange(65536)
            return "mss(%d)" % v, '("MSS",%d)' % v, 4
        if k == 1:
            v = r.randrange(15)
            return "wscale(%d)" % v, '("WScale",%d)' % v, 3
        if k == 2:
            return "sackok", '("SAckOK",b"")', 2
        if k == 3:
            return "nop", '("NOP",None)', 1
        if k == 4:
            a, b = r.randrange(2**32), r.randrange(2**32)
            return "ts(tsval=%d,tsecr=%d)" % (a, b), '("Timestamp",(%d,%d))' % (a, b), 10
        edges = [r.randrange(2**32) for _ in range(2 * r.randrange(1, 4))]
        return ("sack(%s)" % ",".join(map(str, edges)), '("SAck",(%s))' % ",".join(map(str, edges)),
                2 + 4 * len(edges))

    def tcp(self):
        r = self.r
        flags = r.randrange(1, 256)
        spec_flags = "|".join(name for bit, name, _ in TCP_FLAGS if flags & bit)
        scapy_flags = "".join(letter for bit, _, letter in TCP_FLAGS if flags & bit)
        sport, dport, seq, ack = r.randrange(1, 65536), r.randrange(1, 65536), r.randrange(2**32), r.randrange(2**32)
        win, urp = r.randrange(65536), r.randrange(65536)
        spec_opts, scapy_opts, used = [], [], 0
        for _ in range(r.randrange(0, 4)):
            s, c, n = self.tcp_option()
            if used + n > TCP_OPTIONS_MAX:
                break
            spec_opts.append(s)
            scapy_opts.append(c)
            used += n
        spec = "tcp(sport=%d,dport=%d,seq=%d,ack=%d,flags=%s,win=%d,urp=%d%s)" % (
            sport, dport, seq, ack, spec_flags, win, urp, ",opts=[%s]" % ",".join(spec_opts) if spec_opts else "")
        scapy = 'TCP(sport=%d,dport=%d,seq=%d,ack=%d,flags="%s",window=%d,urgptr=%d,options=[%s])' % (
            sport, dport, seq, ack, scapy_flags, win, urp, ",".join(scapy_opts))
        return spec, scapy

    def udp(self):
        sport, dport = self.r.randrange(1, 65536), self.r.randrange(1024, 65536)
        return "udp(sport=%d,dport=%d)" % (sport, dport), "UDP(sport=%d,dport=%d)" % (sport, dport)

    def echo(self, v6):
        i, s = self.r.randrange(65536), self.r.randrange(65536)
        if v6:
            return "icmp6()/echo(id=%d,seq=%d)" % (i, s), "ICMPv6EchoRequest(id=%d,seq=%d)" % (i, s)
        return "icmp(type=8)/echo(id=%d,seq=%d)" % (i, s), "ICMP(type=8,id=%d,seq=%d)" % (i, s)

    def ip_option(self, room):
        """(spec, scapy, bytes) of one IPv4 option that fits in @room bytes, or None."""
        r = self.r
        k = r.randrange(4)
        if k == 0 or room < 7:
            return "nop", "IPOption_NOP()", 1
        if k == 1:
            return "ra(body=0000)", "IPOption_Router_Alert()", 4
        kind, cls = r.choice([("rr", "IPOption_RR"), ("lsrr", "IPOption_LSRR"), ("ssrr", "IPOption_SSRR")])
        n = r.randrange(1, min(9, (room - 3) // 4) + 1)
        addrs = [self.ip4() for _ in range(n)]
        # RFC 791: the pointer names the next address. A route already done (pointer past the end) is
        # left out: libpkt then takes the header's destination as final, scapy the last address.
        ptr = 4 + 4 * r.randrange(n)
        body = "%02x" % ptr + "".join("%02x%02x%02x%02x" % tuple(map(int, a.split("."))) for a in addrs)
        return ("%s(body=%s)" % (kind, body),
                '%s(pointer=%d,routers=[%s])' % (cls, ptr, ",".join('"%s"' % a for a in addrs)), 3 + 4 * n)

    def ipv4(self):
        r = self.r
        src, dst, ttl, tos, ident = self.ip4(), self.ip4(), r.randrange(1, 256), r.randrange(256), r.randrange(65536)
        df = r.random() < .5
        spec_opts, scapy_opts, used = [], [], 0
        if r.random() < .3:
            for _ in range(r.randrange(1, 4)):
                s, c, n = self.ip_option(40 - used)
                if used + n > 40:
                    break
                spec_opts.append(s)
                scapy_opts.append(c)
                used += n
            if used < 40 and r.random() < .3:
                spec_opts.append("eol")
                scapy_opts.append("IPOption_EOL()")
        return ("ip(src=%s,dst=%s,ttl=%d,tos=%d,id=%d%s%s)" % (src, dst, ttl, tos, ident, ",flags=DF" if df else "",
                                                            ",opts=[%s]" % ",".join(spec_opts) if spec_opts else ""),
                'IP(src="%s",dst="%s",ttl=%d,tos=%d,id=%d%s%s)' % (src, dst, ttl, tos, ident,
                                                                 ',flags="DF"' if df else "",
                                                                 ",options=[%s]" % ",".join(scapy_opts) if scapy_opts else ""))

    def ip6_options(self):
        """(spec, scapy) option lists for a hop-by-hop or destination options header."""
        r = self.r
        spec, scapy = [], []
        for _ in range(r.randrange(1, 3)):
            k = r.randrange(3)
            if k == 0:
                v = r.randrange(3)
                spec.append("ra(%d)" % v)
                scapy.append("RouterAlert(value=%d)" % v)
            elif k == 1:
                n = r.randrange(0, 6)
                spec.append("padn(%d)" % n)
                scapy.append("PadN(optdata=bytes(%d))" % n)
            else:
                body = bytes(r.randrange(256) for _ in range(r.randrange(0, 6))).hex()
                spec.append("0x1e(body=%s)" % body if body else "0x1e")
                scapy.append('HBHOptUnknown(otype=0x1e,optdata=bytes.fromhex("%s"))' % body)
        return ",".join(spec), ",".join(scapy)

    def ip6_ext(self):
        """(spec, scapy, final destination or None) of one extension header."""
        r = self.r
        k = r.randrange(4)
        if k < 2:
            spec, scapy = self.ip6_options()
            return (("hopopts" if k == 0 else "dstopts") + "(opts=[%s])" % spec,
                    ("IPv6ExtHdrHopByHop" if k == 0 else "IPv6ExtHdrDestOpt") + "(options=[%s])" % scapy, None)
        if k == 2:
            addrs = [self.ip6() for _ in range(r.randrange(1, 4))]
            left = r.randrange(len(addrs) + 1)
            return ("routing(segs_left=%d,addresses=[%s])" % (left, ",".join(addrs)),
                    'IPv6ExtHdrRouting(segleft=%d,addresses=[%s])' % (left, ",".join('"%s"' % a for a in addrs)),
                    addrs[-1] if left else None)
        ident = r.randrange(2**32)
        return "fragment(id=%d)" % ident, "IPv6ExtHdrFragment(id=%d)" % ident, None

    def ipv6(self):
        r = self.r
        src, dst, hlim, tc, flow = self.ip6(), self.ip6(), r.randrange(256), r.randrange(256), r.randrange(2**20)
        spec = "ip6(src=%s,dst=%s,hlim=%d,fc=%d,flow=%d)" % (src, dst, hlim, tc, flow)
        scapy = 'IPv6(src="%s",dst="%s",hlim=%d,tc=%d,fl=%d)' % (src, dst, hlim, tc, flow)
        if r.random() < .3:
            for _ in range(r.randrange(1, 4)):
                s, c, _final = self.ip6_ext()
                spec += "/" + s
                scapy += "/" + c
        return spec, scapy

    def unreach(self, v6):
        """A destination unreachable quoting a UDP datagram (RFC 792, RFC 4443 3.1)."""
        r = self.r
        sport, dport, code = r.randrange(1, 65536), r.randrange(1, 65536), r.randrange(4)
        if v6:
            src, dst = self.ip6(), self.ip6()
            return ("icmp6(type=1,code=%d)/unreach()/ip6(src=%s,dst=%s,hlim=64)/udp(sport=%d,dport=%d)"
                    % (code, src, dst, sport, dport),
                    'ICMPv6DestUnreach(code=%d)/IPerror6(src="%s",dst="%s")/UDPerror(sport=%d,dport=%d)'
                    % (code, src, dst, sport, dport))
        src, dst, ident = self.ip4(), self.ip4(), r.randrange(65536)
        return ("icmp(type=3,code=%d)/unreach()/ip(src=%s,dst=%s,id=%d,ttl=64)/udp(sport=%d,dport=%d)"
                % (code, src, dst, ident, sport, dport),
                'ICMP(type=3,code=%d)/IPerror(src="%s",dst="%s",id=%d)/UDPerror(sport=%d,dport=%d)'
                % (code, src, dst, ident, sport, dport))

    def arp(self):
        r = self.r
        op = r.choice([1, 2])
        sha, tha, spa, tpa = self.mac(), self.mac() if op == 2 else "00:00:00:00:00:00", self.ip4(), self.ip4()
        return ("arp(op=%d,sha=%s,spa=%s,tha=%s,tpa=%s)" % (op, sha, spa, tha, tpa),
                'ARP(op=%d,hwsrc="%s",psrc="%s",hwdst="%s",pdst="%s")' % (op, sha, spa, tha, tpa))

    def link(self):
        r = self.r
        dst, src = self.mac(), self.mac()
        spec, scapy = "ethernet(dst=%s,src=%s)" % (dst, src), 'Ether(dst="%s",src="%s")' % (dst, src)
        if r.random() < .3:
            prio, vid, cfi = r.randrange(8), r.randrange(4096), r.randrange(2)
            spec += "/dot1q(prio=%d,cfi=%d,vid=%d)" % (prio, cfi, vid)
            scapy += "/Dot1Q(prio=%d,id=%d,vlan=%d)" % (prio, cfi, vid)
        return spec, scapy

    def payload(self):
        n = self.r.randrange(0, 50)
        if n == 0:
            return "", ""
        data = bytes(self.r.randrange(256) for _ in range(n)).hex()
        return "/raw(hex=%s)" % data, '/Raw(bytes.fromhex("%s"))' % data


DNS_DOMAINS = ["example.com", "example.org", "sub.example.net"]
DNS_LABELS = ["www", "mail", "ns1", "a", "b.c"]
DNS_FLAG_BITS = [("qr", 15, 1), ("opcode", 11, 15), ("aa", 10, 1), ("tc", 9, 1), ("rd", 8, 1), ("ra", 7, 1),
                 ("ad", 5, 1), ("cd", 4, 1), ("rcode", 0, 15)]


class DnsDraw:
    """One DNS message, as a pktctl spec and as a scapy expression."""

    def __init__(self, d):
        self.d, self.r = d, d.r

    def name(self):
        dom = self.r.choice(DNS_DOMAINS)
        return dom if self.r.random() < .3 else self.r.choice(DNS_LABELS) + "." + dom

    def rr(self, kinds):
        r, name = self.r, self.name()
        ttl = r.randrange(2**31)
        k = r.choice(kinds)
        head = "rr(name=%s,type=%s,ttl=%d" % (name, k, ttl)
        if k in ("A", "AAAA"):
            a = self.d.ip4() if k == "A" else self.d.ip6()
            return (head + ",address=%s)" % a, 'DNSRR(rrname="%s",type="%s",ttl=%d,rdata="%s")' % (name, k, ttl, a))
        if k in ("CNAME", "PTR", "NS"):
            t = self.name()
            return (head + ",%s=%s)" % ("server" if k == "NS" else "address", t),
                    'DNSRR(rrname="%s",type="%s",ttl=%d,rdata="%s")' % (name, k, ttl, t))
        if k == "MX":
            pref, t = r.randrange(65536), self.name()
            return (head + ",preference=%d,address=%s)" % (pref, t),
                    'DNSRRMX(rrname="%s",type="MX",ttl=%d,preference=%d,exchange="%s")' % (name, ttl, pref, t))
        if k == "TXT":
            text = "".join(r.choice("abcdefghij =-") for _ in range(r.randrange(1, 40)))
            return (head + ',txtlen=%d,txt="%s")' % (len(text), text),
                    'DNSRR(rrname="%s",type="TXT",ttl=%d,rdata="%s")' % (name, ttl, text))
        m, rn, nums = self.name(), self.name(), [r.randrange(2**32) for _ in range(5)]
        return (head + ",name2=%s,mailbox=%s,serial=%d,refresh=%d,retry=%d,expire=%d,minttl=%d)" % (m, rn, *nums),
                'DNSRRSOA(rrname="%s",type="SOA",ttl=%d,mname="%s",rname="%s",serial=%d,refresh=%d,retry=%d,'
                'expire=%d,minimum=%d)' % (name, ttl, m, rn, *nums))

    def section(self, n, kinds):
        rrs = [self.rr(kinds) for _ in range(n)]
        return ",".join(x[0] for x in rrs), "/".join(x[1] for x in rrs)

    def message(self):
        r = self.r
        ident = r.randrange(65536)
        bits = {name: r.randrange(mask + 1) if name in ("opcode", "rcode") else r.randrange(2)
                for name, _, mask in DNS_FLAG_BITS}
        bits["opcode"] = r.choice([0, 0, 0, 2, 4, 5])
        flags = sum(v << shift for (name, shift, _), v in zip(DNS_FLAG_BITS, bits.values()))
        qs = [(self.name(), r.choice(["A", "AAAA", "MX", "TXT", "NS"])) for _ in range(r.randrange(0, 3))]
        an = self.section(r.randrange(0, 5), ["A", "AAAA", "CNAME", "PTR", "MX", "TXT", "NS", "SOA"])
        ns = self.section(r.randrange(0, 2), ["NS", "SOA"])
        ar = self.section(r.randrange(0, 2), ["A", "AAAA"])
        spec = "dns(id=%d,flags=0x%04x" % (ident, flags)
        if qs:
            spec += ",queries=[%s]" % ",".join("q(name=%s,type=%s)" % q for q in qs)
        for key, sec in (("answers", an), ("auths", ns), ("addrecords", ar)):
            if sec[0]:
                spec += ",%s=[%s]" % (key, sec[0])
        spec += ")"
        scapy = "dns_compress(DNS(id=%d,%s,qd=%s,an=%s,ns=%s,ar=%s))" % (
            ident, ",".join("%s=%d" % kv for kv in bits.items()),
            "/".join('DNSQR(qname="%s",qtype="%s")' % q for q in qs) or "None",
            an[1] or "None", ns[1] or "None", ar[1] or "None")
        return spec, scapy


def vrrp(d, v6):
    """VRRPv2 (IPv4 only) or VRRPv3 advertisement with 1-4 virtual addresses."""
    r = d.r
    vrid, prio = r.randrange(1, 256), r.randrange(1, 255)
    addrs = [d.ip6() if v6 else d.ip4() for _ in range(r.randrange(1, 5))]
    spec_addrs = ",".join("addr(%s)" % a for a in addrs)
    scapy_addrs = ",".join('"%s"' % a for a in addrs)
    if v6 or r.random() < .5:
        advt = r.randrange(1, 4096)
        return ("vrrp(vtype=0x31,vrid=%d,priority=%d,max_advt=%d,addrs=[%s])" % (vrid, prio, advt, spec_addrs),
                "VRRPv3(vrid=%d,priority=%d,adv=%d,addrlist=[%s])" % (vrid, prio, advt, scapy_addrs))
    adv = r.randrange(1, 256)
    return ("vrrp(vrid=%d,priority=%d,advtime=%d,addrs=[%s])" % (vrid, prio, adv, spec_addrs),
            "VRRP(vrid=%d,priority=%d,adv=%d,addrlist=[%s])" % (vrid, prio, adv, scapy_addrs))


def hsrp(d):
    r = d.r
    op, state = r.choice([0, 1, 2]), r.choice([0, 1, 2, 4, 8, 16])
    hello, hold, prio, group = r.randrange(256), r.randrange(256), r.randrange(256), r.randrange(256)
    auth = "".join(r.choice("abcdefgh") for _ in range(r.randrange(1, 9)))
    vip = d.ip4()
    return ('udp(sport=1985,dport=1985)/hsrp(opcode=%d,state=%d,hello=%d,hold=%d,priority=%d,group=%d,'
            'auth="%s",vip=%s)' % (op, state, hello, hold, prio, group, auth + "\\x00" * (8 - len(auth)), vip),
            'UDP(sport=1985,dport=1985)/HSRP(opcode=%d,state=%d,hellotime=%d,holdtime=%d,priority=%d,group=%d,'
            'auth=b"%s",virtualIP="%s")' % (op, state, hello, hold, prio, group, auth + "\\x00" * (8 - len(auth)),
                                             vip))


def rip(d):
    r = d.r
    cmd = r.choice([1, 2])
    spec, scapy = [], []
    for _ in range(r.randrange(1, 5)):
        tag, addr, mask, nh, metric = r.randrange(65536), d.ip4(), d.ip4(), d.ip4(), r.randrange(1, 17)
        spec.append("rte(route_tag=%d,addr=%s,subnet=%s,next_hop=%s,metric=%d)" % (tag, addr, mask, nh, metric))
        scapy.append('RIPEntry(AF=2,RouteTag=%d,addr="%s",mask="%s",nextHop="%s",metric=%d)'
                     % (tag, addr, mask, nh, metric))
    return ("udp(sport=520,dport=520)/rip(cmd=%d,v=2,rte_auth=[%s])" % (cmd, ",".join(spec)),
            "UDP(sport=520,dport=520)/RIP(cmd=%d,version=2)/%s" % (cmd, "/".join(scapy)))


def generate(seed, count):
    """Yields (name, spec, scapy expression) for @count random packets."""
    d = Draw(seed)
    for n in range(count):
        link = d.link() if d.r.random() < .6 else ("", "")
        if link[0] and d.r.random() < .1:
            arp = d.arp()
            yield "randomarp.%d" % n, link[0] + "/" + arp[0], link[1] + "/" + arp[1]
            continue
        v6 = d.r.random() < .5
        net = d.ipv6() if v6 else d.ipv4()
        if d.r.random() < .15:
            sport, dport = d.r.randrange(1024, 65536), 53
            if d.r.random() < .5:
                sport, dport = dport, sport
            msg = DnsDraw(d).message()
            spec = "/".join(x for x in (link[0], net[0], "udp(sport=%d,dport=%d)" % (sport, dport), msg[0]) if x)
            scapy = "/".join(x for x in (link[1], net[1], "UDP(sport=%d,dport=%d)" % (sport, dport), msg[1]) if x)
            yield "randomdns.%d" % n, spec, scapy
            continue
        # scapy 2.5 writes a VRRPv3 message's addresses as text under an IPv6 extension header (it
        # looks for IPv6 right below): those are left out.
        if d.r.random() < .1 and not (v6 and "/" in net[0]):
            k = d.r.randrange(3)
            top = vrrp(d, v6) if k == 0 or v6 else hsrp(d) if k == 1 else rip(d)
            spec = "/".join(x for x in (link[0], net[0], top[0]) if x)
            scapy = "/".join(x for x in (link[1], net[1], top[1]) if x)
            yield "random%s.%d" % (top[0].split("/")[-1].split("(")[0], n), spec, scapy
            continue
        k = d.r.randrange(4)
        top = d.tcp() if k == 0 else d.udp() if k == 1 else d.echo(v6) if k == 2 else d.unreach(v6)
        data = d.payload()
        spec = "/".join(x for x in (link[0], net[0], top[0]) if x) + data[0]
        scapy = "/".join(x for x in (link[1], net[1], top[1]) if x) + data[1]
        yield "random%s.%d" % (top[0].split("(")[0], n), spec, scapy
