/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NetBIOS Session Service (RFC 1002 4.3, TCP port 139) and its direct-hosted form (MS-SMB2 2.1,
 * TCP port 445): the framing every SMB message travels in.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |      TYPE     |     FLAGS   |E|            LENGTH             |   nbss
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  then by TYPE: the SMB message (SESSION MESSAGE: smb.c, smb2.c),|
 *   |  CALLED NAME, CALLING NAME (NetBIOS names)                      |   nbssrequest: 0x81
 *   |  ERROR_CODE                                                     |   nbssnegative: 0x83
 *   |  RETARGET_IP_ADDRESS, PORT                                      |   nbssretarget: 0x84
 *
 * RFC 1002's length has 17 bits (E is the top one); SMB over port 445, and SMB1's Unix extensions and
 * SMB2's large reads on 139 too, use all 24 bits after the type (MS-SMB2 2.1). So `len` is those 24
 * bits, and `flags` their first byte: with E alone they agree with RFC 1002, and a direct-hosted SMB
 * message's 24-bit length reads as what it is.
 *
 * Without reassembly a segment may start in the middle of a message. Such a continuation is told from
 * a header as tshark tells it: too short for a header, flag bits other than E (unless the message
 * says "SMB" at bytes 5-7: then the length is 24 bits), a type RFC 1002 does not define, or a length
 * the type cannot have. Then the nbss layer is empty and the bytes stay raw, as TLS's records do.
 *
 * As ICMP's bodies are layers of their own (pypacker's ICMP.Echo), so are the session request's names,
 * the negative response's code and the retarget response's address: field tables, with the type
 * following the layer above when built. One message is one layer: a second message in the same
 * segment is the nbss layer's trailer (pkt_layer_trailer()), as with TPKT.
 */
#include <string.h>

#include "internal.h"
#include "smb2.h"

enum {
        NBSS_HDR_LEN = 4,
        SMB_MAGIC_AT = 5, /* "SMB" after the protocol byte (0xff SMB1, 0xfe SMB2, 0xfd transform) */
        SMB1_PROTOCOL_BYTE = 0xff,
        SMB2_PROTOCOL_BYTE = 0xfe,
        SMB3_TRANSFORM_BYTE = 0xfd,
        SMB3_COMPRESSED_BYTE = 0xfc,
        ROOT_NAME_LEN = 1,
        RETARGET_LEN = 6,
        /* The longest session request tshark takes for one: two names, longer than 16 bytes too
         * (Mac OS X puts long names there) */
        REQUEST_MAX_LEN = 256,
        FLAG_E = 0x01,
};

enum nbss_type {
        SESSION_MESSAGE = 0x00,
        SESSION_REQUEST = 0x81,
        POSITIVE_SESSION_RESPONSE = 0x82,
        NEGATIVE_SESSION_RESPONSE = 0x83,
        RETARGET_SESSION_RESPONSE = 0x84,
        SESSION_KEEP_ALIVE = 0x85,
};

/* clang-format off */
static const struct pkt_name type_names[] = {
        { SESSION_MESSAGE, "SESSION_MESSAGE" }, { SESSION_REQUEST, "SESSION_REQUEST" },
        { POSITIVE_SESSION_RESPONSE, "POSITIVE_SESSION_RESPONSE" },
        { NEGATIVE_SESSION_RESPONSE, "NEGATIVE_SESSION_RESPONSE" },
        { RETARGET_SESSION_RESPONSE, "RETARGET_SESSION_RESPONSE" }, { SESSION_KEEP_ALIVE, "SESSION_KEEP_ALIVE" },
        { 0, NULL },
};

static const struct pkt_name flag_names[] = {
        { FLAG_E, "E" }, { 0, NULL },
};

/* RFC 1002 4.3.4 */
static const struct pkt_name error_names[] = {
        { 0x80, "NOT_LISTENING_ON_CALLED_NAME" }, { 0x81, "NOT_LISTENING_FOR_CALLING_NAME" },
        { 0x82, "CALLED_NAME_NOT_PRESENT" }, { 0x83, "INSUFFICIENT_RESOURCES" }, { 0x8f, "UNSPECIFIED_ERROR" },
        { 0, NULL },
};

/* Defaults: a session message, as scapy's NBTSession; the length counts what follows. */
static const struct pkt_field nbss_fields[] = {
        { .name = "type",  .off = 0, .bits = 8,  .type = PKT_FT_ENUM,  .flags = PKT_FF_AUTO, .names = type_names },
        { .name = "flags", .off = 8, .bits = 8,  .type = PKT_FT_FLAGS, .names = flag_names },
        { .name = "len",   .off = 8, .bits = 24, .type = PKT_FT_UINT,  .flags = PKT_FF_AUTO },
};
enum { F_TYPE, F_FLAGS, F_LEN };

