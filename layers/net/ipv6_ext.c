/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 extension headers (RFC 8200 4): hop-by-hop options (4.3), routing (4.4; type 0 RFC 5095,
 * type 2 RFC 6275 6.4, type 3 RPL RFC 6554, type 4 segment routing RFC 8754), fragment (4.5) and
 * destination options (4.6). Each is a layer of its own, chosen by the Next Header before it.
 *
 *  Options header (hop-by-hop, destination): (Hdr Ext Len + 1) * 8 bytes
 *  +---------------+---------------+-------------------------------+
 *  |  Next Header  |  Hdr Ext Len  |  Options (Type, Opt Data Len, |
 *  +---------------+---------------+  data; Pad1 is the byte 0)    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *
 *  Routing header
 *  +---------------+---------------+---------------+---------------+
 *  |  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
 *  +---------------+---------------+---------------+---------------+
 *  |      type-specific data (SRH: Last Entry, Flags, Tag)         |
 *  +---------------------------------------------------------------+
 *  |  addresses (types 0, 2, 4: 16 bytes each; RPL: compressed)    |
 *  +---------------------------------------------------------------+
 *
 *  Fragment header
 *  +---------------+---------------+-------------------------+---+-+
 *  |  Next Header  |   Reserved    |     Fragment Offset     |Res|M|
 *  +---------------+---------------+-------------------------+---+-+
 *  |                         Identification                        |
 *  +---------------------------------------------------------------+
 *
 * Only the first fragment (offset 0) starts with the upper header: it is dissected, as pypacker and
 * tshark without reassembly do, knowing the upper layer continues in later fragments (an atomic
 * fragment, RFC 6946, carries all of it); the payload of the others stays raw (no reassembly).
 */
#include <arpa/inet.h>
#include <string.h>

#include "internal.h"
#include "ipopt.h"

#define EXT_NXT_NONE     59 /* RFC 8200 4.7 */
#define OPTS_MIN_HDR_LEN 2  /* enough to read the length; a built header grows to 8 when padded */
#define EXT_UNIT         8  /* Hdr Ext Len counts 8-byte units beyond the first */
#define OPT_PAD1         0x00
#define OPT_PADN         0x01
#define OPT_HAO          0xc9
#define RT_HDR_LEN       8
#define RT_TYPE0         0
#define RT_TYPE2         2
#define RT_RPL           3
#define RT_SRH           4
#define FRAG_HDR_LEN     8
#define FRAG_MF          0x1

extern const struct pkt_name pkt_ip_proto_names[]; /* ipv4.c */

/* ---- options (hop-by-hop and destination) ---- */

/* clang-format off */
static const struct pkt_name opt_names[] = {
        { 0x00, "PAD1" }, { 0x01, "PADN" }, { 0x04, "TEL" }, { 0x05, "RA" }, { 0x07, "CALIPSO" },
        { 0x26, "QS" }, { 0x63, "RPL" }, { 0x6d, "MPL" }, { 0x8b, "ILNP" }, { 0x8c, "LIO" },
        { 0xc2, "JUMBO" }, { 0xc9, "HAO" }, { 0xee, "IP_DFF" }, { 0, NULL },
};

static const struct pkt_name ra_names[] = {
        { 0, "MLD" }, { 1, "RSVP" }, { 2, "ACTIVE_NETWORKS" }, { 0, NULL },
};

/* IP6Option: pypacker's type and len, then the data as body. */
static const struct pkt_field opt_fields[] = {
        { .name = "type", .off = 0,  .bits = 8, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = opt_names },
        { .name = "len",  .off = 8,  .bits = 8, .type = PKT_FT_UINT },
        { .name = "body", .off = 16, .bits = 0, .type = PKT_FT_BYTES },
};

