/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generic Routing Encapsulation (RFC 2784, key and sequence number RFC 2890, routing RFC 1701) and
 * PPTP's enhanced GRE (version 1, RFC 2637 4.1), on IP protocol 47.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Checksum (C or R)        |       Offset (C or R)         |
 *  |                         Key (K)                               |  v1: payload length | call ID
 *  |                 Sequence Number (S)                           |
 *  |               Acknowledgment Number (A, version 1)            |
 *  |                         Routing (R): SREs to a NULL SRE       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The first word is fields. Each optional word is an element set of at most one element, so that
 * adding one (gre(key=[key(0x1234)])) knows which flag to set: "csum" (sum, offset), "key" (key; in
 * version 1 payload_len and call_id), "seq", "ack"; the source route entries are "routing". The
 * protocol type is an ethertype; Aruba's controllers send 802.11 frames with types 0x8200-0x83f0,
 * which tshark reads as such too; ERSPAN type I (0x88be without a sequence number) is Ethernet.
 */
#include <string.h>

#include "internal.h"

#define GRE_HDR_LEN   4
#define GRE_C         0x8000u
#define GRE_R         0x4000u
#define GRE_K         0x2000u
#define GRE_S         0x1000u
#define GRE_A         0x0080u
#define GRE_VER(fv)   ((fv) & 7u)
#define GRE_PPTP      1 /* version of PPTP's enhanced GRE */
#define SRE_FIXED_LEN 4
#define GRE_ERSPAN    0x88beu /* ERSPAN types I and II */
#define GRE_OSI       0x00feu /* OSI network layer packets (IS-IS), named by their first byte */

extern const struct pkt_name pkt_link_ethertype_names[]; /* ethernet.c */

/* clang-format off */
static const struct pkt_field gre_fields[] = {
        { .name = "flags_ver", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "c",         .off = 0,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "r",         .off = 1,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "k",         .off = 2,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "s",         .off = 3,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "ssr",       .off = 4,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "recur",     .off = 5,  .bits = 3,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "a",         .off = 8,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "reserved",  .off = 9,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "ver",       .off = 13, .bits = 3,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "p",         .off = 16, .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO | PKT_FF_HEX,
          .names = pkt_link_ethertype_names, .def = 0x0800 },
};

