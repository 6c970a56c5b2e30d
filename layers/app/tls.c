/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SSL 3.0 / TLS records (RFC 8446 5.1, RFC 5246 6.2) and what they carry: handshake messages
 * (RFC 8446 4, RFC 5246 7.4), ChangeCipherSpec, alerts (RFC 8446 6) and application data (opaque).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | ContentType   |   ProtocolVersion (major.minor) |   Length ... |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  ... Length   |  fragment (Length bytes) ...
 *
 * One record is one layer named "ssl" (pypacker's SSL; one of its records): type, version, len. A
 * segment holding several records has consecutive ssl layers. A record that continues in the next
 * segment (the capture holds the whole segment, so nothing was cut) ends the segment unflagged; one cut
 * by the snap length is flagged truncated. A segment that does not start with a record header (the
 * middle of a record) has an empty ssl layer and the bytes stay raw.
 *
 * The record's contents are element sets, read through tls_handshake.c: handshakes (type, len, data),
 * hellos (tlsversion, random, sid_len, sid), ciphersuites, compressions, ext_lens, extensions (type,
 * len; SNI's server_name), alpn (protocol names), certificates (DER bytes), alerts (level,
 * description), and opaque (data): the bytes of a record no other set reads (application data,
 * encrypted messages, ChangeCipherSpec's byte). The handshakes', alerts' and opaque data tile the
 * record, so a record written as JSON reads back byte for byte; the other sets are read from inside
 * the handshake messages and build nothing.
 */
#include <string.h>

#include "internal.h"
#include "tls.h"
#include "tlv.h"

/* clang-format off */
static const struct pkt_name tls_type_names[] = {
        { 20, "change_cipher_spec" }, { 21, "alert" }, { 22, "handshake" }, { 23, "application_data" },
        { 24, "heartbeat" }, { 0, NULL },
};

static const struct pkt_field tls_fields[] = {
        { .name = "type",    .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .names = tls_type_names, .def = 22 },
        { .name = "version", .off = 8,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = 0x0301 },
        { .name = "len",     .off = 24, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};
/* clang-format on */

enum { F_TYPE, F_VERSION, F_LEN };

bool
pkt_tls_is_record(const struct pkt_view *v, uint32_t off)
{
        if (!pkt_rd_has(v, off, TLS_REC_HDR_LEN))
                return false;
        const uint8_t *b = v->b + off;
        /* RFC 8446 5.1: content types 20-24; SSL 3.0 to TLS 1.3 all say major version 3. */
        return b[0] >= 20 && b[0] <= 24 && b[1] == 3 && b[2] <= 4;
}

static void
tls_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t end;

        d->hdr_len = 0;
        if (!pkt_tls_is_record(v, 0)) {
                /* The middle of a record, or not TLS: a short start could still be a cut header. */
                if (v->caplen < TLS_REC_HDR_LEN && v->caplen < v->wire_len && v->caplen > 0)
                        d->hdr_len = TLS_REC_HDR_LEN;
                return;
        }
        end = TLS_REC_HDR_LEN + tlv_be16(v->b + 3);
        if (end > v->caplen) {
                /* Cut by the snap length: the engine flags it (a record that also goes on into the
                 * next segment is cut at this one's end). Continued in the next segment: the record
                 * keeps what this one holds. */
                d->hdr_len = v->caplen < v->wire_len ? MIN(end, v->wire_len) : v->caplen;
                return;
        }
        d->hdr_len = end;
        d->next = pkt_tls_is_record(v, end) ? PKT_PROTO_TLS : PKT_PROTO_NONE;
}

static int
tls_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint32_t len;

        if (l->hdr_len < TLS_REC_HDR_LEN)
                return 0;
        len = l->hdr_len - TLS_REC_HDR_LEN;
        /* A record built as a bare header whose fragment is the layer above it (ssl(type=23)/
         * raw(...): application data) covers that payload too; a following record does not. */
        if (l->hdr_len == TLS_REC_HDR_LEN && idx + 1u < p->n_layers &&
            p->layers[idx + 1].proto != PKT_PROTO_TLS)
                len += l->len - l->hdr_len;
        return pkt_auto_set(p, idx, F_LEN, MIN(len, 0xffffu));
}

/* A record's content type follows the first messages put in it unless set: alerts make an alert
 * record (handshake is the default). Opaque bytes may be any type's. */
static int
tls_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        return set == TLS_ALERTS ? pkt_auto_set(p, idx, F_TYPE, TLS_CT_ALERT) : 0;
}

/*
 * On a port nobody registered: what tshark's heuristic takes for TLS. A handshake or application data
 * record of SSL 3.0 to TLS 1.2 (TLS 1.3 says 1.0 or 1.2 on the wire, RFC 8446 5.1) whose length is not
 * 0 and under 2^14 + 2048 (RFC 5246 6.2.3's limit on a ciphertext). A segment in the middle of a
 * record cannot be told from other bytes and stays raw.
 */
static bool
tls_heuristic(const struct pkt_view *v)
{
        if (v->caplen < TLS_REC_HDR_LEN)
                return false;
        const uint8_t *b = v->b;
        uint16_t len = tlv_be16(b + 3);
        return (b[0] == 22 || b[0] == 23) && b[1] == 3 && b[2] <= 3 && len > 0 && len < 16384 + 2048;
}

/* IANA: HTTPS, SMTPS (465), NNTPS, LDAPS, DNS over TLS (853), FTPS, TELNETS, IMAPS, IRCS, POP3S,
 * SIPS (5061), and the common alternative HTTPS port. */
static const struct pkt_key tls_carriers[] = {
        { PKT_KEY_TCP_PORT, 443 },  { PKT_KEY_TCP_PORT, 465 },  { PKT_KEY_TCP_PORT, 563 },
        { PKT_KEY_TCP_PORT, 636 },  { PKT_KEY_TCP_PORT, 853 },  { PKT_KEY_TCP_PORT, 989 },
        { PKT_KEY_TCP_PORT, 990 },  { PKT_KEY_TCP_PORT, 992 },  { PKT_KEY_TCP_PORT, 993 },
        { PKT_KEY_TCP_PORT, 994 },  { PKT_KEY_TCP_PORT, 995 },  { PKT_KEY_TCP_PORT, 5061 },
        { PKT_KEY_TCP_PORT, 8443 }, PKT_KEY_END,
};

static const char *const tls_aliases[] = { "tls", NULL };

const struct pkt_proto pkt_proto_tls = {
        .name = "ssl",
        .aliases = tls_aliases,
        .summary = "SSL/TLS record (RFC 8446, RFC 5246)",
        .id = PKT_PROTO_TLS,
        .flags = PKT_P_GUESS_SYSTEM_PORTS,
        .min_hdr_len = 0,
        .def_hdr_len = TLS_REC_HDR_LEN,
        .fields = tls_fields,
        .n_fields = ARRAY_SIZE(tls_fields),
        .elems = pkt_tls_elems,
        .n_elems = TLS_SETS,
        .carriers = tls_carriers,
        .dissect = tls_dissect,
        .elem_added = tls_elem_added,
        .heuristic = tls_heuristic,
        .update = tls_update,
        .elem_build = pkt_tls_elem_build,
        .not_dissected = "Handshake bodies other than the hellos and Certificate, extensions "
                         "other than SNI and ALPN, and certificate contents are bytes; encrypted "
                         "records are opaque data.",
};
