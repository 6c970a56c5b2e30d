/* SPDX-License-Identifier: BSD-3-Clause */
/* Who is on the other end, from the kernel: SO_PEERCRED (uid, gid, pid at connect time) and
 * SO_PEERGROUPS (the supplementary groups at connect time). Nothing the client says counts. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <pktp/message.h>

#include "conf.h"
#include "netlink.h"
#include "pktd.h"
#include "policy.h"

#ifndef ARPHRD_RAWIP
#define ARPHRD_RAWIP 519
#endif

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

/* First guess at the peer's group count: most users are in a handful of groups. */
#define PEER_GROUPS_INITIAL 64

int
pktd_policy_peer(int fd, struct pktd_peer *ret_peer, gid_t **ret_groups, size_t *ret_n_groups)
{
        struct ucred cred;
        socklen_t len = sizeof(cred);
        size_t n = PEER_GROUPS_INITIAL;
        gid_t *groups = NULL;

        if (fd < 0 || !ret_peer || !ret_groups || !ret_n_groups)
                return -EINVAL;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return -errno;
        if (len != sizeof(cred))
                return -EIO;

        /* The kernel answers ERANGE and the needed size when the buffer is short; the groups can
         * not change between calls (they are the peer's at connect time), so two rounds suffice,
         * bounded anyway by NGROUPS_MAX. */
        for (unsigned round = 0; round < 4; round++) {
                gid_t *g = realloc(groups, n * sizeof(gid_t));
                socklen_t glen = (socklen_t)(n * sizeof(gid_t));

                if (!g) {
                        free(groups);
                        return -ENOMEM;
                }
                groups = g;
                if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0) {
                        *ret_peer = (struct pktd_peer){ .uid = cred.uid,
                                                        .gid = cred.gid,
                                                        .pid = cred.pid };
                        *ret_groups = groups;
                        *ret_n_groups = glen / sizeof(gid_t);
                        return 0;
                }
                if (errno != ERANGE) {
                        int e = errno;

                        free(groups);
                        return -e;
                }
                n = glen / sizeof(gid_t);
                if (n == 0 || n > PKTD_PEER_GROUPS_MAX) {
                        free(groups);
                        return -E2BIG;
                }
        }
        free(groups);
        return -EIO;
}

unsigned
pktd_policy_roles(const struct pktd_conf *conf, uid_t uid, gid_t gid, const gid_t *groups,
                  size_t n_groups)
{
        unsigned roles = 0;

        if (pktd_role_conf_match(&conf->roles[PKTD_ROLE_IDX_ADMIN], uid, gid, groups, n_groups))
                /* admin may do everything the other roles may */
                return PKTP_ROLE_ADMIN | PKTP_ROLE_CAPTURE | PKTP_ROLE_INJECT;
        if (pktd_role_conf_match(&conf->roles[PKTD_ROLE_IDX_CAPTURE], uid, gid, groups, n_groups))
                roles |= PKTP_ROLE_CAPTURE;
        if (pktd_role_conf_match(&conf->roles[PKTD_ROLE_IDX_INJECT], uid, gid, groups, n_groups))
                roles |= PKTP_ROLE_INJECT;
        return roles;
}

int
pktd_policy_check(const struct pktd_conf *conf, int fd, struct pktd_peer *ret_peer,
                  unsigned *ret_roles)
{
        gid_t *groups = NULL;
        size_t n = 0;
        int r;

        r = pktd_policy_peer(fd, ret_peer, &groups, &n);
        if (r < 0)
                return r;
        *ret_roles = pktd_policy_roles(conf, ret_peer->uid, ret_peer->gid, groups, n);
        free(groups);
        return 0;
}

/* ---- interfaces and sources (issue 5) ---- */

bool
pktd_policy_iface_allowed(const struct pktd_iface_list *allowed, unsigned roles, const char *name)
{
        if (!name)
                return false;
        if (roles & PKTP_ROLE_ADMIN)
                return true;
        return pktd_iface_list_has(allowed, name);
}

const struct pktd_nl_iface *
pktd_policy_iface_find(const struct pktd_nl_list *list, const char *name)
{
        if (!list || !name)
                return NULL;
        for (size_t i = 0; i < list->n_ifaces; i++)
                if (strncmp(list->ifaces[i].name, name, IFNAMSIZ) == 0)
                        return &list->ifaces[i];
        return NULL;
}

