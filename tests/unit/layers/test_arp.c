/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (layers/link/arp.c): building against scapy, dissecting corpus captures against tshark,
 * headers with other address sizes, answers, direction, reversing, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0 (the expression is beside each); expected field values from
 * TShark 4.0.17 (`tshark -n -r FILE -T fields -e ...`, run once, values pasted in).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* Why 2048: every frame used here is shorter; a longer one fails the test instead of being cut. */
#define FRAME_MAX 2048

/* Ether(dst="ff:ff:ff:ff:ff:ff",src="00:11:22:33:44:55")/ARP(op=1,hwsrc="00:11:22:33:44:55",
 *   psrc="192.0.2.1",hwdst="00:00:00:00:00:00",pdst="192.0.2.2") */
static const char request_hex[] = "ffffffffffff00112233445508060001080006040001001122334455c0000201"
                                  "000000000000c0000202";
static const char request_spec[] =
        "ethernet(dst=ff:ff:ff:ff:ff:ff,src=00:11:22:33:44:55)/"
        "arp(op=REQUEST,sha=00:11:22:33:44:55,spa=192.0.2.1,tpa=192.0.2.2)";
/* Ether(dst="00:11:22:33:44:55",src="66:77:88:99:aa:bb")/ARP(op=2,hwsrc="66:77:88:99:aa:bb",
 *   psrc="192.0.2.2",hwdst="00:11:22:33:44:55",pdst="192.0.2.1") */
static const char reply_hex[] = "00112233445566778899aabb0806000108000604000266778899aabbc0000202"
                                "001122334455c0000201";
static const char reply_spec[] =
        "ethernet(dst=00:11:22:33:44:55,src=66:77:88:99:aa:bb)/"
        "arp(op=REPLY,sha=66:77:88:99:aa:bb,spa=192.0.2.2,tha=00:11:22:33:44:55,"
        "tpa=192.0.2.1)";

/* Builds @spec into @p and checks the bytes against @want_hex. */
static void
build_checked(struct pkt *p, const char *spec, const char *want_hex)
{
        uint8_t want[FRAME_MAX];
        const uint8_t *d;

        pkt_init(p);
        size_t n = tu_build(p, spec, &d);
        size_t wn = tu_hex(want_hex, want, sizeof(want));
        tu_assert_bytes(d, n, want, wn);
}

static void
test_arp_request_and_reply_build_match_scapy(void **state)
{
        struct pkt p;
        (void)state;

        build_checked(&p, request_spec, request_hex);
        pkt_done(&p);
        build_checked(&p, reply_spec, reply_hex);
        pkt_done(&p);
}

static void
test_arp_default_header_is_ethernet_ipv4_request(void **state)
{
        const uint8_t *d;
        struct pkt p;
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, "arp", &d);
        assert_int_equal(n, 28);
        assert_memory_equal(d, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
        pkt_done(&p);
}

static void
test_arp_corpus_request_matches_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        (void)state;

        /* tshark -e arp.hw.type -e arp.proto.type -e arp.hw.size -e arp.proto.size -e arp.opcode
         *   -e arp.src.hw_mac -e arp.src.proto_ipv4 -e arp.dst.hw_mac -e arp.dst.proto_ipv4:
         *   1 0x0800 6 4 1 98:90:96:a0:44:ea 192.168.169.4 00:00:00:00:00:00 0.0.0.0 */
        tu_load_frame("suricata-verify/decode-arp-1__input.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_ARP);
        assert_int_equal(tu_field_u64(&p, 1, "hrd"), 1);
        assert_int_equal(tu_field_u64(&p, 1, "pro"), 0x0800);
        assert_int_equal(tu_field_u64(&p, 1, "hln"), 6);
        assert_int_equal(tu_field_u64(&p, 1, "pln"), 4);
        assert_string_equal(tu_field(&p, 1, "op"), "REQUEST");
        assert_string_equal(tu_field(&p, 1, "sha"), "98:90:96:a0:44:ea");
        assert_string_equal(tu_field(&p, 1, "spa"), "192.168.169.4");
        assert_string_equal(tu_field(&p, 1, "tha"), "00:00:00:00:00:00");
        assert_string_equal(tu_field(&p, 1, "tpa"), "0.0.0.0");
        assert_int_equal(p.layers[1].hdr_len, 28);
        assert_int_equal(p.layers[1].flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED), 0);
}

