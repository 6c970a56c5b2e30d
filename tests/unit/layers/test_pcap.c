/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capture-file I/O (layers/src/pcap_read.c, pcap_libpcap.c, pcap_write.c). libpcap's own reader is
 * the oracle: on every corpus file it opens we must return the same records (bytes, lengths,
 * timestamps, link type) and fail at the same place; what it refuses we refuse.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pkt/pcap.h>

#include "testutil.h"

#define BATCH_MAX 64

enum via {
        VIA_FILE, /* pkt_pcap_open() on the path: read in blocks, or libpcap */
        VIA_MEM,  /* pkt_pcap_open_mem() on the bytes */
        VIA_PIPE, /* pkt_pcap_open() on a pipe fed by a child: the streaming reader */
};

struct blob {
        uint8_t *data;
        size_t len;
};

static struct blob
slurp(const char *path)
{
        struct blob b = { 0 };
        FILE *f = fopen(path, "rb");
        long n;

        if (!f)
                fail_msg("%s: %s", path, strerror(errno));
        assert_int_equal(fseek(f, 0, SEEK_END), 0);
        n = ftell(f);
        assert_true(n >= 0);
        rewind(f);
        b.len = (size_t)n;
        b.data = malloc(b.len ? b.len : 1);
        assert_non_null(b.data);
        assert_int_equal(fread(b.data, 1, b.len, f), b.len);
        fclose(f);
        return b;
}

static const char *
tmp_path(const char *name)
{
        static char path[4096];

        snprintf(path, sizeof(path), "%s/test_pcap_%d_%s", PKTD_BINARY_DIR, (int)getpid(), name);
        return path;
}

static void
spill(const char *path, const void *data, size_t len)
{
        FILE *f = fopen(path, "wb");

        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
}

static bool
is_classic(const uint8_t *b, size_t len)
{
        static const uint8_t m[4][4] = {
                { 0xd4, 0xc3, 0xb2, 0xa1 },
                { 0xa1, 0xb2, 0xc3, 0xd4 },
                { 0x4d, 0x3c, 0xb2, 0xa1 },
                { 0xa1, 0xb2, 0x3c, 0x4d },
        };

        for (unsigned i = 0; len >= 4 && i < 4; i++)
                if (memcmp(b, m[i], 4) == 0)
                        return true;
        return false;
}

static bool
is_classic_nsec(const uint8_t *b)
{
        return b[0] == 0x4d || b[3] == 0x4d;
}

/* Forks a child that writes @b into a pipe; returns the read end's path in @path. */
static pid_t
feed_pipe(const struct blob *b, int *ret_fd)
{
        int fds[2];
        pid_t pid;

        assert_int_equal(pipe(fds), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                size_t off = 0;

                close(fds[0]);
                while (off < b->len) {
                        ssize_t n = write(fds[1], b->data + off, b->len - off);

                        if (n <= 0)
                                _exit(1);
                        off += (size_t)n;
                }
                _exit(0);
        }
        close(fds[1]);
        *ret_fd = fds[0];
        return pid;
}

static int
open_via(enum via via, const char *path, const struct blob *b, struct pkt_pcap **r, pid_t *child)
{
        char fdpath[64];
        int fd, rc;

        *child = -1;
        switch (via) {
        case VIA_MEM:
                return pkt_pcap_open_mem(b->data, b->len, r);
        case VIA_PIPE:
                *child = feed_pipe(b, &fd);
                snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", fd);
                rc = pkt_pcap_open(fdpath, r);
                close(fd);
                return rc;
        default:
                return pkt_pcap_open(path, r);
        }
}

static void
reap(pid_t child)
{
        int status;

        if (child > 0)
                assert_int_equal(waitpid(child, &status, 0), child);
}

/* The timestamp libpcap reports, in ns since 1970. Classic pcap stores unsigned 32-bit fields,
 * which libpcap 1.10 reads as signed; we read them unsigned, so compare as unsigned. */
static int64_t
lp_ts_ns(const struct pcap_pkthdr *h, bool classic, bool nsec)
{
        if (!classic)
                return (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
        return (int64_t)(uint32_t)h->ts.tv_sec * 1000000000 +
               (int64_t)(uint32_t)h->ts.tv_usec * (nsec ? 1 : 1000);
}

#define EXPECT(cond, ...)                                                                          \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        print_error("%s (via %d): ", path, (int)via);                              \
                        print_error(__VA_ARGS__);                                                  \
                        fail_msg("%s", #cond);                                                     \
                }                                                                                  \
        } while (0)

struct tally {
        unsigned opened, refused, records, damaged;
};

/*
 * Reads @path with libpcap and with us (@via) side by side, @batch records at a time, and checks
 * they agree on everything: whether the file opens, link type, every record's bytes, lengths and
 * timestamp, and whether the file ends cleanly or with an error (which must then repeat).
 */
