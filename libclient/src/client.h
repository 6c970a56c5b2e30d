/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpktclient (not installed): the connection's state and what its files share. */
#ifndef PKTC_CLIENT_H
#define PKTC_CLIENT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <pktc/pktc.h>

#include "pktd-macro.h"

#define pktc_assert_return(expr, err) assert_return(expr, err)

/* A queued reply. */
struct pktc_node {
        struct pktc_node *next;
        struct pktc_reply reply;
};

/* Descriptors to pass with the call frame starting at stream offset @at (SCM_RIGHTS on its first
 * byte): duplicates owned by the connection until sent. */
struct pktc_fds {
        uint64_t at;
        size_t n;
        int fds[PKTC_CALL_FDS_MAX];
};

struct pktc {
        int fd;
        /* The first error that made the connection unusable (sticky), or 0. */
        int err;
        /* err came from sending: what was received before it can still be read. */
        bool write_failed;
        /* Replies still due: one per call sent without ONEWAY, taken off by its last reply. */
        uint64_t pending;

        /* Calls not yet sent: bytes [out_off, out_len) of out. */
        char *out;
        size_t out_off, out_len, out_cap;
        /* Bytes sent since the connection opened: out[out_off] is stream offset out_sent. */
        uint64_t out_sent;
        /* Calls whose descriptors wait to be sent, oldest first: [0, n_fd_calls) of fd_calls. */
        struct pktc_fds fd_calls[PKTC_FD_CALLS_QUEUED_MAX];
        size_t n_fd_calls;

        /* Bytes received and not yet framed: [0, in_len) of in; [0, in_scanned) holds no NUL. */
        char *in;
        size_t in_len, in_scanned, in_cap;

        /* Complete replies, oldest first. */
        struct pktc_node *head, *tail;
        size_t queued;
};

/* reply.c: parses one frame (@len bytes, its NUL excluded) into *@ret. Returns 0, -EBADMSG (not a
 * varlink reply: not JSON, not an object, wrong member types) or -ENOMEM. */
int pktc_reply_parse(const char *frame, size_t len, struct pktc_reply *ret);

/* call.c: appends the frame of one call, NUL included, to *@ret (malloc'd) and its length to
 * *@ret_len. Arguments are checked as pktc_call() documents. */
int pktc_call_format(const char *method, const char *params_json, unsigned flags, char **ret,
                     size_t *ret_len);

#endif