static void
test_arp_corpus_qinq_reply_answers_request(void **state)
{
        struct tu_frame f1, f2;
        struct pkt req, rep;
        (void)state;

        /* tshark -e arp.opcode -e arp.src.proto_ipv4 -e arp.dst.proto_ipv4:
         *   1: 1 172.21.79.97 172.21.79.100    2: 2 172.21.79.100 172.21.79.97 */
        tu_load_frame("tcpdump/802.1ad_QinQ.pcap", 1, &f1);
        tu_load_frame("tcpdump/802.1ad_QinQ.pcap", 2, &f2);
        tu_parse_frame(&req, &f1);
        tu_parse_frame(&rep, &f2);
        assert_int_equal(req.layers[3].proto, PKT_PROTO_ARP);
        assert_string_equal(tu_field(&req, 3, "spa"), "172.21.79.97");
        assert_string_equal(tu_field(&req, 3, "tpa"), "172.21.79.100");
        assert_string_equal(tu_field(&rep, 3, "op"), "REPLY");
        assert_string_equal(tu_field(&rep, 3, "spa"), "172.21.79.100");
        assert_string_equal(tu_field(&rep, 3, "tha"), "00:20:d2:5a:fb:3f");
        assert_true(pkt_answers(&req, &rep));
        assert_false(pkt_answers(&rep, &req));
        assert_int_equal(pkt_direction(&req, &rep) & PKT_DIR_REV, PKT_DIR_REV);
}

static void
test_arp_reply_answers_only_its_request(void **state)
{
        struct pkt req, rep, other;
        const uint8_t *d;
        (void)state;

        build_checked(&req, request_spec, request_hex);
        build_checked(&rep, reply_spec, reply_hex);
        assert_true(pkt_answers(&req, &rep));
        /* A request answers no request; a reply about another address answers nothing. */
        assert_false(pkt_answers(&req, &req));
        pkt_init(&other);
        tu_build(&other,
                 "ethernet(dst=00:11:22:33:44:55,src=66:77:88:99:aa:bb)/"
                 "arp(op=REPLY,sha=66:77:88:99:aa:bb,spa=192.0.2.3,tha=00:11:22:33:44:55,tpa=192.0."
                 "2.1)",
                 &d);
        assert_false(pkt_answers(&req, &other));
        pkt_done(&req);
        pkt_done(&rep);
        pkt_done(&other);
}

/* A 42-byte ARP message in a frame padded to 60 bytes (RFC 894's minimum): the 18 bytes after it are
 * the Ethernet frame's padding, as tshark (eth.padding) and pypacker have them, not ARP's payload; the
 * frame serialises as it came, padding included. The general form (other address sizes) ends with its
 * addresses too. */
static void
test_arp_padding_belongs_to_the_ethernet_frame(void **state)
{
        uint8_t frame[60] = { 0 };
        size_t n, tn;
        struct pkt p;

        (void)state;
        n = tu_hex(request_hex, frame, sizeof(frame));
        assert_int_equal(n, 42);
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, frame, sizeof(frame), sizeof(frame)), 0);
        assert_int_equal(pkt_dissect_all(&p), 2);
        const struct pkt_layer *arp = pkt_layer(&p, 1);
        assert_int_equal(arp->proto, PKT_PROTO_ARP);
        assert_int_equal(arp->len, 28);
        assert_int_equal(arp->len - arp->hdr_len, 0);
        const uint8_t *t = pkt_layer_trailer(&p, 0, &tn);
        assert_int_equal(tn, 18);
        assert_ptr_equal(t, frame + 42);
        const uint8_t *out;
        assert_int_equal(pkt_serialize(&p, 0, &out), (int)sizeof(frame));
        assert_memory_equal(out, frame, sizeof(frame));
        pkt_done(&p);

        /* hln 8, pln 2: 8 fixed bytes and 20 of addresses, then 4 of padding */
        static const uint8_t odd[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x06,
                                       0, 1, 0x08, 0, 8, 2, 0, 1 };
        uint8_t big[14 + 8 + 20 + 4] = { 0 };
        memcpy(big, odd, sizeof(odd));
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, big, sizeof(big), sizeof(big)), 0);
        pkt_dissect_all(&p);
        assert_int_equal(pkt_layer(&p, 1)->len, 28);
        t = pkt_layer_trailer(&p, 0, &tn);
        assert_int_equal(tn, 4);
        pkt_done(&p);
}

