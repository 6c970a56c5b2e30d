/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link Layer Discovery Protocol (IEEE 802.1AB-2016 8): an LLDPDU in an Ethernet frame of type
 * 0x88cc, made of TLVs, each a 7-bit type and a 9-bit length before the value:
 *
 *   0                   1                   2
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  TLV type   |  TLV length     | value ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The TLVs are the layer's header, up to and including the End of LLDPDU TLV (type 0, length 0);
 * what follows it is the Ethernet frame's padding. Names are pypacker's: the set "tlvlist", each
 * TLV's "type_len" with its parts "tlv_type" and "tlv_len", and per type the fields of its class
 * (LLDPChassisId's "subtype" and "value", LLDPTTL's "seconds", LLDPManagementAddress's "addrlen",
 * "addrsubtype", ...). An ID whose subtype gives it a form (a MAC address, a network address) reads
 * in that form when its length fits it, else as text; an organizationally specific TLV reads as its
 * OUI, subtype and fields for IEEE 802.1's (Annex D: port VLAN, port and protocol VLAN, VLAN name,
 * protocol identity) and 802.3's (Annex F: MAC/PHY, power via MDI, link aggregation, maximum frame
 * size), else value bytes. Lengths are written by the element builder.
 */
#include <string.h>

#include "internal.h"

#define LLDP_TLV_HDR_LEN  2
#define LLDP_TLV_LEN_BITS 9
#define LLDP_TLV_LEN_MAX  ((1u << LLDP_TLV_LEN_BITS) - 1)
#define LLDP_TLV_TYPE_MAX 127 /* 7 bits */
/* Why 16: more arguments than any TLV has fields, as the JSON writer gives them with type_len,
 * tlv_type and tlv_len (IEEE 802.3's power via MDI with its 802.3at part: 14). */
#define LLDP_ARGS_MAX 16

enum {
        T_END = 0,
        T_CHASSIS = 1,
        T_PORT = 2,
        T_TTL = 3,
        T_PORT_DESC = 4,
        T_SYS_NAME = 5,
        T_SYS_DESC = 6,
        T_CAPS = 7,
        T_MGMT = 8,
        T_ORG = 127,
};

/* IANA address family numbers, as the network-address ID subtypes and the management address use
 * them. */
enum { AF_IP4 = 1, AF_IP6 = 2, AF_802 = 6 };

/* The chassis and port ID subtypes with a form of their own (Tables 8-2, 8-3); the value lengths
 * count the subtype byte, and the family byte before a network address. */
enum { CHASSIS_MAC = 4, CHASSIS_NETWORK = 5, PORT_MAC = 3, PORT_NETWORK = 4 };
#define ID_MAC_LEN (1 + 6)
#define ID_IP4_LEN (2 + 4)
#define ID_IP6_LEN (2 + 16)
#define TTL_LEN    2
#define CAPS_LEN   4
/* A management address string's length counts its subtype byte (8.5.9.2). */
#define MGMT_IP4_ADDRLEN (1 + 4)
#define MGMT_IP6_ADDRLEN (1 + 16)
#define MGMT_MAC_ADDRLEN (1 + 6)

#define OUI_IEEE_8021     0x0080c2
#define OUI_IEEE_8023     0x00120f

/* clang-format off */
static const struct pkt_name tlv_names[] = {
        { T_END, "end" }, { T_CHASSIS, "chassis" }, { T_PORT, "port" }, { T_TTL, "ttl" },
        { T_PORT_DESC, "portdesc" }, { T_SYS_NAME, "sysname" }, { T_SYS_DESC, "sysdesc" }, { T_CAPS, "caps" },
        { T_MGMT, "mgmt" }, { T_ORG, "org" }, { 0, NULL },
};

/* 802.1AB-2016 Tables 8-2 and 8-3. */
static const struct pkt_name chassis_subtype_names[] = {
        { 1, "CHASSIS_COMPONENT" }, { 2, "INTERFACE_ALIAS" }, { 3, "PORT_COMPONENT" }, { 4, "MAC_ADDRESS" },
        { 5, "NETWORK_ADDRESS" }, { 6, "INTERFACE_NAME" }, { 7, "LOCAL" }, { 0, NULL },
};

