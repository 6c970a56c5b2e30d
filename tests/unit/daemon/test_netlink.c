/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netlink.c and io.pktd.Capture.ListInterfaces (m_capture.c): the host's loopback as listed here,
 * and, as root, a network namespace of our own with a veth pair whose every field is known: the
 * listing is taken inside it (setns in a forked child) and checked field by field in its JSON
 * reply. The namespace is deleted in each test's teardown and at exit, also when a check fails.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pktp/buf.h>
#include <pktp/error.h>

#include "dispatch.h"
#include "netlink.h"
#include "testutil.h"

/* Why 10 s: every ip(8) call here takes milliseconds; a hung one must not hang ctest. */
#define CMD_TIMEOUT_MS 10000
/* Why 1 MiB: a namespace listing with four interfaces is a few hundred bytes. */
#define REPLY_MAX (1024 * 1024)

static char ns_name[64];
static bool ns_created;

static void
sleep_ms(long ms)
{
        struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

        (void)nanosleep(&ts, NULL);
}

/* Waits for @pid at most @timeout_ms, then kills it. Returns its exit status, or -1. */
static int
wait_bounded(pid_t pid, long timeout_ms)
{
        int status;

        for (long waited = 0; waited <= timeout_ms; waited += 10) {
                pid_t r = waitpid(pid, &status, WNOHANG);

                if (r == pid)
                        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                if (r < 0 && errno != EINTR)
                        return -1;
                sleep_ms(10);
        }
        (void)kill(pid, SIGKILL);
        (void)waitpid(pid, &status, 0);
        return -1;
}

/* Runs @argv (no shell: the odd interface name goes through as one argument) with its output
 * discarded. Returns its exit status, or -1. */
static int
run(const char *const argv[])
{
        pid_t pid = fork();

        if (pid < 0)
                return -1;
        if (pid == 0) {
                int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

                if (null >= 0) {
                        (void)dup2(null, STDOUT_FILENO);
                        (void)dup2(null, STDERR_FILENO);
                }
                execvp(argv[0], (char *const *)argv);
                _exit(127);
        }
        return wait_bounded(pid, CMD_TIMEOUT_MS);
}

static void
ns_delete(void)
{
        if (!ns_created)
                return;
        ns_created = false;
        (void)run((const char *const[]){ "ip", "netns", "del", ns_name, NULL });
}

static int
teardown_ns(void **state)
{
        (void)state;
        ns_delete();
        return 0;
}

/* ---- the host's own listing ---- */

static const struct pktd_nl_iface *
find_iface(const struct pktd_nl_list *l, const char *name)
{
        for (size_t i = 0; i < l->n_ifaces; i++)
                if (strcmp(l->ifaces[i].name, name) == 0)
                        return &l->ifaces[i];
        return NULL;
}

static bool
has_addr(const struct pktd_nl_list *l, const struct pktd_nl_iface *ifc, int family,
         const char *text, unsigned prefix_len)
{
        uint8_t want[16];

        assert_int_equal(inet_pton(family, text, want), 1);
        for (size_t i = 0; i < ifc->n_addrs; i++) {
                const struct pktd_nl_addr *a = &l->addrs[ifc->addr_first + i];

                assert_int_equal(a->ifindex, ifc->index);
                if (a->family == family && a->prefix_len == prefix_len &&
                    memcmp(a->addr, want, family == AF_INET ? 4 : 16) == 0)
                        return true;
        }
        return false;
}

static bool
ipv6_enabled(void)
{
        FILE *f = fopen("/proc/sys/net/ipv6/conf/lo/disable_ipv6", "re");
        int c;

        if (!f)
                return false;
        c = fgetc(f);
        fclose(f);
        return c == '0';
}