static void
test_arp_rarp_reply_answers_by_target_hardware_address(void **state)
{
        struct pkt req, rep;
        const uint8_t *d;
        (void)state;

        /* RFC 903: "who am I" names the asker in tha; the reply carries the same tha. */
        pkt_init(&req);
        pkt_init(&rep);
        tu_build(&req,
                 "ethernet(type=0x8035)/"
                 "arp(op=REVREQUEST,sha=00:11:22:33:44:55,tha=00:11:22:33:44:55)",
                 &d);
        tu_build(&rep,
                 "ethernet(type=0x8035)/arp(op=REVREPLY,sha=66:77:88:99:aa:bb,spa=192.0.2.9,"
                 "tha=00:11:22:33:44:55,tpa=192.0.2.1)",
                 &d);
        assert_true(pkt_answers(&req, &rep));
        assert_int_equal(pkt_field_set_str(&rep, 1, "tha", "00:11:22:33:44:66"), 0);
        assert_false(pkt_answers(&req, &rep));
        pkt_done(&req);
        pkt_done(&rep);
}

static void
test_arp_direction_compares_protocol_addresses(void **state)
{
        struct pkt req, rep, again;
        (void)state;

        build_checked(&req, request_spec, request_hex);
        build_checked(&rep, reply_spec, reply_hex);
        build_checked(&again, request_spec, request_hex);
        assert_int_equal(pkt_direction(&req, &again), PKT_DIR_SAME);
        /* Ethernet has the reply coming back to the requester (its destination was broadcast). */
        assert_int_equal(pkt_direction(&req, &rep), PKT_DIR_REV);
        pkt_done(&req);
        pkt_done(&rep);
        pkt_done(&again);
}

static void
test_arp_reverse_swaps_sender_and_target(void **state)
{
        struct pkt p;
        (void)state;

        build_checked(&p, reply_spec, reply_hex);
        assert_int_equal(pkt_reverse_address(&p), 0);
        assert_string_equal(tu_field(&p, 1, "sha"), "00:11:22:33:44:55");
        assert_string_equal(tu_field(&p, 1, "spa"), "192.0.2.1");
        assert_string_equal(tu_field(&p, 1, "tha"), "66:77:88:99:aa:bb");
        assert_string_equal(tu_field(&p, 1, "tpa"), "192.0.2.2");
        assert_string_equal(tu_field(&p, 1, "op"), "REPLY");
        pkt_done(&p);
}

static void
test_arp_other_address_sizes_are_not_misread(void **state)
{
        uint8_t f[128];
        struct pkt p;
        const uint8_t *b;
        size_t len;
        (void)state;

        /* hln 6, pln 16 (an IPv6-sized protocol address): 8 + 2 * 22 = 52 bytes. */
        size_t n = tu_hex("0001 86dd 06 10 0001 001122334455 20010db8000000000000000000000001"
                          "000000000000 20010db8000000000000000000000002",
                          f, sizeof(f));
        assert_int_equal(n, 52);
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ARP, f, n, n), 0);
        assert_int_equal(pkt_dissect_all(&p), 2);
        assert_int_equal(p.layers[0].hdr_len, 8);
        assert_int_equal(p.layers[0].flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED), 0);
        assert_int_equal(tu_field_u64(&p, 0, "pln"), 16);
        assert_int_equal(pkt_field_get_bytes(&p, 0, "sha", &b, &len), -ENODATA);
        assert_int_equal(pkt_field_get_bytes(&p, 0, "tpa", &b, &len), -ENODATA);
        /* The addresses are kept, as raw bytes. */
        assert_int_equal(p.layers[1].proto, PKT_PROTO_RAW);
        assert_int_equal(p.layers[1].len, 44);

        /* Addresses running past the frame's end make the header malformed. */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ARP, f, 40, 40), 0);
        pkt_dissect_all(&p);
        assert_true(p.layers[0].flags & PKT_LAYER_MALFORMED);
}

