/* SPDX-License-Identifier: BSD-3-Clause */
/* DNS pieces shared by dns.c (message, sections) and dns_rr.c (record kinds, compression). Private. */
#ifndef PKT_APP_DNS_H
#define PKT_APP_DNS_H

#include <stdbool.h>
#include <stdint.h>

#include <pkt/proto.h>

#define DNS_HDR_LEN 12
#define DNS_TYPE_OPT 41

/* The four sections, in wire order; also the element set indexes. */
enum { DNS_QD, DNS_AN, DNS_NS, DNS_AR, DNS_SECTIONS };

extern const struct pkt_name dns_type_names[];
extern const struct pkt_name dns_class_names[];

/* What sets a protocol that reuses the message format (NBNS, RFC 1002 4.2) apart from DNS: its record
 * fields (the owner name's form, the names of types), what its record data holds and how that is
 * checked, the type of a record built without one, and whether OPT (RFC 6891) is one of its types. */
struct dns_dialect {
        const struct pkt_field *query_fields; /* name, type, cls */
        const struct pkt_field *rr_fields;    /* name, type, cls, ttl, dlen */
        unsigned qdcount_field;               /* the header's question count; the other counts follow */
        uint16_t default_type;
        bool has_opt;
        bool compresses_rdata; /* names in record data too (of the types dns_rr.c's table says) */
        /* Sets the kind fields of resource record @e (owner name @name_len bytes long) of @type. */
        void (*rr_kind)(uint16_t type, uint32_t name_len, struct pkt_elem *e);
        /* Does the data of a record of @type (@dlen bytes at @pos of the @len bytes of message @msg)
         * hold what its type says? 0, -ENODATA (a name in it points past @len) or -EBADMSG. */
        int (*rdata_check)(const uint8_t *msg, uint32_t len, uint16_t type, uint32_t pos, uint32_t dlen);
};

extern const struct dns_dialect dns_dialect;

/* The iterator of section @sec of a message of dialect @d, for its element sets' next(). */
int dns_section_next(const struct pkt_view *v, struct pkt_elem *e, unsigned sec, const struct dns_dialect *d);

/* A record of section @set built from text, placed at the end of its section; and its count bumped:
 * the elem_build and elem_added hooks of a message of dialect @d. */
int dns_message_elem_build(const struct dns_dialect *d, const struct pkt_view *v, uint32_t hdr_len, unsigned set,
                           const char *text, uint8_t *out, size_t size, uint32_t *ret_at);
int dns_message_elem_added(const struct dns_dialect *d, struct pkt *p, unsigned idx, unsigned set);

/* Whether a message at layer @pi of @rep answers the one at layer @ri of @req (RFC 1035 4.1.1: the
 * same ID, the query without QR and the response with it). */
bool dns_message_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi);

/* Measures the record at @pos of the @len bytes at @b (the message): its owner name's wire length and
 * its whole length. Returns 0, -ENODATA (runs past @len) or -EBADMSG (an obsolete label type). */
int dns_record_span(const uint8_t *b, uint32_t len, uint32_t pos, bool is_query, uint32_t *ret_name_len,
                    uint32_t *ret_len);

/* Checks what dns_record_span() measured (@name_len: the owner name's length): that its names can be
 * followed through their pointers, and for a resource record that its data holds what its type says.
 * Returns 0, -ENODATA (a name points past @len) or -EBADMSG. */
int dns_record_check(const struct dns_dialect *d, const uint8_t *b, uint32_t len, uint32_t pos, bool is_query,
                     uint32_t name_len);

/* DNS's rdata_check (rr_kinds in dns_rr.c). */
int dns_rdata_check(const uint8_t *msg, uint32_t len, uint16_t type, uint32_t pos, uint32_t dlen);

/* Sets the kind fields of resource record @e (owner name @name_len bytes long) of type @type. */
void dns_rr_kind(uint16_t type, uint32_t name_len, struct pkt_elem *e);

/* Encodes a query (@is_query) or resource record of dialect @d from "name(key=value,...)" text.
 * Returns the length, -EINVAL, -ENOENT (unknown key), -ERANGE or -EMSGSIZE. */
int dns_rr_build(const struct dns_dialect *d, bool is_query, const char *text, uint8_t *out, size_t size);

/* Rewrites the records of the message of dialect @d at layer @idx (at header offset @start) with RFC
 * 1035 4.1.4 name compression, when none of its names is compressed yet and the layer is not kept as
 * written (its "compress" switch off). Returns 0 or -errno. */
int dns_compress(const struct dns_dialect *d, struct pkt *p, unsigned idx, uint32_t start);

/* Would dns_compress() change the message (no pointers in it, and names it could point at)? The
 * protocols' is_as_written hook: such a message is not what a rebuild of it would give. */
bool dns_is_compressible(const struct dns_dialect *d, struct pkt *p, unsigned idx, uint32_t start);

#endif
