/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DNS messages (RFC 1035 4.1; AD/CD RFC 4035 3.2; AAAA RFC 3596; EDNS0 RFC 6891; SRV RFC 2782).
 *
 *                                   1  1  1  1  1  1
 *     0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                      ID                       |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                    QDCOUNT                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                    ANCOUNT                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                    NSCOUNT                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                    ARCOUNT                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   | Question | Answer | Authority | Additional ... |
 *
 * The whole message is the layer's header: compression pointers (RFC 1035 4.1.4) count from the
 * message start, so the records cannot live in a layer of their own. The four sections are element
 * sets with pypacker's names (queries, answers, auths, addrecords); the counts are auto fields kept
 * equal to the elements added. Record kinds and compression live in dns_rr.c.
 *
 * Over TCP each message is preceded by a two-byte length (RFC 1035 4.2.2). The field tables are fixed
 * offsets from the layer start, so that framing is not modelled: DNS over TCP stays TCP payload.
 */
#include <string.h>

#include "dns.h"
#include "internal.h"

/* clang-format off */
static const struct pkt_name dns_opcode_names[] = {
        { 0, "QUERY" }, { 1, "IQUERY" }, { 2, "STATUS" }, { 4, "NOTIFY" }, { 5, "UPDATE" }, { 6, "DSO" },
        { 0, NULL },
};

static const struct pkt_name dns_rcode_names[] = {
        { 0, "NOERROR" }, { 1, "FORMERR" }, { 2, "SERVFAIL" }, { 3, "NXDOMAIN" }, { 4, "NOTIMP" },
        { 5, "REFUSED" }, { 6, "YXDOMAIN" }, { 7, "YXRRSET" }, { 8, "NXRRSET" }, { 9, "NOTAUTH" },
        { 10, "NOTZONE" }, { 0, NULL },
};

static const struct pkt_field dns_fields[] = {
        { .name = "id",               .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = 0x1234 },
        { .name = "flags",            .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x0120 },
        { .name = "qr",               .off = 16, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "opcode",           .off = 17, .bits = 4,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = dns_opcode_names },
        { .name = "aa",               .off = 21, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "tc",               .off = 22, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "rd",               .off = 23, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "ra",               .off = 24, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "z",                .off = 25, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "ad",               .off = 26, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "cd",               .off = 27, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "rcode",            .off = 28, .bits = 4,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = dns_rcode_names },
        { .name = "questions_amount", .off = 32, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "answers_amount",   .off = 48, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "authrr_amount",    .off = 64, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "addrr_amount",     .off = 80, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};

static const struct pkt_field dns_query_fields[] = {
        { .name = "name", .off = 0,               .bits = 0,  .type = PKT_FT_DNSNAME },
        { .name = "type", .off = PKT_OFF_FOLLOW,  .bits = 16, .type = PKT_FT_ENUM, .names = dns_type_names },
        { .name = "cls",  .off = PKT_OFF_FOLLOW,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = dns_class_names },
};

static const struct pkt_field dns_rr_fields[] = {
        { .name = "name", .off = 0,               .bits = 0,  .type = PKT_FT_DNSNAME },
        { .name = "type", .off = PKT_OFF_FOLLOW,  .bits = 16, .type = PKT_FT_ENUM, .names = dns_type_names },
        { .name = "cls",  .off = PKT_OFF_FOLLOW,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = dns_class_names },
        { .name = "ttl",  .off = PKT_OFF_FOLLOW,  .bits = 32, .type = PKT_FT_UINT },
        { .name = "dlen", .off = PKT_OFF_FOLLOW,  .bits = 16, .type = PKT_FT_UINT },
};
/* clang-format on */

enum { F_ID, F_FLAGS, F_QR, F_OPCODE, F_AA, F_TC, F_RD, F_RA, F_Z, F_AD, F_CD, F_RCODE, F_QDCOUNT };

static uint16_t
be16(const uint8_t *b)
{
        return (uint16_t)(b[0] << 8 | b[1]);
}

static uint16_t
section_count(const uint8_t *msg, unsigned sec)
{
        return be16(msg + 4 + 2 * sec);
}

/* Walks the records of sections before @sec; *@ret_pos is where section @sec starts. Bounded: each
 * record is at least five bytes and must fit in @len. Returns 0 or what dns_record_span() or
 * dns_record_check() returned for the first record that does not hold together. */
static int
section_start(const struct dns_dialect *d, const uint8_t *msg, uint32_t len, unsigned sec, uint32_t *ret_pos)
{
        uint32_t pos = DNS_HDR_LEN, name_len, rec_len;

        for (unsigned s = DNS_QD; s < sec; s++)
                for (unsigned i = 0, n = section_count(msg, s); i < n; i++) {
                        int r = dns_record_span(msg, len, pos, s == DNS_QD, &name_len, &rec_len);
                        if (r == 0)
                                r = dns_record_check(d, msg, len, pos, s == DNS_QD, name_len);
                        if (r < 0)
                                return r;
                        pos += rec_len;
                }
        *ret_pos = pos;
        return 0;
}

/* Cut by the capture, or promised by a count and never sent. */
static uint16_t
short_flag(const struct pkt_view *v, int r)
{
        return r == -ENODATA && v->caplen < v->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
}

int
dns_section_next(const struct pkt_view *v, struct pkt_elem *e, unsigned sec, const struct dns_dialect *d)
{
        uint32_t pos, name_len, rec_len;
        int r;

        /* A layer cut inside the fixed header has no counts to walk by. */
        if (v->caplen < DNS_HDR_LEN)
                return 0;
        if (e->count == 0) {
                /* An earlier section that cannot be walked leaves this one without a start: no
                 * element, but the flag, which the engine gives the layer (PKT_P_LAZY_ELEMS). */
                r = section_start(d, v->b, v->caplen, sec, &pos);
                if (r < 0) {
                        e->flags |= short_flag(v, r);
                        return 0;
                }
        } else {
                pos = e->next;
        }
        if (e->count >= section_count(v->b, sec))
                return 0;
        e->off = pos;
        r = dns_record_span(v->b, v->caplen, pos, sec == DNS_QD, &name_len, &rec_len);
        if (r < 0) {
                e->len = v->caplen - pos;
                e->flags |= short_flag(v, r);
                e->next = v->caplen;
                return 1;
        }
        e->len = rec_len;
        e->next = pos + rec_len;
        if (sec != DNS_QD)
                d->rr_kind(be16(v->b + pos + name_len), name_len, e);
        /* A record whose names or data do not hold together is the set's last (as a damaged element
         * always is), and the sections after it have no start either: past it, nothing is trusted. */
        r = dns_record_check(d, v->b, v->caplen, pos, sec == DNS_QD, name_len);
        if (r < 0)
                e->flags |= short_flag(v, r);
        return 1;
}

const struct dns_dialect dns_dialect = {
        .query_fields = dns_query_fields,
        .rr_fields = dns_rr_fields,
        .qdcount_field = F_QDCOUNT,
        .default_type = 1, /* A */
        .has_opt = true,
        .compresses_rdata = true,
        .rr_kind = dns_rr_kind,
        .rdata_check = dns_rdata_check,
};

static int
queries_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return dns_section_next(v, e, DNS_QD, &dns_dialect);
}

