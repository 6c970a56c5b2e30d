# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for Windows file sharing: the SMB2/SMB3 packet header, our "smb2" (synchronous: pid,
tid) and "smb2async" (the async id) layers. tshark names a request's status bytes channel_sequence and
shows a response's as nt_status, and the credits field as requested or granted by the same bit."""
from oracle_fields import layers_named

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["smb2"]

FORMS = ("smb2", "smb2async")
RESPONSE, ASYNC, RELATED, SIGNED = 0x1, 0x2, 0x4, 0x8
DFS, REPLAY = 0x10000000, 0x20000000


def hdr(key, conv=None, names=FORMS, when=None):
    """Field @key of every SMB2 header, in wire order (either form, or those of @names)."""
    def get(pkt):
        return [conv(l[key], l) if conv else l[key] for l in layers_named(pkt, names)
                if key in l and (when is None or when(int(l["flags"])))]
    return get


def flag(bit):
    return hdr("flags", conv=lambda v, _l: int(int(v) & bit != 0))


def is_response(flags):
    return flags & RESPONSE != 0


MAP = {
    "smb2.protocol_id": hdr("protocol_id"),
    "smb2.header_len": hdr("header_len"),
    "smb2.credit.charge": hdr("credit_charge"),
    "smb2.nt_status": hdr("status", when=is_response),
    "smb2.channel_sequence": hdr("status", conv=lambda v, _l: int(v) & 0xffff, when=lambda f: not is_response(f)),
    "smb2.cmd": hdr("cmd"),
    "smb2.credits.requested": hdr("credits", when=lambda f: not is_response(f)),
    "smb2.credits.granted": hdr("credits", when=is_response),
    "smb2.flags": hdr("flags"),
    "smb2.flags.response": flag(RESPONSE),
    "smb2.flags.async": flag(ASYNC),
    "smb2.flags.chained": flag(RELATED),
    "smb2.flags.signature": flag(SIGNED),
    "smb2.flags.dfs": flag(DFS),
    "smb2.flags.replay": flag(REPLAY),
    "smb2.chain_offset": hdr("chain_offset"),
    "smb2.msg_id": hdr("msg_id"),
    "smb2.pid": hdr("pid", names=("smb2",)),
    "smb2.tid": hdr("tid", names=("smb2",)),
    "smb2.aid": hdr("aid", names=("smb2async",)),
    "smb2.sesid": hdr("sesid"),
    "smb2.signature": hdr("signature"),
}
