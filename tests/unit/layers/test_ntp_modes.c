/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NTP's control (mode 6, layers/app/ntpctrl.c) and private (mode 7, layers/app/ntppriv.c) messages,
 * and the engine's dispatch hook that hands them over from NTP's port: building against scapy,
 * dissecting corpus captures against tshark, the monitor list, hostile messages, answers, and every
 * prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0's scapy.layers.ntp (the expression is beside each, and in
 * tests/oracle/scapy_cases_sctpudp.tsv); expected field values from TShark 4.0.17 (`tshark -V -r
 * FILE`, run once, values pasted in).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

#define UDP_TO_NTP "ip(src=192.0.2.1,dst=192.0.2.2,id=1)/udp(sport=5000,dport=123)/"
#define UDP_FROM_NTP "ip(src=192.0.2.2,dst=192.0.2.1,id=1)/udp(sport=123,dport=5000)/"

/* The 8-byte monitor list request of the amplification scans, and a response with one entry. */
static void
test_ntppriv_builds_like_scapy(void **state)
{
        (void)state;
        /* NTPPrivate(version=2,mode=7,implementation=3,request_code=42) */
        tu_assert_builds("ntppriv(request_code=MON_GETLIST_1)", "1700032a00000000");
        /* NTPPrivate(version=2,mode=7,response=1,implementation=3,request_code=42,nb_items=1,
         *   data_item_size=72,data=[NTPInfoMonitor1(count=3,addr="192.0.2.1",daddr="192.0.2.2",
         *   port=123,mode=3,version=4)]): the count and size follow the item added. */
        tu_assert_builds("ntppriv(response=1,request_code=MON_GETLIST_1,items=[item(count=3,addr=192.0.2.1,"
                         "daddr=192.0.2.2,port=123,mode=3,version=4)])",
                         "9700032a0001004800000000000000000000000000000003c0000201c000020200000000007b0304"
                         "00000000000000000000000000000000000000000000000000000000000000000000000000000000");
        /* Items of bytes; a count given stays (a response that lies about its items). */
        tu_assert_builds("ntppriv(response=1,request_code=PEER_LIST,items=[item(data=0102),item(data=0304)])",
                         "97000300000200020102" "0304");
        tu_assert_builds("ntppriv(response=1,nb_items=3,items=[item(data=0102)])", "9700030000030002" "0102");
}

/* scapy's NTPControl writes a byte past the header and its count does not follow its data (scapy
 * 2.5.0), so these bytes are RFC 9327's, by hand: READVAR with sequence 68, then a response with
 * data, whose count follows it. */
static void
test_ntpctrl_builds_as_rfc_9327_says(void **state)
{
        (void)state;
        tu_assert_builds("ntpctrl(op_code=READVAR,sequence=68)", "160200440000000000000000");
        tu_assert_builds("ntpctrl(response=1,op_code=READVAR,sequence=68,status=0x0618,data=\"ab=cd\")",
                         "1682004406180000000000056162" "3d6364");
        /* The padding to 32 bits, given, builds as given. */
        tu_assert_builds("ntpctrl(response=1,op_code=READVAR,sequence=1,data=\"ab=cd\",pad=000000)",
                         "1682000100000000000000056162" "3d6364" "000000");
}

/* tcpdump/ntp-control.pcap frame 2 (ntpq's readvar answered; tshark: ntp.flags 0x16, flags2 0x82 with
 * r 1, error 0, more 0, opcode 2; sequence 68, status 0x0618, associd 0, offset 0, count 394, then
 * the variables as text and two bytes of padding); frame 4, a READSTAT answer. */
