/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP (layers/net/icmp.c): building against scapy, dissecting against tshark, answers, truncation.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* scapy: IP(src="192.0.2.1",dst="192.0.2.2",id=0x1234)/ICMP(type=8,id=123,seq=1)/b"foobar" */
static const char echo_req_hex[] =
        "45000022123400004001e4a3c0000201c00002020800c03f007b0001666f6f626172";
/* scapy: IP(src="192.0.2.2",dst="192.0.2.1",id=0x1234)/ICMP(type=0,id=123,seq=1)/b"foobar" */
static const char echo_rep_hex[] =
        "45000022123400004001e4a3c0000202c00002010000c83f007b0001666f6f626172";
/* scapy: IP(src="198.51.100.1",dst="192.0.2.1",id=0x4321)/ICMP(type=3,code=3)/
 *        IP(src="192.0.2.1",dst="198.51.100.1",id=0x1111)/UDP(sport=33434,dport=53) */
static const char unreach_udp_hex[] =
        "450000384321000040014b6ec6336401c00002010303e94c000000004500001c111100004011"
        "7d8ac0000201c6336401829a0035000890d8";
/* The request that unreach_udp_hex quotes: IP(src="192.0.2.1",dst="198.51.100.1",id=0x1111)/
 * UDP(sport=33434,dport=53) */
static const char req_udp_hex[] = "4500001c1111000040117d8ac0000201c6336401829a0035000890d8";
/* scapy: IP(src="198.51.100.1",dst="192.0.2.1",id=0x4321)/ICMP(type=3,code=4,nexthopmtu=1400)/
 *        IP(src="192.0.2.1",dst="198.51.100.1",id=0x1111)/UDP(sport=33434,dport=53) */
static const char fragneeded_hex[] =
        "450000384321000040014b6ec6336401c00002010304e3d3000005784500001c11110000401"
        "17d8ac0000201c6336401829a0035000890d8";
/* scapy: IP(src="198.51.100.254",dst="192.0.2.1",id=7)/ICMP(type=11,code=0)/Raw(bytes(
 *        IP(src="192.0.2.1",dst="203.0.113.5",id=0x2222,ttl=1)/TCP(sport=40000,dport=80,flags="S",
 *        seq=1000))[:28])  -- a router quotes the IP header and 8 bytes of TCP (RFC 792) */
static const char te_tcp_hex[] =
        "450000380007000040018d8bc63364fec00002010b005487000000004500002822220000010699a7"
        "c0000201cb0071059c400050000003e8";
/* scapy:
 * IP(src="192.0.2.1",dst="203.0.113.5",id=0x2222,ttl=1)/TCP(sport=40000,dport=80,flags="S",seq=1000)
 */
static const char req_tcp_hex[] =
        "4500002822220000010699a7c0000201cb0071059c400050000003e80000000050022000f1620000";

static size_t
parse_hex(struct pkt *p, const char *hex, uint8_t *buf, size_t size)
{
        size_t n = tu_hex(hex, buf, size);

        pkt_init(p);
        assert_int_equal(pkt_parse(p, PKT_PROTO_IP, buf, n, n), 0);
        pkt_dissect_all(p);
        return n;
}

static void
assert_build(const char *spec, const char *want_hex)
{
        uint8_t want[256];
        const uint8_t *d;
        struct pkt p;

        pkt_init(&p);
        size_t n = tu_build(&p, spec, &d);
        size_t wn = tu_hex(want_hex, want, sizeof(want));
        tu_assert_bytes(d, n, want, wn);
        pkt_done(&p);
}

static void
test_icmp_echo_request_builds_as_scapy_with_checksum(void **state)
{
        (void)state;
        /* The type is not given: echo's first carrier makes it a request (8). */
        assert_build("ip(src=192.0.2.1,dst=192.0.2.2,id=0x1234)/icmp()/echo(id=123,seq=1)/"
                     "raw(\"foobar\")",
                     echo_req_hex);
        assert_build("ip(src=192.0.2.1,dst=192.0.2.2,id=0x1234)/icmp(type=8)/echo(id=123,seq=1)/"
                     "raw(\"foobar\")",
                     echo_req_hex);
}

