/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Write plans for the packet writer (see packet_plan.h). What a plan writes is what libpkt's visitor
 * reports (pkt_visit(): the field located as pkt_field_locate() does, formatted as
 * pkt_value_format() does) turned into JSON as packet_write.c's visitor path does; test_packet_write
 * holds the two to the same bytes on the corpus.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "packet_plan.h"

/* ---- the cache ---- */

/* Why 2048 slots: one per field table that can reach the writer (every protocol's header table, its
 * element sets' tables and their kinds' tables: a few hundred built in), at most half full so that
 * probes stay short. When it is full, a new table is written the general way. */
#define PLAN_SLOTS 2048u

static _Atomic(struct plan *) plan_slots[PLAN_SLOTS];

static bool
is_plain_name(const char *s, size_t *ret_len)
{
        size_t n = 0;

        for (; s[n]; n++)
                if (s[n] < 0x20 || s[n] >= 0x7f || s[n] == '"' || s[n] == '\\')
                        return false;
        *ret_len = n;
        return true;
}

/* Whether @pf (its place and type filled in) can be in a plan's leading run: sets its lead kind and
 * widens *@end to cover it. */
static bool
lead_kind(struct plan_field *pf, uint32_t *end)
{
        uint32_t off = pf->off, bits = pf->bits;

        if (off == PKT_OFF_FOLLOW || bits == 0 || pf->delim || pf->type == PKT_FT_DNSNAME)
                return false;
        if (pf->is_int_type || off % 8 || bits % 8) {
                if (bits > 64 || (off % 8 + bits + 7) / 8 > 8 || (pf->flags & PKT_FF_SIGNED))
                        return false;
                bool is_plain_be = !(pf->flags & PKT_FF_LE) && off % 8 == 0;
                pf->lead = is_plain_be && bits == 8 ? LEAD_U8 : is_plain_be && bits == 16 ? LEAD_U16
                         : is_plain_be && bits == 32 ? LEAD_U32 : LEAD_BITS;
        } else if (pf->type == PKT_FT_MAC && bits == 48)
                pf->lead = LEAD_MAC;
        else if (pf->type == PKT_FT_IPV4 && bits == 32)
                pf->lead = LEAD_IPV4;
        else if (pf->type == PKT_FT_IPV6 && bits == 128)
                pf->lead = LEAD_IPV6;
        else
                return false;
        if ((off + bits + 7) / 8 > *end)
                *end = (off + bits + 7) / 8;
        return true;
}

static struct plan *
plan_build(const struct pkt_field *table, unsigned n)
{
        struct plan *pl = calloc(1, sizeof(*pl) + n * sizeof(pl->f[0]));

        if (!pl)
                return NULL;
        pl->table = table;
        pl->n = n;
        for (unsigned k = 0; k < n; k++) {
                const struct pkt_field *f = &table[k];
                struct plan_field *pf = &pl->f[k];
                size_t len;

                /* A line end's place, or a field's that another counts the tail of, is the visitor's
                 * business (pkt_field_locate()): they are rare. */
                if (!is_plain_name(f->name, &len) || len + 4 > PLAN_KEY_MAX ||
                    ((f->flags & PKT_FF_DELIM) && !f->def_bytes) ||
                    (f->flags & (PKT_FF_LINE_END | PKT_FF_TAIL_COUNTED))) {
                        /* Kept, so that the table is not looked at again on every packet. */
                        pl->n = 0;
                        return pl;
                }
                pf->off = f->off;
                pf->bits = f->bits;
                if (pf->bits == 0)
                        pf->bits = f->type == PKT_FT_MAC ? 48 : f->type == PKT_FT_IPV4 ? 32 : f->type == PKT_FT_IPV6 ? 128 : 0;
                pf->type = f->type;
                pf->tail = f->tail;
                pf->flags = f->flags;
                pf->is_int_type = f->type == PKT_FT_UINT || f->type == PKT_FT_FLAGS || f->type == PKT_FT_ENUM;
                if (f->flags & PKT_FF_DELIM) {
                        pf->delim = f->def_bytes;
                        pf->delim_len = strlen(f->def_bytes);
                        pf->is_crlf = strcmp(f->def_bytes, "\r\n") == 0;
                }
                if (k == pl->n_lead && lead_kind(pf, &pl->lead_end)) {
                        pl->n_lead++;
                }
                pf->key[0] = ',';
                pf->key[1] = '"';
                memcpy(pf->key + 2, f->name, len);
                pf->key[2 + len] = '"';
                pf->key[3 + len] = ':';
                pf->key_len = (uint8_t)(len + 4);
        }
        return pl;
}

