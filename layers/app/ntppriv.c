/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NTP private messages (mode 7): ntpd's own request format, what ntpdc speaks (ntpd's
 * ntp_request.h; no RFC). It is what the "monlist" amplification attacks use (CVE-2013-5211): an
 * 8-byte MON_GETLIST_1 request draws up to 100 responses of 6 items of 72 bytes each.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |R|M| VN  |Mode |A|  Sequence   |Implementation |   Request     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Err  |  Number of items      |  MBZ  |   Size of an item     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Items (number x size octets) ...                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  a request's rest: the data area, timestamp, key id, MAC      |
 *
 * NTP's port carries it; NTP's dispatch hook hands a mode 7 message here. The names are scapy's
 * (NTPPrivate). The header runs to the end of the items, each an element; a MON_GETLIST_1 item (the
 * monitor list's entries: who sent the server how many packets, from which address and port) has
 * its fields, any other item its bytes. What a request carries after its items (the rest of its
 * fixed data area, and when authenticated its timestamp, key id and MAC) is the payload. Built, the
 * number of items counts the items added, and the size is the first one's.
 */
#include <strings.h>

#include "ntp.h"

enum {
        PRIV_HDR_LEN = 8,
        RESPONSE_BIT = 0x80,
        SEQ_MASK = 0x7f,
        ITEMS_MASK = 0x0fff,
        MON_GETLIST_1 = 42,
        MONITOR_1_LEN = 72, /* struct info_monitor_1 */
        PRIV_ARGS_MAX = 16, /* more arguments than an item has fields */
};

/* clang-format off */
static const struct pkt_name impl_names[] = {
        { 0, "UNIV" }, { 2, "XNTPD_OLD" }, { 3, "XNTPD" }, { 0, NULL },
};

static const struct pkt_name request_names[] = {
        { 0, "PEER_LIST" }, { 1, "PEER_LIST_SUM" }, { 2, "PEER_INFO" }, { 3, "PEER_STATS" },
        { 4, "SYS_INFO" }, { 5, "SYS_STATS" }, { 6, "IO_STATS" }, { 7, "MEM_STATS" }, { 8, "LOOP_INFO" },
        { 9, "TIMER_STATS" }, { 10, "CONFIG" }, { 11, "UNCONFIG" }, { 12, "SET_SYS_FLAG" },
        { 13, "CLR_SYS_FLAG" }, { 14, "MONITOR" }, { 15, "NOMONITOR" }, { 16, "GET_RESTRICT" },
        { 17, "RESADDFLAGS" }, { 18, "RESSUBFLAGS" }, { 19, "UNRESTRICT" }, { 20, "MON_GETLIST" },
        { 21, "RESET_STATS" }, { 22, "RESET_PEER" }, { 23, "REREAD_KEYS" }, { 24, "DO_DIRTY_HACK" },
        { 25, "DONT_DIRTY_HACK" }, { 26, "TRUSTKEY" }, { 27, "UNTRUSTKEY" }, { 28, "AUTHINFO" },
        { 29, "TRAPS" }, { 30, "ADD_TRAP" }, { 31, "CLR_TRAP" }, { 32, "REQUEST_KEY" },
        { 33, "CONTROL_KEY" }, { 34, "GET_CTLSTATS" }, { 35, "GET_LEAPINFO" }, { 36, "GET_CLOCKINFO" },
        { 37, "SET_CLKFUDGE" }, { 38, "GET_KERNEL" }, { 39, "GET_CLKBUGINFO" }, { 41, "SET_PRECISION" },
        { MON_GETLIST_1, "MON_GETLIST_1" }, { 43, "HOSTNAME_ASSOCID" }, { 44, "IF_STATS" },
        { 45, "IF_RELOAD" }, { 0, NULL },
};

static const struct pkt_name err_names[] = {
        { 0, "OK" }, { 1, "IMPL" }, { 2, "REQ" }, { 3, "FMT" }, { 4, "NODATA" }, { 7, "AUTH" }, { 0, NULL },
};

/* Defaults: a version 2 request from ntpd's implementation, as ntpdc sends them. */
static const struct pkt_field priv_fields[] = {
        { .name = "flags",          .off = 0,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x17 },
        { .name = "response",       .off = 0,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "more",           .off = 1,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "v",              .off = 2,  .bits = 3,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "mode",           .off = 5,  .bits = 3,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = pkt_ntp_mode_names },
        { .name = "auth_seq",       .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "auth",           .off = 8,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "seq",            .off = 9,  .bits = 7,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "implementation", .off = 16, .bits = 8,  .type = PKT_FT_ENUM, .names = impl_names, .def = 3 },
        { .name = "request_code",   .off = 24, .bits = 8,  .type = PKT_FT_ENUM, .names = request_names },
        { .name = "err_nitems",     .off = 32, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "err",            .off = 32, .bits = 4,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = err_names },
        { .name = "nb_items",       .off = 36, .bits = 12, .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "mbz_itemsize",   .off = 48, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "mbz",            .off = 48, .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "data_item_size", .off = 52, .bits = 12, .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
};
enum { F_NB_ITEMS = 12, F_ITEM_SIZE = 15 };

/* struct info_monitor_1: one address the server has heard from, and how often. */
static const struct pkt_field monitor_fields[] = {
        { .name = "avg_int",  .off = 0,   .bits = 32,  .type = PKT_FT_UINT }, /* mean seconds between packets */
        { .name = "last_int", .off = 32,  .bits = 32,  .type = PKT_FT_UINT }, /* seconds since the last */
        { .name = "restr",    .off = 64,  .bits = 32,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "count",    .off = 96,  .bits = 32,  .type = PKT_FT_UINT },
        { .name = "addr",     .off = 128, .bits = 32,  .type = PKT_FT_IPV4 },
        { .name = "daddr",    .off = 160, .bits = 32,  .type = PKT_FT_IPV4 },
        { .name = "flags",    .off = 192, .bits = 32,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "port",     .off = 224, .bits = 16,  .type = PKT_FT_UINT },
        { .name = "mode",     .off = 240, .bits = 8,   .type = PKT_FT_UINT },
        { .name = "version",  .off = 248, .bits = 8,   .type = PKT_FT_UINT },
        { .name = "v6_flag",  .off = 256, .bits = 32,  .type = PKT_FT_UINT },
        { .name = "unused1",  .off = 288, .bits = 32,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "addr6",    .off = 320, .bits = 128, .type = PKT_FT_IPV6 },
        { .name = "daddr6",   .off = 448, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field item_fields[] = {
        { .name = "data", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

_Static_assert(MONITOR_1_LEN * 8 == 448 + 128, "monitor_fields is struct info_monitor_1");

static uint32_t
nb_items(const uint8_t *h)
{
        return (uint32_t)(h[4] << 8 | h[5]) & ITEMS_MASK;
}

static uint32_t
item_size(const uint8_t *h)
{
        return (uint32_t)(h[6] << 8 | h[7]) & ITEMS_MASK;
}

/* Items of the size the header gives, as many as it counts. Bounded: at most 4,095 of them. */
static int
items_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t size = item_size(v->b), pos = PRIV_HDR_LEN + e->count * size;

        if (e->count >= nb_items(v->b) || size == 0 || pos >= v->caplen)
                return 0;
        e->off = pos;
        e->len = MIN(size, v->caplen - pos);
        if (e->len < size)
                e->flags |= pos + size <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
        bool is_monitor = v->b[3] == MON_GETLIST_1 && size == MONITOR_1_LEN;
        e->kind_fields = is_monitor ? monitor_fields : item_fields;
        e->n_kind_fields = is_monitor ? ARRAY_SIZE(monitor_fields) : ARRAY_SIZE(item_fields);
        return 1;
}

static const struct pkt_elem_set priv_elems[] = {
        { .name = "items", .elem_name = "item", .next = items_next },
};

/* The header is the fixed part and the items (min_hdr_len bytes are there); more items than the
 * message holds is a lie, or a cut capture (finish() tells which). */
static void
priv_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = PRIV_HDR_LEN + nb_items(v->b) * item_size(v->b);
}

/* "item(data=...)", or a monitor list entry by its fields: "item(count=3,addr=192.0.2.1,...)". */
static int
priv_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[PRIV_ARGS_MAX];
        char name[8];
        int n;

        (void)v, (void)set;
        *ret_at = hdr_len;
        if ((n = pkt_spec_split(text, name, sizeof(name), args, PRIV_ARGS_MAX)) < 0)
                return n;
        if (strcasecmp(name, "item") != 0)
                return -EINVAL;
        if (pkt_spec_arg(args, n, "data", -1))
                return pkt_spec_encode(item_fields, ARRAY_SIZE(item_fields), args, n, out, size);
        return pkt_spec_encode(monitor_fields, ARRAY_SIZE(monitor_fields), args, n, out, size);
}

/* The item just added is counted, and sets the size when there is none yet. */
static int
priv_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        const uint8_t *h = p->data + p->layers[idx].off;
        uint32_t n = nb_items(h);
        int r;

        (void)set;
        if (n == ITEMS_MASK)
                return -ERANGE;
        /* No size yet: the items before are of none, so the header past its fixed part is this one. */
        if (item_size(h) == 0 && (r = pkt_auto_set(p, idx, F_ITEM_SIZE, p->layers[idx].hdr_len - PRIV_HDR_LEN)) < 0)
                return r;
        return pkt_auto_set(p, idx, F_NB_ITEMS, n + 1u);
}

/* A response answers the request of its implementation, request code and sequence number. */
static bool
priv_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);

        if (!a || !b || a->hdr_len < PRIV_HDR_LEN || b->hdr_len < PRIV_HDR_LEN)
                return false;
        const uint8_t *q = req->data + a->off, *r = rep->data + b->off;
        return !(q[0] & RESPONSE_BIT) && (r[0] & RESPONSE_BIT) && (q[1] & SEQ_MASK) == (r[1] & SEQ_MASK) &&
               q[2] == r[2] && q[3] == r[3];
}

const struct pkt_proto pkt_proto_ntppriv = {
        .name = "ntppriv",
        .summary = "NTP private message, mode 7 (ntpd's ntpdc requests: monlist)",
        .id = PKT_PROTO_NTPPRIV,
        .flags = PKT_P_DISPATCHED,
        .min_hdr_len = PRIV_HDR_LEN,
        .fields = priv_fields,
        .n_fields = ARRAY_SIZE(priv_fields),
        .elems = priv_elems,
        .n_elems = ARRAY_SIZE(priv_elems),
        .carriers = pkt_ntp_carriers,
        .dissect = priv_dissect,
        .elem_build = priv_elem_build,
        .elem_added = priv_elem_added,
        .answers = priv_answers,
        .not_dissected = "Items other than the monitor list's are bytes; a request's data area stays raw",
};
