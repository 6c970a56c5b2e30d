/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Diameter base protocol (RFC 6733 3, AVPs 4.1; credit control RFC 4006).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |    Version    |                 Message Length                |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | command flags |                  Command-Code                 |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         Application-ID                        |
 *   |                      Hop-by-Hop Identifier                    |
 *   |                      End-to-End Identifier                    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  AVPs: Code (4) | V M P r r r r r | AVP Length (3) | [Vendor-ID (4)] | Data | padding to 4
 *
 * One message is one layer; its AVPs are the layer's header (Message Length bytes), so that several
 * messages in one TCP segment are consecutive diameter layers. "avps" are the top-level AVPs
 * (pypacker's Diameter.avps); a grouped AVP (RFC 6733 4.4) shows its data as bytes, and "avps_all"
 * walks every AVP depth first, descending into the grouped AVPs of the base and credit-control
 * applications, in the order Wireshark lists them. Message Length and AVP Length are auto fields
 * (AVP Length excludes the padding, RFC 6733 4.1).
 */
#include <string.h>

#include "internal.h"
#include "forms.h"
#include "tlv.h"

#define DIAM_HDR_LEN 20
#define AVP_HDR_LEN 8
#define AVP_F_VENDOR 0x80
/* Why 8: the base and credit-control dictionaries nest at most four deep (MSCC > G-S-U > CC-Money >
 * Unit-Value); more is a hostile message, whose deeper AVPs stay bytes. */
#define AVP_DEPTH_MAX 8
/* Why 1024: a message of the largest TCP segment holds at most ~8000 empty AVPs; every avps_all step
 * re-walks the message, so a bound keeps a hostile one linear enough. */
#define AVPS_ALL_MAX 1024

/* clang-format off */
static const struct pkt_name diam_cmd_names[] = {
        { 257, "Capabilities-Exchange" }, { 258, "Re-Auth" }, { 271, "Accounting" },
        { 272, "Credit-Control" }, { 274, "Abort-Session" }, { 275, "Session-Termination" },
        { 280, "Device-Watchdog" }, { 282, "Disconnect-Peer" }, { 0, NULL },
};

static const struct pkt_field diam_fields[] = {
        { .name = "v",               .off = 0,   .bits = 8,  .type = PKT_FT_UINT, .def = 1 },
        { .name = "len",             .off = 8,   .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = DIAM_HDR_LEN },
        { .name = "flags",           .off = 32,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "request_flag",    .off = 32,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "proxiable_flag",  .off = 33,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "error_flag",      .off = 34,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "retransmit_flag", .off = 35,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "reserved",        .off = 36,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "cmd",             .off = 40,  .bits = 24, .type = PKT_FT_ENUM, .names = diam_cmd_names, .def = 257 },
        { .name = "app_id",          .off = 64,  .bits = 32, .type = PKT_FT_UINT },
        { .name = "hop_id",          .off = 96,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "end_id",          .off = 128, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_field avp_fields[] = {
        { .name = "code",           .off = 0,  .bits = 32, .type = PKT_FT_UINT },
        { .name = "flags",          .off = 32, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "vendor_flag",    .off = 32, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "mandatory_flag", .off = 33, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "protected_flag", .off = 34, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "len",            .off = 40, .bits = 24, .type = PKT_FT_UINT },
};

static const struct pkt_field avp_vendor_kind[] = {
        PKT_U("vendor_id", 0, 32),
        { .name = "data", .off = 32, .type = PKT_FT_BYTES },
};
static const struct pkt_field avp_plain_kind[] = { { .name = "data", .off = 0, .type = PKT_FT_BYTES } };

/* Grouped AVPs of RFC 6733 and RFC 4006 (vendor 0). */
static const uint16_t grouped_codes[] = {
        260, 279, 284, 297, 413, 423, 430, 431, 434, 437, 440, 443, 445, 446, 456, 457, 458,
};
/* clang-format on */

enum { F_V, F_LEN };

static uint32_t
pad4(uint32_t n)
{
        return (n + 3u) & ~3u;
}

static bool
is_grouped(const uint8_t *avp)
{
        uint32_t code = tlv_be32(avp);

        if (avp[4] & AVP_F_VENDOR)
                return false;
        for (size_t i = 0; i < ARRAY_SIZE(grouped_codes); i++)
                if (code == grouped_codes[i])
                        return true;
        return false;
}

/* Where the AVPs end: Message Length, or the captured bytes when fewer. */
static uint32_t
msg_end(const struct pkt_view *v)
{
        return MIN(tlv_be24(v->b + 1), v->caplen);
}

/* The AVP at @pos within @end: its length (without padding) in *@ret_len, or false. */
static bool
avp_at(const struct pkt_view *v, uint32_t pos, uint32_t end, uint32_t *ret_len)
{
        uint32_t len, hdr;

        if (pos > end || end - pos < AVP_HDR_LEN || !pkt_rd_has(v, pos, AVP_HDR_LEN))
                return false;
        len = tlv_be24(v->b + pos + 5);
        hdr = v->b[pos + 4] & AVP_F_VENDOR ? AVP_HDR_LEN + 4 : AVP_HDR_LEN;
        if (len < hdr || len > end - pos)
                return false;
        *ret_len = len;
        return true;
}

static void
avp_kind(const struct pkt_view *v, struct pkt_elem *e)
{
        e->data_off = AVP_HDR_LEN;
        if (v->b[e->off + 4] & AVP_F_VENDOR) {
                e->kind_fields = avp_vendor_kind;
                e->n_kind_fields = ARRAY_SIZE(avp_vendor_kind);
        } else {
                e->kind_fields = avp_plain_kind;
                e->n_kind_fields = ARRAY_SIZE(avp_plain_kind);
        }
}

/* An AVP that cannot be walked past ends the set, flagged. */
static int
avp_bad(const struct pkt_view *v, struct pkt_elem *e, uint32_t pos, uint32_t end)
{
        e->off = pos;
        e->len = end - pos;
        e->flags |= end < tlv_be24(v->b + 1) ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
        e->next = UINT32_MAX;
        return 1;
}

static int
avps_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? DIAM_HDR_LEN : e->next, end = msg_end(v), len;

        if (pos >= end)
                return 0;
        if (!avp_at(v, pos, end, &len))
                return avp_bad(v, e, pos, end);
        e->off = pos;
        e->len = len;
        e->next = pos + MIN(pad4(len), end - pos);
        avp_kind(v, e);
        return 1;
}

/*
 * The first AVP starting at or after @target in depth-first order within [@pos, @end). Returns its
 * start, UINT32_MAX when there is none, or the start of the AVP that cannot be walked with bit 31 of
 * *@ret_bad set.
 */
static uint32_t
find_from(const struct pkt_view *v, uint32_t pos, uint32_t end, uint32_t target, unsigned depth,
          bool *ret_bad)
{
        uint32_t len;

        while (pos < end) {
                if (!avp_at(v, pos, end, &len)) {
                        if (pos >= target && depth == 0) {
                                *ret_bad = true;
                                return pos;
                        }
                        return UINT32_MAX; /* a bad group's inside: its bytes stay its data */
                }
                if (pos >= target)
                        return pos;
                if (is_grouped(v->b + pos) && depth < AVP_DEPTH_MAX && target < pos + len) {
                        uint32_t r = find_from(v, pos + AVP_HDR_LEN, pos + len, target, depth + 1, ret_bad);
                        if (r != UINT32_MAX)
                                return r;
                }
                pos += MIN(pad4(len), end - pos);
        }
        return UINT32_MAX;
}

static int
avps_all_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t end = msg_end(v), target = e->count == 0 ? DIAM_HDR_LEN : e->next, len, pos;
        bool bad = false;

        if (e->count >= AVPS_ALL_MAX || target >= end)
                return 0;
        pos = find_from(v, DIAM_HDR_LEN, end, target, 0, &bad);
        if (pos == UINT32_MAX)
                return 0;
        if (bad)
                return avp_bad(v, e, pos, end);
        avp_at(v, pos, end, &len);
        e->off = pos;
        e->len = len;
        /* Next: inside a group first, else past this AVP. */
        e->next = is_grouped(v->b + pos) ? pos + AVP_HDR_LEN : pos + pad4(len);
        avp_kind(v, e);
        return 1;
}

static const struct pkt_elem_set diam_elems[] = {
        { .name = "avps", .elem_name = "avp", .next = avps_next, .fields = avp_fields,
          .n_fields = ARRAY_SIZE(avp_fields) },
        /* Lists the AVPs inside grouped ones too: the AVPs that hold them carry their bytes. */
        { .name = "avps_all", .elem_name = "avp", .next = avps_all_next, .fields = avp_fields,
          .n_fields = ARRAY_SIZE(avp_fields), .flags = PKT_ES_LISTED },
};

/* RFC 6733 3: the version is 1 and the length covers the 20-byte header. */
static bool
looks_like_header(const struct pkt_view *v, uint32_t off)
{
        return pkt_rd_has(v, off, DIAM_HDR_LEN) && v->b[off] == 1 && tlv_be24(v->b + off + 1) >= DIAM_HDR_LEN;
}

static void
diam_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = tlv_be24(v->b + 1), pos = DIAM_HDR_LEN, alen;

        if (v->b[0] != 1 || len < DIAM_HDR_LEN || len % 4) {
                /* Not a message start (a segment continuing one): keep the fixed header, rest raw. */
                d->flags |= PKT_LAYER_MALFORMED;
                return;
        }
        d->hdr_len = len;
        /* The rest of the segment: another message, or raw bytes. */
        d->next = looks_like_header(v, len) ? PKT_PROTO_DIAMETER : PKT_PROTO_NONE;
        if (len > v->caplen)
                return; /* the engine flags the cut */
        while (pos < len) {
                if (!avp_at(v, pos, len, &alen)) {
                        d->flags |= PKT_LAYER_MALFORMED;
                        return;
                }
                pos += MIN(pad4(alen), len - pos);
        }
}

