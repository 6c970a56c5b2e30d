# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for SCTP and the UDP applications NTP, RTP, DHCP and RIP."""
import calendar
import time

from oracle_fields import elems, field, layers_named

TSHARK_PROTOS = ["sctp", "ntp", "rtp", "dhcp", "rip"]

# RTP has no port of its own; ours is 5004 (RFC 3551), which tshark does not map by default.
DECODE_AS = ["udp.port==5004,rtp"]

CHUNKS = ("chunks",)
PARAMS = ("params",)
RTES = ("rte_auth",)
NTP_EPOCH = 2208988800  # seconds from 1900 (NTP era 0) to 1970


def chunk_type(*types):
    return lambda e: int(e.get("type", -1)) in types


def mac_of_chaddr(v, layer):
    """tshark shows chaddr as a MAC when it is Ethernet's (hrd 1, hln 6)."""
    return ":".join(v[i:i + 2] for i in range(0, 12, 2))


def is_ether(layer):
    return int(layer.get("hrd", 0)) == 1 and int(layer.get("hln", 0)) == 6


def cstring(v, _l):
    """BOOTP's sname and file are NUL-terminated inside a fixed field."""
    return v.split("\x00")[0]


def has_cstring(key):
    return lambda l: bool(str(l.get(key, "")).split("\x00")[0])


def dotted(v, _l):
    v = int(v)
    return ".".join(str(v >> s & 0xff) for s in (24, 16, 8, 0))


def ntp_time(v, _l):
    """A 32.32 NTP timestamp as tshark prints FT_ABSOLUTE_TIME (UTC), NULL for zero."""
    v = int(v)
    if v == 0:
        return "NULL"
    secs, frac = v >> 32, v & 0xffffffff
    # RFC 5905 6: era 1 starts in 2036; a timestamp with the top bit clear is taken as era 1, as tshark does
    unix = secs - NTP_EPOCH if secs & 0x80000000 else secs + (1 << 32) - NTP_EPOCH
    ns = frac * 1000000000 // (1 << 32)
    t = time.gmtime(unix)
    return time.strftime("%b %e, %Y %H:%M:%S", t) + ".%09d UTC" % ns


def u8(v, _l):
    return int(v) & 0xff


NTP_ALL = ("ntp", "ntpctrl", "ntppriv")  # the three formats NTP's mode selects
ITEMS = ("items",)


def ctrl_word(key, at):
    """An ntpctrl header's association or status word, then, in a READSTAT answer, each peer's: its data
    is (association, status) pairs (RFC 9327 4.1), which tshark lists after the header's."""
    def get(pkt):
        vals = []
        for l in layers_named(pkt, "ntpctrl"):
            if key not in l:
                continue
            vals.append(l[key])
            if int(l.get("op_code", 0)) == 1 and int(l.get("response", 0)) == 1:
                d = [ord(c) for c in l.get("data", "")]
                vals += [d[i + at] << 8 | d[i + at + 1] for i in range(0, len(d) - 3, 4)]
        return vals
    return get


def monitor_v6(e):
    return int(e.get("v6_flag", 0)) != 0


def route_entry(e):
    """A whole route entry: tshark shows no fields for the partial entry a bad length leaves."""
    return int(e.get("family", 0)) != 0xffff and "metric" in e


def auth_entry(e):
    """An authentication entry; the RFC 4822 trailer (type 1) is only digest bytes to tshark."""
    return int(e.get("family", 0)) == 0xffff and int(e.get("type", 0)) != 1


def dhcp_hw(key):
    """tshark shows chaddr's hardware type and MAC, then again those of an Ethernet client identifier
    (option 61 with type 1, RFC 2132 9.14)."""
    def get(pkt):
        vals = []
        for l in pkt["layers"]:
            if l.get("layer") != "dhcp":
                continue
            if is_ether(l) and "chaddr" in l:
                vals.append(l["hrd"] if key == "type" else mac_of_chaddr(l["chaddr"], l))
            for e in l.get("opts", []):
                if int(e.get("type", 0)) == 61 and int(e.get("id_type", 0)) == 1 and len(e.get("id", "")) == 12:
                    vals.append(1 if key == "type" else mac_of_chaddr(e["id"], e))
        return vals
    return get


def end_as_zero(v, _e):
    """tshark 4.0 -T fields gives the End option's dhcp.option.type as 0 (its tree shows 255)."""
    return 0 if int(v) == 255 else v


