/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP (RFC 792; fragmentation-needed MTU RFC 1191; checksum RFC 1071).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |   icmp
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Identifier          |        Sequence Number        |   echo (0/8, 13/14, 15/16)
 *  |            unused (pad)       |         Next-Hop MTU          |   unreach (3)
 *  |                 Gateway Internet Address                      |   redirect (5)
 *  |                             unused                            |   timeexceed (11)
 *  |    Pointer    |                   unused                      |   paramprob (12)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  echo: data ... / errors: Internet Header + 64 bits of Original Data Datagram
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
 *
 * As pypacker does, the four bytes after the checksum are a sub-layer chosen by the type
 * (ICMP.Echo, ICMP.Unreach, ...), so "ip()/icmp()/echo(id=1)/raw(...)" builds and each body has its
 * own fields. The checksum covers the whole ICMP message, sub-layer and payload included.
 */
#include <string.h>

#include "internal.h"

#define ICMP_HDR_LEN  4
#define ICMP_BODY_LEN 4
#define ICMP_TSTAMP_BODY_LEN 16 /* identifier, sequence, three 32-bit times */
#define ICMP_MASK_BODY_LEN   8  /* identifier, sequence, the mask */
#define IP_PROTO_ICMP 1
#define IP_HDR_MIN    20
/* RFC 792: an error quotes the Internet header and the first 64 bits of the datagram's data. */
#define ICMP_QUOTE_DATA 8

enum {
        ICMP_ECHOREPLY = 0,
        ICMP_UNREACH = 3,
        ICMP_REDIRECT = 5,
        ICMP_ECHO = 8,
        ICMP_TIMEXCEED = 11,
        ICMP_PARAMPROB = 12,
        ICMP_TSTAMP = 13,
        ICMP_TSTAMPREPLY = 14,
        ICMP_INFO = 15,
        ICMP_INFOREPLY = 16,
        ICMP_MASK = 17,
        ICMP_MASKREPLY = 18,
};

/* clang-format off */
static const struct pkt_name icmp_type_names[] = {
        { 0, "ECHOREPLY" }, { 3, "UNREACH" }, { 4, "SRCQUENCH" }, { 5, "REDIRECT" }, { 6, "ALTHOSTADDR" },
        { 8, "ECHO" }, { 9, "RTRADVERT" }, { 10, "RTRSOLICIT" }, { 11, "TIMEXCEED" }, { 12, "PARAMPROB" },
        { 13, "TSTAMP" }, { 14, "TSTAMPREPLY" }, { 15, "INFO" }, { 16, "INFOREPLY" }, { 17, "MASK" },
        { 18, "MASKREPLY" }, { 30, "TRACEROUTE" }, { 42, "EXTECHO" }, { 43, "EXTECHOREPLY" }, { 0, NULL },
};

