/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RTP Control Protocol (RFC 3550 6; feedback RFC 4585, extended reports RFC 3611).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|  count  |  packet_type  |     length (words - 1)        |   rtcp
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  SR: sender (SSRC, NTP and RTP timestamps, counts); report blocks; extension
 *  |  RR: sender (SSRC); report blocks; extension
 *  |  SDES: chunks (SSRC, items to an END and 32-bit padding); their items listed one by one
 *  |  BYE: sources; reason (length, text)
 *  |  APP: sender (SSRC); app (name, data)
 *  |  RTPFB, PSFB: sender (SSRC, media SSRC); fci (generic NACKs one by one, else bytes)
 *  |  XR: sender (SSRC); xr_blocks (type, type-specific byte, length, content)
 *
 * One RTCP packet is one layer. The header is the packet (length + 1 words); the next packet of a
 * compound (RFC 3550 6.1) is the next layer. The parts after the four fixed bytes depend on the
 * packet type, so each is an element set that is empty for the other types (as GRE's optional words
 * are). `count` is the report or source count, or the feedback message type or APP subtype; it and
 * `length` are computed from what the packet holds. Names are scapy's (scapy.contrib.rtcp), but
 * "ssrc" for its "sourcesync" and "p" for its "padding", as our RTP layer has it (a layer's
 * "padding" in JSON is the bytes after it).
 *
 * RTCP has no port of its own: 5005 (RTP's default 5004, plus one, RFC 3550 11) is registered, and
 * on a UDP port nobody registered a heuristic finds it (rtcp_heuristic()).
 */
#include <string.h>

#include "forms.h"
#include "internal.h"

#define RTCP_HDR_LEN   4
#define RTCP_PORT      5005
#define BLOCK_LEN      24 /* a reception report block */
#define SENDER_LEN_MAX 24 /* the longest sender part: an SR's sender info (RFC 3550 6.4.1) */
#define RTCP_VERSION   2
#define RTCP_PADDING   0x20
#define RTCP_COUNT(b0) ((b0)&0x1fu)
#define RTCP_COUNT_MAX 31  /* the count's five bits (RFC 3550 6.4.1) */
#define RTCP_TYPE_MIN  192 /* RFC 5761 4: the types that cannot be RTP's (with the marker bit) */
#define RTCP_TYPE_MAX  223
#define SDES_END       0
#define NACK_FMT       1 /* RTPFB generic NACK (RFC 4585 6.2.1) */

enum rtcp_type { SR = 200, RR, SDES, BYE, APP, RTPFB, PSFB, XR };

enum {
        SET_SENDER,
        SET_BLOCKS,
        SET_EXT,
        SET_CHUNKS,
        SET_ITEMS,
        SET_SOURCES,
        SET_REASON,
        SET_APP,
        SET_FCI,
        SET_XR,
        SET_DATA,
        SET_PAD,
};

/* clang-format off */
static const struct pkt_name type_names[] = {
        { SR, "SR" }, { RR, "RR" }, { SDES, "SDES" }, { BYE, "BYE" }, { APP, "APP" },
        { RTPFB, "RTPFB" }, { PSFB, "PSFB" }, { XR, "XR" }, { 0, NULL },
};

static const struct pkt_field rtcp_fields[] = {
        { .name = "version",     .off = 0,  .bits = 2,  .type = PKT_FT_UINT, .def = RTCP_VERSION },
        { .name = "p",           .off = 2,  .bits = 1,  .type = PKT_FT_UINT },
        { .name = "count",       .off = 3,  .bits = 5,  .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "packet_type", .off = 8,  .bits = 8,  .type = PKT_FT_ENUM, .names = type_names, .def = SR },
        { .name = "length",      .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};

#define SSRC(n, o) { .name = (n), .off = (o), .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX }
#define BYTES(n, o) { .name = (n), .off = (o), .type = PKT_FT_BYTES }

static const struct pkt_field sr_sender_kind[] = {
        SSRC("ssrc", 0), { .name = "ntp_timestamp", .off = 32, .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        PKT_U("rtp_timestamp", 96, 32), PKT_U("sender_packet_count", 128, 32), PKT_U("sender_octet_count", 160, 32),
};
static const struct pkt_field ssrc_kind[] = { SSRC("ssrc", 0) };
static const struct pkt_field fb_sender_kind[] = { SSRC("ssrc", 0), SSRC("media_ssrc", 32) };

static const struct pkt_field block_fields[] = {
        SSRC("ssrc", 0), PKT_U("fraction_lost", 32, 8),
        { .name = "cumulative_lost", .off = 40, .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_SIGNED },
        PKT_U("highest_seqnum_recv", 64, 32), PKT_U("interarrival_jitter", 96, 32),
        { .name = "last_SR_timestamp", .off = 128, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        PKT_U("delay_since_last_SR", 160, 32),
};

static const struct pkt_field data_fields[] = { BYTES("data", 0) };
static const struct pkt_field chunk_fields[] = { SSRC("ssrc", 0), BYTES("items", 32) };

/* RFC 3550 6.5. */
static const struct pkt_name sdes_names[] = {
        { 0, "END" }, { 1, "CNAME" }, { 2, "NAME" }, { 3, "EMAIL" }, { 4, "PHONE" }, { 5, "LOC" },
        { 6, "TOOL" }, { 7, "NOTE" }, { 8, "PRIV" }, { 0, NULL },
};
static const struct pkt_field item_fields[] = {
        { .name = "chunk_type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = sdes_names },
};
static const struct pkt_field item_kind[] = {
        PKT_U("length", 0, 8), { .name = "value", .off = PKT_OFF_FOLLOW, .type = PKT_FT_STRING, .flags = PKT_FF_COUNTED },
};

static const struct pkt_field source_fields[] = { SSRC("ssrc", 0) };
static const struct pkt_field reason_fields[] = {
        PKT_U("length", 0, 8), { .name = "reason", .off = PKT_OFF_FOLLOW, .type = PKT_FT_STRING, .flags = PKT_FF_COUNTED },
};
static const struct pkt_field app_fields[] = {
        { .name = "name", .off = 0, .bits = 32, .type = PKT_FT_STRING }, BYTES("data", 32),
};
static const struct pkt_field nack_fields[] = {
        PKT_U("pid", 0, 16), { .name = "blp", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

/* RFC 3611 4. */
static const struct pkt_name xr_names[] = {
        { 1, "Loss-RLE" }, { 2, "Duplicate-RLE" }, { 3, "Packet-Receipt-Times" },
        { 4, "Receiver-Reference-Time" }, { 5, "DLRR" }, { 6, "Statistics-Summary" },
        { 7, "VoIP-Metrics" }, { 0, NULL },
};
static const struct pkt_field xr_fields[] = {
        { .name = "block_type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = xr_names },
        PKT_U("type_specific", 8, 8), PKT_U("block_length", 16, 16), BYTES("content", 32),
};
/* clang-format on */

enum { F_VERSION, F_P, F_COUNT, F_TYPE, F_LENGTH };

/* ---- the parts of one packet ---- */

static unsigned
type_of(const struct pkt_view *v)
{
        return v->b[1];
}

/* The packet's bytes, as its length says. */
static uint32_t
length_of(const struct pkt_view *v)
{
        return ((uint32_t)pkt_load_be16(v->b + 2) + 1u) * 4u;
}

/* The padding at the packet's end, which its last byte counts (RFC 3550 6.4.1), when the P bit is
 * set, that byte was captured, and the count is sane; else 0. */
static uint32_t
padding_of(const struct pkt_view *v)
{
        uint32_t end = length_of(v);

        if (!(v->b[0] & RTCP_PADDING) || end > v->caplen || v->b[end - 1] == 0 ||
            v->b[end - 1] > end - RTCP_HDR_LEN)
                return 0;
        return v->b[end - 1];
}

/* Where the packet's content ends: before its padding. */
static uint32_t
packet_end(const struct pkt_view *v)
{
        return length_of(v) - padding_of(v);
}

static struct pkt_kind
sender_kind(unsigned type)
{
        switch (type) {
        case SR:
                return PKT_KIND(sr_sender_kind);
        case RR:
        case APP:
        case XR:
                return PKT_KIND(ssrc_kind);
        case RTPFB:
        case PSFB:
                return PKT_KIND(fb_sender_kind);
        default:
                return (struct pkt_kind){ NULL, 0 };
        }
}

/* The sender part's bytes: where its kind's last field ends. */
static uint32_t
sender_len(unsigned type)
{
        struct pkt_kind k = sender_kind(type);

        return k.n ? (k.fields[k.n - 1].off + k.fields[k.n - 1].bits) / 8u : 0;
}

/* What follows the report blocks (SR, RR) or the sources (BYE). */
static uint32_t
after_counted(const struct pkt_view *v)
{
        unsigned type = type_of(v), n = RTCP_COUNT(v->b[0]);

        if (type == BYE)
                return RTCP_HDR_LEN + 4u * n;
        return RTCP_HDR_LEN + sender_len(type) + BLOCK_LEN * n;
}

/* Does element set @set have elements in a packet of @type? */
static bool
set_applies(unsigned set, unsigned type)
{
        switch (set) {
        case SET_SENDER:
                return sender_len(type) > 0;
        case SET_BLOCKS:
        case SET_EXT:
                return type == SR || type == RR;
        case SET_CHUNKS:
        case SET_ITEMS:
                return type == SDES;
        case SET_SOURCES:
        case SET_REASON:
                return type == BYE;
        case SET_APP:
                return type == APP;
        case SET_FCI:
                return type == RTPFB || type == PSFB;
        case SET_XR:
                return type == XR;
        case SET_PAD:
                return true;
        default:
                return type < SR || type > XR;
        }
}

static bool
applies(const struct pkt_view *v, unsigned set)
{
        return set_applies(set, type_of(v));
}

/* Fills @e with the element at @pos of @len bytes, in a region ending at @to: one past the region
 * is malformed, one cut by the capture truncated (or malformed past the reported bytes). */
static int
elem_at(const struct pkt_view *v, struct pkt_elem *e, uint32_t pos, uint32_t len, uint32_t to)
{
        e->off = pos;
        e->len = len;
        e->next = pos + len;
        if (len > to - pos) {
                e->len = MIN(to, v->caplen) - MIN(pos, MIN(to, v->caplen));
                e->flags |= PKT_LAYER_MALFORMED;
                e->next = to;
        } else if (len > v->caplen - MIN(pos, v->caplen)) {
                e->len = v->caplen - MIN(pos, v->caplen);
                e->flags |= pos + len <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                e->next = to;
        }
        return 1;
}

/* Elements of @size bytes from @from, at most @max of them, within the packet. */
static int
fixed_next(const struct pkt_view *v, struct pkt_elem *e, uint32_t from, uint32_t size, unsigned max)
{
        uint32_t to = packet_end(v), pos = from + size * e->count;

        if (e->count >= max || pos >= to || pos >= v->caplen)
                return 0;
        return elem_at(v, e, pos, size, to);
}

/* One element from @from to the end of the packet, if there is anything there. */
static int
rest_next(const struct pkt_view *v, struct pkt_elem *e, uint32_t from)
{
        uint32_t to = packet_end(v);

        if (e->count > 0 || from >= to || from >= v->caplen)
                return 0;
        return elem_at(v, e, from, to - from, to);
}

static int
sender_next(const struct pkt_view *v, struct pkt_elem *e)
{
        struct pkt_kind k = sender_kind(type_of(v));

        if (!applies(v, SET_SENDER) ||
            fixed_next(v, e, RTCP_HDR_LEN, sender_len(type_of(v)), 1) != 1)
                return 0;
        e->kind_fields = k.fields;
        e->n_kind_fields = k.n;
        return 1;
}

static int
blocks_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t from = RTCP_HDR_LEN + sender_len(type_of(v));

        return applies(v, SET_BLOCKS) ? fixed_next(v, e, from, BLOCK_LEN, RTCP_COUNT(v->b[0])) : 0;
}

/* Profile-specific extensions after the report blocks (RFC 3550 6.4.1). */
static int
ext_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return applies(v, SET_EXT) ? rest_next(v, e, after_counted(v)) : 0;
}

/* The end of the SDES chunk at @pos: after its items' END, null bytes to a 32-bit boundary (chunks
 * start on one). @to when the capture cuts it first; 0 when no END comes before @to. */
static uint32_t
chunk_end(const struct pkt_view *v, uint32_t pos, uint32_t to)
{
        uint32_t p = pos + 4;

        /* Bounded: every item moves forward by at least two bytes. */
        while (p < to) {
                if (p + 1 >= v->caplen)
                        return to;
                if (v->b[p] == SDES_END)
                        return MIN((p + 4u) & ~3u, to);
                p += 2u + v->b[p + 1];
        }
        return 0;
}

static int
chunks_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t to = packet_end(v), pos = e->count == 0 ? RTCP_HDR_LEN : e->next;

        if (!applies(v, SET_CHUNKS) || e->count >= RTCP_COUNT(v->b[0]) || pos >= to ||
            pos >= v->caplen)
                return 0;
        uint32_t end = chunk_end(v, pos, to);
        /* No END: the chunk claims more than the packet. */
        return elem_at(v, e, pos, end ? end - pos : to - pos + 1, to);
}

/*
 * SDES items one by one, across chunks. The state is the next item's position: after an END it is
 * past the null bytes to the 32-bit boundary and the next chunk's SSRC (chunks start on word
 * boundaries, the packet's first at 4).
 */
static int
items_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t to = packet_end(v), pos = e->count == 0 ? RTCP_HDR_LEN + 4 : e->next;

        if (!applies(v, SET_ITEMS) || RTCP_COUNT(v->b[0]) == 0 || pos >= to || pos >= v->caplen)
                return 0;
        if (v->b[pos] == SDES_END) {
                e->off = pos;
                e->len = 1;
                e->next = ((pos + 4u) & ~3u) + 4u;
                return 1;
        }
        if (pos + 1 >= v->caplen)
                return elem_at(v, e, pos, 2, to);
        elem_at(v, e, pos, 2u + v->b[pos + 1], to);
        e->data_off = 1;
        e->kind_fields = item_kind;
        e->n_kind_fields = ARRAY_SIZE(item_kind);
        return 1;
}

static int
sources_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return applies(v, SET_SOURCES) ? fixed_next(v, e, RTCP_HDR_LEN, 4, RTCP_COUNT(v->b[0])) : 0;
}

static int
reason_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t from = after_counted(v), to = packet_end(v);

        if (!applies(v, SET_REASON) || e->count > 0 || from >= to || from >= v->caplen)
                return 0;
        return elem_at(v, e, from, 1u + v->b[from], to);
}

static int
app_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return applies(v, SET_APP) ? rest_next(v, e, RTCP_HDR_LEN + sender_len(APP)) : 0;
}

/* Feedback control information: an RTPFB generic NACK's entries one by one, else its bytes. */
static int
fci_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t from = RTCP_HDR_LEN + sender_len(RTPFB);

        if (!applies(v, SET_FCI))
                return 0;
        if (type_of(v) == RTPFB && RTCP_COUNT(v->b[0]) == NACK_FMT) {
                if (fixed_next(v, e, from, 4, UINT32_MAX) != 1)
                        return 0;
                e->kind_fields = nack_fields;
                e->n_kind_fields = ARRAY_SIZE(nack_fields);
                return 1;
        }
        if (rest_next(v, e, from) != 1)
                return 0;
        e->kind_fields = data_fields;
        e->n_kind_fields = ARRAY_SIZE(data_fields);
        return 1;
}

