/* SPDX-License-Identifier: BSD-3-Clause */
/* Element-spec helpers shared by the TLV application protocols (see tlv.h). */
#include <string.h>

#include "internal.h"
#include "tlv.h"

static const struct pkt_field *
field_for(const struct pkt_field *fields, unsigned n, const struct pkt_spec_arg *a, int i)
{
        static const struct pkt_field data = { .name = "data", .type = PKT_FT_BYTES };

        if (a->key[0]) {
                for (unsigned k = 0; k < n; k++)
                        if (strcmp(fields[k].name, a->key) == 0)
                                return &fields[k];
                if (strcmp(a->key, "data") == 0 || strcmp(a->key, "body") == 0)
                        return &data;
                return NULL;
        }
        return (unsigned)i < n ? &fields[i] : &data;
}

int
tlv_encode_args(const struct pkt_field *fields, unsigned n_fields, const struct pkt_spec_arg *args,
                int n_args, uint8_t *out, size_t size)
{
        size_t len = 0;

        for (int i = 0; i < n_args; i++) {
                const struct pkt_field *f = field_for(fields, n_fields, &args[i], i);
                uint64_t u;
                int r;

                if (!f)
                        return -ENOENT;
                if (f->bits % 8 || f->off % 8)
                        return -EINVAL;
                r = pkt_spec_value(f, args[i].value, &u, out + len, size - len);
                if (r < 0)
                        return r;
                len += (size_t)r;
        }
        return (int)len;
}

int
tlv_arg_u32(const struct pkt_spec_arg *args, int n_args, const char *key, uint32_t *ret)
{
        *ret = 0;
        for (int i = 0; i < n_args; i++) {
                unsigned long v;
                char *end;

                if (strcmp(args[i].key, key) != 0)
                        continue;
                v = strtoul(args[i].value, &end, 0);
                if (!args[i].value[0] || *end || v > UINT32_MAX)
                        return -EINVAL;
                *ret = (uint32_t)v;
                return 1;
        }
        return 0;
}
