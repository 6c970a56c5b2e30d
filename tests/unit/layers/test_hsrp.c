/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HSRP's formats beside version 0's header, which HSRP's ports hand over by their first bytes: version
 * 2 (layers/net/hsrp2.c) and the Advertise message (hsrpadv, layers/net/hsrp.c). Building the corpus's
 * messages back from their fields, version 2's MD5 TLV against scapy, dissecting against tshark,
 * which format a message is, hostile TLVs, and every prefix of real frames.
 *
 * Expected values from TShark 4.0.17 (`tshark -V -r FILE` and `-T fields -e hsrp2.*`, run once,
 * values pasted in); the MD5 TLV's bytes from scapy 2.5.0's scapy.layers.hsrp.HSRPmd5, whose layout
 * version 2's MD5 TLV shares (scapy has no version 2).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* ndpi/hsrp2.pcap frame 1's UDP payload: a Group State TLV (standby, group 920, priority 90, the
 * default times, 10.52.220.126) and the text authentication "cisco". */
#define HSRP2_V4_MSG                                                                                   \
        "0128020005040398700f6aeff5bf0000005a00000bb8000027100a34dc7e000000000000000000000000" \
        "0308636973636f000000"

/* ndpi/hsrp2_ipv6.pcapng frame 3's: an IPv6 group's Group State TLV and an MD5 TLV. */
#define HSRP2_V6_MSG                                                                                   \
        "0128020004060010aabbcc000120000000690000271000004e20fe80000000000000000573fffea00010" \
        "041c01000000000000010000000051d1ec51ab34509ab2e33188ca4fee3b"

static void
test_hsrp2_builds_the_corpus_messages_from_their_fields(void **state)
{
        (void)state;
        tu_assert_builds("hsrp2(tlvs=[group_state(state=STANDBY,group=920,identifier=70:0f:6a:ef:f5:bf,priority=90,"
                         "virt_ip=10.52.220.126),text_auth(auth_data=\"cisco\")])",
                         HSRP2_V4_MSG);
        /* An IPv6 address makes an IPv6 group (the IP version follows it). */
        tu_assert_builds("hsrp2(tlvs=[group_state(state=SPEAK,group=16,identifier=aa:bb:cc:00:01:20,priority=105,"
                         "hellotime=10000,holdtime=20000,virt_ip_v6=fe80::5:73ff:fea0:10),"
                         "md5_auth(md5_ip_address=0.0.0.1,md5_auth_data=51d1ec51ab34509ab2e33188ca4fee3b)])",
                         HSRP2_V6_MSG);
        /* The JSON form, type and length given. */
        tu_assert_builds("hsrp2(tlvs=[tlv(type=2,len=4,active_groups=0,passive_groups=1)])", "020400000001");
        /* Version 0's authentication data is 8 bytes of text: a shorter one is NUL-padded, as
         * scapy's HSRP(auth=b"abc") writes it; a longer one does not fit. */
        tu_assert_builds("hsrp(auth=\"abc\")", "000010030a780100" "6162630000000000" "00000000");
        struct pkt p;
        char err[128];
        pkt_init(&p);
        assert_true(pkt_build(&p, "hsrp(auth=\"ninechars\")", err, sizeof(err)) < 0);
        pkt_done(&p);
        /* HSRPmd5(algo=1,flags=0,sourceip="192.0.2.1",keyid=7,authdigest=bytes(range(16))), but for
         * the length: scapy 2.5.0 writes its default, 0, where the corpus's TLVs (and tshark) have 28. */
        tu_assert_builds("hsrp2(tlvs=[md5_auth(md5_ip_address=192.0.2.1,md5_key_id=7,"
                         "md5_auth_data=000102030405060708090a0b0c0d0e0f)])",
                         "041c01000000c000020100000007000102030405060708090a0b0c0d0e0f");
        /* A type no form has: its value as bytes. */
        tu_assert_builds("hsrp2(tlvs=[tlv(type=9,value=abcd)])", "0902abcd");
}

/* tshark on ndpi/hsrp2_ipv6.pcapng frame 3: hsrp2.version 2, opcode 0, state 4, ipversion 6, group 16,
 * identifier aa:bb:cc:00:01:20, priority 105, hellotime 10000, holdtime 20000, virt_ip_v6
 * fe80::5:73ff:fea0:10; md5_algorithm 1, md5_padding 0x00, md5_flags 0, hsrp.md5_ip_address 0.0.0.1,
 * md5_key_id 0, md5_auth_data 51d1ec51...; frame 1: active_groups 0, passive_groups 1. */
