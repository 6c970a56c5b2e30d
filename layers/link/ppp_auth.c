/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP's authentication protocols: the Password Authentication Protocol (RFC 1334 2) and the
 * Challenge-Handshake Authentication Protocol (RFC 1994 4), MS-CHAP's too (RFC 2433, 2759).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     code      |      id       |              len              |   pap, chap
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  PAP Authenticate-Request: peer ID and password, each counted |   paprequest
 *  |  PAP Authenticate-Ack, -Nak: message, counted                 |   papresponse
 *  |  CHAP Challenge, Response: value, counted; name               |   chapchallenge
 *  |  CHAP Success, Failure: message                               |   chapresult
 *
 * As LCP's are (ppp_cp.c), the length counts the whole packet, what follows it is the carrier's
 * padding, and the body is a sub-layer chosen by the code. Names are scapy's (PPP_PAP_Request,
 * PPP_PAP_Response, PPP_CHAP_ChallengeResponse), but for CHAP's name (scapy's optional_name),
 * which is RFC 1994's. A counted field and its count move together: setting one sets the other.
 */
#include "internal.h"
#include "ppp.h"

enum { PAP_REQUEST = 1, PAP_ACK, PAP_NAK };
enum { CHAP_CHALLENGE = 1, CHAP_RESPONSE, CHAP_SUCCESS, CHAP_FAILURE };

/* clang-format off */
static const struct pkt_name pap_code_names[] = {
        { PAP_REQUEST, "Authenticate-Request" }, { PAP_ACK, "Authenticate-Ack" },
        { PAP_NAK, "Authenticate-Nak" }, { 0, NULL },
};
static const struct pkt_name chap_code_names[] = {
        { CHAP_CHALLENGE, "Challenge" }, { CHAP_RESPONSE, "Response" }, { CHAP_SUCCESS, "Success" },
        { CHAP_FAILURE, "Failure" }, { 0, NULL },
};

/* In the order of enum { PPP_F_CODE, PPP_F_ID, PPP_F_LEN } (ppp.h). */
#define AUTH_FIELDS(code_names)                                                                     \
        { .name = "code", .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .names = (code_names), .def = 1 }, \
        { .name = "id",   .off = 8,  .bits = 8,  .type = PKT_FT_UINT },                             \
        { .name = "len",  .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = PPP_PACKET_HDR_LEN }

static const struct pkt_field pap_fields[] = { AUTH_FIELDS(pap_code_names) };
static const struct pkt_field chap_fields[] = { AUTH_FIELDS(chap_code_names) };

#define COUNTED(count, text, ft)                                                                    \
        { .name = (count), .off = PKT_OFF_FOLLOW, .bits = 8, .type = PKT_FT_UINT },                 \
        { .name = (text), .off = PKT_OFF_FOLLOW, .type = (ft), .flags = PKT_FF_COUNTED }

static const struct pkt_field pap_request_fields[] = {
        COUNTED("username_len", "username", PKT_FT_STRING),
        COUNTED("passwd_len", "password", PKT_FT_STRING),
};
static const struct pkt_field pap_response_fields[] = { COUNTED("msg_len", "message", PKT_FT_STRING) };
static const struct pkt_field chap_challenge_fields[] = {
        COUNTED("value_size", "value", PKT_FT_BYTES),
        { .name = "name", .off = PKT_OFF_FOLLOW, .type = PKT_FT_STRING },
};
static const struct pkt_field chap_result_fields[] = { { .name = "message", .off = 0, .type = PKT_FT_STRING } };
/* clang-format on */

/* The sub-layer of a code's body, or PKT_PROTO_NONE. */
static unsigned
body_of(unsigned proto, unsigned code)
{
        if (proto == PKT_PROTO_PAP)
                return code == PAP_REQUEST                  ? PKT_PROTO_PAP_REQUEST
                       : code == PAP_ACK || code == PAP_NAK ? PKT_PROTO_PAP_RESPONSE
                                                            : PKT_PROTO_NONE;
        return code == CHAP_CHALLENGE || code == CHAP_RESPONSE ? PKT_PROTO_CHAP_CHALLENGE
               : code == CHAP_SUCCESS || code == CHAP_FAILURE  ? PKT_PROTO_CHAP_RESULT
                                                               : PKT_PROTO_NONE;
}

/* The shared header, then the body to the length. */
static void
auth_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        ppp_packet_dissect(v, d);
        d->next = (uint16_t)body_of(v->proto, v->b[0]);
}