static void
compare_with_libpcap(const char *path, enum via via, unsigned batch, struct tally *t)
{
        char errbuf[PCAP_ERRBUF_SIZE];
        struct pkt_pcap_rec recs[BATCH_MAX];
        struct blob b = slurp(path);
        bool classic = is_classic(b.data, b.len);
        bool nsec = classic && is_classic_nsec(b.data);
        struct pkt_pcap *r = NULL;
        pcap_t *lp;
        pid_t child;
        unsigned first = t->records;
        int rc, lrc = -2, n = 0, dlt;

        lp = pcap_open_offline_with_tstamp_precision(
                path, classic && !nsec ? PCAP_TSTAMP_PRECISION_MICRO : PCAP_TSTAMP_PRECISION_NANO,
                errbuf);
        rc = open_via(via, path, &b, &r, &child);
        if (via == VIA_MEM && !classic) {
                /* Only classic pcap is read from memory. */
                EXPECT(rc == -EPROTONOSUPPORT || rc == -EBADMSG, "open_mem -> %d", rc);
                goto out;
        }
        if (!lp) {
                EXPECT(rc < 0, "libpcap refuses (%s), we open", errbuf);
                EXPECT(rc == -EBADMSG || rc == -EPROTONOSUPPORT, "refused with %d", rc);
                t->refused++;
                goto out;
        }
        EXPECT(rc == 0, "libpcap opens, we fail with %d", rc);
        t->opened++;
        /* libpcap 1.10 keeps the reserved bits 16-25 of a classic header's link-type field in the
         * link type (libpcap/linktype-reserved-field-not-zero.pcap); the format says to ignore
         * them. */
        dlt = classic ? pcap_datalink(lp) & 0xffff : pcap_datalink(lp);
        EXPECT(pkt_pcap_linktype(r) == dlt, "linktype %d, libpcap %d", pkt_pcap_linktype(r),
               pcap_datalink(lp));
        if (classic)
                EXPECT(pkt_pcap_is_nsec(r) == nsec, "is_nsec");

        /* Bounded: every pass consumes at least one record of a finite file. */
        while ((n = pkt_pcap_next_batch(r, recs, batch)) > 0) {
                EXPECT((unsigned)n <= batch, "batch overrun %d", n);
                for (int i = 0; i < n; i++) {
                        const struct pkt_pcap_rec *rec = &recs[i];
                        struct pcap_pkthdr *h;
                        const u_char *d;

                        lrc = pcap_next_ex(lp, &h, &d);
                        EXPECT(lrc == 1, "record %u: libpcap says %d", t->records - first, lrc);
                        EXPECT(rec->caplen == h->caplen, "record %u: caplen %u, libpcap %u",
                               t->records - first, rec->caplen, h->caplen);
                        EXPECT(memcmp(rec->data, d, h->caplen) == 0, "record %u: bytes",
                               t->records - first);
                        EXPECT(rec->wire_len == (h->len > h->caplen ? h->len : h->caplen),
                               "record %u: wire_len %u, libpcap %u", t->records - first,
                               rec->wire_len, h->len);
                        EXPECT(rec->ts_nsec < 1000000000, "record %u: ts_nsec", t->records - first);
                        EXPECT(rec->ts_sec * 1000000000 + rec->ts_nsec ==
                                       lp_ts_ns(h, classic, nsec),
                               "record %u: ts %lld.%09u", t->records - first,
                               (long long)rec->ts_sec, rec->ts_nsec);
                        EXPECT(rec->linktype == dlt, "record %u: linktype", t->records - first);
                        t->records++;
                }
        }
        lrc = pcap_next_ex(lp, &(struct pcap_pkthdr *){ NULL }, &(const u_char *){ NULL });
        EXPECT((n == 0 && lrc == PCAP_ERROR_BREAK) || (n == -EBADMSG && lrc == PCAP_ERROR),
               "we end with %d, libpcap with %d (%s)", n, lrc, pcap_geterr(lp));
        EXPECT(pkt_pcap_next(r, recs) == n, "the end must repeat");
        t->damaged += n < 0;
out:
        /* A child still writing gets EPIPE once the reader is closed (SIGPIPE is ignored). */
        pkt_pcap_close(r);
        reap(child);
        if (lp)
                pcap_close(lp);
        free(b.data);
}

static void
test_pcap_every_corpus_file_reads_as_libpcap_reads_it(void **state)
{
        struct tally t = { 0 }, tm = { 0 }, tp = { 0 };
        char line[16384];
        unsigned i = 0;
        FILE *idx;

        (void)state;
        idx = fopen(tu_corpus("index.tsv"), "r");
        if (!idx)
                skip();
        assert_non_null(fgets(line, sizeof(line), idx)); /* the column names */
        while (fgets(line, sizeof(line), idx)) {
                char *tab = strchr(line, '\t');
                const char *path;

                assert_non_null(tab);
                *tab = '\0';
                path = tu_corpus(line);
                /* Batch sizes 1..BATCH_MAX in turn, so that batch boundaries fall everywhere. */
                compare_with_libpcap(path, VIA_FILE, 1 + i % BATCH_MAX, &t);
                compare_with_libpcap(path, VIA_MEM, 1 + (i * 7) % BATCH_MAX, &tm);
                if (i % 4 == 0)
                        compare_with_libpcap(path, VIA_PIPE, 1 + (i * 3) % BATCH_MAX, &tp);
                i++;
        }
        fclose(idx);
        print_message("corpus: %u files, %u opened (%u records, %u damaged), %u refused; "
                      "from memory %u records; through pipes %u records\n",
                      i, t.opened, t.records, t.damaged, t.refused, tm.records, tp.records);
        /* The corpus README counts 1772 files, 28 gzip-compressed and 2 in formats libpcap lacks.
         */
        assert_true(i >= 1700);
        assert_true(t.opened >= 1690);
        assert_true(t.refused >= 28);
        assert_true(t.records >=
                    100000); /* the README's 152081 include the gzip-compressed files */
        assert_true(t.damaged > 0);
}

/* --- synthetic files: byte order, resolution, odd lengths
 * ------------------------------------------- */

struct synth_rec {
        uint32_t sec, frac, caplen, wire;
};

/* Builds a classic pcap in @out: byte order @be, resolution @ns, @n records whose data is a
 * counter. */
