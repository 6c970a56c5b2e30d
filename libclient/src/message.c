/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two messages a client handles, as JSON: the call it sends and the reply it receives. json-c
 * is used here and nowhere else, so that no json-c type reaches the public header.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "client.h"

/* Nesting accepted in a caller's parameters: deeper than pktd's own limit (32) on purpose, so that
 * a caller can send pktd a too-deep request and see pktd refuse it; bounded because the check below
 * recurses once per level. */
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

/* A strict RFC 8259 syntax check of a caller's parameters. json-c's tokener, even strict, takes
 * 'single quotes', NaN, "1." and raw control characters in strings; pktd would refuse them, but the
 * caller is told here, before anything is sent. Semantics (duplicate keys, lone surrogates, integer
 * ranges) are pktd's to check: this only makes sure the text is one JSON object. */
struct lex {
        const unsigned char *s;
        size_t i, n;
        unsigned depth, max_depth;
};

static bool lex_value(struct lex *l);

static void
lex_space(struct lex *l)
{
        while (l->i < l->n && is_json_space((char)l->s[l->i]))
                l->i++;
}

static bool
lex_eat(struct lex *l, char c)
{
        lex_space(l);
        if (l->i < l->n && l->s[l->i] == (unsigned char)c) {
                l->i++;
                return true;
        }
        return false;
}

static bool
lex_digits(struct lex *l)
{
        size_t start = l->i;

        while (l->i < l->n && l->s[l->i] >= '0' && l->s[l->i] <= '9')
                l->i++;
        return l->i > start;
}

static bool
lex_number(struct lex *l)
{
        if (l->i < l->n && l->s[l->i] == '-')
                l->i++;
        if (l->i < l->n && l->s[l->i] == '0')
                l->i++;
        else if (!lex_digits(l))
                return false;
        if (l->i < l->n && l->s[l->i] == '.') {
                l->i++;
                if (!lex_digits(l))
                        return false;
        }
        if (l->i < l->n && (l->s[l->i] == 'e' || l->s[l->i] == 'E')) {
                l->i++;
                if (l->i < l->n && (l->s[l->i] == '+' || l->s[l->i] == '-'))
                        l->i++;
                if (!lex_digits(l))
                        return false;
        }
        return true;
}

/* One UTF-8 sequence starting at l->i (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
static bool
lex_utf8(struct lex *l)
{
        unsigned char c = l->s[l->i];
        unsigned need, cp;

        if (c < 0x80) {
                l->i++;
                return true;
        }
        if (c >= 0xc2 && c <= 0xdf)
                need = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
                need = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
                need = 3, cp = c & 0x07;
        else
                return false;
        if (need > l->n - l->i - 1)
                return false;
        for (unsigned k = 1; k <= need; k++) {
                unsigned char cc = l->s[l->i + k];
                if ((cc & 0xc0) != 0x80)
                        return false;
                cp = cp << 6 | (cc & 0x3f);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
                return false;
        l->i += need + 1;
        return true;
}

static bool
lex_string(struct lex *l)
{
        if (l->i >= l->n || l->s[l->i] != '"')
                return false;
        l->i++;
        while (l->i < l->n) {
                unsigned char c = l->s[l->i];
                if (c == '"') {
                        l->i++;
                        return true;
                }
                if (c < 0x20)
                        return false;
                if (c != '\\') {
                        if (!lex_utf8(l))
                                return false;
                        continue;
                }
                if (++l->i >= l->n)
                        return false;
                c = l->s[l->i++];
                if (c == 'u') {
                        for (int k = 0; k < 4; k++, l->i++)
                                if (l->i >= l->n || !isxdigit(l->s[l->i]))
                                        return false;
                } else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
                        return false;
                }
        }
        return false;
}

/* The members of an object or the elements of an array, after its opening bracket. */
static bool
lex_container(struct lex *l, bool is_object)
{
        char close = is_object ? '}' : ']';

        if (++l->depth > l->max_depth)
                return false;
        if (lex_eat(l, close)) {
                l->depth--;
                return true;
        }
        do {
                if (is_object) {
                        lex_space(l);
                        if (!lex_string(l) || !lex_eat(l, ':'))
                                return false;
                }
                if (!lex_value(l))
                        return false;
        } while (lex_eat(l, ','));
        l->depth--;
        return lex_eat(l, close);
}