static void
test_lo_is_listed_up_with_its_loopback_addresses(void **state)
{
        struct pktd_nl_list l = { 0 };
        const struct pktd_nl_iface *lo;

        (void)state;
        assert_int_equal(pktd_nl_list_ifaces(&l), 0);
        assert_true(l.n_ifaces >= 1);
        lo = find_iface(&l, "lo");
        assert_non_null(lo);
        assert_true(lo->index > 0);
        assert_int_equal(lo->arp_type, ARPHRD_LOOPBACK);
        assert_string_equal(pktd_nl_link_type(lo->arp_type), "EN10MB");
        assert_true(lo->flags & IFF_UP);
        assert_true(lo->flags & IFF_LOOPBACK);
        assert_true(lo->mtu > 0);
        assert_true(has_addr(&l, lo, AF_INET, "127.0.0.1", 8));
        if (ipv6_enabled())
                assert_true(has_addr(&l, lo, AF_INET6, "::1", 128));
        /* every address record belongs to the interface that points at it */
        for (size_t i = 0; i < l.n_ifaces; i++)
                assert_true(l.ifaces[i].addr_first + l.ifaces[i].n_addrs <= l.n_addrs);
        pktd_nl_list_done(&l);
        assert_null(l.ifaces);
        assert_int_equal(l.n_ifaces, 0);
}

static void
test_listing_twice_gives_the_same_interfaces(void **state)
{
        struct pktd_nl_list a = { 0 }, b = { 0 };

        (void)state;
        assert_int_equal(pktd_nl_list_ifaces(&a), 0);
        assert_int_equal(pktd_nl_list_ifaces(&b), 0);
        assert_int_equal(a.n_ifaces, b.n_ifaces);
        for (size_t i = 0; i < a.n_ifaces; i++) {
                assert_string_equal(a.ifaces[i].name, b.ifaces[i].name);
                assert_int_equal(a.ifaces[i].index, b.ifaces[i].index);
        }
        pktd_nl_list_done(&a);
        pktd_nl_list_done(&b);
        pktd_nl_list_done(NULL);
}

static void
test_link_types_are_libpcaps_names(void **state)
{
        (void)state;
        assert_string_equal(pktd_nl_link_type(ARPHRD_ETHER), "EN10MB");
        assert_string_equal(pktd_nl_link_type(ARPHRD_LOOPBACK), "EN10MB");
        assert_string_equal(pktd_nl_link_type(ARPHRD_NONE), "RAW");
        assert_string_equal(pktd_nl_link_type(ARPHRD_IEEE80211_RADIOTAP), "IEEE802_11_RADIO");
        assert_string_equal(pktd_nl_link_type(ARPHRD_PPP), "LINUX_SLL");
        assert_string_equal(pktd_nl_link_type(12345), "LINUX_SLL");
}

static struct json_object *
json_iface(struct json_object *ifaces, const char *name)
{
        for (size_t i = 0; i < json_object_array_length(ifaces); i++) {
                struct json_object *o = json_object_array_get_idx(ifaces, i), *n;

                if (json_object_object_get_ex(o, "name", &n) &&
                    strcmp(json_object_get_string(n), name) == 0)
                        return o;
        }
        return NULL;
}

static struct json_object *
member(struct json_object *o, const char *key)
{
        struct json_object *v = NULL;

        if (!json_object_object_get_ex(o, key, &v))
                fail_msg("member \"%s\" missing in %s", key, json_object_to_json_string(o));
        return v;
}

static void
test_list_interfaces_reply_has_lo(void **state)
{
        struct pktp_buf out;
        struct pktp_error err = { 0 };
        struct json_object *root, *lo, *addrs;
        bool v4 = false;

        (void)state;
        pktp_buf_init(&out, REPLY_MAX);
        assert_int_equal(pktd_capture_list_interfaces(NULL, NULL, NULL, &out, &err), 0);
        root = json_tokener_parse(out.data);
        assert_non_null(root);
        lo = json_iface(member(root, "interfaces"), "lo");
        assert_non_null(lo);
        assert_string_equal(json_object_get_string(member(lo, "linkType")), "EN10MB");
        assert_int_equal(json_object_get_int(member(lo, "arpType")), ARPHRD_LOOPBACK);
        assert_true(json_object_get_boolean(member(lo, "up")));
        assert_string_equal(json_object_get_string(member(lo, "mac")), "00:00:00:00:00:00");
        addrs = member(lo, "addresses");
        for (size_t i = 0; i < json_object_array_length(addrs); i++) {
                struct json_object *a = json_object_array_get_idx(addrs, i);

                if (strcmp(json_object_get_string(member(a, "address")), "127.0.0.1") == 0) {
                        assert_string_equal(json_object_get_string(member(a, "family")), "inet");
                        assert_int_equal(json_object_get_int(member(a, "prefixLength")), 8);
                        v4 = true;
                }
        }
        assert_true(v4);
        json_object_put(root);
        pktp_buf_done(&out);
}

