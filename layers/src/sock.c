/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Raw sockets (pypacker's SocketHndl): a packet socket to receive on one interface, and a socket
 * to send through — the same packet socket on layer 2, a raw IP socket bound to the interface on
 * layer 3. Send-and-receive is in sock_sr.c.
 *
 * Receiving always through a packet socket, also in the layer-3 modes, is what lets sr see replies
 * of any protocol (ICMP errors, ARP, TCP resets) and the kernel's own copies of what we send,
 * flagged outgoing, instead of a raw IP socket's per-protocol view.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <pkt/pkt.h>
#include <pkt/sock.h>

#include "internal.h"
#include "sock_internal.h"

/* Frames read and thrown away when a filter changes or an sr starts: the kernel's default receive
 * buffer holds a few hundred; more than this means a flood, and the timestamps sort it out. */
#define SOCK_DRAIN_MAX 4096

/* pcap link types (pcap/dlt.h names; kept here so the mapping reads as one table). */
#define DLT_EN10MB_           1
#define DLT_RAW_              12
#define DLT_IEEE802_11_       105
#define DLT_IEEE802_11_RADIO_ 127

struct pkt_sock {
        enum pkt_sock_mode mode;
        int ifindex;
        int recv_fd; /* the packet socket */
        int send_fd; /* recv_fd on layer 2, a raw IP socket on layer 3 */
        int hatype;
        int dlt;
        uint8_t hwaddr[16];
        uint8_t hwaddr_len;
        char ifname[IF_NAMESIZE];
};

static void
sock_freep(struct pkt_sock **s)
{
        pkt_sock_free(*s);
}

uint64_t
sock_now_ns(clockid_t clock)
{
        struct timespec ts;

        (void)clock_gettime(clock, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The link types libpcap gives these ARPHRD types on a SOCK_RAW capture (pcap-linux.c's
 * map_arphrd_to_dlt()), for links whose frames start the way a pcap of that type does. Links
 * without a header (tunnels, PPP, tun) hand over bare IP. */
static int
dlt_of_hatype(int hatype)
{
        switch (hatype) {
        case ARPHRD_ETHER:
        case ARPHRD_LOOPBACK:
        case ARPHRD_EETHER:
        case ARPHRD_IEEE802:
                return DLT_EN10MB_;
        case ARPHRD_NONE:
        case ARPHRD_RAWIP:
        case ARPHRD_PPP:
        case ARPHRD_TUNNEL:
        case ARPHRD_TUNNEL6:
        case ARPHRD_SIT:
        case ARPHRD_IPGRE:
                return DLT_RAW_;
        case ARPHRD_IEEE80211:
                return DLT_IEEE802_11_;
        case ARPHRD_IEEE80211_RADIOTAP:
                return DLT_IEEE802_11_RADIO_;
        default:
                return -1;
        }
}

static int
setsockopt_int(int fd, int level, int name, int value)
{
        return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

/* A packet socket receiving every protocol on one interface only. It is created listening to no
 * protocol and bound to the interface with ETH_P_ALL in one step, as libpcap does: a socket created
 * with ETH_P_ALL would queue frames of every interface until bind(). */
static int
packet_socket_open(int ifindex)
{
        _cleanup_close_ int fd = -1;
        struct sockaddr_ll sll = {
                .sll_family = AF_PACKET,
                .sll_protocol = htons(ETH_P_ALL),
                .sll_ifindex = ifindex,
        };
        int r;

        fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        /* Kernel receive stamps, CLOCK_REALTIME, for RTTs and captures. */
        r = setsockopt_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
        if (r < 0)
                return r;
        /* VLAN tags the kernel took out of received frames, to put them back. */
        r = setsockopt_int(fd, SOL_PACKET, PACKET_AUXDATA, 1);
        if (r < 0)
                return r;
        if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
                return -errno;
        return TAKE_FD(fd);
}

static int
ip_socket_open(int family, const char *ifname)
{
        _cleanup_close_ int fd = -1;
        int r;

        /* IPPROTO_RAW: we write the header. For IPv4 that is IP_HDRINCL (set again below to say
         * so); for IPv6 the kernel sets hdrincl for IPPROTO_RAW itself (af_inet6.c,
         * inet6_create()), which test_sock checks by getting an answer to an ICMPv6 echo sent this
         * way. */
        fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_RAW);
        if (fd < 0)
                return -errno;
        if (family == AF_INET) {
                r = setsockopt_int(fd, IPPROTO_IP, IP_HDRINCL, 1);
                if (r < 0)
                        return r;
                /* Broadcast destinations are refused with EACCES otherwise. */
                r = setsockopt_int(fd, SOL_SOCKET, SO_BROADCAST, 1);
                if (r < 0)
                        return r;
        }
        if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0)
                return -errno;
        return TAKE_FD(fd);
}

static int
read_hwaddr(struct pkt_sock *s)
{
        struct ifreq ifr = { 0 };

        memcpy(ifr.ifr_name, s->ifname, sizeof(s->ifname));
        if (ioctl(s->recv_fd, SIOCGIFHWADDR, &ifr) < 0)
                return -errno;
        s->hatype = ifr.ifr_hwaddr.sa_family;
        s->dlt = dlt_of_hatype(s->hatype);
        /* Ethernet-like links have 6 bytes; the rest keep theirs unreported (length 0). */
        if (s->dlt == DLT_EN10MB_) {
                memcpy(s->hwaddr, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
                s->hwaddr_len = ETH_ALEN;
        }
        return 0;
}

int
pkt_sock_open(const char *ifname, enum pkt_sock_mode mode, struct pkt_sock **ret)
{
        _cleanup_(sock_freep) struct pkt_sock *s = NULL;
        size_t name_len;
        unsigned idx;
        int r;

        pkt_assert_return(ifname && ret, -EINVAL);
        pkt_assert_return(mode >= PKT_SOCK_L2 && mode < _PKT_SOCK_MODE_MAX, -EINVAL);
        name_len = strnlen(ifname, IF_NAMESIZE);
        pkt_assert_return(name_len > 0 && name_len < IF_NAMESIZE, -EINVAL);
        pkt_assert_return(!strchr(ifname, '/'), -EINVAL);

        idx = if_nametoindex(ifname);
        if (idx == 0)
                return errno == ENODEV || errno == ENXIO ? -ENODEV : -errno;
        if (idx > INT32_MAX)
                return -ENODEV;

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->mode = mode;
        s->ifindex = (int)idx;
        s->recv_fd = s->send_fd = -1;
        memcpy(s->ifname, ifname, name_len + 1);

        r = packet_socket_open(s->ifindex);
        if (r < 0)
                return r;
        s->recv_fd = r;
        r = read_hwaddr(s);
        if (r < 0)
                return r;
        if (mode == PKT_SOCK_L2)
                s->send_fd = s->recv_fd;
        else {
                r = ip_socket_open(mode == PKT_SOCK_L3_IPV4 ? AF_INET : AF_INET6, s->ifname);
                if (r < 0)
                        return r;
                s->send_fd = r;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

struct pkt_sock *
pkt_sock_free(struct pkt_sock *s)
{
        if (!s)
                return NULL;
        if (s->send_fd >= 0 && s->send_fd != s->recv_fd)
                (void)close(s->send_fd);
        if (s->recv_fd >= 0)
                (void)close(s->recv_fd);
        free(s);
        return NULL;
}

int
pkt_sock_fd(const struct pkt_sock *s)
{
        pkt_assert_return(s, -EINVAL);
        return s->recv_fd;
}

int
pkt_sock_send_fd(const struct pkt_sock *s)
{
        pkt_assert_return(s, -EINVAL);
        return s->send_fd;
}

int
pkt_sock_ifindex(const struct pkt_sock *s)
{
        pkt_assert_return(s, -EINVAL);
        return s->ifindex;
}

int
pkt_sock_dlt(const struct pkt_sock *s)
{
        pkt_assert_return(s, -EINVAL);
        return s->dlt >= 0 ? s->dlt : -ENOENT;
}

int
pkt_sock_hwaddr(const struct pkt_sock *s, uint8_t *buf, size_t size)
{
        pkt_assert_return(s && (buf || size == 0), -EINVAL);
        if (size < s->hwaddr_len)
                return -EMSGSIZE;
        memcpy(buf, s->hwaddr, s->hwaddr_len);
        return s->hwaddr_len;
}

/* Where a layer-3 packet goes: its header's destination. The scope is the socket's interface, which
 * only link-local and multicast destinations need (RFC 4007 6). */
static int
l3_dest(const struct pkt_sock *s, const uint8_t *b, size_t len, struct sockaddr_storage *ss,
        socklen_t *ret_len)
{
        memset(ss, 0, sizeof(*ss));
        if (s->mode == PKT_SOCK_L3_IPV4) {
                struct sockaddr_in *sin = (struct sockaddr_in *)ss;

                if (len < 20 || b[0] >> 4 != 4)
                        return -EINVAL;
                sin->sin_family = AF_INET;
                memcpy(&sin->sin_addr, b + 16, 4);
                *ret_len = sizeof(*sin);
        } else {
                struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

                if (len < 40 || b[0] >> 4 != 6)
                        return -EINVAL;
                sin6->sin6_family = AF_INET6;
                memcpy(&sin6->sin6_addr, b + 24, 16);
                sin6->sin6_scope_id = (uint32_t)s->ifindex;
                *ret_len = sizeof(*sin6);
        }
        return 0;
}

int
pkt_sock_send(struct pkt_sock *s, const void *data, size_t len)
{
        struct sockaddr_storage ss;
        socklen_t ss_len = 0;
        ssize_t n;
        int r;

        pkt_assert_return(s && data && len > 0 && len <= INT32_MAX, -EINVAL);
        if (s->mode != PKT_SOCK_L2) {
                r = l3_dest(s, data, len, &ss, &ss_len);
                if (r < 0)
                        return r;
        }
        /* A signal may interrupt the copy into the kernel; it is redone at most once per signal. */
        do
                n = s->mode == PKT_SOCK_L2
                            ? send(s->send_fd, data, len, 0)
                            : sendto(s->send_fd, data, len, 0, (struct sockaddr *)&ss, ss_len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        return (int)n;
}

int
pkt_sock_send_pkt(struct pkt_sock *s, struct pkt *p)
{
        const uint8_t *data;
        int len;

        pkt_assert_return(s && p, -EINVAL);
        len = pkt_serialize(p, 0, &data);
        if (len < 0)
                return len;
        return pkt_sock_send(s, data, (size_t)len);
}

/* What the kernel says beside a frame. */
struct rx_aux {
        uint64_t ts_ns;
        bool has_vlan;
        uint16_t vlan_tpid;
        uint16_t vlan_tci;
};

static void
read_cmsgs(struct msghdr *m, struct rx_aux *aux)
{
        *aux = (struct rx_aux){ 0 };
        for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
                    c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
                        struct timespec ts;

                        memcpy(&ts, CMSG_DATA(c), sizeof(ts));
                        aux->ts_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
                } else if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA &&
                           c->cmsg_len >= CMSG_LEN(sizeof(struct tpacket_auxdata))) {
                        struct tpacket_auxdata a;

                        memcpy(&a, CMSG_DATA(c), sizeof(a));
                        aux->has_vlan = a.tp_status & TP_STATUS_VLAN_VALID;
                        aux->vlan_tci = a.tp_vlan_tci;
                        aux->vlan_tpid = (a.tp_status & TP_STATUS_VLAN_TPID_VALID) ? a.tp_vlan_tpid
                                                                                   : ETH_P_8021Q;
                }
        }
}

/*
 * The kernel takes a VLAN tag out of a received frame (offload, or skb_vlan_untag() on the way in)
 * and hands it over beside it. Put it back after the two addresses, as libpcap does, so the frame
 * reads as it was on the wire. Returns the new captured length (at most @size).
 */
static size_t
vlan_reinsert(uint8_t *b, size_t caplen, size_t size, uint16_t tpid, uint16_t tci)
{
        const uint8_t tag[4] = { tpid >> 8, tpid & 0xff, tci >> 8, tci & 0xff };
        size_t len = MIN(caplen + sizeof(tag), size);

        assert(caplen >= 2 * ETH_ALEN && caplen <= size);
        if (len > 2 * ETH_ALEN + sizeof(tag))
                memmove(b + 2 * ETH_ALEN + sizeof(tag), b + 2 * ETH_ALEN,
                        len - 2 * ETH_ALEN - sizeof(tag));
        memcpy(b + 2 * ETH_ALEN, tag, MIN(sizeof(tag), len - 2 * ETH_ALEN));
        return len;
}

static void
fill_meta(const struct pkt_sock *s, const struct sockaddr_ll *sll, const struct rx_aux *aux,
          const void *buf, size_t caplen, size_t wire_len, struct pkt_sock_meta *meta)
{
        int first = -1;

        *meta = (struct pkt_sock_meta){
                .ts_ns = aux->ts_ns ? aux->ts_ns : sock_now_ns(CLOCK_REALTIME),
                .caplen = (uint32_t)caplen,
                .wire_len = (uint32_t)MIN(wire_len, (size_t)UINT32_MAX),
                .ifindex = sll->sll_ifindex,
                .dlt = s->dlt,
                .hatype = sll->sll_hatype,
                .ethertype = ntohs(sll->sll_protocol),
                .direction = sll->sll_pkttype,
        };
        if (s->dlt >= 0)
                first = pkt_proto_for_frame(s->dlt, buf, caplen);
        meta->first_proto = first > 0 ? (uint16_t)first : PKT_PROTO_RAW;
}

/* One frame if one is queued: its captured length, or -EAGAIN. */
int
sock_recv_one(struct pkt_sock *s, void *buf, size_t size, struct pkt_sock_meta *ret_meta)
{
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(struct timespec)) +
                         CMSG_SPACE(sizeof(struct tpacket_auxdata))];
        } control;
        struct sockaddr_ll sll = { 0 };
        struct iovec iov = { .iov_base = buf, .iov_len = size };
        struct msghdr m = {
                .msg_name = &sll,
                .msg_namelen = sizeof(sll),
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = &control,
                .msg_controllen = sizeof(control),
        };
        struct rx_aux aux;
        ssize_t n;

        /* MSG_TRUNC: the frame's whole length comes back even when @buf holds less. */
        do
                n = recvmsg(s->recv_fd, &m, MSG_TRUNC | MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        size_t caplen = MIN((size_t)n, size), wire_len = (size_t)n;
        read_cmsgs(&m, &aux);
        if (aux.has_vlan && s->dlt == DLT_EN10MB_ && caplen >= 2 * ETH_ALEN) {
                caplen = vlan_reinsert(buf, caplen, size, aux.vlan_tpid, aux.vlan_tci);
                wire_len += 4;
        }
        if (ret_meta)
                fill_meta(s, &sll, &aux, buf, caplen, wire_len, ret_meta);
        return (int)MIN(caplen, (size_t)INT32_MAX);
}

/* Waits until @fd is ready for @events or @timeout_ms passes (negative: no limit). Returns 1, 0 on
 * timeout, or -errno. A signal ends the wait early: the callers loop on their own clocks. */
int
sock_wait_fd(int fd, short events, int timeout_ms)
{
        struct pollfd pfd = { .fd = fd, .events = events };
        int r = poll(&pfd, 1, timeout_ms);

        if (r < 0)
                return errno == EINTR ? 0 : -errno;
        if (r > 0 && (pfd.revents & (POLLERR | POLLNVAL)) && !(pfd.revents & events))
                return -EIO;
        return r;
}

int
pkt_sock_recv(struct pkt_sock *s, void *buf, size_t size, int timeout_ms,
              struct pkt_sock_meta *ret_meta)
{
        uint64_t end = 0;
        int r;

        pkt_assert_return(s && buf && size > 0, -EINVAL);
        if (timeout_ms > 0)
                end = sock_now_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000u;
        /* Each pass either returns or waits; waits end at @end, so the loop is bounded in time
         * (a wait without a limit ends only with a frame). */
        for (;;) {
                r = sock_recv_one(s, buf, size, ret_meta);
                if (r != -EAGAIN || timeout_ms == 0)
                        return r;
                int left = -1;
                if (timeout_ms > 0) {
                        uint64_t now = sock_now_ns(CLOCK_MONOTONIC);
                        if (now >= end)
                                return -EAGAIN;
                        left = (int)((end - now + 999999u) / 1000000u);
                }
                r = sock_wait_fd(s->recv_fd, POLLIN, left);
                if (r < 0)
                        return r;
        }
}

/* Throws away what the socket has queued (bounded: SOCK_DRAIN_MAX frames). */
void
sock_drain(struct pkt_sock *s)
{
        uint8_t scratch[64];

        for (unsigned i = 0; i < SOCK_DRAIN_MAX; i++)
                if (recv(s->recv_fd, scratch, sizeof(scratch), MSG_DONTWAIT | MSG_TRUNC) < 0 &&
                    errno != EINTR)
                        return;
}

/*
 * Frames queued under the old filter would slip past the new one: attach a program that accepts
 * nothing, empty the queue, then attach the real one (libpcap does the same).
 */
static int
attach(struct pkt_sock *s, const struct sock_fprog *prog)
{
        static struct sock_filter reject_all[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
        struct sock_fprog reject = { .len = 1, .filter = reject_all };

        if (setsockopt(s->recv_fd, SOL_SOCKET, SO_ATTACH_FILTER, &reject, sizeof(reject)) < 0)
                return -errno;
        sock_drain(s);
        if (!prog)
                return setsockopt_int(s->recv_fd, SOL_SOCKET, SO_DETACH_FILTER, 0);
        if (setsockopt(s->recv_fd, SOL_SOCKET, SO_ATTACH_FILTER, prog, sizeof(*prog)) < 0)
                return -errno;
        return 0;
}

int
pkt_sock_attach_bpf(struct pkt_sock *s, const struct pkt_bpf_insn *insns, size_t n)
{
        struct sock_fprog prog;

        pkt_assert_return(s && insns && n > 0 && n <= PKT_BPF_INSNS_MAX, -EINVAL);
        _Static_assert(sizeof(struct pkt_bpf_insn) == sizeof(struct sock_filter), "layout");
        _Static_assert(offsetof(struct pkt_bpf_insn, k) == offsetof(struct sock_filter, k),
                       "layout");
        prog.len = (unsigned short)n;
        prog.filter = (struct sock_filter *)(uintptr_t)insns;
        return attach(s, &prog);
}

static void
copy_err(char *err, size_t err_size, const char *msg)
{
        if (err && err_size > 0) {
                size_t n = MIN(strlen(msg), err_size - 1);

                memcpy(err, msg, n);
                err[n] = '\0';
        }
}

int
pkt_sock_set_filter(struct pkt_sock *s, const char *expr, char *err, size_t err_size)
{
        struct bpf_program bp;
        pcap_t *dead;
        int r;

        pkt_assert_return(s, -EINVAL);
        copy_err(err, err_size, "");
        if (!expr || !*expr)
                return attach(s, NULL);
        if (s->dlt < 0) {
                copy_err(err, err_size, "the interface's link type cannot be filtered");
                return -EOPNOTSUPP;
        }
        dead = pcap_open_dead(s->dlt, PKT_SOCK_SNAP_MAX);
        if (!dead)
                return -ENOMEM;
        if (pcap_compile(dead, &bp, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
                copy_err(err, err_size, pcap_geterr(dead));
                pcap_close(dead);
                return -EINVAL;
        }
        pcap_close(dead);
        if (bp.bf_len == 0 || bp.bf_len > PKT_BPF_INSNS_MAX)
                r = -EINVAL;
        else
                r = pkt_sock_attach_bpf(s, (const struct pkt_bpf_insn *)bp.bf_insns, bp.bf_len);
        pcap_freecode(&bp);
        return r;
}
