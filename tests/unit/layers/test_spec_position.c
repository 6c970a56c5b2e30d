/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkt_build_at(): the byte offset in the spec of what failed (io.pktd.Packet.BadSpec's "position"),
 * for each kind of failure, and pkt_build()'s behaviour unchanged.
 */
#include <errno.h>
#include <string.h>

#include <pkt/pkt.h>

#include "testutil.h"

/* Builds @spec, expects @want_r, and returns the position, checking it points at @want_at (the text
 * the position should start with; NULL for the end of the spec). */
static size_t
fail_at(const char *spec, int want_r, const char *want_at)
{
        struct pkt p;
        char err[256];
        size_t pos = 12345;

        pkt_init(&p);
        int r = pkt_build_at(&p, spec, err, sizeof(err), &pos);
        if (r != want_r)
                fail_msg("%s: got %d, want %d (%s)", spec, r, want_r, err);
        assert_true(err[0] != 0);
        assert_int_equal(p.n_layers, 0); /* no half-built packet */
        assert_true(pos <= strlen(spec));
        if (want_at && strncmp(spec + pos, want_at, strlen(want_at)) != 0)
                fail_msg("%s: position %zu is at '%s', want '%s'", spec, pos, spec + pos, want_at);
        if (!want_at)
                assert_int_equal(pos, strlen(spec));
        pkt_done(&p);
        return pos;
}

static void
test_build_at_points_at_an_unknown_layer(void **state)
{
        (void)state;
        assert_int_equal(fail_at("ethernet()/nosuch(a=1)", -ENOENT, "nosuch"), 11);
        fail_at("  bogus", -ENOENT, "bogus");
        fail_at("ip/ udp / nope(x=1)", -ENOENT, "nope");
}

static void
test_build_at_points_at_an_unknown_field_name(void **state)
{
        (void)state;
        fail_at("ip(ttl=1, nosuch=5)", -ENOENT, "nosuch=5");
        fail_at("ethernet()/ip(src=192.0.2.1,bogus=1)/udp()", -ENOENT, "bogus=1");
}

static void
test_build_at_points_at_a_value_that_does_not_parse_or_fit(void **state)
{
        (void)state;
        assert_int_equal(fail_at("ip(ttl=300)", -ERANGE, "300)"), 7);
        fail_at("ip(src=1.2.3)", -EINVAL, "1.2.3)");
        fail_at("ip(tos=1,  ttl=  999)", -ERANGE, "999)");
        fail_at("ethernet(dst=ff:ff)/ip()", -EINVAL, "ff:ff)");
}

static void
test_build_at_points_at_a_positional_argument(void **state)
{
        (void)state;
        fail_at("ip(64)", -EINVAL, "64)");
}

static void
test_build_at_points_at_the_failing_element(void **state)
{
        (void)state;
        /* The second option of the list is the bad one. */
        fail_at("ip(opts=[nop, bogusopt(x=1)])", -EINVAL, "bogusopt");
}

static void
test_build_at_points_at_unbalanced_layers_and_the_end_of_an_empty_spec(void **state)
{
        (void)state;
        fail_at("ip()/tcp(dport=1", -EINVAL, "tcp(");
        fail_at("ip()/raw(\"unterminated)", -EINVAL, "raw(");
        fail_at("", -EINVAL, NULL);
}

static void
test_build_at_points_into_a_raw_payload(void **state)
{
        (void)state;
        fail_at("ip()/raw(hex=00zz)", -EINVAL, "00zz");
        fail_at("ip()/raw[1]", -ENOENT, "raw[1]");
}

/* Success leaves the position alone, and pkt_build() still behaves as it did. */
static void
test_build_at_leaves_the_position_on_success_and_build_is_unchanged(void **state)
{
        struct pkt a, b;
        char err[256];
        size_t pos = 77;
        const uint8_t *da, *db;

        (void)state;
        pkt_init(&a);
        pkt_init(&b);
        assert_int_equal(pkt_build_at(&a, "ip(ttl=3)/udp(dport=53)", err, sizeof(err), &pos), 0);
        assert_int_equal(pos, 77);
        assert_int_equal(pkt_build(&b, "ip(ttl=3)/udp(dport=53)", err, sizeof(err)), 0);
        int na = pkt_serialize(&a, 0, &da), nb = pkt_serialize(&b, 0, &db);
        tu_assert_bytes(da, (size_t)na, db, (size_t)nb);
        assert_int_equal(pkt_build_at(&a, "ip(ttl=300)", NULL, 0, NULL), -ERANGE);
        assert_int_equal(pkt_build(&b, "ip(ttl=300)", err, sizeof(err)), -ERANGE);
        assert_non_null(strstr(err, "ttl"));
        pkt_done(&a);
        pkt_done(&b);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_build_at_points_at_an_unknown_layer),
                cmocka_unit_test(test_build_at_points_at_an_unknown_field_name),
                cmocka_unit_test(test_build_at_points_at_a_value_that_does_not_parse_or_fit),
                cmocka_unit_test(test_build_at_points_at_a_positional_argument),
                cmocka_unit_test(test_build_at_points_at_the_failing_element),
                cmocka_unit_test(test_build_at_points_at_unbalanced_layers_and_the_end_of_an_empty_spec),
                cmocka_unit_test(test_build_at_points_into_a_raw_payload),
                cmocka_unit_test(test_build_at_leaves_the_position_on_success_and_build_is_unchanged),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
