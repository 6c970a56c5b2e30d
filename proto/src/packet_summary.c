/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One line per packet, tcpdump-like (pktctl watch, Subscribe's summary form), and the Captured
 * object of a capture stream's per-packet reply.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <pkt/proto.h>
#include <pktp/packet.h>

#include "packet_plan.h"

/* A bounded line being written: appends past the cap are dropped and remembered, so that the line
 * can end in the cut mark. */
/* Why 256: longer than any address, enum name or DNS name shown in full (a longer name is cut by
 * libpkt and marked). */
#define SUMMARY_VALUE_MAX 256

struct line {
        char *s;   /* PKTP_SUMMARY_MAX + 1 bytes */
        size_t len;
        bool is_cut;
};

static void
line_put(struct line *l, const char *s, size_t n)
{
        if (n > PKTP_SUMMARY_MAX - l->len) {
                n = PKTP_SUMMARY_MAX - l->len;
                l->is_cut = true;
        }
        memcpy(l->s + l->len, s, n);
        l->len += n;
}

static void
line_puts(struct line *l, const char *s)
{
        line_put(l, s, strlen(s));
}

static void
line_putc(struct line *l, char c)
{
        line_put(l, &c, 1);
}

/* Text from a packet (a protocol name, a DNS name, an HTTP start line): non-printable bytes become
 * '.', so that the line stays one line of plain ASCII whatever the packet holds. */
static void
line_text(struct line *l, const char *s, size_t n)
{
        for (size_t i = 0; i < n && !l->is_cut; i++) {
                unsigned char c = (unsigned char)s[i];
                line_putc(l, c >= 0x20 && c < 0x7f ? (char)c : '.');
        }
}

static void
line_u64(struct line *l, uint64_t v)
{
        char t[21];
        size_t i = sizeof(t);

        do {
                t[--i] = (char)('0' + v % 10);
                v /= 10;
        } while (v);
        line_put(l, t + i, sizeof(t) - i);
}

/* The fields a line shows, found by name once per protocol (the tables say where they are). */
enum summary_field {
        F_SRC, F_DST, F_SPORT, F_DPORT, F_TYPE, F_CODE, F_ID, F_SEQ, F_ACK, F_WIN, F_FLAGS, F_MTU, F_TARGET,
        F_GW, F_OP, F_SPA, F_TPA, F_SHA, F_QR, F_RCODE, F_ANSWERS, F_ULEN, F_STARTLINE, F_COUNT,
};

static const char *const field_names[F_COUNT] = {
        [F_SRC] = "src", [F_DST] = "dst", [F_SPORT] = "sport", [F_DPORT] = "dport", [F_TYPE] = "type",
        [F_CODE] = "code", [F_ID] = "id", [F_SEQ] = "seq", [F_ACK] = "ack", [F_WIN] = "win",
        [F_FLAGS] = "flags", [F_MTU] = "mtu", [F_TARGET] = "target", [F_GW] = "gw", [F_OP] = "op",
        [F_SPA] = "spa", [F_TPA] = "tpa", [F_SHA] = "sha", [F_QR] = "qr", [F_RCODE] = "rcode",
        [F_ANSWERS] = "answers_amount", [F_ULEN] = "ulen", [F_STARTLINE] = "startline",
};

#define NO_FIELD 0xffffu

struct proto_fields {
        const struct pkt_proto *pr;
        uint16_t k[F_COUNT]; /* index in pr->fields, or NO_FIELD */
};

static _Atomic(struct proto_fields *) field_cache[PKT_PROTO_MAX];

/* The cached indices of layer @idx's protocol, or NULL (no descriptor, out of memory). */
static const struct proto_fields *
fields_of(struct pkt *p, unsigned idx)
{
        unsigned proto = p->layers[idx].proto;
        const struct pkt_proto *pr = pkt_proto_get(proto);

        if (!pr || proto >= PKT_PROTO_MAX)
                return NULL;
        struct proto_fields *pf = atomic_load_explicit(&field_cache[proto], memory_order_acquire);
        if (pf)
                return pf->pr == pr ? pf : NULL;
        struct proto_fields *mine = malloc(sizeof(*mine));
        if (!mine)
                return NULL;
        mine->pr = pr;
        for (unsigned i = 0; i < F_COUNT; i++) {
                int k = pkt_field_index(proto, field_names[i]);
                mine->k[i] = k >= 0 && k < (int)NO_FIELD ? (uint16_t)k : NO_FIELD;
        }
        struct proto_fields *expected = NULL;
        if (!atomic_compare_exchange_strong_explicit(&field_cache[proto], &expected, mine, memory_order_acq_rel,
                                                     memory_order_acquire)) {
                free(mine);
                mine = expected;
        }
        return mine->pr == pr ? mine : NULL;
}

/* The field @which of layer @idx, or NULL. */
static const struct pkt_field *
field_of(struct pkt *p, unsigned idx, enum summary_field which)
{
        const struct proto_fields *pf = fields_of(p, idx);

        if (!pf || pf->k[which] == NO_FIELD)
                return NULL;
        return &pf->pr->fields[pf->k[which]];
}

/* Integer field @which of layer @idx: read in place when it sits at a fixed place inside the
 * captured header, else through libpkt. */
static bool
get_u64(struct pkt *p, unsigned idx, enum summary_field which, uint64_t *ret)
{
        const struct pkt_field *f = field_of(p, idx, which);
        const struct pkt_layer *l = &p->layers[idx];

        if (!f)
                return false;
        if (f->off != PKT_OFF_FOLLOW && f->bits > 0 && f->bits <= 57 && !(f->flags & PKT_FF_LE) &&
            (f->type == PKT_FT_UINT || f->type == PKT_FT_FLAGS || f->type == PKT_FT_ENUM) &&
            (f->off + f->bits + 7u) / 8 <= l->hdr_len) {
                const uint8_t *q = pkt_data(p) + l->off + f->off / 8;
                unsigned shift = f->off % 8, nbytes = (shift + f->bits + 7) / 8;
                uint64_t v = 0;
                for (unsigned i = 0; i < nbytes; i++)
                        v = v << 8 | q[i];
                *ret = v >> (nbytes * 8 - shift - f->bits) & ((UINT64_C(1) << f->bits) - 1);
                return true;
        }
        return pkt_field_get_u64(p, idx, f->name, ret) == 0;
}

/* Field @which of layer @idx as text, as libpkt formats it (addresses, enum names) into @out
 * (SUMMARY_VALUE_MAX bytes): its length, or -1 when it is not there. */
static int
get_text(struct pkt *p, unsigned idx, enum summary_field which, char *out)
{
        const struct pkt_field *f = field_of(p, idx, which);
        const struct pkt_layer *l = &p->layers[idx];

        if (!f)
                return -1;
        unsigned bits = f->type == PKT_FT_MAC ? 48 : f->type == PKT_FT_IPV4 ? 32 : f->type == PKT_FT_IPV6 ? 128 : 0;
        if (bits && (f->bits == 0 || f->bits == bits) && f->off != PKT_OFF_FOLLOW && f->off % 8 == 0 &&
            (f->off + bits) / 8 <= l->hdr_len) {
                char *end = plan_addr_text(out, f->type, pkt_data(p) + l->off + f->off / 8);
                *end = '\0';
                return (int)(end - out);
        }
        int r = pkt_field_get_str(p, idx, f->name, out, SUMMARY_VALUE_MAX);
        if (r < 0 && r != -EMSGSIZE)
                return -1;
        return (int)strlen(out);
}

/* " label N" when layer @idx has integer field @which. */
static bool
put_u64_field(struct line *l, struct pkt *p, unsigned idx, const char *label, enum summary_field which)
{
        uint64_t v;

        if (!get_u64(p, idx, which, &v))
                return false;
        line_putc(l, ' ');
        line_puts(l, label);
        line_putc(l, ' ');
        line_u64(l, v);
        return true;
}

/* Field @which of layer @idx as text, or false. */
static bool
put_text_field(struct line *l, struct pkt *p, unsigned idx, enum summary_field which)
{
        char text[SUMMARY_VALUE_MAX];
        int n = get_text(p, idx, which, text);

        if (n < 0)
                return false;
        line_text(l, text, (size_t)n);
        return true;
}

/* ".N" for port field @which of layer @idx (tcpdump's address.port, for IPv6 too), when @idx >= 0. */
static void
put_port(struct line *l, struct pkt *p, int idx, enum summary_field which)
{
        uint64_t v;

        if (idx >= 0 && get_u64(p, (unsigned)idx, which, &v)) {
                line_putc(l, '.');
                line_u64(l, v);
        }
}

/* Whether layer @idx's protocol has fields "src" and "dst" of a type in @types (a mask of
 * 1 << enum pkt_field_type): the addresses a line shows, found from the tables. */
static bool
has_addresses(struct pkt *p, unsigned idx, unsigned types)
{
        const struct pkt_field *s = field_of(p, idx, F_SRC), *d = field_of(p, idx, F_DST);

        return s && d && (types >> s->type & 1) && (types >> d->type & 1);
}

static bool
has_ports(struct pkt *p, unsigned idx)
{
        return field_of(p, idx, F_SPORT) && field_of(p, idx, F_DPORT);
}

/* Whether field @which of layer @idx is in the captured bytes. */
static bool
readable(struct pkt *p, unsigned idx, enum summary_field which)
{
        char text[SUMMARY_VALUE_MAX];

        return get_text(p, idx, which, text) >= 0;
}

#define NET_TYPES (1u << PKT_FT_IPV4 | 1u << PKT_FT_IPV6)
#define LINK_TYPES (1u << PKT_FT_MAC)

static bool
is_ip6_ext(unsigned proto)
{
        return proto == PKT_PROTO_IP6_HOPOPTS || proto == PKT_PROTO_IP6_ROUTING || proto == PKT_PROTO_IP6_FRAGMENT ||
               proto == PKT_PROTO_IP6_DSTOPTS;
}

static void
put_tcp(struct line *l, struct pkt *p, unsigned idx)
{
        /* tcpdump's letters: '.' is ACK, and "none" when no flag is set. */
        static const struct {
                uint8_t bit;
                char c;
        } letters[] = { { 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
                        { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' }, { 0x10, '.' } };
        uint64_t flags;

        if (!get_u64(p, idx, F_FLAGS, &flags))
                return;
        line_puts(l, " [");
        for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
                if (flags & letters[i].bit)
                        line_putc(l, letters[i].c);
        if (!flags)
                line_puts(l, "none");
        line_putc(l, ']');
        put_u64_field(l, p, idx, "seq", F_SEQ);
        if (flags & 0x10)
                put_u64_field(l, p, idx, "ack", F_ACK);
        put_u64_field(l, p, idx, "win", F_WIN);
        const struct pkt_layer *t = &p->layers[idx];
        if (t->wire_len > t->hdr_len) {
                line_puts(l, " len ");
                line_u64(l, t->wire_len - t->hdr_len);
        }
}

/* ICMP (@is_v6 false) or ICMPv6 at @idx, its body layer (echo, unreachable...) after it. */
static void
put_icmp(struct line *l, struct pkt *p, unsigned idx, unsigned n, bool is_v6)
{
        uint64_t type, code = 0;
        unsigned body = idx + 1;
        unsigned body_proto = body < n ? p->layers[body].proto : PKT_PROTO_NONE;

        if (!get_u64(p, idx, F_TYPE, &type))
                return;
        get_u64(p, idx, F_CODE, &code);
        bool is_request = type == (is_v6 ? 128 : 8), is_reply = type == (is_v6 ? 129 : 0);
        if (is_request || is_reply) {
                line_puts(l, is_request ? " echo-request" : " echo-reply");
                if (body_proto == (is_v6 ? PKT_PROTO_ICMP6_ECHO : PKT_PROTO_ICMP_ECHO)) {
                        put_u64_field(l, p, body, "id", F_ID);
                        put_u64_field(l, p, body, "seq", F_SEQ);
                }
                return;
        }
        if (type == (is_v6 ? 1 : 3)) {
                static const char *const v4[] = { "net", "host", "protocol", "port", "frag-needed" };
                static const char *const v6[] = { "no-route", "admin-prohibited", "beyond-scope", "address",
                                                  "port" };
                line_puts(l, " unreachable ");
                if (code < 5)
                        line_puts(l, is_v6 ? v6[code] : v4[code]);
                else {
                        line_puts(l, "code ");
                        line_u64(l, code);
                }
                if (!is_v6 && code == 4 && body_proto == PKT_PROTO_ICMP_UNREACH)
                        put_u64_field(l, p, body, "mtu", F_MTU);
                return;
        }
        if (type == (is_v6 ? 3 : 11)) {
                line_puts(l, code == 0 ? " time-exceeded in-transit" : " time-exceeded reassembly");
                return;
        }
        if (is_v6 && type == 2) {
                line_puts(l, " too-big");
                if (body_proto == PKT_PROTO_ICMP6_TOOBIG)
                        put_u64_field(l, p, body, "mtu", F_MTU);
                return;
        }
        if (is_v6 && (type == 135 || type == 136)) {
                line_puts(l, type == 135 ? " neighbour-solicitation who-has " : " neighbour-advertisement tgt-is ");
                if (body_proto == PKT_PROTO_ICMP6_NEIGH_SOLICIT || body_proto == PKT_PROTO_ICMP6_NEIGH_ADVERT)
                        put_text_field(l, p, body, F_TARGET);
                return;
        }
        if (is_v6 && (type == 133 || type == 134)) {
                line_puts(l, type == 133 ? " router-solicitation" : " router-advertisement");
                return;
        }
        if (!is_v6 && type == 5 && body_proto == PKT_PROTO_ICMP_REDIRECT) {
                line_puts(l, " redirect gw ");
                put_text_field(l, p, body, F_GW);
                return;
        }
        /* Anything else: the table's name for the type, in lower case, and the code. */
        char text[SUMMARY_VALUE_MAX];
        if (pkt_field_get_str(p, idx, "type", text, sizeof(text)) >= 0) {
                line_putc(l, ' ');
                for (char *c = text; *c; c++)
                        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c == '_' ? '-' : *c);
                line_text(l, text, strlen(text));
        }
        line_puts(l, " code ");
        line_u64(l, code);
}

static void
put_arp(struct line *l, struct pkt *p, unsigned idx)
{
        uint64_t op;

        if (!get_u64(p, idx, F_OP, &op))
                return;
        if (op == 1) {
                line_puts(l, " who-has ");
                put_text_field(l, p, idx, F_TPA);
                line_puts(l, " tell ");
                put_text_field(l, p, idx, F_SPA);
        } else if (op == 2) {
                line_putc(l, ' ');
                put_text_field(l, p, idx, F_SPA);
                line_puts(l, " is-at ");
                put_text_field(l, p, idx, F_SHA);
        } else {
                put_u64_field(l, p, idx, "op", F_OP);
                line_putc(l, ' ');
                put_text_field(l, p, idx, F_SPA);
                line_puts(l, " > ");
                put_text_field(l, p, idx, F_TPA);
        }
}

static void
put_dns(struct line *l, struct pkt *p, unsigned idx)
{
        uint64_t qr = 0, rcode = 0, answers = 0;
        char text[SUMMARY_VALUE_MAX];

        get_u64(p, idx, F_QR, &qr);
        line_puts(l, qr ? " response" : " query");
        PKT_ELEM_FOREACH(p, idx, "queries", e)
        {
                /* The first question: what tcpdump shows too. */
                if (pkt_elem_get_str(p, idx, &e, "type", text, sizeof(text)) >= 0) {
                        line_putc(l, ' ');
                        line_text(l, text, strlen(text));
                }
                int r = pkt_elem_get_str(p, idx, &e, "name", text, sizeof(text));
                if (r >= 0 || r == -EMSGSIZE) {
                        line_putc(l, ' ');
                        line_text(l, text, strlen(text));
                }
                break;
        }
        if (!qr)
                return;
        if (get_u64(p, idx, F_RCODE, &rcode) && rcode != 0) {
                line_putc(l, ' ');
                put_text_field(l, p, idx, F_RCODE);
        }
        get_u64(p, idx, F_ANSWERS, &answers);
        line_putc(l, ' ');
        line_u64(l, answers);
        line_puts(l, answers == 1 ? " answer" : " answers");
}

/* The first line of a text protocol's message (HTTP, SIP), cut to a readable length. */
static void
put_startline(struct line *l, struct pkt *p, unsigned idx)
{
        /* Why 120: a request line with a long URL still leaves the line readable. */
        enum { STARTLINE_MAX = 120 };
        const uint8_t *s;
        size_t n;

        if (pkt_field_get_bytes(p, idx, "startline", &s, &n) < 0 || n == 0)
                return;
        line_putc(l, ' ');
        line_text(l, (const char *)s, n < STARTLINE_MAX ? n : STARTLINE_MAX);
        if (n > STARTLINE_MAX)
                line_puts(l, "...");
}

/* Writes @p's line into @out (PKTP_SUMMARY_MAX + 1 bytes, NUL-terminated); returns its length. */
static size_t
summary_line(struct pkt *p, char *out)
{
        struct line l = { .s = out };
        unsigned n = pkt_dissect_all(p), flags = 0;
        int net = -1, ports = -1, arp = -1;

        for (unsigned i = 0; i < n; i++) {
                const struct pkt_proto *pr = pkt_proto_get(p->layers[i].proto);
                /* As the layers form does: walking a lazily checked layer's elements settles its flags. */
                if (pr && (pr->flags & PKT_P_LAZY_ELEMS))
                        for (unsigned s = 0; s < pr->n_elems; s++)
                                PKT_ELEM_FOREACH(p, i, pr->elems[s].name, e)
                                        ;
                flags |= p->layers[i].flags;
                /* The payload's opaque bytes are no layer worth naming (tcpdump shows a length). */
                if (p->layers[i].proto != PKT_PROTO_RAW || i == 0) {
                        if (i)
                                line_putc(&l, '/');
                        const char *name = pr ? pr->name : NULL;
                        line_text(&l, name ? name : "?", name ? strlen(name) : 1);
                }
                if (net < 0 && has_addresses(p, i, NET_TYPES))
                        net = (int)i;
                if (arp < 0 && p->layers[i].proto == PKT_PROTO_ARP)
                        arp = (int)i;
        }

        /* The transport: the first layer after the network one with ports, before any other
         * network layer (an ICMP error's quoted packet is not this packet's transport). */
        unsigned next = (unsigned)net + 1;
        if (net >= 0) {
                /* A tunnel (IPv6 in IPv4, IP in IP): the innermost addresses of the chain. */
                for (;;) {
                        while (next < n && is_ip6_ext(p->layers[next].proto))
                                next++;
                        if (next >= n || !has_addresses(p, next, NET_TYPES))
                                break;
                        net = (int)next++;
                }
                for (unsigned j = (unsigned)net + 1; j < n && !has_addresses(p, j, NET_TYPES); j++) {
                        if (has_ports(p, j)) {
                                ports = (int)j;
                                break;
                        }
                }
        }

        if (net >= 0 && !(readable(p, (unsigned)net, F_SRC) && readable(p, (unsigned)net, F_DST)))
                net = -1; /* cut before its addresses: the stack and the flags say it all */
        if (net >= 0) {
                line_putc(&l, ' ');
                put_text_field(&l, p, (unsigned)net, F_SRC);
                put_port(&l, p, ports, F_SPORT);
                line_puts(&l, " > ");
                put_text_field(&l, p, (unsigned)net, F_DST);
                put_port(&l, p, ports, F_DPORT);
        } else if (arp >= 0) {
                put_arp(&l, p, (unsigned)arp);
        } else {
                for (unsigned i = 0; i < n; i++) {
                        if (!has_addresses(p, i, LINK_TYPES) || !readable(p, i, F_SRC) || !readable(p, i, F_DST))
                                continue;
                        line_putc(&l, ' ');
                        put_text_field(&l, p, i, F_SRC);
                        line_puts(&l, " > ");
                        put_text_field(&l, p, i, F_DST);
                        break;
                }
        }

        if (net >= 0 && next < n) {
                unsigned proto = p->layers[next].proto;
                unsigned app = next + 1 < n ? p->layers[next + 1].proto : PKT_PROTO_NONE;
                if (proto == PKT_PROTO_TCP)
                        put_tcp(&l, p, next);
                else if (proto == PKT_PROTO_ICMP || proto == PKT_PROTO_ICMP6)
                        put_icmp(&l, p, next, n, proto == PKT_PROTO_ICMP6);
                if (proto == PKT_PROTO_TCP || proto == PKT_PROTO_UDP) {
                        if (app == PKT_PROTO_DNS)
                                put_dns(&l, p, next + 1);
                        else if (app == PKT_PROTO_HTTP || app == PKT_PROTO_SIP)
                                put_startline(&l, p, next + 1);
                        else if (proto == PKT_PROTO_UDP) {
                                uint64_t ulen;
                                if (get_u64(p, next, F_ULEN, &ulen) && ulen >= 8) {
                                        line_puts(&l, " len ");
                                        line_u64(&l, ulen - 8);
                                }
                        }
                }
        }
        if (flags & PKT_LAYER_TRUNCATED)
                line_puts(&l, " [truncated]");
        if (flags & PKT_LAYER_MALFORMED)
                line_puts(&l, " [malformed]");
        if (l.is_cut)
                memcpy(out + PKTP_SUMMARY_MAX - 3, "...", 3);
        out[l.len] = '\0';
        return l.len;
}

int
pktp_packet_summary(struct pktp_buf *b, struct pkt *p)
{
        char text[PKTP_SUMMARY_MAX + 1];

        if (!b || !p)
                return -EINVAL;
        return pktp_buf_put(b, text, summary_line(p, text));
}

int
pktp_form_from_name(const char *name, enum pktp_form *ret_form)
{
        static const char *const names[] = {
                [PKTP_FORM_SUMMARY] = "summary",
                [PKTP_FORM_LAYERS] = "layers",
                [PKTP_FORM_RAW] = "raw",
        };

        if (!name || !ret_form)
                return -EINVAL;
        for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                if (strcmp(name, names[i]) == 0) {
                        *ret_form = (enum pktp_form)i;
                        return 0;
                }
        }
        return -EINVAL;
}

/* Copies the string @s (at most 16 bytes) to @o; returns the end. */
static char *
put_lit(char *o, const char *s)
{
        size_t n = strlen(s);

        memcpy(o, s, n);
        return o + n;
}

/* Writes @v in decimal at @o (room for 20 digits), two digits per division; returns the end. */
static char *
dec_u64(char *o, uint64_t v)
{
        static const char pairs[201] = "0001020304050607080910111213141516171819"
                                       "2021222324252627282930313233343536373839"
                                       "4041424344454647484950515253545556575859"
                                       "6061626364656667686970717273747576777879"
                                       "8081828384858687888990919293949596979899";
        char t[20];
        size_t i = sizeof(t);

        while (v >= 100) {
                i -= 2;
                memcpy(t + i, pairs + 2 * (v % 100), 2);
                v /= 100;
        }
        if (v >= 10) {
                i -= 2;
                memcpy(t + i, pairs + 2 * v, 2);
        } else {
                t[--i] = (char)('0' + v);
        }
        memcpy(o, t + i, sizeof(t) - i);
        return o + sizeof(t) - i;
}

int
pktp_captured_write(struct pktp_buf *b, const struct pktp_captured *c)
{
        size_t start;

        if (!b || !c || !c->p)
                return -EINVAL;
        if (c->form != PKTP_FORM_SUMMARY && c->form != PKTP_FORM_LAYERS && c->form != PKTP_FORM_RAW)
                return -EINVAL;
        if (b->err)
                return b->err;
        start = b->len;
        /* The numbers and keys before the form's value, composed here and appended at once: a
         * capture stream writes them for every packet. */
        char head[128], *o = head;
        o = put_lit(o, "{\"tsNs\":");
        o = dec_u64(o, c->ts_ns);
        o = put_lit(o, ",\"caplen\":");
        o = dec_u64(o, pkt_len(c->p));
        o = put_lit(o, ",\"len\":");
        o = dec_u64(o, c->p->wire_len);
        o = put_lit(o, c->form == PKTP_FORM_SUMMARY ? ",\"summary\":"
                       : c->form == PKTP_FORM_LAYERS ? ",\"layers\":" : ",\"data\":");
        pktp_buf_put(b, head, (size_t)(o - head));
        switch (c->form) {
        case PKTP_FORM_SUMMARY: {
                char text[PKTP_SUMMARY_MAX + 1];
                pktp_buf_json_str(b, text, summary_line(c->p, text));
                break;
        }
        case PKTP_FORM_LAYERS:
                pktp_packet_write_layers(b, c->p);
                break;
        case PKTP_FORM_RAW:
                pktp_buf_base64(b, pkt_data(c->p), pkt_len(c->p));
                break;
        }
        pktp_buf_putc(b, '}');
        if (b->err && b->len > start && b->data) {
                /* Never leave half an object behind: the caller may retry with a bigger buffer. */
                b->len = start;
                b->data[start] = '\0';
        }
        return b->err;
}
