/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl's live commands against the real pktd: status, ifaces, call and build --via-daemon, their
 * --json forms, the socket choice (--socket before or after the command, $PKTD_SOCKET), exit codes,
 * and that build --via-daemon prints what the offline build prints.
 *
 * The group setup starts pktd (build tree's daemon/pktd) on a socket in a temporary directory with
 * a config making the test's own user admin; pktd dies with the test (PR_SET_PDEATHSIG) and is
 * stopped with SIGTERM (then SIGKILL after 5 s) by the teardown. Nothing touches a network: Build
 * only computes and ListInterfaces only reads netlink.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pktc/pktc.h>

#include "testutil.h"

#define PKTCTL PKTD_BINARY_DIR "/tools/pktctl"
#define PKTD   PKTD_BINARY_DIR "/daemon/pktd"

/* The uid the role tests run pktctl as (nobody), and a gid that exists nowhere else. */
#define ROLE_UID 65534u
#define ROLE_GID 65533u

static char tmpdir[64];
static char sock[128];
static char log_path[128];
static pid_t daemon_pid;

static int
now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* The daemon's log, for a failure message. */
static void
dump_log(void)
{
        char cmd[256];

        snprintf(cmd, sizeof(cmd), "tail -n 20 %s >&2", log_path);
        (void)system(cmd);
}

static int
start_daemon(void **state)
{
        char conf[128], text[256];
        FILE *f;

        (void)state;
        if (access(PKTD, X_OK) != 0) {
                fprintf(stderr, "SKIP: no pktd at %s\n", PKTD);
                exit(77);
        }
        strcpy(tmpdir, "/tmp/test_pktctl_live.XXXXXX");
        if (!mkdtemp(tmpdir))
                return -1;
        snprintf(sock, sizeof(sock), "%s/api.sock", tmpdir);
        snprintf(conf, sizeof(conf), "%s/pktd.conf", tmpdir);
        snprintf(log_path, sizeof(log_path), "%s/pktd.log", tmpdir);
        /* Group ROLE_GID has the capture role: the role tests run pktctl as nobody in it. */
        snprintf(text, sizeof(text),
                 "[roles]\nadmin = user:%u\ncapture = group:%u\n[daemon]\nallowRoot = %s\n",
                 (unsigned)geteuid(), ROLE_GID, geteuid() == 0 ? "yes" : "no");
        f = fopen(conf, "w");
        if (!f || fputs(text, f) < 0 || fclose(f) != 0)
                return -1;

        daemon_pid = fork();
        if (daemon_pid < 0)
                return -1;
        if (daemon_pid == 0) {
                int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0)
                        _exit(127);
                (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (geteuid() == 0)
                        execl(PKTD, PKTD, "--listen", sock, "--config", conf, "--allow-root",
                              (char *)NULL);
                else
                        execl(PKTD, PKTD, "--listen", sock, "--config", conf, (char *)NULL);
                _exit(127);
        }
        /* Ready when a connection is taken: at most 10 s. */
        for (int deadline = now_ms() + 10000; now_ms() < deadline; usleep(20000)) {
                struct pktc *c = NULL;
                if (pktc_connect(sock, &c) == 0) {
                        pktc_free(c);
                        return 0;
                }
                if (waitpid(daemon_pid, NULL, WNOHANG) == daemon_pid) {
                        daemon_pid = 0;
                        break;
                }
        }
        fprintf(stderr, "pktd did not start:\n");
        dump_log();
        return -1;
}

static int
stop_daemon(void **state)
{
        char cmd[256];

        (void)state;
        if (daemon_pid > 0) {
                (void)kill(daemon_pid, SIGTERM);
                int deadline = now_ms() + 5000;
                while (waitpid(daemon_pid, NULL, WNOHANG) == 0 && now_ms() < deadline)
                        usleep(10000);
                if (kill(daemon_pid, 0) == 0) {
                        (void)kill(daemon_pid, SIGKILL);
                        (void)waitpid(daemon_pid, NULL, 0);
                }
                daemon_pid = 0;
        }
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
        (void)system(cmd);
        return 0;
}

/* Runs "pktctl @args" with $PKTD_SOCKET pointing at the test's pktd; stderr joins stdout when
 * @with_stderr. Returns the output; the exit code goes to *@ret_code. */
static char *
run(const char *args, bool with_stderr, int *ret_code)
{
        char env[512];

        snprintf(env, sizeof(env), "PKTD_SOCKET=%s", sock);
        return tu_pktctl(env, args, with_stderr, ret_code);
}

static char *
run_ok(const char *args)
{
        int code;
        char *out = run(args, true, &code);

        if (code != 0) {
                dump_log();
                fail_msg("pktctl %s: exit %d:\n%s", args, code, out);
        }
        return out;
}

static void
assert_contains(const char *out, const char *want)
{
        if (!strstr(out, want))
                fail_msg("output lacks '%s':\n%s", want, out);
}

static size_t
read_file(const char *path, uint8_t *buf, size_t size)
{
        FILE *f = fopen(path, "rb");

        assert_non_null(f);
        size_t n = fread(buf, 1, size, f);
        fclose(f);
        assert_true(n < size);
        return n;
}

static unsigned
count_lines(const char *s)
{
        unsigned n = 0;

        for (; *s; s++)
                n += *s == '\n';
        return n;
}

/* ---- status ---- */

static void
test_status_prints_version_uptime_connections_limits_and_methods(void **state)
{
        char *out = run_ok("status");

        (void)state;
        assert_true(strncmp(out, "Version:      0.1.0\nUptime:       ", 33) == 0);
        /* This connection at least; an earlier test's may not be closed on pktd's side yet. */
        assert_contains(out, "\nConnections:  ");
        /* every limit pktd reports, wrapped within 100 columns under the heading */
        assert_contains(out,
                        "\nLimits:       connections=256 connectionsPerUid=32 frameSize=1048576 "
                        "outputBuffer=8388608\n"
                        "              idleTimeoutSec=600 subscriptions=64 subscriptionsPerUid=8 "
                        "srPerUid=4 srProbes=4096\n"
                        "              srDurationMs=60000 streamHighWater=4194304 "
                        "streamLowWater=1048576\n"
                        "              packetsPerSecond=1000 bytesPerSecond=1500000\n");
        /* The columns line up: every method row is as long as the header row. */
        const char *hdr = strstr(out, "\nMethod ");
        assert_non_null(hdr);
        hdr++;
        size_t width = strcspn(hdr, "\n");
        assert_true(strncmp(hdr + width - 16, "Calls     Errors", 16) == 0);
        unsigned rows = 0;
        for (const char *l = strchr(hdr, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
                size_t n = strcspn(l + 1, "\n");
                if (n != width)
                        fail_msg("row '%.*s' is %zu wide, the header %zu", (int)n, l + 1, n, width);
                rows++;
        }
        assert_true(rows >= 10); /* one per method pktd knows */
        assert_contains(out, "\nio.pktd.Daemon.GetStatus ");
        assert_contains(out, "\norg.varlink.service.GetInterfaceDescription ");
        free(out);
}

static void
test_status_json_is_one_line_with_the_reply_parameters(void **state)
{
        char *out = run_ok("status --json");

        (void)state;
        assert_int_equal(count_lines(out), 1);
        assert_true(out[0] == '{');
        assert_contains(out, "\"version\":\"0.1.0\"");
        assert_contains(out, "\"uptimeNs\":");
        assert_contains(out, "\"limits\":{");
        free(out);
}

/* ---- ifaces ---- */

static void
test_ifaces_lists_loopback_like_ip_br_addr(void **state)
{
        char *out = run_ok("ifaces");
        const char *lo = strstr(out, "lo ");

        (void)state;
        if (!lo || (lo != out && lo[-1] != '\n'))
                fail_msg("no lo line:\n%s", out);
        /* name padded to 16, then the state */
        assert_true(strncmp(lo, "lo               UP", 19) == 0 ||
                    strncmp(lo, "lo               UNKNOWN", 24) == 0);
        const char *eol = strchr(lo, '\n');
        assert_non_null(eol);
        char line[512];
        snprintf(line, sizeof(line), "%.*s", (int)(eol - lo), lo);
        assert_contains(line, " 65536 ");
        assert_contains(line, "00:00:00:00:00:00");
        assert_contains(line, " 127.0.0.1/8");
        free(out);
}

static void
test_ifaces_json_carries_the_interfaces_array(void **state)
{
        char *out = run_ok("ifaces --json");

        (void)state;
        assert_int_equal(count_lines(out), 1);
        assert_true(strncmp(out, "{\"interfaces\":[", 15) == 0);
        assert_contains(out, "\"name\":\"lo\"");
        free(out);
}

/* ---- call ---- */

static void
test_call_prints_the_reply_parameters_as_json(void **state)
{
        char *out = run_ok("call org.varlink.service.GetInfo");

        (void)state;
        assert_true(out[0] == '{');
        assert_contains(out, "\"io.pktd.Packet\"");
        assert_true(count_lines(out) > 1); /* pretty-printed */
        free(out);

        out = run_ok(
                "call --json io.pktd.Packet.Build '{\"spec\":\"ip(dst=192.0.2.2)/icmp(type=8)\"}'");
        assert_int_equal(count_lines(out), 1);
        assert_contains(out, "\"length\":28"); /* the echo body comes with the request */
        assert_contains(out, "\"data\":\"");
        free(out);
}

static void
test_call_reads_parameters_from_stdin(void **state)
{
        char path[160], args[256];
        FILE *f;

        (void)state;
        snprintf(path, sizeof(path), "%s/params.json", tmpdir);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs("{\"spec\": \"ip()\"}\n", f);
        fclose(f);
        snprintf(args, sizeof(args), "call --json io.pktd.Packet.Build - < %s", path);
        char *out = run_ok(args);
        assert_contains(out, "\"length\":20");
        free(out);
}

static void
test_call_daemon_error_is_exit_1_with_name_and_message(void **state)
{
        int code;
        char *out = run("call io.pktd.Nope.Method", true, &code);

        (void)state;
        assert_int_equal(code, 1);
        assert_true(strncmp(out, "pktctl: org.varlink.service.", 28) == 0);
        free(out);

        out = run("call io.pktd.Packet.Build '{\"spec\":\"ip(ttl=300)\"}'", true, &code);
        assert_int_equal(code, 1);
        assert_true(strncmp(out, "pktctl: io.pktd.Packet.BadSpec: ", 32) == 0);
        free(out);

        out = run("call io.pktd.Packet.Build '{\"spec\":\"ip()\",\"bogus\":1}'", true, &code);
        assert_int_equal(code, 1);
        assert_true(strncmp(out, "pktctl: org.varlink.service.InvalidParameter: ", 46) == 0);
        free(out);
}

static void
test_call_with_parameters_that_are_not_an_object_is_usage_error(void **state)
{
        static const char *const bad[] = { "'[1]'", "'{'", "'{\"a\":NaN}'", "'{\"a\":1} x'" };
        int code;

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char args[128];
                snprintf(args, sizeof(args), "call io.pktd.Packet.Build %s", bad[i]);
                char *out = run(args, true, &code);
                if (code != 2)
                        fail_msg("%s: exit %d, want 2:\n%s", args, code, out);
                free(out);
        }
        char *out = run("call", true, &code);
        assert_int_equal(code, 2);
        free(out);
}

static void
test_call_oneway_prints_nothing_and_succeeds(void **state)
{
        char *out = run_ok("call --oneway io.pktd.Daemon.GetStatus");

        (void)state;
        assert_string_equal(out, "");
        free(out);
}

/* ---- the socket ---- */

static void
test_socket_option_before_or_after_the_command(void **state)
{
        char args[256];
        int code;

        (void)state;
        snprintf(args, sizeof(args), "--socket %s status --json", sock);
        free(run_ok(args));
        snprintf(args, sizeof(args), "status --socket %s --json", sock);
        free(run_ok(args));
        /* The option wins over $PKTD_SOCKET (which run() sets to the right socket). */
        char *out = run("status --socket /nonexistent/api.sock", true, &code);
        assert_int_equal(code, 1);
        free(out);
}

static void
test_no_daemon_is_exit_1_with_a_hint_naming_the_socket(void **state)
{
        int code;
        char *out = run("--socket /nonexistent/pktd.sock ifaces", true, &code);

        (void)state;
        assert_int_equal(code, 1);
        assert_contains(out, "pktctl: cannot connect to pktd at /nonexistent/pktd.sock: ");
        assert_contains(out, "pktd --listen /nonexistent/pktd.sock");
        free(out);

        out = run("build --via-daemon --socket /nonexistent/pktd.sock 'ip()'", true, &code);
        assert_int_equal(code, 1);
        assert_contains(out, "/nonexistent/pktd.sock");
        free(out);
}

/* ---- build --via-daemon ---- */

/* Specs whose bytes libpkt dissects into the layers they were built from: for these the two paths
 * print the same text. */
static const char *const same_specs[] = {
        "ip(dst=192.0.2.2)/icmp(type=8)/echo(id=1)",
        "ethernet(dst=ff:ff:ff:ff:ff:ff)/ip(src=192.0.2.1,dst=192.0.2.2)/"
        "udp(sport=1234,dport=9999)/"
        "raw(\"hello\")",
        "ip6(dst=2001:db8::1)/tcp(dport=80,flags=S)",
        "ethernet()/arp(op=1)",
        "ip(ttl=3,id=0x1234)/udp(dport=53)/dns()",
        "ethernet()/ip6()/icmp6(type=128)",
};

static void
test_build_via_daemon_prints_what_offline_build_prints(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(same_specs) / sizeof(same_specs[0]); i++) {
                for (int hex = 0; hex < 2; hex++) {
                        char args[1024];
                        snprintf(args, sizeof(args), "build %s'%s'", hex ? "--hex " : "",
                                 same_specs[i]);
                        char *offline = run_ok(args);
                        snprintf(args, sizeof(args), "build --via-daemon %s'%s'",
                                 hex ? "--hex " : "", same_specs[i]);
                        char *live = run_ok(args);
                        if (strcmp(offline, live) != 0)
                                fail_msg("%s:\noffline:\n%s\nvia pktd:\n%s", args, offline, live);
                        assert_true(strlen(live) > 0);
                        free(offline);
                        free(live);
                }
        }
}