static const struct pkt_field ra_fields[] = {
        { .name = "value", .off = 0, .bits = 16, .type = PKT_FT_ENUM, .names = ra_names },
};
static const struct pkt_field jumbo_fields[] = { PKT_U("jumbo_len", 0, 32) };
static const struct pkt_field tel_fields[] = { PKT_U("limit", 0, 8) };
static const struct pkt_field hao_fields[] = {
        { .name = "addr", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_ipopt_kind opt_kinds[] = {
        { 0x05, 1, ra_fields }, { 0xc2, 1, jumbo_fields }, { 0x04, 1, tel_fields }, { 0xc9, 1, hao_fields },
        { 0, 0, NULL },
};

/* RFC 8200 4.2 alignment requirements, "xn+y": where an option of each kind must start. */
static const struct {
        uint8_t type, x, y;
} opt_align[] = {
        { 0x05, 2, 0 }, /* router alert, RFC 2711 */
        { 0xc2, 4, 2 }, /* jumbo payload, RFC 2675 */
        { 0xc9, 8, 6 }, /* home address, RFC 6275 6.3 */
};

static const struct pkt_field opts_hdr_fields[] = {
        { .name = "nxt", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = pkt_ip_proto_names, .def = EXT_NXT_NONE },
        { .name = "len", .off = 8, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};
/* clang-format on */

enum { F_OPTS_NXT, F_OPTS_LEN };

static const struct pkt_ipopt_kind *
opt_kind(uint8_t type)
{
        for (const struct pkt_ipopt_kind *k = opt_kinds; k->fields; k++)
                if (k->kind == type)
                        return k;
        return NULL;
}

/*
 * Produces the option at header offset @pos into @e, for a header that ends at @end. An option
 * running past @end is malformed; one running past the captured bytes is truncated. Returns 0 at
 * the end.
 */
static int
opt_at(const struct pkt_view *v, uint32_t pos, uint32_t end, struct pkt_elem *e)
{
        uint32_t stop = MIN(end, v->caplen);
        uint8_t type, olen = 0;

        if (pos >= stop || !pkt_rd_u8(v, pos, &type))
                return 0;
        e->off = pos;
        e->len = 1;
        if (type != OPT_PAD1) {
                bool has_len = pos + 2u <= stop && pkt_rd_u8(v, pos + 1, &olen);
                if (!has_len || pos + 2u + olen > stop) {
                        /* Past the header's own end it is malformed; only past the capture, cut
                         * short. */
                        bool is_over = pos + 2u > end || (has_len && pos + 2u + olen > end);
                        e->flags |= is_over ? PKT_LAYER_MALFORMED : PKT_LAYER_TRUNCATED;
                        e->len = stop - pos;
                } else {
                        const struct pkt_ipopt_kind *k = opt_kind(type);
                        e->len = 2u + olen;
                        e->data_off = 2;
                        if (k) {
                                e->kind_fields = k->fields;
                                e->n_kind_fields = k->n_fields;
                        }
                }
        }
        e->next = pos + e->len;
        return 1;
}

static uint32_t
ext_len(const struct pkt_view *v)
{
        uint8_t hl = 0;

        (void)pkt_rd_u8(v, 1, &hl);
        return ((uint32_t)hl + 1) * EXT_UNIT;
}

static int
opts_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return opt_at(v, e->count == 0 ? 2 : e->next, ext_len(v), e);
}

/* Does every option of a header @end bytes long fit, its length right for its kind? */
static bool
opts_are_valid(const struct pkt_view *v, uint32_t end)
{
        struct pkt_elem e = { 0 };

        /* Each option is at least one byte long, so this ends within @end steps. */
        for (uint32_t pos = 2; opt_at(v, pos, end, &e) == 1; pos = e.next) {
                if (e.flags & PKT_LAYER_MALFORMED)
                        return false;
                if (e.flags)
                        return true;
        }
        return true;
}

static void
opts_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = ext_len(v);
        d->next = (uint16_t)pkt_key_lookup(PKT_KEY_IP_PROTO, v->b[0]);
        if (!opts_are_valid(v, d->hdr_len))
                d->flags |= PKT_LAYER_MALFORMED;
}

/* Writes @n bytes of padding (RFC 8200 4.2: Pad1 for one byte, PadN for more). */
static void
pad_write(uint8_t *out, uint32_t n)
{
        memset(out, 0, n);
        if (n >= 2) {
                out[0] = OPT_PADN;
                out[1] = (uint8_t)(n - 2);
        }
}

/* The next-layer type of every extension header: the IP protocol number of the layer above. */
static int
ext_update_nxt(struct pkt *p, unsigned idx, unsigned field)
{
        uint32_t key;

        if (idx + 1u < p->n_layers &&
            pkt_carrier_key(p->layers[idx + 1].proto, PKT_KEY_IP_PROTO, &key) == 0)
                return pkt_auto_set(p, idx, field, key);
        return 0;
}

static int
ext_update_len(struct pkt *p, unsigned idx, unsigned field)
{
        uint32_t units = p->layers[idx].hdr_len / EXT_UNIT;

        return pkt_auto_set(p, idx, field, MIN(units > 0 ? units - 1 : 0, 255u));
}

/*
 * A header that is not a multiple of 8 bytes (built, or grown by an option) is padded at its end to
 * the next multiple; every option in it stays, padding asked for included (as scapy builds it). A
 * well-formed parsed header is left alone.
 */
static int
opts_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint8_t pad[EXT_UNIT];
        int r;

        if (l->hdr_len % EXT_UNIT) {
                uint32_t n = EXT_UNIT - l->hdr_len % EXT_UNIT;
                pad_write(pad, n);
                if ((r = pkt_layer_splice(p, idx, l->hdr_len, 0, pad, n)) < 0)
                        return r;
        }
        if ((r = ext_update_len(p, idx, F_OPTS_LEN)) < 0)
                return r;
        return ext_update_nxt(p, idx, F_OPTS_NXT);
}

