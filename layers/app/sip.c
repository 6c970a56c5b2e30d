/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIP messages (RFC 3261 7), the same text shape as HTTP (shared in textproto.c):
 *
 *   INVITE sip:bob@example.org SIP/2.0\r\n   Request-Line = Method SP Request-URI SP SIP-Version
 *   SIP/2.0 200 OK\r\n                       Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase
 *   Via: SIP/2.0/UDP 192.0.2.1:5060\r\n      message-header (compact forms too: "v:", "i:", "l:")
 *   \r\n
 *   body (SDP, RFC 4566)
 *
 * pypacker's SIP, like its HTTP: "startline", "hdr" (name, value), body as payload.
 */
#include <string.h>

#include "internal.h"
#include "textproto.h"

/* clang-format off */
static const struct pkt_field sip_fields[] = {
        { .name = "startline", .off = 0, .bits = 0, .type = PKT_FT_STRING, .flags = PKT_FF_DELIM, .def_bytes = "\r\n" },
};
/* clang-format on */

#define SIP_VERSION "SIP/2.0"
#define SIP_VERSION_LEN 7

/* A status line, or Method SP Request-URI SP "SIP/2.0" (RFC 3261 7.1, 7.2). */
static bool
sip_is_start(const uint8_t *line, uint32_t len)
{
        uint32_t i = 0;

        if (len > SIP_VERSION_LEN && memcmp(line, SIP_VERSION " ", SIP_VERSION_LEN + 1) == 0)
                return true;
        while (i < len && i < PKT_TEXT_METHOD_MAX && ((line[i] >= 'A' && line[i] <= 'Z') || line[i] == '-'))
                i++;
        if (i == 0 || i >= len || line[i] != ' ' || len - i < SIP_VERSION_LEN + 2)
                return false;
        return memcmp(line + len - SIP_VERSION_LEN, SIP_VERSION, SIP_VERSION_LEN) == 0 &&
               line[len - SIP_VERSION_LEN - 1] == ' ';
}

static void
sip_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        pkt_text_dissect(v, d, sip_is_start);
}

/* On a port nobody registered (tshark's heuristic, over UDP and TCP): a whole first line that is a
 * request or status line. */
static bool
sip_heuristic(const struct pkt_view *v)
{
        return pkt_text_starts_message(v, sip_is_start);
}

static int
sip_hdr_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return pkt_text_hdr_next(v, e, sip_is_start);
}

static const struct pkt_elem_set sip_elems[] = {
        { .name = "hdr", .elem_name = "header", .next = sip_hdr_next, .fields = pkt_text_hdr_fields,
          .n_fields = ARRAY_SIZE(pkt_text_hdr_fields) },
};

static int
sip_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
               size_t size, uint32_t *ret_at)
{
        (void)set;
        return pkt_text_hdr_build(v, hdr_len, text, out, size, ret_at);
}

static const struct pkt_key sip_carriers[] = {
        { PKT_KEY_UDP_PORT, 5060 },
        { PKT_KEY_TCP_PORT, 5060 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_sip = {
        .name = "sip",
        .summary = "Session Initiation Protocol (RFC 3261)",
        .id = PKT_PROTO_SIP,
        .min_hdr_len = 0,
        .fields = sip_fields,
        .n_fields = ARRAY_SIZE(sip_fields),
        .elems = sip_elems,
        .n_elems = ARRAY_SIZE(sip_elems),
        .carriers = sip_carriers,
        .dissect = sip_dissect,
        .heuristic = sip_heuristic,
        .update = pkt_text_update,
        .elem_build = sip_elem_build,
};
