/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OSPF packet bodies, sub-layers of ospf chosen by its version and type: version 2 (RFC 2328
 * A.3.2-A.3.6) and version 3 (RFC 5340 A.3.2-A.3.6), and the LSA header each version's elements share
 * (RFC 2328 A.4.1, RFC 5340 A.4.2).
 *
 *  Hello (1)                          Database Description (2)
 *  +-------------------------------+  +---------------+-------+-------+
 *  |         Network Mask          |  |  Interface MTU| Opts  |0|I|M|MS|
 *  +---------------+-------+-------+  +---------------+-------+-------+
 *  | HelloInterval | Opts  | Prio  |  |     DD sequence number        |
 *  +---------------+-------+-------+  +-------------------------------+
 *  |      RouterDeadInterval       |  |  LSA headers (20 bytes) ...   |
 *  |    Designated Router          |
 *  |    Backup Designated Router   |  LS Request (3): {LS type, Link State ID,
 *  |    Neighbor ...               |                    Advertising Router} ...
 *  +-------------------------------+  LS Update (4): # LSAs, LSAs ...
 *                                     LS Acknowledgment (5): LSA headers ...
 *  LSA header:
 *  +---------------+-------+-------+
 *  |    LS age     | Opts  |LS type|
 *  |         Link State ID         |
 *  |      Advertising Router       |
 *  |     LS sequence number        |
 *  |  LS checksum  |    length     |
 *  +---------------+---------------+
 *
 *  Version 3 (the same bodies without the network mask; options are 24 bits, the LSA type 16):
 *  Hello: Interface ID, Prio + Options, HelloInterval + RouterDeadInterval, DR, BDR, Neighbor IDs
 *  Database Description: 0 + Options, Interface MTU + 0 + I/M/MS, DD sequence number, LSA headers
 *  LS Request: {0, LS type (16), Link State ID, Advertising Router} ...
 *  LSA header: LS age, LS type (16), Link State ID, Advertising Router, sequence, checksum, length
 *
 * Each body is all header: its repeated part is an element set running to the end of the packet.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"

#define HELLO_LEN    20
#define DBDESC_LEN   8
#define DBDESC6_LEN  12
#define LSU_LEN      4
#define LSA_HDR_LEN  20
#define LSA_AGE_LEN  2          /* the LS age, which the checksum leaves out */
#define LSA_SUM_AT   16
#define LSA_LEN_AT   18
#define LSA_INITIAL_SEQ 0x80000001u /* RFC 2328 12.1.6: InitialSequenceNumber */
#define LSR_LEN      12
#define NEIGHBOR_LEN 4

/* clang-format off */
static const struct pkt_name ospf_opt_names[] = {
        { 0x80, "DN" }, { 0x40, "O" }, { 0x20, "DC" }, { 0x10, "L" }, { 0x08, "NP" }, { 0x04, "MC" },
        { 0x02, "E" }, { 0x01, "MT" }, { 0, NULL },
};

static const struct pkt_name dd_flag_names[] = {
        { 0x4, "I" }, { 0x2, "M" }, { 0x1, "MS" }, { 0, NULL },
};

static const struct pkt_name lsa_type_names[] = {
        { 1, "ROUTER" }, { 2, "NETWORK" }, { 3, "SUMMARY_NET" }, { 4, "SUMMARY_ASBR" }, { 5, "AS_EXTERNAL" },
        { 7, "NSSA" }, { 9, "OPAQUE_LINK" }, { 10, "OPAQUE_AREA" }, { 11, "OPAQUE_AS" }, { 0, NULL },
};

