/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The link-layer glue (layers/link/{dot1q,llc,sll,sll2,loopback}.c): building against scapy,
 * dissecting corpus captures against tshark, and every prefix of real frames parsing without harm.
 *
 * Expected bytes come from scapy 2.5.0 (the expression is beside each); expected field values from
 * TShark 4.0.17 (`tshark -n -r FILE -T fields -e ...`, run once, values pasted in).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* Why 2048: every frame used here is shorter; a longer one fails the test instead of being cut. */
#define FRAME_MAX 2048

/* ---- dot1q ---- */

static void
test_dot1q_build_matches_scapy(void **state)
{
        (void)state;
        /* Ether(dst="ff:ff:ff:ff:ff:ff",src="00:11:22:33:44:55")/Dot1Q(prio=5,vlan=100)/
         * IP(id=1,src="192.0.2.1",dst="192.0.2.2")/UDP(sport=1234,dport=53)/Raw(b"hi") */
        tu_assert_builds(
                "ethernet(dst=ff:ff:ff:ff:ff:ff,src=00:11:22:33:44:55)/dot1q(prio=5,vid=100)/"
                "ip(id=1,src=192.0.2.1,dst=192.0.2.2)/udp(sport=1234,dport=53)/raw(\"hi\")",
                "ffffffffffff0011223344558100a06408004500001e000100004011f6cac0000201c000020204d2"
                "0035000a0e666869");
}

static void
test_qinq_build_sets_inner_types_and_keeps_explicit_tpid(void **state)
{
        (void)state;
        /* Ether(dst="ff:ff:ff:ff:ff:ff",src="00:11:22:33:44:55",type=0x88a8)/Dot1AD(vlan=10)/
         * Dot1Q(prio=3,id=1,vlan=20)/
         * ARP(hwsrc="00:11:22:33:44:55",psrc="192.0.2.1",pdst="192.0.2.2") */
        tu_assert_builds(
                "ethernet(dst=ff:ff:ff:ff:ff:ff,src=00:11:22:33:44:55,type=0x88a8)/dot1q(vid=10)/"
                "dot1q(prio=3,cfi=1,vid=20)/arp(sha=00:11:22:33:44:55,spa=192.0.2.1,tpa=192.0.2.2)",
                "ffffffffffff00112233445588a8000a8100701408060001080006040001001122334455c0000201"
                "000000000000c0000202");
}

static void
test_qinq_corpus_frames_match_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        (void)state;

        /* tshark -e eth.type -e ieee8021ad.id -e vlan.id -e vlan.etype -e arp.opcode
         *   0x88a8  200  2001  0x0806  1 */
        tu_load_frame("tcpdump/802.1ad_QinQ.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(pkt_layer_find_seq(&p,
                                            (const unsigned[]){ PKT_PROTO_ETHERNET, PKT_PROTO_DOT1Q,
                                                                PKT_PROTO_DOT1Q, PKT_PROTO_ARP },
                                            4),
                         0);
        assert_int_equal(tu_field_u64(&p, 0, "type"), 0x88a8);
        assert_int_equal(tu_field_u64(&p, 1, "vid"), 200);
        assert_int_equal(tu_field_u64(&p, 1, "prio"), 0);
        assert_int_equal(tu_field_u64(&p, 1, "cfi"), 0);
        assert_int_equal(tu_field_u64(&p, 1, "tci"), 200);
        assert_int_equal(tu_field_u64(&p, 1, "type"), 0x8100);
        assert_int_equal(tu_field_u64(&p, 2, "vid"), 2001);
        assert_string_equal(tu_field(&p, 2, "type"), "ARP");
        assert_int_equal(p.layers[1].hdr_len, 4);
        assert_int_equal(p.layers[3].off, 22);
        assert_int_equal(p.layers[1].flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED), 0);
}

static void
test_dot1q_length_type_carries_llc_of_that_length(void **state)
{
        uint8_t f[64];
        struct pkt p;
        (void)state;

        /* An 802.3 frame inside a tag: type 6 is the LLC payload's length, the zeros after it
         * padding. */
        size_t n = tu_hex("ffffffffffff001122334455 8100 0064 0006 424203 000000 0000000000", f,
                          sizeof(f));
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, f, n, n), 0);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_LLC, 0), 2);
        assert_int_equal(p.layers[2].len, 6);
        assert_int_equal(tu_field_u64(&p, 2, "dsap"), 0x42);
}

/* Jumbo LLC (ethertype 0x8870, tshark's name): LLC behind an ethertype. Read as LLC; kept when a parsed
 * frame is reserialised (not rewritten as a length); chosen when a built LLC payload is longer than a
 * length field may say (1500). Seen in scapy's Ether()/LLC(), which writes it. */
