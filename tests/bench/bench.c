/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_FILE_HDR 24u
#define PCAP_REC_HDR 16u

static uint32_t
ld32(const uint8_t *b, int swap)
{
        uint32_t v;

        memcpy(&v, b, 4);
        return swap ? __builtin_bswap32(v) : v;
}

static int
read_all(const char *path, uint8_t **ret, size_t *ret_size)
{
        struct stat st;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        uint8_t *buf;
        size_t got = 0;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0 || st.st_size < 0) {
                int r = -errno;
                (void)close(fd);
                return r;
        }
        buf = malloc((size_t)st.st_size + 1);
        if (!buf) {
                (void)close(fd);
                return -ENOMEM;
        }
        while (got < (size_t)st.st_size) {
                ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
                if (n <= 0) {
                        int r = n < 0 ? -errno : -EIO;
                        free(buf);
                        (void)close(fd);
                        return r;
                }
                got += (size_t)n;
        }
        (void)close(fd);
        *ret = buf;
        *ret_size = got;
        return 0;
}

int
bench_file_load(const char *path, struct bench_file *f)
{
        size_t off = PCAP_FILE_HDR, cap = 0;
        int swap, r;

        memset(f, 0, sizeof(*f));
        r = read_all(path, &f->image, &f->size);
        if (r < 0)
                return r;
        if (f->size < PCAP_FILE_HDR)
                goto bad;
        uint32_t magic = ld32(f->image, 0);
        if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS)
                swap = 0;
        else if (__builtin_bswap32(magic) == PCAP_MAGIC_US || __builtin_bswap32(magic) == PCAP_MAGIC_NS)
                swap = 1;
        else
                goto bad;
        f->linktype = (int)(ld32(f->image + 20, swap) & 0x0fffffff);
        while (off + PCAP_REC_HDR <= f->size) {
                uint32_t caplen = ld32(f->image + off + 8, swap), wire = ld32(f->image + off + 12, swap);
                if (caplen > f->size - off - PCAP_REC_HDR)
                        goto bad;
                if (f->n == cap) {
                        cap = cap ? cap * 2 : 1024;
                        struct bench_rec *n = realloc(f->recs, cap * sizeof(*n));
                        if (!n) {
                                bench_file_free(f);
                                return -ENOMEM;
                        }
                        f->recs = n;
                }
                f->recs[f->n++] = (struct bench_rec){ f->image + off + PCAP_REC_HDR, caplen, wire };
                off += PCAP_REC_HDR + caplen;
        }
        return 0;
bad:
        bench_file_free(f);
        return -EBADMSG;
}

void
bench_file_free(struct bench_file *f)
{
        free(f->image);
        free(f->recs);
        memset(f, 0, sizeof(*f));
}

double
bench_now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

double
bench_median(double *v, size_t n)
{
        if (n == 0)
                return 0;
        qsort(v, n, sizeof(*v), cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
bench_work_equal(const char *a_name, const struct bench_work *a, const char *b_name,
                 const struct bench_work *b)
{
        if (memcmp(a, b, sizeof(*a)) == 0)
                return 1;
        fprintf(stderr,
                "MISMATCH %s: tcp %" PRIu64 " udp %" PRIu64 " ports %" PRIu64 " dns %" PRIu64 " rr %" PRIu64 "\n"
                "         %s: tcp %" PRIu64 " udp %" PRIu64 " ports %" PRIu64 " dns %" PRIu64 " rr %" PRIu64 "\n",
                a_name, a->tcp, a->udp, a->port_sum, a->dns, a->dns_records, b_name, b->tcp, b->udp,
                b->port_sum, b->dns, b->dns_records);
        return 0;
}

void
bench_print_rate(const char *name, double pps)
{
        printf("  %-34s %12.0f pkt/s  (%7.1f ns/pkt)\n", name, pps, pps > 0 ? 1e9 / pps : 0.0);
}

unsigned
bench_rounds(void)
{
        const char *s = getenv("BENCH_ROUNDS");
        long n = s ? strtol(s, NULL, 10) : 5;
        return n >= 1 && n <= 100 ? (unsigned)n : 5;
}
