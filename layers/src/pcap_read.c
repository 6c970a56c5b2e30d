/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading classic pcap (draft-ietf-opsawg-pcap; libpcap's savefile format) without libpcap.
 *
 *   File header (24 bytes), in the writer's byte order:
 *   +---------------------------------------------------------------+
 *   |                 Magic 0xa1b2c3d4 (us) / 0xa1b23c4d (ns)       |
 *   +-------------------------------+-------------------------------+
 *   |         Major version (2)     |         Minor version (4)     |
 *   +-------------------------------+-------------------------------+
 *   |                   Reserved1 (thiszone)                        |
 *   |                   Reserved2 (sigfigs)                         |
 *   |                          SnapLen                              |
 *   | FCS |R|P|     Reserved3       |          LinkType             |
 *   +---------------------------------------------------------------+
 *   Record header (16 bytes), then CapLen bytes of packet:
 *   |                   Timestamp (seconds)                         |
 *   |            Timestamp (microseconds or nanoseconds)            |
 *   |                    Captured Packet Length                     |
 *   |                    Original Packet Length                     |
 *
 * A regular file is mapped and walked in place: a record handed out is a pointer into the map, so a
 * batch costs a 16-byte header load per record and nothing else. Pipes and other non-regular files
 * are read through a buffer that is refilled between calls. Anything that is not classic pcap
 * (pcapng, the Kuznetzov variant, ...) goes to libpcap (pcap_libpcap.c).
 *
 * Where the format leaves room for judgement we do what libpcap 1.10 does, because our tests hold
 * us to its reader record for record: versions 2.0-2.4 (and DG/UX's 543.0) are accepted, with
 * caplen and wire length swapped in files older than 2.3; a record longer than the snap length
 * (common in tcpdump's fuzzer reproducers, whose headers claim tiny snap lengths) is cut to the
 * snap length; only a record longer than the per-link-type maximum is corrupt. We part from libpcap
 * in one place: a record whose caplen exceeds its wire length gets its wire length raised to the
 * caplen, so that callers can rely on caplen <= wire_len (libpcap hands the contradiction through).
 */
#define _GNU_SOURCE /* F_GET_SEALS */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pkt/pcap.h>

#include "internal.h"
#include "pcap_internal.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du

/* The largest record we accept for most link types. This is libpcap's MAXIMUM_SNAPLEN (tcpdump's
 * "-s 0"): no capture tool writes more per record, so a bigger caplen is corruption or a fuzzed
 * file, and refusing it bounds what a hostile file can make a caller copy per packet. D-Bus
 * messages (128 MiB), EBHSCR (8 MiB) and USBPcap (1 MiB) get libpcap's larger limits so that we
 * read every file libpcap reads. */
#define PCAP_CAPLEN_MAX         (256u * 1024)
#define PCAP_CAPLEN_MAX_DBUS    (128u * 1024 * 1024)
#define PCAP_CAPLEN_MAX_EBHSCR  (8u * 1024 * 1024)
#define PCAP_CAPLEN_MAX_USBPCAP (1024u * 1024)

/* A stream's buffer: several maximal records, so that one read() feeds a batch. It grows (up to one
 * maximal record of the link type) only when a single record does not fit. */
#define PCAP_STREAM_BUF (1024u * 1024)

/* How far ahead of the record being read the walk has asked for every cache line: 16 lines, enough
 * to hide a memory latency at tens of millions of records per second. Measured (CPU time of a bare
 * walk) on files of 173 and 405 bytes per record on average: 512-2048 are alike, 3x the speed of no
 * prefetch; prefetching only the lines a fixed distance ahead gains half as much on large records.
 */
#define PCAP_PREFETCH_DIST 1024
#define PCAP_CACHE_LINE    64

#define NSEC_PER_SEC 1000000000u
#define USEC_PER_SEC 1000000u

enum magic_kind {
        MAGIC_CLASSIC,
        MAGIC_GZIP,
        MAGIC_PCAPNG,
        MAGIC_OTHER,
};

static enum magic_kind
magic_kind(const uint8_t *b, size_t len)
{
        static const uint8_t gzip[2] = { 0x1f, 0x8b };
        static const uint8_t pcapng[4] = { 0x0a, 0x0d, 0x0d, 0x0a };
        uint32_t m;

        if (len >= sizeof(gzip) && memcmp(b, gzip, sizeof(gzip)) == 0)
                return MAGIC_GZIP;
        if (len < sizeof(m))
                return MAGIC_OTHER;
        if (memcmp(b, pcapng, sizeof(pcapng)) == 0)
                return MAGIC_PCAPNG;
        memcpy(&m, b, sizeof(m));
        if (m == PCAP_MAGIC_US || m == PCAP_MAGIC_NS || __builtin_bswap32(m) == PCAP_MAGIC_US ||
            __builtin_bswap32(m) == PCAP_MAGIC_NS)
                return MAGIC_CLASSIC;
        return MAGIC_OTHER;
}

/* libpcap's linktype_to_dlt() on Linux: LINKTYPE_ values 100-103 and 106 stand for DLT_ values that
 * differ between operating systems; every other value is the same in both spaces. */
int
pcap_linktype_to_dlt(uint32_t linktype)
{
        switch (linktype) {
        case 100: /* LINKTYPE_ATM_RFC1483 */
                return 11;
        case 101: /* LINKTYPE_RAW */
                return 12;
        case 102: /* LINKTYPE_SLIP_BSDOS */
                return 15;
        case 103: /* LINKTYPE_PPP_BSDOS */
                return 16;
        case 106: /* LINKTYPE_ATM_CLIP */
                return 19;
        default:
                return (int)linktype;
        }
}

uint32_t
pcap_dlt_to_linktype(int dlt)
{
        switch (dlt) {
        case 11: /* DLT_ATM_RFC1483 */
                return 100;
        case 12: /* DLT_RAW */
                return 101;
        case 15: /* DLT_SLIP_BSDOS */
                return 102;
        case 16: /* DLT_PPP_BSDOS */
                return 103;
        case 19: /* DLT_ATM_CLIP */
                return 106;
        default:
                return (uint32_t)dlt;
        }
}

static uint32_t
caplen_max_for_dlt(int dlt)
{
        switch (dlt) {
        case 231: /* DLT_DBUS */
                return PCAP_CAPLEN_MAX_DBUS;
        case 279: /* DLT_EBHSCR */
                return PCAP_CAPLEN_MAX_EBHSCR;
        case 249: /* DLT_USBPCAP */
                return PCAP_CAPLEN_MAX_USBPCAP;
        default:
                return PCAP_CAPLEN_MAX;
        }
}

static inline uint32_t
get32(const uint8_t *b, bool swap)
{
        uint32_t v;

        memcpy(&v, b, sizeof(v));
        return swap ? __builtin_bswap32(v) : v;
}

static inline uint16_t
get16(const uint8_t *b, bool swap)
{
        uint16_t v;

        memcpy(&v, b, sizeof(v));
        return swap ? __builtin_bswap16(v) : v;
}

/* Validates the 24-byte file header at @h and fills @r's format fields. */
static int
parse_file_hdr(struct pkt_pcap *r, const uint8_t *h)
{
        uint32_t magic, snaplen;
        uint16_t major, minor;
        bool swap;

        memcpy(&magic, h, sizeof(magic));
        swap = magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS;
        magic = swap ? __builtin_bswap32(magic) : magic;
        if (magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS)
                return -EBADMSG;

        major = get16(h + 4, swap);
        minor = get16(h + 6, swap);
        if (major == 2 && minor <= 4)
                r->len_order = minor < 3    ? PCAP_LEN_SWAPPED
                               : minor == 3 ? PCAP_LEN_MAYBE_SWAPPED
                                            : PCAP_LEN_NORMAL;
        else if (major == 543 &&
                 minor == 0) /* DG/UX tcpdump wrote the lengths the other way round */
                r->len_order = PCAP_LEN_SWAPPED;
        else
                return -EBADMSG;

        r->is_swapped = swap;
        r->is_nsec = magic == PCAP_MAGIC_NS;
        r->lt_field = get32(h + 20, swap);
        r->linktype = pcap_linktype_to_dlt(PCAP_LT_TYPE(r->lt_field));
        r->caplen_max = caplen_max_for_dlt(r->linktype);
        /* As libpcap: a snap length of 0 or beyond the maximum means "the maximum" (files written
         * with -s 0 by old tools, or with a bogus header). */
        snaplen = get32(h + 16, swap);
        r->snaplen = snaplen == 0 || snaplen > r->caplen_max ? r->caplen_max : snaplen;
        return 0;
}

static inline void
set_ts(struct pkt_pcap_rec *rec, uint32_t sec, uint32_t frac, bool is_nsec)
{
        int64_t s = sec; /* unsigned in the file (draft-ietf-opsawg-pcap), so it lasts past 2038 */

        /* A fraction of a second or more (fuzzed files) is carried into the seconds, so that
         * ts_nsec stays below 10^9 as its contract says. */
        if (is_nsec) {
                if (unlikely(frac >= NSEC_PER_SEC)) {
                        s += frac / NSEC_PER_SEC;
                        frac %= NSEC_PER_SEC;
                }
                rec->ts_nsec = frac;
        } else {
                if (unlikely(frac >= USEC_PER_SEC)) {
                        s += frac / USEC_PER_SEC;
                        frac %= USEC_PER_SEC;
                }
                rec->ts_nsec = frac * 1000;
        }
        rec->ts_sec = s;
}

static inline void
order_lens(enum pcap_len_order order, uint32_t *caplen, uint32_t *wire)
{
        uint32_t t;

        if (order == PCAP_LEN_NORMAL || (order == PCAP_LEN_MAYBE_SWAPPED && *caplen <= *wire))
                return;
        t = *caplen;
        *caplen = *wire;
        *wire = t;
}

/* Why a walk stopped (besides filling the batch). */
enum walk_stop {
        WALK_END = 0,   /* buffer consumed to its last byte */
        WALK_SHORT = 1, /* the next record is incomplete in the buffer */
};

/*
 * Walks complete records in r->buf[r->off..r->len) into @recs, at most @max. The hot loop of the
 * library: inlined twice, with @swap a constant, so that a native-order file pays no byte swaps.
 * Sets
 * @ret_stop to a walk_stop or -EBADMSG (a record longer than the link type allows).
 */
static inline __attribute__((always_inline)) unsigned
walk(struct pkt_pcap *r, struct pkt_pcap_rec *recs, unsigned max, bool swap, int *ret_stop)
{
        const uint8_t *b = r->buf;
        const size_t len = r->len;
        const uint32_t snaplen = r->snaplen, caplen_max = r->caplen_max;
        const enum pcap_len_order order = r->len_order;
        const int linktype = r->linktype;
        const bool is_nsec = r->is_nsec;
        size_t off = r->off, pf = MAX(r->pf_off, off);
        unsigned n = 0;

        *ret_stop = WALK_END;
        while (n < max) {
                struct pkt_pcap_rec *rec = &recs[n];
                size_t left = len - off;
                uint32_t h[4], caplen, wire, keep;

                if (unlikely(left < PCAP_REC_HDR_LEN)) {
                        if (left > 0)
                                *ret_stop = WALK_SHORT;
                        break;
                }
                memcpy(h, b + off, sizeof(h));
                if (swap)
                        for (unsigned i = 0; i < 4; i++)
                                h[i] = __builtin_bswap32(h[i]);
                caplen = h[2];
                wire = h[3];
                if (unlikely(order != PCAP_LEN_NORMAL))
                        order_lens(order, &caplen, &wire);
                if (unlikely(caplen > caplen_max)) {
                        *ret_stop = -EBADMSG;
                        break;
                }
                if (unlikely(caplen > left - PCAP_REC_HDR_LEN)) {
                        *ret_stop = WALK_SHORT;
                        break;
                }
                keep = likely(caplen <= snaplen) ? caplen : snaplen;
                rec->data = b + off + PCAP_REC_HDR_LEN;
                rec->caplen = keep;
                rec->wire_len = likely(wire >= keep) ? wire : keep;
                set_ts(rec, h[0], h[1], is_nsec);
                rec->linktype = linktype;
                off += PCAP_REC_HDR_LEN + (size_t)caplen;
                /* Each header's address depends on the previous header, so without help the walk
                 * waits a full memory latency per record. The records are contiguous, though:
                 * asking for every line up to a fixed distance ahead keeps the loads in flight (and
                 * the caller reads the packets anyway). A prefetch never faults, so it may point
                 * past the end (computed as an integer: no pointer is formed outside the buffer).
                 * Bounded: one pass per cache line of the record just read. */
                while (pf < off + PCAP_PREFETCH_DIST) {
                        __builtin_prefetch((const void *)((uintptr_t)b + pf));
                        pf += PCAP_CACHE_LINE;
                }
                n++;
        }
        r->off = off;
        r->pf_off = pf;
        return n;
}

static unsigned
walk_any(struct pkt_pcap *r, struct pkt_pcap_rec *recs, unsigned max, int *ret_stop)
{
        if (r->is_swapped)
                return walk(r, recs, max, true, ret_stop);
        return walk(r, recs, max, false, ret_stop);
}

/* A whole file in memory: an incomplete record can only mean the file was cut short. */
static int
mem_next(struct pkt_pcap *r, struct pkt_pcap_rec *recs, unsigned max)
{
        int stop;
        unsigned n = walk_any(r, recs, max, &stop);

        if (stop != WALK_END)
                r->err = -EBADMSG;
        return n > 0 ? (int)n : r->err;
}

/* Bytes the next record needs in the buffer: its header, then its header and data. */
static size_t
stream_need(const struct pkt_pcap *r)
{
        size_t left = r->len - r->off;
        uint32_t caplen, wire;

        if (left < PCAP_REC_HDR_LEN)
                return PCAP_REC_HDR_LEN;
        caplen = get32(r->buf + r->off + 8, r->is_swapped);
        wire = get32(r->buf + r->off + 12, r->is_swapped);
        order_lens(r->len_order, &caplen, &wire);
        assert(caplen <= r->caplen_max); /* walk() stops at a longer one before we get here */
        return PCAP_REC_HDR_LEN + (size_t)caplen;
}

/* Moves the unread bytes to the front of the buffer, grows it to hold the next record and reads
 * once. Returns the bytes read (0 at the end of the stream) or -errno. */
static ssize_t
stream_fill(struct pkt_pcap *r)
{
        size_t left = r->len - r->off, need = stream_need(r);
        ssize_t n;

        memmove(r->sbuf, r->sbuf + r->off, left);
        r->buf_pos += r->off;
        r->pf_off = r->pf_off > r->off ? r->pf_off - r->off : 0;
        r->off = 0;
        r->len = left;
        if (need > r->scap) {
                uint8_t *b = realloc(r->sbuf, need);

                if (!b)
                        return -ENOMEM;
                r->sbuf = b;
                r->scap = need;
        }
        r->buf = r->sbuf;
        do
                n = read(r->fd, r->sbuf + r->len, r->scap - r->len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        r->len += (size_t)n;
        return n;
}

static int
stream_next(struct pkt_pcap *r, struct pkt_pcap_rec *recs, unsigned max)
{
        /* Each pass either returns or reads at least one byte, and the stream is finite or the
         * caller is willing to wait for it: the loop ends at end of stream at the latest. */
        for (;;) {
                int stop;
                unsigned n = walk_any(r, recs, max, &stop);
                ssize_t got;

                if (stop < 0) {
                        r->err = stop;
                        return n > 0 ? (int)n : stop;
                }
                if (n > 0)
                        return (int)n;
                if (r->is_eof) {
                        r->err = stop == WALK_SHORT ? -EBADMSG : 0;
                        return r->err;
                }
                got = stream_fill(r);
                if (got < 0) {
                        r->err = (int)got;
                        return r->err;
                }
                r->is_eof = got == 0;
        }
}

static struct pkt_pcap *
reader_new(void)
{
        struct pkt_pcap *r = calloc(1, sizeof(*r));

        if (r)
                r->fd = -1;
        return r;
}

/* Takes @fd, a file that cannot shrink: map it, then walk it ourselves or give it to libpcap. */
static int
open_map(struct pkt_pcap *r, int fd, size_t size)
{
        void *map;
        FILE *f;

        if (size < sizeof(uint32_t)) {
                (void)close(fd);
                return -EBADMSG;
        }
        map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
                int err = -errno;

                (void)close(fd);
                return err;
        }
        switch (magic_kind(map, size)) {
        case MAGIC_CLASSIC:
                (void)close(fd); /* the map keeps the file */
                r->src = PCAP_SRC_MAP;
                r->map = map;
                r->map_len = size;
                r->buf = map;
                r->len = size;
                /* Records are read once, front to back: read ahead aggressively, drop pages behind.
                 */
                (void)madvise(map, size, MADV_SEQUENTIAL);
                (void)madvise(map, size, MADV_WILLNEED);
                if (size < PCAP_FILE_HDR_LEN)
                        return -EBADMSG;
                r->off = PCAP_FILE_HDR_LEN;
                return parse_file_hdr(r, map);
        case MAGIC_GZIP:
                (void)munmap(map, size);
                (void)close(fd);
                return -EPROTONOSUPPORT;
        default:
                (void)munmap(map, size);
                break;
        }
        if (lseek(fd, 0, SEEK_SET) < 0 || !(f = fdopen(fd, "rb"))) {
                int err = -errno;

                (void)close(fd);
                return err;
        }
        return pcap_lib_open(r, f);
}

/* Takes @fd. A pipe or the like: read the header into the buffer, then walk or hand to libpcap. */
static int
open_stream(struct pkt_pcap *r, int fd)
{
        FILE *f;

        r->fd = fd;
        r->src = PCAP_SRC_STREAM;
        r->sbuf = calloc(1, PCAP_STREAM_BUF); /* zeroed: GCC cannot see the header read fill it */
        if (!r->sbuf)
                return -ENOMEM;
        r->scap = PCAP_STREAM_BUF;
        r->buf = r->sbuf;
        /* A header needs at most PCAP_FILE_HDR_LEN reads of one byte each: bounded. */
        while (r->len < PCAP_FILE_HDR_LEN && !r->is_eof) {
                ssize_t n = read(fd, r->sbuf + r->len, PCAP_FILE_HDR_LEN - r->len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                r->len += (size_t)n;
                r->is_eof = n == 0;
        }
        switch (magic_kind(r->sbuf, r->len)) {
        case MAGIC_CLASSIC:
                if (r->len < PCAP_FILE_HDR_LEN)
                        return -EBADMSG;
                r->off = PCAP_FILE_HDR_LEN;
                return parse_file_hdr(r, r->sbuf);
        case MAGIC_GZIP:
                return -EPROTONOSUPPORT;
        default:
                break;
        }
        if (r->len < sizeof(uint32_t))
                return -EBADMSG;
        r->fd = -1;
        f = pcap_lib_fdopen_prefixed(fd, r->sbuf, r->len);
        if (!f)
                return -errno;
        return pcap_lib_open(r, f);
}

int
pkt_pcap_open_fd(int fd, struct pkt_pcap **ret)
{
        struct pkt_pcap *r;
        struct stat st;
        int rc, seals;

        if (fd < 0 || !ret) {
                if (fd >= 0)
                        (void)close(fd);
                pkt_assert_return(false, -EINVAL);
        }
        if (fstat(fd, &st) < 0) {
                rc = -errno;
                (void)close(fd);
                return rc;
        }
        r = reader_new();
        if (!r) {
                (void)close(fd);
                return -ENOMEM;
        }
        /* Files are read, not mapped, unless they cannot shrink: mapping and unmapping a file's
         * pages in the page cache cost as much as copying them out (31 ns per 405-byte record
         * either way, tests/bench/README.md), the copy leaves the bytes in cache for the caller,
         * which reads them next, and a file another process truncates cannot raise SIGBUS. */
        if (S_ISREG(st.st_mode)) {
                seals = fcntl(fd, F_GET_SEALS);
                if (seals >= 0 && (seals & F_SEAL_SHRINK) && (uint64_t)st.st_size <= SIZE_MAX)
                        rc = open_map(r, fd, (size_t)st.st_size);
                else if (lseek(fd, 0, SEEK_SET) < 0) {
                        rc = -errno;
                        (void)close(fd);
                } else
                        rc = open_stream(r, fd);
        } else
                rc = open_stream(r, fd);
        if (rc < 0) {
                pkt_pcap_close(r);
                return rc;
        }
        *ret = r;
        return 0;
}

int
pkt_pcap_open(const char *path, struct pkt_pcap **ret)
{
        int fd;

        pkt_assert_return(path && ret, -EINVAL);

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return pkt_pcap_open_fd(fd, ret);
}

int
pkt_pcap_open_mem(const void *data, size_t len, struct pkt_pcap **ret)
{
        struct pkt_pcap *r;
        int rc;

        pkt_assert_return(data || len == 0, -EINVAL);
        pkt_assert_return(ret, -EINVAL);

        switch (magic_kind(data, len)) {
        case MAGIC_CLASSIC:
                break;
        case MAGIC_GZIP:
        case MAGIC_PCAPNG:
                return -EPROTONOSUPPORT;
        default:
                return -EBADMSG;
        }
        if (len < PCAP_FILE_HDR_LEN)
                return -EBADMSG;
        r = reader_new();
        if (!r)
                return -ENOMEM;
        r->src = PCAP_SRC_MEM;
        r->buf = data;
        r->len = len;
        r->off = PCAP_FILE_HDR_LEN;
        rc = parse_file_hdr(r, data);
        if (rc < 0) {
                pkt_pcap_close(r);
                return rc;
        }
        *ret = r;
        return 0;
}

struct pkt_pcap *
pkt_pcap_close(struct pkt_pcap *r)
{
        if (!r)
                return NULL;
        if (r->map)
                (void)munmap(r->map, r->map_len);
        if (r->fd >= 0)
                (void)close(r->fd);
        free(r->sbuf);
        pcap_lib_close(r);
        free(r);
        return NULL;
}

int
pkt_pcap_linktype(const struct pkt_pcap *r)
{
        pkt_assert_return(r, -EINVAL);
        return r->linktype;
}

bool
pkt_pcap_is_nsec(const struct pkt_pcap *r)
{
        return r && r->is_nsec;
}

int
pkt_pcap_snaplen(const struct pkt_pcap *r)
{
        pkt_assert_return(r, -EINVAL);
        return (int)MIN(r->snaplen, (uint32_t)INT_MAX);
}

int
pkt_pcap_fcs_len(const struct pkt_pcap *r)
{
        pkt_assert_return(r, -EINVAL);
        if (r->src == PCAP_SRC_LIBPCAP || !PCAP_LT_FCS_PRESENT(r->lt_field))
                return -ENODATA;
        return (int)PCAP_LT_FCS_WORDS(r->lt_field) * 2;
}

int
pkt_pcap_next_batch(struct pkt_pcap *r, struct pkt_pcap_rec *recs, unsigned max)
{
        pkt_assert_return(r && recs && max > 0, -EINVAL);

        if (r->err)
                return r->err;
        max = MIN(max, (unsigned)INT_MAX);
        switch (r->src) {
        case PCAP_SRC_LIBPCAP:
                return pcap_lib_next(r, recs);
        case PCAP_SRC_STREAM:
                return stream_next(r, recs, max);
        default:
                return mem_next(r, recs, max);
        }
}

int
pkt_pcap_next(struct pkt_pcap *r, struct pkt_pcap_rec *rec)
{
        return pkt_pcap_next_batch(r, rec, 1);
}

uint64_t
pkt_pcap_offset(const struct pkt_pcap *r)
{
        if (!r)
                return 0;
        if (r->src == PCAP_SRC_LIBPCAP)
                return pcap_lib_offset(r);
        return r->buf_pos + r->off;
}
