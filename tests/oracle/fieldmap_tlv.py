# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for the TLV application protocols (Diameter, TLS, RADIUS, BGP)."""
import ipaddress

from oracle_fields import elems, field

TSHARK_PROTOS = ["diameter", "tls", "radius", "bgp"]

# Ports tshark does not give these protocols by default but our registry does.
DECODE_AS = []
# Once a TLS 1.3 session is encrypted, tshark calls a record's type opaque_type (RFC 8446 5.2: the outer
# type, always application_data); ours is "type" in every record. Encrypted records follow the plain ones.
TSHARK_ALSO = {"tls.record.content_type": ["tls.record.opaque_type"]}


def prefix4(v, e):
    """An NLRI prefix (len bits, then as many bytes as they need) as tshark shows it: a dotted quad."""
    b = bytes.fromhex(str(v))[:4]
    return str(ipaddress.IPv4Address(b + bytes(4 - len(b))))


def hex_int(v, _e):
    return int(str(v), 16) if str(v) else 0


MAP = {
    # RADIUS
    "radius.code": field("radius", "code"),
    "radius.id": field("radius", "id"),
    "radius.length": field("radius", "len"),
    "radius.authenticator": field("radius", "auth"),
    "radius.avp.type": elems("radius", ("attributes",), "type"),
    "radius.avp.length": elems("radius", ("attributes",), "len"),
    # Diameter
    "diameter.version": field("diameter", "v"),
    "diameter.length": field("diameter", "len"),
    "diameter.flags": field("diameter", "flags"),
    "diameter.flags.request": field("diameter", "request_flag"),
    "diameter.flags.proxyable": field("diameter", "proxiable_flag"),
    "diameter.flags.error": field("diameter", "error_flag"),
    "diameter.flags.T": field("diameter", "retransmit_flag"),
    "diameter.cmd.code": field("diameter", "cmd"),
    "diameter.applicationId": field("diameter", "app_id"),
    "diameter.hopbyhopid": field("diameter", "hop_id"),
    "diameter.endtoendid": field("diameter", "end_id"),
    "diameter.avp.code": elems("diameter", ("avps_all",), "code"),
    "diameter.avp.flags": elems("diameter", ("avps_all",), "flags"),
    "diameter.avp.len": elems("diameter", ("avps_all",), "len"),
    "diameter.avp.vendorId": elems("diameter", ("avps_all",), "vendor_id"),
    "diameter.flags.vendorspecific": elems("diameter", ("avps_all",), "vendor_flag"),
    "diameter.flags.mandatory": elems("diameter", ("avps_all",), "mandatory_flag"),
    "diameter.avp.flags.protected": elems("diameter", ("avps_all",), "protected_flag"),
    # TLS: one layer per record
    "tls.record.content_type": field("ssl", "type"),
    "tls.record.version": field("ssl", "version"),
    "tls.record.length": field("ssl", "len"),
    "tls.handshake.type": elems("ssl", ("handshakes",), "type"),
    "tls.handshake.length": elems("ssl", ("handshakes",), "len"),
    "tls.handshake.version": elems("ssl", ("hellos",), "tlsversion"),
    "tls.handshake.random": elems("ssl", ("hellos",), "random"),
    "tls.handshake.session_id_length": elems("ssl", ("hellos",), "sid_len"),
    "tls.handshake.session_id": elems("ssl", ("hellos",), "sid"),
    "tls.handshake.ciphersuite": elems("ssl", ("ciphersuites",), "ciphersuite"),
    "tls.handshake.comp_method": elems("ssl", ("compressions",), "compression"),
    "tls.handshake.extensions_length": elems("ssl", ("ext_lens",), "ext_len"),
    "tls.handshake.extension.type": elems("ssl", ("extensions",), "type"),
    "tls.handshake.extension.len": elems("ssl", ("extensions",), "len"),
    "tls.handshake.extensions_server_name": elems("ssl", ("extensions",), "server_name"),
    "tls.handshake.extensions_alpn_str": elems("ssl", ("alpn",), "name"),
    "tls.handshake.certificate_length": elems("ssl", ("certificates",), "len"),
    "tls.alert_message.level": elems("ssl", ("alerts",), "level"),
    "tls.alert_message.desc": elems("ssl", ("alerts",), "description"),
    # BGP: one layer per message
    "bgp.marker": field("bgp", "marker"),
    "bgp.length": field("bgp", "len"),
    "bgp.type": field("bgp", "type"),
    "bgp.open.version": elems("bgp", ("open",), "v"),
    "bgp.open.myas": elems("bgp", ("open",), "asn"),
    "bgp.open.holdtime": elems("bgp", ("open",), "holdtime"),
    "bgp.open.identifier": elems("bgp", ("open",), "identifier"),
    "bgp.open.opt.len": elems("bgp", ("open",), "param_len"),
    "bgp.open.opt.param.type": elems("bgp", ("params",), "type"),
    "bgp.open.opt.param.len": elems("bgp", ("params",), "len"),
    "bgp.update.withdrawn_routes.length": elems("bgp", ("update",), "withdrawnlen"),
    "bgp.update.path_attributes.length": elems("bgp", ("pathlen",), "pathlen"),
    "bgp.withdrawn_prefix": elems("bgp", ("wroutes",), "prefix", conv=prefix4),
    "bgp.nlri_prefix": elems("bgp", ("anncroutes",), "prefix", conv=prefix4),
    "bgp.update.path_attribute.flags": elems("bgp", ("pathattrs",), "flags"),
    "bgp.update.path_attribute.type_code": elems("bgp", ("pathattrs",), "type"),
    "bgp.update.path_attribute.length": elems("bgp", ("pathattrs",), "len"),
    "bgp.update.path_attribute.origin": elems("bgp", ("pathattrs",), "origin"),
    "bgp.update.path_attribute.as_path_segment.type": elems("bgp", ("aspath",), "type"),
    "bgp.update.path_attribute.as_path_segment.length": elems("bgp", ("aspath",), "len"),
    "bgp.update.path_attribute.next_hop": elems("bgp", ("pathattrs",), "nexthop"),
    "bgp.update.path_attribute.multi_exit_disc": elems("bgp", ("pathattrs",), "med"),
    "bgp.update.path_attribute.local_pref": elems("bgp", ("pathattrs",), "localpref"),
    "bgp.update.path_attribute.aggregator_as": elems("bgp", ("pathattrs",), "aggr_asn"),
    "bgp.update.path_attribute.aggregator_origin": elems("bgp", ("pathattrs",), "aggr_ip"),
    "bgp.update.path_attribute.originator_id": elems("bgp", ("pathattrs",), "originator_id"),
    "bgp.update.path_attribute.mp_reach_nlri.afi": elems("bgp", ("pathattrs",), "afi",
                                                         when=lambda e: int(e.get("type", 0)) == 14),
    "bgp.update.path_attribute.mp_reach_nlri.safi": elems("bgp", ("pathattrs",), "safi",
                                                          when=lambda e: int(e.get("type", 0)) == 14),
    "bgp.update.path_attribute.mp_unreach_nlri.afi": elems("bgp", ("pathattrs",), "afi",
                                                           when=lambda e: int(e.get("type", 0)) == 15),
    "bgp.update.path_attribute.mp_unreach_nlri.safi": elems("bgp", ("pathattrs",), "safi",
                                                            when=lambda e: int(e.get("type", 0)) == 15),
    "bgp.notify.major_error": elems("bgp", ("notification",), "code"),
    "bgp.notify.minor_error_cease": elems("bgp", ("notification",), "subcode",
                                          when=lambda e: int(e.get("code", 0)) == 6),
    "bgp.notify.minor_error_capability": elems("bgp", ("notification",), "subcode",
                                               when=lambda e: int(e.get("code", 0)) == 7),
    "bgp.notify.minor_data": elems("bgp", ("notification",), "data"),
    # tshark names the subcode by its major code (RFC 4271 4.5): message header, OPEN, UPDATE, hold timer
    # expired, FSM (RFC 6608)
    "bgp.notify.minor_error": elems("bgp", ("notification",), "subcode",
                                    when=lambda e: int(e.get("code", 0)) == 1),
    "bgp.notify.minor_error_open": elems("bgp", ("notification",), "subcode",
                                         when=lambda e: int(e.get("code", 0)) == 2),
    "bgp.notify.minor_error_update": elems("bgp", ("notification",), "subcode",
                                           when=lambda e: int(e.get("code", 0)) == 3),
    "bgp.notify.minor_error_expired": elems("bgp", ("notification",), "subcode",
                                            when=lambda e: int(e.get("code", 0)) == 4),
    "bgp.notify.minor_error_state": elems("bgp", ("notification",), "subcode",
                                          when=lambda e: int(e.get("code", 0)) == 5),
    "bgp.route_refresh.afi": elems("bgp", ("routerefresh",), "afi"),
    "bgp.route_refresh.subtype": elems("bgp", ("routerefresh",), "rsvd"),
    "bgp.route_refresh.safi": elems("bgp", ("routerefresh",), "safi"),
}

