/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multicast Listener Discovery: version 1 (RFC 2710) and version 2 (RFC 3810), bodies of ICMPv6
 * messages 130-132 and 143 (the checksum is ICMPv6's).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Maximum Response Delay    |          Reserved             |   mld (130 query, 131 report,
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+        132 done; RFC 2710 3)
 *  |                 Multicast Address (16 bytes)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Resv  |S| QRV |     QQIC      |     Number of Sources (N)     |   mldv2query: the same, then
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   this (RFC 3810 5.1)
 *  |                 Source Address [1..N] (16 bytes each)         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  |           Reserved            |Nr of Mcast Address Records (M)|   mldv2report (143; RFC 3810
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   5.2), then M group records
 *                                                                      (group_rec.h)
 *
 * A query is version 2 when its ICMPv6 message has 28 bytes or more (RFC 3810 8.1): icmp6.c picks
 * mldv2query then. Bytes after a version 1 message or after the counted records are payload.
 */
#include "group_rec.h"

#define MLD_LEN          20 /* after the ICMPv6 header */
#define MLD_ADDR_LEN     16
#define MLDV2_QUERY_LEN  24
#define MLDV2_REPORT_LEN 4

enum {
        MLD_QUERY = 130,
        MLD_REPORT = 131,
        MLD_DONE = 132,
        MLDV2_REPORT = 143,
};

/* clang-format off */
static const struct pkt_name rec_type_names[] = {
        { 1, "MODE_IS_INCLUDE" }, { 2, "MODE_IS_EXCLUDE" }, { 3, "CHANGE_TO_INCLUDE_MODE" },
        { 4, "CHANGE_TO_EXCLUDE_MODE" }, { 5, "ALLOW_NEW_SOURCES" }, { 6, "BLOCK_OLD_SOURCES" },
        { 0, NULL },
};

