# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for the core protocols (link glue, ARP, IPv4, IPv6, ICMP, ICMPv6, TCP, UDP, DNS)."""
import base64
import ipaddress
import time

from oracle_fields import elems, field, layers_named, tagged, times4

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["eth", "vlan", "ieee8021ad", "sll", "llc", "arp", "ip", "ipv6", "ipv6.hopopts",
                      "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts", "ah", "icmp", "icmpv6", "tcp", "udp",
                      "dns", "null"]


def final_dst(v, layer):
    # tshark follows the route only in an option it could read whole (not in tcpdump/ip_printroute_asan.pcap's
    # header cut by the snap length): there ip.dst stays the header's destination
    if layer.get("truncated") or layer.get("malformed"):
        return v
    for o in layer.get("opts", []):
        body = o.get("body", "")
        # nor in one whose pointer (the body's first byte) points into the middle of an address
        if int(o.get("type", 0)) in (131, 137) and len(body) >= 2 + 8 and int(body[:2], 16) % 4 == 0:
            last = bytes.fromhex(body[-8:])
            return ".".join(str(b) for b in last)
    return v


def ip_versions(pkt):
    """tshark puts a (hidden) ip.version on every IPv6 header too: IPv6 in IPv4 quoted by ICMPv6 gives
    4, 6, 6 (6in4tunnel.pcap)."""
    return [l["v"] for l in pkt["layers"] if l.get("layer") in ("ip", "ip6") and "v" in l]


def mdns_class(v, _e, pkt):
    """RFC 6762 5.4 / 10.2: in multicast DNS (UDP port 5353) the top bit of a question's class is the
    unicast-response bit and of a record's class the cache-flush bit; tshark splits it out (dns.qry.qu,
    dns.resp.cache_flush) and shows the 15-bit class. Our cls is the 16-bit field as RFC 1035 4.1.2 has it,
    so compare its low 15 bits in mDNS only."""
    ports = [int(l.get(k, 0)) for l in pkt["layers"] if l.get("layer") == "udp" for k in ("sport", "dport")]
    return int(v) & 0x7FFF if 5353 in ports else v


def dns_elems(sets, key, conv, when=None):
    """elems() whose conversion also sees the packet (mdns_class needs the UDP ports)."""
    def get(pkt):
        return [conv(v, None, pkt) for v in elems("dns", sets, key, when=when)(pkt)]
    return get


C_ESCAPES = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}


def dns_text(v, _e):
    """Our names are in RFC 1035 5.1 presentation form (RFC 4343 2.1): a space or a byte outside printable
    ASCII inside a label is written \\DDD (a space in mDNS 'lp-rkerur-osx (9)._device-info._tcp.local', the
    UTF-8 of 'luca\u2019s imac'), and a dot or backslash inside a label \\. or \\\\ (the SOA mailbox
    'randy\\.smith.dla.mil', whose first label is 'randy.smith'). tshark shows the label's bytes as UTF-8
    (U+FFFD where they are not), so read those escapes back to bytes and decode them the same way before
    comparing. Control bytes stay escaped, as tshark writes them: C's escape for BEL through CR (\\a, \\b,
    \\t, \\n, \\v, \\f, \\r), \\DDD for the rest."""
    s = str(v)
    if "\\" not in s:
        return s
    out = bytearray()
    i = 0
    while i < len(s):
        digits = s[i + 1:i + 4]
        if s[i] != "\\" or i + 1 == len(s):
            out += s[i].encode()
            i += 1
        elif len(digits) == 3 and digits.isdigit():
            code = int(digits)
            out += bytes([code & 0xFF]) if code >= 32 else C_ESCAPES.get(code, s[i:i + 4]).encode()
            i += 4
        else:
            out += s[i + 1].encode()  # an escaped dot or backslash
            i += 2
    return out.decode("utf-8", errors="replace")


DNS_RR_SETS = ("answers", "auths", "addrecords")