static const struct pkt_field request_fields[] = {
        { .name = "called_name",  .off = 0,              .bits = 0, .type = PKT_FT_DNSNAME, .flags = PKT_FF_NETBIOS },
        { .name = "calling_name", .off = PKT_OFF_FOLLOW, .bits = 0, .type = PKT_FT_DNSNAME, .flags = PKT_FF_NETBIOS },
};

static const struct pkt_field negative_fields[] = {
        { .name = "error_code", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = error_names, .def = 0x8f },
};

static const struct pkt_field retarget_fields[] = {
        { .name = "addr", .off = 0,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "port", .off = 32, .bits = 16, .type = PKT_FT_UINT, .def = 139 },
};
/* clang-format on */

/* The layer a message of @type has after its header, or PKT_PROTO_NONE: none, or the SMB message. */
static unsigned
form_of(uint8_t type)
{
        switch (type) {
        case SESSION_REQUEST:
                return PKT_PROTO_NBSS_REQUEST;
        case NEGATIVE_SESSION_RESPONSE:
                return PKT_PROTO_NBSS_NEGATIVE;
        case RETARGET_SESSION_RESPONSE:
                return PKT_PROTO_NBSS_RETARGET;
        default:
                return PKT_PROTO_NONE;
        }
}

/* Could a message of @type have @len bytes after the header? (RFC 1002 4.3: the responses and the
 * keep-alive have fixed bodies; a session message is never empty in practice.) */
static bool
length_fits(uint8_t type, uint32_t len)
{
        switch (type) {
        case SESSION_MESSAGE:
                return len != 0;
        case SESSION_REQUEST:
                return len >= 2 * ROOT_NAME_LEN && len <= REQUEST_MAX_LEN;
        case POSITIVE_SESSION_RESPONSE:
        case SESSION_KEEP_ALIVE:
                return len == 0;
        case NEGATIVE_SESSION_RESPONSE:
                return len == 1;
        case RETARGET_SESSION_RESPONSE:
                return len == RETARGET_LEN;
        default:
                return false;
        }
}

/* Does the session message in @v carry an SMB message ("SMB" after its protocol byte)? Its length then
 * has 24 bits whatever the port. */
static bool
carries_smb(const struct pkt_view *v)
{
        return v->b[0] == SESSION_MESSAGE && pkt_rd_has(v, SMB_MAGIC_AT, 3) &&
               memcmp(v->b + SMB_MAGIC_AT, "SMB", 3) == 0;
}

/* The layer of the SMB message a session message carries: SMB1's header, SMB2's, or SMB3's transform
 * headers (encrypted 0xfd, compressed 0xfc); another protocol byte leaves it raw. */
static unsigned
smb_form(const struct pkt_view *v)
{
        switch (v->b[NBSS_HDR_LEN]) {
        case SMB1_PROTOCOL_BYTE:
                return PKT_PROTO_SMB;
        case SMB2_PROTOCOL_BYTE:
        case SMB3_TRANSFORM_BYTE:
        case SMB3_COMPRESSED_BYTE:
                return pkt_smb2_form(v, NBSS_HDR_LEN);
        default:
                return PKT_PROTO_NONE;
        }
}

static void
nbss_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const uint8_t *b = v->b;
        uint32_t len;

        d->hdr_len = 0;
        if (v->caplen < NBSS_HDR_LEN) {
                /* A header cut by the snap length is truncated; a short segment is a continuation. */
                if (v->caplen < v->wire_len && v->wire_len >= NBSS_HDR_LEN)
                        d->hdr_len = NBSS_HDR_LEN;
                return;
        }
        len = (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        if ((b[1] & ~FLAG_E) && !carries_smb(v))
                return;
        if (!length_fits(b[0], len))
                return;
        d->hdr_len = NBSS_HDR_LEN;
        d->payload_len = len;
        d->next = (uint16_t)(carries_smb(v) ? smb_form(v) : form_of(b[0]));
        /* A message longer than the segment goes on in the next one: what it holds is its start, cut
         * short, never contradicted. */
        if (NBSS_HDR_LEN + len > v->wire_len)
                d->flags |= PKT_DISSECT_PARTIAL;
}

/* The length counts the layer above (a second message in the segment is no part of it); the type follows
 * the form above unless it was set. */
