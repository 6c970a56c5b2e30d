/* SPDX-License-Identifier: BSD-3-Clause */
/* RADIUS, Diameter, TLS and BGP: tshark-checked fields of corpus frames, building, hostile input, and
 * every prefix of real packets. */
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

static size_t
corpus_packet(const char *rel, unsigned no, uint8_t *buf, size_t size, size_t *ret_wire, int *ret_dlt)
{
        char err[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *d;
        pcap_t *pc = pcap_open_offline(tu_corpus(rel), err);
        size_t n = 0;

        assert_non_null(pc);
        for (unsigned i = 1; pcap_next_ex(pc, &h, &d) == 1; i++)
                if (i == no) {
                        assert_true(h->caplen <= size);
                        memcpy(buf, d, h->caplen);
                        n = h->caplen;
                        *ret_wire = h->len;
                        break;
                }
        *ret_dlt = pcap_datalink(pc);
        pcap_close(pc);
        if (n == 0)
                fail_msg("no frame %u in %s", no, rel);
        return n;
}

/* A spec whose build fails, with a message. */
static void
assert_build_fails(const char *spec)
{
        char err[256] = "";
        struct pkt p;

        pkt_init(&p);
        assert_true(pkt_build(&p, spec, err, sizeof(err)) < 0);
        assert_true(err[0] != '\0');
        pkt_done(&p);
}

#define HEX_20 "0102030405060708090a0b0c0d0e0f1011121314"
#define HEX_200 HEX_20 HEX_20 HEX_20 HEX_20 HEX_20 HEX_20 HEX_20 HEX_20 HEX_20 HEX_20

static const char *
elem_list(struct pkt *p, unsigned idx, const char *set, const char *name)
{
        static char out[1024];
        char one[256];

        out[0] = 0;
        PKT_ELEM_FOREACH(p, idx, set, e)
        {
                if (pkt_elem_get_str(p, idx, &e, name, one, sizeof(one)) < 0)
                        continue;
                if (out[0])
                        strncat(out, ",", sizeof(out) - strlen(out) - 1);
                strncat(out, one, sizeof(out) - strlen(out) - 1);
        }
        return out;
}

static int
load(struct pkt *p, const char *rel, unsigned no, uint8_t *buf, size_t size, unsigned proto)
{
        size_t wire;
        int dlt;
        size_t n = corpus_packet(rel, no, buf, size, &wire, &dlt);

        pkt_init(p);
        assert_int_equal(pkt_parse_dlt(p, dlt, buf, n, wire), 0);
        return pkt_layer_find(p, proto, 0);
}

/* tshark -r tcpdump/RADIUS.pcap -c1 -T fields -e radius.code -e radius.id -e radius.length -e radius.avp.type */
static void
test_radius_corpus_fields_match_tshark(void **state)
{
        uint8_t buf[65536];
        struct pkt p;
        int i;

        (void)state;
        i = load(&p, "tcpdump/RADIUS.pcap", 1, buf, sizeof(buf), PKT_PROTO_RADIUS);
        assert_true(i >= 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "code"), "Access-Request");
        assert_string_equal(tu_field(&p, (unsigned)i, "id"), "5");
        assert_string_equal(tu_field(&p, (unsigned)i, "len"), "139");
        assert_string_equal(elem_list(&p, (unsigned)i, "attributes", "type"), "NAS-IP-Address,NAS-Port,NAS-Port-Type,User-Name,Called-Station-Id,"
                            "Calling-Station-Id,Service-Type,Framed-MTU,EAP-Message,Message-Authenticator");
        assert_string_equal(elem_list(&p, (unsigned)i, "attributes", "value"),
                            "10.0.0.1,50012,15,John.McGuirk,00-19-06-EA-B8-8C,00-14-22-E9-54-5E,2,1500,"
                            "02000011014a6f686e2e4d63477569726b,28c5beb8842486da70db51316f9d7889");
        pkt_done(&p);
}

/* tshark: bgp.length 23, bgp.type 3, bgp.notify.major_error 7, minor_error_capability 1, minor_data feb0 */
static void
test_bgp_notification_matches_tshark(void **state)
{
        uint8_t buf[65536];
        struct pkt p;
        int i;

        (void)state;
        i = load(&p, "tcpdump/bgp_notification_rr_msg_error.pcap", 1, buf, sizeof(buf), PKT_PROTO_BGP);
        assert_true(i >= 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "len"), "23");
        assert_string_equal(elem_list(&p, (unsigned)i, "notification", "code"), "7");
        assert_string_equal(elem_list(&p, (unsigned)i, "notification", "subcode"), "1");
        assert_string_equal(elem_list(&p, (unsigned)i, "notification", "data"), "feb0");
        pkt_done(&p);
}

