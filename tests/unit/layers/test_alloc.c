/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero allocations per packet on the parse path (parse, find, fields by name and typed, element
 * iteration, the visitor and the printer) and on the modify path (pkt_parse_writable, a typed setter,
 * pkt_serialize), over real captures of the corpus.
 *
 * How allocations are counted: the test target links with -Wl,--wrap=malloc,... (tests/CMakeLists.txt),
 * which routes every call from this file and from libpkt (a static library) through the __wrap_
 * functions below. Without AddressSanitizer the test also replaces malloc itself (glibc supports that and
 * routes its own internal allocations, e.g. in vsnprintf, through the replacement), forwarding to glibc's
 * __libc_malloc; so libc-internal allocations count too. Under ASan, which owns malloc, only the
 * wrapped calls count.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/hdr.h>
#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif
#ifndef HAVE_ASAN
#define HAVE_ASAN 0
#endif

/* volatile: the compiler knows what libc builtins touch and could otherwise move these stores. */
static volatile bool counting;
static unsigned long n_allocs;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static void
count(void)
{
        if (counting)
                n_allocs++;
}

void *
__wrap_malloc(size_t n)
{
        if (HAVE_ASAN)
                count();
        return __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
        if (HAVE_ASAN)
                count();
        return __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
        if (HAVE_ASAN)
                count();
        return __real_realloc(p, n);
}

void
__wrap_free(void *p)
{
        __real_free(p);
}

#if !HAVE_ASAN
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

void *
malloc(size_t n)
{
        count();
        return __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
        count();
        return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
        count();
        return __libc_realloc(p, n);
}

void
free(void *p)
{
        __libc_free(p);
}
#endif

/* ---- the packets: real captures, loaded before anything is counted ---- */

struct frame {
        const char *file;
        unsigned index;
        int dlt;
        uint32_t caplen, wire_len;
        uint8_t *data;
};

static struct frame *frames;
static size_t n_frames;

/* Captures with Ethernet, 802.1Q, PPPoE, IPv4 (options), IPv6, ARP, ICMP(v6), TCP, UDP, DNS, HTTP, TLS. */
static const char *const files[] = {
        "dpkt/http.pcap",      "dpkt/dns_icmp.pcap", "dpkt/nb6-http.pcap",    "dpkt/truncated_dns.pcap",
        "ndpi/android.pcap",   "ndpi/dns.pcap",      "ndpi/6in4tunnel.pcap",  "ndpi/discord_mid_flow.pcap",
};

