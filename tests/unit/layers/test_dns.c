/* SPDX-License-Identifier: BSD-3-Clause */
/* DNS (layers/app/dns.c, dns_rr.c): building with compression against scapy, dissecting against tshark,
 * EDNS0, pointer loops, short messages and truncation. */
#define _GNU_SOURCE /* memmem() */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* scapy 2.5: dns_compress(DNS(id=1,rd=1,qd=DNSQR(qname="example.com",qtype="A"),
 *        an=DNSRR(rrname="example.com",type="A",ttl=60,rdata="192.0.2.1"))) */
static const char qa_hex[] = "000101000001000100000000076578616d706c6503636f6d0000010001c00c000100010000003c0004"
                             "c0000201";
/* scapy 2.5: dns_compress(DNS(id=2,qr=1,rd=1,ra=1,qd=DNSQR(qname="www.example.com",qtype="A"),
 *        an=DNSRR(rrname="www.example.com",type="CNAME",ttl=60,rdata="web.example.com")/
 *           DNSRR(rrname="web.example.com",type="A",rdata="192.0.2.7"),
 *        ns=DNSRR(rrname="example.com",type="NS",rdata="ns1.example.com"))) */
static const char cname_hex[] = "00028180000100020001000003777777076578616d706c6503636f6d0000010001c00c00050001000000"
                                "3c000603776562c010c02d00010001000000000004c0000207c01000020001000000000006036e7331"
                                "c010";
/* scapy 2.5: dns_compress(DNS(id=2,qd=DNSQR(qname="example.com"),
 *        an=DNSRRMX(rrname="example.com",type="MX",preference=10,exchange="mail.example.com")/
 *           DNSRRSRV(rrname="_sip._tcp.example.com",type="SRV",priority=1,weight=2,port=5060,
 *                    target="sip.example.com")/
 *           DNSRRSOA(rrname="example.com",type="SOA",mname="ns.example.com",rname="admin.example.com",
 *                    serial=1,refresh=2,retry=3,expire=4,minimum=5)))
 * rd=1 is scapy's default; scapy 2.5's DNSRRMX defaults its type to 6, hence type="MX". */
static const char mx_srv_soa_hex[] = "000201000001000300000000076578616d706c6503636f6d0000010001c00c000f000100000000"
                                     "0009000a046d61696cc00c045f736970045f746370c00c0021000100000000000c00010002"
                                     "13c403736970c00cc00c00060001000000000021026e73c00c0561646d696ec00c00000001"
                                     "00000002000000030000000400000005";
/* scapy 2.5: DNS(id=3,rd=1,qd=DNSQR(qname="example.com",qtype="AAAA"),ar=DNSRROPT(rclass=4096,z=0x8000)) */
static const char edns_hex[] = "000301000001000000000001076578616d706c6503636f6d00001c00010000291000000080000000";

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

static void
parse_dns(struct pkt *p, const uint8_t *buf, size_t n)
{
        pkt_init(p);
        assert_int_equal(pkt_parse(p, PKT_PROTO_DNS, buf, n, n), 0);
        assert_non_null(pkt_layer(p, 0));
}

/* Copies packet @no (1-based) of corpus file @rel into @buf. Returns caplen. */
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

/* Joins field @name of every element of @set (as tshark's -E aggregator=, does). */
static const char *
elem_list(struct pkt *p, unsigned idx, const char *set, const char *name)
{
        static char out[1024];
        char one[256];

        out[0] = 0;
        PKT_ELEM_FOREACH(p, idx, set, e)
        {
                if (pkt_elem_get_str(p, idx, &e, name, one, sizeof(one)) < 0)
                        continue;
                if (out[0])
                        strncat(out, ",", sizeof(out) - strlen(out) - 1);
                strncat(out, one, sizeof(out) - strlen(out) - 1);
        }
        return out;
}

static void
test_dns_query_and_answer_compress_as_scapy(void **state)
{
        (void)state;
        assert_build("dns(id=1,flags=0x0100,queries=[q(name=example.com,type=A)],"
                     "answers=[rr(name=example.com,type=A,ttl=60,address=192.0.2.1)])",
                     qa_hex);
}

static void
test_dns_response_compresses_names_in_record_data(void **state)
{
        (void)state;
        assert_build("dns(id=2,flags=0x8180,queries=[q(name=www.example.com,type=A)],"
                     "answers=[rr(name=www.example.com,type=CNAME,ttl=60,address=web.example.com),"
                     "rr(name=web.example.com,type=A,address=192.0.2.7)],"
                     "auths=[rr(name=example.com,type=NS,server=ns1.example.com)])",
                     cname_hex);
        assert_build("dns(id=2,flags=0x0100,queries=[q(name=example.com)],"
                     "answers=[rr(name=example.com,type=MX,preference=10,address=mail.example.com),"
                     "rr(name=_sip._tcp.example.com,type=SRV,priority=1,weight=2,port=5060,target=sip.example.com),"
                     "rr(name=example.com,type=SOA,name2=ns.example.com,mailbox=admin.example.com,serial=1,"
                     "refresh=2,retry=3,expire=4,minttl=5)])",
                     mx_srv_soa_hex);
}

static void
test_dns_sections_may_be_given_out_of_order(void **state)
{
        (void)state;
        /* Answers first, then the query: each record still lands in its own section. */
        assert_build("dns(id=1,flags=0x0100,answers=[rr(name=example.com,type=A,ttl=60,address=192.0.2.1)],"
                     "queries=[q(name=example.com,type=A)])",
                     qa_hex);
}