/* The option type an element spec names: "ra(0)" -> 5, "0x1e(body=aabb)" -> 0x1e. */
static int
opt_type_of(const char *text, uint8_t *ret)
{
        const char *open = strchr(text, '(');
        size_t n = open ? (size_t)(open - text) : strlen(text);
        char name[32];
        uint32_t v;

        while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
                n--;
        while (n > 0 && (*text == ' ' || *text == '\t')) {
                text++;
                n--;
        }
        if (n == 0 || n >= sizeof(name))
                return -EINVAL;
        memcpy(name, text, n);
        name[n] = 0;
        if (pkt_name_value(opt_names, name, 255, &v) < 0)
                return -EINVAL;
        *ret = (uint8_t)v;
        return 0;
}

/* "padn" is an empty PadN; "padn(4)" carries four zero bytes; "padn(body=0000000a)" those bytes (the
 * form the JSON writer gives: a receiver ignores them, RFC 8200 4.2, so they may be anything). */
static int
padn_build(const char *text, uint8_t *out, size_t size)
{
        static const struct pkt_field body = { .name = "body", .type = PKT_FT_BYTES };
        struct pkt_spec_arg arg;
        char name[32], *end;
        unsigned long n = 0;
        uint64_t unused;
        int r = pkt_spec_split(text, name, sizeof(name), &arg, 1);

        if (r < 0)
                return r;
        if (r == 1 && strcmp(arg.key, "body") == 0) {
                if (size < 2)
                        return -EMSGSIZE;
                r = pkt_spec_value(&body, arg.value, &unused, out + 2, MIN(size - 2, 255));
                if (r < 0)
                        return r;
                out[0] = OPT_PADN;
                out[1] = (uint8_t)r;
                return r + 2;
        }
        if (r == 1) {
                if (arg.key[0])
                        return -ENOENT;
                n = strtoul(arg.value, &end, 0);
                if (!arg.value[0] || *end || n > 255)
                        return -EINVAL;
        }
        if (n + 2 > size)
                return -EMSGSIZE;
        pad_write(out, (uint32_t)n + 2);
        return (int)n + 2;
}

static uint32_t
align_pad(uint8_t type, uint32_t at)
{
        for (unsigned i = 0; i < ARRAY_SIZE(opt_align); i++)
                if (opt_align[i].type == type)
                        return (opt_align[i].y + opt_align[i].x - at % opt_align[i].x) %
                               opt_align[i].x;
        return 0;
}

/*
 * Encodes "ra(0)", "jumbo(70000)", "hao(2001:db8::1)", "pad1", "padn(3)" or "0x1e(body=aabb)" at the
 * end of the header, with the padding its alignment needs in front (RFC 8200 4.2). Options stay in
 * the order given and padding asked for stays where it was asked for; a parsed header's trailing
 * padding stays too, as scapy keeps it when an option is added to a dissected header.
 */
static int
opts_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                uint8_t *out, size_t size, uint32_t *ret_at)
{
        uint8_t opt[2 + 256 + 16], type;
        int n, r;

        (void)set;
        if ((r = opt_type_of(text, &type)) < 0)
                return r;
        if (type == OPT_PADN)
                n = padn_build(text, opt, sizeof(opt));
        else
                /* IPv6 option lengths leave out type and length. */
                n = pkt_ipopt_build(opt_names, opt_kinds, 2, text, opt, sizeof(opt));
        if (n < 0)
                return n;
        (void)v;
        *ret_at = hdr_len;
        uint32_t pad = align_pad(type, *ret_at);
        if ((size_t)n + pad > size)
                return -EMSGSIZE;
        pad_write(out, pad);
        memcpy(out + pad, opt, (size_t)n);
        return (int)(pad + (uint32_t)n);
}