static void
load_file(const char *rel)
{
        char err[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *d;
        pcap_t *pc = pcap_open_offline(tu_corpus(rel), err);

        if (!pc)
                fail_msg("%s: %s", rel, err);
        for (unsigned i = 0; pcap_next_ex(pc, &h, &d) == 1; i++) {
                struct frame *n = realloc(frames, (n_frames + 1) * sizeof(*frames));
                assert_non_null(n);
                frames = n;
                uint8_t *copy = malloc(h->caplen ? h->caplen : 1);
                assert_non_null(copy);
                memcpy(copy, d, h->caplen);
                frames[n_frames++] = (struct frame){ rel, i, pcap_datalink(pc), h->caplen, h->len, copy };
        }
        pcap_close(pc);
}

/* A minimum-size frame whose last 6 bytes are Ethernet padding, not IP payload: regression test for a
 * TTL change that rewrote the IPv4 total length from 40 to 46.
 * scapy: Ether(dst="00:00:5e:00:53:01",src="00:00:5e:00:53:02")/IP(src="192.0.2.1",dst="198.51.100.2")/
 *        TCP(sport=40000,dport=80,flags="A")/Padding(b"\0"*6) */
static const char padded_hex[] = "00005e00530100005e0053020800450000280001000040068e98c0000201c63364029c40"
                                 "0050000000000000000050102000070d0000000000000000";

static void
add_padded_frame(void)
{
        uint8_t buf[64];
        size_t n = tu_hex(padded_hex, buf, sizeof(buf));
        struct frame *f = realloc(frames, (n_frames + 1) * sizeof(*frames));

        assert_non_null(f);
        frames = f;
        uint8_t *copy = malloc(n);
        assert_non_null(copy);
        memcpy(copy, buf, n);
        frames[n_frames++] = (struct frame){ "padded", 0, 1 /* DLT_EN10MB */, (uint32_t)n, (uint32_t)n, copy };
}

static int
setup(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                load_file(files[i]);
        add_padded_frame();
        return n_frames > 0 ? 0 : -1;
}

static int
teardown(void **state)
{
        (void)state;
        for (size_t i = 0; i < n_frames; i++)
                free(frames[i].data);
        free(frames);
        return 0;
}

/* Counts the allocations @fn makes on frame @f; remembers the first frame that made any. */
struct tally {
        unsigned long total;
        const struct frame *first;
        unsigned long work; /* something the work computed, so that none of it is skipped */
};

static void
tally_frame(struct tally *t, const struct frame *f, void (*fn)(const struct frame *, unsigned long *))
{
        unsigned long before = n_allocs;

        counting = true;
        fn(f, &t->work);
        counting = false;
        if (n_allocs != before && !t->first)
                t->first = f;
        t->total += n_allocs - before;
}

static void
assert_no_allocs(const struct tally *t, const char *path)
{
        if (t->total)
                fail_msg("%s: %lu allocations over %zu packets; first at %s packet %u", path, t->total,
                         n_frames, t->first->file, t->first->index);
}

/* ---- the counter works ---- */

static void
test_counter_sees_a_building_allocation(void **state)
{
        struct pkt p;
        (void)state;

        pkt_init(&p);
        unsigned long before = n_allocs;
        counting = true;
        int r = pkt_push(&p, PKT_PROTO_ETHERNET);
        counting = false;
        assert_true(r >= 0);
        /* An owned packet gets its buffer from the heap: if this is not seen, nothing is. */
        assert_true(n_allocs > before);
        pkt_done(&p);
}

static void
test_counter_sees_allocations_inside_libc(void **state)
{
        (void)state;

        if (HAVE_ASAN)
                skip(); /* ASan owns malloc: only calls from our code are seen */
        unsigned long before = n_allocs;
        counting = true;
        char *s = strdup("libc allocates this itself");
        counting = false;
        assert_non_null(s);
        assert_true(n_allocs > before);
        free(s);
}

/* ---- the parse path ---- */

static void
read_elements(struct pkt *p, unsigned idx, unsigned long *work)
{
        const struct pkt_proto *pr = pkt_proto_get(p->layers[idx].proto);
        char text[512];
        uint64_t u;

        for (unsigned s = 0; pr && s < pr->n_elems; s++) {
                const struct pkt_elem_set *set = &pr->elems[s];
                unsigned guard = 0;
                PKT_ELEM_FOREACH(p, idx, set->name, e)
                {
                        for (unsigned k = 0; k < set->n_fields; k++) {
                                if (pkt_elem_get_u64(p, idx, &e, set->fields[k].name, &u) == 0)
                                        *work += u;
                                if (pkt_elem_get_str(p, idx, &e, set->fields[k].name, text, sizeof(text)) > 0)
                                        *work += (unsigned char)text[0];
                        }
                        for (unsigned k = 0; k < e.n_kind_fields; k++)
                                if (pkt_elem_get_str(p, idx, &e, e.kind_fields[k].name, text, sizeof(text)) > 0)
                                        *work += (unsigned char)text[0];
                        if (++guard > 4096)
                                break;
                }
        }
}

static void
read_fields(struct pkt *p, unsigned idx, unsigned long *work)
{
        unsigned proto = p->layers[idx].proto;
        const struct pkt_proto *pr = pkt_proto_get(proto);
        const uint8_t *bytes;
        char text[512];
        size_t len;
        uint64_t u;

        for (unsigned k = 0; pr && k < pr->n_fields; k++) {
                const char *name = pr->fields[k].name;
                if (pkt_field_get_u64(p, idx, name, &u) == 0)
                        *work += u;
                if (pkt_field_get_str(p, idx, name, text, sizeof(text)) > 0)
                        *work += (unsigned char)text[0];
                if (pkt_field_get_bytes(p, idx, name, &bytes, &len) == 0)
                        *work += len;
        }
}

static unsigned long n_dns_checked;

/* The typed accessors of <pkt/hdr.h>, on complete headers only (their contract). */
static void
read_typed(struct pkt *p, unsigned idx, unsigned long *work)
{
        const struct pkt_layer *l = &p->layers[idx];

        if (l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED))
                return;
        switch (l->proto) {
        case PKT_PROTO_ETHERNET:
                *work += pkt_eth_type(p, idx) + pkt_eth_src(p, idx)[5];
                break;
        case PKT_PROTO_IP:
                *work += pkt_ip_src(p, idx) + pkt_ip_dst(p, idx) + pkt_ip_ttl(p, idx) + pkt_ip_len(p, idx);
                break;
        case PKT_PROTO_IP6:
                *work += pkt_ip6_src(p, idx)[15] + pkt_ip6_nxt(p, idx) + pkt_ip6_dlen(p, idx);
                break;
        case PKT_PROTO_TCP:
                *work += pkt_tcp_sport(p, idx) + pkt_tcp_dport(p, idx) + pkt_tcp_seq(p, idx) + pkt_tcp_flags(p, idx);
                break;
        case PKT_PROTO_UDP:
                *work += pkt_udp_sport(p, idx) + pkt_udp_dport(p, idx) + pkt_udp_ulen(p, idx);
                break;
        case PKT_PROTO_DNS: {
                /* The accessors agree with the fields by name. */
                static const char *const names[] = { "id", "flags", "questions_amount", "answers_amount",
                                                     "authrr_amount", "addrr_amount" };
                uint16_t typed[] = { pkt_dns_id(p, idx), pkt_dns_flags(p, idx), pkt_dns_questions_amount(p, idx),
                                     pkt_dns_answers_amount(p, idx), pkt_dns_authrr_amount(p, idx),
                                     pkt_dns_addrr_amount(p, idx) };
                for (unsigned k = 0; k < 6; k++) {
                        uint64_t u = 0;
                        assert_int_equal(pkt_field_get_u64(p, idx, names[k], &u), 0);
                        assert_int_equal(u, typed[k]);
                        *work += u;
                }
                n_dns_checked++;
                break;
        }
        default:
                break;
        }
}