static int
xr_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t to = packet_end(v), pos = e->count == 0 ? RTCP_HDR_LEN + sender_len(XR) : e->next;
        uint16_t words;

        if (!applies(v, SET_XR) || pos >= to || pos >= v->caplen)
                return 0;
        if (!pkt_rd_be16(v, pos + 2, &words))
                return elem_at(v, e, pos, 4, to);
        return elem_at(v, e, pos, 4u + 4u * words, to);
}

/* The rest of a packet of a type not known here. */
static int
data_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return applies(v, SET_DATA) ? rest_next(v, e, RTCP_HDR_LEN) : 0;
}

/* The padding, its count last, so that a packet written out and read back keeps it. */
static int
pad_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pad = padding_of(v);

        if (e->count > 0 || pad == 0)
                return 0;
        return elem_at(v, e, length_of(v) - pad, pad, length_of(v));
}

/* clang-format off */
static const struct pkt_elem_set rtcp_elems[] = {
        [SET_SENDER]  = { .name = "sender", .elem_name = "sender", .next = sender_next },
        [SET_BLOCKS]  = { .name = "report_blocks", .elem_name = "block", .next = blocks_next,
                          .fields = block_fields, .n_fields = ARRAY_SIZE(block_fields) },
        [SET_EXT]     = { .name = "ext", .elem_name = "ext", .next = ext_next, .fields = data_fields,
                          .n_fields = ARRAY_SIZE(data_fields) },
        [SET_CHUNKS]  = { .name = "sdes_chunks", .elem_name = "chunk", .next = chunks_next,
                          .fields = chunk_fields, .n_fields = ARRAY_SIZE(chunk_fields) },
        [SET_ITEMS]   = { .name = "sdes_items", .elem_name = "item", .next = items_next,
                          .fields = item_fields, .n_fields = ARRAY_SIZE(item_fields),
                          .flags = PKT_ES_LISTED }, /* the chunks' */
        [SET_SOURCES] = { .name = "sources", .elem_name = "source", .next = sources_next,
                          .fields = source_fields, .n_fields = ARRAY_SIZE(source_fields) },
        [SET_REASON]  = { .name = "reason", .elem_name = "reason", .next = reason_next,
                          .fields = reason_fields, .n_fields = ARRAY_SIZE(reason_fields) },
        [SET_APP]     = { .name = "app", .elem_name = "app", .next = app_next, .fields = app_fields,
                          .n_fields = ARRAY_SIZE(app_fields) },
        [SET_FCI]     = { .name = "fci", .elem_name = "fci", .next = fci_next },
        [SET_XR]      = { .name = "xr_blocks", .elem_name = "block", .next = xr_next,
                          .fields = xr_fields, .n_fields = ARRAY_SIZE(xr_fields) },
        [SET_DATA]    = { .name = "data", .elem_name = "data", .next = data_next, .fields = data_fields,
                          .n_fields = ARRAY_SIZE(data_fields) },
        [SET_PAD]     = { .name = "pad", .elem_name = "pad", .next = pad_next, .fields = data_fields,
                          .n_fields = ARRAY_SIZE(data_fields) },
};
/* clang-format on */