static int
nbss_update(struct pkt *p, unsigned idx)
{
        static const uint16_t type_of[][2] = {
                { PKT_PROTO_NBSS_REQUEST, SESSION_REQUEST },
                { PKT_PROTO_NBSS_NEGATIVE, NEGATIVE_SESSION_RESPONSE },
                { PKT_PROTO_NBSS_RETARGET, RETARGET_SESSION_RESPONSE },
        };
        bool has_up = idx + 1u < p->n_layers;
        unsigned up = has_up ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        int r;

        if (p->layers[idx].hdr_len < NBSS_HDR_LEN)
                return 0; /* a continuation: nothing to refresh */
        for (unsigned i = 0; i < ARRAY_SIZE(type_of); i++) {
                if (type_of[i][0] != up)
                        continue;
                r = pkt_auto_set(p, idx, F_TYPE, type_of[i][1]);
                if (r < 0)
                        return r;
        }
        return pkt_auto_set(p, idx, F_LEN, has_up ? MIN(p->layers[idx + 1].len, 0xffffffu) : 0);
}

/* A session response (positive, negative or retarget) answers a session request (RFC 1002 4.3.2);
 * other messages, and continuations, leave the judgement to the layers below. */
static bool
nbss_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);

        if (!a || !b)
                return false;
        if (a->hdr_len < NBSS_HDR_LEN || b->hdr_len < NBSS_HDR_LEN)
                return true;
        uint8_t q = req->data[a->off], r = rep->data[b->off];
        if (r >= POSITIVE_SESSION_RESPONSE && r <= RETARGET_SESSION_RESPONSE)
                return q == SESSION_REQUEST;
        /* A request answers nothing, and nothing but a response answers it. */
        return q != SESSION_REQUEST && r != SESSION_REQUEST;
}

/* The called and calling names; a name cut by the capture is truncated, one that runs past the
 * message or loops is malformed. */
static void
request_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t called, calling;
        int r = pkt_dnsname_check(v->b, v->caplen, 0, &called);

        if (r == 0)
                r = pkt_dnsname_check(v->b, v->caplen, called, &calling);
        if (r == 0) {
                d->hdr_len = called + calling;
                return;
        }
        if (r == -ENODATA && v->caplen < v->wire_len) {
                d->hdr_len = v->caplen + 1; /* more than was captured: truncated */
                return;
        }
        d->flags |= PKT_LAYER_MALFORMED;
        d->hdr_len = v->caplen;
}

static const struct pkt_key nbss_carriers[] = {
        { PKT_KEY_TCP_PORT, 139 },
        { PKT_KEY_TCP_PORT, 445 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_nbss = {
        .name = "nbss",
        .summary = "NetBIOS Session Service (RFC 1002 4.3) and direct-hosted SMB (MS-SMB2 2.1): the message header",
        .id = PKT_PROTO_NBSS,
        .min_hdr_len = 0, /* a continuation has no header */
        .def_hdr_len = NBSS_HDR_LEN,
        .fields = nbss_fields,
        .n_fields = ARRAY_SIZE(nbss_fields),
        .carriers = nbss_carriers,
        .dissect = nbss_dissect,
        .update = nbss_update,
        .answers = nbss_answers,
        .not_dissected = "A second message in a segment is the layer's trailer",
};

const struct pkt_proto pkt_proto_nbssrequest = {
        .name = "nbssrequest",
        .summary = "NetBIOS session request (RFC 1002 4.3.2): the called and calling names",
        .id = PKT_PROTO_NBSS_REQUEST,
        .min_hdr_len = 2 * ROOT_NAME_LEN,
        .fields = request_fields,
        .n_fields = ARRAY_SIZE(request_fields),
        .dissect = request_dissect,
};

const struct pkt_proto pkt_proto_nbssnegative = {
        .name = "nbssnegative",
        .summary = "NetBIOS negative session response (RFC 1002 4.3.4): the error code",
        .id = PKT_PROTO_NBSS_NEGATIVE,
        .min_hdr_len = 1,
        .fields = negative_fields,
        .n_fields = ARRAY_SIZE(negative_fields),
};

const struct pkt_proto pkt_proto_nbssretarget = {
        .name = "nbssretarget",
        .summary = "NetBIOS session retarget response (RFC 1002 4.3.5): where to call instead",
        .id = PKT_PROTO_NBSS_RETARGET,
        .min_hdr_len = RETARGET_LEN,
        .fields = retarget_fields,
        .n_fields = ARRAY_SIZE(retarget_fields),
};
