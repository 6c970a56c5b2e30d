/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Raw sockets: send on layer 2 or 3, receive with a timeout, send and receive with reply matching
 * (pypacker's SocketHndl, scapy's sr()). Linux only; opening a socket needs CAP_NET_RAW.
 *
 * A struct pkt_sock is bound to one interface. Every mode receives through a packet socket
 * (AF_PACKET, SOCK_RAW, all protocols) on that interface, so frames come with their link header
 * whatever the mode and replies of any protocol are seen. Sending goes through the same packet
 * socket (PKT_SOCK_L2) or a raw IP socket bound to the interface (PKT_SOCK_L3_*), which routes by
 * the destination in the packet's own IP header and resolves the next hop itself.
 *
 * All descriptors are close-on-exec and non-blocking, so an event loop may watch pkt_sock_fd() and
 * call pkt_sock_recv() with a zero timeout. Send-and-receive has two forms: pkt_sock_sr() blocks
 * until done; struct pkt_sr is the same matcher driven by the caller's loop (pkt_sock_sr() is
 * written on top of it).
 *
 * Nothing here prints or logs. A socket or an sr is used by one thread at a time; distinct ones are
 * independent.
 */
#ifndef PKT_SOCK_H
#define PKT_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pkt;
struct pkt_sock;
struct pkt_sr;

enum pkt_sock_mode {
        PKT_SOCK_L2,      /* whole frames, link header included, as given */
        PKT_SOCK_L3_IPV4, /* IPv4 packets, header included (IP_HDRINCL) */
        PKT_SOCK_L3_IPV6, /* IPv6 packets, header included (IPPROTO_RAW implies it on Linux) */
        _PKT_SOCK_MODE_MAX,
};

/* Where a received frame was going, as the kernel classed it (linux/if_packet.h PACKET_*). */
enum pkt_sock_direction {
        PKT_SOCK_DIR_HOST = 0,      /* to us */
        PKT_SOCK_DIR_BROADCAST = 1, /* to all */
        PKT_SOCK_DIR_MULTICAST = 2, /* to a group */
        PKT_SOCK_DIR_OTHERHOST = 3, /* to someone else (promiscuous) */
        PKT_SOCK_DIR_OUTGOING = 4,  /* sent by this host: a copy of its own transmission */
};

/* What the kernel told about one received frame. */
struct pkt_sock_meta {
        uint64_t ts_ns;    /* kernel receive time, CLOCK_REALTIME nanoseconds */
        uint32_t caplen;   /* bytes stored in the caller's buffer */
        uint32_t wire_len; /* bytes of the frame (larger than caplen when the buffer was short) */
        int32_t ifindex;   /* interface it came through */
        int32_t dlt;       /* pcap link type of the frame (DLT_*), -1 when the link has none */
        uint16_t first_proto; /* first layer, for pkt_parse(); PKT_PROTO_RAW: unknown */
        uint16_t hatype;      /* ARPHRD_* of the interface */
        uint16_t ethertype;   /* protocol the link layer named, host order */
        uint8_t direction;    /* enum pkt_sock_direction */
};

/* The largest frame the blocking receive paths (pkt_sock_sr()) keep: libpcap's maximum snap length.
 * A longer frame (GRO on some drivers) is cut to it; its wire_len still tells. */
#define PKT_SOCK_SNAP_MAX (256u * 1024)

/*
 * Opens a socket of @mode on interface @ifname (a name shorter than 16 bytes, IFNAMSIZ, that names
 * an existing interface in the caller's network namespace; callers handling untrusted names check
 * them against the interface list first). Returns 0 and the socket in @ret, or -EINVAL (bad
 * argument or name), -ENODEV (no such interface), -EPERM/-EACCES (no CAP_NET_RAW), -ENOMEM, or
 * another -errno from socket(2), bind(2) or setsockopt(2). The receive socket starts queueing at
 * once: packets that arrive before the first pkt_sock_recv() are kept (up to the kernel's buffer).
 */
