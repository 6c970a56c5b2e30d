/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Base64 (RFC 4648 section 4), the form binary data takes in the JSON of the IPC contract. The
 * decoder is strict because its input comes from clients: one canonical text per byte string, so
 * that two spellings of the same bytes cannot slip past a check made on the text.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <pktp/buf.h>

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
pktp_buf_base64(struct pktp_buf *b, const void *data, size_t n)
{
        const uint8_t *d = data;
        size_t out_len;
        int r;

        if (n > (SIZE_MAX / 4 - 1) / 4 * 3)
                return b->err = -EMSGSIZE;
        out_len = (n + 2) / 3 * 4;
        r = pktp_buf_reserve(b, out_len + 2);
        if (r < 0)
                return r;
        char *o = b->data + b->len;
        *o++ = '"';
        size_t i = 0;
        for (; n - i >= 3; i += 3) {
                uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
                *o++ = b64_alphabet[v >> 18];
                *o++ = b64_alphabet[(v >> 12) & 63];
                *o++ = b64_alphabet[(v >> 6) & 63];
                *o++ = b64_alphabet[v & 63];
        }
        if (n - i == 1) {
                uint32_t v = (uint32_t)d[i] << 16;
                *o++ = b64_alphabet[v >> 18];
                *o++ = b64_alphabet[(v >> 12) & 63];
                *o++ = '=';
                *o++ = '=';
        } else if (n - i == 2) {
                uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8;
                *o++ = b64_alphabet[v >> 18];
                *o++ = b64_alphabet[(v >> 12) & 63];
                *o++ = b64_alphabet[(v >> 6) & 63];
                *o++ = '=';
        }
        *o++ = '"';
        *o = '\0';
        b->len += out_len + 2;
        return 0;
}

/* The 6-bit value of @c, or -1 for anything outside the alphabet (padding included). */
static int
b64_value(unsigned char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

int
pktp_base64_decode(const char *s, size_t n, uint8_t **ret, size_t *ret_len)
{
        uint8_t *out, *o;
        size_t pad = 0;

        if (!s || !ret || !ret_len)
                return -EINVAL;
        if (n % 4)
                return -EINVAL;
        if (n >= 1 && s[n - 1] == '=')
                pad = n >= 2 && s[n - 2] == '=' ? 2 : 1;
        /* +1: malloc(0) may return NULL, and an empty string is valid. */
        out = malloc(n / 4 * 3 + 1);
        if (!out)
                return -ENOMEM;
        o = out;
        for (size_t i = 0; i < n; i += 4) {
                bool is_last = i + 4 == n;
                size_t real = is_last ? 4 - pad : 4; /* characters that carry bits */
                uint32_t v = 0;
                for (size_t k = 0; k < 4; k++) {
                        int x = k < real ? b64_value((unsigned char)s[i + k]) : 0;
                        if (x < 0)
                                goto bad; /* a bad character, or '=' before the end */
                        v = v << 6 | (uint32_t)x;
                }
                *o++ = (uint8_t)(v >> 16);
                if (real >= 3)
                        *o++ = (uint8_t)(v >> 8);
                if (real == 4)
                        *o++ = (uint8_t)v;
                /* The bits of the last character that make no byte must be zero (RFC 4648 3.5). */
                if ((real == 2 && (v & 0xffff)) || (real == 3 && (v & 0xff)))
                        goto bad;
        }
        *ret = out;
        *ret_len = (size_t)(o - out);
        return 0;
bad:
        free(out);
        return -EINVAL;
}
