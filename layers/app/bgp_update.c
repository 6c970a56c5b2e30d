/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bodies of BGP messages as element sets (see bgp.c): OPEN (RFC 4271 4.2) with optional parameters
 * and capabilities (RFC 5492 4), UPDATE (RFC 4271 4.3) with withdrawn routes, path attributes and NLRI,
 * NOTIFICATION (4.5) and ROUTE-REFRESH (RFC 2918 3, subtype RFC 7313).
 *
 * As in tls_handshake.c, every set's iterator walks the message from its start and produces the first
 * item at or after where the previous one ended; the walk is bounded by the message and each set by
 * BGP_ITEMS_MAX items. An item that overruns its container is produced flagged malformed, and ends the
 * set. The "aspath" set holds the segments of AS_PATH and AS4_PATH attributes, in order.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "forms.h"
#include "internal.h"
#include "tlv.h"

/* Why 2048: a 4096-byte UPDATE holds at most ~4000 one-byte /0 prefixes; real ones far fewer, and each
 * item re-walks the message. */
#define BGP_ITEMS_MAX 2048

#define T_OPEN 1
#define T_UPDATE 2
#define T_NOTIFICATION 3
#define T_ROUTE_REFRESH 5
#define PARAM_CAPABILITY 2
#define ATTR_EXT_LEN 0x10
#define ATTR_WELL_KNOWN 0x40 /* transitive (RFC 4271 4.3): what ORIGIN, AS_PATH and NEXT_HOP carry */
#define ATTR_AS_PATH 2
#define ATTR_AS4_PATH 17

/* clang-format off */
static const struct pkt_name attr_names[] = {
        { 1, "ORIGIN" }, { 2, "AS_PATH" }, { 3, "NEXT_HOP" }, { 4, "MULTI_EXIT_DISC" }, { 5, "LOCAL_PREF" },
        { 6, "ATOMIC_AGGREGATE" }, { 7, "AGGREGATOR" }, { 8, "COMMUNITIES" }, { 9, "ORIGINATOR_ID" },
        { 10, "CLUSTER_LIST" }, { 14, "MP_REACH_NLRI" }, { 15, "MP_UNREACH_NLRI" },
        { 16, "EXTENDED_COMMUNITIES" }, { 17, "AS4_PATH" }, { 18, "AS4_AGGREGATOR" },
        { 32, "LARGE_COMMUNITY" }, { 0, NULL },
};
static const struct pkt_name cap_names[] = {
        { 1, "MP" }, { 2, "ROUTE_REFRESH" }, { 64, "GRACEFUL_RESTART" }, { 65, "AS4" }, { 69, "ADD_PATH" },
        { 70, "ENHANCED_ROUTE_REFRESH" }, { 128, "ROUTE_REFRESH_CISCO" }, { 0, NULL },
};

static const struct pkt_field open_fields[] = {
        { .name = "v", .off = 0, .bits = 8, .type = PKT_FT_UINT, .def = 4 }, PKT_U("asn", 8, 16), PKT_U("holdtime", 24, 16),
        { .name = "identifier", .off = 40, .bits = 32, .type = PKT_FT_IPV4 },
        PKT_U("param_len", 72, 8),
};
static const struct pkt_field tlv8_fields[] = {
        PKT_U("type", 0, 8), PKT_U("len", 8, 8), { .name = "data", .off = 16, .type = PKT_FT_BYTES },
};
static const struct pkt_field cap_fields[] = {
        { .name = "code", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = cap_names },
        PKT_U("len", 8, 8), { .name = "data", .off = 16, .type = PKT_FT_BYTES },
};
static const struct pkt_field update_fields[] = { PKT_U("withdrawnlen", 0, 16) };
static const struct pkt_field pathlen_fields[] = { PKT_U("pathlen", 0, 16) };
static const struct pkt_field prefix_fields[] = {
        PKT_U("len", 0, 8), { .name = "prefix", .off = 8, .type = PKT_FT_BYTES },
};
static const struct pkt_field attr_fields[] = {
        { .name = "flags", .off = 0, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "type",  .off = 8, .bits = 8, .type = PKT_FT_ENUM, .names = attr_names },
};
static const struct pkt_field notification_fields[] = {
        PKT_U("code", 0, 8), PKT_U("subcode", 8, 8), { .name = "data", .off = 16, .type = PKT_FT_BYTES },
};
static const struct pkt_field routerefresh_fields[] = {
        PKT_U("afi", 0, 16), PKT_U("rsvd", 16, 8), PKT_U("safi", 24, 8),
};

