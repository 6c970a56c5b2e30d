# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for the core protocols (link glue, ARP, IPv4, IPv6, ICMP, ICMPv6, TCP, UDP, DNS)."""
from oracle_fields import elems, field, tagged, times4

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["eth", "vlan", "ieee8021ad", "sll", "llc", "arp", "ip", "ipv6", "ipv6.hopopts",
                      "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts", "ah", "icmp", "icmpv6", "tcp", "udp",
                      "dns", "null"]


def final_dst(v, layer):
    for o in layer.get("opts", []):
        body = o.get("body", "")
        if int(o.get("type", 0)) in (131, 137) and len(body) >= 2 + 8:
            last = bytes.fromhex(body[-8:])
            return ".".join(str(b) for b in last)
    return v


def ip_versions(pkt):
    """tshark puts a (hidden) ip.version on every IPv6 header too: IPv6 in IPv4 quoted by ICMPv6 gives
    4, 6, 6 (6in4tunnel.pcap)."""
    return [l["v"] for l in pkt["layers"] if l.get("layer") in ("ip", "ip6") and "v" in l]


ICMP = ("icmp",)
ICMP6 = ("icmp6",)
DNS_RR_SETS = ("answers", "auths", "addrecords")

# tshark field -> how to get our values. Keep to the fields of tshark-fields.tsv for this protocols.
MAP = {
    # Ethernet / VLAN / cooked / LLC
    "eth.dst": field("ethernet", "dst"),
    "eth.src": field("ethernet", "src"),
    "eth.type": field("ethernet", "type", when=lambda l: int(l.get("type", 0)) > 1500),
    "eth.len": field("ethernet", "type", when=lambda l: int(l.get("type", 0)) <= 1500),
    "vlan.priority": tagged(0x8100, "prio"),
    "vlan.dei": tagged(0x8100, "cfi"),
    "vlan.id": tagged(0x8100, "vid"),
    "vlan.etype": tagged(0x8100, "type", when=lambda l: int(l.get("type", 0)) > 1500),
    "ieee8021ad.priority": tagged(0x88a8, "prio"),
    "ieee8021ad.dei": tagged(0x88a8, "cfi"),
    "ieee8021ad.id": tagged(0x88a8, "vid"),
    "sll.pkttype": field("linuxcc", "dir"),
    "sll.hatype": field("linuxcc", "addrtype"),
    "sll.halen": field("linuxcc", "addrlen"),
    "sll.etype": field("linuxcc", "type", when=lambda l: int(l.get("type", 0)) >= 0x600),
    "llc.dsap": field("llc", "dsap"),
    "llc.ssap": field("llc", "ssap"),
    # I and S frames have a 2-byte control field that tshark shows as one 16-bit value; ours is its first
    # byte (the second has no field: SNAP would overlap it), so compare U frames only.
    "llc.control": field("llc", "ctrl", when=lambda l: int(l.get("ctrl", 0)) & 3 == 3),
    # ARP
    "arp.hw.type": field("arp", "hrd"),
    "arp.proto.type": field("arp", "pro"),
    "arp.hw.size": field("arp", "hln"),
    "arp.proto.size": field("arp", "pln"),
    "arp.opcode": field("arp", "op"),
    "arp.src.hw_mac": field("arp", "sha"),
    "arp.src.proto_ipv4": field("arp", "spa"),
    "arp.dst.hw_mac": field("arp", "tha"),
    "arp.dst.proto_ipv4": field("arp", "tpa"),
    # IPv4
    "ip.version": ip_versions,
    "ip.hdr_len": field("ip", "hl", conv=times4),
    "ip.dsfield": field("ip", "tos"),
    "ip.len": field("ip", "len"),
    "ip.id": field("ip", "id"),
    "ip.flags": field("ip", "flags"),
    "ip.frag_offset": field("ip", "offset"),
    "ip.ttl": field("ip", "ttl"),
    "ip.proto": field("ip", "p"),
    "ip.checksum": field("ip", "sum"),
    "ip.src": field("ip", "src"),
    # Under a strict or loose source route tshark's ip.dst is the route's final destination (the header's
    # destination shows as "Via"), as RFC 791 means it; our dst is the header field.
    "ip.dst": field("ip", "dst", conv=final_dst),
    "ip.opt.type": elems("ip", ("opts",), "type"),
    # IPv6 and extension headers
    "ipv6.version": field("ip6", "v"),
    "ipv6.tclass": field("ip6", "fc"),
    "ipv6.flow": field("ip6", "flow"),
    "ipv6.plen": field("ip6", "dlen"),
    "ipv6.nxt": field("ip6", "nxt"),
    "ipv6.hlim": field("ip6", "hlim"),
    "ipv6.src": field("ip6", "src"),
    "ipv6.dst": field("ip6", "dst"),
    "ipv6.hopopts.nxt": field("ip6hopoptsheader", "nxt"),
    "ipv6.hopopts.len": field("ip6hopoptsheader", "len"),
    "ipv6.dstopts.nxt": field("ip6dstoptsheader", "nxt"),
    "ipv6.dstopts.len": field("ip6dstoptsheader", "len"),
    "ipv6.routing.nxt": field("ip6routingheader", "nxt"),
    "ipv6.routing.len": field("ip6routingheader", "len"),
    "ipv6.routing.type": field("ip6routingheader", "type"),
    "ipv6.routing.segleft": field("ip6routingheader", "segs_left"),
    "ipv6.fraghdr.nxt": field("ip6fragmentheader", "nxt"),
    "ipv6.fraghdr.offset": field("ip6fragmentheader", "frag_off"),
    "ipv6.fraghdr.more": field("ip6fragmentheader", "m_flag"),
    "ipv6.fraghdr.ident": field("ip6fragmentheader", "id"),
    "ah.next_header": field("ah", "nxt"),
    "ah.length": field("ah", "len"),
    "ah.spi": field("ah", "spi"),
    "ah.sequence": field("ah", "seq"),
    # ICMP
    "icmp.type": field("icmp", "type"),
    "icmp.code": field("icmp", "code"),
    "icmp.checksum": field("icmp", "sum"),
    "icmp.ident": field("echo", "id", after=ICMP),
    "icmp.seq": field("echo", "seq", after=ICMP),
    "icmp.redir_gw": field("redirect", "gw", after=ICMP),
    # ICMPv6
    "icmpv6.type": field("icmp6", "type"),
    "icmpv6.code": field("icmp6", "code"),
    "icmpv6.checksum": field("icmp6", "sum"),
    "icmpv6.echo.identifier": field("echo", "id", after=ICMP6),
    "icmpv6.echo.sequence_number": field("echo", "seq", after=ICMP6),
    "icmpv6.mtu": field("toobig", "mtu", after=ICMP6),
    "icmpv6.pointer": field("paramprob", "ptr", after=ICMP6),
    "icmpv6.nd.ns.target_address": field("neighboursolicitation", "target", after=ICMP6),
    "icmpv6.nd.na.target_address": field("neighbouradvertisement", "target", after=ICMP6),
    "icmpv6.nd.na.flag": field("neighbouradvertisement", "flags", after=ICMP6),
    # TCP
    "tcp.srcport": field("tcp", "sport"),
    "tcp.dstport": field("tcp", "dport"),
    "tcp.seq_raw": field("tcp", "seq"),
    "tcp.ack_raw": field("tcp", "ack"),
    "tcp.hdr_len": field("tcp", "off", conv=times4),
    "tcp.window_size_value": field("tcp", "win"),
    "tcp.checksum": field("tcp", "sum"),
    "tcp.urgent_pointer": field("tcp", "urp"),
    "tcp.option_kind": elems("tcp", ("opts",), "type"),
    "tcp.options.mss_val": elems("tcp", ("opts",), "mss"),
    "tcp.options.timestamp.tsval": elems("tcp", ("opts",), "tsval"),
    "tcp.options.timestamp.tsecr": elems("tcp", ("opts",), "tsecr"),
    # UDP
    "udp.srcport": field("udp", "sport"),
    "udp.dstport": field("udp", "dport"),
    "udp.length": field("udp", "ulen"),
    "udp.checksum": field("udp", "sum"),
    # DNS
    "dns.id": field("dns", "id"),
    "dns.flags.response": field("dns", "qr"),
    "dns.flags.opcode": field("dns", "opcode"),
    "dns.flags.rcode": field("dns", "rcode"),
    "dns.count.queries": field("dns", "questions_amount"),
    "dns.count.answers": field("dns", "answers_amount"),
    "dns.count.auth_rr": field("dns", "authrr_amount"),
    "dns.count.add_rr": field("dns", "addrr_amount"),
    "dns.qry.name": elems("dns", ("queries",), "name"),
    "dns.qry.type": elems("dns", ("queries",), "type"),
    "dns.qry.class": elems("dns", ("queries",), "cls"),
    "dns.resp.name": elems("dns", DNS_RR_SETS, "name"),
    "dns.resp.type": elems("dns", DNS_RR_SETS, "type"),
    "dns.resp.ttl": elems("dns", DNS_RR_SETS, "ttl", when=lambda e: int(e.get("type", 0)) != 41),
    "dns.resp.len": elems("dns", DNS_RR_SETS, "dlen"),
    "dns.a": elems("dns", DNS_RR_SETS, "address", when=lambda e: int(e.get("type", 0)) == 1),
    "dns.aaaa": elems("dns", DNS_RR_SETS, "address", when=lambda e: int(e.get("type", 0)) == 28),
}

