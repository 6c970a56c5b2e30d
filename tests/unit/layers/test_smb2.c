/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SMB2/SMB3 packet header (layers/app/smb2.c): building both forms against scapy, dissecting corpus
 * captures against tshark (a synchronous response, an asynchronous one, a compounded request), the
 * form NBSS picks, hostile headers, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0's scapy.layers.smb2.SMB2_Header (the expression is beside each,
 * and in tests/oracle/scapy_cases_netbios.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -o tcp.desegment_tcp_streams:FALSE -r FILE -T fields -e smb2.cmd -e smb2.aid ...`, run
 * once, values pasted in).
 */
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

static void
test_smb2_builds_like_scapy(void **state)
{
        (void)state;
        /* NBTSession()/SMB2_Header(Command=0,CreditsRequested=1,PID=0xfeff) */
        tu_assert_builds("nbss()/smb2(cmd=NEGOTIATE,credits=1,pid=0xfeff)",
                         "00000040fe534d4240000000000000000000010000000000000000000000000000000000"
                         "fffe000000000000000000000000000000000000000000000000000000000000");
        /* NBTSession()/SMB2_Header(Status=0x103,Command=15,Flags=3,MID=5,AsyncId=8,SessionId=0x1234) */
        tu_assert_builds("nbss()/smb2async(status=0x103,cmd=CHANGE_NOTIFY,flags=SERVER_TO_REDIR|ASYNC_COMMAND,msg_id=5,"
                         "aid=8,sesid=0x1234)",
                         "00000040fe534d4240000000030100000f00000003000000000000000500000000000000"
                         "0800000000000000341200000000000000000000000000000000000000000000");
        /* SMB2_Header(Flags=2): the asynchronous form's flags default to ASYNC_COMMAND */
        tu_assert_builds("smb2async()", "fe534d4240000000000000000000000002000000000000000000000000000000"
                                        "0000000000000000000000000000000000000000000000000000000000000000");
}

/* zeek's smb__smb311.pcap frame 4: a SESSION_SETUP response (tshark: nt_status 0xc0000016, cmd 1,
 * credits.granted 1, flags 0x00000001, msg_id 1, pid 0x0000010b, tid 0, sesid 0x0000281cac000069);
 * suricata-verify's smb-length-5770 frame 129: an asynchronous CHANGE_NOTIFY response (aid 8, nt_status
 * 0x00000103, STATUS_PENDING) and frame 101 a compounded CREATE, QUERY_INFO, CLOSE (chain_offset 0x98,
 * 0x68, 0): the first is the layer, the other two its trailer. */
static void
test_smb2_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        size_t n;
        int i;

        (void)state;
        tu_load_frame("zeek/smb__smb311.pcap", 4, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SMB2);
        assert_true(i > 0);
        assert_int_equal(p.layers[i - 1].proto, PKT_PROTO_NBSS);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "protocol_id"), 0xfe534d42);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "header_len"), 64);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "status"), 0xc0000016);
        assert_string_equal(tu_field(&p, (unsigned)i, "cmd"), "SESSION_SETUP");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "credits"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "msg_id"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "pid"), 0x10b);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "tid"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "sesid"), 0x0000281cac000069);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_RAW);
        pkt_done(&p);

        tu_load_frame("suricata-verify/smb-length-5770__input.pcap", 129, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SMB2_ASYNC);
        assert_true(i > 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "aid"), 8);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "status"), 0x103);
        assert_string_equal(tu_field(&p, (unsigned)i, "cmd"), "CHANGE_NOTIFY");
        pkt_done(&p);

        tu_load_frame("suricata-verify/smb-length-5770__input.pcap", 101, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SMB2);
        assert_string_equal(tu_field(&p, (unsigned)i, "cmd"), "CREATE");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "chain_offset"), 0x98);
        assert_int_equal(p.layers[i + 1].len, 0x98 - 64); /* the CREATE body */
        const uint8_t *t = pkt_layer_trailer(&p, (unsigned)i, &n);
        assert_true(t && n > 0x68);
        assert_memory_equal(t, "\xfeSMB", 4); /* the QUERY_INFO's header */
        assert_int_equal(t[12], 16);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);
}

/* The first layer of @proto in "tcp/nbss()/raw(hex=@hex)" parsed back from TCP. Returns its index or -1. */
static int
smb2_in(struct pkt *p, const char *hex, unsigned proto)
{
        static uint8_t buf[512];
        char spec[1024];

        snprintf(spec, sizeof(spec), "tcp(sport=49152,dport=445)/nbss()/raw(hex=%s)", hex);
        tu_build_parse(spec, PKT_PROTO_TCP, 0, buf, sizeof(buf), p);
        pkt_dissect_all(p);
        int i = pkt_layer_find(p, proto, 0);
        return i < 0 ? -1 : i;
}

#define SYNC_HDR(size, flags, next)                                                                                 \
        "fe534d42" size "0000" "00000000" "0500" "0100" flags next "0000000000000000" "0000000000000000"           \
        "0000000000000000" "00000000000000000000000000000000"

/* A structure size other than 64 and a next command inside the header or past the message are
 * malformed; the ASYNC flag picks the form; the protocol byte picks SMB3's transform headers. */
static void
test_smb2_forms_and_hostile_headers(void **state)
{
        struct pkt p;
        int i;

        (void)state;
        i = smb2_in(&p, SYNC_HDR("4000", "00000000", "00000000") "abcd", PKT_PROTO_SMB2);
        assert_true(i > 0);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);
        i = smb2_in(&p, SYNC_HDR("4000", "02000000", "00000000"), PKT_PROTO_SMB2_ASYNC);
        assert_true(i > 0);
        pkt_done(&p);
        i = smb2_in(&p, SYNC_HDR("4100", "00000000", "00000000"), PKT_PROTO_SMB2);
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
        i = smb2_in(&p, SYNC_HDR("4000", "00000000", "20000000") "abcd", PKT_PROTO_SMB2); /* inside the header */
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
        i = smb2_in(&p, SYNC_HDR("4000", "00000000", "48000000") "abcd", PKT_PROTO_SMB2); /* past the message */
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
        /* A message that ends inside the header. */
        i = smb2_in(&p, "fe534d42400000000000", PKT_PROTO_SMB2);
        assert_true(i > 0);
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
        assert_int_equal(smb2_in(&p, "ff534d4272000000", PKT_PROTO_SMB2), -1); /* SMB1's */
        pkt_done(&p);
        /* SMB3's transform headers: an encrypted message (52 bytes) and a compressed one (16). */
        i = smb2_in(&p, "fd534d42" "00000000000000000000000000000000" "0102030405060708090a0b0c0d0e0f10"
                        "40000000" "0000" "0100" "4500000000100000" "abcdef", PKT_PROTO_SMB2_TRANSFORM);
        assert_true(i > 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "msg_size"), 64);
        assert_string_equal(tu_field(&p, (unsigned)i, "flags"), "ENCRYPTED");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "sesid"), 0x0000100000000045);
        assert_int_equal(p.layers[i + 1].len, 3);
        pkt_done(&p);
        i = smb2_in(&p, "fc534d42" "70010000" "0100" "0000" "00000000" "abcd", PKT_PROTO_SMB2_COMPRESSED);
        assert_true(i > 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "original_size"), 368);
        assert_string_equal(tu_field(&p, (unsigned)i, "comp_alg"), "LZNT1");
        pkt_done(&p);
}

static void
test_smb2_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("zeek/smb__smb311.pcap", 4, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("suricata-verify/smb-length-5770__input.pcap", 101, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("suricata-verify/smb-length-5770__input.pcap", 129, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_smb2_builds_like_scapy),
                cmocka_unit_test(test_smb2_reads_like_tshark),
                cmocka_unit_test(test_smb2_forms_and_hostile_headers),
                cmocka_unit_test(test_smb2_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
