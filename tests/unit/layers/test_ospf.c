/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OSPFv3 bodies (layers/net/ospf_body.c): fields and LSA headers against tshark on a corpus capture,
 * the 16-byte version 3 header when built, and LS updates whose LSAs lie about their length.
 * Building against scapy is in tests/oracle/scapy_cases_net2.tsv; version 2 is in test_net2.c.
 */
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* tshark (frame 1): ospf.hello.interface_id 5, router_priority 1, hello_interval 10,
 * router_dead_interval 40, designated_router 0.0.0.0, ospf.v3.options 0x000013. */
static void
test_ospf6_hello_matches_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        (void)state;

        tu_load_frame("tcpdump/OSPFv3_broadcast_adjacency.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_OSPF6_HELLO);
        assert_int_equal(p.layers[i - 1].hdr_len, 16);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "interface_id"), 5);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "prio"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "hello_interval"), 10);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "dead_interval"), 40);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "options"), 0x13);
        assert_string_equal(tu_field(&p, (unsigned)i, "dr"), "0.0.0.0");
        assert_int_equal(tu_elem_count(&p, i, "neighbors", NULL), 0);
        pkt_done(&p);
}

/* tshark (frame 15): 7 LSAs, ospf.v3.lsa 0x2001, 0x2003 (x4), 0x0008, 0x2009; lengths 24, 36 (x4),
 * 56, 44; ages 40, 41 (x4), 35, 35. */
static void
test_ospf6_lsu_lsa_headers_match_tshark(void **state)
{
        static const char *const types[] = { "ROUTER", "INTER_AREA_PREFIX", "INTER_AREA_PREFIX",
                                             "INTER_AREA_PREFIX", "INTER_AREA_PREFIX", "LINK",
                                             "INTRA_AREA_PREFIX" };
        static const char *const lens[] = { "24", "36", "36", "36", "36", "56", "44" };
        struct tu_frame f;
        struct pkt p;
        uint16_t flags;
        (void)state;

        tu_load_frame("tcpdump/OSPFv3_broadcast_adjacency.pcap", 15, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_OSPF6_LSU);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "nlsas"), 7);
        assert_int_equal(tu_elem_count(&p, i, "lsas", &flags), 7);
        assert_int_equal(flags, 0);
        for (unsigned k = 0; k < 7; k++) {
                assert_string_equal(tu_elem_str(&p, i, "lsas", k, "type"), types[k]);
                assert_string_equal(tu_elem_str(&p, i, "lsas", k, "len"), lens[k]);
        }
        assert_string_equal(tu_elem_str(&p, i, "lsas", 0, "age"), "40");
        assert_string_equal(tu_elem_str(&p, i, "lsas", 6, "adv_router"), "1.1.1.1");
        pkt_done(&p);
}

/* ospf(v=3) builds the 16-byte header, whatever its body; parsed back, the body is found again. */
static void
test_ospf6_built_header_is_16_bytes_and_parses_back(void **state)
{
        const uint8_t *d;
        struct pkt p, q;
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, "ip6(src=fe80::1,dst=ff02::5,hlim=1)/ospf(v=3,router=192.0.2.1)/"
                                "ospf6lsr(requests=[request(type=ROUTER,id=0.0.0.1,adv_router=192.0.2.2)])",
                            &d);
        assert_int_equal(n, 40 + 16 + 12);
        assert_int_equal(d[40 + 1], 3);                    /* type from the body */
        assert_int_equal(d[40 + 2] << 8 | d[40 + 3], 28); /* packet length */
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP6, d, n, n), 0);
        int i = tu_layer_of(&q, PKT_PROTO_OSPF6_LSR);
        assert_string_equal(tu_elem_str(&q, i, "requests", 0, "type"), "ROUTER");
        assert_string_equal(tu_elem_str(&q, i, "requests", 0, "id"), "0.0.0.1");
        pkt_done(&q);
        pkt_done(&p);
}

/* An LSA that says 8 bytes (less than its header) is a lie: malformed, and the walk ends there. One
 * that says more than the packet holds is malformed too; cut by the capture, truncated. */
