/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * COTP: the ISO 8073 / ITU-T X.224 connection-oriented transport protocol, as carried by TPKT.
 *
 *   +----+-----------+--------------------------------+---------------------------+-----------
 *   | LI | code|CDT  | fixed part (by TPDU code)      | variable part: parameters | user data
 *   +----+-----------+--------------------------------+---------------------------+-----------
 *     1       1        CR/CC: DST-REF(2) SRC-REF(2) class|option(1)
 *                      DR: DST-REF(2) SRC-REF(2) reason(1)     DC: DST-REF(2) SRC-REF(2)
 *                      DT/ED (class 0, 1): EOT|TPDU-NR(1)      (classes 2-4: DST-REF(2) first)
 *                      AK/EA/RJ: DST-REF(2) YR-TU-NR(1)        ER: DST-REF(2) cause(1)
 *
 * LI counts the header after itself (X.224 13.2.1). The fixed part is one element of "fixed" whose
 * fields depend on the TPDU code; the parameters (code, length, value) are the elements of "params".
 * What follows the header is user data (session layer, RDP negotiation), left raw.
 */
#include "internal.h"

#define COTP_MIN_LEN 2
#define COTP_FIXED_MAX 5 /* the longest fixed part: CR, CC and DR (X.224 13.3-13.5) */

enum {
        TPDU_ED = 0x1, TPDU_EA = 0x2, TPDU_RJ = 0x5, TPDU_AK = 0x6, TPDU_ER = 0x7, TPDU_DR = 0x8,
        TPDU_DC = 0xc, TPDU_CC = 0xd, TPDU_CR = 0xe, TPDU_DT = 0xf,
};

/* clang-format off */
static const struct pkt_name cotp_type_names[] = {
        { TPDU_ED, "ED" }, { TPDU_EA, "EA" }, { TPDU_RJ, "RJ" }, { TPDU_AK, "AK" }, { TPDU_ER, "ER" },
        { TPDU_DR, "DR" }, { TPDU_DC, "DC" }, { TPDU_CC, "CC" }, { TPDU_CR, "CR" }, { TPDU_DT, "DT" },
        { 0, NULL },
};

static const struct pkt_name cotp_param_names[] = {
        { 0xc0, "tpdu-size" }, { 0xc1, "src-tsap" }, { 0xc2, "dst-tsap" }, { 0xc3, "checksum" },
        { 0xc4, "version" }, { 0xc5, "protection" }, { 0xc6, "additional-options" },
        { 0xc7, "alternative-classes" }, { 0x85, "ack-time" }, { 0x86, "error-rate" }, { 0x87, "priority" },
        { 0x88, "transit-delay" }, { 0x89, "throughput" }, { 0x8b, "reassignment-time" }, { 0xe0, "cause" },
        { 0, NULL },
};

static const struct pkt_field cotp_fields[] = {
        { .name = "li",   .off = 0,  .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = 1 },
        { .name = "type", .off = 8,  .bits = 4, .type = PKT_FT_ENUM, .names = cotp_type_names, .def = TPDU_DT },
        { .name = "cdt",  .off = 12, .bits = 4, .type = PKT_FT_UINT },
};

/* CR, CC */
static const struct pkt_field cotp_conn_fields[] = {
        { .name = "dstref", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "srcref", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "class",  .off = 32, .bits = 4,  .type = PKT_FT_UINT },
        { .name = "option", .off = 36, .bits = 4,  .type = PKT_FT_UINT },
};

static const struct pkt_field cotp_dr_fields[] = {
        { .name = "dstref", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "srcref", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "reason", .off = 32, .bits = 8,  .type = PKT_FT_UINT },
};

