/* SPDX-License-Identifier: BSD-3-Clause */
/* io.pktd.Capture.Subscribe: a filtered capture stream from an interface (libpcap, the handle's
 * selectable fd in the loop) or from a pcap/pcapng file the client opened and passed (read with
 * libpkt, filtered with pcap_offline_filter()).
 *
 * One reply per packet, written as text (pktp_captured_write()) straight into 64 KiB blocks that
 * go to the connection's output queue by reference: no json-c object and no copy per packet.
 *
 * Back-pressure: a subscription produces while the connection's queued output is below the high
 * watermark (streamHighWater, and never above half of outputBuffer) and stops above it; when the
 * client has read it down below the low watermark (streamLowWater) it resumes (pktd_call_on_drain).
 * A live source stops reading its handle meanwhile, so the kernel's capture buffer fills and the
 * kernel drops and counts (reported in "drops" once a second while the count grows); a file source
 * simply pauses and loses nothing. Memory per subscription: the output queue (bounded by the high
 * watermark plus one batch), the kernel buffer (PKTD_CAPTURE_KERNEL_BUFFER) and one packet's text.
 *
 * The interface name handed to libpcap is the kernel's (copied from the netlink listing), never the
 * client's string; a file is only ever a descriptor the client opened itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

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
#include "policy.h"

/* The kernel's capture buffer per live subscription (pcap_set_buffer_size): what absorbs a burst
 * while the subscriber catches up. 4 MiB holds about 2,700 full-size Ethernet frames or 60,000
 * small ones; times the subscriptions limit (64) it stays a fraction of a server's memory. */
#define PKTD_CAPTURE_KERNEL_BUFFER (4 * 1024 * 1024)

/* How long the kernel may hold captured packets before handing them over. Not immediate mode:
 * libpcap then falls back from TPACKET_V3 to V2, whose ring is a fixed number of frames each as
 * large as the interface's MTU — on lo (MTU 65536) a 4 MiB buffer holds about 60 packets and a
 * burst of 100 pings overflows it. V3 packs packets into blocks, so the same buffer holds tens of
 * thousands, and a block is handed over when full or after this many milliseconds: the latency a
 * subscriber sees. */
#define PKTD_CAPTURE_TIMEOUT_MS 10

/* Packets taken from a live handle per wake-up, and records from a file per loop pass: one busy
 * subscription cannot starve the other clients of the loop. */
#define PKTD_CAPTURE_BATCH 256
#define PKTD_FILE_BATCH    2048

/* "drops" replies at most this often (the issue: at least once a second while drops happen). */
#define PKTD_DROPS_INTERVAL_MS 1000

/* Packet replies are written into blocks of this size that go to the connection's output queue by
 * reference and come back to a per-subscription free list once written: no allocation and no
 * second copy per packet, and no heap growing and shrinking with the queue (which cost more than
 * a tenth of the time in page faults). A packet's reply larger than a block goes the ordinary way.
 */
#define PKTD_SUB_BLOCK (64 * 1024)

/* Compiled filters kept per file subscription, one per link type met (pcapng). */
#define PKTD_FILE_PROGS 4

/* The largest snap length (libpcap's MAXIMUM_SNAPLEN): the default, and the cap. */
#define PKTD_SNAPLEN_MAX 262144

/* File systems whose "regular files" pktd refuses to read for a client (statfs f_type): FUSE
 * (served by a user process, which could make our read() block the whole loop), network file systems
 * (a server that stops answering leaves a read() of a hard mount waiting, and the loop with it), and
 * the kernel's pseudo file systems, whose files can block (trace_pipe), change as they are read, or
 * have side effects when read. A capture file lives on a local file system or in a memfd. */
static const unsigned long refused_fs[] = {
        0x65735546, /* FUSE */
        0x6969,     /* NFS */
        0xff534d42, /* CIFS */
        0xfe534d42, /* SMB2 */
        0x517b,     /* SMB */
        0x01021997, /* 9P */
        0x00c36400, /* Ceph */
        0x6b414653, /* AFS (kAFS) */
        0x5346414f, /* AFS (OpenAFS) */
        0x73757245, /* Coda */
        0x564c,     /* NCP */
        0x9fa0,     /* proc */
        0x62656572, /* sysfs */
        0x64626720, /* debugfs */
        0x74726163, /* tracefs */
        0x63677270, /* cgroup2 */
        0x27e0eb,   /* cgroup */
        0x73636673, /* securityfs */
        0xcafe4a11, /* bpf */
        0x62656570, /* configfs */
        0x42494e4d, /* binfmt_misc */
        0x6e736673, /* nsfs */
};

bool
pktd_capture_fs_refused(unsigned long f_type)
{
        for (size_t i = 0; i < ARRAY_SIZE(refused_fs); i++)
                if (refused_fs[i] == f_type)
                        return true;
        return false;
}

