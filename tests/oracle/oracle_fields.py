# SPDX-License-Identifier: BSD-3-Clause
"""
How to pull values out of `pktctl read --json` packets for the tshark oracle. Field maps (fieldmap_*.py,
one per group of protocols) use these to say, for each tshark field, which of our values it corresponds to.
"""


def layers_named(pkt, name, after=None):
    """Our layers called `name`, or any of the names in a tuple `name` (optionally only those right after
    a layer called `after`)."""
    out = []
    layers = pkt["layers"]
    names = name if isinstance(name, tuple) else (name,)
    for i, l in enumerate(layers):
        if l.get("layer") not in names:
            continue
        if after is not None and (i == 0 or layers[i - 1].get("layer") not in after):
            continue
        out.append(l)
    return out


def field(name, key, after=None, conv=None, when=None):
    """Values of field `key` in every layer `name`."""
    def get(pkt):
        vals = []
        for l in layers_named(pkt, name, after):
            if when is not None and not when(l):
                continue
            if key in l:
                vals.append(conv(l[key], l) if conv else l[key])
        return vals
    return get


def elems(name, sets, key, after=None, conv=None, when=None):
    """Values of `key` in the elements of sets `sets` of every layer `name`, in order."""
    def get(pkt):
        vals = []
        for l in layers_named(pkt, name, after):
            for s in sets:
                for e in l.get(s, []):
                    if when is not None and not when(e):
                        continue
                    if key in e:
                        vals.append(conv(e[key], e) if conv else e[key])
        return vals
    return get


def tshark_text(s):
    """Text as `tshark -T fields` prints an ASCII string field: up to the first NUL, each byte above 0x7f
    as U+FFFD (our JSON gives a byte per character), C's escapes for BEL, BS, FF, LF, CR, tab, VT."""
    s = s.split("\x00", 1)[0]
    esc = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
    return "".join("\ufffd" if ord(c) > 0x7f else esc.get(c, c) for c in s)


def tagged(tpid, key, when=None):
    """Fields of dot1q layers whose tag type (the type field before them) is @tpid: tshark calls an
    802.1Q tag vlan.* and an 802.1ad service tag ieee8021ad.*; we have one layer, dot1q, for both."""
    def get(pkt):
        vals = []
        layers = pkt["layers"]
        for i, l in enumerate(layers):
            if l.get("layer") != "dot1q" or i == 0 or int(layers[i - 1].get("type", -1)) != tpid:
                continue
            if (when is None or when(l)) and key in l:
                vals.append(l[key])
        return vals
    return get


def times4(v, _l):
    return int(v) * 4
