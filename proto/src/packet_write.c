/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A dissected packet as JSON, written straight into a pktp_buf: no JSON objects, no allocation once
 * the buffer has grown, so that a capture stream can be encoded at line rate. The shape is
 * `pktctl read --json`'s (docs/pktctl.md), which moved here from tools/pktctl/json.c.
 *
 * Two paths print the same bytes. The general one walks pkt_visit(), which formats every value as
 * text for people (and hands over byte and string values whole, which the JSON takes); the direct one
 * writes each field table through its write plan (packet_plan.c: keys ready-quoted, fields located in
 * one pass and read straight from the packet) and asks libpkt by name only for the few fields a plan
 * leaves (a string that needs escaping, a DNS name). A
 * packet the direct path cannot do exactly as the visitor would is written again by the general
 * path. test_packet_write holds the two to the same bytes on the corpus.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <pkt/proto.h>
#include <pktp/packet.h>

#include "packet_plan.h"
#include "pktd-macro.h"

struct writer {
        struct pktp_buf *b;
        struct pkt *p;
        unsigned layer_idx;
        unsigned n_layers;
        bool need_comma; /* the current object or array already has a member */
        /* Where the header of the current layer ends (NULL when the header is all of the layer's
         * bytes: no element can lie past it), and whether the current element's fields past it are
         * left out (it begins in the header: elem_place()). */
        const uint8_t *hdr_end;
        bool leave_out_past_hdr;
};

/* pktp_buf_put() without the call when there is room: most appends on the hot path are a few bytes
 * into a buffer that has long grown to the size of a dissection. */
static inline void
put(struct pktp_buf *b, const void *s, size_t n)
{
        if (b->data && n < b->cap - b->len && !b->err) {
                memcpy(b->data + b->len, s, n);
                b->len += n;
                b->data[b->len] = '\0';
        } else {
                pktp_buf_put(b, s, n);
        }
}

static inline void
put_char(struct pktp_buf *b, char c)
{
        put(b, &c, 1);
}

static inline void
put_u64(struct pktp_buf *b, uint64_t v)
{
        char tmp[20];
        size_t i = sizeof(tmp);

        /* Most values are ports, lengths and flags: one division per two digits. */
        while (v >= 100) {
                unsigned two = (unsigned)(v % 100);
                v /= 100;
                tmp[--i] = (char)('0' + two % 10);
                tmp[--i] = (char)('0' + two / 10);
        }
        if (v >= 10) {
                tmp[--i] = (char)('0' + v % 10);
                v /= 10;
        }
        tmp[--i] = (char)('0' + v);
        put(b, tmp + i, sizeof(tmp) - i);
}

/* Appends the literal @s (a string constant): its length is known at compile time. */
#define PUT_LIT(b, s) put((b), (s), sizeof(s) - 1)

/* A name from a protocol table as a JSON string: copied as it is when it needs no escaping (every
 * built-in name), else escaped. */
