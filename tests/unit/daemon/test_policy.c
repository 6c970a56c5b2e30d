/* SPDX-License-Identifier: BSD-3-Clause */
/* Roles from real peer credentials: a child process switches to another uid/gid/groups and connects
 * to a Unix socket; pktd_policy_check() on the accepted end must see what the kernel says.
 * Switching uids needs root; without it the credential tests skip (the pure role mapping runs
 * anyway). */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pktp/message.h>

#include "conf.h"
#include "pktd.h"
#include "testutil.h"

#define ALL_ROLES (PKTP_ROLE_CAPTURE | PKTP_ROLE_INJECT | PKTP_ROLE_ADMIN)
/* ids no real account uses on a test machine */
#define T_UID         61001
#define T_GID         61001
#define T_CAPTURE_GID 61100
#define T_INJECT_GID  61200

static struct pktd_conf *
conf_of(const char *text)
{
        struct pktd_conf_error err = { 0 };
        struct pktd_conf *c = NULL;

        if (pktd_conf_parse(text, strlen(text), &c, &err) < 0)
                fail_msg("config: line %u: %s", err.line, err.message);
        return c;
}

static const char *policy_text = "[roles]\n"
                                 "admin = user:0\n"
                                 "capture = group:61100 user:61050\n"
                                 "inject = group:61200\n";

static void
test_policy_admin_implies_capture_and_inject(void **state)
{
        struct pktd_conf *c = conf_of(policy_text);

        (void)state;
        assert_int_equal(pktd_policy_roles(c, 0, 0, NULL, 0), ALL_ROLES);
        pktd_conf_free(c);
}

static void
test_policy_roles_add_up_from_groups(void **state)
{
        struct pktd_conf *c = conf_of(policy_text);
        const gid_t both[] = { 5, T_CAPTURE_GID, T_INJECT_GID };
        const gid_t inj[] = { T_INJECT_GID };

        (void)state;
        assert_int_equal(pktd_policy_roles(c, T_UID, T_GID, both, 3),
                         PKTP_ROLE_CAPTURE | PKTP_ROLE_INJECT);
        assert_int_equal(pktd_policy_roles(c, T_UID, T_GID, inj, 1), PKTP_ROLE_INJECT);
        assert_int_equal(pktd_policy_roles(c, T_UID, T_CAPTURE_GID, NULL, 0), PKTP_ROLE_CAPTURE);
        assert_int_equal(pktd_policy_roles(c, 61050, T_GID, NULL, 0), PKTP_ROLE_CAPTURE);
        assert_int_equal(pktd_policy_roles(c, T_UID, T_GID, NULL, 0), 0);
        pktd_conf_free(c);
}

static void
test_policy_defaults_refuse_everyone_but_root_and_the_groups(void **state)
{
        struct pktd_conf c;

        (void)state;
        pktd_conf_defaults(&c);
        assert_int_equal(pktd_policy_roles(&c, 0, 0, NULL, 0), ALL_ROLES);
        assert_int_equal(pktd_policy_roles(&c, 65534, 65534, NULL, 0), 0);
}

/* --- real peers ------------------------------------------------------------------------------- */

struct server {
        char dir[64];
        char path[128];
        int fd;
};

static void
server_open(struct server *s)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };

        strcpy(s->dir, "/tmp/pktd-test-policy-XXXXXX");
        assert_non_null(mkdtemp(s->dir));
        assert_int_equal(chmod(s->dir, 0755), 0);
        snprintf(s->path, sizeof(s->path), "%s/s", s->dir);
        strcpy(sa.sun_path, s->path);
        s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(s->fd >= 0);
        assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        assert_int_equal(chmod(s->path, 0666), 0);
        assert_int_equal(listen(s->fd, 4), 0);
}

static void
server_close(struct server *s)
{
        close(s->fd);
        unlink(s->path);
        rmdir(s->dir);
}

/* Forks a child that becomes @uid/@gid with @groups and connects; returns the accepted fd. The
 * child waits (at most 10 s) for the parent to close, so its credentials stay valid meanwhile. */
static int
connect_as(struct server *s, uid_t uid, gid_t gid, const gid_t *groups, size_t n, pid_t *ret_pid)
{
        pid_t pid = fork();
        int fd;

        assert_true(pid >= 0);
        if (pid == 0) {
                struct sockaddr_un sa = { .sun_family = AF_UNIX };
                char b;
                int c;

                alarm(10);
                if (setgroups(n, groups) < 0 || setresgid(gid, gid, gid) < 0 ||
                    setresuid(uid, uid, uid) < 0)
                        _exit(2);
                strcpy(sa.sun_path, s->path);
                c = socket(AF_UNIX, SOCK_STREAM, 0);
                if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                        _exit(3);
                (void)read(c, &b, 1);
                _exit(0);
        }
        fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
        assert_true(fd >= 0);
        *ret_pid = pid;
        return fd;
}

