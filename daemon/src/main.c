/* SPDX-License-Identifier: BSD-3-Clause */
/* pktd: start-up (config, listeners, privilege drop, readiness), the loop, and teardown in reverse.
 *
 * Signals are libevent events, handled in the loop like everything else:
 *   SIGTERM/SIGINT  stop accepting, STOPPING=1, let queued replies leave (at most PKTD_DRAIN_SEC),
 *                   exit 0; a second one exits at once.
 *   SIGHUP          reload the config (the old one stays if the new one does not parse).
 * SIGPIPE is ignored: a client that vanishes mid-reply is an EPIPE on its connection, no more. */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <nss.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conn.h"
#include "log.h"
#include "pktd.h"

#define PKTD_LISTEN_DEFAULT "/run/pktd/api.sock"
/* How long SIGTERM waits for queued replies: long enough for any reply a client is reading, short
 * enough to stay well inside systemd's TimeoutStopSec. */
#define PKTD_DRAIN_SEC 5

static void
usage(FILE *f)
{
        fprintf(f,
                "Usage: pktd [OPTIONS]\n"
                "\n"
                "The pktd packet daemon: serves packet building, dissection and interface listing\n"
                "(later capture and injection) to local clients over a varlink-style Unix socket.\n"
                "\n"
                "  --listen PATH   socket to create (default " PKTD_LISTEN_DEFAULT
                "); sockets passed\n"
                "                  by systemd take precedence\n"
                "  --config PATH   configuration file (default " PKTD_CONF_DEFAULT_PATH
                "; a missing\n"
                "                  default file means built-in defaults, a missing named file is "
                "an error)\n"
                "  --allow-root    keep running as root with all capabilities (tests, debugging)\n"
                "  --help          this text\n"
                "  --version       the version\n");
}

static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
        struct pktd *d = arg;

        (void)fd;
        (void)what;
        if (d->n_conns)
                pktd_log(LOG_NOTICE, "%u connection%s still had replies queued after %d s; closing",
                         d->n_conns, d->n_conns == 1 ? "" : "s", PKTD_DRAIN_SEC);
        (void)event_base_loopbreak(d->base);
}

