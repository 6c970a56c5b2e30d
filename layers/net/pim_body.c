/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PIM message bodies built of encoded addresses (RFC 7761 4.9.1), sub-layers of pim chosen by its type:
 * register-stop (4.9.4), join/prune (4.9.5) and assert (4.9.6). pim.c has the common header, hello
 * and register; pim_bsr.c the bootstrap and candidate-RP advertisement (RFC 5059), built of the same
 * encoded addresses (pim_body.h).
 *
 *  |  Addr Family  | Encoding Type |   (group/source: flags, mask len)  Address...  |  4.9.1
 *
 * Encoded addresses sit at offsets that depend on the family, so a fixed field table cannot
 * hold them: each is an element (fields af, enc_type; the rest by family), and what follows an
 * address in the message rides in that element's fields. Join/prune: set "upstream" (one element:
 * neighbor, rsvd, ngroups, holdtime) and set "groups" (per group: b, z, masklen, group, njoin,
 * nprune, and srcs = the joined then the pruned encoded-source addresses as bytes). Register-stop
 * and assert: set "group" (one element) and set "src" (one element; an assert's carries r,
 * metric_pref, metric). The group walk runs on the bytes, not on ngroups, so a hostile count costs
 * nothing.
 */
#include <string.h>

#include "internal.h"
#include "pim_body.h"

