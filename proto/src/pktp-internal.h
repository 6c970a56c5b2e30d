/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpktproto: the parsed interface files (idl.c), their lookup and the validator. */
#ifndef PKTP_INTERNAL_H
#define PKTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include <pktp/error.h>
#include <pktp/message.h>

#include "pktd-macro.h"

#define pktp_assert_return(expr, err) assert_return(expr, err)

/* ---- The varlink IDL (idl.c) ---- */

enum pktp_idl_kind {
        PKTP_IDL_BOOL,
        PKTP_IDL_INT,
        PKTP_IDL_FLOAT,
        PKTP_IDL_STRING,
        PKTP_IDL_OBJECT,        /* any JSON object */
        PKTP_IDL_NAMED,         /* a type defined by "type Name (...)" in the same interface */
        PKTP_IDL_ARRAY,         /* []elem */
        PKTP_IDL_MAP,           /* [string]elem */
        PKTP_IDL_STRUCT,        /* (name: type, ...) */
        PKTP_IDL_ENUM,          /* (name, ...) */
};

struct pktp_idl_field;

struct pktp_idl_type {
        enum pktp_idl_kind kind;
        bool optional;                          /* ?type: may be absent or null */
        const struct pktp_idl_type *elem;       /* ARRAY, MAP */
        const char *name;                       /* NAMED */
        const struct pktp_idl_type *resolved;   /* NAMED: the struct or enum it names */
        const struct pktp_idl_field *fields;    /* STRUCT: the fields; ENUM: the names (type NULL) */
        size_t n_fields;
};

struct pktp_idl_field {
        const char *name;
        const struct pktp_idl_type *type;
};

enum pktp_idl_member_kind { PKTP_IDL_MEMBER_TYPE, PKTP_IDL_MEMBER_METHOD, PKTP_IDL_MEMBER_ERROR };

struct pktp_idl_member {
        enum pktp_idl_member_kind kind;
        const char *name;                       /* "Build" */
        const struct pktp_idl_type *in;         /* TYPE: the type; METHOD: input; ERROR: parameters */
        const struct pktp_idl_type *out;        /* METHOD: output */
        unsigned line;
};

struct pktp_idl_interface {
        const char *name;                       /* "io.pktd.Packet" */
        const struct pktp_idl_member *members;
        size_t n_members;
        const char *text;                       /* the file as served by GetInterfaceDescription */
        size_t text_len;
        /* private: everything above lives in one arena freed by pktp_idl_free() */
        void *arena;
};

/* Parses one interface file. Returns 0 and a heap interface (free with pktp_idl_free()), or -EBADMSG
 * with a message ("line 12: expected ':' after field name") in @err and the 1-based line in
 * *@ret_line, or -ENOMEM. @text need not be NUL-terminated; it is borrowed for text/text_len. */
int pktp_idl_parse(const char *text, size_t len, struct pktp_idl_interface **ret, char *err,
                   size_t err_size, unsigned *ret_line);
struct pktp_idl_interface *pktp_idl_free(struct pktp_idl_interface *i);

/* The embedded interfaces, parsed once (pthread_once). NULL when @name is not one of them, or when an
 * embedded file failed to parse (a build error that test_idl catches). */
const struct pktp_idl_interface *pktp_idl_find(const char *name, size_t name_len);
const struct pktp_idl_member *pktp_idl_member_find(const struct pktp_idl_interface *i, const char *name,
                                                   enum pktp_idl_member_kind kind);
/* 0, or the negative errno of the first embedded file that failed (its message in @err if not NULL). */
int pktp_idl_load(struct pktp_error *err);
size_t pktp_idl_count(void);
/* The message of a failed load ("io.pktd.X.varlink: line 3: ..."), "" when all loaded. */
const char *pktp_idl_load_message(void);
const struct pktp_idl_interface *pktp_idl_at(size_t idx);

/* ---- Validation (validate.c) and the method table (methods.c) ---- */

enum pktp_limit_kind { PKTP_LIMIT_INT, PKTP_LIMIT_STRING, PKTP_LIMIT_ARRAY };

/* A row of the C table: the parameter's pattern path (array indices written "[]": "packets[].spec"),
 * and the bounds: an int's range, a string's length in bytes, an array's element count. */
struct pktp_limit {
        const char *path;
        enum pktp_limit_kind kind;
        int64_t min, max;
};

/* Validates @params against @m's input struct and limits. Returns 0 or -EINVAL with @err filled
 * (InvalidParameter with the path). */
int pktp_validate_params(const struct pktp_method *m, const struct pktp_idl_member *idl,
                         struct json_object *params, struct pktp_error *err);
/* The IDL method behind row @m (NULL when the row names no method of the interface files). */
const struct pktp_idl_member *pktp_method_idl(const struct pktp_method *m);

/* Does @s (@n bytes) match the varlink interface-name grammar? */
bool pktp_is_interface_name(const char *s, size_t n);

#endif