int pkt_sock_open(const char *ifname, enum pkt_sock_mode mode, struct pkt_sock **ret);

/* Closes @s and its descriptors. @s may be NULL. Always returns NULL. */
struct pkt_sock *pkt_sock_free(struct pkt_sock *s);

/* The descriptor to watch for input (the packet socket); -EINVAL when @s is NULL. Owned by @s. */
int pkt_sock_fd(const struct pkt_sock *s);

/* The descriptor sends go through, to watch for writability (the same one in PKT_SOCK_L2). */
int pkt_sock_send_fd(const struct pkt_sock *s);

/* The interface's index, or -EINVAL. */
int pkt_sock_ifindex(const struct pkt_sock *s);

/* The pcap link type of frames received (DLT_*), or -ENOENT when the link has none we know. */
int pkt_sock_dlt(const struct pkt_sock *s);

/* Copies the interface's hardware address (6 bytes on Ethernet) to @buf of @size bytes, as read
 * when the socket was opened. Returns its length, -EINVAL, or -EMSGSIZE when @size is too small. */
int pkt_sock_hwaddr(const struct pkt_sock *s, uint8_t *buf, size_t size);

/*
 * Sends @len bytes at @data: a whole frame (PKT_SOCK_L2) or an IP packet starting with its header
 * (PKT_SOCK_L3_*: the destination is read from the header; IPv4's checksum and a zero id or total
 * length are filled in by the kernel). Never blocks. Returns @len, or -EINVAL (@data is not an IP
 * packet of the socket's version), -EAGAIN/-ENOBUFS (the queue is full: retry later, after
 * pkt_sock_send_fd() turns writable), -EMSGSIZE (longer than the link's MTU), -ENETUNREACH and
 * other -errno from sendto(2).
 */
int pkt_sock_send(struct pkt_sock *s, const void *data, size_t len);

/* Serialises @p (auto fields computed, see pkt_serialize()) and sends it as pkt_sock_send() does.
 * Also returns what pkt_serialize() returns on failure. */
int pkt_sock_send_pkt(struct pkt_sock *s, struct pkt *p);

/*
 * Receives one frame into @buf of @size bytes, waiting up to @timeout_ms (0: do not wait; negative:
 * wait as long as it takes). Returns the bytes stored (a frame longer than @size is cut; see
 * @ret_meta->wire_len) and fills @ret_meta (may be NULL). Returns -EAGAIN when nothing arrived in
 * time, -EINVAL, or -errno from poll(2) or recvmsg(2). Frames this host sent are received too,
 * flagged PKT_SOCK_DIR_OUTGOING (except in PKT_SOCK_L2, those sent through @s itself).
 */
int pkt_sock_recv(struct pkt_sock *s, void *buf, size_t size, int timeout_ms,
                  struct pkt_sock_meta *ret_meta);

/*
 * Makes the kernel drop every received frame that does not match @expr (tcpdump's filter
 * language), compiled by libpcap for the socket's link type. Frames queued before the call that do
 * not match are discarded. @expr NULL or "" removes the filter. On failure, libpcap's message goes
 * to @err (may be NULL) and the previous filter stays: returns -EINVAL (the expression does not
 * compile), -EOPNOTSUPP (a link type libpcap cannot filter), -ENOMEM, or -errno from setsockopt(2).
 */
int pkt_sock_set_filter(struct pkt_sock *s, const char *expr, char *err, size_t err_size);

/* One classic BPF instruction, laid out as the kernel's struct sock_filter and libpcap's struct
 * bpf_insn, so a program compiled elsewhere can be passed as it is. */
struct pkt_bpf_insn {
        uint16_t code;
        uint8_t jt;
        uint8_t jf;
        uint32_t k;
};

/* The longest program the kernel accepts (BPF_MAXINSNS). */
#define PKT_BPF_INSNS_MAX 4096

