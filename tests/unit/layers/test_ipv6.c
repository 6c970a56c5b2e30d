/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 and its extension headers (layers/net/ipv6.c, ipv6_ext.c, ah.c, esp.c).
 *
 * Built bytes come from scapy 2.5.0 (the expression beside each hex string regenerates it);
 * dissected values come from tshark 4.0 on the shared corpus, run as tshark -n -o
 * ipv6.defragment:FALSE -o udp.check_checksum:TRUE -r FILE -T fields -e ...
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/hdr.h>
#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Why 70000: the largest corpus frame used here is a 65590-byte jumbogram. */
#define FRAME_MAX 70000

struct frame {
        uint8_t data[FRAME_MAX];
        size_t caplen;
        size_t wire_len;
        int dlt;
};

/* Reads frame @n (from 1) of corpus capture @rel into @f, failing the test when it is not there. */
static void
read_frame(const char *rel, unsigned n, struct frame *f)
{
        char err[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *d;
        pcap_t *pc = pcap_open_offline(tu_corpus(rel), err);

        if (!pc)
                fail_msg("%s: %s", rel, err);
        for (unsigned i = 1; i <= n; i++) {
                if (pcap_next_ex(pc, &h, &d) != 1) {
                        pcap_close(pc);
                        fail_msg("%s: no frame %u", rel, n);
                }
        }
        assert_true(h->caplen <= sizeof(f->data));
        memcpy(f->data, d, h->caplen);
        f->caplen = h->caplen;
        f->wire_len = h->len;
        f->dlt = pcap_datalink(pc);
        pcap_close(pc);
}

static struct frame *
parse_frame(struct pkt *p, const char *rel, unsigned n)
{
        struct frame *f = malloc(sizeof(*f));

        assert_non_null(f);
        read_frame(rel, n, f);
        pkt_init(p);
        assert_int_equal(pkt_parse_dlt(p, f->dlt, f->data, f->caplen, f->wire_len), 0);
        return f;
}

static void
assert_layers(struct pkt *p, const unsigned *protos, unsigned n)
{
        for (unsigned i = 0; i < n; i++) {
                const struct pkt_layer *l = pkt_layer(p, i);
                assert_non_null(l);
                if (l->proto != protos[i])
                        fail_msg("layer %u is %s, want %s", i, pkt_proto_name(l->proto),
                                 pkt_proto_name(protos[i]));
        }
        assert_int_equal(pkt_dissect_all(p), n);
}

static void
assert_field(struct pkt *p, unsigned idx, const char *name, const char *want)
{
        assert_string_equal(tu_field(p, idx, name), want);
}

static uint64_t
field_u64(struct pkt *p, unsigned idx, const char *name)
{
        uint64_t v;
        int r = pkt_field_get_u64(p, idx, name, &v);
        if (r < 0)
                fail_msg("field %s of layer %u: %d", name, idx, r);
        return v;
}

/* Builds @spec and compares the serialised bytes with @hex. */
static void
assert_builds(const char *spec, const char *hex)
{
        static uint8_t want[4096];
        const uint8_t *got;
        struct pkt p;
        size_t n = tu_hex(hex, want, sizeof(want));

        pkt_init(&p);
        size_t len = tu_build(&p, spec, &got);
        tu_assert_bytes(got, len, want, n);
        pkt_done(&p);
}

/* ---- building, against scapy ---- */

#define SRC_DST "src=2001:db8::1,dst=2001:db8::2"
#define UDP_HI  "udp(sport=1234,dport=5353)/raw(\"hi\")"
/* Ports no protocol claims, so that the payload stays raw whatever gets registered. */
#define UDP_UNKNOWN "udp(sport=40001,dport=40002)/raw(\"hi\")"

static void
test_ip6_udp_builds_like_scapy(void **state)
{
        (void)state;
        /* IPv6(src='2001:db8::1',dst='2001:db8::2',hlim=64)/UDP(sport=1234,dport=5353)/Raw(b"hi")
         */
        assert_builds(
                "ip6(" SRC_DST ",hlim=64)/" UDP_HI,
                "60000000000a114020010db800000000000000000000000120010db8000000000000000000000002"
                "04d214e9000a22416869");
}

static void
test_ip6_defaults_are_pypacker_with_no_next_header_and_hop_limit_64(void **state)
{
        const uint8_t *b;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        /* pypacker: v_fc_flow 0x60000000, zero addresses; nxt 59 since nothing follows. The hop
         * limit is 64, scapy's (pypacker's 0 is dropped by the first router). */
        assert_int_equal(tu_build(&p, "ip6", &b), 40);
        assert_int_equal(b[0], 0x60);
        assert_int_equal(b[6], 59);
        assert_int_equal(b[7], 64);
        assert_int_equal(field_u64(&p, 0, "dlen"), 0);
        assert_int_equal(pkt_proto_by_name("ipv6", PKT_PROTO_NONE), PKT_PROTO_IP6);
        pkt_done(&p);
}

static void
test_ip6_hopopts_router_alert_is_padded_like_scapy(void **state)
{
        (void)state;
        /* IPv6(...,hlim=64)/IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])
         *   /UDP(sport=1234,dport=5353)/Raw(b"hi")
         */
        assert_builds(
                "ip6(" SRC_DST ",hlim=64)/hopopts(opts=[ra(0)])/" UDP_HI,
                "600000000012004020010db800000000000000000000000120010db8000000000000000000000002"
                "1100050200000100"
                "04d214e9000a22416869");
}

static void
test_ip6_hopopts_default_is_one_padn(void **state)
{
        (void)state;
        /* IPv6(...,hlim=64)/IPv6ExtHdrHopByHop()/UDP(sport=1234,dport=5353) */
        assert_builds(
                "ip6(" SRC_DST ",hlim=64)/ip6hopoptsheader/udp(sport=1234,dport=5353)",
                "600000000010004020010db800000000000000000000000120010db8000000000000000000000002"
                "1100010400000000"
                "04d214e900088aae");
}

/* The JSON writer gives a PadN as its bytes ("1(body=...)"): built as given, of that length, nonzero
 * bytes too (a receiver ignores them, RFC 8200 4.2: a covert channel carries data there). Before, the
 * body was read as a count. scapy 2.5: IPv6(...,hlim=64)/IPv6ExtHdrHopByHop(options=[PadN(optdata=
 * b"\x0a\x0b"),PadN(optdata=b"")])/UDP(sport=1234,dport=5353). */
static void
test_ip6_padn_body_builds_its_bytes(void **state)
{
        (void)state;
        assert_builds("ip6(" SRC_DST ",hlim=64)/ip6hopoptsheader(opts=[1(body=00000000)])/udp(sport=1234,dport=5353)",
                      "600000000010004020010db800000000000000000000000120010db8000000000000000000000002"
                      "1100010400000000"
                      "04d214e900088aae");
        assert_builds("ip6(" SRC_DST ",hlim=64)/ip6hopoptsheader(opts=[padn(body=0a0b)])/udp(sport=1234,dport=5353)",
                      "600000000010004020010db800000000000000000000000120010db8000000000000000000000002"
                      "110001020a0b0100"
                      "04d214e900088aae");
}

static void
test_ip6_dstopts_home_address_is_aligned_8n6_like_scapy(void **state)
{
        (void)state;
        /* IPv6(...,hlim=64)/IPv6ExtHdrDestOpt(options=[HAO(hoa='2001:db8::99')])
         *   /UDP(sport=1234,dport=5353)/Raw(b"hi")
         */
        assert_builds(
                "ip6(" SRC_DST ",hlim=64)/dstopts(opts=[hao(2001:db8::99)])/" UDP_HI,
                "6000000000223c4020010db800000000000000000000000120010db8000000000000000000000002"
                "110201020000c91020010db8000000000000000000000099"
                "04d214e9000a21a96869");
}

static void
test_ip6_options_keep_their_alignment_like_scapy(void **state)
{
        (void)state;
        /* IPv6ExtHdrHopByHop(options=[RouterAlert(value=0),Jumbo(jumboplen=70000)]): jumbo at 4n+2
         */
        assert_builds("hopopts(opts=[ra(0),jumbo(70000)])", "3b0105020000c2040001117001020000");
        /* IPv6ExtHdrDestOpt(options=[HAO(hoa='2001:db8::99'),RouterAlert(value=1)]): HAO at 8n+6,
         * RA at 2n */
        assert_builds("dstopts(opts=[hao(2001:db8::99),ra(RSVP)])",
                      "3b0301020000c91020010db80000000000000000000000990502000101020000");
}

static void
test_ip6_routing_type0_udp_checksum_uses_final_destination(void **state)
{
        (void)state;
        /* IPv6(src='2001:db8::1',dst='2001:db8::10',hlim=64)
         *   /IPv6ExtHdrRouting(addresses=['2001:db8::11','2001:db8::2'])
         *   /UDP(sport=1234,dport=5353)/Raw(b"hi")  -- the UDP sum is that of a packet sent to
         * 2001:db8::2 */
        assert_builds(
                "ip6(src=2001:db8::1,dst=2001:db8::10,hlim=64)/routing(segs_left=2,"
                "addresses=[2001:db8::11,2001:db8::2])/" UDP_HI,
                "6000000000322b4020010db800000000000000000000000120010db8000000000000000000000010"
                "1104000200000000"
                "20010db800000000000000000000001120010db8000000000000000000000002"
                "04d214e9000a22416869");
}

static void
test_ip6_srh_udp_checksum_uses_segment_list_0(void **state)
{
        (void)state;
        /* IPv6(src='2001:db8::1',dst='2001:db8::11',hlim=64)
         *   /IPv6ExtHdrSegmentRouting(addresses=['2001:db8::2','2001:db8::11'])
         *   /UDP(sport=1234,dport=5353)/Raw(b"hi")  -- tshark: udp.checksum.status 1 (good) */
        assert_builds(
                "ip6(src=2001:db8::1,dst=2001:db8::11,hlim=64)/"
                "routing(type=SRH,segs_left=1,last_entry=1,"
                "addresses=[2001:db8::2,2001:db8::11])/" UDP_HI,
                "6000000000322b4020010db800000000000000000000000120010db8000000000000000000000011"
                "1104040101000000"
                "20010db800000000000000000000000220010db8000000000000000000000011"
                "04d214e9000a22416869");
}

/* Addresses as the element form and the JSON form give them, and the bytes after them (an SRH's TLVs:
 * tcpdump's ipv6-srh-tlv-hmac.pcap carries an HMAC TLV) as the element "rest", padded with Pad1s
 * (zeros, RFC 8754 2.1.1.1) to 8 bytes; the header reads back as it came. */
static void
test_ip6_routing_addresses_and_rest_build_in_every_form(void **state)
{
        struct tu_frame f;
        struct pkt p;
        (void)state;

        assert_builds("routing(type=SRH,addresses=[address(2001:db8::1),address(addr=2001:db8::2)],rest=[rest(data=0500)])",
                      "3b0504000000000020010db800000000000000000000000120010db8000000000000000000000002"
                      "0500000000000000");
        tu_load_frame("tcpdump/ipv6-srh-tlv-hmac.pcap", 1, &f);
        tu_parse_frame(&p, &f);
        int i = pkt_layer_find(&p, PKT_PROTO_IP6_ROUTING, 0);
        assert_true(i > 0);
        unsigned n = 0;
        PKT_ELEM_FOREACH(&p, (unsigned)i, "rest", e)
        {
                const uint8_t *data;
                size_t len;
                assert_int_equal(pkt_elem_get_bytes(&p, (unsigned)i, &e, "data", &data, &len), 0);
                assert_int_equal(e.off + len, p.layers[i].hdr_len);
                assert_int_equal(data[0], 5); /* RFC 8754 2.1.2: the HMAC TLV */
                n++;
        }
        assert_int_equal(n, 1);
        pkt_done(&p);
}

static void
test_ip6_fragment_builds_like_scapy(void **state)
{
        (void)state;
        /* IPv6(...,hlim=64)/IPv6ExtHdrFragment(m=1,id=0x1234)/UDP(sport=1234,dport=5353)/Raw(b"hi")
         */
        assert_builds(
                "ip6(" SRC_DST ",hlim=64)/fragment(m_flag=1,id=0x1234)/" UDP_HI,
                "6000000000122c4020010db800000000000000000000000120010db8000000000000000000000002"
                "1100000100001234"
                "04d214e9000a22416869");
}

static void
test_ah_over_ip6_builds_like_scapy(void **state)
{
        (void)state;
        /* IPv6(...,hlim=64)/AH(nh=17,payloadlen=4,spi=0x1234,seq=1,icv=bytes(range(1,13)))
         *   /UDP(sport=1234,dport=5353)/Raw(b"hi")
         * scapy leaves the UDP sum 0 under AH (and nh/payloadlen unset: given here); 0x2241 is the
         * sum of IPv6(...)/UDP(...)/Raw(b"hi"), which has the same pseudo-header. */
        assert_builds(
                "ip6(" SRC_DST
                ",hlim=64)/ah(spi=0x1234,seq=1,icv=0102030405060708090a0b0c)/" UDP_HI,
                "600000000022334020010db800000000000000000000000120010db8000000000000000000000002"
                "1104000000001234000000010102030405060708090a0b0c"
                "04d214e9000a22416869");
}

static void
test_ah_icv_is_padded_to_64_bits_after_ipv6(void **state)
{
        const uint8_t *b;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        /* 12 + 8 bytes of ICV is not a multiple of 8: RFC 4302 2.6 pads it */
        assert_int_equal(tu_build(&p, "ip6/ah(icv=0102030405060708)", &b), 40 + 24);
        assert_int_equal(field_u64(&p, 1, "len"), 4);
        assert_memory_equal(b + 40 + 12, "\x01\x02\x03\x04\x05\x06\x07\x08\0\0\0\0", 12);
        pkt_done(&p);
        /* after IPv4 32 bits are enough */
        assert_int_equal(tu_build(&p, "ip/ah(icv=0102030405060708)", &b), 20 + 20);
        assert_int_equal(field_u64(&p, 1, "len"), 3);
        pkt_done(&p);
}

static void
test_ip6_extension_chain_builds_like_scapy(void **state)
{
        (void)state;
        /* IPv6(...,hlim=64)/IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])/IPv6ExtHdrDestOpt()
          * /IPv6ExtHdrRouting(addresses=['2001:db8::2'])/IPv6ExtHdrFragment(id=7)
          *   /IPv6ExtHdrDestOpt()
         *   /UDP(sport=1234,dport=5353)/Raw(b"hi") */
        assert_builds(
                "ip6(" SRC_DST ",hlim=64)/hopopts(opts=[ra(0)])/dstopts/routing(segs_left=1,"
                "addresses=[2001:db8::2])/fragment(id=7)/dstopts/" UDP_HI,
                "600000000042004020010db800000000000000000000000120010db8000000000000000000000002"
                "3c00050200000100"
                "2b00010400000000"
                "2c0200010000000020010db8000000000000000000000002"
                "3c00000000000007"
                "1100010400000000"
                "04d214e9000a22416869");
}

static void
test_ip6_built_chain_dissects_back_to_its_layers(void **state)
{
        static const unsigned want[] = { PKT_PROTO_IP6,          PKT_PROTO_IP6_HOPOPTS,
                                         PKT_PROTO_IP6_DSTOPTS,  PKT_PROTO_IP6_ROUTING,
                                         PKT_PROTO_IP6_FRAGMENT, PKT_PROTO_IP6_DSTOPTS,
                                         PKT_PROTO_UDP,          PKT_PROTO_RAW };
        const uint8_t *b;
        struct pkt built, p;

        (void)state;
        pkt_init(&built);
        size_t n = tu_build(&built,
                            "ip6(" SRC_DST ")/hopopts(opts=[ra(0)])/dstopts/routing(segs_left=1,"
                            "addresses=[2001:db8::2])/fragment(id=7)/dstopts/" UDP_UNKNOWN,
                            &b);
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        assert_layers(&p, want, ARRAY_LEN(want));
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_IP6_FRAGMENT, 0), 4);
        assert_int_equal(field_u64(&p, 3, "segs_left"), 1);
        assert_int_equal(field_u64(&p, 3, "len"), 2);
        pkt_done(&p);
        pkt_done(&built);
}

