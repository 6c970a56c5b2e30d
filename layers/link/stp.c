/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spanning tree BPDUs: STP (IEEE 802.1D-2004 9.3), RSTP (version 2) and MSTP (IEEE 802.1Q-2014 14.6,
 * version 3; SPB's version 4 adds a tail after it). Carried by LLC SAP 0x42, and by SNAP with
 * Cisco's OUI and PID 0x010b (PVST+).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |       protocol id (0)         |    version    |   BPDU type   |   TCN: these 4 bytes
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     flags     |  root id: priority (4) + ext (12), MAC (6)    ~
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  ~               |                root path cost                 ~
 *  ~               |  bridge id (8)                                ~
 *  ~               |  port id (2)  |  message age  |    max age    ~
 *  ~  hello time   | forward delay |                                  config: 35 bytes
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | v1 length (0) |  v3 length    |  MST config id (51), CIST cost, bridge id, hops: RSTP 36, MSTP
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  38 + v3 length bytes, then MSTI messages of 16 bytes each
 *
 * Field names are pypacker's (proto_id, v, type, flags, root_id, root_path, bridge_id, port_id, age,
 * max_age, hello, fd). Times are in 1/256 s, as on the wire (tshark shows seconds). The priority,
 * system id extension and MAC of the root and bridge ids are parts of them (root_prio ...).
 */
#include <string.h>

#include "internal.h"

#define STP_TCN_LEN       4
#define STP_CONFIG_LEN    35
#define RSTP_LEN          36
#define MSTP_FIXED_LEN    38 /* up to and with the version 3 length */
#define MSTP_CIST_END     102
#define MSTI_LEN          16
#define STP_TYPE_CONFIG   0x00
#define STP_TYPE_RST      0x02
#define STP_TYPE_TCN      0x80
#define STP_V_MSTP        3
#define STP_V_SPT         4

/* clang-format off */
static const struct pkt_name stp_type_names[] = {
        { STP_TYPE_CONFIG, "CONFIG" }, { STP_TYPE_RST, "RST" }, { STP_TYPE_TCN, "TCN" }, { 0, NULL },
};

/* IEEE 802.1D-2004 9.3.3; the port role is two bits (0x0c: designated, 0x08 root, 0x04 alternate). */
static const struct pkt_name stp_flag_names[] = {
        { 0x80, "TCACK" }, { 0x40, "AGREEMENT" }, { 0x20, "FORWARDING" }, { 0x10, "LEARNING" },
        { 0x0c, "DESIGNATED" }, { 0x08, "ROOT" }, { 0x04, "ALTERNATE" }, { 0x02, "PROPOSAL" },
        { 0x01, "TC" }, { 0, NULL },
};

static const struct pkt_field stp_fields[] = {
        { .name = "proto_id",    .off = 0,   .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "v",           .off = 16,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "type",        .off = 24,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = stp_type_names },
        { .name = "flags",       .off = 32,  .bits = 8,  .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX, .names = stp_flag_names },
        { .name = "root_id",     .off = 40,  .bits = 64, .type = PKT_FT_BYTES, .flags = PKT_FF_COMBINED },
        { .name = "root_prio",   .off = 40,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "root_ext",    .off = 44,  .bits = 12, .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "root_mac",    .off = 56,  .bits = 48, .type = PKT_FT_MAC, .flags = PKT_FF_PART },
        { .name = "root_path",   .off = 104, .bits = 32, .type = PKT_FT_UINT },
        { .name = "bridge_id",   .off = 136, .bits = 64, .type = PKT_FT_BYTES, .flags = PKT_FF_COMBINED },
        { .name = "bridge_prio", .off = 136, .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "bridge_ext",  .off = 140, .bits = 12, .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "bridge_mac",  .off = 152, .bits = 48, .type = PKT_FT_MAC, .flags = PKT_FF_PART },
        { .name = "port_id",     .off = 200, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "age",         .off = 216, .bits = 16, .type = PKT_FT_UINT, .def = 1 * 256 },
        { .name = "max_age",     .off = 232, .bits = 16, .type = PKT_FT_UINT, .def = 20 * 256 },
        { .name = "hello",       .off = 248, .bits = 16, .type = PKT_FT_UINT, .def = 2 * 256 },
        { .name = "fd",          .off = 264, .bits = 16, .type = PKT_FT_UINT, .def = 15 * 256 },
        /* RSTP and MSTP */
        { .name = "v1_len",      .off = 280, .bits = 8,  .type = PKT_FT_UINT },
        /* MSTP: the CIST part (IEEE 802.1Q-2014 14.6.1) */
        { .name = "v3_len",      .off = 288, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "cfg_format",  .off = 304, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "cfg_name",    .off = 312, .bits = 256, .type = PKT_FT_STRING },
        { .name = "cfg_rev",     .off = 568, .bits = 16, .type = PKT_FT_UINT },
        { .name = "cfg_digest",  .off = 584, .bits = 128, .type = PKT_FT_BYTES },
        { .name = "cist_path",   .off = 712, .bits = 32, .type = PKT_FT_UINT },
        { .name = "cist_bridge_id", .off = 744, .bits = 64, .type = PKT_FT_BYTES },
        { .name = "cist_hops",   .off = 808, .bits = 8,  .type = PKT_FT_UINT },
};

