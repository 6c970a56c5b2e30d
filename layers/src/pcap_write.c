/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writing classic pcap (draft-ietf-opsawg-pcap; header diagrams in pcap_read.c), version 2.4, in
 * the host's byte order as libpcap writes it, with microsecond or nanosecond timestamps. Records
 * are gathered in a buffer and written with write(2) when it fills; the first error is kept,
 * returned by the call that met it and again by every later write and by close, so that a caller
 * checking only pkt_pcap_writer_close() still learns that the file is incomplete.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pkt/pcap.h>

#include "internal.h"
#include "pcap_internal.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du

/* 64 KiB amortises a write(2) over hundreds of typical packets while staying in L2; a bigger buffer
 * only delays errors. */
#define PCAP_WRITE_BUF (64u * 1024)

/* Where the LinkType field is in the file header. */
#define PCAP_LT_OFF 20

/* The snap length written for @snaplen 0: libpcap's maximum (tcpdump -s 0). */
#define PCAP_SNAPLEN_DEFAULT (256u * 1024)

struct pkt_pcap_writer {
        int fd;
        int err;
        bool is_nsec;
        uint32_t snaplen;
        size_t used;
        uint8_t buf[PCAP_WRITE_BUF];
};

static int
write_all(int fd, const uint8_t *b, size_t len)
{
        /* Each pass writes at least one byte or returns: bounded by @len. */
        while (len > 0) {
                ssize_t n = write(fd, b, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
                b += n;
                len -= (size_t)n;
        }
        return 0;
}

static int
flush(struct pkt_pcap_writer *w)
{
        int rc;

        if (w->err || w->used == 0)
                return w->err;
        rc = write_all(w->fd, w->buf, w->used);
        w->used = 0;
        if (rc < 0)
                w->err = rc;
        return w->err;
}

static int
put(struct pkt_pcap_writer *w, const void *data, size_t len)
{
        const uint8_t *b = data;

        /* Each pass copies at least one byte or fails: bounded by @len / PCAP_WRITE_BUF flushes. */
        while (len > 0) {
                size_t k;

                if (w->used == sizeof(w->buf) && flush(w) < 0)
                        return w->err;
                k = MIN(len, sizeof(w->buf) - w->used);
                memcpy(w->buf + w->used, b, k);
                w->used += k;
                b += k;
                len -= k;
        }
        return 0;
}

static void
put32(uint8_t *b, uint32_t v)
{
        memcpy(b, &v, sizeof(v));
}

int
pkt_pcap_writer_open(const char *path, int linktype, uint32_t snaplen, bool is_nsec,
                     struct pkt_pcap_writer **ret)
{
        struct pkt_pcap_writer *w;
        uint8_t h[PCAP_FILE_HDR_LEN] = { 0 };
        uint16_t version[2] = { 2, 4 };
        int rc;

        pkt_assert_return(path && ret, -EINVAL);
        pkt_assert_return(linktype >= 0 && pcap_dlt_to_linktype(linktype) <= 0xffff, -EINVAL);

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (w->fd < 0) {
                rc = -errno;
                free(w);
                return rc;
        }
        w->is_nsec = is_nsec;
        w->snaplen = snaplen ? snaplen : PCAP_SNAPLEN_DEFAULT;

        put32(h, is_nsec ? PCAP_MAGIC_NS : PCAP_MAGIC_US);
        memcpy(h + 4, version, sizeof(version));
        /* thiszone and sigfigs stay 0: every reader ignores them (draft-ietf-opsawg-pcap §4). */
        put32(h + 16, w->snaplen);
        put32(h + PCAP_LT_OFF, pcap_dlt_to_linktype(linktype));
        (void)put(w, h, sizeof(h));
        *ret = w;
        return 0;
}

int
pkt_pcap_write(struct pkt_pcap_writer *w, const struct pkt_pcap_rec *rec)
{
        uint32_t h[4], caplen;

        pkt_assert_return(w && rec, -EINVAL);
        pkt_assert_return(rec->data || rec->caplen == 0, -EINVAL);
        pkt_assert_return(rec->ts_nsec < 1000000000u, -EINVAL);
        /* The file's seconds: unsigned 32-bit, since 1970 (draft-ietf-opsawg-pcap §5). */
        pkt_assert_return(rec->ts_sec >= 0 && rec->ts_sec <= UINT32_MAX, -ERANGE);

        if (w->err)
                return w->err;
        caplen = MIN(rec->caplen, w->snaplen);
        h[0] = (uint32_t)rec->ts_sec;
        h[1] = w->is_nsec ? rec->ts_nsec : rec->ts_nsec / 1000;
        h[2] = caplen;
        h[3] = MAX(rec->wire_len, rec->caplen);
        if (put(w, h, sizeof(h)) < 0 || put(w, rec->data, caplen) < 0)
                return w->err;
        return 0;
}

int
pkt_pcap_writer_set_fcs_len(struct pkt_pcap_writer *w, unsigned bytes)
{
        uint32_t lt;

        pkt_assert_return(w, -EINVAL);
        if (bytes % 2 || bytes / 2 > PCAP_FCS_WORDS_MAX)
                return -EINVAL;
        /* Until the first record the header is all the buffer holds: nothing has been written. */
        if (w->used != PCAP_FILE_HDR_LEN)
                return -EBUSY;
        memcpy(&lt, w->buf + PCAP_LT_OFF, sizeof(lt));
        lt = PCAP_LT_TYPE(lt) | PCAP_LT_FCS(bytes / 2);
        put32(w->buf + PCAP_LT_OFF, lt);
        return 0;
}

int
pkt_pcap_writer_close(struct pkt_pcap_writer *w)
{
        int rc;

        if (!w)
                return 0;
        rc = flush(w);
        if (close(w->fd) < 0 && rc == 0)
                rc = -errno;
        free(w);
        return rc;
}
