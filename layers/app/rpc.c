/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ONC RPC version 2 messages (RFC 5531 9) and their record marking over TCP (RFC 5531 11).
 *
 *   call:  xid | mtype=0 | rpcvers | prog | vers | proc | cred (flavor, length, body) | verf | args
 *   reply: xid | mtype=1 | reply_stat=0 (accepted) | verf | accept_stat [| low | high] | results
 *                        | reply_stat=1 (denied)   | reject_stat (| low | high  or  | auth_stat)
 *
 *   opaque_auth: flavor (4) | length (4, at most 400) | body padded to 4 bytes
 *
 * Everything is a 4-byte big-endian unit (XDR, RFC 4506). The layer "rpc" has xid and mtype as fields
 * and what follows them as the elements of "parts" (call header, credentials, verifier; reply status,
 * verifier, accept or reject status), since the authenticators have variable length. The procedure
 * arguments are the payload: a portmap call's arguments are a "pmap" layer (portmap.c).
 *
 * Over TCP each record fragment starts with a 4-byte mark: last-fragment bit and 31-bit length
 * (layer "rpcrm").
 */
#include <string.h>

#include "internal.h"

#define RPC_HDR_LEN 8
#define RPC_AUTH_MAX 400 /* RFC 5531 8.2 */
#define RPC_CALL 0
#define RPC_REPLY 1
#define PMAP_PROG 100000

/* clang-format off */
static const struct pkt_name rpc_mtype_names[] = { { RPC_CALL, "CALL" }, { RPC_REPLY, "REPLY" }, { 0, NULL } };

static const struct pkt_name rpc_flavor_names[] = {
        { 0, "AUTH_NONE" }, { 1, "AUTH_SYS" }, { 2, "AUTH_SHORT" }, { 3, "AUTH_DH" }, { 6, "RPCSEC_GSS" },
        { 0, NULL },
};

static const struct pkt_name rpc_reply_names[] = { { 0, "MSG_ACCEPTED" }, { 1, "MSG_DENIED" }, { 0, NULL } };

static const struct pkt_name rpc_accept_names[] = {
        { 0, "SUCCESS" }, { 1, "PROG_UNAVAIL" }, { 2, "PROG_MISMATCH" }, { 3, "PROC_UNAVAIL" },
        { 4, "GARBAGE_ARGS" }, { 5, "SYSTEM_ERR" }, { 0, NULL },
};

static const struct pkt_name rpc_reject_names[] = { { 0, "RPC_MISMATCH" }, { 1, "AUTH_ERROR" }, { 0, NULL } };

static const struct pkt_field rpc_fields[] = {
        { .name = "xid",   .off = 0,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "mtype", .off = 32, .bits = 32, .type = PKT_FT_ENUM, .names = rpc_mtype_names },
};

static const struct pkt_field rpc_call_fields[] = {
        { .name = "rpcvers", .off = 0,  .bits = 32, .type = PKT_FT_UINT, .def = 2 },
        { .name = "prog",    .off = 32, .bits = 32, .type = PKT_FT_UINT },
        { .name = "vers",    .off = 64, .bits = 32, .type = PKT_FT_UINT },
        { .name = "proc",    .off = 96, .bits = 32, .type = PKT_FT_UINT },
};

static const struct pkt_field rpc_auth_fields[] = {
        { .name = "flavor", .off = 0,  .bits = 32, .type = PKT_FT_ENUM, .names = rpc_flavor_names },
        { .name = "len",    .off = 32, .bits = 32, .type = PKT_FT_UINT },
        { .name = "body",   .off = 64, .bits = 0,  .type = PKT_FT_BYTES },
};

static const struct pkt_field rpc_reply_fields[] = {
        { .name = "stat", .off = 0, .bits = 32, .type = PKT_FT_ENUM, .names = rpc_reply_names },
};