static void
test_ntpctrl_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("tcpdump/ntp-control.pcap", 2, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NTPCTRL);
        assert_int_equal(p.layers[i - 1].proto, PKT_PROTO_UDP);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 0x16);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "v"), 2);
        assert_string_equal(tu_field(&p, (unsigned)i, "mode"), "control");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags2"), 0x82);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "response"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "err"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "more"), 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "op_code"), "READVAR");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "sequence"), 68);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "status"), 0x0618);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "association_id"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "offset"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "count"), 394);
        assert_true(strncmp(tu_field(&p, (unsigned)i, "data"), "version=\\\"ntpd 4.2.8p10@1.3728-o", 32) == 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "pad"), "0000");
        assert_int_equal(p.layers[i].hdr_len, 12 + 394 + 2);
        assert_int_equal(p.n_layers, (unsigned)i + 1);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);

        tu_load_frame("tcpdump/ntp-control.pcap", 4, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NTPCTRL);
        assert_string_equal(tu_field(&p, (unsigned)i, "op_code"), "READSTAT");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "sequence"), 69);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "count"), 20);
        pkt_done(&p);
}

/* tcpdump/ntp-mode7.pcap frame 8 (tshark: flags 0x97, r 1, more 0; auth 0, seq 0; impl XNTPD (3),
 * reqcode PEER_LIST_SUM (1), err 0, numitems 6, itemsize 72); ndpi/NTPv2.pcap, a monitor list
 * answered (reqcode MON_GETLIST_1, seq 14, 5 items; the first: avgint 0, lsint 4154, restr 0, count
 * 392, remote_address 72.239.89.109, local_address 172.16.12.101, flags 1, port 3074, mode 7,
 * version 2, ipv6 0). */
static void
test_ntppriv_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        uint16_t flags = 0;
        int i;

        (void)state;
        tu_load_frame("tcpdump/ntp-mode7.pcap", 8, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NTPPRIV);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 0x97);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "response"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "more"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "auth"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "seq"), 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "implementation"), "XNTPD");
        assert_string_equal(tu_field(&p, (unsigned)i, "request_code"), "PEER_LIST_SUM");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "err"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "nb_items"), 6);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "data_item_size"), 72);
        assert_int_equal(tu_elem_count(&p, i, "items", &flags), 6);
        assert_int_equal(flags, 0);
        assert_int_equal(p.layers[i].hdr_len, 8 + 6 * 72);
        pkt_done(&p);

        tu_load_frame("ndpi/NTPv2.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NTPPRIV);
        assert_string_equal(tu_field(&p, (unsigned)i, "request_code"), "MON_GETLIST_1");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "seq"), 14);
        assert_int_equal(tu_elem_count(&p, i, "items", NULL), 5);
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "avg_int"), "0");
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "last_int"), "4154");
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "restr"), "0x00000000");
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "count"), "392");
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "addr"), "72.239.89.109");
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "daddr"), "172.16.12.101");
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "flags"), "0x00000001");
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "port"), "3074");
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "mode"), "7");
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "version"), "2");
        assert_string_equal(tu_elem_str(&p, i, "items", 0, "v6_flag"), "0");
        assert_string_equal(tu_elem_str(&p, i, "items", 1, "addr"), "64.187.159.13");
        assert_string_equal(tu_elem_str(&p, i, "items", 1, "port"), "47900");
        pkt_done(&p);
}

/* The port holds NTP's key; NTP's dispatch hook gives a mode 6 or 7 message to its protocol, and a
 * search for either protocol, or for NTP, finds what the message is. */
