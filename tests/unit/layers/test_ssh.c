/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SSH's transport (layers/app/ssh.c): the identification line, KEXINIT, NEWKEYS, the other packets in
 * clear and the encrypted ones, which the dispatch hook of "ssh" tells apart. Dissecting a whole
 * session's start against tshark, building its packets back byte for byte from tshark's values, several
 * packets in a segment, the heuristic on other ports, hostile packets, and every prefix of real frames.
 *
 * Expected values from TShark 4.0.17 (`tshark -V -r zeek/ssh__ssh.pcap` and `-T fields -e ssh.*`, run
 * once, values pasted in). scapy has no SSH layer: the bytes built are the capture's own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

#define SESSION "zeek/ssh__ssh.pcap"
#define TCP_PAYLOAD_AT (14 + 20 + 32) /* Ethernet, IPv4, TCP with timestamps */

#define KEX "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256," \
            "diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1,diffie-hellman-group1-sha1"
#define HOST_KEYS                                                                                            \
        "ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,"                \
        "ecdsa-sha2-nistp521-cert-v01@openssh.com,ssh-rsa-cert-v01@openssh.com,ssh-dss-cert-v01@openssh.com," \
        "ssh-rsa-cert-v00@openssh.com,ssh-dss-cert-v00@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"  \
        "ecdsa-sha2-nistp521,ssh-rsa,ssh-dss"
#define CIPHERS                                                                                              \
        "aes128-ctr,aes192-ctr,aes256-ctr,arcfour256,arcfour128,aes128-cbc,3des-cbc,blowfish-cbc,cast128-cbc," \
        "aes192-cbc,aes256-cbc,arcfour,rijndael-cbc@lysator.liu.se"
#define MACS                                                                                                 \
        "hmac-md5,hmac-sha1,umac-64@openssh.com,hmac-sha2-256,hmac-sha2-256-96,hmac-sha2-512,hmac-sha2-512-96," \
        "hmac-ripemd160,hmac-ripemd160@openssh.com,hmac-sha1-96,hmac-md5-96"
#define COMPRESSION "zlib@openssh.com,zlib,none"

/* Frame @no's TCP payload built back from @spec, byte for byte. */
static void
assert_builds_frame(const char *spec, unsigned no)
{
        const uint8_t *built;
        struct tu_frame f;
        struct pkt p;

        tu_load_frame(SESSION, no, &f);
        size_t n = tu_build(&p, spec, &built);
        tu_assert_bytes(built, n, f.data + TCP_PAYLOAD_AT, f.caplen - TCP_PAYLOAD_AT);
        pkt_done(&p);
}

/* tshark: frame 4, ssh.protocol "SSH-2.0-OpenSSH_5.8"; frame 8, the client's KEXINIT (packet_length
 * 1268, padding_length 8, cookie f9e69dfbaaed4f02985223033f934f6c, kex_algorithms_length 183, ...,
 * languages empty, first_kex_packet_follows 0, reserved 00000000, padding_string of 8 zeros); frame
 * 12, ECDH init (message_code 30, packet_length 76, padding_length 5, padding_string 0000000000); frame 13, the ECDH reply
 * (31, 292, 9) and NEWKEYS (21, 12, 10) in one segment; frame 17, encrypted (48 bytes). */
