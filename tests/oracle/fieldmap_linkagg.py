# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for the slow protocols (one "slow" layer: the subtype) and LACP's PDUs ("lacp", "marker":
field tables, as version 1 lays them out). tshark lists each TLV's type and length under one name
(lacp.tlv_type, lacp.tlv_length), in wire order."""
from oracle_fields import field, layers_named

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["slow", "lacp"]

TLVS = ("actor", "partner", "collector", "terminator")
STATE_BITS = {"activity": 0x01, "timeout": 0x02, "aggregation": 0x04, "synchronization": 0x08,
              "collecting": 0x10, "distributing": 0x20, "defaulted": 0x40, "expired": 0x80}


def tlv_headers(proto, key, prefixes):
    """lacp.tlv_type / lacp.tlv_length (marker.tlvType / tlvLen): each TLV's, in wire order."""
    def get(pkt):
        return [l[f"{p}_{key}"] for l in layers_named(pkt, proto) for p in prefixes if f"{p}_{key}" in l]
    return get


def state_bit(side, bit):
    return field("lacp", f"{side}_state", conv=lambda v, _l: int(int(v) & STATE_BITS[bit] != 0))




MAP = {
    "slow.subtype": field("slow", "subtype"),
    "lacp.version": field("lacp", "version"),
    "lacp.tlv_type": tlv_headers("lacp", "type", TLVS),
    "lacp.tlv_length": tlv_headers("lacp", "len", TLVS),
    "lacp.collector.max_delay": field("lacp", "collector_maxdelay"),
    "lacp.coll_reserved": field("lacp", "collector_reserved"),
    "lacp.pad": field("lacp", "reserved"),
    "marker.version": field("marker", "version"),
    "marker.tlvType": tlv_headers("marker", "type", ("marker", "terminator")),
    "marker.tlvLen": tlv_headers("marker", "len", ("marker", "terminator")),
    "marker.requesterPort": field("marker", "requester_port"),
    "marker.requesterSystem": field("marker", "requester_system"),
    "marker.requesterTransId": field("marker", "requester_transaction_id"),
    "marker.reserved": field("marker", "reserved"),
}
for _side in ("actor", "partner"):
    MAP.update({
        f"lacp.{_side}.sys_priority": field("lacp", f"{_side}_sysprio"),
        f"lacp.{_side}.sysid": field("lacp", f"{_side}_sys"),
        f"lacp.{_side}.key": field("lacp", f"{_side}_key"),
        f"lacp.{_side}.port_priority": field("lacp", f"{_side}_portprio"),
        f"lacp.{_side}.port": field("lacp", f"{_side}_port"),
        f"lacp.{_side}.state": field("lacp", f"{_side}_state"),
        f"lacp.{_side}.reserved": field("lacp", f"{_side}_reserved"),
    })
    for _bit in STATE_BITS:
        MAP[f"lacp.{_side}.state.{_bit}"] = state_bit(_side, _bit)
# The marker protocol's fields are asked in files with LACP (tshark lists "marker" there when present).
FIELD_PROTO = {"marker": "slow"}
