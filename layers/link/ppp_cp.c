/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP's control protocols: the Link Control Protocol (RFC 1661 5, 6) and the network control
 * protocols that share its packet format: IPCP (RFC 1332, 1877), IPV6CP (RFC 5072) and CCP
 * (RFC 1962).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     code      |      id       |              len              |   lcp, ipcp, ipv6cp, ccp
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Configure-Request, -Ack, -Nak, -Reject: options, each        |   options
 *  |  type (1), length (1, counting both), data                    |
 *  |  LCP Protocol-Reject: protocol, the rejected information      |   lcpprotocolreject
 *  |  LCP Echo-Request, -Reply, Discard-Request: magic, data       |   lcpecho
 *  |  LCP Identification: magic, message (RFC 1570)                |   lcpidentification
 *  |  LCP Time-Remaining: magic, seconds, message (RFC 1570)       |   lcptimeremaining
 *  |  the other codes (Terminate, Code-Reject, CCP's Reset): data, raw
 *
 * The length counts the whole packet, and what follows it is the carrier's padding (RFC 1661 5).
 * A Configure packet's options are its header. The other codes' body is a sub-layer chosen by the
 * code, as ICMP's are. Names are scapy's (scapy.layers.ppp) where it has them: code, id, len, the
 * options' type and len, max_recv_unit, accm, auth_protocol, algorithm, quality_protocol,
 * magic_number, operation, message.
 *
 * Options read and build by kind from a table of forms (forms.h); one whose type has forms but
 * whose length fits none (an MRU of 3 bytes) is flagged, and the walk goes on after it.
 */
#include "forms.h"
#include "internal.h"
#include "ppp.h"
#include "tlv16.h"

#define OPT_HDR_LEN 2
#define MAGIC_LEN   4

enum cp_code {
        CONF_REQ = 1,
        CONF_ACK,
        CONF_NAK,
        CONF_REJ,
        TERM_REQ,
        TERM_ACK,
        CODE_REJ,
        PROTO_REJ,
        ECHO_REQ,
        ECHO_REPLY,
        DISCARD_REQ,
        IDENTIFICATION,
        TIME_REMAINING,
        RESET_REQ,
        RESET_ACK,
};

/* clang-format off */
#define CP_CODE_NAMES                                                                               \
        { CONF_REQ, "Configure-Request" }, { CONF_ACK, "Configure-Ack" },                           \
        { CONF_NAK, "Configure-Nak" }, { CONF_REJ, "Configure-Reject" },                            \
        { TERM_REQ, "Terminate-Request" }, { TERM_ACK, "Terminate-Ack" }, { CODE_REJ, "Code-Reject" }

static const struct pkt_name ncp_code_names[] = { CP_CODE_NAMES, { 0, NULL } };
static const struct pkt_name lcp_code_names[] = {
        CP_CODE_NAMES, { PROTO_REJ, "Protocol-Reject" }, { ECHO_REQ, "Echo-Request" },
        { ECHO_REPLY, "Echo-Reply" }, { DISCARD_REQ, "Discard-Request" },
        { IDENTIFICATION, "Identification" }, { TIME_REMAINING, "Time-Remaining" }, { 0, NULL },
};
static const struct pkt_name ccp_code_names[] = {
        CP_CODE_NAMES, { RESET_REQ, "Reset-Request" }, { RESET_ACK, "Reset-Ack" }, { 0, NULL },
};

/* In the order of enum { PPP_F_CODE, PPP_F_ID, PPP_F_LEN } (ppp.h). */
#define CP_FIELDS(code_names)                                                                       \
        { .name = "code", .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .names = (code_names), .def = CONF_REQ }, \
        { .name = "id",   .off = 8,  .bits = 8,  .type = PKT_FT_UINT },                             \
        { .name = "len",  .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = PPP_PACKET_HDR_LEN }

static const struct pkt_field lcp_fields[] = { CP_FIELDS(lcp_code_names) };
static const struct pkt_field ncp_fields[] = { CP_FIELDS(ncp_code_names) };
static const struct pkt_field ccp_fields[] = { CP_FIELDS(ccp_code_names) };

/* IANA's PPP LCP Configuration Option Types. */
static const struct pkt_name lcp_option_names[] = {
        { 0, "Vendor-Specific" }, { 1, "Maximum-Receive-Unit" }, { 2, "Async-Control-Character-Map" },
        { 3, "Authentication-Protocol" }, { 4, "Quality-Protocol" }, { 5, "Magic-Number" },
        { 7, "Protocol-Field-Compression" }, { 8, "Address-and-Control-Field-Compression" },
        { 9, "FCS-Alternatives" }, { 10, "Self-Describing-Pad" }, { 11, "Numbered-Mode" },
        { 13, "Callback" }, { 17, "Multilink-MRRU" }, { 18, "Multilink-Short-Sequence" },
        { 19, "Multilink-Endpoint-Discriminator" }, { 23, "Link-Discriminator" }, { 0, NULL },
};
/* IANA's IP Control Protocol Configuration Option Types (RFC 1332, 1877, 2290). */
static const struct pkt_name ipcp_option_names[] = {
        { 1, "IP-Addresses" }, { 2, "IP-Compression-Protocol" }, { 3, "IP-Address" },
        { 4, "Mobile-IPv4" }, { 129, "Primary-DNS-Server" }, { 130, "Primary-NBNS-Server" },
        { 131, "Secondary-DNS-Server" }, { 132, "Secondary-NBNS-Server" }, { 0, NULL },
};
static const struct pkt_name ipv6cp_option_names[] = {
        { 1, "Interface-Identifier" }, { 2, "IPv6-Compression-Protocol" }, { 0, NULL },
};
/* IANA's PPP Compression Control Protocol option types, those in use. */
static const struct pkt_name ccp_option_names[] = {
        { 0, "OUI" }, { 1, "Predictor-1" }, { 2, "Predictor-2" }, { 17, "Stac-LZS" }, { 18, "MPPC" },
        { 21, "BSD-Compress" }, { 24, "Magnalink" }, { 26, "Deflate" }, { 0, NULL },
};

static const struct pkt_name auth_protocol_names[] = {
        { 0xc023, "PAP" }, { 0xc223, "CHAP" }, { 0xc227, "EAP" }, { 0, NULL },
};
static const struct pkt_name chap_algorithm_names[] = {
        { 5, "MD5" }, { 6, "SHA1" }, { 0x80, "MS-CHAP" }, { 0x81, "MS-CHAPv2" }, { 0, NULL },
};
static const struct pkt_name callback_operation_names[] = {
        { 0, "Location-Determined" }, { 1, "Dialing-String" }, { 2, "Location-Identifier" },
        { 3, "E.164" }, { 4, "Distinguished-Name" }, { 6, "Location-Is-Determined" }, { 0, NULL },
};
/* RFC 1990 5.1.3. */
static const struct pkt_name endpoint_class_names[] = {
        { 0, "Null" }, { 1, "Locally-Assigned" }, { 2, "IP-Address" }, { 3, "MAC-Address" },
        { 4, "Magic-Number-Block" }, { 5, "Phone-Number" }, { 0, NULL },
};
static const struct pkt_name ip_compression_names[] = {
        { 0x0003, "ROHC" }, { 0x002d, "Van-Jacobson" }, { 0x0061, "IPHC" }, { 0, NULL },
};
/* RFC 1570 2.1. */
static const struct pkt_name fcs_names[] = {
        { 1, "NULL" }, { 2, "CCITT-16" }, { 4, "CCITT-32" }, { 0, NULL },
};

static const struct pkt_field option_fields_lcp[] = {
        { .name = "type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = lcp_option_names },
        PKT_U("len", 8, 8),
};
static const struct pkt_field option_fields_ipcp[] = {
        { .name = "type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = ipcp_option_names },
        PKT_U("len", 8, 8),
};
static const struct pkt_field option_fields_ipv6cp[] = {
        { .name = "type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = ipv6cp_option_names },
        PKT_U("len", 8, 8),
};
static const struct pkt_field option_fields_ccp[] = {
        { .name = "type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = ccp_option_names },
        PKT_U("len", 8, 8),
};

#define DATA(at) { .name = "data", .off = (at), .type = PKT_FT_BYTES }
#define HEX(n, o, b) { .name = (n), .off = (o), .bits = (b), .type = PKT_FT_UINT, .flags = PKT_FF_HEX }
#define ENUM16(n, value_names) { .name = (n), .off = 0, .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = (value_names) }
#define ADDRESS(n, o) { .name = (n), .off = (o), .bits = 32, .type = PKT_FT_IPV4 }

static const struct pkt_field data_kind[] = { DATA(0) };
static const struct pkt_field vendor_kind[] = { HEX("oui", 0, 24), PKT_U("kind", 24, 8), DATA(32) };
static const struct pkt_field mru_kind[] = { PKT_U("max_recv_unit", 0, 16) };
static const struct pkt_field accm_kind[] = { HEX("accm", 0, 32) };
static const struct pkt_field auth_kind[] = { ENUM16("auth_protocol", auth_protocol_names), DATA(16) };
static const struct pkt_field auth_chap_kind[] = {
        ENUM16("auth_protocol", auth_protocol_names),
        { .name = "algorithm", .off = 16, .bits = 8, .type = PKT_FT_ENUM, .names = chap_algorithm_names, .def = 5 },
};
static const struct pkt_field quality_kind[] = { HEX("quality_protocol", 0, 16), DATA(16) };
static const struct pkt_field quality_lqr_kind[] = { HEX("quality_protocol", 0, 16), PKT_U("reporting_period", 16, 32) };
static const struct pkt_field magic_kind[] = { HEX("magic_number", 0, 32) };
static const struct pkt_field fcs_kind[] = {
        { .name = "fcs_alternatives", .off = 0, .bits = 8, .type = PKT_FT_FLAGS, .names = fcs_names },
};
static const struct pkt_field pad_kind[] = { PKT_U("maximum", 0, 8) };
static const struct pkt_field numbered_kind[] = { PKT_U("window", 0, 8), { .name = "address", .off = 8, .type = PKT_FT_BYTES } };
static const struct pkt_field callback_kind[] = {
        { .name = "operation", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = callback_operation_names },
        { .name = "message", .off = 8, .type = PKT_FT_STRING },
};
static const struct pkt_field mrru_kind[] = { PKT_U("mrru", 0, 16) };
static const struct pkt_field endpoint_kind[] = {
        { .name = "class", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = endpoint_class_names },
        { .name = "address", .off = 8, .type = PKT_FT_BYTES },
};
static const struct pkt_field link_kind[] = { PKT_U("link_discriminator", 0, 16) };

static const struct pkt_field ip_addresses_kind[] = { ADDRESS("src_address", 0), ADDRESS("dst_address", 32) };
static const struct pkt_field ip_compression_kind[] = { ENUM16("protocol", ip_compression_names), DATA(16) };
static const struct pkt_field vj_kind[] = {
        ENUM16("protocol", ip_compression_names), PKT_U("max_slot_id", 16, 8), PKT_U("comp_slot_id", 24, 8),
};
/* RFC 2509 2 (IPHC), RFC 3241 5.1 (ROHC): parameters, then sub-options. */
static const struct pkt_field iphc_kind[] = {
        ENUM16("protocol", ip_compression_names), PKT_U("tcp_space", 16, 16), PKT_U("non_tcp_space", 32, 16),
        PKT_U("f_max_period", 48, 16), PKT_U("f_max_time", 64, 16), PKT_U("max_header", 80, 16), DATA(96),
};
static const struct pkt_field rohc_kind[] = {
        ENUM16("protocol", ip_compression_names), PKT_U("max_cid", 16, 16), PKT_U("mrru", 32, 16),
        PKT_U("max_header", 48, 16), DATA(64),
};
static const struct pkt_field address_kind[] = { ADDRESS("address", 0) };

static const struct pkt_field interface_id_kind[] = {
        { .name = "interface_id", .off = 0, .bits = 64, .type = PKT_FT_BYTES },
};

static const struct pkt_field oui_kind[] = { HEX("oui", 0, 24), PKT_U("subtype", 24, 8), DATA(32) };
static const struct pkt_field stac_kind[] = { PKT_U("history_count", 0, 16), PKT_U("check_mode", 16, 8) };
static const struct pkt_field mppc_kind[] = { HEX("supported_bits", 0, 32) };
static const struct pkt_field bsd_kind[] = { PKT_U("version", 0, 3), PKT_U("dict_size", 3, 5) };
/* RFC 1975 2.1: features, packet-by-packet, history; contexts. */
static const struct pkt_field mvrca_kind[] = {
        PKT_U("features", 0, 2), PKT_U("packet_by_packet", 2, 1), PKT_U("history", 3, 5), PKT_U("contexts", 8, 8),
};
static const struct pkt_field deflate_kind[] = {
        PKT_U("window", 0, 4), PKT_U("method", 4, 4), PKT_U("mbz", 8, 6), PKT_U("check", 14, 2),
};

#define NO_FIELDS ((struct pkt_kind){ NULL, 0 })

/* A type's exact forms first, then its "at least" ones, longest first (forms.h). */
static const struct pkt_form lcp_forms[] = {
        { 0, 4, false, PKT_KIND(vendor_kind) },   { 1, 2, true, PKT_KIND(mru_kind) },
        { 2, 4, true, PKT_KIND(accm_kind) },      { 3, 3, true, PKT_KIND(auth_chap_kind) },
        { 3, 2, false, PKT_KIND(auth_kind) },     { 4, 6, true, PKT_KIND(quality_lqr_kind) },
        { 4, 2, false, PKT_KIND(quality_kind) },  { 5, 4, true, PKT_KIND(magic_kind) },
        { 7, 0, true, NO_FIELDS },                { 8, 0, true, NO_FIELDS },
        { 9, 1, true, PKT_KIND(fcs_kind) },       { 10, 1, true, PKT_KIND(pad_kind) },
        { 11, 1, false, PKT_KIND(numbered_kind) }, { 13, 1, false, PKT_KIND(callback_kind) },
        { 17, 2, true, PKT_KIND(mrru_kind) },     { 18, 0, true, NO_FIELDS },
        { 19, 1, false, PKT_KIND(endpoint_kind) }, { 23, 2, true, PKT_KIND(link_kind) },
};
/* IP compression: the forms to build with; read, the protocol chooses (compression_kind()). */
#define IP_COMPRESSION_FORMS                                                                        \
        { 2, 4, true, PKT_KIND(vj_kind) }, { 2, 12, false, PKT_KIND(iphc_kind) },                   \
        { 2, 8, false, PKT_KIND(rohc_kind) }, { 2, 2, false, PKT_KIND(ip_compression_kind) }
static const struct pkt_form ipcp_forms[] = {
        { 1, 8, true, PKT_KIND(ip_addresses_kind) }, IP_COMPRESSION_FORMS, { 3, 4, true, PKT_KIND(address_kind) },
        { 4, 4, true, PKT_KIND(address_kind) },      { 129, 4, true, PKT_KIND(address_kind) },
        { 130, 4, true, PKT_KIND(address_kind) },    { 131, 4, true, PKT_KIND(address_kind) },
        { 132, 4, true, PKT_KIND(address_kind) },
};
static const struct pkt_form ipv6cp_forms[] = {
        { 1, 8, true, PKT_KIND(interface_id_kind) }, IP_COMPRESSION_FORMS,
};
static const struct pkt_form ccp_forms[] = {
        { 0, 4, false, PKT_KIND(oui_kind) },   { 1, 0, true, NO_FIELDS },           { 2, 0, true, NO_FIELDS },
        { 17, 3, true, PKT_KIND(stac_kind) },  { 18, 4, true, PKT_KIND(mppc_kind) }, { 21, 1, true, PKT_KIND(bsd_kind) },
        { 24, 2, true, PKT_KIND(mvrca_kind) }, { 26, 2, true, PKT_KIND(deflate_kind) },
};

/* The bodies of LCP's other codes. */
static const struct pkt_field protocol_reject_fields[] = {
        { .name = "rejected_protocol", .off = 0, .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = pkt_ppp_proto_names },
};
static const struct pkt_field echo_fields[] = { HEX("magic_number", 0, 32), DATA(32) };
static const struct pkt_field identification_fields[] = {
        HEX("magic_number", 0, 32), { .name = "message", .off = 32, .type = PKT_FT_STRING },
};
static const struct pkt_field time_remaining_fields[] = {
        HEX("magic_number", 0, 32), PKT_U("seconds_remaining", 32, 32),
        { .name = "message", .off = 64, .type = PKT_FT_STRING },
};
/* clang-format on */

/* ---- the packet format all of PPP's control and authentication protocols share (ppp.h) ---- */

uint32_t
ppp_packet_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = pkt_load_be16(v->b + 2);

        d->flags |= PKT_DISSECT_ENDS_HERE;
        if (len < PPP_PACKET_HDR_LEN || len > v->wire_len)
                d->flags |= PKT_LAYER_MALFORMED;
        d->payload_len = len - MIN(len, PPP_PACKET_HDR_LEN);
        return len;
}

int
ppp_packet_update(struct pkt *p, unsigned idx, ppp_body_fn body_of, unsigned max_code)
{
        const struct pkt_layer *l = &p->layers[idx];
        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        int r;

        if (l->len < PPP_PACKET_HDR_LEN)
                return 0;
        if (up != PKT_PROTO_NONE && body_of(l->proto, p->data[l->off]) != up)
                for (unsigned code = 1; code <= max_code; code++)
                        if (body_of(l->proto, code) == up) {
                                if ((r = pkt_auto_set(p, idx, PPP_F_CODE, code)) < 0)
                                        return r;
                                break;
                        }
        if (!pkt_is_rebuilt(p))
                return 0;
        uint32_t len = l->hdr_len + (up != PKT_PROTO_NONE ? p->layers[idx + 1].wire_len : 0);
        return pkt_auto_set(p, idx, PPP_F_LEN, MIN(len, 0xffffu));
}

bool
ppp_packet_codes(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi, uint8_t *ret_req,
                 uint8_t *ret_rep)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);

        if (!a || !b || a->proto != b->proto || a->len < PPP_PACKET_HDR_LEN ||
            b->len < PPP_PACKET_HDR_LEN)
                return false;
        const uint8_t *q = req->data + a->off, *r = rep->data + b->off;
        *ret_req = q[0];
        *ret_rep = r[0];
        return q[1] == r[1];
}

/* One control protocol's options. */
struct cp_options {
        const struct pkt_form *forms;
        size_t n_forms;
        const struct pkt_name *names;
};

static struct cp_options
options_of(unsigned proto)
{
        switch (proto) {
        case PKT_PROTO_LCP:
                return (struct cp_options){ lcp_forms, ARRAY_SIZE(lcp_forms), lcp_option_names };
        case PKT_PROTO_IPCP:
                return (struct cp_options){ ipcp_forms, ARRAY_SIZE(ipcp_forms), ipcp_option_names };
        case PKT_PROTO_IPV6CP:
                return (struct cp_options){ ipv6cp_forms, ARRAY_SIZE(ipv6cp_forms),
                                            ipv6cp_option_names };
        default:
                return (struct cp_options){ ccp_forms, ARRAY_SIZE(ccp_forms), ccp_option_names };
        }
}

static bool
is_configure(unsigned code)
{
        return code >= CONF_REQ && code <= CONF_REJ;
}

/* The packet's end: its length, or the bytes the carrier reported when fewer. */
static uint32_t
packet_end(const struct pkt_view *v)
{
        return MIN((uint32_t)pkt_load_be16(v->b + 2), v->wire_len);
}

#define IP_COMPRESSION 2 /* IPCP's and IPV6CP's option type */
#define VAN_JACOBSON   0x002d
#define IPHC           0x0061
#define ROHC           0x0003

/* An IP compression option's fields follow its protocol (RFC 1332 3.2, RFC 2509 2, RFC 3241 5.1);
 * one too short for its protocol's is a protocol and data. */
static struct pkt_kind
compression_kind(const uint8_t *data, uint32_t len)
{
        uint16_t proto = len >= 2 ? pkt_load_be16(data) : 0;

        if (proto == VAN_JACOBSON && len == 4)
                return PKT_KIND(vj_kind);
        if (proto == IPHC && len >= 12)
                return PKT_KIND(iphc_kind);
        if (proto == ROHC && len >= 8)
                return PKT_KIND(rohc_kind);
        return PKT_KIND(ip_compression_kind);
}

/* Options from the fixed header to the packet's end, each of the kind its form gives. One whose
 * type has forms that its length fits none of is flagged PKT_ELEM_BAD_LEN. */
static int
options_next(const struct pkt_view *v, struct pkt_elem *e)
{
        if (v->caplen < PPP_PACKET_HDR_LEN || !is_configure(v->b[0]) ||
            pkt_tlv8_next(v, PPP_PACKET_HDR_LEN, packet_end(v), true, e) != 1)
                return 0;
        if (e->flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED))
                return 1;
        struct cp_options o = options_of(v->proto);
        unsigned type = v->b[e->off];
        const struct pkt_form *f = pkt_form_of(o.forms, o.n_forms, type, e->len - OPT_HDR_LEN);
        if (!f && pkt_form_of(o.forms, o.n_forms, type, UINT32_MAX))
                e->flags |= PKT_ELEM_BAD_LEN;
        struct pkt_kind k = f ? f->kind : PKT_KIND(data_kind);
        if (f && type == IP_COMPRESSION && v->proto != PKT_PROTO_LCP && v->proto != PKT_PROTO_CCP)
                k = compression_kind(v->b + e->off + OPT_HDR_LEN, e->len - OPT_HDR_LEN);
        e->kind_fields = k.fields;
        e->n_kind_fields = k.n;
        return 1;
}

/* clang-format off */
#define OPTIONS_SET(option_fields)                                                                  \
        { { .name = "options", .elem_name = "option", .next = options_next,                         \
            .fields = (option_fields), .n_fields = ARRAY_SIZE(option_fields) } }

static const struct pkt_elem_set lcp_elems[] = OPTIONS_SET(option_fields_lcp);
static const struct pkt_elem_set ipcp_elems[] = OPTIONS_SET(option_fields_ipcp);
static const struct pkt_elem_set ipv6cp_elems[] = OPTIONS_SET(option_fields_ipv6cp);
static const struct pkt_elem_set ccp_elems[] = OPTIONS_SET(option_fields_ccp);
/* clang-format on */

/* The sub-layer of an LCP code's body, or PKT_PROTO_NONE (raw data). */
static unsigned
lcp_body(unsigned code)
{
        switch (code) {
        case PROTO_REJ:
                return PKT_PROTO_LCP_PROTOCOL_REJECT;
        case ECHO_REQ:
        case ECHO_REPLY:
        case DISCARD_REQ:
                return PKT_PROTO_LCP_ECHO;
        case IDENTIFICATION:
                return PKT_PROTO_LCP_IDENTIFICATION;
        case TIME_REMAINING:
                return PKT_PROTO_LCP_TIME_REMAINING;
        default:
                return PKT_PROTO_NONE;
        }
}

/* The body of a packet of @code: one of LCP's sub-layers, else raw data. */
static unsigned
cp_body(unsigned proto, unsigned code)
{
        return proto == PKT_PROTO_LCP ? lcp_body(code) : PKT_PROTO_NONE;
}

/* The shared header; a Configure packet is all header (its options). */
static void
cp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = ppp_packet_dissect(v, d);

        if (len < PPP_PACKET_HDR_LEN)
                return;
        if (is_configure(v->b[0])) {
                d->hdr_len = len;
                d->payload_len = 0;
                if (len <= v->caplen)
                        d->flags |= pkt_elems_damage(v, options_next);
                return;
        }
        d->next = (uint16_t)cp_body(v->proto, v->b[0]);
}

