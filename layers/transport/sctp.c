/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SCTP common header (RFC 9260 3.1; CRC-32c RFC 9260 6.8 and appendix B, RFC 3309).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Source Port Number        |     Destination Port Number   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Verification Tag                         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           Checksum                            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Chunk Type   | Chunk Flags   |        Chunk Length           |  chunks, each padded
 *  |                          Chunk Value ...                      |  to 4 bytes
 *
 * The chunks (pypacker's "chunks") and the parameters of INIT, INIT ACK, ASCONF, HEARTBEAT and
 * RE-CONFIG chunks ("params") are element sets; see sctp_chunk.c.
 *
 * The header runs to the user data of the first DATA chunk, whose payload protocol identifier picks
 * the next layer (PKT_KEY_SCTP_PPID); the chunks after it stay inside this layer, after the payload.
 * Only the first DATA chunk's data is a layer: a layer is contiguous bytes, and the second chunk's
 * data is another message. A packet without DATA is all header.
 *
 * The checksum is a CRC-32c stored least significant byte first (RFC 9260 appendix B); "sum" reads
 * the four bytes big-endian, as tshark's sctp.checksum and scapy's chksum show them.
 */
#include <string.h>

#include <pkt/sctp.h>

#include "internal.h"
#include "sctp.h"

#define IP_PROTO_SCTP 132

/* clang-format off */
static const struct pkt_field sctp_fields[] = {
        { .name = "sport", .off = 0,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "dport", .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "vtag",  .off = 32, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "sum",   .off = 64, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
};
/* clang-format on */

enum { F_SPORT, F_DPORT, F_VTAG, F_SUM };

static uint16_t
be16(const uint8_t *b)
{
        return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t
be32(const uint8_t *b)
{
        return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* RFC 9260 appendix B: reflected CRC-32c, polynomial 0x1EDC6F41 (reversed 0x82F63B78). Bitwise: it
 * runs on build and on an explicit check only, never while dissecting. */
uint32_t
pkt_crc32c(uint32_t crc, const uint8_t *b, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                crc ^= b[i];
                for (unsigned k = 0; k < 8; k++)
                        crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
        }
        return crc;
}

/* The CRC of @len bytes at @h with the checksum field taken as zero. */
static uint32_t
sctp_crc(const uint8_t *h, uint32_t len)
{
        static const uint8_t zero[4];
        uint32_t crc = 0xffffffffu;

        crc = pkt_crc32c(crc, h, 8);
        crc = pkt_crc32c(crc, zero, 4);
        crc = pkt_crc32c(crc, h + SCTP_HDR_LEN, len - SCTP_HDR_LEN);
        return ~crc;
}

/*
 * Walks the chunks within the reported length: a chunk length below 4 cannot be walked past and one
 * running past the packet contradicts it (malformed); cut by the capture is truncation, which the
 * engine reports from hdr_len. Each step advances at least 4 bytes, and at most SCTP_CHUNKS_MAX
 * chunks are looked at (a DATA chunk after them is not dispatched).
 */
static void
sctp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t pos = SCTP_HDR_LEN, end = MIN(v->caplen, v->wire_len);
        bool have_data = false;
        uint16_t clen;

        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        for (unsigned n = 0; pos < v->wire_len && n < SCTP_CHUNKS_MAX; n++) {
                if (!pkt_rd_be16(v, pos + 2, &clen) || pos + SCTP_CHUNK_HDR > end)
                        return; /* cut short: hdr_len past caplen flags it */
                if (clen < SCTP_CHUNK_HDR || clen > v->wire_len - pos) {
                        d->flags |= PKT_LAYER_MALFORMED;
                        return;
                }
                if (!have_data && v->b[pos] == SCTP_CHUNK_DATA) {
                        uint32_t ppid;
                        have_data = true;
                        if (clen < SCTP_DATA_HDR) {
                                d->flags |= PKT_LAYER_MALFORMED;
                                return;
                        }
                        if (!pkt_rd_be32(v, pos + 12, &ppid))
                                return;
                        d->hdr_len = pos + SCTP_DATA_HDR;
                        d->payload_len = clen - SCTP_DATA_HDR;
                        d->next = (uint16_t)pkt_key_lookup(PKT_KEY_SCTP_PPID, ppid);
                }
                pos += SCTP_PAD4(clen);
        }
}

/* The DATA chunk whose user data is the next layer: the last chunk of the header, if it is DATA and
 * the header ends right after its fixed part. Returns its offset or 0. */
static uint32_t
payload_chunk(const uint8_t *h, uint32_t hdr_len)
{
        uint32_t pos = SCTP_HDR_LEN;

        while (pos + SCTP_CHUNK_HDR <= hdr_len) {
                uint16_t clen = be16(h + pos + 2);
                if (h[pos] == SCTP_CHUNK_DATA && pos + SCTP_DATA_HDR == hdr_len)
                        return pos;
                if (clen < SCTP_CHUNK_HDR)
                        return 0;
                pos += SCTP_PAD4(clen);
        }
        return 0;
}

static int
sctp_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint8_t *h = pkt_layer_bytes_mut(p, idx);
        uint32_t at, crc;

        /* A DATA chunk built with the payload as the next layer covers that payload (RFC 9260 3.3.1:
         * the length counts the user data, not its padding). */
        if ((p->flags & PKT_F_RESIZED) && (at = payload_chunk(h, l->hdr_len)) != 0 &&
            (const struct pkt_layer *)pkt_layer(p, idx + 1) != NULL) {
                uint32_t clen = SCTP_DATA_HDR + p->layers[idx + 1].len;
                if (clen <= UINT16_MAX) {
                        h[at + 2] = (uint8_t)(clen >> 8);
                        h[at + 3] = (uint8_t)clen;
                }
        }
        if (l->set_mask & (UINT64_C(1) << F_SUM))
                return 0;
        crc = sctp_crc(h, l->len);
        /* Appendix B: the CRC goes on the wire least significant byte first. */
        h[8] = (uint8_t)crc;
        h[9] = (uint8_t)(crc >> 8);
        h[10] = (uint8_t)(crc >> 16);
        h[11] = (uint8_t)(crc >> 24);
        return 0;
}

int
pkt_sctp_checksum_check(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l;
        const uint8_t *h;

        pkt_assert_return(p, -EINVAL);
        l = pkt_layer(p, idx);
        if (!l || l->proto != PKT_PROTO_SCTP)
                return -ENOENT;
        if (l->len < SCTP_HDR_LEN || l->len < l->wire_len)
                return -ENODATA;
        h = p->data + l->off;
        uint32_t crc = sctp_crc(h, l->len);
        uint32_t wire = (uint32_t)h[8] | (uint32_t)h[9] << 8 | (uint32_t)h[10] << 16 | (uint32_t)h[11] << 24;
        return crc == wire;
}

static unsigned
sctp_direction(const struct pkt_view *a, const struct pkt_view *b)
{
        unsigned dir = PKT_DIR_UNKNOWN;

        if (memcmp(a->b, b->b, 4) == 0)
                dir |= PKT_DIR_SAME;
        if (memcmp(a->b, b->b + 2, 2) == 0 && memcmp(a->b + 2, b->b, 2) == 0)
                dir |= PKT_DIR_REV;
        return dir;
}

/* RFC 9260 8.5: a reply swaps the ports; an INIT (tag 0) is answered with its initiate tag as the
 * reply's verification tag, which is what a peer may choose freely otherwise, so only ports match. */
static bool
sctp_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *ql = &req->layers[ri], *al = &rep->layers[pi];
        const uint8_t *q = req->data + ql->off, *a = rep->data + al->off;

        if (ql->len < SCTP_HDR_LEN || al->len < SCTP_HDR_LEN)
                return false;
        if (memcmp(a, q + 2, 2) != 0 || memcmp(a + 2, q, 2) != 0)
                return false;
        /* INIT -> INIT ACK: the reply carries the initiate tag of the INIT as its own tag. */
        if (ql->len >= SCTP_HDR_LEN + 8 && q[SCTP_HDR_LEN] == 1 && be32(q + 4) == 0)
                return be32(a + 4) == be32(q + SCTP_HDR_LEN + 4);
        return true;
}

