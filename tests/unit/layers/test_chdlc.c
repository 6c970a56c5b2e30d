/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cisco HDLC and SLARP (layers/link/chdlc.c): building against scapy, dissecting corpus captures
 * against tshark (DLT_C_HDLC, and DLT_PPP frames in Cisco HDLC framing), answers, short input, and
 * every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0's scapy.contrib.chdlc (the expression is beside each, and in
 * tests/oracle/scapy_cases_serial.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -V`, run once, values pasted in).
 */
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

static void
test_chdlc_builds_like_scapy(void **state)
{
        (void)state;
        /* CHDLC()/SLARP(type=2,mysequence=5,yoursequence=2): the protocol and the type come from
         * the layers above. */
        tu_assert_builds("chdlc/slarp/slarpkeepalive(mysequence=5,yoursequence=2)",
                         "0f008035000000020000000500000002ffff");
        /* CHDLC(address=0x8f)/SLARP(type=0,address="192.0.2.1",mask="255.255.255.252") */
        tu_assert_builds("chdlc(address=MULTICAST)/slarp/slarpaddress(address=192.0.2.1,"
                         "mask=255.255.255.252)",
                         "8f00803500000000c0000201fffffffc0000");
        /* A type set by hand is kept: a reply. */
        tu_assert_builds("chdlc/slarp(type=REPLY)/slarpaddress(address=198.51.100.2)",
                         "0f00803500000001c6336402ffffff000000");
        /* CHDLC()/IP(src="192.0.2.1",dst="192.0.2.2",id=1)/ICMP(id=1,seq=1) */
        tu_assert_builds("chdlc/ip(src=192.0.2.1,dst=192.0.2.2,id=1)/icmp/echo(id=1,seq=1)",
                         "0f000800"
                         "4500001c000100004001f6dcc0000201c0000202"
                         "0800f7fd00010001");
}

/* tcpdump/HDLC.pcap frame 1: multicast, a keepalive (5 out, 2 back, reliability 0xffff) and the
 * uptime tcpdump reads after it (tshark stops at the reliability). tcpdump/hdlc_slarp.pcapng frame
 * 3: a reply, 15.0.0.1/30. */
static void
test_chdlc_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;

        (void)state;
        tu_load_frame("tcpdump/HDLC.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_CHDLC);
        assert_int_equal(tu_field_u64(&p, 0, "address"), 0x8f);
        assert_int_equal(tu_field_u64(&p, 0, "proto"), 0x8035);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_SLARP);
        assert_int_equal(tu_field_u64(&p, 1, "type"), 2);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_SLARP_KEEPALIVE);
        assert_int_equal(tu_field_u64(&p, 2, "mysequence"), 5);
        assert_int_equal(tu_field_u64(&p, 2, "yoursequence"), 2);
        assert_int_equal(tu_field_u64(&p, 2, "reliability"), 0xffff);
        for (unsigned i = 0; i < p.n_layers; i++)
                assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                                 0);
        pkt_done(&p);

        tu_load_frame("tcpdump/hdlc_slarp.pcapng", 3, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_SLARP_ADDRESS);
        assert_int_equal(tu_field_u64(&p, 1, "type"), 1);
        assert_string_equal(tu_field(&p, (unsigned)i, "address"), "15.0.0.1");
        assert_string_equal(tu_field(&p, (unsigned)i, "mask"), "255.255.255.252");
        pkt_done(&p);
}

/* ndpi/BGP_Cisco_hdlc_slarp.pcap is DLT_PPP whose frames are Cisco HDLC (0x0f 0x00): frame 1 as
 * tshark reads it, address 0x0f, protocol 0x0800, then 100.16.1.2 port 18324. A PPP frame that
 * starts ff 03 stays PPP. */
static void
test_chdlc_in_dlt_ppp(void **state)
{
        static const uint8_t ppp_hdlc[] = { 0xff, 0x03, 0x00, 0x21 };
        static const uint8_t chdlc[] = { 0x0f, 0x00, 0x08, 0x00 };
        struct tu_frame f;
        struct pkt p;

        (void)state;
        tu_load_frame("ndpi/BGP_Cisco_hdlc_slarp.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_CHDLC);
        assert_int_equal(tu_field_u64(&p, 0, "proto"), 0x0800);
        int i = tu_layer_of(&p, PKT_PROTO_IP);
        assert_string_equal(tu_field(&p, (unsigned)i, "src"), "100.16.1.2");
        i = tu_layer_of(&p, PKT_PROTO_TCP);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "sport"), 18324);
        pkt_done(&p);

        assert_int_equal(pkt_proto_for_frame(9, chdlc, sizeof(chdlc)), PKT_PROTO_CHDLC);
        assert_int_equal(pkt_proto_for_frame(9, ppp_hdlc, sizeof(ppp_hdlc)), PKT_PROTO_HDLC);
        assert_int_equal(pkt_proto_for_frame(104, chdlc, sizeof(chdlc)), PKT_PROTO_CHDLC);
}

/* A reply answers a request; keepalives answer nothing. */
static void
test_slarp_answers(void **state)
{
        uint8_t a[64], b[64], c[64];
        struct pkt req, rep, keep;

        (void)state;
        tu_build_parse("chdlc/slarp/slarpaddress", PKT_PROTO_CHDLC, 0, a, sizeof(a), &req);
        tu_build_parse("chdlc/slarp(type=REPLY)/slarpaddress(address=192.0.2.1)", PKT_PROTO_CHDLC,
                       0, b, sizeof(b), &rep);
        tu_build_parse("chdlc/slarp/slarpkeepalive(mysequence=1)", PKT_PROTO_CHDLC, 0, c, sizeof(c),
                       &keep);
        assert_true(pkt_answers(&req, &rep));
        assert_false(pkt_answers(&rep, &req));
        assert_false(pkt_answers(&keep, &keep));
        assert_false(pkt_answers(&req, &keep));
        pkt_done(&req);
        pkt_done(&rep);
        pkt_done(&keep);
}

/* Short or odd input: a body cut short is truncated (its wire length says more), an unknown SLARP
 * type leaves the rest raw, an unknown protocol too. */
static void
test_chdlc_short_and_unknown(void **state)
{
        /* A keepalive cut after 6 of its 10 body bytes, 14 on the wire. */
        static const uint8_t cut[] = { 0x8f, 0x00, 0x80, 0x35, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0 };
        static const uint8_t odd_type[] = { 0x0f, 0x00, 0x80, 0x35, 0, 0, 0, 9, 1, 2, 3 };
        static const uint8_t odd_proto[] = { 0x0f, 0x00, 0x12, 0x34, 1, 2, 3 };
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_CHDLC, cut, sizeof(cut), sizeof(cut) + 4), 0);
        pkt_dissect_all(&p);
        assert_int_equal(p.n_layers, 3);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_SLARP_KEEPALIVE);
        assert_true(p.layers[2].flags & PKT_LAYER_TRUNCATED);
        /* Cut on the wire too: malformed. */
        assert_int_equal(pkt_parse(&p, PKT_PROTO_CHDLC, cut, sizeof(cut), sizeof(cut)), 0);
        pkt_dissect_all(&p);
        assert_true(p.layers[2].flags & PKT_LAYER_MALFORMED);

        assert_int_equal(
                pkt_parse(&p, PKT_PROTO_CHDLC, odd_type, sizeof(odd_type), sizeof(odd_type)), 0);
        assert_int_equal(pkt_dissect_all(&p), 3);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_RAW);
        assert_int_equal(p.layers[2].len, 3);

        assert_int_equal(
                pkt_parse(&p, PKT_PROTO_CHDLC, odd_proto, sizeof(odd_proto), sizeof(odd_proto)), 0);
        assert_int_equal(pkt_dissect_all(&p), 2);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_RAW);
        /* Shorter than its own header. */
        assert_int_equal(pkt_parse(&p, PKT_PROTO_CHDLC, odd_proto, 3, 3), 0);
        assert_int_equal(pkt_dissect_all(&p), 1);
        assert_true(p.layers[0].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
}

static void
test_chdlc_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("tcpdump/HDLC.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/hdlc_slarp.pcapng", 3, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("pcapplusplus/PacketExamples__CiscoHDLC.pcap", 1, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_chdlc_builds_like_scapy),
                cmocka_unit_test(test_chdlc_reads_like_tshark),
                cmocka_unit_test(test_chdlc_in_dlt_ppp),
                cmocka_unit_test(test_slarp_answers),
                cmocka_unit_test(test_chdlc_short_and_unknown),
                cmocka_unit_test(test_chdlc_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
