/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PIM's bootstrap mechanism (RFC 5059), sub-layers of pim chosen by its type, built of the encoded
 * addresses of pim_body.h.
 *
 * Bootstrap (4.2): fragment tag, hash mask length, BSR priority as fields; set "bsr" (one element: the
 * BSR's encoded-unicast address), set "groups" (per group range: the encoded group, rp_count,
 * frag_rp_count, rsvd, and its frag_rp_count RPs as bytes, rp_data) and set "rps", which lists every
 * RP of every group range in wire order (rp, holdtime, priority, rsvd) from inside the group ranges
 * and builds nothing (PKT_ES_LISTED): the engine's sets do not nest, so a group range carries its RPs.
 *
 *  | Fragment Tag (16)             | Hash Mask Len | BSR Priority  |
 *  | BSR address (encoded unicast) ...                             |
 *  | Group address 1 (encoded group) ...                           |
 *  | RP Count 1    | Frag RP Cnt 1 |         Reserved              |
 *  | RP address 1 (encoded unicast) ...                            |
 *  | RP1 Holdtime                  | RP1 Priority  |   Reserved    |
 *
 * Candidate-RP advertisement (4.3): prefix count, priority, holdtime as fields; set "rp" (one element:
 * the RP's encoded-unicast address) and set "groups" (prefix count encoded groups, as RFC 5059 and
 * tshark read them; bytes after them are the payload).
 */
#include <string.h>

#include "internal.h"
#include "pim_body.h"

#define PIM_BSR_LEN        4 /* fragment tag, hash mask length, BSR priority */
#define PIM_CRP_LEN        4 /* prefix count, priority, holdtime */
#define CRP_F_PREFIX_COUNT 0 /* crpadv_fields[] */

/* clang-format off */
static const struct pkt_field bootstrap_fields[] = {
        { .name = "fragment_tag",  .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "hash_mask_len", .off = 16, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "bsr_priority",  .off = 24, .bits = 8,  .type = PKT_FT_UINT },
};

static const struct pkt_field crpadv_fields[] = {
        { .name = "prefix_count", .off = 0,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "priority",     .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "holdtime",     .off = 16, .bits = 16, .type = PKT_FT_UINT },
};

