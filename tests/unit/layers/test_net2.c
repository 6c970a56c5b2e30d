/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IGMP, PIM, OSPF and IPX (layers/net/igmp.c, pim.c, ospf.c, ospf_body.c, ipx.c): building against
 * scapy, dissecting corpus frames against tshark, truncation and hostile captures.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* scapy (load_contrib("igmpv3")): IP(src="192.0.2.1",dst="224.0.0.22",id=1,ttl=1)/IGMPv3(type=0x22,
 * mrcode=0)/IGMPv3mr(records=[IGMPv3gr(rtype=4,maddr="239.1.1.1"),IGMPv3gr(rtype=1,maddr="232.1.1.1",
 * srcaddrs=["192.0.2.5","192.0.2.6"])]) */
static const char igmpv3_report_hex[] =
        "45c0003400010000010216f0c0000201e000001622007be90000000204000000ef01010101000002e8010101"
        "c0000205c0000206";
/* scapy (load_contrib("ospf")): IP(src="192.0.2.1",dst="224.0.0.5",id=1,ttl=1)/OSPF_Hdr(src="192.0.2.1",
 * area="0.0.0.0")/OSPF_Hello(mask="255.255.255.0",options=0x02,prio=1,hellointerval=10,deadinterval=40,
 * router="192.0.2.1",backup="0.0.0.0",neighbors=["192.0.2.2"]) */
static const char ospf_hello_hex[] =
        "45000044000100000159175ac0000201e000000502010030c000020100000000b694000000000000000000"
        "00ffffff00000a020100000028c000020100000000c0000202";
/* scapy (load_contrib("pim")): IP(src="192.0.2.1",dst="224.0.0.13",id=1,ttl=1)/PIMv2Hdr(type=0)/
 * PIMv2Hello(option=[PIMv2HelloHoldtime(holdtime=105),PIMv2HelloDRPriority(dr_priority=1),
 * PIMv2HelloGenerationID(generation_id=0x12345678)]) */
static const char pim_hello_hex[] =
        "4500002e000100000167175ac0000201e000000d200076b700010002006900130004000000010014000412345678";
/* Novell raw 802.3: a length-typed Ethernet frame whose payload starts with the IPX checksum ff ff
 * (IPX header from tcpdump/ipx.pcap frame 1, without its LLC header). */
static const char ipx_raw_8023_hex[] =
        "ffffffffffff0003471bc1a8001effff001e001400000000ffffffffffff0455a8f7c4670000000000010455";

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
test_igmpv3_report_counts_records_and_sources_as_scapy(void **state)
{
        (void)state;
        assert_build("ip(src=192.0.2.1,dst=224.0.0.22,id=1,ttl=1,tos=0xc0)/igmp(maxresp=0)/igmpv3report("
                     "records=[rec(type=4,maddr=239.1.1.1),rec(type=1,maddr=232.1.1.1,src=192.0.2.5,"
                     "src=192.0.2.6)])",
                     igmpv3_report_hex);
}

static void
test_ospf_hello_checksum_skips_auth_as_scapy(void **state)
{
        (void)state;
        assert_build("ip(src=192.0.2.1,dst=224.0.0.5,id=1,ttl=1)/ospf(router=192.0.2.1,area=0.0.0.0)/"
                     "ospfhello(mask=255.255.255.0,options=E,dr=192.0.2.1,neighbors=[neighbor(192.0.2.2)])",
                     ospf_hello_hex);
}

static void
test_pim_hello_options_build_as_scapy(void **state)
{
        (void)state;
        assert_build("ip(src=192.0.2.1,dst=224.0.0.13,id=1,ttl=1)/pim()/pimhello(opts=[holdtime(105),"
                     "dr_priority(1),generation_id(0x12345678)])",
                     pim_hello_hex);
}

static void
test_igmp_explicit_checksum_wins(void **state)
{
        const uint8_t *d;
        struct pkt p;
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, "ip(src=192.0.2.1,dst=224.0.0.1)/igmp(type=0x16,group=239.1.1.1,sum=0x1234)", &d);
        assert_int_equal(n, 28);
        assert_int_equal(d[22], 0x12);
        assert_int_equal(d[23], 0x34);
        pkt_done(&p);
}

