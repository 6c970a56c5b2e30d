/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktp_json_check(): the strict RFC 8259 gate in front of json-c. json-c is lenient where a privileged
 * daemon must not be: it keeps the last of two equal keys, clamps integers beyond int64 to its limits
 * without a word (json_object_get_int64()), stores "\u0000" inside strings, and builds any tree the
 * bytes ask for. This scanner reads the frame once, front to back, with an explicit stack bounded by
 * PKTP_DEPTH_MAX instead of recursion, and refuses all of that with the byte offset of the problem.
 *
 * Errors are of two kinds. Text that is not JSON at all (syntax, raw control bytes, invalid UTF-8) is a
 * ProtocolError. JSON that we refuse (a duplicate key, an integer json-c would clamp, "\u0000", a lone
 * surrogate, too deep, too many members) is an InvalidParameter naming the JSON path when it sits inside
 * the call's "parameters", and a ProtocolError elsewhere.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>

#include <pktp/message.h>

#include "pktp-internal.h"

/* What is remembered of a key: where its raw text is, its decoded length and a hash of its decoded
 * bytes. Equal keys always have equal hashes; unequal ones almost never do, and are then decoded and compared. */
struct key {
        size_t off, raw_len, dec_len;
};

struct frame {
        bool is_object;
        uint32_t count;         /* members or elements begun so far */
        size_t keys_base;       /* this object's keys start here in the key stack */
        bool has_key;           /* key_off/key_raw_len name the member whose value is being read */
        size_t key_off, key_raw_len;
};

struct scan {
        const char *s;
        size_t len, pos;
        struct pktp_error *err;
        struct frame stack[PKTP_DEPTH_MAX];
        unsigned depth;
        /* The keys of the open objects, innermost last: hashes apart so that the search is one tight loop. */
        uint64_t *hashes;
        struct key *keys;
        size_t n_keys, cap_keys;
        size_t containers, values;
};

enum { SYNTAX = false, REFUSED = true };

/* Decodes the raw (already checked) string body @raw of @raw_len bytes into @out (at most @size - 1
 * bytes and a NUL). Returns the full decoded length, which may exceed what was written. */
