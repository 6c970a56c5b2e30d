/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cisco Discovery Protocol (no RFC; the layout Wireshark and tcpdump decode), in SNAP frames with
 * Cisco's OUI (00:00:0c) and PID 0x2000, and as protocol type 0x2000 (in GRE).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    version    |      ttl      |           checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            TLV type           |  TLV length (with type, len)  |  value ...
 *
 * Names are dpkt's and pypacker's: version, ttl, sum and the TLVs "tlvs" (type, len, then the
 * fields of the type). The TLVs run to the end of the frame and are header. The Addresses and
 * Management Addresses TLVs hold a count and entries (protocol type, length, protocol, address
 * length, address); "addrs" lists the entries of every such TLV, an IPv4 or IPv6 address as text.
 *
 * The checksum is the Internet checksum of the whole message, except that Cisco sums an odd last
 * byte as the low byte of a word, sign-extended (what IOS sends and tshark verifies).
 */
#include <string.h>

#include "forms.h"
#include "internal.h"
#include "tlv16.h"

#define CDP_HDR_LEN  4
#define TLV_HDR_LEN  4
#define ADDR_COUNT   4 /* the count before an addresses TLV's entries */
#define T_ADDRESSES  0x0002
#define T_MGMT_ADDRS 0x0016
#define NLPID        1 /* protocol type of an entry whose protocol is an ISO NLPID */
#define NLPID_IP     0xcc
#define PTYPE_802_2  2 /* protocol type of an entry whose protocol is an 802.2 LLC/SNAP header */
/* Why 8 bytes: the SNAP header AA-AA-03-00-00-00-86-DD that names IPv6 in an 802.2 entry. */
#define SNAP_IP6_LEN 8

/* clang-format off */
static const struct pkt_name cdp_tlv_names[] = {
        { 0x01, "device_id" }, { 0x02, "addresses" }, { 0x03, "port_id" }, { 0x04, "capabilities" },
        { 0x05, "software_version" }, { 0x06, "platform" }, { 0x07, "ip_prefix" },
        { 0x08, "protocol_hello" }, { 0x09, "vtp_domain" }, { 0x0a, "native_vlan" },
        { 0x0b, "duplex" }, { 0x0e, "voip_vlan_reply" }, { 0x0f, "voip_vlan_query" },
        { 0x10, "power" }, { 0x11, "mtu" }, { 0x12, "trust_bitmap" }, { 0x13, "untrusted_cos" },
        { 0x14, "system_name" }, { 0x15, "system_oid" }, { 0x16, "mgmt_addresses" },
        { 0x17, "location" }, { 0x1a, "power_available" }, { 0, NULL },
};

static const struct pkt_name cdp_caps_names[] = {
        { 0x001, "ROUTER" }, { 0x002, "TRANS_BRIDGE" }, { 0x004, "SRC_BRIDGE" }, { 0x008, "SWITCH" },
        { 0x010, "HOST" }, { 0x020, "IGMP" }, { 0x040, "REPEATER" }, { 0x080, "VOIP_PHONE" },
        { 0x100, "REMOTE" }, { 0x200, "CVTA" }, { 0x400, "MAC_RELAY" }, { 0, NULL },
};