/* ---- options ---- */

static void
test_ip6_option_past_header_end_is_malformed(void **state)
{
        uint8_t b[64];
        struct pkt p;
        size_t n = tu_hex("6000000000080040"
                          "00000000000000000000000000000001"
                          "00000000000000000000000000000002"
                          /* hop-by-hop, 8 bytes: PadN claiming 5 bytes where 4 remain */
                          "3b00010500000000",
                          b, sizeof(b));
        int seen = 0;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        const struct pkt_layer *l = pkt_layer(&p, 1);
        assert_non_null(l);
        assert_int_equal(l->proto, PKT_PROTO_IP6_HOPOPTS);
        assert_true(l->flags & PKT_LAYER_MALFORMED);
        assert_false(l->flags & PKT_LAYER_TRUNCATED);
        PKT_ELEM_FOREACH(&p, 1, "opts", e) {
                assert_true(e.flags & PKT_LAYER_MALFORMED);
                seen++;
        }
        assert_int_equal(seen, 1);
        pkt_done(&p);
}

static void
test_ip6_zero_length_padn_is_valid(void **state)
{
        static const uint8_t types[] = { 0x01, 0x00, 0x00, 0x01 };
        uint8_t b[64];
        struct pkt p;
        /* hop-by-hop: PadN(0), Pad1, Pad1, PadN(0) = 6 bytes of valid padding */
        size_t n = tu_hex("6000000000080040"
                          "00000000000000000000000000000001"
                          "00000000000000000000000000000002"
                          "3b00010000000100",
                          b, sizeof(b));
        unsigned seen = 0;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        assert_non_null(pkt_layer(&p, 1));
        assert_int_equal(p.layers[1].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        PKT_ELEM_FOREACH(&p, 1, "opts", e) {
                uint64_t t;
                assert_true(seen < sizeof(types));
                assert_int_equal(e.flags, 0);
                assert_int_equal(pkt_elem_get_u64(&p, 1, &e, "type", &t), 0);
                assert_int_equal(t, types[seen]);
                assert_int_equal(e.len, types[seen] ? 2 : 1);
                seen++;
        }
        assert_int_equal(seen, 4);
        pkt_done(&p);
}

/* ---- dissecting the corpus, against tshark ---- */

static void
test_ip6_ext_headers_corpus_matches_tshark(void **state)
{
        struct pkt p;
        char buf[64];
        struct frame *f = parse_frame(&p, "libpcap/filter__ipv6_ext_headers.pcap", 1);

        (void)state;
        /* tshark: eth:ipv6:ipv6.hopopts:(ipv6.routing:ipv6.fraghdr:ipv6.dstopts) x 33:udp */
        assert_int_equal(pkt_dissect_all(&p), PKT_LAYERS_MAX);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_IP6);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_IP6_HOPOPTS);
        for (unsigned i = 3; i < PKT_LAYERS_MAX - 1; i++) {
                static const unsigned cycle[] = { PKT_PROTO_IP6_ROUTING, PKT_PROTO_IP6_FRAGMENT,
                                                  PKT_PROTO_IP6_DSTOPTS };
                assert_int_equal(p.layers[i].proto, cycle[(i - 3) % 3]);
                assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                                 0);
        }
        /* ipv6.plen 818, nxt 0, hlim 64, src 2001:db8::1, dst 2001:db8::2 */
        assert_int_equal(field_u64(&p, 1, "dlen"), 818);
        assert_int_equal(pkt_ip6_dlen(&p, 1), 818);
        assert_field(&p, 1, "nxt", "HOPOPTS");
        assert_int_equal(field_u64(&p, 1, "hlim"), 64);
        assert_field(&p, 1, "src", "2001:db8::1");
        assert_field(&p, 1, "dst", "2001:db8::2");
        /* ipv6.hopopts.nxt 43, len 0; ipv6.opt.type 0x01, ipv6.opt.length 4 */
        assert_int_equal(field_u64(&p, 2, "nxt"), 43);
        assert_int_equal(field_u64(&p, 2, "len"), 0);
        struct pkt_elem e = PKT_ELEM_INIT;
        assert_int_equal(pkt_elem_next(&p, 2, "opts", &e), 1);
        assert_int_equal(pkt_elem_get_str(&p, 2, &e, "type", buf, sizeof(buf)) > 0, 1);
        assert_string_equal(buf, "PADN");
        assert_int_equal(pkt_elem_get_u64(&p, 2, &e, "len", &(uint64_t){ 0 }), 0);
        assert_int_equal(pkt_elem_next(&p, 2, "opts", &e), 0);
        /* ipv6.routing.type 0, segleft 0, len 0; ipv6.fraghdr.offset 0, more 0, ident 0x00000001,
         * 0x00000004 */
        assert_int_equal(field_u64(&p, 3, "type"), 0);
        assert_int_equal(field_u64(&p, 3, "segs_left"), 0);
        assert_int_equal(field_u64(&p, 3, "len"), 0);
        assert_int_equal(field_u64(&p, 4, "frag_off"), 0);
        assert_int_equal(field_u64(&p, 4, "m_flag"), 0);
        assert_field(&p, 4, "id", "0x00000001");
        assert_field(&p, 7, "id", "0x00000004");
        assert_int_equal(field_u64(&p, 5, "nxt"), 43);
        /* the chain ran past PKT_LAYERS_MAX: the last record is raw and keeps the rest, nothing beyond */
        assert_int_equal(p.layers[PKT_LAYERS_MAX - 1].proto, PKT_PROTO_RAW);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_UDP, 0), -ENOENT);
        free(f);
}