/* ---- dissecting ---- */

/* Does the packet hold what its type and count say, within its length, and does every part of it
 * fit there? */
static bool
is_consistent(const struct pkt_view *v, uint32_t end)
{
        unsigned type = type_of(v);
        struct pkt_elem e = PKT_ELEM_INIT;

        for (size_t s = 0; s < ARRAY_SIZE(rtcp_elems); s++)
                if (pkt_elems_damage(v, rtcp_elems[s].next) & PKT_LAYER_MALFORMED)
                        return false;
        if (type == SR || type == RR || type == BYE)
                return after_counted(v) <= end;
        if (type == APP || type == RTPFB || type == PSFB || type == XR)
                return RTCP_HDR_LEN + sender_len(type) + (type == APP ? 4u : 0u) <= end;
        if (type != SDES)
                return true;
        /* As many chunks as the count says. Bounded by the count. */
        while (chunks_next(v, &e) == 1)
                e.count++;
        return e.count == RTCP_COUNT(v->b[0]);
}

/* Does @b (@len bytes) start with an RTCP packet header (version 2, an RTCP packet type)? */
static bool
is_rtcp_header(const uint8_t *b, uint32_t len)
{
        return len >= RTCP_HDR_LEN && b[0] >> 6 == RTCP_VERSION && b[1] >= RTCP_TYPE_MIN &&
               b[1] <= RTCP_TYPE_MAX;
}

