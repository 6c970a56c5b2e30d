/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPP's control and authentication protocols (layers/link/ppp_cp.c, ppp_auth.c): building against
 * scapy, dissecting corpus captures against tshark, answers, counted fields, hostile input, and
 * every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0's scapy.layers.ppp (the expression is beside each, and in
 * tests/oracle/scapy_cases_ppp.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -V`, run once, values pasted in).
 */
#include <errno.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

static void
test_ppp_control_builds_like_scapy(void **state)
{
        (void)state;
        /* PPPoE(sessionid=1)/PPP(proto=0xc021)/PPP_LCP_Configure(id=1,options=[
         *   PPP_LCP_MRU_Option(max_recv_unit=1492),PPP_LCP_Magic_Number_Option(magic_number=0x1234abcd)])
         */
        tu_assert_builds("pppoe(session=1)/ppp/lcp(id=1,options=[Maximum-Receive-Unit(1492),"
                         "Magic-Number(0x1234abcd)])",
                         "110000010010c0210101000e010405d405061234abcd");
        /* PPP(proto=0xc021)/PPP_LCP_Echo(code=9,id=4,magic_number=0x1234abcd,data=b"ab") */
        tu_assert_builds("ppp/lcp(id=4)/lcpecho(magic_number=0x1234abcd,data=\"ab\")",
                         "c0210904000a1234abcd6162");
        /* PPP(proto=0xc021)/PPP_LCP_Configure(code=2,id=3,options=[
         *   PPP_LCP_Auth_Protocol_Option(auth_protocol=0xc223,algorithm=5)]) */
        tu_assert_builds("ppp/lcp(code=Configure-Ack,id=3,options=[Authentication-Protocol("
                         "auth_protocol=CHAP,algorithm=MD5)])",
                         "c021020300090305c22305");
        /* PPP(proto=0x8021)/PPP_IPCP(id=1,options=[PPP_IPCP_Option_IPAddress(data="192.0.2.1"),
         *   PPP_IPCP_Option_DNS1(data="198.51.100.53")]) */
        tu_assert_builds(
                "ppp/ipcp(id=1,options=[IP-Address(192.0.2.1),Primary-DNS-Server(198.51.100.53)])",
                "8021010100100306c00002018106c6336435");
        /* PPP(proto=0xc023)/PPP_PAP_Request(username="user",password="secret") */
        tu_assert_builds("ppp/pap/paprequest(username=\"user\",password=\"secret\")",
                         "c02301000010047573657206736563726574");
        /* PPP(proto=0xc223)/PPP_CHAP_ChallengeResponse(code=1,id=9,value=bytes(range(1,9)),
         *   optional_name=b"server") */
        tu_assert_builds("ppp/chap(id=9)/chapchallenge(value=0x0102030405060708,name=\"server\")",
                         "c22301090013080102030405060708736572766572");
        /* Not in scapy: a Protocol-Reject quoting an IPV6CP request, and a CHAP Success. */
        tu_assert_builds("ppp/lcp(id=3)/lcpprotocolreject(rejected_protocol=IPV6CP)/ipv6cp(id=1,"
                         "options=[Interface-Identifier(interface_id=0200000000000001)])",
                         "c0210803001480570101000e010a0200000000000001");
        tu_assert_builds("ppp/chap(code=Success,id=1)/chapresult(message=\"Welcome\")",
                         "c2230301000b57656c636f6d65");
}

/* zeek/pppoe.pcap frame 6: LCP Configure-Request, MRU 1492, PAP, magic 0x01fccbfb; frame 11: PAP
 * cisco/cisco; frame 13: IPCP address 10.0.0.1; frame 14: IPV6CP interface identifier
 * c8:01:0e:ff:fe:88:00:08; frame 29: Echo-Reply, magic 0x01fccbfb, data 01fccbfb. */
static void
test_ppp_control_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("zeek/pppoe.pcap", 6, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_LCP);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "code"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "len"), 18);
        assert_int_equal(tu_elem_count(&p, i, "options", NULL), 3);
        assert_string_equal(tu_elem_str(&p, i, "options", 0, "max_recv_unit"), "1492");
        assert_string_equal(tu_elem_str(&p, i, "options", 1, "auth_protocol"), "PAP");
        assert_string_equal(tu_elem_str(&p, i, "options", 2, "magic_number"), "0x01fccbfb");
        /* The PPPoE frame's padding is Ethernet's, not LCP's. */
        assert_int_equal(p.layers[i].len, 18);
        pkt_done(&p);

        tu_load_frame("zeek/pppoe.pcap", 11, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_PAP_REQUEST);
        assert_string_equal(tu_field(&p, (unsigned)i, "username"), "cisco");
        assert_string_equal(tu_field(&p, (unsigned)i, "password"), "cisco");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "passwd_len"), 5);
        pkt_done(&p);

        tu_load_frame("zeek/pppoe.pcap", 13, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_IPCP);
        assert_string_equal(tu_elem_str(&p, i, "options", 0, "address"), "10.0.0.1");
        pkt_done(&p);

        tu_load_frame("zeek/pppoe.pcap", 14, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_IPV6CP);
        assert_string_equal(tu_elem_str(&p, i, "options", 0, "interface_id"), "c8010efffe880008");
        pkt_done(&p);

        tu_load_frame("zeek/pppoe.pcap", 29, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_LCP);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "code"), 10);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_LCP_ECHO);
        assert_int_equal(tu_field_u64(&p, (unsigned)i + 1, "magic_number"), 0x01fccbfb);
        assert_string_equal(tu_field(&p, (unsigned)i + 1, "data"), "01fccbfb");
        pkt_done(&p);
}

/* suricata-verify/pppoe__input.pcap frame 25: CCP Deflate (window 7, method 8), Magnalink (FE 1,
 * P 1, history 24, contexts 0), BSD-Compress (version 1, dictionary 15); frame 35: a
 * Protocol-Reject of IPV6CP, whose quoted request tshark dissects (interface identifier
 * ed:17:00:a2:1b:af:22:9e). tcpdump/pptp.pcap frame 16: LCP in PPTP's GRE with callback (operation
 * 6), MRRU 1614 and an endpoint discriminator of class 1. */
static void
test_ppp_control_less_common_options(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("suricata-verify/pppoe__input.pcap", 25, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_CCP);
        assert_string_equal(tu_elem_str(&p, i, "options", 0, "window"), "7");
        assert_string_equal(tu_elem_str(&p, i, "options", 0, "method"), "8");
        assert_string_equal(tu_elem_str(&p, i, "options", 1, "features"), "1");
        assert_string_equal(tu_elem_str(&p, i, "options", 1, "packet_by_packet"), "1");
        assert_string_equal(tu_elem_str(&p, i, "options", 1, "history"), "24");
        assert_string_equal(tu_elem_str(&p, i, "options", 2, "version"), "1");
        assert_string_equal(tu_elem_str(&p, i, "options", 2, "dict_size"), "15");
        pkt_done(&p);

        tu_load_frame("suricata-verify/pppoe__input.pcap", 35, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_LCP_PROTOCOL_REJECT);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "rejected_protocol"), 0x8057);
        i = tu_layer_of(&p, PKT_PROTO_IPV6CP);
        assert_string_equal(tu_elem_str(&p, i, "options", 0, "interface_id"), "ed1700a21baf229e");
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);

        tu_load_frame("tcpdump/pptp.pcap", 16, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_LCP);
        assert_int_equal(tu_elem_count(&p, i, "options", NULL), 6);
        assert_string_equal(tu_elem_str(&p, i, "options", 3, "operation"),
                            "Location-Is-Determined");
        assert_string_equal(tu_elem_str(&p, i, "options", 4, "mrru"), "1614");
        assert_string_equal(tu_elem_str(&p, i, "options", 5, "class"), "Locally-Assigned");
        pkt_done(&p);
}

static bool
answers(const char *req_spec, const char *rep_spec)
{
        return tu_answers(req_spec, rep_spec, PKT_PROTO_PPP);
}

/* Replies answer requests of the same protocol and identifier. */
static void
test_ppp_control_answers(void **state)
{
        (void)state;
        assert_true(answers("ppp/lcp(id=1)", "ppp/lcp(code=Configure-Ack,id=1)"));
        assert_true(answers("ppp/lcp(id=1)", "ppp/lcp(code=Configure-Reject,id=1)"));
        assert_false(answers("ppp/lcp(id=1)", "ppp/lcp(code=Configure-Ack,id=2)"));
        assert_false(answers("ppp/lcp(code=Configure-Ack,id=1)", "ppp/lcp(id=1)"));
        assert_false(answers("ppp/lcp(id=1)", "ppp/ipcp(code=Configure-Ack,id=1)"));
        assert_true(answers("ppp/lcp(id=7)/lcpecho", "ppp/lcp(code=Echo-Reply,id=7)/lcpecho"));
        assert_true(answers("ppp/ipcp(code=Terminate-Request,id=2)",
                            "ppp/ipcp(code=Terminate-Ack,id=2)"));
        assert_true(answers("ppp/pap(id=3)/paprequest(username=\"a\")",
                            "ppp/pap(code=Authenticate-Nak,id=3)/papresponse"));
        assert_true(answers("ppp/chap(id=4)/chapchallenge(value=0x01)",
                            "ppp/chap(code=Response,id=4)/chapchallenge(value=0x02)"));
        assert_true(answers("ppp/chap(code=Response,id=4)/chapchallenge(value=0x02)",
                            "ppp/chap(code=Failure,id=4)/chapresult(message=\"no\")"));
        assert_false(answers("ppp/chap(id=4)/chapchallenge", "ppp/chap(code=Success,id=4)"));
}

/* A counted field and its count move together: a count set first (as JSON reads back) sizes the
 * field, the field set later keeps it, a string longer than its count can say is refused. */
static void
test_pap_counted_fields_move_together(void **state)
{
        const uint8_t *d;
        char big[300];
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_push(&p, PKT_PROTO_PAP_REQUEST), 0);
        assert_int_equal(pkt_field_set_u64(&p, 0, "username_len", 3), 0);
        assert_int_equal(p.layers[0].hdr_len, 5);
        assert_string_equal(tu_field(&p, 0, "username"), "\\x00\\x00\\x00");
        assert_int_equal(pkt_field_set_str(&p, 0, "username", "bob"), 0);
        assert_int_equal(pkt_field_set_str(&p, 0, "password", "pw"), 0);
        assert_int_equal(tu_field_u64(&p, 0, "passwd_len"), 2);
        /* A shorter count cuts the field's end. */
        assert_int_equal(pkt_field_set_u64(&p, 0, "username_len", 2), 0);
        assert_string_equal(tu_field(&p, 0, "username"), "bo");
        assert_string_equal(tu_field(&p, 0, "password"), "pw");
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        assert_int_equal(pkt_field_set_str(&p, 0, "username", big), -ERANGE);
        assert_string_equal(tu_field(&p, 0, "username"), "bo");
        static const uint8_t want[] = { 2, 'b', 'o', 2, 'p', 'w' };
        assert_int_equal(pkt_serialize(&p, 0, &d), sizeof(want));
        tu_assert_bytes(d, sizeof(want), want, sizeof(want));
        pkt_done(&p);
}

/* In PPPoE, as they travel. */
static uint16_t
ppp_flags(const char *hex, uint32_t cut, unsigned proto, const char *set, unsigned *ret_n)
{
        return tu_flags_in("pppoe(session=1)/ppp(p=0xc021)", hex, PKT_PROTO_PPPOE, cut, proto, set,
                           ret_n);
}

/* Lengths that contradict the packet, options that cannot be walked, counts past the body: flagged,
 * the walk bounded, nothing read past the bytes. */
static void
test_ppp_control_hostile_input(void **state)
{
        unsigned n;

        (void)state;
        /* A length below the header's own, and one beyond the frame. */
        assert_true(ppp_flags("01010002", 0, PKT_PROTO_LCP, "options", &n) & PKT_LAYER_MALFORMED);
        assert_true(ppp_flags("01010040"
                              "010405d4",
                              0, PKT_PROTO_LCP, "options", &n) &
                    PKT_LAYER_MALFORMED);
        /* An option of length 0 and of length 1: malformed, the walk ends there. */
        assert_true(ppp_flags("0101000a"
                              "010405d4"
                              "0500",
                              0, PKT_PROTO_LCP, "options", &n) &
                    PKT_LAYER_MALFORMED);
        assert_int_equal(n, 2);
        assert_true(ppp_flags("01010008"
                              "0701"
                              "0800",
                              0, PKT_PROTO_LCP, "options", &n) &
                    PKT_LAYER_MALFORMED);
        /* An MRU of 3 bytes: flagged, and the walk goes on to the magic number after it. */
        assert_true(ppp_flags("0101000f"
                              "0105000102"
                              "05061234abcd",
                              0, PKT_PROTO_LCP, "options", &n) &
                    PKT_LAYER_MALFORMED);
        assert_int_equal(n, 2);
        /* Options cut by the capture: truncated, not malformed. */
        assert_int_equal(ppp_flags("0101000e"
                                   "010405d4"
                                   "05061234abcd",
                                   3, PKT_PROTO_LCP, "options", &n) &
                                 (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
        /* An echo whose length says less than a magic number. */
        assert_true(ppp_flags("09010006"
                              "1234",
                              0, PKT_PROTO_LCP_ECHO, NULL, &n) &
                    PKT_LAYER_MALFORMED);
        /* PAP: a peer ID count past the body; a password count past it. */
        assert_true(tu_flags_in("pppoe(session=1)/ppp(p=0xc023)",
                                "01010008"
                                "09616263",
                                PKT_PROTO_PPPOE, 0, PKT_PROTO_PAP_REQUEST, NULL, &n) &
                    PKT_LAYER_MALFORMED);
        assert_true(tu_flags_in("pppoe(session=1)/ppp(p=0xc023)",
                                "01010009"
                                "0161"
                                "0762",
                                PKT_PROTO_PPPOE, 0, PKT_PROTO_PAP_REQUEST, NULL, &n) &
                    PKT_LAYER_MALFORMED);
        /* CHAP: a value size past the body. */
        assert_true(tu_flags_in("pppoe(session=1)/ppp(p=0xc223)",
                                "01010007"
                                "200102",
                                PKT_PROTO_PPPOE, 0, PKT_PROTO_CHAP_CHALLENGE, NULL, &n) &
                    PKT_LAYER_MALFORMED);
        /* A Protocol-Reject whose quote is cut: the quoted packet is truncated, not malformed. */
        assert_int_equal(ppp_flags("08010010"
                                   "8057"
                                   "0101000e"
                                   "010a0200",
                                   0, PKT_PROTO_IPV6CP, "options", &n) &
                                 (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
}

static void
test_ppp_control_every_prefix_is_flagged_never_crashes(void **state)
{
        static const struct {
                const char *rel;
                unsigned no;
        } frames[] = {
                { "zeek/pppoe.pcap", 6 },
                { "zeek/pppoe.pcap", 11 },
                { "zeek/pppoe.pcap", 14 },
                { "zeek/pppoe.pcap", 29 },
                { "suricata-verify/pppoe__input.pcap", 25 },
                { "suricata-verify/pppoe__input.pcap", 35 },
                { "tcpdump/pptp.pcap", 16 },
        };
        struct tu_frame f;

        (void)state;
        for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
                tu_load_frame(frames[i].rel, frames[i].no, &f);
                tu_sweep_prefixes(&f);
        }
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ppp_control_builds_like_scapy),
                cmocka_unit_test(test_ppp_control_reads_like_tshark),
                cmocka_unit_test(test_ppp_control_less_common_options),
                cmocka_unit_test(test_ppp_control_answers),
                cmocka_unit_test(test_pap_counted_fields_move_together),
                cmocka_unit_test(test_ppp_control_hostile_input),
                cmocka_unit_test(test_ppp_control_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
