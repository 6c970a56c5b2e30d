/* SPDX-License-Identifier: BSD-3-Clause */
/* Async calls (call.h) over a socketpair with the loop pumped by hand: a call that replies several
 * times, calls waiting behind it in order, cancellation on close, the drain watermark, half-close,
 * the waiting bound, and file descriptors passed with a call (taken, closed when not taken, refused
 * when not a file or pipe, too many). GetInfo's handler is replaced by a test handler that goes
 * async (pktd_dispatch_override). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>

#include "call.h"
#include "conf.h"
#include "conn.h"
#include "dispatch.h"
#include "pktd.h"
#include "testutil.h"

#define ALL_ROLES (PKTP_ROLE_CAPTURE | PKTP_ROLE_INJECT | PKTP_ROLE_ADMIN)
#define STREAM_METHOD "org.varlink.service.GetInfo"

struct fixture {
        struct pktd d;
        int peer;
        char *in;
        size_t in_len;
        bool eof;
};

/* What the test handler saw and did. */
static struct {
        struct pktd_call *a;
        unsigned calls, cancels, drains;
        int take[PKTD_CALL_FDS_MAX]; /* result of take_fd for each index, when asked */
        unsigned n_take;             /* indexes to take at the call */
        unsigned n_fds;
        bool say_bye;                /* on_cancel tries a last reply */
        int bye_more, bye_last;      /* what pktd_call_reply returned for continues / last */
} T;

static void
on_cancel(void *ud)
{
        (void)ud;
        T.cancels++;
        if (T.say_bye) {
                T.bye_more = pktd_call_reply(T.a, "{\"more\":1}", 10, true);
                T.bye_last = pktd_call_reply(T.a, "{\"bye\":1}", 9, false);
        }
        T.a = NULL;
}

static void
on_drain(void *ud)
{
        (void)ud;
        T.drains++;
}

static int
stream_handler(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
               struct pktp_buf *out, struct pktp_error *err)
{
        (void)d;
        (void)out;
        T.a = pktd_call_async(c, call);
        if (!T.a)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "no memory");
        T.calls++;
        T.n_fds = pktd_call_n_fds(T.a);
        for (unsigned i = 0; i < T.n_take; i++)
                T.take[i] = pktd_call_take_fd(T.a, i);
        pktd_call_on_cancel(T.a, on_cancel, NULL);
        return PKTD_CALL_ASYNC;
}

static struct fixture *
fixture_new(const char *conf_text, int sndbuf)
{
        struct fixture *f = calloc(1, sizeof(*f));
        struct pktd_conf_error err = { 0 };
        int sv[2];

        assert_non_null(f);
        memset(&T, 0, sizeof(T));
        (void)pktd_dispatch_override(STREAM_METHOD, stream_handler);
        assert_int_equal(pktd_conf_parse(conf_text, strlen(conf_text), &f->d.conf, &err), 0);
        f->d.base = event_base_new();
        assert_non_null(f->d.base);
        f->d.start_usec = pktd_now_usec();
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
        if (sndbuf)
                assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)),
                                 0);
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
        if (f->peer >= 0)
                close(f->peer);
        free(f->in);
        free(f);
        (void)pktd_dispatch_override(STREAM_METHOD, NULL);
}

