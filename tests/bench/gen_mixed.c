/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writes a deterministic classic pcap of mixed traffic for the benchmarks: Ethernet (10% VLAN-tagged),
 * IPv4 / IPv6 / ARP, TCP (half with timestamp options) and UDP, DNS queries and responses with a few
 * records (compressed names, A/AAAA answers, an NS authority, an EDNS OPT), frames of 60 to 1514 bytes.
 * Every checksum is correct. Documentation addresses only: 192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24 (RFC 5737), 2001:db8::/32 (RFC 3849), MACs 00:00:5e:00:53:xx (RFC 7042 2.1.1).
 *
 * The bytes are written directly rather than through the builder: the file is an input of the parser
 * benchmarks and must not depend on which protocols the builder knows yet.
 *
 * usage: gen_mixed FILE [COUNT]   (COUNT defaults to 1000000)
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ETH_MIN 60     /* IEEE 802.3 minimum frame without the FCS */
#define ETH_MAX 1514   /* 1500-byte MTU plus the Ethernet header */
#define SNAPLEN 65535

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: deterministic across platforms, fast, good enough to mix traffic. */
static uint32_t
rnd(void)
{
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t
rnd_in(uint32_t lo, uint32_t hi)
{
        return lo + rnd() % (hi - lo + 1);
}

static void
put16(uint8_t *b, uint16_t v)
{
        b[0] = (uint8_t)(v >> 8);
        b[1] = (uint8_t)v;
}

static void
put32(uint8_t *b, uint32_t v)
{
        put16(b, (uint16_t)(v >> 16));
        put16(b + 2, (uint16_t)v);
}

static uint32_t
csum_add(uint32_t sum, const uint8_t *b, size_t len)
{
        for (; len >= 2; b += 2, len -= 2)
                sum += (uint32_t)(b[0] << 8 | b[1]);
        if (len)
                sum += (uint32_t)b[0] << 8;
        return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t)~sum;
}

struct frame {
        uint8_t b[ETH_MAX + 64];
        size_t len;
        int is_v6;
        size_t l3; /* offset of the IP header */
};

static const char *const dns_names[] = {
        "www.example.com", "mail.example.org", "example.net", "cdn.static.example.com",
        "api.v2.example.org", "ns1.example.net", "a-very-long-host-name.service.example.com",
};

static size_t
put_name(uint8_t *b, const char *name)
{
        size_t o = 0;

        while (*name) {
                const char *dot = strchr(name, '.');
                size_t n = dot ? (size_t)(dot - name) : strlen(name);
                b[o++] = (uint8_t)n;
                memcpy(b + o, name, n);
                o += n;
                name += n + (dot ? 1 : 0);
        }
        b[o++] = 0;
        return o;
}

/* A DNS message (RFC 1035 4.1): a query, or a response with 1-4 answers, maybe NS and OPT. */
static size_t
put_dns(uint8_t *b, int is_response)
{
        const char *name = dns_names[rnd() % (sizeof(dns_names) / sizeof(dns_names[0]))];
        int is_aaaa = rnd() % 3 == 0;
        unsigned an = is_response ? rnd_in(1, 4) : 0, ns = is_response && rnd() % 3 == 0, ar = rnd() % 2;
        size_t o = 12;

        put16(b, (uint16_t)rnd());
        put16(b + 2, is_response ? 0x8180 : 0x0100);
        put16(b + 4, 1);
        put16(b + 6, (uint16_t)an);
        put16(b + 8, (uint16_t)ns);
        put16(b + 10, (uint16_t)ar);
        o += put_name(b + o, name);
        put16(b + o, is_aaaa ? 28 : 1);
        put16(b + o + 2, 1);
        o += 4;
        for (unsigned i = 0; i < an; i++) {
                unsigned rdlen = is_aaaa ? 16 : 4;
                put16(b + o, 0xc00c); /* the question's name (RFC 1035 4.1.4) */
                put16(b + o + 2, is_aaaa ? 28 : 1);
                put16(b + o + 4, 1);
                put32(b + o + 6, rnd_in(30, 86400));
                put16(b + o + 10, (uint16_t)rdlen);
                o += 12;
                if (is_aaaa) {
                        static const uint8_t pfx[4] = { 0x20, 0x01, 0x0d, 0xb8 };
                        memcpy(b + o, pfx, 4);
                        memset(b + o + 4, 0, 10);
                        put16(b + o + 14, (uint16_t)rnd_in(1, 0xffff));
                } else {
                        b[o] = 203, b[o + 1] = 0, b[o + 2] = 113, b[o + 3] = (uint8_t)rnd_in(1, 254);
                }
                o += rdlen;
        }
        if (ns) {
                put16(b + o, 0xc00c);
                put16(b + o + 2, 2); /* NS */
                put16(b + o + 4, 1);
                put32(b + o + 6, 3600);
                put16(b + o + 10, 6);
                memcpy(b + o + 12, "\3ns1\xc0\x0c", 6);
                o += 18;
        }
        if (ar) {
                /* EDNS(0) OPT pseudo-record (RFC 6891 6.1.2): root name, 1232-byte UDP payload. */
                static const uint8_t opt[11] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0 };
                memcpy(b + o, opt, sizeof(opt));
                o += sizeof(opt);
        }
        return o;
}

