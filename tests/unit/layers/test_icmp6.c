/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 and neighbour discovery (layers/net/icmp6.c, icmp6_nd.c): building against scapy,
 * dissecting against tshark, ND options (RFC 4861 4.6), answers, truncation.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* scapy:
 * IPv6(src="2001:db8::1",dst="2001:db8::2",hlim=64)/ICMPv6EchoRequest(id=0x1234,seq=7,data=b"pktd")
 */
static const char echo_req_hex[] =
        "60000000000c3a4020010db800000000000000000000000120010db8000000000000000000000002"
        "80002d3912340007706b7464";
/* scapy:
 * IPv6(src="2001:db8::2",dst="2001:db8::1",hlim=64)/ICMPv6EchoReply(id=0x1234,seq=7,data=b"pktd")
 */
static const char echo_rep_hex[] =
        "60000000000c3a4020010db800000000000000000000000220010db8000000000000000000000001"
        "81002c3912340007706b7464";
/* scapy: IPv6(src="2001:db8::1",dst="2001:db8:9::9",hlim=64)/UDP(sport=33434,dport=53)/b"q" */
static const char udp_req_hex[] =
        "600000000009114020010db800000000000000000000000120010db8000900000000000000000009"
        "829a00350009b08771";
/* scapy:
 * IPv6(src="2001:db8:ff::1",dst="2001:db8::1",hlim=64)/ICMPv6PacketTooBig(mtu=1280)/<udp_req> */
static const char toobig_hex[] =
        "6000000000393a4020010db800ff0000000000000000000120010db8000000000000000000000001"
        "02002aea00000500600000000009114020010db800000000000000000000000120010db800090000"
        "0000000000000009829a00350009b08771";
/* scapy: IPv6(src="2001:db8:9::9",dst="2001:db8::1",hlim=64)/ICMPv6DestUnreach(code=4)/<udp_req> */
static const char unreach_hex[] =
        "6000000000393a4020010db800090000000000000000000920010db8000000000000000000000001"
        "010431d400000000600000000009114020010db800000000000000000000000120010db800090000"
        "0000000000000009829a00350009b08771";
/* scapy: IPv6(src="fe80::1",dst="ff02::1:ff00:2",hlim=255)/ICMPv6ND_NS(tgt="fe80::2")/
 *        ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01") */
static const char ns_hex[] =
        "6000000000203afffe800000000000000000000000000001ff0200000000000000000001ff000002"
        "87007a9700000000fe8000000000000000000000000000020101020000000001";
/* scapy: IPv6(src="fe80::2",dst="fe80::1",hlim=255)/ICMPv6ND_NA(R=0,S=1,O=1,tgt="fe80::2")/
 *        ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:00:02") */
static const char na_hex[] =
        "6000000000203afffe800000000000000000000000000002fe800000000000000000000000000001"
        "8800181a60000000fe8000000000000000000000000000020201020000000002";
/* scapy:
 * IPv6(src="fe80::1",dst="ff02::1",hlim=255)/ICMPv6ND_RA(chlim=64,M=1,O=0,prf=0,routerlifetime=1800,
 *        reachabletime=30000,retranstimer=1000)/ICMPv6NDOptPrefixInfo(prefixlen=64,L=1,A=1,
 *        validlifetime=86400,preferredlifetime=14400,prefix="2001:db8:1::") */
static const char ra_prefix_hex[] =
        "6000000000303afffe800000000000000000000000000001ff020000000000000000000000000001"
        "8600c02e4080070800007530000003e8030440c000015180000038400000000020010db800010000"
        "0000000000000000";
/* scapy: IPv6(src="fe80::1",dst="ff02::1",hlim=255)/ICMPv6ND_RA(prf=0)/ICMPv6NDOptMTU(mtu=1500)/
 *        ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01") */
static const char ra_mtu_hex[] =
        "6000000000203afffe800000000000000000000000000001ff020000000000000000000000000001"
        "8600673800000708000000000000000005010000000005dc0101020000000001";

