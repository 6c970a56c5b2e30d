/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IS-IS TLVs (ISO/IEC 10589 9, RFC 1195, RFC 5305, 5308, 5303, 5301, 5306, 7981): what every PDU
 * sub-layer of isis.c carries after its fixed fields, read and built by kind from a table of forms;
 * a value that fits no form of its type is bytes. A list TLV keeps its first entry as fields and
 * the rest in `more`; the entries that matter one by one are element sets of their own: LSP entries
 * of sequence number PDUs ("lsps"), and an LSP's reachability ("is_reach", "ip_reach", "ip6_reach",
 * "is_reach_narrow", "ip_reach_narrow").
 */
#include <string.h>

#include "forms.h"
#include "isis.h"
#include "tlv16.h"

#define TLV_HDR_LEN   2
#define LSP_ENTRY_LEN 16
#define IS_REACH_FIXED      11   /* neighbour (7), metric (3), sub-TLV length (1) */
#define IP_REACH_FIXED      5    /* metric (4), control byte (1) */
#define IP_REACH_SUBTLVS    0x40 /* control byte: sub-TLVs follow the prefix */
#define IS_REACH_NARROW_LEN 11   /* metrics (4), neighbour (7) */
#define IP_REACH_NARROW_LEN 12   /* metrics (4), prefix (4), mask (4) */
/* The TLVs whose entries are listed one by one. */
#define T_IS_REACH          2
#define T_IP_INTERNAL_REACH 128
#define T_IP_EXTERNAL_REACH 130
#define T_IP6_REACH         236
#define IP6_REACH_FIXED     6    /* metric (4), control byte (1), prefix length (1) */
#define IP6_REACH_SUBTLVS   0x20 /* control byte: sub-TLVs follow the prefix */
#define T_LSP_ENTRIES       9
#define T_EXT_IS_REACH      22
#define T_EXT_IP_REACH      135

/* clang-format off */
static const struct pkt_name tlv_names[] = {
        { 1, "area_addresses" }, { 2, "is_reachability" }, { 6, "is_neighbors" }, { 8, "padding" },
        { 9, "lsp_entries" }, { 10, "authentication" }, { 12, "optional_checksum" },
        { 22, "extended_is_reachability" }, { 128, "ip_internal_reachability" },
        { 129, "protocols_supported" }, { 130, "ip_external_reachability" },
        { 132, "ip_interface_address" }, { 134, "te_router_id" }, { 135, "extended_ip_reachability" },
        { 137, "hostname" }, { 144, "mt_capability" }, { 211, "restart" },
        { 222, "mt_is_reachability" }, { 229, "multi_topology" }, { 232, "ipv6_interface_address" }, { 235, "mt_ip_reachability" }, { 236, "ipv6_reachability" },
        { 237, "mt_ipv6_reachability" }, { 240, "p2p_adjacency_state" }, { 242, "router_capability" },
        { 0, NULL },
};

