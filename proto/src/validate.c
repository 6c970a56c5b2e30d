/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parameters against the method's input struct from the interface file, then the C table of ranges
 * and lengths (methods.c). json-c has already parsed a frame pktp_json_check() accepted, so there are
 * no duplicate keys, no "\u0000" and no integer outside int64 here; what is left is the shape.
 *
 * The walk recurses along the interface's types, one level per JSON nesting level, so its depth is
 * bounded by PKTP_DEPTH_MAX. InvalidParameter names the path ("packets[2].spec").
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pktp-internal.h"

/* A client's key in a path is cut to this many bytes (then "..."), so that a path always fits. */
#define PATH_KEY_MAX 48

struct walk {
        const struct pktp_limit *limits;
        struct pktp_error *err;
        char path[PKTP_ERROR_ARG_MAX];  /* "packets[2].spec" */
        char pat[PKTP_ERROR_ARG_MAX];   /* "packets[].spec": what the limit rows name */
        size_t plen, tlen;
};

struct mark {
        size_t plen, tlen;
};

static void
append(char *buf, size_t *len, const char *s, size_t n)
{
        size_t room = PKTP_ERROR_ARG_MAX - 1 - *len;

        if (n > room)
                n = room;
        memcpy(buf + *len, s, n);
        *len += n;
        buf[*len] = '\0';
}

/* The length of the longest prefix of @s (at most @max bytes) that ends on a UTF-8 boundary. */
static size_t
utf8_cut(const char *s, size_t n, size_t max)
{
        if (n <= max)
                return n;
        while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
                max--;
        return max;
}

static struct mark
push_key(struct walk *w, const char *key, size_t n)
{
        struct mark m = { w->plen, w->tlen };
        size_t cut = utf8_cut(key, n, PATH_KEY_MAX);

        if (w->plen) {
                append(w->path, &w->plen, ".", 1);
                append(w->pat, &w->tlen, ".", 1);
        }
        append(w->path, &w->plen, key, cut);
        append(w->pat, &w->tlen, key, cut);
        if (cut < n)
                append(w->path, &w->plen, "...", 3);
        return m;
}

static struct mark
push_index(struct walk *w, size_t idx)
{
        struct mark m = { w->plen, w->tlen };
        char tmp[24];
        int n = snprintf(tmp, sizeof(tmp), "[%zu]", idx);

        append(w->path, &w->plen, tmp, (size_t)n);
        append(w->pat, &w->tlen, "[]", 2);
        return m;
}

static void
pop(struct walk *w, struct mark m)
{
        w->plen = m.plen;
        w->tlen = m.tlen;
        w->path[w->plen] = '\0';
        w->pat[w->tlen] = '\0';
}

static const struct pktp_limit *
limit_of(const struct walk *w, enum pktp_limit_kind kind)
{
        for (const struct pktp_limit *l = w->limits; l && l->path; l++)
                if (l->kind == kind && strcmp(l->path, w->pat) == 0)
                        return l;
        return NULL;
}

__attribute__((format(printf, 2, 3))) static int
invalid(struct walk *w, const char *fmt, ...)
{
        char msg[PKTP_ERROR_MESSAGE_MAX];
        va_list ap;

        va_start(ap, fmt);
        (void)vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return pktp_error_set(w->err, PKTP_ERR_INVALID_PARAMETER, w->path, "%s: %s",
                              w->plen ? w->path : "parameters", msg);
}

static int check_value(struct walk *w, const struct pktp_idl_type *t, struct json_object *o);

