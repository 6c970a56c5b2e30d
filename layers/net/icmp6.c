/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 (RFC 4443; checksum over the IPv6 pseudo-header, RFC 8200 8.1). Neighbour discovery
 * messages (RFC 4861, types 133-137) live in icmp6_nd.c, multicast listener discovery (RFC 2710,
 * RFC 3810: 130-132, 143) in mld.c.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |   icmp6
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Identifier          |        Sequence Number        |   echo (128/129)
 *  |                             unused (pad)                      |   unreach (1), timeexceed (3)
 *  |                              MTU                              |   toobig (2)
 *  |                            Pointer                            |   paramprob (4)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  echo: data ... / errors: as much of the invoking packet as fits in the minimum MTU
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * As in pypacker (ICMP6.Echo, ICMP6.TooBig, ...) each body is a sub-layer selected by the type.
 */
#include <string.h>

#include "internal.h"

#define ICMP6_HDR_LEN  4
#define ICMP6_BODY_LEN 4
#define IP_PROTO_ICMP6 58
#define IP6_HDR_LEN    40
/* Bytes of the invoking packet's upper header compared by answers: ports, or ICMPv6 id/seq. */
#define ICMP6_QUOTE_DATA 8
/* RFC 3810 8.1: an MLD query of 28 bytes or more is version 2 (version 1's has 24). */
#define MLDV2_QUERY_MIN 28

enum {
        ICMP6_DST_UNREACH = 1,
        ICMP6_PACKET_TOO_BIG = 2,
        ICMP6_TIME_EXCEEDED = 3,
        ICMP6_PARAM_PROB = 4,
        ICMP6_ECHO_REQUEST = 128,
        ICMP6_ECHO_REPLY = 129,
        ICMP6_MLD_QUERY = 130,
};

/* clang-format off */
static const struct pkt_name icmp6_type_names[] = {
        { 1, "DST_UNREACH" }, { 2, "PACKET_TOO_BIG" }, { 3, "TIME_EXCEEDED" }, { 4, "PARAM_PROB" },
        { 128, "ECHO_REQUEST" }, { 129, "ECHO_REPLY" }, { 130, "MLD_LISTENER_QUERY" },
        { 131, "MLD_LISTENER_REPORT" }, { 132, "MLD_LISTENER_DONE" }, { 133, "ND_ROUTER_SOLICIT" },
        { 134, "ND_ROUTER_ADVERT" }, { 135, "ND_NEIGHBOR_SOLICIT" }, { 136, "ND_NEIGHBOR_ADVERT" },
        { 137, "ND_REDIRECT" }, { 138, "ROUTER_RENUMBERING" }, { 139, "NI_QUERY" }, { 140, "NI_REPLY" },
        { 143, "MLD2_LISTENER_REPORT" }, { 0, NULL },
};