/* Reads frame @frame (1-based) of corpus file @rel into @buf and parses it. */
static size_t
load_frame(const char *rel, unsigned frame, uint8_t *buf, size_t size, struct pkt *p)
{
        char err[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *data;
        pcap_t *pc = pcap_open_offline(tu_corpus(rel), err);
        size_t n = 0;

        if (!pc)
                fail_msg("%s: %s", rel, err);
        for (unsigned i = 0; i < frame; i++)
                assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
        assert_true(h->caplen <= size);
        memcpy(buf, data, h->caplen);
        n = h->caplen;
        pkt_init(p);
        assert_int_equal(pkt_parse_dlt(p, pcap_datalink(pc), buf, n, h->len), 0);
        pcap_close(pc);
        return n;
}

/* tshark: igmp.record_type 1, igmp.maddr 224.0.0.9, igmp.num_src 1, igmp.saddr 192.168.20.222. */
static void
test_igmpv3_report_record_matches_tshark(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        uint64_t v;
        char s[64];
        int n = 0;
        (void)state;

        load_frame("pcapplusplus/PacketExamples__igmpv3.pcap", 2, buf, sizeof(buf), &p);
        int i = pkt_layer_find(&p, PKT_PROTO_IGMPV3_REPORT, 0);
        assert_true(i > 0);
        PKT_ELEM_FOREACH(&p, (unsigned)i, "records", e)
        {
                assert_int_equal(pkt_elem_get_u64(&p, (unsigned)i, &e, "type", &v), 0);
                assert_int_equal(v, 1);
                assert_true(pkt_elem_get_str(&p, (unsigned)i, &e, "maddr", s, sizeof(s)) >= 0);
                assert_string_equal(s, "224.0.0.9");
                assert_int_equal(pkt_elem_get_u64(&p, (unsigned)i, &e, "nsrcs", &v), 0);
                assert_int_equal(v, 1);
                n++;
        }
        assert_int_equal(n, 1);
        pkt_done(&p);
}

/* tshark: num_grp_recs 1, one record; the 6 zero bytes after it (IP counts them) are no record. */
static void
test_igmpv3_report_stops_at_the_record_count(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        int n = 0;
        (void)state;

        load_frame("zeek/igmp__home-multicast-short.pcap", 2, buf, sizeof(buf), &p);
        int i = pkt_layer_find(&p, PKT_PROTO_IGMPV3_REPORT, 0);
        assert_true(i > 0);
        assert_false(p.layers[i].flags & PKT_LAYER_MALFORMED);
        PKT_ELEM_FOREACH(&p, (unsigned)i, "records", e)
                n++;
        assert_int_equal(n, 1);
        pkt_done(&p);
}

/* tshark: ospf.msg 1, hello interval 10, dead interval 40 on packetnet/ospfv2.pcap frame 1. */
static void
test_ospf_hello_corpus_fields_match_tshark(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        (void)state;

        load_frame("packetnet/ospfv2.pcap", 1, buf, sizeof(buf), &p);
        int i = pkt_layer_find(&p, PKT_PROTO_OSPF_HELLO, 0);
        assert_true(i > 0);
        assert_string_equal(tu_field(&p, (unsigned)i - 1, "type"), "HELLO");
        assert_string_equal(tu_field(&p, (unsigned)i, "hello_interval"), "10");
        assert_string_equal(tu_field(&p, (unsigned)i, "dead_interval"), "40");
        pkt_done(&p);
}

static void
test_ipx_in_raw_8023_frame(void **state)
{
        uint8_t buf[128];
        struct pkt p;
        (void)state;

        size_t n = tu_hex(ipx_raw_8023_hex, buf, sizeof(buf));
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, 1, buf, n, n), 0);
        int i = pkt_layer_find(&p, PKT_PROTO_IPX, 0);
        assert_int_equal(i, 1);
        assert_string_equal(tu_field(&p, 1, "dst_node"), "ff:ff:ff:ff:ff:ff");
        assert_string_equal(tu_field(&p, 1, "len"), "30");
        pkt_done(&p);
}

/* tshark (frame 3): pim.upstream_neighbor 10.0.0.13, pim.res_bytes 00, pim.numgroups 1,
 * pim.holdtime 210, pim.group 239.123.123.123 (flags 0x00, mask_len 32), pim.numjoins 1,
 * pim.join_ip 1.1.1.1 (flags 0x07, mask_len 32), pim.numprunes 0, pim.cksum 0x5ae5 (good). */
static void
test_pim_join_prune_corpus_frame_matches_tshark(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        (void)state;

        load_frame("tcpdump/PIM-SM_join_prune.pcap", 3, buf, sizeof(buf), &p);
        int i = pkt_layer_find(&p, PKT_PROTO_PIM_JOIN_PRUNE, 0);
        assert_true(i > 0);
        assert_false(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        assert_string_equal(tu_field(&p, (unsigned)i - 1, "sum"), "0x5ae5");
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "af"), "1");
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "neighbor"), "10.0.0.13");
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "rsvd"), "00");
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "ngroups"), "1");
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "holdtime"), "210");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "group"), "239.123.123.123");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "b"), "0");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "masklen"), "32");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "njoin"), "1");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "nprune"), "0");
        /* the one joined source, encoded (RFC 7761 4.9.1): IPv4, native, flags S|W|R, /32, 1.1.1.1 */
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "srcs"), "0100072001010101");
        int n = 0;
        PKT_ELEM_FOREACH(&p, (unsigned)i, "groups", e)
                n++;
        assert_int_equal(n, 1);
        pkt_done(&p);
}

/* tshark (frame 152, IPv6): pim.upstream_neighbor_ip6 1::9, pim.numgroups 3, pim.holdtime 45,
 * pim.group_ip6 ff02::3 then ff02::2, ff02::1; 4 joins and 3 prunes each (first join 1::5). */
