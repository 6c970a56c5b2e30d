/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes dissection and everything that reads a parsed packet.
 *
 * Input: byte 0 chooses the link type and the capture shape, the rest is the frame.
 *   bits 0-6: an index into link_types[] (stable, so seeds keep their meaning); indexes past
 *             it pick from the link types the registry knows at run time (pkt_proto_for_dlt()),
 *             which grows as protocols land.
 *   bit 7:    the frame was cut by a snap length: the wire length is larger than what was
 *             captured, so truncation (not malformation) paths run.
 *
 * Then it dissects lazily and eagerly, walks every field and element, prints, serialises (which
 * must give the input back), copies and edits, and compares direction and answers. Every invariant
 * the engine promises is checked with FUZZ_CHECK.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "fuzz.h"

/* Link types the harness always offers, in a fixed order (seed byte 0 indexes it; append only, and
 * keep make_seeds.py's copy in step): Ethernet, raw IP, Linux cooked v1 and v2, BSD null and
 * loopback, raw IPv4, raw IPv6, the two historical raw IP numbers, 802.11 radiotap and bare 802.11,
 * PPP, PPP in HDLC framing, PPPoE, a user type (raw bytes), then the others the capture corpus has:
 * frame relay, Cisco HDLC, SLIP, PPI, 802.15.4, Prism, NFLOG. */
static const int link_types[] = { 1, 101, 113, 276, 0,   108, 228, 229, 12,  14,  127, 105,
                                  9, 50,  51,  147, 107, 104, 8,   192, 195, 119, 239 };
#define N_LINK_TYPES (sizeof(link_types) / sizeof(link_types[0]))

/* Why 1024: above every DLT number assigned in libpcap 1.10. */
#define DLT_SCAN_MAX 1024
/* The capture is cut: the wire carried this many bytes more than were captured. */
#define SNAP_CUT 64

static int known_dlts[DLT_SCAN_MAX];
static unsigned n_known_dlts;

static void
scan_link_types(void)
{
        static bool is_done;

        if (is_done)
                return;
        is_done = true;
        for (int dlt = 0; dlt < DLT_SCAN_MAX; dlt++)
                if (pkt_proto_for_dlt(dlt) >= 0)
                        known_dlts[n_known_dlts++] = dlt;
}

static int
pick_link_type(uint8_t b)
{
        unsigned i = b & 0x7f;

        if (i < N_LINK_TYPES)
                return link_types[i];
        scan_link_types();
        return n_known_dlts ? known_dlts[(i - N_LINK_TYPES) % n_known_dlts] : 147;
}

/* ---- sinks ---- */

static int
count_text(void *ctx, const char *text, size_t len)
{
        FUZZ_CHECK(text != NULL && memchr(text, 0, len) == NULL);
        *(size_t *)ctx += len;
        return 0;
}

struct visit_state {
        unsigned depth; /* 0 outside a layer, 1 in a layer, 2 in a set, 3 in an element */
        unsigned layers;
        unsigned fields;
};

static int
check_event(void *ctx, enum pkt_visit_event ev, const char *name, const struct pkt_layer *l,
            const struct pkt_value *v)
{
        struct visit_state *s = ctx;

        FUZZ_CHECK(name != NULL);
        switch (ev) {
        case PKT_VISIT_LAYER_BEGIN:
                FUZZ_CHECK(s->depth == 0 && l != NULL);
                s->depth = 1;
                s->layers++;
                break;
        case PKT_VISIT_FIELD:
                FUZZ_CHECK(s->depth == 1 || s->depth == 3);
                FUZZ_CHECK(v != NULL && v->text != NULL);
                (void)strlen(v->text);
                s->fields++;
                break;
        case PKT_VISIT_SET_BEGIN:
                FUZZ_CHECK(s->depth == 1);
                s->depth = 2;
                break;
        case PKT_VISIT_ELEM_BEGIN:
                FUZZ_CHECK(s->depth == 2);
                s->depth = 3;
                break;
        case PKT_VISIT_ELEM_END:
                FUZZ_CHECK(s->depth == 3);
                s->depth = 2;
                break;
        case PKT_VISIT_SET_END:
                FUZZ_CHECK(s->depth == 2);
                s->depth = 1;
                break;
        case PKT_VISIT_LAYER_END:
                FUZZ_CHECK(s->depth == 1);
                s->depth = 0;
                break;
        }
        return 0;
}

/* ---- checks ---- */

/* Every layer lies inside the packet and inside the layer below it. */
static void
check_layers(const struct pkt *p)
{
        FUZZ_CHECK(p->n_layers >= 1 && p->n_layers <= PKT_LAYERS_MAX);
        for (unsigned i = 0; i < p->n_layers; i++) {
                const struct pkt_layer *l = &p->layers[i];
                FUZZ_CHECK(pkt_proto_get(l->proto) != NULL);
                FUZZ_CHECK(l->off <= p->len && l->len <= p->len - l->off);
                FUZZ_CHECK(l->hdr_len <= l->len);
                FUZZ_CHECK(l->len <= l->wire_len);
                if (i > 0) {
                        const struct pkt_layer *d = &p->layers[i - 1];
                        FUZZ_CHECK(l->off == d->off + d->hdr_len);
                        FUZZ_CHECK(l->off + l->len <= d->off + d->len);
                }
        }
}

