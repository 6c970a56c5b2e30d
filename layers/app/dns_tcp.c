/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DNS over TCP: the two-byte length that RFC 1035 4.2.2 puts before each message on a stream
 * (RFC 7766 8). A layer of its own ("dnstcp"), as ONC RPC's record mark is ("rpcrm"), so that the
 * DNS layer above it is the same message, with the same field offsets, as over UDP.
 *
 *   0                   1
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        message length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   DNS message (RFC 1035 4.1)  |
 *
 * A message longer than the segment goes on in the next one (no reassembly): the DNS layer then holds
 * what this segment has, as tshark without desegmentation shows it. Bytes after the message (a second
 * message in the same segment) stay in the TCP layer's payload.
 */
#include "internal.h"

#define DNSTCP_HDR_LEN 2

/* clang-format off */
static const struct pkt_field dnstcp_fields[] = {
        { .name = "len", .off = 0, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};
/* clang-format on */

enum { F_LEN };

static void
dnstcp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = (uint32_t)(v->b[0] << 8 | v->b[1]);

        d->hdr_len = DNSTCP_HDR_LEN;
        /* A message that goes on in later segments: what this one lacks is not a contradiction. */
        d->payload_len = len <= v->wire_len - DNSTCP_HDR_LEN ? len : PKT_LEN_REST;
        d->next = len > 0 ? PKT_PROTO_DNS : PKT_PROTO_NONE;
}

static int
dnstcp_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        return pkt_auto_set(p, idx, F_LEN, MIN(l->wire_len - DNSTCP_HDR_LEN, 0xffffu));
}

static const struct pkt_key dnstcp_carriers[] = {
        { PKT_KEY_TCP_PORT, 53 },
        { PKT_KEY_TCP_PORT, 5353 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_dnstcp = {
        .name = "dnstcp",
        .summary = "DNS message length over TCP (RFC 1035 4.2.2, RFC 7766)",
        .id = PKT_PROTO_DNSTCP,
        .min_hdr_len = DNSTCP_HDR_LEN,
        .fields = dnstcp_fields,
        .n_fields = ARRAY_SIZE(dnstcp_fields),
        .carriers = dnstcp_carriers,
        .dissect = dnstcp_dissect,
        .update = dnstcp_update,
};