/* clang-format off */
/* An address of a family this file cannot size: its bytes. */
static const struct pkt_field ea_value_fields[] = {
        { .name = "value", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};

const struct pkt_field pkt_pim_ea_fields[] = {
        { .name = "af",       .off = 0, .bits = 8, .type = PKT_FT_UINT },
        { .name = "enc_type", .off = 8, .bits = 8, .type = PKT_FT_UINT },
};

static const struct pkt_field upstream4_fields[] = {
        { .name = "neighbor", .off = 0,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "rsvd",     .off = 32, .bits = 8,  .type = PKT_FT_BYTES },
        { .name = "ngroups",  .off = 40, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "holdtime", .off = 48, .bits = 16, .type = PKT_FT_UINT },
};

static const struct pkt_field upstream6_fields[] = {
        { .name = "neighbor", .off = 0,   .bits = 128, .type = PKT_FT_IPV6 },
        { .name = "rsvd",     .off = 128, .bits = 8,   .type = PKT_FT_BYTES },
        { .name = "ngroups",  .off = 136, .bits = 8,   .type = PKT_FT_UINT },
        { .name = "holdtime", .off = 144, .bits = 16,  .type = PKT_FT_UINT },
};

static const struct pkt_field jp_group4_fields[] = {
        { .name = "b",       .off = 0,  .bits = 1,  .type = PKT_FT_UINT },
        { .name = "z",       .off = 7,  .bits = 1,  .type = PKT_FT_UINT },
        { .name = "masklen", .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "group",   .off = 16, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "njoin",   .off = 48, .bits = 16, .type = PKT_FT_UINT },
        { .name = "nprune",  .off = 64, .bits = 16, .type = PKT_FT_UINT },
        { .name = "srcs",    .off = 80, .bits = 0,  .type = PKT_FT_BYTES },
};

static const struct pkt_field jp_group6_fields[] = {
        { .name = "b",       .off = 0,   .bits = 1,   .type = PKT_FT_UINT },
        { .name = "z",       .off = 7,   .bits = 1,   .type = PKT_FT_UINT },
        { .name = "masklen", .off = 8,   .bits = 8,   .type = PKT_FT_UINT },
        { .name = "group",   .off = 16,  .bits = 128, .type = PKT_FT_IPV6 },
        { .name = "njoin",   .off = 144, .bits = 16,  .type = PKT_FT_UINT },
        { .name = "nprune",  .off = 160, .bits = 16,  .type = PKT_FT_UINT },
        { .name = "srcs",    .off = 176, .bits = 0,   .type = PKT_FT_BYTES },
};

const struct pkt_field pkt_pim_group4_fields[] = {
        { .name = "b",       .off = 0,  .bits = 1,  .type = PKT_FT_UINT },
        { .name = "z",       .off = 7,  .bits = 1,  .type = PKT_FT_UINT },
        { .name = "masklen", .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "group",   .off = 16, .bits = 32, .type = PKT_FT_IPV4 },
};

const struct pkt_field pkt_pim_group6_fields[] = {
        { .name = "b",       .off = 0,  .bits = 1,   .type = PKT_FT_UINT },
        { .name = "z",       .off = 7,  .bits = 1,   .type = PKT_FT_UINT },
        { .name = "masklen", .off = 8,  .bits = 8,   .type = PKT_FT_UINT },
        { .name = "group",   .off = 16, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field src4_fields[] = {
        { .name = "src", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field src6_fields[] = {
        { .name = "src", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field assert_src4_fields[] = {
        { .name = "src",         .off = 0,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "r",           .off = 32, .bits = 1,  .type = PKT_FT_UINT },
        { .name = "metric_pref", .off = 33, .bits = 31, .type = PKT_FT_UINT },
        { .name = "metric",      .off = 64, .bits = 32, .type = PKT_FT_UINT },
};

static const struct pkt_field assert_src6_fields[] = {
        { .name = "src",         .off = 0,   .bits = 128, .type = PKT_FT_IPV6 },
        { .name = "r",           .off = 128, .bits = 1,   .type = PKT_FT_UINT },
        { .name = "metric_pref", .off = 129, .bits = 31,  .type = PKT_FT_UINT },
        { .name = "metric",      .off = 160, .bits = 32,  .type = PKT_FT_UINT },
};

/* clang-format on */

/* ---- encoded addresses (RFC 7761 4.9.1) and the bodies built of them ---- */

/* Address bytes of family @af with native encoding @enc, or 0 for one this file cannot size. */
static uint32_t
ea_addr_len(uint8_t af, uint8_t enc)
{
        if (enc != 0)
                return 0;
        return af == PIM_AF_IPV4 ? 4 : af == PIM_AF_IPV6 ? 16 : 0;
}

/*
 * Produces the single element at @pos of an encoded address with @prefix bytes before the address
 * and @extra bytes after it (taken into the element), its kind fields by family (@f4/@f6). An
 * address of unknown family cannot be sized: it takes the rest of the message as value bytes, and
 * flags it malformed, as what follows cannot be found. Returns 1 (the end in @e->next), or 0 past the
 * message.
 */
int
pkt_pim_ea_elem(const struct pkt_view *v, struct pkt_elem *e, uint32_t pos, uint32_t prefix, uint32_t extra,
                const struct pkt_field *f4, uint8_t n4, const struct pkt_field *f6, uint8_t n6)
{
        uint32_t end = v->caplen, alen;

        if (pos >= end)
                return 0;
        e->off = pos;
        e->len = end - pos;
        e->next = end;
        e->data_off = PIM_EA_UNI_PREFIX;
        if (end - pos < PIM_EA_UNI_PREFIX) {
                e->flags |= pos + PIM_EA_UNI_PREFIX <= v->wire_len ? PKT_LAYER_TRUNCATED
                                                                     : PKT_LAYER_MALFORMED;
                return 1;
        }
        alen = ea_addr_len(v->b[pos], v->b[pos + 1]);
        if (alen == 0) {
                e->kind_fields = ea_value_fields;
                e->n_kind_fields = ARRAY_SIZE(ea_value_fields);
                e->flags |= PKT_LAYER_MALFORMED;
                return 1;
        }
        e->kind_fields = alen == 4 ? f4 : f6;
        e->n_kind_fields = alen == 4 ? n4 : n6;
        uint32_t len = prefix + alen + extra;
        if (len > end - pos) {
                e->flags |= len <= v->wire_len - pos ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        e->len = len;
        e->next = pos + len;
        return 1;
}

/* Join/prune: the upstream neighbor, then reserved, group count and holdtime, at the start. */
static int
upstream_next(const struct pkt_view *v, struct pkt_elem *e)
{
        if (e->count > 0)
                return 0;
        return pkt_pim_ea_elem(v, e, 0, PIM_EA_UNI_PREFIX, 4,
                               PIM_KINDS(upstream4_fields, upstream6_fields));
}

/* Where the group records start: after the upstream element, or 0 when it is damaged. */
static uint32_t
groups_start(const struct pkt_view *v)
{
        struct pkt_elem e = { 0 };

        if (upstream_next(v, &e) != 1 || (e.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return 0;
        return e.next;
}

/*
 * One group record (4.9.5): encoded group, join and prune counts, then that many encoded sources,
 * each sized by its own family. The source walk is bounded by the counts (at most 131070) and each
 * source advances at least 6 bytes, stopping at the end of the captured bytes.
 */
static int
jp_groups_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos;

        if (e->count == 0) {
                pos = groups_start(v);
                if (pos == 0)
                        return 0;
        } else {
                pos = e->next;
        }
        int r = pkt_pim_ea_elem(v, e, pos, PIM_EA_GRP_PREFIX, 4,
                                PIM_KINDS(jp_group4_fields, jp_group6_fields));
        if (r != 1 || (e->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return r;
        uint32_t at = e->next, end = v->caplen;
        uint32_t nsrc = (uint32_t)(v->b[at - 4] << 8 | v->b[at - 3]) +
                        (uint32_t)(v->b[at - 2] << 8 | v->b[at - 1]);
        for (uint32_t i = 0; i < nsrc; i++) {
                uint32_t alen = 4;
                if (at + PIM_EA_GRP_PREFIX <= end)
                        alen = ea_addr_len(v->b[at], v->b[at + 1]);
                uint32_t slen = PIM_EA_GRP_PREFIX + (alen ? alen : 0);
                if (alen == 0 || slen > end - at) {
                        e->len = end - pos;
                        e->next = end;
                        if (alen == 0)
                                e->flags |= PKT_LAYER_MALFORMED;
                        else
                                e->flags |= slen <= v->wire_len - at ? PKT_LAYER_TRUNCATED
                                                                     : PKT_LAYER_MALFORMED;
                        return 1;
                }
                at += slen;
        }
        e->len = at - pos;
        e->next = at;
        return 1;
}

/* Register-stop and assert: the encoded group opens the body. */
static int
group_next(const struct pkt_view *v, struct pkt_elem *e)
{
        if (e->count > 0)
                return 0;
        return pkt_pim_ea_elem(v, e, 0, PIM_EA_GRP_PREFIX, 0, PIM_GROUP_KINDS);
}

/* The encoded unicast source after the group (@extra: an assert's 8 bytes of metric). */
static int
src_after_group(const struct pkt_view *v, struct pkt_elem *e, uint32_t extra,
                const struct pkt_field *f4, uint8_t n4, const struct pkt_field *f6, uint8_t n6)
{
        struct pkt_elem g = { 0 };

        if (e->count > 0 || group_next(v, &g) != 1)
                return 0;
        if (g.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED))
                return 0;
        return pkt_pim_ea_elem(v, e, g.next, PIM_EA_UNI_PREFIX, extra, f4, n4, f6, n6);
}

static int
stop_src_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return src_after_group(v, e, 0, PIM_KINDS(src4_fields, src6_fields));
}

static int
assert_src_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return src_after_group(v, e, 8, PIM_KINDS(assert_src4_fields, assert_src6_fields));
}

/*
 * The body is the whole message; walk every set once so a cut or contradictory address flags the
 * layer. A set whose first element cannot be reached (the one before it damaged) produces nothing.
 * The sets' elements each advance at least 2 bytes or end their walk: bounded by caplen.
 */
void
pkt_pim_body_dissect(const struct pkt_view *v, struct pkt_dissect *d, const struct pkt_elem_set *sets,
                     unsigned n)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        for (unsigned s = 0; s < n; s++) {
                struct pkt_elem e = { 0 };
                while (sets[s].next(v, &e) == 1) {
                        e.count++;
                        if (e.flags & PKT_LAYER_MALFORMED)
                                d->flags |= PKT_LAYER_MALFORMED;
                        if (e.flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED))
                                return;
                }
        }
}

static const struct pkt_elem_set joinprune_elems[] = {
        { .name = "upstream", .elem_name = "upstream", .next = upstream_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields) },
        { .name = "groups", .elem_name = "group", .next = jp_groups_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields) },
};

static const struct pkt_elem_set registerstop_elems[] = {
        { .name = "group", .elem_name = "group", .next = group_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields) },
        { .name = "src", .elem_name = "src", .next = stop_src_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields) },
};

static const struct pkt_elem_set assert_elems[] = {
        { .name = "group", .elem_name = "group", .next = group_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields) },
        { .name = "src", .elem_name = "src", .next = assert_src_next, .fields = pkt_pim_ea_fields,
          .n_fields = ARRAY_SIZE(pkt_pim_ea_fields) },
};

static void
joinprune_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        pkt_pim_body_dissect(v, d, joinprune_elems, ARRAY_SIZE(joinprune_elems));
}

