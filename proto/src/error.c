/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one mapping from error ids to what a client sees: the qualified name and the parameters the
 * interface file declares for it (org.varlink.service and io.pktd.*). The standard varlink errors
 * carry a "message" beside their one parameter (varlink clients ignore parameters they do not know),
 * except PermissionDenied and ExpectedMore, which say nothing at all.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pktp/buf.h>
#include <pktp/error.h>

#include "pktp-internal.h"

struct error_row {
        const char *name;
        const char *arg;        /* the name of the one string parameter, or NULL */
        bool message;           /* has a "message" parameter */
        const char *number;     /* the name of the integer parameter, or NULL */
        int errnum;             /* what pktp_error_set() returns, negated */
};

static const struct error_row error_table[_PKTP_ERR_MAX] = {
        [PKTP_ERR_INTERFACE_NOT_FOUND] = { "org.varlink.service.InterfaceNotFound", "interface", true,
                                           NULL, ENOENT },
        [PKTP_ERR_METHOD_NOT_FOUND] = { "org.varlink.service.MethodNotFound", "method", true, NULL,
                                        ENOENT },
        [PKTP_ERR_METHOD_NOT_IMPLEMENTED] = { "org.varlink.service.MethodNotImplemented", "method", true,
                                              NULL, EOPNOTSUPP },
        [PKTP_ERR_INVALID_PARAMETER] = { "org.varlink.service.InvalidParameter", "parameter", true, NULL,
                                         EINVAL },
        [PKTP_ERR_PERMISSION_DENIED] = { "org.varlink.service.PermissionDenied", NULL, false, NULL,
                                         EPERM },
        [PKTP_ERR_EXPECTED_MORE] = { "org.varlink.service.ExpectedMore", NULL, false, NULL, EINVAL },
        [PKTP_ERR_LIMIT_EXCEEDED] = { "io.pktd.Daemon.LimitExceeded", "limit", true, NULL, EMSGSIZE },
        [PKTP_ERR_PROTOCOL_ERROR] = { "io.pktd.Daemon.ProtocolError", NULL, true, NULL, EBADMSG },
        [PKTP_ERR_BAD_CONFIG] = { "io.pktd.Daemon.BadConfig", NULL, true, "line", EINVAL },
        [PKTP_ERR_BAD_SPEC] = { "io.pktd.Packet.BadSpec", NULL, true, "position", EINVAL },
        [PKTP_ERR_BAD_PACKET] = { "io.pktd.Packet.BadPacket", "parameter", true, NULL, EINVAL },
        [PKTP_ERR_INTERNAL] = { "io.pktd.Daemon.InternalError", NULL, true, NULL, EIO },
        [PKTP_ERR_BAD_FILTER] = { "io.pktd.Capture.BadFilter", NULL, true, NULL, EINVAL },
};

/* Length of the longest prefix of @s (@n bytes) that ends on a UTF-8 character boundary. */
static size_t
utf8_boundary(const char *s, size_t n)
{
        size_t i = n;

        /* Step back over continuation bytes to the lead byte of the last character. */
        while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80 && n - i < 3)
                i--;
        if (i == 0)
                return n;
        unsigned char lead = (unsigned char)s[i - 1];
        size_t want = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        return n - (i - 1) >= want ? n : i - 1;
}

/* Copies @src into @dst (@size bytes), cut on a UTF-8 boundary; a cut string ends in "...". */
static void
copy_cut(char *dst, size_t size, const char *src)
{
        size_t n = strlen(src);

        if (n < size) {
                memcpy(dst, src, n + 1);
                return;
        }
        n = utf8_boundary(src, size - 4);
        memcpy(dst, src, n);
        memcpy(dst + n, "...", 4);
}