/* The packet is the header; the next packet of the compound follows when what follows starts like
 * one and fits (SRTCP's index and tag, RFC 3711 3.4, stay raw). */
static void
rtcp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = length_of(v);

        d->hdr_len = len;
        if (v->b[0] >> 6 != RTCP_VERSION)
                d->flags |= PKT_LAYER_MALFORMED;
        /* A P bit whose count is 0 or more than the packet, or a body its type cannot have. */
        bool bad_padding = (v->b[0] & RTCP_PADDING) && !padding_of(v);
        if (len <= v->caplen && (bad_padding || !is_consistent(v, packet_end(v))))
                d->flags |= PKT_LAYER_MALFORMED;
        if (len < v->caplen && is_rtcp_header(v->b + len, v->caplen - len) &&
            ((uint32_t)pkt_load_be16(v->b + len + 2) + 1u) * 4u <= v->wire_len - len)
                d->next = PKT_PROTO_RTCP;
}

/*
 * On a UDP payload no port claims, what tshark's heuristic takes for RTCP: version 2, a first
 * packet of a type a compound may start with (RFC 3550 A.2 names SR and RR; RFC 5506 allows
 * feedback, and BYE and APP are sent alone too), a first packet within the datagram, and whole
 * words. Looser than A.2's check that the lengths add up: SRTCP's index and tag follow the compound
 * (RFC 3711 3.4), and an encrypted SRTCP packet's length says nothing of what follows its first 8
 * bytes.
 */
