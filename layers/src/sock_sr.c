/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Send and receive (scapy's sr()): which probe to send when, which received frame answers which
 * probe, and when to stop. The matcher (struct pkt_sr) does no I/O: pktd's event loop, or
 * pkt_sock_sr() at the end of this file, sends, receives and waits; the matcher keeps the state and
 * the clocks.
 *
 * A round sends every probe still unanswered (all of them in round 0), then waits the timeout from
 * its last send. Replies are judged by pkt_answers(), after lining the reply up with the probe:
 * a probe built from IP (layer-3 socket) is compared with the IP layer inside a captured Ethernet
 * frame, so one capture serves every mode.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pkt/pkt.h>
#include <pkt/sock.h>

#include "internal.h"
#include "sock_internal.h"

#define NSEC_PER_MSEC 1000000u

struct sr_probe {
        struct pkt pkt;      /* owned copy, auto fields computed, fully dissected */
        const uint8_t *data; /* its bytes, inside @pkt */
        uint32_t len;
        uint32_t n_answers;
        uint64_t first_send_real; /* CLOCK_REALTIME ns; 0: never sent */
        uint64_t last_send_real;
};

struct pkt_sr {
        struct pkt_sr_opts opts; /* limits filled in */
        struct sr_probe *probes;
        size_t n;
        size_t n_answered;       /* probes with at least one answer */
        size_t cursor;           /* next probe to consider in this round */
        uint32_t round;          /* current round, 0-based */
        uint64_t deadline_mono;  /* 0: none */
        uint64_t last_send_mono; /* 0: nothing sent yet */
        uint64_t due_real;       /* when pkt_sr_next_probe() handed out the probe due */
        int due_idx;             /* which probe that was; -1: none handed out */
        bool is_done;
        bool is_deadline;
        bool is_limited;
        uint64_t n_sent;
        uint64_t n_received;
        uint64_t reply_bytes;
        struct pkt_sr_answer *answers;
        size_t n_answers;
        size_t cap_answers;
        /* The frame being matched, and the same frame from the layer a probe starts with. */
        struct pkt reply;
        struct pkt aligned;
        unsigned aligned_proto; /* PKT_PROTO_NONE: not parsed for this frame */
        bool is_aligned;
};

static void
opts_fill(struct pkt_sr_opts *o, const struct pkt_sr_opts *in)
{
        *o = in ? *in : (struct pkt_sr_opts){ 0 };
        if (o->timeout_ms == 0)
                o->timeout_ms = PKT_SR_TIMEOUT_DEFAULT_MS;
        o->timeout_ms = MIN(o->timeout_ms, PKT_SR_TIMEOUT_MAX_MS);
        o->retry = MIN(o->retry, (uint32_t)PKT_SR_RETRY_MAX);
        if (o->max_answers == 0 || o->max_answers > PKT_SR_ANSWERS_MAX)
                o->max_answers = PKT_SR_ANSWERS_MAX;
        if (o->max_reply_bytes == 0 || o->max_reply_bytes > PKT_SR_REPLY_BYTES_MAX)
                o->max_reply_bytes = PKT_SR_REPLY_BYTES_MAX;
}

static void
answers_free(struct pkt_sr_answer *a, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(a[i].data);
        free(a);
}

struct pkt_sr *
pkt_sr_free(struct pkt_sr *sr)
{
        if (!sr)
                return NULL;
        for (size_t i = 0; sr->probes && i < sr->n; i++)
                pkt_done(&sr->probes[i].pkt);
        free(sr->probes);
        answers_free(sr->answers, sr->n_answers);
        pkt_done(&sr->reply);
        pkt_done(&sr->aligned);
        free(sr);
        return NULL;
}

static void
sr_freep(struct pkt_sr **sr)
{
        pkt_sr_free(*sr);
}

static int
probe_init(struct sr_probe *pr, struct pkt *src)
{
        const uint8_t *data;
        int r;

        pkt_init(&pr->pkt);
        r = pkt_copy(&pr->pkt, src);
        if (r < 0)
                return r;
        r = pkt_serialize(&pr->pkt, 0, &data);
        if (r < 0)
                return r;
        if (r == 0)
                return -EINVAL; /* nothing to send */
        pr->data = data;
        pr->len = (uint32_t)r;
        pkt_dissect_all(&pr->pkt);
        return 0;
}

int
pkt_sr_new(struct pkt *const *probes, size_t n, const struct pkt_sr_opts *opts, struct pkt_sr **ret)
{
        _cleanup_(sr_freep) struct pkt_sr *sr = NULL;
        int r;

        pkt_assert_return(probes && ret, -EINVAL);
        pkt_assert_return(n > 0 && n <= PKT_SR_PROBES_MAX, -EINVAL);
        for (size_t i = 0; i < n; i++)
                pkt_assert_return(probes[i], -EINVAL);

        sr = calloc(1, sizeof(*sr));
        if (!sr)
                return -ENOMEM;
        pkt_init(&sr->reply);
        pkt_init(&sr->aligned);
        opts_fill(&sr->opts, opts);
        sr->due_idx = -1;
        sr->probes = calloc(n, sizeof(*sr->probes));
        if (!sr->probes)
                return -ENOMEM;
        sr->n = n;
        for (size_t i = 0; i < n; i++) {
                r = probe_init(&sr->probes[i], probes[i]);
                if (r < 0)
                        return r;
        }
        if (sr->opts.deadline_ms)
                sr->deadline_mono = sock_now_ns(CLOCK_MONOTONIC) +
                                    (uint64_t)sr->opts.deadline_ms * NSEC_PER_MSEC;
        *ret = TAKE_PTR(sr);
        return 0;
}

/* Moves the cursor past the probes this round does not send: after round 0, the answered ones. */
static void
skip_answered(struct pkt_sr *sr)
{
        if (sr->round == 0)
                return;
        while (sr->cursor < sr->n && sr->probes[sr->cursor].n_answers > 0)
                sr->cursor++;
}

static bool
is_all_answered(const struct pkt_sr *sr)
{
        return !sr->opts.is_multi && sr->n_answered == sr->n;
}

/* Ends the sr, or starts the next round, when its time has come. */
static void
advance(struct pkt_sr *sr, uint64_t now)
{
        if (sr->is_done)
                return;
        if (is_all_answered(sr)) {
                sr->is_done = true;
                return;
        }
        if (sr->deadline_mono && now >= sr->deadline_mono) {
                sr->is_done = sr->is_deadline = true;
                return;
        }
        skip_answered(sr);
        if (sr->cursor < sr->n)
                return; /* the round is still being sent */
        if (now < sr->last_send_mono + (uint64_t)sr->opts.timeout_ms * NSEC_PER_MSEC)
                return; /* still waiting for replies */
        if (sr->round < sr->opts.retry && sr->n_answered < sr->n) {
                sr->round++;
                sr->cursor = 0;
                skip_answered(sr);
                return;
        }
        sr->is_done = true;
}

int
pkt_sr_next_probe(struct pkt_sr *sr, const uint8_t **ret_data, size_t *ret_len)
{
        pkt_assert_return(sr && ret_data && ret_len, -EINVAL);
        if (sr->is_done)
                return -EAGAIN;
        skip_answered(sr);
        if (sr->cursor >= sr->n)
                return -EAGAIN;
        /* The send time is taken before the send: on a veth the peer's reply can be received,
         * and stamped, before the sending call has even returned. */
        sr->due_real = sock_now_ns(CLOCK_REALTIME);
        sr->due_idx = (int)sr->cursor;
        *ret_data = sr->probes[sr->cursor].data;
        *ret_len = sr->probes[sr->cursor].len;
        return (int)sr->cursor;
}

int
pkt_sr_sent(struct pkt_sr *sr, unsigned idx)
{
        struct sr_probe *pr;

        pkt_assert_return(sr && !sr->is_done, -EINVAL);
        skip_answered(sr);
        pkt_assert_return(idx == sr->cursor && idx < sr->n && (int)idx == sr->due_idx, -EINVAL);
        sr->due_idx = -1;
        pr = &sr->probes[idx];
        pr->last_send_real = sr->due_real;
        if (!pr->first_send_real)
                pr->first_send_real = pr->last_send_real;
        sr->last_send_mono = sock_now_ns(CLOCK_MONOTONIC);
        sr->n_sent++;
        sr->cursor++;
        return 0;
}

int
pkt_sr_next_timeout(struct pkt_sr *sr)
{
        uint64_t now, end;

        pkt_assert_return(sr, -EINVAL);
        now = sock_now_ns(CLOCK_MONOTONIC);
        advance(sr, now);
        if (sr->is_done || sr->cursor < sr->n)
                return 0;
        end = sr->last_send_mono + (uint64_t)sr->opts.timeout_ms * NSEC_PER_MSEC;
        if (sr->deadline_mono)
                end = MIN(end, sr->deadline_mono);
        /* advance() acted on every timer already passed, so @end is ahead; round up, so that the
         * caller does not wake a moment early and spin. */
        return (int)MAX((end - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC, 1u);
}

bool
pkt_sr_is_done(const struct pkt_sr *sr)
{
        return !sr || sr->is_done || is_all_answered(sr);
}

const struct pkt_sr_answer *
pkt_sr_answers(const struct pkt_sr *sr, size_t *ret_n)
{
        if (ret_n)
                *ret_n = sr ? sr->n_answers : 0;
        return sr ? sr->answers : NULL;
}

/* The received frame seen from @proto, the probe's first layer: the frame itself when it starts
 * there, else re-parsed from its first @proto layer (the IP inside an Ethernet frame). NULL when
 * the frame has no such layer. */
static struct pkt *
view_for(struct pkt_sr *sr, unsigned proto)
{
        struct pkt *rp = &sr->reply;
        int idx;

        if (rp->n_layers > 0 && rp->layers[0].proto == proto)
                return rp;
        if (sr->aligned_proto != proto) {
                sr->aligned_proto = proto;
                sr->is_aligned = false;
                idx = pkt_layer_find(rp, proto, 1);
                if (idx > 0) {
                        const struct pkt_layer *l = &rp->layers[idx];
                        uint32_t wire = rp->wire_len > l->off ? rp->wire_len - l->off : 0;

                        sr->is_aligned = pkt_parse(&sr->aligned, proto, rp->data + l->off,
                                                   rp->len - l->off, wire) == 0;
                }
        }
        return sr->is_aligned ? &sr->aligned : NULL;
}

/* Stores a copy of the frame as an answer to probe @i. Returns 1 when stored, 0 when a limit
 * refused it (the probe still counts as answered), -ENOMEM. */
static int
store(struct pkt_sr *sr, size_t i, const uint8_t *data, size_t len,
      const struct pkt_sock_meta *meta)
{
        struct sr_probe *pr = &sr->probes[i];
        uint64_t ts = meta->ts_ns ? meta->ts_ns : sock_now_ns(CLOCK_REALTIME);
        struct pkt_sr_answer *a;

        if (pr->n_answers++ == 0)
                sr->n_answered++;
        if (sr->n_answers >= sr->opts.max_answers ||
            len > sr->opts.max_reply_bytes - sr->reply_bytes) {
                sr->is_limited = true;
                return 0;
        }
        if (sr->n_answers == sr->cap_answers) {
                size_t cap = MAX(sr->cap_answers * 2, (size_t)16);
                struct pkt_sr_answer *grown = realloc(sr->answers, cap * sizeof(*grown));

                if (!grown)
                        return -ENOMEM;
                sr->answers = grown;
                sr->cap_answers = cap;
        }
        a = &sr->answers[sr->n_answers];
        *a = (struct pkt_sr_answer){
                .probe = (uint32_t)i,
                .len = (uint32_t)len,
                .wire_len = MAX(meta->wire_len, (uint32_t)len),
                .first_proto = meta->first_proto,
                .ts_ns = ts,
                /* A late answer to an earlier round's send: measured from the first send. */
                .rtt_ns = ts >= pr->last_send_real    ? ts - pr->last_send_real
                          : ts >= pr->first_send_real ? ts - pr->first_send_real
                                                      : 0,
                .data = malloc(len ? len : 1),
        };
        if (!a->data)
                return -ENOMEM;
        memcpy(a->data, data, len);
        sr->n_answers++;
        sr->reply_bytes += len;
        return 1;
}

int
pkt_sr_on_packet(struct pkt_sr *sr, const void *data, size_t len, const struct pkt_sock_meta *meta)
{
        unsigned first;
        int stored = 0, r;

        pkt_assert_return(sr && (data || len == 0) && meta, -EINVAL);
        pkt_assert_return(len <= UINT32_MAX, -EINVAL);
        /* Our own transmissions come back on the packet socket: they answer nothing. */
        if (sr->is_done || meta->direction == PKT_SOCK_DIR_OUTGOING || len == 0)
                return 0;
        sr->n_received++;
        first = meta->first_proto ? meta->first_proto : PKT_PROTO_RAW;
        if (pkt_parse(&sr->reply, first, data, len, MAX(meta->wire_len, (uint32_t)len)) < 0 &&
            pkt_parse(&sr->reply, PKT_PROTO_RAW, data, len, len) < 0)
                return 0;
        sr->aligned_proto = PKT_PROTO_NONE;
        for (size_t i = 0; i < sr->n; i++) {
                struct sr_probe *pr = &sr->probes[i];
                struct pkt *view;

                if (!pr->first_send_real || (pr->n_answers && !sr->opts.is_multi))
                        continue;
                /* A frame stamped before the probe left cannot be its answer (a stale one). */
                if (meta->ts_ns && meta->ts_ns < pr->first_send_real)
                        continue;
                view = view_for(sr, pr->pkt.layers[0].proto);
                if (!view || !pkt_answers(&pr->pkt, view))
                        continue;
                r = store(sr, i, data, len, meta);
                if (r < 0)
                        return r;
                stored += r;
                /* One reply answers one probe, unless every answer is wanted. */
                if (!sr->opts.is_multi)
                        break;
        }
        if (is_all_answered(sr))
                sr->is_done = true;
        return stored;
}

int
pkt_sr_finish(struct pkt_sr *sr, struct pkt_sr_result *ret)
{
        uint32_t *unanswered;
        size_t n_un = 0;

        pkt_assert_return(sr && ret, -EINVAL);
        unanswered = malloc(MAX(sr->n - sr->n_answered, (size_t)1) * sizeof(*unanswered));
        if (!unanswered)
                return -ENOMEM;
        for (size_t i = 0; i < sr->n; i++)
                if (!sr->probes[i].n_answers)
                        unanswered[n_un++] = (uint32_t)i;
        *ret = (struct pkt_sr_result){
                .answers = TAKE_PTR(sr->answers),
                .n_answers = sr->n_answers,
                .unanswered = unanswered,
                .n_unanswered = n_un,
                .n_sent = sr->n_sent,
                .n_received = sr->n_received,
                .rounds = sr->n_sent ? sr->round + 1 : 0,
                .is_limited = sr->is_limited,
                .is_deadline = sr->is_deadline,
        };
        sr->n_answers = sr->cap_answers = 0;
        sr->is_done = true;
        return 0;
}

void
pkt_sr_result_done(struct pkt_sr_result *r)
{
        if (!r)
                return;
        answers_free(r->answers, r->n_answers);
        free(r->unanswered);
        *r = (struct pkt_sr_result){ 0 };
}

/* ---- pkt_sock_sr(): the matcher driven with a socket, blocking ---- */

/* Frames received per wake-up before the timers are looked at and sending goes on. */
#define SR_RECV_BATCH 64

/* What arrived is received after every this many sends, so that a long probe list does not
 * overflow the receive buffer before the first wait. */
#define SR_SEND_BATCH 32

/* How long to wait for a full send queue to drain before trying again. */
#define SR_SEND_RETRY_MS 1

/* Feeds every queued frame (up to SR_RECV_BATCH) to @sr. */
static int
sr_receive(struct pkt_sock *s, struct pkt_sr *sr, uint8_t *buf)
{
        struct pkt_sock_meta meta;

        for (unsigned i = 0; i < SR_RECV_BATCH; i++) {
                int r = sock_recv_one(s, buf, PKT_SOCK_SNAP_MAX, &meta);

                if (r == -EAGAIN)
                        return 0;
                if (r < 0)
                        return r;
                r = pkt_sr_on_packet(sr, buf, (size_t)r, &meta);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Sends what is due. A full queue is no error: the wait below gives it time to drain. */
static int
sr_send(struct pkt_sock *s, struct pkt_sr *sr, uint8_t *buf, bool *ret_full)
{
        const uint8_t *data;
        size_t len;
        unsigned n = 0;
        int i, r;

        *ret_full = false;
        while ((i = pkt_sr_next_probe(sr, &data, &len)) >= 0) {
                r = pkt_sock_send(s, data, len);
                if (r == -EAGAIN || r == -ENOBUFS) {
                        *ret_full = true;
                        return 0;
                }
                if (r < 0)
                        return r;
                r = pkt_sr_sent(sr, (unsigned)i);
                if (r < 0)
                        return r;
                if (++n % SR_SEND_BATCH == 0) {
                        r = sr_receive(s, sr, buf);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

int
pkt_sock_sr(struct pkt_sock *s, struct pkt *const *probes, size_t n, const struct pkt_sr_opts *opts,
            struct pkt_sr_result *ret)
{
        _cleanup_(sr_freep) struct pkt_sr *sr = NULL;
        _cleanup_free_ uint8_t *buf = NULL;
        bool is_full;
        int r;

        pkt_assert_return(s && probes && ret, -EINVAL);
        r = pkt_sr_new(probes, n, opts, &sr);
        if (r < 0)
                return r;
        buf = malloc(PKT_SOCK_SNAP_MAX);
        if (!buf)
                return -ENOMEM;
        /* The socket has been capturing since it was opened: what it holds predates the probes. */
        sock_drain(s);
        /* Each pass sends what is due, waits at most until the next timer and receives what came;
         * the sr's timers end it (a round's timeout, the deadline), so the loop is bounded in time.
         */
        while (!pkt_sr_is_done(sr)) {
                r = sr_send(s, sr, buf, &is_full);
                if (r < 0)
                        return r;
                int wait_ms = pkt_sr_next_timeout(sr);
                if (pkt_sr_is_done(sr))
                        break;
                /* A full queue: give it a moment (or until input comes) before sending again. */
                if (is_full)
                        wait_ms = SR_SEND_RETRY_MS;
                r = sock_wait_fd(pkt_sock_fd(s), POLLIN, wait_ms);
                if (r < 0)
                        return r;
                if (r > 0) {
                        r = sr_receive(s, sr, buf);
                        if (r < 0)
                                return r;
                }
        }
        return pkt_sr_finish(sr, ret);
}
