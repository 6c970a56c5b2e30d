/* SPDX-License-Identifier: BSD-3-Clause */
/* The method table: which C function serves each qualified method name, and the one entry point the
 * connection code calls for every validated call. */
#ifndef PKTD_DISPATCH_H
#define PKTD_DISPATCH_H

#include <stddef.h>

#include "call.h"

struct pktd;
struct pktd_conn;
struct pktp_buf;
struct pktp_call;
struct pktp_error;

/* Handles one validated call (parameters already checked against the interface file and the range
 * table; the role check already passed). Writes the reply's "parameters" object as JSON text into
 * @out (e.g. {"data":"...","length":42,"packet":{...}}) and returns 0, or fills @err and returns a
 * negative errno. @out starts empty; on failure whatever was written to it is discarded. Must not
 * block. A handler that answers later or more than once calls pktd_call_async() and returns
 * PKTD_CALL_ASYNC (call.h); @out is then ignored. */
typedef int (*pktd_method_fn)(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                              struct pktp_buf *out, struct pktp_error *err);

/* io.pktd.Packet (m_packet.c, daemon-methods) */
int pktd_packet_build(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                      struct pktp_buf *out, struct pktp_error *err);
int pktd_packet_dissect(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                        struct pktp_buf *out, struct pktp_error *err);
/* io.pktd.Capture (m_capture.c + netlink.c, daemon-methods) */
int pktd_capture_list_interfaces(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                                 struct pktp_buf *out, struct pktp_error *err);
/* io.pktd.Capture.Subscribe (capture.c, daemon-stream): async, streams with more:true */
int pktd_capture_subscribe(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                           struct pktp_buf *out, struct pktp_error *err);
/* Whether a file on the file system of statfs f_type @f_type is one pktd refuses to read for a
 * client (FUSE, the kernel's pseudo file systems): Subscribe's and Send's replay sources. */
bool pktd_capture_fs_refused(unsigned long f_type);
/* io.pktd.Inject (inject.c, sr.c, daemon-inject) */
int pktd_inject_send(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                     struct pktp_buf *out, struct pktp_error *err);
int pktd_inject_send_receive(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                             struct pktp_buf *out, struct pktp_error *err);
/* org.varlink.service (m_service.c) */
int pktd_service_get_info(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                          struct pktp_buf *out, struct pktp_error *err);
int pktd_service_get_interface_description(struct pktd *d, struct pktd_conn *c,
                                           const struct pktp_call *call, struct pktp_buf *out,
                                           struct pktp_error *err);
/* io.pktd.Daemon (m_daemon.c) */
int pktd_daemon_get_status(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                           struct pktp_buf *out, struct pktp_error *err);
int pktd_daemon_list_clients(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                             struct pktp_buf *out, struct pktp_error *err);
int pktd_daemon_reload(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                       struct pktp_buf *out, struct pktp_error *err);

struct pktd_method_impl {
        const char *name; /* qualified: "io.pktd.Packet.Build" */
        pktd_method_fn fn;
};

/* The rows, in a fixed order; pktd->stats[] is indexed by row. */
extern const struct pktd_method_impl pktd_methods[];
extern const size_t pktd_methods_count;

/* Runs one call parsed by pktp_call_parse(): role check (PermissionDenied, nothing more), not
 * implemented (MethodNotImplemented), then the handler. Counts the call and its errors, logs a
 * privileged call once. On success @out holds the reply's parameters object; on failure @err is
 * filled. Returns 0 or a negative errno. */
int pktd_dispatch(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                  struct pktp_buf *out, struct pktp_error *err);

/* For a frame pktp_call_parse() refused with InvalidParameter (valid JSON, a call of a known
 * method, bad parameters): counts the failed call against its method and, when the peer lacks the
 * method's role, replaces @err with PermissionDenied — so a caller learns nothing about a method it
 * may not use, not even what is wrong with its parameters. */
/* Serves method @name with @fn instead of its table row (NULL: the row again); returns the previous
 * override. For tests, which need handlers the daemon does not have (one that streams). */
pktd_method_fn pktd_dispatch_override(const char *name, pktd_method_fn fn);

/* An async call (call.h) ended with an error: counts it against @method (NULL: nothing). */
void pktd_dispatch_count_error(struct pktd *d, const char *method);

void pktd_dispatch_invalid(struct pktd *d, struct pktd_conn *c, const char *frame, size_t len,
                           struct pktp_error *err);

#endif