static void
test_jumbo_llc_ethertype_carries_llc(void **state)
{
        uint8_t f[64];
        struct pkt p, b;
        const uint8_t *out;
        (void)state;

        size_t n = tu_hex("ffffffffffff001122334455 8870 424203 0000000000000000", f, sizeof(f));
        pkt_init(&p);
        assert_int_equal(pkt_parse_writable(&p, PKT_PROTO_ETHERNET, f, n, n), 0);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_LLC, 0), 1);
        assert_int_equal(tu_field_u64(&p, 1, "dsap"), 0x42);
        assert_string_equal(tu_field(&p, 0, "type"), "JUMBO_LLC");

        /* A field changed elsewhere: the lengths are refreshed, the type stays what it was. */
        assert_int_equal(pkt_field_set_str(&p, 0, "src", "02:00:00:00:00:09"), 0);
        assert_int_equal(pkt_serialize(&p, 0, &out), (int)n);
        assert_int_equal(out[12] << 8 | out[13], 0x8870);
        pkt_done(&p);

        /* 1,500 bytes of payload still fit a length; 1,501 do not. */
        char spec[4000];
        for (unsigned len = 1497; len <= 1498; len++) {
                int k = snprintf(spec, sizeof(spec), "ethernet/llc(dsap=0x42,ssap=0x42,ctrl=3)/raw(hex=");
                for (unsigned i = 0; i < len; i++)
                        k += snprintf(spec + k, sizeof(spec) - (size_t)k, "ab");
                snprintf(spec + k, sizeof(spec) - (size_t)k, ")");
                pkt_init(&b);
                size_t got = tu_build(&b, spec, &out);
                assert_int_equal(got, 14 + 3 + len);
                assert_int_equal(out[12] << 8 | out[13], len == 1497 ? 1500 : 0x8870);
                pkt_done(&b);
        }
}

/* ---- llc ---- */

static void
test_llc_snap_build_adds_rfc1042_header(void **state)
{
        (void)state;
        /* Dot3(dst="ff:ff:ff:ff:ff:ff",src="00:11:22:33:44:55")/LLC(dsap=0xaa,ssap=0xaa,ctrl=3)/
         * SNAP(OUI=0,code=0x0800)/IP(id=1,src="192.0.2.1",dst="192.0.2.2")/
         * UDP(sport=1234,dport=53) */
        tu_assert_builds(
                "ethernet(dst=ff:ff:ff:ff:ff:ff,src=00:11:22:33:44:55)/llc/"
                "ip(id=1,src=192.0.2.1,dst=192.0.2.2)/udp(sport=1234,dport=53)",
                "ffffffffffff0011223344550024aaaa0300000008004500001c000100004011f6ccc0000201c000"
                "020204d20035000876d3");
}

static void
test_llc_plain_build_has_three_byte_header(void **state)
{
        (void)state;
        /* Dot3(dst="01:80:c2:00:00:00",src="00:11:22:33:44:55")/LLC(dsap=0x42,ssap=0x42,ctrl=3)/
         * Raw(b"\x00\x00\x00") */
        tu_assert_builds(
                "ethernet(dst=01:80:c2:00:00:00,src=00:11:22:33:44:55)/llc(dsap=0x42,ssap=0x42)/"
                "raw(hex=000000)",
                "0180c20000000011223344550006424203000000");
}

/* A stand-in for a SNAP protocol with a vendor OUI (CDP: OUI 00:00:0c, PID 0x2000). */
static const struct pkt_field snaptest_fields[] = {
        { .name = "ver", .off = 0, .bits = 8, .type = PKT_FT_UINT, .def = 2 },
        { .name = "ttl", .off = 8, .bits = 8, .type = PKT_FT_UINT, .def = 180 },
};
static const struct pkt_key snaptest_carriers[] = { { PKT_KEY_SNAP, 0x000c2000 }, PKT_KEY_END };
static struct pkt_proto snaptest = {
        .name = "snaptest",
        .min_hdr_len = 2,
        .fields = snaptest_fields,
        .n_fields = 2,
        .carriers = snaptest_carriers,
};

static void
test_llc_snap_vendor_oui_selects_and_is_filled_from_the_snap_key(void **state)
{
        const char *cdp_hex = "01000ccccccc001122334455000aaaaa0300000c200002b4";
        uint8_t f[64];
        struct pkt p;
        (void)state;

        if (snaptest.id == 0)
                assert_true(pkt_proto_register(&snaptest) > 0);
        /* Dot3(dst="01:00:0c:cc:cc:cc",src="00:11:22:33:44:55")/LLC(dsap=0xaa,ssap=0xaa,ctrl=3)/
         * SNAP(OUI=0xc,code=0x2000)/Raw(b"\x02\xb4") */
        tu_assert_builds("ethernet(dst=01:00:0c:cc:cc:cc,src=00:11:22:33:44:55)/llc/snaptest",
                      cdp_hex);
        size_t n = tu_hex(cdp_hex, f, sizeof(f));
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, f, n, n), 0);
        assert_int_equal(pkt_layer_find(&p, snaptest.id, 0), 2);
        assert_string_equal(tu_field(&p, 1, "snap"), "00000c2000");
}

