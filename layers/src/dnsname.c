/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Domain names (RFC 1035 3.1, 4.1.4): the PKT_FT_DNSNAME field type's decoding, length and encoding,
 * with compression pointers followed relative to the message start and a bound on the jumps; and the
 * NetBIOS names (RFC 1001 14.1) that NBNS, the datagram and the session service write as DNS names.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Why 128: a name has at most 127 labels (255 bytes); more jumps than that can only be a loop. */
#define DNS_JUMPS_MAX 128

/* Follows the name at @off through its pointers to its end, writing its text to @s unless @s is NULL.
 * *@ret_wire_len: its bytes at @off (up to and with the first pointer). Returns 0, -ENODATA when it
 * runs past @msg_len, or -EBADMSG (a label type RFC 6891 made obsolete, a pointer loop). */
static int
dnsname_walk(const uint8_t *msg, uint32_t msg_len, uint32_t off, struct strbuf *s, uint32_t *ret_wire_len)
{
        uint32_t wire_len = 0, pos = off;
        unsigned jumps = 0;
        bool jumped = false;

        for (;;) {
                if (pos >= msg_len)
                        return -ENODATA;
                uint8_t n = msg[pos];
                if ((n & 0xc0) == 0xc0) {
                        if (pos + 1 >= msg_len)
                                return -ENODATA;
                        if (!jumped)
                                wire_len = pos + 2 - off;
                        jumped = true;
                        if (++jumps > DNS_JUMPS_MAX)
                                return -EBADMSG;
                        pos = (uint32_t)(n & 0x3f) << 8 | msg[pos + 1];
                        continue;
                }
                if (n & 0xc0)
                        return -EBADMSG;
                if (n == 0) {
                        if (!jumped)
                                wire_len = pos + 1 - off;
                        break;
                }
                if (n > msg_len - pos - 1)
                        return -ENODATA;
                if (s) {
                        if (s->len > 0)
                                strbuf_put(s, ".", 1);
                        for (unsigned i = 0; i < n; i++) {
                                uint8_t c = msg[pos + 1 + i];
                                if (c == '.' || c == '\\')
                                        strbuf_printf(s, "\\%c", c);
                                else if (c > 0x20 && c < 0x7f)
                                        strbuf_put(s, (const char *)&c, 1);
                                else
                                        strbuf_printf(s, "\\%03u", c);
                        }
                }
                pos += 1u + n;
        }
        *ret_wire_len = wire_len;
        return 0;
}

int
pkt_dnsname_decode(const uint8_t *msg, uint32_t msg_len, uint32_t off, char *buf, size_t size,
                   uint32_t *ret_wire_len)
{
        struct strbuf s = { .buf = buf, .size = size };
        uint32_t wire_len;
        int r = dnsname_walk(msg, msg_len, off, &s, &wire_len);

        if (r < 0)
                return r;
        if (s.len == 0)
                strbuf_put(&s, "<Root>", 6);
        if (ret_wire_len)
                *ret_wire_len = wire_len;
        return s.overflow ? -EMSGSIZE : (int)s.len;
}

int
pkt_dnsname_check(const uint8_t *msg, uint32_t msg_len, uint32_t off, uint32_t *ret_wire_len)
{
        return dnsname_walk(msg, msg_len, off, NULL, ret_wire_len);
}

int
pkt_dnsname_wire_len(const uint8_t *msg, uint32_t msg_len, uint32_t off, uint32_t *ret)
{
        for (uint32_t pos = off;;) {
                if (pos >= msg_len)
                        return -ENODATA;
                uint8_t n = msg[pos];
                if ((n & 0xc0) == 0xc0) {
                        if (pos + 1 >= msg_len)
                                return -ENODATA;
                        *ret = pos + 2 - off;
                        return 0;
                }
                if (n & 0xc0)
                        return -EBADMSG;
                if (n == 0) {
                        *ret = pos + 1 - off;
                        return 0;
                }
                pos += 1u + n;
        }
}

/* The byte of escape "\X" or "\DDD" at @t (RFC 1035 5.1, as dnsname_walk() writes them); *@len gets
 * the escape's length. -EINVAL for a lone backslash or a number over 255. */
