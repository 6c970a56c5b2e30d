/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine's fast forms (struct pkt_fast) against the dissect hooks they stand in for. A layer
 * whose bytes have its protocol's fast form is dissected from the table without calling the hook;
 * the hook stays the authority, so every layer the engine records must be what the hook reports for
 * it: the same header length and flags, and the next record at the same offset with the same
 * protocol and the same captured and reported lengths.
 *
 * The oracle replays each recorded step through the hook (for every protocol, fast form or not) on
 * every packet of the shared corpus's classic pcap files, and on the boundaries of every fast form:
 * frames whose bytes around each checked field are mutated one at a time, and every prefix of them.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* Why: enough packets to cover every fast form many times over, few enough to stay quick. */
#define CORPUS_PACKETS_MAX 300000ul

struct oracle {
        unsigned long packets, steps, fast_steps, failures;
};

static void
fail_step(struct oracle *o, const char *where, unsigned idx, const char *what, unsigned long got,
          unsigned long want)
{
        if (o->failures++ < 8)
                print_error("%s: layer %u: %s is %lu, the hook says %lu\n", where, idx, what, got,
                            want);
}

/* What payload record @up (below it a layer of @lower), which no port claimed, is: the first protocol
 * whose heuristic takes it and that is @up's protocol or dispatches it to that, else raw. */
static unsigned
guessed(const struct pkt *p, const struct pkt_layer *up, unsigned lower)
{
        for (unsigned id = 1; id < PKT_PROTO_MAX; id++) {
                const struct pkt_proto *pr = pkt_proto_get(id);
                const struct pkt_view payload = {
                        .b = p->data + up->off, .caplen = up->len, .wire_len = up->wire_len,
                        .lower = (uint16_t)lower, .proto = (uint16_t)id,
                };
                if (!pr || !pr->heuristic || !pr->heuristic(&payload))
                        continue;
                if (id == up->proto || (pr->dispatch && pr->dispatch(&payload) == up->proto))
                        return up->proto;
        }
        return PKT_PROTO_RAW;
}

