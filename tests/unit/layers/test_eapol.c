/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * 802.1X (layers/link/eapol.c, eap.c): building against scapy, dissecting corpus captures against
 * tshark, the EAPOL-Key MIC length read from the frame, key data in the clear or not, EAP-TLS's
 * records and fragments, answers, hostile input, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0 (scapy.layers.eap and scapy.contrib.wpa_eapol: the expression
 * is beside each, and in tests/oracle/scapy_cases_eapol.tsv); expected field values from TShark 4.0.17
 * (`tshark -n -r FILE -V`, run once, values pasted in).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

static void
test_eapol_builds_like_scapy(void **state)
{
        (void)state;
        /* EAPOL(version=2,type=1) */
        tu_assert_builds("eapol(version=802.1X-2004,type=EAPOL-Start)", "02010000");
        /* EAPOL(version=1)/EAP(code=2,id=1,type=1,identity=b"user@example.com") */
        tu_assert_builds("eapol/eap(code=Response,id=1)/eapidentity(identity=\"user@example.com\")",
                         "01000015020100150175736572406578616d706c652e636f6d");
        /* EAPOL(version=1)/EAP(code=3,id=7) */
        tu_assert_builds("eapol/eap(code=Success,id=7)", "0100000403070004");
        /* EAPOL(version=1)/EAP_MD5(code=1,id=2,value=bytes(range(16)),optional_name=b"srv") */
        tu_assert_builds("eapol/eap(id=2)/eapmd5(value=0x000102030405060708090a0b0c0d0e0f,optional_name=\"srv\")",
                         "01000019010200190410000102030405060708090a0b0c0d0e0f737276");
        /* EAPOL(version=1)/EAP_TLS(code=2,id=4,L=1,tls_message_len=5,tls_data=bytes.fromhex("1603010000")):
         * setting the message length adds it to the header, and the L bit follows. */
        tu_assert_builds("eapol/eap(code=Response,id=4)/eaptls(tls_message_len=5)/raw(hex=1603010000)",
                         "0100000f0204000f0d80000000051603010000");
        /* EAPOL(version=1)/LEAP(code=1,id=5,challenge_response=bytes(range(1,9)),username=b"bob") */
        tu_assert_builds("eapol/eap(id=5)/eapleap(challenge_response=0x0102030405060708,username=\"bob\")",
                         "0100001301050013110100080102030405060708626f62");
        /* EAPOL(version=1,type=3)/WPA_key(descriptor_type=2,key_info=0x010a,
         *   replay_counter=(1).to_bytes(8,"big"),wpa_key_mic=bytes.fromhex("00112233445566778899aabbccddeeff"),
         *   wpa_key_length=22,wpa_key=bytes.fromhex("30140100000fac040100000fac040100000fac020000")) */
        tu_assert_builds("eapol/eapolkey(key_info=0x010a,key_replay_counter=1,key_mic=0x00112233445566778899aabbccddeeff)/"
                         "eapolkeydata(params=[rsn(version=1,group_cipher=0x000fac04,pairwise_count=1,"
                         "suites=000fac040100000fac020000)])",
                         "0103007502010a000000000000000000010000000000000000000000000000000000000000000000"
                         "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
                         "0000112233445566778899aabbccddeeff001630140100000fac040100000fac040100000fac0200"
                         "00");
        /* Not in scapy 2.5: SIM attributes padded to words with their length in words (RFC 4186 8.1),
         * an identity with its actual length, and the RC4 descriptor. */
        tu_assert_builds("eapol/eap(id=9)/eapsim(subtype=SIM-Start,attributes=[attribute(type=AT_VERSION_LIST,"
                         "value=000200010000),attribute(type=AT_IDENTITY,identity=\"1@x\")])",
                         "0100001801090018120a00000f020002000100000e02000331407800");
        tu_assert_builds("eapol/eapolrc4key(key_length=13,key_replay_counter=5,key_index=0x82,key=0x0102030405)",
                         "0103003101000d0000000000000005000000000000000000000000000000008200000000000000000000"
                         "0000000000000102030405");
}

