#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Writes tests/data/sample.pcap: a small Ethernet capture touching the common protocols.

Run from anywhere:  /usr/bin/python3 tests/data/make_sample.py [OUTPUT]
Needs scapy. The output is deterministic (fixed timestamps, ids and sequence numbers), so rerunning
the script reproduces the committed file byte for byte.

Only documentation addresses are used: 192.0.2.0/24 and 198.51.100.0/24 (RFC 5737), 2001:db8::/32
(RFC 3849) and locally administered MACs 02:00:00:xx:xx:xx. The broadcast and multicast MACs that
ARP and IPv6 neighbour discovery require are group addresses, not hosts.
"""
import os
import sys

from scapy.all import (ARP, DNS, DNSQR, DNSRR, ICMP, IP, TCP, UDP, Dot1Q, Ether, ICMPv6ND_NS,
                       ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, IPv6, Raw, wrpcap)

HOST_MAC = "02:00:00:00:00:0a"
GW_MAC = "02:00:00:00:00:01"
HOST = "192.0.2.10"
GW = "192.0.2.1"
RESOLVER = "198.51.100.53"
WEB = "198.51.100.80"
HOST6 = "2001:db8::10"
GW6 = "2001:db8::1"
START = 1700000000  # 2023-11-14T22:13:20Z


def packets():
    host = Ether(src=HOST_MAC, dst=GW_MAC)
    back = Ether(src=GW_MAC, dst=HOST_MAC)
    out = []

    # ARP request and reply (RFC 826).
    out.append(Ether(src=HOST_MAC, dst="ff:ff:ff:ff:ff:ff") /
               ARP(op="who-has", hwsrc=HOST_MAC, psrc=HOST, hwdst="00:00:00:00:00:00", pdst=GW))
    out.append(back / ARP(op="is-at", hwsrc=GW_MAC, psrc=GW, hwdst=HOST_MAC, pdst=HOST))

    # ICMP echo request and reply (RFC 792).
    payload = bytes(range(0x10, 0x30))
    out.append(host / IP(src=HOST, dst=GW, id=0x1001, ttl=64) /
               ICMP(type="echo-request", id=0x4242, seq=1) / Raw(payload))
    out.append(back / IP(src=GW, dst=HOST, id=0x2001, ttl=64) /
               ICMP(type="echo-reply", id=0x4242, seq=1) / Raw(payload))

    # DNS query and response over UDP (RFC 1035).
    out.append(host / IP(src=HOST, dst=RESOLVER, id=0x1002) / UDP(sport=53535, dport=53) /
               DNS(id=0x1234, rd=1, qd=DNSQR(qname="www.example.com", qtype="A")))
    out.append(back / IP(src=RESOLVER, dst=HOST, id=0x2002) / UDP(sport=53, dport=53535) /
               DNS(id=0x1234, qr=1, rd=1, ra=1, qd=DNSQR(qname="www.example.com", qtype="A"),
                   an=DNSRR(rrname="www.example.com", type="A", ttl=300, rdata=WEB)))

    # TCP three-way handshake with options (RFC 9293, 7323, 2018), an HTTP GET and its answer.
    cseq, sseq = 1000, 5000
    syn_opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (100, 0)), ("NOP", None),
                ("WScale", 7)]
    synack_opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (900, 100)), ("NOP", None),
                   ("WScale", 7)]
    ts = [("NOP", None), ("NOP", None), ("Timestamp", (101, 900))]
    ts_back = [("NOP", None), ("NOP", None), ("Timestamp", (901, 101))]
    c = dict(src=HOST, dst=WEB)
    s = dict(src=WEB, dst=HOST)
    get = b"GET / HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: pktd\r\nAccept: */*\r\n\r\n"
    resp = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n"
            b"hello\n")
    out.append(host / IP(id=0x1003, **c) /
               TCP(sport=40000, dport=80, flags="S", seq=cseq, window=64240, options=syn_opts))
    out.append(back / IP(id=0x2003, **s) /
               TCP(sport=80, dport=40000, flags="SA", seq=sseq, ack=cseq + 1, window=65160,
                   options=synack_opts))
    out.append(host / IP(id=0x1004, **c) /
               TCP(sport=40000, dport=80, flags="A", seq=cseq + 1, ack=sseq + 1, window=502,
                   options=ts))
    out.append(host / IP(id=0x1005, **c) /
               TCP(sport=40000, dport=80, flags="PA", seq=cseq + 1, ack=sseq + 1, window=502,
                   options=ts) / Raw(get))
    out.append(back / IP(id=0x2004, **s) /
               TCP(sport=80, dport=40000, flags="A", seq=sseq + 1, ack=cseq + 1 + len(get),
                   window=509, options=ts_back))
    out.append(back / IP(id=0x2005, **s) /
               TCP(sport=80, dport=40000, flags="PA", seq=sseq + 1, ack=cseq + 1 + len(get),
                   window=509, options=ts_back) / Raw(resp))
    out.append(host / IP(id=0x1006, **c) /
               TCP(sport=40000, dport=80, flags="A", seq=cseq + 1 + len(get),
                   ack=sseq + 1 + len(resp), window=501, options=ts))

    # IPv6 neighbour solicitation and advertisement (RFC 4861), to the solicited-node group.
    out.append(Ether(src=HOST_MAC, dst="33:33:ff:00:00:01") /
               IPv6(src=HOST6, dst="ff02::1:ff00:1", hlim=255) /
               ICMPv6ND_NS(tgt=GW6) / ICMPv6NDOptSrcLLAddr(lladdr=HOST_MAC))
    out.append(back / IPv6(src=GW6, dst=HOST6, hlim=255) /
               ICMPv6ND_NA(tgt=GW6, R=1, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=GW_MAC))

    # An 802.1Q-tagged frame (VLAN 100, priority 5) carrying an ICMP echo request.
    out.append(Ether(src=HOST_MAC, dst=GW_MAC) / Dot1Q(vlan=100, prio=5) /
               IP(src=HOST, dst=GW, id=0x1007) / ICMP(type="echo-request", id=0x4242, seq=2) /
               Raw(payload))

    for i, p in enumerate(out):
        p.time = START + i * 0.010250  # 10.25 ms apart: exact in microseconds
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "sample.pcap")
    wrpcap(path, packets(), linktype=1)


if __name__ == "__main__":
    main()