/* Attribute values after the 1-byte [0] or 2-byte [1] length (the Extended Length flag). */
#define KIND(name, ...) static const struct pkt_field name[2][2] = { { PKT_U("len", 0, 8), __VA_ARGS__(8) }, \
                                                                      { PKT_U("len", 0, 16), __VA_ARGS__(16) } }
#define ORIGIN(o) PKT_U("origin", o, 8)
#define MED(o) PKT_U("med", o, 32)
#define LOCALPREF(o) PKT_U("localpref", o, 32)
#define NEXTHOP(o) { .name = "nexthop", .off = o, .bits = 32, .type = PKT_FT_IPV4 }
#define ORIGINATOR(o) { .name = "originator_id", .off = o, .bits = 32, .type = PKT_FT_IPV4 }
#define DATA(o) { .name = "data", .off = o, .type = PKT_FT_BYTES }
KIND(origin_k, ORIGIN);
KIND(med_k, MED);
KIND(localpref_k, LOCALPREF);
KIND(nexthop_k, NEXTHOP);
KIND(originator_k, ORIGINATOR);
KIND(data_k, DATA);
/* AGGREGATOR: a 2-byte AS (RFC 4271) or, between 4-byte speakers, a 4-byte one (RFC 6793 3). */
#define AGGR(n, ab) static const struct pkt_field n[2][3] = { \
        { PKT_U("len", 0, 8), PKT_U("aggr_asn", 8, ab), { .name = "aggr_ip", .off = 8 + ab, .bits = 32, .type = PKT_FT_IPV4 } }, \
        { PKT_U("len", 0, 16), PKT_U("aggr_asn", 16, ab), { .name = "aggr_ip", .off = 16 + ab, .bits = 32, .type = PKT_FT_IPV4 } } }
AGGR(aggr2_k, 16);
AGGR(aggr4_k, 32);
#define MP(n) static const struct pkt_field n[2][4] = { \
        { PKT_U("len", 0, 8), PKT_U("afi", 8, 16), PKT_U("safi", 24, 8), DATA(32) }, \
        { PKT_U("len", 0, 16), PKT_U("afi", 16, 16), PKT_U("safi", 32, 8), DATA(40) } }
MP(mp_k);
/* clang-format on */

struct walk {
        const struct pkt_view *v;
        unsigned set;
        uint32_t target;
        struct pkt_elem *e;
        bool found;
        bool bad; /* something overran its container: for the dissect check */
};

static bool
offer(struct walk *w, unsigned set, uint32_t off, uint32_t len, uint32_t avail)
{
        bool over = len > avail;

        w->bad |= over;
        if (w->found || set != w->set || off < w->target)
                return w->found;
        w->e->off = off;
        w->e->len = MIN(len, avail);
        w->e->next = off + MAX(w->e->len, 1u);
        if (over) {
                w->e->flags |= PKT_LAYER_MALFORMED;
                w->e->next = UINT32_MAX;
        }
        w->found = true;
        return true;
}

/* The fields of an attribute's length and value, by its type and whether its length is 2 bytes
 * (the Extended Length flag); an AGGREGATOR's AS is 2 or 4 bytes by the value's length. */
static struct pkt_kind
attr_kind(uint8_t flags, uint8_t type, uint32_t len)
{
        unsigned x = !!(flags & ATTR_EXT_LEN);

        switch (type) {
        case 1: return (struct pkt_kind){ origin_k[x], 2 };
        case 3: return (struct pkt_kind){ nexthop_k[x], 2 };
        case 4: return (struct pkt_kind){ med_k[x], 2 };
        case 5: return (struct pkt_kind){ localpref_k[x], 2 };
        case 7: return (struct pkt_kind){ len == 6 ? aggr2_k[x] : aggr4_k[x], 3 };
        case 9: return (struct pkt_kind){ originator_k[x], 2 };
        case 14: case 15: return (struct pkt_kind){ mp_k[x], 4 };
        default: return (struct pkt_kind){ data_k[x], 2 };
        }
}

/* Sets the kind fields of the attribute just offered. */
static void
set_attr_kind(struct walk *w, uint8_t flags, uint8_t type, uint32_t len)
{
        struct pkt_kind k = attr_kind(flags, type, len);

        w->e->kind_fields = k.fields;
        w->e->n_kind_fields = k.n;
        w->e->data_off = 2;
}

