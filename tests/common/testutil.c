/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <pkt/proto.h>

#include "testutil.h"

const char *
tu_corpus(const char *rel)
{
        static char path[4096];
        const char *dir = getenv("PKTD_CORPUS_DIR");
        snprintf(path, sizeof(path), "%s/%s", dir ? dir : PKTD_CORPUS_DIR, rel);
        return path;
}

const char *
tu_source(const char *rel)
{
        static char path[4096];
        snprintf(path, sizeof(path), "%s/%s", PKTD_SOURCE_DIR, rel);
        return path;
}

size_t
tu_hex(const char *hex, uint8_t *out, size_t size)
{
        size_t n = 0;
        while (*hex) {
                if (isspace((unsigned char)*hex) || *hex == ':') {
                        hex++;
                        continue;
                }
                unsigned v;
                assert_true(isxdigit((unsigned char)hex[0]) && isxdigit((unsigned char)hex[1]));
                assert_int_equal(sscanf(hex, "%2x", &v), 1);
                assert_true(n < size);
                out[n++] = (uint8_t)v;
                hex += 2;
        }
        return n;
}

size_t
tu_build(struct pkt *p, const char *spec, const uint8_t **ret_data)
{
        char err[256];
        int r = pkt_build(p, spec, err, sizeof(err));
        if (r < 0)
                fail_msg("pkt_build(%s): %d: %s", spec, r, err);
        r = pkt_serialize(p, 0, ret_data);
        assert_true(r >= 0);
        return (size_t)r;
}

static void
dump(const char *what, const uint8_t *b, size_t n)
{
        fprintf(stderr, "%s (%zu bytes):", what, n);
        for (size_t i = 0; i < n; i++)
                fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", b[i]);
        fprintf(stderr, "\n");
}

void
tu_assert_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
        if (got_len == want_len && memcmp(got, want, got_len) == 0)
                return;
        dump("got", got, got_len);
        dump("want", want, want_len);
        for (size_t i = 0; i < got_len && i < want_len; i++)
                if (got[i] != want[i]) {
                        fail_msg("bytes differ first at offset %zu", i);
                }
        fail_msg("lengths differ: got %zu, want %zu", got_len, want_len);
}

char *
tu_run(const char *cmd, int *ret_status)
{
        FILE *f = popen(cmd, "r");
        size_t cap = 4096, len = 0;
        char *buf = malloc(cap);
        if (!f || !buf) {
                free(buf);
                if (f)
                        pclose(f);
                return NULL;
        }
        for (;;) {
                if (cap - len < 2048) {
                        cap *= 2;
                        char *nb = realloc(buf, cap);
                        if (!nb) {
                                free(buf);
                                pclose(f);
                                return NULL;
                        }
                        buf = nb;
                }
                size_t n = fread(buf + len, 1, cap - len - 1, f);
                if (n == 0)
                        break;
                len += n;
        }
        buf[len] = 0;
        int st = pclose(f);
        if (ret_status)
                *ret_status = st;
        return buf;
}

int
tu_have(const char *prog)
{
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
        return system(cmd) == 0;
}

const char *
tu_field(struct pkt *p, unsigned idx, const char *name)
{
        static char buf[2048];
        int r = pkt_field_get_str(p, idx, name, buf, sizeof(buf));
        if (r < 0)
                fail_msg("field %s of layer %u: %d", name, idx, r);
        return buf;
}

int
tu_layer_of(struct pkt *p, unsigned proto)
{
        int i = pkt_layer_find(p, proto, 0);

        if (i < 0)
                fail_msg("no layer %u", proto);
        return i;
}

const char *
tu_elem_str(struct pkt *p, int i, const char *set, unsigned nth, const char *name)
{
        static char s[512]; /* an IPv6 group's 7 sources: 280 hex digits */
        unsigned k = 0;

        assert_true(i > 0);
        PKT_ELEM_FOREACH(p, (unsigned)i, set, e)
        {
                if (k++ == nth) {
                        assert_true(pkt_elem_get_str(p, (unsigned)i, &e, name, s, sizeof(s)) >= 0);
                        return s;
                }
        }
        fail_msg("%s: no element %u", set, nth);
        return NULL;
}

unsigned
tu_elem_count(struct pkt *p, int i, const char *set, uint16_t *ret_flags)
{
        uint16_t flags = 0;
        unsigned n = 0;

        PKT_ELEM_FOREACH(p, (unsigned)i, set, e)
        {
                flags |= e.flags;
                n++;
        }
        if (ret_flags)
                *ret_flags = flags;
        return n;
}

