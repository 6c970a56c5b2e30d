/* SPDX-License-Identifier: BSD-3-Clause */
/* A connection in-process: pktd_conn over one end of a socketpair, a test client on the other, the
 * libevent loop pumped by hand. Framing, call order, oneway, errors that keep or close the
 * connection, roles, the frame cap, half-close, the idle timeout and the output cap. */
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
#include <time.h>
#include <unistd.h>

#include <pktp/message.h>

#include "conf.h"
#include "conn.h"
#include "dispatch.h"
#include "pktd.h"
#include "testutil.h"

#define ALL_ROLES (PKTP_ROLE_CAPTURE | PKTP_ROLE_INJECT | PKTP_ROLE_ADMIN)

struct fixture {
        struct pktd d;
        int peer; /* the test client's end */
        char *in; /* what the client has received */
        size_t in_len;
        bool eof;
};

static struct fixture *
fixture_new(const char *conf_text, unsigned roles, int sndbuf)
{
        struct fixture *f = calloc(1, sizeof(*f));
        struct pktd_conf_error err = { 0 };
        int sv[2];

        assert_non_null(f);
        assert_int_equal(pktd_conf_parse(conf_text, strlen(conf_text), &f->d.conf, &err), 0);
        f->d.base = event_base_new();
        assert_non_null(f->d.base);
        f->d.start_usec = pktd_now_usec();
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
        if (sndbuf)
                assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)),
                                 0);
        assert_int_equal(pktd_conn_new(&f->d, sv[0], 0, 0, getpid(), roles), 0);
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
client_send(struct fixture *f, const void *data, size_t len)
{
        const char *p = data;

        while (len) {
                ssize_t n = send(f->peer, p, len, MSG_NOSIGNAL);

                if (n < 0 && errno == EAGAIN) {
                        /* let pktd read */
                        (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
                        continue;
                }
                assert_true(n > 0);
                p += n;
                len -= (size_t)n;
        }
}

static void
client_call(struct fixture *f, const char *json)
{
        client_send(f, json, strlen(json) + 1); /* with its NUL */
}

/* Runs pktd's loop and collects what reaches the client, for @ms at most or until @frames replies
 * (or EOF) are in. */
static void
pump(struct fixture *f, int ms, size_t frames)
{
        uint64_t end = pktd_now_usec() + (uint64_t)ms * 1000u;

        while (pktd_now_usec() < end) {
                char buf[65536];
                ssize_t n;
                size_t have = 0;
                struct pollfd pfd = { .fd = f->peer, .events = POLLIN };

                (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
                (void)poll(&pfd, 1, 5);
                n = recv(f->peer, buf, sizeof(buf), 0);
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
                for (size_t i = 0; i < f->in_len; i++)
                        have += f->in[i] == '\0';
                if (frames && have >= frames)
                        return;
        }
}

/* The @i-th reply frame received (static copy), or NULL. */
static const char *
reply(struct fixture *f, size_t i)
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

static size_t
replies(struct fixture *f)
{
        size_t n = 0;

        for (size_t i = 0; i < f->in_len; i++)
                n += f->in[i] == '\0';
        return n;
}

static const char *conf_default = "[roles]\nadmin = user:0\n";

static void
test_conn_pipelined_calls_are_answered_in_call_order(void **state)
{
        struct fixture *f = fixture_new(conf_default, ALL_ROLES, 0);
        const char *ifaces[] = { "io.pktd.Packet", "io.pktd.Daemon", "io.pktd.Capture",
                                 "io.pktd.Inject" };
        char call[256];

        (void)state;
        /* sent back to back before pktd runs: one read takes several frames */
        for (size_t i = 0; i < 4; i++) {
                snprintf(call, sizeof(call),
                         "{\"method\":\"org.varlink.service.GetInterfaceDescription\","
                         "\"parameters\":{\"interface\":\"%s\"}}",
                         ifaces[i]);
                client_send(f, call, strlen(call) + 1);
        }
        pump(f, 2000, 4);
        assert_int_equal(replies(f), 4);
        for (size_t i = 0; i < 4; i++) {
                char want[64];

                snprintf(want, sizeof(want), "interface %s", ifaces[i]);
                if (!strstr(reply(f, i), want))
                        fail_msg("reply %zu is not %s: %.120s", i, ifaces[i], reply(f, i));
        }
        assert_false(f->eof);
        fixture_free(f);
}

static void
test_conn_frame_split_across_writes_is_one_call(void **state)
{
        struct fixture *f = fixture_new(conf_default, ALL_ROLES, 0);
        const char *call = "{\"method\":\"org.varlink.service.GetInfo\"}";

        (void)state;
        client_send(f, call, 10);
        pump(f, 50, 0);
        assert_int_equal(replies(f), 0);
        client_send(f, call + 10, strlen(call) - 10 + 1);
        pump(f, 2000, 1);
        assert_int_equal(replies(f), 1);
        assert_non_null(strstr(reply(f, 0), "\"interfaces\""));
        fixture_free(f);
}

static void
test_conn_oneway_call_gets_no_reply(void **state)
{
        struct fixture *f = fixture_new(conf_default, ALL_ROLES, 0);

        (void)state;
        client_call(f, "{\"method\":\"org.varlink.service.GetInfo\",\"oneway\":true}");
        client_call(f, "{\"method\":\"io.pktd.Daemon.GetStatus\"}");
        pump(f, 2000, 2);
        assert_int_equal(replies(f), 1);
        assert_non_null(strstr(reply(f, 0), "\"uptimeNs\""));
        /* the oneway call was made and counted */
        assert_int_equal(f->d.stats[0].calls, 1);
        fixture_free(f);
}

static void
test_conn_unknown_method_is_answered_and_the_connection_kept(void **state)
{
        struct fixture *f = fixture_new(conf_default, ALL_ROLES, 0);

        (void)state;
        client_call(f, "{\"method\":\"io.pktd.Packet.Nope\"}");
        client_call(f, "{\"method\":\"io.pktd.Packet.Dissect\",\"parameters\":{\"data\":5}}");
        client_call(f, "{\"method\":\"org.varlink.service.GetInfo\"}");
        pump(f, 2000, 3);
        assert_int_equal(replies(f), 3);
        assert_non_null(strstr(reply(f, 0), "org.varlink.service.MethodNotFound"));
        assert_non_null(strstr(reply(f, 1), "org.varlink.service.InvalidParameter"));
        assert_non_null(strstr(reply(f, 2), "\"interfaces\""));
        assert_false(f->eof);
        fixture_free(f);
}

static void
test_conn_not_json_gets_protocol_error_then_close(void **state)
{
        struct fixture *f = fixture_new(conf_default, ALL_ROLES, 0);

        (void)state;
        client_call(f, "{\"method\": nope}");
        client_call(f, "{\"method\":\"org.varlink.service.GetInfo\"}");
        pump(f, 2000, 0);
        assert_true(f->eof);
        assert_int_equal(replies(f), 1); /* nothing after the error */
        assert_non_null(strstr(reply(f, 0), "io.pktd.Daemon.ProtocolError"));
        assert_int_equal(f->d.n_conns, 0);
        fixture_free(f);
}

static void
test_conn_frame_over_frame_size_without_nul_closes_with_limit_exceeded(void **state)
{
        struct fixture *f = fixture_new("[limits]\nframeSize = 4096\n", ALL_ROLES, 0);
        char big[6000];

        (void)state;
        memset(big, ' ', sizeof(big));
        big[0] = '{';
        client_send(f, big, sizeof(big));
        pump(f, 2000, 0);
        assert_true(f->eof);
        assert_int_equal(replies(f), 1);
        assert_non_null(strstr(reply(f, 0), "io.pktd.Daemon.LimitExceeded"));
        assert_non_null(strstr(reply(f, 0), "\"frameSize\""));
        fixture_free(f);
}

static void
test_conn_frame_over_frame_size_with_nul_closes_with_limit_exceeded(void **state)
{
        struct fixture *f = fixture_new("[limits]\nframeSize = 4096\n", ALL_ROLES, 0);
        char big[4200];

        (void)state;
        memset(big, ' ', sizeof(big));
        big[0] = '{';
        big[sizeof(big) - 2] = '}';
        big[sizeof(big) - 1] = '\0';
        client_send(f, big, sizeof(big));
        pump(f, 2000, 0);
        assert_true(f->eof);
        assert_int_equal(replies(f), 1);
        assert_non_null(strstr(reply(f, 0), "\"frameSize\""));
        fixture_free(f);
}

static void
test_conn_frame_of_exactly_frame_size_is_taken(void **state)
{
        struct fixture *f = fixture_new("[limits]\nframeSize = 4096\n", ALL_ROLES, 0);
        const char *call = "{\"method\":\"org.varlink.service.GetInfo\"}";
        char big[4097];

        (void)state;
        memset(big, ' ', sizeof(big));
        memcpy(big, call, strlen(call));
        big[4096] = '\0';
        client_send(f, big, sizeof(big));
        pump(f, 2000, 1);
        assert_false(f->eof);
        assert_int_equal(replies(f), 1);
        assert_non_null(strstr(reply(f, 0), "\"interfaces\""));
        fixture_free(f);
}

static void
test_conn_roles_are_checked_and_permission_denied_says_nothing(void **state)
{
        struct fixture *f = fixture_new(conf_default, PKTP_ROLE_CAPTURE, 0);

        (void)state;
        client_call(f, "{\"method\":\"io.pktd.Daemon.ListClients\"}");
        client_call(f, "{\"method\":\"io.pktd.Daemon.Reload\"}");
        client_call(f, "{\"method\":\"io.pktd.Inject.Send\",\"parameters\":{\"interface\":\"lo\","
                       "\"packets\":[{\"spec\":\"ip\"}]}}");
        client_call(f, "{\"method\":\"io.pktd.Daemon.GetStatus\"}");
        pump(f, 2000, 4);
        assert_int_equal(replies(f), 4);
        for (size_t i = 0; i < 3; i++)
                assert_string_equal(reply(f, i),
                                    "{\"error\":\"org.varlink.service.PermissionDenied\","
                                    "\"parameters\":{}}");
        assert_non_null(strstr(reply(f, 3), "\"uptimeNs\""));
        fixture_free(f);
}

static void
test_conn_forbidden_method_with_bad_parameters_is_still_permission_denied(void **state)
{
        struct fixture *f = fixture_new(conf_default, PKTP_ROLE_CAPTURE, 0);
        const char *bad =
                "{\"method\":\"io.pktd.Inject.Send\",\"parameters\":{\"interface\":\"lo\","
                "\"packets\":[],\"bogus\":1}}";

        (void)state;
        /* the caller may not use Send: it must not learn what is wrong with its parameters */
        client_call(f, bad);
        /* a method it may use still explains its bad parameters */
        client_call(f, "{\"method\":\"io.pktd.Packet.Dissect\",\"parameters\":{\"data\":5}}");
        pump(f, 2000, 2);
        assert_int_equal(replies(f), 2);
        assert_string_equal(reply(f, 0), "{\"error\":\"org.varlink.service.PermissionDenied\","
                                         "\"parameters\":{}}");
        assert_non_null(strstr(reply(f, 1), "org.varlink.service.InvalidParameter"));
        fixture_free(f);

        f = fixture_new(conf_default, ALL_ROLES, 0);
        client_call(f, bad);
        pump(f, 2000, 1);
        assert_non_null(strstr(reply(f, 0), "org.varlink.service.InvalidParameter"));
        fixture_free(f);
}

static void
test_conn_inject_role_reaches_send(void **state)
{
        struct fixture *f = fixture_new(conf_default, PKTP_ROLE_INJECT, 0);

        (void)state;
        /* an interface that does not exist: refused before any socket is opened */
        client_call(f, "{\"method\":\"io.pktd.Inject.Send\",\"parameters\":{\"interface\":"
                       "\"pktdnoif0\",\"packets\":[{\"spec\":\"ip\"}]}}");
        pump(f, 2000, 1);
        assert_int_equal(replies(f), 1);
        assert_non_null(strstr(reply(f, 0), "org.varlink.service.InvalidParameter"));
        assert_non_null(strstr(reply(f, 0), "\"parameter\":\"interface\""));
        fixture_free(f);
}

static void
test_conn_half_close_still_gets_the_replies(void **state)
{
        struct fixture *f = fixture_new(conf_default, ALL_ROLES, 0);

        (void)state;
        client_call(f, "{\"method\":\"org.varlink.service.GetInfo\"}");
        client_call(f, "{\"method\":\"io.pktd.Daemon.GetStatus\"}");
        assert_int_equal(shutdown(f->peer, SHUT_WR), 0);
        pump(f, 2000, 0);
        assert_int_equal(replies(f), 2);
        assert_true(f->eof);
        assert_int_equal(f->d.n_conns, 0);
        fixture_free(f);
}

static void
test_conn_idle_connection_is_closed_after_idle_timeout(void **state)
{
        struct fixture *f = fixture_new("[limits]\nidleTimeoutSec = 1\n", ALL_ROLES, 0);
        uint64_t t0 = pktd_now_usec();

        (void)state;
        pump(f, 3000, 0);
        assert_true(f->eof);
        assert_true(pktd_now_usec() - t0 >= 900000u);
        assert_int_equal(f->d.n_conns, 0);
        fixture_free(f);
}

static void
test_conn_client_that_does_not_read_is_dropped_at_the_output_cap(void **state)
{
        struct fixture *f = fixture_new("[limits]\noutputBuffer = 65536\n", ALL_ROLES, 4096);
        const char *call = "{\"method\":\"org.varlink.service.GetInterfaceDescription\","
                           "\"parameters\":{\"interface\":\"io.pktd.Packet\"}}";
        size_t sent = 0;

        (void)state;
        /* Each reply is a few KiB; a hundred of them pass 64 KiB plus the socket buffers. The
         * client never reads. */
        while (f->d.n_conns && sent < 400) {
                ssize_t n = send(f->peer, call, strlen(call) + 1, MSG_NOSIGNAL);

                if (n < 0)
                        break;
                sent++;
                (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
        }
        for (int i = 0; i < 100 && f->d.n_conns; i++)
                (void)event_base_loop(f->d.base, EVLOOP_NONBLOCK);
        assert_int_equal(f->d.n_conns, 0);
        assert_true(sent < 400);
        fixture_free(f);
}

static void
test_conn_counts_calls_and_errors_per_method(void **state)
{
        struct fixture *f = fixture_new(conf_default, PKTP_ROLE_CAPTURE, 0);
        size_t row_info = 0, row_list = 0;

        (void)state;
        for (size_t i = 0; i < pktd_methods_count; i++) {
                if (strcmp(pktd_methods[i].name, "org.varlink.service.GetInfo") == 0)
                        row_info = i;
                if (strcmp(pktd_methods[i].name, "io.pktd.Daemon.ListClients") == 0)
                        row_list = i;
        }
        client_call(f, "{\"method\":\"org.varlink.service.GetInfo\"}");
        client_call(f, "{\"method\":\"org.varlink.service.GetInfo\"}");
        client_call(f, "{\"method\":\"io.pktd.Daemon.ListClients\"}");
        pump(f, 2000, 3);
        assert_int_equal(f->d.stats[row_info].calls, 2);
        assert_int_equal(f->d.stats[row_info].errors, 0);
        assert_int_equal(f->d.stats[row_list].calls, 1);
        assert_int_equal(f->d.stats[row_list].errors, 1);
        fixture_free(f);
}

/* A Reload whose new config leaves its own caller without a role: the caller still gets the reply
 * it is waiting for (docs/daemon.md, "a client left without a role gets the reply it is waiting
 * for and is then closed"), then EOF. */
static void
test_conn_reload_revoking_its_caller_answers_then_closes(void **state)
{
        char path[] = "/tmp/pktd-test-conn-reload-XXXXXX";
        static const char after[] = "[roles]\nadmin =\ncapture =\ninject =\n";
        struct fixture *f;
        int fd = mkstemp(path);

        (void)state;
        assert_true(fd >= 0);
        assert_int_equal(write(fd, after, strlen(after)), (ssize_t)strlen(after));
        close(fd);
        f = fixture_new(conf_default, ALL_ROLES, 0);
        f->d.conf_path = path;
        f->d.conf_path_given = true;
        client_call(f, "{\"method\":\"io.pktd.Daemon.Reload\"}");
        pump(f, 2000, 1);
        pump(f, 500, 0); /* then the close */
        (void)unlink(path);
        assert_int_equal(replies(f), 1);
        assert_string_equal(reply(f, 0), "{\"parameters\":{}}");
        assert_true(f->eof);
        fixture_free(f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_conn_pipelined_calls_are_answered_in_call_order),
                cmocka_unit_test(test_conn_frame_split_across_writes_is_one_call),
                cmocka_unit_test(test_conn_oneway_call_gets_no_reply),
                cmocka_unit_test(test_conn_unknown_method_is_answered_and_the_connection_kept),
                cmocka_unit_test(test_conn_not_json_gets_protocol_error_then_close),
                cmocka_unit_test(
                        test_conn_frame_over_frame_size_without_nul_closes_with_limit_exceeded),
                cmocka_unit_test(
                        test_conn_frame_over_frame_size_with_nul_closes_with_limit_exceeded),
                cmocka_unit_test(test_conn_frame_of_exactly_frame_size_is_taken),
                cmocka_unit_test(test_conn_roles_are_checked_and_permission_denied_says_nothing),
                cmocka_unit_test(
                        test_conn_forbidden_method_with_bad_parameters_is_still_permission_denied),
                cmocka_unit_test(test_conn_inject_role_reaches_send),
                cmocka_unit_test(test_conn_half_close_still_gets_the_replies),
                cmocka_unit_test(test_conn_idle_connection_is_closed_after_idle_timeout),
                cmocka_unit_test(test_conn_client_that_does_not_read_is_dropped_at_the_output_cap),
                cmocka_unit_test(test_conn_counts_calls_and_errors_per_method),
                cmocka_unit_test(test_conn_reload_revoking_its_caller_answers_then_closes),
        };

        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
