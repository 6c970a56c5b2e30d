/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two messages a client handles, as JSON: the call it sends and the reply it receives. json-c is
 * used here and nowhere else, so that no json-c type reaches the public header.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "client.h"

/* Nesting accepted in a caller's parameters: deeper than pktd's own limit (32) on purpose, so that a
 * caller can send pktd a too-deep request and see pktd refuse it; bounded because json-c's tokener
 * allocates a state per level. */
#define PARAMS_DEPTH_MAX 256
/* Nesting accepted in a reply: pktd writes at most a handful of levels (a dissection's layers and
 * their elements); a reply nested deeper is not from pktd. */
#define REPLY_DEPTH_MAX 64
/* The longest method name: a varlink interface name is at most 255 characters, plus a member. */
#define METHOD_MAX 511

static void
json_object_putp(struct json_object **o)
{
        if (*o)
                (void)json_object_put(*o);
}

static void
json_tokener_freep(struct json_tokener **t)
{
        if (*t)
                json_tokener_free(*t);
}

static bool
is_json_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parses @len bytes of @text as exactly one JSON value (whitespace around it allowed) under the
 * strict grammar. Returns the value, or NULL when the text is anything else. */
static struct json_object *
parse_one(const char *text, size_t len, int depth)
{
        _cleanup_(json_tokener_freep) struct json_tokener *tok = json_tokener_new_ex(depth);
        struct json_object *o;
        size_t end;

        if (!tok || len > INT32_MAX)
                return NULL;
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        o = json_tokener_parse_ex(tok, text, (int)len);
        if (!o || json_tokener_get_error(tok) != json_tokener_success)
                goto fail;
        for (end = json_tokener_get_parse_end(tok); end < len; end++)
                if (!is_json_space(text[end]))
                        goto fail;
        return o;
fail:
        if (o)
                (void)json_object_put(o);
        return NULL;
}

static int
check_params(const char *params_json)
{
        _cleanup_(json_object_putp) struct json_object *o = NULL;

        o = parse_one(params_json, strlen(params_json), PARAMS_DEPTH_MAX);
        if (!o || !json_object_is_type(o, json_type_object))
                return -EINVAL;
        return 0;
}

static int
check_method(const char *method)
{
        size_t n = strnlen(method, METHOD_MAX + 1);

        if (n == 0 || n > METHOD_MAX)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if ((unsigned char)method[i] < 0x20 || method[i] == 0x7f)
                        return -EINVAL;
        return 0;
}

int
pktc_call_format(const char *method, const char *params_json, unsigned flags, char **ret,
                 size_t *ret_len)
{
        _cleanup_(json_object_putp) struct json_object *name = NULL;
        const char *params = params_json ? params_json : "{}";
        const char *quoted;
        size_t len;
        char *frame;
        int r;

        pktc_assert_return(method, -EINVAL);
        pktc_assert_return(!(flags & ~(unsigned)(PKTC_CALL_MORE | PKTC_CALL_ONEWAY)), -EINVAL);
        /* varlink: a oneway call gets no reply, so it cannot get a stream of them. */
        pktc_assert_return((flags & (PKTC_CALL_MORE | PKTC_CALL_ONEWAY)) !=
                                   (PKTC_CALL_MORE | PKTC_CALL_ONEWAY),
                           -EINVAL);
        r = check_method(method);
        if (r < 0)
                return r;
        if (strlen(params) > PKTC_CALL_MAX)
                return -EMSGSIZE;
        r = check_params(params);
        if (r < 0)
                return r;

        /* json-c quotes the method name; the parameters go out as the caller wrote them. */
        name = json_object_new_string(method);
        if (!name)
                return -ENOMEM;
        quoted = json_object_to_json_string_ext(name, JSON_C_TO_STRING_PLAIN |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!quoted)
                return -ENOMEM;
        /* The longest shape: ,"oneway":true is longer than ,"more":true. */
        len = strlen("{\"method\":,\"parameters\":,\"oneway\":true}") + strlen(quoted) +
              strlen(params);
        if (len > PKTC_CALL_MAX)
                return -EMSGSIZE;
        frame = malloc(len + 1);
        if (!frame)
                return -ENOMEM;
        r = snprintf(frame, len + 1, "{\"method\":%s,\"parameters\":%s%s}", quoted, params,
                     (flags & PKTC_CALL_MORE)     ? ",\"more\":true"
                     : (flags & PKTC_CALL_ONEWAY) ? ",\"oneway\":true"
                                                  : "");
        if (r < 0 || (size_t)r > len) {
                free(frame);
                return -EINVAL;
        }
        /* The frame ends with its NUL, which snprintf() wrote. */
        *ret = frame;
        *ret_len = (size_t)r + 1;
        return 0;
}

/* A copy of @o's string, or -EBADMSG when it is not a string or holds a NUL (\u0000). */
static int
dup_string(struct json_object *o, char **ret)
{
        const char *s;
        size_t n;
        char *copy;

        if (!json_object_is_type(o, json_type_string))
                return -EBADMSG;
        s = json_object_get_string(o);
        n = (size_t)json_object_get_string_len(o);
        if (strlen(s) != n)
                return -EBADMSG;
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        *ret = copy;
        return 0;
}

int
pktc_reply_parse(const char *frame, size_t len, struct pktc_reply *ret)
{
        _cleanup_(json_object_putp) struct json_object *root = NULL;
        _cleanup_(pktc_reply_done) struct pktc_reply reply = {};
        struct json_object *params = NULL;
        const char *text;
        int r;

        root = parse_one(frame, len, REPLY_DEPTH_MAX);
        if (!root || !json_object_is_type(root, json_type_object))
                return -EBADMSG;
        /* Members we do not know are skipped: a later pktd may add some. */
        json_object_object_foreach(root, key, val)
        {
                if (strcmp(key, "parameters") == 0) {
                        if (!json_object_is_type(val, json_type_object))
                                return -EBADMSG;
                        params = val;
                } else if (strcmp(key, "continues") == 0) {
                        if (!json_object_is_type(val, json_type_boolean))
                                return -EBADMSG;
                        reply.continues = json_object_get_boolean(val);
                } else if (strcmp(key, "error") == 0) {
                        r = dup_string(val, &reply.error);
                        if (r < 0)
                                return r;
                        if (!reply.error[0])
                                return -EBADMSG;
                }
        }
        if (reply.error && reply.continues)
                return -EBADMSG; /* varlink: an error ends the call */
        if (params) {
                struct json_object *msg;

                text = json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN |
                                                                      JSON_C_TO_STRING_NOSLASHESCAPE);
                if (!text)
                        return -ENOMEM;
                if (reply.error && json_object_object_get_ex(params, "message", &msg) &&
                    json_object_is_type(msg, json_type_string)) {
                        r = dup_string(msg, &reply.message);
                        if (r < 0)
                                return r;
                }
        } else {
                text = "{}";
        }
        reply.parameters = strdup(text);
        if (!reply.parameters)
                return -ENOMEM;
        *ret = reply;
        reply = (struct pktc_reply){};
        return 0;
}