def bitmap_types(e):
    """The types in the type bitmaps of an NSEC (RFC 4034 4.1.2) or NSEC3 (RFC 5155 3.2) record, which
    tshark lists as further dns.resp.type values after the record's own type; we keep them as bytes
    (type_bitmaps)."""
    if int(e.get("type", 0)) not in (47, 50):
        return []
    b = bytes.fromhex(e.get("type_bitmaps", ""))
    out = []
    i = 0
    while i + 2 <= len(b):
        win, n = b[i], b[i + 1]
        for j, octet in enumerate(b[i + 2:i + 2 + n]):
            out += [win * 256 + j * 8 + k for k in range(8) if octet & (0x80 >> k)]
        i += 2 + n
    return out


def dns_resp_types(pkt):
    vals = []
    for l in layers_named(pkt, "dns"):
        for s in DNS_RR_SETS:
            for e in l.get(s, []):
                if "type" in e:
                    vals.append(e["type"])
                    vals += bitmap_types(e)
    return vals


ICMP = ("icmp",)
ICMP6 = ("icmp6",)
ND_LAYERS = ("routersolicitation", "routeradvertisement", "neighboursolicitation", "neighbouradvertisement",
             "redirect")

# tshark field -> how to get our values. Keep to the fields of tshark-fields.tsv for this protocols.
SLL = ("linuxcc", "linuxcc2")


def mld_code(flag, mant_bits, exp_bits):
    """tshark shows an MLDv2 query's maximum response code and QQIC as the time they encode (RFC 3810
    5.1.3, 5.1.9): at or above @flag, (mantissa | 1 << mant_bits) << (exponent + 3); ours are the codes."""
    def conv(v, _l):
        v = int(v)
        if v < flag:
            return v
        mant, exp = v & ((1 << mant_bits) - 1), (v >> mant_bits) & ((1 << exp_bits) - 1)
        return (mant | 1 << mant_bits) << (exp + 3)
    return conv


def base32hex(v, _e):
    """Bytes (our hex) as RFC 4648 7's base32hex without padding, in lower case: tshark's NSEC3 hash."""
    return base64.b32hexencode(bytes.fromhex(v)).decode().rstrip("=").lower()


def unix_time(v, _e):
    """Seconds since 1970 as tshark prints an FT_ABSOLUTE_TIME (UTC)."""
    return time.strftime("%b %e, %Y %H:%M:%S", time.gmtime(int(v))) + ".000000000 UTC"


def rr_of(*types):
    """Only records of these types."""
    return lambda e: int(e.get("type", 0)) in types


def dns_ns(pkt):
    """An NS record's name: pypacker calls it "server" in the authority section, "address" elsewhere."""
    out = []
    for l in layers_named(pkt, "dns"):
        for s in DNS_RR_SETS:
            for e in l.get(s, []):
                if int(e.get("type", 0)) == 2 and ("server" in e or "address" in e):
                    out.append(dns_text(e.get("server", e.get("address")), e))
    return out


def snap_part(lo, hi, when):
    """Bytes lo..hi of an LLC layer's SNAP header (OUI 0-3, PID 3-5) as an integer, for SNAP headers
    (DSAP and SSAP 0xaa) whose OUI passes @when."""
    return field("llc", "snap", conv=lambda v, _l: int(v[2 * lo:2 * hi], 16),
                 when=lambda l: int(l.get("dsap", 0)) == 0xaa and len(l.get("snap", "")) == 10 and
                 when(int(l["snap"][:6], 16)))


def tcp_flags(v, layer):
    """tshark's tcp.flags is 12 bits: the reserved bits and AE (the low nibble of off_x2) above the 8."""
    return (int(layer.get("x2", 0)) & 0xf) << 8 | int(v)


