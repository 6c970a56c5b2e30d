/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: helpers shared by the engine's files. Never installed. */
#ifndef PKT_INTERNAL_H
#define PKT_INTERNAL_H

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "pktd-macro.h"

#define pkt_assert_return(expr, err) assert_return(expr, err)

/* Registry (registry.c). The table is filled before main() and by pkt_proto_register(). */
extern const struct pkt_proto *pkt_protos[PKT_PROTO_MAX];

static inline const struct pkt_proto *
proto_of(unsigned id)
{
        return id < PKT_PROTO_MAX ? pkt_protos[id] : NULL;
}

/* The next-layer registry's direct table (registry.c): values below 2^16 (ethertypes, ports, IP
 * protocols, link types) index it. pkt_key_lookup16() is pkt_key_lookup() for such a value, inlined into
 * the dissect hooks of the common protocols: one load. */
#define PKT_KEY_DIRECT_MAX 65536u
extern uint16_t pkt_key_direct[_PKT_KEY_MAX][PKT_KEY_DIRECT_MAX];

static inline unsigned
pkt_key_lookup16(enum pkt_key_space space, uint16_t value)
{
        return pkt_key_direct[space][value];
}

/*
 * The fast forms of registered protocols (struct pkt_fast), unpacked at registration for the engine's
 * step (dissect.c), indexed by protocol id. The shape picks a step specialised for which fields exist;
 * within it a check that does not apply passes by construction (mask 0, key_min 0). No shape: no fast
 * form given, or the protocol quotes packets, whose lengths the fast step does not handle.
 */
#define PKT_FAST_NO_LEN 0xffu /* len_off of a fast form without a length */
enum pkt_fast_shape {
        PKT_SHAPE_NONE,      /* no fast form */
        PKT_SHAPE_GENERAL,   /* any fast form: every check as the entry says */
        PKT_SHAPE_KEY,       /* a key, nothing else (Ethernet, 802.1Q) */
        PKT_SHAPE_KEY_LEN,   /* a key, a length, a match and a zero check (IPv4, IPv6) */
        PKT_SHAPE_PORTS,     /* ports and a match (TCP) */
        PKT_SHAPE_PORTS_LEN, /* ports and a length (UDP) */
        PKT_SHAPE_WHOLE,     /* the header is the layer (PKT_FAST_WHOLE) */
};
struct pkt_fast_ent {
        const uint16_t *keys; /* the registry's direct table for the key space */
        uint32_t need;        /* captured bytes it takes to try: hdr_len, or UINT32_MAX (no shape) */
        uint16_t hdr_len;
        uint16_t key_min;   /* a key below it is not one (an 802.3 length) */
        uint16_t key_mask;  /* 0x00ff: a one-byte key, read as the 16 bits ending in it */
        uint16_t zero_mask; /* in the byte order of a native 16-bit load, so no swap is needed */
        uint16_t len_add;   /* added to the length for the total: 0, or hdr_len when it is left out */
        uint16_t len_min;   /* the least total taken: hdr_len, or hdr_len + 1 (a length of 0) */
        uint8_t shape;      /* enum pkt_fast_shape: which specialised step reads this entry */
        uint8_t ports;      /* the key is two ports (PKT_FAST_PORTS) */
        uint8_t key_off;    /* of the 16 bits read */
        uint8_t match_off;
        uint8_t match_mask;
        uint8_t match_val;
        uint8_t zero_off;
        uint8_t len_off;
        uint8_t opt_val;
        uint8_t opt_len;    /* 0: no longer form */
        uint32_t opt_prefix; /* as a native 32-bit load of the header's bytes */
};
extern struct pkt_fast_ent pkt_fast_tab[PKT_PROTO_MAX] __attribute__((visibility("hidden")));

/* First value in @space that selects @proto (to fill next-layer type fields). */
int pkt_carrier_key(unsigned proto, enum pkt_key_space space, uint32_t *ret);

