/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpktclient against a fake pktd: a listening Unix socket in a temporary directory. The test
 * holds the server end itself (what it writes is what the client reads, split where the test splits
 * it); where the server must write more than a socket buffer or answer while the client waits, a
 * forked child does the server's part and is killed and reaped by the teardown whatever happens.
 */
#define _GNU_SOURCE 1 /* accept4() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pktc/pktc.h>

#include "testutil.h"

struct fake {
        char dir[64];
        char path[128];
        int lfd;     /* listening */
        int sfd;     /* the server's end of the client's connection */
        pid_t child; /* a forked server part, or 0 */
        struct pktc *c;
};

static int
now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static int
fake_listen(struct fake *f)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };

        strcpy(f->dir, "/tmp/test_pktc.XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(f->path, sizeof(f->path), "%s/api.sock", f->dir);
        strcpy(sa.sun_path, f->path);
        f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(f->lfd >= 0);
        assert_int_equal(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        assert_int_equal(listen(f->lfd, 16), 0);
        return 0;
}

static int
setup(void **state)
{
        struct fake *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        f->sfd = -1;
        fake_listen(f);
        /* The backlog takes the connection before accept(): one thread can play both ends. */
        assert_int_equal(pktc_connect(f->path, &f->c), 0);
        f->sfd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
        assert_true(f->sfd >= 0);
        *state = f;
        return 0;
}

static int
teardown(void **state)
{
        struct fake *f = *state;

        if (f->child > 0) {
                (void)kill(f->child, SIGKILL);
                (void)waitpid(f->child, NULL, 0);
        }
        f->c = pktc_free(f->c);
        if (f->sfd >= 0)
                close(f->sfd);
        close(f->lfd);
        unlink(f->path);
        rmdir(f->dir);
        free(f);
        return 0;
}

/* Writes all of @s (@n bytes) to the server end. */
static void
srv_write(struct fake *f, const void *s, size_t n)
{
        assert_int_equal(write(f->sfd, s, n), (ssize_t)n);
}

/* A reply frame: @json and its NUL. */
static void
srv_reply(struct fake *f, const char *json)
{
        srv_write(f, json, strlen(json) + 1);
}

/* Reads from the server end until @nframes NULs have arrived (at most 5 s). Returns the bytes read
 * (NULs included) in @buf; fails the test on a timeout or an overflow. */
static size_t
srv_read_frames(struct fake *f, unsigned nframes, char *buf, size_t size)
{
        size_t len = 0;
        unsigned seen = 0;
        int deadline = now_ms() + 5000;

        while (seen < nframes) {
                struct pollfd pfd = { .fd = f->sfd, .events = POLLIN };
                int left = deadline - now_ms();
                assert_true(left > 0);
                assert_true(poll(&pfd, 1, left) == 1);
                assert_true(len < size);
                ssize_t n = read(f->sfd, buf + len, size - len);
                assert_true(n > 0);
                for (ssize_t i = 0; i < n; i++)
                        seen += buf[len + i] == '\0';
                len += (size_t)n;
        }
        return len;
}

/* Forks a server part that writes @n bytes of @data then waits to be killed. */
static void
srv_fork_writer(struct fake *f, const void *data, size_t n)
{
        f->child = fork();
        assert_true(f->child >= 0);
        if (f->child == 0) {
                size_t off = 0;
                while (off < n) {
                        ssize_t w = write(f->sfd, (const char *)data + off, n - off);
                        if (w <= 0)
                                _exit(1);
                        off += (size_t)w;
                }
                pause();
                _exit(0);
        }
}

/* ---- connecting ---- */

static void
test_connect_to_missing_socket_is_enoent(void **state)
{
        struct pktc *c = NULL;

        (void)state;
        assert_int_equal(pktc_connect("/nonexistent/pktd/api.sock", &c), -ENOENT);
        assert_null(c);
}

static void
test_connect_path_longer_than_sun_path_is_enametoolong(void **state)
{
        char path[200];
        struct pktc *c = NULL;

        (void)state;
        memset(path, 'a', sizeof(path) - 1);
        path[0] = '/';
        path[sizeof(path) - 1] = '\0';
        assert_int_equal(pktc_connect(path, &c), -ENAMETOOLONG);
        assert_int_equal(pktc_connect("", &c), -EINVAL);
        assert_int_equal(pktc_connect("/x", NULL), -EINVAL);
        assert_null(c);
}

static void
test_connect_to_socket_nobody_listens_on_is_econnrefused(void **state)
{
        struct fake *f = *state;
        struct pktc *c = NULL;

        close(f->lfd);
        f->lfd = socket(AF_UNIX, SOCK_STREAM, 0); /* so that teardown closes something */
        assert_int_equal(pktc_connect(f->path, &c), -ECONNREFUSED);
        assert_null(c);
}

static void
test_connect_null_path_takes_pktd_socket_from_environment(void **state)
{
        struct fake *f = *state;
        struct pktc *c = NULL;

        assert_int_equal(setenv("PKTD_SOCKET", f->path, 1), 0);
        assert_int_equal(pktc_connect(NULL, &c), 0);
        int fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
        assert_true(fd >= 0);
        close(fd);
        c = pktc_free(c);
        /* Unset: the default path, which does not exist in the test environment or is pktd's. */
        assert_int_equal(setenv("PKTD_SOCKET", "/nonexistent/api.sock", 1), 0);
        assert_int_equal(pktc_connect(NULL, &c), -ENOENT);
        unsetenv("PKTD_SOCKET");
}

static void
test_connection_fd_is_cloexec_and_nonblocking(void **state)
{
        struct fake *f = *state;
        int fd = pktc_get_fd(f->c);

        assert_true(fd >= 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
        assert_int_equal(pktc_get_fd(NULL), -EINVAL);
}

/* ---- calls ---- */

static void
test_call_sends_method_parameters_and_flags_as_frames(void **state)
{
        struct fake *f = *state;
        static const char want[] =
                "{\"method\":\"io.pktd.Packet.Build\",\"parameters\":{\"spec\":\"ip()\"}}\0"
                "{\"method\":\"io.pktd.Daemon.GetStatus\",\"parameters\":{}}\0"
                "{\"method\":\"io.pktd.Capture.Subscribe\",\"parameters\":{ \"a\" : [1, 2] }\n,"
                "\"more\":true}\0"
                "{\"method\":\"io.pktd.Daemon.Reload\",\"parameters\":{},\"oneway\":true}";
        char buf[1024];

        assert_int_equal(pktc_call(f->c, "io.pktd.Packet.Build", "{\"spec\":\"ip()\"}", 0), 0);
        assert_int_equal(pktc_call(f->c, "io.pktd.Daemon.GetStatus", NULL, 0), 0);
        /* The parameters go out as written, whitespace and all. */
        assert_int_equal(pktc_call(f->c, "io.pktd.Capture.Subscribe", "{ \"a\" : [1, 2] }\n",
                                   PKTC_CALL_MORE),
                         0);
        assert_int_equal(pktc_call(f->c, "io.pktd.Daemon.Reload", "{}", PKTC_CALL_ONEWAY), 0);
        assert_true(pktc_get_events(f->c) & POLLOUT);
        assert_int_equal(pktc_process(f->c), 0);
        assert_false(pktc_get_events(f->c) & POLLOUT);
        size_t n = srv_read_frames(f, 4, buf, sizeof(buf));
        assert_int_equal(n, sizeof(want));
        assert_memory_equal(buf, want, sizeof(want));
}

static void
test_call_escapes_the_method_name_as_json(void **state)
{
        struct fake *f = *state;
        static const char want[] = "{\"method\":\"a\\\"b\\\\c\",\"parameters\":{}}";
        char buf[256];

        assert_int_equal(pktc_call(f->c, "a\"b\\c", NULL, 0), 0);
        assert_int_equal(pktc_process(f->c), 0);
        size_t n = srv_read_frames(f, 1, buf, sizeof(buf));
        assert_int_equal(n, sizeof(want));
        assert_memory_equal(buf, want, sizeof(want));
}

static void
test_call_refuses_parameters_that_are_not_one_json_object(void **state)
{
        struct fake *f = *state;
        static const char *const bad[] = {
                "",
                "[1]",
                "1",
                "\"x\"",
                "null",
                "{",
                "{\"a\":}",
                "{} {}",
                "{} x",
                "{'a':1}",
                "{\"a\":1,}",
                "{\"a\":01}",
                "{\"a\":NaN}",
                "{\"a\":1.}",
                "{\"a\":\"\t\"}",
                "{\"a\":\"\xff\"}",
                "{\"a\":\"\\x41\"}",
                "{\"a\":[1,]}",
                "{\"a\" 1}",
                "{1:2}",
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                int r = pktc_call(f->c, "io.pktd.Packet.Build", bad[i], 0);
                if (r != -EINVAL)
                        fail_msg("parameters '%s': %d, want -EINVAL", bad[i], r);
        }
        assert_int_equal(pktc_call(f->c, "", NULL, 0), -EINVAL);
        assert_int_equal(pktc_call(f->c, NULL, NULL, 0), -EINVAL);
        assert_int_equal(pktc_call(f->c, "a\nb", NULL, 0), -EINVAL);
        assert_int_equal(pktc_call(f->c, "a.b", NULL, PKTC_CALL_MORE | PKTC_CALL_ONEWAY), -EINVAL);
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 1u << 5), -EINVAL);
        assert_int_equal(pktc_call(NULL, "a.b", NULL, 0), -EINVAL);
        /* Deep nesting is pktd's to refuse (its limit is 32), up to a bound of our own. */
        char deep[1024] = "{\"a\":";
        for (int i = 0; i < 100; i++)
                strcat(deep, "[");
        for (int i = 0; i < 100; i++)
                strcat(deep, "]");
        strcat(deep, "}");
        assert_int_equal(pktc_call(f->c, "a.b", deep, PKTC_CALL_ONEWAY), 0);
        assert_int_equal(pktc_call(f->c, "a.b", "{\"\u00e9\\u00e9\":[true,false,null,-0.5e+3]}",
                                   PKTC_CALL_ONEWAY),
                         0);
        assert_int_equal(pktc_process(f->c), 0);
        char buf[2048];
        srv_read_frames(f, 2, buf, sizeof(buf));
        /* Nothing was queued by the refusals. */
        assert_int_equal(pktc_get_events(f->c), 0);
        struct pktc_reply r = {};
        assert_int_equal(pktc_reply_read(f->c, 0, &r), -ENOMSG);
}

