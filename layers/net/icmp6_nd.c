/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 neighbour discovery messages (RFC 4861 4) and their options (RFC 4861 4.6; RDNSS and
 * DNSSL RFC 8106), carried by ICMPv6 types 133-137. As in pypacker, each is a sub-layer of icmp6.
 *
 *   Router Solicitation (133)       Router Advertisement (134)
 *  +---------------------------+   +-------------+-+-+---------+---------------------+
 *  |         Reserved          |   | Cur Hop Lim |M|O|  Rsvd   |   Router Lifetime   |
 *  +---------------------------+   +-------------+-+-+---------+---------------------+
 *  |  Options ...                  |                 Reachable Time                  |
 *                                  |                  Retrans Timer                  |
 *                                  |  Options ...
 *
 *   Neighbour Solicitation (135)    Neighbour Advertisement (136)   Redirect (137)
 *  +---------------------------+   +-+-+-+---------------------+   +---------------------+
 *  |         Reserved          |   |R|S|O|      Reserved       |   |      Reserved       |
 *  +---------------------------+   +-+-+-+---------------------+   +---------------------+
 *  |  Target Address (16)      |   |  Target Address (16)      |   |  Target Address (16)|
 *  |  Options ...              |   |  Options ...              |   |  Destination (16)   |
 *                                                                  |  Options ...        |
 *
 *   Option:  +--------+--------+-----------------------
 *            |  Type  | Length |  data (Length x 8 - 2 bytes)
 *            +--------+--------+-----------------------
 *
 * The options run to the end of the message, so they are part of the header (pypacker's "opts").
 */
#include <string.h>

#include "internal.h"

#define ND_RS_LEN       4
#define ND_RA_LEN       12
#define ND_NS_LEN       20
#define ND_NA_LEN       20
#define ND_REDIRECT_LEN 36
#define ND_OPT_UNIT     8
/* The option's length byte counts 8-octet units, so no option exceeds 255 of them. */
#define ND_OPT_MAX (255 * ND_OPT_UNIT)

enum {
        ND_ROUTER_SOLICIT = 133,
        ND_ROUTER_ADVERT = 134,
        ND_NEIGHBOR_SOLICIT = 135,
        ND_NEIGHBOR_ADVERT = 136,
        ND_REDIRECT = 137,
};

enum {
        ND_OPT_SLLA = 1,
        ND_OPT_TLLA = 2,
        ND_OPT_PREFIX = 3,
        ND_OPT_REDIRECTED = 4,
        ND_OPT_MTU = 5,
        ND_OPT_RDNSS = 25,
        ND_OPT_DNSSL = 31,
};

/* clang-format off */
static const struct pkt_name nd_opt_names[] = {
        { ND_OPT_SLLA, "slla" }, { ND_OPT_TLLA, "tlla" }, { ND_OPT_PREFIX, "prefix" },
        { ND_OPT_REDIRECTED, "redirected" }, { ND_OPT_MTU, "mtu" }, { 7, "advinterval" },
        { 8, "hainfo" }, { 14, "nonce" }, { 24, "route" }, { ND_OPT_RDNSS, "rdnss" },
        { ND_OPT_DNSSL, "dnssl" }, { 38, "pref64" }, { 0, NULL },
};

static const struct pkt_name ra_flag_names[] = {
        { 0x80, "M" }, { 0x40, "O" }, { 0x20, "H" }, { 0x04, "P" }, { 0, NULL },
};

static const struct pkt_name na_flag_names[] = {
        { 0x80000000, "R" }, { 0x40000000, "S" }, { 0x20000000, "O" }, { 0, NULL },
};

static const struct pkt_name prefix_flag_names[] = {
        { 0x80, "L" }, { 0x40, "A" }, { 0x20, "R" }, { 0, NULL },
};

/* Every option: type, length in 8-octet units, then its data. */
static const struct pkt_field nd_opt_fields[] = {
        { .name = "type", .off = 0,  .bits = 8, .type = PKT_FT_ENUM, .names = nd_opt_names },
        { .name = "len",  .off = 8,  .bits = 8, .type = PKT_FT_UINT },
        { .name = "body", .off = 16, .bits = 0, .type = PKT_FT_BYTES },
};

/* Kind fields, from the byte after the length. */
static const struct pkt_field lla_fields[] = {
        { .name = "lladdr", .off = 0, .bits = 48, .type = PKT_FT_MAC },
};

static const struct pkt_field prefix_fields[] = {
        { .name = "prefix_len",         .off = 0,   .bits = 8,   .type = PKT_FT_UINT },
        { .name = "flags",              .off = 8,   .bits = 8,   .type = PKT_FT_FLAGS, .names = prefix_flag_names },
        { .name = "valid_lifetime",     .off = 16,  .bits = 32,  .type = PKT_FT_UINT },
        { .name = "preferred_lifetime", .off = 48,  .bits = 32,  .type = PKT_FT_UINT },
        { .name = "reserved",           .off = 80,  .bits = 32,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "prefix",             .off = 112, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field redirected_fields[] = {
        { .name = "reserved", .off = 0,  .bits = 48, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "packet",   .off = 48, .bits = 0,  .type = PKT_FT_BYTES },
};

static const struct pkt_field mtu_fields[] = {
        { .name = "reserved", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "mtu",      .off = 16, .bits = 32, .type = PKT_FT_UINT },
};

static const struct pkt_field rdnss_fields[] = {
        { .name = "reserved", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "lifetime", .off = 16, .bits = 32, .type = PKT_FT_UINT },
        { .name = "servers",  .off = 48, .bits = 0,  .type = PKT_FT_BYTES },
};

static const struct pkt_field dnssl_fields[] = {
        { .name = "reserved", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "lifetime", .off = 16, .bits = 32, .type = PKT_FT_UINT },
        { .name = "domains",  .off = 48, .bits = 0,  .type = PKT_FT_BYTES },
};

static const struct pkt_field rs_fields[] = {
        { .name = "reserved", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_field ra_fields[] = {
        { .name = "cur_hop_limit",   .off = 0,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "flags",           .off = 8,  .bits = 8,  .type = PKT_FT_FLAGS, .names = ra_flag_names },
        { .name = "router_lifetime", .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "reachable_time",  .off = 32, .bits = 32, .type = PKT_FT_UINT },
        { .name = "retrans_timer",   .off = 64, .bits = 32, .type = PKT_FT_UINT },
};

static const struct pkt_field ns_fields[] = {
        { .name = "reserved", .off = 0,  .bits = 32,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "target",   .off = 32, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field na_fields[] = {
        { .name = "flags",  .off = 0,  .bits = 32,  .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX, .names = na_flag_names },
        { .name = "target", .off = 32, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field redirect_fields[] = {
        { .name = "reserved", .off = 0,   .bits = 32,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "target",   .off = 32,  .bits = 128, .type = PKT_FT_IPV6 },
        { .name = "dst",      .off = 160, .bits = 128, .type = PKT_FT_IPV6 },
};
/* clang-format on */

struct nd_opt_kind {
        uint8_t type;
        uint8_t n_fields;
        const struct pkt_field *fields;
};

static const struct nd_opt_kind nd_opt_kinds[] = {
        { ND_OPT_SLLA, ARRAY_SIZE(lla_fields), lla_fields },
        { ND_OPT_TLLA, ARRAY_SIZE(lla_fields), lla_fields },
        { ND_OPT_PREFIX, ARRAY_SIZE(prefix_fields), prefix_fields },
        { ND_OPT_REDIRECTED, ARRAY_SIZE(redirected_fields), redirected_fields },
        { ND_OPT_MTU, ARRAY_SIZE(mtu_fields), mtu_fields },
        { ND_OPT_RDNSS, ARRAY_SIZE(rdnss_fields), rdnss_fields },
        { ND_OPT_DNSSL, ARRAY_SIZE(dnssl_fields), dnssl_fields },
};

static const struct nd_opt_kind *
kind_of(uint8_t type)
{
        for (unsigned i = 0; i < ARRAY_SIZE(nd_opt_kinds); i++)
                if (nd_opt_kinds[i].type == type)
                        return &nd_opt_kinds[i];
        return NULL;
}

/* Where the options start: after the fixed part of each message. */
static uint32_t
fixed_len(uint16_t proto)
{
        switch (proto) {
        case PKT_PROTO_ICMP6_ROUTER_SOLICIT:
                return ND_RS_LEN;
        case PKT_PROTO_ICMP6_ROUTER_ADVERT:
                return ND_RA_LEN;
        case PKT_PROTO_ICMP6_REDIRECT:
                return ND_REDIRECT_LEN;
        default:
                return ND_NS_LEN;
        }
}

/*
 * Options run from the end of the fixed part to the end of the message. RFC 4861 4.6: a length of 0
 * is invalid (and would never advance), so it makes a malformed element that ends the walk. An
 * option cut by the capture is truncated; one that claims more than the message holds is malformed.
 */
static int
nd_opts_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? fixed_len(v->proto) : e->next, end = v->caplen;

        if (pos >= end)
                return 0;
        e->off = pos;
        e->len = end - pos;
        e->next = end;
        if (end - pos < 2) {
                e->flags |= pos + 2 <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        uint32_t olen = (uint32_t)v->b[pos + 1] * ND_OPT_UNIT;
        if (olen == 0) {
                e->flags |= PKT_LAYER_MALFORMED;
                return 1;
        }
        e->data_off = 2;
        const struct nd_opt_kind *k = kind_of(v->b[pos]);
        if (k) {
                e->kind_fields = k->fields;
                e->n_kind_fields = k->n_fields;
        }
        if (olen > end - pos) {
                e->flags |= olen <= v->wire_len - pos ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        e->len = olen;
        e->next = pos + olen;
        return 1;
}

static const struct pkt_elem_set nd_elems[] = {
        { .name = "opts",
          .elem_name = "opt",
          .next = nd_opts_next,
          .fields = nd_opt_fields,
          .n_fields = ARRAY_SIZE(nd_opt_fields) },
};

/* The whole message is header (fixed part and options); a bad option makes the layer malformed. */
static void
nd_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        d->flags |= pkt_elems_damage(v, nd_opts_next);
}

/* ---- building options: "slla(02:00:00:00:00:01)", "prefix(prefix_len=64,flags=L|A,...)" ---- */

static int
opt_type(const char *name, uint8_t *ret)
{
        uint32_t v;

        /* No option has type 0 (RFC 4861 4.6). */
        if (pkt_name_value(nd_opt_names, name, 255, &v) < 0 || v == 0)
                return -EINVAL;
        *ret = (uint8_t)v;
        return 0;
}

static const struct pkt_field *
opt_field(const struct nd_opt_kind *k, const struct pkt_spec_arg *a, unsigned pos)
{
        static const struct pkt_field body = { .name = "body", .off = 0, .type = PKT_FT_BYTES };

        if (!a->key[0])
                return k ? (pos < k->n_fields ? &k->fields[pos] : NULL) : &body;
        if (strcmp(a->key, "body") == 0)
                return &body;
        for (unsigned i = 0; k && i < k->n_fields; i++)
                if (strcmp(k->fields[i].name, a->key) == 0)
                        return &k->fields[i];
        return NULL;
}

/* Bytes the fixed fields of kind @k need. */
static size_t
kind_min_len(const struct nd_opt_kind *k)
{
        size_t n = 0;

        for (unsigned i = 0; k && i < k->n_fields; i++)
                n = MAX(n, (size_t)(k->fields[i].off + k->fields[i].bits + 7u) / 8);
        return n;
}

/* Why 16: more arguments than any option kind has fields. */
#define ND_OPT_ARGS_MAX 16

static int
nd_opt_build(const char *text, uint8_t *out, size_t size)
{
        struct pkt_spec_arg args[ND_OPT_ARGS_MAX];
        char name[32];
        uint8_t type;
        int n, r;

        n = pkt_spec_split(text, name, sizeof(name), args, ND_OPT_ARGS_MAX);
        if (n < 0)
                return n;
        if ((r = opt_type(name, &type)) < 0)
                return r;
        size = MIN(size, (size_t)ND_OPT_MAX);
        const struct nd_opt_kind *k = kind_of(type);
        size_t len = 2 + kind_min_len(k);
        if (len > size)
                return -EMSGSIZE;
        memset(out, 0, size);
        for (int i = 0; i < n; i++) {
                const struct pkt_field *f = opt_field(k, &args[i], (unsigned)i);
                size_t at = 2 + (f ? f->off / 8u : 0);
                uint64_t u;
                if (!f)
                        return -ENOENT;
                if (at > size)
                        return -EMSGSIZE;
                r = pkt_spec_value(f, args[i].value, &u, out + at, size - at);
                if (r < 0)
                        return r;
                if (f->bits % 8)
                        pkt_bits_write(out + 2, f->off, f->bits, false, u);
                len = MAX(len, at + (size_t)r);
        }
        /* RFC 4861 4.6: the option fills whole 8-octet units; the padding is already zero. */
        len = (len + ND_OPT_UNIT - 1) / ND_OPT_UNIT * ND_OPT_UNIT;
        if (len > size)
                return -EMSGSIZE;
        out[0] = type;
        out[1] = (uint8_t)(len / ND_OPT_UNIT);
        return (int)len;
}

static int
nd_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
              uint8_t *out, size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return nd_opt_build(text, out, size);
}

static const struct pkt_key rs_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, ND_ROUTER_SOLICIT },
        PKT_KEY_END,
};
static const struct pkt_key ra_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, ND_ROUTER_ADVERT },
        PKT_KEY_END,
};
static const struct pkt_key ns_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, ND_NEIGHBOR_SOLICIT },
        PKT_KEY_END,
};
static const struct pkt_key na_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, ND_NEIGHBOR_ADVERT },
        PKT_KEY_END,
};
static const struct pkt_key redirect_carriers[] = {
        { PKT_KEY_ICMP6_TYPE, ND_REDIRECT },
        PKT_KEY_END,
};

