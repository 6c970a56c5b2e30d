/* SPDX-License-Identifier: BSD-3-Clause */
/* The host's interfaces and their addresses, from a NETLINK_ROUTE dump (RTM_GETLINK, RTM_GETADDR).
 */
#ifndef PKTD_NETLINK_H
#define PKTD_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why 4096 interfaces: a busy container host has a few hundred veths; 4096 leaves room for ten
 * times that while one listing stays a bounded allocation (about 100 bytes per interface) and a
 * reply of at most a few hundred KiB. A host with more gets -E2BIG, not a silently shortened list.
 */
#define PKTD_NL_IFACES_MAX 4096
/* Why 16384 addresses: four per interface at the interface limit (IPv4, IPv6 link-local, global,
 * temporary), each a 40-byte record. */
#define PKTD_NL_ADDRS_MAX 16384

struct pktd_nl_addr {
        int family;          /* AF_INET or AF_INET6 */
        uint8_t addr[16];    /* 4 or 16 bytes used */
        unsigned prefix_len; /* 0..32 or 0..128 */
        int ifindex;
        unsigned seq; /* order in the kernel's dump (keeps it when grouping by interface) */
};

struct pktd_nl_iface {
        char name[IFNAMSIZ]; /* NUL-terminated, as the kernel named it */
        int index;
        unsigned arp_type; /* ARPHRD_* */
        unsigned mtu;
        unsigned flags; /* IFF_* */
        bool has_mac;   /* IFLA_ADDRESS was 6 bytes */
        uint8_t mac[6];
        size_t addr_first; /* this interface's addresses: addrs[addr_first .. addr_first+n_addrs) */
        size_t n_addrs;
};

/* One listing: flat arrays (no pointers inside the records, so a test can copy them through a
 * pipe). */
struct pktd_nl_list {
        struct pktd_nl_iface *ifaces;
        size_t n_ifaces;
        struct pktd_nl_addr *addrs;
        size_t n_addrs;
};

/* Lists the interfaces of the calling thread's network namespace with their IPv4 and IPv6
 * addresses, in the kernel's order. Blocks for at most about a second per receive (see netlink.c: a
 * kernel socket answers a dump without waiting on any network). @ret is filled only on success and
 * freed with pktd_nl_list_done(). Returns 0, -E2BIG (more than PKTD_NL_IFACES_MAX interfaces or
 * PKTD_NL_ADDRS_MAX addresses), -EAGAIN (the dump kept being interrupted by changes, or a receive
 * timed out), -EBADMSG (a message the kernel would not send: bad lengths, wrong sequence or
 * sender), -ENOMEM, or the negative errno of a socket call or of the kernel's NLMSG_ERROR. */
int pktd_nl_list_ifaces(struct pktd_nl_list *ret);

/* Frees what @l holds and empties it. @l may be NULL or already empty. */
void pktd_nl_list_done(struct pktd_nl_list *l);

/* The pcap link type name ("EN10MB", "RAW", "IEEE802_11_RADIO", "LINUX_SLL", ...) that libpcap
 * reports for a Linux interface of ARPHRD_ type @arp_type. Never NULL. */
const char *pktd_nl_link_type(unsigned arp_type);

#endif