static void
test_call_over_call_max_is_emsgsize(void **state)
{
        struct fake *f = *state;
        size_t n = PKTC_CALL_MAX + 16;
        char *params = malloc(n + 1);

        assert_non_null(params);
        memset(params, ' ', n);
        memcpy(params, "{}", 2);
        params[n] = '\0';
        assert_int_equal(pktc_call(f->c, "a.b", params, 0), -EMSGSIZE);
        free(params);
}

/* ---- framing ---- */

static void
test_reply_split_across_reads_is_joined(void **state)
{
        struct fake *f = *state;
        static const char reply[] = "{\"parameters\":{\"length\":42,\"data\":\"AAEC\"}}";
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "io.pktd.Packet.Build", NULL, 0), 0);
        assert_int_equal(pktc_process(f->c), 0);
        for (size_t i = 0; i < sizeof(reply) - 1; i += 7) {
                size_t n = sizeof(reply) - 1 - i < 7 ? sizeof(reply) - 1 - i : 7;
                srv_write(f, reply + i, n);
                assert_int_equal(pktc_process(f->c), 0);
                assert_int_equal(pktc_reply_next(f->c, &r), -EAGAIN);
        }
        srv_write(f, "", 1);
        assert_int_equal(pktc_process(f->c), 1);
        assert_int_equal(pktc_reply_next(f->c, &r), 0);
        assert_string_equal(r.parameters, "{\"length\":42,\"data\":\"AAEC\"}");
        assert_null(r.error);
        assert_null(r.message);
        assert_false(r.continues);
        pktc_reply_done(&r);
        pktc_reply_done(&r); /* twice is fine */
        assert_int_equal(pktc_reply_next(f->c, &r), -EAGAIN);
}