static size_t
synth(uint8_t *out, size_t size, bool be, bool ns, uint16_t major, uint16_t minor, uint32_t snaplen,
      uint32_t lt_field, const struct synth_rec *recs, unsigned n)
{
        size_t len = 0;

        /* Host order is little-endian on every machine we build for; a byte swap gives big-endian.
         */
#define PUT(v, bits)                                                                               \
        do {                                                                                       \
                uint##bits##_t v_ = be ? __builtin_bswap##bits(v) : (v);                           \
                assert_true(len + sizeof(v_) <= size);                                             \
                memcpy(out + len, &v_, sizeof(v_));                                                \
                len += sizeof(v_);                                                                 \
        } while (0)
#define PUT32(v) PUT(v, 32)
        PUT32(ns ? 0xa1b23c4du : 0xa1b2c3d4u);
        PUT(major, 16);
        PUT(minor, 16);
        PUT32(0u); /* thiszone */
        PUT32(0u); /* sigfigs */
        PUT32(snaplen);
        PUT32(lt_field);
        for (unsigned i = 0; i < n; i++) {
                PUT32(recs[i].sec);
                PUT32(recs[i].frac);
                PUT32(recs[i].caplen);
                PUT32(recs[i].wire);
                /* data: the larger of the two lengths when the version says they are swapped */
                uint32_t dlen = major == 2 && minor < 3 ? recs[i].wire : recs[i].caplen;

                assert_true(len + dlen <= size);
                for (uint32_t k = 0; k < dlen; k++)
                        out[len + k] = (uint8_t)(i * 16 + k);
                len += dlen;
        }
#undef PUT32
#undef PUT
        return len;
}

static const struct synth_rec synth_recs[] = {
        { 1700000000, 1, 60, 60 },
        { 1700000001, 999999, 14, 1514 },
        { 4000000000u, 500, 1, 1 }, /* after 2038: unsigned seconds */
};

static void
check_synth(bool be, bool ns)
{
        static uint8_t buf[1024];
        size_t len = synth(buf, sizeof(buf), be, ns, 2, 4, 65535, 1, synth_recs, 3);
        struct pkt_pcap_rec recs[4];
        struct pkt_pcap *r;
        const char *path = tmp_path("synth.pcap");
        enum via via = VIA_FILE;
        struct tally t = { 0 };

        assert_int_equal(pkt_pcap_open_mem(buf, len, &r), 0);
        assert_int_equal(pkt_pcap_linktype(r), 1);
        assert_int_equal(pkt_pcap_is_nsec(r), ns);
        assert_int_equal(pkt_pcap_snaplen(r), 65535);
        assert_int_equal(pkt_pcap_next_batch(r, recs, 4), 3);
        for (unsigned i = 0; i < 3; i++) {
                assert_int_equal(recs[i].ts_sec, synth_recs[i].sec);
                assert_int_equal(recs[i].ts_nsec, synth_recs[i].frac * (ns ? 1 : 1000));
                assert_int_equal(recs[i].caplen, synth_recs[i].caplen);
                assert_int_equal(recs[i].wire_len, synth_recs[i].wire);
                assert_int_equal(recs[i].data[0], i * 16);
        }
        assert_int_equal(pkt_pcap_next_batch(r, recs, 4), 0);
        pkt_pcap_close(r);

        /* And libpcap reads the file we made the same way. */
        spill(path, buf, len);
        compare_with_libpcap(path, via, 2, &t);
        assert_int_equal(t.records, 3);
        unlink(path);
}

static void
test_pcap_little_endian_microseconds(void **state)
{
        (void)state;
        check_synth(false, false);
}

static void
test_pcap_big_endian_microseconds(void **state)
{
        (void)state;
        check_synth(true, false);
}

static void
test_pcap_little_endian_nanoseconds(void **state)
{
        (void)state;
        check_synth(false, true);
}

static void
test_pcap_big_endian_nanoseconds(void **state)
{
        (void)state;
        check_synth(true, true);
}

static void
test_pcap_caplen_over_snaplen_is_cut_to_snaplen_as_libpcap_does(void **state)
{
        static const struct synth_rec in[] = { { 1, 0, 100, 100 }, { 2, 0, 10, 10 } };
        uint8_t buf[512];
        size_t len = synth(buf, sizeof(buf), false, false, 2, 4, 40, 1, in, 2);
        struct pkt_pcap_rec recs[2];
        struct pkt_pcap *r;

        (void)state;
        assert_int_equal(pkt_pcap_open_mem(buf, len, &r), 0);
        assert_int_equal(pkt_pcap_next_batch(r, recs, 2), 2);
        assert_int_equal(recs[0].caplen, 40);
        assert_int_equal(recs[0].wire_len, 100);
        /* The second record is found after all 100 bytes of the first. */
        assert_ptr_equal(recs[1].data, buf + 24 + 16 + 100 + 16);
        assert_int_equal(recs[1].caplen, 10);
        pkt_pcap_close(r);
}

static void
test_pcap_caplen_over_256k_is_corrupt_after_the_records_before_it(void **state)
{
        static const struct synth_rec in[] = { { 1, 0, 8, 8 }, { 2, 0, 4, 4 } };
        uint8_t buf[512];
        size_t len = synth(buf, sizeof(buf), false, false, 2, 4, 0, 1, in, 2);
        uint32_t huge = 256 * 1024 + 1;
        struct pkt_pcap_rec recs[4];
        struct pkt_pcap *r;

        (void)state;
        memcpy(buf + 24 + 16 + 8 + 8, &huge, 4); /* the second record's caplen */
        assert_int_equal(pkt_pcap_open_mem(buf, len, &r), 0);
        assert_int_equal(pkt_pcap_snaplen(r), 256 * 1024); /* 0 means the maximum */
        assert_int_equal(pkt_pcap_next_batch(r, recs, 4), 1);
        assert_int_equal(recs[0].caplen, 8);
        assert_int_equal(pkt_pcap_offset(r), 24 + 16 + 8);
        assert_int_equal(pkt_pcap_next_batch(r, recs, 4), -EBADMSG);
        assert_int_equal(pkt_pcap_next(r, recs), -EBADMSG);
        pkt_pcap_close(r);
}

