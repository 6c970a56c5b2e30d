/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktp_packet_summary(): the exact one-line summaries of corpus packets of 20+ protocols (DNS,
 * ICMP/ICMPv6 kinds, ARP, TCP, HTTP, SIP, NDP, tunnels, VLAN, PPPoE, 802.11, STP, VRRP, OSPF, ESP,
 * IGMP, DHCP, NTP, TPKT) and of built packets, the [truncated] / [malformed] marks, the length cap,
 * and plain ASCII on every corpus packet. pktp_captured_write(): each form parses back with json-c
 * (strict, UTF-8) to the timestamp, lengths and the summary / layers / bytes of the packet; bad
 * arguments and a buffer cap leave nothing half-written.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <pkt/pcap.h>
#include <pkt/proto.h>
#include <pktp/packet.h>

#include "testutil.h"

/* Parses packet @index (from 1) of corpus capture @rel into @p; @ret_data keeps the bytes. */
static void
corpus_packet(const char *rel, unsigned index, struct pkt *p, uint8_t *ret_data, size_t size)
{
        struct pkt_pcap *r;
        struct pkt_pcap_rec rec;
        unsigned i = 0;

        assert_int_equal(pkt_pcap_open(tu_corpus(rel), &r), 0);
        while (pkt_pcap_next(r, &rec) == 1) {
                if (++i < index)
                        continue;
                assert_true(rec.caplen <= size);
                memcpy(ret_data, rec.data, rec.caplen);
                assert_int_equal(pkt_parse_dlt(p, rec.linktype, ret_data, rec.caplen, rec.wire_len), 0);
                pkt_pcap_close(r);
                return;
        }
        fail_msg("%s has no packet %u", rel, index);
}

