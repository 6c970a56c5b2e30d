# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for PPP's control and authentication protocols: LCP, IPCP, IPV6CP and CCP (one layer
each, their options one element each in "options", LCP's other bodies as sub-layers) and PAP and CHAP (a
header layer, the body a sub-layer chosen by the code). tshark calls the header fields of all four control
protocols ppp.code, ppp.identifier and ppp.length."""
from oracle_fields import elems, field, layers_named

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["lcp", "ipcp", "ipv6cp", "ccp", "pap", "chap"]

CPS = ("lcp", "ipcp", "ipv6cp", "ccp")
LCP_BODIES = ("lcpecho", "lcpidentification", "lcptimeremaining")


def hexcolon(v, _l):
    """An EUI-64 as tshark prints one: hex pairs joined by colons."""
    s = str(v)
    return ":".join(s[i:i + 2] for i in range(0, len(s), 2))


def opt(proto, key, types=None, conv=None):
    """Field `key` of the options of `proto` (of the given option types only, when named)."""
    return elems(proto, ("options",), key, conv=conv,
                 when=None if types is None else (lambda e: e.get("type") in types))


def nonempty(key):
    return lambda l: l.get(key, "") != ""


MAP = {
    "ppp.code": field(CPS, "code"),
    "ppp.identifier": field(CPS, "id"),
    "ppp.length": field(CPS, "len"),
    # Terminate's data, and any other code's without a body of its own
    "ppp.data": field("raw", "data", after=CPS),
    "lcp.opt.type": opt("lcp", "type"),
    "lcp.opt.length": opt("lcp", "len"),
    "lcp.opt.mru": opt("lcp", "max_recv_unit"),
    "lcp.opt.auth_protocol": opt("lcp", "auth_protocol"),
    "lcp.opt.magic_number": opt("lcp", "magic_number"),
    "lcp.opt.operation": opt("lcp", "operation"),
    "lcp.opt.mrru": opt("lcp", "mrru"),
    "lcp.opt.ep_disc_class": opt("lcp", "class"),
    "lcp.opt.data": opt("lcp", "address", types=(19,)),
    "lcp.magic_number": field(LCP_BODIES, "magic_number"),
    "lcp.data": field("lcpecho", "data", when=nonempty("data")),
    "lcp.rej_proto": field("lcpprotocolreject", "rejected_protocol"),
    "ipcp.opt.type": opt("ipcp", "type"),
    "ipcp.opt.length": opt("ipcp", "len"),
    "ipcp.opt.ip_address": opt("ipcp", "address", types=(3,)),
    "ipcp.opt.compress_proto": opt("ipcp", "protocol", types=(2,)),
    "ipcp.opt.max_slot_id": opt("ipcp", "max_slot_id"),
    "ipcp.opt.comp_slot_id": opt("ipcp", "comp_slot_id"),
    "ipcp.opt.tcp_space": opt("ipcp", "tcp_space"),
    "ipcp.opt.non_tcp_space": opt("ipcp", "non_tcp_space"),
    "ipcp.opt.f_max_period": opt("ipcp", "f_max_period"),
    "ipcp.opt.f_max_time": opt("ipcp", "f_max_time"),
    "ipcp.opt.max_header": opt("ipcp", "max_header"),
    "ipv6cp.opt.type": opt("ipv6cp", "type"),
    "ipv6cp.opt.length": opt("ipv6cp", "len"),
    "ipv6cp.interface_identifier": opt("ipv6cp", "interface_id", conv=hexcolon),
    "ccp.opt.type": opt("ccp", "type"),
    "ccp.opt.length": opt("ccp", "len"),
    "ccp.opt.window": opt("ccp", "window"),
    "ccp.opt.method": opt("ccp", "method"),
    "ccp.opt.mbz": opt("ccp", "mbz"),
    "ccp.opt.chk": opt("ccp", "check"),
    "ccp.opt.vd.vers": opt("ccp", "version"),
    "ccp.opt.vd.dict": opt("ccp", "dict_size"),
    "ccp.opt.fe": opt("ccp", "features"),
    "ccp.opt.p": opt("ccp", "packet_by_packet"),
    "ccp.opt.History": opt("ccp", "history"),
    "ccp.opt.contexts": opt("ccp", "contexts"),
    "pap.code": field("pap", "code"),
    "pap.identifier": field("pap", "id"),
    "pap.length": field("pap", "len"),
    "pap.peer_id.length": field("paprequest", "username_len"),
    "pap.peer_id": field("paprequest", "username"),
    "pap.password.length": field("paprequest", "passwd_len"),
    "pap.password": field("paprequest", "password"),
    "pap.message.length": field("papresponse", "msg_len"),
    "pap.message": field("papresponse", "message"),
    "chap.code": field("chap", "code"),
    "chap.identifier": field("chap", "id"),
    "chap.length": field("chap", "len"),
    "chap.value_size": field("chapchallenge", "value_size"),
    "chap.value": field("chapchallenge", "value"),
    "chap.name": field("chapchallenge", "name"),
    "chap.message": field("chapresult", "message"),
}

# The option types tshark 4.0 decodes, per protocol: it shows an option of another type as a line of text
# ("Unknown (0x7b) (123 bytes)"), without its type and length as fields.
TSHARK_OPTION_TYPES = {
    "lcp": {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
            27, 28, 29, 30},
    "ipcp": {1, 2, 3, 4, 129, 130, 131, 132},
    "ipv6cp": {1, 2},
    "ccp": {0, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28},
}


def unknown_option_types(f, pkt, tv, _ov):
    proto, _, rest = f.partition(".")
    if proto not in TSHARK_OPTION_TYPES or rest not in ("opt.type", "opt.length"):
        return False
    key = "type" if rest == "opt.type" else "len"
    ours = [e[key] for l in layers_named(pkt, proto) for e in l.get("options", [])
            if e.get("type") in TSHARK_OPTION_TYPES[proto] and key in e]
    return ours == tv


RULES = [
    ("an option of a type tshark does not decode is a line of text in its tree, without type and length "
     "fields; we list every option's type and length", unknown_option_types),
]
