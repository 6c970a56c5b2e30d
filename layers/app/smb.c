/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SMB1 (CIFS, MS-CIFS 2.2.3.1): the 32-byte header every message of the original Windows file sharing
 * starts with, and the parameter and data blocks' counts after it. Carried in NBSS session messages
 * (nbss.c) and, as the browser's mailslot messages, in NetBIOS datagrams (nbdgm.c).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                  Protocol (0xFF 'S' 'M' 'B')                  |
 *   |    Command    |  Status (NT status, or error class, 0, code) ...
 *   ... Status      |     Flags     |            Flags2             |
 *   |            PIDHigh            |  SecurityFeatures (8 bytes) ...
 *   ...                             |           Reserved            |
 *   |              TID              |            PIDLow             |
 *   |              UID              |              MID              |
 *   |   WordCount   |  Words (WordCount x 2 bytes) ...  |  ByteCount |
 *   |  Bytes (ByteCount) ...
 *
 * Little-endian after the protocol. The header is the 32 bytes and the parameter block (the count and
 * the words, raw) and the byte count: the command's data bytes are the payload, raw. An AndX command's
 * chained successor follows its bytes and is the layer's trailer. The names are tshark's; the status
 * is one field whether FLAGS2_NT_STATUS says it is an NT status or a DOS error class and code.
 */
#include "internal.h"

enum {
        SMB_HDR_LEN = 32,
        CMD_AT = 4,
        FLAGS_AT = 9,
        WCT_AT = SMB_HDR_LEN,
        SMB_MIN_LEN = SMB_HDR_LEN + 1 + 2, /* no words, no bytes */
};

/* clang-format off */
/* MS-CIFS 2.2.2.1 */
static const struct pkt_name cmd_names[] = {
        { 0x00, "CREATE_DIRECTORY" }, { 0x01, "DELETE_DIRECTORY" }, { 0x02, "OPEN" }, { 0x03, "CREATE" },
        { 0x04, "CLOSE" }, { 0x05, "FLUSH" }, { 0x06, "DELETE" }, { 0x07, "RENAME" }, { 0x08, "QUERY_INFORMATION" },
        { 0x09, "SET_INFORMATION" }, { 0x0a, "READ" }, { 0x0b, "WRITE" }, { 0x0c, "LOCK_BYTE_RANGE" },
        { 0x0d, "UNLOCK_BYTE_RANGE" }, { 0x0e, "CREATE_TEMPORARY" }, { 0x0f, "CREATE_NEW" },
        { 0x10, "CHECK_DIRECTORY" }, { 0x11, "PROCESS_EXIT" }, { 0x12, "SEEK" }, { 0x13, "LOCK_AND_READ" },
        { 0x14, "WRITE_AND_UNLOCK" }, { 0x1a, "READ_RAW" }, { 0x1b, "READ_MPX" }, { 0x1c, "READ_MPX_SECONDARY" },
        { 0x1d, "WRITE_RAW" }, { 0x1e, "WRITE_MPX" }, { 0x1f, "WRITE_MPX_SECONDARY" }, { 0x20, "WRITE_COMPLETE" },
        { 0x21, "QUERY_SERVER" }, { 0x22, "SET_INFORMATION2" }, { 0x23, "QUERY_INFORMATION2" },
        { 0x24, "LOCKING_ANDX" }, { 0x25, "TRANSACTION" }, { 0x26, "TRANSACTION_SECONDARY" }, { 0x27, "IOCTL" },
        { 0x28, "IOCTL_SECONDARY" }, { 0x29, "COPY" }, { 0x2a, "MOVE" }, { 0x2b, "ECHO" },
        { 0x2c, "WRITE_AND_CLOSE" }, { 0x2d, "OPEN_ANDX" }, { 0x2e, "READ_ANDX" }, { 0x2f, "WRITE_ANDX" },
        { 0x30, "NEW_FILE_SIZE" }, { 0x31, "CLOSE_AND_TREE_DISC" }, { 0x32, "TRANSACTION2" },
        { 0x33, "TRANSACTION2_SECONDARY" }, { 0x34, "FIND_CLOSE2" }, { 0x35, "FIND_NOTIFY_CLOSE" },
        { 0x70, "TREE_CONNECT" }, { 0x71, "TREE_DISCONNECT" }, { 0x72, "NEGOTIATE" }, { 0x73, "SESSION_SETUP_ANDX" },
        { 0x74, "LOGOFF_ANDX" }, { 0x75, "TREE_CONNECT_ANDX" }, { 0x7e, "SECURITY_PACKAGE_ANDX" },
        { 0x80, "QUERY_INFORMATION_DISK" }, { 0x81, "SEARCH" }, { 0x82, "FIND" }, { 0x83, "FIND_UNIQUE" },
        { 0x84, "FIND_CLOSE" }, { 0xa0, "NT_TRANSACT" }, { 0xa1, "NT_TRANSACT_SECONDARY" },
        { 0xa2, "NT_CREATE_ANDX" }, { 0xa4, "NT_CANCEL" }, { 0xa5, "NT_RENAME" }, { 0xc0, "OPEN_PRINT_FILE" },
        { 0xc1, "WRITE_PRINT_FILE" }, { 0xc2, "CLOSE_PRINT_FILE" }, { 0xc3, "GET_PRINT_QUEUE" },
        { 0xd8, "READ_BULK" }, { 0xd9, "WRITE_BULK" }, { 0xda, "WRITE_BULK_DATA" }, { 0xfe, "INVALID" },
        { 0xff, "NO_ANDX_COMMAND" }, { 0, NULL },
};

