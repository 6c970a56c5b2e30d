/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NetBIOS Datagram Service (RFC 1002 4.4, UDP port 138): the connectionless NetBIOS datagrams
 * Windows and Samba hosts send each other, above all the browser's host and domain announcements (SMB
 * mailslot messages) that fill every Windows LAN capture.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   MSG_TYPE    |     FLAGS     |           DGM_ID              |   nbdgm
 *   |                           SOURCE_IP                           |
 *   |          SOURCE_PORT          |  then by MSG_TYPE:
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          DGM_LENGTH           |         PACKET_OFFSET         |   nbdgmdata: 0x10-0x12
 *   |   SOURCE_NAME, DESTINATION_NAME (NetBIOS names), USER_DATA    |
 *   |  ERROR_CODE   |                                                   nbdgmerror: 0x13
 *   |   DESTINATION_NAME                                            |   nbdgmquery: 0x14-0x16
 *
 * As ICMP's bodies are layers of their own (pypacker's ICMP.Echo), so are the three forms that follow
 * the common header: each is a field table, and the header's type follows the form above it when
 * built. The names are NetBIOS names (PKT_FF_NETBIOS, as NBNS shows them: "WORKGROUP<1d>"). The user
 * data of a first fragment is an SMB message (smb.c); a later fragment's stays raw.
 */
#include <string.h>

#include "internal.h"

enum {
        NBDGM_HDR_LEN = 10,
        DATA_FIXED_LEN = 4, /* DGM_LENGTH and PACKET_OFFSET: DGM_LENGTH counts what follows them */
        ROOT_NAME_LEN = 1,  /* the shortest a name can be on the wire */
};

enum nbdgm_type {
        DIRECT_UNIQUE = 0x10,
        DIRECT_GROUP = 0x11,
        BROADCAST = 0x12,
        DGM_ERROR = 0x13,
        QUERY_REQUEST = 0x14,
        POSITIVE_QUERY_RESPONSE = 0x15,
        NEGATIVE_QUERY_RESPONSE = 0x16,
};

/* clang-format off */
static const struct pkt_name type_names[] = {
        { DIRECT_UNIQUE, "DIRECT_UNIQUE" }, { DIRECT_GROUP, "DIRECT_GROUP" }, { BROADCAST, "BROADCAST" },
        { DGM_ERROR, "ERROR" }, { QUERY_REQUEST, "QUERY_REQUEST" },
        { POSITIVE_QUERY_RESPONSE, "POSITIVE_QUERY_RESPONSE" },
        { NEGATIVE_QUERY_RESPONSE, "NEGATIVE_QUERY_RESPONSE" }, { 0, NULL },
};

/* The sending node's type (SNT): broadcast, point-to-point, mixed, or the datagram distribution server. */
static const struct pkt_name snt_names[] = {
        { 0, "B" }, { 1, "P" }, { 2, "M" }, { 3, "NBDD" }, { 0, NULL },
};

static const struct pkt_name error_names[] = {
        { 0x82, "DESTINATION_NAME_NOT_PRESENT" }, { 0x83, "INVALID_SOURCE_NAME_FORMAT" },
        { 0x84, "INVALID_DESTINATION_NAME_FORMAT" }, { 0, NULL },
};

/* Defaults: a group datagram (what the browser's announcements are), the first and only fragment from
 * a B node, from port 138 (scapy's NBTDatagram sends the same flags). */
static const struct pkt_field nbdgm_fields[] = {
        { .name = "type",  .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = type_names, .def = DIRECT_GROUP },
        { .name = "flags", .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x02 },
        { .name = "z",     .off = 8,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "snt",   .off = 12, .bits = 2,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = snt_names },
        { .name = "f",     .off = 14, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART }, /* first fragment */
        { .name = "m",     .off = 15, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART }, /* more follow */
        { .name = "id",    .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "src",   .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "sport", .off = 64, .bits = 16, .type = PKT_FT_UINT, .def = 138 },
};
enum { F_TYPE = 0 };

