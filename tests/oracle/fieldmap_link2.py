# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for the link2 group: PPP (and its HDLC-like framing), PPPoE, STP/RSTP/MSTP, DTP, HSRP,
VRRP; and the tunnels, VXLAN, GRE and MPLS (with the Ethernet pseudowire control word)."""
from oracle_fields import elems, field

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["ppp", "pppoed", "pppoes", "stp", "dtp", "hsrp", "vrrp", "vxlan", "gre", "mpls", "erspan", "gtp"]

ERSPAN = ("erspan", "erspan3")
TLVS = ("tlvs",)


def tlv_type(t):
    return lambda e: int(e.get("type", -1)) == t

# tshark calls the PPPoE header's fields pppoe.* in both stages, MSTP's part of a BPDU mstp.* and HSRP
# version 2's hsrp2.*; no such name appears in frame.protocols.
FIELD_PROTO = {"pppoe": "pppoes", "mstp": "stp", "pweth": "pwethcw", "hsrp2": "hsrp"}

# Ports only our registry maps (tshark's HSRP dissector also takes 1985; the v6 port 2029 it does too).
DECODE_AS = ["udp.port==1985,hsrp"]


def seconds(v, _l):
    """STP times are 1/256 s on the wire (IEEE 802.1D-2004 9.2.8); tshark shows seconds."""
    s = int(v) / 256
    return int(s) if s == int(s) else s


def prio(v, _l):
    """tshark shows a bridge priority as the 16-bit value's top 4 bits in place (multiples of 4096)."""
    return int(v) * 4096


def unpad(v, _l):
    """NUL-padded strings: tshark shows the text before the first NUL."""
    return str(v).split("\0")[0]


def hexcolon(v, _l):
    """Bytes as tshark prints FT_BYTES: hex pairs joined by colons."""
    s = str(v)
    return ":".join(s[i:i + 2] for i in range(0, len(s), 2))


def high_nibble(v, _l):
    """MSTI bridge and port priorities: tshark shows the 4 bits that are the priority (802.1Q 13.26.2)."""
    return int(v) >> 4


def text(v, _e):
    return bytes.fromhex(str(v)).decode("latin-1")


def tag(kind, conv=None):
    """Values of PPPoE tags of type @kind; tshark names each kind of tag (pppoed.tags.*) and shows no
    value for an empty one."""
    return elems("pppoe", ("tags",), "value", conv=conv,
                 when=lambda e: int(e.get("type", -1)) == kind and int(e.get("len", 0)) > 0)


def not_spb(l):
    """SPB BPDUs (version 4, IEEE 802.1aq) repeat the MST configuration identifier in their version 4 part,
    which tshark lists as a second occurrence and we keep undecoded in the header: compare MSTP ones."""
    return int(l.get("v", 0)) < 4


def is_v2(l):
    return int(l.get("v", 0)) == 2


def is_v3(l):
    return int(l.get("v", 0)) == 3


