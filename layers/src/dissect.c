/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lazy dissection. pkt_parse() records the first layer; pkt_ensure_layer() dissects one layer at a
 * time, each step asking the layer's descriptor for its header length, payload length and next protocol,
 * until the asked-for layer exists. Nothing here allocates.
 *
 * Truncated is not malformed (Wireshark's captured vs reported length): a header that runs past the
 * captured bytes but not past the reported length is TRUNCATED; one that runs past the reported length
 * too is MALFORMED. Either way the layer keeps what was captured and dissection stops there.
 */
#include <string.h>

#include "internal.h"

int
pkt_parse_general(struct pkt *p, unsigned first, const void *data, size_t caplen, size_t wire_len)
{
        pkt_assert_return(p, -EINVAL);
        pkt_assert_return(data || caplen == 0, -EINVAL);
        pkt_assert_return(caplen <= UINT32_MAX && wire_len <= UINT32_MAX, -EINVAL);
        pkt_assert_return(proto_of(first), -EINVAL);

        if (unlikely(p->flags & PKT_F_OWNED))
                pkt_done(p);
        pkt_parse_record_(p, first, data, caplen, wire_len);
        return 0;
}

int
pkt_parse_writable(struct pkt *p, unsigned first, void *data, size_t caplen, size_t wire_len)
{
        int r = pkt_parse(p, first, data, caplen, wire_len);
        if (r < 0)
                return r;
        p->flags |= PKT_F_WRITABLE;
        return 0;
}

/* Inline here: the hooks and the field calls build a view for every layer they read. */
static inline void
view_of(const struct pkt *p, unsigned idx, struct pkt_view *v)
{
        const struct pkt_layer *l = &p->layers[idx];

        assert(idx < p->n_layers);
        v->b = p->data + l->off;
        v->caplen = l->len;
        v->wire_len = l->wire_len;
        v->proto = l->proto;
        v->lower = idx > 0 ? p->layers[idx - 1].proto : PKT_PROTO_NONE;
}

void
pkt_view_of(const struct pkt *p, unsigned idx, struct pkt_view *v)
{
        view_of(p, idx, v);
}

/* Stops dissection at the last layer: it keeps what it has, flagged when it was cut short. */
static void
finish(struct pkt *p, struct pkt_layer *l, uint32_t need)
{
        if (need > l->len) {
                l->flags |= need <= l->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                l->hdr_len = l->len;
        }
        l->flags |= PKT_LAYER_DISSECTED;
        p->flags |= PKT_F_COMPLETE;
}

/* Recorded layers only ever get registered ids, and ids are below PKT_PROTO_MAX: no range check. */
_Static_assert(PKT_PROTO_MAX == 256, "protocol ids index pkt_protos[] as one byte");

static inline const struct pkt_proto *
proto_at(unsigned id)
{
        return pkt_protos[(uint8_t)id];
}

/* Does every header of protocol @id have bytes? After a layer without a header, only such a
 * successor moves the walk on. */
static inline bool
has_bytes(unsigned id)
{
        const struct pkt_proto *pr = proto_at(id);

        return pr && pr->min_hdr_len > 0;
}

/* The unusual ends of a step: no payload, a zero-length header naming a successor that may have
 * no bytes either (headers of no bytes, one after the other, would stand still), the record limit.
 * A zero-length header may name one that has bytes: RFC 3948's ESP in UDP, whose encapsulation has
 * no marker. Returns the next layer's protocol, or PKT_PROTO_MAX when dissection is complete. */
static unsigned
next_rare(struct pkt *p, unsigned n, uint32_t cap_rest, uint32_t hdr_len, unsigned next)
{
        if (cap_rest == 0 || (hdr_len == 0 && next != PKT_PROTO_NONE && !has_bytes(next)) ||
            n == PKT_LAYERS_MAX) {
                p->flags |= PKT_F_COMPLETE;
                return PKT_PROTO_MAX;
        }
        /* The last record holds whatever a deeper stack leaves (a hostile chain of extension headers),
         * so that the rest of the packet stays readable as raw bytes. */
        return n == PKT_LAYERS_MAX - 1u ? PKT_PROTO_RAW : next;
}

/* The protocol that dissects record @l (index @n - 1) of protocol @pr: @pr, or the one its dispatch
 * hook hands the bytes to, which the record then takes. */
static const struct pkt_proto *
dispatch(struct pkt *p, struct pkt_layer *l, unsigned n, const struct pkt_proto *pr)
{
        struct pkt_view v;

        if (l->len == 0)
                return pr;
        view_of(p, n - 1u, &v);
        const struct pkt_proto *to = proto_of(pr->dispatch(&v));
        if (!to || !(to->flags & PKT_P_DISPATCHED))
                return pr;
        l->proto = to->id;
        return to;
}

/*
 * Dissects the last recorded layer by its protocol's hook and records the one after it, if any: every
 * step the fast forms do not take. Out of line, so that the walk keeps its few registers.
 */
static __attribute__((noinline)) void
dissect_hooked(struct pkt *p)
{
        unsigned n = p->n_layers;
        struct pkt_layer *l = &p->layers[n - 1u];
        const struct pkt_proto *pr = proto_at(l->proto);

        if (unlikely(pr->dispatch != NULL))
                pr = dispatch(p, l, n, pr);
        struct pkt_dissect d = { .hdr_len = pr->min_hdr_len, .payload_len = PKT_LEN_REST };

        if (unlikely(l->len < d.hdr_len))
                return finish(p, l, d.hdr_len);
        if (likely(pr->dissect != NULL)) {
                struct pkt_view v;
                view_of(p, n - 1u, &v);
                pr->dissect(&v, &d);
                l = &p->layers[n - 1u];
        }
        uint32_t hdr_len = d.hdr_len, len = l->len, wire_len = l->wire_len;
        l->flags |= (uint16_t)((d.flags & (uint16_t)~(PKT_DISSECT_PARTIAL | PKT_DISSECT_ENDS_HERE)) |
                               PKT_LAYER_DISSECTED);
        if (unlikely(hdr_len > len))
                return finish(p, l, hdr_len);
        l->hdr_len = hdr_len;

        uint32_t cap_rest = MIN(len - hdr_len, d.payload_len);
        uint32_t wire_rest = MIN(wire_len > hdr_len ? wire_len - hdr_len : 0, d.payload_len);
        if (d.flags & PKT_DISSECT_ENDS_HERE) {
                /* What follows the payload is the lower layer's (its trailer, pkt_layer_trailer()). */
                l->len = hdr_len + cap_rest;
                l->wire_len = hdr_len + wire_rest;
        }
        unsigned next = d.next;
        if (unlikely(cap_rest == 0 || hdr_len == 0 || n >= PKT_LAYERS_MAX - 1u)) {
                next = next_rare(p, n, cap_rest, hdr_len, next);
                if (next == PKT_PROTO_MAX)
                        return;
        }
        /* PKT_PROTO_NONE is never registered: opaque payload and unknown ids both become raw. A
         * payload to guess stays one until the walk reaches it (resolve_guess()). */
        if (unlikely(!proto_of(next)) && next != PKT_PROTO_GUESS)
                next = PKT_PROTO_RAW;
        /* A quoted packet was longer than the quote: its reported length is unknown, so whatever it
         * claims can only be cut short, never contradicted. */
        if (unlikely((d.flags & PKT_DISSECT_PARTIAL) || (proto_at(l->proto)->flags & PKT_P_QUOTES)))
                wire_rest = UINT32_MAX;
        p->n_layers = (uint8_t)(n + 1u);
        l[1] = (struct pkt_layer){
                .proto = (uint16_t)next,
                .off = l->off + hdr_len,
                .len = cap_rest,
                .wire_len = wire_rest,
        };
}

/* Is @proto one of the @n protocols at @protos? Out of line: lists longer than two are rare. */
static __attribute__((noinline)) bool
proto_in(unsigned proto, const unsigned *protos, unsigned n)
{
        for (unsigned k = 0; k < n; k++)
                if (proto == protos[k])
                        return true;
        return false;
}

/* Is layer @i, of protocol @proto, the one a walk looks for: layer @idx, or with @protos (@n_protos
 * >= 1 of them) the first from @idx on whose protocol is one of them? Constant-folded for pkt_layer();
 * the first two protocols are compared inline. */
static inline __attribute__((always_inline)) bool
is_goal(unsigned i, unsigned proto, unsigned idx, const unsigned *protos, unsigned n_protos)
{
        if (!protos)
                return i == idx;
        return i >= idx && (proto == protos[0] ||
                            (n_protos > 1 && (proto == protos[1] ||
                                              (n_protos > 2 && proto_in(proto, protos + 2, n_protos - 2)))));
}

/* Decides the protocol of record @l (index @n - 1), a payload no port claimed: guessing waits until
 * the layer is wanted, so a walk that stops at the transport never pays for it. Out of line: rare. */
static __attribute__((noinline)) unsigned
resolve_guess(struct pkt *p, struct pkt_layer *l, unsigned n)
{
        l->proto = (uint16_t)pkt_guess_payload(p, n - 1u);
        return l->proto;
}

/*
 * The walk behind every lazy read. Dissects from the last record on, one layer at a time, until the
 * layer it looks for (is_goal()) is dissected, and no further. A header in its protocol's fast form is
 * dissected by the protocol's compiled step (struct pkt_proto's fast_step), any other by its hook, out
 * of line; between steps only the packet, the record, the count and the goal stay live. Returns the
 * layer's index, or -ENOENT when the packet ends first.
 * Call only when every record but the last is dissected and the packet is not complete.
 */
static inline __attribute__((always_inline)) int
walk(struct pkt *p, unsigned idx, const unsigned *protos, unsigned n_protos)
{
        unsigned n = p->n_layers; /* the layer being dissected is record n - 1 */
        struct pkt_layer *l = &p->layers[n - 1u];

        for (;;) {
                unsigned proto = l->proto;
                if (unlikely(proto == PKT_PROTO_GUESS))
                        proto = resolve_guess(p, l, n);
                bool goal = is_goal(n - 1u, proto, idx, protos, n_protos);

                /* The last two records are the hook's (the record limit, see next_rare()). */
                if (likely(n < PKT_LAYERS_MAX - 1u)) {
                        unsigned next = pkt_fast_steps[(uint8_t)proto](p, l);

                        if (likely(next != 0)) {
                                /* At the goal, whether it has a payload (a pure ACK has none) is data:
                                 * the count and the flag take it without a branch. */
                                uint32_t end = next == PKT_FAST_STEP_END;
                                PKT_COMPUTED(end);
                                if (goal) {
                                        p->n_layers = (uint8_t)(n + 1u - end);
                                        p->flags |= (uint16_t)(PKT_F_COMPLETE * end);
                                        return (int)(n - 1u);
                                }
                                if (unlikely(end)) {
                                        p->n_layers = (uint8_t)n;
                                        p->flags |= PKT_F_COMPLETE;
                                        return -ENOENT;
                                }
                                l++;
                                n++;
                                continue;
                        }
                }
                p->n_layers = (uint8_t)n;
                dissect_hooked(p);
                /* Asked again: a dispatch hook may have given the record another protocol. */
                if (is_goal(n - 1u, p->layers[n - 1u].proto, idx, protos, n_protos))
                        return (int)(n - 1u);
                if (p->flags & PKT_F_COMPLETE)
                        return -ENOENT;
                n = p->n_layers;
                l = &p->layers[n - 1u];
        }
}

/* The end of a complete packet: its last record counts as dissected. */
static int
complete_at(struct pkt *p, unsigned i)
{
        p->layers[i].flags |= PKT_LAYER_DISSECTED;
        return (int)i;
}

/* pkt_layer()'s out-of-line part: layer @idx is not dissected yet (or does not exist). */
const struct pkt_layer *
pkt_layer_dissect(struct pkt *p, unsigned idx)
{
        unsigned n;
        int i;

        if (unlikely(!p || idx >= PKT_LAYERS_MAX || p->n_layers == 0))
                return NULL;
        n = p->n_layers;
        if (idx < n && (p->layers[idx].flags & PKT_LAYER_DISSECTED))
                return &p->layers[idx];
        /* Only the last record is ever undissected: idx is it or beyond it. */
        if (p->flags & PKT_F_COMPLETE)
                i = idx < n ? complete_at(p, idx) : -ENOENT;
        else
                i = walk(p, idx, NULL, 0);
        return i >= 0 ? &p->layers[i] : NULL;
}

/* pkt_layer() for the engine's own callers. */
static inline bool
ensure_layer(struct pkt *p, unsigned idx)
{
        if (likely(idx < p->n_layers && (p->layers[idx].flags & PKT_LAYER_DISSECTED)))
                return true;
        return pkt_layer_dissect(p, idx) != NULL;
}

bool
pkt_ensure_layer(struct pkt *p, unsigned idx)
{
        return ensure_layer(p, idx);
}


unsigned
pkt_dissect_all(struct pkt *p)
{
        if (!p || p->n_layers == 0)
                return 0;
        if (!(p->flags & PKT_F_COMPLETE))
                (void)walk(p, PKT_LAYERS_MAX, NULL, 0);
        p->layers[p->n_layers - 1].flags |= PKT_LAYER_DISSECTED;
        return p->n_layers;
}

/* pkt_layer_find_any(), inlined into pkt_layer_find() too so that a single protocol is compared as a
 * constant count. */
static inline __attribute__((always_inline)) int
find_any(struct pkt *p, const unsigned *protos, unsigned n_protos, unsigned from)
{
        unsigned n = p->n_layers;
        if (n == 0 || n_protos == 0)
                return -ENOENT;
        /* Every record but the last is dissected; the last too when the packet is complete. */
        for (unsigned i = from; i + 1u < n; i++)
                if (is_goal(i, p->layers[i].proto, from, protos, n_protos))
                        return (int)i;
        if (!(p->flags & PKT_F_COMPLETE))
                return walk(p, from, protos, n_protos);
        return is_goal(n - 1u, p->layers[n - 1u].proto, from, protos, n_protos) ? complete_at(p, n - 1u)
                                                                                 : -ENOENT;
}

int
pkt_layer_find_any(struct pkt *p, const unsigned *protos, unsigned n_protos, unsigned from)
{
        pkt_assert_return(p && (protos || n_protos == 0), -EINVAL);

        return find_any(p, protos, n_protos, from);
}

int
pkt_layer_find(struct pkt *p, unsigned proto, unsigned from)
{
        pkt_assert_return(p, -EINVAL);

        return find_any(p, &proto, 1, from);
}

int
pkt_layer_find_seq(struct pkt *p, const unsigned *protos, unsigned n)
{
        pkt_assert_return(p && protos && n > 0, -EINVAL);

        for (int i = pkt_layer_find(p, protos[0], 0); i >= 0; i = pkt_layer_find(p, protos[0], i + 1)) {
                unsigned k = 1;
                while (k < n && pkt_ensure_layer(p, i + k) && p->layers[i + k].proto == protos[k])
                        k++;
                if (k == n)
                        return i;
        }
        return -ENOENT;
}

int
pkt_layer_below(struct pkt *p, unsigned idx, unsigned proto)
{
        for (unsigned i = idx; i-- > 0;)
                if (p->layers[i].proto == proto)
                        return (int)i;
        return -ENOENT;
}

const uint8_t *
pkt_layer_header(struct pkt *p, unsigned idx, size_t *ret_len)
{
        const struct pkt_layer *l = pkt_layer(p, idx);

        *ret_len = l ? l->hdr_len : 0;
        return l ? p->data + l->off : NULL;
}

const uint8_t *
pkt_layer_payload(struct pkt *p, unsigned idx, size_t *ret_len)
{
        const struct pkt_layer *l = pkt_layer(p, idx);

        *ret_len = l ? l->len - l->hdr_len : 0;
        return l ? p->data + l->off + l->hdr_len : NULL;
}

const uint8_t *
pkt_layer_trailer(struct pkt *p, unsigned idx, size_t *ret_len)
{
        const struct pkt_layer *l = pkt_layer(p, idx);
        const struct pkt_layer *up = l ? pkt_layer(p, idx + 1) : NULL;

        *ret_len = 0;
        if (!l)
                return NULL;
        /* Without an upper layer, what follows the header: a message ends there (DHCP's end
         * option) and the rest is not the message's. */
        uint32_t end = up ? up->off + up->len : l->off + MIN(l->hdr_len, l->len);
        *ret_len = l->off + l->len - end;
        return *ret_len > 0 ? p->data + end : NULL;
}

#define LINKTYPE_NULL 0   /* BSD loopback, host byte order */
#define LINKTYPE_LOOP 108 /* BSD loopback, network byte order */
#define LINKTYPE_PPP 9          /* PPP, with or without HDLC-like framing */
#define LINKTYPE_PPP_SERIAL 50  /* PPP in HDLC-like framing (RFC 1662) */
#define LINKTYPE_C_HDLC 104     /* Cisco HDLC */

/* Link types whose frames are bare IP of either version (DLT_RAW and its historical numbers). */
static bool
is_raw_ip_dlt(int dlt)
{
        return dlt == 12 || dlt == 14 || dlt == 101;
}

int
pkt_proto_for_dlt(int dlt)
{
        unsigned id;

        if (dlt < 0)
                return -ENOENT;
        if (is_raw_ip_dlt(dlt))
                return PKT_PROTO_IP;
        id = pkt_key_lookup(PKT_KEY_DLT, (uint32_t)dlt);
        return id != PKT_PROTO_NONE ? (int)id : -ENOENT;
}

int
pkt_proto_for_frame(int dlt, const void *data, size_t caplen)
{
        const uint8_t *b = data;

        /* Raw-IP link types, and the v4-only and v6-only ones too when the version nibble says otherwise
         * (tshark follows the nibble: a DLT_IPV4 file holding IPv6 is IPv6). Only a registered IPv6 will
         * do: pkt_parse() refuses an id nobody registered. */
        if ((is_raw_ip_dlt(dlt) || dlt == 228 || dlt == 229) && caplen > 0) {
                if ((b[0] >> 4) == 6 && proto_of(PKT_PROTO_IP6))
                        return PKT_PROTO_IP6;
                if ((b[0] >> 4) == 4)
                        return PKT_PROTO_IP;
        }
        /* DLT_NULL's family is in the capturing host's byte order and below 2^16: high bytes zero
         * and low bytes not means a big-endian host, whose header reads as DLT_LOOP's. */
        if (dlt == LINKTYPE_NULL && caplen >= 4 && !b[0] && !b[1] && (b[2] || b[3]))
                return pkt_proto_for_dlt(LINKTYPE_LOOP);
        /* DLT_PPP frames may start with RFC 1662's address and control bytes (ff 03), or not: with them
         * they read as DLT_PPP_SERIAL's. */
        if (dlt == LINKTYPE_PPP && caplen >= 2 && b[0] == 0xff && b[1] == 0x03 &&
            pkt_proto_for_dlt(LINKTYPE_PPP_SERIAL) >= 0)
                return pkt_proto_for_dlt(LINKTYPE_PPP_SERIAL);
        /* ... or with Cisco HDLC's unicast or broadcast address and control 0: then they are Cisco
         * HDLC, as Wireshark and tcpdump read them (a PPP protocol's first byte is even, RFC 1661 2,
         * and no compressed protocol 0x0f or 0x8f is assigned). */
        if (dlt == LINKTYPE_PPP && caplen >= 4 && (b[0] == 0x0f || b[0] == 0x8f) && b[1] == 0 &&
            pkt_proto_for_dlt(LINKTYPE_C_HDLC) >= 0)
                return pkt_proto_for_dlt(LINKTYPE_C_HDLC);
        return pkt_proto_for_dlt(dlt);
}

int
pkt_parse_dlt(struct pkt *p, int dlt, const void *data, size_t caplen, size_t wire_len)
{
        int first = pkt_proto_for_frame(dlt, data, caplen);

        if (first < 0)
                first = PKT_PROTO_RAW; /* an unknown link type is still readable as bytes */
        return pkt_parse(p, (unsigned)first, data, caplen, wire_len);
}