const struct plan *
plan_get(const struct pkt_field *table, unsigned n)
{
        uintptr_t h = (uintptr_t)table;

        if (!table || n == 0)
                return NULL;
        h ^= h >> 17;
        h *= UINT64_C(0x9e3779b97f4a7c15) & UINTPTR_MAX;
        for (unsigned i = 0; i < PLAN_SLOTS; i++) {
                _Atomic(struct plan *) *slot = &plan_slots[(h + i) % PLAN_SLOTS];
                struct plan *pl = atomic_load_explicit(slot, memory_order_acquire);
                if (pl) {
                        if (pl->table == table)
                                return pl->n == n ? pl : NULL; /* n = 0: no plan */
                        continue;
                }
                /* Not there: build it and publish it. Another thread may publish first, the same
                 * table or another one; then look again from this slot. */
                struct plan *mine = plan_build(table, n);
                if (!mine)
                        return NULL;
                for (; i < PLAN_SLOTS; i++) {
                        slot = &plan_slots[(h + i) % PLAN_SLOTS];
                        struct plan *expected = NULL;
                        if (atomic_compare_exchange_strong_explicit(slot, &expected, mine, memory_order_acq_rel,
                                                                    memory_order_acquire))
                                return mine->n == n ? mine : NULL; /* n = 0: no plan */
                        if (expected->table == table) {
                                free(mine);
                                return expected->n == n ? expected : NULL;
                        }
                }
                free(mine);
                return NULL;
        }
        return NULL;
}

/* ---- layer heads ---- */

struct layer_head {
        const char *name; /* the protocol's name this was made from */
        size_t len;
        char text[]; /* {"layer":"name" */
};

static _Atomic(struct layer_head *) heads[PKT_PROTO_MAX];

const char *
plan_layer_head(const struct pkt_proto *pr, size_t *ret_len)
{
        size_t len;

        if (!pr || pr->id >= PKT_PROTO_MAX)
                return NULL;
        _Atomic(struct layer_head *) *slot = &heads[pr->id];
        struct layer_head *h = atomic_load_explicit(slot, memory_order_acquire);
        if (!h) {
                if (!is_plain_name(pr->name, &len))
                        return NULL;
                struct layer_head *mine = malloc(sizeof(*mine) + len + 12);
                if (!mine)
                        return NULL;
                mine->name = pr->name;
                mine->len = len + 11;
                memcpy(mine->text, "{\"layer\":\"", 10);
                memcpy(mine->text + 10, pr->name, len);
                mine->text[10 + len] = '"';
                mine->text[11 + len] = '\0';
                struct layer_head *expected = NULL;
                if (atomic_compare_exchange_strong_explicit(slot, &expected, mine, memory_order_acq_rel,
                                                            memory_order_acquire)) {
                        h = mine;
                } else {
                        free(mine);
                        h = expected;
                }
        }
        if (h->name != pr->name)
                return NULL;
        *ret_len = h->len;
        return h->text;
}

/* ---- appending ---- */

/* Room for @n more bytes (and the NUL) without a call, in the common case. */
static inline bool
has_room(const struct pktp_buf *b, size_t n)
{
        return b->data && n < b->cap - b->len && !b->err;
}

