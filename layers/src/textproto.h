/* SPDX-License-Identifier: BSD-3-Clause */
/* Text protocols in the RFC 822 style (HTTP, SIP): the parts they share, in textproto.c. */
#ifndef PKT_TEXTPROTO_H
#define PKT_TEXTPROTO_H

#include <stdbool.h>
#include <stdint.h>

#include <pkt/proto.h>

/* The longest method token a start line is scanned for: registered HTTP methods (IANA, longest
 * BASELINE-CONTROL, 16) and SIP methods are shorter, and a longer run of letters is no start line. */
#define PKT_TEXT_METHOD_MAX 32u

/* Tells whether the first line (@len bytes, no line end) is a start line of the protocol. */
typedef bool (*pkt_text_start_fn)(const uint8_t *line, uint32_t len);

/* Fields of one header line: name, then the value from the element's data_off. */
extern const struct pkt_field pkt_text_hdr_fields[1];
extern const struct pkt_field pkt_text_value_fields[1];

/* The head (start line, header lines, empty line) as the layer header, the body as its payload. A first
 * line that is no start line makes an empty header: the bytes continue an earlier message. */
void pkt_text_dissect(const struct pkt_view *v, struct pkt_dissect *d, pkt_text_start_fn is_start);

/* Is the first line of @v captured whole, and a start line? What the heuristics of HTTP and SIP ask
 * of a payload on a port nobody registered. Cheap on other bytes: the line end is only looked for
 * after a start the line could have ("HTTP/", "SIP/" or an upper-case token and a space). */
bool pkt_text_starts_message(const struct pkt_view *v, pkt_text_start_fn is_start);

/* Header lines as elements: each element is "Name: value" without its line end. */
int pkt_text_hdr_next(const struct pkt_view *v, struct pkt_elem *e, pkt_text_start_fn is_start);

/* Encodes hdr(name=..., value=...) or hdr("Name", "value") as "Name: value\r\n", placed before the
 * empty line that ends the head. */
int pkt_text_hdr_build(const struct pkt_view *v, uint32_t hdr_len, const char *text, uint8_t *out,
                       size_t size, uint32_t *ret_at);

/* Ends a built head with line ends where they are missing (after the start line, the empty line). */
int pkt_text_update(struct pkt *p, unsigned idx);

#endif