def eth_trailer(part):
    """tshark's split of the bytes after an Ethernet frame's packet (our "padding" member, on whichever
    layer holds them: the ethernet layer, or an 802.1Q tag's, or a layer above that ends early): eth.padding
    is what brings the frame to 60 bytes when those bytes are zeros, eth.trailer the rest, less its last 4
    bytes, which tshark takes for the FCS (eth.fcs) when the frame is 64 bytes or more (packet-eth.c).
    libpkt never assumes an FCS: to it they are all padding."""
    def get(pkt):
        layers = pkt["layers"]
        if not layers or layers[0].get("layer") != "ethernet":
            return []
        for i, l in enumerate(layers):
            if not l.get("padding"):
                continue
            t = bytes.fromhex(l["padding"])
            if any(x.get("layer") == "ethernet" for x in layers[1:i + 1]):
                # A frame inside a tunnel (ERSPAN, VXLAN): tshark's Ethernet there assumes no FCS and
                # does not split off padding: all of it is the trailer, the 802.1Q tag's when a tag
                # holds it (vlan.trailer).
                return [t.hex()] if part == ("vlan" if l.get("layer") == "dot1q" else "trailer") else []
            if part == "vlan":
                return []  # the outer frame's: eth.* whichever layer holds it
            frame, n = int(pkt["len"]), 0
            if frame >= 60 and frame - len(t) < 60:
                n = min(60 - (frame - len(t)), len(t))
                n = n if not any(t[:n]) else 0
            rest = t[n:]
            # a frame cut by the snap length keeps its FCS beyond what was captured
            whole = int(pkt.get("caplen", frame)) >= frame
            fcs = rest[-4:] if whole and frame >= 64 and len(rest) >= 4 else b""
            if part == "fcs":
                return [int(fcs.hex(), 16)] if fcs else []
            value = t[:n] if part == "padding" else rest[:len(rest) - len(fcs)]
            return [value.hex()] if value else []
        return []
    return get


