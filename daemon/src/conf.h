/* SPDX-License-Identifier: BSD-3-Clause */
/* pktd.conf: roles (who may do what) and limits, INI-like. Names are resolved to ids at load time,
 * so the policy check at accept is a few integer compares and never touches NSS. */
#ifndef PKTD_CONF_H
#define PKTD_CONF_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PKTD_CONF_DEFAULT_PATH "/etc/pktd/pktd.conf"
#define PKTD_USER_DEFAULT      "pktd"

/* A config file is a handful of lines; anything bigger is not one (and is read into memory). */
#define PKTD_CONF_FILE_MAX (64 * 1024)
/* Principals per role: enough for any real policy, few enough to check linearly per accept. */
#define PKTD_CONF_PRINCIPALS_MAX 64

/* Limit ranges. Lower bounds keep pktd usable, upper bounds keep one client from owning it. */
#define PKTD_CONNECTIONS_MIN             1
#define PKTD_CONNECTIONS_MAX             65536 /* fds: far above any sane RLIMIT_NOFILE share */
#define PKTD_CONNECTIONS_DEFAULT         256
#define PKTD_CONNECTIONS_PER_UID_DEFAULT 32
#define PKTD_FRAME_SIZE_MIN              4096 /* a Build call with a modest spec must fit */
#define PKTD_FRAME_SIZE_DEFAULT          (1024 * 1024) /* = PKTP_FRAME_MAX, the protocol's cap */
#define PKTD_OUTPUT_BUFFER_MIN           (64 * 1024)
#define PKTD_OUTPUT_BUFFER_MAX           (1024 * 1024 * 1024) /* x connections: more than any RAM */
#define PKTD_OUTPUT_BUFFER_DEFAULT       (8 * 1024 * 1024)
#define PKTD_IDLE_TIMEOUT_MIN            1
#define PKTD_IDLE_TIMEOUT_MAX            (7 * 24 * 3600)
#define PKTD_IDLE_TIMEOUT_DEFAULT        600

/* Capture streams and sr (issue 5). Each one holds a capture socket (an fd and its kernel buffer)
 * and a timer; these bound how many a set of clients, or one uid, can make pktd hold. */
#define PKTD_SUBSCRIPTIONS_MIN             1
#define PKTD_SUBSCRIPTIONS_MAX             4096 /* fds and kernel ring memory, not a sane need */
#define PKTD_SUBSCRIPTIONS_DEFAULT         64
#define PKTD_SUBSCRIPTIONS_PER_UID_DEFAULT 8
#define PKTD_SR_PER_UID_MIN                1
#define PKTD_SR_PER_UID_MAX                1024
#define PKTD_SR_PER_UID_DEFAULT            4
/* srProbes' upper bound is libpkt's PKT_SR_PROBES_MAX (4096): the matcher compares each received
 * frame with every unanswered probe. */
#define PKTD_SR_PROBES_MIN         1
#define PKTD_SR_PROBES_MAX         4096
#define PKTD_SR_PROBES_DEFAULT     4096
#define PKTD_SR_DURATION_MS_MIN    100 /* one round trip on a slow link */
#define PKTD_SR_DURATION_MS_MAX    (10 * 60 * 1000) /* PKT_SR_TIMEOUT_MAX_MS: no reply is worth more */
#define PKTD_SR_DURATION_MS_DEFAULT 60000
/* A subscriber's queued output: above the high watermark pktd stops reading its capture (the
 * kernel drops and counts), below the low one it resumes. */
#define PKTD_STREAM_WATER_MIN          (64 * 1024)
#define PKTD_STREAM_WATER_MAX          (1024 * 1024 * 1024)
#define PKTD_STREAM_HIGH_WATER_DEFAULT (4 * 1024 * 1024)
#define PKTD_STREAM_LOW_WATER_DEFAULT  (1024 * 1024)
/* Injection rate per uid (token bucket, burst = one second's worth). The upper bounds are far
 * above what one veth carries; the point of the key is to be set low. */
#define PKTD_INJECT_PPS_MIN     1
#define PKTD_INJECT_PPS_MAX     100000000ULL
#define PKTD_INJECT_PPS_DEFAULT 1000
#define PKTD_INJECT_BPS_MIN     1500 /* one full Ethernet frame per second must be possible */
#define PKTD_INJECT_BPS_MAX     100000000000ULL /* 800 Gbit/s */
#define PKTD_INJECT_BPS_DEFAULT 1500000

