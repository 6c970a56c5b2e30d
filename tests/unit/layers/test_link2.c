/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The link2 group (layers/link/{ppp,pppoe,stp,dtp}.c, layers/net/{hsrp,vrrp}.c) and the tunnels
 * (layers/link/{vxlan,mpls}.c, layers/net/gre.c): building against
 * scapy, dissecting corpus captures against tshark, hostile headers, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0 (the expression is beside each); expected field values from
 * TShark 4.0.17 (`tshark -n -r FILE -T fields -e ...`, run once, values pasted in).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* Why 2048: every frame used here is shorter; a longer one fails the test instead of being cut. */
#define FRAME_MAX 2048
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Builds @spec and checks the bytes against @want_hex. */
static void
build_checked(const char *spec, const char *want_hex)
{
        uint8_t want[FRAME_MAX];
        const uint8_t *d;
        struct pkt p;

        pkt_init(&p);
        size_t n = tu_build(&p, spec, &d);
        size_t wn = tu_hex(want_hex, want, sizeof(want));
        tu_assert_bytes(d, n, want, wn);
        pkt_done(&p);
}

static void
test_ppp_builds_compressed_protocol_like_scapy(void **state)
{
        (void)state;
        /* PPP()/IP(src="192.0.2.1",dst="192.0.2.2",id=1)/UDP(sport=1024,dport=9999) */
        build_checked("ppp/ip(src=192.0.2.1,dst=192.0.2.2,id=1)/udp(sport=1024,dport=9999)",
                      "214500001c000100004011f6ccc0000201c00002020400270f000850cb");
        /* PPP(proto=0xc021)/Raw(bytes.fromhex("010100040000")): LCP cannot be compressed */
        build_checked("ppp(p=LCP)/raw(hex=010100040000)", "c021010100040000");
        /* A p given is compressed too (scapy's PPP(proto=0x0021) writes 21); compress=no keeps both
         * bytes, the uncompressed form on request. */
        build_checked("ppp(p=0x0021)/raw(hex=00)", "2100");
        build_checked("ppp(p=0x0021,compress=no)/raw(hex=00)", "002100");
        build_checked("ppp(compress=no)/ip(src=192.0.2.1,dst=192.0.2.2,id=1)/udp(sport=1024,dport=9999)",
                      "00214500001c000100004011f6ccc0000201c00002020400270f000850cb");
}

static void
test_pppoe_session_and_discovery_build_like_scapy(void **state)
{
        (void)state;
        /* Ether(dst="02:00:00:00:00:02",src="02:00:00:00:00:01")/PPPoE(sessionid=0x11)/PPP()/
         *   IP(src="192.0.2.1",dst="192.0.2.2",id=1)/UDP(sport=1024,dport=9999) */
        build_checked("ethernet(dst=02:00:00:00:00:02,src=02:00:00:00:00:01)/pppoe(session=0x11)/ppp/"
                      "ip(src=192.0.2.1,dst=192.0.2.2,id=1)/udp(sport=1024,dport=9999)",
                      "020000000002020000000001886411000011001d214500001c000100004011f6ccc0000201"
                      "c00002020400270f000850cb");
        /* Ether(dst="ff:ff:ff:ff:ff:ff",src="02:00:00:00:00:01")/PPPoED(code=0x09)/PPPoED_Tags(
         *   tag_list=[PPPoETag(tag_type=0x0101),PPPoETag(tag_type=0x0103,
         *   tag_value=bytes.fromhex("64138518"))]) */
        build_checked("ethernet(dst=ff:ff:ff:ff:ff:ff,src=02:00:00:00:00:01)/"
                      "pppoe(code=PADI,tags=[service_name,host_uniq(64138518)])",
                      "ffffffffffff020000000001886311090000000c010100000103000464138518");
}

static void
test_stp_config_bpdu_builds_like_scapy(void **state)
{
        (void)state;
        /* Dot3(dst="01:80:c2:00:00:00",src="02:00:00:00:00:01")/LLC(dsap=0x42,ssap=0x42,ctrl=3)/
         *   STP(rootid=32768,rootmac="02:00:00:00:00:01",bridgeid=32768,
         *   bridgemac="02:00:00:00:00:01",portid=0x8001) */
        build_checked("ethernet(dst=01:80:c2:00:00:00,src=02:00:00:00:00:01)/llc(dsap=0x42,ssap=0x42)/"
                      "stp(root_prio=8,root_mac=02:00:00:00:00:01,bridge_prio=8,"
                      "bridge_mac=02:00:00:00:00:01,port_id=0x8001)",
                      "0180c200000002000000000100264242030000000000800002000000000100000000800002"
                      "000000000180010100140002000f00");
}

static void
test_vrrp_v2_and_v3_build_with_checksums_like_scapy(void **state)
{
        (void)state;
        /* IP(src="192.0.2.1",dst="224.0.0.18",ttl=255,id=1)/VRRP(addrlist=["192.0.2.254"]) */
        build_checked("ip(src=192.0.2.1,dst=224.0.0.18,ttl=255,id=1)/vrrp(addrs=[addr(192.0.2.254)])",
                      "4500002800010000ff701951c0000201e0000012210164010001b7fdc00002fe0000000000000000");
        /* IPv6(src="fe80::1",dst="ff02::12",hlim=255)/VRRPv3(addrlist=["2001:db8::1"]) */
        build_checked("ip6(src=fe80::1,dst=ff02::12,hlim=255)/vrrp(vtype=0x31,max_advt=100,"
                      "addrs=[addr(2001:db8::1)])",
                      "60000000001870fffe800000000000000000000000000001ff020000000000000000000000000012"
                      "3101640100643ec020010db8000000000000000000000001");
}

