/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Portmap version 2 (RFC 1833 3): the mapping a SET, UNSET or GETPORT call carries as its arguments,
 * after the RPC call header (rpc.c, program 100000).
 *
 *   +--------+--------+--------+--------+
 *   |  prog  |  vers  |  prot  |  port  |   four XDR unsigned ints; prot is 6 (TCP) or 17 (UDP)
 *   +--------+--------+--------+--------+
 *
 * pypacker's Pmap. Replies carry no program number, and without the call they answer (tshark matches
 * xids across packets) their results cannot be told from other programs': they stay raw.
 */
#include "internal.h"

#define PMAP_LEN 16

/* clang-format off */
static const struct pkt_name pmap_prot_names[] = { { 6, "TCP" }, { 17, "UDP" }, { 0, NULL } };

static const struct pkt_field pmap_fields[] = {
        { .name = "prog", .off = 0,  .bits = 32, .type = PKT_FT_UINT },
        { .name = "vers", .off = 32, .bits = 32, .type = PKT_FT_UINT },
        { .name = "prot", .off = 64, .bits = 32, .type = PKT_FT_ENUM, .names = pmap_prot_names, .def = 17 },
        { .name = "port", .off = 96, .bits = 32, .type = PKT_FT_UINT },
};
/* clang-format on */

static const char *const pmap_aliases[] = { "portmap", NULL };

const struct pkt_proto pkt_proto_portmap = {
        .name = "pmap",
        .aliases = pmap_aliases,
        .summary = "Portmap v2 mapping (RFC 1833)",
        .id = PKT_PROTO_PORTMAP,
        .min_hdr_len = PMAP_LEN,
        .fields = pmap_fields,
        .n_fields = ARRAY_SIZE(pmap_fields),
        .not_dissected = "Replies stay raw: telling them apart needs the call's xid from another "
                         "packet.",
};
