/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * io.pktd.Inject.Send: packets (or a passed capture file) onto an interface.
 *
 * Every packet goes through pktd_inject_prepare() first (inject.h): interface allowed by policy
 * and present in the kernel's list, packets built, default sources filled in, spoof check. Then
 * the rate limit (ratelimit.h):
 *   - a list sent at once (no intervalMs) takes all its tokens up front: if the uid's buckets
 *     lack them, LimitExceeded and nothing is sent;
 *   - a paced list (intervalMs) that could never pass the buckets, even with what they refill
 *     during the run, is refused before anything is sent; otherwise each packet takes its tokens
 *     when it is due, and if the uid's other calls took them meanwhile the call ends with
 *     LimitExceeded saying how many were sent;
 *   - a replay is paced to the buckets: a record waits for its tokens (topspeed means "as fast as
 *     the rate limit allows").
 * A Send that needs no waiting answers from its handler; anything that waits (intervalMs, a full
 * queue, a replay, more than PKTD_SEND_BATCH packets) becomes an async call (call.h) driven by
 * libevent timers, and closing the connection cancels it.
 */
#define _GNU_SOURCE
#include "inject.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <syslog.h>
#include <unistd.h>

#include <pkt/pcap.h>
#include <pkt/pkt.h>
#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>
#include <pktp/packet.h>

#include "call.h"
#include "closer.h"
#include "conf.h"
#include "conn.h"
#include "dispatch.h"
#include "log.h"
#include "netlink.h"
#include "pktd.h"

static void
pkt_donep(struct pkt *p)
{
        (void)pkt_done(p);
}

struct json_object *
pktd_inject_param(const struct pktp_call *call, const char *key)
{
        struct json_object *v = NULL;

        if (!call->parameters || !json_object_object_get_ex(call->parameters, key, &v))
                return NULL;
        return v;
}

void
pktd_inject_req_done(struct pktd_inject_req *r)
{
        if (!r)
                return;
        for (size_t i = 0; i < r->n_pkts; i++)
                free(r->pkts[i].data);
        free(r->pkts);
        free(r->addrs);
        memset(r, 0, sizeof(*r));
}

int
pktd_inject_rate_error(struct pktp_error *err, int r, enum pktd_rate_limit lim, uint64_t sent)
{
        const char *name = pktd_rate_limit_name(lim);

        if (r == -EUSERS)
                return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, name,
                                      "too many users are sending at once (%d); %llu packets were "
                                      "sent",
                                      PKTD_RATELIMIT_UIDS_MAX, (unsigned long long)sent);
        if (r == -E2BIG)
                return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, name,
                                      "more than one second's worth of %s at once; %llu packets "
                                      "were sent",
                                      name, (unsigned long long)sent);
        return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, name,
                              "over the %s limit of this user; %llu packets were sent", name,
                              (unsigned long long)sent);
}

int
pktd_inject_sock_error(struct pktp_error *err, int r, uint64_t index, bool is_open, bool is_replay)
{
        char path[48];

        /* a replayed record is named by the file it came from, the message says which */
        if (is_replay)
                (void)snprintf(path, sizeof(path), "fileDescriptor");
        else
                (void)snprintf(path, sizeof(path), "packets[%llu]", (unsigned long long)index);
        switch (r) {
        case -ENODEV:
        case -ENXIO:
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "interface",
                                      "the interface went away");
        case -ENETDOWN:
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "interface",
                                      "the interface is down");
        case -EMSGSIZE:
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, path,
                                      "packet %llu is longer than the interface's MTU",
                                      (unsigned long long)index);
        case -EPERM:
        case -EACCES:
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "pktd lacks CAP_NET_RAW: it cannot %s",
                                      is_open ? "open a raw socket" : "send");
        case -ENETUNREACH:
        case -EHOSTUNREACH:
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, path,
                                      "no route to packet %llu's destination",
                                      (unsigned long long)index);
        case -EINVAL:
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, path,
                                      "the kernel refused packet %llu as malformed",
                                      (unsigned long long)index);
        default:
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "%s failed (errno %d)",
                                      is_open ? "opening the socket" : "sending", -r);
        }
}