static void
test_pim_join_prune_ipv6_matches_tshark(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        (void)state;

        load_frame("tcpdump/pim-packet-assortment.pcap", 152, buf, sizeof(buf), &p);
        int i = pkt_layer_find(&p, PKT_PROTO_PIM_JOIN_PRUNE, 0);
        assert_true(i > 0);
        assert_false(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "neighbor"), "1::9");
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "ngroups"), "3");
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "holdtime"), "45");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "group"), "ff02::3");
        assert_string_equal(tu_elem_str(&p, i, "groups", 1, "group"), "ff02::2");
        assert_string_equal(tu_elem_str(&p, i, "groups", 2, "group"), "ff02::1");
        assert_string_equal(tu_elem_str(&p, i, "groups", 2, "njoin"), "4");
        assert_string_equal(tu_elem_str(&p, i, "groups", 2, "nprune"), "3");
        /* 7 encoded IPv6 sources of 20 bytes; the first is 1::5 */
        const char *srcs = tu_elem_str(&p, i, "groups", 2, "srcs");
        assert_int_equal(strlen(srcs), 7 * 20 * 2);
        assert_memory_equal(srcs, "02000", 5);
        assert_memory_equal(srcs + 8, "00010000000000000000000000000005", 32);
        pkt_done(&p);
}

/* tshark: assert (frame 42) pim.group 225.0.0.1, pim.source 10.0.0.1, pim.rpt 0, pim.metric_pref 0,
 * pim.metric 0; register-stop (frame 79) pim.group 225.0.0.1, pim.source 10.0.0.1; IPv6 assert
 * (frame 169) pim.group_ip6 ff02::1, pim.source_ip6 1::2. */
static void
test_pim_assert_and_register_stop_match_tshark(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        (void)state;

        load_frame("tcpdump/pim-packet-assortment.pcap", 42, buf, sizeof(buf), &p);
        int i = pkt_layer_find(&p, PKT_PROTO_PIM_ASSERT, 0);
        assert_string_equal(tu_elem_str(&p, i, "group", 0, "group"), "225.0.0.1");
        assert_string_equal(tu_elem_str(&p, i, "src", 0, "src"), "10.0.0.1");
        assert_string_equal(tu_elem_str(&p, i, "src", 0, "r"), "0");
        assert_string_equal(tu_elem_str(&p, i, "src", 0, "metric_pref"), "0");
        assert_string_equal(tu_elem_str(&p, i, "src", 0, "metric"), "0");
        pkt_done(&p);

        load_frame("tcpdump/pim-packet-assortment.pcap", 79, buf, sizeof(buf), &p);
        i = pkt_layer_find(&p, PKT_PROTO_PIM_REGISTER_STOP, 0);
        assert_string_equal(tu_elem_str(&p, i, "group", 0, "group"), "225.0.0.1");
        assert_string_equal(tu_elem_str(&p, i, "src", 0, "src"), "10.0.0.1");
        pkt_done(&p);

        load_frame("tcpdump/pim-packet-assortment.pcap", 169, buf, sizeof(buf), &p);
        i = pkt_layer_find(&p, PKT_PROTO_PIM_ASSERT, 0);
        assert_string_equal(tu_elem_str(&p, i, "group", 0, "group"), "ff02::1");
        assert_string_equal(tu_elem_str(&p, i, "src", 0, "src"), "1::2");
        pkt_done(&p);
}

/* tshark -V (PIMv2_bootstrap.pcap frame 1): pim.fragment_tag 0x04b0, pim.hash_mask_len 0,
 * pim.bsr_priority 0, pim.bsr 1.1.1.1, group 224.0.0.0/4 with pim.rp_count 2, pim.frp_count 2, RPs
 * 2.2.2.2 and 3.3.3.3 (pim.holdtime 150, pim.priority 0 each). pim-packet-assortment.pcap frame 6:
 * hash mask 5, BSR priority 45, BSR 10.0.0.7, groups 225.0.0.2 and 225.0.0.3 (/32, one RP each): RP
 * 10.0.0.5 (holdtime 118, priority 107), RP 10.0.0.6 (163, 39). Frame 134 (IPv6): hash mask 16, BSR
 * priority 59, BSR 1::8, groups ff02::2 and ff02::3 (/128), RPs 1::6 (75, 64) and 1::7 (90, 229). */