static void
test_dispatch_hands_the_layer_over(void **state)
{
        uint8_t buf[128];
        struct pkt p;
        int i;

        (void)state;
        assert_int_equal(pkt_key_lookup(PKT_KEY_UDP_PORT, 123), PKT_PROTO_NTP);

        tu_build_parse(UDP_TO_NTP "ntpctrl(op_code=READSTAT,sequence=3)", PKT_PROTO_IP, 0, buf, sizeof(buf), &p);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_NTP, 0), -ENOENT);
        pkt_done(&p);
        /* Searched first, before anything else dissected it. */
        tu_build_parse(UDP_TO_NTP "ntpctrl(op_code=READSTAT,sequence=3)", PKT_PROTO_IP, 0, buf, sizeof(buf), &p);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_NTPCTRL, 0), 2);
        assert_int_equal(tu_field_u64(&p, 2, "sequence"), 3);
        pkt_done(&p);
        tu_build_parse(UDP_TO_NTP "ntpctrl()", PKT_PROTO_IP, 0, buf, sizeof(buf), &p);
        const unsigned any[] = { PKT_PROTO_NTP, PKT_PROTO_NTPPRIV, PKT_PROTO_NTPCTRL };
        assert_int_equal(pkt_layer_find_any(&p, any, 3, 0), 2);
        pkt_done(&p);

        tu_build_parse(UDP_TO_NTP "ntppriv()", PKT_PROTO_IP, 0, buf, sizeof(buf), &p);
        i = tu_layer_of(&p, PKT_PROTO_NTPPRIV);
        assert_int_equal(i, 2);
        pkt_done(&p);

        /* Modes 1 to 5 stay NTP's, a header of 48 bytes. */
        tu_build_parse(UDP_TO_NTP "ntp(flags=0x23)", PKT_PROTO_IP, 0, buf, sizeof(buf), &p);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_NTP, 0), 2);
        assert_int_equal(p.layers[2].hdr_len, 48);
        pkt_done(&p);
        /* A layer asked for by index is handed over too. */
        tu_build_parse(UDP_TO_NTP "ntppriv()", PKT_PROTO_IP, 0, buf, sizeof(buf), &p);
        const struct pkt_layer *l = pkt_layer(&p, 2);
        assert_non_null(l);
        assert_int_equal(l->proto, PKT_PROTO_NTPPRIV);
        pkt_done(&p);
}

static uint32_t dummy_dispatch_calls;

static unsigned
dummy_dispatch(const struct pkt_view *v)
{
        dummy_dispatch_calls++;
        return v->proto;
}

/* A protocol registered at run time may dispatch, but then has no fast form (its bytes may be another
 * protocol's: the hook must be asked first); a dispatched protocol's carriers are not registered. */
static void
test_dispatch_rules_at_registration(void **state)
{
        static const struct pkt_key carriers[] = { { PKT_KEY_UDP_PORT, 40123 }, PKT_KEY_END };
        static struct pkt_proto fast_and_dispatching = {
                .name = "test_fast_dispatch",
                .min_hdr_len = 4,
                .fast = { .key = PKT_FAST_WHOLE },
                .dispatch = dummy_dispatch,
        };
        static struct pkt_proto dispatching = {
                .name = "test_dispatch",
                .min_hdr_len = 4,
                .carriers = carriers,
                .dispatch = dummy_dispatch,
        };
        static struct pkt_proto dispatched = {
                .name = "test_dispatched",
                .flags = PKT_P_DISPATCHED,
                .min_hdr_len = 4,
                .carriers = carriers,
        };
        uint8_t buf[64];
        struct pkt p;

        (void)state;
        assert_int_equal(pkt_proto_register(&fast_and_dispatching), -EINVAL);
        int id = pkt_proto_register(&dispatching);
        assert_true(id > 0);
        assert_true(pkt_proto_register(&dispatched) > 0);
        assert_int_equal(pkt_key_lookup(PKT_KEY_UDP_PORT, 40123), (unsigned)id);
        tu_build_parse("udp(sport=40123,dport=40123)/raw(01020304)", PKT_PROTO_UDP, 0, buf, sizeof(buf), &p);
        assert_int_equal(tu_layer_of(&p, (unsigned)id), 1);
        assert_int_equal(dummy_dispatch_calls, 1);
        pkt_done(&p);
}

static uint16_t
ntp_flags(const char *hex, uint32_t cut, unsigned proto, const char *set, unsigned *ret_count)
{
        return tu_flags_in("ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=5000,dport=123)", hex, PKT_PROTO_IP, cut,
                           proto, set, ret_count);
}

/* Counts that claim more than the message holds are malformed, or truncated when the capture cut
 * the message; 4,095 items of 4,095 bytes are walked no further than the bytes there. */
