/* SPDX-License-Identifier: BSD-3-Clause */
/* The layer engine itself: lazy views, fields by name, building, serialising, the spec, printing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/hdr.h>
#include <pkt/pcap.h>
#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* scapy: Ether(dst="ff:ff:ff:ff:ff:ff",src="02:00:00:00:00:01")/IP(src="192.0.2.1",dst="192.0.2.2",ttl=64,
 *        id=0,proto=17)/UDP(sport=1024,dport=9999)/Raw(b"hello") */
static const char udp_frame_hex[] = "ffffffffffff020000000001080045000021000000004011f6c8c0000201c0000202"
                                    "0400270f000d0cef68656c6c6f";
static const char udp_spec[] = "ethernet(dst=ff:ff:ff:ff:ff:ff,src=02:00:00:00:00:01)/"
                               "ip(src=192.0.2.1,dst=192.0.2.2,ttl=64)/udp(sport=1024,dport=9999)/raw(\"hello\")";

static void
test_build_udp_matches_scapy(void **state)
{
        struct pkt p;
        const uint8_t *d;
        uint8_t want[128];
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, udp_spec, &d);
        size_t wn = tu_hex(udp_frame_hex, want, sizeof(want));
        tu_assert_bytes(d, n, want, wn);
        pkt_done(&p);
}

static void
test_parse_is_lazy_and_records_first_layer_only(void **state)
{
        uint8_t f[128];
        size_t n = tu_hex(udp_frame_hex, f, sizeof(f));
        struct pkt p;
        (void)state;

        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, f, n, n), 0);
        assert_int_equal(p.n_layers, 1);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_IP, 0), 1);
        /* IP is dissected (its header length is known) and UDP recorded, not dissected. */
        assert_int_equal(p.n_layers, 3);
        assert_false(p.layers[2].flags & PKT_LAYER_DISSECTED);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_UDP, 0), 2);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_TCP, 0), -ENOENT);
        assert_int_equal(pkt_dissect_all(&p), 4);
        assert_int_equal(p.layers[3].proto, PKT_PROTO_RAW);
}

/* pkt_parse()'s inline case and the others (pkt_parse_general()) give the same packet and refuse the
 * same things. */
static void
test_parse_inline_and_general_agree(void **state)
{
        static const struct pkt_key carriers[] = { PKT_KEY_END };
        static struct pkt_proto user = { .name = "parseuser", .summary = "test", .min_hdr_len = 4,
                                         .carriers = carriers };
        uint8_t f[128];
        size_t n = tu_hex(udp_frame_hex, f, sizeof(f));
        char err[128];
        struct pkt a, b;
        (void)state;

        pkt_init(&a);
        pkt_init(&b);
        assert_int_equal(pkt_parse(&a, PKT_PROTO_ETHERNET, f, n, n - 1), 0); /* wire_len taken as n */
        assert_int_equal(pkt_parse_general(&b, PKT_PROTO_ETHERNET, f, n, n), 0);
        assert_int_equal(a.n_layers, 1);
        assert_int_equal(a.wire_len, n);
        assert_int_equal(pkt_dissect_all(&a), pkt_dissect_all(&b));
        for (unsigned i = 0; i < a.n_layers; i++) {
                assert_int_equal(a.layers[i].proto, b.layers[i].proto);
                assert_int_equal(a.layers[i].hdr_len, b.layers[i].hdr_len);
                assert_int_equal(a.layers[i].flags, b.layers[i].flags);
        }
        /* Refused either way: no packet, no protocol, an unregistered id, bytes missing, too long. */
        assert_int_equal(pkt_parse(NULL, PKT_PROTO_ETHERNET, f, n, n), -EINVAL);
        assert_int_equal(pkt_parse(&a, PKT_PROTO_NONE, f, n, n), -EINVAL);
        assert_int_equal(pkt_parse(&a, PKT_PROTO_MAX - 1, f, n, n), -EINVAL);
        assert_int_equal(pkt_parse(&a, PKT_PROTO_MAX + 7, f, n, n), -EINVAL);
        assert_int_equal(pkt_parse(&a, PKT_PROTO_ETHERNET, NULL, n, n), -EINVAL);
        assert_int_equal(pkt_parse(&a, PKT_PROTO_ETHERNET, f, (size_t)UINT32_MAX + 1u, 0), -EINVAL);
        /* A protocol registered at run time takes the general path, and works. */
        int id = pkt_proto_register(&user);
        assert_true(id > 0);
        assert_int_equal(pkt_parse(&a, (unsigned)id, f, n, n), 0);
        assert_int_equal(a.layers[0].proto, id);
        /* A packet that owns its bytes is freed first (the general path). */
        assert_int_equal(pkt_build(&b, "ip(src=192.0.2.1,dst=192.0.2.2)/udp()", err, sizeof(err)), 0);
        assert_true(b.flags & PKT_F_OWNED);
        assert_int_equal(pkt_parse(&b, PKT_PROTO_ETHERNET, f, n, n), 0);
        assert_false(b.flags & PKT_F_OWNED);
        assert_ptr_equal(b.data, f);
        pkt_done(&b);
        pkt_done(&a);
}