static void
test_pcap_caplen_over_wire_len_raises_wire_len(void **state)
{
        static const struct synth_rec in[] = { { 1, 0, 30, 20 } };
        uint8_t buf[128];
        size_t len = synth(buf, sizeof(buf), false, false, 2, 4, 65535, 1, in, 1);
        struct pkt_pcap_rec rec;
        struct pkt_pcap *r;

        (void)state;
        assert_int_equal(pkt_pcap_open_mem(buf, len, &r), 0);
        assert_int_equal(pkt_pcap_next(r, &rec), 1);
        assert_int_equal(rec.caplen, 30);
        assert_int_equal(rec.wire_len, 30);
        pkt_pcap_close(r);
}

static void
test_pcap_version_2_2_has_caplen_and_wire_len_swapped(void **state)
{
        /* Written as {caplen=1514, wire=14}: files before 2.3 stored wire length first. */
        static const struct synth_rec in[] = { { 1, 0, 1514, 14 } };
        uint8_t buf[128];
        size_t len = synth(buf, sizeof(buf), true, false, 2, 2, 65535, 1, in, 1);
        struct pkt_pcap_rec rec;
        struct pkt_pcap *r;

        (void)state;
        assert_int_equal(pkt_pcap_open_mem(buf, len, &r), 0);
        assert_int_equal(pkt_pcap_next(r, &rec), 1);
        assert_int_equal(rec.caplen, 14);
        assert_int_equal(rec.wire_len, 1514);
        assert_int_equal(pkt_pcap_next(r, &rec), 0);
        pkt_pcap_close(r);
}

static void
test_pcap_microsecond_overflow_is_carried_into_seconds(void **state)
{
        static const struct synth_rec in[] = { { 10, 2500000, 1, 1 } };
        uint8_t buf[128];
        size_t len = synth(buf, sizeof(buf), false, false, 2, 4, 65535, 1, in, 1);
        struct pkt_pcap_rec rec;
        struct pkt_pcap *r;

        (void)state;
        assert_int_equal(pkt_pcap_open_mem(buf, len, &r), 0);
        assert_int_equal(pkt_pcap_next(r, &rec), 1);
        assert_int_equal(rec.ts_sec, 12);
        assert_int_equal(rec.ts_nsec, 500000000);
        pkt_pcap_close(r);
}

static void
test_pcap_fcs_bits_of_the_link_type_field_are_kept(void **state)
{
        static const struct synth_rec in[] = { { 1, 0, 1, 1 } };
        uint8_t buf[128];
        size_t len;
        struct pkt_pcap *r;

        (void)state;
        /* FCS length 2 words (4 bytes), P bit, link type 1. */
        len = synth(buf, sizeof(buf), false, false, 2, 4, 65535, 0x24000001u, in, 1);
        assert_int_equal(pkt_pcap_open_mem(buf, len, &r), 0);
        assert_int_equal(pkt_pcap_linktype(r), 1);
        assert_int_equal(pkt_pcap_fcs_len(r), 4);
        pkt_pcap_close(r);

        /* FCS length without the P bit says nothing (tcpdump's fuzzed files carry such bits). */
        len = synth(buf, sizeof(buf), false, false, 2, 4, 65535, 0x30000001u, in, 1);
        assert_int_equal(pkt_pcap_open_mem(buf, len, &r), 0);
        assert_int_equal(pkt_pcap_linktype(r), 1);
        assert_int_equal(pkt_pcap_fcs_len(r), -ENODATA);
        pkt_pcap_close(r);
}

static void
test_pcap_linktype_raw_reads_as_dlt_raw(void **state)
{
        static const struct synth_rec in[] = { { 1, 0, 1, 1 } };
        uint8_t buf[128];
        size_t len = synth(buf, sizeof(buf), false, false, 2, 4, 65535, 101, in, 1);
        struct pkt_pcap *r;

        (void)state;
        assert_int_equal(pkt_pcap_open_mem(buf, len, &r), 0);
        assert_int_equal(pkt_pcap_linktype(r), DLT_RAW); /* LINKTYPE_RAW 101 is DLT_RAW 12 */
        pkt_pcap_close(r);
}

static void
test_pcap_bad_headers_are_refused(void **state)
{
        static const struct synth_rec in[] = { { 1, 0, 1, 1 } };
        uint8_t buf[128];
        struct pkt_pcap *r = NULL;

        (void)state;
        assert_int_equal(pkt_pcap_open_mem(
                                 buf, synth(buf, sizeof(buf), false, false, 1, 0, 0, 1, in, 1), &r),
                         -EBADMSG);
        assert_int_equal(pkt_pcap_open_mem(
                                 buf, synth(buf, sizeof(buf), false, false, 2, 5, 0, 1, in, 1), &r),
                         -EBADMSG);
        assert_int_equal(pkt_pcap_open_mem("GMBU\0\0", 6, &r), -EBADMSG);
        assert_int_equal(pkt_pcap_open_mem("", 0, &r), -EBADMSG);
        assert_int_equal(pkt_pcap_open(tu_corpus("libpcap/pcap-invalid-version-1.pcap"), &r),
                         -EBADMSG);
        assert_int_equal(pkt_pcap_open(tu_corpus("libpcap/pcap-invalid-version-2.pcap"), &r),
                         -EBADMSG);
        assert_int_equal(pkt_pcap_open(tmp_path("does-not-exist"), &r), -ENOENT);
        assert_null(r);
}

static void
test_pcap_gzip_and_pcapng_in_memory_are_not_supported(void **state)
{
        struct blob ng = slurp(tu_corpus("ndpi/esp.pcapng"));
        struct blob gz = slurp(tu_corpus("scapy/ecu_trace.pcap.gz"));
        struct pkt_pcap *r = NULL;

        (void)state;
        assert_int_equal(pkt_pcap_open_mem(ng.data, ng.len, &r), -EPROTONOSUPPORT);
        assert_int_equal(pkt_pcap_open_mem(gz.data, gz.len, &r), -EPROTONOSUPPORT);
        assert_int_equal(pkt_pcap_open(tu_corpus("scapy/ecu_trace.pcap.gz"), &r), -EPROTONOSUPPORT);
        assert_null(r);
        /* pcapng from a file is fine: libpcap reads it. */
        assert_int_equal(pkt_pcap_open(tu_corpus("ndpi/esp.pcapng"), &r), 0);
        pkt_pcap_close(r);
        free(ng.data);
        free(gz.data);
}

