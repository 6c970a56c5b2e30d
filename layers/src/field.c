/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fields by name, driven by the protocols' field tables: locating a field in a header or element,
 * reading and writing its bits. Their values as text are value.c's.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* ---- bits ---- */

uint64_t
pkt_bits_read(const uint8_t *b, uint32_t bit_off, uint32_t bits, bool le)
{
        const uint8_t *q = b + bit_off / 8;
        unsigned shift = bit_off % 8, nbytes = (shift + bits + 7) / 8;
        uint64_t v = 0;

        assert(bits > 0 && bits <= 64 && nbytes <= 8);
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

void
pkt_bits_write(uint8_t *b, uint32_t bit_off, uint32_t bits, bool le, uint64_t v)
{
        uint8_t *q = b + bit_off / 8;
        unsigned shift = bit_off % 8, nbytes = (shift + bits + 7) / 8;

        assert(bits > 0 && bits <= 64 && nbytes <= 8);
        if (le) {
                for (unsigned i = 0; i < nbytes; i++, v >>= 8)
                        q[i] = (uint8_t)v;
                return;
        }
        unsigned low = nbytes * 8 - shift - bits;
        uint64_t mask = (bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1) << low;
        uint64_t cur = 0;
        for (unsigned i = 0; i < nbytes; i++)
                cur = cur << 8 | q[i];
        cur = (cur & ~mask) | ((v << low) & mask);
        for (unsigned i = nbytes; i-- > 0; cur >>= 8)
                q[i] = (uint8_t)cur;
}

/* ---- locating ---- */

int
pkt_field_default_len(const struct pkt_field *f)
{
        switch (f->type) {
        case PKT_FT_MAC:
                return 6;
        case PKT_FT_IPV4:
                return 4;
        case PKT_FT_IPV6:
                return 16;
        default:
                return (int)(f->bits / 8);
        }
}

static uint32_t
fixed_bits(const struct pkt_field *f)
{
        if (f->bits)
                return f->bits;
        switch (f->type) {
        case PKT_FT_MAC:
                return 48;
        case PKT_FT_IPV4:
                return 32;
        case PKT_FT_IPV6:
                return 128;
        default:
                return 0;
        }
}

static bool
is_crlf(const char *delim)
{
        return strcmp(delim, "\r\n") == 0;
}

/* Does field @f's location depend on the field before it (its start follows it, or it counts @f)? */
static bool
needs_prev(const struct pkt_field *f)
{
        return f->off == PKT_OFF_FOLLOW || (f->flags & PKT_FF_COUNTED);
}

/* Start bit of field @k: its own offset, or the end of the field before it (@prev). */
static uint32_t
field_start(const uint8_t *base, uint32_t len, const struct pkt_field *table, unsigned k,
            const struct field_loc *prev)
{
        uint32_t start;

        if (table[k].off != PKT_OFF_FOLLOW)
                return table[k].off;
        if (k == 0)
                return 0;
        start = prev->bit_off + prev->bits;
        if ((table[k - 1].flags & PKT_FF_DELIM) && !(table[k].flags & PKT_FF_LINE_END)) {
                /* Step over the delimiter when it is there (a field cut by the region end has none). */
                size_t dl = strlen(table[k - 1].def_bytes);
                uint32_t at = start / 8;
                if (at <= len && dl <= len - at && memcmp(base + at, table[k - 1].def_bytes, dl) == 0)
                        start += (uint32_t)dl * 8;
                else if (is_crlf(table[k - 1].def_bytes) && at < len && base[at] == '\n')
                        start += 8;
        }
        return start;
}

/* Bytes of a PKT_FF_DELIM field starting at @start: up to its delimiter, or to @len. A CRLF line end
 * also ends at a bare LF, which text protocols accept (RFC 9112 2.2). */
static uint32_t
delim_len(const struct pkt_field *f, const uint8_t *base, uint32_t len, uint32_t start)
{
        size_t dl = strlen(f->def_bytes);
        bool lf = is_crlf(f->def_bytes);

        for (uint32_t i = start; dl > 0 && i < len; i++) {
                if (lf && base[i] == '\n')
                        return i - start;
                if (dl <= len - i && memcmp(base + i, f->def_bytes, dl) == 0)
                        return i - start;
        }
        return len - start;
}

/* Bytes of the line end at @start (PKT_FF_LINE_END): CR LF, a bare LF, or none. */
static uint32_t
line_end_len(const uint8_t *base, uint32_t len, uint32_t start)
{
        if (start < len && base[start] == '\n')
                return 1;
        return len - start >= 2 && base[start] == '\r' && base[start + 1] == '\n' ? 2 : 0;
}

/* The length in bytes of PKT_FF_COUNTED field @k: the value of the integer field before it, at
 * @count. */
static int
counted_len(const uint8_t *base, const struct pkt_field *table, unsigned k, const struct field_loc *count,
            uint64_t *ret)
{
        if (k == 0 || !pkt_field_is_integer(&table[k - 1]))
                return -EINVAL; /* a table mistake: no integer before the field counts it */
        if (count->bits == 0 || count->bits > 32)
                return -EINVAL;
        *ret = pkt_bits_read(base, count->bit_off, count->bits, table[k - 1].flags & PKT_FF_LE);
        return 0;
}

/* The bytes after PKT_FF_TAIL_COUNTED field @k: the value of the integer field @tail names, which
 * comes before it (a fixed one, located on its own: no recursion through variable fields). */
static int
tail_count(const uint8_t *base, uint32_t len, const struct pkt_field *table, unsigned k, uint64_t *ret)
{
        unsigned c = table[k].tail;
        struct field_loc loc;

        if (c >= k || !pkt_field_is_integer(&table[c]) || needs_prev(&table[c]))
                return -EINVAL; /* a table mistake */
        int r = pkt_field_locate(base, len, table, c, &loc);
        if (r < 0 || loc.bits == 0 || loc.bits > 32)
                return r < 0 ? r : -EINVAL;
        *ret = pkt_bits_read(base, loc.bit_off, loc.bits, table[c].flags & PKT_FF_LE);
        return 0;
}

/* Locates field @k given where the field before it lies (@prev: read only when needs_prev(), and then
 * located). The one step behind pkt_field_locate() and pkt_fields_locate(). */
static int
locate_after(const uint8_t *base, uint32_t len, const struct pkt_field *table, unsigned k,
             const struct field_loc *prev, struct field_loc *ret)
{
        const struct pkt_field *f = &table[k];
        uint32_t start = field_start(base, len, table, k, prev), bits = fixed_bits(f);
        int r = 0;

        if (start / 8 > len)
                return -ENODATA;
        if (bits == 0) {
                if (f->type == PKT_FT_DNSNAME) {
                        uint32_t wl;
                        if (start % 8 || pkt_dnsname_wire_len(base, len, start / 8, &wl) < 0)
                                return -ENODATA;
                        bits = wl * 8;
                } else if (f->flags & PKT_FF_LINE_END) {
                        if (start % 8)
                                return -ENODATA;
                        bits = line_end_len(base, len, start / 8) * 8;
                } else if (f->flags & PKT_FF_DELIM) {
                        if (start % 8)
                                return -ENODATA;
                        bits = delim_len(f, base, len, start / 8) * 8;
                } else if (f->flags & PKT_FF_COUNTED) {
                        uint64_t count;
                        if (start % 8 || (r = counted_len(base, table, k, prev, &count)) < 0)
                                return r < 0 ? r : -ENODATA;
                        if (count > len - start / 8)
                                return -ENODATA; /* cut off, or a count past the region */
                        bits = (uint32_t)count * 8;
                } else {
                        /* Variable bytes run to the end, or to the fixed fields of their tail, or to
                         * as many bytes before it as a field before them counts. */
                        uint64_t tail = f->tail;
                        if ((f->flags & PKT_FF_TAIL_COUNTED) && (r = tail_count(base, len, table, k, &tail)) < 0)
                                return r;
                        if (tail > len - start / 8)
                                return -ENODATA;
                        bits = (len - start / 8 - (uint32_t)tail) * 8;
                }
        }
        if ((start + bits + 7) / 8 > len)
                return -ENODATA;
        /* An integer needs a bit at least: a variable one with no bytes left is not there. */
        if (bits == 0 && pkt_field_is_integer(f))
                return -ENODATA;
        *ret = (struct field_loc){ .bit_off = start, .bits = bits };
        return 0;
}

int
pkt_field_locate(const uint8_t *base, uint32_t len, const struct pkt_field *table, unsigned k,
                 struct field_loc *ret)
{
        struct field_loc prev = { 0 };

        if (k > 0 && needs_prev(&table[k])) {
                int r = pkt_field_locate(base, len, table, k - 1, &prev);
                if (r < 0)
                        return r;
        }
        return locate_after(base, len, table, k, &prev, ret);
}

int
pkt_fields_locate(const uint8_t *base, uint32_t len, const struct pkt_field *table, unsigned n,
                  struct field_loc *ret)
{
        for (unsigned k = 0; k < n; k++) {
                int r = locate_after(base, len, table, k, k > 0 ? &ret[k - 1] : NULL, &ret[k]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- by name ---- */

unsigned
pkt_field_count(unsigned proto)
{
        const struct pkt_proto *pr = proto_of(proto);
        return pr ? pr->n_fields : 0;
}

int
pkt_field_index(unsigned proto, const char *name)
{
        const struct pkt_proto *pr = proto_of(proto);

        pkt_assert_return(name, -EINVAL);
        if (!pr)
                return -ENOENT;
        for (unsigned k = 0; k < pr->n_fields; k++)
                if (strcmp(pr->fields[k].name, name) == 0)
                        return (int)k;
        return -ENOENT;
}

/* Resolves (layer, name) to the descriptor, field and its location in the header. */
struct field_ref {
        const struct pkt_proto *pr;
        const struct pkt_field *f;
        unsigned k;
        uint8_t *base;
        uint32_t hdr_len;
        struct field_loc loc;
};

static int
field_resolve(struct pkt *p, unsigned idx, const char *name, struct field_ref *ref)
{
        const struct pkt_layer *l = pkt_layer(p, idx);
        int k;

        if (!l)
                return -ENOENT;
        ref->pr = proto_of(l->proto);
        k = pkt_field_index(l->proto, name);
        if (k < 0)
                return k;
        ref->k = (unsigned)k;
        ref->f = &ref->pr->fields[k];
        ref->base = p->data + l->off;
        ref->hdr_len = l->hdr_len;
        return pkt_field_locate(ref->base, l->hdr_len, ref->pr->fields, ref->k, &ref->loc);
}

int
pkt_field_get_u64(struct pkt *p, unsigned idx, const char *name, uint64_t *ret)
{
        struct field_ref ref;
        int r;

        pkt_assert_return(p && name && ret, -EINVAL);
        r = field_resolve(p, idx, name, &ref);
        if (r < 0)
                return r;
        if (ref.loc.bits > 64 || ref.f->type == PKT_FT_BYTES || ref.f->type == PKT_FT_STRING ||
            ref.f->type == PKT_FT_DNSNAME)
                return -EINVAL;
        *ret = pkt_bits_read(ref.base, ref.loc.bit_off, ref.loc.bits, ref.f->flags & PKT_FF_LE);
        return 0;
}

int
pkt_field_get_str(struct pkt *p, unsigned idx, const char *name, char *buf, size_t size)
{
        struct field_ref ref;
        int r;

        pkt_assert_return(p && name && buf && size > 0, -EINVAL);
        r = field_resolve(p, idx, name, &ref);
        if (r < 0)
                return r;
        const struct pkt_layer *l = &p->layers[idx];
        return pkt_value_format(ref.f, ref.base, l->len, ref.base, ref.loc, buf, size);
}

int
pkt_field_get_bytes(struct pkt *p, unsigned idx, const char *name, const uint8_t **ret_data,
                    size_t *ret_len)
{
        struct field_ref ref;
        int r;

        pkt_assert_return(p && name && ret_data && ret_len, -EINVAL);
        r = field_resolve(p, idx, name, &ref);
        if (r < 0)
                return r;
        if (ref.loc.bit_off % 8 || ref.loc.bits % 8)
                return -EINVAL;
        *ret_data = ref.base + ref.loc.bit_off / 8;
        *ret_len = ref.loc.bits / 8;
        return 0;
}

/* Parts and combined fields share bits: setting one counts as setting the others explicitly too. */
static void
mark_overlapping_set(struct pkt *p, unsigned idx, const struct field_ref *ref)
{
        p->layers[idx].set_mask |= ref->k < 64 ? UINT64_C(1) << ref->k : 0;
        for (unsigned k = 0; k < ref->pr->n_fields && k < 64; k++) {
                const struct pkt_field *g = &ref->pr->fields[k];
                if (g->off == PKT_OFF_FOLLOW || !g->bits)
                        continue;
                if (g->off < ref->loc.bit_off + ref->loc.bits && ref->loc.bit_off < (uint32_t)g->off + g->bits)
                        p->layers[idx].set_mask |= UINT64_C(1) << k;
        }
}

static int
field_writable(struct pkt *p)
{
        return p->flags & (PKT_F_OWNED | PKT_F_WRITABLE) ? 0 : -EROFS;
}

/*
 * field_resolve() for a setter. A fixed field at or past where the header ends is an optional part,
 * there when a flag or a form says so (EAP-TLS's message length after its L bit, MSTP's region after
 * an RST BPDU of version 3): setting it adds its bytes to the header, with zeros before it.
 */
static int
field_resolve_to_set(struct pkt *p, unsigned idx, const char *name, struct field_ref *ref)
{
        int r = field_resolve(p, idx, name, ref);
        uint32_t bits;

        if (r != -ENODATA || ref->f->off == PKT_OFF_FOLLOW || ref->f->off % 8 ||
            ref->f->off < ref->hdr_len * 8 || (bits = fixed_bits(ref->f)) == 0 || bits % 8)
                return r;
        uint32_t grow = ref->f->off / 8 + bits / 8 - ref->hdr_len;
        _cleanup_free_ uint8_t *zeros = calloc(grow, 1);
        if (!zeros)
                return -ENOMEM;
        if ((r = field_writable(p)) < 0 || (r = pkt_layer_splice(p, idx, ref->hdr_len, 0, zeros, grow)) < 0)
                return r;
        return field_resolve(p, idx, name, ref);
}

/* Why 65535: no layer is longer than a 16-bit length allows, so neither is a field it counts. */
#define COUNTED_BYTES_MAX 65535u

/*
 * A counted field and its count move together. Setting the count (@ref, written already, @old its
 * value before) resizes the field it counts: zero bytes added at its end, or its end cut. So a
 * message read back field by field from JSON, count first, finds its bytes in place.
 */
static int
resize_counted(struct pkt *p, unsigned idx, const struct field_ref *ref, uint64_t old, uint64_t value)
{
        const struct pkt_field *next = ref->k + 1 < ref->pr->n_fields ? &ref->pr->fields[ref->k + 1] : NULL;
        struct field_loc loc;

        if (!next || !(next->flags & PKT_FF_COUNTED) || value == old)
                return 0;
        if (value > COUNTED_BYTES_MAX)
                return -ERANGE;
        /* Located with the old count still in place: the bytes it counted are there. */
        pkt_bits_write(ref->base, ref->loc.bit_off, ref->loc.bits, ref->f->flags & PKT_FF_LE, old);
        int r = pkt_field_locate(ref->base, ref->hdr_len, ref->pr->fields, ref->k + 1, &loc);
        pkt_bits_write(ref->base, ref->loc.bit_off, ref->loc.bits, ref->f->flags & PKT_FF_LE, value);
        if (r < 0)
                return r;
        uint32_t at = loc.bit_off / 8, have = loc.bits / 8, want = (uint32_t)value;
        if (want < have)
                return pkt_layer_splice(p, idx, at + want, have - want, NULL, 0);
        _cleanup_free_ uint8_t *zeros = calloc(want - have, 1);
        return zeros ? pkt_layer_splice(p, idx, at + have, 0, zeros, want - have) : -ENOMEM;
}

int
pkt_field_set_u64(struct pkt *p, unsigned idx, const char *name, uint64_t value)
{
        struct field_ref ref;
        int r;

        pkt_assert_return(p && name, -EINVAL);
        r = field_writable(p);
        if (r < 0)
                return r;
        r = field_resolve_to_set(p, idx, name, &ref);
        if (r < 0)
                return r;
        if (ref.loc.bits > 64 || ref.f->type == PKT_FT_BYTES || ref.f->type == PKT_FT_STRING ||
            ref.f->type == PKT_FT_DNSNAME)
                return -EINVAL;
        if (ref.loc.bits < 64 && value >> ref.loc.bits)
                return -ERANGE;
        uint64_t old = pkt_bits_read(ref.base, ref.loc.bit_off, ref.loc.bits, ref.f->flags & PKT_FF_LE);
        pkt_bits_write(ref.base, ref.loc.bit_off, ref.loc.bits, ref.f->flags & PKT_FF_LE, value);
        if ((r = resize_counted(p, idx, &ref, old, value)) < 0) {
                pkt_bits_write(ref.base, ref.loc.bit_off, ref.loc.bits, ref.f->flags & PKT_FF_LE, old);
                return r;
        }
        mark_overlapping_set(p, idx, &ref);
        pkt_mark_dirty(p, idx, ref.f);
        return 0;
}

/* A counted field's count: the field before it, which splicing the counted field does not move.
 * -ERANGE when it cannot hold @len. */
static int
count_locate(const struct field_ref *ref, size_t len, struct field_loc *ret)
{
        int r = pkt_field_locate(ref->base, ref->hdr_len, ref->pr->fields, ref->k - 1, ret);

        if (r < 0)
                return r;
        return ret->bits > 32 || len > COUNTED_BYTES_MAX || len >> ret->bits ? -ERANGE : 0;
}

int
pkt_field_set_bytes(struct pkt *p, unsigned idx, const char *name, const void *data, size_t len)
{
        struct field_ref ref;
        int r;

        pkt_assert_return(p && name && (data || len == 0), -EINVAL);
        r = field_writable(p);
        if (r < 0)
                return r;
        r = field_resolve_to_set(p, idx, name, &ref);
        if (r < 0)
                return r;
        if (ref.loc.bit_off % 8)
                return -EINVAL;
        bool is_fixed = fixed_bits(ref.f) != 0 && ref.f->type != PKT_FT_DNSNAME;
        bool is_counted = (ref.f->flags & PKT_FF_COUNTED) && ref.k > 0;
        if (is_fixed && len * 8 != ref.loc.bits)
                return -ERANGE;
        struct field_loc count;
        if (is_counted && (r = count_locate(&ref, len, &count)) < 0)
                return r;
        if (len * 8 != ref.loc.bits) {
                r = pkt_layer_splice(p, idx, ref.loc.bit_off / 8, ref.loc.bits / 8, data, (uint32_t)len);
                if (r < 0)
                        return r;
        } else {
                memcpy(ref.base + ref.loc.bit_off / 8, data, len);
        }
        /* Setting a counted field writes its new length into its count. */
        if (is_counted)
                pkt_bits_write(p->data + p->layers[idx].off, count.bit_off, count.bits,
                               ref.pr->fields[ref.k - 1].flags & PKT_FF_LE, len);
        mark_overlapping_set(p, idx, &ref);
        pkt_mark_dirty(p, idx, ref.f);
        return 0;
}

/* Why 64 KiB: no header field can be longer than a 16-bit length allows. */
#define FIELD_TEXT_BYTES_MAX 65536

const char *
pkt_proto_encoding_switch(unsigned proto)
{
        const struct pkt_proto *pr = proto_of(proto);

        return pr ? pr->encoding_switch : NULL;
}

int
pkt_layer_keep_as_written(struct pkt *p, unsigned idx, bool keep)
{
        const struct pkt_layer *l;

        pkt_assert_return(p, -EINVAL);
        l = pkt_layer(p, idx);
        if (!l)
                return -ENOENT;
        if (!pkt_proto_encoding_switch(l->proto))
                return -EOPNOTSUPP;
        if (keep)
                p->layers[idx].flags |= PKT_LAYER_AS_WRITTEN;
        else
                p->layers[idx].flags &= (uint16_t)~PKT_LAYER_AS_WRITTEN;
        return 0;
}

bool
pkt_layer_is_as_written(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = pkt_layer(p, idx);
        const struct pkt_proto *pr = l ? proto_of(l->proto) : NULL;

        if (!pr || !pr->encoding_switch)
                return false;
        return (l->flags & PKT_LAYER_AS_WRITTEN) || (pr->is_as_written && pr->is_as_written(p, idx));
}

/* The encoding switch from text: on (re-encode) or off (keep as written). */
static int
set_encoding_switch(struct pkt *p, unsigned idx, const char *text)
{
        static const char *const off[] = { "0", "no", "false", "off" }, *const on[] = { "1", "yes", "true", "on" };

        for (size_t i = 0; i < ARRAY_SIZE(off); i++) {
                if (strcasecmp(text, off[i]) == 0)
                        return pkt_layer_keep_as_written(p, idx, true);
                if (strcasecmp(text, on[i]) == 0)
                        return pkt_layer_keep_as_written(p, idx, false);
        }
        return -EINVAL;
}

int
pkt_field_set_str(struct pkt *p, unsigned idx, const char *name, const char *text)
{
        struct field_ref ref;
        uint64_t u;
        size_t len = FIELD_TEXT_BYTES_MAX;
        int r;

        pkt_assert_return(p && name && text, -EINVAL);
        const struct pkt_layer *l = pkt_layer(p, idx);
        const char *sw = l ? pkt_proto_encoding_switch(l->proto) : NULL;
        if (sw && strcmp(name, sw) == 0)
                return set_encoding_switch(p, idx, text);
        /* Parsed first: the setters below add an optional last field only for a value that parses. */
        r = field_resolve(p, idx, name, &ref);
        if (r < 0 && r != -ENODATA)
                return r;
        _cleanup_free_ uint8_t *bytes = malloc(len);
        if (!bytes)
                return -ENOMEM;
        r = pkt_value_parse(ref.f, text, &u, bytes, &len);
        if (r < 0)
                return r;
        if (pkt_field_is_integer(ref.f))
                return pkt_field_set_u64(p, idx, name, u);
        /* Text shorter than its fixed field is padded with NULs ("cisco" in HSRP's 8 bytes, an MSTP
         * region name in 32), as pkt_spec_encode() pads it; bytes must fill theirs. */
        uint32_t width = fixed_bits(ref.f) / 8;
        if (ref.f->type == PKT_FT_STRING && width > len) {
                memset(bytes + len, 0, width - len);
                len = width;
        }
        return pkt_field_set_bytes(p, idx, name, bytes, len);
}

int
pkt_field_set_auto(struct pkt *p, unsigned idx, const char *name, bool is_auto)
{
        const struct pkt_layer *l;
        int k;

        pkt_assert_return(p && name, -EINVAL);
        l = pkt_layer(p, idx);
        if (!l)
                return -ENOENT;
        k = pkt_field_index(l->proto, name);
        if (k < 0)
                return k;
        if (k >= 64)
                return -ERANGE;
        if (is_auto)
                p->layers[idx].set_mask &= ~(UINT64_C(1) << k);
        else
                p->layers[idx].set_mask |= UINT64_C(1) << k;
        p->layers[idx].flags |= PKT_LAYER_DIRTY;
        return 0;
}

int
pkt_auto_set(struct pkt *p, unsigned idx, unsigned field, uint64_t value)
{
        const struct pkt_layer *l = &p->layers[idx];
        const struct pkt_proto *pr = proto_of(l->proto);
        struct field_loc loc;
        int r;

        assert(idx < p->n_layers && field < pr->n_fields);
        if (field < 64 && (l->set_mask & (UINT64_C(1) << field)))
                return 0;
        r = pkt_field_locate(p->data + l->off, l->hdr_len, pr->fields, field, &loc);
        if (r < 0)
                return r;
        if (loc.bits > 64)
                return -EINVAL;
        /* A length the field cannot hold (a header of more than 15 words, a datagram over 64 KiB) is
         * an error, not a value cut to fit: set the field explicitly to write something else. */
        if (loc.bits < 64 && value >> loc.bits)
                return -ERANGE;
        pkt_bits_write(p->data + l->off, loc.bit_off, loc.bits, pr->fields[field].flags & PKT_FF_LE, value);
        return 0;
}

int
pkt_auto_set_next_type(struct pkt *p, unsigned idx, unsigned field, enum pkt_key_space space)
{
        const struct pkt_layer *l = &p->layers[idx];
        const struct pkt_proto *pr = proto_of(l->proto);
        struct field_loc loc;
        uint32_t key;

        assert(idx < p->n_layers && field < pr->n_fields);
        if (idx + 1u >= p->n_layers)
                return 0;
        unsigned up = p->layers[idx + 1].proto;
        if (pkt_field_locate(p->data + l->off, l->hdr_len, pr->fields, field, &loc) < 0 || loc.bits > 32)
                return 0;
        uint64_t cur = pkt_bits_read(p->data + l->off, loc.bit_off, loc.bits, pr->fields[field].flags & PKT_FF_LE);
        if (pkt_key_lookup(space, (uint32_t)cur) == up || pkt_carrier_key(up, space, &key) < 0)
                return 0;
        return pkt_auto_set(p, idx, field, key);
}

int
pkt_auto_set_port(struct pkt *p, unsigned idx, unsigned field, enum pkt_key_space space)
{
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *h = p->data + l->off;
        uint32_t key;

        if (idx + 1u >= p->n_layers || field >= 64 || (l->set_mask & (UINT64_C(1) << field)) || l->hdr_len < 4)
                return 0;
        unsigned up = p->layers[idx + 1].proto;
        uint16_t sport = pkt_load_be16(h), dport = pkt_load_be16(h + 2);
        if (dport != 0 || pkt_port_lookup(space, sport, dport) == up || pkt_carrier_key(up, space, &key) < 0)
                return 0;
        return pkt_auto_set(p, idx, field, key);
}

uint8_t *
pkt_layer_bytes_mut(struct pkt *p, unsigned idx)
{
        assert(idx < p->n_layers && (p->flags & (PKT_F_OWNED | PKT_F_WRITABLE)));
        return p->data + p->layers[idx].off;
}