void
tu_load_frame(const char *rel, unsigned no, struct tu_frame *f)
{
        char err[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h = NULL;
        const u_char *data;
        pcap_t *pc = pcap_open_offline(tu_corpus(rel), err);
        unsigned i = 0;

        if (!pc)
                fail_msg("%s: %s", rel, err);
        while (pcap_next_ex(pc, &h, &data) == 1)
                if (++i == no)
                        break;
        if (i != no || !h || h->caplen > TU_FRAME_MAX)
                fail_msg("%s: no frame %u of at most %d bytes", rel, no, TU_FRAME_MAX);
        f->dlt = pcap_datalink(pc);
        f->caplen = h->caplen;
        f->wire_len = h->len;
        memcpy(f->data, data, h->caplen);
        pcap_close(pc);
}

void
tu_parse_frame(struct pkt *p, const struct tu_frame *f)
{
        pkt_init(p);
        assert_int_equal(pkt_parse_dlt(p, f->dlt, f->data, f->caplen, f->wire_len), 0);
        pkt_dissect_all(p);
}

int
tu_discard(void *ctx, const char *text, size_t len)
{
        (void)ctx;
        (void)text;
        (void)len;
        return 0;
}

/* Walks every element of every set of layer @idx: each walk ends, and within a bound. */
static void
walk_elements(struct pkt *p, unsigned idx)
{
        const struct pkt_proto *pr = pkt_proto_get(p->layers[idx].proto);

        for (unsigned s = 0; pr && s < pr->n_elems; s++) {
                struct pkt_elem e = PKT_ELEM_INIT;
                unsigned guard = 0;
                while (pkt_elem_next_idx(p, idx, s, &e) == 1)
                        assert_true(++guard < 100000);
        }
}

void
tu_sweep_prefixes(const struct tu_frame *f)
{
        struct pkt full, p;

        tu_parse_frame(&full, f);
        for (uint32_t n = 0; n <= f->caplen; n++) {
                pkt_init(&p);
                assert_int_equal(pkt_parse_dlt(&p, f->dlt, f->data, n, f->wire_len), 0);
                unsigned count = pkt_dissect_all(&p);
                for (unsigned i = 0; i < count; i++) {
                        const struct pkt_layer *l = &p.layers[i], *w = &full.layers[i];
                        assert_true(l->off + l->len <= n);
                        assert_true(l->hdr_len <= l->len);
                        if (i < full.n_layers && w->proto == l->proto && l->proto != PKT_PROTO_RAW &&
                            w->off < n && w->off + w->hdr_len > n &&
                            !(l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                                fail_msg("prefix %u: layer %u (%s) cut but not flagged", n, i,
                                         pkt_proto_name(l->proto));
                        walk_elements(&p, i);
                }
                assert_int_equal(pkt_print(&p, tu_discard, NULL), 0);
                pkt_done(&p);
        }
        pkt_done(&full);
}

uint16_t
tu_flags_done(struct pkt *p, int idx, const char *set, unsigned *ret_count)
{
        uint16_t flags;

        /* Counted first: a layer whose elements are checked as they are walked (DNS's, NBNS's records)
         * is flagged by the walk. */
        *ret_count = set ? tu_elem_count(p, idx, set, NULL) : 0;
        flags = p->layers[idx].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED);
        assert_int_equal(pkt_print(p, tu_discard, NULL), 0);
        pkt_done(p);
        return flags;
}

size_t
tu_build_parse(const char *spec, unsigned first, uint32_t cut, uint8_t *buf, size_t size, struct pkt *p)
{
        const uint8_t *d;
        struct pkt built;

        pkt_init(&built);
        size_t n = tu_build(&built, spec, &d);
        assert_true(n <= size && cut <= n);
        memcpy(buf, d, n);
        pkt_done(&built);
        pkt_init(p);
        assert_int_equal(pkt_parse(p, first, buf, n - cut, n), 0);
        return n;
}

unsigned
tu_guessed_over_udp(const char *hex)
{
        static char spec[2 * TU_FRAME_MAX + 256];
        static uint8_t b[TU_FRAME_MAX];
        struct pkt p;

        assert_true((size_t)snprintf(spec, sizeof(spec),
                                     "ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=40000,dport=40002)/"
                                     "raw(hex=%s)",
                                     hex) < sizeof(spec));
        tu_build_parse(spec, PKT_PROTO_IP, 0, b, sizeof(b), &p);
        pkt_dissect_all(&p);
        unsigned proto = p.n_layers > 2 ? p.layers[2].proto : PKT_PROTO_NONE;
        pkt_done(&p);
        return proto;
}

bool
tu_answers(const char *req_spec, const char *rep_spec, unsigned first)
{
        static uint8_t a[TU_FRAME_MAX], b[TU_FRAME_MAX];
        struct pkt req, rep;

        tu_build_parse(req_spec, first, 0, a, sizeof(a), &req);
        tu_build_parse(rep_spec, first, 0, b, sizeof(b), &rep);
        bool r = pkt_answers(&req, &rep);
        pkt_done(&req);
        pkt_done(&rep);
        return r;
}

uint16_t
tu_flags_in(const char *carrier, const char *hex, unsigned first, uint32_t cut, unsigned proto,
            const char *set, unsigned *ret_count)
{
        static uint8_t b[TU_FRAME_MAX];
        static char spec[2 * TU_FRAME_MAX + 256];
        struct pkt p;

        assert_true((size_t)snprintf(spec, sizeof(spec), "%s/raw(hex=%s)", carrier, hex) < sizeof(spec));
        tu_build_parse(spec, first, cut, b, sizeof(b), &p);
        pkt_dissect_all(&p);
        return tu_flags_done(&p, tu_layer_of(&p, proto), set, ret_count);
}

uint64_t
tu_field_u64(struct pkt *p, unsigned idx, const char *name)
{
        uint64_t v = 0;
        int r = pkt_field_get_u64(p, idx, name, &v);

        if (r < 0)
                fail_msg("field %s of layer %u: %d", name, idx, r);
        return v;
}

void
tu_assert_builds(const char *spec, const char *want_hex)
{
        uint8_t want[TU_FRAME_MAX];
        const uint8_t *d;
        struct pkt p;

        pkt_init(&p);
        size_t n = tu_build(&p, spec, &d);
        size_t wn = tu_hex(want_hex, want, sizeof(want));
        tu_assert_bytes(d, n, want, wn);
        pkt_done(&p);
}

char *
tu_pktctl(const char *env, const char *args, int with_stderr, int *ret_code)
{
        char cmd[8192];
        int status = -1;

        snprintf(cmd, sizeof(cmd), "%s %s/tools/pktctl %s %s", env, PKTD_BINARY_DIR, args,
                 with_stderr ? "2>&1" : "2>/dev/null");
        char *out = tu_run(cmd, &status);
        assert_non_null(out);
        assert_true(WIFEXITED(status));
        *ret_code = WEXITSTATUS(status);
        return out;
}