static void
test_llc_explicit_snap_is_kept(void **state)
{
        const uint8_t *d;
        uint8_t want[64];
        struct pkt p;
        (void)state;

        pkt_init(&p);
        tu_build(&p, "ethernet(dst=01:00:0c:cc:cc:cc,src=00:11:22:33:44:55)/llc/raw(hex=02b4)", &d);
        /* The SNAP bytes exist once the header has them; then they can be set like any field. */
        assert_int_equal(pkt_field_set_str(&p, 1, "snap", "00000c2000"), 0);
        int n = pkt_serialize(&p, 0, &d);
        size_t wn = tu_hex("01000ccccccc001122334455000aaaaa0300000c200002b4", want, sizeof(want));
        tu_assert_bytes(d, (size_t)n, want, wn);
        pkt_done(&p);
}

static void
test_llc_header_follows_control_and_saps_when_built(void **state)
{
        const uint8_t *d;
        uint8_t f[64], want[64];
        struct pkt p, c;
        (void)state;

        /* An S frame has a second control byte (zero here).
         * Dot3(dst="ff:ff:ff:ff:ff:ff",src="00:11:22:33:44:55")/LLC(dsap=0xf0,ssap=0xf0,ctrl=1)/
         * Raw(b"\x00\xaa")  (scapy's LLC control is one byte: the second one is in Raw) */
        tu_assert_builds("ethernet(dst=ff:ff:ff:ff:ff:ff,src=00:11:22:33:44:55)/"
                      "llc(dsap=0xf0,ssap=0xf0,ctrl=0x01)/raw(hex=aa)",
                      "ffffffffffff0011223344550005f0f00100aa");

        /* A SNAP frame whose DSAP and SSAP stop saying SNAP loses the SNAP bytes.
         * Dot3(dst="01:80:c2:00:00:00",src="00:11:22:33:44:55")/LLC(dsap=0x42,ssap=0x42,ctrl=3)/
         * Raw(b"\x45") */
        size_t n = tu_hex("0180c2000000001122334455000aaaaa03000000080045", f, sizeof(f));
        pkt_init(&p);
        pkt_init(&c);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, f, n, n), 0);
        pkt_dissect_all(&p);
        assert_int_equal(pkt_copy(&c, &p), 0);
        assert_int_equal(pkt_field_set_str(&c, 1, "dsap", "0x42"), 0);
        assert_int_equal(pkt_field_set_str(&c, 1, "ssap", "0x42"), 0);
        int len = pkt_serialize(&c, 0, &d);
        size_t wn = tu_hex("0180c2000000001122334455000442420345", want, sizeof(want));
        tu_assert_bytes(d, (size_t)len, want, wn);
        pkt_done(&c);
        pkt_done(&p);
}

static void
test_llc_cdp_corpus_frame_matches_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        const uint8_t *snap;
        size_t len;
        (void)state;

        /* tshark -e llc.dsap -e llc.ssap -e llc.control -e llc.oui -e llc.cisco_pid -e eth.len:
         *   0xaa 0xaa 0x0003 12 0x2000 386 */
        tu_load_frame("tcpdump/3560_CDP.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_LLC);
        assert_int_equal(tu_field_u64(&p, 0, "type"), 386);
        assert_int_equal(tu_field_u64(&p, 1, "dsap"), 0xaa);
        assert_int_equal(tu_field_u64(&p, 1, "ssap"), 0xaa);
        assert_int_equal(tu_field_u64(&p, 1, "ctrl"), 0x03);
        assert_int_equal(p.layers[1].hdr_len, 8);
        assert_int_equal(pkt_field_get_bytes(&p, 1, "snap", &snap, &len), 0);
        assert_int_equal(len, 5);
        assert_int_equal(snap[0] << 16 | snap[1] << 8 | snap[2], 12);
        assert_int_equal(snap[3] << 8 | snap[4], 0x2000);
}

