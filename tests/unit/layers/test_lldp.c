/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LLDP (layers/link/lldp.c, IEEE 802.1AB): building against scapy, dissecting corpus captures
 * against tshark, hostile LLDPDUs, and every prefix of a real frame.
 *
 * Expected bytes come from scapy 2.5.0's scapy.contrib.lldp (the expression is beside each, and in
 * tests/oracle/scapy_cases_discovery.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -V`, run once, values pasted in).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

#define ETHER_LLDP "ethernet(src=02:00:00:00:00:01,dst=01:80:c2:00:00:0e)/lldp"

/* The three mandatory TLVs and a few more, every length computed: as scapy writes them. */
static void
test_lldp_builds_like_scapy(void **state)
{
        (void)state;
        /* Ether(...)/LLDPDUChassisID(subtype=4,id="02:00:00:00:00:01")/LLDPDUPortID(subtype=5,id=b"ge-0/0/1")/
         *   LLDPDUTimeToLive(ttl=120)/LLDPDUSystemName(system_name=b"sw1")/LLDPDUSystemCapabilities(
         *   mac_bridge_available=1,router_available=1,router_enabled=1)/LLDPDUManagementAddress(
         *   management_address_subtype=1,management_address=inet_aton("192.0.2.1"),
         *   interface_numbering_subtype=2,interface_number=5)/LLDPDUEndOfLLDPDU() */
        tu_assert_builds(
                ETHER_LLDP
                "(tlvlist=[chassis(subtype=MAC_ADDRESS,value=02:00:00:00:00:01),"
                "port(subtype=INTERFACE_NAME,value=\"ge-0/0/1\"),ttl(120),sysname(\"sw1\"),"
                "caps(capabilities=BRIDGE|ROUTER,enabled=ROUTER),"
                "mgmt(addrval=192.0.2.1,ifsubtype=IFINDEX,ifnumber=5),end])",
                "0180c200000e02000000000188cc02070402000000000104090567652d302f302f31060200780a0373"
                "77310e0400140010100c0501c00002010200000005000000");
        /* LLDPDUChassisID(subtype=5,family=1,id="192.0.2.1")/LLDPDUPortID(subtype=3,id="02:00:00:00:00:02")/
         *   LLDPDUTimeToLive(ttl=0)/LLDPDUPortDescription(description=b"uplink to 198.51.100.1")/
         *   LLDPDUGenericOrganisationSpecific(org_code=0x0080c2,subtype=1,data=b"\x00\x0a")/
         *   LLDPDUEndOfLLDPDU() */
        tu_assert_builds(
                ETHER_LLDP
                "(tlvlist=[chassis(subtype=NETWORK_ADDRESS,value=192.0.2.1),"
                "port(subtype=MAC_ADDRESS,value=02:00:00:00:00:02),ttl(0),"
                "portdesc(\"uplink to 198.51.100.1\"),org(oui=0x0080c2,subtype=1,value=000a),end])",
                "0180c200000e02000000000188cc02060501c000020104070302000000000206020000081675706c69"
                "6e6b20746f203139382e35312e3130302e31fe060080c201000a0000");
        /* An IPv6 management address with an OID (its length counted), a length given explicitly.
         */
        tu_assert_builds(
                "lldp(tlvlist=[mgmt(addrval=2001:db8::1,ifsubtype=SYSPORT,ifnumber=7,oid=2b0601),"
                "ttl(seconds=1,tlv_len=3)])",
                "101b1102"
                "20010db8000000000000000000000001"
                "0300000007"
                "032b0601"
                "06030001");
}

/* A switch's LLDPDU, as tshark 4.0.17 reads pypacker/packets_lldp.pcap frame 1: Chassis MAC
 * 00:01:30:f9:ad:a0, Port "1/1" (interface name), TTL 120, System Capabilities 0x0014 both, the
 * management address 00:01:30:f9:ad:a0 on ifIndex 1001, IEEE 802.1 port VLAN ID 488, End. */
static void
test_lldp_reads_a_switch_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;

        (void)state;
        tu_load_frame("pypacker/packets_lldp.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_LLDP);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        assert_int_equal(p.layers[i].hdr_len, 249);
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 0, "tlv_type"), "chassis");
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 0, "value"), "00:01:30:f9:ad:a0");
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 1, "subtype"), "INTERFACE_NAME");
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 1, "value"), "1/1");
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 2, "seconds"), "120");
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 6, "capabilities"), "BRIDGE|ROUTER");
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 7, "addrval"), "00:01:30:f9:ad:a0");
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 7, "ifnumber"), "1001");
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 12, "vlan"), "488");
        unsigned n = tu_elem_count(&p, i, "tlvlist", NULL);
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", n - 1, "tlv_type"), "end");
        pkt_done(&p);
}

/* IEEE 802.1 and 802.3 organizationally specific TLVs by their fields, the VLAN name's length
 * counted; read back from the same bytes, as tshark 4.0.17 decodes them. */
static void
test_lldp_org_tlvs_build_and_read_by_field(void **state)
{
        const uint8_t *d;
        struct pkt p;

        (void)state;
        tu_assert_builds(
                "lldp(tlvlist=[org(oui=0x00120f,subtype=4,max_frame_size=1518),"
                "org(oui=0x0080c2,subtype=3,vlan=10,name=\"users\"),"
                "org(oui=0x00120f,subtype=1,autoneg=3,advertised=0x6c01,mau_type=16),end])",
                "fe0600120f0405ee"
                "fe0c0080c203000a057573657273"
                "fe0900120f01036c010010"
                "0000");
        pkt_init(&p);
        tu_build(&p,
                 "ethernet/lldp(tlvlist=[org(oui=0x00120f,subtype=2,mdi_support=0xf,pse_pair=1,"
                 "power_class=5,power_type=1,power_source=1,power_priority=3,requested=255,"
                 "allocated=250),org(oui=0x0080c2,subtype=2,flags=6,ppvid=7),end])",
                 &d);
        int i = tu_layer_of(&p, PKT_PROTO_LLDP);
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 0, "power_priority"), "3");
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 0, "allocated"), "250");
        assert_string_equal(tu_elem_str(&p, i, "tlvlist", 1, "ppvid"), "7");
        pkt_done(&p);
}

/* Parses @hex as an Ethernet frame (its reported length @wire_len, 0: as captured) and returns the
 * LLDP layer's flags; *@ret_tlvs gets its TLV count. */
static uint16_t
lldp_flags(const char *hex, uint32_t wire_len, unsigned *ret_tlvs)
{
        static uint8_t b[512];
        struct pkt p;

        size_t n = tu_hex(hex, b, sizeof(b));
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, b, n, wire_len ? wire_len : n), 0);
        pkt_dissect_all(&p);
        int i = tu_layer_of(&p, PKT_PROTO_LLDP);
        return tu_flags_done(&p, i, "tlvlist", ret_tlvs);
}

#define ETH_HDR "0180c200000e02000000000188cc"
#define MANDATORY                                                                                  \
        "0207040200000000010402"                                                                   \
        "0531"                                                                                     \
        "06020078" /* chassis MAC, port "1", TTL 120 */

/* Hostile and odd LLDPDUs: flagged, never walked past the frame. */
static void
test_lldp_flags_hostile_lldpdus(void **state)
{
        unsigned tlvs;

        (void)state;
        /* Well-formed; the zeros after End are the frame's padding, not TLVs. */
        assert_int_equal(lldp_flags(ETH_HDR MANDATORY "0000"
                                                      "000000000000000000000000",
                                    0, &tlvs),
                         0);
        assert_int_equal(tlvs, 4);
        /* No End TLV: the TLVs run to the frame's end, which is no damage. */
        assert_int_equal(lldp_flags(ETH_HDR MANDATORY, 0, &tlvs), 0);
        assert_int_equal(tlvs, 3);
        /* A TLV whose length runs past the frame: malformed, the walk stops there. */
        assert_int_equal(lldp_flags(ETH_HDR MANDATORY "0a10"
                                                      "7377",
                                    0, &tlvs),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(tlvs, 4);
        /* The same cut by the capture, the frame being longer: truncated. */
        assert_int_equal(lldp_flags(ETH_HDR MANDATORY "0a10"
                                                      "7377",
                                    14 + 18 + 18, &tlvs),
                         PKT_LAYER_TRUNCATED);
        /* Mandatory TLVs out of order (tcpdump's lldp_asan: chassis, then an org TLV): malformed,
         * every TLV still listed (802.1AB 9.2.7.7.1 says discard; tshark stops at the second). */
        assert_int_equal(lldp_flags(ETH_HDR "02060501c0a80001"
                                            "fe0900120f0100ffff2000"
                                            "0000",
                                    0, &tlvs),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(tlvs, 3);
        /* A management address claiming more than its TLV holds, a TTL of the wrong size, a chassis
         * ID of one byte: each read as bytes, nothing past the TLV. */
        assert_int_equal(lldp_flags(ETH_HDR MANDATORY "1003ff0100"
                                                      "0603000102"
                                                      "0201ff"
                                                      "0000",
                                    0, &tlvs),
                         0);
        assert_int_equal(tlvs, 7);
        /* A header byte alone. */
        assert_int_equal(lldp_flags(ETH_HDR "02", 0, &tlvs), PKT_LAYER_MALFORMED);
}

/* Element text the builder refuses, by reason. */
static void
test_lldp_build_errors_name_the_reason(void **state)
{
        static const char *const bad[] = {
                "lldp(tlvlist=[ttl(nonsense=1)])",              /* no such field */
                "lldp(tlvlist=[chassis(4,02:00:00:00:00:01)])", /* unnamed arguments, two fields */
                "lldp(tlvlist=[bogus(1)])",                     /* no such TLV */
                "lldp(tlvlist=[chassis(subtype=BOGUS,value=x)])",      /* no such subtype */
                "lldp(tlvlist=[mgmt(addrval=192.0.2.1,family=IPV4)])", /* no family field */
                "lldp(tlvlist=[ttl(seconds=1,tlv_len=512)])",          /* length beyond 9 bits */
                "lldp(tlvlist=[128(00)])",                             /* type beyond 7 bits */
        };
        (void)state;
        for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
                struct pkt p;
                char err[256];

                pkt_init(&p);
                assert_true(pkt_build(&p, bad[k], err, sizeof(err)) < 0);
                assert_non_null(strstr(err, "lldp"));
                pkt_done(&p);
        }
}

/* Every prefix of a real LLDP frame: nothing read past the prefix, no TLV walk runs away, the
 * layer cut short is flagged. */
static void
test_lldp_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("pypacker/packets_lldp.pcap", 1, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lldp_builds_like_scapy),
                cmocka_unit_test(test_lldp_reads_a_switch_like_tshark),
                cmocka_unit_test(test_lldp_org_tlvs_build_and_read_by_field),
                cmocka_unit_test(test_lldp_flags_hostile_lldpdus),
                cmocka_unit_test(test_lldp_build_errors_name_the_reason),
                cmocka_unit_test(test_lldp_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
