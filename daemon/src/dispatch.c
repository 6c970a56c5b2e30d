/* SPDX-License-Identifier: BSD-3-Clause */
/* From a validated call to its handler: the role check first (PermissionDenied says nothing more),
 * then MethodNotImplemented, ExpectedMore, the handler; counters for GetStatus; one log line per
 * privileged call (any method that needs a role beyond "connected"). */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include <pktp/error.h>
#include <pktp/message.h>

#include "conn.h"
#include "dispatch.h"
#include "log.h"
#include "pktd.h"

/* clang-format off */
const struct pktd_method_impl pktd_methods[] = {
        { "org.varlink.service.GetInfo",                 pktd_service_get_info },
        { "org.varlink.service.GetInterfaceDescription", pktd_service_get_interface_description },
        { "io.pktd.Packet.Build",                        pktd_packet_build },
        { "io.pktd.Packet.Dissect",                      pktd_packet_dissect },
        { "io.pktd.Capture.ListInterfaces",              pktd_capture_list_interfaces },
        { "io.pktd.Capture.Subscribe",                   pktd_capture_subscribe },
        { "io.pktd.Inject.Send",                         pktd_inject_send },
        { "io.pktd.Inject.SendReceive",                  pktd_inject_send_receive },
        { "io.pktd.Daemon.GetStatus",                    pktd_daemon_get_status },
        { "io.pktd.Daemon.ListClients",                  pktd_daemon_list_clients },
        { "io.pktd.Daemon.Reload",                       pktd_daemon_reload },
};
/* clang-format on */
const size_t pktd_methods_count = ARRAY_SIZE(pktd_methods);

_Static_assert(ARRAY_SIZE(pktd_methods) <= PKTD_METHODS_MAX, "raise PKTD_METHODS_MAX");

/* Handlers replaced by pktd_dispatch_override() (tests). */
static pktd_method_fn overrides[PKTD_METHODS_MAX];

pktd_method_fn
pktd_dispatch_override(const char *name, pktd_method_fn fn)
{
        for (size_t i = 0; i < ARRAY_SIZE(pktd_methods); i++)
                if (strcmp(pktd_methods[i].name, name) == 0) {
                        pktd_method_fn old = overrides[i];

                        overrides[i] = fn;
                        return old;
                }
        return NULL;
}

static int
method_row(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(pktd_methods); i++)
                if (strcmp(pktd_methods[i].name, name) == 0)
                        return (int)i;
        return -1;
}

static int
run(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call, int row,
    struct pktp_buf *out, struct pktp_error *err)
{
        const struct pktp_method *m = call->desc;
        pktd_method_fn fn = row < 0 ? NULL : overrides[row] ? overrides[row] : pktd_methods[row].fn;

        /* Admin holds every role (policy.c), so "any of m->roles" covers "admin may call all". */
        if (m->roles && !(c->roles & m->roles)) {
                pktd_log_denied(c->uid, c->pid, c->id, m->name);
                return pktp_error_set(err, PKTP_ERR_PERMISSION_DENIED, NULL, NULL);
        }
        if (!m->implemented || !fn)
                return pktp_error_set(err, PKTP_ERR_METHOD_NOT_IMPLEMENTED, m->name,
                                      "%s is not implemented yet", m->name);
        if (m->more_required && !call->more)
                return pktp_error_set(err, PKTP_ERR_EXPECTED_MORE, NULL, NULL);
        if (m->roles)
                pktd_log_call(c->uid, c->pid, c->id, m->name);
        return fn(d, c, call, out, err);
}

int
pktd_dispatch(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
              struct pktp_buf *out, struct pktp_error *err)
{
        int row, r;

        if (!d || !c || !call || !call->desc || !out || !err)
                return -EINVAL;
        row = method_row(call->desc->name);
        r = run(d, c, call, row, out, err);
        if (r < 0 && err->id == PKTP_OK)
                /* A handler that failed without saying why: the client still gets a named error. */
                (void)pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "the call failed");
        if (row >= 0) {
                d->stats[row].calls++;
                if (r < 0)
                        d->stats[row].errors++;
        }
        return r;
}

void
pktd_dispatch_count_error(struct pktd *d, const char *method)
{
        int row = method ? method_row(method) : -1;

        if (d && row >= 0)
                d->stats[row].errors++;
}

void
pktd_dispatch_invalid(struct pktd *d, struct pktd_conn *c, const char *frame, size_t len,
                      struct pktp_error *err)
{
        const struct pktp_method *m;
        struct json_tokener *tok;
        struct json_object *root, *v;
        int row;

        if (err->id != PKTP_ERR_INVALID_PARAMETER || len > INT32_MAX)
                return;
        /* The frame passed pktp_json_check() (depth, size, duplicates) and the call shape check, so
         * json-c may parse it again; only this error path pays for it. */
        tok = json_tokener_new_ex(PKTP_DEPTH_MAX + 1);
        if (!tok)
                return;
        root = json_tokener_parse_ex(tok, frame, (int)len);
        json_tokener_free(tok);
        if (!root)
                return;
        if (json_object_object_get_ex(root, "method", &v) &&
            json_object_is_type(v, json_type_string)) {
                m = pktp_method_find(json_object_get_string(v));
                if (m) {
                        row = method_row(m->name);
                        if (row >= 0) {
                                d->stats[row].calls++;
                                d->stats[row].errors++;
                        }
                        if (m->roles && !(c->roles & m->roles)) {
                                pktd_log_denied(c->uid, c->pid, c->id, m->name);
                                (void)pktp_error_set(err, PKTP_ERR_PERMISSION_DENIED, NULL, NULL);
                        }
                }
        }
        json_object_put(root);
}
