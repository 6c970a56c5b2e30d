/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP, NTP, RTP, DHCP and RIP (layers/transport/sctp*.c, layers/app/{ntp,rtp,dhcp,rip}.c): building
 * against scapy, dissecting corpus frames against tshark, CRC-32c, hostile input and truncation. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>
#include <pkt/sctp.h>

#include "testutil.h"

/* scapy 2.5: IP(src="192.0.2.1",dst="192.0.2.2")/SCTP(sport=5000,dport=5001)/SCTPChunkInit(
 *        init_tag=0x01020304,a_rwnd=65535,n_out_streams=10,n_in_streams=10,init_tsn=1) */
static const char sctp_init_hex[] = "45000034000100004084f641c0000201c00002021388138900000000c9e6473e0100001401020304"
                                    "0000ffff000a000a00000001";
/* scapy 2.5: IP(src="192.0.2.1",dst="192.0.2.2")/SCTP(sport=5000,dport=5001,tag=1)/SCTPChunkData(
 *        beginning=1,ending=1,tsn=2,proto_id=46,data=b"abcdefgh") */
static const char sctp_data_hex[] = "45000038000100004084f63dc0000201c000020213881389000000018dd211ca000300180000000200"
                                    "0000000000002e6162636465666768";
/* scapy 2.5: IP(src="192.0.2.1",dst="192.0.2.2")/SCTP(sport=5000,dport=5001)/SCTPChunkInit(init_tag=7,
 *        a_rwnd=1500,n_out_streams=1,n_in_streams=1,init_tsn=9,params=[SCTPChunkParamIPv4Addr(
 *        addr="192.0.2.1"),SCTPChunkParamCookiePreservative(sug_cookie_inc=1000)]) */
static const char sctp_params_hex[] = "45000044000100004084f631c0000201c0000202138813890000000015b3678a01000024000000"
                                      "07000005dc000100010000000900050008c000020100090008000003e8";
/* scapy 2.5: BOOTP(xid=0x01020304,chaddr=bytes.fromhex("020000000001"))/DHCP(options=[
 *        ("message-type","discover"),("param_req_list",[1,3,15,6]),"end"]) */
static const char dhcp_tail_hex[] = "63825363350101370401030f06ff";
/* scapy 2.5: RIP(cmd=2,version=2)/RIPAuth(authtype=2,password=b"secret")/RIPEntry(AF=2,addr="10.0.0.0",
 *        mask="255.0.0.0",metric=1) */
static const char rip_auth_hex[] = "02020000ffff000273656372657400000000000000000000000200000a000000ff000000000000"
                                   "0000000001";
/* scapy 2.5: NTPHeader(leap=0,version=4,mode=4,stratum=2,poll=6,precision=-23,delay=0x0450/65536,
 *        dispersion=0x0810/65536,id="192.0.2.1",ref=0xd97e5e80,orig=0xd97e5e8a,recv=0xd97e5e8b,
 *        sent=0xd97e5e8c) */
static const char ntp_server_hex[] = "240206e90000045000000810c0000201d97e5e8000000000d97e5e8a00000000d97e5e8b0000"
                                     "0000d97e5e8c00000000";
/* scapy 2.5: RTP(version=2,marker=1,payload_type=8,sequence=7,timestamp=320,sourcesync=1,
 *        sync=[0x0a0b0c0d,0x01020304]) */
static const char rtp_csrc_hex[] = "8288000700000140000000010a0b0c0d01020304";
/* scapy 2.5: RTP(version=2,extension=1,payload_type=96,sequence=2,timestamp=3,sourcesync=4)/
 *        RTPExtension(header_id=0xbede,header=[0x11223344,0x55667788]) */
static const char rtp_ext_hex[] = "906000020000000300000004bede00021122334455667788";

