/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: helpers shared by the engine's files. Never installed. */
#ifndef PKT_INTERNAL_H
#define PKT_INTERNAL_H

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pkt/hdr.h>
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

/* Was @p built here, or resized? Then its lengths and counts are the engine's to compute; a packet
 * parsed in place keeps them as captured (its bytes may hold padding, or lie). */
static inline bool
pkt_is_rebuilt(const struct pkt *p)
{
        return p->flags & (PKT_F_OWNED | PKT_F_RESIZED);
}

/* pkt_auto_set_port() asked only while the destination port reads 0: TCP and UDP refresh every packet
 * built or changed, and the call is most of what the step costs. */
static inline int
pkt_auto_set_dport(struct pkt *p, unsigned idx, unsigned field, enum pkt_key_space space)
{
        const uint8_t *h = p->data + p->layers[idx].off;

        return h[2] | h[3] ? 0 : pkt_auto_set_port(p, idx, field, space);
}

/* Is @proto one of IPv6's extension headers that carry the next layer (hop-by-hop, routing, fragment,
 * destination options)? What sits on one of them is in an IPv6 packet. */
static inline bool
pkt_ip6_is_ext(unsigned proto)
{
        return proto == PKT_PROTO_IP6_HOPOPTS || proto == PKT_PROTO_IP6_ROUTING ||
               proto == PKT_PROTO_IP6_FRAGMENT || proto == PKT_PROTO_IP6_DSTOPTS;
}

/* Makes the compiler compute @x as a value rather than branch on how it was made: for conditions the
 * data decides (which form a header has, whether a port is registered), where a branch would be
 * mispredicted as often as not. */
#define PKT_COMPUTED(x) __asm__("" : "+r"(x))

/* The record of a payload no registered port claims (pkt_port_lookup()), whose protocol the
 * protocols' heuristics decide when the walk reaches it (pkt_guess_payload()). Never registered and
 * never seen outside the walk: the id is kept from run-time registration. */
#define PKT_PROTO_GUESS (PKT_PROTO_MAX - 1u)

/* The protocol of layer @idx of @p, a PKT_PROTO_GUESS record over a transport: the first whose
 * heuristic claims the bytes (registry.c), or raw. */
unsigned pkt_guess_payload(const struct pkt *p, unsigned idx);

/* Next layer by the lower port first, as tshark's "try heuristic sub-dissectors first" off does
 * (the transports' hooks and fast forms); PKT_PROTO_GUESS when neither port is registered. Both ports
 * are read and one chosen without a branch: whether the lower port is registered is data. */
static inline unsigned
pkt_port_lookup(enum pkt_key_space space, uint16_t sport, uint16_t dport)
{
        unsigned low = MIN(sport, dport);
        PKT_COMPUTED(low);
        unsigned lower = pkt_key_lookup16(space, (uint16_t)low);
        unsigned upper = pkt_key_lookup16(space, (uint16_t)(sport ^ dport ^ low));
        unsigned next = lower != PKT_PROTO_NONE ? lower : upper;
        next = next != PKT_PROTO_NONE ? next : PKT_PROTO_GUESS;
        PKT_COMPUTED(next);
        return next;
}

/* What a fast form finds in a header: its length (0: the header does not have the form, the hook
 * decides), the payload's (PKT_LEN_REST: the rest) and the next protocol (PKT_PROTO_NONE: opaque). */
struct pkt_fast_hit {
        uint32_t hdr_len;
        uint32_t payload_len;
        uint32_t next;
};

/*
 * Reads a header at @b (@len captured and @wire_len reported bytes) in fast form @f of a protocol whose
 * headers are @min_hdr_len bytes (see struct pkt_fast). Inline everywhere: with @f a constant (a
 * built-in's PKT_FAST_STEP()), each check the form does not make disappears and those it makes become
 * constants; registry.c calls it with the form of a protocol registered at run time, read as data.
 */
