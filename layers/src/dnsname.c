/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Domain names (RFC 1035 3.1, 4.1.4): the PKT_FT_DNSNAME field type's decoding, length and encoding,
 * with compression pointers followed relative to the message start and a bound on the jumps.
 */
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

/* Encodes dotted @text (no compression; the DNS layer compresses on serialise). Returns the length. */
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
                const char *dot = strchr(text, '.');
                size_t n = dot ? (size_t)(dot - text) : strlen(text);
                if (n == 0 || n > 63)
                        return -EINVAL;
                if (o + 1 + n + 1 > size || o + 1 + n + 1 > 255)
                        return -EMSGSIZE;
                out[o++] = (uint8_t)n;
                memcpy(out + o, text, n);
                o += n;
                text += n;
                if (*text == '.')
                        text++;
        }
        out[o++] = 0;
        return (int)o;
}