static const struct {
        const char *file;
        unsigned index;
        const char *line;
} golden[] = {
        { "dpkt/dns_icmp.pcap", 1,
          "ethernet/ip/udp/dns 192.168.43.9.51677 > 192.168.43.1.53 query PTR 8.8.8.8.in-addr.arpa" },
        { "dpkt/dns_icmp.pcap", 2,
          "ethernet/ip/udp/dns 192.168.43.1.53 > 192.168.43.9.51677 response PTR 8.8.8.8.in-addr.arpa 1 answer" },
        { "dpkt/dns_icmp.pcap", 3, "ethernet/ip/icmp/echo 192.168.43.9 > 8.8.8.8 echo-request id 55099 seq 0" },
        { "dpkt/dns_icmp.pcap", 4, "ethernet/ip/icmp/echo 8.8.8.8 > 192.168.43.9 echo-reply id 55099 seq 0" },
        { "pypacker/examples__packets_ether.pcap", 1, "ethernet/arp who-has 10.0.2.2 tell 10.0.2.15" },
        { "pypacker/examples__packets_ether.pcap", 2, "ethernet/arp 10.0.2.2 is-at 52:54:00:12:35:02" },
        { "dpkt/http.pcap", 1, "ethernet/ip/tcp 145.254.160.237.3372 > 65.208.228.223.80 [S] seq 951057939 win 8760" },
        { "dpkt/http.pcap", 2,
          "ethernet/ip/tcp 65.208.228.223.80 > 145.254.160.237.3372 [S.] seq 290218379 ack 951057940 win 5840" },
        { "dpkt/http.pcap", 4,
          "ethernet/ip/tcp/http 145.254.160.237.3372 > 65.208.228.223.80 [P.] seq 951057940 ack 290218380 win 9660 "
          "len 479 GET /download.html HTTP/1.1" },
        { "dpkt/http.pcap", 6,
          "ethernet/ip/tcp/http 65.208.228.223.80 > 145.254.160.237.3372 [.] seq 290218380 ack 951058419 win 6432 "
          "len 1380 HTTP/1.1 200 OK" },
        { "ndpi/custom_categories.pcapng", 1,
          "ethernet/ip6/tcp 2001:db8:1::1.64720 > 2001:db8:200::1.20868 [S] seq 3598119713 win 8192" },
        { "packetnet/ipv6_ndp.pcap", 1,
          "ethernet/ip6/icmp6/neighboursolicitation :: > ff02::1:fff5:0 neighbour-solicitation who-has "
          "fe80::c000:54ff:fef5:0" },
        { "packetnet/ipv6_ndp.pcap", 2,
          "ethernet/ip6/icmp6/neighbouradvertisement fe80::c000:54ff:fef5:0 > ff02::1 neighbour-advertisement tgt-is "
          "fe80::c000:54ff:fef5:0" },
        { "packetnet/ipv6_ndp.pcap", 3,
          "ethernet/ip6/icmp6/routeradvertisement fe80::c000:54ff:fef5:0 > ff02::1 router-advertisement" },
        { "packetnet/ipv6_ndp.pcap", 4,
          "ethernet/ip6/ip6hopoptsheader/icmp6/mldv2report fe80::c000:54ff:fef5:0 > ff02::16 "
          "mld2-listener-report code 0" },
        /* An ICMP error: the addresses are the error's, not those of the packet it quotes. */
        { "dpkt/nb6-http.pcap", 34,
          "ethernet/pppoe/ppp/ip/icmp/unreach/ip/udp/dns 95.136.242.99 > 109.0.66.10 unreachable port" },
        { "pcap4j/IcmpV4TimeExceededPacketTest.pcap", 1,
          "ethernet/ip/icmp/timeexceed/ip/icmp/echo 192.0.2.1 > 192.0.2.2 time-exceeded in-transit" },
        { "pcap4j/IcmpV6PacketTooBigPacketTest.pcap", 1,
          "ethernet/ip6/icmp6/toobig/ip6/icmp6/echo 2001:db8::3:2:2 > 2001:db8::3:2:1 too-big mtu 12345" },
        { "ndpi/FAX-Call-t38-CA-TDM-SIP-FB-1.pcap", 23,
          "ethernet/ip/udp/sip 10.35.60.72.5060 > 10.35.60.100.5060 INVITE "
          "sip:061963177-ikhuuep5bi123@10.35.60.100:5060;transport=udp SIP/2.0" },
        /* A tunnel: the inner addresses. */
        { "ndpi/6in4tunnel.pcap", 1,
          "ethernet/ip/ip6/icmp6/echo 2001:470:1f17:13f:3e97:eff:fe73:4dec > 2604:a880:1:20::224:b001 echo-request "
          "id 23951 seq 346" },
        { "ndpi/bfd.pcap", 1, "ethernet/dot1q/ip/udp 155.1.13.1.49152 > 155.1.13.3.3784 len 24" },
        { "libpcap/filter__carp.pcap", 1, "ethernet/ip/vrrp 10.53.199.124 > 224.0.0.18" },
        /* No network layer: the link addresses. */
        { "ndpi/teams.pcap", 2, "ethernet/llc/stp 78:28:ca:05:fa:cc > 01:80:c2:00:00:00" },
        { "libpcap/filter__Network_Join_Nokia_Mobile.pcap", 1, "ieee80211/probereq 00:16:bc:3d:aa:57 > ff:ff:ff:ff:ff:ff" },
        { "ndpi/ospfv2_add_new_prefix.pcap", 1, "ethernet/ip/ospf/ospflsu 10.1.10.10 > 10.1.10.1" },
        { "ndpi/esp.pcapng", 5, "ethernet/ip/esp 10.2.3.2 > 10.3.4.4" },
        { "ndpi/anyconnect-vpn.pcap", 8, "ethernet/ip/igmp 10.0.0.1 > 224.0.0.1" },
        { "libpcap/filter__dhcp-rfc3004.pcap", 1, "ethernet/ip/udp/dhcp 0.0.0.0.68 > 255.255.255.255.67 len 300" },
        { "ndpi/NTPv2.pcap", 1, "ethernet/ip/udp/ntppriv 208.104.95.10.123 > 78.46.76.2.80 len 368" },
        { "ndpi/rdp_over_tls.pcap", 4,
          "ethernet/dot1q/ip/tcp/tpkt/cotp 91.238.181.21.35888 > 89.31.79.12.3389 [P.] seq 4159259295 ack 989763421 "
          "win 256 len 47" },
        /* Flagged layers. */
        { "dpkt/truncated_dns.pcap", 1,
          "ethernet/ip/udp/dns 192.168.1.100.53 > 24.157.241.171.18741 response A api.spd.samsungdm.com 9 answers "
          "[truncated]" },
        { "ndpi/dns_fragmented.pcap", 5,
          "ethernet/ip6/ip6fragmentheader/udp/dns 2001:470:765b::a25:53.53 > 2a00:1450:4013:c03::10a.46433 response "
          "AAAA pa.weberlab.de 2 answers [truncated]" },
        { "ndpi/gnutella.pcap", 1, "ethernet [truncated]" },
        { "ndpi/fuzz-2006-06-26-2594.pcap", 45, "ethernet/ip 147.234.1.253 > 192.168.1.2 [malformed]" },
        { "ndpi/dhcp-fuzz.pcapng", 1,
          "ethernet/ip/udp/dhcp 192.168.155.104.68 > 255.255.255.255.67 len 300 [malformed]" },
};