static void
test_pim_bootstrap_matches_tshark(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        (void)state;

        load_frame("tcpdump/PIMv2_bootstrap.pcap", 1, buf, sizeof(buf), &p);
        int i = pkt_layer_find(&p, PKT_PROTO_PIM_BOOTSTRAP, 0);
        assert_true(i > 0);
        assert_false(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        assert_string_equal(tu_field(&p, (unsigned)i - 1, "sum"), "0xe410");
        assert_string_equal(tu_field(&p, (unsigned)i, "fragment_tag"), "0x04b0");
        assert_string_equal(tu_field(&p, (unsigned)i, "hash_mask_len"), "0");
        assert_string_equal(tu_field(&p, (unsigned)i, "bsr_priority"), "0");
        assert_string_equal(tu_elem_str(&p, i, "bsr", 0, "bsr"), "1.1.1.1");
        assert_int_equal(tu_elem_count(&p, i, "groups", NULL), 1);
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "group"), "224.0.0.0");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "masklen"), "4");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "rp_count"), "2");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "frag_rp_count"), "2");
        assert_int_equal(tu_elem_count(&p, i, "rps", NULL), 2);
        assert_string_equal(tu_elem_str(&p, i, "rps", 0, "rp"), "2.2.2.2");
        assert_string_equal(tu_elem_str(&p, i, "rps", 1, "rp"), "3.3.3.3");
        assert_string_equal(tu_elem_str(&p, i, "rps", 1, "holdtime"), "150");
        assert_string_equal(tu_elem_str(&p, i, "rps", 1, "priority"), "0");
        pkt_done(&p);

        load_frame("tcpdump/pim-packet-assortment.pcap", 6, buf, sizeof(buf), &p);
        i = pkt_layer_find(&p, PKT_PROTO_PIM_BOOTSTRAP, 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "hash_mask_len"), "5");
        assert_string_equal(tu_field(&p, (unsigned)i, "bsr_priority"), "45");
        assert_string_equal(tu_elem_str(&p, i, "bsr", 0, "bsr"), "10.0.0.7");
        assert_int_equal(tu_elem_count(&p, i, "groups", NULL), 2);
        assert_string_equal(tu_elem_str(&p, i, "groups", 1, "group"), "225.0.0.3");
        assert_string_equal(tu_elem_str(&p, i, "groups", 1, "frag_rp_count"), "1");
        assert_int_equal(tu_elem_count(&p, i, "rps", NULL), 2);
        assert_string_equal(tu_elem_str(&p, i, "rps", 0, "rp"), "10.0.0.5");
        assert_string_equal(tu_elem_str(&p, i, "rps", 0, "holdtime"), "118");
        assert_string_equal(tu_elem_str(&p, i, "rps", 0, "priority"), "107");
        assert_string_equal(tu_elem_str(&p, i, "rps", 1, "rp"), "10.0.0.6");
        assert_string_equal(tu_elem_str(&p, i, "rps", 1, "holdtime"), "163");
        assert_string_equal(tu_elem_str(&p, i, "rps", 1, "priority"), "39");
        pkt_done(&p);

        load_frame("tcpdump/pim-packet-assortment.pcap", 134, buf, sizeof(buf), &p);
        i = pkt_layer_find(&p, PKT_PROTO_PIM_BOOTSTRAP, 0);
        assert_false(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        assert_string_equal(tu_field(&p, (unsigned)i, "hash_mask_len"), "16");
        assert_string_equal(tu_field(&p, (unsigned)i, "bsr_priority"), "59");
        assert_string_equal(tu_elem_str(&p, i, "bsr", 0, "af"), "2");
        assert_string_equal(tu_elem_str(&p, i, "bsr", 0, "bsr"), "1::8");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "group"), "ff02::2");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "masklen"), "128");
        assert_string_equal(tu_elem_str(&p, i, "groups", 1, "group"), "ff02::3");
        assert_string_equal(tu_elem_str(&p, i, "rps", 0, "rp"), "1::6");
        assert_string_equal(tu_elem_str(&p, i, "rps", 0, "holdtime"), "75");
        assert_string_equal(tu_elem_str(&p, i, "rps", 0, "priority"), "64");
        assert_string_equal(tu_elem_str(&p, i, "rps", 1, "rp"), "1::7");
        assert_string_equal(tu_elem_str(&p, i, "rps", 1, "priority"), "229");
        pkt_done(&p);
}

/* tshark -V (PIMv2_bootstrap.pcap frame 2): pim.prefix_count 1, pim.priority 0, pim.holdtime 150,
 * pim.rp 3.3.3.3, group 224.0.0.0/4. pim-packet-assortment.pcap frame 18: prefix count 2, holdtime
 * 670, priority 63, RP 10.0.0.6, groups 225.0.0.7 and 225.0.0.8 only (the message carries four more
 * encoded groups past the count; tshark, like RFC 5059 4.3, reads prefix-count of them). Frame 142
 * (IPv6): RP 1::4, holdtime 651, priority 131, groups ff02::3 and ff02::4. */
