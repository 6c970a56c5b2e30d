# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for RTCP: one layer per packet of a compound, the parts after the fixed four bytes as
element sets that only the packet types holding them have ("sender", "report_blocks", "sdes_chunks",
"sdes_items", "sources", "reason", "app", "fci", "xr_blocks")."""
from oracle_fields import elems, field, layers_named

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["rtcp"]


def sender(key, types=None, conv=None):
    return elems("rtcp", ("sender",), key, conv=conv)


def ntp_word(shift):
    """One 32-bit half of the sender's 64-bit NTP timestamp, as tshark splits it."""
    return lambda v, _e: (int(v, 0) if isinstance(v, str) else int(v)) >> shift & 0xffffffff


def count_of(types):
    """The header's count, for the packet types in which tshark calls it by this name."""
    return field("rtcp", "count", when=lambda l: l.get("packet_type") in types)


def block(key, conv=None):
    return elems("rtcp", ("report_blocks",), key, conv=conv)


def items(key, reason_key):
    """SDES items' `key`, and a BYE reason's `reason_key`, which tshark names as an item's."""
    def get(pkt):
        return [e[k] for l in layers_named(pkt, "rtcp") for s, k in (("sdes_items", key), ("reason", reason_key))
                for e in l.get(s, []) if k in e]
    return get


def ssrc_identifiers(pkt):
    """The SSRCs tshark calls rtcp.ssrc.identifier, packet by packet: report blocks', SDES chunks' and
    BYE sources'."""
    return [e["ssrc"] for l in layers_named(pkt, "rtcp") for s in ("report_blocks", "sdes_chunks", "sources")
            for e in l.get(s, []) if "ssrc" in e]


MAP = {
    "rtcp.version": field("rtcp", "version"),
    "rtcp.padding": field("rtcp", "p"),
    "rtcp.rc": count_of((200, 201)),
    "rtcp.sc": count_of((202, 203)),
    "rtcp.app.subtype": count_of((204,)),
    "rtcp.psfb.fmt": count_of((206,)),
    "rtcp.rtpfb.fmt": count_of((205,)),
    "rtcp.pt": field("rtcp", "packet_type"),
    "rtcp.length": field("rtcp", "length"),
    "rtcp.senderssrc": sender("ssrc"),
    "rtcp.mediassrc": sender("media_ssrc"),
    "rtcp.timestamp.ntp.msw": sender("ntp_timestamp", conv=ntp_word(32)),
    "rtcp.timestamp.ntp.lsw": sender("ntp_timestamp", conv=ntp_word(0)),
    "rtcp.timestamp.rtp": sender("rtp_timestamp"),
    "rtcp.sender.packetcount": sender("sender_packet_count"),
    "rtcp.sender.octetcount": sender("sender_octet_count"),
    "rtcp.ssrc.identifier": ssrc_identifiers,
    "rtcp.ssrc.fraction": block("fraction_lost"),
    "rtcp.ssrc.cum_nr": block("cumulative_lost"),
    "rtcp.ssrc.ext_high": block("highest_seqnum_recv"),
    "rtcp.ssrc.jitter": block("interarrival_jitter"),
    "rtcp.ssrc.lsr": block("last_SR_timestamp"),
    "rtcp.ssrc.dlsr": block("delay_since_last_SR"),
    "rtcp.sdes.type": elems("rtcp", ("sdes_items",), "chunk_type"),
    "rtcp.sdes.length": items("length", "length"),
    "rtcp.sdes.text": items("value", "reason"),
    "rtcp.app.name": elems("rtcp", ("app",), "name"),
    "rtcp.app.data": elems("rtcp", ("app",), "data"),
    "rtcp.rtpfb.nack_pid": elems("rtcp", ("fci",), "pid"),
    "rtcp.rtpfb.nack_blp": elems("rtcp", ("fci",), "blp"),
    "rtcp.xr.bt": elems("rtcp", ("xr_blocks",), "block_type"),
    "rtcp.xr.bs": elems("rtcp", ("xr_blocks",), "type_specific"),
    "rtcp.xr.bl": elems("rtcp", ("xr_blocks",), "block_length"),
}