static void
test_llc_stp_corpus_frame_has_no_snap(void **state)
{
        struct tu_frame f;
        struct pkt p;
        const uint8_t *snap;
        size_t len;
        (void)state;

        /* tshark -e llc.dsap -e llc.ssap -e llc.control -e eth.len: 0x42 0x42 0x0003 38 */
        tu_load_frame("tcpdump/802.1D_spanning_tree.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_LLC);
        assert_int_equal(tu_field_u64(&p, 1, "dsap"), 0x42);
        assert_int_equal(tu_field_u64(&p, 1, "ssap"), 0x42);
        assert_int_equal(tu_field_u64(&p, 1, "ctrl"), 0x03);
        assert_int_equal(p.layers[1].hdr_len, 3);
        assert_int_equal(p.layers[1].len, 38);
        assert_int_equal(pkt_field_get_bytes(&p, 1, "snap", &snap, &len), -ENODATA);
}

/* A BPDU built has what its type and version say (tshark reads these as built): a TCN its 4 bytes,
 * RSTP the version 1 length, MSTP the CIST part; a field past the header adds the bytes up to it
 * (the region name, NUL-padded to its 32); MSTI messages follow, counted in the version 3 length. */
static void
test_stp_builds_every_bpdu_form(void **state)
{
        (void)state;
        tu_assert_builds("stp(type=TCN)", "00000080");
        tu_assert_builds("stp(v=2,type=RST,flags=DESIGNATED|FORWARDING|LEARNING)",
                         "000002023c000000000000000000000000000000000000000000000100140002000f0000");
        tu_assert_builds("stp(v=3,type=RST,cfg_name=\"region1\",mstis=[msti(flags=DESIGNATED,root_id=8001020000000001,"
                         "bridge_prio=0x80,port_prio=0x80,hops=20)])",
                         "0000030200000000000000000000000000000000000000000000000100140002000f00" "00" "0050" "00"
                         "726567696f6e31000000000000000000000000000000000000000000000000000000"
                         "00000000000000000000000000000000" "00000000" "0000000000000000" "00"
                         "0c" "8001020000000001" "00000000" "80" "80" "14");
        /* SPB (version 4): its part after the MSTIs, its length the data's; tcpdump's spb_bpduv4.pcap
         * says 85 (tshark: Version 4 Length). */
        struct tu_frame f;
        struct pkt p;
        tu_load_frame("tcpdump/spb_bpduv4.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int i = pkt_layer_find(&p, PKT_PROTO_STP, 0);
        assert_true(i > 0);
        assert_string_equal(tu_elem_str(&p, i, "spb", 0, "v4_len"), "85");
        pkt_done(&p);
        struct pkt b;
        const uint8_t *d;
        pkt_init(&b);
        size_t n = tu_build(&b, "stp(v=4,type=RST,v3_len=64,spb=[spb(data=aabbcc)])", &d);
        assert_int_equal(n, 102 + 2 + 3);
        tu_assert_bytes(d + n - 5, 5, (const uint8_t *)"\x00\x03\xaa\xbb\xcc", 5);
        pkt_done(&b);
}

static void
test_llc_i_and_s_frames_have_two_control_bytes(void **state)
{
        /* libpcap/filter__llc.pcap, tshark -e frame.number -e llc.dsap -e llc.ssap -e llc.control:
         * 6: 0xf0 0xf0 0x0101 (S frame);  10: 0xf0 0xf0 0x0100 (I frame) */
        static const struct {
                unsigned no;
                unsigned control;
        } want[] = { { 6, 0x0101 }, { 10, 0x0100 } };
        (void)state;

        for (unsigned i = 0; i < 2; i++) {
                struct tu_frame f;
                struct pkt p;
                size_t len;
                tu_load_frame("libpcap/filter__llc.pcap", want[i].no, &f);
                tu_parse_frame(&p, &f);
                assert_int_equal(p.layers[1].proto, PKT_PROTO_LLC);
                assert_int_equal(tu_field_u64(&p, 1, "dsap"), 0xf0);
                assert_int_equal(p.layers[1].hdr_len, 4);
                const uint8_t *h = pkt_layer_header(&p, 1, &len);
                assert_int_equal(tu_field_u64(&p, 1, "ctrl") | (unsigned)h[3] << 8, want[i].control);
                /* The second control byte is not SNAP: no field claims it. */
                assert_int_equal(pkt_field_get_bytes(&p, 1, "snap", &h, &len), -ENODATA);
        }
}

/* ---- linuxcc, linuxcc2 ---- */

static void
test_linuxcc_build_matches_scapy(void **state)
{
        (void)state;
        /* CookedLinux(pkttype=4,lladdrtype=1,lladdrlen=6,src=b"\x00\x11\x22\x33\x44\x55\x00\x00")/
         * IP(id=1,src="192.0.2.1",dst="192.0.2.2")/UDP(sport=1234,dport=53) */
        tu_assert_builds("linuxcc(dir=OUTGOING,addrtype=1,addrlen=6,info=0011223344550000)/"
                      "ip(id=1,src=192.0.2.1,dst=192.0.2.2)/udp(sport=1234,dport=53)",
                      "000400010006001122334455000008004500001c000100004011f6ccc0000201c000020204d2"
                      "0035000876d3");
}

static void
test_linuxcc_llc_payload_gets_protocol_4(void **state)
{
        (void)state;
        /* CookedLinux(pkttype=0,lladdrtype=1,lladdrlen=6,src=b"\x00\x11\x22\x33\x44\x55\x00\x00",
         * proto=4)/LLC(dsap=0x42,ssap=0x42,ctrl=3)/Raw(b"\x00\x00") */
        tu_assert_builds("linuxcc(info=0011223344550000)/llc(dsap=0x42,ssap=0x42)/raw(hex=0000)",
                      "000000010006001122334455000000044242030000");
}

static void
test_linuxcc_corpus_frame_matches_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        (void)state;

        /* tshark -e sll.pkttype -e sll.hatype -e sll.halen -e sll.etype: 0 1 4 0x0806 */
        tu_load_frame("pcap4j/LinuxSllPacketTest.pcap", 1, &f);
        assert_int_equal(f.dlt, 113);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_LINUXCC);
        assert_int_equal(tu_field_u64(&p, 0, "dir"), 0);
        assert_string_equal(tu_field(&p, 0, "dir"), "HOST");
        assert_int_equal(tu_field_u64(&p, 0, "addrtype"), 1);
        assert_int_equal(tu_field_u64(&p, 0, "addrlen"), 4);
        assert_int_equal(tu_field_u64(&p, 0, "type"), 0x0806);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_ARP);
        assert_int_equal(p.layers[1].off, 16);
}