static void
test_summary_lines_of_corpus_packets(void **state)
{
        static uint8_t data[262144];
        struct pktp_buf b;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        pktp_buf_init(&b, 1u << 20);
        for (size_t i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
                corpus_packet(golden[i].file, golden[i].index, &p, data, sizeof(data));
                pktp_buf_reset(&b);
                assert_int_equal(pktp_packet_summary(&b, &p), 0);
                if (strcmp(b.data, golden[i].line) != 0)
                        fail_msg("%s #%u:\n got  %s\n want %s", golden[i].file, golden[i].index, b.data,
                                 golden[i].line);
        }
        pkt_done(&p);
        pktp_buf_done(&b);
}

/* The line of @spec, built, serialised and parsed again from Ethernet (as a capture would see it). */
static void
assert_built_line(const char *spec, const char *want)
{
        struct pkt built, p;
        const uint8_t *d;
        struct pktp_buf b;

        pkt_init(&built);
        pkt_init(&p);
        pktp_buf_init(&b, 4096);
        size_t n = tu_build(&built, spec, &d);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, d, n, n), 0);
        assert_int_equal(pktp_packet_summary(&b, &p), 0);
        if (strcmp(b.data, want) != 0)
                fail_msg("%s:\n got  %s\n want %s", spec, b.data, want);
        pktp_buf_done(&b);
        pkt_done(&p);
        pkt_done(&built);
}

static void
test_summary_lines_of_built_packets(void **state)
{
        (void)state;
        assert_built_line("ethernet/ip(src=192.0.2.1,dst=192.0.2.2)/icmp(type=8)/echo(id=1,seq=1)",
                          "ethernet/ip/icmp/echo 192.0.2.1 > 192.0.2.2 echo-request id 1 seq 1");
        assert_built_line("ethernet/ip6(src=2001:db8::1,dst=2001:db8::2)/tcp(sport=40000,dport=80,seq=1,flags=SYN,"
                          "win=64240)",
                          "ethernet/ip6/tcp 2001:db8::1.40000 > 2001:db8::2.80 [S] seq 1 win 64240");
        assert_built_line("ethernet/arp(op=REQUEST,sha=02:00:00:00:00:01,spa=192.0.2.1,tpa=192.0.2.2)",
                          "ethernet/arp who-has 192.0.2.2 tell 192.0.2.1");
        assert_built_line("ethernet/arp(op=REPLY,sha=02:00:00:00:00:02,spa=192.0.2.2,tha=02:00:00:00:00:01,"
                          "tpa=192.0.2.1)",
                          "ethernet/arp 192.0.2.2 is-at 02:00:00:00:00:02");
        assert_built_line("ethernet/ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=5353,dport=53)/"
                          "dns(id=1,flags=0x0100,queries=[q(name=example.com,type=A)])",
                          "ethernet/ip/udp/dns 192.0.2.1.5353 > 192.0.2.2.53 query A example.com");
        assert_built_line("ethernet/ip(src=192.0.2.2,dst=192.0.2.1)/tcp(sport=80,dport=40000,seq=7,ack=2,"
                          "flags=RST|ACK,win=0)",
                          "ethernet/ip/tcp 192.0.2.2.80 > 192.0.2.1.40000 [R.] seq 7 ack 2 win 0");
}

