/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The strict request path: a frame (one JSON object, the NUL excluded) is checked byte by byte
 * (pktp_json_check), parsed by json-c, taken apart as a varlink call and validated against the
 * method's input type from the embedded interface files plus a C table of ranges and length limits
 * (methods.c), before any handler sees it. Everything a client controls has a named limit here; the
 * reasons are given beside each and in proto/README.md.
 */
#ifndef PKTP_MESSAGE_H
#define PKTP_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include <pktp/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pktp_buf;

/* One message, NUL excluded. The daemon's framing enforces its configured frameSize (at most this);
 * pktp_call_parse() refuses a longer one too. 1 MiB holds a Build or Dissect of the largest packet
 * (256 KiB as base64) many times over. */
#define PKTP_FRAME_MAX (1024 * 1024)
/* Nesting of arrays and objects, the outer object counting 1. A call needs 4 (call, parameters,
 * layers, a layer object); 32 leaves layer objects room for nested values while a parser's stack stays
 * small. json-c's own default is 32 too. */
#define PKTP_DEPTH_MAX 32
/* Members of one object. Duplicate keys are found by comparing each key with the earlier ones of its
 * object (a hash first), so the check costs O(n * this); the widest object a call has is a layer with
 * its fields, well under a hundred. */
#define PKTP_MEMBERS_MAX 1024
/* Objects and arrays in one frame. json-c spends about 780 bytes on an object (its hash table) and
 * 70 on any other value: 1 MiB of "[{},{},..." becomes 274 MB of tree (measured, json-c 0.16). 16384
 * containers and PKTP_VALUES_MAX values cap the worst accepted frame at about 24 MB of tree, freed
 * when the call is answered, while a Send of 1024 packets of several layers each still fits. */
#define PKTP_CONTAINERS_MAX 16384
/* Values of any kind in one frame (131071 zeros: 9.4 MB of tree). */
#define PKTP_VALUES_MAX 131072
/* Characters of one number. An int64 needs 20, a double that round-trips 24; the bound keeps strtod()'s
 * work and the digits we look at small. */
#define PKTP_NUMBER_MAX 64
/* A method name: an interface name (reverse domain) and a method name. */
#define PKTP_METHOD_NAME_MAX 255
/* A string parameter without its own row in the limits table (methods.c). */
#define PKTP_STRING_MAX 4096
/* Elements of an array parameter without its own row in the limits table. */
#define PKTP_ARRAY_MAX 1024

/* Strict RFC 8259 check of a whole frame before json-c sees it: syntax (one value, nothing after it but
 * white space), nesting depth, duplicate keys (compared decoded), \u0000 escapes, raw control bytes,
 * invalid UTF-8 and lone surrogates, integers outside int64 and numbers json-c would saturate (it
 * clamps silently), and the members/containers/values limits above. Single pass, no recursion.
 * Fills @err (may be NULL) with ProtocolError, or InvalidParameter with the JSON path when the problem
 * is a value inside the call's "parameters" ("layers[2].ttl"); the message gives the byte offset.
 * Returns 0, -EBADMSG (not acceptable JSON), -EINVAL (refused inside parameters) or -ENOMEM. */
int pktp_json_check(const char *text, size_t len, struct pktp_error *err);

struct pktp_method;

struct pktp_call {
        struct json_object *root;        /* owned */
        const char *method;              /* "io.pktd.Packet.Build" (points into root) */
        struct json_object *parameters;  /* borrowed from root; an empty object when the call had none */
        bool more, oneway;
        const struct pktp_method *desc;  /* the method's row: roles, validation */
};

/* frame -> pktp_json_check -> json-c parse (strict) -> call shape {"method": string, "parameters":
 * object?, "more": bool?, "oneway": bool?} (anything else refused, "upgrade" included; more and oneway
 * together refused) -> interface then method lookup -> the parameters validated against the method's
 * input type (types, required/optional, null only for optional, unknown keys, enums, nested types,
 * arrays) and the C table of ranges and length limits.
 * ExpectedMore, roles and MethodNotImplemented are the dispatcher's: they come after its role check.
 * Returns 0 and fills @ret (release it with pktp_call_done()), or a negative errno with @err filled and
 * @ret untouched: -EMSGSIZE (LimitExceeded "frameSize"), -EBADMSG (ProtocolError), -ENOENT
 * (InterfaceNotFound, MethodNotFound), -EINVAL (InvalidParameter), -ENOMEM / -EIO (InternalError). */
int pktp_call_parse(const char *frame, size_t len, struct pktp_call *ret, struct pktp_error *err);
/* Releases what @c owns and empties it. @c may be NULL; calling it twice is harmless. */
void pktp_call_done(struct pktp_call *c);

enum pktp_role { PKTP_ROLE_CAPTURE = 1u << 0, PKTP_ROLE_INJECT = 1u << 1, PKTP_ROLE_ADMIN = 1u << 2 };

struct pktp_limit;

struct pktp_method {
        const char *name;        /* qualified */
        unsigned roles;          /* any of these roles may call (admin may call everything); 0 = anyone */
        bool more_required;      /* ExpectedMore unless more:true */
        bool implemented;        /* false: MethodNotImplemented after the role check */
        /* private */
        const struct pktp_limit *limits;  /* ranges and lengths beyond the types, ended by a NULL path */
};

/* The row of method @name ("io.pktd.Packet.Build"), or NULL: no such method. */
const struct pktp_method *pktp_method_find(const char *name);
/* Every row, in the order of the interface files; *ret_n rows. */
const struct pktp_method *pktp_method_all(size_t *ret_n);

/* The text of interface @interface's file as embedded (GetInterfaceDescription), or NULL: none. */
const char *pktp_interface_description(const char *interface);
/* Appends the "interfaces" array of GetInfo: ["io.pktd.Capture",...,"org.varlink.service"]. */
int pktp_interfaces_write(struct pktp_buf *b);
/* Appends GetInfo's whole parameters object {"vendor","product","version","url","interfaces"}. */
int pktp_info_write(struct pktp_buf *b, const char *vendor, const char *product, const char *version,
                    const char *url);
/* Appends {"parameters":<params>} (with ,"continues":true when @continues) and the NUL. @params is
 * JSON object text written by the caller (NULL: {}), @len its length. Returns 0 or @b's sticky error. */
int pktp_reply_write(struct pktp_buf *b, const char *params, size_t len, bool continues);

#ifdef __cplusplus
}
#endif

#endif
