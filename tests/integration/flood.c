/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktd_flood: sends N UDP datagrams to one address as fast as it can (or at a given rate), for the
 * namespace tests and benchmarks (tests/integration/test_netns_*.py, tests/bench/bench_capture.py).
 * Run inside the peer namespace: the datagrams cross the veth pair to pktd's side.
 *
 *   pktd_flood [-c COUNT] [-r PPS] [-t SECONDS] [-s SIZE] [-p PORT] [-b BATCH] ADDRESS
 *
 * Bounded in count (at most FLOOD_COUNT_MAX) and in time (-t, at most FLOOD_SECONDS_MAX); only the
 * documentation prefixes 192.0.2.0/24 (RFC 5737) and 2001:db8::/32 (RFC 3849) are accepted as the
 * destination, so a typo cannot send the flood anywhere real. sendmmsg() sends BATCH datagrams per
 * system call; a full socket buffer (ENOBUFS/EAGAIN) is waited out, not counted as sent. Each
 * datagram starts with its sequence number (0, 1, ..., 8 bytes little-endian), so that a receiver can
 * check order and loss; the rest (up to SIZE, default 18) is zeros. Prints one
 * line of JSON: {"sent":N,"seconds":S,"pps":R}. Exit 0, 1 on an error, 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Bounds: every sending loop ends. 100 M datagrams and 10 minutes are far beyond any test's needs. */
#define FLOOD_COUNT_MAX   100000000ULL
#define FLOOD_SECONDS_MAX 600.0
#define FLOOD_BATCH_MAX   256
#define FLOOD_SIZE_MAX    1472 /* one Ethernet frame of IPv4 + UDP; at least 8 (the sequence) */

static uint64_t
now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int
usage(void)
{
        fprintf(stderr, "usage: pktd_flood [-c COUNT] [-r PPS] [-t SECONDS] [-s SIZE] [-p PORT] "
                        "[-b BATCH] ADDRESS (192.0.2.0/24 or 2001:db8::/32)\n");
        return 2;
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
        char *end;
        unsigned long long v;

        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno || end == s || *end || s[0] == '-' || v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* The destination, only inside the documentation prefixes. */
static int
parse_dest(const char *s, unsigned port, struct sockaddr_storage *ss, socklen_t *ret_len)
{
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
        static const uint8_t doc6[4] = { 0x20, 0x01, 0x0d, 0xb8 };

        memset(ss, 0, sizeof(*ss));
        if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
                if ((ntohl(in->sin_addr.s_addr) & 0xffffff00u) != 0xc0000200u)
                        return -EPERM;
                in->sin_family = AF_INET;
                in->sin_port = htons((uint16_t)port);
                *ret_len = sizeof(*in);
                return 0;
        }
        if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
                if (memcmp(in6->sin6_addr.s6_addr, doc6, sizeof(doc6)) != 0)
                        return -EPERM;
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t)port);
                *ret_len = sizeof(*in6);
                return 0;
        }
        return -EINVAL;
}

int
main(int argc, char **argv)
{
        static uint8_t payload[FLOOD_SIZE_MAX];
        struct mmsghdr msgs[FLOOD_BATCH_MAX];
        static struct iovec iov[FLOOD_BATCH_MAX][2];
        static uint8_t seqs[FLOOD_BATCH_MAX][8];
        struct sockaddr_storage dst;
        socklen_t dst_len;
        uint64_t count = 1000000, pps = 0, size = 18, port = 9, batch = 64, secs = 60;
        uint64_t sent = 0, start, deadline, t;
        int opt, fd, r;

        while ((opt = getopt(argc, argv, "c:r:t:s:p:b:")) != -1) {
                switch (opt) {
                case 'c':
                        r = parse_u64(optarg, FLOOD_COUNT_MAX, &count);
                        break;
                case 'r':
                        /* 10 M/s: (ns elapsed) * pps stays inside 64 bits for FLOOD_SECONDS_MAX */
                        r = parse_u64(optarg, 10000000, &pps);
                        break;
                case 't':
                        r = parse_u64(optarg, (uint64_t)FLOOD_SECONDS_MAX, &secs);
                        break;
                case 's':
                        r = parse_u64(optarg, FLOOD_SIZE_MAX, &size);
                        break;
                case 'p':
                        r = parse_u64(optarg, 65535, &port);
                        break;
                case 'b':
                        r = parse_u64(optarg, FLOOD_BATCH_MAX, &batch);
                        break;
                default:
                        return usage();
                }
                if (r < 0)
                        return usage();
        }
        if (optind != argc - 1 || port == 0 || batch == 0 || secs == 0 || size < 8)
                return usage();
        r = parse_dest(argv[optind], (unsigned)port, &dst, &dst_len);
        if (r == -EPERM) {
                fprintf(stderr, "pktd_flood: %s is outside 192.0.2.0/24 and 2001:db8::/32\n",
                        argv[optind]);
                return 2;
        }
        if (r < 0)
                return usage();

        fd = socket(dst.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&dst, dst_len) < 0) {
                perror("pktd_flood: socket");
                return 1;
        }
        memset(msgs, 0, sizeof(msgs));
        start = now_ns();
        deadline = start + secs * 1000000000ULL;
        while (sent < count && (t = now_ns()) < deadline) {
                uint64_t n = count - sent < batch ? count - sent : batch;
                int m;

                if (pps) {
                        /* Paced: the batch is due when the schedule says so. */
                        uint64_t due = start + sent * 1000000000ULL / pps;

                        if (due > t) {
                                struct timespec ts = { .tv_sec = (time_t)((due - t) / 1000000000ULL),
                                                       .tv_nsec = (long)((due - t) % 1000000000ULL) };

                                nanosleep(&ts, NULL);
                                continue;
                        }
                        /* Never more than is due, to keep bursts small at low rates. */
                        uint64_t owed = (t - start) * pps / 1000000000ULL + 1;

                        owed = owed > sent ? owed - sent : 1;
                        if (owed < n)
                                n = owed;
                }
                for (uint64_t i = 0; i < n; i++) {
                        uint64_t seq = htole64(sent + i);

                        /* [sequence number, 8 bytes little-endian][zeros from @payload to @size] */
                        memcpy(seqs[i], &seq, sizeof(seq));
                        iov[i][0].iov_base = seqs[i];
                        iov[i][0].iov_len = sizeof(seq);
                        iov[i][1].iov_base = payload;
                        iov[i][1].iov_len = size - sizeof(seq);
                        msgs[i].msg_hdr.msg_iov = iov[i];
                        msgs[i].msg_hdr.msg_iovlen = 2;
                }
                m = sendmmsg(fd, msgs, (unsigned)n, 0);
                if (m < 0) {
                        if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR ||
                            errno == ECONNREFUSED) {
                                /* A full queue, or the peer's port unreachable reported back to this
                                 * connected socket: not sent, try again (the deadline bounds it). */
                                if (errno != ECONNREFUSED)
                                        (void)poll(NULL, 0, 1);
                                continue;
                        }
                        perror("pktd_flood: sendmmsg");
                        close(fd);
                        return 1;
                }
                sent += (uint64_t)m;
        }
        t = now_ns();
        close(fd);
        double s = (double)(t - start) / 1e9;
        printf("{\"sent\":%llu,\"seconds\":%.6f,\"pps\":%.0f}\n", (unsigned long long)sent, s,
               s > 0 ? (double)sent / s : 0.0);
        return 0;
}
