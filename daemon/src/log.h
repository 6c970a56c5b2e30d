/* SPDX-License-Identifier: BSD-3-Clause */
/* pktd's log: stderr lines, or journald entries with structured fields when stderr is the journal
 * (JOURNAL_STREAM names stderr's device and inode). Never logs payload bytes. */
#ifndef PKTD_LOG_H
#define PKTD_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <syslog.h>

/* Decides where log lines go; call once at start-up (again after stderr changes). */
void pktd_log_open(void);
/* true when lines go to journald */
bool pktd_log_is_journal(void);

void pktd_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One line per privileged call: who (uid, pid), which connection, which method. */
void pktd_log_call(uid_t uid, pid_t pid, uint64_t conn_id, const char *method);

/* A peer refused at accept (no role, or a connection limit). Rate-limited: a flood of connects
 * writes at most PKTD_LOG_REFUSED_BURST lines per PKTD_LOG_REFUSED_INTERVAL_SEC and then one line
 * saying how many were suppressed. */
#define PKTD_LOG_REFUSED_BURST        10
#define PKTD_LOG_REFUSED_INTERVAL_SEC 10
void pktd_log_refused(uid_t uid, gid_t gid, pid_t pid, const char *why);

/* A call refused with PermissionDenied: logged for the audit trail, rate-limited like refusals so a
 * client looping on a forbidden method cannot fill the journal. */
void pktd_log_denied(uid_t uid, pid_t pid, uint64_t conn_id, const char *method);

#endif
