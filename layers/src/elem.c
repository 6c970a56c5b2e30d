/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Repeated elements (options, TLVs, records): iterated lazily through the descriptor's element sets,
 * read through the same field machinery as headers, appended through the protocol's builder.
 */
#include <string.h>

#include "forms.h"
#include "internal.h"

static int
set_index(const struct pkt_proto *pr, const char *name)
{
        for (unsigned i = 0; i < pr->n_elems; i++)
                if (strcmp(pr->elems[i].name, name) == 0)
                        return (int)i;
        return -ENOENT;
}

/* The next element of set @s of layer @idx (dissected, protocol @pr). */
static int
elem_next_at(struct pkt *p, unsigned idx, const struct pkt_proto *pr, unsigned s, struct pkt_elem *e)
{
        struct pkt_layer *l = &p->layers[idx];
        struct pkt_view v;

        if (e->count > 0 && (e->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return 0;
        /* Iterators, like dissect hooks, may read the first min_hdr_len bytes unchecked: a layer cut
         * shorter than that has no elements to offer. */
        if (l->len < pr->min_hdr_len)
                return 0;
        pkt_view_of(p, idx, &v);
        e->set = (uint16_t)s;
        e->kind_fields = NULL;
        e->n_kind_fields = 0;
        e->data_off = 0;
        e->flags = 0;
        int r = pr->elems[s].next(&v, e);
        if (r == 1) {
                e->count++;
                /* The iterator must stay inside the layer; anything else is a bug in it. */
                assert(e->off <= l->len && e->len <= l->len - e->off);
        }
        /* A layer whose dissection left the elements unchecked is as damaged as its elements. */
        if (pr->flags & PKT_P_LAZY_ELEMS)
                l->flags |= (e->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)) |
                            (e->flags & PKT_ELEM_BAD_LEN ? PKT_LAYER_MALFORMED : 0);
        return r;
}

int
pkt_elem_next(struct pkt *p, unsigned idx, const char *set_name, struct pkt_elem *e)
{
        const struct pkt_layer *l;
        const struct pkt_proto *pr;
        int s;

        pkt_assert_return(p && set_name && e, -EINVAL);
        l = pkt_layer(p, idx);
        if (!l)
                return -ENOENT;
        pr = proto_of(l->proto);
        s = set_index(pr, set_name);
        if (s < 0)
                return s;
        return elem_next_at(p, idx, pr, (unsigned)s, e);
}

int
pkt_elem_next_idx(struct pkt *p, unsigned idx, unsigned set, struct pkt_elem *e)
{
        const struct pkt_layer *l;
        const struct pkt_proto *pr;

        pkt_assert_return(p && e, -EINVAL);
        l = pkt_layer(p, idx);
        if (!l)
                return -ENOENT;
        pr = proto_of(l->proto);
        if (!pr || set >= pr->n_elems)
                return -ENOENT;
        return elem_next_at(p, idx, pr, set, e);
}

void
pkt_elems_check(struct pkt *p, unsigned idx)
{
        const struct pkt_proto *pr = proto_of(p->layers[idx].proto);

        if (!(pr->flags & PKT_P_LAZY_ELEMS))
                return;
        for (unsigned s = 0; s < pr->n_elems; s++) {
                struct pkt_elem e = PKT_ELEM_INIT;
                while (elem_next_at(p, idx, pr, s, &e) == 1)
                        ;
        }
}

uint16_t
pkt_elems_damage(const struct pkt_view *v, int (*next)(const struct pkt_view *v, struct pkt_elem *e))
{
        struct pkt_elem e = PKT_ELEM_INIT;
        uint16_t bad = 0;

        while (next(v, &e) == 1) {
                e.count++;
                if (e.flags & PKT_ELEM_BAD_LEN)
                        bad = PKT_LAYER_MALFORMED;
                if (e.flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED))
                        return (uint16_t)((e.flags & PKT_LAYER_MALFORMED) | bad);
                e.flags = 0;
        }
        return bad;
}

