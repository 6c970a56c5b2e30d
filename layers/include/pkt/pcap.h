/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading and writing capture files.
 *
 * Classic pcap (microsecond and nanosecond, either byte order) is read by libpkt itself, in batches:
 * a file or a pipe a megabyte at a time into one buffer that the records point into (nothing is
 * copied per record), memory in place. pcapng (and anything else libpcap reads) goes through
 * libpcap, one record at a time, pointing into libpcap's buffer. Either way the caller sees the same
 * calls. Writing produces classic pcap; libpcap 1.10
 * cannot write pcapng.
 *
 * Records are handed out as libpcap 1.10 hands them out (the tests compare the two on a corpus of
 * real captures), with two differences: wire_len is raised to caplen when a file claims less on the
 * wire than it captured, and timestamps are normalised (ts_nsec < 10^9). gzip-compressed captures
 * are refused with -EPROTONOSUPPORT: libpcap cannot read them either, and zlib is not worth a
 * dependency when `zcat file | pktctl` works (pipes are read too).
 *
 * A reader or writer is used by one thread at a time; distinct ones are independent.
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
 * from memory or a sealed memfd, until the reader is closed). */
struct pkt_pcap_rec {
        const uint8_t *data;
        uint32_t caplen;   /* bytes in @data */
        uint32_t wire_len; /* bytes on the wire, never below caplen */
        int64_t ts_sec;
        uint32_t ts_nsec;  /* nanoseconds (< 10^9), whatever the file's resolution */
        int32_t linktype;  /* DLT_* of this record (pcapng interfaces may differ) */
};

/* Opens @path for reading. Returns 0, -ENOENT/-EACCES/... (from open), -EBADMSG (not a capture file
 * or a corrupt header), -EPROTONOSUPPORT (gzip-compressed), -ENOMEM. A file or a pipe is read as the
 * records are asked for (a file is not mapped: copying out of the page cache costs what mapping and
 * unmapping it does, leaves the bytes in cache for the caller, and a file cut short while it is read
 * ends in -EBADMSG where a map would raise SIGBUS). */
int pkt_pcap_open(const char *path, struct pkt_pcap **ret);

/* As pkt_pcap_open(), from a descriptor someone else opened (e.g. one a client passed to a daemon).
 * Takes @fd: it is closed by pkt_pcap_close(), and on failure too. A regular file is read from its
 * start (the descriptor's offset is moved, and shared with whoever else holds it); a pipe from where
 * it is. A regular file is mapped only when it cannot shrink under the reader (a memfd sealed with
 * F_SEAL_SHRINK): touching a map of a file that another process truncates raises SIGBUS, which a
 * reader of untrusted descriptors must never risk; other files are read with read(2) into a buffer,
 * like a pipe. Returns as pkt_pcap_open(), or -EBADF (@fd is not open). */
int pkt_pcap_open_fd(int fd, struct pkt_pcap **ret);

/* Reads a classic pcap held in memory (@data borrowed, must outlive the reader). pcapng in memory
 * is not supported (-EPROTONOSUPPORT). Returns as pkt_pcap_open(). */
int pkt_pcap_open_mem(const void *data, size_t len, struct pkt_pcap **ret);

/* Closes @r (may be NULL). Always returns NULL. */
struct pkt_pcap *pkt_pcap_close(struct pkt_pcap *r);

/* The file's link type (DLT_*; for pcapng, the first interface's). */
int pkt_pcap_linktype(const struct pkt_pcap *r);

/* Whether timestamps in the file have nanosecond resolution (false for files read through libpcap,
 * which hides the resolution; their records still carry nanoseconds). */
bool pkt_pcap_is_nsec(const struct pkt_pcap *r);

/* The snap length in effect: the file's, or libpcap's maximum for the link type when the file says
 * 0 or more than that maximum. Records longer than it are cut to it, as libpcap does. */
int pkt_pcap_snaplen(const struct pkt_pcap *r);

/* Bytes of frame check sequence at the end of every frame, from the FCS bits of a classic pcap's
 * link-type field (draft-ietf-opsawg-pcap §4). -ENODATA when the file does not say (the usual case,
 * and always for files read through libpcap). */
int pkt_pcap_fcs_len(const struct pkt_pcap *r);

/*
 * Reads up to @max records. Returns how many (> 0), 0 at the clean end of the file, or -EBADMSG
 * when the file is cut short or corrupt: every record before the damage has been returned by
 * earlier calls, and the error repeats on later calls. pcapng files return at most one record per
 * call. A record is corrupt when its caplen exceeds 256 KiB (libpcap's maximum; more for the few
 * link types libpcap allows more), never merely for exceeding the file's snap length (it is cut to
 * it, see above). Reading a pipe can also fail with -errno from read(2) (and -ENOMEM), repeated
 * likewise.
 */
int pkt_pcap_next_batch(struct pkt_pcap *r, struct pkt_pcap_rec *recs, unsigned max);

/* One record: 1, 0 at the end, or -EBADMSG as above. */
int pkt_pcap_next(struct pkt_pcap *r, struct pkt_pcap_rec *rec);

/* Byte offset in the file of the next record (for error messages). */
uint64_t pkt_pcap_offset(const struct pkt_pcap *r);

/* Creates @path (truncating it) as a classic pcap of @linktype (DLT_*, >= 0) with snap length
 * @snaplen (0: 262144, libpcap's maximum), nanosecond timestamps when @is_nsec. Returns 0, -EINVAL,
 * -errno from open, -ENOMEM. */
int pkt_pcap_writer_open(const char *path, int linktype, uint32_t snaplen, bool is_nsec,
                         struct pkt_pcap_writer **ret);

/* Appends one record (caplen cut to the snap length; timestamps truncated to microseconds unless
 * the file is nanosecond). Returns 0, -EINVAL (ts_nsec >= 10^9), -ERANGE (ts_sec outside 0..2^32-1)
 * or -errno (e.g. -ENOSPC), which then repeats on every later call. */
int pkt_pcap_write(struct pkt_pcap_writer *w, const struct pkt_pcap_rec *rec);

/* Says in the file header that every frame ends in a frame check sequence of @bytes bytes (even, at
 * most 30; 0: that they have none), as pkt_pcap_fcs_len() reads it back; without this call the header
 * says nothing of it. Only before the first record: -EBUSY after it; -EINVAL for a length the header
 * cannot hold. */
int pkt_pcap_writer_set_fcs_len(struct pkt_pcap_writer *w, unsigned bytes);

/* Flushes and closes @w (may be NULL). Returns 0 or the first write error seen. */
int pkt_pcap_writer_close(struct pkt_pcap_writer *w);

#ifdef __cplusplus
}
#endif

#endif