static inline void
put(struct pktp_buf *b, const void *s, size_t n)
{
        if (has_room(b, n)) {
                memcpy(b->data + b->len, s, n);
                b->len += n;
                b->data[b->len] = '\0';
        } else {
                pktp_buf_put(b, s, n);
        }
}

static inline void
put_key(struct pktp_buf *b, const struct plan_field *pf, struct plan_pos *pos)
{
        unsigned skip = pos->is_first;

        put(b, pf->key + skip, pf->key_len - skip);
        pos->is_first = false;
}

/* The key of @pf at @o (room for PLAN_KEY_MAX bytes): a fixed-size copy, then only its length
 * counts. Returns the end. */
static inline char *
key_text(char *o, const struct plan_field *pf, struct plan_pos *pos)
{
        unsigned skip = pos->is_first;

        memcpy(o, pf->key + skip, PLAN_KEY_MAX);
        pos->is_first = false;
        return o + pf->key_len - skip;
}

/* Ends a direct write at @o. */
static inline void
done(struct pktp_buf *b, char *o)
{
        *o = '\0';
        b->len = (size_t)(o - b->data);
}

static const char hex_pairs[513] =
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
        "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
        "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
        "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
        "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
        "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
        "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

void
plan_put_hex(struct pktp_buf *b, const void *data, size_t n)
{
        const uint8_t *d = data;
        size_t i = 0;

        if (n > (SIZE_MAX - 3) / 2) {
                if (!b->err)
                        b->err = -EMSGSIZE;
                return;
        }
        if (pktp_buf_reserve(b, 2 * n + 2) < 0)
                return;
        char *o = b->data + b->len;
        *o++ = '"';
#if defined(__SSE2__)
        /* Each nibble v becomes '0' + v, plus 'a' - '0' - 10 when v > 9: 32 digits per 16 bytes. */
        const __m128i low = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9), zero = _mm_set1_epi8('0'),
                      gap = _mm_set1_epi8('a' - '0' - 10);
        for (; i + 16 <= n; i += 16, o += 32) {
                __m128i x = _mm_loadu_si128((const __m128i *)(d + i));
                __m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), low), lo = _mm_and_si128(x, low);
                __m128i a = _mm_unpacklo_epi8(hi, lo), c = _mm_unpackhi_epi8(hi, lo);
                a = _mm_add_epi8(_mm_add_epi8(a, zero), _mm_and_si128(_mm_cmpgt_epi8(a, nine), gap));
                c = _mm_add_epi8(_mm_add_epi8(c, zero), _mm_and_si128(_mm_cmpgt_epi8(c, nine), gap));
                _mm_storeu_si128((__m128i *)o, a);
                _mm_storeu_si128((__m128i *)(o + 16), c);
        }
#endif
        for (; i < n; i++, o += 2)
                memcpy(o, hex_pairs + 2 * d[i], 2);
        *o++ = '"';
        *o = '\0';
        b->len += 2 * n + 2;
}

/* Writes the IPv6 address @a at @o as glibc's inet_ntop() does (RFC 5952: the longest run of two
 * or more zero groups, the first of equal ones, becomes "::"; IPv4-compatible and IPv4-mapped
 * addresses end in a dotted quad) and returns the end. At most INET6_ADDRSTRLEN - 1 bytes. */