static void
client_call(struct fixture *f, const char *json)
{
        size_t len = strlen(json) + 1;

        assert_int_equal(send(f->peer, json, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Sends @json with @n descriptors on its first byte (one sendmsg, as libpktclient does). */
static void
client_call_fds(struct fixture *f, const char *json, const int *fds, size_t n)
{
        union {
                char buf[CMSG_SPACE(sizeof(int) * 8)];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = { .iov_base = (void *)json, .iov_len = strlen(json) + 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        struct cmsghdr *cm;

        assert_true(n > 0 && n <= 8);
        memset(&ctl, 0, sizeof(ctl));
        mh.msg_control = ctl.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
        memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
        assert_int_equal(sendmsg(f->peer, &mh, MSG_NOSIGNAL), (ssize_t)iov.iov_len);
}

static size_t
replies(const struct fixture *f)
{
        size_t n = 0;

        for (size_t i = 0; i < f->in_len; i++)
                n += f->in[i] == '\0';
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

/* Runs the loop and collects replies for @ms at most, until @frames replies or EOF; @read false:
 * the client does not read (the loop still runs). */
static void
pump_ex(struct fixture *f, int ms, size_t frames, bool read)
{
        uint64_t end = pktd_now_usec() + (uint64_t)ms * 1000u;

        while (pktd_now_usec() < end) {
                char buf[65536];
                ssize_t n;
                struct pollfd pfd = { .fd = f->peer, .events = POLLIN };

                (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
                if (!read) {
                        (void)poll(NULL, 0, 1);
                        continue;
                }
                (void)poll(&pfd, 1, 2);
                n = recv(f->peer, buf, sizeof(buf), MSG_DONTWAIT);
                if (n == 0 || (n < 0 && errno == ECONNRESET)) {
                        f->eof = true;
                        return;
                }
                if (n > 0) {
                        f->in = realloc(f->in, f->in_len + (size_t)n);
                        assert_non_null(f->in);
                        memcpy(f->in + f->in_len, buf, (size_t)n);
                        f->in_len += (size_t)n;
                }
                if (frames && replies(f) >= frames)
                        return;
        }
}

static void
pump(struct fixture *f, int ms, size_t frames)
{
        pump_ex(f, ms, frames, true);
}

static const char *conf_default = "[roles]\nadmin = user:0\n";

static void
test_stream_async_call_replies_three_times_then_ends(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);

        (void)state;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        pump(f, 200, 1);
        assert_int_equal(T.calls, 1);
        assert_non_null(T.a);
        assert_true(pktd_call_wants_more(T.a));
        assert_int_equal(replies(f), 0); /* nothing until the call answers */
        for (int i = 0; i < 3; i++) {
                char p[32];

                snprintf(p, sizeof(p), "{\"n\":%d}", i);
                assert_int_equal(pktd_call_reply(T.a, p, strlen(p), true), 0);
        }
        assert_int_equal(pktd_call_reply(T.a, "{\"end\":true}", 12, false), 0);
        T.a = NULL;
        pump(f, 2000, 4);
        assert_int_equal(replies(f), 4);
        assert_string_equal(reply(f, 0), "{\"parameters\":{\"n\":0},\"continues\":true}");
        assert_string_equal(reply(f, 1), "{\"parameters\":{\"n\":1},\"continues\":true}");
        assert_string_equal(reply(f, 2), "{\"parameters\":{\"n\":2},\"continues\":true}");
        assert_string_equal(reply(f, 3), "{\"parameters\":{\"end\":true}}");
        assert_int_equal(T.cancels, 0);
        assert_false(f->eof);
        assert_int_equal(f->d.n_conns, 1);
        fixture_free(f);
}

static void
test_stream_continues_without_more_is_refused(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);

        (void)state;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\"}");
        pump(f, 200, 1);
        assert_non_null(T.a);
        assert_false(pktd_call_wants_more(T.a));
        assert_int_equal(pktd_call_reply(T.a, "{}", 2, true), -EPROTO);
        assert_int_equal(pktd_call_reply(T.a, "{\"x\":1}", 7, false), 0);
        pump(f, 2000, 1);
        assert_int_equal(replies(f), 1);
        assert_string_equal(reply(f, 0), "{\"parameters\":{\"x\":1}}");
        fixture_free(f);
}

static void
test_stream_call_arriving_while_one_streams_waits_and_is_answered_after_it(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);

        (void)state;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        client_call(f, "{\"method\":\"io.pktd.Daemon.GetStatus\"}");
        pump(f, 200, 1);
        assert_int_equal(T.calls, 1);
        assert_int_equal(pktd_call_reply(T.a, "{\"n\":1}", 7, true), 0);
        pump(f, 300, 2);
        /* the stream's reply only: GetStatus waits */
        assert_int_equal(replies(f), 1);
        /* a third call arrives meanwhile; still waiting */
        client_call(f, "{\"method\":\"org.varlink.service.GetInterfaceDescription\","
                       "\"parameters\":{\"interface\":\"io.pktd.Packet\"}}");
        pump(f, 200, 2);
        assert_int_equal(replies(f), 1);
        assert_int_equal(pktd_call_reply(T.a, "{\"n\":2}", 7, false), 0);
        T.a = NULL;
        pump(f, 2000, 4);
        assert_int_equal(replies(f), 4);
        assert_string_equal(reply(f, 0), "{\"parameters\":{\"n\":1},\"continues\":true}");
        assert_string_equal(reply(f, 1), "{\"parameters\":{\"n\":2}}");
        assert_non_null(strstr(reply(f, 2), "\"uptimeNs\""));
        assert_non_null(strstr(reply(f, 3), "interface io.pktd.Packet"));
        fixture_free(f);
}

static void
test_stream_second_stream_waits_for_the_first(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);

        (void)state;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        pump(f, 200, 1);
        assert_int_equal(T.calls, 1);
        assert_int_equal(pktd_call_reply(T.a, "{\"first\":1}", 11, false), 0);
        pump(f, 300, 1);
        assert_int_equal(T.calls, 2);
        assert_int_equal(pktd_call_reply(T.a, "{\"second\":1}", 12, false), 0);
        pump(f, 2000, 2);
        assert_int_equal(replies(f), 2);
        assert_string_equal(reply(f, 0), "{\"parameters\":{\"first\":1}}");
        assert_string_equal(reply(f, 1), "{\"parameters\":{\"second\":1}}");
        fixture_free(f);
}

static void
test_stream_closing_the_connection_cancels_once(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);

        (void)state;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        client_call(f, "{\"method\":\"io.pktd.Daemon.GetStatus\"}");
        pump(f, 200, 1);
        assert_non_null(T.a);
        assert_int_equal(pktd_call_reply(T.a, "{\"n\":1}", 7, true), 0);
        close(f->peer);
        f->peer = -1;
        for (int i = 0; i < 200 && f->d.n_conns; i++) {
                (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
                (void)poll(NULL, 0, 2);
        }
        assert_int_equal(T.cancels, 1);
        assert_null(T.a);
        assert_int_equal(f->d.n_conns, 0); /* freed: ASan reports anything left */
        fixture_free(f);
}

static void
test_stream_shutdown_cancels_with_one_last_reply(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);

        (void)state;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        pump(f, 200, 0);
        assert_non_null(T.a);
        assert_int_equal(pktd_call_reply(T.a, "{\"n\":1}", 7, true), 0);
        T.say_bye = true;
        pktd_conn_shutdown(f->d.conns); /* SIGTERM */
        pump(f, 2000, 0);
        assert_true(f->eof);
        assert_int_equal(T.cancels, 1);
        assert_int_equal(T.bye_more, -ECANCELED);
        assert_int_equal(T.bye_last, 0);
        assert_int_equal(replies(f), 2);
        assert_string_equal(reply(f, 1), "{\"parameters\":{\"bye\":1}}");
        assert_int_equal(f->d.n_conns, 0);
        fixture_free(f);
}

static void
test_stream_client_close_cancels_without_a_last_reply(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);

        (void)state;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        pump(f, 200, 0);
        assert_non_null(T.a);
        T.say_bye = true;
        close(f->peer);
        f->peer = -1;
        for (int i = 0; i < 200 && f->d.n_conns; i++) {
                (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
                (void)poll(NULL, 0, 2);
        }
        assert_int_equal(T.cancels, 1);
        assert_int_equal(T.bye_last, -ECANCELED);
        assert_int_equal(f->d.n_conns, 0);
        fixture_free(f);
}

static void
test_stream_error_ends_the_call_and_counts(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);
        struct pktp_error err;

        (void)state;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        client_call(f, "{\"method\":\"io.pktd.Daemon.GetStatus\"}");
        pump(f, 200, 1);
        (void)pktp_error_set(&err, PKTP_ERR_INTERNAL, NULL, "it broke");
        assert_int_equal(pktd_call_error(T.a, &err), 0);
        T.a = NULL;
        pump(f, 2000, 2);
        assert_int_equal(replies(f), 2);
        assert_non_null(strstr(reply(f, 0), "InternalError"));
        assert_non_null(strstr(reply(f, 1), "\"uptimeNs\""));
        assert_int_equal(f->d.stats[0].calls, 1);
        assert_int_equal(f->d.stats[0].errors, 1);
        assert_int_equal(T.cancels, 0);
        fixture_free(f);
}

