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
#include "netlink.h"
#include "pktd.h"
#include "policy.h"
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

/* ---- issue 5: interfaces and the spoof check, with made-up address lists ---- */

static void
test_policy_iface_allowed_by_list_and_always_for_admin(void **state)
{
        struct pktd_conf *c = conf_of("[capture]\ninterfaces = veth0 eth1\n[inject]\ninterfaces =\n");

        (void)state;
        assert_true(pktd_policy_iface_allowed(&c->capture_ifaces, PKTP_ROLE_CAPTURE, "veth0"));
        assert_false(pktd_policy_iface_allowed(&c->capture_ifaces, PKTP_ROLE_CAPTURE, "eth0"));
        assert_false(pktd_policy_iface_allowed(&c->capture_ifaces, PKTP_ROLE_CAPTURE, "veth"));
        assert_false(pktd_policy_iface_allowed(&c->inject_ifaces, PKTP_ROLE_INJECT, "veth0"));
        assert_true(pktd_policy_iface_allowed(&c->inject_ifaces, ALL_ROLES, "veth0"));
        assert_true(pktd_policy_iface_allowed(&c->inject_ifaces, ALL_ROLES, "anything"));
        assert_false(pktd_policy_iface_allowed(&c->inject_ifaces, ALL_ROLES, NULL));
        pktd_conf_free(c);
}

static void
test_policy_iface_find_is_an_exact_match_on_the_kernel_name(void **state)
{
        struct pktd_nl_iface ifaces[2] = { { .name = "veth0", .index = 5 },
                                           { .name = "veth01", .index = 6 } };
        struct pktd_nl_list l = { .ifaces = ifaces, .n_ifaces = 2 };

        (void)state;
        assert_ptr_equal(pktd_policy_iface_find(&l, "veth0"), &ifaces[0]);
        assert_ptr_equal(pktd_policy_iface_find(&l, "veth01"), &ifaces[1]);
        assert_null(pktd_policy_iface_find(&l, "veth"));
        assert_null(pktd_policy_iface_find(&l, "VETH0"));
        assert_null(pktd_policy_iface_find(&l, ""));
}

/* veth0: 02:00:00:00:00:01, 192.0.2.1 and 2001:db8::1 (and another interface's 198.51.100.1) */
static struct pktd_nl_addr fake_addrs[3] = {
        { .family = AF_INET, .addr = { 192, 0, 2, 1 }, .prefix_len = 24, .ifindex = 5 },
        { .family = AF_INET6,
          .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
          .prefix_len = 64,
          .ifindex = 5 },
        { .family = AF_INET, .addr = { 198, 51, 100, 1 }, .prefix_len = 24, .ifindex = 6 },
};

static void
fake_own(struct pktd_own_addrs *own, unsigned arp_type)
{
        struct pktd_nl_iface ifaces[2] = {
                { .name = "veth0", .index = 5, .arp_type = arp_type, .has_mac = true,
                  .mac = { 2, 0, 0, 0, 0, 1 }, .addr_first = 0, .n_addrs = 2 },
                { .name = "other", .index = 6, .arp_type = 1, .has_mac = true,
                  .mac = { 2, 0, 0, 0, 0, 2 }, .addr_first = 2, .n_addrs = 1 },
        };
        struct pktd_nl_list l = { .ifaces = ifaces, .n_ifaces = 2, .addrs = fake_addrs,
                                  .n_addrs = 3 };

        pktd_policy_own_addrs(&l, &ifaces[0], own);
        assert_ptr_equal(own->addrs, fake_addrs);
}

/* Builds @spec and runs the spoof check on it; returns its result, *what its reason. */
static int
spoof(const struct pktd_own_addrs *own, bool l3, const char *spec, const char **what)
{
        struct pkt p;
        const uint8_t *data;
        size_t n;
        int r;

        pkt_init(&p);
        n = tu_build(&p, spec, &data);
        *what = NULL;
        r = pktd_policy_spoof_check(own, l3, data, n, what);
        pkt_done(&p);
        return r;
}

#define OWN_ETH "ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:09)"