static int
cp_update(struct pkt *p, unsigned idx)
{
        return ppp_packet_update(p, idx, cp_body, TIME_REMAINING);
}

/* A reply answers the request of the same protocol and identifier: a Configure-Ack, -Nak or
 * -Reject a Configure-Request, a Terminate-Ack a Terminate-Request, an Echo-Reply an Echo-Request
 * and a Reset-Ack a Reset-Request. */
static bool
cp_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        unsigned proto = req->layers[ri].proto;
        uint8_t q, r;

        if (!ppp_packet_codes(req, ri, rep, pi, &q, &r))
                return false;
        switch (q) {
        case CONF_REQ:
                return r == CONF_ACK || r == CONF_NAK || r == CONF_REJ;
        case TERM_REQ:
                return r == TERM_ACK;
        case ECHO_REQ:
                return r == ECHO_REPLY && proto == PKT_PROTO_LCP;
        case RESET_REQ:
                return r == RESET_ACK && proto == PKT_PROTO_CCP;
        default:
                return false;
        }
}

/* Why 20: more arguments than an option kind has fields, with its type and length. */
#define OPTION_ARGS_MAX 20

/* An option from "Name(field=value,...)" or "tlv(type=N,len=N,data=...)": the form its arguments
 * name, the length computed unless given. */
