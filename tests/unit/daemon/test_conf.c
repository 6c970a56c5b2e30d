/* SPDX-License-Identifier: BSD-3-Clause */
/* pktd.conf: defaults, a full good file, and each kind of bad line reported with its line number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "testutil.h"

static struct pktd_conf *
parse_ok(const char *text)
{
        struct pktd_conf_error err = { 0 };
        struct pktd_conf *c = NULL;
        int r = pktd_conf_parse(text, strlen(text), &c, &err);

        if (r < 0)
                fail_msg("parse failed at line %u: %s", err.line, err.message);
        assert_non_null(c);
        return c;
}

/* Parses @text, expects failure at @line with @fragment in the message. */
static void
parse_bad(const char *text, unsigned line, const char *fragment)
{
        struct pktd_conf_error err = { 0 };
        struct pktd_conf *c = NULL;
        int r = pktd_conf_parse(text, strlen(text), &c, &err);

        if (r >= 0) {
                pktd_conf_free(c);
                fail_msg("accepted: %s", text);
        }
        assert_int_equal(r, -EINVAL);
        assert_null(c);
        if (err.line != line || !strstr(err.message, fragment))
                fail_msg("for %s: got line %u '%s', want line %u '%s'", text, err.line, err.message,
                         line, fragment);
}

static void
test_conf_defaults_are_the_issue_s(void **state)
{
        struct pktd_conf c;

        (void)state;
        pktd_conf_defaults(&c);
        assert_int_equal(c.roles[PKTD_ROLE_IDX_ADMIN].n, 1);
        assert_int_equal(c.roles[PKTD_ROLE_IDX_ADMIN].principals[0].kind, PKTD_PRINCIPAL_USER);
        assert_int_equal(c.roles[PKTD_ROLE_IDX_ADMIN].principals[0].id, 0);
        assert_int_equal(c.roles[PKTD_ROLE_IDX_CAPTURE].n, 1);
        assert_int_equal(c.roles[PKTD_ROLE_IDX_CAPTURE].principals[0].kind, PKTD_PRINCIPAL_GROUP);
        assert_int_equal(c.roles[PKTD_ROLE_IDX_INJECT].n, 1);
        assert_int_equal(c.limits.connections, 256);
        assert_int_equal(c.limits.connections_per_uid, 32);
        assert_int_equal(c.limits.frame_size, 1048576);
        assert_int_equal(c.limits.output_buffer, 8388608);
        assert_int_equal(c.limits.idle_timeout_sec, 600);
        assert_string_equal(c.user, "pktd");
        assert_false(c.allow_root);
        /* a default group that does not exist is no warning */
        assert_int_equal(c.n_warnings, 0);
}

static void
test_conf_missing_default_file_is_the_defaults(void **state)
{
        struct pktd_conf_error err = { 0 };
        struct pktd_conf *c = NULL;

        (void)state;
        assert_int_equal(pktd_conf_load("/nonexistent-pktd-dir/pktd.conf", false, &c, &err), 0);
        assert_non_null(c);
        assert_int_equal(c->limits.connections, PKTD_CONNECTIONS_DEFAULT);
        assert_int_equal(c->roles[PKTD_ROLE_IDX_ADMIN].n, 1);
        pktd_conf_free(c);
}

static void
test_conf_missing_named_file_is_an_error(void **state)
{
        struct pktd_conf_error err = { 0 };
        struct pktd_conf *c = NULL;

        (void)state;
        assert_int_equal(pktd_conf_load("/nonexistent-pktd-dir/pktd.conf", true, &c, &err),
                         -ENOENT);
        assert_null(c);
        assert_int_equal(err.line, 0);
        assert_non_null(strstr(err.message, "does not exist"));
        /* the message reaches Reload's caller: no path in it */
        assert_null(strstr(err.message, "nonexistent"));
}

