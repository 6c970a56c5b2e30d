/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The slow protocols, LACP and its Marker protocol (layers/link/lacp.c): building against scapy,
 * dissecting corpus captures against tshark, TLVs out of place, answers, and every prefix of real
 * frames.
 *
 * Expected bytes come from scapy 2.5.0's scapy.contrib.lacp (the expression is beside each, and in
 * tests/oracle/scapy_cases_linkagg.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -V`, run once, values pasted in).
 */
#include <errno.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* 50 reserved bytes end an LACPDU, 90 a Marker PDU. */
#define ZEROS10 "00000000000000000000"
#define ZEROS50 ZEROS10 ZEROS10 ZEROS10 ZEROS10 ZEROS10

static void
test_lacp_builds_like_scapy(void **state)
{
        (void)state;
        /* SlowProtocol(subtype=1)/LACP(actor_system_priority=32768,actor_system="02:00:00:00:00:01",
         *   actor_key=13,actor_port_priority=32768,actor_port_number=22,actor_state=0x3d,
         *   partner_system_priority=32768,partner_system="02:00:00:00:00:02",partner_key=13,
         *   partner_port_priority=32768,partner_port_number=25,partner_state=0x3d) */
        tu_assert_builds("slow/lacp(actor_sys=02:00:00:00:00:01,actor_key=13,actor_port=22,"
                         "actor_state=activity|aggregate|synch|collect|distribute,partner_sys=02:00:00:00:00:02,"
                         "partner_key=13,partner_port=25,partner_state=activity|aggregate|synch|collect|distribute,"
                         "collector_maxdelay=0)",
                         "0101"
                         "01148000020000000001000d800000163d000000"
                         "02148000020000000002000d800000193d000000"
                         "03100000000000000000000000000000"
                         "0000" ZEROS50);
        /* SlowProtocol(subtype=2)/MarkerProtocol(marker_type=2,requester_port=7,
         *   requester_system="02:00:00:00:00:09",requester_transaction_id=0x1234) */
        tu_assert_builds("slow/marker(marker_type=Response,requester_port=7,requester_system=02:00:00:00:00:09,"
                         "requester_transaction_id=0x1234)",
                         "0201"
                         "0210000702000000000900001234" "0000"
                         "0000" ZEROS50 ZEROS10 ZEROS10 ZEROS10 ZEROS10);
}

/* tcpdump/LACP.pcap frame 1: actor 32768/00:13:c4:12:0f:00, key 13, port 22, state 0x85
 * (activity, aggregation, expired); partner 00:0e:83:16:f5:00 port 25, state 0x36; collector max delay
 * 32768. pypacker/packets_lacp.pcap frame 1: actor 00:04:96:1f:50:6a, state 0x47. */
static void
test_lacp_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("tcpdump/LACP.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_string_equal(tu_field(&p, (unsigned)tu_layer_of(&p, PKT_PROTO_SLOW), "subtype"), "LACP");
        i = tu_layer_of(&p, PKT_PROTO_LACP);
        assert_string_equal(tu_field(&p, (unsigned)i, "actor_sys"), "00:13:c4:12:0f:00");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "actor_sysprio"), 32768);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "actor_key"), 13);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "actor_port"), 22);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "actor_state"), 0x85);
        assert_string_equal(tu_field(&p, (unsigned)i, "actor_state"), "activity|aggregate|expired");
        assert_string_equal(tu_field(&p, (unsigned)i, "partner_sys"), "00:0e:83:16:f5:00");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "partner_port"), 25);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "partner_state"), 0x36);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "collector_maxdelay"), 32768);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);

        tu_load_frame("pypacker/packets_lacp.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_LACP);
        assert_string_equal(tu_field(&p, (unsigned)i, "actor_sys"), "00:04:96:1f:50:6a");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "actor_state"), 0x47);
        pkt_done(&p);
}

static uint16_t
slow_flags(const char *hex, uint32_t cut, unsigned proto)
{
        unsigned n;

        return tu_flags_in("ethernet(dst=01:80:c2:00:00:02,type=0x8809)", hex, PKT_PROTO_ETHERNET, cut, proto,
                           NULL, &n);
}

/* A version 1 PDU whose TLVs are not where they belong, or one shorter than a PDU, is flagged; one
 * the capture cuts is truncated. Another subtype stays raw. */
static void
test_lacp_hostile_input(void **state)
{
        static const char lacpdu[] = "0101"
                                     "01148000020000000001000d800000163d000000"
                                     "02148000020000000002000d800000193d000000"
                                     "03100000000000000000000000000000"
                                     "0000" ZEROS50;
        char bad[sizeof(lacpdu)];

        (void)state;
        assert_int_equal(slow_flags(lacpdu, 0, PKT_PROTO_LACP), 0);
        memcpy(bad, lacpdu, sizeof(bad));
        memcpy(bad + 4 + 40 + 2, "15", 2); /* the partner TLV's length 0x15 */
        assert_true(slow_flags(bad, 0, PKT_PROTO_LACP) & PKT_LAYER_MALFORMED);
        memcpy(bad, lacpdu, sizeof(bad));
        memcpy(bad + 4 + 112, "01", 2); /* a terminator of type 1 */
        assert_true(slow_flags(bad, 0, PKT_PROTO_LACP) & PKT_LAYER_MALFORMED);
        assert_true(slow_flags("0101011480", 0, PKT_PROTO_LACP) & PKT_LAYER_MALFORMED);
        assert_int_equal(slow_flags(lacpdu, 30, PKT_PROTO_LACP) & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
        /* A marker TLV of another type. */
        assert_true(slow_flags("0201" "0310000702000000000900001234" "0000" "0000" ZEROS50 ZEROS10 ZEROS10 ZEROS10
                               ZEROS10,
                               0, PKT_PROTO_LACP_MARKER) &
                    PKT_LAYER_MALFORMED);
        /* OAM: raw after the subtype. */
        uint8_t buf[64];
        struct pkt p;
        tu_build_parse("ethernet(type=0x8809)/slow(subtype=OAM)/raw(hex=0050)", PKT_PROTO_ETHERNET, 0, buf,
                       sizeof(buf), &p);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_RAW), 2);
        pkt_done(&p);
}

static bool
answers(const char *req_spec, const char *rep_spec)
{
        return tu_answers(req_spec, rep_spec, PKT_PROTO_SLOW);
}

/* A Marker Response answers the Information of its requester and transaction. */
static void
test_lacp_marker_answers(void **state)
{
        (void)state;
        assert_true(answers("slow/marker(requester_port=7,requester_transaction_id=9)",
                            "slow/marker(marker_type=Response,requester_port=7,requester_transaction_id=9)"));
        assert_false(answers("slow/marker(requester_port=7,requester_transaction_id=9)",
                             "slow/marker(marker_type=Response,requester_port=7,requester_transaction_id=10)"));
        assert_false(answers("slow/marker(marker_type=Response,requester_port=7)", "slow/marker(requester_port=7)"));
}

static void
test_lacp_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("tcpdump/LACP.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("pypacker/packets_lacp.pcap", 2, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lacp_builds_like_scapy),
                cmocka_unit_test(test_lacp_reads_like_tshark),
                cmocka_unit_test(test_lacp_hostile_input),
                cmocka_unit_test(test_lacp_marker_answers),
                cmocka_unit_test(test_lacp_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