/* An UPDATE builds from its parts, path attributes by their kinds' fields, as scapy's contrib BGP
 * builds it (tests/oracle/scapy_cases_tlv.tsv, bgp.update); read back, the path attributes' length is
 * its own element, after the withdrawn routes (tshark on tcpdump/bgp-4byte-asn.pcap frame 13:
 * bgp.update.withdrawn_routes.length 0, bgp.update.path_attributes.length 47). */
static void
test_bgp_update_builds_like_scapy_and_reads_like_tshark(void **state)
{
        uint8_t buf[65536];
        struct pkt p;
        int i;

        (void)state;
        tu_assert_builds("bgp(type=2,update=[update(withdrawnlen=4)],wroutes=[route(len=24,prefix=c63364)],"
                         "pathlen=[pathlen(pathlen=27)],pathattrs=[pathattr(type=ORIGIN,origin=0),"
                         "pathattr(type=AS_PATH,data=02010000fde9),pathattr(type=NEXT_HOP,nexthop=192.0.2.1),"
                         "pathattr(flags=0x80,type=MULTI_EXIT_DISC,med=10)],anncroutes=[route(len=24,prefix=c00002)])",
                         "ffffffffffffffffffffffffffffffff003a02" "0004" "18c63364" "001b" "40010100"
                         "400206020100" "00fde9" "400304c0000201" "800404" "0000000a" "18c00002");
        /* The same from its parts alone, in any order: the type follows them, the withdrawn routes and
         * the path attributes go where RFC 4271 4.3 puts them, and their lengths are computed. */
        tu_assert_builds("bgp(anncroutes=[route(prefix=192.0.2.0/24)],pathattrs=[pathattr(type=ORIGIN,origin=0),"
                         "pathattr(type=AS_PATH,data=02010000fde9),pathattr(type=NEXT_HOP,nexthop=192.0.2.1)],"
                         "wroutes=[route(prefix=198.51.100.0/24)],pathattrs=[pathattr(flags=0x80,type=MULTI_EXIT_DISC,med=10)])",
                         "ffffffffffffffffffffffffffffffff003a02" "0004" "18c63364" "001b" "40010100"
                         "400206020100" "00fde9" "400304c0000201" "800404" "0000000a" "18c00002");
        /* An extended length (flags 0x10): two bytes of it. A prefix's length is its bytes' bits
         * unless given; a /0 has no bytes. */
        tu_assert_builds("bgp(type=2,pathattrs=[pathattr(flags=0x50,type=ORIGIN,origin=1)],anncroutes=[route(prefix=0a),"
                         "route(prefix=0.0.0.0/0),route(len=12,prefix=0a10)])",
                         "ffffffffffffffffffffffffffffffff002202" "0000" "0005" "5001000101" "080a" "00" "0c0a10");
        /* Withdrawn routes alone: the path attributes' length follows them, so the message holds
         * together; routes added later go before it. */
        tu_assert_builds("bgp(wroutes=[route(prefix=10.0.0.0/8)],pathattrs=[pathattr(type=ORIGIN,origin=0)],"
                         "wroutes=[route(prefix=192.0.2.0/24)])",
                         "ffffffffffffffffffffffffffffffff002102" "0006" "080a" "18c00002" "0004" "40010100");
        tu_assert_builds("bgp(wroutes=[route(prefix=10.0.0.0/8)])", "ffffffffffffffffffffffffffffffff001902" "0002" "080a" "0000");
        /* A length given before what it measures is kept, whatever follows (a JSON reader gives them so). */
        tu_assert_builds("bgp(update=[update(withdrawnlen=9)],wroutes=[route(prefix=10.0.0.0/8)])",
                         "ffffffffffffffffffffffffffffffff001702" "0009" "080a");
        /* An OPEN: version 4 by default, arguments in any order, the parameters' length computed. */
        tu_assert_builds("bgp(open=[open(identifier=192.0.2.1,asn=65001)],params=[param(data=010400010001,type=2)])",
                         "ffffffffffffffffffffffffffffffff00250104fde90000c0000201" "08" "0206010400010001");
        /* A part that comes first, given after the parts that follow it (which made a default one). */
        assert_build_fails("bgp(params=[param(type=2,data=010400010001)],open=[open(asn=65001)])");
        assert_build_fails("bgp(pathattrs=[pathattr(type=ORIGIN,origin=0)],update=[update(withdrawnlen=0)])");
        assert_build_fails("bgp(pathattrs=[pathattr(type=ORIGIN,origin=0)],pathlen=[pathlen(pathlen=4)])");
        assert_build_fails("bgp(wroutes=[route(prefix=192.0.2.0/33)])");
        assert_build_fails("bgp(wroutes=[route(prefix=192.0.2/24)])");
        assert_build_fails("bgp(wroutes=[route(prefix=192.0.2.0/24,color=red)])");
        /* 255 bytes of parameters at most (RFC 9072's extended form is the user's to give). */
        assert_build_fails("bgp(open=[open()],params=[param(type=2,data=" HEX_200 "),param(type=2,data=" HEX_200 ")])");

        i = load(&p, "tcpdump/bgp-4byte-asn.pcap", 13, buf, sizeof(buf), PKT_PROTO_BGP);
        assert_true(i >= 0);
        assert_string_equal(elem_list(&p, (unsigned)i, "update", "withdrawnlen"), "0");
        assert_string_equal(elem_list(&p, (unsigned)i, "pathlen", "pathlen"), "47");
        assert_string_equal(elem_list(&p, (unsigned)i, "pathattrs", "type"), "ORIGIN,AS_PATH,NEXT_HOP,AS4_PATH");
        pkt_done(&p);
}

