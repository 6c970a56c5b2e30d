/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every error a client of pktd can see, in one table (error.c): an id, its qualified varlink name and
 * the names of its parameters. Code that fails a call fills a struct pktp_error with pktp_error_set();
 * whoever answers the call turns it into the reply frame with pktp_error_write(). Messages say what
 * was wrong with the request, never an internal path or strerror() text.
 */
#ifndef PKTP_ERROR_H
#define PKTP_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pktp_buf;

enum pktp_error_id {
        PKTP_OK = 0,
        PKTP_ERR_INTERFACE_NOT_FOUND,   /* org.varlink.service.InterfaceNotFound{interface} */
        PKTP_ERR_METHOD_NOT_FOUND,      /* org.varlink.service.MethodNotFound{method} */
        PKTP_ERR_METHOD_NOT_IMPLEMENTED,/* org.varlink.service.MethodNotImplemented{method} */
        PKTP_ERR_INVALID_PARAMETER,     /* org.varlink.service.InvalidParameter{parameter} */
        PKTP_ERR_PERMISSION_DENIED,     /* org.varlink.service.PermissionDenied{} — no message, nothing */
        PKTP_ERR_EXPECTED_MORE,         /* org.varlink.service.ExpectedMore{} */
        PKTP_ERR_LIMIT_EXCEEDED,        /* io.pktd.Daemon.LimitExceeded{limit,message} */
        PKTP_ERR_PROTOCOL_ERROR,        /* io.pktd.Daemon.ProtocolError{message} */
        PKTP_ERR_BAD_CONFIG,            /* io.pktd.Daemon.BadConfig{message,line} */
        PKTP_ERR_BAD_SPEC,              /* io.pktd.Packet.BadSpec{message,position} */
        PKTP_ERR_BAD_PACKET,            /* io.pktd.Packet.BadPacket{parameter,message} */
        PKTP_ERR_INTERNAL,              /* io.pktd.Daemon.InternalError{message} */
        PKTP_ERR_BAD_FILTER,            /* io.pktd.Capture.BadFilter{message} (libpcap's text) */
        _PKTP_ERR_MAX,
};

/* Sizes of the two text fields. An argument is a name or a JSON path; 128 bytes hold every path the
 * interfaces can produce with room for client-chosen keys, which are cut (on a UTF-8 boundary, ending
 * in "...") rather than echoed whole. */
#define PKTP_ERROR_ARG_MAX 128
#define PKTP_ERROR_MESSAGE_MAX 256

struct pktp_error {
        enum pktp_error_id id;
        char arg[PKTP_ERROR_ARG_MAX];          /* the one named parameter: interface/method/parameter/limit */
        char message[PKTP_ERROR_MESSAGE_MAX];  /* for people; all but PermissionDenied/ExpectedMore carry one */
        long number;                           /* BadSpec position, BadConfig line */
};

/* Fills @e: @id, @arg (NULL: empty) and the message from @fmt (NULL: empty), both cut to fit on a UTF-8
 * boundary; number becomes 0 (set e->number afterwards for BadSpec and BadConfig). PermissionDenied and
 * ExpectedMore keep neither argument nor message, whatever is passed: they say nothing more.
 * Returns the negative errno that goes with @id, so that a failing function can end with
 * `return pktp_error_set(...)`: -ENOENT (interface/method not found), -EOPNOTSUPP (not implemented),
 * -EINVAL (invalid parameter, bad spec/packet/config, expected more), -EPERM, -EMSGSIZE (limit),
 * -EBADMSG (protocol error), -EIO (internal). @e may be NULL (nothing is filled). */
int pktp_error_set(struct pktp_error *e, enum pktp_error_id id, const char *arg, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* The qualified name, "org.varlink.service.InvalidParameter"; NULL for PKTP_OK and unknown ids. */
const char *pktp_error_name(enum pktp_error_id id);

/* The id whose qualified name is @name, or -ENOENT. */
int pktp_error_from_name(const char *name);

/* Appends the reply frame {"error":"<name>","parameters":{...}} and its terminating NUL to @b. The
 * parameters are the ones the interface declares for the error (the standard varlink ones get a
 * "message" too, except PermissionDenied and ExpectedMore, which stay empty). Text is written as JSON
 * strings with valid UTF-8 only. Returns 0, -EINVAL (no error in @e) or @b's sticky error. */
int pktp_error_write(struct pktp_buf *b, const struct pktp_error *e);

#ifdef __cplusplus
}
#endif

#endif
