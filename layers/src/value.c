/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Field values as text, both ways, driven by the field tables: numbers, flag and value names,
 * addresses, bytes as hex or quoted text, DNS names (pkt_value_format(), pkt_value_parse()).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* ---- formatting ---- */

static const char *
value_name(const struct pkt_name *names, uint64_t v)
{
        for (const struct pkt_name *n = names; n && n->name; n++)
                if (n->value == v)
                        return n->name;
        return NULL;
}

static void
format_flags(struct strbuf *s, const struct pkt_name *names, uint64_t v)
{
        uint64_t rest = v;
        bool first = true;

        for (const struct pkt_name *n = names; n && n->name; n++)
                if (n->value && (v & n->value) == n->value && (rest & n->value)) {
                        strbuf_printf(s, "%s%s", first ? "" : "|", n->name);
                        rest &= ~n->value;
                        first = false;
                }
        if (first && !rest)
                strbuf_put(s, "0", 1);
        else if (rest)
                strbuf_printf(s, "%s0x%llx", first ? "" : "|", (unsigned long long)rest);
}

static void
format_bytes(struct strbuf *s, const uint8_t *b, size_t n)
{
        static const char hex[] = "0123456789abcdef";
        for (size_t i = 0; i < n && !s->overflow; i++) {
                char two[2] = { hex[b[i] >> 4], hex[b[i] & 15] };
                strbuf_put(s, two, 2);
        }
}

static void
format_string(struct strbuf *s, const uint8_t *b, size_t n)
{
        for (size_t i = 0; i < n && !s->overflow; i++) {
                uint8_t c = b[i];
                if (c == '\r')
                        strbuf_put(s, "\\r", 2);
                else if (c == '\n')
                        strbuf_put(s, "\\n", 2);
                else if (c == '\t')
                        strbuf_put(s, "\\t", 2);
                else if (c == '"' || c == '\\')
                        strbuf_printf(s, "\\%c", c);
                else if (c >= 0x20 && c < 0x7f)
                        strbuf_put(s, (const char *)&c, 1);
                else
                        strbuf_printf(s, "\\x%02x", c);
        }
}

static void
format_uint(struct strbuf *s, const struct pkt_field *f, uint64_t v, uint32_t bits)
{
        if (f->type == PKT_FT_FLAGS) {
                format_flags(s, f->names, v);
                return;
        }
        if (f->type == PKT_FT_ENUM) {
                const char *name = value_name(f->names, v);
                if (name) {
                        strbuf_printf(s, "%s", name);
                        return;
                }
        }
        if (f->flags & PKT_FF_SIGNED && bits < 64 && (v >> (bits - 1)) & 1)
                strbuf_printf(s, "%lld", (long long)(v | ~((UINT64_C(1) << bits) - 1)));
        else if (f->flags & PKT_FF_HEX)
                strbuf_printf(s, "0x%0*llx", (int)((bits + 3) / 4), (unsigned long long)v);
        else
                strbuf_printf(s, "%llu", (unsigned long long)v);
}

int
pkt_value_format(const struct pkt_field *f, const uint8_t *msg, uint32_t msg_len, const uint8_t *base,
                 struct field_loc loc, char *buf, size_t size)
{
        struct strbuf s = { .buf = buf, .size = size };
        const uint8_t *q = base + loc.bit_off / 8;
        char addr[INET6_ADDRSTRLEN];

        buf[0] = '\0'; /* an empty string or bytes field puts nothing */

        if (pkt_field_is_integer(f) || (loc.bit_off % 8) || (loc.bits % 8)) {
                if (loc.bits > 64)
                        return -EINVAL;
                format_uint(&s, f, pkt_bits_read(base, loc.bit_off, loc.bits, f->flags & PKT_FF_LE), loc.bits);
        } else {
                switch (f->type) {
                case PKT_FT_MAC:
                        strbuf_printf(&s, "%02x:%02x:%02x:%02x:%02x:%02x", q[0], q[1], q[2], q[3], q[4], q[5]);
                        break;
                case PKT_FT_IPV4:
                        strbuf_printf(&s, "%u.%u.%u.%u", q[0], q[1], q[2], q[3]);
                        break;
                case PKT_FT_IPV6:
                        inet_ntop(AF_INET6, q, addr, sizeof(addr));
                        strbuf_printf(&s, "%s", addr);
                        break;
                case PKT_FT_STRING:
                        format_string(&s, q, loc.bits / 8);
                        break;
                case PKT_FT_DNSNAME:
                        if (f->flags & PKT_FF_NETBIOS)
                                return pkt_nbname_decode(msg, msg_len, (uint32_t)(q - msg), buf, size);
                        return pkt_dnsname_decode(msg, msg_len, (uint32_t)(q - msg), buf, size, NULL);
                default:
                        format_bytes(&s, q, loc.bits / 8);
                        break;
                }
        }
        return s.overflow ? -EMSGSIZE : (int)s.len;
}