/* pkt_layer_find_any(): the first layer of any of the protocols, dissected, and nothing past it. */
static void
test_find_any_stops_at_the_first_of_the_set(void **state)
{
        static const unsigned transports[] = { PKT_PROTO_TCP, PKT_PROTO_UDP };
        static const unsigned links[] = { PKT_PROTO_DOT1Q, PKT_PROTO_ETHERNET };
        uint8_t f[128];
        size_t n = tu_hex(udp_frame_hex, f, sizeof(f));
        struct pkt p;
        (void)state;

        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, f, n, n), 0);
        assert_int_equal(pkt_layer_find_any(&p, transports, 2, 0), 2);
        assert_true(p.layers[2].flags & PKT_LAYER_DISSECTED);
        assert_int_equal(p.layers[2].hdr_len, 8);
        /* The payload is recorded (UDP is dissected), not dissected. */
        assert_int_equal(p.n_layers, 4);
        assert_false(p.layers[3].flags & PKT_LAYER_DISSECTED);
        /* Already dissected layers are answered from the records; @from is honoured. */
        assert_int_equal(pkt_layer_find_any(&p, links, 2, 0), 0);
        assert_int_equal(pkt_layer_find_any(&p, links, 2, 1), -ENOENT);
        assert_int_equal(pkt_layer_find_any(&p, transports, 2, 3), -ENOENT);
        assert_true(p.flags & PKT_F_COMPLETE);
        assert_int_equal(pkt_layer_find_any(&p, transports, 0, 0), -ENOENT);
        assert_int_equal(pkt_layer_find_any(&p, transports, 2, PKT_LAYERS_MAX + 5), -ENOENT);
        /* An id beyond the registry's is no protocol of any layer. */
        assert_int_equal(pkt_layer_find_any(&p, (const unsigned[]){ 70000, PKT_PROTO_RAW }, 2, 0), 3);
        assert_int_equal(pkt_layer_find_any(NULL, transports, 2, 0), -EINVAL);
        pkt_done(&p);

        /* Longer lists: the first of any, in packet order whatever the list's, dissected no further. */
        static const unsigned three[] = { PKT_PROTO_DNS, PKT_PROTO_UDP, PKT_PROTO_IP };
        static const unsigned none_of[] = { PKT_PROTO_TCP, PKT_PROTO_ARP, PKT_PROTO_IP6 };
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, f, n, n), 0);
        assert_int_equal(pkt_layer_find_any(&p, three, 3, 0), 1);
        assert_int_equal(p.n_layers, 3);
        assert_false(p.layers[2].flags & PKT_LAYER_DISSECTED);
        assert_int_equal(pkt_layer_find_any(&p, three, 3, 2), 2);
        assert_int_equal(pkt_layer_find_any(&p, none_of, 3, 0), -ENOENT);
        assert_true(p.flags & PKT_F_COMPLETE);
        pkt_done(&p);
}

static void
test_sequence_lookup_is_anchored(void **state)
{
        uint8_t f[128];
        size_t n = tu_hex(udp_frame_hex, f, sizeof(f));
        struct pkt p;
        (void)state;

        pkt_init(&p);
        pkt_parse(&p, PKT_PROTO_ETHERNET, f, n, n);
        assert_int_equal(pkt_layer_find_seq(&p, (const unsigned[]){ PKT_PROTO_IP, PKT_PROTO_UDP }, 2), 1);
        assert_int_equal(pkt_layer_find_seq(&p, (const unsigned[]){ PKT_PROTO_ETHERNET, PKT_PROTO_UDP }, 2),
                         -ENOENT);
}

static void
test_fields_by_name_agree_with_fast_accessors(void **state)
{
        uint8_t f[128];
        size_t n = tu_hex(udp_frame_hex, f, sizeof(f));
        struct pkt p;
        uint64_t v;
        (void)state;

        pkt_init(&p);
        pkt_parse(&p, PKT_PROTO_ETHERNET, f, n, n);
        int ip = pkt_layer_find(&p, PKT_PROTO_IP, 0), udp = pkt_layer_find(&p, PKT_PROTO_UDP, 0);
        assert_int_equal(pkt_field_get_u64(&p, ip, "ttl", &v), 0);
        assert_int_equal(v, pkt_ip_ttl(&p, ip));
        assert_int_equal(pkt_field_get_u64(&p, ip, "src", &v), 0);
        assert_int_equal(v, pkt_ip_src(&p, ip));
        assert_int_equal(pkt_field_get_u64(&p, ip, "hl", &v), 0);
        assert_int_equal(v, pkt_ip_hl(&p, ip));
        assert_int_equal(pkt_field_get_u64(&p, udp, "dport", &v), 0);
        assert_int_equal(v, pkt_udp_dport(&p, udp));
        assert_int_equal(pkt_field_get_u64(&p, 0, "type", &v), 0);
        assert_int_equal(v, pkt_eth_type(&p, 0));
        assert_string_equal(tu_field(&p, ip, "dst"), "192.0.2.2");
        assert_string_equal(tu_field(&p, ip, "p"), "UDP");
        assert_string_equal(tu_field(&p, 0, "src"), "02:00:00:00:00:01");
        assert_string_equal(tu_field(&p, ip, "v_hl"), "0x45");
}