static const struct pkt_field cdp_fields[] = {
        { .name = "version", .off = 0,  .bits = 8,  .type = PKT_FT_UINT, .def = 2 },
        { .name = "ttl",     .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .def = 180 },
        { .name = "sum",     .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
};

static const struct pkt_field tlv_fields[] = {
        { .name = "type", .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = cdp_tlv_names },
        PKT_U("len", 16, 16),
};

/* Kind fields, from the value's first byte. */
static const struct pkt_field text_kind[] = { { .name = "value", .off = 0, .type = PKT_FT_STRING } };
static const struct pkt_field bytes_kind[] = { { .name = "value", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field caps_kind[] = {
        { .name = "capabilities", .off = 0, .bits = 32, .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX, .names = cdp_caps_names },
};
static const struct pkt_field addrs_kind[] = {
        PKT_U("count", 0, 32), { .name = "entries", .off = 32, .type = PKT_FT_BYTES },
};
static const struct pkt_field hello_kind[] = {
        { .name = "oui", .off = 0, .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "protocol_id", .off = 24, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "data", .off = 40, .type = PKT_FT_BYTES },
};
static const struct pkt_field vlan_kind[] = { PKT_U("vlan", 0, 16) };
static const struct pkt_field duplex_kind[] = { PKT_U("duplex", 0, 8) };
static const struct pkt_field voice_vlan_kind[] = {
        PKT_U("data", 0, 8), PKT_U("vlan", 8, 16), { .name = "more", .off = 24, .type = PKT_FT_BYTES },
};
static const struct pkt_field power_kind[] = { PKT_U("power", 0, 16) }; /* milliwatts */
static const struct pkt_field mtu_kind[] = { PKT_U("mtu", 0, 32) };
static const struct pkt_field trust_kind[] = { { .name = "trust", .off = 0, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX } };
static const struct pkt_field cos_kind[] = { PKT_U("cos", 0, 8) };
static const struct pkt_field location_kind[] = {
        PKT_U("unknown", 0, 8), { .name = "location", .off = 8, .type = PKT_FT_STRING },
};
/* Milliwatts available, and (in 12 bytes or more) the most the port could give. */
static const struct pkt_field power_available_kind[] = {
        PKT_U("request_id", 0, 16), PKT_U("management_id", 16, 16), PKT_U("available", 32, 32),
        { .name = "more", .off = 64, .type = PKT_FT_BYTES },
};
static const struct pkt_field power_available_max_kind[] = {
        PKT_U("request_id", 0, 16), PKT_U("management_id", 16, 16), PKT_U("available", 32, 32),
        PKT_U("available_max", 64, 32), { .name = "more", .off = 96, .type = PKT_FT_BYTES },
};

/* An address entry: IPv4 by its NLPID, IPv6 by its SNAP header, else as counted bytes. */
static const struct pkt_field entry_ip4_kind[] = {
        PKT_U("ptype", 0, 8), PKT_U("plen", 8, 8),
        { .name = "proto", .off = 16, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = NLPID_IP },
        PKT_U("alen", 24, 16), { .name = "addr", .off = 40, .bits = 32, .type = PKT_FT_IPV4 },
};
static const struct pkt_field entry_ip6_kind[] = {
        PKT_U("ptype", 0, 8), PKT_U("plen", 8, 8),
        { .name = "proto", .off = 16, .bits = 64, .type = PKT_FT_BYTES },
        PKT_U("alen", 80, 16), { .name = "addr", .off = 96, .bits = 128, .type = PKT_FT_IPV6 },
};
static const struct pkt_field entry_other_kind[] = {
        PKT_U("ptype", 0, 8), PKT_U("plen", 8, 8),
        { .name = "proto", .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES, .flags = PKT_FF_COUNTED },
        { .name = "alen", .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_UINT },
        { .name = "addr", .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES, .flags = PKT_FF_COUNTED },
};
/* clang-format on */

static const uint8_t snap_ip6[SNAP_IP6_LEN] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd };

enum { F_VERSION, F_TTL, F_SUM };
enum { SET_TLVS, SET_ADDRS };

/* clang-format off */
static const struct pkt_form forms[] = {
        { 0x01, 0, false, PKT_KIND(text_kind) },       { 0x02, ADDR_COUNT, false, PKT_KIND(addrs_kind) },
        { 0x03, 0, false, PKT_KIND(text_kind) },       { 0x04, 4, true, PKT_KIND(caps_kind) },
        { 0x05, 0, false, PKT_KIND(text_kind) },       { 0x06, 0, false, PKT_KIND(text_kind) },
        { 0x08, 5, false, PKT_KIND(hello_kind) },      { 0x09, 0, false, PKT_KIND(text_kind) },
        { 0x0a, 2, true, PKT_KIND(vlan_kind) },        { 0x0b, 1, true, PKT_KIND(duplex_kind) },
        { 0x0e, 3, false, PKT_KIND(voice_vlan_kind) }, { 0x0f, 3, false, PKT_KIND(voice_vlan_kind) },
        { 0x10, 2, true, PKT_KIND(power_kind) },       { 0x11, 4, true, PKT_KIND(mtu_kind) },
        { 0x12, 1, true, PKT_KIND(trust_kind) },       { 0x13, 1, true, PKT_KIND(cos_kind) },
        { 0x14, 0, false, PKT_KIND(text_kind) },       { 0x16, ADDR_COUNT, false, PKT_KIND(addrs_kind) },
        { 0x17, 1, false, PKT_KIND(location_kind) },   { 0x1a, 12, false, PKT_KIND(power_available_max_kind) },
        { 0x1a, 8, false, PKT_KIND(power_available_kind) },
};
/* clang-format on */

static struct pkt_kind
tlv_kind(unsigned type, uint32_t len)
{
        const struct pkt_form *f = pkt_form_of(forms, ARRAY_SIZE(forms), type, len);

        return f ? f->kind : PKT_KIND(bytes_kind);
}

static int
tlvs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        if (pkt_tlv16_next(v, CDP_HDR_LEN, v->wire_len, true, e) != 1)
                return 0;
        if (!(e->flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED))) {
                struct pkt_kind k = tlv_kind(pkt_load_be16(v->b + e->off), e->len - TLV_HDR_LEN);
                e->kind_fields = k.fields;
                e->n_kind_fields = k.n;
        }
        return 1;
}

