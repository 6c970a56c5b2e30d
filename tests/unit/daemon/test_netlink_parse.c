/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netlink.c's message checks, fed crafted datagrams instead of the kernel's: every length, sequence
 * number, port id, error and flag is checked as if the peer were hostile. netlink.c is compiled
 * into this test (included) so that its static parser can be driven directly; this executable does
 * not link the daemon's objects.
 */
#include <stdio.h>

#include "../../../daemon/src/netlink.c"
#include "testutil.h"

#define SEQ    7
#define PORTID 4242

struct msgbuf {
        uint8_t b[PKTD_NL_BUF_SIZE];
        size_t len;
        size_t msg_start;
};

static struct nl_ctx *
ctx_new(void)
{
        struct nl_ctx *ctx = calloc(1, sizeof(*ctx));

        assert_non_null(ctx);
        ctx->fd = -1;
        ctx->seq = SEQ;
        ctx->portid = PORTID;
        ctx->buf = calloc(1, PKTD_NL_BUF_SIZE);
        assert_non_null(ctx->buf);
        return ctx;
}

static void
ctx_free(struct nl_ctx *ctx)
{
        pktd_nl_list_done(&ctx->l);
        free(ctx->buf);
        free(ctx);
}

static void
put(struct msgbuf *m, const void *data, size_t n)
{
        assert_true(m->len + n <= sizeof(m->b));
        memcpy(m->b + m->len, data, n);
        m->len += n;
}

static void
pad(struct msgbuf *m)
{
        static const uint8_t zero[4];

        put(m, zero, NLMSG_ALIGN(m->len) - m->len);
}

/* Starts a message of @type with @hdr (@hdr_len bytes, an ifinfomsg or ifaddrmsg). */
static void
msg_begin(struct msgbuf *m, uint16_t type, uint16_t flags, const void *hdr, size_t hdr_len)
{
        struct nlmsghdr h = {
                .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = SEQ, .nlmsg_pid = PORTID
        };

        m->msg_start = m->len;
        put(m, &h, sizeof(h));
        put(m, hdr, hdr_len);
        pad(m);
}

static void
attr(struct msgbuf *m, uint16_t type, const void *data, size_t n)
{
        struct rtattr a = { .rta_len = (unsigned short)RTA_LENGTH(n), .rta_type = type };

        put(m, &a, sizeof(a));
        put(m, data, n);
        pad(m);
}

static void
msg_end(struct msgbuf *m)
{
        uint32_t len = (uint32_t)(m->len - m->msg_start);

        memcpy(m->b + m->msg_start, &len, sizeof(len)); /* nlmsg_len comes first */
}

static void
link_msg(struct msgbuf *m, int index, const char *name, uint32_t mtu)
{
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
                                 .ifi_type = ARPHRD_ETHER,
                                 .ifi_index = index,
                                 .ifi_flags = IFF_UP };
        static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x53, 0x01 };

        msg_begin(m, RTM_NEWLINK, NLM_F_MULTI, &ifi, sizeof(ifi));
        attr(m, IFLA_IFNAME, name, strlen(name) + 1);
        attr(m, IFLA_MTU, &mtu, sizeof(mtu));
        attr(m, IFLA_ADDRESS, mac, sizeof(mac));
        msg_end(m);
}

static void
addr_msg(struct msgbuf *m, int family, int index, unsigned prefix, const char *local,
         const char *peer)
{
        struct ifaddrmsg ifa = { .ifa_family = (uint8_t)family,
                                 .ifa_prefixlen = (uint8_t)prefix,
                                 .ifa_index = (uint32_t)index };
        uint8_t a[16];
        size_t n = family == AF_INET ? 4 : 16;

        msg_begin(m, RTM_NEWADDR, NLM_F_MULTI, &ifa, sizeof(ifa));
        if (peer) {
                assert_int_equal(inet_pton(family, peer, a), 1);
                attr(m, IFA_ADDRESS, a, n);
        }
        if (local) {
                assert_int_equal(inet_pton(family, local, a), 1);
                attr(m, IFA_LOCAL, a, n);
        }
        msg_end(m);
}