/* RFC 4271 4.3 prefixes: a length in bits and as many bytes as it needs, in [@p, @end). */
static bool
walk_prefixes(struct walk *w, unsigned set, uint32_t p, uint32_t end)
{
        while (p < end) {
                uint32_t n = 1 + (w->v->b[p] + 7u) / 8;
                if (offer(w, set, p, n, end - p) || n > end - p)
                        return true;
                p += n;
        }
        return false;
}

/* AS_PATH segments (type, count, ASes): 2-byte ASes unless only 4-byte ones tile the attribute. */
static bool
walk_aspath(struct walk *w, uint32_t p, uint32_t end, bool is_as4)
{
        const uint8_t *b = w->v->b;
        unsigned as = is_as4 ? 4 : 2;

        for (uint32_t q = p; as == 2 && q != end; q += 2 + b[q + 1] * 2u)
                if (end - q < 2 || b[q + 1] * 2u > end - q - 2) {
                        as = 4;
                        break;
                }
        while (end - p >= 2) {
                uint32_t n = 2 + b[p + 1] * as;
                if (offer(w, BGP_ASPATH, p, n, end - p) || n > end - p)
                        return true;
                p += n;
        }
        return false;
}

static bool
walk_update(struct walk *w, uint32_t end)
{
        const uint8_t *b = w->v->b;
        uint32_t p = BGP_HDR_LEN;

        if (end - p < 2)
                return false;
        uint32_t wl = tlv_be16(b + p);
        if (offer(w, BGP_UPDATE, p, 2, end - p))
                return true;
        /* The withdrawn routes, then the path attributes' length: each in the message, or flagged. */
        uint32_t wend = p + 2 + MIN(wl, end - p - 2);
        if (walk_prefixes(w, BGP_WROUTES, p + 2, wend))
                return true;
        if (wl > end - p - 2 || end - wend < 2) {
                offer(w, BGP_PATHLEN, wend, 2, end - wend);
                w->bad = true;
                return true;
        }
        p = wend;
        if (offer(w, BGP_PATHLEN, p, 2, end - p))
                return true;
        uint32_t pl = tlv_be16(b + p), aend;
        p += 2;
        if (pl > end - p) {
                w->bad = true;
                pl = end - p;
        }
        aend = p + pl;
        while (aend - p >= 3) {
                uint8_t flags = b[p], type = b[p + 1];
                uint32_t hl = flags & ATTR_EXT_LEN ? 4 : 3;
                if (aend - p < hl)
                        break;
                uint32_t len = flags & ATTR_EXT_LEN ? tlv_be16(b + p + 2) : b[p + 2];
                if (offer(w, BGP_PATHATTRS, p, hl + len, aend - p)) {
                        if (!(w->e->flags & PKT_LAYER_MALFORMED))
                                set_attr_kind(w, flags, type, len);
                        return true;
                }
                if (hl + len > aend - p)
                        return true;
                /* RFC 6793 3: AS4_PATH always has 4-byte ASes. */
                if ((type == ATTR_AS_PATH || type == ATTR_AS4_PATH) &&
                    walk_aspath(w, p + hl, p + hl + len, type == ATTR_AS4_PATH))
                        return true;
                p += hl + len;
        }
        if (p != aend)
                w->bad = true;
        return walk_prefixes(w, BGP_ANNCROUTES, aend, end);
}

static bool
walk_open(struct walk *w, uint32_t end)
{
        const uint8_t *b = w->v->b;
        uint32_t p = BGP_HDR_LEN + 10;

        if (offer(w, BGP_OPEN, BGP_HDR_LEN, 10, end - BGP_HDR_LEN) || end < p)
                return true;
        uint32_t pend = p + b[p - 1];
        if (pend > end) {
                w->bad = true;
                pend = end;
        }
        while (pend - p >= 2) {
                uint32_t n = 2u + b[p + 1];
                if (offer(w, BGP_PARAMS, p, n, pend - p) || n > pend - p)
                        return true;
                if (b[p] == PARAM_CAPABILITY)
                        for (uint32_t q = p + 2; p + n - q >= 2;) {
                                uint32_t cn = 2u + b[q + 1];
                                if (offer(w, BGP_CAPABILITIES, q, cn, p + n - q) || cn > p + n - q)
                                        return true;
                                q += cn;
                        }
                p += n;
        }
        return false;
}

