# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for OSI routing: IS-IS, the common header as "isis" and each kind of PDU as a sub-layer
(isislanhello, isisp2phello, isislsp, isiscsnp, isispsnp), TLVs one element each in "tlvs", LSP entries
of sequence number PDUs one each in "lsps". A list TLV keeps its first entry as fields and the rest in
`more`; the getters here read the rest too, so that every entry tshark lists is compared."""
import ipaddress

from oracle_fields import elems, field, layers_named

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["isis"]

HELLOS = ("isislanhello", "isisp2phello")
PDUS = {"hello": HELLOS, "lsp": ("isislsp",), "csnp": ("isiscsnp",), "psnp": ("isispsnp",)}


def dotted(hexid):
    """A system, node or LSP ID as tshark writes it: 4 hex digits a group, and an LSP number after "-"."""
    groups = [hexid[i:i + 4] for i in range(0, 12, 4)]
    out = ".".join(groups)
    if len(hexid) >= 14:
        out += "." + hexid[12:14]
    if len(hexid) >= 16:
        out += "-" + hexid[14:16]
    return out


def tlvs(pdu, types):
    """The TLVs of the given types in the PDU sub-layers of `pdu`."""
    def get(pkt):
        return [e for l in layers_named(pkt, PDUS[pdu]) for e in l.get("tlvs", [])
                if e.get("type") in types]
    return get


def tlv_key(pdu, types, key, conv=None):
    return elems(PDUS[pdu], ("tlvs",), key, conv=conv, when=lambda e: e.get("type") in types)


def chunks(pdu, types, first, size, conv):
    """Every entry of a list TLV: the first from field `first`, the rest cut from `more` by `size` bytes."""
    def get(pkt):
        vals = []
        for e in tlvs(pdu, types)(pkt):
            if first not in e:
                continue
            vals.append(conv(e[first]))
            more = bytes.fromhex(e.get("more", ""))
            vals += [conv(more[i:i + size]) for i in range(0, len(more) - size + 1, size)]
        return vals
    return get


def areas(pdu):
    """Every area address of the area TLVs, as tshark writes one: its length byte, then the address."""
    def get(pkt):
        vals = []
        for e in tlvs(pdu, (1,))(pkt):
            if "area" not in e:
                continue
            b = bytes([e["area_len"]]) + bytes.fromhex(e["area"]) + bytes.fromhex(e.get("more", ""))
            i = 0
            while i < len(b) and i + 1 + b[i] <= len(b):
                vals.append(b[i:i + 1 + b[i]].hex())
                i += 1 + b[i]
        return vals
    return get


def ipv4(b):
    return ".".join(str(x) for x in b) if isinstance(b, bytes) else b


def hex8(b):
    return b[0] if isinstance(b, bytes) else b


def common(pdu):
    """The TLV fields tshark shows under each kind of PDU's own prefix (areas, protocols and interface
    addresses are in hellos and LSPs only)."""
    p = f"isis.{pdu}"
    fields = {
        f"{p}.clv.type": tlv_key(pdu, range(256), "type"),
        f"{p}.clv.length": tlv_key(pdu, range(256), "len"),
    }
    if pdu in ("hello", "lsp"):
        fields.update({
            f"{p}.area_address": areas(pdu),
            f"{p}.clv_nlpid.nlpid": chunks(pdu, (129,), "nlpid", 1, hex8),
            f"{p}.clv_ipv4_int_addr": chunks(pdu, (132,), "addr", 4, ipv4),
        })
    return fields


def prefix4(e):
    """An IP reachability entry's prefix as tshark writes it: its bytes, zeros after them."""
    return ipv4(bytes.fromhex(e.get("prefix", "")).ljust(4, b"\0"))


def overload(pkt):
    """The overload bits tshark names isis.lsp.overload: the LSP's, then each SPB MT capability TLV's."""
    vals = [(l["typeblock"] >> 2) & 1 for l in layers_named(pkt, "isislsp") if "typeblock" in l]
    return vals + [e["overload"] for e in tlvs("lsp", (144,))(pkt) if "overload" in e]


