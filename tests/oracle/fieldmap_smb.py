# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for Windows file sharing: the SMB1 header ("smb": its status is tshark's nt_status, or
error_class and error_code when FLAGS2_NT_STATUS is clear) and the SMB2/SMB3 packet header, our "smb2"
(synchronous: pid, tid) and "smb2async" (the async id) layers. tshark names an SMB2 request's status
bytes channel_sequence and shows a response's as nt_status, and the credits field as requested or
granted by the same bit."""
from oracle_fields import field, layers_named

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["smb", "smb2"]

FORMS = ("smb2", "smb2async")
TRANSFORM, COMPRESSED = "smb2transform", "smb2compressed"
CHAINED = 0x1
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


SMB1_NT_STATUS = 0x4000
SMB1_FLAGS = {"lock": 0x01, "receive_buffer": 0x02, "caseless": 0x08, "canon": 0x10, "oplock": 0x20,
              "notify": 0x40, "response": 0x80}
SMB1_FLAGS2 = {"long_names_allowed": 0x0001, "ea": 0x0002, "sec_sig": 0x0004, "compressed": 0x0008,
               "sec_sig_required": 0x0010, "long_names_used": 0x0040, "reparse_path": 0x0400, "esn": 0x0800,
               "dfs": 0x1000, "roe": 0x2000, "nt_error": 0x4000, "string": 0x8000}


def smb1_status(conv, nt):
    """The status of SMB1 headers that say it is an NT status (@nt) or a DOS error class and code."""
    return field("smb", "status", conv=lambda v, _l: conv(int(v)),
                 when=lambda l: "flags2" in l and (int(l["flags2"]) & SMB1_NT_STATUS != 0) == nt)


def smb1_bit(key, bit):
    return field("smb", key, conv=lambda v, _l: int(int(v) & bit != 0))


MAP = {
    "smb.cmd": field("smb", "cmd"),
    "smb.nt_status": smb1_status(lambda v: v, True),
    "smb.error_class": smb1_status(lambda v: v & 0xff, False),
    "smb.error_code": smb1_status(lambda v: v >> 16, False),
    "smb.flags": field("smb", "flags"),
    "smb.flags2": field("smb", "flags2"),
    "smb.pid.high": field("smb", "pid_high"),
    "smb.signature": field("smb", "signature"),
    "smb.tid": field("smb", "tid"),
    "smb.pid": field("smb", "pid"),
    "smb.uid": field("smb", "uid"),
    "smb.mid": field("smb", "mid"),
    "smb.wct": field("smb", "wct"),
    "smb.bcc": field("smb", "bcc"),
    "smb2.protocol_id": hdr("protocol_id", names=FORMS + (TRANSFORM, COMPRESSED)),
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
    "smb2.sesid": hdr("sesid", names=FORMS + (TRANSFORM,)),
    "smb2.signature": hdr("signature"),
    "smb2.header.transform.signature": field(TRANSFORM, "signature"),
    "smb2.header.transform.nonce": field(TRANSFORM, "nonce"),
    "smb2.header.transform.msg_size": field(TRANSFORM, "msg_size"),
    "smb2.header.transform.flags": field(TRANSFORM, "flags"),
    "smb2.header.comp_transform.original_size": field(COMPRESSED, "original_size"),
    "smb2.header.comp_transform.comp_alg": field(COMPRESSED, "comp_alg"),
    "smb2.header.comp_transform.flags": field(COMPRESSED, "flags"),
    # The unchained form's Offset; a chained header's first payload header's Length.
    "smb2.header.comp_transform.offset": field(COMPRESSED, "offset", when=lambda l: not int(l["flags"]) & CHAINED),
    "smb2.header.comp_transform.length": field(COMPRESSED, "offset", when=lambda l: int(l["flags"]) & CHAINED),
}
MAP.update({f"smb.flags.{name}": smb1_bit("flags", bit) for name, bit in SMB1_FLAGS.items()})
# MS-CIFS 2.2.4: the commands whose words start with AndXCommand, AndXReserved, AndXOffset.
ANDX = {0x24, 0x2d, 0x2e, 0x2f, 0x73, 0x74, 0x75, 0x7e, 0xa2}
NT_TRANSACT_SECONDARY = 0xa1


def andx_chain(f, pkt, tv, ov):
    """tshark also lists an AndX command's AndXCommand (0xff: no further command) as smb.cmd, and each
    chained command's counts; ours is the first command, its words raw and the chain its trailer."""
    if f not in ("smb.cmd", "smb.wct", "smb.bcc") or len(ov) != 1 or len(tv) <= 1 or tv[0] != ov[0]:
        return False
    return any(int(l.get("cmd", -1)) in ANDX for l in layers_named(pkt, "smb"))


def nt_transact_secondary_bcc(f, pkt, tv, ov):
    """tshark reads an NT_TRANSACT_SECONDARY request's byte count one byte late, so its low byte is our
    count's high byte: ours follows WordCount (18 words, Reserved2 the last, MS-CIFS 2.2.4.63.1), and the
    count then covers the pad and the data, as DataOffset and DataCount say."""
    if f != "smb.bcc" or not ov or not tv or tv[0] & 0xff != ov[0] >> 8:
        return False
    return int(layers_named(pkt, "smb")[0].get("cmd", -1)) == NT_TRANSACT_SECONDARY


RULES = [
    ("an AndX command: tshark lists its AndXCommand and the chained commands' counts too; ours is the "
     "first command, the chain in its words and trailer", andx_chain),
    ("NT_TRANSACT_SECONDARY's byte count: tshark reads it one byte late (its low byte is our count's high "
     "byte); ours follows WordCount's 18 words (MS-CIFS 2.2.4.63.1), as DataOffset confirms",
     nt_transact_secondary_bcc),
]
WORD_COUNT_LIES = ("a fuzzed capture: the word count contradicts the command's own layout; tshark reads the "
                   "byte count where its layout of the command ends, ours after the words the count gives")
FILE_DIFFERENCES = {
    "smb.bcc": {"zeek/smb__smb1-OSS-fuzz-54883.pcap": WORD_COUNT_LIES,
                "tcpdump/smb_data_print-segv.pcap": WORD_COUNT_LIES},
}
MAP.update({f"smb.flags2.{name}": smb1_bit("flags2", bit) for name, bit in SMB1_FLAGS2.items()})
