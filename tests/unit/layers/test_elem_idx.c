/* SPDX-License-Identifier: BSD-3-Clause */
/* pkt_elem_next_idx() (layers/src/elem.c): the element walk by set index gives exactly the
 * elements, flags and counts pkt_elem_next() gives by name, for every set of a DNS message with
 * records in all sections; a bad layer or set index is -ENOENT. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* scapy 2.5: dns_compress(DNS(id=2,qr=1,rd=1,ra=1,qd=DNSQR(qname="www.example.com",qtype="A"),
 *        an=DNSRR(rrname="www.example.com",type="CNAME",ttl=60,rdata="web.example.com")/
 *           DNSRR(rrname="web.example.com",type="A",rdata="192.0.2.7"),
 *        ns=DNSRR(rrname="example.com",type="NS",rdata="ns1.example.com"))) (test_dns.c's) */
static const char cname_hex[] = "00028180000100020001000003777777076578616d706c6503636f6d0000010001c00c00050001000000"
                                "3c000603776562c010c02d00010001000000000004c0000207c01000020001000000000006036e7331"
                                "c010";

static void
assert_same_walk(struct pkt *p, unsigned idx, unsigned *ret_total)
{
        const struct pkt_proto *pr = pkt_proto_get(p->layers[idx].proto);

        assert_non_null(pr);
        for (unsigned s = 0; s < pr->n_elems; s++) {
                struct pkt_elem a = PKT_ELEM_INIT, b = PKT_ELEM_INIT;
                int ra, rb;
                unsigned n = 0;

                do {
                        ra = pkt_elem_next(p, idx, pr->elems[s].name, &a);
                        rb = pkt_elem_next_idx(p, idx, s, &b);
                        assert_int_equal(ra, rb);
                        if (ra != 1)
                                break;
                        assert_int_equal(a.off, b.off);
                        assert_int_equal(a.len, b.len);
                        assert_int_equal(a.set, b.set);
                        assert_int_equal(a.set, s);
                        assert_int_equal(a.flags, b.flags);
                        assert_int_equal(a.count, b.count);
                        assert_int_equal(a.data_off, b.data_off);
                        assert_int_equal(a.n_kind_fields, b.n_kind_fields);
                        assert_ptr_equal(a.kind_fields, b.kind_fields);
                        n++;
                } while (n < 64);
                assert_int_equal(ra, 0);
                *ret_total += n;
        }
}

static void
test_elem_next_idx_walks_every_set_like_by_name(void **state)
{
        uint8_t buf[512];
        size_t n = tu_hex(cname_hex, buf, sizeof(buf));
        unsigned total = 0;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_DNS, buf, n, n), 0);
        assert_non_null(pkt_layer(&p, 0));
        assert_same_walk(&p, 0, &total);
        assert_int_equal(total, 4); /* 1 query, 2 answers, 1 authority */
        pkt_done(&p);
}

static void
test_elem_next_idx_cut_message_ends_like_by_name(void **state)
{
        uint8_t buf[512];
        size_t n = tu_hex(cname_hex, buf, sizeof(buf));
        unsigned total = 0;
        struct pkt p;

        (void)state;
        /* Cut inside the second answer: the walk ends at the damaged element in both. */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_DNS, buf, n - 20, n), 0);
        assert_non_null(pkt_layer(&p, 0));
        assert_same_walk(&p, 0, &total);
        assert_true(total >= 2 && total < 4);
        pkt_done(&p);
}

static void
test_elem_next_idx_refuses_missing_layer_or_set(void **state)
{
        uint8_t buf[512];
        size_t n = tu_hex(cname_hex, buf, sizeof(buf));
        struct pkt_elem e = PKT_ELEM_INIT;
        const struct pkt_proto *pr;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_DNS, buf, n, n), 0);
        pr = pkt_proto_get(pkt_layer(&p, 0)->proto);
        assert_int_equal(pkt_elem_next_idx(&p, 0, pr->n_elems, &e), -ENOENT);
        assert_int_equal(pkt_elem_next_idx(&p, 7, 0, &e), -ENOENT);
        assert_int_equal(pkt_elem_next_idx(&p, PKT_LAYERS_MAX + 1, 0, &e), -ENOENT);
        pkt_done(&p);
}

/* A listed set (PKT_ES_LISTED) of any built-in protocol: an element added to it is checked and adds no
 * bytes, whatever the protocol's builder would make of its text, and text that is no element is
 * refused. Every protocol that lists entries found in other elements has such a set. */
static void
test_listed_sets_build_nothing(void **state)
{
        unsigned listed = 0;

        (void)state;
        for (unsigned id = 1; id < PKT_PROTO_BUILTIN_MAX; id++) {
                const struct pkt_proto *pr = pkt_proto_get(id);
                if (!pr)
                        continue;
                for (unsigned s = 0; s < pr->n_elems; s++) {
                        if (!(pr->elems[s].flags & PKT_ES_LISTED))
                                continue;
                        struct pkt p;
                        const uint8_t *before, *after;
                        pkt_init(&p);
                        if (pkt_push(&p, id) < 0) {
                                pkt_done(&p);
                                continue; /* a layer only built above another */
                        }
                        int n0 = pkt_serialize(&p, 0, &before);
                        assert_true(n0 >= 0);
                        uint8_t *copy = malloc((size_t)n0 + 1);
                        assert_non_null(copy);
                        memcpy(copy, before, (size_t)n0);
                        assert_int_equal(pkt_elem_add(&p, 0, pr->elems[s].name, "entry(type=1,len=4,data=0x01020304)"), 0);
                        assert_int_equal(pkt_elem_add(&p, 0, pr->elems[s].name, "entry(type=1"), -EINVAL);
                        /* A certificate listed from inside a handshake message: values of any length. */
                        char long_entry[1400] = "certificate(cert=0x";
                        size_t at = strlen(long_entry);
                        for (unsigned k = 0; k < 600; k++, at += 2)
                                memcpy(long_entry + at, "ab", 2);
                        memcpy(long_entry + at, ")", 2);
                        assert_int_equal(pkt_elem_add(&p, 0, pr->elems[s].name, long_entry), 0);
                        int n1 = pkt_serialize(&p, 0, &after);
                        assert_int_equal(n1, n0);
                        assert_memory_equal(after, copy, (size_t)n0);
                        free(copy);
                        pkt_done(&p);
                        listed++;
                }
        }
        print_message("%u listed sets\n", listed);
        /* CDP, IS-IS (LSP and SNP), ISAKMP, Diameter, RADIUS, RTCP and TLS list entries. */
        assert_true(listed >= 15);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_elem_next_idx_walks_every_set_like_by_name),
                cmocka_unit_test(test_elem_next_idx_cut_message_ends_like_by_name),
                cmocka_unit_test(test_elem_next_idx_refuses_missing_layer_or_set),
                cmocka_unit_test(test_listed_sets_build_nothing),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