static void
check_fields(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        const struct pkt_proto *pr = pkt_proto_get(l->proto);
        char text[256];

        for (unsigned k = 0; k < pr->n_fields; k++) {
                const char *name = pr->fields[k].name;
                const uint8_t *b;
                size_t n;
                uint64_t u;
                int r = pkt_field_get_str(p, idx, name, text, sizeof(text));
                FUZZ_CHECK(r != -ENOENT);
                if (r >= 0 || r == -EMSGSIZE)
                        FUZZ_CHECK(memchr(text, 0, sizeof(text)) != NULL);
                (void)pkt_field_get_u64(p, idx, name, &u);
                if (pkt_field_get_bytes(p, idx, name, &b, &n) == 0)
                        FUZZ_CHECK(b >= p->data + l->off && n <= l->hdr_len &&
                                   (size_t)(b - (p->data + l->off)) <= l->hdr_len - n);
        }
        FUZZ_CHECK(pkt_field_get_str(p, idx, "no-such-field", text, sizeof(text)) == -ENOENT);
}

static void
check_elems(struct pkt *p, unsigned idx)
{
        const struct pkt_proto *pr = pkt_proto_get(p->layers[idx].proto);
        char text[256];

        for (unsigned s = 0; s < pr->n_elems; s++) {
                const struct pkt_elem_set *set = &pr->elems[s];
                struct pkt_elem e = PKT_ELEM_INIT;
                unsigned n = 0;
                int r;
                while ((r = pkt_elem_next(p, idx, set->name, &e)) == 1) {
                        const struct pkt_layer *l = &p->layers[idx];
                        /* Each element holds a byte at least: more than that is a loop (an
                         * SCTP packet of 64 KiB carries 16k chunks, so no smaller bound). */
                        FUZZ_CHECK(++n <= l->len + 1);
                        FUZZ_CHECK(e.off <= l->len && e.len <= l->len - e.off);
                        for (unsigned k = 0; k < set->n_fields; k++)
                                (void)pkt_elem_get_str(p, idx, &e, set->fields[k].name, text,
                                                       sizeof(text));
                        for (unsigned k = 0; k < e.n_kind_fields; k++) {
                                uint64_t u;
                                (void)pkt_elem_get_str(p, idx, &e, e.kind_fields[k].name, text,
                                                       sizeof(text));
                                (void)pkt_elem_get_u64(p, idx, &e, e.kind_fields[k].name, &u);
                        }
                }
                FUZZ_CHECK(r == 0);
        }
}

static void
check_views(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *h, *pl, *t;
        size_t hn, pn, tn;

        h = pkt_layer_header(p, idx, &hn);
        pl = pkt_layer_payload(p, idx, &pn);
        FUZZ_CHECK(h == p->data + l->off && hn == l->hdr_len);
        FUZZ_CHECK(pl == h + hn && hn + pn == l->len);
        t = pkt_layer_trailer(p, idx, &tn);
        if (t)
                FUZZ_CHECK(t >= pl && tn <= pn && (size_t)(t - pl) <= pn - tn);
}

/* Lazy dissection finds the same layers as full dissection. Each protocol the stack has is looked
 * up in a fresh parse, so that dissection starts from the first layer every time. */
static void
check_lazy(int dlt, const uint8_t *frame, size_t caplen, size_t wire_len, const struct pkt *full)
{
        struct pkt p, q;

        pkt_init(&p);
        pkt_init(&q);
        FUZZ_CHECK(pkt_parse_dlt(&q, dlt, frame, caplen, wire_len) == 0);
        for (unsigned id = 0; id < PKT_PROTO_MAX; id++) {
                int want = -ENOENT;
                for (unsigned i = 0; i < full->n_layers && want < 0; i++)
                        if (full->layers[i].proto == id)
                                want = (int)i;
                if (want < 0) {
                        FUZZ_CHECK(pkt_layer_find(&q, id, 0) == -ENOENT);
                        continue;
                }
                FUZZ_CHECK(pkt_parse_dlt(&p, dlt, frame, caplen, wire_len) == 0);
                FUZZ_CHECK(pkt_layer_find(&p, id, 0) == want);
                /* The lazy walk stopped at the layer asked for and recorded the same ones below it.
                 */
                FUZZ_CHECK(p.n_layers >= (unsigned)want + 1);
                for (int i = 0; i <= want; i++)
                        FUZZ_CHECK(p.layers[i].proto == full->layers[i].proto &&
                                   p.layers[i].off == full->layers[i].off);
        }
        /* pkt_layer_find_any(): the first of a set of three (the walk that compares two inline and
         * the rest out of line), taken from the first protocols of the full stack in reverse. */
        if (full->n_layers >= 2) {
                unsigned set[3] = { full->layers[full->n_layers - 1].proto,
                                    full->layers[full->n_layers / 2].proto, full->layers[1].proto };
                int want = -ENOENT;
                for (unsigned i = 0; i < full->n_layers && want < 0; i++)
                        for (unsigned k = 0; k < 3; k++)
                                if (full->layers[i].proto == set[k])
                                        want = (int)i;
                FUZZ_CHECK(pkt_parse_dlt(&p, dlt, frame, caplen, wire_len) == 0);
                FUZZ_CHECK(pkt_layer_find_any(&p, set, 3, 0) == want);
                FUZZ_CHECK(want < 0 || (p.layers[want].flags & PKT_LAYER_DISSECTED));
                FUZZ_CHECK(want < 0 || p.n_layers <= (unsigned)want + 2u);
        }
        pkt_done(&q);
        pkt_done(&p);
}