static const struct pkt_field rpc_accept_fields[] = {
        { .name = "accept_stat", .off = 0,  .bits = 32, .type = PKT_FT_ENUM, .names = rpc_accept_names },
        { .name = "low",         .off = 32, .bits = 32, .type = PKT_FT_UINT },
        { .name = "high",        .off = 64, .bits = 32, .type = PKT_FT_UINT },
};

static const struct pkt_field rpc_reject_fields[] = {
        { .name = "reject_stat", .off = 0,  .bits = 32, .type = PKT_FT_ENUM, .names = rpc_reject_names },
        { .name = "low",         .off = 32, .bits = 32, .type = PKT_FT_UINT },
        { .name = "high",        .off = 64, .bits = 32, .type = PKT_FT_UINT },
};

static const struct pkt_field rpc_auth_err_fields[] = {
        { .name = "reject_stat", .off = 0,  .bits = 32, .type = PKT_FT_ENUM, .names = rpc_reject_names },
        { .name = "auth_stat",   .off = 32, .bits = 32, .type = PKT_FT_UINT },
};
/* clang-format on */

enum { PART_CALL, PART_AUTH, PART_REPLY, PART_ACCEPT, PART_REJECT, PART_AUTH_ERR, PART_KINDS };

static const struct {
        const char *name;
        const struct pkt_field *fields;
        uint8_t n_fields;
} part_kinds[PART_KINDS] = {
        [PART_CALL] = { "call", rpc_call_fields, ARRAY_SIZE(rpc_call_fields) },
        [PART_AUTH] = { "auth", rpc_auth_fields, ARRAY_SIZE(rpc_auth_fields) },
        [PART_REPLY] = { "reply", rpc_reply_fields, ARRAY_SIZE(rpc_reply_fields) },
        [PART_ACCEPT] = { "accept", rpc_accept_fields, ARRAY_SIZE(rpc_accept_fields) },
        [PART_REJECT] = { "reject", rpc_reject_fields, ARRAY_SIZE(rpc_reject_fields) },
        [PART_AUTH_ERR] = { "reject", rpc_auth_err_fields, ARRAY_SIZE(rpc_auth_err_fields) },
};

/* One part of the message after xid and mtype. */
struct rpc_part {
        uint32_t off, len;
        uint8_t kind;
};

/* Why 3: a call has header, credentials and verifier; a reply status, verifier and accept status. */
#define RPC_PARTS_MAX 3

static uint32_t
be32_at(const struct pkt_view *v, uint32_t off)
{
        uint32_t x = 0;

        (void)pkt_rd_be32(v, off, &x);
        return x;
}

/*
 * Walks the parts. Returns the number of parts laid out (the last may run past the captured bytes:
 * the caller checks), and sets *@ret_bad when a length or status contradicts the format.
 */
static unsigned
rpc_walk(const struct pkt_view *v, struct rpc_part parts[RPC_PARTS_MAX], bool *ret_bad)
{
        uint32_t pos = RPC_HDR_LEN, mtype = be32_at(v, 4);
        unsigned n = 0;

        *ret_bad = false;
        if (mtype > RPC_REPLY) {
                *ret_bad = true;
                return 0;
        }
        for (; n < RPC_PARTS_MAX; n++) {
                struct rpc_part *p = &parts[n];
                p->off = pos;
                if (!pkt_rd_has(v, pos, 4)) {
                        /* Cut here: a part of at least one unit is still expected. */
                        p->len = 4;
                        p->kind = n == 0 ? (mtype == RPC_CALL ? PART_CALL : PART_REPLY) : PART_AUTH;
                        return n + 1;
                }
                uint32_t first = be32_at(v, pos);
                if (mtype == RPC_CALL) {
                        if (n == 0) {
                                p->kind = PART_CALL, p->len = 16;
                        } else {
                                p->kind = PART_AUTH;
                                uint32_t alen = pkt_rd_has(v, pos + 4, 4) ? be32_at(v, pos + 4) : 0;
                                if (alen > RPC_AUTH_MAX) {
                                        *ret_bad = true;
                                        alen = 0;
                                }
                                p->len = 8 + ((alen + 3) & ~3u);
                        }
                } else if (n == 0) {
                        p->kind = PART_REPLY, p->len = 4;
                        if (first > 1)
                                *ret_bad = true;
                } else if (be32_at(v, parts[0].off) == 1) {
                        /* Denied: rpc_mismatch carries the supported versions, auth_error a status. */
                        p->kind = first == 0 ? PART_REJECT : PART_AUTH_ERR;
                        p->len = first == 0 ? 12 : 8;
                        return n + 1;
                } else if (n == 1) {
                        p->kind = PART_AUTH;
                        uint32_t alen = pkt_rd_has(v, pos + 4, 4) ? be32_at(v, pos + 4) : 0;
                        if (alen > RPC_AUTH_MAX) {
                                *ret_bad = true;
                                alen = 0;
                        }
                        p->len = 8 + ((alen + 3) & ~3u);
                } else {
                        p->kind = PART_ACCEPT;
                        p->len = first == 2 ? 12 : 4; /* PROG_MISMATCH: low and high versions */
                }
                if (p->len > v->caplen - pos)
                        return n + 1;
                pos += p->len;
        }
        return n;
}