static size_t
parse_hex(struct pkt *p, const char *hex, uint8_t *buf, size_t size)
{
        size_t n = tu_hex(hex, buf, size);

        pkt_init(p);
        assert_int_equal(pkt_parse(p, PKT_PROTO_IP6, buf, n, n), 0);
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
test_icmp6_echo_builds_as_scapy_with_pseudo_header_sum(void **state)
{
        (void)state;
        assert_build("ip6(src=2001:db8::1,dst=2001:db8::2,hlim=64)/icmp6()/echo(id=0x1234,seq=7)/"
                     "raw(\"pktd\")",
                     echo_req_hex);
        assert_build("ip6(src=2001:db8::2,dst=2001:db8::1,hlim=64)/icmp6(type=129)/"
                     "echo(id=0x1234,seq=7)/"
                     "raw(\"pktd\")",
                     echo_rep_hex);
}

static void
test_icmp6_error_type_follows_sub_layer(void **state)
{
        (void)state;
        assert_build("ip6(src=2001:db8:ff::1,dst=2001:db8::1,hlim=64)/icmp6()/toobig(mtu=1280)/"
                     "ip6(src=2001:db8::1,dst=2001:db8:9::9,hlim=64)/udp(sport=33434,dport=53)/"
                     "raw(\"q\")",
                     toobig_hex);
        assert_build("ip6(src=2001:db8:9::9,dst=2001:db8::1,hlim=64)/icmp6(code=4)/unreach()/"
                     "ip6(src=2001:db8::1,dst=2001:db8:9::9,hlim=64)/udp(sport=33434,dport=53)/"
                     "raw(\"q\")",
                     unreach_hex);
}

/* A quote whose version is not 6 stays bytes, unflagged, as tshark keeps it data. */
static void
test_icmp6_quote_of_another_version_stays_raw(void **state)
{
        uint8_t buf[256];
        struct pkt p;
        (void)state;

        parse_hex(&p, toobig_hex, buf, sizeof(buf));
        assert_int_equal(pkt_dissect_all(&p), 6); /* ip6, icmp6, toobig, ip6, udp, raw */
        assert_int_equal(p.layers[3].proto, PKT_PROTO_IP6);
        pkt_done(&p);

        size_t n = tu_hex(toobig_hex, buf, sizeof(buf));
        buf[40 + 8] = 0x70; /* the quoted header's version */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, buf, n, n), 0);
        assert_int_equal(pkt_dissect_all(&p), 4);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_ICMP6_TOOBIG);
        assert_int_equal(p.layers[3].proto, PKT_PROTO_RAW);
        for (unsigned i = 0; i < p.n_layers; i++)
                assert_int_equal(p.layers[i].flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED), 0);
        pkt_done(&p);
}

static void
test_icmp6_ns_with_slla_builds_as_scapy(void **state)
{
        (void)state;
        assert_build("ip6(src=fe80::1,dst=ff02::1:ff00:2,hlim=255)/icmp6()/"
                     "neighboursolicitation(target=fe80::2,opts=[slla(02:00:00:00:00:01)])",
                     ns_hex);
        assert_build("ip6(src=fe80::2,dst=fe80::1,hlim=255)/icmp6()/"
                     "neighbouradvertisement(flags=S|O,target=fe80::2,opts=[tlla(lladdr=02:00:00:"
                     "00:00:02)])",
                     na_hex);
}

static void
test_icmp6_ra_with_prefix_builds_as_scapy(void **state)
{
        (void)state;
        assert_build("ip6(src=fe80::1,dst=ff02::1,hlim=255)/icmp6()/"
                     "routeradvertisement(cur_hop_limit=64,"
                     "flags=M,router_lifetime=1800,reachable_time=30000,retrans_timer=1000,"
                     "opts=[prefix(prefix_len=64,flags=L|A,valid_lifetime=86400,preferred_lifetime="
                     "14400,"
                     "prefix=2001:db8:1::)])",
                     ra_prefix_hex);
        assert_build("ip6(src=fe80::1,dst=ff02::1,hlim=255)/icmp6()/"
                     "routeradvertisement(router_lifetime=1800,"
                     "opts=[mtu(mtu=1500),slla(02:00:00:00:00:01)])",
                     ra_mtu_hex);
}

