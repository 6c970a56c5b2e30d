/* SPDX-License-Identifier: BSD-3-Clause */
/* pktd's log: stderr lines unless JOURNAL_STREAM names stderr itself; refusals and denials are
 * rate-limited; a privileged call is one line with uid, pid and method. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "pktd.h"
#include "testutil.h"

static char path[] = "/tmp/pktd-test-log-XXXXXX";
static int saved_stderr = -1;

/* Points stderr at a fresh temp file. */
static int
setup(void **state)
{
        int fd = mkstemp(path);

        (void)state;
        assert_true(fd >= 0);
        fflush(stderr);
        saved_stderr = dup(STDERR_FILENO);
        assert_true(dup2(fd, STDERR_FILENO) >= 0);
        close(fd);
        unsetenv("JOURNAL_STREAM");
        pktd_log_open();
        return 0;
}

static int
teardown(void **state)
{
        (void)state;
        fflush(stderr);
        dup2(saved_stderr, STDERR_FILENO);
        close(saved_stderr);
        unlink(path);
        strcpy(path, "/tmp/pktd-test-log-XXXXXX");
        return 0;
}

/* What was logged (static buffer) and how many lines. */
static const char *
logged(unsigned *ret_lines)
{
        static char buf[65536];
        FILE *f;
        size_t n;

        fflush(stderr);
        f = fopen(path, "r");
        assert_non_null(f);
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        *ret_lines = 0;
        for (size_t i = 0; i < n; i++)
                *ret_lines += buf[i] == '\n';
        return buf;
}

static void
test_log_goes_to_stderr_without_journal_stream(void **state)
{
        unsigned lines;

        (void)state;
        assert_false(pktd_log_is_journal());
        pktd_log(LOG_WARNING, "hello %d", 42);
        assert_string_equal(logged(&lines), "pktd: warning: hello 42\n");
}

static void
test_log_journal_stream_of_another_file_is_not_stderr(void **state)
{
        struct stat st;
        char v[64];

        (void)state;
        assert_int_equal(stat("/", &st), 0);
        snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
                 (unsigned long long)st.st_ino);
        setenv("JOURNAL_STREAM", v, 1);
        pktd_log_open();
        assert_false(pktd_log_is_journal());
        assert_int_equal(fstat(STDERR_FILENO, &st), 0);
        snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
                 (unsigned long long)st.st_ino);
        setenv("JOURNAL_STREAM", v, 1);
        pktd_log_open();
        assert_true(pktd_log_is_journal());
        unsetenv("JOURNAL_STREAM");
        pktd_log_open();
        assert_false(pktd_log_is_journal());
}

static void
test_log_call_names_uid_pid_and_method(void **state)
{
        unsigned lines;
        const char *s;

        (void)state;
        pktd_log_call(1000, 4242, 7, "io.pktd.Capture.ListInterfaces");
        s = logged(&lines);
        assert_int_equal(lines, 1);
        assert_non_null(strstr(s, "io.pktd.Capture.ListInterfaces"));
        assert_non_null(strstr(s, "uid 1000"));
        assert_non_null(strstr(s, "pid 4242"));
}

static void
test_log_refused_connections_are_rate_limited(void **state)
{
        unsigned lines;

        (void)state;
        for (int i = 0; i < 1000; i++)
                pktd_log_refused(65534, 65534, 100 + i, "no role");
        logged(&lines);
        assert_int_equal(lines, PKTD_LOG_REFUSED_BURST);
}

static void
test_log_denied_calls_are_rate_limited_apart_from_refusals(void **state)
{
        unsigned lines;

        (void)state;
        for (int i = 0; i < 1000; i++)
                pktd_log_denied(1000, 100, 1, "io.pktd.Daemon.Reload");
        logged(&lines);
        assert_int_equal(lines, PKTD_LOG_REFUSED_BURST);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_log_goes_to_stderr_without_journal_stream,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_log_journal_stream_of_another_file_is_not_stderr, setup, teardown),
                cmocka_unit_test_setup_teardown(test_log_call_names_uid_pid_and_method, setup,
                                                teardown),
                cmocka_unit_test_setup_teardown(test_log_refused_connections_are_rate_limited,
                                                setup, teardown),
                cmocka_unit_test_setup_teardown(
                        test_log_denied_calls_are_rate_limited_apart_from_refusals, setup,
                        teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
