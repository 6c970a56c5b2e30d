/* SPDX-License-Identifier: BSD-3-Clause */
/* pkt_pcap_open_fd(): the same records as pkt_pcap_open() from a regular file (read from its start,
 * whatever the descriptor's offset), a pipe, a sealed memfd (mapped) and an unsealed one (read); a
 * pcapng through libpcap; a file truncated under the reader ends with an error, never SIGBUS; the
 * descriptor is taken on success and on failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pkt/pcap.h>

#include "pcap_internal.h"
#include "testutil.h"

#define CLASSIC "ndpi/teams.pcap" /* 1540 packets, 700 KB: several stream buffers' worth */
#define PCAPNG  "ndpi/custom_categories.pcapng"

struct rec_sum {
        size_t n;
        uint64_t bytes, hash;
};

static void
sum_records(struct pkt_pcap *r, struct rec_sum *s)
{
        struct pkt_pcap_rec recs[64];
        int n;

        memset(s, 0, sizeof(*s));
        while ((n = pkt_pcap_next_batch(r, recs, 64)) > 0)
                for (int i = 0; i < n; i++) {
                        s->n++;
                        s->bytes += recs[i].caplen;
                        s->hash = s->hash * 1000003u ^ (uint64_t)recs[i].ts_sec ^
                                  ((uint64_t)recs[i].ts_nsec << 20) ^ recs[i].wire_len;
                        for (uint32_t k = 0; k < recs[i].caplen; k++)
                                s->hash = s->hash * 31u + recs[i].data[k];
                }
        assert_int_equal(n, 0);
}

static void
want_sum(const char *rel, struct rec_sum *s)
{
        struct pkt_pcap *r;

        assert_int_equal(pkt_pcap_open(tu_corpus(rel), &r), 0);
        sum_records(r, s);
        pkt_pcap_close(r);
}

static int
open_ro(const char *rel)
{
        int fd = open(tu_corpus(rel), O_RDONLY | O_CLOEXEC);

        assert_true(fd >= 0);
        return fd;
}

static void
test_pcap_fd_regular_file_gives_the_same_records_from_its_start(void **state)
{
        struct rec_sum want, got;
        struct pkt_pcap *r;
        int fd = open_ro(CLASSIC);

        (void)state;
        want_sum(CLASSIC, &want);
        assert_true(want.n > 1000);
        assert_int_equal(lseek(fd, 1000, SEEK_SET), 1000); /* the offset does not matter */
        assert_int_equal(pkt_pcap_open_fd(fd, &r), 0);
        assert_int_not_equal(r->src, PCAP_SRC_MAP); /* a file that may shrink is not mapped */
        assert_int_equal(pkt_pcap_linktype(r), 1);
        sum_records(r, &got);
        pkt_pcap_close(r);
        assert_int_equal(got.n, want.n);
        assert_int_equal(got.bytes, want.bytes);
        assert_true(got.hash == want.hash);
        assert_int_equal(fcntl(fd, F_GETFD), -1); /* closed with the reader */
}

static int
memfd_of(const char *rel, bool seal)
{
        int src = open_ro(rel), fd = memfd_create("pcap", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        char buf[65536];
        ssize_t n;

        assert_true(fd >= 0);
        while ((n = read(src, buf, sizeof(buf))) > 0)
                assert_int_equal(write(fd, buf, (size_t)n), n);
        close(src);
        if (seal)
                assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
        return fd;
}

static void
test_pcap_fd_sealed_memfd_is_mapped_unsealed_is_read(void **state)
{
        struct rec_sum want, got;
        struct pkt_pcap *r;

        (void)state;
        want_sum(CLASSIC, &want);
        assert_int_equal(pkt_pcap_open_fd(memfd_of(CLASSIC, true), &r), 0);
        assert_int_equal(r->src, PCAP_SRC_MAP);
        sum_records(r, &got);
        pkt_pcap_close(r);
        assert_true(got.n == want.n && got.hash == want.hash);

        assert_int_equal(pkt_pcap_open_fd(memfd_of(CLASSIC, false), &r), 0);
        assert_int_equal(r->src, PCAP_SRC_STREAM);
        sum_records(r, &got);
        pkt_pcap_close(r);
        assert_true(got.n == want.n && got.hash == want.hash);
}

static void
test_pcap_fd_pipe_gives_the_same_records(void **state)
{
        struct rec_sum want, got;
        struct pkt_pcap *r;
        int p[2], status;
        pid_t pid;

        (void)state;
        want_sum(CLASSIC, &want);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                int src = open(tu_corpus(CLASSIC), O_RDONLY);
                char buf[4096];
                ssize_t n;

                close(p[0]);
                while ((n = read(src, buf, sizeof(buf))) > 0)
                        if (write(p[1], buf, (size_t)n) != n)
                                _exit(1);
                _exit(0);
        }
        close(p[1]);
        assert_int_equal(pkt_pcap_open_fd(p[0], &r), 0);
        sum_records(r, &got);
        pkt_pcap_close(r);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_true(got.n == want.n && got.hash == want.hash);
}