/* ndpi/android.pcap frame 54: message 2 of the 4-way handshake, key information 0x010a, MIC
 * 88f816ddd2f83a4d4a0e885013af8d3f, 22 bytes of key data: an RSN element, CCMP, PSK. */
static void
test_eapol_key_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("ndpi/android.pcap", 54, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_EAPOL);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "type"), 3);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "len"), 117);
        i = tu_layer_of(&p, PKT_PROTO_EAPOL_KEY);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "key_info"), 0x010a);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "has_key_mic"), 1);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "key_ack"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "key_type"), 1);
        assert_string_equal(tu_field(&p, (unsigned)i, "key_descriptor_type_version"), "AES-HMAC-SHA1");
        assert_string_equal(tu_field(&p, (unsigned)i, "key_nonce"),
                            "1b813d045ac26726089b8c0934e5efcec56dcf767bdaf670f3bc1e401baa7a7c");
        assert_string_equal(tu_field(&p, (unsigned)i, "key_mic"), "88f816ddd2f83a4d4a0e885013af8d3f");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "key_data_length"), 22);
        i = tu_layer_of(&p, PKT_PROTO_EAPOL_KEY_DATA);
        assert_int_equal(tu_elem_count(&p, i, "params", NULL), 1);
        assert_string_equal(tu_elem_str(&p, i, "params", 0, "id"), "rsn");
        assert_string_equal(tu_elem_str(&p, i, "params", 0, "group_cipher"), "0x000fac04");
        pkt_done(&p);
}

/* tcpdump/eapon1.pcap frame 21: EAP-SIM Start response, AT_IDENTITY (actual length 40,
 * 1295023820005391@mnc023.mcc295.owlan.org), AT_NONCE_MT, AT_SELECTED_VERSION; frame 25: an RC4
 * key, length 13, replay counter 70782488215707, index 2, broadcast. */
static void
test_eap_reads_like_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        int i;

        (void)state;
        tu_load_frame("tcpdump/eapon1.pcap", 21, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_EAP);
        assert_string_equal(tu_field(&p, (unsigned)i, "code"), "Response");
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "len"), 76);
        i = tu_layer_of(&p, PKT_PROTO_EAP_SIM);
        assert_string_equal(tu_field(&p, (unsigned)i, "type"), "SIM");
        assert_string_equal(tu_field(&p, (unsigned)i, "subtype"), "SIM-Start");
        assert_int_equal(tu_elem_count(&p, i, "attributes", NULL), 3);
        assert_string_equal(tu_elem_str(&p, i, "attributes", 0, "actual_length"), "40");
        assert_string_equal(tu_elem_str(&p, i, "attributes", 0, "identity"),
                            "1295023820005391@mnc023.mcc295.owlan.org");
        assert_string_equal(tu_elem_str(&p, i, "attributes", 1, "value"), "0000e2d2f972cbc91b81f6c7c1a59c9fcae2");
        assert_string_equal(tu_elem_str(&p, i, "attributes", 2, "type"), "AT_SELECTED_VERSION");
        pkt_done(&p);

        tu_load_frame("tcpdump/eapon1.pcap", 25, &f);
        tu_parse_frame(&p, &f);
        i = tu_layer_of(&p, PKT_PROTO_EAPOL_RC4_KEY);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "key_length"), 13);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "key_replay_counter"), 70782488215707u);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "unicast"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "index"), 2);
        assert_string_equal(tu_field(&p, (unsigned)i, "key"), "9af1d153d2ba5ccf63c3a226b8");
        pkt_done(&p);
}

/* The damage flags of layer @i of @p, every layer dissected. */
static uint16_t
damage(struct pkt *p, int i)
{
        pkt_dissect_all(p);
        return p->layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED);
}

