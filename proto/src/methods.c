/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The method rows: who may call what, and the ranges and lengths the interface files cannot say.
 * Every method of the interface files has a row here and every row a method there (test_call checks
 * both ways), and every int parameter has a range row. Also what org.varlink.service serves: the
 * interface texts, the GetInfo data, and the plain reply frame.
 */
#include <errno.h>
#include <string.h>

#include <pktp/buf.h>
#include <pktp/message.h>

#include "embedded.h"
#include "pktp-internal.h"

/* The largest packet libpkt and pcap deal with: 262144 bytes is libpcap's MAXIMUM_SNAPLEN, so no capture
 * holds a longer frame; base64 makes 4 characters of every 3 bytes. */
#define PACKET_MAX 262144
#define PACKET_BASE64_MAX (4 * ((PACKET_MAX + 2) / 3))
/* Layers of one packet: libpkt's PKT_LAYERS_MAX. */
#define LAYERS_MAX 32
/* An interface name: IFNAMSIZ (16) with its NUL. */
#define IFNAME_MAX 15
/* A layer's name ("ethernet", "linuxcc", "radiotap"): libpkt's names are short words. */
#define LAYER_NAME_MAX 32
/* Packets in one Send/SendReceive list: the list is repeated by count, so it need not be long. */
#define PACKETS_MAX 1024
/* Probes in one SendReceive: libpkt's PKT_SR_PROBES_MAX. */
#define SR_PROBES_MAX 4096
/* An hour: the longest wait between packets or for answers anyone means; a longer one is a typo
 * that would hold the daemon's resources for days. */
#define MS_MAX 3600000

static const struct pktp_limit no_limits[] = { { NULL } };

static const struct pktp_limit describe_limits[] = {
        /* Interface names are reverse-domain names; 255 is the DNS name limit they borrow. */
        { "interface", PKTP_LIMIT_STRING, 0, 255 },
        { NULL },
};

static const struct pktp_limit build_limits[] = {
        /* A spec spells each byte in at most a few characters: the frame is its only sensible bound. */
        { "spec", PKTP_LIMIT_STRING, 0, PKTP_FRAME_MAX },
        { "layers", PKTP_LIMIT_ARRAY, 1, LAYERS_MAX },
        { NULL },
};

static const struct pktp_limit dissect_limits[] = {
        { "data", PKTP_LIMIT_STRING, 0, PACKET_BASE64_MAX },
        { "first", PKTP_LIMIT_STRING, 1, LAYER_NAME_MAX },
        /* pcap LINKTYPE_ values are 16 bits (the upper half of the pcap header field is flags). */
        { "linkType", PKTP_LIMIT_INT, 0, 65535 },
        { "wireLength", PKTP_LIMIT_INT, 0, PACKET_MAX },
        { NULL },
};

static const struct pktp_limit subscribe_limits[] = {
        { "interface", PKTP_LIMIT_STRING, 1, IFNAME_MAX },
        /* The index of a descriptor passed with the call: pktd takes at most 4 per call. */
        { "fileDescriptor", PKTP_LIMIT_INT, 0, 3 },
        /* tcpdump filters are a line. pktd compiles them in its loop, and libpcap's optimizer
         * grows about cubically with the terms: 8 KiB of "host A or host B ..." took 8 s (the loop
         * serving nobody), 2 KiB 0.2 s, 1 KiB 45 ms. 1 KiB holds some 60 host terms. */
        { "filter", PKTP_LIMIT_STRING, 0, 1024 },
        { "snaplen", PKTP_LIMIT_INT, 1, PACKET_MAX },
        /* 2^40 packets: years of line rate; the point is to allow "no practical limit". */
        { "count", PKTP_LIMIT_INT, 1, 1099511627776 },
        /* A week: a long-running watch is legitimate; closing the connection ends any stream. */
        { "durationMs", PKTP_LIMIT_INT, 1, 604800000 },
        { NULL },
};

static const struct pktp_limit send_limits[] = {
        { "interface", PKTP_LIMIT_STRING, 1, IFNAME_MAX },
        { "packets", PKTP_LIMIT_ARRAY, 1, PACKETS_MAX },
        { "packets[].spec", PKTP_LIMIT_STRING, 0, PKTP_FRAME_MAX },
        { "packets[].layers", PKTP_LIMIT_ARRAY, 1, LAYERS_MAX },
        { "packets[].data", PKTP_LIMIT_STRING, 0, PACKET_BASE64_MAX },
        /* A million repetitions at line rate is seconds of traffic; more is a flood, not a test. */
        { "count", PKTP_LIMIT_INT, 1, 1000000 },
        { "intervalMs", PKTP_LIMIT_INT, 0, MS_MAX },
        /* The index of a descriptor passed with the call: pktd takes at most 4 per call. */
        { "fileDescriptor", PKTP_LIMIT_INT, 0, 3 },
        /* Ten million packets a second is beyond any one link's small frames; the rate limit
         * (pktd.conf packetsPerSecond) bounds a replay anyway. */
        { "pps", PKTP_LIMIT_INT, 1, 10000000 },
        { NULL },
};

