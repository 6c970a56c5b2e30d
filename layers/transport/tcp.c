/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP (RFC 9293; options RFC 9293 3.2, window scale and timestamps RFC 7323, SACK RFC 2018;
 * ECE/CWR RFC 3168).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Sequence Number                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Acknowledgment Number                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Data |       |C|E|U|A|P|R|S|F|                               |
 *  | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *  |       |       |R|E|G|K|H|T|N|N|                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Checksum            |         Urgent Pointer        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           [Options]                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * pypacker keeps "flags" to the eight bits above; the low bit of the reserved nibble (NS in RFC 3540,
 * now historic; AE in AccECN) stays in "x2", the low half of "off_x2", and is not a flag name here.
 * tshark's tcp.flags is 12 bits wide: compare its low eight bits.
 */
#include <string.h>

#include "internal.h"
#include "ipopt.h"

#define TCP_HDR_LEN 20
#define TCP_OFF_MIN 5
#define IP_PROTO_TCP 6

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

#define OPT_NOP 1

/* clang-format off */
static const struct pkt_name tcp_flag_names[] = {
        { TH_FIN, "FIN" }, { TH_SYN, "SYN" }, { TH_RST, "RST" }, { 0x08, "PSH" }, { TH_ACK, "ACK" },
        { 0x20, "URG" }, { 0x40, "ECE" }, { 0x80, "CWR" },
        /* One-letter spellings for specs such as flags=S|A (scapy's, tcpdump's). */
        { TH_FIN, "F" }, { TH_SYN, "S" }, { TH_RST, "R" }, { 0x08, "P" }, { TH_ACK, "A" }, { 0x20, "U" },
        { 0x40, "E" }, { 0x80, "C" }, { 0, NULL },
};

/* IANA "TCP Option Kind Numbers". The second name of a kind is accepted when building. */
static const struct pkt_name tcp_opt_names[] = {
        { 0, "EOL" }, { 1, "NOP" }, { 2, "MSS" }, { 3, "WSCALE" }, { 4, "SACKOK" }, { 5, "SACK" },
        { 6, "ECHO" }, { 7, "ECHOREPLY" }, { 8, "TS" }, { 8, "TIMESTAMP" }, { 9, "POCONN" },
        { 10, "POSVC" }, { 11, "CC" }, { 12, "CCNEW" }, { 13, "CCECHO" }, { 14, "ALTSUM" },
        { 15, "ALTSUMDATA" }, { 19, "MD5" }, { 27, "QS" }, { 28, "UTO" }, { 29, "AO" }, { 30, "MPTCP" },
        { 34, "FASTOPEN" }, { 253, "EXP1" }, { 254, "EXP2" }, { 0, NULL },
};

static const struct pkt_field tcp_opt_fields[] = { PKT_IPOPT_FIELDS(tcp_opt_names) };

/* Data of the kinds with a structure; offsets from the option's data (after kind and length). */
static const struct pkt_field mss_fields[] = { PKT_U("mss", 0, 16) };
static const struct pkt_field wscale_fields[] = { PKT_U("wscale", 0, 8) };
static const struct pkt_field ts_fields[] = { PKT_U("tsval", 0, 32), PKT_U("tsecr", 32, 32) };
/* RFC 2018 3: at most four blocks fit in 40 bytes of options; fields past the option are absent. */
static const struct pkt_field sack_fields[] = {
        PKT_U("left1", 0, 32),   PKT_U("right1", 32, 32),  PKT_U("left2", 64, 32),  PKT_U("right2", 96, 32),
        PKT_U("left3", 128, 32), PKT_U("right3", 160, 32), PKT_U("left4", 192, 32), PKT_U("right4", 224, 32),
};

/* The lengths each kind must have: RFC 9293 3.2 (MSS), RFC 7323 2.2 and 3.2 (window scale,
 * timestamps), RFC 2018 2 and 3 (SACK permitted; SACK: one to four 8-byte blocks), RFC 2385 3.0 (MD5),
 * RFC 5482 2 (user timeout). */
static const struct pkt_ipopt_kind tcp_opt_kinds[] = {
        { 2, ARRAY_SIZE(mss_fields), mss_fields, .len_min = 4 },
        { 3, ARRAY_SIZE(wscale_fields), wscale_fields, .len_min = 3 },
        { 4, 0, NULL, .len_min = 2 },
        { 5, ARRAY_SIZE(sack_fields), sack_fields, .len_min = 10, .len_max = 34, .len_step = 8 },
        { 8, ARRAY_SIZE(ts_fields), ts_fields, .len_min = 10 },
        { 19, 0, NULL, .len_min = 18 },
        { 28, 0, NULL, .len_min = 4 },
        { 0, 0, NULL },
};