/* The MIC length is the one that makes the key data length end the frame: 24 bytes for the 192-bit
 * suite, none for FILS; 16 when no length fits. */
static void
test_eapol_key_mic_length_from_the_frame(void **state)
{
        static const char *const mics[] = { "0x00112233445566778899aabbccddeeff0011223344556677", "0x",
                                             "0x00112233445566778899aabbccddeeff" };
        static const char *const texts[] = { "00112233445566778899aabbccddeeff0011223344556677", "",
                                             "00112233445566778899aabbccddeeff" };
        uint8_t buf[256];
        char spec[512];
        struct pkt p;

        (void)state;
        for (size_t k = 0; k < 3; k++) {
                snprintf(spec, sizeof(spec),
                         "eapol/eapolkey(key_info=0x010a,key_replay_counter=1,key_mic=%s)/"
                         "eapolkeydata(params=[rsn(version=1,group_cipher=0x000fac04)])",
                         mics[k]);
                tu_build_parse(spec, PKT_PROTO_EAPOL, 0, buf, sizeof(buf), &p);
                int i = tu_layer_of(&p, PKT_PROTO_EAPOL_KEY);
                assert_string_equal(tu_field(&p, (unsigned)i, "key_mic"), texts[k]);
                assert_int_equal(tu_field_u64(&p, (unsigned)i, "key_data_length"), 8);
                assert_int_equal(damage(&p, i), 0);
                assert_true(tu_layer_of(&p, PKT_PROTO_EAPOL_KEY_DATA) == i + 1);
                pkt_done(&p);
        }
        /* A key data length that fits no MIC: read with 16, and the layer is flagged. */
        tu_build_parse("eapol(type=EAPOL-Key,len=110)/raw(hex="
                       "02010a00100000000000000001000000000000000000000000000000000000000000000000000000"
                       "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
                       "0000000000000000000000000000ff000000000000000000000000000000"
                       ")",
                       PKT_PROTO_EAPOL, 0, buf, sizeof(buf), &p);
        int i = tu_layer_of(&p, PKT_PROTO_EAPOL_KEY);
        assert_true(i > 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)i, "key_data_length"), 0xff);
        assert_true(damage(&p, i) & PKT_LAYER_MALFORMED);
        pkt_done(&p);
}

/* Encrypted key data (RSN's bit, or a WPA group key frame) stays raw. */
static void
test_eapol_key_data_encrypted_stays_raw(void **state)
{
        uint8_t buf[256];
        struct pkt p;

        (void)state;
        tu_build_parse("eapol/eapolkey(key_info=0x13ca,key_replay_counter=2)/raw(hex=00112233445566778899aabbccddeeff)",
                       PKT_PROTO_EAPOL, 0, buf, sizeof(buf), &p);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_EAPOL_KEY_DATA, 0), -ENOENT);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_RAW), 2);
        assert_int_equal(tu_field_u64(&p, 1, "key_data_length"), 16);
        pkt_done(&p);
        tu_build_parse("eapol/eapolkey(key_descriptor_type=WPA,key_info=0x0392)/raw(hex=0011223344556677)",
                       PKT_PROTO_EAPOL, 0, buf, sizeof(buf), &p);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_RAW), 2);
        pkt_done(&p);
}

/* A whole EAP-TLS message is TLS records, and so is the start of a first fragment, whose record runs
 * on past it (cut short, not contradicted); a Start, a later fragment (which starts inside a record)
 * and a message whose length is not its data's stay raw. */