static bool
rtcp_heuristic(const struct pkt_view *v)
{
        if (v->caplen < 8 || v->wire_len % 4 || !is_rtcp_header(v->b, v->caplen))
                return false;
        unsigned type = v->b[1];
        uint32_t len = length_of(v);
        return (type == SR || type == RR || type == BYE || type == APP || type == RTPFB ||
                type == PSFB) &&
               len <= v->wire_len;
}

/* ---- building ---- */

/* The set whose elements the count counts, for @type, or -1. */
static int
counted_set(unsigned type)
{
        return type == SR || type == RR ? SET_BLOCKS
               : type == SDES           ? SET_CHUNKS
               : type == BYE            ? SET_SOURCES
                                        : -1;
}

/* The length of the packet as built; the count follows the elements as they are added. A packet
 * built with nothing after its four bytes gets the sender part its type starts with, zeros (as
 * scapy's RTCP does for SR and RR), so that `rtcp()` alone is a whole sender report. */
static int
rtcp_update(struct pkt *p, unsigned idx)
{
        static const uint8_t zeros[SENDER_LEN_MAX];
        const struct pkt_layer *l = &p->layers[idx];
        int r;

        if (!pkt_is_rebuilt(p))
                return 0;
        uint32_t lead = l->hdr_len == RTCP_HDR_LEN ? sender_len(p->data[l->off + 1]) : 0;
        assert(lead <= SENDER_LEN_MAX);
        if (lead && (r = pkt_layer_splice(p, idx, RTCP_HDR_LEN, 0, zeros, lead)) < 0)
                return r;
        return pkt_auto_set(p, idx, F_LENGTH, (p->layers[idx].hdr_len + 3u) / 4u - 1u);
}