/* One MSTI configuration message (IEEE 802.1Q-2014 14.6.1). */
static const struct pkt_field msti_fields[] = {
        { .name = "flags",       .off = 0,   .bits = 8,  .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX, .names = stp_flag_names },
        { .name = "root_id",     .off = 8,   .bits = 64, .type = PKT_FT_BYTES },
        { .name = "root_path",   .off = 72,  .bits = 32, .type = PKT_FT_UINT },
        { .name = "bridge_prio", .off = 104, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "port_prio",   .off = 112, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "hops",        .off = 120, .bits = 8,  .type = PKT_FT_UINT },
};
/* clang-format on */

enum { F_V3_LEN = 19 };

/* Bytes of the MSTP part after the version 3 length, or 0 when not an MST BPDU. */
static uint32_t
mstp_v3_len(const struct pkt_view *v)
{
        uint16_t len = 0;

        if (v->b[3] != STP_TYPE_RST || v->b[2] < STP_V_MSTP)
                return 0;
        (void)pkt_rd_be16(v, RSTP_LEN, &len);
        return len;
}

static uint32_t
stp_hdr_len(const struct pkt_view *v)
{
        uint16_t v4_len;
        uint32_t len;

        switch (v->b[3]) {
        case STP_TYPE_CONFIG:
                return STP_CONFIG_LEN;
        case STP_TYPE_RST:
                if (v->b[2] < STP_V_MSTP)
                        return RSTP_LEN;
                len = MSTP_FIXED_LEN + mstp_v3_len(v);
                /* SPB (IEEE 802.1aq 13.14): a version 4 length and its data follow the MSTIs. */
                if (v->b[2] >= STP_V_SPT)
                        len += 2u + (pkt_rd_be16(v, len, &v4_len) ? v4_len : 0u);
                return len;
        default:
                return STP_TCN_LEN;
        }
}

static int
msti_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t end = MSTP_FIXED_LEN + mstp_v3_len(v), pos = e->count == 0 ? MSTP_CIST_END : e->next;

        if (pos + MSTI_LEN > end || pos >= v->caplen)
                return 0;
        e->off = pos;
        e->len = MIN((uint32_t)MSTI_LEN, v->caplen - pos);
        e->next = pos + MSTI_LEN;
        if (e->len < MSTI_LEN) {
                e->flags |= pos + MSTI_LEN <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                e->next = end;
        }
        return 1;
}

/* SPB's version 4 part (IEEE 802.1Q-2014 14.6.2): its length and what it holds (the agreement
 * digest and the rest), after the MSTIs, as bytes. */
static const struct pkt_field spb_fields[] = {
        { .name = "v4_len", .off = 0, .bits = 16, .type = PKT_FT_UINT },
        { .name = "data", .off = 16, .bits = 0, .type = PKT_FT_BYTES },
};

static int
spb_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = MSTP_FIXED_LEN + mstp_v3_len(v);
        uint16_t v4_len;

        if (e->count > 0 || v->b[2] < STP_V_SPT || v->b[3] != STP_TYPE_RST || !pkt_rd_be16(v, pos, &v4_len))
                return 0;
        e->off = pos;
        e->len = MIN(2u + v4_len, v->caplen - pos);
        e->next = pos + e->len;
        if (e->len < 2u + v4_len)
                e->flags |= pos + 2u + v4_len <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
        return 1;
}

enum { STP_MSTIS, STP_SPB };

static const struct pkt_elem_set stp_elems[] = {
        [STP_MSTIS] = { .name = "mstis", .elem_name = "msti", .next = msti_next, .fields = msti_fields,
                        .n_fields = ARRAY_SIZE(msti_fields) },
        [STP_SPB] = { .name = "spb", .elem_name = "spb", .next = spb_next, .fields = spb_fields,
                      .n_fields = ARRAY_SIZE(spb_fields) },
};