static const struct pkt_field tlv_fields[] = {
        { .name = "type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = tlv_names },
        PKT_U("len", 8, 8),
};

static const struct pkt_name auth_type_names[] = {
        { 1, "CLEARTEXT" }, { 3, "GENERIC" }, { 54, "HMAC_MD5" }, { 0, NULL },
};

static const struct pkt_name adjacency_names[] = {
        { 0, "UP" }, { 1, "INITIALIZING" }, { 2, "DOWN" }, { 0, NULL },
};

static const struct pkt_name restart_flag_names[] = {
        { 0x01, "RR" }, { 0x02, "RA" }, { 0x04, "SA" }, { 0, NULL },
};

#define MORE(at) { .name = "more", .off = (at), .type = PKT_FT_BYTES }

static const struct pkt_field bytes_kind[] = { { .name = "value", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field areas_kind[] = {
        PKT_U("area_len", 0, 8), { .name = "area", .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES, .flags = PKT_FF_COUNTED },
        { .name = "more", .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES },
};
/* Narrow metrics (ISO/IEC 10589 9.8, RFC 1195 5): default, delay, expense and error, a byte each: a
 * 6-bit metric, I/E (internal or external), and at the top "not supported" (S) for the last three,
 * up/down for the default (RFC 2966; reserved in IS neighbour entries). */
#define METRIC(name, at) PKT_U(name "_s", (at), 1), PKT_U(name "_ie", (at) + 1, 1), PKT_U(name "_metric", (at) + 2, 6)
#define METRICS(at) PKT_U("updown", (at), 1), PKT_U("default_ie", (at) + 1, 1), PKT_U("default_metric", (at) + 2, 6), \
        METRIC("delay", (at) + 8), METRIC("expense", (at) + 16), METRIC("error", (at) + 24)
static const struct pkt_field is_reach_kind[] = {
        PKT_U("virtual", 0, 8), METRICS(8),
        { .name = "neighbor", .off = 40, .bits = 56, .type = PKT_FT_BYTES }, MORE(96),
};
static const struct pkt_field is_reach_narrow_kind[] = {
        METRICS(0), { .name = "neighbor", .off = 32, .bits = 56, .type = PKT_FT_BYTES },
};
static const struct pkt_field ip_reach_narrow_kind[] = {
        METRICS(0),
        { .name = "prefix", .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "mask", .off = 64, .bits = 32, .type = PKT_FT_IPV4 },
};
static const struct pkt_field neighbors_kind[] = {
        { .name = "neighbor", .off = 0, .bits = 48, .type = PKT_FT_MAC }, MORE(48),
};
static const struct pkt_field lsp_entry_kind[] = {
        PKT_U("lifetime", 0, 16),
        { .name = "lspid", .off = 16, .bits = 64, .type = PKT_FT_BYTES },
        { .name = "seqnum", .off = 80, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "checksum", .off = 112, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field is_reach_entry_kind[] = {
        { .name = "neighbor", .off = 0, .bits = 56, .type = PKT_FT_BYTES },
        PKT_U("metric", 56, 24), PKT_U("subtlv_len", 80, 8),
        { .name = "subtlvs", .off = 88, .type = PKT_FT_BYTES },
};
#define IP_REACH_HEAD PKT_U("metric", 0, 32), PKT_U("updown", 32, 1), PKT_U("s", 33, 1), PKT_U("prefix_len", 34, 6)
#define IP_REACH_PREFIX(n) { .name = "prefix", .off = 40, .bits = 8 * (n), .type = PKT_FT_BYTES }
#define IP_REACH_SUBTLVS_AT(n) { .name = "subtlvs", .off = 40 + 8 * (n), .type = PKT_FT_BYTES }
static const struct pkt_field ip_reach0_kind[] = { IP_REACH_HEAD, IP_REACH_SUBTLVS_AT(0) };
static const struct pkt_field ip_reach1_kind[] = { IP_REACH_HEAD, IP_REACH_PREFIX(1), IP_REACH_SUBTLVS_AT(1) };
static const struct pkt_field ip_reach2_kind[] = { IP_REACH_HEAD, IP_REACH_PREFIX(2), IP_REACH_SUBTLVS_AT(2) };
static const struct pkt_field ip_reach3_kind[] = { IP_REACH_HEAD, IP_REACH_PREFIX(3), IP_REACH_SUBTLVS_AT(3) };
static const struct pkt_field ip_reach4_kind[] = { IP_REACH_HEAD, IP_REACH_PREFIX(4), IP_REACH_SUBTLVS_AT(4) };
/* RFC 5308 2: the metric; up/down, external and sub-TLVs present; the prefix length in a byte of its
 * own; the prefix in as few bytes as its length needs (a kind per byte count), then the sub-TLVs. */
#define IP6_REACH_HEAD PKT_U("metric", 0, 32), PKT_U("updown", 32, 1), PKT_U("external", 33, 1), \
        PKT_U("s", 34, 1), PKT_U("reserved", 35, 5), PKT_U("prefix_len", 40, 8)
#define IP6_REACH_KIND(n) \
        static const struct pkt_field ip6_reach##n##_kind[] = { IP6_REACH_HEAD, \
                { .name = "prefix", .off = 48, .bits = 8 * (n), .type = PKT_FT_BYTES }, \
                { .name = "subtlvs", .off = 48 + 8 * (n), .type = PKT_FT_BYTES } }
static const struct pkt_field ip6_reach0_kind[] = { IP6_REACH_HEAD, { .name = "subtlvs", .off = 48, .type = PKT_FT_BYTES } };
IP6_REACH_KIND(1); IP6_REACH_KIND(2); IP6_REACH_KIND(3); IP6_REACH_KIND(4); IP6_REACH_KIND(5); IP6_REACH_KIND(6);
IP6_REACH_KIND(7); IP6_REACH_KIND(8); IP6_REACH_KIND(9); IP6_REACH_KIND(10); IP6_REACH_KIND(11); IP6_REACH_KIND(12);
IP6_REACH_KIND(13); IP6_REACH_KIND(14); IP6_REACH_KIND(15); IP6_REACH_KIND(16);
static const struct pkt_field ip6_reach_first_kind[] = { IP6_REACH_HEAD, MORE(48) };
static const struct pkt_field lsp_entries_kind[] = {
        PKT_U("lifetime", 0, 16),
        { .name = "lspid", .off = 16, .bits = 64, .type = PKT_FT_BYTES },
        { .name = "seqnum", .off = 80, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "checksum", .off = 112, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        MORE(128),
};
static const struct pkt_field auth_kind[] = {
        { .name = "auth_type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = auth_type_names, .def = 1 },
        { .name = "auth", .off = 8, .type = PKT_FT_BYTES },
};
static const struct pkt_field checksum_kind[] = {
        { .name = "checksum", .off = 0, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field ext_is_reach_kind[] = {
        { .name = "neighbor", .off = 0, .bits = 56, .type = PKT_FT_BYTES },
        PKT_U("metric", 56, 24), PKT_U("subtlv_len", 80, 8), MORE(88),
};
static const struct pkt_field ip_reach_kind[] = {
        METRICS(0),
        { .name = "prefix", .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "mask", .off = 64, .bits = 32, .type = PKT_FT_IPV4 }, MORE(96),
};
static const struct pkt_field nlpids_kind[] = {
        { .name = "nlpid", .off = 0, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = 0xcc }, MORE(8),
};
static const struct pkt_field ip_addr_kind[] = {
        { .name = "addr", .off = 0, .bits = 32, .type = PKT_FT_IPV4 }, MORE(32),
};
static const struct pkt_field router_id_kind[] = {
        { .name = "router_id", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};
/* RFC 5305 4: the metric, up/down, sub-TLVs present and the prefix length in one byte, then the
 * prefix in as few bytes as its length needs: the first entry's are fixed, the prefix is in more. */
static const struct pkt_field ext_ip_reach_kind[] = {
        PKT_U("metric", 0, 32), PKT_U("updown", 32, 1), PKT_U("subtlvs", 33, 1), PKT_U("prefix_len", 34, 6),
        MORE(40),
};
/* RFC 6329 3: the topology's overload bit and ID, then sub-TLVs (SPB). */
static const struct pkt_field mt_capability_kind[] = {
        PKT_U("overload", 0, 1), PKT_U("reserved", 1, 3), PKT_U("mtid", 4, 12), MORE(16),
};
static const struct pkt_field hostname_kind[] = { { .name = "name", .off = 0, .type = PKT_FT_STRING } };
static const struct pkt_field restart_kind[] = {
        { .name = "flags", .off = 0, .bits = 8, .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX, .names = restart_flag_names },
        MORE(8),
};
static const struct pkt_field ip6_addr_kind[] = {
        { .name = "addr", .off = 0, .bits = 128, .type = PKT_FT_IPV6 }, MORE(128),
};
/* RFC 5303 3.1: the state, then optionally the extended local circuit ID, the neighbour's system ID
 * and its extended local circuit ID. */
static const struct pkt_field adjacency_kind[] = {
        { .name = "state", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = adjacency_names, .def = 2 },
};
static const struct pkt_field adjacency_circuit_kind[] = {
        { .name = "state", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = adjacency_names, .def = 2 },
        PKT_U("ext_circuit_id", 8, 32),
};
static const struct pkt_field adjacency_neighbor_kind[] = {
        { .name = "state", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = adjacency_names, .def = 2 },
        PKT_U("ext_circuit_id", 8, 32),
        { .name = "neighbor_sysid", .off = 40, .bits = 48, .type = PKT_FT_BYTES },
};
static const struct pkt_field adjacency_full_kind[] = {
        { .name = "state", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = adjacency_names, .def = 2 },
        PKT_U("ext_circuit_id", 8, 32),
        { .name = "neighbor_sysid", .off = 40, .bits = 48, .type = PKT_FT_BYTES },
        PKT_U("neighbor_ext_circuit_id", 88, 32),
};
/* RFC 7981 2: the router ID and flags (D: leaked down, S: flood domain-wide), then sub-TLVs. */
static const struct pkt_field capability_kind[] = {
        { .name = "router_id", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
        PKT_U("flags", 32, 8), MORE(40),
};
/* clang-format on */

/* clang-format off */
static const struct pkt_form forms[] = {
        { 1, 1, false, PKT_KIND(areas_kind) },            { 2, 12, false, PKT_KIND(is_reach_kind) },
        { 6, 6, false, PKT_KIND(neighbors_kind) },        { 8, 0, false, PKT_KIND(bytes_kind) },
        { 9, LSP_ENTRY_LEN, false, PKT_KIND(lsp_entries_kind) }, { 10, 1, false, PKT_KIND(auth_kind) },
        { 12, 2, true, PKT_KIND(checksum_kind) },         { 22, 11, false, PKT_KIND(ext_is_reach_kind) },
        { 128, 12, false, PKT_KIND(ip_reach_kind) },      { 129, 1, false, PKT_KIND(nlpids_kind) },
        { 130, 12, false, PKT_KIND(ip_reach_kind) },      { 132, 4, false, PKT_KIND(ip_addr_kind) },
        { 134, 4, true, PKT_KIND(router_id_kind) },       { 135, 5, false, PKT_KIND(ext_ip_reach_kind) },
        { 137, 0, false, PKT_KIND(hostname_kind) },       { 144, 2, false, PKT_KIND(mt_capability_kind) },
        { 211, 1, false, PKT_KIND(restart_kind) },
        { 232, 16, false, PKT_KIND(ip6_addr_kind) },      { 236, 6, false, PKT_KIND(ip6_reach_first_kind) },
        { 240, 1, true, PKT_KIND(adjacency_kind) },
        { 240, 5, true, PKT_KIND(adjacency_circuit_kind) }, { 240, 11, true, PKT_KIND(adjacency_neighbor_kind) },
        { 240, 15, true, PKT_KIND(adjacency_full_kind) }, { 242, 5, false, PKT_KIND(capability_kind) },
};
/* clang-format on */

static struct pkt_kind
tlv_kind(unsigned type, uint32_t len)
{
        const struct pkt_form *f = pkt_form_of(forms, ARRAY_SIZE(forms), type, len);

        return f ? f->kind : PKT_KIND(bytes_kind);
}

uint32_t
isis_tlvs_start(const struct pkt_view *v)
{
        const struct pkt_proto *pr = proto_of(v->proto);

        return pr ? pr->min_hdr_len : v->caplen;
}

/* TLVs from the end of the fixed fields to the end of the PDU (the sub-layer's wire length), each
 * of the kind its form gives: one cut by the capture is truncated, one past the PDU malformed;
 * either ends the walk. */
static int
tlvs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        if (pkt_tlv8_next(v, isis_tlvs_start(v), v->wire_len, false, e) != 1)
                return 0;
        if (!(e->flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED))) {
                struct pkt_kind k = tlv_kind(v->b[e->off], e->len - TLV_HDR_LEN);
                e->kind_fields = k.fields;
                e->n_kind_fields = k.n;
        }
        return 1;
}

/* An LSP entry (ISO/IEC 10589 9.10): lifetime, LSP ID, sequence number, checksum. */
/* An extended IS reachability entry (RFC 5305 3): neighbour, metric, sub-TLV length, sub-TLVs. */
static uint32_t
is_reach_len(const uint8_t *b, uint32_t room)
{
        if (room < IS_REACH_FIXED)
                return 0;
        uint32_t len = IS_REACH_FIXED + b[IS_REACH_FIXED - 1];
        return len <= room ? len : 0;
}

/* An extended IP reachability entry (RFC 5305 4): metric, control byte (up/down, sub-TLVs present,
 * prefix length), the prefix in as few bytes as its length needs, then the sub-TLVs with their
 * length when present. */
static uint32_t
ip_reach_len(const uint8_t *b, uint32_t room)
{
        if (room < IP_REACH_FIXED || (b[4] & 0x3f) > 32)
                return 0;
        uint32_t len = IP_REACH_FIXED + ((b[4] & 0x3fu) + 7) / 8;
        if ((b[4] & IP_REACH_SUBTLVS) && len < room)
                len += 1u + b[len];
        else if (b[4] & IP_REACH_SUBTLVS)
                return 0;
        return len <= room ? len : 0;
}

/* The fields of an IP reachability entry: by the bytes its prefix takes. */
static struct pkt_kind
ip_reach_entry_kind(const uint8_t *b, uint32_t len)
{
        (void)len;
        static const struct pkt_kind by_bytes[] = {
                PKT_KIND(ip_reach0_kind), PKT_KIND(ip_reach1_kind), PKT_KIND(ip_reach2_kind),
                PKT_KIND(ip_reach3_kind), PKT_KIND(ip_reach4_kind),
        };
        return by_bytes[((b[4] & 0x3fu) + 7) / 8];
}

/* An IPv6 reachability entry (RFC 5308 2): metric, control byte, prefix length, the prefix in as
 * few bytes as its length needs, then the sub-TLVs with their length when present. */
static uint32_t
ip6_reach_len(const uint8_t *b, uint32_t room)
{
        if (room < IP6_REACH_FIXED || b[5] > 128)
                return 0;
        uint32_t len = IP6_REACH_FIXED + (b[5] + 7u) / 8;
        if ((b[4] & IP6_REACH_SUBTLVS) && len < room)
                len += 1u + b[len];
        else if (b[4] & IP6_REACH_SUBTLVS)
                return 0;
        return len <= room ? len : 0;
}

static struct pkt_kind
ip6_reach_entry_kind(const uint8_t *b, uint32_t len)
{
        static const struct pkt_kind by_bytes[] = {
                PKT_KIND(ip6_reach0_kind),  PKT_KIND(ip6_reach1_kind),  PKT_KIND(ip6_reach2_kind),
                PKT_KIND(ip6_reach3_kind),  PKT_KIND(ip6_reach4_kind),  PKT_KIND(ip6_reach5_kind),
                PKT_KIND(ip6_reach6_kind),  PKT_KIND(ip6_reach7_kind),  PKT_KIND(ip6_reach8_kind),
                PKT_KIND(ip6_reach9_kind),  PKT_KIND(ip6_reach10_kind), PKT_KIND(ip6_reach11_kind),
                PKT_KIND(ip6_reach12_kind), PKT_KIND(ip6_reach13_kind), PKT_KIND(ip6_reach14_kind),
                PKT_KIND(ip6_reach15_kind), PKT_KIND(ip6_reach16_kind),
        };
        (void)len;
        return by_bytes[(b[5] + 7u) / 8];
}

/* LSP entries (ISO/IEC 10589 9.10): lifetime, LSP ID, sequence number, checksum. */
static const struct pkt_entries lsp_entries = {
        .tlvs_next = tlvs_next,
        .type = T_LSP_ENTRIES,
        .size = LSP_ENTRY_LEN,
        .kind = PKT_KIND(lsp_entry_kind),
};
static const struct pkt_entries is_reach_entries = {
        .tlvs_next = tlvs_next,
        .type = T_EXT_IS_REACH,
        .len = is_reach_len,
        .kind = PKT_KIND(is_reach_entry_kind),
};
static const struct pkt_entries ip_reach_entries = {
        .tlvs_next = tlvs_next,
        .type = T_EXT_IP_REACH,
        .len = ip_reach_len,
        .kind_of = ip_reach_entry_kind,
};
static const struct pkt_entries ip6_reach_entries = {
        .tlvs_next = tlvs_next,
        .type = T_IP6_REACH,
        .len = ip6_reach_len,
        .kind_of = ip6_reach_entry_kind,
};
/* Narrow metrics: IS reachability's entries follow its virtual flag. */
static const struct pkt_entries is_reach_narrow_entries = {
        .tlvs_next = tlvs_next,
        .type = T_IS_REACH,
        .skip = 1,
        .size = IS_REACH_NARROW_LEN,
        .kind = PKT_KIND(is_reach_narrow_kind),
};
static const struct pkt_entries ip_reach_narrow_entries = {
        .tlvs_next = tlvs_next,
        .type = T_IP_INTERNAL_REACH,
        .type2 = T_IP_EXTERNAL_REACH,
        .size = IP_REACH_NARROW_LEN,
        .kind = PKT_KIND(ip_reach_narrow_kind),
};

static int
lsps_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return pkt_entries_next(v, e, &lsp_entries);
}

static int
is_reach_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return pkt_entries_next(v, e, &is_reach_entries);
}

static int
ip_reach_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return pkt_entries_next(v, e, &ip_reach_entries);
}

static int
ip6_reach_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return pkt_entries_next(v, e, &ip6_reach_entries);
}

static int
is_reach_narrow_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return pkt_entries_next(v, e, &is_reach_narrow_entries);
}

static int
ip_reach_narrow_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return pkt_entries_next(v, e, &ip_reach_narrow_entries);
}

const struct pkt_elem_set isis_tlv_elems[1] = {
        [SET_TLVS] = { .name = "tlvs",
                       .elem_name = "tlv",
                       .next = tlvs_next,
                       .fields = tlv_fields,
                       .n_fields = ARRAY_SIZE(tlv_fields) },
};

/* Besides the TLVs, the sets list the entries of TLVs (PKT_ES_LISTED). */
const struct pkt_elem_set isis_lsp_elems[LSP_SETS] = {
        [SET_TLVS] = { .name = "tlvs",
                       .elem_name = "tlv",
                       .next = tlvs_next,
                       .fields = tlv_fields,
                       .n_fields = ARRAY_SIZE(tlv_fields) },
        [SET_IS_REACH] = { .name = "is_reach", .elem_name = "neighbor", .next = is_reach_next, .flags = PKT_ES_LISTED },
        [SET_IP_REACH] = { .name = "ip_reach", .elem_name = "prefix", .next = ip_reach_next, .flags = PKT_ES_LISTED },
        [SET_IP6_REACH] = { .name = "ip6_reach", .elem_name = "prefix", .next = ip6_reach_next, .flags = PKT_ES_LISTED },
        [SET_IS_REACH_NARROW] = { .name = "is_reach_narrow",
                                  .elem_name = "neighbor",
                                  .next = is_reach_narrow_next,
                                  .flags = PKT_ES_LISTED },
        [SET_IP_REACH_NARROW] = { .name = "ip_reach_narrow",
                                  .elem_name = "prefix",
                                  .next = ip_reach_narrow_next,
                                  .flags = PKT_ES_LISTED },
};

const struct pkt_elem_set isis_snp_elems[SNP_SETS] = {
        [SET_TLVS] = { .name = "tlvs",
                       .elem_name = "tlv",
                       .next = tlvs_next,
                       .fields = tlv_fields,
                       .n_fields = ARRAY_SIZE(tlv_fields) },
        [SET_LSPS] = { .name = "lsps", .elem_name = "lsp", .next = lsps_next, .flags = PKT_ES_LISTED },
};

uint16_t
isis_elems_damage(const struct pkt_view *v)
{
        uint16_t flags = pkt_elems_damage(v, tlvs_next);

        if (v->proto == PKT_PROTO_ISIS_CSNP || v->proto == PKT_PROTO_ISIS_PSNP)
                flags |= pkt_elems_damage(v, lsps_next);
        if (v->proto == PKT_PROTO_ISIS_LSP)
                flags |= pkt_elems_damage(v, is_reach_next) | pkt_elems_damage(v, ip_reach_next) |
                         pkt_elems_damage(v, ip6_reach_next) | pkt_elems_damage(v, is_reach_narrow_next) |
                         pkt_elems_damage(v, ip_reach_narrow_next);
        return flags;
}

/* ---- building: "area_addresses(area_len=3,area=490001)", "hostname(\"r1\")",
 * "ip_interface_address(192.0.2.1)", "protocols_supported(0xcc)", "tlv(type=N,value=...)" ---- */

/* Why 20: more arguments than any TLV kind has fields (17 with type and length: narrow IP
 * reachability). */
#define ISIS_ARGS_MAX 20

/* The kind a TLV built from fields takes when no length is given: the first form of its type
 * (shortest first where a type has several) whose fields the arguments name. */
static struct pkt_kind
build_kind(unsigned type, const struct pkt_spec_arg *args, int n)
{
        const struct pkt_form *f = pkt_form_for_args(forms, ARRAY_SIZE(forms), type, args, n);

        return f ? f->kind : PKT_KIND(bytes_kind);
}

static int
tlv_build(const char *text, uint8_t *out, size_t size)
{
        struct pkt_spec_arg args[ISIS_ARGS_MAX], fields[ISIS_ARGS_MAX];
        uint32_t type, len;
        int n, m, r;

        m = pkt_form_split(text, "tlv", tlv_names, UINT8_MAX, &type, args, &n, fields, ISIS_ARGS_MAX);
        if (m < 0)
                return m;
        if (size < TLV_HDR_LEN)
                return -EMSGSIZE;
        const char *given = pkt_spec_arg(args, n, "len", -1);
        if (given && pkt_name_value(NULL, given, UINT8_MAX, &len) < 0)
                return -EINVAL;
        struct pkt_kind k = given ? tlv_kind(type, len) : build_kind(type, fields, m);
        r = pkt_spec_encode(k.fields, k.n, fields, m, out + TLV_HDR_LEN, size - TLV_HDR_LEN);
        if (r < 0)
                return r;
        if (!given)
                len = (uint32_t)r;
        if (len > UINT8_MAX)
                return -EINVAL;
        out[0] = (uint8_t)type;
        out[1] = (uint8_t)len;
        return TLV_HDR_LEN + r;
}

int
isis_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                size_t size, uint32_t *ret_at)
{
        (void)v, (void)set; /* the TLVs: the other sets are listed */
        *ret_at = hdr_len;
        return tlv_build(text, out, size);
}