static void
test_conf_directory_is_an_error(void **state)
{
        struct pktd_conf_error err = { 0 };
        struct pktd_conf *c = NULL;

        (void)state;
        assert_true(pktd_conf_load("/", true, &c, &err) < 0);
        assert_null(c);
}

/* A FIFO in the configuration file's place is refused at once: opening it for reading would wait
 * for a writer (and a Reload would hang the loop). A child writer would be the only thing to release
 * it; there is none, so a blocking open() would keep this test waiting until ctest's timeout. */
static void
test_conf_fifo_is_refused_without_waiting(void **state)
{
        char dir[] = "/tmp/pktd-test-conf-fifo-XXXXXX", path[64];
        struct pktd_conf_error err = { 0 };
        struct pktd_conf *c = NULL;

        (void)state;
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/pktd.conf", dir);
        assert_int_equal(mkfifo(path, 0600), 0);
        assert_int_equal(pktd_conf_load(path, true, &c, &err), -EINVAL);
        assert_null(c);
        assert_non_null(strstr(err.message, "not a regular file"));
        unlink(path);
        rmdir(dir);
}

static void
test_conf_file_loads_from_disk(void **state)
{
        char path[] = "/tmp/pktd-test-conf-XXXXXX";
        struct pktd_conf_error err = { 0 };
        struct pktd_conf *c = NULL;
        const char *text = "[limits]\nconnections = 7\nconnectionsPerUid = 3\n";
        int fd = mkstemp(path);

        (void)state;
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
        assert_int_equal(pktd_conf_load(path, true, &c, &err), 0);
        assert_int_equal(c->limits.connections, 7);
        assert_int_equal(c->limits.connections_per_uid, 3);
        pktd_conf_free(c);
        unlink(path);
}

static void
test_conf_oversized_file_is_an_error(void **state)
{
        char path[] = "/tmp/pktd-test-conf-XXXXXX";
        struct pktd_conf_error err = { 0 };
        struct pktd_conf *c = NULL;
        char *big = malloc(PKTD_CONF_FILE_MAX + 10);
        int fd = mkstemp(path);

        (void)state;
        assert_non_null(big);
        assert_true(fd >= 0);
        memset(big, '#', PKTD_CONF_FILE_MAX + 10);
        assert_int_equal(write(fd, big, PKTD_CONF_FILE_MAX + 10), PKTD_CONF_FILE_MAX + 10);
        close(fd);
        assert_int_equal(pktd_conf_load(path, true, &c, &err), -EFBIG);
        assert_null(c);
        free(big);
        unlink(path);
}

static void
test_conf_good_file_sets_every_key(void **state)
{
        struct pktd_conf *c;

        (void)state;
        c = parse_ok("# pktd.conf\n"
                     "\n"
                     "[roles]\r\n"
                     "admin   = user:root user:1234   # two admins\n"
                     "capture = group:0 group:4242 user:99\n"
                     "inject  =\n"
                     "[ limits ]\n"
                     "connections = 100\n"
                     "connectionsPerUid = 10\n"
                     "frameSize = 65536\n"
                     "outputBuffer = 1048576\n"
                     "idleTimeoutSec = 5\n"
                     "[daemon]\n"
                     "user = nobody\n"
                     "allowRoot = yes\n");
        assert_int_equal(c->roles[PKTD_ROLE_IDX_ADMIN].n, 2);
        assert_int_equal(c->roles[PKTD_ROLE_IDX_ADMIN].principals[0].id, 0);
        assert_true(c->roles[PKTD_ROLE_IDX_ADMIN].principals[0].resolved);
        assert_int_equal(c->roles[PKTD_ROLE_IDX_ADMIN].principals[1].id, 1234);
        assert_int_equal(c->roles[PKTD_ROLE_IDX_CAPTURE].n, 3);
        assert_int_equal(c->roles[PKTD_ROLE_IDX_CAPTURE].principals[1].kind, PKTD_PRINCIPAL_GROUP);
        assert_int_equal(c->roles[PKTD_ROLE_IDX_CAPTURE].principals[1].id, 4242);
        assert_int_equal(c->roles[PKTD_ROLE_IDX_CAPTURE].principals[2].kind, PKTD_PRINCIPAL_USER);
        /* an empty role is nobody */
        assert_int_equal(c->roles[PKTD_ROLE_IDX_INJECT].n, 0);
        assert_int_equal(c->limits.connections, 100);
        assert_int_equal(c->limits.connections_per_uid, 10);
        assert_int_equal(c->limits.frame_size, 65536);
        assert_int_equal(c->limits.output_buffer, 1048576);
        assert_int_equal(c->limits.idle_timeout_sec, 5);
        assert_string_equal(c->user, "nobody");
        assert_true(c->allow_root);
        assert_int_equal(c->n_warnings, 0);
        pktd_conf_free(c);
}