static bool
lex_word(struct lex *l, const char *w)
{
        size_t n = strlen(w);

        if (n > l->n - l->i || memcmp(l->s + l->i, w, n) != 0)
                return false;
        l->i += n;
        return true;
}

static bool
lex_value(struct lex *l)
{
        lex_space(l);
        if (l->i >= l->n)
                return false;
        switch (l->s[l->i]) {
        case '{':
                l->i++;
                return lex_container(l, true);
        case '[':
                l->i++;
                return lex_container(l, false);
        case '"':
                return lex_string(l);
        case 't':
                return lex_word(l, "true");
        case 'f':
                return lex_word(l, "false");
        case 'n':
                return lex_word(l, "null");
        default:
                return lex_number(l);
        }
}

static int
check_params(const char *params_json)
{
        struct lex l = { .s = (const unsigned char *)params_json,
                         .n = strlen(params_json),
                         .max_depth = PARAMS_DEPTH_MAX };

        lex_space(&l);
        if (l.i >= l.n || l.s[l.i] != '{' || !lex_value(&l))
                return -EINVAL;
        lex_space(&l);
        return l.i == l.n ? 0 : -EINVAL;
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

/* The shape pktd writes every successful reply in, {"parameters":{...}} or
 * {"parameters":{...},"continues":true} (daemon/src/conn.c, capture.c, pktp_reply_write()): its
 * parameters are checked with the strict lexer (stricter than json-c's tokener) and kept as sent,
 * with no json-c parse and re-serialisation. Why: a capture stream's consumer parses each reply
 * anyway; parsing it here as well was most of pktctl watch's time on a file. Returns 1 and fills
 * *@ret, 0 when the frame has another shape (the general path decides), or -ENOMEM. */
static int
parse_fast(const char *frame, size_t len, struct pktc_reply *ret)
{
        static const char head[] = "{\"parameters\":";
        static const char more[] = ",\"continues\":true}";
        const size_t hlen = sizeof(head) - 1, mlen = sizeof(more) - 1;
        bool continues = false;
        size_t plen;

        if (len < hlen + 3 || memcmp(frame, head, hlen) != 0 || frame[hlen] != '{')
                return 0;
        if (len >= hlen + 2 + mlen && memcmp(frame + len - mlen, more, mlen) == 0) {
                continues = true;
                plen = len - hlen - mlen;
        } else if (frame[len - 1] == '}') {
                plen = len - hlen - 1;
        } else {
                return 0;
        }
        /* Exactly one object, and as deep as a reply may be under its envelope. */
        struct lex l = { .s = (const unsigned char *)frame + hlen, .n = plen,
                         .max_depth = REPLY_DEPTH_MAX - 1 };
        if (!lex_value(&l) || l.i != plen)
                return 0;
        char *p = strndup(frame + hlen, plen);
        if (!p)
                return -ENOMEM;
        *ret = (struct pktc_reply){ .parameters = p, .continues = continues };
        return 1;
}

int
pktc_reply_parse(const char *frame, size_t len, struct pktc_reply *ret)
{
        _cleanup_(json_object_putp) struct json_object *root = NULL;
        _cleanup_(pktc_reply_done) struct pktc_reply reply = {};
        struct json_object *params = NULL;
        const char *text;
        int r;

        r = parse_fast(frame, len, ret);
        if (r != 0)
                return r < 0 ? r : 0;
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

                text = json_object_to_json_string_ext(
                        params, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
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
