/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * STUN (layers/app/stun.c): building (checked by tshark: scapy 2.5.0's contrib STUN cannot build a
 * message, its post_build reads an attribute it never sets), corpus messages read like tshark, the
 * FINGERPRINT's CRC, the heuristic, answers, hostile messages, and every prefix of real frames.
 *
 * Expected values come from TShark 4.0.17 (`tshark -n -r FILE -V`, run once, values pasted in).
 */
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* An ICE connectivity check as tshark reads it: USERNAME abcd:efgh (3 bytes of padding), PRIORITY
 * 1853824767, ICE-CONTROLLING 1122334455667788, USE-CANDIDATE, XOR-MAPPED-ADDRESS 192.0.2.1:49152,
 * SOFTWARE pktd, and "CRC-32: 0x48be43ba [correct]". */
static void
test_stun_builds_what_tshark_reads(void **state)
{
        (void)state;
        tu_assert_builds("stun(transaction_id=0x000102030405060708090a0b,attributes=["
                         "USERNAME(\"abcd:efgh\"),PRIORITY(1853824767),"
                         "ICE-CONTROLLING(tie_breaker=0x1122334455667788),USE-CANDIDATE,"
                         "XOR-MAPPED-ADDRESS(address_family=IPv4,x_port=0xe112,"
                         "x_address=225.18.166.67),SOFTWARE(text=\"pktd\"),FINGERPRINT])",
                         "000100442112a442000102030405060708090a0b"
                         "00060009616263643a65666768000000"
                         "002400046e7f1eff"
                         "802a00081122334455667788"
                         "00250000"
                         "002000080001e112e112a643"
                         "80220004706b7464"
                         "8028000448be43ba");
        /* A TURN allocation: REQUESTED-TRANSPORT UDP, LIFETIME; an IPv6 MAPPED-ADDRESS. */
        tu_assert_builds("stun(stun_message_type=Allocate-Request,"
                         "transaction_id=0x0102030405060708090a0b0c,"
                         "attributes=[REQUESTED-TRANSPORT(protocol=17),LIFETIME(600)])",
                         "000300102112a4420102030405060708090a0b0c"
                         "0019000411000000"
                         "000d000400000258");
        tu_assert_builds("stun(stun_message_type=Binding-Success,"
                         "transaction_id=0x0102030405060708090a0b0c,attributes=["
                         "MAPPED-ADDRESS(address_family=IPv6,port=3478,address=2001:db8::1)])",
                         "010100182112a4420102030405060708090a0b0c"
                         "0001001400020d9620010db8000000000000000000000001");
}

/* ndpi/stun.pcap frame 18: a Binding Success Response, XOR-MAPPED-ADDRESS port 7d52 and address
 * 7c3d45a3 XOR'd (93.47.225.225:23616); frame 151: two Allocate requests (0x0008, length 124)
 * back to back in one TCP segment. ndpi/lru_ipv6_caches.pcapng frame 9: an attribute of a type
 * nobody names (0xdaba, 4 bytes) between USERNAME and GOOG-NETWORK-INFO. */
static void
test_stun_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("ndpi/stun.pcap", 18, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_STUN);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "stun_message_type"), 0x0101);
        assert_string_equal(tu_field(&p, (unsigned)i, "transaction_id"),
                            "53486b6846386f6477677956");
        assert_string_equal(tu_elem_str(&p, i, "attributes", 0, "x_port"), "32082");
        assert_string_equal(tu_elem_str(&p, i, "attributes", 0, "x_address"), "124.61.69.163");
        pkt_done(&p);

        tu_load_frame("ndpi/stun.pcap", 151, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_STUN);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_STUN);
        assert_int_equal(tu_field_u64(&p, (unsigned)i + 1, "length"), 124);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);

        tu_load_frame("ndpi/lru_ipv6_caches.pcapng", 9, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_STUN);
        assert_string_equal(tu_elem_str(&p, i, "attributes", 0, "username"),
                            "EDGERAY_DEFAULT_USERNAME:EDGERAY_DEFAULT_USERNAME");
        assert_string_equal(tu_elem_str(&p, i, "attributes", 1, "type"), "0xdaba");
        assert_string_equal(tu_elem_str(&p, i, "attributes", 1, "value"), "00000a14");
        pkt_done(&p);
}