static void
test_unmodified_parse_serialises_byte_for_byte(void **state)
{
        uint8_t f[128];
        size_t n = tu_hex(udp_frame_hex, f, sizeof(f));
        f[24] ^= 0xff; /* a wrong IP checksum must survive an unmodified round trip */
        struct pkt p;
        const uint8_t *d;
        (void)state;

        pkt_init(&p);
        pkt_parse(&p, PKT_PROTO_ETHERNET, f, n, n);
        pkt_dissect_all(&p);
        assert_int_equal(pkt_serialize(&p, 0, &d), (int)n);
        assert_ptr_equal(d, f); /* nothing copied */
        assert_int_equal(d[24], f[24]);
}

static void
test_modify_in_place_updates_checksums_without_rebuild(void **state)
{
        uint8_t f[128], want[128];
        size_t n = tu_hex(udp_frame_hex, f, sizeof(f));
        struct pkt p, q;
        const uint8_t *d, *wd;
        (void)state;

        pkt_init(&p);
        pkt_init(&q);
        assert_int_equal(pkt_parse_writable(&p, PKT_PROTO_ETHERNET, f, n, n), 0);
        int ip = pkt_layer_find(&p, PKT_PROTO_IP, 0);
        pkt_ip_set_ttl(&p, ip, 7);
        assert_int_equal(pkt_serialize(&p, 0, &d), (int)n);
        assert_ptr_equal(d, f); /* edited where it lies, no copy */
        assert_false(p.flags & PKT_F_OWNED);

        size_t wn = tu_build(&q, "ethernet(dst=ff:ff:ff:ff:ff:ff,src=02:00:00:00:00:01)/"
                                 "ip(src=192.0.2.1,dst=192.0.2.2,ttl=7)/udp(sport=1024,dport=9999)/raw(\"hello\")",
                             &wd);
        memcpy(want, wd, wn);
        tu_assert_bytes(d, n, want, wn);

        /* An address feeds the UDP pseudo-header: its checksum must follow. */
        pkt_ip_set_src(&p, ip, 0xc6336401); /* 198.51.100.1 */
        pkt_serialize(&p, 0, &d);
        wn = tu_build(&q, "ethernet(dst=ff:ff:ff:ff:ff:ff,src=02:00:00:00:00:01)/"
                          "ip(src=198.51.100.1,dst=192.0.2.2,ttl=7)/udp(sport=1024,dport=9999)/raw(\"hello\")",
                      &wd);
        tu_assert_bytes(d, n, wd, wn);
        pkt_done(&q);
}

static void
test_parsed_packet_is_read_only(void **state)
{
        uint8_t f[128];
        size_t n = tu_hex(udp_frame_hex, f, sizeof(f));
        struct pkt p, c;
        const uint8_t *d;
        (void)state;

        pkt_init(&p);
        pkt_init(&c);
        pkt_parse(&p, PKT_PROTO_ETHERNET, f, n, n);
        assert_int_equal(pkt_field_set_str(&p, 1, "ttl", "1"), -EROFS);
        assert_int_equal(pkt_copy(&c, &p), 0);
        assert_int_equal(pkt_field_set_str(&c, 1, "ttl", "1"), 0);
        pkt_serialize(&c, 0, &d);
        assert_int_equal(d[22], 1);
        assert_int_equal(f[22], 64);
        pkt_done(&c);
}

static void
test_explicit_fields_are_not_auto_updated(void **state)
{
        struct pkt p;
        const uint8_t *d;
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2,len=99,sum=0x1234,p=200)/udp(sum=0)/raw(\"ab\")", &d);
        assert_int_equal(n, 30);
        assert_int_equal(d[2] << 8 | d[3], 99);
        assert_int_equal(d[10] << 8 | d[11], 0x1234);
        assert_int_equal(d[9], 200);
        assert_int_equal(d[26] << 8 | d[27], 0); /* explicit 0: no checksum, as RFC 768 allows */

        /* Giving the field back to auto-update recomputes it. */
        assert_int_equal(pkt_field_set_auto(&p, 0, "len", true), 0);
        pkt_serialize(&p, 0, &d);
        assert_int_equal(d[2] << 8 | d[3], 30);
        pkt_done(&p);
}