static int
cp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
              uint8_t *out, size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[OPTION_ARGS_MAX], fields[OPTION_ARGS_MAX];
        struct cp_options o = options_of(v->proto);
        uint32_t type, len;
        int n, m, r;

        (void)set;
        *ret_at = hdr_len;
        m = pkt_form_split(text, "option", o.names, UINT8_MAX, &type, args, &n, fields,
                           OPTION_ARGS_MAX);
        if (m < 0)
                return m;
        if (size < OPT_HDR_LEN)
                return -EMSGSIZE;
        const char *given = pkt_spec_arg(args, n, "len", -1);
        if (given && pkt_name_value(NULL, given, UINT8_MAX, &len) < 0)
                return -EINVAL;
        const struct pkt_form *f =
                given ? pkt_form_of(o.forms, o.n_forms, type, len - MIN(len, OPT_HDR_LEN))
                      : pkt_form_for_args(o.forms, o.n_forms, type, fields, m);
        struct pkt_kind k = f ? f->kind : PKT_KIND(data_kind);
        r = pkt_spec_encode(k.fields, k.n, fields, m, out + OPT_HDR_LEN,
                            MIN(size, UINT8_MAX) - OPT_HDR_LEN);
        if (r < 0)
                return r;
        out[0] = (uint8_t)type;
        out[1] = (uint8_t)(given ? len : (uint32_t)r + OPT_HDR_LEN);
        return OPT_HDR_LEN + r;
}