static void
test_pim_crp_adv_matches_tshark(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        (void)state;

        load_frame("tcpdump/PIMv2_bootstrap.pcap", 2, buf, sizeof(buf), &p);
        int i = pkt_layer_find(&p, PKT_PROTO_PIM_CRP_ADV, 0);
        assert_true(i > 0);
        assert_false(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        assert_string_equal(tu_field(&p, (unsigned)i - 1, "sum"), "0xee5e");
        assert_string_equal(tu_field(&p, (unsigned)i, "prefix_count"), "1");
        assert_string_equal(tu_field(&p, (unsigned)i, "priority"), "0");
        assert_string_equal(tu_field(&p, (unsigned)i, "holdtime"), "150");
        assert_string_equal(tu_elem_str(&p, i, "rp", 0, "rp"), "3.3.3.3");
        assert_int_equal(tu_elem_count(&p, i, "groups", NULL), 1);
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "group"), "224.0.0.0");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "masklen"), "4");
        pkt_done(&p);

        load_frame("tcpdump/pim-packet-assortment.pcap", 18, buf, sizeof(buf), &p);
        i = pkt_layer_find(&p, PKT_PROTO_PIM_CRP_ADV, 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "holdtime"), "670");
        assert_string_equal(tu_field(&p, (unsigned)i, "priority"), "63");
        assert_string_equal(tu_elem_str(&p, i, "rp", 0, "rp"), "10.0.0.6");
        assert_int_equal(tu_elem_count(&p, i, "groups", NULL), 2);
        assert_string_equal(tu_elem_str(&p, i, "groups", 1, "group"), "225.0.0.8");
        pkt_done(&p);

        load_frame("tcpdump/pim-packet-assortment.pcap", 142, buf, sizeof(buf), &p);
        i = pkt_layer_find(&p, PKT_PROTO_PIM_CRP_ADV, 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "holdtime"), "651");
        assert_string_equal(tu_field(&p, (unsigned)i, "priority"), "131");
        assert_string_equal(tu_elem_str(&p, i, "rp", 0, "rp"), "1::4");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "group"), "ff02::3");
        assert_string_equal(tu_elem_str(&p, i, "groups", 1, "group"), "ff02::4");
        pkt_done(&p);
}

/* A bootstrap group claiming 255 RPs in this fragment carries 2: the group runs past the message
 * (malformed), the RP walk stops at the end, and nothing loops. */
static void
test_pim_bootstrap_hostile_rp_count(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        (void)state;

        size_t len = load_frame("tcpdump/PIMv2_bootstrap.pcap", 1, buf, sizeof(buf), &p);
        pkt_done(&p);
        /* Ethernet 14 + IPv4 20 + PIM 4 + fixed 4 + BSR 6 + encoded group 8, then RP count, frag count */
        buf[14 + 20 + 4 + 4 + 6 + 8 + 1] = 0xff;
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, DLT_EN10MB, buf, len, len), 0);
        int i = pkt_layer_find(&p, PKT_PROTO_PIM_BOOTSTRAP, 0);
        assert_true(i > 0);
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        assert_int_equal(tu_elem_count(&p, i, "rps", NULL), 2);
        pkt_done(&p);
}

/* scapy (load_contrib("pim")): IP(src="192.0.2.1",dst="224.0.0.13",id=1,ttl=1)/PIMv2Hdr(type=3)/
 * PIMv2JoinPrune(up_neighbor_ip="10.0.0.13",holdtime=210,jp_ips=[PIMv2GroupAddrs(gaddr="239.1.1.1",
 * join_ips=[PIMv2JoinAddrs(src_ip="10.0.0.1",sparse=1,wildcard=1,rpt=1),PIMv2JoinAddrs(
 * src_ip="10.0.0.2",sparse=1,rpt=0)],prune_ips=[PIMv2PruneAddrs(src_ip="10.0.0.3",rpt=1)]),
 * PIMv2GroupAddrs(gaddr="239.2.2.2",mask_len=24)]) */
static const char pim_joinprune_hex[] =
        "450000520001000001671736c0000201e000000d2300c07501000a00000d000200d201000020ef010101000200"
        "01010007200a000001010004200a000002010001200a00000301000018ef02020200000000";

static void
test_pim_join_prune_builds_as_scapy(void **state)
{
        (void)state;
        assert_build("ip(src=192.0.2.1,dst=224.0.0.13,id=1,ttl=1)/pim()/pimjoinprune("
                     "upstream=[upstream(10.0.0.13,holdtime=210)],groups=[group(239.1.1.1,"
                     "join=[src(10.0.0.1,flags=7,masklen=32),10.0.0.2],prune=[src(10.0.0.3,flags=1)]),"
                     "group(239.2.2.2,masklen=24)])",
                     pim_joinprune_hex);
}

/* scapy has no register-stop or assert: these bytes were checked with tshark (written to a pcap
 * under Ethernet; tshark -T fields: pim.type 2, pim.cksum.status 1 (good), pim.group 232.1.1.1,
 * pim.mask_len 32, pim.source 192.0.2.9; then pim.type 5, good checksum, pim.group 239.1.1.1,
 * pim.source 10.0.0.1, pim.rpt 1, pim.metric_pref 120, pim.metric 10; then over IPv6: pim.type 5,
 * good checksum (pseudo-header), pim.group_ip6 ff3e::1, pim.mask_len 128, pim.source_ip6
 * 2001:db8::1, pim.rpt 0, pim.metric_pref 101, pim.metric 20). */