static void
test_conf_keys_left_out_keep_their_defaults(void **state)
{
        struct pktd_conf *c;

        (void)state;
        c = parse_ok("[limits]\nidleTimeoutSec = 30\n");
        assert_int_equal(c->limits.idle_timeout_sec, 30);
        assert_int_equal(c->limits.connections, PKTD_CONNECTIONS_DEFAULT);
        assert_int_equal(c->roles[PKTD_ROLE_IDX_ADMIN].n, 1);
        assert_string_equal(c->user, "pktd");
        pktd_conf_free(c);
}

static void
test_conf_unknown_name_matches_nobody_with_a_warning(void **state)
{
        struct pktd_conf *c;

        (void)state;
        c = parse_ok("[roles]\ncapture = group:no-such-group-pktd-test user:no-such-user-pktd\n");
        assert_int_equal(c->roles[PKTD_ROLE_IDX_CAPTURE].n, 2);
        assert_false(c->roles[PKTD_ROLE_IDX_CAPTURE].principals[0].resolved);
        assert_false(c->roles[PKTD_ROLE_IDX_CAPTURE].principals[1].resolved);
        assert_int_equal(c->n_warnings, 2);
        assert_non_null(strstr(c->warnings[0], "line 2"));
        assert_non_null(strstr(c->warnings[0], "no-such-group-pktd-test"));
        /* an unresolved principal must not match id 0 (its id field is meaningless) */
        assert_false(pktd_role_conf_match(&c->roles[PKTD_ROLE_IDX_CAPTURE], 0, 0, NULL, 0));
        pktd_conf_free(c);
}

