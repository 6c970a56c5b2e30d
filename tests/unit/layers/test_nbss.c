/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NetBIOS Session Service (layers/app/nbss.c): building against scapy, dissecting corpus captures
 * against tshark, the 24-bit length of direct-hosted SMB, continuations told from headers as tshark
 * tells them, the forms after the header, hostile messages, answers, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0's scapy.layers.netbios.NBTSession (the expression is beside
 * each, and in tests/oracle/scapy_cases_netbios.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -o tcp.desegment_tcp_streams:FALSE -r FILE -T fields -e nbss.type -e nbss.length ...`,
 * run once, values pasted in).
 */
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* "*SMBSERVER<20>" and "CLIENT<00>", first-level encoded (RFC 1001 14.1). */
#define SMBSERVER_20 "20" "434b4644454e454346444546464346474546464343414341434143414341434100"
#define CLIENT_00 "20" "4544454d454a4546454f4645434143414341434143414341434143414341414100"
#define SMB2_MAGIC "fe534d42"

static void
test_nbss_builds_like_scapy(void **state)
{
        (void)state;
        /* NBTSession()/Raw(bytes.fromhex("fe534d424000")): the length counts the message. */
        tu_assert_builds("nbss()/raw(hex=fe534d424000)", "00000006fe534d424000");
        /* NBTSession(TYPE=0x81)/Raw(<the two names>): the type follows the request. */
        tu_assert_builds("nbss()/nbssrequest(called_name=*SMBSERVER<20>,calling_name=CLIENT<00>)",
                         "81000044" SMBSERVER_20 CLIENT_00);
        /* NBTSession(TYPE=0x83)/Raw(b"\x82"), NBTSession(TYPE=0x84)/Raw(<address, port>), NBTSession(TYPE=0x85) */
        tu_assert_builds("nbss()/nbssnegative(error_code=CALLED_NAME_NOT_PRESENT)", "8300000182");
        tu_assert_builds("nbss()/nbssretarget(addr=192.0.2.9,port=1139)", "84000006c00002090473");
        tu_assert_builds("nbss(type=SESSION_KEEP_ALIVE)", "85000000");
        /* RFC 1002's E bit is the length's 17th: a message of 64 KiB or more sets it. */
        static uint8_t big[65537];
        const uint8_t *d;
        struct pkt p;
        pkt_init(&p);
        assert_true(pkt_push(&p, PKT_PROTO_NBSS) >= 0 && pkt_push_raw(&p, big, sizeof(big)) >= 0);
        assert_int_equal(pkt_serialize(&p, 0, &d), 4 + (int)sizeof(big));
        assert_memory_equal(d, "\x00\x01\x00\x01", 4);
        assert_int_equal(tu_field_u64(&p, 0, "flags"), 1);
        pkt_done(&p);
}

/* suricata-verify smb2-ntlmssp-negotiateflags frames 193 and 194: a session request to SCV<20> from
 * DESKTOP-V1FA0UQ<00> (tshark: nbss.type 0x81, flags 0x00, length 68), and its positive response
 * (0x82, length 0). */
static void
test_nbss_reads_session_setup_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("suricata-verify/smb2-ntlmssp-negotiateflags__input.pcap", 193, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBSS);
        assert_true(i > 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "type"), "SESSION_REQUEST");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "len"), 68);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_NBSS_REQUEST);
        assert_string_equal(tu_field(&p, (unsigned)i + 1, "called_name"), "SCV<20>");
        assert_string_equal(tu_field(&p, (unsigned)i + 1, "calling_name"), "DESKTOP-V1FA0UQ<00>");
        assert_int_equal(p.n_layers, (unsigned)i + 2);
        for (int k = i; k <= i + 1; k++)
                assert_int_equal(p.layers[k].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);

        tu_load_frame("suricata-verify/smb2-ntlmssp-negotiateflags__input.pcap", 194, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBSS);
        assert_string_equal(tu_field(&p, (unsigned)i, "type"), "POSITIVE_SESSION_RESPONSE");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "len"), 0);
        assert_int_equal(p.n_layers, (unsigned)i + 1);
        pkt_done(&p);
}

/* tcpdump's smb_data_print-segv.pcap, port 445: frame 1 is an SMB1 message of 84 bytes (tshark reads
 * the 24-bit length and shows no flags), frame 4's 4 bytes of data continue a message (tshark:
 * "NBSS Continuation Message"). suricata-verify's smb-length-5770 frame 127 holds two messages (tshark:
 * lengths 96 and 344): the second is the nbss layer's trailer. */
static void
test_nbss_reads_messages_and_continuations_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        size_t n;
        int i;

        (void)state;
        tu_load_frame("tcpdump/smb_data_print-segv.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBSS);
        assert_string_equal(tu_field(&p, (unsigned)i, "type"), "SESSION_MESSAGE");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "len"), 84);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_SMB);
        assert_int_equal(p.layers[i + 1].len, 84);
        pkt_done(&p);

        tu_load_frame("tcpdump/smb_data_print-segv.pcap", 4, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBSS);
        assert_true(i > 0);
        assert_int_equal(p.layers[i].hdr_len, 0);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_RAW);
        pkt_done(&p);

        tu_load_frame("suricata-verify/smb-length-5770__input.pcap", 127, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_NBSS);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "len"), 96);
        assert_int_equal(p.layers[i + 1].len, 96);
        const uint8_t *t = pkt_layer_trailer(&p, (unsigned)i, &n);
        assert_int_equal(n, 4 + 344);
        assert_memory_equal(t, "\x00\x00\x01\x58", 4);
        pkt_done(&p);
}

/* The nbss layer of a message built as "tcp(sport=49152,dport=445)/raw(hex=@hex)", parsed back; the
 * capture keeps all of it unless @cut bytes are left out. Returns its index in @p. */
static int
nbss_in(struct pkt *p, const char *hex, uint32_t cut)
{
        static uint8_t buf[512];
        char spec[1024];

        snprintf(spec, sizeof(spec), "tcp(sport=49152,dport=445)/raw(hex=%s)", hex);
        tu_build_parse(spec, PKT_PROTO_TCP, cut, buf, sizeof(buf), p);
        pkt_dissect_all(p);
        int i = tu_layer_of(p, PKT_PROTO_NBSS);
        assert_true(i > 0);
        return i;
}

/* Is the segment @hex a continuation (an nbss layer with no header, the bytes raw above it)? */
static bool
is_continuation(const char *hex)
{
        struct pkt p;
        int i = nbss_in(&p, hex, 0);
        bool yes = p.layers[i].hdr_len == 0 && p.n_layers == (unsigned)i + 2 && p.layers[i + 1].proto == PKT_PROTO_RAW &&
                   !(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        pkt_done(&p);
        return yes;
}

/* tshark's rules: a segment is a message's start only when its type is RFC 1002's, its flags E alone
 * (or any, when the message says "SMB": then the length has 24 bits), and its length one the type can
 * have; anything else continues a message. */
static void
test_nbss_tells_continuations_from_headers(void **state)
{
        struct pkt p;
        int i;

        (void)state;
        assert_false(is_continuation("00000004" SMB2_MAGIC));
        assert_false(is_continuation("85000000"));
        assert_false(is_continuation("8300000182"));
        assert_true(is_continuation("00000000"));        /* an empty session message */
        assert_true(is_continuation("86000000"));        /* no such type */
        assert_true(is_continuation("82000001ff"));      /* a positive response with a body */
        assert_true(is_continuation("83000002ffff"));    /* a negative response of two bytes */
        assert_true(is_continuation("8400000500"));      /* a retarget of five */
        assert_true(is_continuation("8100000100"));      /* a request too short for two names */
        assert_true(is_continuation("81000101" "00"));   /* and one longer than 256 bytes */
        assert_true(is_continuation("00020004" "41424344")); /* flag bits beyond E, no SMB */
        assert_true(is_continuation("0000"));            /* too short for a header */

        /* "SMB" after the protocol byte: the length is 24 bits, the message longer than the segment. */
        i = nbss_in(&p, "00020005" SMB2_MAGIC "40", 0);
        assert_int_equal(p.layers[i].hdr_len, 4);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "len"), 0x20005);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);
        /* E alone: RFC 1002's 17-bit length. */
        i = nbss_in(&p, "00010004" "41424344", 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "len"), 0x10004);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 1);
        pkt_done(&p);
        /* A header the capture cuts is truncated, not a continuation. */
        i = nbss_in(&p, "00000004" SMB2_MAGIC, 6);
        assert_true(p.layers[i].flags & PKT_LAYER_TRUNCATED);
        pkt_done(&p);
}

/* Names that run out or loop make the request malformed; names the capture cuts, truncated. */
static void
test_nbss_hostile_requests(void **state)
{
        struct pkt p;
        int i;

        (void)state;
        i = nbss_in(&p, "81000044" SMBSERVER_20 CLIENT_00, 0);
        assert_int_equal(p.layers[i + 1].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);
        i = nbss_in(&p, "81000004" "20414243", 0); /* a label longer than the message */
        assert_true(p.layers[i + 1].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
        i = nbss_in(&p, "81000004" "c000c000", 0); /* names that point at themselves */
        assert_true(p.layers[i + 1].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
        i = nbss_in(&p, "81000044" SMBSERVER_20 CLIENT_00, 20);
        assert_int_equal(p.layers[i + 1].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), PKT_LAYER_TRUNCATED);
        pkt_done(&p);
}

/* A positive, negative or retarget response answers a session request; a request answers nothing and
 * session messages leave the judgement to TCP. */
static void
test_nbss_answers(void **state)
{
        static const char *const there = "ip(src=192.0.2.1,dst=192.0.2.2)/tcp(sport=49152,dport=139,seq=1,ack=1,flags=ACK)/";
        static const char *const back = "ip(src=192.0.2.2,dst=192.0.2.1)/tcp(sport=139,dport=49152,seq=1,ack=70,flags=ACK)/";
        char request[512], positive[256], negative[256], retarget[256], message[256], reply[256];

        (void)state;
        snprintf(request, sizeof(request), "%snbss()/nbssrequest(called_name=*SMBSERVER<20>,calling_name=CLIENT<00>)",
                 there);
        snprintf(positive, sizeof(positive), "%snbss(type=POSITIVE_SESSION_RESPONSE)", back);
        snprintf(negative, sizeof(negative), "%snbss()/nbssnegative()", back);
        snprintf(retarget, sizeof(retarget), "%snbss()/nbssretarget(addr=192.0.2.9)", back);
        snprintf(message, sizeof(message), "%snbss()/raw(hex=" SMB2_MAGIC ")", there);
        snprintf(reply, sizeof(reply), "%snbss()/raw(hex=" SMB2_MAGIC ")", back);
        assert_true(tu_answers(request, positive, PKT_PROTO_IP));
        assert_true(tu_answers(request, negative, PKT_PROTO_IP));
        assert_true(tu_answers(request, retarget, PKT_PROTO_IP));
        assert_false(tu_answers(message, positive, PKT_PROTO_IP));
        assert_false(tu_answers(positive, request, PKT_PROTO_IP));
        assert_false(tu_answers(request, reply, PKT_PROTO_IP));
}

static void
test_nbss_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("suricata-verify/smb2-ntlmssp-negotiateflags__input.pcap", 193, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/smb_data_print-segv.pcap", 1, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nbss_builds_like_scapy),
                cmocka_unit_test(test_nbss_reads_session_setup_like_tshark),
                cmocka_unit_test(test_nbss_reads_messages_and_continuations_like_tshark),
                cmocka_unit_test(test_nbss_tells_continuations_from_headers),
                cmocka_unit_test(test_nbss_hostile_requests),
                cmocka_unit_test(test_nbss_answers),
                cmocka_unit_test(test_nbss_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