static size_t
decode(const char *raw, size_t raw_len, char *out, size_t size)
{
        size_t o = 0;

        for (size_t i = 0; i < raw_len;) {
                unsigned char c = (unsigned char)raw[i];
                uint32_t cp;
                char tmp[4];
                size_t n = 0;

                if (c != '\\') {
                        tmp[n++] = (char)c;
                        i++;
                } else {
                        char e = raw[i + 1];
                        i += 2;
                        switch (e) {
                        case 'b': tmp[n++] = '\b'; break;
                        case 'f': tmp[n++] = '\f'; break;
                        case 'n': tmp[n++] = '\n'; break;
                        case 'r': tmp[n++] = '\r'; break;
                        case 't': tmp[n++] = '\t'; break;
                        case 'u':
                                cp = (uint32_t)strtoul((char[5]){ raw[i], raw[i + 1], raw[i + 2], raw[i + 3], 0 },
                                                       NULL, 16);
                                i += 4;
                                if (cp >= 0xd800 && cp <= 0xdbff) {
                                        uint32_t lo = (uint32_t)strtoul(
                                                (char[5]){ raw[i + 2], raw[i + 3], raw[i + 4], raw[i + 5], 0 },
                                                NULL, 16);
                                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                                        i += 6;
                                }
                                if (cp < 0x80) {
                                        tmp[n++] = (char)cp;
                                } else if (cp < 0x800) {
                                        tmp[n++] = (char)(0xc0 | cp >> 6);
                                        tmp[n++] = (char)(0x80 | (cp & 0x3f));
                                } else if (cp < 0x10000) {
                                        tmp[n++] = (char)(0xe0 | cp >> 12);
                                        tmp[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
                                        tmp[n++] = (char)(0x80 | (cp & 0x3f));
                                } else {
                                        tmp[n++] = (char)(0xf0 | cp >> 18);
                                        tmp[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
                                        tmp[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
                                        tmp[n++] = (char)(0x80 | (cp & 0x3f));
                                }
                                break;
                        default: tmp[n++] = e; break;   /* '"', '\\', '/' */
                        }
                }
                for (size_t k = 0; k < n; k++, o++)
                        if (size && o < size - 1)
                                out[o] = tmp[k];
        }
        if (size)
                out[o < size - 1 ? o : size - 1] = '\0';
        return o;
}

/* Is the outer object's member being read "parameters"? */
static bool
in_parameters(const struct scan *sc)
{
        char k[16];

        if (sc->depth < 2 || !sc->stack[0].is_object || !sc->stack[0].has_key)
                return false;
        return decode(sc->s + sc->stack[0].key_off, sc->stack[0].key_raw_len, k, sizeof(k)) == 10 &&
               memcmp(k, "parameters", 10) == 0;
}

/* The JSON path below "parameters" of the value being read: "layers[2].ttl". Long keys are cut. */
static void
build_path(const struct scan *sc, char *out, size_t size)
{
        size_t o = 0;

        out[0] = '\0';
        for (unsigned d = 1; d < sc->depth && o + 1 < size; d++) {
                const struct frame *f = &sc->stack[d];
                char part[72];

                if (f->is_object) {
                        if (!f->has_key)
                                break;
                        char key[64];
                        size_t n = decode(sc->s + f->key_off, f->key_raw_len, key, sizeof(key));
                        (void)snprintf(part, sizeof(part), "%s%s%s", o ? "." : "", key,
                                       n >= sizeof(key) ? "..." : "");
                } else {
                        if (f->count == 0)
                                break;
                        (void)snprintf(part, sizeof(part), "[%" PRIu32 "]", f->count - 1);
                }
                o += (size_t)snprintf(out + o, size - o, "%s", part);
                if (o >= size)
                        o = size - 1;
        }
}

/* Fails the check at byte @at: ProtocolError, or for a refused value inside "parameters" an
 * InvalidParameter with the path. The message names the byte offset. */
static int
fail(struct scan *sc, bool refused, size_t at, const char *what)
{
        if (refused && in_parameters(sc)) {
                char path[PKTP_ERROR_ARG_MAX];
                build_path(sc, path, sizeof(path));
                return pktp_error_set(sc->err, PKTP_ERR_INVALID_PARAMETER, path, "%s at byte %zu", what, at);
        }
        pktp_error_set(sc->err, PKTP_ERR_PROTOCOL_ERROR, NULL, "%s at byte %zu", what, at);
        return -EBADMSG;
}

static void
skip_ws(struct scan *sc)
{
        while (sc->pos < sc->len) {
                char c = sc->s[sc->pos];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                        break;
                sc->pos++;
        }
}

/* Reads 4 hex digits at @p (bounds checked by the caller). -1: not hex. */
static int32_t
hex4(const char *p)
{
        int32_t v = 0;

        for (int i = 0; i < 4; i++) {
                int h = hexval(p[i]);
                if (h < 0)
                        return -1;
                v = v << 4 | h;
        }
        return v;
}

/* FNV-1a (64-bit) over the decoded bytes, from a per-process random basis: a client cannot prepare keys
 * that collide, which would send every comparison of a 1024-member object to the slow decoded compare. */
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;
static uint64_t seed = 14695981039346656037ull;

static void
seed_init(void)
{
        uint64_t r;

        if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
                seed ^= r;
}

static inline uint64_t
hash_byte(uint64_t h, unsigned char c)
{
        return (h ^ c) * 1099511628211ull;
}

static uint64_t
hash_cp(uint64_t h, uint32_t cp)
{
        if (cp < 0x80)
                return hash_byte(h, (unsigned char)cp);
        if (cp < 0x800) {
                h = hash_byte(h, (unsigned char)(0xc0 | cp >> 6));
        } else if (cp < 0x10000) {
                h = hash_byte(h, (unsigned char)(0xe0 | cp >> 12));
                h = hash_byte(h, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
        } else {
                h = hash_byte(h, (unsigned char)(0xf0 | cp >> 18));
                h = hash_byte(h, (unsigned char)(0x80 | ((cp >> 12) & 0x3f)));
                h = hash_byte(h, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
        }
        return hash_byte(h, (unsigned char)(0x80 | (cp & 0x3f)));
}

static size_t
cp_len(uint32_t cp)
{
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Scans the string starting at the '"' at sc->pos; leaves sc->pos after the closing quote. The body's
 * raw offset and length, its decoded length and hash go to the out-parameters. */
static int
scan_string(struct scan *sc, size_t *ret_off, size_t *ret_raw_len, size_t *ret_dec_len, uint64_t *ret_hash)
{
        const unsigned char *u = (const unsigned char *)sc->s;
        size_t i = sc->pos + 1, start = i, dec = 0, n = sc->len;
        uint64_t h = seed;

        for (;;) {
                if (i >= n)
                        return fail(sc, SYNTAX, sc->pos, "unterminated string");
                unsigned char c = u[i];
                if (c == '"')
                        break;
                if (c < 0x20)
                        return fail(sc, SYNTAX, i, c ? "control character in a string" : "NUL byte in a string");
                if (c < 0x80 && c != '\\') {
                        h = hash_byte(h, c);
                        dec++;
                        i++;
                        continue;
                }
                if (c == '\\') {
                        if (i + 1 >= n)
                                return fail(sc, SYNTAX, i, "unterminated string");
                        char e = (char)u[i + 1];
                        const char *simple = strchr("\"\\/bfnrt", e);
                        if (e && simple) {
                                static const char map[] = "\"\\/\b\f\n\r\t";
                                h = hash_byte(h, (unsigned char)map[simple - "\"\\/bfnrt"]);
                                dec++;
                                i += 2;
                                continue;
                        }
                        if (e != 'u')
                                return fail(sc, SYNTAX, i, "invalid escape in a string");
                        int32_t cp = i + 6 <= n ? hex4(sc->s + i + 2) : -1;
                        if (cp < 0)
                                return fail(sc, SYNTAX, i, "invalid \\u escape in a string");
                        if (cp == 0)
                                return fail(sc, REFUSED, i, "\\u0000 in a string");
                        if (cp >= 0xdc00 && cp <= 0xdfff)
                                return fail(sc, REFUSED, i, "lone low surrogate in a string");
                        size_t esc_len = 6;
                        if (cp >= 0xd800 && cp <= 0xdbff) {
                                int32_t lo = i + 12 <= n && u[i + 6] == '\\' && u[i + 7] == 'u'
                                                     ? hex4(sc->s + i + 8)
                                                     : -1;
                                if (lo < 0xdc00 || lo > 0xdfff)
                                        return fail(sc, REFUSED, i, "lone high surrogate in a string");
                                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                                esc_len = 12;
                        }
                        h = hash_cp(h, (uint32_t)cp);
                        dec += cp_len((uint32_t)cp);
                        i += esc_len;
                        continue;
                }
                /* UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
                size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
                uint32_t cp = k == 4 ? c & 0x07u : k == 3 ? c & 0x0fu : c & 0x1fu;
                if (c < 0xc2 || c > 0xf4 || i + k > n)
                        return fail(sc, SYNTAX, i, "invalid UTF-8");
                for (size_t j = 1; j < k; j++) {
                        if ((u[i + j] & 0xc0) != 0x80)
                                return fail(sc, SYNTAX, i, "invalid UTF-8");
                        cp = cp << 6 | (u[i + j] & 0x3fu);
                }
                if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
                    (cp >= 0xd800 && cp <= 0xdfff))
                        return fail(sc, SYNTAX, i, "invalid UTF-8");
                for (size_t j = 0; j < k; j++)
                        h = hash_byte(h, u[i + j]);
                dec += k;
                i += k;
        }
        *ret_off = start;
        *ret_raw_len = i - start;
        *ret_dec_len = dec;
        *ret_hash = h;
        sc->pos = i + 1;
        return 0;
}

/* Do the raw string bodies at @a and @b decode to the same bytes? (Their decoded lengths are equal.) */
static int
keys_equal(const struct scan *sc, const struct key *a, const struct key *b)
{
        if (a->raw_len == b->raw_len && memcmp(sc->s + a->off, sc->s + b->off, a->raw_len) == 0)
                return 1;
        if (!memchr(sc->s + a->off, '\\', a->raw_len) && !memchr(sc->s + b->off, '\\', b->raw_len))
                return 0;
        _cleanup_free_ char *da = malloc(a->dec_len + 1);
        _cleanup_free_ char *db = malloc(b->dec_len + 1);
        if (!da || !db)
                return -ENOMEM;
        (void)decode(sc->s + a->off, a->raw_len, da, a->dec_len + 1);
        (void)decode(sc->s + b->off, b->raw_len, db, b->dec_len + 1);
        return memcmp(da, db, a->dec_len) == 0;
}

static int
push_key(struct scan *sc, const struct key *k, uint64_t h)
{
        if (sc->n_keys == sc->cap_keys) {
                /* At most PKTP_DEPTH_MAX * PKTP_MEMBERS_MAX keys are open at once: growth is bounded. */
                size_t cap = sc->cap_keys ? sc->cap_keys * 2 : 64;
                uint64_t *hs = realloc(sc->hashes, cap * sizeof(*hs));
                if (!hs)
                        return -ENOMEM;
                sc->hashes = hs;
                struct key *ks = realloc(sc->keys, cap * sizeof(*ks));
                if (!ks)
                        return -ENOMEM;
                sc->keys = ks;
                sc->cap_keys = cap;
        }
        sc->hashes[sc->n_keys] = h;
        sc->keys[sc->n_keys++] = *k;
        return 0;
}

/* The key at sc->pos of the innermost (object) frame, up to and including the ':' after it. */
static int
scan_key(struct scan *sc)
{
        struct frame *f = &sc->stack[sc->depth - 1];
        size_t at = sc->pos;
        struct key k;
        uint64_t h;
        int r;

        f->has_key = false;
        if (at >= sc->len || sc->s[at] != '"')
                return fail(sc, SYNTAX, at, "expected a string key");
        if (++f->count > PKTP_MEMBERS_MAX)
                return fail(sc, REFUSED, at, "too many members in an object");
        r = scan_string(sc, &k.off, &k.raw_len, &k.dec_len, &h);
        if (r < 0)
                return r;
        for (size_t i = f->keys_base; i < sc->n_keys; i++) {
                if (sc->hashes[i] != h || sc->keys[i].dec_len != k.dec_len)
                        continue;
                r = keys_equal(sc, &sc->keys[i], &k);
                if (r < 0)
                        return pktp_error_set(sc->err, PKTP_ERR_INTERNAL, NULL, "out of memory"), -ENOMEM;
                if (r > 0) {
                        char name[64];
                        size_t dn = decode(sc->s + k.off, k.raw_len, name, sizeof(name));
                        f->has_key = true;
                        f->key_off = k.off;
                        f->key_raw_len = k.raw_len;
                        char what[128];
                        (void)snprintf(what, sizeof(what), "duplicate key \"%s%s\"", name,
                                       dn >= sizeof(name) ? "..." : "");
                        return fail(sc, REFUSED, at, what);
                }
        }
        r = push_key(sc, &k, h);
        if (r < 0)
                return pktp_error_set(sc->err, PKTP_ERR_INTERNAL, NULL, "out of memory"), -ENOMEM;
        f->has_key = true;
        f->key_off = k.off;
        f->key_raw_len = k.raw_len;
        skip_ws(sc);
        if (sc->pos >= sc->len || sc->s[sc->pos] != ':')
                return fail(sc, SYNTAX, sc->pos, "expected ':' after a key");
        sc->pos++;
        skip_ws(sc);
        return 0;
}

static bool
is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* A number at sc->pos, by RFC 8259's grammar. An integer (no fraction, no exponent) must fit int64, which
 * is what json-c stores without clamping; json-c turns larger positive ones into uint64 that every
 * json_object_get_int64() then clamps, so they are refused too. Others must be finite as doubles. */
static int
scan_number(struct scan *sc)
{
        const char *s = sc->s;
        size_t i = sc->pos, n = sc->len, start = i;
        bool neg = false, integer = true;

        if (s[i] == '-') {
                neg = true;
                i++;
        }
        if (i >= n || !is_digit(s[i]))
                return fail(sc, SYNTAX, start, "invalid number");
        if (s[i] == '0') {
                i++;
                if (i < n && is_digit(s[i]))
                        return fail(sc, SYNTAX, start, "invalid number (leading zero)");
        } else {
                while (i < n && is_digit(s[i]))
                        i++;
        }
        size_t int_end = i;
        if (i < n && s[i] == '.') {
                integer = false;
                i++;
                if (i >= n || !is_digit(s[i]))
                        return fail(sc, SYNTAX, start, "invalid number (no digit after '.')");
                while (i < n && is_digit(s[i]))
                        i++;
        }
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
                integer = false;
                i++;
                if (i < n && (s[i] == '+' || s[i] == '-'))
                        i++;
                if (i >= n || !is_digit(s[i]))
                        return fail(sc, SYNTAX, start, "invalid number (no exponent digits)");
                while (i < n && is_digit(s[i]))
                        i++;
        }
        if (i - start > PKTP_NUMBER_MAX)
                return fail(sc, REFUSED, start, "number too long");
        if (integer) {
                /* |value| <= 2^63 when negative, <= 2^63 - 1 otherwise. */
                uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
                for (size_t j = neg ? start + 1 : start; j < int_end; j++) {
                        unsigned d = (unsigned)(s[j] - '0');
                        if (v > (lim - d) / 10)
                                return fail(sc, REFUSED, start, "integer out of the 64-bit signed range");
                        v = v * 10 + d;
                }
        } else {
                char tmp[PKTP_NUMBER_MAX + 1];
                memcpy(tmp, s + start, i - start);
                tmp[i - start] = '\0';
                if (!isfinite(strtod(tmp, NULL)))
                        return fail(sc, REFUSED, start, "number out of the double range");
        }
        sc->pos = i;
        return 0;
}

static int
scan_literal(struct scan *sc, const char *word)
{
        size_t k = strlen(word);

        if (sc->len - sc->pos < k || memcmp(sc->s + sc->pos, word, k) != 0)
                return fail(sc, SYNTAX, sc->pos, "invalid literal");
        sc->pos += k;
        return 0;
}

static int
push_frame(struct scan *sc, bool is_object)
{
        if (sc->depth == PKTP_DEPTH_MAX)
                return fail(sc, REFUSED, sc->pos, "nesting deeper than 32");
        if (++sc->containers > PKTP_CONTAINERS_MAX)
                return fail(sc, REFUSED, sc->pos, "too many objects and arrays");
        sc->stack[sc->depth++] = (struct frame){ .is_object = is_object, .keys_base = sc->n_keys };
        sc->pos++;
        skip_ws(sc);
        return 0;
}

static void
pop_frame(struct scan *sc)
{
        sc->n_keys = sc->stack[sc->depth - 1].keys_base;
        sc->depth--;
        sc->pos++;
}

static int
check(struct scan *sc)
{
        int r;

        skip_ws(sc);
        for (;;) {
                /* A value starts at sc->pos. */
                if (sc->pos >= sc->len)
                        return fail(sc, SYNTAX, sc->pos, sc->pos ? "unexpected end" : "empty frame");
                if (++sc->values > PKTP_VALUES_MAX)
                        return fail(sc, REFUSED, sc->pos, "too many values");
                char c = sc->s[sc->pos];
                bool opened = false;
                switch (c) {
                case '{':
                        r = push_frame(sc, true);
                        if (r < 0)
                                return r;
                        if (sc->pos < sc->len && sc->s[sc->pos] == '}') {
                                pop_frame(sc);
                        } else {
                                r = scan_key(sc);
                                if (r < 0)
                                        return r;
                                opened = true;
                        }
                        break;
                case '[':
                        r = push_frame(sc, false);
                        if (r < 0)
                                return r;
                        if (sc->pos < sc->len && sc->s[sc->pos] == ']') {
                                pop_frame(sc);
                        } else {
                                sc->stack[sc->depth - 1].count = 1;
                                opened = true;
                        }
                        break;
                case '"': {
                        size_t o, rl, dl;
                        uint64_t h;
                        r = scan_string(sc, &o, &rl, &dl, &h);
                        if (r < 0)
                                return r;
                        break;
                }
                case 't': r = scan_literal(sc, "true"); if (r < 0) return r; break;
                case 'f': r = scan_literal(sc, "false"); if (r < 0) return r; break;
                case 'n': r = scan_literal(sc, "null"); if (r < 0) return r; break;
                default:
                        if (c == '-' || is_digit(c)) {
                                r = scan_number(sc);
                                if (r < 0)
                                        return r;
                                break;
                        }
                        return fail(sc, SYNTAX, sc->pos, c ? "unexpected character" : "NUL byte");
                }
                if (opened)
                        continue;

                /* A value ended: close containers, or go on to the next member or element. */
                for (;;) {
                        skip_ws(sc);
                        if (sc->depth == 0) {
                                if (sc->pos != sc->len)
                                        return fail(sc, SYNTAX, sc->pos, "garbage after the JSON value");
                                return 0;
                        }
                        struct frame *f = &sc->stack[sc->depth - 1];
                        if (sc->pos >= sc->len)
                                return fail(sc, SYNTAX, sc->pos, "unexpected end");
                        c = sc->s[sc->pos];
                        if (c == (f->is_object ? '}' : ']')) {
                                pop_frame(sc);
                                continue;
                        }
                        if (c != ',')
                                return fail(sc, SYNTAX, sc->pos,
                                            f->is_object ? "expected ',' or '}'" : "expected ',' or ']'");
                        sc->pos++;
                        skip_ws(sc);
                        if (f->is_object) {
                                r = scan_key(sc);
                                if (r < 0)
                                        return r;
                        } else {
                                f->count++;
                        }
                        break;
                }
        }
}

int
pktp_json_check(const char *text, size_t len, struct pktp_error *err)
{
        struct scan sc = { .s = text, .len = len, .err = err };
        int r;

        if (!text && len)
                return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL, "no frame");
        (void)pthread_once(&seed_once, seed_init);
        r = check(&sc);
        free(sc.hashes);
        free(sc.keys);
        return r;
}