static void
test_eap_tls_records_only_when_whole_or_first(void **state)
{
        static const char *const tls_cases[] = {
                "eapol/eap(code=Response,id=1)/eaptls(type=TTLS)/raw(hex=16030300050100000100)",
                "eapol/eap(id=1)/eaptls(tls_message_len=10)/raw(hex=16030300050100000100)",
        };
        static const char *const raw_cases[] = {
                "eapol/eap(id=1)/eaptls(type=PEAP,start=1)/raw(hex=16030300050100000100)",
                "eapol/eap(id=1)/eaptls(more_fragments=1)/raw(hex=a1b2c3d4e5f60718)",
                "eapol/eap(id=1)/eaptls/raw(hex=a1b2c3d4e5f60718)",
                "eapol/eap(id=1)/eaptls(tls_message_len=99)/raw(hex=16030300050100000100)",
        };
        uint8_t buf[128];
        struct pkt p;

        (void)state;
        for (size_t k = 0; k < sizeof(tls_cases) / sizeof(tls_cases[0]); k++) {
                tu_build_parse(tls_cases[k], PKT_PROTO_EAPOL, 0, buf, sizeof(buf), &p);
                assert_int_equal(tu_layer_of(&p, PKT_PROTO_TLS), 3);
                assert_int_equal(damage(&p, 3), 0);
                pkt_done(&p);
        }
        /* The first of several fragments: a record of 0x0400 bytes begins, and is cut short. */
        tu_build_parse("eapol/eap(id=1)/eaptls(tls_message_len=3000,more_fragments=1)/raw(hex=16030304000b0003fc0003f9)",
                       PKT_PROTO_EAPOL, 0, buf, sizeof(buf), &p);
        assert_int_equal(tu_layer_of(&p, PKT_PROTO_TLS), 3);
        assert_int_equal(damage(&p, 3), PKT_LAYER_TRUNCATED);
        pkt_done(&p);
        for (size_t k = 0; k < sizeof(raw_cases) / sizeof(raw_cases[0]); k++) {
                tu_build_parse(raw_cases[k], PKT_PROTO_EAPOL, 0, buf, sizeof(buf), &p);
                assert_int_equal(pkt_layer_find(&p, PKT_PROTO_TLS, 0), -ENOENT);
                assert_int_equal(tu_layer_of(&p, PKT_PROTO_RAW), 3);
                pkt_done(&p);
        }
}

static bool
answers(const char *req_spec, const char *rep_spec)
{
        return tu_answers(req_spec, rep_spec, PKT_PROTO_EAPOL);
}

/* EAPOL-Start: the authenticator's EAP Request answers it. EAP: a Response answers the Request of its
 * identifier, Success or Failure the Response. Keys: the supplicant's frame answers the
 * authenticator's of the same replay counter. */
static void
test_eapol_answers(void **state)
{
        (void)state;
        assert_true(answers("eapol(type=EAPOL-Start)", "eapol/eap(id=1)/eapidentity"));
        assert_false(answers("eapol(type=EAPOL-Start)", "eapol/eap(code=Response,id=1)/eapidentity"));
        assert_false(answers("eapol(type=EAPOL-Start)", "eapol(type=EAPOL-Logoff)"));
        assert_false(answers("eapol/eap(id=3)/eapidentity", "eapol/eapolkey(key_info=0x010a)"));
        assert_true(answers("eapol/eap(id=3)/eapidentity", "eapol/eap(code=Response,id=3)/eapidentity(identity=\"a\")"));
        assert_false(answers("eapol/eap(id=3)/eapidentity", "eapol/eap(code=Response,id=4)/eapidentity"));
        assert_false(answers("eapol/eap(code=Response,id=3)/eapidentity", "eapol/eap(id=3)/eapidentity"));
        assert_true(answers("eapol/eap(code=Response,id=5)/eapmd5(value=0x01)", "eapol/eap(code=Success,id=5)"));
        assert_true(answers("eapol/eapolkey(key_info=0x008a,key_replay_counter=1)",
                            "eapol/eapolkey(key_info=0x010a,key_replay_counter=1)"));
        assert_false(answers("eapol/eapolkey(key_info=0x008a,key_replay_counter=1)",
                             "eapol/eapolkey(key_info=0x010a,key_replay_counter=2)"));
        assert_false(answers("eapol/eapolkey(key_info=0x010a,key_replay_counter=1)",
                             "eapol/eapolkey(key_info=0x008a,key_replay_counter=1)"));
}