static const struct pkt_field tcp_fields[] = {
        { .name = "sport",  .off = 0,   .bits = 16, .type = PKT_FT_UINT, .def = 0xdead },
        { .name = "dport",  .off = 16,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO }, /* while 0: pkt_auto_set_port() */
        { .name = "seq",    .off = 32,  .bits = 32, .type = PKT_FT_UINT, .def = 0xdeadbeef },
        { .name = "ack",    .off = 64,  .bits = 32, .type = PKT_FT_UINT },
        { .name = "off_x2", .off = 96,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x50 },
        { .name = "off",    .off = 96,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "x2",     .off = 100, .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "flags",  .off = 104, .bits = 8,  .type = PKT_FT_FLAGS, .names = tcp_flag_names, .def = TH_SYN },
        { .name = "win",    .off = 112, .bits = 16, .type = PKT_FT_UINT, .def = 0xffff },
        { .name = "sum",    .off = 128, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
        { .name = "urp",    .off = 144, .bits = 16, .type = PKT_FT_UINT },
};
/* clang-format on */

enum { F_SPORT, F_DPORT, F_SEQ, F_ACK, F_OFF_X2, F_OFF, F_X2, F_FLAGS, F_WIN, F_SUM, F_URP };

static uint16_t
be16(const uint8_t *b)
{
        return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t
be32(const uint8_t *b)
{
        return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int
tcp_opts_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint8_t off_x2;

        /* A layer cut before the data offset has no options to walk. */
        if (!pkt_rd_u8(v, 12, &off_x2))
                return 0;
        return pkt_ipopt_next(v, TCP_HDR_LEN, (uint32_t)(off_x2 >> 4) * 4, e, tcp_opt_kinds);
}

static const struct pkt_elem_set tcp_elems[] = {
        { .name = "opts", .elem_name = "opt", .next = tcp_opts_next, .fields = tcp_opt_fields,
          .n_fields = PKT_IPOPT_N_FIELDS },
};

/* Options whose lengths cannot be walked (RFC 9293 3.1: a length counts kind and length, so below 2 it
 * cannot be walked past; one running past the data offset contradicts it) or break their kind's rule
 * (tcp_opt_kinds) make the layer malformed. Only captured bytes are looked at. */
static bool
opts_are_valid(const struct pkt_view *v, uint32_t hdr_len)
{
        /* NOP, NOP, timestamps (RFC 7323 Appendix A): what most stacks put in every segment. */
        if (hdr_len == TCP_HDR_LEN + 12 && pkt_rd_has(v, TCP_HDR_LEN, 4) &&
            memcmp(v->b + TCP_HDR_LEN, "\x01\x01\x08\x0a", 4) == 0)
                return true;
        return pkt_elems_damage(v, tcp_opts_next) == 0;
}

static void
tcp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const uint8_t *h = v->b;
        uint32_t off = h[12] >> 4;

        d->next = (uint16_t)pkt_port_lookup(PKT_KEY_TCP_PORT, be16(h), be16(h + 2));
        if (off < TCP_OFF_MIN) {
                /* No trustworthy header length: keep the fixed header, the rest stays raw bytes. */
                d->flags |= PKT_LAYER_MALFORMED;
                d->next = PKT_PROTO_NONE;
                return;
        }
        d->hdr_len = off * 4;
        if (!opts_are_valid(v, d->hdr_len))
                d->flags |= PKT_LAYER_MALFORMED;
}

static int
tcp_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint8_t *h;
        uint32_t sum;
        int r;

        /* RFC 9293 3.1: options are padded with zeros (end of list) to a multiple of 4 bytes. */
        if (l->hdr_len % 4 && (r = pkt_layer_splice(p, idx, l->hdr_len, 0, "\0\0\0", 4 - l->hdr_len % 4)) < 0)
                return r;
        if ((r = pkt_auto_set(p, idx, F_OFF, l->hdr_len / 4)) < 0 ||
            (r = pkt_auto_set_dport(p, idx, F_DPORT, PKT_KEY_TCP_PORT)) < 0)
                return r;
        if (l->set_mask & (UINT64_C(1) << F_SUM))
                return 0;
        if (pkt_csum_pseudo(p, idx, IP_PROTO_TCP, l->len, &sum) < 0)
                return 0; /* no IP below: nothing to sum against */
        h = pkt_layer_bytes_mut(p, idx);
        h[16] = h[17] = 0;
        uint16_t c = pkt_csum_fold(pkt_csum_add(sum, h, l->len));
        h[16] = (uint8_t)(c >> 8);
        h[17] = (uint8_t)c;
        return 0;
}