static void
test_stream_half_close_lets_the_call_finish_then_closes(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);

        (void)state;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        client_call(f, "{\"method\":\"io.pktd.Daemon.GetStatus\"}");
        assert_int_equal(shutdown(f->peer, SHUT_WR), 0);
        pump(f, 300, 1);
        assert_non_null(T.a);
        assert_int_equal(T.cancels, 0);
        assert_int_equal(pktd_call_reply(T.a, "{\"n\":1}", 7, true), 0);
        assert_int_equal(pktd_call_reply(T.a, "{\"n\":2}", 7, false), 0);
        T.a = NULL;
        pump(f, 2000, 0); /* until EOF */
        assert_true(f->eof);
        assert_int_equal(replies(f), 3);
        assert_non_null(strstr(reply(f, 2), "\"uptimeNs\""));
        assert_int_equal(T.cancels, 0);
        assert_int_equal(f->d.n_conns, 0);
        fixture_free(f);
}

static void
test_stream_producer_is_told_when_output_drains(void **state)
{
        struct fixture *f = fixture_new(conf_default, 4096);
        char chunk[4096 + 32];
        size_t high = 256 * 1024, low = 64 * 1024;

        (void)state;
        memset(chunk, 'x', sizeof(chunk));
        memcpy(chunk, "{\"d\":\"", 6);
        memcpy(chunk + 4096 - 2, "\"}", 2);
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        pump(f, 200, 0);
        assert_non_null(T.a);
        /* produce while below the high watermark; the client does not read */
        while (pktd_call_queued(T.a) < high)
                assert_int_equal(pktd_call_reply(T.a, chunk, 4096, true), 0);
        pktd_call_on_drain(T.a, low, on_drain, NULL);
        pump_ex(f, 200, 0, false);
        assert_int_equal(T.drains, 0);
        assert_true(pktd_call_queued(T.a) >= low);
        /* the client reads: the queue falls below low and the producer hears it once */
        pump(f, 3000, (size_t)-1 / 2);
        assert_int_equal(T.drains, 1);
        assert_int_equal(pktd_call_queued(T.a), 0);
        assert_int_equal(pktd_call_reply(T.a, NULL, 0, false), 0);
        T.a = NULL;
        fixture_free(f);
}

