/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktp_buf: the capped output buffer (sticky errors, NUL termination, the cap counted exactly), JSON
 * string escaping (valid JSON and UTF-8 for every byte, checked by json-c's parser), hex, and base64
 * both ways against RFC 4648's test vectors, with the strict decoder refusing every non-canonical
 * text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <pktp/buf.h>

#include "testutil.h"

static void
test_buf_appends_and_stays_nul_terminated(void **state)
{
        struct pktp_buf b;

        (void)state;
        pktp_buf_init(&b, 1024);
        assert_null(b.data);
        assert_int_equal(pktp_buf_puts(&b, "ab"), 0);
        assert_int_equal(pktp_buf_putc(&b, 'c'), 0);
        assert_int_equal(pktp_buf_put(&b, "defg", 2), 0);
        assert_int_equal(pktp_buf_printf(&b, "%d-%s", 42, "x"), 0);
        assert_int_equal(pktp_buf_u64(&b, UINT64_MAX), 0);
        assert_int_equal(pktp_buf_putc(&b, ' '), 0);
        assert_int_equal(pktp_buf_i64(&b, INT64_MIN), 0);
        assert_int_equal(pktp_buf_putc(&b, ' '), 0);
        assert_int_equal(pktp_buf_i64(&b, -7), 0);
        assert_int_equal(pktp_buf_u64(&b, 0), 0);
        assert_string_equal(b.data, "abcde42-x18446744073709551615 -9223372036854775808 -70");
        assert_int_equal(b.len, strlen(b.data));
        pktp_buf_done(&b);
        assert_null(b.data);
        assert_int_equal(b.len, 0);
        pktp_buf_done(NULL);
}

static void
test_buf_reset_keeps_memory_and_clears_the_error(void **state)
{
        struct pktp_buf b;

        (void)state;
        pktp_buf_init(&b, 8);
        assert_int_equal(pktp_buf_puts(&b, "12345"), 0);
        char *mem = b.data;
        assert_int_equal(pktp_buf_puts(&b, "6789"), -EMSGSIZE);
        pktp_buf_reset(&b);
        assert_int_equal(b.err, 0);
        assert_int_equal(b.len, 0);
        assert_ptr_equal(b.data, mem);
        assert_string_equal(b.data, "");
        assert_int_equal(pktp_buf_puts(&b, "xy"), 0);
        assert_string_equal(b.data, "xy");
        pktp_buf_done(&b);
}

/* The cap counts text bytes exactly: max bytes fit, one more fails, and the failure sticks. */
static void
test_buf_cap_is_exact_and_the_error_sticks(void **state)
{
        struct pktp_buf b;

        (void)state;
        pktp_buf_init(&b, 10);
        assert_int_equal(pktp_buf_puts(&b, "0123456789"), 0);
        assert_int_equal(b.len, 10);
        assert_true(b.cap <= 11);
        assert_int_equal(pktp_buf_putc(&b, 'x'), -EMSGSIZE);
        assert_int_equal(b.err, -EMSGSIZE);
        /* Sticky: even an empty append reports it, and nothing changes. */
        assert_int_equal(pktp_buf_put(&b, "", 0), -EMSGSIZE);
        assert_int_equal(pktp_buf_printf(&b, "%s", ""), -EMSGSIZE);
        assert_int_equal(pktp_buf_json_str(&b, "", 0), -EMSGSIZE);
        assert_int_equal(pktp_buf_base64(&b, "", 0), -EMSGSIZE);
        assert_int_equal(pktp_buf_hex(&b, "", 0), -EMSGSIZE);
        assert_int_equal(b.len, 10);
        assert_string_equal(b.data, "0123456789");
        pktp_buf_done(&b);

        /* A failed append leaves what was there, NUL-terminated. */
        pktp_buf_init(&b, 6);
        assert_int_equal(pktp_buf_puts(&b, "abc"), 0);
        assert_int_equal(pktp_buf_printf(&b, "%s", "defg"), -EMSGSIZE);
        assert_string_equal(b.data, "abc");
        pktp_buf_done(&b);

        pktp_buf_init(&b, 0);
        assert_int_equal(pktp_buf_putc(&b, 'a'), -EMSGSIZE);
        pktp_buf_done(&b);
}

/* A JSON string near the cap is written when its exact size fits, though its worst case would not. */
static void
test_buf_json_str_near_the_cap_uses_the_exact_size(void **state)
{
        struct pktp_buf b;

        (void)state;
        pktp_buf_init(&b, 12);
        assert_int_equal(pktp_buf_json_str(&b, "0123456789", 10), 0);
        assert_string_equal(b.data, "\"0123456789\"");
        pktp_buf_reset(&b);
        assert_int_equal(pktp_buf_json_str(&b, "01234567890", 11), -EMSGSIZE);
        pktp_buf_done(&b);
}

static void
test_buf_printf_grows_past_the_first_allocation(void **state)
{
        struct pktp_buf b;
        char big[5000];

        (void)state;
        memset(big, 'z', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        pktp_buf_init(&b, 1 << 20);
        assert_int_equal(pktp_buf_puts(&b, "<"), 0);
        assert_int_equal(pktp_buf_printf(&b, "%s>", big), 0);
        assert_int_equal(b.len, sizeof(big) + 1);
        assert_int_equal(b.data[0], '<');
        assert_int_equal(b.data[b.len - 1], '>');
        assert_int_equal(b.data[b.len], 0);
        pktp_buf_done(&b);
}

static void
assert_json_str(const char *in, size_t n, const char *want)
{
        struct pktp_buf b;

        pktp_buf_init(&b, 4096);
        assert_int_equal(pktp_buf_json_str(&b, in, n), 0);
        assert_string_equal(b.data, want);
        pktp_buf_done(&b);
}

static void
test_json_str_escapes_quotes_backslashes_controls_and_high_bytes(void **state)
{
        (void)state;
        assert_json_str("", 0, "\"\"");
        assert_json_str("plain text", 10, "\"plain text\"");
        assert_json_str("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
        assert_json_str("\r\n\t", 3, "\"\\u000d\\u000a\\u0009\"");
        assert_json_str("\0x", 2, "\"\\u0000x\"");
        assert_json_str("\x7f", 1, "\"\\u007f\"");
        /* Not UTF-8, and UTF-8 alike: each byte is a Latin-1 code point (pktctl's rule). */
        assert_json_str("\xff\xc3\xa9", 3, "\"\\u00ff\\u00c3\\u00a9\"");
        assert_json_str("/", 1, "\"/\"");
}

/* Every byte value, alone and in a run, parses back through json-c to its Latin-1 code point. */
static void
test_json_str_of_every_byte_is_valid_json_giving_latin1_back(void **state)
{
        struct pktp_buf b;
        char all[256];

        (void)state;
        for (int i = 0; i < 256; i++)
                all[i] = (char)i;
        pktp_buf_init(&b, 1 << 16);
        assert_int_equal(pktp_buf_json_str(&b, all, sizeof(all)), 0);
        struct json_tokener *tok = json_tokener_new();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        struct json_object *o = json_tokener_parse_ex(tok, b.data, (int)b.len);
        assert_non_null(o);
        assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
        assert_true(json_object_is_type(o, json_type_string));
        /* json-c hands the string back as UTF-8: code points 0x80..0xff are two bytes each. */
        const unsigned char *u = (const unsigned char *)json_object_get_string(o);
        size_t n = (size_t)json_object_get_string_len(o);
        assert_int_equal(n, 128 + 2 * 128);
        for (int i = 0, k = 0; i < 256; i++) {
                unsigned cp = u[k] < 0x80 ? u[k++] : (unsigned)(u[k] & 0x1f) << 6 | (u[k + 1] & 0x3f);
                if (i >= 0x80)
                        k += 2;
                assert_int_equal(cp, i);
        }
        json_object_put(o);
        json_tokener_free(tok);
        pktp_buf_done(&b);
}

static void
test_hex_writes_quoted_lower_case_pairs(void **state)
{
        struct pktp_buf b;

        (void)state;
        pktp_buf_init(&b, 64);
        assert_int_equal(pktp_buf_hex(&b, "\x00\x1f\xab\xff", 4), 0);
        assert_int_equal(pktp_buf_hex(&b, "", 0), 0);
        assert_string_equal(b.data, "\"001fabff\"\"\"");
        pktp_buf_done(&b);
}

/* RFC 4648 section 10. */
static const struct {
        const char *plain;
        const char *b64;
} rfc4648[] = {
        { "", "" },           { "f", "Zg==" },         { "fo", "Zm8=" },         { "foo", "Zm9v" },
        { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
};

static void
test_base64_encodes_the_rfc4648_vectors(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
                struct pktp_buf b;
                char want[32];
                pktp_buf_init(&b, 64);
                assert_int_equal(pktp_buf_base64(&b, rfc4648[i].plain, strlen(rfc4648[i].plain)), 0);
                snprintf(want, sizeof(want), "\"%s\"", rfc4648[i].b64);
                assert_string_equal(b.data, want);
                pktp_buf_done(&b);
        }
}

static void
test_base64_decodes_the_rfc4648_vectors(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
                uint8_t *out = NULL;
                size_t len = 99;
                const char *s = rfc4648[i].b64;
                assert_int_equal(pktp_base64_decode(s, strlen(s), &out, &len), 0);
                assert_non_null(out);
                assert_int_equal(len, strlen(rfc4648[i].plain));
                assert_memory_equal(out, rfc4648[i].plain, len);
                free(out);
        }
}

static void
test_base64_round_trips_every_length_and_byte(void **state)
{
        uint8_t data[300];

        (void)state;
        for (size_t i = 0; i < sizeof(data); i++)
                data[i] = (uint8_t)(i * 7 + 3);
        for (size_t n = 0; n <= sizeof(data); n++) {
                struct pktp_buf b;
                uint8_t *out;
                size_t len;
                pktp_buf_init(&b, 1024);
                assert_int_equal(pktp_buf_base64(&b, data, n), 0);
                assert_int_equal(b.len, (n + 2) / 3 * 4 + 2);
                assert_int_equal(pktp_base64_decode(b.data + 1, b.len - 2, &out, &len), 0);
                assert_int_equal(len, n);
                assert_memory_equal(out, data, n);
                free(out);
                pktp_buf_done(&b);
        }
}

/* One text per byte string: everything else is refused, and the outputs are left alone. */
static void
test_base64_decode_refuses_non_canonical_text(void **state)
{
        static const char *const bad[] = {
                "Zg",        /* no padding */
                "Zg=",       /* short padding */
                "Zh==",      /* non-zero trailing bits (0x66 plus one bit) */
                "Zm9=",      /* non-zero trailing bits in the two-byte form */
                "Zg==Zg==",  /* padding before the end */
                "=Zg=",      /* padding first */
                "====",      /* padding only */
                "Z===",      /* three padding characters */
                "Zm9v\n",    /* whitespace */
                "Zm 9v",     /* a space */
                "Zm9-",      /* URL alphabet */
                "Zm9_",      /* URL alphabet */
                "Zm9v====",  /* a whole block of padding */
                "Zm\xc3\xa9", /* non-ASCII */
        };

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                uint8_t *out = (uint8_t *)0x1;
                size_t len = 77;
                if (pktp_base64_decode(bad[i], strlen(bad[i]), &out, &len) != -EINVAL)
                        fail_msg("accepted %s", bad[i]);
                assert_ptr_equal(out, (uint8_t *)0x1);
                assert_int_equal(len, 77);
        }
        /* An embedded NUL is a character outside the alphabet. */
        uint8_t *out;
        size_t len;
        assert_int_equal(pktp_base64_decode("Zm\0v", 4, &out, &len), -EINVAL);
}

/* pktp_buf_u64 writes two digits per step: every width, and each power of ten and the number
 * before it, as snprintf("%llu") does. */
static void
test_buf_u64_matches_printf_at_every_width(void **state)
{
        struct pktp_buf b;
        char want[32];

        (void)state;
        pktp_buf_init(&b, 64);
        for (uint64_t p = 1, i = 0; i < 20; i++, p = p * 10) {
                const uint64_t vals[] = { p - 1, p, p + 1, p * 3 + 7 };
                for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
                        pktp_buf_reset(&b);
                        assert_int_equal(pktp_buf_u64(&b, vals[k]), 0);
                        snprintf(want, sizeof(want), "%llu", (unsigned long long)vals[k]);
                        assert_string_equal(b.data, want);
                        assert_int_equal(b.len, strlen(want));
                }
        }
        pktp_buf_done(&b);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_buf_appends_and_stays_nul_terminated),
                cmocka_unit_test(test_buf_reset_keeps_memory_and_clears_the_error),
                cmocka_unit_test(test_buf_cap_is_exact_and_the_error_sticks),
                cmocka_unit_test(test_buf_json_str_near_the_cap_uses_the_exact_size),
                cmocka_unit_test(test_buf_printf_grows_past_the_first_allocation),
                cmocka_unit_test(test_json_str_escapes_quotes_backslashes_controls_and_high_bytes),
                cmocka_unit_test(test_json_str_of_every_byte_is_valid_json_giving_latin1_back),
                cmocka_unit_test(test_hex_writes_quoted_lower_case_pairs),
                cmocka_unit_test(test_base64_encodes_the_rfc4648_vectors),
                cmocka_unit_test(test_base64_decodes_the_rfc4648_vectors),
                cmocka_unit_test(test_base64_round_trips_every_length_and_byte),
                cmocka_unit_test(test_base64_decode_refuses_non_canonical_text),
                cmocka_unit_test(test_buf_u64_matches_printf_at_every_width),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