static char *
ipv6_text(char *o, const uint8_t *a)
{
        static const char digits[] = "0123456789abcdef";
        unsigned w[8];
        int best = -1, best_len = 0, cur = -1, cur_len = 0;

        for (int i = 0; i < 8; i++) {
                w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
                if (w[i] == 0) {
                        if (cur < 0)
                                cur = i, cur_len = 0;
                        cur_len++;
                } else if (cur >= 0) {
                        if (best < 0 || cur_len > best_len)
                                best = cur, best_len = cur_len;
                        cur = -1;
                }
        }
        if (cur >= 0 && (best < 0 || cur_len > best_len))
                best = cur, best_len = cur_len;
        if (best_len < 2)
                best = -1;
        for (int i = 0; i < 8; i++) {
                if (best >= 0 && i >= best && i < best + best_len) {
                        if (i == best)
                                *o++ = ':';
                        continue;
                }
                if (i)
                        *o++ = ':';
                if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
                        for (int j = 12; j < 16; j++) {
                                unsigned v = a[j];
                                if (v >= 100)
                                        *o++ = (char)('0' + v / 100);
                                if (v >= 10)
                                        *o++ = (char)('0' + v / 10 % 10);
                                *o++ = (char)('0' + v % 10);
                                if (j < 15)
                                        *o++ = '.';
                        }
                        return o;
                }
                unsigned v = w[i];
                if (v >= 0x1000)
                        *o++ = digits[v >> 12];
                if (v >= 0x100)
                        *o++ = digits[v >> 8 & 15];
                if (v >= 0x10)
                        *o++ = digits[v >> 4 & 15];
                *o++ = digits[v & 15];
        }
        if (best >= 0 && best + best_len == 8)
                *o++ = ':';
        return o;
}

char *
plan_addr_text(char *o, unsigned type, const uint8_t *q)
{
        if (type == PKT_FT_IPV6)
                return ipv6_text(o, q);
        if (type == PKT_FT_MAC) {
                for (int i = 0; i < 6; i++) {
                        memcpy(o, hex_pairs + 2 * q[i], 2);
                        o[2] = ':';
                        o += 3;
                }
                return o - 1;
        }
        for (int i = 0; i < 4; i++) {
                unsigned v = q[i];
                if (v >= 100)
                        *o++ = (char)('0' + v / 100);
                if (v >= 10)
                        *o++ = (char)('0' + v / 10 % 10);
                *o++ = (char)('0' + v % 10);
                *o++ = '.';
        }
        return o - 1;
}

/* Writes @v in decimal at @o (room for 20 digits) and returns the end. */
static inline char *
u64_text(char *o, uint64_t v)
{
        static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                       "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                       "8081828384858687888990919293949596979899";
        unsigned n = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : 6;

        for (uint64_t t = v / 1000000; t; t /= 10)
                n++;
        char *end = o + n;
        o = end;
        while (v >= 100) {
                o -= 2;
                memcpy(o, pairs + 2 * (v % 100), 2);
                v /= 100;
        }
        if (v >= 10) {
                o -= 2;
                memcpy(o, pairs + 2 * v, 2);
        } else {
                *--o = (char)('0' + v);
        }
        return end;
}

/* Room for @n more bytes at the end of @b, or NULL (the error is then sticky in @b). */
static inline char *
room(struct pktp_buf *b, size_t n)
{
        if (has_room(b, n) || pktp_buf_reserve(b, n) == 0)
                return b->data + b->len;
        return NULL;
}

/* Bytes a key and a fixed-size value take at most: the key buffer's copy, a quoted IPv6 address. */
#define FIELD_ROOM (PLAN_KEY_MAX + 2 + INET6_ADDRSTRLEN + 8)

/* The field's bits, as libpkt's pkt_bits_read() reads them. */
static inline uint64_t
bits_read(const uint8_t *q0, uint32_t bit_off, uint32_t bits, bool le)
{
        const uint8_t *q = q0 + bit_off / 8;
        unsigned shift = bit_off % 8, nbytes = (shift + bits + 7) / 8;
        uint64_t v = 0;

        if (!le && shift == 0) {
                /* The usual header field: whole bytes on a byte. */
                switch (bits) {
                case 8:
                        return q[0];
                case 16:
                        return (uint64_t)q[0] << 8 | q[1];
                case 32:
                        return (uint64_t)q[0] << 24 | (uint64_t)q[1] << 16 | (uint64_t)q[2] << 8 | q[3];
                default:
                        break;
                }
        }
        if (le) {
                for (unsigned i = nbytes; i-- > 0;)
                        v = v << 8 | q[i];
                return bits == 64 ? v : v & ((UINT64_C(1) << bits) - 1);
        }
        for (unsigned i = 0; i < nbytes; i++)
                v = v << 8 | q[i];
        v >>= nbytes * 8 - shift - bits;
        return bits == 64 ? v : v & ((UINT64_C(1) << bits) - 1);
}