static int
answers_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return dns_section_next(v, e, DNS_AN, &dns_dialect);
}

static int
auths_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return dns_section_next(v, e, DNS_NS, &dns_dialect);
}

static int
addrecords_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return dns_section_next(v, e, DNS_AR, &dns_dialect);
}

static const struct pkt_elem_set dns_elems[] = {
        [DNS_QD] = { .name = "queries", .elem_name = "query", .next = queries_next,
                     .fields = dns_query_fields, .n_fields = ARRAY_SIZE(dns_query_fields) },
        [DNS_AN] = { .name = "answers", .elem_name = "answer", .next = answers_next,
                     .fields = dns_rr_fields, .n_fields = ARRAY_SIZE(dns_rr_fields) },
        [DNS_NS] = { .name = "auths", .elem_name = "auth", .next = auths_next,
                     .fields = dns_rr_fields, .n_fields = ARRAY_SIZE(dns_rr_fields) },
        [DNS_AR] = { .name = "addrecords", .elem_name = "addrecord", .next = addrecords_next,
                     .fields = dns_rr_fields, .n_fields = ARRAY_SIZE(dns_rr_fields) },
};

/*
 * The message is what the transport carried (UDP: the whole datagram), found in O(1): the records are
 * not walked here but by the section iterators, which flag the layer when counts promise records the
 * message does not hold (PKT_P_LAZY_ELEMS). A message cut by the capture is flagged truncated by the
 * engine already, since its header runs to the reported length. Bytes after the last record stay part
 * of it.
 */
static void
dns_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
}

/* RFC 1035 4.1.4: names are compressed when the message is built; see dns_compress(). */
static int
dns_update(struct pkt *p, unsigned idx)
{
        /* Only a packet being resized is rebuilt: every layer below is refreshed then, and a parsed
         * message whose id alone changed keeps its own encoding. */
        if (!(p->flags & PKT_F_RESIZED))
                return 0;
        return dns_compress(&dns_dialect, p, idx, 0);
}

static bool
dns_is_as_written(struct pkt *p, unsigned idx)
{
        return dns_is_compressible(&dns_dialect, p, idx, 0);
}

