/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One line per packet, tcpdump-like (pktctl watch, Subscribe's summary form), and the Captured
 * object of a capture stream's per-packet reply.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <pkt/proto.h>
#include <pktp/packet.h>

/* A bounded line being written: appends past the cap are dropped and remembered, so that the line
 * can end in the cut mark. */
struct line {
        char *s;   /* PKTP_SUMMARY_MAX + 1 bytes */
        size_t len;
        bool is_cut;
};

static void
line_put(struct line *l, const char *s, size_t n)
{
        if (n > PKTP_SUMMARY_MAX - l->len) {
                n = PKTP_SUMMARY_MAX - l->len;
                l->is_cut = true;
        }
        memcpy(l->s + l->len, s, n);
        l->len += n;
}

static void
line_puts(struct line *l, const char *s)
{
        line_put(l, s, strlen(s));
}

static void
line_putc(struct line *l, char c)
{
        line_put(l, &c, 1);
}

/* Writes @p's line into @out (PKTP_SUMMARY_MAX + 1 bytes, NUL-terminated); returns its length. */
static size_t
summary_line(struct pkt *p, char *out)
{
        struct line l = { .s = out };
        unsigned n = pkt_dissect_all(p);

        for (unsigned i = 0; i < n; i++) {
                if (i)
                        line_putc(&l, '/');
                const char *name = pkt_proto_name(p->layers[i].proto);
                line_puts(&l, name ? name : "?");
        }
        if (l.is_cut)
                memcpy(out + PKTP_SUMMARY_MAX - 3, "...", 3);
        out[l.len] = '\0';
        return l.len;
}

int
pktp_packet_summary(struct pktp_buf *b, struct pkt *p)
{
        char text[PKTP_SUMMARY_MAX + 1];

        if (!b || !p)
                return -EINVAL;
        return pktp_buf_put(b, text, summary_line(p, text));
}

int
pktp_form_from_name(const char *name, enum pktp_form *ret_form)
{
        static const char *const names[] = {
                [PKTP_FORM_SUMMARY] = "summary",
                [PKTP_FORM_LAYERS] = "layers",
                [PKTP_FORM_RAW] = "raw",
        };

        if (!name || !ret_form)
                return -EINVAL;
        for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                if (strcmp(name, names[i]) == 0) {
                        *ret_form = (enum pktp_form)i;
                        return 0;
                }
        }
        return -EINVAL;
}

int
pktp_captured_write(struct pktp_buf *b, const struct pktp_captured *c)
{
        size_t start;

        if (!b || !c || !c->p)
                return -EINVAL;
        if (c->form != PKTP_FORM_SUMMARY && c->form != PKTP_FORM_LAYERS && c->form != PKTP_FORM_RAW)
                return -EINVAL;
        if (b->err)
                return b->err;
        start = b->len;
        pktp_buf_puts(b, "{\"tsNs\":");
        pktp_buf_u64(b, c->ts_ns);
        pktp_buf_puts(b, ",\"caplen\":");
        pktp_buf_u64(b, pkt_len(c->p));
        pktp_buf_puts(b, ",\"len\":");
        pktp_buf_u64(b, c->p->wire_len);
        switch (c->form) {
        case PKTP_FORM_SUMMARY: {
                char text[PKTP_SUMMARY_MAX + 1];
                pktp_buf_puts(b, ",\"summary\":");
                pktp_buf_json_str(b, text, summary_line(c->p, text));
                break;
        }
        case PKTP_FORM_LAYERS:
                pktp_buf_puts(b, ",\"layers\":");
                pktp_packet_write_layers(b, c->p);
                break;
        case PKTP_FORM_RAW:
                pktp_buf_puts(b, ",\"data\":");
                pktp_buf_base64(b, pkt_data(c->p), pkt_len(c->p));
                break;
        }
        pktp_buf_putc(b, '}');
        if (b->err && b->len > start && b->data) {
                /* Never leave half an object behind: the caller may retry with a bigger buffer. */
                b->len = start;
                b->data[start] = '\0';
        }
        return b->err;
}
