/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The error table: every id has a qualified name and writes exactly the parameters its interface file
 * declares (plus "message" for the standard ones, except PermissionDenied and ExpectedMore, which stay
 * empty); frames are valid JSON ended by one NUL; text is escaped and cut on UTF-8 boundaries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <pktp/buf.h>
#include <pktp/error.h>

#include "pktp-internal.h"
#include "testutil.h"

/* Writes @e and returns the frame parsed back (the NUL checked and stripped). */
static struct json_object *
write_and_parse(const struct pktp_error *e, char *text, size_t size)
{
        struct pktp_buf b;

        pktp_buf_init(&b, 4096);
        assert_int_equal(pktp_error_write(&b, e), 0);
        assert_true(b.len >= 2);
        assert_int_equal(b.data[b.len - 1], '\0');
        assert_int_equal(strlen(b.data), b.len - 1);           /* one NUL, at the end */
        if (text)
                snprintf(text, size, "%s", b.data);
        struct json_tokener *tok = json_tokener_new();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        struct json_object *o = json_tokener_parse_ex(tok, b.data, (int)b.len - 1);
        assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
        json_tokener_free(tok);
        pktp_buf_done(&b);
        assert_non_null(o);
        return o;
}

static void
test_error_every_id_has_a_unique_qualified_name(void **state)
{
        (void)state;
        assert_null(pktp_error_name(PKTP_OK));
        assert_null(pktp_error_name(_PKTP_ERR_MAX));
        for (int id = PKTP_OK + 1; id < _PKTP_ERR_MAX; id++) {
                const char *n = pktp_error_name(id);
                assert_non_null(n);
                assert_true(strncmp(n, "org.varlink.service.", 20) == 0 || strncmp(n, "io.pktd.", 8) == 0);
                assert_int_equal(pktp_error_from_name(n), id);
                for (int other = id + 1; other < _PKTP_ERR_MAX; other++)
                        assert_string_not_equal(n, pktp_error_name(other));
        }
        assert_string_equal(pktp_error_name(PKTP_ERR_INVALID_PARAMETER), "org.varlink.service.InvalidParameter");
        assert_string_equal(pktp_error_name(PKTP_ERR_INTERNAL), "io.pktd.Daemon.InternalError");
        assert_int_equal(pktp_error_from_name("io.pktd.Daemon.Nope"), -ENOENT);
}

/* Each error's parameters, as written, are the ones its interface file declares (the standard ones
 * may add "message"), with the declared types. */
static void
test_error_parameters_match_the_interface_files(void **state)
{
        (void)state;
        for (int id = PKTP_OK + 1; id < _PKTP_ERR_MAX; id++) {
                const char *name = pktp_error_name(id);
                const char *dot = strrchr(name, '.');
                const struct pktp_idl_interface *i = pktp_idl_find(name, (size_t)(dot - name));
                assert_non_null(i);
                const struct pktp_idl_member *m = pktp_idl_member_find(i, dot + 1, PKTP_IDL_MEMBER_ERROR);
                if (!m)
                        fail_msg("%s is not declared in its interface file", name);

                struct pktp_error e;
                pktp_error_set(&e, id, "arg", "a message");
                e.number = 7;
                struct json_object *o = write_and_parse(&e, NULL, 0), *params, *v;
                assert_true(json_object_object_get_ex(o, "error", &v));
                assert_string_equal(json_object_get_string(v), name);
                assert_true(json_object_object_get_ex(o, "parameters", &params));
                assert_int_equal(json_object_object_length(o), 2);

                bool std = strncmp(name, "org.varlink.service.", 20) == 0;
                size_t expected = m->in->n_fields;
                for (size_t f = 0; f < m->in->n_fields; f++) {
                        const struct pktp_idl_field *fl = &m->in->fields[f];
                        if (!json_object_object_get_ex(params, fl->name, &v))
                                fail_msg("%s lacks parameter %s", name, fl->name);
                        enum json_type want = fl->type->kind == PKTP_IDL_INT ? json_type_int : json_type_string;
                        assert_int_equal(json_object_get_type(v), want);
                }
                if (std && expected > 0) {
                        assert_true(json_object_object_get_ex(params, "message", &v));
                        assert_string_equal(json_object_get_string(v), "a message");
                        expected++;
                }
                assert_int_equal(json_object_object_length(params), expected);
                json_object_put(o);
        }
}