static void
test_hsrp2_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        uint16_t flags = 0;
        int i;

        (void)state;
        tu_load_frame("ndpi/hsrp2_ipv6.pcapng", 3, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_HSRP2);
        assert_int_equal(p.layers[i - 1].proto, PKT_PROTO_UDP);
        assert_int_equal(tu_elem_count(&p, i, "tlvs", &flags), 2);
        assert_int_equal(flags, 0);
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "type"), "group_state");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "version"), "2");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "opcode"), "HELLO");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "state"), "SPEAK");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "ipversion"), "6");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "group"), "16");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "identifier"), "aa:bb:cc:00:01:20");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "priority"), "105");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "hellotime"), "10000");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "holdtime"), "20000");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "virt_ip_v6"), "fe80::5:73ff:fea0:10");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 1, "type"), "md5_auth");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 1, "md5_algorithm"), "1");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 1, "md5_padding"), "0x00");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 1, "md5_flags"), "0");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 1, "md5_ip_address"), "0.0.0.1");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 1, "md5_key_id"), "0");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 1, "md5_auth_data"), "51d1ec51ab34509ab2e33188ca4fee3b");
        pkt_done(&p);

        tu_load_frame("ndpi/hsrp2_ipv6.pcapng", 1, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_HSRP2);
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "type"), "interface_state");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "active_groups"), "0");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "passive_groups"), "1");
        pkt_done(&p);

        /* tshark on ndpi/hsrp2.pcap frame 1: state 5 (Standby), ipversion 4, group 920, virt_ip
         * 10.52.220.126, auth_data "cisco". */
        tu_load_frame("ndpi/hsrp2.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_HSRP2);
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "state"), "STANDBY");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "virt_ip"), "10.52.220.126");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 1, "auth_data"), "cisco\\x00\\x00\\x00");
        pkt_done(&p);
}

/* tshark on tcpdump/HSRP_coup.pcap frame 8: hsrp.version 0, opcode 3; hsrp.adv.tlvtype 1, tlvlength
 * 14, state 2, reserved1 0, activegrp 0, passivegrp 1, reserved2 1862270976; built back from those. */
static void
test_advertise_reads_like_tshark_and_builds_back(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("tcpdump/HSRP_coup.pcap", 8, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_HSRPADV);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "version"), 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "opcode"), "ADVERTISE");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "type"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "len"), 14);
        assert_string_equal(tu_field(&p, (unsigned)i, "state"), "LISTEN");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "rsvd1"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "active_groups"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "passive_groups"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "rsvd2"), 1862270976);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);
        tu_assert_builds("hsrpadv(state=LISTEN,passive_groups=1,rsvd2=0x6f000000)", "00030001000e0200000000016f000000");
}

/* A message whose first byte is a version 0 header's version (0) stays hsrp unless its opcode is
 * Advertise's, one starting with a known TLV of its length is hsrp2, on either port; a TLV type at
 * its wrong length does not make version 2. */
static void
test_which_format(void **state)
{
        uint8_t buf[128];
        struct pkt p;

        (void)state;
        tu_build_parse("udp(sport=1985,dport=1985)/hsrp(vip=192.0.2.254)", PKT_PROTO_UDP, 0, buf, sizeof(buf), &p);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_HSRP), 1);
        pkt_done(&p);
        tu_build_parse("udp(sport=1985,dport=1985)/hsrpadv()", PKT_PROTO_UDP, 0, buf, sizeof(buf), &p);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_HSRPADV), 1);
        pkt_done(&p);
        /* Cut after the opcode: still Advertise's, truncated. */
        tu_build_parse("udp(sport=1985,dport=1985)/hsrpadv()", PKT_PROTO_UDP, 14, buf, sizeof(buf), &p);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_HSRPADV), 1);
        assert_true(p.layers[1].flags & PKT_LAYER_TRUNCATED);
        pkt_done(&p);
        tu_build_parse("udp(sport=2029,dport=2029)/raw(hex=" HSRP2_V6_MSG ")", PKT_PROTO_UDP, 0, buf, sizeof(buf),
                       &p);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_HSRP2), 1);
        pkt_done(&p);
        tu_build_parse("udp(sport=1985,dport=1985)/raw(hex=0305636973636f000000)", PKT_PROTO_UDP, 0, buf,
                       sizeof(buf), &p);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_HSRP2, 0), -ENOENT);
        pkt_done(&p);
}

static uint16_t
hsrp2_flags(const char *hex, uint32_t cut, unsigned *ret_count)
{
        return tu_flags_in("ip(src=192.0.2.1,dst=224.0.0.102)/udp(sport=1985,dport=1985)", hex, PKT_PROTO_IP, cut,
                           PKT_PROTO_HSRP2, "tlvs", ret_count);
}

/* A TLV that runs past the datagram is malformed, one the capture cuts truncated; a known type at a
 * length none of its forms has is flagged and the walk goes on. */
static void
test_hostile_tlvs_are_flagged(void **state)
{
        unsigned n;

        (void)state;
        assert_int_equal(hsrp2_flags(HSRP2_V4_MSG, 0, &n), 0);
        assert_int_equal(n, 2);
        assert_true(hsrp2_flags(HSRP2_V4_MSG "0309", 0, &n) & PKT_LAYER_MALFORMED);
        assert_int_equal(hsrp2_flags(HSRP2_V4_MSG, 4, &n) & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
        assert_true(hsrp2_flags("020400000001" "0302abcd" "020400000001", 0, &n) & PKT_LAYER_MALFORMED);
        assert_int_equal(n, 3);
}

static void
test_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("ndpi/hsrp2.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("ndpi/hsrp2_ipv6.pcapng", 3, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/HSRP_coup.pcap", 8, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hsrp2_builds_the_corpus_messages_from_their_fields),
                cmocka_unit_test(test_hsrp2_reads_like_tshark),
                cmocka_unit_test(test_advertise_reads_like_tshark_and_builds_back),
                cmocka_unit_test(test_which_format),
                cmocka_unit_test(test_hostile_tlvs_are_flagged),
                cmocka_unit_test(test_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
