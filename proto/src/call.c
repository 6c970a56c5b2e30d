/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktp_call_parse(): one frame to one validated call, in the order that refuses cheaply first and tells
 * the client the most precise thing: size, the strict byte check, json-c, the call's shape, the
 * interface, the method, the parameters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pktp/message.h>

#include "pktp-internal.h"

static void
json_putp(struct json_object **o)
{
        if (*o)
                (void)json_object_put(*o);
}

/* "interface.Method": an interface name, a dot, a name starting with a capital. */
static bool
split_method(const char *s, size_t n, size_t *ret_dot)
{
        const char *dot = NULL;

        for (size_t i = 0; i < n; i++)
                if (s[i] == '.')
                        dot = s + i;
        if (!dot || dot == s || (size_t)(dot - s) + 1 >= n)
                return false;
        if (!pktp_is_interface_name(s, (size_t)(dot - s)))
                return false;
        if (!(dot[1] >= 'A' && dot[1] <= 'Z'))
                return false;
        for (const char *p = dot + 1; p < s + n; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
                        return false;
        *ret_dot = (size_t)(dot - s);
        return true;
}

int
pktp_call_parse(const char *frame, size_t len, struct pktp_call *ret, struct pktp_error *err)
{
        _cleanup_(json_putp) struct json_object *root = NULL;
        struct json_object *method = NULL, *params = NULL;
        bool more = false, oneway = false;
        int r;

        pktp_assert_return(frame || len == 0, -EINVAL);
        pktp_assert_return(ret, -EINVAL);

        if (len > PKTP_FRAME_MAX)
                return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, "frameSize",
                                      "a message may be at most %d bytes", PKTP_FRAME_MAX);
        r = pktp_idl_load(err);
        if (r < 0)
                return r;
        r = pktp_json_check(frame, len, err);
        if (r < 0)
                return r;

        /* json-c would wait for more after a bare number ("continue"); a call is an object anyway. */
        size_t first = 0;
        while (first < len && (frame[first] == ' ' || frame[first] == '\t' || frame[first] == '\n' ||
                               frame[first] == '\r'))
                first++;
        if (first >= len || frame[first] != '{')
                return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL, "a call must be a JSON object");

        /* The check above is stricter than json-c in every respect, and bounds the depth to 32; the
         * tokener's own limit is only a second fence. */
        struct json_tokener *tok = json_tokener_new_ex(PKTP_DEPTH_MAX + 1);
        if (!tok)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory"), -ENOMEM;
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        root = json_tokener_parse_ex(tok, frame, (int)len);
        enum json_tokener_error jerr = json_tokener_get_error(tok);
        json_tokener_free(tok);
        if (jerr != json_tokener_success || !root)
                return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL, "not acceptable JSON (%s)",
                                      json_tokener_error_desc(jerr));

        if (!json_object_is_type(root, json_type_object))
                return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL, "a call must be a JSON object");
        json_object_object_foreach(root, key, val) {
                if (strcmp(key, "method") == 0) {
                        if (!json_object_is_type(val, json_type_string))
                                return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL,
                                                      "\"method\" must be a string");
                        method = val;
                } else if (strcmp(key, "parameters") == 0) {
                        if (!json_object_is_type(val, json_type_object))
                                return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL,
                                                      "\"parameters\" must be an object");
                        params = val;
                } else if (strcmp(key, "more") == 0 || strcmp(key, "oneway") == 0) {
                        if (!json_object_is_type(val, json_type_boolean))
                                return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL,
                                                      "\"%s\" must be true or false", key);
                        *(key[0] == 'm' ? &more : &oneway) = json_object_get_boolean(val);
                } else if (strcmp(key, "upgrade") == 0) {
                        /* A connection upgrade hands the socket to another protocol: not here. */
                        return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL, "\"upgrade\" is not supported");
                } else {
                        char k[64];
                        size_t n = strlen(key);
                        (void)snprintf(k, sizeof(k), "%s", key);
                        return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL, "unknown key \"%s%s\" in the call",
                                              k, n >= sizeof(k) ? "..." : "");
                }
        }
        if (!method)
                return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL, "a call needs \"method\"");
        if (more && oneway)
                return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL,
                                      "\"more\" and \"oneway\" exclude each other");

        const char *name = json_object_get_string(method);
        size_t name_len = (size_t)json_object_get_string_len(method), dot;
        if (name_len > PKTP_METHOD_NAME_MAX || memchr(name, '\0', name_len) || !split_method(name, name_len, &dot))
                return pktp_error_set(err, PKTP_ERR_PROTOCOL_ERROR, NULL,
                                      "\"method\" must be a qualified name: interface.Method");
        const struct pktp_idl_interface *iface = pktp_idl_find(name, dot);
        if (!iface) {
                char iname[PKTP_METHOD_NAME_MAX + 1];
                memcpy(iname, name, dot);
                iname[dot] = '\0';
                return pktp_error_set(err, PKTP_ERR_INTERFACE_NOT_FOUND, iname, "no interface %s", iname);
        }
        const struct pktp_idl_member *idl = pktp_idl_member_find(iface, name + dot + 1, PKTP_IDL_MEMBER_METHOD);
        if (!idl)
                return pktp_error_set(err, PKTP_ERR_METHOD_NOT_FOUND, name, "no method %s", name);
        const struct pktp_method *desc = pktp_method_find(name);
        if (!desc)
                /* In the interface file but without a row: nobody wrote it yet. */
                return pktp_error_set(err, PKTP_ERR_METHOD_NOT_IMPLEMENTED, name, "%s is not implemented", name);

        if (!params) {
                params = json_object_new_object();
                if (!params || json_object_object_add(root, "parameters", params) < 0) {
                        (void)json_object_put(params);
                        return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory"), -ENOMEM;
                }
        }
        r = pktp_validate_params(desc, idl, params, err);
        if (r < 0)
                return r;

        *ret = (struct pktp_call){
                .method = name,
                .parameters = params,
                .more = more,
                .oneway = oneway,
                .desc = desc,
        };
        ret->root = TAKE_PTR(root);
        return 0;
}

void
pktp_call_done(struct pktp_call *c)
{
        if (!c)
                return;
        if (c->root)
                (void)json_object_put(c->root);
        *c = (struct pktp_call){ 0 };
}