static void
put_name(struct pktp_buf *b, const char *name)
{
        size_t n = 0;
        bool is_plain = true;

        for (; name[n]; n++)
                is_plain &= name[n] >= 0x20 && name[n] < 0x7f && name[n] != '"' && name[n] != '\\';
        if (!is_plain) {
                pktp_buf_json_str(b, name, n);
                return;
        }
        put_char(b, '"');
        put(b, name, n);
        put_char(b, '"');
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

static int
write_value(struct writer *w, const struct pkt_value *v)
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
        /* The visitor cuts long text for people; JSON wants the bytes whole. */
        if (v->type == PKT_FT_BYTES && v->bytes)
                return pktp_buf_hex(b, v->bytes, v->n_bytes);
        if (v->type == PKT_FT_STRING && v->bytes)
                return pktp_buf_json_str(b, (const char *)v->bytes, v->n_bytes);
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

/* "key": for a field name, after a comma unless @is_first: written in place in one pass when there
 * is room and the name needs no escaping (every built-in name). */
static void
member_fast(struct pktp_buf *b, const char *key, bool is_first)
{
        /* Why 64: longer than any field name in a table; a longer one takes the general way. */
        enum { NAME_FAST_MAX = 64 };

        if (!b->err && b->data && NAME_FAST_MAX + 5 < b->cap - b->len) {
                char *o = b->data + b->len;
                if (!is_first)
                        *o++ = ',';
                *o++ = '"';
                size_t i = 0;
                for (; i < NAME_FAST_MAX; i++) {
                        unsigned char c = (unsigned char)key[i];
                        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
                                break;
                        o[i] = (char)c;
                }
                if (key[i] == '\0') {
                        o += i;
                        *o++ = '"';
                        *o++ = ':';
                        *o = '\0';
                        b->len = (size_t)(o - b->data);
                        return;
                }
                b->data[b->len] = '\0'; /* take back the partial copy */
        }
        if (!is_first)
                put_char(b, ',');
        put_name(b, key);
        put_char(b, ':');
}

/* "padding": the bytes of layer @idx after its upper layer ends (pypacker's Ethernet padding), when
 * there are any. Last in the layer's object. */
static void
write_trailer(struct pktp_buf *b, struct pkt *p, unsigned idx)
{
        size_t n;
        const uint8_t *t = pkt_layer_trailer(p, idx, &n);

        if (t && n > 0) {
                PUT_LIT(b, ",\"padding\":");
                pktp_buf_hex(b, t, n);
        }
}

/* An element's flags, first in its object as a layer's are in the layer's: "truncated" when the
 * capture cuts it, "malformed" when it contradicts its set (a length wrong for its kind, one that
 * runs past the layer). Returns whether it wrote any. */
static bool
write_elem_flags(struct pktp_buf *b, uint16_t flags)
{
        bool is_truncated = flags & PKT_LAYER_TRUNCATED, is_malformed = flags & PKT_ELEM_FLAGS_MALFORMED;

        if (is_truncated)
                PUT_LIT(b, "\"truncated\":true");
        if (is_truncated && is_malformed)
                put_char(b, ',');
        if (is_malformed)
                PUT_LIT(b, "\"malformed\":true");
        return is_truncated || is_malformed;
}

/* The flags an element is written with ("truncated", "malformed"). */
#define ELEM_FLAGS (PKT_LAYER_TRUNCATED | PKT_ELEM_FLAGS_MALFORMED)

/* Where layer @l's header ends, when bytes of the layer follow it (upper layers, a trailer); else NULL. */
static const uint8_t *
layer_hdr_end(struct pkt *p, const struct pkt_layer *l)
{
        return l->hdr_len < l->len ? pkt_data(p) + l->off + l->hdr_len : NULL;
}

/*
 * Bytes past a layer's header are its upper layers' or its trailer's ("padding"), and the JSON gives
 * them there. An element that lies past the header (an SCTP chunk after the DATA chunk whose data is
 * the next layer) is still listed, marked "beyond_header" so that Build skips it; a field of an
 * element begun in the header that starts past it (that DATA chunk's data) is not written. Both
 * writers place an element here.
 */
enum elem_place {
        ELEM_ANYWHERE, /* the header is the whole layer, or a flagged element: written as found */
        ELEM_IN_HDR,   /* begins in the header: its fields past it are left out */
        ELEM_BEYOND,   /* lies past the header: marked */
};

/* Where the element at @b (flags @flags) lies. A flagged element ends its set where the walk broke
 * off: its place says nothing. */
static enum elem_place
elem_place(const struct writer *w, const uint8_t *b, uint16_t flags)
{
        if (!w->hdr_end || !b || (flags & ELEM_FLAGS))
                return ELEM_ANYWHERE;
        return b < w->hdr_end ? ELEM_IN_HDR : ELEM_BEYOND;
}

/* The mark of an element past the header, after a member when @is_after. */
static void
put_beyond_header(struct pktp_buf *b, bool is_after)
{
        if (is_after)
                put_char(b, ',');
        PUT_LIT(b, "\"beyond_header\":true");
}

/* Is field value @v of the current element past the header (bytes that begin there; an empty field
 * at its end is not), where only an element that lies there too is written whole? */
static bool
is_beyond_header(const struct writer *w, const struct pkt_value *v)
{
        return w->leave_out_past_hdr && !v->is_int && v->bytes && v->n_bytes > 0 && v->bytes >= w->hdr_end;
}

/* Is @l a layer with no header of its own (the segment continues a message begun earlier: TLS, NBSS)
 * where its protocol's headers usually have bytes? Said, so that Build makes it empty again. */
static bool
is_continuation(const struct pkt_layer *l)
{
        const struct pkt_proto *pr = pkt_proto_get(l->proto);

        return l->hdr_len == 0 && !(l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)) && pr &&
               pr->min_hdr_len == 0 && pr->def_hdr_len > 0;
}