/* Finds field @name of element @e: set fields first, then the element's kind fields. */
static int
elem_field(struct pkt *p, unsigned idx, const struct pkt_elem *e, const char *name,
           const struct pkt_field **ret_f, const uint8_t **ret_base, struct field_loc *ret_loc)
{
        const struct pkt_layer *l = pkt_layer(p, idx);
        const struct pkt_proto *pr;
        const struct pkt_elem_set *set;
        const uint8_t *base;

        if (!l)
                return -ENOENT;
        pr = proto_of(l->proto);
        if (e->set >= pr->n_elems)
                return -EINVAL;
        set = &pr->elems[e->set];
        base = p->data + l->off + e->off;
        for (unsigned k = 0; k < set->n_fields; k++)
                if (strcmp(set->fields[k].name, name) == 0) {
                        *ret_f = &set->fields[k];
                        *ret_base = base;
                        return pkt_field_locate(base, e->len, set->fields, k, ret_loc);
                }
        if (e->data_off > e->len)
                return -ENODATA;
        for (unsigned k = 0; k < e->n_kind_fields; k++)
                if (strcmp(e->kind_fields[k].name, name) == 0) {
                        *ret_f = &e->kind_fields[k];
                        *ret_base = base + e->data_off;
                        return pkt_field_locate(base + e->data_off, e->len - e->data_off, e->kind_fields, k,
                                                ret_loc);
                }
        return -ENOENT;
}

int
pkt_elem_get_u64(struct pkt *p, unsigned idx, const struct pkt_elem *e, const char *name, uint64_t *ret)
{
        const struct pkt_field *f;
        const uint8_t *base;
        struct field_loc loc;
        int r;

        pkt_assert_return(p && e && name && ret, -EINVAL);
        r = elem_field(p, idx, e, name, &f, &base, &loc);
        if (r < 0)
                return r;
        if (loc.bits > 64 || f->type == PKT_FT_BYTES || f->type == PKT_FT_STRING || f->type == PKT_FT_DNSNAME)
                return -EINVAL;
        *ret = pkt_bits_read(base, loc.bit_off, loc.bits, f->flags & PKT_FF_LE);
        return 0;
}

int
pkt_elem_get_str(struct pkt *p, unsigned idx, const struct pkt_elem *e, const char *name, char *buf,
                 size_t size)
{
        const struct pkt_field *f;
        const uint8_t *base;
        struct field_loc loc;
        int r;

        pkt_assert_return(p && e && name && buf && size > 0, -EINVAL);
        r = elem_field(p, idx, e, name, &f, &base, &loc);
        if (r < 0)
                return r;
        const struct pkt_layer *l = &p->layers[idx];
        return pkt_value_format(f, p->data + l->off, l->len, base, loc, buf, size);
}

int
pkt_elem_get_bytes(struct pkt *p, unsigned idx, const struct pkt_elem *e, const char *name,
                   const uint8_t **ret_data, size_t *ret_len)
{
        const struct pkt_field *f;
        const uint8_t *base;
        struct field_loc loc;
        int r;

        pkt_assert_return(p && e && name && ret_data && ret_len, -EINVAL);
        r = elem_field(p, idx, e, name, &f, &base, &loc);
        if (r < 0)
                return r;
        if (loc.bit_off % 8 || loc.bits % 8)
                return -EINVAL;
        *ret_data = base + loc.bit_off / 8;
        *ret_len = loc.bits / 8;
        return 0;
}

/* Why 64 KiB: an element can be as long as a layer (a TLS Certificate message, an IKE payload). */
#define ELEM_BUILD_MAX 65535

int
pkt_elem_add(struct pkt *p, unsigned idx, const char *set_name, const char *text)
{
        const struct pkt_layer *l;
        const struct pkt_proto *pr;
        int s, n;

        pkt_assert_return(p && set_name && text, -EINVAL);
        l = pkt_layer(p, idx);
        if (!l)
                return -ENOENT;
        pr = proto_of(l->proto);
        s = set_index(pr, set_name);
        if (s < 0)
                return s;
        if (pr->elems[s].flags & PKT_ES_LISTED) {
                /* In a build's scope, as a builder is: an entry's values may be of any length. */
                pkt_spec_scope_enter();
                n = pkt_form_listed_entry(text);
                pkt_spec_scope_leave();
                return n;
        }
        if (!pr->elem_build)
                return -EOPNOTSUPP;
        /* Building is not the parse path: the element's room comes from the heap. */
        _cleanup_free_ uint8_t *buf = malloc(ELEM_BUILD_MAX);
        if (!buf)
                return -ENOMEM;
        struct pkt_view v;
        uint32_t at = l->hdr_len;
        pkt_view_of(p, idx, &v);
        pkt_spec_scope_enter();
        n = pr->elem_build(&v, l->hdr_len, (unsigned)s, text, buf, ELEM_BUILD_MAX, &at);
        pkt_spec_scope_leave();
        if (n < 0)
                return n;
        if (at > l->hdr_len)
                return -EINVAL;
        /* The update hook pads, counts and measures what was added. */
        int r = pkt_layer_splice(p, idx, at, 0, buf, (uint32_t)n);
        if (r < 0 || !pr->elem_added)
                return r;
        return pr->elem_added(p, idx, (unsigned)s);
}
