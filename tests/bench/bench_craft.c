/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building and modifying packets.
 *
 * craft: Ethernet / IPv4 / TCP / 64 payload bytes with both checksums, one new packet each time (the
 * packet is described in bench_tins.h). libpkt two ways a user would write it: pushing layers and
 * setting fields, or building a template once from a spec and copying it; libtins with its / operator
 * and serialize(). The last packets of libpkt and libtins must be byte-identical.
 *
 * modify: set one field of a parsed packet and reserialise, over the IPv4/TCP packets of the capture.
 * TTL (only the IPv4 header checksum changes) and the TCP source port (the TCP checksum changes).
 * libpkt (pkt_parse_writable, typed setter, pkt_serialize) against hand-written C that writes the byte
 * and recomputes the checksum the change affects. Both must leave identical bytes.
 *
 * usage: bench_craft FILE [CRAFT_COUNT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/hdr.h>
#include <pkt/pkt.h>

#include "bench.h"
#include "bench_tins.h"

static const uint8_t mac_dst[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01 };
static const uint8_t mac_src[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x02 };
static const uint8_t zeros[BENCH_CRAFT_PAYLOAD];
#define IP_SRC 0xc0000201u /* 192.0.2.1 */
#define IP_DST 0xc6336402u /* 198.51.100.2 */

#define CHECK(expr)                                                                                     \
        do {                                                                                            \
                if ((expr) < 0) {                                                                       \
                        fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #expr);             \
                        exit(1);                                                                        \
                }                                                                                       \
        } while (0)

/* ---- craft ---- */

static uint64_t
craft_push(size_t n, uint8_t *last, size_t *last_len)
{
        uint64_t acc = 0;
        struct pkt p;

        pkt_init(&p);
        for (size_t i = 0; i < n; i++) {
                const uint8_t *out;
                int eth = pkt_push(&p, PKT_PROTO_ETHERNET), ip = pkt_push(&p, PKT_PROTO_IP),
                    tcp = pkt_push(&p, PKT_PROTO_TCP);
                CHECK(tcp);
                CHECK(pkt_push_raw(&p, zeros, sizeof(zeros)));
                CHECK(pkt_field_set_bytes(&p, (unsigned)eth, "dst", mac_dst, 6));
                CHECK(pkt_field_set_bytes(&p, (unsigned)eth, "src", mac_src, 6));
                pkt_ip_set_src(&p, (unsigned)ip, IP_SRC);
                pkt_ip_set_dst(&p, (unsigned)ip, IP_DST);
                CHECK(pkt_field_set_u64(&p, (unsigned)ip, "flags", 0x2)); /* DF */
                pkt_tcp_set_sport(&p, (unsigned)tcp, (uint16_t)(BENCH_CRAFT_SPORT_BASE + (i & 0x3ff)));
                pkt_tcp_set_dport(&p, (unsigned)tcp, BENCH_CRAFT_DPORT);
                pkt_tcp_set_seq(&p, (unsigned)tcp, (uint32_t)i);
                pkt_tcp_set_ack(&p, (unsigned)tcp, 1);
                pkt_tcp_set_flags(&p, (unsigned)tcp, PKT_TCP_PSH | PKT_TCP_ACK);
                CHECK(pkt_field_set_u64(&p, (unsigned)tcp, "win", 8192));
                int len = pkt_serialize(&p, 0, &out);
                CHECK(len);
                acc += (uint64_t)(out[len - BENCH_CRAFT_PAYLOAD - 4] << 8 | out[len - BENCH_CRAFT_PAYLOAD - 3]);
                if (i + 1 == n) {
                        memcpy(last, out, (size_t)len);
                        *last_len = (size_t)len;
                }
                pkt_done(&p);
        }
        return acc;
}

static uint64_t
craft_template(size_t n, uint8_t *last, size_t *last_len)
{
        char spec[512], err[256];
        uint64_t acc = 0;
        struct pkt tmpl, p;

        snprintf(spec, sizeof(spec),
                 "ethernet(dst=00:00:5e:00:53:01,src=00:00:5e:00:53:02)/ip(src=%s,dst=%s,flags=DF)/"
                 "tcp(dport=%d,ack=1,flags=PSH|ACK,win=8192)/raw(\"%s\")",
                 BENCH_CRAFT_IP_SRC, BENCH_CRAFT_IP_DST, BENCH_CRAFT_DPORT,
                 "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                 "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                 "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                 "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00");
        pkt_init(&tmpl);
        pkt_init(&p);
        if (pkt_build(&tmpl, spec, err, sizeof(err)) < 0) {
                fprintf(stderr, "pkt_build: %s\n", err);
                exit(1);
        }
        int tcp = pkt_layer_find(&tmpl, PKT_PROTO_TCP, 0);
        CHECK(tcp);
        for (size_t i = 0; i < n; i++) {
                const uint8_t *out;
                CHECK(pkt_copy(&p, &tmpl));
                pkt_tcp_set_sport(&p, (unsigned)tcp, (uint16_t)(BENCH_CRAFT_SPORT_BASE + (i & 0x3ff)));
                pkt_tcp_set_seq(&p, (unsigned)tcp, (uint32_t)i);
                int len = pkt_serialize(&p, 0, &out);
                CHECK(len);
                acc += (uint64_t)(out[len - BENCH_CRAFT_PAYLOAD - 4] << 8 | out[len - BENCH_CRAFT_PAYLOAD - 3]);
                if (i + 1 == n) {
                        memcpy(last, out, (size_t)len);
                        *last_len = (size_t)len;
                }
        }
        pkt_done(&p);
        pkt_done(&tmpl);
        return acc;
}

typedef uint64_t (*craft_fn)(size_t n, uint8_t *last, size_t *last_len);

static double
craft_rate(craft_fn fn, size_t n, uint8_t *last, size_t *last_len, uint64_t *ret_acc)
{
        double t0 = bench_now();

        *ret_acc = fn(n, last, last_len);
        return (double)n / (bench_now() - t0);
}

/* ---- modify ---- */


/* The IPv4/TCP packets of the capture, copied so that they can be changed in place. */
struct tcp_set {
        uint8_t *buf;
        size_t *off, *len, n;
};

static uint16_t
ld16(const uint8_t *b)
{
        return (uint16_t)(b[0] << 8 | b[1]);
}

/* Offsets of the IPv4 and TCP headers, or -1 when the frame is not Ethernet (+802.1Q) / IPv4 / TCP. */
static int
locate(const uint8_t *b, size_t len, size_t *ret_ip, size_t *ret_tcp)
{
        size_t off = 14;
        uint16_t type;

        if (len < 14)
                return -1;
        type = ld16(b + 12);
        while (type == 0x8100 && len >= off + 4) {
                type = ld16(b + off + 2);
                off += 4;
        }
        if (type != 0x0800 || len < off + 20 || b[off] >> 4 != 4 || b[off + 9] != 6 ||
            (ld16(b + off + 6) & 0x3fff))
                return -1;
        size_t hl = (b[off] & 0xfu) * 4u;
        if (hl < 20 || len < off + hl + 20 || ld16(b + off + 2) != len - off)
                return -1; /* padded frames are left out: the TCP length must be simple */
        *ret_ip = off;
        *ret_tcp = off + hl;
        return 0;
}

static void
tcp_set_load(const struct bench_file *f, struct tcp_set *s, size_t max)
{
        size_t total = 0, ip, tcp;

        memset(s, 0, sizeof(*s));
        for (size_t i = 0; i < f->n && s->n < max; i++)
                if (locate(f->recs[i].data, f->recs[i].caplen, &ip, &tcp) == 0) {
                        total += f->recs[i].caplen;
                        s->n++;
                }
        s->buf = malloc(total);
        s->off = malloc(s->n * sizeof(size_t));
        s->len = malloc(s->n * sizeof(size_t));
        if (!s->buf || !s->off || !s->len) {
                fprintf(stderr, "out of memory\n");
                exit(1);
        }
        total = 0;
        s->n = 0;
        for (size_t i = 0; i < f->n && s->n < max; i++)
                if (locate(f->recs[i].data, f->recs[i].caplen, &ip, &tcp) == 0) {
                        memcpy(s->buf + total, f->recs[i].data, f->recs[i].caplen);
                        s->off[s->n] = total;
                        s->len[s->n++] = f->recs[i].caplen;
                        total += f->recs[i].caplen;
                }
}

static uint16_t
csum(uint32_t sum, const uint8_t *b, size_t len)
{
        for (; len >= 2; b += 2, len -= 2)
                sum += (uint32_t)(b[0] << 8 | b[1]);
        if (len)
                sum += (uint32_t)b[0] << 8;
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t)~sum;
}

static uint64_t
modify_hand(struct tcp_set *s, int is_port, unsigned salt)
{
        uint64_t acc = 0;

        for (size_t i = 0; i < s->n; i++) {
                uint8_t *b = s->buf + s->off[i];
                size_t ip, tcp;
                if (i + BENCH_PREFETCH_AHEAD < s->n)
                        bench_prefetch_headers(s->buf + s->off[i + BENCH_PREFETCH_AHEAD]);
                if (locate(b, s->len[i], &ip, &tcp) < 0)
                        continue;
                if (!is_port) {
                        b[ip + 8] = (uint8_t)(i + salt);
                        b[ip + 10] = b[ip + 11] = 0;
                        uint16_t c = csum(0, b + ip, tcp - ip);
                        b[ip + 10] = (uint8_t)(c >> 8);
                        b[ip + 11] = (uint8_t)c;
                } else {
                        size_t seg = s->len[i] - tcp;
                        pkt_store_be16(b + tcp, (uint16_t)(i + salt));
                        b[tcp + 16] = b[tcp + 17] = 0;
                        /* RFC 9293 3.1: pseudo-header of source, destination, zero, protocol, length */
                        uint32_t sum = 6 + (uint32_t)seg;
                        for (size_t k = 0; k < 8; k += 2)
                                sum += ld16(b + ip + 12 + k);
                        uint16_t c = csum(sum, b + tcp, seg);
                        b[tcp + 16] = (uint8_t)(c >> 8);
                        b[tcp + 17] = (uint8_t)c;
                }
                acc += s->len[i];
        }
        return acc;
}

static uint64_t
modify_libpkt(struct tcp_set *s, int is_port, unsigned salt)
{
        uint64_t acc = 0;
        struct pkt p;

        pkt_init(&p);
        for (size_t i = 0; i < s->n; i++) {
                const uint8_t *out;
                if (i + BENCH_PREFETCH_AHEAD < s->n)
                        bench_prefetch_headers(s->buf + s->off[i + BENCH_PREFETCH_AHEAD]);
                pkt_parse_writable(&p, PKT_PROTO_ETHERNET, s->buf + s->off[i], s->len[i], s->len[i]);
                if (!is_port) {
                        int ip = pkt_layer_find(&p, PKT_PROTO_IP, 0);
                        if (ip < 0)
                                continue;
                        pkt_ip_set_ttl(&p, (unsigned)ip, (uint8_t)(i + salt));
                } else {
                        int tcp = pkt_layer_find(&p, PKT_PROTO_TCP, 0);
                        if (tcp < 0)
                                continue;
                        pkt_tcp_set_sport(&p, (unsigned)tcp, (uint16_t)(i + salt));
                }
                int len = pkt_serialize(&p, 0, &out);
                if (len > 0)
                        acc += (uint64_t)len;
        }
        pkt_done(&p);
        return acc;
}

typedef uint64_t (*modify_fn)(struct tcp_set *s, int is_port, unsigned salt);

static double
modify_rate(modify_fn fn, struct tcp_set *s, int is_port, unsigned salt)
{
        double t0 = bench_now();

        fn(s, is_port, salt);
        return (double)s->n / (bench_now() - t0);
}

/* Runs both modifiers with the same salt on the same packets; the bytes must come out identical. */
static int
modify_agree(struct tcp_set *s, int is_port)
{
        size_t total = s->off[s->n - 1] + s->len[s->n - 1];
        uint8_t *copy = malloc(total);
        int ok;

        if (!copy)
                return 0;
        memcpy(copy, s->buf, total);
        modify_hand(s, is_port, 7);
        uint8_t *tmp = s->buf;
        s->buf = copy;
        modify_libpkt(s, is_port, 7);
        s->buf = tmp;
        ok = memcmp(copy, s->buf, total) == 0;
        free(copy);
        return ok;
}

int
main(int argc, char **argv)
{
        size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
        uint8_t last_push[256], last_tmpl[256], last_tins[256];
        size_t len_push = 0, len_tmpl = 0, len_tins = 0;
        uint64_t acc_push = 0, acc_tmpl = 0, acc_tins = 0;
        struct bench_file f;
        struct tcp_set s;
        int r, ok = 1;

        if (argc < 2) {
                fprintf(stderr, "usage: %s FILE [CRAFT_COUNT]\n", argv[0]);
                return 2;
        }
        /* The contenders take turns within each round, so that a busy machine slows them alike; ratios
         * are the medians of the per-round ratios. */
        double push_r[100], tmpl_r[100], tins_r[100], best_r[100];
        unsigned rounds = bench_rounds();
        for (unsigned k = 0; k < rounds; k++) {
                push_r[k] = craft_rate(craft_push, n, last_push, &len_push, &acc_push);
                tmpl_r[k] = craft_rate(craft_template, n, last_tmpl, &len_tmpl, &acc_tmpl);
                tins_r[k] = craft_rate(tins_craft, n, last_tins, &len_tins, &acc_tins);
                best_r[k] = (push_r[k] > tmpl_r[k] ? push_r[k] : tmpl_r[k]) / tins_r[k];
        }
        double push = bench_median(push_r, rounds), tmpl = bench_median(tmpl_r, rounds),
               tins = bench_median(tins_r, rounds);
        printf("bench_craft: %zu packets of Ethernet/IPv4/TCP/%d bytes, median of %u rounds\n", n,
               BENCH_CRAFT_PAYLOAD, bench_rounds());
        bench_print_rate("libpkt push + set fields", push);
        bench_print_rate("libpkt template (pkt_build) + copy", tmpl);
        bench_print_rate("libtins / + serialize()", tins);
        printf("  ratio libpkt(best)/libtins  %6.2fx (target >= 3)\n", bench_median(best_r, rounds));
        int same = len_push == len_tins && memcmp(last_push, last_tins, len_push) == 0 &&
                   len_tmpl == len_tins && memcmp(last_tmpl, last_tins, len_tmpl) == 0 && acc_push == acc_tins &&
                   acc_tmpl == acc_tins;
        printf("  identical bytes: %s\n", same ? "yes" : "NO");
        ok &= same;

        r = bench_file_load(argv[1], &f);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", argv[1], strerror(-r));
                return 1;
        }
        tcp_set_load(&f, &s, 200000);
        bench_file_free(&f);
        printf("bench_modify: %zu IPv4/TCP packets of the capture, median of %u rounds\n", s.n, bench_rounds());
        for (int is_port = 0; is_port <= 1; is_port++) {
                double lp_r[100], hd_r[100], ratio_r[100];
                for (unsigned k = 0; k < rounds; k++) {
                        lp_r[k] = modify_rate(modify_libpkt, &s, is_port, k);
                        hd_r[k] = modify_rate(modify_hand, &s, is_port, k);
                        ratio_r[k] = lp_r[k] / hd_r[k];
                }
                double lp = bench_median(lp_r, rounds), hd = bench_median(hd_r, rounds);
                int agree = modify_agree(&s, is_port);
                printf("  %s:\n", is_port ? "TCP sport (TCP checksum)" : "TTL (IPv4 header checksum)");
                bench_print_rate("libpkt parse_writable+set+serialize", lp);
                bench_print_rate("hand-written", hd);
                printf("  ratio libpkt/hand-written   %6.2fx (target >= 0.6)\n", bench_median(ratio_r, rounds));
                printf("  identical bytes: %s\n", agree ? "yes" : "NO");
                ok &= agree;
        }
        free(s.buf);
        free(s.off);
        free(s.len);
        return ok ? 0 : 1;
}
