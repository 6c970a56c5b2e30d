/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ISAKMP, IKEv1 and IKEv2 (layers/app/isakmp.c) and UDP encapsulation of IPsec (layers/net/udpencap.c):
 * building against scapy, dissecting corpus captures against tshark, the payload chain followed and
 * linked, proposals and transforms, hostile messages, answers, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0 (scapy.contrib.ikev2, scapy.layers.isakmp; the expression is
 * beside each, and in tests/oracle/scapy_cases_ipsec.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -T fields -E occurrence=a -e isakmp.typepayload -e isakmp.payloadlength ...`,
 * run once, values pasted in).
 */
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

#define SPI_I "0102030405060708"
#define NO_SPI "0000000000000000"

static void
test_isakmp_builds_like_scapy(void **state)
{
        (void)state;
        /* IKEv2(init_SPI=..., next_payload=33, exch_type=34, flags="Initiator")
         * /IKEv2_payload_SA(next_payload=34, prop=Raw(...))/IKEv2_payload_KE(next_payload=40, group=19, load=...)
         * /IKEv2_payload_Nonce(load=...): scapy links nothing, so its chain is given; ours follows the types. */
        tu_assert_builds("isakmp(init_cookie=" SPI_I ",payloads=[SA(proposal_data=0000002c01010004),"
                         "KE(dh_group=19,ke_data=aabbccdd),Nonce(nonce=00112233)])",
                         SPI_I NO_SPI "21202208" "00000000" "0000003c"
                         "2200000c" "0000002c01010004" "2800000c" "00130000aabbccdd" "00000008" "00112233");
        /* ISAKMP(init_cookie=..., next_payload=1, exch_type=2)/ISAKMP_payload_SA(next_payload=13, prop=Raw(...))
         * /ISAKMP_payload_VendorID(load=...) */
        tu_assert_builds("isakmp(init_cookie=a1a2a3a4a5a6a7a8,version=0x10,exch_type=Main-Mode,flags=0,"
                         "payloads=[SAv1(doi=1,situation=1,proposal_data=0000002401010001),"
                         "VID(vendor_id=4a131c81070358455c5728f20e95452f)])",
                         "a1a2a3a4a5a6a7a8" NO_SPI "01100200" "00000000" "00000044"
                         "0d000014" "00000001" "00000001" "0000002401010001"
                         "00000014" "4a131c81070358455c5728f20e95452f");
        /* NON_ESP() before the message; a NAT-keepalive's one byte (RFC 3948 2.2, 2.3) */
        tu_assert_builds("udpencap()/isakmp(init_cookie=" SPI_I ")",
                         "00000000" SPI_I NO_SPI "00202208" "00000000" "0000001c");
        tu_assert_builds("udpencap(marker=ff)", "ff");
        /* A notification's SPI size follows its SPI; the payload length counts header, SPI and data. */
        tu_assert_builds("isakmp(payloads=[Notify(protocol_id=ESP,notify_type=INVALID_SPI,spi=c0a80001)])",
                         NO_SPI NO_SPI "29202208" "00000000" "00000028" "0000000c" "0304000b" "c0a80001");
}

/* The JSON form writes each payload's next payload and no type: "payload(...)" takes the type the chain
 * names, and adds nothing to it. */
static void
test_isakmp_payload_without_type_follows_the_chain(void **state)
{
        const uint8_t *d;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_true(pkt_push(&p, PKT_PROTO_UDP) == 0 && pkt_push(&p, PKT_PROTO_ISAKMP) == 1);
        assert_int_equal(pkt_field_set_str(&p, 1, "next_payload", "Notify"), 0);
        assert_int_equal(pkt_elem_add(&p, 1, "payloads", "payload(next_payload=Vendor,notify_type=COOKIE,"
                                                         "notification_data=abcd)"), 0);
        assert_int_equal(pkt_elem_add(&p, 1, "payloads", "payload(next_payload=0,vendor_id=00ff)"), 0);
        assert_int_equal(pkt_serialize(&p, 0, &d), 8 + 28 + 10 + 6);
        uint8_t want[64];
        size_t n = tu_hex(NO_SPI NO_SPI "29202208" "00000000" "0000002c" "2b00000a" "00004006abcd" "0000000600ff",
                          want, sizeof(want));
        tu_assert_bytes(d + 8, 28 + 10 + 6, want, n);
        assert_string_equal(tu_elem_str(&p, 1, "payloads", 0, "notify_type"), "COOKIE");
        assert_string_equal(tu_elem_str(&p, 1, "payloads", 1, "vendor_id"), "00ff");
        /* Proposals and transforms are listed from inside the SA payload: adding one adds no bytes. */
        assert_int_equal(pkt_elem_add(&p, 1, "proposals", "proposal(proposal_num=1)"), 0);
        assert_int_equal(pkt_serialize(&p, 0, &d), 8 + 28 + 10 + 6);
        pkt_done(&p);
}

/* The lengths of the elements of @set of layer @i, in order, are @want (@n). */
static void
assert_lengths(struct pkt *p, int i, const char *set, const unsigned *want, unsigned n)
{
        for (unsigned k = 0; k < n; k++) {
                char text[16];
                snprintf(text, sizeof(text), "%u", want[k]);
                assert_string_equal(tu_elem_str(p, i, set, k, "length"), text);
        }
}

/* scapy's ikev2_nat_t frame 1: IKE_SA_INIT on UDP 4500 after the non-ESP marker (tshark:
 * udpencap.non_esp_marker; isakmp.ispi 89922c915f35570e, exchangetype 34, flags 0x08, length 300,
 * typepayload 33,2,3,3,3,34,40,43,43,43,43,41,41,41, payloadlength 40,36,12,8,8,72,44,20,20,24,20,8,8,16,
 * dh_group 19, notify.msgtype 16430,16406,16431, prop.number 1, tf.type 1,2,4, tf.id.encr 20). */
static void
test_isakmp_reads_ikev2_sa_init_like_tshark(void **state)
{
        static const unsigned payload_len[] = { 40, 72, 44, 20, 20, 24, 20, 8, 8, 16 };
        static const unsigned transform_len[] = { 12, 8, 8 };
        struct tu_frame f;
        struct pkt p;
        uint16_t flags;

        (void)state;
        tu_load_frame("scapy/ikev2_nat_t.pcapng", 1, &f);
        tu_parse_frame(&p, &f);
        int u = tu_layer_of(&p, PKT_PROTO_UDPENCAP), i = tu_layer_of(&p, PKT_PROTO_ISAKMP);
        assert_true(u > 0 && i == u + 1);
        assert_string_equal(tu_field(&p, (unsigned)u, "marker"), "00000000");
        assert_string_equal(tu_field(&p, (unsigned)i, "init_cookie"), "89922c915f35570e");
        assert_string_equal(tu_field(&p, (unsigned)i, "exch_type"), "IKE_SA_INIT");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 0x08);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "length"), 300);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "major"), 2);
        assert_int_equal(tu_elem_count(&p, i, "payloads", &flags), (sizeof(payload_len) / sizeof(payload_len[0])));
        assert_int_equal(flags, 0);
        assert_lengths(&p, i, "payloads", payload_len, sizeof(payload_len) / sizeof(payload_len[0]));
        assert_string_equal(tu_elem_str(&p, i, "payloads", 1, "dh_group"), "19");
        assert_string_equal(tu_elem_str(&p, i, "payloads", 7, "notify_type"), "IKEV2_FRAGMENTATION_SUPPORTED");
        assert_string_equal(tu_elem_str(&p, i, "payloads", 8, "notify_type"), "REDIRECT_SUPPORTED");
        assert_string_equal(tu_elem_str(&p, i, "payloads", 9, "notify_type"), "SIGNATURE_HASH_ALGORITHMS");
        assert_string_equal(tu_elem_str(&p, i, "payloads", 9, "notification_data"), "0001000200030004");
        assert_int_equal(tu_elem_count(&p, i, "proposals", &flags), 1);
        assert_string_equal(tu_elem_str(&p, i, "proposals", 0, "proposal_num"), "1");
        assert_string_equal(tu_elem_str(&p, i, "proposals", 0, "length"), "36");
        assert_string_equal(tu_elem_str(&p, i, "proposals", 0, "num_transforms"), "3");
        assert_int_equal(tu_elem_count(&p, i, "transforms", &flags), 3);
        assert_lengths(&p, i, "transforms", transform_len, sizeof(transform_len) / sizeof(transform_len[0]));
        assert_string_equal(tu_elem_str(&p, i, "transforms", 0, "transform_type"), "ENCR");
        assert_string_equal(tu_elem_str(&p, i, "transforms", 0, "transform_id"), "20");
        assert_string_equal(tu_elem_str(&p, i, "transforms", 2, "transform_type"), "DH");
        assert_int_equal(p.n_layers, (unsigned)i + 1);
        assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        pkt_done(&p);
}

/* tcpdump's ISAKMP_sa_setup frame 1: IKEv1 Main Mode (tshark: exchangetype 2, length 148, typepayload
 * 1,2,3,13,13,13, payloadlength 60,48,40,20,20,20, sa.doi 1, trans.number 1, trans.id 1, vid_bytes
 * 439b59f8..., 7d9419a6..., 90cb8091...). */
static void
test_isakmp_reads_ikev1_main_mode_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        uint16_t flags;

        (void)state;
        tu_load_frame("tcpdump/ISAKMP_sa_setup.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int i = tu_layer_of(&p, PKT_PROTO_ISAKMP);
        assert_true(i > 0);
        assert_string_equal(tu_field(&p, (unsigned)i, "init_cookie"), "cf02326f14a95b93");
        assert_string_equal(tu_field(&p, (unsigned)i, "exch_type"), "Main-Mode");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "major"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "length"), 148);
        assert_int_equal(tu_elem_count(&p, i, "payloads", &flags), 4);
        assert_int_equal(flags, 0);
        assert_string_equal(tu_elem_str(&p, i, "payloads", 0, "length"), "60");
        assert_string_equal(tu_elem_str(&p, i, "payloads", 0, "doi"), "1");
        assert_string_equal(tu_elem_str(&p, i, "payloads", 1, "vendor_id"), "439b59f8ba676c4c7737ae22eab8f582");
        assert_string_equal(tu_elem_str(&p, i, "payloads", 3, "vendor_id"), "90cb80913ebb696e086381b5ec427b1f");
        assert_string_equal(tu_elem_str(&p, i, "proposals", 0, "length"), "48");
        assert_string_equal(tu_elem_str(&p, i, "transforms", 0, "length"), "40");
        assert_string_equal(tu_elem_str(&p, i, "transforms", 0, "transform_num"), "1");
        assert_string_equal(tu_elem_str(&p, i, "transforms", 0, "transform_id"), "1");
        pkt_done(&p);
}

/* tcpdump's isakmp4500: UDP 4500 carries ESP without a marker (frame 12, tshark esp.spi 0xf4dc0ae5), a
 * NAT-keepalive (frame 18, udpencap.nat_keepalive) and IKEv1 messages whose E flag encrypts all after
 * the header (frame 7, isakmp.flags 0x01): those bytes are the layer's payload, raw. */
static void
test_udpencap_reads_esp_keepalive_and_encrypted_ikev1(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int u, i;

        (void)state;
        tu_load_frame("tcpdump/isakmp4500.pcap", 12, &f);
        tu_parse_frame(&p, &f);
        u = tu_layer_of(&p, PKT_PROTO_UDPENCAP);
        assert_true(u > 0);
        assert_int_equal(p.layers[u].hdr_len, 0);
        assert_int_equal(p.layers[u + 1].proto, PKT_PROTO_ESP);
        assert_string_equal(tu_field(&p, (unsigned)u + 1, "spi"), "0xf4dc0ae5");
        pkt_done(&p);

        tu_load_frame("tcpdump/isakmp4500.pcap", 18, &f);
        tu_parse_frame(&p, &f);
        u = tu_layer_of(&p, PKT_PROTO_UDPENCAP);
        assert_string_equal(tu_field(&p, (unsigned)u, "marker"), "ff");
        assert_int_equal(p.n_layers, (unsigned)u + 1);
        pkt_done(&p);

        tu_load_frame("tcpdump/isakmp4500.pcap", 7, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_ISAKMP);
        assert_true(i > 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "flags"), 0x01);
        assert_int_equal(p.layers[i].hdr_len, 28);
        assert_int_equal(p.layers[i + 1].proto, PKT_PROTO_RAW);
        assert_int_equal(p.layers[i + 1].hdr_len, tu_field_u64(&p, (unsigned)i, "length") - 28);
        assert_int_equal(tu_elem_count(&p, i, "payloads", NULL), 0);
        pkt_done(&p);
}

/* A message of @payloads hex after an IKEv2 header of length @len (0: the true one). */
static uint16_t
hostile(const char *first, const char *payloads, unsigned len, uint32_t cut, const char *set, unsigned *count)
{
        char hex[4096];
        unsigned ignored;

        snprintf(hex, sizeof(hex), SPI_I NO_SPI "%s202208" "00000000" "%08x" "%s", first,
                 len ? len : (unsigned)(28 + strlen(payloads) / 2), payloads);
        return tu_flags_in("udp(sport=500,dport=500)", hex, PKT_PROTO_UDP, cut, PKT_PROTO_ISAKMP, set,
                           count ? count : &ignored);
}

static void
test_isakmp_hostile_messages(void **state)
{
        static char many[4 * 300 * 2 + 1];
        unsigned count;

        (void)state;
        assert_int_equal(hostile("28", "00000008" "00112233", 0, 0, "payloads", &count), 0);
        assert_int_equal(count, 1);
        /* A length below the header's, and one past the datagram. */
        assert_int_equal(hostile("00", "", 27, 0, NULL, NULL), PKT_LAYER_MALFORMED);
        assert_int_equal(hostile("28", "00000008" "00112233", 100, 0, NULL, NULL), PKT_LAYER_MALFORMED);
        /* A payload length below the generic header's, or past the message. */
        assert_int_equal(hostile("28", "00000002" "00112233", 0, 0, "payloads", &count), PKT_LAYER_MALFORMED);
        assert_int_equal(hostile("28", "00000010" "00112233", 0, 0, "payloads", &count), PKT_LAYER_MALFORMED);
        /* A chain that ends before the message does leaves bytes nobody claims. */
        assert_int_equal(hostile("28", "00000008" "00112233" "deadbeef", 0, 0, "payloads", &count),
                         PKT_LAYER_MALFORMED);
        assert_int_equal(count, 1);
        /* A body too short for its type: a Notify of 2 bytes. */
        assert_int_equal(hostile("29", "00000006" "0000", 0, 0, "payloads", &count), PKT_LAYER_MALFORMED);
        /* A proposal whose length runs past its SA payload. */
        assert_int_equal(hostile("21", "0000000c" "000000ff01010000", 0, 0, "proposals", &count),
                         PKT_LAYER_MALFORMED);
        /* The Encrypted payload ends the chain: its next payload names what is inside. */
        assert_int_equal(hostile("2e", "23000008" "aabbccdd", 0, 0, "payloads", &count), 0);
        assert_int_equal(count, 1);
        /* A message the capture cuts is truncated. */
        assert_int_equal(hostile("28", "00000008" "00112233", 0, 3, "payloads", &count), PKT_LAYER_TRUNCATED);
        /* 300 empty vendor IDs linked to each other: the walk is bounded, the rest flagged. */
        for (unsigned k = 0; k < 300; k++)
                memcpy(many + 8 * k, "2b000004", 8);
        assert_true(hostile("2b", many, 0, 0, "payloads", &count) & PKT_LAYER_MALFORMED);
        assert_int_equal(count, 256);
        /* udpencap: a datagram too short for a marker. */
        assert_int_equal(tu_flags_in("udp(sport=4500,dport=4500)", "0000", PKT_PROTO_UDP, 0, PKT_PROTO_UDPENCAP,
                                     NULL, &count),
                         PKT_LAYER_MALFORMED);
}

/* An IKEv2 response (R) answers the request of its SPI, message ID and exchange; the request does not
 * answer it, nor does another exchange's. */
static void
test_isakmp_answers(void **state)
{
        static const char *const there = "ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=500,dport=500)/";
        static const char *const back = "ip(src=192.0.2.2,dst=192.0.2.1)/udp(sport=500,dport=500)/";
        char request[256], response[256], other[256];

        (void)state;
        snprintf(request, sizeof(request), "%sisakmp(init_cookie=" SPI_I ",id=0,payloads=[Nonce(nonce=00)])", there);
        snprintf(response, sizeof(response),
                 "%sisakmp(init_cookie=" SPI_I ",resp_cookie=1112131415161718,flags=R,id=0,payloads=[Nonce(nonce=01)])",
                 back);
        snprintf(other, sizeof(other), "%sisakmp(init_cookie=" SPI_I ",flags=R,id=1,exch_type=IKE_AUTH)", back);
        assert_true(tu_answers(request, response, PKT_PROTO_IP));
        assert_false(tu_answers(response, request, PKT_PROTO_IP));
        assert_false(tu_answers(request, other, PKT_PROTO_IP));
}

static void
test_isakmp_every_prefix_is_flagged_never_crashes(void **state)
{
        struct tu_frame f;

        (void)state;
        tu_load_frame("scapy/ikev2_nat_t.pcapng", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/ISAKMP_sa_setup.pcap", 1, &f);
        tu_sweep_prefixes(&f);
        tu_load_frame("tcpdump/isakmp4500.pcap", 12, &f);
        tu_sweep_prefixes(&f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_isakmp_builds_like_scapy),
                cmocka_unit_test(test_isakmp_payload_without_type_follows_the_chain),
                cmocka_unit_test(test_isakmp_reads_ikev2_sa_init_like_tshark),
                cmocka_unit_test(test_isakmp_reads_ikev1_main_mode_like_tshark),
                cmocka_unit_test(test_udpencap_reads_esp_keepalive_and_encrypted_ikev1),
                cmocka_unit_test(test_isakmp_hostile_messages),
                cmocka_unit_test(test_isakmp_answers),
                cmocka_unit_test(test_isakmp_every_prefix_is_flagged_never_crashes),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