static int
parts_next(const struct pkt_view *v, struct pkt_elem *e)
{
        struct rpc_part parts[RPC_PARTS_MAX];
        bool bad;
        unsigned n = rpc_walk(v, parts, &bad);

        if (e->count >= n)
                return 0;
        const struct rpc_part *p = &parts[e->count];
        e->off = p->off;
        e->len = MIN(p->len, v->caplen - p->off);
        if (e->len < p->len)
                e->flags |= v->caplen < v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
        e->kind_fields = part_kinds[p->kind].fields;
        e->n_kind_fields = part_kinds[p->kind].n_fields;
        e->next = e->off + e->len;
        return 1;
}

static const struct pkt_elem_set rpc_elems[] = {
        { .name = "parts", .elem_name = "part", .next = parts_next },
};

static void
rpc_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        struct rpc_part parts[RPC_PARTS_MAX];
        bool bad;
        unsigned n = rpc_walk(v, parts, &bad);

        if (bad)
                d->flags |= PKT_LAYER_MALFORMED;
        if (n == 0)
                return;
        d->hdr_len = parts[n - 1].off + parts[n - 1].len;
        /* Portmap v2 calls that carry a mapping (SET, UNSET, GETPORT: RFC 1833 3.2); versions 3 and 4
         * (rpcbind) carry netid and address strings instead. */
        if (n == RPC_PARTS_MAX && parts[0].kind == PART_CALL && be32_at(v, parts[0].off + 4) == PMAP_PROG &&
            be32_at(v, parts[0].off + 8) == 2) {
                uint32_t proc = be32_at(v, parts[0].off + 12);
                if (proc >= 1 && proc <= 3)
                        d->next = PKT_PROTO_PORTMAP;
        }
}

static int
kind_by_name(const char *name)
{
        for (unsigned i = 0; i < PART_KINDS; i++)
                if (strcmp(part_kinds[i].name, name) == 0)
                        return (int)i;
        return -ENOENT;
}

/* The kind of "part(...)", the JSON writer's form, told by the first field it names that one kind
 * alone has (low and high are accept's and reject's, len is an authenticator's computed length). */
static int
kind_by_fields(const struct pkt_spec_arg *args, int n)
{
        for (int i = 0; i < n; i++) {
                const char *key = args[i].key;
                if (!strcmp(key, "low") || !strcmp(key, "high") || !strcmp(key, "len"))
                        continue;
                for (unsigned k = 0; k < PART_KINDS; k++)
                        for (unsigned j = 0; j < part_kinds[k].n_fields; j++)
                                if (strcmp(part_kinds[k].fields[j].name, key) == 0)
                                        return (int)k;
        }
        return -EINVAL;
}

/*
 * call(prog=100000,vers=2,proc=3) | auth(flavor=AUTH_SYS,body=0x...) | reply(stat=0) |
 * accept(accept_stat=0) | reject(reject_stat=1,auth_stat=2), or part(...) with the fields of one of
 * them: appended at the end of the header; the caller lists them in wire order. An authenticator's
 * length and padding come from its body.
 */
