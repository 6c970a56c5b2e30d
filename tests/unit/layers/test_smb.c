/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SMB1 header (layers/app/smb.c): building against scapy, dissecting corpus captures against tshark
 * (in an NBDGM mailslot message, in NBSS, a DOS error, Windows' NT_CREATE_ANDX extended response),
 * hostile counts, the counts computed when built, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0's scapy.layers.smb.SMB_Header (the expression is beside each,
 * and in tests/oracle/scapy_cases_netbios.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -o tcp.desegment_tcp_streams:FALSE -r FILE -T fields -e smb.cmd -e smb.wct ...`, run
 * once, values pasted in).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

static void
test_smb_builds_like_scapy(void **state)
{
        (void)state;
        /* SMB_Header(Flags2=0xc801,PIDLow=0xfeff,MID=1)/Raw(b"\x00\x0c\x00\x02NT LM 0.12\x00"): no words,
         * the byte count counts the dialect */
        tu_assert_builds("smb(pid=0xfeff,mid=1)/raw(\"\\x02NT LM 0.12\\x00\")",
                         "ff534d4272000000001801c80000000000000000000000000000fffe00000100000c00024e54204c4d20302e313200");
        /* SMB_Header(Command=4,Flags2=0xc801,TID=2049,PIDLow=2752,UID=2048,MID=7)/Raw(b"\x03" + FID and
         * time + b"\x00\x00"): the word count counts the words */
        tu_assert_builds("smb(cmd=CLOSE,tid=2049,pid=2752,uid=2048,mid=7,words=0x0040ffffffff)",
                         "ff534d4204000000001801c80000000000000000000000000108c00a00080700030040ffffffff0000");
}

/* tcpdump's eapon1 frame 1: a browser announcement, TRANSACTION (0x25) in an NBDGM datagram (tshark:
 * flags 0x00, flags2 0x0000, wct 17, bcc 28); suricata-verify's smb1-data-offset frame 102: an
 * NT_CREATE_ANDX response with a DOS error (error_class 0x02, error_code 0x0005, tid 2049, pid 2752, uid
 * 2048, signature 15fdb2e842f36496, wct 0, bcc 0); zeek's dce-rpc mapi frame 511: Windows' extended
 * NT_CREATE_ANDX response, whose 50 words WordCount calls 42 (tshark: wct 42, bcc 26972, read after the
 * 50). */
static void
test_smb_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("tcpdump/eapon1.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SMB);
        assert_int_equal(p.layers[i - 1].proto, PKT_PROTO_NBDGM_DATA);
        assert_string_equal(tu_field(&p, (unsigned)i, "cmd"), "TRANSACTION");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags2"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "wct"), 17);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "bcc"), 28);
        assert_int_equal(p.layers[i].hdr_len, 35 + 34);
        assert_int_equal(p.layers[i + 1].len, 28);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);

        tu_load_frame("suricata-verify/filestore-filecontainer-smb1-data-offset__input.pcap", 102, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SMB);
        assert_int_equal(p.layers[i - 1].proto, PKT_PROTO_NBSS);
        assert_string_equal(tu_field(&p, (unsigned)i, "cmd"), "NT_CREATE_ANDX");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "status"), 0x00050002); /* class 2, code 5 */
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags2") & 0x4000, 0);  /* DOS errors */
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "tid"), 2049);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "pid"), 2752);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "uid"), 2048);
        assert_string_equal(tu_field(&p, (unsigned)i, "signature"), "15fdb2e842f36496");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "wct"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "bcc"), 0);
        pkt_done(&p);

        tu_load_frame("zeek/dce-rpc__mapi.pcap", 511, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SMB);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 0x98);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags2"), 0xc807);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "mid"), 8576);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "wct"), 42);
        assert_int_equal(p.layers[i].hdr_len, 35 + 100);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "bcc"), 26972);
        pkt_done(&p);
}

/* The SMB layer of "tcp/nbss/raw(hex=@hex)" parsed back, with the last @cut bytes not captured. */
static int
smb_in(struct pkt *p, const char *hex, uint32_t cut)
{
        static uint8_t buf[512];
        char spec[1024];

        snprintf(spec, sizeof(spec), "tcp(sport=49152,dport=445)/nbss()/raw(hex=%s)", hex);
        tu_build_parse(spec, PKT_PROTO_TCP, cut, buf, sizeof(buf), p);
        pkt_dissect_all(p);
        return tu_layer_of(p, PKT_PROTO_SMB);
}

/* A CLOSE request's 32 header bytes, then @rest. */
#define CLOSE_HDR "ff534d4204000000001801c80000000000000000000000000108c00a00080700"

/* Word counts past the message are malformed, cut by the capture truncated; a byte count past the
 * segment is neither (the message goes on); the extended response's 50 words only for a response. */
static void
test_smb_hostile_counts(void **state)
{
        struct pkt p;
        int i;

        (void)state;
        i = smb_in(&p, CLOSE_HDR "030040ffffffff0000", 0);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        assert_int_equal(p.layers[i].hdr_len, 35 + 6);
        pkt_done(&p);
        i = smb_in(&p, CLOSE_HDR "090040ffffffff0000", 0); /* nine words, three there */
        assert_true(p.layers[i].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
        i = smb_in(&p, CLOSE_HDR "030040ffffffff0000", 4);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), PKT_LAYER_TRUNCATED);
        pkt_done(&p);
        i = smb_in(&p, CLOSE_HDR "030040ffffffffff00" "4142", 0); /* 255 bytes counted, 2 here */
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        assert_int_equal(p.layers[i + 1].len, 2);
        pkt_done(&p);
        /* NT_CREATE_ANDX with 42 words: a request has 84 bytes of them, a response 100. */
        char words[2 * 100 + 1];
        memset(words, '0', sizeof(words) - 1);
        words[sizeof(words) - 1] = '\0';
        char hex[512];
        snprintf(hex, sizeof(hex), "ff534d42a2000000001801c80000000000000000000000000108c00a00080700" "2a%s0000",
                 words);
        i = smb_in(&p, hex, 0);
        assert_int_equal(p.layers[i].hdr_len, 35 + 84);
        pkt_done(&p);
        snprintf(hex, sizeof(hex), "ff534d42a2000000009801c80000000000000000000000000108c00a00080700" "2a%s0000",
                 words);
        i = smb_in(&p, hex, 0);
        assert_int_equal(p.layers[i].hdr_len, 35 + 100);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);
}

/* Built, the counts follow the words and the bytes; given, they are kept; words of an odd length have no
 * word count. */
static void
test_smb_counts_when_built(void **state)
{
        const uint8_t *d;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        tu_build(&p, "smb(cmd=ECHO,words=0x0100)/raw(hex=abcdef)", &d);
        assert_int_equal(d[32], 1);
        assert_int_equal(d[35] | d[36] << 8, 3);
        pkt_done(&p);
        pkt_init(&p);
        tu_build(&p, "smb(cmd=ECHO,wct=7,bcc=9)/raw(hex=abcdef)", &d);
        assert_int_equal(d[32], 7);
        assert_int_equal(d[33] | d[34] << 8, 9);
        pkt_done(&p);
        pkt_init(&p);
        assert_int_equal(pkt_build(&p, "smb(words=0x010203)", NULL, 0), 0);
        assert_int_equal(pkt_serialize(&p, 0, &d), -ERANGE);
        pkt_done(&p);
}

static void
test_smb_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("tcpdump/eapon1.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("zeek/dce-rpc__mapi.pcap", 511, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("suricata-verify/filestore-filecontainer-smb1-data-offset__input.pcap", 13, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_smb_builds_like_scapy),
                cmocka_unit_test(test_smb_reads_like_tshark),
                cmocka_unit_test(test_smb_hostile_counts),
                cmocka_unit_test(test_smb_counts_when_built),
                cmocka_unit_test(test_smb_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