static void
assert_build(const char *spec, const char *want_hex)
{
        uint8_t want[1024];
        const uint8_t *d;
        struct pkt p;

        pkt_init(&p);
        size_t n = tu_build(&p, spec, &d);
        size_t wn = tu_hex(want_hex, want, sizeof(want));
        tu_assert_bytes(d, n, want, wn);
        pkt_done(&p);
}

/* Copies packet @no (1-based) of corpus file @rel into @buf. Returns caplen; *@ret_wire, *@ret_dlt. */
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
        assert_true(n > 0);
        return n;
}

/* Parses corpus packet @no of @rel into @p (bytes in @buf) and returns the index of layer @proto. */
static int
corpus_layer(struct pkt *p, uint8_t *buf, size_t size, const char *rel, unsigned no, unsigned proto)
{
        size_t wire;
        int dlt;
        size_t n = corpus_packet(rel, no, buf, size, &wire, &dlt);

        pkt_init(p);
        assert_int_equal(pkt_parse_dlt(p, dlt, buf, n, wire), 0);
        int idx = pkt_layer_find(p, proto, 0);
        assert_true(idx >= 0);
        return idx;
}

static uint64_t
elem_u64(struct pkt *p, unsigned idx, const char *set, unsigned nth, const char *name)
{
        unsigned i = 0;
        uint64_t v = UINT64_MAX;

        PKT_ELEM_FOREACH(p, idx, set, e)
        {
                if (i++ == nth) {
                        assert_int_equal(pkt_elem_get_u64(p, idx, &e, name, &v), 0);
                        return v;
                }
        }
        fail_msg("no element %u in %s", nth, set);
        return v;
}

static unsigned
elem_count(struct pkt *p, unsigned idx, const char *set)
{
        unsigned n = 0;

        PKT_ELEM_FOREACH(p, idx, set, e)
        n++;
        return n;
}

/* ---- SCTP ---- */

static void
test_sctp_init_builds_as_scapy_with_crc32c(void **state)
{
        (void)state;
        assert_build("ip(src=192.0.2.1,dst=192.0.2.2,id=1)/sctp(sport=5000,dport=5001,chunks=[init(init_tag="
                     "0x01020304,a_rwnd=65535,n_out_streams=10,n_in_streams=10,init_tsn=1)])",
                     sctp_init_hex);
}

static void
test_sctp_data_chunk_length_covers_payload_layer(void **state)
{
        (void)state;
        assert_build("ip(src=192.0.2.1,dst=192.0.2.2,id=1)/sctp(sport=5000,dport=5001,vtag=1,chunks=[data("
                     "flags=3,tsn=2,ppid=46)])/raw(\"abcdefgh\")",
                     sctp_data_hex);
}

static void
test_sctp_params_extend_the_last_chunk(void **state)
{
        (void)state;
        assert_build("ip(src=192.0.2.1,dst=192.0.2.2,id=1)/sctp(sport=5000,dport=5001,chunks=[init(init_tag=7,"
                     "a_rwnd=1500,n_out_streams=1,n_in_streams=1,init_tsn=9)],params=[ipv4(addr=192.0.2.1),"
                     "cookie_preservative(increment=1000)])",
                     sctp_params_hex);
}

/* The forms the JSON writer gives: a chunk or parameter named by its set's element name, its type an
 * argument, a parameter's whole value as "value". They build what the names by type build. */
static void
test_sctp_generic_chunk_and_param_forms_build_as_by_type(void **state)
{
        (void)state;
        assert_build("ip(src=192.0.2.1,dst=192.0.2.2,id=1)/sctp(sport=5000,dport=5001,chunks=[chunk(type=1,"
                     "flags=0,init_tag=7,a_rwnd=1500,n_out_streams=1,n_in_streams=1,init_tsn=9)],params=["
                     "param(type=5,value=c0000201),param(type=COOKIE_PRESERVATIVE,increment=1000)])",
                     sctp_params_hex);
        /* a chunk named "chunk" needs its type */
        struct pkt p;
        pkt_init(&p);
        assert_int_equal(pkt_push(&p, PKT_PROTO_SCTP), 0);
        assert_int_equal(pkt_elem_add(&p, 0, "chunks", "chunk(flags=0)"), -EINVAL);
        assert_int_equal(pkt_elem_add(&p, 0, "params", "param(value=01)"), -EINVAL);
        pkt_done(&p);
}