static unsigned
tcp_direction(const struct pkt_view *a, const struct pkt_view *b)
{
        unsigned dir = PKT_DIR_UNKNOWN;

        if (!pkt_rd_has(a, 0, 4) || !pkt_rd_has(b, 0, 4))
                return dir;
        if (memcmp(a->b, b->b, 4) == 0)
                dir |= PKT_DIR_SAME;
        if (memcmp(a->b, b->b + 2, 2) == 0 && memcmp(a->b + 2, b->b, 2) == 0)
                dir |= PKT_DIR_REV;
        return dir;
}

/*
 * RFC 9293 3.10.7: a SYN is answered by SYN/ACK or RST/ACK acknowledging seq + 1. Any other segment is
 * answered by an acknowledgment of some of the sequence space it used (payload, plus one each for SYN
 * and FIN), or by a reset. Sequence numbers wrap: the comparisons are modulo 2^32.
 */
static bool
tcp_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *ql = &req->layers[ri], *al = &rep->layers[pi];
        const uint8_t *q = req->data + ql->off, *a = rep->data + al->off;

        if (ql->len < TCP_HDR_LEN || al->len < TCP_HDR_LEN)
                return false; /* cut short: nothing to match on */
        uint8_t qf = q[13], af = a[13];
        uint32_t seq = be32(q + 4), ack = be32(a + 8);

        if (memcmp(a, q + 2, 2) != 0 || memcmp(a + 2, q, 2) != 0)
                return false;
        if ((qf & (TH_SYN | TH_ACK)) == TH_SYN)
                return (af & TH_ACK) && (af & (TH_SYN | TH_RST)) && ack == seq + 1;
        if (af & TH_RST)
                return true;
        if (!(af & TH_ACK))
                return false;
        uint32_t used = ql->wire_len - ql->hdr_len + !!(qf & TH_SYN) + !!(qf & TH_FIN);
        uint32_t delta = ack - seq;
        return delta > 0 && delta <= used;
}

static int
tcp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
               size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return pkt_ipopt_build(tcp_opt_names, tcp_opt_kinds, 0, text, out, size);
}

static const struct pkt_key tcp_carriers[] = {
        { PKT_KEY_IP_PROTO, IP_PROTO_TCP },
        PKT_KEY_END,
};

/* Data offset 5, no options to check; or 8 with NOP, NOP, timestamps (see opts_are_valid()). */
#define TCP_FAST                                                                                        \
        { .key = PKT_FAST_PORTS, .key_space = PKT_KEY_TCP_PORT, .key_off = 0,                           \
          .flags = PKT_FAST_MATCH, .match_off = 12, .match_mask = 0xf0, .match_val = 0x50,              \
          .opt_val = 0x80, .opt_len = 12, .opt_prefix = { OPT_NOP, OPT_NOP, 8, 10 } }
PKT_FAST_STEP(tcp_fast_step, TCP_HDR_LEN, TCP_FAST)

const struct pkt_proto pkt_proto_tcp = {
        .name = "tcp",
        .summary = "Transmission Control Protocol (RFC 9293)",
        .id = PKT_PROTO_TCP,
        .flags = PKT_P_CSUM_PAYLOAD | PKT_P_CSUM_PSEUDO,
        .min_hdr_len = TCP_HDR_LEN,
        .fields = tcp_fields,
        .n_fields = ARRAY_SIZE(tcp_fields),
        .elems = tcp_elems,
        .n_elems = ARRAY_SIZE(tcp_elems),
        .carriers = tcp_carriers,
        .dissect = tcp_dissect,
        .fast = TCP_FAST,
        .fast_step = tcp_fast_step,
        .update = tcp_update,
        .direction = tcp_direction,
        .reverse = pkt_swap_ports,
        .answers = tcp_answers,
        .elem_build = tcp_elem_build,
        .not_dissected = "No stream reassembly: a message spanning segments is dissected only in "
                         "the segment where it starts.",
};
