/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Radiotap and IEEE 802.11 (layers/link/radiotap.c, ieee80211*.c): building against scapy,
 * dissecting corpus captures against tshark, hostile headers, and every prefix of real frames.
 *
 * Expected bytes come from scapy 2.5.0 (the expression is beside each); expected field values from
 * TShark 4.0.17 (`tshark -n -r FILE -T fields -e ...`, run once, values pasted in).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* Why 2048: every frame used here is shorter; a longer one fails the test instead of being cut. */
#define FRAME_MAX 2048

/* Values of @key in the elements of set @set of layer @idx, in order; returns how many. */
static unsigned
elem_values(struct pkt *p, unsigned idx, const char *set, const char *key, uint64_t *out, unsigned max)
{
        unsigned n = 0;

        PKT_ELEM_FOREACH(p, idx, set, e)
        {
                uint64_t v;
                if (n < max && pkt_elem_get_u64(p, idx, &e, key, &v) == 0)
                        out[n++] = v;
        }
        return n;
}

/* ---- building (scapy) ---- */

/* scapy: RadioTap()/Dot11(type=0,subtype=8,addr1="ff:ff:ff:ff:ff:ff",addr2="02:00:00:00:00:01",
 *        addr3="02:00:00:00:00:01")/Dot11Beacon(cap=0)/Dot11Elt(ID=0,info=b"pktd")/
 *        Dot11Elt(ID=1,info=bytes.fromhex("82848b96"))/Dot11Elt(ID=3,info=b"\x06") */
static void
test_wireless_beacon_with_elements_builds_as_scapy(void **state)
{
        (void)state;
        tu_assert_builds("radiotap()/ieee80211()/beacon(src=02:00:00:00:00:01,bssid=02:00:00:00:00:01,"
                      "params=[ssid(\"pktd\"),rates(82848b96),ds(ch=6)])",
                      "000008000000000080000000ffffffffffff02000000000102000000000100000000000000000000"
                      "640000000004706b7464010482848b96030106");
}

/* scapy: RadioTap(present="TSFT+Flags+dBm_AntSignal",mac_timestamp=1234567,Flags=0,dBm_AntSignal=-40)/
 *        Dot11(type=1,subtype=12,addr1="02:00:00:00:00:01") */
static void
test_radiotap_fields_are_aligned_and_set_their_present_bits(void **state)
{
        (void)state;
        tu_assert_builds("radiotap(flags=[tsft(1234567),flags(0),dbm_antsignal(0xd8)])/ieee80211()/"
                      "cts(dst=02:00:00:00:00:01)",
                      "000012002300000087d612000000000000d8c4000000020000000001");
}

/* Bytes the length counts past the last field (libpcap's wpa-Induction.pcap frame 7: 4 after
 * rx_flags), or past a bit that cannot be sized (ieee802.11_exthdr.pcap: a second present word in the
 * radiotap namespace), are a last element "unused", so that JSON carries every byte; it builds last,
 * unaligned, and sets no bit. */
static void
test_radiotap_unused_bytes_are_an_element(void **state)
{
        static const char *const files[] = { "libpcap/filter__wpa-Induction.pcap", "tcpdump/ieee802.11_exthdr.pcap" };
        static const unsigned frames[] = { 7, 1 }, unused[] = { 4, 53 };
        struct tu_frame f;
        struct pkt p;
        (void)state;

        for (unsigned k = 0; k < 2; k++) {
                tu_load_frame(files[k], frames[k], &f);
                tu_parse_frame(&p, &f);
                uint32_t last_end = 0, n = 0;
                const uint8_t *bytes = NULL;
                size_t len = 0;
                PKT_ELEM_FOREACH(&p, 0, "flags", e)
                {
                        last_end = e.off + e.len;
                        n += pkt_elem_get_bytes(&p, 0, &e, "unused", &bytes, &len) == 0;
                }
                assert_int_equal(n, 1);
                assert_int_equal(len, unused[k]);
                assert_int_equal(last_end, p.layers[0].hdr_len);
                pkt_done(&p);
        }
        tu_assert_builds("radiotap(flags=[rate(2),field(unused=aabb)])", "00000b000400000002aabb");
}