/* RFC 9260 3.3.5: a HEARTBEAT's value is its Heartbeat Info parameter. The chunk has no field of its
 * own over it (so the chunk and the parameter never hold the same bytes), the parameter builds it, and
 * the chunk length covers it. scapy 2.5: SCTPChunkHeartbeatReq(params=[SCTPChunkParamHeartbeatInfo(
 * data=b"\x01\x02\x03")]) is 04 00 00 0b | 00 01 00 07 01 02 03 | 00. */
static void
test_sctp_heartbeat_info_is_a_parameter(void **state)
{
        static const uint8_t chunk[] = { 0x04, 0x00, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x07, 1, 2, 3, 0 };
        const uint8_t *d;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        size_t n = tu_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2)/sctp(sport=1,dport=2,chunks=[heartbeat],"
                                "params=[heartbeat_info(info=010203)])", &d);
        assert_int_equal(n, 20 + 12 + sizeof(chunk));
        assert_memory_equal(d + 32, chunk, sizeof(chunk));
        assert_int_equal(elem_count(&p, 1, "chunks"), 1);
        assert_int_equal(elem_u64(&p, 1, "chunks", 0, "len"), 11);
        assert_int_equal(elem_count(&p, 1, "params"), 1);
        assert_string_equal(tu_elem_str(&p, 1, "params", 0, "info"), "010203");
        pkt_done(&p);
}

static void
test_sctp_params_need_a_chunk_that_takes_them(void **state)
{
        char err[256];
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_true(pkt_build(&p, "sctp(chunks=[sack(cum_tsn=1)],params=[ipv4(addr=192.0.2.1)])", err,
                              sizeof(err)) < 0);
        pkt_done(&p);
}

static void
test_sctp_explicit_checksum_wins(void **state)
{
        const uint8_t *d;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        size_t n = tu_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2)/sctp(sum=0x01020304,chunks=[cookie_ack])", &d);
        assert_int_equal(n, 20 + 12 + 4);
        assert_memory_equal(d + 28, "\x01\x02\x03\x04", 4);
        assert_int_equal(pkt_sctp_checksum_check(&p, 1), 0);
        pkt_done(&p);
}

/* tshark -o 'sctp.checksum:CRC 32c': zeek/communityid__sctp.pcap frames 1-3 status 1 (good),
 * pypacker/packets_sctp.pcap frame 1 status 0 (bad). */
static void
test_sctp_checksum_check_agrees_with_tshark(void **state)
{
        uint8_t buf[2048];
        struct pkt p;

        (void)state;
        for (unsigned no = 1; no <= 3; no++) {
                int idx = corpus_layer(&p, buf, sizeof(buf), "zeek/communityid__sctp.pcap", no, PKT_PROTO_SCTP);
                assert_int_equal(pkt_sctp_checksum_check(&p, (unsigned)idx), 1);
                pkt_done(&p);
        }
        int idx = corpus_layer(&p, buf, sizeof(buf), "pypacker/packets_sctp.pcap", 1, PKT_PROTO_SCTP);
        assert_int_equal(pkt_sctp_checksum_check(&p, (unsigned)idx), 0);
        assert_int_equal(pkt_sctp_checksum_check(&p, 0), -ENOENT);
        pkt_done(&p);
}