static void
walk(struct walk *w)
{
        const struct pkt_view *v = w->v;
        uint32_t end = MIN((uint32_t)tlv_be16(v->b + 16), v->caplen);

        if (end < BGP_HDR_LEN)
                return;
        switch (v->b[18]) {
        case T_OPEN:
                walk_open(w, end);
                break;
        case T_UPDATE:
                walk_update(w, end);
                break;
        case T_NOTIFICATION:
                offer(w, BGP_NOTIFICATION, BGP_HDR_LEN, MAX(end - BGP_HDR_LEN, 2u), end - BGP_HDR_LEN);
                break;
        case T_ROUTE_REFRESH:
                offer(w, BGP_ROUTEREFRESH, BGP_HDR_LEN, 4, end - BGP_HDR_LEN);
                break;
        }
}

bool
pkt_bgp_body_is_valid(const struct pkt_view *v, uint32_t len)
{
        struct pkt_elem e = { 0 };
        struct walk w = { .v = v, .set = BGP_SETS, .e = &e };

        (void)len;
        walk(&w);
        return !w.bad;
}

static int
set_next(const struct pkt_view *v, struct pkt_elem *e, unsigned set)
{
        struct walk w = { .v = v, .set = set, .target = e->count == 0 ? 0 : e->next, .e = e };

        if (e->count >= BGP_ITEMS_MAX || !pkt_rd_has(v, 0, BGP_HDR_LEN))
                return 0;
        walk(&w);
        return w.found;
}

#define SET_NEXT(fn, set)                                                                               \
        static int fn(const struct pkt_view *v, struct pkt_elem *e)                                     \
        {                                                                                               \
                return set_next(v, e, set);                                                             \
        }
SET_NEXT(open_next, BGP_OPEN)
SET_NEXT(params_next, BGP_PARAMS)
SET_NEXT(capabilities_next, BGP_CAPABILITIES)
SET_NEXT(update_next, BGP_UPDATE)
SET_NEXT(wroutes_next, BGP_WROUTES)
SET_NEXT(pathlen_next, BGP_PATHLEN)
SET_NEXT(pathattrs_next, BGP_PATHATTRS)
SET_NEXT(aspath_next, BGP_ASPATH)
SET_NEXT(anncroutes_next, BGP_ANNCROUTES)
SET_NEXT(notification_next, BGP_NOTIFICATION)
SET_NEXT(routerefresh_next, BGP_ROUTEREFRESH)

/* A length a reader gives is kept (PKT_ES_GIVEN_LENGTHS): the withdrawn routes' and path attributes'
 * lengths measure parts that may lie (the builder grows only one that measures what is there), and
 * a prefix's "len" is its bits, which its bytes do not tell. */
#define SET_FLAGS(id, n, en, fn, f, fl)                                                                 \
        [id] = { .name = n, .elem_name = en, .next = fn, .fields = f, .n_fields = ARRAY_SIZE(f),         \
                 .flags = PKT_ES_GIVEN_LENGTHS | (fl) }
#define SET(id, n, en, fn, f) SET_FLAGS(id, n, en, fn, f, 0)
/* A set listed from inside another's elements (a parameter's capabilities, the AS_PATH attribute's
 * segments), whose bytes that element carries. */
#define SET_LISTED(id, n, en, fn, f) SET_FLAGS(id, n, en, fn, f, PKT_ES_LISTED)
const struct pkt_elem_set pkt_bgp_elems[BGP_SETS] = {
        SET(BGP_OPEN, "open", "open", open_next, open_fields),
        SET(BGP_PARAMS, "params", "param", params_next, tlv8_fields),
        SET_LISTED(BGP_CAPABILITIES, "capabilities", "capability", capabilities_next, cap_fields),
        SET(BGP_UPDATE, "update", "update", update_next, update_fields),
        SET(BGP_WROUTES, "wroutes", "route", wroutes_next, prefix_fields),
        SET(BGP_PATHLEN, "pathlen", "pathlen", pathlen_next, pathlen_fields),
        SET(BGP_PATHATTRS, "pathattrs", "pathattr", pathattrs_next, attr_fields),
        SET_LISTED(BGP_ASPATH, "aspath", "segment", aspath_next, tlv8_fields),
        SET(BGP_ANNCROUTES, "anncroutes", "route", anncroutes_next, prefix_fields),
        SET(BGP_NOTIFICATION, "notification", "notification", notification_next, notification_fields),
        SET(BGP_ROUTEREFRESH, "routerefresh", "routerefresh", routerefresh_next, routerefresh_fields),
};

