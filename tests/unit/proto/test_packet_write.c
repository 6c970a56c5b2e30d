/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktp_packet_write(): for every packet of several corpus captures the output parses with json-c
 * (strict, UTF-8 validated) and gives back what libpkt reads from the packet: the layer names in
 * order, the flags, every header field's value (numbers, addresses, hex bytes), the element counts;
 * the envelope's caplen and len; the buffer's cap is honoured; and a second pass over a capture
 * allocates nothing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <pkt/pcap.h>
#include <pkt/proto.h>
#include <pktp/packet.h>

#include "testutil.h"

static struct json_object *
parse_strict(const char *text, size_t len)
{
        struct json_tokener *tok = json_tokener_new();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        struct json_object *o = json_tokener_parse_ex(tok, text, (int)len);
        if (!o || json_tokener_get_error(tok) != json_tokener_success)
                fail_msg("the writer's JSON does not parse: %.400s", text);
        json_tokener_free(tok);
        return o;
}

static void
hex_of(const uint8_t *b, size_t n, char *out)
{
        for (size_t i = 0; i < n; i++)
                sprintf(out + 2 * i, "%02x", b[i]);
        out[2 * n] = 0;
}

/* One header field of layer @idx against its JSON value. */
static void
check_field(struct pkt *p, unsigned idx, const struct pkt_field *f, struct json_object *v, const char *what)
{
        uint64_t u;
        const uint8_t *bytes;
        size_t n;

        if (json_object_is_type(v, json_type_int)) {
                assert_int_equal(pkt_field_get_u64(p, idx, f->name, &u), 0);
                if (f->flags & PKT_FF_SIGNED && json_object_get_int64(v) < 0) {
                        uint64_t mask = f->bits < 64 ? (UINT64_C(1) << f->bits) - 1 : UINT64_MAX;
                        assert_int_equal((uint64_t)json_object_get_int64(v) & mask, u);
                } else if (json_object_get_uint64(v) != u) {
                        fail_msg("%s %s: JSON %llu, packet %llu", what, f->name,
                                 (unsigned long long)json_object_get_uint64(v), (unsigned long long)u);
                }
                return;
        }
        assert_true(json_object_is_type(v, json_type_string));
        const char *s = json_object_get_string(v);
        if (f->type == PKT_FT_BYTES) {
                assert_int_equal(pkt_field_get_bytes(p, idx, f->name, &bytes, &n), 0);
                char *hex = malloc(2 * n + 1);
                assert_non_null(hex);
                hex_of(bytes, n, hex);
                if (strcmp(hex, s) != 0)
                        fail_msg("%s %s: JSON %.80s, packet %.80s", what, f->name, s, hex);
                free(hex);
        } else if (f->type == PKT_FT_MAC || f->type == PKT_FT_IPV4 || f->type == PKT_FT_IPV6 ||
                   f->type == PKT_FT_DNSNAME) {
                char text[1024];
                assert_true(pkt_field_get_str(p, idx, f->name, text, sizeof(text)) >= 0);
                if (strcmp(text, s) != 0)
                        fail_msg("%s %s: JSON %s, packet %s", what, f->name, s, text);
        } else if (f->type == PKT_FT_STRING) {
                /* Each byte is one code point: as many code points as the field has bytes. */
                assert_int_equal(pkt_field_get_bytes(p, idx, f->name, &bytes, &n), 0);
                size_t cps = 0;
                for (const unsigned char *c = (const unsigned char *)s; *c; c++)
                        cps += (*c & 0xc0) != 0x80;
                if (cps != n && n < 1000)
                        fail_msg("%s %s: %zu code points for %zu bytes", what, f->name, cps, n);
        }
}

static unsigned
count_elems(struct pkt *p, unsigned idx, const char *set)
{
        unsigned n = 0;
        PKT_ELEM_FOREACH(p, idx, set, e)
        n++;
        return n;
}

/* A layer with no header where its protocol's usually has one: a segment continuing a TLS record or
 * an NBSS message. */
static bool
is_continuation(const struct pkt_layer *l)
{
        const struct pkt_proto *pr = pkt_proto_get(l->proto);

        return l->hdr_len == 0 && !(l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)) &&
               pr->min_hdr_len == 0 && pr->def_hdr_len > 0;
}