static void
test_several_replies_in_one_read_come_out_in_order(void **state)
{
        struct fake *f = *state;
        static const char replies[] = "{\"parameters\":{\"n\":1}}\0{\"parameters\":{\"n\":2}}\0"
                                      "{\"parameters\":{\"n\":3}}";
        struct pktc_reply r = {};
        char want[32];

        for (int i = 0; i < 3; i++)
                assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        assert_int_equal(pktc_process(f->c), 0);
        srv_write(f, replies, sizeof(replies));
        assert_int_equal(pktc_process(f->c), 3);
        for (int i = 1; i <= 3; i++) {
                assert_int_equal(pktc_reply_read(f->c, 0, &r), 0);
                snprintf(want, sizeof(want), "{\"n\":%d}", i);
                assert_string_equal(r.parameters, want);
                pktc_reply_done(&r);
        }
        assert_int_equal(pktc_reply_read(f->c, 0, &r), -ENOMSG);
}

static void
test_reply_without_parameters_gives_empty_object(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        srv_reply(f, "{}");
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        assert_string_equal(r.parameters, "{}");
        pktc_reply_done(&r);
}

static void
test_large_reply_below_the_limit_is_received_whole(void **state)
{
        struct fake *f = *state;
        size_t body = 3u * 1024 * 1024;
        const char *head = "{\"parameters\":{\"s\":\"";
        size_t n = strlen(head) + body + 4;
        char *frame = malloc(n + 1);
        struct pktc_reply r = {};

        assert_non_null(frame);
        memcpy(frame, head, strlen(head));
        memset(frame + strlen(head), 'x', body);
        memcpy(frame + strlen(head) + body, "\"}}", 4); /* with the NUL */
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        assert_int_equal(pktc_process(f->c), 0);
        srv_fork_writer(f, frame, n);
        assert_int_equal(pktc_reply_read(f->c, 10000, &r), 0);
        assert_int_equal(strlen(r.parameters), body + strlen("{\"s\":\"\"}"));
        pktc_reply_done(&r);
        free(frame);
}

static void
test_reply_without_nul_over_the_limit_is_emsgsize_and_final(void **state)
{
        struct fake *f = *state;
        size_t n = (size_t)PKTC_REPLY_MAX + 4096;
        char *junk = malloc(n);
        struct pktc_reply r = {};

        assert_non_null(junk);
        memset(junk, ' ', n);
        junk[0] = '{';
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        assert_int_equal(pktc_process(f->c), 0);
        srv_fork_writer(f, junk, n);
        assert_int_equal(pktc_reply_read(f->c, 20000, &r), -EMSGSIZE);
        assert_null(r.parameters);
        /* The connection is unusable from now on. */
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), -EMSGSIZE);
        assert_int_equal(pktc_reply_read(f->c, 0, &r), -EMSGSIZE);
        assert_int_equal(pktc_process(f->c), -EMSGSIZE);
        assert_int_equal(pktc_get_events(f->c), 0);
        free(junk);
}

static void
test_reply_that_is_not_a_varlink_reply_is_ebadmsg(void **state)
{
        static const char *const bad[] = {
                "not json",
                "[1]",
                "{\"parameters\":[]}",
                "{\"parameters\":{},\"continues\":1}",
                "{\"error\":5}",
                "{\"error\":\"\"}",
                "{\"error\":\"a\\u0000b\"}",
                "{\"error\":\"a.B\",\"continues\":true}",
                "{\"parameters\":{}} x",
                /* pktd's shape around parameters that are not strict JSON, or not one object */
                "{\"parameters\":{\"a\":01}}",
                "{\"parameters\":{\"a\":1},\"continues\":true",
                "{\"parameters\":{\"a\":\"\\q\"},\"continues\":true}",
                "{\"parameters\":{}{},\"continues\":true}",
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct fake *f;
                struct pktc_reply r = {};

                setup((void **)&f);
                assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
                srv_reply(f, bad[i]);
                int ret = pktc_reply_read(f->c, 5000, &r);
                if (ret != -EBADMSG)
                        fail_msg("reply '%s': %d, want -EBADMSG", bad[i], ret);
                teardown((void **)&f);
        }
        (void)state;
}

static void
test_reply_nobody_asked_for_is_ebadmsg_after_the_due_ones(void **state)
{
        struct fake *f = *state;
        static const char two[] = "{\"parameters\":{\"n\":1}}\0{\"parameters\":{\"n\":2}}";
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        assert_int_equal(pktc_process(f->c), 0);
        srv_write(f, two, sizeof(two));
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        assert_string_equal(r.parameters, "{\"n\":1}");
        pktc_reply_done(&r);
        /* Both frames came in one read: the second answers no call. */
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), -EBADMSG);
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), -EBADMSG);
}

/* ---- errors and streams ---- */