static void
test_session_start_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame(SESSION, 4, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SSH_BANNER);
        assert_string_equal(tu_field(&p, (unsigned)i, "protocol"), "SSH-2.0-OpenSSH_5.8");
        assert_string_equal(tu_field(&p, (unsigned)i, "line_end"), "\\r\\n");
        assert_int_equal(p.n_layers, (unsigned)i + 1);
        pkt_done(&p);

        tu_load_frame(SESSION, 8, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SSH_KEXINIT);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "packet_length"), 1268);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "padding_length"), 8);
        assert_string_equal(tu_field(&p, (unsigned)i, "msg_code"), "KEXINIT");
        assert_string_equal(tu_field(&p, (unsigned)i, "cookie"), "f9e69dfbaaed4f02985223033f934f6c");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "kex_algorithms_length"), 183);
        assert_string_equal(tu_field(&p, (unsigned)i, "kex_algorithms"), KEX);
        assert_string_equal(tu_field(&p, (unsigned)i, "server_host_key_algorithms"), HOST_KEYS);
        assert_string_equal(tu_field(&p, (unsigned)i, "mac_algorithms_server_to_client"), MACS);
        assert_string_equal(tu_field(&p, (unsigned)i, "compression_algorithms_client_to_server"), COMPRESSION);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "languages_server_to_client_length"), 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "languages_server_to_client"), "");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "first_kex_packet_follows"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "reserved"), 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "padding_string"), "0000000000000000");
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);

        tu_load_frame(SESSION, 12, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SSH);
        assert_string_equal(tu_field(&p, (unsigned)i, "msg_code"), "KEXDH_INIT");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "packet_length"), 76);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "padding_length"), 5);
        /* The payload stops where the padding_length bytes of padding start. */
        assert_int_equal(strlen(tu_field(&p, (unsigned)i, "payload")), 2 * (76 - 5 - 2));
        assert_string_equal(tu_field(&p, (unsigned)i, "padding_string"), "0000000000");
        pkt_done(&p);

        /* Two packets, two layers. */
        tu_load_frame(SESSION, 13, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SSH);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "msg_code"), 31);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "packet_length"), 292);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "padding_length"), 9);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_SSH_NEWKEYS);
        assert_int_equal(tu_field_u64(&p, (unsigned)i + 1, "packet_length"), 12);
        assert_int_equal(tu_field_u64(&p, (unsigned)i + 1, "padding_length"), 10);
        assert_int_equal(p.n_layers, (unsigned)i + 2);
        pkt_done(&p);

        tu_load_frame(SESSION, 17, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_SSH_ENCRYPTED);
        assert_int_equal(p.layers[i].hdr_len, 48);
        pkt_done(&p);
}

/* The capture's identification line, KEXINIT, ECDH init and NEWKEYS, built from their values alone: the
 * lengths and the padding (zeros, to a multiple of 8 with 4 bytes at least) come out as OpenSSH sent
 * them. */
static void
test_session_start_builds_back(void **state)
{
        (void)state;
        assert_builds_frame("sshbanner(protocol=\"SSH-2.0-OpenSSH_5.8\")", 4);
        assert_builds_frame("sshkexinit(cookie=f9e69dfbaaed4f02985223033f934f6c,kex_algorithms=\"" KEX "\","
                            "server_host_key_algorithms=\"" HOST_KEYS "\","
                            "encryption_algorithms_client_to_server=\"" CIPHERS "\","
                            "encryption_algorithms_server_to_client=\"" CIPHERS "\","
                            "mac_algorithms_client_to_server=\"" MACS "\",mac_algorithms_server_to_client=\"" MACS "\","
                            "compression_algorithms_client_to_server=\"" COMPRESSION "\","
                            "compression_algorithms_server_to_client=\"" COMPRESSION "\")",
                            8);
        assert_builds_frame("ssh(msg_code=KEXDH_INIT,payload=00000041041bf86aec03b54c8a1340af03fbb37e1566a21f484376a0"
                            "eef1a716af7c23c60e9566d55327f7496a0b465acfa1403d1f5063f17fa6798b14372fe151893aa655)",
                            12);
        assert_builds_frame("sshnewkeys()", 15);
        /* A line end given (a bare LF) is kept; padding given is counted as it is. */
        tu_assert_builds("sshbanner(protocol=\"SSH-1.99-x\",line_end=\"\\n\")", "5353482d312e39392d780a");
        tu_assert_builds("sshnewkeys(padding_string=00000000)", "000000060415" "00000000");
}

/* On a port nobody registered, a segment that starts with an identification line is SSH (then the
 * session's later segments there stay raw: a packet view has no connection); on port 22 a segment
 * whose lengths are no packet in clear is an encrypted one, and one that starts "SSH-" the line. */