static void
parse_everything(const struct frame *f, unsigned long *work)
{
        static const unsigned wanted[] = { PKT_PROTO_IP, PKT_PROTO_IP6, PKT_PROTO_TCP, PKT_PROTO_UDP,
                                           PKT_PROTO_DNS };
        struct pkt p;
        size_t len;

        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, f->dlt, f->data, f->caplen, f->wire_len), 0);
        /* Lazily first, as a user looking for one layer would. */
        for (unsigned i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
                if (pkt_layer_find(&p, wanted[i], 0) >= 0)
                        (*work)++;
        PKT_LAYER_FOREACH(&p, i)
        {
                read_fields(&p, i, work);
                read_typed(&p, i, work);
                read_elements(&p, i, work);
                if (pkt_layer_payload(&p, i, &len))
                        *work += len;
        }
        pkt_done(&p);
}

static void
test_parse_path_allocates_nothing(void **state)
{
        struct tally t = { 0 };
        (void)state;

        n_dns_checked = 0;
        for (size_t i = 0; i < n_frames; i++)
                tally_frame(&t, &frames[i], parse_everything);
        assert_true(t.work > 0);
        assert_true(n_dns_checked > 10);
        assert_no_allocs(&t, "parse, find, fields, typed accessors, elements");
}

static int
visit_count(void *ctx, enum pkt_visit_event ev, const char *name, const struct pkt_layer *layer,
            const struct pkt_value *value)
{
        unsigned long *work = ctx;

        (void)name;
        (void)layer;
        if (ev == PKT_VISIT_FIELD)
                *work += strlen(value->text) + 1;
        return 0;
}

static int
discard(void *ctx, const char *text, size_t len)
{
        unsigned long *work = ctx;

        (void)text;
        *work += len;
        return 0;
}