MAP = {
    # Ethernet / VLAN / cooked / LLC
    "eth.padding": eth_trailer("padding"),
    "eth.trailer": eth_trailer("trailer"),
    "eth.fcs": eth_trailer("fcs"),
    "vlan.trailer": eth_trailer("vlan"),
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
    # tshark's sll.* fields name both versions of the header (SLL2 adds the interface index).
    "sll.pkttype": field(SLL, "dir"),
    "sll.hatype": field(SLL, "addrtype"),
    "sll.halen": field(SLL, "addrlen"),
    "sll.etype": field(SLL, "type", when=lambda l: int(l.get("type", 0)) >= 0x600),
    "sll.ifindex": field("linuxcc2", "ifindex"),
    "sll.src.eth": field(SLL, "info", conv=lambda v, _l: ":".join(v[i:i + 2] for i in range(0, 12, 2)),
                         when=lambda l: l.get("addrlen") == 6 and l.get("addrtype") in (1, 772)),
    "llc.dsap": field("llc", "dsap"),
    "llc.ssap": field("llc", "ssap"),
    # I and S frames have a 2-byte control field that tshark shows as one 16-bit value; ours is its first
    # byte (the second has no field: SNAP would overlap it), so compare U frames only.
    "llc.control": field("llc", "ctrl", when=lambda l: int(l.get("ctrl", 0)) & 3 == 3),
    "llc.oui": snap_part(0, 3, lambda oui: True),
    "llc.type": snap_part(3, 5, lambda oui: oui == 0),
    "llc.cisco_pid": snap_part(3, 5, lambda oui: oui == 0x00000c),
    "llc.pid": snap_part(3, 5, lambda oui: oui not in (0, 0x00000c)),
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
    "ip.opt.len": elems("ip", ("opts",), "len"),
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
    "ipv6.routing.src.addr": elems("ip6routingheader", ("addresses",), "addr"),
    "ipv6.opt.type": elems(("ip6hopoptsheader", "ip6dstoptsheader"), ("opts",), "type"),
    "ipv6.opt.length": elems(("ip6hopoptsheader", "ip6dstoptsheader"), ("opts",), "len"),
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
    "icmp.ident": field(("echo", "tstamp", "addrmask"), "id", after=ICMP),
    "icmp.seq": field(("echo", "tstamp", "addrmask"), "seq", after=ICMP),
    "icmp.originate_timestamp": field("tstamp", "ts_ori", after=ICMP),
    "icmp.receive_timestamp": field("tstamp", "ts_rx", after=ICMP),
    "icmp.transmit_timestamp": field("tstamp", "ts_tx", after=ICMP),
    "icmp.address_mask": field("addrmask", "addr_mask", after=ICMP),
    "icmp.redir_gw": field("redirect", "gw", after=ICMP),
    "icmp.mtu": field("unreach", "mtu", after=ICMP),
    # ICMPv6
    "icmpv6.type": field("icmp6", "type"),
    "icmpv6.code": field("icmp6", "code"),
    "icmpv6.checksum": field("icmp6", "sum"),
    "icmpv6.echo.identifier": field("echo", "id", after=ICMP6),
    "icmpv6.echo.sequence_number": field("echo", "seq", after=ICMP6),
    "icmpv6.mtu": field("toobig", "mtu", after=ICMP6),
    "icmpv6.opt.type": elems(ND_LAYERS, ("opts",), "type", after=ICMP6),
    "icmpv6.opt.length": elems(ND_LAYERS, ("opts",), "len", after=ICMP6),
    "icmpv6.pointer": field("paramprob", "ptr", after=ICMP6),
    "icmpv6.nd.ns.target_address": field("neighboursolicitation", "target", after=ICMP6),
    "icmpv6.nd.na.target_address": field("neighbouradvertisement", "target", after=ICMP6),
    "icmpv6.nd.na.flag": field("neighbouradvertisement", "flags", after=ICMP6),
    # MLD (RFC 2710, RFC 3810)
    "icmpv6.mld.maximum_response_delay": field("mld", "maxdelay"),
    "icmpv6.mld.maximum_response_code": field("mldv2query", "maxresp", conv=mld_code(0x8000, 12, 3)),
    "icmpv6.mld.multicast_address": field(("mld", "mldv2query"), "maddr"),
    "icmpv6.mld.flag.s": field("mldv2query", "s"),
    "icmpv6.mld.flag.qrv": field("mldv2query", "qrv"),
    "icmpv6.mld.qqi": field("mldv2query", "qqic", conv=mld_code(0x80, 4, 3)),
    "icmpv6.mld.nb_sources": field("mldv2query", "nsrcs"),
    "icmpv6.mld.source_address": elems("mldv2query", ("srcs",), "src"),
    "icmpv6.mldr.nb_mcast_records": field("mldv2report", "nrecords"),
    "icmpv6.mldr.mar.record_type": elems("mldv2report", ("records",), "type"),
    "icmpv6.mldr.mar.aux_data_len": elems("mldv2report", ("records",), "auxlen"),
    "icmpv6.mldr.mar.nb_sources": elems("mldv2report", ("records",), "nsrcs"),
    "icmpv6.mldr.mar.multicast_address": elems("mldv2report", ("records",), "maddr"),
    "icmpv6.mldr.mar.source_address": lambda pkt: [
        str(ipaddress.IPv6Address(bytes.fromhex(e["srcs"][i:i + 32])))
        for l in layers_named(pkt, "mldv2report") for e in l.get("records", []) if "srcs" in e
        for i in range(0, len(e["srcs"]) - 31, 32)],
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
    "tcp.flags": field("tcp", "flags", conv=tcp_flags),
    "tcp.option_len": elems("tcp", ("opts",), "len"),
    "tcp.options.mss_val": elems("tcp", ("opts",), "mss"),
    "tcp.options.wscale.shift": elems("tcp", ("opts",), "wscale"),
    "tcp.options.sack_le": lambda pkt: [e[k] for l in layers_named(pkt, "tcp") for e in l.get("opts", [])
                                        for k in sorted((k for k in e if k.startswith("left")),
                                                        key=lambda k: int(k[4:]))],
    "tcp.options.sack_re": lambda pkt: [e[k] for l in layers_named(pkt, "tcp") for e in l.get("opts", [])
                                        for k in sorted((k for k in e if k.startswith("right")),
                                                        key=lambda k: int(k[5:]))],
    "tcp.options.timestamp.tsval": elems("tcp", ("opts",), "tsval"),
    "tcp.options.timestamp.tsecr": elems("tcp", ("opts",), "tsecr"),
    # UDP
    "udp.srcport": field("udp", "sport"),
    "udp.dstport": field("udp", "dport"),
    "udp.length": field("udp", "ulen"),
    "udp.checksum": field("udp", "sum"),
    # DNS
    "dns.id": field("dns", "id"),
    "dns.flags": field("dns", "flags"),
    "dns.flags.response": field("dns", "qr"),
    "dns.flags.opcode": field("dns", "opcode"),
    "dns.flags.rcode": field("dns", "rcode"),
    "dns.count.queries": field("dns", "questions_amount"),
    "dns.count.answers": field("dns", "answers_amount"),
    "dns.count.auth_rr": field("dns", "authrr_amount"),
    "dns.count.add_rr": field("dns", "addrr_amount"),
    "dns.qry.name": elems("dns", ("queries",), "name", conv=dns_text),
    "dns.qry.type": elems("dns", ("queries",), "type"),
    "dns.qry.class": dns_elems(("queries",), "cls", mdns_class),
    # tshark shows an SRV record's owner name split into dns.srv.service/proto/name, not as dns.resp.name
    "dns.resp.name": elems("dns", DNS_RR_SETS, "name", conv=dns_text,
                           when=lambda e: int(e.get("type", 0)) != 33),
    "dns.resp.type": dns_resp_types,
    "dns.resp.class": dns_elems(DNS_RR_SETS, "cls", mdns_class, when=lambda e: int(e.get("type", 0)) != 41),
    "dns.ns": dns_ns,
    "dns.hinfo.cpu_length": elems("dns", DNS_RR_SETS, "cpulen", when=rr_of(13)),
    "dns.hinfo.cpu": elems("dns", DNS_RR_SETS, "cpu", when=rr_of(13)),
    "dns.hinfo.os_length": elems("dns", DNS_RR_SETS, "oslen", when=rr_of(13)),
    "dns.hinfo.os": elems("dns", DNS_RR_SETS, "os", when=rr_of(13)),
    "dns.caa.flags": elems("dns", DNS_RR_SETS, "flags", when=rr_of(257)),
    "dns.caa.tag_length": elems("dns", DNS_RR_SETS, "taglen", when=rr_of(257)),
    "dns.caa.tag": elems("dns", DNS_RR_SETS, "tag", when=rr_of(257)),
    "dns.naptr.order": elems("dns", DNS_RR_SETS, "order", when=rr_of(35)),
    "dns.naptr.preference": elems("dns", DNS_RR_SETS, "preference", when=rr_of(35)),
    "dns.naptr.flags_length": elems("dns", DNS_RR_SETS, "flagslen", when=rr_of(35)),
    "dns.naptr.flags": elems("dns", DNS_RR_SETS, "flags", when=rr_of(35)),
    "dns.naptr.service_length": elems("dns", DNS_RR_SETS, "serviceslen", when=rr_of(35)),
    "dns.naptr.service": elems("dns", DNS_RR_SETS, "services", when=rr_of(35)),
    "dns.naptr.regex_length": elems("dns", DNS_RR_SETS, "regexplen", when=rr_of(35)),
    "dns.naptr.regex": elems("dns", DNS_RR_SETS, "regexp", when=rr_of(35)),
    "dns.naptr.replacement": elems("dns", DNS_RR_SETS, "replacement", conv=dns_text, when=rr_of(35)),
    "dns.soa.mname": elems("dns", DNS_RR_SETS, "name2", conv=dns_text, when=rr_of(6)),
    "dns.soa.rname": elems("dns", DNS_RR_SETS, "mailbox", conv=dns_text, when=rr_of(6)),
    "dns.soa.serial_number": elems("dns", DNS_RR_SETS, "serial", when=rr_of(6)),
    "dns.soa.refresh_interval": elems("dns", DNS_RR_SETS, "refresh", when=rr_of(6)),
    "dns.soa.retry_interval": elems("dns", DNS_RR_SETS, "retry", when=rr_of(6)),
    "dns.soa.expire_limit": elems("dns", DNS_RR_SETS, "expire", when=rr_of(6)),
    "dns.soa.minimum_ttl": elems("dns", DNS_RR_SETS, "minttl", when=rr_of(6)),
    "dns.rr.udp_payload_size": elems("dns", DNS_RR_SETS, "udpsize", when=rr_of(41)),
    "dns.resp.ext_rcode": elems("dns", DNS_RR_SETS, "rcode", when=rr_of(41)),
    "dns.resp.edns0_version": elems("dns", DNS_RR_SETS, "v", when=rr_of(41)),
    "dns.resp.z": elems("dns", DNS_RR_SETS, "z", when=rr_of(41)),
    "dns.resp.ttl": elems("dns", DNS_RR_SETS, "ttl", when=lambda e: int(e.get("type", 0)) != 41),
    "dns.resp.len": elems("dns", DNS_RR_SETS, "dlen"),
    "dns.a": elems("dns", DNS_RR_SETS, "address", when=lambda e: int(e.get("type", 0)) == 1),
    "dns.aaaa": elems("dns", DNS_RR_SETS, "address", when=lambda e: int(e.get("type", 0)) == 28),
    # DNSSEC and DANE record data (RFC 4034, RFC 5155, RFC 6698) and SVCB/HTTPS (RFC 9460), by tshark's names
    "dns.ds.key_id": elems("dns", DNS_RR_SETS, "key_id"),
    "dns.ds.algorithm": elems("dns", DNS_RR_SETS, "algorithm", when=lambda e: int(e.get("type", 0)) == 43),
    "dns.ds.digest_type": elems("dns", DNS_RR_SETS, "digest_type"),
    "dns.ds.digest": elems("dns", DNS_RR_SETS, "digest"),
    "dns.dnskey.flags": elems("dns", DNS_RR_SETS, "flags", when=lambda e: int(e.get("type", 0)) == 48),
    "dns.dnskey.protocol": elems("dns", DNS_RR_SETS, "protocol", when=rr_of(48)),
    "dns.dnskey.algorithm": elems("dns", DNS_RR_SETS, "algorithm", when=lambda e: int(e.get("type", 0)) == 48),
    "dns.dnskey.public_key": elems("dns", DNS_RR_SETS, "public_key", when=rr_of(48)),
    "dns.rrsig.type_covered": elems("dns", DNS_RR_SETS, "type_covered"),
    "dns.rrsig.algorithm": elems("dns", DNS_RR_SETS, "algorithm", when=rr_of(24, 46)),
    "dns.rrsig.labels": elems("dns", DNS_RR_SETS, "labels"),
    "dns.rrsig.original_ttl": elems("dns", DNS_RR_SETS, "original_ttl"),
    "dns.rrsig.key_tag": elems("dns", DNS_RR_SETS, "key_tag"),
    "dns.rrsig.signers_name": elems("dns", DNS_RR_SETS, "signers_name", conv=dns_text),
    "dns.rrsig.signature": elems("dns", DNS_RR_SETS, "signature"),
    "dns.nsec.next_domain_name": elems("dns", DNS_RR_SETS, "next_domain_name", conv=dns_text),
    "dns.nsec3.algo": elems("dns", DNS_RR_SETS, "algo"),
    "dns.nsec3.iterations": elems("dns", DNS_RR_SETS, "iterations"),
    "dns.nsec3.salt_length": elems("dns", DNS_RR_SETS, "salt_length"),
    # tshark shows an empty salt as <MISSING> (NSEC3PARAM and NSEC3 alike)
    "dns.nsec3.salt_value": elems("dns", DNS_RR_SETS, "salt_value", conv=lambda v, _e: v or "<MISSING>"),
    "dns.nsec3.flags": elems("dns", DNS_RR_SETS, "flags", when=rr_of(50, 51)),
    "dns.nsec3.hash_length": elems("dns", DNS_RR_SETS, "hash_length"),
    "dns.nsec3.hash_value": elems("dns", DNS_RR_SETS, "hash_value", conv=base32hex),
    "dns.key.flags": elems("dns", DNS_RR_SETS, "flags", when=rr_of(25)),
    "dns.key.protocol": elems("dns", DNS_RR_SETS, "protocol", when=rr_of(25)),
    "dns.key.algorithm": elems("dns", DNS_RR_SETS, "algorithm", when=rr_of(25)),
    "dns.key.public_key": elems("dns", DNS_RR_SETS, "public_key", when=rr_of(25)),
    # LOC (RFC 1876), SSHFP (RFC 4255), RP and AFSDB (RFC 1183), TSIG (RFC 8945) and TKEY (RFC 2930)
    **{"dns.loc." + k: elems("dns", DNS_RR_SETS, k, when=rr_of(29))
       for k in ("version", "size", "horizontal_precision", "vertical_precision", "latitude", "longitude",
                 "altitude")},
    "dns.sshfp.algorithm": elems("dns", DNS_RR_SETS, "algorithm", when=rr_of(44)),
    "dns.sshfp.fingerprint.type": elems("dns", DNS_RR_SETS, "fingerprint_type"),
    "dns.sshfp.fingerprint": elems("dns", DNS_RR_SETS, "fingerprint"),
    "dns.rp.mailbox": elems("dns", DNS_RR_SETS, "mailbox", conv=dns_text, when=rr_of(17)),
    "dns.rp.txt_rr": elems("dns", DNS_RR_SETS, "txt_rr", conv=dns_text),
    "dns.afsdb.subtype": elems("dns", DNS_RR_SETS, "subtype"),
    "dns.afsdb.hostname": elems("dns", DNS_RR_SETS, "hostname", conv=dns_text),
    "dns.tsig.algorithm_name": elems("dns", DNS_RR_SETS, "algorithm_name", conv=dns_text, when=rr_of(250)),
    "dns.tsig.time_signed": elems("dns", DNS_RR_SETS, "time_signed", conv=unix_time),
    **{"dns.tsig." + k: elems("dns", DNS_RR_SETS, k, when=rr_of(250))
       for k in ("fudge", "mac_size", "original_id", "error", "other_len")},
    # tshark lists other data (and a TKEY's key data) only when there is some
    "dns.tsig.other_data": elems("dns", DNS_RR_SETS, "other_data", when=lambda e: rr_of(250)(e) and e.get("other_data")),
    "dns.tkey.algo_name": elems("dns", DNS_RR_SETS, "algorithm_name", conv=dns_text, when=rr_of(249)),
    "dns.tkey.signature_inception": elems("dns", DNS_RR_SETS, "inception", conv=unix_time, when=rr_of(249)),
    "dns.tkey.signature_expiration": elems("dns", DNS_RR_SETS, "expiration", conv=unix_time, when=rr_of(249)),
    **{"dns.tkey." + k: elems("dns", DNS_RR_SETS, k, when=rr_of(249))
       for k in ("mode", "error", "key_size", "other_size")},
    "dns.tkey.key_data": elems("dns", DNS_RR_SETS, "key_data", when=lambda e: rr_of(249)(e) and e.get("key_data")),
    "dns.tlsa.certificate_usage": elems("dns", DNS_RR_SETS, "certificate_usage"),
    "dns.tlsa.selector": elems("dns", DNS_RR_SETS, "selector"),
    "dns.tlsa.matching_type": elems("dns", DNS_RR_SETS, "matching_type"),
    "dns.tlsa.certificate_association_data": elems("dns", DNS_RR_SETS, "certificate_association_data"),
    "dns.svcb.svcpriority": elems("dns", DNS_RR_SETS, "svcpriority"),
    "dns.svcb.targetname": elems("dns", DNS_RR_SETS, "targetname", conv=dns_text),
}

