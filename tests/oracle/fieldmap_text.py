# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for the text application group: HTTP, SIP, Telnet, TPKT/COTP, ONC RPC and portmap."""
from oracle_fields import elems, field, layers_named, tshark_text


def cstr(v):
    """tshark's FT_STRING values end at the first NUL; ours keep every byte."""
    return v.split("\x00", 1)[0]

TSHARK_PROTOS = ["http", "sip", "telnet", "tpkt", "cotp", "rpc", "portmap"]

# Ports only our registry maps (tshark finds RPC by heuristics, and has no HTTP on 8000 by default).
DECODE_AS = ["tcp.port==8000,http", "tcp.port==102,tpkt", "tcp.port==111,rpc"]


def startline_part(name, is_request, index, conv=None):
    """Word @index of the start line of every @name layer whose start line is a request (or a status
    line); the last part keeps its spaces (a reason phrase)."""
    def get(pkt):
        vals = []
        for l in layers_named(pkt, name):
            s = cstr(l.get("startline", ""))
            if not s:
                continue
            req = not (s.startswith("HTTP/") or s.startswith("SIP/2.0 "))
            if req != is_request:
                continue
            words = s.split(" ", 2)
            if index is None:
                vals.append(s)
            elif index < len(words):
                vals.append(conv(words[index]) if conv else words[index])
        return vals
    return get


def header_lines(name, is_request):
    """Header lines as tshark's http.request.line / http.response.line show them: "Name: value\\r\\n" (or the
    separator the line has instead of ": ", its "sep")."""
    def get(pkt):
        vals = []
        for l in layers_named(pkt, name):
            s = l.get("startline", "")
            if not s or s.startswith("HTTP/") == is_request:
                continue
            hdrs = l.get("hdr", [])
            for i, h in enumerate(hdrs):
                if "value" in h:
                    # A head cut by the capture has no line end after its last line.
                    cut = l.get("truncated") and i == len(hdrs) - 1
                    vals.append(h["name"] + h.get("sep", ": ") + h["value"] + ("" if cut else "\\r\\n"))
        return vals
    return get


def header(name, *names, conv=None):
    """Values of the header lines called any of @names (case-insensitive; SIP compact forms too)."""
    want = {n.lower() for n in names}
    def get(pkt):
        vals = []
        for l in layers_named(pkt, name):
            for h in l.get("hdr", []):
                if h.get("name", "").strip().lower() in want and "value" in h:
                    # Blanks after the first one are the value's (they build back); tshark skips them all.
                    value = cstr(h["value"].lstrip(" \t"))
                    vals.append(conv(value) if conv else value)
        return vals
    return get


def telnet_lines(pkt):
    """tshark's telnet.data: each run of data between commands, cut after every line end, kept: LF, CR LF,
    or a CR and whatever follows it up to an LF or a NUL after a CR (packet-telnet.c)."""
    vals = []
    for l in layers_named(pkt, "telnet"):
        for e in l.get("telnet_data", []):
            data, start, i = e.get("data", ""), 0, 0
            while i < len(data):
                c = data[i]
                i += 1
                if c == "\r" and i < len(data) and data[i] == "\n":
                    i += 1
                elif c == "\r":
                    last_cr = True
                    while i < len(data):
                        c2 = data[i]
                        i += 1
                        if c2 == "\n" or (c2 == "\x00" and last_cr):
                            break
                        last_cr = c2 == "\r"
                elif c != "\n":
                    continue
                vals.append(tshark_text(data[start:i]))
                start = i
            if start < len(data):
                vals.append(tshark_text(data[start:]))
    return vals


def http_bodies(pkt):
    """tshark's http.file_data with reassembly off, where it is the body as sent and text: what follows
    an HTTP head in the segment, unless the head says it is chunked or compressed (tshark shows those
    decoded) or the body holds other bytes than printable ASCII, tab, CR and LF (tshark's values are split
    on the byte the comparison uses to join them)."""
    vals, layers = [], pkt["layers"]
    for i, l in enumerate(layers):
        if (l.get("layer") != "http" or not l.get("startline") or i + 1 >= len(layers) or
                layers[i + 1].get("layer") != "raw"):
            continue
        hdrs = {h.get("name", "").strip().lower(): h.get("value", "").lower() for h in l.get("hdr", [])}
        if "content-encoding" in hdrs or "chunked" in hdrs.get("transfer-encoding", ""):
            continue
        body = bytes.fromhex(layers[i + 1]["data"])
        if all(32 <= c < 127 or c in (9, 10, 13) for c in body):
            vals.append(tshark_text(body.decode("ascii")))
    return vals


def sip_methods(pkt):
    """tshark's sip.Method: a request's method from its request line, a response's from its CSeq."""
    vals = []
    for l in layers_named(pkt, "sip"):
        s = l.get("startline", "")
        if s and not s.startswith("SIP/2.0 "):
            vals.append(s.split(" ", 1)[0])
            continue
        for h in l.get("hdr", []):
            if h.get("name", "").lower() == "cseq" and " " in h.get("value", ""):
                vals.append(h["value"].split()[-1])
    return vals


def rpc_program_versions(pkt):
    """rpc.programversion: the call's, and tshark repeats it (generated) inside a portmap call."""
    vals = elems("rpc", ("parts",), "vers")(pkt)
    if vals and layers_named(pkt, "pmap"):
        vals.append(vals[-1])
    return vals


def cotp_fixed(key):
    return elems("cotp", ("fixed",), key)


