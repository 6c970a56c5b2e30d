/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to smb2.c and nbss.c. */
#ifndef PKT_APP_SMB2_H
#define PKT_APP_SMB2_H

#include <pkt/proto.h>

/* The layer of the SMB2 message at @off, which starts with 0xFE, 0xFD or 0xFC and "SMB": the transform
 * or compression transform header, or the packet header in the form its ASYNC flag says
 * (PKT_PROTO_SMB2 or PKT_PROTO_SMB2_ASYNC). A header cut before its flags is taken as the synchronous
 * form, which the engine then flags truncated. */
unsigned pkt_smb2_form(const struct pkt_view *v, uint32_t off);

#endif