/* What a dissection found of layer @l, after its name: cut short, contradicting itself, or headerless. */
static void
put_layer_flags(struct pktp_buf *b, const struct pkt_layer *l)
{
        if (l->flags & PKT_LAYER_TRUNCATED)
                PUT_LIT(b, ",\"truncated\":true");
        if (l->flags & PKT_LAYER_MALFORMED)
                PUT_LIT(b, ",\"malformed\":true");
        if (is_continuation(l))
                PUT_LIT(b, ",\"continuation\":true");
}

/* A layer kept as written where its protocol would re-encode it (a DNS message whose names are not
 * compressed): its switch, off, so that Build gives the same bytes back. */
static void
put_encoding_switch(struct pktp_buf *b, struct pkt *p, unsigned idx)
{
        const char *sw = pkt_proto_encoding_switch(p->layers[idx].proto);

        if (!sw || !pkt_layer_is_as_written(p, idx))
                return;
        PUT_LIT(b, ",");
        pktp_buf_json_str(b, sw, strlen(sw));
        PUT_LIT(b, ":false");
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
                w->hdr_end = layer_hdr_end(w->p, l);
                PUT_LIT(b, "{\"layer\":");
                pktp_buf_json_str(b, name, strlen(name));
                put_layer_flags(b, l);
                put_encoding_switch(b, w->p, w->layer_idx);
                w->need_comma = true;
                break;
        case PKT_VISIT_FIELD:
                if (is_beyond_header(w, v))
                        break;
                member(w, name);
                write_value(w, v);
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
                w->need_comma = write_elem_flags(b, (uint16_t)v->u);
                enum elem_place place = elem_place(w, v->bytes, (uint16_t)v->u);
                if (place == ELEM_BEYOND) {
                        put_beyond_header(b, w->need_comma);
                        w->need_comma = true;
                }
                w->leave_out_past_hdr = place == ELEM_IN_HDR;
                break;
        case PKT_VISIT_ELEM_END:
                pktp_buf_putc(b, '}');
                w->need_comma = true;
                w->leave_out_past_hdr = false;
                break;
        case PKT_VISIT_SET_END:
                pktp_buf_putc(b, ']');
                w->need_comma = true;
                break;
        case PKT_VISIT_LAYER_END:
                write_trailer(b, w->p, w->layer_idx);
                pktp_buf_putc(b, '}');
                break;
        }
        /* Stop the walk at the first failure: nothing more can be appended anyway. */
        return b->err;
}

/*
 * The fast path. pkt_visit() formats every value as text for people (vsnprintf per integer, the
 * first KiB of every payload as hex), which the JSON throws away for all but a few types; at a
 * million packets per second that is most of the time. Layers made only of plain fields (integers,
 * addresses, bytes, short strings, and no elements) are written here straight from the field
 * table and the packet's bytes, with exactly the text the visitor path writes; anything else (DNS
 * names, elements, long strings, odd bit positions) sends the whole packet down the visitor path.
 */
enum { FAST_OK = 0, FAST_NO = 1 };

static void
put_mac(struct pktp_buf *b, const uint8_t *m)
{
        static const char hex[] = "0123456789abcdef";
        char t[19] = { '"' };

        for (int i = 0; i < 6; i++) {
                t[1 + 3 * i] = hex[m[i] >> 4];
                t[2 + 3 * i] = hex[m[i] & 15];
                t[3 + 3 * i] = i < 5 ? ':' : '"';
        }
        pktp_buf_put(b, t, sizeof(t));
}

static void
put_ipv4(struct pktp_buf *b, const uint8_t *a)
{
        char t[17], *o = t;

        *o++ = '"';
        for (int i = 0; i < 4; i++) {
                unsigned v = a[i];
                if (v >= 100)
                        *o++ = (char)('0' + v / 100);
                if (v >= 10)
                        *o++ = (char)('0' + v / 10 % 10);
                *o++ = (char)('0' + v % 10);
                *o++ = i < 3 ? '.' : '"';
        }
        pktp_buf_put(b, t, (size_t)(o - t));
}