static int
auth_update(struct pkt *p, unsigned idx)
{
        return ppp_packet_update(p, idx, body_of, CHAP_FAILURE);
}

/* An answer has the request's identifier: a PAP Ack or Nak answers an Authenticate-Request, a CHAP
 * Response a Challenge, and a Success or Failure a Response. */
static bool
auth_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        uint8_t q, r;

        if (!ppp_packet_codes(req, ri, rep, pi, &q, &r))
                return false;
        if (req->layers[ri].proto == PKT_PROTO_PAP)
                return q == PAP_REQUEST && (r == PAP_ACK || r == PAP_NAK);
        return (q == CHAP_CHALLENGE && r == CHAP_RESPONSE) ||
               (q == CHAP_RESPONSE && (r == CHAP_SUCCESS || r == CHAP_FAILURE));
}

static const struct pkt_key pap_carriers[] = { { PKT_KEY_PPP, 0xc023 }, PKT_KEY_END };
static const struct pkt_key chap_carriers[] = { { PKT_KEY_PPP, 0xc223 }, PKT_KEY_END };

const struct pkt_proto pkt_proto_pap = {
        .name = "pap",
        .summary = "PPP Password Authentication Protocol (RFC 1334)",
        .id = PKT_PROTO_PAP,
        .min_hdr_len = PPP_PACKET_HDR_LEN,
        .fields = pap_fields,
        .n_fields = ARRAY_SIZE(pap_fields),
        .carriers = pap_carriers,
        .dissect = auth_dissect,
        .update = auth_update,
        .answers = auth_answers,
};

const struct pkt_proto pkt_proto_chap = {
        .name = "chap",
        .summary = "PPP Challenge-Handshake Authentication Protocol (RFC 1994)",
        .id = PKT_PROTO_CHAP,
        .min_hdr_len = PPP_PACKET_HDR_LEN,
        .fields = chap_fields,
        .n_fields = ARRAY_SIZE(chap_fields),
        .carriers = chap_carriers,
        .dissect = auth_dissect,
        .update = auth_update,
        .answers = auth_answers,
};

/* The peer ID and the password, as long as their counts say; bytes after them are raw. A count
 * past the body makes the header longer than the body, which the engine flags. */
static void
pap_request_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t at = 1u + v->b[0];
        uint8_t pw;

        d->hdr_len = pkt_rd_u8(v, at, &pw) ? at + 1u + pw : at + 1u;
}

/* One counted field: its count and its bytes; bytes after them are raw. */
static void
counted_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = 1u + v->b[0];
}

/* The value as long as its size says, then the name to the end of the body. */
static void
chap_challenge_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = MAX(1u + v->b[0], v->wire_len);
        d->payload_len = 0;
}

/* The message runs to the end of the body. */
static void
chap_result_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
}

const struct pkt_proto pkt_proto_paprequest = {
        .name = "paprequest",
        .summary = "PAP Authenticate-Request body: peer ID and password",
        .id = PKT_PROTO_PAP_REQUEST,
        .min_hdr_len = 2,
        .fields = pap_request_fields,
        .n_fields = ARRAY_SIZE(pap_request_fields),
        .dissect = pap_request_dissect,
};

const struct pkt_proto pkt_proto_papresponse = {
        .name = "papresponse",
        .summary = "PAP Authenticate-Ack or -Nak body: a message",
        .id = PKT_PROTO_PAP_RESPONSE,
        .min_hdr_len = 1,
        .fields = pap_response_fields,
        .n_fields = ARRAY_SIZE(pap_response_fields),
        .dissect = counted_dissect,
};

const struct pkt_proto pkt_proto_chapchallenge = {
        .name = "chapchallenge",
        .summary = "CHAP Challenge or Response body: the value and the sender's name",
        .id = PKT_PROTO_CHAP_CHALLENGE,
        .min_hdr_len = 1,
        .fields = chap_challenge_fields,
        .n_fields = ARRAY_SIZE(chap_challenge_fields),
        .dissect = chap_challenge_dissect,
};

const struct pkt_proto pkt_proto_chapresult = {
        .name = "chapresult",
        .summary = "CHAP Success or Failure body: a message",
        .id = PKT_PROTO_CHAP_RESULT,
        .min_hdr_len = 0,
        .fields = chap_result_fields,
        .n_fields = ARRAY_SIZE(chap_result_fields),
        .dissect = chap_result_dissect,
};