static void
stp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = stp_hdr_len(v);
        /* IEEE 802.1Q-2014 14.6: the CIST part is 64 bytes, so a shorter version 3 length lies. */
        if (v->b[3] == STP_TYPE_RST && v->b[2] >= STP_V_MSTP && d->hdr_len <= v->caplen &&
            mstp_v3_len(v) < MSTP_CIST_END - MSTP_FIXED_LEN)
                d->flags |= PKT_LAYER_MALFORMED;
}

/* A built BPDU has what its type and version say. Pushed with the configuration BPDU's 35 bytes, an
 * RST BPDU grows to the version 1 length (RSTP) and the CIST part too (MSTP); a topology change
 * notification is its first 4. (Not a capture cut short: it keeps what it has.) */
static int
stp_resize(struct pkt *p, unsigned idx)
{
        static const uint8_t zeros[MSTP_CIST_END];
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *h = p->data + l->off;

        if (!(p->flags & PKT_F_OWNED) || p->len < p->wire_len || l->hdr_len < STP_TCN_LEN)
                return 0;
        if (h[3] == STP_TYPE_TCN && l->hdr_len == STP_CONFIG_LEN)
                return pkt_layer_splice(p, idx, STP_TCN_LEN, STP_CONFIG_LEN - STP_TCN_LEN, NULL, 0);
        if (h[3] != STP_TYPE_RST)
                return 0;
        /* Only from the pushed size or RSTP's: a longer one was given as it is (a lying version 3
         * length read back from JSON). */
        uint32_t want = h[2] >= STP_V_MSTP ? MSTP_CIST_END : RSTP_LEN;
        if (l->hdr_len > RSTP_LEN || l->hdr_len >= want)
                return 0;
        return pkt_layer_splice(p, idx, l->hdr_len, 0, zeros, want - l->hdr_len);
}

/* MSTP: the version 3 length covers the CIST part and the MSTI messages. */
static int
stp_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        int r = stp_resize(p, idx);

        if (r < 0)
                return r;
        const uint8_t *h = p->data + l->off;
        if (!pkt_is_rebuilt(p) || h[3] != STP_TYPE_RST || h[2] != STP_V_MSTP ||
            l->hdr_len < MSTP_FIXED_LEN)
                return 0;
        return pkt_auto_set(p, idx, F_V3_LEN, MIN(l->hdr_len - MSTP_FIXED_LEN, 0xffffu));
}

/* An MSTI configuration message, "msti(flags=..., root_id=..., root_path=..., bridge_prio=...,
 * port_prio=..., hops=...)", after the last one, or SPB's part, "spb(data=...)" (its length the
 * data's unless given; the version 3 length is then the user's to give); a BPDU not yet as long as
 * its CIST part grows to it first. */
static int
stp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
               size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[ARRAY_SIZE(msti_fields)];
        char name[32];
        uint32_t pad = hdr_len < MSTP_CIST_END ? MSTP_CIST_END - hdr_len : 0;
        int r;

        (void)v;
        *ret_at = hdr_len;
        int n = pkt_spec_split(text, name, sizeof(name), args, ARRAY_SIZE(args));
        if (n < 0)
                return n;
        if (size < pad)
                return -EMSGSIZE;
        memset(out, 0, pad);
        if (set == STP_MSTIS)
                r = pkt_spec_encode(msti_fields, ARRAY_SIZE(msti_fields), args, n, out + pad, size - pad);
        else if ((r = pkt_spec_encode(spb_fields, ARRAY_SIZE(spb_fields), args, n, out + pad, size - pad)) >= 0 &&
                 !pkt_spec_arg(args, n, "v4_len", 0)) {
                if (r - 2 > UINT16_MAX)
                        return -ERANGE;
                pkt_store_be16(out + pad, (uint16_t)(r - 2));
        }
        return r < 0 ? r : (int)pad + r;
}

static const struct pkt_key stp_carriers[] = {
        { PKT_KEY_LLC_SAP, 0x42 },
        { PKT_KEY_SNAP, 0x000c010b }, /* Cisco PVST+ */
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_stp = {
        .name = "stp",
        .summary = "Spanning tree BPDUs: STP, RSTP, MSTP (IEEE 802.1D, 802.1Q)",
        .id = PKT_PROTO_STP,
        .min_hdr_len = STP_TCN_LEN,
        .def_hdr_len = STP_CONFIG_LEN,
        .fields = stp_fields,
        .n_fields = ARRAY_SIZE(stp_fields),
        .elems = stp_elems,
        .n_elems = ARRAY_SIZE(stp_elems),
        .carriers = stp_carriers,
        .dissect = stp_dissect,
        .update = stp_update,
        .elem_build = stp_elem_build,
};