static void
test_icmp6_shared_names_resolve_by_carrier(void **state)
{
        (void)state;
        assert_int_equal(pkt_proto_by_name("echo", PKT_PROTO_ICMP6), PKT_PROTO_ICMP6_ECHO);
        assert_int_equal(pkt_proto_by_name("echo", PKT_PROTO_ICMP), PKT_PROTO_ICMP_ECHO);
        assert_int_equal(pkt_proto_by_name("redirect", PKT_PROTO_ICMP6), PKT_PROTO_ICMP6_REDIRECT);
        assert_int_equal(pkt_proto_by_name("unreach", PKT_PROTO_ICMP6), PKT_PROTO_ICMP6_UNREACH);
}

static void
test_icmp6_ns_dissects_target_and_slla(void **state)
{
        uint8_t buf[128], mac[32];
        struct pkt p;
        uint64_t v;
        unsigned n = 0;
        (void)state;

        parse_hex(&p, ns_hex, buf, sizeof(buf));
        assert_int_equal(p.n_layers, 3);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_ICMP6_NEIGH_SOLICIT);
        assert_int_equal(p.layers[2].hdr_len, 28);
        assert_string_equal(tu_field(&p, 2, "target"), "fe80::2");
        PKT_ELEM_FOREACH(&p, 2, "opts", e) {
                assert_int_equal(e.flags, 0);
                assert_int_equal(pkt_elem_get_u64(&p, 2, &e, "type", &v), 0);
                assert_int_equal(v, 1);
                assert_int_equal(pkt_elem_get_u64(&p, 2, &e, "len", &v), 0);
                assert_int_equal(v, 1);
                assert_true(pkt_elem_get_str(&p, 2, &e, "lladdr", (char *)mac, sizeof(mac)) > 0);
                assert_string_equal((char *)mac, "02:00:00:00:00:01");
                n++;
        }
        assert_int_equal(n, 1);
}

static void
test_icmp6_ra_prefix_option_fields(void **state)
{
        uint8_t buf[160];
        char text[64];
        struct pkt p;
        uint64_t v;
        unsigned n = 0;
        (void)state;

        parse_hex(&p, ra_prefix_hex, buf, sizeof(buf));
        assert_int_equal(p.layers[2].proto, PKT_PROTO_ICMP6_ROUTER_ADVERT);
        assert_string_equal(tu_field(&p, 2, "flags"), "M");
        assert_string_equal(tu_field(&p, 2, "router_lifetime"), "1800");
        PKT_ELEM_FOREACH(&p, 2, "opts", e) {
                assert_int_equal(pkt_elem_get_u64(&p, 2, &e, "prefix_len", &v), 0);
                assert_int_equal(v, 64);
                assert_int_equal(pkt_elem_get_u64(&p, 2, &e, "valid_lifetime", &v), 0);
                assert_int_equal(v, 86400);
                assert_true(pkt_elem_get_str(&p, 2, &e, "flags", text, sizeof(text)) > 0);
                assert_string_equal(text, "L|A");
                assert_true(pkt_elem_get_str(&p, 2, &e, "prefix", text, sizeof(text)) > 0);
                assert_string_equal(text, "2001:db8:1::");
                n++;
        }
        assert_int_equal(n, 1);
}