/* Replays layer @i of dissected packet @p through its protocol's hook, as dissect.c's step does. */
static void
check_step(struct oracle *o, const char *where, struct pkt *p, unsigned i)
{
        const struct pkt_layer *l = &p->layers[i];
        const struct pkt_proto *pr = pkt_proto_get(l->proto);
        struct pkt_dissect d = { .hdr_len = pr->min_hdr_len, .payload_len = PKT_LEN_REST };

        o->steps++;
        if (pr->fast.key != PKT_FAST_NONE)
                o->fast_steps++;
        if (l->len < pr->min_hdr_len)
                return; /* cut before the hook can be called: the engine's own case */
        if (pr->dissect) {
                const struct pkt_view v = {
                        .b = p->data + l->off,
                        .caplen = l->len,
                        .wire_len = l->wire_len,
                        .lower = i > 0 ? p->layers[i - 1].proto : PKT_PROTO_NONE,
                        .proto = l->proto,
                };
                pr->dissect(&v, &d);
        }
        const uint16_t damage = PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED;
        if (d.hdr_len > l->len) {
                uint16_t cut = d.hdr_len <= l->wire_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                if (!(l->flags & cut))
                        fail_step(o, where, i, "flags of a cut header", l->flags, cut);
                if (i + 1u != p->n_layers)
                        fail_step(o, where, i, "layers after a cut header", p->n_layers - i - 1u,
                                  0);
                return;
        }
        if ((l->flags & damage) != (d.flags & damage))
                fail_step(o, where, i, "flags", l->flags & damage, d.flags & damage);
        if (l->hdr_len != d.hdr_len)
                fail_step(o, where, i, "hdr_len", l->hdr_len, d.hdr_len);

        uint32_t cap_rest = l->len - d.hdr_len < d.payload_len ? l->len - d.hdr_len : d.payload_len;
        uint32_t wire_rest = l->wire_len > d.hdr_len ? l->wire_len - d.hdr_len : 0;
        wire_rest = wire_rest < d.payload_len ? wire_rest : d.payload_len;
        if (cap_rest == 0 || d.hdr_len == 0 || i + 2u >= PKT_LAYERS_MAX) {
                if (cap_rest == 0 && i + 1u != p->n_layers)
                        fail_step(o, where, i, "layers after an empty payload",
                                  p->n_layers - i - 1u, 0);
                return; /* the engine's rare ends, the same for both ways */
        }
        if (i + 1u >= p->n_layers) {
                fail_step(o, where, i, "layers after it", 0, 1);
                return;
        }
        const struct pkt_layer *up = &p->layers[i + 1];
        unsigned want_next =
                d.next != PKT_PROTO_NONE && pkt_proto_get(d.next) ? d.next : PKT_PROTO_RAW;
        /* A payload no port claims (the hook names no registered protocol) is a protocol whose
         * heuristic claims it, or raw; the one the heuristic names may dispatch it further. */
        if (d.next != PKT_PROTO_NONE && !pkt_proto_get(d.next) && up->proto != PKT_PROTO_RAW)
                want_next = guessed(p, up, l->proto);
        /* A dispatch hook may hand the payload to another protocol (NTP's modes 6 and 7). */
        const struct pkt_proto *npr = pkt_proto_get(want_next);
        if (npr && npr->dispatch) {
                const struct pkt_view payload = {
                        .b = p->data + up->off, .caplen = cap_rest, .wire_len = wire_rest,
                        .lower = l->proto, .proto = want_next,
                };
                const struct pkt_proto *to = pkt_proto_get(npr->dispatch(&payload));
                if (to && (to->flags & PKT_P_DISPATCHED))
                        want_next = to->id;
        }
        if (up->proto != want_next)
                fail_step(o, where, i, "next protocol", up->proto, want_next);
        /* A layer that ends with its message (PKT_DISSECT_ENDS_HERE: ARP in a padded frame) gives
         * the rest back to this one when it is dissected itself. */
        const struct pkt_proto *upr = pkt_proto_get(up->proto);
        if (upr && upr->dissect) {
                struct pkt_dissect ud = { .hdr_len = upr->min_hdr_len, .payload_len = PKT_LEN_REST };
                const struct pkt_view uv = {
                        .b = p->data + up->off, .caplen = cap_rest, .wire_len = wire_rest,
                        .lower = l->proto, .proto = up->proto,
                };
                if (cap_rest >= upr->min_hdr_len)
                        upr->dissect(&uv, &ud);
                if ((ud.flags & PKT_DISSECT_ENDS_HERE) && ud.hdr_len <= cap_rest) {
                        uint32_t cap_payload = cap_rest - ud.hdr_len, wire_payload = wire_rest - ud.hdr_len;
                        cap_rest = ud.hdr_len + (cap_payload < ud.payload_len ? cap_payload : ud.payload_len);
                        wire_rest = ud.hdr_len + (wire_payload < ud.payload_len ? wire_payload : ud.payload_len);
                }
        }
        if (up->off != l->off + d.hdr_len)
                fail_step(o, where, i, "next offset", up->off, l->off + d.hdr_len);
        if (up->len != cap_rest)
                fail_step(o, where, i, "next captured length", up->len, cap_rest);
        if (!(d.flags & PKT_DISSECT_PARTIAL) && !(pr->flags & PKT_P_QUOTES) &&
            up->wire_len != wire_rest)
                fail_step(o, where, i, "next reported length", up->wire_len, wire_rest);
}

/* Do @n records agree field by field (not bytewise: a record has padding)? */
static bool
records_equal(const struct pkt_layer *a, const struct pkt_layer *b, unsigned n)
{
        for (unsigned i = 0; i < n; i++)
                if (a[i].proto != b[i].proto || a[i].flags != b[i].flags || a[i].off != b[i].off ||
                    a[i].hdr_len != b[i].hdr_len || a[i].len != b[i].len ||
                    a[i].wire_len != b[i].wire_len || a[i].set_mask != b[i].set_mask)
                        return false;
        return true;
}