static void
check_layer(struct pkt *p, unsigned idx, struct json_object *lo, const char *what)
{
        const struct pkt_layer *l = pkt_layer(p, idx);
        const struct pkt_proto *pr = pkt_proto_get(l->proto);
        struct json_object *v;

        assert_true(json_object_is_type(lo, json_type_object));
        assert_true(json_object_object_get_ex(lo, "layer", &v));
        assert_string_equal(json_object_get_string(v), pr->name);
        assert_int_equal(json_object_object_get_ex(lo, "truncated", NULL), !!(l->flags & PKT_LAYER_TRUNCATED));
        assert_int_equal(json_object_object_get_ex(lo, "malformed", NULL), !!(l->flags & PKT_LAYER_MALFORMED));
        assert_int_equal(json_object_object_get_ex(lo, "continuation", NULL), is_continuation(l));
        /* The encoding switch is there, off, exactly when the layer is kept as written. */
        const char *sw = pkt_proto_encoding_switch(l->proto);
        assert_int_equal(sw && json_object_object_get_ex(lo, sw, &v), pkt_layer_is_as_written(p, idx));
        if (sw && json_object_object_get_ex(lo, sw, &v))
                assert_true(json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v));
        json_object_object_foreach(lo, key, val) {
                if (!strcmp(key, "layer") || !strcmp(key, "truncated") || !strcmp(key, "malformed") ||
                    !strcmp(key, "continuation") || (sw && !strcmp(key, sw)))
                        continue;
                if (!strcmp(key, "padding")) {
                        size_t n;
                        const uint8_t *t = pkt_layer_trailer(p, idx, &n);
                        static char hex[2 * 65536 + 1];
                        assert_true(t && n > 0 && n <= 65536);
                        for (size_t k = 0; k < n; k++)
                                snprintf(hex + 2 * k, 3, "%02x", t[k]);
                        assert_string_equal(json_object_get_string(val), hex);
                        continue;
                }
                if (json_object_is_type(val, json_type_array)) {
                        assert_int_equal(json_object_array_length(val), count_elems(p, idx, key));
                        continue;
                }
                int k = pkt_field_index(l->proto, key);
                if (k < 0)
                        fail_msg("%s: layer %s has no field %s", what, pr->name, key);
                check_field(p, idx, &pr->fields[k], val, what);
        }
}

struct pass {
        unsigned packets, layers, fields;
};

static struct pass
check_capture(const char *rel, struct pktp_buf *b)
{
        struct pkt_pcap *r;
        struct pkt_pcap_rec rec;
        struct pkt p;
        struct pass st = { 0 };

        assert_int_equal(pkt_pcap_open(tu_corpus(rel), &r), 0);
        pkt_init(&p);
        while (pkt_pcap_next(r, &rec) == 1) {
                char what[256];
                struct json_object *o, *v, *layers;
                snprintf(what, sizeof(what), "%s #%u", rel, st.packets + 1);
                assert_int_equal(pkt_parse_dlt(&p, rec.linktype, rec.data, rec.caplen, rec.wire_len), 0);
                pktp_buf_reset(b);
                assert_int_equal(pktp_packet_write(b, &p), 0);
                assert_int_equal(strlen(b->data), b->len);
                o = parse_strict(b->data, b->len);
                assert_true(json_object_object_get_ex(o, "caplen", &v));
                assert_int_equal(json_object_get_int64(v), rec.caplen);
                assert_true(json_object_object_get_ex(o, "len", &v));
                assert_int_equal(json_object_get_int64(v), rec.wire_len);
                assert_true(json_object_object_get_ex(o, "layers", &layers));
                assert_int_equal(json_object_array_length(layers), p.n_layers);
                for (unsigned i = 0; i < p.n_layers; i++) {
                        struct json_object *lo = json_object_array_get_idx(layers, i);
                        check_layer(&p, i, lo, what);
                        st.fields += (unsigned)json_object_object_length(lo);
                }
                st.layers += p.n_layers;
                st.packets++;
                json_object_put(o);
        }
        pkt_done(&p);
        pkt_pcap_close(r);
        return st;
}

static const char *const captures[] = {
        "dpkt/dns_icmp.pcap",
        "dpkt/http.pcap",
        "pypacker/examples__packets_ether.pcap",
        "packetnet/ipv6_ndp.pcap",
        "pcapplusplus/PcapExamples__DnsPackets.pcap",
        "suricata-verify/ethernet-eve__test.pcap",
        "ndpi/dns_fragmented.pcap",
        "pcapplusplus/PcapExamples__IgmpPackets.pcap",
        "dpkt/truncated_dns.pcap",
};

static void
test_every_corpus_packet_parses_back_to_its_layers_and_field_values(void **state)
{
        struct pktp_buf b;

        (void)state;
        pktp_buf_init(&b, 64u << 20);
        for (size_t i = 0; i < sizeof(captures) / sizeof(captures[0]); i++) {
                struct pass st = check_capture(captures[i], &b);
                assert_true(st.packets > 0);
                printf("# %s: %u packets, %u layers, %u members checked\n", captures[i], st.packets, st.layers,
                       st.fields);
        }
        pktp_buf_done(&b);
}

/* Once the buffer has grown to the largest packet, writing the capture again allocates nothing. */
static void
test_a_second_pass_reuses_the_buffer(void **state)
{
        struct pktp_buf b;

        (void)state;
        pktp_buf_init(&b, 64u << 20);
        check_capture("dpkt/http.pcap", &b);
        char *mem = b.data;
        size_t cap = b.cap;
        check_capture("dpkt/http.pcap", &b);
        assert_ptr_equal(b.data, mem);
        assert_int_equal(b.cap, cap);
        pktp_buf_done(&b);
}