static void
test_pim_register_stop_and_assert_build_as_tshark_reads(void **state)
{
        (void)state;
        assert_build("ip(src=192.0.2.1,dst=198.51.100.1,id=1)/pim()/pimregisterstop("
                     "group=[group(232.1.1.1)],src=[src(192.0.2.9)])",
                     "450000260001000040678e3ac0000201c6336401220030d301000020e80101010100c0000209");
        assert_build("ip(src=192.0.2.1,dst=224.0.0.13,id=1,ttl=1)/pim()/pimassert("
                     "group=[group(239.1.1.1,masklen=32)],src=[src(10.0.0.1,r=1,metric_pref=120,"
                     "metric=10)])",
                     "4500002e000100000167175ac0000201e000000d25005e5901000020ef01010101000a000001"
                     "800000780000000a");
        assert_build("ip6(src=fe80::1,dst=ff02::d,hlim=1)/pim()/pimassert(group=[group(ff3e::1)],"
                     "src=[src(2001:db8::1,metric_pref=101,metric=20)])",
                     "6000000000326701fe800000000000000000000000000001ff020000000000000000000000"
                     "00000d2500aae102000080ff3e0000000000000000000000000001020020010db800000000"
                     "00000000000000010000006500000014");
}

/* The group count follows the groups, whichever set is given first; a bad source is refused. */
static void
test_pim_join_prune_build_counts_groups(void **state)
{
        const uint8_t *d;
        struct pkt p;
        char err[256];
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, "ip6(src=fe80::1,dst=ff02::d,hlim=1)/pim()/pimjoinprune(groups=["
                                "group(ff3e::1,join=[2001:db8::1]),group(ff3e::2)],"
                                "upstream=[upstream(fe80::2)])", &d);
        assert_true(n > 40);
        int i = pkt_layer_find(&p, PKT_PROTO_PIM_JOIN_PRUNE, 0);
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "neighbor"), "fe80::2");
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "ngroups"), "2");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "njoin"), "1");
        assert_string_equal(tu_elem_str(&p, i, "groups", 1, "group"), "ff3e::2");
        pkt_done(&p);

        pkt_init(&p);
        assert_true(pkt_build(&p, "ip()/pim()/pimjoinprune(upstream=[upstream(10.0.0.1)],groups=["
                                  "group(239.1.1.1,join=[src(10.0.0.1,bogus=1)])])",
                              err, sizeof(err)) < 0);
        pkt_done(&p);
}

/* A bootstrap message builds as tshark reads it (RFC 5059 4.2): the BSR, then each group range with
 * its RPs, whose counts are theirs unless given; the "rps" set lists them back. A candidate-RP
 * advertisement's prefix count follows its groups. Parts out of order are refused. */
static void
test_pim_bootstrap_and_crp_adv_build(void **state)
{
        struct pkt p;
        (void)state;

        tu_assert_builds("pimbootstrap(fragment_tag=0x1234,hash_mask_len=30,bsr_priority=1,bsr=[bsr(192.0.2.1)],"
                         "groups=[group(239.0.0.0,masklen=8,rps=[rp(192.0.2.9,holdtime=150,priority=1),"
                         "rp(192.0.2.10,holdtime=150)]),group(232.0.0.0,masklen=8,rps=[rp(192.0.2.11)])])",
                         "12341e01" "0100c0000201" "01000008ef000000" "02020000" "0100c0000209" "00960100"
                         "0100c000020a" "00960000" "01000008e8000000" "01010000" "0100c000020b" "00000000");
        /* Counts given (a fragment holding part of a range) are kept. */
        tu_assert_builds("pimbootstrap(bsr=[bsr(192.0.2.1)],groups=[group(239.0.0.0,masklen=8,rp_count=3,"
                         "rps=[rp(192.0.2.9)])])",
                         "00000000" "0100c0000201" "01000008ef000000" "03010000" "0100c0000209" "00000000");
        const uint8_t *d;
        pkt_init(&p);
        tu_build(&p, "ip6(src=2001:db8::1,dst=ff02::d)/pim/pimbootstrap(bsr=[bsr(2001:db8::1)],groups=["
                     "group(ff3e::,masklen=16,rps=[rp(2001:db8::9),rp(2001:db8::a,priority=7)])])", &d);
        int i = pkt_layer_find(&p, PKT_PROTO_PIM_BOOTSTRAP, 0);
        assert_string_equal(tu_elem_str(&p, i, "rps", 1, "rp"), "2001:db8::a");
        assert_string_equal(tu_elem_str(&p, i, "rps", 1, "priority"), "7");
        assert_string_equal(tu_elem_str(&p, i, "groups", 0, "frag_rp_count"), "2");
        pkt_done(&p);
        tu_assert_builds("pimcrpadv(priority=5,holdtime=150,rp=[rp(192.0.2.1)],groups=[group(239.0.0.0,masklen=8),"
                         "group(232.0.0.0,masklen=8)])",
                         "02050096" "0100c0000201" "01000008ef000000" "01000008e8000000");
        char err[256];
        pkt_init(&p);
        assert_true(pkt_build(&p, "pimbootstrap(groups=[group(239.0.0.0)])", err, sizeof(err)) < 0);
        assert_true(pkt_build(&p, "pimbootstrap(bsr=[bsr(192.0.2.1)],groups=[group(239.0.0.0)],bsr=[bsr(192.0.2.2)])",
                              err, sizeof(err)) < 0);
        assert_true(pkt_build(&p, "pimcrpadv(groups=[group(239.0.0.0)])", err, sizeof(err)) < 0);
        pkt_done(&p);
}