static void
test_pcap_pcapng_reads_through_libpcap_from_a_file_and_a_pipe(void **state)
{
        const char *path = tu_corpus("ndpi/esp.pcapng");
        struct blob b = slurp(path);
        enum via via = VIA_FILE;
        struct pkt_pcap_rec rec;
        struct tally t = { 0 };
        struct pkt_pcap *r;

        (void)state;
        compare_with_libpcap(path, VIA_FILE, 5, &t);
        compare_with_libpcap(path, VIA_PIPE, 5, &t);
        assert_int_equal(t.records, 2 * 6);
        assert_int_equal(pkt_pcap_open(path, &r), 0);
        assert_false(pkt_pcap_is_nsec(r));
        assert_int_equal(pkt_pcap_fcs_len(r), -ENODATA);
        while (pkt_pcap_next(r, &rec) == 1)
                EXPECT(pkt_pcap_offset(r) <= b.len, "offset %llu",
                       (unsigned long long)pkt_pcap_offset(r));
        EXPECT(pkt_pcap_offset(r) == b.len, "offset at the end %llu",
               (unsigned long long)pkt_pcap_offset(r));
        pkt_pcap_close(r);
        free(b.data);
}

static void
test_pcap_pipe_grows_its_buffer_for_a_record_bigger_than_it(void **state)
{
        /* D-Bus (DLT 231) records may reach 128 MiB; 3 MiB is past the 1 MiB stream buffer. */
        const uint32_t big = 3u * 1024 * 1024;
        const struct synth_rec in[] = { { 1, 0, 100, 100 }, { 2, 0, big, big }, { 3, 0, 7, 7 } };
        const char *path = tmp_path("dbus.pcap");
        struct blob b = { malloc(big + 512), big + 512 };
        struct tally t = { 0 };

        (void)state;
        assert_non_null(b.data);
        b.len = synth(b.data, b.len, false, false, 2, 4, 0, 231, in, 3);
        spill(path, b.data, b.len);
        compare_with_libpcap(path, VIA_PIPE, 8, &t);
        compare_with_libpcap(path, VIA_FILE, 8, &t);
        assert_int_equal(t.records, 2 * 3);
        assert_int_equal(t.damaged, 0);
        unlink(path);
        free(b.data);
}

/*
 * A file cut short by another process while it is being read (a capture rotated under pktctl): the
 * reader sees the end where the file now ends, returns every record before it and then -EBADMSG (the
 * cut falls inside a record). A reader that mapped the file would take SIGBUS here.
 */
static void
test_pcap_file_truncated_while_read_ends_in_ebadmsg(void **state)
{
        enum { N = 3000, CAPLEN = 1000 }; /* 3 MB: past the 1 MiB the reader reads at a time */
        struct synth_rec *in = calloc(N, sizeof(*in));
        const char *path = tmp_path("truncated-while-read.pcap");
        struct blob b = { malloc(N * (CAPLEN + 16u) + 24u), N * (CAPLEN + 16u) + 24u };
        struct pkt_pcap_rec recs[BATCH_MAX];
        struct pkt_pcap *r;
        size_t got = 0;
        int n;

        (void)state;
        assert_non_null(in);
        assert_non_null(b.data);
        for (unsigned i = 0; i < N; i++)
                in[i] = (struct synth_rec){ i, 0, CAPLEN, CAPLEN };
        b.len = synth(b.data, b.len, false, false, 2, 4, 0, 1, in, N);
        spill(path, b.data, b.len);
        assert_int_equal(pkt_pcap_open(path, &r), 0);
        assert_int_equal(pkt_pcap_next_batch(r, recs, BATCH_MAX), BATCH_MAX);
        got += BATCH_MAX;
        /* Cut 100 bytes into record 2000: 1999 whole records remain. */
        assert_int_equal(truncate(path, 24 + 1999 * (CAPLEN + 16) + 100), 0);
        while ((n = pkt_pcap_next_batch(r, recs, BATCH_MAX)) > 0) {
                for (int i = 0; i < n; i++)
                        assert_int_equal(recs[i].ts_sec, (int64_t)(got + (size_t)i));
                got += (size_t)n;
        }
        assert_int_equal(n, -EBADMSG);
        assert_int_equal(got, 1999);
        pkt_pcap_close(r);
        unlink(path);
        free(b.data);
        free(in);
}

/* --- truncation
 * ----------------------------------------------------------------------------------- */

/*
 * Opens every prefix of @rel from memory: below the file header it is refused; otherwise every
 * record that fits whole comes back (pointing at the right bytes), then 0 if the cut falls between
 * records or -EBADMSG (repeated) if it falls inside one.
 */
