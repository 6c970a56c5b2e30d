/* SPDX-License-Identifier: BSD-3-Clause */
/* Private helpers shared by the TLV application protocols (Diameter, TLS, RADIUS, BGP). */
#ifndef PKT_APP_TLV_H
#define PKT_APP_TLV_H

#include <stddef.h>
#include <stdint.h>

#include <pkt/proto.h>

/* Why 16: more arguments than any element kind of these protocols has fields. */
#define TLV_ARGS_MAX 16

static inline uint16_t
tlv_be16(const uint8_t *b)
{
        return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
tlv_be24(const uint8_t *b)
{
        return (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
}

static inline uint32_t
tlv_be32(const uint8_t *b)
{
        return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline void
tlv_put(uint8_t *b, unsigned bytes, uint32_t v)
{
        for (unsigned i = 0; i < bytes; i++)
                b[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

/*
 * Encodes the arguments of an element spec into @out: the fields of @fields at their places, each from
 * the argument of its name, the one at its place without a name, or its default (pkt_spec_encode()),
 * then "data"/"body" arguments (or positional ones past the table) as bytes, in their order. Returns
 * the bytes written, -ENOENT (unknown key), -E2BIG, -EINVAL, -ERANGE or -EMSGSIZE.
 */
int tlv_encode_args(const struct pkt_field *fields, unsigned n_fields, const struct pkt_spec_arg *args,
                    int n_args, uint8_t *out, size_t size);

/* An integer argument @key of @args (0 when absent). Returns 0, 1 when present, -EINVAL. */
int tlv_arg_u32(const struct pkt_spec_arg *args, int n_args, const char *key, uint32_t *ret);

#endif