/* Wire bytes of the DNS name at @off (as libpkt's pkt_dnsname_wire_len()), or -1. */
static int64_t
dnsname_wire_len(const uint8_t *msg, uint32_t msg_len, uint32_t off)
{
        for (uint32_t pos = off;;) {
                if (pos >= msg_len)
                        return -1;
                uint8_t n = msg[pos];
                if ((n & 0xc0) == 0xc0)
                        return pos + 1 >= msg_len ? -1 : (int64_t)(pos + 2 - off);
                if (n & 0xc0)
                        return -1;
                if (n == 0)
                        return pos + 1 - off;
                pos += 1u + n;
        }
}

/* Why 128: as libpkt's DNS_JUMPS_MAX (a name has at most 127 labels; more jumps can only be a loop). */
#define DNS_JUMPS_MAX 128
/* Why 1000: the visitor's text is cut at 1 KiB; a longer name takes the by-name path, which cuts it
 * the same way. */
#define DNS_TEXT_FAST_MAX 1000

enum { NAME_SKIP = -1, NAME_SLOW = -2 };

/* The DNS name at @off of the message as libpkt's pkt_dnsname_decode() writes it (into @out, at
 * least DNS_TEXT_FAST_MAX + 8 bytes): its length, NAME_SKIP when the visitor shows nothing (a name
 * leading nowhere) or NAME_SLOW when the text would be too long for this path. */
static int
dnsname_text(const uint8_t *msg, uint32_t msg_len, uint32_t off, char *out)
{
        uint32_t pos = off;
        unsigned jumps = 0;
        int len = 0;

        for (;;) {
                if (pos >= msg_len)
                        return NAME_SKIP;
                uint8_t n = msg[pos];
                if ((n & 0xc0) == 0xc0) {
                        if (pos + 1 >= msg_len || ++jumps > DNS_JUMPS_MAX)
                                return NAME_SKIP;
                        pos = (uint32_t)(n & 0x3f) << 8 | msg[pos + 1];
                        continue;
                }
                if (n & 0xc0)
                        return NAME_SKIP;
                if (n == 0)
                        break;
                if (n > msg_len - pos - 1)
                        return NAME_SKIP;
                /* At most 4 bytes per label byte, and the dot. */
                if (len + 1 + 4 * n > DNS_TEXT_FAST_MAX)
                        return NAME_SLOW;
                if (len > 0)
                        out[len++] = '.';
                for (unsigned i = 0; i < n; i++) {
                        uint8_t c = msg[pos + 1 + i];
                        if (c == '.' || c == '\\') {
                                out[len++] = '\\';
                                out[len++] = (char)c;
                        } else if (c > 0x20 && c < 0x7f) {
                                out[len++] = (char)c;
                        } else {
                                out[len++] = '\\';
                                out[len++] = (char)('0' + c / 100);
                                out[len++] = (char)('0' + c / 10 % 10);
                                out[len++] = (char)('0' + c % 10);
                        }
                }
                pos += 1u + n;
        }
        if (len == 0) {
                memcpy(out, "<Root>", 6);
                len = 6;
        }
        return len;
}

