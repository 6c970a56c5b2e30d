/* SPDX-License-Identifier: BSD-3-Clause */
/* io.pktd.Capture.Subscribe from a passed file, in-process: pktd_conn over a socketpair, the loop
 * pumped by hand (as test_conn.c), a file descriptor passed with SCM_RIGHTS. No root and no network:
 * the ack, the packets in each form, count, a filter, BadFilter, refused descriptors, and
 * back-pressure — the queued output stays near the high watermark while the client reads nothing,
 * and every packet arrives once it reads. */
#define _GNU_SOURCE
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pkt/pcap.h>
#include <pktp/message.h>

#include "conf.h"
#include "conn.h"
#include "dispatch.h"
#include "pktd.h"
#include "testutil.h"

#define ALL_ROLES (PKTP_ROLE_CAPTURE | PKTP_ROLE_INJECT | PKTP_ROLE_ADMIN)
#define CLASSIC   "dpkt/dns_icmp.pcap" /* 32 packets: 10 DNS over UDP, 22 ICMP */

struct fixture {
        struct pktd d;
        int peer;
        char *in;
        size_t in_len, in_cap;
        bool eof;
};

static struct fixture *
fixture_new(const char *conf_text)
{
        struct fixture *f = calloc(1, sizeof(*f));
        struct pktd_conf_error err = { 0 };
        int sv[2], small = 4096;

        assert_non_null(f);
        assert_int_equal(pktd_conf_parse(conf_text, strlen(conf_text), &f->d.conf, &err), 0);
        f->d.base = event_base_new();
        assert_non_null(f->d.base);
        f->d.start_usec = pktd_now_usec();
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
        /* small socket buffers: the queue in pktd is what fills when the client does not read */
        assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
        assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
        assert_int_equal(pktd_conn_new(&f->d, sv[0], 0, 0, getpid(), ALL_ROLES), 0);
        f->peer = sv[1];
        return f;
}

static void
fixture_free(struct fixture *f)
{
        while (f->d.conns)
                pktd_conn_free(f->d.conns);
        event_base_free(f->d.base);
        pktd_conf_free(f->d.conf);
        close(f->peer);
        free(f->in);
        free(f);
}

static void
subscribe(struct fixture *f, const char *params, int fd)
{
        char json[512];
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov;
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        int n = snprintf(json, sizeof(json),
                         "{\"method\":\"io.pktd.Capture.Subscribe\",\"parameters\":%s,"
                         "\"more\":true}",
                         params);

        assert_true(n > 0 && (size_t)n < sizeof(json));
        iov.iov_base = json;
        iov.iov_len = (size_t)n + 1;
        if (fd >= 0) {
                struct cmsghdr *cm;

                memset(&ctl, 0, sizeof(ctl));
                mh.msg_control = ctl.buf;
                mh.msg_controllen = sizeof(ctl.buf);
                cm = CMSG_FIRSTHDR(&mh);
                cm->cmsg_level = SOL_SOCKET;
                cm->cmsg_type = SCM_RIGHTS;
                cm->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(cm), &fd, sizeof(int));
        }
        assert_int_equal(sendmsg(f->peer, &mh, MSG_NOSIGNAL), (ssize_t)iov.iov_len);
}

/* As subscribe(), for parameters too long for its buffer. */
static void
subscribe_big(struct fixture *f, const char *params, int fd)
{
        size_t cap = strlen(params) + 128;
        char *json = malloc(cap);
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov;
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        struct cmsghdr *cm;
        int n;

        assert_non_null(json);
        n = snprintf(json, cap,
                     "{\"method\":\"io.pktd.Capture.Subscribe\",\"parameters\":%s,\"more\":true}",
                     params);
        assert_true(n > 0 && (size_t)n < cap);
        iov.iov_base = json;
        iov.iov_len = (size_t)n + 1;
        memset(&ctl, 0, sizeof(ctl));
        mh.msg_control = ctl.buf;
        mh.msg_controllen = sizeof(ctl.buf);
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &fd, sizeof(int));
        assert_int_equal(sendmsg(f->peer, &mh, MSG_NOSIGNAL), (ssize_t)iov.iov_len);
        free(json);
}