static const struct pkt_field mld_fields[] = {
        { .name = "maxdelay", .off = 0,  .bits = 16,  .type = PKT_FT_UINT },
        { .name = "reserved", .off = 16, .bits = 16,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "maddr",    .off = 32, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field query2_fields[] = {
        { .name = "maxresp",  .off = 0,   .bits = 16,  .type = PKT_FT_UINT },
        { .name = "reserved", .off = 16,  .bits = 16,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "maddr",    .off = 32,  .bits = 128, .type = PKT_FT_IPV6 },
        { .name = "resv",     .off = 160, .bits = 4,   .type = PKT_FT_UINT },
        { .name = "s",        .off = 164, .bits = 1,   .type = PKT_FT_UINT },
        { .name = "qrv",      .off = 165, .bits = 3,   .type = PKT_FT_UINT },
        { .name = "qqic",     .off = 168, .bits = 8,   .type = PKT_FT_UINT },
        { .name = "nsrcs",    .off = 176, .bits = 16,  .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};

static const struct pkt_field report2_fields[] = {
        { .name = "reserved", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "nrecords", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};

static const struct pkt_field src_fields[] = {
        { .name = "src", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
};

/* `srcs` is the N source addresses, 16 bytes each (the record's auxiliary data is not shown). */
static const struct pkt_field rec_fields[] = {
        { .name = "type",   .off = 0,  .bits = 8,   .type = PKT_FT_ENUM, .names = rec_type_names },
        { .name = "auxlen", .off = 8,  .bits = 8,   .type = PKT_FT_UINT },
        { .name = "nsrcs",  .off = 16, .bits = 16,  .type = PKT_FT_UINT },
        { .name = "maddr",  .off = 32, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field rec_src_fields[] = {
        { .name = "srcs", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { FQ_MAXRESP, FQ_RESERVED, FQ_MADDR, FQ_RESV, FQ_S, FQ_QRV, FQ_QQIC, FQ_NSRCS };
enum { FR_RESERVED, FR_NRECORDS };

static uint32_t
count_at(const struct pkt_view *v, uint32_t off)
{
        return (uint32_t)(v->b[off] << 8 | v->b[off + 1]);
}

static void
query2_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = MLDV2_QUERY_LEN + count_at(v, MLDV2_QUERY_LEN - 2) * MLD_ADDR_LEN;
}

static int
srcs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return group_source_next(v, e, MLDV2_QUERY_LEN, count_at(v, MLDV2_QUERY_LEN - 2), MLD_ADDR_LEN);
}

static int
records_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return group_record_next(v, e, MLDV2_REPORT_LEN, count_at(v, 2), MLD_ADDR_LEN, rec_src_fields);
}

/* RFC 3810 5.2.4: the header counts the records; what follows them is not one. When the count runs
 * past the capture, the header is all there is and the records say where it breaks. */
static void
report2_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = group_records_len(v, MLDV2_REPORT_LEN, count_at(v, 2), MLD_ADDR_LEN);

        if (len == PKT_LEN_REST) {
                d->hdr_len = v->wire_len;
                d->payload_len = 0;
        } else {
                d->hdr_len = MLDV2_REPORT_LEN + len;
        }
        d->flags |= pkt_elems_damage(v, records_next);
}

static int
query2_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        if (!pkt_is_rebuilt(p) || l->hdr_len < MLDV2_QUERY_LEN)
                return 0;
        return pkt_auto_set(p, idx, FQ_NSRCS, (l->hdr_len - MLDV2_QUERY_LEN) / MLD_ADDR_LEN);
}

/* The count of a built report: its records are the header's (the iterator follows the count). */
static int
report2_update(struct pkt *p, unsigned idx)
{
        struct pkt_view v;

        if (!pkt_is_rebuilt(p))
                return 0;
        pkt_view_of(p, idx, &v);
        uint32_t n = group_records_count(&v, MLDV2_REPORT_LEN, p->layers[idx].hdr_len, MLD_ADDR_LEN);
        return pkt_auto_set(p, idx, FR_NRECORDS, n);
}

/* ---- building: "src(2001:db8::1)", "rec(type=1,maddr=ff15::db8:0:1,src=2001:db8::1)" ---- */

static int
query2_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                  size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return group_source_build(text, out, size, MLD_ADDR_LEN, &src_fields[0]);
}

static int
report2_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                   size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return group_record_build(text, out, size, MLD_ADDR_LEN, rec_fields, ARRAY_SIZE(rec_fields),
                                  &src_fields[0]);
}

static const struct pkt_elem_set query2_elems[] = {
        { .name = "srcs", .elem_name = "src", .next = srcs_next, .fields = src_fields,
          .n_fields = ARRAY_SIZE(src_fields) },
};

static const struct pkt_elem_set report2_elems[] = {
        { .name = "records", .elem_name = "record", .next = records_next, .fields = rec_fields,
          .n_fields = ARRAY_SIZE(rec_fields) },
};

/* A query first: a fresh mld() under icmp6() asks. A version 2 query is told by its length
 * (icmp6.c); its key is for building, and mld's, registered after it, wins the lookup. */
static const struct pkt_key mld_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, MLD_QUERY },
        { PKT_KEY_ICMP6_TYPE, MLD_REPORT },
        { PKT_KEY_ICMP6_TYPE, MLD_DONE },
        PKT_KEY_END,
};
static const struct pkt_key query2_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, MLD_QUERY },
        PKT_KEY_END,
};
static const struct pkt_key report2_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, MLDV2_REPORT },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_mldv2query = {
        .name = "mldv2query",
        .summary = "MLDv2 query: response code, group, robustness, interval, sources (RFC 3810 5.1)",
        .id = PKT_PROTO_MLDV2_QUERY,
        .min_hdr_len = MLDV2_QUERY_LEN,
        .fields = query2_fields,
        .n_fields = ARRAY_SIZE(query2_fields),
        .elems = query2_elems,
        .n_elems = ARRAY_SIZE(query2_elems),
        .carriers = query2_carriers,
        .dissect = query2_dissect,
        .update = query2_update,
        .elem_build = query2_elem_build,
};

const struct pkt_proto pkt_proto_mld = {
        .name = "mld",
        .summary = "MLDv1 query, report and done: delay, group (RFC 2710 3)",
        .id = PKT_PROTO_MLD,
        .min_hdr_len = MLD_LEN,
        .fields = mld_fields,
        .n_fields = ARRAY_SIZE(mld_fields),
        .carriers = mld_carriers,
};

const struct pkt_proto pkt_proto_mldv2report = {
        .name = "mldv2report",
        .summary = "MLDv2 report: multicast address records (RFC 3810 5.2)",
        .id = PKT_PROTO_MLDV2_REPORT,
        .min_hdr_len = MLDV2_REPORT_LEN,
        .fields = report2_fields,
        .n_fields = ARRAY_SIZE(report2_fields),
        .elems = report2_elems,
        .n_elems = ARRAY_SIZE(report2_elems),
        .carriers = report2_carriers,
        .dissect = report2_dissect,
        .update = report2_update,
        .elem_build = report2_elem_build,
};