static void
test_conf_bad_lines_name_their_line(void **state)
{
        (void)state;
        parse_bad("[nope]\n", 1, "unknown section");
        parse_bad("# c\n[roles\n", 2, "without ']'");
        parse_bad("connections = 1\n", 1, "before any [section]");
        parse_bad("[limits]\n\nconnections\n", 3, "expected 'key = value'");
        parse_bad("[limits]\nconnection = 1\n", 2, "unknown key");
        /* a key of another section is unknown here */
        parse_bad("[roles]\nconnections = 1\n", 2, "unknown key");
        parse_bad("[limits]\nconnections = 1\nconnections = 2\n", 3, "set twice");
        parse_bad("[limits]\nconnections =\n", 2, "no value");
        parse_bad("[limits]\nconnections = 12x\n", 2, "not a decimal number");
        parse_bad("[limits]\nconnections = -1\n", 2, "not a decimal number");
        parse_bad("[limits]\nconnections = +1\n", 2, "not a decimal number");
        parse_bad("[limits]\nconnections = 0x10\n", 2, "not a decimal number");
        parse_bad("[limits]\nconnections = 1 2\n", 2, "not a decimal number");
        parse_bad("[limits]\nconnections = 99999999999999999999999\n", 2, "not a decimal number");
        parse_bad("[limits]\nconnections = 0\n", 2, "out of range");
        parse_bad("[limits]\nconnections = 65537\n", 2, "out of range");
        parse_bad("[limits]\nframeSize = 100\n", 2, "out of range");
        parse_bad("[limits]\nframeSize = 1048577\n", 2, "out of range");
        parse_bad("[limits]\noutputBuffer = 1024\n", 2, "out of range");
        parse_bad("[limits]\nidleTimeoutSec = 0\n", 2, "out of range");
        parse_bad("[roles]\nadmin = root\n", 2, "is not user:NAME");
        parse_bad("[roles]\nadmin = uid:0\n", 2, "is not user:NAME");
        parse_bad("[roles]\nadmin = user:\n", 2, "not a valid user name");
        parse_bad("[roles]\nadmin = user:../etc\n", 2, "not a valid user name");
        parse_bad("[roles]\nadmin = group:-x\n", 2, "not a valid group name");
        parse_bad("[roles]\nadmin = user:4294967295\n", 2, "bad user id");
        parse_bad("[roles]\nadmin = user:12ab\n", 2, "bad user id");
        parse_bad("[daemon]\nallowRoot = maybe\n", 2, "not yes or no");
        parse_bad("[daemon]\nuser = a b\n", 2, "not a valid user name");
        parse_bad("[daemon]\nuser = /etc/passwd\n", 2, "not a valid user name");
        /* cross-key check: no line to blame, 0 */
        parse_bad("[limits]\nconnections = 4\nconnectionsPerUid = 5\n", 0, "above connections");
}

static void
test_conf_nul_byte_is_refused(void **state)
{
        struct pktd_conf_error err = { 0 };
        struct pktd_conf *c = NULL;
        const char text[] = "[limits]\nconnections = 1\0\n";

        (void)state;
        assert_int_equal(pktd_conf_parse(text, sizeof(text) - 1, &c, &err), -EINVAL);
        assert_null(c);
        assert_non_null(strstr(err.message, "NUL"));
}

static void
test_conf_too_many_principals_is_an_error(void **state)
{
        char text[8192] = "[roles]\ncapture =";

        (void)state;
        for (int i = 0; i <= PKTD_CONF_PRINCIPALS_MAX; i++) {
                char tok[32];

                snprintf(tok, sizeof(tok), " user:%d", 1000 + i);
                strcat(text, tok);
        }
        strcat(text, "\n");
        parse_bad(text, 2, "principals");
}

static void
test_conf_overlong_line_is_an_error(void **state)
{
        char *text = malloc(10000);

        (void)state;
        assert_non_null(text);
        strcpy(text, "[roles]\n#");
        memset(text + strlen(text), 'x', 5000);
        text[9 + 5000] = '\0';
        parse_bad(text, 2, "longer than");
        free(text);
}

static void
test_conf_role_matches_uid_gid_and_supplementary_groups(void **state)
{
        struct pktd_conf *c;
        const gid_t groups[] = { 10, 4242, 20 };
        const struct pktd_role_conf *cap;

        (void)state;
        c = parse_ok("[roles]\ncapture = user:1000 group:4242\n");
        cap = &c->roles[PKTD_ROLE_IDX_CAPTURE];
        assert_true(pktd_role_conf_match(cap, 1000, 1000, NULL, 0));
        assert_true(pktd_role_conf_match(cap, 2000, 4242, NULL, 0));
        assert_true(pktd_role_conf_match(cap, 2000, 2000, groups, 3));
        assert_false(pktd_role_conf_match(cap, 2000, 2000, groups, 1));
        /* a user principal is a uid, never a gid */
        assert_false(pktd_role_conf_match(cap, 2000, 1000, NULL, 0));
        /* and a group principal never a uid */
        assert_false(pktd_role_conf_match(cap, 4242, 2000, NULL, 0));
        pktd_conf_free(c);
}

