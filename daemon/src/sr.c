/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * io.pktd.Inject.SendReceive: libpkt's incremental matcher (struct pkt_sr, pkt/sock.h) driven
 * from pktd's event loop.
 *
 * The probes pass the same checks as Send's packets (inject.c). The socket is opened — and so the
 * capture armed — before the first send; its descriptor is watched for input, every frame readable
 * goes to pkt_sr_on_packet() (at most PKTD_SR_RECV_BATCH per wake-up, so one busy interface does
 * not starve the loop), and a timer follows pkt_sr_next_timeout(): the timeout counts from a
 * round's last send, retries resend the unanswered, the deadline (deadlineMs, never more than
 * pktd.conf's srDurationMs) ends it. With more:true each answer leaves as it is matched; the last
 * reply lists every answer, the unanswered probes and the sends, whether the sr ended by being
 * answered, by its timeouts or by the deadline. Closing the connection cancels it and frees the
 * socket.
 *
 * Limits: srProbes probes, srPerUid calls at once per uid, and the uid's rate buckets: the first
 * round's tokens are taken before anything is sent (LimitExceeded when they are not there); a
 * retry waits for its tokens.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <event2/event.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include <pkt/pkt.h>
#include <pkt/sock.h>
#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>
#include <pktp/packet.h>

#include "call.h"
#include "closer.h"
#include "conf.h"
#include "conn.h"
#include "dispatch.h"
#include "inject.h"
#include "log.h"
#include "pktd.h"

/* Frames taken from the socket per wake-up before the loop serves others. */
#define PKTD_SR_RECV_BATCH 64
/* The receive buffer: an IP packet is at most 65535 bytes, plus its link header. A longer frame
 * (GRO) is cut; its length on the wire still tells. */
#define PKTD_SR_FRAME_MAX (65536 + 64)
/* Answers one sr keeps. Why 16384: four per probe at the probe limit — a broadcast probe in
 * multi-answer mode on a busy segment is the case — and each answer is also one line of the last
 * reply, which must fit the output buffer. */
#define PKTD_SR_ANSWERS_MAX 16384
/* Bytes of reply frames one sr keeps. Why 4 MiB: the last reply carries them (base64 or dissected)
 * and must fit outputBuffer (8 MiB by default); a quarter of it is the cap when it is set lower. */
#define PKTD_SR_REPLY_BYTES_MAX (4u * 1024 * 1024)

struct sr_job {
        struct pktd *d;
        struct pktd_call *call;
        struct pktd_inject_req req;
        struct pkt_sock *sock;
        struct pkt_sr *sr;
        struct event *ev_read, *ev_timer;
        uint8_t *buf;
        enum pktp_form form;
        bool streaming;     /* more:true: answers leave as they come */
        bool stream_paused; /* the client is not reading: wait for its queue to drain */
        size_t n_streamed;  /* answers sent as they came */
        size_t stream_high; /* streamHighWater when the call started */
        size_t stream_low;  /* streamLowWater when the call started */
        uint64_t sent;      /* sends, retries included */
        uint64_t pps, bps;
        bool counted; /* counted in the uid's running sr */
};

/* The kernel's receive buffer for an sr's socket. Why 4 MiB: a round of 4096 probes answered at
 * once is about that much in socket buffers; the kernel caps it at net.core.rmem_max anyway
 * (SO_RCVBUFFORCE would need CAP_NET_ADMIN). */
#define PKTD_SR_RCVBUF (4 * 1024 * 1024)

/* Keeps the kernel from queueing what the matcher would throw away: our own outgoing copies (on
 * layer 3 every probe comes back as one, and a few hundred of them fill a default receive buffer,
 * so that answers were dropped), and the bytes of a frame beyond what one receive keeps.
 *     ldb [pkttype]; jeq #PACKET_OUTGOING, drop, keep
 *     drop: ret #0; keep: ret #PKTD_SR_FRAME_MAX */
