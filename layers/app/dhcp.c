/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCP/BOOTP (RFC 2131 2, RFC 951; options RFC 2132; relay agent information RFC 3046).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
 *  +---------------+---------------+---------------+---------------+
 *  |                            xid (4)                            |
 *  +-------------------------------+-------------------------------+
 *  |           secs (2)            |           flags (2)           |
 *  +-------------------------------+-------------------------------+
 *  |  ciaddr, yiaddr, siaddr, giaddr (4 each)                      |
 *  |  chaddr (16), sname (64), file (128)                          |
 *  +---------------------------------------------------------------+
 *  |  magic cookie 99.130.83.99 (4), then options                  |
 *
 * pypacker's names (hrd, hln, ... magic, opts). Options are code, length, data, except pad (0) and
 * end (255), which are one byte. The whole datagram is the message; options are read only after the
 * RFC 2131 3 magic cookie (a BOOTP vendor area without it stays opaque).
 */
#include <string.h>

#include "internal.h"

#define DHCP_FIXED_LEN 236
#define DHCP_HDR_LEN   240
#define DHCP_MAGIC     0x63825363u
#define OPT_PAD        0
#define OPT_END        255

/* clang-format off */
static const struct pkt_name dhcp_op_names[] = {
        { 1, "BOOTREQUEST" }, { 2, "BOOTREPLY" }, { 0, NULL },
};

static const struct pkt_name dhcp_flag_names[] = {
        { 0x8000, "BROADCAST" }, { 0, NULL },
};

/* RFC 2132 9.6, RFC 4388 6.1. */
static const struct pkt_name dhcp_msg_names[] = {
        { 1, "DISCOVER" }, { 2, "OFFER" }, { 3, "REQUEST" }, { 4, "DECLINE" }, { 5, "ACK" },
        { 6, "NAK" }, { 7, "RELEASE" }, { 8, "INFORM" }, { 9, "FORCERENEW" }, { 10, "LEASEQUERY" },
        { 0, NULL },
};

static const struct pkt_name dhcp_opt_names[] = {
        { 0, "pad" }, { 1, "subnet_mask" }, { 3, "router" }, { 6, "dns" }, { 12, "hostname" },
        { 15, "domain" }, { 28, "broadcast" }, { 42, "ntp" }, { 43, "vendor_specific" },
        { 50, "requested_ip" }, { 51, "lease_time" }, { 53, "msgtype" }, { 54, "server_id" },
        { 55, "param_req_list" }, { 56, "message" }, { 57, "max_msg_size" }, { 58, "renewal_time" },
        { 59, "rebinding_time" }, { 60, "vendor_class" }, { 61, "client_id" }, { 81, "client_fqdn" },
        { 82, "relay_agent_info" }, { 255, "end" }, { 0, NULL },
};

static const struct pkt_field dhcp_fields[] = {
        { .name = "op",     .off = 0,    .bits = 8,    .type = PKT_FT_ENUM, .names = dhcp_op_names, .def = 1 },
        { .name = "hrd",    .off = 8,    .bits = 8,    .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = 1 },
        { .name = "hln",    .off = 16,   .bits = 8,    .type = PKT_FT_UINT, .def = 6 },
        { .name = "hops",   .off = 24,   .bits = 8,    .type = PKT_FT_UINT },
        { .name = "xid",    .off = 32,   .bits = 32,   .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = 0x12345678 },
        { .name = "secs",   .off = 64,   .bits = 16,   .type = PKT_FT_UINT },
        { .name = "flags",  .off = 80,   .bits = 16,   .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX, .names = dhcp_flag_names },
        { .name = "ciaddr", .off = 96,   .bits = 32,   .type = PKT_FT_IPV4 },
        { .name = "yiaddr", .off = 128,  .bits = 32,   .type = PKT_FT_IPV4 },
        { .name = "siaddr", .off = 160,  .bits = 32,   .type = PKT_FT_IPV4 },
        { .name = "giaddr", .off = 192,  .bits = 32,   .type = PKT_FT_IPV4 },
        { .name = "chaddr", .off = 224,  .bits = 128,  .type = PKT_FT_BYTES },
        { .name = "sname",  .off = 352,  .bits = 512,  .type = PKT_FT_STRING },
        { .name = "file",   .off = 864,  .bits = 1024, .type = PKT_FT_STRING },
        { .name = "magic",  .off = 1888, .bits = 32,   .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = DHCP_MAGIC },
};