/* tshark -r pcapplusplus/PacketExamples__SSL-MultipleRecords1.pcap: tls.handshake.type 2 (then
 * ChangeCipherSpec and an encrypted handshake, which has no handshake type), cipher suite 0xc02b;
 * enums read by name. */
static void
test_tls_records_are_consecutive_layers_and_encrypted_handshake_is_opaque(void **state)
{
        uint8_t buf[65536];
        struct pkt p;
        int i, n = 0;

        (void)state;
        i = load(&p, "pcapplusplus/PacketExamples__SSL-MultipleRecords1.pcap", 1, buf, sizeof(buf),
                 PKT_PROTO_TLS);
        assert_true(i >= 0);
        assert_string_equal(elem_list(&p, (unsigned)i, "handshakes", "type"), "server_hello");
        assert_string_equal(elem_list(&p, (unsigned)i, "ciphersuites", "ciphersuite"),
                            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        /* The hello's record has no opaque bytes: its handshake messages carry them all. */
        assert_string_equal(elem_list(&p, (unsigned)i, "opaque", "data"), "");
        for (int k = i; k >= 0; k = pkt_layer_find(&p, PKT_PROTO_TLS, (unsigned)k + 1)) {
                if (n > 0)
                        assert_string_equal(elem_list(&p, (unsigned)k, "handshakes", "type"), "");
                /* ChangeCipherSpec's byte and the encrypted Finished are the records' opaque data. */
                if (n == 1)
                        assert_string_equal(elem_list(&p, (unsigned)k, "opaque", "data"), "01");
                if (n == 2) {
                        uint64_t len = 0;
                        PKT_ELEM_FOREACH(&p, (unsigned)k, "opaque", e)
                                len += e.len;
                        assert_int_equal(len, strtoull(tu_field(&p, (unsigned)k, "len"), NULL, 10));
                        assert_true(len > 0);
                }
                n++;
        }
        assert_true(n >= 3);
        pkt_done(&p);
}

/* tshark -r zeek/tls__tls13draft16-ff52.a01.pcap frame 6: a TLS 1.3 draft-16 ServerHello (version 0x7f10)
 * has no session id and no compression method (draft-ietf-tls-tls13-21 4.1.3): suite 0x1303, 109 bytes
 * of extensions, types 13 and 40. Read with TLS 1.2's layout, the suite's bytes were a session
 * id length. A draft-22 one (0x7f16) has the legacy layout again. */
static void
test_tls13_draft_server_hello_has_no_session_id(void **state)
{
        uint8_t buf[65536];
        struct pkt p;
        int i;

        (void)state;
        i = load(&p, "zeek/tls__tls13draft16-ff52.a01.pcap", 6, buf, sizeof(buf), PKT_PROTO_TLS);
        assert_true(i >= 0);
        assert_string_equal(elem_list(&p, (unsigned)i, "hellos", "tlsversion"), "0x7f10");
        assert_string_equal(elem_list(&p, (unsigned)i, "hellos", "sid_len"), "");
        assert_string_equal(elem_list(&p, (unsigned)i, "ciphersuites", "ciphersuite"), "TLS_CHACHA20_POLY1305_SHA256");
        assert_string_equal(elem_list(&p, (unsigned)i, "compressions", "compression"), "");
        assert_string_equal(elem_list(&p, (unsigned)i, "ext_lens", "ext_len"), "109");
        assert_string_equal(elem_list(&p, (unsigned)i, "extensions", "len"), "0,101");
        assert_int_equal(p.layers[i].flags & PKT_LAYER_MALFORMED, 0);
        pkt_done(&p);

        /* version 0x7f16, random, session id of 1 byte (0xaa), suite 0x1301, compression 0, no extensions */
        tu_build_parse("ssl(handshakes=[server_hello(data=7f16" HEX_20 "00000000000000000000000001aa130100)])",
                       PKT_PROTO_TLS, 0, buf, sizeof(buf), &p);
        i = 0;
        assert_string_equal(elem_list(&p, (unsigned)i, "hellos", "sid"), "aa");
        assert_string_equal(elem_list(&p, (unsigned)i, "ciphersuites", "ciphersuite"), "TLS_AES_128_GCM_SHA256");
        assert_string_equal(elem_list(&p, (unsigned)i, "compressions", "compression"), "0");
        pkt_done(&p);
}

/*
 * Building what JSON gives back: a handshake message whose length says more than its data (it goes on
 * in the next segment) keeps that length; the sets read from inside the messages (hellos, suites,
 * extensions, certificates) add nothing, as the message's data holds them; opaque data is the record's.
 */
static void
test_tls_builds_given_lengths_and_opaque_data(void **state)
{
        struct pkt p;
        const uint8_t *d;
        size_t n;
        (void)state;

        pkt_init(&p);
        n = tu_build(&p, "ssl(version=0x0303,handshakes=[server_hello(len=4000,data=0303aabb)],"
                         "hellos=[hello(tlsversion=0x0303)],ciphersuites=[ciphersuite(0xc02f)],"
                         "certificates=[certificate(len=3,cert=010203)])", &d);
        static const uint8_t cont[] = { 22, 3, 3, 0, 8, 2, 0, 0x0f, 0xa0, 3, 3, 0xaa, 0xbb };
        tu_assert_bytes(d, n, cont, sizeof(cont));
        n = tu_build(&p, "ssl(type=application_data,version=0x0303,opaque=[opaque(data=c0ffee)])", &d);
        static const uint8_t app[] = { 23, 3, 3, 0, 3, 0xc0, 0xff, 0xee };
        tu_assert_bytes(d, n, app, sizeof(app));
        /* An alert makes an alert record unless the type is set; its fields in any order. */
        n = tu_build(&p, "ssl(alerts=[alert(description=handshake_failure,level=fatal)])", &d);
        static const uint8_t alert[] = { 21, 3, 1, 0, 2, 2, 40 };
        tu_assert_bytes(d, n, alert, sizeof(alert));
        n = tu_build(&p, "ssl(type=23,alerts=[alert(1,0)])", &d);
        static const uint8_t kept[] = { 23, 3, 1, 0, 2, 1, 0 };
        tu_assert_bytes(d, n, kept, sizeof(kept));
        /* Without a length, the data's. */
        n = tu_build(&p, "ssl(handshakes=[handshake(type=finished,data=0102)])", &d);
        static const uint8_t fin[] = { 22, 3, 1, 0, 6, 20, 0, 0, 2, 1, 2 };
        tu_assert_bytes(d, n, fin, sizeof(fin));
        pkt_done(&p);
}

/* scapy: raw(Radius(code=1, id=5, authenticator=b"\0" * 16,
 *                   attributes=[RadiusAttribute(type=1, value=b"bob")])) */
static void
test_radius_builds_attribute_and_length_as_scapy(void **state)
{
        uint8_t want[64];
        const uint8_t *got;
        struct pkt p;
        size_t n, wn = tu_hex("0105001900000000000000000000000000000000010562 6f62", want, sizeof(want));

        (void)state;
        pkt_init(&p);
        n = tu_build(&p, "radius(code=1,id=5,attributes=[User-Name(\"bob\")])", &got);
        tu_assert_bytes(got, n, want, wn);
        pkt_done(&p);
}

/* A BGP Length below 19, a Diameter AVP shorter than its header: flagged, never walked past. */
static void
test_hostile_lengths_are_malformed(void **state)
{
        uint8_t bgp[19], diam[28] = { 1, 0, 0, 28, 0x80, 0, 1, 1 };
        struct pkt p;
        const struct pkt_layer *l;

        (void)state;
        memset(bgp, 0xff, 16);
        bgp[16] = 0, bgp[17] = 18, bgp[18] = 4;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_BGP, bgp, sizeof(bgp), sizeof(bgp)), 0);
        l = pkt_layer(&p, 0);
        assert_non_null(l);
        assert_true(l->flags & PKT_LAYER_MALFORMED);
        /* AVP at 20 claims length 4 */
        diam[27] = 4;
        assert_int_equal(pkt_parse(&p, PKT_PROTO_DIAMETER, diam, sizeof(diam), sizeof(diam)), 0);
        l = pkt_layer(&p, 0);
        assert_non_null(l);
        assert_true(l->flags & PKT_LAYER_MALFORMED);
        PKT_ELEM_FOREACH(&p, 0, "avps_all", e)
                assert_true(e.flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
}

