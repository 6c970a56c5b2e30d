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

/* Measures the record at @pos of the @len bytes at @b (the message): its owner name's wire length and
 * its whole length. Returns 0, -ENODATA (runs past @len) or -EBADMSG (an obsolete label type). */
int dns_record_span(const uint8_t *b, uint32_t len, uint32_t pos, bool is_query, uint32_t *ret_name_len,
                    uint32_t *ret_len);

/* Checks what dns_record_span() measured (@name_len: the owner name's length): that its names can be
 * followed through their pointers, and for a resource record that its data holds what its type says.
 * Returns 0, -ENODATA (a name points past @len) or -EBADMSG. */
int dns_record_check(const uint8_t *b, uint32_t len, uint32_t pos, bool is_query, uint32_t name_len);

/* Sets the kind fields of resource record @e (owner name @name_len bytes long) of type @type. */
void dns_rr_kind(uint16_t type, uint32_t name_len, struct pkt_elem *e);

/* Encodes a query (@is_query) or resource record from "name(key=value,...)" text. Returns the length,
 * -EINVAL, -ENOENT (unknown key), -ERANGE or -EMSGSIZE. */
int dns_rr_build(bool is_query, const char *text, uint8_t *out, size_t size);

/* Rewrites the records of DNS layer @idx (message at header offset @start) with RFC 1035 4.1.4 name
 * compression, when none of its names is compressed yet. Returns 0 or -errno. */
int dns_compress(struct pkt *p, unsigned idx, uint32_t start);

#endif
