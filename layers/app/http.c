/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/1.x messages (RFC 9112). One TCP segment at a time, as tshark sees them with reassembly off:
 *
 *   GET /index.html HTTP/1.1\r\n          request-line = method SP request-target SP HTTP-version
 *   HTTP/1.1 200 OK\r\n                   status-line  = HTTP-version SP status-code SP [ reason ]
 *   Host: example.org\r\n                 field-line   = field-name ":" OWS field-value OWS
 *   \r\n
 *   body
 *
 * pypacker's HTTP: "startline" (with its CRLF delimiter), "hdr" (header lines as elements, name and
 * value), and the body as the payload. A segment whose first line is neither a request line nor a status
 * line continues a message from earlier segments: an HTTP layer with an empty head, all body.
 */
#include <string.h>

#include "internal.h"
#include "textproto.h"

/* clang-format off */
static const struct pkt_field http_fields[] = {
        { .name = "startline", .off = 0, .bits = 0, .type = PKT_FT_STRING, .flags = PKT_FF_DELIM, .def_bytes = "\r\n" },
};
/* clang-format on */

static bool
is_token_char(uint8_t c)
{
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_';
}

/* "HTTP/" DIGIT "." DIGIT at @b. */
static bool
is_version(const uint8_t *b, uint32_t len)
{
        return len >= 8 && memcmp(b, "HTTP/", 5) == 0 && b[5] >= '0' && b[5] <= '9' && b[6] == '.' &&
               b[7] >= '0' && b[7] <= '9';
}

/* Methods tshark knows a request by even without a version (HTTP/0.9 "GET /", RFC 1945 5). */
static bool
is_known_method(const uint8_t *b, uint32_t len)
{
        static const char *const methods[] = { "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE",
                                               "CONNECT", "PATCH" };

        for (size_t i = 0; i < ARRAY_SIZE(methods); i++)
                if (strlen(methods[i]) == len && memcmp(b, methods[i], len) == 0)
                        return true;
        return false;
}

/* A status line, or a method token, a target and a version (RFC 9112 3, 4). */
static bool
http_is_start(const uint8_t *line, uint32_t len)
{
        uint32_t i = 0;

        if (is_version(line, len))
                return len >= 12 && line[8] == ' ';
        while (i < len && i < PKT_TEXT_METHOD_MAX && is_token_char(line[i]))
                i++;
        if (i == 0 || i >= len || line[i] != ' ')
                return false;
        const uint8_t *sp = len > i + 1 ? memchr(line + i + 1, ' ', len - i - 1) : NULL;
        if (!sp)
                return len > i + 1 && is_known_method(line, i);
        uint32_t v = (uint32_t)(sp - line) + 1;
        return is_version(line + v, len - v);
}

/* On a port nobody registered, tshark's heuristic: a start line that begins or ends with the version
 * (HTTP/0.9's "GET /" is too little to go on). */
static bool
http_versioned_start(const uint8_t *line, uint32_t len)
{
        return http_is_start(line, len) && (is_version(line, len) || (len >= 8 && is_version(line + len - 8, 8)));
}

/* Over TCP only, as tshark's HTTP heuristic: UDP carries HTTP only as SSDP, on its port. */
static bool
http_heuristic(const struct pkt_view *v)
{
        return v->lower == PKT_PROTO_TCP && pkt_text_starts_message(v, http_versioned_start);
}

static void
http_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        pkt_text_dissect(v, d, http_is_start);
}

static int
http_hdr_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return pkt_text_hdr_next(v, e, http_is_start);
}

static const struct pkt_elem_set http_elems[] = {
        { .name = "hdr", .elem_name = "header", .next = http_hdr_next, .fields = pkt_text_hdr_fields,
          .n_fields = ARRAY_SIZE(pkt_text_hdr_fields) },
};

static int
http_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                size_t size, uint32_t *ret_at)
{
        (void)set;
        return pkt_text_hdr_build(v, hdr_len, text, out, size, ret_at);
}

/* tshark's default HTTP ports (http.tcp.port: IPP 631, UPnP 1900 and 2869, DAAP 3689, WinRM 5985, HKP
 * 11371, proxies and the rest), 8000, and SSDP's UDP port (draft-cai-ssdp-v1: HTTP messages in
 * datagrams, which tshark dissects with its HTTP dissector). */
static const struct pkt_key http_carriers[] = {
        { PKT_KEY_TCP_PORT, 80 },   { PKT_KEY_TCP_PORT, 631 },  { PKT_KEY_TCP_PORT, 1900 },
        { PKT_KEY_TCP_PORT, 2710 }, { PKT_KEY_TCP_PORT, 2869 }, { PKT_KEY_TCP_PORT, 3128 },
        { PKT_KEY_TCP_PORT, 3132 }, { PKT_KEY_TCP_PORT, 3689 }, { PKT_KEY_TCP_PORT, 5985 },
        { PKT_KEY_TCP_PORT, 8000 }, { PKT_KEY_TCP_PORT, 8080 }, { PKT_KEY_TCP_PORT, 8088 },
        { PKT_KEY_TCP_PORT, 11371 }, { PKT_KEY_UDP_PORT, 1900 }, PKT_KEY_END,
};

const struct pkt_proto pkt_proto_http = {
        .name = "http",
        .summary = "Hypertext Transfer Protocol 1.x (RFC 9112)",
        .id = PKT_PROTO_HTTP,
        .min_hdr_len = 0,
        .fields = http_fields,
        .n_fields = ARRAY_SIZE(http_fields),
        .elems = http_elems,
        .n_elems = ARRAY_SIZE(http_elems),
        .carriers = http_carriers,
        .dissect = http_dissect,
        .heuristic = http_heuristic,
        .update = pkt_text_update,
        .elem_build = http_elem_build,
};