/* A join/prune claiming 255 groups carries one: the group walk follows the bytes, not the count.
 * That group then claiming 65535 joined sources runs past the message: malformed, not a long loop. */
static void
test_pim_join_prune_hostile_counts(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        int n = 0;
        (void)state;

        size_t len = load_frame("tcpdump/PIM-SM_join_prune.pcap", 3, buf, sizeof(buf), &p);
        pkt_done(&p);
        /* Ethernet 14 + IPv4 20 + PIM 4: upstream (6) then rsvd, num groups at 38 + 7 */
        buf[14 + 20 + 4 + 7] = 0xff;
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, DLT_EN10MB, buf, len, len), 0);
        int i = pkt_layer_find(&p, PKT_PROTO_PIM_JOIN_PRUNE, 0);
        assert_true(i > 0);
        assert_string_equal(tu_elem_str(&p, i, "upstream", 0, "ngroups"), "255");
        assert_false(p.layers[i].flags & PKT_LAYER_MALFORMED);
        PKT_ELEM_FOREACH(&p, (unsigned)i, "groups", e)
                n++;
        assert_int_equal(n, 1);
        pkt_done(&p);

        /* the group's join count, after its 8-byte encoded address */
        buf[14 + 20 + 4 + 10 + 8] = 0xff;
        buf[14 + 20 + 4 + 10 + 9] = 0xff;
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, DLT_EN10MB, buf, len, len), 0);
        i = pkt_layer_find(&p, PKT_PROTO_PIM_JOIN_PRUNE, 0);
        assert_true(i > 0);
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        n = 0;
        PKT_ELEM_FOREACH(&p, (unsigned)i, "groups", e)
        {
                assert_true(e.flags & PKT_LAYER_MALFORMED);
                n++;
        }
        assert_int_equal(n, 1);
        pkt_done(&p);
}

static void
walk_elems(struct pkt *p, unsigned nl)
{
        for (unsigned i = 0; i < nl; i++) {
                const struct pkt_proto *pr = pkt_proto_get(p->layers[i].proto);
                for (unsigned s = 0; pr && s < pr->n_elems; s++) {
                        unsigned guard = 0;
                        PKT_ELEM_FOREACH(p, i, pr->elems[s].name, e)
                                assert_true(++guard < 100000);
                }
        }
}

/* Every prefix of a real packet parses; no layer is called malformed that is not malformed whole,
 * and a layer whose header the cut reaches into is flagged. */
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
                uint8_t *cut = malloc(n ? n : 1); /* exactly n bytes: ASan sees a read past them */
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
                                (void)pkt_field_get_str(&p, i, pr->fields[k].name, sink, sizeof(sink));
                }
                walk_elems(&p, nl);
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