static void
test_list_interfaces_over_the_output_cap_is_limit_exceeded(void **state)
{
        struct pktp_buf out;
        struct pktp_error err = { 0 };

        (void)state;
        pktp_buf_init(&out, 40);
        assert_true(pktd_capture_list_interfaces(NULL, NULL, NULL, &out, &err) < 0);
        assert_int_equal(err.id, PKTP_ERR_LIMIT_EXCEEDED);
        assert_string_equal(err.arg, "outputBuffer");
        pktp_buf_done(&out);
}

/* ---- a namespace of our own (root) ---- */

/* An interface name with a quote, a backslash and a Latin-1 byte: the kernel allows all three. */
static const char odd_name[] = "pk\"t\\d\xe9";
/* What it becomes in JSON (\u00e9) as json-c gives it back: UTF-8. */
static const char odd_name_utf8[] = "pk\"t\\d\xc3\xa9";

static int
ns_ip(const char *a, const char *b, const char *c, const char *d, const char *e, const char *f,
      const char *g)
{
        const char *argv[] = { "ip", "-n", ns_name, a, b, c, d, e, f, g, NULL };

        return run(argv);
}

/* The interface's index as ip(8) reports it inside the namespace, or -1. */
static int
ns_ifindex(const char *name)
{
        char cmd[256];
        char *out;
        int status, idx = -1;

        snprintf(cmd, sizeof(cmd), "ip -n %s -o link show dev %s 2>/dev/null", ns_name, name);
        out = tu_run(cmd, &status);
        if (out && status == 0)
                idx = atoi(out);
        free(out);
        return idx > 0 ? idx : -1;
}

/* Waits until ip(8) reports @name's operational state UP (linkwatch sets it shortly after the
 * carrier comes up). */
static bool
ns_wait_oper_up(const char *name)
{
        char cmd[256];

        snprintf(cmd, sizeof(cmd), "ip -n %s -o link show dev %s 2>/dev/null", ns_name, name);
        for (int i = 0; i < 500; i++) {
                int status;
                char *out = tu_run(cmd, &status);
                bool up = out && strstr(out, " state UP ");

                free(out);
                if (up)
                        return true;
                sleep_ms(10);
        }
        return false;
}

static void
ns_setup(void)
{
        snprintf(ns_name, sizeof(ns_name), "pktd-t-%ld", (long)getpid());
        assert_int_equal(run((const char *const[]){ "ip", "netns", "add", ns_name, NULL }), 0);
        ns_created = true;
        assert_int_equal(ns_ip("link", "set", "lo", "up", NULL, NULL, NULL), 0);
        assert_int_equal(ns_ip("link", "add", "pktdt0", "type", "veth", "peer", "pktdt1"), 0);
        /* no IPv6 link-local addresses: the listing must hold exactly what we add */
        assert_int_equal(ns_ip("link", "set", "pktdt0", "addrgenmode", "none", NULL, NULL), 0);
        assert_int_equal(ns_ip("link", "set", "pktdt1", "addrgenmode", "none", NULL, NULL), 0);
        assert_int_equal(ns_ip("link", "set", "pktdt0", "address", "02:00:00:00:53:01", NULL, NULL),
                         0);
        assert_int_equal(ns_ip("link", "set", "pktdt0", "mtu", "1400", NULL, NULL), 0);
        assert_int_equal(ns_ip("addr", "add", "192.0.2.1/24", "dev", "pktdt0", NULL, NULL), 0);
        assert_int_equal(ns_ip("addr", "add", "2001:db8::1/64", "dev", "pktdt0", "nodad", NULL), 0);
        assert_int_equal(ns_ip("link", "set", "pktdt0", "up", NULL, NULL, NULL), 0);
        assert_int_equal(ns_ip("link", "set", "pktdt1", "up", NULL, NULL, NULL), 0);
        /* a second pair left down, one end with an odd name */
        assert_int_equal(ns_ip("link", "add", odd_name, "type", "veth", "peer", "pktdt2"), 0);
        assert_true(ns_wait_oper_up("pktdt0"));
}