int
pktd_inject_open(const struct pktd_inject_req *r, enum pkt_sock_mode mode, bool send_only,
                 struct pkt_sock **ret)
{
        /* BPF "ret #0": accept nothing. */
        static const struct pkt_bpf_insn drop_all[] = { { 0x06, 0, 0, 0 } };
        struct pkt_sock *s = NULL;
        int rr;

        rr = pkt_sock_open(r->ifname, mode, &s);
        if (rr < 0)
                return rr;
        if (send_only) {
                rr = pkt_sock_attach_bpf(s, drop_all, 1);
                if (rr < 0) {
                        pktd_sock_release(s);
                        return rr;
                }
        }
        *ret = s;
        return 0;
}

int
pktd_inject_spoof_check(const struct pktd_inject_req *r, const uint8_t *data, size_t len,
                        const char *method, uint64_t index, struct pktp_error *err)
{
        const char *what = "";

        if (!r->check_spoof)
                return 0;
        if (pktd_policy_spoof_check(&r->own, r->l3, data, len, &what) == 0)
                return 0;
        /* Why the call was refused, for the admin: the field, never the packet's bytes. */
        pktd_log(LOG_WARNING, "client %llu (uid %u, pid %d): %s packet %llu on %s refused: %s",
                 (unsigned long long)r->conn_id, (unsigned)r->uid, (int)r->pid, method,
                 (unsigned long long)index, r->ifname, what);
        return pktp_error_set(err, PKTP_ERR_PERMISSION_DENIED, NULL, NULL);
}

/* Prefixes the parameter path @err names with "packets[@i]." (BadPacket's "layers[1].ttl" becomes
 * "packets[0].layers[1].ttl"). */
static void
prefix_path(struct pktp_error *err, size_t i)
{
        char tmp[PKTP_ERROR_ARG_MAX];
        int n;

        if (err->id != PKTP_ERR_BAD_PACKET && err->id != PKTP_ERR_INVALID_PARAMETER)
                return;
        n = snprintf(tmp, sizeof(tmp), "packets[%zu]%s%s", i, err->arg[0] ? "." : "", err->arg);
        if (n > 0 && (size_t)n < sizeof(tmp))
                memcpy(err->arg, tmp, (size_t)n + 1);
}

static bool
field_is_set(struct pkt *p, unsigned idx, unsigned proto, const char *name)
{
        const struct pkt_layer *l = pkt_layer(p, idx);
        int fi = pkt_field_index(proto, name);

        return !l || fi < 0 || fi >= 64 || (l->set_mask & (1ULL << fi));
}

/* The interface's first address of @family (for IPv6 one of the same scope as @dst: link-local
 * for a link-local destination, global otherwise), or NULL. */
static const uint8_t *
pick_addr(const struct pktd_inject_req *r, int family, const uint8_t *dst)
{
        bool want_ll = family == AF_INET6 && dst && dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80;
        const uint8_t *fallback = NULL;

        for (size_t i = 0; i < r->own.n_addrs; i++) {
                const uint8_t *a = r->own.addrs[i].addr;
                bool ll;

                if (r->own.addrs[i].family != family)
                        continue;
                if (family == AF_INET)
                        return a;
                ll = a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
                if (ll == want_ll)
                        return a;
                if (!fallback)
                        fallback = a;
        }
        return fallback;
}

/* What scapy does for a packet the client built: the source fields it left out (not set
 * explicitly, whatever libpkt's default for it) become the interface's — the Ethernet source, the
 * ARP sender, the IPv4/IPv6 source. A field the client set, even to zero or to broadcast, is left
 * alone; so are packets given as bytes. */