static void
test_arp_corpus_zero_sized_addresses_are_not_misread(void **state)
{
        struct tu_frame f;
        struct pkt p;
        const uint8_t *b;
        size_t len;
        (void)state;

        /* tshark -e eth.type -e arp.hw.type -e arp.proto.type -e arp.hw.size -e arp.proto.size
         *   -e arp.opcode -e frame.cap_len:  0x8035 65280 0x8b01 0 0 4 22 (frame.len 65570) */
        tu_load_frame("tcpdump/getname_2_read4_asan.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_ARP);
        assert_int_equal(tu_field_u64(&p, 1, "hrd"), 65280);
        assert_int_equal(tu_field_u64(&p, 1, "pro"), 0x8b01);
        assert_int_equal(tu_field_u64(&p, 1, "hln"), 0);
        assert_int_equal(tu_field_u64(&p, 1, "pln"), 0);
        assert_int_equal(tu_field_u64(&p, 1, "op"), 4);
        assert_int_equal(pkt_field_get_bytes(&p, 1, "sha", &b, &len), -ENODATA);
        assert_int_equal(pkt_field_get_bytes(&p, 1, "spa", &b, &len), -ENODATA);
        /* The whole 8-byte header was captured: nothing is cut, whatever the reported length. */
        assert_int_equal(p.layers[1].hdr_len, 8);
        assert_int_equal(p.layers[1].flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED), 0);
}

/* Every prefix of @f parses: nothing crashes or claims bytes past the prefix; an ARP header (of
 * @hdr_len bytes in the whole frame) that the prefix cuts is flagged. */
static void
sweep_prefixes(const struct tu_frame *f, unsigned arp_idx, uint32_t hdr_len)
{
        struct pkt p;

        for (uint32_t n = 0; n <= f->caplen; n++) {
                pkt_init(&p);
                assert_int_equal(pkt_parse_dlt(&p, f->dlt, f->data, n, f->wire_len), 0);
                unsigned count = pkt_dissect_all(&p);
                for (unsigned i = 0; i < count; i++)
                        assert_true(p.layers[i].off + p.layers[i].len <= n);
                const struct pkt_layer *l = count > arp_idx ? &p.layers[arp_idx] : NULL;
                if (l && l->proto == PKT_PROTO_ARP && l->off + hdr_len > n)
                        assert_true(l->flags & PKT_LAYER_TRUNCATED);
                else if (l && l->proto == PKT_PROTO_ARP)
                        assert_int_equal(l->hdr_len, hdr_len);
                assert_int_equal(pkt_print(&p, tu_discard, NULL), 0);
                (void)pkt_answers(&p, &p);
                (void)pkt_direction(&p, &p);
                pkt_done(&p);
        }
}

static void
test_arp_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;
        (void)state;

        tu_load_frame("suricata-verify/decode-arp-1__input.pcap", 1, &f);
        sweep_prefixes(&f, 1, 28);
        tu_load_frame("tcpdump/802.1ad_QinQ.pcap", 2, &f);
        sweep_prefixes(&f, 3, 28);
        tu_load_frame("pcap4j/LinuxSllPacketTest.pcap", 1, &f);
        sweep_prefixes(&f, 1, 28);
        tu_load_frame("tcpdump/getname_2_read4_asan.pcap", 1, &f);
        sweep_prefixes(&f, 1, 8);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_arp_request_and_reply_build_match_scapy),
                cmocka_unit_test(test_arp_default_header_is_ethernet_ipv4_request),
                cmocka_unit_test(test_arp_corpus_request_matches_tshark),
                cmocka_unit_test(test_arp_corpus_qinq_reply_answers_request),
                cmocka_unit_test(test_arp_reply_answers_only_its_request),
                cmocka_unit_test(test_arp_rarp_reply_answers_by_target_hardware_address),
                cmocka_unit_test(test_arp_padding_belongs_to_the_ethernet_frame),
                cmocka_unit_test(test_arp_direction_compares_protocol_addresses),
                cmocka_unit_test(test_arp_reverse_swaps_sender_and_target),
                cmocka_unit_test(test_arp_other_address_sizes_are_not_misread),
                cmocka_unit_test(test_arp_corpus_zero_sized_addresses_are_not_misread),
                cmocka_unit_test(test_arp_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