static void
check_every_prefix(const char *rel)
{
        struct blob b = slurp(tu_corpus(rel));
        size_t *ends = calloc(b.len / 16 + 2, sizeof(*ends));
        struct pkt_pcap_rec recs[5];
        unsigned n_ends = 0;
        struct pkt_pcap *r;

        assert_non_null(ends);
        /* Record boundaries, from a full read. */
        assert_int_equal(pkt_pcap_open_mem(b.data, b.len, &r), 0);
        ends[n_ends++] = 24;
        while (pkt_pcap_next(r, recs) == 1)
                ends[n_ends++] = (size_t)(recs[0].data - b.data) + recs[0].caplen;
        assert_int_equal(pkt_pcap_next(r, recs), 0);
        assert_int_equal(ends[n_ends - 1], b.len);
        pkt_pcap_close(r);

        for (size_t cut = 0; cut <= b.len; cut++) {
                unsigned whole = 0, got = 0;
                int rc;

                if (cut < 24) {
                        assert_int_equal(pkt_pcap_open_mem(b.data, cut, &r), -EBADMSG);
                        continue;
                }
                while (whole + 1 < n_ends && ends[whole + 1] <= cut)
                        whole++;
                assert_int_equal(pkt_pcap_open_mem(b.data, cut, &r), 0);
                while ((rc = pkt_pcap_next_batch(r, recs, 5)) > 0) {
                        for (int i = 0; i < rc; i++)
                                assert_ptr_equal(recs[i].data + recs[i].caplen,
                                                 b.data + ends[got + 1 + i]);
                        got += (unsigned)rc;
                }
                assert_int_equal(got, whole);
                assert_int_equal(rc, ends[whole] == cut ? 0 : -EBADMSG);
                assert_int_equal(pkt_pcap_next(r, recs), rc);
                pkt_pcap_close(r);
        }
        free(ends);
        free(b.data);
}

static void
test_pcap_every_prefix_returns_whole_records_then_ebadmsg(void **state)
{
        (void)state;
        check_every_prefix("dpkt/dns_icmp.pcap");              /* little-endian, us */
        check_every_prefix("tcpdump/isup.pcap");               /* big-endian, us */
        check_every_prefix("tcpdump/tcp-handshake-nano.pcap"); /* little-endian, ns */
        check_every_prefix("pypacker/packets_icmp6.pcap");     /* big-endian, ns */
}

/* The same from files cut in the middle of a record's data, a record header and the file header,
 * checked against libpcap (which fails at the same place) and through a pipe. */
static void
test_pcap_truncated_files_fail_after_every_complete_record(void **state)
{
        struct blob b = slurp(tu_corpus("dpkt/dns_icmp.pcap"));
        const char *path = tmp_path("cut.pcap");
        size_t ends[64], cuts[4];
        unsigned n_ends = 0, want[4];
        struct pkt_pcap_rec rec;
        struct pkt_pcap *r;

        (void)state;
        assert_int_equal(pkt_pcap_open_mem(b.data, b.len, &r), 0);
        while (n_ends < 64 && pkt_pcap_next(r, &rec) == 1)
                ends[n_ends++] = (size_t)(rec.data - b.data) + rec.caplen;
        pkt_pcap_close(r);
        assert_int_equal(n_ends, 32);
        cuts[0] = 10, want[0] = 0;          /* in the file header */
        cuts[1] = 24 + 16 + 5, want[1] = 0; /* in the first record's data */
        cuts[2] = ends[1] + 8, want[2] = 2; /* in the third record's header */
        cuts[3] = b.len - 1, want[3] = 31;  /* one byte short */

        for (unsigned i = 0; i < 4; i++) {
                struct blob cut = { b.data, cuts[i] };
                enum via via = VIA_FILE;
                struct tally t = { 0 };
                unsigned got = 0;
                pid_t child;
                int rc;

                spill(path, b.data, cuts[i]);
                compare_with_libpcap(path, VIA_FILE, 3, &t);
                compare_with_libpcap(path, VIA_PIPE, 3, &t);
                rc = open_via(VIA_FILE, path, &cut, &r, &child);
                if (cuts[i] < 24) {
                        EXPECT(rc == -EBADMSG, "cut file header: %d", rc);
                        continue;
                }
                assert_int_equal(rc, 0);
                while ((rc = pkt_pcap_next(r, &rec)) == 1)
                        got++;
                EXPECT(got == want[i], "cut at %zu: %u records", cuts[i], got);
                assert_int_equal(rc, -EBADMSG);
                assert_int_equal(pkt_pcap_next(r, &rec), -EBADMSG);
                pkt_pcap_close(r);
        }
        unlink(path);
        free(b.data);
}

/* --- writer
 * --------------------------------------------------------------------------------------- */

static void
test_pcap_writer_reproduces_a_libpcap_file_byte_for_byte(void **state)
{
        /* dpkt's dns_icmp.pcap was written by libpcap: v2.4, host order, snap length 262144. */
        struct blob orig = slurp(tu_corpus("dpkt/dns_icmp.pcap"));
        const char *path = tmp_path("copy.pcap");
        struct pkt_pcap_writer *w;
        struct pkt_pcap_rec rec;
        struct pkt_pcap *r;
        struct blob copy;
        int rc;

        (void)state;
        assert_int_equal(pkt_pcap_open_mem(orig.data, orig.len, &r), 0);
        assert_int_equal(pkt_pcap_writer_open(path, pkt_pcap_linktype(r), 262144, false, &w), 0);
        while ((rc = pkt_pcap_next(r, &rec)) == 1)
                assert_int_equal(pkt_pcap_write(w, &rec), 0);
        assert_int_equal(rc, 0);
        assert_int_equal(pkt_pcap_writer_close(w), 0);
        pkt_pcap_close(r);

        copy = slurp(path);
        tu_assert_bytes(copy.data, copy.len, orig.data, orig.len);
        unlink(path);
        free(copy.data);
        free(orig.data);
}

