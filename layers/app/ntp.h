/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: what NTP's three message formats (ntp.c, ntpctrl.c, ntppriv.c) share, their
 * first byte's version and mode. */
#ifndef PKT_NTP_H
#define PKT_NTP_H

#include "internal.h"

enum {
        NTP_PORT = 123,
        NTP_MODE_CONTROL = 6, /* RFC 9327 */
        NTP_MODE_PRIVATE = 7, /* ntpd's own (ntpdc) */
};

extern const struct pkt_name pkt_ntp_mode_names[];
extern const struct pkt_name pkt_ntp_li_names[];
extern const struct pkt_key pkt_ntp_carriers[];

#endif
