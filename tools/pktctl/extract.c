/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl read -e FIELD ...: chosen fields of each packet, one line per packet and a tab between
 * fields, as tshark -T fields -e does. A field is named as the JSON names it: "ip.src" (a field of
 * every ip layer), "dns.answers.address" (a field of every element of a set), or one of the frame's
 * own: frame.number, frame.time_epoch, frame.len, frame.cap_len, frame.protocols. Where a packet
 * has several values (two ip layers, four answers) they are joined by commas, in wire order; where
 * it has none the column is empty. Values are written as the JSON writes them: integers in decimal
 * (enums and flag sets too), addresses and names as text, strings with C escapes (so no value holds
 * a tab or a line end), bytes in hex.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/proto.h>

#include "pktctl.h"

/* Why 64: more columns than anyone reads on one line; a bound keeps the per-packet work small. */
#define EXTRACT_FIELDS_MAX 64
/* Why 1 MiB: one column of a packet's values (a big DNS message's names); a longer one is an error,
 * not an unbounded allocation. */
#define EXTRACT_COLUMN_MAX (1u << 20)

enum frame_field {
        FRAME_NONE,
        FRAME_NUMBER,
        FRAME_TIME_EPOCH,
        FRAME_LEN,
        FRAME_CAP_LEN,
        FRAME_PROTOCOLS,
};

static const struct {
        const char *name;
        enum frame_field which;
} frame_fields[] = {
        { "frame.number", FRAME_NUMBER },
        { "frame.time_epoch", FRAME_TIME_EPOCH },
        { "frame.len", FRAME_LEN },
        { "frame.cap_len", FRAME_CAP_LEN },
        { "frame.protocols", FRAME_PROTOCOLS },
};

struct column {
        enum frame_field frame;
        char layer[32]; /* the protocol's name, as layers are named in events */
        char set[32];   /* element set, or "" for a field of the layer */
        char field[64];
        struct pktp_buf out;
        bool has_value;
};

struct pktctl_extract {
        struct column cols[EXTRACT_FIELDS_MAX];
        unsigned n;
        /* Where the walk is: set by the visitor's events. */
        const char *layer;
        const char *set;
        bool is_in_elem;
        int err;
};

struct pktctl_extract *
pktctl_extract_new(void)
{
        return calloc(1, sizeof(struct pktctl_extract));
}

void
pktctl_extract_free(struct pktctl_extract *x)
{
        if (!x)
                return;
        for (unsigned i = 0; i < x->n; i++)
                pktp_buf_done(&x->cols[i].out);
        free(x);
}

bool
pktctl_extract_is_empty(const struct pktctl_extract *x)
{
        return !x || x->n == 0;
}

static bool
has_elem_set(const struct pkt_proto *pr, const char *name)
{
        for (unsigned i = 0; i < pr->n_elems; i++)
                if (strcmp(pr->elems[i].name, name) == 0)
                        return true;
        return false;
}