static const struct pkt_key lcp_carriers[] = { { PKT_KEY_PPP, 0xc021 }, PKT_KEY_END };
static const struct pkt_key ipcp_carriers[] = { { PKT_KEY_PPP, 0x8021 }, PKT_KEY_END };
static const struct pkt_key ipv6cp_carriers[] = { { PKT_KEY_PPP, 0x8057 }, PKT_KEY_END };
/* 0x80fd on the bundle, 0x80fb on one link of a multilink bundle (RFC 1962 1). */
static const struct pkt_key ccp_carriers[] = { { PKT_KEY_PPP, 0x80fd },
                                               { PKT_KEY_PPP, 0x80fb },
                                               PKT_KEY_END };

/* clang-format off */
#define CP_PROTO(nm, summ, pid, flds, els, carr)                                                    \
        {                                                                                           \
                .name = (nm), .summary = (summ), .id = (pid), .min_hdr_len = PPP_PACKET_HDR_LEN,            \
                .fields = (flds), .n_fields = ARRAY_SIZE(flds), .elems = (els),                     \
                .n_elems = ARRAY_SIZE(els), .carriers = (carr), .dissect = cp_dissect,              \
                .update = cp_update, .answers = cp_answers, .elem_build = cp_elem_build,            \
        }

const struct pkt_proto pkt_proto_lcp = CP_PROTO("lcp", "PPP Link Control Protocol (RFC 1661)", PKT_PROTO_LCP,
                                                lcp_fields, lcp_elems, lcp_carriers);
