/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * raw: opaque payload bytes. Where no protocol claims a payload, dissection ends in a raw layer (tshark
 * calls it "data"), so the bytes are a layer like any other: found, printed, built and serialised.
 */
#include "internal.h"

/* clang-format off */
static const struct pkt_field raw_fields[] = {
        { .name = "data", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

static void
raw_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->caplen;
        d->next = PKT_PROTO_NONE;
}

/* The bytes are the layer: captured whole, there is nothing to check (cut, the hook takes them as they
 * are, unflagged, as ever). */
#define RAW_FAST { .key = PKT_FAST_WHOLE }
PKT_FAST_STEP(raw_fast_step, 0, RAW_FAST)

const struct pkt_proto pkt_proto_raw = {
        .name = "raw",
        .summary = "payload bytes no protocol claimed",
        .id = PKT_PROTO_RAW,
        .min_hdr_len = 0,
        .fields = raw_fields,
        .n_fields = ARRAY_SIZE(raw_fields),
        .dissect = raw_dissect,
        .fast = RAW_FAST,
        .fast_step = raw_fast_step,
};
