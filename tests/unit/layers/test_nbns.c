/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NetBIOS Name Service (layers/app/nbns.c) and NetBIOS names (PKT_FF_NETBIOS, layers/src/dnsname.c):
 * building against scapy, dissecting corpus captures against tshark, names as text both ways, hostile
 * records, answers, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0's scapy.layers.netbios (the expression is beside each, and in
 * tests/oracle/scapy_cases_netbios.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -T fields -e nbns.name ...`, run once, values pasted in).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* A NetBIOS name of 15 spaces and type 0x20, first-level encoded ("CACA..."), as DNS labels. */
#define HEX_SPACES_CODED "20" "4341434143414341434143414341434143414341434143414341434143414341" "00"

static void
test_nbns_builds_like_scapy(void **state)
{
        (void)state;
        /* NBNSHeader(NAME_TRN_ID=0x1234)/NBNSQueryRequest(QUESTION_NAME="WORKGROUP",SUFFIX=0x424e) */
        tu_assert_builds("nbns(id=0x1234,queries=[query(name=WORKGROUP<1d>)])",
                         "12340110000100000000000020464845504643454c45484643455046464641434143414341434143414341424e"
                         "0000200001");
        /* NBNSHeader(NAME_TRN_ID=7,RESPONSE=1,NM_FLAGS=0x50,QDCOUNT=0,ANCOUNT=1)/NBNSQueryResponse(
         *   RR_NAME="HOST",SUFFIX=0x4341,TTL=300000,ADDR_ENTRY=[NBNS_ADD_ENTRY(G=1,OWNER_NODE_TYPE=2,
         *   NB_ADDRESS="192.0.2.5"),NBNS_ADD_ENTRY(NB_ADDRESS="192.0.2.6")]) */
        tu_assert_builds("nbns(id=7,flags=0x8500,answers=[answer(name=HOST<20>,ttl=300000,g=1,ont=M,addr=192.0.2.5,"
                         "more=0000c0000206)])",
                         "0007850000000001000000002045494550464446454341434143414341434143414341434143414341434143"
                         "410000200001000493e0000cc000c00002050000c0000206");
}

/* ndpi/gnutella.pcap frame 33: a registration of MSEDGEWIN10<00> (flags 0x2910: opcode 5, RD, B), its
 * additional record's TTL 300000, NB flags 0x0000 (unique, B node), address 10.0.2.15.
 * ndpi/zoom.pcap frame 20: a refresh (opcode 8) of the group name WORKGROUP<00>, NB flags 0xe000 (group,
 * H node). ndpi/anyconnect-vpn.pcap frame 549 asks for <01><02>__MSBROWSE__<02><01>, and
 * ndpi/fuzz-2006-06-26-2594.pcap frame 271 for ECI_D<9f>MAIN<1c>: unprintable bytes as <xx>. */
static void
test_nbns_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("ndpi/gnutella.pcap", 33, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBNS);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 0x2910);
        assert_string_equal(tu_field(&p, (unsigned)i, "opcode"), "REGISTRATION");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "b"), 1);
        assert_string_equal(tu_elem_str(&p, i, "queries", 0, "name"), "MSEDGEWIN10<00>");
        assert_string_equal(tu_elem_str(&p, i, "queries", 0, "type"), "NB");
        assert_string_equal(tu_elem_str(&p, i, "addrecords", 0, "name"), "MSEDGEWIN10<00>");
        assert_string_equal(tu_elem_str(&p, i, "addrecords", 0, "ttl"), "300000");
        assert_string_equal(tu_elem_str(&p, i, "addrecords", 0, "nb_flags"), "0x0000");
        assert_string_equal(tu_elem_str(&p, i, "addrecords", 0, "addr"), "10.0.2.15");
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);

        tu_load_frame("ndpi/zoom.pcap", 20, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBNS);
        assert_string_equal(tu_field(&p, (unsigned)i, "opcode"), "REFRESH");
        assert_string_equal(tu_elem_str(&p, i, "addrecords", 0, "name"), "WORKGROUP<00>");
        assert_string_equal(tu_elem_str(&p, i, "addrecords", 0, "g"), "1");
        assert_string_equal(tu_elem_str(&p, i, "addrecords", 0, "ont"), "H");
        assert_string_equal(tu_elem_str(&p, i, "addrecords", 0, "addr"), "192.168.1.117");
        pkt_done(&p);

        tu_load_frame("ndpi/anyconnect-vpn.pcap", 549, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBNS);
        assert_string_equal(tu_elem_str(&p, i, "queries", 0, "name"), "<01><02>__MSBROWSE__<02><01>");
        pkt_done(&p);

        tu_load_frame("ndpi/fuzz-2006-06-26-2594.pcap", 271, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBNS);
        assert_string_equal(tu_elem_str(&p, i, "queries", 0, "name"), "ECI_D<9f>MAIN<1c>");
        pkt_done(&p);
}

/* The name of the first query of @spec, built and read back, and the label bytes it was built as. */
static void
assert_name_reads_back(const char *name, const char *want_text, const char *want_hex)
{
        char spec[256], want[512];
        uint8_t buf[512];
        struct pkt p;

        snprintf(spec, sizeof(spec), "nbns(queries=[query(name=%s)])", name);
        snprintf(want, sizeof(want), "000001100001000000000000%s00200001", want_hex);
        tu_assert_builds(spec, want);
        snprintf(spec, sizeof(spec), "udp(sport=137,dport=137)/nbns(queries=[query(name=%s)])", name);
        tu_build_parse(spec, PKT_PROTO_UDP, 0, buf, sizeof(buf), &p);
        assert_string_equal(tu_elem_str(&p, 1, "queries", 0, "name"), want_text);
        pkt_done(&p);
}

/* "HOST" and eleven spaces, then the type 0x20: EIEPFDFE CACA... */
#define HOST_CODED "4549455046444645434143414341434143414341434143414341434143414341"

/* RFC 1001 14.1: 15 name bytes padded with spaces, the type last, each half byte a letter from 'A';
 * a scope follows as DNS labels. Without a type the name is spaces to its end (type 0x20). */
static void
test_nbns_names_as_text_both_ways(void **state)
{
        (void)state;
        assert_name_reads_back("HOST<20>", "HOST<20>", "20" HOST_CODED "00");
        assert_name_reads_back("HOST", "HOST<20>", "20" HOST_CODED "00");
        assert_name_reads_back("HOST<00>.corp.example", "HOST<00>.corp.example",
                               "20" "4549455046444645434143414341434143414341434143414341434143414141"
                               "04636f7270076578616d706c6500");
        /* The wildcard of a node status request: '*' and fifteen NULs. */
        assert_name_reads_back("*<00><00><00><00><00><00><00><00><00><00><00><00><00><00><00>",
                               "*<00><00><00><00><00><00><00><00><00><00><00><00><00><00><00>",
                               "20" "434b414141414141414141414141414141414141414141414141414141414141" "00");
        /* A dot inside a name is shown as tshark shows it; the scope's dot is the one after the type. */
        assert_name_reads_back("sc.arrancar.org<00>", "sc.arrancar.org<00>",
                               "20" "48444744434f4742484348434742474f474447424843434f4750484347484141" "00");
        /* '<', and a '.' right after an escaped byte (where it would start the scope), are written as
         * <xx> so that the text reads back. */
        assert_name_reads_back("A<3c>B<2e><1b>", "A<3c>B.<1b>", "20" "4542444d4543434f43414341434143414341434143414341434143414341424c" "00");
        assert_name_reads_back("<01><2e>X<00>", "<01><2e>X<00>",
                               "20" "4142434f46494341434143414341434143414341434143414341434143414141" "00");
        /* A name with a space is quoted, as the JSON reader quotes it for the spec. */
        assert_name_reads_back("\"MY PC\"", "MY PC<20>",
                               "20" "454e464a43414641454443414341434143414341434143414341434143414341" "00");
        /* More than 16 bytes is no NetBIOS name: a DNS name, shown as one. */
        assert_name_reads_back("ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOPQ", "114142434445464748494a4b4c4d4e4f5051" "00");
}

static uint16_t
nbns_flags(const char *hex, uint32_t cut, const char *set, unsigned *ret_count)
{
        return tu_flags_in("ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=137,dport=137)", hex, PKT_PROTO_IP, cut,
                           PKT_PROTO_NBNS, set, ret_count);
}

/* Records whose data contradicts their type, names that loop or run out, counts that promise more
 * than the message holds: the layer is flagged, what came before stays readable. */
static void
test_nbns_hostile_input(void **state)
{
        unsigned n;

        (void)state;
        /* A positive answer: one NB entry of six bytes. */
        assert_int_equal(nbns_flags("000785000000000100000000" HEX_SPACES_CODED "00200001000000000006" "0000c0000205",
                                    0, "answers", &n),
                         0);
        assert_int_equal(n, 1);
        /* NB data of five bytes is no whole entry. */
        assert_true(nbns_flags("000785000000000100000000" HEX_SPACES_CODED "00200001000000000005" "0000c00002", 0,
                               "answers", &n) &
                    PKT_LAYER_MALFORMED);
        /* NBSTAT that claims three names and holds one. */
        assert_true(nbns_flags("000784000000000100000000" HEX_SPACES_CODED "00210001000000000013"
                               "03" "484f535420202020202020202020202000" "0400",
                               0, "answers", &n) &
                    PKT_LAYER_MALFORMED);
        /* An owner name that points at itself. */
        assert_true(nbns_flags("000785000000000100000000" "c00c" "00200001000000000006" "0000c0000205", 0, "answers",
                               &n) &
                    PKT_LAYER_MALFORMED);
        /* Two questions promised, one sent; and one cut by the capture. */
        assert_true(nbns_flags("000001100002000000000000" HEX_SPACES_CODED "00200001", 0, "queries", &n) &
                    PKT_LAYER_MALFORMED);
        assert_int_equal(nbns_flags("000001100001000000000000" HEX_SPACES_CODED "00200001", 10, "queries", &n) &
                                 (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
}

/* A response answers the query of its transaction ID; a query answers nothing. */
static void
test_nbns_answers(void **state)
{
        static const char *const carrier = "ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=137,dport=137)/";
        char req[256], rep[256], other[256];

        (void)state;
        snprintf(req, sizeof(req), "%snbns(id=9,queries=[query(name=HOST<20>)])", carrier);
        snprintf(rep, sizeof(rep), "ip(src=192.0.2.2,dst=192.0.2.1)/udp(sport=137,dport=137)/"
                                   "nbns(id=9,flags=0x8500,answers=[answer(name=HOST<20>,addr=192.0.2.2)])");
        snprintf(other, sizeof(other), "ip(src=192.0.2.2,dst=192.0.2.1)/udp(sport=137,dport=137)/"
                                       "nbns(id=10,flags=0x8500,answers=[answer(name=HOST<20>,addr=192.0.2.2)])");
        assert_true(tu_answers(req, rep, PKT_PROTO_IP));
        assert_false(tu_answers(req, other, PKT_PROTO_IP));
        assert_false(tu_answers(rep, req, PKT_PROTO_IP));
}

static void
test_nbns_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("ndpi/gnutella.pcap", 33, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("ndpi/zoom.pcap", 20, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nbns_builds_like_scapy),
                cmocka_unit_test(test_nbns_reads_like_tshark),
                cmocka_unit_test(test_nbns_names_as_text_both_ways),
                cmocka_unit_test(test_nbns_hostile_input),
                cmocka_unit_test(test_nbns_answers),
                cmocka_unit_test(test_nbns_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