static const struct pkt_name port_subtype_names[] = {
        { 1, "INTERFACE_ALIAS" }, { 2, "PORT_COMPONENT" }, { 3, "MAC_ADDRESS" }, { 4, "NETWORK_ADDRESS" },
        { 5, "INTERFACE_NAME" }, { 6, "AGENT_CIRCUIT_ID" }, { 7, "LOCAL" }, { 0, NULL },
};

static const struct pkt_name family_names[] = {
        { AF_IP4, "IPV4" }, { AF_IP6, "IPV6" }, { AF_802, "IEEE802" }, { 0, NULL },
};

/* 802.1AB-2016 Table 8-4. */
static const struct pkt_name capability_names[] = {
        { 0x0001, "OTHER" }, { 0x0002, "REPEATER" }, { 0x0004, "BRIDGE" }, { 0x0008, "WLAN_AP" },
        { 0x0010, "ROUTER" }, { 0x0020, "TELEPHONE" }, { 0x0040, "DOCSIS" }, { 0x0080, "STATION" },
        { 0x0100, "C_VLAN" }, { 0x0200, "S_VLAN" }, { 0x0400, "TPMR" }, { 0, NULL },
};

/* 802.1AB-2016 8.5.9.5 (the ifSubtype of RFC 2863's interface numbering). */
static const struct pkt_name if_subtype_names[] = {
        { 1, "UNKNOWN" }, { 2, "IFINDEX" }, { 3, "SYSPORT" }, { 0, NULL },
};

static const struct pkt_field lldp_tlv_fields[] = {
        { .name = "type_len", .off = 0, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "tlv_type", .off = 0, .bits = 7,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = tlv_names },
        { .name = "tlv_len",  .off = 7, .bits = 9,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
};

/* The kinds: each TLV's fields after its type and length. */
#define SUBTYPE(nm) { .name = "subtype", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = (nm) }
#define FAMILY         { .name = "family",  .off = 8, .bits = 8, .type = PKT_FT_ENUM, .names = family_names }
#define ID_FORMS(tlv, nm)                                                                            \
        static const struct pkt_field tlv##_text[] = {                                                  \
                SUBTYPE(nm), { .name = "value", .off = 8, .type = PKT_FT_STRING } };                 \
        static const struct pkt_field tlv##_mac[] = {                                                   \
                SUBTYPE(nm), { .name = "value", .off = 8, .bits = 48, .type = PKT_FT_MAC } };        \
        static const struct pkt_field tlv##_ip4[] = {                                                   \
                SUBTYPE(nm), FAMILY, { .name = "value", .off = 16, .bits = 32, .type = PKT_FT_IPV4 } }; \
        static const struct pkt_field tlv##_ip6[] = {                                                   \
                SUBTYPE(nm), FAMILY, { .name = "value", .off = 16, .bits = 128, .type = PKT_FT_IPV6 } }; \
        static const struct pkt_field tlv##_addr[] = {                                                  \
                SUBTYPE(nm), FAMILY, { .name = "value", .off = 16, .type = PKT_FT_BYTES } };
ID_FORMS(chassis, chassis_subtype_names)
ID_FORMS(port, port_subtype_names)