static uint16_t
eapol_flags(const char *hex, uint32_t cut, unsigned proto, const char *set, unsigned *ret_n)
{
        return tu_flags_in("ethernet(dst=01:80:c2:00:00:03,type=0x888e)", hex, PKT_PROTO_ETHERNET, cut, proto, set, ret_n);
}

static void
test_eapol_hostile_input(void **state)
{
        unsigned n;

        (void)state;
        /* An EAPOL length beyond the frame; an EAP length below its header and beyond EAPOL's body. */
        assert_true(eapol_flags("01000040" "0101000401", 0, PKT_PROTO_EAPOL, NULL, &n) & PKT_LAYER_MALFORMED);
        assert_true(eapol_flags("01000005" "0101000201", 0, PKT_PROTO_EAP, NULL, &n) & PKT_LAYER_MALFORMED);
        assert_true(eapol_flags("01000005" "0101000901", 0, PKT_PROTO_EAP, NULL, &n) & PKT_LAYER_MALFORMED);
        /* SIM attributes of length 0, and past the body: malformed, the walk ends there. */
        assert_true(eapol_flags("0100000c" "0101000c120a0000" "0f000000", 0, PKT_PROTO_EAP_SIM, "attributes", &n) &
                    PKT_LAYER_MALFORMED);
        assert_int_equal(n, 1);
        assert_true(eapol_flags("0100000c" "0101000c120a0000" "0f050000", 0, PKT_PROTO_EAP_SIM, "attributes", &n) &
                    PKT_LAYER_MALFORMED);
        /* An MD5 value past the body. */
        assert_true(eapol_flags("01000008" "0101000804100001", 0, PKT_PROTO_EAP_MD5, NULL, &n) &
                    PKT_LAYER_MALFORMED);
        /* A key frame longer than its EAPOL body says: malformed; one the capture cuts: truncated. */
        assert_true(eapol_flags("0103005f02008a0010" "0000000000000001", 0, PKT_PROTO_EAPOL_KEY, NULL, &n) &
                    PKT_LAYER_MALFORMED);
        assert_int_equal(eapol_flags("0103005f"
                                     "02008a0010000000000000000111111111111111111111111111111111111111111111111111"
                                     "1111111111111100000000000000000000000000000000000000000000000000000000000000"
                                     "00000000000000000000000000000000000000",
                                     40, PKT_PROTO_EAPOL_KEY, NULL, &n) &
                                 (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                         PKT_LAYER_TRUNCATED);
}

static void
test_eapol_every_prefix_is_flagged_never_crashes(void **state)
{
        static const struct {
                const char *rel;
                unsigned no;
        } frames[] = {
                { "ndpi/android.pcap", 53 },   { "ndpi/android.pcap", 54 },   { "ndpi/android.pcap", 62 },
                { "tcpdump/eapon1.pcap", 19 }, { "tcpdump/eapon1.pcap", 21 }, { "tcpdump/eapon1.pcap", 25 },
                { "libpcap/filter__wpa2linkuppassphraseiswireshark.pcap", 5 },
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
                cmocka_unit_test(test_eapol_builds_like_scapy),
                cmocka_unit_test(test_eapol_key_reads_like_tshark),
                cmocka_unit_test(test_eap_reads_like_tshark),
                cmocka_unit_test(test_eapol_key_mic_length_from_the_frame),
                cmocka_unit_test(test_eapol_key_data_encrypted_stays_raw),
                cmocka_unit_test(test_eap_tls_records_only_when_whole_or_first),
                cmocka_unit_test(test_eapol_answers),
                cmocka_unit_test(test_eapol_hostile_input),
                cmocka_unit_test(test_eapol_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