static void
test_no_auto_per_call_leaves_fields(void **state)
{
        struct pkt p;
        const uint8_t *d;
        char err[128];
        (void)state;

        pkt_init(&p);
        assert_int_equal(pkt_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2)/udp()", err, sizeof(err)), 0);
        assert_int_equal(pkt_serialize(&p, PKT_SER_NO_AUTO, &d), 28);
        assert_int_equal(d[2] << 8 | d[3], 0);   /* len untouched */
        assert_int_equal(d[10] << 8 | d[11], 0); /* checksum untouched */
        assert_int_equal(pkt_serialize(&p, 0, &d), 28);
        assert_int_equal(d[2] << 8 | d[3], 28);
        pkt_done(&p);
}

static void
test_udp_zero_checksum_is_sent_as_ffff(void **state)
{
        struct pkt p;
        const uint8_t *d;
        (void)state;

        /* Search for a payload whose UDP checksum computes to 0; RFC 768 sends it as 0xffff. */
        pkt_init(&p);
        bool is_found = false;
        for (unsigned v = 0; v < 65536 && !is_found; v++) {
                char spec[160];
                snprintf(spec, sizeof(spec), "ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=1,dport=2)/raw(hex=%04x)", v);
                tu_build(&p, spec, &d);
                /* the sum covers the payload word: exactly one value of it folds to 0 -> 0xffff */
                if ((d[26] << 8 | d[27]) == 0xffff)
                        is_found = true;
                assert_false((d[26] << 8 | d[27]) == 0);
        }
        assert_true(is_found);
        pkt_done(&p);
}

static void
test_concatenation_appends_layers(void **state)
{
        struct pkt a, b;
        const uint8_t *d, *wd;
        char err[128];
        (void)state;

        pkt_init(&a);
        pkt_init(&b);
        assert_int_equal(pkt_build(&a, "ethernet(dst=ff:ff:ff:ff:ff:ff,src=02:00:00:00:00:01)", err, sizeof(err)), 0);
        assert_int_equal(pkt_build(&b, "ip(src=192.0.2.1,dst=192.0.2.2,ttl=64)/udp(sport=1024,dport=9999)", err,
                                   sizeof(err)), 0);
        assert_int_equal(pkt_append(&a, &b), 1);
        assert_int_equal(pkt_push_raw(&a, "hello", 5), 3);
        int n = pkt_serialize(&a, 0, &d);
        uint8_t want[128];
        size_t wn = tu_hex(udp_frame_hex, want, sizeof(want));
        (void)wd;
        tu_assert_bytes(d, (size_t)n, want, wn);
        pkt_done(&a);
        pkt_done(&b);
}

static void
test_spec_errors_name_layer_field_and_reason(void **state)
{
        struct pkt p;
        char err[256];
        (void)state;

        pkt_init(&p);
        assert_int_equal(pkt_build(&p, "ip(ttl=300)", err, sizeof(err)), -ERANGE);
        assert_non_null(strstr(err, "layer 1 (ip)"));
        assert_non_null(strstr(err, "ttl"));
        assert_non_null(strstr(err, "too wide"));
        assert_int_equal(pkt_build(&p, "ethernet()/nosuch(a=1)", err, sizeof(err)), -ENOENT);
        assert_non_null(strstr(err, "layer 2 (nosuch)"));
        assert_int_equal(pkt_build(&p, "ip(src=1.2.3)", err, sizeof(err)), -EINVAL);
        assert_non_null(strstr(err, "src"));
        assert_int_equal(pkt_build(&p, "ip(ttl=1", err, sizeof(err)), -EINVAL);
        assert_int_equal(pkt_build(&p, "raw(\"unterminated)", err, sizeof(err)), -EINVAL);
        assert_int_equal(pkt_build(&p, "", err, sizeof(err)), -EINVAL);
        assert_int_equal(p.n_layers, 0); /* a failed build leaves nothing behind */
}

/* pkt_spec_encode() puts each field at its place: arguments in any order, defaults for the rest. */
static void
test_spec_encode_places_fields_in_table_order(void **state)
{
        static const struct pkt_field table[] = {
                { .name = "reserved", .off = 0, .bits = 16, .type = PKT_FT_UINT },
                { .name = "type", .off = 16, .bits = 16, .type = PKT_FT_UINT, .def = 0x2001 },
                { .name = "id", .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
                { .name = "tail", .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES },
        };
        struct pkt_spec_arg args[4];
        uint8_t out[16];
        char name[32];
        int n;

        (void)state;
        n = pkt_spec_split("x(tail=aabb,id=192.0.2.1)", name, sizeof(name), args, 4);
        assert_int_equal(n, 2);
        assert_int_equal(pkt_spec_encode(table, 4, args, n, out, sizeof(out)), 10);
        tu_assert_bytes(out, 10, (const uint8_t *)"\x00\x00\x20\x01\xc0\x00\x02\x01\xaa\xbb", 10);
        n = pkt_spec_split("x(0,0x2008)", name, sizeof(name), args, 4);
        assert_int_equal(pkt_spec_encode(table, 4, args, n, out, sizeof(out)), 8);
        tu_assert_bytes(out, 8, (const uint8_t *)"\x00\x00\x20\x08\x00\x00\x00\x00", 8);
        n = pkt_spec_split("x(color=1)", name, sizeof(name), args, 4);
        assert_int_equal(pkt_spec_encode(table, 4, args, n, out, sizeof(out)), -ENOENT);
        assert_int_equal(pkt_spec_encode(table, 4, NULL, 0, out, 6), -EMSGSIZE);
}

static void
test_spec_values_in_every_syntax(void **state)
{
        struct pkt p;
        const uint8_t *d;
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, "ethernet(dst=02-00-00-00-00-02,type=0x86dd)/raw(hex=00ff)", &d);
        assert_int_equal(n, 16);
        assert_int_equal(d[5], 2);
        assert_int_equal(d[12], 0x86);
        assert_int_equal(d[15], 0xff);
        n = tu_build(&p, "ip(flags=DF|MF,tos=0x10,p=ICMP)/raw(\"a\\x01\\n\\\"\")", &d);
        assert_int_equal(d[6] >> 5, 3);
        assert_int_equal(d[1], 0x10);
        assert_int_equal(d[9], 1);
        assert_int_equal(n, 24);
        assert_memory_equal(d + 20, "a\x01\n\"", 4);
        pkt_done(&p);
}