static void
fill_sources(struct pkt *p, const struct pktd_inject_req *r)
{
        const struct pkt_layer *l0 = pkt_layer(p, 0);
        const uint8_t *a, *dst;
        size_t n;
        int i;

        if (l0 && l0->proto == PKT_PROTO_ETHERNET && r->own.has_mac &&
            !field_is_set(p, 0, PKT_PROTO_ETHERNET, "src"))
                (void)pkt_field_set_bytes(p, 0, "src", r->own.mac, 6);
        i = pkt_layer_find(p, PKT_PROTO_ARP, 0);
        if (i >= 0) {
                if (r->own.has_mac && !field_is_set(p, (unsigned)i, PKT_PROTO_ARP, "sha"))
                        (void)pkt_field_set_bytes(p, (unsigned)i, "sha", r->own.mac, 6);
                a = pick_addr(r, AF_INET, NULL);
                if (a && !field_is_set(p, (unsigned)i, PKT_PROTO_ARP, "spa"))
                        (void)pkt_field_set_bytes(p, (unsigned)i, "spa", a, 4);
        }
        i = pkt_layer_find(p, PKT_PROTO_IP, 0);
        if (i >= 0 && !field_is_set(p, (unsigned)i, PKT_PROTO_IP, "src")) {
                a = pick_addr(r, AF_INET, NULL);
                if (a)
                        (void)pkt_field_set_bytes(p, (unsigned)i, "src", a, 4);
        }
        i = pkt_layer_find(p, PKT_PROTO_IP6, 0);
        if (i >= 0 && !field_is_set(p, (unsigned)i, PKT_PROTO_IP6, "src")) {
                if (pkt_field_get_bytes(p, (unsigned)i, "dst", &dst, &n) < 0 || n != 16)
                        dst = NULL;
                a = pick_addr(r, AF_INET6, dst);
                if (a)
                        (void)pkt_field_set_bytes(p, (unsigned)i, "src", a, 16);
        }
}

/* Builds packet @i from @obj into @out: layer checks, sources, serialisation. */
static int
build_one(struct pktd_inject_req *r, enum pktd_link_kind link, struct json_object *obj, size_t i,
          struct pktd_inject_pkt *out, struct pktp_error *err)
{
        _cleanup_(pkt_donep) struct pkt p;
        const struct pkt_layer *l0;
        const uint8_t *bytes;
        char path[48];
        bool is_data = json_object_object_get_ex(obj, "data", NULL);
        unsigned first;
        int len, rr;

        pkt_init(&p);
        (void)snprintf(path, sizeof(path), "packets[%zu]", i);
        rr = pktp_packet_from_json(&p, obj, err);
        if (rr < 0) {
                prefix_path(err, i);
                return rr;
        }
        l0 = pkt_layer(&p, 0);
        if (!l0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, path,
                                      "the packet has no layers");
        if (!is_data) {
                /* A built packet must start as the socket expects; bytes are the client's own
                 * business (they still pass the spoof check). */
                first = l0->proto;
                if ((r->l3 || link == PKTD_LINK_IP) && first != PKT_PROTO_IP &&
                    first != PKT_PROTO_IP6)
                        return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, path,
                                              "on layer 3 a packet starts with its ip or ip6 "
                                              "layer");
                if (!r->l3 && link == PKTD_LINK_ETHERNET && first != PKT_PROTO_ETHERNET)
                        return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, path,
                                              "on layer 2 a packet on %s starts with its "
                                              "ethernet layer (or use layer l3)",
                                              r->ifname);
                fill_sources(&p, r);
        }
        len = pkt_serialize(&p, 0, &bytes);
        if (len < 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, path, "%s",
                                      len == -ERANGE ? pkt_serialize_strerror(len)
                                                     : "the packet could not be serialised");
        if (len == 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, path, "the packet is empty");

        if (r->l3 || link == PKTD_LINK_IP) {
                unsigned v = bytes[0] >> 4;

                if (v != 4 && v != 6)
                        return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, path,
                                              "the packet is neither IPv4 nor IPv6");
                out->first = v == 4 ? PKT_PROTO_IP : PKT_PROTO_IP6;
                out->mode = !r->l3 ? PKT_SOCK_L2 : v == 4 ? PKT_SOCK_L3_IPV4 : PKT_SOCK_L3_IPV6;
        } else {
                out->first = link == PKTD_LINK_ETHERNET ? PKT_PROTO_ETHERNET : PKT_PROTO_RAW;
                out->mode = PKT_SOCK_L2;
        }
        out->data = malloc((size_t)len);
        if (!out->data)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        memcpy(out->data, bytes, (size_t)len);
        out->len = (size_t)len;
        return 0;
}