/* Regression: an option of length 0 (RFC 4861 4.6: invalid) would never advance the walk. */
static void
test_icmp6_nd_zero_length_option_is_malformed_and_ends_walk(void **state)
{
        uint8_t buf[160];
        struct pkt p;
        unsigned n = 0;
        (void)state;

        size_t len = tu_hex(ns_hex, buf, sizeof(buf));
        /* a second, valid SLLA after a zeroed first one: the walk must stop at the first */
        memcpy(buf + len, buf + len - 8, 8);
        buf[len - 8 + 1] = 0;
        len += 8;
        buf[5] += 8; /* IPv6 payload length */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, buf, len, len), 0);
        pkt_dissect_all(&p);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_ICMP6_NEIGH_SOLICIT);
        assert_true(p.layers[2].flags & PKT_LAYER_MALFORMED);
        PKT_ELEM_FOREACH(&p, 2, "opts", e) {
                assert_true(e.flags & PKT_LAYER_MALFORMED);
                n++;
        }
        assert_int_equal(n, 1);
}

static void
test_icmp6_nd_option_cut_by_capture_is_truncated(void **state)
{
        uint8_t buf[160];
        struct pkt p;
        unsigned n = 0;
        (void)state;

        size_t len = tu_hex(ra_prefix_hex, buf, sizeof(buf));
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, buf, len - 10, len), 0);
        pkt_dissect_all(&p);
        assert_true(p.layers[2].flags & PKT_LAYER_TRUNCATED);
        assert_false(p.layers[2].flags & PKT_LAYER_MALFORMED);
        PKT_ELEM_FOREACH(&p, 2, "opts", e) {
                assert_true(e.flags & PKT_LAYER_TRUNCATED);
                n++;
        }
        assert_int_equal(n, 1);

        /* An option claiming more than the message holds is malformed, not truncated. */
        buf[40 + 16 + 1] = 5;
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, buf, len, len), 0);
        pkt_dissect_all(&p);
        assert_true(p.layers[2].flags & PKT_LAYER_MALFORMED);
}

static void
test_icmp6_nd_option_builder_pads_counts_and_rejects(void **state)
{
        uint8_t want[128];
        char err[256];
        const uint8_t *d;
        struct pkt p;
        (void)state;

        /* A numbered kind with raw body (a nonce, RFC 3971): 2 + 6 bytes make one 8-octet unit; a
         * 3-byte body is padded with zeros to a whole unit. */
        pkt_init(&p);
        size_t n = tu_build(
                &p,
                "ip6(src=fe80::1,dst=ff02::1,hlim=255)/icmp6()/neighboursolicitation("
                "target=fe80::2,opts=[14(body=0102030405ff),mtu(mtu=1280),tlla(body=aabbcc)])",
                &d);
        size_t wn =
                tu_hex("0e01010203 0405ff 05010000 00000500 0201aabbcc000000", want, sizeof(want));
        assert_int_equal(n, 40 + 4 + 20 + wn);
        tu_assert_bytes(d + 64, n - 64, want, wn);
        assert_int_equal(d[5], 4 + 20 + wn); /* IPv6 payload length counts the options */
        pkt_done(&p);

        assert_int_equal(pkt_build(&p, "ip6()/icmp6()/neighboursolicitation(opts=[bogus(1)])", err,
                                   sizeof(err)),
                         -EINVAL);
        assert_true(pkt_build(&p, "ip6()/icmp6()/neighboursolicitation(opts=[slla(zz)])", err,
                              sizeof(err)) < 0);
        assert_true(pkt_build(&p, "ip6()/icmp6()/neighboursolicitation(opts=[mtu(nosuch=1)])", err,
                              sizeof(err)) < 0);
        pkt_done(&p);
}

/* ---- answers ---- */

static bool
answers_hex(const char *req_hex, const char *rep_hex)
{
        uint8_t a[256], b[256];
        struct pkt q, r;

        parse_hex(&q, req_hex, a, sizeof(a));
        parse_hex(&r, rep_hex, b, sizeof(b));
        return pkt_answers(&q, &r);
}

static void
test_icmp6_echo_reply_answers_request(void **state)
{
        uint8_t a[128], b[128];
        struct pkt q, r, c;
        (void)state;

        assert_true(answers_hex(echo_req_hex, echo_rep_hex));
        assert_false(answers_hex(echo_rep_hex, echo_req_hex));
        parse_hex(&q, echo_req_hex, a, sizeof(a));
        parse_hex(&r, echo_rep_hex, b, sizeof(b));
        pkt_init(&c);
        assert_int_equal(pkt_copy(&c, &r), 0);
        assert_int_equal(pkt_field_set_u64(&c, 2, "seq", 8), 0);
        assert_false(pkt_answers(&q, &c));
        assert_int_equal(pkt_direction(&q, &r), PKT_DIR_REV);
        pkt_done(&c);
}

