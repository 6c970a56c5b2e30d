/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * io.pktd.Inject.Send and SendReceive (inject.c, sr.c) called directly, on their refusal paths:
 * every case here is refused before a socket is opened, so nothing is sent anywhere and no
 * privilege is needed. The interface is "lo" (present in every network namespace): its own
 * addresses are 00:00:00:00:00:00, 127.0.0.1 and ::1. What is sent is checked by
 * tests/integration/test_inject_*.py in network namespaces.
 */
#include <errno.h>
#include <event2/event.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>

#include "conf.h"
#include "conn.h"
#include "dispatch.h"
#include "pktd.h"
#include "ratelimit.h"
#include "testutil.h"

#define OUT_MAX (1024 * 1024)

struct fx {
        struct pktd d;
        struct pktd_conn c;
};

static struct fx *
fx_new(const char *conf_text, unsigned roles)
{
        struct pktd_conf_error err = { 0 };
        struct fx *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        if (pktd_conf_parse(conf_text, strlen(conf_text), &f->d.conf, &err) < 0)
                fail_msg("config line %u: %s", err.line, err.message);
        f->d.base = event_base_new();
        assert_non_null(f->d.base);
        f->c.d = &f->d;
        f->c.uid = 61234;
        f->c.gid = 61234;
        f->c.pid = 1;
        f->c.id = 1;
        f->c.roles = roles;
        pktd_ratelimit_reset(pktd_ratelimit_global());
        return f;
}

static void
fx_free(struct fx *f)
{
        event_base_free(f->d.base);
        pktd_conf_free(f->d.conf);
        free(f);
}

/* Runs @fn on a call of @method with @params; expects a refusal and returns its error. */
static struct pktp_error
refused(struct fx *f, pktd_method_fn fn, const char *method, const char *params)
{
        char frame[8192];
        struct pktp_call call;
        struct pktp_error err = { 0 };
        struct pktp_buf out;
        int n, r;

        n = snprintf(frame, sizeof(frame), "{\"method\":\"%s\",\"parameters\":%s}", method, params);
        assert_true(n > 0 && (size_t)n < sizeof(frame));
        r = pktp_call_parse(frame, (size_t)n, &call, &err);
        if (r < 0)
                fail_msg("the validator refused %s: %s", params, err.message);
        pktp_buf_init(&out, OUT_MAX);
        r = fn(&f->d, &f->c, &call, &out, &err);
        if (r >= 0)
                fail_msg("accepted (%d): %s -> %s", r, params, out.data ? out.data : "");
        assert_int_not_equal(err.id, PKTP_OK);
        /* a refusal leaves nothing behind: no event pending on the loop */
        assert_int_equal(event_base_get_num_events(f->d.base, EVENT_BASE_COUNT_ADDED), 0);
        pktp_buf_done(&out);
        pktp_call_done(&call);
        return err;
}

static void
assert_err(const struct pktp_error *e, enum pktp_error_id id, const char *arg)
{
        if (e->id != id || (arg && strcmp(e->arg, arg) != 0))
                fail_msg("got %s{%s} '%s', want %s{%s}", pktp_error_name(e->id), e->arg, e->message,
                         pktp_error_name(id), arg ? arg : "");
}

#define SEND "io.pktd.Inject.Send"
#define SR   "io.pktd.Inject.SendReceive"
#define CONF "[inject]\npacketsPerSecond = 10\n"

static void
test_inject_interface_outside_the_list_is_permission_denied_but_not_for_admin(void **state)
{
        struct fx *f = fx_new("[inject]\ninterfaces = eth7\n", PKTP_ROLE_INJECT);
        struct pktp_error e;

        (void)state;
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"packets\":[{\"spec\":\"ip\"}]}");
        assert_err(&e, PKTP_ERR_PERMISSION_DENIED, "");
        assert_string_equal(e.message, "");
        e = refused(f, pktd_inject_send_receive, SR,
                    "{\"interface\":\"lo\",\"packets\":[{\"spec\":\"ip\"}]}");
        assert_err(&e, PKTP_ERR_PERMISSION_DENIED, "");
        /* an admin passes the list and meets the next check (a layer-3 spec on layer 2) */
        f->c.roles = PKTP_ROLE_ADMIN | PKTP_ROLE_INJECT | PKTP_ROLE_CAPTURE;
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"packets\":[{\"spec\":\"ip\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "packets[0]");
        fx_free(f);
}

