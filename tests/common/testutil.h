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

/* Runs the built pktctl with @args (after the environment assignments @env, "" for none), stderr
 * joined to stdout when @with_stderr, and returns its output (malloc'd); the exit code goes to
 * *@ret_code. Fails the test when pktctl could not be run or did not exit. */
char *tu_pktctl(const char *env, const char *args, int with_stderr, int *ret_code);

/* Whether an executable is on PATH. */
int tu_have(const char *prog);

/* Reads field @name of layer @idx as text, failing the test when it is missing. (static buffer) */
const char *tu_field(struct pkt *p, unsigned idx, const char *name);

/* The index of the first layer of @proto (dissecting up to it), failing the test when there is none. */
int tu_layer_of(struct pkt *p, unsigned proto);

/* Field @name of element @nth (from 0) of set @set of layer @i as text, failing the test when there is
 * no such element or field. (static buffer) */
const char *tu_elem_str(struct pkt *p, int i, const char *set, unsigned nth, const char *name);

/* How many elements set @set of layer @i has; their flags ORed into *@ret_flags unless NULL. */
unsigned tu_elem_count(struct pkt *p, int i, const char *set, uint16_t *ret_flags);

/* Why 2048: every corpus frame the unit tests pick is shorter; a longer one fails the test. */
#define TU_FRAME_MAX 2048

/* One frame of a corpus capture, copied out. */
struct tu_frame {
        int dlt;
        uint32_t caplen;
        uint32_t wire_len;
        uint8_t data[TU_FRAME_MAX];
};

/* Loads frame @no (1-based, as tshark counts) of corpus file @rel into @f, or fails the test. */
void tu_load_frame(const char *rel, unsigned no, struct tu_frame *f);

/* Parses @f into @p (initialised here) by its link type and dissects every layer. */
void tu_parse_frame(struct pkt *p, const struct tu_frame *f);

/*
 * Parses every prefix of @f (the reported length stays the frame's): nothing may crash or claim bytes
 * past the prefix, a layer whose header the full frame has but the prefix cuts must be flagged, and
 * every element set of every layer and the printer are walked (each walk bounded).
 */
void tu_sweep_prefixes(const struct tu_frame *f);

/* The damage flags (malformed, truncated) of layer @idx of dissected @p, its elements of set @set
 * (NULL: none) counted into *@ret_count; the packet must print. Then @p is done. For tests of
 * hostile input. */
uint16_t tu_flags_done(struct pkt *p, int idx, const char *set, unsigned *ret_count);

/* Builds @spec into @buf (@size bytes), then parses it from protocol @first into @p (initialised
 * here) with its last @cut bytes not captured, as a capture would hand it over; fails the test when
 * either fails. Returns the built length. */
size_t tu_build_parse(const char *spec, unsigned first, uint32_t cut, uint8_t *buf, size_t size,
                      struct pkt *p);

/* The protocol libpkt finds for UDP payload @hex between two ports nobody registered (40000 and
 * 40002): what the heuristics make of it, or PKT_PROTO_RAW. */
unsigned tu_guessed_over_udp(const char *hex);

/* Does the packet built from @rep_spec answer the one built from @req_spec (pkt_answers()), both
 * parsed back from protocol @first as a capture would hand them over? */
bool tu_answers(const char *req_spec, const char *rep_spec, unsigned first);

/* Builds "@carrier/raw(hex=@hex)", parses it from protocol @first with its last @cut bytes not
 * captured, dissects every layer, and returns tu_flags_done() of the first layer of @proto. For tests
 * of hostile messages inside their usual carriers. */
uint16_t tu_flags_in(const char *carrier, const char *hex, unsigned first, uint32_t cut, unsigned proto,
                     const char *set, unsigned *ret_count);

/* Field @name of layer @idx as an integer, failing the test when it cannot be read. */
uint64_t tu_field_u64(struct pkt *p, unsigned idx, const char *name);

/* A pkt_write_fn that drops what it is given: for printing a packet only to see that it prints. */
int tu_discard(void *ctx, const char *text, size_t len);

/* Builds @spec and fails with a hexdump of both unless it serialises to @want_hex. */
void tu_assert_builds(const char *spec, const char *want_hex);

#endif
