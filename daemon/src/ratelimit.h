/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-uid injection limits, kept by the daemon across connections: a token bucket for packets and
 * one for bytes ([inject] packetsPerSecond, bytesPerSecond; the burst is one second's worth), and
 * the number of SendReceive calls each uid has running ([limits] srPerUid).
 *
 * The buckets are kept as GCRA's "theoretical arrival time" (one integer per bucket instead of a
 * token count and a timestamp): a bucket is full when its time is not after now, each packet or
 * byte pushes it on by 1/rate seconds, and a take is allowed when the time would end up no more
 * than one second after now. An entry whose buckets are full and that runs no sr is the same as
 * no entry, so the table can drop it when it needs the room. */
#ifndef PKTD_RATELIMIT_H
#define PKTD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Uids tracked at once. Why 1024: an entry only has to be kept while its buckets are refilling
 * (at most one second after the uid last sent) or while it runs an sr; 1024 distinct users
 * sending within the same second is far beyond a host's injecting clients. When every entry is in
 * use, a new uid's send is refused (LimitExceeded) rather than another uid's state forgotten. */
#define PKTD_RATELIMIT_UIDS_MAX 1024

/* The burst: one second's worth of either rate. */
#define PKTD_RATELIMIT_BURST_NS 1000000000ULL

struct pktd_ratelimit_entry {
        uid_t uid;
        bool used;
        unsigned n_sr;        /* SendReceive calls running */
        uint64_t tat_packets; /* ns, CLOCK_MONOTONIC: the packet bucket is full from then on */
        uint64_t tat_bytes;
};

struct pktd_ratelimit {
        struct pktd_ratelimit_entry entries[PKTD_RATELIMIT_UIDS_MAX];
};

/* The daemon's table (static storage: pktd has one, for its whole life). */
struct pktd_ratelimit *pktd_ratelimit_global(void);

/* Empties @rl. */
void pktd_ratelimit_reset(struct pktd_ratelimit *rl);

/* Which limit refused a take. */
enum pktd_rate_limit {
        PKTD_RATE_PACKETS, /* "packetsPerSecond" */
        PKTD_RATE_BYTES,   /* "bytesPerSecond" */
        PKTD_RATE_TABLE,   /* no room for another uid (PKTD_RATELIMIT_UIDS_MAX) */
};

/* The pktd.conf key of @l ("packetsPerSecond", "bytesPerSecond"; the table's refusal is reported
 * as "packetsPerSecond" too, the limit a client can do something about). */
const char *pktd_rate_limit_name(enum pktd_rate_limit l);

/*
 * Takes @packets packets and @bytes bytes from @uid's buckets at time @now_ns (CLOCK_MONOTONIC),
 * all or nothing, under the rates @pps and @bps (both > 0).
 * Returns 0 (taken); -EAGAIN (not enough now: nothing taken; *@ret_wait_ns, if not NULL, is how
 * long until it would be); -E2BIG (more than a whole burst: it could never be taken at once);
 * -EUSERS (the table is full). *@ret_limit (may be NULL) says which limit refused.
 */
int pktd_ratelimit_take(struct pktd_ratelimit *rl, uid_t uid, uint64_t pps, uint64_t bps,
                        uint64_t packets, uint64_t bytes, uint64_t now_ns,
                        enum pktd_rate_limit *ret_limit, uint64_t *ret_wait_ns);

/* Whether a run of @packets packets and @bytes bytes spread evenly over @duration_ns could ever
 * pass the buckets (a burst plus what refills during the run): when it cannot, a Send is refused
 * before anything is sent. *@ret_limit says which limit. */
bool pktd_ratelimit_fits(uint64_t pps, uint64_t bps, uint64_t packets, uint64_t bytes,
                         uint64_t duration_ns, enum pktd_rate_limit *ret_limit);

/* Counts an sr starting for @uid, unless it already runs @max: returns 0, -EBUSY (at @max) or
 * -EUSERS (the table is full). */
int pktd_ratelimit_sr_begin(struct pktd_ratelimit *rl, uid_t uid, unsigned max, uint64_t now_ns);

/* An sr of @uid ended. */
void pktd_ratelimit_sr_end(struct pktd_ratelimit *rl, uid_t uid);

/* SendReceive calls @uid has running. */
unsigned pktd_ratelimit_sr_running(const struct pktd_ratelimit *rl, uid_t uid);

/* CLOCK_MONOTONIC in ns. */
uint64_t pktd_now_ns(void);

#endif