/* MS-CIFS 2.2.3.1 */
static const struct pkt_name flag_names[] = {
        { 0x01, "LOCK_AND_READ_OK" }, { 0x02, "BUF_AVAIL" }, { 0x08, "CASE_INSENSITIVE" },
        { 0x10, "CANONICALIZED_PATHS" }, { 0x20, "OPLOCK" }, { 0x40, "OPBATCH" }, { 0x80, "REPLY" }, { 0, NULL },
};

static const struct pkt_name flag2_names[] = {
        { 0x0001, "LONG_NAMES" }, { 0x0002, "EAS" }, { 0x0004, "SMB_SECURITY_SIGNATURE" }, { 0x0008, "COMPRESSED" },
        { 0x0010, "SMB_SECURITY_SIGNATURE_REQUIRED" }, { 0x0040, "IS_LONG_NAME" }, { 0x0400, "REPARSE_PATH" },
        { 0x0800, "EXTENDED_SECURITY" }, { 0x1000, "DFS" }, { 0x2000, "PAGING_IO" }, { 0x4000, "NT_STATUS" },
        { 0x8000, "UNICODE" }, { 0, NULL },
};

/* Defaults: a NEGOTIATE request from a client that speaks NT statuses and Unicode, as smbclient's. */
static const struct pkt_field smb_fields[] = {
        { .name = "protocol",  .off = 0,   .bits = 32, .type = PKT_FT_UINT,  .flags = PKT_FF_HEX, .def = 0xff534d42 },
        { .name = "cmd",       .off = 32,  .bits = 8,  .type = PKT_FT_ENUM,  .names = cmd_names, .def = 0x72 },
        { .name = "status",    .off = 40,  .bits = 32, .type = PKT_FT_UINT,  .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "flags",     .off = 72,  .bits = 8,  .type = PKT_FT_FLAGS, .names = flag_names, .def = 0x18 },
        { .name = "flags2",    .off = 80,  .bits = 16, .type = PKT_FT_FLAGS, .flags = PKT_FF_LE, .names = flag2_names, .def = 0xc801 },
        { .name = "pid_high",  .off = 96,  .bits = 16, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },
        { .name = "signature", .off = 112, .bits = 64, .type = PKT_FT_BYTES },
        { .name = "reserved",  .off = 176, .bits = 16, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },
        { .name = "tid",       .off = 192, .bits = 16, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },
        { .name = "pid",       .off = 208, .bits = 16, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },
        { .name = "uid",       .off = 224, .bits = 16, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },
        { .name = "mid",       .off = 240, .bits = 16, .type = PKT_FT_UINT,  .flags = PKT_FF_LE },
        { .name = "wct",       .off = 256, .bits = 8,  .type = PKT_FT_UINT,  .flags = PKT_FF_AUTO },
        { .name = "words",     .off = 264, .bits = 0,  .type = PKT_FT_BYTES, .tail = 2 },
        { .name = "bcc",       .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_AUTO },
};
/* clang-format on */

enum { F_WCT = 12, F_BCC = 14 };

/* The bytes of the parameter block's words: WordCount's two each, but for the NT_CREATE_ANDX extended
 * response Windows servers send, whose 50 words WordCount calls 42 (MS-SMB 2.2.4.9.2 and its product
 * note; tshark and Samba read it so). */
static uint32_t
words_len(const uint8_t *b)
{
        enum { NT_CREATE_ANDX = 0xa2, REPLY = 0x80, QUIRK_WCT = 0x2a, QUIRK_WORDS = 50 };

        if (b[CMD_AT] == NT_CREATE_ANDX && (b[FLAGS_AT] & REPLY) && b[WCT_AT] == QUIRK_WCT)
                return 2u * QUIRK_WORDS;
        return 2u * b[WCT_AT];
}

/* The header runs to the byte count; the bytes it counts are the payload. A word count past the
 * message is malformed (cut by the capture: truncated); bytes past this segment are not (the message
 * goes on in the next one, as NBSS says). */
static void
smb_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t bcc = 0;

        d->hdr_len = SMB_MIN_LEN + words_len(v->b);
        if (d->hdr_len > v->caplen) {
                if (d->hdr_len > v->wire_len)
                        d->flags |= PKT_LAYER_MALFORMED;
                return;
        }
        pkt_rd_le16(v, d->hdr_len - 2, &bcc);
        d->payload_len = bcc;
}

/* The word count counts the words given (unless it already describes them: the extended response's);
 * the byte count the bytes above (an AndX successor built after them would be the trailer, which no
 * spec makes). */
static int
smb_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint32_t words = l->hdr_len - SMB_MIN_LEN;
        int r;

        if (l->hdr_len < SMB_MIN_LEN)
                return -EINVAL;
        /* Words of an odd length, or more than 255 of them: no word count says so (a count that does
         * not fit its field, as the engine's auto fields report it). */
        if (words % 2 || words / 2 > 0xff)
                return -ERANGE;
        if (words != words_len(p->data + l->off)) {
                r = pkt_auto_set(p, idx, F_WCT, words / 2);
                if (r < 0)
                        return r;
        }
        uint32_t bytes = idx + 1u < p->n_layers ? p->layers[idx + 1].len : 0;
        return pkt_auto_set(p, idx, F_BCC, MIN(bytes, 0xffffu));
}

const struct pkt_proto pkt_proto_smb = {
        .name = "smb",
        .summary = "SMB1/CIFS message header (MS-CIFS 2.2.3.1), its word and byte counts",
        .id = PKT_PROTO_SMB,
        .min_hdr_len = SMB_MIN_LEN,
        .fields = smb_fields,
        .n_fields = ARRAY_SIZE(smb_fields),
        .dissect = smb_dissect,
        .update = smb_update,
        .not_dissected = "The command's words and bytes stay raw; an AndX command's successor is the layer's "
                         "trailer",
};