/* Every option: pypacker's DHCPOpt type, len, body_bytes (pad and end have only the type). */
static const struct pkt_field dhcp_opt_fields[] = {
        { .name = "type",       .off = 0,  .bits = 8, .type = PKT_FT_ENUM, .names = dhcp_opt_names },
        { .name = "len",        .off = 8,  .bits = 8, .type = PKT_FT_UINT },
        { .name = "body_bytes", .off = 16, .bits = 0, .type = PKT_FT_BYTES },
};

/* Kind fields, from the first data byte. */
static const struct pkt_field msgtype_fields[] = {
        { .name = "msgtype", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = dhcp_msg_names },
};
static const struct pkt_field addr_fields[] = {
        { .name = "addr", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};
static const struct pkt_field time_fields[] = { PKT_U("seconds", 0, 32) };
static const struct pkt_field size_fields[] = { PKT_U("size", 0, 16) };
static const struct pkt_field text_fields[] = {
        { .name = "text", .off = 0, .bits = 0, .type = PKT_FT_STRING },
};
static const struct pkt_field list_fields[] = {
        { .name = "list", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
/* RFC 2132 9.14: a type byte (an ARP hardware type, or 0) and the identifier. */
static const struct pkt_field client_id_fields[] = {
        { .name = "id_type", .off = 0, .bits = 8, .type = PKT_FT_UINT },
        { .name = "id",      .off = 8, .bits = 0, .type = PKT_FT_BYTES },
};
/* RFC 3046 2.0: sub-options, each code, length, data. */
static const struct pkt_field relay_fields[] = {
        { .name = "suboptions", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

struct opt_kind {
        uint8_t type;
        uint8_t n_fields;
        const struct pkt_field *fields;
};

#define KIND(t, f) { (t), ARRAY_SIZE(f), (f) }
static const struct opt_kind opt_kinds[] = {
        KIND(1, addr_fields),       KIND(3, addr_fields),      KIND(6, addr_fields),
        KIND(12, text_fields),      KIND(15, text_fields),     KIND(28, addr_fields),
        KIND(50, addr_fields),      KIND(51, time_fields),     KIND(53, msgtype_fields),
        KIND(54, addr_fields),      KIND(55, list_fields),     KIND(56, text_fields),
        KIND(57, size_fields),      KIND(58, time_fields),     KIND(59, time_fields),
        KIND(60, text_fields),      KIND(61, client_id_fields), KIND(82, relay_fields),
};

static const struct opt_kind *
kind_of(uint8_t type)
{
        for (size_t i = 0; i < ARRAY_SIZE(opt_kinds); i++)
                if (opt_kinds[i].type == type)
                        return &opt_kinds[i];
        return NULL;
}

static bool
has_magic(const struct pkt_view *v)
{
        uint32_t magic;

        return pkt_rd_be32(v, DHCP_FIXED_LEN, &magic) && magic == DHCP_MAGIC;
}

/*
 * Options from the cookie to the end of the message. RFC 2131 4.1: after the end option come only
 * pads, so the walk stops at end. An option whose length runs past the message is malformed (or
 * truncated when the capture cut it) and ends the walk; each step advances at least one byte.
 */
static int
dhcp_opts_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? DHCP_HDR_LEN : e->next, end = v->caplen;

        if (pos >= end || (e->count == 0 && !has_magic(v)))
                return 0;
        uint8_t type = v->b[pos];
        e->off = pos;
        e->len = 1;
        e->next = type == OPT_END ? end : pos + 1;
        if (type == OPT_PAD || type == OPT_END)
                return 1;
        e->len = end - pos;
        e->next = end;
        if (pos + 2 > end) {
                e->flags |= pos + 2 <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        uint32_t olen = 2u + v->b[pos + 1];
        e->data_off = 2;
        const struct opt_kind *k = kind_of(type);
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

static const struct pkt_elem_set dhcp_elems[] = {
        { .name = "opts", .elem_name = "opt", .next = dhcp_opts_next, .fields = dhcp_opt_fields,
          .n_fields = ARRAY_SIZE(dhcp_opt_fields) },
};

/* The message is the whole datagram; an option that runs past it makes the layer malformed. */
static void
dhcp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        struct pkt_elem e = { 0 };

        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        /* Bounded: every element advances at least one byte or ends the walk. */
        while (dhcp_opts_next(v, &e) == 1) {
                e.count++;
                if (e.flags & PKT_LAYER_MALFORMED)
                        d->flags |= PKT_LAYER_MALFORMED;
                if (e.flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED))
                        break;
                if (v->b[e.off] == OPT_END) {
                        /* Only pad may follow (RFC 2131 4.1): the layer's trailer, as tshark shows
                         * it apart ("Padding"), and JSON carries it back. */
                        d->hdr_len = e.off + 1;
                        break;
                }
        }
}

/* ---- building: "msgtype(DISCOVER)", "hostname(text=\"pc\")", "requested_ip(192.0.2.7)", "end",
 * and the form the JSON writer gives, "opt(type=50,len=4,body_bytes=c0000207,addr=192.0.2.7)" ---- */

/* Why 8: more arguments than any option kind has fields, with type, len and body_bytes. */
#define DHCP_ARGS_MAX 8

static bool
is_body(const char *key)
{
        return strcmp(key, "body_bytes") == 0 || strcmp(key, "body") == 0;
}

/* The value's bytes: "body_bytes" when given (the kind's fields read those same bytes, so they are
 * not written again), else each argument as its kind's field, by name or in order. */
static int
opt_value(const struct opt_kind *k, const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        static const struct pkt_field body = { .name = "body_bytes", .type = PKT_FT_BYTES };
        const char *given = NULL;
        size_t len = 0;
        uint64_t u;
        int r;

        for (int i = 0; i < n; i++)
                if (is_body(args[i].key) || (!args[i].key[0] && !k))
                        given = args[i].value;
        if (given)
                return pkt_spec_value(&body, given, &u, out, size);
        for (int i = 0; i < n; i++) {
                const struct pkt_field *f = NULL;
                if (strcmp(args[i].key, "type") == 0 || strcmp(args[i].key, "len") == 0)
                        continue;
                for (unsigned j = 0; k && j < k->n_fields; j++)
                        if (args[i].key[0] ? strcmp(k->fields[j].name, args[i].key) == 0 : (int)j == i)
                                f = &k->fields[j];
                if (!f)
                        return -ENOENT;
                if ((r = pkt_spec_value(f, args[i].value, &u, out + len, size - len)) < 0)
                        return r;
                len += (size_t)r;
        }
        return (int)len;
}

static int
dhcp_opt_build(const char *text, uint8_t *out, size_t size)
{
        struct pkt_spec_arg args[DHCP_ARGS_MAX];
        char name[32];
        uint32_t type, len;
        int n, r;

        n = pkt_spec_split(text, name, sizeof(name), args, DHCP_ARGS_MAX);
        if (n < 0)
                return n;
        const char *type_text = strcmp(name, "opt") == 0 ? pkt_spec_arg(args, n, "type", -1) : name;
        if (!type_text)
                return -EINVAL;
        if ((r = pkt_name_value(dhcp_opt_names, type_text, 255, &type)) < 0)
                return r;
        if (size < 2)
                return -EMSGSIZE;
        out[0] = (uint8_t)type;
        if (type == OPT_PAD || type == OPT_END)
                return n == (type_text == name ? 0 : 1) ? 1 : -EINVAL;
        if ((r = opt_value(kind_of((uint8_t)type), args, n, out + 2, size - 2)) < 0)
                return r;
        len = (uint32_t)r;
        const char *given = pkt_spec_arg(args, n, "len", -1);
        if (len > 255 || (given && pkt_name_value(NULL, given, 255, &len) < 0))
                return len > 255 ? -EMSGSIZE : -EINVAL;
        out[1] = (uint8_t)len;
        return r + 2;
}

static int
dhcp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return dhcp_opt_build(text, out, size);
}

/* Server and client ports (RFC 2131 4.1), and PXE's proxy DHCP port (4011), as tshark has them. */
static const struct pkt_key dhcp_carriers[] = {
        { PKT_KEY_UDP_PORT, 67 },
        { PKT_KEY_UDP_PORT, 68 },
        { PKT_KEY_UDP_PORT, 4011 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_dhcp = {
        .name = "dhcp",
        .summary = "Dynamic Host Configuration Protocol / BOOTP (RFC 2131)",
        .id = PKT_PROTO_DHCP,
        .min_hdr_len = DHCP_HDR_LEN,
        .fields = dhcp_fields,
        .n_fields = ARRAY_SIZE(dhcp_fields),
        .elems = dhcp_elems,
        .n_elems = ARRAY_SIZE(dhcp_elems),
        .carriers = dhcp_carriers,
        .dissect = dhcp_dissect,
        .elem_build = dhcp_elem_build,
        .not_dissected = "Sub-options (relay agent information, vendor-specific) stay option "
                         "bytes; options overloaded into sname/file (option 52) are not read.",
};