static const struct pkt_field hello_fields[] = {
        { .name = "mask",           .off = 0,   .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "hello_interval", .off = 32,  .bits = 16, .type = PKT_FT_UINT, .def = 10 },
        { .name = "options",        .off = 48,  .bits = 8,  .type = PKT_FT_FLAGS, .names = ospf_opt_names },
        { .name = "prio",           .off = 56,  .bits = 8,  .type = PKT_FT_UINT, .def = 1 },
        { .name = "dead_interval",  .off = 64,  .bits = 32, .type = PKT_FT_UINT, .def = 40 },
        { .name = "dr",             .off = 96,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "bdr",            .off = 128, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field neighbor_fields[] = {
        { .name = "neighbor", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field dbdesc_fields[] = {
        { .name = "mtu",     .off = 0,  .bits = 16, .type = PKT_FT_UINT, .def = 1500 },
        { .name = "options", .off = 16, .bits = 8,  .type = PKT_FT_FLAGS, .names = ospf_opt_names },
        { .name = "flags",   .off = 24, .bits = 8,  .type = PKT_FT_FLAGS, .names = dd_flag_names },
        { .name = "seq",     .off = 32, .bits = 32, .type = PKT_FT_UINT },
};

static const struct pkt_field lsa_fields[] = {
        { .name = "age",        .off = 0,   .bits = 16, .type = PKT_FT_UINT },
        { .name = "options",    .off = 16,  .bits = 8,  .type = PKT_FT_FLAGS, .names = ospf_opt_names },
        { .name = "type",       .off = 24,  .bits = 8,  .type = PKT_FT_ENUM, .names = lsa_type_names },
        { .name = "id",         .off = 32,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "adv_router", .off = 64,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "seq",        .off = 96,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = LSA_INITIAL_SEQ },
        { .name = "sum",        .off = 128, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "len",        .off = 144, .bits = 16, .type = PKT_FT_UINT },
};

/* An LSA's body after its header, shown as bytes. */
static const struct pkt_field lsa_body_fields[] = {
        { .name = "body", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};

static const struct pkt_field lsr_fields[] = {
        { .name = "type",       .off = 0,  .bits = 32, .type = PKT_FT_ENUM, .names = lsa_type_names },
        { .name = "id",         .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "adv_router", .off = 64, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field lsu_fields[] = {
        { .name = "nlsas", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};

/* Version 3 (RFC 5340 A.2; AF is RFC 5838's). */
static const struct pkt_name ospf6_opt_names[] = {
        { 0x100, "AF" }, { 0x20, "DC" }, { 0x10, "R" }, { 0x08, "N" }, { 0x04, "MC" }, { 0x02, "E" },
        { 0x01, "V6" }, { 0, NULL },
};

/* RFC 5340 A.4.2.1: the U and S bits and the function code. */
static const struct pkt_name lsa6_type_names[] = {
        { 0x2001, "ROUTER" }, { 0x2002, "NETWORK" }, { 0x2003, "INTER_AREA_PREFIX" },
        { 0x2004, "INTER_AREA_ROUTER" }, { 0x4005, "AS_EXTERNAL" }, { 0x2007, "NSSA" }, { 0x0008, "LINK" },
        { 0x2009, "INTRA_AREA_PREFIX" }, { 0, NULL },
};

static const struct pkt_field hello6_fields[] = {
        { .name = "interface_id",   .off = 0,   .bits = 32, .type = PKT_FT_UINT },
        { .name = "prio",           .off = 32,  .bits = 8,  .type = PKT_FT_UINT, .def = 1 },
        { .name = "options",        .off = 40,  .bits = 24, .type = PKT_FT_FLAGS, .names = ospf6_opt_names, .def = 0x13 },
        { .name = "hello_interval", .off = 64,  .bits = 16, .type = PKT_FT_UINT, .def = 10 },
        { .name = "dead_interval",  .off = 80,  .bits = 16, .type = PKT_FT_UINT, .def = 40 },
        { .name = "dr",             .off = 96,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "bdr",            .off = 128, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field dbdesc6_fields[] = {
        { .name = "options", .off = 8,  .bits = 24, .type = PKT_FT_FLAGS, .names = ospf6_opt_names, .def = 0x13 },
        { .name = "mtu",     .off = 32, .bits = 16, .type = PKT_FT_UINT, .def = 1500 },
        { .name = "flags",   .off = 56, .bits = 8,  .type = PKT_FT_FLAGS, .names = dd_flag_names },
        { .name = "seq",     .off = 64, .bits = 32, .type = PKT_FT_UINT },
};

static const struct pkt_field lsa6_fields[] = {
        { .name = "age",        .off = 0,   .bits = 16, .type = PKT_FT_UINT },
        { .name = "type",       .off = 16,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = lsa6_type_names },
        { .name = "id",         .off = 32,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "adv_router", .off = 64,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "seq",        .off = 96,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = LSA_INITIAL_SEQ },
        { .name = "sum",        .off = 128, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "len",        .off = 144, .bits = 16, .type = PKT_FT_UINT },
};

static const struct pkt_field lsr6_fields[] = {
        { .name = "type",       .off = 16, .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = lsa6_type_names },
        { .name = "id",         .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "adv_router", .off = 64, .bits = 32, .type = PKT_FT_IPV4 },
};
/* clang-format on */

/* Where each body's elements start. */
static uint32_t
first_elem(uint16_t proto)
{
        switch (proto) {
        case PKT_PROTO_OSPF_HELLO:
        case PKT_PROTO_OSPF6_HELLO:
                return HELLO_LEN;
        case PKT_PROTO_OSPF_DBDESC:
                return DBDESC_LEN;
        case PKT_PROTO_OSPF6_DBDESC:
                return DBDESC6_LEN;
        case PKT_PROTO_OSPF_LSU:
        case PKT_PROTO_OSPF6_LSU:
                return LSU_LEN;
        default:
                return 0;
        }
}

/* Fixed-size elements (neighbors, requests, LSA headers) from @first to the end of the body. */
static int
fixed_next(const struct pkt_view *v, struct pkt_elem *e, uint32_t size)
{
        uint32_t pos = e->count == 0 ? first_elem(v->proto) : e->next;

        if (pos >= v->caplen)
                return 0;
        e->off = pos;
        e->len = MIN(size, v->caplen - pos);
        e->next = pos + e->len;
        if (e->len < size)
                e->flags |= size <= v->wire_len - MIN(pos, v->wire_len) ? PKT_LAYER_TRUNCATED
                                                                        : PKT_LAYER_MALFORMED;
        return 1;
}

static int
neighbors_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return fixed_next(v, e, NEIGHBOR_LEN);
}

static int
lsa_hdrs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return fixed_next(v, e, LSA_HDR_LEN);
}

static int
lsr_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return fixed_next(v, e, LSR_LEN);
}

/* Whole LSAs (RFC 2328 A.4.1, RFC 5340 A.4.2): each says its length, header included; less than a
 * header is a lie. The length is in the same place in both versions. */
static int
lsas_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint16_t len;
        int r = fixed_next(v, e, LSA_HDR_LEN);

        if (r != 1 || e->flags)
                return r;
        if (!pkt_rd_be16(v, e->off + 18, &len) || len < LSA_HDR_LEN) {
                e->flags |= PKT_LAYER_MALFORMED;
                e->next = v->caplen;
                return 1;
        }
        if (len > v->caplen - e->off) {
                e->flags |= len <= v->wire_len - MIN(e->off, v->wire_len) ? PKT_LAYER_TRUNCATED
                                                                         : PKT_LAYER_MALFORMED;
                e->len = v->caplen - e->off;
                e->next = v->caplen;
                return 1;
        }
        e->len = len;
        e->next = e->off + len;
        if (len > LSA_HDR_LEN) {
                e->data_off = LSA_HDR_LEN;
                e->kind_fields = lsa_body_fields;
                e->n_kind_fields = ARRAY_SIZE(lsa_body_fields);
        }
        return 1;
}

/* The body runs to the end of the OSPF packet; a bad element makes it malformed. */
static void
body_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        bool is_lsu = v->proto == PKT_PROTO_OSPF_LSU || v->proto == PKT_PROTO_OSPF6_LSU;

        d->hdr_len = MAX(v->wire_len, first_elem(v->proto));
        d->payload_len = 0;
        if (is_lsu)
                d->flags |= pkt_elems_damage(v, lsas_next);
}

static int
lsu_update(struct pkt *p, unsigned idx)
{
        unsigned n = 0;

        if (!pkt_is_rebuilt(p))
                return 0;
        PKT_ELEM_FOREACH(p, idx, "lsas", e)
                n++;
        return pkt_auto_set(p, idx, 0, n);
}

/* ---- building: "neighbor(192.0.2.1)", "lsa(type=1,id=192.0.2.1,adv_router=192.0.2.1,seq=0x80000001)" */

/* Why 16: more arguments than any element here has fields. */
#define OSPF_ARGS_MAX 16

/* Encodes an element of @size bytes from its fields @fields at their offsets (a table may skip
 * reserved bits), given by name or in table order, the others their defaults. */
static int
build_fixed(const struct pkt_field *fields, unsigned n_fields, uint32_t size, const char *text, uint8_t *out,
            size_t cap)
{
        struct pkt_spec_arg args[OSPF_ARGS_MAX];
        char name[32];
        int n, r;

        n = pkt_spec_split(text, name, sizeof(name), args, OSPF_ARGS_MAX);
        if (n < 0)
                return n;
        if (cap < size)
                return -EMSGSIZE;
        memset(out, 0, size);
        for (unsigned k = 0; k < n_fields; k++)
                if (pkt_field_is_integer(&fields[k]) && fields[k].bits <= 64)
                        pkt_bits_write(out, fields[k].off, fields[k].bits, false, fields[k].def);
        for (int i = 0; i < n; i++) {
                const struct pkt_field *f = NULL;
                uint64_t u;
                for (unsigned k = 0; k < n_fields && args[i].key[0]; k++)
                        if (strcmp(fields[k].name, args[i].key) == 0)
                                f = &fields[k];
                if (!args[i].key[0] && (unsigned)i < n_fields)
                        f = &fields[i];
                if (!f)
                        return -EINVAL;
                r = pkt_spec_value(f, args[i].value, &u, out + f->off / 8, size - f->off / 8);
                if (r < 0)
                        return r;
        }
        return (int)size;
}

/* A whole LSA (a link state update's): its header from its fields, then its body's bytes
 * ("body=..."); its length the header's and the body's, unless given. */
static int
build_lsa(const struct pkt_field *fields, unsigned n_fields, const char *text, uint8_t *out, size_t cap)
{
        static const char *const body_key[] = { "body", NULL };
        struct pkt_spec_arg args[OSPF_ARGS_MAX], hdr[OSPF_ARGS_MAX];
        char name[32];
        uint64_t u;
        int n, m, r;

        if ((n = pkt_spec_split(text, name, sizeof(name), args, OSPF_ARGS_MAX)) < 0)
                return n;
        /* "lsa(...)" only: "1(body=...)" is an option's form, whose body would be the whole LSA. */
        if (strcasecmp(name, "lsa") != 0)
                return -EINVAL;
        if (cap < LSA_HDR_LEN)
                return -EMSGSIZE;
        m = pkt_spec_args_without(args, n, body_key, hdr);
        if ((r = pkt_spec_encode(fields, n_fields, hdr, m, out, LSA_HDR_LEN)) < 0)
                return r;
        uint32_t len = LSA_HDR_LEN;
        const char *body = pkt_spec_arg(args, n, "body", -1);
        if (body) {
                if ((r = pkt_spec_value(&lsa_body_fields[0], body, &u, out + LSA_HDR_LEN, cap - LSA_HDR_LEN)) < 0)
                        return r;
                len += (uint32_t)r;
        }
        if (len > UINT16_MAX)
                return -EMSGSIZE;
        if (!pkt_spec_arg(hdr, m, "len", -1))
                pkt_store_be16(out + LSA_LEN_AT, (uint16_t)len);
        /* RFC 2328 12.1.7 (RFC 5340 4.4.3 for OSPFv3): the Fletcher checksum of the whole LSA but
         * its age, over the bytes built (a given length may say otherwise). */
        if (!pkt_spec_arg(hdr, m, "sum", -1))
                pkt_store_be16(out + LSA_SUM_AT, pkt_fletcher_checkbytes(out + LSA_AGE_LEN, len - LSA_AGE_LEN,
                                                                         LSA_SUM_AT - LSA_AGE_LEN));
        return (int)len;
}

static int
body_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                size_t size, uint32_t *ret_at)
{
        int r;

        (void)set;
        *ret_at = hdr_len;
        switch (v->proto) {
        case PKT_PROTO_OSPF_HELLO:
        case PKT_PROTO_OSPF6_HELLO:
                return build_fixed(neighbor_fields, ARRAY_SIZE(neighbor_fields), NEIGHBOR_LEN, text, out,
                                   size);
        case PKT_PROTO_OSPF_LSR:
                return build_fixed(lsr_fields, ARRAY_SIZE(lsr_fields), LSR_LEN, text, out, size);
        case PKT_PROTO_OSPF6_LSR:
                return build_fixed(lsr6_fields, ARRAY_SIZE(lsr6_fields), LSR_LEN, text, out, size);
        case PKT_PROTO_OSPF_LSU:
                return build_lsa(lsa_fields, ARRAY_SIZE(lsa_fields), text, out, size);
        case PKT_PROTO_OSPF6_LSU:
                return build_lsa(lsa6_fields, ARRAY_SIZE(lsa6_fields), text, out, size);
        default:
                if (v->proto == PKT_PROTO_OSPF6_DBDESC || v->proto == PKT_PROTO_OSPF6_LSACK)
                        r = build_fixed(lsa6_fields, ARRAY_SIZE(lsa6_fields), LSA_HDR_LEN, text, out, size);
                else
                        r = build_fixed(lsa_fields, ARRAY_SIZE(lsa_fields), LSA_HDR_LEN, text, out, size);
                /* An LSA header alone: its length is the header's, unless given. */
                if (r > 0 && pkt_load_be16(out + LSA_LEN_AT) == 0)
                        pkt_store_be16(out + LSA_LEN_AT, LSA_HDR_LEN);
                return r;
        }
}

static const struct pkt_elem_set hello_elems[] = {
        { .name = "neighbors", .elem_name = "neighbor", .next = neighbors_next, .fields = neighbor_fields,
          .n_fields = ARRAY_SIZE(neighbor_fields) },
};

/* LSA headers listed without their LSAs (database description, link state acknowledgment): each
 * one's length is its LSA's, which the list does not carry, so a length given is kept. */
static const struct pkt_elem_set lsa_hdr_elems[] = {
        { .name = "lsas", .elem_name = "lsa", .next = lsa_hdrs_next, .fields = lsa_fields,
          .n_fields = ARRAY_SIZE(lsa_fields), .flags = PKT_ES_GIVEN_LENGTHS },
};

static const struct pkt_elem_set lsr_elems[] = {
        { .name = "requests", .elem_name = "request", .next = lsr_next, .fields = lsr_fields,
          .n_fields = ARRAY_SIZE(lsr_fields) },
};

static const struct pkt_elem_set lsu_elems[] = {
        { .name = "lsas", .elem_name = "lsa", .next = lsas_next, .fields = lsa_fields,
          .n_fields = ARRAY_SIZE(lsa_fields) },
};

static const struct pkt_elem_set lsa6_hdr_elems[] = {
        { .name = "lsas", .elem_name = "lsa", .next = lsa_hdrs_next, .fields = lsa6_fields,
          .n_fields = ARRAY_SIZE(lsa6_fields), .flags = PKT_ES_GIVEN_LENGTHS },
};

static const struct pkt_elem_set lsr6_elems[] = {
        { .name = "requests", .elem_name = "request", .next = lsr_next, .fields = lsr6_fields,
          .n_fields = ARRAY_SIZE(lsr6_fields) },
};

static const struct pkt_elem_set lsu6_elems[] = {
        { .name = "lsas", .elem_name = "lsa", .next = lsas_next, .fields = lsa6_fields,
          .n_fields = ARRAY_SIZE(lsa6_fields) },
};

#define OSPF_BODY(name_, summary_, id_, len_, fields_, n_fields_, elems_)                          \
        {                                                                                          \
                .name = (name_), .summary = (summary_), .id = (id_), .min_hdr_len = (len_),        \
                .fields = (fields_), .n_fields = (n_fields_), .elems = (elems_),                   \
                .n_elems = ARRAY_SIZE(elems_), .dissect = body_dissect,                            \
                .elem_build = body_elem_build,                                                     \
        }

const struct pkt_proto pkt_proto_ospfhello =
        OSPF_BODY("ospfhello", "OSPFv2 hello (RFC 2328 A.3.2)", PKT_PROTO_OSPF_HELLO, HELLO_LEN,
                  hello_fields, ARRAY_SIZE(hello_fields), hello_elems);

const struct pkt_proto pkt_proto_ospfdbdesc =
        OSPF_BODY("ospfdbdesc", "OSPFv2 database description (RFC 2328 A.3.3)", PKT_PROTO_OSPF_DBDESC,
                  DBDESC_LEN, dbdesc_fields, ARRAY_SIZE(dbdesc_fields), lsa_hdr_elems);

const struct pkt_proto pkt_proto_ospflsr =
        OSPF_BODY("ospflsr", "OSPFv2 link state request (RFC 2328 A.3.4)", PKT_PROTO_OSPF_LSR, 0, NULL, 0,
                  lsr_elems);

const struct pkt_proto pkt_proto_ospflsack =
        OSPF_BODY("ospflsack", "OSPFv2 link state acknowledgment (RFC 2328 A.3.6)", PKT_PROTO_OSPF_LSACK, 0,
                  NULL, 0, lsa_hdr_elems);

const struct pkt_proto pkt_proto_ospflsu = {
        .name = "ospflsu",
        .summary = "OSPFv2 link state update (RFC 2328 A.3.5)",
        .id = PKT_PROTO_OSPF_LSU,
        .min_hdr_len = LSU_LEN,
        .fields = lsu_fields,
        .n_fields = ARRAY_SIZE(lsu_fields),
        .elems = lsu_elems,
        .n_elems = ARRAY_SIZE(lsu_elems),
        .dissect = body_dissect,
        .update = lsu_update,
        .elem_build = body_elem_build,
        .not_dissected = "LSA bodies (router, network, summary, AS-external links) stay raw after"
                         " each LSA header.",
};

const struct pkt_proto pkt_proto_ospf6hello =
        OSPF_BODY("ospf6hello", "OSPFv3 hello (RFC 5340 A.3.2)", PKT_PROTO_OSPF6_HELLO, HELLO_LEN,
                  hello6_fields, ARRAY_SIZE(hello6_fields), hello_elems);

const struct pkt_proto pkt_proto_ospf6dbdesc =
        OSPF_BODY("ospf6dbdesc", "OSPFv3 database description (RFC 5340 A.3.3)", PKT_PROTO_OSPF6_DBDESC,
                  DBDESC6_LEN, dbdesc6_fields, ARRAY_SIZE(dbdesc6_fields), lsa6_hdr_elems);

const struct pkt_proto pkt_proto_ospf6lsr =
        OSPF_BODY("ospf6lsr", "OSPFv3 link state request (RFC 5340 A.3.4)", PKT_PROTO_OSPF6_LSR, 0, NULL, 0,
                  lsr6_elems);

const struct pkt_proto pkt_proto_ospf6lsack =
        OSPF_BODY("ospf6lsack", "OSPFv3 link state acknowledgment (RFC 5340 A.3.6)", PKT_PROTO_OSPF6_LSACK,
                  0, NULL, 0, lsa6_hdr_elems);

const struct pkt_proto pkt_proto_ospf6lsu = {
        .name = "ospf6lsu",
        .summary = "OSPFv3 link state update (RFC 5340 A.3.5)",
        .id = PKT_PROTO_OSPF6_LSU,
        .min_hdr_len = LSU_LEN,
        .fields = lsu_fields,
        .n_fields = ARRAY_SIZE(lsu_fields),
        .elems = lsu6_elems,
        .n_elems = ARRAY_SIZE(lsu6_elems),
        .dissect = body_dissect,
        .update = lsu_update,
        .elem_build = body_elem_build,
        .not_dissected = "LSA bodies (router, network, prefix, link LSAs) stay raw after each LSA header.",
};
