/* SPDX-License-Identifier: BSD-3-Clause */
/* Privilege drop with the raw syscalls (no libcap): a pktd started as root by hand becomes the pktd
 * user holding CAP_NET_RAW only (raw and packet sockets, nothing else). Under systemd the unit
 * already runs it as its user with AmbientCapabilities=CAP_NET_RAW, and this only verifies. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "pktd.h"

/* The answer for one user fits in far less; the cap stops a broken NSS module from growing us. */
#define NSS_BUF_MAX (1024 * 1024)

struct caps {
        uint64_t effective, permitted, inheritable;
};

static int
caps_get(struct caps *ret)
{
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

        memset(data, 0, sizeof(data));
        if (syscall(SYS_capget, &h, data) < 0)
                return -errno;
        ret->effective = data[0].effective | (uint64_t)data[1].effective << 32;
        ret->permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
        ret->inheritable = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
        return 0;
}

static int
caps_set(const struct caps *c)
{
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

        memset(data, 0, sizeof(data));
        data[0].effective = (uint32_t)c->effective;
        data[1].effective = (uint32_t)(c->effective >> 32);
        data[0].permitted = (uint32_t)c->permitted;
        data[1].permitted = (uint32_t)(c->permitted >> 32);
        data[0].inheritable = (uint32_t)c->inheritable;
        data[1].inheritable = (uint32_t)(c->inheritable >> 32);
        if (syscall(SYS_capset, &h, data) < 0)
                return -errno;
        return 0;
}

int
pktd_user_lookup(const char *name, uid_t *ret_uid, gid_t *ret_gid)
{
        size_t size = 16384;

        for (;;) {
                _cleanup_free_ char *buf = malloc(size);
                struct passwd pw, *res = NULL;
                int r;

                if (!buf)
                        return -ENOMEM;
                r = getpwnam_r(name, &pw, buf, size, &res);
                if (r == 0 && !res)
                        return -ENOENT;
                if (r == 0) {
                        *ret_uid = res->pw_uid;
                        *ret_gid = res->pw_gid;
                        return 0;
                }
                if (r != ERANGE)
                        return (r == ENOENT || r == ESRCH || r == EBADF || r == EPERM) ? -ENOENT
                                                                                       : -r;
                if (size >= NSS_BUF_MAX)
                        return -ERANGE;
                size *= 2;
        }
}

/* Drops every capability but CAP_NET_RAW from the bounding set, so no later capset (or exec; we
 * exec nothing) could regain them. Needs CAP_SETPCAP, so it runs while still root. */
static void
bounding_set_drop(void)
{
        for (unsigned long cap = 0; cap < 64; cap++) {
                if (cap == CAP_NET_RAW)
                        continue;
                if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
                        break; /* EINVAL: past the kernel's last capability */
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
                        pktd_log(LOG_WARNING,
                                 "could not drop capability %lu from the bounding set: %s", cap,
                                 strerror(errno));
        }
}

static int
drop_to(const char *user, uid_t uid, gid_t gid)
{
        const struct caps want = { .effective = 1ull << CAP_NET_RAW,
                                   .permitted = 1ull << CAP_NET_RAW };
        struct caps have;
        uid_t ru, eu, su;
        gid_t rg, eg, sg;
        int r;

        if (uid == 0) {
                pktd_log(LOG_ERR,
                         "the user to drop to (%s) is root; set [daemon] user to another user",
                         user);
                return -EPERM;
        }
        bounding_set_drop();
        /* Keep the permitted set across setresuid() (the effective set is cleared by it). */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return -errno;
        if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
            setresuid(uid, uid, uid) < 0) {
                r = -errno;
                pktd_log(LOG_ERR, "could not switch to user %s (uid %u gid %u): %s", user,
                         (unsigned)uid, (unsigned)gid, strerror(-r));
                return r;
        }
        r = caps_set(&want);
        if (r < 0) {
                pktd_log(LOG_ERR, "could not set capabilities to CAP_NET_RAW: %s", strerror(-r));
                return r;
        }
        (void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
        (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;

        /* Trust, but verify: a kernel or seccomp policy that ignored a step must not leave us root.
         */
        if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
                return -errno;
        r = caps_get(&have);
        if (r < 0)
                return r;
        if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid ||
            have.permitted != want.permitted || have.effective != want.effective) {
                pktd_log(LOG_ERR, "privilege drop did not take effect; refusing to run");
                return -EPERM;
        }
        pktd_log(LOG_INFO, "running as user %s (uid %u gid %u) with CAP_NET_RAW only", user,
                 (unsigned)uid, (unsigned)gid);
        return 0;
}

int
pktd_caps_user(const char *user, uid_t *ret_uid, gid_t *ret_gid)
{
        int r = pktd_user_lookup(user, ret_uid, ret_gid);

        if (r == -ENOENT)
                pktd_log(LOG_ERR,
                         "started as root and user '%s' does not exist: create it (see "
                         "systemd/pktd.sysusers) or run with --allow-root",
                         user);
        else if (r < 0)
                pktd_log(LOG_ERR, "could not look user '%s' up: %s", user, strerror(-r));
        return r;
}

int
pktd_caps_drop(const char *user, bool allow_root)
{
        uid_t uid;
        gid_t gid;
        struct caps have;
        int r;

        if (geteuid() == 0) {
                if (allow_root) {
                        pktd_log(LOG_WARNING, "running as root with all capabilities (allowRoot)");
                        return 0;
                }
                r = pktd_caps_user(user, &uid, &gid);
                return r < 0 ? r : drop_to(user, uid, gid);
        }

        /* Not root: under systemd we hold CAP_NET_RAW at most. More than that means someone gave
         * this process privileges it was not meant to keep (file capabilities, a broad unit). */
        r = caps_get(&have);
        if (r < 0)
                return r;
        if (((have.permitted | have.effective) & ~(1ull << CAP_NET_RAW)) && !allow_root) {
                pktd_log(LOG_ERR,
                         "running with capabilities beyond CAP_NET_RAW (permitted %#llx); refusing "
                         "(allowRoot or --allow-root to override)",
                         (unsigned long long)have.permitted);
                return -EPERM;
        }
        if (!(have.effective & (1ull << CAP_NET_RAW)))
                pktd_log(LOG_NOTICE,
                         "running without CAP_NET_RAW: capture and injection will fail");
        (void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        return 0;
}
