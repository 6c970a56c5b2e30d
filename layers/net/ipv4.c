/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 (RFC 791; options RFC 791 3.1, RFC 1108, RFC 2113; checksum RFC 1071).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |Type of Service|          Total Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |Flags|      Fragment Offset    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options                    |    Padding    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Only the first fragment (offset 0) starts with the upper header: it is dissected, as pypacker and tshark
 * without reassembly do, knowing that the upper layer continues in later fragments; the payload of the
 * others stays raw (libpkt does not reassemble).
 */
#include <string.h>

#include "internal.h"
#include "ipopt.h"

#define IP_HDR_LEN 20
#define IP_HL_MIN 5
#define IP_FLAG_MF 0x1
#define IP_OFFSET_MASK 0x1fff
#define IP_OPT_EOL 0
#define IP_OPT_NOP 1
#define IP_OPT_RR 7
#define IP_OPT_MTUP 11
#define IP_OPT_MTUR 12
#define IP_OPT_TS 68
#define IP_OPT_LSRR 131
#define IP_OPT_SATID 136
#define IP_OPT_SSRR 137
#define IP_OPT_RA 148

/* clang-format off */
const struct pkt_name pkt_ip_proto_names[] = {
        { 0, "HOPOPTS" }, { 1, "ICMP" }, { 2, "IGMP" }, { 4, "IP" }, { 6, "TCP" }, { 17, "UDP" },
        { 41, "IP6" }, { 43, "ROUTING" }, { 44, "FRAGMENT" }, { 47, "GRE" }, { 50, "ESP" }, { 51, "AH" },
        { 58, "ICMP6" }, { 59, "NONEXT" }, { 60, "DSTOPTS" }, { 89, "OSPF" }, { 103, "PIM" },
        { 112, "VRRP" }, { 132, "SCTP" }, { 137, "MPLS" }, { 0, NULL },
};

static const struct pkt_name ip_flag_names[] = {
        { 0x4, "RB" }, { 0x2, "DF" }, { 0x1, "MF" }, { 0, NULL },
};

static const struct pkt_name ip_opt_names[] = {
        { 0, "EOL" }, { 1, "NOP" }, { 7, "RR" }, { 68, "TS" }, { 130, "SEC" }, { 131, "LSRR" },
        { 133, "ESEC" }, { 136, "SATID" }, { 137, "SSRR" }, { 148, "RA" }, { 0, NULL },
};

static const struct pkt_field ip_opt_fields[] = { PKT_IPOPT_FIELDS(ip_opt_names) };

static const struct pkt_field ip_fields[] = {
        { .name = "v_hl",   .off = 0,   .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x45 },
        { .name = "v",      .off = 0,   .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "hl",     .off = 4,   .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "tos",    .off = 8,   .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "len",    .off = 16,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "id",     .off = 32,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "off",    .off = 48,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "flags",  .off = 48,  .bits = 3,  .type = PKT_FT_FLAGS, .flags = PKT_FF_PART, .names = ip_flag_names },
        { .name = "offset", .off = 51,  .bits = 13, .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "ttl",    .off = 64,  .bits = 8,  .type = PKT_FT_UINT, .def = 64 },
        { .name = "p",      .off = 72,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = pkt_ip_proto_names, .def = 6 },
        { .name = "sum",    .off = 80,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
        { .name = "src",    .off = 96,  .bits = 32, .type = PKT_FT_IPV4, .flags = PKT_FF_PSEUDO },
        { .name = "dst",    .off = 128, .bits = 32, .type = PKT_FT_IPV4, .flags = PKT_FF_PSEUDO },
};
/* clang-format on */

enum { F_V_HL, F_V, F_HL, F_TOS, F_LEN, F_ID, F_OFF, F_FLAGS, F_OFFSET, F_TTL, F_P, F_SUM, F_SRC, F_DST };

/* The lengths each kind may have, kind and length bytes included: routes and timestamps are whole
 * 4-byte slots after their fixed part (RFC 791 3.1); router alert (RFC 2113), MTU probe and reply
 * (RFC 1063) and stream ID are 4 bytes. */
static const struct pkt_ipopt_kind ip_opt_kinds[] = {
        { IP_OPT_RR, 0, NULL, .len_min = 3, .len_max = 39, .len_step = 4 },
        { IP_OPT_LSRR, 0, NULL, .len_min = 3, .len_max = 39, .len_step = 4 },
        { IP_OPT_SSRR, 0, NULL, .len_min = 3, .len_max = 39, .len_step = 4 },
        { IP_OPT_TS, 0, NULL, .len_min = 4, .len_max = 40, .len_step = 4 },
        { IP_OPT_MTUP, 0, NULL, .len_min = 4 },
        { IP_OPT_MTUR, 0, NULL, .len_min = 4 },
        { IP_OPT_SATID, 0, NULL, .len_min = 4 },
        { IP_OPT_RA, 0, NULL, .len_min = 4 },
        { 0, 0, NULL, 0, 0, 0 },
};

static int
ip_opts_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t hdr_len = (uint32_t)(v->b[0] & 0xf) * 4;
        return pkt_ipopt_next(v, IP_HDR_LEN, hdr_len, e, ip_opt_kinds);
}