static void
test_error_reply_gives_name_message_and_parameters(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "io.pktd.Packet.Build", "{\"spec\":\"ip(ttl=x)\"}", 0), 0);
        srv_reply(f,
                  "{\"error\":\"io.pktd.Packet.BadSpec\",\"parameters\":{\"message\":\"ttl: not a "
                  "number\",\"position\":7}}");
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        assert_string_equal(r.error, "io.pktd.Packet.BadSpec");
        assert_string_equal(r.message, "ttl: not a number");
        assert_string_equal(r.parameters, "{\"message\":\"ttl: not a number\",\"position\":7}");
        assert_false(r.continues);
        pktc_reply_done(&r);

        /* PermissionDenied carries nothing: no message, empty parameters. */
        srv_reply(f, "{\"error\":\"org.varlink.service.PermissionDenied\"}");
        assert_int_equal(pktc_call_sync(f->c, "io.pktd.Daemon.Reload", NULL, &r), 0);
        assert_string_equal(r.error, "org.varlink.service.PermissionDenied");
        assert_null(r.message);
        assert_string_equal(r.parameters, "{}");
        pktc_reply_done(&r);
}

static void
test_streaming_call_reads_replies_until_continues_is_false(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "io.pktd.Capture.Subscribe", NULL, PKTC_CALL_MORE), 0);
        srv_reply(f, "{\"parameters\":{\"n\":1},\"continues\":true}");
        srv_reply(f, "{\"parameters\":{\"n\":2},\"continues\":true}");
        srv_reply(f, "{\"parameters\":{\"n\":3}}");
        for (int i = 1; i <= 3; i++) {
                assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
                assert_int_equal(r.continues, i < 3);
                pktc_reply_done(&r);
        }
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), -ENOMSG);
}

static void
test_stream_ended_by_an_error_reply(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "x.Y", NULL, PKTC_CALL_MORE), 0);
        srv_reply(f, "{\"parameters\":{},\"continues\":true}");
        srv_reply(f, "{\"error\":\"io.pktd.Daemon.LimitExceeded\",\"parameters\":{\"limit\":"
                     "\"outputBuffer\",\"message\":\"too slow\"}}");
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        assert_true(r.continues);
        pktc_reply_done(&r);
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        assert_string_equal(r.error, "io.pktd.Daemon.LimitExceeded");
        assert_string_equal(r.message, "too slow");
        pktc_reply_done(&r);
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), -ENOMSG);
}

static void
test_oneway_call_is_sent_and_expects_no_reply(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};
        char buf[256];

        assert_int_equal(pktc_call(f->c, "a.b", NULL, PKTC_CALL_ONEWAY), 0);
        assert_int_equal(pktc_get_events(f->c), POLLOUT);
        /* reply_read sends it, then finds no reply due. */
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), -ENOMSG);
        srv_read_frames(f, 1, buf, sizeof(buf));
        assert_string_equal(buf, "{\"method\":\"a.b\",\"parameters\":{},\"oneway\":true}");
        assert_int_equal(pktc_get_events(f->c), 0);
}

static void
test_call_sync_with_replies_still_due_is_ebusy(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        assert_int_equal(pktc_call_sync(f->c, "a.c", NULL, &r), -EBUSY);
        srv_reply(f, "{}");
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        pktc_reply_done(&r);
}

/* ---- time and failures ---- */

static void
test_reply_read_times_out_and_the_connection_stays_usable(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        srv_write(f, "{\"param", 7); /* half a reply */
        int t0 = now_ms();
        assert_int_equal(pktc_reply_read(f->c, 150, &r), -ETIMEDOUT);
        int took = now_ms() - t0;
        assert_true(took >= 140);
        assert_true(took < 3000);
        assert_int_equal(pktc_reply_read(f->c, 0, &r), -ETIMEDOUT);
        srv_reply(f, "eters\":{\"ok\":true}}");
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        assert_string_equal(r.parameters, "{\"ok\":true}");
        pktc_reply_done(&r);
}

static void
on_usr1(int sig)
{
        (void)sig;
}

static void
test_reply_read_survives_signals_on_the_same_deadline(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};
        struct sigaction sa = { .sa_handler = on_usr1 }, old;
        pid_t parent = getpid();

        /* No SA_RESTART: poll() returns EINTR at every signal. */
        sigemptyset(&sa.sa_mask);
        assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
        f->child = fork();
        assert_true(f->child >= 0);
        if (f->child == 0) {
                for (int i = 0; i < 500; i++) {
                        (void)kill(parent, SIGUSR1);
                        usleep(10000);
                }
                _exit(0);
        }
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        int t0 = now_ms();
        assert_int_equal(pktc_reply_read(f->c, 200, &r), -ETIMEDOUT);
        int took = now_ms() - t0;
        /* The deadline holds: neither cut short by a signal nor restarted by one. */
        assert_true(took >= 190);
        assert_true(took < 2000);
        srv_reply(f, "{}");
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        pktc_reply_done(&r);
        (void)kill(f->child, SIGKILL);
        (void)waitpid(f->child, NULL, 0);
        f->child = 0;
        assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
}

static void
test_server_closing_mid_reply_is_econnreset(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        assert_int_equal(pktc_process(f->c), 0);
        srv_write(f, "{\"parameters\":{}}\0{\"parame", 25);
        close(f->sfd);
        f->sfd = -1;
        /* The complete reply is not lost to the error that follows it. */
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        pktc_reply_done(&r);
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), -ECONNRESET);
        assert_int_equal(pktc_reply_next(f->c, &r), -ECONNRESET);
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), -ECONNRESET);
}

static void
test_server_closing_before_replying_is_econnreset(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        assert_int_equal(pktc_process(f->c), 0);
        close(f->sfd);
        f->sfd = -1;
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), -ECONNRESET);
}

static void
test_hangup_with_nothing_due_is_reported_by_process(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_process(f->c), 0);
        close(f->sfd);
        f->sfd = -1;
        /* A loop polling for no events still sees POLLHUP; process() must say the link is gone. */
        struct pollfd pfd = { .fd = pktc_get_fd(f->c), .events = pktc_get_events(f->c) };
        assert_int_equal(poll(&pfd, 1, 5000), 1);
        assert_true(pfd.revents & POLLHUP);
        assert_int_equal(pktc_process(f->c), -ECONNRESET);
        assert_int_equal(pktc_reply_read(f->c, 0, &r), -ECONNRESET);
}