static void
test_layers_alone_and_the_cap(void **state)
{
        struct pktp_buf b;
        struct pkt p;
        const uint8_t *d;

        (void)state;
        pkt_init(&p);
        tu_build(&p, "ip(src=192.0.2.1,dst=192.0.2.2,ttl=7)/udp(sport=1,dport=2)/raw(\"a\\\"b\\n\")", &d);
        pktp_buf_init(&b, 4096);
        assert_int_equal(pktp_packet_write_layers(&b, &p), 0);
        assert_true(b.data[0] == '[' && b.data[b.len - 1] == ']');
        /* pypacker's names: the combined field, then its parts */
        assert_non_null(strstr(b.data, "{\"layer\":\"ip\",\"v_hl\":69,\"v\":4,\"hl\":5,"));
        assert_non_null(strstr(b.data, "\"ttl\":7,"));
        assert_non_null(strstr(b.data, "\"src\":\"192.0.2.1\""));
        assert_non_null(strstr(b.data, "{\"layer\":\"raw\",\"data\":\"6122620a\"}]"));
        struct json_object *o = parse_strict(b.data, b.len);
        assert_int_equal(json_object_array_length(o), 3);
        json_object_put(o);

        /* A cap too small for the packet: the sticky error, and what was written stays terminated. */
        size_t full = b.len;
        for (size_t max = 0; max < full; max += 7) {
                struct pktp_buf small;
                pktp_buf_init(&small, max);
                assert_int_equal(pktp_packet_write(&small, &p), -EMSGSIZE);
                assert_true(small.len <= max);
                if (small.data)
                        assert_int_equal(strlen(small.data), small.len);
                pktp_buf_done(&small);
        }
        /* An error already in the buffer is returned and nothing is written. */
        pktp_buf_reset(&b);
        b.err = -ENOMEM;
        assert_int_equal(pktp_packet_write_layers(&b, &p), -ENOMEM);
        assert_int_equal(b.len, 0);
        pktp_buf_done(&b);
        pkt_done(&p);
}

/* ---- the reference: the visitor-driven writer pktctl had (tools/pktctl/json.c before the move) ---- */

struct ref {
        struct pktp_buf *b;
        struct pkt *p;
        unsigned layer_idx, n_layers;
        bool need_comma;
        /* Bytes past the header are the upper layers' or the padding's: where the current layer's
         * header ends (NULL when it is all of the layer), and whether the element begins in it. */
        const uint8_t *hdr_end;
        bool elem_in_hdr;
};