/* tshark: pypacker/packets_sctp.pcap frame 1 is one DATA chunk, vtag 0x00016f0a, PPID 7, 91 bytes. */
static void
test_sctp_first_data_chunk_payload_is_the_next_layer(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        size_t n;

        (void)state;
        int idx = corpus_layer(&p, buf, sizeof(buf), "pypacker/packets_sctp.pcap", 1, PKT_PROTO_SCTP);
        assert_string_equal(tu_field(&p, (unsigned)idx, "vtag"), "0x00016f0a");
        assert_int_equal(elem_count(&p, (unsigned)idx, "chunks"), 1);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "chunks", 0, "type"), 0);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "chunks", 0, "len"), 91);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "chunks", 0, "ppid"), 7);
        /* the user data is the next layer; the chunk's padding stays in this one, after it */
        assert_non_null(pkt_layer_payload(&p, (unsigned)idx, &n));
        assert_int_equal(n, 92 - 16);
        assert_int_equal(pkt_layer(&p, (unsigned)idx + 1)->proto, PKT_PROTO_RAW);
        assert_int_equal(pkt_layer(&p, (unsigned)idx + 1)->len, 91 - 16);
        pkt_done(&p);
}

/* tshark: zeek/communityid__sctp.pcap frame 1 is an INIT with parameters 0xc000 and 0x000c. */
static void
test_sctp_init_parameters_are_elements(void **state)
{
        uint8_t buf[2048];
        struct pkt p;

        (void)state;
        int idx = corpus_layer(&p, buf, sizeof(buf), "zeek/communityid__sctp.pcap", 1, PKT_PROTO_SCTP);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "chunks", 0, "type"), 1);
        assert_int_equal(elem_count(&p, (unsigned)idx, "params"), 2);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "params", 0, "type"), 0xc000);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "params", 1, "type"), 0x000c);
        pkt_done(&p);
}

static void
test_sctp_zero_length_chunk_is_malformed_and_ends_the_walk(void **state)
{
        /* common header, then a chunk claiming length 0 (RFC 9260 3.2: at least 4) */
        static const uint8_t bad[] = { 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0 };
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_SCTP, bad, sizeof(bad), sizeof(bad)), 0);
        assert_true(pkt_layer(&p, 0)->flags & PKT_LAYER_MALFORMED);
        assert_int_equal(elem_count(&p, 0, "chunks"), 1);
        assert_int_equal(elem_count(&p, 0, "params"), 0);
        pkt_done(&p);
}

/* ---- NTP, RTP, DHCP, RIP ---- */

static void
test_ntp_server_reply_builds_as_scapy(void **state)
{
        (void)state;
        assert_build("ntp(flags=0x24,stratum=2,interval=6,precision=0xe9,delay=0x0450,dispersion=0x0810,"
                     "id=c0000201,update_time=0xd97e5e8000000000,originate_time=0xd97e5e8a00000000,"
                     "receive_time=0xd97e5e8b00000000,transmit_time=0xd97e5e8c00000000)",
                     ntp_server_hex);
}

/* tshark: ndpi/NTPv4.pcap frame 1: precision 235 (-21), rootdelay 1104, refid 83bc03df, mode 3. */
static void
test_ntp_corpus_fields_match_tshark(void **state)
{
        uint8_t buf[2048];
        struct pkt p;
        uint64_t v;

        (void)state;
        int idx = corpus_layer(&p, buf, sizeof(buf), "ndpi/NTPv4.pcap", 1, PKT_PROTO_NTP);
        assert_string_equal(tu_field(&p, (unsigned)idx, "precision"), "-21");
        assert_int_equal(pkt_field_get_u64(&p, (unsigned)idx, "delay", &v), 0);
        assert_int_equal(v, 1104);
        assert_string_equal(tu_field(&p, (unsigned)idx, "id"), "83bc03df");
        assert_int_equal(pkt_field_get_u64(&p, (unsigned)idx, "mode", &v), 0);
        assert_int_equal(v, 3);
        pkt_done(&p);
}

static void
test_rtp_csrc_list_and_extension_build_as_scapy(void **state)
{
        (void)state;
        assert_build("rtp(m=1,pt=8,seq=7,ts=320,ssrc=1,csrc=[csrc(0x0a0b0c0d),csrc(0x01020304)])", rtp_csrc_hex);
        assert_build("rtp(pt=96,seq=2,ts=3,ssrc=4,ext=[ext(profile=0xbede,data=1122334455667788)])", rtp_ext_hex);
}

