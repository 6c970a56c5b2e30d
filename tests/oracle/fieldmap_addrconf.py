# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for address configuration: DHCPv6 (RFC 8415). A message is a dhcp6 layer (a relay
message: a one-byte dhcp6 layer and a dhcp6relay layer); every option, nested ones included, is an element
of the set "opts_all" in the order tshark lists them, and a Relay Message option's kind fields are the
header of the message it carries."""
import datetime

from oracle_fields import layers_named, tshark_text

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["dhcpv6"]

LAYERS = ("dhcp6", "dhcp6relay")
RELAY_MSG = 9
DUID_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)  # RFC 8415 11.2


def options(pkt):
    """Every option of every DHCPv6 layer, depth first."""
    return [e for l in layers_named(pkt, LAYERS) for e in l.get("opts_all", [])]


def opt(key, types, conv=None, when=None):
    """`key` of the options whose type is one of `types` (and that pass `when`)."""
    def get(pkt):
        return [conv(e[key], e) if conv else e[key] for e in options(pkt)
                if e.get("type") in types and key in e and (when is None or when(e))]
    return get


def header(key, layer):
    """`key` of the message headers: the outer one's (layer `layer`), then those of the messages that
    Relay Message options carry, in order."""
    def get(pkt):
        vals = [l[key] for l in layers_named(pkt, layer) if key in l]
        return vals + [e[key] for e in options(pkt) if e.get("type") == RELAY_MSG and key in e]
    return get


def listed(prefix, conv=None):
    """The items of a list option (prefix1, prefix2, ...), each a value of its own, as tshark gives them."""
    def get(pkt, types):
        vals = []
        for e in options(pkt):
            if e.get("type") not in types:
                continue
            i = 1
            while f"{prefix}{i}" in e:
                vals.append(conv(e[f"{prefix}{i}"]) if conv else e[f"{prefix}{i}"])
                i += 1
        return vals
    return lambda *types: lambda pkt: get(pkt, types)


addrs = listed("addr")
def fqdn(v, _e=None):
    """A whole name as tshark writes it: ending in the root's dot."""
    return v.rstrip(".") + "."


names = listed("domain", conv=fqdn)


def duid(key, duid_type):
    return opt(key, (1, 2), when=lambda e: e.get("duid_type") == duid_type)


def duid_time(v, _e):
    """DUID-LLT time: seconds since 2000-01-01 UTC, as tshark prints an absolute time. tshark adds the
    epoch's offset in 32 bits, so a time past 2106 wraps around to before 2000."""
    unix = (int(v) + int(DUID_EPOCH.timestamp())) % 2**32
    t = datetime.datetime.fromtimestamp(unix, datetime.timezone.utc)
    return f"{t:%b} {t.day:2d}, {t:%Y %H:%M:%S}.000000000 UTC"


def hex8(v, _e):
    return f"{int(v):08x}"


def labels_text(hexstr):
    """A name's labels (without their terminating zero) as dotted text."""
    b, out, i = bytes.fromhex(hexstr), [], 0
    while i < len(b) and b[i] and i + 1 + b[i] <= len(b):
        out.append(b[i + 1:i + 1 + b[i]].decode("latin-1"))
        i += 1 + b[i]
    return ".".join(out)


def vendor_class_data(v, _e):
    """RFC 8415 21.16: vendor-class-data items, each a 16-bit length and its bytes; tshark shows the first
    item's text."""
    b = bytes.fromhex(v)
    n = int.from_bytes(b[:2], "big") if len(b) >= 2 else 0
    return tshark_text(b[2:2 + n].decode("latin-1"))