/* The message type whose body holds each set: a message built from its elements alone takes it. */
static const uint8_t set_type[BGP_SETS] = {
        [BGP_OPEN] = T_OPEN,          [BGP_PARAMS] = T_OPEN,         [BGP_CAPABILITIES] = T_OPEN,
        [BGP_UPDATE] = T_UPDATE,      [BGP_WROUTES] = T_UPDATE,      [BGP_PATHLEN] = T_UPDATE,
        [BGP_PATHATTRS] = T_UPDATE,   [BGP_ASPATH] = T_UPDATE,       [BGP_ANNCROUTES] = T_UPDATE,
        [BGP_NOTIFICATION] = T_NOTIFICATION, [BGP_ROUTEREFRESH] = T_ROUTE_REFRESH,
};

#define OPEN_LEN 10
#define PARAM_LEN_AT (BGP_HDR_LEN + OPEN_LEN - 1)
#define WITHDRAWN_AT BGP_HDR_LEN /* the withdrawn routes' length */

/*
 * Where an element goes in the message being built, and the length it adds to. The parts before it
 * that the message lacks (the withdrawn routes' and path attributes' lengths, the fixed part of an
 * OPEN) come first, made by the builder ("skeleton"), and withdrawn routes that end the message are
 * followed by a path attributes' length of 0, so that it holds together. A length the message holds
 * grows with what is put under it as long as it measures exactly what is there: a length the user
 * gave that says more (as a JSON reader gives each one, before the elements it measures) is kept.
 */
struct place {
        int err;           /* -EEXIST: the message has this part already (it was given too late) */
        uint32_t at;       /* from the message start */
        uint32_t skeleton; /* bytes of zeros (an OPEN's defaults) before the element */
        uint32_t after;    /* bytes of zeros after it (the path attributes' length after routes) */
        uint32_t len_at;   /* the length that grows, from the message start; width 0: none */
        uint8_t len_width; /* 1 or 2 bytes */
        uint32_t len_was;
};

static void
grow(struct place *pl, uint32_t at, uint8_t width, uint32_t was)
{
        pl->len_at = at;
        pl->len_width = width;
        pl->len_was = was;
}

/* RFC 4271 4.3: withdrawn routes' length, withdrawn routes, path attributes' length, path attributes,
 * NLRI. */
static struct place
update_place(const uint8_t *b, uint32_t end, unsigned set)
{
        struct place pl = { .at = end };

        if (set == BGP_UPDATE) {
                pl.err = end == BGP_HDR_LEN ? 0 : -EEXIST;
                return pl;
        }
        if (end == BGP_HDR_LEN) {
                pl.skeleton = set == BGP_PATHATTRS || set == BGP_ANNCROUTES ? 4 : 2;
                pl.after = set == BGP_WROUTES ? 2 : 0;
                if (set == BGP_WROUTES)
                        grow(&pl, WITHDRAWN_AT, 2, 0);
                else if (set == BGP_PATHATTRS)
                        grow(&pl, WITHDRAWN_AT + 2, 2, 0);
                return pl;
        }
        if (end < WITHDRAWN_AT + 2)
                return pl;
        uint32_t wl = tlv_be16(b + WITHDRAWN_AT), wend = MIN(WITHDRAWN_AT + 2 + wl, end);
        if (set == BGP_WROUTES) {
                pl.at = wend;
                if (wend - WITHDRAWN_AT - 2 == wl) {
                        grow(&pl, WITHDRAWN_AT, 2, wl);
                        pl.after = end == wend ? 2 : 0; /* the message ends with its routes */
                }
                return pl;
        }
        if (end - wend < 2) {
                /* No path attributes' length yet: it follows the withdrawn routes. */
                if (end != wend)
                        return pl;
                pl.at = wend;
                pl.skeleton = set == BGP_PATHLEN ? 0 : 2;
                if (set == BGP_PATHATTRS)
                        grow(&pl, wend, 2, 0);
                return pl;
        }
        uint32_t al = tlv_be16(b + wend), aend = MIN(wend + 2 + al, end);
        if (set == BGP_PATHLEN)
                pl.err = -EEXIST;
        if (set == BGP_PATHATTRS) {
                pl.at = aend;
                if (aend - wend - 2 == al)
                        grow(&pl, wend, 2, al);
        }
        return pl;
}