static void
test_dns_edns0_opt_builds_as_scapy_and_reads_back(void **state)
{
        uint8_t buf[128];
        struct pkt p;
        uint64_t v;
        unsigned n = 0;

        (void)state;
        assert_build("dns(id=3,flags=0x0100,queries=[q(name=example.com,type=AAAA)],"
                     "addrecords=[opt(udpsize=4096,do=1)])",
                     edns_hex);
        size_t len = tu_hex(edns_hex, buf, sizeof(buf));
        parse_dns(&p, buf, len);
        assert_string_equal(tu_field(&p, 0, "addrr_amount"), "1");
        PKT_ELEM_FOREACH(&p, 0, "addrecords", e)
        {
                n++;
                assert_int_equal(pkt_elem_get_u64(&p, 0, &e, "udpsize", &v), 0);
                assert_int_equal(v, 4096);
                assert_int_equal(pkt_elem_get_u64(&p, 0, &e, "do", &v), 0);
                assert_int_equal(v, 1);
                assert_int_equal(pkt_elem_get_u64(&p, 0, &e, "z", &v), 0);
                assert_int_equal(v, 0x8000);
                assert_int_equal(pkt_elem_get_u64(&p, 0, &e, "v", &v), 0);
                assert_int_equal(v, 0);
        }
        assert_int_equal(n, 1);
        assert_string_equal(elem_list(&p, 0, "addrecords", "name"), "<Root>");
        assert_string_equal(elem_list(&p, 0, "addrecords", "type"), "OPT");
        pkt_done(&p);
}

static void
test_dns_counts_follow_records_over_udp(void **state)
{
        const uint8_t *d;
        struct pkt p;

        (void)state;
        pkt_init(&p);
        size_t n = tu_build(&p, "ip(src=192.0.2.1,dst=192.0.2.53)/udp(sport=3333,dport=53)/"
                                "dns(id=1,flags=0x0100,queries=[q(name=example.com,type=A),q(name=example.org)])",
                            &d);
        assert_int_equal(n, 20 + 8 + 12 + 2 * 17);
        uint8_t copy[128];
        memcpy(copy, d, n);
        pkt_done(&p);
        /* Parse it back: the layers and the counts are found from the bytes alone. */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP, copy, n, n), 0);
        int i = pkt_layer_find(&p, PKT_PROTO_DNS, 0);
        assert_int_equal(i, 2);
        assert_string_equal(tu_field(&p, 2, "questions_amount"), "2");
        assert_string_equal(elem_list(&p, 2, "queries", "name"), "example.com,example.org");
        pkt_done(&p);
}

/* tshark -n -r F -e dns.id -e dns.flags -e dns.count.* -e dns.qry.name -e dns.resp.name -e dns.resp.type
 *   -e dns.resp.ttl -e dns.a -e dns.soa.* -e dns.rr.udp_payload_size -E aggregator=, */