MAP = {
    # SCTP common header and chunks
    "sctp.srcport": field("sctp", "sport"),
    "sctp.dstport": field("sctp", "dport"),
    "sctp.verification_tag": field("sctp", "vtag"),
    "sctp.checksum": field("sctp", "sum"),
    "sctp.chunk_type": elems("sctp", CHUNKS, "type"),
    "sctp.chunk_flags": elems("sctp", CHUNKS, "flags"),
    "sctp.chunk_length": elems("sctp", CHUNKS, "len"),
    "sctp.data_tsn_raw": elems("sctp", CHUNKS, "tsn", when=chunk_type(0)),
    "sctp.data_sid": elems("sctp", CHUNKS, "sid", when=chunk_type(0)),
    "sctp.data_ssn": elems("sctp", CHUNKS, "ssn", when=chunk_type(0)),
    "sctp.data_payload_proto_id": elems("sctp", CHUNKS, "ppid", when=chunk_type(0)),
    "sctp.init_initiate_tag": elems("sctp", CHUNKS, "init_tag", when=chunk_type(1)),
    "sctp.init_credit": elems("sctp", CHUNKS, "a_rwnd", when=chunk_type(1)),
    "sctp.init_nr_out_streams": elems("sctp", CHUNKS, "n_out_streams", when=chunk_type(1)),
    "sctp.init_nr_in_streams": elems("sctp", CHUNKS, "n_in_streams", when=chunk_type(1)),
    "sctp.init_initial_tsn": elems("sctp", CHUNKS, "init_tsn", when=chunk_type(1)),
    "sctp.initack_initiate_tag": elems("sctp", CHUNKS, "init_tag", when=chunk_type(2)),
    "sctp.initack_credit": elems("sctp", CHUNKS, "a_rwnd", when=chunk_type(2)),
    "sctp.initack_nr_out_streams": elems("sctp", CHUNKS, "n_out_streams", when=chunk_type(2)),
    "sctp.initack_nr_in_streams": elems("sctp", CHUNKS, "n_in_streams", when=chunk_type(2)),
    "sctp.initack_initial_tsn": elems("sctp", CHUNKS, "init_tsn", when=chunk_type(2)),
    "sctp.sack_cumulative_tsn_ack_raw": elems("sctp", CHUNKS, "cum_tsn", when=chunk_type(3)),
    "sctp.sack_a_rwnd": elems("sctp", CHUNKS, "a_rwnd", when=chunk_type(3)),
    "sctp.sack_number_of_gap_blocks": elems("sctp", CHUNKS, "n_gaps", when=chunk_type(3)),
    "sctp.sack_number_of_duplicated_tsns": elems("sctp", CHUNKS, "n_dups", when=chunk_type(3)),
    "sctp.shutdown_cumulative_tsn_ack": elems("sctp", CHUNKS, "cum_tsn", when=chunk_type(7)),
    "sctp.ecne_lowest_tsn": elems("sctp", CHUNKS, "lowest_tsn", when=chunk_type(12)),
    "sctp.cwr_lowest_tsn": elems("sctp", CHUNKS, "lowest_tsn", when=chunk_type(13)),
    "sctp.forward_tsn_tsn": elems("sctp", CHUNKS, "new_cum_tsn", when=chunk_type(192)),
    "sctp.parameter_type": elems("sctp", PARAMS, "type"),
    "sctp.parameter_length": elems("sctp", PARAMS, "len"),
    "sctp.parameter_ipv4_address": elems("sctp", PARAMS, "addr", when=lambda e: int(e.get("type", 0)) == 5),
    "sctp.parameter_ipv6_address": elems("sctp", PARAMS, "addr", when=lambda e: int(e.get("type", 0)) == 6),
    # NTP: the header (modes 1-5), control messages (mode 6) and ntpd's private ones (mode 7)
    "ntp.flags": field(NTP_ALL, "flags"),
    "ntp.flags.li": field(("ntp", "ntpctrl"), "li"),
    "ntp.flags.vn": field(NTP_ALL, "v"),
    "ntp.flags.mode": field(NTP_ALL, "mode"),
    "ntp.ctrl.flags2": field("ntpctrl", "flags2"),
    "ntp.ctrl.flags2.r": field("ntpctrl", "response"),
    "ntp.ctrl.flags2.error": field("ntpctrl", "err"),
    "ntp.ctrl.flags2.more": field("ntpctrl", "more"),
    "ntp.ctrl.flags2.opcode": field("ntpctrl", "op_code"),
    "ntp.ctrl.sequence": field("ntpctrl", "sequence"),
    "ntp.ctrl.status": ctrl_word("status", 2),
    "ntp.ctrl.associd": ctrl_word("association_id", 0),
    "ntp.ctrl.offset": field("ntpctrl", "offset"),
    "ntp.ctrl.count": field("ntpctrl", "count"),
    "ntp.priv.flags.r": field("ntppriv", "response"),
    "ntp.priv.flags.more": field("ntppriv", "more"),
    "ntp.priv.auth_seq": field("ntppriv", "auth_seq"),
    "ntp.priv.auth": field("ntppriv", "auth"),
    "ntp.priv.seq": field("ntppriv", "seq"),
    "ntp.priv.impl": field("ntppriv", "implementation"),
    "ntp.priv.reqcode": field("ntppriv", "request_code"),
    "ntp.priv.err": field("ntppriv", "err"),
    "ntp.priv.numitems": field("ntppriv", "nb_items"),
    "ntp.priv.reserved": field("ntppriv", "mbz"),
    "ntp.priv.itemsize": field("ntppriv", "data_item_size"),
    "ntp.priv.monlist.avgint": elems("ntppriv", ITEMS, "avg_int"),
    "ntp.priv.monlist.lsint": elems("ntppriv", ITEMS, "last_int"),
    "ntp.priv.monlist.restr": elems("ntppriv", ITEMS, "restr"),
    "ntp.priv.monlist.count": elems("ntppriv", ITEMS, "count"),
    "ntp.priv.monlist.remote_address": elems("ntppriv", ITEMS, "addr"),
    "ntp.priv.monlist.local_address": elems("ntppriv", ITEMS, "daddr"),
    "ntp.priv.monlist.flags": elems("ntppriv", ITEMS, "flags"),
    "ntp.priv.monlist.port": elems("ntppriv", ITEMS, "port"),
    "ntp.priv.monlist.mode": elems("ntppriv", ITEMS, "mode"),
    "ntp.priv.monlist.version": elems("ntppriv", ITEMS, "version"),
    "ntp.priv.monlist.ipv6": elems("ntppriv", ITEMS, "v6_flag"),
    "ntp.priv.monlist.unused": elems("ntppriv", ITEMS, "unused1"),
    "ntp.priv.monlist.addr6": elems("ntppriv", ITEMS, "addr6", when=monitor_v6),
    "ntp.priv.monlist.daddr6": elems("ntppriv", ITEMS, "daddr6", when=monitor_v6),
    "ntp.stratum": field("ntp", "stratum"),
    "ntp.ppoll": field("ntp", "interval"),
    "ntp.precision": field("ntp", "precision", conv=u8),
    "ntp.rootdelay": field("ntp", "delay"),
    "ntp.rootdispersion": field("ntp", "dispersion"),
    "ntp.refid": field("ntp", "id"),
    "ntp.reftime": field("ntp", "update_time", conv=ntp_time),
    "ntp.org": field("ntp", "originate_time", conv=ntp_time),
    "ntp.rec": field("ntp", "receive_time", conv=ntp_time),
    "ntp.xmt": field("ntp", "transmit_time", conv=ntp_time),
    # RTP
    "rtp.version": field("rtp", "version"),
    "rtp.padding": field("rtp", "p"),
    "rtp.ext": field("rtp", "x"),
    "rtp.cc": field("rtp", "cc"),
    "rtp.marker": field("rtp", "m"),
    "rtp.p_type": field("rtp", "pt"),
    "rtp.seq": field("rtp", "seq"),
    "rtp.timestamp": field("rtp", "ts"),
    "rtp.ssrc": field("rtp", "ssrc"),
    "rtp.csrc.item": elems("rtp", ("csrc",), "csrc"),
    "rtp.ext.profile": elems("rtp", ("ext",), "profile"),
    "rtp.ext.len": elems("rtp", ("ext",), "len"),
    # DHCP / BOOTP
    "dhcp.type": field("dhcp", "op"),
    "dhcp.hw.type": dhcp_hw("type"),
    "dhcp.hw.len": field("dhcp", "hln"),
    "dhcp.hops": field("dhcp", "hops"),
    "dhcp.id": field("dhcp", "xid"),
    "dhcp.secs": field("dhcp", "secs"),
    "dhcp.flags": field("dhcp", "flags"),
    "dhcp.ip.client": field("dhcp", "ciaddr"),
    "dhcp.ip.your": field("dhcp", "yiaddr"),
    "dhcp.ip.server": field("dhcp", "siaddr"),
    "dhcp.ip.relay": field("dhcp", "giaddr"),
    "dhcp.hw.mac_addr": dhcp_hw("mac"),
    "dhcp.server": field("dhcp", "sname", conv=cstring, when=has_cstring("sname")),
    "dhcp.file": field("dhcp", "file", conv=cstring, when=has_cstring("file")),
    "dhcp.cookie": field("dhcp", "magic", conv=dotted),
    "dhcp.option.type": elems("dhcp", ("opts",), "type", conv=end_as_zero),
    "dhcp.option.length": elems("dhcp", ("opts",), "len"),
    # an option of length 0 (rapid commit, RFC 4039) has no value: tshark says "<MISSING>"
    "dhcp.option.value": elems("dhcp", ("opts",), "body_bytes", when=lambda e: "len" in e,
                               conv=lambda v, e: v if int(e["len"]) else "<missing>"),
    "dhcp.option.dhcp": elems("dhcp", ("opts",), "msgtype"),
    "dhcp.option.requested_ip_address": elems("dhcp", ("opts",), "addr",
                                              when=lambda e: int(e.get("type", 0)) == 50),
    "dhcp.option.dhcp_server_id": elems("dhcp", ("opts",), "addr", when=lambda e: int(e.get("type", 0)) == 54),
    "dhcp.option.ip_address_lease_time": elems("dhcp", ("opts",), "seconds",
                                               when=lambda e: int(e.get("type", 0)) == 51),
    "dhcp.option.hostname": elems("dhcp", ("opts",), "text", conv=cstring,
                                   when=lambda e: int(e.get("type", 0)) == 12),
    # RIP
    "rip.command": field("rip", "cmd"),
    "rip.version": field("rip", "v"),
    "rip.routing_domain": field("rip", "rsvd", when=lambda l: int(l.get("v", 0)) == 2 and int(l.get("rsvd", 0))),
    "rip.family": elems("rip", RTES, "family", when=route_entry),
    "rip.route_tag": elems("rip", RTES, "route_tag", when=route_entry),
    "rip.ip": elems("rip", RTES, "addr", when=route_entry),
    "rip.netmask": elems("rip", RTES, "subnet", when=route_entry),
    "rip.next_hop": elems("rip", RTES, "next_hop", when=route_entry),
    "rip.metric": elems("rip", RTES, "metric", when=route_entry),
    "rip.auth.type": elems("rip", RTES, "type", when=auth_entry),
    "rip.auth.passwd": elems("rip", RTES, "auth", conv=cstring,
                             when=lambda e: auth_entry(e) and int(e.get("type", 0)) == 2),
    # RFC 4822 keyed MD5: its header entry and the trailer's digest
    "rip.digest_offset": elems("rip", RTES, "digest_offset"),
    "rip.key_id": elems("rip", RTES, "key_id"),
    "rip.auth_data_len": elems("rip", RTES, "auth_data_len"),
    "rip.seq_num": elems("rip", RTES, "seq_num"),
    "rip.authentication_data": elems("rip", RTES, "authentication_data"),
}