/* Attaches the compiled program @insns of @n instructions (1 to PKT_BPF_INSNS_MAX) as the
 * socket's filter, like pkt_sock_set_filter(). Returns 0, -EINVAL, or -errno from setsockopt(2)
 * (the kernel's verifier refuses a bad program with -EINVAL). */
int pkt_sock_attach_bpf(struct pkt_sock *s, const struct pkt_bpf_insn *insns, size_t n);

/* ---- send and receive ---- */

/* Named limits. Why: the matcher compares each received frame with every unanswered probe, so
 * 4096 probes keep one frame's matching well under a millisecond; answers and their bytes are
 * what a broadcast probe in multi-answer mode could make us store. */
#define PKT_SR_PROBES_MAX         4096
#define PKT_SR_ANSWERS_MAX        65536
#define PKT_SR_REPLY_BYTES_MAX    (64u * 1024 * 1024)
#define PKT_SR_TIMEOUT_DEFAULT_MS 2000
#define PKT_SR_TIMEOUT_MAX_MS     (10u * 60 * 1000) /* no reply is worth waiting for longer */
#define PKT_SR_RETRY_MAX          16

/* How an sr runs. Zero fields take the defaults; values above a limit are lowered to it (the
 * timeout to PKT_SR_TIMEOUT_MAX_MS, retry to PKT_SR_RETRY_MAX, the two storage bounds to theirs). */
struct pkt_sr_opts {
        uint32_t timeout_ms;      /* wait after a round's last send; 0: PKT_SR_TIMEOUT_DEFAULT_MS */
        uint32_t deadline_ms;     /* whole sr, from its start; 0: none beyond the rounds' own */
        uint32_t retry;           /* further rounds resending the unanswered probes */
        uint32_t max_answers;     /* answers stored; 0: PKT_SR_ANSWERS_MAX */
        uint32_t max_reply_bytes; /* reply bytes stored in all; 0: PKT_SR_REPLY_BYTES_MAX */
        bool is_multi;            /* keep every answer to a probe, and wait out the timeout */
};

/* One matched reply. */
struct pkt_sr_answer {
        uint32_t probe;       /* index into the probes */
        uint32_t len;         /* bytes at @data */
        uint32_t wire_len;    /* bytes of the frame */
        uint16_t first_proto; /* protocol of its first layer, for pkt_parse() */
        uint16_t reserved;
        uint64_t ts_ns;  /* receive time (CLOCK_REALTIME ns) */
        uint64_t rtt_ns; /* from the probe's last send before it (its first, if earlier) */
        uint8_t *data;   /* the reply, owned by the result */
};

/* What an sr found. Filled by pkt_sock_sr() or pkt_sr_finish(); freed by pkt_sr_result_done(). */
struct pkt_sr_result {
        struct pkt_sr_answer *answers; /* in order of arrival */
        size_t n_answers;
        uint32_t *unanswered; /* probe indexes without an answer, ascending */
        size_t n_unanswered;
        uint64_t n_sent;     /* sends, retries included */
        uint64_t n_received; /* frames looked at (outgoing copies excluded) */
        uint32_t rounds;     /* send rounds started */
        bool is_limited;     /* an answer was not stored: max_answers or max_reply_bytes reached */
        bool is_deadline;    /* the overall deadline ended it */
};

/*
 * Sends @probes (@n of them, 1 to PKT_SR_PROBES_MAX; their auto fields are computed on copies,
 * the caller's packets are not changed) through @s and collects their answers, as pkt_answers()
 * judges them, from frames received on @s (our own outgoing copies ignored). The socket is
 * receiving before the first send; frames queued before the call are discarded. Rounds: all probes,
 * then up to @opts->retry rounds of the unanswered ones; each round waits @opts->timeout_ms after
 * its last send, or less once every probe is answered (unless multi-answer). @opts may be NULL
 * (defaults). A timeout is no failure: the result then lists what was answered and what was not.
 * Returns 0 and fills @ret (to be freed with pkt_sr_result_done()), or -EINVAL, -ENOMEM, -EROFS
 * (a probe could not be serialised), and what pkt_sock_send() or pkt_sock_recv() return on errors
 * other than a full queue (nothing is returned in @ret then).
 */
