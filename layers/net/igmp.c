/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IGMP: version 1 (RFC 1112 appendix I), version 2 (RFC 2236) and version 3 (RFC 3376); checksum
 * RFC 1071 over the whole IGMP message.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Type     | Max Resp Code |           Checksum            |   igmp (v1, v2, v3)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Group Address                         |   (v3 report: Reserved,
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+    Number of Group Records)
 *  | Resv  |S| QRV |     QQIC      |     Number of Sources (N)     |   igmpv3query (RFC 3376 4.1)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Source Address [1..N]                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  Group records (RFC 3376 4.2.4), the elements of igmpv3report: see group_rec.h.
 *
 * pypacker's IGMP is the 8-byte header above (type, maxresp, sum, group). What version 3 adds
 * after it depends on the type, so, as ICMP does with its bodies, it is a sub-layer: igmpv3query
 * for a query of 12 bytes or more (RFC 3376 7.1 tells the versions apart by length) and
 * igmpv3report for type 0x22. In a version 3 report pypacker's `group` covers the reserved word and
 * the record count (its low 16 bits); the update hook counts the records there.
 */
#include "group_rec.h"

#define IGMP_HDR_LEN       8
#define IGMP_V3_QUERY_MIN  12
#define IGMPV3_QUERY_LEN   4
#define IGMP_ADDR_LEN      4
#define IP_PROTO_IGMP      2

enum {
        IGMP_QUERY = 0x11,
        IGMP_V1_REPORT = 0x12,
        IGMP_V2_REPORT = 0x16,
        IGMP_LEAVE = 0x17,
        IGMP_V3_REPORT = 0x22,
};

/* clang-format off */
static const struct pkt_name igmp_type_names[] = {
        { 0x11, "MEMBERSHIP_QUERY" }, { 0x12, "V1_MEMBERSHIP_REPORT" }, { 0x13, "DVMRP" },
        { 0x14, "PIM_V1" }, { 0x16, "V2_MEMBERSHIP_REPORT" }, { 0x17, "LEAVE_GROUP" },
        { 0x1e, "MTRACE_RESP" }, { 0x1f, "MTRACE" }, { 0x22, "V3_MEMBERSHIP_REPORT" }, { 0, NULL },
};

static const struct pkt_name igmp_rec_type_names[] = {
        { 1, "MODE_IS_INCLUDE" }, { 2, "MODE_IS_EXCLUDE" }, { 3, "CHANGE_TO_INCLUDE_MODE" },
        { 4, "CHANGE_TO_EXCLUDE_MODE" }, { 5, "ALLOW_NEW_SOURCES" }, { 6, "BLOCK_OLD_SOURCES" },
        { 0, NULL },
};