static void
test_icmp_echo_reply_keeps_explicit_type(void **state)
{
        (void)state;
        assert_build("ip(src=192.0.2.2,dst=192.0.2.1,id=0x1234)/icmp(type=0)/echo(id=123,seq=1)/"
                     "raw(\"foobar\")",
                     echo_rep_hex);
}

static void
test_icmp_unreach_quoting_udp_builds_as_scapy(void **state)
{
        (void)state;
        /* type 3 comes from the unreach sub-layer; the quoted IP/UDP get their own lengths and
         * sums. */
        assert_build("ip(src=198.51.100.1,dst=192.0.2.1,id=0x4321)/icmp(code=3)/unreach()/"
                     "ip(src=192.0.2.1,dst=198.51.100.1,id=0x1111)/udp(sport=33434,dport=53)",
                     unreach_udp_hex);
        assert_build("ip(src=198.51.100.1,dst=192.0.2.1,id=0x4321)/icmp(code=4)/unreach(mtu=1400)/"
                     "ip(src=192.0.2.1,dst=198.51.100.1,id=0x1111)/udp(sport=33434,dport=53)",
                     fragneeded_hex);
}

static void
test_icmp_reparsed_echo_reply_stays_a_reply_when_changed(void **state)
{
        uint8_t buf[128];
        const uint8_t *d;
        struct pkt p, c;
        (void)state;

        parse_hex(&p, echo_rep_hex, buf, sizeof(buf));
        pkt_init(&c);
        assert_int_equal(pkt_copy(&c, &p), 0);
        assert_int_equal(pkt_field_set_u64(&c, 2, "seq", 2), 0);
        int n = pkt_serialize(&c, 0, &d);
        assert_int_equal(n, 34);
        assert_int_equal(d[20], 0); /* still ECHOREPLY */
        /* checksum refreshed: one more in seq is one less in the sum */
        assert_int_equal(d[22] << 8 | d[23], 0xc83e);
        pkt_done(&c);
        pkt_done(&p);
}

static void
test_icmp_echo_dissects_into_sub_layer(void **state)
{
        uint8_t buf[128];
        struct pkt p;
        uint64_t v;
        (void)state;

        parse_hex(&p, echo_req_hex, buf, sizeof(buf));
        assert_int_equal(p.n_layers, 4);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_ICMP);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_ICMP_ECHO);
        assert_int_equal(p.layers[3].proto, PKT_PROTO_RAW);
        assert_string_equal(tu_field(&p, 1, "type"), "ECHO");
        assert_int_equal(pkt_field_get_u64(&p, 1, "sum", &v), 0);
        assert_int_equal(v, 0xc03f);
        assert_string_equal(tu_field(&p, 2, "id"), "123");
        assert_string_equal(tu_field(&p, 2, "seq"), "1");
        assert_int_equal(pkt_proto_by_name("echo", PKT_PROTO_ICMP), PKT_PROTO_ICMP_ECHO);
}

static void
test_icmp_unreach_quote_is_dissected(void **state)
{
        uint8_t buf[128];
        struct pkt p;
        (void)state;

        parse_hex(&p, fragneeded_hex, buf, sizeof(buf));
        assert_int_equal(p.n_layers, 5);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_ICMP_UNREACH);
        assert_string_equal(tu_field(&p, 2, "mtu"), "1400");
        assert_int_equal(p.layers[3].proto, PKT_PROTO_IP);
        assert_string_equal(tu_field(&p, 3, "src"), "192.0.2.1");
        assert_int_equal(p.layers[4].proto, PKT_PROTO_UDP);
        assert_string_equal(tu_field(&p, 4, "dport"), "53");
        for (unsigned i = 0; i < p.n_layers; i++)
                assert_int_equal(p.layers[i].flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED),
                                 0);
}

/* A quote whose version is not 4 is not read as an IPv4 datagram: it stays bytes, unflagged (as tshark
 * keeps it data). Seen on fuzzed errors, where a version-7 "datagram" was dissected as damaged IPv4. */
static void
test_icmp_quote_of_another_version_stays_raw(void **state)
{
        uint8_t buf[128];
        struct pkt p;
        (void)state;

        size_t n = tu_hex(fragneeded_hex, buf, sizeof(buf));
        buf[20 + 8] = 0x75; /* the quoted header's version and length */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP, buf, n, n), 0);
        assert_int_equal(pkt_dissect_all(&p), 4);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_ICMP_UNREACH);
        assert_int_equal(p.layers[3].proto, PKT_PROTO_RAW);
        for (unsigned i = 0; i < p.n_layers; i++)
                assert_int_equal(p.layers[i].flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED), 0);
        pkt_done(&p);
}