static inline __attribute__((always_inline)) struct pkt_fast_hit
pkt_fast_read(const struct pkt_fast *f, uint32_t min_hdr_len, const uint8_t *b, uint32_t len,
              uint32_t wire_len)
{
        const struct pkt_fast_hit no = { 0 };
        uint32_t hdr_len = min_hdr_len, payload_len = PKT_LEN_REST;
        unsigned next;

        if (f->key == PKT_FAST_NONE || len < min_hdr_len)
                return no;
        if (f->key == PKT_FAST_WHOLE) {
                /* Cut by the capture, the hook's header runs past it (flagged truncated). */
                if (len != wire_len)
                        return no;
                return (struct pkt_fast_hit){ .hdr_len = len, .payload_len = 0 };
        }
        if ((f->flags & PKT_FAST_MATCH) && f->opt_len == 0) {
                if ((b[f->match_off] & f->match_mask) != (f->match_val & f->match_mask))
                        return no;
        } else if (f->flags & PKT_FAST_MATCH) {
                /* The form or the longer one (TCP timestamps), whose options their first 4 bytes
                 * settle. Which one a header has is data (half of all TCP segments carry timestamps),
                 * so it is chosen without a branch: the 4 bytes are read where they would be when
                 * there is room for them, else at the start (min_hdr_len >= 4, never past the end). */
                uint8_t m = b[f->match_off] & f->match_mask;
                bool room = len >= hdr_len + f->opt_len;
                uint32_t at = hdr_len & (0u - (uint32_t)room);
                uint32_t longer = room & (m == (f->opt_val & f->match_mask)) &
                                  (pkt_load_be32(b + at) == pkt_load_be32(f->opt_prefix));
                uint32_t ok = longer | (m == (f->match_val & f->match_mask));

                PKT_COMPUTED(longer);
                PKT_COMPUTED(ok);
                if (!ok)
                        return no;
                hdr_len += f->opt_len & (0u - longer);
        }
        if ((f->flags & PKT_FAST_ZERO) && (pkt_load_be16(b + f->zero_off) & f->zero_mask) != 0)
                return no;
        if (f->flags & PKT_FAST_LEN) {
                bool with_hdr = f->flags & PKT_FAST_LEN_HDR;
                uint32_t total = pkt_load_be16(b + f->len_off) + (with_hdr ? 0 : min_hdr_len);

                /* A length of 0 (IPv6 jumbogram or nothing, UDP jumbogram), one below the header, or
                 * one beyond the frame: the hook flags or special-cases each. */
                if (total < hdr_len + (with_hdr ? 0 : 1) || total > wire_len)
                        return no;
                payload_len = total - hdr_len;
        }
        enum pkt_key_space space = f->key_space;
        if (f->key == PKT_FAST_KEY8) {
                next = pkt_key_lookup16(space, b[f->key_off]);
        } else if (f->key == PKT_FAST_KEY16) {
                uint16_t k = pkt_load_be16(b + f->key_off);
                if (k < f->key_min)
                        return no; /* not a key (an 802.3 length) */
                next = pkt_key_lookup16(space, k);
        } else {
                next = pkt_port_lookup(space, pkt_load_be16(b + f->key_off),
                                       pkt_load_be16(b + f->key_off + 2));
        }
        return (struct pkt_fast_hit){ .hdr_len = hdr_len, .payload_len = payload_len, .next = next };
}

/*
 * The step behind every fast form: dissects layer @l of @p (the last record) by form @f and records the
 * next layer (see pkt_fast_step_fn); record @l + 1 must exist. Inline: each compiled form gets its own
 * copy.
 */
static inline __attribute__((always_inline)) unsigned
pkt_fast_step_as(const struct pkt_fast *f, uint32_t min_hdr_len, struct pkt *p, struct pkt_layer *l)
{
        uint32_t off = l->off, len = l->len, wire_len = l->wire_len;
        struct pkt_fast_hit h = pkt_fast_read(f, min_hdr_len, p->data + off, len, wire_len);

        if (h.hdr_len == 0)
                return 0;
        /* wire_len >= len >= hdr_len */
        uint32_t cap_rest = MIN(len - h.hdr_len, h.payload_len);
        uint32_t wire_rest = MIN(wire_len - h.hdr_len, h.payload_len);
        l->flags |= PKT_LAYER_DISSECTED;
        l->hdr_len = h.hdr_len;
        if (f->flags & PKT_FAST_ENDS_HERE) {
                /* As dissect_hooked() does for PKT_DISSECT_ENDS_HERE. */
                l->len = h.hdr_len + cap_rest;
                l->wire_len = h.hdr_len + wire_rest;
        }
        /* The registry holds registered ids only: PKT_PROTO_NONE (opaque payload) is all to replace
         * (PKT_PROTO_RAW is 1). Field by field: a store each, no zeroing first. The record is written
         * even when there is no payload (the walk keeps room for it): whether there is one is data (a
         * pure ACK), so only the return value says. */
        _Static_assert(PKT_PROTO_NONE == 0 && PKT_PROTO_RAW == 1, "raw replaces none by an OR");
        uint16_t next = (uint16_t)(h.next | (h.next == PKT_PROTO_NONE));
        unsigned ret = cap_rest != 0 ? next : PKT_FAST_STEP_END;
        PKT_COMPUTED(ret);
        l[1].proto = next;
        l[1].flags = 0;
        l[1].off = off + h.hdr_len;
        l[1].hdr_len = 0;
        l[1].len = cap_rest;
        l[1].wire_len = wire_rest;
        l[1].set_mask = 0;
        return ret;
}