int
pktd_inject_prepare(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                    bool packets_required, struct pktd_inject_req *ret, struct pktp_error *err)
{
        struct pktd_nl_list list = { 0 };
        const struct pktd_nl_iface *iface;
        struct json_object *v, *packets;
        struct pktd_inject_req r = { 0 };
        enum pktd_link_kind link;
        const char *name;
        size_t n;
        int rr;

        v = pktd_inject_param(call, "interface");
        if (!v || !json_object_is_type(v, json_type_string))
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "interface",
                                      "interface must be a string");
        name = json_object_get_string(v);
        r.uid = c->uid;
        r.pid = c->pid;
        r.conn_id = c->id;
        r.roles = c->roles;
        r.check_spoof = !(c->roles & PKTP_ROLE_ADMIN) && !d->conf->inject.allow_spoofing;
        if (!pktd_policy_iface_allowed(&d->conf->inject_ifaces, c->roles, name)) {
                pktd_log_denied(c->uid, c->pid, c->id, call->desc->name);
                return pktp_error_set(err, PKTP_ERR_PERMISSION_DENIED, NULL, NULL);
        }
        v = pktd_inject_param(call, "layer");
        r.l3 = v && strcmp(json_object_get_string(v), "l3") == 0;

        rr = pktd_nl_list_ifaces(&list);
        if (rr < 0)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "the interface list could not be read");
        iface = pktd_policy_iface_find(&list, name);
        if (!iface) {
                pktd_nl_list_done(&list);
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "interface",
                                      "no interface of that name");
        }
        /* From here on the kernel's name, never the client's string. */
        memcpy(r.ifname, iface->name, sizeof(r.ifname));
        r.ifname[IFNAMSIZ - 1] = '\0';
        r.ifindex = iface->index;
        r.mtu = iface->mtu;
        pktd_policy_own_addrs(&list, iface, &r.own);
        if (r.own.n_addrs) {
                r.addrs = malloc(r.own.n_addrs * sizeof(*r.addrs));
                if (!r.addrs) {
                        pktd_nl_list_done(&list);
                        return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
                }
                memcpy(r.addrs, r.own.addrs, r.own.n_addrs * sizeof(*r.addrs));
        }
        r.own.addrs = r.addrs;
        pktd_nl_list_done(&list);
        link = r.own.link;

        packets = pktd_inject_param(call, "packets");
        if (!packets) {
                if (packets_required) {
                        pktd_inject_req_done(&r);
                        return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "packets",
                                              "packets are required");
                }
                *ret = r;
                return 0;
        }
        if (!json_object_is_type(packets, json_type_array) ||
            json_object_array_length(packets) == 0) {
                pktd_inject_req_done(&r);
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "packets",
                                      "packets must be a list of at least one packet");
        }
        n = json_object_array_length(packets);
        r.pkts = calloc(n, sizeof(*r.pkts));
        if (!r.pkts) {
                pktd_inject_req_done(&r);
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
                struct json_object *obj = json_object_array_get_idx(packets, i);

                rr = build_one(&r, link, obj, i, &r.pkts[i], err);
                if (rr < 0) {
                        pktd_inject_req_done(&r);
                        return rr;
                }
                r.n_pkts++;
                r.bytes += r.pkts[i].len;
                if (r.bytes > PKTD_SEND_BYTES_MAX) {
                        pktd_inject_req_done(&r);
                        return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "packets",
                                              "the packets add up to more than %u bytes",
                                              PKTD_SEND_BYTES_MAX);
                }
                rr = pktd_inject_spoof_check(&r, r.pkts[i].data, r.pkts[i].len, call->desc->name, i,
                                             err);
                if (rr < 0) {
                        pktd_inject_req_done(&r);
                        return rr;
                }
        }
        *ret = r;
        return 0;
}

/* ---- Send ---- */

enum timing { TIMING_ORIGINAL, TIMING_RATE, TIMING_TOPSPEED };

struct send_job {
        struct pktd *d;
        struct pktd_call *call; /* NULL while the handler runs it */
        struct pktd_inject_req req;
        struct pkt_sock *socks[_PKT_SOCK_MODE_MAX];
        struct event *ev_timer;
        const char *method;

        uint64_t pps, bps; /* the rates in force when the call started */
        uint64_t start_ns;
        uint64_t stall_since_ns; /* the device queue has been full since (0: it is not) */
        uint64_t total;          /* packets to send (a list: count x packets) */
        uint64_t next;           /* index of the next one */
        uint64_t interval_ns;
        bool tokens_taken; /* the whole list's tokens were taken up front */
        bool token_held;   /* the next packet's tokens are taken (it met a full queue) */
        uint64_t sent, bytes;

