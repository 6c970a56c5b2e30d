/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A dissected packet as JSON, written straight into a pktp_buf from pkt_visit(): no JSON objects, no
 * allocation once the buffer has grown, so that a capture stream can be encoded at line rate. The
 * shape is `pktctl read --json`'s (docs/pktctl.md), which moved here from tools/pktctl/json.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <pkt/proto.h>
#include <pktp/packet.h>

struct writer {
        struct pktp_buf *b;
        struct pkt *p;
        unsigned layer_idx;
        unsigned n_layers;
        bool need_comma; /* the current object or array already has a member */
        bool in_elem;
};

/* Appends the literal @s (a string constant): its length is known at compile time. */
#define PUT_LIT(b, s) pktp_buf_put((b), (s), sizeof(s) - 1)

static int
hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/*
 * String fields come from the visitor as text with C escapes (\r \n \t \" \\ \xHH); JSON gets the
 * bytes back, so that a consumer sees "GET /\r\n" and not "GET /\\r\\n". Writes the decoded bytes
 * of @s (@len bytes) to @out (room for @len) and returns their length.
 */
static size_t
unescape_c(const char *s, size_t len, char *out)
{
        size_t o = 0;

        for (size_t i = 0; i < len; i++) {
                if (s[i] != '\\' || i + 1 == len) {
                        out[o++] = s[i];
                        continue;
                }
                char e = s[++i];
                if (e == 'r')
                        out[o++] = '\r';
                else if (e == 'n')
                        out[o++] = '\n';
                else if (e == 't')
                        out[o++] = '\t';
                else if (e == 'x' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
                        out[o++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
                        i += 2;
                } else
                        out[o++] = e;
        }
        return o;
}

static bool
ends_with_cut_mark(const char *text, size_t len)
{
        return len >= 3 && memcmp(text + len - 3, "...", 3) == 0;
}

static int
write_value(struct writer *w, const char *name, const struct pkt_value *v)
{
        struct pktp_buf *b = w->b;

        if (v->is_int) {
                bool is_neg = v->is_signed && v->bits > 0 && v->bits <= 64 && (v->u >> (v->bits - 1)) & 1;
                if (is_neg && v->bits < 64)
                        return pktp_buf_i64(b, (int64_t)(v->u | ~((UINT64_C(1) << v->bits) - 1)));
                if (is_neg)
                        return pktp_buf_i64(b, (int64_t)v->u);
                return pktp_buf_u64(b, v->u);
        }

        size_t len = strlen(v->text);
        if (v->type == PKT_FT_BYTES && ends_with_cut_mark(v->text, len)) {
                /* The visitor cuts long values for people; JSON wants them whole. Elements cannot
                 * be reached by name: theirs keep the visitor's "..." mark, so a cut is never
                 * silent. */
                const uint8_t *data;
                size_t n;
                if (!w->in_elem && pkt_field_get_bytes(w->p, w->layer_idx, name, &data, &n) == 0)
                        return pktp_buf_hex(b, data, n);
                return pktp_buf_json_str(b, v->text, len);
        }
        if (v->type == PKT_FT_STRING) {
                /* The visitor's text is at most 1 KiB; its bytes are never longer than it. */
                char bytes[1024];
                if (len > sizeof(bytes))
                        len = sizeof(bytes);
                return pktp_buf_json_str(b, bytes, unescape_c(v->text, len, bytes));
        }
        return pktp_buf_json_str(b, v->text, len);
}

static void
member(struct writer *w, const char *key)
{
        if (w->need_comma)
                pktp_buf_putc(w->b, ',');
        w->need_comma = true;
        pktp_buf_json_str(w->b, key, strlen(key));
        pktp_buf_putc(w->b, ':');
}

static int
on_event(void *ctx, enum pkt_visit_event ev, const char *name, const struct pkt_layer *l,
         const struct pkt_value *v)
{
        struct writer *w = ctx;
        struct pktp_buf *b = w->b;

        switch (ev) {
        case PKT_VISIT_LAYER_BEGIN:
                if (w->n_layers++)
                        pktp_buf_putc(b, ',');
                w->layer_idx = (unsigned)(l - w->p->layers);
                w->in_elem = false;
                PUT_LIT(b, "{\"layer\":");
                pktp_buf_json_str(b, name, strlen(name));
                if (l->flags & PKT_LAYER_TRUNCATED)
                        PUT_LIT(b, ",\"truncated\":true");
                if (l->flags & PKT_LAYER_MALFORMED)
                        PUT_LIT(b, ",\"malformed\":true");
                w->need_comma = true;
                break;
        case PKT_VISIT_FIELD:
                member(w, name);
                write_value(w, name, v);
                break;
        case PKT_VISIT_SET_BEGIN:
                member(w, name);
                pktp_buf_putc(b, '[');
                w->need_comma = false;
                break;
        case PKT_VISIT_ELEM_BEGIN:
                if (w->need_comma)
                        pktp_buf_putc(b, ',');
                pktp_buf_putc(b, '{');
                w->need_comma = false;
                w->in_elem = true;
                break;
        case PKT_VISIT_ELEM_END:
                pktp_buf_putc(b, '}');
                w->need_comma = true;
                w->in_elem = false;
                break;
        case PKT_VISIT_SET_END:
                pktp_buf_putc(b, ']');
                w->need_comma = true;
                break;
        case PKT_VISIT_LAYER_END:
                pktp_buf_putc(b, '}');
                break;
        }
        /* Stop the walk at the first failure: nothing more can be appended anyway. */
        return b->err;
}

int
pktp_packet_write_layers(struct pktp_buf *b, struct pkt *p)
{
        struct writer w = { .b = b, .p = p };
        int r;

        if (!b || !p)
                return -EINVAL;
        if (b->err)
                return b->err;
        pktp_buf_putc(b, '[');
        r = pkt_visit(p, on_event, &w);
        if (r < 0)
                return r;
        return pktp_buf_putc(b, ']');
}

int
pktp_packet_write(struct pktp_buf *b, struct pkt *p)
{
        if (!b || !p)
                return -EINVAL;
        /* Dissect first: the lengths are the packet's, whatever the visit finds. */
        pkt_dissect_all(p);
        PUT_LIT(b, "{\"caplen\":");
        pktp_buf_u64(b, pkt_len(p));
        PUT_LIT(b, ",\"len\":");
        pktp_buf_u64(b, p->wire_len);
        PUT_LIT(b, ",\"layers\":");
        pktp_packet_write_layers(b, p);
        return pktp_buf_putc(b, '}');
}
