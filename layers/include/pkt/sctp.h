/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP (RFC 9260): checking the CRC-32c of a dissected packet. */
#ifndef PKT_SCTP_PUB_H
#define PKT_SCTP_PUB_H

#include <pkt/pkt.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Checks the CRC-32c checksum (RFC 9260 6.8, appendix B) of the sctp layer @idx of @p, over the whole
 * SCTP packet as captured. Returns 1 when it is right, 0 when it is wrong (tshark's
 * sctp.checksum.status 1 and 0 with -o 'sctp.checksum:CRC 32c'), -ENOENT when layer @idx is not SCTP,
 * -ENODATA when the packet was cut by the capture (nothing to sum), -EINVAL on a NULL @p.
 * Thread-safe on distinct packets.
 */
int pkt_sctp_checksum_check(struct pkt *p, unsigned idx);

#ifdef __cplusplus
}
#endif

#endif