static const struct pkt_field icmp_fields[] = {
        { .name = "type", .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = icmp_type_names, .def = ICMP_ECHO },
        { .name = "code", .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "sum",  .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
};

static const struct pkt_field echo_fields[] = {
        { .name = "id",  .off = 0,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "seq", .off = 16, .bits = 16, .type = PKT_FT_UINT },
};

/* RFC 792: the originate, receive and transmit times, in milliseconds since midnight UT. Names are
 * scapy's (its ICMP fields for types 13 and 14). */
static const struct pkt_field tstamp_fields[] = {
        { .name = "id",     .off = 0,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "seq",    .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "ts_ori", .off = 32, .bits = 32, .type = PKT_FT_UINT },
        { .name = "ts_rx",  .off = 64, .bits = 32, .type = PKT_FT_UINT },
        { .name = "ts_tx",  .off = 96, .bits = 32, .type = PKT_FT_UINT },
};

/* RFC 950 Appendix I: the subnet mask, zero in a request. scapy's name. */
static const struct pkt_field mask_fields[] = {
        { .name = "id",        .off = 0,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "seq",       .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "addr_mask", .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field unreach_fields[] = {
        { .name = "pad", .off = 0,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "mtu", .off = 16, .bits = 16, .type = PKT_FT_UINT }, /* RFC 1191, code 4 only */
};

static const struct pkt_field redirect_fields[] = {
        { .name = "gw", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field timeexceed_fields[] = {
        { .name = "unused", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_field paramprob_fields[] = {
        { .name = "ptr",    .off = 0, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "unused", .off = 8, .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
/* clang-format on */

enum { F_TYPE, F_CODE, F_SUM };

static void
icmp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->next = (uint16_t)pkt_key_lookup(PKT_KEY_ICMP_TYPE, v->b[0]);
}

static int
icmp_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint8_t *h;
        int r;

        if ((r = pkt_auto_set_next_type(p, idx, F_TYPE, PKT_KEY_ICMP_TYPE)) < 0)
                return r;
        if (l->set_mask & (UINT64_C(1) << F_SUM))
                return 0;
        h = pkt_layer_bytes_mut(p, idx);
        h[2] = h[3] = 0;
        /* RFC 792: the sum covers the ICMP message, header and data, whatever the type. */
        uint16_t sum = pkt_csum_fold(pkt_csum_add(0, h, l->len));
        h[2] = (uint8_t)(sum >> 8);
        h[3] = (uint8_t)sum;
        return 0;
}

static bool
is_error(uint8_t type)
{
        return type == ICMP_UNREACH || type == ICMP_REDIRECT || type == ICMP_TIMEXCEED ||
               type == ICMP_PARAMPROB;
}

/* The reply type that answers request @type, or -1 (RFC 792: echo, timestamp, information). */
static int
reply_type(uint8_t type)
{
        switch (type) {
        case ICMP_ECHO:
                return ICMP_ECHOREPLY;
        case ICMP_TSTAMP:
                return ICMP_TSTAMPREPLY;
        case ICMP_INFO:
                return ICMP_INFOREPLY;
        case ICMP_MASK:
                return ICMP_MASKREPLY;
        default:
                return -1;
        }
}

/*
 * Does the IPv4 datagram quoted by error @rep (layer @pi) come from request @req, whose layer @ri
 * sits above its IPv4 header? Compares what routers leave alone: source, destination, protocol and
 * id of the IP header (unless the request left the id to the kernel), and the first 8 bytes after
 * it (ports or ICMP id/seq; RFC 792 quotes at least those).
 */
static bool
quote_matches(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *lp = &rep->layers[pi];
        int ii = pkt_layer_below(req, ri, PKT_PROTO_IP);

        if (ii < 0 || lp->len < ICMP_HDR_LEN + ICMP_BODY_LEN + IP_HDR_MIN ||
            req->layers[ii].len < IP_HDR_MIN)
                return false;
        const struct pkt_layer *li = &req->layers[ii];
        const uint8_t *q = req->data + li->off,
                      *a = rep->data + lp->off + ICMP_HDR_LEN + ICMP_BODY_LEN;
        uint32_t quote_len = lp->len - ICMP_HDR_LEN - ICMP_BODY_LEN;
        uint32_t q_hl = (uint32_t)(q[0] & 0xf) * 4, a_hl = (uint32_t)(a[0] & 0xf) * 4;

        if (q_hl < IP_HDR_MIN || q_hl > li->len || a_hl != q_hl)
                return false;
        if (memcmp(a + 12, q + 12, 8) != 0 || a[9] != q[9])
                return false;
        /* An id of 0 leaves the choice to the kernel: Linux fills it in on a raw IP_HDRINCL socket
         * (raw_send_hdrinc), so the quote carries an id the request never had. */
        if ((q[4] | q[5]) != 0 && memcmp(a + 4, q + 4, 2) != 0)
                return false;
        /* The request's own length, not the link's padding after it. */
        uint32_t q_len = MIN(li->len, (uint32_t)(q[2] << 8 | q[3]));
        uint32_t n = q_len > q_hl ? MIN(q_len - q_hl, (uint32_t)ICMP_QUOTE_DATA) : 0;
        return quote_len >= a_hl + n && memcmp(a + a_hl, q + q_hl, n) == 0;
}

/*
 * Called with both layers ICMP (echo and reply, or an error about an ICMP request), or where the
 * stacks part: the request carries UDP/TCP/... at @ri and the reply an ICMP error at @pi.
 */
static bool
icmp_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *lq = &req->layers[ri], *lp = &rep->layers[pi];
        const uint8_t *q = req->data + lq->off, *a = rep->data + lp->off;

        if (lp->proto != PKT_PROTO_ICMP || lp->len < ICMP_HDR_LEN)
                return false;
        if (is_error(a[0]))
                return quote_matches(req, ri, rep, pi);
        if (lq->proto != PKT_PROTO_ICMP || lq->len < ICMP_HDR_LEN + ICMP_BODY_LEN ||
            lp->len < ICMP_HDR_LEN + ICMP_BODY_LEN)
                return false;
        return reply_type(q[0]) == a[0] && memcmp(q + 4, a + 4, 4) == 0;
}

/* pypacker: the same echo id is the same flow, whichever way it goes. */
static unsigned
echo_direction(const struct pkt_view *a, const struct pkt_view *b)
{
        return memcmp(a->b, b->b, 2) == 0 ? PKT_DIR_SAME | PKT_DIR_REV : PKT_DIR_UNKNOWN;
}

/* The quote is an IPv4 packet (RFC 792) when its version says so; anything else is kept as bytes,
 * as tshark does, rather than read as a damaged packet. */
static void
error_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint8_t v_hl;

        d->next = pkt_rd_u8(v, ICMP_BODY_LEN, &v_hl) && v_hl >> 4 != 4 ? PKT_PROTO_NONE : PKT_PROTO_IP;
}

static const struct pkt_key icmp_carriers[] = {
        { PKT_KEY_IP_PROTO, IP_PROTO_ICMP },
        PKT_KEY_END,
};

/* Echo first: a fresh echo() under icmp() is a request. Information messages are an identifier and a
 * sequence number alone (RFC 792), so they share the sub-layer; timestamp and address mask messages
 * (RFC 950) open with the same two and have bodies of their own. A fresh body names the request. */
static const struct pkt_key echo_carriers[] = {
        { PKT_KEY_ICMP_TYPE, ICMP_ECHO },
        { PKT_KEY_ICMP_TYPE, ICMP_ECHOREPLY },
        { PKT_KEY_ICMP_TYPE, ICMP_INFO },
        { PKT_KEY_ICMP_TYPE, ICMP_INFOREPLY },
        PKT_KEY_END,
};

static const struct pkt_key tstamp_carriers[] = {
        { PKT_KEY_ICMP_TYPE, ICMP_TSTAMP },
        { PKT_KEY_ICMP_TYPE, ICMP_TSTAMPREPLY },
        PKT_KEY_END,
};

static const struct pkt_key mask_carriers[] = {
        { PKT_KEY_ICMP_TYPE, ICMP_MASK },
        { PKT_KEY_ICMP_TYPE, ICMP_MASKREPLY },
        PKT_KEY_END,
};

static const struct pkt_key unreach_carriers[] = {
        { PKT_KEY_ICMP_TYPE, ICMP_UNREACH },
        PKT_KEY_END,
};
static const struct pkt_key redirect_carriers[] = {
        { PKT_KEY_ICMP_TYPE, ICMP_REDIRECT },
        PKT_KEY_END,
};
static const struct pkt_key timeexceed_carriers[] = {
        { PKT_KEY_ICMP_TYPE, ICMP_TIMEXCEED },
        PKT_KEY_END,
};
static const struct pkt_key paramprob_carriers[] = {
        { PKT_KEY_ICMP_TYPE, ICMP_PARAMPROB },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_icmp = {
        .name = "icmp",
        .summary = "Internet Control Message Protocol (RFC 792)",
        .id = PKT_PROTO_ICMP,
        .flags = PKT_P_CSUM_PAYLOAD | PKT_P_NEEDS_NEXT,
        .min_hdr_len = ICMP_HDR_LEN,
        .fields = icmp_fields,
        .n_fields = ARRAY_SIZE(icmp_fields),
        .carriers = icmp_carriers,
        .dissect = icmp_dissect,
        .update = icmp_update,
        .answers = icmp_answers,
};

const struct pkt_proto pkt_proto_icmp_echo = {
        .name = "echo",
        .summary = "ICMP echo and information: identifier and sequence (RFC 792)",
        .id = PKT_PROTO_ICMP_ECHO,
        .min_hdr_len = ICMP_BODY_LEN,
        .fields = echo_fields,
        .n_fields = ARRAY_SIZE(echo_fields),
        .carriers = echo_carriers,
        .direction = echo_direction,
};

const struct pkt_proto pkt_proto_icmp_tstamp = {
        .name = "tstamp",
        .summary = "ICMP timestamp and timestamp reply: identifier, sequence and three times (RFC 792)",
        .id = PKT_PROTO_ICMP_TSTAMP,
        .min_hdr_len = ICMP_TSTAMP_BODY_LEN,
        .fields = tstamp_fields,
        .n_fields = ARRAY_SIZE(tstamp_fields),
        .carriers = tstamp_carriers,
        .direction = echo_direction,
};

const struct pkt_proto pkt_proto_icmp_mask = {
        .name = "addrmask",
        .summary = "ICMP address mask request and reply: identifier, sequence and the mask (RFC 950)",
        .id = PKT_PROTO_ICMP_MASK,
        .min_hdr_len = ICMP_MASK_BODY_LEN,
        .fields = mask_fields,
        .n_fields = ARRAY_SIZE(mask_fields),
        .carriers = mask_carriers,
        .direction = echo_direction,
};

/* Error bodies: the quoted datagram follows, usually cut short: truncated, never malformed. */
const struct pkt_proto pkt_proto_icmp_unreach = {
        .name = "unreach",
        .summary = "ICMP destination unreachable, quoting the datagram (RFC 792, RFC 1191)",
        .id = PKT_PROTO_ICMP_UNREACH,
        .flags = PKT_P_QUOTES,
        .min_hdr_len = ICMP_BODY_LEN,
        .fields = unreach_fields,
        .n_fields = ARRAY_SIZE(unreach_fields),
        .carriers = unreach_carriers,
        .dissect = error_dissect,
};

const struct pkt_proto pkt_proto_icmp_redirect = {
        .name = "redirect",
        .summary = "ICMP redirect, quoting the datagram (RFC 792)",
        .id = PKT_PROTO_ICMP_REDIRECT,
        .flags = PKT_P_QUOTES,
        .min_hdr_len = ICMP_BODY_LEN,
        .fields = redirect_fields,
        .n_fields = ARRAY_SIZE(redirect_fields),
        .carriers = redirect_carriers,
        .dissect = error_dissect,
};

const struct pkt_proto pkt_proto_icmp_timeexceed = {
        .name = "timeexceed",
        .summary = "ICMP time exceeded, quoting the datagram (RFC 792)",
        .id = PKT_PROTO_ICMP_TIMEEXCEED,
        .flags = PKT_P_QUOTES,
        .min_hdr_len = ICMP_BODY_LEN,
        .fields = timeexceed_fields,
        .n_fields = ARRAY_SIZE(timeexceed_fields),
        .carriers = timeexceed_carriers,
        .dissect = error_dissect,
};

const struct pkt_proto pkt_proto_icmp_paramprob = {
        .name = "paramprob",
        .summary = "ICMP parameter problem, quoting the datagram (RFC 792)",
        .id = PKT_PROTO_ICMP_PARAMPROB,
        .flags = PKT_P_QUOTES,
        .min_hdr_len = ICMP_BODY_LEN,
        .fields = paramprob_fields,
        .n_fields = ARRAY_SIZE(paramprob_fields),
        .carriers = paramprob_carriers,
        .dissect = error_dissect,
};
