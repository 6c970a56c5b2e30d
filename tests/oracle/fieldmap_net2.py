# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for the net2 group: IGMP (v1-v3), PIM (v2), OSPF (v2, v3 header), IPX."""
from oracle_fields import elems, field, layers_named

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["igmp", "pim", "ospf", "ipx"]


def _quads(hexstr):
    b = bytes.fromhex(hexstr)
    return [".".join(str(x) for x in b[i:i + 4]) for i in range(0, len(b) - len(b) % 4, 4)]


def igmp_maddr(pkt):
    """tshark's igmp.maddr: the header's group (v1/v2, queries), then each v3 record's address."""
    vals = []
    for l in layers_named(pkt, "igmp"):
        if int(l.get("type", 0)) in (0x11, 0x12, 0x16, 0x17) and "group" in l:
            vals.append(l["group"])
    for l in layers_named(pkt, "igmpv3report"):
        vals += [r["maddr"] for r in l.get("records", []) if "maddr" in r]
    return vals


def igmp_saddr(pkt):
    """tshark's igmp.saddr: the sources of a v3 query, then those of every v3 record."""
    vals = []
    for l in layers_named(pkt, "igmpv3query"):
        vals += [s["src"] for s in l.get("srcs", []) if "src" in s]
    for l in layers_named(pkt, "igmpv3report"):
        for r in l.get("records", []):
            vals += _quads(r.get("srcs", ""))
    return vals


def igmp_num_src(pkt):
    vals = []
    for l in layers_named(pkt, "igmpv3query"):
        if "nsrcs" in l:
            vals.append(l["nsrcs"])
    for l in layers_named(pkt, "igmpv3report"):
        vals += [r["nsrcs"] for r in l.get("records", []) if "nsrcs" in r]
    return vals


def igmp_ngrec(pkt):
    """A v3 report counts its records in the low half of pypacker's `group`."""
    return [int(l["group"].split(".")[2]) << 8 | int(l["group"].split(".")[3])
            for l in layers_named(pkt, "igmp") if int(l.get("type", 0)) == 0x22 and "group" in l]


def igmp_max_resp(pkt):
    """tshark decodes a v3 query's code from 128 on as a float (RFC 3376 4.1.1: (mant | 0x10) << (exp + 3));
    v1 messages have no such field."""
    vals = []
    layers = pkt["layers"]
    for i, l in enumerate(layers):
        if l.get("layer") != "igmp" or "maxresp" not in l or int(l.get("type", 0)) not in (0x11, 0x16, 0x17,
                                                                                            0x22):
            continue
        v = int(l["maxresp"])
        is_v3 = i + 1 < len(layers) and layers[i + 1].get("layer") == "igmpv3query"
        vals.append(((v & 0x0f) | 0x10) << (((v >> 4) & 7) + 3) if is_v3 and v >= 128 else v)
    return vals


def _pim_srcs(hexstr):
    """The encoded-source addresses (RFC 7761 4.9.1) of a join/prune group's `srcs` bytes, in order."""
    import ipaddress
    b, out, i = bytes.fromhex(hexstr), [], 0
    while i + 4 <= len(b):
        alen = {1: 4, 2: 16}.get(b[i]) if b[i + 1] == 0 else None
        if alen is None or i + 4 + alen > len(b):
            break
        a = ipaddress.ip_address(b[i + 4:i + 4 + alen])
        out.append({"af": b[i], "enc_type": b[i + 1], "flags": b[i + 2], "masklen": b[i + 3], "addr": str(a)})
        i += 4 + alen
    return out