static int
sctp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                size_t size, uint32_t *ret_at)
{
        uint32_t pos = SCTP_HDR_LEN, last = 0, start;
        uint16_t clen;

        *ret_at = hdr_len;
        if (set == SCTP_SET_CHUNKS)
                return pkt_sctp_chunk_build(text, out, size);
        /* A parameter goes at the end of the last chunk, which must be one that takes parameters. */
        while (pos < hdr_len && pkt_rd_be16(v, pos + 2, &clen) && clen >= SCTP_CHUNK_HDR) {
                last = pos;
                pos += SCTP_PAD4(clen);
        }
        if (!last || pos != hdr_len || !pkt_sctp_chunk_has_params(v->b[last], &start))
                return -EINVAL;
        return pkt_sctp_param_build(text, out, size);
}

/* A parameter appended to the last chunk: that chunk's length now covers it (RFC 9260 3.2.1: padding
 * of every parameter but the last is counted). The parameter sits at the padded end of that chunk and
 * its length is where a chunk's would be, so walking "chunks" ends on it with the real last chunk
 * just before. */
static int
sctp_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint8_t *h = pkt_layer_bytes_mut(p, idx);
        uint32_t pos = SCTP_HDR_LEN, prev = 0, cur = 0, start;

        if (set != SCTP_SET_PARAMS)
                return 0;
        while (pos + SCTP_CHUNK_HDR <= l->hdr_len) {
                uint16_t clen = be16(h + pos + 2);
                if (clen < SCTP_CHUNK_HDR)
                        return -EINVAL;
                prev = cur;
                cur = pos;
                pos += SCTP_PAD4(clen);
        }
        if (!prev || !pkt_sctp_chunk_has_params(h[prev], &start))
                return -EINVAL; /* no chunk that takes parameters before it */
        uint32_t clen = cur - prev + be16(h + cur + 2);
        if (clen > UINT16_MAX)
                return -EMSGSIZE;
        h[prev + 2] = (uint8_t)(clen >> 8);
        h[prev + 3] = (uint8_t)clen;
        return 0;
}

static const struct pkt_key sctp_carriers[] = {
        { PKT_KEY_IP_PROTO, IP_PROTO_SCTP },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_sctp = {
        .name = "sctp",
        .summary = "Stream Control Transmission Protocol (RFC 9260)",
        .id = PKT_PROTO_SCTP,
        .flags = PKT_P_CSUM_PAYLOAD,
        .min_hdr_len = SCTP_HDR_LEN,
        .fields = sctp_fields,
        .n_fields = ARRAY_SIZE(sctp_fields),
        .elems = pkt_sctp_elems,
        .n_elems = SCTP_SETS,
        .carriers = sctp_carriers,
        .dissect = sctp_dissect,
        .update = sctp_update,
        .direction = sctp_direction,
        .reverse = pkt_swap_ports,
        .answers = sctp_answers,
        .elem_build = sctp_elem_build,
        .elem_added = sctp_elem_added,
        .not_dissected = "Only the first DATA chunk's user data is a layer; at most 256 chunks "
                         "per packet are walked.",
};
