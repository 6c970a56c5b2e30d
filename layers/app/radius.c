/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RADIUS (RFC 2865 3, accounting RFC 2866, dynamic authorization RFC 5176).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Code      |  Identifier   |            Length             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         Authenticator (16)                    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Attributes: Type (1) | Length (1) | Value ...
 *
 * The whole message (Length bytes) is the layer's header; bytes past Length are padding (RFC 2865 3:
 * "octets outside the range of the Length field MUST be treated as padding") and stay UDP payload.
 * Attributes are the element set "attributes" (pypacker's Radius.attributes); a Vendor-Specific
 * attribute (26) carries a vendor id and, in the RFC 2865 5.26 suggested format, sub-attributes, which
 * the set "vsas" walks across all Vendor-Specific attributes of the message. Length is an auto field;
 * the authenticator is not: it needs the shared secret, so it is whatever the user sets.
 */
#include <string.h>

#include "internal.h"
#include "forms.h"
#include "tlv.h"

#define RADIUS_HDR_LEN 20
#define RADIUS_VSA 26

/* clang-format off */
static const struct pkt_name radius_code_names[] = {
        { 1, "Access-Request" }, { 2, "Access-Accept" }, { 3, "Access-Reject" },
        { 4, "Accounting-Request" }, { 5, "Accounting-Response" }, { 11, "Access-Challenge" },
        { 12, "Status-Server" }, { 13, "Status-Client" }, { 40, "Disconnect-Request" },
        { 41, "Disconnect-ACK" }, { 42, "Disconnect-NAK" }, { 43, "CoA-Request" }, { 44, "CoA-ACK" },
        { 45, "CoA-NAK" }, { 0, NULL },
};

/* RFC 2865 5, RFC 2866 5, RFC 2869 5. */
static const struct pkt_name radius_attr_names[] = {
        { 1, "User-Name" }, { 2, "User-Password" }, { 3, "CHAP-Password" }, { 4, "NAS-IP-Address" },
        { 5, "NAS-Port" }, { 6, "Service-Type" }, { 7, "Framed-Protocol" }, { 8, "Framed-IP-Address" },
        { 9, "Framed-IP-Netmask" }, { 10, "Framed-Routing" }, { 11, "Filter-Id" }, { 12, "Framed-MTU" },
        { 13, "Framed-Compression" }, { 14, "Login-IP-Host" }, { 15, "Login-Service" },
        { 16, "Login-TCP-Port" }, { 18, "Reply-Message" }, { 19, "Callback-Number" },
        { 20, "Callback-Id" }, { 22, "Framed-Route" }, { 23, "Framed-IPX-Network" }, { 24, "State" },
        { 25, "Class" }, { 26, "Vendor-Specific" }, { 27, "Session-Timeout" }, { 28, "Idle-Timeout" },
        { 29, "Termination-Action" }, { 30, "Called-Station-Id" }, { 31, "Calling-Station-Id" },
        { 32, "NAS-Identifier" }, { 33, "Proxy-State" }, { 34, "Login-LAT-Service" },
        { 35, "Login-LAT-Node" }, { 36, "Login-LAT-Group" }, { 37, "Framed-AppleTalk-Link" },
        { 38, "Framed-AppleTalk-Network" }, { 39, "Framed-AppleTalk-Zone" }, { 40, "Acct-Status-Type" },
        { 41, "Acct-Delay-Time" }, { 42, "Acct-Input-Octets" }, { 43, "Acct-Output-Octets" },
        { 44, "Acct-Session-Id" }, { 45, "Acct-Authentic" }, { 46, "Acct-Session-Time" },
        { 47, "Acct-Input-Packets" }, { 48, "Acct-Output-Packets" }, { 49, "Acct-Terminate-Cause" },
        { 50, "Acct-Multi-Session-Id" }, { 51, "Acct-Link-Count" }, { 52, "Acct-Input-Gigawords" },
        { 53, "Acct-Output-Gigawords" }, { 55, "Event-Timestamp" }, { 60, "CHAP-Challenge" },
        { 61, "NAS-Port-Type" }, { 62, "Port-Limit" }, { 63, "Login-LAT-Port" },
        { 77, "Connect-Info" }, { 79, "EAP-Message" }, { 80, "Message-Authenticator" },
        { 87, "NAS-Port-Id" }, { 95, "NAS-IPv6-Address" }, { 101, "Error-Cause" }, { 0, NULL },
};

static const struct pkt_field radius_fields[] = {
        { .name = "code", .off = 0,  .bits = 8,   .type = PKT_FT_ENUM, .names = radius_code_names, .def = 1 },
        { .name = "id",   .off = 8,  .bits = 8,   .type = PKT_FT_UINT },
        { .name = "len",  .off = 16, .bits = 16,  .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = RADIUS_HDR_LEN },
        { .name = "auth", .off = 32, .bits = 128, .type = PKT_FT_BYTES },
};

static const struct pkt_field attr_fields[] = {
        { .name = "type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = radius_attr_names },
        { .name = "len",  .off = 8, .bits = 8, .type = PKT_FT_UINT },
};

/* Values by data type (RFC 2865 5: text, string, address, integer). */
static const struct pkt_field text_value[] = { { .name = "value", .off = 0, .type = PKT_FT_STRING } };
static const struct pkt_field addr_value[] = { { .name = "value", .off = 0, .bits = 32, .type = PKT_FT_IPV4 } };
static const struct pkt_field int_value[] = { PKT_U("value", 0, 32) };
static const struct pkt_field ip6_value[] = { { .name = "value", .off = 0, .bits = 128, .type = PKT_FT_IPV6 } };
static const struct pkt_field bytes_value[] = { { .name = "value", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field vsa_value[] = {
        PKT_U("vendor", 0, 32),
        { .name = "value", .off = 32, .type = PKT_FT_BYTES },
};

static const struct pkt_field vsa_fields[] = {
        PKT_U("type", 0, 8),
        PKT_U("len", 8, 8),
        { .name = "value", .off = 16, .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_CODE, F_ID, F_LEN, F_AUTH };

static const struct pkt_field *
attr_kind(uint8_t type, uint8_t *ret_n)
{
        *ret_n = 1;
        switch (type) {
        case 1: case 11: case 18: case 19: case 20: case 22: case 30: case 31: case 32: case 34:
        case 35: case 36: case 39: case 44: case 50: case 63: case 77: case 87:
                return text_value;
        case 4: case 8: case 9: case 14:
                return addr_value;
        case 5: case 6: case 7: case 10: case 12: case 13: case 15: case 16: case 27: case 28:
        case 29: case 37: case 38: case 40: case 41: case 42: case 43: case 45: case 46: case 47:
        case 48: case 49: case 51: case 52: case 53: case 55: case 61: case 62: case 101:
                return int_value;
        case 95:
                return ip6_value;
        case RADIUS_VSA:
                *ret_n = 2;
                return vsa_value;
        default:
                return bytes_value;
        }
}

/* Where the attributes end: Length, or the captured bytes when fewer. */
static uint32_t
msg_end(const struct pkt_view *v)
{
        return MIN((uint32_t)tlv_be16(v->b + 2), v->caplen);
}

/* The attribute at @pos: 1 and its length in *@ret_len, or 0 when it cannot be walked past. */
static bool
attr_at(const struct pkt_view *v, uint32_t pos, uint32_t end, uint32_t *ret_len)
{
        uint8_t l;

        if (!pkt_rd_u8(v, pos + 1, &l) || pos + 1 >= end || l < 2 || l > end - pos)
                return false;
        *ret_len = l;
        return true;
}

static int
attributes_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? RADIUS_HDR_LEN : e->next, end = msg_end(v), len;
        uint8_t n;

        if (pos >= end)
                return 0;
        e->off = pos;
        if (!attr_at(v, pos, end, &len)) {
                e->len = end - pos;
                e->flags |= end < tlv_be16(v->b + 2) ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                e->next = end;
                return 1;
        }
        e->len = len;
        e->next = pos + len;
        e->data_off = 2;
        e->kind_fields = attr_kind(v->b[pos], &n);
        e->n_kind_fields = n;
        return 1;
}

/*
 * Sub-attributes of Vendor-Specific attributes in the RFC 2865 5.26 suggested format (vendor-type,
 * vendor-length, value), across all Vendor-Specific attributes of the message; the vendor id is the
 * attribute's. e->next is where the next sub-attribute starts; a vendor with another layout shows as one
 * malformed sub-attribute.
 */
static int
vsas_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t end = msg_end(v), pos = RADIUS_HDR_LEN, len;

        /* Bounded: every step moves forward by at least two bytes. */
        while (pos < end && attr_at(v, pos, end, &len)) {
                uint32_t sub = MAX(e->next, pos + 6), attr_end = pos + len;
                if (v->b[pos] != RADIUS_VSA || len < 8 || sub >= attr_end) {
                        pos = attr_end;
                        continue;
                }
                uint8_t sl = sub + 1 < attr_end ? v->b[sub + 1] : 0;
                e->off = sub;
                if (sl < 2 || sl > attr_end - sub) {
                        e->len = attr_end - sub;
                        e->flags |= PKT_LAYER_MALFORMED;
                        e->next = end;
                        return 1;
                }
                e->len = sl;
                e->next = sub + sl;
                return 1;
        }
        return 0;
}

static const struct pkt_elem_set radius_elems[] = {
        { .name = "attributes", .elem_name = "attribute", .next = attributes_next, .fields = attr_fields,
          .n_fields = ARRAY_SIZE(attr_fields) },
        /* Read from inside the Vendor-Specific attributes that carry them. */
        { .name = "vsas", .elem_name = "vsa", .next = vsas_next, .fields = vsa_fields,
          .n_fields = ARRAY_SIZE(vsa_fields), .flags = PKT_ES_LISTED },
};

static bool
attrs_are_valid(const struct pkt_view *v, uint32_t end)
{
        uint32_t pos = RADIUS_HDR_LEN, len;

        while (pos < end) {
                if (!attr_at(v, pos, end, &len))
                        return false;
                pos += len;
        }
        return true;
}

static void
radius_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t len = tlv_be16(v->b + 2);

        d->payload_len = 0;
        /* RFC 2865 3: a Length below the minimum is silently discarded: keep the fixed header. */
        if (len < RADIUS_HDR_LEN) {
                d->flags |= PKT_LAYER_MALFORMED;
                return;
        }
        d->hdr_len = len;
        if (len <= v->caplen && !attrs_are_valid(v, len))
                d->flags |= PKT_LAYER_MALFORMED;
}

static int
radius_update(struct pkt *p, unsigned idx)
{
        return pkt_auto_set(p, idx, F_LEN, MIN(p->layers[idx].hdr_len, 0xffffu));
}

/* An attribute from "Name(value)", "Name(data=hex)", "Vendor-Specific(vendor=9,data=...)" or, as the
 * JSON writer gives it, "attribute(type=4,len=6,value=10.0.0.1)" (the length is computed). */
static int
radius_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                  size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[TLV_ARGS_MAX], fields[TLV_ARGS_MAX];
        uint32_t type;
        uint8_t n;
        int na, nf, r;

        (void)v;
        *ret_at = hdr_len;
        (void)set; /* attributes: vsas is listed */
        nf = pkt_form_split(text, "attribute", radius_attr_names, 255, &type, args, &na, fields, TLV_ARGS_MAX);
        if (nf < 0)
                return nf;
        if (size < 2)
                return -EMSGSIZE;
        const struct pkt_field *kf = attr_kind((uint8_t)type, &n);
        r = tlv_encode_args(kf, n, fields, nf, out + 2, MIN(size, 255u) - 2);
        if (r < 0)
                return r;
        out[0] = (uint8_t)type;
        out[1] = (uint8_t)(r + 2);
        return r + 2;
}

/* IANA: 1812/1813 (RFC 2865/2866), 1645/1646 (the old ports), 1700 and 3799 (RFC 5176 CoA). */
static const struct pkt_key radius_carriers[] = {
        { PKT_KEY_UDP_PORT, 1812 }, { PKT_KEY_UDP_PORT, 1813 }, { PKT_KEY_UDP_PORT, 1645 },
        { PKT_KEY_UDP_PORT, 1646 }, { PKT_KEY_UDP_PORT, 1700 }, { PKT_KEY_UDP_PORT, 3799 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_radius = {
        .name = "radius",
        .summary = "Remote Authentication Dial In User Service (RFC 2865)",
        .id = PKT_PROTO_RADIUS,
        .min_hdr_len = RADIUS_HDR_LEN,
        .fields = radius_fields,
        .n_fields = ARRAY_SIZE(radius_fields),
        .elems = radius_elems,
        .n_elems = ARRAY_SIZE(radius_elems),
        .carriers = radius_carriers,
        .dissect = radius_dissect,
        .update = radius_update,
        .elem_build = radius_elem_build,
};
