/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTP fixed header (RFC 3550 5.1; header extension 5.3.1).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           timestamp                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           synchronization source (SSRC) identifier            |
 *  +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *  |            contributing source (CSRC) identifiers (CC)        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  defined by profile (X)       |           length (words)      |
 *  |                        header extension                       |
 *
 * pypacker's names; the CSRC list ("csrc") and the extension ("ext", at most one) are element sets.
 * With P set, the last payload byte counts the padding, which is not payload (RFC 3550 5.1).
 *
 * RTP has no port of its own (RFC 3550 11: the session says which). 5004 is the default of the
 * RTP/AVP profile (RFC 3551 8); for any other port register it:
 *     pkt_key_register(PKT_KEY_UDP_PORT, 16384, PKT_PROTO_RTP);
 * tshark finds RTP by the SIP/SDP setup or a heuristic instead; our registry does not guess.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"

#define RTP_HDR_LEN 12
#define RTP_PORT 5004

/* clang-format off */
static const struct pkt_field rtp_fields[] = {
        { .name = "type",    .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x8000 },
        { .name = "version", .off = 0,  .bits = 2,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "p",       .off = 2,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "x",       .off = 3,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "cc",      .off = 4,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "m",       .off = 8,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "pt",      .off = 9,  .bits = 7,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "seq",     .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "ts",      .off = 32, .bits = 32, .type = PKT_FT_UINT },
        { .name = "ssrc",    .off = 64, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_field csrc_fields[] = {
        { .name = "csrc", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_field ext_fields[] = {
        { .name = "profile", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "len",     .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "data",    .off = 32, .bits = 0,  .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_TYPE, F_VERSION, F_P, F_X, F_CC };
enum { SET_CSRC, SET_EXT };

static unsigned
csrc_count(const struct pkt_view *v)
{
        return v->b[0] & 0x0f;
}

static bool
has_ext(const struct pkt_view *v)
{
        return v->b[0] & 0x10;
}

static int
rtp_csrc_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = RTP_HDR_LEN + 4 * e->count;

        if (e->count >= csrc_count(v) || pos >= v->caplen)
                return 0;
        e->off = pos;
        e->len = MIN(4u, v->caplen - pos);
        if (e->len < 4)
                e->flags |= pos + 4 <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
        return 1;
}

static int
rtp_ext_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = RTP_HDR_LEN + 4 * csrc_count(v);
        uint16_t words;

        if (e->count > 0 || !has_ext(v) || pos >= v->caplen)
                return 0;
        e->off = pos;
        e->len = v->caplen - pos;
        if (!pkt_rd_be16(v, pos + 2, &words)) {
                e->flags |= pos + 4 <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        uint32_t len = 4 + 4u * words;
        if (len > v->caplen - pos) {
                e->flags |= len <= v->wire_len - pos ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        e->len = len;
        return 1;
}

static const struct pkt_elem_set rtp_elems[] = {
        [SET_CSRC] = { .name = "csrc", .elem_name = "csrc", .next = rtp_csrc_next, .fields = csrc_fields,
                       .n_fields = ARRAY_SIZE(csrc_fields) },
        [SET_EXT] = { .name = "ext", .elem_name = "ext", .next = rtp_ext_next, .fields = ext_fields,
                      .n_fields = ARRAY_SIZE(ext_fields) },
};

static void
rtp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t hdr = RTP_HDR_LEN + 4 * csrc_count(v);
        uint16_t words;
        uint8_t pad;

        if (has_ext(v)) {
                if (!pkt_rd_be16(v, hdr + 2, &words)) {
                        d->hdr_len = hdr + 4; /* cut inside the extension header */
                        return;
                }
                hdr += 4 + 4u * words;
        }
        d->hdr_len = hdr;
        /* RFC 3550 5.1: the padding count is the datagram's last byte and counts itself. */
        if ((v->b[0] & 0x20) && v->caplen == v->wire_len && v->caplen > hdr) {
                pad = v->b[v->caplen - 1];
                if (pad == 0 || pad > v->caplen - hdr)
                        d->flags |= PKT_LAYER_MALFORMED;
                else
                        d->payload_len = v->caplen - hdr - pad;
        }
}

/* The extension length and the CSRC count follow what the elements hold. */
static int
rtp_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        const uint8_t *h = p->data + p->layers[idx].off;

        if (set == SET_CSRC) {
                if ((h[0] & 0x0f) == 15)
                        return -ERANGE;
                return pkt_auto_set(p, idx, F_CC, (h[0] & 0x0f) + 1u);
        }
        return pkt_auto_set(p, idx, F_X, 1);
}

static int
rtp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
               size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[4];
        char name[16];
        uint64_t u;
        int n, r;
        size_t len;

        n = pkt_spec_split(text, name, sizeof(name), args, ARRAY_SIZE(args));
        if (n < 0)
                return n;
        if (set == SET_CSRC) {
                /* CSRCs go before the extension. */
                *ret_at = RTP_HDR_LEN + 4 * csrc_count(v);
                if (n != 1 || (args[0].key[0] && strcmp(args[0].key, "csrc") != 0) || *ret_at > hdr_len)
                        return -EINVAL;
                return pkt_spec_value(&csrc_fields[0], args[0].value, &u, out, size);
        }
        if (has_ext(v))
                return -EINVAL; /* RFC 3550 5.3.1: one extension at most */
        *ret_at = hdr_len;
        if (size < 4)
                return -EMSGSIZE;
        memset(out, 0, 4);
        len = 4;
        for (int i = 0; i < n; i++) {
                const struct pkt_field *f = NULL;
                for (unsigned j = 0; j < ARRAY_SIZE(ext_fields); j++)
                        if (args[i].key[0] ? strcmp(ext_fields[j].name, args[i].key) == 0 : (int)j == i)
                                f = &ext_fields[j];
                if (!f || f == &ext_fields[1])
                        return -ENOENT;
                if ((r = pkt_spec_value(f, args[i].value, &u, out + f->off / 8, size - f->off / 8)) < 0)
                        return r;
                len = MAX(len, f->off / 8 + (size_t)r);
        }
        /* The data fills whole 32-bit words; the length counts them. */
        size_t padded = (len + 3) & ~(size_t)3;
        if (padded > size || (padded - 4) / 4 > UINT16_MAX)
                return -EMSGSIZE;
        memset(out + len, 0, padded - len);
        out[2] = (uint8_t)((padded - 4) / 4 >> 8);
        out[3] = (uint8_t)((padded - 4) / 4);
        return (int)padded;
}

static const struct pkt_key rtp_carriers[] = {
        { PKT_KEY_UDP_PORT, RTP_PORT },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_rtp = {
        .name = "rtp",
        .summary = "Real-time Transport Protocol (RFC 3550)",
        .id = PKT_PROTO_RTP,
        .min_hdr_len = RTP_HDR_LEN,
        .fields = rtp_fields,
        .n_fields = ARRAY_SIZE(rtp_fields),
        .elems = rtp_elems,
        .n_elems = ARRAY_SIZE(rtp_elems),
        .carriers = rtp_carriers,
        .dissect = rtp_dissect,
        .elem_build = rtp_elem_build,
        .elem_added = rtp_elem_added,
};
