/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to tls.c and tls_handshake.c. */
#ifndef PKT_APP_TLS_H
#define PKT_APP_TLS_H

#include <pkt/proto.h>

#define TLS_REC_HDR_LEN 5
#define TLS_CT_ALERT 21 /* RFC 8446 5.1 content types */
#define TLS_CT_HANDSHAKE 22

/* The element sets of an ssl layer, in the descriptor's order. */
enum {
        TLS_HANDSHAKES,
        TLS_HELLOS,
        TLS_CIPHERSUITES,
        TLS_COMPRESSIONS,
        TLS_EXT_LENS,
        TLS_EXTENSIONS,
        TLS_ALPN,
        TLS_CERTIFICATES,
        TLS_ALERTS,
        TLS_OPAQUE,
        TLS_SETS,
};

extern const struct pkt_elem_set pkt_tls_elems[TLS_SETS];

/* Does a record header (known content type, major version 3) start at @off? */
bool pkt_tls_is_record(const struct pkt_view *v, uint32_t off);

int pkt_tls_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                       uint8_t *out, size_t size, uint32_t *ret_at);

#endif