static const struct pkt_elem_set ip_elems[] = {
        { .name = "opts", .elem_name = "opt", .next = ip_opts_next, .fields = ip_opt_fields,
          .n_fields = PKT_IPOPT_N_FIELDS },
};

static void
ip_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const uint8_t *h = v->b;
        uint32_t hl = h[0] & 0xf, total = (uint32_t)(h[2] << 8 | h[3]);
        uint16_t off = (uint16_t)((h[6] & 0x1f) << 8 | h[7]), flags = h[6] >> 5;

        if ((h[0] >> 4) != 4 || hl < IP_HL_MIN) {
                /* A wrong version or an IHL below 5 leaves no trustworthy header length. */
                d->flags |= PKT_LAYER_MALFORMED;
                d->hdr_len = IP_HDR_LEN;
                d->payload_len = 0;
                return;
        }
        d->hdr_len = hl * 4;
        /* An option running past the header or wrong in length for its kind (RFC 791 3.1). */
        if (hl > IP_HL_MIN)
                d->flags |= pkt_elems_damage(v, ip_opts_next);
        /* Total length 0: a segment larger than 64 KiB that the sender's NIC was to split (TSO, Linux's
         * BIG TCP for IPv4), captured before it did. Its length is the frame's, as tshark and tcpdump
         * read it. */
        if (total == 0)
                total = v->wire_len;
        if (total < d->hdr_len) {
                d->flags |= PKT_LAYER_MALFORMED;
                d->payload_len = 0;
                return;
        }
        d->payload_len = total - d->hdr_len;
        /* Bytes after the total length are the link layer's (Ethernet's padding to 60 bytes). */
        d->flags |= PKT_DISSECT_ENDS_HERE;
        if (total > v->wire_len)
                d->flags |= PKT_LAYER_MALFORMED; /* claims more than the frame carried */
        /* The first fragment starts the upper header; the later ones carry only its continuation. */
        if (off == 0) {
                d->next = (uint16_t)pkt_key_lookup16(PKT_KEY_IP_PROTO, h[9]);
                if (flags & IP_FLAG_MF)
                        d->flags |= PKT_DISSECT_PARTIAL;
        }
}

static int
ip_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint8_t *h;
        uint32_t key;
        int r;

        /* Options are padded with end-of-list bytes to a multiple of 4 (RFC 791 3.1). */
        if (l->hdr_len % 4 && (r = pkt_layer_splice(p, idx, l->hdr_len, 0, "\0\0\0", 4 - l->hdr_len % 4)) < 0)
                return r;
        h = pkt_layer_bytes_mut(p, idx); /* after the splice, which may move the bytes */
        /* A packet parsed in place changes only in size-preserving ways: its lengths and upper protocol
         * stay as captured (its bytes may include Ethernet padding, which is not IP payload). */
        if (!pkt_is_rebuilt(p))
                goto sum;
        if ((r = pkt_auto_set(p, idx, F_HL, l->hdr_len / 4)) < 0 ||
            (r = pkt_auto_set(p, idx, F_LEN, l->wire_len)) < 0)
                return r;
        if (idx + 1u < p->n_layers && pkt_carrier_key(p->layers[idx + 1].proto, PKT_KEY_IP_PROTO, &key) == 0 &&
            (r = pkt_auto_set(p, idx, F_P, key)) < 0)
                return r;
sum:
        if (l->set_mask & (UINT64_C(1) << F_SUM))
                return 0;
        h[10] = h[11] = 0;
        uint16_t sum = pkt_csum_fold_inline(pkt_csum_add_inline(0, h, l->hdr_len));
        h[10] = (uint8_t)(sum >> 8);
        h[11] = (uint8_t)sum;
        return 0;
}

/* RFC 791: a source route appears once at most; with more there is no one final destination, and
 * the header's own is used (as scapy does). A route already done (its pointer past the end) has
 * brought the packet to the header's destination. */