static void
test_hostile_messages_are_flagged(void **state)
{
        unsigned n;

        (void)state;
        assert_int_equal(ntp_flags("160200440000000000000003" "616263" "00", 0, PKT_PROTO_NTPCTRL, NULL, &n), 0);
        assert_true(ntp_flags("160200440000000000000009" "616263", 0, PKT_PROTO_NTPCTRL, NULL, &n) &
                    PKT_LAYER_MALFORMED);
        assert_int_equal(ntp_flags("160200440000000000000003" "616263" "00", 3, PKT_PROTO_NTPCTRL, NULL, &n) &
                                 (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
        /* Shorter than the fixed part. */
        assert_true(ntp_flags("1602", 0, PKT_PROTO_NTPCTRL, NULL, &n) & PKT_LAYER_MALFORMED);

        assert_int_equal(ntp_flags("9700032a00020002" "01020304", 0, PKT_PROTO_NTPPRIV, "items", &n), 0);
        assert_int_equal(n, 2);
        assert_true(ntp_flags("9700032a00030002" "01020304", 0, PKT_PROTO_NTPPRIV, "items", &n) &
                    PKT_LAYER_MALFORMED);
        assert_true(ntp_flags("9700032a0fff0fff" "01020304", 0, PKT_PROTO_NTPPRIV, "items", &n) &
                    PKT_LAYER_MALFORMED);
        assert_true(n <= 1);
        assert_int_equal(ntp_flags("9700032a00020002" "01020304", 1, PKT_PROTO_NTPPRIV, "items", &n) &
                                 (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
        /* A monitor list entry cut short by the message. */
        assert_true(ntp_flags("9700032a00010048" "00000001", 0, PKT_PROTO_NTPPRIV, "items", &n) &
                    PKT_LAYER_MALFORMED);
}

/* A response answers the request of its opcode (request code), sequence number and association
 * (implementation); not another, and a request answers nothing. */
static void
test_answers(void **state)
{
        (void)state;
        assert_true(tu_answers(UDP_TO_NTP "ntpctrl(op_code=READVAR,sequence=7,association_id=9)",
                               UDP_FROM_NTP "ntpctrl(response=1,op_code=READVAR,sequence=7,association_id=9)",
                               PKT_PROTO_IP));
        assert_false(tu_answers(UDP_TO_NTP "ntpctrl(op_code=READVAR,sequence=7)",
                                UDP_FROM_NTP "ntpctrl(response=1,op_code=READVAR,sequence=8)", PKT_PROTO_IP));
        assert_false(tu_answers(UDP_TO_NTP "ntpctrl(op_code=READVAR,sequence=7)",
                                UDP_FROM_NTP "ntpctrl(response=1,op_code=READSTAT,sequence=7)", PKT_PROTO_IP));
        assert_false(tu_answers(UDP_TO_NTP "ntpctrl(op_code=READVAR,sequence=7)",
                                UDP_FROM_NTP "ntpctrl(op_code=READVAR,sequence=7)", PKT_PROTO_IP));

        assert_true(tu_answers(UDP_TO_NTP "ntppriv(request_code=MON_GETLIST_1,seq=2)",
                               UDP_FROM_NTP "ntppriv(response=1,request_code=MON_GETLIST_1,seq=2)", PKT_PROTO_IP));
        assert_false(tu_answers(UDP_TO_NTP "ntppriv(request_code=MON_GETLIST_1,seq=2)",
                                UDP_FROM_NTP "ntppriv(response=1,request_code=PEER_LIST,seq=2)", PKT_PROTO_IP));
        assert_false(tu_answers(UDP_TO_NTP "ntppriv(request_code=MON_GETLIST_1)",
                                UDP_FROM_NTP "ntppriv(response=1,request_code=MON_GETLIST_1,implementation=UNIV)",
                                PKT_PROTO_IP));
}

static void
test_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("tcpdump/ntp-control.pcap", 2, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/ntp-mode7.pcap", 8, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("ndpi/NTPv2.pcap", 1, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ntppriv_builds_like_scapy),
                cmocka_unit_test(test_ntpctrl_builds_as_rfc_9327_says),
                cmocka_unit_test(test_ntpctrl_reads_like_tshark),
                cmocka_unit_test(test_ntppriv_reads_like_tshark),
                cmocka_unit_test(test_dispatch_hands_the_layer_over),
                cmocka_unit_test(test_dispatch_rules_at_registration),
                cmocka_unit_test(test_hostile_messages_are_flagged),
                cmocka_unit_test(test_answers),
                cmocka_unit_test(test_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