static void
test_rtp_registered_port_dissects_and_padding_is_not_payload(void **state)
{
        /* V=2 P=1 PT 0, 12-byte header, 2 payload bytes then 2 bytes of padding (count 2) */
        static const uint8_t rtp[] = { 0xa0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xaa, 0xbb, 0, 2 };
        static const uint8_t bad[] = { 0xa0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xaa, 0xbb, 0, 9 };
        struct pkt p;
        size_t n;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_RTP, rtp, sizeof(rtp), sizeof(rtp)), 0);
        assert_non_null(pkt_layer_payload(&p, 0, &n));
        assert_int_equal(n, 4);
        assert_int_equal(pkt_layer(&p, 1)->len, 2); /* the padding is a trailer of the RTP layer */
        assert_int_equal(pkt_parse(&p, PKT_PROTO_RTP, bad, sizeof(bad), sizeof(bad)), 0);
        assert_true(pkt_layer(&p, 0)->flags & PKT_LAYER_MALFORMED);
        /* A user-registered port selects RTP (our registry does not guess dynamic ports). */
        assert_int_equal(pkt_key_register(PKT_KEY_UDP_PORT, 16384, PKT_PROTO_RTP), 0);
        const uint8_t *d;
        size_t len = tu_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=16384,dport=16385)/raw(hex="
                                  "80000001000000020000000300)", &d);
        uint8_t copy[64];
        memcpy(copy, d, len);
        struct pkt q;
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_IP, copy, len, len), 0);
        assert_int_equal(pkt_layer_find(&q, PKT_PROTO_RTP, 0), 2);
        pkt_done(&q);
        pkt_done(&p);
}

static void
test_dhcp_discover_builds_as_scapy(void **state)
{
        uint8_t want[512];
        const uint8_t *d;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        size_t n = tu_build(&p, "dhcp(xid=0x01020304,chaddr=02000000000100000000000000000000,opts=[msgtype("
                                "DISCOVER),param_req_list(list=01030f06),end])", &d);
        /* scapy's BOOTP: op 1, htype 1, hlen 6, xid, chaddr; zeros elsewhere up to the cookie */
        memset(want, 0, 236);
        memcpy(want, "\x01\x01\x06\x00\x01\x02\x03\x04", 8);
        memcpy(want + 28, "\x02\x00\x00\x00\x00\x01", 6);
        size_t wn = 236 + tu_hex(dhcp_tail_hex, want + 236, sizeof(want) - 236);
        tu_assert_bytes(d, n, want, wn);
        pkt_done(&p);
}

/* The form the JSON writer gives an option (its type and length as arguments, its bytes and the
 * fields that read them) builds the same bytes as the option by name; the bytes win over the fields
 * (they read the same bytes). */
static void
test_dhcp_option_in_json_form_builds_as_by_name(void **state)
{
        const uint8_t *a, *b;
        struct pkt p, q;

        (void)state;
        pkt_init(&p);
        pkt_init(&q);
        size_t n = tu_build(&p, "dhcp(opts=[requested_ip(192.0.2.7),msgtype(REQUEST),end])", &a);
        size_t m = tu_build(&q, "dhcp(opts=[opt(type=50,len=4,body_bytes=c0000207,addr=192.0.2.7),"
                                "opt(type=53,msgtype=3),opt(type=255)])",
                            &b);
        tu_assert_bytes(b, m, a, n);
        pkt_done(&q);
        pkt_init(&q);
        /* A given length is written as given. */
        m = tu_build(&q, "dhcp(opts=[opt(type=12,len=9,text=\"pc\")])", &b);
        assert_int_equal(m, 240 + 4);
        assert_memory_equal(b + 240, "\x0c\x09pc", 4);
        pkt_done(&q);
        pkt_done(&p);
}