static void
test_sending_to_a_closed_server_is_epipe_without_sigpipe(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        /* SIGPIPE is left at its default (it would kill the test): MSG_NOSIGNAL must hold. */
        signal(SIGPIPE, SIG_DFL);
        close(f->sfd);
        f->sfd = -1;
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        int r0 = pktc_reply_read(f->c, 5000, &r);
        assert_true(r0 == -EPIPE || r0 == -ECONNRESET);
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), r0);
}

/* ---- the non-blocking API in a poll loop, against a forked echo server ---- */

#define ECHO_CALLS 200

/* Answers @n calls, each with {"parameters":{"i":<its index>}}, reading and writing in whatever
 * pieces the socket gives. */
static void
echo_server(int fd, unsigned n)
{
        char in[65536];
        unsigned answered = 0;

        while (answered < n) {
                ssize_t got = read(fd, in, sizeof(in));
                if (got <= 0)
                        _exit(1);
                for (ssize_t i = 0; i < got; i++) {
                        if (in[i] != '\0')
                                continue;
                        char out[64];
                        int len =
                                snprintf(out, sizeof(out), "{\"parameters\":{\"i\":%u}}", answered);
                        if (write(fd, out, (size_t)len + 1) != len + 1)
                                _exit(1);
                        answered++;
                }
        }
        pause();
        _exit(0);
}

static void
test_poll_loop_pipelines_calls_and_gets_replies_in_order(void **state)
{
        struct fake *f = *state;
        unsigned got = 0;
        int deadline = now_ms() + 20000;

        f->child = fork();
        assert_true(f->child >= 0);
        if (f->child == 0)
                echo_server(f->sfd, ECHO_CALLS);
        for (unsigned i = 0; i < ECHO_CALLS; i++)
                assert_int_equal(pktc_call(f->c, "io.pktd.Packet.Build", "{\"spec\":\"ip()\"}", 0),
                                 0);
        while (got < ECHO_CALLS) {
                struct pollfd pfd = { .fd = pktc_get_fd(f->c), .events = pktc_get_events(f->c) };
                assert_true(pfd.events & POLLIN);
                int left = deadline - now_ms();
                assert_true(left > 0);
                int r = poll(&pfd, 1, left);
                assert_true(r >= 0 || errno == EINTR);
                r = pktc_process(f->c);
                assert_true(r >= 0);
                struct pktc_reply rep;
                while (pktc_reply_next(f->c, &rep) == 0) {
                        char want[32];
                        snprintf(want, sizeof(want), "{\"i\":%u}", got);
                        assert_string_equal(rep.parameters, want);
                        pktc_reply_done(&rep);
                        got++;
                }
        }
        assert_int_equal(got, ECHO_CALLS);
        /* All answered: nothing to wait for any more. */
        assert_int_equal(pktc_get_events(f->c), 0);
}

static void
test_process_stops_reading_when_the_reply_queue_is_full(void **state)
{
        struct fake *f = *state;
        unsigned n = PKTC_QUEUE_MAX + 1000, got = 0;
        int deadline = now_ms() + 20000;
        bool saw_full = false;

        f->child = fork();
        assert_true(f->child >= 0);
        if (f->child == 0)
                echo_server(f->sfd, n);
        for (unsigned i = 0; i < n; i++)
                assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        /* Take nothing until the queue is full: pktc_process() must stop asking for input. */
        while (!saw_full) {
                assert_true(now_ms() < deadline);
                struct pollfd pfd = { .fd = pktc_get_fd(f->c), .events = pktc_get_events(f->c) };
                (void)poll(&pfd, 1, 100);
                int r = pktc_process(f->c);
                assert_true(r >= 0);
                if ((unsigned)r >= PKTC_QUEUE_MAX) {
                        saw_full = true;
                        assert_false(pktc_get_events(f->c) & POLLIN);
                        /* A further round reads nothing more. */
                        assert_int_equal(pktc_process(f->c), r);
                }
        }
        /* Taking the replies lets reading go on; all arrive, in order. */
        while (got < n) {
                struct pktc_reply rep;
                assert_true(now_ms() < deadline);
                while (pktc_reply_next(f->c, &rep) == 0) {
                        char want[32];
                        snprintf(want, sizeof(want), "{\"i\":%u}", got++);
                        assert_string_equal(rep.parameters, want);
                        pktc_reply_done(&rep);
                }
                if (got < n) {
                        struct pollfd pfd = { .fd = pktc_get_fd(f->c),
                                              .events = pktc_get_events(f->c) };
                        (void)poll(&pfd, 1, 100);
                        assert_true(pktc_process(f->c) >= 0);
                }
        }
        assert_int_equal(pktc_get_events(f->c), 0);
}

static void
test_call_sync_round_trip(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        f->child = fork();
        assert_true(f->child >= 0);
        if (f->child == 0)
                echo_server(f->sfd, 3);
        for (unsigned i = 0; i < 3; i++) {
                char want[32];
                assert_int_equal(pktc_call_sync(f->c, "io.pktd.Daemon.GetStatus", NULL, &r), 0);
                snprintf(want, sizeof(want), "{\"i\":%u}", i);
                assert_string_equal(r.parameters, want);
                pktc_reply_done(&r);
        }
}


/* ---- replies in pktd's own shape ---- */

static void
test_reply_in_pktds_shape_keeps_parameters_as_sent(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "io.pktd.Capture.Subscribe", NULL, PKTC_CALL_MORE), 0);
        /* pktd's framing: the parameters text is kept byte for byte (escapes and all). */
        srv_reply(f, "{\"parameters\":{\"a\" : [1, \"\\/x\\u00e9\"]},\"continues\":true}");
        srv_reply(f, "{\"parameters\":{}}");
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        assert_string_equal(r.parameters, "{\"a\" : [1, \"\\/x\\u00e9\"]}");
        assert_true(r.continues);
        assert_null(r.error);
        pktc_reply_done(&r);
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        assert_string_equal(r.parameters, "{}");
        assert_false(r.continues);
        pktc_reply_done(&r);
}