static void
test_ah_corpus_matches_tshark(void **state)
{
        static const unsigned transport[] = { PKT_PROTO_ETHERNET, PKT_PROTO_IP6, PKT_PROTO_AH,
                                              PKT_PROTO_UDP, PKT_PROTO_RAW };
        static const unsigned tunnel[] = { PKT_PROTO_ETHERNET, PKT_PROTO_IP6, PKT_PROTO_AH,
                                           PKT_PROTO_IP6,      PKT_PROTO_UDP, PKT_PROTO_RAW };
        struct pkt p;
        struct frame *f = parse_frame(&p, "libpcap/filter__ipv6_ah_modes.pcap", 1);

        (void)state;
        /* ah.next_header 17, ah.length 3, ah.spi 0x12345678, ah.sequence 0, ah.icv 0101010101010101
         */
        assert_layers(&p, transport, 5);
        assert_field(&p, 2, "nxt", "UDP");
        assert_int_equal(field_u64(&p, 2, "len"), 3);
        assert_int_equal(p.layers[2].hdr_len, 20);
        assert_field(&p, 2, "spi", "0x12345678");
        assert_int_equal(field_u64(&p, 2, "seq"), 0);
        assert_field(&p, 2, "icv", "0101010101010101");
        assert_int_equal(field_u64(&p, 3, "sport"), 12345);
        free(f);

        f = parse_frame(&p, "libpcap/filter__ipv6_ah_modes.pcap", 2);
        /* tunnel mode: ah.next_header 41, spi 0x87654321, inner ipv6 2001:db8::3 -> 2001:db8::4,
         * plen 38 */
        assert_layers(&p, tunnel, 6);
        assert_field(&p, 2, "spi", "0x87654321");
        assert_field(&p, 3, "src", "2001:db8::3");
        assert_field(&p, 3, "dst", "2001:db8::4");
        assert_int_equal(field_u64(&p, 3, "dlen"), 38);
        free(f);

        f = parse_frame(&p, "libpcap/filter__AH-IPcomp-IPv6.pcap", 3);
        /* ah.next_header 108 (IPComp, not ours), ah.length 4, spi 0xc9ec8968, seq 2, icv
         * 079bd7e8ec804ba3e5917a84 */
        static const unsigned ipcomp[] = { PKT_PROTO_ETHERNET, PKT_PROTO_IP6, PKT_PROTO_AH,
                                           PKT_PROTO_RAW };
        assert_layers(&p, ipcomp, 4);
        assert_int_equal(field_u64(&p, 2, "nxt"), 108);
        assert_field(&p, 2, "spi", "0xc9ec8968");
        assert_int_equal(field_u64(&p, 2, "seq"), 2);
        assert_field(&p, 2, "icv", "079bd7e8ec804ba3e5917a84");
        free(f);
}