static void
test_dns_corpus_fields_match_tshark(void **state)
{
        static const struct {
                const char *file;
                unsigned frame;
                const char *id, *flags, *qd, *an, *ns, *ar, *qname, *qtype, *rnames, *rtypes;
                const char *set, *field, *values;
        } rows[] = {
                { "dpkt/dns_icmp.pcap", 2, "0x528e", "0x8180", "1", "1", "0", "0", "8.8.8.8.in-addr.arpa", "PTR",
                  "8.8.8.8.in-addr.arpa", "PTR", "answers", "ttl", "44215" },
                { "dpkt/dns_icmp.pcap", 2, "0x528e", "0x8180", "1", "1", "0", "0", "8.8.8.8.in-addr.arpa", "PTR",
                  "8.8.8.8.in-addr.arpa", "PTR", "answers", "address", "google-public-dns-a.google.com" },
                { "pypacker/packets_dns.pcap", 2, "0x485b", "0x8180", "1", "3", "0", "1", "www.google.de", "A",
                  "www.google.de,www.google.de,www.google.de", "A,A,A", "answers", "address",
                  "173.194.35.151,173.194.35.152,173.194.35.159" },
                { "pypacker/packets_dns.pcap", 2, "0x485b", "0x8180", "1", "3", "0", "1", "www.google.de", "A",
                  "www.google.de,www.google.de,www.google.de", "A,A,A", "addrecords", "udpsize", "1460" },
                { "pypacker/packets_dns.pcap", 3, "0x8656", "0x8180", "1", "0", "1", "0", "linux.com", "AAAA", "",
                  "", "auths", "name2", "ns1.linux-foundation.org" },
                { "pypacker/packets_dns.pcap", 3, "0x8656", "0x8180", "1", "0", "1", "0", "linux.com", "AAAA", "",
                  "", "auths", "mailbox", "hostmaster.linux-foundation.org" },
                { "pypacker/packets_dns.pcap", 3, "0x8656", "0x8180", "1", "0", "1", "0", "linux.com", "AAAA", "",
                  "", "auths", "serial", "2012111601" },
                { "ndpi/mullvad_dns.pcap", 2, "0x5986", "0x81a0", "1", "2", "0", "1", "www.mullvad.net", "A",
                  "www.mullvad.net,mullvad.net", "CNAME,A", "addrecords", "udpsize", "1232" },
        };
        uint8_t buf[65536];
        size_t wire;
        int dlt;

        (void)state;
        for (unsigned r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
                struct pkt p;
                size_t n = corpus_packet(rows[r].file, rows[r].frame, buf, sizeof(buf), &wire, &dlt);
                pkt_init(&p);
                assert_int_equal(pkt_parse_dlt(&p, dlt, buf, n, wire), 0);
                int i = pkt_layer_find(&p, PKT_PROTO_DNS, 0);
                assert_true(i > 0);
                unsigned k = (unsigned)i;
                assert_false(p.layers[k].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
                assert_string_equal(tu_field(&p, k, "id"), rows[r].id);
                assert_string_equal(tu_field(&p, k, "flags"), rows[r].flags);
                assert_string_equal(tu_field(&p, k, "questions_amount"), rows[r].qd);
                assert_string_equal(tu_field(&p, k, "answers_amount"), rows[r].an);
                assert_string_equal(tu_field(&p, k, "authrr_amount"), rows[r].ns);
                assert_string_equal(tu_field(&p, k, "addrr_amount"), rows[r].ar);
                assert_string_equal(elem_list(&p, k, "queries", "name"), rows[r].qname);
                assert_string_equal(elem_list(&p, k, "queries", "type"), rows[r].qtype);
                assert_string_equal(elem_list(&p, k, "answers", "name"), rows[r].rnames);
                assert_string_equal(elem_list(&p, k, "answers", "type"), rows[r].rtypes);
                assert_string_equal(elem_list(&p, k, rows[r].set, rows[r].field), rows[r].values);
                /* Nobody changed it: it serialises byte for byte. */
                const uint8_t *d;
                assert_int_equal(pkt_serialize(&p, 0, &d), (int)n);
                assert_memory_equal(d, buf, n);
                pkt_done(&p);
        }
}

/* tshark: 9 answers promised, the capture (200 of 238 bytes) holds five A records and part of one. */
static void
test_dns_truncated_capture_flags_layer_and_last_record(void **state)
{
        uint8_t buf[2048];
        size_t wire;
        int dlt;
        struct pkt p;
        unsigned n = 0, cut = 0;

        (void)state;
        size_t len = corpus_packet("dpkt/truncated_dns.pcap", 1, buf, sizeof(buf), &wire, &dlt);
        assert_int_equal(len, 200);
        pkt_init(&p);
        assert_int_equal(pkt_parse_dlt(&p, dlt, buf, len, wire), 0);
        int i = pkt_layer_find(&p, PKT_PROTO_DNS, 0);
        assert_true(i > 0);
        assert_true(p.layers[i].flags & PKT_LAYER_TRUNCATED);
        assert_false(p.layers[i].flags & PKT_LAYER_MALFORMED);
        PKT_ELEM_FOREACH(&p, (unsigned)i, "answers", e)
        {
                n++;
                cut += (e.flags & PKT_LAYER_TRUNCATED) != 0;
        }
        assert_int_equal(cut, 1);
        assert_true(n <= 9);
        assert_string_equal(elem_list(&p, (unsigned)i, "answers", "address"),
                            "api.samsungspd.com,54.75.141.161,99.81.251.12,52.50.121.244,52.210.193.207,"
                            "52.50.159.204");
        pkt_done(&p);
}

struct text_out {
        char buf[4096];
        size_t len;
};

static int
collect(void *ctx, const char *text, size_t len)
{
        struct text_out *out = ctx;

        if (len >= sizeof(out->buf) - out->len)
                return -ENOSPC;
        memcpy(out->buf + out->len, text, len);
        out->len += len;
        out->buf[out->len] = '\0';
        return 0;
}

/* Counts that promise a record the (complete) message does not hold: malformed, never read past.
 * Dissection finds the message in O(1) without walking the records, so the layer is flagged when the
 * iterator meets the missing record, and the printer (which walks the records first) reports it. */
static void
test_dns_count_beyond_records_is_malformed(void **state)
{
        uint8_t buf[128];
        struct pkt p;
        unsigned n = 0, bad = 0;
        struct text_out out = { .len = 0 };

        (void)state;
        size_t len = tu_hex(qa_hex, buf, sizeof(buf));
        buf[7] = 3; /* three answers, one present */
        uint8_t *copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, buf, len);
        parse_dns(&p, copy, len);
        assert_false(p.layers[0].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        PKT_ELEM_FOREACH(&p, 0, "answers", e)
        {
                n++;
                bad += (e.flags & PKT_LAYER_MALFORMED) != 0;
        }
        assert_int_equal(n, 2);
        assert_int_equal(bad, 1);
        assert_true(p.layers[0].flags & PKT_LAYER_MALFORMED);
        assert_false(p.layers[0].flags & PKT_LAYER_TRUNCATED);

        /* A fresh parse printed straight away says so in the layer's first line. */
        parse_dns(&p, copy, len);
        assert_int_equal(pkt_print(&p, collect, &out), 0);
        assert_non_null(strstr(out.buf, "dns ("));
        assert_non_null(strstr(out.buf, "[malformed]\n"));
        /* and so does the record that claims more than the message holds, the one before it not */
        assert_non_null(strstr(out.buf, "        - answer\n"));
        assert_non_null(strstr(out.buf, "        - answer [malformed]\n"));
        pkt_done(&p);
        free(copy);
}

/* A section after one that cannot be walked has no elements; asking for it still flags the layer. */
static void
test_dns_unreachable_section_flags_layer(void **state)
{
        uint8_t buf[128];
        struct pkt p;
        unsigned n = 0;

        (void)state;
        size_t len = tu_hex(qa_hex, buf, sizeof(buf));
        buf[5] = 9; /* nine queries, one present: the sections after them start nowhere */
        parse_dns(&p, buf, len);
        assert_false(p.layers[0].flags & PKT_LAYER_MALFORMED);
        PKT_ELEM_FOREACH(&p, 0, "auths", e)
                n++;
        assert_int_equal(n, 0);
        assert_true(p.layers[0].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
}

static int
sink(void *ctx, const char *text, size_t len)
{
        (void)ctx;
        (void)text;
        (void)len;
        return 0;
}

/* Regression: a name pointing at itself, and two names pointing at each other, must end in an error
 * (the engine's jump limit), not a hang. */
static void
test_dns_pointer_loops_end_in_an_error(void **state)
{
        /* id, flags, 1 query; name = pointer to offset 12 (itself); type A, class IN */
        static const char self_hex[] = "000101000001000000000000c00c00010001";
        /* 2 queries: the first name points at the second's (offset 18), the second at the first (12). */
        static const char pair_hex[] = "000101000002000000000000c01200010001c00c00010001";
        const char *cases[] = { self_hex, pair_hex };
        uint8_t buf[64];
        char name[256];

        (void)state;
        for (unsigned c = 0; c < 2; c++) {
                struct pkt p;
                size_t len = tu_hex(cases[c], buf, sizeof(buf));
                unsigned n = 0;
                parse_dns(&p, buf, len);
                PKT_ELEM_FOREACH(&p, 0, "queries", e)
                {
                        n++;
                        assert_int_equal(pkt_elem_get_str(&p, 0, &e, "name", name, sizeof(name)), -EBADMSG);
                        assert_true(e.flags & PKT_LAYER_MALFORMED);
                        uint64_t v;
                        assert_int_equal(pkt_elem_get_u64(&p, 0, &e, "type", &v), 0);
                        assert_int_equal(v, 1);
                }
                /* The looping name is flagged and ends the set (the pair's second query is never
                 * reached), and the layer is malformed. */
                assert_int_equal(n, 1);
                assert_true(pkt_layer(&p, 0)->flags & PKT_LAYER_MALFORMED);
                /* The printer skips the name it cannot decode and goes on. */
                assert_int_equal(pkt_print(&p, sink, NULL), 0);
                pkt_done(&p);
        }
}

/* A record whose data does not hold what its type says (an address of another size, a name that runs
 * past the data, character-strings or options that do not end with it, fixed bytes missing) is flagged
 * malformed, ends its set, and leaves the sections after it unreachable; the well-formed ones of every
 * checked type are not flagged. (A scapy-built MX sent with the type of an SOA was not flagged before.) */
static void
test_dns_record_data_that_does_not_fit_its_type_is_malformed(void **state)
{
        static const struct {
                const char *type; /* 4 hex digits */
                const char *rdata;
                bool malformed;
        } cases[] = {
                { "0001", "c0000201", false },                   /* A */
                { "0001", "c000020101", true },                  /* A of 5 bytes */
                { "001c", "c0000201", true },                    /* AAAA of 4 bytes */
                { "001c", "20010db8000000000000000000000001", false },
                { "0006", "0000" "0000000100000e1000000258000151800000003c", false }, /* SOA */
                { "0006", "0000" "0000000100000e1000000258000151800000", true },      /* 2 bytes short */
                { "0006", "00" "45026d78076578616d706c65036e657400", true },            /* an MX's data */
                { "000f", "0002" "026d7800", false },            /* MX */
                { "000f", "0002" "c00c", false },                /* MX, name compressed */
                { "000f", "0002" "026d78", true },               /* name runs past the data */
                { "000f", "00", true },                          /* no preference */
                { "000f", "0002", true },                        /* no name: the next record's is not it */
                { "0010", "03616263" "00", false },              /* TXT: "abc", "" */
                { "0010", "05616263", true },                    /* string past the data */
                { "0029", "000a0002abcd", false },               /* OPT-shaped data: one option */
                { "0029", "000a0003abcd", true },
                { "0021", "000100020035" "00", false },          /* SRV */
                { "0021", "000100020035", true },                /* no target */
                { "0005", "c0ff", true },                        /* CNAME pointing past the message */
                { "0041", "0001" "00" "0001000302683200", true }, /* HTTPS: a byte after the params */
                { "0041", "0001" "00" "00010003026832", false },
                { "002b", "123408", true },                      /* DS without its digest type */
                { "002e", "0001" "0d02" "00000e10" "00000001" "00000002" "0003", true }, /* RRSIG, no signer */
                { "00fe", "0102", false },                       /* type 254: no known layout */
                { "000d", "03783836054c696e7578", false },       /* HINFO "x86" "Linux" */
                { "000d", "0378383606", true },                  /* HINFO: the OS string past the data */
                { "000d", "03783836", true },                    /* HINFO without its OS */
                { "0023", "0064000a" "0155" "00" "00" "00", false }, /* NAPTR */
                { "0023", "0064000a" "0155" "00" "00", true },   /* NAPTR without its replacement */
                { "0023", "0064000a" "0955" "00" "00" "00", true }, /* NAPTR flags past the data */
                { "0101", "80056973737565", false },             /* CAA "issue" with an empty value */
                { "0101", "8006697373756561", false },           /* CAA "issuea" */
                { "0101", "80096973737565", true },              /* CAA tag past the data */
                { "0011", "00" "00", false },                    /* RP: root mailbox, root TXT name */
                { "0011", "00", true },                          /* RP without its TXT name */
                { "0012", "0001" "00", false },                  /* AFSDB */
                { "001d", "0012131389abcdef80000000009896c8", false }, /* LOC version 0 */
                { "001d", "0012131389abcdef80000000", true },    /* LOC version 0, 4 bytes short */
                { "001d", "01ffff", false },                     /* LOC version 1: a format of its own */
                { "002c", "0102" "0123456789", false },          /* SSHFP */
                { "002c", "01", true },                          /* SSHFP without its fingerprint type */
                { "0032", "01010000" "02abcd" "03010203" "000140", false }, /* NSEC3 */
                { "0032", "01010000" "00" "00", false },         /* NSEC3, no salt, no hash, no bitmap */
                { "0032", "01010000" "02abcd" "09010203", true }, /* NSEC3 hash past the data */
                { "0032", "01010000" "05abcd", true },           /* NSEC3 salt past the data */
                { "00fa", "00" "000065b2b7c0" "012c" "0002abcd" "1234" "0010" "0000", false }, /* TSIG */
                { "00fa", "00" "000065b2b7c0" "012c" "0004abcd" "1234" "0010" "0000", true }, /* MAC past */
                { "00fa", "00" "000065b2b7c0" "012c" "0002abcd" "1234" "0010" "000000", true }, /* a byte over */
                { "00f9", "00" "00000001" "00000002" "0003" "0000" "0001ab" "0000", false }, /* TKEY */
                { "0100", "0001000a" "68747470733a2f2f", false }, /* URI "https://" */
                { "0100", "0001", true },                        /* URI without its weight */
        };
        uint8_t buf[128];
        char hex[400];

        (void)state;
        for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
                struct pkt p;
                unsigned answers = 0, additional = 0;

                /* One answer (the case), one additional A record after it. */
                snprintf(hex, sizeof(hex), "000181800000000100000001" "00%s000100000000%04zx%s"
                                           "0000010001000000000004c0000202",
                         cases[c].type, strlen(cases[c].rdata) / 2, cases[c].rdata);
                size_t len = tu_hex(hex, buf, sizeof(buf));
                parse_dns(&p, buf, len);
                PKT_ELEM_FOREACH(&p, 0, "answers", e)
                {
                        answers++;
                        assert_int_equal(!!(e.flags & PKT_LAYER_MALFORMED), cases[c].malformed);
                }
                PKT_ELEM_FOREACH(&p, 0, "addrecords", e)
                        additional++;
                print_message("case %u: %s %s\n", c, cases[c].type, cases[c].rdata);
                assert_int_equal(answers, 1);
                assert_int_equal(additional, cases[c].malformed ? 0 : 1);
                assert_int_equal(!!(pkt_layer(&p, 0)->flags & PKT_LAYER_MALFORMED), cases[c].malformed);
                pkt_done(&p);
        }
}

/* An expected value of a field of the answer numbered @rr. */
struct rr_value {
        unsigned rr;
        const char *field, *value;
};

/* Parses the DNS message @d (@n bytes) and checks that its @n_rrs answers are unflagged and have the
 * values @want lists, and that the layer is unflagged. */
static void
assert_answers(const uint8_t *d, size_t n, unsigned n_rrs, const struct rr_value *want, size_t n_want)
{
        char buf[128];
        struct pkt p;
        unsigned rr = 0;

        parse_dns(&p, d, n);
        PKT_ELEM_FOREACH(&p, 0, "answers", e)
        {
                assert_int_equal(e.flags, 0);
                for (size_t i = 0; i < n_want; i++)
                        if (want[i].rr == rr) {
                                assert_true(pkt_elem_get_str(&p, 0, &e, want[i].field, buf, sizeof(buf)) >= 0);
                                assert_string_equal(buf, want[i].value);
                        }
                rr++;
        }
        assert_int_equal(rr, n_rrs);
        assert_int_equal(pkt_layer(&p, 0)->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED), 0);
        pkt_done(&p);
}

