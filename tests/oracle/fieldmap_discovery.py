# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for link discovery: LLDP (IEEE 802.1AB), one element per TLV in the set "tlvlist";
CDP, one element per TLV in "tlvs" and per address entry in "addrs"."""
from oracle_fields import elems, field, tshark_text

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["lldp", "cdp"]

OUI_IEEE_8021, OUI_IEEE_8023 = 0x0080C2, 0x00120F


def tlv(key, types, conv=None, when=None):
    """`key` of the TLVs whose type is one of `types` (and that pass `when`)."""
    return elems("lldp", ("tlvlist",), key, conv=conv,
                 when=lambda e: e.get("tlv_type") in types and (when is None or when(e)))


def text(v, _e):
    return tshark_text(v)


def org(oui, subtype, key, conv=None):
    """`key` of the organizationally specific TLVs of `oui` and `subtype`."""
    return tlv(key, (127,), conv=conv, when=lambda e: e.get("oui") == oui and e.get("subtype") == subtype)


# The subtype of a MAC-address ID: chassis (type 1) 4, port (type 2) 3 (802.1AB Tables 8-2, 8-3); such an
# ID is read as a MAC address when it holds one (7 bytes with the subtype).
MAC_SUBTYPE = {1: 4, 2: 3}


def form(family=None, mac=False):
    """An ID TLV read in one form: by its address family, or as a MAC address, or (neither) as text."""
    def is_mac(e):
        return e.get("subtype") == MAC_SUBTYPE[e.get("tlv_type")] and e.get("tlv_len") == 7

    def test(e):
        if mac:
            return is_mac(e)
        if family is None:
            return "family" not in e and not is_mac(e)
        return e.get("family") == family
    return test


MAP = {
    "lldp.tlv.type": tlv("tlv_type", range(128)),
    "lldp.tlv.len": tlv("tlv_len", range(128)),
    # Chassis ID and Port ID (8.5.2, 8.5.3): a MAC address, a network address after its family, or text
    "lldp.chassis.subtype": tlv("subtype", (1,)),
    "lldp.chassis.id.mac": tlv("value", (1,), when=form(mac=True)),
    "lldp.chassis.id.ip4": tlv("value", (1,), when=form(family=1)),
    "lldp.chassis.id.ip6": tlv("value", (1,), when=form(family=2)),
    # tshark 4.0 shows a chassis ID that is not an address as bytes; 802.1AB 8.5.2.3 makes the component,
    # alias, name and local forms text (RFC 2863 DisplayString, SnmpAdminString), so our value is text
    "lldp.chassis.id": tlv("value", (1,), conv=lambda v, _e: v.encode("latin-1").hex(), when=form()),
    "lldp.port.subtype": tlv("subtype", (2,)),
    "lldp.port.id.mac": tlv("value", (2,), when=form(mac=True)),
    "lldp.port.id.ip4": tlv("value", (2,), when=form(family=1)),
    "lldp.port.id.ip6": tlv("value", (2,), when=form(family=2)),
    "lldp.port.id": tlv("value", (2,), conv=text, when=form()),
    "lldp.network_address.subtype": tlv("family", (1, 2)),
    "lldp.time_to_live": tlv("seconds", (3,)),
    "lldp.port.desc": tlv("value", (4,), conv=text),
    "lldp.tlv.system.name": tlv("value", (5,), conv=text),
    "lldp.tlv.system.desc": tlv("value", (6,), conv=text),
    "lldp.tlv.system_cap": tlv("capabilities", (7,)),
    "lldp.tlv.enable_system_cap": tlv("enabled", (7,)),
    # Management Address (8.5.9)
    "lldp.mgn.address.len": tlv("addrlen", (8,)),
    "lldp.mgn.address.subtype": tlv("addrsubtype", (8,)),
    "lldp.mgn.addr.ip4": tlv("addrval", (8,), when=lambda e: e.get("addrsubtype") == 1),
    "lldp.mgn.addr.ip6": tlv("addrval", (8,), when=lambda e: e.get("addrsubtype") == 2),
    "lldp.mgn.addr.hex": tlv("addrval", (8,), conv=lambda v, _e: v.replace(":", ""),
                             when=lambda e: e.get("addrsubtype") == 6),
    "lldp.mgn.interface.subtype": tlv("ifsubtype", (8,)),
    "lldp.mgn.interface.number": tlv("ifnumber", (8,)),
    "lldp.mgn.obj.len": tlv("oidlen", (8,)),
    # Organizationally specific TLVs (8.6): OUI and subtype; IEEE 802.1's port VLAN ID (D.2.1)
    "lldp.orgtlv.oui": tlv("oui", (127,)),
    "lldp.ieee.802_1.subtype": tlv("subtype", (127,), when=lambda e: e.get("oui") == OUI_IEEE_8021),
    "lldp.ieee.802_3.subtype": tlv("subtype", (127,), when=lambda e: e.get("oui") == OUI_IEEE_8023),
    "lldp.ieee.802_1.port_vlan.id": org(OUI_IEEE_8021, 1, "vlan"),
    # IEEE 802.1 Annex D and 802.3 Annex F TLVs with fields
    "lldp.ieee.802_1.port_and_vlan_id_flag": org(OUI_IEEE_8021, 2, "flags"),
    "lldp.ieee.802_1.port_proto_vlan.id": org(OUI_IEEE_8021, 2, "ppvid"),
    "lldp.ieee.802_1.vlan.id": org(OUI_IEEE_8021, 3, "vlan"),
    "lldp.ieee.802_1.vlan.name_len": org(OUI_IEEE_8021, 3, "name_len"),
    "lldp.ieee.802_1.vlan.name": org(OUI_IEEE_8021, 3, "name", conv=text),
    "lldp.ieee.802_1.proto.id_length": org(OUI_IEEE_8021, 4, "id_len"),
    "lldp.ieee.802_1.proto.id": org(OUI_IEEE_8021, 4, "id"),
    "lldp.ieee.802_3.mac_phy_auto_neg_status": org(OUI_IEEE_8023, 1, "autoneg"),
    "lldp.ieee.802_3.pmd_auto_neg_advertised_caps": org(OUI_IEEE_8023, 1, "advertised"),
    "lldp.ieee.802_3.pmd_mau_type": org(OUI_IEEE_8023, 1, "mau_type"),
    "lldp.ieee.802_3.mdi_power_support": org(OUI_IEEE_8023, 2, "mdi_support"),
    "lldp.ieee.802_3.mdi_pse_pair": org(OUI_IEEE_8023, 2, "pse_pair"),
    "lldp.ieee.802_3.mdi_power_class": org(OUI_IEEE_8023, 2, "power_class"),
    "lldp.ieee.802_3.mdi_power_type": org(OUI_IEEE_8023, 2, "power_type"),
    "lldp.ieee.802_3.mdi_power_source": org(OUI_IEEE_8023, 2, "power_source"),
    "lldp.ieee.802_3.mdi_power_priority": org(OUI_IEEE_8023, 2, "power_priority"),
    "lldp.ieee.802_3.mdi_pde_requested": org(OUI_IEEE_8023, 2, "requested"),
    "lldp.ieee.802_3.mdi_pse_allocated": org(OUI_IEEE_8023, 2, "allocated"),
    "lldp.ieee.802_3.aggregation_status": org(OUI_IEEE_8023, 3, "status"),
    "lldp.ieee.802_3.aggregated_port_id": org(OUI_IEEE_8023, 3, "port_id"),
    "lldp.ieee.802_3.max_frame_size": org(OUI_IEEE_8023, 4, "max_frame_size"),
}



def cdp_tlv(key, types, conv=None):
    return elems("cdp", ("tlvs",), key, conv=conv, when=lambda e: e.get("type") in types)


def cdp_text_lines(key, types):
    def get(pkt):
        return [tshark_text(line) for v in cdp_tlv(key, types)(pkt) for line in v.split("\n")]
    return get


def cdp_proto(v, _e):
    return f"{v:02x}" if isinstance(v, int) else v


CDP_MAP = {
    "cdp.version": field("cdp", "version"),
    "cdp.ttl": field("cdp", "ttl"),
    "cdp.checksum": field("cdp", "sum"),
    "cdp.tlv.type": cdp_tlv("type", range(65536)),
    "cdp.tlv.len": cdp_tlv("len", range(65536)),
    "cdp.deviceid": cdp_tlv("value", (1,), conv=text),
    "cdp.portid": cdp_tlv("value", (3,), conv=text),
    "cdp.software_version": cdp_text_lines("value", (5,)),
    "cdp.platform": cdp_tlv("value", (6,), conv=text),
    # tshark gives an empty domain name no value
    "cdp.vtp_management_domain": lambda pkt: [v for v in cdp_tlv("value", (9,), conv=text)(pkt) if v],
    "cdp.system_name": cdp_tlv("value", (0x14,), conv=text),
    "cdp.capabilities": cdp_tlv("capabilities", (4,)),
    "cdp.number_of_addresses": cdp_tlv("count", (2, 0x16)),
    "cdp.protocol_type": elems("cdp", ("addrs",), "ptype"),
    "cdp.protocol_length": elems("cdp", ("addrs",), "plen"),
    "cdp.protocol": elems("cdp", ("addrs",), "proto", conv=cdp_proto),
    "cdp.address_length": elems("cdp", ("addrs",), "alen"),
    "cdp.nrgyz.ip_address": elems("cdp", ("addrs",), "addr", when=lambda e: e.get("alen") == 4 and
                                  e.get("ptype") == 1),
    "cdp.nrgyz.ipv6_address": elems("cdp", ("addrs",), "addr", when=lambda e: e.get("alen") == 16 and
                                    e.get("ptype") == 2),
    "cdp.oui": cdp_tlv("oui", (8,)),
    "cdp.protocol_id": cdp_tlv("protocol_id", (8,)),
    "cdp.native_vlan": cdp_tlv("vlan", (0x0a,)),
    "cdp.duplex": cdp_tlv("duplex", (0x0b,)),
    "cdp.voice_vlan": cdp_tlv("vlan", (0x0e, 0x0f)),
    "cdp.power_consumption": cdp_tlv("power", (0x10,)),
    "cdp.mtu": cdp_tlv("mtu", (0x11,)),
    "cdp.trust_bitmap": cdp_tlv("trust", (0x12,)),
    "cdp.untrusted_port_cos": cdp_tlv("cos", (0x13,)),
    "cdp.request_id": cdp_tlv("request_id", (0x1a,)),
    "cdp.management_id": cdp_tlv("management_id", (0x1a,)),
    "cdp.power_available": lambda pkt: [v for e in elems("cdp", ("tlvs",), "available",
                                                         when=lambda e: e.get("type") == 0x1a, conv=lambda v, e: e)(pkt)
                                        for v in (e["available"], e.get("available_max")) if v is not None],
}
MAP.update(CDP_MAP)

# tshark fields whose differences are explained (field -> why). Mismatches here are reported, not failed.
KNOWN_DIFFERENCES = {
    "lldp.ieee.802_3.mdi_power_priority": "tshark 4.0 reads the PD power priority with mask 0x0f, taking in the two "
                                          "reserved bits before it (IEEE 802.3 79.3.2.4: bits 3:2 reserved, 1:0 "
                                          "priority); the two agree when the reserved bits are zero",
}


def lldp_layers(pkt):
    return [l for l in pkt["layers"] if l.get("layer") == "lldp"]


def lldp_trailer(f, pkt, _tv, _ov):
    return f == "eth.trailer" and bool(lldp_layers(pkt))


def out_of_order(f, pkt, tv, ov):
    """tshark's values are the first of ours, and the LLDPDU does not start with chassis, port, TTL."""
    if not f.startswith("lldp.") or len(tv) >= len(ov) or ov[:len(tv)] != tv:
        return False
    return any([t.get("tlv_type") for t in l.get("tlvlist", [])[:3]] != [1, 2, 3] for l in lldp_layers(pkt))


RULES = [
    ("an LLDP frame's trailer: tshark 4.0's LLDP dissector reports a length short of the TLVs it shows (its "
     "eth.trailer overlaps them: the End of LLDPDU TLV, or more after an IEEE 802.1 PFC TLV); the layer ends "
     "after the End TLV (802.1AB 8.5.1) and what follows is the frame's padding", lldp_trailer),
    ("an LLDPDU whose first three TLVs are not chassis ID, port ID and TTL (802.1AB 9.2.7.7.1 discards it): "
     "tshark stops at the first one out of place; we flag the layer malformed and list every TLV",
     out_of_order),
]