static void
test_icmp_quoted_tcp_is_truncated_not_malformed(void **state)
{
        uint8_t buf[128];
        struct pkt p;
        (void)state;

        parse_hex(&p, te_tcp_hex, buf, sizeof(buf));
        assert_int_equal(p.layers[2].proto, PKT_PROTO_ICMP_TIMEEXCEED);
        assert_int_equal(p.layers[3].proto, PKT_PROTO_IP);
        /* The quoted IP says 40 bytes but 28 were quoted: that is the quote, not a lie. */
        for (unsigned i = 0; i < p.n_layers; i++)
                assert_int_equal(p.layers[i].flags & PKT_LAYER_MALFORMED, 0);
        assert_int_equal(p.n_layers, 5);
        if (pkt_proto_by_name("tcp", PKT_PROTO_NONE) == PKT_PROTO_TCP) {
                assert_int_equal(p.layers[4].proto, PKT_PROTO_TCP);
                assert_true(p.layers[4].flags & PKT_LAYER_TRUNCATED);
        }
}

static void
test_icmp_quote_shorter_than_ip_header_is_truncated(void **state)
{
        uint8_t buf[128];
        struct pkt p;
        size_t n = tu_hex(te_tcp_hex, buf, sizeof(buf));
        (void)state;

        /* Keep 12 of the quoted IP header's 20 bytes and make the outer IP agree (total 40). */
        n = 20 + 8 + 12;
        buf[2] = 0;
        buf[3] = (uint8_t)n;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP, buf, n, n), 0);
        assert_int_equal(pkt_dissect_all(&p), 4);
        assert_int_equal(p.layers[3].proto, PKT_PROTO_IP);
        assert_true(p.layers[3].flags & PKT_LAYER_TRUNCATED);
        assert_false(p.layers[3].flags & PKT_LAYER_MALFORMED);
}

/* ---- answers and direction ---- */

static bool
answers_hex(const char *req_hex, const char *rep_hex)
{
        uint8_t a[128], b[128];
        struct pkt q, r;

        parse_hex(&q, req_hex, a, sizeof(a));
        parse_hex(&r, rep_hex, b, sizeof(b));
        return pkt_answers(&q, &r);
}

static void
test_icmp_echo_reply_answers_request_with_same_id_and_seq(void **state)
{
        (void)state;
        assert_true(answers_hex(echo_req_hex, echo_rep_hex));
        /* a request does not answer a reply, nor a request itself */
        assert_false(answers_hex(echo_rep_hex, echo_req_hex));
        assert_false(answers_hex(echo_req_hex, echo_req_hex));
}

/* Timestamp (RFC 792) and address mask (RFC 950) messages have bodies of their own: built as scapy
 * builds ICMP(type=13/14/17/18), read back with tshark's values (icmp.originate_timestamp ...
 * icmp.address_mask), and a reply answers its request by type, identifier and sequence. */
static void
test_icmp_timestamp_and_mask_bodies(void **state)
{
        /* The ICMP part is scapy's ICMP(type=13,id=1,seq=2,ts_ori=1,ts_rx=0,ts_tx=0) (the IPv4 sum left 0). */
        static const char tstamp_hex[] = "450000280001000040010000c0000201c0000202" "0d00f2fb0001000200000001"
                                         "0000000000000000";
        uint8_t a[128];
        struct pkt p;

        (void)state;
        tu_assert_builds("icmp(type=13)", "0d00f2ff00000000000000000000000000000000");
        tu_assert_builds("icmp()/tstamp(id=1,seq=2,ts_ori=1)", "0d00f2fb00010002000000010000000000000000");
        /* scapy: ICMP(type=17), ICMP(type=18,addr_mask="255.255.255.0") */
        tu_assert_builds("icmp(type=17)", "1100eeff0000000000000000");
        tu_assert_builds("icmp(type=MASKREPLY)/addrmask(addr_mask=255.255.255.0)", "1200eefe00000000ffffff00");

        parse_hex(&p, tstamp_hex, a, sizeof(a));
        int k = pkt_layer_find(&p, PKT_PROTO_ICMP_TSTAMP, 0);
        assert_int_equal(k, 2);
        assert_int_equal(tu_field_u64(&p, 2, "ts_ori"), 1);
        assert_int_equal(tu_field_u64(&p, 2, "seq"), 2);
        assert_false(p.layers[2].flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED));

        /* A timestamp reply answers the request it copies id and seq from; a mask reply its request. */
        assert_true(answers_hex(tstamp_hex, "450000280002000040010000c0000202c0000201" "0e00000000010002"
                                            "000000010000000200000003"));
        assert_false(answers_hex(tstamp_hex, "450000280002000040010000c0000202c0000201" "0e00000000010003"
                                             "000000010000000200000003"));
        assert_true(answers_hex("450000200001000040010000c0000201c0000202" "1100000000050006" "00000000",
                                "450000200002000040010000c0000202c0000201" "1200000000050006" "ffffff00"));
        pkt_done(&p);
}