/* The length of the address entry at @b with @room bytes left in its TLV, or 0 when it does not
 * fit. */
static uint32_t
entry_len(const uint8_t *b, uint32_t room)
{
        if (room < 2 || room - 2 < b[1] + 2u)
                return 0;
        uint32_t alen = pkt_load_be16(b + 2 + b[1]);
        uint32_t len = 2 + b[1] + 2 + alen;
        return len <= room ? len : 0;
}

static struct pkt_kind
entry_kind(const uint8_t *b, uint32_t len)
{
        if (b[0] == NLPID && b[1] == 1 && b[2] == NLPID_IP && len == 2 + 1 + 2 + 4)
                return PKT_KIND(entry_ip4_kind);
        if (b[0] == PTYPE_802_2 && b[1] == SNAP_IP6_LEN &&
            memcmp(b + 2, snap_ip6, SNAP_IP6_LEN) == 0 && len == 2 + SNAP_IP6_LEN + 2 + 16)
                return PKT_KIND(entry_ip6_kind);
        return PKT_KIND(entry_other_kind);
}

/* Address entries of every Addresses and Management Addresses TLV, after its count, in order. */
static const struct pkt_entries addr_entries = {
        .tlvs_next = tlvs_next,
        .type = T_ADDRESSES,
        .type2 = T_MGMT_ADDRS,
        .skip = ADDR_COUNT,
        .len = entry_len,
        .kind_of = entry_kind,
};

static int
addrs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return pkt_entries_next(v, e, &addr_entries);
}

static const struct pkt_elem_set cdp_elems[] = {
        [SET_TLVS] = { .name = "tlvs",
                       .elem_name = "tlv",
                       .next = tlvs_next,
                       .fields = tlv_fields,
                       .n_fields = ARRAY_SIZE(tlv_fields) },
        [SET_ADDRS] = { .name = "addrs", .elem_name = "addr", .next = addrs_next, .flags = PKT_ES_LISTED },
};

/* The TLVs are header, to the end of the frame; one that contradicts it makes the layer malformed,
 * as does an address entry that does not fit its TLV. */
static void
cdp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = MAX(v->wire_len, CDP_HDR_LEN);
        d->payload_len = 0;
        d->flags |= pkt_elems_damage(v, tlvs_next) | pkt_elems_damage(v, addrs_next);
}

/* Cisco's checksum (see the top): an odd last byte is summed as 0x00LL, or 0xffLL - 1 when above
 * 0x80. */
static uint16_t
cdp_checksum(const uint8_t *b, uint32_t len)
{
        uint32_t even = len & ~1u, sum = pkt_csum_add(0, b, even);

        if (len % 2) {
                uint8_t last = b[even];
                const uint8_t word[2] = { last <= 0x80 ? 0x00 : 0xff,
                                          last <= 0x80 ? last : (uint8_t)(last - 1) };
                sum = pkt_csum_add(sum, word, 2);
        }
        return pkt_csum_fold(sum);
}

static int
cdp_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint8_t *h = pkt_layer_bytes_mut(p, idx);

        if (l->set_mask & (UINT64_C(1) << F_SUM) || l->len < CDP_HDR_LEN)
                return 0;
        h[2] = h[3] = 0;
        uint16_t sum = cdp_checksum(h, l->len);
        h[2] = (uint8_t)(sum >> 8);
        h[3] = (uint8_t)sum;
        return 0;
}

/* ---- building: "device_id(\"sw1\")", "addresses(192.0.2.1,2001:db8::1)",
 * "capabilities(ROUTER|SWITCH)", "native_vlan(10)", "tlv(type=0x99,value=0102)" ---- */

/* Why 10: more arguments than any TLV kind has fields, or addresses one TLV lists in practice. */
#define CDP_ARGS_MAX 10

/* The address entries of an addresses TLV given as its addresses: the count, then each as an IPv4
 * (NLPID 0xcc) or IPv6 (802.2 SNAP) entry. Returns the bytes or -errno. */