struct pool;

struct block {
        struct pool *pool;
        size_t len;
        char data[PKTD_SUB_BLOCK];
};

/* The blocks of one subscription. Outlives it while blocks it handed out are still queued. */
struct pool {
        unsigned refs;     /* 1 for the subscription while it lives, + blocks not on the list */
        bool orphan;       /* the subscription is gone: returning blocks are freed */
        unsigned max_free; /* blocks kept: the high watermark's worth, and a few */
        unsigned n_free;
        struct block *free[];
};

static struct pool *
pool_new(size_t high)
{
        unsigned max = (unsigned)(high / PKTD_SUB_BLOCK) + 4;
        struct pool *p = calloc(1, sizeof(*p) + max * sizeof(p->free[0]));

        if (p) {
                p->refs = 1;
                p->max_free = max;
        }
        return p;
}

static void
pool_unref(struct pool *p)
{
        if (--p->refs > 0)
                return;
        for (unsigned i = 0; i < p->n_free; i++)
                free(p->free[i]);
        free(p);
}

static struct block *
block_get(struct pool *p)
{
        struct block *b = p->n_free ? p->free[--p->n_free] : malloc(sizeof(*b));

        if (!b)
                return NULL;
        b->pool = p;
        b->len = 0;
        p->refs++;
        return b;
}

static void
block_put(struct block *b)
{
        struct pool *p = b->pool;

        if (!p->orphan && p->n_free < p->max_free)
                p->free[p->n_free++] = b;
        else
                free(b);
        pool_unref(p);
}

/* evbuffer's cleanup: the block has been written (or the connection freed). */
static void
block_release(const void *data, size_t len, void *ud)
{
        (void)data;
        (void)len;
        block_put(ud);
}

static void
pool_free(struct pool *p)
{
        if (!p)
                return;
        p->orphan = true;
        for (unsigned i = 0; i < p->n_free; i++)
                free(p->free[i]);
        p->n_free = 0;
        pool_unref(p);
}

enum sub_reason { SUB_COUNT, SUB_DURATION, SUB_END, SUB_CANCELLED, SUB_ERROR };

static const char *const reason_names[] = {
        [SUB_COUNT] = "count",         [SUB_DURATION] = "duration", [SUB_END] = "end",
        [SUB_CANCELLED] = "cancelled", [SUB_ERROR] = "error",
};

struct sub {
        struct sub *next; /* subs */
        struct pktd *d;
        struct pktd_call *a;
        uid_t uid;
        enum pktp_form form;
        char iface[IFNAMSIZ]; /* the kernel's name; "" for a file */
        int dlt;
        uint32_t snaplen;
        size_t high, low;
        bool broken; /* a reply failed: the connection is going; wait for on_cancel */
        bool paused; /* above the high watermark, waiting for the drain */

        uint64_t count_max; /* 0: none */
        uint64_t packets, bytes;
        uint64_t kernel_drops, daemon_drops;
        uint64_t kernel_sent, daemon_sent; /* the counts last reported in "drops" */
        int stop;                          /* -1, or the reason to end with at the next chance */

        struct event *ev_tick; /* drops, once a second */
        struct event *ev_end;  /* durationMs */

        /* live */
        pcap_t *live;
        struct event *ev_live;

        /* file */
        struct pkt_pcap *file;
        struct event *ev_file;
        /* The filter compiled per link type (a pcapng file's interfaces may differ): a few kept,
         * so that records alternating between link types do not compile it again each time. */
        struct sub_prog {
                int dlt;
                bool used, ok; /* ok: compiled; used && !ok: the filter means nothing there */
                struct bpf_program prog;
        } progs[PKTD_FILE_PROGS];
        unsigned next_prog; /* the slot replaced when all are used */
        char *filter;

        struct pool *pool;
        struct block *cur; /* packet replies being gathered; queued by sub_flush() */
        struct pkt pkt;
        struct pktp_buf frame;
};

static struct sub *subs;

/* Subscriptions of @d in all, or of @uid when @by_uid. */
static unsigned
pktd_capture_count(const struct pktd *d, bool by_uid, uid_t uid)
{
        unsigned n = 0;

        for (const struct sub *s = subs; s; s = s->next)
                if (s->d == d && (!by_uid || s->uid == uid))
                        n++;
        return n;
}