static void
test_ospf6_lsu_lying_lsa_lengths(void **state)
{
        static const char spec[] = "ip6(src=fe80::1,dst=ff02::5,hlim=1)/ospf(v=3,router=192.0.2.1)/ospf6lsu("
                                   "lsas=[lsa(type=ROUTER,adv_router=192.0.2.1,len=24),lsa(type=LINK,len=20)])";
        uint8_t b[256];
        const uint8_t *d;
        struct pkt p, q;
        uint16_t flags;
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, spec, &d);
        /* IPv6 (40), OSPFv3 (16), the LSA count (4), then two LSA headers of 20 bytes; the first says
         * it is 24 bytes long. */
        enum { LSA0 = 40 + 16 + 4 };
        assert_int_equal(n, LSA0 + 2 * 20);
        memcpy(b, d, LSA0 + 2 * 20);
        pkt_done(&p);

        /* The first says 24 of its 20: it swallows 4 bytes of the next, whose header is then cut. */
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP6, b, n, n), 0);
        int i = tu_layer_of(&q, PKT_PROTO_OSPF6_LSU);
        assert_int_equal(tu_elem_count(&q, i, "lsas", &flags), 2);
        assert_true(flags & PKT_LAYER_MALFORMED);
        pkt_done(&q);

        b[LSA0 + 19] = 8; /* less than a header */
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP6, b, n, n), 0);
        i = tu_layer_of(&q, PKT_PROTO_OSPF6_LSU);
        assert_int_equal(tu_elem_count(&q, i, "lsas", &flags), 1);
        assert_true(flags & PKT_LAYER_MALFORMED);
        assert_true(q.layers[i].flags & PKT_LAYER_MALFORMED);
        pkt_done(&q);

        b[LSA0 + 19] = 20; /* right, but the capture ends 10 bytes early */
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP6, b, n - 10, n), 0);
        i = tu_layer_of(&q, PKT_PROTO_OSPF6_LSU);
        assert_int_equal(tu_elem_count(&q, i, "lsas", &flags), 2);
        assert_true(flags & PKT_LAYER_TRUNCATED);
        assert_false(flags & PKT_LAYER_MALFORMED);
        pkt_done(&q);
}

/* A whole LSA builds from its header's fields and its body's bytes, its length and checksum theirs
 * unless given
 * (packetnet/ospfv2.pcap frame 19's router LSA, as the capture has it); a header listed alone (a
 * database description) keeps the length given, its LSA's, which the list does not carry. */
static void
test_lsas_build_with_their_bodies_and_given_lengths(void **state)
{
        (void)state;
        tu_assert_builds("ospflsu(lsas=[lsa(age=994,options=2,type=1,id=192.168.170.8,adv_router=192.168.170.8,"
                         "seq=0x80000dc3,sum=0x2506,body=02000001c0a8aa00ffffff000300000a)])",
                         "00000001" "03e20201c0a8aa08c0a8aa0880000dc325060024" "02000001c0a8aa00ffffff000300000a");
        /* Without its checksum, the LSA gets the one the router computed (RFC 2328 12.1.7: Fletcher,
         * the age left out, so another age does not change it). */
        tu_assert_builds("ospflsu(lsas=[lsa(age=1,options=2,type=1,id=192.168.170.8,adv_router=192.168.170.8,"
                         "seq=0x80000dc3,body=02000001c0a8aa00ffffff000300000a)])",
                         "00000001" "00010201c0a8aa08c0a8aa0880000dc325060024" "02000001c0a8aa00ffffff000300000a");
        tu_assert_builds("ospfdbdesc(mtu=1500,options=2,flags=3,seq=1098361215,lsas=[lsa(age=993,options=2,type=1,"
                         "id=192.168.170.8,adv_router=192.168.170.8,seq=0x80000dc3,sum=0x2506,len=36)])",
                         "05dc02034177a97f" "03e10201c0a8aa08c0a8aa0880000dc325060024");
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ospf6_hello_matches_tshark),
                cmocka_unit_test(test_ospf6_lsu_lsa_headers_match_tshark),
                cmocka_unit_test(test_ospf6_built_header_is_16_bytes_and_parses_back),
                cmocka_unit_test(test_ospf6_lsu_lying_lsa_lengths),
                cmocka_unit_test(test_lsas_build_with_their_bodies_and_given_lengths),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
