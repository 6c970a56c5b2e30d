/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NetBIOS Name Service (RFC 1002 4.2, UDP port 137): how Windows and Samba hosts register, find and
 * defend their names on a LAN, and what `nbtstat -A` and nmap's nbstat script ask.
 *
 *                                   1  1  1  1  1  1
 *     0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                    NAME_TRN_ID                |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   | R|   OPCODE  |AA|TC|RD|RA| 0| 0| B|   RCODE   |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |  QDCOUNT  |  ANCOUNT  |  NSCOUNT  |  ARCOUNT  |   16 bits each
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   | Question | Answer | Authority | Additional ... |
 *
 * It is DNS's message format, so the message and its sections are DNS's (dns.c), in this dialect: the
 * names are NetBIOS names (RFC 1001 14.1), shown as tshark shows them ("WORKGROUP<1d>"), and the
 * record types are NBNS's. Field and section names are our DNS layer's, which are pypacker's.
 *
 * An NB record lists (NB_FLAGS, NB_ADDRESS) entries: the first one's are fields, further ones (a
 * group name's members) are `more`. A WACK's NB record holds the request's header flags instead (RFC
 * 1002 4.2.16), read as `nb_flags`. A message built compresses its owner names as DNS does (RFC 1002
 * 4.2.1's label string pointers): a registration's record then points at its question's name, as
 * Windows and scapy's NBNSRegistrationRequest write it.
 */
#include "dns.h"
#include "internal.h"

enum { T_A = 1, T_NS = 2, T_NULL = 10, T_NB = 32, T_NBSTAT = 33 };
enum { RR_FIXED_LEN = 10, NB_ENTRY_LEN = 6, NBSTAT_NAME_LEN = 18, WACK_RDATA_LEN = 2 };

/* clang-format off */
static const struct pkt_name opcode_names[] = {
        { 0, "QUERY" }, { 5, "REGISTRATION" }, { 6, "RELEASE" }, { 7, "WACK" }, { 8, "REFRESH" },
        { 9, "REFRESH_ALT" }, { 15, "MULTIHOMED_REGISTRATION" }, { 0, NULL },
};

static const struct pkt_name rcode_names[] = {
        { 0, "NOERROR" }, { 1, "FMT_ERR" }, { 2, "SRV_ERR" }, { 3, "NAM_ERR" }, { 4, "IMP_ERR" },
        { 5, "RFS_ERR" }, { 6, "ACT_ERR" }, { 7, "CFT_ERR" }, { 0, NULL },
};

static const struct pkt_name type_names[] = {
        { T_A, "A" }, { T_NS, "NS" }, { T_NULL, "NULL" }, { T_NB, "NB" }, { T_NBSTAT, "NBSTAT" }, { 0, NULL },
};

static const struct pkt_name class_names[] = { { 1, "IN" }, { 0, NULL } };

/* The owner node's type (RFC 1002 4.2.1.3): broadcast, point-to-point, mixed; H is Microsoft's hybrid. */
static const struct pkt_name ont_names[] = {
        { 0, "B" }, { 1, "P" }, { 2, "M" }, { 3, "H" }, { 0, NULL },
};

static const struct pkt_field nbns_fields[] = {
        { .name = "id",               .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        /* A broadcast name query, as scapy's NBNSHeader makes by default. */
        { .name = "flags",            .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x0110 },
        { .name = "qr",               .off = 16, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "opcode",           .off = 17, .bits = 4,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = opcode_names },
        { .name = "aa",               .off = 21, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "tc",               .off = 22, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "rd",               .off = 23, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "ra",               .off = 24, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "z",                .off = 25, .bits = 2,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "b",                .off = 27, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "rcode",            .off = 28, .bits = 4,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = rcode_names },
        { .name = "questions_amount", .off = 32, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "answers_amount",   .off = 48, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "authrr_amount",    .off = 64, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "addrr_amount",     .off = 80, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};
enum { F_QDCOUNT = 11 };

static const struct pkt_field query_fields[] = {
        { .name = "name", .off = 0,              .bits = 0,  .type = PKT_FT_DNSNAME, .flags = PKT_FF_NETBIOS },
        { .name = "type", .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_ENUM, .names = type_names },
        { .name = "cls",  .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_ENUM, .names = class_names },
};

static const struct pkt_field rr_fields[] = {
        { .name = "name", .off = 0,              .bits = 0,  .type = PKT_FT_DNSNAME, .flags = PKT_FF_NETBIOS },
        { .name = "type", .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_ENUM, .names = type_names },
        { .name = "cls",  .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_ENUM, .names = class_names },
        { .name = "ttl",  .off = PKT_OFF_FOLLOW, .bits = 32, .type = PKT_FT_UINT },
        { .name = "dlen", .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_UINT },
};

/* Record data by type (RFC 1002 4.2.1.3, 4.2.18). NB_FLAGS: G (group name), ONT, reserved bits. */
static const struct pkt_field nb_kind[] = {
        { .name = "nb_flags", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "g",        .off = 0,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "ont",      .off = 1,  .bits = 2,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = ont_names },
        { .name = "addr",     .off = 16, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "more",     .off = 48, .type = PKT_FT_BYTES },
};
static const struct pkt_field nbstat_kind[] = {
        { .name = "num_names",  .off = 0, .bits = 8, .type = PKT_FT_UINT },
        { .name = "statistics", .off = 8, .type = PKT_FT_BYTES },
};
static const struct pkt_field ns_kind[] = {
        { .name = "nsd_name", .off = 0, .type = PKT_FT_DNSNAME },
};
static const struct pkt_field a_kind[] = {
        { .name = "nsd_ip_addr", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};
static const struct pkt_field rdata_kind[] = {
        { .name = "rdata", .off = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

static void
nbns_rr_kind(uint16_t type, uint32_t name_len, struct pkt_elem *e)
{
        switch (type) {
        case T_NB:
                e->kind_fields = nb_kind;
                e->n_kind_fields = ARRAY_SIZE(nb_kind);
                break;
        case T_NBSTAT:
                e->kind_fields = nbstat_kind;
                e->n_kind_fields = ARRAY_SIZE(nbstat_kind);
                break;
        case T_NS:
                e->kind_fields = ns_kind;
                e->n_kind_fields = ARRAY_SIZE(ns_kind);
                break;
        case T_A:
                e->kind_fields = a_kind;
                e->n_kind_fields = ARRAY_SIZE(a_kind);
                break;
        default:
                e->kind_fields = rdata_kind;
                e->n_kind_fields = ARRAY_SIZE(rdata_kind);
                break;
        }
        e->data_off = name_len + RR_FIXED_LEN;
}

/* NB data is whole entries (or a WACK's flags); NBSTAT's names fit; an NS name ends in its data;
 * an A address is four bytes. */
static int
nbns_rdata_check(const uint8_t *msg, uint32_t len, uint16_t type, uint32_t pos, uint32_t dlen)
{
        uint32_t name_len;
        int r;

        switch (type) {
        case T_NB:
                return dlen % NB_ENTRY_LEN == 0 || dlen == WACK_RDATA_LEN ? 0 : -EBADMSG;
        case T_NBSTAT:
                return dlen >= 1 && dlen - 1 >= (uint32_t)msg[pos] * NBSTAT_NAME_LEN ? 0 : -EBADMSG;
        case T_A:
                return dlen == 4 ? 0 : -EBADMSG;
        case T_NS:
                r = pkt_dnsname_check(msg, len, pos, &name_len);
                if (r < 0)
                        return r;
                return name_len == dlen ? 0 : -EBADMSG;
        default:
                return 0;
        }
}

static const struct dns_dialect nbns_dialect = {
        .query_fields = query_fields,
        .rr_fields = rr_fields,
        .qdcount_field = F_QDCOUNT,
        .default_type = T_NB,
        .rr_kind = nbns_rr_kind,
        .rdata_check = nbns_rdata_check,
};

static int
queries_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return dns_section_next(v, e, DNS_QD, &nbns_dialect);
}

static int
answers_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return dns_section_next(v, e, DNS_AN, &nbns_dialect);
}

static int
auths_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return dns_section_next(v, e, DNS_NS, &nbns_dialect);
}

static int
addrecords_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return dns_section_next(v, e, DNS_AR, &nbns_dialect);
}

static const struct pkt_elem_set nbns_elems[] = {
        [DNS_QD] = { .name = "queries", .elem_name = "query", .next = queries_next,
                     .fields = query_fields, .n_fields = ARRAY_SIZE(query_fields) },
        [DNS_AN] = { .name = "answers", .elem_name = "answer", .next = answers_next,
                     .fields = rr_fields, .n_fields = ARRAY_SIZE(rr_fields) },
        [DNS_NS] = { .name = "auths", .elem_name = "auth", .next = auths_next,
                     .fields = rr_fields, .n_fields = ARRAY_SIZE(rr_fields) },
        [DNS_AR] = { .name = "addrecords", .elem_name = "addrecord", .next = addrecords_next,
                     .fields = rr_fields, .n_fields = ARRAY_SIZE(rr_fields) },
};

/* As DNS's: the message is the datagram, and its records are walked when asked for. */
static void
nbns_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
}

/* Only a message being resized is rebuilt, as DNS's: a parsed one keeps its encoding. */
static int
nbns_update(struct pkt *p, unsigned idx)
{
        if (!(p->flags & PKT_F_RESIZED))
                return 0;
        return dns_compress(&nbns_dialect, p, idx, 0);
}

static bool
nbns_is_as_written(struct pkt *p, unsigned idx)
{
        return dns_is_compressible(&nbns_dialect, p, idx, 0);
}

static int
nbns_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                size_t size, uint32_t *ret_at)
{
        return dns_message_elem_build(&nbns_dialect, v, hdr_len, set, text, out, size, ret_at);
}

static int
nbns_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        return dns_message_elem_added(&nbns_dialect, p, idx, set);
}

static const struct pkt_key nbns_carriers[] = {
        { PKT_KEY_UDP_PORT, 137 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_nbns = {
        .name = "nbns",
        .summary = "NetBIOS Name Service (RFC 1002 4.2)",
        .id = PKT_PROTO_NBNS,
        .flags = PKT_P_LAZY_ELEMS,
        .min_hdr_len = DNS_HDR_LEN,
        .fields = nbns_fields,
        .n_fields = ARRAY_SIZE(nbns_fields),
        .elems = nbns_elems,
        .n_elems = ARRAY_SIZE(nbns_elems),
        .carriers = nbns_carriers,
        .dissect = nbns_dissect,
        .update = nbns_update,
        .encoding_switch = "compress",
        .is_as_written = nbns_is_as_written,
        .elem_build = nbns_elem_build,
        .elem_added = nbns_elem_added,
        .answers = dns_message_answers,
        .not_dissected = "An NBSTAT record's node names and statistics stay bytes (statistics); an NB record's "
                         "entries after the first are bytes (more).",
};