/* DNSSEC (RFC 4034), NSEC3PARAM (RFC 5155), TLSA (RFC 6698) and SVCB/HTTPS (RFC 9460) records read
 * through their fields, build from them, and keep the names in their data uncompressed (RFC 4034
 * 3.1.7, 4.1.1) while owner names are compressed. The answer list is longer than a spec argument
 * (512 bytes): pkt_build() reads it from the text. */
static void
test_dns_dnssec_and_svcb_records_have_fields(void **state)
{
        static const char spec[] =
                "dns(id=1,flags=0x8180,answers=[rr(name=example.com,type=DS,key_id=4660,algorithm=ECDSAP256SHA256,"
                "digest_type=SHA-256,digest=00112233),rr(name=example.com,type=RRSIG,type_covered=AAAA,algorithm=13,"
                "labels=2,original_ttl=3600,expiration=1,inception=2,key_tag=3,signers_name=example.com,signature=aabb),"
                "rr(name=a.example.com,type=NSEC,next_domain_name=b.example.com,type_bitmaps=0006400000080003),"
                "rr(name=example.com,type=HTTPS,svcpriority=1,targetname=svc.example.com,svcparams=000100030268 32),"
                "rr(name=_443._tcp.example.com,type=TLSA,certificate_usage=3,selector=1,matching_type=1,"
                "certificate_association_data=0102)])";
        static const struct rr_value want[] = {
                { 0, "key_id", "4660" },          { 0, "algorithm", "ECDSAP256SHA256" },
                { 0, "digest", "00112233" },      { 1, "type_covered", "AAAA" },
                { 1, "signers_name", "example.com" }, { 1, "signature", "aabb" },
                { 2, "next_domain_name", "b.example.com" }, { 2, "type_bitmaps", "0006400000080003" },
                { 3, "svcpriority", "1" },        { 3, "targetname", "svc.example.com" },
                { 4, "selector", "1" },           { 4, "certificate_association_data", "0102" },
        };
        const uint8_t *out;
        char spec_nospace[sizeof(spec)];
        struct pkt b;

        (void)state;
        size_t k = 0;
        for (const char *c = spec; *c; c++)
                if (*c != ' ')
                        spec_nospace[k++] = *c;
        spec_nospace[k] = 0;
        pkt_init(&b);
        size_t n = tu_build(&b, spec_nospace, &out);
        /* The signer's name and the next domain name are written whole, not as pointers. */
        static const char signer[] = "\x00\x03\x07" "example" "\x03" "com" "\x00\xaa\xbb"; /* key tag, name, sig */
        static const char next[] = "\x01" "b" "\x07" "example" "\x03" "com" "\x00";
        assert_non_null(memmem(out, n, signer, sizeof(signer) - 1));
        assert_non_null(memmem(out, n, next, sizeof(next) - 1));
        assert_answers(out, n, 5, want, sizeof(want) / sizeof(want[0]));
        pkt_done(&b);
}

