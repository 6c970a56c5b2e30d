/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Walking every field of a packet from the field tables, and the readable printer and hexdump built on
 * that walk. No protocol carries its own printer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pkt/proto.h>

#include "internal.h"

/* Why 1 KiB: longer values (payloads shown as hex) are cut and marked, the printer is for people. */
#define VALUE_TEXT_MAX 1024

static int
visit_field(const struct pkt_field *f, const uint8_t *msg, uint32_t msg_len, const uint8_t *base,
            uint32_t len, const struct pkt_field *table, unsigned k, pkt_visit_fn fn, void *ctx)
{
        char text[VALUE_TEXT_MAX];
        struct field_loc loc;
        struct pkt_value v = { .type = f->type, .flags = f->flags };

        if (pkt_field_locate(base, len, table, k, &loc) < 0)
                return 0;
        v.bits = loc.bits;
        v.is_int = loc.bits <= 64 && (f->type == PKT_FT_UINT || f->type == PKT_FT_ENUM ||
                                      f->type == PKT_FT_FLAGS || loc.bit_off % 8 || loc.bits % 8);
        v.is_signed = f->flags & PKT_FF_SIGNED;
        if (v.is_int)
                v.u = pkt_bits_read(base, loc.bit_off, loc.bits, f->flags & PKT_FF_LE);
        else if ((f->type == PKT_FT_BYTES || f->type == PKT_FT_STRING) && loc.bit_off % 8 == 0) {
                v.bytes = base + loc.bit_off / 8;
                v.n_bytes = loc.bits / 8;
        }
        int r = pkt_value_format(f, msg, msg_len, base, loc, text, sizeof(text));
        if (r == -EMSGSIZE)
                memcpy(text + sizeof(text) - 4, "...", 4);
        else if (r < 0)
                return 0; /* e.g. a DNS name whose pointer leads nowhere: nothing to show */
        v.text = text;
        return fn(ctx, PKT_VISIT_FIELD, f->name, NULL, &v);
}

static int
visit_set(struct pkt *p, unsigned idx, const struct pkt_elem_set *set, pkt_visit_fn fn, void *ctx)
{
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *msg = p->data + l->off;
        bool is_open = false;
        int r = 0;

        PKT_ELEM_FOREACH(p, idx, set->name, e)
        {
                if (!is_open && (r = fn(ctx, PKT_VISIT_SET_BEGIN, set->name, l, NULL)) < 0)
                        return r;
                is_open = true;
                const struct pkt_value flags = {
                        .is_int = true, .bits = 16, .u = e.flags, .bytes = msg + e.off, .n_bytes = e.len
                };
                if ((r = fn(ctx, PKT_VISIT_ELEM_BEGIN, set->elem_name, l, &flags)) < 0)
                        return r;
                for (unsigned k = 0; k < set->n_fields; k++)
                        if ((r = visit_field(&set->fields[k], msg, l->len, msg + e.off, e.len, set->fields, k,
                                             fn, ctx)) < 0)
                                return r;
                for (unsigned k = 0; k < e.n_kind_fields && e.data_off <= e.len; k++)
                        if ((r = visit_field(&e.kind_fields[k], msg, l->len, msg + e.off + e.data_off,
                                             e.len - e.data_off, e.kind_fields, k, fn, ctx)) < 0)
                                return r;
                if ((r = fn(ctx, PKT_VISIT_ELEM_END, set->elem_name, l, NULL)) < 0)
                        return r;
        }
        return is_open ? fn(ctx, PKT_VISIT_SET_END, set->name, l, NULL) : 0;
}

static int
visit_layer(struct pkt *p, unsigned idx, pkt_visit_fn fn, void *ctx)
{
        const struct pkt_layer *l = &p->layers[idx];
        const struct pkt_proto *pr = proto_of(l->proto);
        const uint8_t *h = p->data + l->off;
        int r;

        pkt_elems_check(p, idx);
        if ((r = fn(ctx, PKT_VISIT_LAYER_BEGIN, pr->name, l, NULL)) < 0)
                return r;
        for (unsigned k = 0; k < pr->n_fields; k++)
                if ((r = visit_field(&pr->fields[k], h, l->len, h, l->hdr_len, pr->fields, k, fn, ctx)) < 0)
                        return r;
        for (unsigned s = 0; s < pr->n_elems; s++)
                if ((r = visit_set(p, idx, &pr->elems[s], fn, ctx)) < 0)
                        return r;
        return fn(ctx, PKT_VISIT_LAYER_END, pr->name, l, NULL);
}