def pim_addrs(pkt):
    """Every encoded address of the PIM bodies we decode, in wire order, as (role, element) pairs:
    upstream, group, join, prune (join/prune sources, decoded from `srcs`), src (register-stop, assert),
    bsr and rp (bootstrap: each group range followed by its frag_rp_count RPs; C-RP-Adv: rp then groups)."""
    vals = []
    for l in pkt["layers"]:
        name = l.get("layer")
        if name == "pimbootstrap":
            vals += [("bsr", e) for e in l.get("bsr", [])]
            rps = list(l.get("rps", []))
            for g in l.get("groups", []):
                vals.append(("group", g))
                n = int(g.get("frag_rp_count", 0))
                vals += [("rp", e) for e in rps[:n]]
                rps = rps[n:]
        elif name == "pimcrpadv":
            vals += [("rp", e) for e in l.get("rp", [])]
            vals += [("group", e) for e in l.get("groups", [])]
        if name == "pimjoinprune":
            vals += [("upstream", e) for e in l.get("upstream", [])]
            for g in l.get("groups", []):
                vals.append(("group", g))
                srcs = _pim_srcs(g.get("srcs", ""))
                nj = int(g.get("njoin", 0))
                vals += [("join" if k < nj else "prune", s) for k, s in enumerate(srcs)]
        elif name in ("pimregisterstop", "pimassert"):
            vals += [("group", e) for e in l.get("group", [])]
            vals += [("src", e) for e in l.get("src", [])]
    return vals


def pim_addr(roles, key, af, twice=False):
    """tshark's per-role address fields; a group is shown twice (the tree's label and its item)."""
    def get(pkt):
        vals = []
        for role, e in pim_addrs(pkt):
            if role in roles and (af is None or int(e.get("af", 0)) == af) and key in e:
                vals += [e[key]] * (2 if twice else 1)
        return vals
    return get


def pim_mask_len(pkt):
    return [e["masklen"] for role, e in pim_addrs(pkt) if role in ("group", "join", "prune") and "masklen" in e]


def pim_ea(key):
    return lambda pkt: [e[key] for _r, e in pim_addrs(pkt) if key in e]


def pim_concat(*getters):
    return lambda pkt: [v for g in getters for v in g(pkt)]


def _auth_text(v, _l):
    """tshark shows simple authentication as text up to the first NUL."""
    return bytes.fromhex(v).split(b"\0")[0].decode("latin-1")


OSPF_LSA_LAYERS = {2: ("ospfdbdesc", "ospflsu", "ospflsack"), 3: ("ospf6dbdesc", "ospf6lsu", "ospf6lsack")}


def ospf_lsa(key, when=None, versions=(2, 3)):
    """LSA headers of database descriptions, LS updates and LS acknowledgements of OSPF @versions, in
    packet order."""
    names = tuple(n for v in versions for n in OSPF_LSA_LAYERS[v])

    def get(pkt):
        vals = []
        for l in pkt["layers"]:
            if l.get("layer") in names:
                vals += [e[key] for e in l.get("lsas", []) if key in e and (when is None or when(e))]
        return vals
    return get


