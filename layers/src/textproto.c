/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The message shape HTTP (RFC 9112 2.1) and SIP (RFC 3261 7) share with Internet mail (RFC 5322 2.2):
 *
 *   start-line CRLF
 *   *( field-name ":" OWS field-value OWS CRLF )
 *   CRLF
 *   [ message-body ]
 *
 * The head (start line through the empty line) is the layer's header and the body its payload. Lines
 * end in CRLF; a bare LF is taken as a line end too (RFC 9112 2.2 lets a recipient do so). Every scan
 * is bounded by the captured bytes and moves forward at least one byte per step.
 */
#include <string.h>

#include "internal.h"
#include "textproto.h"

/* clang-format off */
const struct pkt_field pkt_text_hdr_fields[1] = {
        { .name = "name", .off = 0, .bits = 0, .type = PKT_FT_STRING, .flags = PKT_FF_DELIM, .def_bytes = ":" },
};

const struct pkt_field pkt_text_value_fields[1] = {
        { .name = "value", .off = 0, .bits = 0, .type = PKT_FT_STRING },
};

/* A line whose colon is not followed by a space ("host:239.255.255.250:1900" in SSDP, SIP's compact
 * "v:SIP/2.0/UDP ..."): the separator is a field of its own, so that the line builds back as it came. A
 * usual ": " is no field: every other line would carry it. */
static const struct pkt_field text_sep_value_fields[2] = {
        { .name = "sep",   .off = 0, .bits = 8, .type = PKT_FT_STRING },
        { .name = "value", .off = 8, .bits = 0, .type = PKT_FT_STRING },
};
/* clang-format on */

#define TEXT_SEP     ": " /* what a builder writes after a header name (RFC 9112 5.1: OWS, one SP) */
#define TEXT_SEP_LEN 2

/* Finds the end of the line starting at @pos: *@ret_eol is where its CR (or bare LF) is, *@ret_next
 * the start of the next line. False when no LF is captured. */
static bool
line_end(const uint8_t *b, uint32_t len, uint32_t pos, uint32_t *ret_eol, uint32_t *ret_next)
{
        const uint8_t *lf = pos < len ? memchr(b + pos, '\n', len - pos) : NULL;

        if (!lf)
                return false;
        uint32_t i = (uint32_t)(lf - b);
        *ret_eol = i > pos && b[i - 1] == '\r' ? i - 1 : i;
        *ret_next = i + 1;
        return true;
}

/* The start of the first header line, or 0 when the first line is no start line. */
static uint32_t
headers_start(const struct pkt_view *v, pkt_text_start_fn is_start)
{
        uint32_t eol, next;

        if (!line_end(v->b, v->caplen, 0, &eol, &next) || !is_start(v->b, eol))
                return 0;
        return next;
}

/* Could @b start a request or status line: a method token (upper-case letters and '-', as HTTP's
 * and SIP's registered methods are) and a space, or a protocol name and '/'? */
static bool
looks_like_start(const uint8_t *b, uint32_t len)
{
        uint32_t i = 0;

        while (i < len && i < PKT_TEXT_METHOD_MAX && ((b[i] >= 'A' && b[i] <= 'Z') || b[i] == '-'))
                i++;
        return i > 0 && i < len && (b[i] == ' ' || b[i] == '/');
}

bool
pkt_text_starts_message(const struct pkt_view *v, pkt_text_start_fn is_start)
{
        return looks_like_start(v->b, v->caplen) && headers_start(v, is_start) != 0;
}

void
pkt_text_dissect(const struct pkt_view *v, struct pkt_dissect *d, pkt_text_start_fn is_start)
{
        uint32_t pos, eol, next;

        d->next = PKT_PROTO_NONE;
        d->hdr_len = 0;
        if (!line_end(v->b, v->caplen, 0, &eol, &next)) {
                /* Cut inside the first line: what it was cannot be told, but it was cut. */
                if (v->caplen < v->wire_len)
                        d->hdr_len = v->wire_len;
                return;
        }
        if (!is_start(v->b, eol))
                return; /* continuation of a message that began in an earlier segment */
        for (pos = next; line_end(v->b, v->caplen, pos, &eol, &next); pos = next)
                if (eol == pos) {
                        d->hdr_len = next;
                        return;
                }
        /* No empty line captured: the head was cut by the capture, or goes on in the next segment. */
        d->hdr_len = v->caplen < v->wire_len ? v->wire_len : v->caplen;
}