MAP = {
    # HTTP
    "http.request.method": startline_part("http", True, 0),
    "http.request.uri": startline_part("http", True, 1),
    "http.request.version": startline_part("http", True, 2),
    "http.response.version": startline_part("http", False, 0),
    "http.response.code": startline_part("http", False, 1),
    "http.response.phrase": startline_part("http", False, 2),
    "http.request.line": header_lines("http", True),
    "http.response.line": header_lines("http", False),
    "http.host": header("http", "host"),
    "http.file_data": http_bodies,
    # SIP
    "sip.Request-Line": startline_part("sip", True, None),
    "sip.Status-Line": startline_part("sip", False, None),
    "sip.Status-Code": startline_part("sip", False, 1),
    "sip.r-uri": startline_part("sip", True, 1),
    "sip.Method": sip_methods,
    "sip.Call-ID": header("sip", "call-id", "i"),
    "sip.CSeq": header("sip", "cseq"),
    "sip.Via": header("sip", "via", "v"),
    "sip.From": header("sip", "from", "f"),
    "sip.To": header("sip", "to", "t"),
    "sip.Content-Length": header("sip", "content-length", "l"),
    # Telnet
    "telnet.cmd": elems("telnet", ("telnet_data",), "cmd"),
    "telnet.data": telnet_lines,
    "telnet.subcmd": elems("telnet", ("telnet_data",), "option"),
    # TPKT / COTP
    "tpkt.version": field("tpkt", "v", when=lambda l: int(l.get("v", 0)) == 3),
    "tpkt.reserved": field("tpkt", "rsvd", when=lambda l: int(l.get("v", 0)) == 3),
    "tpkt.length": field("tpkt", "len", when=lambda l: int(l.get("v", 0)) == 3),
    "cotp.li": field("cotp", "li"),
    "cotp.type": field("cotp", "type"),
    "cotp.destref": cotp_fixed("dstref"),
    "cotp.srcref": cotp_fixed("srcref"),
    "cotp.class": cotp_fixed("class"),
    "cotp.eot": cotp_fixed("eot"),
    "cotp.tpdu-number": cotp_fixed("nr"),
    # ONC RPC and portmap
    "rpc.fraglen": field("rpcrm", "len"),
    "rpc.lastfrag": field("rpcrm", "last"),
    "rpc.xid": field("rpc", "xid"),
    "rpc.msgtyp": field("rpc", "mtype"),
    "rpc.version": elems("rpc", ("parts",), "rpcvers"),
    "rpc.program": elems("rpc", ("parts",), "prog"),
    "rpc.programversion": rpc_program_versions,
    "rpc.procedure": elems("rpc", ("parts",), "proc"),
    "rpc.auth.flavor": elems("rpc", ("parts",), "flavor"),
    "rpc.replystat": elems("rpc", ("parts",), "stat"),
    "rpc.state_accept": elems("rpc", ("parts",), "accept_stat"),
    "portmap.prog": field("pmap", "prog"),
    "portmap.version": field("pmap", "vers"),
    "portmap.proto": field("pmap", "prot"),
    "portmap.port": field("pmap", "port"),
}

# Reasons shared by several fields.
_NOT_UTF8 = ("header values with bytes that are not UTF-8 (the fuzzed ndpi/fuzz-2006-06-26-2594.pcap): tshark "
             "shows U+FFFD, we show the bytes as sent")
_LINE_REBUILT = ("we rebuild tshark's raw header line from the element as \"name\" sep \"value\\r\\n\"; lines ended "
                 "by a bare LF, or with blanks before the colon, differ in those bytes only")

KNOWN_DIFFERENCES = {
    "http.file_data": "a message whose Content-Length ends before the segment does (suricata-verify/"
                      "http-request-invalid: a stray CR LF after the body; pipelined messages): tshark's file "
                      "data stops at the length and what follows is another message to it; our body is the "
                      "rest of the segment (the head does not bound the payload yet)",
    "http.request.line": _LINE_REBUILT,
    "http.response.line": _LINE_REBUILT,
    "sip.Request-Line": _NOT_UTF8,
    "sip.r-uri": _NOT_UTF8,
    "sip.Call-ID": _NOT_UTF8,
    "sip.CSeq": _NOT_UTF8,
    "sip.From": _NOT_UTF8,
    "sip.To": _NOT_UTF8,
    "sip.Via": _NOT_UTF8,
    "sip.Content-Length": "a Content-Length that is not a number: tshark shows 0, we show the text as sent",
    "telnet.subcmd": "tshark also lists the first parameter byte of some subnegotiations (TTYPE/NEW-ENVIRON "
                     "SEND or IS) as a subcommand; ours are the option codes only, the parameters stay bytes",
}


def start_line_bare_cr(f, _pkt, tv, ov):
    """Our start line holds a bare CR where tshark's ends."""
    return f.startswith(("http.", "sip.")) and len(tv) == len(ov) and any(o != t for o, t in zip(ov, tv)) and \
        all(o == t or (isinstance(o, str) and isinstance(t, str) and o.startswith(t + "\r")) for o, t in zip(ov, tv))


RULES = [
    ("a start line with a bare CR in it ('HTTP/1.1 200 accepted\\r\\x1aserver: ...', a fuzzed capture): tshark "
     "ends lines at a lone CR too; RFC 9112 2.2 says a bare CR is no line end (a recipient treats the element "
     "as invalid or reads the CR as a space), so our line runs on to the CRLF", start_line_bare_cr),
]