static void
visit_and_print(const struct frame *f, unsigned long *work)
{
        struct pkt p;

        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, f->dlt, f->data, f->caplen, f->wire_len), 0);
        assert_int_equal(pkt_visit(&p, visit_count, work), 0);
        assert_int_equal(pkt_print(&p, discard, work), 0);
        pkt_done(&p);
}

static void
test_visit_and_print_allocate_nothing(void **state)
{
        struct tally t = { 0 };
        (void)state;

        for (size_t i = 0; i < n_frames; i++)
                tally_frame(&t, &frames[i], visit_and_print);
        assert_true(t.work > 0);
        assert_no_allocs(&t, "pkt_visit and pkt_print");
}

/* ---- the modify path ---- */

static uint8_t scratch[65536];
static unsigned long n_ip_checked;

static bool
is_complete(const struct pkt_layer *l)
{
        return !(l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)) && l->len == l->wire_len;
}

static void
modify(const struct frame *f, unsigned long *work)
{
        const uint8_t *out;
        struct pkt p;
        int ip, ip6, tcp, udp;

        assert_true(f->caplen <= sizeof(scratch));
        memcpy(scratch, f->data, f->caplen);
        pkt_init(&p);
        int first = pkt_proto_for_frame(f->dlt, scratch, f->caplen);
        assert_int_equal(pkt_parse_writable(&p, first < 0 ? PKT_PROTO_RAW : (unsigned)first, scratch, f->caplen,
                                            f->wire_len),
                         0);
        ip = pkt_layer_find(&p, PKT_PROTO_IP, 0);
        ip6 = pkt_layer_find(&p, PKT_PROTO_IP6, 0);
        tcp = pkt_layer_find(&p, PKT_PROTO_TCP, 0);
        udp = pkt_layer_find(&p, PKT_PROTO_UDP, 0);
        if (ip >= 0 && is_complete(&p.layers[ip]))
                pkt_ip_set_ttl(&p, (unsigned)ip, 33);
        if (ip6 >= 0 && is_complete(&p.layers[ip6]))
                pkt_ip6_set_hlim(&p, (unsigned)ip6, 33);
        if (tcp >= 0 && is_complete(&p.layers[tcp]))
                pkt_tcp_set_sport(&p, (unsigned)tcp, 4242);
        if (udp >= 0 && is_complete(&p.layers[udp]))
                pkt_udp_set_sport(&p, (unsigned)udp, 4242);
        int n = pkt_serialize(&p, 0, &out);
        assert_int_equal(n, (int)f->caplen);
        /* The new TTL went out with a header checksum that verifies (RFC 1071: the sum is all ones). */
        if (ip >= 0 && is_complete(&p.layers[ip])) {
                size_t hl;
                const uint8_t *h = pkt_layer_header(&p, (unsigned)ip, &hl);
                uint32_t sum = 0;
                for (size_t k = 0; k + 1 < hl; k += 2)
                        sum += (uint32_t)(h[k] << 8 | h[k + 1]);
                while (sum >> 16)
                        sum = (sum & 0xffff) + (sum >> 16);
                assert_int_equal(h[8], 33);
                assert_int_equal(sum, 0xffff);
                /* A same-size change leaves every length alone (Ethernet padding is not IP payload). */
                assert_memory_equal(h + 2, f->data + (h - scratch) + 2, 2);
                n_ip_checked++;
        }
        *work += (unsigned long)n;
        pkt_done(&p);
}

static void
test_modify_path_allocates_nothing(void **state)
{
        struct tally t = { 0 };
        (void)state;

        n_ip_checked = 0;
        for (size_t i = 0; i < n_frames; i++)
                tally_frame(&t, &frames[i], modify);
        assert_true(n_ip_checked > 100);
        assert_no_allocs(&t, "parse_writable, typed setters, serialize");
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_counter_sees_a_building_allocation),
                cmocka_unit_test(test_counter_sees_allocations_inside_libc),
                cmocka_unit_test(test_parse_path_allocates_nothing),
                cmocka_unit_test(test_visit_and_print_allocate_nothing),
                cmocka_unit_test(test_modify_path_allocates_nothing),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