static void
test_ip_options_pad_and_set_header_length(void **state)
{
        struct pkt p;
        const uint8_t *d;
        (void)state;

        /* scapy: IP(src="192.0.2.1",dst="192.0.2.2",options=[IPOption_NOP(),
         *        IPOption_RR(length=7,pointer=4,routers=["0.0.0.0"])])  -> 28 bytes, ihl 7 */
        pkt_init(&p);
        size_t n = tu_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2,p=0,opts=[nop,rr(body=0400000000)])", &d);
        assert_int_equal(n, 28);
        assert_int_equal(d[0], 0x47);
        assert_int_equal(d[20], 1);
        assert_int_equal(d[21], 7);
        assert_int_equal(d[22], 7);
        assert_int_equal(d[23], 4); /* the pointer, first byte of the body */

        unsigned count = 0;
        PKT_ELEM_FOREACH(&p, 0, "opts", e)
        {
                uint64_t type;
                assert_int_equal(pkt_elem_get_u64(&p, 0, &e, "type", &type), 0);
                static const uint64_t want[] = { 1, 7 };
                assert_int_equal(type, want[count]);
                count++;
        }
        assert_int_equal(count, 2);
        pkt_done(&p);
}

static void
test_ip_option_with_zero_length_is_malformed_and_ends_walk(void **state)
{
        /* IHL 6: one NOP, then an option claiming length 0 (a classic infinite-loop input). */
        uint8_t h[24] = { 0x46, 0, 0, 24, 0, 0, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2, 1, 7, 0, 0 };
        struct pkt p;
        unsigned count = 0;
        (void)state;

        pkt_init(&p);
        pkt_parse(&p, PKT_PROTO_IP, h, sizeof(h), sizeof(h));
        PKT_ELEM_FOREACH(&p, 0, "opts", e)
        {
                count++;
                assert_true(count <= 2);
                if (count == 2)
                        assert_true(e.flags & PKT_LAYER_MALFORMED);
        }
        assert_int_equal(count, 2);
}

/* Options whose lengths break their kind's rule (RFC 791 3.1: routes and timestamps in 4-byte slots,
 * RFC 2113 router alert of 4) are flagged and make the layer malformed; their lengths still delimit
 * them, so the options after them are listed as tshark lists them. Well-formed ones leave it alone. */
static void
test_ip_option_length_must_fit_its_kind(void **state)
{
        static const struct {
                const char *opts; /* 8 bytes: IHL 7 */
                unsigned count;
                bool malformed;
        } cases[] = {
                { "0707040000000000", 2, false },   /* record route, one slot, then end of list */
                { "0705040000010101", 4, true },    /* record route of 5: no whole slot */
                { "9404000001010101", 5, false },   /* router alert, 4 NOPs */
                { "9406000000000101", 3, true },    /* router alert of 6 */
                { "4406050000000101", 3, true },    /* timestamp of 6 */
                { "8302010101010101", 7, true },    /* loose source route of 2: no pointer */
                { "8307040000000000", 2, false },   /* loose source route, one slot */
        };
        uint8_t buf[64];
        char hex[128];
        struct pkt p;
        (void)state;

        for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
                snprintf(hex, sizeof(hex), "4700001c0000000040110000c0000201c0000202%s", cases[c].opts);
                size_t n = tu_hex(hex, buf, sizeof(buf));
                pkt_init(&p);
                assert_int_equal(pkt_parse(&p, PKT_PROTO_IP, buf, n, n), 0);
                print_message("case %u: %s\n", c, cases[c].opts);
                assert_int_equal(!!(pkt_layer(&p, 0)->flags & PKT_LAYER_MALFORMED), cases[c].malformed);
                assert_int_equal(tu_elem_count(&p, 0, "opts", NULL), cases[c].count);
                pkt_done(&p);
        }
}

