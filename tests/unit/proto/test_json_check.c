/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktp_json_check(): the strict RFC 8259 gate in front of json-c. Syntax, depth 32 accepted and 33
 * refused, duplicate keys at every depth (also when spelt with escapes), \u0000 and raw control bytes,
 * invalid UTF-8 and lone surrogates, integers json-c would clamp, the members/containers/values limits,
 * InvalidParameter paths inside "parameters", byte offsets in the messages, and the cost of the worst
 * frame we let through.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include <pktp/message.h>

#include "testutil.h"

static int
check(const char *s, struct pktp_error *e)
{
        memset(e, 0, sizeof(*e));
        return pktp_json_check(s, strlen(s), e);
}

static void
assert_ok(const char *s)
{
        struct pktp_error e;
        int r = check(s, &e);
        if (r != 0)
                fail_msg("refused %.200s: %s", s, e.message);
}

static void
assert_protocol_error(const char *s, size_t len)
{
        struct pktp_error e = { 0 };
        int r = pktp_json_check(s, len, &e);
        if (r != -EBADMSG || e.id != PKTP_ERR_PROTOCOL_ERROR)
                fail_msg("accepted or misclassified '%.*s' (r=%d id=%d: %s)", (int)len, s, r, e.id, e.message);
        assert_non_null(strstr(e.message, "at byte "));
}

static void
assert_invalid(const char *s, const char *path)
{
        struct pktp_error e;
        int r = check(s, &e);
        if (r != -EINVAL || e.id != PKTP_ERR_INVALID_PARAMETER)
                fail_msg("accepted or misclassified %s (r=%d id=%d: %s)", s, r, e.id, e.message);
        assert_string_equal(e.arg, path);
}

static void
test_check_accepts_valid_json(void **state)
{
        (void)state;
        static const char *ok[] = {
                "{}", "[]", " {} ", "\t\r\n[ ]\n", "0", "-0", "1.5", "-1.5e10", "1E+2", "2e-3", "\"\"",
                "true", "false", "null", "{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"}", "[[], {}, [[]]]",
                "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\ud83d\\ude00\"",
                "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", "9223372036854775807", "-9223372036854775808",
                "1e-400", "0.0000000000000000000000000000001",
                "{\"method\":\"io.pktd.Packet.Build\",\"parameters\":{\"spec\":\"ip()\"}}",
        };
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
                assert_ok(ok[i]);
}