# Fields of the shared field map (../shared/corpus/tshark-fields.tsv) deliberately not compared (field -> why).
# tshark_compare.py fails when the map names a field that is neither in a MAP nor here.
UNMAPPED = {
    "icmp.data_time": "tshark's guess that an echo payload starts with a timestamp: no header field",
}

# tshark fields whose differences are explained (field -> why). Mismatches here are reported, not failed.
KNOWN_DIFFERENCES = {
    "ip.opt.type": "an option whose length runs past the header end: we list it, flagged malformed; tshark "
                   "raises an expert error and lists no type for it",
    "ip.opt.len": "as ip.opt.type: the length of an option that runs past the header end is listed by us only",
    "ipv6.opt.type": "an option that runs past its header, or whose length is wrong for its kind (a Home Address "
                     "option of length 1, zeek/ipv6-mobility-dst-opts.pcap): we list it flagged and walk on at "
                     "its stated length while the header holds options, as RFC 8200 4.2 delimits them; tshark "
                     "stops listing at it",
    "ipv6.opt.length": "as ipv6.opt.type",
    "tcp.option_len": "as tcp.option_kind; and an option whose length is below 2 (it cannot delimit itself, "
                      "ndpi/fuzz-2006-06-26-2594.pcap): we list it, flagged malformed, and stop; tshark lists "
                      "nothing of it",
    "tcp.option_kind": "after end-of-list, tshark lists every padding byte as another EOL; RFC 9293 3.1 says "
                       "what follows end-of-list is padding, so we stop there",
}


