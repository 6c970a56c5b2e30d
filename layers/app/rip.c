/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RIP v1/v2 (RFC 1058, RFC 2453 4; simple password authentication RFC 2453 4.1; keyed MD5 RFC 4822).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |  command (1)  |  version (1)  |       must be zero (2)        |
 *  +---------------+---------------+-------------------------------+
 *  | Address Family Identifier (2) |        Route Tag (2)          |  route entry, 20 bytes,
 *  |                         IP Address (4)                        |  up to 25 of them
 *  |                         Subnet Mask (4)                       |
 *  |                         Next Hop (4)                          |
 *  |                         Metric (4)                            |
 *  +-------------------------------+-------------------------------+
 *  |             0xFFFF            |    Authentication Type (2)    |  authentication entry
 *  |                    Authentication (16)                        |
 *
 * The entries are pypacker's "rte_auth"; an entry whose family is 0xFFFF is authentication, with
 * "type" and its fields in place of the route fields: a password's "auth", keyed MD5's header (digest
 * offset, key id, data length, sequence number) and its trailer (type 1: the digest, to the end).
 * RIPv1 (RFC 1058) has zeros where v2 has route tag, mask and next hop; the same table reads both.
 */
#include <string.h>
#include <strings.h>

#include "forms.h"
#include "internal.h"

#define RIP_HDR_LEN 4
#define RIP_ENTRY_LEN 20
#define RIP_AUTH_FAMILY 0xffff
#define RIP_AUTH_TRAILER 1
#define RIP_AUTH_MD5 3
#define MD5_OFFSET_AT 4 /* the digest offset and the data length in a keyed-MD5 entry */
#define MD5_DATA_LEN_AT 7

/* clang-format off */
static const struct pkt_name rip_cmd_names[] = {
        { 1, "request" }, { 2, "response" }, { 0, NULL },
};

static const struct pkt_name rip_auth_names[] = {
        { 1, "trailer" }, { 2, "password" }, { 3, "md5" }, { 0, NULL },
};

static const struct pkt_field rip_fields[] = {
        { .name = "cmd",  .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .names = rip_cmd_names, .def = 1 },
        { .name = "v",    .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .def = 2 },
        { .name = "rsvd", .off = 16, .bits = 16, .type = PKT_FT_UINT },
};

static const struct pkt_field rip_entry_fields[] = {
        { .name = "family", .off = 0, .bits = 16, .type = PKT_FT_UINT },
};

/* Kind fields, after the family. */
static const struct pkt_field rte_fields[] = {
        { .name = "route_tag", .off = 0,   .bits = 16, .type = PKT_FT_UINT },
        { .name = "addr",      .off = 16,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "subnet",    .off = 48,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "next_hop",  .off = 80,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "metric",    .off = 112, .bits = 32, .type = PKT_FT_UINT },
};

/* Authentication entries by type: a password (RFC 2453 4.1; any other type alike), keyed MD5's
 * header (RFC 4822 2.1) and the trailer with its digest (RFC 4822 2.2). Names are tshark's. */
static const struct pkt_field auth_fields[] = {
        { .name = "type", .off = 0,  .bits = 16,  .type = PKT_FT_ENUM, .names = rip_auth_names },
        { .name = "auth", .off = 16, .bits = 128, .type = PKT_FT_STRING },
};
static const struct pkt_field md5_fields[] = {
        { .name = "type",          .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .names = rip_auth_names },
        { .name = "digest_offset", .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "key_id",        .off = 32, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "auth_data_len", .off = 40, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "seq_num",       .off = 48, .bits = 32, .type = PKT_FT_UINT },
        { .name = "zero_padding",  .off = 80, .bits = 64, .type = PKT_FT_BYTES },
};
static const struct pkt_field trailer_fields[] = {
        { .name = "type",                .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .names = rip_auth_names },
        { .name = "authentication_data", .off = 16, .bits = 0,  .type = PKT_FT_BYTES },
};
/* clang-format on */