/* A frame cut inside the IPv4 header: the stack says how far it got, and the IPv4 addresses being
 * out of reach, the link addresses stand in. */
static void
test_summary_of_a_cut_frame_marks_it_truncated(void **state)
{
        struct pkt built, p;
        const uint8_t *d;
        struct pktp_buf b;

        (void)state;
        pkt_init(&built);
        pkt_init(&p);
        pktp_buf_init(&b, 4096);
        tu_build(&built, "ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)/ip(src=192.0.2.1,dst=192.0.2.2)/"
                           "udp(sport=1,dport=2)",
                 &d);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, d, 14 + 12, 42), 0);
        assert_int_equal(pktp_packet_summary(&b, &p), 0);
        assert_string_equal(b.data, "ethernet/ip 02:00:00:00:00:01 > 02:00:00:00:00:02 [truncated]");
        pktp_buf_done(&b);
        pkt_done(&p);
        pkt_done(&built);
}

/* A stack of 30 IPv6 extension headers names more than a line holds: cut at the cap, marked. */
static void
test_summary_is_capped(void **state)
{
        char spec[2048] = "ethernet/ip6(src=2001:db8::1,dst=2001:db8::2)";
        struct pkt built, p;
        const uint8_t *d;
        struct pktp_buf b;

        (void)state;
        for (int i = 0; i < 28; i++)
                strcat(spec, "/ip6dstoptsheader");
        strcat(spec, "/udp(sport=1,dport=2)");
        pkt_init(&built);
        pkt_init(&p);
        pktp_buf_init(&b, 1u << 16);
        size_t n = tu_build(&built, spec, &d);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, d, n, n), 0);
        assert_int_equal(pktp_packet_summary(&b, &p), 0);
        assert_int_equal(b.len, PKTP_SUMMARY_MAX);
        assert_memory_equal(b.data + b.len - 3, "...", 3);
        assert_memory_equal(b.data, "ethernet/ip6/ip6dstoptsheader/", 30);
        pktp_buf_done(&b);
        pkt_done(&p);
        pkt_done(&built);
}

/* Corpus files of at most this many packets: every kind of capture, in a test that stays short. */
#define ASCII_MAX_PACKETS 3000