static void
test_icmp6_errors_answer_the_quoted_request(void **state)
{
        (void)state;
        /* from a router on the path (too big) and from the destination (port unreachable) */
        assert_true(answers_hex(udp_req_hex, toobig_hex));
        assert_true(answers_hex(udp_req_hex, unreach_hex));
        /* the quote is a UDP packet, not the echo */
        assert_false(answers_hex(echo_req_hex, toobig_hex));
}

static void
test_icmp6_error_quoting_other_port_does_not_answer(void **state)
{
        uint8_t a[128], b[256];
        struct pkt q, r;
        (void)state;

        size_t n = tu_hex(udp_req_hex, a, sizeof(a));
        a[43] = 54; /* destination port 54, not 53 */
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP6, a, n, n), 0);
        parse_hex(&r, toobig_hex, b, sizeof(b));
        assert_false(pkt_answers(&q, &r));
}

/* ---- corpus against tshark ---- */

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

/* The first of tshark's comma-aggregated occurrences: the outer message, not the quoted one. */
static const char *
first(const char *col, char *buf, size_t size)
{
        size_t n = strcspn(col, ",");

        assert_true(n < size);
        memcpy(buf, col, n);
        buf[n] = 0;
        return buf;
}

static void
assert_u64(struct pkt *p, unsigned idx, const char *name, const char *col, const char *file,
           unsigned frame)
{
        char want[64];
        uint64_t v;

        first(col, want, sizeof(want));
        assert_int_equal(pkt_field_get_u64(p, idx, name, &v), 0);
        if (v != strtoull(want, NULL, 0))
                fail_msg("%s frame %u: %s = %llu, tshark says %s", file, frame, name,
                         (unsigned long long)v, want);
}

static void
assert_str(struct pkt *p, unsigned idx, const char *name, const char *col, const char *file,
           unsigned frame)
{
        char want[128];
        const char *got = tu_field(p, idx, name);

        first(col, want, sizeof(want));
        if (strcmp(got, want) != 0)
                fail_msg("%s frame %u: %s = %s, tshark says %s", file, frame, name, got, want);
}

/* Our ND options as tshark lists them: "1,5,3" and "1,1,4". */
static void
assert_opts(struct pkt *p, unsigned idx, const char *types, const char *lens, const char *file,
            unsigned frame)
{
        char t[256] = "", l[256] = "";
        size_t tn = 0, ln = 0;

        PKT_ELEM_FOREACH(p, idx, "opts", e) {
                uint64_t ty, le;
                assert_int_equal(pkt_elem_get_u64(p, idx, &e, "type", &ty), 0);
                assert_int_equal(pkt_elem_get_u64(p, idx, &e, "len", &le), 0);
                tn += (size_t)snprintf(t + tn, sizeof(t) - tn, "%s%llu", tn ? "," : "",
                                       (unsigned long long)ty);
                ln += (size_t)snprintf(l + ln, sizeof(l) - ln, "%s%llu", ln ? "," : "",
                                       (unsigned long long)le);
                assert_true(tn < sizeof(t) && ln < sizeof(l));
        }
        if (strcmp(t, types) != 0 || strcmp(l, lens) != 0)
                fail_msg("%s frame %u: opts %s / %s, tshark says %s / %s", file, frame, t, l, types,
                         lens);
}

enum {
        C_FRAME,
        C_TYPE,
        C_CODE,
        C_SUM,
        C_ID,
        C_SEQ,
        C_MTU,
        C_PTR,
        C_NS_TGT,
        C_NA_FLAG,
        C_NA_TGT,
        C_RA_HOP,
        C_RA_LIFE,
        C_RA_REACH,
        C_RA_RETRANS,
        C_OPT_TYPE,
        C_OPT_LEN,
        C_N
};