static const struct pkt_elem_set opts_elems[] = {
        { .name = "opts",
          .elem_name = "opt",
          .next = opts_next,
          .fields = opt_fields,
          .n_fields = ARRAY_SIZE(opt_fields) },
};

static const struct pkt_key hopopts_carriers[] = {
        { PKT_KEY_IP_PROTO, 0 },
        PKT_KEY_END,
};

static const char *const hopopts_aliases[] = { "hopopts", NULL };

const struct pkt_proto pkt_proto_ip6_hopopts = {
        .name = "ip6hopoptsheader",
        .aliases = hopopts_aliases,
        .summary = "IPv6 Hop-by-Hop Options header (RFC 8200 4.3)",
        .id = PKT_PROTO_IP6_HOPOPTS,
        .min_hdr_len = OPTS_MIN_HDR_LEN,
        .fields = opts_hdr_fields,
        .n_fields = ARRAY_SIZE(opts_hdr_fields),
        .elems = opts_elems,
        .n_elems = ARRAY_SIZE(opts_elems),
        .carriers = hopopts_carriers,
        .dissect = opts_dissect,
        .update = opts_update,
        .elem_build = opts_elem_build,
};

static const struct pkt_key dstopts_carriers[] = {
        { PKT_KEY_IP_PROTO, 60 },
        PKT_KEY_END,
};

static const char *const dstopts_aliases[] = { "dstopts", NULL };

const struct pkt_proto pkt_proto_ip6_dstopts = {
        .name = "ip6dstoptsheader",
        .aliases = dstopts_aliases,
        .summary = "IPv6 Destination Options header (RFC 8200 4.6)",
        .id = PKT_PROTO_IP6_DSTOPTS,
        .min_hdr_len = OPTS_MIN_HDR_LEN,
        .fields = opts_hdr_fields,
        .n_fields = ARRAY_SIZE(opts_hdr_fields),
        .elems = opts_elems,
        .n_elems = ARRAY_SIZE(opts_elems),
        .carriers = dstopts_carriers,
        .dissect = opts_dissect,
        .update = opts_update,
        .elem_build = opts_elem_build,
};

/* ---- routing ---- */

/*
 * Bytes 4-7 depend on the routing type. They read as pypacker's rsvd_sl_bits, split into the
 * segment routing header's fields (RFC 8754 2); for types 0 and 2 they are reserved, for RPL they
 * hold CmprI, CmprE and Pad (RFC 6554 3), read from rsvd_sl_bits.
 */
/* clang-format off */
static const struct pkt_name rt_type_names[] = {
        { RT_TYPE0, "SOURCE" }, { RT_TYPE2, "TYPE2" }, { RT_RPL, "RPL" }, { RT_SRH, "SRH" }, { 0, NULL },
};

static const struct pkt_field rt_fields[] = {
        { .name = "nxt",          .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = pkt_ip_proto_names, .def = EXT_NXT_NONE },
        { .name = "len",          .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "type",         .off = 16, .bits = 8,  .type = PKT_FT_ENUM, .names = rt_type_names },
        { .name = "segs_left",    .off = 24, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "rsvd_sl_bits", .off = 32, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "last_entry",   .off = 32, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "flags",        .off = 40, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_HEX },
        { .name = "tag",          .off = 48, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_HEX },
};

