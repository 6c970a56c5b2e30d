#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Random build cases for scapy_compare.py (--random N): the same packet written twice from one draw of
field values, as a pktctl spec and as a scapy expression, so that the bytes libpkt builds are compared
with scapy's on packets nobody wrote by hand. Ethernet with or without an 802.1Q tag, IPv4 or IPv6
with random header fields, then TCP (random flags, sequence numbers, window, urgent pointer and up to
three options of the common kinds, 40 bytes at most), UDP, or an ICMP/ICMPv6 echo, then random payload.
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

    def ipv4(self):
        r = self.r
        src, dst, ttl, tos, ident = self.ip4(), self.ip4(), r.randrange(1, 256), r.randrange(256), r.randrange(65536)
        df = r.random() < .5
        return ("ip(src=%s,dst=%s,ttl=%d,tos=%d,id=%d%s)" % (src, dst, ttl, tos, ident, ",flags=DF" if df else ""),
                'IP(src="%s",dst="%s",ttl=%d,tos=%d,id=%d%s)' % (src, dst, ttl, tos, ident, ',flags="DF"' if df else ""))

    def ipv6(self):
        r = self.r
        src, dst, hlim, tc, flow = self.ip6(), self.ip6(), r.randrange(256), r.randrange(256), r.randrange(2**20)
        return ("ip6(src=%s,dst=%s,hlim=%d,fc=%d,flow=%d)" % (src, dst, hlim, tc, flow),
                'IPv6(src="%s",dst="%s",hlim=%d,tc=%d,fl=%d)' % (src, dst, hlim, tc, flow))

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


def generate(seed, count):
    """Yields (name, spec, scapy expression) for @count random packets."""
    d = Draw(seed)
    for n in range(count):
        link = d.link() if d.r.random() < .6 else ("", "")
        v6 = d.r.random() < .5
        net = d.ipv6() if v6 else d.ipv4()
        k = d.r.randrange(3)
        top = d.tcp() if k == 0 else d.udp() if k == 1 else d.echo(v6)
        data = d.payload()
        spec = "/".join(x for x in (link[0], net[0], top[0]) if x) + data[0]
        scapy = "/".join(x for x in (link[1], net[1], top[1]) if x) + data[1]
        yield "random%s.%d" % (top[0].split("(")[0], n), spec, scapy