static void
check_sub(struct pkt *p, unsigned s, char **c, const char *file, unsigned frame)
{
        switch (p->layers[s].proto) {
        case PKT_PROTO_ICMP6_ECHO:
                assert_u64(p, s, "id", c[C_ID], file, frame);
                assert_u64(p, s, "seq", c[C_SEQ], file, frame);
                break;
        case PKT_PROTO_ICMP6_TOOBIG:
                assert_u64(p, s, "mtu", c[C_MTU], file, frame);
                break;
        case PKT_PROTO_ICMP6_PARAMPROB:
                assert_u64(p, s, "ptr", c[C_PTR], file, frame);
                break;
        case PKT_PROTO_ICMP6_NEIGH_SOLICIT:
                assert_str(p, s, "target", c[C_NS_TGT], file, frame);
                assert_opts(p, s, c[C_OPT_TYPE], c[C_OPT_LEN], file, frame);
                break;
        case PKT_PROTO_ICMP6_NEIGH_ADVERT:
                assert_u64(p, s, "flags", c[C_NA_FLAG], file, frame);
                assert_str(p, s, "target", c[C_NA_TGT], file, frame);
                assert_opts(p, s, c[C_OPT_TYPE], c[C_OPT_LEN], file, frame);
                break;
        case PKT_PROTO_ICMP6_ROUTER_ADVERT:
                assert_u64(p, s, "cur_hop_limit", c[C_RA_HOP], file, frame);
                assert_u64(p, s, "router_lifetime", c[C_RA_LIFE], file, frame);
                assert_u64(p, s, "reachable_time", c[C_RA_REACH], file, frame);
                assert_u64(p, s, "retrans_timer", c[C_RA_RETRANS], file, frame);
                assert_opts(p, s, c[C_OPT_TYPE], c[C_OPT_LEN], file, frame);
                break;
        case PKT_PROTO_ICMP6_ROUTER_SOLICIT:
                assert_opts(p, s, c[C_OPT_TYPE], c[C_OPT_LEN], file, frame);
                break;
        default:
                break;
        }
}

static void
check_frame(struct pkt *p, char **c, const char *file, unsigned frame)
{
        int i = pkt_layer_find(p, PKT_PROTO_ICMP6, 0);

        if (!c[C_TYPE][0]) {
                assert_true(i < 0);
                return;
        }
        if (i < 0)
                fail_msg("%s frame %u: tshark sees ICMPv6, we do not", file, frame);
        assert_u64(p, (unsigned)i, "type", c[C_TYPE], file, frame);
        assert_u64(p, (unsigned)i, "code", c[C_CODE], file, frame);
        assert_u64(p, (unsigned)i, "sum", c[C_SUM], file, frame);
        if (pkt_layer(p, (unsigned)i + 1))
                check_sub(p, (unsigned)i + 1, c, file, frame);
}

static void
check_file(const char *rel)
{
        char err[PCAP_ERRBUF_SIZE], cmd[2048];
        const char *path = tu_corpus(rel);
        struct pcap_pkthdr *h;
        const u_char *data;
        unsigned frame = 0;
        struct pkt p;

        snprintf(cmd, sizeof(cmd),
                 "tshark -n -r '%s' -T fields -E occurrence=a -E aggregator=, -e frame.number -e "
                 "icmpv6.type "
                 "-e icmpv6.code -e icmpv6.checksum -e icmpv6.echo.identifier -e "
                 "icmpv6.echo.sequence_number "
                 "-e icmpv6.mtu -e icmpv6.pointer -e icmpv6.nd.ns.target_address -e "
                 "icmpv6.nd.na.flag "
                 "-e icmpv6.nd.na.target_address -e icmpv6.nd.ra.cur_hop_limit -e "
                 "icmpv6.nd.ra.router_lifetime "
                 "-e icmpv6.nd.ra.reachable_time -e icmpv6.nd.ra.retrans_timer -e icmpv6.opt.type "
                 "-e icmpv6.opt.length 2>/dev/null",
                 path);
        char *out = tu_run(cmd, NULL);
        assert_non_null(out);
        pcap_t *pc = pcap_open_offline(path, err);
        if (!pc)
                fail_msg("%s: %s", rel, err);
        if (pkt_proto_for_dlt(pcap_datalink(pc)) < 0) {
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
                assert_true(split_tabs(line, cols) >= C_N);
                assert_int_equal(strtoul(cols[C_FRAME], NULL, 10), frame);
                assert_int_equal(pkt_parse_dlt(&p, pcap_datalink(pc), data, h->caplen, h->len), 0);
                check_frame(&p, cols, rel, frame);
                line = strtok_r(NULL, "\n", &save);
        }
        assert_true(frame > 0);
        pcap_close(pc);
        free(out);
}