KNOWN_DIFFERENCES = {
    "rip.authentication_data": "tshark reads 16 bytes of trailer data (keyed MD5's digest) whatever the keyed-MD5 "
                               "entry's Auth Data Len says; we read the trailer to the end of the message, as "
                               "RFC 4822 2.2 lays it out (tcpdump's ripv2_auth.pcap: 20 bytes)",
    "dhcp.option.length": "tshark also lists the lengths of sub-options (relay agent information, RFC 3046; "
                          "vendor-specific information), and of options overloaded into sname/file (option 52, "
                          "RFC 2132 9.3); we keep sub-options as the option's bytes and sname/file as strings",
    "dhcp.option.type": "option overload (option 52, RFC 2132 9.3): tshark reads more options from the sname and "
                        "file fields; we show those fields as they are",
    "dhcp.secs": "some clients send secs little-endian; tshark guesses and swaps it, we show the field as the "
                 "wire has it (RFC 2131 2: network byte order)",
    "sctp.chunk_type": "we walk at most SCTP_CHUNKS_MAX (256) chunks of a packet; suricata-verify "
                       "sctp-max-chunks packs 16143 ABORT chunks, tshark lists them all",
    "sctp.chunk_flags": "as sctp.chunk_type: at most 256 chunks per packet",
    "sctp.chunk_length": "as sctp.chunk_type: at most 256 chunks per packet",
}

FILE_DIFFERENCES = {
    "dhcp.option.value": {
        "ndpi/dhcp-fuzz.pcapng": "an option whose length runs past the message: we list it with the bytes "
                                 "that are there, the layer flagged malformed; tshark raises an exception "
                                 "and shows no value",
        "pcapplusplus/PacketExamples__Dhcp2.pcap": "option 52 (overload): as for dhcp.option.type",
        "suricata-verify/dhcp-option-52-overload__input.pcap": "option 52 (overload): as for dhcp.option.type",
    },
    "dhcp.option.type": {
        "pcapplusplus/PacketExamples__Dhcp2.pcap": "option 52 (overload): tshark also reads options out of the "
                                                   "sname and file fields; we keep those as the BOOTP fields "
                                                   "they are",
    },
}
