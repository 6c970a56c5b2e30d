# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for the wireless protocols (radiotap, IEEE 802.11 and its sub-layers)."""
from oracle_fields import elems, field

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["radiotap", "wlan"]

MGMT = ("beacon", "probereq", "proberesp", "assocreq", "assocresp", "reassocreq", "reassocresp",
        "disassoc", "auth", "deauth", "action")
IE_FRAMES = MGMT
CAPA_FRAMES = ("beacon", "proberesp", "assocreq", "assocresp", "reassocreq", "reassocresp")
CTRL_TA = ("rts", "blockackreq", "blockack")
CTRL_RA = ("rts", "cts", "ack", "blockackreq", "blockack")


def _layers(pkt, names):
    return [l for l in pkt["layers"] if l.get("layer") in names]


def _fields(names, key, conv=None, when=None):
    """Field `key` of every layer whose name is in `names`, in packet order."""
    def get(pkt):
        out = []
        for l in _layers(pkt, names):
            if key in l and (when is None or when(l)):
                out.append(conv(l[key]) if conv else l[key])
        return out
    return get


def _elems(names, sets, key, conv=None, when=None):
    def get(pkt):
        out = []
        for l in _layers(pkt, names):
            for s in sets:
                for e in l.get(s, []):
                    if key in e and (when is None or when(e)):
                        out.append(conv(e[key]) if conv else e[key])
        return out
    return get


def _data_addrs(pkt):
    """(da, sa, bssid) of each data frame, from the DS bits (IEEE 802.11-2020 Table 9-30)."""
    out = []
    layers = pkt["layers"]
    for i, l in enumerate(layers):
        if l.get("layer") != "dataframe" or i == 0 or "addr3" not in l:
            continue
        fc = layers[i - 1]
        to_ds, from_ds = int(fc.get("to_ds", 0)), int(fc.get("from_ds", 0))
        a1, a2, a3, a4 = l["addr1"], l["addr2"], l["addr3"], l.get("addr4")
        if not to_ds and not from_ds:
            out.append((a1, a2, a3))
        elif to_ds and not from_ds:
            out.append((a3, a2, a1))
        elif from_ds and not to_ds:
            out.append((a1, a3, a2))
        else:
            out.append((a3, a4, None))
    return out


def _addr(kind):
    """wlan.da / wlan.sa / wlan.bssid: management frames' fields, data frames' derived addresses."""
    key = {"da": "dst", "sa": "src", "bssid": "bssid"}[kind]
    pos = {"da": 0, "sa": 1, "bssid": 2}[kind]

    def get(pkt):
        out = [l[key] for l in _layers(pkt, MGMT) if key in l]
        out += [a[pos] for a in _data_addrs(pkt) if a[pos] is not None]
        return out
    return get


def _ra(pkt):
    out = [l["dst"] for l in _layers(pkt, MGMT + CTRL_RA) if "dst" in l]
    return out + [l["addr1"] for l in _layers(pkt, ("dataframe",)) if "addr1" in l]


def _ta(pkt):
    out = [l["src"] for l in _layers(pkt, MGMT + CTRL_TA) if "src" in l]
    return out + [l["addr2"] for l in _layers(pkt, ("dataframe",)) if "addr2" in l]


def _all_addrs(pkt):
    """tshark's wlan.addr: every address field of a frame, in header order (addr1 to addr4)."""
    out = []
    for l in pkt["layers"]:
        name = l.get("layer")
        if name in MGMT:
            out += [l[k] for k in ("dst", "src", "bssid") if k in l]
        elif name in CTRL_RA:
            out += [l[k] for k in ("dst", "src") if k in l]
        elif name == "dataframe":
            out += [l[k] for k in ("addr1", "addr2", "addr3", "addr4") if k in l]
    return out


def _seq(shift, mask):
    return _fields(MGMT + ("dataframe",), "seq_frag", conv=lambda v: (int(v) >> shift) & mask)


def _rate(v):
    r = int(v) * 0.5
    return int(r) if r == int(r) else str(r)


def _ie(ie_id, key):
    return _elems(IE_FRAMES, ("params",), key, when=lambda e: int(e.get("id", -1)) == ie_id)