static void
registerstop_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        pkt_pim_body_dissect(v, d, registerstop_elems, ARRAY_SIZE(registerstop_elems));
}

static void
assert_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        pkt_pim_body_dissect(v, d, assert_elems, ARRAY_SIZE(assert_elems));
}

/*
 * ---- building encoded-address elements (RFC 7761 4.9.1) ----
 *
 * join/prune: upstream(10.0.0.13,holdtime=210) then group(239.1.1.1,masklen=32,join=[10.0.0.1,
 * src(10.0.0.2,flags=7,masklen=32)],prune=[...]); register-stop: group(...) then src(...); assert:
 * group(...) then src(10.0.0.1,r=0,metric_pref=120,metric=10). The family follows the address text.
 * A bare source is a (S,G) one: flags S (0x04, RFC 7761 4.9.5.1), mask 32 or 128. An upstream or a
 * group of register-stop and assert goes to the start of the body, as it leads its message.
 */

static const struct pkt_field addr4_field = { .name = "addr", .bits = 32, .type = PKT_FT_IPV4 };
static const struct pkt_field addr6_field = { .name = "addr", .bits = 128, .type = PKT_FT_IPV6 };

/* Writes the address @text (IPv4, or IPv6 when it has a colon) into @out: its length, or -errno. */
static int
addr_encode(const char *text, uint8_t *out, size_t size)
{
        const struct pkt_field *f = strchr(text, ':') ? &addr6_field : &addr4_field;
        uint64_t u;

        return pkt_spec_value(f, text, &u, out, size);
}