int
pkt_visit(struct pkt *p, pkt_visit_fn fn, void *ctx)
{
        pkt_assert_return(p && fn, -EINVAL);
        pkt_dissect_all(p);
        for (unsigned i = 0; i < p->n_layers; i++) {
                int r = visit_layer(p, i, fn, ctx);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- the readable printer ---- */

struct printer {
        pkt_write_fn write;
        void *ctx;
        unsigned depth;
};

static int
emit(struct printer *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
emit(struct printer *pr, const char *fmt, ...)
{
        char line[VALUE_TEXT_MAX + 128];
        va_list ap;

        va_start(ap, fmt);
        int n = vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;
        return pr->write(pr->ctx, line, MIN((size_t)n, sizeof(line) - 1));
}

/* Is @text a value the field's names had no name for (its number, as field.c writes it)? Then the
 * number is not repeated after it. */
static bool
is_plain_number(const char *text)
{
        if (text[0] == '0' && text[1] == 'x')
                return text[2] && text[2 + strspn(text + 2, "0123456789abcdef")] == '\0';
        return text[0] && text[strspn(text, "0123456789")] == '\0';
}

static int
print_event(void *ctx, enum pkt_visit_event ev, const char *name, const struct pkt_layer *l,
            const struct pkt_value *v)
{
        struct printer *pr = ctx;

        switch (ev) {
        case PKT_VISIT_LAYER_BEGIN:
                pr->depth = 1;
                return emit(pr, "%s (%u+%u bytes)%s%s\n", name, l->hdr_len, l->len - l->hdr_len,
                            l->flags & PKT_LAYER_TRUNCATED ? " [truncated]" : "",
                            l->flags & PKT_LAYER_MALFORMED ? " [malformed]" : "");
        case PKT_VISIT_FIELD:
                if (v->flags & PKT_FF_COMBINED)
                        return 0; /* its parts follow, by name: easier to read */
                if (v->is_int && (v->type == PKT_FT_ENUM || v->type == PKT_FT_FLAGS) &&
                    !is_plain_number(v->text))
                        return emit(pr, v->flags & PKT_FF_HEX ? "%*s%-12s: %s (0x%llx)\n" : "%*s%-12s: %s (%llu)\n",
                                    (int)pr->depth * 4, "", name, v->text, (unsigned long long)v->u);
                return emit(pr, "%*s%-12s: %s\n", (int)pr->depth * 4, "", name, v->text);
        case PKT_VISIT_SET_BEGIN:
                pr->depth = 2;
                return emit(pr, "    %s:\n", name);
        case PKT_VISIT_ELEM_BEGIN:
                pr->depth = 3;
                return emit(pr, "        - %s%s%s\n", name, v->u & PKT_LAYER_TRUNCATED ? " [truncated]" : "",
                            v->u & PKT_ELEM_FLAGS_MALFORMED ? " [malformed]" : "");
        case PKT_VISIT_SET_END:
        case PKT_VISIT_LAYER_END:
                pr->depth = 1;
                return 0;
        default:
                return 0;
        }
}

int
pkt_print(struct pkt *p, pkt_write_fn write, void *ctx)
{
        struct printer pr = { .write = write, .ctx = ctx, .depth = 1 };
        int r;

        pkt_assert_return(p && write, -EINVAL);
        r = pkt_visit(p, print_event, &pr);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < p->n_layers; i++) {
                size_t n;
                const uint8_t *t = pkt_layer_trailer(p, i, &n);
                if (n > 0) {
                        char hex[VALUE_TEXT_MAX];
                        struct strbuf s = { .buf = hex, .size = sizeof(hex) };
                        for (size_t k = 0; k < n && !s.overflow; k++)
                                strbuf_printf(&s, "%02x", t[k]);
                        if ((r = emit(&pr, "%s trailer (%zu bytes): %s\n", pkt_proto_name(p->layers[i].proto),
                                      n, hex)) < 0)
                                return r;
                }
        }
        return 0;
}

int
pkt_hexdump(const uint8_t *data, size_t len, pkt_write_fn write, void *ctx)
{
        pkt_assert_return((data || len == 0) && write, -EINVAL);

        for (size_t off = 0; off < len; off += 16) {
                char line[96];
                struct strbuf s = { .buf = line, .size = sizeof(line) };
                strbuf_printf(&s, "%04zx  ", off);
                for (size_t i = 0; i < 16; i++) {
                        if (off + i < len)
                                strbuf_printf(&s, "%02x ", data[off + i]);
                        else
                                strbuf_put(&s, "   ", 3);
                        if (i == 7)
                                strbuf_put(&s, " ", 1);
                }
                strbuf_put(&s, " ", 1);
                for (size_t i = 0; i < 16 && off + i < len; i++) {
                        char c = (char)data[off + i];
                        strbuf_put(&s, c >= 0x20 && c < 0x7f ? &c : ".", 1);
                }
                strbuf_put(&s, "\n", 1);
                int r = write(ctx, line, s.len);
                if (r < 0)
                        return r;
        }
        return 0;
}