static void
test_linuxcc2_build_matches_scapy(void **state)
{
        (void)state;
        /* CookedLinuxV2(ifindex=3,lladdrtype=1,pkttype=1,lladdrlen=6,
         * src=b"\x00\x11\x22\x33\x44\x55\x00\x00")/IP(id=1,src="192.0.2.1",dst="192.0.2.2")/
         * UDP(sport=1234,dport=53) */
        tu_assert_builds("linuxcc2(ifindex=3,dir=BROADCAST,info=0011223344550000)/"
                      "ip(id=1,src=192.0.2.1,dst=192.0.2.2)/udp(sport=1234,dport=53)",
                      "08000000000000030001010600112233445500004500001c000100004011f6ccc0000201c000"
                      "020204d20035000876d3");
}

static void
test_linuxcc2_corpus_frames_match_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        const uint8_t *info;
        size_t len;
        (void)state;

        /* tshark -e sll.etype -e sll.ifindex -e sll.hatype -e sll.pkttype -e sll.halen
         *   -e sll.src.eth -e ip.src:  0x0800 20 1 4 6 d2:cf:c2:50:15:ea 7.249.151.114 */
        tu_load_frame("pcapplusplus/PacketExamples__Sll2Packet.pcap", 1, &f);
        assert_int_equal(f.dlt, 276);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_LINUXCC2);
        assert_string_equal(tu_field(&p, 0, "type"), "IP");
        assert_int_equal(tu_field_u64(&p, 0, "ifindex"), 20);
        assert_int_equal(tu_field_u64(&p, 0, "addrtype"), 1);
        assert_string_equal(tu_field(&p, 0, "dir"), "OUTGOING");
        assert_int_equal(tu_field_u64(&p, 0, "addrlen"), 6);
        assert_int_equal(pkt_field_get_bytes(&p, 0, "info", &info, &len), 0);
        assert_int_equal(len, 8);
        assert_memory_equal(info, "\xd2\xcf\xc2\x50\x15\xea", 6);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_IP);
        assert_string_equal(tu_field(&p, 1, "src"), "7.249.151.114");

        /* tshark -e sll.ltype -e sll.ifindex -e sll.pkttype -e sll.src.eth -e llc.dsap -e llc.ssap
         *   -e llc.control:  0x0004 3 2 e0:1c:fc:d3:b1:e1 0x42 0x42 0x0003 */
        tu_load_frame("pcapplusplus/PacketExamples__Sll2PacketLLC.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(tu_field_u64(&p, 0, "type"), 0x0004);
        assert_int_equal(tu_field_u64(&p, 0, "ifindex"), 3);
        assert_string_equal(tu_field(&p, 0, "dir"), "MULTICAST");
        assert_int_equal(pkt_field_get_bytes(&p, 0, "info", &info, &len), 0);
        assert_memory_equal(info, "\xe0\x1c\xfc\xd3\xb1\xe1", 6);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_LLC);
        assert_int_equal(tu_field_u64(&p, 1, "dsap"), 0x42);
        assert_int_equal(tu_field_u64(&p, 1, "ssap"), 0x42);
        assert_int_equal(tu_field_u64(&p, 1, "ctrl"), 0x03);
}

/* A stand-in for a protocol selected by the ARPHRD_ type (radiotap: ARPHRD_IEEE80211_RADIOTAP). */
static const struct pkt_field hwtest_fields[] = { PKT_U("ver", 0, 8) };
static const struct pkt_key hwtest_carriers[] = { { PKT_KEY_ARPHRD, 803 }, PKT_KEY_END };
static struct pkt_proto hwtest = {
        .name = "hwtest",
        .min_hdr_len = 1,
        .fields = hwtest_fields,
        .n_fields = 1,
        .carriers = hwtest_carriers,
};

static void
test_linuxcc_small_protocol_defers_to_the_arphrd_type(void **state)
{
        uint8_t f[64];
        struct pkt p;
        (void)state;

        if (hwtest.id == 0)
                assert_true(pkt_proto_register(&hwtest) > 0);
        /* ARPHRD_IEEE80211_RADIOTAP (803) saying ETH_P_802_2: the link type names the payload. */
        size_t n = tu_hex("0000 0323 0006 001122334455 0000 0004 00 0000000000", f, sizeof(f));
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, 113, f, n, n), 0);
        assert_int_equal(pkt_layer_find(&p, hwtest.id, 0), 1);
        /* An ethertype always wins. */
        memcpy(f + 14, "\x08\x06", 2);
        assert_int_equal(pkt_parse_dlt(&p, 113, f, n, n), 0);
        pkt_dissect_all(&p);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_ARP);
        /* An Ethernet device's ETH_P_802_2 is LLC. */
        memcpy(f + 2, "\x00\x01", 2);
        memcpy(f + 14, "\x00\x04", 2);
        assert_int_equal(pkt_parse_dlt(&p, 113, f, n, n), 0);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_LLC, 0), 1);
}

