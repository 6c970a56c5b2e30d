/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading and writing capture files.
 *
 * Classic pcap (microsecond and nanosecond, either byte order) is read by libpkt itself from a memory
 * map, in batches: records point straight into the map, nothing is copied. pcapng (and anything else
 * libpcap reads) goes through libpcap, one record at a time, copied into the reader's buffer. Either way
 * the caller sees the same calls. Writing produces classic pcap; libpcap 1.10 cannot write pcapng.
 */
#ifndef PKT_PCAP_H
#define PKT_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pkt_pcap;
struct pkt_pcap_writer;

/* One captured packet. @data is valid until the next call on the reader (or, for classic pcap read
 * from a map, until the reader is closed). */
struct pkt_pcap_rec {
        const uint8_t *data;
        uint32_t caplen;   /* bytes in @data */
        uint32_t wire_len; /* bytes on the wire */
        int64_t ts_sec;
        uint32_t ts_nsec;  /* nanoseconds, whatever the file's resolution */
        int32_t linktype;  /* DLT_* of this record (pcapng interfaces may differ) */
};

/* Opens @path for reading. Returns 0, -ENOENT/-EACCES/... (from open), -EBADMSG (not a capture file
 * or a corrupt header), -ENOMEM. */
int pkt_pcap_open(const char *path, struct pkt_pcap **ret);

/* Reads a classic pcap held in memory (@data borrowed, must outlive the reader). pcapng in memory is
 * not supported (-EPROTONOSUPPORT). Returns as pkt_pcap_open(). */
int pkt_pcap_open_mem(const void *data, size_t len, struct pkt_pcap **ret);

/* Closes @r (may be NULL). Always returns NULL. */
struct pkt_pcap *pkt_pcap_close(struct pkt_pcap *r);

/* The file's link type (DLT_*; for pcapng, the first interface's). */
int pkt_pcap_linktype(const struct pkt_pcap *r);

/* Whether timestamps in the file have nanosecond resolution. */
bool pkt_pcap_is_nsec(const struct pkt_pcap *r);

/*
 * Reads up to @max records. Returns how many (> 0), 0 at the clean end of the file, or -EBADMSG when the
 * file is cut short or corrupt: every record before the damage has been returned by earlier calls, and
 * the error repeats on later calls. pcapng files return at most one record per call.
 */
int pkt_pcap_next_batch(struct pkt_pcap *r, struct pkt_pcap_rec *recs, unsigned max);

/* One record: 1, 0 at the end, or -EBADMSG as above. */
int pkt_pcap_next(struct pkt_pcap *r, struct pkt_pcap_rec *rec);

/* Byte offset in the file of the next record (for error messages). */
uint64_t pkt_pcap_offset(const struct pkt_pcap *r);

/* Creates @path (truncating it) as a classic pcap of @linktype with snap length @snaplen, nanosecond
 * timestamps when @is_nsec. Returns 0, -errno from open, -ENOMEM. */
int pkt_pcap_writer_open(const char *path, int linktype, uint32_t snaplen, bool is_nsec,
                         struct pkt_pcap_writer **ret);

/* Appends one record (caplen cut to the snap length). Returns 0 or -errno (e.g. -ENOSPC). */
int pkt_pcap_write(struct pkt_pcap_writer *w, const struct pkt_pcap_rec *rec);

/* Flushes and closes @w (may be NULL). Returns 0 or the first write error seen. */
int pkt_pcap_writer_close(struct pkt_pcap_writer *w);

#ifdef __cplusplus
}
#endif

#endif
