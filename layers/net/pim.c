/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PIM version 2 (RFC 7761 4.9): the common header, hello with its options (4.9.2), register with
 * the inner packet (4.9.3), register-stop (4.9.4), join/prune (4.9.5) and assert (4.9.6) with the
 * encoded addresses of 4.9.1 (IPv4 or IPv6, told by each address's family byte), bootstrap and
 * candidate-RP advertisement (RFC 5059 4.2, 4.3). Other message types (graft, state refresh, DF
 * election...) keep their body as raw payload.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |PIM Ver| Type  |   Reserved    |           Checksum            |   pim
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          OptionType           |         OptionLength          |   pimhello: options ...
 *  |                          OptionValue ...                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |B|N|                       Reserved2                           |   pimregister
 *  |                     Multicast data packet ...                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * pypacker's PIM is the 4-byte header (v_type, rsvd, sum); the bodies are sub-layers chosen by the
 * type, those built of encoded addresses (RFC 7761 4.9.1) in pim_body.c. The checksum is the Internet
 * checksum of the whole message, except a register's, which covers its first 8 bytes only; over IPv6
 * it includes the pseudo-header (RFC 7761 4.9).
 */
#include <string.h>
#include <strings.h>

#include "internal.h"

#define PIM_HDR_LEN      4
#define PIM_REGISTER_LEN 4
#define PIM_OPT_HDR_LEN  4
#define IP_PROTO_PIM     103

enum {
        PIM_HELLO = 0,
        PIM_REGISTER = 1,
        PIM_REGISTER_STOP = 2,
        PIM_JOIN_PRUNE = 3,
        PIM_BOOTSTRAP = 4,
        PIM_ASSERT = 5,
        PIM_CRP_ADV = 8,
};


/* clang-format off */
static const struct pkt_name pim_type_names[] = {
        { 0, "HELLO" }, { 1, "REGISTER" }, { 2, "REGISTER_STOP" }, { 3, "JOIN_PRUNE" }, { 4, "BOOTSTRAP" },
        { 5, "ASSERT" }, { 6, "GRAFT" }, { 7, "GRAFT_ACK" }, { 8, "CANDIDATE_RP_ADV" }, { 9, "STATE_REFRESH" },
        { 10, "DF_ELECTION" }, { 0, NULL },
};

static const struct pkt_name pim_opt_names[] = {
        { 1, "HOLDTIME" }, { 2, "LAN_PRUNE_DELAY" }, { 19, "DR_PRIORITY" }, { 20, "GENERATION_ID" },
        { 21, "STATE_REFRESH" }, { 24, "ADDRESS_LIST" }, { 0, NULL },
};

static const struct pkt_field pim_fields[] = {
        { .name = "v_type", .off = 0,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x20 },
        { .name = "v",      .off = 0,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "type",   .off = 4,  .bits = 4,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART | PKT_FF_AUTO, .names = pim_type_names },
        { .name = "rsvd",   .off = 8,  .bits = 8,  .type = PKT_FT_BYTES },
        { .name = "sum",    .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
};

static const struct pkt_field opt_fields[] = {
        { .name = "type", .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .names = pim_opt_names },
        { .name = "len",  .off = 16, .bits = 16, .type = PKT_FT_UINT },
};

static const struct pkt_field holdtime_fields[] = {
        { .name = "holdtime", .off = 0, .bits = 16, .type = PKT_FT_UINT },
};

static const struct pkt_field prune_delay_fields[] = {
        { .name = "t",                 .off = 0,  .bits = 1,  .type = PKT_FT_UINT },
        { .name = "propagation_delay", .off = 1,  .bits = 15, .type = PKT_FT_UINT },
        { .name = "override_interval", .off = 16, .bits = 16, .type = PKT_FT_UINT },
};

static const struct pkt_field dr_priority_fields[] = {
        { .name = "dr_priority", .off = 0, .bits = 32, .type = PKT_FT_UINT },
};

static const struct pkt_field generation_id_fields[] = {
        { .name = "generation_id", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_field value_fields[] = {
        { .name = "value", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};

static const struct pkt_field register_fields[] = {
        { .name = "b",     .off = 0, .bits = 1,  .type = PKT_FT_UINT },
        { .name = "n",     .off = 1, .bits = 1,  .type = PKT_FT_UINT },
        { .name = "rsvd2", .off = 2, .bits = 30, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
/* clang-format on */

enum { F_V_TYPE, F_V, F_TYPE, F_RSVD, F_SUM };

struct opt_kind {
        uint16_t type;
        uint8_t n_fields;
        const struct pkt_field *fields;
};

static const struct opt_kind opt_kinds[] = {
        { 1, ARRAY_SIZE(holdtime_fields), holdtime_fields },
        { 2, ARRAY_SIZE(prune_delay_fields), prune_delay_fields },
        { 19, ARRAY_SIZE(dr_priority_fields), dr_priority_fields },
        { 20, ARRAY_SIZE(generation_id_fields), generation_id_fields },
};

static const struct opt_kind *
kind_of(uint16_t type)
{
        for (unsigned i = 0; i < ARRAY_SIZE(opt_kinds); i++)
                if (opt_kinds[i].type == type)
                        return &opt_kinds[i];
        return NULL;
}

static void
pim_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        if (v->b[0] >> 4 != 2)
                return; /* PIMv1 rides in IGMP; anything else here is opaque */
        if ((v->b[0] & 0xf) == PIM_HELLO)
                d->next = PKT_PROTO_PIM_HELLO;
        else if ((v->b[0] & 0xf) == PIM_REGISTER)
                d->next = PKT_PROTO_PIM_REGISTER;
        else if ((v->b[0] & 0xf) == PIM_REGISTER_STOP)
                d->next = PKT_PROTO_PIM_REGISTER_STOP;
        else if ((v->b[0] & 0xf) == PIM_JOIN_PRUNE)
                d->next = PKT_PROTO_PIM_JOIN_PRUNE;
        else if ((v->b[0] & 0xf) == PIM_ASSERT)
                d->next = PKT_PROTO_PIM_ASSERT;
        else if ((v->b[0] & 0xf) == PIM_BOOTSTRAP)
                d->next = PKT_PROTO_PIM_BOOTSTRAP;
        else if ((v->b[0] & 0xf) == PIM_CRP_ADV)
                d->next = PKT_PROTO_PIM_CRP_ADV;
}

/* The nearest IPv4 or IPv6 layer below @idx: which kind decides whether a pseudo-header is summed. */
static bool
is_over_ip6(struct pkt *p, unsigned idx)
{
        return pkt_layer_below(p, idx, PKT_PROTO_IP6) > pkt_layer_below(p, idx, PKT_PROTO_IP);
}

/* Body sub-layers beyond hello and register, and the type each one sets. */
static const struct {
        unsigned proto;
        uint8_t type;
} sub_types[] = {
        { PKT_PROTO_PIM_REGISTER_STOP, PIM_REGISTER_STOP },
        { PKT_PROTO_PIM_JOIN_PRUNE, PIM_JOIN_PRUNE },
        { PKT_PROTO_PIM_ASSERT, PIM_ASSERT },
        { PKT_PROTO_PIM_BOOTSTRAP, PIM_BOOTSTRAP },
        { PKT_PROTO_PIM_CRP_ADV, PIM_CRP_ADV },
};

static int
pim_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        unsigned sub = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        uint8_t *h = pkt_layer_bytes_mut(p, idx);
        uint32_t sum = 0, len = l->len;
        int r;

        if (sub == PKT_PROTO_PIM_HELLO && (h[0] & 0xf) != PIM_HELLO &&
            (r = pkt_auto_set(p, idx, F_TYPE, PIM_HELLO)) < 0)
                return r;
        if (sub == PKT_PROTO_PIM_REGISTER && (h[0] & 0xf) != PIM_REGISTER &&
            (r = pkt_auto_set(p, idx, F_TYPE, PIM_REGISTER)) < 0)
                return r;
        for (unsigned i = 0; i < ARRAY_SIZE(sub_types); i++)
                if (sub == sub_types[i].proto && (h[0] & 0xf) != sub_types[i].type &&
                    (r = pkt_auto_set(p, idx, F_TYPE, sub_types[i].type)) < 0)
                        return r;
        if (l->set_mask & (UINT64_C(1) << F_SUM))
                return 0;
        /* RFC 7761 4.9.3: a register's checksum leaves out the data packet it carries. */
        if ((h[0] & 0xf) == PIM_REGISTER)
                len = MIN(len, (uint32_t)(PIM_HDR_LEN + PIM_REGISTER_LEN));
        h[2] = h[3] = 0;
        if (is_over_ip6(p, idx) && pkt_csum_pseudo(p, idx, IP_PROTO_PIM, len, &sum) < 0)
                sum = 0;
        uint16_t c = pkt_csum_fold(pkt_csum_add(sum, h, len));
        h[2] = (uint8_t)(c >> 8);
        h[3] = (uint8_t)c;
        return 0;
}

/* Hello options (RFC 7761 4.9.2) run to the end of the message. */
static int
opts_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? 0 : e->next, end = v->caplen;

        if (pos >= end)
                return 0;
        e->off = pos;
        e->len = end - pos;
        e->next = end;
        if (end - pos < PIM_OPT_HDR_LEN) {
                e->flags |= pos + PIM_OPT_HDR_LEN <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        uint16_t type = (uint16_t)(v->b[pos] << 8 | v->b[pos + 1]);
        uint32_t olen = PIM_OPT_HDR_LEN + (uint32_t)(v->b[pos + 2] << 8 | v->b[pos + 3]);
        const struct opt_kind *k = kind_of(type);
        e->data_off = PIM_OPT_HDR_LEN;
        if (olen > PIM_OPT_HDR_LEN) {
                e->kind_fields = k ? k->fields : value_fields;
                e->n_kind_fields = k ? k->n_fields : ARRAY_SIZE(value_fields);
        }
        if (olen > end - pos) {
                e->flags |= olen <= v->wire_len - pos ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        e->len = olen;
        e->next = pos + olen;
        return 1;
}

static void
hello_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        d->flags |= pkt_elems_damage(v, opts_next);
}

static void
register_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint8_t ver;

        if (!pkt_rd_u8(v, PIM_REGISTER_LEN, &ver))
                return;
        if (ver >> 4 == 4)
                d->next = PKT_PROTO_IP;
        else if (ver >> 4 == 6)
                d->next = PKT_PROTO_IP6;
}

/* ---- building hello options: "holdtime(105)", "dr_priority(1)", "opt(type=24,value=c0000201)" ---- */

/* Why 8: more arguments than any option kind has fields. */
#define PIM_ARGS_MAX 8

static const struct pkt_field *
arg_field(const struct opt_kind *k, const struct pkt_spec_arg *a, int i)
{
        if (strcmp(a->key, "value") == 0 || (!k && !a->key[0]))
                return &value_fields[0];
        for (unsigned j = 0; k && j < k->n_fields; j++)
                if (strcmp(k->fields[j].name, a->key) == 0 || (!a->key[0] && (int)j == i))
                        return &k->fields[j];
        return NULL;
}

static int
opt_type_of(const char *name, struct pkt_spec_arg *args, int n, uint16_t *ret)
{
        for (const struct pkt_name *nm = pim_opt_names; nm->name; nm++)
                if (strcasecmp(nm->name, name) == 0) {
                        *ret = (uint16_t)nm->value;
                        return 0;
                }
        if (strcmp(name, "opt") != 0)
                return -EINVAL;
        for (int i = 0; i < n; i++)
                if (strcmp(args[i].key, "type") == 0) {
                        char *end;
                        unsigned long t = strtoul(args[i].value, &end, 0);
                        if (*end || t > 0xffff)
                                return -EINVAL;
                        *ret = (uint16_t)t;
                        strcpy(args[i].key, "-"); /* consumed: not a field */
                        return 0;
                }
        return -EINVAL;
}

static int
hello_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                 uint8_t *out, size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[PIM_ARGS_MAX];
        char name[32];
        uint16_t type;
        size_t len = PIM_OPT_HDR_LEN;
        int n, r;

        (void)v;
        (void)set;
        *ret_at = hdr_len;
        n = pkt_spec_split(text, name, sizeof(name), args, PIM_ARGS_MAX);
        if (n < 0)
                return n;
        if ((r = opt_type_of(name, args, n, &type)) < 0)
                return r;
        const struct opt_kind *k = kind_of(type);
        size = MIN(size, (size_t)0xffff + PIM_OPT_HDR_LEN);
        if (size < PIM_OPT_HDR_LEN)
                return -EMSGSIZE;
        memset(out, 0, size);
        for (unsigned j = 0; k && j < k->n_fields; j++)
                len = MAX(len, PIM_OPT_HDR_LEN + (k->fields[j].off + k->fields[j].bits + 7u) / 8);
        if (len > size)
                return -EMSGSIZE;
        for (int i = 0; i < n; i++) {
                if (strcmp(args[i].key, "-") == 0)
                        continue;
                const struct pkt_field *f = arg_field(k, &args[i], i);
                uint64_t u;
                if (!f)
                        return -EINVAL;
                size_t at = PIM_OPT_HDR_LEN + f->off / 8;
                r = pkt_spec_value(f, args[i].value, &u, out + at, size - at);
                if (r < 0)
                        return r;
                if (f->bits % 8)
                        pkt_bits_write(out + PIM_OPT_HDR_LEN, f->off, f->bits, false, u);
                len = MAX(len, at + (size_t)r);
        }
        out[0] = (uint8_t)(type >> 8);
        out[1] = (uint8_t)type;
        out[2] = (uint8_t)((len - PIM_OPT_HDR_LEN) >> 8);
        out[3] = (uint8_t)(len - PIM_OPT_HDR_LEN);
        return (int)len;
}

static const struct pkt_elem_set hello_elems[] = {
        { .name = "opts", .elem_name = "opt", .next = opts_next, .fields = opt_fields,
          .n_fields = ARRAY_SIZE(opt_fields) },
};

static const struct pkt_key pim_carriers[] = {
        { PKT_KEY_IP_PROTO, IP_PROTO_PIM },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_pim = {
        .name = "pim",
        .summary = "Protocol Independent Multicast v2 (RFC 7761)",
        .id = PKT_PROTO_PIM,
        .flags = PKT_P_CSUM_PAYLOAD | PKT_P_CSUM_PSEUDO,
        .min_hdr_len = PIM_HDR_LEN,
        .fields = pim_fields,
        .n_fields = ARRAY_SIZE(pim_fields),
        .carriers = pim_carriers,
        .dissect = pim_dissect,
        .update = pim_update,
        .not_dissected = "Graft, graft-ack, state refresh, DF election and other unlisted message"
                         " types keep their body raw.",
};

const struct pkt_proto pkt_proto_pimhello = {
        .name = "pimhello",
        .summary = "PIM hello: options (RFC 7761 4.9.2)",
        .id = PKT_PROTO_PIM_HELLO,
        .min_hdr_len = 0,
        .elems = hello_elems,
        .n_elems = ARRAY_SIZE(hello_elems),
        .dissect = hello_dissect,
        .elem_build = hello_elem_build,
};

const struct pkt_proto pkt_proto_pimregister = {
        .name = "pimregister",
        .summary = "PIM register: border and null-register bits, the data packet (RFC 7761 4.9.3)",
        .id = PKT_PROTO_PIM_REGISTER,
        .min_hdr_len = PIM_REGISTER_LEN,
        .fields = register_fields,
        .n_fields = ARRAY_SIZE(register_fields),
        .dissect = register_dissect,
};
