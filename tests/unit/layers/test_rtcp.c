/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTCP (layers/app/rtcp.c): building against scapy, compound packets read like tshark, the
 * heuristic, SRTCP's trailer, hostile packets, counts and lengths as elements are added, and every
 * prefix of real datagrams.
 *
 * Expected bytes come from scapy 2.5.0's scapy.contrib.rtcp (the expression is beside each, and in
 * tests/oracle/scapy_cases_rtcp.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -V`, run once, values pasted in).
 */
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

static void
test_rtcp_builds_like_scapy(void **state)
{
        (void)state;
        /* RTCP(packet_type=200,count=1,sourcesync=0x11223344,sender_info=SenderInfo(
         *   ntp_timestamp=0xdd3ac1704d614df8,rtp_timestamp=32000,sender_packet_count=200,
         *   sender_octet_count=32000),report_blocks=[ReceptionReport(sourcesync=0x55667788,
         *   fraction_lost=1,cumulative_lost=2,highest_seqnum_recv=1000,interarrival_jitter=5,
         *   last_SR_timestamp=0xc1704d61,delay_since_last_SR=65536)]) */
        tu_assert_builds(
                "rtcp(packet_type=SR,sender=[sender(ssrc=0x11223344,"
                "ntp_timestamp=0xdd3ac1704d614df8,rtp_timestamp=32000,sender_packet_count=200,"
                "sender_octet_count=32000)],"
                "report_blocks=[block(ssrc=0x55667788,fraction_lost=1,cumulative_lost=2,"
                "highest_seqnum_recv=1000,interarrival_jitter=5,last_SR_timestamp=0xc1704d61,"
                "delay_since_last_SR=65536)])",
                "81c8000c11223344dd3ac1704d614df800007d00000000c800007d00"
                "5566778801000002000003e800000005c1704d6100010000");
        /* RTCP(packet_type=201,sourcesync=0x11223344) */
        tu_assert_builds("rtcp(packet_type=RR,sender=[sender(ssrc=0x11223344)])",
                         "80c9000111223344");
        /* Not scapy's (it writes no END and no padding): an SDES chunk as tshark reads it, CNAME
         * user@host, TOOL pktd, END, null bytes to the word; a BYE with its reason padded; a
         * generic NACK (PID 100, BLP 0x0003: frames 101 and 102 lost). */
        tu_assert_builds(
                "rtcp(packet_type=SDES,sdes_chunks=[chunk(ssrc=0x11223344,cname=\"user@host\","
                "tool=\"pktd\")])",
                "81ca00061122334401097573657240686f73740604706b7464000000");
        tu_assert_builds("rtcp(packet_type=BYE,sources=[source(0x11223344)],reason=[reason(reason="
                         "\"done\")])",
                         "81cb00031122334404646f6e65000000");
        tu_assert_builds("rtcp(packet_type=RTPFB,count=1,sender=[sender(ssrc=1,media_ssrc=2)],"
                         "fci=[fci(pid=100,blp=0x0003)])",
                         "81cd0003000000010000000200640003");
        /* A negative cumulative loss (RFC 3550 6.4.1: signed 24 bits). */
        tu_assert_builds("rtcp(packet_type=RR,sender=[sender(ssrc=1)],report_blocks=[block("
                         "cumulative_lost=-5)])",
                         "81c90007000000010000000000fffffb00000000000000000000000000000000");
}

/* ndpi/rtcp_multiple_pkts_in_the_same_datagram.pcap frame 1, on ports 25963 -> 31601 (the
 * heuristic's): an SR (SSRC 0x5d931534, NTP 0xdd3ac170.0x4d614df8, RTP 32000, 200 packets, 32000
 * octets, one block: SSRC 0, 1 lost) and an SDES (CNAME 5d931534, NOTE "FreeSWITCH.org -- Come to
 * ClueCon.com", END). ndpi/sip.pcap frame 104: SR, SDES and a BYE of 0x3796cb71, "session
 * shutdown". */
static void
test_rtcp_compounds_read_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("ndpi/rtcp_multiple_pkts_in_the_same_datagram.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_RTCP);
        assert_string_equal(tu_field(&p, (unsigned)i, "packet_type"), "SR");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "count"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "length"), 12);
        assert_string_equal(tu_elem_str(&p, i, "sender", 0, "ntp_timestamp"), "0xdd3ac1704d614df8");
        assert_string_equal(tu_elem_str(&p, i, "sender", 0, "sender_octet_count"), "32000");
        assert_string_equal(tu_elem_str(&p, i, "report_blocks", 0, "cumulative_lost"), "1");
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_RTCP);
        assert_string_equal(tu_field(&p, (unsigned)i + 1, "packet_type"), "SDES");
        assert_int_equal(tu_elem_count(&p, i + 1, "sdes_items", NULL), 3);
        assert_string_equal(tu_elem_str(&p, i + 1, "sdes_items", 0, "value"), "5d931534");
        assert_string_equal(tu_elem_str(&p, i + 1, "sdes_items", 1, "value"),
                            "FreeSWITCH.org -- Come to ClueCon.com");
        assert_string_equal(tu_elem_str(&p, i + 1, "sdes_items", 2, "chunk_type"), "END");
        assert_int_equal(p.n_layers, (unsigned)i + 2);
        pkt_done(&p);

        tu_load_frame("ndpi/sip.pcap", 104, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_RTCP);
        assert_int_equal(p.layers[i + 2].proto, PKT_PROTO_RTCP);
        assert_string_equal(tu_field(&p, (unsigned)i + 2, "packet_type"), "BYE");
        assert_string_equal(tu_elem_str(&p, i + 2, "sources", 0, "ssrc"), "0x3796cb71");
        assert_string_equal(tu_elem_str(&p, i + 2, "reason", 0, "reason"), "session shutdown");
        for (unsigned k = (unsigned)i; k < p.n_layers; k++)
                assert_int_equal(p.layers[k].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                                 0);
        pkt_done(&p);
}

/* The heuristic takes what tshark's does when the first packet fits; SRTCP's index and tag after
 * the compound stay raw. */
static void
test_rtcp_heuristic_and_srtcp(void **state)
{
        uint8_t b[128];
        struct pkt p;

        (void)state;
        assert_int_equal(tu_guessed_over_udp("80c9000111223344"), PKT_PROTO_RTCP);
        assert_int_equal(tu_guessed_over_udp("81cd0003000000010000000200640003"), PKT_PROTO_RTCP);
        /* A first packet longer than the datagram (gnutella's 87 c9 31 02 ...), RTP, version 1,
         * an SDES first, a datagram not in whole words: not RTCP. */
        assert_int_not_equal(tu_guessed_over_udp("87c931026d4eb256"), PKT_PROTO_RTCP);
        assert_int_not_equal(tu_guessed_over_udp("8060000100000001deadbeef"), PKT_PROTO_RTCP);
        assert_int_not_equal(tu_guessed_over_udp("40c9000111223344"), PKT_PROTO_RTCP);
        assert_int_not_equal(tu_guessed_over_udp("81ca000111223344"), PKT_PROTO_RTCP);
        assert_int_not_equal(tu_guessed_over_udp("80c900011122334455"), PKT_PROTO_RTCP);

        /* An RR then SRTCP's E flag and index (0x80000001) and a 10-byte tag. */
        tu_build_parse("ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=5005,dport=5005)/"
                       "rtcp(packet_type=RR,sender=[sender(ssrc=1)])/"
                       "raw(hex=80000001c8c8c8c8c8c8c8c8c8c8)",
                       PKT_PROTO_IP, 0, b, sizeof(b), &p);
        assert_int_equal(pkt_dissect_all(&p), 4);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_RTCP);
        assert_int_equal(p.layers[3].proto, PKT_PROTO_RAW);
        assert_int_equal(p.layers[3].len, 14);
        pkt_done(&p);
}

/* RTCP packet @nth of a compound on RTCP's port, from its bytes (@cut of them not captured). */
static uint16_t
rtcp_flags(const char *hex, uint32_t cut, int nth, const char *set, unsigned *ret_n)
{
        static char spec[1024];
        static uint8_t b[2048];
        struct pkt p;

        snprintf(spec, sizeof(spec),
                 "ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=5005,dport=5005)/raw(hex=%s)", hex);
        tu_build_parse(spec, PKT_PROTO_IP, cut, b, sizeof(b), &p);
        pkt_dissect_all(&p);
        assert_true((unsigned)(2 + nth) < p.n_layers);
        assert_int_equal(p.layers[2 + nth].proto, PKT_PROTO_RTCP);
        return tu_flags_done(&p, 2 + nth, set, ret_n);
}

/* Lengths and counts that contradict the packet: flagged, every walk bounded. */
static void
test_rtcp_hostile_packets(void **state)
{
        unsigned n;

        (void)state;
        /* A length past the datagram. */
        assert_true(rtcp_flags("80c9ffff11223344", 0, 0, "sender", &n) & PKT_LAYER_MALFORMED);
        /* An SR counting 31 blocks in 28 bytes: malformed, no block read past the packet. */
        assert_true(rtcp_flags("9fc80006"
                               "11223344"
                               "0000000000000000"
                               "00000000"
                               "00000000"
                               "00000000",
                               0, 0, "report_blocks", &n) &
                    PKT_LAYER_MALFORMED);
        assert_int_equal(n, 0);
        /* An SDES chunk whose items never END. */
        assert_true(rtcp_flags("81ca0002"
                               "11223344"
                               "01020304",
                               0, 0, "sdes_chunks", &n) &
                    PKT_LAYER_MALFORMED);
        /* Items of length 0 to the packet's end: walked to it, once each. */
        rtcp_flags("81ca0003"
                   "11223344"
                   "0100010001000000",
                   0, 0, "sdes_items", &n);
        assert_int_equal(n, 4);
        /* An XR block of length 0 is 4 bytes: the walk steps on. One claiming more than the packet
         * is malformed. */
        rtcp_flags("80cf0003"
                   "11223344"
                   "05000000"
                   "06000000",
                   0, 0, "xr_blocks", &n);
        assert_int_equal(n, 2);
        assert_true(rtcp_flags("80cf0002"
                               "11223344"
                               "0500ffff",
                               0, 0, "xr_blocks", &n) &
                    PKT_LAYER_MALFORMED);
        /* A P bit whose count is 0, or more than the packet. */
        assert_true(rtcp_flags("a0c90001"
                               "11223300",
                               0, 0, NULL, &n) &
                    PKT_LAYER_MALFORMED);
        assert_true(rtcp_flags("a0c90001"
                               "112233ff",
                               0, 0, NULL, &n) &
                    PKT_LAYER_MALFORMED);
        /* Padding that counts itself: kept as the "pad" element. */
        assert_int_equal(rtcp_flags("a0c90002"
                                    "11223344"
                                    "00000004",
                                    0, 0, "pad", &n),
                         0);
        assert_int_equal(n, 1);
        /* Cut by the capture: truncated, not malformed. */
        assert_int_equal(rtcp_flags("80c9000111223344", 3, 0, "sender", &n) &
                                 (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
}

/* The count follows the report blocks, chunks or sources as they are added; the length the bytes.
 */
static void
test_rtcp_counts_and_lengths_follow_elements(void **state)
{
        const uint8_t *d;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_int_equal(
                pkt_build(
                        &p,
                        "rtcp(packet_type=RR,sender=[sender(ssrc=1)],report_blocks=[block(ssrc=2),"
                        "block(ssrc=3)])",
                        NULL, 0),
                0);
        assert_int_equal(tu_field_u64(&p, 0, "count"), 2);
        assert_int_equal(pkt_serialize(&p, 0, &d), 56);
        assert_int_equal(tu_field_u64(&p, 0, "length"), 13);
        pkt_done(&p);
        /* A block given without the sender gets a zero sender in front (the walks read blocks after
         * it); a sender after a block, or a chunk in an RR, cannot be built. */
        pkt_init(&p);
        assert_int_equal(pkt_build(&p, "rtcp(packet_type=RR,report_blocks=[block(ssrc=2)])", NULL, 0), 0);
        assert_int_equal(pkt_serialize(&p, 0, &d), 32);
        assert_memory_equal(d, "\x81\xc9\x00\x07\x00\x00\x00\x00\x00\x00\x00\x02", 12);
        pkt_done(&p);
        pkt_init(&p);
        assert_true(pkt_build(&p, "rtcp(packet_type=RR,report_blocks=[block(ssrc=2)],sender=[sender(ssrc=1)])",
                              NULL, 0) < 0);
        pkt_done(&p);
        /* Nothing after the four bytes: the type's sender part, zeros (scapy's RTCP(packet_type=200) and
         * (packet_type=201)); a BYE without sources stays four bytes. */
        static const struct {
                const char *spec;
                size_t len;
                uint16_t length;
        } bare[] = {
                { "rtcp()", 28, 6 }, { "rtcp(packet_type=RR)", 8, 1 }, { "rtcp(packet_type=PSFB)", 12, 2 },
                { "rtcp(packet_type=XR)", 8, 1 }, { "rtcp(packet_type=BYE)", 4, 0 },
        };
        for (size_t i = 0; i < sizeof(bare) / sizeof(bare[0]); i++) {
                pkt_init(&p);
                assert_int_equal(pkt_build(&p, bare[i].spec, NULL, 0), 0);
                assert_int_equal(pkt_serialize(&p, 0, &d), bare[i].len);
                assert_int_equal(tu_field_u64(&p, 0, "length"), bare[i].length);
                for (size_t k = 4; k < bare[i].len; k++)
                        assert_int_equal(d[k], 0);
                pkt_done(&p);
        }
        pkt_init(&p);
        assert_true(pkt_build(&p, "rtcp(packet_type=RR,sdes_chunks=[chunk(ssrc=2)])", NULL, 0) < 0);
        pkt_done(&p);
}

static void
test_rtcp_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("ndpi/rtcp_multiple_pkts_in_the_same_datagram.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("ndpi/sip.pcap", 104, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("ndpi/stun_google_meet.pcapng", 257, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rtcp_builds_like_scapy),
                cmocka_unit_test(test_rtcp_compounds_read_like_tshark),
                cmocka_unit_test(test_rtcp_heuristic_and_srtcp),
                cmocka_unit_test(test_rtcp_hostile_packets),
                cmocka_unit_test(test_rtcp_counts_and_lengths_follow_elements),
                cmocka_unit_test(test_rtcp_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