static void
test_hsrp_and_dtp_build(void **state)
{
        (void)state;
        /* IP(src="192.0.2.1",dst="224.0.0.2",ttl=1,id=1)/UDP(sport=1985,dport=1985)/
         *   HSRP(virtualIP="192.0.2.254") */
        build_checked("ip(src=192.0.2.1,dst=224.0.0.2,ttl=1,id=1)/udp(sport=1985,dport=1985)/"
                      "hsrp(vip=192.0.2.254)",
                      "4500003000010000011117b9c0000201e000000207c107c1001c29e9000010030a780100636973636f"
                      "000000c00002fe");
        /* Dot3(dst="01:00:0c:cc:cc:cc",src="02:00:00:00:00:01")/LLC(dsap=0xaa,ssap=0xaa,ctrl=3)/
         *   SNAP(OUI=0x0c,code=0x2004)/Raw(bytes.fromhex("01000100074c616200020005040003000540"
         *   "0004000a020000000001")) (scapy's DTP is in contrib) */
        build_checked("ethernet(dst=01:00:0c:cc:cc:cc,src=02:00:00:00:00:01)/llc/"
                      "dtp(tvs=[domain(\"Lab\"),status(04),dtptype(40),neighbor(020000000001)])",
                      "01000ccccccc0200000000010024aaaa0300000c200401000100074c6162000200050400030005400004"
                      "000a020000000001");
}

static void
test_stp_corpus_mstp_matches_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        unsigned n = 0;
        uint64_t v;
        (void)state;

        /* -e stp.version -e stp.root.hw -e stp.root.cost -e mstp.version_3_length -e mstp.config_name
         *  -e mstp.msti.root_cost -e mstp.msti.remaining_hops: 3 00:1f:27:b4:7d:80 200000 96 Brewery
         *  0,200000 20,20 */
        tu_load_frame("tcpdump/MSTP_Intra-Region_BPDUs.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        unsigned i = (unsigned)tu_layer_of(&p, PKT_PROTO_STP);
        assert_int_equal(tu_field_u64(&p, i, "v"), 3);
        assert_string_equal(tu_field(&p, i, "root_mac"), "00:1f:27:b4:7d:80");
        assert_int_equal(tu_field_u64(&p, i, "root_path"), 200000);
        assert_int_equal(tu_field_u64(&p, i, "v3_len"), 96);
        assert_memory_equal(tu_field(&p, i, "cfg_name"), "Brewery", 7);
        PKT_ELEM_FOREACH(&p, i, "mstis", e) {
                assert_int_equal(pkt_elem_get_u64(&p, i, &e, "root_path", &v), 0);
                assert_int_equal(v, n == 0 ? 0 : 200000);
                assert_int_equal(pkt_elem_get_u64(&p, i, &e, "hops", &v), 0);
                assert_int_equal(v, 20);
                n++;
        }
        assert_int_equal(n, 2);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED), 0);
        pkt_done(&p);
}

static void
test_pppoe_corpus_discovery_tags_match_tshark(void **state)
{
        static const uint16_t want[] = { 0x0101, 0x0103, 0x0102, 0x0104 };
        struct tu_frame f;
        struct pkt p;
        unsigned n = 0;
        uint64_t v;
        (void)state;

        /* -e pppoe.code -e pppoe.session_id -e pppoe.payload_length -e pppoed.tags.ac_name
         *  -e pppoed.tags.ac_cookie: 0x65 0x0011 40 BRAS 3d0f0587062484f2df32b9ddfd77bd5b */
        tu_load_frame("pcapplusplus/PacketExamples__PPPoEDiscovery.pcap", 2, &f);
        tu_parse_frame(&p, &f);
        unsigned i = (unsigned)tu_layer_of(&p, PKT_PROTO_PPPOE);
        assert_int_equal(tu_field_u64(&p, i, "code"), 0x65);
        assert_int_equal(tu_field_u64(&p, i, "session"), 0x11);
        assert_int_equal(tu_field_u64(&p, i, "len"), 40);
        assert_int_equal(p.layers[i].hdr_len, 46);
        PKT_ELEM_FOREACH(&p, i, "tags", e) {
                assert_true(n < 4);
                assert_int_equal(pkt_elem_get_u64(&p, i, &e, "type", &v), 0);
                assert_int_equal(v, want[n]);
                n++;
        }
        assert_int_equal(n, 4);
        pkt_done(&p);
}

static void
test_ppp_dlt9_with_address_and_control_goes_through_hdlc(void **state)
{
        struct tu_frame f;
        struct pkt p;
        (void)state;

        /* tshark -e ppp.address -e ppp.control -e ppp.protocol: 0xff 0x03 0x0021 */
        tu_load_frame("pcap4j/HdlcPppPacketTest.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_HDLC);
        assert_int_equal(tu_field_u64(&p, 0, "address"), 0xff);
        assert_int_equal(tu_field_u64(&p, 0, "control"), 0x03);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_PPP);
        assert_int_equal(tu_field_u64(&p, 1, "p"), 0x21);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_IP);
        pkt_done(&p);

        /* Without them (same file set): PPP first, 2-byte protocol 0x0021. */
        tu_load_frame("pcap4j/PppPacketTest.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_PPP);
        assert_int_equal(p.layers[0].hdr_len, 2);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_IP);
        pkt_done(&p);
}