static int
sr_filter(struct pkt_sock *s)
{
        const struct pkt_bpf_insn prog[] = {
                /* BPF_LD|BPF_B|BPF_ABS of SKF_AD_OFF + SKF_AD_PKTTYPE */
                { 0x30, 0, 0, 0xfffff000u + 4 },
                /* BPF_JMP|BPF_JEQ|BPF_K PACKET_OUTGOING */
                { 0x15, 0, 1, 4 },
                /* BPF_RET|BPF_K */
                { 0x06, 0, 0, 0 },
                { 0x06, 0, 0, PKTD_SR_FRAME_MAX },
        };
        int size = PKTD_SR_RCVBUF;

        (void)setsockopt(pkt_sock_fd(s), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        return pkt_sock_attach_bpf(s, prog, sizeof(prog) / sizeof(prog[0]));
}

static void
sr_job_free(struct sr_job *j)
{
        if (!j)
                return;
        if (j->ev_read)
                event_free(j->ev_read);
        if (j->ev_timer)
                event_free(j->ev_timer);
        pkt_sr_free(j->sr);
        pktd_sock_release(j->sock);
        free(j->buf);
        if (j->counted)
                pktd_ratelimit_sr_end(pktd_ratelimit_global(), j->req.uid);
        pktd_inject_req_done(&j->req);
        free(j);
}

/* {"probe":N,"rttNs":N,"reply":{Captured}} */
static void
answer_write(struct pktp_buf *b, const struct pkt_sr_answer *a, enum pktp_form form)
{
        struct pkt p;
        struct pktp_captured cap;

        pkt_init(&p);
        pktp_buf_puts(b, "{\"probe\":");
        pktp_buf_u64(b, a->probe);
        pktp_buf_puts(b, ",\"rttNs\":");
        pktp_buf_u64(b, a->rtt_ns);
        pktp_buf_puts(b, ",\"reply\":");
        if (pkt_parse(&p, a->first_proto, a->data, a->len, a->wire_len) < 0)
                (void)pkt_parse(&p, PKT_PROTO_RAW, a->data, a->len, a->wire_len);
        cap = (struct pktp_captured){ .ts_ns = a->ts_ns, .p = &p, .form = form };
        (void)pktp_captured_write(b, &cap);
        pktp_buf_putc(b, '}');
        pkt_done(&p);
}

static void sr_drain_cb(void *ud);

/* Sends the answers matched and not yet streamed as {"answer":...} replies. A client that does not
 * read makes it pause above streamHighWater (pktd does not queue without bound for it) and resume
 * below streamLowWater; whatever is still unstreamed when the sr ends is in the last reply anyway.
 * Returns 0 or -ECANCELED (the connection is going: stop). */
static int
stream_answers(struct sr_job *j)
{
        const struct pkt_sr_answer *as;
        size_t n;
        struct pktp_buf b;
        int r = 0;

        if (!j->streaming || j->stream_paused)
                return 0;
        as = pkt_sr_answers(j->sr, &n);
        pktp_buf_init(&b, j->d->conf->limits.output_buffer);
        for (; j->n_streamed < n; j->n_streamed++) {
                if (pktd_call_queued(j->call) > j->stream_high) {
                        j->stream_paused = true;
                        pktd_call_on_drain(j->call, j->stream_low, sr_drain_cb, j);
                        break;
                }
                pktp_buf_reset(&b);
                pktp_buf_puts(&b, "{\"answer\":");
                answer_write(&b, &as[j->n_streamed], j->form);
                pktp_buf_putc(&b, '}');
                if (b.err)
                        continue; /* too big to stream: it is in the last reply */
                r = pktd_call_reply(j->call, b.data, b.len, true);
                if (r < 0)
                        break;
        }
        pktp_buf_done(&b);
        return r == -ECANCELED || r == -ENOBUFS ? -ECANCELED : 0;
}

static void
sr_drain_cb(void *ud)
{
        struct sr_job *j = ud;

        j->stream_paused = false;
        (void)stream_answers(j);
}

/* The last reply's parameters for @res in @form into @b. */
static void
final_write(struct pktp_buf *b, const struct pkt_sr_result *res, enum pktp_form form, uint64_t sent)
{
        pktp_buf_puts(b, "{\"answered\":[");
        for (size_t i = 0; i < res->n_answers; i++) {
                if (i)
                        pktp_buf_putc(b, ',');
                answer_write(b, &res->answers[i], form);
        }
        pktp_buf_puts(b, "],\"unanswered\":[");
        for (size_t i = 0; i < res->n_unanswered; i++) {
                pktp_buf_puts(b, i ? ",{\"probe\":" : "{\"probe\":");
                pktp_buf_u64(b, res->unanswered[i]);
                pktp_buf_putc(b, '}');
        }
        pktp_buf_puts(b, "],\"sent\":");
        pktp_buf_u64(b, sent);
        pktp_buf_putc(b, '}');
}

/* The last reply, and the end of the job. When the answers in the form asked for do not fit the
 * output buffer, they come as summaries (a line each) rather than not at all. */
static void
sr_finish(struct sr_job *j)
{
        struct pkt_sr_result res = { 0 };
        struct pktp_error err = { 0 };
        struct pktp_buf b;
        int r;

        r = pkt_sr_finish(j->sr, &res);
        if (r < 0) {
                (void)pktp_error_set(&err, PKTP_ERR_INTERNAL, NULL, "out of memory");
                (void)pktd_call_error(j->call, &err);
                sr_job_free(j);
                return;
        }
        pktp_buf_init(&b, j->d->conf->limits.output_buffer);
        final_write(&b, &res, j->form, j->sent);
        if (b.err == -EMSGSIZE && j->form != PKTP_FORM_SUMMARY) {
                pktp_buf_reset(&b);
                final_write(&b, &res, PKTP_FORM_SUMMARY, j->sent);
        }
        pkt_sr_result_done(&res);
        if (b.err) {
                (void)pktp_error_set(&err, PKTP_ERR_LIMIT_EXCEEDED, "outputBuffer",
                                     b.err == -EMSGSIZE ? "the answers do not fit the output buffer"
                                                        : "out of memory");
                (void)pktd_call_error(j->call, &err);
        } else
                (void)pktd_call_reply(j->call, b.data, b.len, false);
        pktp_buf_done(&b);
        sr_job_free(j);
}

/* An sr that cannot go on. Once a probe went out, what was answered is not thrown away: the last
 * reply lists it (the probes not sent are unanswered, and sent says how many went), and the cause
 * is logged. Before that, the client gets the error. */
static void
sr_fail(struct sr_job *j, const struct pktp_error *err)
{
        if (j->sent > 0) {
                pktd_log(LOG_WARNING, "client %llu (uid %u): SendReceive on %s ended early: %s",
                         (unsigned long long)j->req.conn_id, (unsigned)j->req.uid, j->req.ifname,
                         err->message[0] ? err->message : pktp_error_name(err->id));
                sr_finish(j);
                return;
        }
        (void)pktd_call_error(j->call, err);
        sr_job_free(j);
}

static int
arm_ms(struct sr_job *j, uint64_t ns)
{
        struct timeval tv = { .tv_sec = (time_t)(ns / 1000000000ULL),
                              .tv_usec = (suseconds_t)(ns % 1000000000ULL / 1000) };

        return event_add(j->ev_timer, &tv) < 0 ? -ENOMEM : 1;
}

/* Sends what is due and arms the timer. Returns 1 (waiting), 0 (done: finish), or a negative
 * errno with @err filled. */
static int
sr_step(struct sr_job *j, struct pktp_error *err)
{
        /* Each pass either sends a probe, waits, or ends; the bound only guards the loop. */
        for (unsigned pass = 0; pass < PKTD_SEND_BATCH; pass++) {
                const uint8_t *data;
                size_t len;
                int i, t, r;

                if (pkt_sr_is_done(j->sr))
                        return 0;
                i = pkt_sr_next_probe(j->sr, &data, &len);
                if (i >= 0) {
                        if (j->sent >= j->req.n_pkts) {
                                /* a retry: its tokens now (the first round's were taken) */
                                enum pktd_rate_limit lim = PKTD_RATE_PACKETS;
                                uint64_t wait = 0;

                                r = pktd_ratelimit_take(pktd_ratelimit_global(), j->req.uid, j->pps,
                                                        j->bps, 1, len, pktd_now_ns(), &lim, &wait);
                                if (r == -EAGAIN)
                                        return arm_ms(j, wait);
                                if (r < 0)
                                        return pktd_inject_rate_error(err, r, lim, j->sent);
                        }
                        r = pkt_sock_send(j->sock, data, len);
                        if (r == -EAGAIN || r == -ENOBUFS)
                                return arm_ms(j, PKTD_SEND_RETRY_NS);
                        if (r < 0)
                                return pktd_inject_sock_error(err, r, (uint64_t)i, false, false);
                        (void)pkt_sr_sent(j->sr, (unsigned)i);
                        j->sent++;
                        continue;
                }
                t = pkt_sr_next_timeout(j->sr);
                if (pkt_sr_is_done(j->sr))
                        return 0;
                if (t > 0)
                        return arm_ms(j, (uint64_t)t * 1000000ULL);
        }
        return arm_ms(j, 0);
}

static void
sr_run(struct sr_job *j)
{
        struct pktp_error err = { 0 };
        int r = sr_step(j, &err);

        if (r == 0)
                sr_finish(j);
        else if (r < 0)
                sr_fail(j, &err);
}

static void
sr_timer_cb(evutil_socket_t fd, short what, void *ud)
{
        (void)fd;
        (void)what;
        sr_run(ud);
}

static void
sr_read_cb(evutil_socket_t fd, short what, void *ud)
{
        struct sr_job *j = ud;
        struct pktp_error err = { 0 };

        (void)fd;
        (void)what;
        for (unsigned k = 0; k < PKTD_SR_RECV_BATCH; k++) {
                struct pkt_sock_meta meta;
                int n = pkt_sock_recv(j->sock, j->buf, PKTD_SR_FRAME_MAX, 0, &meta);

                if (n == -EAGAIN || n == -EINTR)
                        break;
                if (n < 0) {
                        (void)pktp_error_set(&err, PKTP_ERR_INTERNAL, NULL,
                                             "receiving failed (errno %d)", -n);
                        sr_fail(j, &err);
                        return;
                }
                n = pkt_sr_on_packet(j->sr, j->buf, (size_t)n, &meta);
                if (n < 0) {
                        (void)pktp_error_set(&err, PKTP_ERR_INTERNAL, NULL, "out of memory");
                        sr_fail(j, &err);
                        return;
                }
                if (n > 0 && stream_answers(j) < 0) {
                        /* the connection is closing: on_cancel frees the job */
                        (void)event_del(j->ev_read);
                        (void)event_del(j->ev_timer);
                        return;
                }
        }
        sr_run(j);
}

static void
sr_cancel_cb(void *ud)
{
        sr_job_free(ud);
}

int
pktd_inject_send_receive(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                         struct pktp_buf *out, struct pktp_error *err)
{
        const struct pktd_limits *lim = &d->conf->limits;
        struct pkt_sr_opts opts = { 0 };
        enum pktd_rate_limit rl = PKTD_RATE_PACKETS;
        enum pkt_sock_mode mode;
        struct pkt **probes = NULL;
        struct sr_job *j;
        struct json_object *v;
        uint64_t timeout_ms = PKT_SR_TIMEOUT_DEFAULT_MS, deadline_ms = lim->sr_duration_ms;
        int r;

        (void)out;
        j = calloc(1, sizeof(*j));
        if (!j)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        j->d = d;
        j->pps = d->conf->inject.packets_per_second;
        j->bps = d->conf->inject.bytes_per_second;
        j->stream_high = lim->stream_high_water;
        j->stream_low = lim->stream_low_water;
        j->streaming = call->more;
        j->form = PKTP_FORM_SUMMARY;
        v = pktd_inject_param(call, "output");
        if (v && pktp_form_from_name(json_object_get_string(v), &j->form) < 0) {
                r = pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "output",
                                   "output is summary, layers or raw");
                goto fail;
        }

        r = pktd_inject_prepare(d, c, call, true, &j->req, err);
        if (r < 0)
                goto fail;
        if (j->req.n_pkts > lim->sr_probes) {
                r = pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, "srProbes",
                                   "at most %u probes per call", lim->sr_probes);
                goto fail;
        }
        mode = j->req.pkts[0].mode;
        for (size_t i = 1; i < j->req.n_pkts; i++)
                if (j->req.pkts[i].mode != mode) {
                        r = pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "packets",
                                           "on layer 3 the probes of one call are all IPv4 or "
                                           "all IPv6");
                        goto fail;
                }

        v = pktd_inject_param(call, "timeoutMs");
        if (v)
                /* 0 would be libpkt's "default": the shortest wait is what the client meant */
                timeout_ms = json_object_get_int64(v) > 0 ? (uint64_t)json_object_get_int64(v) : 1;
        v = pktd_inject_param(call, "deadlineMs");
        if (v && (uint64_t)json_object_get_int64(v) < deadline_ms)
                deadline_ms = (uint64_t)json_object_get_int64(v);
        opts.timeout_ms =
                (uint32_t)(timeout_ms < PKT_SR_TIMEOUT_MAX_MS ? timeout_ms : PKT_SR_TIMEOUT_MAX_MS);
        opts.deadline_ms = (uint32_t)deadline_ms;
        v = pktd_inject_param(call, "retry");
        opts.retry = v ? (uint32_t)json_object_get_int64(v) : 0;
        v = pktd_inject_param(call, "multi");
        opts.is_multi = v && json_object_get_boolean(v);
        opts.max_answers = PKTD_SR_ANSWERS_MAX;
        opts.max_reply_bytes = PKTD_SR_REPLY_BYTES_MAX;
        if (lim->output_buffer / 4 < opts.max_reply_bytes)
                opts.max_reply_bytes = (uint32_t)(lim->output_buffer / 4);

        /* The probes as libpkt's matcher wants them: parsed back from the bytes built. */
        probes = calloc(j->req.n_pkts, sizeof(*probes));
        if (!probes) {
                r = pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
                goto fail;
        }
        for (size_t i = 0; i < j->req.n_pkts; i++) {
                probes[i] = malloc(sizeof(struct pkt));
                if (!probes[i]) {
                        r = pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
                        goto fail;
                }
                pkt_init(probes[i]);
                if (pkt_parse(probes[i], j->req.pkts[i].first, j->req.pkts[i].data,
                              j->req.pkts[i].len, j->req.pkts[i].len) < 0)
                        (void)pkt_parse(probes[i], PKT_PROTO_RAW, j->req.pkts[i].data,
                                        j->req.pkts[i].len, j->req.pkts[i].len);
        }

        /* Limits before anything is held: running sr of this uid, then the first round's
         * tokens. */
        r = pktd_ratelimit_sr_begin(pktd_ratelimit_global(), j->req.uid, lim->sr_per_uid,
                                    pktd_now_ns());
        if (r < 0) {
                r = r == -EBUSY ? pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, "srPerUid",
                                                 "at most %u SendReceive calls at once per user",
                                                 lim->sr_per_uid)
                                : pktd_inject_rate_error(err, r, PKTD_RATE_TABLE, 0);
                goto fail;
        }
        j->counted = true;
        r = pktd_ratelimit_take(pktd_ratelimit_global(), j->req.uid, j->pps, j->bps, j->req.n_pkts,
                                j->req.bytes, pktd_now_ns(), &rl, NULL);
        if (r < 0) {
                r = pktd_inject_rate_error(err, r, rl, 0);
                goto fail;
        }

        /* The socket receives from the moment it is open: armed before the first send. */
        r = pktd_inject_open(&j->req, mode, false, &j->sock);
        if (r >= 0)
                r = sr_filter(j->sock);
        if (r < 0) {
                r = pktd_inject_sock_error(err, r, 0, true, false);
                goto fail;
        }
        r = pkt_sr_new(probes, j->req.n_pkts, &opts, &j->sr);
        if (r < 0) {
                r = pktp_error_set(
                        err, r == -ENOMEM ? PKTP_ERR_INTERNAL : PKTP_ERR_INVALID_PARAMETER,
                        r == -ENOMEM ? NULL : "packets",
                        r == -ENOMEM ? "out of memory" : "the probes could not be prepared");
                goto fail;
        }
        j->buf = malloc(PKTD_SR_FRAME_MAX);
        j->ev_read = event_new(d->base, pkt_sock_fd(j->sock), EV_READ | EV_PERSIST, sr_read_cb, j);
        j->ev_timer = event_new(d->base, -1, 0, sr_timer_cb, j);
        if (!j->buf || !j->ev_read || !j->ev_timer || event_add(j->ev_read, NULL) < 0) {
                r = pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
                goto fail;
        }
        j->call = pktd_call_async(c, call);
        if (!j->call) {
                r = pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
                goto fail;
        }
        pktd_call_on_cancel(j->call, sr_cancel_cb, j);
        for (size_t i = 0; i < j->req.n_pkts; i++) {
                pkt_done(probes[i]);
                free(probes[i]);
        }
        free(probes);
        /* The first sends happen here; their answers are read from the loop. */
        sr_run(j);
        return PKTD_CALL_ASYNC;

fail:
        if (probes) {
                for (size_t i = 0; i < j->req.n_pkts; i++)
                        if (probes[i]) {
                                pkt_done(probes[i]);
                                free(probes[i]);
                        }
                free(probes);
        }
        sr_job_free(j);
        return r;
}