static void
test_build_via_daemon_bytes_match_even_where_the_dissection_differs(void **state)
{
        /* Built as raw("x") to port 53, the bytes dissect as a (malformed) DNS message: the text
         * differs by design (pktd returns bytes, read back as a receiver reads them), the bytes
         * do not. */
        const char *spec = "ethernet()/ip(dst=192.0.2.2)/udp(dport=53)/raw(\"x\")";
        char args[256];

        (void)state;
        snprintf(args, sizeof(args), "build --hex '%s'", spec);
        char *offline = run_ok(args);
        snprintf(args, sizeof(args), "build --via-daemon --hex '%s'", spec);
        char *live = run_ok(args);
        assert_string_equal(offline, live);
        free(offline);
        free(live);
}

static void
test_build_via_daemon_json_is_the_reply(void **state)
{
        char *out = run_ok("build --via-daemon --json 'ip()/udp()'");

        (void)state;
        assert_int_equal(count_lines(out), 1);
        assert_contains(out, "\"length\":28");
        assert_contains(out, "\"packet\":{");
        free(out);
}

static void
test_build_via_daemon_bad_spec_is_exit_1_with_badspec(void **state)
{
        int code;
        char *out = run("build --via-daemon 'ip(ttl=x)'", true, &code);

        (void)state;
        assert_int_equal(code, 1);
        assert_true(strncmp(out, "pktctl: io.pktd.Packet.BadSpec: ", 32) == 0);
        free(out);
}