/* VRRPv3's addresses are the carrying IP's (RFC 5798 5.2.9), also under an IPv6 extension header: built
 * as 16 bytes each, and read back as IPv6 addresses (they were taken as IPv4 below a hop-by-hop header). */
static void
test_vrrp_v3_under_ipv6_extension_header_has_ipv6_addresses(void **state)
{
        const uint8_t *d;
        struct pkt p, q;
        char s[64];
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, "ip6(src=fe80::1,dst=ff02::12,hlim=255)/hopopts(opts=[ra(0)])/vrrp(vtype=0x31,"
                                "max_advt=100,addrs=[addr(2001:db8::f0d4:7471),addr(2001:db8::2)])",
                            &d);
        assert_int_equal(n, 40 + 8 + 8 + 2 * 16);
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP6, d, n, n), 0);
        int i = tu_layer_of(&q, PKT_PROTO_VRRP);
        assert_false(q.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        assert_int_equal(tu_elem_count(&q, i, "addrs", NULL), 2);
        snprintf(s, sizeof(s), "%s", tu_elem_str(&q, i, "addrs", 0, "addr"));
        assert_string_equal(s, "2001:db8::f0d4:7471");
        pkt_done(&q);
        pkt_done(&p);
}

static void
test_vrrp_corpus_v3_matches_tshark(void **state)
{
        static uint8_t copy[FRAME_MAX];
        struct tu_frame f;
        struct pkt p;
        (void)state;

        /* -e vrrp.version -e vrrp.virt_rtr_id -e vrrp.prio -e vrrp.addr_count -e vrrp.short_adver_int
         *  -e vrrp.checksum -e vrrp.ip_addr: 3 1 100 2 1 0x484d 192.168.0.1,192.168.0.2 */
        tu_load_frame("pcapplusplus/PacketExamples__VRRP-V3-IPv4.pcap", 1, &f);
        memcpy(copy, f.data, f.caplen);
        pkt_init(&p);
        assert_int_equal(pkt_parse_writable(&p, PKT_PROTO_ETHERNET, copy, f.caplen, f.wire_len), 0);
        pkt_dissect_all(&p);
        unsigned i = (unsigned)tu_layer_of(&p, PKT_PROTO_VRRP);
        assert_int_equal(tu_field_u64(&p, i, "v"), 3);
        assert_int_equal(tu_field_u64(&p, i, "count"), 2);
        assert_int_equal(tu_field_u64(&p, i, "max_advt"), 1);
        assert_int_equal(tu_field_u64(&p, i, "sum"), 0x484d);
        assert_int_equal(p.layers[i].hdr_len, 16);

        /* The checksum recomputed over the pseudo-header equals the captured one. */
        assert_int_equal(pkt_field_set_u64(&p, i, "sum", 0), 0);
        assert_int_equal(pkt_field_set_auto(&p, i, "sum", true), 0);
        const uint8_t *d;
        int n = pkt_serialize(&p, 0, &d);
        assert_true(n > 0);
        tu_assert_bytes(d, (size_t)n, f.data, f.caplen);
        pkt_done(&p);
}

/* Regression: TLVs and tags whose lengths lie must end the walk flagged, not loop or overread. */
static void
test_hostile_lengths_are_flagged_malformed(void **state)
{
        uint8_t b[128];
        struct pkt p;
        size_t n;
        (void)state;

        /* DTP with a TLV of length 0 (shorter than its own header): the walk would never advance. */
        n = tu_hex("01000ccccccc0200000000010011aaaa0300000c2004" "01" "0001 0000 0002 0005 04", b, sizeof(b));
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, 1, b, n, n), 0);
        pkt_dissect_all(&p);
        unsigned i = (unsigned)tu_layer_of(&p, PKT_PROTO_DTP);
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        unsigned count = 0;
        PKT_ELEM_FOREACH(&p, i, "tvs", e) {
                assert_true(++count <= 1);
                assert_true(e.flags & PKT_LAYER_MALFORMED);
        }
        pkt_done(&p);

        /* PPPoE discovery whose length claims more than the frame. */
        n = tu_hex("ffffffffffff020000000001 8863 1109 0000 ffff 0101 0000", b, sizeof(b));
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, 1, b, n, n), 0);
        pkt_dissect_all(&p);
        i = (unsigned)tu_layer_of(&p, PKT_PROTO_PPPOE);
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);

        /* VRRP counting 255 IPv4 addresses in a 16-byte message. */
        n = tu_hex("4500002400010000ff70 0000 c0000201e0000012 2101 64ff 0001 0000 c00002fe 00000000", b,
                   sizeof(b));
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP, b, n, n), 0);
        pkt_dissect_all(&p);
        i = (unsigned)tu_layer_of(&p, PKT_PROTO_VRRP);
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
}

/* Every prefix of @f parses: nothing crashes or claims bytes past the prefix, no element walk runs
 * away; the layer of @proto, when the prefix cuts its header (as the whole frame has it), is flagged
 * truncated. */
/* VXLAN (RFC 7348 5): the I flag by default and the inner Ethernet frame, byte for byte as scapy writes
 * them (tests/oracle/scapy_cases_link2.tsv has the scapy side); the corpus frame as tshark reads it. */