static const struct pkt_field icmp6_fields[] = {
        { .name = "type", .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = icmp6_type_names, .def = ICMP6_ECHO_REQUEST },
        { .name = "code", .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "sum",  .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
};

static const struct pkt_field echo_fields[] = {
        { .name = "id",  .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "seq", .off = 16, .bits = 16, .type = PKT_FT_UINT },
};

static const struct pkt_field pad_fields[] = {
        { .name = "pad", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

/* RFC 8201: 1280 is the least an IPv6 link may carry; pypacker defaults to 1232. */
static const struct pkt_field toobig_fields[] = {
        { .name = "mtu", .off = 0, .bits = 32, .type = PKT_FT_UINT, .def = 1232 },
};

static const struct pkt_field paramprob_fields[] = {
        { .name = "ptr", .off = 0, .bits = 32, .type = PKT_FT_UINT },
};
/* clang-format on */

enum { F_TYPE, F_CODE, F_SUM };

static void
icmp6_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        if (v->b[0] == ICMP6_MLD_QUERY && v->wire_len >= MLDV2_QUERY_MIN)
                d->next = PKT_PROTO_MLDV2_QUERY;
        else
                d->next = (uint16_t)pkt_key_lookup(PKT_KEY_ICMP6_TYPE, v->b[0]);
}

static int
icmp6_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint32_t sum;
        uint8_t *h;
        int r;

        if ((r = pkt_auto_set_next_type(p, idx, F_TYPE, PKT_KEY_ICMP6_TYPE)) < 0)
                return r;
        if (l->set_mask & (UINT64_C(1) << F_SUM))
                return 0;
        /* RFC 4443 2.3: unlike ICMPv4, the sum includes the pseudo-header; without IPv6 there is
         * none. */
        if (pkt_csum_pseudo(p, idx, IP_PROTO_ICMP6, l->len, &sum) < 0)
                return 0;
        h = pkt_layer_bytes_mut(p, idx);
        h[2] = h[3] = 0;
        uint16_t c = pkt_csum_fold(pkt_csum_add(sum, h, l->len));
        h[2] = (uint8_t)(c >> 8);
        h[3] = (uint8_t)c;
        return 0;
}

/* RFC 4443 2.1: error messages have the high-order bit of the type clear. */
static bool
is_error(uint8_t type)
{
        return type >= ICMP6_DST_UNREACH && type <= ICMP6_PARAM_PROB;
}

/*
 * Does the IPv6 packet quoted by error @rep (layer @pi) come from request @req? Compares source,
 * destination and next header of the fixed header, and the first 8 bytes after it (the upper
 * header, or the first extension header, which the quote carries unchanged).
 */
static bool
quote_matches(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *lp = &rep->layers[pi];
        int ii = pkt_layer_below(req, ri, PKT_PROTO_IP6);

        if (ii < 0 || lp->len < ICMP6_HDR_LEN + ICMP6_BODY_LEN + IP6_HDR_LEN)
                return false;
        const struct pkt_layer *li = &req->layers[ii];
        const uint8_t *q = req->data + li->off,
                      *a = rep->data + lp->off + ICMP6_HDR_LEN + ICMP6_BODY_LEN;
        uint32_t quote_len = lp->len - ICMP6_HDR_LEN - ICMP6_BODY_LEN;

        if (li->len < IP6_HDR_LEN || a[6] != q[6] || memcmp(a + 8, q + 8, 32) != 0)
                return false;
        /* The request's own length, not the link's padding after it (a jumbogram says 0: use all).
         */
        uint32_t plen = (uint32_t)(q[4] << 8 | q[5]), q_len = li->len - IP6_HDR_LEN;
        uint32_t n = MIN(plen ? MIN(q_len, plen) : q_len, (uint32_t)ICMP6_QUOTE_DATA);
        return quote_len >= IP6_HDR_LEN + n && memcmp(a + IP6_HDR_LEN, q + IP6_HDR_LEN, n) == 0;
}

/* Both layers ICMPv6 (echo and reply, or an error about an ICMPv6 request), or the stacks part
 * where the reply is an error about a UDP/TCP/... request. */
static bool
icmp6_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *lq = &req->layers[ri], *lp = &rep->layers[pi];
        const uint8_t *q = req->data + lq->off, *a = rep->data + lp->off;

        if (lp->proto != PKT_PROTO_ICMP6 || lp->len < ICMP6_HDR_LEN)
                return false;
        if (is_error(a[0]))
                return quote_matches(req, ri, rep, pi);
        if (lq->proto != PKT_PROTO_ICMP6 || lq->len < ICMP6_HDR_LEN + ICMP6_BODY_LEN ||
            lp->len < ICMP6_HDR_LEN + ICMP6_BODY_LEN)
                return false;
        return q[0] == ICMP6_ECHO_REQUEST && a[0] == ICMP6_ECHO_REPLY &&
               memcmp(q + 4, a + 4, 4) == 0;
}

/* pypacker: the same echo id is the same flow, whichever way it goes. */
static unsigned
echo_direction(const struct pkt_view *a, const struct pkt_view *b)
{
        return memcmp(a->b, b->b, 2) == 0 ? PKT_DIR_SAME | PKT_DIR_REV : PKT_DIR_UNKNOWN;
}

/* The quote is an IPv6 packet (RFC 4443 2.1) when its version says so; anything else is kept as bytes,
 * as tshark does, rather than read as a damaged packet. */
static void
error_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint8_t v_hl;

        d->next = pkt_rd_u8(v, ICMP6_BODY_LEN, &v_hl) && v_hl >> 4 != 6 ? PKT_PROTO_NONE : PKT_PROTO_IP6;
}

