/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CDP (layers/link/cdp.c): building against scapy (its checksum quirk for odd lengths too),
 * dissecting corpus captures against tshark, hostile TLVs and address entries, and every prefix of
 * a real frame.
 *
 * Expected bytes come from scapy 2.5.0's scapy.contrib.cdp (the expression is beside each, and in
 * tests/oracle/scapy_cases_discovery.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -V`, run once, values pasted in).
 */
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

#define DOT3_SNAP "ethernet(src=02:00:00:00:00:01,dst=01:00:0c:cc:cc:cc)/llc/cdp"

static void
test_cdp_builds_like_scapy(void **state)
{
        (void)state;
        /* Dot3(src="02:00:00:00:00:01",dst="01:00:0c:cc:cc:cc")/LLC()/SNAP()/CDPv2_HDR(vers=2,ttl=180,
         *   msg=[CDPMsgDeviceID(val=b"sw1"),CDPMsgAddr(addr=[CDPAddrRecordIPv4(addr="192.0.2.1")]),
         *   CDPMsgPortID(iface=b"Gi0/1"),CDPMsgCapabilities(cap=0x28),CDPMsgNativeVLAN(vlan=10),
         *   CDPMsgDuplex(duplex=1)])
         * An odd length whose last byte is at most 0x80: summed as 0x0001. */
        tu_assert_builds(DOT3_SNAP
                         "(tlvs=[device_id(\"sw1\"),addresses(192.0.2.1),port_id(\"Gi0/1\"),"
                         "capabilities(SWITCH|IGMP),native_vlan(10),duplex(1)])",
                         "01000ccccccc0200000000010040aaaa0300000c2000"
                         "02b47a53"
                         "0001000773773100020011000000010101cc0004c0000201000300094769302f31"
                         "0004000800000028000a0006000a000b000501");
        /* ...CDPv2_HDR(msg=[CDPMsgDeviceID(val=b"swX"),CDPMsgAddr(addr=[CDPAddrRecordIPv4(addr=
         *   "192.0.2.1"),CDPAddrRecordIPv6(addr="2001:db8::1")]),CDPMsgPortID(iface=b"\xff")])
         * Two addresses, and an odd last byte above 0x80: summed as 0xfffe. */
        tu_assert_builds(DOT3_SNAP "(tlvs=[device_id(\"swX\"),addresses(192.0.2.1,2001:db8::1),"
                                   "port_id(\"\\xff\")])",
                         "01000ccccccc0200000000010045aaaa0300000c2000"
                         "02b4d897"
                         "00010007737758"
                         "0002002d00000002"
                         "0101cc0004c0000201"
                         "0208aaaa0300000086dd001020010db8000000000000000000000001"
                         "00030005ff");
        /* In GRE, as protocol type 0x2000; a TLV by number and bytes. */
        tu_assert_builds("gre/cdp(ttl=60,tlvs=[tlv(type=0x99,value=0102)])",
                         "00002000023cfc22009900060102");
}

/* zeek/cdp-v1.pcap as tshark reads it: version 1, TTL 180, checksum 0xdff0 (correct), device R1,
 * one address 192.168.10.1, port Ethernet0, capabilities router, platform "cisco 1601". */
static void
test_cdp_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;

        (void)state;
        tu_load_frame("zeek/cdp-v1.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_CDP);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "version"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "sum"), 0xdff0);
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 0, "value"), "R1");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 1, "count"), "1");
        assert_string_equal(tu_elem_str(&p, i, "addrs", 0, "addr"), "192.168.10.1");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 2, "value"), "Ethernet0");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 3, "capabilities"), "ROUTER");
        assert_string_equal(tu_elem_str(&p, i, "tlvs", 5, "value"), "cisco 1601");
        /* Reserialised after a field is set, the checksum is computed again, and is the one sent.
         */
        const uint8_t *d;
        pkt_done(&p);
        pkt_init(&p);
        assert_int_equal(pkt_parse_writable(&p, PKT_PROTO_ETHERNET, f.data, f.caplen, f.wire_len),
                         0);
        i = pkt_layer_find(&p, PKT_PROTO_CDP, 0);
        assert_int_equal(pkt_field_set_str(&p, (unsigned)i, "ttl", "180"), 0);
        assert_true(pkt_serialize(&p, 0, &d) > 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "sum"), 0xdff0);
        pkt_done(&p);
}

/* The flags of CDP message @hex in GRE over IPv4; *@ret_addrs gets the address entries listed. */
static uint16_t
cdp_flags(const char *hex, unsigned *ret_addrs)
{
        return tu_flags_in("ip(src=192.0.2.1,dst=192.0.2.2)/gre(p=0x2000)", hex, PKT_PROTO_IP, 0,
                           PKT_PROTO_CDP, "addrs", ret_addrs);
}

static void
test_cdp_flags_hostile_messages(void **state)
{
        unsigned addrs;

        (void)state;
        /* Well-formed: one IPv4 address. */
        assert_int_equal(cdp_flags("02b40000"
                                   "00020011000000010101cc0004c0000201",
                                   &addrs),
                         0);
        assert_int_equal(addrs, 1);
        /* A TLV longer than the message; one shorter than its own header. */
        assert_int_equal(cdp_flags("02b40000"
                                   "00010020"
                                   "7377",
                                   &addrs),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(cdp_flags("02b40000"
                                   "00010002"
                                   "7377",
                                   &addrs),
                         PKT_LAYER_MALFORMED);
        /* An address entry whose address runs past its TLV: flagged, bytes to the TLV's end. */
        assert_int_equal(cdp_flags("02b40000"
                                   "00020011000000010101cc0010c0000201"
                                   "0003000541",
                                   &addrs),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(addrs, 1);
        /* A count of four billion over one entry: the entries are walked by what is there. */
        assert_int_equal(cdp_flags("02b40000"
                                   "00020011ffffffff0101cc0004c0000201",
                                   &addrs),
                         0);
        assert_int_equal(addrs, 1);
        /* Values too short for their kinds read as bytes: capabilities of 2, a VLAN of 1 byte. */
        assert_int_equal(cdp_flags("02b40000"
                                   "000400060001"
                                   "000a000501",
                                   &addrs),
                         0);
}

static void
test_cdp_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("tcpdump/3560_CDP.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("zeek/cdp-v1.pcap", 1, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cdp_builds_like_scapy),
                cmocka_unit_test(test_cdp_reads_like_tshark),
                cmocka_unit_test(test_cdp_flags_hostile_messages),
                cmocka_unit_test(test_cdp_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