static void
put_ether(struct frame *f, uint16_t type)
{
        static const uint8_t oui[5] = { 0x00, 0x00, 0x5e, 0x00, 0x53 };

        memcpy(f->b, oui, 5);
        f->b[5] = (uint8_t)rnd_in(0x01, 0xfe);
        memcpy(f->b + 6, oui, 5);
        f->b[11] = (uint8_t)rnd_in(0x01, 0xfe);
        f->len = 12;
        if (rnd() % 10 == 0) {
                put16(f->b + 12, 0x8100); /* IEEE 802.1Q */
                put16(f->b + 14, (uint16_t)rnd_in(100, 200));
                f->len = 16;
        }
        put16(f->b + f->len, type);
        f->len += 2;
}

static void
put_arp(struct frame *f)
{
        uint8_t *a;

        put_ether(f, 0x0806);
        a = f->b + f->len;
        put16(a, 1);          /* Ethernet */
        put16(a + 2, 0x0800); /* IPv4 */
        a[4] = 6, a[5] = 4;
        put16(a + 6, (uint16_t)rnd_in(1, 2));
        memcpy(a + 8, f->b + 6, 6);
        a[14] = 192, a[15] = 0, a[16] = 2, a[17] = (uint8_t)rnd_in(1, 254);
        memset(a + 18, 0, 6);
        a[24] = 192, a[25] = 0, a[26] = 2, a[27] = (uint8_t)rnd_in(1, 254);
        f->len += 28;
}

static void
put_ip(struct frame *f, uint8_t proto)
{
        uint8_t *h = f->b + f->len;

        f->l3 = f->len;
        if (f->is_v6) {
                static const uint8_t pfx[4] = { 0x20, 0x01, 0x0d, 0xb8 };
                put32(h, 0x60000000u | (rnd() & 0xfffff));
                h[6] = proto;
                h[7] = 64;
                memcpy(h + 8, pfx, 4);
                memset(h + 12, 0, 10);
                put16(h + 22, (uint16_t)rnd_in(1, 0xffff));
                memcpy(h + 24, pfx, 4);
                memset(h + 28, 0, 10);
                put16(h + 38, (uint16_t)rnd_in(1, 0xffff));
                f->len += 40;
                return;
        }
        static const uint8_t nets[3][3] = { { 192, 0, 2 }, { 198, 51, 100 }, { 203, 0, 113 } };
        h[0] = 0x45;
        h[1] = 0;
        put16(h + 4, (uint16_t)rnd());
        put16(h + 6, 0x4000); /* DF */
        h[8] = (uint8_t)rnd_in(32, 128);
        h[9] = proto;
        memcpy(h + 12, nets[rnd() % 3], 3);
        h[15] = (uint8_t)rnd_in(1, 254);
        memcpy(h + 16, nets[rnd() % 3], 3);
        h[19] = (uint8_t)rnd_in(1, 254);
        f->len += 20;
}

/* Fills in the IP length and checksums once the upper layer is complete. */
static void
finish_ip(struct frame *f, uint8_t proto, size_t l4, size_t l4_len, size_t sum_off)
{
        uint8_t *h = f->b + f->l3, tail[4] = { 0, proto, (uint8_t)(l4_len >> 8), (uint8_t)l4_len };
        uint32_t sum;

        if (f->is_v6) {
                put16(h + 4, (uint16_t)l4_len);
                sum = csum_add(0, h + 8, 32);
        } else {
                put16(h + 2, (uint16_t)(20 + l4_len));
                put16(h + 10, 0);
                put16(h + 10, csum_fold(csum_add(0, h, 20)));
                sum = csum_add(0, h + 12, 8);
        }
        sum = csum_add(sum, tail, 4);
        put16(f->b + l4 + sum_off, 0);
        uint16_t c = csum_fold(csum_add(sum, f->b + l4, l4_len));
        put16(f->b + l4 + sum_off, proto == 17 && c == 0 ? 0xffff : c);
}

static void
put_payload(uint8_t *b, size_t n)
{
        uint32_t x = rnd();

        for (size_t i = 0; i < n; i++)
                b[i] = (uint8_t)(x + i * 131);
}

