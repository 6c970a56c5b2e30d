/* SPDX-License-Identifier: BSD-3-Clause */
/* Closing packet sockets off the event loop.
 *
 * The kernel's packet_release() waits for an RCU grace period (synchronize_net()) before a packet
 * socket's last close returns: 5 to 15 ms measured on a veth, during which pktd's single loop would
 * serve nobody. Every Send, SendReceive and capture stream ends with such a close, so a client
 * making calls in a row could keep every other client waiting most of the time. The last close is
 * therefore made by one worker thread; the loop only hands it the descriptors. */
#ifndef PKTD_CLOSER_H
#define PKTD_CLOSER_H

struct pkt_sock;

/* Descriptors waiting for the worker. Why 1024: far more sockets than pktd closes in the few
 * milliseconds one close takes (the limits allow at most a few hundred streams and sr at once);
 * when the queue is full, or the worker could not be started, the loop closes inline (slow, never
 * wrong). */
#define PKTD_CLOSER_QUEUE_MAX 1024

/* Closes @fd, from the worker when it can. @fd < 0 does nothing. For a socket someone else
 * closes (a libpcap handle), hand over a duplicate made before that close, and only after it:
 *     int dup = fcntl(pcap_get_selectable_fd(p), F_DUPFD_CLOEXEC, 0);
 *     pcap_close(p);            (not the last close: cheap)
 *     pktd_closer_close(dup);   (the last one, in the worker)
 */
void pktd_closer_close(int fd);

/* Frees @s (may be NULL) with its last closes made by the worker: its descriptors are duplicated,
 * pkt_sock_free() closes the originals (cheap: not the last reference), the worker the duplicates.
 * Always returns NULL. */
struct pkt_sock *pktd_sock_release(struct pkt_sock *s);

/* Closes whatever is queued and stops the worker (pktd's teardown; also fine never to call: the
 * descriptors die with the process). */
void pktd_closer_stop(void);

#endif