/* Dissects a frame completely, through pkt_layer() (the walk one layer at a time) and again through
 * pkt_layer_find_any() (one walk to each transport, then on), and checks every step of both. */
static void
check_frame(struct oracle *o, const char *where, unsigned first, const uint8_t *b, uint32_t caplen,
            uint32_t wire_len)
{
        static const unsigned transports[] = { PKT_PROTO_TCP, PKT_PROTO_UDP };
        struct pkt p, q;
        int i;

        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, first, b, caplen, wire_len), 0);
        for (unsigned k = 0; pkt_layer(&p, k); k++)
                ;
        for (unsigned k = 0; k < p.n_layers; k++)
                check_step(o, where, &p, k);

        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, first, b, caplen, wire_len), 0);
        for (i = pkt_layer_find_any(&q, transports, 2, 0); i >= 0;
             i = pkt_layer_find_any(&q, transports, 2, (unsigned)i + 1u)) {
                /* Found dissected, and nothing past the layer after it recorded. */
                assert_true(q.layers[i].flags & PKT_LAYER_DISSECTED);
                assert_true(q.layers[i].proto == PKT_PROTO_TCP || q.layers[i].proto == PKT_PROTO_UDP);
                assert_true(q.n_layers <= (unsigned)i + 2u);
        }
        pkt_dissect_all(&q);
        if (q.n_layers != p.n_layers || !records_equal(q.layers, p.layers, p.n_layers))
                fail_step(o, where, 0, "layers found by pkt_layer_find_any() differ; count", q.n_layers,
                          p.n_layers);
        o->packets++;
        pkt_done(&q);
        pkt_done(&p);
}

static void
test_fast_forms_agree_with_hooks_on_the_corpus(void **state)
{
        char errbuf[PCAP_ERRBUF_SIZE], line[4096];
        struct oracle o = { 0 };
        FILE *f;

        (void)state;
        f = fopen(tu_corpus("index.tsv"), "r");
        if (!f) {
                print_message("no corpus index: skipped\n");
                skip();
        }
        while (fgets(line, sizeof(line), f) && o.packets < CORPUS_PACKETS_MAX) {
                char *tab = strchr(line, '\t');
                struct pcap_pkthdr *h;
                const u_char *data;
                pcap_t *pc;

                if (!tab || strncmp(tab + 1, "source\t", 7) == 0)
                        continue;
                *tab = '\0';
                if (strstr(line, ".gz") || !(pc = pcap_open_offline(tu_corpus(line), errbuf)))
                        continue;
                int dlt = pcap_datalink(pc);
                while (pcap_next_ex(pc, &h, &data) == 1 && o.packets < CORPUS_PACKETS_MAX) {
                        int first = pkt_proto_for_frame(dlt, data, h->caplen);
                        check_frame(&o, line, first >= 0 ? (unsigned)first : PKT_PROTO_RAW, data,
                                    h->caplen, h->len);
                }
                pcap_close(pc);
        }
        fclose(f);
        print_message("%lu packets, %lu steps, %lu in protocols with a fast form\n", o.packets,
                      o.steps, o.fast_steps);
        assert_true(o.fast_steps > 10000);
        assert_int_equal(o.failures, 0);
}

/*
 * Frames that exercise every fast form, one string per header, made by scapy:
 *   /usr/bin/python3 -c 'from scapy.all import *; print(bytes(E/...).hex())'
 * with E = Ether(dst="02:00:00:00:00:01",src="02:00:00:00:00:02").
 */