/* Bytes of a string field as the visitor's C-escaped text would be: FAST_NO when that text would be
 * cut (1 KiB with its NUL), since the visitor path then writes the cut text. */
static int
string_fits(const uint8_t *s, size_t n)
{
        size_t len = 0;

        for (size_t i = 0; i < n; i++) {
                uint8_t c = s[i];
                len += c == '\r' || c == '\n' || c == '\t' || c == '"' || c == '\\' ? 2 : c >= 0x20 && c < 0x7f ? 1 : 4;
                if (len > 1000)
                        return FAST_NO;
        }
        return FAST_OK;
}

/* Whether field @k of @table starts on a byte: its own offset says, or every field before it is
 * whole bytes from a byte boundary (a PKT_OFF_FOLLOW field starts where the one before ends). */
static bool
is_byte_aligned(const struct pkt_field *table, unsigned k)
{
        for (unsigned i = k + 1; i-- > 0;) {
                if (i < k && table[i].bits % 8)
                        return false;
                if (table[i].off != PKT_OFF_FOLLOW)
                        return table[i].off % 8 == 0;
        }
        return true; /* the first field starts at the element */
}

static int
fast_field(struct pktp_buf *b, struct pkt *p, unsigned idx, const struct pkt_field *table, unsigned k)
{
        const struct pkt_field *f = &table[k];
        const uint8_t *d;
        size_t n;
        uint64_t u;
        int r;

        switch (f->type) {
        case PKT_FT_UINT:
        case PKT_FT_FLAGS:
        case PKT_FT_ENUM:
                if (f->bits == 0)
                        return FAST_NO;
                r = pkt_field_get_u64(p, idx, f->name, &u);
                if (r == -ENODATA)
                        return FAST_OK; /* beyond the header: the visitor skips it too */
                if (r < 0)
                        return FAST_NO;
                member_fast(b, f->name, false);
                if ((f->flags & PKT_FF_SIGNED) && (u >> (f->bits - 1)) & 1)
                        pktp_buf_i64(b, f->bits < 64 ? (int64_t)(u | ~((UINT64_C(1) << f->bits) - 1)) : (int64_t)u);
                else
                        put_u64(b, u);
                return FAST_OK;
        case PKT_FT_MAC:
        case PKT_FT_IPV4:
        case PKT_FT_IPV6:
        case PKT_FT_BYTES:
        case PKT_FT_STRING:
                if (f->bits % 8 || !is_byte_aligned(table, k))
                        return FAST_NO; /* the visitor reports such a field as an integer */
                r = pkt_field_get_bytes(p, idx, f->name, &d, &n);
                if (r == -ENODATA)
                        return FAST_OK;
                if (r < 0)
                        return FAST_NO;
                if (f->type == PKT_FT_STRING && string_fits(d, n) != FAST_OK)
                        return FAST_NO;
                member_fast(b, f->name, false);
                if (f->type == PKT_FT_MAC && n == 6)
                        put_mac(b, d);
                else if (f->type == PKT_FT_IPV4 && n == 4)
                        put_ipv4(b, d);
                else if (f->type == PKT_FT_IPV6 && n == 16) {
                        char text[INET6_ADDRSTRLEN];
                        inet_ntop(AF_INET6, d, text, sizeof(text));
                        pktp_buf_json_str(b, text, strlen(text));
                } else if (f->type == PKT_FT_BYTES)
                        pktp_buf_hex(b, d, n);
                else if (f->type == PKT_FT_STRING)
                        pktp_buf_json_str(b, (const char *)d, n);
                else
                        return FAST_NO;
                return FAST_OK;
        case PKT_FT_DNSNAME: {
                char text[1024];
                if (!is_byte_aligned(table, k))
                        return FAST_NO;
                r = pkt_field_get_str(p, idx, f->name, text, sizeof(text));
                if (r == -EMSGSIZE)
                        memcpy(text + sizeof(text) - 4, "...", 4); /* the visitor's cut mark */
                else if (r < 0)
                        return FAST_OK; /* not there, or a name that leads nowhere: skipped */
                member_fast(b, f->name, false);
                pktp_buf_json_str(b, text, strlen(text));
                return FAST_OK;
        }
        default:
                return FAST_NO;
        }
}