static int
ref_hexval(char c)
{
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static size_t
ref_unescape(char *s)
{
        size_t o = 0;
        for (size_t i = 0; s[i]; i++) {
                if (s[i] != '\\' || !s[i + 1]) {
                        s[o++] = s[i];
                        continue;
                }
                char e = s[++i];
                if (e == 'r')
                        s[o++] = '\r';
                else if (e == 'n')
                        s[o++] = '\n';
                else if (e == 't')
                        s[o++] = '\t';
                else if (e == 'x' && ref_hexval(s[i + 1]) >= 0 && ref_hexval(s[i + 2]) >= 0) {
                        s[o++] = (char)(ref_hexval(s[i + 1]) << 4 | ref_hexval(s[i + 2]));
                        i += 2;
                } else
                        s[o++] = e;
        }
        return o;
}

static void
ref_value(struct ref *c, const struct pkt_value *v)
{
        size_t len = strlen(v->text);
        if (v->is_int) {
                bool is_neg = v->is_signed && v->bits > 0 && v->bits <= 64 && (v->u >> (v->bits - 1)) & 1;
                if (is_neg && v->bits < 64)
                        pktp_buf_printf(c->b, "%lld", (long long)(v->u | ~((UINT64_C(1) << v->bits) - 1)));
                else if (is_neg)
                        pktp_buf_printf(c->b, "%lld", (long long)v->u);
                else
                        pktp_buf_printf(c->b, "%llu", (unsigned long long)v->u);
                return;
        }
        if (v->type == PKT_FT_BYTES && v->bytes) {
                pktp_buf_putc(c->b, '"');
                for (size_t i = 0; i < v->n_bytes; i++)
                        pktp_buf_printf(c->b, "%02x", v->bytes[i]);
                pktp_buf_putc(c->b, '"');
                return;
        }
        if (v->type == PKT_FT_STRING && v->bytes) {
                pktp_buf_json_str(c->b, (const char *)v->bytes, v->n_bytes);
                return;
        }
        if (v->type == PKT_FT_STRING) {
                char buf[1024];
                snprintf(buf, sizeof(buf), "%s", v->text);
                pktp_buf_json_str(c->b, buf, ref_unescape(buf));
                return;
        }
        pktp_buf_json_str(c->b, v->text, len);
}

static void
ref_member(struct ref *c, const char *key)
{
        if (c->need_comma)
                pktp_buf_putc(c->b, ',');
        c->need_comma = true;
        pktp_buf_json_str(c->b, key, strlen(key));
        pktp_buf_putc(c->b, ':');
}

static void
ref_flag(struct ref *c, const char *key)
{
        ref_member(c, key);
        pktp_buf_puts(c->b, "true");
}

static int
ref_event(void *ctx, enum pkt_visit_event ev, const char *name, const struct pkt_layer *l,
          const struct pkt_value *v)
{
        struct ref *c = ctx;
        switch (ev) {
        case PKT_VISIT_LAYER_BEGIN:
                if (c->n_layers++)
                        pktp_buf_putc(c->b, ',');
                c->layer_idx = (unsigned)(l - c->p->layers);
                c->hdr_end = l->hdr_len < l->len ? c->p->data + l->off + l->hdr_len : NULL;
                pktp_buf_puts(c->b, "{\"layer\":");
                pktp_buf_json_str(c->b, name, strlen(name));
                if (l->flags & PKT_LAYER_TRUNCATED)
                        pktp_buf_puts(c->b, ",\"truncated\":true");
                if (l->flags & PKT_LAYER_MALFORMED)
                        pktp_buf_puts(c->b, ",\"malformed\":true");
                if (is_continuation(l))
                        pktp_buf_puts(c->b, ",\"continuation\":true");
                if (pkt_layer_is_as_written(c->p, c->layer_idx))
                        pktp_buf_printf(c->b, ",\"%s\":false", pkt_proto_encoding_switch(l->proto));
                c->need_comma = true;
                break;
        case PKT_VISIT_FIELD:
                if (c->elem_in_hdr && c->hdr_end && !v->is_int && v->bytes && v->n_bytes && v->bytes >= c->hdr_end)
                        break; /* an element's bytes past the header: the next layer's */
                ref_member(c, name);
                ref_value(c, v);
                break;
        case PKT_VISIT_SET_BEGIN:
                ref_member(c, name);
                pktp_buf_putc(c->b, '[');
                c->need_comma = false;
                break;
        case PKT_VISIT_ELEM_BEGIN:
                if (c->need_comma)
                        pktp_buf_putc(c->b, ',');
                pktp_buf_putc(c->b, '{');
                c->need_comma = false;
                if (v->u & PKT_LAYER_TRUNCATED)
                        ref_flag(c, "truncated");
                if (v->u & (PKT_LAYER_MALFORMED | PKT_ELEM_BAD_LEN))
                        ref_flag(c, "malformed");
                /* Unflagged: past the header it is marked, begun in it its bytes past it are left out. */
                c->elem_in_hdr = false;
                if (c->hdr_end && !(v->u & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED | PKT_ELEM_BAD_LEN))) {
                        if (v->bytes >= c->hdr_end)
                                ref_flag(c, "beyond_header");
                        else
                                c->elem_in_hdr = true;
                }
                break;
        case PKT_VISIT_ELEM_END:
                pktp_buf_putc(c->b, '}');
                c->need_comma = true;
                c->elem_in_hdr = false;
                break;
        case PKT_VISIT_SET_END:
                pktp_buf_putc(c->b, ']');
                c->need_comma = true;
                break;
        case PKT_VISIT_LAYER_END: {
                size_t n;
                const uint8_t *t = pkt_layer_trailer(c->p, c->layer_idx, &n);
                if (t && n > 0) {
                        pktp_buf_puts(c->b, ",\"padding\":\"");
                        for (size_t k = 0; k < n; k++)
                                pktp_buf_printf(c->b, "%02x", t[k]);
                        pktp_buf_putc(c->b, '"');
                }
                pktp_buf_putc(c->b, '}');
                break;
        }
        }
        return 0;
}

/* Corpus files of at most this many packets: every kind of capture, in a test that stays short. */
#define SAME_AS_REF_MAX_PACKETS 3000

/*
 * The writer's direct path must print what the visitor-driven writer printed, byte for byte
 * (pktctl read --json's output did not change when the writer moved here): every packet of every
 * classic and pcapng corpus capture up to SAME_AS_REF_MAX_PACKETS packets.
 */
