/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the tests: corpus paths, hex, building from a spec, comparing bytes. */
#ifndef PKTD_TESTUTIL_H
#define PKTD_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pkt/pkt.h>

/* Path of @rel under the shared corpus (static buffer). */
const char *tu_corpus(const char *rel);

/* Path of @rel under the source tree (static buffer). */
const char *tu_source(const char *rel);

/* Decodes hex (spaces allowed) into @out; returns the length or fails the test. */
size_t tu_hex(const char *hex, uint8_t *out, size_t size);

/* Builds @spec into @p or fails the test with the spec error. Returns the serialised length. */
size_t tu_build(struct pkt *p, const char *spec, const uint8_t **ret_data);

/* Fails with a hexdump of both when the byte strings differ. */
void tu_assert_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len);

/* Runs @cmd through the shell and returns its stdout (malloc'd, NUL-terminated) or NULL. */
char *tu_run(const char *cmd, int *ret_status);

/* Whether an executable is on PATH. */
int tu_have(const char *prog);

/* Reads field @name of layer @idx as text, failing the test when it is missing. (static buffer) */
const char *tu_field(struct pkt *p, unsigned idx, const char *name);

#endif