/* RFC 4271 4.2: the fixed part, then the optional parameters their 1-byte length measures. */
static struct place
open_place(const uint8_t *b, uint32_t end, unsigned set)
{
        struct place pl = { .at = end };

        if (set == BGP_OPEN)
                pl.err = end == BGP_HDR_LEN ? 0 : -EEXIST;
        if (set != BGP_PARAMS)
                return pl;
        if (end == BGP_HDR_LEN) {
                pl.skeleton = OPEN_LEN;
                grow(&pl, PARAM_LEN_AT, 1, 0);
        } else if (end >= BGP_HDR_LEN + OPEN_LEN && end - BGP_HDR_LEN - OPEN_LEN == b[PARAM_LEN_AT]) {
                grow(&pl, PARAM_LEN_AT, 1, b[PARAM_LEN_AT]);
        }
        return pl;
}

/* The length to grow, handed from elem_build to elem_added (same thread, one call after the other
 * inside pkt_elem_add()). */
static _Thread_local struct place bgp_added;

/* A prefix (RFC 4271 4.3): "route(prefix=192.0.2.0/24)", or its length in bits and its bytes as the
 * JSON writer gives them, "route(len=24,prefix=c00002)"; without a length, every bit of the bytes. */
static int
build_prefix(const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        const char *text = pkt_spec_arg(args, n, "prefix", 1), *slash = text ? strchr(text, '/') : NULL;
        int given = pkt_spec_named(args, n, "len", NULL, UINT8_MAX, -1);

        if (given < -1)
                return given;
        if (slash) {
                char addr[INET_ADDRSTRLEN];
                uint8_t ip[4];
                char *e;
                unsigned long bits = strtoul(slash + 1, &e, 10);
                if ((size_t)(slash - text) >= sizeof(addr) || *e || e == slash + 1 || bits > 32)
                        return -EINVAL;
                memcpy(addr, text, (size_t)(slash - text));
                addr[slash - text] = '\0';
                if (inet_pton(AF_INET, addr, ip) != 1)
                        return -EINVAL;
                if (size < 1 + (bits + 7) / 8)
                        return -EMSGSIZE;
                for (const struct pkt_spec_arg *a = args; a < args + n; a++)
                        if (a->key[0] && strcmp(a->key, "prefix") != 0 && strcmp(a->key, "len") != 0)
                                return -ENOENT;
                out[0] = (uint8_t)(given >= 0 ? (unsigned)given : bits);
                memcpy(out + 1, ip, (bits + 7) / 8);
                return 1 + (int)(bits + 7) / 8;
        }
        int r = pkt_spec_encode(prefix_fields, ARRAY_SIZE(prefix_fields), args, n, out, size);
        if (r < 0)
                return r;
        if (given < 0) {
                if ((r - 1) * 8 > UINT8_MAX)
                        return -ERANGE;
                out[0] = (uint8_t)((r - 1) * 8);
        }
        return r;
}

/* A parameter or AS_PATH segment, "param(type=2,data=...)": the length the data's unless given. */
static int
build_tlv8(const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        int given = pkt_spec_named(args, n, "len", NULL, UINT8_MAX, -1);
        int r = tlv_encode_args(tlv8_fields, ARRAY_SIZE(tlv8_fields), args, n, out, size);

        if (r < 0 || given < -1)
                return r < 0 ? r : given;
        if (given < 0) {
                if (r - 2 > UINT8_MAX)
                        return -ERANGE;
                out[1] = (uint8_t)(r - 2);
        }
        return r;
}

/* A path attribute: "pathattr(flags=0x40,type=ORIGIN,origin=0)", its value's fields by its kind
 * (attr_kind()); the flags well-known transitive unless given, the length the value's unless given. */
