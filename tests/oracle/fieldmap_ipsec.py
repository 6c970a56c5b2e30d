# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for IPsec's key exchange: ISAKMP, IKEv1 and IKEv2 ("isakmp": the header, each payload
one element of "payloads" with its body's fields by type) and UDP encapsulation on port 4500
("udpencap"). tshark names the type of every payload (isakmp.typepayload) and the next payload of the
header and of each payload with one name (isakmp.nextpayload); a payload's type is the link before it,
so the getters follow the chain."""
from oracle_fields import elems, field, layers_named

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["isakmp", "udpencap"]

V1_NOTIFY, V2_NOTIFY, V1_DELETE, V2_DELETE = 11, 41, 12, 42


def chain(pkt):
    """(type, element) of every payload, in order."""
    out = []
    for l in layers_named(pkt, "isakmp"):
        link = l.get("next_payload")
        for e in l.get("payloads", []):
            out.append((link, e))
            link = e.get("next_payload")
    return out


def tree(pkt):
    """(type, element) of every payload, proposal (type 2) and transform (type 3) in the order tshark
    shows them: an SA payload's proposals after it, each proposal's transforms after that. Our sets
    list them apart, in wire order: each SA's proposals and each proposal's transforms are those whose
    lengths its own length covers."""
    out = []
    for l in layers_named(pkt, "isakmp"):
        props, trans = list(l.get("proposals", [])), list(l.get("transforms", []))
        link = l.get("next_payload")
        for e in l.get("payloads", []):
            out.append((link, e))
            if link in (1, 33) and not e.get("malformed"):
                room = e.get("length", 0) - 4 - (8 if link == 1 else 0)
                while props and room >= 8:
                    p = props.pop(0)
                    out.append((2, p))
                    room -= p.get("length", 0)
                    inner = p.get("length", 0) - 8 - p.get("spi_size", 0)
                    while trans and inner >= 8:
                        t = trans.pop(0)
                        out.append((3, t))
                        inner -= t.get("length", 0)
            link = e.get("next_payload")
    return out


def of_type(key, types=None):
    def get(pkt):
        return [e[key] for t, e in chain(pkt) if key in e and (types is None or t in types)]
    return get


def in_tree(key, types=None):
    def get(pkt):
        return [e[key] for t, e in tree(pkt) if key in e and (types is None or t in types)]
    return get


def next_payloads(pkt):
    """The header's next payload, then each payload's (a substructure's "last", which IKEv1 calls next
    payload too)."""
    out = []
    for l in layers_named(pkt, "isakmp"):
        out.append(l.get("next_payload"))
    for t, e in tree(pkt):
        out.append(e.get("next_payload", e.get("last")))
    return out


def payload_types(pkt):
    return [t for t, _e in tree(pkt)]


def substructs(set_name, key, v1=None):
    def get(pkt):
        out = []
        for l in layers_named(pkt, "isakmp"):
            if v1 is not None and (l.get("major") == 1) != v1:
                continue
            out.extend(e[key] for e in l.get(set_name, []) if key in e)
        return out
    return get


def flag(bit):
    return field("isakmp", "flags", conv=lambda v, _l: int(bool(int(v) & bit)))


MAP = {
    "isakmp.ispi": field("isakmp", "init_cookie"),
    "isakmp.rspi": field("isakmp", "resp_cookie"),
    "isakmp.nextpayload": next_payloads,
    "isakmp.version": field("isakmp", "version"),
    "isakmp.mjver": field("isakmp", "major"),
    "isakmp.mnver": field("isakmp", "minor"),
    "isakmp.exchangetype": field("isakmp", "exch_type"),
    "isakmp.flags": field("isakmp", "flags"),
    "isakmp.flag_e": flag(0x01),
    "isakmp.flag_c": flag(0x02),
    "isakmp.flag_a": flag(0x04),
    "isakmp.flag_i": flag(0x08),
    "isakmp.flag_v": flag(0x10),
    "isakmp.flag_r": flag(0x20),
    "isakmp.messageid": field("isakmp", "id"),
    "isakmp.length": field("isakmp", "length"),
    "isakmp.typepayload": payload_types,
    "isakmp.criticalpayload": of_type("critical"),
    "isakmp.reserved7": of_type("reserved"),
    "isakmp.payloadlength": in_tree("length"),
    "isakmp.prop.number": substructs("proposals", "proposal_num"),
    "isakmp.prop.protoid": substructs("proposals", "protocol_id"),
    "isakmp.prop.transforms": substructs("proposals", "num_transforms"),
    "isakmp.tf.type": substructs("transforms", "transform_type"),
    "isakmp.trans.number": substructs("transforms", "transform_num"),
    "isakmp.trans.id": substructs("transforms", "transform_id", v1=True),
    "isakmp.sa.doi": of_type("doi", (1,)),
    "isakmp.notify.doi": of_type("doi", (V1_NOTIFY,)),
    "isakmp.delete.doi": of_type("doi", (V1_DELETE,)),
    "isakmp.notify.protoid": of_type("protocol_id", (V1_NOTIFY, V2_NOTIFY)),
    "isakmp.delete.protoid": of_type("protocol_id", (V1_DELETE, V2_DELETE)),
    "isakmp.notify.msgtype": of_type("notify_type"),
    # tshark shows no data field for a notification without data.
    "isakmp.notify.data": lambda pkt: [v if v else "<missing>" for v in of_type("notification_data")(pkt)],
    "isakmp.spinum": of_type("num_spis"),
    "isakmp.key_exchange.dh_group": of_type("dh_group"),
    "isakmp.key_exchange.data": of_type("ke_data"),
    "isakmp.nonce": of_type("nonce"),
    "isakmp.vid_bytes": of_type("vendor_id"),
    "isakmp.auth.method": of_type("auth_method"),
    "isakmp.auth.data": of_type("auth_data"),
    "isakmp.id.type": of_type("id_type"),
    "isakmp.id.port": of_type("port"),
    "isakmp.frag.number": of_type("fragment_number"),
    "isakmp.frag.total": of_type("total_fragments"),
    # Items without a value: tshark shows 1 where it finds them.
    "udpencap.non_esp_marker": lambda pkt: [1 for l in layers_named(pkt, "udpencap") if l.get("marker") == "00000000"],
    "udpencap.nat_keepalive": lambda pkt: [1 for l in layers_named(pkt, "udpencap") if l.get("marker") == "ff"],
}

GDOI_SA_KEK = 15
PAYLOAD_LISTS = ("isakmp.nextpayload", "isakmp.payloadlength", "isakmp.typepayload")


def lists_more(f, tv, ov):
    return f in PAYLOAD_LISTS and len(tv) < len(ov) and ov[:len(tv)] == tv


def stops_at_exception(f, pkt, tv, ov):
    """tshark reads a GDOI SA KEK payload (type 15, RFC 6407 5.3) field by field, and one whose fields run
    past it raises an exception that ends tshark's list of payloads, as does a proposal or transform whose
    length runs past its SA payload; ours keeps the KEK body as bytes, flags the substructure, and lists
    the payloads after them."""
    damaged = any(e.get("malformed") for l in layers_named(pkt, "isakmp")
                  for e in l.get("proposals", []) + l.get("transforms", []))
    return lists_more(f, tv, ov) and (damaged or GDOI_SA_KEK in payload_types(pkt))


def bogus_length(f, pkt, tv, ov):
    """A message length past the datagram: tshark says "bogus" and shows nothing after it; ours flags the
    layer and walks the payloads the datagram holds."""
    udp = [l for l in pkt["layers"] if l.get("layer") == "udp"]
    return lists_more(f, tv, ov) and udp and any(
        l.get("length", 0) > udp[-1].get("ulen", 0) - 8 for l in layers_named(pkt, "isakmp"))


RULES = [
    ("a GDOI SA KEK payload (type 15) whose fields run past it, or a proposal or transform whose length runs "
     "past its SA payload: tshark's exception ends its list of payloads there; ours keeps the KEK body as "
     "bytes, flags the substructure, and lists the payloads after them", stops_at_exception),
    ("a message length past the datagram: tshark calls it bogus and shows no payloads; ours flags the "
     "message malformed and lists the payloads the datagram holds", bogus_length),
]
