/* SPDX-License-Identifier: BSD-3-Clause */
/* Who is on the other end, from the kernel: SO_PEERCRED (uid, gid, pid at connect time) and
 * SO_PEERGROUPS (the supplementary groups at connect time). Nothing the client says counts. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <pktp/message.h>

#include "conf.h"
#include "pktd.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

/* First guess at the peer's group count: most users are in a handful of groups. */
#define PEER_GROUPS_INITIAL 64

int
pktd_policy_peer(int fd, struct pktd_peer *ret_peer, gid_t **ret_groups, size_t *ret_n_groups)
{
        struct ucred cred;
        socklen_t len = sizeof(cred);
        size_t n = PEER_GROUPS_INITIAL;
        gid_t *groups = NULL;

        if (fd < 0 || !ret_peer || !ret_groups || !ret_n_groups)
                return -EINVAL;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return -errno;
        if (len != sizeof(cred))
                return -EIO;

        /* The kernel answers ERANGE and the needed size when the buffer is short; the groups can
         * not change between calls (they are the peer's at connect time), so two rounds suffice,
         * bounded anyway by NGROUPS_MAX. */
        for (unsigned round = 0; round < 4; round++) {
                gid_t *g = realloc(groups, n * sizeof(gid_t));
                socklen_t glen = (socklen_t)(n * sizeof(gid_t));

                if (!g) {
                        free(groups);
                        return -ENOMEM;
                }
                groups = g;
                if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0) {
                        *ret_peer = (struct pktd_peer){ .uid = cred.uid,
                                                        .gid = cred.gid,
                                                        .pid = cred.pid };
                        *ret_groups = groups;
                        *ret_n_groups = glen / sizeof(gid_t);
                        return 0;
                }
                if (errno != ERANGE) {
                        int e = errno;

                        free(groups);
                        return -e;
                }
                n = glen / sizeof(gid_t);
                if (n == 0 || n > PKTD_PEER_GROUPS_MAX) {
                        free(groups);
                        return -E2BIG;
                }
        }
        free(groups);
        return -EIO;
}

unsigned
pktd_policy_roles(const struct pktd_conf *conf, uid_t uid, gid_t gid, const gid_t *groups,
                  size_t n_groups)
{
        unsigned roles = 0;

        if (pktd_role_conf_match(&conf->roles[PKTD_ROLE_IDX_ADMIN], uid, gid, groups, n_groups))
                /* admin may do everything the other roles may */
                return PKTP_ROLE_ADMIN | PKTP_ROLE_CAPTURE | PKTP_ROLE_INJECT;
        if (pktd_role_conf_match(&conf->roles[PKTD_ROLE_IDX_CAPTURE], uid, gid, groups, n_groups))
                roles |= PKTP_ROLE_CAPTURE;
        if (pktd_role_conf_match(&conf->roles[PKTD_ROLE_IDX_INJECT], uid, gid, groups, n_groups))
                roles |= PKTP_ROLE_INJECT;
        return roles;
}

int
pktd_policy_check(const struct pktd_conf *conf, int fd, struct pktd_peer *ret_peer,
                  unsigned *ret_roles)
{
        gid_t *groups = NULL;
        size_t n = 0;
        int r;

        r = pktd_policy_peer(fd, ret_peer, &groups, &n);
        if (r < 0)
                return r;
        *ret_roles = pktd_policy_roles(conf, ret_peer->uid, ret_peer->gid, groups, n);
        free(groups);
        return 0;
}