/* Every packet of the corpus: one line of printable ASCII within the cap, whatever the packet holds. */
static void
test_every_corpus_summary_is_one_line_of_printable_ascii(void **state)
{
        char line[4096];
        FILE *idx = fopen(tu_corpus("index.tsv"), "r");
        struct pktp_buf b;
        unsigned files = 0, packets = 0;
        struct pkt p;

        (void)state;
        assert_non_null(idx);
        pktp_buf_init(&b, 1u << 20);
        pkt_init(&p);
        assert_non_null(fgets(line, sizeof(line), idx));
        while (fgets(line, sizeof(line), idx)) {
                char *cols[6] = { line };
                for (int i = 1; i < 6 && cols[i - 1]; i++) {
                        cols[i] = strchr(cols[i - 1], '\t');
                        if (cols[i])
                                *cols[i]++ = '\0';
                }
                if (!cols[5] || strtoul(cols[5], NULL, 10) > ASCII_MAX_PACKETS)
                        continue;
                struct pkt_pcap *r;
                if (pkt_pcap_open(tu_corpus(cols[0]), &r) < 0)
                        continue;
                struct pkt_pcap_rec rec;
                while (pkt_pcap_next(r, &rec) == 1) {
                        assert_int_equal(pkt_parse_dlt(&p, rec.linktype, rec.data, rec.caplen, rec.wire_len), 0);
                        pktp_buf_reset(&b);
                        assert_int_equal(pktp_packet_summary(&b, &p), 0);
                        assert_true(b.len > 0 && b.len <= PKTP_SUMMARY_MAX);
                        for (size_t i = 0; i < b.len; i++)
                                if (b.data[i] < 0x20 || b.data[i] >= 0x7f)
                                        fail_msg("%s: byte 0x%02x in %s", cols[0], (unsigned char)b.data[i], b.data);
                        packets++;
                }
                pkt_pcap_close(r);
                files++;
        }
        fclose(idx);
        pkt_done(&p);
        pktp_buf_done(&b);
        printf("# %u packets of %u captures summarised\n", packets, files);
        assert_true(files > 1000);
}

static struct json_object *
parse_strict(const char *text, size_t len)
{
        struct json_tokener *tok = json_tokener_new();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        struct json_object *o = json_tokener_parse_ex(tok, text, (int)len);
        if (!o || json_tokener_get_error(tok) != json_tokener_success)
                fail_msg("does not parse: %.400s", text);
        json_tokener_free(tok);
        return o;
}

static int64_t
member_int(struct json_object *o, const char *key)
{
        struct json_object *v;

        assert_true(json_object_object_get_ex(o, key, &v));
        assert_true(json_object_is_type(v, json_type_int));
        return json_object_get_int64(v);
}

static void
test_captured_write_each_form_parses_back(void **state)
{
        static uint8_t data[262144];
        const uint64_t ts = UINT64_C(1764160000123456789);
        struct pktp_buf b, want;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        pktp_buf_init(&b, 1u << 20);
        pktp_buf_init(&want, 1u << 20);
        /* A DNS response (names with escapes, elements) and a truncated one. */
        const struct {
                const char *file;
                unsigned index;
        } cases[] = { { "dpkt/dns_icmp.pcap", 2 }, { "dpkt/truncated_dns.pcap", 1 }, { "dpkt/http.pcap", 4 } };
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
                for (int form = PKTP_FORM_SUMMARY; form <= PKTP_FORM_RAW; form++) {
                        struct json_object *o, *v;
                        corpus_packet(cases[k].file, cases[k].index, &p, data, sizeof(data));
                        struct pktp_captured c = { .ts_ns = ts, .p = &p, .form = (enum pktp_form)form };
                        pktp_buf_reset(&b);
                        assert_int_equal(pktp_captured_write(&b, &c), 0);
                        o = parse_strict(b.data, b.len);
                        assert_int_equal(json_object_object_length(o), 4);
                        assert_int_equal(member_int(o, "tsNs"), (int64_t)ts);
                        assert_int_equal(member_int(o, "caplen"), pkt_len(&p));
                        assert_int_equal(member_int(o, "len"), p.wire_len);
                        pktp_buf_reset(&want);
                        if (form == PKTP_FORM_SUMMARY) {
                                assert_true(json_object_object_get_ex(o, "summary", &v));
                                assert_int_equal(pktp_packet_summary(&want, &p), 0);
                                assert_string_equal(json_object_get_string(v), want.data);
                        } else if (form == PKTP_FORM_LAYERS) {
                                assert_true(json_object_object_get_ex(o, "layers", &v));
                                assert_true(json_object_is_type(v, json_type_array));
                                assert_int_equal(json_object_array_length(v), p.n_layers);
                                /* Byte for byte the layers form of pktp_packet_write_layers(). */
                                char head[128];
                                snprintf(head, sizeof(head), "{\"tsNs\":%llu,\"caplen\":%u,\"len\":%u,\"layers\":",
                                         (unsigned long long)ts, (unsigned)pkt_len(&p), (unsigned)p.wire_len);
                                assert_int_equal(pktp_packet_write_layers(&want, &p), 0);
                                assert_int_equal(b.len, strlen(head) + want.len + 1);
                                assert_memory_equal(b.data, head, strlen(head));
                                assert_memory_equal(b.data + strlen(head), want.data, want.len);
                                assert_int_equal(b.data[b.len - 1], '}');
                        } else {
                                uint8_t *bytes;
                                size_t n;
                                assert_true(json_object_object_get_ex(o, "data", &v));
                                const char *s = json_object_get_string(v);
                                assert_int_equal(pktp_base64_decode(s, strlen(s), &bytes, &n), 0);
                                assert_int_equal(n, pkt_len(&p));
                                assert_memory_equal(bytes, pkt_data(&p), n);
                                free(bytes);
                        }
                        json_object_put(o);
                }
        }
        pkt_done(&p);
        pktp_buf_done(&b);
        pktp_buf_done(&want);
}