/* tshark: zeek/dhcp__dhcp_discover_param_req_and_client_id.pcap frame 1: xid 0x00003d11, options
 * 53 (DISCOVER, length 1), 61 (length 7), 50, 55, 12. */
static void
test_dhcp_corpus_options_match_tshark(void **state)
{
        uint8_t buf[2048];
        struct pkt p;

        (void)state;
        int idx = corpus_layer(&p, buf, sizeof(buf), "zeek/dhcp__dhcp_discover_param_req_and_client_id.pcap", 1,
                               PKT_PROTO_DHCP);
        assert_string_equal(tu_field(&p, (unsigned)idx, "xid"), "0x00003d11");
        static const unsigned types[] = { 53, 61, 50, 55, 12 }, lens[] = { 1, 7, 4, 4, 8 };
        for (unsigned i = 0; i < 5; i++) {
                assert_int_equal(elem_u64(&p, (unsigned)idx, "opts", i, "type"), types[i]);
                assert_int_equal(elem_u64(&p, (unsigned)idx, "opts", i, "len"), lens[i]);
        }
        assert_int_equal(elem_u64(&p, (unsigned)idx, "opts", 0, "msgtype"), 1);
        pkt_done(&p);
}

static void
test_dhcp_option_past_the_message_is_malformed(void **state)
{
        uint8_t msg[244] = { 1, 1, 6 };
        struct pkt p;

        (void)state;
        memcpy(msg + 236, "\x63\x82\x53\x63\x35\x09\x01\x02", 8); /* msgtype claims 9 bytes, 2 are there */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_DHCP, msg, sizeof(msg), sizeof(msg)), 0);
        assert_true(pkt_layer(&p, 0)->flags & PKT_LAYER_MALFORMED);
        assert_int_equal(elem_count(&p, 0, "opts"), 1);
        pkt_done(&p);
}

/* Only pad follows the end option (RFC 2131 4.1): those bytes are the layer's trailer (tshark's
 * "Padding"), which the JSON writer carries and a built message gets back with pkt_trailer_append(). */
static void
test_dhcp_pad_after_end_is_the_trailer(void **state)
{
        uint8_t msg[236 + 4 + 3 + 1 + 6] = { 1, 1, 6 };
        const uint8_t *t, *d;
        size_t n;
        struct pkt p, q;

        (void)state;
        memcpy(msg + 236, "\x63\x82\x53\x63\x35\x01\x01\xff", 8); /* DISCOVER, end, 6 pad bytes */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_DHCP, msg, sizeof(msg), sizeof(msg)), 0);
        assert_int_equal(pkt_layer(&p, 0)->hdr_len, sizeof(msg) - 6);
        assert_false(pkt_layer(&p, 0)->flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        assert_int_equal(elem_count(&p, 0, "opts"), 2);
        t = pkt_layer_trailer(&p, 0, &n);
        assert_int_equal(n, 6);
        assert_non_null(t);
        pkt_init(&q);
        tu_build(&q, "dhcp(opts=[msgtype(DISCOVER),end])", &d);
        assert_int_equal(pkt_trailer_append(&q, 0, t, n), 0);
        size_t m = (size_t)pkt_serialize(&q, 0, &d);
        tu_assert_bytes(d + 236, m - 236, msg + 236, sizeof(msg) - 236);
        pkt_done(&q);
        pkt_done(&p);
}

static void
test_rip_auth_entry_builds_as_scapy(void **state)
{
        (void)state;
        assert_build("rip(cmd=response,v=2,rte_auth=[auth(type=2,auth=\"secret\"),rte(addr=10.0.0.0,"
                     "subnet=255.0.0.0,metric=1)])",
                     rip_auth_hex);
}