static void
sub_free(struct sub *s)
{
        if (!s)
                return;
        for (struct sub **pp = &subs; *pp; pp = &(*pp)->next)
                if (*pp == s) {
                        *pp = s->next;
                        break;
                }
        if (s->ev_tick)
                event_free(s->ev_tick);
        if (s->ev_end)
                event_free(s->ev_end);
        if (s->ev_live)
                event_free(s->ev_live);
        if (s->ev_file)
                event_free(s->ev_file);
        if (s->live) {
                /* The packet socket's last close waits for an RCU grace period (closer.h): make
                 * it on a duplicate, in the closer's worker, not here in the loop. */
                int last = fcntl(pcap_get_selectable_fd(s->live), F_DUPFD_CLOEXEC, 0);

                pcap_close(s->live);
                pktd_closer_close(last);
        }
        for (size_t i = 0; i < ARRAY_SIZE(s->progs); i++)
                if (s->progs[i].ok)
                        pcap_freecode(&s->progs[i].prog);
        if (s->cur)
                block_put(s->cur);
        pool_free(s->pool);
        pkt_pcap_close(s->file);
        free(s->filter);
        pkt_done(&s->pkt);
        pktp_buf_done(&s->frame);
        free(s);
}

static void write_totals(struct sub *s, enum sub_reason why);

/* A stream that pktd ends itself (SIGTERM, a revoked role) says so with totals, reason "cancelled":
 * the subscriber learns how many packets it got and that the end was not its own doing. */

/* on_cancel. When pktd itself closes a connection it can still write to (SIGTERM, a revoked role),
 * the call may take one last reply: the totals, reason "cancelled".
 * Otherwise (the client closed) the reply would be refused, harmlessly. Blocks of packets are
 * always flushed at the end of the callback that filled them, so none is pending here. */
static void
sub_cancelled(void *ud)
{
        struct sub *s = ud;

        if (!s->broken && (!s->cur || s->cur->len == 0)) {
                write_totals(s, SUB_CANCELLED);
                if (!s->frame.err)
                        (void)pktd_call_reply(s->a, s->frame.data, s->frame.len, false);
        }
        sub_free(s);
}

static void
sub_pause_events(struct sub *s)
{
        if (s->ev_live)
                (void)event_del(s->ev_live);
        if (s->ev_file)
                (void)event_del(s->ev_file);
        if (s->ev_tick)
                (void)event_del(s->ev_tick);
        if (s->ev_end)
                (void)event_del(s->ev_end);
}

static void
sub_read_kernel_drops(struct sub *s)
{
        struct pcap_stat st;

        if (s->live && pcap_stats(s->live, &st) == 0)
                s->kernel_drops = (uint64_t)st.ps_drop + st.ps_ifdrop;
}

static void
sub_broken(struct sub *s)
{
        /* The connection is closing: on_cancel frees us from the loop. */
        s->broken = true;
        sub_pause_events(s);
}

/* Queues the packet replies gathered in the current block. */
static int
sub_flush(struct sub *s)
{
        struct block *b = s->cur;
        int r;

        if (!b || b->len == 0)
                return s->broken ? -ECANCELED : 0;
        s->cur = NULL;
        if (s->broken) {
                block_put(b);
                return -ECANCELED;
        }
        r = pktd_call_reply_ref(s->a, b->data, b->len, block_release, b);
        if (r < 0)
                sub_broken(s);
        return r;
}

/* Sends one reply with continues, after the packets gathered. Returns 0, or < 0 when the
 * connection is going away. */
static int
sub_reply(struct sub *s, const struct pktp_buf *b)
{
        int r;

        if (sub_flush(s) < 0)
                return -ECANCELED;
        r = pktd_call_reply(s->a, b->data, b->len, true);
        if (r < 0)
                sub_broken(s);
        return r;
}

/* The last reply: totals. Frees @s. */
/* Writes the totals reply into s->frame. */
static void
write_totals(struct sub *s, enum sub_reason why)
{
        struct pktp_buf *b = &s->frame;

        sub_read_kernel_drops(s);
        pktp_buf_reset(b);
        pktp_buf_printf(b,
                        "{\"totals\":{\"packets\":%llu,\"bytes\":%llu,\"kernelDrops\":%llu,"
                        "\"daemonDrops\":%llu,\"reason\":\"%s\"}}",
                        (unsigned long long)s->packets, (unsigned long long)s->bytes,
                        (unsigned long long)s->kernel_drops, (unsigned long long)s->daemon_drops,
                        reason_names[why]);
}

/* The last reply: totals. Frees @s. */
static void
sub_finish(struct sub *s, enum sub_reason why)
{
        if (s->broken || sub_flush(s) < 0)
                return; /* on_cancel will free */
        write_totals(s, why);
        (void)pktd_call_reply(s->a, s->frame.data, s->frame.len, false); /* ends it, in any case */
        s->a = NULL;
        sub_free(s);
}

static void
sub_send_drops(struct sub *s)
{
        struct pktp_buf *b = &s->frame;

        sub_read_kernel_drops(s);
        if (s->kernel_drops == s->kernel_sent && s->daemon_drops == s->daemon_sent)
                return;
        pktp_buf_reset(b);
        pktp_buf_printf(b, "{\"drops\":{\"kernel\":%llu,\"daemon\":%llu}}",
                        (unsigned long long)s->kernel_drops, (unsigned long long)s->daemon_drops);
        if (b->err || sub_reply(s, b) < 0)
                return;
        s->kernel_sent = s->kernel_drops;
        s->daemon_sent = s->daemon_drops;
}

