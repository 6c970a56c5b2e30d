/* SPDX-License-Identifier: BSD-3-Clause */
/* Elements with a 16-bit type and a 16-bit length, both big-endian (PPPoE tags RFC 2516, Cisco DTP),
 * or an 8-bit type and an 8-bit length (HSRP version 2, IS-IS, PPP's configuration options). */
#include <string.h>

#include "internal.h"
#include "tlv16.h"

#define TLV16_HDR_LEN 4
#define TLV8_HDR_LEN  2
/* Why 4: type, length and value are all an element can be given. */
#define TLV16_ARGS_MAX 4

/* The walk of both: a header of @hdr_len bytes whose last (1 or 2) hold the length. */
static int
tlv_next(const struct pkt_view *v, uint32_t start, uint32_t end, uint32_t hdr_len, bool len_has_hdr,
         struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? start : e->next, cap = MIN(end, v->caplen);

        if (pos >= end || pos >= cap)
                return 0;
        e->off = pos;
        e->len = cap - pos;
        e->next = end;
        if (cap - pos < hdr_len) {
                e->flags |= end - pos >= hdr_len ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        const uint8_t *h = v->b + pos;
        uint32_t len = hdr_len == TLV16_HDR_LEN ? (uint32_t)(h[2] << 8 | h[3]) : h[1];
        if (!len_has_hdr)
                len += hdr_len;
        e->data_off = hdr_len;
        /* A length below the header's own would never advance (DTP counts the header). */
        if (len < hdr_len || len > end - pos) {
                e->flags |= PKT_LAYER_MALFORMED;
                return 1;
        }
        if (len > cap - pos) {
                e->flags |= PKT_LAYER_TRUNCATED;
                return 1;
        }
        e->len = len;
        e->next = pos + len;
        return 1;
}

int
pkt_tlv16_next(const struct pkt_view *v, uint32_t start, uint32_t end, bool len_has_hdr, struct pkt_elem *e)
{
        return tlv_next(v, start, end, TLV16_HDR_LEN, len_has_hdr, e);
}

int
pkt_tlv8_next(const struct pkt_view *v, uint32_t start, uint32_t end, bool len_has_hdr,
              struct pkt_elem *e)
{
        return tlv_next(v, start, end, TLV8_HDR_LEN, len_has_hdr, e);
}

static int
type_number(const struct pkt_name *names, const char *name, uint64_t *ret)
{
        uint32_t v;

        if (strcmp(name, "tlv") == 0 || strcmp(name, "tag") == 0) {
                *ret = UINT64_MAX; /* the type comes as an argument */
                return 0;
        }
        if (pkt_name_value(names, name, 0xffff, &v) < 0)
                return -EINVAL;
        *ret = v;
        return 0;
}

int
pkt_tlv16_build(const struct pkt_name *names, bool len_has_hdr, const char *text, uint8_t *out, size_t size)
{
        static const struct pkt_field u16 = { .name = "u16", .bits = 16, .type = PKT_FT_UINT };
        static const struct pkt_field value = { .name = "value", .type = PKT_FT_BYTES };
        struct pkt_spec_arg args[TLV16_ARGS_MAX];
        uint64_t type, len = UINT64_MAX, u;
        size_t n_value = 0;
        char name[32];
        int n, r;

        n = pkt_spec_split(text, name, sizeof(name), args, TLV16_ARGS_MAX);
        if (n < 0)
                return n;
        /* A type given as an argument names the element whatever it is called (the JSON writer calls
         * it by its set's element name: "tv(t=1,...)"). */
        if (pkt_spec_arg(args, n, "type", -1) || pkt_spec_arg(args, n, "t", -1))
                type = UINT64_MAX;
        else if ((r = type_number(names, name, &type)) < 0)
                return r;
        if (size < TLV16_HDR_LEN)
                return -EMSGSIZE;
        for (int i = 0; i < n; i++) {
                const char *k = args[i].key;
                if (strcmp(k, "type") == 0 || strcmp(k, "t") == 0) {
                        if ((r = pkt_spec_value(&u16, args[i].value, &type, out, size)) < 0)
                                return r;
                } else if (strcmp(k, "len") == 0) {
                        if ((r = pkt_spec_value(&u16, args[i].value, &len, out, size)) < 0)
                                return r;
                } else if (!k[0] || strcmp(k, "value") == 0 || strcmp(k, "body") == 0) {
                        r = pkt_spec_value(&value, args[i].value, &u, out + TLV16_HDR_LEN + n_value,
                                           size - TLV16_HDR_LEN - n_value);
                        if (r < 0)
                                return r;
                        n_value += (size_t)r;
                } else {
                        return -ENOENT;
                }
        }
        if (type == UINT64_MAX)
                return -EINVAL;
        if (n_value > 0xffff - TLV16_HDR_LEN)
                return -EMSGSIZE;
        if (len == UINT64_MAX)
                len = n_value + (len_has_hdr ? TLV16_HDR_LEN : 0);
        out[0] = (uint8_t)(type >> 8);
        out[1] = (uint8_t)type;
        out[2] = (uint8_t)(len >> 8);
        out[3] = (uint8_t)len;
        return (int)(TLV16_HDR_LEN + n_value);
}