/* A JSON string of @n bytes that need no escaping but maybe a few '"' and '\\'. */
static void
put_text(struct pktp_buf *b, const char *s, size_t n)
{
        if (has_room(b, n + 2) && !memchr(s, '"', n) && !memchr(s, '\\', n)) {
                bool is_plain = true;
                for (size_t i = 0; i < n; i++)
                        is_plain &= (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f;
                if (is_plain) {
                        char *o = b->data + b->len;
                        o[0] = '"';
                        memcpy(o + 1, s, n);
                        o[n + 1] = '"';
                        o[n + 2] = '\0';
                        b->len += n + 2;
                        return;
                }
        }
        pktp_buf_json_str(b, s, n);
}

/* Bytes of a delimited field starting at byte @start of the @len at @base, as libpkt's delim_len():
 * up to its delimiter, or to @len; a CRLF field also ends at a bare LF. */
static uint32_t
delim_bytes(const struct plan_field *pf, const uint8_t *base, uint32_t len, uint32_t start)
{
        if (pf->delim_len == 0)
                return len - start;
        if (pf->is_crlf) {
                const uint8_t *lf = memchr(base + start, '\n', len - start);
                if (!lf)
                        return len - start;
                uint32_t at = (uint32_t)(lf - base);
                return at > start && base[at - 1] == '\r' ? at - 1 - start : at - start;
        }
        for (uint32_t i = start; i < len; i++) {
                const uint8_t *hit = memchr(base + i, pf->delim[0], len - i);
                if (!hit)
                        break;
                i = (uint32_t)(hit - base);
                if (pf->delim_len <= len - i && memcmp(base + i, pf->delim, pf->delim_len) == 0)
                        return i - start;
        }
        return len - start;
}

int
plan_write(struct pktp_buf *b, const struct plan *pl, const uint8_t *msg, uint32_t msg_len,
           const uint8_t *base, uint32_t len, struct plan_pos *pos)
{
        if (pos->k == 0 && pl->n_lead > 0 && len >= pl->lead_end) {
                /* The leading run is all there: no locating, no checks, and room reserved once for
                 * the whole run, the write position and the first-member mark kept in locals (a
                 * store through the buffer could alias them). Near the buffer's cap, one reserve
                 * per field as before, so that what fits is exactly what fitted. */
                size_t run = (size_t)pl->n_lead * FIELD_ROOM;
                bool is_one_room = has_room(b, run) ||
                                   (!b->err && b->len <= b->max && run <= b->max - b->len &&
                                    pktp_buf_reserve(b, run) == 0);
                char *o = is_one_room ? b->data + b->len : NULL;
                bool is_first = pos->is_first;
                for (unsigned k = 0; k < pl->n_lead; k++) {
                        const struct plan_field *pf = &pl->f[k];
                        const uint8_t *q = base + pf->off / 8;
                        if (!is_one_room) {
                                o = room(b, FIELD_ROOM);
                                if (!o)
                                        return PLAN_OK; /* the error is sticky: nothing more can be written */
                        }
                        memcpy(o, pf->key + is_first, PLAN_KEY_MAX); /* as key_text() */
                        o += pf->key_len - is_first;
                        is_first = false;
                        switch (pf->lead) {
                        case LEAD_U8:
                                o = u64_text(o, q[0]);
                                break;
                        case LEAD_U16:
                                o = u64_text(o, (uint64_t)q[0] << 8 | q[1]);
                                break;
                        case LEAD_U32:
                                o = u64_text(o, (uint64_t)q[0] << 24 | (uint64_t)q[1] << 16 | (uint64_t)q[2] << 8 | q[3]);
                                break;
                        case LEAD_BITS:
                                o = u64_text(o, bits_read(base, pf->off, pf->bits, pf->flags & PKT_FF_LE));
                                break;
                        default:
                                *o++ = '"';
                                o = plan_addr_text(o, pf->type, q);
                                *o++ = '"';
                                break;
                        }
                        if (!is_one_room)
                                done(b, o);
                }
                if (is_one_room)
                        done(b, o);
                pos->is_first = is_first;
                const struct plan_field *last = &pl->f[pl->n_lead - 1];
                pos->k = pl->n_lead;
                pos->prev_ok = true;
                pos->prev_end = (uint32_t)last->off + last->bits;
        }
        for (unsigned k = pos->k; k < pl->n; k++) {
                const struct plan_field *pf = &pl->f[k];
                uint32_t start, bits;

                /* Located as pkt_field_locate() does: a following field starts where the one before
                 * ended, and is not there when that one was not. */
                if (pf->off != PKT_OFF_FOLLOW)
                        start = pf->off;
                else if (k == 0)
                        start = 0;
                else if (pos->prev_ok)
                        start = pos->prev_end;
                else
                        continue;
                bool had_prev = pos->prev_ok;
                uint32_t prev_end = pos->prev_end;
                if (pf->off == PKT_OFF_FOLLOW && k > 0 && pl->f[k - 1].delim) {
                        /* Step over the delimiter when it is there (a field cut by the region end has
                         * none), as libpkt's field_start() does. */
                        const struct plan_field *d = &pl->f[k - 1];
                        uint32_t at = start / 8;
                        if (at <= len && d->delim_len <= len - at && memcmp(base + at, d->delim, d->delim_len) == 0)
                                start += (uint32_t)d->delim_len * 8;
                        else if (d->is_crlf && at < len && base[at] == '\n')
                                start += 8;
                }
                pos->prev_ok = false;
                if (start / 8 > len)
                        continue;
                bits = pf->bits;
                if (bits == 0) {
                        if (pf->type == PKT_FT_DNSNAME) {
                                int64_t wl = start % 8 ? -1 : dnsname_wire_len(base, len, start / 8);
                                if (wl < 0)
                                        continue;
                                bits = (uint32_t)wl * 8;
                        } else if (pf->delim) {
                                if (start % 8)
                                        continue;
                                bits = delim_bytes(pf, base, len, start / 8) * 8;
                        } else if (pf->flags & PKT_FF_COUNTED) {
                                /* As libpkt's counted_len(): the integer just before counts the bytes. */
                                const struct plan_field *c = k > 0 ? &pl->f[k - 1] : NULL;
                                if (!c || !had_prev || !c->is_int_type || c->bits == 0 || c->bits > 32 ||
                                    start % 8)
                                        continue;
                                uint64_t count = bits_read(base, prev_end - c->bits, c->bits, c->flags & PKT_FF_LE);
                                if (count > len - start / 8)
                                        continue;
                                bits = (uint32_t)count * 8;
                        } else {
                                /* Variable bytes run to the end, or to their tail (as libpkt's). */
                                if (pf->tail > len - start / 8)
                                        continue;
                                bits = (len - start / 8 - pf->tail) * 8;
                        }
                }
                if (((uint64_t)start + bits + 7) / 8 > len)
                        continue;
                if (bits == 0 && pf->is_int_type)
                        continue;
                pos->prev_ok = true;
                pos->prev_end = start + bits;

                /* Written as the visitor reports it: an integer for integer types and for anything
                 * off a byte boundary or of odd width (up to 64 bits; wider is not shown). */
                if (pf->is_int_type || start % 8 || bits % 8) {
                        if (bits > 64)
                                continue;
                        if (bits == 0 || (start % 8 + bits + 7) / 8 > 8)
                                goto slow; /* as libpkt reads it, or not at all */
                        uint64_t u = bits_read(base, start, bits, pf->flags & PKT_FF_LE);
                        char *o = room(b, FIELD_ROOM);
                        if (!o)
                                return PLAN_OK; /* the error is sticky: nothing more can be written */
                        o = key_text(o, pf, pos);
                        if ((pf->flags & PKT_FF_SIGNED) && (u >> (bits - 1)) & 1) {
                                /* Negative: the magnitude of the sign-extended value. */
                                int64_t v = bits < 64 ? (int64_t)(u | ~((UINT64_C(1) << bits) - 1)) : (int64_t)u;
                                *o++ = '-';
                                o = u64_text(o, (uint64_t)-(v + 1) + 1);
                        } else {
                                o = u64_text(o, u);
                        }
                        done(b, o);
                        continue;
                }
                const uint8_t *q = base + start / 8;
                size_t n = bits / 8;
                switch (pf->type) {
                case PKT_FT_MAC:
                case PKT_FT_IPV4:
                case PKT_FT_IPV6: {
                        if (n != (pf->type == PKT_FT_MAC ? 6u : pf->type == PKT_FT_IPV4 ? 4u : 16u))
                                goto slow;
                        char *o = room(b, FIELD_ROOM);
                        if (!o)
                                return PLAN_OK;
                        o = key_text(o, pf, pos);
                        *o++ = '"';
                        if (pf->type == PKT_FT_MAC) {
                                for (int i = 0; i < 6; i++) {
                                        memcpy(o, hex_pairs + 2 * q[i], 2);
                                        o[2] = ':';
                                        o += 3;
                                }
                                o--;
                        } else if (pf->type == PKT_FT_IPV4) {
                                for (int i = 0; i < 4; i++) {
                                        unsigned v = q[i];
                                        if (v >= 100)
                                                *o++ = (char)('0' + v / 100);
                                        if (v >= 10)
                                                *o++ = (char)('0' + v / 10 % 10);
                                        *o++ = (char)('0' + v % 10);
                                        *o++ = '.';
                                }
                                o--;
                        } else {
                                o = ipv6_text(o, q);
                        }
                        *o++ = '"';
                        done(b, o);
                        break;
                }
                case PKT_FT_STRING: {
                        /* One pass: the JSON string, and the length of the visitor's C-escaped text,
                         * which is cut at 1 KiB (then the by-name path writes the cut text). */
                        if (n > 1000)
                                goto slow;
                        char *o = room(b, PLAN_KEY_MAX + 6 * n + 4);
                        if (!o)
                                return PLAN_OK;
                        bool was_first = pos->is_first;
                        size_t vis = 0;
                        o = key_text(o, pf, pos);
                        *o++ = '"';
                        for (size_t i = 0; i < n; i++) {
                                uint8_t c = q[i];
                                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                                        *o++ = (char)c;
                                        vis++;
                                        continue;
                                }
                                vis += c == '\r' || c == '\n' || c == '\t' || c == '"' || c == '\\' ? 2 : 4;
                                *o++ = '\\';
                                if (c == '"' || c == '\\') {
                                        *o++ = (char)c;
                                } else {
                                        memcpy(o, "u00", 3);
                                        memcpy(o + 3, hex_pairs + 2 * c, 2);
                                        o += 5;
                                }
                        }
                        if (vis > 1000) {
                                /* Take it back: nothing was counted in b->len yet. */
                                b->data[b->len] = '\0';
                                pos->is_first = was_first;
                                goto slow;
                        }
                        *o++ = '"';
                        done(b, o);
                        break;
                }
                case PKT_FT_DNSNAME: {
                        char text[DNS_TEXT_FAST_MAX + 8];
                        if (pf->flags & PKT_FF_NETBIOS)
                                goto slow; /* libpkt's text, as the visitor shows it */
                        int tl = dnsname_text(msg, msg_len, (uint32_t)(q - msg), text);
                        if (tl == NAME_SKIP)
                                break;
                        if (tl < 0)
                                goto slow;
                        put_key(b, pf, pos);
                        put_text(b, text, (size_t)tl);
                        break;
                }
                default: /* bytes */
                        put_key(b, pf, pos);
                        plan_put_hex(b, q, n);
                        break;
                }
                continue;
slow:
                pos->k = k;
                return PLAN_FIELD_SLOW;
        }
        pos->k = pl->n;
        return PLAN_OK;
}