FUZZED = "ndpi/fuzz-2006-06-26-2594.pcap"
_FUZZED_NAMES = ("a fuzzed capture: label bytes outside printable ASCII, which tshark shows as U+FFFD and "
                 "we escape as \\DDD (RFC 4343 2.1)")
_FUZZED_RRS = "a fuzzed capture: tshark stops at a record it cannot decode; we list each record that fits"
BADLABEL = "tcpdump/dns-badlabel.pcap"
_BADLABEL_QS = ("the header claims 64259 questions: tshark stops with an exception after the first; we walk each "
                "record that fits in the message (the layer flagged malformed), so we list more questions")
REDIRECT6 = ("ICMPv6 Redirect with a Redirected Header option (RFC 4861 4.6.3): tshark decodes the quoted packet "
             "in the option as IPv6/ICMPv6 and so lists a second ipv6.* and icmpv6.*; we show the option's "
             "quoted packet as bytes (opts[].packet), its headers not decoded")
BOGUS_QUOTED_IP = ("frame 44 is an ICMP redirect quoting a header of version 7: tshark reports 'Bogus IP version' "
                   "and shows none of its fields; we decode the 20 bytes as the IPv4 header RFC 792 says is "
                   "quoted, flagged malformed")
# Records cut by a snap length or a fragment's end, hostile record sections, a Total Length of 0 and
# FabricPath are explained wherever they occur, by tshark_compare.RULES.
FILE_DIFFERENCES = {
    "dns.qry.name": {FUZZED: _FUZZED_NAMES},
    "dns.qry.type": {BADLABEL: _BADLABEL_QS},
    "dns.qry.class": {BADLABEL: _BADLABEL_QS},
    "dns.resp.name": {FUZZED: _FUZZED_NAMES},
    **{f: {FUZZED: _FUZZED_RRS} for f in ("dns.resp.len", "dns.resp.ttl", "dns.resp.class", "dns.resp.type")},
}
for _f in ("ipv6.version", "ipv6.tclass", "ipv6.flow", "ipv6.plen", "ipv6.nxt", "ipv6.hlim", "ipv6.src",
           "ipv6.dst", "icmpv6.type", "icmpv6.code", "icmpv6.checksum"):
    FILE_DIFFERENCES[_f] = {"packetnet/ipv6_redirect.pcap": REDIRECT6,
                            "pcap4j/IcmpV6RedirectPacketTest.pcap": REDIRECT6}