MAP = {
    "dhcpv6.msgtype": header("msgtype", "dhcp6"),
    "dhcpv6.xid": header("xid", "dhcp6"),
    "dhcpv6.hopcount": header("hopcount", "dhcp6relay"),
    "dhcpv6.linkaddr": header("linkaddr", "dhcp6relay"),
    "dhcpv6.peeraddr": header("peeraddr", "dhcp6relay"),
    "dhcpv6.option.type": opt("type", range(65536)),
    "dhcpv6.option.length": opt("len", range(65536)),
    # DUIDs (RFC 8415 11)
    "dhcpv6.duid.type": opt("duid_type", (1, 2)),
    "dhcpv6.duidllt.hwtype": duid("hwtype", 1),
    "dhcpv6.duidllt.time": opt("time", (1, 2), conv=duid_time, when=lambda e: e.get("duid_type") == 1),
    "dhcpv6.duidllt.link_layer_addr": duid("lladdr", 1),
    "dhcpv6.duidll.hwtype": duid("hwtype", 3),
    "dhcpv6.duidll.link_layer_addr": duid("lladdr", 3),
    "dhcpv6.duiden.enterprise": duid("enterprise", 2),
    "dhcpv6.duiden.identifier": duid("identifier", 2),
    "dhcpv6.duiduuid.bytes": duid("uuid", 4),
    # Identity associations and their addresses and prefixes (21.4-21.6, 21.21, 21.22)
    "dhcpv6.iaid": opt("iaid", (3, 25), conv=hex8),
    "dhcpv6.iaid.t1": opt("t1", (3, 25)),
    "dhcpv6.iaid.t2": opt("t2", (3, 25)),
    "dhcpv6.iata": opt("iaid", (4,), conv=hex8),
    "dhcpv6.iaaddr.ip": opt("addr", (5,)),
    "dhcpv6.iaaddr.pref_lifetime": opt("preferred_lifetime", (5,)),
    "dhcpv6.iaaddr.valid_lifetime": opt("valid_lifetime", (5,)),
    "dhcpv6.iaprefix.pref_lifetime": opt("preferred_lifetime", (26,)),
    "dhcpv6.iaprefix.valid_lifetime": opt("valid_lifetime", (26,)),
    "dhcpv6.iaprefix.pref_len": opt("prefix_len", (26,)),
    "dhcpv6.iaprefix.pref_addr": opt("prefix", (26,)),
    # The rest of RFC 8415 21
    "dhcpv6.requested_option_code": listed("code")(6),
    "dhcpv6.option_preference": opt("pref", (7,)),
    # hundredths of a second; tshark shows milliseconds
    "dhcpv6.elapsed_time": opt("elapsed", (8,), conv=lambda v, _e: int(v) * 10),
    "dhcpv6.auth.protocol": opt("protocol", (11,)),
    "dhcpv6.auth.algorithm": opt("algorithm", (11,)),
    "dhcpv6.auth.rdm": opt("rdm", (11,)),
    "dhcpv6.auth.replay_detection": opt("replay", (11,), conv=lambda v, _e: f"{int(v):016x}"),
    "dhcpv6.unicast": opt("addr", (12,)),
    "dhcpv6.status_code": opt("code", (13,)),
    "dhcpv6.status_msg": opt("message", (13,), conv=lambda v, _e: tshark_text(v)),
    "dhcpv6.vendorclass.enterprise": opt("enterprise", (16,)),
    "dhcpv6.vendorclass.data": opt("data", (16,), conv=vendor_class_data),
    "dhcpv6.vendoropts.enterprise": opt("enterprise", (17,)),
    "dhcpv6.interface_id": opt("value", (18,)),
    "dhcpv6.reconf_msg": opt("msgtype", (19,)),
    "dhcpv6.lifetime": opt("seconds", (32,)),
    "dhcpv6.remoteid.enterprise": opt("enterprise", (37,)),
    # Server and name lists (RFC 3319, 3646, 3898, 4075, 4280, 5192)
    "dhcpv6.sip_server_domain_search_fqdn": names(21),
    "dhcpv6.sip_server_a": addrs(22),
    "dhcpv6.dns_server": addrs(23),
    "dhcpv6.search_list_entry": names(24),
    "dhcpv6.nis_server": addrs(27),
    "dhcpv6.nisp_server": addrs(28),
    "dhcpv6.nis_fqdn": names(29),
    "dhcpv6.nisp_fqdn": names(30),
    "dhcpv6.sntp_server": addrs(31),
    "dhcpv6.bcmcs_server_fqdn": names(33),
    "dhcpv6.bcmcs_server_a": addrs(34),
    "dhcpv6.pana_agent": addrs(40),
    # Client FQDN (RFC 4704), AFTR name (RFC 6334), MUD URL (RFC 8520)
    "dhcpv6.client_fqdn_flags": opt("flags", (39,)),
    "dhcpv6.client_domain": lambda pkt: [fqdn(e["domain"]) if "domain" in e else labels_text(e["partial_domain"])
                                         for e in options(pkt) if e.get("type") == 39 and
                                         ("domain" in e or "partial_domain" in e)],
    "dhcpv6.aftr_name": opt("name", (64,), conv=fqdn),
    "dhcpv6.mudurl": opt("url", (112,), conv=lambda v, _e: tshark_text(v)),
}

# tshark fields whose differences are explained (field -> why). Mismatches here are reported, not failed.
KNOWN_DIFFERENCES = {
}

# tshark does not decode a Client FQDN option in a message of a type RFC 4704 4 does not name (an
# Information-request); we decode it wherever it is: such values are ours only, reported, not failed.
RULES = []