static void
test_forms_and_ports(void **state)
{
        uint8_t buf[256];
        struct pkt p;

        (void)state;
        tu_build_parse("tcp(sport=40022,dport=50000)/raw(\"SSH-2.0-libssh_0.9\\r\\n\")", PKT_PROTO_TCP, 0, buf,
                       sizeof(buf), &p);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_SSH_BANNER), 1);
        pkt_done(&p);
        tu_build_parse("tcp(sport=40022,dport=50000)/raw(hex=0000000c0a1500000000000000000000)", PKT_PROTO_TCP, 0,
                       buf, sizeof(buf), &p);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_SSH_NEWKEYS, 0), -ENOENT);
        pkt_done(&p);
        /* Padding under 4 bytes, a length not in blocks, a length past the segment: encrypted. */
        static const char *const not_clear[] = { "000000080514000000000000", "0000000d0a150000000000000000000000",
                                                  "0000010c0a1500000000000000000000" };
        for (unsigned k = 0; k < sizeof(not_clear) / sizeof(not_clear[0]); k++) {
                char spec[128];
                snprintf(spec, sizeof(spec), "tcp(sport=22,dport=50000)/raw(hex=%s)", not_clear[k]);
                tu_build_parse(spec, PKT_PROTO_TCP, 0, buf, sizeof(buf), &p);
                assert_int_equal(tu_layer_of(&p, PKT_PROTO_SSH_ENCRYPTED), 1);
                pkt_done(&p);
        }
        /* NEWKEYS and what follows it in the segment. */
        tu_build_parse("tcp(sport=22,dport=50000)/raw(hex=0000000c0a1500000000000000000000" "8db167250bb654ca)",
                       PKT_PROTO_TCP, 0, buf, sizeof(buf), &p);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_SSH_NEWKEYS), 1);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_SSH_ENCRYPTED), 2);
        assert_string_equal(tu_field(&p, 2, "encrypted_packet"), "8db167250bb654ca");
        pkt_done(&p);
}

static uint16_t
ssh_flags(const char *hex, uint32_t cut, unsigned proto)
{
        unsigned no_elems;

        return tu_flags_in("ip(src=192.0.2.1,dst=192.0.2.2)/tcp(sport=50000,dport=22)", hex, PKT_PROTO_IP, cut, proto,
                           NULL, &no_elems);
}

/* A KEXINIT whose name-lists run past its padding is malformed; one the capture cuts is truncated; an
 * identification line the capture cuts is truncated, one the segment ends in is not. */
static void
test_hostile_packets_are_flagged(void **state)
{
        /* KEXINIT of 68 bytes: cookie, ten empty name-lists, the flag, reserved, 5 of padding. */
        static const char kexinit[] = "000000440514" "00112233445566778899aabbccddeeff"
                                      "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
                                      "00" "00000000" "0000000000";

        (void)state;
        assert_int_equal(ssh_flags(kexinit, 0, PKT_PROTO_SSH_KEXINIT), 0);
        char bad[sizeof(kexinit)];
        memcpy(bad, kexinit, sizeof(kexinit));
        memcpy(bad + 12 + 32, "00000030", 8); /* the first name-list claims 48 bytes */
        assert_true(ssh_flags(bad, 0, PKT_PROTO_SSH_KEXINIT) & PKT_LAYER_MALFORMED);
        assert_int_equal(ssh_flags(kexinit, 10, PKT_PROTO_SSH_KEXINIT) & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
        assert_int_equal(ssh_flags("5353482d322e302d780d0a", 4, PKT_PROTO_SSH_BANNER) &
                                 (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
        assert_int_equal(ssh_flags("5353482d322e302d78", 0, PKT_PROTO_SSH_BANNER), 0);

        /* Dissected as a form from the start, no dispatch to check the lengths first: a length past the
         * segment (the largest there is), or padding longer than the packet, is malformed. ("ssh" itself
         * dispatches: such bytes are an encrypted packet.) */
        static const uint8_t lying_len[] = { 0xff, 0xff, 0xff, 0xff, 4, 20, 0, 0 };
        static const uint8_t lying_pad[] = { 0, 0, 0, 4, 9, 21, 0, 0 };
        const uint8_t *const lies[] = { lying_len, lying_pad };
        const unsigned forms[] = { PKT_PROTO_SSH_KEXINIT, PKT_PROTO_SSH_NEWKEYS };
        for (unsigned k = 0; k < 2; k++)
                for (unsigned j = 0; j < 2; j++) {
                        struct pkt p;
                        unsigned n;
                        pkt_init(&p);
                        assert_int_equal(pkt_parse(&p, forms[j], lies[k], 8, 8), 0);
                        assert_non_null(pkt_layer(&p, 0));
                        assert_true(tu_flags_done(&p, 0, NULL, &n) & PKT_LAYER_MALFORMED);
                }
}

static void
test_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        for (unsigned no = 4; no <= 17; no++) {
                tu_load_frame(SESSION, no, &f);
                tu_sweep_prefixes(&f);
        }
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_session_start_reads_like_tshark),
                cmocka_unit_test(test_session_start_builds_back),
                cmocka_unit_test(test_forms_and_ports),
                cmocka_unit_test(test_hostile_packets_are_flagged),
                cmocka_unit_test(test_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