static void
test_build_via_daemon_writes_the_same_pcap_packet(void **state)
{
        char args[512], a[160], b[160];

        (void)state;
        snprintf(a, sizeof(a), "%s/offline.pcap", tmpdir);
        snprintf(b, sizeof(b), "%s/live.pcap", tmpdir);
        snprintf(args, sizeof(args), "build -w %s 'ethernet()/ip()/udp(dport=7)'", a);
        free(run_ok(args));
        snprintf(args, sizeof(args), "build --via-daemon -w %s 'ethernet()/ip()/udp(dport=7)'", b);
        free(run_ok(args));
        /* Same bytes and link type once the record's timestamps (bytes 24..31) are left out. */
        uint8_t fa[4096], fb[4096];
        size_t na = read_file(a, fa, sizeof(fa)), nb = read_file(b, fb, sizeof(fb));
        assert_int_equal(na, nb);
        assert_true(na > 40);
        assert_memory_equal(fa, fb, 24);
        assert_memory_equal(fa + 32, fb + 32, na - 32);
}

/* ---- roles: pktctl run as another user (root only) ---- */

/* Runs pktctl @args as ROLE_UID with @gid as its only group, stderr joined; or skips. */
static char *
run_as(unsigned gid, const char *args, int *ret_code)
{
        char cmd[1024];
        int status = -1;

        if (geteuid() != 0) {
                fprintf(stderr, "SKIP: needs root to run pktctl as another user\n");
                skip();
        }
        if (!tu_have("setpriv")) {
                fprintf(stderr, "SKIP: no setpriv (util-linux) to run pktctl as another user\n");
                skip();
        }
        /* pktd makes its socket 0660 root:root; the test opens it so that pktd's roles decide. */
        assert_int_equal(chmod(tmpdir, 0755), 0);
        assert_int_equal(chmod(sock, 0666), 0);
        snprintf(cmd, sizeof(cmd),
                 "setpriv --reuid=%u --regid=%u --groups=%u %s --socket %s %s 2>&1", ROLE_UID, gid,
                 gid, PKTCTL, sock, args);
        char *out = tu_run(cmd, &status);
        assert_non_null(out);
        assert_true(WIFEXITED(status));
        *ret_code = WEXITSTATUS(status);
        return out;
}