enum pktd_link_kind
pktd_policy_link_kind(unsigned arp_type)
{
        switch (arp_type) {
        case ARPHRD_ETHER:
        case ARPHRD_LOOPBACK:
                return PKTD_LINK_ETHERNET;
        case ARPHRD_NONE:
        case ARPHRD_RAWIP:
                return PKTD_LINK_IP;
        default:
                return PKTD_LINK_OTHER;
        }
}

void
pktd_policy_own_addrs(const struct pktd_nl_list *list, const struct pktd_nl_iface *iface,
                      struct pktd_own_addrs *ret)
{
        *ret = (struct pktd_own_addrs){ .link = pktd_policy_link_kind(iface->arp_type),
                                        .has_mac = iface->has_mac };
        memcpy(ret->mac, iface->mac, sizeof(ret->mac));
        if (iface->addr_first <= list->n_addrs &&
            iface->n_addrs <= list->n_addrs - iface->addr_first) {
                ret->addrs = list->addrs + iface->addr_first;
                ret->n_addrs = iface->n_addrs;
        }
}

static const uint8_t zero16[16];

static bool
own_ip(const struct pktd_own_addrs *own, int family, const uint8_t *addr)
{
        size_t n = family == AF_INET ? 4 : 16;

        if (memcmp(addr, zero16, n) == 0)
                return true; /* unspecified: claims nobody's identity */
        for (size_t i = 0; i < own->n_addrs; i++)
                if (own->addrs[i].family == family && memcmp(own->addrs[i].addr, addr, n) == 0)
                        return true;
        return false;
}

static int
deny(const char **ret_what, const char *what)
{
        if (ret_what)
                *ret_what = what;
        return -EPERM;
}

static bool own_mac(const struct pktd_own_addrs *own, const uint8_t *mac);

/* Neighbor Discovery claims addresses beyond the IPv6 source, as ARP does beyond the MAC: an
 * advertisement's target (the IPv6 form of an ARP reply's sender) and the link-layer address
 * options of solicitations and advertisements. Walks up to PKTD_SPOOF_EXT_HEADERS_MAX extension
 * headers after the fixed header at @data (@len bytes, at least 40) to find ICMPv6. */
static int
check_ndp(const struct pktd_own_addrs *own, const uint8_t *data, size_t len,
          const char **ret_what)
{
        unsigned nh = data[6];
        size_t off = 40, hlen, plen = (size_t)data[4] << 8 | data[5];

        /* Bytes after the IPv6 payload (a link's padding) are not options. */
        if (plen && plen < len - 40)
                len = 40 + plen;
        for (unsigned i = 0;; i++) {
                if (nh == 58)
                        break;
                if (nh != 0 && nh != 43 && nh != 44 && nh != 51 && nh != 60)
                        return 0; /* no ICMPv6 in this packet */
                if (i >= PKTD_SPOOF_EXT_HEADERS_MAX)
                        return deny(ret_what, "the packet has too many IPv6 extension headers");
                if (len - off < 8)
                        return deny(ret_what, "an IPv6 extension header is cut short");
                if (nh == 44 && ((unsigned)data[off + 2] << 8 | data[off + 3]) & 0xfff8)
                        return 0; /* a later fragment: no upper-layer header in it */
                hlen = nh == 44 ? 8 : nh == 51 ? ((size_t)data[off + 1] + 2) * 4
                                                : ((size_t)data[off + 1] + 1) * 8;
                nh = data[off];
                if (len - off < hlen)
                        return deny(ret_what, "an IPv6 extension header is cut short");
                off += hlen;
        }
        if (len - off < 1)
                return deny(ret_what, "the ICMPv6 header is cut short");
        /* router solicitation, neighbor solicitation, neighbor advertisement */
        if (data[off] != 133 && data[off] != 135 && data[off] != 136)
                return 0;
        hlen = data[off] == 133 ? 8 : 24;
        if (len - off < hlen)
                return deny(ret_what, "the neighbor discovery message is cut short");
        if (data[off] == 136 && !own_ip(own, AF_INET6, data + off + 8))
                return deny(ret_what, "the advertised target IPv6 address is not the interface's");
        for (off += hlen; off < len;) {
                size_t olen;

                if (len - off < 2 || data[off + 1] == 0)
                        return deny(ret_what, "a neighbor discovery option is cut short");
                olen = (size_t)data[off + 1] * 8;
                if (len - off < olen)
                        return deny(ret_what, "a neighbor discovery option is cut short");
                /* source or target link-layer address: one 8-byte unit holding a MAC */
                if ((data[off] == 1 || data[off] == 2) &&
                    (olen != 8 || !own_mac(own, data + off + 2)))
                        return deny(ret_what,
                                    "the link-layer address option is not the interface's MAC");
                off += olen;
        }
        return 0;
}

