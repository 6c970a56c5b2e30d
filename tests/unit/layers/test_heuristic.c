/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Heuristics (struct pkt_proto's heuristic): a TCP or UDP payload that no registered port claims is
 * dissected as the first protocol whose heuristic recognises it (TLS, HTTP, SIP, DNS, as tshark's
 * heuristic dissectors do), or stays raw. Packets are built from specs with the payload as raw bytes,
 * then parsed afresh, so that only the heuristics can name the payload.
 */
#include <errno.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* A TLS 1.2 ClientHello record's first bytes (RFC 5246 7.4.1.2): record header, handshake header,
 * version, 32 bytes of random, no session id, one cipher suite, null compression. */
#define CLIENT_HELLO_HEX                                                                                \
        "16030100310100002d0303"                                                                        \
        "0000000000000000000000000000000000000000000000000000000000000000"                              \
        "000002002f0100"

/* The protocol of the layer right above the transport of the packet @spec builds, parsed afresh from its
 * bytes; *@ret_transport_idx is the transport's index. */
static unsigned
payload_proto_of(const char *spec, int *ret_transport_idx)
{
        static const unsigned transports[] = { PKT_PROTO_TCP, PKT_PROTO_UDP };
        const uint8_t *data;
        uint8_t copy[2048];
        struct pkt built, p;

        pkt_init(&built);
        size_t n = tu_build(&built, spec, &data);
        assert_true(n <= sizeof(copy));
        memcpy(copy, data, n);
        pkt_done(&built);

        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, copy, n, n), 0);
        int t = pkt_layer_find_any(&p, transports, 2, 0);
        assert_true(t >= 0);
        const struct pkt_layer *up = pkt_layer(&p, (unsigned)t + 1u);
        unsigned proto = up ? up->proto : PKT_PROTO_NONE;
        /* Every layer of the packet dissects, and the guessed one keeps the payload's bytes. */
        assert_true(pkt_dissect_all(&p) >= (unsigned)t + 2u || !up);
        if (up)
                assert_int_equal(p.layers[t + 1].off + p.layers[t + 1].len, n);
        pkt_done(&p);
        if (ret_transport_idx)
                *ret_transport_idx = t;
        return proto;
}

#define ETH_IP "ethernet()/ip(src=192.0.2.1,dst=192.0.2.2)/"

static void
test_tls_on_a_port_nobody_registered_is_tls(void **state)
{
        (void)state;
        /* openssl s_server's default port */
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=4433)/raw(hex=" CLIENT_HELLO_HEX ")", NULL),
                         PKT_PROTO_TLS);
        /* application data, from the server's side */
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=4433,dport=50000)/raw(hex=1703030005aabbccddee)", NULL),
                         PKT_PROTO_TLS);
        /* not the record types a heuristic trusts (an alert could be anything), a length of 0, an
         * unknown version, a header cut short: raw */
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=4433)/raw(hex=150303000202)", NULL),
                         PKT_PROTO_RAW);
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=4433)/raw(hex=1703030000)", NULL),
                         PKT_PROTO_RAW);
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=4433)/raw(hex=1703050001aa)", NULL),
                         PKT_PROTO_RAW);
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=4433)/raw(hex=1603)", NULL),
                         PKT_PROTO_RAW);
}

static void
test_http_and_sip_start_lines_are_recognised(void **state)
{
        (void)state;
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=5000)/raw(\"GET /x HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n\")", NULL),
                         PKT_PROTO_HTTP);
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=5000,dport=50000)/raw(\"HTTP/1.0 200 OK\\r\\n\\r\\nbody\")", NULL),
                         PKT_PROTO_HTTP);
        /* HTTP/0.9's bare "GET /" says too little; a line without its end cannot be judged */
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=5000)/raw(\"GET /\\r\\n\")", NULL),
                         PKT_PROTO_RAW);
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=5000)/raw(\"GET /x HTTP/1.1\")", NULL),
                         PKT_PROTO_RAW);
        /* SIP over UDP and over TCP, away from 5060 */
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=5070,dport=5080)/raw(\"INVITE sip:bob@example.com SIP/2.0\\r\\nVia: SIP/2.0/UDP h\\r\\n\\r\\n\")", NULL),
                         PKT_PROTO_SIP);
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=5080,dport=50000)/raw(\"SIP/2.0 180 Ringing\\r\\n\\r\\n\")", NULL),
                         PKT_PROTO_SIP);
        /* HTTP is a TCP heuristic only, as tshark's is */
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=5000)/raw(\"GET /x HTTP/1.1\\r\\n\\r\\n\")", NULL),
                         PKT_PROTO_RAW);
}

static void
test_dns_counts_decide_a_dns_guess(void **state)
{
        (void)state;
        /* a query: id, RD, one question (example.com A IN) */
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=10053)/raw(hex=12340100000100000000000007"
                                                 "6578616d706c6503636f6d0000010001)", NULL),
                         PKT_PROTO_DNS);
        /* a response with two answers' worth of counts */
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=10053,dport=50000)/raw(hex=12348180000100020000000000)", NULL),
                         PKT_PROTO_DNS);
        /* a query with answers, an opcode other than QUERY, too many additional records, a bare
         * header: not DNS as far as a guess goes */
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=10053)/raw(hex=12340100000100010000000000)", NULL),
                         PKT_PROTO_RAW);
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=10053)/raw(hex=12342800000100000000000000)", NULL),
                         PKT_PROTO_RAW);
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=10053)/raw(hex=12340100000100000000000b00)", NULL),
                         PKT_PROTO_RAW);
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=10053)/raw(hex=123401000001000000000000)", NULL),
                         PKT_PROTO_RAW);
}