static const char *const frames[] = {
        /* E/IP(src="192.0.2.1",dst="192.0.2.2",flags="DF",id=1)/
         * TCP(sport=1024,dport=80,seq=1,flags="PA",window=512)/b"test" */
        "0200000000010200000000020800"
        "4500002c000140004006b6c7c0000201c0000202"
        "040000500000000100000000501802003d9a0000"
        "74657374",
        /* E/Dot1Q(vlan=100)/IP(src="192.0.2.1",dst="192.0.2.2",id=1)/UDP(sport=54321,dport=53)/
         * DNS(id=0x1234,rd=1,qd=DNSQR(qname="a.example",qtype="A")) */
        "020000000001020000000002810000640800"
        "45000037000100004011f6b1c0000201c0000202"
        "d43100350023370b"
        "1234010000010000000000000161076578616d706c650000010001",
        /* E/IPv6(src="2001:db8::1",dst="2001:db8::2")/TCP(sport=50000,dport=22,seq=1,flags="A",
         * window=255,options=[("NOP",None),("NOP",None),("Timestamp",(1,0))]) */
        "02000000000102000000000286dd"
        "600000000020064020010db8000000000000000000000001"
        "20010db8000000000000000000000002"
        "c35000160000000100000000801000ff56e10000"
        "0101080a0000000100000000",
        /* E/IPv6(src="2001:db8::1",dst="2001:db8::2")/UDP(sport=12345,dport=12346)/b"abc" */
        "02000000000102000000000286dd"
        "60000000000b114020010db8000000000000000000000001"
        "20010db8000000000000000000000002"
        "3039303a000b7f8d"
        "616263",
};

/* Bytes near which the fast forms look: every byte of the headers above (mutating each one shows a
 * check the fast form makes, or a byte it must ignore). */
static const uint8_t values[] = { 0x00, 0x01, 0x05, 0x06, 0x08, 0x0a, 0x11, 0x20,
                                  0x35, 0x40, 0x45, 0x46, 0x4f, 0x50, 0x5f, 0x60,
                                  0x70, 0x80, 0x81, 0x86, 0x90, 0xdd, 0xff };

static void
test_fast_forms_agree_with_hooks_on_mutated_frames(void **state)
{
        struct oracle o = { 0 };
        uint8_t b[256], m[256];
        char where[64];

        (void)state;
        for (size_t k = 0; k < sizeof(frames) / sizeof(frames[0]); k++) {
                size_t n = tu_hex(frames[k], b, sizeof(b));
                assert_true(n > 0);
                for (size_t pos = 0; pos < n; pos++) {
                        for (size_t v = 0; v < sizeof(values); v++) {
                                memcpy(m, b, n);
                                m[pos] = values[v];
                                snprintf(where, sizeof(where), "frame %zu byte %zu = %#x", k, pos,
                                         values[v]);
                                check_frame(&o, where, PKT_PROTO_ETHERNET, m, (uint32_t)n,
                                            (uint32_t)n);
                                /* Cut by the capture, and reported longer than it is. */
                                check_frame(&o, where, PKT_PROTO_ETHERNET, m, (uint32_t)n - 1,
                                            (uint32_t)n);
                                check_frame(&o, where, PKT_PROTO_ETHERNET, m, (uint32_t)n,
                                            (uint32_t)n + 7);
                        }
                }
                for (size_t cut = 0; cut <= n; cut++) {
                        snprintf(where, sizeof(where), "frame %zu cut at %zu", k, cut);
                        check_frame(&o, where, PKT_PROTO_ETHERNET, b, (uint32_t)cut, (uint32_t)n);
                        check_frame(&o, where, PKT_PROTO_ETHERNET, b, (uint32_t)cut, (uint32_t)cut);
                }
        }
        print_message("%lu frames, %lu steps\n", o.packets, o.steps);
        assert_int_equal(o.failures, 0);
}

/* The fast forms are taken where they should be: the unmutated frames go through them (the engine
 * gives the same answer either way, so this checks the cases the forms are for, by their results).
 */
