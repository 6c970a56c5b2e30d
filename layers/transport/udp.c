/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP (RFC 768; IPv6 pseudo-header RFC 8200 8.1).
 *
 *   0      7 8     15 16    23 24    31
 *  +--------+--------+--------+--------+
 *  |     Source      |   Destination   |
 *  |      Port       |      Port       |
 *  +--------+--------+--------+--------+
 *  |     Length      |    Checksum     |
 *  +--------+--------+--------+--------+
 *
 * The next layer is chosen by the lower port first, then the higher, as tshark does: servers
 * usually sit on the well-known (lower) port.
 */
#include <string.h>

#include "internal.h"

#define UDP_HDR_LEN 8
#define IP_PROTO_UDP 17

/* clang-format off */
static const struct pkt_field udp_fields[] = {
        { .name = "sport", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .def = 0xdead },
        { .name = "dport", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO }, /* while 0: pkt_auto_set_port() */
        { .name = "ulen",  .off = 32, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = UDP_HDR_LEN },
        { .name = "sum",   .off = 48, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
};
/* clang-format on */

enum { F_SPORT, F_DPORT, F_ULEN, F_SUM };

static void
udp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const uint8_t *h = v->b;
        uint16_t ulen = (uint16_t)(h[4] << 8 | h[5]);

        if (ulen < UDP_HDR_LEN) {
                /* RFC 768 counts the header in the length; less is a lie. Jumbograms (RFC 2675) say 0. */
                if (ulen != 0)
                        d->flags |= PKT_LAYER_MALFORMED;
        } else {
                d->payload_len = ulen - UDP_HDR_LEN;
                if (ulen > v->wire_len)
                        d->flags |= PKT_LAYER_MALFORMED;
        }
        d->next = (uint16_t)pkt_port_lookup(PKT_KEY_UDP_PORT, (uint16_t)(h[0] << 8 | h[1]),
                                            (uint16_t)(h[2] << 8 | h[3]));
}

static int
udp_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint8_t *h = pkt_layer_bytes_mut(p, idx);
        uint32_t sum;
        int r;

        if ((r = pkt_auto_set(p, idx, F_ULEN, l->wire_len > 0xffff ? 0 : l->wire_len)) < 0 ||
            (r = pkt_auto_set_dport(p, idx, F_DPORT, PKT_KEY_UDP_PORT)) < 0)
                return r;
        if (l->set_mask & (UINT64_C(1) << F_SUM))
                return 0;
        if (pkt_csum_pseudo(p, idx, IP_PROTO_UDP, l->len, &sum) < 0)
                return 0; /* no IP below: nothing to sum against */
        h[6] = h[7] = 0;
        uint16_t c = pkt_csum_fold(pkt_csum_add(sum, h, l->len));
        if (c == 0)
                c = 0xffff; /* RFC 768: a computed 0 is sent as all ones; 0 means "no checksum" */
        h[6] = (uint8_t)(c >> 8);
        h[7] = (uint8_t)c;
        return 0;
}

static unsigned
udp_direction(const struct pkt_view *a, const struct pkt_view *b)
{
        unsigned dir = PKT_DIR_UNKNOWN;

        if (memcmp(a->b, b->b, 4) == 0)
                dir |= PKT_DIR_SAME;
        if (memcmp(a->b, b->b + 2, 2) == 0 && memcmp(a->b + 2, b->b, 2) == 0)
                dir |= PKT_DIR_REV;
        return dir;
}

void
pkt_swap_ports(uint8_t *h, size_t len)
{
        uint8_t tmp[2];

        (void)len;
        memcpy(tmp, h, 2);
        memcpy(h, h + 2, 2);
        memcpy(h + 2, tmp, 2);
}

static bool
udp_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const uint8_t *q = req->data + req->layers[ri].off, *a = rep->data + rep->layers[pi].off;

        return memcmp(a, q + 2, 2) == 0 && memcmp(a + 2, q, 2) == 0;
}

static const struct pkt_key udp_carriers[] = {
        { PKT_KEY_IP_PROTO, IP_PROTO_UDP },
        PKT_KEY_END,
};

/* A length from 8 up to the frame's. */
#define UDP_FAST                                                                                        \
        { .key = PKT_FAST_PORTS, .key_space = PKT_KEY_UDP_PORT, .key_off = 0,                           \
          .flags = PKT_FAST_LEN | PKT_FAST_LEN_HDR, .len_off = 4 }
PKT_FAST_STEP(udp_fast_step, UDP_HDR_LEN, UDP_FAST)

const struct pkt_proto pkt_proto_udp = {
        .name = "udp",
        .summary = "User Datagram Protocol (RFC 768)",
        .id = PKT_PROTO_UDP,
        .flags = PKT_P_CSUM_PAYLOAD | PKT_P_CSUM_PSEUDO,
        .min_hdr_len = UDP_HDR_LEN,
        .fields = udp_fields,
        .n_fields = ARRAY_SIZE(udp_fields),
        .carriers = udp_carriers,
        .dissect = udp_dissect,
        .fast = UDP_FAST,
        .fast_step = udp_fast_step,
        .update = udp_update,
        .direction = udp_direction,
        .reverse = pkt_swap_ports,
        .answers = udp_answers,
};