static const struct pkt_field rt_addr_fields[] = {
        { .name = "addr", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
};

/* RPL addresses are suffixes: the destination address's first CmprI (CmprE for the last) bytes elided. */
static const struct pkt_field rt_rpl_addr_fields[] = {
        { .name = "addr", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_RT_NXT, F_RT_LEN, F_RT_TYPE, F_RT_SEGS_LEFT };

/* Where the addresses of a routing header lie: @n of them from offset 8, each @size bytes but the
 * last, which is @last_size bytes. */
struct rt_layout {
        uint8_t type;
        uint32_t n;
        uint32_t size;
        uint32_t last_size;
        uint32_t cmpre;
};

/* Reads the layout of a header @hdr_len bytes long from its first 8 bytes. (The length is given
 * rather than read so that a header being built, whose length field is refreshed last, reads
 * right.) Returns false when those bytes are not captured. */
static bool
rt_layout(const struct pkt_view *v, uint32_t hdr_len, struct rt_layout *ret)
{
        uint8_t type, b4, b5;
        uint32_t data = hdr_len > RT_HDR_LEN ? hdr_len - RT_HDR_LEN : 0;

        if (!pkt_rd_u8(v, 2, &type) || !pkt_rd_u8(v, 4, &b4) || !pkt_rd_u8(v, 5, &b5))
                return false;
        *ret = (struct rt_layout){ .type = type, .size = 16, .last_size = 16 };
        switch (type) {
        case RT_TYPE0:
        case RT_TYPE2:
                ret->n = data / 16;
                break;
        case RT_SRH:
                ret->n = MIN((uint32_t)b4 + 1, data / 16); /* the rest of a longer header is TLVs */
                break;
        case RT_RPL: {
                uint32_t cmpri = b4 >> 4, cmpre = b4 & 0xf, pad = b5 >> 4;
                ret->size = 16 - cmpri;
                ret->last_size = 16 - cmpre;
                ret->cmpre = cmpre;
                /* RFC 6554 3: n = ((Hdr Ext Len * 8 - Pad - (16 - CmprE)) / (16 - CmprI)) + 1 */
                ret->n = data >= pad + ret->last_size
                                 ? (data - pad - ret->last_size) / ret->size + 1
                                 : 0;
                break;
        }
        default:
                ret->n = 0;
                break;
        }
        return true;
}

static int
rt_addrs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        struct rt_layout lay;

        if (!rt_layout(v, ext_len(v), &lay) || e->count >= lay.n)
                return 0;
        uint32_t off = RT_HDR_LEN + e->count * lay.size;
        uint32_t len = e->count + 1 == lay.n ? lay.last_size : lay.size;
        if (off >= v->caplen)
                return 0;
        e->off = off;
        e->len = len;
        if (len > v->caplen - off) {
                e->len = v->caplen - off;
                e->flags |= PKT_LAYER_TRUNCATED;
        }
        e->kind_fields = lay.type == RT_RPL ? rt_rpl_addr_fields : rt_addr_fields;
        e->n_kind_fields = 1;
        e->next = off + e->len;
        return 1;
}

static void
rt_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const uint8_t *h = v->b;
        uint8_t hl = h[1], type = h[2], segs_left = h[3];

        d->hdr_len = ext_len(v);
        d->next = (uint16_t)pkt_key_lookup(PKT_KEY_IP_PROTO, h[0]);
        switch (type) {
        case RT_TYPE0:
                /* RFC 8200 4.4 (and RFC 5095's type 0): whole addresses, no more segments than
                 * addresses. */
                if (hl % 2 || segs_left > hl / 2)
                        d->flags |= PKT_LAYER_MALFORMED;
                break;
        case RT_TYPE2:
                if (hl != 2 || segs_left > 1) /* RFC 6275 6.4: exactly one home address */
                        d->flags |= PKT_LAYER_MALFORMED;
                break;
        case RT_SRH:
                /* RFC 8754 2: the segment list fits in the header; Segments Left indexes into it.
                 */
                if (RT_HDR_LEN + ((uint32_t)h[4] + 1) * 16 > d->hdr_len || segs_left > h[4] + 1u)
                        d->flags |= PKT_LAYER_MALFORMED;
                break;
        default:
                break;
        }
}

/* A header that is not a multiple of 8 bytes (built with bytes after its addresses) ends with zeros
 * up to the next: SRH's Pad1 TLVs (RFC 8754 2.1.1.1), RPL's padding. */
static int
rt_update(struct pkt *p, unsigned idx)
{
        static const uint8_t zeros[EXT_UNIT];
        const struct pkt_layer *l = &p->layers[idx];
        int r;

        if ((p->flags & PKT_F_OWNED) && l->hdr_len % EXT_UNIT &&
            (r = pkt_layer_splice(p, idx, l->hdr_len, 0, zeros, EXT_UNIT - l->hdr_len % EXT_UNIT)) < 0)
                return r;
        r = ext_update_len(p, idx, F_RT_LEN);

        return r < 0 ? r : ext_update_nxt(p, idx, F_RT_NXT);
}

