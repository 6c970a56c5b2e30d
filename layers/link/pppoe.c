/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP over Ethernet (RFC 2516): the discovery stage (ethertype 0x8863) and the session stage (0x8864).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  VER  | TYPE  |      CODE     |          SESSION_ID           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            LENGTH             |           payload             ~
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  Discovery payload: tags (RFC 2516 A), to LENGTH:
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          TAG_TYPE             |        TAG_LENGTH             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          TAG_VALUE ...
 *
 * Field names are pypacker's (v_type, code, session, len). Session packets (code 0, RFC 2516 6) carry
 * PPP for LENGTH bytes; what follows is link padding. Discovery packets (PADI, PADO, PADR, PADS,
 * PADT: non-zero codes, RFC 2516 5) carry tags, which are part of the header ("tags").
 */
#include "internal.h"
#include "tlv16.h"

#define PPPOE_HDR_LEN       6
#define PPPOE_CODE_SESSION  0x00
#define ETHERTYPE_PPPOE_DISC 0x8863

/* clang-format off */
static const struct pkt_name pppoe_code_names[] = {
        { 0x00, "SESSION" }, { 0x07, "PADO" }, { 0x09, "PADI" }, { 0x19, "PADR" }, { 0x65, "PADS" },
        { 0xa7, "PADT" }, { 0, NULL },
};

/* RFC 2516 A and RFC 4638 (PPP-Max-Payload); element builders take these names. */
static const struct pkt_name pppoe_tag_names[] = {
        { 0x0000, "eol" }, { 0x0101, "service_name" }, { 0x0102, "ac_name" }, { 0x0103, "host_uniq" },
        { 0x0104, "ac_cookie" }, { 0x0105, "vendor_specific" }, { 0x0110, "relay_session_id" },
        { 0x0120, "ppp_max_payload" }, { 0x0201, "service_name_error" }, { 0x0202, "ac_system_error" },
        { 0x0203, "generic_error" }, { 0, NULL },
};

static const struct pkt_field pppoe_fields[] = {
        { .name = "v_type",  .off = 0,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x11 },
        { .name = "v",       .off = 0,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "type",    .off = 4,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "code",    .off = 8,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = pppoe_code_names },
        { .name = "session", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "len",     .off = 32, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};

static const struct pkt_field pppoe_tag_fields[] = {
        { .name = "type",  .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = pppoe_tag_names },
        { .name = "len",   .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "value", .off = 32, .bits = 0,  .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_V_TYPE, F_V, F_TYPE, F_CODE, F_SESSION, F_LEN };

static uint32_t
pppoe_len(const uint8_t *h)
{
        return (uint32_t)(h[4] << 8 | h[5]);
}

static int
pppoe_tags_next(const struct pkt_view *v, struct pkt_elem *e)
{
        if (v->b[1] == PPPOE_CODE_SESSION)
                return 0;
        return pkt_tlv16_next(v, PPPOE_HDR_LEN, PPPOE_HDR_LEN + pppoe_len(v->b), false, e);
}

static const struct pkt_elem_set pppoe_elems[] = {
        { .name = "tags", .elem_name = "tag", .next = pppoe_tags_next, .fields = pppoe_tag_fields,
          .n_fields = ARRAY_SIZE(pppoe_tag_fields) },
};

static void
pppoe_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = pppoe_len(v->b);

        if (len > v->wire_len - PPPOE_HDR_LEN)
                d->flags |= PKT_LAYER_MALFORMED; /* claims more than the frame carried */
        if (v->b[1] != PPPOE_CODE_SESSION) {
                /* Tags are header; a LENGTH past the frame makes the engine flag the layer. What
                 * follows them is the link's padding (a PADI is 24 bytes of a 60-byte frame). */
                d->hdr_len = PPPOE_HDR_LEN + len;
                d->payload_len = 0;
                d->flags |= PKT_DISSECT_ENDS_HERE;
                return;
        }
        d->hdr_len = PPPOE_HDR_LEN;
        d->payload_len = len;
        d->next = PKT_PROTO_PPP;
}

/* A discovery packet needs ethertype 0x8863 below it, which the layer below cannot tell from our
 * carriers (session, the common case, comes first): set it there unless the user did. */
static int
pppoe_set_lower_type(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *lo;
        int k;

        if (idx == 0)
                return 0;
        lo = &p->layers[idx - 1];
        k = pkt_field_index(lo->proto, "type");
        if (k < 0 || (k < 64 && (lo->set_mask & (UINT64_C(1) << k))))
                return 0;
        if (lo->proto != PKT_PROTO_ETHERNET && lo->proto != PKT_PROTO_DOT1Q && lo->proto != PKT_PROTO_LINUXCC)
                return 0;
        /* Set as if by the user, so that the lower layer's own update (next) keeps it. */
        return pkt_field_set_u64(p, idx - 1, "type", ETHERTYPE_PPPOE_DISC);
}

static int
pppoe_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *h = p->data + l->off;
        uint32_t len;
        int r;

        if (!pkt_is_rebuilt(p))
                return 0;
        if (h[1] != PPPOE_CODE_SESSION) {
                len = l->hdr_len - PPPOE_HDR_LEN;
                if ((r = pppoe_set_lower_type(p, idx)) < 0)
                        return r;
        } else if (idx + 1u < p->n_layers) {
                /* The layer above ends where LENGTH says: link padding after it is not payload. */
                len = p->layers[idx + 1].wire_len;
        } else {
                len = l->wire_len - l->hdr_len;
        }
        return pkt_auto_set(p, idx, F_LEN, MIN(len, 0xffffu));
}

static int
pppoe_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                 size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return pkt_tlv16_build(pppoe_tag_names, false, text, out, size);
}

static const struct pkt_key pppoe_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x8864 }, /* session: first, so a built stack under PPP gets it */
        { PKT_KEY_ETHERTYPE, ETHERTYPE_PPPOE_DISC },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_pppoe = {
        .name = "pppoe",
        .summary = "PPP over Ethernet, discovery and session (RFC 2516)",
        .id = PKT_PROTO_PPPOE,
        .min_hdr_len = PPPOE_HDR_LEN,
        .fields = pppoe_fields,
        .n_fields = ARRAY_SIZE(pppoe_fields),
        .elems = pppoe_elems,
        .n_elems = ARRAY_SIZE(pppoe_elems),
        .carriers = pppoe_carriers,
        .dissect = pppoe_dissect,
        .update = pppoe_update,
        .elem_build = pppoe_elem_build,
};