static void
test_inject_unknown_interface_is_invalid_parameter(void **state)
{
        struct fx *f = fx_new("", PKTP_ROLE_INJECT);
        struct pktp_error e;

        (void)state;
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"pktdnoif0\",\"packets\":[{\"spec\":\"ip\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "interface");
        e = refused(f, pktd_inject_send_receive, SR,
                    "{\"interface\":\"pktdnoif0\",\"packets\":[{\"spec\":\"ip\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "interface");
        fx_free(f);
}

static void
test_inject_packets_must_start_as_the_layer_says(void **state)
{
        struct fx *f = fx_new("", PKTP_ROLE_INJECT);
        struct pktp_error e;

        (void)state;
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"packets\":[{\"spec\":\"ethernet/ip(src=127.0.0.1,"
                    "dst=127.0.0.1)\"},{\"spec\":\"ip(dst=127.0.0.1)/udp\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "packets[1]");
        assert_non_null(strstr(e.message, "ethernet"));
        e = refused(
                f, pktd_inject_send, SEND,
                "{\"interface\":\"lo\",\"layer\":\"l3\",\"packets\":[{\"spec\":\"ethernet/ip\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "packets[0]");
        /* bytes that are no IP packet on layer 3 */
        e = refused(
                f, pktd_inject_send, SEND,
                "{\"interface\":\"lo\",\"layer\":\"l3\",\"packets\":[{\"data\":\"AAAAAA==\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "packets[0]");
        /* sr on layer 3: one IP version per call */
        e = refused(
                f, pktd_inject_send_receive, SR,
                "{\"interface\":\"lo\",\"layer\":\"l3\",\"packets\":[{\"spec\":\"ip(dst=127.0.0.1)"
                "\"},{\"spec\":\"ip6(dst=::1)\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "packets");
        fx_free(f);
}

static void
test_inject_build_errors_name_the_packet(void **state)
{
        struct fx *f = fx_new("", PKTP_ROLE_INJECT | PKTP_ROLE_ADMIN);
        struct pktp_error e;

        (void)state;
        /* admin: no spoof check in the way of packet 0 */
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"packets\":[{\"spec\":\"ethernet\"},{\"layers\":"
                    "[{\"layer\":\"ethernet\"},{\"layer\":\"ip\",\"ttl\":300}]}]}");
        assert_err(&e, PKTP_ERR_BAD_PACKET, NULL);
        if (strncmp(e.arg, "packets[1].layers[1]", 20) != 0)
                fail_msg("parameter %s, want packets[1].layers[1]...", e.arg);
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"packets\":[{\"spec\":\"ethernet/nosuchlayer\"}]}");
        assert_err(&e, PKTP_ERR_BAD_SPEC, NULL);
        fx_free(f);
}

static void
test_inject_foreign_sources_are_refused_for_non_admins(void **state)
{
        struct fx *f = fx_new("", PKTP_ROLE_INJECT);
        struct pktp_error e;

        (void)state;
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"packets\":[{\"spec\":\"ethernet(src=02:00:00:00:00:01)"
                    "/ip(src=127.0.0.1,dst=127.0.0.1)\"}]}");
        assert_err(&e, PKTP_ERR_PERMISSION_DENIED, "");
        e = refused(
                f, pktd_inject_send, SEND,
                "{\"interface\":\"lo\",\"layer\":\"l3\",\"packets\":[{\"spec\":\"ip(src=10.9.9.9,"
                "dst=127.0.0.1)/udp\"}]}");
        assert_err(&e, PKTP_ERR_PERMISSION_DENIED, "");
        e = refused(f, pktd_inject_send_receive, SR,
                    "{\"interface\":\"lo\",\"layer\":\"l3\",\"packets\":[{\"spec\":\"ip6(src=2001:"
                    "db8::9,"
                    "dst=::1)/udp\"}]}");
        assert_err(&e, PKTP_ERR_PERMISSION_DENIED, "");
        /* bytes are checked too: an Ethernet frame from 02:00:00:00:00:01 */
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"packets\":[{\"data\":\"AAAAAAAAAgAAAAABiLU=\"}]}");
        assert_err(&e, PKTP_ERR_PERMISSION_DENIED, "");
        fx_free(f);
}