MAP = {
    # PPP and its HDLC-like framing (tshark shows address and control as part of ppp)
    "ppp.address": field("hdlc", "address"),
    "ppp.control": field("hdlc", "control"),
    "ppp.protocol": field("ppp", "p"),
    # PPPoE
    "pppoe.version": field("pppoe", "v"),
    "pppoe.type": field("pppoe", "type"),
    "pppoe.code": field("pppoe", "code"),
    "pppoe.session_id": field("pppoe", "session"),
    "pppoe.payload_length": field("pppoe", "len"),
    "pppoed.tags.service_name": tag(0x0101, text),
    "pppoed.tags.ac_name": tag(0x0102, text),
    "pppoed.tags.host_uniq": tag(0x0103),
    "pppoed.tags.ac_cookie": tag(0x0104),
    # STP / RSTP / MSTP
    "stp.protocol": field("stp", "proto_id"),
    "stp.version": field("stp", "v"),
    "stp.type": field("stp", "type"),
    "stp.flags": field("stp", "flags"),
    "stp.root.prio": field("stp", "root_prio", conv=prio),
    "stp.root.ext": field("stp", "root_ext"),
    "stp.root.hw": field("stp", "root_mac"),
    "stp.root.cost": field("stp", "root_path"),
    "stp.bridge.prio": field("stp", "bridge_prio", conv=prio),
    "stp.bridge.ext": field("stp", "bridge_ext"),
    "stp.bridge.hw": field("stp", "bridge_mac"),
    "stp.port": field("stp", "port_id"),
    "stp.msg_age": field("stp", "age", conv=seconds),
    "stp.max_age": field("stp", "max_age", conv=seconds),
    "stp.hello": field("stp", "hello", conv=seconds),
    "stp.forward": field("stp", "fd", conv=seconds),
    "stp.version_1_length": field("stp", "v1_len"),
    "mstp.version_3_length": field("stp", "v3_len"),
    "mstp.config_format_selector": field("stp", "cfg_format", when=not_spb),
    "mstp.config_name": field("stp", "cfg_name", conv=unpad, when=not_spb),
    "mstp.config_revision_level": field("stp", "cfg_rev", when=not_spb),
    "mstp.config_digest": field("stp", "cfg_digest", when=not_spb),
    "mstp.cist_internal_root_path_cost": field("stp", "cist_path"),
    "mstp.cist_remaining_hops": field("stp", "cist_hops"),
    "mstp.msti.root_cost": elems("stp", ("mstis",), "root_path"),
    "mstp.msti.bridge_priority": elems("stp", ("mstis",), "bridge_prio", conv=high_nibble),
    "mstp.msti.port_priority": elems("stp", ("mstis",), "port_prio", conv=high_nibble),
    "mstp.msti.remaining_hops": elems("stp", ("mstis",), "hops"),
    # DTP
    "dtp.version": field("dtp", "v"),
    "dtp.tlv_type": elems("dtp", ("tvs",), "t"),
    "dtp.tlv_len": elems("dtp", ("tvs",), "len"),
    "dtp.senderid": elems("dtp", ("tvs",), "value", conv=hexcolon, when=lambda e: int(e.get("t", 0)) == 4),
    # HSRP version 0/1
    "hsrp.version": field(("hsrp", "hsrpadv"), "version"),
    "hsrp.opcode": field(("hsrp", "hsrpadv"), "opcode"),
    "hsrp.state": field("hsrp", "state"),
    "hsrp.hellotime": field("hsrp", "hello"),
    "hsrp.holdtime": field("hsrp", "hold"),
    "hsrp.priority": field("hsrp", "priority"),
    "hsrp.group": field("hsrp", "group"),
    "hsrp.reserved": field("hsrp", "rsvd"),
    "hsrp.auth_data": field("hsrp", "auth", conv=unpad),
    "hsrp.virt_ip": field("hsrp", "vip"),
    # HSRP's Advertise message
    "hsrp.adv.tlvtype": field("hsrpadv", "type"),
    "hsrp.adv.tlvlength": field("hsrpadv", "len"),
    "hsrp.adv.state": field("hsrpadv", "state"),
    "hsrp.adv.reserved1": field("hsrpadv", "rsvd1"),
    "hsrp.adv.activegrp": field("hsrpadv", "active_groups"),
    "hsrp.adv.passivegrp": field("hsrpadv", "passive_groups"),
    "hsrp.adv.reserved2": field("hsrpadv", "rsvd2"),
    # HSRP version 2: TLVs
    "hsrp2.group_state_tlv": elems("hsrp2", TLVS, "type", when=tlv_type(1)),
    "hsrp2.interface_state_tlv": elems("hsrp2", TLVS, "type", when=tlv_type(2)),
    "hsrp2.text_auth_tlv": elems("hsrp2", TLVS, "type", when=tlv_type(3)),
    "hsrp2.md5_auth_tlv": elems("hsrp2", TLVS, "type", when=tlv_type(4)),
    "hsrp2.version": elems("hsrp2", TLVS, "version"),
    "hsrp2.opcode": elems("hsrp2", TLVS, "opcode"),
    "hsrp2.state": elems("hsrp2", TLVS, "state"),
    "hsrp2.ipversion": elems("hsrp2", TLVS, "ipversion"),
    "hsrp2.group": elems("hsrp2", TLVS, "group"),
    "hsrp2.identifier": elems("hsrp2", TLVS, "identifier"),
    "hsrp2.priority": elems("hsrp2", TLVS, "priority"),
    "hsrp2.hellotime": elems("hsrp2", TLVS, "hellotime"),
    "hsrp2.holdtime": elems("hsrp2", TLVS, "holdtime"),
    "hsrp2.virt_ip": elems("hsrp2", TLVS, "virt_ip"),
    "hsrp2.virt_ip_v6": elems("hsrp2", TLVS, "virt_ip_v6"),
    "hsrp2.active_groups": elems("hsrp2", TLVS, "active_groups"),
    "hsrp2.passive_groups": elems("hsrp2", TLVS, "passive_groups"),
    "hsrp2.auth_data": elems("hsrp2", TLVS, "auth_data", conv=unpad),
    "hsrp2.md5_algorithm": elems("hsrp2", TLVS, "md5_algorithm"),
    "hsrp2.md5_padding": elems("hsrp2", TLVS, "md5_padding"),
    "hsrp2.md5_flags": elems("hsrp2", TLVS, "md5_flags"),
    "hsrp.md5_ip_address": elems("hsrp2", TLVS, "md5_ip_address"),
    "hsrp2.md5_key_id": elems("hsrp2", TLVS, "md5_key_id"),
    "hsrp2.md5_auth_data": elems("hsrp2", TLVS, "md5_auth_data"),
    # VRRP
    "vrrp.version": field("vrrp", "v"),
    "vrrp.typever": field("vrrp", "vtype"),
    "vrrp.type": field("vrrp", "type"),
    "vrrp.virt_rtr_id": field("vrrp", "vrid"),
    "vrrp.prio": field("vrrp", "priority"),
    "vrrp.addr_count": field("vrrp", "count"),
    "vrrp.auth_type": field("vrrp", "atype", when=is_v2),
    "vrrp.adver_int": field("vrrp", "advtime", when=is_v2),
    "vrrp.short_adver_int": field("vrrp", "max_advt", when=is_v3),
    "vrrp.checksum": field("vrrp", "sum"),
    "vrrp.ip_addr": elems("vrrp", ("addrs",), "addr", when=lambda e: ":" not in str(e.get("addr", ""))),
    "vrrp.ipv6_addr": elems("vrrp", ("addrs",), "addr", when=lambda e: ":" in str(e.get("addr", ""))),
    # VXLAN (RFC 7348), flags and group policy laid out as tshark has them
    "vxlan.flags": field("vxlan", "flags"),
    "vxlan.gbp": field("vxlan", "gbp"),
    "vxlan.vni": field("vxlan", "vni"),
    "vxlan.reserved8": field("vxlan", "reserved"),
    # GRE (RFC 2784, 2890, 1701; PPTP's version 1, RFC 2637): the optional words are one-element sets
    "gre.flags_and_version": field("gre", "flags_ver"),
    "gre.flags.checksum": field("gre", "c"),
    "gre.flags.routing": field("gre", "r"),
    "gre.flags.key": field("gre", "k"),
    "gre.flags.sequence_number": field("gre", "s"),
    "gre.flags.strict_source_route": field("gre", "ssr"),
    "gre.flags.recursion_control": field("gre", "recur"),
    "gre.flags.version": field("gre", "ver"),
    "gre.proto": field("gre", "p"),
    "gre.checksum": elems("gre", ("csum",), "sum"),
    "gre.offset": elems("gre", ("csum",), "offset"),
    "gre.key": elems("gre", ("key",), "key"),
    "gre.key.payload_length": elems("gre", ("key",), "payload_len"),
    "gre.key.call_id": elems("gre", ("key",), "call_id"),
    "gre.sequence_number": elems("gre", ("seq",), "seq"),
    "gre.ack_number": elems("gre", ("ack",), "ack"),
    "gre.routing.address_family": elems("gre", ("routing",), "af"),
    "gre.routing.sre_offset": elems("gre", ("routing",), "sre_offset"),
    "gre.routing.src_length": elems("gre", ("routing",), "sre_len"),
    # MPLS (RFC 3032): one layer per label stack entry, pypacker's names; Exp is RFC 5462's traffic class
    "mpls.label": field("mpls", "label"),
    "mpls.exp": field("mpls", "cos"),
    "mpls.bottom": field("mpls", "bos"),
    "mpls.ttl": field("mpls", "ttl"),
    "pweth.cw.sequence_number": field("eomcw", "seq"),
    # ERSPAN types II and III (draft-foschiano-erspan-03; type I has no header), scapy's names
    "erspan.version": field(ERSPAN, "ver"),
    "erspan.vlan": field(ERSPAN, "vlan"),
    "erspan.cos": field(ERSPAN, "cos"),
    "erspan.encap": field("erspan", "en"),
    "erspan.bso": field("erspan3", "bso"),
    "erspan.truncated": field(ERSPAN, "t"),
    "erspan.spanid": field(ERSPAN, "session_id"),
    "erspan.reserved": field("erspan", "reserved"),
    "erspan.index": field("erspan", "index"),
    "erspan.timestamp": field("erspan3", "timestamp"),
    "erspan.sgt": field("erspan3", "sgt"),
    "erspan.p": field("erspan3", "p"),
    "erspan.ft": field("erspan3", "ft"),
    "erspan.hw": field("erspan3", "hw"),
    "erspan.direction": field("erspan3", "d"),
    "erspan.gra": field("erspan3", "gra"),
    "erspan.o": field("erspan3", "o"),
    "erspan.platid": field("erspan3", "platf_id"),
    # GTP version 1 (3GPP TS 29.281, 29.060), scapy's names
    "gtp.flags": field("gtp", "flags"),
    "gtp.flags.version": field("gtp", "version"),
    "gtp.flags.payload": field("gtp", "pt"),
    # GTP' (protocol type 0) has three reserved bits where version 1 has one
    "gtp.flags.reserved": field("gtp", "reserved", when=lambda l: l.get("version") == 1 and l.get("pt") == 1),
    "gtp.flags.e": field("gtp", "e"),
    "gtp.flags.s": field("gtp", "s"),
    "gtp.flags.pn": field("gtp", "pn"),
    "gtp.message": field("gtp", "type"),
    "gtp.length": field("gtp", "len"),
    "gtp.teid": field("gtp", "teid"),
    "gtp.seq_number": elems("gtp", ("opt",), "seq"),
    "gtp.npdu_number": elems("gtp", ("opt",), "npdu"),
    "gtp.ext_hdr.next": lambda pkt: (elems("gtp", ("opt",), "next_ext", when=lambda e: e.get("next_ext"))(pkt) +
                                     elems("gtp", ("exts",), "next")(pkt)),
    "gtp.ext_hdr.length": elems("gtp", ("exts",), "len"),
    "gtp.ext_hdr.pdu_ses_con.pdu_type": elems("gtp", ("exts",), "pdu_type"),
    "gtp.ext_hdr.pdu_ses_cont.ppp": elems("gtp", ("exts",), "ppp"),
    "gtp.ext_hdr.pdu_ses_cont.rqi": elems("gtp", ("exts",), "rqi"),
    "gtp.ext_hdr.pdu_ses_con.qos_flow_id": elems("gtp", ("exts",), "qfi"),
    "gtp.ext_hdr.pdu_ses_cont.ppi": elems("gtp", ("exts",), "ppi"),
    "gtp.ext_hdr.udp_port": elems("gtp", ("exts",), "port"),
    "gtp.ext_hdr.pdcp_sn": elems("gtp", ("exts",), "pdcp"),
    "gtp.cause": elems("gtp", ("ies",), "cause"),
    "gtp.recovery": elems("gtp", ("ies",), "restart_counter"),
    "gtp.teid_data": elems("gtp", ("ies",), "teid", when=lambda e: e.get("type") == 16),
    "gtp.teid_cp": elems("gtp", ("ies",), "teid", when=lambda e: e.get("type") == 17),
    "gtp.nsapi": elems("gtp", ("ies",), "nsapi"),
    "gtp.chrg_id": elems("gtp", ("ies",), "charging_id"),
    "gtp.gsn_ipv4": elems("gtp", ("ies",), "addr", when=lambda e: e.get("type") == 133 and "." in e.get("addr", "")),
    "gtp.gsn_ipv6": elems("gtp", ("ies",), "addr", when=lambda e: e.get("type") == 133 and ":" in e.get("addr", "")),
    "gtp.user_ipv4": elems("gtp", ("ies",), "addr", when=lambda e: e.get("type") == 128 and "." in e.get("addr", "")),
    "gtp.user_ipv6": elems("gtp", ("ies",), "addr", when=lambda e: e.get("type") == 128 and ":" in e.get("addr", "")),
    "gtp.user_addr_pdp_org": elems("gtp", ("ies",), "pdp_type_org"),
}

# tshark fields whose differences are explained (field -> why). Mismatches here are reported, not failed.
KNOWN_DIFFERENCES = {
}


def gtp_pco_lengths(f, pkt, tv, ov):
    """tshark's first gtp.length is ours, and the message has a Protocol Configuration Options IE."""
    return (f == "gtp.length" and tv[:1] == ov[:1] and
            any(e.get("type") == 132 for l in pkt["layers"] if l.get("layer") == "gtp" for e in l.get("ies", [])))


RULES = [
    ("a GTP message with Protocol Configuration Options (IE 132): tshark decodes the PPP packets inside "
     "(PAP, IPCP) and gives their lengths the name gtp.length too; the message's own length comes first and "
     "agrees; the IE's value stays bytes here", gtp_pco_lengths),
]