static void
test_output_is_byte_identical_to_the_visitor_writer_on_the_corpus(void **state)
{
        char line[4096];
        FILE *idx = fopen(tu_corpus("index.tsv"), "r");
        struct pktp_buf got, want;
        unsigned files = 0, packets = 0;
        struct pkt p;

        (void)state;
        assert_non_null(idx);
        pktp_buf_init(&got, 64u << 20);
        pktp_buf_init(&want, 64u << 20);
        pkt_init(&p);
        assert_non_null(fgets(line, sizeof(line), idx)); /* the header */
        while (fgets(line, sizeof(line), idx)) {
                char *cols[6] = { line };
                for (int i = 1; i < 6 && cols[i - 1]; i++) {
                        cols[i] = strchr(cols[i - 1], '\t');
                        if (cols[i])
                                *cols[i]++ = '\0';
                }
                if (!cols[5] || strtoul(cols[5], NULL, 10) > SAME_AS_REF_MAX_PACKETS)
                        continue;
                struct pkt_pcap *r;
                if (pkt_pcap_open(tu_corpus(cols[0]), &r) < 0)
                        continue; /* gzip, snoop, ...: nothing to compare */
                struct pkt_pcap_rec rec;
                while (pkt_pcap_next(r, &rec) == 1) {
                        struct ref c = { .b = &want, .p = &p };
                        assert_int_equal(pkt_parse_dlt(&p, rec.linktype, rec.data, rec.caplen, rec.wire_len), 0);
                        pktp_buf_reset(&got);
                        pktp_buf_reset(&want);
                        assert_int_equal(pktp_packet_write_layers(&got, &p), 0);
                        /* A fresh parse for the reference: the writer may have dissected further. */
                        assert_int_equal(pkt_parse_dlt(&p, rec.linktype, rec.data, rec.caplen, rec.wire_len), 0);
                        pktp_buf_putc(&want, '[');
                        assert_int_equal(pkt_visit(&p, ref_event, &c), 0);
                        pktp_buf_putc(&want, ']');
                        assert_int_equal(want.err, 0);
                        if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
                                fail_msg("%s packet %u differs:\n got  %.600s\n want %.600s", cols[0], packets + 1,
                                         got.data, want.data);
                        packets++;
                }
                pkt_pcap_close(r);
                files++;
        }
        fclose(idx);
        pkt_done(&p);
        pktp_buf_done(&got);
        pktp_buf_done(&want);
        printf("# %u packets of %u captures written byte-identical to the visitor writer\n", packets, files);
        assert_true(files > 1000);
}

/* Writes @n bytes at @d (from Ethernet) both ways and fails unless the bytes are the same. */
static void
assert_same_as_visitor(const uint8_t *d, size_t n, const char *what)
{
        struct pktp_buf got, want;
        struct pkt p;

        pkt_init(&p);
        pktp_buf_init(&got, 1u << 20);
        pktp_buf_init(&want, 1u << 20);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, d, n, n), 0);
        assert_int_equal(pktp_packet_write_layers(&got, &p), 0);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, d, n, n), 0);
        struct ref c = { .b = &want, .p = &p };
        pktp_buf_putc(&want, '[');
        assert_int_equal(pkt_visit(&p, ref_event, &c), 0);
        pktp_buf_putc(&want, ']');
        if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
                fail_msg("%s differs:\n got  %s\n want %s", what, got.data, want.data);
        pktp_buf_done(&got);
        pktp_buf_done(&want);
        pkt_done(&p);
}

/* An Ethernet/IPv4/TCP frame to port 80 carrying @payload (@n bytes) into @out; returns its length. */
static size_t
http_frame(const char *payload, size_t n, uint8_t *out)
{
        static const uint8_t head[54] = {
                0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
                0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
                0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
        };
        memcpy(out, head, sizeof(head));
        memcpy(out + sizeof(head), payload, n);
        out[16] = (uint8_t)((20 + 20 + n) >> 8);
        out[17] = (uint8_t)(20 + 20 + n);
        return sizeof(head) + n;
}

/*
 * The direct writer's edges against the visitor writer: string values around the length at which
 * the visitor's escaped text is cut for people (every byte 0x01 is 4 characters of it: 250 bytes fit
 * the fast path, 251 and more take the by-name path, whole), and IPv6 addresses in every form
 * inet_ntop() has (compressed runs, IPv4-mapped and -compatible, no run, trailing run).
 */