static const struct pkt_field igmp_fields[] = {
        { .name = "type",    .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO | PKT_FF_HEX, .names = igmp_type_names, .def = IGMP_QUERY },
        { .name = "maxresp", .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "sum",     .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
        { .name = "group",   .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field query3_fields[] = {
        { .name = "resv",  .off = 0,  .bits = 4,  .type = PKT_FT_UINT },
        { .name = "s",     .off = 4,  .bits = 1,  .type = PKT_FT_UINT },
        { .name = "qrv",   .off = 5,  .bits = 3,  .type = PKT_FT_UINT },
        { .name = "qqic",  .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "nsrcs", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};

static const struct pkt_field src_fields[] = {
        { .name = "src", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};

/* `srcs` is the N source addresses, 4 bytes each (the record's auxiliary data is not shown). */
static const struct pkt_field rec_fields[] = {
        { .name = "type",   .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .names = igmp_rec_type_names },
        { .name = "auxlen", .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "nsrcs",  .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "maddr",  .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
};

/* The record's sources, shown when it has any. */
static const struct pkt_field rec_src_fields[] = {
        { .name = "srcs", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_TYPE, F_MAXRESP, F_SUM, F_GROUP };
enum { FQ_RESV, FQ_S, FQ_QRV, FQ_QQIC, FQ_NSRCS };

static void
igmp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        if (v->b[0] == IGMP_QUERY && v->wire_len >= IGMP_V3_QUERY_MIN) {
                d->next = PKT_PROTO_IGMPV3_QUERY;
        } else if (v->b[0] == IGMP_V3_REPORT) {
                /* RFC 3376 4.2.11: the header counts the records; what follows them is not one. */
                uint32_t n = (uint32_t)(v->b[6] << 8 | v->b[7]);
                d->payload_len = group_records_len(v, IGMP_HDR_LEN, n, IGMP_ADDR_LEN);
                d->next = PKT_PROTO_IGMPV3_REPORT;
        }
}

static int
records_next(const struct pkt_view *v, struct pkt_elem *e)
{
        /* The report layer holds the counted records only (igmp_dissect()). */
        return group_record_next(v, e, 0, UINT32_MAX, IGMP_ADDR_LEN, rec_src_fields);
}

static void
report3_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        d->flags |= pkt_elems_damage(v, records_next);
}

static void
query3_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t n = (uint32_t)(v->b[2] << 8 | v->b[3]);

        d->hdr_len = IGMPV3_QUERY_LEN + n * IGMP_ADDR_LEN;
}

static int
srcs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return group_source_next(v, e, IGMPV3_QUERY_LEN, (uint32_t)(v->b[2] << 8 | v->b[3]), IGMP_ADDR_LEN);
}

static int
count_records(struct pkt *p, unsigned idx)
{
        int n = 0;

        PKT_ELEM_FOREACH(p, idx, "records", e)
                n++;
        return n;
}

/*
 * The type follows the sub-layer unless the user set it; a v3 report counts its records in the
 * low half of `group`, unless `group` was set; the checksum covers the whole message (RFC 3376 4.1.2).
 */
static int
igmp_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        unsigned sub = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        uint8_t *h = pkt_layer_bytes_mut(p, idx);
        int r;

        if (sub == PKT_PROTO_IGMPV3_QUERY && h[0] != IGMP_QUERY &&
            (r = pkt_auto_set(p, idx, F_TYPE, IGMP_QUERY)) < 0)
                return r;
        if (sub == PKT_PROTO_IGMPV3_REPORT && h[0] != IGMP_V3_REPORT &&
            (r = pkt_auto_set(p, idx, F_TYPE, IGMP_V3_REPORT)) < 0)
                return r;
        if (sub == PKT_PROTO_IGMPV3_REPORT && pkt_is_rebuilt(p) &&
            !(l->set_mask & (UINT64_C(1) << F_GROUP))) {
                int n = count_records(p, idx + 1);
                h[6] = (uint8_t)(n >> 8);
                h[7] = (uint8_t)n;
        }
        if (l->set_mask & (UINT64_C(1) << F_SUM))
                return 0;
        h[2] = h[3] = 0;
        uint16_t sum = pkt_csum_fold(pkt_csum_add(0, h, l->len));
        h[2] = (uint8_t)(sum >> 8);
        h[3] = (uint8_t)sum;
        return 0;
}

static int
query3_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        if (!pkt_is_rebuilt(p) || l->hdr_len < IGMPV3_QUERY_LEN)
                return 0;
        return pkt_auto_set(p, idx, FQ_NSRCS, (l->hdr_len - IGMPV3_QUERY_LEN) / IGMP_ADDR_LEN);
}

/* ---- building: "src(192.0.2.1)", "rec(type=1,maddr=232.1.1.1,src=192.0.2.1,src=192.0.2.2)" ---- */

static int
query3_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                  uint8_t *out, size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return group_source_build(text, out, size, IGMP_ADDR_LEN, &src_fields[0]);
}

static int
report3_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                   uint8_t *out, size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return group_record_build(text, out, size, IGMP_ADDR_LEN, rec_fields, ARRAY_SIZE(rec_fields),
                                  &src_fields[0]);
}

static const struct pkt_elem_set query3_elems[] = {
        { .name = "srcs", .elem_name = "src", .next = srcs_next, .fields = src_fields,
          .n_fields = ARRAY_SIZE(src_fields) },
};

static const struct pkt_elem_set report3_elems[] = {
        { .name = "records", .elem_name = "record", .next = records_next, .fields = rec_fields,
          .n_fields = ARRAY_SIZE(rec_fields) },
};

static const struct pkt_key igmp_carriers[] = {
        { PKT_KEY_IP_PROTO, IP_PROTO_IGMP },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_igmp = {
        .name = "igmp",
        .summary = "Internet Group Management Protocol v1/v2/v3 (RFC 1112, RFC 2236, RFC 3376)",
        .id = PKT_PROTO_IGMP,
        .flags = PKT_P_CSUM_PAYLOAD,
        .min_hdr_len = IGMP_HDR_LEN,
        .fields = igmp_fields,
        .n_fields = ARRAY_SIZE(igmp_fields),
        .carriers = igmp_carriers,
        .dissect = igmp_dissect,
        .update = igmp_update,
};

const struct pkt_proto pkt_proto_igmpv3query = {
        .name = "igmpv3query",
        .summary = "IGMPv3 membership query: robustness, interval, sources (RFC 3376 4.1)",
        .id = PKT_PROTO_IGMPV3_QUERY,
        .min_hdr_len = IGMPV3_QUERY_LEN,
        .fields = query3_fields,
        .n_fields = ARRAY_SIZE(query3_fields),
        .elems = query3_elems,
        .n_elems = ARRAY_SIZE(query3_elems),
        .dissect = query3_dissect,
        .update = query3_update,
        .elem_build = query3_elem_build,
};

const struct pkt_proto pkt_proto_igmpv3report = {
        .name = "igmpv3report",
        .summary = "IGMPv3 membership report: group records (RFC 3376 4.2)",
        .id = PKT_PROTO_IGMPV3_REPORT,
        .min_hdr_len = 0,
        .elems = report3_elems,
        .n_elems = ARRAY_SIZE(report3_elems),
        .dissect = report3_dissect,
        .elem_build = report3_elem_build,
};