static int
rpc_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
               size_t size, uint32_t *ret_at)
{
        static const struct pkt_field body = { .name = "body", .type = PKT_FT_BYTES };
        struct pkt_spec_arg args[8];
        char name[32];
        int n, r, kind;
        size_t len;

        (void)v;
        (void)set;
        *ret_at = hdr_len;
        n = pkt_spec_split(text, name, sizeof(name), args, ARRAY_SIZE(args));
        if (n < 0)
                return n;
        kind = strcmp(name, "part") == 0 ? kind_by_fields(args, n) : kind_by_name(name);
        if (kind < 0)
                return -EINVAL;
        /* "reject" names both denial forms: an auth_stat makes it AUTH_ERROR's. */
        for (int i = 0; kind == PART_REJECT && i < n; i++)
                if (strcmp(args[i].key, "auth_stat") == 0)
                        kind = PART_AUTH_ERR;
        const struct pkt_field *f = part_kinds[kind].fields;
        unsigned nf = part_kinds[kind].n_fields;
        len = kind == PART_AUTH ? 8 : (kind == PART_CALL ? 16 : 4);
        if (size < 16 + RPC_AUTH_MAX)
                return -EMSGSIZE;
        memset(out, 0, 16);
        if (kind == PART_CALL)
                pkt_bits_write(out, 0, 32, false, 2);
        for (int i = 0; i < n; i++) {
                uint64_t u = 0;
                int fi = -1;
                if (kind == PART_AUTH && strcmp(args[i].key, "body") == 0) {
                        uint8_t tmp[RPC_AUTH_MAX];
                        if ((r = pkt_spec_value(&body, args[i].value, &u, tmp, sizeof(tmp))) < 0)
                                return r;
                        memcpy(out + 8, tmp, (size_t)r);
                        memset(out + 8 + r, 0, (size_t)(-r & 3));
                        pkt_bits_write(out, 32, 32, false, (uint64_t)r);
                        len = 8 + (((size_t)r + 3) & ~(size_t)3);
                        continue;
                }
                for (unsigned j = 0; j < nf; j++)
                        if (strcmp(f[j].name, args[i].key) == 0 && f[j].bits == 32)
                                fi = (int)j;
                if (fi < 0)
                        return -ENOENT;
                if ((r = pkt_spec_value(&f[fi], args[i].value, &u, out + 64, 8)) < 0)
                        return r;
                pkt_bits_write(out, f[fi].off, 32, false, u);
                if (kind != PART_AUTH && (size_t)f[fi].off / 8 + 4 > len)
                        len = (size_t)f[fi].off / 8 + 4;
        }
        return (int)len;
}

/* The parts a message built without them gets (RFC 5531 9), from the first one missing: a call's
 * header (RPC version 2), credentials and verifier (AUTH_NONE); a reply's status (accepted), verifier
 * (AUTH_NONE) and SUCCESS, or a denial's RPC_MISMATCH. So `rpc()` alone is a whole call, and a
 * portmap call of `rpc(parts=[call(...)])/pmap(...)` has its arguments after the authenticators. */
/* The parts a message gets when none are given: a call's header (16 bytes) and two AUTH_NONE
 * authenticators (8 each); a reply's status (4), verifier (8) and accept status (4); a denial's
 * RPC_MISMATCH with its two versions (12). */
#define CALL_PARTS_LEN     32
#define ACCEPTED_PARTS_LEN 16
#define DENIED_PART_LEN    12