static void
test_error_writes_exact_frames(void **state)
{
        struct pktp_error e;
        char text[512];

        (void)state;
        assert_int_equal(pktp_error_set(&e, PKTP_ERR_INVALID_PARAMETER, "layers[2]", "layers[2]: must be %s",
                                        "an object"),
                         -EINVAL);
        json_object_put(write_and_parse(&e, text, sizeof(text)));
        assert_string_equal(text, "{\"error\":\"org.varlink.service.InvalidParameter\",\"parameters\":"
                                  "{\"parameter\":\"layers[2]\",\"message\":\"layers[2]: must be an object\"}}");

        assert_int_equal(pktp_error_set(&e, PKTP_ERR_BAD_SPEC, NULL, "unknown layer 'ipx'"), -EINVAL);
        e.number = 12;
        json_object_put(write_and_parse(&e, text, sizeof(text)));
        assert_string_equal(text, "{\"error\":\"io.pktd.Packet.BadSpec\",\"parameters\":"
                                  "{\"message\":\"unknown layer 'ipx'\",\"position\":12}}");

        assert_int_equal(pktp_error_set(&e, PKTP_ERR_LIMIT_EXCEEDED, "connectionsPerUid", "32 connections"),
                         -EMSGSIZE);
        json_object_put(write_and_parse(&e, text, sizeof(text)));
        assert_string_equal(text, "{\"error\":\"io.pktd.Daemon.LimitExceeded\",\"parameters\":"
                                  "{\"limit\":\"connectionsPerUid\",\"message\":\"32 connections\"}}");

        assert_int_equal(pktp_error_set(&e, PKTP_ERR_BAD_CONFIG, NULL, "unknown key"), -EINVAL);
        e.number = 3;
        json_object_put(write_and_parse(&e, text, sizeof(text)));
        assert_string_equal(text, "{\"error\":\"io.pktd.Daemon.BadConfig\",\"parameters\":"
                                  "{\"message\":\"unknown key\",\"line\":3}}");

        assert_int_equal(pktp_error_set(&e, PKTP_ERR_BAD_PACKET, "layers[1].ttl", "300 does not fit"), -EINVAL);
        json_object_put(write_and_parse(&e, text, sizeof(text)));
        assert_string_equal(text, "{\"error\":\"io.pktd.Packet.BadPacket\",\"parameters\":"
                                  "{\"parameter\":\"layers[1].ttl\",\"message\":\"300 does not fit\"}}");

        assert_int_equal(pktp_error_set(&e, PKTP_ERR_PROTOCOL_ERROR, NULL, "x"), -EBADMSG);
        assert_int_equal(pktp_error_set(&e, PKTP_ERR_INTERNAL, NULL, "x"), -EIO);
        assert_int_equal(pktp_error_set(&e, PKTP_ERR_METHOD_NOT_IMPLEMENTED, "m", "x"), -EOPNOTSUPP);
        assert_int_equal(pktp_error_set(&e, PKTP_ERR_METHOD_NOT_FOUND, "m", "x"), -ENOENT);
        assert_int_equal(pktp_error_set(NULL, PKTP_ERR_INTERFACE_NOT_FOUND, "m", "x"), -ENOENT);
}

