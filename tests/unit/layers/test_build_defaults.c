/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a layer built from its defaults becomes next to the layers around it: the key fields that
 * follow the layer above (LLC's SAPs), and the body a message cannot go without (ICMP's, ICMPv6's).
 * The bytes are scapy 2.5's for the same packets (tests/oracle/scapy_cases*.tsv compares them live).
 */
#include <errno.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* STP's configuration BPDU from its defaults (scapy's STP()). */
#define STP_CONFIG "0000000000000000000000000000000000000000000000000000000100140002000f00"

static void
test_llc_saps_follow_the_layer_above(void **state)
{
        (void)state;
        tu_assert_builds("llc()/stp()", "424203" STP_CONFIG);
        tu_assert_builds("llc()/isis()/isislanhello()", "fefe03" "831b01000f010000" "03000000000000001e001b4000000000000000");
        tu_assert_builds("llc()/ip(src=192.0.2.1,dst=192.0.2.2)",
                     "aaaa030000000800" "45000014000000004006f6e0c0000201c0000202");
        tu_assert_builds("llc(dsap=SNAP)/stp()", "aaaa0300000c010b" STP_CONFIG);
        tu_assert_builds("llc(dsap=0x42)/stp()", "424203" STP_CONFIG);
        tu_assert_builds("llc(dsap=0xf0)/raw(\"x\")", "f0f00378");
        tu_assert_builds("llc(dsap=0xf0,ssap=0xf1)/raw(\"x\")", "f0f10378");
}

/* A parsed frame keeps its SAPs when a copy of it is changed: only a header as pkt_push() wrote it
 * takes them from the layer above (a NetBIOS response with the C/R bit, a PVST+ BPDU in SNAP). */
static void
test_llc_saps_of_a_parsed_frame_stay(void **state)
{
        static const char *const frames[] = {
                "f0f10378",
                "aaaa0300000c010b" STP_CONFIG,
        };
        uint8_t in[128], want[128];
        const uint8_t *d;
        struct pkt p, q;

        (void)state;
        for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
                size_t n = tu_hex(frames[i], in, sizeof(in));
                memcpy(want, in, n);
                pkt_init(&p);
                pkt_init(&q);
                assert_int_equal(pkt_parse(&p, PKT_PROTO_LLC, in, n, n), 0);
                assert_int_equal(pkt_copy(&q, &p), 0);
                assert_int_equal(pkt_field_set_u64(&q, 0, "ctrl", 3), 0);
                assert_int_equal(pkt_serialize(&q, 0, &d), (int)n);
                assert_memory_equal(d, want, n);
                pkt_done(&p);
                pkt_done(&q);
        }
}

/* ICMP and ICMPv6 flagged PKT_P_NEEDS_NEXT: built alone, they get the layer their type selects, with
 * its defaults (scapy's ICMP(), ICMPv6EchoRequest(), ICMPv6ND_NS()); a body given, or any payload,
 * stays as it is. */
static void
test_icmp_alone_gets_the_body_its_type_selects(void **state)
{
        const uint8_t *d;
        struct pkt p;

        (void)state;
        tu_assert_builds("icmp()", "0800f7ff00000000");
        tu_assert_builds("icmp(type=3,code=1)", "0301fcfe00000000");
        tu_assert_builds("icmp()/echo(id=5)", "0800f7fa00050000");
        tu_assert_builds("icmp()/raw(\"ab\")", "0800969d6162"); /* the raw layer is the body, as pypacker has it */
        tu_assert_builds("ip6(src=2001:db8::1,dst=2001:db8::2)/icmp6()",
                     "6000000000083a40" "20010db8000000000000000000000001" "20010db8000000000000000000000002"
                     "8000244800000000");
        tu_assert_builds("ip6(src=fe80::1,dst=ff02::1:ff00:2,hlim=255)/icmp6(type=135)",
                     "6000000000183aff" "fe800000000000000000000000000001" "ff0200000000000000000001ff000002"
                     "87007c24" "00000000" "00000000000000000000000000000000");

        /* The body is a layer of its own, as dissection finds it. */
        pkt_init(&p);
        assert_int_equal(pkt_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2)/icmp()", NULL, 0), 0);
        assert_int_equal(pkt_serialize(&p, 0, &d), 28);
        assert_int_equal(p.n_layers, 3);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_ICMP_ECHO);
        /* Serialised again: nothing more is added. */
        assert_int_equal(pkt_serialize(&p, 0, &d), 28);
        assert_int_equal(p.n_layers, 3);
        pkt_done(&p);

        /* Without auto-update, nothing is added; a parsed 4-byte ICMP stays 4 bytes. */
        pkt_init(&p);
        assert_int_equal(pkt_build(&p, "icmp()", NULL, 0), 0);
        assert_int_equal(pkt_serialize(&p, PKT_SER_NO_AUTO, &d), 4);
        pkt_done(&p);
        uint8_t four[] = { 8, 0, 0xf7, 0xff };
        pkt_init(&p);
        assert_int_equal(pkt_parse_writable(&p, PKT_PROTO_ICMP, four, 4, 4), 0);
        assert_int_equal(pkt_field_set_u64(&p, 0, "code", 0), 0);
        assert_int_equal(pkt_serialize(&p, 0, &d), 4);
        pkt_done(&p);
}