/* The address field of a kind table: the first of type IPv4/IPv6. */
static const struct pkt_field *
addr_field_of(const struct pkt_field *f, unsigned n)
{
        for (unsigned i = 0; i < n; i++)
                if (f[i].type == PKT_FT_IPV4 || f[i].type == PKT_FT_IPV6)
                        return &f[i];
        return NULL;
}

/* One source of a join or prune list, "ADDR" or "src(ADDR,flags=N,masklen=N)", encoded into @out. */
static int
jp_src_encode(const char *text, uint8_t *out, size_t size)
{
        struct pkt_spec_arg args[3];
        char name[8];
        const char *addr = text;
        unsigned long flags = 0x04, masklen = 0;
        int n = 0;

        if (strchr(text, '(')) {
                n = pkt_spec_split(text, name, sizeof(name), args, ARRAY_SIZE(args));
                if (n < 1 || strcmp(name, "src") != 0)
                        return -EINVAL;
                addr = NULL;
        }
        for (int i = 0; i < n; i++) {
                char *end;
                if (!args[i].key[0] || strcmp(args[i].key, "addr") == 0) {
                        addr = args[i].value;
                        continue;
                }
                unsigned long u = strtoul(args[i].value, &end, 0);
                if (*end || u > 0xff)
                        return -EINVAL;
                if (strcmp(args[i].key, "flags") == 0)
                        flags = u;
                else if (strcmp(args[i].key, "masklen") == 0)
                        masklen = u;
                else
                        return -EINVAL;
        }
        if (!addr || size < PIM_EA_GRP_PREFIX)
                return -EMSGSIZE;
        int alen = addr_encode(addr, out + PIM_EA_GRP_PREFIX, size - PIM_EA_GRP_PREFIX);
        if (alen < 0)
                return alen;
        out[0] = alen == 4 ? PIM_AF_IPV4 : PIM_AF_IPV6;
        out[1] = 0;
        out[2] = (uint8_t)flags;
        out[3] = (uint8_t)(masklen ? masklen : (unsigned long)alen * 8);
        return PIM_EA_GRP_PREFIX + alen;
}

/* Encodes the list "[a,src(b,flags=7),...]" of sources at @out: bytes written, count in *@ret_n. */
static int
jp_srcs_encode(const char *list, uint8_t *out, size_t size, unsigned *ret_n)
{
        size_t len = strlen(list), at = 0;
        char one[EA_ITEM_TEXT_MAX];

        *ret_n = 0;
        if (len < 2 || list[0] != '[' || list[len - 1] != ']')
                return -EINVAL;
        for (size_t i = 1; i < len - 1;) {
                size_t j = i;
                int depth = 0;
                for (; j < len - 1 && (depth > 0 || list[j] != ','); j++)
                        depth += list[j] == '(' ? 1 : list[j] == ')' ? -1 : 0;
                while (i < j && list[i] == ' ')
                        i++;
                if (j - i == 0 || j - i >= sizeof(one) || *ret_n == 0xffff)
                        return -EINVAL;
                memcpy(one, list + i, j - i);
                one[j - i] = 0;
                int r = jp_src_encode(one, out + at, size - at);
                if (r < 0)
                        return r;
                at += (size_t)r;
                (*ret_n)++;
                i = j + 1;
        }
        return (int)at;
}

