/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets <-> JSON: the "Packet" and "Dissection" types of io.pktd.Packet.varlink.
 *
 * The writer prints the shape of `pktctl read --json` (docs/pktctl.md), one object per layer:
 *
 *   {"layer":"ip","v":4,"hl":5,...,"src":"192.0.2.1","dst":"192.0.2.2","opts":[{"type":1}]}
 *
 * Integers (enums and flag sets too) are numbers, addresses are text, bytes are hex strings, strings
 * are their bytes (as Latin-1: see pktp_buf_json_str()), DNS names are text, element sets are arrays
 * of objects, and a flagged layer carries "truncated":true / "malformed":true. The reader takes that
 * shape back (and the text spec, and base64 bytes).
 */
#ifndef PKTP_PACKET_H
#define PKTP_PACKET_H

#include <pkt/pkt.h>
#include <pktp/buf.h>

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;
struct pktp_error;

/* Writes {"caplen":N,"len":N,"layers":[...]} for @p, dissected fully here: caplen is the captured
 * length, len the length on the wire. A direct writer: allocates nothing once @b has grown to the
 * size of a dissection. Returns 0 or the sticky error of @b (-ENOMEM, -EMSGSIZE). */
int pktp_packet_write(struct pktp_buf *b, struct pkt *p);

/* Writes just the layers array "[{...},...]" of @p (dissected fully here). Returns as
 * pktp_packet_write(). */
int pktp_packet_write_layers(struct pktp_buf *b, struct pkt *p);

/* Limits on what a client can make pktp_packet_from_json() do. Why 64 KiB of spec: it is a frame
 * field anyway (frames are capped at 1 MiB), and no packet needs more text than a jumbo frame in hex.
 * Why 2 KiB per value: longer than any field or element's text; raw payloads and "bytes" fields take
 * the hex path, which has its own limit (the 256 KiB of the largest frame, hex-encoded). */
#define PKTP_SPEC_MAX (64u * 1024u)
#define PKTP_VALUE_TEXT_MAX 2048u
#define PKTP_PACKET_BYTES_MAX (256u * 1024u)

/*
 * Builds @p (pkt_init'ed by the caller; emptied first) from the JSON object @obj, which has exactly
 * one of:
 *   "spec":   the text spec, as pkt_build() takes it;
 *   "layers": an array of layer objects in the writer's shape: {"layer": NAME, FIELD: VALUE, ...}.
 *             Numbers are set as integers; strings as the text pkt_field_set_str() takes ("SYN|ACK",
 *             "0x1f", addresses), except for "bytes" fields, which take the writer's hex, and
 *             strings, which take the writer's bytes as they are. An array of objects adds elements
 *             to the set of that name, one per object, as the spec does. "truncated" and "malformed"
 *             are ignored; a "raw" layer's "data" (or "payload") is its bytes, in hex.
 *   "data":   base64 bytes, dissected from Ethernet; @p then borrows nothing (it owns a copy).
 * Other members of @obj (e.g. Build's "noAuto") are left to the caller. On failure @p is empty, @err
 * is filled (BadSpec with message and byte position, BadPacket with the parameter as
 * "layers[1].ttl", InvalidParameter "data" for bad base64, InvalidParameter for the shape) and a
 * negative errno is returned: -EINVAL, -ENOENT (unknown layer or field), -ERANGE, -EMSGSIZE, -ENOMEM.
 */
int pktp_packet_from_json(struct pkt *p, struct json_object *obj, struct pktp_error *err);

#ifdef __cplusplus
}
#endif

#endif