static void
test_radiotap_fields_out_of_bit_order_are_refused(void **state)
{
        char err[256];
        struct pkt p;

        (void)state;
        pkt_init(&p);
        /* rate (bit 2) after channel (bit 3) cannot be placed: fields follow their bits' order */
        assert_int_not_equal(pkt_build(&p, "radiotap(flags=[channel(2412,0xa0),rate(2)])", err, sizeof(err)), 0);
        pkt_done(&p);
}

/* scapy: Dot11(type=2,subtype=8,addr1="02:00:00:00:00:01",addr2="02:00:00:00:00:02",
 *        addr3="02:00:00:00:00:03")/Dot11QoS(TID=5)/LLC()/SNAP()/IP(src="192.0.2.1",dst="192.0.2.2")/
 *        UDP(sport=1,dport=2) */
static void
test_wireless_qos_data_builds_as_scapy(void **state)
{
        (void)state;
        tu_assert_builds("ieee80211(subtype=8)/dataframe(addr1=02:00:00:00:00:01,addr2=02:00:00:00:00:02,"
                      "addr3=02:00:00:00:00:03,qos_ctrl=5)/llc()/ip(src=192.0.2.1,dst=192.0.2.2,id=1)/"
                      "udp(sport=1,dport=2)",
                      "8800000002000000000102000000000202000000000300000500aaaa0300000008004500001c0001"
                      "00004011f6ccc0000201c00002020001000200087bd7");
}

/* scapy: Dot11(type=2,subtype=0,addr1="02:00:00:00:00:01")/LLC()/SNAP()/
 *        IP(src="192.0.2.1",dst="192.0.2.2") */
static void
test_wireless_plain_data_header_shrinks_to_twenty_bytes(void **state)
{
        (void)state;
        tu_assert_builds("ieee80211()/dataframe(addr1=02:00:00:00:00:01)/llc()/"
                      "ip(src=192.0.2.1,dst=192.0.2.2,id=1,p=0)",
                      "080000000200000000010000000000000000000000000000aaaa03000000080045000014000100004000"
                      "f6e5c0000201c0000202");
}

/* scapy: Dot11(type=2,subtype=0,FCfield="to-DS+from-DS",addr1="02:00:00:00:00:01",
 *        addr2="02:00:00:00:00:02",addr3="02:00:00:00:00:03",addr4="02:00:00:00:00:04")/LLC()/SNAP()/
 *        IP(src="192.0.2.1",dst="192.0.2.2") */
static void
test_wireless_four_address_frame_sets_both_ds_bits(void **state)
{
        (void)state;
        tu_assert_builds("ieee80211()/dataframe4(addr1=02:00:00:00:00:01,addr2=02:00:00:00:00:02,"
                      "addr3=02:00:00:00:00:03,addr4=02:00:00:00:00:04)/llc()/"
                      "ip(src=192.0.2.1,dst=192.0.2.2,id=1,p=0)",
                      "080300000200000000010200000000020200000000030000020000000004aaaa0300000008004500"
                      "0014000100004000f6e5c0000201c0000202");
}

/* ---- dissecting corpus frames (tshark) ---- */