static const struct pkt_key icmp6_carriers[] = {
        { PKT_KEY_IP_PROTO, IP_PROTO_ICMP6 },
        PKT_KEY_END,
};
/* Request first: a fresh echo() under icmp6() asks. */
static const struct pkt_key echo_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, ICMP6_ECHO_REQUEST },
        { PKT_KEY_ICMP6_TYPE, ICMP6_ECHO_REPLY },
        PKT_KEY_END,
};
static const struct pkt_key unreach_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, ICMP6_DST_UNREACH },
        PKT_KEY_END,
};
static const struct pkt_key toobig_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, ICMP6_PACKET_TOO_BIG },
        PKT_KEY_END,
};
static const struct pkt_key timeexceed_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, ICMP6_TIME_EXCEEDED },
        PKT_KEY_END,
};
static const struct pkt_key paramprob_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, ICMP6_PARAM_PROB },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_icmp6 = {
        .name = "icmp6",
        .summary = "Internet Control Message Protocol for IPv6 (RFC 4443)",
        .id = PKT_PROTO_ICMP6,
        .flags = PKT_P_CSUM_PAYLOAD | PKT_P_CSUM_PSEUDO | PKT_P_NEEDS_NEXT,
        .min_hdr_len = ICMP6_HDR_LEN,
        .fields = icmp6_fields,
        .n_fields = ARRAY_SIZE(icmp6_fields),
        .carriers = icmp6_carriers,
        .dissect = icmp6_dissect,
        .update = icmp6_update,
        .answers = icmp6_answers,
};

const struct pkt_proto pkt_proto_icmp6_echo = {
        .name = "echo",
        .summary = "ICMPv6 echo request and reply (RFC 4443 4)",
        .id = PKT_PROTO_ICMP6_ECHO,
        .min_hdr_len = ICMP6_BODY_LEN,
        .fields = echo_fields,
        .n_fields = ARRAY_SIZE(echo_fields),
        .carriers = echo_carriers,
        .direction = echo_direction,
};

/* Error bodies: the invoking packet follows, cut to fit: truncated, never malformed. */
const struct pkt_proto pkt_proto_icmp6_unreach = {
        .name = "unreach",
        .summary = "ICMPv6 destination unreachable (RFC 4443 3.1)",
        .id = PKT_PROTO_ICMP6_UNREACH,
        .flags = PKT_P_QUOTES,
        .min_hdr_len = ICMP6_BODY_LEN,
        .fields = pad_fields,
        .n_fields = ARRAY_SIZE(pad_fields),
        .carriers = unreach_carriers,
        .dissect = error_dissect,
};

const struct pkt_proto pkt_proto_icmp6_toobig = {
        .name = "toobig",
        .summary = "ICMPv6 packet too big (RFC 4443 3.2)",
        .id = PKT_PROTO_ICMP6_TOOBIG,
        .flags = PKT_P_QUOTES,
        .min_hdr_len = ICMP6_BODY_LEN,
        .fields = toobig_fields,
        .n_fields = ARRAY_SIZE(toobig_fields),
        .carriers = toobig_carriers,
        .dissect = error_dissect,
};

const struct pkt_proto pkt_proto_icmp6_timeexceed = {
        .name = "timeexceed",
        .summary = "ICMPv6 time exceeded (RFC 4443 3.3)",
        .id = PKT_PROTO_ICMP6_TIMEEXCEED,
        .flags = PKT_P_QUOTES,
        .min_hdr_len = ICMP6_BODY_LEN,
        .fields = pad_fields,
        .n_fields = ARRAY_SIZE(pad_fields),
        .carriers = timeexceed_carriers,
        .dissect = error_dissect,
};

const struct pkt_proto pkt_proto_icmp6_paramprob = {
        .name = "paramprob",
        .summary = "ICMPv6 parameter problem (RFC 4443 3.4)",
        .id = PKT_PROTO_ICMP6_PARAMPROB,
        .flags = PKT_P_QUOTES,
        .min_hdr_len = ICMP6_BODY_LEN,
        .fields = paramprob_fields,
        .n_fields = ARRAY_SIZE(paramprob_fields),
        .carriers = paramprob_carriers,
        .dissect = error_dissect,
};