/* One address of types 0, 2 and 4, appended after the others: "2001:db8::1", "address(2001:db8::1)"
 * or, as the JSON writer gives it, "address(addr=2001:db8::1)"; or the bytes after them. */
static int
rt_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
              uint8_t *out, size_t size, uint32_t *ret_at)
{
        static const struct pkt_field addr_field = { .name = "addr", .bits = 128, .type = PKT_FT_IPV6 };
        struct pkt_spec_arg arg;
        char name[16];
        uint64_t u;

        *ret_at = hdr_len;
        if (set == 1) { /* the bytes after the addresses: "rest(data=0502...)" */
                static const struct pkt_field data = { .name = "data", .type = PKT_FT_BYTES };
                if (pkt_spec_split(text, name, sizeof(name), &arg, 1) != 1 || strcmp(name, "rest") != 0 ||
                    (arg.key[0] && strcmp(arg.key, "data") != 0))
                        return -EINVAL;
                return pkt_spec_value(&data, arg.value, &u, out, size);
        }
        if (v->caplen < 3 || v->b[2] == RT_RPL)
                return -EINVAL; /* compressed RPL addresses are set as bytes, not built one by one */
        if (strchr(text, '(')) {
                if (pkt_spec_split(text, name, sizeof(name), &arg, 1) != 1 || strcmp(name, "address") != 0 ||
                    (arg.key[0] && strcmp(arg.key, "addr") != 0))
                        return -EINVAL;
                text = arg.value;
        }
        return pkt_spec_value(&addr_field, text, &u, out, size);
}

/* The final destination routing header @rh names while it has segments left (RFC 8200 8.1). */
static bool
final_dst(const uint8_t *rh, uint32_t len, const uint8_t *ip6_dst, uint8_t ret[16])
{
        const struct pkt_view v = { .b = rh, .caplen = len, .wire_len = len };
        struct rt_layout lay;
        uint8_t segs_left;

        /* With no segments left the destination field already is the final one. */
        if (!pkt_rd_u8(&v, 3, &segs_left) || segs_left == 0 || !rt_layout(&v, len, &lay) ||
            lay.n == 0)
                return false;
        uint32_t last = RT_HDR_LEN + (lay.n - 1) * lay.size;
        switch (lay.type) {
        case RT_TYPE0:
        case RT_TYPE2:
                if (!pkt_rd_has(&v, last, 16))
                        return false;
                memcpy(ret, rh + last, 16);
                return true;
        case RT_SRH:
                /* RFC 8754 2: the list is in reverse order; Segment List[0] is the last segment. */
                if (!pkt_rd_has(&v, RT_HDR_LEN, 16))
                        return false;
                memcpy(ret, rh + RT_HDR_LEN, 16);
                return true;
        case RT_RPL:
                if (!pkt_rd_has(&v, last, lay.last_size))
                        return false;
                memcpy(ret, ip6_dst, 16);
                memcpy(ret + lay.cmpre, rh + last, lay.last_size);
                return true;
        default:
                return false;
        }
}

/* The home address option of destination options header @h (RFC 6275 6.3), if it has one. */
static bool
home_addr(const uint8_t *h, uint32_t len, uint8_t ret[16])
{
        const struct pkt_view v = { .b = h, .caplen = len, .wire_len = len };
        struct pkt_elem e = { 0 };

        /* Each option is at least one byte long, so this ends within @len steps. */
        for (uint32_t pos = 2; opt_at(&v, pos, len, &e) == 1 && !e.flags; pos = e.next, e.flags = 0)
                if (h[e.off] == OPT_HAO && e.len == 2 + 16) {
                        memcpy(ret, h + e.off + 2, 16);
                        return true;
                }
        return false;
}

void
pkt_ip6_pseudo_addrs(struct pkt *p, unsigned ip6, unsigned idx, uint8_t ret[32])
{
        const uint8_t *h = p->data + p->layers[ip6].off;
        bool has_src = false;

        memcpy(ret, h + 8, 32);
        /* RFC 8200 allows one routing header; should there be more, the packet visits each one's
         * list in turn, so the last with segments left names the final destination (as scapy and
         * Wireshark take it). The first home address counts. */
        for (unsigned i = ip6 + 1; i < idx; i++) {
                const struct pkt_layer *l = &p->layers[i];
                const uint8_t *x = p->data + l->off;
                if (l->proto == PKT_PROTO_IP6_ROUTING)
                        (void)final_dst(x, l->hdr_len, h + 24, ret + 16);
                else if (l->proto == PKT_PROTO_IP6_DSTOPTS && !has_src)
                        has_src = home_addr(x, l->hdr_len, ret);
        }
}