static void
test_direct_writer_edges_match_the_visitor(void **state)
{
        static uint8_t frame[8192];
        static char payload[4096];
        const size_t lens[] = { 0, 1, 249, 250, 251, 255, 256, 257, 600, 1000, 1001, 1500 };

        (void)state;
        for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
                char what[64];
                int n = snprintf(payload, sizeof(payload), "GET / HTTP/1.1\r\nX-Ctl: ");
                memset(payload + n, 0x01, lens[i]);
                n += (int)lens[i];
                n += snprintf(payload + n, sizeof(payload) - (size_t)n, "\r\nHost: a\"b\\c\r\n\r\n");
                snprintf(what, sizeof(what), "header of %zu control bytes", lens[i]);
                assert_same_as_visitor(frame, http_frame(payload, (size_t)n, frame), what);
        }

        const char *addrs[] = { "::", "::1", "::ffff:192.0.2.1", "::192.0.2.1", "1::", "2001:db8::",
                                "2001:db8:0:1:0:0:0:1", "1:0:0:1:0:0:0:1", "fe80::1:0:0:0",
                                "1:2:3:4:5:6:7:8", "0:0:1::", "::ffff:0:1", "1:0:2:0:3:0:4:0" };
        for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
                char spec[256];
                struct pkt built;
                const uint8_t *d;
                snprintf(spec, sizeof(spec), "ethernet/ip6(src=%s,dst=%s)/udp(sport=1,dport=2)", addrs[i],
                         addrs[(i + 1) % (sizeof(addrs) / sizeof(addrs[0]))]);
                pkt_init(&built);
                size_t n = tu_build(&built, spec, &d);
                assert_same_as_visitor(d, n, spec);
                pkt_done(&built);
        }

        /* Character-strings, counted by the byte before them, whole and cut by the capture at every
         * length (the count's own byte, inside the string, at its end). */
        static const char dns_spec[] = "ethernet/ip(src=192.0.2.53,dst=192.0.2.1)/udp(sport=53,dport=3333)/"
                                       "dns(answers=[rr(name=a,type=HINFO,cpu=\"x86\",os=\"Linux\"),"
                                       "rr(name=a,type=CAA,tag=issue,value=\"ca\"),rr(name=a,type=NAPTR,"
                                       "flags=\"U\",services=\"E2U\",regexp=\"\",replacement=b.c)])";
        struct pkt built;
        const uint8_t *d;
        pkt_init(&built);
        size_t n = tu_build(&built, dns_spec, &d);
        for (size_t cut = n - 60; cut <= n; cut++) {
                char what[64];
                snprintf(what, sizeof(what), "DNS character-strings, %zu of %zu bytes", cut, n);
                assert_same_as_visitor(d, cut, what);
        }
        pkt_done(&built);
}

/* Threads writing the same packets while the plans are first made: each gets the same bytes. */
#define RACE_THREADS 4

struct race {
        pthread_barrier_t *start;
        char path[4096]; /* tu_corpus()'s buffer is static: resolved before the threads start */
        struct pktp_buf out; /* every packet's layers, one after another */
};

static void *
race_run(void *arg)
{
        struct race *r = arg;
        struct pkt_pcap *pc;
        struct pkt_pcap_rec rec;
        struct pkt p;

        pkt_init(&p);
        pthread_barrier_wait(r->start);
        if (pkt_pcap_open(r->path, &pc) == 0) {
                while (pkt_pcap_next(pc, &rec) == 1)
                        if (pkt_parse_dlt(&p, rec.linktype, rec.data, rec.caplen, rec.wire_len) == 0)
                                pktp_packet_write_layers(&r->out, &p);
                pkt_pcap_close(pc);
        }
        pkt_done(&p);
        return NULL;
}

/* A value longer than the printer's 1 KiB of text is written whole: the 516-byte public key and
 * 512-byte signature of the DNSSEC records in a DNS response (elements), hex digit for digit. */
static void
test_long_element_values_are_written_whole(void **state)
{
        struct tu_frame f;
        struct pktp_buf b;
        struct pkt p;
        unsigned whole = 0;

        (void)state;
        tu_load_frame("ndpi/dns_fragmented.pcap", 2, &f);
        tu_parse_frame(&p, &f);
        int i = pkt_layer_find(&p, PKT_PROTO_DNS, 0);
        assert_true(i >= 0);
        pktp_buf_init(&b, 1u << 20);
        assert_int_equal(pktp_packet_write_layers(&b, &p), 0);
        pktp_buf_putc(&b, 0);
        assert_null(strstr((const char *)b.data, "..."));
        static const char *const sections[] = { "answers", "auths", "addrecords" };
        for (size_t set = 0; set < 3; set++)
                PKT_ELEM_FOREACH(&p, (unsigned)i, sections[set], e) {
                        static const char *const names[] = { "public_key", "signature" };
                        for (size_t k = 0; k < 2; k++) {
                                const uint8_t *d;
                                size_t n;
                                if (pkt_elem_get_bytes(&p, (unsigned)i, &e, names[k], &d, &n) < 0 || n < 512)
                                        continue;
                                char *hex = malloc(2 * n + 3);
                                assert_non_null(hex);
                                hex[0] = '"';
                                for (size_t j = 0; j < n; j++)
                                        snprintf(hex + 1 + 2 * j, 3, "%02x", d[j]);
                                strcpy(hex + 1 + 2 * n, "\"");
                                assert_non_null(strstr((const char *)b.data, hex));
                                free(hex);
                                whole++;
                        }
                }
        assert_true(whole >= 2);
        pktp_buf_done(&b);
        pkt_done(&p);
}

/* Writes packet @d (@caplen of @wire_len bytes, IPv4 first) into @b, NUL-terminated, and returns
 * the text. */