/* In a child: enters the namespace, runs the handler and writes its reply (or "ERR ...") to @fd. */
static void __attribute__((noreturn)) child_list(int fd)
{
        char path[128];
        struct pktp_buf out;
        struct pktp_error err = { 0 };
        int ns, r;

        snprintf(path, sizeof(path), "/run/netns/%s", ns_name);
        ns = open(path, O_RDONLY | O_CLOEXEC);
        if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
                dprintf(fd, "ERR setns: %s", strerror(errno));
                _exit(1);
        }
        pktp_buf_init(&out, REPLY_MAX);
        r = pktd_capture_list_interfaces(NULL, NULL, NULL, &out, &err);
        if (r < 0)
                dprintf(fd, "ERR %d %s: %s", r, pktp_error_name(err.id), err.message);
        else if (write(fd, out.data, out.len) != (ssize_t)out.len)
                _exit(1);
        pktp_buf_done(&out);
        _exit(r < 0);
}

/* Runs child_list() and returns what it wrote (malloc'd, NUL-terminated), failing on its error. */
static char *
list_in_ns(void)
{
        char *buf = calloc(1, REPLY_MAX + 1);
        size_t len = 0;
        int pfd[2], status;
        pid_t pid;

        assert_non_null(buf);
        assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                close(pfd[0]);
                child_list(pfd[1]);
        }
        close(pfd[1]);
        for (int i = 0; i < 1000 && len < REPLY_MAX; i++) {
                struct pollfd p = { .fd = pfd[0], .events = POLLIN };
                ssize_t n;

                if (poll(&p, 1, 10) <= 0)
                        continue;
                n = read(pfd[0], buf + len, REPLY_MAX - len);
                if (n <= 0)
                        break;
                len += (size_t)n;
        }
        close(pfd[0]);
        status = wait_bounded(pid, CMD_TIMEOUT_MS);
        if (status != 0)
                fail_msg("listing inside the namespace failed (%d): %s", status, buf);
        return buf;
}

static void
check_no_addresses(struct json_object *o)
{
        assert_int_equal(json_object_array_length(member(o, "addresses")), 0);
}