static void
test_fast_forms_dissect_the_common_headers(void **state)
{
        static const unsigned want[][6] = {
                { PKT_PROTO_ETHERNET, PKT_PROTO_IP,
                  PKT_PROTO_TCP }, /* then HTTP's hook (port 80) */
                { PKT_PROTO_ETHERNET, PKT_PROTO_DOT1Q, PKT_PROTO_IP, PKT_PROTO_UDP, PKT_PROTO_DNS },
                { PKT_PROTO_ETHERNET, PKT_PROTO_IP6, PKT_PROTO_TCP },
                { PKT_PROTO_ETHERNET, PKT_PROTO_IP6, PKT_PROTO_UDP, PKT_PROTO_RAW },
        };
        static const unsigned want_hdr[][6] = {
                { 14, 20, 20, 4 },
                { 14, 4, 20, 8, 27 },
                { 14, 40, 32 },
                { 14, 40, 8, 3 },
        };
        uint8_t b[256];

        (void)state;
        for (size_t k = 0; k < sizeof(frames) / sizeof(frames[0]); k++) {
                size_t n = tu_hex(frames[k], b, sizeof(b));
                struct pkt p;
                unsigned i;

                pkt_init(&p);
                assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, b, n, n), 0);
                for (i = 0; i < 6 && want[k][i] != PKT_PROTO_NONE; i++) {
                        const struct pkt_layer *l = pkt_layer(&p, i);
                        assert_non_null(l);
                        assert_int_equal(l->proto, want[k][i]);
                        assert_int_equal(l->hdr_len, want_hdr[k][i]);
                        assert_int_equal(l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED), 0);
                }
                pkt_done(&p);
        }
}

/*
 * A user protocol with a fast form (a 16-bit key with a match and a zero check, no length), which the
 * engine reads as data, on IEEE 802 local experimental ethertype 0x88b5. Header: version
 * (must be 1), reserved, 16 bits whose low byte must be 0, next ethertype. Its hook says what the fast
 * form must agree with: a wrong version is malformed, a nonzero low byte or a length for a type is raw.
 */
static void
exp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t type = (uint16_t)(v->b[4] << 8 | v->b[5]);

        if (v->b[0] != 1) {
                d->flags |= PKT_LAYER_MALFORMED;
                return;
        }
        if (v->b[3] == 0 && type >= 0x600)
                d->next = (uint16_t)pkt_key_lookup(PKT_KEY_ETHERTYPE, type);
}

static const struct pkt_key exp_carriers[] = { { PKT_KEY_ETHERTYPE, 0x88b5 }, PKT_KEY_END };

static struct pkt_proto exp_proto = {
        .name = "fastexp",
        .summary = "fast form test protocol",
        .min_hdr_len = 6,
        .carriers = exp_carriers,
        .dissect = exp_dissect,
        .fast = { .key = PKT_FAST_KEY16, .key_space = PKT_KEY_ETHERTYPE, .key_off = 4,
                  .key_min = 0x600, .flags = PKT_FAST_MATCH | PKT_FAST_ZERO, .match_off = 0,
                  .match_mask = 0xff, .match_val = 1, .zero_off = 2, .zero_mask = 0x00ff },
};

static void
test_fast_form_of_a_registered_protocol_agrees_with_its_hook(void **state)
{
        /* Ethernet / 01 00 ab 00 08 00 / IPv4 (20 bytes, protocol 17) / UDP (8 bytes) */
        static const char frame[] = "02000000000102000000000288b5"
                                    "0100ab000800"
                                    "4500001c000100004011f6cec0000201c0000202"
                                    "303930390008dd9f";
        struct oracle o = { 0 };
        uint8_t b[128], m[128];
        char where[64];
        struct pkt p;
        size_t n = tu_hex(frame, b, sizeof(b));

        (void)state;
        assert_true(pkt_proto_register(&exp_proto) > 0);
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, b, n, n), 0);
        assert_non_null(pkt_layer(&p, 3));
        assert_int_equal(p.layers[1].proto, exp_proto.id);
        assert_int_equal(p.layers[1].hdr_len, 6);
        assert_int_equal(p.layers[2].proto, PKT_PROTO_IP);
        assert_int_equal(p.layers[3].proto, PKT_PROTO_UDP);
        pkt_done(&p);
        for (size_t pos = 14; pos < 20; pos++) {
                for (size_t v = 0; v < sizeof(values); v++) {
                        memcpy(m, b, n);
                        m[pos] = values[v];
                        snprintf(where, sizeof(where), "byte %zu = %#x", pos, values[v]);
                        check_frame(&o, where, PKT_PROTO_ETHERNET, m, (uint32_t)n, (uint32_t)n);
                }
        }
        for (size_t cut = 0; cut <= n; cut++)
                check_frame(&o, "cut", PKT_PROTO_ETHERNET, b, (uint32_t)cut, (uint32_t)n);
        assert_int_equal(o.failures, 0);
}