static void
test_captured_write_refuses_bad_arguments_and_leaves_nothing_half_written(void **state)
{
        static uint8_t data[262144];
        struct pktp_buf b;
        struct pkt p;
        enum pktp_form form;

        (void)state;
        pkt_init(&p);
        corpus_packet("dpkt/http.pcap", 4, &p, data, sizeof(data));
        pktp_buf_init(&b, 1u << 20);
        struct pktp_captured c = { .ts_ns = 1, .p = &p, .form = (enum pktp_form)7 };
        assert_int_equal(pktp_captured_write(&b, &c), -EINVAL);
        assert_int_equal(b.len, 0);
        c.form = PKTP_FORM_LAYERS;
        c.p = NULL;
        assert_int_equal(pktp_captured_write(&b, &c), -EINVAL);
        assert_int_equal(pktp_captured_write(NULL, &c), -EINVAL);
        assert_int_equal(pktp_captured_write(&b, NULL), -EINVAL);
        pktp_buf_done(&b);

        /* A cap the dissection does not fit in: -EMSGSIZE, and what was there before stays. */
        c.p = &p;
        pktp_buf_init(&b, 300);
        assert_int_equal(pktp_buf_puts(&b, "[\n"), 0);
        assert_int_equal(pktp_captured_write(&b, &c), -EMSGSIZE);
        assert_int_equal(b.len, 2);
        assert_string_equal(b.data, "[\n");
        pktp_buf_done(&b);

        assert_int_equal(pktp_form_from_name("summary", &form), 0);
        assert_int_equal(form, PKTP_FORM_SUMMARY);
        assert_int_equal(pktp_form_from_name("layers", &form), 0);
        assert_int_equal(form, PKTP_FORM_LAYERS);
        assert_int_equal(pktp_form_from_name("raw", &form), 0);
        assert_int_equal(form, PKTP_FORM_RAW);
        assert_int_equal(pktp_form_from_name("Raw", &form), -EINVAL);
        assert_int_equal(pktp_form_from_name("", &form), -EINVAL);
        assert_int_equal(pktp_form_from_name(NULL, &form), -EINVAL);
        pkt_done(&p);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_summary_lines_of_corpus_packets),
                cmocka_unit_test(test_summary_lines_of_built_packets),
                cmocka_unit_test(test_summary_of_a_cut_frame_marks_it_truncated),
                cmocka_unit_test(test_summary_is_capped),
                cmocka_unit_test(test_every_corpus_summary_is_one_line_of_printable_ascii),
                cmocka_unit_test(test_captured_write_each_form_parses_back),
                cmocka_unit_test(test_captured_write_refuses_bad_arguments_and_leaves_nothing_half_written),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
