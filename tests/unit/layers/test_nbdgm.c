/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NetBIOS Datagram Service (layers/app/nbdgm.c): building against scapy, dissecting corpus captures
 * against tshark, the three forms after the header and the type that follows them, hostile datagrams,
 * answers, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0's scapy.layers.netbios.NBTDatagram (the expression is beside
 * each, and in tests/oracle/scapy_cases_netbios.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -T fields -e nbdgm.type -e nbdgm.source_name ...`, run once, values pasted in).
 */
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* The common header of the tests' hostile datagrams: DIRECT_GROUP, first fragment from a B node, id 1,
 * from 192.0.2.1 port 138. */
#define HDR "11020001c0000201008a"
/* "HOST<00>" and "WORKGROUP<1d>", first-level encoded. */
#define HOST_00 "20" "4549455046444645434143414341434143414341434143414341434143414141" "00"
#define WORKGROUP_1D "20" "464845504643454c45484643455046464641434143414341434143414341424e" "00"

static void
test_nbdgm_builds_like_scapy(void **state)
{
        (void)state;
        /* NBTDatagram(Type=0x11,ID=0x1234,SourceIP="192.0.2.1",Length=72,SourceName="HOST",
         *   SUFFIX1=0x4141,DestinationName="WORKGROUP",SUFFIX2=0x424e)/Raw(b"\xffSMB"): the length is
         * the names' and the user data's. */
        tu_assert_builds("nbdgm(id=0x1234,src=192.0.2.1)/nbdgmdata(src_name=HOST<00>,dst_name=WORKGROUP<1d>)/"
                         "raw(ff534d42)",
                         "11021234c0000201008a0048000020454945504644464543414341434143414341434143414341434143414341"
                         "41410020464845504643454c45484643455046464641434143414341434143414341424e00ff534d42");
        /* NBTDatagram(Type=0x10,Flags=0x0e,ID=7,SourceIP="198.51.100.7",Length=68,SourceName="SERVER",
         *   SUFFIX1=0x4341,DestinationName="CLIENT",SUFFIX2=0x4141) */
        tu_assert_builds("nbdgm(type=DIRECT_UNIQUE,flags=0x0e,id=7,src=198.51.100.7)/"
                         "nbdgmdata(src_name=SERVER<20>,dst_name=CLIENT<00>)",
                         "100e0007c6336407008a0044000020464445464643464745464643434143414341434143414341434143414341"
                         "434100204544454d454a4546454f4645434143414341434143414341434143414341414100");
}

/* tcpdump/eapon1.pcap frame 1: a host announcement of DJP95S0J<00> to ARBEITSGRUPPE<00> (tshark:
 * nbdgm.type 17, flags 0x0e, node_type 3, first 1, next 0, dgram_id 0x891d, src.ip 192.168.1.249,
 * src.port 138, dgram_len 165, pkt_offset 0), then 97 bytes of SMB (smb.cmd 0x25). Frame 7 goes to ARBEITSGRUPPE<1e>
 * from DJP95S0J<20>. */
static void
test_nbdgm_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("tcpdump/eapon1.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBDGM);
        assert_string_equal(tu_field(&p, (unsigned)i, "type"), "DIRECT_GROUP");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 0x0e);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "snt"), 3);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "f"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "m"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "id"), 0x891d);
        assert_string_equal(tu_field(&p, (unsigned)i, "src"), "192.168.1.249");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "sport"), 138);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_NBDGM_DATA);
        assert_int_equal(tu_field_u64(&p, (unsigned)i + 1, "len"), 165);
        assert_int_equal(tu_field_u64(&p, (unsigned)i + 1, "offset"), 0);
        assert_string_equal(tu_field(&p, (unsigned)i + 1, "src_name"), "DJP95S0J<00>");
        assert_string_equal(tu_field(&p, (unsigned)i + 1, "dst_name"), "ARBEITSGRUPPE<00>");
        assert_int_equal(p.layers[i + 2].proto, PKT_PROTO_SMB); /* the browser's mailslot message */
        assert_int_equal(p.layers[i + 2].len, 97);
        assert_string_equal(tu_field(&p, (unsigned)i + 2, "cmd"), "TRANSACTION");
        for (int k = i; k <= i + 1; k++)
                assert_int_equal(p.layers[k].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);

        tu_load_frame("tcpdump/eapon1.pcap", 7, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBDGM_DATA);
        assert_string_equal(tu_field(&p, (unsigned)i, "src_name"), "DJP95S0J<20>");
        assert_string_equal(tu_field(&p, (unsigned)i, "dst_name"), "ARBEITSGRUPPE<1e>");
        pkt_done(&p);
}

/* The type follows the form built above the header (an error, a query), unless it was given or is
 * already one of the form's; each form reads back. */
static void
test_nbdgm_forms_and_their_type(void **state)
{
        uint8_t buf[256];
        struct pkt p;
        int i;

        (void)state;
        tu_assert_builds("nbdgm(id=5,src=192.0.2.1)/nbdgmerror()", "13020005c0000201008a82");
        tu_assert_builds("nbdgm(id=5,src=192.0.2.1)/nbdgmquery(dst_name=WORKGROUP<1d>)",
                         "14020005c0000201008a" WORKGROUP_1D);
        tu_assert_builds("nbdgm(type=BROADCAST,id=5,src=192.0.2.1)/nbdgmdata(src_name=HOST<00>,dst_name=WORKGROUP<1d>)",
                         "12020005c0000201008a00440000" HOST_00 WORKGROUP_1D);

        tu_build_parse("udp(sport=138,dport=138)/nbdgm(type=POSITIVE_QUERY_RESPONSE,id=5)/nbdgmquery(dst_name=HOST<00>)",
                       PKT_PROTO_UDP, 0, buf, sizeof(buf), &p);
        i = tu_layer_of(&p, PKT_PROTO_NBDGM_QUERY);
        assert_true(i > 0);
        assert_string_equal(tu_field(&p, (unsigned)i - 1, "type"), "POSITIVE_QUERY_RESPONSE");
        assert_string_equal(tu_field(&p, (unsigned)i, "dst_name"), "HOST<00>");
        pkt_done(&p);

        tu_build_parse("udp(sport=138,dport=138)/nbdgm(id=6)/nbdgmerror(code=INVALID_SOURCE_NAME_FORMAT)",
                       PKT_PROTO_UDP, 0, buf, sizeof(buf), &p);
        i = tu_layer_of(&p, PKT_PROTO_NBDGM_ERROR);
        assert_true(i > 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "code"), 0x83);
        assert_int_equal(p.n_layers, (unsigned)i + 1); /* nothing follows the code */
        pkt_done(&p);
}

static uint16_t
nbdgm_flags(const char *hex, uint32_t cut, unsigned proto)
{
        unsigned no_elems;

        return tu_flags_in("ip(src=192.0.2.1,dst=192.0.2.255)/udp(sport=138,dport=138)", hex, PKT_PROTO_IP, cut,
                           proto, NULL, &no_elems);
}

/* Types RFC 1002 does not define, names that run out or loop, a length that contradicts the datagram:
 * the layer is flagged, what came before stays readable; a datagram the capture cuts is truncated. */
static void
test_nbdgm_hostile_input(void **state)
{
        (void)state;
        /* Well formed: the length counts the two names and two bytes of data. */
        assert_int_equal(nbdgm_flags(HDR "00460000" HOST_00 WORKGROUP_1D "abcd", 0, PKT_PROTO_NBDGM_DATA), 0);
        /* The length says one byte more, then one less, than the datagram holds. */
        assert_true(nbdgm_flags(HDR "00470000" HOST_00 WORKGROUP_1D "abcd", 0, PKT_PROTO_NBDGM_DATA) &
                    PKT_LAYER_MALFORMED);
        assert_true(nbdgm_flags(HDR "00450000" HOST_00 WORKGROUP_1D "abcd", 0, PKT_PROTO_NBDGM_DATA) &
                    PKT_LAYER_MALFORMED);
        /* A type past the last: no form follows. */
        assert_true(nbdgm_flags("17020001c0000201008a" "00", 0, PKT_PROTO_NBDGM) & PKT_LAYER_MALFORMED);
        /* A destination name that runs past the datagram, and one that points at itself. */
        assert_true(nbdgm_flags(HDR "00240000" HOST_00 "20" "4142", 0, PKT_PROTO_NBDGM_DATA) & PKT_LAYER_MALFORMED);
        assert_true(nbdgm_flags(HDR "00240000" HOST_00 "c026", 0, PKT_PROTO_NBDGM_DATA) & PKT_LAYER_MALFORMED);
        assert_true(nbdgm_flags("14020001c0000201008a" "c000", 0, PKT_PROTO_NBDGM_QUERY) & PKT_LAYER_MALFORMED);
        /* The capture cuts the destination name: truncated, not malformed. */
        assert_int_equal(nbdgm_flags(HDR "00460000" HOST_00 WORKGROUP_1D "abcd", 20, PKT_PROTO_NBDGM_DATA) &
                                 (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
}

/* An error answers the datagram of its id; a query response the query request of its id; neither
 * answers a datagram of another id, and a request answers nothing. */
static void
test_nbdgm_answers(void **state)
{
        static const char *const there = "ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=138,dport=138)/";
        static const char *const back = "ip(src=192.0.2.2,dst=192.0.2.1)/udp(sport=138,dport=138)/";
        char dgram[256], error[256], query[256], positive[256], other[256];

        (void)state;
        snprintf(dgram, sizeof(dgram), "%snbdgm(type=DIRECT_UNIQUE,id=9)/nbdgmdata(src_name=A<00>,dst_name=B<00>)",
                 there);
        snprintf(error, sizeof(error), "%snbdgm(id=9)/nbdgmerror()", back);
        snprintf(query, sizeof(query), "%snbdgm(id=9)/nbdgmquery(dst_name=B<00>)", there);
        snprintf(positive, sizeof(positive), "%snbdgm(type=POSITIVE_QUERY_RESPONSE,id=9)/nbdgmquery(dst_name=B<00>)",
                 back);
        snprintf(other, sizeof(other), "%snbdgm(type=POSITIVE_QUERY_RESPONSE,id=10)/nbdgmquery(dst_name=B<00>)", back);
        assert_true(tu_answers(dgram, error, PKT_PROTO_IP));
        assert_true(tu_answers(query, positive, PKT_PROTO_IP));
        assert_false(tu_answers(query, other, PKT_PROTO_IP));
        assert_false(tu_answers(dgram, positive, PKT_PROTO_IP));
        assert_false(tu_answers(positive, query, PKT_PROTO_IP));
}

static void
test_nbdgm_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("tcpdump/eapon1.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/eapon1.pcap", 7, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nbdgm_builds_like_scapy),
                cmocka_unit_test(test_nbdgm_reads_like_tshark),
                cmocka_unit_test(test_nbdgm_forms_and_their_type),
                cmocka_unit_test(test_nbdgm_hostile_input),
                cmocka_unit_test(test_nbdgm_answers),
                cmocka_unit_test(test_nbdgm_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