/* Edits a copy: each layer's first field is written back from its own text, and one integer field
 * of each layer is changed. Whatever the result, it serialises and parses again. */
static void
check_edit(struct pkt *p, uint8_t salt)
{
        struct pkt c, again;
        const uint8_t *out;
        char text[256];

        pkt_init(&c);
        pkt_init(&again);
        FUZZ_CHECK(pkt_copy(&c, p) == 0);
        for (unsigned i = 0; i < c.n_layers; i++) {
                const struct pkt_proto *pr = pkt_proto_get(c.layers[i].proto);
                if (pr->n_fields == 0)
                        continue;
                const char *first = pr->fields[0].name,
                           *other = pr->fields[(salt + i) % pr->n_fields].name;
                uint64_t u;
                if (pkt_field_get_str(&c, i, first, text, sizeof(text)) >= 0)
                        (void)pkt_field_set_str(&c, i, first, text);
                if (pkt_field_get_u64(&c, i, other, &u) == 0)
                        (void)pkt_field_set_u64(&c, i, other, u ^ 1);
        }
        int n = pkt_serialize(&c, 0, &out);
        FUZZ_CHECK(n >= 0);
        FUZZ_CHECK(pkt_parse(&again, c.layers[0].proto, out, (size_t)n, (size_t)n) == 0);
        pkt_dissect_all(&again);
        check_layers(&again);
        pkt_done(&again);
        pkt_done(&c);
}

/* Swapping addresses twice restores the bytes; once makes the copy the reverse direction's packet.
 */
static void
check_reverse(struct pkt *p, const uint8_t *frame, size_t caplen)
{
        struct pkt c;
        const uint8_t *out;

        pkt_init(&c);
        FUZZ_CHECK(pkt_copy(&c, p) == 0);
        FUZZ_CHECK(pkt_reverse_address(&c) == 0);
        (void)pkt_direction(p, &c);
        (void)pkt_answers(p, &c);
        (void)pkt_answers(&c, p);
        FUZZ_CHECK(pkt_reverse_address(&c) == 0);
        FUZZ_CHECK(pkt_serialize(&c, PKT_SER_NO_AUTO, &out) == (int)caplen);
        FUZZ_CHECK(caplen == 0 || memcmp(out, frame, caplen) == 0);
        pkt_done(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct visit_state vs = { 0 };
        const uint8_t *out;
        size_t printed = 0;
        struct pkt p;

        if (size < 1)
                return 0;
        int dlt = pick_link_type(data[0]);
        const uint8_t *frame = data + 1;
        size_t caplen = size - 1, wire_len = caplen + (data[0] & 0x80 ? SNAP_CUT : 0);

        pkt_init(&p);
        FUZZ_CHECK(pkt_parse_dlt(&p, dlt, frame, caplen, wire_len) == 0);
        unsigned n = pkt_dissect_all(&p);
        FUZZ_CHECK(n == p.n_layers);
        check_layers(&p);
        for (unsigned i = 0; i < n; i++) {
                check_fields(&p, i);
                check_elems(&p, i);
                check_views(&p, i);
        }
        FUZZ_CHECK(pkt_layer(&p, n) == NULL);

        FUZZ_CHECK(pkt_visit(&p, check_event, &vs) == 0);
        FUZZ_CHECK(vs.depth == 0 && vs.layers == n);
        FUZZ_CHECK(pkt_print(&p, count_text, &printed) == 0);
        FUZZ_CHECK(printed > 0);

        /* Nothing changed, so serialising gives back exactly the captured bytes. */
        FUZZ_CHECK(pkt_serialize(&p, 0, &out) == (int)caplen);
        FUZZ_CHECK(caplen == 0 || memcmp(out, frame, caplen) == 0);

        check_lazy(dlt, frame, caplen, wire_len, &p);
        check_edit(&p, data[0]);
        check_reverse(&p, frame, caplen);

        /* A packet goes the same way as itself whenever any layer can tell. */
        unsigned dir = pkt_direction(&p, &p);
        FUZZ_CHECK(dir == PKT_DIR_UNKNOWN || (dir & PKT_DIR_SAME));
        (void)pkt_answers(&p, &p);
        pkt_done(&p);
        return 0;
}