static void
test_icmp_echo_reply_with_other_seq_does_not_answer(void **state)
{
        uint8_t a[128], b[128];
        struct pkt q, r, c;
        (void)state;

        parse_hex(&q, echo_req_hex, a, sizeof(a));
        parse_hex(&r, echo_rep_hex, b, sizeof(b));
        pkt_init(&c);
        assert_int_equal(pkt_copy(&c, &r), 0);
        assert_int_equal(pkt_field_set_u64(&c, 2, "seq", 2), 0);
        assert_false(pkt_answers(&q, &c));
        assert_int_equal(pkt_field_set_u64(&c, 2, "seq", 1), 0);
        assert_int_equal(pkt_field_set_u64(&c, 2, "id", 124), 0);
        assert_false(pkt_answers(&q, &c));
        pkt_done(&c);
}

static void
test_icmp_error_answers_the_quoted_request(void **state)
{
        (void)state;
        assert_true(answers_hex(req_udp_hex, unreach_udp_hex));
        assert_true(answers_hex(req_udp_hex, fragneeded_hex));
        /* A time exceeded from a router on the path (not the destination) still answers. */
        assert_true(answers_hex(req_tcp_hex, te_tcp_hex));
        /* but not another request */
        assert_false(answers_hex(req_tcp_hex, unreach_udp_hex));
        assert_false(answers_hex(req_udp_hex, te_tcp_hex));
}

static void
test_icmp_error_with_other_port_or_id_does_not_answer(void **state)
{
        uint8_t a[128], b[128];
        struct pkt q, r;
        (void)state;

        /* request to port 54 instead of 53 */
        size_t n = tu_hex(req_udp_hex, a, sizeof(a));
        a[23] = 54;
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP, a, n, n), 0);
        parse_hex(&r, unreach_udp_hex, b, sizeof(b));
        assert_false(pkt_answers(&q, &r));
        /* request with another IP id */
        a[23] = 53;
        a[5] = 0x12;
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP, a, n, n), 0);
        assert_false(pkt_answers(&q, &r));
        a[5] = 0x11;
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP, a, n, n), 0);
        assert_true(pkt_answers(&q, &r));
}

/* Regression: sr of a UDP probe over a raw socket went unanswered on Linux: the probe's IP id was 0,
 * the kernel filled one in, and the port unreachable quoting it was not matched. */
static void
test_icmp_error_answers_request_whose_ip_id_the_kernel_chose(void **state)
{
        uint8_t a[128], b[128];
        struct pkt q, r;
        (void)state;

        size_t n = tu_hex(req_udp_hex, a, sizeof(a));
        a[4] = a[5] = 0; /* the request as built: id left to the kernel */
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP, a, n, n), 0);
        parse_hex(&r, unreach_udp_hex, b, sizeof(b)); /* quotes id 0x1111 */
        assert_true(pkt_answers(&q, &r));
        /* the rest of the quote still has to match */
        a[23] = 54;
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP, a, n, n), 0);
        assert_false(pkt_answers(&q, &r));
}

/* Regression: the request's link padding (Ethernet pads to 60 bytes) was compared with the quote as
 * if it were transport bytes, so an error about a short datagram answered nothing. */