int
pkt_text_hdr_next(const struct pkt_view *v, struct pkt_elem *e, pkt_text_start_fn is_start)
{
        uint32_t pos, eol, next;

        if (e->count == 0) {
                pos = headers_start(v, is_start);
                if (pos == 0)
                        return 0;
        } else {
                pos = e->next;
        }
        if (pos >= v->caplen)
                return 0;
        e->off = pos;
        if (!line_end(v->b, v->caplen, pos, &eol, &next)) {
                /* The last line goes on past what we have. */
                e->len = v->caplen - pos;
                e->next = v->caplen;
                if (v->caplen < v->wire_len)
                        e->flags |= PKT_LAYER_TRUNCATED;
                eol = v->caplen;
        } else {
                if (eol == pos)
                        return 0; /* the empty line ends the head */
                e->len = eol - pos;
                e->next = next;
        }
        const uint8_t *colon = memchr(v->b + pos, ':', eol - pos);
        if (colon) {
                uint32_t at = (uint32_t)(colon - v->b);
                /* The space a builder writes after the colon separates; more blanks are the value's,
                 * so that "Contact:  <sip:...>" builds back as it came. Without that space the colon
                 * is the "sep" field and a tab or the value follows it. */
                bool is_usual = at + 1 < eol && v->b[at + 1] == ' ';
                e->data_off = (is_usual ? at + TEXT_SEP_LEN : at) - pos;
                e->kind_fields = is_usual ? pkt_text_value_fields : text_sep_value_fields;
                e->n_kind_fields = is_usual ? 1 : ARRAY_SIZE(text_sep_value_fields);
        }
        return 1;
}

static bool
ends_with(const uint8_t *h, uint32_t n, const char *s)
{
        size_t k = strlen(s);

        return n >= k && memcmp(h + n - k, s, k) == 0;
}

/* Why 8: hdr(name=..., sep=..., value=...) has three arguments; room for a spelling mistake to be
 * reported. */
#define HDR_ARGS_MAX 8

/* The colon and what follows it up to the value: @sep as given (a colon, then nothing but blanks),
 * else ": ". */
static int
put_sep(const char *sep, uint8_t *out, size_t size)
{
        static const struct pkt_field str = { .name = "sep", .type = PKT_FT_STRING };
        uint64_t u;
        int r;

        if (!sep) {
                if (size < TEXT_SEP_LEN)
                        return -EMSGSIZE;
                memcpy(out, TEXT_SEP, TEXT_SEP_LEN);
                return TEXT_SEP_LEN;
        }
        if ((r = pkt_spec_value(&str, sep, &u, out, size)) < 0)
                return r;
        if (r == 0 || out[0] != ':')
                return -EINVAL;
        for (int i = 1; i < r; i++)
                if (out[i] != ' ' && out[i] != '\t')
                        return -EINVAL;
        return r;
}

int
pkt_text_hdr_build(const struct pkt_view *v, uint32_t hdr_len, const char *text, uint8_t *out, size_t size,
                   uint32_t *ret_at)
{
        static const struct pkt_field str = { .name = "value", .type = PKT_FT_STRING };
        struct pkt_spec_arg args[HDR_ARGS_MAX];
        const char *name = NULL, *value = NULL, *sep = NULL;
        char kind[32];
        uint64_t u;
        size_t len = 0;
        int n, r;

        n = pkt_spec_split(text, kind, sizeof(kind), args, HDR_ARGS_MAX);
        if (n < 0)
                return n;
        for (int i = 0; i < n; i++) {
                const char *k = args[i].key;
                if (strcmp(k, "name") == 0 || (!k[0] && i == 0))
                        name = args[i].value;
                else if (strcmp(k, "value") == 0 || (!k[0] && i == 1))
                        value = args[i].value;
                else if (strcmp(k, "sep") == 0)
                        sep = args[i].value;
                else
                        return -ENOENT;
        }
        if (!name)
                return -EINVAL;
        hdr_len = MIN(hdr_len, v->caplen);
        *ret_at = hdr_len;
        if (ends_with(v->b, hdr_len, "\r\n\r\n"))
                *ret_at = hdr_len - 2;
        else if (ends_with(v->b, hdr_len, "\n\n"))
                *ret_at = hdr_len - 1;
        else if (hdr_len > 0 && !ends_with(v->b, hdr_len, "\n")) {
                /* A start line set without its line end: end it before the first header. */
                if (size < 2)
                        return -EMSGSIZE;
                memcpy(out, "\r\n", 2);
                len = 2;
        }
        if ((r = pkt_spec_value(&str, name, &u, out + len, size - len)) < 0)
                return r;
        if (r == 0 || memchr(out + len, ':', (size_t)r) || memchr(out + len, '\n', (size_t)r))
                return -EINVAL; /* a name that would not read back as this one header */
        len += (size_t)r;
        if ((r = put_sep(sep, out + len, size - len)) < 0)
                return r;
        len += (size_t)r;
        if (value) {
                if ((r = pkt_spec_value(&str, value, &u, out + len, size - len)) < 0)
                        return r;
                len += (size_t)r;
        }
        if (size - len < 2)
                return -EMSGSIZE;
        memcpy(out + len, "\r\n", 2);
        return (int)(len + 2);
}

int
pkt_text_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *h = p->data + l->off;
        uint32_t n = l->hdr_len;

        /* Only a head being built is completed: a parsed one keeps its bytes, even cut ones. */
        if (!(p->flags & PKT_F_RESIZED) || n == 0 || ends_with(h, n, "\r\n\r\n") || ends_with(h, n, "\n\n"))
                return 0;
        bool has_eol = ends_with(h, n, "\n");
        return pkt_layer_splice(p, idx, n, 0, has_eol ? "\r\n" : "\r\n\r\n", has_eol ? 2 : 4);
}