#define ND_PROTO(name_, summary_, id_, len_, fields_, carriers_)                                   \
        {                                                                                          \
                .name = (name_), .summary = (summary_), .id = (id_), .min_hdr_len = (len_),        \
                .fields = (fields_), .n_fields = ARRAY_SIZE(fields_), .elems = nd_elems,           \
                .n_elems = ARRAY_SIZE(nd_elems), .carriers = (carriers_), .dissect = nd_dissect,   \
                .elem_build = nd_elem_build,                                                       \
        }

const struct pkt_proto pkt_proto_icmp6_router_solicit =
        ND_PROTO("routersolicitation", "ICMPv6 router solicitation (RFC 4861 4.1)",
                 PKT_PROTO_ICMP6_ROUTER_SOLICIT, ND_RS_LEN, rs_fields, rs_carriers);

const struct pkt_proto pkt_proto_icmp6_router_advert =
        ND_PROTO("routeradvertisement", "ICMPv6 router advertisement (RFC 4861 4.2)",
                 PKT_PROTO_ICMP6_ROUTER_ADVERT, ND_RA_LEN, ra_fields, ra_carriers);

const struct pkt_proto pkt_proto_icmp6_neigh_solicit =
        ND_PROTO("neighboursolicitation", "ICMPv6 neighbour solicitation (RFC 4861 4.3)",
                 PKT_PROTO_ICMP6_NEIGH_SOLICIT, ND_NS_LEN, ns_fields, ns_carriers);

const struct pkt_proto pkt_proto_icmp6_neigh_advert =
        ND_PROTO("neighbouradvertisement", "ICMPv6 neighbour advertisement (RFC 4861 4.4)",
                 PKT_PROTO_ICMP6_NEIGH_ADVERT, ND_NA_LEN, na_fields, na_carriers);

const struct pkt_proto pkt_proto_icmp6_redirect =
        ND_PROTO("redirect", "ICMPv6 redirect (RFC 4861 4.5)", PKT_PROTO_ICMP6_REDIRECT,
                 ND_REDIRECT_LEN, redirect_fields, redirect_carriers);