static void
test_ipv4_ihl_below_5_is_malformed(void **state)
{
        uint8_t h[40] = { 0x43, 0, 0, 40, 0, 0, 0, 0, 64, 17 };
        struct pkt p;
        (void)state;

        pkt_init(&p);
        pkt_parse(&p, PKT_PROTO_IP, h, sizeof(h), sizeof(h));
        const struct pkt_layer *l = pkt_layer(&p, 0);
        assert_true(l->flags & PKT_LAYER_MALFORMED);
        assert_int_equal(pkt_dissect_all(&p), 1); /* nothing above a header we cannot trust */
}

/* Total length 0: a segment over 64 KiB captured before the NIC split it (Linux's BIG TCP for IPv4,
 * tcpdump's bigtcp-ipv4.pcap). tshark and tcpdump take the frame's length: TCP with 80,000 bytes. */
static void
test_ipv4_total_length_0_is_the_frames(void **state)
{
        struct pkt_pcap *r;
        struct pkt_pcap_rec rec;
        struct pkt p;
        (void)state;

        assert_int_equal(pkt_pcap_open(tu_corpus("tcpdump/bigtcp-ipv4.pcap"), &r), 0);
        assert_int_equal(pkt_pcap_next(r, &rec), 1);
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, rec.linktype, rec.data, rec.caplen, rec.wire_len), 0);
        assert_int_equal(pkt_dissect_all(&p), 4);
        assert_int_equal(p.layers[1].proto, PKT_PROTO_IP);
        assert_string_equal(tu_field(&p, 1, "len"), "0");
        assert_false(p.layers[1].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        assert_int_equal(p.layers[2].proto, PKT_PROTO_TCP);
        assert_int_equal(p.layers[3].len, 80000);
        /* Unchanged, it serialises as it came. */
        const uint8_t *d;
        assert_int_equal(pkt_serialize(&p, 0, &d), (int)rec.caplen);
        assert_memory_equal(d, rec.data, rec.caplen);
        pkt_done(&p);
        pkt_pcap_close(r);
}

static void
test_truncated_differs_from_malformed(void **state)
{
        uint8_t f[128];
        size_t n = tu_hex(udp_frame_hex, f, sizeof(f));
        struct pkt p;
        (void)state;

        pkt_init(&p);
        /* Cut by the snap length inside the IP header: truncated. */
        pkt_parse(&p, PKT_PROTO_ETHERNET, f, 20, n);
        pkt_dissect_all(&p);
        assert_int_equal(p.n_layers, 2);
        assert_true(p.layers[1].flags & PKT_LAYER_TRUNCATED);
        assert_false(p.layers[1].flags & PKT_LAYER_MALFORMED);
        /* The same bytes reported as the whole frame: malformed. */
        pkt_parse(&p, PKT_PROTO_ETHERNET, f, 20, 20);
        pkt_dissect_all(&p);
        assert_true(p.layers[1].flags & PKT_LAYER_MALFORMED);
        /* Fields before the cut stay readable, those after it do not. */
        assert_string_equal(tu_field(&p, 1, "v"), "4");
        uint64_t v;
        assert_int_equal(pkt_field_get_u64(&p, 1, "dst", &v), -ENODATA);
}

static void
test_every_prefix_parses_cleanly(void **state)
{
        uint8_t f[128];
        size_t n = tu_hex(udp_frame_hex, f, sizeof(f));
        (void)state;

        for (size_t cut = 0; cut <= n; cut++) {
                uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan catches any overread */
                struct pkt p;
                memcpy(copy, f, cut);
                pkt_init(&p);
                pkt_parse(&p, PKT_PROTO_ETHERNET, copy, cut, n);
                pkt_dissect_all(&p);
                for (unsigned i = 0; i < p.n_layers; i++) {
                        assert_true(p.layers[i].off + p.layers[i].len <= cut);
                        assert_false(p.layers[i].flags & PKT_LAYER_MALFORMED);
                }
                free(copy);
        }
}

static int
count_bytes(void *ctx, const char *text, size_t len)
{
        (void)text;
        *(size_t *)ctx += len;
        return 0;
}

static int
collect(void *ctx, const char *text, size_t len)
{
        char *out = ctx;
        size_t have = strlen(out);
        if (have + len >= 4096)
                return -EMSGSIZE;
        memcpy(out + have, text, len);
        out[have + len] = 0;
        return 0;
}

static void
test_print_shows_names_values_and_flags(void **state)
{
        struct pkt p;
        const uint8_t *d;
        char out[4096] = "";
        (void)state;

        pkt_init(&p);
        tu_build(&p, "ethernet(src=02:00:00:00:00:01)/ip(src=192.0.2.1,dst=192.0.2.2,flags=DF)/udp(dport=53)", &d);
        assert_int_equal(pkt_print(&p, collect, out), 0);
        assert_non_null(strstr(out, "ethernet (14+28 bytes)"));
        assert_non_null(strstr(out, "src         : 02:00:00:00:00:01"));
        assert_non_null(strstr(out, "flags       : DF (2)"));
        assert_non_null(strstr(out, "dst         : 192.0.2.2"));
        assert_non_null(strstr(out, "p           : UDP (17)"));
        assert_null(strstr(out, "v_hl")); /* combined fields show as their parts */
        size_t n = 0;
        assert_int_equal(pkt_hexdump(d, 42, count_bytes, &n), 0);
        assert_int_equal(n, 73 + 73 + 67); /* offset, 16 hex bytes, ASCII; the last line is short */
        pkt_done(&p);
}