/*
 * Each built-in's compiled form (PKT_FAST_STEP()) reads headers as its descriptor's form does when it
 * is read as data: a copy of the descriptor registered at run time (no compiled step, no carriers)
 * dissects every header of the mutated frames, and every cut of them, to the same record and next
 * record as the built-in.
 */
static void
compare_first_layer(struct oracle *o, const char *where, unsigned builtin, unsigned clone,
                    const uint8_t *b, uint32_t caplen, uint32_t wire_len)
{
        struct pkt a, c;

        pkt_init(&a);
        pkt_init(&c);
        assert_int_equal(pkt_parse(&a, builtin, b, caplen, wire_len), 0);
        assert_int_equal(pkt_parse(&c, clone, b, caplen, wire_len), 0);
        assert_non_null(pkt_layer(&a, 0));
        assert_non_null(pkt_layer(&c, 0));
        o->steps++;
        c.layers[0].proto = a.layers[0].proto;
        if (a.n_layers != c.n_layers)
                fail_step(o, where, 0, "layer count", c.n_layers, a.n_layers);
        else if (!records_equal(a.layers, c.layers, a.n_layers))
                fail_step(o, where, 0, "records differ from the form read as data; header length", c.layers[0].hdr_len,
                          a.layers[0].hdr_len);
        pkt_done(&c);
        pkt_done(&a);
}

static void
test_compiled_fast_forms_agree_with_their_data(void **state)
{
        static const struct pkt_key no_carriers[] = { PKT_KEY_END };
        static struct pkt_proto clones[PKT_PROTO_BUILTIN_MAX];
        static char names[PKT_PROTO_BUILTIN_MAX][32];
        unsigned clone_of[PKT_PROTO_BUILTIN_MAX] = { 0 }, compiled = 0;
        struct oracle o = { 0 };
        uint8_t b[256], m[256];
        char where[80];

        (void)state;
        for (unsigned id = 1; id < PKT_PROTO_BUILTIN_MAX; id++) {
                const struct pkt_proto *pr = pkt_proto_get(id);
                if (!pr || !pr->fast_step)
                        continue;
                clones[id] = *pr;
                snprintf(names[id], sizeof(names[id]), "asdata-%s", pr->name);
                clones[id].name = names[id];
                clones[id].aliases = NULL;
                clones[id].carriers = no_carriers;
                clones[id].fast_step = NULL;
                int r = pkt_proto_register(&clones[id]);
                assert_true(r > 0);
                clone_of[id] = (unsigned)r;
                compiled++;
        }
        assert_true(compiled >= 7); /* Ethernet, 802.1Q, IPv4, IPv6, TCP, UDP, DNS */
        for (size_t k = 0; k < sizeof(frames) / sizeof(frames[0]); k++) {
                size_t n = tu_hex(frames[k], b, sizeof(b));
                for (size_t pos = 0; pos < n; pos++) {
                        for (size_t v = 0; v < sizeof(values); v++) {
                                struct pkt p;

                                memcpy(m, b, n);
                                m[pos] = values[v];
                                pkt_init(&p);
                                assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, m, n, n), 0);
                                pkt_dissect_all(&p);
                                for (unsigned i = 0; i < p.n_layers; i++) {
                                        const struct pkt_layer *l = &p.layers[i];
                                        if (l->proto >= PKT_PROTO_BUILTIN_MAX || !clone_of[l->proto])
                                                continue;
                                        snprintf(where, sizeof(where), "frame %zu byte %zu = %#x, layer %u",
                                                 k, pos, values[v], i);
                                        for (uint32_t cut = 0; cut <= l->len; cut++)
                                                compare_first_layer(&o, where, l->proto, clone_of[l->proto],
                                                                    m + l->off, cut, l->wire_len);
                                        compare_first_layer(&o, where, l->proto, clone_of[l->proto],
                                                            m + l->off, l->len, l->len);
                                }
                                pkt_done(&p);
                        }
                }
        }
        print_message("%u compiled forms, %lu headers compared\n", compiled, o.steps);
        assert_int_equal(o.failures, 0);
}