/* Defines @name, a built-in protocol's fast form compiled (struct pkt_proto's fast_step), from the
 * initializer its descriptor's @fast has too; @min_hdr_len is the descriptor's. */
#define PKT_FAST_STEP(name, min_hdr_len, ...)                                                           \
        static unsigned name(struct pkt *p, struct pkt_layer *l)                                        \
        {                                                                                               \
                return pkt_fast_step_as(&(const struct pkt_fast)__VA_ARGS__, (min_hdr_len), p, l);     \
        }

/* The engine's step per protocol id (registry.c): the compiled form, the descriptor's form read as
 * data for a protocol registered at run time, or one that always says no (no form; a protocol that
 * quotes packets, whose lengths the forms do not handle). Never NULL for a registered id. */
extern pkt_fast_step_fn pkt_fast_steps[PKT_PROTO_MAX] __attribute__((visibility("hidden")));

/* ISO 8473's check bytes (7.2.9.1, Annex C) for @len bytes at @b, the checksum at @at cleared first
 * (build.c): IS-IS LSPs' and OSPF LSAs' Fletcher checksum (RFC 2328 12.1.7). */
uint16_t pkt_fletcher_checkbytes(uint8_t *b, uint32_t len, uint32_t at);

/* Internet checksum (RFC 1071): pkt_csum_add() and pkt_csum_fold() inline, for the update hooks that
 * sum short headers once per packet (IPv4's header checksum after a TTL change). */
static inline uint32_t
pkt_csum_add_inline(uint32_t sum, const void *data, size_t len)
{
        const uint8_t *b = data;
        uint64_t acc = 0, t;

        /*
         * The sum is independent of byte order (RFC 1071 2(B)): the words are summed as the host
         * loads them, eight bytes at a time into a 64-bit accumulator, folded to 32 bits (end-around
         * carries) and turned into network order once. The result is congruent, modulo 0xffff, to
         * summing the big-endian words one by one, which is all pkt_csum_fold() needs.
         */
        while (len >= 8) {
                uint64_t w;
                memcpy(&w, b, 8);
                acc += (w & 0xffffffffu) + (w >> 32);
                b += 8;
                len -= 8;
        }
        if (len >= 4) {
                uint32_t w;
                memcpy(&w, b, 4);
                acc += w;
                b += 4;
                len -= 4;
        }
        if (len >= 2) {
                uint16_t w;
                memcpy(&w, b, 2);
                acc += w;
                b += 2;
                len -= 2;
        }
        if (len) {
                /* An odd last byte is the high byte of a word padded with zero. */
                uint8_t pad[2] = { b[0], 0 };
                uint16_t w;
                memcpy(&w, pad, 2);
                acc += w;
        }
        acc = (acc & 0xffffffffu) + (acc >> 32);
        acc = (acc & 0xffffffffu) + (acc >> 32);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* Rotating by 8 multiplies by 2^8 modulo 2^32 - 1, hence modulo 0xffff, where it swaps the
         * two bytes of every 16-bit word: the sum in network order, up to the final fold. */
        acc = (uint32_t)(acc << 8 | acc >> 24);
#endif
        t = (uint64_t)sum + acc;
        return (uint32_t)((t & 0xffffffffu) + (t >> 32));
}

static inline uint16_t
pkt_csum_fold_inline(uint32_t sum)
{
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t)~sum;
}

/* First value in @space that selects @proto (to fill next-layer type fields). */
int pkt_carrier_key(unsigned proto, enum pkt_key_space space, uint32_t *ret);

/* OSI network layer protocols name themselves by their first byte, the NLPID (ISO/TR 9577), so a
 * carrier of OSI packets (LLC's SAP 0xfe, Cisco HDLC's 0xfefe, GRE's 0x00fe, PPP's 0x0023) reads
 * the protocol at @at of @v, the first byte it carries: none (raw) when nothing registered it or it
 * is not there. */
static inline unsigned
pkt_osi_next(const struct pkt_view *v, uint32_t at)
{
        return at < v->caplen ? pkt_key_lookup16(PKT_KEY_NLPID, v->b[at]) : PKT_PROTO_NONE;
}