static const char *
write_ip_packet(struct pktp_buf *b, const uint8_t *d, size_t caplen, size_t wire_len)
{
        struct pkt p;

        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_IP, d, caplen, wire_len), 0);
        pktp_buf_reset(b);
        assert_int_equal(pktp_packet_write_layers(b, &p), 0);
        pktp_buf_putc(b, 0);
        pkt_done(&p);
        return (const char *)b->data;
}

/* Bytes past a layer's header are its upper layers' and its padding's: an SCTP DATA chunk's user data,
 * the next layer, is not written as the chunk's "data", and a chunk after it (a COOKIE ACK bundled
 * after the DATA) is listed "beyond_header", its bytes the padding. Both writers agree (the visitor's
 * path is taken when a field must be left out). */
static void
test_elements_past_the_header_say_so(void **state)
{
        static const uint8_t cookie_ack[] = { 0x0b, 0x00, 0x00, 0x04 };
        struct pktp_buf b;
        struct pkt built;
        const uint8_t *d;

        (void)state;
        pktp_buf_init(&b, 1u << 16);
        pkt_init(&built);
        assert_int_equal(pkt_build(&built, "ip(src=192.0.2.1,dst=192.0.2.2)/sctp(sport=1,dport=2,chunks=[data("
                                           "flags=3,tsn=1)])/raw(\"ABCD\")", NULL, 0), 0);
        assert_int_equal(pkt_trailer_append(&built, 1, cookie_ack, sizeof(cookie_ack)), 0);
        int n = pkt_serialize(&built, 0, &d);
        assert_true(n > 0);
        const char *j = write_ip_packet(&b, d, (size_t)n, (size_t)n);
        assert_non_null(strstr(j, "\"chunks\":[{\"type\":0,\"flags\":3,\"len\":20,\"tsn\":1,\"sid\":0,\"ssn\":0,"
                                  "\"ppid\":0},{\"beyond_header\":true,\"type\":11,\"flags\":0,\"len\":4}],"
                                  "\"padding\":\"0b000004\"},{\"layer\":\"raw\",\"data\":\"41424344\"}"));
        pkt_done(&built);
        pktp_buf_done(&b);
}

/* An element the capture cuts, or whose length contradicts its kind, says so first in its object,
 * as a flagged layer does; its neighbours say nothing. */
static void
test_flagged_elements_say_so_first_in_their_object(void **state)
{
        struct pktp_buf b;
        struct pkt built;
        const uint8_t *d;
        size_t n;

        (void)state;
        pktp_buf_init(&b, 1u << 16);
        pkt_init(&built);
        n = tu_build(&built, "ip(src=192.0.2.53,dst=192.0.2.1)/udp(sport=53,dport=3333)/dns(id=4,flags=0x8180,"
                             "queries=[q(name=example.com,type=A)],answers=[rr(name=example.com,type=A,ttl=60,"
                             "address=192.0.2.7),rr(name=example.com,type=A,ttl=61,address=192.0.2.8)])", &d);
        /* The snap length cuts the second answer's address. */
        const char *j = write_ip_packet(&b, d, n - 2, n);
        assert_non_null(strstr(j, "\"answers\":[{\"name\":\"example.com\",\"type\":1,\"cls\":1,\"ttl\":60,"
                                  "\"dlen\":4,\"address\":\"192.0.2.7\"},{\"truncated\":true,\"name\":\"example.com\","
                                  "\"type\":1,\"cls\":1,\"ttl\":61,\"dlen\":4}]"));
        /* Whole, nothing is flagged. */
        j = write_ip_packet(&b, d, n, n);
        assert_null(strstr(j, "truncated"));
        assert_non_null(strstr(j, "{\"name\":\"example.com\",\"type\":1,\"cls\":1,\"ttl\":61,"));
        pkt_done(&built);

        /* A TCP MSS option of 5 bytes (RFC 9293: MSS is 4) still delimits itself: it is malformed,
         * the window scale after it is not. */
        pkt_init(&built);
        n = tu_build(&built, "ip(src=192.0.2.1,dst=192.0.2.2)/tcp(sport=1,dport=2,opts=[2(body=05b4ff),"
                             "wscale(7)])", &d);
        j = write_ip_packet(&b, d, n, n);
        assert_non_null(strstr(j, "\"opts\":[{\"malformed\":true,\"type\":2,\"len\":5,"));
        assert_non_null(strstr(j, "},{\"type\":3,\"len\":3,\"body\":\"07\",\"wscale\":7}"));
        struct json_object *o = parse_strict(j, strlen(j));
        assert_non_null(o);
        json_object_put(o);
        pkt_done(&built);
        pktp_buf_done(&b);
}