static int
entries_build(const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        static const struct pkt_field ip4 = { .name = "addr", .bits = 32, .type = PKT_FT_IPV4 };
        static const struct pkt_field ip6 = { .name = "addr", .bits = 128, .type = PKT_FT_IPV6 };
        uint32_t len = ADDR_COUNT, count = 0;
        uint64_t u;

        for (int i = 0; i < n; i++) {
                bool v6 = strchr(args[i].value, ':') != NULL;
                uint32_t entry = v6 ? 2 + SNAP_IP6_LEN + 2 + 16 : 2 + 1 + 2 + 4;
                if (args[i].key[0] && strcmp(args[i].key, "addr") != 0)
                        return -ENOENT;
                if (len + entry > size)
                        return -EMSGSIZE;
                uint8_t *e = out + len;
                e[0] = v6 ? PTYPE_802_2 : NLPID;
                e[1] = v6 ? SNAP_IP6_LEN : 1;
                if (v6)
                        memcpy(e + 2, snap_ip6, SNAP_IP6_LEN);
                else
                        e[2] = NLPID_IP;
                pkt_store_be16(e + 2 + e[1], v6 ? 16 : 4);
                int r = pkt_spec_value(v6 ? &ip6 : &ip4, args[i].value, &u, e + 4 + e[1],
                                       size - len - 4 - e[1]);
                if (r < 0)
                        return r;
                len += entry;
                count++;
        }
        pkt_store_be32(out, count);
        return (int)len;
}

/* A TLV from "kind(field=value,...)" (a one-field kind takes its value alone), by name or number,
 * or "tlv(type=N,...)" as the JSON form writes it; an addresses TLV from its addresses, or from its
 * count and entries. The length is computed unless given. */
static int
tlv_build(const char *text, uint8_t *out, size_t size)
{
        struct pkt_spec_arg args[CDP_ARGS_MAX], fields[CDP_ARGS_MAX];
        uint32_t type, len;
        int n, m, r;

        m = pkt_form_split(text, "tlv", cdp_tlv_names, UINT16_MAX, &type, args, &n, fields, CDP_ARGS_MAX);
        if (m < 0)
                return m;
        if (size < TLV_HDR_LEN)
                return -EMSGSIZE;
        bool listed = (type == T_ADDRESSES || type == T_MGMT_ADDRS) &&
                      !pkt_spec_arg(fields, m, "count", -1) &&
                      !pkt_spec_arg(fields, m, "entries", -1);
        if (listed) {
                r = entries_build(fields, m, out + TLV_HDR_LEN, size - TLV_HDR_LEN);
        } else {
                struct pkt_kind k = tlv_kind(type, UINT32_MAX);
                r = pkt_spec_encode(k.fields, k.n, fields, m, out + TLV_HDR_LEN,
                                    size - TLV_HDR_LEN);
        }
        if (r < 0)
                return r;
        const char *given = pkt_spec_arg(args, n, "len", -1);
        len = TLV_HDR_LEN + (uint32_t)r;
        if (len > UINT16_MAX || (given && pkt_name_value(NULL, given, UINT16_MAX, &len) < 0))
                return -EINVAL;
        pkt_store_be16(out, (uint16_t)type);
        pkt_store_be16(out + 2, (uint16_t)len);
        return TLV_HDR_LEN + r;
}

static int
cdp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
               uint8_t *out, size_t size, uint32_t *ret_at)
{
        (void)v, (void)set; /* the TLVs: addrs is listed */
        *ret_at = hdr_len;
        return tlv_build(text, out, size);
}

static const struct pkt_key cdp_carriers[] = {
        { PKT_KEY_SNAP, 0x000c2000 },  /* Cisco OUI 00:00:0c, PID 0x2000 */
        { PKT_KEY_ETHERTYPE, 0x2000 }, /* the PID as a protocol type: GRE's, Cisco HDLC's */
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_cdp = {
        .name = "cdp",
        .summary = "Cisco Discovery Protocol",
        .id = PKT_PROTO_CDP,
        .min_hdr_len = CDP_HDR_LEN,
        .fields = cdp_fields,
        .n_fields = ARRAY_SIZE(cdp_fields),
        .elems = cdp_elems,
        .n_elems = ARRAY_SIZE(cdp_elems),
        .carriers = cdp_carriers,
        .dissect = cdp_dissect,
        .update = cdp_update,
        .elem_build = cdp_elem_build,
        .not_dissected =
                "IP prefixes, protocol hello data, system OID and TLVs of other types are value "
                "bytes; an address entry of a protocol other than IPv4 or IPv6 shows "
                "its protocol and address bytes.",
};
