/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The list of built-in protocols. Each lives in its own file under layers/<group>/ and exports one
 * descriptor (ICMP and ICMPv6 also export their per-type sub-headers, as pypacker does).
 */
#include "builtin.h"

/* One line per group; keep each line to its group. */
#define PROTOS(X)                                                                                       \
        X(raw)                                                                                          \
        LINK_PROTOS(X)                                                                                  \
        NET_PROTOS(X)                                                                                   \
        ICMP_PROTOS(X)                                                                                  \
        TRANSPORT_PROTOS(X)                                                                             \
        APP_PROTOS(X)                                                                                   \
        WIRELESS_PROTOS(X)                                                                              \
        LINK2_PROTOS(X)                                                                                 \
        NET2_PROTOS(X)                                                                                  \
        SCTP_UDP_APP_PROTOS(X)                                                                          \
        TEXT_APP_PROTOS(X)                                                                              \
        TLV_APP_PROTOS(X)                                                                               \
        TUNNEL_PROTOS(X)                                                                                \
        DISCOVERY_PROTOS(X)                                                                             \
        ADDRCONF_PROTOS(X)                                                                              \
        SERIAL_PROTOS(X)                                                                                \
        OSI_PROTOS(X)                                                                                   \
        PPP_CONTROL_PROTOS(X)                                                                           \
        MEDIA_CONTROL_PROTOS(X)                                                                         \
        ACCESS_CONTROL_PROTOS(X)                                                                        \
        LINK_AGGREGATION_PROTOS(X)                                                                      \
        NETBIOS_PROTOS(X)                                                                               \
        SMB_PROTOS(X)                                                                                   \
        IPSEC_PROTOS(X)                                                                                 \
        SSH_PROTOS(X)

#define LINK_PROTOS(X) X(ethernet) X(dot1q) X(llc) X(linuxcc) X(linuxcc2) X(loopback) X(loop) X(arp)
#define NET_PROTOS(X) X(ip) X(ip6) X(ip6_hopopts) X(ip6_routing) X(ip6_fragment) X(ip6_dstopts) X(ah) X(esp)
#define ICMP_PROTOS(X) X(icmp) X(icmp_echo) X(icmp_unreach) X(icmp_redirect) X(icmp_timeexceed) X(icmp_paramprob) X(icmp_tstamp) X(icmp_mask) X(icmp6) X(icmp6_echo) X(icmp6_unreach) X(icmp6_toobig) X(icmp6_timeexceed) X(icmp6_paramprob) X(icmp6_router_solicit) X(icmp6_router_advert) X(icmp6_neigh_solicit) X(icmp6_neigh_advert) X(icmp6_redirect)
#define TRANSPORT_PROTOS(X) X(tcp) X(udp)
#define APP_PROTOS(X) X(dns) X(dnstcp)
/* The rest of the seed protocols (radiotap/802.11; PPP, PPPoE, STP, DTP, HSRP, VRRP; IGMP and MLD, PIM, OSPF, IPX;
 * SCTP, NTP, RTP, DHCP, RIP; HTTP, SIP, Telnet, TPKT, Portmap; Diameter, TLS, RADIUS, BGP). */
