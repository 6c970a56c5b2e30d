/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MLD (layers/net/mld.c): versions told apart as RFC 3810 8.1 says, reports and queries against
 * tshark's values on corpus captures, the record count, and cut or lying reports. Building against
 * scapy is in tests/oracle/scapy_cases_net2.tsv.
 */
#include <errno.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* ip6(src=fe80::1,dst=ff02::16,hlim=1)/icmp6()/mldv2report(records=[rec(type=4,maddr=ff15::db8:0:1),
 * rec(type=1,maddr=ff15::db8:0:2,src=2001:db8::1,src=2001:db8::2)]), which scapy builds identically. */
static const char report_hex[] =
        "6000000000503a01fe800000000000000000000000000001ff0200000000000000000000000000168f00f8c1"
        "0000000204000000ff1500000000000000000db80000000101000002ff1500000000000000000db800000002"
        "20010db800000000000000000000000120010db8000000000000000000000002";
#define REPORT_ICMP6_OFF 40

/* tshark: icmpv6.mldr.nb_mcast_records 4; record types 1, 2, 3, 4 with 2, 1, 0, 1 sources, the first
 * fe80::f16d:891:6486 and fe80::794d:737e:8532. */
static void
test_mldv2_report_records_match_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        uint16_t flags;
        (void)state;

        tu_load_frame("zeek/icmp__icmp6-mldv2.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_MLDV2_REPORT);
        assert_false(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "nrecords"), 4);
        assert_int_equal(tu_elem_count(&p, i, "records", &flags), 4);
        assert_int_equal(flags, 0);
        static const char *const types[] = { "MODE_IS_INCLUDE", "MODE_IS_EXCLUDE", "CHANGE_TO_INCLUDE_MODE",
                                              "CHANGE_TO_EXCLUDE_MODE" },
                          *const nsrcs[] = { "2", "1", "0", "1" };
        for (unsigned k = 0; k < 4; k++) {
                assert_string_equal(tu_elem_str(&p, i, "records", k, "type"), types[k]);
                assert_string_equal(tu_elem_str(&p, i, "records", k, "nsrcs"), nsrcs[k]);
        }
        assert_string_equal(tu_elem_str(&p, i, "records", 0, "maddr"), "ff02::480e:413c");
        assert_string_equal(tu_elem_str(&p, i, "records", 0, "srcs"),
                            "fe800000000000000000f16d08916486fe800000000000000000794d737e8532");
        pkt_done(&p);
}

/* Frame 3: a record that says 3 sources and carries 2 (tshark: "Malformed Packet", the 2 sources
 * shown): malformed, the 2 sources shown too. */
static void
test_mldv2_report_short_record_shows_its_sources_and_is_malformed(void **state)
{
        struct tu_frame f;
        struct pkt p;
        uint16_t flags;
        (void)state;

        tu_load_frame("zeek/icmp__icmp6-mldv2.pcap", 3, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_MLDV2_REPORT);
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        assert_int_equal(tu_elem_count(&p, i, "records", &flags), 1);
        assert_true(flags & PKT_LAYER_MALFORMED);
        assert_string_equal(tu_elem_str(&p, i, "records", 0, "srcs"),
                            "fe800000000000000000f16d08916486fe800000000000000000794d737e8532");
        pkt_done(&p);
}

/* tcpdump/icmpv6.pcap frame 3: an MLDv2 general query (28 bytes); tshark: maximum response code
 * 10000, S 0, QRV 2, QQIC 60, no sources. */
static void
test_mldv2_query_by_length_matches_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        (void)state;

        tu_load_frame("tcpdump/icmpv6.pcap", 3, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_MLDV2_QUERY);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "maxresp"), 10000);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "s"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "qrv"), 2);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "qqic"), 60);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "nsrcs"), 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "maddr"), "::");
        pkt_done(&p);
}

