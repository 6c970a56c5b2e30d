/* SPDX-License-Identifier: BSD-3-Clause */
/* Element kinds from tables of forms (forms.h). */
#include <string.h>

#include "forms.h"

const struct pkt_form *
pkt_form_of(const struct pkt_form *forms, size_t n, unsigned type, uint32_t len)
{
        for (size_t i = 0; i < n; i++) {
                const struct pkt_form *f = &forms[i];
                bool fits = len == UINT32_MAX || (f->exact ? len == f->len : len >= f->len);
                if (f->type == type && fits)
                        return f;
        }
        return NULL;
}

/* Does every argument of @args name a field of @k, or stand at the place of one? */
static bool
args_fit(struct pkt_kind k, const struct pkt_spec_arg *args, int n)
{
        for (int a = 0; a < n; a++) {
                bool fits = !args[a].key[0] && a < k.n;
                for (unsigned f = 0; f < k.n && !fits; f++)
                        fits = strcmp(k.fields[f].name, args[a].key) == 0;
                if (!fits)
                        return false;
        }
        return true;
}

const struct pkt_form *
pkt_form_for_args(const struct pkt_form *forms, size_t n, unsigned type,
                  const struct pkt_spec_arg *args, int n_args)
{
        for (size_t i = 0; i < n; i++)
                if (forms[i].type == type && args_fit(forms[i].kind, args, n_args))
                        return &forms[i];
        return pkt_form_of(forms, n, type, UINT32_MAX);
}

int
pkt_form_split(const char *text, const char *any, const struct pkt_name *names, uint32_t max_type,
               uint32_t *ret_type, struct pkt_spec_arg *args, int *ret_n,
               struct pkt_spec_arg *fields, unsigned max)
{
        static const char *const not_fields[] = { "len", "type", NULL };
        /* Why 64: longer than any kind's name ("Address-and-Control-Field-Compression"). */
        char name[64];
        int n = pkt_spec_split(text, name, sizeof(name), args, max);

        if (n < 0)
                return n;
        const char *type = strcmp(name, any) == 0 ? pkt_spec_arg(args, n, "type", -1) : name;
        if (!type || pkt_name_value(names, type, max_type, ret_type) < 0)
                return -EINVAL;
        *ret_n = n;
        return pkt_spec_args_without(args, n, not_fields, fields);
}

/* Why 16: more arguments than any listed entry has fields. */
#define LISTED_ARGS_MAX 16

int
pkt_form_listed_entry(const char *text)
{
        struct pkt_spec_arg args[LISTED_ARGS_MAX];
        char name[32];

        return pkt_spec_split(text, name, sizeof(name), args, LISTED_ARGS_MAX) < 0 ? -EINVAL : 0;
}

/* Why 2048: more entries than a message of the largest MTU in use (9,000 bytes) holds (CDP's and
 * IS-IS's are 5 bytes or more); bounds the walk over a hostile message. */
#define ENTRIES_MAX 2048

int
pkt_entries_next(const struct pkt_view *v, struct pkt_elem *e, const struct pkt_entries *s)
{
        struct pkt_elem t = PKT_ELEM_INIT;
        uint32_t target = e->count == 0 ? 0 : e->next;

        if (e->count >= ENTRIES_MAX)
                return 0;
        while (s->tlvs_next(v, &t) == 1) {
                t.count++;
                if (t.flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED))
                        return 0;
                uint32_t first = t.off + t.data_off + s->skip, end = t.off + t.len;
                const uint8_t *h = v->b + t.off;
                unsigned type = t.data_off == 2 ? h[0] : pkt_load_be16(h);
                if ((type != s->type && (s->type2 == 0 || type != s->type2)) || end <= first ||
                    target >= end)
                        continue;
                uint32_t pos = MAX(target, first), room = end - pos;
                uint32_t len = s->size ? (room >= s->size ? s->size : 0) : s->len(v->b + pos, room);
                e->off = pos;
                e->len = len ? len : end - pos;
                e->next = len ? pos + len : end;
                if (!len) {
                        e->flags |= PKT_ELEM_BAD_LEN;
                        return 1;
                }
                struct pkt_kind k = s->kind_of ? s->kind_of(v->b + pos, len) : s->kind;
                e->kind_fields = k.fields;
                e->n_kind_fields = k.n;
                return 1;
        }
        return 0;
}