static void
test_icmp_error_answers_request_despite_link_padding(void **state)
{
        /* scapy: IP(src="192.0.2.1",dst="198.51.100.1",id=0x3333,proto=253)/b"\xde\xad\xbe\xef",
         * then six bytes of padding as a link would add */
        static const char req_hex[] =
                "450000183333000040fd5a80c0000201c6336401deadbeef000000000000";
        /* scapy: IP(src="198.51.100.1",dst="192.0.2.1",id=0x4444)/ICMP(type=3,code=2)/<req
         * unpadded> */
        static const char rep_hex[] =
                "450000344444000040014a4fc6336401c000020103025f600000000045000018333300"
                "0040fd5a80c0000201c6336401deadbeef";
        (void)state;

        assert_true(answers_hex(req_hex, rep_hex));
}

static void
test_icmp_time_exceeded_answers_an_echo_request(void **state)
{
        uint8_t want_rep[128];
        const uint8_t *d;
        struct pkt rep;
        (void)state;

        /* traceroute with ICMP: the router quotes the echo request's IP header and ICMP header. */
        char spec[512];
        snprintf(spec, sizeof(spec),
                 "ip(src=198.51.100.254,dst=192.0.2.1)/icmp()/timeexceed()/raw(hex=%.56s)",
                 echo_req_hex);
        pkt_init(&rep);
        size_t n = tu_build(&rep, spec, &d);
        memcpy(want_rep, d, n);
        pkt_done(&rep);
        char rep_hex[300] = "";
        for (size_t i = 0; i < n; i++)
                snprintf(rep_hex + 2 * i, 3, "%02x", want_rep[i]);
        assert_true(answers_hex(echo_req_hex, rep_hex));
        assert_false(answers_hex(echo_rep_hex, rep_hex));
}

static void
test_icmp_echo_direction_follows_the_id(void **state)
{
        uint8_t a[128], b[128];
        struct pkt q, r, c;
        (void)state;

        parse_hex(&q, echo_req_hex, a, sizeof(a));
        parse_hex(&r, echo_rep_hex, b, sizeof(b));
        assert_int_equal(pkt_direction(&q, &r), PKT_DIR_REV);
        assert_int_equal(pkt_direction(&q, &q), PKT_DIR_SAME);
        pkt_init(&c);
        assert_int_equal(pkt_copy(&c, &r), 0);
        assert_int_equal(pkt_field_set_u64(&c, 2, "id", 7), 0);
        assert_int_equal(pkt_direction(&q, &c), PKT_DIR_UNKNOWN);
        pkt_done(&c);
}

/* ---- corpus against tshark ---- */

/* Why 32: more tab-separated columns than any tshark line we ask for. */
#define COLS_MAX 32

static unsigned
split_tabs(char *line, char **cols)
{
        unsigned n = 0;

        cols[n++] = line;
        for (char *s = line; *s && n < COLS_MAX; s++)
                if (*s == '\t') {
                        *s = 0;
                        cols[n++] = s + 1;
                }
        return n;
}

static uint64_t
num(const char *s)
{
        return strtoull(s, NULL, 0);
}

static void
assert_u64(struct pkt *p, unsigned idx, const char *name, const char *want, const char *file,
           unsigned frame)
{
        uint64_t v;

        assert_int_equal(pkt_field_get_u64(p, idx, name, &v), 0);
        if (v != num(want))
                fail_msg("%s frame %u: %s = %llu, tshark says %s", file, frame, name,
                         (unsigned long long)v, want);
}

/* One ICMP packet against tshark's first occurrence of each field (the outer ICMP header). */
static void
check_frame(struct pkt *p, char **c, const char *file, unsigned frame)
{
        int i = pkt_layer_find(p, PKT_PROTO_ICMP, 0);

        if (!c[1][0]) {
                assert_true(i < 0);
                return;
        }
        if (i < 0)
                fail_msg("%s frame %u: tshark sees ICMP, we do not", file, frame);
        assert_u64(p, (unsigned)i, "type", c[1], file, frame);
        assert_u64(p, (unsigned)i, "code", c[2], file, frame);
        assert_u64(p, (unsigned)i, "sum", c[3], file, frame);
        const struct pkt_layer *sub = pkt_layer(p, (unsigned)i + 1);
        if (!sub)
                return;
        if (sub->proto == PKT_PROTO_ICMP_ECHO && c[4][0]) {
                assert_u64(p, (unsigned)i + 1, "id", c[4], file, frame);
                assert_u64(p, (unsigned)i + 1, "seq", c[5], file, frame);
        }
        if (sub->proto == PKT_PROTO_ICMP_UNREACH && c[6][0])
                assert_u64(p, (unsigned)i + 1, "mtu", c[6], file, frame);
        if (sub->proto == PKT_PROTO_ICMP_REDIRECT)
                assert_string_equal(tu_field(p, (unsigned)i + 1, "gw"), c[7]);
}

