/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes the text spec: the input, cut at its first NUL, is handed to pkt_build(). When it builds,
 * the packet serialises (or says -ERANGE: a computed length too large for its field), prints and
 * walks; its bytes, parsed again from the first layer, serialise to the very same bytes. When it does
 * not, the call fails cleanly with a message and an empty packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>

#include "fuzz.h"

/* Why 8 KiB: longer than any hand-written spec; longer inputs only slow the fuzzer down. */
#define SPEC_MAX 8192

static int
count_text(void *ctx, const char *text, size_t len)
{
        FUZZ_CHECK(text != NULL);
        *(size_t *)ctx += len;
        return 0;
}

static int
count_event(void *ctx, enum pkt_visit_event ev, const char *name, const struct pkt_layer *l,
            const struct pkt_value *v)
{
        (void)l;
        FUZZ_CHECK(name != NULL);
        if (ev == PKT_VISIT_FIELD)
                FUZZ_CHECK(v != NULL && v->text != NULL);
        (*(unsigned *)ctx)++;
        return 0;
}

static void
check_built(struct pkt *p)
{
        const uint8_t *out, *again_out;
        size_t printed = 0;
        unsigned events = 0;
        struct pkt again;

        int n = pkt_serialize(p, 0, &out);
        /* A computed length that its field cannot hold (options past a 4-bit header length) is the
         * one way a built packet fails to serialise; it still prints. */
        if (n == -ERANGE) {
                FUZZ_CHECK(pkt_print(p, count_text, &printed) == 0);
                return;
        }
        FUZZ_CHECK(n >= 0 && (size_t)n == pkt_len(p));
        FUZZ_CHECK(p->n_layers >= 1);
        FUZZ_CHECK(pkt_print(p, count_text, &printed) == 0);
        FUZZ_CHECK(pkt_visit(p, count_event, &events) == 0);

        /* Serialising again changes nothing: the auto fields are already up to date. */
        uint8_t *copy = malloc(n ? (size_t)n : 1);
        FUZZ_CHECK(copy != NULL);
        memcpy(copy, out, (size_t)n);
        FUZZ_CHECK(pkt_serialize(p, 0, &out) == n && memcmp(out, copy, (size_t)n) == 0);

        pkt_init(&again);
        FUZZ_CHECK(pkt_parse(&again, p->layers[0].proto, copy, (size_t)n, (size_t)n) == 0);
        pkt_dissect_all(&again);
        FUZZ_CHECK(pkt_serialize(&again, 0, &again_out) == n);
        FUZZ_CHECK(n == 0 || memcmp(again_out, copy, (size_t)n) == 0);
        FUZZ_CHECK(pkt_print(&again, count_text, &printed) == 0);
        pkt_done(&again);
        free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char err[256];
        struct pkt p;

        if (size > SPEC_MAX)
                return 0;
        char *spec = malloc(size + 1);
        FUZZ_CHECK(spec != NULL);
        memcpy(spec, data, size);
        spec[size] = 0;

        pkt_init(&p);
        int r = pkt_build(&p, spec, err, sizeof(err));
        if (r == 0) {
                check_built(&p);
        } else {
                FUZZ_CHECK(r == -EINVAL || r == -ENOENT || r == -ERANGE || r == -ENOMEM ||
                           r == -EMSGSIZE || r == -E2BIG || r == -ENODATA || r == -EOPNOTSUPP);
                FUZZ_CHECK(memchr(err, 0, sizeof(err)) != NULL);
                FUZZ_CHECK(err[0] != 0 || r == -ENOMEM); /* a failure says why */
                FUZZ_CHECK(p.n_layers == 0);
        }
        pkt_done(&p);
        free(spec);
        return 0;
}
