/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building and serialising: owned packets that grow as layers are pushed, edits that resize a header,
 * and the update pass that refreshes lengths, types and checksums of the layers that changed.
 */
#include <string.h>

#include "internal.h"

/* Why 256: room for a few pushed headers before the first realloc; packets are small. */
#define PKT_BUF_SLACK 256u
/* Why 16 MiB: far above any link's frame size, low enough that a runaway build fails instead of
 * exhausting memory. */
#define PKT_BUF_MAX (16u << 20)

void
pkt_init(struct pkt *p)
{
        if (p)
                memset(p, 0, offsetof(struct pkt, layers));
}

struct pkt *
pkt_done(struct pkt *p)
{
        if (!p)
                return NULL;
        if (p->flags & PKT_F_OWNED)
                free(p->data);
        pkt_init(p);
        return NULL;
}

static int
reserve(struct pkt *p, size_t extra)
{
        size_t need = (size_t)p->len + extra;
        uint8_t *d;

        assert(p->flags & PKT_F_OWNED);
        if (need > PKT_BUF_MAX)
                return -EMSGSIZE;
        /* An empty packet has no buffer yet even for zero bytes: memmove() needs one. */
        if (need <= p->cap && p->data)
                return 0;
        size_t cap = MAX(need + PKT_BUF_SLACK, (size_t)p->cap * 2);
        cap = MIN(cap, (size_t)PKT_BUF_MAX);
        d = realloc(p->data, cap);
        if (!d)
                return -ENOMEM;
        p->data = d;
        p->cap = (uint32_t)cap;
        return 0;
}

int
pkt_make_owned(struct pkt *p)
{
        uint8_t *d;

        if (p->flags & PKT_F_OWNED)
                return 0;
        d = malloc((size_t)p->len + PKT_BUF_SLACK);
        if (!d)
                return -ENOMEM;
        if (p->len)
                memcpy(d, p->data, p->len);
        p->data = d;
        p->cap = p->len + PKT_BUF_SLACK;
        p->flags |= PKT_F_OWNED | PKT_F_WRITABLE;
        return 0;
}

/*
 * Inserts @insert_len bytes and removes @remove bytes at header offset @at of layer @idx. Layer @idx
 * and those below it grow or shrink; the layers above move.
 */
int
pkt_layer_splice(struct pkt *p, unsigned idx, uint32_t at, uint32_t remove, const void *insert,
                 uint32_t insert_len)
{
        struct pkt_layer *l = &p->layers[idx];
        int64_t delta = (int64_t)insert_len - remove;
        uint32_t pos = l->off + at;
        int r;

        assert(idx < p->n_layers && at + remove <= l->hdr_len);
        pkt_dissect_all(p);
        r = pkt_make_owned(p);
        if (r < 0)
                return r;
        if (delta > 0 && (r = reserve(p, (size_t)delta)) < 0)
                return r;
        memmove(p->data + pos + insert_len, p->data + pos + remove, p->len - pos - remove);
        if (insert_len)
                memcpy(p->data + pos, insert, insert_len);
        p->len = (uint32_t)(p->len + delta);
        p->wire_len = (uint32_t)(p->wire_len + delta);
        for (unsigned i = 0; i < p->n_layers; i++) {
                struct pkt_layer *x = &p->layers[i];
                if (i <= idx) {
                        x->len = (uint32_t)(x->len + delta);
                        x->wire_len = (uint32_t)(x->wire_len + delta);
                } else {
                        x->off = (uint32_t)(x->off + delta);
                }
        }
        l->hdr_len = (uint32_t)(l->hdr_len + delta);
        l->flags |= PKT_LAYER_DIRTY;
        p->flags |= PKT_F_RESIZED;
        return 0;
}

void
pkt_mark_dirty(struct pkt *p, unsigned idx, const struct pkt_field *f)
{
        p->layers[idx].flags |= PKT_LAYER_DIRTY;
        if (f && (f->flags & PKT_FF_PSEUDO))
                p->layers[idx].flags |= PKT_LAYER_DIRTY_PSEUDO;
}

static uint32_t
default_hdr_len(const struct pkt_proto *pr)
{
        return pr->def_hdr_len ? pr->def_hdr_len : pr->min_hdr_len;
}