static void
test_wireless_beacon_corpus_frame_matches_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        uint64_t ids[32];
        const uint8_t expect_ids[] = { 0, 1, 3, 5, 42, 47, 48, 50, 45, 61, 221, 221, 221, 221, 221 };

        (void)state;
        tu_load_frame("packetnet/80211_beacon_frame.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        assert_int_equal(p.layers[0].proto, PKT_PROTO_RADIOTAP);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_IEEE80211);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_IEEE80211_BEACON);
        /* radiotap.length 26, present.word 0x0000186f, mactime 24204026460, channel 2437, -42 dBm */
        assert_int_equal(tu_field_u64(&p, 0, "len"), 26);
        assert_int_equal(tu_field_u64(&p, 0, "present_flags"), 0x186f);
        uint64_t v[8];
        assert_int_equal(elem_values(&p, 0, "flags", "tsft", v, 8), 1);
        assert_int_equal(v[0], 24204026460ull);
        assert_int_equal(elem_values(&p, 0, "flags", "channel", v, 8), 1);
        assert_int_equal(v[0], 2437);
        assert_int_equal(elem_values(&p, 0, "flags", "dbm_antsignal", v, 8), 1);
        assert_int_equal((int8_t)v[0], -42);
        /* wlan.fixed.timestamp 689249690982, beacon 100, capabilities 0x0411, seq 2892 */
        assert_int_equal(tu_field_u64(&p, 2, "ts"), 689249690982ull);
        assert_int_equal(tu_field_u64(&p, 2, "interval"), 100);
        assert_int_equal(tu_field_u64(&p, 2, "capa"), 0x0411);
        assert_int_equal(tu_field_u64(&p, 2, "seq_frag") >> 4, 2892);
        /* wlan.tag.number 0,1,3,5,42,47,48,50,45,61,221 x5; wlan.ssid "NiceAl"; channel 5 */
        unsigned n = elem_values(&p, 2, "params", "id", ids, 32);
        assert_int_equal(n, sizeof(expect_ids));
        for (unsigned i = 0; i < n; i++)
                assert_int_equal(ids[i], expect_ids[i]);
        assert_int_equal(elem_values(&p, 2, "params", "ch", v, 8), 1);
        assert_int_equal(v[0], 5);
        PKT_ELEM_FOREACH(&p, 2, "params", e)
        {
                char text[64];
                uint64_t id;
                assert_int_equal(pkt_elem_get_u64(&p, 2, &e, "id", &id), 0);
                if (id != 0)
                        continue;
                assert_true(pkt_elem_get_str(&p, 2, &e, "ssid", text, sizeof(text)) > 0);
                assert_string_equal(text, "NiceAl");
        }
        /* radiotap's FCS flag: the last 4 bytes are radiotap's trailer, not the beacon's */
        size_t tlen;
        assert_non_null(pkt_layer_trailer(&p, 0, &tlen));
        assert_int_equal(tlen, 4);
        assert_int_equal(p.layers[2].off + p.layers[2].len, f.caplen - 4);
        pkt_done(&p);
}

static void
test_wireless_extended_present_words_and_repeated_fields_match_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;
        uint64_t v[8];

        (void)state;
        tu_load_frame("packetnet/80211_qos_data_frame_ipv4_tcp.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        /* radiotap.present.word 0xa008402b,0xa0000820,0x00000820 */
        assert_int_equal(tu_field_u64(&p, 0, "present_flags"), 0xa008402b);
        assert_int_equal(elem_values(&p, 0, "flags", "present", v, 8), 2);
        assert_int_equal(v[0], 0xa0000820);
        assert_int_equal(v[1], 0x00000820);
        /* radiotap.dbm_antsignal -48,-50,-54; radiotap.antenna 0,1 */
        assert_int_equal(elem_values(&p, 0, "flags", "dbm_antsignal", v, 8), 3);
        assert_int_equal((int8_t)v[0], -48);
        assert_int_equal((int8_t)v[1], -50);
        assert_int_equal((int8_t)v[2], -54);
        assert_int_equal(elem_values(&p, 0, "flags", "antenna", v, 8), 2);
        assert_int_equal(v[1], 1);
        /* wlan.fc 0x8802, wlan.qos 0x0000; LLC/SNAP into IP 192.168.1.1, TCP 5555 */
        assert_int_equal(tu_field_u64(&p, 1, "framectl"), 0x8802);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_IEEE80211_DATA);
        assert_int_equal(tu_field_u64(&p, 2, "qos_ctrl"), 0);
        int ip = pkt_layer_find(&p, PKT_PROTO_IP, 0), tcp = pkt_layer_find(&p, PKT_PROTO_TCP, 0);
        assert_true(ip > 0 && tcp > ip);
        assert_string_equal(tu_field(&p, (unsigned)ip, "src"), "192.168.1.1");
        assert_int_equal(tu_field_u64(&p, (unsigned)tcp, "sport"), 5555);
        pkt_done(&p);
}