/* The cookie finds STUN on any port; a request is answered by the response of its transaction. */
static void
test_stun_heuristic_and_answers(void **state)
{
        uint8_t a[128], b[128];
        struct pkt req, rep;

        (void)state;
        assert_int_equal(tu_guessed_over_udp("000100002112a442000102030405060708090a0b"),
                         PKT_PROTO_STUN);
        /* No cookie, top bits set, a length past the datagram: not STUN. */
        assert_int_not_equal(tu_guessed_over_udp("0001000012345678000102030405060708090a0b"),
                             PKT_PROTO_STUN);
        assert_int_not_equal(tu_guessed_over_udp("c00100002112a442000102030405060708090a0b"),
                             PKT_PROTO_STUN);
        assert_int_not_equal(tu_guessed_over_udp("000100082112a442000102030405060708090a0b"),
                             PKT_PROTO_STUN);

        tu_build_parse("stun(transaction_id=0x0102030405060708090a0b0c)", PKT_PROTO_STUN, 0, a,
                       sizeof(a), &req);
        tu_build_parse(
                "stun(stun_message_type=Binding-Error,transaction_id=0x0102030405060708090a0b0c)",
                PKT_PROTO_STUN, 0, b, sizeof(b), &rep);
        assert_true(pkt_answers(&req, &rep));
        assert_false(pkt_answers(&rep, &req));
        pkt_done(&rep);
        tu_build_parse(
                "stun(stun_message_type=Binding-Success,transaction_id=0x0102030405060708090a0b0d)",
                PKT_PROTO_STUN, 0, b, sizeof(b), &rep);
        assert_false(pkt_answers(&req, &rep));
        pkt_done(&rep);
        tu_build_parse("stun(stun_message_type=Allocate-Success,transaction_id="
                       "0x0102030405060708090a0b0c)",
                       PKT_PROTO_STUN, 0, b, sizeof(b), &rep);
        assert_false(pkt_answers(&req, &rep));
        pkt_done(&rep);
        pkt_done(&req);
}

static uint16_t
stun_flags(const char *hex, uint32_t cut, unsigned *ret_n)
{
        return tu_flags_in("ip(src=192.0.2.1,dst=192.0.2.2)/tcp(sport=3478,dport=3478)", hex,
                           PKT_PROTO_IP, cut, PKT_PROTO_STUN, "attributes", ret_n);
}

/* Lengths that contradict the message: flagged, every walk bounded. */
static void
test_stun_hostile_messages(void **state)
{
        unsigned n;

        (void)state;
        /* A message length past the datagram; one not in whole words; top bits set. */
        assert_true(stun_flags("000100402112a442000102030405060708090a0b", 0, &n) &
                    PKT_LAYER_MALFORMED);
        assert_true(stun_flags("000100022112a442000102030405060708090a0b0000", 0, &n) &
                    PKT_LAYER_MALFORMED);
        assert_true(stun_flags("800100002112a442000102030405060708090a0b", 0, &n) &
                    PKT_LAYER_MALFORMED);
        /* An attribute longer than the message: malformed, the walk ends. */
        assert_true(stun_flags("000100082112a442000102030405060708090a0b"
                               "00060010"
                               "61626364",
                               0, &n) &
                    PKT_LAYER_MALFORMED);
        assert_int_equal(n, 1);
        /* Empty attributes fill the message: each 4 bytes, walked once. */
        stun_flags("0001000c2112a442000102030405060708090a0b"
                   "00250000"
                   "00250000"
                   "001a0000",
                   0, &n);
        assert_int_equal(n, 3);
        /* A PRIORITY of 2 bytes: flagged, the walk goes on to the next. */
        assert_true(stun_flags("0001000c2112a442000102030405060708090a0b"
                               "00240002"
                               "00010000"
                               "00250000",
                               0, &n) &
                    PKT_LAYER_MALFORMED);
        assert_int_equal(n, 2);
        /* Cut by the capture: truncated. */
        assert_int_equal(stun_flags("000100082112a442000102030405060708090a0b"
                                    "002400046e7f1eff",
                                    3, &n) &
                                 (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
}

static void
test_stun_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("ndpi/stun.pcap", 18, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("ndpi/stun.pcap", 151, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("ndpi/lru_ipv6_caches.pcapng", 9, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_stun_builds_what_tshark_reads),
                cmocka_unit_test(test_stun_reads_like_tshark),
                cmocka_unit_test(test_stun_heuristic_and_answers),
                cmocka_unit_test(test_stun_hostile_messages),
                cmocka_unit_test(test_stun_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