static void
write_defaults(const struct pkt_proto *pr, uint8_t *h)
{
        uint32_t len = default_hdr_len(pr);

        for (unsigned k = 0; k < pr->n_fields; k++) {
                const struct pkt_field *f = &pr->fields[k];
                if (f->off == PKT_OFF_FOLLOW)
                        continue;
                int n = pkt_field_default_len(f);
                if (f->def_bytes && n > 0 && f->off % 8 == 0 && f->off / 8 + (unsigned)n <= len)
                        memcpy(h + f->off / 8, f->def_bytes, (size_t)n);
                else if (f->def && f->bits && f->bits <= 64 && (f->off + f->bits + 7u) / 8 <= len)
                        pkt_bits_write(h, f->off, f->bits, f->flags & PKT_FF_LE, f->def);
        }
}

/* Is the top layer of a protocol flagged PKT_P_NEEDS_NEXT (ICMP, ICMPv6: a header that cannot stand
 * without the layer it selects)? Asked first, as it is cheap: building passes here on every push. */
static bool
top_needs_next(const struct pkt *p)
{
        return p->n_layers > 0 && (proto_of(p->layers[p->n_layers - 1].proto)->flags & PKT_P_NEEDS_NEXT);
}

/* The layer the top layer's header selects, where top_needs_next() and nothing follows its header
 * (ICMP type 3: unreach), else PKT_PROTO_NONE. */