static void
test_wireless_protected_data_payload_stays_raw_after_ccmp_header(void **state)
{
        struct tu_frame f;
        struct pkt p;

        (void)state;
        tu_load_frame("packetnet/80211_encrypted_data_frame.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        /* wlan.fc 0x0842 (protected), wlan.ccmp.extiv 0x000000081819 */
        assert_int_equal(tu_field_u64(&p, 1, "protected"), 1);
        assert_int_equal(p.layers[3].proto, PKT_PROTO_IEEE80211_CCMP);
        uint64_t pn = tu_field_u64(&p, 3, "pn_hi") << 16 | tu_field_u64(&p, 3, "pn1") << 8 | tu_field_u64(&p, 3, "pn0");
        assert_int_equal(pn, 0x081819);
        assert_int_equal(p.n_layers, 5);
        assert_int_equal(p.layers[4].proto, PKT_PROTO_RAW);
        pkt_done(&p);
}

static void
test_wireless_auth_corpus_frame_matches_tshark(void **state)
{
        struct tu_frame f;
        struct pkt p;

        (void)state;
        tu_load_frame("tcpdump/status_code-79.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int a = pkt_layer_find(&p, PKT_PROTO_IEEE80211_AUTH, 0);
        assert_true(a > 0);
        /* wlan.fixed.auth.alg 0, auth_seq 0x0002, status_code 0x004f, wlan.sa 00:0c:41:82:b2:55 */
        assert_int_equal(tu_field_u64(&p, (unsigned)a, "algo"), 0);
        assert_int_equal(tu_field_u64(&p, (unsigned)a, "authseq"), 2);
        assert_int_equal(tu_field_u64(&p, (unsigned)a, "status"), 0x4f);
        assert_string_equal(tu_field(&p, (unsigned)a, "src"), "00:0c:41:82:b2:55");
        pkt_done(&p);
}

static void
test_wireless_corpus_frames_serialise_unchanged(void **state)
{
        static const char *const files[] = {
                "packetnet/80211_beacon_frame.pcap", "packetnet/80211_qos_data_frame_ipv4_tcp.pcap",
                "packetnet/80211_encrypted_data_frame.pcap", "packetnet/80211_block_acknowledgment_frame.pcap",
                "packetnet/80211_radiotap_with_extended_presence_mask.pcap", "packetnet/80211_raw_without_fcs.pcap",
        };
        (void)state;
        for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                struct tu_frame f;
                struct pkt p, c;
                const uint8_t *d;
                tu_load_frame(files[i], 1, &f);
                tu_parse_frame(&p, &f);
                pkt_init(&c);
                assert_int_equal(pkt_copy(&c, &p), 0);
                int n = pkt_serialize(&c, 0, &d);
                tu_assert_bytes(d, (size_t)n, f.data, f.caplen);
                pkt_done(&c);
                pkt_done(&p);
        }
}

/* ---- hostile input ---- */

static void
test_radiotap_length_below_eight_is_malformed(void **state)
{
        static const uint8_t h[] = { 0, 0, 4, 0, 0, 0, 0, 0, 0xd4, 0, 0, 0, 2, 0, 0, 0, 0, 1 };
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_RADIOTAP, h, sizeof(h), sizeof(h)), 0);
        pkt_dissect_all(&p);
        assert_true(p.layers[0].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
}

static void
test_radiotap_endless_present_words_stop_at_the_header_end(void **state)
{
        /* every present word says another follows; the length says 20 bytes */
        static const uint8_t h[] = { 0, 0, 20, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xd4, 0, 0, 0 };
        struct pkt p;
        unsigned n = 0;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_RADIOTAP, h, sizeof(h), sizeof(h)), 0);
        pkt_dissect_all(&p);
        PKT_ELEM_FOREACH(&p, 0, "flags", e)
        {
                assert_true(e.off + e.len <= 20);
                assert_true(++n < 8);
        }
        assert_int_equal(pkt_print(&p, tu_discard, NULL), 0);
        pkt_done(&p);
}