static void
done_msg(struct msgbuf *m, int32_t err, uint16_t flags)
{
        msg_begin(m, NLMSG_DONE, flags, &err, sizeof(err));
        msg_end(m);
}

/* Feeds @m as one datagram; returns nl_datagram()'s result. */
static int
feed(struct nl_ctx *ctx, const struct msgbuf *m, nl_msg_fn fn)
{
        size_t n_msgs = 0;

        memcpy(ctx->buf, m->b, m->len);
        return nl_datagram(ctx, m->len, &n_msgs, fn);
}

static void
test_a_good_link_dump_is_recorded(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));

        (void)state;
        link_msg(m, 3, "pktdt0", 1400);
        done_msg(m, 0, NLM_F_MULTI);
        assert_int_equal(feed(ctx, m, on_link), 1);
        assert_int_equal(ctx->l.n_ifaces, 1);
        assert_string_equal(ctx->l.ifaces[0].name, "pktdt0");
        assert_int_equal(ctx->l.ifaces[0].index, 3);
        assert_int_equal(ctx->l.ifaces[0].mtu, 1400);
        assert_int_equal(ctx->l.ifaces[0].arp_type, ARPHRD_ETHER);
        assert_true(ctx->l.ifaces[0].has_mac);
        assert_int_equal(ctx->l.ifaces[0].mac[5], 0x01);
        assert_false(ctx->interrupted);
        ctx_free(ctx);
        free(m);
}

static void
test_attribute_shorter_than_its_header_is_refused(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));
        struct ifinfomsg ifi = { .ifi_index = 3 };
        struct rtattr bad = { .rta_len = 2, .rta_type = IFLA_MTU };

        (void)state;
        msg_begin(m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
        attr(m, IFLA_IFNAME, "x", 2);
        put(m, &bad, sizeof(bad));
        msg_end(m);
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        assert_int_equal(ctx->l.n_ifaces, 0);
        ctx_free(ctx);
        free(m);
}

static void
test_attribute_running_past_its_message_is_refused(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));
        struct ifinfomsg ifi = { .ifi_index = 3 };
        struct rtattr bad = { .rta_len = 64, .rta_type = IFLA_IFNAME };

        (void)state;
        msg_begin(m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
        put(m, &bad, sizeof(bad));
        put(m, "abc\0", 4);
        msg_end(m);
        /* a second, good message after it: the bad length must not make it look inside */
        link_msg(m, 4, "good", 1500);
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        ctx_free(ctx);
        free(m);
}

static void
test_names_without_nul_or_too_long_or_empty_are_refused(void **state)
{
        static const char *const names[] = { "0123456789abcdef", "", NULL };

        (void)state;
        for (size_t i = 0; i < 3; i++) {
                struct nl_ctx *ctx = ctx_new();
                struct msgbuf *m = calloc(1, sizeof(*m));
                struct ifinfomsg ifi = { .ifi_index = 3 };

                msg_begin(m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
                if (names[i])
                        attr(m, IFLA_IFNAME, names[i], strlen(names[i]) + 1);
                else
                        attr(m, IFLA_IFNAME, "eth0", 4); /* no NUL */
                msg_end(m);
                assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
                ctx_free(ctx);
                free(m);
        }
}

static void
test_a_link_without_a_name_or_index_is_refused(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));
        struct ifinfomsg ifi = { .ifi_index = 3 };
        uint32_t mtu = 1500;

        (void)state;
        msg_begin(m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
        attr(m, IFLA_MTU, &mtu, sizeof(mtu));
        msg_end(m);
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        m->len = 0;
        link_msg(m, 0, "zero", 1500);
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        ctx_free(ctx);
        free(m);
}