/* Interfaces named in one [capture] or [inject] interfaces list. Why 256: a line is at most 4096
 * bytes, and 256 names of up to 15 bytes with separators fill it; a policy needing more names
 * should say "*". */
#define PKTD_CONF_IFACES_MAX 256

enum pktd_principal_kind { PKTD_PRINCIPAL_USER, PKTD_PRINCIPAL_GROUP };

struct pktd_principal {
        enum pktd_principal_kind kind;
        unsigned id;   /* uid or gid */
        bool resolved; /* false: a name that does not exist; matches nobody */
};

enum pktd_role_index {
        PKTD_ROLE_IDX_CAPTURE,
        PKTD_ROLE_IDX_INJECT,
        PKTD_ROLE_IDX_ADMIN,
        _PKTD_ROLE_IDX_MAX
};

struct pktd_role_conf {
        struct pktd_principal principals[PKTD_CONF_PRINCIPALS_MAX];
        size_t n;
};

struct pktd_limits {
        unsigned connections;
        unsigned connections_per_uid;
        size_t frame_size;
        size_t output_buffer;
        unsigned idle_timeout_sec;
        /* issue 5 */
        unsigned subscriptions;
        unsigned subscriptions_per_uid; /* <= subscriptions */
        unsigned sr_per_uid;
        unsigned sr_probes;
        unsigned sr_duration_ms;
        size_t stream_high_water;
        size_t stream_low_water; /* < stream_high_water */
};

/* Which interfaces a role may use: every one ("*"), or these kernel names (exact match). An empty
 * list allows none. Admins may always use every interface; the lists are for the other roles. */
struct pktd_iface_list {
        bool all;
        size_t n;
        char names[PKTD_CONF_IFACES_MAX][IFNAMSIZ];
};

struct pktd_inject_conf {
        uint64_t packets_per_second; /* per uid */
        uint64_t bytes_per_second;   /* per uid */
        bool allow_spoofing;         /* non-admins may send source addresses not the interface's */
};

struct pktd_conf {
        struct pktd_role_conf roles[_PKTD_ROLE_IDX_MAX];
        struct pktd_limits limits;
        struct pktd_iface_list capture_ifaces; /* [capture] interfaces */
        struct pktd_iface_list inject_ifaces;  /* [inject] interfaces */
        struct pktd_inject_conf inject;        /* [inject] the rest */
        char user[64]; /* the user to drop to when started as root */
        bool allow_root;
        /* Names that did not resolve (they match nobody): pktd logs these at load. */
        char warnings[8][160];
        unsigned n_warnings;
};

/* Where parsing failed: a 1-based line (0: the file itself could not be read) and why. */
struct pktd_conf_error {
        unsigned line;
        char message[200];
};

/* Fills @c with the built-in defaults: root admin, group pktd capture, group pktd-inject inject
 * (a group that does not exist matches nobody), the default limits, user pktd, allowRoot no. */
void pktd_conf_defaults(struct pktd_conf *c);

/* Parses @text (@len bytes, need not be NUL-terminated) over the defaults. A role key replaces that
 * role's default principals. Returns 0, or -EINVAL with @err filled (line number and message). */
int pktd_conf_parse(const char *text, size_t len, struct pktd_conf **ret,
                    struct pktd_conf_error *err);

/* Loads @path. A missing file is the defaults when !@must_exist (the default path), an error when
 * the file was named (--config). Returns 0 or a negative errno with @err filled. */
int pktd_conf_load(const char *path, bool must_exist, struct pktd_conf **ret,
                   struct pktd_conf_error *err);

struct pktd_conf *pktd_conf_free(struct pktd_conf *c);

/* Whether @name (a kernel interface name) is in @l. */
bool pktd_iface_list_has(const struct pktd_iface_list *l, const char *name);

/* Whether a peer matches @r: its uid, primary gid or one of its supplementary @groups. */
bool pktd_role_conf_match(const struct pktd_role_conf *r, uid_t uid, gid_t gid, const gid_t *groups,
                          size_t n_groups);

#endif