/* The fields after the family of an entry of @family whose next 2 bytes are @type. */
static struct pkt_kind
entry_kind(uint16_t family, uint16_t type)
{
        if (family != RIP_AUTH_FAMILY)
                return PKT_KIND(rte_fields);
        if (type == RIP_AUTH_MD5)
                return PKT_KIND(md5_fields);
        return type == RIP_AUTH_TRAILER ? PKT_KIND(trailer_fields) : PKT_KIND(auth_fields);
}

/* RFC 4822 2.2: the authentication trailer, the last entry, whose data (a keyed digest of any
 * length) runs to the end of the message. */
static bool
is_trailer(const struct pkt_view *v, uint32_t pos)
{
        uint16_t family, type;

        return pkt_rd_be16(v, pos, &family) && family == RIP_AUTH_FAMILY && pkt_rd_be16(v, pos + 2, &type) &&
               type == RIP_AUTH_TRAILER;
}

/* Entries of 20 bytes to the end of the message (an authentication trailer takes the rest). A
 * cut-off last entry is truncated when the capture cut it and malformed when the message itself
 * ends inside it. */
static int
rip_entries_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? RIP_HDR_LEN : e->next, end = v->caplen;
        uint16_t family;

        if (pos >= end)
                return 0;
        e->off = pos;
        e->len = MIN(RIP_ENTRY_LEN, end - pos);
        if (is_trailer(v, pos))
                e->len = end - pos;
        e->next = pos + e->len;
        if (e->len < RIP_ENTRY_LEN)
                e->flags |= pos + RIP_ENTRY_LEN <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
        if (!pkt_rd_be16(v, pos, &family))
                return 1;
        e->data_off = 2;
        uint16_t type = 0;
        (void)pkt_rd_be16(v, pos + 2, &type);
        struct pkt_kind k = entry_kind(family, type);
        e->kind_fields = k.fields;
        e->n_kind_fields = k.n;
        return 1;
}

static const struct pkt_elem_set rip_elems[] = {
        { .name = "rte_auth", .elem_name = "rte", .next = rip_entries_next, .fields = rip_entry_fields,
          .n_fields = ARRAY_SIZE(rip_entry_fields) },
};

/* The message is the whole datagram; entries are 20 bytes, so any other length is malformed, unless
 * an authentication trailer takes the rest. Bounded: each step is 20 bytes. */
static void
rip_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t pos = RIP_HDR_LEN;

        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        while (pos < v->wire_len) {
                if (pos >= v->caplen || is_trailer(v, pos))
                        return; /* beyond the capture nothing can be told */
                if (RIP_ENTRY_LEN > v->wire_len - pos) {
                        d->flags |= PKT_LAYER_MALFORMED;
                        return;
                }
                pos += RIP_ENTRY_LEN;
        }
}

/* ---- building: "rte(addr=10.0.0.0,subnet=255.0.0.0,metric=1)", "auth(auth=\"pw\")",
 * "auth(type=md5,key_id=1,seq_num=5)", "auth(type=trailer,authentication_data=...)" ---- */

/* Why 8: more arguments than an entry has fields. */
#define RIP_ARGS_MAX 8

static const struct pkt_field *
entry_field(const char *key, struct pkt_kind k)
{
        for (size_t i = 0; i < k.n; i++)
                if (strcmp(k.fields[i].name, key) == 0)
                        return &k.fields[i];
        return NULL;
}