static void
test_reply_in_another_shape_is_reserialised_compact(void **state)
{
        struct fake *f = *state;
        struct pktc_reply r = {};

        assert_int_equal(pktc_call(f->c, "a.b", NULL, PKTC_CALL_MORE), 0);
        /* Members in another order, whitespace, an unknown member: json-c's way. */
        srv_reply(f, "{\"continues\":true,\"parameters\":{\"a\" : \"\\/\"}}");
        srv_reply(f, "{ \"parameters\":{\"b\":2},\"x\":1}");
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        assert_string_equal(r.parameters, "{\"a\":\"/\"}");
        assert_true(r.continues);
        pktc_reply_done(&r);
        assert_int_equal(pktc_reply_read(f->c, 5000, &r), 0);
        assert_string_equal(r.parameters, "{\"b\":2}");
        assert_false(r.continues);
        pktc_reply_done(&r);
}

/* Parameters nested @depth objects deep in pktd's shape, or with the members swapped. */
static char *
nested_reply(unsigned depth, bool is_pktd_shape)
{
        char *s = malloc(depth * 6 + 64), *p = s;

        assert_non_null(s);
        p += sprintf(p, "%s",
                     is_pktd_shape ? "{\"parameters\":" : "{\"continues\":false,\"parameters\":");
        for (unsigned i = 1; i < depth; i++)
                p += sprintf(p, "{\"a\":");
        p += sprintf(p, "{}");
        for (unsigned i = 1; i < depth; i++)
                *p++ = '}';
        strcpy(p, "}");
        return s;
}

static void
test_reply_depth_limit_is_the_same_in_both_shapes(void **state)
{
        /* The envelope is one level; 64 in all are accepted, 65 are not, however the reply is
         * written. */
        for (int shape = 0; shape < 2; shape++) {
                for (unsigned depth = 63; depth <= 64; depth++) {
                        struct fake *f;
                        struct pktc_reply r = {};
                        char *reply = nested_reply(depth, shape == 0);

                        setup((void **)&f);
                        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
                        srv_reply(f, reply);
                        int ret = pktc_reply_read(f->c, 5000, &r);
                        if (ret != (depth == 63 ? 0 : -EBADMSG))
                                fail_msg("%s shape, depth %u: %d", shape == 0 ? "pktd's" : "other",
                                         depth, ret);
                        pktc_reply_done(&r);
                        free(reply);
                        teardown((void **)&f);
                }
        }
        (void)state;
}

/* ---- passing file descriptors ---- */

/* Reads from the server end one byte at a time until @nframes NULs have arrived (at most 5 s),
 * noting at which byte offset descriptors arrived: a byte-sized read returns the descriptors with
 * exactly the byte they were sent on. Up to @max_fds land in @ret_fds (the rest fail the test);
 * their offset goes to *@ret_at. Returns the bytes read. */
static size_t
srv_recv_fds(struct fake *f, unsigned nframes, char *buf, size_t size, int *ret_fds,
             size_t max_fds, size_t *ret_nfds, size_t *ret_at)
{
        size_t len = 0;
        unsigned seen = 0;
        int deadline = now_ms() + 5000;

        *ret_nfds = 0;
        *ret_at = SIZE_MAX;
        while (seen < nframes) {
                union {
                        struct cmsghdr h;
                        char b[CMSG_SPACE(sizeof(int) * 8)];
                } u;
                struct pollfd pfd = { .fd = f->sfd, .events = POLLIN };
                int left = deadline - now_ms();
                assert_true(left > 0);
                assert_true(poll(&pfd, 1, left) == 1);
                assert_true(len < size);
                struct iovec iov = { .iov_base = buf + len, .iov_len = 1 };
                struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                                     .msg_controllen = sizeof(u.b) };
                ssize_t n = recvmsg(f->sfd, &mh, MSG_CMSG_CLOEXEC);
                assert_int_equal(n, 1);
                assert_false(mh.msg_flags & MSG_CTRUNC);
                for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
                        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
                                continue;
                        size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        /* One frame's descriptors, once. */
                        assert_int_equal(*ret_nfds, 0);
                        assert_true(k <= max_fds);
                        memcpy(ret_fds, CMSG_DATA(cm), k * sizeof(int));
                        *ret_nfds = k;
                        *ret_at = len;
                }
                seen += buf[len] == '\0';
                len++;
        }
        return len;
}

/* The number of descriptors this process has open. */
static unsigned
open_fds(void)
{
        unsigned n = 0;

        for (int fd = 0; fd < 1024; fd++)
                n += fcntl(fd, F_GETFD) >= 0;
        return n;
}