/* The length follows the elements as they are added (the walks read it), and so does the count of
 * the set it counts. */
static int
rtcp_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        const uint8_t *h = p->data + p->layers[idx].off;
        int r = pkt_auto_set(p, idx, F_LENGTH, (p->layers[idx].hdr_len + 3u) / 4u - 1u);

        if (r < 0 || counted_set(h[1]) != (int)set)
                return r;
        if (RTCP_COUNT(h[0]) == RTCP_COUNT_MAX)
                return -ERANGE;
        return pkt_auto_set(p, idx, F_COUNT, RTCP_COUNT(h[0]) + 1u);
}

/* Why 16: more arguments than any element here has fields (SDES chunks: SSRC and 8 item types). */
#define RTCP_ARGS_MAX 16

/* Zero bytes after @len to the next 32-bit boundary. */
static int
align_words(uint8_t *out, size_t size, int len)
{
        size_t padded = ((size_t)len + 3u) & ~(size_t)3u;

        if (len < 0 || padded > size)
                return len < 0 ? len : -EMSGSIZE;
        memset(out + len, 0, padded - (size_t)len);
        return (int)padded;
}

/* An element of bytes brought to whole words (RFC 3550 6.1: every packet is), unless the packet has
 * the P bit: then its "pad" element, added last, brings it there. */
static int
pad_words(const struct pkt_view *v, uint8_t *out, size_t size, int len)
{
        return v->b[0] & RTCP_PADDING ? len : align_words(out, size, len);
}

/* "chunk(ssrc=N,items=HEX)" as read, or "chunk(ssrc=N,cname=...,tool=...)": the items named, an
 * END, and null bytes to a word boundary. */
static int
chunk_build(const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        int r = pkt_spec_field(&chunk_fields[0], pkt_spec_arg(args, n, "ssrc", 0), out, size);
        size_t at = 4;
        bool has_items = false;

        if (r < 0)
                return r;
        for (int i = 0; i < n; i++) {
                uint32_t type;
                if (strcmp(args[i].key, "ssrc") == 0 || (i == 0 && !args[i].key[0]))
                        continue; /* the SSRC, by name or first in place */
                if (!args[i].key[0])
                        return -EINVAL;
                if (strcmp(args[i].key, "items") == 0) {
                        has_items = true;
                        if ((r = pkt_spec_field(&chunk_fields[1], args[i].value, out + at,
                                                size - at)) < 0)
                                return r;
                        at += (size_t)r;
                        continue;
                }
                if (pkt_name_value(sdes_names, args[i].key, UINT8_MAX, &type) < 0 ||
                    type == SDES_END)
                        return -ENOENT;
                if (size - at < 2)
                        return -EMSGSIZE;
                if ((r = pkt_spec_field(&item_kind[1], args[i].value, out + at + 2,
                                        MIN(size - at - 2, 255))) < 0)
                        return r;
                out[at] = (uint8_t)type;
                out[at + 1] = (uint8_t)r;
                at += 2u + (size_t)r;
        }
        /* Items as read (JSON) hold their END and padding already. */
        if (!has_items) {
                if (at >= size)
                        return -EMSGSIZE;
                out[at++] = SDES_END;
        }
        return align_words(out, size, (int)at);
}

