/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NTP v3/v4 packet header (RFC 1305 appendix A, RFC 5905 7.3).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |LI | VN  |Mode |    Stratum     |     Poll      |  Precision   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Root Delay                            |
 *  |                         Root Dispersion                       |
 *  |                          Reference ID                         |
 *  |                     Reference Timestamp (64)                  |
 *  |                      Origin Timestamp (64)                    |
 *  |                      Receive Timestamp (64)                   |
 *  |                      Transmit Timestamp (64)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  extension fields, key identifier and digest (the payload)   |
 *
 * pypacker's names. Root delay and dispersion are 16.16 fixed point and the timestamps 32.32 fixed
 * point seconds since 1900 (RFC 5905 6), all shown as their raw integers, as tshark -T fields shows the
 * first two; precision is a signed power of two. Control (mode 6) and private (mode 7) messages share
 * only the first byte's version and mode with this header: the port hands them to their own
 * protocols, ntpctrl and ntppriv (the dispatch hook; scapy's NTPControl and NTPPrivate).
 */
#include "ntp.h"

#define NTP_HDR_LEN 48

/* clang-format off */
const struct pkt_name pkt_ntp_mode_names[] = {
        { 0, "reserved" }, { 1, "symmetric_active" }, { 2, "symmetric_passive" }, { 3, "client" },
        { 4, "server" }, { 5, "broadcast" }, { 6, "control" }, { 7, "private" }, { 0, NULL },
};

const struct pkt_name pkt_ntp_li_names[] = {
        { 0, "no_warning" }, { 1, "61s" }, { 2, "59s" }, { 3, "unsynchronized" }, { 0, NULL },
};

static const struct pkt_field ntp_fields[] = {
        { .name = "flags",          .off = 0,   .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x23 },
        { .name = "li",             .off = 0,   .bits = 2,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = pkt_ntp_li_names },
        { .name = "v",              .off = 2,   .bits = 3,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "mode",           .off = 5,   .bits = 3,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = pkt_ntp_mode_names },
        { .name = "stratum",        .off = 8,   .bits = 8,  .type = PKT_FT_UINT },
        { .name = "interval",       .off = 16,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "precision",      .off = 24,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_SIGNED },
        { .name = "delay",          .off = 32,  .bits = 32, .type = PKT_FT_UINT },
        { .name = "dispersion",     .off = 64,  .bits = 32, .type = PKT_FT_UINT },
        { .name = "id",             .off = 96,  .bits = 32, .type = PKT_FT_BYTES },
        { .name = "update_time",    .off = 128, .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "originate_time", .off = 192, .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "receive_time",   .off = 256, .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "transmit_time",  .off = 320, .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
/* clang-format on */

/* A message's mode says which of the three formats it is. */
static unsigned
ntp_dispatch(const struct pkt_view *v)
{
        switch (v->b[0] & 7) {
        case NTP_MODE_CONTROL:
                return PKT_PROTO_NTPCTRL;
        case NTP_MODE_PRIVATE:
                return PKT_PROTO_NTPPRIV;
        default:
                return v->proto;
        }
}

const struct pkt_key pkt_ntp_carriers[] = {
        { PKT_KEY_UDP_PORT, NTP_PORT },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_ntp = {
        .name = "ntp",
        .summary = "Network Time Protocol v3/v4 (RFC 5905)",
        .id = PKT_PROTO_NTP,
        .min_hdr_len = NTP_HDR_LEN, /* shorter is cut (truncated) or lies about its length (malformed) */
        .fields = ntp_fields,
        .n_fields = ARRAY_SIZE(ntp_fields),
        .carriers = pkt_ntp_carriers,
        .dispatch = ntp_dispatch,
        .not_dissected = "Extension fields (RFC 7822) and the MAC stay raw",
};