/* The optional words, by kind. */
static const struct pkt_field sum_fields[] = {
        { .name = "sum",    .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "offset", .off = 16, .bits = 16, .type = PKT_FT_UINT },
};
static const struct pkt_field key_fields[] = {
        { .name = "key", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field call_fields[] = { /* PPTP's key (RFC 2637 4.1) */
        { .name = "payload_len", .off = 0,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "call_id",     .off = 16, .bits = 16, .type = PKT_FT_UINT },
};
static const struct pkt_field seq_fields[] = {
        { .name = "seq", .off = 0, .bits = 32, .type = PKT_FT_UINT },
};
static const struct pkt_field ack_fields[] = {
        { .name = "ack", .off = 0, .bits = 32, .type = PKT_FT_UINT },
};
static const struct pkt_field sre_fields[] = { /* RFC 1701 2.1 */
        { .name = "af",         .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "sre_offset", .off = 16, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "sre_len",    .off = 24, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "info",       .off = 32, .bits = 0,  .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_FLAGS_VER, F_C, F_R, F_K, F_S, F_SSR, F_RECUR, F_A, F_RESERVED, F_VER, F_P };

/* The optional words in wire order (each an element set, in this order), with the flag that announces
 * each. */
enum word { W_SUM, W_KEY, W_SEQ, W_ACK, N_WORDS };
static const uint16_t word_flag[N_WORDS] = { GRE_C | GRE_R, GRE_K, GRE_S, GRE_A };
static const unsigned word_field[N_WORDS] = { F_C, F_K, F_S, F_A };
#define SET_ROUTING N_WORDS

static uint16_t
flags_ver(const struct pkt_view *v)
{
        return (uint16_t)(v->b[0] << 8 | v->b[1]);
}

/* Is optional word @w in the header? The acknowledgement exists in version 1 only. */
static bool
has_word(uint16_t fv, enum word w)
{
        return (fv & word_flag[w]) && (w != W_ACK || GRE_VER(fv) == GRE_PPTP);
}

/* Where word @w is, or would go: after the fixed word and the words before it. */
static uint32_t
word_off(uint16_t fv, enum word w)
{
        uint32_t off = GRE_HDR_LEN;

        for (unsigned i = 0; i < (unsigned)w; i++)
                off += has_word(fv, (enum word)i) ? 4u : 0u;
        return off;
}

/* The end of the routing entries from @at (RFC 1701 2.1: up to a NULL SRE, address family 0 and
 * length 0), or the first byte they need past the captured bytes. */
static uint32_t
sres_end(const struct pkt_view *v, uint32_t at)
{
        uint16_t af;
        uint8_t len;

        while (pkt_rd_be16(v, at, &af) && pkt_rd_u8(v, at + 3, &len)) {
                at += SRE_FIXED_LEN + len;
                if (af == 0 && len == 0)
                        return at;
        }
        return at + SRE_FIXED_LEN;
}

static uint32_t
gre_hdr_len(const struct pkt_view *v)
{
        uint16_t fv = flags_ver(v);
        uint32_t len = word_off(fv, N_WORDS);

        return (fv & GRE_R) ? sres_end(v, len) : len;
}

/* Produces @e at @pos, @len bytes, flagged truncated where the capture ends first. */
static int
elem_at(const struct pkt_view *v, struct pkt_elem *e, uint32_t pos, uint32_t len)
{
        if (pos >= v->caplen)
                return 0;
        e->off = pos;
        e->len = MIN(len, v->caplen - pos);
        if (e->len < len)
                e->flags |= pos + len <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
        e->next = pos + e->len;
        return 1;
}

/* The set of a word (its index in gre_elems[] is the word's): its one element when the flags announce
 * it. */
static int
word_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint16_t fv = flags_ver(v);
        enum word w = (enum word)e->set;

        if (e->count > 0 || !has_word(fv, w))
                return 0;
        if (w == W_KEY) { /* the key's fields depend on the version */
                bool pptp = GRE_VER(fv) == GRE_PPTP;
                e->kind_fields = pptp ? call_fields : key_fields;
                e->n_kind_fields = pptp ? ARRAY_SIZE(call_fields) : ARRAY_SIZE(key_fields);
        }
        return elem_at(v, e, word_off(fv, w), 4);
}

/* Source route entries, up to and with the NULL one (RFC 1701 2.1). */
static int
routing_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint16_t fv = flags_ver(v);
        uint32_t pos = e->count == 0 ? word_off(fv, N_WORDS) : e->next;
        uint16_t af;
        uint8_t len;

        if (!(fv & GRE_R))
                return 0;
        if (e->count > 0) {
                const uint8_t *prev = v->b + e->off;
                if (prev[0] == 0 && prev[1] == 0 && prev[3] == 0)
                        return 0; /* the NULL entry ended the list */
        }
        if (!pkt_rd_be16(v, pos, &af) || !pkt_rd_u8(v, pos + 3, &len))
                return elem_at(v, e, pos, SRE_FIXED_LEN);
        return elem_at(v, e, pos, SRE_FIXED_LEN + len);
}

static const struct pkt_elem_set gre_elems[] = {
        [W_SUM] = { .name = "csum", .elem_name = "csum", .next = word_next, .fields = sum_fields,
                    .n_fields = ARRAY_SIZE(sum_fields) },
        [W_KEY] = { .name = "key", .elem_name = "key", .next = word_next },
        [W_SEQ] = { .name = "seq", .elem_name = "seq", .next = word_next, .fields = seq_fields,
                    .n_fields = ARRAY_SIZE(seq_fields) },
        [W_ACK] = { .name = "ack", .elem_name = "ack", .next = word_next, .fields = ack_fields,
                    .n_fields = ARRAY_SIZE(ack_fields) },
        [SET_ROUTING] = { .name = "routing", .elem_name = "sre", .next = routing_next, .fields = sre_fields,
                          .n_fields = ARRAY_SIZE(sre_fields) },
};

/* Aruba's 802.11 in GRE: the types tshark hands to its 802.11 dissector. */
static bool
is_aruba(uint16_t type)
{
        return type >= 0x8200 && type <= 0x83f0 && (type & 0xf) == 0;
}

/* PPP in PPTP's GRE keeps the HDLC-like address and control bytes unless LCP negotiated them away
 * (RFC 1662 3.2, RFC 1661 6.6): with them, the frame goes through "hdlc" first, as on DLT_PPP. */
static bool
starts_ff03(const struct pkt_view *v, uint32_t at)
{
        uint16_t ac;

        return pkt_rd_be16(v, at, &ac) && ac == 0xff03;
}

/* ERSPAN (draft-foschiano-erspan-03 4.1): type I, without a sequence number, has no header of its
 * own; type II, with one, has (erspan.c). */
static bool
is_erspan_type1(uint16_t fv, uint16_t type)
{
        return type == GRE_ERSPAN && !(fv & GRE_S);
}

static void
gre_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t fv = (uint16_t)(v->b[0] << 8 | v->b[1]), type = (uint16_t)(v->b[2] << 8 | v->b[3]);

        d->hdr_len = gre_hdr_len(v);
        d->next = is_aruba(type)              ? PKT_PROTO_IEEE80211
                  : is_erspan_type1(fv, type) ? PKT_PROTO_ETHERNET
                                              : (uint16_t)pkt_key_lookup(PKT_KEY_ETHERTYPE, type);
        if (d->next == PKT_PROTO_PPP && starts_ff03(v, d->hdr_len))
                d->next = PKT_PROTO_HDLC;
        if (type == GRE_OSI)
                d->next = (uint16_t)pkt_osi_next(v, d->hdr_len);
}