static void
test_mtu_of_the_wrong_size_is_refused(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));
        struct ifinfomsg ifi = { .ifi_index = 3 };
        uint16_t mtu = 1500;

        (void)state;
        msg_begin(m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
        attr(m, IFLA_IFNAME, "x", 2);
        attr(m, IFLA_MTU, &mtu, sizeof(mtu));
        msg_end(m);
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        ctx_free(ctx);
        free(m);
}

static void
test_message_longer_than_the_datagram_is_refused(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));
        uint32_t too_long;

        (void)state;
        link_msg(m, 3, "pktdt0", 1400);
        too_long = (uint32_t)m->len + 4;
        memcpy(m->b, &too_long, sizeof(too_long));
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        /* and one shorter than a header */
        too_long = 8;
        memcpy(m->b, &too_long, sizeof(too_long));
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        ctx_free(ctx);
        free(m);
}

static void
test_wrong_sequence_or_port_id_is_refused(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));

        (void)state;
        link_msg(m, 3, "pktdt0", 1400);
        ctx->seq = SEQ + 1;
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        ctx->seq = SEQ;
        ctx->portid = PORTID + 1;
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        assert_int_equal(ctx->l.n_ifaces, 0);
        ctx_free(ctx);
        free(m);
}

static void
test_nlmsg_error_is_returned_and_a_short_one_refused(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));
        struct nlmsgerr e = { .error = -EPERM };

        (void)state;
        msg_begin(m, NLMSG_ERROR, 0, &e, sizeof(e));
        msg_end(m);
        assert_int_equal(feed(ctx, m, on_link), -EPERM);
        m->len = 0;
        msg_begin(m, NLMSG_ERROR, 0, &e, 4);
        msg_end(m);
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        /* a positive "error" is not one the kernel sends */
        m->len = 0;
        e.error = 5;
        msg_begin(m, NLMSG_ERROR, 0, &e, sizeof(e));
        msg_end(m);
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        ctx_free(ctx);
        free(m);
}

static void
test_done_carries_the_dumps_error(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));

        (void)state;
        done_msg(m, -ENOBUFS, 0);
        assert_int_equal(feed(ctx, m, on_link), -ENOBUFS);
        ctx_free(ctx);
        free(m);
}

static void
test_dump_intr_marks_the_listing_interrupted(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));

        (void)state;
        link_msg(m, 3, "pktdt0", 1400);
        done_msg(m, 0, NLM_F_MULTI | NLM_F_DUMP_INTR);
        assert_int_equal(feed(ctx, m, on_link), 1);
        assert_true(ctx->interrupted);
        ctx_free(ctx);
        free(m);
}

static void
test_overrun_and_unknown_control_types_are_refused(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));
        uint32_t x = 0;

        (void)state;
        msg_begin(m, NLMSG_OVERRUN, 0, &x, sizeof(x));
        msg_end(m);
        assert_int_equal(feed(ctx, m, on_link), -EBADMSG);
        ctx_free(ctx);
        free(m);
}

static void
test_more_interfaces_than_the_limit_is_e2big(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));
        int r = 0;

        (void)state;
        /* one datagram per interface, as many as the limit allows and one more */
        for (int i = 1; i <= PKTD_NL_IFACES_MAX + 1 && r == 0; i++) {
                char name[IFNAMSIZ];

                m->len = 0;
                snprintf(name, sizeof(name), "d%d", i);
                link_msg(m, i, name, 1500);
                r = feed(ctx, m, on_link);
        }
        assert_int_equal(r, -E2BIG);
        assert_int_equal(ctx->l.n_ifaces, PKTD_NL_IFACES_MAX);
        ctx_free(ctx);
        free(m);
}

