/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One packet as one line of JSON. The layers come from libpktproto's writer (pktp_packet_write_layers),
 * the same one pktd's Dissect answers with, so that the CLI and the daemon print one shape:
 *
 *   {"n":1,"ts":"1700000000.123456789","caplen":60,"len":60,"layers":[
 *     {"layer":"ethernet","dst":"ff:ff:ff:ff:ff:ff",...,"type":2048},
 *     {"layer":"ip",...,"opts":[{"type":1},...]},...]}
 *
 * Integers (also enums and flag sets) are numbers, addresses text, bytes hex strings, element sets
 * arrays of objects; a flagged layer carries "truncated":true / "malformed":true.
 */
#include <errno.h>
#include <string.h>

#include <pktp/packet.h>

#include "pktctl.h"

void
pktctl_json_str(FILE *f, const char *s, size_t len)
{
        struct pktp_buf b;

        /* No cap of its own: the text is the caller's, already in memory, and at most 6 times longer
         * escaped. */
        pktp_buf_init(&b, SIZE_MAX / 2);
        if (pktp_buf_json_str(&b, s, len) == 0)
                fwrite(b.data, 1, b.len, f);
        else
                fputs("\"\"", f); /* out of memory: still valid JSON, and stdout's error shows */
        pktp_buf_done(&b);
}

/* "SEC.NNNNNNNNN": the nine digits of the nanoseconds, zero-padded. */
static void
put_ts(struct pktp_buf *b, int64_t sec, uint32_t nsec)
{
        char frac[10] = { '.' };

        pktp_buf_i64(b, sec);
        for (int i = 9; i >= 1; i--, nsec /= 10)
                frac[i] = (char)('0' + nsec % 10);
        pktp_buf_put(b, frac, sizeof(frac));
}

int
pktctl_json_packet(FILE *f, struct pktp_buf *b, struct pkt *p, uint64_t n, const struct pkt_pcap_rec *rec)
{
        int r;

        pktp_buf_reset(b);
        pktp_buf_puts(b, "{\"n\":");
        pktp_buf_u64(b, n);
        pktp_buf_puts(b, ",\"ts\":\"");
        put_ts(b, rec->ts_sec, rec->ts_nsec);
        pktp_buf_puts(b, "\",\"caplen\":");
        pktp_buf_u64(b, rec->caplen);
        pktp_buf_puts(b, ",\"len\":");
        pktp_buf_u64(b, rec->wire_len);
        pktp_buf_puts(b, ",\"layers\":");
        r = pktp_packet_write_layers(b, p);
        pktp_buf_puts(b, "}\n");
        if (r < 0 || b->err < 0)
                return r < 0 ? r : b->err;
        if (fwrite(b->data, 1, b->len, f) != b->len)
                return -EIO;
        return ferror(f) ? -EIO : 0;
}