/* On serialise, as lengths and checksums elsewhere (PKT_SER_NO_AUTO keeps what is there): the type of
 * the layer above; in version 1, the key's payload length (RFC 2637 4.1: the bytes after the GRE
 * header); with C set, the checksum over the GRE header and payload, the checksum as zero (RFC 2784
 * 2.5). The optional words are elements, which the user's set-mask does not cover. */
static int
gre_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint8_t *h = pkt_layer_bytes_mut(p, idx);
        uint16_t fv = (uint16_t)(h[0] << 8 | h[1]);
        int r;

        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        r = up != PKT_PROTO_NONE && pkt_is_osi(up) ? pkt_auto_set(p, idx, F_P, GRE_OSI)
                                                  : pkt_auto_set_next_type(p, idx, F_P, PKT_KEY_ETHERTYPE);
        if (r < 0)
                return r;
        if (l->len < l->hdr_len || l->hdr_len < word_off(fv, N_WORDS))
                return 0;
        if (has_word(fv, W_KEY) && GRE_VER(fv) == GRE_PPTP) {
                uint32_t at = word_off(fv, W_KEY), payload = MIN(l->len - l->hdr_len, UINT16_MAX);
                h[at] = (uint8_t)(payload >> 8);
                h[at + 1] = (uint8_t)payload;
        }
        if (!(fv & GRE_C))
                return 0;
        h[4] = h[5] = 0;
        uint16_t sum = pkt_csum_fold(pkt_csum_add(0, h, l->len));
        h[4] = (uint8_t)(sum >> 8);
        h[5] = (uint8_t)sum;
        return 0;
}

/* One optional word from spec text: its fields by name or position (key(0x1234), csum(sum=0)). */
static int
gre_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
               size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[4];
        uint16_t fv = flags_ver(v);
        const struct pkt_field *fields = gre_elems[set].fields;
        unsigned n_fields = gre_elems[set].n_fields;
        char name[16];
        uint64_t u;
        int n, r;

        if (set == SET_ROUTING)
                return -EOPNOTSUPP; /* RFC 2784 2.3: routing is no longer sent */
        if (set == W_KEY) {
                fields = GRE_VER(fv) == GRE_PPTP ? call_fields : key_fields;
                n_fields = GRE_VER(fv) == GRE_PPTP ? ARRAY_SIZE(call_fields) : ARRAY_SIZE(key_fields);
        }
        /* One of each (there when its flag is set and the header holds it: the flags may come first,
         * as from JSON); an acknowledgement only in version 1. */
        if ((has_word(fv, (enum word)set) && hdr_len >= word_off(fv, (enum word)set) + 4) ||
            (set == W_ACK && GRE_VER(fv) != GRE_PPTP))
                return -EINVAL;
        n = pkt_spec_split(text, name, sizeof(name), args, ARRAY_SIZE(args));
        if (n < 0)
                return n;
        if (size < 4)
                return -EMSGSIZE;
        memset(out, 0, 4);
        for (int i = 0; i < n; i++) {
                const struct pkt_field *f = NULL;
                for (unsigned j = 0; j < n_fields; j++)
                        if (args[i].key[0] ? strcmp(fields[j].name, args[i].key) == 0 : (int)j == i)
                                f = &fields[j];
                if (!f)
                        return -ENOENT;
                if ((r = pkt_spec_value(f, args[i].value, &u, out + f->off / 8, size - f->off / 8)) < 0)
                        return r;
        }
        *ret_at = word_off(fv, (enum word)set);
        return 4;
}

/* A word added to the header: its flag says it is there. */
static int
gre_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        return set < N_WORDS ? pkt_auto_set(p, idx, word_field[set], 1) : -EINVAL;
}

static const struct pkt_key gre_carriers[] = {
        { PKT_KEY_IP_PROTO, 47 },
        { PKT_KEY_UDP_PORT, 4754 }, /* GRE-in-UDP (RFC 8086 3.1) */
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_gre = {
        .name = "gre",
        .summary = "Generic Routing Encapsulation (RFC 2784, 2890; PPTP's version 1, RFC 2637)",
        .id = PKT_PROTO_GRE,
        .min_hdr_len = GRE_HDR_LEN,
        .fields = gre_fields,
        .n_fields = ARRAY_SIZE(gre_fields),
        .elems = gre_elems,
        .n_elems = ARRAY_SIZE(gre_elems),
        .carriers = gre_carriers,
        .dissect = gre_dissect,
        .update = gre_update,
        .elem_build = gre_elem_build,
        .elem_added = gre_elem_added,
        .not_dissected = "what WCCP, NHRP and other GRE-only types carry (raw after the header)",
};
