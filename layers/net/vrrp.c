/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Virtual Router Redundancy Protocol, version 2 (RFC 3768 5.1) and version 3 (RFC 5798 5.1), IP
 * protocol 112.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Auth Type   |   Adver Int   |          Checksum             |   version 2
 *  |(rsvd) |     Max Adver Int     |          Checksum             |   version 3
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 IP addresses (Count of them) ...              |   IPv4, or IPv6 under IPv6
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Authentication Data (8, version 2 only)       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Field names are pypacker's (vtype = v and type, vrid, priority, count, atype, advtime, sum); the
 * version 3 interval is "max_advt", sharing bits with atype and advtime. The addresses ("addrs") and
 * version 2's authentication data ("auth") are header and elements. The checksum covers the VRRP
 * message (RFC 3768 5.3.8), in version 3 after the IP pseudo-header too (RFC 5798 5.2.8).
 */
#include <arpa/inet.h>
#include <string.h>

#include "internal.h"

#define VRRP_HDR_LEN  8
#define VRRP_AUTH_LEN 8
#define VRRP_V2       2
#define VRRP_V3       3
#define IPPROTO_VRRP_ 112

/* clang-format off */
static const struct pkt_name vrrp_atype_names[] = {
        { 0, "NONE" }, { 1, "SIMPLE" }, { 2, "AH" }, { 0, NULL },
};

static const struct pkt_field vrrp_fields[] = {
        { .name = "vtype",    .off = 0,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x21 },
        { .name = "v",        .off = 0,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "type",     .off = 4,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "vrid",     .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .def = 1 },
        { .name = "priority", .off = 16, .bits = 8,  .type = PKT_FT_UINT, .def = 100 },
        { .name = "count",    .off = 24, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "atype",    .off = 32, .bits = 8,  .type = PKT_FT_ENUM, .names = vrrp_atype_names },
        { .name = "advtime",  .off = 40, .bits = 8,  .type = PKT_FT_UINT, .def = 1 },
        { .name = "max_advt", .off = 36, .bits = 12, .type = PKT_FT_UINT },
        { .name = "sum",      .off = 48, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
};

static const struct pkt_field vrrp_addr4_fields[] = {
        { .name = "addr", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};

static const struct pkt_field vrrp_addr6_fields[] = {
        { .name = "addr", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
};

static const struct pkt_field vrrp_auth_fields[] = {
        { .name = "data", .off = 0, .bits = 64, .type = PKT_FT_STRING },
};
/* clang-format on */

enum { F_VTYPE, F_V, F_TYPE, F_VRID, F_PRIORITY, F_COUNT, F_ATYPE, F_ADVTIME, F_MAX_ADVT, F_SUM };
enum { SET_ADDRS, SET_AUTH };

/* The addresses are of the IP version that carries the message (RFC 5798 5.2.9): IPv6's under IPv6
 * or one of its extension headers (a hop-by-hop header, say), IPv4's otherwise. */
static uint32_t
addr_len(uint16_t lower)
{
        return lower == PKT_PROTO_IP6 || pkt_ip6_is_ext(lower) ? 16 : 4;
}

/* Where the addresses end: the authentication data of version 2 follows. */
static uint32_t
addrs_end(const uint8_t *h, uint16_t lower)
{
        return VRRP_HDR_LEN + h[3] * addr_len(lower);
}

static uint32_t
vrrp_hdr_len(const uint8_t *h, uint16_t lower)
{
        return addrs_end(h, lower) + ((h[0] >> 4) == VRRP_V2 ? VRRP_AUTH_LEN : 0);
}

/* Version 2's authentication data as the message has it: RFC 3768 5.3.10 always sends 8 bytes, but
 * senders without authentication (type 0) are seen to leave them out, as tshark and tcpdump allow. */
static uint32_t
auth_len(const struct pkt_view *v)
{
        uint32_t end = addrs_end(v->b, v->lower);

        if ((v->b[0] >> 4) != VRRP_V2)
                return 0;
        return v->b[4] != 0 || (v->wire_len >= end && v->wire_len - end >= VRRP_AUTH_LEN) ? VRRP_AUTH_LEN : 0;
}

static int
vrrp_addrs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t alen = addr_len(v->lower), end = addrs_end(v->b, v->lower);
        uint32_t pos = e->count == 0 ? VRRP_HDR_LEN : e->next;

        if (pos >= end || pos >= v->caplen)
                return 0;
        e->off = pos;
        e->len = MIN(alen, v->caplen - pos);
        e->next = pos + alen;
        e->kind_fields = alen == 16 ? vrrp_addr6_fields : vrrp_addr4_fields;
        e->n_kind_fields = 1;
        if (e->len < alen) {
                e->flags |= pos + alen <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                e->next = end;
        }
        return 1;
}

static int
vrrp_auth_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = addrs_end(v->b, v->lower);

        if (e->count > 0 || auth_len(v) == 0 || pos >= v->caplen)
                return 0;
        e->off = pos;
        e->len = MIN((uint32_t)VRRP_AUTH_LEN, v->caplen - pos);
        e->next = pos + VRRP_AUTH_LEN;
        if (e->len < VRRP_AUTH_LEN)
                e->flags |= pos + VRRP_AUTH_LEN <= v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
        return 1;
}

static const struct pkt_elem_set vrrp_elems[] = {
        [SET_ADDRS] = { .name = "addrs", .elem_name = "addr", .next = vrrp_addrs_next },
        [SET_AUTH] = { .name = "auth", .elem_name = "auth", .next = vrrp_auth_next, .fields = vrrp_auth_fields,
                       .n_fields = ARRAY_SIZE(vrrp_auth_fields) },
};

static void
vrrp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = addrs_end(v->b, v->lower) + auth_len(v);
        d->payload_len = 0;
}