/* Frame @frame (1-based) of @rel, every prefix. */
static void
sweep_frame(const char *rel, unsigned frame)
{
        char err[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *data;
        pcap_t *pc = pcap_open_offline(tu_corpus(rel), err);

        if (!pc)
                fail_msg("%s: %s", rel, err);
        for (unsigned i = 0; i < frame; i++)
                assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
        sweep_prefixes(pcap_datalink(pc), data, h->caplen);
        pcap_close(pc);
}

static void
test_net2_every_prefix_is_flagged_never_crashes(void **state)
{
        (void)state;
        sweep_file("pcapplusplus/PacketExamples__igmpv3.pcap", 2);
        sweep_file("pcapplusplus/PacketExamples__igmpv3_query2.pcap", 1);
        sweep_file("tcpdump/IGMP_V2.pcap", 2);
        sweep_file("packetnet/ospfv2.pcap", 8);
        sweep_file("pypacker/packets_ospf.pcap", 7);
        sweep_file("tcpdump/PIMv2_hellos.pcap", 2);
        sweep_file("tcpdump/PIM_register_register-stop.pcap", 2);
        sweep_frame("tcpdump/PIM-SM_join_prune.pcap", 3);        /* join/prune, IPv4 */
        sweep_frame("tcpdump/pim-packet-assortment.pcap", 25);   /* join/prune, 3 groups, 7 sources */
        sweep_frame("tcpdump/pim-packet-assortment.pcap", 42);   /* assert */
        sweep_frame("tcpdump/pim-packet-assortment.pcap", 79);   /* register-stop */
        sweep_frame("tcpdump/pim-packet-assortment.pcap", 152);  /* join/prune, IPv6 */
        sweep_frame("tcpdump/pim-packet-assortment.pcap", 169);  /* assert, IPv6 */
        sweep_file("tcpdump/PIMv2_bootstrap.pcap", 2);             /* bootstrap, C-RP-Adv */
        sweep_frame("tcpdump/pim-packet-assortment.pcap", 6);    /* bootstrap, 2 groups */
        sweep_frame("tcpdump/pim-packet-assortment.pcap", 134);  /* bootstrap, IPv6 */
        sweep_frame("tcpdump/pim-packet-assortment.pcap", 18);   /* C-RP-Adv, bytes past the count */
        sweep_frame("tcpdump/pim-packet-assortment.pcap", 142);  /* C-RP-Adv, IPv6 */
        sweep_file("tcpdump/ipx.pcap", 2);
}

/* tcpdump's fuzzer reproducers for its PIM, OSPF and IGMP printers: every frame dissects, with
 * every element walked, without a crash or an unbounded loop. */
static void
test_net2_hostile_corpus_files_parse(void **state)
{
        static const char *const files[] = {
                "tcpdump/pimv2-oobr-1.pcap",  "tcpdump/pimv2-oobr-2.pcap",
                "tcpdump/pimv2-oobr-3.pcap",  "tcpdump/pimv2-oobr-4.pcap",
                "tcpdump/pim_header_asan.pcap", "tcpdump/pim_header_asan-2.pcap",
                "tcpdump/pim_header_asan-3.pcap", "tcpdump/pim_header_asan-4.pcap",
                "tcpdump/hoobr_pimv1.pcap", "tcpdump/ospf-signed-integer-ubsan.pcap",
                "tcpdump/ospf6_decode_v3_asan.pcap", "tcpdump/ospf6_print_lshdr-oobr.pcap",
                "tcpdump/ospf2-seg-fault-1.pcapng", "tcpdump/ipx-invalid-length.pcap",
                "tcpdump/heapoverflow-in_checksum.pcap",
        };
        char err[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *data;
        (void)state;

        for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
                pcap_t *pc = pcap_open_offline(tu_corpus(files[f]), err);
                if (!pc)
                        fail_msg("%s: %s", files[f], err);
                while (pcap_next_ex(pc, &h, &data) == 1) {
                        struct pkt p;
                        pkt_init(&p);
                        assert_int_equal(pkt_parse_dlt(&p, pcap_datalink(pc), data, h->caplen, h->len), 0);
                        walk_elems(&p, pkt_dissect_all(&p));
                        pkt_done(&p);
                }
                pcap_close(pc);
        }
}

/* A v3 report claiming 65535 sources in an 8-byte record: malformed, one element, no read past it. */
static void
test_igmpv3_record_claiming_too_many_sources_is_malformed(void **state)
{
        uint8_t buf[64];
        struct pkt p;
        int n = 0;
        (void)state;

        size_t len = tu_hex("45000024000100000102000000000000000000002200000000000001"
                            "0100ffffe0000001", buf, sizeof(buf));
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, 228, buf, len, len), 0);
        int i = pkt_layer_find(&p, PKT_PROTO_IGMPV3_REPORT, 0);
        assert_true(i > 0);
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        PKT_ELEM_FOREACH(&p, (unsigned)i, "records", e)
        {
                assert_true(e.flags & PKT_LAYER_MALFORMED);
                n++;
        }
        assert_int_equal(n, 1);
        pkt_done(&p);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_igmpv3_report_counts_records_and_sources_as_scapy),
                cmocka_unit_test(test_ospf_hello_checksum_skips_auth_as_scapy),
                cmocka_unit_test(test_pim_hello_options_build_as_scapy),
                cmocka_unit_test(test_igmp_explicit_checksum_wins),
                cmocka_unit_test(test_igmpv3_report_record_matches_tshark),
                cmocka_unit_test(test_igmpv3_report_stops_at_the_record_count),
                cmocka_unit_test(test_ospf_hello_corpus_fields_match_tshark),
                cmocka_unit_test(test_ipx_in_raw_8023_frame),
                cmocka_unit_test(test_net2_every_prefix_is_flagged_never_crashes),
                cmocka_unit_test(test_net2_hostile_corpus_files_parse),
                cmocka_unit_test(test_igmpv3_record_claiming_too_many_sources_is_malformed),
                cmocka_unit_test(test_pim_join_prune_corpus_frame_matches_tshark),
                cmocka_unit_test(test_pim_join_prune_ipv6_matches_tshark),
                cmocka_unit_test(test_pim_assert_and_register_stop_match_tshark),
                cmocka_unit_test(test_pim_join_prune_hostile_counts),
                cmocka_unit_test(test_pim_bootstrap_matches_tshark),
                cmocka_unit_test(test_pim_crp_adv_matches_tshark),
                cmocka_unit_test(test_pim_bootstrap_hostile_rp_count),
                cmocka_unit_test(test_pim_join_prune_builds_as_scapy),
                cmocka_unit_test(test_pim_register_stop_and_assert_build_as_tshark_reads),
                cmocka_unit_test(test_pim_join_prune_build_counts_groups),
                cmocka_unit_test(test_pim_bootstrap_and_crp_adv_build),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