static void
stop_cb(evutil_socket_t sig, short what, void *arg)
{
        struct pktd *d = arg;
        struct timeval tv = { PKTD_DRAIN_SEC, 0 };

        (void)what;
        if (d->stopping) {
                (void)event_base_loopbreak(d->base);
                return;
        }
        pktd_log(LOG_INFO, "%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
        d->stopping = true;
        pktd_notify_stopping();
        pktd_listeners_stop(d);
        for (struct pktd_conn *c = d->conns; c; c = c->next)
                pktd_conn_shutdown(c);
        if (d->n_conns == 0) {
                (void)event_base_loopbreak(d->base);
                return;
        }
        d->drain = evtimer_new(d->base, drain_cb, d);
        if (!d->drain || evtimer_add(d->drain, &tv) < 0)
                (void)event_base_loopbreak(d->base);
}

static void
hup_cb(evutil_socket_t sig, short what, void *arg)
{
        struct pktd *d = arg;
        struct pktd_conf_error err = { 0 };

        (void)sig;
        (void)what;
        if (!d->stopping)
                (void)pktd_reload(d, &err);
}

/* libpcap resolves the host, network, port, protocol and MAC names of a capture filter through
 * NSS, synchronously, inside pcap_compile() and so inside the loop: a filter naming a host would
 * make every client wait for DNS (seconds, with a dead resolver). pktd looks these names up in the
 * local files only; user and group names (the config's principals) keep the system's sources. */
static void
names_local_only(void)
{
#ifdef __GLIBC__
        static const char *const dbs[] = { "hosts", "networks", "services", "protocols", "ethers" };

        for (size_t i = 0; i < ARRAY_SIZE(dbs); i++)
                if (__nss_configure_lookup(dbs[i], "files") < 0)
                        pktd_log(LOG_WARNING, "cannot limit %s lookups to files", dbs[i]);
#endif
}

static void
teardown(struct pktd *d)
{
        while (d->conns)
                pktd_conn_free(d->conns);
        if (d->drain)
                event_free(d->drain);
        if (d->watchdog)
                event_free(d->watchdog);
        if (d->sig_hup)
                event_free(d->sig_hup);
        if (d->sig_int)
                event_free(d->sig_int);
        if (d->sig_term)
                event_free(d->sig_term);
        pktd_listeners_free(d);
        if (d->base)
                event_base_free(d->base);
        d->conf = pktd_conf_free(d->conf);
}

static int
setup(struct pktd *d, const char *listen_path)
{
        struct pktd_conf_error err = { 0 };
        gid_t sock_group = (gid_t)-1;
        int r;

        r = pktd_conf_load(d->conf_path, d->conf_path_given, &d->conf, &err);
        if (r < 0) {
                pktd_log(LOG_ERR, "%s:%u: %s", d->conf_path, err.line, err.message);
                return r;
        }
        pktd_conf_log_warnings(d->conf, d->conf_path);
        d->allow_root = d->allow_root || d->conf->allow_root;
        pktd_fd_limit_check(d->conf);

        /* The user a root pktd will run as must exist before any socket does: a client that saw
         * the socket appear would take the daemon for started. The socket goes to that user's
         * group, so its members can connect. */
        if (geteuid() == 0 && !d->allow_root) {
                uid_t uid;
                r = pktd_caps_user(d->conf->user, &uid, &sock_group);
                if (r < 0)
                        return r;
        }

        d->base = event_base_new();
        if (!d->base)
                return -ENOMEM;

        r = pktd_listener_from_systemd(d);
        if (r < 0)
                return r;
        if (r > 0 && listen_path)
                pktd_log(LOG_NOTICE, "--listen ignored: systemd passed the sockets");
        if (r == 0) {
                r = pktd_listener_bind(d, listen_path ? listen_path : PKTD_LISTEN_DEFAULT,
                                       sock_group);
                if (r < 0)
                        return r;
        }

        r = pktd_caps_drop(d->conf->user, d->allow_root);
        if (r < 0)
                return r;

        r = pktd_listeners_start(d);
        if (r < 0)
                return r;
        d->sig_term = evsignal_new(d->base, SIGTERM, stop_cb, d);
        d->sig_int = evsignal_new(d->base, SIGINT, stop_cb, d);
        d->sig_hup = evsignal_new(d->base, SIGHUP, hup_cb, d);
        if (!d->sig_term || !d->sig_int || !d->sig_hup || evsignal_add(d->sig_term, NULL) < 0 ||
            evsignal_add(d->sig_int, NULL) < 0 || evsignal_add(d->sig_hup, NULL) < 0)
                return -ENOMEM;
        r = pktd_notify_watchdog_start(d);
        if (r < 0)
                return r;
        d->start_usec = pktd_now_usec();
        return 0;
}

int
main(int argc, char **argv)
{
        enum { OPT_LISTEN = 0x100, OPT_CONFIG, OPT_ALLOW_ROOT, OPT_HELP, OPT_VERSION };
        static const struct option opts[] = {
                { "listen", required_argument, NULL, OPT_LISTEN },
                { "config", required_argument, NULL, OPT_CONFIG },
                { "allow-root", no_argument, NULL, OPT_ALLOW_ROOT },
                { "help", no_argument, NULL, OPT_HELP },
                { "version", no_argument, NULL, OPT_VERSION },
                { NULL, 0, NULL, 0 },
        };
        struct pktd d = { .conf_path = PKTD_CONF_DEFAULT_PATH };
        const char *listen_path = NULL;
        int opt, r;

        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (opt) {
                case OPT_LISTEN:
                        listen_path = optarg;
                        break;
                case OPT_CONFIG:
                        d.conf_path = optarg;
                        d.conf_path_given = true;
                        break;
                case OPT_ALLOW_ROOT:
                        d.allow_root = true;
                        break;
                case OPT_HELP:
                        usage(stdout);
                        return 0;
                case OPT_VERSION:
                        printf("pktd %s\n", PKTD_VERSION);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "pktd: unexpected argument '%s'\n", argv[optind]);
                usage(stderr);
                return 2;
        }

        pktd_log_open();
        (void)signal(SIGPIPE, SIG_IGN);
        names_local_only();

        r = setup(&d, listen_path);
        if (r < 0) {
                pktd_log(LOG_ERR, "start-up failed: %s", strerror(-r));
                teardown(&d);
                return 1;
        }
        pktd_notify_ready(&d);
        pktd_log(LOG_INFO, "pktd %s ready", PKTD_VERSION);

        if (event_base_dispatch(d.base) < 0) {
                pktd_log(LOG_ERR, "the event loop failed");
                teardown(&d);
                return 1;
        }
        teardown(&d);
        pktd_log(LOG_INFO, "stopped");
        return 0;
}
