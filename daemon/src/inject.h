/* SPDX-License-Identifier: BSD-3-Clause */
/* io.pktd.Inject: what Send (inject.c) and SendReceive (sr.c) share — the checks every packet a
 * client sends goes through before pktd touches a socket: the interface (allowed by policy, looked
 * up in the kernel's list, the kernel's name used from then on), the layer, the packets built from
 * their spec/layers/data, auto fields and default sources filled in, the spoof check. */
#ifndef PKTD_INJECT_H
#define PKTD_INJECT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <pkt/sock.h>

#include "policy.h"
#include "ratelimit.h"

struct pktd;
struct pktd_conn;
struct pktp_call;
struct pktp_error;
struct pktd_nl_addr;

/* Packets one Send sends in all (count x packets, or a replay's records). Why a million: the
 * count parameter's own bound; at line rate on a fast link it is seconds of traffic, beyond that
 * it is a flood, not a test. */
#define PKTD_SEND_PACKETS_MAX 1000000ULL
/* The longest a Send or a replay may run. Why an hour: the longest intervalMs is an hour too; a
 * call that would run longer holds a socket and a connection for a typo. */
#define PKTD_SEND_DURATION_MAX_NS (3600ULL * 1000000000ULL)
/* How long a Send keeps retrying while the interface's queue stays full (-EAGAIN/-ENOBUFS) and
 * takes no packet at all: a link that takes nothing for this long is not going to. */
#define PKTD_SEND_STALL_MAX_NS (30ULL * 1000000000ULL)
/* Bytes of one call's distinct packets, after building. Why 16 MiB: the frame they came in is at
 * most 1 MiB of text; a spec cannot legitimately grow sixteenfold. */
#define PKTD_SEND_BYTES_MAX (16u * 1024 * 1024)
/* Packets sent in one pass of the event loop before the others get their turn. */
#define PKTD_SEND_BATCH 256
/* How long to wait before retrying a send the kernel refused with a full queue. */
#define PKTD_SEND_RETRY_NS 1000000ULL
/* Distinct packets whose bytes Send returns (the contract's "first <= 64"). */
#define PKTD_SEND_REPLY_PACKETS_MAX 64

struct pktd_inject_pkt {
        uint8_t *data;
        size_t len;
        enum pkt_sock_mode mode; /* the socket it goes through */
        unsigned first;          /* the protocol it starts with, for parsing it back (sr) */
};

/* A checked request: the interface as the kernel names it, the caller, the packets. */
struct pktd_inject_req {
        char ifname[IFNAMSIZ];
        int ifindex;
        unsigned mtu;
        bool l3;
        bool check_spoof;          /* not admin and allowSpoofing = no */
        struct pktd_own_addrs own; /* .addrs points at @addrs below */
        struct pktd_nl_addr *addrs;
        uid_t uid;
        pid_t pid;
        uint64_t conn_id;
        unsigned roles;
        struct pktd_inject_pkt *pkts;
        size_t n_pkts;
        uint64_t bytes; /* the packets' bytes together */
};

/* Parses and checks @call's interface, layer and packets (packets absent is allowed when
 * !@packets_required: a replay). Returns 0 with @ret filled (free with pktd_inject_req_done()), or
 * a negative errno with @err filled: PermissionDenied (interface not allowed, a foreign source),
 * InvalidParameter, BadSpec/BadPacket (with the packet's index in the parameter path),
 * InternalError. */
int pktd_inject_prepare(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                        bool packets_required, struct pktd_inject_req *ret, struct pktp_error *err);

void pktd_inject_req_done(struct pktd_inject_req *r);

/* The spoof check of one packet of @r (a replayed record, say), logging a refusal; fills @err with
 * PermissionDenied and returns -EPERM, or returns 0. @what names the packet in the log. */
int pktd_inject_spoof_check(const struct pktd_inject_req *r, const uint8_t *data, size_t len,
                            const char *method, uint64_t index, struct pktp_error *err);

/* Fills @err with LimitExceeded for a refusal of the rate limiter (@r from pktd_ratelimit_take(),
 * @lim which limit). @sent packets already went out (said in the message). Returns -EMSGSIZE. */
int pktd_inject_rate_error(struct pktp_error *err, int r, enum pktd_rate_limit lim, uint64_t sent);

/* An -errno from pkt_sock_open()/pkt_sock_send() of packet @index as the client's error (the
 * parameter at fault: packets[@index], the interface, or fileDescriptor for a replayed record). */
int pktd_inject_sock_error(struct pktp_error *err, int r, uint64_t index, bool is_open,
                           bool is_replay);

/* The member @key of the call's parameters, or NULL when absent or null. */
struct json_object *pktd_inject_param(const struct pktp_call *call, const char *key);

/* Opens a socket of @mode on the request's interface; for sockets that only send, a filter that
 * accepts nothing keeps the kernel from queueing received frames for them. */
int pktd_inject_open(const struct pktd_inject_req *r, enum pkt_sock_mode mode, bool send_only,
                     struct pkt_sock **ret);

#endif