static int
build_pathattr(const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        static const char *const head_keys[] = { "flags", "type", NULL };
        struct pkt_spec_arg rest[TLV_ARGS_MAX];
        uint32_t flags = ATTR_WELL_KNOWN, type, len = 0;
        const char *t = pkt_spec_arg(args, n, "type", -1), *f = pkt_spec_arg(args, n, "flags", -1),
                   *l = pkt_spec_arg(args, n, "len", -1);

        if (!t || pkt_name_value(attr_names, t, UINT8_MAX, &type) < 0 ||
            (f && pkt_name_value(NULL, f, UINT8_MAX, &flags) < 0) || (l && pkt_name_value(NULL, l, UINT16_MAX, &len) < 0))
                return -EINVAL;
        if (size < 2)
                return -EMSGSIZE;
        /* Without a length, an AGGREGATOR's AS is the 2-byte form's (RFC 4271). */
        struct pkt_kind k = attr_kind((uint8_t)flags, (uint8_t)type, l ? len : 6);
        int m = pkt_spec_args_without(args, n, head_keys, rest);
        int r = pkt_spec_encode(k.fields, k.n, rest, m, out + 2, size - 2);
        if (r < 0)
                return r;
        uint32_t len_size = flags & ATTR_EXT_LEN ? 2 : 1, value = (uint32_t)r - len_size;
        if (!l && value >> (8 * len_size))
                return -ERANGE;
        if (!l)
                pkt_bits_write(out + 2, 0, 8 * len_size, false, value);
        out[0] = (uint8_t)flags;
        out[1] = (uint8_t)type;
        return 2 + r;
}

/* One element of set @set, its fields from @args at their places or their defaults. */
static int
build_one(unsigned set, const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        const struct pkt_elem_set *s = &pkt_bgp_elems[set];

        switch (set) {
        case BGP_PATHATTRS: return build_pathattr(args, n, out, size);
        case BGP_WROUTES: case BGP_ANNCROUTES: return build_prefix(args, n, out, size);
        case BGP_PARAMS: return build_tlv8(args, n, out, size);
        default: return tlv_encode_args(s->fields, s->n_fields, args, n, out, size);
        }
}

/*
 * Builds a part of a message's body where it belongs (see struct place): "open(asn=65001,
 * holdtime=180,identifier=192.0.2.1)" (version 4), "param(type=2,data=...)", "route(prefix=
 * 192.0.2.0/24)", "pathattr(type=ORIGIN,origin=0)", "notification(code=6,subcode=2)",
 * "routerefresh(afi=1,safi=1)". The withdrawn routes', path attributes' and parameters' lengths follow
 * what is built unless given ("update(withdrawnlen=4)", "pathlen(pathlen=27)", "open(param_len=0)").
 */
int
pkt_bgp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                   uint8_t *out, size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[TLV_ARGS_MAX];
        char name[32];
        int na;

        bgp_added = (struct place){ 0 };
        if (set >= BGP_SETS || hdr_len < BGP_HDR_LEN)
                return -EINVAL;
        na = pkt_spec_split(text, name, sizeof(name), args, TLV_ARGS_MAX);
        if (na < 0)
                return na;
        struct place pl = set_type[set] == T_UPDATE ? update_place(v->b, hdr_len, set)
                          : set_type[set] == T_OPEN ? open_place(v->b, hdr_len, set)
                                                    : (struct place){ .at = hdr_len };
        if (pl.err < 0)
                return pl.err;
        if (size < pl.skeleton + pl.after)
                return -EMSGSIZE;
        if (set_type[set] == T_OPEN && pl.skeleton)
                tlv_encode_args(open_fields, ARRAY_SIZE(open_fields), NULL, 0, out, size);
        else
                memset(out, 0, pl.skeleton);
        int r = build_one(set, args, na, out + pl.skeleton, size - pl.skeleton - pl.after);
        if (r < 0)
                return r;
        memset(out + pl.skeleton + r, 0, pl.after);
        if (pl.len_width && pl.len_was + (uint32_t)r > (pl.len_width == 1 ? UINT8_MAX : UINT16_MAX))
                return -ERANGE;
        *ret_at = pl.at;
        bgp_added = pl;
        bgp_added.len_was += (uint32_t)r;
        return (int)(pl.skeleton + pl.after) + r;
}

int
pkt_bgp_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        uint8_t *h = pkt_layer_bytes_mut(p, idx);

        if (bgp_added.len_width)
                tlv_put(h + bgp_added.len_at, bgp_added.len_width, bgp_added.len_was);
        bgp_added.len_width = 0;
        p->layers[idx].flags |= PKT_LAYER_DIRTY;
        return pkt_auto_set(p, idx, BGP_F_TYPE, set_type[set]);
}
