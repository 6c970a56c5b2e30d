/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzes libpktproto's request path: the input is one frame (the NUL excluded) handed to
 * pktp_call_parse(). Either it parses into a call whose method, row and parameters agree and whose
 * re-serialisation by json-c parses to the same method again, or it fails with a known error whose
 * reply frame is valid JSON ended by one NUL. The strict check never lets through what json-c's strict
 * parser refuses. The same bytes are also given to the varlink IDL parser, which must fail cleanly or
 * produce an interface.
 */
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include <pktp/buf.h>
#include <pktp/message.h>

#include "fuzz.h"
#include "pktp-internal.h"

static void
check_error_frame(const struct pktp_error *e, int r)
{
        struct pktp_buf b;

        FUZZ_CHECK(r < 0);
        FUZZ_CHECK(e->id > PKTP_OK && e->id < _PKTP_ERR_MAX);
        FUZZ_CHECK(pktp_error_name(e->id) != NULL);
        FUZZ_CHECK(memchr(e->arg, '\0', sizeof(e->arg)) != NULL);
        FUZZ_CHECK(memchr(e->message, '\0', sizeof(e->message)) != NULL);
        FUZZ_CHECK(e->message[0] != '\0' || r == -ENOMEM);
        FUZZ_CHECK(e->id != PKTP_ERR_PERMISSION_DENIED && e->id != PKTP_ERR_EXPECTED_MORE);

        pktp_buf_init(&b, 4096);
        FUZZ_CHECK(pktp_error_write(&b, e) == 0);
        FUZZ_CHECK(b.len > 1 && b.data[b.len - 1] == '\0' && strlen(b.data) == b.len - 1);
        struct json_tokener *tok = json_tokener_new();
        FUZZ_CHECK(tok != NULL);
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        struct json_object *o = json_tokener_parse_ex(tok, b.data, (int)b.len - 1);
        FUZZ_CHECK(json_tokener_get_error(tok) == json_tokener_success && o != NULL);
        /* And our own check accepts what we send. */
        FUZZ_CHECK(pktp_json_check(b.data, b.len - 1, NULL) == 0);
        json_object_put(o);
        json_tokener_free(tok);
        pktp_buf_done(&b);
}

static void
check_call(const struct pktp_call *c)
{
        FUZZ_CHECK(c->root != NULL && c->desc != NULL && c->method != NULL);
        FUZZ_CHECK(strcmp(c->method, c->desc->name) == 0);
        FUZZ_CHECK(pktp_method_find(c->method) == c->desc);
        FUZZ_CHECK(json_object_is_type(c->parameters, json_type_object));
        FUZZ_CHECK(!(c->more && c->oneway));

        /* json-c's own rendering of the accepted call is accepted too, as the same method. */
        size_t n;
        const char *text = json_object_to_json_string_length(c->root, JSON_C_TO_STRING_PLAIN, &n);
        FUZZ_CHECK(text != NULL);
        if (n <= PKTP_FRAME_MAX) {
                struct pktp_call again;
                struct pktp_error e;
                int r = pktp_call_parse(text, n, &again, &e);
                if (r != 0)
                        fprintf(stderr, "re-parse of %s failed: %s\n", text, e.message);
                FUZZ_CHECK(r == 0);
                FUZZ_CHECK(again.desc == c->desc && again.more == c->more && again.oneway == c->oneway);
                pktp_call_done(&again);
        }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *s = (const char *)data;
        struct pktp_call c = { 0 };
        struct pktp_error e = { 0 };

        int checked = pktp_json_check(s, size, NULL);
        size_t first = 0;
        while (first < size && (s[first] == ' ' || s[first] == '\t' || s[first] == '\r' || s[first] == '\n'))
                first++;
        /* json-c cannot tell that a bare number at the end of its input is complete ("continue"): only
         * texts that are an object or an array are compared. */
        if (checked == 0 && first < size && (s[first] == '{' || s[first] == '[')) {
                struct json_tokener *tok = json_tokener_new_ex(PKTP_DEPTH_MAX + 1);
                FUZZ_CHECK(tok != NULL);
                json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
                struct json_object *o = json_tokener_parse_ex(tok, s, (int)size);
                if (json_tokener_get_error(tok) != json_tokener_success)
                        fprintf(stderr, "json-c refused what the check accepted: %s\n",
                                json_tokener_error_desc(json_tokener_get_error(tok)));
                FUZZ_CHECK(json_tokener_get_error(tok) == json_tokener_success);
                json_object_put(o);
                json_tokener_free(tok);
        }

        int r = pktp_call_parse(s, size, &c, &e);
        if (r == 0) {
                FUZZ_CHECK(checked == 0);
                check_call(&c);
                pktp_call_done(&c);
                FUZZ_CHECK(c.root == NULL);
        } else {
                FUZZ_CHECK(c.root == NULL);
                check_error_frame(&e, r);
        }

        struct pktp_idl_interface *iface = NULL;
        char msg[200];
        unsigned line = 0;
        r = pktp_idl_parse(s, size, &iface, msg, sizeof(msg), &line);
        if (r == 0) {
                FUZZ_CHECK(iface != NULL && iface->n_members > 0);
                FUZZ_CHECK(pktp_is_interface_name(iface->name, strlen(iface->name)));
                pktp_idl_free(iface);
        } else {
                FUZZ_CHECK(iface == NULL && (r == -EBADMSG || r == -ENOMEM));
                FUZZ_CHECK(r == -ENOMEM || strncmp(msg, "line ", 5) == 0);
                FUZZ_CHECK(line >= 1);
        }
        return 0;
}