static void
test_vxlan_builds_like_scapy_and_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;

        (void)state;
        build_checked("ip(src=192.0.2.1,dst=192.0.2.2,id=1)/udp(sport=50000,dport=4789)/vxlan(flags=G|I,gbp=1234,"
                      "vni=0xfffffe)/ethernet(src=02:00:00:00:00:03,dst=02:00:00:00:00:04)/arp(op=1,"
                      "sha=02:00:00:00:00:03,spa=198.51.100.1,tpa=198.51.100.2)",
                      "4500004e000100004011f69ac0000201c0000202c35012b5003aaa1b880004d2fffffe000200000000040200"
                      "0000000308060001080006040001020000000003c6336401000000000000c6336402");
        /* -e frame.protocols -e vxlan.flags -e vxlan.gbp -e vxlan.vni -e vxlan.reserved8:
         * eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:udp:... 0x0800 0 1193046 0 */
        tu_load_frame("packetnet/vxlan.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        pkt_dissect_all(&p);
        unsigned i = (unsigned)tu_layer_of(&p, PKT_PROTO_VXLAN);
        assert_int_equal(p.layers[i - 1].proto, PKT_PROTO_UDP);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_ETHERNET);
        assert_int_equal(p.layers[i + 2].proto, PKT_PROTO_IP);
        assert_int_equal(tu_field_u64(&p, i, "flags"), 0x0800);
        assert_int_equal(tu_field_u64(&p, i, "gbp"), 0);
        assert_int_equal(tu_field_u64(&p, i, "vni"), 1193046);
        assert_int_equal(tu_field_u64(&p, i, "reserved"), 0);
        pkt_done(&p);
}

/* MPLS (RFC 3032 2.1): S is computed, set on the last entry only, and the ethertype comes from the first
 * entry, byte for byte as scapy writes them (scapy_cases_link2.tsv); a corpus frame with two entries, the
 * Ethernet pseudowire's control word and the tagged frame inside, as tshark reads it. */
static void
test_mpls_builds_like_scapy_and_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;

        (void)state;
        /* Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/MPLS(label=100,cos=5,s=0,ttl=64)/
         *   MPLS(label=200,s=1,ttl=63)/IP(src="192.0.2.1",dst="192.0.2.2")/UDP(sport=1024,dport=9999) */
        build_checked("ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)/mpls(label=100,cos=5,ttl=64)/"
                      "mpls(label=200,ttl=63)/ip(src=192.0.2.1,dst=192.0.2.2,id=1)/udp(sport=1024,dport=9999)",
                      "020000000002020000000001884700064a40000c813f4500001c000100004011f6ccc0000201c0000202040027"
                      "0f000850cb");
        /* An S given explicitly stays: a stack that claims to end early. */
        build_checked("mpls(label=16,bos=1,ttl=1)/mpls(label=17,ttl=2)", "0001010100011102");
        /* -e frame.protocols -e mpls.label -e mpls.bottom -e mpls.ttl -e pweth.cw.sequence_number -e vlan.id:
         * eth:ethertype:mpls:pwethheuristic:pwethcw:eth:ethertype:vlan:ethertype:ip:icmp:data 18,16 0,1
         * 254,255 0 1 */
        tu_load_frame("pcapplusplus/PacketExamples__MplsPackets.pcap", 2, &f);
        tu_parse_frame(&p, &f);
        pkt_dissect_all(&p);
        static const unsigned want[] = { PKT_PROTO_ETHERNET, PKT_PROTO_MPLS, PKT_PROTO_MPLS, PKT_PROTO_EOMCW,
                                         PKT_PROTO_ETHERNET, PKT_PROTO_DOT1Q, PKT_PROTO_IP, PKT_PROTO_ICMP };
        for (unsigned i = 0; i < ARRAY_SIZE(want); i++)
                assert_int_equal(p.layers[i].proto, want[i]);
        assert_int_equal(tu_field_u64(&p, 1, "label"), 18);
        assert_int_equal(tu_field_u64(&p, 1, "bos"), 0);
        assert_int_equal(tu_field_u64(&p, 1, "ttl"), 254);
        assert_int_equal(tu_field_u64(&p, 2, "label"), 16);
        assert_int_equal(tu_field_u64(&p, 2, "bos"), 1);
        assert_int_equal(tu_field_u64(&p, 2, "ttl"), 255);
        assert_int_equal(tu_field_u64(&p, 3, "seq"), 0);
        assert_int_equal(tu_field_u64(&p, 5, "vid"), 1);
        pkt_done(&p);
}

/* What the bottom entry carries is told by the payload's first nibble (RFC 4928 2, RFC 4385 3): each case
 * as tshark 4.0.17 tells it, from frames scapy made (-e frame.protocols in the comments). */
static void
test_mpls_bottom_payload_by_first_nibble(void **state)
{
        static const struct {
                const char *spec;
                unsigned after; /* the layer after the last entry, or PKT_PROTO_NONE */
        } cases[] = {
                /* mpls:ip:udp, and with a total length the frame does not match: mpls:ip (malformed) */
                { "mpls(label=100)/ip(src=192.0.2.1,dst=192.0.2.2)/udp", PKT_PROTO_IP },
                { "mpls(label=100)/raw(hex=4500ffff000000000000000000000000000000000000)", PKT_PROTO_IP },
                /* mpls:ipv6:udp */
                { "mpls(label=100)/ip6(src=2001:db8::1,dst=2001:db8::2)/udp", PKT_PROTO_IP6 },
                /* mpls:pwethheuristic:pwethcw:eth:ethertype:ip */
                { "mpls(label=100)/eomcw/ethernet(src=00:00:5e:00:53:02,dst=00:00:5e:00:53:01)/ip", PKT_PROTO_EOMCW },
                /* mpls:pwethheuristic:pwethnocw:eth:ethertype:ip: an IPv4 type where a frame has it, none 4
                 * bytes on */
                { "mpls(label=100)/ethernet(src=00:00:5e:00:53:02,dst=00:00:5e:00:53:01)/ip", PKT_PROTO_ETHERNET },
                /* mpls:pwach (an associated channel, opaque here), mpls:data, and a stack that ends */
                { "mpls(label=13)/raw(hex=1000002100000000)", PKT_PROTO_RAW },
                { "mpls(label=100)/raw(hex=5555555555555555)", PKT_PROTO_RAW },
                { "mpls(label=100,bos=0)", PKT_PROTO_NONE },
        };

        (void)state;
        for (unsigned k = 0; k < ARRAY_SIZE(cases); k++) {
                char spec[256];
                const uint8_t *d;
                struct pkt b, p;

                snprintf(spec, sizeof(spec), "ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)/%s",
                         cases[k].spec);
                pkt_init(&b);
                size_t n = tu_build(&b, spec, &d);
                pkt_init(&p);
                assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, d, n, n), 0);
                unsigned count = pkt_dissect_all(&p);
                assert_int_equal(p.layers[1].proto, PKT_PROTO_MPLS);
                if (cases[k].after == PKT_PROTO_NONE)
                        assert_int_equal(count, 2);
                else
                        assert_int_equal(p.layers[2].proto, cases[k].after);
                pkt_done(&p);
                pkt_done(&b);
        }
}

