/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SMB2 and SMB3 packet header (MS-SMB2 2.2.1), the 64 bytes every message of Windows file sharing
 * since Vista starts with, carried in NBSS session messages (nbss.c).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    ProtocolId (0xFE 'S' 'M' 'B')              |
 *   |       StructureSize (64)      |         CreditCharge          |
 *   |      Status (a request: ChannelSequence, Reserved)            |
 *   |            Command            |  CreditRequest/CreditResponse |
 *   |                             Flags                             |
 *   |                          NextCommand                          |
 *   |                       MessageId (8 bytes)                     |
 *   |  sync: Reserved (ProcessId), TreeId | async: AsyncId (8 bytes)|
 *   |                       SessionId (8 bytes)                     |
 *   |                       Signature (16 bytes)                    |
 *
 * Everything after ProtocolId is little-endian. The header has two forms, told by the ASYNC flag: a
 * synchronous message names its process and tree, an asynchronous one (a response the server sends
 * later, STATUS_PENDING's sequel) its async id. Each form is a field table of its own, smb2 and
 * smb2async, so that a message shows the fields it has; nbss.c picks the form. The names are
 * tshark's.
 *
 * The command's body stays raw. NextCommand chains compounded messages (MS-SMB2 3.2.4.1.4): the body
 * ends there, and the messages after it are the layer's trailer, as a second NBSS message is nbss's.
 *
 * SMB3 wraps messages in two more headers, layers of their own before the bytes they wrap (raw): the
 * transform header of an encrypted message (0xFD 'S' 'M' 'B', MS-SMB2 2.2.41; smb2transform) and the
 * compression transform header (0xFC 'S' 'M' 'B', 2.2.42; smb2compressed, its unchained form's
 * fields: a chained one's first payload header reads as algorithm, flags and length).
 */
#include "internal.h"
#include "smb2.h"

enum {
        SMB2_HDR_LEN = 64,
        SMB2_FLAGS_AT = 16, /* byte offset of Flags */
        SMB2_FLAG_ASYNC = 0x2,
};

/* clang-format off */
static const struct pkt_name cmd_names[] = {
        { 0, "NEGOTIATE" }, { 1, "SESSION_SETUP" }, { 2, "LOGOFF" }, { 3, "TREE_CONNECT" },
        { 4, "TREE_DISCONNECT" }, { 5, "CREATE" }, { 6, "CLOSE" }, { 7, "FLUSH" }, { 8, "READ" },
        { 9, "WRITE" }, { 10, "LOCK" }, { 11, "IOCTL" }, { 12, "CANCEL" }, { 13, "ECHO" },
        { 14, "QUERY_DIRECTORY" }, { 15, "CHANGE_NOTIFY" }, { 16, "QUERY_INFO" }, { 17, "SET_INFO" },
        { 18, "OPLOCK_BREAK" }, { 19, "SERVER_TO_CLIENT_NOTIFICATION" }, { 0, NULL },
};

/* MS-SMB2 2.2.1.2; PRIORITY_MASK (0x70) is a 3-bit number (3.1.1: SMB 3.1.1 I/O priority). */
static const struct pkt_name flag_names[] = {
        { 0x1, "SERVER_TO_REDIR" }, { SMB2_FLAG_ASYNC, "ASYNC_COMMAND" }, { 0x4, "RELATED_OPERATIONS" },
        { 0x8, "SIGNED" }, { 0x10, "PRIORITY_1" }, { 0x20, "PRIORITY_2" }, { 0x40, "PRIORITY_4" },
        { 0x10000000, "DFS_OPERATIONS" }, { 0x20000000, "REPLAY_OPERATION" }, { 0, NULL },
};

#define SMB2_COMMON_FIELDS(flags_def)                                                                                           \
        { .name = "protocol_id",   .off = 0,   .bits = 32, .type = PKT_FT_UINT,  .flags = PKT_FF_HEX, .def = 0xfe534d42 }, \
        { .name = "header_len",    .off = 32,  .bits = 16, .type = PKT_FT_UINT,  .flags = PKT_FF_LE, .def = SMB2_HDR_LEN }, \
        { .name = "credit_charge", .off = 48,  .bits = 16, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },                 \
        { .name = "status",        .off = 64,  .bits = 32, .type = PKT_FT_UINT,  .flags = PKT_FF_LE | PKT_FF_HEX },    \
        { .name = "cmd",           .off = 96,  .bits = 16, .type = PKT_FT_ENUM,  .flags = PKT_FF_LE, .names = cmd_names }, \
        { .name = "credits",       .off = 112, .bits = 16, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },                 \
        { .name = "flags",         .off = 128, .bits = 32, .type = PKT_FT_FLAGS, .flags = PKT_FF_LE, .names = flag_names, \
          .def = (flags_def) },                                                                                       \
        { .name = "chain_offset",  .off = 160, .bits = 32, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },                 \
        { .name = "msg_id",        .off = 192, .bits = 64, .type = PKT_FT_UINT,  .flags = PKT_FF_LE }

#define SMB2_SESSION_FIELDS                                                                                           \
        { .name = "sesid",         .off = 320, .bits = 64, .type = PKT_FT_UINT,  .flags = PKT_FF_LE | PKT_FF_HEX },    \
        { .name = "signature",     .off = 384, .bits = 128, .type = PKT_FT_BYTES }

/* Built, each form's flags default to what tells it (ASYNC_COMMAND or not). */
static const struct pkt_field smb2_fields[] = {
        SMB2_COMMON_FIELDS(0),
        { .name = "pid", .off = 256, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "tid", .off = 288, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        SMB2_SESSION_FIELDS,
};

static const struct pkt_field smb2async_fields[] = {
        SMB2_COMMON_FIELDS(SMB2_FLAG_ASYNC),
        { .name = "aid", .off = 256, .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        SMB2_SESSION_FIELDS,
};

static const struct pkt_name transform_flag_names[] = {
        { 0x0001, "ENCRYPTED" }, { 0, NULL },
};

/* Defaults: an AES-128-CCM message's header (the flag every SMB 3.1.1 encryption sets). */
static const struct pkt_field transform_fields[] = {
        { .name = "protocol_id", .off = 0,   .bits = 32,  .type = PKT_FT_UINT,  .flags = PKT_FF_HEX, .def = 0xfd534d42 },
        { .name = "signature",   .off = 32,  .bits = 128, .type = PKT_FT_BYTES },
        { .name = "nonce",       .off = 160, .bits = 128, .type = PKT_FT_BYTES },
        { .name = "msg_size",    .off = 288, .bits = 32,  .type = PKT_FT_UINT,  .flags = PKT_FF_LE },
        { .name = "reserved",    .off = 320, .bits = 16,  .type = PKT_FT_UINT,  .flags = PKT_FF_LE },
        { .name = "flags",       .off = 336, .bits = 16,  .type = PKT_FT_FLAGS, .flags = PKT_FF_LE, .names = transform_flag_names, .def = 0x0001 },
        { .name = "sesid",       .off = 352, .bits = 64,  .type = PKT_FT_UINT,  .flags = PKT_FF_LE | PKT_FF_HEX },
};

/* MS-SMB2 2.2.3.1.3 */
static const struct pkt_name comp_alg_names[] = {
        { 0, "NONE" }, { 1, "LZNT1" }, { 2, "LZ77" }, { 3, "LZ77_HUFFMAN" }, { 4, "PATTERN_V1" }, { 5, "LZ4" },
        { 0, NULL },
};

static const struct pkt_name comp_flag_names[] = {
        { 0x0001, "CHAINED" }, { 0, NULL },
};

static const struct pkt_field compressed_fields[] = {
        { .name = "protocol_id",   .off = 0,  .bits = 32, .type = PKT_FT_UINT,  .flags = PKT_FF_HEX, .def = 0xfc534d42 },
        { .name = "original_size", .off = 32, .bits = 32, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },
        { .name = "comp_alg",      .off = 64, .bits = 16, .type = PKT_FT_ENUM,  .flags = PKT_FF_LE, .names = comp_alg_names, .def = 1 },
        { .name = "flags",         .off = 80, .bits = 16, .type = PKT_FT_FLAGS, .flags = PKT_FF_LE, .names = comp_flag_names },
        { .name = "offset",        .off = 96, .bits = 32, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },
};
/* clang-format on */

unsigned
pkt_smb2_form(const struct pkt_view *v, uint32_t off)
{
        uint8_t flags = 0;

        switch (v->b[off]) {
        case 0xfd:
                return PKT_PROTO_SMB2_TRANSFORM;
        case 0xfc:
                return PKT_PROTO_SMB2_COMPRESSED;
        default:
                pkt_rd_u8(v, off + SMB2_FLAGS_AT, &flags);
                return flags & SMB2_FLAG_ASYNC ? PKT_PROTO_SMB2_ASYNC : PKT_PROTO_SMB2;
        }
}

/* The body runs to the next compounded message, or to the end. Malformed: a structure size other than
 * 64, or a next message that starts inside this header or past the NBSS message (MS-SMB2 3.3.5.2.7:
 * the server refuses both). */
static void
smb2_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t size = 0;
        uint32_t next = 0;

        pkt_rd_le16(v, 4, &size); /* min_hdr_len bytes are there */
        pkt_rd_le32(v, 20, &next);
        if (size != SMB2_HDR_LEN)
                d->flags |= PKT_LAYER_MALFORMED;
        if (next == 0)
                return;
        if (next < SMB2_HDR_LEN || next >= v->wire_len) {
                d->flags |= PKT_LAYER_MALFORMED;
                return;
        }
        d->payload_len = next - SMB2_HDR_LEN;
}

const struct pkt_proto pkt_proto_smb2 = {
        .name = "smb2",
        .summary = "SMB2/SMB3 packet header, synchronous form (MS-SMB2 2.2.1.2): command, ids, tree, session",
        .id = PKT_PROTO_SMB2,
        .min_hdr_len = SMB2_HDR_LEN,
        .fields = smb2_fields,
        .n_fields = ARRAY_SIZE(smb2_fields),
        .dissect = smb2_dissect,
        .not_dissected = "The command's body stays raw; compounded messages after the first are the layer's "
                         "trailer",
};

const struct pkt_proto pkt_proto_smb2async = {
        .name = "smb2async",
        .summary = "SMB2/SMB3 packet header, asynchronous form (MS-SMB2 2.2.1.1): the async id for the tree",
        .id = PKT_PROTO_SMB2_ASYNC,
        .min_hdr_len = SMB2_HDR_LEN,
        .fields = smb2async_fields,
        .n_fields = ARRAY_SIZE(smb2async_fields),
        .dissect = smb2_dissect,
        .not_dissected = "The command's body stays raw; compounded messages after the first are the layer's "
                         "trailer",
};

const struct pkt_proto pkt_proto_smb2transform = {
        .name = "smb2transform",
        .summary = "SMB3 transform header (MS-SMB2 2.2.41): an encrypted message's nonce, size and session",
        .id = PKT_PROTO_SMB2_TRANSFORM,
        .min_hdr_len = 52,
        .fields = transform_fields,
        .n_fields = ARRAY_SIZE(transform_fields),
        .not_dissected = "The encrypted message stays raw",
};

const struct pkt_proto pkt_proto_smb2compressed = {
        .name = "smb2compressed",
        .summary = "SMB3 compression transform header (MS-SMB2 2.2.42): algorithm, sizes, offset",
        .id = PKT_PROTO_SMB2_COMPRESSED,
        .min_hdr_len = 16,
        .fields = compressed_fields,
        .n_fields = ARRAY_SIZE(compressed_fields),
        .not_dissected = "The compressed bytes stay raw (not decompressed); a chained header's later payload "
                         "headers are in them",
};