static void
test_inject_rate_limit_refuses_what_cannot_fit_before_sending(void **state)
{
        struct fx *f = fx_new(CONF, PKTP_ROLE_INJECT | PKTP_ROLE_ADMIN);
        struct pktp_error e;

        (void)state;
        /* 11 packets at once, 10 a second: more than the burst */
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"count\":11,\"packets\":[{\"spec\":\"ethernet/ip(dst="
                    "127.0.0.1)\"}]}");
        assert_err(&e, PKTP_ERR_LIMIT_EXCEEDED, "packetsPerSecond");
        /* 25 at 100 ms: 10 + 2.4 s x 10 = 34 would fit... 40 at 10 ms do not */
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"count\":40,\"intervalMs\":10,\"packets\":[{\"spec\":"
                    "\"ethernet/ip(dst=127.0.0.1)\"}]}");
        assert_err(&e, PKTP_ERR_LIMIT_EXCEEDED, "packetsPerSecond");
        /* sr: the first round's tokens */
        e = refused(
                f, pktd_inject_send_receive, SR,
                "{\"interface\":\"lo\",\"packets\":[{\"spec\":\"ethernet/ip\"},{\"spec\":"
                "\"ethernet/ip\"},{\"spec\":\"ethernet/ip\"},{\"spec\":\"ethernet/ip\"},{\"spec\":"
                "\"ethernet/ip\"},{\"spec\":\"ethernet/ip\"},{\"spec\":\"ethernet/ip\"},{\"spec\":"
                "\"ethernet/ip\"},{\"spec\":\"ethernet/ip\"},{\"spec\":\"ethernet/ip\"},{\"spec\":"
                "\"ethernet/ip\"}]}");
        assert_err(&e, PKTP_ERR_LIMIT_EXCEEDED, "packetsPerSecond");
        /* the refused sr gave its srPerUid slot back */
        assert_int_equal(pktd_ratelimit_sr_running(pktd_ratelimit_global(), f->c.uid), 0);
        fx_free(f);
}

static void
test_inject_limits_and_parameter_combinations(void **state)
{
        struct fx *f = fx_new("[limits]\nsrProbes = 2\n", PKTP_ROLE_INJECT | PKTP_ROLE_ADMIN);
        struct pktp_error e;

        (void)state;
        e = refused(f, pktd_inject_send_receive, SR,
                    "{\"interface\":\"lo\",\"packets\":[{\"spec\":\"ethernet/ip\"},{\"spec\":"
                    "\"ethernet/ip\"},{\"spec\":\"ethernet/ip\"}]}");
        assert_err(&e, PKTP_ERR_LIMIT_EXCEEDED, "srProbes");
        /* count x packets above a million */
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"count\":1000000,\"packets\":[{\"spec\":\"ethernet\"},"
                    "{\"spec\":\"ethernet\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "count");
        /* more than an hour of intervals */
        e = refused(
                f, pktd_inject_send, SEND,
                "{\"interface\":\"lo\",\"count\":3,\"intervalMs\":3600000,\"packets\":[{\"spec\":"
                "\"ethernet\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "intervalMs");
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"timing\":\"topspeed\",\"packets\":[{\"spec\":"
                    "\"ethernet\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "timing");
        e = refused(f, pktd_inject_send, SEND,
                    "{\"interface\":\"lo\",\"fileDescriptor\":0,\"packets\":[{\"spec\":"
                    "\"ethernet\"}]}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "packets");
        e = refused(f, pktd_inject_send, SEND, "{\"interface\":\"lo\"}");
        assert_err(&e, PKTP_ERR_INVALID_PARAMETER, "packets");
        fx_free(f);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(
                        test_inject_interface_outside_the_list_is_permission_denied_but_not_for_admin),
                cmocka_unit_test(test_inject_unknown_interface_is_invalid_parameter),
                cmocka_unit_test(test_inject_packets_must_start_as_the_layer_says),
                cmocka_unit_test(test_inject_build_errors_name_the_packet),
                cmocka_unit_test(test_inject_foreign_sources_are_refused_for_non_admins),
                cmocka_unit_test(test_inject_rate_limit_refuses_what_cannot_fit_before_sending),
                cmocka_unit_test(test_inject_limits_and_parameter_combinations),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