/* HINFO (RFC 1035 3.3.2), NAPTR (RFC 3403 4.1) and CAA (RFC 8659 4.1) records: each character-string
 * is read by the length byte before it, which a build computes when the spec leaves it out and keeps
 * when given; more than 255 bytes cannot be one. */
static void
test_dns_character_string_records_have_fields(void **state)
{
        static const char spec[] =
                "dns(id=1,flags=0x8180,answers=[rr(name=example.com,type=HINFO,cpu=\"x86_64\",os=\"Linux\"),"
                "rr(name=example.com,type=NAPTR,order=100,preference=10,flags=\"U\",services=\"E2U+sip\","
                "regexp=\"!^.*$!sip:info@example.com!\",replacement=sip.example.com),"
                "rr(name=example.com,type=CAA,flags=CRITICAL,tag=issue,value=\"ca.example.net\"),"
                "rr(name=example.com,type=HINFO,cpulen=2,cpu=\"ab\",os=\"\")])";
        static const struct rr_value want[] = {
                { 0, "cpulen", "6" }, { 0, "cpu", "x86_64" }, { 0, "oslen", "5" }, { 0, "os", "Linux" },
                { 1, "order", "100" }, { 1, "preference", "10" }, { 1, "flagslen", "1" }, { 1, "flags", "U" },
                { 1, "serviceslen", "7" }, { 1, "services", "E2U+sip" }, { 1, "regexplen", "27" },
                { 1, "regexp", "!^.*$!sip:info@example.com!" }, { 1, "replacement", "sip.example.com" },
                { 2, "flags", "CRITICAL" }, { 2, "taglen", "5" }, { 2, "tag", "issue" },
                { 2, "value", "ca.example.net" },
                { 3, "cpulen", "2" }, { 3, "cpu", "ab" }, { 3, "oslen", "0" }, { 3, "os", "" },
        };
        const uint8_t *out;
        struct pkt b;

        (void)state;
        pkt_init(&b);
        size_t n = tu_build(&b, spec, &out);
        /* The replacement is written whole (RFC 3403 4.1: never compressed). */
        static const char replacement[] = "\x03" "sip" "\x07" "example" "\x03" "com" "\x00";
        assert_non_null(memmem(out, n, replacement, sizeof(replacement) - 1));
        assert_answers(out, n, 4, want, sizeof(want) / sizeof(want[0]));
        pkt_done(&b);

        /* 256 bytes are no character-string. */
        char long_spec[512], err[1024];
        int k = snprintf(long_spec, sizeof(long_spec), "dns(answers=[rr(name=example.com,type=HINFO,cpu=\"");
        memset(long_spec + k, 'a', 256);
        snprintf(long_spec + k + 256, sizeof(long_spec) - (size_t)k - 256, "\")])");
        pkt_init(&b);
        assert_true(pkt_build(&b, long_spec, err, sizeof(err)) < 0);
        assert_non_null(strstr(err, "of 'answers': value too long"));
        pkt_done(&b);
}