/* ---- loopback ---- */

static void
test_loopback_build_matches_scapy(void **state)
{
        (void)state;
        /* Loopback(type=2)/IP(id=1,src="127.0.0.1",dst="127.0.0.1")/UDP(sport=1234,dport=53)
         * (scapy writes the family little-endian, as DLT_NULL from an x86 host) */
        tu_assert_builds("loopback/ip(id=1,src=127.0.0.1,dst=127.0.0.1)/udp(sport=1234,dport=53)",
                      "020000004500001c0001000040117cce7f0000017f00000104d200350008fcd4");
        /* Loopback(type=24)/IPv6(src="::1",dst="::1",nh=59) */
        tu_assert_builds(
                "loopback(family=INET6)/raw(hex=6000000000003b4000000000000000000000000000000001"
                "00000000000000000000000000000001)",
                "180000006000000000003b400000000000000000000000000000000100000000000000000000000000"
                "000001");
}

static void
test_loop_build_writes_network_order(void **state)
{
        (void)state;
        /* scapy's Loopback is host-order only, so:
         * struct.pack(">I", 2) + bytes(IP(id=1,src="127.0.0.1",dst="127.0.0.1")/
         *                              UDP(sport=1234,dport=53)) */
        tu_assert_builds("loop/ip(id=1,src=127.0.0.1,dst=127.0.0.1)/udp(sport=1234,dport=53)",
                      "000000024500001c0001000040117cce7f0000017f00000104d200350008fcd4");
}

static void
test_loopback_corpus_frames_match_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        (void)state;

        /* tshark -e null.family -e ip.src: 2 192.0.2.1 */
        tu_load_frame("pcap4j/BsdLoopbackPacketTest.pcap", 1, &f);
        assert_int_equal(f.dlt, 0);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_LOOPBACK);
        assert_int_equal(tu_field_u64(&p, 0, "family"), 2);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_IP);
        assert_string_equal(tu_field(&p, 1, "src"), "192.0.2.1");

        /* tshark -e frame.number -e null.family: 1 30 (IPv6, macOS), 2 2 */
        tu_load_frame("pcapplusplus/PacketExamples__NullLoopback.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(tu_field_u64(&p, 0, "family"), 30);
        assert_int_equal(p.layers[1].proto,
                         pkt_proto_get(PKT_PROTO_IP6) ? PKT_PROTO_IP6 : PKT_PROTO_RAW);
        assert_int_equal(p.layers[1].off, 4);
        tu_load_frame("pcapplusplus/PacketExamples__NullLoopback.pcap", 2, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(tu_field_u64(&p, 0, "family"), 2);
        assert_string_equal(tu_field(&p, 1, "src"), "172.16.1.117");
}

static void
test_loopback_big_endian_dlt_null_reads_the_same_family(void **state)
{
        struct tu_frame f;
        struct pkt p;
        (void)state;

        /* The pcap4j frame as a big-endian host would have written it (the corpus has none). */
        tu_load_frame("pcap4j/BsdLoopbackPacketTest.pcap", 1, &f);
        memcpy(f.data, "\x00\x00\x00\x02", 4);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_LOOP);
        assert_int_equal(tu_field_u64(&p, 0, "family"), 2);
        assert_string_equal(tu_field(&p, 0, "family"), "INET");
        assert_int_equal(p.layers[1].proto, PKT_PROTO_IP);

        /* DLT_LOOP is network order whatever the host. */
        f.dlt = 108;
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_LOOP);
        assert_int_equal(tu_field_u64(&p, 0, "family"), 2);

        /* Handed to the little-endian descriptor anyway, the payload is still found. */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_LOOPBACK, f.data, f.caplen, f.wire_len), 0);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_IP, 0), 1);
}

static void
test_loopback_unknown_family_payload_stays_raw(void **state)
{
        uint8_t f[16];
        struct pkt p;
        (void)state;

        /* 23: AF_ISO on one BSD, AF_IPX on another. */
        size_t n = tu_hex("17000000 4500001c00010000", f, sizeof(f));
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, 0, f, n, n), 0);
        assert_int_equal(pkt_dissect_all(&p), 2);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_RAW);
}

/* ---- truncation ---- */