struct frame {
        const char *rel;
        unsigned no;
};

/* Every prefix of real packets parses and reads (fields and all element sets) without a fault; the
 * last layer of a cut packet is flagged or raw. */
static void
test_tlv_every_prefix_parses_and_flags_truncation(void **state)
{
        static const struct frame frames[] = {
                { "tcpdump/RADIUS.pcap", 1 },
                { "ndpi/diameter.pcap", 1 },
                { "pcapplusplus/PacketExamples__SSL-ClientHello1.pcap", 1 },
                { "pcapplusplus/PacketExamples__SSL-MultipleRecords1.pcap", 1 },
                { "tcpdump/bgp-4byte-asn.pcap", 13 },
                { "tcpdump/bgp_notification_rr_msg_error.pcap", 1 },
        };
        static const char *sets[] = { "attributes", "vsas", "avps", "avps_all", "handshakes", "hellos",
                                      "ciphersuites", "extensions", "alpn", "certificates", "alerts", "opaque", "open",
                                      "params", "pathattrs", "aspath", "anncroutes", "wroutes" };
        uint8_t buf[65536];

        (void)state;
        for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++) {
                size_t wire;
                int dlt;
                size_t n = corpus_packet(frames[f].rel, frames[f].no, buf, sizeof(buf), &wire, &dlt);
                for (size_t cut = 0; cut < n; cut++) {
                        struct pkt p;
                        pkt_init(&p);
                        assert_int_equal(pkt_parse_dlt(&p, dlt, buf, cut, wire), 0);
                        unsigned nl = pkt_dissect_all(&p);
                        for (unsigned i = 0; i < nl; i++)
                                for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++)
                                        (void)elem_list(&p, i, sets[s], "len");
                        if (nl > 0 && cut > 0) {
                                const struct pkt_layer *l = pkt_layer(&p, nl - 1);
                                assert_true(l->proto == PKT_PROTO_RAW ||
                                            (l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)) ||
                                            l->off + l->len <= cut);
                        }
                        pkt_done(&p);
                }
        }
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_radius_corpus_fields_match_tshark),
                cmocka_unit_test(test_bgp_notification_matches_tshark),
                cmocka_unit_test(test_bgp_update_builds_like_scapy_and_reads_like_tshark),
                cmocka_unit_test(test_tls_records_are_consecutive_layers_and_encrypted_handshake_is_opaque),
        cmocka_unit_test(test_tls13_draft_server_hello_has_no_session_id),
                cmocka_unit_test(test_tls_builds_given_lengths_and_opaque_data),
                cmocka_unit_test(test_radius_builds_attribute_and_length_as_scapy),
                cmocka_unit_test(test_hostile_lengths_are_malformed),
                cmocka_unit_test(test_tlv_every_prefix_parses_and_flags_truncation),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