static const struct pkt_field data_fields[] = {
        { .name = "len",      .off = 0,              .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "offset",   .off = 16,             .bits = 16, .type = PKT_FT_UINT },
        { .name = "src_name", .off = 32,             .bits = 0,  .type = PKT_FT_DNSNAME, .flags = PKT_FF_NETBIOS },
        { .name = "dst_name", .off = PKT_OFF_FOLLOW, .bits = 0,  .type = PKT_FT_DNSNAME, .flags = PKT_FF_NETBIOS },
};
enum { F_LEN = 0 };

static const struct pkt_field error_fields[] = {
        { .name = "code", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = error_names, .def = 0x82 },
};

static const struct pkt_field query_fields[] = {
        { .name = "dst_name", .off = 0, .bits = 0, .type = PKT_FT_DNSNAME, .flags = PKT_FF_NETBIOS },
};
/* clang-format on */

/* The form a message of @type takes after the common header, or PKT_PROTO_NONE for a type RFC 1002
 * does not define. */
static unsigned
form_of(uint8_t type)
{
        if (type >= DIRECT_UNIQUE && type <= BROADCAST)
                return PKT_PROTO_NBDGM_DATA;
        if (type == DGM_ERROR)
                return PKT_PROTO_NBDGM_ERROR;
        if (type >= QUERY_REQUEST && type <= NEGATIVE_QUERY_RESPONSE)
                return PKT_PROTO_NBDGM_QUERY;
        return PKT_PROTO_NONE;
}

static void
nbdgm_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->next = (uint16_t)form_of(v->b[0]);
        if (d->next == PKT_PROTO_NONE)
                d->flags |= PKT_LAYER_MALFORMED;
}

/* The type follows the form above unless it was set or already is one of that form's. */
static int
nbdgm_update(struct pkt *p, unsigned idx)
{
        static const uint16_t first_of[][2] = {
                { PKT_PROTO_NBDGM_DATA, DIRECT_GROUP },
                { PKT_PROTO_NBDGM_ERROR, DGM_ERROR },
                { PKT_PROTO_NBDGM_QUERY, QUERY_REQUEST },
        };
        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        const uint8_t *b = p->data + p->layers[idx].off;

        if (form_of(b[0]) == up)
                return 0;
        for (unsigned i = 0; i < ARRAY_SIZE(first_of); i++)
                if (first_of[i][0] == up)
                        return pkt_auto_set(p, idx, F_TYPE, first_of[i][1]);
        return 0;
}

/* An ERROR answers the datagram whose id it carries; a query response the QUERY REQUEST (RFC 1002
 * 4.4.3, 4.4.4: the responder copies DGM_ID). */
static bool
nbdgm_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);
        enum { ID_AT = 2 };

        if (!a || !b || a->hdr_len < NBDGM_HDR_LEN || b->hdr_len < NBDGM_HDR_LEN)
                return false;
        const uint8_t *q = req->data + a->off, *r = rep->data + b->off;
        if (memcmp(q + ID_AT, r + ID_AT, 2) != 0)
                return false;
        if (r[0] == DGM_ERROR)
                return form_of(q[0]) == PKT_PROTO_NBDGM_DATA;
        return q[0] == QUERY_REQUEST && (r[0] == POSITIVE_QUERY_RESPONSE || r[0] == NEGATIVE_QUERY_RESPONSE);
}

/* The length of the NetBIOS name at @off, or 0 having flagged @d: cut by the capture (the header then
 * claims what the datagram reports) or running past the datagram or looping (malformed). */
static uint32_t
name_len(const struct pkt_view *v, uint32_t off, struct pkt_dissect *d)
{
        uint32_t len;
        int r = pkt_dnsname_check(v->b, v->caplen, off, &len);

        if (r == 0)
                return len;
        if (r == -ENODATA && v->caplen < v->wire_len)
                d->hdr_len = v->caplen + 1; /* more than was captured: truncated */
        else
                d->flags |= PKT_LAYER_MALFORMED;
        return 0;
}

