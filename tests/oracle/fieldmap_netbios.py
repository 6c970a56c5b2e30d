# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for NetBIOS over TCP/IP: the name service ("nbns", DNS's message format with NetBIOS
names, shown as tshark shows them: "WORKGROUP<1d>"), the datagram service ("nbdgm": our nbdgm header
and the form after it, nbdgmdata, nbdgmerror or nbdgmquery) and the session service ("nbss": our nbss
header and the form after it, nbssrequest, nbssnegative or nbssretarget). An NB record's first (flags, address) entry
is fields and further entries are the bytes of `more`, which tshark lists one by one: the getters here
list them all."""
from oracle_fields import elems, field, layers_named

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["nbns", "nbdgm", "nbss"]

RR_SETS = ("answers", "auths", "addrecords")
ALL_SETS = ("queries",) + RR_SETS
T_NB, T_NBSTAT = 32, 33


def carries_smb(layers, i):
    """Does nbss layer @i's session message carry an SMB message? tshark then reads a 24-bit length and
    shows no flags (what MS-SMB2 2.1 calls direct TCP transport)."""
    up = layers[i + 1] if i + 1 < len(layers) else {}
    if up.get("layer") in ("smb2", "smb2async"):
        return True
    return layers[i].get("type") == 0 and bytes.fromhex(up.get("data", ""))[1:4] == b"SMB"


def nbss_flags(conv):
    def get(pkt):
        layers = pkt["layers"]
        return [conv(l["flags"]) for i, l in enumerate(layers)
                if l.get("layer") == "nbss" and "flags" in l and not carries_smb(layers, i)]
    return get


def nb_entries(pkt):
    """(flags, address) of every NB entry of every record, in wire order."""
    out = []
    for l in layers_named(pkt, "nbns"):
        for s in RR_SETS:
            for e in l.get(s, []):
                if e.get("type") != T_NB or "addr" not in e:
                    continue
                out.append((int(e["nb_flags"]), e["addr"]))
                more = bytes.fromhex(e.get("more", ""))
                for i in range(0, len(more) - 5, 6):
                    out.append((int.from_bytes(more[i:i + 2], "big"), ".".join(str(b) for b in more[i + 2:i + 6])))
    return out


def nb(part):
    return lambda pkt: [part(f, a) for f, a in nb_entries(pkt)]


def response_only(key):
    """tshark shows AA, RA and RCODE of responses only."""
    return field("nbns", key, when=lambda l: l.get("qr") == 1)


MAP = {
    "nbns.id": field("nbns", "id"),
    "nbns.flags": field("nbns", "flags"),
    "nbns.flags.response": field("nbns", "qr"),
    "nbns.flags.opcode": field("nbns", "opcode"),
    "nbns.flags.authoritative": response_only("aa"),
    "nbns.flags.truncated": field("nbns", "tc"),
    "nbns.flags.recdesired": field("nbns", "rd"),
    "nbns.flags.recavail": response_only("ra"),
    "nbns.flags.broadcast": field("nbns", "b"),
    "nbns.flags.rcode": response_only("rcode"),
    "nbns.count.queries": field("nbns", "questions_amount"),
    "nbns.count.answers": field("nbns", "answers_amount"),
    "nbns.count.auth_rr": field("nbns", "authrr_amount"),
    "nbns.count.add_rr": field("nbns", "addrr_amount"),
    "nbns.name": elems("nbns", ALL_SETS, "name"),
    "nbns.type": elems("nbns", ALL_SETS, "type"),
    "nbns.class": elems("nbns", ALL_SETS, "cls"),
    "nbns.ttl": elems("nbns", RR_SETS, "ttl"),
    "nbns.data_length": elems("nbns", RR_SETS, "dlen"),
    "nbns.nb_flags": nb(lambda f, _a: f),
    "nbns.nb_flags.group": nb(lambda f, _a: f >> 15),
    "nbns.nb_flags.ont": nb(lambda f, _a: f >> 13 & 3),
    "nbns.addr": nb(lambda _f, a: a),
    "nbns.number_of_names": elems("nbns", RR_SETS, "num_names"),
    "nbdgm.type": field("nbdgm", "type"),
    "nbdgm.flags": field("nbdgm", "flags"),
    "nbdgm.next": field("nbdgm", "m"),
    "nbdgm.first": field("nbdgm", "f"),
    "nbdgm.node_type": field("nbdgm", "snt"),
    "nbdgm.dgram_id": field("nbdgm", "id"),
    "nbdgm.src.ip": field("nbdgm", "src"),
    "nbdgm.src.port": field("nbdgm", "sport"),
    "nbdgm.dgram_len": field("nbdgmdata", "len"),
    "nbdgm.pkt_offset": field("nbdgmdata", "offset"),
    "nbdgm.source_name": field("nbdgmdata", "src_name"),
    "nbdgm.destination_name": lambda pkt: field("nbdgmdata", "dst_name")(pkt) + field("nbdgmquery", "dst_name")(pkt),
    "nbdgm.error_code": field("nbdgmerror", "code"),
    "nbss.type": field("nbss", "type"),
    "nbss.flags": nbss_flags(int),
    "nbss.flags.e": nbss_flags(lambda f: int(f) & 1),
    "nbss.length": field("nbss", "len"),
    "nbss.called_name": field("nbssrequest", "called_name"),
    "nbss.calling_name": field("nbssrequest", "calling_name"),
    "nbss.error_code": field("nbssnegative", "error_code"),
    "nbss.retarget_ip_address": field("nbssretarget", "addr"),
    "nbss.retarget_port": field("nbssretarget", "port"),
}
NAME_FIELDS = ("nbns.name", "nbdgm.source_name", "nbdgm.destination_name", "nbss.called_name", "nbss.calling_name")


def name_with_description(f, _pkt, tv, ov):
    """tshark appends the name type's meaning to a record's name: "WORKGROUP<00> (Workstation/Redirector)"."""
    return f == "nbns.name" and len(tv) == len(ov) and \
        all(str(t) == str(o) or str(t).startswith(str(o) + " (") for t, o in zip(tv, ov))


def tshark_first_level(label):
    """What tshark makes of a 32-letter label with letters beyond 'P': each pair as ((hi - 'A') << 4) |
    (lo - 'A'), kept to a byte, shown as process_netbios_name() shows it."""
    label = label.upper()  # the comparison normalises text to lower case
    if len(label) != 32 or not label.isalpha() or not label.isascii():
        return None
    b = bytes((((ord(label[i]) - 65) << 4) | (ord(label[i + 1]) - 65)) & 0xff for i in range(0, 32, 2))
    name = "".join(chr(c) if 0x20 <= c <= 0x7e else "<%02x>" % c for c in b[:15]).rstrip(" ")
    return name + "<%02x>" % b[15]


def no_first_level(t, o):
    """Ours @o is the DNS text of a label that is no first-level encoding, and tshark's @t either says the
    name is illegal or decodes letters beyond 'P' anyway."""
    t, o = str(t).lower(), str(o)
    if "<" in o and o.endswith(">"):
        return False  # ours decoded it: a real difference
    if t.startswith("illegal netbios name"):
        return True
    decoded = tshark_first_level(o)
    return decoded is not None and t.split(" (")[0] == decoded.lower()


def not_first_level(f, _pkt, tv, ov):
    if f not in NAME_FIELDS or len(tv) != len(ov):
        return False
    bad = [(t, o) for t, o in zip(tv, ov) if str(t) != str(o) and not str(t).startswith(str(o) + " (")]
    return bool(bad) and all(no_first_level(t, o) for t, o in bad)


def later_messages(f, pkt, tv, ov):
    """tshark goes on to dissect the messages after the first in a segment (without checking that they
    look like headers); ours are the nbss layer's trailer ("padding" in the JSON)."""
    if not f.startswith("nbss.") or len(tv) <= len(ov) or tv[:len(ov)] != ov:
        return False
    return any(l.get("layer") == "nbss" and l.get("padding") for l in pkt["layers"])


RULES = [
    ("a segment holding more than one NBSS message: tshark dissects those after the first too; ours are "
     "the nbss layer's trailer", later_messages),
    ("tshark appends what a NetBIOS name's type means to a resource record's name ('HOST<20> (Server "
     "service)'); ours is the name alone, as the question shows it", name_with_description),
    ("a name whose first label is no first-level encoding (RFC 1001 14.1: 32 letters 'A'..'P'; fuzzed "
     "captures' names): tshark calls it an illegal NetBIOS name, or decodes letters beyond 'P' anyway, "
     "each pair kept to a byte; ours shows the DNS name it is", not_first_level),
]