/* The value of field @name of the one element of set @set of layer @i. */
static uint64_t
word_value(struct pkt *p, unsigned i, const char *set, const char *name)
{
        uint64_t v = UINT64_MAX;
        unsigned n = 0;

        PKT_ELEM_FOREACH(p, i, set, e)
        {
                assert_int_equal(pkt_elem_get_u64(p, i, &e, name, &v), 0);
                n++;
        }
        assert_int_equal(n, 1);
        return v;
}

/* GRE (RFC 2784, 2890): each optional word added sets its flag, the checksum covers header and
 * payload, the type follows the layer above; as scapy writes them (scapy_cases_link2.tsv). Read back:
 * packetnet/gre_all_options.pcap frame 1 is, to tshark, gre.checksum 0x6e7c, gre.key 0x0001d97c,
 * gre.sequence_number 5, gre.proto 0x0800; zeek/tunnels__gre-pptp.pcap frame 1 (version 1)
 * gre.key.payload_length 103, call_id 6016, sequence 430001, ack 539254, then ppp.protocol 0x0021 behind
 * the HDLC-like address and control. */
static void
test_gre_builds_like_scapy_and_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        char err[256];

        (void)state;
        /* A flag set before its word is added (as the JSON reader does): the word goes in once. */
        tu_assert_builds("gre(s=1,k=1,key=[key(9)],seq=[seq(5)])", "3000080000000009" "00000005");
        build_checked("ip(src=192.0.2.1,dst=192.0.2.2,id=1)/gre(csum=[csum()],key=[key(0x1234)],seq=[seq(7)])/"
                      "ip(src=198.51.100.1,dst=198.51.100.2,id=1)/icmp(type=8)/echo(id=1,seq=1)",
                      "4500004000010000402ff68ac0000201c0000202b000080035c4000000001234000000074500001c0001000040"
                      "012676c6336401c63364020800f7fd00010001");
        build_checked("ip(src=192.0.2.1,dst=192.0.2.2,id=1)/gre(ver=1,key=[key(call_id=5)],seq=[seq(3)],"
                      "ack=[ack(2)])/ppp()/ip(src=198.51.100.1,dst=198.51.100.2,id=1)/icmp(type=8)/echo()",
                      "4500004100010000402ff689c0000201c00002023081880b001d00050000000300000002214500001c000100"
                      "0040012676c6336401c63364020800f7ff00000000");
        /* One word of each kind; an acknowledgement only in version 1. */
        pkt_init(&p);
        assert_true(pkt_build(&p, "ip()/gre(key=[key(1),key(2)])", err, sizeof(err)) < 0);
        pkt_done(&p);
        pkt_init(&p);
        assert_true(pkt_build(&p, "ip()/gre(ack=[ack(1)])", err, sizeof(err)) < 0);
        pkt_done(&p);

        tu_load_frame("packetnet/gre_all_options.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        pkt_dissect_all(&p);
        unsigned i = (unsigned)tu_layer_of(&p, PKT_PROTO_GRE);
        assert_int_equal(p.layers[i].hdr_len, 16);
        assert_int_equal(tu_field_u64(&p, i, "p"), 0x0800);
        assert_int_equal(word_value(&p, i, "csum", "sum"), 0x6e7c);
        assert_int_equal(word_value(&p, i, "key", "key"), 0x0001d97c);
        assert_int_equal(word_value(&p, i, "seq", "seq"), 5);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_IP);
        /* The checksum recomputed over header and payload equals the captured one. */
        const uint8_t *d;
        struct pkt q;
        pkt_init(&q);
        size_t n = tu_build(&q, "ip()/gre(csum=[csum()])/raw(\"hello\")", &d);
        assert_int_equal(pkt_csum_fold(pkt_csum_add(0, d + 20, n - 20)), 0);
        pkt_done(&q);
        pkt_done(&p);

        tu_load_frame("zeek/tunnels__gre-pptp.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        pkt_dissect_all(&p);
        i = (unsigned)tu_layer_of(&p, PKT_PROTO_GRE);
        assert_int_equal(tu_field_u64(&p, i, "ver"), 1);
        assert_int_equal(word_value(&p, i, "key", "payload_len"), 103);
        assert_int_equal(word_value(&p, i, "key", "call_id"), 6016);
        assert_int_equal(word_value(&p, i, "seq", "seq"), 430001);
        assert_int_equal(word_value(&p, i, "ack", "ack"), 539254);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_HDLC);
        assert_int_equal(p.layers[i + 2].proto, PKT_PROTO_PPP);
        assert_int_equal(tu_field_u64(&p, i + 2, "p"), 0x21);
        pkt_done(&p);

        /* Aruba's 802.11 in GRE (type 0x8200). */
        tu_load_frame("zeek/tunnels__gre-aruba.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        pkt_dissect_all(&p);
        i = (unsigned)tu_layer_of(&p, PKT_PROTO_GRE);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_IEEE80211);
        pkt_done(&p);
}