static void
test_ah_of_length_zero_is_8_bytes_like_tshark(void **state)
{
        struct pkt p;
        struct frame *f = parse_frame(&p, "zeek/ipv6_zero_len_ah.pcap", 5);

        (void)state;
        /* tshark: eth:ipv6:ah:icmpv6, ah.length 0 ("8 bytes"), ICMPv6 right after those 8 bytes */
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_AH, 0), 2);
        assert_int_equal(p.layers[2].hdr_len, 8);
        assert_true(p.layers[2].flags &
                    PKT_LAYER_MALFORMED); /* its sequence number overlaps the payload */
        assert_int_equal(field_u64(&p, 2, "nxt"), 58);
        assert_field(&p, 2, "spi", "0x00000000");
        assert_non_null(pkt_layer(&p, 3));
        assert_int_equal(p.layers[3].off, 14 + 40 + 8);
        assert_int_equal(p.layers[3].proto, pkt_key_lookup(PKT_KEY_IP_PROTO, 58));
        free(f);
}

static void
test_ah_and_esp_after_ipv4_match_tshark(void **state)
{
        static const unsigned want[] = { PKT_PROTO_ETHERNET, PKT_PROTO_IP, PKT_PROTO_AH,
                                         PKT_PROTO_IP, PKT_PROTO_TCP };
        struct pkt p;
        struct frame *f = parse_frame(&p, "libpcap/filter__AH-IPcomp-IPv4.pcap", 1);

        (void)state;
        /* ip.proto 51; ah.next_header 4, length 4, spi 0xc67ceadf, seq 1, icv
         * ce9113cb69e210d6dbd24b8a; inner tcp */
        for (unsigned i = 0; i < ARRAY_LEN(want); i++)
                assert_int_equal(pkt_layer_find(&p, want[i], i), (int)i);
        assert_field(&p, 2, "nxt", "IP");
        assert_int_equal(field_u64(&p, 2, "len"), 4);
        assert_int_equal(p.layers[2].hdr_len, 24);
        assert_field(&p, 2, "spi", "0xc67ceadf");
        assert_int_equal(field_u64(&p, 2, "seq"), 1);
        assert_field(&p, 2, "icv", "ce9113cb69e210d6dbd24b8a");
        free(f);

        f = parse_frame(&p, "tcpdump/02-sunrise-sunset-esp.pcap", 4);
        /* esp.spi 0x12345678, esp.sequence 4; the encrypted rest stays raw */
        static const unsigned esp[] = { PKT_PROTO_ETHERNET, PKT_PROTO_IP, PKT_PROTO_ESP,
                                        PKT_PROTO_RAW };
        assert_layers(&p, esp, 4);
        assert_field(&p, 2, "spi", "0x12345678");
        assert_int_equal(field_u64(&p, 2, "seq"), 4);
        free(f);
}

static void
test_ip6_routing_type0_corpus_matches_tshark(void **state)
{
        static const char *const want[] = { "2200::210:2:0:0:4", "2200::240:2:0:0:4" };
        struct pkt p;
        char buf[64];
        unsigned n = 0;
        struct frame *f = parse_frame(&p, "tcpdump/ipv6-routing-header.pcap", 4);

        (void)state;
        /* ipv6.dst 2200::211:2:0:0:2; ipv6.routing.type 0, segleft 2, len 4;
         * ipv6.routing.src.addr 2200::210:2:0:0:4,2200::240:2:0:0:4; then udp */
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_IP6_ROUTING, 0), 2);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_UDP, 0), 3);
        assert_field(&p, 1, "dst", "2200::211:2:0:0:2");
        assert_field(&p, 2, "type", "SOURCE");
        assert_int_equal(field_u64(&p, 2, "segs_left"), 2);
        assert_int_equal(field_u64(&p, 2, "len"), 4);
        PKT_ELEM_FOREACH(&p, 2, "addresses", e) {
                assert_true(n < 2);
                assert_true(pkt_elem_get_str(&p, 2, &e, "addr", buf, sizeof(buf)) > 0);
                assert_string_equal(buf, want[n]);
                n++;
        }
        assert_int_equal(n, 2);
        free(f);
}

