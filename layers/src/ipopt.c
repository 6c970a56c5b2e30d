/* SPDX-License-Identifier: BSD-3-Clause */
/* Options in the RFC 791 format, shared by IPv4, TCP and IPv6's option headers. */
#include <string.h>

#include "internal.h"
#include "ipopt.h"

#define OPT_EOL 0
#define OPT_NOP 1

static const struct pkt_ipopt_kind *
kind_of(const struct pkt_ipopt_kind *kinds, uint8_t kind)
{
        for (; kinds && (kinds->fields || kinds->len_min); kinds++)
                if (kinds->kind == kind)
                        return kinds;
        return NULL;
}

static bool
len_fits(const struct pkt_ipopt_kind *k, uint32_t len)
{
        if (!k || k->len_min == 0)
                return true;
        uint32_t max = k->len_max ? k->len_max : k->len_min, step = k->len_step ? k->len_step : 1;
        return len >= k->len_min && len <= max && (len - k->len_min) % step == 0;
}

/* Ends the walk at an element flagged @flag, @len bytes long. */
static int
damaged(struct pkt_elem *e, uint32_t len, uint16_t flag, uint32_t end)
{
        e->len = len;
        e->flags |= flag;
        e->next = end;
        return 1;
}

int
pkt_ipopt_next(const struct pkt_view *v, uint32_t start, uint32_t end, struct pkt_elem *e,
               const struct pkt_ipopt_kind *kinds)
{
        uint32_t pos = e->count == 0 ? start : e->next, hdr_end = end;

        end = MIN(end, v->caplen);
        if (pos >= end)
                return 0;
        uint8_t kind = v->b[pos];
        e->off = pos;
        e->len = 1;
        if (kind == OPT_EOL) {
                e->next = end; /* what follows end-of-list is padding */
                return 1;
        }
        if (kind != OPT_NOP) {
                /* No length byte: cut by the capture, or the header ends. */
                if (pos + 1 >= end)
                        return damaged(e, end - pos,
                                       pos + 1 < hdr_end ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED, end);
                uint32_t olen = v->b[pos + 1];
                const struct pkt_ipopt_kind *k = kind_of(kinds, kind);
                if (olen < 2 || olen > hdr_end - pos)
                        return damaged(e, end - pos, PKT_LAYER_MALFORMED, end);
                if (k) {
                        e->kind_fields = k->fields;
                        e->n_kind_fields = k->n_fields;
                }
                e->data_off = 2;
                if (olen > end - pos)
                        return damaged(e, end - pos, PKT_LAYER_TRUNCATED, end);
                /* Wrong for its kind, but within the header: the length still says where the next
                 * option starts, and the walk goes on there (as tshark's does). */
                if (!len_fits(k, olen))
                        e->flags |= PKT_ELEM_BAD_LEN;
                e->len = olen;
        }
        e->next = pos + e->len;
        return 1;
}

static int
field_by_name(const struct pkt_ipopt_kind *k, const char *name)
{
        for (unsigned i = 0; k && i < k->n_fields; i++)
                if (strcmp(k->fields[i].name, name) == 0)
                        return (int)i;
        return -ENOENT;
}

/* Why 16: more arguments than any option kind has fields. */
#define OPT_ARGS_MAX 16

int
pkt_ipopt_build(const struct pkt_name *names, const struct pkt_ipopt_kind *kinds, unsigned len_bias,
                const char *text, uint8_t *out, size_t size)
{
        struct pkt_spec_arg args[OPT_ARGS_MAX];
        char name[32];
        uint32_t kind;
        size_t len = 2;
        int n, r;

        n = pkt_spec_split(text, name, sizeof(name), args, OPT_ARGS_MAX);
        if (n < 0)
                return n;
        if ((r = pkt_name_value(names, name, 255, &kind)) < 0)
                return r;
        if (size < 2)
                return -EMSGSIZE;
        out[0] = (uint8_t)kind;
        if (kind == OPT_EOL || kind == OPT_NOP)
                return n == 0 ? 1 : -EINVAL;
        const struct pkt_ipopt_kind *k = kind_of(kinds, kind);
        for (int i = 0; i < n; i++) {
                static const struct pkt_field body = { .name = "body", .type = PKT_FT_BYTES };
                int fi = args[i].key[0] ? field_by_name(k, args[i].key) : (k && i < k->n_fields ? i : -ENOENT);
                const struct pkt_field *f = fi >= 0 ? &k->fields[fi] : NULL;
                uint64_t u;
                if (!f && (strcmp(args[i].key, "body") == 0 || (!args[i].key[0] && !k)))
                        f = &body;
                if (!f)
                        return -ENOENT;
                r = pkt_spec_value(f, args[i].value, &u, out + len, size - len);
                if (r < 0)
                        return r;
                len += (size_t)r;
        }
        if (len - len_bias > 255)
                return -EMSGSIZE;
        out[1] = (uint8_t)(len - len_bias);
        return (int)len;
}