static void
put_tcp(struct frame *f)
{
        static const uint16_t servers[] = { 80, 443, 22, 8080 };
        size_t l4 = f->len, hl = rnd() % 2 ? 32 : 20, max, pay;
        uint8_t *t = f->b + l4;
        uint16_t srv = servers[rnd() % 4], eph = (uint16_t)rnd_in(49152, 65535);
        int to_server = rnd() % 2;

        put16(t, to_server ? eph : srv);
        put16(t + 2, to_server ? srv : eph);
        put32(t + 4, rnd());
        put32(t + 8, rnd());
        t[12] = (uint8_t)(hl / 4 << 4);
        put16(t + 14, (uint16_t)rnd_in(512, 65535));
        put16(t + 18, 0);
        if (hl == 32) {
                /* NOP, NOP, timestamps (RFC 7323 3.2) */
                static const uint8_t ts[4] = { 1, 1, 8, 10 };
                memcpy(t + 20, ts, 4);
                put32(t + 24, rnd());
                put32(t + 28, rnd());
        }
        max = ETH_MAX - l4 - hl;
        switch (rnd() % 5) {
        case 0:
        case 1:
                pay = 0;
                break;
        case 2:
                pay = rnd_in(1, 200);
                break;
        case 3:
                pay = rnd_in(200, 800);
                break;
        default:
                pay = max;
                break;
        }
        t[13] = pay ? 0x18 : 0x10; /* PSH|ACK or ACK */
        put_payload(t + hl, pay);
        f->len = l4 + hl + pay;
        finish_ip(f, 6, l4, hl + pay, 16);
}

static void
put_udp(struct frame *f)
{
        size_t l4 = f->len, pay;
        uint8_t *u = f->b + l4;
        uint16_t eph = (uint16_t)rnd_in(49152, 65535);

        if (rnd() % 10 < 7) {
                int is_response = rnd() % 2;
                put16(u, is_response ? 53 : eph);
                put16(u + 2, is_response ? eph : 53);
                pay = put_dns(u + 8, is_response);
        } else {
                put16(u, eph);
                put16(u + 2, 31337); /* no registered protocol: the payload stays raw */
                pay = rnd_in(20, 1200);
                put_payload(u + 8, pay);
        }
        put16(u + 4, (uint16_t)(8 + pay));
        f->len = l4 + 8 + pay;
        finish_ip(f, 17, l4, 8 + pay, 6);
}

static void
make_frame(struct frame *f)
{
        unsigned kind = rnd() % 100;

        memset(f->b, 0, sizeof(f->b));
        if (kind < 3) {
                put_arp(f);
        } else {
                int is_tcp = rnd() % 10 < 6;
                f->is_v6 = kind >= 70;
                put_ether(f, f->is_v6 ? 0x86dd : 0x0800);
                put_ip(f, is_tcp ? 6 : 17);
                if (is_tcp)
                        put_tcp(f);
                else
                        put_udp(f);
        }
        if (f->len < ETH_MIN)
                f->len = ETH_MIN; /* zero padding, already cleared */
}

static void
le32(uint8_t *b, uint32_t v)
{
        b[0] = (uint8_t)v, b[1] = (uint8_t)(v >> 8), b[2] = (uint8_t)(v >> 16), b[3] = (uint8_t)(v >> 24);
}

int
main(int argc, char **argv)
{
        unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000ul;
        uint8_t hdr[24] = { 0 };
        struct frame f;
        FILE *out;

        if (argc < 2) {
                fprintf(stderr, "usage: %s FILE [COUNT]\n", argv[0]);
                return 2;
        }
        out = fopen(argv[1], "wb");
        if (!out) {
                fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
                return 1;
        }
        le32(hdr, 0xa1b2c3d4u);
        hdr[4] = 2, hdr[6] = 4; /* version 2.4 */
        le32(hdr + 16, SNAPLEN);
        le32(hdr + 20, 1); /* DLT_EN10MB */
        fwrite(hdr, 1, sizeof(hdr), out);
        for (unsigned long i = 0; i < count; i++) {
                uint8_t rec[16];
                memset(&f, 0, offsetof(struct frame, b));
                make_frame(&f);
                le32(rec, (uint32_t)(1700000000u + i / 10000));
                le32(rec + 4, (uint32_t)(i % 10000 * 100));
                le32(rec + 8, (uint32_t)f.len);
                le32(rec + 12, (uint32_t)f.len);
                fwrite(rec, 1, sizeof(rec), out);
                fwrite(f.b, 1, f.len, out);
        }
        if (fclose(out) != 0) {
                fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
                return 1;
        }
        return 0;
}