/* One field of an element, as the visitor would report it, through the writer's write_value(). */
static int
fast_elem_field(struct writer *w, unsigned idx, const struct pkt_elem *e, const struct pkt_field *table,
                unsigned k, bool is_first)
{
        const struct pkt_field *f = &table[k];
        struct pkt_value v = { .type = f->type, .flags = f->flags, .is_signed = f->flags & PKT_FF_SIGNED };
        char text[1024];
        int r;

        v.is_int = f->type == PKT_FT_UINT || f->type == PKT_FT_FLAGS || f->type == PKT_FT_ENUM;
        if (v.is_int) {
                if (f->bits == 0)
                        return FAST_NO;
                v.bits = f->bits;
                r = pkt_elem_get_u64(w->p, idx, e, f->name, &v.u);
                if (r == -ENODATA)
                        return FAST_OK;
                if (r < 0)
                        return FAST_NO;
                v.text = "";
        } else if (f->type == PKT_FT_BYTES || f->type == PKT_FT_STRING) {
                const uint8_t *d;
                size_t n;
                if (f->bits % 8 || !is_byte_aligned(table, k))
                        return FAST_NO; /* the visitor reports such a field as an integer */
                r = pkt_elem_get_bytes(w->p, idx, e, f->name, &d, &n);
                if (r < 0)
                        return r == -EINVAL ? FAST_NO : FAST_OK; /* -EINVAL: not on whole bytes */
                member_fast(w->b, f->name, is_first);
                if (f->type == PKT_FT_BYTES)
                        pktp_buf_hex(w->b, d, n);
                else
                        pktp_buf_json_str(w->b, (const char *)d, n);
                return FAST_OK;
        } else {
                if (f->bits % 8 || !is_byte_aligned(table, k))
                        return FAST_NO; /* the visitor reports such a field as an integer */
                r = pkt_elem_get_str(w->p, idx, e, f->name, text, sizeof(text));
                if (r == -EMSGSIZE)
                        memcpy(text + sizeof(text) - 4, "...", 4); /* the visitor's cut mark */
                else if (r < 0)
                        return FAST_OK; /* not there, or a name that leads nowhere: skipped */
                v.text = text;
        }
        member_fast(w->b, f->name, is_first);
        write_value(w, &v);
        return FAST_OK;
}

/* The fields of @table (@n) located in the @len bytes at @base: through its plan when it has one,
 * else field by field; a field the plan cannot write goes by name. */
static int
fast_fields(struct writer *w, unsigned idx, const struct pkt_elem *e, const struct pkt_field *table, unsigned n,
            const uint8_t *base, uint32_t len, bool *is_first)
{
        struct pktp_buf *b = w->b;
        const struct pkt_layer *l = &w->p->layers[idx];
        const uint8_t *msg = pkt_data(w->p) + l->off;
        const struct plan *pl = plan_get(table, n);

        if (!pl) {
                /* A table without a plan (a registered protocol's name that needs escaping or is
                 * very long): every field by name. */
                (void)base;
                (void)len;
                for (unsigned k = 0; k < n; k++) {
                        size_t before = b->len;
                        if (e ? fast_elem_field(w, idx, e, table, k, *is_first) != FAST_OK
                              : fast_field(b, w->p, idx, table, k) != FAST_OK)
                                return FAST_NO;
                        *is_first &= b->len == before;
                }
                return FAST_OK;
        }
        struct plan_pos pos = { .is_first = *is_first };
        while (plan_write(b, pl, msg, l->len, base, len, &pos) == PLAN_FIELD_SLOW) {
                size_t before = b->len;
                if (e ? fast_elem_field(w, idx, e, table, pos.k, pos.is_first) != FAST_OK
                      : fast_field(b, w->p, idx, table, pos.k) != FAST_OK)
                        return FAST_NO;
                pos.is_first &= b->len == before;
                pos.k++;
        }
        *is_first = pos.is_first;
        return FAST_OK;
}