/* Next header 143 is an Ethernet frame (RFC 8986 4.9, SRv6's L2 VPN): tcpdump/ipv6-srh-ipproto-ether.pcap
 * frame 1 is, to tshark, eth:ipv6:ipv6.routing:eth:ipv6:icmpv6, inner eth.src ae:64:42:3b:5b:9a and
 * ipv6.src a::2. Building puts 143 in the header before a frame. */
static void
test_ip6_next_header_143_is_ethernet(void **state)
{
        struct pkt p;
        struct frame *f = parse_frame(&p, "tcpdump/ipv6-srh-ipproto-ether.pcap", 1);

        (void)state;
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_ETHERNET, 1), 3);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_IP6_ROUTING);
        assert_field(&p, 3, "src", "ae:64:42:3b:5b:9a");
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_IP6, 4), 4);
        assert_field(&p, 4, "src", "a::2");
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_ICMP6, 0), 5);
        pkt_done(&p);
        free(f);

        const uint8_t *d;
        pkt_init(&p);
        size_t n = tu_build(&p, "ip6(src=2001:db8::1,dst=2001:db8::2)/ethernet()/arp()", &d);
        assert_true(n > 40);
        assert_int_equal(d[6], 143);
        pkt_done(&p);
}

static void
test_ip6_srh_corpus_matches_tshark(void **state)
{
        static const char *const want[] = { "b2::2", "3::d6", "2::f1:0" };
        struct pkt p;
        char buf[64];
        unsigned n = 0;
        struct frame *f = parse_frame(&p, "tcpdump/ipv6-srh-insert-cksum.pcap", 1);

        (void)state;
        /* ipv6.routing.type 4, segleft 2, len 6, srh.last_entry 2, srh.tag 0000, srh.addr
         * b2::2,3::d6,2::f1:0 */
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_UDP, 0), 3);
        assert_field(&p, 2, "type", "SRH");
        assert_int_equal(field_u64(&p, 2, "segs_left"), 2);
        assert_int_equal(field_u64(&p, 2, "len"), 6);
        assert_int_equal(field_u64(&p, 2, "last_entry"), 2);
        assert_int_equal(field_u64(&p, 2, "tag"), 0);
        assert_int_equal(p.layers[2].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        PKT_ELEM_FOREACH(&p, 2, "addresses", e) {
                assert_true(n < 3);
                assert_true(pkt_elem_get_str(&p, 2, &e, "addr", buf, sizeof(buf)) > 0);
                assert_string_equal(buf, want[n]);
                n++;
        }
        assert_int_equal(n, 3);
        free(f);
}

/* Recomputes the UDP checksum of a captured packet and checks it equals the (tshark-good) original.
 */
static void
assert_udp_sum_recomputes(const char *rel, unsigned frame, uint16_t want)
{
        struct pkt p, c;
        const uint8_t *out;
        struct frame *f = parse_frame(&p, rel, frame);
        int u = pkt_layer_find(&p, PKT_PROTO_UDP, 0);

        assert_true(u > 0);
        assert_int_equal(field_u64(&p, (unsigned)u, "sum"), want);
        pkt_dissect_all(&p);
        pkt_init(&c);
        assert_int_equal(pkt_copy(&c, &p), 0);
        assert_int_equal(pkt_field_set_u64(&c, (unsigned)u, "sum", 0), 0);
        assert_int_equal(pkt_field_set_auto(&c, (unsigned)u, "sum", true), 0);
        assert_int_equal(pkt_serialize(&c, 0, &out), (int)f->caplen);
        tu_assert_bytes(out, f->caplen, f->data, f->caplen);
        pkt_done(&c);
        free(f);
}

static void
test_ip6_routing_udp_checksum_recomputes_like_capture(void **state)
{
        (void)state;
        /* udp.checksum.status 1 (good) in each */
        assert_udp_sum_recomputes("zeek/chksums__ip6-route0-udp-good-chksum.pcap", 1, 0xde48);
        assert_udp_sum_recomputes("tcpdump/ipv6-routing-header.pcap", 3, 0x27b6);
        assert_udp_sum_recomputes("tcpdump/ipv6-routing-header.pcap", 4, 0x2786);
        assert_udp_sum_recomputes("tcpdump/ipv6-srh-insert-cksum.pcap", 1, 0xcb39);
        assert_udp_sum_recomputes("zeek/mobile-ipv6__ipv6-mobile-hoa.pcap", 1, 0x43de);
}

static void
test_ip6_rpl_udp_checksum_uses_the_reconstructed_final_destination(void **state)
{
        uint8_t b[128];
        const uint8_t *out;
        struct pkt p, c;
        /* RFC 6554: 2001:db8::1 -> 2001:db8::10, RPL header with CmprI = CmprE = 8 and one address
         * whose last 8 bytes are ::2; the final destination is 2001:db8::2. UDP sum left 0. */
        size_t n = tu_hex("60000000001a2b40"
                          "20010db8000000000000000000000001"
                          "20010db8000000000000000000000010"
                          "1101030188000000"
                          "0000000000000002"
                          "04d214e9000a0000"
                          "6869",
                          b, sizeof(b));

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_UDP, 0), 2);
        pkt_dissect_all(&p);
        pkt_init(&c);
        assert_int_equal(pkt_copy(&c, &p), 0);
        assert_int_equal(pkt_field_set_auto(&c, 2, "sum", true), 0);
        assert_int_equal(pkt_serialize(&c, 0, &out), (int)n);
        /* the same UDP datagram sent straight to 2001:db8::2 sums to 0x2241 (the scapy case above) */
        assert_int_equal(out[n - 4], 0x22);
        assert_int_equal(out[n - 3], 0x41);
        pkt_done(&c);
}