/* The other protocols flagged PKT_P_NEEDS_NEXT: alone, each builds what it builds with the body its
 * header selects given with defaults. */
static void
test_a_header_alone_builds_as_with_its_default_body(void **state)
{
        static const char *const pairs[][2] = {
                { "ip(src=192.0.2.1,dst=192.0.2.2)/ospf()", "ip(src=192.0.2.1,dst=192.0.2.2)/ospf()/ospfhello()" },
                { "ip(src=192.0.2.1,dst=192.0.2.2)/ospf(type=2)", "ip(src=192.0.2.1,dst=192.0.2.2)/ospf()/ospfdbdesc()" },
                { "ip6(src=fe80::1,dst=ff02::5)/ospf(v=3)", "ip6(src=fe80::1,dst=ff02::5)/ospf(v=3)/ospf6hello()" },
                { "ethernet()/llc()/isis()", "ethernet()/llc()/isis()/isislanhello()" },
                { "ethernet()/slow()", "ethernet()/slow()/lacp()" },
                { "ip(src=192.0.2.1,dst=192.0.2.2)/icmp(type=11)", "ip(src=192.0.2.1,dst=192.0.2.2)/icmp()/timeexceed()" },
        };
        const uint8_t *a, *b;
        struct pkt p, q;

        (void)state;
        for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
                pkt_init(&p);
                pkt_init(&q);
                size_t n = tu_build(&p, pairs[i][0], &a);
                size_t m = tu_build(&q, pairs[i][1], &b);
                tu_assert_bytes(a, n, b, m);
                assert_int_equal(p.n_layers, q.n_layers);
                pkt_done(&p);
                pkt_done(&q);
        }
}

/* A layer built above an ICMP error where its body belongs goes after the body, which is pushed with
 * its defaults: icmp(type=3)/ip(...) quotes the datagram after the 4 unused bytes, as scapy's
 * ICMP(type=3)/IP(...) does. Before, the IP header took the body's place and the message read back as
 * an unreach body and raw bytes. A body given, another form, or raw bytes (which are the body, as
 * pypacker has them) are taken as written. */
static void
test_a_layer_above_an_error_goes_after_its_body(void **state)
{
        static const unsigned unreach_quote[] = { PKT_PROTO_ICMP, PKT_PROTO_ICMP_UNREACH, PKT_PROTO_IP, PKT_PROTO_UDP };
        static const unsigned ospf_lsack[] = { PKT_PROTO_IP, PKT_PROTO_OSPF, PKT_PROTO_OSPF_LSACK };
        struct pkt p;

        (void)state;
        /* scapy: ICMP(type=3,code=3)/IP(src="198.51.100.7",dst="192.0.2.1")/UDP(sport=5000,dport=53) */
        tu_assert_builds("icmp(type=3,code=3)/ip(src=198.51.100.7,dst=192.0.2.1,id=1)/udp(sport=5000,dport=53)",
                         "0303e95200000000" "4500001c0001000040118e94c6336407c0000201" "138800350008ffe4");
        tu_assert_builds("icmp6(type=1)/ip6(src=2001:db8::1,dst=2001:db8::2)",
                         "0100000000000000" "6000000000003b40" "20010db8000000000000000000000001"
                         "20010db8000000000000000000000002");
        tu_assert_builds("icmp(type=3)/echo(id=1)", "0300fcfe00010000");
        tu_assert_builds("icmp(type=13)/raw(\"ab\")", "0d00919d6162");

        pkt_init(&p);
        assert_true(pkt_push(&p, PKT_PROTO_ICMP) >= 0);
        assert_int_equal(pkt_field_set_u64(&p, 0, "type", 3), 0);
        assert_int_equal(pkt_push(&p, PKT_PROTO_IP), 2);
        assert_true(pkt_push(&p, PKT_PROTO_UDP) >= 0);
        assert_int_equal(p.n_layers, 4);
        for (unsigned i = 0; i < 4; i++)
                assert_int_equal(p.layers[i].proto, unreach_quote[i]);
        pkt_done(&p);

        /* An OSPF body of another type than the default hello is a body, not a layer the hello carries. */
        pkt_init(&p);
        assert_int_equal(pkt_build(&p, "ip(src=192.0.2.1,dst=224.0.0.5)/ospf()/ospflsack()", NULL, 0), 0);
        assert_int_equal(p.n_layers, 3);
        for (unsigned i = 0; i < 3; i++)
                assert_int_equal(p.layers[i].proto, ospf_lsack[i]);
        pkt_done(&p);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_llc_saps_follow_the_layer_above),
                cmocka_unit_test(test_llc_saps_of_a_parsed_frame_stay),
                cmocka_unit_test(test_icmp_alone_gets_the_body_its_type_selects),
                cmocka_unit_test(test_a_header_alone_builds_as_with_its_default_body),
                cmocka_unit_test(test_a_layer_above_an_error_goes_after_its_body),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