int
pktp_error_set(struct pktp_error *e, enum pktp_error_id id, const char *arg, const char *fmt, ...)
{
        int errnum = id > PKTP_OK && id < _PKTP_ERR_MAX ? error_table[id].errnum : EINVAL;

        if (!e)
                return -errnum;
        e->id = id;
        e->arg[0] = '\0';
        e->message[0] = '\0';
        e->number = 0;
        if (id == PKTP_ERR_PERMISSION_DENIED || id == PKTP_ERR_EXPECTED_MORE)
                return -errnum;
        if (arg)
                copy_cut(e->arg, sizeof(e->arg), arg);
        if (fmt) {
                char tmp[sizeof(e->message) + 1];
                va_list ap;

                va_start(ap, fmt);
                int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
                va_end(ap);
                if (n < 0)
                        tmp[0] = '\0';
                copy_cut(e->message, sizeof(e->message), tmp);
        }
        return -errnum;
}

const char *
pktp_error_name(enum pktp_error_id id)
{
        if (id <= PKTP_OK || id >= _PKTP_ERR_MAX)
                return NULL;
        return error_table[id].name;
}

int
pktp_error_from_name(const char *name)
{
        pktp_assert_return(name, -EINVAL);
        for (int id = PKTP_OK + 1; id < _PKTP_ERR_MAX; id++)
                if (strcmp(error_table[id].name, name) == 0)
                        return id;
        return -ENOENT;
}

/* Appends @s as a JSON string keeping valid UTF-8 as it is (pktp_buf_json_str() takes bytes as
 * Latin-1, right for packet bytes, wrong for a path with a client's UTF-8 key in it); a byte that does
 * not start a valid sequence becomes U+FFFD. */
static int
put_text(struct pktp_buf *b, const char *s)
{
        static const char hex[] = "0123456789abcdef";
        const unsigned char *u = (const unsigned char *)s;

        pktp_buf_putc(b, '"');
        for (size_t i = 0; u[i];) {
                unsigned char c = u[i];
                if (c == '"' || c == '\\') {
                        char esc[2] = { '\\', (char)c };
                        pktp_buf_put(b, esc, 2);
                        i++;
                } else if (c < 0x20 || c == 0x7f) {
                        char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
                        pktp_buf_put(b, esc, 6);
                        i++;
                } else if (c < 0x80) {
                        pktp_buf_putc(b, (char)c);
                        i++;
                } else {
                        size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
                        uint32_t cp = n == 4 ? c & 0x07u : n == 3 ? c & 0x0fu : c & 0x1fu;
                        size_t k = 1;
                        for (; n && k < n && (u[i + k] & 0xc0) == 0x80; k++)
                                cp = cp << 6 | (u[i + k] & 0x3fu);
                        bool ok = n && k == n && c <= 0xf4 &&
                                  !(n == 3 && cp < 0x800) && !(n == 4 && cp < 0x10000) &&
                                  !(cp >= 0xd800 && cp <= 0xdfff) && cp <= 0x10ffff;
                        if (ok) {
                                pktp_buf_put(b, u + i, n);
                                i += n;
                        } else {
                                pktp_buf_puts(b, "\\ufffd");
                                i += k ? k : 1;
                        }
                }
        }
        return pktp_buf_putc(b, '"');
}

int
pktp_error_write(struct pktp_buf *b, const struct pktp_error *e)
{
        pktp_assert_return(b && e, -EINVAL);
        pktp_assert_return(e->id > PKTP_OK && e->id < _PKTP_ERR_MAX, -EINVAL);

        const struct error_row *row = &error_table[e->id];
        bool first = true;

        if (b->err)
                return b->err;
        pktp_buf_puts(b, "{\"error\":");
        put_text(b, row->name);
        pktp_buf_puts(b, ",\"parameters\":{");
        if (row->arg) {
                pktp_buf_putc(b, '"');
                pktp_buf_puts(b, row->arg);
                pktp_buf_puts(b, "\":");
                put_text(b, e->arg);
                first = false;
        }
        if (row->message) {
                pktp_buf_puts(b, first ? "\"message\":" : ",\"message\":");
                put_text(b, e->message);
                first = false;
        }
        if (row->number) {
                pktp_buf_puts(b, first ? "\"" : ",\"");
                pktp_buf_puts(b, row->number);
                pktp_buf_puts(b, "\":");
                pktp_buf_i64(b, e->number);
        }
        pktp_buf_puts(b, "}}");
        return pktp_buf_put(b, "", 1);
}