static void
check_file(const char *rel)
{
        char err[PCAP_ERRBUF_SIZE], cmd[1024];
        const char *path = tu_corpus(rel);
        struct pcap_pkthdr *h;
        const u_char *data;
        unsigned frame = 0;
        struct pkt p;

        snprintf(cmd, sizeof(cmd),
                 "tshark -n -r '%s' -T fields -E occurrence=f -e frame.number -e icmp.type -e "
                 "icmp.code "
                 "-e icmp.checksum -e icmp.ident -e icmp.seq -e icmp.mtu -e icmp.redir_gw "
                 "2>/dev/null",
                 path);
        char *out = tu_run(cmd, NULL);
        assert_non_null(out);
        pcap_t *pc = pcap_open_offline(path, err);
        if (!pc)
                fail_msg("%s: %s", rel, err);
        if (pkt_proto_for_dlt(pcap_datalink(pc)) < 0) {
                /* another layer's file (SLL, PPP ...) not built yet: nothing to compare with */
                fprintf(stderr, "skipping %s: link type %d unknown\n", rel, pcap_datalink(pc));
                pcap_close(pc);
                free(out);
                return;
        }
        char *save = NULL, *line = strtok_r(out, "\n", &save);
        pkt_init(&p);
        while (pcap_next_ex(pc, &h, &data) == 1) {
                char *cols[COLS_MAX];
                frame++;
                assert_non_null(line);
                assert_true(split_tabs(line, cols) >= 8);
                if (num(cols[0]) != frame)
                        fail_msg("%s: tshark line '%s' is not frame %u", rel, cols[0], frame);
                assert_int_equal(pkt_parse_dlt(&p, pcap_datalink(pc), data, h->caplen, h->len), 0);
                check_frame(&p, cols, rel, frame);
                line = strtok_r(NULL, "\n", &save);
        }
        assert_true(frame > 0);
        pcap_close(pc);
        free(out);
}

static void
test_icmp_corpus_matches_tshark(void **state)
{
        static const char *const files[] = {
                "pcap4j/IcmpV4RedirectPacketTest.pcap",
                "pcap4j/IcmpV4DestinationUnreachablePacketTest.pcap",
                "pcap4j/IcmpV4ParameterProblemPacketTest.pcap",
                "pcap4j/IcmpV4TimeExceededPacketTest.pcap",
                "pcap4j/IcmpV4EchoPacketTest.pcap",
                "pcap4j/IcmpV4EchoReplyPacketTest.pcap",
                "pcap4j/IcmpV4TimestampPacketTest.pcap",
                "pcap4j/IcmpV4InformationRequestPacketTest.pcap",
                "packetnet/ICMPv4.pcap",
                "dpkt/dns_icmp.pcap",
                "tcpdump/icmp-cksum-oobr-1.pcap",
                "tcpdump/icmp-cksum-oobr-2.pcap",
                "tcpdump/mpls-traceroute.pcap",
                "zeek/smtp.pcap",
        };
        (void)state;

        if (!tu_have("tshark"))
                skip();
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                check_file(files[i]);
}

/*
 * The checksum recomputed from the bytes (given back to auto-update) equals the one on the wire
 * exactly when tshark calls that one good (status 1) and differs when tshark calls it bad (status
 * 0).
 */