static void
test_conf_issue5_defaults(void **state)
{
        struct pktd_conf c;

        (void)state;
        pktd_conf_defaults(&c);
        assert_true(c.capture_ifaces.all);
        assert_true(c.inject_ifaces.all);
        assert_int_equal(c.inject.packets_per_second, 1000);
        assert_int_equal(c.inject.bytes_per_second, 1500000);
        assert_false(c.inject.allow_spoofing);
        assert_int_equal(c.limits.subscriptions, 64);
        assert_int_equal(c.limits.subscriptions_per_uid, 8);
        assert_int_equal(c.limits.sr_per_uid, 4);
        assert_int_equal(c.limits.sr_probes, 4096);
        assert_int_equal(c.limits.sr_duration_ms, 60000);
        assert_int_equal(c.limits.stream_high_water, 4194304);
        assert_int_equal(c.limits.stream_low_water, 1048576);
}

static void
test_conf_issue5_keys_are_read(void **state)
{
        struct pktd_conf *c;

        (void)state;
        c = parse_ok("[capture]\n"
                     "interfaces = eth0 veth-a  # two names\n"
                     "[inject]\n"
                     "interfaces =\n"
                     "packetsPerSecond = 50\n"
                     "bytesPerSecond = 20000\n"
                     "allowSpoofing = yes\n"
                     "[limits]\n"
                     "subscriptions = 10\n"
                     "subscriptionsPerUid = 2\n"
                     "srPerUid = 3\n"
                     "srProbes = 100\n"
                     "srDurationMs = 5000\n"
                     "streamHighWater = 200000\n"
                     "streamLowWater = 100000\n");
        assert_false(c->capture_ifaces.all);
        assert_int_equal(c->capture_ifaces.n, 2);
        assert_string_equal(c->capture_ifaces.names[0], "eth0");
        assert_string_equal(c->capture_ifaces.names[1], "veth-a");
        assert_true(pktd_iface_list_has(&c->capture_ifaces, "veth-a"));
        assert_false(pktd_iface_list_has(&c->capture_ifaces, "veth"));
        assert_false(pktd_iface_list_has(&c->capture_ifaces, "eth00"));
        /* an empty list allows no interface */
        assert_false(c->inject_ifaces.all);
        assert_int_equal(c->inject_ifaces.n, 0);
        assert_false(pktd_iface_list_has(&c->inject_ifaces, "eth0"));
        assert_int_equal(c->inject.packets_per_second, 50);
        assert_int_equal(c->inject.bytes_per_second, 20000);
        assert_true(c->inject.allow_spoofing);
        assert_int_equal(c->limits.subscriptions, 10);
        assert_int_equal(c->limits.subscriptions_per_uid, 2);
        assert_int_equal(c->limits.sr_per_uid, 3);
        assert_int_equal(c->limits.sr_probes, 100);
        assert_int_equal(c->limits.sr_duration_ms, 5000);
        assert_int_equal(c->limits.stream_high_water, 200000);
        assert_int_equal(c->limits.stream_low_water, 100000);
        pktd_conf_free(c);

        c = parse_ok("[inject]\ninterfaces = *\n");
        assert_true(c->inject_ifaces.all);
        assert_true(pktd_iface_list_has(&c->inject_ifaces, "anything"));
        pktd_conf_free(c);
}