/* ERSPAN (draft-foschiano-erspan-03): types II and III build like scapy's contrib/erspan.py; the corpus
 * reads as tshark 4.0.17 reads it (tcpdump/erspan-type-ii-1.pcap: version 1, VLAN 342, COS 6, span 666,
 * index 32760; erspan-type-iii-ft-0.pcap frame 1: version 2, VLAN 20, timestamp 2740542463,
 * granularity 3; erspan-type-i-1.pcap: no header, Ethernet right after GRE). */
static void
test_erspan_builds_like_scapy_and_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        unsigned i;

        (void)state;
        /* IP(src="192.0.2.1",dst="192.0.2.2")/GRE(seqnum_present=1,seqence_number=5)/ERSPAN_II(ver=1,
         *   vlan=100,cos=3,en=3,session_id=42,index=0x12345)/Ether(src="02:00:00:00:00:01",
         *   dst="02:00:00:00:00:02")/ARP(hwsrc="02:00:00:00:00:01",psrc="198.51.100.1",
         *   pdst="198.51.100.2") */
        tu_assert_builds("ip(src=192.0.2.1,dst=192.0.2.2,id=1)/gre(seq=[seq(5)])/erspan(vlan=100,cos=3,"
                         "en=3,session_id=42,index=0x12345)/ethernet(src=02:00:00:00:00:01,"
                         "dst=02:00:00:00:00:02)/arp(sha=02:00:00:00:00:01,spa=198.51.100.1,"
                         "tpa=198.51.100.2)",
                         "4500004e00010000402ff67cc0000201c0000202"
                         "100088be00000005"
                         "1064782a00012345"
                         "020000000002020000000001"
                         "08060001080006040001" "020000000001" "c6336401" "000000000000" "c6336402");
        /* IP(...)/GRE()/ERSPAN_III(vlan=7,cos=1,bso=2,t=1,session_id=1023,timestamp=0x01020304,
         *   sgt_other=9,p=0,ft=0,hw=5,d=1,gra=3,o=0)/Ether(...,type=0x88b5) */
        tu_assert_builds("ip(src=192.0.2.1,dst=192.0.2.2,id=1)/gre/erspan3(vlan=7,cos=1,bso=2,t=1,"
                         "session_id=1023,timestamp=0x01020304,sgt=9,hw=5,d=1,gra=3)/"
                         "ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:02,type=0x88b5)",
                         "4500003200010000402ff698c0000201c0000202"
                         "000022eb"
                         "200737ff010203040009005e"
                         "020000000002" "020000000001" "88b5");
        /* With O set, the 8-byte platform-specific sub-header follows; the frame comes after it. */
        tu_assert_builds("erspan3(o=1)/ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:02,type=0x88b5)",
                         "200000000000000000000001" "0000000000000000"
                         "020000000002" "020000000001" "88b5");

        tu_load_frame("tcpdump/erspan-type-ii-1.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = (unsigned)tu_layer_of(&p, PKT_PROTO_ERSPAN);
        assert_int_equal(tu_field_u64(&p, i, "ver"), 1);
        assert_int_equal(tu_field_u64(&p, i, "vlan"), 342);
        assert_int_equal(tu_field_u64(&p, i, "cos"), 6);
        assert_int_equal(tu_field_u64(&p, i, "session_id"), 666);
        assert_int_equal(tu_field_u64(&p, i, "index"), 32760);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_ETHERNET);
        pkt_done(&p);

        tu_load_frame("tcpdump/erspan-type-iii-ft-0.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = (unsigned)tu_layer_of(&p, PKT_PROTO_ERSPAN3);
        assert_int_equal(p.layers[i].hdr_len, 12);
        assert_int_equal(tu_field_u64(&p, i, "vlan"), 20);
        assert_int_equal(tu_field_u64(&p, i, "timestamp"), 2740542463u);
        assert_string_equal(tu_field(&p, i, "gra"), "USER");
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_ETHERNET);
        pkt_done(&p);

        /* A frame type other than Ethernet (7) stays raw. */
        tu_load_frame("tcpdump/erspan-type-iii-ft-7.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = (unsigned)tu_layer_of(&p, PKT_PROTO_ERSPAN3);
        assert_int_equal(tu_field_u64(&p, i, "ft"), 7);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_RAW);
        pkt_done(&p);

        /* Type I: Ethernet straight after GRE. */
        tu_load_frame("tcpdump/erspan-type-i-1.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = (unsigned)tu_layer_of(&p, PKT_PROTO_GRE);
        assert_int_equal(tu_field_u64(&p, i, "p"), 0x88be);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_ETHERNET);
        pkt_done(&p);

        /* Type III with O set, cut inside its sub-header (tcpdump/erspan-type-iii-pb-1.pcap): the
         * layer is truncated, the platform ID there read. */
        tu_load_frame("tcpdump/erspan-type-iii-pb-1.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = (unsigned)tu_layer_of(&p, PKT_PROTO_ERSPAN3);
        assert_true(p.layers[i].flags & PKT_LAYER_TRUNCATED);
        assert_int_equal(tu_field_u64(&p, i, "o"), 1);
        pkt_done(&p);
}

