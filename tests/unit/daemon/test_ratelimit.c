/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-uid injection buckets and sr counts (ratelimit.c), with the clock passed in. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"
#include "testutil.h"

#define S 1000000000ULL

static struct pktd_ratelimit *
rl_new(void)
{
        struct pktd_ratelimit *rl = malloc(sizeof(*rl));

        assert_non_null(rl);
        pktd_ratelimit_reset(rl);
        return rl;
}

static void
test_ratelimit_burst_is_one_second_then_refills_at_the_rate(void **state)
{
        struct pktd_ratelimit *rl = rl_new();
        enum pktd_rate_limit lim = PKTD_RATE_TABLE;
        uint64_t wait = 0, t = 100 * S;

        (void)state;
        /* 10 packets/s: a full bucket gives 10 at once, the 11th waits 100 ms */
        for (int i = 0; i < 10; i++)
                assert_int_equal(pktd_ratelimit_take(rl, 1000, 10, 1000000, 1, 100, t, &lim, &wait),
                                 0);
        assert_int_equal(pktd_ratelimit_take(rl, 1000, 10, 1000000, 1, 100, t, &lim, &wait),
                         -EAGAIN);
        assert_int_equal(lim, PKTD_RATE_PACKETS);
        assert_string_equal(pktd_rate_limit_name(lim), "packetsPerSecond");
        assert_int_equal(wait, S / 10);
        /* 99 ms later still not; at 100 ms one more */
        assert_int_equal(
                pktd_ratelimit_take(rl, 1000, 10, 1000000, 1, 100, t + 99000000, &lim, NULL),
                -EAGAIN);
        assert_int_equal(pktd_ratelimit_take(rl, 1000, 10, 1000000, 1, 100, t + S / 10, &lim, NULL),
                         0);
        /* another uid has its own buckets */
        assert_int_equal(pktd_ratelimit_take(rl, 1001, 10, 1000000, 10, 1000, t, &lim, NULL), 0);
        free(rl);
}

static void
test_ratelimit_bytes_bucket_refuses_on_its_own(void **state)
{
        struct pktd_ratelimit *rl = rl_new();
        enum pktd_rate_limit lim = PKTD_RATE_TABLE;
        uint64_t t = 5 * S;

        (void)state;
        /* 3000 bytes/s: two 1500-byte frames, then the byte bucket is empty (packets are not) */
        assert_int_equal(pktd_ratelimit_take(rl, 7, 1000, 3000, 2, 3000, t, &lim, NULL), 0);
        assert_int_equal(pktd_ratelimit_take(rl, 7, 1000, 3000, 1, 60, t, &lim, NULL), -EAGAIN);
        assert_int_equal(lim, PKTD_RATE_BYTES);
        assert_string_equal(pktd_rate_limit_name(lim), "bytesPerSecond");
        /* a refused take takes nothing: the packet bucket still has 998 */
        assert_int_equal(pktd_ratelimit_take(rl, 7, 1000, 3000, 998, 0, t, &lim, NULL), 0);
        assert_int_equal(pktd_ratelimit_take(rl, 7, 1000, 3000, 1, 0, t, &lim, NULL), -EAGAIN);
        assert_int_equal(lim, PKTD_RATE_PACKETS);
        free(rl);
}

static void
test_ratelimit_more_than_a_burst_can_never_be_taken(void **state)
{
        struct pktd_ratelimit *rl = rl_new();
        enum pktd_rate_limit lim = PKTD_RATE_TABLE;

        (void)state;
        assert_int_equal(pktd_ratelimit_take(rl, 7, 1000, 1500000, 1001, 100, S, &lim, NULL),
                         -E2BIG);
        assert_int_equal(lim, PKTD_RATE_PACKETS);
        assert_int_equal(pktd_ratelimit_take(rl, 7, 1000, 1500, 1, 9000, S, &lim, NULL), -E2BIG);
        assert_int_equal(lim, PKTD_RATE_BYTES);
        /* nothing was taken: a whole burst is still there */
        assert_int_equal(pktd_ratelimit_take(rl, 7, 1000, 1500000, 1000, 1500000, S, &lim, NULL),
                         0);
        /* huge rates and counts do not overflow */
        assert_int_equal(pktd_ratelimit_take(rl, 8, 100000000ULL, 100000000000ULL, 100000000ULL,
                                             100000000000ULL, S, &lim, NULL),
                         0);
        assert_int_equal(pktd_ratelimit_take(rl, 9, 1, 1500, UINT64_MAX, UINT64_MAX, S, &lim, NULL),
                         -E2BIG);
        free(rl);
}