/* An IPv4 or IPv6 header at @data (@len bytes); @version_hint 4 or 6 (from the ethertype), or 0 to
 * read the version from the first nibble. */
static int
check_ip(const struct pktd_own_addrs *own, unsigned version_hint, const uint8_t *data, size_t len,
         const char **ret_what)
{
        unsigned v;

        if (len < 1)
                return deny(ret_what, "the packet has no IP header");
        v = data[0] >> 4;
        if (version_hint && v != version_hint)
                return deny(ret_what, "the IP version is not the one the link header names");
        if (v == 4) {
                if (len < 20)
                        return deny(ret_what, "the IPv4 header is cut short");
                if (!own_ip(own, AF_INET, data + 12))
                        return deny(ret_what, "the source IPv4 address is not the interface's");
                return 0;
        }
        if (v == 6) {
                if (len < 40)
                        return deny(ret_what, "the IPv6 header is cut short");
                if (!own_ip(own, AF_INET6, data + 8))
                        return deny(ret_what, "the source IPv6 address is not the interface's");
                return check_ndp(own, data, len, ret_what);
        }
        return deny(ret_what, "the packet is neither IPv4 nor IPv6");
}

static bool
own_mac(const struct pktd_own_addrs *own, const uint8_t *mac)
{
        return own->has_mac && memcmp(own->mac, mac, 6) == 0;
}

static int
check_arp(const struct pktd_own_addrs *own, const uint8_t *data, size_t len, const char **ret_what)
{
        /* htype 1 (Ethernet), ptype 0x0800, hlen 6, plen 4: sender MAC at 8, sender IPv4 at 14 */
        if (len < 28)
                return deny(ret_what, "the ARP packet is cut short");
        if (data[0] != 0 || data[1] != 1 || data[2] != 0x08 || data[3] != 0x00 || data[4] != 6 ||
            data[5] != 4)
                return deny(ret_what, "the ARP packet is not of the Ethernet/IPv4 form");
        if (!own_mac(own, data + 8))
                return deny(ret_what, "the ARP sender MAC address is not the interface's");
        if (!own_ip(own, AF_INET, data + 14))
                return deny(ret_what, "the ARP sender IPv4 address is not the interface's");
        return 0;
}

int
pktd_policy_spoof_check(const struct pktd_own_addrs *own, bool l3, const uint8_t *data,
                        size_t len, const char **ret_what)
{
        size_t off;
        unsigned type;

        if (!own || (!data && len))
                return deny(ret_what, "nothing to check");
        if (l3 || own->link == PKTD_LINK_IP)
                return check_ip(own, 0, data, len, ret_what);
        if (own->link != PKTD_LINK_ETHERNET)
                return deny(ret_what, "the interface's link type is not one pktd can check");

        if (len < 14)
                return deny(ret_what, "the Ethernet header is cut short");
        if (!own_mac(own, data + 6))
                return deny(ret_what, "the source MAC address is not the interface's");
        off = 12;
        type = (unsigned)data[off] << 8 | data[off + 1];
        for (unsigned tags = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; tags++) {
                if (tags >= PKTD_SPOOF_VLAN_TAGS_MAX)
                        return deny(ret_what, "the frame has too many VLAN tags");
                off += 4;
                if (len < off + 2)
                        return deny(ret_what, "a VLAN tag is cut short");
                type = (unsigned)data[off] << 8 | data[off + 1];
        }
        off += 2;
        switch (type) {
        case 0x0800:
                return check_ip(own, 4, data + off, len - off, ret_what);
        case 0x86dd:
                return check_ip(own, 6, data + off, len - off, ret_what);
        case 0x0806:
                return check_arp(own, data + off, len - off, ret_what);
        default:
                /* No network-layer source pktd knows of: the MAC was the one to check. */
                return 0;
        }
}