/* Is @proto an OSI network layer protocol (it has an NLPID)? */
static inline bool
pkt_is_osi(unsigned proto)
{
        uint32_t nlpid;

        return pkt_carrier_key(proto, PKT_KEY_NLPID, &nlpid) == 0;
}

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
/* Locates the @n fields of @table into @ret[0..n) in one pass (each from the one before, where
 * pkt_field_locate() locates the ones before again for every field). Returns 0, or the error of the
 * first field that is not there. */
int pkt_fields_locate(const uint8_t *base, uint32_t len, const struct pkt_field *table, unsigned n,
                      struct field_loc *ret);
/* Is @f an integer (its value a number, named or not), not an address, bytes or text? */
static inline bool
pkt_field_is_integer(const struct pkt_field *f)
{
        return f->type == PKT_FT_UINT || f->type == PKT_FT_FLAGS || f->type == PKT_FT_ENUM;
}

uint64_t pkt_bits_read(const uint8_t *b, uint32_t bit_off, uint32_t bits, bool le);
void pkt_bits_write(uint8_t *b, uint32_t bit_off, uint32_t bits, bool le, uint64_t v);
int pkt_value_format(const struct pkt_field *f, const uint8_t *msg, uint32_t msg_len, const uint8_t *base,
                     struct field_loc loc, char *buf, size_t size);
int pkt_value_parse(const struct pkt_field *f, const char *text, uint64_t *ret_u, uint8_t *ret_bytes,
                    size_t *ret_len);
int pkt_dnsname_decode(const uint8_t *msg, uint32_t msg_len, uint32_t off, char *buf, size_t size,
                       uint32_t *ret_wire_len);
int pkt_dnsname_wire_len(const uint8_t *msg, uint32_t msg_len, uint32_t off, uint32_t *ret);
/* pkt_dnsname_decode() without the text: 0 when the name at @off, pointers followed, ends within
 * @msg_len (*@ret_wire_len: its bytes at @off), -ENODATA when it runs past it, -EBADMSG otherwise. */
int pkt_dnsname_check(const uint8_t *msg, uint32_t msg_len, uint32_t off, uint32_t *ret_wire_len);
int pkt_dnsname_encode(const char *text, uint8_t *out, size_t size);
/* The PKT_FF_NETBIOS forms of a DNS name (see proto.h): its text (length, -ENODATA, -EBADMSG or
 * -EMSGSIZE), and its wire form from such text ("NAME<1d>.scope"; without a type the name is padded
 * with spaces to all 16 bytes) or from a DNS name's text when it is no NetBIOS name's. */
int pkt_nbname_decode(const uint8_t *msg, uint32_t msg_len, uint32_t off, char *buf, size_t size);
int pkt_nbname_encode(const char *text, uint8_t *out, size_t size);
int pkt_field_default_len(const struct pkt_field *f);
/* The value @text names in @names (case-insensitive; @names may be NULL) or writes as a number up to
 * @max: an element's kind by name or number ("mss", "chassis", "0x7f"). Returns 0 or -EINVAL. */
int pkt_name_value(const struct pkt_name *names, const char *text, uint32_t max, uint32_t *ret);
/* Open and close a scope in which pkt_spec_split() keeps values of any length (spec.c): around every
 * build that hands text to hooks. Scopes nest; leaving the outermost frees the long values. */
void pkt_spec_scope_enter(void);
void pkt_spec_scope_leave(void);
/* The number that element argument @key gives by a name of @names or as a number up to @max; @def when
 * the argument is absent, -EINVAL when it is neither (spec.c). */
int pkt_spec_named(const struct pkt_spec_arg *args, int n, const char *key, const struct pkt_name *names,
                   uint32_t max, int def);
/* Is @text written as a MAC address: six colon-separated byte pairs (an IPv6 address has "::" or a
 * different count)? (spec.c) */
bool pkt_text_is_mac(const char *text);

/* Building (build.c). Grows or shrinks the header of layer @idx by inserting/removing bytes at header
 * offset @at; keeps every record consistent. The packet must be owned. */
int pkt_layer_splice(struct pkt *p, unsigned idx, uint32_t at, uint32_t remove, const void *insert,
                     uint32_t insert_len);
int pkt_make_owned(struct pkt *p);
void pkt_mark_dirty(struct pkt *p, unsigned idx, const struct pkt_field *f);

/* Swaps two 16-bit ports in place (the transports' reverse hook, udp.c). */
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