/*
 * Encodes one encoded-address element with @prefix bytes before the address and its kind fields
 * from @f4/@f6 (chosen by the address's family): arguments by field name, a bare one is the
 * address. Arguments named in @lists (NULL-terminated, or NULL) are the caller's to encode after it.
 * Returns the bytes written.
 */
int
pkt_pim_ea_encode(const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size, uint32_t prefix,
                  const struct pkt_field *f4, unsigned n4, const struct pkt_field *f6, unsigned n6,
                  const char *const *lists)
{
        const struct pkt_field *a4 = addr_field_of(f4, n4);
        const char *addr = NULL;

        for (int i = 0; i < n; i++)
                if (!args[i].key[0] || strcmp(args[i].key, a4->name) == 0)
                        addr = args[i].value;
        if (!addr)
                return -EINVAL;
        bool v6 = strchr(addr, ':') != NULL;
        const struct pkt_field *f = v6 ? f6 : f4;
        unsigned nf = v6 ? n6 : n4;
        size_t len = 0;
        for (unsigned j = 0; j < nf; j++)
                len = MAX(len, (size_t)PIM_EA_UNI_PREFIX + (f[j].off + f[j].bits + 7u) / 8);
        if (len > size)
                return -EMSGSIZE;
        memset(out, 0, len);
        out[0] = v6 ? PIM_AF_IPV6 : PIM_AF_IPV4;
        if (prefix == PIM_EA_GRP_PREFIX)
                out[3] = v6 ? 128 : 32; /* a host mask unless masklen= says otherwise */
        uint8_t *k = out + PIM_EA_UNI_PREFIX;
        for (int i = 0; i < n; i++) {
                const char *key = args[i].key[0] ? args[i].key : addr_field_of(f, nf)->name;
                uint64_t u;
                bool listed = false;
                for (const char *const *l = lists; l && *l && !listed; l++)
                        listed = strcmp(key, *l) == 0;
                if (listed)
                        continue;
                /* The family and encoding type as the JSON writer gives them: what the address says. */
                if (strcmp(key, "af") == 0 || strcmp(key, "enc_type") == 0) {
                        uint32_t given;
                        if (pkt_name_value(NULL, args[i].value, UINT8_MAX, &given) < 0)
                                return -EINVAL;
                        out[key[0] == 'a' ? 0 : 1] = (uint8_t)given;
                        continue;
                }
                const struct pkt_field *fd = NULL;
                for (unsigned j = 0; j < nf && !fd; j++)
                        if (strcmp(f[j].name, key) == 0)
                                fd = &f[j];
                if (!fd)
                        return -EINVAL;
                size_t at = fd->off / 8;
                int r = pkt_spec_value(fd, args[i].value, &u, k + at, size - PIM_EA_UNI_PREFIX - at);
                if (r < 0)
                        return r;
                if (fd->bits % 8)
                        pkt_bits_write(k, fd->off, fd->bits, false, u);
                if (fd->bits == 0) /* bytes that end the element (a group range's RPs) */
                        len = MAX(len, PIM_EA_UNI_PREFIX + at + (size_t)r);
        }
        return (int)len;
}

/* pkt_pim_ea_encode() from element text ("group(239.1.1.1,masklen=32,...)"). @jp: a join/prune
 * group, whose join= and prune= lists become njoin, nprune and srcs. */
int
pkt_pim_ea_build(const char *text, uint8_t *out, size_t size, uint32_t prefix, const struct pkt_field *f4,
                 unsigned n4, const struct pkt_field *f6, unsigned n6, bool jp)
{
        static const char *const jp_lists[] = { "join", "prune", NULL };
        struct pkt_spec_arg args[EA_ARGS_MAX];
        char name[32];
        int n = pkt_spec_split(text, name, sizeof(name), args, EA_ARGS_MAX);

        if (n < 0)
                return n;
        int r = pkt_pim_ea_encode(args, n, out, size, prefix, f4, n4, f6, n6, jp ? jp_lists : NULL);
        if (r < 0 || !jp)
                return r;
        size_t len = (size_t)r;
        bool v6 = out[0] == PIM_AF_IPV6;
        /* njoin, nprune: the last 4 bytes; the sources follow, joined then pruned. */
        for (unsigned pass = 0; pass < 2; pass++) {
                for (int i = 0; i < n; i++) {
                        unsigned cnt;
                        if (strcmp(args[i].key, jp_lists[pass]) != 0)
                                continue;
                        int w = jp_srcs_encode(args[i].value, out + len, size - len, &cnt);
                        if (w < 0)
                                return w;
                        uint8_t *c = out + PIM_EA_GRP_PREFIX + (v6 ? 16 : 4) + 2 * pass;
                        c[0] = (uint8_t)(cnt >> 8);
                        c[1] = (uint8_t)cnt;
                        len += (size_t)w;
                }
        }
        return (int)len;
}