const struct pkt_proto pkt_proto_ipcp = CP_PROTO("ipcp", "PPP IP Control Protocol (RFC 1332, 1877)",
                                                 PKT_PROTO_IPCP, ncp_fields, ipcp_elems, ipcp_carriers);
const struct pkt_proto pkt_proto_ipv6cp = CP_PROTO("ipv6cp", "PPP IPv6 Control Protocol (RFC 5072)",
                                                   PKT_PROTO_IPV6CP, ncp_fields, ipv6cp_elems, ipv6cp_carriers);
const struct pkt_proto pkt_proto_ccp = CP_PROTO("ccp", "PPP Compression Control Protocol (RFC 1962)",
                                                PKT_PROTO_CCP, ccp_fields, ccp_elems, ccp_carriers);
/* clang-format on */

/* A body that runs to the end of the packet, its last field as long as what is left. */
static void
body_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
}

/* The rejected protocol's packet follows, cut to fit the reject (RFC 1661 5.7): dissected as that
 * protocol, its lengths beyond the quote truncation. */
static void
protocol_reject_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->next = (uint16_t)pkt_key_lookup(PKT_KEY_PPP, pkt_load_be16(v->b));
}

const struct pkt_proto pkt_proto_lcpprotocolreject = {
        .name = "lcpprotocolreject",
        .summary = "LCP Protocol-Reject body: the protocol rejected, and its packet",
        .id = PKT_PROTO_LCP_PROTOCOL_REJECT,
        .flags = PKT_P_QUOTES,
        .min_hdr_len = 2,
        .fields = protocol_reject_fields,
        .n_fields = ARRAY_SIZE(protocol_reject_fields),
        .dissect = protocol_reject_dissect,
};