/* NSEC3 (RFC 5155 3.2), TSIG (RFC 8945 4.2), LOC (RFC 1876 2), SSHFP (RFC 4255 3.1), RP and AFSDB (RFC
 * 1183), URI (RFC 7553 4.5): built from their fields, counts (8-bit salt and hash lengths, 16-bit MAC
 * and other-data sizes) computed when left out, and read back by name; none of their names is
 * compressed (RFC 3597 4). */
static void
test_dns_dnssec_tsig_and_other_records_have_fields(void **state)
{
        static const char spec[] =
                "dns(id=1,flags=0x8180,answers=[rr(name=example.com,type=NSEC3,algo=1,flags=OPT_OUT,iterations=10,"
                "salt_value=aabbccdd,hash_value=0102030405,type_bitmaps=0006400000000003),"
                "rr(name=example.com,type=LOC,size=0x12,horizontal_precision=0x16,vertical_precision=0x13,"
                "latitude=2299997648,longitude=1891505648,altitude=10000000),"
                "rr(name=example.com,type=SSHFP,algorithm=Ed25519,fingerprint_type=SHA-256,fingerprint=abcdef),"
                "rr(name=example.com,type=RP,mailbox=admin.example.com,txt_rr=info.example.com),"
                "rr(name=example.com,type=AFSDB,subtype=1,hostname=afs.example.com),"
                "rr(name=example.com,type=URI,priority=10,weight=1,target=\"ftp://ftp.example.com/\")],"
                "addrecords=[rr(name=key.example.com,type=TSIG,cls=ANY,algorithm_name=hmac-sha256,"
                "time_signed=1700000000,fudge=300,mac=00112233445566778899,original_id=0x1234,error=BADTIME,"
                "other_data=000065b2b7c0)])";
        static const struct rr_value want[] = {
                { 0, "algo", "1" }, { 0, "flags", "OPT_OUT" }, { 0, "iterations", "10" },
                { 0, "salt_length", "4" }, { 0, "salt_value", "aabbccdd" }, { 0, "hash_length", "5" },
                { 0, "hash_value", "0102030405" }, { 0, "type_bitmaps", "0006400000000003" },
                { 1, "version", "0" }, { 1, "size", "18" }, { 1, "latitude", "2299997648" },
                { 1, "longitude", "1891505648" }, { 1, "altitude", "10000000" },
                { 2, "algorithm", "Ed25519" }, { 2, "fingerprint_type", "SHA-256" }, { 2, "fingerprint", "abcdef" },
                { 3, "mailbox", "admin.example.com" }, { 3, "txt_rr", "info.example.com" },
                { 4, "subtype", "1" }, { 4, "hostname", "afs.example.com" },
                { 5, "priority", "10" }, { 5, "weight", "1" }, { 5, "target", "ftp://ftp.example.com/" },
        };
        static const char tsig[] = "\x00\xfa\x00\xff\x00\x00\x00\x00\x00\x2d" "\x0b" "hmac-sha256" "\x00"
                                   "\x00\x00\x65\x53\xf1\x00" "\x01\x2c" "\x00\x0a"
                                   "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99" "\x12\x34" "\x00\x12"
                                   "\x00\x06" "\x00\x00\x65\xb2\xb7\xc0";
        static const char afs_host[] = "\x00\x01" "\x03" "afs" "\x07" "example" "\x03" "com" "\x00";
        const uint8_t *out;
        struct pkt b;

        (void)state;
        pkt_init(&b);
        size_t n = tu_build(&b, spec, &out);
        assert_answers(out, n, 6, want, sizeof(want) / sizeof(want[0]));
        /* The TSIG record byte for byte: its MAC and other-data sizes computed, its name whole. */
        assert_non_null(memmem(out, n, tsig, sizeof(tsig) - 1));
        assert_non_null(memmem(out, n, afs_host, sizeof(afs_host) - 1));
        assert_false(pkt_layer(&b, 0)->flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        pkt_done(&b);
}

/* Multicast DNS compresses the names in NSEC data too (RFC 6762 18.14), which unicast DNS must not
 * (RFC 4034 4.1.1): the same record is built with a pointer on port 5353 and without one on port 53
 * (mDNS NSEC records in the corpus round-trip through JSON byte for byte only so). */
static void
test_dns_nsec_next_name_is_compressed_in_mdns_only(void **state)
{
        static const char next_whole[] = "\x07" "example" "\x03" "com" "\x00" "\x00\x01\x40";
        static const char next_ptr[] = "\xc0\x0c" "\x00\x01\x40";
        char spec[256];
        const uint8_t *out;
        struct pkt b;

        (void)state;
        for (unsigned port = 53; port <= 5353; port += 5300) {
                snprintf(spec, sizeof(spec), "ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=%u,dport=%u)/"
                         "dns(flags=0x8400,answers=[rr(name=example.com,type=NSEC,next_domain_name=example.com,"
                         "type_bitmaps=000140)])", port, port);
                pkt_init(&b);
                size_t n = tu_build(&b, spec, &out);
                bool whole = memmem(out, n, next_whole, sizeof(next_whole) - 1) != NULL;
                bool ptr = memmem(out, n, next_ptr, sizeof(next_ptr) - 1) != NULL;
                assert_int_equal(whole, port == 53);
                assert_int_equal(ptr, port == 5353);
                pkt_done(&b);
        }
}

/* scapy 2.5, which compresses only through dns_compress(): DNS(id=1,qr=1,rd=1,ra=1,
 *   qd=DNSQR(qname="www.example.com",qtype="A"),
 *   an=DNSRR(rrname="www.example.com",type="A",ttl=60,rdata="192.0.2.7")) */
static const char uncompressed_hex[] = "00018180000100010000000003777777076578616d706c6503636f6d000001000103777777"
                                       "076578616d706c6503636f6d00000100010000003c0004c0000207";
#define ANSWER_SPEC \
        "queries=[q(name=www.example.com,type=A)],answers=[rr(name=www.example.com,type=A,ttl=60,address=192.0.2.7)]"

/* "compress" off keeps names as written (scapy's and pypacker's way); on, the default, compresses them. A
 * parsed message whose names could be compressed and are not is kept as written, so its JSON says so. */
static void
test_dns_compress_switch_keeps_names_as_written(void **state)
{
        uint8_t want[256];
        const uint8_t *d;
        char err[256];
        struct pkt p, q;
        size_t wn = tu_hex(uncompressed_hex, want, sizeof(want));

        (void)state;
        for (unsigned i = 0; i < 4; i++) {
                static const char *const off[] = { "no", "0", "false", "OFF" };
                char spec[512];
                snprintf(spec, sizeof(spec), "dns(id=1,flags=0x8180,compress=%s," ANSWER_SPEC ")", off[i]);
                assert_build(spec, uncompressed_hex);
        }
        /* Compressed by default and with the switch on: the answer's owner name points at the question's. */
        for (unsigned i = 0; i < 2; i++) {
                pkt_init(&p);
                size_t n = tu_build(&p, i ? "dns(id=1,flags=0x8180,compress=yes," ANSWER_SPEC ")"
                                          : "dns(id=1,flags=0x8180," ANSWER_SPEC ")", &d);
                assert_int_equal(n, wn - 15);
                assert_memory_equal(d + 33, "\xc0\x0c", 2);
                assert_false(pkt_layer_is_as_written(&p, 0));
                pkt_done(&p);
        }

        /* Parsed: kept as written, and so rebuilt the same after a change of size. */
        parse_dns(&p, want, wn);
        assert_true(pkt_layer_is_as_written(&p, 0));
        pkt_done(&p);
        pkt_init(&q);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_DNS, want, 33, 33), 0); /* the question alone: nothing to point at */
        assert_false(pkt_layer_is_as_written(&q, 0));
        pkt_done(&q);

        /* pkt_append() carries the switch; a protocol without one refuses it; a value that is no switch
         * setting is an error naming the field. */
        pkt_init(&p);
        assert_int_equal(pkt_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=53,dport=53)/dns(compress=no)", err,
                                   sizeof(err)), 0);
        assert_true(pkt_layer_is_as_written(&p, 2));
        pkt_init(&q);
        assert_int_equal(pkt_append(&q, &p), 0);
        assert_true(q.layers[2].flags & PKT_LAYER_AS_WRITTEN);
        assert_int_equal(pkt_layer_keep_as_written(&p, 0, true), -EOPNOTSUPP);
        assert_int_equal(pkt_layer_keep_as_written(&p, 9, true), -ENOENT);
        assert_int_equal(pkt_layer_keep_as_written(&p, 2, false), 0);
        assert_false(pkt_layer_is_as_written(&p, 2));
        assert_string_equal(pkt_proto_encoding_switch(PKT_PROTO_DNS), "compress");
        assert_null(pkt_proto_encoding_switch(PKT_PROTO_IP));
        pkt_done(&q);
        assert_int_equal(pkt_build(&p, "dns(compress=maybe)", err, sizeof(err)), -EINVAL);
        assert_non_null(strstr(err, "'compress'"));
        assert_int_equal(pkt_build(&p, "ip(compress=no)", err, sizeof(err)), -ENOENT);
        pkt_done(&p);
}

