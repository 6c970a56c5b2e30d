/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the fuzz harnesses. Each harness defines LLVMFuzzerTestOneInput(); it is linked either
 * with libFuzzer (-fsanitize=fuzzer) or with replay.c, which feeds it every file of a seed
 * directory so that the seeds run in every ordinary and sanitizer build through ctest.
 */
#ifndef PKTD_FUZZ_H
#define PKTD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a crash, in release builds too: assert() vanishes under NDEBUG, and
 * libFuzzer only notices an abort. */
#define FUZZ_CHECK(cond)                                                                           \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,       \
                                #cond);                                                            \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#endif
