/* SPDX-License-Identifier: BSD-3-Clause */
/* libpktproto in one include: the output buffer, the error table, the request path, packets <-> JSON. */
#ifndef PKTP_PKTP_H
#define PKTP_PKTP_H

#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>
#include <pktp/packet.h>

#endif