/* Message Length; AVP lengths and padding are set when an AVP is built (diam_elem_build()). */
static int
diam_update(struct pkt *p, unsigned idx)
{
        return pkt_auto_set(p, idx, F_LEN, MIN(p->layers[idx].hdr_len, 0xffffffu));
}

/* Is @key one of the flag bits by name, the parts of "flags" the JSON writer gives beside it? */
static bool
is_flag_part(const char *key)
{
        for (size_t i = 0; i < ARRAY_SIZE(avp_fields); i++)
                if ((avp_fields[i].flags & PKT_FF_PART) && strcmp(avp_fields[i].name, key) == 0)
                        return true;
        return false;
}

/* An AVP from "avp(code=263,flags=0x40,vendor_id=10415,data=...)" or "263(data=...)": the length and
 * the padding are filled in here. */
static int
diam_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                size_t size, uint32_t *ret_at)
{
        static const struct pkt_field data_field[] = { { .name = "data", .type = PKT_FT_BYTES } };
        struct pkt_spec_arg args[TLV_ARGS_MAX], rest[TLV_ARGS_MAX];
        uint32_t code = 0, flags = 0, vendor = 0, len;
        char name[32];
        int na, nr = 0, r;

        (void)v;
        *ret_at = hdr_len;
        (void)set; /* avps: avps_all is listed */
        na = pkt_spec_split(text, name, sizeof(name), args, TLV_ARGS_MAX);
        if (na < 0)
                return na;
        if (strcmp(name, "avp") != 0 && pkt_name_value(NULL, name, UINT32_MAX, &code) < 0)
                return -EINVAL;
        for (int i = 0; i < na; i++) {
                if (strcmp(args[i].key, "code") == 0 || strcmp(args[i].key, "flags") == 0 ||
                    strcmp(args[i].key, "vendor_id") == 0 || is_flag_part(args[i].key))
                        continue;
                rest[nr++] = args[i];
        }
        if (tlv_arg_u32(args, na, "code", &code) < 0 || tlv_arg_u32(args, na, "flags", &flags) < 0 ||
            (r = tlv_arg_u32(args, na, "vendor_id", &vendor)) < 0 || flags > 255)
                return -EINVAL;
        if (r == 1)
                flags |= AVP_F_VENDOR;
        len = flags & AVP_F_VENDOR ? AVP_HDR_LEN + 4 : AVP_HDR_LEN;
        if (size < len)
                return -EMSGSIZE;
        r = tlv_encode_args(data_field, 1, rest, nr, out + len, size - len);
        if (r < 0)
                return r;
        tlv_put(out, 4, code);
        out[4] = (uint8_t)flags;
        tlv_put(out + 5, 3, len + (uint32_t)r);
        if (flags & AVP_F_VENDOR)
                tlv_put(out + 8, 4, vendor);
        len += (uint32_t)r;
        if (pad4(len) > size)
                return -EMSGSIZE;
        memset(out + len, 0, pad4(len) - len);
        return (int)pad4(len);
}

/* RFC 6733 2.1: TCP and SCTP port 3868; SCTP payload protocol id 46 (IANA). */
static const struct pkt_key diam_carriers[] = {
        { PKT_KEY_TCP_PORT, 3868 },
        { PKT_KEY_SCTP_PPID, 46 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_diameter = {
        .name = "diameter",
        .summary = "Diameter base protocol (RFC 6733)",
        .id = PKT_PROTO_DIAMETER,
        .min_hdr_len = DIAM_HDR_LEN,
        .fields = diam_fields,
        .n_fields = ARRAY_SIZE(diam_fields),
        .elems = diam_elems,
        .n_elems = ARRAY_SIZE(diam_elems),
        .carriers = diam_carriers,
        .dissect = diam_dissect,
        .update = diam_update,
        .elem_build = diam_elem_build,
        .not_dissected = "Grouped AVPs of applications other than base and credit control are "
                         "shown as bytes.",
};
