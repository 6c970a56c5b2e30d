/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The capped output buffer. Writers on the hot path (a dissection per captured packet) reserve once
 * and then copy runs of bytes; nothing here formats byte by byte through stdio.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pktp/buf.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* Why 256: a small reply fits the first allocation; larger ones double from there. */
#define BUF_MIN_ALLOC 256u

void
pktp_buf_init(struct pktp_buf *b, size_t max)
{
        *b = (struct pktp_buf){ .max = max };
}

void
pktp_buf_done(struct pktp_buf *b)
{
        if (!b)
                return;
        free(b->data);
        pktp_buf_init(b, b->max);
}

void
pktp_buf_reset(struct pktp_buf *b)
{
        b->len = 0;
        b->err = 0;
        if (b->data)
                b->data[0] = '\0';
}

static int
grow(struct pktp_buf *b, size_t n)
{
        size_t need, cap;
        char *d;

        if (b->len > b->max || n > b->max - b->len)
                return b->err = -EMSGSIZE;
        need = b->len + n + 1; /* the NUL */
        cap = b->cap ? b->cap : BUF_MIN_ALLOC;
        while (cap < need)
                cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        if (cap > b->max + 1)
                cap = b->max + 1;
        d = realloc(b->data, cap);
        if (!d)
                return b->err = -ENOMEM;
        b->data = d;
        b->cap = cap;
        return 0;
}

int
pktp_buf_reserve(struct pktp_buf *b, size_t n)
{
        if (b->err)
                return b->err;
        if (b->data && n < b->cap - b->len)
                return 0;
        return grow(b, n);
}

int
pktp_buf_put(struct pktp_buf *b, const void *s, size_t n)
{
        /* The room test inline: a capture stream makes about ten small appends per packet. */
        if (!(b->data && n < b->cap - b->len && !b->err)) {
                int r = pktp_buf_reserve(b, n);

                if (r < 0)
                        return r;
        }
        if (n)
                memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
}

int
pktp_buf_puts(struct pktp_buf *b, const char *s)
{
        return pktp_buf_put(b, s, strlen(s));
}

int
pktp_buf_putc(struct pktp_buf *b, char c)
{
        if (b->data && 1 < b->cap - b->len && !b->err) {
                b->data[b->len++] = c;
                b->data[b->len] = '\0';
                return 0;
        }
        return pktp_buf_put(b, &c, 1);
}

int
pktp_buf_printf(struct pktp_buf *b, const char *fmt, ...)
{
        va_list ap;
        int n, r;

        if (b->err)
                return b->err;
        /* Try in the room there is; on a miss, grow to the exact size and format again. */
        size_t room = b->data ? b->cap - b->len : 0;
        va_start(ap, fmt);
        n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
                return b->err = -EINVAL;
        if ((size_t)n >= room) {
                if (b->data)
                        b->data[b->len] = '\0'; /* undo the cut text the first attempt left */
                r = pktp_buf_reserve(b, (size_t)n);
                if (r < 0)
                        return r;
                va_start(ap, fmt);
                vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
                va_end(ap);
        }
        b->len += (size_t)n;
        return 0;
}

int
pktp_buf_u64(struct pktp_buf *b, uint64_t v)
{
        /* Two digits per division: a capture stream writes a 19-digit timestamp per packet. */
        static const char pairs[201] = "0001020304050607080910111213141516171819"
                                       "2021222324252627282930313233343536373839"
                                       "4041424344454647484950515253545556575859"
                                       "6061626364656667686970717273747576777879"
                                       "8081828384858687888990919293949596979899";
        char tmp[20];
        size_t i = sizeof(tmp);

        while (v >= 100) {
                i -= 2;
                memcpy(tmp + i, pairs + 2 * (v % 100), 2);
                v /= 100;
        }
        if (v >= 10) {
                i -= 2;
                memcpy(tmp + i, pairs + 2 * v, 2);
        } else {
                tmp[--i] = (char)('0' + v);
        }
        return pktp_buf_put(b, tmp + i, sizeof(tmp) - i);
}

int
pktp_buf_i64(struct pktp_buf *b, int64_t v)
{
        if (v >= 0)
                return pktp_buf_u64(b, (uint64_t)v);
        if (pktp_buf_putc(b, '-') < 0)
                return b->err;
        /* -(v + 1) + 1 stays in range for INT64_MIN. */
        return pktp_buf_u64(b, (uint64_t)-(v + 1) + 1);
}

static const char hex_digits[] = "0123456789abcdef";

/* Bytes a JSON string may carry as they are: printable ASCII except '"' and '\\'. */
static bool
is_plain(unsigned char c)
{
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

int
pktp_buf_json_str(struct pktp_buf *b, const char *s, size_t n)
{
        const unsigned char *u = (const unsigned char *)s;
        size_t i = 0;

        if (b->err)
                return b->err;
        /* Worst case 6 bytes out per byte in: reserving that once saves reallocations in the loop.
         * Near the cap, only the exact size counts: each put below checks it. */
        size_t room = b->max - MIN(b->len, b->max);
        if (room >= 2 && n <= (room - 2) / 6 && pktp_buf_reserve(b, n * 6 + 2) < 0)
                return b->err;
        if (pktp_buf_putc(b, '"') < 0)
                return b->err;
        while (i < n) {
                size_t run = i;
                while (run < n && is_plain(u[run]))
                        run++;
                if (run > i && pktp_buf_put(b, u + i, run - i) < 0)
                        return b->err;
                if (run == n)
                        break;
                unsigned char c = u[run];
                char esc[6] = { '\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 15] };
                if (c == '"' || c == '\\') {
                        esc[1] = (char)c;
                        if (pktp_buf_put(b, esc, 2) < 0)
                                return b->err;
                } else if (pktp_buf_put(b, esc, 6) < 0) {
                        return b->err;
                }
                i = run + 1;
        }
        return pktp_buf_putc(b, '"');
}

/* Every byte's two hex digits: one 2-byte copy per byte instead of two lookups and shifts. */
static const char hex_pairs[513] =
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
        "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
        "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
        "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
        "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
        "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
        "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

int
pktp_buf_hex(struct pktp_buf *b, const void *data, size_t n)
{
        const uint8_t *d = data;
        int r;

        if (n > (SIZE_MAX - 3) / 2)
                return b->err = -EMSGSIZE;
        r = pktp_buf_reserve(b, 2 * n + 2);
        if (r < 0)
                return r;
        char *o = b->data + b->len;
        *o++ = '"';
        for (size_t i = 0; i < n; i++, o += 2)
                memcpy(o, hex_pairs + 2 * d[i], 2);
        *o++ = '"';
        *o = '\0';
        b->len += 2 * n + 2;
        return 0;
}