# tshark fields whose differences are explained (field -> why). Mismatches here are reported, not failed.
KNOWN_DIFFERENCES = {
    "ip.opt.type": "an option whose length runs past the header end: we list it, flagged malformed; tshark "
                   "raises an expert error and lists no type for it",
    "tcp.option_kind": "after end-of-list, tshark lists every padding byte as another EOL; RFC 9293 3.1 says "
                       "what follows end-of-list is padding, so we stop there",
}


FUZZED = "ndpi/fuzz-2006-06-26-2594.pcap"
_FUZZED_NAMES = ("a fuzzed capture: label bytes outside printable ASCII, which tshark shows as U+FFFD and "
                 "we escape as \\DDD (RFC 4343 2.1)")
_FUZZED_RRS = "a fuzzed capture: tshark stops at a record it cannot decode; we list each record that fits"
CUT_DNS = "dpkt/truncated_dns.pcap"
_CUT_RR = ("the snap length (200 of 238 bytes) cuts the 7th answer after its TTL: we list the fields that were "
           "captured (name, type, class, TTL), the record and layer flagged truncated; tshark shows nothing of a "
           "record it cannot read to its end, only '[Packet size limited during capture: DNS truncated]'")
FILE_DIFFERENCES = {
    "dns.qry.name": {FUZZED: _FUZZED_NAMES},
    "dns.resp.name": {FUZZED: _FUZZED_NAMES, CUT_DNS: _CUT_RR},
    "dns.resp.len": {FUZZED: _FUZZED_RRS},
    "dns.resp.ttl": {FUZZED: _FUZZED_RRS, CUT_DNS: _CUT_RR},
    "dns.resp.type": {FUZZED: _FUZZED_RRS, CUT_DNS: _CUT_RR},
}