static int
rip_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
               size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[RIP_ARGS_MAX];
        char name[16];
        uint64_t u;
        int n, r;

        (void)v;
        (void)set;
        *ret_at = hdr_len;
        n = pkt_spec_split(text, name, sizeof(name), args, RIP_ARGS_MAX);
        if (n < 0)
                return n;
        /* An authentication entry by its name, or, as the JSON writer gives it, by its family. */
        const char *af = pkt_spec_arg(args, n, "family", -1);
        bool is_auth = strcasecmp(name, "auth") == 0 || (af && strtoul(af, NULL, 0) == RIP_AUTH_FAMILY);
        if (!is_auth && strcasecmp(name, "rte") != 0)
                return -EINVAL;
        /* RFC 2453 3.6: AF_INET (2) unless said otherwise; authentication is a simple password (RFC
         * 2453 4.1) unless its type says otherwise. */
        int type = is_auth ? pkt_spec_named(args, n, "type", rip_auth_names, UINT16_MAX, 2) : 0;
        if (type < 0)
                return type;
        struct pkt_kind k = entry_kind(is_auth ? RIP_AUTH_FAMILY : 2, (uint16_t)type);
        bool is_trailer = k.fields == trailer_fields;
        if (size < RIP_ENTRY_LEN)
                return -EMSGSIZE;
        memset(out, 0, RIP_ENTRY_LEN);
        out[0] = is_auth ? 0xff : 0;
        out[1] = is_auth ? 0xff : 2;
        out[2] = (uint8_t)(type >> 8);
        out[3] = (uint8_t)type;
        uint32_t len = is_trailer ? 4 : RIP_ENTRY_LEN;
        for (int i = 0; i < n; i++) {
                static const struct pkt_field family = PKT_U("family", 0, 16);
                const struct pkt_field *f = strcmp(args[i].key, "family") == 0 ? &family
                                                                                : entry_field(args[i].key, k);
                if (!f)
                        return -ENOENT;
                uint32_t at = f == &family ? 0 : 2 + f->off / 8u;
                /* Strings shorter than the field keep the zeros after them (RFC 2453 4.1); the trailer's
                 * data is as long as it is. */
                r = pkt_spec_value(f, args[i].value, &u, out + at, size - at);
                if (r < 0)
                        return r;
                if (f->bits == 0)
                        len = MAX(len, at + (uint32_t)r);
                else if (at + (uint32_t)r > RIP_ENTRY_LEN)
                        return -EMSGSIZE;
        }
        return (int)len;
}

/* RFC 4822 2.1: a keyed-MD5 entry's digest offset (where the trailer starts, from the message's start)
 * and authentication data length (the trailer's data), when left 0: a real one is never 0. */
static int
rip_update(struct pkt *p, unsigned idx)
{
        uint8_t *h = (p->flags & PKT_F_OWNED) ? pkt_layer_bytes_mut(p, idx) : NULL;
        uint32_t len = p->layers[idx].hdr_len, md5 = 0;

        if (!h)
                return 0;
        for (uint32_t pos = RIP_HDR_LEN; pos + 4 <= len; pos += RIP_ENTRY_LEN) {
                uint16_t family = pkt_load_be16(h + pos), type = pkt_load_be16(h + pos + 2);
                if (family == RIP_AUTH_FAMILY && type == RIP_AUTH_MD5 && pos + RIP_ENTRY_LEN <= len)
                        md5 = pos;
                if (family != RIP_AUTH_FAMILY || type != RIP_AUTH_TRAILER || !md5)
                        continue;
                if (h[md5 + MD5_OFFSET_AT] == 0 && h[md5 + MD5_OFFSET_AT + 1] == 0 && pos <= UINT16_MAX)
                        pkt_store_be16(h + md5 + MD5_OFFSET_AT, (uint16_t)pos);
                if (h[md5 + MD5_DATA_LEN_AT] == 0 && len - pos - 4 <= UINT8_MAX)
                        h[md5 + MD5_DATA_LEN_AT] = (uint8_t)(len - pos - 4);
                break;
        }
        return 0;
}

static const struct pkt_key rip_carriers[] = {
        { PKT_KEY_UDP_PORT, 520 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_rip = {
        .name = "rip",
        .summary = "Routing Information Protocol v1/v2 (RFC 2453)",
        .id = PKT_PROTO_RIP,
        .min_hdr_len = RIP_HDR_LEN,
        .fields = rip_fields,
        .n_fields = ARRAY_SIZE(rip_fields),
        .elems = rip_elems,
        .n_elems = ARRAY_SIZE(rip_elems),
        .carriers = rip_carriers,
        .dissect = rip_dissect,
        .update = rip_update,
        .elem_build = rip_elem_build,
};
