/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cisco Hot Standby Router Protocol, version 2 (no RFC: Cisco's "HSRP Version 2" documentation, and
 * Wireshark's dissector for the layouts): version 1's port 1985 (to 224.0.0.102), and 2029 for IPv6
 * groups. A message is TLVs, each a 1-byte type and a 1-byte length of its value:
 *
 *   1  Group State (40):   version 2, opcode, state, IP version, group (16 bits), identifier (the
 *                          sender's MAC), priority, hello and hold times (ms, 32 bits each), the
 *                          virtual address (16 bytes: an IPv4 one in the first 4)
 *   2  Interface State (4): active and passive groups
 *   3  Text Authentication (8): the password, padded with NULs
 *   4  MD5 Authentication (28): algorithm, padding, flags, IP address, key id, digest (16)
 *
 * HSRP's ports carry both versions; HSRP's dispatch hook (hsrp.c) hands a message that starts with one
 * of these TLVs here. The field names are tshark's (hsrp2.*; pypacker and scapy have no version 2).
 * Elements build from "group_state(group=10,virt_ip=192.0.2.1,...)", "text_auth(auth_data=\"cisco\")"
 * and the like, or from the JSON form "tlv(type=1,len=40,...)".
 */
#include <stdlib.h>

#include "forms.h"
#include "hsrp.h"
#include "tlv16.h"

enum {
        TLV_HDR_LEN = 2,
        GROUP_STATE = 1,
        INTERFACE_STATE = 2,
        TEXT_AUTH = 3,
        MD5_AUTH = 4,
        GROUP_STATE_LEN = 40,
        IPVERSION_AT = 3, /* in a Group State value */
        HSRP2_ARGS_MAX = 16, /* more arguments than a TLV has fields (Group State: 11, and its type and len) */
};

/* clang-format off */
static const struct pkt_name tlv_names[] = {
        { GROUP_STATE, "group_state" }, { INTERFACE_STATE, "interface_state" }, { TEXT_AUTH, "text_auth" },
        { MD5_AUTH, "md5_auth" }, { 0, NULL },
};

static const struct pkt_name opcode_names[] = {
        { 0, "HELLO" }, { 1, "COUP" }, { 2, "RESIGN" }, { 0, NULL },
};

static const struct pkt_name state_names[] = {
        { 1, "INIT" }, { 2, "LEARN" }, { 3, "LISTEN" }, { 4, "SPEAK" }, { 5, "STANDBY" }, { 6, "ACTIVE" },
        { 0, NULL },
};

static const struct pkt_field tlv_fields[] = {
        { .name = "type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = tlv_names },
        { .name = "len",  .off = 8, .bits = 8, .type = PKT_FT_UINT },
};

/* Defaults: an active router's hello for group 1, with Cisco's default times and priority. */
#define GROUP_STATE_HEAD                                                                                         \
        { .name = "version",   .off = 0,   .bits = 8,  .type = PKT_FT_UINT, .def = 2 },                          \
        { .name = "opcode",    .off = 8,   .bits = 8,  .type = PKT_FT_ENUM, .names = opcode_names },             \
        { .name = "state",     .off = 16,  .bits = 8,  .type = PKT_FT_ENUM, .names = state_names, .def = 6 },    \
        { .name = "ipversion", .off = 24,  .bits = 8,  .type = PKT_FT_UINT, .def = 4 },                          \
        { .name = "group",     .off = 32,  .bits = 16, .type = PKT_FT_UINT, .def = 1 },                          \
        { .name = "identifier", .off = 48, .bits = 48, .type = PKT_FT_MAC },                                     \
        { .name = "priority",  .off = 96,  .bits = 32, .type = PKT_FT_UINT, .def = 100 },                        \
        { .name = "hellotime", .off = 128, .bits = 32, .type = PKT_FT_UINT, .def = 3000 },                       \
        { .name = "holdtime",  .off = 160, .bits = 32, .type = PKT_FT_UINT, .def = 10000 }

static const struct pkt_field group_state_v4_fields[] = {
        GROUP_STATE_HEAD,
        { .name = "virt_ip",     .off = 192, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "virt_ip_pad", .off = 224, .bits = 96, .type = PKT_FT_BYTES },
};

static const struct pkt_field group_state_v6_fields[] = {
        GROUP_STATE_HEAD,
        { .name = "virt_ip_v6", .off = 192, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field interface_state_fields[] = {
        { .name = "active_groups",  .off = 0,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "passive_groups", .off = 16, .bits = 16, .type = PKT_FT_UINT },
};

static const struct pkt_field text_auth_fields[] = {
        { .name = "auth_data", .off = 0, .bits = 64, .type = PKT_FT_STRING },
};

static const struct pkt_field md5_auth_fields[] = {
        { .name = "md5_algorithm",  .off = 0,  .bits = 8,   .type = PKT_FT_UINT, .def = 1 },
        { .name = "md5_padding",    .off = 8,  .bits = 8,   .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "md5_flags",      .off = 16, .bits = 16,  .type = PKT_FT_UINT },
        { .name = "md5_ip_address", .off = 32, .bits = 32,  .type = PKT_FT_IPV4 },
        { .name = "md5_key_id",     .off = 64, .bits = 32,  .type = PKT_FT_UINT },
        { .name = "md5_auth_data",  .off = 96, .bits = 128, .type = PKT_FT_BYTES },
};

static const struct pkt_field value_fields[] = {
        { .name = "value", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};

/* Group State's two forms have one length: the IP version byte tells them apart (kind_of()). */
static const struct pkt_form forms[] = {
        { GROUP_STATE, GROUP_STATE_LEN, true, PKT_KIND(group_state_v4_fields) },
        { INTERFACE_STATE, 4, true, PKT_KIND(interface_state_fields) },
        { TEXT_AUTH, 8, true, PKT_KIND(text_auth_fields) },
        { MD5_AUTH, 28, true, PKT_KIND(md5_auth_fields) },
};
/* clang-format on */

bool
pkt_hsrp2_starts(const uint8_t *b, uint32_t len)
{
        const struct pkt_form *f = len >= TLV_HDR_LEN ? pkt_form_of(forms, ARRAY_SIZE(forms), b[0], b[1]) : NULL;

        return f && f->exact;
}

static struct pkt_kind
kind_of(const uint8_t *value, uint32_t type, uint32_t len)
{
        const struct pkt_form *f = pkt_form_of(forms, ARRAY_SIZE(forms), type, len);

        if (!f)
                return PKT_KIND(value_fields);
        if (type == GROUP_STATE && value[IPVERSION_AT] == 6)
                return PKT_KIND(group_state_v6_fields);
        return f->kind;
}

/* TLVs to the end of the datagram; each one's fields by its type and length (a length that fits no
 * form of a known type is flagged, and the walk goes on). */
static int
tlvs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        int r = pkt_tlv8_next(v, 0, v->wire_len, false, e);

        if (r <= 0 || (e->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return r;
        const uint8_t *b = v->b + e->off;
        uint32_t len = e->len - TLV_HDR_LEN;
        if (!pkt_form_of(forms, ARRAY_SIZE(forms), b[0], len) &&
            pkt_form_of(forms, ARRAY_SIZE(forms), b[0], UINT32_MAX))
                e->flags |= PKT_ELEM_BAD_LEN;
        struct pkt_kind k = kind_of(b + TLV_HDR_LEN, b[0], len);
        e->data_off = TLV_HDR_LEN;
        e->kind_fields = k.fields;
        e->n_kind_fields = k.n;
        return 1;
}

static const struct pkt_elem_set hsrp2_elems[] = {
        { .name = "tlvs", .elem_name = "tlv", .next = tlvs_next, .fields = tlv_fields,
          .n_fields = ARRAY_SIZE(tlv_fields) },
};

/* The message is the datagram, all TLVs. */
static void
hsrp2_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        d->flags |= pkt_elems_damage(v, tlvs_next);
}

/* Does a Group State TLV's text ask for an IPv6 group: its IP version, or a virt_ip_v6? */
static bool
wants_ipv6(const struct pkt_spec_arg *fields, int n)
{
        const char *version = pkt_spec_arg(fields, n, "ipversion", -1);

        if (version)
                return strtoul(version, NULL, 0) == 6;
        return pkt_spec_arg(fields, n, "virt_ip_v6", -1) != NULL;
}

static int
hsrp2_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                 size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[HSRP2_ARGS_MAX], fields[HSRP2_ARGS_MAX];
        uint32_t type, len = 0;
        int n, m;

        (void)v, (void)set;
        *ret_at = hdr_len;
        m = pkt_form_split(text, "tlv", tlv_names, UINT8_MAX, &type, args, &n, fields, HSRP2_ARGS_MAX);
        if (m < 0)
                return m;
        if (size < TLV_HDR_LEN)
                return -EMSGSIZE;
        const char *given = pkt_spec_arg(args, n, "len", -1);
        if (given && pkt_name_value(NULL, given, UINT8_MAX, &len) < 0)
                return -EINVAL;
        struct pkt_kind k = PKT_KIND(value_fields);
        const struct pkt_form *f = pkt_form_for_args(forms, ARRAY_SIZE(forms), type, fields, m);
        if (f)
                k = type == GROUP_STATE && wants_ipv6(fields, m) ? PKT_KIND(group_state_v6_fields) : f->kind;
        int r = pkt_spec_encode(k.fields, k.n, fields, m, out + TLV_HDR_LEN, size - TLV_HDR_LEN);
        if (r < 0)
                return r;
        if (r > UINT8_MAX)
                return -EMSGSIZE;
        if (k.fields == group_state_v6_fields && !pkt_spec_arg(fields, m, "ipversion", -1))
                out[TLV_HDR_LEN + IPVERSION_AT] = 6;
        out[0] = (uint8_t)type;
        out[1] = (uint8_t)(given ? len : (uint32_t)r);
        return TLV_HDR_LEN + r;
}

const struct pkt_proto pkt_proto_hsrp2 = {
        .name = "hsrp2",
        .summary = "Cisco Hot Standby Router Protocol version 2 (no RFC): TLVs",
        .id = PKT_PROTO_HSRP2,
        .flags = PKT_P_DISPATCHED,
        .min_hdr_len = 0, /* all TLVs: a new message has none until they are added */
        .elems = hsrp2_elems,
        .n_elems = ARRAY_SIZE(hsrp2_elems),
        .carriers = pkt_hsrp_carriers,
        .dissect = hsrp2_dissect,
        .elem_build = hsrp2_elem_build,
};