static void
test_ip6_first_fragment_dissects_later_fragments_stay_raw(void **state)
{
        static const unsigned first[] = { PKT_PROTO_ETHERNET, PKT_PROTO_IP6, PKT_PROTO_IP6_FRAGMENT,
                                          PKT_PROTO_UDP };
        static const unsigned want[] = { PKT_PROTO_ETHERNET, PKT_PROTO_IP6, PKT_PROTO_IP6_FRAGMENT,
                                         PKT_PROTO_RAW };
        struct pkt p;
        struct frame *f = parse_frame(&p, "pcap4j/IpV6ExtFragmentPacketTest.pcap", 1);

        (void)state;
        /* first fragment: ipv6.fraghdr.nxt 17, offset 0, more 1, ident 0x0009fbf1; tshark with
         * ipv6.defragment off shows UDP here, and so do we: the datagram continues in the next
         * fragment, so its length is not a contradiction */
        assert_layers(&p, first, 4);
        assert_int_equal(p.layers[3].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        assert_field(&p, 2, "nxt", "UDP");
        assert_int_equal(field_u64(&p, 2, "frag_off"), 0);
        assert_int_equal(field_u64(&p, 2, "m_flag"), 1);
        assert_field(&p, 2, "id", "0x0009fbf1");
        free(f);

        f = parse_frame(&p, "pcap4j/IpV6ExtFragmentPacketTest.pcap", 2);
        /* second: offset 1 (8-byte units), more 0 */
        assert_layers(&p, want, 4);
        assert_int_equal(field_u64(&p, 2, "frag_off"), 1);
        assert_int_equal(field_u64(&p, 2, "m_flag"), 0);
        free(f);
}

static void
test_ip6_atomic_fragment_dissects_its_upper_layer(void **state)
{
        static const unsigned want[] = { PKT_PROTO_IP6, PKT_PROTO_IP6_FRAGMENT, PKT_PROTO_UDP,
                                         PKT_PROTO_RAW };
        const uint8_t *b;
        struct pkt built, p;

        (void)state;
        pkt_init(&built);
        /* RFC 6946: offset 0 and no more fragments is the whole packet */
        size_t n = tu_build(&built, "ip6(" SRC_DST ")/fragment(id=9)/" UDP_UNKNOWN, &b);
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        assert_layers(&p, want, 4);
        pkt_done(&built);
}

static void
test_ip6_dstopts_home_address_corpus_matches_tshark(void **state)
{
        static const uint8_t types[] = { 0x01, 0xc9 }, lens[] = { 2, 16 };
        struct pkt p;
        char buf[64];
        unsigned n = 0;
        struct frame *f = parse_frame(&p, "zeek/mobile-ipv6__ipv6-mobile-hoa.pcap", 1);

        (void)state;
        /* ipv6.dstopts.nxt 17, len 2; ipv6.opt.type 0x01,0xc9; length 2,16; home_address
         * 2001:78:1:32::1 */
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_IP6_DSTOPTS, 0), 2);
        assert_int_equal(field_u64(&p, 2, "nxt"), 17);
        assert_int_equal(field_u64(&p, 2, "len"), 2);
        PKT_ELEM_FOREACH(&p, 2, "opts", e) {
                uint64_t v;
                assert_true(n < 2);
                assert_int_equal(pkt_elem_get_u64(&p, 2, &e, "type", &v), 0);
                assert_int_equal(v, types[n]);
                assert_int_equal(pkt_elem_get_u64(&p, 2, &e, "len", &v), 0);
                assert_int_equal(v, lens[n]);
                n++;
        }
        assert_int_equal(n, 2);
        struct pkt_elem e = PKT_ELEM_INIT;
        assert_int_equal(pkt_elem_next(&p, 2, "opts", &e), 1);
        assert_int_equal(pkt_elem_next(&p, 2, "opts", &e), 1);
        assert_true(pkt_elem_get_str(&p, 2, &e, "addr", buf, sizeof(buf)) > 0);
        assert_string_equal(buf, "2001:78:1:32::1");
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_UDP, 0), 3);
        free(f);
}

static void
test_ip6_jumbogram_payload_length_comes_from_hop_by_hop(void **state)
{
        struct pkt p;
        struct frame *f = parse_frame(&p, "tcpdump/ipv6_jumbogram_1.pcap", 1);

        (void)state;
        /* ipv6.plen 0, nxt 0; ipv6.opt.type 0xc2, length 4, ipv6.opt.jumbo 65536; frame 65590 bytes
         */
        const struct pkt_layer *l = pkt_layer(&p, 1);
        assert_non_null(l);
        assert_int_equal(field_u64(&p, 1, "dlen"), 0);
        assert_int_equal(l->len - l->hdr_len, 65536);
        assert_int_equal(l->flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_IP6_HOPOPTS, 0), 2);
        struct pkt_elem e = PKT_ELEM_INIT;
        uint64_t v;
        assert_int_equal(pkt_elem_next(&p, 2, "opts", &e), 1);
        assert_int_equal(pkt_elem_get_u64(&p, 2, &e, "type", &v), 0);
        assert_int_equal(v, 0xc2);
        assert_int_equal(pkt_elem_get_u64(&p, 2, &e, "jumbo_len", &v), 0);
        assert_int_equal(v, 65536);
        free(f);
}

/* ---- hostile input ---- */

static size_t
dstopts_chain(uint8_t *b, size_t size, unsigned n, bool is_endless)
{
        size_t len = tu_hex("6000000000003c40"
                            "00000000000000000000000000000001"
                            "00000000000000000000000000000002",
                            b, size);

        for (unsigned i = 0; i < n; i++) {
                assert_true(len + 8 <= size);
                /* each says another destination options header follows; the last, unless endless,
                 * says UDP */
                memcpy(b + len,
                       (i + 1 == n && !is_endless) ? "\x11\x00\x01\x04\0\0\0\0"
                                                   : "\x3c\x00\x01\x04\0\0\0\0",
                       8);
                len += 8;
        }
        b[4] = (uint8_t)((len - 40) >> 8);
        b[5] = (uint8_t)(len - 40);
        return len;
}

static void
test_ip6_endless_extension_chain_stops_at_layers_max(void **state)
{
        uint8_t b[40 + 40 * 8];
        struct pkt p;
        size_t n = dstopts_chain(b, sizeof(b), 40, true);

        (void)state;
        /* regression: 40 destination option headers, each naming another */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        assert_int_equal(pkt_dissect_all(&p), PKT_LAYERS_MAX);
        for (unsigned i = 1; i < PKT_LAYERS_MAX - 1; i++)
                assert_int_equal(p.layers[i].proto, PKT_PROTO_IP6_DSTOPTS);
        assert_int_equal(p.layers[PKT_LAYERS_MAX - 1].proto, PKT_PROTO_RAW);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_UDP, 0), -ENOENT);
        assert_null(pkt_layer(&p, PKT_LAYERS_MAX));
        /* the last layer keeps the rest of the chain as its payload */
        assert_int_equal(p.layers[PKT_LAYERS_MAX - 1].off + p.layers[PKT_LAYERS_MAX - 1].len, n);
}

static void
test_ip6_extension_chain_stops_at_end_of_data(void **state)
{
        uint8_t b[40 + 5 * 8];
        struct pkt p;
        size_t n = dstopts_chain(b, sizeof(b), 5, true);

        (void)state;
        /* five headers, the last naming a sixth that is not there */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        assert_int_equal(pkt_dissect_all(&p), 6);
        for (unsigned i = 0; i < 6; i++)
                assert_int_equal(p.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED),
                                 0);
        assert_int_equal(p.layers[5].proto, PKT_PROTO_IP6_DSTOPTS);

        /* ... and when the data ends inside one: that layer is truncated */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n - 3, n), 0);
        assert_int_equal(pkt_dissect_all(&p), 6);
        assert_true(p.layers[5].flags & PKT_LAYER_TRUNCATED);
}

static int
sink(void *ctx, const char *text, size_t len)
{
        (void)ctx;
        (void)text;
        (void)len;
        return 0;
}

/* Parses every prefix of a frame: nothing crashes, a layer whose header is cut is flagged
 * truncated, and nothing the full frame had intact turns up malformed. */