static void
test_stream_reply_past_output_buffer_closes_and_cancels(void **state)
{
        struct fixture *f = fixture_new("[roles]\nadmin = user:0\n[limits]\noutputBuffer = 65536\n",
                                        4096);
        static char big[70000];
        int r;

        (void)state;
        memset(big, ' ', sizeof(big));
        big[0] = '{';
        big[sizeof(big) - 1] = '}';
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        pump(f, 200, 0);
        assert_non_null(T.a);
        r = pktd_call_reply(T.a, big, sizeof(big), true);
        assert_int_equal(r, -ENOBUFS);
        assert_int_equal(pktd_call_reply(T.a, "{}", 2, true), -ECANCELED);
        for (int i = 0; i < 200 && f->d.n_conns; i++) {
                (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
                (void)poll(NULL, 0, 2);
        }
        assert_int_equal(f->d.n_conns, 0);
        assert_int_equal(T.cancels, 1);
        fixture_free(f);
}

static void
test_stream_too_many_waiting_calls_end_the_stream_with_limit_exceeded(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);

        (void)state;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        pump(f, 200, 0);
        assert_non_null(T.a);
        for (int i = 0; i < PKTD_CALL_WAITING_MAX + 1; i++) {
                client_call(f, "{\"method\":\"io.pktd.Daemon.GetStatus\"}");
                pump(f, 5, 0);
        }
        pump(f, 2000, 0);
        assert_true(f->eof);
        assert_int_equal(replies(f), 1);
        assert_non_null(strstr(reply(f, 0), "\"waitingCalls\""));
        assert_int_equal(T.cancels, 1);
        assert_int_equal(f->d.n_conns, 0);
        fixture_free(f);
}

static unsigned released;

static void
count_release(const void *data, size_t len, void *ud)
{
        (void)data;
        (void)len;
        (void)ud;
        released++;
}

static void
test_stream_reply_ref_copies_small_batches_and_references_large_ones(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);
        static char big[PKTD_CALL_REF_MIN + 100];
        const char *frame = "{\"parameters\":{\"n\":1},\"continues\":true}";
        size_t flen = strlen(frame) + 1, n = 0;

        (void)state;
        released = 0;
        client_call(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}");
        pump(f, 200, 0);
        assert_non_null(T.a);
        /* small: copied, released before the call returns */
        assert_int_equal(pktd_call_reply_ref(T.a, frame, flen, count_release, NULL), 0);
        assert_int_equal(released, 1);
        /* large: referenced, released once written */
        while (n + flen <= sizeof(big)) {
                memcpy(big + n, frame, flen);
                n += flen;
        }
        assert_true(n >= PKTD_CALL_REF_MIN);
        assert_int_equal(pktd_call_reply_ref(T.a, big, n, count_release, NULL), 0);
        assert_int_equal(released, 1);
        assert_int_equal(pktd_call_reply(T.a, NULL, 0, false), 0);
        T.a = NULL;
        pump(f, 3000, 2 + n / flen);
        assert_int_equal(replies(f), 2 + n / flen);
        assert_int_equal(released, 2);
        assert_string_equal(reply(f, 0), "{\"parameters\":{\"n\":1},\"continues\":true}");
        assert_string_equal(reply(f, 1 + n / flen), "{\"parameters\":{}}");
        fixture_free(f);
}

