/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes the classic pcap reader on a file held in memory: open, read every batch to the end or to
 * the first error, and dissect each record. Records must point inside the input, a short or corrupt
 * file ends in -EBADMSG that repeats, and the clean end repeats as 0.
 */
#include <errno.h>
#include <string.h>

#include <pkt/pcap.h>
#include <pkt/pkt.h>

#include "fuzz.h"

/* Why 64: a batch size the reader may fill or not; small enough to cross batch edges often. */
#define BATCH 64
/* Every record has a 16-byte header, so a file cannot hold more records than this many per byte. */
#define REC_HDR_LEN 16

static int
discard(void *ctx, const char *text, size_t len)
{
        (void)ctx;
        (void)text;
        (void)len;
        return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct pkt_pcap_rec recs[BATCH];
        struct pkt_pcap *r = NULL;
        size_t total = 0;
        struct pkt p;
        int n;

        if (pkt_pcap_open_mem(data, size, &r) < 0) {
                FUZZ_CHECK(r == NULL);
                return 0;
        }
        FUZZ_CHECK(r != NULL);
        (void)pkt_pcap_linktype(r);
        (void)pkt_pcap_is_nsec(r);
        pkt_init(&p);
        /* Bounded: every call that returns records consumes at least one record header. */
        for (size_t calls = 0; calls <= size / REC_HDR_LEN + 1; calls++) {
                n = pkt_pcap_next_batch(r, recs, BATCH);
                if (n <= 0)
                        break;
                FUZZ_CHECK(n <= BATCH);
                for (int i = 0; i < n; i++) {
                        const struct pkt_pcap_rec *rec = &recs[i];
                        FUZZ_CHECK(rec->caplen <= size);
                        FUZZ_CHECK(rec->caplen == 0 ||
                                   (rec->data >= data &&
                                    (size_t)(rec->data - data) <= size - rec->caplen));
                        FUZZ_CHECK(pkt_parse_dlt(&p, rec->linktype, rec->data, rec->caplen,
                                                 rec->wire_len) == 0);
                        pkt_dissect_all(&p);
                        FUZZ_CHECK(pkt_print(&p, discard, NULL) == 0);
                        total++;
                }
                FUZZ_CHECK(pkt_pcap_offset(r) <= size);
        }
        FUZZ_CHECK(n <= 0);
        FUZZ_CHECK(total <= size / REC_HDR_LEN);
        /* The end, clean or not, stays where it is. */
        FUZZ_CHECK(n == 0 || n == -EBADMSG);
        FUZZ_CHECK(pkt_pcap_next_batch(r, recs, BATCH) == n);
        FUZZ_CHECK(pkt_pcap_next(r, &recs[0]) == n);
        pkt_done(&p);
        FUZZ_CHECK(pkt_pcap_close(r) == NULL);
        return 0;
}