static unsigned
check_sum_file(const char *rel)
{
        char err[PCAP_ERRBUF_SIZE], cmd[1024];
        const char *path = tu_corpus(rel);
        struct pcap_pkthdr *h;
        const u_char *data;
        unsigned frame = 0, checked = 0;
        struct pkt p, c;

        snprintf(cmd, sizeof(cmd),
                 "tshark -n -r '%s' -T fields -E occurrence=f -e frame.number -e "
                 "icmp.checksum.status 2>/dev/null",
                 path);
        char *out = tu_run(cmd, NULL);
        assert_non_null(out);
        pcap_t *pc = pcap_open_offline(path, err);
        if (!pc)
                fail_msg("%s: %s", rel, err);
        char *save = NULL, *line = strtok_r(out, "\n", &save);
        pkt_init(&p);
        pkt_init(&c);
        while (pcap_next_ex(pc, &h, &data) == 1 && line) {
                const uint8_t *d;
                frame++;
                /* "frame<TAB>status": an empty line would be skipped by strtok_r and misalign
                 * frames */
                const char *tab = strchr(line, '\t');
                assert_non_null(tab);
                assert_int_equal(atoi(line), frame);
                int st = tab[1] ? atoi(tab + 1) : -1;
                line = strtok_r(NULL, "\n", &save);
                if (st != 0 && st != 1)
                        continue;
                assert_int_equal(pkt_parse_dlt(&p, pcap_datalink(pc), data, h->caplen, h->len), 0);
                int i = pkt_layer_find(&p, PKT_PROTO_ICMP, 0);
                assert_true(i >= 0);
                assert_int_equal(pkt_copy(&c, &p), 0);
                assert_int_equal(pkt_field_set_auto(&c, (unsigned)i, "sum", true), 0);
                int n = pkt_serialize(&c, 0, &d);
                assert_int_equal(n, (int)h->caplen);
                if ((memcmp(d, data, h->caplen) == 0) != (st == 1))
                        fail_msg("%s frame %u: tshark says checksum %s, we %s", rel, frame,
                                 st ? "good" : "bad", st ? "changed it" : "kept it");
                checked++;
        }
        pkt_done(&c);
        pcap_close(pc);
        free(out);
        return checked;
}

static void
test_icmp_recomputed_checksum_matches_tshark_verdict(void **state)
{
        static const char *const files[] = {
                "packetnet/ICMPv4.pcap",
                "dpkt/dns_icmp.pcap",
                "pcap4j/IcmpV4RedirectPacketTest.pcap",
                "pcap4j/IcmpV4DestinationUnreachablePacketTest.pcap",
                "pcap4j/IcmpV4TimeExceededPacketTest.pcap",
                "pcap4j/IcmpV4ParameterProblemPacketTest.pcap",
                "pcap4j/IcmpV4TimestampPacketTest.pcap",
                "tcpdump/icmp-cksum-oobr-1.pcap",
        };
        unsigned checked = 0;
        (void)state;

        if (!tu_have("tshark"))
                skip();
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                checked += check_sum_file(files[i]);
        assert_true(checked >= 8);
}

/* ---- truncation ---- */

/* Parses every prefix of @data: nothing may crash, a header cut by the prefix is flagged truncated,
 * and nothing is called malformed that is not malformed in the whole packet. */
static void
sweep_prefixes(int dlt, const uint8_t *data, size_t len)
{
        struct pkt full, p;
        char sink[256];

        pkt_init(&full);
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&full, dlt, data, len, len), 0);
        unsigned n_full = pkt_dissect_all(&full);
        for (size_t n = 0; n < len; n++) {
                /* a copy of exactly n bytes, so ASan sees any read past the prefix */
                uint8_t *cut = malloc(n ? n : 1);
                assert_non_null(cut);
                memcpy(cut, data, n);
                assert_int_equal(pkt_parse_dlt(&p, dlt, cut, n, len), 0);
                unsigned nl = pkt_dissect_all(&p);
                assert_true(nl <= n_full);
                for (unsigned i = 0; i < nl; i++) {
                        const struct pkt_layer *l = &p.layers[i], *f = &full.layers[i];
                        /* Some link types are told apart by their first bytes (DLT_PPP with or
                         * without ff 03): a prefix shorter than that may start otherwise. */
                        if (i == 0 && n < 4 && l->proto != f->proto)
                                break;
                        assert_int_equal(l->proto, f->proto);
                        if (l->flags & PKT_LAYER_MALFORMED)
                                assert_true(f->flags & PKT_LAYER_MALFORMED);
                        if (f->off + f->hdr_len > n && !(f->flags & PKT_LAYER_TRUNCATED) &&
                            l->proto != PKT_PROTO_RAW)
                                assert_true(l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED));
                        for (unsigned k = 0; k < pkt_field_count(l->proto); k++) {
                                const struct pkt_proto *pr = pkt_proto_get(l->proto);
                                (void)pkt_field_get_str(&p, i, pr->fields[k].name, sink,
                                                        sizeof(sink));
                        }
                }
                free(cut);
        }
        pkt_done(&p);
        pkt_done(&full);
}