/* Builds @spec, pads it with zeros to @frame_len bytes and parses that frame into @p (Ethernet). */
static void
parse_padded(struct pkt *p, const char *spec, uint8_t *frame, size_t frame_len, size_t *ret_len)
{
        struct pkt built;
        const uint8_t *d;

        pkt_init(&built);
        size_t n = tu_build(&built, spec, &d);
        assert_true(n <= frame_len);
        memset(frame, 0, frame_len);
        memcpy(frame, d, n);
        pkt_done(&built);
        pkt_init(p);
        assert_int_equal(pkt_parse(p, PKT_PROTO_ETHERNET, frame, frame_len, frame_len), 0);
        pkt_dissect_all(p);
        *ret_len = n;
}

/* The zeros that pad a short frame to 60 bytes (RFC 894) after an IPv4 packet's total length or an
 * IPv6 packet's payload length are the frame's trailer, or the innermost VLAN tag's: the IP layer ends
 * with its packet, as tshark's eth.padding and pypacker's Ethernet padding have it. The frame
 * serialises as it came. */
static void
test_ip_packets_end_at_their_length_and_the_padding_is_the_link_layers(void **state)
{
        static const struct {
                const char *spec;
                unsigned ip_idx; /* the IP layer; the padding is the layer's before it */
        } cases[] = {
                { "ethernet/ip(src=192.0.2.1,dst=192.0.2.2)/tcp(sport=1,dport=2,flags=ACK)", 1 },
                { "ethernet/dot1q(vid=5)/ip(src=192.0.2.1,dst=192.0.2.2)/tcp(sport=1,dport=2,flags=ACK)", 2 },
                { "ethernet/ip6(src=2001:db8::1,dst=2001:db8::2,nxt=59)", 1 },
        };
        uint8_t frame[60];

        (void)state;
        for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
                struct pkt p;
                size_t n, tn;
                parse_padded(&p, cases[c].spec, frame, sizeof(frame), &n);
                const struct pkt_layer *ip = pkt_layer(&p, cases[c].ip_idx);
                assert_non_null(ip);
                assert_int_equal(ip->off + ip->len, n);
                assert_int_equal(ip->wire_len, ip->len);
                const uint8_t *t = pkt_layer_trailer(&p, cases[c].ip_idx - 1u, &tn);
                assert_int_equal(tn, sizeof(frame) - n);
                assert_ptr_equal(t, frame + n);
                const uint8_t *out;
                assert_int_equal(pkt_serialize(&p, 0, &out), (int)sizeof(frame));
                assert_memory_equal(out, frame, sizeof(frame));
                pkt_done(&p);
        }

        /* A total length beyond the frame is no end: the layer keeps what was captured, flagged. */
        struct pkt p;
        size_t n;
        parse_padded(&p, "ethernet/ip(src=192.0.2.1,dst=192.0.2.2,len=100)/raw(\"abc\")", frame, 60, &n);
        assert_int_equal(pkt_layer(&p, 1)->len, 60 - 14);
        assert_true(pkt_layer(&p, 1)->flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
}

static void
test_link_every_prefix_is_flagged_never_crashes(void **state)
{
        static const struct {
                const char *rel;
                unsigned no;
        } frames[] = {
                { "tcpdump/802.1ad_QinQ.pcap", 1 },
                { "tcpdump/3560_CDP.pcap", 1 },
                { "tcpdump/802.1D_spanning_tree.pcap", 1 },
                { "libpcap/filter__llc.pcap", 6 },
                { "pcap4j/LinuxSllPacketTest.pcap", 1 },
                { "pcapplusplus/PacketExamples__Sll2Packet.pcap", 1 },
                { "pcapplusplus/PacketExamples__Sll2PacketLLC.pcap", 1 },
                { "pcap4j/BsdLoopbackPacketTest.pcap", 1 },
                { "pcapplusplus/PacketExamples__NullLoopback.pcap", 2 },
        };
        struct tu_frame f;
        (void)state;

        for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
                tu_load_frame(frames[i].rel, frames[i].no, &f);
                tu_sweep_prefixes(&f);
        }
}

static bool
is_link_glue(unsigned proto)
{
        return proto == PKT_PROTO_DOT1Q || proto == PKT_PROTO_LLC || proto == PKT_PROTO_LINUXCC ||
               proto == PKT_PROTO_LINUXCC2 || proto == PKT_PROTO_LOOPBACK ||
               proto == PKT_PROTO_LOOP || proto == PKT_PROTO_ARP;
}

