/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IS-IS (layers/net/isis.c) and the OSI carriers (LLC SAP 0xfe, Cisco HDLC 0xfefe, GRE 0x00fe):
 * building against scapy (its Fletcher checksum too), dissecting corpus captures against tshark,
 * hostile PDUs, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0's scapy.contrib.isis (the expression is beside each, and in
 * tests/oracle/scapy_cases_osi.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -V`, run once, values pasted in).
 */
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* The flags of the layer @proto of IS-IS PDU @hex (from its common header) in GRE over IPv4;
 * *@ret_n gets the elements of its set @set. */
static uint16_t
isis_flags(const char *hex, unsigned proto, const char *set, unsigned *ret_n)
{
        return tu_flags_in("ip(src=192.0.2.1,dst=192.0.2.2)/gre(p=0xfe)", hex, PKT_PROTO_IP, 0,
                           proto, set, ret_n);
}

static void
test_isis_builds_like_scapy(void **state)
{
        (void)state;
        /* Dot3(src="02:00:00:00:00:01",dst="01:80:c2:00:00:14")/LLC()/ISIS_CommonHdr()/
         *   ISIS_L1_LAN_Hello(circuittype="L1",sourceid="0000.0000.0001",priority=1,
         *   lanid="0000.0000.0001.01",tlvs=[ISIS_ProtocolsSupportedTlv(nlpids=["IPv4"]),
         *   ISIS_AreaTlv(areas=[ISIS_AreaEntry(areaid="49.0001")]),
         *   ISIS_IpInterfaceAddressTlv(addresses=["192.0.2.1"])])
         * LLC's SAPs 0xfe and UI from the OSI layer above; the header length, type, PDU length and
         * the area's length computed. */
        tu_assert_builds("ethernet(src=02:00:00:00:00:01,dst=01:80:c2:00:00:14)/llc/isis/"
                         "isislanhello(circuittype=L1,sourceid=000000000001,priority=1,"
                         "lanid=00000000000101,tlvs=[protocols_supported(0xcc),"
                         "area_addresses(area=490001),ip_interface_address(192.0.2.1)])",
                         "0180c2000014020000000001002dfefe03"
                         "831b01000f010000"
                         "01000000000001001e002a0100000000000101"
                         "8101cc"
                         "0104034900 01"
                         "8404c0000201");
        /* ISIS_CommonHdr()/ISIS_L2_LSP(lifetime=1199,lspid="0000.0000.0001.00-00",seqnum=5,
         *   typeblock="L1+L2",tlvs=[ISIS_AreaTlv(areas=[ISIS_AreaEntry(areaid="49.0001")]),
         *   ISIS_DynamicHostnameTlv(hostname=b"r1"),ISIS_IpInterfaceAddressTlv(addresses=["192.0.2.1"])])
         * The checksum is ISO 8473's Fletcher checksum from the LSP ID on: 0x9a8e. */
        tu_assert_builds(
                "isis(pdutype=L2_LSP)/isislsp(lifetime=1199,lspid=0000000000010000,seqnum=5,"
                "tlvs=[area_addresses(area=490001),hostname(\"r1\"),"
                "ip_interface_address(192.0.2.1)])",
                "831b010014010000"
                "002b04af0000000000010000000000059a8e03"
                "0104034900 01"
                "89027231"
                "8404c0000201");
        /* ISIS_CommonHdr()/ISIS_L1_CSNP(sourceid="0000.0000.0001.00",tlvs=[ISIS_LspEntryTlv(entries=
         *   [ISIS_LspEntry(lifetime=1199,lspid="0000.0000.0002.00-00",seqnum=3,checksum=0x1234)])])
         * The end LSP ID defaults to all ones. */
        tu_assert_builds("isis/isiscsnp(sourceid=00000000000100,tlvs=[lsp_entries(lifetime=1199,"
                         "lspid=0000000000020000,seqnum=3,checksum=0x1234)])",
                         "8321010018010000"
                         "0033000000000001000000000000000000ffffffffffffffff"
                         "091004af0000000000020000000000031234");
        /* PPP(proto=0x23)/ISIS_CommonHdr()/ISIS_L1_PSNP(sourceid="0000.0000.0001.00"): PPP's OSI
         * protocol (RFC 1377), compressed as a new PPP header is. In Cisco HDLC (protocol 0xfefe,
         * then the padding byte) and in GRE (0x00fe). */
        tu_assert_builds("ppp/isis/isispsnp(sourceid=00000000000100)",
                         "23831101001a010000001100000000000100");
        tu_assert_builds("chdlc/isis/isispsnp(sourceid=00000000000100)", "0f00fefe00"
                                                                         "831101001a010000"
                                                                         "001100000000000100");
        tu_assert_builds("gre/isis/isispsnp(sourceid=00000000000100)", "000000fe"
                                                                       "831101001a010000"
                                                                       "001100000000000100");
}

/* tcpdump/ISIS_level1_adjacency.pcap frame 1 as tshark reads it: an L1 LAN hello from
 * 2222.2222.2222, holding time 30, PDU length 1497, priority 64, LAN ID 2222.2222.2222.01; TLVs
 * protocols supported (0xcc), area 49.000a, interface 10.0.10.2, restart, then padding to the MTU.
 * The Ethernet frame's padding is not the PDU's. */
static void
test_isis_hello_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;

        (void)state;
        tu_load_frame("tcpdump/ISIS_level1_adjacency.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_ISIS);
        assert_int_equal(p.layers[i - 1].proto, PKT_PROTO_LLC);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "hdrlen"), 27);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "pdutype"), 15);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_ISIS_LAN_HELLO);
        unsigned h = (unsigned)i + 1;
        assert_string_equal(tu_field(&p, h, "sourceid"), "222222222222");
        assert_int_equal(tu_field_u64(&p, h, "holdingtime"), 30);
        assert_int_equal(tu_field_u64(&p, h, "pdulength"), 1497);
        assert_int_equal(tu_field_u64(&p, h, "priority"), 64);
        assert_string_equal(tu_field(&p, h, "lanid"), "22222222222201");
        assert_int_equal(p.layers[h].len + 8, 1497);
        assert_string_equal(tu_elem_str(&p, (int)h, "tlvs", 0, "nlpid"), "0xcc");
        assert_string_equal(tu_elem_str(&p, (int)h, "tlvs", 1, "area"), "49000a");
        assert_string_equal(tu_elem_str(&p, (int)h, "tlvs", 2, "addr"), "10.0.10.2");
        assert_string_equal(tu_elem_str(&p, (int)h, "tlvs", 4, "type"), "padding");
        for (unsigned k = 0; k < p.n_layers; k++)
                assert_int_equal(p.layers[k].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                                 0);
        pkt_done(&p);
}

/* tcpdump/isis_cap_tlv.pcap frame 1: the LSP 0192.0168.0001.00-00, sequence 0xb, checksum 0xc074
 * (correct); three extended IS reachability entries (0192.0168.0002.02 metric 10, .0003.02 and
 * .0004.02 metric 63) and five extended IP reachability entries (10.0.12.0/24 metric 10, ..., the
 * last 192.168.0.1/32). The checksum, computed again after the PDU is touched, is the one sent. */
static void
test_isis_lsp_reads_like_tshark(void **state)
{
        struct tu_frame f;
        const uint8_t *d;
        struct pkt p;
        uint16_t flags;

        (void)state;
        tu_load_frame("tcpdump/isis_cap_tlv.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_ISIS_LSP);
        assert_string_equal(tu_field(&p, (unsigned)i, "lspid"), "0192016800010000");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "seqnum"), 0xb);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "checksum"), 0xc074);
        assert_int_equal(tu_elem_count(&p, i, "is_reach", &flags), 3);
        assert_int_equal(flags, 0);
        assert_string_equal(tu_elem_str(&p, i, "is_reach", 0, "neighbor"), "01920168000202");
        assert_string_equal(tu_elem_str(&p, i, "is_reach", 2, "metric"), "63");
        assert_int_equal(tu_elem_count(&p, i, "ip_reach", &flags), 5);
        assert_string_equal(tu_elem_str(&p, i, "ip_reach", 0, "prefix"), "0a000c");
        assert_string_equal(tu_elem_str(&p, i, "ip_reach", 0, "prefix_len"), "24");
        assert_string_equal(tu_elem_str(&p, i, "ip_reach", 4, "prefix"), "c0a80001");
        assert_string_equal(tu_elem_str(&p, i, "ip_reach", 4, "prefix_len"), "32");
        pkt_done(&p);

        pkt_init(&p);
        assert_int_equal(pkt_parse_writable(&p, PKT_PROTO_ETHERNET, f.data, f.caplen, f.wire_len),
                         0);
        i = pkt_layer_find(&p, PKT_PROTO_ISIS_LSP, 0);
        assert_int_equal(pkt_field_set_str(&p, (unsigned)i, "seqnum", "0xb"), 0);
        assert_true(pkt_serialize(&p, 0, &d) > 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "checksum"), 0xc074);
        pkt_done(&p);
}

/* tcpdump/ISIS_external_lsp.pcap frame 9: the LSP 2222.2222.2222.00-00 with narrow metrics: one IS
 * neighbour (3333.3333.3333.02, default metric 10; its delay byte 0x80: not supported, as ISO/IEC
 * 10589 9.8 lays it out, where tshark 4.0 reads the default's byte again) and six IP prefixes, two
 * internal (10.0.10.0/30, 192.168.10.0/24, metric 10), four external (172.16.0.0/30 ..., I/E 1). */
static void
test_isis_narrow_metrics(void **state)
{
        struct tu_frame f;
        struct pkt p;
        uint16_t flags;

        (void)state;
        tu_load_frame("tcpdump/ISIS_external_lsp.pcap", 9, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_ISIS_LSP);
        assert_int_equal(tu_elem_count(&p, i, "is_reach_narrow", &flags), 1);
        assert_int_equal(flags, 0);
        assert_string_equal(tu_elem_str(&p, i, "is_reach_narrow", 0, "neighbor"), "33333333333302");
        assert_string_equal(tu_elem_str(&p, i, "is_reach_narrow", 0, "default_metric"), "10");
        assert_string_equal(tu_elem_str(&p, i, "is_reach_narrow", 0, "delay_s"), "1");
        assert_string_equal(tu_elem_str(&p, i, "is_reach_narrow", 0, "delay_metric"), "0");
        assert_int_equal(tu_elem_count(&p, i, "ip_reach_narrow", &flags), 6);
        assert_string_equal(tu_elem_str(&p, i, "ip_reach_narrow", 0, "prefix"), "10.0.10.0");
        assert_string_equal(tu_elem_str(&p, i, "ip_reach_narrow", 0, "mask"), "255.255.255.252");
        assert_string_equal(tu_elem_str(&p, i, "ip_reach_narrow", 1, "default_metric"), "10");
        assert_string_equal(tu_elem_str(&p, i, "ip_reach_narrow", 2, "prefix"), "172.16.0.0");
        assert_string_equal(tu_elem_str(&p, i, "ip_reach_narrow", 2, "default_ie"), "1");
        pkt_done(&p);
}

/* IPv6 reachability (RFC 5308), built and read back: three prefixes of 4, 6 and 8 bytes, the last
 * with 4 bytes of sub-TLVs. tshark 4.0 reads the built frame the same way (2001:db8::/32 metric 10,
 * 2001:db8:1::/48 metric 20, 2001:db8:a::/64 metric 5 with sub-TLVs of length 4; checksum good). */
static void
test_isis_ipv6_reachability(void **state)
{
        const uint8_t *d;
        struct pkt p;
        uint16_t flags;

        (void)state;
        pkt_init(&p);
        tu_build(&p,
                 "isis/isislsp(lspid=0000000000020000,seqnum=0x10,tlvs=["
                 "ipv6_reachability(metric=10,prefix_len=32,more=20010db800000014003020010db80001),"
                 "ipv6_reachability(metric=5,s=1,prefix_len=64,more=20010db8000a00000401020304)])",
                 &d);
        int i = tu_layer_of(&p, PKT_PROTO_ISIS_LSP);
        assert_int_equal(tu_elem_count(&p, i, "ip6_reach", &flags), 3);
        assert_int_equal(flags, 0);
        assert_string_equal(tu_elem_str(&p, i, "ip6_reach", 0, "prefix"), "20010db8");
        assert_string_equal(tu_elem_str(&p, i, "ip6_reach", 1, "metric"), "20");
        assert_string_equal(tu_elem_str(&p, i, "ip6_reach", 1, "prefix"), "20010db80001");
        assert_string_equal(tu_elem_str(&p, i, "ip6_reach", 2, "prefix_len"), "64");
        assert_string_equal(tu_elem_str(&p, i, "ip6_reach", 2, "subtlvs"), "0401020304");
        pkt_done(&p);
        /* A prefix length of 129, and sub-TLVs past the TLV: flagged, each ends its TLV's list. */
        unsigned n;
        assert_int_equal(isis_flags("831b010012010000"
                                    "0023000000000000000000000000018c1e03"
                                    "ec06"
                                    "0000000a0081",
                                    PKT_PROTO_ISIS_LSP, "ip6_reach", &n),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(isis_flags("831b010012010000"
                                    "0027000000000000000000000000018c1e03"
                                    "ec0a"
                                    "0000000a2010"
                                    "20010509",
                                    PKT_PROTO_ISIS_LSP, "ip6_reach", &n),
                         PKT_LAYER_MALFORMED);
}

/* tcpdump/ISIS_level2_adjacency.pcap frame 13: an L2 CSNP from 3333.3333.3333.00 listing three LSPs
 * (3333.3333.3333.00-00, 4444.4444.4444.00-00 and .01-00) in one LSP entries TLV. */
static void
test_isis_csnp_lists_lsp_entries(void **state)
{
        struct tu_frame f;
        struct pkt p;
        uint16_t flags;

        (void)state;
        tu_load_frame("tcpdump/ISIS_level2_adjacency.pcap", 13, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_ISIS_CSNP);
        assert_int_equal(tu_field_u64(&p, (unsigned)i - 1, "pdutype"), 25);
        assert_int_equal(tu_elem_count(&p, i, "lsps", &flags), 3);
        assert_int_equal(flags, 0);
        assert_string_equal(tu_elem_str(&p, i, "lsps", 0, "lspid"), "3333333333330000");
        assert_string_equal(tu_elem_str(&p, i, "lsps", 2, "lspid"), "4444444444440100");
        pkt_done(&p);
}

/* The carriers: Cisco HDLC with its padding byte (tcpdump/ISIS_p2p_adjacency.pcap frame 1: 0x74,
 * then a P2P hello), GRE in a cooked capture (tcpdump/isis-infinite-loop.pcap frame 1), and an OSI
 * packet of another NLPID (ES-IS, 0x82), which stays raw. */
static void
test_isis_carriers(void **state)
{
        static const uint8_t esis[] = {
                0x0f, 0x00, 0xfe, 0xfe, 0x00, 0x82, 0x0e, 0x01, 0x00, 0x02
        };
        struct tu_frame f;
        struct pkt p;

        (void)state;
        tu_load_frame("tcpdump/ISIS_p2p_adjacency.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_CHDLC);
        assert_int_equal(p.layers[0].hdr_len, 5);
        assert_int_equal(tu_field_u64(&p, 0, "clns_padding"), 0x74);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_ISIS);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_ISIS_P2P_HELLO);
        pkt_done(&p);

        tu_load_frame("tcpdump/isis-infinite-loop.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_ISIS);
        assert_int_equal(p.layers[i - 1].proto, PKT_PROTO_GRE);
        pkt_done(&p);

        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_CHDLC, esis, sizeof(esis), sizeof(esis)), 0);
        assert_int_equal(pkt_dissect_all(&p), 2);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_RAW);
        pkt_done(&p);
}

static void
test_isis_flags_hostile_pdus(void **state)
{
        unsigned n;

        (void)state;
        /* A PSNP with one LSP entry: well formed. */
        assert_int_equal(isis_flags("831101001a010000"
                                    "002300000000000100"
                                    "091004af0000000000020000000000031234",
                                    PKT_PROTO_ISIS_PSNP, "lsps", &n),
                         0);
        assert_int_equal(n, 1);
        /* An LSP entries TLV with 5 bytes past its entry: flagged, the entry still listed. */
        assert_int_equal(isis_flags("831101001a010000"
                                    "002800000000000100"
                                    "091504af00000000000200000000000312340102030405",
                                    PKT_PROTO_ISIS_PSNP, "lsps", &n),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(n, 2);
        /* A PDU length beyond the datagram. */
        assert_int_equal(isis_flags("831101001a010000"
                                    "004000000000000100"
                                    "0102aabb",
                                    PKT_PROTO_ISIS, "tlvs", &n),
                         PKT_LAYER_MALFORMED);
        /* A TLV longer than the PDU. */
        assert_int_equal(isis_flags("831101001a010000"
                                    "001500000000000100"
                                    "0110aabb",
                                    PKT_PROTO_ISIS_PSNP, "tlvs", &n),
                         PKT_LAYER_MALFORMED);
        /* A PDU length below the fixed header: the common header is malformed. */
        assert_int_equal(isis_flags("831101001a010000"
                                    "000800000000000100",
                                    PKT_PROTO_ISIS, "tlvs", &n),
                         PKT_LAYER_MALFORMED);
        /* A header length that is not the type's. */
        assert_int_equal(isis_flags("831201001a010000"
                                    "001100000000000100",
                                    PKT_PROTO_ISIS, "tlvs", &n),
                         PKT_LAYER_MALFORMED);
        /* An IP reachability entry with a prefix length of 40, and one whose sub-TLVs run past the
         * TLV: flagged, each ends the TLV's list. */
        assert_int_equal(isis_flags("831b010014010000"
                                    "0022000000000000000000000000018c1e03"
                                    "8705"
                                    "0000000a28",
                                    PKT_PROTO_ISIS_LSP, "ip_reach", &n),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(isis_flags("831b010014010000"
                                    "0025000000000000000000000000018c1e03"
                                    "8708"
                                    "0000000a58c0"
                                    "0509",
                                    PKT_PROTO_ISIS_LSP, "ip_reach", &n),
                         PKT_LAYER_MALFORMED);
        /* A system ID length of 3: the PDU stays raw. */
        assert_int_equal(isis_flags("831101031a010000"
                                    "001100000000000100",
                                    PKT_PROTO_ISIS, "tlvs", &n),
                         0);
}

/* A PDU of a thousand empty TLVs: each is listed, the walk ends at the PDU's end. */
static void
test_isis_many_empty_tlvs(void **state)
{
        static uint8_t b[20 + 4 + 17 + 2000];
        struct pkt p;
        uint16_t flags;

        (void)state;
        memset(b, 0, sizeof(b));
        b[0] = 0x45, b[2] = sizeof(b) >> 8, b[3] = sizeof(b) & 0xff, b[8] = 64, b[9] = 47;
        memcpy(b + 20, "\x00\x00\x00\xfe\x83\x11\x01\x00\x1a\x01\x00\x00", 12);
        b[32] = (17 + 2000) >> 8, b[33] = (17 + 2000) & 0xff;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP, b, sizeof(b), sizeof(b)), 0);
        pkt_dissect_all(&p);
        int i = tu_layer_of(&p, PKT_PROTO_ISIS_PSNP);
        assert_int_equal(tu_elem_count(&p, i, "tlvs", &flags), 1000);
        assert_int_equal(flags, 0);
        assert_int_equal(tu_elem_count(&p, i, "lsps", &flags), 0);
        pkt_done(&p);
}

static void
test_isis_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("tcpdump/isis_cap_tlv.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/ISIS_level2_adjacency.pcap", 13, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/ISIS_p2p_adjacency.pcap", 2, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_isis_builds_like_scapy),
                cmocka_unit_test(test_isis_hello_reads_like_tshark),
                cmocka_unit_test(test_isis_lsp_reads_like_tshark),
                cmocka_unit_test(test_isis_narrow_metrics),
                cmocka_unit_test(test_isis_ipv6_reachability),
                cmocka_unit_test(test_isis_csnp_lists_lsp_entries),
                cmocka_unit_test(test_isis_carriers),
                cmocka_unit_test(test_isis_flags_hostile_pdus),
                cmocka_unit_test(test_isis_many_empty_tlvs),
                cmocka_unit_test(test_isis_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