# tshark fields whose differences are explained (field -> why).
KNOWN_DIFFERENCES = {
    "bgp.marker": "a segment that starts inside a message (bgp-as-path-oobr): tshark searches the segment for "
                  "the next marker and decodes from there; we only decode a message at the segment start and "
                  "flag the rest malformed",
    "bgp.length": "as bgp.marker: tshark resynchronises on a marker inside the segment, we do not",
    "bgp.type": "as bgp.marker: tshark resynchronises on a marker inside the segment, we do not",
    "bgp.open.opt.param.type": "RFC 9072 extended optional parameters (type 255 with a 2-byte length) are not "
                               "decoded: we walk them with 1-byte lengths",
    "bgp.open.opt.param.len": "as bgp.open.opt.param.type (RFC 9072 not decoded)",
    "bgp.update.path_attribute.as_path_segment.type": "AS size: tshark takes it from the OPEN capabilities of "
        "the session (or its preference); we infer it per attribute (2 bytes unless only 4 tiles it), which "
        "differs on hostile or ambiguous paths",
    "bgp.update.path_attribute.as_path_segment.length": "as as_path_segment.type (AS size inferred per attribute)",
    "bgp.update.path_attribute.flags": "hostile tcpdump captures (oobr) with attributes overrunning the path "
                                       "attributes: we stop at the first that overruns, flagged; tshark goes on",
    "bgp.update.path_attribute.type_code": "as bgp.update.path_attribute.flags (hostile oobr captures)",
    "bgp.update.path_attribute.length": "as bgp.update.path_attribute.flags (hostile oobr captures)",
    "bgp.update.path_attributes.length": "as bgp.marker: a message found by resynchronising, which we leave raw",
    "bgp.update.path_attribute.origin": "attribute sets (ATTR_SET, RFC 6368, bgp_vpn_attrset): tshark decodes the "
                                        "nested attributes, we show the set as bytes",
    "bgp.update.path_attribute.local_pref": "as bgp.update.path_attribute.origin (nested ATTR_SET not decoded)",
    "bgp.withdrawn_prefix": "ADD-PATH (RFC 7911, bgp-addpath): each prefix is preceded by a 4-byte path id that "
                            "only the OPEN capability announces; we read the prefixes without it",
    "radius.avp.type": "an attribute whose length is below 2 (ndpi fuzz capture): we list it, flagged malformed, "
                       "and stop; tshark reports 'AVP too short' and lists no type for it",
    "tls.record.content_type": "a record that continues in the next TCP segment: we show its header (and the handshake header it starts with) as the segment's last ssl layer; tshark, without TCP reassembly, shows nothing of it",
    "tls.record.version": "as tls.record.content_type: a record continued in the next segment",
    "tls.record.length": "as tls.record.content_type: a record continued in the next segment",
    "tls.handshake.type": "as tls.record.content_type: the first message of a record continued in the next segment",
    "tls.handshake.length": "as tls.handshake.type",
    "tls.handshake.version": "as tls.record.content_type: the hello of a record continued in the next segment, as "
                             "far as this one holds it (wireshark's test capture tls-fragmented-handshakes.pcap)",
    "tls.handshake.random": "as tls.handshake.version",
    "tls.handshake.session_id_length": "as tls.handshake.version",
    "tls.handshake.comp_method": "as tls.handshake.version",
    "tls.handshake.ciphersuite": "as tls.handshake.version",
    "radius.avp.length": "as radius.avp.type: the attribute of length 0 is listed by us, not by tshark",
}