/* The open descriptor numbers of this process, as a bitmap of the first 1024. */
static void
open_fds(unsigned char map[1024])
{
        DIR *dir = opendir("/proc/self/fd");
        struct dirent *e;

        assert_non_null(dir);
        memset(map, 0, 1024);
        while ((e = readdir(dir))) {
                int n = atoi(e->d_name);

                if (e->d_name[0] != '.' && n != dirfd(dir) && n < 1024)
                        map[n] = 1;
        }
        closedir(dir);
}

static int
tmpfile_fd(void)
{
        char path[] = "/tmp/pktd-test-stream-XXXXXX";
        int fd = mkstemp(path);

        assert_true(fd >= 0);
        (void)unlink(path);
        assert_int_equal(write(fd, "hello", 5), 5);
        return fd;
}

static void
test_stream_fds_passed_with_a_call_are_taken_and_the_rest_closed(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);
        unsigned char before[1024], during[1024];
        int file = tmpfile_fd(), p[2], send_fds[2], other = -1, taken;
        struct stat st_file, st_taken;
        char c;

        (void)state;
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(fstat(file, &st_file), 0);
        send_fds[0] = file;
        send_fds[1] = p[0];
        T.n_take = 1; /* the handler takes index 0 only */
        client_call_fds(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}", send_fds, 2);
        close(file);
        close(p[0]);
        open_fds(before);
        pump(f, 300, 0);
        assert_int_equal(T.calls, 1);
        assert_int_equal(T.n_fds, 2);
        taken = T.take[0];
        assert_true(taken >= 0);
        /* it is the file we sent, close-on-exec */
        assert_int_equal(fstat(taken, &st_taken), 0);
        assert_int_equal(st_taken.st_ino, st_file.st_ino);
        assert_true(fcntl(taken, F_GETFD) & FD_CLOEXEC);
        assert_int_equal(pktd_call_take_fd(T.a, 0), -EBADF); /* taken already */
        assert_int_equal(pktd_call_take_fd(T.a, 2), -EBADF); /* no such index */
        open_fds(during);
        for (int i = 0; i < 1024; i++)
                if (during[i] && !before[i] && i != taken)
                        other = i;
        assert_true(other >= 0); /* the pipe's end, held by the call */
        assert_true(fcntl(other, F_GETFD) & FD_CLOEXEC);
        assert_int_equal(pktd_call_reply(T.a, NULL, 0, false), 0);
        T.a = NULL;
        /* the untaken one is closed when the call ends: the pipe's writer sees no reader */
        assert_int_equal(fcntl(other, F_GETFD), -1);
        assert_int_equal(errno, EBADF);
        assert_int_equal(write(p[1], "x", 1), -1);
        assert_int_equal(errno, EPIPE);
        /* the taken one is ours */
        assert_int_equal(pread(taken, &c, 1, 0), 1);
        assert_int_equal(c, 'h');
        close(taken);
        close(p[1]);
        pump(f, 2000, 1);
        assert_int_equal(replies(f), 1);
        fixture_free(f);
}

static void
test_stream_fds_of_a_call_that_does_not_go_async_are_closed(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);
        unsigned char before[1024], after[1024];
        int file = tmpfile_fd();

        (void)state;
        client_call_fds(f, "{\"method\":\"io.pktd.Daemon.GetStatus\"}", &file, 1);
        close(file);
        open_fds(before);
        pump(f, 2000, 1);
        assert_int_equal(replies(f), 1);
        open_fds(after);
        assert_memory_equal(before, after, 1024);
        fixture_free(f);
}