/* Writes every record of @rel as @is_nsec, reads it back and compares record by record. */
static void
round_trip(const char *rel, bool is_nsec)
{
        const char *path = tmp_path("rt.pcap");
        struct pkt_pcap_writer *w;
        struct pkt_pcap_rec a, b;
        struct pkt_pcap *in, *out;
        unsigned n = 0;
        int rc;

        assert_int_equal(pkt_pcap_open(tu_corpus(rel), &in), 0);
        assert_int_equal(pkt_pcap_writer_open(path, pkt_pcap_linktype(in), 0, is_nsec, &w), 0);
        while ((rc = pkt_pcap_next(in, &a)) == 1)
                assert_int_equal(pkt_pcap_write(w, &a), 0);
        assert_int_equal(rc, 0);
        assert_int_equal(pkt_pcap_writer_close(w), 0);
        pkt_pcap_close(in);

        assert_int_equal(pkt_pcap_open(tu_corpus(rel), &in), 0);
        assert_int_equal(pkt_pcap_open(path, &out), 0);
        assert_int_equal(pkt_pcap_is_nsec(out), is_nsec);
        assert_int_equal(pkt_pcap_linktype(out), pkt_pcap_linktype(in));
        while ((rc = pkt_pcap_next(in, &a)) == 1) {
                assert_int_equal(pkt_pcap_next(out, &b), 1);
                tu_assert_bytes(b.data, b.caplen, a.data, a.caplen);
                assert_int_equal(b.wire_len, a.wire_len);
                assert_int_equal(b.ts_sec, a.ts_sec);
                assert_int_equal(b.ts_nsec, is_nsec ? a.ts_nsec : a.ts_nsec / 1000 * 1000);
                assert_int_equal(b.linktype, a.linktype);
                n++;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(pkt_pcap_next(out, &b), 0);
        assert_true(n > 0);
        pkt_pcap_close(in);
        pkt_pcap_close(out);
        unlink(path);
}

static void
test_pcap_writer_round_trips_records(void **state)
{
        (void)state;
        round_trip("dpkt/http.pcap", false);
        round_trip("dpkt/http.pcap", true);
        round_trip("tcpdump/tcp-handshake-nano.pcap", true);  /* ns stays ns */
        round_trip("tcpdump/tcp-handshake-nano.pcap", false); /* ns written as us */
        round_trip("pypacker/packets_icmp6.pcap", true);      /* big-endian in, host order out */
        round_trip("ndpi/esp.pcapng", false);                 /* pcapng in, through libpcap */
}

static void
test_pcap_writer_cuts_records_to_the_snap_length(void **state)
{
        const char *path = tmp_path("snap.pcap");
        uint8_t data[100];
        struct pkt_pcap_rec rec = { .data = data, .caplen = 100, .wire_len = 1000, .ts_sec = 5 };
        struct pkt_pcap_writer *w;
        struct pkt_pcap *r;

        (void)state;
        memset(data, 0xab, sizeof(data));
        assert_int_equal(pkt_pcap_writer_open(path, DLT_RAW, 64, true, &w), 0);
        assert_int_equal(pkt_pcap_write(w, &rec), 0);
        assert_int_equal(pkt_pcap_writer_close(w), 0);
        assert_int_equal(pkt_pcap_open(path, &r), 0);
        assert_int_equal(pkt_pcap_linktype(r), DLT_RAW);
        assert_int_equal(pkt_pcap_snaplen(r), 64);
        assert_int_equal(pkt_pcap_next(r, &rec), 1);
        assert_int_equal(rec.caplen, 64);
        assert_int_equal(rec.wire_len, 1000);
        assert_int_equal(pkt_pcap_next(r, &rec), 0);
        pkt_pcap_close(r);
        unlink(path);
}

/* What the header says of a frame check sequence is written as the reader reads it back: a length,
 * none (0), or nothing at all (no call); only before the first record, and only what 4 bits of 16-bit
 * words can hold. */
static void
test_pcap_writer_says_what_the_frames_end_in(void **state)
{
        static const int said[] = { 4, 0, 30, -ENODATA };
        const char *path = tmp_path("fcs.pcap");
        uint8_t data[64] = { 0 };
        const struct pkt_pcap_rec rec = { .data = data, .caplen = 64, .wire_len = 64, .ts_sec = 5 };
        struct pkt_pcap_rec got; /* points into the reader's buffer: not written after it closes */
        struct pkt_pcap_writer *w;
        struct pkt_pcap *r;

        (void)state;
        for (size_t i = 0; i < sizeof(said) / sizeof(said[0]); i++) {
                assert_int_equal(pkt_pcap_writer_open(path, DLT_EN10MB, 0, false, &w), 0);
                if (said[i] >= 0)
                        assert_int_equal(pkt_pcap_writer_set_fcs_len(w, (unsigned)said[i]), 0);
                assert_int_equal(pkt_pcap_write(w, &rec), 0);
                assert_int_equal(pkt_pcap_writer_set_fcs_len(w, 4), -EBUSY);
                assert_int_equal(pkt_pcap_writer_close(w), 0);
                assert_int_equal(pkt_pcap_open(path, &r), 0);
                assert_int_equal(pkt_pcap_linktype(r), DLT_EN10MB);
                assert_int_equal(pkt_pcap_fcs_len(r), said[i]);
                assert_int_equal(pkt_pcap_next(r, &got), 1);
                assert_int_equal(got.caplen, 64);
                pkt_pcap_close(r);
        }
        assert_int_equal(pkt_pcap_writer_open(path, DLT_EN10MB, 0, false, &w), 0);
        assert_int_equal(pkt_pcap_writer_set_fcs_len(w, 3), -EINVAL);
        assert_int_equal(pkt_pcap_writer_set_fcs_len(w, 32), -EINVAL);
        assert_int_equal(pkt_pcap_writer_close(w), 0);
        unlink(path);
}

static void
test_pcap_writer_reports_write_errors(void **state)
{
        static uint8_t data[2000];
        struct pkt_pcap_rec rec = { .data = data,
                                    .caplen = sizeof(data),
                                    .wire_len = sizeof(data) };
        struct pkt_pcap_writer *w;
        int rc = 0;

        (void)state;
        if (access("/dev/full", W_OK) != 0)
                skip();
        assert_int_equal(pkt_pcap_writer_open("/dev/full", 1, 0, false, &w), 0);
        /* Buffered: the error shows on the write that fills the buffer, then on every call. */
        for (unsigned i = 0; i < 100 && rc == 0; i++)
                rc = pkt_pcap_write(w, &rec);
        assert_int_equal(rc, -ENOSPC);
        assert_int_equal(pkt_pcap_write(w, &rec), -ENOSPC);
        assert_int_equal(pkt_pcap_writer_close(w), -ENOSPC);

        /* A small file fails only at close, when the buffer is flushed. */
        assert_int_equal(pkt_pcap_writer_open("/dev/full", 1, 0, false, &w), 0);
        assert_int_equal(pkt_pcap_write(w, &rec), 0);
        assert_int_equal(pkt_pcap_writer_close(w), -ENOSPC);
}

static void
test_pcap_writer_refuses_unrepresentable_records(void **state)
{
        struct pkt_pcap_rec rec = { .data = (const uint8_t *)"x", .caplen = 1, .wire_len = 1 };
        struct pkt_pcap_writer *w;
        char path[4096];

        (void)state;
        snprintf(path, sizeof(path), "%s", tmp_path("bad.pcap"));
        assert_int_equal(pkt_pcap_writer_open(path, -1, 0, false, &w), -EINVAL);
        assert_int_equal(pkt_pcap_writer_open(tmp_path("no/such/dir"), 1, 0, false, &w), -ENOENT);
        assert_int_equal(pkt_pcap_writer_open(path, 1, 0, false, &w), 0);
        rec.ts_nsec = 1000000000;
        assert_int_equal(pkt_pcap_write(w, &rec), -EINVAL);
        rec.ts_nsec = 0;
        rec.ts_sec = -1;
        assert_int_equal(pkt_pcap_write(w, &rec), -ERANGE);
        rec.ts_sec = (int64_t)UINT32_MAX + 1;
        assert_int_equal(pkt_pcap_write(w, &rec), -ERANGE);
        rec.ts_sec = UINT32_MAX;
        assert_int_equal(pkt_pcap_write(w, &rec), 0);
        assert_int_equal(pkt_pcap_writer_close(w), 0);
        assert_null(pkt_pcap_close(NULL));
        assert_int_equal(pkt_pcap_writer_close(NULL), 0);
        unlink(path);
}

/* --- the sample capture shipped with the sources
 * -------------------------------------------------- */

static void
test_pcap_sample_capture_has_the_documented_packets(void **state)
{
        struct pkt_pcap_rec rec;
        struct pkt_pcap *r;
        struct pkt p;
        unsigned n = 0, arp = 0, vlan = 0, ipv6 = 0;
        int rc;

        (void)state;
        pkt_init(&p);
        assert_int_equal(pkt_pcap_open(tu_source("tests/data/sample.pcap"), &r), 0);
        assert_int_equal(pkt_pcap_linktype(r), DLT_EN10MB);
        while ((rc = pkt_pcap_next(r, &rec)) == 1) {
                uint16_t type = (uint16_t)(rec.data[12] << 8 | rec.data[13]);

                assert_true(rec.caplen >= 14);
                arp += type == 0x0806;
                vlan += type == 0x8100;
                ipv6 += type == 0x86dd;
                assert_int_equal(
                        pkt_parse_dlt(&p, rec.linktype, rec.data, rec.caplen, rec.wire_len), 0);
                n++;
        }
        assert_int_equal(rc, 0);
        assert_true(n >= 10 && n <= 30);
        assert_int_equal(arp, 2);
        assert_int_equal(vlan, 1);
        assert_true(ipv6 >= 1);
        pkt_done(&p);
        pkt_pcap_close(r);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pcap_every_corpus_file_reads_as_libpcap_reads_it),
                cmocka_unit_test(test_pcap_little_endian_microseconds),
                cmocka_unit_test(test_pcap_big_endian_microseconds),
                cmocka_unit_test(test_pcap_little_endian_nanoseconds),
                cmocka_unit_test(test_pcap_big_endian_nanoseconds),
                cmocka_unit_test(test_pcap_caplen_over_snaplen_is_cut_to_snaplen_as_libpcap_does),
                cmocka_unit_test(test_pcap_caplen_over_256k_is_corrupt_after_the_records_before_it),
                cmocka_unit_test(test_pcap_caplen_over_wire_len_raises_wire_len),
                cmocka_unit_test(test_pcap_version_2_2_has_caplen_and_wire_len_swapped),
                cmocka_unit_test(test_pcap_microsecond_overflow_is_carried_into_seconds),
                cmocka_unit_test(test_pcap_fcs_bits_of_the_link_type_field_are_kept),
                cmocka_unit_test(test_pcap_linktype_raw_reads_as_dlt_raw),
                cmocka_unit_test(test_pcap_bad_headers_are_refused),
                cmocka_unit_test(test_pcap_gzip_and_pcapng_in_memory_are_not_supported),
                cmocka_unit_test(test_pcap_pcapng_reads_through_libpcap_from_a_file_and_a_pipe),
                cmocka_unit_test(test_pcap_pipe_grows_its_buffer_for_a_record_bigger_than_it),
                cmocka_unit_test(test_pcap_every_prefix_returns_whole_records_then_ebadmsg),
                cmocka_unit_test(test_pcap_truncated_files_fail_after_every_complete_record),
                cmocka_unit_test(test_pcap_writer_reproduces_a_libpcap_file_byte_for_byte),
                cmocka_unit_test(test_pcap_writer_round_trips_records),
                cmocka_unit_test(test_pcap_writer_cuts_records_to_the_snap_length),
                cmocka_unit_test(test_pcap_writer_says_what_the_frames_end_in),
                cmocka_unit_test(test_pcap_file_truncated_while_read_ends_in_ebadmsg),
                cmocka_unit_test(test_pcap_writer_reports_write_errors),
                cmocka_unit_test(test_pcap_writer_refuses_unrepresentable_records),
                cmocka_unit_test(test_pcap_sample_capture_has_the_documented_packets),
        };

        /* A reader closed early leaves its pipe's writer to die of SIGPIPE, not us. */
        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