/* Only built-ins compile their forms: a protocol registered with a step of its own is refused (its
 * step could read headers otherwise than its form says). */
static unsigned
own_step(struct pkt *p, struct pkt_layer *l)
{
        (void)p, (void)l;
        return 0;
}

static void
test_run_time_protocol_with_a_compiled_step_is_refused(void **state)
{
        static const struct pkt_key carriers[] = { PKT_KEY_END };
        struct pkt_proto own = {
                .name = "fastown",
                .summary = "test",
                .min_hdr_len = 4,
                .carriers = carriers,
                .fast = { .key = PKT_FAST_KEY16, .key_space = PKT_KEY_ETHERTYPE, .key_off = 2 },
                .fast_step = own_step,
        };

        (void)state;
        assert_int_equal(pkt_proto_register(&own), -EINVAL);
}

/* A fast form that reads beyond the bytes the engine checks are there is refused at registration.
 */
static void
test_fast_form_beyond_min_hdr_len_is_refused(void **state)
{
        static const struct pkt_key carriers[] = { PKT_KEY_END };
        struct pkt_proto bad = {
                .name = "fastbeyond",
                .summary = "test",
                .min_hdr_len = 4,
                .carriers = carriers,
                .fast = { .key = PKT_FAST_KEY16, .key_space = PKT_KEY_ETHERTYPE, .key_off = 3 },
        };
        struct pkt_proto bad_len = {
                .name = "fastbeyondlen",
                .summary = "test",
                .min_hdr_len = 4,
                .carriers = carriers,
                .fast = { .key = PKT_FAST_KEY8,
                          .key_space = PKT_KEY_IP_PROTO,
                          .key_off = 1,
                          .flags = PKT_FAST_LEN,
                          .len_off = 3 },
        };

        /* A longer form on a header shorter than the 4 bytes that tell it. */
        struct pkt_proto bad_opt = {
                .name = "fastshortopt",
                .summary = "test",
                .min_hdr_len = 2,
                .carriers = carriers,
                .fast = { .key = PKT_FAST_KEY8,
                          .key_space = PKT_KEY_IP_PROTO,
                          .key_off = 1,
                          .flags = PKT_FAST_MATCH,
                          .match_off = 0,
                          .match_mask = 0xf0,
                          .match_val = 0x10,
                          .opt_val = 0x20,
                          .opt_len = 4,
                          .opt_prefix = { 1, 1, 1, 1 } },
        };

        (void)state;
        assert_int_equal(pkt_proto_register(&bad), -EINVAL);
        assert_int_equal(pkt_proto_register(&bad_len), -EINVAL);
        assert_int_equal(pkt_proto_register(&bad_opt), -EINVAL);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fast_forms_dissect_the_common_headers),
                cmocka_unit_test(test_fast_forms_agree_with_hooks_on_mutated_frames),
                cmocka_unit_test(test_fast_forms_agree_with_hooks_on_the_corpus),
                cmocka_unit_test(test_fast_form_of_a_registered_protocol_agrees_with_its_hook),
                cmocka_unit_test(test_fast_form_beyond_min_hdr_len_is_refused),
                cmocka_unit_test(test_compiled_fast_forms_agree_with_their_data),
                cmocka_unit_test(test_run_time_protocol_with_a_compiled_step_is_refused),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