/* Dissection (dissect.c). */
bool pkt_ensure_layer(struct pkt *p, unsigned idx);
void pkt_view_of(const struct pkt *p, unsigned idx, struct pkt_view *v);

/* Elements (elem.c). Walks every element set of dissected layer @idx when its protocol checks its
 * elements lazily (PKT_P_LAZY_ELEMS), so that the layer's flags say what the walk found. */
void pkt_elems_check(struct pkt *p, unsigned idx);

/* Fields (field.c). Locates field @k of @table within a region of @len bytes at @base.
 * Returns 0 and the bit offset/width, or -ENODATA. */
struct field_loc {
        uint32_t bit_off;
        uint32_t bits;
};
int pkt_field_locate(const uint8_t *base, uint32_t len, const struct pkt_field *table, unsigned k,
                     struct field_loc *ret);
uint64_t pkt_bits_read(const uint8_t *b, uint32_t bit_off, uint32_t bits, bool le);
void pkt_bits_write(uint8_t *b, uint32_t bit_off, uint32_t bits, bool le, uint64_t v);
int pkt_value_format(const struct pkt_field *f, const uint8_t *msg, uint32_t msg_len, const uint8_t *base,
                     struct field_loc loc, char *buf, size_t size);
int pkt_value_parse(const struct pkt_field *f, const char *text, uint64_t *ret_u, uint8_t *ret_bytes,
                    size_t *ret_len);
int pkt_dnsname_decode(const uint8_t *msg, uint32_t msg_len, uint32_t off, char *buf, size_t size,
                       uint32_t *ret_wire_len);
int pkt_dnsname_wire_len(const uint8_t *msg, uint32_t msg_len, uint32_t off, uint32_t *ret);
int pkt_dnsname_encode(const char *text, uint8_t *out, size_t size);
int pkt_field_default_len(const struct pkt_field *f);

/* Building (build.c). Grows or shrinks the header of layer @idx by inserting/removing bytes at header
 * offset @at; keeps every record consistent. The packet must be owned. */
int pkt_layer_splice(struct pkt *p, unsigned idx, uint32_t at, uint32_t remove, const void *insert,
                     uint32_t insert_len);
int pkt_make_owned(struct pkt *p);
void pkt_mark_dirty(struct pkt *p, unsigned idx, const struct pkt_field *f);

/* Shared by the transports: next layer by the lower port first, as tshark's "try heuristic
 * sub-dissectors first" off does; swapping two 16-bit ports (udp.c). */
static inline unsigned
pkt_port_lookup(enum pkt_key_space space, uint16_t sport, uint16_t dport)
{
        unsigned next = pkt_key_lookup16(space, MIN(sport, dport));

        return next != PKT_PROTO_NONE ? next : pkt_key_lookup16(space, MAX(sport, dport));
}

void pkt_swap_ports(uint8_t *h, size_t len);

/* IPv6 (ipv6_ext.c): the source and destination (32 bytes into @ret) that upper layer @idx's pseudo-header
 * sums over IPv6 layer @ip6: the home address of a destination option for the source (RFC 6275 6.3), the
 * final destination of a routing header with segments left (RFC 8200 8.1), else the header's own. */
void pkt_ip6_pseudo_addrs(struct pkt *p, unsigned ip6, unsigned idx, uint8_t ret[32]);

/* The destination a transport checksum covers (ipv4.c): the header's, or under a loose or strict source
 * route not yet completed, the route's last address (RFC 791 3.1, RFC 1122 4.1.3.6). */
const uint8_t *pkt_ip_final_dst(const uint8_t *h, uint32_t hdr_len);

/* Small text sink used by printers and formatters. */
struct strbuf {
        char *buf;
        size_t size;
        size_t len;
        bool overflow;
};
void strbuf_put(struct strbuf *s, const char *text, size_t len);
void strbuf_printf(struct strbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