/* Splits "a.b" or "a.b.c" at its dots into @c. */
static int
split_name(const char *spec, struct column *c)
{
        const char *d1 = strchr(spec, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
        const char *field = d2 ? d2 + 1 : d1 ? d1 + 1 : NULL;
        size_t n_layer = d1 ? (size_t)(d1 - spec) : 0, n_set = d2 ? (size_t)(d2 - d1 - 1) : 0;

        if (!field || !*field || n_layer == 0 || (d2 && n_set == 0) || strchr(field, '.') ||
            n_layer >= sizeof(c->layer) || n_set >= sizeof(c->set) ||
            strlen(field) >= sizeof(c->field))
                return -EINVAL;
        memcpy(c->layer, spec, n_layer);
        c->layer[n_layer] = 0;
        if (d2)
                memcpy(c->set, d1 + 1, n_set);
        c->set[n_set] = 0;
        strcpy(c->field, field);
        return 0;
}

int
pktctl_extract_add(struct pktctl_extract *x, const char *spec)
{
        struct column *c;

        if (x->n == EXTRACT_FIELDS_MAX) {
                pktctl_err("read: at most %d fields (-e)", EXTRACT_FIELDS_MAX);
                return -E2BIG;
        }
        c = &x->cols[x->n];
        memset(c, 0, sizeof(*c));
        for (size_t i = 0; i < sizeof(frame_fields) / sizeof(frame_fields[0]); i++)
                if (strcmp(spec, frame_fields[i].name) == 0)
                        c->frame = frame_fields[i].which;
        if (c->frame == FRAME_NONE) {
                if (split_name(spec, c) < 0) {
                        pktctl_err(
                                "read: -e %s: name a field as LAYER.FIELD or LAYER.SET.FIELD "
                                "(ip.src, dns.answers.address) or frame.number, frame.time_epoch, "
                                "frame.len, frame.cap_len, frame.protocols",
                                spec);
                        return -EINVAL;
                }
                int id = pkt_proto_by_name(c->layer, PKT_PROTO_NONE);
                const struct pkt_proto *pr = id < 0 ? NULL : pkt_proto_get((unsigned)id);
                if (!pr) {
                        pktctl_err("read: -e %s: no layer '%s' ('pktctl protocols' lists them)",
                                   spec, c->layer);
                        return -ENOENT;
                }
                /* An alias names the protocol as its layers are called. */
                snprintf(c->layer, sizeof(c->layer), "%s", pr->name);
                /* A set's element fields depend on each element's kind: only the set is checked. */
                bool known = c->set[0] ? has_elem_set(pr, c->set)
                                       : pkt_field_index((unsigned)id, c->field) >= 0;
                if (!known) {
                        pktctl_err(
                                "read: -e %s: %s has no %s '%s' ('pktctl protocols %s' lists them)",
                                spec, pr->name, c->set[0] ? "element set" : "field",
                                c->set[0] ? c->set : c->field, pr->name);
                        return -ENOENT;
                }
        }
        pktp_buf_init(&c->out, EXTRACT_COLUMN_MAX);
        x->n++;
        return 0;
}

/* Starts another value of @c: a comma after the one before. */
static int
next_value(struct column *c)
{
        int r = c->has_value ? pktp_buf_putc(&c->out, ',') : 0;

        c->has_value = true;
        return r;
}

static int
put_value(struct column *c, const struct pkt_value *v)
{
        int r = next_value(c);

        if (r < 0)
                return r;
        if (v->is_int) {
                if (v->is_signed && v->bits > 0 && v->bits < 64 && (v->u >> (v->bits - 1)) & 1)
                        return pktp_buf_i64(&c->out,
                                            (int64_t)(v->u | ~((UINT64_C(1) << v->bits) - 1)));
                return v->is_signed && v->bits == 64 ? pktp_buf_i64(&c->out, (int64_t)v->u)
                                                     : pktp_buf_u64(&c->out, v->u);
        }
        if (v->type == PKT_FT_BYTES && v->bytes)
                return pktp_buf_hex(&c->out, v->bytes, v->n_bytes);
        return pktp_buf_puts(&c->out, v->text ? v->text : "");
}

static int
on_event(void *ctx, enum pkt_visit_event ev, const char *name, const struct pkt_layer *layer,
         const struct pkt_value *value)
{
        struct pktctl_extract *x = ctx;

        (void)layer;
        switch (ev) {
        case PKT_VISIT_LAYER_BEGIN:
                x->layer = name;
                for (unsigned i = 0; i < x->n; i++) {
                        struct column *c = &x->cols[i];
                        if (c->frame == FRAME_PROTOCOLS &&
                            ((c->has_value && pktp_buf_putc(&c->out, ':') < 0) ||
                             pktp_buf_puts(&c->out, name) < 0))
                                return -EMSGSIZE;
                        c->has_value |= c->frame == FRAME_PROTOCOLS;
                }
                return 0;
        case PKT_VISIT_SET_BEGIN:
                x->set = name;
                return 0;
        case PKT_VISIT_SET_END:
                x->set = NULL;
                return 0;
        case PKT_VISIT_ELEM_BEGIN:
        case PKT_VISIT_ELEM_END:
                x->is_in_elem = ev == PKT_VISIT_ELEM_BEGIN;
                return 0;
        case PKT_VISIT_FIELD:
                break;
        default:
                return 0;
        }
        for (unsigned i = 0; i < x->n; i++) {
                struct column *c = &x->cols[i];
                bool is_set_field = x->set && x->is_in_elem;
                if (c->frame != FRAME_NONE || strcmp(c->field, name) != 0 ||
                    strcmp(c->layer, x->layer) != 0 || (c->set[0] != 0) != is_set_field ||
                    (is_set_field && strcmp(c->set, x->set) != 0))
                        continue;
                if (put_value(c, value) < 0)
                        return -EMSGSIZE;
        }
        return 0;
}

static int
put_frame_field(struct column *c, uint64_t n, const struct pkt_pcap_rec *rec)
{
        c->has_value = c->frame != FRAME_NONE && c->frame != FRAME_PROTOCOLS;
        switch (c->frame) {
        case FRAME_NUMBER:
                return pktp_buf_u64(&c->out, n);
        case FRAME_TIME_EPOCH:
                return pktp_buf_printf(&c->out, "%" PRId64 ".%09" PRIu32, rec->ts_sec,
                                       rec->ts_nsec);
        case FRAME_LEN:
                return pktp_buf_u64(&c->out, rec->wire_len);
        case FRAME_CAP_LEN:
                return pktp_buf_u64(&c->out, rec->caplen);
        default:
                return 0; /* a layer's field, or frame.protocols: from the walk */
        }
}

int
pktctl_extract_packet(FILE *f, struct pktctl_extract *x, struct pkt *p, uint64_t n,
                      const struct pkt_pcap_rec *rec)
{
        int r = 0;

        for (unsigned i = 0; i < x->n; i++) {
                pktp_buf_reset(&x->cols[i].out);
                x->cols[i].has_value = false;
                if (r == 0)
                        r = put_frame_field(&x->cols[i], n, rec);
        }
        x->layer = x->set = NULL;
        x->is_in_elem = false;
        if (r < 0 || pkt_visit(p, on_event, x) < 0)
                return -EMSGSIZE;
        for (unsigned i = 0; i < x->n; i++) {
                const struct pktp_buf *b = &x->cols[i].out;
                if ((i && fputc('\t', f) == EOF) ||
                    (b->len && fwrite(b->data, 1, b->len, f) != b->len))
                        return -EIO;
        }
        return fputc('\n', f) == EOF ? -EIO : 0;
}