/* tshark: tcpdump/ripv2_auth.pcap frame 2: password abcdefghijklmnop, route 10.70.178.0 metric 1. */
static void
test_rip_corpus_auth_and_route_match_tshark(void **state)
{
        uint8_t buf[2048];
        char text[64];
        struct pkt p;
        unsigned i = 0;

        (void)state;
        int idx = corpus_layer(&p, buf, sizeof(buf), "tcpdump/ripv2_auth.pcap", 2, PKT_PROTO_RIP);
        PKT_ELEM_FOREACH(&p, (unsigned)idx, "rte_auth", e)
        {
                if (i == 0) {
                        assert_true(pkt_elem_get_str(&p, (unsigned)idx, &e, "auth", text, sizeof(text)) > 0);
                        assert_string_equal(text, "abcdefghijklmnop");
                } else if (i == 1) {
                        assert_true(pkt_elem_get_str(&p, (unsigned)idx, &e, "addr", text, sizeof(text)) > 0);
                        assert_string_equal(text, "10.70.178.0");
                }
                i++;
        }
        assert_true(i >= 2);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "rte_auth", 1, "metric"), 1);
        pkt_done(&p);
}

/* RFC 4822 keyed MD5 (tshark: tcpdump/ripv2_auth.pcap frame 5: digest offset 44, key id 45, data
 * length 20, sequence 1339429713); built, the digest offset and data length follow the trailer. */
static void
test_rip_keyed_md5_reads_as_tshark_and_builds_its_offsets(void **state)
{
        uint8_t buf[2048];
        struct pkt p;

        (void)state;
        int idx = corpus_layer(&p, buf, sizeof(buf), "tcpdump/ripv2_auth.pcap", 5, PKT_PROTO_RIP);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "rte_auth", 0, "digest_offset"), 44);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "rte_auth", 0, "key_id"), 45);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "rte_auth", 0, "auth_data_len"), 20);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "rte_auth", 0, "seq_num"), 1339429713);
        assert_int_equal(elem_u64(&p, (unsigned)idx, "rte_auth", 2, "type"), 1);
        pkt_done(&p);
        assert_build("rip(cmd=response,rte_auth=[auth(type=md5,key_id=1,seq_num=7),rte(addr=192.0.2.0,"
                     "subnet=255.255.255.0,metric=1),auth(type=trailer,authentication_data=000102030405060708090a0b0c0d0e0f)])",
                     "02020000" "ffff0003002c011000000007" "0000000000000000"
                     "00020000c0000200ffffff000000000000000001" "ffff0001000102030405060708090a0b0c0d0e0f");
}

static void
test_rip_length_not_whole_entries_is_malformed(void **state)
{
        static const uint8_t bad[] = { 2, 2, 0, 0, 0, 2, 0, 0, 10, 0, 0, 0 };
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_RIP, bad, sizeof(bad), sizeof(bad)), 0);
        assert_true(pkt_layer(&p, 0)->flags & PKT_LAYER_MALFORMED);
        assert_int_equal(elem_count(&p, 0, "rte_auth"), 1);
        pkt_done(&p);
}

/* ---- truncation ---- */

static void
walk_all(struct pkt *p)
{
        static const char *const sets[] = { "chunks", "params", "opts", "rte_auth", "csrc", "ext" };
        char text[2048];

        PKT_LAYER_FOREACH(p, i)
        {
                for (unsigned s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
                        unsigned guard = 0;
                        PKT_ELEM_FOREACH(p, i, sets[s], e)
                        {
                                assert_true(++guard < 4096);
                                (void)pkt_elem_get_str(p, i, &e, "type", text, sizeof(text));
                        }
                }
        }
}

/* Every prefix of real packets of each protocol parses; the layer cut inside its header is flagged
 * truncated (the capture ended, the reported length did not), never left unflagged. */