/* ---- parsing text ---- */

static int
parse_uint_text(const char *text, uint64_t *ret)
{
        char *end;

        if (!*text || *text == '-' || isspace((unsigned char)*text))
                return -EINVAL;
        errno = 0;
        unsigned long long v = strtoull(text, &end, 0);
        if (errno || *end)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* A negative value of signed field @f ("-20" for an NTP precision), as two's complement in its
 * width; -ERANGE below the width's least value. */
static int
parse_negative_text(const struct pkt_field *f, const char *text, uint64_t *ret)
{
        uint64_t magnitude;
        unsigned bits = f->bits ? f->bits : 64;

        if (!(f->flags & PKT_FF_SIGNED) || text[0] != '-' || parse_uint_text(text + 1, &magnitude) < 0)
                return -EINVAL;
        if (magnitude > UINT64_C(1) << (bits - 1))
                return -ERANGE;
        uint64_t v = 0 - magnitude;
        *ret = bits == 64 ? v : v & ((UINT64_C(1) << bits) - 1);
        return 0;
}

static int
lookup_name(const struct pkt_name *names, const char *text, size_t n, uint64_t *ret)
{
        for (const struct pkt_name *nm = names; nm && nm->name; nm++)
                if (strlen(nm->name) == n && strncasecmp(nm->name, text, n) == 0) {
                        *ret = nm->value;
                        return 0;
                }
        return -EINVAL;
}

int
pkt_name_value(const struct pkt_name *names, const char *text, uint32_t max, uint32_t *ret)
{
        uint64_t v;

        if (lookup_name(names, text, strlen(text), &v) < 0 && parse_uint_text(text, &v) < 0)
                return -EINVAL;
        if (v > max)
                return -EINVAL;
        *ret = (uint32_t)v;
        return 0;
}

/* A run of one-letter flag names, as scapy and tcpdump write TCP's ("PA" is PSH|ACK): each letter must
 * be a name of its own. */
static int
parse_letter_flags(const struct pkt_field *f, const char *text, size_t n, uint64_t *ret)
{
        uint64_t v = 0, bit;

        for (size_t i = 0; i < n; i++) {
                if (lookup_name(f->names, text + i, 1, &bit) < 0)
                        return -EINVAL;
                v |= bit;
        }
        *ret = v;
        return 0;
}

static int
parse_flags(const struct pkt_field *f, const char *text, uint64_t *ret)
{
        uint64_t v = 0;

        for (const char *t = text;;) {
                const char *bar = strchr(t, '|');
                size_t n = bar ? (size_t)(bar - t) : strlen(t);
                char one[64];
                uint64_t bit;
                if (n == 0 || n >= sizeof(one))
                        return -EINVAL;
                memcpy(one, t, n);
                one[n] = 0;
                if (lookup_name(f->names, one, n, &bit) < 0 && parse_uint_text(one, &bit) < 0 &&
                    parse_letter_flags(f, one, n, &bit) < 0)
                        return -EINVAL;
                v |= bit;
                if (!bar)
                        break;
                t = bar + 1;
        }
        *ret = v;
        return 0;
}

static int
parse_hex_bytes(const char *text, uint8_t *out, size_t *len)
{
        size_t n = 0;

        if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
                text += 2;
        while (*text) {
                if (*text == ':' || *text == ' ') {
                        text++;
                        continue;
                }
                int hi = hexval(text[0]), lo = text[1] ? hexval(text[1]) : -1;
                if (hi < 0 || lo < 0 || n == *len)
                        return -EINVAL;
                out[n++] = (uint8_t)(hi << 4 | lo);
                text += 2;
        }
        *len = n;
        return 0;
}

/* A "quoted string" with C escapes (\n \r \t \\ \" \xHH \NNN). */
static int
parse_quoted(const char *text, uint8_t *out, size_t *len)
{
        size_t n = 0, cap = *len;
        const char *t = text + 1;

        for (; *t && *t != '"'; t++) {
                int c = (unsigned char)*t;
                if (c == '\\') {
                        t++;
                        switch (*t) {
                        case 'n': c = '\n'; break;
                        case 'r': c = '\r'; break;
                        case 't': c = '\t'; break;
                        case '0': case '1': case '2': case '3':
                                c = 0;
                                for (int i = 0; i < 3 && *t >= '0' && *t <= '7'; i++, t++)
                                        c = c * 8 + (*t - '0');
                                t--;
                                break;
                        case 'x': {
                                int hi = hexval(t[1]), lo = hi >= 0 ? hexval(t[2]) : -1;
                                if (hi < 0 || lo < 0)
                                        return -EINVAL;
                                c = hi << 4 | lo;
                                t += 2;
                                break;
                        }
                        case '\\': case '"': case '\'':
                                c = *t;
                                break;
                        default:
                                return -EINVAL;
                        }
                }
                if (n == cap)
                        return -EMSGSIZE;
                out[n++] = (uint8_t)c;
        }
        if (*t != '"' || t[1])
                return -EINVAL;
        *len = n;
        return 0;
}

/* A DNS or NetBIOS name's text, quoted when it holds what the spec's tokenizer would split (as the
 * JSON reader quotes it: "MY PC<20>", "My\\032Printer(2).local"). */
static int
parse_name(const struct pkt_field *f, const char *text, uint8_t *out, size_t size)
{
        int (*encode)(const char *text, uint8_t *out, size_t size) =
                f->flags & PKT_FF_NETBIOS ? pkt_nbname_encode : pkt_dnsname_encode;
        /* Why 1024: a name's text, each of its 255 bytes escaped as \DDD at most. */
        char unquoted[1024];
        size_t len = sizeof(unquoted) - 1;

        if (text[0] != '"')
                return encode(text, out, size);
        if (parse_quoted(text, (uint8_t *)unquoted, &len) < 0 || memchr(unquoted, 0, len))
                return -EINVAL;
        unquoted[len] = 0;
        return encode(unquoted, out, size);
}

/* Bytes from text: "quoted" with escapes, or hex. For strings, plain text is taken as it is. */
static int
parse_bytes(const struct pkt_field *f, const char *text, uint8_t *out, size_t *len)
{
        if (text[0] == '"')
                return parse_quoted(text, out, len);
        if (f->type == PKT_FT_STRING) {
                size_t n = strlen(text);
                if (n > *len)
                        return -EMSGSIZE;
                memcpy(out, text, n);
                *len = n;
                return 0;
        }
        return parse_hex_bytes(text, out, len);
}

/*
 * Parses @text for field @f: integers into *@ret_u, everything else into @ret_bytes (capacity *@ret_len,
 * set to the length on return). Returns 0, -EINVAL or -ERANGE.
 */
int
pkt_value_parse(const struct pkt_field *f, const char *text, uint64_t *ret_u, uint8_t *ret_bytes,
                size_t *ret_len)
{
        uint64_t v;
        int r;

        switch (f->type) {
        case PKT_FT_UINT:
        case PKT_FT_ENUM:
        case PKT_FT_FLAGS:
                if (f->type == PKT_FT_FLAGS)
                        r = parse_flags(f, text, &v);
                else if (lookup_name(f->names, text, strlen(text), &v) == 0)
                        r = 0;
                else if (text[0] == '-')
                        r = parse_negative_text(f, text, &v);
                else
                        r = parse_uint_text(text, &v);
                if (r < 0)
                        return r;
                if (f->bits && f->bits < 64 && v >> f->bits)
                        return -ERANGE;
                *ret_u = v;
                *ret_len = 0;
                return 0;
        case PKT_FT_MAC: {
                unsigned m[6];
                char extra;
                if (*ret_len < 6)
                        return -EMSGSIZE;
                if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
                           &extra) != 6 &&
                    sscanf(text, "%2x-%2x-%2x-%2x-%2x-%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
                           &extra) != 6)
                        return -EINVAL;
                for (int i = 0; i < 6; i++)
                        ret_bytes[i] = (uint8_t)m[i];
                *ret_len = 6;
                return 0;
        }
        case PKT_FT_IPV4:
                if (*ret_len < 4 || inet_pton(AF_INET, text, ret_bytes) != 1)
                        return -EINVAL;
                *ret_len = 4;
                return 0;
        case PKT_FT_IPV6:
                if (*ret_len < 16 || inet_pton(AF_INET6, text, ret_bytes) != 1)
                        return -EINVAL;
                *ret_len = 16;
                return 0;
        case PKT_FT_DNSNAME:
                r = parse_name(f, text, ret_bytes, *ret_len);
                if (r < 0)
                        return r;
                *ret_len = (size_t)r;
                return 0;
        default:
                return parse_bytes(f, text, ret_bytes, ret_len);
        }
}

/* ---- text sink ---- */

void
strbuf_put(struct strbuf *s, const char *text, size_t len)
{
        if (s->overflow)
                return;
        if (s->len + len + 1 > s->size) {
                len = s->size > s->len + 1 ? s->size - s->len - 1 : 0;
                s->overflow = true;
        }
        memcpy(s->buf + s->len, text, len);
        s->len += len;
        if (s->size)
                s->buf[s->len] = 0;
}

void
strbuf_printf(struct strbuf *s, const char *fmt, ...)
{
        char tmp[256];
        va_list ap;
        int n;

        /* Once full, the text is dropped anyway: skip the formatting, which dominates long walks. */
        if (s->overflow)
                return;
        va_start(ap, fmt);
        n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        strbuf_put(s, tmp, MIN((size_t)n, sizeof(tmp) - 1));
}