static const struct pkt_field ttl_kind[] = { PKT_U("seconds", 0, 16) };
static const struct pkt_field text_kind[] = { { .name = "value", .off = 0, .type = PKT_FT_STRING } };
static const struct pkt_field bytes_kind[] = { { .name = "value", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field caps_kind[] = {
        { .name = "capabilities", .off = 0,  .bits = 16, .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX,
          .names = capability_names },
        { .name = "enabled",      .off = 16, .bits = 16, .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX,
          .names = capability_names },
};

/* The management address (8.5.9): the address string's length counts its subtype byte too. */
#define MGMT_KIND(kind, addr_bits, addr_type)                                                           \
        static const struct pkt_field kind[] = {                                                        \
                PKT_U("addrlen", 0, 8),                                                                 \
                { .name = "addrsubtype", .off = 8, .bits = 8, .type = PKT_FT_ENUM, .names = family_names }, \
                { .name = "addrval", .off = 16, .bits = (addr_bits), .type = (addr_type) },             \
                { .name = "ifsubtype", .off = 16 + (addr_bits), .bits = 8, .type = PKT_FT_ENUM,         \
                  .names = if_subtype_names },                                                          \
                PKT_U("ifnumber", 24 + (addr_bits), 32),                                                \
                PKT_U("oidlen", 56 + (addr_bits), 8),                                                   \
                { .name = "oid", .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES, .flags = PKT_FF_COUNTED }, \
        };
MGMT_KIND(mgmt_ip4, 32, PKT_FT_IPV4)
MGMT_KIND(mgmt_ip6, 128, PKT_FT_IPV6)
MGMT_KIND(mgmt_mac, 48, PKT_FT_MAC)
enum { F_ADDRLEN, F_ADDRSUBTYPE, F_ADDRVAL }; /* the first fields of each */
static const struct pkt_field mgmt_other[] = {
        PKT_U("addrlen", 0, 8),
        { .name = "addrsubtype", .off = 8, .bits = 8, .type = PKT_FT_ENUM, .names = family_names },
        { .name = "value", .off = 16, .type = PKT_FT_BYTES },
};

static const struct pkt_field org_kind[] = {
        { .name = "oui",     .off = 0,  .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        PKT_U("subtype", 24, 8),
        { .name = "value",   .off = 32, .type = PKT_FT_BYTES },
};
/* The organizationally specific TLVs of IEEE 802.1 (Annex D) and 802.3 (Annex F) with fields. */
#define ORG(oui, subtype)                                                                                   \
        { .name = "oui",     .off = 0,  .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = (oui) }, \
        { .name = "subtype", .off = 24, .bits = 8,  .type = PKT_FT_UINT, .def = (subtype) }
static const struct pkt_field org_port_vlan[] = { ORG(OUI_IEEE_8021, 1), PKT_U("vlan", 32, 16) };
static const struct pkt_field org_ppvid[] = { ORG(OUI_IEEE_8021, 2), PKT_U("flags", 32, 8), PKT_U("ppvid", 40, 16) };
static const struct pkt_field org_vlan_name[] = {
        ORG(OUI_IEEE_8021, 3), PKT_U("vlan", 32, 16), PKT_U("name_len", 48, 8),
        { .name = "name", .off = PKT_OFF_FOLLOW, .type = PKT_FT_STRING, .flags = PKT_FF_COUNTED },
};
static const struct pkt_field org_protocol_id[] = {
        ORG(OUI_IEEE_8021, 4), PKT_U("id_len", 32, 8),
        { .name = "id", .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES, .flags = PKT_FF_COUNTED },
};
static const struct pkt_field org_mac_phy[] = {
        ORG(OUI_IEEE_8023, 1),
        { .name = "autoneg",    .off = 32, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "advertised", .off = 40, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        PKT_U("mau_type", 56, 16),
};
static const struct pkt_field org_power[] = {
        ORG(OUI_IEEE_8023, 2),
        { .name = "mdi_support", .off = 32, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        PKT_U("pse_pair", 40, 8), PKT_U("power_class", 48, 8),
};
/* 802.3at adds the power type, source and priority, and the power requested and allocated. */
static const struct pkt_field org_power_at[] = {
        ORG(OUI_IEEE_8023, 2),
        { .name = "mdi_support", .off = 32, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        PKT_U("pse_pair", 40, 8), PKT_U("power_class", 48, 8), PKT_U("power_type", 56, 2),
        PKT_U("power_source", 58, 2), PKT_U("reserved", 60, 2), PKT_U("power_priority", 62, 2),
        PKT_U("requested", 64, 16), PKT_U("allocated", 80, 16),
};
static const struct pkt_field org_link_agg[] = {
        ORG(OUI_IEEE_8023, 3),
        { .name = "status", .off = 32, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        PKT_U("port_id", 40, 32),
};
static const struct pkt_field org_max_frame[] = { ORG(OUI_IEEE_8023, 4), PKT_U("max_frame_size", 32, 16) };
/* clang-format on */

struct kind {
        const struct pkt_field *fields;
        uint8_t n;
};
#define KIND(a) ((struct kind){ (a), ARRAY_SIZE(a) })

/* A chassis or port ID: its subtypes with a form, and the fields of each form. */
struct id_tlv {
        uint8_t mac_subtype, network_subtype;
        struct kind text, mac, ip4, ip6, other_family;
};

static const struct id_tlv chassis_id = {
        CHASSIS_MAC,       CHASSIS_NETWORK,   KIND(chassis_text), KIND(chassis_mac),
        KIND(chassis_ip4), KIND(chassis_ip6), KIND(chassis_addr),
};
static const struct id_tlv port_id = {
        PORT_MAC,       PORT_NETWORK,   KIND(port_text), KIND(port_mac),
        KIND(port_ip4), KIND(port_ip6), KIND(port_addr),
};

/* The fields of an ID of @len value bytes at @b (@len >= 1): the form its subtype gives it when the
 * length fits that form, else text. */
static struct kind
id_kind(const struct id_tlv *id, const uint8_t *b, uint32_t len)
{
        if (b[0] == id->mac_subtype && len == ID_MAC_LEN)
                return id->mac;
        if (b[0] == id->network_subtype && len >= 2) {
                if (b[1] == AF_IP4 && len == ID_IP4_LEN)
                        return id->ip4;
                if (b[1] == AF_IP6 && len == ID_IP6_LEN)
                        return id->ip6;
                return id->other_family;
        }
        return id->text;
}

static struct kind
mgmt_kind(const uint8_t *b, uint32_t len)
{
        /* After the address: the interface subtype (1) and number (4), then the OID's length. */
        uint32_t addrlen = b[0], oid_at = 1 + addrlen + 5;
        bool fits = len > oid_at && b[oid_at] <= len - oid_at - 1u;

        if (fits && b[1] == AF_IP4 && addrlen == MGMT_IP4_ADDRLEN)
                return KIND(mgmt_ip4);
        if (fits && b[1] == AF_IP6 && addrlen == MGMT_IP6_ADDRLEN)
                return KIND(mgmt_ip6);
        if (fits && b[1] == AF_802 && addrlen == MGMT_MAC_ADDRLEN)
                return KIND(mgmt_mac);
        return KIND(mgmt_other);
}

/* An organizationally specific TLV with fields: its OUI and subtype, and its value's length (with
 * the OUI and subtype), exact or at least. */
struct org_form {
        uint32_t oui_subtype;
        uint8_t len;
        bool exact;
        struct kind kind;
};

#define OS(oui, subtype) ((uint32_t)(oui) << 8 | (subtype))
/* clang-format off */
static const struct org_form org_forms[] = {
        { OS(OUI_IEEE_8021, 1), 6, true, KIND(org_port_vlan) },
        { OS(OUI_IEEE_8021, 2), 7, true, KIND(org_ppvid) },
        { OS(OUI_IEEE_8021, 3), 7, false, KIND(org_vlan_name) },
        { OS(OUI_IEEE_8021, 4), 5, false, KIND(org_protocol_id) },
        { OS(OUI_IEEE_8023, 1), 9, true, KIND(org_mac_phy) },
        { OS(OUI_IEEE_8023, 2), 12, true, KIND(org_power_at) },
        { OS(OUI_IEEE_8023, 2), 7, true, KIND(org_power) },
        { OS(OUI_IEEE_8023, 3), 9, true, KIND(org_link_agg) },
        { OS(OUI_IEEE_8023, 4), 6, true, KIND(org_max_frame) },
};
/* clang-format on */

/* The fields of an organizationally specific TLV (OUI and subtype @oui_subtype, @len value bytes at
 * @b): its form's when it fits (a counted name or ID within the value), else OUI, subtype and
 * bytes. */
static struct kind
org_kind_of(uint32_t oui_subtype, const uint8_t *b, uint32_t len)
{
        for (size_t i = 0; i < ARRAY_SIZE(org_forms); i++) {
                const struct org_form *f = &org_forms[i];
                if (f->oui_subtype != oui_subtype || (f->exact ? len != f->len : len < f->len))
                        continue;
                if (f->kind.fields == org_vlan_name && b[6] > len - 7)
                        break;
                if (f->kind.fields == org_protocol_id && b[4] > len - 5)
                        break;
                return f->kind;
        }
        return KIND(org_kind);
}

/* The fields of a TLV of @type whose @len value bytes are at @b: whatever its type, a value too
 * short for them is bytes. */
static struct kind
tlv_kind(unsigned type, const uint8_t *b, uint32_t len)
{
        switch (type) {
        case T_END:
                return (struct kind){ NULL, 0 };
        case T_CHASSIS:
                return len >= 1 ? id_kind(&chassis_id, b, len) : KIND(bytes_kind);
        case T_PORT:
                return len >= 1 ? id_kind(&port_id, b, len) : KIND(bytes_kind);
        case T_TTL:
                return len == TTL_LEN ? KIND(ttl_kind) : KIND(bytes_kind);
        case T_PORT_DESC:
        case T_SYS_NAME:
        case T_SYS_DESC:
                return KIND(text_kind);
        case T_CAPS:
                return len == CAPS_LEN ? KIND(caps_kind) : KIND(bytes_kind);
        case T_MGMT:
                return len >= 2 ? mgmt_kind(b, len) : KIND(bytes_kind);
        case T_ORG:
                return len >= 4 ? org_kind_of(pkt_load_be32(b), b, len) : KIND(bytes_kind);
        default:
                return KIND(bytes_kind);
        }
}

/* Past the End of LLDPDU TLV: where an iteration that has seen it resumes. */
#define AFTER_END UINT32_MAX

static int
tlvlist_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? 0 : e->next, end = v->wire_len, cap = v->caplen;

        if (pos >= end || pos >= cap)
                return 0;
        e->off = pos;
        e->len = cap - pos;
        e->next = AFTER_END;
        if (cap - pos < LLDP_TLV_HDR_LEN) {
                e->flags |=
                        end - pos >= LLDP_TLV_HDR_LEN ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        uint16_t type_len = pkt_load_be16(v->b + pos);
        uint32_t len = LLDP_TLV_HDR_LEN + (type_len & LLDP_TLV_LEN_MAX);
        if (len > end - pos) {
                e->flags |= PKT_LAYER_MALFORMED;
                return 1;
        }
        if (len > cap - pos) {
                e->flags |= PKT_LAYER_TRUNCATED;
                return 1;
        }
        struct kind k = tlv_kind(type_len >> LLDP_TLV_LEN_BITS, v->b + pos + LLDP_TLV_HDR_LEN,
                                 len - LLDP_TLV_HDR_LEN);
        e->len = len;
        e->data_off = LLDP_TLV_HDR_LEN;
        e->kind_fields = k.fields;
        e->n_kind_fields = k.n;
        if (type_len >> LLDP_TLV_LEN_BITS != T_END)
                e->next = pos + len;
        return 1;
}

static const struct pkt_elem_set lldp_elems[] = {
        { .name = "tlvlist",
          .elem_name = "tlv",
          .next = tlvlist_next,
          .fields = lldp_tlv_fields,
          .n_fields = ARRAY_SIZE(lldp_tlv_fields) },
};

/* The header is every TLV up to the End TLV (or the frame's end, without one: then a capture cut
 * after a whole TLV leaves the layer truncated). It is malformed when a TLV runs past the frame, or
 * when it does not start with the chassis ID, port ID and TTL TLVs, in that order
 * (802.1AB 9.2.7.7.1: such an LLDPDU is discarded). */
static void
lldp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        static const uint8_t mandatory[] = { T_CHASSIS, T_PORT, T_TTL };
        struct pkt_elem e = PKT_ELEM_INIT;

        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        d->flags |= PKT_DISSECT_ENDS_HERE;
        while (tlvlist_next(v, &e) == 1) {
                if (e.flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED)) {
                        d->flags |= e.flags & PKT_LAYER_MALFORMED;
                        return;
                }
                if (e.count < sizeof(mandatory) && v->b[e.off] >> 1 != mandatory[e.count])
                        d->flags |= PKT_LAYER_MALFORMED;
                if (e.next == AFTER_END) {
                        d->hdr_len = e.off + e.len;
                        return;
                }
                e.count++;
        }
}

/* An argument that names no field of @kind (nor "tlv_len"), or one without a name where the kind
 * has more than one field, or -1 when there is none. */
static int
unknown_arg(struct kind kind, const struct pkt_spec_arg *args, int n)
{
        for (int k = 0; k < n; k++) {
                bool known = args[k].key[0] ? strcmp(args[k].key, "tlv_len") == 0
                                            : kind.n == 1 && k == 0;
                for (unsigned f = 0; f < kind.n && !known; f++)
                        known = strcmp(kind.fields[f].name, args[k].key) == 0;
                if (!known)
                        return k;
        }
        return -1;
}

/* The family an address in @text is written in. */
static uint8_t
family_of(const char *text)
{
        if (strchr(text, '.') && !strchr(text, ':'))
                return AF_IP4;
        return pkt_text_is_mac(text) ? AF_802 : AF_IP6;
}

/*
 * The fields of the TLV that element text @type (@args) builds, as tlv_kind() reads them back, and
 * the address family to write where the text gives none. An ID's form is its subtype's (with the
 * family of its value for a network address), a management address's that of its address. Returns
 * 0 or -EINVAL (a subtype or family that is neither a name nor a number).
 */
static int
build_kind(unsigned type, const struct pkt_spec_arg *args, int n, struct kind *ret_kind,
           uint8_t *ret_family)
{
        bool mgmt = type == T_MGMT;
        const char *value = pkt_spec_arg(args, n, mgmt ? "addrval" : "value", -1);
        const struct pkt_name *subtypes = mgmt                ? family_names
                                          : type == T_CHASSIS ? chassis_subtype_names
                                                              : port_subtype_names;
        int sub = pkt_spec_named(args, n, mgmt ? "addrsubtype" : "subtype", subtypes, UINT8_MAX, -1);
        int family = pkt_spec_named(args, n, "family", family_names, UINT8_MAX, -1);

        if (sub == -EINVAL || family == -EINVAL)
                return -EINVAL;
        if (mgmt && sub >= 0)
                family = sub;
        else if (family < 0)
                family = value ? family_of(value) : AF_IP4;
        *ret_family = (uint8_t)family;
        switch (type) {
        case T_CHASSIS:
        case T_PORT: {
                /* The length the ID will have in the form its subtype and family give it. */
                const uint8_t b[2] = { (uint8_t)MAX(sub, 0), (uint8_t)family };
                *ret_kind = tlv_kind(type, b,
                                     family == AF_IP4   ? ID_IP4_LEN
                                     : family == AF_IP6 ? ID_IP6_LEN
                                                        : ID_MAC_LEN);
                return 0;
        }
        case T_MGMT:
                *ret_kind = family == AF_IP4   ? KIND(mgmt_ip4)
                            : family == AF_IP6 ? KIND(mgmt_ip6)
                            : family == AF_802 ? KIND(mgmt_mac)
                                               : KIND(mgmt_other);
                return 0;
        case T_ORG: {
                /* The first form of the OUI and subtype given (the defaults of neither: bytes). */
                uint32_t oui = 0, subtype = 0;
                const char *o = pkt_spec_arg(args, n, "oui", -1),
                           *st = pkt_spec_arg(args, n, "subtype", -1);
                *ret_kind = KIND(org_kind);
                if (!o || !st || pkt_spec_arg(args, n, "value", -1) ||
                    pkt_name_value(NULL, o, 0xffffff, &oui) < 0 ||
                    pkt_name_value(NULL, st, 0xff, &subtype) < 0)
                        return 0;
                for (size_t i = 0; i < ARRAY_SIZE(org_forms); i++)
                        if (org_forms[i].oui_subtype == OS(oui, subtype)) {
                                *ret_kind = org_forms[i].kind;
                                break;
                        }
                return 0;
        }
        default:
                *ret_kind = tlv_kind(type, NULL,
                                     type == T_TTL    ? TTL_LEN
                                     : type == T_CAPS ? CAPS_LEN
                                                      : 0);
                return 0;
        }
}

/* Writes integer field @f (its value from @text, or its default) @bit bits into @out. Returns 0 or
 * -errno. */
static int
put_bits(const struct pkt_field *f, const char *text, uint8_t *out, size_t size, uint32_t bit)
{
        uint64_t u = f->def;
        uint8_t scratch[8];
        int r;

        if (f->bits > 8 || (bit + f->bits + 7) / 8 > size)
                return f->bits > 8 ? -EINVAL : -EMSGSIZE;
        if (text && (r = pkt_spec_value(f, text, &u, scratch, sizeof(scratch))) < 0)
                return r;
        if (bit == 0)
                out[0] = 0;
        pkt_bits_write(out, bit, f->bits, false, u);
        return 0;
}

/* A TLV from "kind(field=value,...)" ("ttl(120)", "sysname(\"sw1\")" for a one-field kind): its
 * type by name or number, its fields in order, each from the argument of its name or its default;
 * the lengths computed unless given. */
static int
lldp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                uint8_t *out, size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[LLDP_ARGS_MAX];
        char name[32];
        uint8_t family;
        uint32_t type;
        int n;

        (void)v;
        (void)set;
        *ret_at = hdr_len;
        n = pkt_spec_split(text, name, sizeof(name), args, LLDP_ARGS_MAX);
        if (n < 0)
                return n;
        /* "tlv(type_len=...,tlv_type=1,tlv_len=7,...)", the JSON writer's form: the type is tlv_type,
         * and the header is computed. */
        if (strcmp(name, "tlv") == 0) {
                static const char *const header[] = { "type_len", "tlv_type", "tlv_len", NULL };
                const char *t = pkt_spec_arg(args, n, "tlv_type", -1);
                if (!t || pkt_name_value(tlv_names, t, LLDP_TLV_TYPE_MAX, &type) < 0)
                        return -EINVAL;
                n = pkt_spec_args_without(args, n, header, args);
        } else if (pkt_name_value(tlv_names, name, LLDP_TLV_TYPE_MAX, &type) < 0) {
                return -EINVAL;
        }
        struct kind kind;
        int r = build_kind((unsigned)type, args, n, &kind, &family);
        if (r < 0)
                return r;
        if (unknown_arg(kind, args, n) >= 0)
                return -ENOENT;
        size = MIN(size, LLDP_TLV_HDR_LEN + LLDP_TLV_LEN_MAX);
        if (size < LLDP_TLV_HDR_LEN)
                return -EMSGSIZE;
        uint32_t len = LLDP_TLV_HDR_LEN, count_at = 0, bits = 0;
        for (unsigned f = 0; f < kind.n; f++) {
                const struct pkt_field *fd = &kind.fields[f];
                const char *val = pkt_spec_arg(args, n, fd->name, kind.n == 1 ? 0 : -1);
                if (fd->bits % 8 || bits) {
                        /* Fields narrower than a byte (802.3at's power type, source, priority) are
                         * packed, a byte at a time. */
                        if ((r = put_bits(fd, val, out + len, size - len, bits)) < 0)
                                return r;
                        bits += fd->bits;
                        len += bits / 8;
                        bits %= 8;
                        continue;
                }
                if (!val &&
                    (strcmp(fd->name, "family") == 0 || strcmp(fd->name, "addrsubtype") == 0)) {
                        if (len >= size)
                                return -EMSGSIZE;
                        out[len] = family;
                        r = 1;
                } else {
                        r = pkt_spec_field(fd, val, out + len, size - len);
                }
                if (r < 0)
                        return r;
                if (fd->flags & PKT_FF_COUNTED && count_at &&
                    !pkt_spec_arg(args, n, kind.fields[f - 1].name, -1))
                        out[count_at] = (uint8_t)r;
                if (f + 1 < kind.n && kind.fields[f + 1].flags & PKT_FF_COUNTED)
                        count_at = len;
                len += (uint32_t)r;
        }
        /* The management address's length counts its subtype and address. */
        if (type == T_MGMT && !pkt_spec_arg(args, n, "addrlen", -1) && kind.fields != mgmt_other)
                out[LLDP_TLV_HDR_LEN] = (uint8_t)(1 + kind.fields[F_ADDRVAL].bits / 8);
        const char *given = pkt_spec_arg(args, n, "tlv_len", -1);
        uint32_t tlv_len = len - LLDP_TLV_HDR_LEN;
        if (given && pkt_name_value(NULL, given, UINT32_MAX, &tlv_len) < 0)
                return -EINVAL;
        if (tlv_len > LLDP_TLV_LEN_MAX)
                return -ERANGE;
        pkt_store_be16(out, (uint16_t)(type << LLDP_TLV_LEN_BITS | tlv_len));
        return (int)len;
}

static const struct pkt_key lldp_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x88cc },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_lldp = {
        .name = "lldp",
        .summary = "Link Layer Discovery Protocol (IEEE 802.1AB)",
        .id = PKT_PROTO_LLDP,
        .min_hdr_len = 0,
        .elems = lldp_elems,
        .n_elems = ARRAY_SIZE(lldp_elems),
        .carriers = lldp_carriers,
        .dissect = lldp_dissect,
        .elem_build = lldp_elem_build,
        .not_dissected =
                "organizationally specific TLVs other than IEEE 802.1's port VLAN, port and "
                "protocol VLAN, VLAN name and protocol identity and IEEE 802.3's MAC/PHY, power "
                "via MDI, link aggregation and maximum frame size (LLDP-MED, DCBX: OUI, subtype, "
                "value bytes)",
};
