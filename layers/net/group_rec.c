/* SPDX-License-Identifier: BSD-3-Clause */
/* Source lists and group records of IGMPv3 and MLDv2 (group_rec.h). */
#include <string.h>

#include "group_rec.h"

/* Why 64: more sources than a spec would spell out for one record (arguments are bounded too). */
#define GROUP_ARGS_MAX 64

/* A record's length by its header at @pos (which must be readable): fixed part, address, sources,
 * auxiliary data. */
static uint32_t
record_len(const struct pkt_view *v, uint32_t pos, uint32_t addr_len)
{
        uint32_t nsrcs = (uint32_t)(v->b[pos + 2] << 8 | v->b[pos + 3]);

        return GROUP_REC_FIXED + addr_len + nsrcs * addr_len + (uint32_t)v->b[pos + 1] * 4;
}

uint32_t
group_records_len(const struct pkt_view *v, uint32_t start, uint32_t n, uint32_t addr_len)
{
        uint32_t pos = start;

        for (uint32_t i = 0; i < n; i++) {
                if (!pkt_rd_has(v, pos, GROUP_REC_FIXED))
                        return PKT_LEN_REST;
                pos += record_len(v, pos, addr_len);
                if (pos > v->caplen)
                        return PKT_LEN_REST;
        }
        return pos - start;
}

uint32_t
group_records_count(const struct pkt_view *v, uint32_t start, uint32_t end, uint32_t addr_len)
{
        uint32_t n = 0;

        end = MIN(end, v->caplen);
        /* Bounded: each record moves on by at least GROUP_REC_FIXED + @addr_len. */
        for (uint32_t pos = start; pos + GROUP_REC_FIXED + addr_len <= end; n++)
                pos += record_len(v, pos, addr_len);
        return n;
}

/* Cut by the capture, or by a length that runs past what was sent. */
static uint16_t
damage(const struct pkt_view *v, uint32_t pos, uint32_t need)
{
        return need <= v->wire_len - MIN(pos, v->wire_len) ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
}

/* Records follow each other to the end of the report (RFC 3376 4.2.4, RFC 3810 5.2.4). */
int
group_record_next(const struct pkt_view *v, struct pkt_elem *e, uint32_t start, uint32_t n, uint32_t addr_len,
                  const struct pkt_field *srcs)
{
        uint32_t pos = e->count == 0 ? start : e->next, head = GROUP_REC_FIXED + addr_len;

        if (e->count >= n || pos >= v->caplen)
                return 0;
        e->off = pos;
        e->len = v->caplen - pos;
        e->next = v->caplen;
        if (!pkt_rd_has(v, pos, head)) {
                e->flags |= damage(v, pos, head);
                return 1;
        }
        uint32_t rec = record_len(v, pos, addr_len), aux = (uint32_t)v->b[pos + 1] * 4;
        if (rec > v->caplen - pos) {
                /* Its sources as far as they go, as tshark shows them. */
                e->flags |= damage(v, pos, rec);
                e->len = MIN(e->len, rec - aux);
        } else {
                e->len = rec - aux;
                e->next = pos + rec;
        }
        if (e->len > head) {
                e->data_off = head;
                e->kind_fields = srcs;
                e->n_kind_fields = 1;
        }
        return 1;
}

int
group_source_next(const struct pkt_view *v, struct pkt_elem *e, uint32_t first, uint32_t n, uint32_t addr_len)
{
        uint32_t pos = first + e->count * addr_len;

        if (e->count >= n || pos >= v->caplen)
                return 0;
        e->off = pos;
        e->len = MIN(addr_len, v->caplen - pos);
        e->next = pos + e->len;
        if (e->len < addr_len)
                e->flags |= damage(v, pos, addr_len);
        return 1;
}

static int
put_addr(const struct pkt_field *addr, const char *text, uint8_t *out, size_t size)
{
        uint64_t u;
        int r = pkt_spec_value(addr, text, &u, out, size);

        return r < 0 ? r : 0;
}

int
group_source_build(const char *text, uint8_t *out, size_t size, uint32_t addr_len, const struct pkt_field *addr)
{
        struct pkt_spec_arg args[1];
        char name[16];
        int n, r;

        n = pkt_spec_split(text, name, sizeof(name), args, 1);
        if (n < 0)
                return n;
        /* A bare address, or src(address) / src(src=address). */
        const char *value = n == 1 ? args[0].value : name;
        if (n == 1 && (strcmp(name, "src") != 0 || (args[0].key[0] && strcmp(args[0].key, "src") != 0)))
                return -EINVAL;
        if (size < addr_len)
                return -EMSGSIZE;
        if ((r = put_addr(addr, value, out, size)) < 0)
                return r;
        return (int)addr_len;
}

static int
record_field(const struct pkt_field *fields, unsigned n_fields, const char *key, uint8_t *out, size_t size,
             const char *value)
{
        uint64_t u;
        int r;

        for (unsigned k = 0; k < n_fields; k++) {
                const struct pkt_field *f = &fields[k];
                if (strcmp(f->name, key) != 0)
                        continue;
                r = pkt_spec_value(f, value, &u, out + f->off / 8, size - f->off / 8);
                return r < 0 ? r : 0;
        }
        return -ENOENT;
}

int
group_record_build(const char *text, uint8_t *out, size_t size, uint32_t addr_len,
                   const struct pkt_field *fields, unsigned n_fields, const struct pkt_field *addr)
{
        struct pkt_spec_arg args[GROUP_ARGS_MAX];
        uint32_t head = GROUP_REC_FIXED + addr_len, len = head;
        bool has_nsrcs = false;
        char name[16];
        int n, r;

        n = pkt_spec_split(text, name, sizeof(name), args, GROUP_ARGS_MAX);
        if (n < 0)
                return n;
        if (strcmp(name, "rec") != 0 && strcmp(name, "record") != 0)
                return -EINVAL;
        if (size < head)
                return -EMSGSIZE;
        memset(out, 0, head);
        out[0] = 1; /* MODE_IS_INCLUDE */
        for (int i = 0; i < n; i++) {
                if (strcmp(args[i].key, "src") == 0) {
                        if (size - len < addr_len)
                                return -EMSGSIZE;
                        if ((r = put_addr(addr, args[i].value, out + len, size - len)) < 0)
                                return r;
                        len += addr_len;
                        continue;
                }
                if (strcmp(args[i].key, "srcs") == 0) {
                        /* All the sources as bytes, as the JSON writer gives them. */
                        static const struct pkt_field srcs = { .name = "srcs", .type = PKT_FT_BYTES };
                        uint64_t u;
                        if ((r = pkt_spec_value(&srcs, args[i].value, &u, out + len, size - len)) < 0)
                                return r;
                        if ((uint32_t)r % addr_len)
                                return -EINVAL;
                        len += (uint32_t)r;
                        continue;
                }
                has_nsrcs |= strcmp(args[i].key, "nsrcs") == 0;
                if ((r = record_field(fields, n_fields, args[i].key, out, head, args[i].value)) < 0)
                        return r == -ENOENT ? -EINVAL : r;
        }
        if (!has_nsrcs) {
                uint32_t ns = (len - head) / addr_len;
                out[2] = (uint8_t)(ns >> 8);
                out[3] = (uint8_t)ns;
        }
        /* Auxiliary data words, zero (RFC 3376 4.2.10, RFC 3810 5.2.10: none is defined). */
        uint32_t aux = (uint32_t)out[1] * 4;
        if (aux > size - len)
                return -EMSGSIZE;
        memset(out + len, 0, aux);
        return (int)(len + aux);
}