static void
test_namespace_listing_has_every_field(void **state)
{
        struct json_object *root, *ifaces, *o, *addrs, *a;
        char *text;
        int idx0, idx1, idx2;

        (void)state;
        ns_setup();
        idx0 = ns_ifindex("pktdt0");
        idx1 = ns_ifindex("pktdt1");
        idx2 = ns_ifindex("pktdt2");
        assert_true(idx0 > 0 && idx1 > 0 && idx2 > 0);

        text = list_in_ns();
        root = json_tokener_parse(text);
        if (!root)
                fail_msg("reply is not JSON: %s", text);
        ifaces = member(root, "interfaces");
        /* lo, the pair, the odd pair: nothing of the host's leaks in */
        assert_int_equal(json_object_array_length(ifaces), 5);
        assert_null(json_iface(ifaces, "eth0"));

        o = json_iface(ifaces, "lo");
        assert_non_null(o);
        assert_int_equal(json_object_get_int(member(o, "index")), 1);
        assert_true(json_object_get_boolean(member(o, "up")));
        addrs = member(o, "addresses");
        assert_int_equal(json_object_array_length(addrs), ipv6_enabled() ? 2 : 1);
        a = json_object_array_get_idx(addrs, 0);
        assert_string_equal(json_object_get_string(member(a, "family")), "inet");
        assert_string_equal(json_object_get_string(member(a, "address")), "127.0.0.1");
        assert_int_equal(json_object_get_int(member(a, "prefixLength")), 8);
        if (ipv6_enabled()) {
                a = json_object_array_get_idx(addrs, 1);
                assert_string_equal(json_object_get_string(member(a, "family")), "inet6");
                assert_string_equal(json_object_get_string(member(a, "address")), "::1");
                assert_int_equal(json_object_get_int(member(a, "prefixLength")), 128);
        }

        o = json_iface(ifaces, "pktdt0");
        assert_non_null(o);
        assert_int_equal(json_object_get_int(member(o, "index")), idx0);
        assert_string_equal(json_object_get_string(member(o, "linkType")), "EN10MB");
        assert_int_equal(json_object_get_int(member(o, "arpType")), ARPHRD_ETHER);
        assert_int_equal(json_object_get_int(member(o, "mtu")), 1400);
        assert_true(json_object_get_boolean(member(o, "up")));
        assert_true(json_object_get_boolean(member(o, "running")));
        assert_string_equal(json_object_get_string(member(o, "mac")), "02:00:00:00:53:01");
        addrs = member(o, "addresses");
        assert_int_equal(json_object_array_length(addrs), 2);
        a = json_object_array_get_idx(addrs, 0);
        assert_string_equal(json_object_get_string(member(a, "family")), "inet");
        assert_string_equal(json_object_get_string(member(a, "address")), "192.0.2.1");
        assert_int_equal(json_object_get_int(member(a, "prefixLength")), 24);
        a = json_object_array_get_idx(addrs, 1);
        assert_string_equal(json_object_get_string(member(a, "family")), "inet6");
        assert_string_equal(json_object_get_string(member(a, "address")), "2001:db8::1");
        assert_int_equal(json_object_get_int(member(a, "prefixLength")), 64);

        o = json_iface(ifaces, "pktdt1");
        assert_non_null(o);
        assert_int_equal(json_object_get_int(member(o, "index")), idx1);
        assert_true(json_object_get_boolean(member(o, "up")));
        assert_int_equal(json_object_get_int(member(o, "mtu")), 1500);
        check_no_addresses(o);

        /* the odd name comes back escaped and parses to its bytes (Latin-1 as \u00e9) */
        assert_non_null(strstr(text, "\"pk\\\"t\\\\d\\u00e9\""));
        o = json_iface(ifaces, odd_name_utf8);
        assert_non_null(o);
        assert_false(json_object_get_boolean(member(o, "up")));
        assert_false(json_object_get_boolean(member(o, "running")));
        check_no_addresses(o);
        o = json_iface(ifaces, "pktdt2");
        assert_non_null(o);
        assert_int_equal(json_object_get_int(member(o, "index")), idx2);
        assert_false(json_object_get_boolean(member(o, "up")));

        json_object_put(root);
        free(text);
}

/* Deletes namespaces an earlier run left behind when it was killed before its atexit handler ran
 * (ctest's timeout sends SIGKILL): pktd-t-<pid> whose process is gone. */
static void
ns_delete_stale(void)
{
        DIR *d = opendir("/run/netns");
        struct dirent *e;

        if (!d)
                return;
        while ((e = readdir(d))) {
                long pid;
                char *end;

                if (strncmp(e->d_name, "pktd-t-", 7) != 0)
                        continue;
                pid = strtol(e->d_name + 7, &end, 10);
                if (*end || pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 ||
                    errno != ESRCH)
                        continue;
                (void)run((const char *const[]){ "ip", "netns", "del", e->d_name, NULL });
        }
        closedir(d);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lo_is_listed_up_with_its_loopback_addresses),
                cmocka_unit_test(test_listing_twice_gives_the_same_interfaces),
                cmocka_unit_test(test_link_types_are_libpcaps_names),
                cmocka_unit_test(test_list_interfaces_reply_has_lo),
                cmocka_unit_test(test_list_interfaces_over_the_output_cap_is_limit_exceeded),
        };
        const struct CMUnitTest ns_tests[] = {
                cmocka_unit_test_teardown(test_namespace_listing_has_every_field, teardown_ns),
        };
        int r;

        r = cmocka_run_group_tests_name("host", tests, NULL, NULL);
        if (r != 0)
                return r;
        /* The namespace half needs root (CAP_SYS_ADMIN for setns, CAP_NET_ADMIN for the links) */
        if (geteuid() != 0 || !tu_have("ip")) {
                fprintf(stderr,
                        "SKIP: the namespace test needs root and ip(8); the host tests passed\n");
                return 77;
        }
        atexit(ns_delete);
        ns_delete_stale();
        return cmocka_run_group_tests_name("namespace", ns_tests, NULL, NULL);
}
