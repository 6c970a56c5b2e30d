/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The whole-corpus robustness sweep: every packet of every capture in the shared corpus that
 * libpcap opens (index.tsv lists them; gzipped ones are unpacked first) is parsed from its link
 * type, dissected, walked field by field, printed and serialised. Bad input is normal input, so
 * nothing may fail: serialising an unchanged packet gives its bytes back, every layer stays inside
 * the packet and inside the layer below, a header neither cut nor malformed holds at least its
 * protocol's min_hdr_len, walking and printing succeed and stay balanced, and libpcap's packet
 * count per file matches the index.
 *
 * The sweep runs once (group setup); each test then asserts one property over all packets and names
 * the first few packets that break it. The summary (files, packets, layers per protocol, time) goes
 * to stdout. Without the corpus the test is skipped (exit 77), loudly.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* Why 8: enough to see a pattern in the failures without flooding the log. */
#define SHOWN_MAX      8
#define SHOWN_LINE_MAX 512

struct failures {
        unsigned long n;
        char shown[SHOWN_MAX][SHOWN_LINE_MAX];
};

struct sweep {
        unsigned files, files_unreadable, files_damaged;
        unsigned long packets, layers, fields, printed_bytes;
        unsigned long per_proto[PKT_PROTO_MAX];
        unsigned long truncated, malformed;
        double seconds;
        struct failures parse, bounds, minimum, visit, print, serialize, count;
};

static struct sweep S;

static void record(struct failures *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
record(struct failures *f, const char *fmt, ...)
{
        va_list ap;

        if (f->n < SHOWN_MAX) {
                va_start(ap, fmt);
                vsnprintf(f->shown[f->n], sizeof(f->shown[0]), fmt, ap);
                va_end(ap);
        }
        f->n++;
}

static void
assert_none(const struct failures *f, const char *what)
{
        for (unsigned long i = 0; i < f->n && i < SHOWN_MAX; i++)
                print_error("  %s\n", f->shown[i]);
        if (f->n)
                fail_msg("%lu packets: %s", f->n, what);
}

/* ---- per packet ---- */

struct walk {
        unsigned depth;
        unsigned layers;
        unsigned long fields;
        bool is_broken;
};

static int
walk_event(void *ctx, enum pkt_visit_event ev, const char *name, const struct pkt_layer *l,
           const struct pkt_value *v)
{
        struct walk *w = ctx;
        /* The depth each event needs before it, and the depth it leaves. */
        static const struct {
                unsigned need, then;
        } rule[] = {
                [PKT_VISIT_LAYER_BEGIN] = { 0, 1 }, [PKT_VISIT_SET_BEGIN] = { 1, 2 },
                [PKT_VISIT_ELEM_BEGIN] = { 2, 3 },  [PKT_VISIT_ELEM_END] = { 3, 2 },
                [PKT_VISIT_SET_END] = { 2, 1 },     [PKT_VISIT_LAYER_END] = { 1, 0 },
        };

        if (!name)
                w->is_broken = true;
        if (ev == PKT_VISIT_FIELD) {
                if ((w->depth != 1 && w->depth != 3) || !v || !v->text)
                        w->is_broken = true;
                w->fields++;
                return 0;
        }
        if (w->depth != rule[ev].need || (ev == PKT_VISIT_LAYER_BEGIN && !l))
                w->is_broken = true;
        w->depth = rule[ev].then;
        w->layers += ev == PKT_VISIT_LAYER_BEGIN;
        return 0;
}

static int
count_text(void *ctx, const char *text, size_t len)
{
        (void)text;
        *(unsigned long *)ctx += len;
        return 0;
}

/* Returns the index of the first layer that lies outside the packet or its lower layer, or -1. */
static int
layer_out_of_bounds(const struct pkt *p)
{
        for (unsigned i = 0; i < p->n_layers; i++) {
                const struct pkt_layer *l = &p->layers[i];
                if (l->off > p->len || l->len > p->len - l->off || l->hdr_len > l->len ||
                    l->len > l->wire_len)
                        return (int)i;
                if (i == 0)
                        continue;
                const struct pkt_layer *d = &p->layers[i - 1];
                if (l->off != d->off + d->hdr_len || l->off + l->len > d->off + d->len)
                        return (int)i;
        }
        return -1;
}

static void
sweep_packet(const char *file, unsigned long no, int dlt, const uint8_t *data, uint32_t caplen,
             uint32_t wire_len)
{
        struct walk w = { 0 };
        unsigned long printed = 0;
        const uint8_t *out;
        struct pkt p;
        int r, bad;

        pkt_init(&p);
        r = pkt_parse_dlt(&p, dlt, data, caplen, wire_len);
        if (r < 0) {
                record(&S.parse, "%s #%lu: pkt_parse_dlt(dlt %d) = %d", file, no, dlt, r);
                return;
        }
        unsigned n = pkt_dissect_all(&p);
        S.layers += n;
        for (unsigned i = 0; i < n; i++) {
                S.per_proto[p.layers[i].proto]++;
                S.truncated += !!(p.layers[i].flags & PKT_LAYER_TRUNCATED);
                S.malformed += !!(p.layers[i].flags & PKT_LAYER_MALFORMED);
        }
        if ((bad = layer_out_of_bounds(&p)) >= 0) {
                const struct pkt_layer *l = &p.layers[bad];
                record(&S.bounds,
                       "%s #%lu: layer %d (%s) off %u hdr_len %u len %u wire_len %u, packet %u",
                       file, no, bad, pkt_proto_name(l->proto), l->off, l->hdr_len, l->len,
                       l->wire_len, p.len);
        }
        /* Hooks may read min_hdr_len bytes unchecked because every header has them: a header
         * reported shorter, neither cut nor malformed, breaks that promise (truncated prefixes of
         * it would be flagged where the whole packet is fine). */
        for (unsigned i = 0; i < n; i++) {
                const struct pkt_layer *l = &p.layers[i];
                const struct pkt_proto *pr = pkt_proto_get(l->proto);
                if (!(l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)) &&
                    l->hdr_len < pr->min_hdr_len)
                        record(&S.minimum, "%s #%lu: layer %u (%s) header %u bytes, minimum %u",
                               file, no, i, pr->name, l->hdr_len, pr->min_hdr_len);
        }
        r = pkt_visit(&p, walk_event, &w);
        if (r < 0 || w.is_broken || w.depth != 0 || w.layers != n)
                record(&S.visit, "%s #%lu: pkt_visit = %d, %u of %u layers, %s", file, no, r,
                       w.layers, n, w.is_broken || w.depth ? "unbalanced events" : "balanced");
        S.fields += w.fields;
        r = pkt_print(&p, count_text, &printed);
        if (r < 0 || printed == 0)
                record(&S.print, "%s #%lu: pkt_print = %d after %lu bytes", file, no, r, printed);
        S.printed_bytes += printed;
        r = pkt_serialize(&p, 0, &out);
        if (r != (int)caplen || (caplen && memcmp(out, data, caplen) != 0))
                record(&S.serialize, "%s #%lu: pkt_serialize = %d of %u bytes, %s", file, no, r,
                       caplen, r == (int)caplen ? "content differs" : "length differs");
        pkt_done(&p);
}