static void
walk_all(struct pkt *p)
{
        static const char *const sets[] = { "queries", "answers", "auths", "addrecords" };
        char out[512];

        PKT_LAYER_FOREACH(p, k)
        {
                if (p->layers[k].proto != PKT_PROTO_DNS)
                        continue;
                for (unsigned s = 0; s < 4; s++)
                        PKT_ELEM_FOREACH(p, k, sets[s], e)
                        {
                                (void)pkt_elem_get_str(p, k, &e, "name", out, sizeof(out));
                                (void)pkt_elem_get_str(p, k, &e, "address", out, sizeof(out));
                                (void)pkt_elem_get_str(p, k, &e, "mailbox", out, sizeof(out));
                        }
        }
        (void)pkt_print(p, sink, NULL);
}

/* Every prefix of real DNS packets parses; a DNS layer cut short is flagged truncated, never malformed. */
static void
test_dns_every_prefix_parses_and_flags_truncation(void **state)
{
        static const struct {
                const char *file;
                unsigned frame;
        } pkts[] = { { "dpkt/dns_icmp.pcap", 2 }, { "pypacker/packets_dns.pcap", 2 },
                     { "pypacker/packets_dns.pcap", 3 }, { "ndpi/mullvad_dns.pcap", 2 } };
        uint8_t buf[2048];
        size_t wire;
        int dlt;

        (void)state;
        for (unsigned i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
                size_t n = corpus_packet(pkts[i].file, pkts[i].frame, buf, sizeof(buf), &wire, &dlt);
                struct pkt p;
                pkt_init(&p);
                assert_int_equal(pkt_parse_dlt(&p, dlt, buf, n, wire), 0);
                int d = pkt_layer_find(&p, PKT_PROTO_DNS, 0);
                assert_true(d > 0);
                uint32_t dns_off = p.layers[d].off;
                for (size_t cut = 0; cut < n; cut++) {
                        uint8_t *copy = malloc(cut ? cut : 1);
                        assert_non_null(copy);
                        memcpy(copy, buf, cut);
                        assert_int_equal(pkt_parse_dlt(&p, dlt, copy, cut, wire), 0);
                        walk_all(&p);
                        if (cut > dns_off) {
                                int k = pkt_layer_find(&p, PKT_PROTO_DNS, 0);
                                assert_true(k >= 0);
                                assert_true(p.layers[k].flags & PKT_LAYER_TRUNCATED);
                                assert_false(p.layers[k].flags & PKT_LAYER_MALFORMED);
                        }
                        pkt_done(&p);
                        free(copy);
                }
        }
}