static int
part_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
           size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[RTCP_ARGS_MAX];
        char name[32];
        int n;

        *ret_at = hdr_len;
        if (!set_applies(set, type_of(v)))
                return -EINVAL; /* set the packet type first */
        n = pkt_spec_split(text, name, sizeof(name), args, RTCP_ARGS_MAX);
        if (n < 0)
                return n;
        const struct pkt_elem_set *s = &rtcp_elems[set];
        switch (set) {
        case SET_BLOCKS:
        case SET_SOURCES:
                /* After the blocks or sources there are, before an extension or a reason. */
                *ret_at = after_counted(v);
                if (*ret_at > hdr_len)
                        return -EINVAL; /* an SR's or RR's sender first */
                return pkt_spec_encode(s->fields, s->n_fields, args, n, out, size);
        case SET_SENDER: {
                struct pkt_kind k = sender_kind(type_of(v));
                if (hdr_len != RTCP_HDR_LEN)
                        return -EINVAL; /* the sender comes first */
                return pkt_spec_encode(k.fields, k.n, args, n, out, size);
        }
        case SET_CHUNKS:
                return chunk_build(args, n, out, size);
        case SET_FCI:
                if (type_of(v) == RTPFB && RTCP_COUNT(v->b[0]) == NACK_FMT)
                        return pkt_spec_encode(nack_fields, ARRAY_SIZE(nack_fields), args, n, out,
                                               size);
                return pad_words(v, out, size, pkt_spec_encode(data_fields, 1, args, n, out, size));
        case SET_REASON:
        case SET_APP:
        case SET_EXT:
        case SET_DATA:
                return pad_words(v, out, size,
                                 pkt_spec_encode(s->fields, s->n_fields, args, n, out, size));
        default:
                return pkt_spec_encode(s->fields, s->n_fields, args, n, out, size);
        }
}

/* A part that follows the sender, added to a packet that has none yet, comes with a zero sender in
 * front: every SR, RR, APP, feedback and XR packet starts with its sender's SSRC (RFC 3550 6.4, 6.7;
 * RFC 4585 6.1; RFC 3611 2), and the walks read what follows the sender where the sender ends. */
static int
rtcp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                uint8_t *out, size_t size, uint32_t *ret_at)
{
        unsigned type = type_of(v);
        uint32_t lead = set != SET_SENDER && hdr_len == RTCP_HDR_LEN && set_applies(set, type) ? sender_len(type) : 0;
        int r;

        if (lead == 0)
                return part_build(v, hdr_len, set, text, out, size, ret_at);
        if (size < lead)
                return -EMSGSIZE;
        r = part_build(v, hdr_len + lead, set, text, out + lead, size - lead, ret_at);
        if (r < 0)
                return r;
        memset(out, 0, lead);
        *ret_at = hdr_len;
        return r + (int)lead;
}

static const struct pkt_key rtcp_carriers[] = {
        { PKT_KEY_UDP_PORT, RTCP_PORT },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_rtcp = {
        .name = "rtcp",
        .summary = "RTP Control Protocol, one packet of a compound (RFC 3550 6, 4585, 3611)",
        .id = PKT_PROTO_RTCP,
        .min_hdr_len = RTCP_HDR_LEN,
        .fields = rtcp_fields,
        .n_fields = ARRAY_SIZE(rtcp_fields),
        .elems = rtcp_elems,
        .n_elems = ARRAY_SIZE(rtcp_elems),
        .carriers = rtcp_carriers,
        .dissect = rtcp_dissect,
        .update = rtcp_update,
        .elem_build = rtcp_elem_build,
        .elem_added = rtcp_elem_added,
        .heuristic = rtcp_heuristic,
        .not_dissected =
                "XR report blocks' contents and feedback messages other than the generic NACK "
                "are bytes.",
};