        /* replay */
        struct pkt_pcap *pcap; /* owns the passed descriptor */
        enum timing timing;
        uint64_t replay_pps;
        struct pkt_pcap_rec rec; /* the record due, when have_rec */
        bool have_rec;
        bool have_first_ts;
        int64_t first_ts_ns;
        int dlt; /* the interface's link type */
};

static void
send_job_free(struct send_job *j)
{
        if (!j)
                return;
        if (j->ev_timer)
                event_free(j->ev_timer);
        for (size_t i = 0; i < _PKT_SOCK_MODE_MAX; i++)
                pktd_sock_release(j->socks[i]);
        pkt_pcap_close(j->pcap);
        pktd_inject_req_done(&j->req);
        free(j);
}

/* Waits @ns before the next step. */
static int
send_wait(struct send_job *j, uint64_t ns)
{
        struct timeval tv = { .tv_sec = (time_t)(ns / 1000000000ULL),
                              .tv_usec = (suseconds_t)(ns % 1000000000ULL / 1000) };

        if (event_add(j->ev_timer, &tv) < 0)
                return -ENOMEM;
        return 1;
}

/* Sends @len bytes at @data through the socket of @mode, with its tokens. Returns 0 sent, 1
 * waiting (timer armed), or a negative errno with @err filled. */
static int
send_one(struct send_job *j, enum pkt_sock_mode mode, const uint8_t *data, size_t len,
         uint64_t index, bool paced_by_bucket, struct pktp_error *err)
{
        enum pktd_rate_limit lim = PKTD_RATE_PACKETS;
        uint64_t now = pktd_now_ns(), wait = 0;
        int r;

        if (!j->tokens_taken && !j->token_held) {
                r = pktd_ratelimit_take(pktd_ratelimit_global(), j->req.uid, j->pps, j->bps, 1, len,
                                        now, &lim, &wait);
                if (r == -EAGAIN && paced_by_bucket)
                        return send_wait(j, wait);
                if (r < 0)
                        return pktd_inject_rate_error(err, r, lim, j->sent);
                j->token_held = true;
        }
        if (!j->socks[mode]) {
                r = pktd_inject_open(&j->req, mode, true, &j->socks[mode]);
                if (r < 0)
                        return pktd_inject_sock_error(err, r, index, true, j->pcap != NULL);
        }
        r = pkt_sock_send(j->socks[mode], data, len);
        if (r == -EAGAIN || r == -ENOBUFS) {
                if (!j->stall_since_ns)
                        j->stall_since_ns = now;
                else if (now - j->stall_since_ns > PKTD_SEND_STALL_MAX_NS)
                        return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                              "the interface took no packet for %llu s; %llu were "
                                              "sent",
                                              PKTD_SEND_STALL_MAX_NS / 1000000000ULL,
                                              (unsigned long long)j->sent);
                return send_wait(j, PKTD_SEND_RETRY_NS);
        }
        if (r < 0) {
                r = pktd_inject_sock_error(err, r, index, false, j->pcap != NULL);
                if (j->sent > 0) {
                        size_t n = strlen(err->message);

                        /* what went out before it is part of the answer */
                        (void)snprintf(err->message + n, sizeof(err->message) - n,
                                       "; %llu packets were sent", (unsigned long long)j->sent);
                }
                return r;
        }
        j->stall_since_ns = 0;
        j->token_held = false;
        j->sent++;
        j->bytes += len;
        return 0;
}

/* Runs a packet list on. Returns 0 done, 1 waiting, or a negative errno with @err filled. */
static int
send_list_step(struct send_job *j, struct pktp_error *err)
{
        for (unsigned batch = 0; j->next < j->total; batch++) {
                const struct pktd_inject_pkt *p = &j->req.pkts[j->next % j->req.n_pkts];
                int r;

                if (batch >= PKTD_SEND_BATCH)
                        return send_wait(j, 0);
                if (j->interval_ns) {
                        uint64_t due = j->start_ns + j->next * j->interval_ns, now = pktd_now_ns();

                        if (now < due)
                                return send_wait(j, due - now);
                }
                r = send_one(j, p->mode, p->data, p->len, j->next % j->req.n_pkts, false, err);
                if (r != 0)
                        return r;
                j->next++;
        }
        return 0;
}