static void
test_permission_denied_is_exit_1_with_the_bare_error_name(void **state)
{
        int code;
        char *out = run_as(ROLE_GID, "call io.pktd.Daemon.Reload", &code);

        (void)state;
        assert_int_equal(code, 1);
        /* PermissionDenied carries nothing, and pktctl adds nothing to it. */
        assert_string_equal(out, "pktctl: org.varlink.service.PermissionDenied\n");
        free(out);
        /* The capture role may read the status. */
        out = run_as(ROLE_GID, "status", &code);
        assert_int_equal(code, 0);
        assert_true(strncmp(out, "Version:", 8) == 0);
        free(out);
}

static void
test_user_without_role_is_exit_1_with_a_hint_at_the_roles(void **state)
{
        int code;
        char *out = run_as(ROLE_GID - 1, "status", &code);

        (void)state;
        assert_int_equal(code, 1);
        assert_contains(out, "pktctl: pktd closed the connection during io.pktd.Daemon.GetStatus");
        assert_contains(out, "[roles]");
        free(out);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_status_prints_version_uptime_connections_limits_and_methods),
                cmocka_unit_test(test_status_json_is_one_line_with_the_reply_parameters),
                cmocka_unit_test(test_ifaces_lists_loopback_like_ip_br_addr),
                cmocka_unit_test(test_ifaces_json_carries_the_interfaces_array),
                cmocka_unit_test(test_call_prints_the_reply_parameters_as_json),
                cmocka_unit_test(test_call_reads_parameters_from_stdin),
                cmocka_unit_test(test_call_daemon_error_is_exit_1_with_name_and_message),
                cmocka_unit_test(test_call_with_parameters_that_are_not_an_object_is_usage_error),
                cmocka_unit_test(test_call_oneway_prints_nothing_and_succeeds),
                cmocka_unit_test(test_socket_option_before_or_after_the_command),
                cmocka_unit_test(test_no_daemon_is_exit_1_with_a_hint_naming_the_socket),
                cmocka_unit_test(test_build_via_daemon_prints_what_offline_build_prints),
                cmocka_unit_test(
                        test_build_via_daemon_bytes_match_even_where_the_dissection_differs),
                cmocka_unit_test(test_build_via_daemon_json_is_the_reply),
                cmocka_unit_test(test_build_via_daemon_bad_spec_is_exit_1_with_badspec),
                cmocka_unit_test(test_build_via_daemon_writes_the_same_pcap_packet),
                cmocka_unit_test(test_permission_denied_is_exit_1_with_the_bare_error_name),
                cmocka_unit_test(test_user_without_role_is_exit_1_with_a_hint_at_the_roles),
        };

        /* Every wait is bounded; this bounds the run should pktd or pktctl hang (pktd dies too). */
        alarm(240);
        return cmocka_run_group_tests(tests, start_daemon, stop_daemon);
}