/* Appends the packet reply (parameters in @b) to the current block, framed. */
static int
sub_gather(struct sub *s, const struct pktp_buf *b)
{
        static const char head[] = "{\"parameters\":";
        static const char tail[] = ",\"continues\":true}"; /* with its NUL */
        size_t need = sizeof(head) - 1 + b->len + sizeof(tail);
        struct block *k = s->cur;

        if (s->broken)
                return -ECANCELED;
        if (need > PKTD_SUB_BLOCK)
                return sub_reply(s, b); /* a huge packet: flushes, then the ordinary way */
        if (k && k->len + need > PKTD_SUB_BLOCK) {
                if (sub_flush(s) < 0)
                        return -ECANCELED;
                k = NULL;
        }
        if (!k) {
                k = s->cur = block_get(s->pool);
                if (!k)
                        return sub_reply(s, b);
        }
        memcpy(k->data + k->len, head, sizeof(head) - 1);
        k->len += sizeof(head) - 1;
        memcpy(k->data + k->len, b->data, b->len);
        k->len += b->len;
        memcpy(k->data + k->len, tail, sizeof(tail));
        k->len += sizeof(tail);
        return 0;
}

static uint64_t
ts_to_ns(int64_t sec, uint64_t nsec)
{
        if (sec < 0)
                return 0;
        if ((uint64_t)sec > (UINT64_MAX - nsec) / 1000000000u)
                return UINT64_MAX;
        return (uint64_t)sec * 1000000000u + nsec;
}

/* A block with less room than this is queued before a packet reply is written into it: nearly every
 * packet's reply fits in 8 KiB (a full-size frame's layers, payload in hex, take about 4), so the
 * writer is seldom run twice for a packet that did not fit the end of a block, and blocks go out
 * at least seven eighths full. */
#define PKTD_SUB_BLOCK_SLACK (8 * 1024)

static const char reply_head[] = "{\"parameters\":{\"packet\":";
static const char reply_tail[] = "},\"continues\":true}"; /* with its NUL */

/* Writes the packet reply for @cap straight into the current block (a new one when there is none
 * or it is nearly full), framed: no copy. pktp_buf over the block's free room with max one byte
 * below its capacity can never grow (pktp_buf's grow() refuses with -EMSGSIZE before it would
 * realloc), so a reply that does not fit fails instead, and goes into a fresh block, or — larger
 * than a block — is returned as -EMSGSIZE for the ordinary way. Returns 0, -EMSGSIZE, -ENOMEM,
 * or -ECANCELED. */
static int
sub_write_block(struct sub *s, const struct pktp_captured *cap)
{
        const size_t head = sizeof(reply_head) - 1, tail = sizeof(reply_tail);
        struct block *k = s->cur;

        if (k && PKTD_SUB_BLOCK - k->len < PKTD_SUB_BLOCK_SLACK) {
                if (sub_flush(s) < 0)
                        return -ECANCELED;
                k = NULL;
        }
        for (;;) {
                struct pktp_buf b;
                bool was_empty;

                if (!k) {
                        k = s->cur = block_get(s->pool);
                        if (!k)
                                return -ENOMEM;
                }
                was_empty = k->len == 0;
                b = (struct pktp_buf){
                        .data = k->data + k->len + head,
                        .cap = PKTD_SUB_BLOCK - k->len - head - tail + 1, /* + the NUL's byte */
                };
                b.max = b.cap - 1;
                b.data[0] = '\0';
                if (pktp_captured_write(&b, cap) == 0) {
                        memcpy(k->data + k->len, reply_head, head);
                        memcpy(k->data + k->len + head + b.len, reply_tail, tail);
                        k->len += head + b.len + tail;
                        return 0;
                }
                if (b.err != -EMSGSIZE || was_empty)
                        return -EMSGSIZE; /* the ordinary way, which counts a failure */
                if (sub_flush(s) < 0)
                        return -ECANCELED;
                k = NULL;
        }
}