for _f in ("ip.hdr_len", "ip.dsfield", "ip.id", "ip.flags", "ip.frag_offset", "ip.ttl", "ip.proto",
           "ip.checksum", "ip.src", "ip.dst", "ip.len"):
    FILE_DIFFERENCES[_f] = {"suricata-verify/output-eve-anomaly-packethdr__anomaly.pcap": BOGUS_QUOTED_IP}


def name_too_long(f, _pkt, tv, ov):
    """tshark's placeholder stands where our name is longer than a name can be."""
    return f in ("dns.qry.name", "dns.resp.name") and len(tv) == len(ov) and any(o != t for o, t in zip(ov, tv)) and \
        all(o == t or (t == "<name too long>" and len(str(o)) > 255) for o, t in zip(ov, tv))


def bogus_ip6_version(f, pkt, tv, ov):
    """Our values are tshark's plus those of IPv6 headers whose version is not 6."""
    if not f.startswith("ipv6.") or f == "ipv6.version":
        return False
    bogus = sum(1 for l in pkt["layers"] if l.get("layer") == "ip6" and l.get("v") != 6)
    rest = list(ov)
    for t in tv:
        if t not in rest:
            return False
        rest.remove(t)
    return 0 < len(rest) <= bogus


RULES = [
    ("an IPv6 header whose version nibble is not 6 behind a next header of 41 (zeek's mpls-6in6 "
     "invalid-version captures): tshark reports 'Bogus IPv6 version' and shows the version alone; we decode "
     "the 40 bytes as the header RFC 8200 3 says is there, the layer flagged malformed", bogus_ip6_version),
    ("a hostile name whose labels spell more than the 255 octets RFC 1035 2.3.4 allows (tcpdump's "
     "dns-badlabel and dns_fwdptr reproducers, nDPI's malformed_dns): tshark prints the placeholder '<Name too "
     "long>'; we print the labels escaped (RFC 4343 2.1), cut at our text limit, the layer flagged malformed",
     name_too_long),
]