static void
test_link_auto_fields_recompute_to_the_captured_values(void **state)
{
        static const struct {
                const char *rel;
                unsigned no;
        } frames[] = {
                { "tcpdump/802.1ad_QinQ.pcap", 2 },
                { "tcpdump/3560_CDP.pcap", 1 },
                { "libpcap/filter__llc.pcap", 10 },
                { "pcap4j/LinuxSllPacketTest.pcap", 1 },
                { "pcapplusplus/PacketExamples__Sll2Packet.pcap", 1 },
                { "pcapplusplus/PacketExamples__Sll2PacketLLC.pcap", 1 },
                { "pcap4j/BsdLoopbackPacketTest.pcap", 1 },
        };
        struct tu_frame f;
        struct pkt p, c;
        const uint8_t *out;
        (void)state;

        for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
                unsigned refreshed = 0;
                tu_load_frame(frames[i].rel, frames[i].no, &f);
                tu_parse_frame(&p, &f);
                pkt_init(&c);
                assert_int_equal(pkt_copy(&c, &p), 0);
                /* Give every auto field of our layers back to auto-update: the update hooks run and
                 * must write what the capture had (types, lengths, SNAP OUI and PID). */
                for (unsigned k = 0; k < c.n_layers; k++) {
                        const struct pkt_proto *pr = pkt_proto_get(c.layers[k].proto);
                        if (!is_link_glue(pr->id))
                                continue;
                        for (unsigned j = 0; j < pr->n_fields; j++)
                                if (pr->fields[j].flags & PKT_FF_AUTO) {
                                        assert_int_equal(
                                                pkt_field_set_auto(&c, k, pr->fields[j].name, true),
                                                0);
                                        refreshed++;
                                }
                }
                assert_true(refreshed > 0);
                int n = pkt_serialize(&c, 0, &out);
                tu_assert_bytes(out, (size_t)n, f.data, f.caplen);
                pkt_done(&c);
        }
}

static void
test_link_cut_headers_are_truncated(void **state)
{
        struct tu_frame f;
        struct pkt p;
        (void)state;

        /* QinQ frame cut inside the inner tag; CDP cut inside SNAP; SLL2 cut inside its header. */
        tu_load_frame("tcpdump/802.1ad_QinQ.pcap", 1, &f);
        pkt_init(&p);
        pkt_parse_dlt(&p, f.dlt, f.data, 20, f.wire_len);
        assert_int_equal(pkt_dissect_all(&p), 3);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_DOT1Q);
        assert_true(p.layers[2].flags & PKT_LAYER_TRUNCATED);

        tu_load_frame("tcpdump/3560_CDP.pcap", 1, &f);
        pkt_parse_dlt(&p, f.dlt, f.data, 19, f.wire_len);
        assert_int_equal(pkt_dissect_all(&p), 2);
        assert_true(p.layers[1].flags & PKT_LAYER_TRUNCATED);
        assert_int_equal(tu_field_u64(&p, 1, "dsap"), 0xaa);

        tu_load_frame("pcapplusplus/PacketExamples__Sll2Packet.pcap", 1, &f);
        pkt_parse_dlt(&p, f.dlt, f.data, 12, f.wire_len);
        assert_int_equal(pkt_dissect_all(&p), 1);
        assert_true(p.layers[0].flags & PKT_LAYER_TRUNCATED);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_dot1q_build_matches_scapy),
                cmocka_unit_test(test_ip_packets_end_at_their_length_and_the_padding_is_the_link_layers),
                cmocka_unit_test(test_qinq_build_sets_inner_types_and_keeps_explicit_tpid),
                cmocka_unit_test(test_qinq_corpus_frames_match_tshark),
                cmocka_unit_test(test_dot1q_length_type_carries_llc_of_that_length),
                cmocka_unit_test(test_jumbo_llc_ethertype_carries_llc),
                cmocka_unit_test(test_llc_snap_build_adds_rfc1042_header),
                cmocka_unit_test(test_llc_plain_build_has_three_byte_header),
                cmocka_unit_test(test_llc_snap_vendor_oui_selects_and_is_filled_from_the_snap_key),
                cmocka_unit_test(test_llc_explicit_snap_is_kept),
                cmocka_unit_test(test_llc_header_follows_control_and_saps_when_built),
                cmocka_unit_test(test_llc_cdp_corpus_frame_matches_tshark),
                cmocka_unit_test(test_llc_stp_corpus_frame_has_no_snap),
                cmocka_unit_test(test_stp_builds_every_bpdu_form),
                cmocka_unit_test(test_llc_i_and_s_frames_have_two_control_bytes),
                cmocka_unit_test(test_linuxcc_build_matches_scapy),
                cmocka_unit_test(test_linuxcc_llc_payload_gets_protocol_4),
                cmocka_unit_test(test_linuxcc_corpus_frame_matches_tshark),
                cmocka_unit_test(test_linuxcc_small_protocol_defers_to_the_arphrd_type),
                cmocka_unit_test(test_linuxcc2_build_matches_scapy),
                cmocka_unit_test(test_linuxcc2_corpus_frames_match_tshark),
                cmocka_unit_test(test_loopback_build_matches_scapy),
                cmocka_unit_test(test_loop_build_writes_network_order),
                cmocka_unit_test(test_loopback_corpus_frames_match_tshark),
                cmocka_unit_test(test_loopback_big_endian_dlt_null_reads_the_same_family),
                cmocka_unit_test(test_loopback_unknown_family_payload_stays_raw),
                cmocka_unit_test(test_link_every_prefix_is_flagged_never_crashes),
                cmocka_unit_test(test_link_cut_headers_are_truncated),
                cmocka_unit_test(test_link_auto_fields_recompute_to_the_captured_values),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