static void
test_icmp6_corpus_matches_tshark(void **state)
{
        static const char *const files[] = {
                "pcap4j/IcmpV6EchoRequestPacketTest.pcap",
                "pcap4j/IcmpV6EchoReplyPacketTest.pcap",
                "pcap4j/IcmpV6PacketTooBigPacketTest.pcap",
                "pcap4j/IcmpV6ParameterProblemPacketTest.pcap",
                "pcap4j/IcmpV6DestinationUnreachablePacketTest.pcap",
                "pcap4j/IcmpV6TimeExceededPacketTest.pcap",
                "pcap4j/IcmpV6NeighborSolicitationPacketTest.pcap",
                "pcap4j/IcmpV6NeighborAdvertisementPacketTest.pcap",
                "pcap4j/IcmpV6RouterSolicitationPacketTest.pcap",
                "pcap4j/IcmpV6RouterAdvertisementPacketTest.pcap",
                "pcap4j/IcmpV6RedirectPacketTest.pcap",
                "packetnet/ipv6_ndp.pcap",
                "packetnet/ipv6_redirect.pcap",
                "pcapplusplus/PacketExamples__IcmpV6_NeighAdvSoli.pcap",
                "pcapplusplus/PcapExamples__ICMPv6_echos.cap",
                "tcpdump/icmpv6.pcap",
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
                 "icmpv6.checksum.status 2>/dev/null",
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
                int i = pkt_layer_find(&p, PKT_PROTO_ICMP6, 0);
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
test_icmp6_recomputed_checksum_matches_tshark_verdict(void **state)
{
        static const char *const files[] = {
                "packetnet/ipv6_ndp.pcap",
                "packetnet/ipv6_redirect.pcap",
                "tcpdump/icmpv6.pcap",
                "pcap4j/IcmpV6RedirectPacketTest.pcap",
                "pcap4j/IcmpV6PacketTooBigPacketTest.pcap",
                "pcap4j/IcmpV6NeighborAdvertisementPacketTest.pcap",
                "pcap4j/IcmpV6RouterAdvertisementPacketTest.pcap",
                "pcapplusplus/PcapExamples__ICMPv6_echos.cap",
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
                uint8_t *cut = malloc(n ? n : 1);
                assert_non_null(cut);
                memcpy(cut, data, n);
                assert_int_equal(pkt_parse_dlt(&p, dlt, cut, n, len), 0);
                unsigned nl = pkt_dissect_all(&p);
                assert_true(nl <= n_full);
                for (unsigned i = 0; i < nl; i++) {
                        const struct pkt_layer *l = &p.layers[i], *f = &full.layers[i];
                        assert_int_equal(l->proto, f->proto);
                        if (l->flags & PKT_LAYER_MALFORMED)
                                assert_true(f->flags & PKT_LAYER_MALFORMED);
                        if (f->off + f->hdr_len > n && !(f->flags & PKT_LAYER_TRUNCATED) &&
                            l->proto != PKT_PROTO_RAW)
                                assert_true(l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED));
                        const struct pkt_proto *pr = pkt_proto_get(l->proto);
                        for (unsigned k = 0; k < pr->n_fields; k++)
                                (void)pkt_field_get_str(&p, i, pr->fields[k].name, sink,
                                                        sizeof(sink));
                        for (unsigned s = 0; s < pr->n_elems; s++)
                                PKT_ELEM_FOREACH(&p, i, pr->elems[s].name, e) {
                                        for (unsigned k = 0; k < e.n_kind_fields; k++)
                                                (void)pkt_elem_get_str(&p, i, &e,
                                                                       e.kind_fields[k].name, sink,
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
test_icmp6_every_prefix_is_flagged_never_crashes(void **state)
{
        uint8_t buf[256];
        size_t n;
        (void)state;

        sweep_file("packetnet/ipv6_ndp.pcap", 3);
        sweep_file("pcap4j/IcmpV6RedirectPacketTest.pcap", 1);
        sweep_file("pcap4j/IcmpV6PacketTooBigPacketTest.pcap", 1);
        sweep_file("tcpdump/icmpv6.pcap", 1);
        n = tu_hex(unreach_hex, buf, sizeof(buf));
        sweep_prefixes(229 /* DLT_IPV6 */, buf, n);
        n = tu_hex(ra_prefix_hex, buf, sizeof(buf));
        sweep_prefixes(229, buf, n);
}

/* tcpdump's hostile ICMPv6 captures go through without a crash, whatever they claim. */
static void
test_icmp6_hostile_corpus_files_parse(void **state)
{
        static const char *const files[] = {
                "tcpdump/icmp6_mobileprefix_asan.pcap",
                "tcpdump/icmpv6-length-zero.pcapng",
                "tcpdump/icmpv6-ra-pref64.pcap",
                "tcpdump/rpl-19-pickdag.pcap",
                "tcpdump/rpl-dao-oobr.pcap",
                "tcpdump/icmpv6_opt24.pcap",
                "tcpdump/icmpv6-ns-nonce.pcap",
        };
        (void)state;

        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                sweep_file(files[i], 4);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_icmp6_echo_builds_as_scapy_with_pseudo_header_sum),
                cmocka_unit_test(test_icmp6_error_type_follows_sub_layer),
                cmocka_unit_test(test_icmp6_quote_of_another_version_stays_raw),
                cmocka_unit_test(test_icmp6_ns_with_slla_builds_as_scapy),
                cmocka_unit_test(test_icmp6_ra_with_prefix_builds_as_scapy),
                cmocka_unit_test(test_icmp6_shared_names_resolve_by_carrier),
                cmocka_unit_test(test_icmp6_ns_dissects_target_and_slla),
                cmocka_unit_test(test_icmp6_ra_prefix_option_fields),
                cmocka_unit_test(test_icmp6_nd_zero_length_option_is_malformed_and_ends_walk),
                cmocka_unit_test(test_icmp6_nd_option_cut_by_capture_is_truncated),
                cmocka_unit_test(test_icmp6_nd_option_builder_pads_counts_and_rejects),
                cmocka_unit_test(test_icmp6_echo_reply_answers_request),
                cmocka_unit_test(test_icmp6_errors_answer_the_quoted_request),
                cmocka_unit_test(test_icmp6_error_quoting_other_port_does_not_answer),
                cmocka_unit_test(test_icmp6_corpus_matches_tshark),
                cmocka_unit_test(test_icmp6_recomputed_checksum_matches_tshark_verdict),
                cmocka_unit_test(test_icmp6_every_prefix_is_flagged_never_crashes),
                cmocka_unit_test(test_icmp6_hostile_corpus_files_parse),
        };
        /* ICMPv6 rides on IPv6 (layers/net/ipv6.c): without it there is nothing to test here. */
        if (pkt_proto_by_name("ip6", PKT_PROTO_NONE) != PKT_PROTO_IP6) {
                fprintf(stderr, "skipped: no ip6 layer registered\n");
                return 77;
        }
        return cmocka_run_group_tests(tests, NULL, NULL);
}