static void
test_every_prefix_parses_and_flags_truncation(void **state)
{
        static const struct {
                const char *file;
                unsigned no;
                unsigned proto;
        } cases[] = {
                { "zeek/communityid__sctp.pcap", 1, PKT_PROTO_SCTP },
                { "zeek/communityid__sctp.pcap", 2, PKT_PROTO_SCTP },
                { "pypacker/packets_sctp.pcap", 1, PKT_PROTO_SCTP },
                { "ndpi/NTPv4.pcap", 1, PKT_PROTO_NTP },
                { "zeek/dhcp__dhcp_discover_param_req_and_client_id.pcap", 1, PKT_PROTO_DHCP },
                { "tcpdump/ripv2_auth.pcap", 2, PKT_PROTO_RIP },
                { "tcpdump/ripv1v2.pcap", 2, PKT_PROTO_RIP },
        };
        uint8_t buf[2048];

        (void)state;
        for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
                size_t wire;
                int dlt;
                size_t n = corpus_packet(cases[c].file, cases[c].no, buf, sizeof(buf), &wire, &dlt);
                struct pkt p;
                int full = corpus_layer(&p, buf, sizeof(buf), cases[c].file, cases[c].no, cases[c].proto);
                uint32_t start = p.layers[full].off;
                uint32_t hdr_end = start + p.layers[full].hdr_len;
                pkt_done(&p);
                for (size_t cut = 0; cut < n; cut++) {
                        uint8_t *copy = malloc(cut ? cut : 1);
                        assert_non_null(copy);
                        memcpy(copy, buf, cut);
                        pkt_init(&p);
                        assert_int_equal(pkt_parse_dlt(&p, dlt, copy, cut, wire), 0);
                        walk_all(&p);
                        (void)pkt_print(&p, tu_discard, NULL);
                        int idx = pkt_layer_find(&p, cases[c].proto, 0);
                        if (cut > start && cut < hdr_end) {
                                assert_true(idx >= 0);
                                assert_true(p.layers[idx].flags & PKT_LAYER_TRUNCATED);
                        }
                        pkt_done(&p);
                        free(copy);
                }
        }
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sctp_init_builds_as_scapy_with_crc32c),
                cmocka_unit_test(test_sctp_data_chunk_length_covers_payload_layer),
                cmocka_unit_test(test_sctp_params_extend_the_last_chunk),
                cmocka_unit_test(test_sctp_params_need_a_chunk_that_takes_them),
                cmocka_unit_test(test_sctp_generic_chunk_and_param_forms_build_as_by_type),
                cmocka_unit_test(test_sctp_heartbeat_info_is_a_parameter),
                cmocka_unit_test(test_sctp_explicit_checksum_wins),
                cmocka_unit_test(test_sctp_checksum_check_agrees_with_tshark),
                cmocka_unit_test(test_sctp_first_data_chunk_payload_is_the_next_layer),
                cmocka_unit_test(test_sctp_init_parameters_are_elements),
                cmocka_unit_test(test_sctp_zero_length_chunk_is_malformed_and_ends_the_walk),
                cmocka_unit_test(test_ntp_server_reply_builds_as_scapy),
                cmocka_unit_test(test_ntp_corpus_fields_match_tshark),
                cmocka_unit_test(test_rtp_csrc_list_and_extension_build_as_scapy),
                cmocka_unit_test(test_rtp_registered_port_dissects_and_padding_is_not_payload),
                cmocka_unit_test(test_dhcp_discover_builds_as_scapy),
                cmocka_unit_test(test_dhcp_option_in_json_form_builds_as_by_name),
                cmocka_unit_test(test_dhcp_pad_after_end_is_the_trailer),
                cmocka_unit_test(test_dhcp_corpus_options_match_tshark),
                cmocka_unit_test(test_dhcp_option_past_the_message_is_malformed),
                cmocka_unit_test(test_rip_auth_entry_builds_as_scapy),
                cmocka_unit_test(test_rip_corpus_auth_and_route_match_tshark),
                cmocka_unit_test(test_rip_keyed_md5_reads_as_tshark_and_builds_its_offsets),
                cmocka_unit_test(test_rip_length_not_whole_entries_is_malformed),
                cmocka_unit_test(test_every_prefix_parses_and_flags_truncation),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