static bool
same_file(int a, int b)
{
        struct stat sa, sb;

        assert_int_equal(fstat(a, &sa), 0);
        assert_int_equal(fstat(b, &sb), 0);
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void
test_call_fds_passes_descriptors_on_the_first_byte_of_their_frame(void **state)
{
        struct fake *f = *state;
        static const char first[] = "{\"method\":\"a.b\",\"parameters\":{}}";
        static const char want[] =
                "{\"method\":\"a.b\",\"parameters\":{}}\0"
                "{\"method\":\"io.pktd.Capture.Subscribe\",\"parameters\":{\"fileDescriptor\":1},"
                "\"more\":true}\0"
                "{\"method\":\"c.d\",\"parameters\":{}}";
        char buf[512], path[160];
        int pipefd[2], got[8];
        size_t nfds, at;

        snprintf(path, sizeof(path), "%s/file", f->dir);
        int file = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        assert_true(file >= 0);
        assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
        int fds[2] = { pipefd[0], file };

        /* Frames before and after: the descriptors must ride on the middle one's first byte. */
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        assert_int_equal(pktc_call_fds(f->c, "io.pktd.Capture.Subscribe", "{\"fileDescriptor\":1}",
                                       PKTC_CALL_MORE, fds, 2),
                         0);
        assert_int_equal(pktc_call(f->c, "c.d", NULL, 0), 0);
        /* The caller's descriptors stay its own, open: the library holds duplicates. */
        assert_true(fcntl(pipefd[0], F_GETFD) >= 0);
        assert_true(fcntl(file, F_GETFD) >= 0);
        assert_int_equal(pktc_process(f->c), 0);
        assert_false(pktc_get_events(f->c) & POLLOUT);

        size_t n = srv_recv_fds(f, 3, buf, sizeof(buf), got, 8, &nfds, &at);
        assert_int_equal(n, sizeof(want));
        assert_memory_equal(buf, want, sizeof(want));
        assert_int_equal(nfds, 2);
        assert_int_equal(at, sizeof(first));
        /* In the order given, the same open files. */
        assert_true(same_file(got[0], pipefd[0]));
        assert_true(same_file(got[1], file));
        /* The server's copy works: what goes into the pipe comes out of it. */
        assert_int_equal(write(pipefd[1], "x", 1), 1);
        char x = 0;
        assert_int_equal(read(got[0], &x, 1), 1);
        assert_int_equal(x, 'x');
        close(got[0]);
        close(got[1]);
        close(pipefd[0]);
        close(pipefd[1]);
        close(file);
        unlink(path);
}

static void
test_call_fds_caller_may_close_its_descriptor_before_the_send(void **state)
{
        struct fake *f = *state;
        char buf[256];
        int pipefd[2], got[8];
        size_t nfds, at;

        assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
        assert_int_equal(pktc_call_fds(f->c, "a.b", "{\"fileDescriptor\":0}", 0, &pipefd[0], 1),
                         0);
        /* Closed, and its number reused by another file: the queued call still sends the pipe. */
        close(pipefd[0]);
        int other = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_true(other >= 0);
        assert_int_equal(pktc_process(f->c), 0);
        srv_recv_fds(f, 1, buf, sizeof(buf), got, 8, &nfds, &at);
        assert_int_equal(nfds, 1);
        assert_int_equal(at, 0);
        assert_int_equal(write(pipefd[1], "y", 1), 1);
        char y = 0;
        assert_int_equal(read(got[0], &y, 1), 1);
        assert_int_equal(y, 'y');
        close(got[0]);
        close(other);
        close(pipefd[1]);
}

static void
test_call_fds_refuses_bad_arguments_and_queues_nothing(void **state)
{
        struct fake *f = *state;
        int fds[PKTC_CALL_FDS_MAX + 1];
        int pipefd[2];
        unsigned before = open_fds();

        assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
        for (size_t i = 0; i < PKTC_CALL_FDS_MAX + 1; i++)
                fds[i] = pipefd[0];
        assert_int_equal(pktc_call_fds(f->c, "a.b", NULL, 0, fds, PKTC_CALL_FDS_MAX + 1), -EINVAL);
        assert_int_equal(pktc_call_fds(f->c, "a.b", NULL, 0, NULL, 1), -EINVAL);
        assert_int_equal(pktc_call_fds(NULL, "a.b", NULL, 0, fds, 1), -EINVAL);
        /* A bad descriptor after good ones: the good ones' duplicates are closed again. */
        fds[1] = -1;
        assert_int_equal(pktc_call_fds(f->c, "a.b", NULL, 0, fds, 2), -EBADF);
        fds[1] = 1000; /* not open */
        assert_int_equal(pktc_call_fds(f->c, "a.b", NULL, 0, fds, 2), -EBADF);
        /* Bad parameters: the duplicates are closed too. */
        assert_int_equal(pktc_call_fds(f->c, "a.b", "[1]", 0, fds, 1), -EINVAL);
        assert_int_equal(open_fds(), before + 2);
        /* Nothing was queued. */
        assert_int_equal(pktc_get_events(f->c), 0);
        /* At the limit it works. */
        assert_int_equal(pktc_call_fds(f->c, "a.b", NULL, 0, fds + 2, PKTC_CALL_FDS_MAX - 1), 0);
        assert_int_equal(pktc_call_fds(f->c, "a.b", NULL, 0, fds, 0), 0);
        close(pipefd[0]);
        close(pipefd[1]);
}

static void
test_call_fds_queue_is_bounded_and_free_closes_the_duplicates(void **state)
{
        struct fake *f = *state;
        int pipefd[2];

        assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
        unsigned before = open_fds();
        for (unsigned i = 0; i < PKTC_FD_CALLS_QUEUED_MAX; i++)
                assert_int_equal(pktc_call_fds(f->c, "a.b", NULL, 0, pipefd, 2), 0);
        assert_int_equal(open_fds(), before + 2 * PKTC_FD_CALLS_QUEUED_MAX);
        assert_int_equal(pktc_call_fds(f->c, "a.b", NULL, 0, pipefd, 2), -ENOBUFS);
        assert_int_equal(open_fds(), before + 2 * PKTC_FD_CALLS_QUEUED_MAX);
        /* Calls without descriptors still queue. */
        assert_int_equal(pktc_call(f->c, "a.b", NULL, 0), 0);
        /* Never sent: freeing the connection closes every duplicate (and its socket). */
        f->c = pktc_free(f->c);
        assert_int_equal(open_fds(), before - 1);
        close(pipefd[0]);
        close(pipefd[1]);
}

static void
test_call_fds_sent_after_a_partial_write_still_lands_on_its_frame(void **state)
{
        struct fake *f = *state;
        /* A first call larger than the socket buffer: the send stops inside it, and the
         * descriptor-carrying frame must wait for it to finish. */
        size_t big = 2u * 1024 * 1024;
        char *params = malloc(big + 16);
        int pipefd[2], got[8];
        size_t nfds = 0, total = 0, first_len;
        int deadline = now_ms() + 10000;

        assert_non_null(params);
        strcpy(params, "{\"a\":\"");
        memset(params + 6, 'x', big);
        strcpy(params + 6 + big, "\"}");
        first_len = strlen("{\"method\":\"a.b\",\"parameters\":") + strlen(params) + 2;
        assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
        assert_int_equal(pktc_call(f->c, "a.b", params, 0), 0);
        assert_int_equal(pktc_call_fds(f->c, "c.d", NULL, 0, pipefd, 1), 0);
        free(params);
        /* The client sends in rounds while the server drains, never asking for more than what is
         * left of the first frame: no read inside it may carry descriptors, and the first read
         * after it must. */
        while (nfds == 0) {
                assert_true(now_ms() < deadline);
                assert_true(pktc_process(f->c) >= 0);
                union {
                        struct cmsghdr h;
                        char b[CMSG_SPACE(sizeof(int) * 8)];
                } u;
                char buf[65536];
                size_t want = total < first_len ? first_len - total : 1;
                struct iovec iov = { .iov_base = buf,
                                     .iov_len = want < sizeof(buf) ? want : sizeof(buf) };
                struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                                     .msg_controllen = sizeof(u.b) };
                ssize_t n = recvmsg(f->sfd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
                if (n < 0) {
                        assert_true(errno == EAGAIN);
                        usleep(1000);
                        continue;
                }
                assert_true(n > 0);
                struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
                if (cm && cm->cmsg_type == SCM_RIGHTS) {
                        assert_int_equal(total, first_len);
                        assert_int_equal(buf[0], '{');
                        nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        memcpy(got, CMSG_DATA(cm), nfds * sizeof(int));
                } else {
                        assert_true(total < first_len);
                }
                total += (size_t)n;
        }
        assert_int_equal(nfds, 1);
        assert_true(same_file(got[0], pipefd[0]));
        close(got[0]);
        close(pipefd[0]);
        close(pipefd[1]);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_connect_to_missing_socket_is_enoent),
                cmocka_unit_test(test_connect_path_longer_than_sun_path_is_enametoolong),
                cmocka_unit_test_setup_teardown(
                        test_connect_to_socket_nobody_listens_on_is_econnrefused, setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_connect_null_path_takes_pktd_socket_from_environment, setup, teardown),
                cmocka_unit_test_setup_teardown(test_connection_fd_is_cloexec_and_nonblocking,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_call_sends_method_parameters_and_flags_as_frames, setup, teardown),
                cmocka_unit_test_setup_teardown(test_call_escapes_the_method_name_as_json, setup,
                                                teardown),
                cmocka_unit_test_setup_teardown(
                        test_call_refuses_parameters_that_are_not_one_json_object, setup, teardown),
                cmocka_unit_test_setup_teardown(test_call_over_call_max_is_emsgsize, setup,
                                                teardown),
                cmocka_unit_test_setup_teardown(test_reply_split_across_reads_is_joined, setup,
                                                teardown),
                cmocka_unit_test_setup_teardown(test_several_replies_in_one_read_come_out_in_order,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(test_reply_without_parameters_gives_empty_object,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(test_large_reply_below_the_limit_is_received_whole,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_reply_without_nul_over_the_limit_is_emsgsize_and_final, setup,
                        teardown),
                cmocka_unit_test(test_reply_that_is_not_a_varlink_reply_is_ebadmsg),
                cmocka_unit_test_setup_teardown(
                        test_reply_nobody_asked_for_is_ebadmsg_after_the_due_ones, setup, teardown),
                cmocka_unit_test_setup_teardown(test_error_reply_gives_name_message_and_parameters,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_streaming_call_reads_replies_until_continues_is_false, setup,
                        teardown),
                cmocka_unit_test_setup_teardown(test_stream_ended_by_an_error_reply, setup,
                                                teardown),
                cmocka_unit_test_setup_teardown(test_oneway_call_is_sent_and_expects_no_reply,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(test_call_sync_with_replies_still_due_is_ebusy,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_reply_read_times_out_and_the_connection_stays_usable, setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_reply_read_survives_signals_on_the_same_deadline, setup, teardown),
                cmocka_unit_test_setup_teardown(test_server_closing_mid_reply_is_econnreset, setup,
                                                teardown),
                cmocka_unit_test_setup_teardown(test_server_closing_before_replying_is_econnreset,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(test_hangup_with_nothing_due_is_reported_by_process,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_sending_to_a_closed_server_is_epipe_without_sigpipe, setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_poll_loop_pipelines_calls_and_gets_replies_in_order, setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_process_stops_reading_when_the_reply_queue_is_full, setup, teardown),
                cmocka_unit_test_setup_teardown(test_call_sync_round_trip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_reply_in_pktds_shape_keeps_parameters_as_sent,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(test_reply_in_another_shape_is_reserialised_compact,
                                                setup, teardown),
                cmocka_unit_test(test_reply_depth_limit_is_the_same_in_both_shapes),
                cmocka_unit_test_setup_teardown(
                        test_call_fds_passes_descriptors_on_the_first_byte_of_their_frame, setup,
                        teardown),
                cmocka_unit_test_setup_teardown(
                        test_call_fds_caller_may_close_its_descriptor_before_the_send, setup,
                        teardown),
                cmocka_unit_test_setup_teardown(
                        test_call_fds_refuses_bad_arguments_and_queues_nothing, setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_call_fds_queue_is_bounded_and_free_closes_the_duplicates, setup,
                        teardown),
                cmocka_unit_test_setup_teardown(
                        test_call_fds_sent_after_a_partial_write_still_lands_on_its_frame, setup,
                        teardown),
        };

        /* Every test is bounded by its own deadlines; this bounds the whole run should one hang. */
        alarm(240);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