static int
joinprune_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                     uint8_t *out, size_t size, uint32_t *ret_at)
{
        (void)v;
        *ret_at = set == 0 ? 0 : hdr_len;
        if (set == 0)
                return pkt_pim_ea_build(text, out, size, PIM_EA_UNI_PREFIX,
                                        PIM_KINDS(upstream4_fields, upstream6_fields), false);
        return pkt_pim_ea_build(text, out, size, PIM_EA_GRP_PREFIX,
                                PIM_KINDS(jp_group4_fields, jp_group6_fields), true);
}

/* The upstream's group count follows the groups present (an explicit larger count is kept). */
static int
joinprune_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        struct pkt_view v;
        struct pkt_elem up = { 0 }, e = { 0 };
        unsigned n = 0;

        (void)set;
        pkt_view_of(p, idx, &v);
        if (upstream_next(&v, &up) != 1 || (up.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return 0;
        while (jp_groups_next(&v, &e) == 1 && n < 0xff) {
                e.count++;
                n++;
                if (e.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED))
                        break;
        }
        uint8_t *ng = pkt_layer_bytes_mut(p, idx) + up.next - 3;
        if (*ng < n)
                *ng = (uint8_t)n;
        return 0;
}

static int
registerstop_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                        uint8_t *out, size_t size, uint32_t *ret_at)
{
        (void)v;
        *ret_at = set == 0 ? 0 : hdr_len;
        if (set == 0)
                return pkt_pim_ea_build(text, out, size, PIM_EA_GRP_PREFIX, PIM_GROUP_KINDS, false);
        return pkt_pim_ea_build(text, out, size, PIM_EA_UNI_PREFIX, PIM_KINDS(src4_fields, src6_fields),
                                false);
}

static int
assert_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                  uint8_t *out, size_t size, uint32_t *ret_at)
{
        if (set == 0)
                return registerstop_elem_build(v, hdr_len, set, text, out, size, ret_at);
        (void)v;
        *ret_at = hdr_len;
        return pkt_pim_ea_build(text, out, size, PIM_EA_UNI_PREFIX,
                                PIM_KINDS(assert_src4_fields, assert_src6_fields), false);
}

const struct pkt_proto pkt_proto_pimregisterstop = {
        .name = "pimregisterstop",
        .summary = "PIM register-stop: encoded group and source (RFC 7761 4.9.4)",
        .id = PKT_PROTO_PIM_REGISTER_STOP,
        .min_hdr_len = 0,
        .elems = registerstop_elems,
        .n_elems = ARRAY_SIZE(registerstop_elems),
        .dissect = registerstop_dissect,
        .elem_build = registerstop_elem_build,
};

const struct pkt_proto pkt_proto_pimjoinprune = {
        .name = "pimjoinprune",
        .summary = "PIM join/prune: upstream neighbor, groups and their sources (RFC 7761 4.9.5)",
        .id = PKT_PROTO_PIM_JOIN_PRUNE,
        .min_hdr_len = 0,
        .elems = joinprune_elems,
        .n_elems = ARRAY_SIZE(joinprune_elems),
        .dissect = joinprune_dissect,
        .elem_build = joinprune_elem_build,
        .elem_added = joinprune_elem_added,
};

const struct pkt_proto pkt_proto_pimassert = {
        .name = "pimassert",
        .summary = "PIM assert: group, source, RPT bit, metric preference, metric (RFC 7761 4.9.6)",
        .id = PKT_PROTO_PIM_ASSERT,
        .min_hdr_len = 0,
        .elems = assert_elems,
        .n_elems = ARRAY_SIZE(assert_elems),
        .dissect = assert_dissect,
        .elem_build = assert_elem_build,
};