static void
test_threads_making_the_plans_at_once_write_the_same_bytes(void **state)
{
        pthread_barrier_t start;
        pthread_t t[RACE_THREADS];
        struct race r[RACE_THREADS];

        (void)state;
        assert_int_equal(pthread_barrier_init(&start, NULL, RACE_THREADS), 0);
        for (int i = 0; i < RACE_THREADS; i++) {
                r[i] = (struct race){ .start = &start };
                snprintf(r[i].path, sizeof(r[i].path), "%s", tu_corpus("pcapplusplus/PcapExamples__example.pcap"));
                pktp_buf_init(&r[i].out, 256u << 20);
                assert_int_equal(pthread_create(&t[i], NULL, race_run, &r[i]), 0);
        }
        for (int i = 0; i < RACE_THREADS; i++)
                assert_int_equal(pthread_join(t[i], NULL), 0);
        pthread_barrier_destroy(&start);
        assert_int_equal(r[0].out.err, 0);
        assert_true(r[0].out.len > 1000000);
        for (int i = 1; i < RACE_THREADS; i++) {
                assert_int_equal(r[i].out.err, 0);
                assert_int_equal(r[i].out.len, r[0].out.len);
                assert_memory_equal(r[i].out.data, r[0].out.data, r[0].out.len);
        }
        for (int i = 0; i < RACE_THREADS; i++)
                pktp_buf_done(&r[i].out);
}

/* A registered protocol whose field table gets no write plan (a name too long for a plan's key):
 * written field by field by name, still as the visitor writes it (its header is its 7 fixed bytes:
 * "rest" is empty and the bytes after it are the payload). */
static const struct pkt_field unplanned_fields[] = {
        { .name = "a_field_name_much_longer_than_any_write_plan_key", .off = 0, .bits = 16, .type = PKT_FT_UINT },
        { .name = "b", .off = 16, .bits = 4, .type = PKT_FT_UINT },
        { .name = "c", .off = 20, .bits = 4, .type = PKT_FT_UINT },
        { .name = "addr", .off = 24, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "rest", .off = 56, .bits = 0, .type = PKT_FT_BYTES },
};

static const struct pkt_key unplanned_carriers[] = { { PKT_KEY_UDP_PORT, 40404 }, PKT_KEY_END };

static struct pkt_proto unplanned_proto = {
        .name = "unplannedtest",
        .summary = "test_packet_write: a table without a write plan",
        .min_hdr_len = 7,
        .n_fields = sizeof(unplanned_fields) / sizeof(unplanned_fields[0]),
        .fields = unplanned_fields,
        .carriers = unplanned_carriers,
};

static void
test_a_table_without_a_plan_is_written_as_the_visitor_writes_it(void **state)
{
        struct pkt built;
        const uint8_t *d;

        (void)state;
        assert_true(pkt_proto_register(&unplanned_proto) > 0);
        static const uint8_t body[] = { 0x02, 0x01, 0x34, 192, 0, 2, 9, 0x0a, 0x0b, 0x0c };
        char err[256];
        pkt_init(&built);
        assert_int_equal(pkt_build(&built, "ethernet/ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=40404,dport=40404)", err,
                                   sizeof(err)),
                         0);
        assert_true(pkt_push_raw(&built, body, sizeof(body)) >= 0);
        int r = pkt_serialize(&built, 0, &d);
        assert_true(r > 0);
        size_t n = (size_t)r;
        assert_same_as_visitor(d, n, "unplannedtest");

        struct pktp_buf b;
        struct pkt p;
        pkt_init(&p);
        pktp_buf_init(&b, 1u << 16);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_ETHERNET, d, n, n), 0);
        assert_int_equal(pktp_packet_write_layers(&b, &p), 0);
        if (!strstr(b.data, "{\"layer\":\"unplannedtest\",\"a_field_name_much_longer_than_any_write_plan_key\":513,"
                            "\"b\":3,\"c\":4,\"addr\":\"192.0.2.9\",\"rest\":\"\"},{\"layer\":\"raw\",\"data\":\"0a0b0c\"}]"))
                fail_msg("%s", b.data);
        pktp_buf_done(&b);
        pkt_done(&p);
        pkt_done(&built);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                /* First: the plans are made while the threads race. */
                cmocka_unit_test(test_threads_making_the_plans_at_once_write_the_same_bytes),
                cmocka_unit_test(test_every_corpus_packet_parses_back_to_its_layers_and_field_values),
                cmocka_unit_test(test_a_second_pass_reuses_the_buffer),
                cmocka_unit_test(test_layers_alone_and_the_cap),
                cmocka_unit_test(test_output_is_byte_identical_to_the_visitor_writer_on_the_corpus),
                cmocka_unit_test(test_direct_writer_edges_match_the_visitor),
                cmocka_unit_test(test_flagged_elements_say_so_first_in_their_object),
                cmocka_unit_test(test_elements_past_the_header_say_so),
                cmocka_unit_test(test_long_element_values_are_written_whole),
                /* Last: it registers a protocol (for UDP port 40404) for the rest of the process. */
                cmocka_unit_test(test_a_table_without_a_plan_is_written_as_the_visitor_writes_it),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