MAP = {
    # IGMP
    "igmp.type": field("igmp", "type"),
    "igmp.max_resp": igmp_max_resp,
    "igmp.checksum": field("igmp", "sum", when=lambda l: int(l.get("type", 0)) in (0x11, 0x12, 0x16, 0x17,
                                                                                      0x22)),
    "igmp.maddr": igmp_maddr,
    "igmp.num_grp_recs": igmp_ngrec,
    "igmp.record_type": elems("igmpv3report", ("records",), "type"),
    "igmp.aux_data_len": elems("igmpv3report", ("records",), "auxlen"),
    "igmp.num_src": igmp_num_src,
    "igmp.saddr": igmp_saddr,
    "igmp.s": field("igmpv3query", "s"),
    "igmp.qrv": field("igmpv3query", "qrv"),
    "igmp.qqic": field("igmpv3query", "qqic"),
    # PIM (v2)
    "pim.version": field("pim", "v"),
    "pim.type": field("pim", "type"),
    "pim.res_bytes": pim_concat(field("pim", "rsvd"), elems("pimjoinprune", ("upstream",), "rsvd"),
                                elems("pimbootstrap", ("rps",), "rsvd")),
    "pim.cksum": field("pim", "sum"),
    "pim.optiontype": elems("pimhello", ("opts",), "type"),
    "pim.optionlength": elems("pimhello", ("opts",), "len"),
    "pim.holdtime": pim_concat(elems("pimhello", ("opts",), "holdtime"),
                               elems("pimjoinprune", ("upstream",), "holdtime"),
                               elems("pimbootstrap", ("rps",), "holdtime"), field("pimcrpadv", "holdtime")),
    "pim.dr_priority": elems("pimhello", ("opts",), "dr_priority"),
    "pim.generation_id": elems("pimhello", ("opts",), "generation_id"),
    "pim.register_flag.border": field("pimregister", "b"),
    "pim.register_flag.null_register": field("pimregister", "n"),
    # PIM register-stop, join/prune, assert: encoded addresses (RFC 7761 4.9.1) as elements
    "pim.upstream_neighbor": pim_addr(("upstream",), "neighbor", 1),
    "pim.upstream_neighbor_ip6": pim_addr(("upstream",), "neighbor", 2),
    "pim.numgroups": elems("pimjoinprune", ("upstream",), "ngroups"),
    "pim.numjoins": elems("pimjoinprune", ("groups",), "njoin"),
    "pim.numprunes": elems("pimjoinprune", ("groups",), "nprune"),
    "pim.group": pim_addr(("group",), "group", 1, twice=True),
    "pim.group_ip6": pim_addr(("group",), "group", 2, twice=True),
    "pim.group_addr.flags.b": pim_addr(("group",), "b", None),
    "pim.group_addr.flags.z": pim_addr(("group",), "z", None),
    "pim.join_ip": pim_addr(("join",), "addr", 1),
    "pim.join_ip6": pim_addr(("join",), "addr", 2),
    "pim.prune_ip": pim_addr(("prune",), "addr", 1),
    "pim.prune_ip6": pim_addr(("prune",), "addr", 2),
    "pim.source": pim_concat(pim_addr(("join", "prune"), "addr", 1), pim_addr(("src",), "src", 1)),
    "pim.source_ip6": pim_concat(pim_addr(("join", "prune"), "addr", 2), pim_addr(("src",), "src", 2)),
    "pim.mask_len": pim_mask_len,
    "pim.addr_address_family": pim_ea("af"),
    "pim.addr_encoding_type": pim_ea("enc_type"),
    "pim.rpt": elems("pimassert", ("src",), "r"),
    "pim.metric_pref": elems("pimassert", ("src",), "metric_pref"),
    "pim.metric": elems("pimassert", ("src",), "metric"),
    # PIM bootstrap and candidate-RP advertisement (RFC 5059 4.2, 4.3)
    "pim.fragment_tag": field("pimbootstrap", "fragment_tag"),
    "pim.hash_mask_len": field("pimbootstrap", "hash_mask_len"),
    "pim.bsr_priority": field("pimbootstrap", "bsr_priority"),
    "pim.bsr": pim_addr(("bsr",), "bsr", 1),
    "pim.bsr_ip6": pim_addr(("bsr",), "bsr", 2),
    "pim.rp_count": elems("pimbootstrap", ("groups",), "rp_count"),
    "pim.frp_count": elems("pimbootstrap", ("groups",), "frag_rp_count"),
    "pim.rp": pim_addr(("rp",), "rp", 1),
    "pim.rp_ip6": pim_addr(("rp",), "rp", 2),
    "pim.priority": pim_concat(elems("pimbootstrap", ("rps",), "priority"), field("pimcrpadv", "priority")),
    "pim.prefix_count": field("pimcrpadv", "prefix_count"),
    # tshark's items under the upstream neighbor, BSR and RP trees
    "pim.unicast": pim_concat(pim_addr(("upstream",), "neighbor", 1), pim_addr(("bsr",), "bsr", 1),
                              pim_addr(("rp",), "rp", 1)),
    "pim.unicast_ipv6": pim_concat(pim_addr(("upstream",), "neighbor", 2), pim_addr(("bsr",), "bsr", 2),
                                   pim_addr(("rp",), "rp", 2)),
    # OSPF (v2 bodies; v3 only the header)
    "ospf.version": field("ospf", "v"),
    "ospf.msg": field("ospf", "type"),
    "ospf.packet_length": field("ospf", "len"),
    "ospf.srcrouter": field("ospf", "router"),
    "ospf.area_id": field("ospf", "area"),
    "ospf.checksum": field("ospf", "sum"),
    "ospf.auth.type": field("ospf", "atype", when=lambda l: int(l.get("v", 0)) == 2),
    "ospf.auth.simple": field("ospf", "auth", conv=_auth_text,
                              when=lambda l: int(l.get("v", 0)) == 2 and int(l.get("atype", 0)) == 1),
    "ospf.hello.network_mask": field("ospfhello", "mask"),
    "ospf.hello.interface_id": field("ospf6hello", "interface_id"),
    "ospf.v3.options": field(("ospf6hello", "ospf6dbdesc"), "options"),
    "ospf.hello.hello_interval": field(("ospfhello", "ospf6hello"), "hello_interval"),
    "ospf.hello.router_priority": field(("ospfhello", "ospf6hello"), "prio"),
    "ospf.hello.router_dead_interval": field(("ospfhello", "ospf6hello"), "dead_interval"),
    "ospf.hello.designated_router": field(("ospfhello", "ospf6hello"), "dr"),
    "ospf.hello.backup_designated_router": field(("ospfhello", "ospf6hello"), "bdr"),
    "ospf.hello.active_neighbor": elems(("ospfhello", "ospf6hello"), ("neighbors",), "neighbor"),
    "ospf.db.interface_mtu": field(("ospfdbdesc", "ospf6dbdesc"), "mtu"),
    "ospf.db.dd_sequence": field(("ospfdbdesc", "ospf6dbdesc"), "seq"),
    # A packet has one body: LSA headers, or (an LS request) requests.
    "ospf.v3.lsa": lambda pkt: (ospf_lsa("type", versions=(3,))(pkt)
                                + elems("ospf6lsr", ("requests",), "type")(pkt)),
    "ospf.lsa.age": ospf_lsa("age"),
    # Opaque LSAs (RFC 5250 3): tshark splits the Link State ID into opaque type and ID, no ospf.lsa.id.
    "ospf.lsa.id": ospf_lsa("id", when=lambda e: int(e.get("type", 0)) not in (9, 10, 11), versions=(2,)),
    "ospf.lsa.seqnum": ospf_lsa("seq"),
    "ospf.lsa.chksum": ospf_lsa("sum"),
    "ospf.lsa.length": ospf_lsa("len"),
    # IPX
    "ipx.checksum": field("ipx", "sum"),
    "ipx.len": field("ipx", "len"),
    "ipx.hops": field("ipx", "tc"),
    "ipx.packet_type": field("ipx", "pt"),
    "ipx.dst.net": field("ipx", "dst_net"),
    "ipx.dst.node": field("ipx", "dst_node"),
    "ipx.dst.socket": field("ipx", "dst_socket"),
    "ipx.src.net": field("ipx", "src_net"),
    "ipx.src.node": field("ipx", "src_node"),
    "ipx.src.socket": field("ipx", "src_socket"),
}

_PIM_FUZZ = ("only in tcpdump's pimv2-oobr-* fuzzer reproducers (hellos of thousands of options, some of zero "
             "or contradictory length): we read OptionLength bytes per option (RFC 7761 4.9.2) and end the walk, "
             "flagged malformed, at the first option that runs past the message; tshark reads known options' "
             "values at their fixed size whatever OptionLength says and lists a different sequence")

KNOWN_DIFFERENCES = {
    "pim.generation_id": _PIM_FUZZ,
    "pim.holdtime": _PIM_FUZZ,
    "pim.optiontype": _PIM_FUZZ,
}
