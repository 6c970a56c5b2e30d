/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-uid token buckets (GCRA form) and running-sr counts; see ratelimit.h. */
#include "ratelimit.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static struct pktd_ratelimit global;

struct pktd_ratelimit *
pktd_ratelimit_global(void)
{
        return &global;
}

void
pktd_ratelimit_reset(struct pktd_ratelimit *rl)
{
        memset(rl, 0, sizeof(*rl));
}

uint64_t
pktd_now_ns(void)
{
        struct timespec ts;

        (void)clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

const char *
pktd_rate_limit_name(enum pktd_rate_limit l)
{
        return l == PKTD_RATE_BYTES ? "bytesPerSecond" : "packetsPerSecond";
}

/* ceil(@n seconds' share at @rate per second) in ns: @n / @rate s. 128-bit: n up to 2^64 and a
 * factor of 10^9 do not fit 64 bits. Saturates. */
static uint64_t
cost_ns(uint64_t n, uint64_t rate)
{
        unsigned __int128 c;

        if (rate == 0)
                return UINT64_MAX;
        c = ((unsigned __int128)n * 1000000000ULL + rate - 1) / rate;
        return c > UINT64_MAX ? UINT64_MAX : (uint64_t)c;
}

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
        return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* An entry that is the same as no entry: both buckets full, no sr running. */
static bool
idle(const struct pktd_ratelimit_entry *e, uint64_t now_ns)
{
        return !e->used || (e->n_sr == 0 && e->tat_packets <= now_ns && e->tat_bytes <= now_ns);
}

/* @uid's entry, made when @create (reusing an idle one when the table is full); NULL when not
 * there (!@create) or no room. */
static struct pktd_ratelimit_entry *
entry(struct pktd_ratelimit *rl, uid_t uid, bool create, uint64_t now_ns)
{
        struct pktd_ratelimit_entry *free_slot = NULL, *idle_slot = NULL;

        for (size_t i = 0; i < PKTD_RATELIMIT_UIDS_MAX; i++) {
                struct pktd_ratelimit_entry *e = &rl->entries[i];

                if (e->used && e->uid == uid)
                        return e;
                if (!e->used && !free_slot)
                        free_slot = e;
                else if (e->used && !idle_slot && idle(e, now_ns))
                        idle_slot = e;
        }
        if (!create)
                return NULL;
        if (!free_slot)
                free_slot = idle_slot;
        if (!free_slot)
                return NULL;
        *free_slot = (struct pktd_ratelimit_entry){ .uid = uid, .used = true };
        return free_slot;
}

int
pktd_ratelimit_take(struct pktd_ratelimit *rl, uid_t uid, uint64_t pps, uint64_t bps,
                    uint64_t packets, uint64_t bytes, uint64_t now_ns,
                    enum pktd_rate_limit *ret_limit, uint64_t *ret_wait_ns)
{
        struct pktd_ratelimit_entry *e;
        uint64_t cp = cost_ns(packets, pps), cb = cost_ns(bytes, bps);
        uint64_t tp, tb, limit = sat_add(now_ns, PKTD_RATELIMIT_BURST_NS);

        if (!rl || pps == 0 || bps == 0)
                return -EINVAL;
        if (cp > PKTD_RATELIMIT_BURST_NS || cb > PKTD_RATELIMIT_BURST_NS) {
                if (ret_limit)
                        *ret_limit =
                                cp > PKTD_RATELIMIT_BURST_NS ? PKTD_RATE_PACKETS : PKTD_RATE_BYTES;
                return -E2BIG;
        }
        e = entry(rl, uid, true, now_ns);
        if (!e) {
                if (ret_limit)
                        *ret_limit = PKTD_RATE_TABLE;
                return -EUSERS;
        }
        tp = sat_add(e->tat_packets > now_ns ? e->tat_packets : now_ns, cp);
        tb = sat_add(e->tat_bytes > now_ns ? e->tat_bytes : now_ns, cb);
        if (tp > limit || tb > limit) {
                uint64_t wp = tp > limit ? tp - limit : 0, wb = tb > limit ? tb - limit : 0;

                if (ret_limit)
                        *ret_limit = tp > limit ? PKTD_RATE_PACKETS : PKTD_RATE_BYTES;
                if (ret_wait_ns)
                        *ret_wait_ns = wp > wb ? wp : wb;
                return -EAGAIN;
        }
        e->tat_packets = tp;
        e->tat_bytes = tb;
        return 0;
}

bool
pktd_ratelimit_fits(uint64_t pps, uint64_t bps, uint64_t packets, uint64_t bytes,
                    uint64_t duration_ns, enum pktd_rate_limit *ret_limit)
{
        /* A full bucket lends one second; the run's own length refills the rest. */
        uint64_t room = sat_add(PKTD_RATELIMIT_BURST_NS, duration_ns);

        if (cost_ns(packets, pps) > room) {
                if (ret_limit)
                        *ret_limit = PKTD_RATE_PACKETS;
                return false;
        }
        if (cost_ns(bytes, bps) > room) {
                if (ret_limit)
                        *ret_limit = PKTD_RATE_BYTES;
                return false;
        }
        return true;
}

int
pktd_ratelimit_sr_begin(struct pktd_ratelimit *rl, uid_t uid, unsigned max, uint64_t now_ns)
{
        struct pktd_ratelimit_entry *e = entry(rl, uid, true, now_ns);

        if (!e)
                return -EUSERS;
        if (e->n_sr >= max)
                return -EBUSY;
        e->n_sr++;
        return 0;
}

void
pktd_ratelimit_sr_end(struct pktd_ratelimit *rl, uid_t uid)
{
        struct pktd_ratelimit_entry *e = entry(rl, uid, false, 0);

        if (e && e->n_sr > 0)
                e->n_sr--;
}

unsigned
pktd_ratelimit_sr_running(const struct pktd_ratelimit *rl, uid_t uid)
{
        for (size_t i = 0; i < PKTD_RATELIMIT_UIDS_MAX; i++)
                if (rl->entries[i].used && rl->entries[i].uid == uid)
                        return rl->entries[i].n_sr;
        return 0;
}