static size_t
replies(const struct fixture *f)
{
        size_t n = 0;

        for (const char *p = f->in; p && (p = memchr(p, '\0', (size_t)(f->in + f->in_len - p)));
             p++)
                n++;
        return n;
}

static const char *
reply(const struct fixture *f, size_t i)
{
        size_t start = 0;

        for (size_t k = 0; k < f->in_len; k++) {
                if (f->in[k] != '\0')
                        continue;
                if (i-- == 0)
                        return f->in + start;
                start = k + 1;
        }
        return NULL;
}

/* Runs the loop for @ms at most; reads (when @read) until a frame without "continues" arrives. */
static void
pump(struct fixture *f, int ms, bool read)
{
        uint64_t end = pktd_now_usec() + (uint64_t)ms * 1000u;

        while (pktd_now_usec() < end) {
                char buf[65536];
                ssize_t n;

                (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
                if (!read) {
                        (void)poll(NULL, 0, 1);
                        continue;
                }
                n = recv(f->peer, buf, sizeof(buf), MSG_DONTWAIT);
                if (n == 0) {
                        f->eof = true;
                        return;
                }
                if (n < 0) {
                        struct pollfd p = { .fd = f->peer, .events = POLLIN };

                        (void)poll(&p, 1, 1);
                        continue;
                }
                if (f->in_len + (size_t)n > f->in_cap) {
                        f->in_cap = (f->in_len + (size_t)n) * 2;
                        f->in = realloc(f->in, f->in_cap);
                        assert_non_null(f->in);
                }
                memcpy(f->in + f->in_len, buf, (size_t)n);
                f->in_len += (size_t)n;
                /* the last frame of the call ends "}}" without continues */
                if (f->in_len >= 3 && f->in[f->in_len - 1] == '\0' &&
                    memcmp(f->in + f->in_len - 3, "}}", 2) == 0 &&
                    (f->in_len < 20 ||
                     memcmp(f->in + f->in_len - 18, "\"continues\":true}", 17) != 0))
                        return;
        }
}

static size_t
count_prefix(const struct fixture *f, const char *prefix)
{
        size_t n = 0, len = strlen(prefix);

        for (size_t i = 0; i < replies(f); i++)
                n += strncmp(reply(f, i), prefix, len) == 0;
        return n;
}

static int
corpus_fd(const char *rel)
{
        int fd = open(tu_corpus(rel), O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                skip();
        return fd;
}

static const char *conf_default = "[roles]\nadmin = user:0\n";

static void
test_stream_subscribe_file_gives_ack_packets_and_totals(void **state)
{
        struct fixture *f = fixture_new(conf_default);
        int fd = corpus_fd(CLASSIC);

        (void)state;
        subscribe(f, "{\"fileDescriptor\":0,\"output\":\"raw\"}", fd);
        close(fd);
        pump(f, 5000, true);
        assert_int_equal(replies(f), 1 + 32 + 1);
        assert_string_equal(reply(f, 0),
                            "{\"parameters\":{\"ack\":{\"linkType\":\"EN10MB\",\"linkTypeNumber\":1,"
                            "\"snaplen\":262144,\"filter\":\"\",\"source\":\"file\"}},"
                            "\"continues\":true}");
        assert_int_equal(count_prefix(f, "{\"parameters\":{\"packet\":{\"tsNs\":"), 32);
        assert_non_null(strstr(reply(f, 1), "\"data\":\""));
        assert_non_null(strstr(reply(f, 33), "\"totals\":{\"packets\":32,"));
        assert_non_null(strstr(reply(f, 33), "\"reason\":\"end\""));
        assert_null(strstr(reply(f, 33), "continues"));
        fixture_free(f);
}

static void
test_stream_subscribe_filter_and_count(void **state)
{
        struct fixture *f = fixture_new(conf_default);
        int fd = corpus_fd(CLASSIC);

        (void)state;
        subscribe(f, "{\"fileDescriptor\":0,\"filter\":\"udp port 53\",\"output\":\"layers\"}", fd);
        pump(f, 5000, true);
        assert_int_equal(count_prefix(f, "{\"parameters\":{\"packet\""), 10);
        assert_non_null(strstr(reply(f, 1), "\"layer\":\"dns\""));
        free(f->in);
        f->in = NULL;
        f->in_len = f->in_cap = 0;
        subscribe(f, "{\"fileDescriptor\":0,\"count\":3}", fd);
        close(fd);
        pump(f, 5000, true);
        assert_int_equal(replies(f), 1 + 3 + 1);
        assert_non_null(strstr(reply(f, 1), "\"summary\":\""));
        assert_non_null(strstr(reply(f, 4), "\"reason\":\"count\""));
        fixture_free(f);
}

static void
test_stream_subscribe_refusals(void **state)
{
        struct fixture *f = fixture_new(conf_default);
        int fd = corpus_fd(CLASSIC), p[2];

        (void)state;
        subscribe(f, "{\"fileDescriptor\":0,\"filter\":\"udp port\"}", fd);
        pump(f, 2000, true);
        assert_int_equal(replies(f), 1);
        assert_non_null(strstr(reply(f, 0), "\"error\":\"io.pktd.Capture.BadFilter\""));
        assert_non_null(strstr(reply(f, 0), "syntax error"));
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        subscribe(f, "{\"fileDescriptor\":0}", p[0]);
        pump(f, 2000, true);
        assert_int_equal(replies(f), 2);
        assert_non_null(strstr(reply(f, 1), "\"parameter\":\"fileDescriptor\""));
        close(p[0]);
        close(p[1]);
        subscribe(f, "{\"fileDescriptor\":2}", fd);
        pump(f, 2000, true);
        assert_non_null(strstr(reply(f, 2), "\"parameter\":\"fileDescriptor\""));
        subscribe(f, "{}", -1);
        pump(f, 2000, true);
        assert_non_null(strstr(reply(f, 3), "InvalidParameter"));
        close(fd);
        assert_false(f->eof);
        fixture_free(f);
}

static void
test_stream_subscribe_holds_at_the_high_watermark_and_loses_nothing(void **state)
{
        struct fixture *f = fixture_new("[roles]\nadmin = user:0\n[limits]\n"
                                        "streamHighWater = 131072\nstreamLowWater = 65536\n");
        char path[] = "/tmp/pktd-test-subscribe-XXXXXX";
        struct pkt_pcap_writer *w;
        uint8_t frame[60] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45 };
        size_t queued_max = 0;
        int fd = mkstemp(path);
        const unsigned n = 20000;

        (void)state;
        assert_true(fd >= 0);
        assert_int_equal(pkt_pcap_writer_open(path, 1, 0, true, &w), 0);
        for (unsigned i = 0; i < n; i++) {
                struct pkt_pcap_rec rec = { .data = frame, .caplen = sizeof(frame),
                                            .wire_len = sizeof(frame), .ts_sec = 1700000000,
                                            .ts_nsec = i };

                assert_int_equal(pkt_pcap_write(w, &rec), 0);
        }
        assert_int_equal(pkt_pcap_writer_close(w), 0);
        (void)unlink(path);
        subscribe(f, "{\"fileDescriptor\":0,\"output\":\"layers\"}", fd);
        close(fd);
        /* the client reads nothing: pktd stops near the high watermark */
        for (int i = 0; i < 100; i++) {
                size_t q;

                pump(f, 5, false);
                q = pktd_conn_queued(f->d.conns);
                if (q > queued_max)
                        queued_max = q;
        }
        assert_true(queued_max >= 131072 / 2);
        /* high watermark + one 64-record batch of replies, far below the whole stream */
        assert_true(queued_max < 131072 + 64 * 4096);
        /* reading again: everything arrives, in order */
        pump(f, 20000, true);
        assert_int_equal(replies(f), 1 + n + 1);
        for (unsigned i = 0; i < n; i += 997) {
                char want[80];

                snprintf(want, sizeof(want), "{\"parameters\":{\"packet\":{\"tsNs\":%llu,",
                         1700000000ull * 1000000000ull + i);
                assert_int_equal(strncmp(reply(f, 1 + i), want, strlen(want)), 0);
        }
        assert_non_null(strstr(reply(f, n + 1), "\"packets\":20000,"));
        assert_non_null(strstr(reply(f, n + 1), "\"daemonDrops\":0,\"reason\":\"end\""));
        fixture_free(f);
}

static void
test_stream_subscribe_closing_mid_stream_frees_everything(void **state)
{
        struct fixture *f = fixture_new(conf_default);
        int fd = corpus_fd("ndpi/teams.pcap");

        (void)state;
        subscribe(f, "{\"fileDescriptor\":0,\"output\":\"layers\"}", fd);
        close(fd);
        pump(f, 20, false);
        close(f->peer);
        f->peer = socket(AF_UNIX, SOCK_STREAM, 0); /* something for fixture_free to close */
        for (int i = 0; i < 500 && f->d.n_conns; i++) {
                (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
                (void)poll(NULL, 0, 2);
        }
        assert_int_equal(f->d.n_conns, 0); /* the subscription went with it: ASan sees leaks */
        fixture_free(f);
}

/* A reload that takes the capture role away from a client that keeps another role ends its
 * running stream (the connection is closed, as for a client left with no role): a capture the
 * administrator revoked must not go on for hours. */
static void
test_stream_subscribe_reload_revoking_capture_ends_the_stream(void **state)
{
        char conf_path[] = "/tmp/pktd-test-reload-XXXXXX";
        char before[160], after[160];
        struct pktd_conf_error err = { 0 };
        struct fixture *f;
        int cfd = mkstemp(conf_path), fd = corpus_fd("ndpi/teams.pcap");

        (void)state;
        assert_true(cfd >= 0);
        snprintf(before, sizeof(before),
                 "[roles]\nadmin =\ncapture = user:%u\ninject = user:%u\n[limits]\n"
                 "streamHighWater = 131072\nstreamLowWater = 65536\n",
                 (unsigned)getuid(), (unsigned)getuid());
        snprintf(after, sizeof(after),
                 "[roles]\nadmin =\ncapture =\ninject = user:%u\n[limits]\n"
                 "streamHighWater = 131072\nstreamLowWater = 65536\n",
                 (unsigned)getuid());
        f = fixture_new(before);
        f->d.conns->roles = PKTP_ROLE_CAPTURE | PKTP_ROLE_INJECT;
        f->d.conf_path = conf_path;
        f->d.conf_path_given = true;
        subscribe(f, "{\"fileDescriptor\":0,\"output\":\"layers\"}", fd);
        close(fd);
        /* the client reads nothing: the stream is open, held at the high watermark */
        pump(f, 50, false);
        assert_int_equal(f->d.n_conns, 1);
        assert_non_null(f->d.conns->head);
        assert_int_equal(write(cfd, after, strlen(after)), (ssize_t)strlen(after));
        close(cfd);
        assert_int_equal(pktd_reload(&f->d, &err), 0);
        (void)unlink(conf_path);
        assert_int_equal(f->d.conns->roles, PKTP_ROLE_INJECT);
        /* reading again: the stream ends (totals, reason cancelled) and pktd closes */
        pump(f, 5000, true);
        for (int i = 0; i < 500 && f->d.n_conns; i++) {
                (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
                pump(f, 2, true);
        }
        assert_int_equal(f->d.n_conns, 0);
        fixture_free(f);
}

/* libpcap compiles a filter synchronously in the loop and its optimizer grows about cubically
 * with the terms: 8 KiB of "host A or host B ..." took 8 s on this machine, during which pktd
 * served nobody. Such a filter is refused before libpcap sees it; one of 1 KiB compiles fast. */
static void
test_stream_subscribe_long_filter_refused_before_compiling(void **state)
{
        struct fixture *f = fixture_new(conf_default);
        char *json = malloc(16384), filter[8300];
        size_t n = 0;
        uint64_t t0;
        int fd = corpus_fd(CLASSIC), len;

        (void)state;
        assert_non_null(json);
        for (int i = 0;; i++) {
                char t[64];
                int k = snprintf(t, sizeof(t), "%shost 10.%d.%d.1", i ? " or " : "", i / 250,
                                 i % 250);

                if (n + (size_t)k > 8192)
                        break;
                memcpy(filter + n, t, (size_t)k + 1);
                n += (size_t)k;
        }
        len = snprintf(json, 16384, "{\"fileDescriptor\":0,\"filter\":\"%s\"}", filter);
        assert_true(len > 0 && len < 16384);
        t0 = pktd_now_usec();
        subscribe_big(f, json, fd);
        pump(f, 20000, true);
        assert_true(pktd_now_usec() - t0 < 2000000);
        assert_int_equal(replies(f), 1);
        assert_non_null(strstr(reply(f, 0), "InvalidParameter"));
        assert_non_null(strstr(reply(f, 0), "\"filter\""));
        /* 1 KiB of the same: compiled, streamed, well under a second */
        filter[1012] = '\0'; /* the end of a term */
        assert_non_null(strstr(filter + 1000, ".1"));
        len = snprintf(json, 16384, "{\"fileDescriptor\":0,\"filter\":\"%s\"}", filter);
        f->in_len = 0;
        t0 = pktd_now_usec();
        subscribe_big(f, json, fd);
        pump(f, 20000, true);
        assert_true(pktd_now_usec() - t0 < 1000000);
        assert_non_null(strstr(reply(f, 0), "{\"parameters\":{\"ack\":"));
        close(fd);
        free(json);
        fixture_free(f);
}

/* The file systems a passed capture file may not live on, by statfs f_type: the loop's read() must not
 * wait on a user process (FUSE) or a server (network file systems), nor read pseudo files. */
static void
test_capture_fs_refused(void **state)
{
        static const unsigned long refused[] = { 0x65735546 /* FUSE */, 0x6969 /* NFS */,
                                                 0xff534d42 /* CIFS */, 0xfe534d42 /* SMB2 */,
                                                 0x01021997 /* 9P */,   0x00c36400 /* Ceph */,
                                                 0x9fa0 /* proc */,     0x62656572 /* sysfs */ };
        static const unsigned long local[] = { 0xef53 /* ext2/3/4 */, 0x58465342 /* XFS */,
                                               0x9123683e /* Btrfs */, 0x01021994 /* tmpfs */ };
        (void)state;

        for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
                assert_true(pktd_capture_fs_refused(refused[i]));
        for (size_t i = 0; i < ARRAY_SIZE(local); i++)
                assert_false(pktd_capture_fs_refused(local[i]));
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_stream_subscribe_file_gives_ack_packets_and_totals),
                cmocka_unit_test(test_stream_subscribe_filter_and_count),
                cmocka_unit_test(test_stream_subscribe_refusals),
                cmocka_unit_test(test_capture_fs_refused),
                cmocka_unit_test(
                        test_stream_subscribe_holds_at_the_high_watermark_and_loses_nothing),
                cmocka_unit_test(test_stream_subscribe_closing_mid_stream_frees_everything),
                cmocka_unit_test(test_stream_subscribe_reload_revoking_capture_ends_the_stream),
                cmocka_unit_test(test_stream_subscribe_long_filter_refused_before_compiling),
        };

        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