static const struct pkt_field rt_rest_fields[] = {
        { .name = "data", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};

/* The bytes after the addresses, up to the header's end (SRH's TLVs, RFC 8754 2.1; RPL's padding;
 * another type's data): one element, so that every byte of the header is in one. */
static int
rt_rest_next(const struct pkt_view *v, struct pkt_elem *e)
{
        struct rt_layout lay;
        uint32_t hdr_len = ext_len(v), end = MIN(hdr_len, v->caplen);

        if (e->count > 0 || !rt_layout(v, hdr_len, &lay))
                return 0;
        uint32_t off = RT_HDR_LEN + (lay.n ? (lay.n - 1) * lay.size + lay.last_size : 0);
        if (off >= end)
                return 0;
        e->off = off;
        e->len = end - off;
        e->next = end;
        if (hdr_len > v->caplen)
                e->flags |= PKT_LAYER_TRUNCATED;
        return 1;
}

static const struct pkt_elem_set rt_elems[] = {
        { .name = "addresses", .elem_name = "address", .next = rt_addrs_next },
        { .name = "rest", .elem_name = "rest", .next = rt_rest_next, .fields = rt_rest_fields,
          .n_fields = ARRAY_SIZE(rt_rest_fields) },
};

static const struct pkt_key rt_carriers[] = {
        { PKT_KEY_IP_PROTO, 43 },
        PKT_KEY_END,
};

static const char *const rt_aliases[] = { "routing", NULL };

const struct pkt_proto pkt_proto_ip6_routing = {
        .name = "ip6routingheader",
        .aliases = rt_aliases,
        .summary = "IPv6 Routing header (RFC 8200 4.4, RFC 6554, RFC 8754)",
        .id = PKT_PROTO_IP6_ROUTING,
        .min_hdr_len = RT_HDR_LEN,
        .fields = rt_fields,
        .n_fields = ARRAY_SIZE(rt_fields),
        .elems = rt_elems,
        .n_elems = ARRAY_SIZE(rt_elems),
        .carriers = rt_carriers,
        .dissect = rt_dissect,
        .update = rt_update,
        .elem_build = rt_elem_build,
};

/* ---- fragment ---- */

/* clang-format off */
static const struct pkt_field frag_fields[] = {
        { .name = "nxt",             .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = pkt_ip_proto_names, .def = EXT_NXT_NONE },
        { .name = "resv",            .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "frag_off_resv_m", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "frag_off",        .off = 16, .bits = 13, .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "res",             .off = 29, .bits = 2,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "m_flag",          .off = 31, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "id",              .off = 32, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
/* clang-format on */

enum { F_FRAG_NXT };

static void
frag_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const uint8_t *h = v->b;
        uint16_t off_m = (uint16_t)(h[2] << 8 | h[3]);

        d->hdr_len = FRAG_HDR_LEN;
        /* The first fragment starts the upper header; the later ones carry only its continuation. */
        if ((off_m >> 3) == 0) {
                d->next = (uint16_t)pkt_key_lookup(PKT_KEY_IP_PROTO, h[0]);
                if (off_m & FRAG_MF)
                        d->flags |= PKT_DISSECT_PARTIAL;
        }
}

static int
frag_update(struct pkt *p, unsigned idx)
{
        return ext_update_nxt(p, idx, F_FRAG_NXT);
}

static const struct pkt_key frag_carriers[] = {
        { PKT_KEY_IP_PROTO, 44 },
        PKT_KEY_END,
};

static const char *const frag_aliases[] = { "fragment", NULL };

const struct pkt_proto pkt_proto_ip6_fragment = {
        .name = "ip6fragmentheader",
        .aliases = frag_aliases,
        .summary = "IPv6 Fragment header (RFC 8200 4.5)",
        .id = PKT_PROTO_IP6_FRAGMENT,
        .min_hdr_len = FRAG_HDR_LEN,
        .fields = frag_fields,
        .n_fields = ARRAY_SIZE(frag_fields),
        .carriers = frag_carriers,
        .dissect = frag_dissect,
        .update = frag_update,
        .not_dissected = "The payload of fragments other than the first stays raw (no "
                         "reassembly).",
};