static void
test_policy_spoof_check_passes_the_interface_s_own_sources(void **state)
{
        struct pktd_own_addrs own;
        const char *what;

        (void)state;
        fake_own(&own, 1 /* ARPHRD_ETHER */);
        assert_int_equal(own.link, PKTD_LINK_ETHERNET);
        assert_int_equal(spoof(&own, false, OWN_ETH "/ip(src=192.0.2.1,dst=192.0.2.2)/icmp/echo",
                               &what),
                         0);
        assert_int_equal(spoof(&own, false,
                               OWN_ETH "/ip6(src=2001:db8::1,dst=2001:db8::2)/udp(dport=9)", &what),
                         0);
        assert_int_equal(spoof(&own, false,
                               OWN_ETH "/arp(sha=02:00:00:00:00:01,spa=192.0.2.1,tpa=192.0.2.2)",
                               &what),
                         0);
        /* unspecified sources claim nobody: DHCP discover, DAD, ARP probe */
        assert_int_equal(spoof(&own, false, OWN_ETH "/ip(src=0.0.0.0,dst=255.255.255.255)/udp",
                               &what),
                         0);
        assert_int_equal(spoof(&own, false, OWN_ETH "/ip6(src=::,dst=ff02::1)/udp", &what), 0);
        /* through a VLAN tag */
        assert_int_equal(spoof(&own, false,
                               OWN_ETH "/dot1q(vid=5)/ip(src=192.0.2.1,dst=192.0.2.2)/udp", &what),
                         0);
        /* a protocol with no network-layer source: only the MAC counts */
        assert_int_equal(spoof(&own, false,
                               "ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:09,type=0x88b5)"
                               "/raw(\"hello\")",
                               &what),
                         0);
        /* layer 3 */
        assert_int_equal(spoof(&own, true, "ip(src=192.0.2.1,dst=192.0.2.2)/icmp/echo", &what), 0);
        assert_int_equal(spoof(&own, true, "ip6(src=2001:db8::1,dst=2001:db8::2)/icmp6", &what),
                         0);
}

static void
test_policy_spoof_check_refuses_foreign_sources(void **state)
{
        struct pktd_own_addrs own;
        const char *what;

        (void)state;
        fake_own(&own, 1);
        assert_int_equal(spoof(&own, false,
                               "ethernet(src=02:00:00:00:00:02)/ip(src=192.0.2.1,dst=192.0.2.2)",
                               &what),
                         -EPERM);
        assert_non_null(strstr(what, "source MAC"));
        assert_int_equal(spoof(&own, false, OWN_ETH "/ip(src=192.0.2.3,dst=192.0.2.2)/icmp/echo",
                               &what),
                         -EPERM);
        assert_non_null(strstr(what, "source IPv4"));
        /* another interface's address is not this one's */
        assert_int_equal(spoof(&own, false, OWN_ETH "/ip(src=198.51.100.1,dst=192.0.2.2)", &what),
                         -EPERM);
        assert_int_equal(spoof(&own, false, OWN_ETH "/ip6(src=2001:db8::2,dst=2001:db8::1)/udp",
                               &what),
                         -EPERM);
        assert_non_null(strstr(what, "source IPv6"));
        assert_int_equal(spoof(&own, false,
                               OWN_ETH "/arp(sha=02:00:00:00:00:07,spa=192.0.2.1,tpa=192.0.2.2)",
                               &what),
                         -EPERM);
        assert_non_null(strstr(what, "ARP sender MAC"));
        assert_int_equal(spoof(&own, false,
                               OWN_ETH "/arp(sha=02:00:00:00:00:01,spa=192.0.2.99,tpa=192.0.2.2)",
                               &what),
                         -EPERM);
        assert_non_null(strstr(what, "ARP sender IPv4"));
        assert_int_equal(spoof(&own, false,
                               OWN_ETH "/dot1q(vid=5)/ip(src=10.0.0.1,dst=192.0.2.2)/udp", &what),
                         -EPERM);
        assert_int_equal(spoof(&own, true, "ip(src=192.0.2.77,dst=192.0.2.2)/icmp/echo", &what),
                         -EPERM);
        assert_int_equal(spoof(&own, true, "ip6(src=fe80::1,dst=2001:db8::2)/icmp6", &what), -EPERM);
        /* broadcast and multicast sources are nobody's own */
        assert_int_equal(spoof(&own, false,
                               "ethernet(src=ff:ff:ff:ff:ff:ff)/ip(src=192.0.2.1,dst=192.0.2.2)",
                               &what),
                         -EPERM);
}