/* A 24-byte query is version 1 (RFC 3810 8.1); bytes after the 20-byte body are payload. */
static void
test_mldv1_query_is_24_bytes_and_trailing_bytes_are_payload(void **state)
{
        const uint8_t *d;
        struct pkt p, q;
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, "ip6(src=fe80::1,dst=ff02::1,hlim=1)/icmp6()/mld(maxdelay=1000)", &d);
        assert_int_equal(n, 40 + 24);
        assert_int_equal(d[40], 130);
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP6, d, n, n), 0);
        int i = tu_layer_of(&q, PKT_PROTO_MLD);
        assert_int_equal(tu_field_u64(&q, (unsigned)i, "maxdelay"), 1000);
        assert_int_equal(pkt_layer_find(&q, PKT_PROTO_MLDV2_QUERY, 0), -ENOENT);
        pkt_done(&q);
        pkt_done(&p);

        /* A report with 4 bytes more: still version 1, the 4 bytes a raw payload. */
        pkt_init(&p);
        n = tu_build(&p, "ip6(src=fe80::1,dst=ff02::1,hlim=1)/icmp6(type=131)/mld(maddr=ff02::1:3)/"
                         "raw(hex=01020304)", &d);
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP6, d, n, n), 0);
        i = tu_layer_of(&q, PKT_PROTO_MLD);
        assert_int_equal(q.layers[i].hdr_len, 20);
        assert_true(pkt_layer_find(&q, PKT_PROTO_RAW, (unsigned)i) > i);
        pkt_done(&q);
        pkt_done(&p);
}

/* A record count beyond the records sent: the last record runs past the message, flagged malformed;
 * cut by the capture instead, truncated. Nothing is read past the buffer (ASan). */
static void
test_mldv2_report_count_past_the_end_is_malformed_cut_is_truncated(void **state)
{
        uint8_t b[256];
        struct pkt p;
        uint16_t flags;
        (void)state;

        size_t n = tu_hex(report_hex, b, sizeof(b));
        b[REPORT_ICMP6_OFF + 7] = 3; /* three records said, two sent */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        int i = tu_layer_of(&p, PKT_PROTO_MLDV2_REPORT);
        assert_int_equal(tu_elem_count(&p, i, "records", &flags), 2);
        assert_false(flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);

        /* The second record says 3 sources and carries 2: it runs past the message. */
        tu_hex(report_hex, b, sizeof(b));
        b[REPORT_ICMP6_OFF + 8 + 20 + 3] = 3;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        i = tu_layer_of(&p, PKT_PROTO_MLDV2_REPORT);
        assert_int_equal(tu_elem_count(&p, i, "records", &flags), 2);
        assert_true(flags & PKT_LAYER_MALFORMED);
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);

        /* The same message cut 10 bytes short by the capture: truncated, not malformed. */
        tu_hex(report_hex, b, sizeof(b));
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n - 10, n), 0);
        i = tu_layer_of(&p, PKT_PROTO_MLDV2_REPORT);
        assert_int_equal(tu_elem_count(&p, i, "records", &flags), 2);
        assert_true(flags & PKT_LAYER_TRUNCATED);
        assert_false((flags | p.layers[i].flags) & PKT_LAYER_MALFORMED);
        pkt_done(&p);
}

/* Parsed and reserialised unchanged, byte for byte; built again from its fields, the same bytes. */
static void
test_mldv2_report_round_trips(void **state)
{
        uint8_t b[256];
        const uint8_t *out;
        struct pkt p;
        (void)state;

        size_t n = tu_hex(report_hex, b, sizeof(b));
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        int len = pkt_serialize(&p, 0, &out);
        assert_true(len > 0);
        tu_assert_bytes(out, (size_t)len, b, n);
        pkt_done(&p);
        tu_assert_builds("ip6(src=fe80::1,dst=ff02::16,hlim=1)/icmp6()/mldv2report(records=[rec(type=4,"
                         "maddr=ff15::db8:0:1),rec(type=1,maddr=ff15::db8:0:2,src=2001:db8::1,src=2001:db8::2)])",
                         report_hex);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_mldv2_report_records_match_tshark),
                cmocka_unit_test(test_mldv2_report_short_record_shows_its_sources_and_is_malformed),
                cmocka_unit_test(test_mldv2_query_by_length_matches_tshark),
                cmocka_unit_test(test_mldv1_query_is_24_bytes_and_trailing_bytes_are_payload),
                cmocka_unit_test(test_mldv2_report_count_past_the_end_is_malformed_cut_is_truncated),
                cmocka_unit_test(test_mldv2_report_round_trips),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