static int
fast_set(struct writer *w, unsigned idx, const struct pkt_proto *pr, unsigned set_idx)
{
        struct pktp_buf *b = w->b;
        const struct pkt_elem_set *set = &pr->elems[set_idx];
        bool is_open = false;

        /* By index: the set is one of the descriptor's, and a lookup by name per element cost
         * about a tenth of a DNS packet's time. */
        for (struct pkt_elem e = PKT_ELEM_INIT; pkt_elem_next_idx(w->p, idx, set_idx, &e) == 1;) {
                if (!is_open) {
                        member_fast(b, set->name, false);
                        put_char(b, '[');
                } else {
                        put_char(b, ',');
                }
                is_open = true;
                put_char(b, '{');
                bool is_first = !write_elem_flags(b, e.flags);
                const uint8_t *eb = pkt_data(w->p) + w->p->layers[idx].off + e.off;
                /* An element that runs past the header from inside it (an SCTP DATA chunk and its
                 * data, the next layer) has fields to leave out, which the plans do not do. */
                enum elem_place place = elem_place(w, eb, e.flags);
                if (place == ELEM_BEYOND) {
                        put_beyond_header(b, !is_first);
                        is_first = false;
                } else if (place == ELEM_IN_HDR && e.len > (size_t)(w->hdr_end - eb)) {
                        return FAST_NO;
                }
                if (fast_fields(w, idx, &e, set->fields, set->n_fields, eb, e.len, &is_first) != FAST_OK)
                        return FAST_NO;
                if (e.n_kind_fields && e.data_off <= e.len &&
                    fast_fields(w, idx, &e, e.kind_fields, e.n_kind_fields, eb + e.data_off, e.len - e.data_off,
                                &is_first) != FAST_OK)
                        return FAST_NO;
                put_char(b, '}');
        }
        if (is_open)
                put_char(b, ']');
        return FAST_OK;
}

static int
fast_layer(struct writer *w, unsigned idx, bool is_first)
{
        struct pktp_buf *b = w->b;
        struct pkt *p = w->p;
        const struct pkt_proto *pr = pkt_proto_get(p->layers[idx].proto);
        size_t start = b->len;

        if (!pr)
                return FAST_NO;
        const struct pkt_layer *l = &p->layers[idx];
        w->layer_idx = idx;
        w->hdr_end = layer_hdr_end(p, l);
        /* The layer's flags come first but, for a layer whose dissector left its elements unchecked
         * (PKT_P_LAZY_ELEMS), are settled only by walking them, as the visitor does before it reports
         * the layer. Walking them once while writing and writing the layer again in the rare case
         * that the walk changed the flags saves the second walk. */
        for (unsigned pass = 0; pass < 2; pass++) {
                uint16_t flags = l->flags;
                if (!is_first)
                        put_char(b, ',');
                size_t head_len;
                const char *head = plan_layer_head(pr, &head_len);
                if (head) {
                        put(b, head, head_len);
                } else {
                        PUT_LIT(b, "{\"layer\":");
                        put_name(b, pr->name);
                }
                put_layer_flags(b, l);
                put_encoding_switch(b, p, idx);
                bool is_no_comma = false;
                if (fast_fields(w, idx, NULL, pr->fields, pr->n_fields, pkt_data(p) + l->off, l->hdr_len,
                                &is_no_comma) != FAST_OK)
                        return FAST_NO;
                for (unsigned s = 0; s < pr->n_elems; s++)
                        if (fast_set(w, idx, pr, s) != FAST_OK)
                                return FAST_NO;
                if (l->flags == flags || b->err)
                        break;
                b->len = start;
                b->data[start] = '\0';
        }
        write_trailer(b, p, idx);
        put_char(b, '}');
        return FAST_OK;
}

int
pktp_packet_write_layers(struct pktp_buf *b, struct pkt *p)
{
        struct writer w = { .b = b, .p = p };
        size_t start;
        int r;

        if (!b || !p)
                return -EINVAL;
        if (b->err)
                return b->err;
        start = b->len;
        pktp_buf_putc(b, '[');
        pkt_dissect_all(p);
        bool is_fast = true;
        for (unsigned i = 0; i < p->n_layers && is_fast; i++)
                is_fast = fast_layer(&w, i, i == 0) == FAST_OK;
        if (b->err)
                return b->err;
        if (!is_fast) {
                /* Take back what the fast path wrote and walk the packet the general way. */
                b->len = start + 1;
                b->data[b->len] = '\0';
                r = pkt_visit(p, on_event, &w);
                if (r < 0)
                        return r;
        }
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
