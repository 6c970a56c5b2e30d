/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BGP-4 messages (RFC 4271 4; capabilities RFC 5492; 4-byte AS RFC 6793; multiprotocol RFC 4760;
 * route refresh RFC 2918/7313).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                          Marker (16)                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Length               |      Type     |  body ...
 *
 * One message is one layer (its Length bytes are the header), so a TCP segment holding several
 * messages has consecutive bgp layers; a message continued in the next segment ends the segment. The
 * body's parts are element sets named after pypacker's BGP classes and fields: open (v, asn, holdtime,
 * identifier, param_len), params and capabilities; update (withdrawnlen), wroutes, pathlen, pathattrs
 * (flags, type, len and the value of the common kinds), aspath (segments of AS_PATH attributes) and
 * anncroutes; notification (code, subcode, data); routerefresh (afi, rsvd, safi). Keepalive has no
 * body. Length is an auto field. The walking lives in bgp_update.c.
 */
#include <string.h>

#include "bgp.h"
#include "internal.h"
#include "tlv.h"

/* clang-format off */
static const struct pkt_name bgp_type_names[] = {
        { 1, "OPEN" }, { 2, "UPDATE" }, { 3, "NOTIFICATION" }, { 4, "KEEPALIVE" }, { 5, "ROUTE-REFRESH" },
        { 0, NULL },
};

static const uint8_t ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static const struct pkt_field bgp_fields[] = {
        { .name = "marker", .off = 0,   .bits = 128, .type = PKT_FT_BYTES, .def_bytes = (const char *)ones },
        { .name = "len",    .off = 128, .bits = 16,  .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = BGP_HDR_LEN },
        { .name = "type",   .off = 144, .bits = 8,   .type = PKT_FT_ENUM, .names = bgp_type_names, .def = 4 },
};
/* clang-format on */

enum { F_MARKER, F_LEN, F_TYPE };
_Static_assert(F_TYPE == BGP_F_TYPE, "bgp.h names the Type field");

bool
pkt_bgp_is_message(const struct pkt_view *v, uint32_t off)
{
        return pkt_rd_has(v, off, BGP_HDR_LEN) && memcmp(v->b + off, ones, 16) == 0 &&
               tlv_be16(v->b + off + 16) >= BGP_HDR_LEN;
}

static void
bgp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = tlv_be16(v->b + 16);

        /* RFC 4271 4.1: the marker is all ones and Length at least 19 (at most 4096, or 65535 with
         * RFC 8654 extended messages, which a 16-bit field cannot exceed anyway). */
        if (memcmp(v->b, ones, 16) != 0 || len < BGP_HDR_LEN) {
                d->flags |= PKT_LAYER_MALFORMED;
                return;
        }
        if (len > v->caplen) {
                d->hdr_len = v->caplen < v->wire_len ? len : v->caplen;
                return;
        }
        d->hdr_len = len;
        d->next = pkt_bgp_is_message(v, len) ? PKT_PROTO_BGP : PKT_PROTO_NONE;
        if (!pkt_bgp_body_is_valid(v, len))
                d->flags |= PKT_LAYER_MALFORMED;
}

static int
bgp_update(struct pkt *p, unsigned idx)
{
        return pkt_auto_set(p, idx, F_LEN, MIN(p->layers[idx].hdr_len, 0xffffu));
}

/* RFC 4271 8.2.1: TCP port 179. */
static const struct pkt_key bgp_carriers[] = {
        { PKT_KEY_TCP_PORT, 179 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_bgp = {
        .name = "bgp",
        .summary = "Border Gateway Protocol 4 (RFC 4271)",
        .id = PKT_PROTO_BGP,
        .min_hdr_len = BGP_HDR_LEN,
        .fields = bgp_fields,
        .n_fields = ARRAY_SIZE(bgp_fields),
        .elems = pkt_bgp_elems,
        .n_elems = BGP_SETS,
        .carriers = bgp_carriers,
        .dissect = bgp_dissect,
        .update = bgp_update,
        .elem_build = pkt_bgp_elem_build,
        .elem_added = pkt_bgp_elem_added,
        .not_dissected = "Path attributes other than ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF, "
                         "AGGREGATOR and ORIGINATOR_ID (communities, cluster lists, ATTR_SET...) "
                         "and MP_REACH/MP_UNREACH past AFI/SAFI stay bytes; RFC 9072 extended "
                         "parameters and ADD-PATH path ids are not decoded.",
};
