/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One packet as one line of JSON, written by hand from pkt_visit(): pktctl's offline path needs no
 * JSON library for output this regular, and libpkt stays free of one.
 *
 *   {"n":1,"ts":"1700000000.123456789","caplen":60,"len":60,"layers":[
 *     {"layer":"ethernet","dst":"ff:ff:ff:ff:ff:ff",...,"type":2048},
 *     {"layer":"ip",...,"opts":[{"type":1},...]},...]}
 *
 * Integers (also enums and flag sets) are numbers, addresses text, bytes hex strings, element sets
 * arrays of objects; a flagged layer carries "truncated":true / "malformed":true.
 */
#include <errno.h>
#include <string.h>

#include <pkt/proto.h>

#include "pktctl.h"

struct json_ctx {
        FILE *f;
        struct pkt *p;
        unsigned layer_idx;
        unsigned n_layers;
        bool need_comma; /* the current object or array already has a member */
        bool in_elem;
};

void
pktctl_json_str(FILE *f, const char *s, size_t len)
{
        static const char hex[] = "0123456789abcdef";

        putc('"', f);
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '"' || c == '\\') {
                        putc('\\', f);
                        putc(c, f);
                } else if (c >= 0x20 && c < 0x7f) {
                        putc(c, f);
                } else {
                        /* Bytes are taken as Latin-1: valid JSON (and UTF-8) whatever they were. */
                        fputs("\\u00", f);
                        putc(hex[c >> 4], f);
                        putc(hex[c & 15], f);
                }
        }
        putc('"', f);
}

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

/* String fields come as text with C escapes (\r \n \t \" \\ \xHH); JSON gets the bytes back, so a
 * consumer sees "GET /\r\n" and not "GET /\\r\\n". Decodes in place; returns the byte length. */
static size_t
unescape_c(char *s)
{
        size_t o = 0;

        for (size_t i = 0; s[i]; i++) {
                if (s[i] != '\\' || !s[i + 1]) {
                        s[o++] = s[i];
                        continue;
                }
                char e = s[++i];
                if (e == 'r')
                        s[o++] = '\r';
                else if (e == 'n')
                        s[o++] = '\n';
                else if (e == 't')
                        s[o++] = '\t';
                else if (e == 'x' && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
                        s[o++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
                        i += 2;
                } else
                        s[o++] = e;
        }
        return o;
}

static void
write_hex(FILE *f, const uint8_t *b, size_t len)
{
        putc('"', f);
        for (size_t i = 0; i < len; i++)
                fprintf(f, "%02x", b[i]);
        putc('"', f);
}

static void
write_value(struct json_ctx *c, const char *name, const struct pkt_value *v)
{
        size_t len = strlen(v->text);

        if (v->is_int) {
                bool is_neg =
                        v->is_signed && v->bits > 0 && v->bits <= 64 && (v->u >> (v->bits - 1)) & 1;
                if (is_neg && v->bits < 64)
                        fprintf(c->f, "%lld", (long long)(v->u | ~((UINT64_C(1) << v->bits) - 1)));
                else if (is_neg)
                        fprintf(c->f, "%lld", (long long)v->u);
                else
                        fprintf(c->f, "%llu", (unsigned long long)v->u);
                return;
        }
        if (v->type == PKT_FT_BYTES && len >= 3 && strcmp(v->text + len - 3, "...") == 0) {
                /* The visitor cuts long values for people; JSON wants them whole. Elements cannot
                 * be reached by name: theirs keep the visitor's "..." mark, so a cut is never
                 * silent. */
                const uint8_t *b;
                size_t n;
                if (!c->in_elem && pkt_field_get_bytes(c->p, c->layer_idx, name, &b, &n) == 0)
                        return write_hex(c->f, b, n);
                return pktctl_json_str(c->f, v->text, len);
        }
        if (v->type == PKT_FT_STRING) {
                char buf[1024];
                snprintf(buf, sizeof(buf), "%s", v->text);
                return pktctl_json_str(c->f, buf, unescape_c(buf));
        }
        pktctl_json_str(c->f, v->text, len);
}

static void
member(struct json_ctx *c, const char *key)
{
        if (c->need_comma)
                putc(',', c->f);
        c->need_comma = true;
        pktctl_json_str(c->f, key, strlen(key));
        putc(':', c->f);
}

static int
on_event(void *ctx, enum pkt_visit_event ev, const char *name, const struct pkt_layer *l,
         const struct pkt_value *v)
{
        struct json_ctx *c = ctx;

        switch (ev) {
        case PKT_VISIT_LAYER_BEGIN:
                if (c->n_layers++)
                        putc(',', c->f);
                c->layer_idx = (unsigned)(l - c->p->layers);
                c->in_elem = false;
                fputs("{\"layer\":", c->f);
                pktctl_json_str(c->f, name, strlen(name));
                if (l->flags & PKT_LAYER_TRUNCATED)
                        fputs(",\"truncated\":true", c->f);
                if (l->flags & PKT_LAYER_MALFORMED)
                        fputs(",\"malformed\":true", c->f);
                c->need_comma = true;
                break;
        case PKT_VISIT_FIELD:
                member(c, name);
                write_value(c, name, v);
                break;
        case PKT_VISIT_SET_BEGIN:
                member(c, name);
                putc('[', c->f);
                c->need_comma = false;
                break;
        case PKT_VISIT_ELEM_BEGIN:
                if (c->need_comma)
                        putc(',', c->f);
                putc('{', c->f);
                c->need_comma = false;
                c->in_elem = true;
                break;
        case PKT_VISIT_ELEM_END:
                putc('}', c->f);
                c->need_comma = true;
                c->in_elem = false;
                break;
        case PKT_VISIT_SET_END:
                putc(']', c->f);
                c->need_comma = true;
                break;
        case PKT_VISIT_LAYER_END:
                putc('}', c->f);
                break;
        }
        return ferror(c->f) ? -EIO : 0;
}

int
pktctl_json_packet(FILE *f, struct pkt *p, uint64_t n, const struct pkt_pcap_rec *rec)
{
        struct json_ctx c = { .f = f, .p = p };
        int r;

        fprintf(f, "{\"n\":%llu,\"ts\":\"%lld.%09u\",\"caplen\":%u,\"len\":%u,\"layers\":[",
                (unsigned long long)n, (long long)rec->ts_sec, rec->ts_nsec, rec->caplen,
                rec->wire_len);
        r = pkt_visit(p, on_event, &c);
        fputs("]}\n", f);
        if (r < 0)
                return r;
        return ferror(f) ? -EIO : 0;
}