static void
test_stream_socket_fd_is_refused(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);
        unsigned char before[1024], after[1024];
        int sv[2];

        (void)state;
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        T.n_take = 1;
        client_call_fds(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}", &sv[0], 1);
        close(sv[0]);
        close(sv[1]);
        open_fds(before);
        pump(f, 300, 0);
        assert_int_equal(T.calls, 1);
        assert_int_equal(T.take[0], -EINVAL);
        assert_int_equal(pktd_call_reply(T.a, NULL, 0, false), 0);
        T.a = NULL;
        open_fds(after);
        assert_memory_equal(before, after, 1024); /* the socket went with the call */
        fixture_free(f);
}

static void
test_stream_more_than_four_fds_is_a_protocol_error_and_closes(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);
        unsigned char before[1024], after[1024];
        int fds[5];

        (void)state;
        for (int i = 0; i < 5; i++)
                fds[i] = tmpfile_fd();
        client_call_fds(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}", fds, 5);
        for (int i = 0; i < 5; i++)
                close(fds[i]);
        open_fds(before);
        before[f->d.conns->fd] = 0; /* the connection is closed too */
        pump(f, 2000, 0);
        assert_true(f->eof);
        assert_int_equal(T.calls, 0);
        assert_int_equal(replies(f), 1);
        assert_non_null(strstr(reply(f, 0), "ProtocolError"));
        open_fds(after);
        assert_memory_equal(before, after, 1024);
        fixture_free(f);
}

static void
test_stream_fds_follow_their_frame_when_calls_are_pipelined(void **state)
{
        struct fixture *f = fixture_new(conf_default, 0);
        int a = tmpfile_fd(), b = tmpfile_fd(), got;
        struct stat sa, sb, sg;

        (void)state;
        assert_int_equal(fstat(a, &sa), 0);
        assert_int_equal(fstat(b, &sb), 0);
        T.n_take = 1;
        client_call(f, "{\"method\":\"io.pktd.Daemon.GetStatus\"}");
        client_call_fds(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}", &a, 1);
        client_call_fds(f, "{\"method\":\"" STREAM_METHOD "\",\"more\":true}", &b, 1);
        close(a);
        close(b);
        pump(f, 300, 1);
        assert_int_equal(T.calls, 1);
        got = T.take[0];
        assert_int_equal(fstat(got, &sg), 0);
        assert_int_equal(sg.st_ino, sa.st_ino);
        close(got);
        assert_int_equal(pktd_call_reply(T.a, NULL, 0, false), 0);
        pump(f, 300, 2);
        assert_int_equal(T.calls, 2);
        got = T.take[0];
        assert_int_equal(fstat(got, &sg), 0);
        assert_int_equal(sg.st_ino, sb.st_ino);
        close(got);
        assert_int_equal(pktd_call_reply(T.a, NULL, 0, false), 0);
        T.a = NULL;
        pump(f, 2000, 3);
        assert_int_equal(replies(f), 3);
        fixture_free(f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_stream_async_call_replies_three_times_then_ends),
                cmocka_unit_test(test_stream_continues_without_more_is_refused),
                cmocka_unit_test(
                        test_stream_call_arriving_while_one_streams_waits_and_is_answered_after_it),
                cmocka_unit_test(test_stream_second_stream_waits_for_the_first),
                cmocka_unit_test(test_stream_closing_the_connection_cancels_once),
                cmocka_unit_test(test_stream_shutdown_cancels_with_one_last_reply),
                cmocka_unit_test(test_stream_client_close_cancels_without_a_last_reply),
                cmocka_unit_test(test_stream_error_ends_the_call_and_counts),
                cmocka_unit_test(test_stream_half_close_lets_the_call_finish_then_closes),
                cmocka_unit_test(test_stream_producer_is_told_when_output_drains),
                cmocka_unit_test(test_stream_reply_past_output_buffer_closes_and_cancels),
                cmocka_unit_test(
                        test_stream_reply_ref_copies_small_batches_and_references_large_ones),
                cmocka_unit_test(
                        test_stream_too_many_waiting_calls_end_the_stream_with_limit_exceeded),
                cmocka_unit_test(test_stream_fds_passed_with_a_call_are_taken_and_the_rest_closed),
                cmocka_unit_test(test_stream_fds_of_a_call_that_does_not_go_async_are_closed),
                cmocka_unit_test(test_stream_socket_fd_is_refused),
                cmocka_unit_test(test_stream_more_than_four_fds_is_a_protocol_error_and_closes),
                cmocka_unit_test(test_stream_fds_follow_their_frame_when_calls_are_pipelined),
        };

        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