/* ---- per file ---- */

static bool
has_suffix(const char *s, const char *suffix)
{
        size_t n = strlen(s), k = strlen(suffix);
        return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* libpcap reads pcap and pcapng but not gzip: a gzipped capture is unpacked into a temporary file
 * (which pcap_close() closes and so deletes). */
static pcap_t *
open_capture(const char *file, char *errbuf)
{
        char cmd[4200], buf[65536];
        size_t n;

        if (!has_suffix(file, ".gz"))
                return pcap_open_offline(tu_corpus(file), errbuf);
        snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", tu_corpus(file));
        FILE *in = popen(cmd, "r"), *tmp = tmpfile();
        if (!in || !tmp) {
                if (in)
                        pclose(in);
                if (tmp)
                        fclose(tmp);
                return NULL;
        }
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
                fwrite(buf, 1, n, tmp);
        pclose(in);
        rewind(tmp);
        pcap_t *pc = pcap_fopen_offline(tmp, errbuf);
        if (!pc)
                fclose(tmp);
        return pc;
}

/* @want_packets: the count index.tsv has from capinfos, or -1 when tshark could not read the file
 * either (its count is then not to be trusted). */
static void
sweep_file(const char *file, long want_packets)
{
        char errbuf[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *data;
        unsigned long no = 0;
        pcap_t *pc;
        int r;

        pc = open_capture(file, errbuf);
        if (!pc) {
                S.files_unreadable++; /* snoop, netmon, broken headers: libpcap declines */
                return;
        }
        S.files++;
        int dlt = pcap_datalink(pc);
        while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
                no++;
                sweep_packet(file, no, dlt, data, h->caplen, h->len);
        }
        S.packets += no;
        if (r == PCAP_ERROR_BREAK) {
                if (want_packets >= 0 && no != (unsigned long)want_packets)
                        record(&S.count, "%s: libpcap read %lu packets, the index lists %ld", file,
                               no, want_packets);
        } else {
                S.files_damaged++; /* cut short or corrupt: what came before the damage was swept */
        }
        pcap_close(pc);
}

/* index.tsv: file, source, source_path, format, linktype, packets, protocols, malformed,
 * malformed_pkts, error_pkts, tshark_status, ... (tab-separated, header first). */
static int
sweep_corpus(void)
{
        FILE *f = fopen(tu_corpus("index.tsv"), "r");
        char line[8192];
        struct timespec t0, t1;

        if (!f)
                return -1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (bool is_header = true; fgets(line, sizeof(line), f); is_header = false) {
                char *cols[11], *s = line;
                unsigned n = 0;
                if (is_header)
                        continue;
                /* Split by hand: strtok would merge the empty columns some rows have. */
                for (cols[n++] = s; n < 11 && (s = strchr(s, '\t')); cols[n++] = ++s)
                        *s = 0;
                if (n == 11)
                        sweep_file(cols[0], strncmp(cols[10], "ok", 2) == 0
                                                    ? strtol(cols[5], NULL, 10)
                                                    : -1);
        }
        fclose(f);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        S.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        return 0;
}

static void
print_summary(void)
{
        printf("corpus sweep: %u files (%u declined by libpcap, %u damaged), %lu packets, %lu "
               "layers "
               "(%lu truncated, %lu malformed), %lu fields, %lu bytes printed, %.1f s\n",
               S.files, S.files_unreadable, S.files_damaged, S.packets, S.layers, S.truncated,
               S.malformed, S.fields, S.printed_bytes, S.seconds);
        printf("layers per protocol:");
        for (unsigned id = 0; id < PKT_PROTO_MAX; id++)
                if (S.per_proto[id])
                        printf(" %s=%lu", pkt_proto_name(id), S.per_proto[id]);
        printf("\n");
}

static int
setup(void **state)
{
        (void)state;
        if (sweep_corpus() < 0) {
                printf("SKIP: no corpus index at %s (set PKTD_CORPUS_DIR)\n",
                       tu_corpus("index.tsv"));
                exit(77);
        }
        print_summary();
        return 0;
}

/* ---- the properties ---- */

static void
test_corpus_sweep_reads_every_packet_the_index_lists(void **state)
{
        (void)state;
        assert_true(S.files > 0 && S.packets > 0);
        assert_none(&S.count, "packet counts differ from index.tsv");
}

static void
test_corpus_every_packet_parses_from_its_link_type(void **state)
{
        (void)state;
        assert_none(&S.parse, "pkt_parse_dlt() failed");
        assert_true(S.layers >= S.packets);
}

static void
test_corpus_no_layer_claims_bytes_outside_the_packet(void **state)
{
        (void)state;
        assert_none(&S.bounds, "a layer lies outside the packet or the layer below it");
}

static void
test_corpus_headers_hold_their_protocols_minimum(void **state)
{
        (void)state;
        assert_none(&S.minimum, "a header shorter than its protocol's min_hdr_len, not flagged");
}

static void
test_corpus_every_packet_walks_every_layer_balanced(void **state)
{
        (void)state;
        assert_none(&S.visit, "pkt_visit() failed or its events do not nest");
}

static void
test_corpus_every_packet_prints(void **state)
{
        (void)state;
        assert_none(&S.print, "pkt_print() failed or printed nothing");
}

static void
test_corpus_unchanged_packets_serialise_byte_identical(void **state)
{
        (void)state;
        assert_none(&S.serialize, "pkt_serialize() did not give the captured bytes back");
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_corpus_sweep_reads_every_packet_the_index_lists),
                cmocka_unit_test(test_corpus_every_packet_parses_from_its_link_type),
                cmocka_unit_test(test_corpus_no_layer_claims_bytes_outside_the_packet),
                cmocka_unit_test(test_corpus_headers_hold_their_protocols_minimum),
                cmocka_unit_test(test_corpus_every_packet_walks_every_layer_balanced),
                cmocka_unit_test(test_corpus_every_packet_prints),
                cmocka_unit_test(test_corpus_unchanged_packets_serialise_byte_identical),
        };
        return cmocka_run_group_tests(tests, setup, NULL);
}