/* GTP version 1: builds like scapy's contrib/gtp.py; reads zeek/tunnels__gtp__gtp_create_pdp_ctx.pcap
 * frame 3 as tshark 4.0.17 does (Create PDP context response 0x11, length 101, TEID 0x32f02bf9,
 * sequence 0x130b; cause 128, recovery 24, TEID data I 0x10000085, control 0x10000080, NSAPI 5,
 * charging ID 0x0623a7c9, end user address 192.168.252.130, GSN addresses 10.100.200.34 and .49);
 * pcap4j's PDU session container (QFI 15, PPP set, PPI 7); a G-PDU's user packet. */
static void
test_gtp_builds_like_scapy_and_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        unsigned i;

        (void)state;
        /* IP(...)/UDP(sport=2152,dport=2152)/GTP_U_Header(teid=0x1234)/IP(...)/ICMP(type=8,id=1,seq=1) */
        tu_assert_builds("ip(src=192.0.2.1,dst=192.0.2.2,id=1)/udp(sport=2152,dport=2152)/gtp(teid=0x1234)/"
                         "ip(src=198.51.100.1,dst=198.51.100.2,id=1)/icmp(type=8)/echo(id=1,seq=1)",
                         "45000040000100004011f6a8c0000201c0000202" "08680868002c2773"
                         "30ff001c00001234"
                         "4500001c0001000040012676c6336401c63364020800f7fd00010001");
        /* GTPHeader(S=1,seq=9,teid=0)/GTPCreatePDPContextRequest(IE_list=[IE_Recovery(restart_counter=5),
         *   IE_TEIDI(TEIDI=0x1111),IE_TEICP(TEICI=0x2222),IE_NSAPI(NSAPI=5)]) */
        tu_assert_builds("gtp(type=CREATE_PDP_CONTEXT_REQUEST,opt=[opt(seq=9)],ies=[recovery(5),"
                         "teid_data_i(0x1111),teid_c(0x2222),nsapi(nsapi=5)])",
                         "3210001200000000" "00090000" "0e05" "1000001111" "1100002222" "1405");
        /* GTP_U_Header(teid=0x99,E=1,next_ex=0x85)/GTPPDUSessionContainer(type=0,QFI=9)/IP(...)/UDP(...) */
        tu_assert_builds("gtp(teid=0x99,e=1,opt=[opt(next_ext=PDU_SESSION_CONTAINER)],exts=[ext(pdu_type=0,"
                         "qfi=9)])/ip(src=198.51.100.1,dst=198.51.100.2,id=1)/udp(sport=1,dport=2)",
                         "34ff002400000099" "00000085" "01000900"
                         "4500001c0001000040112666c6336401c6336402000100020008ab70");
        /* A TLV information element: its length computed; a GSN address's family from the address. */
        tu_assert_builds("gtp(type=ECHO_RESPONSE,ies=[gsn_address(addr=2001:db8::1),apn(value=04696e6574)])",
                         "3002001b00000000" "85001020010db8000000000000000000000001" "8300050469" "6e6574");

        tu_load_frame("zeek/tunnels__gtp__gtp_create_pdp_ctx.pcap", 3, &f);
        tu_parse_frame(&p, &f);
        int g = tu_layer_of(&p, PKT_PROTO_GTP);
        assert_int_equal(p.layers[g].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)g, "type"), 0x11);
        assert_int_equal(tu_field_u64(&p, (unsigned)g, "len"), 101);
        assert_int_equal(tu_field_u64(&p, (unsigned)g, "teid"), 0x32f02bf9);
        assert_string_equal(tu_elem_str(&p, g, "opt", 0, "seq"), "4875");
        assert_string_equal(tu_elem_str(&p, g, "ies", 0, "cause"), "REQUEST_ACCEPTED");
        assert_string_equal(tu_elem_str(&p, g, "ies", 2, "restart_counter"), "24");
        assert_string_equal(tu_elem_str(&p, g, "ies", 3, "teid"), "0x10000085");
        assert_string_equal(tu_elem_str(&p, g, "ies", 4, "teid"), "0x10000080");
        assert_string_equal(tu_elem_str(&p, g, "ies", 5, "nsapi"), "5");
        assert_string_equal(tu_elem_str(&p, g, "ies", 6, "charging_id"), "0x0623a7c9");
        assert_string_equal(tu_elem_str(&p, g, "ies", 7, "addr"), "192.168.252.130");
        assert_string_equal(tu_elem_str(&p, g, "ies", 9, "addr"), "10.100.200.34");
        assert_string_equal(tu_elem_str(&p, g, "ies", 10, "addr"), "10.100.200.49");
        pkt_done(&p);

        tu_load_frame("pcap4j/GtpV1ExtPduSessionContainerPacketTest.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        g = tu_layer_of(&p, PKT_PROTO_GTP);
        assert_string_equal(tu_elem_str(&p, g, "opt", 0, "next_ext"), "PDU_SESSION_CONTAINER");
        assert_string_equal(tu_elem_str(&p, g, "exts", 0, "qfi"), "15");
        assert_string_equal(tu_elem_str(&p, g, "exts", 0, "ppp"), "1");
        assert_string_equal(tu_elem_str(&p, g, "exts", 0, "ppi"), "7");
        pkt_done(&p);

        /* A G-PDU's user packet is IPv4 (or IPv6) by its first nibble. */
        tu_load_frame("pcapplusplus/PacketExamples__gtp-u.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = (unsigned)tu_layer_of(&p, PKT_PROTO_GTP);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_IP);
        pkt_done(&p);
}

/* The GTP layer's flags of message @hex on UDP 2123, the capture missing its last @cut bytes;
 * *@ret_ies gets its information element count. */
static uint16_t
gtp_flags(const char *hex, uint32_t cut, unsigned *ret_ies)
{
        return tu_flags_in("ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=2123,dport=2123)", hex,
                           PKT_PROTO_IP, cut, PKT_PROTO_GTP, "ies", ret_ies);
}

/* Hostile GTP messages: flagged, never walked past the message; versions 0 and 2 stay raw. */
static void
test_gtp_flags_hostile_messages(void **state)
{
        unsigned ies;

        (void)state;
        /* Well-formed: an echo response with a recovery IE. */
        assert_int_equal(gtp_flags("320200060000000000010000" "0e05", 0, &ies), 0);
        assert_int_equal(ies, 1);
        /* A length beyond the datagram. */
        assert_int_equal(gtp_flags("32020040000000000001000" "00e05", 0, &ies), PKT_LAYER_MALFORMED);
        /* A type-value IE whose length no table gives (type 6): the walk stops, malformed. */
        assert_int_equal(gtp_flags("320200080000000000010000" "0e05" "0600", 0, &ies), PKT_LAYER_MALFORMED);
        assert_int_equal(ies, 2);
        /* A TLV IE running past the message. */
        assert_int_equal(gtp_flags("320200090000000000010000" "850010c0", 0, &ies), PKT_LAYER_MALFORMED);
        /* An extension header of length 0 cannot be walked past. */
        assert_int_equal(gtp_flags("34ff000800000001" "00000085" "00000000", 0, &ies), PKT_LAYER_MALFORMED);
        /* The capture cuts an extension header: truncated. */
        assert_int_equal(gtp_flags("34ff000c00000001" "00000085" "02000000" "00000000", 6, &ies),
                         PKT_LAYER_TRUNCATED);
        /* ... or ends where an extension header the previous one names would start. */
        assert_int_equal(gtp_flags("34ff000c00000001" "00000085" "02000000" "00000000", 8, &ies),
                         PKT_LAYER_TRUNCATED);
        /* GTPv2-C and GTP' keep their first 4 bytes; the rest is raw, no damage. */
        assert_int_equal(gtp_flags("4820000800000000" "00000100", 0, &ies), 0);
        assert_int_equal(ies, 0);
        assert_int_equal(gtp_flags("0e04000600010000", 0, &ies), 0);
        /* One optional word: adding a second one is refused. */
        struct pkt p;
        char err[200];
        pkt_init(&p);
        assert_true(pkt_build(&p, "gtp(opt=[opt(seq=1),opt(seq=2)])", err, sizeof(err)) < 0);
        assert_non_null(strstr(err, "gtp"));
        pkt_done(&p);
}

static void
test_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;
        (void)state;

        tu_load_frame("tcpdump/MSTP_Intra-Region_BPDUs.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("pcapplusplus/PacketExamples__PPPoEDiscovery.pcap", 2, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("pcapplusplus/PacketExamples__PPPoESession.pcap", 2, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/DTP.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("ndpi/hsrp0.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("pcapplusplus/PacketExamples__VRRP-V3-IPv6.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("pcap4j/HdlcPppPacketTest.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("packetnet/vxlan.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("packetnet/gre_all_options.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("zeek/tunnels__gre-pptp.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/gre-heapoverflow-2.pcap", 2, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/spb_bpduv4.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("pcapplusplus/PacketExamples__MplsPackets.pcap", 2, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/erspan-type-ii-1.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/erspan-type-iii-ft-0.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/erspan-type-iii-pb-1.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("zeek/tunnels__gtp__gtp_create_pdp_ctx.pcap", 3, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("pcap4j/GtpV1ExtPduSessionContainerPacketTest.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("pcapplusplus/PacketExamples__gtp-u.pcap", 1, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ppp_builds_compressed_protocol_like_scapy),
                cmocka_unit_test(test_pppoe_session_and_discovery_build_like_scapy),
                cmocka_unit_test(test_stp_config_bpdu_builds_like_scapy),
                cmocka_unit_test(test_vrrp_v2_and_v3_build_with_checksums_like_scapy),
                cmocka_unit_test(test_hsrp_and_dtp_build),
                cmocka_unit_test(test_stp_corpus_mstp_matches_tshark),
                cmocka_unit_test(test_pppoe_corpus_discovery_tags_match_tshark),
                cmocka_unit_test(test_vxlan_builds_like_scapy_and_reads_like_tshark),
                cmocka_unit_test(test_mpls_builds_like_scapy_and_reads_like_tshark),
                cmocka_unit_test(test_mpls_bottom_payload_by_first_nibble),
                cmocka_unit_test(test_gre_builds_like_scapy_and_reads_like_tshark),
                cmocka_unit_test(test_erspan_builds_like_scapy_and_reads_like_tshark),
                cmocka_unit_test(test_gtp_builds_like_scapy_and_reads_like_tshark),
                cmocka_unit_test(test_gtp_flags_hostile_messages),
                cmocka_unit_test(test_ppp_dlt9_with_address_and_control_goes_through_hdlc),
                cmocka_unit_test(test_vrrp_corpus_v3_matches_tshark),
                cmocka_unit_test(test_vrrp_v3_under_ipv6_extension_header_has_ipv6_addresses),
                cmocka_unit_test(test_hostile_lengths_are_flagged_malformed),
                cmocka_unit_test(test_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