def narrow(kind, key, conv=None):
    """A field of the narrow-metric IS ("is") or IP ("ip") reachability entries of LSPs."""
    return elems("isislsp", (f"{kind}_reach_narrow",), key, conv=conv)


def lsp_entries(key, conv=None):
    """LSP entries of both sequence number PDUs: tshark names them isis.csnp.* in a PSNP too."""
    return elems(("isiscsnp", "isispsnp"), ("lsps",), key, conv=conv)


MAP = {
    # the common header (ISO/IEC 10589 9.5)
    "isis.irpd": field("isis", "nlpid"),
    "isis.len": field("isis", "hdrlen"),
    "isis.version": field("isis", "version"),
    "isis.sysid_len": field("isis", "idlen"),
    "isis.type": field("isis", "pdutype"),
    "isis.type.reserved": field("isis", "typereserved"),
    "isis.version2": field("isis", "pduversion"),
    "isis.reserved": field("isis", "hdrreserved"),
    "isis.max_area_adr": field("isis", "maxareaaddr"),
    # hellos: the circuit type's low two bits, and 6 reserved above them; the priority's low 7 bits
    "isis.hello.circuit_type": field(HELLOS, "circuittype", conv=lambda v, _l: v & 3),
    "isis.hello.source_id": field(HELLOS, "sourceid", conv=lambda v, _l: dotted(v)),
    "isis.hello.holding_timer": field(HELLOS, "holdingtime"),
    "isis.hello.pdu_length": field(HELLOS, "pdulength"),
    "isis.hello.priority": field("isislanhello", "priority", conv=lambda v, _l: v & 0x7f),
    "isis.hello.lan_id": field("isislanhello", "lanid", conv=lambda v, _l: dotted(v)),
    "isis.hello.local_circuit_id": field("isisp2phello", "localcircuitid"),
    "isis.hello.is_neighbor": chunks("hello", (6,), "neighbor", 6,
                                     lambda v: v if isinstance(v, str) else ":".join(f"{x:02x}" for x in v)),
    "isis.hello.adjacency_state": tlv_key("hello", (240,), "state"),
    "isis.hello.extended_local_circuit_id": tlv_key("hello", (240,), "ext_circuit_id"),
    "isis.hello.neighbor_systemid": tlv_key("hello", (240,), "neighbor_sysid", conv=lambda v, _e: dotted(v)),
    "isis.hello.neighbor_extended_local_circuit_id": tlv_key("hello", (240,), "neighbor_ext_circuit_id"),
    "isis.hello.clv_restart_flags": tlv_key("hello", (211,), "flags"),
    # link state PDUs (9.8): the type block's partition repair, attached, overload and IS type bits
    "isis.lsp.pdu_length": field("isislsp", "pdulength"),
    "isis.lsp.remaining_life": field("isislsp", "lifetime"),
    "isis.lsp.lsp_id": field("isislsp", "lspid", conv=lambda v, _l: dotted(v)),
    "isis.lsp.sequence_number": field("isislsp", "seqnum"),
    "isis.lsp.checksum": field("isislsp", "checksum"),
    "isis.lsp.partition_repair": field("isislsp", "typeblock", conv=lambda v, _l: v >> 7),
    "isis.lsp.att": field("isislsp", "typeblock", conv=lambda v, _l: (v >> 3) & 0xf),
    "isis.lsp.overload": overload,
    "isis.lsp.is_type": field("isislsp", "typeblock", conv=lambda v, _l: v & 3),
    "isis.lsp.hostname": tlv_key("lsp", (137,), "name"),
    "isis.lsp.ext_is_reachability.is_neighbor_id": elems("isislsp", ("is_reach",), "neighbor",
                                                         conv=lambda v, _e: dotted(v)),
    "isis.lsp.ext_is_reachability.metric": elems("isislsp", ("is_reach",), "metric"),
    "isis.lsp.ext_is_reachability.subclvs_length": elems("isislsp", ("is_reach",), "subtlv_len"),
    "isis.lsp.ext_ip_reachability.metric": elems("isislsp", ("ip_reach",), "metric"),
    "isis.lsp.ext_ip_reachability.distribution": elems("isislsp", ("ip_reach",), "updown"),
    "isis.lsp.ext_ip_reachability.subtlv": elems("isislsp", ("ip_reach",), "s"),
    "isis.lsp.ext_ip_reachability.prefix_length": elems("isislsp", ("ip_reach",), "prefix_len"),
    "isis.lsp.ext_ip_reachability.ipv4_prefix": elems("isislsp", ("ip_reach",), "prefix_len",
                                                      conv=lambda _v, e: prefix4(e)),
    # IPv6 reachability (RFC 5308 2)
    "isis.lsp.ipv6_reachability.metric": elems("isislsp", ("ip6_reach",), "metric"),
    "isis.lsp.ipv6_reachability.distribution": elems("isislsp", ("ip6_reach",), "updown"),
    "isis.lsp.ipv6_reachability.distribution_internal": elems("isislsp", ("ip6_reach",), "external"),
    "isis.lsp.ipv6_reachability.subtlv": elems("isislsp", ("ip6_reach",), "s"),
    "isis.lsp.ipv6_reachability.prefix_length": elems("isislsp", ("ip6_reach",), "prefix_len"),
    "isis.lsp.ipv6_reachability.ipv6_prefix": elems("isislsp", ("ip6_reach",), "prefix",
                                                    conv=lambda v, _e: str(ipaddress.IPv6Address(
                                                        bytes.fromhex(v).ljust(16, b"\0")))),
    "isis.lsp.ipv6_reachability.subclvs_length": elems("isislsp", ("ip6_reach",), "subtlvs",
                                                       conv=lambda v, _e: int(v[:2], 16),
                                                       when=lambda e: e.get("s") == 1),
    # narrow-metric reachability (ISO/IEC 10589 9.8, RFC 1195 5): IS neighbours and IP prefixes
    "isis.lsp.is_virtual": tlv_key("lsp", (2,), "virtual"),
    "isis.lsp.eis_neighbors.is_neighbor": narrow("is", "neighbor", conv=lambda v, _e: dotted(v)),
    "isis.lsp.eis_neighbors.default_metric": narrow("is", "default_metric"),
    "isis.lsp.eis_neighbors.delay_metric": narrow("is", "delay_metric"),
    "isis.lsp.eis_neighbors.expense_metric": narrow("is", "expense_metric"),
    "isis.lsp.eis_neighbors.error_metric": narrow("is", "error_metric"),
    "isis.lsp.eis_neighbors.default_metric_ie": narrow("is", "default_ie"),
    "isis.lsp.eis_neighbors.delay_metric_ie": narrow("is", "delay_ie"),
    "isis.lsp.eis_neighbors.expense_metric_ie": narrow("is", "expense_ie"),
    "isis.lsp.eis_neighbors.error_metric_ie": narrow("is", "error_ie"),
    "isis.lsp.eis_neighbors_delay_metric.supported": narrow("is", "delay_s"),
    "isis.lsp.eis_neighbors.expense_metric_supported": narrow("is", "expense_s"),
    "isis.lsp.eis_neighbors.error_metric_supported": narrow("is", "error_s"),
    "isis.lsp.ip_reachability.ipv4_prefix": narrow("ip", "prefix"),
    "isis.lsp.ip_reachability.distribution": narrow("ip", "updown"),
    "isis.lsp.ip_reachability.default_metric": narrow("ip", "default_metric"),
    "isis.lsp.ip_reachability.delay_metric": narrow("ip", "delay_metric"),
    "isis.lsp.ip_reachability.expense_metric": narrow("ip", "expense_metric"),
    "isis.lsp.ip_reachability.error_metric": narrow("ip", "error_metric"),
    "isis.lsp.ip_reachability.default_metric_ie": narrow("ip", "default_ie"),
    "isis.lsp.ip_reachability.delay_metric_ie": narrow("ip", "delay_ie"),
    "isis.lsp.ip_reachability.expense_metric_ie": narrow("ip", "expense_ie"),
    "isis.lsp.ip_reachability.error_metric_ie": narrow("ip", "error_ie"),
    "isis.lsp.ip_reachability.delay_metric_support": narrow("ip", "delay_s"),
    "isis.lsp.ip_reachability.expense_metric_support": narrow("ip", "expense_s"),
    "isis.lsp.ip_reachability.error_metric_support": narrow("ip", "error_s"),
    "isis.lsp.rt_capable.router_id": tlv_key("lsp", (242,), "router_id",
                                             conv=lambda v, _e: int.from_bytes(bytes(map(int, v.split("."))), "big")),
    # sequence number PDUs (9.10, 9.12): a source ID of 7 bytes, which tshark cuts after the system ID
    "isis.csnp.pdu_length": field("isiscsnp", "pdulength"),
    "isis.csnp.source_id": field("isiscsnp", "sourceid", conv=lambda v, _l: dotted(v[:12])),
    "isis.csnp.source_circuit": field("isiscsnp", "sourceid", conv=lambda v, _l: v[12:14]),
    "isis.csnp.start_lsp_id": field("isiscsnp", "startlspid", conv=lambda v, _l: dotted(v)),
    "isis.csnp.end_lsp_id": field("isiscsnp", "endlspid", conv=lambda v, _l: dotted(v)),
    "isis.csnp.lsp_id": lsp_entries("lspid", conv=lambda v, _e: dotted(v)),
    "isis.csnp.lsp_seq_num": lsp_entries("seqnum"),
    "isis.csnp.lsp_remain_life": lsp_entries("lifetime"),
    "isis.csnp.lsp_checksum": lsp_entries("checksum"),
    "isis.psnp.pdu_length": field("isispsnp", "pdulength"),
    "isis.psnp.source_id": field("isispsnp", "sourceid", conv=lambda v, _l: dotted(v[:12])),
    "isis.psnp.source_circuit": field("isispsnp", "sourceid", conv=lambda v, _l: v[12:14]),
    # Cisco HDLC's byte before an OSI packet
    "chdlc.clns_padding": field("chdlc", "clns_padding"),
}
for _pdu in PDUS:
    MAP.update(common(_pdu))