static int
check_struct(struct walk *w, const struct pktp_idl_type *t, struct json_object *o)
{
        int r;

        if (!json_object_is_type(o, json_type_object))
                return invalid(w, "must be an object");
        /* Unknown keys first: a misspelt optional key must not pass as "absent". */
        json_object_object_foreach(o, key, val) {
                bool known = false;
                (void)val;
                for (size_t i = 0; i < t->n_fields && !known; i++)
                        known = strcmp(t->fields[i].name, key) == 0;
                if (!known) {
                        struct mark m = push_key(w, key, strlen(key));
                        r = invalid(w, "unknown parameter");
                        pop(w, m);
                        return r;
                }
        }
        for (size_t i = 0; i < t->n_fields; i++) {
                const struct pktp_idl_field *f = &t->fields[i];
                struct json_object *v = NULL;
                bool present = json_object_object_get_ex(o, f->name, &v);
                struct mark m = push_key(w, f->name, strlen(f->name));

                if (!present && !f->type->optional)
                        r = invalid(w, "missing");
                else if (present)
                        r = check_value(w, f->type, v);
                else
                        r = 0;
                pop(w, m);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
check_int(struct walk *w, struct json_object *o)
{
        if (!json_object_is_type(o, json_type_int))
                return invalid(w, "must be an integer");
        /* json-c keeps integers above INT64_MAX as uint64 and json_object_get_int64() clamps them to
         * INT64_MAX without a word. pktp_json_check() refuses them already; this says it once more where
         * the value is read. */
        int64_t v = json_object_get_int64(o);
        if (v == INT64_MAX && json_object_get_uint64(o) != (uint64_t)INT64_MAX)
                return invalid(w, "out of the 64-bit signed range");
        const struct pktp_limit *l = limit_of(w, PKTP_LIMIT_INT);
        if (l && (v < l->min || v > l->max))
                return invalid(w, "%" PRId64 " is out of range %" PRId64 "..%" PRId64, v, l->min, l->max);
        return 0;
}

static int
check_string(struct walk *w, struct json_object *o)
{
        if (!json_object_is_type(o, json_type_string))
                return invalid(w, "must be a string");
        size_t n = (size_t)json_object_get_string_len(o);
        const char *s = json_object_get_string(o);
        if (memchr(s, '\0', n))
                return invalid(w, "holds a NUL character");
        const struct pktp_limit *l = limit_of(w, PKTP_LIMIT_STRING);
        int64_t min = l ? l->min : 0, max = l ? l->max : PKTP_STRING_MAX;
        if ((int64_t)n < min)
                return invalid(w, "shorter than %" PRId64 " bytes", min);
        if ((int64_t)n > max)
                return invalid(w, "longer than %" PRId64 " bytes", max);
        return 0;
}

static int
check_array(struct walk *w, const struct pktp_idl_type *t, struct json_object *o)
{
        if (!json_object_is_type(o, json_type_array))
                return invalid(w, "must be an array");
        size_t n = json_object_array_length(o);
        const struct pktp_limit *l = limit_of(w, PKTP_LIMIT_ARRAY);
        int64_t min = l ? l->min : 0, max = l ? l->max : PKTP_ARRAY_MAX;
        if ((int64_t)n < min)
                return invalid(w, "needs at least %" PRId64 " elements", min);
        if ((int64_t)n > max)
                return invalid(w, "has more than %" PRId64 " elements", max);
        for (size_t i = 0; i < n; i++) {
                struct mark m = push_index(w, i);
                int r = check_value(w, t->elem, json_object_array_get_idx(o, i));
                pop(w, m);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
check_map(struct walk *w, const struct pktp_idl_type *t, struct json_object *o)
{
        if (!json_object_is_type(o, json_type_object))
                return invalid(w, "must be an object");
        json_object_object_foreach(o, key, val) {
                struct mark m = push_key(w, key, strlen(key));
                /* Map keys are the client's: the limit rows name any of them "{}". */
                w->tlen = m.tlen;
                append(w->pat, &w->tlen, m.tlen ? ".{}" : "{}", m.tlen ? 3 : 2);
                int r = check_value(w, t->elem, val);
                pop(w, m);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
check_enum(struct walk *w, const struct pktp_idl_type *t, struct json_object *o)
{
        if (json_object_is_type(o, json_type_string)) {
                const char *s = json_object_get_string(o);
                for (size_t i = 0; i < t->n_fields; i++)
                        if (strcmp(t->fields[i].name, s) == 0)
                                return 0;
        }
        char names[160];
        size_t n = 0;
        names[0] = '\0';
        for (size_t i = 0; i < t->n_fields && n < sizeof(names); i++)
                n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", i ? ", " : "", t->fields[i].name);
        return invalid(w, "must be one of: %s", names);
}

static int
check_value(struct walk *w, const struct pktp_idl_type *t, struct json_object *o)
{
        /* json-c represents null as a NULL object. */
        if (!o)
                return t->optional ? 0 : invalid(w, "must not be null");
        if (t->kind == PKTP_IDL_NAMED)
                t = t->resolved;
        switch (t->kind) {
        case PKTP_IDL_BOOL:
                return json_object_is_type(o, json_type_boolean) ? 0 : invalid(w, "must be true or false");
        case PKTP_IDL_INT:
                return check_int(w, o);
        case PKTP_IDL_FLOAT:
                if (!json_object_is_type(o, json_type_double) && !json_object_is_type(o, json_type_int))
                        return invalid(w, "must be a number");
                return isfinite(json_object_get_double(o)) ? 0 : invalid(w, "must be finite");
        case PKTP_IDL_STRING:
                return check_string(w, o);
        case PKTP_IDL_OBJECT:
                return json_object_is_type(o, json_type_object) ? 0 : invalid(w, "must be an object");
        case PKTP_IDL_ARRAY:
                return check_array(w, t, o);
        case PKTP_IDL_MAP:
                return check_map(w, t, o);
        case PKTP_IDL_STRUCT:
                return check_struct(w, t, o);
        case PKTP_IDL_ENUM:
                return check_enum(w, t, o);
        case PKTP_IDL_NAMED:
                break;
        }
        return pktp_error_set(w->err, PKTP_ERR_INTERNAL, NULL, "the interface has an unresolved type");
}

int
pktp_validate_params(const struct pktp_method *m, const struct pktp_idl_member *idl,
                     struct json_object *params, struct pktp_error *err)
{
        struct walk w = { .limits = m ? m->limits : NULL, .err = err };

        pktp_assert_return(idl && idl->in, -EINVAL);
        return check_struct(&w, idl->in, params);
}
