/* SPDX-License-Identifier: BSD-3-Clause */
/* Element-spec helpers shared by the TLV application protocols (see tlv.h). */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "tlv.h"

/* Is argument @i of @args one of @fields' (by its name, or at a field's place without one)? */
static bool
names_a_field(const struct pkt_field *fields, unsigned n, const struct pkt_spec_arg *a, int i)
{
        if (!a->key[0])
                return (unsigned)i < n;
        for (unsigned k = 0; k < n; k++)
                if (strcmp(fields[k].name, a->key) == 0)
                        return true;
        return false;
}

int
tlv_encode_args(const struct pkt_field *fields, unsigned n_fields, const struct pkt_spec_arg *args,
                int n_args, uint8_t *out, size_t size)
{
        static const struct pkt_field data = { .name = "data", .type = PKT_FT_BYTES };
        /* Zeroed: gcc 12 cannot see that only the filled ones are read. */
        struct pkt_spec_arg known[TLV_ARGS_MAX] = { 0 };
        int n_known = 0, len;

        if (n_args > TLV_ARGS_MAX)
                return -E2BIG;
        /* The table's fields at their places (pkt_spec_encode() takes defaults for the rest), so the
         * arguments may come in any order; a positional one is named after its field. */
        for (int i = 0; i < n_args; i++) {
                if (!names_a_field(fields, n_fields, &args[i], i))
                        continue;
                known[n_known] = args[i];
                if (!known[n_known].key[0])
                        snprintf(known[n_known].key, sizeof(known[n_known].key), "%s", fields[i].name);
                n_known++;
        }
        len = pkt_spec_encode(fields, n_fields, known, n_known, out, size);
        for (int i = 0; i < n_args && len >= 0; i++) {
                if (names_a_field(fields, n_fields, &args[i], i))
                        continue;
                if (args[i].key[0] && strcmp(args[i].key, "data") != 0 && strcmp(args[i].key, "body") != 0)
                        return -ENOENT;
                uint64_t u;
                int r = pkt_spec_value(&data, args[i].value, &u, out + len, size - (size_t)len);
                len = r < 0 ? r : len + r;
        }
        return len;
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
