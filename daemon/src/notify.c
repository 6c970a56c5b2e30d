/* SPDX-License-Identifier: BSD-3-Clause */
/* systemd glue: Type=notify readiness and status, reload and stop notices, watchdog pings from the
 * event loop (so a wedged loop stops pinging and systemd restarts us). Without $NOTIFY_SOCKET every
 * sd_notify() is a no-op. */
#include <errno.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "conn.h"
#include "log.h"
#include "pktd.h"

/* A STATUS= line: a sentence, not a report. */
#define STATUS_MAX 200

uint64_t
pktd_now_usec(void)
{
        struct timespec ts;

        (void)clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void
pktd_notify_status(const char *fmt, ...)
{
        char status[STATUS_MAX];
        va_list ap;

        va_start(ap, fmt);
        (void)vsnprintf(status, sizeof(status), fmt, ap);
        va_end(ap);
        (void)sd_notifyf(0, "STATUS=%s", status);
}

void
pktd_notify_ready(struct pktd *d)
{
        (void)sd_notifyf(0, "READY=1\nSTATUS=Serving, %u connection%s", d->n_conns,
                         d->n_conns == 1 ? "" : "s");
}

void
pktd_notify_reloading(void)
{
        /* systemd 253 wants MONOTONIC_USEC with RELOADING=1 (Type=notify-reload); older ones ignore
         * it. CLOCK_MONOTONIC, as sd_notify(3) says. */
        (void)sd_notifyf(0, "RELOADING=1\nSTATUS=Reloading the configuration\nMONOTONIC_USEC=%llu",
                         (unsigned long long)pktd_now_usec());
}

void
pktd_notify_stopping(void)
{
        (void)sd_notify(0, "STOPPING=1\nSTATUS=Stopping: finishing queued replies");
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
        (void)fd;
        (void)what;
        (void)arg;
        (void)sd_notify(0, "WATCHDOG=1");
}

int
pktd_notify_watchdog_start(struct pktd *d)
{
        uint64_t usec = 0;
        struct timeval tv;
        int r;

        r = sd_watchdog_enabled(0, &usec);
        if (r <= 0 || usec == 0)
                return r < 0 ? r : 0;
        /* Ping at half the interval, as sd_watchdog_enabled(3) recommends, so one slow loop pass
         * does not get us killed. */
        usec /= 2;
        tv.tv_sec = (time_t)(usec / 1000000u);
        tv.tv_usec = (suseconds_t)(usec % 1000000u);
        d->watchdog = event_new(d->base, -1, EV_PERSIST, watchdog_cb, d);
        if (!d->watchdog)
                return -ENOMEM;
        if (event_add(d->watchdog, &tv) < 0)
                return -EIO;
        d->watchdog_usec = usec * 2;
        (void)sd_notify(0, "WATCHDOG=1");
        pktd_log(LOG_INFO, "watchdog: pinging every %llu ms", (unsigned long long)usec / 1000u);
        return 0;
}