/* One packet to the subscriber. Returns 0, or < 0: stop producing. */
static int
sub_emit(struct sub *s, int dlt, const uint8_t *data, uint32_t caplen, uint32_t wire_len,
         uint64_t ts_ns)
{
        struct pktp_captured cap = { .ts_ns = ts_ns, .p = &s->pkt, .form = s->form };
        struct pktp_buf *b = &s->frame;
        int r;

        if (caplen > s->snaplen)
                caplen = s->snaplen;
        if (wire_len < caplen)
                wire_len = caplen;
        if (pkt_parse_dlt(&s->pkt, dlt, data, caplen, wire_len) < 0) {
                s->daemon_drops++;
                return 0;
        }
        if (s->broken)
                return -ECANCELED;
        r = sub_write_block(s, &cap);
        if (r == -ECANCELED)
                return r;
        if (r < 0) {
                /* Larger than a block, or no block to be had: written apart and framed by
                 * sub_gather() (which sends one larger than a block on its own). */
                pktp_buf_reset(b);
                pktp_buf_puts(b, "{\"packet\":");
                (void)pktp_captured_write(b, &cap);
                pktp_buf_putc(b, '}');
                if (b->err) {
                        /* Larger than a reply may be (outputBuffer), or out of memory: this
                         * packet is lost, and counted. */
                        s->daemon_drops++;
                        return 0;
                }
                r = sub_gather(s, b);
                if (r < 0)
                        return r;
        }
        s->packets++;
        s->bytes += caplen;
        if (s->count_max && s->packets >= s->count_max)
                s->stop = SUB_COUNT;
        return 0;
}

static void sub_resume(void *ud);

/* Above the high watermark: stop producing until the client has read down to the low one. */
static bool
sub_maybe_pause(struct sub *s)
{
        if (sub_flush(s) < 0)
                return true; /* broken: nothing more to do */
        if (pktd_call_queued(s->a) < s->high)
                return false;
        s->paused = true;
        if (s->ev_live)
                (void)event_del(s->ev_live);
        pktd_call_on_drain(s->a, s->low, sub_resume, s);
        return true;
}

/* ---- live ---- */

static void
live_packet(u_char *ud, const struct pcap_pkthdr *h, const u_char *bytes)
{
        struct sub *s = (struct sub *)ud;

        if (s->broken || s->stop >= 0)
                return;
        /* The handle was opened with nanosecond timestamps: tv_usec holds nanoseconds. */
        (void)sub_emit(s, s->dlt, bytes, h->caplen, h->len,
                       ts_to_ns(h->ts.tv_sec, (uint64_t)h->ts.tv_usec));
        if (s->stop >= 0 || s->broken)
                pcap_breakloop(s->live);
}

static void
live_cb(evutil_socket_t fd, short what, void *arg)
{
        struct sub *s = arg;
        int n;

        (void)fd;
        (void)what;
        if (s->broken || s->paused)
                return;
        n = pcap_dispatch(s->live, PKTD_CAPTURE_BATCH, live_packet, (u_char *)s);
        if (s->broken)
                return;
        if (s->stop >= 0) {
                sub_finish(s, (enum sub_reason)s->stop);
                return;
        }
        if (n == PCAP_ERROR) {
                /* The interface went away or down: the stream ends, saying so. */
                sub_finish(s, SUB_ERROR);
                return;
        }
        if (sub_maybe_pause(s))
                return;
        /* Come back on the next loop pass until the handle has nothing left: libpcap returns
         * at the end of a ring block (TPACKET_V3) with packets still waiting in the next ones,
         * and after a pause the kernel may not signal the fd again for blocks it filled while we
         * were not reading. */
        if (n > 0)
                event_active(s->ev_live, EV_READ, 0);
}

