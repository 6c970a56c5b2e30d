/* SPDX-License-Identifier: BSD-3-Clause */
/* What a caller may do with an interface (issue 5): which interfaces a role may capture on or send
 * on, and whether the packets it sends claim only the interface's own source addresses. The peer
 * and role part of the policy is in pktd.h (pktd_policy_peer/roles/check). */
#ifndef PKTD_POLICY_H
#define PKTD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pktd_iface_list;
struct pktd_nl_addr;
struct pktd_nl_iface;
struct pktd_nl_list;

/* Whether a caller holding @roles (enum pktp_role bits) may use interface @name (a kernel name):
 * admins may use every interface; the others those in @allowed ([capture] or [inject]
 * interfaces). */
bool pktd_policy_iface_allowed(const struct pktd_iface_list *allowed, unsigned roles,
                               const char *name);

/* The interface @name in @list (exact match on the kernel's name), or NULL. The caller then uses
 * the record's own name, never the client's string. */
const struct pktd_nl_iface *pktd_policy_iface_find(const struct pktd_nl_list *list,
                                                   const char *name);

/* How frames on an interface's packet socket begin, for the spoof check. */
enum pktd_link_kind {
        PKTD_LINK_ETHERNET, /* ARPHRD_ETHER, ARPHRD_LOOPBACK: a 14-byte Ethernet header */
        PKTD_LINK_IP,       /* ARPHRD_NONE, ARPHRD_RAWIP (tun, wireguard): the IP header */
        PKTD_LINK_OTHER,    /* anything else: pktd cannot say where the sources are */
};

enum pktd_link_kind pktd_policy_link_kind(unsigned arp_type);

/* An interface's own addresses: what a caller who may not spoof may put in a source field. */
struct pktd_own_addrs {
        enum pktd_link_kind link;
        bool has_mac;
        uint8_t mac[6];
        const struct pktd_nl_addr *addrs; /* the interface's IPv4 and IPv6 addresses */
        size_t n_addrs;
};

/* Fills @ret from @iface of @list (the pointers point into @list). */
void pktd_policy_own_addrs(const struct pktd_nl_list *list, const struct pktd_nl_iface *iface,
                           struct pktd_own_addrs *ret);

/* 802.1Q/802.1ad tags looked through before the network layer. Why 4: QinQ uses two; a frame
 * with more is refused (pktd would otherwise have to walk an attacker's tag chain). */
#define PKTD_SPOOF_VLAN_TAGS_MAX 4

/* IPv6 extension headers looked through to find a Neighbor Discovery message (whose target and
 * link-layer address options are checked too). Why 8: a real packet carries at most a few (RFC
 * 8200's order lists six kinds); a longer chain is refused rather than walked. */
#define PKTD_SPOOF_EXT_HEADERS_MAX 8

/*
 * Checks that the packet of @len bytes at @data claims only @own's addresses as its sources:
 *   - on layer 2 (@l3 false) it starts as frames on the interface start (@own->link); on Ethernet
 *     the source MAC must be the interface's, and an ARP packet's sender hardware and protocol
 *     addresses too; through up to PKTD_SPOOF_VLAN_TAGS_MAX VLAN tags, an IPv4 or IPv6 header's
 *     source must be one of the interface's addresses;
 *   - on layer 3 (@l3 true) it starts with its IPv4 or IPv6 header, whose source is checked so.
 * The unspecified addresses 0.0.0.0 and :: claim nobody's identity and pass (DHCP, DAD, and the
 * kernel fills them in on a raw IPv4 socket). Headers inside other encapsulations (PPPoE, MPLS,
 * tunnels) are not looked into. A frame on a link kind pktd does not know, an ARP packet not of
 * the Ethernet/IPv4 form, or a header too short to hold its source field where one is announced is
 * refused: what cannot be checked is not allowed.
 * Returns 0, or -EPERM with *@ret_what (may be NULL) saying which field failed, in words fit for a
 * log line (no bytes of the packet).
 */
int pktd_policy_spoof_check(const struct pktd_own_addrs *own, bool l3, const uint8_t *data,
                            size_t len, const char **ret_what);

#endif