static void
sweep_prefixes(const char *rel, unsigned frame, size_t max_prefixes)
{
        struct pkt full, p;
        struct frame *f = parse_frame(&full, rel, frame);
        unsigned n_full = pkt_dissect_all(&full);
        size_t limit = f->caplen < max_prefixes ? f->caplen : max_prefixes;

        pkt_init(&p);

        for (size_t k = 0; k < limit; k++) {
                assert_int_equal(pkt_parse_dlt(&p, f->dlt, f->data, k, f->wire_len), 0);
                unsigned n = pkt_dissect_all(&p);
                assert_int_equal(pkt_print(&p, sink, NULL), 0);
                for (unsigned i = 0; i < n && i < n_full; i++) {
                        const struct pkt_layer *a = &full.layers[i], *l = &p.layers[i];
                        if (l->proto != a->proto)
                                break;
                        if (!(a->flags & PKT_LAYER_MALFORMED) && (l->flags & PKT_LAYER_MALFORMED))
                                fail_msg("%s prefix %zu: layer %u (%s) malformed", rel, k, i,
                                         pkt_proto_name(l->proto));
                        /* a raw layer's "header" is just the bytes it has */
                        if (l->proto != PKT_PROTO_RAW && k > a->off && k < a->off + a->hdr_len &&
                            !(l->flags & PKT_LAYER_TRUNCATED))
                                fail_msg("%s prefix %zu: layer %u (%s) not truncated", rel, k, i,
                                         pkt_proto_name(l->proto));
                }
        }
        free(f);
}

static void
test_ip6_every_prefix_parses_and_flags_truncation(void **state)
{
        (void)state;
        sweep_prefixes("libpcap/filter__ipv6_ext_headers.pcap", 1, SIZE_MAX);
        sweep_prefixes("libpcap/filter__ipv6_ah_modes.pcap", 2, SIZE_MAX);
        sweep_prefixes("tcpdump/ipv6-routing-header.pcap", 4, SIZE_MAX);
        sweep_prefixes("tcpdump/ipv6-srh-insert-cksum.pcap", 1, 200);
        sweep_prefixes("zeek/mobile-ipv6__ipv6-mobile-hoa.pcap", 1, SIZE_MAX);
        sweep_prefixes("pcap4j/IpV6ExtFragmentPacketTest.pcap", 1, SIZE_MAX);
        sweep_prefixes("libpcap/filter__AH-IPcomp-IPv4.pcap", 3, SIZE_MAX);
        sweep_prefixes("tcpdump/ipv6_jumbogram_1.pcap", 1, 200);
}

static void
test_ip6_hostile_corpus_parses_without_crashing(void **state)
{
        static const char *const files[] = {
                "tcpdump/ipv6-next-header-oobr-1.pcap",
                "tcpdump/ipv6-next-header-oobr-2.pcap",
                "tcpdump/ipv6-rthdr-oobr.pcap",
                "tcpdump/ipv6hdr-heapoverflow.pcap",
                "tcpdump/ipv6_frag6_negative_len.pcap",
                "tcpdump/ipv6-too-long-jumbo.pcap",
                "tcpdump/ipv6_missing_jumbo_payload_option.pcap",
                "tcpdump/hoobr_rt6_print.pcap",
                "zeek/trunc__ip6-ext-trunc.pcap",
                "tcpdump/ipv6-srh-tlv-pad1-padn-5-trunc.pcap",
        };

        (void)state;
        for (unsigned i = 0; i < ARRAY_LEN(files); i++)
                sweep_prefixes(files[i], 1, SIZE_MAX);
}

/* ---- direction, answers, fast accessors, round trips ---- */

static void
build(struct pkt *p, const char *spec)
{
        const uint8_t *b;

        pkt_init(p);
        (void)tu_build(p, spec, &b);
}

static void
test_ip6_answers_and_direction(void **state)
{
        struct pkt req, rep, other, mreq;

        (void)state;
        build(&req, "ip6(src=2001:db8::1,dst=2001:db8::2)/udp(sport=1000,dport=53)");
        build(&rep, "ip6(src=2001:db8::2,dst=2001:db8::1)/udp(sport=53,dport=1000)");
        build(&other, "ip6(src=2001:db8::3,dst=2001:db8::1)/udp(sport=53,dport=1000)");
        build(&mreq, "ip6(src=2001:db8::1,dst=ff02::fb)/udp(sport=1000,dport=53)");
        assert_true(pkt_answers(&req, &rep));
        assert_false(pkt_answers(&req, &other)); /* not from the host asked */
        assert_true(pkt_answers(&mreq, &other)); /* a multicast request: any member answers */
        assert_int_equal(pkt_direction(&req, &rep), PKT_DIR_REV);
        assert_int_equal(pkt_direction(&req, &req), PKT_DIR_SAME);
        assert_int_equal(pkt_direction(&req, &other), PKT_DIR_UNKNOWN);
        assert_int_equal(pkt_reverse_address(&rep), 0);
        assert_int_equal(pkt_direction(&req, &rep), PKT_DIR_SAME);
        pkt_done(&req);
        pkt_done(&rep);
        pkt_done(&other);
        pkt_done(&mreq);
}

static void
test_ip6_icmp6_reply_from_a_router_is_left_to_icmp6(void **state)
{
        const struct pkt_proto *ip6 = pkt_proto_get(PKT_PROTO_IP6);
        struct pkt req, err, udp;

        (void)state;
        if (pkt_proto_by_name("icmp6", PKT_PROTO_NONE) < 0)
                skip();
        build(&req, "ip6(src=2001:db8::1,dst=2001:db8::2)/udp(sport=1000,dport=53)");
        build(&err, "ip6(src=2001:db8::99,dst=2001:db8::1)/icmp6");
        build(&udp, "ip6(src=2001:db8::99,dst=2001:db8::1)/udp(sport=53,dport=1000)");
        /* a router on the path may send ICMPv6 errors: the IPv6 layer does not object */
        assert_true(ip6->answers(&req, 0, &err, 0));
        /* anything else from a host that was not asked is no answer */
        assert_false(ip6->answers(&req, 0, &udp, 0));
        pkt_done(&req);
        pkt_done(&err);
        pkt_done(&udp);
}

static void
test_ip6_fast_accessors_agree_with_fields(void **state)
{
        struct pkt p;
        const uint8_t *src, *dst;
        size_t n;
        struct frame *f = parse_frame(&p, "libpcap/filter__ipv6_ah_modes.pcap", 2);

        (void)state;
        for (int i = pkt_layer_find(&p, PKT_PROTO_IP6, 0); i >= 0;
             i = pkt_layer_find(&p, PKT_PROTO_IP6, i + 1)) {
                assert_int_equal(pkt_ip6_nxt(&p, i), field_u64(&p, i, "nxt"));
                assert_int_equal(pkt_ip6_hlim(&p, i), field_u64(&p, i, "hlim"));
                assert_int_equal(pkt_ip6_dlen(&p, i), field_u64(&p, i, "dlen"));
                assert_int_equal(pkt_field_get_bytes(&p, i, "src", &src, &n), 0);
                assert_memory_equal(pkt_ip6_src(&p, i), src, 16);
                assert_int_equal(pkt_field_get_bytes(&p, i, "dst", &dst, &n), 0);
                assert_memory_equal(pkt_ip6_dst(&p, i), dst, 16);
                assert_int_equal(field_u64(&p, i, "v"), 6);
        }
        free(f);
}