static void
test_direction_and_reverse(void **state)
{
        struct pkt a, b;
        const uint8_t *d;
        (void)state;

        pkt_init(&a);
        pkt_init(&b);
        tu_build(&a, "ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)/ip(src=192.0.2.1,dst=192.0.2.2)/"
                     "udp(sport=1000,dport=53)", &d);
        tu_build(&b, "ethernet(src=02:00:00:00:00:02,dst=02:00:00:00:00:01)/ip(src=192.0.2.2,dst=192.0.2.1)/"
                     "udp(sport=53,dport=1000)", &d);
        assert_int_equal(pkt_direction(&a, &b), PKT_DIR_REV);
        assert_int_equal(pkt_direction(&a, &a), PKT_DIR_SAME);
        assert_true(pkt_answers(&a, &b));
        assert_false(pkt_answers(&a, &a));
        assert_int_equal(pkt_reverse_address(&b), 0);
        assert_int_equal(pkt_direction(&a, &b), PKT_DIR_SAME);
        pkt_done(&a);
        pkt_done(&b);
}

/* A protocol defined at run time: a 4-byte header "demo" on UDP port 4242 (see docs/new-protocol.md). */
static const struct pkt_field demo_fields[] = {
        { .name = "version", .off = 0, .bits = 4, .type = PKT_FT_UINT, .def = 1 },
        { .name = "kind", .off = 4, .bits = 4, .type = PKT_FT_ENUM,
          .names = (const struct pkt_name[]){ { 1, "HELLO" }, { 2, "BYE" }, { 0, NULL } } },
        { .name = "len", .off = 8, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "seq", .off = 16, .bits = 16, .type = PKT_FT_UINT },
};

static int
demo_update(struct pkt *p, unsigned idx)
{
        return pkt_auto_set(p, idx, 2, p->layers[idx].len);
}

static struct pkt_proto demo_proto = {
        .name = "demo",
        .summary = "a protocol registered at run time",
        .min_hdr_len = 4,
        .fields = demo_fields,
        .n_fields = 4,
        .carriers = (const struct pkt_key[]){ { PKT_KEY_UDP_PORT, 4242 }, PKT_KEY_END },
        .update = demo_update,
};

static void
test_register_new_protocol_at_run_time(void **state)
{
        struct pkt p, q;
        const uint8_t *d;
        (void)state;

        int id = pkt_proto_register(&demo_proto);
        assert_true(id >= PKT_PROTO_BUILTIN_MAX);
        assert_int_equal(pkt_proto_register(&demo_proto), -EEXIST);
        assert_int_equal(pkt_proto_by_name("demo", PKT_PROTO_NONE), id);

        pkt_init(&p);
        pkt_init(&q);
        size_t n = tu_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=4242,dport=5000)/demo(kind=BYE,seq=7)/"
                                "raw(\"xy\")", &d);
        assert_int_equal(n, 20 + 8 + 4 + 2);
        pkt_parse(&q, PKT_PROTO_IP, d, n, n);
        int i = pkt_layer_find(&q, (unsigned)id, 0);
        assert_int_equal(i, 2);
        assert_string_equal(tu_field(&q, i, "kind"), "BYE");
        assert_string_equal(tu_field(&q, i, "len"), "6");
        assert_string_equal(tu_field(&q, i, "seq"), "7");

        /* A new key value for an existing protocol. */
        assert_int_equal(pkt_key_register(PKT_KEY_UDP_PORT, 4343, (unsigned)id), 0);
        assert_int_equal(pkt_key_lookup(PKT_KEY_UDP_PORT, 4343), (unsigned)id);
        pkt_done(&p);
}

static void
test_visit_reports_every_field_once(void **state)
{
        struct pkt p;
        const uint8_t *d;
        size_t n = 0;
        (void)state;

        pkt_init(&p);
        tu_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2)/udp()", &d);
        assert_int_equal(pkt_visit(&p, (pkt_visit_fn)(void *)NULL, NULL), -EINVAL);
        char out[4096] = "";
        assert_int_equal(pkt_print(&p, collect, out), 0);
        for (const char *s = out; (s = strstr(s, "\n    ")); s++)
                n++;
        assert_int_equal(n, 12 + 4); /* IPv4 without its two combined fields, UDP */
        pkt_done(&p);
}

/* Argument values of any length while building: a TLS Certificate message of 3,000 bytes (6,000 hex
 * digits, past an argument's 511 characters and the old 1,023-character element) from a spec and
 * through pkt_elem_add(); pkt_spec_split() alone, outside a build, keeps to short values. */
