# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for STUN (with TURN's and ICE's attributes): the header as "stun", each attribute one
element of "attributes" with its value's fields by kind. tshark shows XOR'd addresses both as on the wire
(stun.att.port-xord, stun.att.ipv4-xord) and un-XOR'd (stun.att.port, stun.att.ipv4): ours are as on the
wire, so the getters here XOR them for the second."""
import ipaddress

from oracle_fields import elems, field

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["stun"]

COOKIE = 0x2112a442
XOR_TYPES = (0x0012, 0x0016, 0x0020)
PLAIN_TYPES = (0x0001, 0x8023, 0x802b, 0x802c)


def attr(key, types=None, conv=None):
    return elems("stun", ("attributes",), key, conv=conv,
                 when=None if types is None else (lambda e: e.get("type") in types))


def ports(pkt):
    """stun.att.port: a plain address's port, or a XOR'd one's un-XOR'd, in attribute order."""
    out = []
    for l in pkt["layers"]:
        if l.get("layer") != "stun":
            continue
        for e in l.get("attributes", []):
            if "port" in e:
                out.append(e["port"])
            elif "x_port" in e:
                out.append(int(e["x_port"]) ^ (COOKIE >> 16))
    return out


def ipv4s(pkt):
    """stun.att.ipv4: a plain IPv4 address, or a XOR'd one's un-XOR'd."""
    out = []
    for l in pkt["layers"]:
        if l.get("layer") != "stun":
            continue
        for e in l.get("attributes", []):
            if e.get("address_family") != 1:
                continue
            if "address" in e:
                out.append(e["address"])
            elif "x_address" in e:
                out.append(str(ipaddress.IPv4Address(int(ipaddress.IPv4Address(e["x_address"])) ^ COOKIE)))
    return out


def ipv6s(pkt):
    """stun.att.ipv6: a plain IPv6 address, or a XOR'd one's un-XOR'd (RFC 8489 14.2: XOR the cookie
    and the transaction ID)."""
    out = []
    for l in pkt["layers"]:
        if l.get("layer") != "stun":
            continue
        mask = int.from_bytes(COOKIE.to_bytes(4, "big") + bytes.fromhex(l.get("transaction_id", "")), "big")
        for e in l.get("attributes", []):
            if e.get("address_family") != 2:
                continue
            if "address" in e:
                out.append(e["address"])
            elif "x_address" in e and len(l.get("transaction_id", "")) == 24:
                out.append(str(ipaddress.IPv6Address(int(ipaddress.IPv6Address(e["x_address"])) ^ mask)))
    return out


def text(v, _e):
    """A UTF-8 attribute (RFC 8489 14.3, 14.9, 14.10, 14.14) as tshark prints it: decoded, bad bytes
    as U+FFFD, up to the first NUL, with C's escapes (our JSON gives a byte per character)."""
    b = str(v).encode("latin-1", "replace").split(b"\0", 1)[0]
    esc = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
    return "".join(esc.get(c, c) for c in b.decode("utf-8", "replace"))


def hexn(digits):
    """An integer as tshark prints these FT_BYTES fields: hex digits, no 0x."""
    return lambda v, _e: format(int(v), f"0{digits}x")


def ipv4_hex(v, _e):
    return ipaddress.IPv4Address(v).packed.hex()


MAP = {
    "stun.type": field("stun", "stun_message_type"),
    "stun.length": field("stun", "length"),
    "stun.cookie": field("stun", "magic_cookie", conv=hexn(8)),
    "stun.id": field("stun", "transaction_id"),
    "stun.attribute": attr("type"),
    "stun.att.type": attr("type"),
    "stun.att.length": attr("length"),
    "stun.att.family": attr("address_family"),
    "stun.att.port": ports,
    "stun.att.ipv4": ipv4s,
    "stun.att.port-xord": attr("x_port", conv=hexn(4)),
    "stun.att.ipv4-xord": elems("stun", ("attributes",), "x_address", conv=ipv4_hex,
                                when=lambda e: e.get("address_family") == 1),
    "stun.att.ipv6": ipv6s,
    "stun.att.hmac": attr("hmac_sha1"),
    "stun.att.crc32": attr("crc_32"),
    "stun.att.username": attr("username", conv=text),
    "stun.att.priority": attr("priority"),
    "stun.att.tie-breaker": attr("tie_breaker", conv=hexn(16)),
    "stun.att.transp": attr("protocol", types=(0x0019,)),
    "stun.att.software": attr("text", types=(0x8022,), conv=text),
    "stun.att.realm": attr("text", types=(0x0014,), conv=text),
    "stun.att.nonce": attr("text", types=(0x0015,), conv=text),
    "stun.att.lifetime": attr("lifetime"),
    "stun.att.error.class": attr("error_class"),
    "stun.att.error": attr("number"),
    "stun.att.error.reason": attr("reason", conv=text),
}

# The attribute types libpkt names (RFC 8489, 8656, 8445): tshark knows them all, and more.
OUR_TYPES = {0x0001, 0x0006, 0x0008, 0x0009, 0x000a, 0x000c, 0x000d, 0x0012, 0x0013, 0x0014, 0x0015, 0x0016,
             0x0017, 0x0018, 0x0019, 0x001a, 0x001c, 0x001d, 0x001e, 0x0020, 0x0022, 0x0024, 0x0025, 0x8002,
             0x8003, 0x8022, 0x8023, 0x8028, 0x8029, 0x802a, 0x802b, 0x802c}


def unknown_attribute_types(f, _pkt, tv, ov):
    """tshark leaves the type field out for an attribute type it does not know."""
    if f not in ("stun.att.type", "stun.attribute"):
        return False
    seen = set(tv)
    return [t for t in ov if t in OUR_TYPES or t in seen] == tv


RULES = [
    ("an attribute of a type tshark does not know (0xdaba) is a line of text in its tree (\"Unknown "
     "attribute\"), without stun.att.type; we list every attribute's type", unknown_attribute_types),
]
