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
 * size of a dissection, but for each field table's write plan, made once per process on first use
 * (thread-safe; see proto/src/packet_plan.h). Returns 0 or the sticky error of @b (-ENOMEM,
 * -EMSGSIZE). */
int pktp_packet_write(struct pktp_buf *b, struct pkt *p);

/* Writes just the layers array "[{...},...]" of @p (dissected fully here). Returns as
 * pktp_packet_write(). */
int pktp_packet_write_layers(struct pktp_buf *b, struct pkt *p);

/* Why 512 bytes: a summary is one line for a terminal (pktctl watch) or a log; the layer stack of the
 * deepest corpus packet and two IPv6 addresses with ports take well under half of it. A longer line is
 * cut and ends in "..." (never mid-escape: the text is plain ASCII). */
#define PKTP_SUMMARY_MAX 512u

/* Appends one line (no newline) describing @p, tcpdump-like: the layer stack joined with "/", then
 * the most useful addressing and a few per-protocol details, e.g.
 *   ethernet/ip/icmp/echo 192.0.2.1 > 192.0.2.2 echo-request id 1 seq 1
 *   ethernet/ip6/tcp 2001:db8::1.40000 > 2001:db8::2.80 [S] seq 1 win 64240
 *   ethernet/arp who-has 192.0.2.2 tell 192.0.2.1
 * with " [truncated]" / " [malformed]" when a layer is flagged. Plain printable ASCII, at most
 * PKTP_SUMMARY_MAX bytes; allocates nothing beyond @b. Returns 0 or the sticky error of @b. */
int pktp_packet_summary(struct pktp_buf *b, struct pkt *p);

/* The output forms of a captured packet (io.pktd.Capture's output, Inject's SendReceive output). */
enum pktp_form {
        PKTP_FORM_SUMMARY,
        PKTP_FORM_LAYERS,
        PKTP_FORM_RAW,
};

/* "summary", "layers" or "raw" to its form: 0, or -EINVAL for anything else (and NULL). */
int pktp_form_from_name(const char *name, enum pktp_form *ret_form);

/* A captured packet for a reply: @p parsed by the caller (pkt_parse_dlt()); its captured bytes are
 * pkt_data()/pkt_len() and its length on the wire p->wire_len. */
struct pktp_captured {
        uint64_t ts_ns;      /* capture time, ns since the epoch */
        struct pkt *p;       /* dissected further here for the summary and layers forms */
        enum pktp_form form;
};

/* Writes the io.pktd.Capture "Captured" object:
 *   {"tsNs":N,"caplen":N,"len":N,"summary":"..."}       form summary (pktp_packet_summary())
 *   {"tsNs":N,"caplen":N,"len":N,"layers":[...]}        form layers (pktp_packet_write_layers())
 *   {"tsNs":N,"caplen":N,"len":N,"data":"<base64>"}     form raw (the captured bytes)
 * Returns 0, -EINVAL (NULL, or an unknown form), or the sticky error of @b. */
int pktp_captured_write(struct pktp_buf *b, const struct pktp_captured *c);

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