static int
live_open(struct sub *s, unsigned roles, const char *name, const char *filter, int snaplen,
          bool promisc, const char *direction, struct pktp_error *err)
{
        const struct pktd_conf *conf = s->d->conf;
        char errbuf[PCAP_ERRBUF_SIZE] = "";
        struct pktd_nl_list l = { 0 };
        const struct pktd_nl_iface *ifc;
        char kname[IFNAMSIZ];
        int r;

        /* The policy first, on the name as asked: a caller learns nothing about interfaces it
         * may not use, not even whether they exist. */
        if (!pktd_policy_iface_allowed(&conf->capture_ifaces, roles, name)) {
                pktd_log_denied(s->uid, pktd_call_conn(s->a)->pid, pktd_call_conn(s->a)->id,
                                "io.pktd.Capture.Subscribe");
                return pktp_error_set(err, PKTP_ERR_PERMISSION_DENIED, NULL, NULL);
        }
        r = pktd_nl_list_ifaces(&l);
        if (r < 0)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "the kernel's interface list could not be read");
        ifc = pktd_policy_iface_find(&l, name);
        if (!ifc) {
                pktd_nl_list_done(&l);
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "interface",
                                      "no such interface");
        }
        /* libpcap gets the kernel's name, copied: never the client's bytes. */
        memcpy(kname, ifc->name, sizeof(kname));
        kname[sizeof(kname) - 1] = '\0';
        pktd_nl_list_done(&l);
        memcpy(s->iface, kname, sizeof(s->iface));

        s->live = pcap_create(kname, errbuf);
        if (!s->live)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "the interface could not be opened for capture");
        (void)pcap_set_snaplen(s->live, snaplen);
        (void)pcap_set_promisc(s->live, promisc);
        (void)pcap_set_timeout(s->live, PKTD_CAPTURE_TIMEOUT_MS);
        (void)pcap_set_buffer_size(s->live, PKTD_CAPTURE_KERNEL_BUFFER);
        (void)pcap_set_tstamp_precision(s->live, PCAP_TSTAMP_PRECISION_NANO);
        r = pcap_activate(s->live);
        if (r < 0)
                /* pcap_statustostr(): a fixed text, no path or interface name in it */
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "the interface could not be opened for capture: %s",
                                      pcap_statustostr(r));
        if (direction) {
                pcap_direction_t dir = strcmp(direction, "in") == 0    ? PCAP_D_IN
                                       : strcmp(direction, "out") == 0 ? PCAP_D_OUT
                                                                       : PCAP_D_INOUT;

                if (pcap_setdirection(s->live, dir) < 0)
                        return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "direction",
                                              "the interface cannot filter by direction");
        }
        if (pcap_setnonblock(s->live, 1, errbuf) < 0)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "non-blocking capture failed");
        if (filter && *filter) {
                struct bpf_program prog;

                if (pcap_compile(s->live, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
                        return pktp_error_set(err, PKTP_ERR_BAD_FILTER, NULL, "%s",
                                              pcap_geterr(s->live));
                r = pcap_setfilter(s->live, &prog);
                pcap_freecode(&prog);
                if (r < 0)
                        return pktp_error_set(err, PKTP_ERR_BAD_FILTER, NULL, "%s",
                                              pcap_geterr(s->live));
        }
        s->dlt = pcap_datalink(s->live);
        s->snaplen = (uint32_t)pcap_snapshot(s->live);
        if (pcap_get_selectable_fd(s->live) < 0)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "no selectable capture fd");
        s->ev_live = event_new(s->d->base, pcap_get_selectable_fd(s->live), EV_READ | EV_PERSIST,
                               live_cb, s);
        if (!s->ev_live)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        return 0;
}

/* ---- file ---- */

/* The filter compiled for link type @dlt (compiled now if need be, in a kept slot), or NULL when
 * it does not compile for that link type (@err filled: BadFilter with libpcap's message). */
static const struct bpf_program *
file_prog(struct sub *s, int dlt, struct pktp_error *err)
{
        struct sub_prog *p = NULL;
        pcap_t *dead;
        int r;

        for (size_t i = 0; i < ARRAY_SIZE(s->progs); i++)
                if (s->progs[i].used && s->progs[i].dlt == dlt)
                        return s->progs[i].ok ? &s->progs[i].prog : NULL;
        for (size_t i = 0; i < ARRAY_SIZE(s->progs) && !p; i++)
                if (!s->progs[i].used)
                        p = &s->progs[i];
        if (!p) {
                p = &s->progs[s->next_prog++ % ARRAY_SIZE(s->progs)];
                if (p->ok)
                        pcap_freecode(&p->prog);
        }
        *p = (struct sub_prog){ .dlt = dlt, .used = true };
        dead = pcap_open_dead_with_tstamp_precision(dlt, PKTD_SNAPLEN_MAX,
                                                    PCAP_TSTAMP_PRECISION_NANO);
        if (!dead) {
                p->used = false;
                (void)pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
                return NULL;
        }
        r = pcap_compile(dead, &p->prog, s->filter, 1, PCAP_NETMASK_UNKNOWN);
        if (r < 0)
                (void)pktp_error_set(err, PKTP_ERR_BAD_FILTER, NULL, "%s", pcap_geterr(dead));
        pcap_close(dead);
        p->ok = r == 0;
        return p->ok ? &p->prog : NULL;
}

static bool
file_match(struct sub *s, const struct pkt_pcap_rec *rec)
{
        const struct bpf_program *prog;
        struct pcap_pkthdr h;

        if (!s->filter)
                return true;
        prog = file_prog(s, rec->linktype, NULL);
        if (!prog)
                return false; /* a pcapng interface the filter means nothing for */
        memset(&h, 0, sizeof(h));
        h.caplen = rec->caplen;
        h.len = rec->wire_len;
        return pcap_offline_filter(prog, &h, rec->data) != 0;
}