static void
test_policy_spoof_check_refuses_what_it_cannot_check(void **state)
{
        static const uint8_t short_eth[10] = { 0 };
        static const uint8_t cut_ip[14 + 10] = { 2, 0, 0, 0, 0, 9, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
                                                 0x45 };
        static const uint8_t ip_says_6[14 + 40] = { 2, 0, 0, 0, 0, 9, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
                                                    0x60 };
        uint8_t tags[14 + 5 * 4 + 20] = { 2, 0, 0, 0, 0, 9, 2, 0, 0, 0, 0, 1 };
        struct pktd_own_addrs own;
        const char *what = NULL;

        (void)state;
        fake_own(&own, 1);
        assert_int_equal(pktd_policy_spoof_check(&own, false, short_eth, sizeof(short_eth), &what),
                         -EPERM);
        assert_int_equal(pktd_policy_spoof_check(&own, false, cut_ip, sizeof(cut_ip), &what),
                         -EPERM);
        assert_non_null(strstr(what, "cut short"));
        assert_int_equal(pktd_policy_spoof_check(&own, false, ip_says_6, sizeof(ip_says_6), &what),
                         -EPERM);
        /* five VLAN tags: one more than pktd looks through */
        for (size_t i = 0; i < 5; i++) {
                tags[12 + 4 * i] = 0x81;
                tags[13 + 4 * i] = 0x00;
        }
        tags[12 + 20] = 0x08;
        assert_int_equal(pktd_policy_spoof_check(&own, false, tags, sizeof(tags), &what), -EPERM);
        assert_non_null(strstr(what, "VLAN"));
        /* an ARP packet of another form */
        assert_int_equal(spoof(&own, false, OWN_ETH "/arp(hln=8,sha=02:00:00:00:00:01)", &what),
                         -EPERM);
        /* a link type pktd does not know (ARPHRD_IEEE80211_RADIOTAP) */
        fake_own(&own, 803);
        assert_int_equal(own.link, PKTD_LINK_OTHER);
        assert_int_equal(spoof(&own, false, OWN_ETH "/ip(src=192.0.2.1,dst=192.0.2.2)", &what),
                         -EPERM);
        /* tun-like links start with IP on layer 2 too */
        fake_own(&own, 0xfffe /* ARPHRD_NONE */);
        assert_int_equal(own.link, PKTD_LINK_IP);
        assert_int_equal(spoof(&own, false, "ip(src=192.0.2.1,dst=192.0.2.2)/udp", &what), 0);
        assert_int_equal(spoof(&own, false, "ip(src=192.0.2.5,dst=192.0.2.2)/udp", &what), -EPERM);
        /* an interface without a MAC (no IFLA_ADDRESS) has no own source MAC */
        fake_own(&own, 1);
        own.has_mac = false;
        assert_int_equal(spoof(&own, false,
                               "ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:09,type=0x88b5)"
                               "/raw(\"x\")",
                               &what),
                         -EPERM);
        assert_non_null(strstr(what, "source MAC"));
}

/* An IPv6 Neighbor Advertisement claims its target address (and a link-layer address option its
 * MAC), as an ARP reply claims its sender: a foreign target is the IPv6 form of ARP spoofing. */
static size_t
ndp_frame(uint8_t *f, uint8_t icmp_type, const uint8_t target[16], const uint8_t lladdr[6],
          bool hop_by_hop)
{
        static const uint8_t eth[14] = { 0x33, 0x33, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0x86, 0xdd };
        static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                         0,    0,    0,    0,    0, 0, 0, 1 };
        size_t off = 14 + 40, icmp_len = 8 + 16 + 8;

        memset(f, 0, 14 + 40 + 8 + icmp_len);
        memcpy(f, eth, sizeof(eth));
        f[14] = 0x60;
        f[14 + 6] = hop_by_hop ? 0 : 58;
        f[14 + 7] = 255;
        memcpy(f + 14 + 8, src, 16);
        f[14 + 24] = 0xff;
        f[14 + 25] = 0x02;
        f[14 + 39] = 1;
        if (hop_by_hop) {
                f[off] = 58; /* next header; length 0: 8 bytes of padding options */
                f[off + 2] = 1; /* PadN, 4 bytes */
                f[off + 3] = 4;
                off += 8;
        }
        f[off] = icmp_type;
        memcpy(f + off + 8, target, 16);
        f[off + 24] = 2; /* target link-layer address option, 8 bytes */
        f[off + 25] = 1;
        memcpy(f + off + 26, lladdr, 6);
        off += icmp_len;
        f[14 + 5] = (uint8_t)(off - 14 - 40);
        return off;
}