MAP = {
    # Radiotap: the fields of the present bits are elements of the set "flags" (pypacker's TriggerList)
    "radiotap.version": field("radiotap", "version"),
    "radiotap.pad": field("radiotap", "pad"),
    "radiotap.length": field("radiotap", "len"),
    "radiotap.present.word": lambda p: (field("radiotap", "present_flags")(p) +
                                        elems("radiotap", ("flags",), "present")(p)),
    "radiotap.flags": elems("radiotap", ("flags",), "flags"),
    "radiotap.flags.fcs": elems("radiotap", ("flags",), "fcs"),
    "radiotap.channel.freq": elems("radiotap", ("flags",), "channel"),
    "radiotap.channel.flags": elems("radiotap", ("flags",), "chan_flags"),
    "radiotap.datarate": elems("radiotap", ("flags",), "rate", conv=lambda v, _e: _rate(v)),
    "radiotap.dbm_antsignal": elems("radiotap", ("flags",), "dbm_antsignal"),
    "radiotap.antenna": elems("radiotap", ("flags",), "antenna"),
    "radiotap.mactime": elems("radiotap", ("flags",), "tsft"),
    # 802.11 frame control and duration
    "wlan.fc": field("ieee80211", "framectl"),
    "wlan.fc.type": field("ieee80211", "type"),
    "wlan.fc.subtype": field("ieee80211", "subtype"),
    "wlan.fc.version": field("ieee80211", "version"),
    "wlan.fc.tods": field("ieee80211", "to_ds"),
    "wlan.fc.fromds": field("ieee80211", "from_ds"),
    "wlan.fc.frag": field("ieee80211", "more_frag"),
    "wlan.fc.retry": field("ieee80211", "retry"),
    "wlan.fc.pwrmgt": field("ieee80211", "pwr_mgt"),
    "wlan.fc.moredata": field("ieee80211", "more_data"),
    "wlan.fc.protected": field("ieee80211", "protected"),
    "wlan.fc.order": field("ieee80211", "order"),
    # ours is the 16-bit Duration/ID field; tshark's wlan.duration is its low 15 bits (the duration)
    "wlan.duration": field("ieee80211", "duration", conv=lambda v, _l: int(v) & 0x7fff),
    # addresses and sequence control
    "wlan.da": _addr("da"),
    "wlan.sa": _addr("sa"),
    "wlan.bssid": _addr("bssid"),
    "wlan.ra": _ra,
    "wlan.addr": _all_addrs,
    "wlan.ta": _ta,
    "wlan.seq": _seq(4, 0xfff),
    "wlan.frag": _seq(0, 0xf),
    # management fixed fields
    "wlan.fixed.timestamp": _fields(("beacon", "proberesp"), "ts"),
    "wlan.fixed.beacon": _fields(("beacon", "proberesp"), "interval"),
    "wlan.fixed.capabilities": _fields(CAPA_FRAMES, "capa"),
    "wlan.fixed.listen_ival": _fields(("assocreq", "reassocreq"), "interval"),
    "wlan.fixed.current_ap": _fields(("reassocreq",), "current_ap"),
    "wlan.fixed.auth.alg": _fields(("auth",), "algo"),
    "wlan.fixed.auth_seq": _fields(("auth",), "authseq"),
    "wlan.fixed.status_code": _fields(("auth", "assocresp", "reassocresp"), "status"),
    "wlan.fixed.reason_code": _fields(("deauth", "disassoc"), "reason"),
    "wlan.fixed.category_code": _fields(("action",), "category"),
    "wlan.fixed.action_code": _fields(("action",), "code"),
    # information elements
    "wlan.tag.number": _elems(IE_FRAMES, ("params",), "id"),
    # tshark gives an Element ID Extension's (255) length as wlan.ext_tag.length, less its extension id
    "wlan.tag.length": _elems(IE_FRAMES, ("params",), "len", when=lambda e: int(e.get("id", -1)) != 255),
    "wlan.ext_tag.length": _elems(IE_FRAMES, ("params",), "len", conv=lambda v: int(v) - 1,
                                  when=lambda e: int(e.get("id", -1)) == 255 and int(e.get("len", 0)) >= 1),
    # an empty SSID (the wildcard) is "<MISSING>" to tshark: compare the others
    "wlan.ssid": _elems(IE_FRAMES, ("params",), "body_bytes",
                        when=lambda e: int(e.get("id", -1)) == 0 and int(e.get("len", 0)) > 0),
    "wlan.ds.current_channel": _ie(3, "ch"),
    "wlan.tim.dtim_count": _ie(5, "count"),
    "wlan.tim.dtim_period": _ie(5, "period"),
    # data and control frames
    "wlan.qos": _fields(("dataframe",), "qos_ctrl"),
    "wlan.ba.control": _fields(("blockackreq", "blockack"), "reqctrl"),
    "wlan.fixed.ssc": _fields(("blockackreq", "blockack"), "seq"),
    "wlan.ba.bm": _fields(("blockack",), "bitmap"),
}

# tshark fields whose differences are explained (field -> why). Mismatches here are reported, not failed.
KNOWN_DIFFERENCES = {
    "wlan.fc": "protocol version 1 frames (802.11ah PV1, packetnet/80211_raw.pcap): tshark reads their frame "
               "control little-endian with another layout; we decode version 0 only and show the bytes as "
               "PV0 frame control with the body raw",
    "wlan.fc.type": "protocol version 1 frames: tshark's PV1 type field has another position (see wlan.fc)",
    "wlan.tag.number": "tshark stops listing a frame's elements at the first body it cannot parse (an RSN element "
                       "too short for its suite count, tcpdump/ieee802.11_parse_elements_oobr.pcap); elements are "
                       "id-length-body records, so we list every one that fits and check only the lengths",
    "wlan.tag.length": "as wlan.tag.number: tshark stops at the first element whose body it cannot parse",
}


def amsdu_from_ds(f, pkt, tv, ov):
    """An A-MSDU data frame from the DS (QoS control bit 7): tshark lists its third address nowhere."""
    frames = [l for l in pkt["layers"] if l.get("layer") == "dataframe" and int(l.get("qos_ctrl", 0)) & 0x80]
    return f == "wlan.addr" and len(frames) == 1 and "addr3" in frames[0] and \
        [a for a in ov if a != frames[0]["addr3"]] == list(tv)


RULES = [
    ("an A-MSDU data frame from the DS (zeek/tunnels__gre-aruba-amsdu.pcap): IEEE 802.11-2016 Table 9-26 makes "
     "its address 3 the BSSID, and tshark lists it in no address field; we list the header's three addresses "
     "and leave the A-MSDU subframes raw", amsdu_from_ds),
]