static unsigned
selected_body(struct pkt *p)
{
        const struct pkt_layer *l = &p->layers[p->n_layers - 1];
        const struct pkt_proto *pr = proto_of(l->proto);
        struct pkt_view v;

        if (!pr->dissect || l->len != l->hdr_len || l->len < pr->min_hdr_len ||
            (l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return PKT_PROTO_NONE;
        struct pkt_dissect d = { .hdr_len = l->hdr_len, .payload_len = PKT_LEN_REST };
        pkt_view_of(p, p->n_layers - 1u, &v);
        pr->dissect(&v, &d);
        return d.next > PKT_PROTO_RAW && d.next < PKT_PROTO_MAX && proto_of(d.next) ? d.next : PKT_PROTO_NONE;
}

/* Why 64: the bodies a header selects are a few bytes (ICMP's 4, an OSPF hello's 20); a longer one
 * is not looked into. */
#define BODY_PEEK_MAX 64

/* Does @body, built from its defaults above a layer of @lower, carry a layer of @proto: is @proto what
 * its header selects next (an ICMP error's body: the quoted IP datagram)? */
static bool
body_carries(const struct pkt_proto *body, unsigned lower, unsigned proto)
{
        uint8_t h[BODY_PEEK_MAX] = { 0 };
        uint32_t len = default_hdr_len(body);

        if (!body->dissect || len > sizeof(h))
                return false;
        write_defaults(body, h);
        struct pkt_view v = { .b = h, .caplen = len, .wire_len = len, .lower = (uint16_t)lower, .proto = body->id };
        struct pkt_dissect d = { .hdr_len = len, .payload_len = PKT_LEN_REST };
        body->dissect(&v, &d);
        return d.next == proto;
}

static int push_layer(struct pkt *p, unsigned proto, const void *data, size_t len);

/* A layer built above a header that cannot stand without the layer it selects, where that layer
 * would carry it, goes above that layer, pushed first with its defaults: icmp(type=3)/ip(...) is an
 * unreach body and the quoted datagram, as scapy's ICMP(type=3)/IP(...) is, not an IP header where
 * the body belongs. Anything else is taken as given: another body (icmp(type=3)/echo()), or raw bytes,
 * which are the body's (pypacker's ICMP(type=13) + bytes). */
static int
push_selected_body(struct pkt *p, unsigned proto)
{
        unsigned body = selected_body(p);

        if (body == PKT_PROTO_NONE || body == proto || proto == PKT_PROTO_RAW ||
            !body_carries(proto_of(body), p->layers[p->n_layers - 1].proto, proto))
                return 0;
        int r = push_layer(p, body, NULL, default_hdr_len(proto_of(body)));
        return r < 0 ? r : 0;
}

/* Appends a layer of @proto holding @len bytes (copied from @data, or the defaults when NULL). */
static int
push_layer(struct pkt *p, unsigned proto, const void *data, size_t len)
{
        const struct pkt_proto *pr = proto_of(proto);
        int r;

        pkt_assert_return(pr, -EINVAL);
        pkt_assert_return(len <= PKT_BUF_MAX, -EMSGSIZE);
        pkt_dissect_all(p);
        if (p->n_layers == PKT_LAYERS_MAX)
                return -EMSGSIZE;
        if (!(p->flags & PKT_F_OWNED) && p->n_layers == 0) {
                pkt_init(p);
                p->flags = PKT_F_OWNED | PKT_F_WRITABLE | PKT_F_COMPLETE;
        }
        if (top_needs_next(p) && (r = push_selected_body(p, proto)) < 0)
                return r;
        if (p->n_layers == PKT_LAYERS_MAX)
                return -EMSGSIZE;
        if ((r = pkt_make_owned(p)) < 0 || (r = reserve(p, len)) < 0)
                return r;

        /* The new layer goes right after the top layer, before any trailer of the layers below. */
        uint32_t pos = p->n_layers ? p->layers[p->n_layers - 1].off + p->layers[p->n_layers - 1].len : 0;
        memmove(p->data + pos + len, p->data + pos, p->len - pos);
        if (data)
                memcpy(p->data + pos, data, len);
        else {
                memset(p->data + pos, 0, len);
                write_defaults(pr, p->data + pos);
        }
        p->len += (uint32_t)len;
        p->wire_len += (uint32_t)len;
        for (unsigned i = 0; i < p->n_layers; i++) {
                p->layers[i].len += (uint32_t)len;
                p->layers[i].wire_len += (uint32_t)len;
        }
        p->layers[p->n_layers] = (struct pkt_layer){
                .proto = (uint16_t)proto,
                .flags = PKT_LAYER_DISSECTED | PKT_LAYER_DIRTY,
                .off = pos,
                .hdr_len = (uint32_t)len,
                .len = (uint32_t)len,
                .wire_len = (uint32_t)len,
        };
        p->flags |= PKT_F_COMPLETE | PKT_F_RESIZED;
        return p->n_layers++;
}

int
pkt_push(struct pkt *p, unsigned proto)
{
        const struct pkt_proto *pr = proto_of(proto);

        pkt_assert_return(p && pr, -EINVAL);
        return push_layer(p, proto, NULL, default_hdr_len(pr));
}

int
pkt_push_empty(struct pkt *p, unsigned proto)
{
        const struct pkt_proto *pr = proto_of(proto);

        pkt_assert_return(p && pr, -EINVAL);
        if (pr->min_hdr_len > 0)
                return -EINVAL;
        return push_layer(p, proto, NULL, 0);
}

int
pkt_push_raw(struct pkt *p, const void *data, size_t len)
{
        pkt_assert_return(p && (data || len == 0), -EINVAL);
        return push_layer(p, PKT_PROTO_RAW, data, len);
}

int
pkt_trailer_append(struct pkt *p, unsigned idx, const void *data, size_t len)
{
        int r;

        pkt_assert_return(p && (data || len == 0), -EINVAL);
        pkt_assert_return(len <= PKT_BUF_MAX, -EMSGSIZE);
        pkt_dissect_all(p);
        if (idx >= p->n_layers)
                return -ENOENT;
        if ((r = pkt_make_owned(p)) < 0 || (r = reserve(p, len)) < 0)
                return r;
        /* After the layer's own bytes, its upper layers' and any trailer it has: those of the layers
         * below it stay after the new bytes. */
        uint32_t pos = p->layers[idx].off + p->layers[idx].len;
        memmove(p->data + pos + len, p->data + pos, p->len - pos);
        memcpy(p->data + pos, data, len);
        p->len += (uint32_t)len;
        p->wire_len += (uint32_t)len;
        for (unsigned i = 0; i <= idx; i++) {
                p->layers[i].len += (uint32_t)len;
                p->layers[i].wire_len += (uint32_t)len;
        }
        p->flags |= PKT_F_RESIZED;
        return 0;
}

int
pkt_append(struct pkt *p, const struct pkt *src)
{
        int first = -1;

        pkt_assert_return(p && src && p != src, -EINVAL);
        pkt_assert_return(p->n_layers + src->n_layers <= PKT_LAYERS_MAX, -EMSGSIZE);
        for (unsigned i = 0; i < src->n_layers; i++) {
                const struct pkt_layer *l = &src->layers[i];
                /* Each layer brings its header; the top one brings its payload too. */
                size_t n = i + 1u == src->n_layers || !(l->flags & PKT_LAYER_DISSECTED) ? l->len : l->hdr_len;
                int r = push_layer(p, l->proto, src->data + l->off, n);
                if (r < 0)
                        return r;
                p->layers[r].hdr_len = l->flags & PKT_LAYER_DISSECTED ? l->hdr_len : (uint32_t)n;
                p->layers[r].set_mask = l->set_mask;
                p->layers[r].flags |= (uint16_t)(l->flags & PKT_LAYER_AS_WRITTEN);
                if (first < 0)
                        first = r;
                if (i + 1u == src->n_layers)
                        break;
        }
        return first;
}

int
pkt_copy(struct pkt *dst, const struct pkt *src)
{
        uint8_t *d;

        pkt_assert_return(dst && src && dst != src, -EINVAL);
        d = malloc((size_t)src->len + PKT_BUF_SLACK);
        if (!d)
                return -ENOMEM;
        if (src->len)
                memcpy(d, src->data, src->len);
        pkt_done(dst);
        memcpy(dst, src, offsetof(struct pkt, layers) + src->n_layers * sizeof(src->layers[0]));
        dst->data = d;
        dst->cap = src->len + PKT_BUF_SLACK;
        dst->flags = (uint16_t)((src->flags & ~PKT_F_WRITABLE) | PKT_F_OWNED | PKT_F_WRITABLE);
        return 0;
}

/* ---- serialise ---- */

static bool
pseudo_dirty_below(const struct pkt *p, unsigned idx)
{
        for (unsigned i = idx; i-- > 0;)
                if (p->layers[i].flags & PKT_LAYER_DIRTY_PSEUDO)
                        return true;
        return false;
}

/*
 * Whether the refresh needs every layer dissected: after a resize every length changes, and a changed
 * address changes the pseudo-header checksums of the layers above it. Otherwise only the changed layers
 * (dissected, as changing them required) and those below them are refreshed, and a same-size change
 * costs no dissection of the payload above it.
 */
static bool
needs_every_layer(const struct pkt *p)
{
        if (p->flags & PKT_F_RESIZED)
                return true;
        for (unsigned i = 0; i < p->n_layers; i++)
                if (p->layers[i].flags & PKT_LAYER_DIRTY_PSEUDO)
                        return true;
        return false;
}

int
pkt_serialize(struct pkt *p, unsigned flags, const uint8_t **ret_data)
{
        pkt_assert_return(p && ret_data, -EINVAL);

        if (flags & PKT_SER_NO_AUTO) {
                *ret_data = p->data;
                return (int)p->len;
        }
        /* A top layer that cannot stand alone gets the layer its header selects (icmp(): echo). */
        if ((p->flags & PKT_F_RESIZED) && top_needs_next(p)) {
                unsigned body = selected_body(p);
                int r = body != PKT_PROTO_NONE && p->n_layers < PKT_LAYERS_MAX ? pkt_push(p, body) : 0;
                if (r < 0)
                        return r;
        }
        /* One pass finds the highest changed layer and whether any address changed. When the packet
         * kept its size and no pseudo-header changed, a layer above the highest changed one has
         * nothing to refresh (it is neither dirty nor summing a changed payload), so the refresh
         * starts there: a one-field change costs its own layer and those below it. */
        unsigned top = 0, n = p->n_layers;
        bool any_dirty = p->flags & PKT_F_RESIZED, any_pseudo = false;
        for (unsigned i = 0; i < n; i++) {
                uint16_t lf = p->layers[i].flags;
                if (lf & PKT_LAYER_DIRTY) {
                        any_dirty = true;
                        top = i + 1;
                }
                any_pseudo |= (lf & PKT_LAYER_DIRTY_PSEUDO) != 0;
        }
        if (any_dirty) {
                bool is_resized = p->flags & PKT_F_RESIZED, upper_changed = false;
                bool general = is_resized || any_pseudo;
                if (general) {
                        if (needs_every_layer(p))
                                pkt_dissect_all(p);
                        top = p->n_layers;
                }
                for (unsigned i = top; i-- > 0;) {
                        struct pkt_layer *l = &p->layers[i];
                        const struct pkt_proto *pr = proto_of(l->proto);
                        bool is_dirty = l->flags & PKT_LAYER_DIRTY;
                        /* An update hook above may have resized its header (LLC adding SNAP, IPv4
                         * padding options): every length below it changes too. */
                        is_resized |= p->flags & PKT_F_RESIZED;
                        bool need = is_resized || is_dirty ||
                                    (upper_changed && (pr->flags & PKT_P_CSUM_PAYLOAD)) ||
                                    (any_pseudo && (pr->flags & PKT_P_CSUM_PSEUDO) && pseudo_dirty_below(p, i));
                        /* Truncated layers cannot be summed: leave them as captured. */
                        if (need && pr->update && l->len == l->wire_len &&
                            !(l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED))) {
                                int r = pr->update(p, i);
                                if (r < 0)
                                        return r;
                        }
                        upper_changed |= need;
                }
                /* Only the layers up to the highest changed one carry change flags, unless the
                 * general path ran (an update hook may have added layers' worth of length). */
                unsigned clear = general || (p->flags & PKT_F_RESIZED) ? p->n_layers : top;
                for (unsigned i = 0; i < clear; i++)
                        p->layers[i].flags &= (uint16_t) ~(PKT_LAYER_DIRTY | PKT_LAYER_DIRTY_PSEUDO);
                p->flags &= (uint16_t)~PKT_F_RESIZED;
        }
        *ret_data = p->data;
        return (int)p->len;
}

const char *
pkt_serialize_strerror(int err)
{
        switch (err) {
        case -ERANGE:
                return "a computed length does not fit its field (header or packet too long); set the field "
                       "to write it anyway";
        case -EROFS:
                return "the packet's bytes are read-only (parse it writable to change it)";
        default:
                return strerror(-err);
        }
}

/* ---- checksums ---- */

/* ISO 8473's check bytes (7.2.9.1, Annex C) for @len bytes at @b, the checksum at @at cleared
 * first: the Fletcher sums of the bytes modulo 255, and the two bytes that make both sums of the
 * whole zero. */
uint16_t
pkt_fletcher_checkbytes(uint8_t *b, uint32_t len, uint32_t at)
{
        uint32_t c0 = 0, c1 = 0;

        b[at] = b[at + 1] = 0;
        for (uint32_t i = 0; i < len; i++) {
                c0 = (c0 + b[i]) % 255;
                c1 = (c1 + c0) % 255;
        }
        int32_t x = (int32_t)(((len - at - 1) * c0 + 255 - c1) % 255);
        if (x <= 0)
                x += 255;
        int32_t y = 510 - (int32_t)c0 - x;
        if (y > 255)
                y -= 255;
        return (uint16_t)(x << 8 | y);
}

uint32_t
pkt_csum_add(uint32_t sum, const void *data, size_t len)
{
        return pkt_csum_add_inline(sum, data, len);
}

uint16_t
pkt_csum_fold(uint32_t sum)
{
        return pkt_csum_fold_inline(sum);
}

int
pkt_csum_pseudo(struct pkt *p, unsigned idx, uint8_t ip_proto, uint32_t len, uint32_t *ret)
{
        for (unsigned i = idx; i-- > 0;) {
                const struct pkt_layer *l = &p->layers[i];
                const uint8_t *h = p->data + l->off;
                uint32_t sum;
                if (l->proto == PKT_PROTO_IP && l->hdr_len >= 20) {
                        /* RFC 768: source and destination; the final one under a source route */
                        sum = pkt_csum_add(0, h + 12, 4);
                        sum = pkt_csum_add(sum, pkt_ip_final_dst(h, l->hdr_len), 4);
                } else if (l->proto == PKT_PROTO_IP6 && l->hdr_len >= 40) {
                        uint8_t addrs[32];
                        pkt_ip6_pseudo_addrs(p, i, idx, addrs); /* RFC 8200 8.1 */
                        sum = pkt_csum_add(0, addrs, 32);
                        sum = pkt_csum_add(sum, (const uint8_t[]){ len >> 24, len >> 16 }, 2);
                } else {
                        continue;
                }
                uint8_t tail[4] = { 0, ip_proto, (uint8_t)(len >> 8), (uint8_t)len };
                *ret = pkt_csum_add(sum, tail, 4);
                return 0;
        }
        return -ENOENT;
}