static int
unescape(const char *t, size_t *len)
{
        if (isdigit((unsigned char)t[1]) && isdigit((unsigned char)t[2]) && isdigit((unsigned char)t[3])) {
                int c = (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
                *len = 4;
                return c > 255 ? -EINVAL : c;
        }
        *len = 2;
        return t[1] ? (unsigned char)t[1] : -EINVAL;
}

/* Encodes dotted @text in presentation format, its escapes as dnsname_walk() writes them (no
 * compression; the DNS layer compresses on serialise). Returns the length. */
int
pkt_dnsname_encode(const char *text, uint8_t *out, size_t size)
{
        size_t o = 0;

        if (strcmp(text, "<Root>") == 0 || strcmp(text, ".") == 0 || !*text) {
                if (size < 1)
                        return -EMSGSIZE;
                out[0] = 0;
                return 1;
        }
        while (*text) {
                uint8_t label[63];
                size_t n = 0, step;
                for (; *text && *text != '.'; text += step) {
                        int c = (unsigned char)*text;
                        step = 1;
                        if (c == '\\' && (c = unescape(text, &step)) < 0)
                                return -EINVAL;
                        if (n == sizeof(label))
                                return -EINVAL;
                        label[n++] = (uint8_t)c;
                }
                if (n == 0)
                        return -EINVAL;
                if (o + 1 + n + 1 > size || o + 1 + n + 1 > 255)
                        return -EMSGSIZE;
                out[o++] = (uint8_t)n;
                memcpy(out + o, label, n);
                o += n;
                if (*text == '.')
                        text++;
        }
        out[o++] = 0;
        return (int)o;
}

/* ---- NetBIOS names (RFC 1001 14.1) ---- */

#define NB_NAME_LEN 16            /* 15 name bytes and the name type */
#define NB_CODED_LEN (2 * NB_NAME_LEN) /* first-level encoding: a letter 'A'..'P' per half byte */

/* The 16 bytes coded in the label at @label (@n bytes), or false when it is no such coding. */
static bool
nbname_uncode(const uint8_t *label, uint8_t n, uint8_t out[NB_NAME_LEN])
{
        if (n != NB_CODED_LEN)
                return false;
        for (unsigned i = 0; i < NB_CODED_LEN; i++)
                if (label[i] < 'A' || label[i] > 'P')
                        return false;
        for (unsigned i = 0; i < NB_NAME_LEN; i++)
                out[i] = (uint8_t)((label[2 * i] - 'A') << 4 | (label[2 * i + 1] - 'A'));
        return true;
}

/* As tshark writes a name (process_netbios_name): printable bytes as they are, others as <xx>, the
 * spaces that pad it dropped, then the type as <xx>. So that the text reads back, '<' is written <3c>,
 * and a '.' right after an escaped byte <2e>: there a dot ends the name and starts the scope. */
static void
nbname_format(struct strbuf *s, const uint8_t name[NB_NAME_LEN])
{
        unsigned end = NB_NAME_LEN - 1;
        bool last_escaped = false;

        while (end > 0 && name[end - 1] == ' ')
                end--;
        for (unsigned i = 0; i < end; i++) {
                uint8_t c = name[i];
                last_escaped = c < ' ' || c > '~' || c == '<' || (c == '.' && last_escaped);
                if (last_escaped)
                        strbuf_printf(s, "<%02x>", c);
                else
                        strbuf_put(s, (const char *)&c, 1);
        }
        strbuf_printf(s, "<%02x>", name[NB_NAME_LEN - 1]);
}

int
pkt_nbname_decode(const uint8_t *msg, uint32_t msg_len, uint32_t off, char *buf, size_t size)
{
        struct strbuf s = { .buf = buf, .size = size };
        uint8_t name[NB_NAME_LEN];
        uint32_t wire_len, pos = off;
        int r = pkt_dnsname_check(msg, msg_len, off, &wire_len);

        if (r < 0)
                return r;
        /* The check bounded the jumps and the labels: the first label is within the message. */
        while ((msg[pos] & 0xc0) == 0xc0)
                pos = (uint32_t)(msg[pos] & 0x3f) << 8 | msg[pos + 1];
        if (!nbname_uncode(msg + pos + 1, msg[pos], name))
                return pkt_dnsname_decode(msg, msg_len, off, buf, size, NULL);
        nbname_format(&s, name);
        pos += 1u + NB_CODED_LEN;
        if (msg[pos] != 0) { /* the scope, a DNS name (RFC 1001 14.1): the walk writes the dot */
                r = dnsname_walk(msg, msg_len, pos, &s, &wire_len);
                if (r < 0)
                        return r;
        }
        return s.overflow ? -EMSGSIZE : (int)s.len;
}

/* Reads the name part of NetBIOS name text up to the scope's dot (one right after an <xx>) or the end
 * into @name (padded with spaces; the last <xx> is the type, or the type is a space too). Returns the
 * text's length, or -EINVAL when it is no such text (more than 16 bytes, a '<' that is no <xx>). */
static int
nbname_parse(const char *text, uint8_t name[NB_NAME_LEN])
{
        unsigned n = 0, at = 0;
        bool last_coded = false;

        memset(name, ' ', NB_NAME_LEN);
        while (text[at] && !(text[at] == '.' && last_coded)) {
                unsigned v;
                if (n == NB_NAME_LEN)
                        return -EINVAL;
                if (text[at] == '<') {
                        if (!isxdigit((unsigned char)text[at + 1]) || !isxdigit((unsigned char)text[at + 2]) ||
                            text[at + 3] != '>' || sscanf(text + at + 1, "%2x", &v) != 1)
                                return -EINVAL;
                        name[n++] = (uint8_t)v;
                        at += 4;
                        last_coded = true;
                } else {
                        name[n++] = (uint8_t)text[at++];
                        last_coded = false;
                }
        }
        /* "HOST<20>" and "HOST" are the same name; "HOST<00>" ends in its type. */
        if (last_coded && n < NB_NAME_LEN) {
                name[NB_NAME_LEN - 1] = name[n - 1];
                name[n - 1] = ' ';
        }
        return (int)at;
}

int
pkt_nbname_encode(const char *text, uint8_t *out, size_t size)
{
        uint8_t name[NB_NAME_LEN];
        int at = nbname_parse(text, name);
        int r;

        if (at < 0)
                return pkt_dnsname_encode(text, out, size); /* a DNS name's text, as shown */
        if (size < 1 + NB_CODED_LEN)
                return -EMSGSIZE;
        out[0] = NB_CODED_LEN;
        for (unsigned i = 0; i < NB_NAME_LEN; i++) {
                out[1 + 2 * i] = (uint8_t)('A' + (name[i] >> 4));
                out[2 + 2 * i] = (uint8_t)('A' + (name[i] & 0x0f));
        }
        r = pkt_dnsname_encode(text[at] == '.' ? text + at + 1 : "", out + 1 + NB_CODED_LEN,
                               size - 1 - NB_CODED_LEN);
        return r < 0 ? r : 1 + NB_CODED_LEN + r;
}
