/* SPDX-License-Identifier: BSD-3-Clause */
/* io.pktd.Daemon: status for anyone connected, the client list and reload for admins. */
#include <errno.h>
#include <string.h>

#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>

#include "conf.h"
#include "conn.h"
#include "dispatch.h"
#include "log.h"
#include "pktd.h"

void
pktd_conf_log_warnings(const struct pktd_conf *c, const char *path)
{
        for (unsigned i = 0; i < c->n_warnings; i++)
                pktd_log(LOG_WARNING, "%s: %s", path, c->warnings[i]);
}

int
pktd_reload(struct pktd *d, struct pktd_conf_error *err)
{
        struct pktd_conf *conf = NULL;
        int r;

        pktd_notify_reloading();
        r = pktd_conf_load(d->conf_path, d->conf_path_given, &conf, err);
        if (r < 0) {
                pktd_log(LOG_ERR, "%s:%u: %s; keeping the configuration in force", d->conf_path,
                         err->line, err->message);
                pktd_notify_ready(d);
                return r;
        }
        pktd_conf_log_warnings(conf, d->conf_path);
        pktd_fd_limit_check(conf);
        pktd_conf_free(d->conf);
        d->conf = conf;
        /* Roles follow the new policy at once: a client whose access was taken away is closed (its
         * credentials are the ones it connected with; the kernel keeps them on the socket). */
        for (struct pktd_conn *c = d->conns; c; c = c->next) {
                struct pktd_peer peer;
                unsigned roles = 0;

                if (c->closing || c->dead)
                        continue;
                if (pktd_policy_check(d->conf, c->fd, &peer, &roles) < 0)
                        continue;
                c->roles = roles;
                if (roles == 0) {
                        pktd_log(LOG_NOTICE, "client %llu (uid %u) has no role any more; closing",
                                 (unsigned long long)c->id, (unsigned)c->uid);
                        pktd_conn_revoke(c);
                } else if (pktd_conn_head_revoked(c)) {
                        /* its stream (a capture, a Send, an sr) needs the role taken away */
                        pktd_log(LOG_NOTICE,
                                 "client %llu (uid %u) lost the role its call in progress needs; "
                                 "closing",
                                 (unsigned long long)c->id, (unsigned)c->uid);
                        pktd_conn_revoke(c);
                }
        }
        pktd_log(LOG_INFO, "configuration reloaded from %s", d->conf_path);
        pktd_notify_ready(d);
        return 0;
}

static int
written(struct pktp_buf *out, struct pktp_error *err)
{
        if (!out->err)
                return 0;
        if (out->err == -EMSGSIZE)
                return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, "outputBuffer",
                                      "the reply is larger than the output buffer");
        return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "the reply could not be written");
}

int
pktd_daemon_get_status(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                       struct pktp_buf *out, struct pktp_error *err)
{
        const struct pktd_limits *lim = &d->conf->limits;

        (void)c;
        (void)call;
        pktp_buf_puts(out, "{\"version\":");
        pktp_buf_json_str(out, PKTD_VERSION, strlen(PKTD_VERSION));
        pktp_buf_printf(out, ",\"uptimeNs\":%llu,\"connections\":%u,\"methods\":[",
                        (unsigned long long)(pktd_now_usec() - d->start_usec) * 1000ull,
                        d->n_conns);
        for (size_t i = 0; i < pktd_methods_count; i++)
                pktp_buf_printf(out, "%s{\"method\":\"%s\",\"calls\":%llu,\"errors\":%llu}",
                                i ? "," : "", pktd_methods[i].name,
                                (unsigned long long)d->stats[i].calls,
                                (unsigned long long)d->stats[i].errors);
        pktp_buf_printf(
                out,
                "],\"limits\":{\"connections\":%u,\"connectionsPerUid\":%u,\"frameSize\":%zu,"
                "\"outputBuffer\":%zu,\"idleTimeoutSec\":%u,",
                lim->connections, lim->connections_per_uid, lim->frame_size, lim->output_buffer,
                lim->idle_timeout_sec);
        pktp_buf_printf(out,
                        "\"subscriptions\":%u,\"subscriptionsPerUid\":%u,\"srPerUid\":%u,"
                        "\"srProbes\":%u,\"srDurationMs\":%u,\"streamHighWater\":%zu,"
                        "\"streamLowWater\":%zu,",
                        lim->subscriptions, lim->subscriptions_per_uid, lim->sr_per_uid,
                        lim->sr_probes, lim->sr_duration_ms, lim->stream_high_water,
                        lim->stream_low_water);
        pktp_buf_printf(out, "\"packetsPerSecond\":%llu,\"bytesPerSecond\":%llu}}",
                        (unsigned long long)d->conf->inject.packets_per_second,
                        (unsigned long long)d->conf->inject.bytes_per_second);
        return written(out, err);
}

static void
write_roles(struct pktp_buf *out, unsigned roles)
{
        bool first = true;

        pktp_buf_putc(out, '[');
        if (roles & PKTP_ROLE_CAPTURE) {
                pktp_buf_puts(out, "\"capture\"");
                first = false;
        }
        if (roles & PKTP_ROLE_INJECT) {
                pktp_buf_puts(out, first ? "\"inject\"" : ",\"inject\"");
                first = false;
        }
        if (roles & PKTP_ROLE_ADMIN)
                pktp_buf_puts(out, first ? "\"admin\"" : ",\"admin\"");
        pktp_buf_putc(out, ']');
}

int
pktd_daemon_list_clients(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                         struct pktp_buf *out, struct pktp_error *err)
{
        uint64_t now = pktd_now_usec();
        bool first = true;

        (void)c;
        (void)call;
        pktp_buf_puts(out, "{\"clients\":[");
        for (const struct pktd_conn *x = d->conns; x && !out->err; x = x->next) {
                pktp_buf_printf(out, "%s{\"id\":%llu,\"uid\":%u,\"gid\":%u,\"pid\":%d,\"roles\":",
                                first ? "" : ",", (unsigned long long)x->id, (unsigned)x->uid,
                                (unsigned)x->gid, (int)x->pid);
                write_roles(out, x->roles);
                pktp_buf_printf(out, ",\"connectedSec\":%llu,\"calls\":%llu,\"outputQueued\":%zu}",
                                (unsigned long long)(now - x->connected_usec) / 1000000ull,
                                (unsigned long long)x->calls, pktd_conn_queued(x));
                first = false;
        }
        pktp_buf_puts(out, "]}");
        return written(out, err);
}

int
pktd_daemon_reload(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                   struct pktp_buf *out, struct pktp_error *err)
{
        struct pktd_conf_error cerr = { 0 };
        int r;

        (void)c;
        (void)call;
        r = pktd_reload(d, &cerr);
        if (r < 0) {
                r = pktp_error_set(err, PKTP_ERR_BAD_CONFIG, NULL, "%s", cerr.message);
                err->number = (long)cerr.line;
                return r;
        }
        pktp_buf_puts(out, "{}");
        return written(out, err);
}