static void
child_done(int fd, pid_t pid)
{
        int status;

        close(fd);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

static int
need_root(void **state)
{
        (void)state;
        if (geteuid() != 0) {
                print_message("SKIP: switching uids needs root\n");
                skip();
        }
        return 0;
}

static void
test_policy_peer_credentials_are_the_kernel_s(void **state)
{
        const gid_t groups[] = { 7, T_CAPTURE_GID, 9 };
        struct server s;
        struct pktd_peer peer;
        gid_t *got = NULL;
        size_t n = 0;
        pid_t pid;
        int fd;

        need_root(state);
        server_open(&s);
        fd = connect_as(&s, T_UID, T_GID, groups, 3, &pid);
        assert_int_equal(pktd_policy_peer(fd, &peer, &got, &n), 0);
        assert_int_equal(peer.uid, T_UID);
        assert_int_equal(peer.gid, T_GID);
        assert_int_equal(peer.pid, pid);
        /* the kernel keeps groups sorted */
        assert_int_equal(n, 3);
        assert_int_equal(got[0], 7);
        assert_int_equal(got[1], 9);
        assert_int_equal(got[2], T_CAPTURE_GID);
        free(got);
        child_done(fd, pid);
        server_close(&s);
}

static void
test_policy_many_supplementary_groups_grow_the_buffer(void **state)
{
        /* More than the first guess (64): SO_PEERGROUPS answers ERANGE and the size, and we retry.
         */
        gid_t groups[300];
        struct pktd_conf *c = conf_of(policy_text);
        struct server s;
        struct pktd_peer peer;
        unsigned roles = 99;
        pid_t pid;
        int fd;

        need_root(state);
        for (size_t i = 0; i < 300; i++)
                groups[i] = (gid_t)(62000 + i);
        groups[299] = T_INJECT_GID; /* the one that matters is last */
        server_open(&s);
        fd = connect_as(&s, T_UID, T_GID, groups, 300, &pid);
        assert_int_equal(pktd_policy_check(c, fd, &peer, &roles), 0);
        assert_int_equal(roles, PKTP_ROLE_INJECT);
        child_done(fd, pid);
        server_close(&s);
        pktd_conf_free(c);
}

static void
test_policy_peer_without_role_gets_none(void **state)
{
        struct pktd_conf *c = conf_of(policy_text);
        struct server s;
        struct pktd_peer peer;
        unsigned roles = 99;
        pid_t pid;
        int fd;

        need_root(state);
        server_open(&s);
        fd = connect_as(&s, T_UID, T_GID, NULL, 0, &pid);
        assert_int_equal(pktd_policy_check(c, fd, &peer, &roles), 0);
        assert_int_equal(roles, 0);
        child_done(fd, pid);
        server_close(&s);
        pktd_conf_free(c);
}

static void
test_policy_capture_group_member_gets_capture_only(void **state)
{
        const gid_t groups[] = { T_CAPTURE_GID };
        struct pktd_conf *c = conf_of(policy_text);
        struct server s;
        struct pktd_peer peer;
        unsigned roles = 99;
        pid_t pid;
        int fd;

        need_root(state);
        server_open(&s);
        fd = connect_as(&s, T_UID, T_GID, groups, 1, &pid);
        assert_int_equal(pktd_policy_check(c, fd, &peer, &roles), 0);
        assert_int_equal(roles, PKTP_ROLE_CAPTURE);
        child_done(fd, pid);
        server_close(&s);
        pktd_conf_free(c);
}

static void
test_policy_root_peer_is_admin(void **state)
{
        struct pktd_conf *c = conf_of(policy_text);
        struct server s;
        struct pktd_peer peer;
        unsigned roles = 0;
        pid_t pid;
        int fd;

        need_root(state);
        server_open(&s);
        fd = connect_as(&s, 0, 0, NULL, 0, &pid);
        assert_int_equal(pktd_policy_check(c, fd, &peer, &roles), 0);
        assert_int_equal(roles, ALL_ROLES);
        child_done(fd, pid);
        server_close(&s);
        pktd_conf_free(c);
}

static void
test_policy_socketpair_has_no_peer_groups_problem(void **state)
{
        /* SO_PEERGROUPS on a socketpair answers our own groups; it must simply work. */
        struct pktd_peer peer;
        gid_t *got = NULL;
        size_t n = 0;
        int sv[2];

        (void)state;
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        assert_int_equal(pktd_policy_peer(sv[0], &peer, &got, &n), 0);
        assert_int_equal(peer.uid, geteuid());
        assert_int_equal(peer.pid, getpid());
        free(got);
        close(sv[0]);
        close(sv[1]);
}

static void
test_policy_not_a_socket_is_an_error(void **state)
{
        struct pktd_peer peer;
        gid_t *got = NULL;
        size_t n = 0;
        int fd[2];

        (void)state;
        assert_int_equal(pipe(fd), 0);
        assert_int_equal(pktd_policy_peer(fd[0], &peer, &got, &n), -ENOTSOCK);
        assert_null(got);
        close(fd[0]);
        close(fd[1]);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_policy_admin_implies_capture_and_inject),
                cmocka_unit_test(test_policy_roles_add_up_from_groups),
                cmocka_unit_test(test_policy_defaults_refuse_everyone_but_root_and_the_groups),
                cmocka_unit_test(test_policy_socketpair_has_no_peer_groups_problem),
                cmocka_unit_test(test_policy_not_a_socket_is_an_error),
                cmocka_unit_test(test_policy_peer_credentials_are_the_kernel_s),
                cmocka_unit_test(test_policy_many_supplementary_groups_grow_the_buffer),
                cmocka_unit_test(test_policy_peer_without_role_gets_none),
                cmocka_unit_test(test_policy_capture_group_member_gets_capture_only),
                cmocka_unit_test(test_policy_root_peer_is_admin),
        };

        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