static void
test_conf_issue5_bad_values_name_their_line(void **state)
{
        char big[4200];
        size_t n;

        (void)state;
        parse_bad("[capture]\ninterfaces = * eth0\n", 2, "'*' already means every interface");
        parse_bad("[capture]\ninterfaces = eth0 eth0\n", 2, "listed twice");
        parse_bad("[capture]\ninterfaces = ../etc\n", 2, "not an interface name");
        parse_bad("[capture]\ninterfaces = a:b\n", 2, "not an interface name");
        parse_bad("[capture]\ninterfaces = ..\n", 2, "not an interface name");
        parse_bad("[inject]\ninterfaces = abcdefghijklmnop\n", 2, "not an interface name");
        parse_bad("[inject]\npacketsPerSecond = 0\n", 2, "out of range");
        parse_bad("[inject]\npacketsPerSecond = -1\n", 2, "not a decimal number");
        parse_bad("[inject]\nbytesPerSecond = 1000\n", 2, "out of range");
        parse_bad("[inject]\nallowSpoofing = maybe\n", 2, "not yes or no");
        parse_bad("[inject]\nallowSpoofing =\n", 2, "has no value");
        parse_bad("[inject]\nsrProbes = 5\n", 2, "unknown key");
        parse_bad("[limits]\nsrProbes = 4097\n", 2, "out of range");
        parse_bad("[limits]\nsrDurationMs = 99\n", 2, "out of range");
        parse_bad("[limits]\nsrDurationMs = 600001\n", 2, "out of range");
        parse_bad("[limits]\nsrPerUid = 0\n", 2, "out of range");
        parse_bad("[limits]\nsubscriptions = 4097\n", 2, "out of range");
        parse_bad("[limits]\nstreamHighWater = 1000\n", 2, "out of range");
        parse_bad("[limits]\nsubscriptions = 4\nsubscriptionsPerUid = 5\n", 0,
                  "subscriptionsPerUid (5) is above subscriptions (4)");
        parse_bad("[limits]\nstreamLowWater = 4194304\n", 0, "is not below streamHighWater");
        parse_bad("[capture]\ninterfaces = a\ninterfaces = b\n", 3, "set twice");
        parse_bad("[capturing]\n", 1, "unknown section");

        /* more names than PKTD_CONF_IFACES_MAX on one line */
        n = (size_t)snprintf(big, sizeof(big), "[capture]\ninterfaces =");
        for (unsigned i = 0; i <= PKTD_CONF_IFACES_MAX && n + 8 < sizeof(big); i++)
                n += (size_t)snprintf(big + n, sizeof(big) - n, " i%u", i);
        parse_bad(big, 2, "more than 256 interfaces");
}

static void
test_conf_empty_text_is_the_defaults(void **state)
{
        struct pktd_conf *c;

        (void)state;
        c = parse_ok("");
        assert_int_equal(c->limits.output_buffer, PKTD_OUTPUT_BUFFER_DEFAULT);
        pktd_conf_free(c);
        c = parse_ok("\n\n# only comments\n   \t\n");
        assert_int_equal(c->limits.output_buffer, PKTD_OUTPUT_BUFFER_DEFAULT);
        pktd_conf_free(c);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_conf_defaults_are_the_issue_s),
                cmocka_unit_test(test_conf_missing_default_file_is_the_defaults),
                cmocka_unit_test(test_conf_missing_named_file_is_an_error),
                cmocka_unit_test(test_conf_directory_is_an_error),
                cmocka_unit_test(test_conf_fifo_is_refused_without_waiting),
                cmocka_unit_test(test_conf_file_loads_from_disk),
                cmocka_unit_test(test_conf_oversized_file_is_an_error),
                cmocka_unit_test(test_conf_good_file_sets_every_key),
                cmocka_unit_test(test_conf_keys_left_out_keep_their_defaults),
                cmocka_unit_test(test_conf_unknown_name_matches_nobody_with_a_warning),
                cmocka_unit_test(test_conf_bad_lines_name_their_line),
                cmocka_unit_test(test_conf_nul_byte_is_refused),
                cmocka_unit_test(test_conf_too_many_principals_is_an_error),
                cmocka_unit_test(test_conf_overlong_line_is_an_error),
                cmocka_unit_test(test_conf_role_matches_uid_gid_and_supplementary_groups),
                cmocka_unit_test(test_conf_empty_text_is_the_defaults),
                cmocka_unit_test(test_conf_issue5_defaults),
                cmocka_unit_test(test_conf_issue5_keys_are_read),
                cmocka_unit_test(test_conf_issue5_bad_values_name_their_line),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