static const struct pkt_field cotp_dc_fields[] = {
        { .name = "dstref", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "srcref", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

/* DT, ED in classes 0 and 1 */
static const struct pkt_field cotp_dt_fields[] = {
        { .name = "eot", .off = 0, .bits = 1, .type = PKT_FT_UINT },
        { .name = "nr",  .off = 1, .bits = 7, .type = PKT_FT_UINT },
};

/* DT, ED in classes 2 to 4 (normal format) */
static const struct pkt_field cotp_dt_ref_fields[] = {
        { .name = "dstref", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "eot",    .off = 16, .bits = 1,  .type = PKT_FT_UINT },
        { .name = "nr",     .off = 17, .bits = 7,  .type = PKT_FT_UINT },
};

/* AK, EA, RJ */
static const struct pkt_field cotp_ak_fields[] = {
        { .name = "dstref", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "nr",     .off = 16, .bits = 8,  .type = PKT_FT_UINT },
};

static const struct pkt_field cotp_er_fields[] = {
        { .name = "dstref", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "cause",  .off = 16, .bits = 8,  .type = PKT_FT_UINT },
};

static const struct pkt_field cotp_param_fields[] = {
        { .name = "code",  .off = 0,  .bits = 8, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = cotp_param_names },
        { .name = "len",   .off = 8,  .bits = 8, .type = PKT_FT_UINT },
        { .name = "value", .off = 16, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

struct fixed_kind {
        const struct pkt_field *fields;
        uint8_t n_fields;
        uint8_t len;
};

#define KIND(t, n) { t, ARRAY_SIZE(t), n }

/* The fixed part of TPDU @code in a header of @li bytes after LI; false for codes without one. */
static bool
fixed_of(uint8_t code, uint8_t li, struct fixed_kind *ret)
{
        static const struct fixed_kind conn = KIND(cotp_conn_fields, 5), dr = KIND(cotp_dr_fields, 5),
                                       dc = KIND(cotp_dc_fields, 4), dt = KIND(cotp_dt_fields, 1),
                                       dt_ref = KIND(cotp_dt_ref_fields, 3), ak = KIND(cotp_ak_fields, 3),
                                       er = KIND(cotp_er_fields, 3);

        switch (code) {
        case TPDU_CR:
        case TPDU_CC:
                *ret = conn;
                return true;
        case TPDU_DR:
                *ret = dr;
                return true;
        case TPDU_DC:
                *ret = dc;
                return true;
        case TPDU_DT:
        case TPDU_ED:
                /* Classes 0 and 1 have no reference: LI 2 says so (X.224 13.7.3). */
                *ret = li >= 4 ? dt_ref : dt;
                return true;
        case TPDU_AK:
        case TPDU_EA:
        case TPDU_RJ:
                *ret = ak;
                return true;
        case TPDU_ER:
                *ret = er;
                return true;
        default:
                return false;
        }
}

/* Header bytes as LI says, bounded by what was captured. */
static uint32_t
header_end(const struct pkt_view *v)
{
        return MIN((uint32_t)v->b[0] + 1, v->caplen);
}

static int
fixed_next(const struct pkt_view *v, struct pkt_elem *e)
{
        struct fixed_kind k;

        /* An LI of 0 ends the header before the code: no fixed part (the hook flagged the layer). */
        if (e->count > 0 || header_end(v) < COTP_MIN_LEN || !fixed_of(v->b[1] >> 4, v->b[0], &k))
                return 0;
        e->off = COTP_MIN_LEN;
        e->len = MIN((uint32_t)k.len, header_end(v) - COTP_MIN_LEN);
        if (e->len < k.len)
                e->flags |= header_end(v) < (uint32_t)v->b[0] + 1 && v->caplen < v->wire_len
                                    ? PKT_LAYER_TRUNCATED
                                    : PKT_LAYER_MALFORMED;
        e->kind_fields = k.fields;
        e->n_kind_fields = k.n_fields;
        e->next = e->off + e->len;
        return 1;
}

static int
params_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t end = header_end(v), pos;
        struct fixed_kind k;

        if (e->count == 0) {
                if (!fixed_of(v->b[1] >> 4, v->b[0], &k))
                        return 0;
                pos = COTP_MIN_LEN + k.len;
        } else {
                pos = e->next;
        }
        /* Parameter codes have the top bit set (X.224 13.3.4); anything else in the variable part is
         * what others put there (RDP's cookie and negotiation request, MS-RDPBCGR 2.2.1.1): not ours. */
        if (pos >= end || v->b[pos] < 0x80)
                return 0;
        e->off = pos;
        if (pos + 2 > end || (uint32_t)v->b[pos + 1] > end - pos - 2) {
                e->len = end - pos;
                e->flags |= end < (uint32_t)v->b[0] + 1 ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
        } else {
                e->len = 2u + v->b[pos + 1];
        }
        e->next = pos + e->len;
        return 1;
}

static const struct pkt_elem_set cotp_elems[] = {
        { .name = "fixed", .elem_name = "part", .next = fixed_next },
        { .name = "params", .elem_name = "param", .next = params_next, .fields = cotp_param_fields,
          .n_fields = ARRAY_SIZE(cotp_param_fields) },
};

enum { SET_FIXED, SET_PARAMS };

static void
cotp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        struct fixed_kind k;

        d->hdr_len = (uint32_t)v->b[0] + 1;
        /* A header shorter than its TPDU's fixed part contradicts itself (X.224 13.2.1). */
        if (fixed_of(v->b[1] >> 4, v->b[0], &k) && v->b[0] < 1u + k.len)
                d->flags |= PKT_LAYER_MALFORMED;
}

/* LI; and a TPDU built without its fixed part gets one, so that `cotp()` alone is a whole TPDU: zeros,
 * and for DT and ED the class 0 form with EOT set (X.224 13.7: the last TPDU of a message, what a
 * single-TPDU message such as an S7 or MMS request carries). */
static int
cotp_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *h = p->data + l->off;
        struct fixed_kind k;
        int r;

        if (pkt_is_rebuilt(p) && l->hdr_len == COTP_MIN_LEN && fixed_of(h[1] >> 4, 1, &k)) {
                uint8_t part[COTP_FIXED_MAX] = { 0 };
                uint8_t code = h[1] >> 4;
                if (code == TPDU_DT || code == TPDU_ED)
                        part[0] = 0x80;
                if ((r = pkt_layer_splice(p, idx, COTP_MIN_LEN, 0, part, k.len)) < 0)
                        return r;
        }
        return pkt_auto_set(p, idx, 0, l->hdr_len > 256 ? 255 : l->hdr_len - 1);
}

/* fixed: part(dstref=..., srcref=..., class=...) in the fields of the layer's TPDU code;
 * params: param(code=..., value=...). */
static int
cotp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[8];
        struct fixed_kind k;
        char kind[32];
        int n, r;

        n = pkt_spec_split(text, kind, sizeof(kind), args, ARRAY_SIZE(args));
        if (n < 0)
                return n;
        if (v->caplen < COTP_MIN_LEN)
                return -EINVAL;
        if (set == SET_FIXED) {
                /* The fixed part goes right after code|CDT, before any parameter. */
                if (!fixed_of(v->b[1] >> 4, (uint8_t)(hdr_len - 1), &k) || size < k.len)
                        return -EINVAL;
                if (hdr_len > COTP_MIN_LEN)
                        return -EINVAL; /* a TPDU has one fixed part */
                /* A DT built from scratch has LI 1 now: class 0 form, as LI 2 will say. */
                memset(out, 0, k.len);
                for (int i = 0; i < n; i++) {
                        int fi = -1;
                        for (unsigned j = 0; j < k.n_fields; j++)
                                if (strcmp(k.fields[j].name, args[i].key) == 0)
                                        fi = (int)j;
                        if (fi < 0)
                                return -ENOENT;
                        uint64_t u;
                        uint8_t tmp[8];
                        if ((r = pkt_spec_value(&k.fields[fi], args[i].value, &u, tmp, sizeof(tmp))) < 0)
                                return r;
                        pkt_bits_write(out, k.fields[fi].off, k.fields[fi].bits, false, u);
                }
                *ret_at = COTP_MIN_LEN;
                return k.len;
        }
        uint64_t code = 0;
        size_t len = 2;
        bool has_code = false;
        for (int i = 0; i < n; i++) {
                uint64_t u;
                if (strcmp(args[i].key, "code") == 0) {
                        if ((r = pkt_spec_value(&cotp_param_fields[0], args[i].value, &code, out, size)) < 0)
                                return r;
                        has_code = true;
                } else if (strcmp(args[i].key, "value") == 0) {
                        if (size < 2 || (r = pkt_spec_value(&cotp_param_fields[2], args[i].value, &u, out + 2,
                                                            size - 2)) < 0)
                                return r < 0 ? r : -EMSGSIZE;
                        len = 2 + (size_t)r;
                } else {
                        return -ENOENT;
                }
        }
        if (!has_code || len > 257 || size < 2)
                return -EINVAL;
        out[0] = (uint8_t)code;
        out[1] = (uint8_t)(len - 2);
        *ret_at = hdr_len;
        return (int)len;
}

const struct pkt_proto pkt_proto_cotp = {
        .name = "cotp",
        .summary = "ISO 8073 / X.224 connection-oriented transport",
        .id = PKT_PROTO_COTP,
        /* The dissect hook does not walk the elements; a damaged one flags the layer when iterated. */
        .flags = PKT_P_LAZY_ELEMS,
        .min_hdr_len = COTP_MIN_LEN,
        .fields = cotp_fields,
        .n_fields = ARRAY_SIZE(cotp_fields),
        .elems = cotp_elems,
        .n_elems = ARRAY_SIZE(cotp_elems),
        .dissect = cotp_dissect,
        .update = cotp_update,
        .elem_build = cotp_elem_build,
        .not_dissected = "User data after the header (session layer, RDP negotiation) stays raw.",
};