static uint32_t
missing_parts(uint32_t mtype, uint32_t reply_stat, unsigned have, uint8_t out[CALL_PARTS_LEN])
{
        static const uint8_t call[CALL_PARTS_LEN] = { 0, 0, 0, 2 }, accepted[ACCEPTED_PARTS_LEN] = { 0 },
                             denied[DENIED_PART_LEN] = { 0 };
        /* Where each part starts, by how many come before it. */
        static const uint32_t call_at[] = { 0, 16, 24, CALL_PARTS_LEN },
                              accepted_at[] = { 0, 4, 12, ACCEPTED_PARTS_LEN };

        if (mtype == RPC_CALL) {
                memcpy(out, call + call_at[have], CALL_PARTS_LEN - call_at[have]);
                return CALL_PARTS_LEN - call_at[have];
        }
        if (have == 1 && reply_stat == 1) {
                memcpy(out, denied, sizeof(denied));
                return sizeof(denied);
        }
        if (have >= 2 && reply_stat == 1)
                return 0;
        memcpy(out, accepted + accepted_at[have], ACCEPTED_PARTS_LEN - accepted_at[have]);
        return ACCEPTED_PARTS_LEN - accepted_at[have];
}

static int
rpc_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        const struct pkt_view v = { .b = p->data + l->off, .caplen = l->hdr_len, .wire_len = l->hdr_len };
        struct rpc_part parts[RPC_PARTS_MAX];
        uint8_t add[CALL_PARTS_LEN];
        unsigned n, have = 0;
        bool bad;

        if (!pkt_is_rebuilt(p) || l->hdr_len < RPC_HDR_LEN)
                return 0;
        n = rpc_walk(&v, parts, &bad);
        while (have < n && parts[have].off + parts[have].len <= l->hdr_len)
                have++;
        /* A part given in part, or a message that contradicts itself, is the user's to keep. */
        if (bad || have == RPC_PARTS_MAX || (have < n && parts[have].off != l->hdr_len))
                return 0;
        uint32_t len = missing_parts(be32_at(&v, 4), have ? be32_at(&v, parts[0].off) : 0, have, add);
        return len ? pkt_layer_splice(p, idx, l->hdr_len, 0, add, len) : 0;
}

static const struct pkt_key rpc_carriers[] = {
        { PKT_KEY_UDP_PORT, 111 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_rpc = {
        .name = "rpc",
        .summary = "ONC Remote Procedure Call v2 (RFC 5531)",
        .id = PKT_PROTO_RPC,
        .min_hdr_len = RPC_HDR_LEN,
        .fields = rpc_fields,
        .n_fields = ARRAY_SIZE(rpc_fields),
        .elems = rpc_elems,
        .n_elems = ARRAY_SIZE(rpc_elems),
        .carriers = rpc_carriers,
        .dissect = rpc_dissect,
        .update = rpc_update,
        .elem_build = rpc_elem_build,
        .not_dissected = "Arguments and results of programs other than portmap stay raw payload.",
};

/* ---- record marking over TCP ---- */

/* clang-format off */
static const struct pkt_field rpcrm_fields[] = {
        { .name = "last", .off = 0, .bits = 1,  .type = PKT_FT_UINT, .def = 1 },
        { .name = "len",  .off = 1, .bits = 31, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};
/* clang-format on */

static void
rpcrm_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t mark = be32_at(v, 0);

        d->payload_len = mark & 0x7fffffffu;
        /* A fragment goes on in later segments: what this one lacks is not a contradiction. */
        if (d->payload_len > v->wire_len - 4)
                d->payload_len = PKT_LEN_REST;
        /* Only the first fragment of a record starts with the RPC header. */
        d->next = PKT_PROTO_RPC;
}

static int
rpcrm_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        return pkt_auto_set(p, idx, 1, l->wire_len - 4);
}

static const struct pkt_key rpcrm_carriers[] = {
        { PKT_KEY_TCP_PORT, 111 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_rpcrm = {
        .name = "rpcrm",
        .summary = "ONC RPC record marking over TCP (RFC 5531 11)",
        .id = PKT_PROTO_RPCRM,
        .min_hdr_len = 4,
        .fields = rpcrm_fields,
        .n_fields = ARRAY_SIZE(rpcrm_fields),
        .carriers = rpcrm_carriers,
        .dissect = rpcrm_dissect,
        .update = rpcrm_update,
};
