/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP encapsulation of IPsec (RFC 3948), on UDP port 4500, where IPsec peers behind a NAT send both
 * IKE and ESP. What follows the UDP header tells which (RFC 3948 2.2, 2.3):
 *
 *   00 00 00 00   the non-ESP marker: an IKE message follows     udpencap (4 bytes) / isakmp
 *   ff            a NAT-keepalive, alone in its datagram          udpencap (1 byte)
 *   anything else an ESP packet (an SPI is never 0)               udpencap (no bytes) / esp
 *
 * So the layer's one field, `marker`, is as long as its header: four zero bytes, the keepalive's
 * byte, or nothing. Built, it is the non-ESP marker unless set otherwise.
 */
#include "internal.h"

enum {
        UDPENCAP_PORT = 4500,
        MARKER_LEN = 4,
        KEEPALIVE = 0xff,
};

static const struct pkt_field udpencap_fields[] = {
        { .name = "marker", .off = 0, .type = PKT_FT_BYTES },
};

/* The marker decides; a datagram too short to hold one is a marker the capture cut, or (with fewer
 * bytes on the wire too) malformed. */
static void
udpencap_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        if (v->wire_len == 1 && v->caplen == 1 && v->b[0] == KEEPALIVE) {
                d->hdr_len = 1;
                d->payload_len = 0;
                return;
        }
        if (v->caplen < MARKER_LEN) {
                d->hdr_len = MARKER_LEN;
                if (v->wire_len < MARKER_LEN)
                        d->flags |= PKT_LAYER_MALFORMED;
                return;
        }
        if (pkt_load_be32(v->b) == 0) {
                d->hdr_len = MARKER_LEN;
                d->next = PKT_PROTO_ISAKMP;
        } else {
                d->hdr_len = 0;
                d->next = PKT_PROTO_ESP;
        }
}

static const struct pkt_key udpencap_carriers[] = {
        { PKT_KEY_UDP_PORT, UDPENCAP_PORT },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_udpencap = {
        .name = "udpencap",
        .summary = "UDP encapsulation of IPsec: IKE after a non-ESP marker, or ESP (RFC 3948)",
        .id = PKT_PROTO_UDPENCAP,
        .min_hdr_len = 0, /* ESP follows without a marker */
        .def_hdr_len = MARKER_LEN,
        .fields = udpencap_fields,
        .n_fields = ARRAY_SIZE(udpencap_fields),
        .carriers = udpencap_carriers,
        .dissect = udpencap_dissect,
};
