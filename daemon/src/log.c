/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

#include "log.h"
#include "pktd.h"

/* One formatted message; longer ones are cut (messages are ours, never client data of any size). */
#define LOG_LINE_MAX 512

static bool use_journal;

/* A fixed window: at most PKTD_LOG_REFUSED_BURST lines per PKTD_LOG_REFUSED_INTERVAL_SEC. */
struct ratelimit {
        uint64_t begin_usec;
        unsigned n;
        unsigned long suppressed;
};

static struct ratelimit refused_rl, denied_rl;

void
pktd_log_open(void)
{
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        use_journal = false;
        /* systemd sets JOURNAL_STREAM=DEV:INO for a unit whose stderr is the journal; a child that
         * inherited the variable but has another stderr must not log to the journal twice. */
        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return;
        if (fstat(STDERR_FILENO, &st) < 0)
                return;
        use_journal = (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

bool
pktd_log_is_journal(void)
{
        return use_journal;
}

static const char *
prio_prefix(int priority)
{
        switch (priority) {
        case LOG_EMERG:
        case LOG_ALERT:
        case LOG_CRIT:
        case LOG_ERR:
                return "error: ";
        case LOG_WARNING:
                return "warning: ";
        default:
                return "";
        }
}

static void
emit(int priority, const char *msg, const uid_t *uid, const pid_t *pid, const char *method)
{
        if (use_journal) {
                if (method)
                        (void)sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", priority,
                                              "PKTD_UID=%u", (unsigned)*uid, "PKTD_PID=%d",
                                              (int)*pid, "PKTD_METHOD=%s", method, NULL);
                else if (uid)
                        (void)sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", priority,
                                              "PKTD_UID=%u", (unsigned)*uid, "PKTD_PID=%d",
                                              (int)*pid, NULL);
                else
                        (void)sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", priority, NULL);
                return;
        }
        (void)fprintf(stderr, "pktd: %s%s\n", prio_prefix(priority), msg);
}

void
pktd_log(int priority, const char *fmt, ...)
{
        char msg[LOG_LINE_MAX];
        va_list ap;

        va_start(ap, fmt);
        (void)vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        emit(priority, msg, NULL, NULL, NULL);
}

void
pktd_log_call(uid_t uid, pid_t pid, uint64_t conn_id, const char *method)
{
        char msg[LOG_LINE_MAX];

        (void)snprintf(msg, sizeof(msg), "call %s by uid %u pid %d (client %llu)", method,
                       (unsigned)uid, (int)pid, (unsigned long long)conn_id);
        emit(LOG_NOTICE, msg, &uid, &pid, method);
}

/* Whether one more line may go out now; says how many were dropped when a new window opens. */
static bool
ratelimit_ok(struct ratelimit *rl, const char *what)
{
        uint64_t now = pktd_now_usec();
        char msg[LOG_LINE_MAX];

        if (rl->begin_usec == 0 ||
            now - rl->begin_usec >= (uint64_t)PKTD_LOG_REFUSED_INTERVAL_SEC * 1000000u) {
                if (rl->suppressed) {
                        (void)snprintf(msg, sizeof(msg), "%lu more %s not logged in the last %d s",
                                       rl->suppressed, what, PKTD_LOG_REFUSED_INTERVAL_SEC);
                        emit(LOG_WARNING, msg, NULL, NULL, NULL);
                }
                rl->begin_usec = now;
                rl->n = 0;
                rl->suppressed = 0;
        }
        if (rl->n >= PKTD_LOG_REFUSED_BURST) {
                rl->suppressed++;
                return false;
        }
        rl->n++;
        return true;
}

void
pktd_log_refused(uid_t uid, gid_t gid, pid_t pid, const char *why)
{
        char msg[LOG_LINE_MAX];

        if (!ratelimit_ok(&refused_rl, "refused connections"))
                return;
        (void)snprintf(msg, sizeof(msg), "refused connection from uid %u gid %u pid %d: %s",
                       (unsigned)uid, (unsigned)gid, (int)pid, why);
        emit(LOG_WARNING, msg, &uid, &pid, NULL);
}

void
pktd_log_denied(uid_t uid, pid_t pid, uint64_t conn_id, const char *method)
{
        char msg[LOG_LINE_MAX];

        if (!ratelimit_ok(&denied_rl, "denied calls"))
                return;
        (void)snprintf(msg, sizeof(msg), "denied %s to uid %u pid %d (client %llu)", method,
                       (unsigned)uid, (int)pid, (unsigned long long)conn_id);
        emit(LOG_WARNING, msg, &uid, &pid, method);
}