static void
test_pcap_fd_pcapng_goes_through_libpcap(void **state)
{
        struct rec_sum want, got;
        struct pkt_pcap *r;

        (void)state;
        want_sum(PCAPNG, &want);
        assert_true(want.n > 10);
        assert_int_equal(pkt_pcap_open_fd(open_ro(PCAPNG), &r), 0);
        assert_int_equal(r->src, PCAP_SRC_LIBPCAP);
        sum_records(r, &got);
        pkt_pcap_close(r);
        assert_true(got.n == want.n && got.hash == want.hash);
}

static void
test_pcap_fd_file_truncated_under_the_reader_is_an_error_not_sigbus(void **state)
{
        char path[] = "/tmp/pktd-test-pcap-fd-XXXXXX";
        struct pkt_pcap_rec recs[16];
        struct pkt_pcap *r;
        int src = open_ro(CLASSIC), fd = mkstemp(path), n, total = 0, last;
        char buf[65536];
        ssize_t k;

        (void)state;
        assert_true(fd >= 0);
        (void)unlink(path);
        while ((k = read(src, buf, sizeof(buf))) > 0)
                assert_int_equal(write(fd, buf, (size_t)k), k);
        close(src);
        assert_int_equal(pkt_pcap_open_fd(dup(fd), &r), 0);
        assert_true(pkt_pcap_next_batch(r, recs, 16) == 16);
        /* cut the file mid-way while the reader holds it */
        assert_int_equal(ftruncate(fd, 200 * 1024 + 7), 0);
        while ((n = pkt_pcap_next_batch(r, recs, 16)) > 0)
                total += n;
        last = n;
        pkt_pcap_close(r);
        close(fd);
        assert_true(total > 0);
        assert_true(last == -EBADMSG || last == 0);
}

static void
test_pcap_fd_bad_descriptors_are_refused_and_closed(void **state)
{
        struct pkt_pcap *r = NULL;
        int fd;

        (void)state;
        assert_int_equal(pkt_pcap_open_fd(1000, &r), -EBADF);
        /* not a capture: refused, and the descriptor is closed */
        fd = open(tu_source("CMakeLists.txt"), O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(pkt_pcap_open_fd(fd, &r), -EBADMSG);
        assert_null(r);
        assert_int_equal(fcntl(fd, F_GETFD), -1);
        /* write-only: reading it fails */
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_true(pkt_pcap_open_fd(fd, &r) < 0);
        assert_int_equal(fcntl(fd, F_GETFD), -1);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pcap_fd_regular_file_gives_the_same_records_from_its_start),
                cmocka_unit_test(test_pcap_fd_sealed_memfd_is_mapped_unsealed_is_read),
                cmocka_unit_test(test_pcap_fd_pipe_gives_the_same_records),
                cmocka_unit_test(test_pcap_fd_pcapng_goes_through_libpcap),
                cmocka_unit_test(
                        test_pcap_fd_file_truncated_under_the_reader_is_an_error_not_sigbus),
                cmocka_unit_test(test_pcap_fd_bad_descriptors_are_refused_and_closed),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
