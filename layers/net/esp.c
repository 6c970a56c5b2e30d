/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP Encapsulating Security Payload (RFC 4303), after IPv4 or IPv6.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |               Security Parameters Index (SPI)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Sequence Number                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Payload Data, Padding, Pad Length, Next Header (encrypted)   |
 *  ~                 Integrity Check Value (variable)              ~
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Everything after the sequence number is opaque without the security association (even the next
 * header sits at the encrypted end), so it stays a raw payload.
 */
#include "internal.h"

#define ESP_HDR_LEN 8

/* clang-format off */
static const struct pkt_field esp_fields[] = {
        { .name = "spi", .off = 0,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "seq", .off = 32, .bits = 32, .type = PKT_FT_UINT },
};
/* clang-format on */

static const struct pkt_key esp_carriers[] = {
        { PKT_KEY_IP_PROTO, 50 },
        PKT_KEY_END,
};

static const char *const esp_aliases[] = { "ip6espheader", NULL };

/* No dissect hook: the fixed 8 bytes, then the rest as raw bytes. */
const struct pkt_proto pkt_proto_esp = {
        .name = "esp",
        .aliases = esp_aliases,
        .summary = "IP Encapsulating Security Payload (RFC 4303)",
        .id = PKT_PROTO_ESP,
        .min_hdr_len = ESP_HDR_LEN,
        .fields = esp_fields,
        .n_fields = ARRAY_SIZE(esp_fields),
        .carriers = esp_carriers,
        .not_dissected = "Everything after the sequence number is encrypted and stays raw (no "
                         "decryption).",
};