/* Runs a replay on. Returns as send_list_step(). */
static int
send_replay_step(struct send_job *j, struct pktp_error *err)
{
        for (unsigned batch = 0;; batch++) {
                uint64_t now, due;
                int64_t ts;
                int r;

                if (batch >= PKTD_SEND_BATCH)
                        return send_wait(j, 0);
                if (!j->have_rec) {
                        r = pkt_pcap_next(j->pcap, &j->rec);
                        if (r == 0)
                                return 0;
                        if (r < 0)
                                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER,
                                                      "fileDescriptor",
                                                      "the capture file is damaged after %llu "
                                                      "packets",
                                                      (unsigned long long)j->next);
                        if (j->next >= PKTD_SEND_PACKETS_MAX)
                                return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, "count",
                                                      "a replay sends at most %llu packets; "
                                                      "%llu were sent",
                                                      PKTD_SEND_PACKETS_MAX,
                                                      (unsigned long long)j->sent);
                        if (j->rec.linktype != j->dlt)
                                return pktp_error_set(
                                        err, PKTP_ERR_INVALID_PARAMETER, "fileDescriptor",
                                        "packet %llu's link type (%d) is not the "
                                        "interface's (%d)",
                                        (unsigned long long)j->next, (int)j->rec.linktype, j->dlt);
                        r = pktd_inject_spoof_check(&j->req, j->rec.data, j->rec.caplen, j->method,
                                                    j->next, err);
                        if (r < 0)
                                return r;
                        j->have_rec = true;
                }
                now = pktd_now_ns();
                ts = j->rec.ts_sec * 1000000000LL + (int64_t)j->rec.ts_nsec;
                if (!j->have_first_ts) {
                        j->first_ts_ns = ts;
                        j->have_first_ts = true;
                }
                switch (j->timing) {
                case TIMING_ORIGINAL:
                        /* a timestamp going backwards is sent at once */
                        due = ts > j->first_ts_ns ? j->start_ns + (uint64_t)(ts - j->first_ts_ns)
                                                  : 0;
                        break;
                case TIMING_RATE:
                        due = j->start_ns + j->next * (1000000000ULL / j->replay_pps) +
                              j->next * (1000000000ULL % j->replay_pps) / j->replay_pps;
                        break;
                default:
                        due = 0;
                        break;
                }
                if (due > j->start_ns + PKTD_SEND_DURATION_MAX_NS)
                        return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, "duration",
                                              "a replay runs at most an hour; %llu packets were "
                                              "sent",
                                              (unsigned long long)j->sent);
                if (now < due)
                        return send_wait(j, due - now);
                r = send_one(j, PKT_SOCK_L2, j->rec.data, j->rec.caplen, j->next, true, err);
                if (r != 0)
                        return r;
                j->have_rec = false;
                j->next++;
        }
}

static int
send_step(struct send_job *j, struct pktp_error *err)
{
        return j->pcap ? send_replay_step(j, err) : send_list_step(j, err);
}

/* The reply: {"sent":N,"bytes":N[,"packets":[...]]}. */
static void
send_reply_write(const struct send_job *j, struct pktp_buf *out)
{
        pktp_buf_puts(out, "{\"sent\":");
        pktp_buf_u64(out, j->sent);
        pktp_buf_puts(out, ",\"bytes\":");
        pktp_buf_u64(out, j->bytes);
        if (!j->pcap && j->req.n_pkts) {
                size_t n = j->req.n_pkts < PKTD_SEND_REPLY_PACKETS_MAX
                                   ? j->req.n_pkts
                                   : PKTD_SEND_REPLY_PACKETS_MAX;

                pktp_buf_puts(out, ",\"packets\":[");
                for (size_t i = 0; i < n; i++) {
                        /* The packets are a courtesy; the counts are the answer. The list stops
                         * before the reply could pass half the output buffer (base64 is 4/3 of
                         * the bytes), so that big packets never turn a done Send into an error. */
                        if (out->len + (j->req.pkts[i].len + 2) / 3 * 4 + 8 > out->max / 2)
                                break;
                        if (i)
                                pktp_buf_putc(out, ',');
                        pktp_buf_base64(out, j->req.pkts[i].data, j->req.pkts[i].len);
                }
                pktp_buf_putc(out, ']');
        }
        pktp_buf_putc(out, '}');
}

