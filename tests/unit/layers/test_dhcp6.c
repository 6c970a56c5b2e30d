/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCPv6 (layers/app/dhcp6.c, RFC 8415): building against scapy, dissecting corpus captures against
 * tshark, nested options depth first, hostile messages, answers, and every prefix of a real frame.
 *
 * Expected bytes come from scapy 2.5.0's scapy.layers.dhcp6 (the expression is beside each, and in
 * tests/oracle/scapy_cases_addrconf.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -V`, run once, values pasted in).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

#define IP6              "ip6(src=2001:db8::1,dst=2001:db8::2,hlim=64)"
#define CLIENT_TO_SERVER IP6 "/udp(sport=546,dport=547)"
#define RELAY_TO_SERVER  IP6 "/udp(sport=547,dport=547)"
/* A relay's link and peer addresses, unset. */
#define ZEROS32 "0000000000000000000000000000000000000000000000000000000000000000"

static void
test_dhcp6_builds_like_scapy(void **state)
{
        (void)state;
        /* IPv6(src="2001:db8::1",dst="2001:db8::2",hlim=64)/UDP(sport=546,dport=547)/
         *   DHCP6_Solicit(trid=0x1234)/DHCP6OptClientId(duid=DUID_LLT(timeval=1000,
         *   lladdr="02:00:00:00:00:01"))/DHCP6OptOptReq(reqopts=[23,24])/DHCP6OptElapsedTime(
         *   elapsedtime=0)/DHCP6OptIA_NA(iaid=1,T1=3600,T2=5400,ianaopts=[DHCP6OptIAAddress(
         *   addr="2001:db8::5",preflft=7200,validlft=7500,iaaddropts=[DHCP6OptStatusCode(
         *   statuscode=0,statusmsg="ok")])])/DHCP6OptDNSServers(dnsservers=["2001:db8::53",
         *   "2001:db8::54"])/DHCP6OptDNSDomains(dnsdomains=["example.com","example.org"])/
         *   DHCP6OptClientFQDN(flags=1,fqdn="host.example.com")/DHCP6OptRapidCommit() */
        tu_assert_builds(
                CLIENT_TO_SERVER
                "/dhcp6(msgtype=SOLICIT,xid=0x1234,opts=[clientid(duid_type=LLT,time=1000,"
                "lladdr=02:00:00:00:00:01),oro(dns_servers,domain_list),elapsed_time(0),"
                "ia_na(iaid=1,t1=3600,t2=5400,options=[iaaddr(2001:db8::5,7200,7500,"
                "options=[status_code(code=Success,message=\"ok\")])]),"
                "dns_servers(2001:db8::53,2001:db8::54),domain_list(example.com,example.org),"
                "client_fqdn(flags=S,domain=host.example.com),rapid_commit])",
                "6000000000bd114020010db8000000000000000000000001"
                "20010db8000000000000000000000002"
                "0222022300bd37d4"
                "01001234"
                "0001000e00010001000003e8020000000001"
                "0006000400170018"
                "000800020000"
                "0003003000000001"
                "00000e1000001518"
                "0005002020010db800000000000000000000000500001c2000001d4c"
                "000d000400006f6b"
                "0017002020010db800000000000000000000005320010db8000000000000000000000054"
                "0018001a076578616d706c6503636f6d00076578616d706c65036f726700"
                "002700130104686f7374076578616d706c6503636f6d00"
                "000e0000");
        /* IPv6(...)/UDP(sport=547,dport=547)/DHCP6_RelayForward(hopcount=1,linkaddr="2001:db8:1::1",
         *   peeraddr="fe80::1")/DHCP6OptRelayMsg(message=DHCP6_Solicit(trid=0xabcdef)/
         *   DHCP6OptClientId(duid=DUID_LL(lladdr="02:00:00:00:00:01"))/DHCP6OptElapsedTime(
         *   elapsedtime=100))/DHCP6OptIfaceId(ifaceid=b"eth0")
         * The relay's message type follows from the dhcp6relay layer; its header loses the
         * client layout's transaction ID. */
        tu_assert_builds(RELAY_TO_SERVER
                         "/dhcp6/dhcp6relay(hopcount=1,linkaddr=2001:db8:1::1,peeraddr=fe80::1,"
                         "opts=[relay_msg(msgtype=SOLICIT,xid=0xabcdef,options=[clientid(lladdr=02:"
                         "00:00:00:00:01),"
                         "elapsed_time(100)]),interface_id(\"eth0\")])",
                         "60000000004e114020010db8000000000000000000000001"
                         "20010db8000000000000000000000002"
                         "02230223004ec764"
                         "0c01"
                         "20010db8000100000000000000000001"
                         "fe800000000000000000000000000001"
                         "00090018"
                         "01abcdef"
                         "0001000a00030001020000000001"
                         "000800020064"
                         "0012000465746830");
        /* Relays nested: the inner relay's addresses default to :: (a default wider than 8 bytes). */
        tu_assert_builds("dhcp6/dhcp6relay(opts=[relay_msg(msgtype=RELAY_FORW,options=[relay_msg(xid=7)])])",
                         "0c00" ZEROS32 "0009002a" "0c00" ZEROS32 "00090004" "01000007");
        /* A relay reply stays one; a DUID-EN and an option by number with its bytes. */
        tu_assert_builds("dhcp6(msgtype=RELAY_REPL)/dhcp6relay(opts=[serverid(duid_type=EN,"
                         "enterprise=9,identifier=0102),99(value=abcd)])",
                         "0d00"
                         "00000000000000000000000000000000"
                         "00000000000000000000000000000000"
                         "0002000800020000000901020063"
                         "0002abcd");
}

/* A relayed Solicit, as tshark 4.0.17 reads tcpdump/dhcpv6-mud.pcap frame 1: Relay-forw, hop count
 * 0, link 2001:8a8:1006:3:225:84ff:fedb:2380, peer fe80::ba27:ebff:feb8:53c8; a Relay Message (198)
 * with a Solicit 0x78244b whose options are Client Identifier (DUID-LLT, b8:27:eb:b8:53:c8),
 * Elapsed time, Vendor Class, Rapid Commit, IA_NA, Client FQDN (partial "raspberrypi"), MUD URL,
 * Reconfigure Accept, Option Request; then Interface-Id 00000008. */
static void
test_dhcp6_reads_a_relayed_solicit_like_tshark(void **state)
{
        static const char *const order[] = {
                "relay_msg",   "clientid", "elapsed_time",  "vendor_class", "rapid_commit", "ia_na",
                "client_fqdn", "mudurl",   "reconf_accept", "oro",          "interface_id",
        };
        struct tu_frame f;
        struct pkt p;

        (void)state;
        tu_load_frame("tcpdump/dhcpv6-mud.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int d = tu_layer_of(&p, PKT_PROTO_DHCP6), r = tu_layer_of(&p, PKT_PROTO_DHCP6_RELAY);
        assert_int_equal(r, d + 1);
        assert_string_equal(tu_field(&p, (unsigned)d, "msgtype"), "RELAY_FORW");
        assert_int_equal(p.layers[d].hdr_len, 1);
        assert_int_equal(tu_elem_count(&p, d, "opts", NULL), 0);
        assert_string_equal(tu_field(&p, (unsigned)r, "linkaddr"),
                            "2001:8a8:1006:3:225:84ff:fedb:2380");
        assert_string_equal(tu_field(&p, (unsigned)r, "peeraddr"), "fe80::ba27:ebff:feb8:53c8");
        assert_int_equal(p.layers[r].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        /* Top level: the relay message and the interface ID. */
        assert_int_equal(tu_elem_count(&p, r, "opts", NULL), 2);
        assert_string_equal(tu_elem_str(&p, r, "opts", 0, "msgtype"), "SOLICIT");
        assert_string_equal(tu_elem_str(&p, r, "opts", 0, "xid"), "0x78244b");
        assert_string_equal(tu_elem_str(&p, r, "opts", 1, "value"), "00000008");
        /* Depth first, as tshark lists them. */
        uint16_t flags;
        assert_int_equal(tu_elem_count(&p, r, "opts_all", &flags),
                         sizeof(order) / sizeof(order[0]));
        assert_int_equal(flags, 0);
        for (unsigned k = 0; k < sizeof(order) / sizeof(order[0]); k++)
                assert_string_equal(tu_elem_str(&p, r, "opts_all", k, "type"), order[k]);
        assert_string_equal(tu_elem_str(&p, r, "opts_all", 1, "duid_type"), "LLT");
        assert_string_equal(tu_elem_str(&p, r, "opts_all", 1, "lladdr"), "b8:27:eb:b8:53:c8");
        assert_string_equal(tu_elem_str(&p, r, "opts_all", 3, "enterprise"), "40712");
        assert_string_equal(tu_elem_str(&p, r, "opts_all", 6, "flags"), "S");
        assert_string_equal(tu_elem_str(&p, r, "opts_all", 6, "partial_domain"),
                            "0b7261737062657272797069");
        assert_string_equal(tu_elem_str(&p, r, "opts_all", 7, "url"),
                            "https://mudctl.example.com/.well-known/mud/v1/rasbp101");
        assert_string_equal(tu_elem_str(&p, r, "opts_all", 9, "code6"), "inf_max_rt");
        pkt_done(&p);
}

/* An Advertise with a delegated prefix, as tshark reads tcpdump/dhcpv6-ia-pd.pcap frame 2: IA_PD
 * (IAID 02030405, T1 3600, T2 5400) holding an IA Prefix (4500, 7200, /56, 2a00:1:1:100::), the
 * client's DUID-LL and the server's DUID-LLT (time Nov 26, 2012 15:39:05 UTC: 407259545 s after
 * 2000-01-01). */
static void
test_dhcp6_reads_a_delegated_prefix_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;

        (void)state;
        tu_load_frame("tcpdump/dhcpv6-ia-pd.pcap", 2, &f);
        tu_parse_frame(&p, &f);
        int d = tu_layer_of(&p, PKT_PROTO_DHCP6);
        assert_string_equal(tu_field(&p, (unsigned)d, "msgtype"), "ADVERTISE");
        assert_string_equal(tu_field(&p, (unsigned)d, "xid"), "0xe1e093");
        assert_int_equal(tu_elem_count(&p, d, "opts", NULL), 3);
        assert_int_equal(tu_elem_count(&p, d, "opts_all", NULL), 4);
        assert_string_equal(tu_elem_str(&p, d, "opts_all", 0, "iaid"), "0x02030405");
        assert_string_equal(tu_elem_str(&p, d, "opts_all", 0, "t2"), "5400");
        assert_string_equal(tu_elem_str(&p, d, "opts_all", 1, "type"), "iaprefix");
        assert_string_equal(tu_elem_str(&p, d, "opts_all", 1, "preferred_lifetime"), "4500");
        assert_string_equal(tu_elem_str(&p, d, "opts_all", 1, "prefix_len"), "56");
        assert_string_equal(tu_elem_str(&p, d, "opts_all", 1, "prefix"), "2a00:1:1:100::");
        assert_string_equal(tu_elem_str(&p, d, "opts_all", 2, "duid_type"), "LL");
        assert_string_equal(tu_elem_str(&p, d, "opts_all", 3, "time"), "407259545");
        assert_string_equal(tu_elem_str(&p, d, "opts_all", 3, "lladdr"), "00:11:22:33:44:55");
        pkt_done(&p);
}

/* Parses DHCPv6 message @hex in UDP in IPv6, the capture missing its last @cut bytes, and returns
 * the flags of its deepest DHCPv6 layer; *@ret_all gets its opts_all count. */
static uint16_t
dhcp6_flags(const char *hex, uint32_t cut, unsigned *ret_all)
{
        static uint8_t b[4096];
        static char spec[2 * sizeof(b) + 128];
        const uint8_t *data;
        struct pkt p;

        size_t n = tu_hex(hex, b, sizeof(b));
        /* The IPv6 and UDP headers around the message, lengths computed. */
        snprintf(spec, sizeof(spec), CLIENT_TO_SERVER "/raw(hex=%s)", hex);
        pkt_init(&p);
        size_t len = tu_build(&p, spec, &data);
        assert_int_equal(len, 48 + n);
        memcpy(b, data, len);
        pkt_done(&p);
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, len - cut, len), 0);
        pkt_dissect_all(&p);
        int i = pkt_layer_find(&p, PKT_PROTO_DHCP6_RELAY, 0);
        if (i < 0)
                i = tu_layer_of(&p, PKT_PROTO_DHCP6);
        return tu_flags_done(&p, i, "opts_all", ret_all);
}

#define SOLICIT "01abcdef"
#define RELAY_FORW                                                                                 \
        "0c00"                                                                                     \
        "00000000000000000000000000000000"                                                         \
        "00000000000000000000000000000000"

/* Hostile and odd messages: flagged, never walked past the message or a container. */
static void
test_dhcp6_flags_hostile_messages(void **state)
{
        unsigned all;

        (void)state;
        /* Well-formed: elapsed time, an IA_NA holding an address. */
        assert_int_equal(dhcp6_flags(SOLICIT "000800020000"
                                             "0003002800000001000000000000000000050018"
                                             "20010db8000000000000000000000001"
                                             "0000000000000000",
                                     0, &all),
                         0);
        assert_int_equal(all, 3);
        /* An option running past the message: malformed, the walk stops there. */
        assert_int_equal(dhcp6_flags(SOLICIT "000800020000"
                                             "00010010"
                                             "0003",
                                     0, &all),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(all, 2);
        /* The option whole, but cut by the capture: truncated. */
        assert_int_equal(dhcp6_flags(SOLICIT "000800020000"
                                             "00010010"
                                             "00030001020304050607080900010203",
                                     14, &all),
                         PKT_LAYER_TRUNCATED);
        assert_int_equal(all, 2);
        /* An option nested in an IA_NA that runs past the IA_NA: flagged, the walk resumes after
         * the IA_NA (the elapsed time is still listed). */
        assert_int_equal(dhcp6_flags(SOLICIT "0003001000000001000000000000000000050010"
                                             "000800020000",
                                     0, &all),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(all, 3);
        /* Lengths wrong for their kinds (elapsed time of 3, a preference of 0, an address list of
         * 17 bytes): read as bytes, flagged, the walk goes on. */
        assert_int_equal(dhcp6_flags(SOLICIT "00080003000000"
                                             "00070000"
                                             "001700110000000000000000000000000000000000"
                                             "000e0000",
                                     0, &all),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(all, 4);
        /* A relay message too short for its header, and one of a single byte. */
        assert_int_equal(dhcp6_flags("0c00000000", 0, &all), PKT_LAYER_MALFORMED);
        assert_int_equal(dhcp6_flags("01", 0, &all), PKT_LAYER_MALFORMED);
        /* Relay messages nested 40 deep, each carrying the next: listed down to the depth bound
         * (16 levels), never recursing further. */
        static char bufs[2][3200];
        char *inner = bufs[0], *outer = bufs[1];
        snprintf(inner, sizeof(bufs[0]), SOLICIT);
        for (int k = 0; k < 40; k++) {
                snprintf(outer, sizeof(bufs[0]), RELAY_FORW "0009%04zx", strlen(inner) / 2);
                strcat(outer, inner);
                char *t = inner;
                inner = outer;
                outer = t;
        }
        assert_int_equal(dhcp6_flags(inner, 0, &all), 0);
        assert_int_equal(all, 16);
        /* Empty options, 1000 of them: each listed, bounded. */
        char empty[4 * 2 * 1000 + 16] = SOLICIT;
        for (int k = 0; k < 1000; k++)
                strcat(empty, "00140000");
        assert_int_equal(dhcp6_flags(empty, 0, &all), 0);
        assert_int_equal(all, 1000);
}

/* Element text the builder refuses, by reason. */
static void
test_dhcp6_build_errors_name_the_reason(void **state)
{
        static const char *const bad[] = {
                "dhcp6(opts=[elapsed_time(nonsense=1)])",  /* no such field */
                "dhcp6(opts=[bogus(1)])",                  /* no such option */
                "dhcp6(opts=[clientid(duid_type=BOGUS)])", /* no such DUID type */
                "dhcp6(opts=[relay_msg(msgtype=BOGUS)])",  /* no such message type */
                "dhcp6(opts=[elapsed_time(70000)])",       /* beyond the field */
                "dhcp6(opts=[ia_na(options=[bogus])])",    /* a bad nested option */
                "dhcp6(opts=[ia_na(options=iaaddr)])",     /* neither a list nor bytes */
                "dhcp6(opts=[70000(value=00)])",           /* a code beyond 16 bits */
                "dhcp6(opts=[opt(len=1)])",                /* the generic form without a type */
        };
        (void)state;
        for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
                struct pkt p;
                char err[256];

                pkt_init(&p);
                assert_true(pkt_build(&p, bad[k], err, sizeof(err)) < 0);
                if (!strstr(err, "dhcp6"))
                        fail_msg("%s: %s", bad[k], err);
                pkt_done(&p);
        }
        /* The generic form the JSON writer uses, and a given length. */
        tu_assert_builds("dhcp6(xid=1,opts=[opt(type=8,elapsed=5),elapsed_time(elapsed=1,len=3)])",
                         "01000001"
                         "000800020005"
                         "000800030001");
}

/* A server's Advertise or Reply answers a client's message with the same transaction ID. */
static void
test_dhcp6_reply_answers_by_transaction_id(void **state)
{
        struct pkt q, a, other;
        const uint8_t *d;

        (void)state;
        pkt_init(&q);
        pkt_init(&a);
        pkt_init(&other);
        tu_build(&q, CLIENT_TO_SERVER "/dhcp6(msgtype=REQUEST,xid=0x111)", &d);
        tu_build(&a,
                 "ip6(src=2001:db8::2,dst=2001:db8::1)/udp(sport=547,dport=546)/"
                 "dhcp6(msgtype=REPLY,xid=0x111)",
                 &d);
        tu_build(&other,
                 "ip6(src=2001:db8::2,dst=2001:db8::1)/udp(sport=547,dport=546)/"
                 "dhcp6(msgtype=REPLY,xid=0x112)",
                 &d);
        assert_true(pkt_answers(&q, &a));
        assert_false(pkt_answers(&q, &other));
        assert_false(pkt_answers(&q, &q));
        pkt_done(&q);
        pkt_done(&a);
        pkt_done(&other);
}

/* Every prefix of a real relayed message: nothing read past the prefix, the layer cut short is
 * flagged, the depth-first walk stays bounded. */
static void
test_dhcp6_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("tcpdump/dhcpv6-mud.pcap", 1, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_dhcp6_builds_like_scapy),
                cmocka_unit_test(test_dhcp6_reads_a_relayed_solicit_like_tshark),
                cmocka_unit_test(test_dhcp6_reads_a_delegated_prefix_like_tshark),
                cmocka_unit_test(test_dhcp6_flags_hostile_messages),
                cmocka_unit_test(test_dhcp6_build_errors_name_the_reason),
                cmocka_unit_test(test_dhcp6_reply_answers_by_transaction_id),
                cmocka_unit_test(test_dhcp6_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