static void
test_check_refuses_syntax_errors_as_protocol_errors(void **state)
{
        (void)state;
        static const char *bad[] = {
                "", " ", "{", "}", "{]", "[1,]", "{\"a\":1,}", "01", "-01", "1.", ".5", "+1", "1e", "1e+",
                "-", "tru", "nul", "True", "[1 2]", "{\"a\" 1}", "{1:2}", "{\"a\"}", "'a'", "\"abc", "{} {}",
                "{}x", "\xef\xbb\xbf{}", "[\"\\x\"]", "[\"\\u12\"]", "[\"\\u12g4\"]", "NaN", "Infinity",
                "[1,,2]", "/*c*/{}", "{}//", "[\"a\tb\"]", "[\"a\nb\"]", "[\"\x1f\"]", "\"\\",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_protocol_error(bad[i], strlen(bad[i]));
}

static void
test_check_refuses_nul_bytes_anywhere(void **state)
{
        (void)state;
        assert_protocol_error("{\"a\":\"x\0y\"}", 11);
        assert_protocol_error("{\"a\0\":1}", 8);
        assert_protocol_error("{}\0", 3);
        assert_protocol_error("\0{}", 3);
        assert_protocol_error("[1,\0 2]", 7);
}

static void
test_check_refuses_u0000_escapes(void **state)
{
        struct pktp_error e;

        (void)state;
        assert_int_equal(check("[\"a\\u0000b\"]", &e), -EBADMSG);
        assert_non_null(strstr(e.message, "\\u0000"));
        assert_int_equal(check("{\"k\\u0000\":1}", &e), -EBADMSG);
        assert_invalid("{\"method\":\"m\",\"parameters\":{\"spec\":\"ip\\u0000\"}}", "spec");
        assert_invalid("{\"parameters\":{\"layers\":[{\"layer\":\"ip\"},{\"x\":\"\\u0000\"}]}}", "layers[1].x");
}

static void
test_check_refuses_invalid_utf8(void **state)
{
        (void)state;
        static const char *bad[] = {
                "\"\xc0\x80\"",             /* overlong NUL */
                "\"\xc1\xbf\"",             /* overlong */
                "\"\xe0\x80\x80\"",         /* overlong */
                "\"\xf0\x80\x80\x80\"",     /* overlong */
                "\"\xed\xa0\x80\"",         /* UTF-16 surrogate in UTF-8 */
                "\"\xf4\x90\x80\x80\"",     /* above U+10FFFF */
                "\"\xf5\x80\x80\x80\"",
                "\"\x80\"",                 /* lone continuation byte */
                "\"\xe2\x82\"",             /* cut sequence */
                "\"\xe2\x82",
                "\"\xff\"",
                "{\"\xc3\":1}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_protocol_error(bad[i], strlen(bad[i]));
        assert_ok("\"\xf4\x8f\xbf\xbf\xef\xbf\xbf\xdf\xbf\"");
}

static void
test_check_refuses_lone_surrogates(void **state)
{
        struct pktp_error e;

        (void)state;
        static const char *bad[] = { "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud800x\"",
                                     "\"\\ude00\\ud83d\"", "\"\\ud83d\\ud83d\"" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(check(bad[i], &e), -EBADMSG);
                assert_non_null(strstr(e.message, "surrogate"));
        }
        assert_invalid("{\"parameters\":{\"spec\":\"\\udfff\"}}", "spec");
}

/* The case: json-c turns 9223372036854775808 into a uint64 and json_object_get_int64() returns
 * INT64_MAX for it (and INT64_MIN for anything below), without an error. */
static void
test_check_refuses_integers_json_c_would_saturate(void **state)
{
        struct pktp_error e;

        (void)state;
        struct json_object *o = json_tokener_parse("9223372036854775808");
        assert_non_null(o);
        assert_int_equal(json_object_get_int64(o), INT64_MAX);      /* the silent clamp */
        json_object_put(o);
        o = json_tokener_parse("-9223372036854775809");
        assert_non_null(o);
        assert_int_equal(json_object_get_int64(o), INT64_MIN);
        json_object_put(o);

        static const char *bad[] = { "9223372036854775808", "-9223372036854775809", "18446744073709551615",
                                     "18446744073709551616", "99999999999999999999999", "[1e400]", "-1e400",
                                     "1.7976931348623159e308" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(check(bad[i], &e), -EBADMSG);
                assert_int_equal(e.id, PKTP_ERR_PROTOCOL_ERROR);
                assert_non_null(strstr(e.message, "range"));
        }
        assert_ok("[9223372036854775807,-9223372036854775808,1.7976931348623157e308]");
        assert_invalid("{\"method\":\"io.pktd.Packet.Dissect\",\"parameters\":{\"linkType\":9223372036854775808}}",
                       "linkType");
        assert_invalid("{\"parameters\":{\"packets\":[{},{\"x\":[0,-9223372036854775809]}]}}", "packets[1].x[1]");
        /* A number too long to be honest is refused before anything reads it. */
        char longnum[200];
        memset(longnum, '1', sizeof(longnum) - 1);
        longnum[0] = '0';
        longnum[1] = '.';
        longnum[sizeof(longnum) - 1] = '\0';
        assert_int_equal(check(longnum, &e), -EBADMSG);
        assert_non_null(strstr(e.message, "too long"));
}

/* {"k0":{"k1":...{"d":1,"d":2}...}}: the duplicate sits at depth @depth. */
static char *
nested_duplicate(unsigned depth, bool in_params)
{
        size_t size = 64 + depth * 16;
        char *s = malloc(size), *p = s;

        assert_non_null(s);
        p += sprintf(p, "%s", in_params ? "{\"parameters\":" : "");
        for (unsigned d = 1; d < depth; d++)
                p += sprintf(p, "{\"k%u\":", d);
        p += sprintf(p, "{\"d\":1,\"x\":2,\"d\":3}");
        for (unsigned d = 1; d < depth; d++)
                *p++ = '}';
        p += sprintf(p, "%s", in_params ? "}" : "");
        *p = '\0';
        return s;
}

static void
test_check_refuses_duplicate_keys_at_every_depth(void **state)
{
        struct pktp_error e;

        (void)state;
        for (unsigned depth = 1; depth <= PKTP_DEPTH_MAX; depth++) {
                char *s = nested_duplicate(depth, false);
                assert_int_equal(check(s, &e), -EBADMSG);
                assert_non_null(strstr(e.message, "duplicate key \"d\""));
                free(s);
                if (depth < PKTP_DEPTH_MAX) {
                        char path[512] = "", *p = path;
                        s = nested_duplicate(depth, true);
                        for (unsigned d = 1; d < depth; d++)
                                p += sprintf(p, "%sk%u", d > 1 ? "." : "", d);
                        sprintf(p, "%sd", depth > 1 ? "." : "");
                        path[PKTP_ERROR_ARG_MAX - 1] = '\0';
                        assert_int_equal(check(s, &e), -EINVAL);
                        assert_int_equal(e.id, PKTP_ERR_INVALID_PARAMETER);
                        assert_string_equal(e.arg, path);
                        free(s);
                }
        }
        /* Equal once decoded: escapes do not hide a duplicate. */
        assert_int_equal(check("{\"a\":1,\"\\u0061\":2}", &e), -EBADMSG);
        assert_int_equal(check("{\"\xc3\xa9\":1,\"\\u00e9\":2}", &e), -EBADMSG);
        assert_int_equal(check("{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}", &e), -EBADMSG);
        assert_int_equal(check("{\"a/b\":1,\"a\\/b\":2}", &e), -EBADMSG);
        assert_int_equal(check("{\"method\":\"a\",\"method\":\"b\"}", &e), -EBADMSG);
        /* The same key in different objects is no duplicate. */
        assert_ok("{\"a\":1,\"b\":{\"a\":1}}");
        assert_ok("{\"a\":{\"x\":1},\"b\":{\"x\":1},\"x\":3}");
        assert_ok("[{\"a\":1},{\"a\":1}]");
        assert_ok("{\"a\":1,\"A\":2,\"a \":3,\"\\u0062\":4}");
}

static char *
nested(unsigned depth, const char *open, const char *close)
{
        char *s = malloc(depth * 8 + 16), *p = s;

        assert_non_null(s);
        for (unsigned d = 0; d < depth; d++)
                p += sprintf(p, "%s", open);
        p += sprintf(p, "1");
        for (unsigned d = 0; d < depth; d++)
                p += sprintf(p, "%s", close);
        *p = '\0';
        return s;
}

static void
test_check_accepts_depth_32_and_refuses_33(void **state)
{
        struct pktp_error e;

        (void)state;
        char *s = nested(PKTP_DEPTH_MAX, "[", "]");
        assert_ok(s);
        free(s);
        s = nested(PKTP_DEPTH_MAX + 1, "[", "]");
        assert_int_equal(check(s, &e), -EBADMSG);
        assert_non_null(strstr(e.message, "nesting"));
        free(s);
        s = nested(PKTP_DEPTH_MAX - 1, "{\"a\":[", "]}");   /* 62 levels */
        assert_int_equal(check(s, &e), -EBADMSG);
        free(s);
        s = nested(PKTP_DEPTH_MAX / 2, "{\"a\":[", "]}");
        assert_ok(s);
        free(s);
        /* Far deeper than any stack would hold if the check recursed. */
        s = nested(100000, "[", "]");
        assert_int_equal(check(s, &e), -EBADMSG);
        free(s);
}

static char *
object_of(unsigned members)
{
        char *s = malloc(members * 16 + 4), *p = s;

        assert_non_null(s);
        *p++ = '{';
        for (unsigned i = 0; i < members; i++)
                p += sprintf(p, "%s\"k%u\":%u", i ? "," : "", i, i);
        *p++ = '}';
        *p = '\0';
        return s;
}

static void
test_check_bounds_members_per_object(void **state)
{
        struct pktp_error e;

        (void)state;
        char *s = object_of(PKTP_MEMBERS_MAX);
        assert_ok(s);
        free(s);
        s = object_of(PKTP_MEMBERS_MAX + 1);
        assert_int_equal(check(s, &e), -EBADMSG);
        assert_non_null(strstr(e.message, "too many members"));
        free(s);
}

static void
test_check_bounds_containers_and_values(void **state)
{
        struct pktp_error e;
        size_t n = PKTP_CONTAINERS_MAX + 1;
        char *s = malloc(n * 3 + 4), *p = s;

        (void)state;
        assert_non_null(s);
        *p++ = '[';
        for (size_t i = 1; i < n - 1; i++)
                p += sprintf(p, "%s{}", i > 1 ? "," : "");
        *p++ = ']';
        *p = '\0';
        assert_ok(s);                   /* the outer array and 16383 objects */
        p[-1] = ',';
        strcpy(p, "[]]");
        assert_int_equal(check(s, &e), -EBADMSG);
        assert_non_null(strstr(e.message, "too many objects"));
        free(s);

        s = malloc(PKTP_VALUES_MAX * 2 + 4);
        assert_non_null(s);
        p = s;
        *p++ = '[';
        for (size_t i = 1; i < PKTP_VALUES_MAX; i++)
                p += sprintf(p, "%s0", i > 1 ? "," : "");
        *p++ = ']';
        *p = '\0';
        assert_ok(s);
        strcpy(p - 1, ",0]");
        assert_int_equal(check(s, &e), -EBADMSG);
        assert_non_null(strstr(e.message, "too many values"));
        free(s);
}

static void
test_check_messages_give_the_byte_offset(void **state)
{
        struct pktp_error e;

        (void)state;
        assert_int_equal(check("[1,]", &e), -EBADMSG);
        assert_non_null(strstr(e.message, "at byte 3"));
        assert_int_equal(check("{\"a\":1,\"a\":2}", &e), -EBADMSG);
        assert_non_null(strstr(e.message, "at byte 7"));
        assert_int_equal(check("{} x", &e), -EBADMSG);
        assert_non_null(strstr(e.message, "garbage"));
        assert_non_null(strstr(e.message, "at byte 3"));
        assert_int_equal(check("\"\xc3\xa9\xff\"", &e), -EBADMSG);
        assert_non_null(strstr(e.message, "UTF-8 at byte 3"));
}

static void
test_check_paths_inside_parameters_only(void **state)
{
        struct pktp_error e;

        (void)state;
        /* Syntax is always a protocol error, even inside parameters. */
        assert_int_equal(check("{\"parameters\":{\"a\":[1,]}}", &e), -EBADMSG);
        assert_int_equal(e.id, PKTP_ERR_PROTOCOL_ERROR);
        /* A refused value outside parameters is a protocol error; inside, an invalid parameter. */
        assert_int_equal(check("{\"more\":99999999999999999999}", &e), -EBADMSG);
        assert_invalid("{\"method\":\"x\",\"parameters\":{\"layers\":[{},{\"ttl\":99999999999999999999}]}}",
                       "layers[1].ttl");
        assert_invalid("{\"parameters\":{\"data\":\"a\",\"data\":\"b\"}}", "data");
        assert_invalid("{\"parameters\":{\"a\":[[],[{\"b\":{\"c\":1,\"c\":1}}]]}}", "a[1][0].b.c");
        /* "parameters" spelt with an escape is still the parameters. */
        assert_invalid("{\"param\\u0065ters\":{\"x\":\"\\u0000\"}}", "x");
        /* Long keys are cut in the path, on a character boundary. */
        char s[600];
        char key[300];
        memset(key, 'k', sizeof(key) - 1);
        key[sizeof(key) - 1] = '\0';
        snprintf(s, sizeof(s), "{\"parameters\":{\"%s\":{\"a\":1,\"a\":2}}}", key);
        assert_int_equal(check(s, &e), -EINVAL);
        assert_true(strlen(e.arg) < PKTP_ERROR_ARG_MAX);
        assert_non_null(strstr(e.arg, "...."));
        assert_non_null(strstr(e.arg, ".a"));
}

static double
now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The worst frame for the duplicate search: objects of PKTP_MEMBERS_MAX keys, as many as fit in a
 * frame. O(n * members) must stay far below a second. */
static void
test_check_worst_case_frame_is_fast(void **state)
{
        struct pktp_error e;
        size_t cap = PKTP_FRAME_MAX, n = 0;
        char *s = malloc(cap + 64);
        unsigned objects = 0;

        (void)state;
        assert_non_null(s);
        s[n++] = '[';
        /* The values limit stops it first: at most 127 such objects. */
        while (n + 1024 * 12 < cap && (objects + 1) * (PKTP_MEMBERS_MAX + 1) < PKTP_VALUES_MAX) {
                if (objects++)
                        s[n++] = ',';
                s[n++] = '{';
                for (unsigned i = 0; i < PKTP_MEMBERS_MAX; i++)
                        n += (size_t)sprintf(s + n, "%s\"%x\":0", i ? "," : "", i);
                s[n++] = '}';
        }
        s[n++] = ']';
        s[n] = '\0';
        assert_true(n <= PKTP_FRAME_MAX);
        double t0 = now();
        if (pktp_json_check(s, n, &e) != 0)
                fail_msg("%s", e.message);
        double dt = now() - t0;
        print_message("    %u objects of %d members, %zu bytes: %.1f ms\n", objects, PKTP_MEMBERS_MAX, n,
                      dt * 1e3);
        assert_true(dt < 2.0);
        /* A 1 MiB string, byte by byte. */
        memset(s, 'a', PKTP_FRAME_MAX);
        s[0] = '"';
        s[PKTP_FRAME_MAX - 1] = '"';
        t0 = now();
        assert_int_equal(pktp_json_check(s, PKTP_FRAME_MAX, &e), 0);
        assert_true(now() - t0 < 1.0);
        free(s);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_check_accepts_valid_json),
                cmocka_unit_test(test_check_refuses_syntax_errors_as_protocol_errors),
                cmocka_unit_test(test_check_refuses_nul_bytes_anywhere),
                cmocka_unit_test(test_check_refuses_u0000_escapes),
                cmocka_unit_test(test_check_refuses_invalid_utf8),
                cmocka_unit_test(test_check_refuses_lone_surrogates),
                cmocka_unit_test(test_check_refuses_integers_json_c_would_saturate),
                cmocka_unit_test(test_check_refuses_duplicate_keys_at_every_depth),
                cmocka_unit_test(test_check_accepts_depth_32_and_refuses_33),
                cmocka_unit_test(test_check_bounds_members_per_object),
                cmocka_unit_test(test_check_bounds_containers_and_values),
                cmocka_unit_test(test_check_messages_give_the_byte_offset),
                cmocka_unit_test(test_check_paths_inside_parameters_only),
                cmocka_unit_test(test_check_worst_case_frame_is_fast),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