static void
test_error_permission_denied_and_expected_more_say_nothing(void **state)
{
        struct pktp_error e;
        char text[256];

        (void)state;
        assert_int_equal(pktp_error_set(&e, PKTP_ERR_PERMISSION_DENIED, "io.pktd.Daemon.Reload",
                                        "uid %d lacks admin", 1000),
                         -EPERM);
        assert_string_equal(e.arg, "");
        assert_string_equal(e.message, "");
        json_object_put(write_and_parse(&e, text, sizeof(text)));
        assert_string_equal(text, "{\"error\":\"org.varlink.service.PermissionDenied\",\"parameters\":{}}");
        pktp_error_set(&e, PKTP_ERR_EXPECTED_MORE, "x", "y");
        /* Even a caller that fills the fields by hand gets nothing written. */
        strcpy(e.message, "secret");
        json_object_put(write_and_parse(&e, text, sizeof(text)));
        assert_string_equal(text, "{\"error\":\"org.varlink.service.ExpectedMore\",\"parameters\":{}}");
}

static void
test_error_text_is_escaped_and_valid_utf8(void **state)
{
        struct pktp_error e;
        char text[512];

        (void)state;
        pktp_error_set(&e, PKTP_ERR_INVALID_PARAMETER, "a\"b\\c\n\x01\x7f", "caf\xc3\xa9 \xff\xfe \xed\xa0\x80 \xe2\x82");
        struct json_object *o = write_and_parse(&e, text, sizeof(text)), *p, *v;
        assert_true(json_object_object_get_ex(o, "parameters", &p));
        assert_true(json_object_object_get_ex(p, "parameter", &v));
        assert_string_equal(json_object_get_string(v), "a\"b\\c\n\x01\x7f");
        assert_true(json_object_object_get_ex(p, "message", &v));
        /* Valid UTF-8 kept, each bad sequence (a lone byte, or a lead byte and its continuations) replaced
         * by one U+FFFD. */
        assert_string_equal(json_object_get_string(v),
                            "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd");
        json_object_put(o);
}

static void
test_error_long_text_is_cut_on_a_character_boundary(void **state)
{
        struct pktp_error e;
        char big[1000];

        (void)state;
        /* "é" is two bytes: a cut at an odd offset would split one. */
        for (size_t i = 0; i + 2 < sizeof(big); i += 2)
                memcpy(big + i, "\xc3\xa9", 2);
        big[sizeof(big) - 2] = '\0';
        pktp_error_set(&e, PKTP_ERR_BAD_PACKET, big, "%s", big);
        assert_true(strlen(e.arg) < sizeof(e.arg));
        assert_true(strlen(e.message) < sizeof(e.message));
        assert_non_null(strstr(e.arg, "..."));
        size_t n = strlen(e.arg) - 3;
        assert_int_equal(n % 2, 0);
        assert_int_equal(strlen(e.message) % 2, 1);     /* pairs, then "..." */
        json_object_put(write_and_parse(&e, NULL, 0));
}

static void
test_error_write_refuses_no_error_and_keeps_buffer_errors(void **state)
{
        struct pktp_error e = { 0 };
        struct pktp_buf b;

        (void)state;
        pktp_buf_init(&b, 16);
        assert_int_equal(pktp_error_write(&b, &e), -EINVAL);
        e.id = _PKTP_ERR_MAX;
        assert_int_equal(pktp_error_write(&b, &e), -EINVAL);
        pktp_error_set(&e, PKTP_ERR_PROTOCOL_ERROR, NULL, "a long message that does not fit in 16 bytes");
        assert_int_equal(pktp_error_write(&b, &e), -EMSGSIZE);
        assert_int_equal(pktp_error_write(&b, &e), -EMSGSIZE);
        pktp_buf_done(&b);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_error_every_id_has_a_unique_qualified_name),
                cmocka_unit_test(test_error_parameters_match_the_interface_files),
                cmocka_unit_test(test_error_writes_exact_frames),
                cmocka_unit_test(test_error_permission_denied_and_expected_more_say_nothing),
                cmocka_unit_test(test_error_text_is_escaped_and_valid_utf8),
                cmocka_unit_test(test_error_long_text_is_cut_on_a_character_boundary),
                cmocka_unit_test(test_error_write_refuses_no_error_and_keeps_buffer_errors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