static void
test_policy_spoof_check_refuses_foreign_ndp_target_and_lladdr(void **state)
{
        static const uint8_t own_ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                             0,    0,    0,    0,    0, 0, 0, 1 };
        static const uint8_t other_ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                               0,    0,    0,    0,    0, 0, 0, 2 };
        static const uint8_t own_mac[6] = { 2, 0, 0, 0, 0, 1 };
        static const uint8_t other_mac[6] = { 2, 0, 0, 0, 0, 7 };
        uint8_t f[14 + 40 + 8 + 32 + 8];
        struct pktd_own_addrs own;
        const char *what = NULL;
        size_t n;

        (void)state;
        fake_own(&own, 1);
        n = ndp_frame(f, 136, own_ip6, own_mac, false);
        assert_int_equal(pktd_policy_spoof_check(&own, false, f, n, &what), 0);
        /* layer 3: the same packet from its IPv6 header */
        assert_int_equal(pktd_policy_spoof_check(&own, true, f + 14, n - 14, &what), 0);
        n = ndp_frame(f, 136, other_ip6, own_mac, false);
        assert_int_equal(pktd_policy_spoof_check(&own, false, f, n, &what), -EPERM);
        assert_non_null(strstr(what, "target"));
        assert_int_equal(pktd_policy_spoof_check(&own, true, f + 14, n - 14, &what), -EPERM);
        /* behind an extension header */
        n = ndp_frame(f, 136, other_ip6, own_mac, true);
        assert_int_equal(pktd_policy_spoof_check(&own, false, f, n, &what), -EPERM);
        n = ndp_frame(f, 136, own_ip6, own_mac, true);
        assert_int_equal(pktd_policy_spoof_check(&own, false, f, n, &what), 0);
        /* a link-layer address option naming another MAC */
        n = ndp_frame(f, 136, own_ip6, other_mac, false);
        assert_int_equal(pktd_policy_spoof_check(&own, false, f, n, &what), -EPERM);
        assert_non_null(strstr(what, "link-layer"));
        /* a Neighbor Solicitation's target is the address asked about: any (DAD, resolution) */
        n = ndp_frame(f, 135, other_ip6, own_mac, false);
        assert_int_equal(pktd_policy_spoof_check(&own, false, f, n, &what), 0);
        n = ndp_frame(f, 135, other_ip6, other_mac, false);
        assert_int_equal(pktd_policy_spoof_check(&own, false, f, n, &what), -EPERM);
        /* padding after the IPv6 payload is not an option */
        n = ndp_frame(f, 136, own_ip6, own_mac, false);
        memset(f + n, 0, 8);
        assert_int_equal(pktd_policy_spoof_check(&own, false, f, n + 8, &what), 0);
        /* cut inside the advertisement: cannot be checked */
        n = ndp_frame(f, 136, own_ip6, own_mac, false);
        f[14 + 5] = 16;
        assert_int_equal(pktd_policy_spoof_check(&own, false, f, 14 + 40 + 16, &what), -EPERM);
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
                cmocka_unit_test(test_policy_iface_allowed_by_list_and_always_for_admin),
                cmocka_unit_test(test_policy_iface_find_is_an_exact_match_on_the_kernel_name),
                cmocka_unit_test(test_policy_spoof_check_passes_the_interface_s_own_sources),
                cmocka_unit_test(test_policy_spoof_check_refuses_foreign_sources),
                cmocka_unit_test(test_policy_spoof_check_refuses_what_it_cannot_check),
                cmocka_unit_test(test_policy_spoof_check_refuses_foreign_ndp_target_and_lladdr),
        };

        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