const uint8_t *
pkt_ip_final_dst(const uint8_t *h, uint32_t hdr_len)
{
        const uint8_t *dst = h + 16, *route_end = NULL;
        unsigned routes = 0;

        for (uint32_t pos = IP_HDR_LEN; pos < hdr_len;) {
                uint8_t type = h[pos];
                if (type == IP_OPT_EOL)
                        break;
                if (type == IP_OPT_NOP) {
                        pos++;
                        continue;
                }
                if (pos + 1 >= hdr_len || h[pos + 1] < 2 || h[pos + 1] > hdr_len - pos)
                        break;
                uint8_t olen = h[pos + 1];
                /* Route data: pointer (1-based, from the option start), then addresses. */
                if (type == IP_OPT_LSRR || type == IP_OPT_SSRR) {
                        routes++;
                        if (olen >= 7 && h[pos + 2] <= olen)
                                route_end = h + pos + 3 + ((olen - 3) / 4 - 1) * 4;
                }
                pos += olen;
        }
        return routes == 1 && route_end ? route_end : dst;
}

static unsigned
ip_direction(const struct pkt_view *a, const struct pkt_view *b)
{
        const uint8_t *as = a->b + 12, *ad = a->b + 16, *bs = b->b + 12, *bd = b->b + 16;
        unsigned dir = PKT_DIR_UNKNOWN;

        if (memcmp(as, bs, 4) == 0 && memcmp(ad, bd, 4) == 0)
                dir |= PKT_DIR_SAME;
        if (memcmp(as, bd, 4) == 0 && memcmp(ad, bs, 4) == 0)
                dir |= PKT_DIR_REV;
        return dir;
}

static void
ip_reverse(uint8_t *h, size_t len)
{
        uint8_t tmp[4];

        (void)len;
        memcpy(tmp, h + 12, 4);
        memcpy(h + 12, h + 16, 4);
        memcpy(h + 16, tmp, 4);
}

static bool
is_group_or_broadcast(const uint8_t *a)
{
        return (a[0] & 0xf0) == 0xe0 || (a[0] == 0xff && a[1] == 0xff && a[2] == 0xff && a[3] == 0xff);
}

/*
 * A reply comes back to the requester. It comes from the requested host, unless the request went to a
 * group (any member answers) or the reply is an ICMP error (any router on the path sends those).
 */
static bool
ip_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const uint8_t *q = req->data + req->layers[ri].off, *a = rep->data + rep->layers[pi].off;
        const struct pkt_layer *up = pkt_layer(rep, pi + 1);

        if (memcmp(a + 16, q + 12, 4) != 0)
                return false;
        if (is_group_or_broadcast(q + 16) || (up && up->proto == PKT_PROTO_ICMP))
                return true;
        return memcmp(a + 12, q + 16, 4) == 0;
}

static int
ip_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
              size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return pkt_ipopt_build(ip_opt_names, NULL, 0, text, out, size);
}

static const struct pkt_key ip_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x0800 },
        { PKT_KEY_IP_PROTO, 4 },   /* IP in IP (RFC 2003) */
        { PKT_KEY_PPP, 0x0021 },
        { PKT_KEY_DLT, 228 },      /* DLT_IPV4 */
        { PKT_KEY_LLC_SAP, 0x06 },
        PKT_KEY_END,
};

static const char *const ip_aliases[] = { "ipv4", "ip4", NULL };

/* Version 4, IHL 5 (no options), total length within the frame, neither MF nor an offset. */
#define IP_FAST                                                                                         \
        { .key = PKT_FAST_KEY8, .key_space = PKT_KEY_IP_PROTO, .key_off = 9,                            \
          .flags = PKT_FAST_MATCH | PKT_FAST_LEN | PKT_FAST_LEN_HDR | PKT_FAST_ZERO | PKT_FAST_ENDS_HERE, \
          .match_off = 0, .match_mask = 0xff, .match_val = 0x45, .len_off = 2, .zero_off = 6,           \
          .zero_mask = 0x3fff }
PKT_FAST_STEP(ip_fast_step, IP_HDR_LEN, IP_FAST)

const struct pkt_proto pkt_proto_ip = {
        .name = "ip",
        .aliases = ip_aliases,
        .summary = "Internet Protocol version 4 (RFC 791)",
        .id = PKT_PROTO_IP,
        .min_hdr_len = IP_HDR_LEN,
        .fields = ip_fields,
        .n_fields = ARRAY_SIZE(ip_fields),
        .elems = ip_elems,
        .n_elems = ARRAY_SIZE(ip_elems),
        .carriers = ip_carriers,
        .dissect = ip_dissect,
        .fast = IP_FAST,
        .fast_step = ip_fast_step,
        .update = ip_update,
        .direction = ip_direction,
        .reverse = ip_reverse,
        .answers = ip_answers,
        .elem_build = ip_elem_build,
        .not_dissected = "The payload of fragments other than the first stays raw (no "
                         "reassembly).",
};