static void
test_spec_values_of_any_length_while_building(void **state)
{
        enum { N = 3000 };
        static const char head[] = "ethernet/ip(src=192.0.2.1,dst=192.0.2.2)/tcp(sport=443,dport=1024)/"
                                   "ssl(type=22,version=0x0303,handshakes=[handshake(type=11,data=0x";
        size_t room = sizeof(head) + 2 * N + 16;
        char *spec = malloc(room), *hex;
        struct pkt_spec_arg arg;
        char name[16];
        struct pkt p;
        const uint8_t *d, *h;
        size_t hl;
        (void)state;

        assert_non_null(spec);
        strcpy(spec, head);
        hex = spec + strlen(spec);
        for (size_t i = 0; i < N; i++)
                sprintf(hex + 2 * i, "%02x", (unsigned)(i * 7 % 251));
        strcat(spec, ")])");

        pkt_init(&p);
        tu_build(&p, spec, &d);
        int ssl = pkt_layer_find(&p, PKT_PROTO_TLS, 0);
        assert_true(ssl >= 0);
        h = pkt_layer_header(&p, (unsigned)ssl, &hl);
        assert_int_equal(hl, 5 + 4 + N);
        static const uint8_t rec[] = { 22, 3, 3, (N + 4) >> 8, (N + 4) & 0xff, 11, 0, N >> 8, N & 0xff };
        tu_assert_bytes(h, sizeof(rec), rec, sizeof(rec));
        for (size_t i = 0; i < N; i++)
                assert_int_equal(h[9 + i], (uint8_t)(i * 7 % 251));

        /* The same message added on its own, to an empty record. */
        struct pkt q;
        pkt_init(&q);
        tu_build(&q, "ssl(type=22,version=0x0303)", &d);
        hex[2 * N] = 0;
        char *elem = strstr(spec, "handshake(");
        strcat(elem, ")");
        assert_int_equal(pkt_elem_add(&q, 0, "handshakes", elem), 0);
        const uint8_t *a, *b;
        size_t an = 0, bn = 0;
        a = pkt_layer_header(&q, 0, &an);
        b = pkt_layer_header(&p, (unsigned)ssl, &bn);
        tu_assert_bytes(a + 5, an - 5, b + 5, bn - 5);

        /* Outside a build a value must fit the argument: 511 characters do, 512 do not. */
        char text[600] = "x(v=";
        memset(text + 4, '1', 511);
        strcpy(text + 4 + 511, ")");
        assert_int_equal(pkt_spec_split(text, name, sizeof(name), &arg, 1), 1);
        assert_int_equal(strlen(arg.value), 511);
        strcpy(text + 4 + 511, "1)");
        assert_int_equal(pkt_spec_split(text, name, sizeof(name), &arg, 1), -E2BIG);

        pkt_done(&q);
        pkt_done(&p);
        free(spec);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_build_udp_matches_scapy),
                cmocka_unit_test(test_parse_is_lazy_and_records_first_layer_only),
                cmocka_unit_test(test_parse_inline_and_general_agree),
                cmocka_unit_test(test_find_any_stops_at_the_first_of_the_set),
                cmocka_unit_test(test_sequence_lookup_is_anchored),
                cmocka_unit_test(test_fields_by_name_agree_with_fast_accessors),
                cmocka_unit_test(test_unmodified_parse_serialises_byte_for_byte),
                cmocka_unit_test(test_modify_in_place_updates_checksums_without_rebuild),
                cmocka_unit_test(test_parsed_packet_is_read_only),
                cmocka_unit_test(test_explicit_fields_are_not_auto_updated),
                cmocka_unit_test(test_no_auto_per_call_leaves_fields),
                cmocka_unit_test(test_udp_zero_checksum_is_sent_as_ffff),
                cmocka_unit_test(test_concatenation_appends_layers),
                cmocka_unit_test(test_spec_errors_name_layer_field_and_reason),
                cmocka_unit_test(test_spec_encode_places_fields_in_table_order),
                cmocka_unit_test(test_spec_values_in_every_syntax),
                cmocka_unit_test(test_ip_options_pad_and_set_header_length),
                cmocka_unit_test(test_ip_option_with_zero_length_is_malformed_and_ends_walk),
                cmocka_unit_test(test_ip_option_length_must_fit_its_kind),
                cmocka_unit_test(test_ipv4_ihl_below_5_is_malformed),
                cmocka_unit_test(test_ipv4_total_length_0_is_the_frames),
                cmocka_unit_test(test_truncated_differs_from_malformed),
                cmocka_unit_test(test_every_prefix_parses_cleanly),
                cmocka_unit_test(test_print_shows_names_values_and_flags),
                cmocka_unit_test(test_direction_and_reverse),
                cmocka_unit_test(test_register_new_protocol_at_run_time),
                cmocka_unit_test(test_visit_reports_every_field_once),
                cmocka_unit_test(test_spec_values_of_any_length_while_building),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