static void
test_addresses_are_checked_and_grouped_by_interface(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));
        char text[INET6_ADDRSTRLEN];
        const struct pktd_nl_addr *a;

        (void)state;
        link_msg(m, 5, "b", 1500);
        link_msg(m, 2, "a", 1500);
        assert_int_equal(feed(ctx, m, on_link), 0);

        m->len = 0;
        addr_msg(m, AF_INET, 2, 24, "192.0.2.1", NULL);
        /* point-to-point: IFA_LOCAL is ours, IFA_ADDRESS the peer's */
        addr_msg(m, AF_INET, 5, 32, "198.51.100.1", "198.51.100.2");
        addr_msg(m, AF_INET6, 2, 64, NULL, "2001:db8::1");
        addr_msg(m, AF_INET, 9, 8, "10.0.0.1", NULL); /* an interface the link dump did not see */
        done_msg(m, 0, NLM_F_MULTI);
        assert_int_equal(feed(ctx, m, on_addr), 1);
        assert_int_equal(group_addrs(&ctx->l), 0);

        assert_int_equal(ctx->l.n_addrs, 3);
        assert_int_equal(ctx->l.ifaces[0].n_addrs, 1); /* "b", index 5 */
        a = &ctx->l.addrs[ctx->l.ifaces[0].addr_first];
        inet_ntop(a->family, a->addr, text, sizeof(text));
        assert_string_equal(text, "198.51.100.1");
        assert_int_equal(a->prefix_len, 32);
        assert_int_equal(ctx->l.ifaces[1].n_addrs, 2); /* "a", index 2, in the kernel's order */
        a = &ctx->l.addrs[ctx->l.ifaces[1].addr_first];
        inet_ntop(a->family, a->addr, text, sizeof(text));
        assert_string_equal(text, "192.0.2.1");
        a++;
        inet_ntop(a->family, a->addr, text, sizeof(text));
        assert_string_equal(text, "2001:db8::1");
        assert_int_equal(a->prefix_len, 64);
        ctx_free(ctx);
        free(m);
}

static void
test_bad_addresses_are_refused(void **state)
{
        struct nl_ctx *ctx = ctx_new();
        struct msgbuf *m = calloc(1, sizeof(*m));
        struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_prefixlen = 64, .ifa_index = 2 };
        uint8_t four[4] = { 192, 0, 2, 1 };

        (void)state;
        addr_msg(m, AF_INET, 2, 33, "192.0.2.1", NULL); /* prefix longer than the address */
        assert_int_equal(feed(ctx, m, on_addr), -EBADMSG);
        m->len = 0;
        msg_begin(m, RTM_NEWADDR, 0, &ifa, sizeof(ifa)); /* IPv6 with a 4-byte address */
        attr(m, IFA_ADDRESS, four, sizeof(four));
        msg_end(m);
        assert_int_equal(feed(ctx, m, on_addr), -EBADMSG);
        m->len = 0;
        msg_begin(m, RTM_NEWADDR, 0, &ifa, sizeof(ifa)); /* no address at all */
        msg_end(m);
        assert_int_equal(feed(ctx, m, on_addr), -EBADMSG);
        assert_int_equal(ctx->l.n_addrs, 0);
        ctx_free(ctx);
        free(m);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_a_good_link_dump_is_recorded),
                cmocka_unit_test(test_attribute_shorter_than_its_header_is_refused),
                cmocka_unit_test(test_attribute_running_past_its_message_is_refused),
                cmocka_unit_test(test_names_without_nul_or_too_long_or_empty_are_refused),
                cmocka_unit_test(test_a_link_without_a_name_or_index_is_refused),
                cmocka_unit_test(test_mtu_of_the_wrong_size_is_refused),
                cmocka_unit_test(test_message_longer_than_the_datagram_is_refused),
                cmocka_unit_test(test_wrong_sequence_or_port_id_is_refused),
                cmocka_unit_test(test_nlmsg_error_is_returned_and_a_short_one_refused),
                cmocka_unit_test(test_done_carries_the_dumps_error),
                cmocka_unit_test(test_dump_intr_marks_the_listing_interrupted),
                cmocka_unit_test(test_overrun_and_unknown_control_types_are_refused),
                cmocka_unit_test(test_more_interfaces_than_the_limit_is_e2big),
                cmocka_unit_test(test_addresses_are_checked_and_grouped_by_interface),
                cmocka_unit_test(test_bad_addresses_are_refused),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