static void
send_finish_async(struct send_job *j, int r, const struct pktp_error *err)
{
        struct pktd_call *a = j->call;

        if (r < 0) {
                (void)pktd_call_error(a, err);
        } else {
                struct pktp_buf out;
                struct pktp_error e = { 0 };

                pktp_buf_init(&out, j->d->conf->limits.output_buffer);
                send_reply_write(j, &out);
                if (out.err) {
                        (void)pktp_error_set(&e, PKTP_ERR_LIMIT_EXCEEDED, "outputBuffer",
                                             "the reply is larger than the output buffer");
                        (void)pktd_call_error(a, &e);
                } else
                        (void)pktd_call_reply(a, out.data, out.len, false);
                pktp_buf_done(&out);
        }
        send_job_free(j);
}

static void
send_timer_cb(evutil_socket_t fd, short what, void *ud)
{
        struct send_job *j = ud;
        struct pktp_error err = { 0 };
        int r;

        (void)fd;
        (void)what;
        r = send_step(j, &err);
        if (r == 1)
                return;
        send_finish_async(j, r, &err);
}

static void
send_cancel_cb(void *ud)
{
        send_job_free(ud);
}

/* Makes the call async (if it is not yet) and leaves the job to its timer. */
static int
send_go_async(struct send_job *j, struct pktd_conn *c, const struct pktp_call *call,
              struct pktp_error *err)
{
        if (!j->call) {
                j->call = pktd_call_async(c, call);
                if (!j->call)
                        return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        }
        pktd_call_on_cancel(j->call, send_cancel_cb, j);
        return PKTD_CALL_ASYNC;
}

/* Sets up a replay of the passed file: the call is made async first (the descriptor belongs to
 * it). */
static int
replay_setup(struct send_job *j, struct pktd_conn *c, const struct pktp_call *call,
             struct pktp_error *err)
{
        struct json_object *v = pktd_inject_param(call, "fileDescriptor");
        unsigned idx = (unsigned)json_object_get_int64(v);
        struct statfs sfs;
        struct stat st;
        int fd, fl, r;

        v = pktd_inject_param(call, "timing");
        j->timing = !v                                                   ? TIMING_ORIGINAL
                    : strcmp(json_object_get_string(v), "rate") == 0     ? TIMING_RATE
                    : strcmp(json_object_get_string(v), "topspeed") == 0 ? TIMING_TOPSPEED
                                                                         : TIMING_ORIGINAL;
        v = pktd_inject_param(call, "pps");
        if (j->timing == TIMING_RATE && !v)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "pps",
                                      "timing rate needs pps");
        if (v && j->timing != TIMING_RATE)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "pps",
                                      "pps goes with timing rate");
        j->replay_pps = v ? (uint64_t)json_object_get_int64(v) : 0;
        if (j->timing == TIMING_RATE && j->replay_pps == 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "pps",
                                      "pps must be at least 1");
        if (j->req.l3)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "layer",
                                      "a replay sends the file's frames on layer 2");
        if (pktd_inject_param(call, "count") || pktd_inject_param(call, "intervalMs"))
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER,
                                      pktd_inject_param(call, "count") ? "count" : "intervalMs",
                                      "a replay takes its timing from timing and pps");

        r = pktd_inject_open(&j->req, PKT_SOCK_L2, true, &j->socks[PKT_SOCK_L2]);
        if (r < 0)
                return pktd_inject_sock_error(err, r, 0, true, true);
        j->dlt = pkt_sock_dlt(j->socks[PKT_SOCK_L2]);
        if (j->dlt < 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "interface",
                                      "pktd does not know the interface's link type");

        j->call = pktd_call_async(c, call);
        if (!j->call)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        fd = pktd_call_take_fd(j->call, idx);
        if (fd == -EBADF)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "fileDescriptor",
                                      "no file descriptor %u was passed with the call", idx);
        if (fd < 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "fileDescriptor",
                                      "not a readable regular file on a local file system");
        /* Only regular files, as Capture.Subscribe: reading a pipe (or a FUSE file) could block
         * the loop on whoever writes it, and a pseudo file system's files can block or change as
         * they are read. Readable, too. */
        fl = fcntl(fd, F_GETFL);
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || fl < 0 || (fl & O_ACCMODE) == O_WRONLY ||
            fstatfs(fd, &sfs) < 0 || pktd_capture_fs_refused((unsigned long)sfs.f_type)) {
                (void)close(fd);
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "fileDescriptor",
                                      "not a readable regular file on a local file system");
        }
        r = pkt_pcap_open_fd(fd, &j->pcap); /* takes fd, on failure too */
        if (r == -ENOMEM)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        if (r < 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "fileDescriptor",
                                      r == -EPROTONOSUPPORT
                                              ? "the file is compressed; pass it uncompressed"
                                              : "the file is not a pcap or pcapng capture");
        return 0;
}

