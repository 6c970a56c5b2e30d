/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The snap-length sweep (tcpdump's "try many snap lengths", as an automatic test). From the shared
 * corpus it takes one packet per (link type, layer stack, truncated/malformed flags of each layer)
 * that our dissector produces, the shortest (the first in index order among equals), so the
 * sample is deterministic, grows as protocols land and keeps the prefixes few. Every prefix of that
 * packet, 0..caplen bytes (beyond 2 KiB, a spread of them: see is_picked()), is parsed with the
 * packet's real wire length, as a capture with that snap length would give it, then dissected and
 * walked. For each prefix:
 *
 *  - nothing crashes or reads out of bounds (the sanitizer build checks), every layer stays
 *    inside the prefix and inside the layer below it;
 *  - a layer whose header the prefix cuts is flagged PKT_LAYER_TRUNCATED and not
 *    PKT_LAYER_MALFORMED, whenever that layer of the whole packet was not malformed: a snap
 *    length is not a lie;
 *  - a layer the prefix does not cut dissects to the same header length as in the whole packet
 *    (unless it says it cannot tell yet: flagged truncated, holding every byte of the prefix), and
 *    no layer becomes malformed that was not.
 *
 * Failures name the capture, the packet, the prefix length and the layer, and are counted per
 * protocol.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pkt/pkt.h>

#include "testutil.h"

/* Why 8: enough to see a pattern without flooding the log. */
#define SHOWN_MAX      8
#define SHOWN_LINE_MAX 512
/* Why 4096: distinct (link type, stack) pairs in the corpus number in the hundreds; the cap only
 * bounds the memory of the seen-set should a dissector produce wildly varying stacks. */
#define KEYS_MAX 4096

struct failures {
        unsigned long n;
        unsigned long per_proto[PKT_PROTO_MAX];
        char shown[SHOWN_MAX][SHOWN_LINE_MAX];
};

struct key {
        int dlt;
        uint8_t n;
        uint16_t protos[PKT_LAYERS_MAX];
        uint8_t bad[PKT_LAYERS_MAX]; /* the layer's TRUNCATED and MALFORMED flags */
        /* The shortest packet with this key so far (fewest prefixes to sweep): a copy. */
        uint8_t *data;
        uint32_t caplen, wire_len;
        unsigned long no;
        char file[256];
};

struct sweep {
        struct key keys[KEYS_MAX];
        unsigned n_keys;
        unsigned long packets_seen, packets_swept, prefixes, cut_layers;
        double seconds;
        struct failures bounds, not_truncated, malformed, hdr_len;
};

static struct sweep *S;

static void record(struct failures *f, unsigned proto, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
record(struct failures *f, unsigned proto, const char *fmt, ...)
{
        va_list ap;

        if (f->n < SHOWN_MAX) {
                va_start(ap, fmt);
                vsnprintf(f->shown[f->n], sizeof(f->shown[0]), fmt, ap);
                va_end(ap);
        }
        f->n++;
        f->per_proto[proto < PKT_PROTO_MAX ? proto : 0]++;
}

static void
assert_none(const struct failures *f, const char *what)
{
        if (!f->n)
                return;
        for (unsigned long i = 0; i < f->n && i < SHOWN_MAX; i++)
                print_error("  %s\n", f->shown[i]);
        print_error("  per protocol:");
        for (unsigned id = 0; id < PKT_PROTO_MAX; id++)
                if (f->per_proto[id])
                        print_error(" %s=%lu", pkt_proto_name(id), f->per_proto[id]);
        print_error("\n");
        fail_msg("%lu prefixes: %s", f->n, what);
}

static int
ignore_event(void *ctx, enum pkt_visit_event ev, const char *name, const struct pkt_layer *l,
             const struct pkt_value *v)
{
        (void)ctx;
        (void)ev;
        (void)name;
        (void)l;
        (void)v;
        return 0;
}

/* Remembers the packet under its (link type, stack, flags) key when the key is new or the packet is
 * shorter than the one kept for it. */
static void
keep_if_shortest(const char *file, unsigned long no, int dlt, const struct pkt *p,
                 const uint8_t *data, uint32_t wire_len)
{
        struct key k = { .dlt = dlt, .n = p->n_layers };
        struct key *slot = NULL;

        for (unsigned i = 0; i < p->n_layers; i++) {
                k.protos[i] = p->layers[i].proto;
                k.bad[i] =
                        (uint8_t)(p->layers[i].flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED));
        }
        for (unsigned i = 0; i < S->n_keys && !slot; i++)
                if (S->keys[i].dlt == k.dlt && S->keys[i].n == k.n &&
                    memcmp(S->keys[i].protos, k.protos, k.n * sizeof(k.protos[0])) == 0 &&
                    memcmp(S->keys[i].bad, k.bad, k.n) == 0)
                        slot = &S->keys[i];
        if (slot && slot->caplen <= p->len)
                return;
        if (!slot) {
                if (S->n_keys == KEYS_MAX)
                        return;
                slot = &S->keys[S->n_keys++];
                *slot = k;
        }
        free(slot->data);
        slot->data = malloc(p->len ? p->len : 1);
        assert_non_null(slot->data);
        memcpy(slot->data, data, p->len);
        slot->caplen = p->len;
        slot->wire_len = wire_len;
        slot->no = no;
        snprintf(slot->file, sizeof(slot->file), "%s", file);
}

static bool
is_out_of_bounds(const struct pkt *p)
{
        for (unsigned i = 0; i < p->n_layers; i++) {
                const struct pkt_layer *l = &p->layers[i];
                if (l->off > p->len || l->len > p->len - l->off || l->hdr_len > l->len ||
                    l->len > l->wire_len)
                        return true;
                if (i > 0 && (l->off != p->layers[i - 1].off + p->layers[i - 1].hdr_len ||
                              l->off + l->len > p->layers[i - 1].off + p->layers[i - 1].len))
                        return true;
        }
        return false;
}

/* A header that ends at a delimiter (a text protocol's first line) cannot be told from a payload
 * until the delimiter is seen: cut before it, the layer may claim every byte it has as a header cut
 * short. That is honest, whatever the whole packet turned out to be. */
static bool
is_undecided(const struct pkt_layer *l, uint32_t cut)
{
        return (l->flags & PKT_LAYER_TRUNCATED) && l->off + l->hdr_len == cut;
}

/* Compares the dissection of the first @cut bytes with that of the whole packet @full. */
static void
check_prefix(const char *file, unsigned long no, const struct pkt *full, struct pkt *p,
             uint32_t cut)
{
        if (is_out_of_bounds(p))
                record(&S->bounds, p->layers[p->n_layers - 1].proto,
                       "%s #%lu cut at %u: a layer lies outside the prefix", file, no, cut);
        /* Walk the stacks while they agree: past a cut the prefix has nothing, and a heuristic that
         * looks at payload may choose differently on fewer bytes. */
        for (unsigned i = 0; i < p->n_layers && i < full->n_layers; i++) {
                const struct pkt_layer *f = &full->layers[i], *l = &p->layers[i];
                const char *name = pkt_proto_name(l->proto);
                if (f->proto != l->proto || f->off != l->off)
                        break;
                /* Raw bytes have no header to cut: their length is whatever was captured. */
                if (f->proto == PKT_PROTO_RAW)
                        break;
                bool is_cut = f->off + f->hdr_len > cut,
                     was_malformed = f->flags & PKT_LAYER_MALFORMED;
                S->cut_layers += is_cut;
                if (was_malformed)
                        break; /* a lie in the whole packet may be read differently in a part of it
                                */
                if (l->flags & PKT_LAYER_MALFORMED)
                        record(&S->malformed, l->proto,
                               "%s #%lu cut at %u: layer %u (%s, header %u+%u) is malformed, whole "
                               "packet's is not",
                               file, no, cut, i, name, f->off, f->hdr_len);
                else if (is_cut && !(l->flags & PKT_LAYER_TRUNCATED))
                        record(&S->not_truncated, l->proto,
                               "%s #%lu cut at %u: layer %u (%s, header %u+%u) is not flagged "
                               "truncated (flags 0x%x, "
                               "hdr_len %u)",
                               file, no, cut, i, name, f->off, f->hdr_len, l->flags, l->hdr_len);
                else if (!is_cut && l->hdr_len != f->hdr_len && !is_undecided(l, cut))
                        record(&S->hdr_len, l->proto,
                               "%s #%lu cut at %u: layer %u (%s) header %u bytes, %u in the whole "
                               "packet",
                               file, no, cut, i, name, l->hdr_len, f->hdr_len);
                if (is_cut)
                        break;
        }
}

static void
collect_packet(const char *file, unsigned long no, int dlt, const uint8_t *data, uint32_t caplen,
               uint32_t wire_len)
{
        struct pkt full;

        S->packets_seen++;
        pkt_init(&full);
        assert_int_equal(pkt_parse_dlt(&full, dlt, data, caplen, wire_len), 0);
        pkt_dissect_all(&full);
        /* Layers whose elements are checked lazily (PKT_P_LAZY_ELEMS) learn their flags on the walk:
         * walk the whole packet too, so that it is compared with all it knows. */
        assert_int_equal(pkt_visit(&full, ignore_event, NULL), 0);
        keep_if_shortest(file, no, dlt, &full, data, wire_len);
        pkt_done(&full);
}

/* A dissector walks its options once per parse, so sweeping every prefix of a long packet costs
 * its length squared (a 64 KiB PIM hello took minutes under ASan), and walking every field of
 * every prefix multiplies prefixes by elements. So every prefix of the first SWEEP_ALL bytes, where
 * nearly all headers end, is dissected and checked, and about SWEEP_MORE more spread over the rest;
 * the field walk runs on every prefix of the first WALK_ALL bytes and about WALK_MORE beyond. */
#define SWEEP_ALL  2048
#define SWEEP_MORE 256
#define WALK_ALL   256
#define WALK_MORE  64

static bool
is_picked(uint32_t cut, uint32_t caplen, uint32_t all, uint32_t more)
{
        uint32_t stride = caplen / more > 1 ? caplen / more : 1;

        return cut <= all || cut % stride == 0 || cut == caplen;
}

static void
sweep_packet(const struct key *k)
{
        struct pkt full, p;

        S->packets_swept++;
        pkt_init(&full);
        assert_int_equal(pkt_parse_dlt(&full, k->dlt, k->data, k->caplen, k->wire_len), 0);
        pkt_dissect_all(&full);
        /* Layers whose elements are checked lazily (PKT_P_LAZY_ELEMS) learn their flags on the walk:
         * walk the whole packet too, so that it is compared with all it knows. */
        assert_int_equal(pkt_visit(&full, ignore_event, NULL), 0);
        pkt_init(&p);
        for (uint32_t cut = 0; cut <= k->caplen; cut++) {
                if (!is_picked(cut, k->caplen, SWEEP_ALL, SWEEP_MORE))
                        continue;
                /* An exact-size copy: the sanitizers then catch a read one byte past the prefix. */
                uint8_t *part = malloc(cut ? cut : 1);
                assert_non_null(part);
                memcpy(part, k->data, cut);
                assert_int_equal(pkt_parse_dlt(&p, k->dlt, part, cut, k->wire_len), 0);
                pkt_dissect_all(&p);
                if (is_picked(cut, k->caplen, WALK_ALL, WALK_MORE))
                        assert_int_equal(pkt_visit(&p, ignore_event, NULL), 0);
                check_prefix(k->file, k->no, &full, &p, cut);
                pkt_done(&p);
                free(part);
                S->prefixes++;
        }
        pkt_done(&full);
}

static bool
has_suffix(const char *s, const char *suffix)
{
        size_t n = strlen(s), k = strlen(suffix);
        return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* libpcap reads pcap and pcapng but not gzip: a gzipped capture is unpacked into a temporary file
 * (which pcap_close() closes and so deletes). As in test_corpus_sweep.c. */
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

static void
sweep_file(const char *file)
{
        char errbuf[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *data;
        unsigned long no = 0;
        pcap_t *pc = open_capture(file, errbuf);

        if (!pc)
                return; /* snoop, netmon, broken headers: libpcap declines, test_corpus_sweep counts
                           them */
        int dlt = pcap_datalink(pc);
        while (pcap_next_ex(pc, &h, &data) == 1)
                collect_packet(file, ++no, dlt, data, h->caplen, h->len);
        pcap_close(pc);
}

static int
setup(void **state)
{
        FILE *f = fopen(tu_corpus("index.tsv"), "r");
        char line[8192];
        struct timespec t0, t1;

        (void)state;
        if (!f) {
                printf("SKIP: no corpus index at %s (set PKTD_CORPUS_DIR)\n",
                       tu_corpus("index.tsv"));
                exit(77);
        }
        S = calloc(1, sizeof(*S));
        assert_non_null(S);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (bool is_header = true; fgets(line, sizeof(line), f); is_header = false) {
                char *tab = strchr(line, '\t');
                if (is_header || !tab)
                        continue;
                *tab = 0;
                sweep_file(line);
        }
        fclose(f);
        for (unsigned i = 0; i < S->n_keys; i++)
                sweep_packet(&S->keys[i]);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        S->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("truncation sweep: %lu packets read, %lu swept (the shortest per link type and "
               "stack, %u stacks), %lu prefixes, %lu cut headers, %.1f s\n",
               S->packets_seen, S->packets_swept, S->n_keys, S->prefixes, S->cut_layers,
               S->seconds);
        return 0;
}

static int
teardown(void **state)
{
        (void)state;
        for (unsigned i = 0; i < S->n_keys; i++)
                free(S->keys[i].data);
        free(S);
        return 0;
}

static void
test_truncation_sweep_covers_the_corpus(void **state)
{
        (void)state;
        assert_true(S->packets_swept > 0 && S->prefixes > S->packets_swept && S->cut_layers > 0);
}

static void
test_truncation_every_prefix_stays_inside_its_bytes(void **state)
{
        (void)state;
        assert_none(&S->bounds, "a layer lies outside the prefix or the layer below it");
}

static void
test_truncation_cut_header_is_flagged_truncated(void **state)
{
        (void)state;
        assert_none(&S->not_truncated, "a header the snap length cut is not flagged truncated");
}

static void
test_truncation_never_makes_a_layer_malformed(void **state)
{
        (void)state;
        assert_none(&S->malformed, "a prefix flags malformed a layer the whole packet did not");
}

static void
test_truncation_whole_header_keeps_its_length(void **state)
{
        (void)state;
        assert_none(&S->hdr_len, "a header inside the prefix dissects to another length");
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_truncation_sweep_covers_the_corpus),
                cmocka_unit_test(test_truncation_every_prefix_stays_inside_its_bytes),
                cmocka_unit_test(test_truncation_cut_header_is_flagged_truncated),
                cmocka_unit_test(test_truncation_never_makes_a_layer_malformed),
                cmocka_unit_test(test_truncation_whole_header_keeps_its_length),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