/* RFC 3768 5.3.8 / RFC 5798 5.2.8: the one's complement sum of the message, version 3 with the
 * pseudo-header of the IP layer below. */
static int
vrrp_sum(struct pkt *p, unsigned idx, uint16_t *ret)
{
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *h = p->data + l->off;
        uint32_t sum = 0;

        if ((h[0] >> 4) == VRRP_V3 && pkt_csum_pseudo(p, idx, IPPROTO_VRRP_, l->hdr_len, &sum) < 0)
                sum = 0;
        sum = pkt_csum_add(sum, h, 6);
        sum = pkt_csum_add(sum, h + 8, l->hdr_len - 8);
        *ret = pkt_csum_fold(sum);
        return 0;
}

/* Sizes the header to what version and count call for (new bytes zero): a message built with the
 * default version 2 header and then set to version 3 loses the authentication data. */
static int
vrrp_resize(struct pkt *p, unsigned idx)
{
        static const uint8_t zeros[VRRP_AUTH_LEN];
        uint16_t lower = idx > 0 ? p->layers[idx - 1].proto : PKT_PROTO_NONE;
        const uint8_t *h = p->data + p->layers[idx].off;
        uint32_t have = p->layers[idx].hdr_len, want = vrrp_hdr_len(h, lower);

        /* A version 2 message that came without authentication data keeps without. */
        if (have == addrs_end(h, lower))
                want = have;

        if (want > have && want - have <= sizeof(zeros))
                return pkt_layer_splice(p, idx, have, 0, zeros, want - have);
        if (want < have)
                return pkt_layer_splice(p, idx, want, have - want, NULL, 0);
        return 0;
}

static int
vrrp_update(struct pkt *p, unsigned idx)
{
        uint16_t sum;
        int r;

        if ((p->flags & PKT_F_OWNED) && (r = vrrp_resize(p, idx)) < 0)
                return r;
        if (p->layers[idx].hdr_len < VRRP_HDR_LEN)
                return 0;
        if ((r = vrrp_sum(p, idx, &sum)) < 0)
                return r;
        return pkt_auto_set(p, idx, F_SUM, sum);
}

/* "addr(192.0.2.1)" or "addr(2001:db8::1)" before the authentication data; "auth(data=...)". */
static int
vrrp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg arg;
        char name[16];
        int n;

        n = pkt_spec_split(text, name, sizeof(name), &arg, 1);
        if (n < 0)
                return n;
        if (n != 1 || (arg.key[0] && strcmp(arg.key, set == SET_AUTH ? "data" : "addr") != 0))
                return -EINVAL;
        if (set == SET_AUTH) {
                uint64_t u;
                uint8_t data[VRRP_AUTH_LEN + 1] = { 0 };
                int r = pkt_spec_value(&vrrp_auth_fields[0], arg.value, &u, data, sizeof(data));
                if (r < 0)
                        return r;
                if (r > VRRP_AUTH_LEN || size < VRRP_AUTH_LEN || (v->b[0] >> 4) != VRRP_V2)
                        return -EMSGSIZE;
                memcpy(out, data, VRRP_AUTH_LEN); /* NUL padded (RFC 2338 5.3.10) */
                /* Before the authentication data already there, which the update hook then drops
                 * as surplus: the element takes its place. */
                *ret_at = MIN(hdr_len, addrs_end(v->b, v->lower));
                return VRRP_AUTH_LEN;
        }
        uint32_t alen = addr_len(v->lower);
        if (size < alen || inet_pton(alen == 16 ? AF_INET6 : AF_INET, arg.value, out) != 1)
                return -EINVAL;
        *ret_at = MIN(hdr_len, addrs_end(v->b, v->lower));
        return (int)alen;
}

/* An address added bumps the count (unless the count was given); the auth data of version 2 is there
 * already. */
static int
vrrp_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        const uint8_t *h = p->data + p->layers[idx].off;

        if (set != SET_ADDRS)
                return 0;
        return pkt_auto_set(p, idx, F_COUNT, h[3] + 1u);
}

static const struct pkt_key vrrp_carriers[] = {
        { PKT_KEY_IP_PROTO, IPPROTO_VRRP_ },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_vrrp = {
        .name = "vrrp",
        .summary = "Virtual Router Redundancy Protocol v2/v3 (RFC 3768, RFC 5798)",
        .id = PKT_PROTO_VRRP,
        .flags = PKT_P_CSUM_PSEUDO,
        .min_hdr_len = VRRP_HDR_LEN,
        .def_hdr_len = VRRP_HDR_LEN + VRRP_AUTH_LEN,
        .fields = vrrp_fields,
        .n_fields = ARRAY_SIZE(vrrp_fields),
        .elems = vrrp_elems,
        .n_elems = ARRAY_SIZE(vrrp_elems),
        .carriers = vrrp_carriers,
        .dissect = vrrp_dissect,
        .update = vrrp_update,
        .elem_build = vrrp_elem_build,
        .elem_added = vrrp_elem_added,
};