const struct pkt_proto pkt_proto_lcpecho = {
        .name = "lcpecho",
        .summary = "LCP Echo-Request, Echo-Reply or Discard-Request body: magic number, data",
        .id = PKT_PROTO_LCP_ECHO,
        .min_hdr_len = MAGIC_LEN,
        .fields = echo_fields,
        .n_fields = ARRAY_SIZE(echo_fields),
        .dissect = body_dissect,
};

const struct pkt_proto pkt_proto_lcpidentification = {
        .name = "lcpidentification",
        .summary = "LCP Identification body: magic number, message (RFC 1570)",
        .id = PKT_PROTO_LCP_IDENTIFICATION,
        .min_hdr_len = MAGIC_LEN,
        .fields = identification_fields,
        .n_fields = ARRAY_SIZE(identification_fields),
        .dissect = body_dissect,
};

const struct pkt_proto pkt_proto_lcptimeremaining = {
        .name = "lcptimeremaining",
        .summary = "LCP Time-Remaining body: magic number, seconds, message (RFC 1570)",
        .id = PKT_PROTO_LCP_TIME_REMAINING,
        .min_hdr_len = MAGIC_LEN + 4,
        .fields = time_remaining_fields,
        .n_fields = ARRAY_SIZE(time_remaining_fields),
        .dissect = body_dissect,
};
