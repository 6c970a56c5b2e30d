/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A growable output buffer with a hard cap, for JSON text that leaves the process: replies, packet
 * dissections, error frames. Writers append and do not check each call: the first failure is kept in
 * @err (sticky), later appends do nothing, and the caller checks once at the end. The text is always
 * NUL-terminated when @data is not NULL (the NUL is not counted in @len and never exceeds @max).
 */
#ifndef PKTP_BUF_H
#define PKTP_BUF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pktp_buf {
        char *data;   /* the text, NUL-terminated; NULL until something is appended */
        size_t len;   /* bytes of text, the NUL excluded */
        size_t cap;   /* bytes allocated */
        size_t max;   /* the text never grows beyond this many bytes (the NUL excluded) */
        int err;      /* 0, or sticky: -ENOMEM, or -EMSGSIZE when @max would have been passed */
};

/* Prepares @b (caller's storage) as empty, allowing at most @max bytes of text. Allocates nothing. */
void pktp_buf_init(struct pktp_buf *b, size_t max);

/* Frees the memory of @b and leaves it empty (as after init with the same @max). @b may be NULL. */
void pktp_buf_done(struct pktp_buf *b);

/* Empties @b (len = 0, err = 0) and keeps its memory for reuse. */
void pktp_buf_reset(struct pktp_buf *b);

/* Reserves room for @n more bytes of text (and the NUL), so that the next @n bytes appended cannot
 * fail. Returns 0 or the sticky error. */
int pktp_buf_reserve(struct pktp_buf *b, size_t n);

/* Appends @n bytes at @s. On failure nothing is appended and the error becomes sticky. Each append
 * returns 0 or the sticky error (-ENOMEM, -EMSGSIZE); once set, appends do nothing. */
int pktp_buf_put(struct pktp_buf *b, const void *s, size_t n);
int pktp_buf_puts(struct pktp_buf *b, const char *s);
int pktp_buf_putc(struct pktp_buf *b, char c);
int pktp_buf_printf(struct pktp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends @v in decimal. */
int pktp_buf_u64(struct pktp_buf *b, uint64_t v);
int pktp_buf_i64(struct pktp_buf *b, int64_t v);

/* Appends @n bytes at @s as a quoted JSON string. The result is valid JSON (RFC 8259) and valid
 * UTF-8 for any bytes: '"' and '\\' are escaped, control bytes and DEL become \u00XX, and bytes from
 * 0x80 up are taken as Latin-1 and written \u00XX too (pktctl's rule: a consumer that wants the bytes
 * back maps each code point below 256 to its byte). */
int pktp_buf_json_str(struct pktp_buf *b, const char *s, size_t n);

/* Appends @n bytes at @data as a quoted lower-case hex string ("0a1b"). */
int pktp_buf_hex(struct pktp_buf *b, const void *data, size_t n);

/* Appends @n bytes at @data as a quoted base64 string (RFC 4648 section 4, with padding). */
int pktp_buf_base64(struct pktp_buf *b, const void *data, size_t n);

/* Decodes @n characters of base64 at @s (RFC 4648 section 4, padded to a multiple of 4; no
 * whitespace, no URL alphabet, and the unused bits of the last character must be zero, so that each
 * byte string has exactly one text) into a malloc'd buffer (*@ret_len bytes; never NULL on success,
 * even for no bytes). Returns 0, -EINVAL (not strict base64) or -ENOMEM; @ret and @ret_len are
 * untouched on failure. */
int pktp_base64_decode(const char *s, size_t n, uint8_t **ret, size_t *ret_len);

#ifdef __cplusplus
}
#endif

#endif