static const struct pkt_field bsr4_fields[] = {
        { .name = "bsr", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field bsr6_fields[] = {
        { .name = "bsr", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field bs_group4_fields[] = {
        { .name = "b",             .off = 0,  .bits = 1,  .type = PKT_FT_UINT },
        { .name = "z",             .off = 7,  .bits = 1,  .type = PKT_FT_UINT },
        { .name = "masklen",       .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "group",         .off = 16, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "rp_count",      .off = 48, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "frag_rp_count", .off = 56, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "rsvd",          .off = 64, .bits = 16, .type = PKT_FT_BYTES },
        { .name = "rp_data",       .off = 80, .bits = 0,  .type = PKT_FT_BYTES },
};

static const struct pkt_field bs_group6_fields[] = {
        { .name = "b",             .off = 0,   .bits = 1,   .type = PKT_FT_UINT },
        { .name = "z",             .off = 7,   .bits = 1,   .type = PKT_FT_UINT },
        { .name = "masklen",       .off = 8,   .bits = 8,   .type = PKT_FT_UINT },
        { .name = "group",         .off = 16,  .bits = 128, .type = PKT_FT_IPV6 },
        { .name = "rp_count",      .off = 144, .bits = 8,   .type = PKT_FT_UINT },
        { .name = "frag_rp_count", .off = 152, .bits = 8,   .type = PKT_FT_UINT },
        { .name = "rsvd",          .off = 160, .bits = 16,  .type = PKT_FT_BYTES },
        { .name = "rp_data",       .off = 176, .bits = 0,   .type = PKT_FT_BYTES },
};

static const struct pkt_field bs_rp4_fields[] = {
        { .name = "rp",       .off = 0,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "holdtime", .off = 32, .bits = 16, .type = PKT_FT_UINT },
        { .name = "priority", .off = 48, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "rsvd",     .off = 56, .bits = 8,  .type = PKT_FT_BYTES },
};

static const struct pkt_field bs_rp6_fields[] = {
        { .name = "rp",       .off = 0,   .bits = 128, .type = PKT_FT_IPV6 },
        { .name = "holdtime", .off = 128, .bits = 16,  .type = PKT_FT_UINT },
        { .name = "priority", .off = 144, .bits = 8,   .type = PKT_FT_UINT },
        { .name = "rsvd",     .off = 152, .bits = 8,   .type = PKT_FT_BYTES },
};

static const struct pkt_field rp4_fields[] = {
        { .name = "rp", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field rp6_fields[] = {
        { .name = "rp", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
};
/* clang-format on */

/* ---- bootstrap (RFC 5059 4.2) ---- */

/* The BSR's encoded-unicast address after the fixed fields. */
static int
bsr_next(const struct pkt_view *v, struct pkt_elem *e)
{
        if (e->count > 0)
                return 0;
        return pkt_pim_ea_elem(v, e, PIM_BSR_LEN, PIM_EA_UNI_PREFIX, 0,
                               PIM_KINDS(bsr4_fields, bsr6_fields));
}

/* Where the group ranges start: after the BSR element, or 0 when it is damaged. */
static uint32_t
bs_groups_start(const struct pkt_view *v)
{
        struct pkt_elem e = { 0 };

        if (bsr_next(v, &e) != 1 || (e.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return 0;
        return e.next;
}

/* One group range's encoded group with its counts and reserved bytes, at @pos. */
static int
bs_group_at(const struct pkt_view *v, struct pkt_elem *e, uint32_t pos)
{
        return pkt_pim_ea_elem(v, e, pos, PIM_EA_GRP_PREFIX, 4,
                               PIM_KINDS(bs_group4_fields, bs_group6_fields));
}

/* One RP (encoded unicast, holdtime, priority, reserved) at @pos. */
static int
bs_rp_at(const struct pkt_view *v, struct pkt_elem *e, uint32_t pos)
{
        return pkt_pim_ea_elem(v, e, pos, PIM_EA_UNI_PREFIX, 4, PIM_KINDS(bs_rp4_fields, bs_rp6_fields));
}

/*
 * Group ranges: each element is the group part and its frag_rp_count RPs (at most 255, each at least
 * 10 bytes), as bytes ("rp_data"; the set "rps" lists them one by one). A damaged RP ends the walk
 * with the group flagged and holding the rest of the message, as where the next group starts is
 * unknown.
 */
static int
bs_groups_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? bs_groups_start(v) : e->next;

        if (pos == 0)
                return 0;
        int r = bs_group_at(v, e, pos);
        if (r != 1 || (e->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return r;
        uint32_t at = e->next;
        unsigned nrp = v->b[at - 3];
        for (unsigned i = 0; i < nrp; i++) {
                struct pkt_elem rp = { 0 };
                uint16_t damage = PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED;
                if (bs_rp_at(v, &rp, at) != 1)
                        rp.flags = at < v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                if (rp.flags & damage) {
                        e->flags |= rp.flags & damage;
                        e->len = v->caplen - pos;
                        e->next = v->caplen;
                        return 1;
                }
                at = rp.next;
        }
        e->len = at - pos;
        e->next = at;
        return 1;
}

/*
 * Every RP of every group range, in wire order. The iterator's private @e->next holds the position
 * in its low 24 bits (a PIM message is at most 64 KiB) and the RPs left in the current group range
 * in its high 8 (frag_rp_count is 8 bits): at 0 left it steps over the next group header.
 */
#define BS_POS(n)  ((n) & 0xffffffu)
#define BS_LEFT(n) ((n) >> 24)

static int
bs_rps_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? bs_groups_start(v) : BS_POS(e->next);
        unsigned left = e->count == 0 ? 0 : BS_LEFT(e->next);

        if (pos == 0 || v->caplen > 0xffffffu)
                return 0;
        /* Group ranges without RPs are skipped; each step advances at least 12 bytes. */
        while (left == 0) {
                struct pkt_elem g = { 0 };
                if (bs_group_at(v, &g, pos) != 1 ||
                    (g.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                        return 0;
                left = v->b[g.next - 3];
                pos = g.next;
        }
        int r = bs_rp_at(v, e, pos);
        if (r != 1)
                return r;
        e->next = BS_POS(e->next) | (uint32_t)(left - 1) << 24;
        return 1;
}

/* ---- candidate-RP advertisement (RFC 5059 4.3) ---- */

static int
crp_rp_next(const struct pkt_view *v, struct pkt_elem *e)
{
        if (e->count > 0)
                return 0;
        return pkt_pim_ea_elem(v, e, PIM_CRP_LEN, PIM_EA_UNI_PREFIX, 0, PIM_KINDS(rp4_fields, rp6_fields));
}

static int
crp_groups_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos;

        if (e->count == 0) {
                struct pkt_elem rp = { 0 };
                if (crp_rp_next(v, &rp) != 1 ||
                    (rp.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                        return 0;
                pos = rp.next;
        } else {
                pos = e->next;
        }
        if (e->count >= v->b[0])
                return 0;
        return pkt_pim_ea_elem(v, e, pos, PIM_EA_GRP_PREFIX, 0, PIM_GROUP_KINDS);
}

static const struct pkt_elem_set bootstrap_elems[] = {
        { .name = "bsr", .elem_name = "bsr", .next = bsr_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields) },
        { .name = "groups", .elem_name = "group", .next = bs_groups_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields) },
        { .name = "rps", .elem_name = "rp", .next = bs_rps_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields), .flags = PKT_ES_LISTED },
};

static const struct pkt_elem_set crpadv_elems[] = {
        { .name = "rp", .elem_name = "rp", .next = crp_rp_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields) },
        { .name = "groups", .elem_name = "group", .next = crp_groups_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields) },
};

static void
bootstrap_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        pkt_pim_body_dissect(v, d, bootstrap_elems, ARRAY_SIZE(bootstrap_elems));
}

/* The header ends with its prefix count's groups: bytes after them (a count that says fewer than
 * were sent) are payload, not part of any element. */
static void
crpadv_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        struct pkt_elem e = { 0 };
        uint32_t end = 0;

        pkt_pim_body_dissect(v, d, crpadv_elems, ARRAY_SIZE(crpadv_elems));
        if (d->flags & PKT_LAYER_MALFORMED || crp_rp_next(v, &e) != 1 ||
            (e.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return;
        end = e.next;
        for (e = (struct pkt_elem){ 0 }; crp_groups_next(v, &e) == 1; e.count++) {
                if (e.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED))
                        return;
                end = e.next;
        }
        /* Fewer groups than counted: the rest lies past the captured bytes (the header goes on). */
        if (e.count < v->b[0])
                return;
        if (end < v->wire_len) {
                d->hdr_len = end;
                d->payload_len = PKT_LEN_REST;
        }
}

/*
 * A bootstrap group range with its RPs: "group(239.0.0.0,masklen=8,rps=[rp(192.0.2.9,holdtime=150,
 * priority=1),rp(192.0.2.10)])"; RP Count and Frag RP Cnt are the RPs' unless given. As the JSON
 * writer gives it, the RPs' bytes are "rp_data".
 */
static int
bs_group_build(const char *text, uint8_t *out, size_t size)
{
        static const char *const lists[] = { "rps", NULL };
        struct pkt_spec_arg args[EA_ARGS_MAX];
        char name[32], item[EA_ITEM_TEXT_MAX];
        int n = pkt_spec_split(text, name, sizeof(name), args, EA_ARGS_MAX);

        if (n < 0)
                return n;
        int r = pkt_pim_ea_encode(args, n, out, size, PIM_EA_GRP_PREFIX,
                                  PIM_KINDS(bs_group4_fields, bs_group6_fields), lists);
        if (r < 0)
                return r;
        uint8_t *counts = out + PIM_EA_GRP_PREFIX + (out[0] == PIM_AF_IPV6 ? 16 : 4);
        const char *rps = pkt_spec_arg(args, n, "rps", -1);
        size_t len = (size_t)r, pos = 1;
        unsigned nrp = 0;
        while (rps) {
                int more = rps[0] == '[' ? pkt_spec_list_item(rps, &pos, item, sizeof(item)) : -EINVAL;
                if (more <= 0) {
                        if (more < 0)
                                return more;
                        break;
                }
                if (nrp == UINT8_MAX)
                        return -ERANGE;
                int w = pkt_pim_ea_build(item, out + len, size - len, PIM_EA_UNI_PREFIX,
                                         PIM_KINDS(bs_rp4_fields, bs_rp6_fields), false);
                if (w < 0)
                        return w;
                len += (size_t)w;
                nrp++;
        }
        if (!pkt_spec_arg(args, n, "rp_count", -1))
                counts[0] = (uint8_t)nrp;
        if (!pkt_spec_arg(args, n, "frag_rp_count", -1))
                counts[1] = (uint8_t)nrp;
        return (int)len;
}

/*
 * Bootstrap: bsr(192.0.2.1) right after the fixed fields, then the group ranges with their RPs
 * (bs_group_build()), in wire order. The set "rps" lists the RPs from inside the group ranges.
 */
static int
bootstrap_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                     uint8_t *out, size_t size, uint32_t *ret_at)
{
        *ret_at = hdr_len;
        if (set == 0) {
                /* One BSR, first: a message that has one (or anything after it) refuses another. */
                if (hdr_len != PIM_BSR_LEN)
                        return -EEXIST;
                return pkt_pim_ea_build(text, out, size, PIM_EA_UNI_PREFIX,
                                        PIM_KINDS(bsr4_fields, bsr6_fields), false);
        }
        if (bs_groups_start(v) == 0)
                return -ENOENT; /* the group ranges follow the BSR */
        return bs_group_build(text, out, size);
}

/* Candidate-RP advertisement: rp(192.0.2.1) right after the fixed fields, then the group(...)s. */
static int
crpadv_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                  uint8_t *out, size_t size, uint32_t *ret_at)
{
        struct pkt_elem rp = { 0 };

        *ret_at = hdr_len;
        if (set == 0) {
                if (hdr_len != PIM_CRP_LEN)
                        return -EEXIST;
                return pkt_pim_ea_build(text, out, size, PIM_EA_UNI_PREFIX,
                                        PIM_KINDS(rp4_fields, rp6_fields), false);
        }
        if (crp_rp_next(v, &rp) != 1 || (rp.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return -ENOENT; /* the groups follow the RP */
        return pkt_pim_ea_build(text, out, size, PIM_EA_GRP_PREFIX, PIM_GROUP_KINDS, false);
}

/* The prefix count follows the groups present, unless set. */
static int
crpadv_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        struct pkt_view v;
        struct pkt_elem rp = { 0 };
        unsigned n = 0;

        if (set != 1)
                return 0;
        pkt_view_of(p, idx, &v);
        if (crp_rp_next(&v, &rp) != 1)
                return 0;
        for (uint32_t pos = rp.next; pos < v.caplen && n < UINT8_MAX; n++) {
                struct pkt_elem g = { 0 };
                if (pkt_pim_ea_elem(&v, &g, pos, PIM_EA_GRP_PREFIX, 0, PIM_GROUP_KINDS) != 1 ||
                    (g.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                        break;
                pos = g.next;
        }
        return pkt_auto_set(p, idx, CRP_F_PREFIX_COUNT, n);
}

const struct pkt_proto pkt_proto_pimbootstrap = {
        .name = "pimbootstrap",
        .summary = "PIM bootstrap: fragment tag, hash mask, BSR, groups and their RPs (RFC 5059 4.2)",
        .id = PKT_PROTO_PIM_BOOTSTRAP,
        .min_hdr_len = PIM_BSR_LEN,
        .fields = bootstrap_fields,
        .n_fields = ARRAY_SIZE(bootstrap_fields),
        .elems = bootstrap_elems,
        .n_elems = ARRAY_SIZE(bootstrap_elems),
        .dissect = bootstrap_dissect,
        .elem_build = bootstrap_elem_build,
};

const struct pkt_proto pkt_proto_pimcrpadv = {
        .name = "pimcrpadv",
        .summary = "PIM candidate-RP advertisement: priority, holdtime, RP, groups (RFC 5059 4.3)",
        .id = PKT_PROTO_PIM_CRP_ADV,
        .min_hdr_len = PIM_CRP_LEN,
        .fields = crpadv_fields,
        .n_fields = ARRAY_SIZE(crpadv_fields),
        .elems = crpadv_elems,
        .n_elems = ARRAY_SIZE(crpadv_elems),
        .dissect = crpadv_dissect,
        .elem_build = crpadv_elem_build,
        .elem_added = crpadv_elem_added,
};
