/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cisco Dynamic Trunking Protocol: a version byte and TLVs, in SNAP frames with Cisco's OUI
 * (00:00:0c) and PID 0x2004 (no RFC; the layout is the one Wireshark and tcpdump decode).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    version    |           TLV type            |  TLV length   ~
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  ~  (length)     |  value (length - 4 bytes) ...                 ~
 *
 * The TLV length counts its 4-byte type and length. Names are pypacker's: the layer's "v" and its
 * "tvs", each with "t", "len" and the value. TLVs run to the end of the frame and are header.
 */
#include "internal.h"
#include "tlv16.h"

#define DTP_HDR_LEN 1

/* clang-format off */
static const struct pkt_name dtp_tlv_names[] = {
        { 1, "domain" }, { 2, "status" }, { 3, "dtptype" }, { 4, "neighbor" }, { 0, NULL },
};

static const struct pkt_field dtp_fields[] = {
        { .name = "v", .off = 0, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = 1 },
};

static const struct pkt_field dtp_tv_fields[] = {
        { .name = "t",     .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = dtp_tlv_names },
        { .name = "len",   .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "value", .off = 32, .bits = 0,  .type = PKT_FT_BYTES },
};
/* clang-format on */

static int
dtp_tvs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return pkt_tlv16_next(v, DTP_HDR_LEN, v->wire_len, true, e);
}

static const struct pkt_elem_set dtp_elems[] = {
        { .name = "tvs", .elem_name = "tv", .next = dtp_tvs_next, .fields = dtp_tv_fields,
          .n_fields = ARRAY_SIZE(dtp_tv_fields) },
};

/* The TLVs are header; one whose length contradicts the frame makes the layer malformed. */
static void
dtp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        d->flags |= pkt_elems_damage(v, dtp_tvs_next);
}

static int
dtp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
               size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return pkt_tlv16_build(dtp_tlv_names, true, text, out, size);
}

static const struct pkt_key dtp_carriers[] = {
        { PKT_KEY_SNAP, 0x000c2004 }, /* Cisco OUI 00:00:0c, PID 0x2004 */
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_dtp = {
        .name = "dtp",
        .summary = "Cisco Dynamic Trunking Protocol",
        .id = PKT_PROTO_DTP,
        .min_hdr_len = DTP_HDR_LEN,
        .fields = dtp_fields,
        .n_fields = ARRAY_SIZE(dtp_fields),
        .elems = dtp_elems,
        .n_elems = ARRAY_SIZE(dtp_elems),
        .carriers = dtp_carriers,
        .dissect = dtp_dissect,
        .elem_build = dtp_elem_build,
};
