/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capture files that are not classic pcap (pcapng, the Kuznetzov pcap variant, and whatever else a
 * libpcap build reads) go through libpcap's savefile reader: one record per call, the record
 * pointing into libpcap's buffer, which stays valid until the next call, as our contract promises.
 *
 * Limitation: libpcap 1.10 has one link type per handle (pcap_datalink(), the first interface's). A
 * pcapng file whose later interfaces have another link type makes pcap_next_ex() fail at the first
 * of their packets; we report that as -EBADMSG after the records before it, like any damaged file.
 * Every record therefore carries the handle's link type. libpcap also hides each interface's
 * timestamp resolution, so pkt_pcap_is_nsec() says false for these files while the records still
 * carry nanoseconds (we open the handle with nanosecond precision).
 */
#define _GNU_SOURCE /* fopencookie() */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pkt/pcap.h>

#include "internal.h"
#include "pcap_internal.h"

#define NSEC_PER_SEC 1000000000L

int
pcap_lib_open(struct pkt_pcap *r, void *f)
{
        char errbuf[PCAP_ERRBUF_SIZE];
        pcap_t *p;

        assert(r && f);
        p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
        if (!p) {
                /* libpcap leaves a FILE it refused with its caller. Its message is not ours to
                 * print; every refusal is "not a capture file we can read". */
                (void)fclose(f);
                return -EBADMSG;
        }
        r->src = PCAP_SRC_LIBPCAP;
        r->lp = p;
        r->linktype = pcap_datalink(p);
        r->snaplen = (uint32_t)MAX(pcap_snapshot(p), 0);
        r->is_nsec = false;
        return 0;
}

int
pcap_lib_next(struct pkt_pcap *r, struct pkt_pcap_rec *rec)
{
        struct pcap_pkthdr *h;
        const u_char *data;
        int64_t sec;
        long frac;
        int rc;

        assert(r && r->lp && rec);
        rc = pcap_next_ex(r->lp, &h, &data);
        if (rc == PCAP_ERROR_BREAK) /* -2: the end of the file */
                return 0;
        if (rc != 1) {
                /* -1: a damaged file. 0 (a timeout) cannot happen on a file; treat it as damage
                 * rather than as the end, which would hide records. */
                r->err = -EBADMSG;
                return r->err;
        }
        sec = h->ts.tv_sec;
        frac = h->ts.tv_usec; /* nanoseconds: the handle was opened with nanosecond precision */
        if (frac < 0 || frac >= NSEC_PER_SEC) {
                long carry = frac / NSEC_PER_SEC - (frac % NSEC_PER_SEC < 0);

                sec += carry;
                frac -= carry * NSEC_PER_SEC;
        }
        rec->data = data;
        rec->caplen = h->caplen;
        rec->wire_len = MAX(h->len, h->caplen); /* as pcap_read.c: caplen <= wire_len always */
        rec->ts_sec = sec;
        rec->ts_nsec = (uint32_t)frac;
        rec->linktype = r->linktype;
        return 1;
}

uint64_t
pcap_lib_offset(const struct pkt_pcap *r)
{
        long pos;

        assert(r && r->lp);
        pos = ftell(pcap_file(r->lp));
        return pos < 0 ? 0 : (uint64_t)pos;
}

void
pcap_lib_close(struct pkt_pcap *r)
{
        if (r->lp)
                pcap_close(r->lp); /* closes the FILE, and with it the fd or cookie */
        r->lp = NULL;
}

/* The prefixed stream behind pcap_lib_fdopen_prefixed(). */
struct prefixed {
        int fd;
        uint8_t *prefix;
        size_t prefix_len;
        size_t pos_in_prefix;
        uint64_t pos; /* bytes handed out, for ftell() */
};

static ssize_t
prefixed_read(void *cookie, char *buf, size_t size)
{
        struct prefixed *c = cookie;
        ssize_t n;

        if (c->pos_in_prefix < c->prefix_len) {
                size_t k = MIN(size, c->prefix_len - c->pos_in_prefix);

                memcpy(buf, c->prefix + c->pos_in_prefix, k);
                c->pos_in_prefix += k;
                c->pos += k;
                return (ssize_t)k;
        }
        do
                n = read(c->fd, buf, size);
        while (n < 0 && errno == EINTR);
        if (n > 0)
                c->pos += (uint64_t)n;
        return n;
}

/* Only ftell() is supported: the stream cannot go back. */
static int
prefixed_seek(void *cookie, off64_t *off, int whence)
{
        struct prefixed *c = cookie;

        if (whence != SEEK_CUR || *off != 0) {
                errno = ESPIPE;
                return -1;
        }
        *off = (off64_t)c->pos;
        return 0;
}

static int
prefixed_close(void *cookie)
{
        struct prefixed *c = cookie;
        int rc = close(c->fd);

        free(c->prefix);
        free(c);
        return rc;
}

void *
pcap_lib_fdopen_prefixed(int fd, const uint8_t *prefix, size_t prefix_len)
{
        static const cookie_io_functions_t io = {
                .read = prefixed_read,
                .seek = prefixed_seek,
                .close = prefixed_close,
        };
        struct prefixed *c = calloc(1, sizeof(*c));
        FILE *f;

        if (!c || !(c->prefix = malloc(prefix_len ? prefix_len : 1))) {
                free(c);
                (void)close(fd);
                errno = ENOMEM;
                return NULL;
        }
        memcpy(c->prefix, prefix, prefix_len);
        c->prefix_len = prefix_len;
        c->fd = fd;
        f = fopencookie(c, "rb", io);
        if (!f) {
                int err = errno;

                (void)prefixed_close(c);
                errno = err;
        }
        return f;
}