static void
test_ratelimit_fits_counts_the_refill_during_a_paced_run(void **state)
{
        enum pktd_rate_limit lim = PKTD_RATE_TABLE;

        (void)state;
        /* 1000 pps: 1000 at once fit, 1001 at once do not */
        assert_true(pktd_ratelimit_fits(1000, 1500000, 1000, 64000, 0, &lim));
        assert_false(pktd_ratelimit_fits(1000, 1500000, 1001, 64064, 0, &lim));
        assert_int_equal(lim, PKTD_RATE_PACKETS);
        /* 5000 packets over 4 s (1000/s after the burst) fit; over 3 s they do not */
        assert_true(pktd_ratelimit_fits(1000, 1500000, 5000, 320000, 4 * S, &lim));
        assert_false(pktd_ratelimit_fits(1000, 1500000, 5000, 320000, 3 * S, &lim));
        /* bytes: 1 MB in 0 s at 500 kB/s */
        assert_false(pktd_ratelimit_fits(1000000, 500000, 100, 1000000, 0, &lim));
        assert_int_equal(lim, PKTD_RATE_BYTES);
}

static void
test_ratelimit_table_is_bounded_and_reuses_idle_entries(void **state)
{
        struct pktd_ratelimit *rl = rl_new();
        enum pktd_rate_limit lim = PKTD_RATE_PACKETS;
        uint64_t t = 10 * S;

        (void)state;
        for (unsigned u = 0; u < PKTD_RATELIMIT_UIDS_MAX; u++)
                assert_int_equal(pktd_ratelimit_take(rl, u, 1000, 1500000, 1, 100, t, &lim, NULL),
                                 0);
        /* every entry is refilling: a new uid finds no room and is refused, nobody forgotten */
        assert_int_equal(pktd_ratelimit_take(rl, 5000, 1000, 1500000, 1, 100, t, &lim, NULL),
                         -EUSERS);
        assert_int_equal(lim, PKTD_RATE_TABLE);
        assert_string_equal(pktd_rate_limit_name(lim), "packetsPerSecond");
        /* a second later the buckets are full again: those entries are as good as empty */
        assert_int_equal(pktd_ratelimit_take(rl, 5000, 1000, 1500000, 1, 100, t + S, &lim, NULL),
                         0);
        /* an entry running an sr is never reused */
        pktd_ratelimit_reset(rl);
        for (unsigned u = 0; u < PKTD_RATELIMIT_UIDS_MAX; u++)
                assert_int_equal(pktd_ratelimit_sr_begin(rl, u, 4, t), 0);
        assert_int_equal(pktd_ratelimit_sr_begin(rl, 5000, 4, t + 100 * S), -EUSERS);
        free(rl);
}

static void
test_ratelimit_sr_count_per_uid(void **state)
{
        struct pktd_ratelimit *rl = rl_new();

        (void)state;
        assert_int_equal(pktd_ratelimit_sr_begin(rl, 42, 2, S), 0);
        assert_int_equal(pktd_ratelimit_sr_begin(rl, 42, 2, S), 0);
        assert_int_equal(pktd_ratelimit_sr_begin(rl, 42, 2, S), -EBUSY);
        assert_int_equal(pktd_ratelimit_sr_begin(rl, 43, 2, S), 0);
        assert_int_equal(pktd_ratelimit_sr_running(rl, 42), 2);
        pktd_ratelimit_sr_end(rl, 42);
        assert_int_equal(pktd_ratelimit_sr_running(rl, 42), 1);
        assert_int_equal(pktd_ratelimit_sr_begin(rl, 42, 2, S), 0);
        pktd_ratelimit_sr_end(rl, 42);
        pktd_ratelimit_sr_end(rl, 42);
        pktd_ratelimit_sr_end(rl, 42); /* one too many: stays at 0 */
        assert_int_equal(pktd_ratelimit_sr_running(rl, 42), 0);
        pktd_ratelimit_sr_end(rl, 777); /* unknown uid: nothing happens */
        free(rl);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ratelimit_burst_is_one_second_then_refills_at_the_rate),
                cmocka_unit_test(test_ratelimit_bytes_bucket_refuses_on_its_own),
                cmocka_unit_test(test_ratelimit_more_than_a_burst_can_never_be_taken),
                cmocka_unit_test(test_ratelimit_fits_counts_the_refill_during_a_paced_run),
                cmocka_unit_test(test_ratelimit_table_is_bounded_and_reuses_idle_entries),
                cmocka_unit_test(test_ratelimit_sr_count_per_uid),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