static void
test_ip6_unchanged_corpus_packets_serialise_byte_for_byte(void **state)
{
        static const struct {
                const char *file;
                unsigned frame;
        } cases[] = {
                { "libpcap/filter__ipv6_ext_headers.pcap", 1 },
                { "libpcap/filter__ipv6_ah_modes.pcap", 2 },
                { "tcpdump/ipv6-srh-insert-cksum.pcap", 1 },
                { "zeek/mobile-ipv6__ipv6-mobile-hoa.pcap", 1 },
                { "pcap4j/IpV6ExtFragmentPacketTest.pcap", 2 },
        };

        (void)state;
        for (unsigned i = 0; i < ARRAY_LEN(cases); i++) {
                struct pkt p, c;
                const uint8_t *out;
                struct frame *f = parse_frame(&p, cases[i].file, cases[i].frame);
                pkt_dissect_all(&p);
                pkt_init(&c);
                assert_int_equal(pkt_copy(&c, &p), 0);
                /* a change of hop limit touches one byte: no length, padding or checksum moves */
                assert_int_equal(pkt_field_set_u64(&c, 1, "hlim", 7), 0);
                assert_int_equal(pkt_serialize(&c, 0, &out), (int)f->caplen);
                f->data[f->dlt == 1 ? 14 + 7 : 7] = 7;
                tu_assert_bytes(out, f->caplen, f->data, f->caplen);
                pkt_done(&c);
                free(f);
        }
}

static void
test_ip6_srh_with_too_many_segments_is_malformed(void **state)
{
        uint8_t b[64];
        struct pkt p;
        /* SRH, 24 bytes: last_entry 3 claims four segments where one fits */
        size_t n = tu_hex("6000000000182b40"
                          "00000000000000000000000000000001"
                          "00000000000000000000000000000002"
                          "3b02040003000000"
                          "20010db8000000000000000000000002",
                          b, sizeof(b));

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP6, b, n, n), 0);
        assert_non_null(pkt_layer(&p, 1));
        assert_int_equal(p.layers[1].proto, PKT_PROTO_IP6_ROUTING);
        assert_true(p.layers[1].flags & PKT_LAYER_MALFORMED);
        unsigned count = 0;
        PKT_ELEM_FOREACH(&p, 1, "addresses", e)
                count++;
        assert_int_equal(count, 1);
}

/* An IPv6 option's length leaves out its type and length (RFC 8200 4.2): 255 data bytes fit, 256 do
 * not (IPv4's and TCP's lengths count the whole option). */
static void
test_ip6_option_holds_up_to_255_data_bytes(void **state)
{
        char spec[700], err[256];
        struct pkt p;
        (void)state;

        pkt_init(&p);
        for (unsigned n = 255; n <= 256; n++) {
                int at = snprintf(spec, sizeof(spec), "ip6/dstopts(opts=[0x1e(body=");
                for (unsigned i = 0; i < n; i++)
                        at += snprintf(spec + at, sizeof(spec) - (size_t)at, "aa");
                snprintf(spec + at, sizeof(spec) - (size_t)at, ")])");
                int r = pkt_build(&p, spec, err, sizeof(err));
                if (n == 256) {
                        assert_true(r < 0);
                        break;
                }
                assert_int_equal(r, 0);
                const uint8_t *d;
                int len = pkt_serialize(&p, 0, &d);
                /* IPv6 header, then next header and length, then type 0x1e and length 255. */
                assert_true(len > 40 + 4 + 255);
                assert_int_equal(d[42], 0x1e);
                assert_int_equal(d[43], 255);
        }
        pkt_done(&p);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ip6_udp_builds_like_scapy),
                cmocka_unit_test(test_ip6_defaults_are_pypacker_with_no_next_header_and_hop_limit_64),
                cmocka_unit_test(test_ip6_hopopts_router_alert_is_padded_like_scapy),
                cmocka_unit_test(test_ip6_hopopts_default_is_one_padn),
                cmocka_unit_test(test_ip6_padn_body_builds_its_bytes),
                cmocka_unit_test(test_ip6_dstopts_home_address_is_aligned_8n6_like_scapy),
                cmocka_unit_test(test_ip6_options_keep_their_alignment_like_scapy),
                cmocka_unit_test(test_ip6_routing_type0_udp_checksum_uses_final_destination),
                cmocka_unit_test(test_ip6_srh_udp_checksum_uses_segment_list_0),
                cmocka_unit_test(test_ip6_next_header_143_is_ethernet),
                cmocka_unit_test(test_ip6_fragment_builds_like_scapy),
                cmocka_unit_test(test_ah_over_ip6_builds_like_scapy),
                cmocka_unit_test(test_ah_icv_is_padded_to_64_bits_after_ipv6),
                cmocka_unit_test(test_ip6_extension_chain_builds_like_scapy),
                cmocka_unit_test(test_ip6_built_chain_dissects_back_to_its_layers),
                cmocka_unit_test(test_ip6_option_past_header_end_is_malformed),
                cmocka_unit_test(test_ip6_zero_length_padn_is_valid),
                cmocka_unit_test(test_ip6_ext_headers_corpus_matches_tshark),
                cmocka_unit_test(test_ah_corpus_matches_tshark),
                cmocka_unit_test(test_ah_of_length_zero_is_8_bytes_like_tshark),
                cmocka_unit_test(test_ah_and_esp_after_ipv4_match_tshark),
                cmocka_unit_test(test_ip6_routing_type0_corpus_matches_tshark),
                cmocka_unit_test(test_ip6_srh_corpus_matches_tshark),
                cmocka_unit_test(test_ip6_routing_udp_checksum_recomputes_like_capture),
                cmocka_unit_test(test_ip6_rpl_udp_checksum_uses_the_reconstructed_final_destination),
                cmocka_unit_test(test_ip6_first_fragment_dissects_later_fragments_stay_raw),
                cmocka_unit_test(test_ip6_atomic_fragment_dissects_its_upper_layer),
                cmocka_unit_test(test_ip6_dstopts_home_address_corpus_matches_tshark),
                cmocka_unit_test(test_ip6_jumbogram_payload_length_comes_from_hop_by_hop),
                cmocka_unit_test(test_ip6_endless_extension_chain_stops_at_layers_max),
                cmocka_unit_test(test_ip6_extension_chain_stops_at_end_of_data),
                cmocka_unit_test(test_ip6_every_prefix_parses_and_flags_truncation),
                cmocka_unit_test(test_ip6_hostile_corpus_parses_without_crashing),
                cmocka_unit_test(test_ip6_answers_and_direction),
                cmocka_unit_test(test_ip6_icmp6_reply_from_a_router_is_left_to_icmp6),
                cmocka_unit_test(test_ip6_fast_accessors_agree_with_fields),
                cmocka_unit_test(test_ip6_unchanged_corpus_packets_serialise_byte_for_byte),
                cmocka_unit_test(test_ip6_srh_with_too_many_segments_is_malformed),
                cmocka_unit_test(test_ip6_option_holds_up_to_255_data_bytes),
                cmocka_unit_test(test_ip6_routing_addresses_and_rest_build_in_every_form),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