int pkt_sock_sr(struct pkt_sock *s, struct pkt *const *probes, size_t n,
                const struct pkt_sr_opts *opts, struct pkt_sr_result *ret);

/* Frees what @r holds and empties it. @r may be NULL. */
void pkt_sr_result_done(struct pkt_sr_result *r);

/*
 * The matcher behind pkt_sock_sr(), for an event loop. The caller sends, receives and waits:
 *
 *     pkt_sr_new(probes, n, opts, &sr);
 *     while (!pkt_sr_is_done(sr)) {
 *             while ((i = pkt_sr_next_probe(sr, &data, &len)) >= 0 && send(data, len) ok)
 *                     pkt_sr_sent(sr, i);
 *             wait for input up to pkt_sr_next_timeout(sr) ms;
 *             for each frame received: pkt_sr_on_packet(sr, frame, len, &meta);
 *     }
 *     pkt_sr_finish(sr, &result);
 *
 * Time is read from the system's clocks: CLOCK_MONOTONIC for the timers, CLOCK_REALTIME for the
 * send times that RTTs are measured from (the kernel stamps received frames with it).
 */

/* Creates an sr for @probes (copied and serialised; the caller's packets may go away). Returns 0,
 * -EINVAL (@n is 0 or above PKT_SR_PROBES_MAX, a NULL probe), -ENOMEM or -EROFS. */
int pkt_sr_new(struct pkt *const *probes, size_t n, const struct pkt_sr_opts *opts,
               struct pkt_sr **ret);

/* Frees @sr and everything it holds. @sr may be NULL. Always returns NULL. */
struct pkt_sr *pkt_sr_free(struct pkt_sr *sr);

/* The probe due for sending now: returns its index and its bytes (owned by @sr, valid until it is
 * freed), or -EAGAIN when none is due (the round is sent, or the sr is done). The same probe comes
 * back until pkt_sr_sent() says it went out. The probe's send time, which its RTT is measured
 * from, is taken here: call it right before sending (a reply can arrive before send(2) returns). */
int pkt_sr_next_probe(struct pkt_sr *sr, const uint8_t **ret_data, size_t *ret_len);

/* Records that probe @idx, returned by the last pkt_sr_next_probe(), was sent. Returns 0 or
 * -EINVAL (not the probe due). */
int pkt_sr_sent(struct pkt_sr *sr, unsigned idx);

/*
 * Matches a received frame (@len bytes at @data, described by @meta: its first_proto, direction,
 * ts_ns and wire_len are used) against the probes sent so far; a reply stamped before a probe's
 * first send does not answer it. Outgoing copies are ignored. Returns the number of answers stored
 * (0 or more: one unless multi-answer), or -EINVAL or -ENOMEM.
 */
int pkt_sr_on_packet(struct pkt_sr *sr, const void *data, size_t len,
                     const struct pkt_sock_meta *meta);

/* Moves the timers on and returns how many milliseconds the caller may wait for input before
 * calling again: 0 when a probe is due or the sr is done. Never more than a round's timeout. */
int pkt_sr_next_timeout(struct pkt_sr *sr);

/* Whether the sr is over: every round ended, the deadline passed, or every probe answered (and
 * not multi-answer). */
bool pkt_sr_is_done(const struct pkt_sr *sr);

/* The answers stored so far, to stream them as they come: @ret_n of them, valid until the next
 * pkt_sr_on_packet() or pkt_sr_finish(). */
const struct pkt_sr_answer *pkt_sr_answers(const struct pkt_sr *sr, size_t *ret_n);

/* Moves the results out of @sr into @ret (answers so far, unanswered probes), whether or not the
 * sr is done; @sr keeps its probes but no answers. Returns 0, -EINVAL or -ENOMEM. */
int pkt_sr_finish(struct pkt_sr *sr, struct pkt_sr_result *ret);

#ifdef __cplusplus
}
#endif

#endif