/* The header runs to the end of the destination name; DGM_LENGTH counts the names and the user data,
 * which must end the datagram. */
static void
data_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t src_len = name_len(v, DATA_FIXED_LEN, d), dst_len;

        if (src_len == 0 || (dst_len = name_len(v, DATA_FIXED_LEN + src_len, d)) == 0) {
                if (!(d->flags & PKT_LAYER_MALFORMED))
                        return;
                d->hdr_len = v->caplen; /* what of it there is: no user data to find */
                return;
        }
        d->hdr_len = DATA_FIXED_LEN + src_len + dst_len;
        uint16_t dgm_len = 0, offset = 0; /* min_hdr_len bytes are there */
        pkt_rd_be16(v, 0, &dgm_len);
        pkt_rd_be16(v, 2, &offset);
        if (dgm_len != v->wire_len - DATA_FIXED_LEN)
                d->flags |= PKT_LAYER_MALFORMED;
        /* The first fragment's user data is an SMB message (the browser's mailslot messages). */
        if (offset == 0 && pkt_rd_has(v, d->hdr_len, 4) && memcmp(v->b + d->hdr_len, "\xffSMB", 4) == 0)
                d->next = PKT_PROTO_SMB;
}

static int
data_update(struct pkt *p, unsigned idx)
{
        return pkt_auto_set(p, idx, F_LEN, p->layers[idx].len - DATA_FIXED_LEN);
}

static void
query_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = name_len(v, 0, d);

        if (len)
                d->hdr_len = len;
        else if (d->flags & PKT_LAYER_MALFORMED)
                d->hdr_len = v->caplen;
}

static const struct pkt_key nbdgm_carriers[] = {
        { PKT_KEY_UDP_PORT, 138 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_nbdgm = {
        .name = "nbdgm",
        .summary = "NetBIOS Datagram Service (RFC 1002 4.4): the header every datagram starts with",
        .id = PKT_PROTO_NBDGM,
        .min_hdr_len = NBDGM_HDR_LEN,
        .fields = nbdgm_fields,
        .n_fields = ARRAY_SIZE(nbdgm_fields),
        .carriers = nbdgm_carriers,
        .dissect = nbdgm_dissect,
        .update = nbdgm_update,
        .answers = nbdgm_answers,
};

const struct pkt_proto pkt_proto_nbdgmdata = {
        .name = "nbdgmdata",
        .summary = "NetBIOS direct unique, direct group and broadcast datagrams (RFC 1002 4.4.2)",
        .id = PKT_PROTO_NBDGM_DATA,
        .min_hdr_len = DATA_FIXED_LEN + 2 * ROOT_NAME_LEN,
        .fields = data_fields,
        .n_fields = ARRAY_SIZE(data_fields),
        .dissect = data_dissect,
        .update = data_update,
        .not_dissected = "The SMB mailslot messages' bodies (the browser's announcements) stay raw",
};

const struct pkt_proto pkt_proto_nbdgmerror = {
        .name = "nbdgmerror",
        .summary = "NetBIOS datagram error (RFC 1002 4.4.3)",
        .id = PKT_PROTO_NBDGM_ERROR,
        .min_hdr_len = 1,
        .fields = error_fields,
        .n_fields = ARRAY_SIZE(error_fields),
};

const struct pkt_proto pkt_proto_nbdgmquery = {
        .name = "nbdgmquery",
        .summary = "NetBIOS datagram query request and responses (RFC 1002 4.4.4)",
        .id = PKT_PROTO_NBDGM_QUERY,
        .min_hdr_len = ROOT_NAME_LEN,
        .fields = query_fields,
        .n_fields = ARRAY_SIZE(query_fields),
        .dissect = query_dissect,
};