static const struct pktp_limit send_receive_limits[] = {
        { "interface", PKTP_LIMIT_STRING, 1, IFNAME_MAX },
        /* Probes are not repeated: a port or address sweep lists them all. libpkt's matcher takes
         * at most PKT_SR_PROBES_MAX (4096); pktd.conf's srProbes may lower it. */
        { "packets", PKTP_LIMIT_ARRAY, 1, SR_PROBES_MAX },
        { "packets[].spec", PKTP_LIMIT_STRING, 0, PKTP_FRAME_MAX },
        { "packets[].layers", PKTP_LIMIT_ARRAY, 1, LAYERS_MAX },
        { "packets[].data", PKTP_LIMIT_STRING, 0, PACKET_BASE64_MAX },
        { "timeoutMs", PKTP_LIMIT_INT, 0, MS_MAX },
        { "deadlineMs", PKTP_LIMIT_INT, 1, MS_MAX },
        /* scapy's sr() retries a handful of times; 100 unanswered rounds is already a scan. */
        { "retry", PKTP_LIMIT_INT, 0, 100 },
        { NULL },
};

/* In the order of the interface files. Roles per the issue: Packet, GetInfo, GetInterfaceDescription
 * and GetStatus for anyone who may connect at all; Capture.* capture; Inject.* inject; ListClients and
 * Reload admin. Admin may call everything (the dispatcher's rule). */
static const struct pktp_method methods[] = {
        { "io.pktd.Capture.ListInterfaces", PKTP_ROLE_CAPTURE, false, true, no_limits },
        { "io.pktd.Capture.Subscribe", PKTP_ROLE_CAPTURE, true, true, subscribe_limits },
        { "io.pktd.Daemon.GetStatus", 0, false, true, no_limits },
        { "io.pktd.Daemon.ListClients", PKTP_ROLE_ADMIN, false, true, no_limits },
        { "io.pktd.Daemon.Reload", PKTP_ROLE_ADMIN, false, true, no_limits },
        { "io.pktd.Inject.Send", PKTP_ROLE_INJECT, false, true, send_limits },
        { "io.pktd.Inject.SendReceive", PKTP_ROLE_INJECT, false, true, send_receive_limits },
        { "io.pktd.Packet.Build", 0, false, true, build_limits },
        { "io.pktd.Packet.Dissect", 0, false, true, dissect_limits },
        { "org.varlink.service.GetInfo", 0, false, true, no_limits },
        { "org.varlink.service.GetInterfaceDescription", 0, false, true, describe_limits },
};

const struct pktp_method *
pktp_method_find(const char *name)
{
        if (!name)
                return NULL;
        for (size_t i = 0; i < ARRAY_SIZE(methods); i++)
                if (strcmp(methods[i].name, name) == 0)
                        return &methods[i];
        return NULL;
}

const struct pktp_method *
pktp_method_all(size_t *ret_n)
{
        if (ret_n)
                *ret_n = ARRAY_SIZE(methods);
        return methods;
}

const struct pktp_idl_member *
pktp_method_idl(const struct pktp_method *m)
{
        const char *dot;

        if (!m || !(dot = strrchr(m->name, '.')))
                return NULL;
        return pktp_idl_member_find(pktp_idl_find(m->name, (size_t)(dot - m->name)), dot + 1,
                                    PKTP_IDL_MEMBER_METHOD);
}

const char *
pktp_interface_description(const char *interface)
{
        if (!interface)
                return NULL;
        for (size_t i = 0; i < pktp_embedded_count; i++)
                if (strcmp(pktp_embedded[i].name, interface) == 0)
                        return pktp_embedded[i].text;
        return NULL;
}

int
pktp_interfaces_write(struct pktp_buf *b)
{
        pktp_assert_return(b, -EINVAL);
        pktp_buf_putc(b, '[');
        for (size_t i = 0; i < pktp_embedded_count; i++) {
                if (i)
                        pktp_buf_putc(b, ',');
                pktp_buf_json_str(b, pktp_embedded[i].name, strlen(pktp_embedded[i].name));
        }
        return pktp_buf_putc(b, ']');
}

int
pktp_info_write(struct pktp_buf *b, const char *vendor, const char *product, const char *version,
                const char *url)
{
        pktp_assert_return(b && vendor && product && version && url, -EINVAL);
        pktp_buf_puts(b, "{\"vendor\":");
        pktp_buf_json_str(b, vendor, strlen(vendor));
        pktp_buf_puts(b, ",\"product\":");
        pktp_buf_json_str(b, product, strlen(product));
        pktp_buf_puts(b, ",\"version\":");
        pktp_buf_json_str(b, version, strlen(version));
        pktp_buf_puts(b, ",\"url\":");
        pktp_buf_json_str(b, url, strlen(url));
        pktp_buf_puts(b, ",\"interfaces\":");
        pktp_interfaces_write(b);
        return pktp_buf_putc(b, '}');
}

int
pktp_reply_write(struct pktp_buf *b, const char *params, size_t len, bool continues)
{
        pktp_assert_return(b, -EINVAL);
        pktp_assert_return(params || len == 0, -EINVAL);
        pktp_buf_puts(b, "{\"parameters\":");
        if (params && len)
                pktp_buf_put(b, params, len);
        else
                pktp_buf_puts(b, "{}");
        if (continues)
                pktp_buf_puts(b, ",\"continues\":true");
        pktp_buf_putc(b, '}');
        return pktp_buf_put(b, "", 1);
}