static void
sweep_file(const char *rel, unsigned max_frames)
{
        char err[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *data;
        pcap_t *pc = pcap_open_offline(tu_corpus(rel), err);

        if (!pc)
                fail_msg("%s: %s", rel, err);
        for (unsigned i = 0; i < max_frames && pcap_next_ex(pc, &h, &data) == 1; i++)
                sweep_prefixes(pcap_datalink(pc), data, h->caplen);
        pcap_close(pc);
}

static void
test_icmp_every_prefix_is_flagged_never_crashes(void **state)
{
        uint8_t buf[128];
        size_t n;
        (void)state;

        sweep_file("pcap4j/IcmpV4RedirectPacketTest.pcap", 1);
        sweep_file("pcap4j/IcmpV4DestinationUnreachablePacketTest.pcap", 1);
        sweep_file("pcap4j/IcmpV4ParameterProblemPacketTest.pcap", 1);
        sweep_file("packetnet/ICMPv4.pcap", 2);
        n = tu_hex(te_tcp_hex, buf, sizeof(buf));
        sweep_prefixes(228 /* DLT_IPV4 */, buf, n);
        n = tu_hex(fragneeded_hex, buf, sizeof(buf));
        sweep_prefixes(228, buf, n);
}

/* The malformed captures tcpdump keeps as regression tests go through without a crash. */
static void
test_icmp_hostile_corpus_files_parse(void **state)
{
        static const char *const files[] = {
                "tcpdump/icmp-cksum-oobr-1.pcap",
                "tcpdump/icmp-cksum-oobr-2.pcap",
                "tcpdump/icmp-icmp_print-oobr-1.pcap",
                "tcpdump/icmp-icmp_print-oobr-2.pcap",
                "tcpdump/icmp-length-zero.pcapng",
                "tcpdump/icmp_ext_oob_poc.pcap",
                "tcpdump/icmp_inft_name_length_zero.pcap",
                "tcpdump/icmp-rfc8335-missing-bytes.pcap",
                "tcpdump/extract_read2_asan.pcap",
                "ndpi/malformed_icmp.pcap",
        };
        (void)state;

        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                sweep_file(files[i], 4);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_icmp_echo_request_builds_as_scapy_with_checksum),
                cmocka_unit_test(test_icmp_echo_reply_keeps_explicit_type),
                cmocka_unit_test(test_icmp_unreach_quoting_udp_builds_as_scapy),
                cmocka_unit_test(test_icmp_reparsed_echo_reply_stays_a_reply_when_changed),
                cmocka_unit_test(test_icmp_echo_dissects_into_sub_layer),
                cmocka_unit_test(test_icmp_unreach_quote_is_dissected),
                cmocka_unit_test(test_icmp_quote_of_another_version_stays_raw),
                cmocka_unit_test(test_icmp_quoted_tcp_is_truncated_not_malformed),
                cmocka_unit_test(test_icmp_quote_shorter_than_ip_header_is_truncated),
                cmocka_unit_test(test_icmp_echo_reply_answers_request_with_same_id_and_seq),
                cmocka_unit_test(test_icmp_echo_reply_with_other_seq_does_not_answer),
                cmocka_unit_test(test_icmp_error_answers_the_quoted_request),
                cmocka_unit_test(test_icmp_error_answers_request_whose_ip_id_the_kernel_chose),
                cmocka_unit_test(test_icmp_error_with_other_port_or_id_does_not_answer),
                cmocka_unit_test(test_icmp_error_answers_request_despite_link_padding),
                cmocka_unit_test(test_icmp_time_exceeded_answers_an_echo_request),
                cmocka_unit_test(test_icmp_echo_direction_follows_the_id),
                cmocka_unit_test(test_icmp_corpus_matches_tshark),
                cmocka_unit_test(test_icmp_recomputed_checksum_matches_tshark_verdict),
                cmocka_unit_test(test_icmp_every_prefix_is_flagged_never_crashes),
                cmocka_unit_test(test_icmp_hostile_corpus_files_parse),
                cmocka_unit_test(test_icmp_timestamp_and_mask_bodies),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