int
pktd_inject_send(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                 struct pktp_buf *out, struct pktp_error *err)
{
        struct send_job *j;
        struct json_object *v;
        enum pktd_rate_limit lim = PKTD_RATE_PACKETS;
        uint64_t count = 1, planned_ns;
        bool replay = pktd_inject_param(call, "fileDescriptor") != NULL;
        int r;

        if (replay && pktd_inject_param(call, "packets"))
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "packets",
                                      "give packets or fileDescriptor, not both");
        if (!replay && (pktd_inject_param(call, "timing") || pktd_inject_param(call, "pps")))
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER,
                                      pktd_inject_param(call, "timing") ? "timing" : "pps",
                                      "timing and pps are for a replay (fileDescriptor)");
        j = calloc(1, sizeof(*j));
        if (!j)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        j->d = d;
        j->method = call->desc->name;
        j->pps = d->conf->inject.packets_per_second;
        j->bps = d->conf->inject.bytes_per_second;
        r = pktd_inject_prepare(d, c, call, !replay, &j->req, err);
        if (r < 0)
                goto fail;
        j->ev_timer = event_new(d->base, -1, 0, send_timer_cb, j);
        if (!j->ev_timer) {
                r = pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
                goto fail;
        }
        j->start_ns = pktd_now_ns();

        if (replay) {
                r = replay_setup(j, c, call, err);
                if (r < 0)
                        goto fail;
        } else {
                v = pktd_inject_param(call, "count");
                if (v)
                        count = (uint64_t)json_object_get_int64(v);
                v = pktd_inject_param(call, "intervalMs");
                if (v)
                        j->interval_ns = (uint64_t)json_object_get_int64(v) * 1000000ULL;
                j->total = count * j->req.n_pkts;
                if (count < 1 || j->total > PKTD_SEND_PACKETS_MAX) {
                        r = pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "count",
                                           "count x packets is %llu; at most %llu are sent by "
                                           "one call",
                                           (unsigned long long)j->total, PKTD_SEND_PACKETS_MAX);
                        goto fail;
                }
                planned_ns = (j->total - 1) * j->interval_ns;
                if (planned_ns > PKTD_SEND_DURATION_MAX_NS) {
                        r = pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "intervalMs",
                                           "the packets would take more than an hour to send");
                        goto fail;
                }
                /* The whole run against the buckets: refused before anything is sent when it
                 * could never pass. */
                if (!pktd_ratelimit_fits(j->pps, j->bps, j->total, count * j->req.bytes, planned_ns,
                                         &lim)) {
                        r = pktd_inject_rate_error(err, -E2BIG, lim, 0);
                        goto fail;
                }
                if (!j->interval_ns) {
                        r = pktd_ratelimit_take(pktd_ratelimit_global(), j->req.uid, j->pps, j->bps,
                                                j->total, count * j->req.bytes, j->start_ns, &lim,
                                                NULL);
                        if (r < 0) {
                                r = pktd_inject_rate_error(err, r, lim, 0);
                                goto fail;
                        }
                        j->tokens_taken = true;
                }
        }

        r = send_step(j, err);
        if (r == 1) {
                r = send_go_async(j, c, call, err);
                if (r < 0)
                        goto fail;
                return PKTD_CALL_ASYNC;
        }
        if (r < 0)
                goto fail;
        if (j->call) {
                /* a replay that ended at once: it is async already */
                send_finish_async(j, 0, err);
                return PKTD_CALL_ASYNC;
        }
        send_reply_write(j, out);
        send_job_free(j);
        return 0;

fail:
        if (j->call) {
                /* async already: the error goes through the call */
                send_finish_async(j, r, err);
                return PKTD_CALL_ASYNC;
        }
        send_job_free(j);
        return r;
}