/* RFC 1035 4.2.2: over TCP a two-byte length precedes each message (layer dnstcp). scapy:
 * IP(src="192.0.2.1",dst="192.0.2.53")/TCP(sport=40000,dport=53,flags="PA",seq=1,ack=1,window=8192)/
 * DNS(id=1,rd=1,qd=DNSQR(qname="example.com",qtype="A")) -> length 0x001d before the message */
static void
test_dns_over_tcp_has_its_length_prefix(void **state)
{
        struct pkt p, q;
        const uint8_t *d;
        (void)state;

        pkt_init(&p);
        pkt_init(&q);
        size_t n = tu_build(&p, "ip(src=192.0.2.1,dst=192.0.2.53)/tcp(sport=40000,dport=53,flags=PSH|ACK)/"
                                "dnstcp()/dns(id=1,flags=0x0100,queries=[q(name=example.com,type=A)])",
                            &d);
        assert_int_equal(n, 20 + 20 + 2 + 29);
        assert_int_equal(d[40] << 8 | d[41], 29);

        /* Two messages in one segment: the first is dissected, the second stays TCP payload. */
        uint8_t seg[2 * 31];
        memcpy(seg, d + 40, 31);
        memcpy(seg + 31, d + 40, 31);
        assert_int_equal(pkt_parse(&q, PKT_PROTO_DNSTCP, seg, sizeof(seg), sizeof(seg)), 0);
        int i = pkt_layer_find(&q, PKT_PROTO_DNS, 0);
        assert_int_equal(i, 1);
        assert_int_equal(q.layers[i].len, 29);
        assert_int_equal(q.layers[i].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED), 0);
        assert_string_equal(tu_field(&q, 0, "len"), "29");

        /* A message that goes on in the next segment is not malformed: it holds what is here. */
        assert_int_equal(pkt_parse(&q, PKT_PROTO_DNSTCP, seg, 20, 20), 0);
        i = pkt_layer_find(&q, PKT_PROTO_DNS, 0);
        assert_int_equal(i, 1);
        assert_int_equal(q.layers[0].flags & PKT_LAYER_MALFORMED, 0);
        pkt_done(&p);
}

/* Names read back as they print (RFC 1035 5.1's presentation format): a label holding a space, a dot,
 * a backslash and a control byte prints as escapes, and that text builds the same label, given
 * plain or quoted (as the JSON reader quotes text the spec's tokenizer would split); the second
 * occurrence is compressed against the first. Bad escapes are refused. */
static void
test_dns_escaped_names_build_what_they_print(void **state)
{
        struct pkt p;
        const uint8_t *d;
        char text[128];
        (void)state;

        pkt_init(&p);
        size_t n = tu_build(&p, "dns(answers=[answer(name=a.local,type=PTR,address=x\\032y\\.z\\\\w\\001.a.local)],"
                                "addrecords=[addrecord(name=\"x\\\\032y\\\\.z\\\\\\\\w\\\\001.a.local\",type=A,"
                                "address=192.0.2.1)])", &d);
        /* The PTR's data (after the 12-byte header, the 9-byte owner name and 10 bytes of type, class,
         * TTL and length): "x y.z\\w" then 0x01, then a pointer to "a.local" at 12. */
        enum { RDATA = 12 + 9 + 10 };
        static const uint8_t label[] = { 8, 'x', ' ', 'y', '.', 'z', '\\', 'w', 1, 0xc0, 12 };
        assert_true(n > RDATA + sizeof(label) + 2);
        tu_assert_bytes(d + RDATA, sizeof(label), label, sizeof(label));
        /* The additional record's name points at the PTR's data. */
        static const uint8_t ptr[] = { 0xc0, RDATA };
        tu_assert_bytes(d + RDATA + sizeof(label), 2, ptr, 2);
        int dns = pkt_layer_find(&p, PKT_PROTO_DNS, 0);
        PKT_ELEM_FOREACH(&p, (unsigned)dns, "answers", e)
                assert_int_equal(pkt_elem_get_str(&p, (unsigned)dns, &e, "address", text, sizeof(text)) > 0, 1);
        assert_string_equal(text, "x\\032y\\.z\\\\w\\001.a.local");
        char err[256];
        assert_true(pkt_build(&p, "dns(queries=[query(name=a\\256.local)])", err, sizeof(err)) < 0);
        assert_true(pkt_build(&p, "dns(queries=[query(name=a\\)])", err, sizeof(err)) < 0);
        pkt_done(&p);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_dns_query_and_answer_compress_as_scapy),
                cmocka_unit_test(test_dns_response_compresses_names_in_record_data),
                cmocka_unit_test(test_dns_sections_may_be_given_out_of_order),
                cmocka_unit_test(test_dns_edns0_opt_builds_as_scapy_and_reads_back),
                cmocka_unit_test(test_dns_counts_follow_records_over_udp),
                cmocka_unit_test(test_dns_corpus_fields_match_tshark),
                cmocka_unit_test(test_dns_truncated_capture_flags_layer_and_last_record),
                cmocka_unit_test(test_dns_count_beyond_records_is_malformed),
                cmocka_unit_test(test_dns_unreachable_section_flags_layer),
                cmocka_unit_test(test_dns_pointer_loops_end_in_an_error),
                cmocka_unit_test(test_dns_record_data_that_does_not_fit_its_type_is_malformed),
                cmocka_unit_test(test_dns_dnssec_and_svcb_records_have_fields),
                cmocka_unit_test(test_dns_character_string_records_have_fields),
                cmocka_unit_test(test_dns_dnssec_tsig_and_other_records_have_fields),
                cmocka_unit_test(test_dns_nsec_next_name_is_compressed_in_mdns_only),
                cmocka_unit_test(test_dns_every_prefix_parses_and_flags_truncation),
                cmocka_unit_test(test_dns_over_tcp_has_its_length_prefix),
                cmocka_unit_test(test_dns_escaped_names_build_what_they_print),
                cmocka_unit_test(test_dns_compress_switch_keeps_names_as_written),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