#define DNS_QUERY_HEX "123401000001000000000000076578616d706c6503636f6d0000010001"

static void
test_system_ports_are_guessed_only_by_distinctive_heuristics(void **state)
{
        (void)state;
        /* an HTTP-like line in an SMTP session, a SIP-like one on SSH's port: their services' */
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=25,dport=50000)/raw(\"HTTP/1.1 200 OK\\r\\n\\r\\n\")", NULL),
                         PKT_PROTO_RAW);
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=22)/raw(\"OPTIONS sip:a@b SIP/2.0\\r\\n\\r\\n\")",
                                          NULL),
                         PKT_PROTO_RAW);
        /* DNS on UDP 443 (DNSCrypt v1 resolvers answer plain DNS there), a TLS record after an SMTP
         * STARTTLS on 587: nothing else has those headers, so they are asked there too, as tshark does */
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=443)/raw(hex=" DNS_QUERY_HEX ")", NULL),
                         PKT_PROTO_DNS);
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=587)/raw(hex=" CLIENT_HELLO_HEX ")", NULL),
                         PKT_PROTO_TLS);
        /* but the NetBIOS name service (137) uses DNS's message format (RFC 1002 4.2), and the
         * datagram service's messages (138) could start like it: their ports are registered (to
         * nbns and nbdgm) and never guessed as DNS */
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=137,dport=137)/raw(hex=" DNS_QUERY_HEX ")", NULL),
                         PKT_PROTO_NBNS);
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=138,dport=50000)/raw(hex=" DNS_QUERY_HEX ")", NULL),
                         PKT_PROTO_NBDGM);
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=137)/raw(hex=" DNS_QUERY_HEX ")", NULL),
                         PKT_PROTO_NBNS);
        /* and the session service's segments (139, and SMB's 445) continue its messages with any bytes
         * at all: nbss's, never guessed */
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=445)/raw(hex=" CLIENT_HELLO_HEX ")", NULL),
                         PKT_PROTO_NBSS);
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=139,dport=50000)/raw(hex=" CLIENT_HELLO_HEX ")", NULL),
                         PKT_PROTO_NBSS);
}

static void
test_registered_ports_are_never_guessed(void **state)
{
        (void)state;
        /* a registered port decides, whatever the bytes look like */
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=80)/raw(hex=" CLIENT_HELLO_HEX ")", NULL),
                         PKT_PROTO_HTTP);
}

/* A walk to a protocol found by its heuristic ends there, and a walk to raw finds an unclaimed
 * payload: the guess is made before the walk compares the layer with what it looks for. */
static void
test_find_reaches_guessed_and_raw_layers(void **state)
{
        const uint8_t *data;
        struct pkt built, p;
        uint8_t copy[256];

        (void)state;
        pkt_init(&built);
        size_t n = tu_build(&built, ETH_IP "tcp(sport=50000,dport=4433)/raw(hex=" CLIENT_HELLO_HEX ")", &data);
        assert_true(n > 54 && n <= sizeof(copy));
        memcpy(copy, data, n);
        pkt_done(&built);
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, copy, n, n), 0);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_TLS, 0), 3);
        assert_string_equal(tu_field(&p, 3, "type"), "handshake");
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_RAW, 0), -ENOENT);

        copy[54] ^= 0xff; /* the record's type byte, after Ethernet, IPv4 and TCP headers */
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, copy, n, n), 0);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_RAW, 0), 3);
        assert_int_equal(pkt_layer_find(&p, PKT_PROTO_TLS, 0), -ENOENT);
        pkt_done(&p);
}

/* A protocol registered at run time with a heuristic, carried by a UDP port: its heuristic is tried on
 * UDP payloads no port claims. */
static bool
magic_heuristic(const struct pkt_view *v)
{
        return v->caplen >= 4 && memcmp(v->b, "MAGC", 4) == 0;
}

static const struct pkt_field magic_fields[] = {
        { .name = "tag", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_key magic_carriers[] = {
        { PKT_KEY_UDP_PORT, 40000 },
        PKT_KEY_END,
};

static struct pkt_proto magic_proto = {
        .name = "magic",
        .summary = "a test protocol recognised by its first four bytes",
        .min_hdr_len = 4,
        .fields = magic_fields,
        .n_fields = 1,
        .carriers = magic_carriers,
        .heuristic = magic_heuristic,
};

static void
test_a_protocol_registered_at_run_time_brings_its_heuristic(void **state)
{
        (void)state;
        int id = pkt_proto_register(&magic_proto);
        assert_true(id > 0);
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=50001)/raw(\"MAGC....\")", NULL),
                         (unsigned)id);
        assert_int_equal(payload_proto_of(ETH_IP "udp(sport=50000,dport=50001)/raw(\"MAGX....\")", NULL),
                         PKT_PROTO_RAW);
        /* UDP only: the carriers name no TCP port */
        assert_int_equal(payload_proto_of(ETH_IP "tcp(sport=50000,dport=50001)/raw(\"MAGC....\")", NULL),
                         PKT_PROTO_RAW);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_tls_on_a_port_nobody_registered_is_tls),
                cmocka_unit_test(test_http_and_sip_start_lines_are_recognised),
                cmocka_unit_test(test_dns_counts_decide_a_dns_guess),
                cmocka_unit_test(test_system_ports_are_guessed_only_by_distinctive_heuristics),
                cmocka_unit_test(test_registered_ports_are_never_guessed),
                cmocka_unit_test(test_find_reaches_guessed_and_raw_layers),
                cmocka_unit_test(test_a_protocol_registered_at_run_time_brings_its_heuristic),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