int
dns_message_elem_build(const struct dns_dialect *d, const struct pkt_view *v, uint32_t hdr_len, unsigned set,
                       const char *text, uint8_t *out, size_t size, uint32_t *ret_at)
{
        uint32_t at;
        int r;

        assert(set < DNS_SECTIONS);
        if (v->caplen < DNS_HDR_LEN)
                return -EINVAL;
        /* A record goes at the end of its section, before the sections after it. */
        r = section_start(d, v->b, MIN(hdr_len, v->caplen), set + 1, &at);
        if (r < 0)
                return -EINVAL;
        *ret_at = at;
        return dns_rr_build(d, set == DNS_QD, text, out, size);
}

static int
dns_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
               size_t size, uint32_t *ret_at)
{
        return dns_message_elem_build(&dns_dialect, v, hdr_len, set, text, out, size, ret_at);
}

int
dns_message_elem_added(const struct dns_dialect *d, struct pkt *p, unsigned idx, unsigned set)
{
        const uint8_t *msg = p->data + p->layers[idx].off;
        uint16_t n = section_count(msg, set);

        if (n == UINT16_MAX)
                return -ERANGE;
        return pkt_auto_set(p, idx, d->qdcount_field + set, n + 1u);
}

static int
dns_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        return dns_message_elem_added(&dns_dialect, p, idx, set);
}

/*
 * RFC 1035 4.1.1: a response carries its query's ID with QR set. Where the request's stack has no
 * such header here (a query sent as raw payload), the ports below already matched: nothing to add.
 */
bool
dns_message_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *lq = &req->layers[ri], *lp = &rep->layers[pi];
        const uint8_t *q = req->data + lq->off, *a = rep->data + lp->off;

        if (lq->proto != lp->proto || lq->len < DNS_HDR_LEN)
                return true;
        if (lp->len < DNS_HDR_LEN)
                return false;
        return !(q[2] & 0x80) && (a[2] & 0x80) && memcmp(q, a, 2) == 0;
}

/*
 * On a UDP port nobody registered: what tshark's heuristic takes for DNS, a standard query or response
 * with more than a header and the counts a real message has (one question; a query with no records
 * yet; a response with up to 100 answers and 10 authority records; up to 10 additional records).
 * Loose enough for real traffic on odd ports, tight enough that other payloads rarely pass.
 */
static bool
dns_heuristic(const struct pkt_view *v)
{
        const uint8_t *b = v->b;

        if (v->caplen < DNS_HDR_LEN || v->wire_len <= DNS_HDR_LEN || (b[2] & 0x78) != 0)
                return false;
        uint16_t qd = section_count(b, DNS_QD), an = section_count(b, DNS_AN), ns = section_count(b, DNS_NS),
                 ar = section_count(b, DNS_AR);
        bool response = b[2] & 0x80;
        if (response ? (qd > 1 || an > 100 || ns > 10) : (qd != 1 || an != 0 || ns != 0))
                return false;
        return ar <= 10;
}

/* RFC 6762 (mDNS) and RFC 4795 (LLMNR) reuse the message format on their own ports. */
static const struct pkt_key dns_carriers[] = {
        { PKT_KEY_UDP_PORT, 53 },
        { PKT_KEY_UDP_PORT, 5353 },
        { PKT_KEY_UDP_PORT, 5355 },
        PKT_KEY_END,
};

/* The message is the header: captured whole, nothing is left to check before iterating. */
#define DNS_FAST { .key = PKT_FAST_WHOLE }
PKT_FAST_STEP(dns_fast_step, DNS_HDR_LEN, DNS_FAST)

const struct pkt_proto pkt_proto_dns = {
        .name = "dns",
        .summary = "Domain Name System (RFC 1035)",
        .id = PKT_PROTO_DNS,
        .flags = PKT_P_LAZY_ELEMS | PKT_P_GUESS_SYSTEM_PORTS,
        .min_hdr_len = DNS_HDR_LEN,
        .fields = dns_fields,
        .n_fields = ARRAY_SIZE(dns_fields),
        .elems = dns_elems,
        .n_elems = ARRAY_SIZE(dns_elems),
        .carriers = dns_carriers,
        .dissect = dns_dissect,
        .heuristic = dns_heuristic,
        .fast = DNS_FAST,
        .fast_step = dns_fast_step,
        .update = dns_update,
        .encoding_switch = "compress",
        .is_as_written = dns_is_as_written,
        .elem_build = dns_elem_build,
        .elem_added = dns_elem_added,
        .answers = dns_message_answers,
        .not_dissected = "Record data of types other than A, AAAA, NS, CNAME, PTR, DNAME, MX, SOA, HINFO, TXT, "
                         "SPF, SRV, NAPTR, OPT, DS, DNSKEY, RRSIG, NSEC, NSEC3PARAM, TLSA, SVCB, HTTPS and CAA "
                         "stays rdata bytes (NSEC3, LOC, ...); SvcParams and EDNS options stay bytes.",
};
