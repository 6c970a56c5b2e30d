/* SPDX-License-Identifier: BSD-3-Clause */
/* io.pktd.Capture: ListInterfaces. Subscribe, the capture stream, is in capture.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>

#include "dispatch.h"
#include "netlink.h"
#include "pktd.h"

static void
nl_listp(struct pktd_nl_list *l)
{
        pktd_nl_list_done(l);
}

static void
write_addr(struct pktp_buf *b, const struct pktd_nl_addr *a)
{
        char text[INET6_ADDRSTRLEN];

        /* cannot fail: the family is one of the two and the buffer fits either */
        if (!inet_ntop(a->family, a->addr, text, sizeof(text)))
                text[0] = '\0';
        pktp_buf_puts(b, a->family == AF_INET ? "{\"family\":\"inet\",\"address\":"
                                              : "{\"family\":\"inet6\",\"address\":");
        pktp_buf_json_str(b, text, strlen(text));
        pktp_buf_printf(b, ",\"prefixLength\":%u}", a->prefix_len);
}

static void
write_iface(struct pktp_buf *b, const struct pktd_nl_list *l, const struct pktd_nl_iface *ifc)
{
        /* The name is the kernel's (never a client's string), but it may hold any byte but '/', ':'
         * and white space: it goes out escaped like any other text. */
        pktp_buf_puts(b, "{\"name\":");
        pktp_buf_json_str(b, ifc->name, strnlen(ifc->name, sizeof(ifc->name)));
        pktp_buf_printf(b, ",\"index\":%d,\"linkType\":", ifc->index);
        pktp_buf_json_str(b, pktd_nl_link_type(ifc->arp_type),
                          strlen(pktd_nl_link_type(ifc->arp_type)));
        pktp_buf_printf(b, ",\"arpType\":%u,\"mtu\":%u,\"up\":%s,\"running\":%s", ifc->arp_type,
                        ifc->mtu, ifc->flags & IFF_UP ? "true" : "false",
                        ifc->flags & IFF_RUNNING ? "true" : "false");
        if (ifc->has_mac)
                pktp_buf_printf(b, ",\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\"", ifc->mac[0],
                                ifc->mac[1], ifc->mac[2], ifc->mac[3], ifc->mac[4], ifc->mac[5]);
        pktp_buf_puts(b, ",\"addresses\":[");
        for (size_t i = 0; i < ifc->n_addrs; i++) {
                if (i > 0)
                        pktp_buf_putc(b, ',');
                write_addr(b, &l->addrs[ifc->addr_first + i]);
        }
        pktp_buf_puts(b, "]}");
}

int
pktd_capture_list_interfaces(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                             struct pktp_buf *out, struct pktp_error *err)
{
        _cleanup_(nl_listp) struct pktd_nl_list l = { 0 };
        int r;

        (void)d;
        (void)c;
        (void)call;

        /* Synchronous on purpose: see netlink.c (a kernel socket, answered from the kernel's
         * tables, each receive bounded by a timeout). */
        r = pktd_nl_list_ifaces(&l);
        if (r == -E2BIG)
                return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, "interfaces",
                                      "the host has more than %d interfaces or %d addresses",
                                      PKTD_NL_IFACES_MAX, PKTD_NL_ADDRS_MAX);
        if (r == -EAGAIN)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "the interfaces kept changing while being listed; try again");
        if (r < 0)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "the kernel's interface list could not be read");

        pktp_buf_puts(out, "{\"interfaces\":[");
        for (size_t i = 0; i < l.n_ifaces; i++) {
                if (i > 0)
                        pktp_buf_putc(out, ',');
                write_iface(out, &l, &l.ifaces[i]);
        }
        pktp_buf_puts(out, "]}");

        if (out->err == -EMSGSIZE)
                return pktp_error_set(
                        err, PKTP_ERR_LIMIT_EXCEEDED, "outputBuffer",
                        "the interface list does not fit the output buffer (%zu bytes)", out->max);
        if (out->err < 0)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        return 0;
}