static void
file_cb(evutil_socket_t fd, short what, void *arg)
{
        struct sub *s = arg;
        struct pkt_pcap_rec recs[64];
        unsigned done = 0;

        (void)fd;
        (void)what;
        if (s->broken || s->paused)
                return;
        while (done < PKTD_FILE_BATCH) {
                int n;

                /* The current block stays open across batches (flushing it every 64 records
                 * would queue blocks below PKTD_CALL_REF_MIN, which are copied): it counts
                 * towards the watermark as if queued. */
                if (s->broken)
                        return;
                if (pktd_call_queued(s->a) + (s->cur ? s->cur->len : 0) >= s->high &&
                    sub_maybe_pause(s))
                        return;
                n = pkt_pcap_next_batch(s->file, recs, ARRAY_SIZE(recs));
                if (n <= 0) {
                        /* 0: the end; < 0: the file is cut short or damaged after the records
                         * already sent */
                        sub_finish(s, n == 0 ? SUB_END : SUB_ERROR);
                        return;
                }
                for (int i = 0; i < n; i++) {
                        if (!file_match(s, &recs[i]))
                                continue;
                        if (sub_emit(s, recs[i].linktype, recs[i].data, recs[i].caplen,
                                     recs[i].wire_len,
                                     ts_to_ns(recs[i].ts_sec, recs[i].ts_nsec)) < 0)
                                return;
                        if (s->stop >= 0) {
                                sub_finish(s, (enum sub_reason)s->stop);
                                return;
                        }
                }
                done += (unsigned)n;
        }
        /* Yield to the other clients; continue on the next loop pass. */
        if (sub_flush(s) == 0)
                event_active(s->ev_file, EV_TIMEOUT, 0);
}

static int
file_open(struct sub *s, int64_t index, const char *filter, int snaplen, struct pktp_error *err)
{
        struct statfs sfs;
        struct stat st;
        int fd, fl, r;

        fd = pktd_call_take_fd(s->a, (unsigned)index);
        if (fd == -EBADF)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "fileDescriptor",
                                      "no file descriptor %lld was passed with the call",
                                      (long long)index);
        if (fd < 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "fileDescriptor",
                                      "not a regular file");
        /* Only regular files on real file systems: reading a pipe (or a FUSE file) could block the
         * loop on whoever writes it. Readable, too. */
        fl = fcntl(fd, F_GETFL);
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || fl < 0 ||
            (fl & O_ACCMODE) == O_WRONLY || fstatfs(fd, &sfs) < 0 ||
            pktd_capture_fs_refused((unsigned long)sfs.f_type)) {
                (void)close(fd);
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "fileDescriptor",
                                      "not a readable regular file on a local file system");
        }
        r = pkt_pcap_open_fd(fd, &s->file); /* takes fd */
        if (r == -EPROTONOSUPPORT)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "fileDescriptor",
                                      "a compressed capture: decompress it first");
        if (r == -ENOMEM)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        if (r < 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "fileDescriptor",
                                      "not a pcap or pcapng file");
        s->dlt = pkt_pcap_linktype(s->file);
        r = pkt_pcap_snaplen(s->file);
        s->snaplen = r > 0 && r < snaplen ? (uint32_t)r : (uint32_t)snaplen;
        if (filter && *filter) {
                s->filter = strdup(filter);
                if (!s->filter)
                        return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
                if (!file_prog(s, s->dlt, err))
                        return -EINVAL;
        }
        s->ev_file = event_new(s->d->base, -1, 0, file_cb, s);
        if (!s->ev_file)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        return 0;
}

/* ---- common ---- */

static void
sub_resume(void *ud)
{
        struct sub *s = ud;

        if (s->broken)
                return;
        s->paused = false;
        if (s->ev_live) {
                (void)event_add(s->ev_live, NULL);
                event_active(s->ev_live, EV_READ, 0);
        }
        if (s->ev_file)
                event_active(s->ev_file, EV_TIMEOUT, 0);
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
        struct sub *s = arg;

        (void)fd;
        (void)what;
        if (!s->broken)
                sub_send_drops(s);
}

static void
end_cb(evutil_socket_t fd, short what, void *arg)
{
        (void)fd;
        (void)what;
        sub_finish(arg, SUB_DURATION);
}