#define WIRELESS_PROTOS(X) X(radiotap) X(ieee80211) X(ieee80211_beacon) X(ieee80211_probereq) X(ieee80211_proberesp) X(ieee80211_assocreq) X(ieee80211_assocresp) X(ieee80211_reassocreq) X(ieee80211_reassocresp) X(ieee80211_disassoc) X(ieee80211_auth) X(ieee80211_deauth) X(ieee80211_action) X(ieee80211_rts) X(ieee80211_cts) X(ieee80211_ack) X(ieee80211_blockackreq) X(ieee80211_blockack) X(ieee80211_data) X(ieee80211_data_wds) X(ieee80211_wep) X(ieee80211_tkip) X(ieee80211_ccmp)
#define LINK2_PROTOS(X) X(ppp) X(hdlc) X(pppoe) X(stp) X(dtp) X(hsrp) X(hsrp2) X(hsrpadv) X(vrrp)
#define NET2_PROTOS(X) X(igmp) X(igmpv3query) X(igmpv3report) X(mldv2query) X(mld) X(mldv2report) X(ipx) X(ospf) X(ospfhello) X(ospfdbdesc) X(ospflsr) X(ospflsu) X(ospflsack) X(ospf6hello) X(ospf6dbdesc) X(ospf6lsr) X(ospf6lsu) X(ospf6lsack) X(pim) X(pimhello) X(pimregister) X(pimregisterstop) X(pimjoinprune) X(pimassert) X(pimbootstrap) X(pimcrpadv)
#define SCTP_UDP_APP_PROTOS(X) X(sctp) X(ntp) X(ntpctrl) X(ntppriv) X(rtp) X(dhcp) X(rip)
#define TEXT_APP_PROTOS(X) X(http) X(sip) X(telnet) X(tpkt) X(cotp) X(rpc) X(rpcrm) X(portmap)
#define TLV_APP_PROTOS(X) X(diameter) X(tls) X(radius) X(bgp)
/* Tunnels: not in the seed list, but what data-centre captures are full of. */
#define TUNNEL_PROTOS(X) X(vxlan) X(gre) X(mpls) X(eomcw) X(erspan) X(erspan3) X(gtp)
/* Link discovery: what every switch port announces. */
#define DISCOVERY_PROTOS(X) X(lldp) X(cdp)
/* Address configuration beside DHCP's: what IPv6 hosts and relays exchange. */
#define ADDRCONF_PROTOS(X) X(dhcp6) X(dhcp6relay)
#define SERIAL_PROTOS(X) X(chdlc) X(slarp) X(slarpaddress) X(slarpkeepalive)
#define OSI_PROTOS(X) X(isis) X(isislanhello) X(isisp2phello) X(isislsp) X(isiscsnp) X(isispsnp)
/* What PPP links negotiate and authenticate with before they carry anything. */
#define PPP_CONTROL_PROTOS(X) X(lcp) X(lcpprotocolreject) X(lcpecho) X(lcpidentification) X(lcptimeremaining) X(ipcp) X(ipv6cp) X(ccp) X(pap) X(paprequest) X(papresponse) X(chap) X(chapchallenge) X(chapresult)
/* What VoIP and WebRTC captures report their media with (RTCP) and find their way through NATs
 * with (STUN). */
#define MEDIA_CONTROL_PROTOS(X) X(rtcp) X(stun)
/* How a port or a Wi-Fi station is let onto the network (802.1X, EAP) and gets its keys. */
#define ACCESS_CONTROL_PROTOS(X) X(eapol) X(eapolkey) X(eapolrc4key) X(eapolkeydata) X(eap) X(eapidentity) X(eapnak) X(eapmd5) X(eaptls) X(eapsim) X(eapleap) X(eapexpanded) X(eapmethod)
/* How switches and hosts bundle links (port channels, bonds). */
#define LINK_AGGREGATION_PROTOS(X) X(slow) X(lacp) X(marker)
/* NetBIOS over TCP/IP (RFC 1001, 1002): how Windows and Samba hosts name themselves on a LAN. */
#define NETBIOS_PROTOS(X) X(nbns) X(nbdgm) X(nbdgmdata) X(nbdgmerror) X(nbdgmquery) X(nbss) X(nbssrequest) \
        X(nbssnegative) X(nbssretarget)
/* Windows file sharing. */
#define SMB_PROTOS(X) X(smb) X(smb2) X(smb2async) X(smb2transform) X(smb2compressed)
/* How IPsec peers agree on keys, and cross NATs. */
#define IPSEC_PROTOS(X) X(isakmp) X(udpencap)
/* Remote logins' key exchange, as far as it is in clear. */
#define SSH_PROTOS(X) X(ssh) X(sshbanner) X(sshkexinit) X(sshnewkeys) X(sshencrypted)

#define DECLARE(n) extern const struct pkt_proto pkt_proto_##n;
PROTOS(DECLARE)

#define ENTRY(n) &pkt_proto_##n,
const struct pkt_proto *const pkt_builtins[] = { PROTOS(ENTRY) };
const unsigned pkt_builtin_count = sizeof(pkt_builtins) / sizeof(pkt_builtins[0]);

/* One descriptor per built-in id (registration refuses a duplicate id), so every id below
 * PKT_PROTO_BUILTIN_MAX is registered: the inline pkt_parse() relies on it. */
_Static_assert(sizeof(pkt_builtins) / sizeof(pkt_builtins[0]) == PKT_PROTO_BUILTIN_MAX - 1,
               "a built-in protocol id without a descriptor, or one too many");