static void
test_radiotap_vendor_namespace_skip_past_header_is_flagged(void **state)
{
        /* present: bit 30 (vendor namespace); vendor header OUI 00:11:22, skip_length 0x1000 */
        static const uint8_t h[] = { 0, 0, 16, 0, 0, 0, 0, 0x40, 0x00, 0x11, 0x22, 0, 0x00, 0x10, 0, 0,
                                     0xd4, 0, 0, 0, 2, 0, 0, 0, 0, 1 };
        struct pkt p;
        unsigned n = 0;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_RADIOTAP, h, sizeof(h), sizeof(h)), 0);
        pkt_dissect_all(&p);
        PKT_ELEM_FOREACH(&p, 0, "flags", e)
        {
                n++;
                assert_true(e.flags & PKT_LAYER_MALFORMED);
                assert_true(e.off + e.len <= 16);
        }
        assert_int_equal(n, 1);
        /* the 802.11 frame after the header is still found */
        assert_int_equal(p.layers[1].proto, PKT_PROTO_IEEE80211);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_IEEE80211_ACK);
        pkt_done(&p);
}

static void
test_wireless_element_past_the_frame_is_malformed(void **state)
{
        /* probe request whose SSID element claims 200 bytes */
        static const uint8_t h[] = { 0x40, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 2,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 200, 'a', 'b' };
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IEEE80211, h, sizeof(h), sizeof(h)), 0);
        pkt_dissect_all(&p);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_IEEE80211_PROBEREQ);
        assert_true(p.layers[1].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
}

static void
test_wireless_every_prefix_is_flagged_never_crashes(void **state)
{
        static const struct {
                const char *file;
                unsigned no;
        } frames[] = {
                { "packetnet/80211_beacon_frame.pcap", 1 },
                { "packetnet/80211_qos_data_frame_ipv4_tcp.pcap", 1 },
                { "packetnet/80211_encrypted_data_frame.pcap", 1 },
                { "packetnet/80211_block_acknowledgment_frame.pcap", 1 },
                { "packetnet/80211_reassociation_request_frame.pcap", 1 },
                { "packetnet/80211_radiotap_with_extended_presence_mask.pcap", 1 },
        };
        (void)state;
        for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
                struct tu_frame f;
                tu_load_frame(frames[i].file, frames[i].no, &f);
                tu_sweep_prefixes(&f);
        }
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_wireless_beacon_with_elements_builds_as_scapy),
                cmocka_unit_test(test_radiotap_fields_are_aligned_and_set_their_present_bits),
                cmocka_unit_test(test_radiotap_fields_out_of_bit_order_are_refused),
                cmocka_unit_test(test_radiotap_unused_bytes_are_an_element),
                cmocka_unit_test(test_wireless_qos_data_builds_as_scapy),
                cmocka_unit_test(test_wireless_plain_data_header_shrinks_to_twenty_bytes),
                cmocka_unit_test(test_wireless_four_address_frame_sets_both_ds_bits),
                cmocka_unit_test(test_wireless_beacon_corpus_frame_matches_tshark),
                cmocka_unit_test(test_wireless_extended_present_words_and_repeated_fields_match_tshark),
                cmocka_unit_test(test_wireless_protected_data_payload_stays_raw_after_ccmp_header),
                cmocka_unit_test(test_wireless_auth_corpus_frame_matches_tshark),
                cmocka_unit_test(test_wireless_corpus_frames_serialise_unchanged),
                cmocka_unit_test(test_radiotap_length_below_eight_is_malformed),
                cmocka_unit_test(test_radiotap_endless_present_words_stop_at_the_header_end),
                cmocka_unit_test(test_radiotap_vendor_namespace_skip_past_header_is_flagged),
                cmocka_unit_test(test_wireless_element_past_the_frame_is_malformed),
                cmocka_unit_test(test_wireless_every_prefix_is_flagged_never_crashes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
