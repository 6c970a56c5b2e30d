#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Packets outside the shared corpus, for the oracles: scapy builds them from random field values (seeded,
so every run writes the same bytes), tshark and pktctl then dissect them (generated_compare.py).

Three files: core.pcap (the protocols of the layer engine's first issue with random fields, options,
DNS records of every common type, ICMP errors quoting datagrams), more.pcap (the seed's other
protocols: STP, VRRP, HSRP, VXLAN, GRE, MPLS, LLDP, RIP, NTP, DHCP, RADIUS, SCTP, PPPoE, RTP, IGMP, OSPF, BGP, HTTP, SIP,
Telnet, TPKT, PIM), fuzz.pcap (scapy's fuzz() on one layer of a well-formed packet: bad versions,
lengths, checksums and option lists, as a hostile capture has), wireless.pcap (802.11 management,
control and data frames under radiotap) and cooked.pcap (Linux cooked capture). Documentation
addresses only.

usage: gen_packets.py OUTDIR [--seed N] [--count N]    (writes OUTDIR/gen/*.pcap)
"""
import argparse
import os
import random
import socket
import sys

from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, DNSRR, DNSRRDNSKEY, DNSRRDS, DNSRRMX, DNSRRNSEC,
                       DNSRRNSEC3, DNSRRNSEC3PARAM, DNSRROPT, DNSRRRSIG, DNSRRSOA, DNSRRSRV, DNSRRTSIG, ICMP,
                       IP, LLC, SNAP, STP, TCP, UDP, CookedLinux, Dot11, Dot11Beacon, Dot11Elt, Dot11ProbeReq,
                       Dot1Q, Dot3, Ether, IPOption_LSRR, IPOption_NOP, IPOption_Router_Alert, IPOption_RR,
                       IPOption_Timestamp, RadioTap, Raw, fuzz, raw, wrpcap, load_contrib)
from scapy.layers.inet6 import (ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NA,
                                ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6ND_RS, ICMPv6NDOptDstLLAddr, ICMPv6NDOptMTU,
                                ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr, ICMPv6PacketTooBig,
                                ICMPv6TimeExceeded, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                                IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, PadN, RouterAlert)
from scapy.layers.dhcp6 import (DHCP6_Advertise, DHCP6_InfoRequest, DHCP6_RelayForward, DHCP6_Renew,
                                DHCP6_Reply, DHCP6_Request, DHCP6_Solicit, DHCP6OptClientFQDN, DHCP6OptClientId,
                                DHCP6OptDNSDomains, DHCP6OptDNSServers, DHCP6OptElapsedTime, DHCP6OptIA_NA,
                                DHCP6OptIA_PD, DHCP6OptIAAddress, DHCP6OptIAPrefix, DHCP6OptIfaceId, DHCP6OptOptReq,
                                DHCP6OptPref, DHCP6OptRapidCommit, DHCP6OptRelayMsg, DHCP6OptServerId,
                                DHCP6OptStatusCode, DUID_EN, DUID_LL, DUID_LLT)
from scapy.layers.hsrp import HSRP
from scapy.layers.vxlan import VXLAN
from scapy.layers.l2 import GRE, GRE_PPTP
from scapy.contrib.mpls import MPLS, EoMCW
from scapy.contrib.cdp import (CDPAddrRecordIPv4, CDPAddrRecordIPv6, CDPMsgAddr, CDPMsgCapabilities,
                               CDPMsgDeviceID, CDPMsgDuplex, CDPMsgNativeVLAN, CDPMsgPlatform, CDPMsgPortID,
                               CDPMsgSoftwareVersion, CDPv2_HDR)
from scapy.contrib.erspan import ERSPAN_II, ERSPAN_III
from scapy.contrib.gtp import (GTP_U_Header, GTPCreatePDPContextRequest, GTPEchoRequest, GTPHeader,
                               GTPPDUSessionContainer, IE_NSAPI, IE_Recovery, IE_TEICP, IE_TEIDI)
from scapy.contrib.lldp import (LLDPDUChassisID, LLDPDUEndOfLLDPDU, LLDPDUGenericOrganisationSpecific,
                                LLDPDUManagementAddress, LLDPDUPortID, LLDPDUSystemCapabilities,
                                LLDPDUSystemDescription, LLDPDUSystemName, LLDPDUTimeToLive)
from scapy.layers.ntp import NTP
from scapy.layers.ppp import PPP, PPPoE, PPPoED
from scapy.layers.radius import Radius, RadiusAttribute
from scapy.layers.rip import RIP, RIPEntry
from scapy.layers.rtp import RTP
from scapy.layers.sctp import (SCTP, SCTPChunkAbort, SCTPChunkData, SCTPChunkHeartbeatReq, SCTPChunkInit,
                               SCTPChunkSACK, SCTPChunkShutdown)
from scapy.layers.vrrp import VRRP

load_contrib("igmp")
load_contrib("ospf")
load_contrib("bgp")
load_contrib("pim")
from scapy.contrib.bgp import BGPHeader, BGPOpen  # noqa: E402
from scapy.contrib.igmp import IGMP  # noqa: E402
from scapy.contrib.ospf import OSPF_Hdr, OSPF_Hello  # noqa: E402
from scapy.contrib.pim import PIMv2Hdr, PIMv2Hello, PIMv2HelloDRPriority, PIMv2HelloHoldtime  # noqa: E402

R = random.Random(1)


def mac():
    return "02:%02x:%02x:%02x:%02x:%02x" % tuple(R.randrange(256) for _ in range(5))


def ip4():
    return R.choice(["192.0.2.", "198.51.100.", "203.0.113."]) + str(R.randrange(1, 255))


def ip6():
    return "2001:db8::%x:%x" % (R.randrange(65536), R.randrange(65536))


def random_bytes(n):
    return bytes(R.randrange(256) for _ in range(n))


def payload(lo, hi):
    return Raw(random_bytes(R.randrange(lo, hi)))


# ---- core ----

def tcp_options():
    pool = [lambda: ("MSS", R.randrange(536, 9000)), lambda: ("WScale", R.randrange(15)), lambda: ("SAckOK", b""),
            lambda: ("NOP", None), lambda: ("Timestamp", (R.randrange(2**32), R.randrange(2**32))),
            lambda: ("SAck", (R.randrange(2**32), R.randrange(2**32))), lambda: ("EOL", None)]
    return [R.choice(pool)() for _ in range(R.randrange(0, 5))]


def tcp():
    return TCP(sport=R.randrange(1024, 65536), dport=R.choice([80, 22, R.randrange(1024, 65536)]),
               seq=R.randrange(2**32), ack=R.randrange(2**32), flags=R.randrange(256), window=R.randrange(65536),
               urgptr=R.randrange(65536) if R.random() < .2 else 0, options=tcp_options())


def dnssec_rr(name):
    k = R.randrange(10)
    if k == 7:  # RFC 5155 3.2 (scapy 2.5 writes 0 for the lengths unless given)
        salt, digest = random_bytes(R.choice([0, 4, 8])), random_bytes(20)
        return DNSRRNSEC3(rrname=name, hashalg=1, flags=R.choice([0, 1]), iterations=R.randrange(20),
                          saltlength=len(salt), salt=salt, hashlength=len(digest), nexthashedownername=digest,
                          typebitmaps=R.sample([1, 2, 28, 46, 48], 2))
    if k == 8:  # KEY (RFC 2535 3.1): DNSKEY's layout
        return DNSRR(rrname=name, type=25, rdata=bytes([R.choice([1, 2]), 0, 3, 13]) + random_bytes(32))
    if k == 9:  # SIG (RFC 2535 4.1): RRSIG's layout, an uncompressed signer
        return DNSRR(rrname=name, type=24, rdata=bytes.fromhex("0001" "0d02" "00000e10") + random_bytes(10) +
                     dns_name("example.com") + random_bytes(32))
    if k == 0:
        return DNSRRDS(rrname=name, keytag=R.randrange(65536), algorithm=R.choice([8, 13]), digesttype=2,
                       digest=random_bytes(32))
    if k == 1:
        return DNSRRDNSKEY(rrname=name, flags=R.choice([256, 257]), protocol=3, algorithm=13,
                           publickey=random_bytes(64))
    if k == 2:
        return DNSRRRSIG(rrname=name, typecovered=R.choice([1, 28, 15]), algorithm=13, labels=2, originalttl=3600,
                         expiration=R.randrange(2**32), inception=R.randrange(2**32), keytag=R.randrange(65536),
                         signersname="example.com.", signature=random_bytes(64))
    if k == 3:
        return DNSRRNSEC(rrname=name, nextname="z.example.com.", typebitmaps=R.sample([1, 2, 28, 46, 47, 48], 3))
    if k == 4:
        return DNSRRNSEC3PARAM(rrname=name, hashalg=1, iterations=R.randrange(20), saltlength=4, salt=random_bytes(4))
    if k == 5:  # TLSA (RFC 6698)
        return DNSRR(rrname="_443._tcp." + name, type=52, rdata=bytes([3, 1, 1]) + random_bytes(32))
    return DNSRR(rrname=name, type=65, rdata=bytes.fromhex("0001" "00" "000100030268 32".replace(" ", "")))  # alpn=h2


def dns_name(text):
    """An uncompressed wire name (RFC 1035 3.1)."""
    return b"".join(bytes([len(label)]) + label.encode() for label in text.split(".")) + b"\x00"


def char_strings(*texts):
    """RFC 1035 3.3 <character-string>s: a length byte each, then the bytes."""
    return b"".join(bytes([len(t)]) + t.encode() for t in texts)


def dns_rr(name):
    if R.random() < .15:
        return dnssec_rr(name)
    t = R.choice(["A", "AAAA", "NS", "CNAME", "MX", "TXT", "PTR", "SOA", "SRV", "HINFO", "CAA", "NAPTR", "LOC",
                  "SSHFP", "RP", "AFSDB"])
    if t == "A":
        return DNSRR(rrname=name, type="A", ttl=R.randrange(2**31), rdata=ip4())
    if t == "AAAA":
        return DNSRR(rrname=name, type="AAAA", rdata=ip6())
    if t in ("NS", "CNAME", "PTR"):
        return DNSRR(rrname=name, type=t, rdata="h%d.example.org." % R.randrange(99))
    if t == "MX":
        return DNSRRMX(rrname=name, preference=R.randrange(100), exchange="mx.example.net.")
    if t == "TXT":
        return DNSRR(rrname=name, type="TXT", rdata=["hello world", "x" * R.randrange(1, 60)])
    if t == "HINFO":  # RFC 1035 3.3.2: two character-strings (scapy writes HINFO data as given)
        return DNSRR(rrname=name, type=13, rdata=char_strings(R.choice(["x86_64", "ARM", ""]), "Linux " * R.randrange(3)))
    if t == "CAA":  # RFC 8659 4.1: flags, tag, value
        tag = R.choice([b"issue", b"issuewild", b"iodef", b"tbs"])
        return DNSRR(rrname=name, type=257, rdata=bytes([R.choice([0, 128]), len(tag)]) + tag +
                     b"ca%d.example.net" % R.randrange(9))
    if t == "NAPTR":  # RFC 3403 4.1: order, preference, three character-strings, replacement
        replacement = R.choice([b"\x00", b"\x04_sip\x04_udp\x07example\x03com\x00"])
        return DNSRR(rrname=name, type=35, rdata=R.randrange(65536).to_bytes(2, "big") +
                     R.randrange(65536).to_bytes(2, "big") +
                     char_strings(R.choice(["U", "S", ""]), "E2U+sip", R.choice(["!^.*$!sip:a@example.com!", ""])) +
                     replacement)
    if t == "LOC":  # RFC 1876 2: version 0, size and precisions, position (scapy has no LOC fields)
        return DNSRR(rrname=name, type=29, rdata=bytes([0]) + random_bytes(3) + random_bytes(12))
    if t == "SSHFP":  # RFC 4255 3.1
        return DNSRR(rrname=name, type=44, rdata=bytes([R.choice([1, 3, 4]), R.choice([1, 2])]) +
                     random_bytes(R.choice([20, 32])))
    if t == "RP":  # RFC 1183 2.2: two names, never compressed
        return DNSRR(rrname=name, type=17, rdata=dns_name("admin.example.com") +
                     R.choice([dns_name("info.example.org"), b"\x00"]))
    if t == "AFSDB":  # RFC 1183 1
        return DNSRR(rrname=name, type=18, rdata=R.choice([1, 2]).to_bytes(2, "big") + dns_name("afs.example.net"))
    if t == "SOA":
        return DNSRRSOA(rrname="example.com.", mname="ns.example.com.", rname="h.example.com.",
                        serial=R.randrange(2**32), refresh=3600, retry=600, expire=86400, minimum=60)
    return DNSRRSRV(rrname="_sip._udp." + name, priority=R.randrange(10), weight=R.randrange(10),
                    port=R.randrange(65536), target="sip.example.com.")


def dns():
    name = "%s.example.%s." % ("".join(R.choice("abcdefgh") for _ in range(R.randrange(1, 12))),
                               R.choice(["com", "org"]))
    response = R.random() < .6
    d = DNS(id=R.randrange(65536), qr=int(response), rd=R.randrange(2), ra=int(response),
            rcode=R.choice([0, 0, 3]), qd=DNSQR(qname=name, qtype=R.choice(["A", "AAAA", "MX", "TXT", "ANY", "SRV"])))
    if response:
        an = [dns_rr(name) for _ in range(R.randrange(0, 4))]
        ns = [dns_rr(name) for _ in range(R.randrange(0, 2))]
        if an:
            d.an = an
        if ns:
            d.ns = ns
    ar = []
    if R.random() < .4:
        ar.append(DNSRROPT(rclass=R.choice([512, 1232, 4096]), z=R.choice([0, 0x8000])))
    if R.random() < .1:
        ar.append(tsig_rr())
    if ar:
        d.ar = ar
    return d


def tsig_rr():
    """A TSIG record (RFC 8945 4.2; scapy 2.5 writes a MAC size of 20 unless given), or now and then a TKEY
    (RFC 2930 2), the last of the additional records."""
    if R.random() < .3:
        key = random_bytes(R.randrange(40))
        return DNSRR(rrname="k.example.com.", type=249, rclass=255, rdata=dns_name("gss-tsig") +
                     R.randrange(2**32).to_bytes(4, "big") + R.randrange(2**32).to_bytes(4, "big") +
                     bytes([0, R.choice([2, 3]), 0, R.choice([0, 17])]) + len(key).to_bytes(2, "big") + key +
                     b"\x00\x00")
    mac = random_bytes(R.choice([16, 32]))
    other = random_bytes(R.choice([0, 6]))
    return DNSRRTSIG(rrname="k.example.com.", rclass=255, ttl=0, algo_name=R.choice(["hmac-sha256.", "hmac-md5.sig-alg.reg.int."]),
                     time_signed=R.randrange(2**32), fudge=300, mac_len=len(mac), mac_data=mac,
                     original_id=R.randrange(65536), error=R.choice([0, 16, 18]), other_len=len(other),
                     other_data=other)


def transport():
    k = R.random()
    if k < .35:
        return tcp() / payload(0, 80)
    if k < .7:
        return UDP(sport=R.randrange(1024, 65536), dport=53) / dns()
    return UDP(sport=R.randrange(1024, 65536), dport=R.randrange(1024, 65536)) / payload(0, 40)


def ip_options():
    pool = [lambda: IPOption_NOP(), lambda: IPOption_RR(routers=[ip4() for _ in range(R.randrange(1, 4))]),
            lambda: IPOption_Timestamp(flg=0, timestamp=R.randrange(2**32)), lambda: IPOption_Router_Alert(),
            lambda: IPOption_LSRR(routers=[ip4()])]
    return [R.choice(pool)()] if R.random() < .2 else []


def ipv4(inner):
    return IP(src=ip4(), dst=ip4(), ttl=R.randrange(1, 256), tos=R.randrange(256), id=R.randrange(65536),
              flags=R.choice([0, 2]), options=ip_options()) / inner


def icmp():
    k = R.randrange(5)
    if k == 0:
        t = R.choice([0, 8, 13, 14, 17, 18])
        if t in (13, 14):  # timestamps drawn: scapy's defaults are the time of day
            return ICMP(type=t, id=R.randrange(65536), seq=R.randrange(65536), ts_ori=R.randrange(2**32),
                        ts_rx=R.randrange(2**32), ts_tx=R.randrange(2**32))
        if t in (17, 18):
            return ICMP(type=t, id=R.randrange(65536), seq=R.randrange(65536), addr_mask=ip4())
        return ICMP(type=t, id=R.randrange(65536), seq=R.randrange(65536)) / Raw(b"abcdefgh")
    quoted = IP(src=ip4(), dst=ip4(), ttl=R.randrange(1, 64)) / (
        UDP(sport=R.randrange(1024, 65536), dport=53) / dns() if R.random() < .5 else tcp())
    quoted = Raw(raw(quoted)[:R.choice([28, 48, 64, 576])])
    if k == 1:
        return ICMP(type=3, code=R.randrange(16)) / quoted
    if k == 2:
        return ICMP(type=11, code=R.randrange(2)) / quoted
    if k == 3:
        return ICMP(type=5, code=R.randrange(4), gw=ip4()) / quoted
    return ICMP(type=3, code=4, nexthopmtu=R.choice([576, 1280, 1400])) / quoted


def ipv6(inner):
    p = IPv6(src=ip6(), dst=ip6(), hlim=R.randrange(256), tc=R.randrange(256), fl=R.randrange(2**20))
    extensions = [lambda: IPv6ExtHdrHopByHop(options=[RouterAlert()]),
                  lambda: IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0")]),
                  lambda: IPv6ExtHdrRouting(addresses=[ip6()]),
                  lambda: IPv6ExtHdrFragment(id=R.randrange(2**32), offset=0, m=0)]
    for _ in range(R.choice([0, 0, 0, 1, 2])):
        p = p / R.choice(extensions)()
    return p / inner


def icmp6():
    k = R.randrange(7)
    if k == 0:
        return ICMPv6EchoRequest(id=R.randrange(65536), seq=R.randrange(65536), data=b"ping")
    if k == 1:
        return ICMPv6EchoReply(id=R.randrange(65536), seq=R.randrange(65536))
    if k == 2:
        return ICMPv6ND_NS(tgt=ip6()) / ICMPv6NDOptSrcLLAddr(lladdr=mac())
    if k == 3:
        return (ICMPv6ND_NA(tgt=ip6(), R=R.randrange(2), S=R.randrange(2), O=R.randrange(2)) /
                ICMPv6NDOptDstLLAddr(lladdr=mac()))
    if k == 4:
        return (ICMPv6ND_RA(chlim=64, routerlifetime=1800) /
                ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64) / ICMPv6NDOptMTU(mtu=1500) /
                ICMPv6NDOptSrcLLAddr(lladdr=mac()))
    if k == 5:
        return ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=mac())
    quoted = raw(IPv6(src=ip6(), dst=ip6()) / UDP(sport=R.randrange(1024, 65536), dport=R.randrange(1024, 65536)) /
                 Raw(b"q" * 20))
    return R.choice([ICMPv6DestUnreach(code=R.randrange(7)), ICMPv6PacketTooBig(mtu=1280),
                     ICMPv6TimeExceeded(code=R.randrange(2))]) / Raw(quoted)


def core():
    k = R.random()
    if k < .06:
        net = ARP(op=R.choice([1, 2]), hwsrc=mac(), psrc=ip4(), hwdst=mac(), pdst=ip4())
    elif k < .45:
        net = ipv4(transport())
    elif k < .55:
        net = ipv4(icmp())
    elif k < .85:
        net = ipv6(transport())
    else:
        net = ipv6(icmp6())
    link = Ether(src=mac(), dst=mac())
    if R.random() < .15:
        link = link / Dot1Q(vlan=R.randrange(4095), prio=R.randrange(8))
        if R.random() < .3:
            link = link / Dot1Q(vlan=R.randrange(4095))
    return link / net


# ---- the seed's other protocols ----

def eth():
    return Ether(src=mac(), dst=mac())


def over_ip(inner):
    return eth() / IP(src=ip4(), dst=ip4(), ttl=R.randrange(1, 256)) / inner


def over_udp(sport, dport, inner):
    return over_ip(UDP(sport=sport, dport=dport) / inner)


def over_tcp(sport, dport, data):
    return over_ip(TCP(sport=sport, dport=dport, flags="PA", seq=R.randrange(2**32)) / Raw(data))


def high_port():
    return R.randrange(40000, 60000)


def mpls_stack():
    n = R.randrange(1, 4)
    stack = MPLS(label=R.randrange(16, 2**20), cos=R.randrange(8), s=int(n == 1), ttl=R.randrange(256))
    for k in range(1, n):
        stack = stack / MPLS(label=R.randrange(16, 2**20), cos=R.randrange(8), s=int(k == n - 1), ttl=R.randrange(256))
    return stack


def lldp_id(cls, mac_subtype, addr_subtype):
    """A chassis or port ID as a MAC address, an IPv4 address or text (an interface name, a local ID)."""
    kind = R.randrange(3)
    if kind == 0:
        return cls(subtype=mac_subtype, id=mac())
    if kind == 1:
        return cls(subtype=addr_subtype, family=1, id=ip4())
    return cls(subtype=R.choice([mac_subtype + 2 if cls is LLDPDUChassisID else 5, 7]),
               id=b"ge-0/0/%d" % R.randrange(48))


def lldp_frame():
    """An LLDPDU: the mandatory TLVs, any of the optional ones, End."""
    tlvs = [lldp_id(LLDPDUChassisID, 4, 5), lldp_id(LLDPDUPortID, 3, 4), LLDPDUTimeToLive(ttl=R.randrange(65536))]
    if R.random() < .7:
        tlvs.append(LLDPDUSystemName(system_name=b"sw%d" % R.randrange(100)))
    if R.random() < .5:
        tlvs.append(LLDPDUSystemDescription(description=b"switch OS %d.%d" % (R.randrange(10), R.randrange(10))))
    if R.random() < .6:
        tlvs.append(LLDPDUSystemCapabilities(mac_bridge_available=1, router_available=R.randrange(2),
                                             mac_bridge_enabled=1, router_enabled=R.randrange(2)))
    if R.random() < .5:
        v6 = R.random() < .5
        tlvs.append(LLDPDUManagementAddress(management_address_subtype=2 if v6 else 1,
                                            management_address=socket.inet_pton(socket.AF_INET6, ip6()) if v6
                                            else socket.inet_aton(ip4()),
                                            interface_numbering_subtype=2, interface_number=R.randrange(2**32)))
    if R.random() < .5:
        tlvs.append(LLDPDUGenericOrganisationSpecific(org_code=0x0080C2, subtype=1,
                                                      data=R.randrange(1, 4095).to_bytes(2, "big")))
    # IEEE 802.1 Annex D and 802.3 Annex F TLVs: port and protocol VLAN, VLAN name, MAC/PHY, power via
    # MDI (802.3at), link aggregation, maximum frame size
    name = b"vlan%d" % R.randrange(999)
    for org_code, subtype, data in R.sample([
            (0x0080C2, 2, bytes([R.randrange(8)]) + R.randrange(4096).to_bytes(2, "big")),
            (0x0080C2, 3, R.randrange(4096).to_bytes(2, "big") + bytes([len(name)]) + name),
            (0x00120F, 1, bytes([R.randrange(4)]) + R.randrange(65536).to_bytes(2, "big") +
             R.randrange(64).to_bytes(2, "big")),
            (0x00120F, 2, bytes([R.randrange(16), R.randrange(1, 3), R.randrange(1, 6), R.randrange(256) & 0xf3]) +
             R.randrange(1000).to_bytes(2, "big") + R.randrange(1000).to_bytes(2, "big")),
            (0x00120F, 3, bytes([R.randrange(4)]) + R.randrange(2**32).to_bytes(4, "big")),
            (0x00120F, 4, R.randrange(1500, 9217).to_bytes(2, "big"))], R.randrange(0, 4)):
        tlvs.append(LLDPDUGenericOrganisationSpecific(org_code=org_code, subtype=subtype, data=data))
    frame = Ether(src=mac(), dst="01:80:c2:00:00:0e")
    for t in tlvs + [LLDPDUEndOfLLDPDU()]:
        frame = frame / t
    return frame


def dhcp6_duid():
    kind = R.randrange(3)
    if kind == 0:
        return DUID_LLT(timeval=R.randrange(2**32), lladdr=mac())
    if kind == 1:
        return DUID_LL(lladdr=mac())
    return DUID_EN(enterprisenum=R.randrange(2**32), id=random_bytes(R.randrange(1, 12)))


def dhcp6_message():
    """A DHCPv6 client or server message with identities, IAs holding addresses or prefixes (nested
    options), lists and names; a third of them inside a relay-forward message with an interface ID."""
    cls = R.choice([DHCP6_Solicit, DHCP6_Advertise, DHCP6_Request, DHCP6_Reply, DHCP6_Renew, DHCP6_InfoRequest])
    msg = cls(trid=R.randrange(2**24)) / DHCP6OptClientId(duid=dhcp6_duid())
    if R.random() < .6:
        msg = msg / DHCP6OptServerId(duid=dhcp6_duid())
    msg = msg / DHCP6OptElapsedTime(elapsedtime=R.randrange(65536))
    if R.random() < .6:
        msg = msg / DHCP6OptOptReq(reqopts=R.sample([23, 24, 31, 39, 82, 83, 17, 21, 22], R.randrange(1, 6)))
    if R.random() < .5:
        addrs = [DHCP6OptIAAddress(addr=ip6(), preflft=R.randrange(2**32), validlft=R.randrange(2**32))
                 for _ in range(R.randrange(0, 3))]
        if addrs and R.random() < .5:
            addrs[0].iaaddropts = [DHCP6OptStatusCode(statuscode=R.randrange(7), statusmsg="status %d" % R.randrange(9))]
        msg = msg / DHCP6OptIA_NA(iaid=R.randrange(2**32), T1=R.randrange(2**32), T2=R.randrange(2**32), ianaopts=addrs)
    if R.random() < .3:
        msg = msg / DHCP6OptIA_PD(iaid=R.randrange(2**32), T1=R.randrange(65536), T2=R.randrange(65536), iapdopt=[
            DHCP6OptIAPrefix(preflft=R.randrange(2**32), validlft=R.randrange(2**32), plen=R.choice([48, 56, 60, 64]),
                             prefix=ip6())])
    if R.random() < .4:
        msg = msg / DHCP6OptDNSServers(dnsservers=[ip6() for _ in range(R.randrange(1, 4))])
    if R.random() < .4:
        msg = msg / DHCP6OptDNSDomains(dnsdomains=["d%d.example.com" % R.randrange(99) for _ in range(R.randrange(1, 3))])
    if R.random() < .3:
        msg = msg / DHCP6OptClientFQDN(flags=R.randrange(8), fqdn="h%d.example.org" % R.randrange(99))
    if R.random() < .3:
        msg = msg / DHCP6OptPref(prefval=R.randrange(256))
    if R.random() < .2:
        msg = msg / DHCP6OptRapidCommit()
    udp = UDP(sport=R.choice([546, 547]), dport=547)
    if R.random() < .33:
        relay = DHCP6_RelayForward(hopcount=R.randrange(8), linkaddr=ip6(), peeraddr=ip6())
        return eth() / IPv6(src=ip6(), dst=ip6()) / udp / relay / DHCP6OptRelayMsg(message=msg) / \
            DHCP6OptIfaceId(ifaceid=random_bytes(R.randrange(1, 8)))
    return eth() / IPv6(src=ip6(), dst=ip6()) / udp / msg


MORE = [
    lambda: eth() / LLC() / STP(rootid=R.randrange(65536), rootmac=mac(), pathcost=R.randrange(2**32),
                                bridgeid=R.randrange(65536), bridgemac=mac(), portid=R.randrange(65536),
                                age=R.randrange(20), maxage=20, hellotime=2, fwddelay=15),
    lambda: over_ip(VRRP(vrid=R.randrange(1, 256), priority=R.randrange(256),
                         addrlist=[ip4() for _ in range(R.randrange(1, 4))])),
    lambda: over_udp(1985, 1985, HSRP(state=R.choice([0, 1, 2, 4, 8, 16]), group=R.randrange(256),
                                      priority=R.randrange(256), virtualIP=ip4())),
    # VXLAN (RFC 7348; scapy writes GPE's P flag over Ether unless told not to), with or without group policy
    lambda: over_udp(high_port(), 4789, VXLAN(flags=R.choice([0x08, 0x88]), gpid=R.randrange(65536), NextProtocol=0,
                                              vni=R.randrange(2**24)) /
                     R.choice([lambda: eth() / IP(src=ip4(), dst=ip4()) / UDP(sport=high_port(), dport=53) / dns(),
                               lambda: eth() / ARP(psrc=ip4(), pdst=ip4())])()),
    # GRE (RFC 2784, 2890) with any of its optional words, over IP or Ethernet; PPTP's version 1 over PPP
    lambda: over_ip(GRE(chksum_present=R.randrange(2), key_present=R.randrange(2), seqnum_present=R.randrange(2),
                        key=R.randrange(2**32), sequence_number=R.randrange(2**32)) /
                    R.choice([lambda: IP(src=ip4(), dst=ip4()) / UDP(sport=high_port(), dport=53) / dns(),
                              lambda: eth() / ARP(psrc=ip4(), pdst=ip4())])()),
    lambda: over_ip(GRE_PPTP(seqnum_present=R.randrange(2), acknum_present=R.randrange(2), call_id=R.randrange(65536),
                             seqence_number=R.randrange(2**32), ack_number=R.randrange(2**32)) /
                    PPP() / IP(src=ip4(), dst=ip4()) / UDP(sport=high_port(), dport=high_port())),
    # MPLS (RFC 3032): one to three entries over Ethernet, IP (RFC 4023) or UDP (RFC 7510); IPv4, IPv6 or an
    # Ethernet pseudowire with its control word (RFC 4448) at the bottom
    lambda: R.choice([lambda inner: eth() / inner, over_ip, lambda inner: over_udp(high_port(), 6635, inner)])(
        mpls_stack() / R.choice([lambda: IP(src=ip4(), dst=ip4()) / UDP(sport=high_port(), dport=53) / dns(),
                                 lambda: IPv6(src=ip6(), dst=ip6()) / UDP(sport=high_port(), dport=high_port()),
                                 lambda: EoMCW(seq=R.randrange(65536)) / eth() / ARP(psrc=ip4(), pdst=ip4())])()),
    # ERSPAN (draft-foschiano-erspan-03): type I (no header), II (GRE with a sequence number) and III, each
    # mirroring an Ethernet frame
    lambda: over_ip(R.choice([
        lambda: GRE(proto=0x88be),
        lambda: GRE(seqnum_present=1, seqence_number=R.randrange(2**32)) /
        ERSPAN_II(ver=1, vlan=R.randrange(4096), cos=R.randrange(8), en=R.randrange(4), t=R.randrange(2),
                  session_id=R.randrange(1024), index=R.randrange(2**20)),
        lambda: GRE() / ERSPAN_III(vlan=R.randrange(4096), cos=R.randrange(8), bso=R.randrange(4), t=R.randrange(2),
                                   session_id=R.randrange(1024), timestamp=R.randrange(2**32),
                                   sgt_other=R.randrange(65536), hw=R.randrange(64), d=R.randrange(2),
                                   gra=R.randrange(4), o=0)])() /
        eth() / IP(src=ip4(), dst=ip4()) / UDP(sport=high_port(), dport=53) / dns()),
    # GTP v1 (TS 29.281, 29.060): G-PDUs with or without a sequence number or a 5G PDU session container,
    # echo requests and create-PDP-context requests with type-value information elements
    lambda: over_udp(2152, 2152, R.choice([
        lambda: GTP_U_Header(teid=R.randrange(2**32)),
        lambda: GTP_U_Header(teid=R.randrange(2**32), S=1, seq=R.randrange(65536)),
        lambda: GTP_U_Header(teid=R.randrange(2**32), E=1, next_ex=0x85) /
        GTPPDUSessionContainer(type=0, QFI=R.randrange(64))])() /
        R.choice([lambda: IP(src=ip4(), dst=ip4()) / UDP(sport=high_port(), dport=53) / dns(),
                  lambda: IPv6(src=ip6(), dst=ip6()) / TCP(sport=high_port(), dport=80, flags="S")])()),
    lambda: over_udp(2123, 2123, R.choice([
        lambda: GTPHeader(S=1, seq=R.randrange(65536), gtp_type=1) / GTPEchoRequest(),
        lambda: GTPHeader(S=1, seq=R.randrange(65536), teid=R.randrange(2**32)) / GTPCreatePDPContextRequest(
            IE_list=[IE_Recovery(restart_counter=R.randrange(256)), IE_TEIDI(TEIDI=R.randrange(2**32)),
                     IE_TEICP(TEICI=R.randrange(2**32)), IE_NSAPI(NSAPI=R.randrange(16))])])()),
    # LLDP (IEEE 802.1AB): the mandatory TLVs with IDs in every form, then any of name, description,
    # capabilities, a management address (IPv4 or IPv6) and IEEE 802.1's port VLAN ID
    lldp_frame,
    # CDP: device, addresses (IPv4 and IPv6 entries), port, capabilities and any of platform, software
    # version, native VLAN and duplex, in SNAP or in GRE
    lambda: R.choice([lambda inner: Dot3(src=mac(), dst="01:00:0c:cc:cc:cc") / LLC() / SNAP() / inner,
                      lambda inner: over_ip(GRE(proto=0x2000) / inner)])(
        CDPv2_HDR(vers=R.choice([1, 2]), ttl=R.randrange(256), msg=[
            CDPMsgDeviceID(val=b"sw%d" % R.randrange(999)),
            CDPMsgAddr(addr=[R.choice([lambda: CDPAddrRecordIPv4(addr=ip4()), lambda: CDPAddrRecordIPv6(addr=ip6())])()
                             for _ in range(R.randrange(1, 3))]),
            CDPMsgPortID(iface=b"Gi0/%d" % R.randrange(48)),
            CDPMsgCapabilities(cap=R.randrange(1 << 11))] +
            R.sample([CDPMsgPlatform(val=b"cisco WS-C%d" % R.randrange(9999)),
                      CDPMsgSoftwareVersion(val=b"IOS %d.%d" % (R.randrange(20), R.randrange(9))),
                      CDPMsgNativeVLAN(vlan=R.randrange(1, 4095)), CDPMsgDuplex(duplex=R.randrange(2))],
                     R.randrange(0, 4)))),
    # DHCPv6 (RFC 8415): client and server messages with nested options, some relayed
    dhcp6_message,
    lambda: over_udp(520, 520, RIP(cmd=R.choice([1, 2]), version=2) / b"".join(
        raw(RIPEntry(addr=ip4(), mask="255.255.255.0", nextHop=ip4(), metric=R.randrange(1, 17)))
        for _ in range(R.randrange(1, 5)))),
    lambda: over_udp(123, 123, NTP(version=R.choice([3, 4]), mode=R.choice([3, 4]), stratum=R.randrange(16),
                                   ref_id=b"GPS\0", ref=R.randrange(2**32), orig=R.randrange(2**32),
                                   recv=R.randrange(2**32), sent=R.randrange(2**32))),
    lambda: over_udp(68, 67, BOOTP(chaddr=bytes(R.randrange(256) for _ in range(6)), xid=R.randrange(2**32),
                                   ciaddr=ip4()) /
                     DHCP(options=[("message-type", R.choice(["discover", "request", "offer", "ack"])),
                                   ("server_id", ip4()), ("lease_time", R.randrange(2**31)),
                                   ("hostname", b"host%d" % R.randrange(99)), "end"])),
    lambda: over_udp(high_port(), 1812, Radius(code=R.choice([1, 2, 3, 4, 11]), id=R.randrange(256),
                                                authenticator=bytes(R.randrange(256) for _ in range(16)),
                                                attributes=[RadiusAttribute(type=1, value=b"alice"),
                                                            RadiusAttribute(type=4, value=bytes([192, 0, 2, 9]))])),
    lambda: over_ip(SCTP(sport=high_port(), dport=high_port(), tag=R.randrange(2**32)) / R.choice([
        SCTPChunkInit(init_tag=R.randrange(2**32), a_rwnd=R.randrange(2**32)),
        SCTPChunkData(tsn=R.randrange(2**32), data=b"hello" * R.randrange(1, 5)),
        SCTPChunkSACK(cumul_tsn_ack=R.randrange(2**32)), SCTPChunkHeartbeatReq(), SCTPChunkAbort(),
        SCTPChunkShutdown()])),
    lambda: eth() / PPPoED(code=R.choice([0x09, 0x07, 0x19, 0x65]), sessionid=0) / Raw(bytes.fromhex("01010000")),
    lambda: eth() / PPPoE(sessionid=R.randrange(65536)) / PPP() / IP(src=ip4(), dst=ip4()) /
    UDP(sport=high_port(), dport=high_port()),
    lambda: over_udp(high_port(), 5004, RTP(version=2, payload_type=R.choice([0, 8, 96]), sequence=R.randrange(65536),
                                            timestamp=R.randrange(2**32), sourcesync=R.randrange(2**32)) /
                     Raw(b"\x55" * 20)),
    lambda: over_ip(IGMP(type=R.choice([0x11, 0x16, 0x17]), gaddr="239.1.%d.%d" % (R.randrange(256), R.randrange(1, 255)))),
    lambda: over_ip(OSPF_Hdr(src=ip4(), area=ip4()) / OSPF_Hello(router=ip4(), backup=ip4(), neighbors=[ip4()])),
    lambda: over_ip(TCP(sport=179, dport=high_port(), flags="PA") / BGPHeader(type=R.choice([1, 4])) /
                    (BGPOpen(my_as=R.randrange(65536), hold_time=180, bgp_id=ip4()) if R.random() < .5 else b"")),
    lambda: over_tcp(high_port(), 80, R.choice([
        b"GET /%d HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\n\r\n" % R.randrange(999),
        b"POST /a HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"])),
    lambda: over_tcp(80, high_port(), b"HTTP/1.1 %d OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"
                     % R.choice([200, 404, 301])),
    lambda: over_udp(5060, 5060, Raw(
        b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK%d\r\n"
        b"From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: %d@192.0.2.1\r\n"
        b"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n" % (R.randrange(99999), R.randrange(99999)))),
    lambda: over_tcp(23, high_port(), R.choice([b"\xff\xfb\x01\xff\xfb\x03login: ", b"Password:"])),
    lambda: over_tcp(high_port(), 102, bytes.fromhex("0300001611e00000000100c0010ac1020100c2020102")),
    lambda: eth() / IPv6(src="2001:db8::1", dst="ff02::d") / PIMv2Hdr(type=0) /
    PIMv2Hello(option=[PIMv2HelloHoldtime(holdtime=105), PIMv2HelloDRPriority(dr_priority=R.randrange(2**32))]),
]


# ---- one layer fuzzed ----

FUZZ = [
    lambda: eth() / fuzz(IP(src=ip4(), dst=ip4())) / Raw(b"x" * R.randrange(0, 40)),
    lambda: eth() / IP(src=ip4(), dst=ip4()) / fuzz(TCP(sport=high_port(), dport=high_port())) /
    Raw(b"y" * R.randrange(0, 20)),
    lambda: eth() / IP(src=ip4(), dst=ip4()) / fuzz(UDP(sport=high_port(), dport=high_port())),
    lambda: eth() / IP(src=ip4(), dst=ip4()) / UDP(sport=53, dport=high_port()) /
    fuzz(DNS(qd=DNSQR(qname="a.example.com"), an=DNSRR(rrname="a.example.com", rdata=ip4()))),
    # The timestamps are drawn here: scapy's defaults are the time of day.
    lambda: eth() / IP(src=ip4(), dst=ip4()) / fuzz(ICMP(ts_ori=R.randrange(2**32), ts_rx=R.randrange(2**32),
                                                        ts_tx=R.randrange(2**32))),
    lambda: eth() / fuzz(IPv6(src=ip6(), dst=ip6())) / UDP(sport=high_port(), dport=high_port()),
    lambda: eth() / IPv6(src=ip6(), dst=ip6()) / fuzz(ICMPv6EchoRequest()),
    lambda: eth() / IPv6(src=ip6(), dst=ip6()) / fuzz(TCP(sport=high_port(), dport=high_port())),
    lambda: eth() / fuzz(ARP(psrc=ip4(), pdst=ip4())),
    lambda: eth() / fuzz(Dot1Q()) / IP(src=ip4(), dst=ip4()) / UDP(sport=high_port(), dport=high_port()),
    lambda: (eth() / IPv6(src=ip6(), dst=ip6()) /
             R.choice([lambda: fuzz(IPv6ExtHdrHopByHop(options=[RouterAlert()])),
                       lambda: fuzz(IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0")])),
                       lambda: fuzz(IPv6ExtHdrRouting(addresses=[ip6()])), lambda: fuzz(IPv6ExtHdrFragment())])() /
             UDP(sport=high_port(), dport=high_port())),
    lambda: eth() / IPv6(src=ip6(), dst=ip6()) / ICMPv6ND_RA() / fuzz(ICMPv6NDOptPrefixInfo()) / fuzz(ICMPv6NDOptMTU()),
    lambda: (eth() / IP(src=ip4(), dst=ip4(), options=[R.choice([lambda: fuzz(IPOption_RR()),
                                                                  lambda: fuzz(IPOption_Timestamp())])()]) /
             UDP(sport=high_port(), dport=high_port())),
]


# ---- other link types: 802.11 under radiotap, Linux cooked capture ----

def radiotap():
    return RadioTap(present="Flags+Rate+Channel+dBm_AntSignal", Flags=0, Rate=R.choice([2, 12, 108]),
                    ChannelFrequency=R.choice([2412, 2437, 5180]), ChannelFlags=0xa0,
                    dBm_AntSignal=-R.randrange(20, 90))


WIRELESS = [
    lambda: (Dot11(type=0, subtype=8, addr1="ff:ff:ff:ff:ff:ff", addr2=mac(), addr3=mac(), SC=R.randrange(65536)) /
             Dot11Beacon(timestamp=R.randrange(2**40), beacon_interval=100, cap=R.choice([0x0411, 0x0431])) /
             Dot11Elt(ID=0, info=b"net%d" % R.randrange(99)) / Dot11Elt(ID=1, info=b"\x82\x84\x8b\x96") /
             Dot11Elt(ID=3, info=bytes([R.randrange(1, 14)]))),
    lambda: (Dot11(type=0, subtype=4, addr1="ff:ff:ff:ff:ff:ff", addr2=mac(), addr3="ff:ff:ff:ff:ff:ff",
                   SC=R.randrange(65536)) / Dot11ProbeReq() / Dot11Elt(ID=0, info=b"") / Dot11Elt(ID=1, info=b"\x02\x04")),
    lambda: (Dot11(type=2, subtype=0, FCfield=R.choice([1, 2]), addr1=mac(), addr2=mac(), addr3=mac(),
                   SC=R.randrange(65536)) / LLC() / SNAP() / IP(src=ip4(), dst=ip4()) /
             UDP(sport=high_port(), dport=high_port())),
    lambda: Dot11(type=1, subtype=R.choice([11, 12, 13]), addr1=mac(), addr2=mac()),
]


def cooked():
    return (CookedLinux(pkttype=R.randrange(5), lladdrtype=1, lladdrlen=6,
                        src=bytes(R.randrange(256) for _ in range(6)) + b"\0\0") / IP(src=ip4(), dst=ip4()) /
            R.choice([lambda: TCP(sport=high_port(), dport=high_port(), flags="S"),
                      lambda: UDP(sport=high_port(), dport=53) / DNS(qd=DNSQR(qname="x.example.com"))])())


def write(path, make, count, link=Ether):
    packets = []
    for i in range(count):
        try:
            b = raw(make())
        except Exception:  # a fuzzed value scapy itself cannot encode: draw again
            continue
        p = link(b)
        p.time = 1700000000 + i / 1000
        packets.append(p)
    wrpcap(path, packets)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1500)
    args = ap.parse_args()
    os.makedirs(os.path.join(args.outdir, "gen"), exist_ok=True)
    files = (("core", core, Ether), ("more", lambda: R.choice(MORE)(), Ether), ("fuzz", lambda: R.choice(FUZZ)(), Ether),
             ("wireless", lambda: radiotap() / R.choice(WIRELESS)(), RadioTap), ("cooked", cooked, CookedLinux))
    for k, (name, make, link) in enumerate(files):
        random.seed(args.seed + k)  # fuzz() draws from the module's generator
        R.seed(args.seed + k)
        write(os.path.join(args.outdir, "gen", name + ".pcap"), make, args.count, link)
    return 0


if __name__ == "__main__":
    sys.exit(main())