static const char *
get_str(struct json_object *params, const char *key)
{
        struct json_object *v;

        if (!json_object_object_get_ex(params, key, &v) ||
            !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static bool
get_int(struct json_object *params, const char *key, int64_t *ret)
{
        struct json_object *v;

        if (!json_object_object_get_ex(params, key, &v) || !json_object_is_type(v, json_type_int))
                return false;
        *ret = json_object_get_int64(v);
        return true;
}

static void
write_ack(struct sub *s, const char *filter)
{
        struct pktp_buf *b = &s->frame;
        const char *lt = pcap_datalink_val_to_name(s->dlt);
        char ltbuf[32];

        if (!lt) {
                snprintf(ltbuf, sizeof(ltbuf), "DLT_%d", s->dlt);
                lt = ltbuf;
        }
        pktp_buf_reset(b);
        pktp_buf_puts(b, "{\"ack\":{\"linkType\":");
        pktp_buf_json_str(b, lt, strlen(lt));
        pktp_buf_printf(b, ",\"linkTypeNumber\":%d,\"snaplen\":%u,\"filter\":", s->dlt,
                        s->snaplen);
        pktp_buf_json_str(b, filter ? filter : "", filter ? strlen(filter) : 0);
        pktp_buf_puts(b, ",\"source\":");
        if (s->iface[0]) {
                char src[IFNAMSIZ + 16];

                snprintf(src, sizeof(src), "interface:%s", s->iface);
                pktp_buf_json_str(b, src, strlen(src));
        } else
                pktp_buf_puts(b, "\"file\"");
        pktp_buf_puts(b, "}}");
}

int
pktd_capture_subscribe(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                       struct pktp_buf *out, struct pktp_error *err)
{
        const struct pktd_limits *lim = &d->conf->limits;
        struct json_object *params = call->parameters, *v;
        const char *iface = get_str(params, "interface"), *filter = get_str(params, "filter");
        const char *output = get_str(params, "output"), *direction = get_str(params, "direction");
        int64_t fd_index = -1, snaplen = PKTD_SNAPLEN_MAX, count = 0, duration = 0;
        bool has_fd = get_int(params, "fileDescriptor", &fd_index), promisc = true;
        enum pktp_form form = PKTP_FORM_SUMMARY;
        struct sub *s;
        int r;

        (void)out;
        if (!!iface == has_fd)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER,
                                      iface ? "fileDescriptor" : "interface",
                                      "exactly one source: interface or fileDescriptor");
        if (output && pktp_form_from_name(output, &form) < 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "output", "unknown form");
        (void)get_int(params, "snaplen", &snaplen);
        (void)get_int(params, "count", &count);
        (void)get_int(params, "durationMs", &duration);
        if (json_object_object_get_ex(params, "promiscuous", &v) &&
            json_object_is_type(v, json_type_boolean))
                promisc = json_object_get_boolean(v);
        if (snaplen < 1 || snaplen > PKTD_SNAPLEN_MAX)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "snaplen", "out of range");

        if (pktd_capture_count(d, false, 0) >= lim->subscriptions)
                return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, "subscriptions",
                                      "pktd serves at most %u capture streams",
                                      lim->subscriptions);
        if (pktd_capture_count(d, true, c->uid) >= lim->subscriptions_per_uid)
                return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, "subscriptionsPerUid",
                                      "at most %u capture streams per user",
                                      lim->subscriptions_per_uid);

        s = calloc(1, sizeof(*s));
        if (!s)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        s->d = d;
        s->uid = c->uid;
        s->form = form;
        s->stop = -1;
        s->count_max = count > 0 ? (uint64_t)count : 0;
        /* The producer's watermarks, inside outputBuffer with room for a batch's overshoot. */
        s->high = lim->stream_high_water;
        if (s->high > lim->output_buffer / 2)
                s->high = lim->output_buffer / 2;
        s->low = lim->stream_low_water < s->high ? lim->stream_low_water : s->high / 4;
        pkt_init(&s->pkt);
        pktp_buf_init(&s->frame, lim->output_buffer / 4);
        s->pool = pool_new(s->high);
        if (!s->pool) {
                sub_free(s);
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        }
        s->a = pktd_call_async(c, call);
        if (!s->a) {
                sub_free(s);
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        }
        if (iface)
                r = live_open(s, c->roles, iface, filter, (int)snaplen, promisc, direction, err);
        else
                r = file_open(s, fd_index, filter, (int)snaplen, err);
        s->ev_tick = event_new(d->base, -1, EV_PERSIST, tick_cb, s);
        if (duration > 0)
                s->ev_end = event_new(d->base, -1, 0, end_cb, s);
        if (r >= 0 && (!s->ev_tick || (duration > 0 && !s->ev_end)))
                r = pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        if (r < 0) {
                /* The call is still the connection's head: returning the error ends it. */
                s->a = NULL;
                sub_free(s);
                return r;
        }

        write_ack(s, filter);
        if (s->frame.err || pktd_call_reply(s->a, s->frame.data, s->frame.len, true) < 0) {
                s->a = NULL;
                sub_free(s);
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        }
        pktd_call_on_cancel(s->a, sub_cancelled, s);
        s->next = subs;
        subs = s;
        {
                struct timeval tick = { .tv_sec = PKTD_DROPS_INTERVAL_MS / 1000,
                                        .tv_usec = (PKTD_DROPS_INTERVAL_MS % 1000) * 1000 };

                (void)event_add(s->ev_tick, &tick);
        }
        if (duration > 0) {
                struct timeval tv = { .tv_sec = (time_t)(duration / 1000),
                                      .tv_usec = (suseconds_t)(duration % 1000) * 1000 };

                (void)event_add(s->ev_end, &tv);
        }
        if (s->ev_live)
                (void)event_add(s->ev_live, NULL);
        if (s->ev_file)
                event_active(s->ev_file, EV_TIMEOUT, 0);
        return PKTD_CALL_ASYNC;
}