def last_empty_tlv(f, pkt, tv, ov):
    """The PDU's TLVs end with an empty one (type, length 0) and tshark lists all but it."""
    if not (f.startswith("isis.") and f.endswith((".clv.type", ".clv.length"))) or tv != ov[:-1]:
        return False
    last = [l["tlvs"][-1] for l in pkt["layers"] if l.get("tlvs") and l.get("layer", "").startswith("isis")]
    return bool(last) and last[-1].get("len") == 0


# tshark's IS neighbour fields that it reads from the default metric's byte rather than their own.
DEFAULT_BYTE = {
    "isis.lsp.eis_neighbors.delay_metric": "default_metric",
    "isis.lsp.eis_neighbors.expense_metric": "default_metric",
    "isis.lsp.eis_neighbors.error_metric": "default_metric",
    "isis.lsp.eis_neighbors_delay_metric.supported": "updown",
    "isis.lsp.eis_neighbors.expense_metric_supported": "updown",
    "isis.lsp.eis_neighbors.error_metric_supported": "updown",
}


def metric_from_default_byte(f, pkt, tv, _ov):
    """tshark's values are the default metric byte's: its metric, or its top bit."""
    return f in DEFAULT_BYTE and tv == narrow("is", DEFAULT_BYTE[f])(pkt)


RULES = [
    ("IS neighbours of an LSP (TLV 2): tshark 4.0 (packet-isis-lsp.c) reads the delay, expense and error "
     "metrics and their 'supported' bits from the default metric's byte; ISO/IEC 10589 9.8 gives each its "
     "own byte, which we read (tshark reads their I/E bits from the right bytes)", metric_from_default_byte),
    ("an IS-IS PDU whose TLVs end with one of length 0 filling the last 2 bytes: tshark 4.0 stops reading "
     "TLVs when 2 bytes remain and does not list it; ISO/IEC 10589 9.3 allows a TLV of length 0, and we list "
     "it", last_empty_tlv),
]
