/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl build SPEC: a packet from the text spec (pkt_build), printed readably, as hex, or written
 * as a one-packet pcap.
 */
#include <errno.h>
#include <getopt.h>
#include <pcap/dlt.h>
#include <string.h>
#include <time.h>

#include <pkt/proto.h>

#include "pktctl.h"

/* Link types for first layers that no DLT key names the way a file wants: raw IP is written as
 * DLT_RAW (LINKTYPE_RAW, 101, in the file) whatever version, as tcpdump and scapy write it. */
static const struct {
        uint16_t proto;
        int dlt;
} first_layer_dlts[] = {
        { PKT_PROTO_ETHERNET, DLT_EN10MB },
        { PKT_PROTO_IP, DLT_RAW },
        { PKT_PROTO_IP6, DLT_RAW },
        { PKT_PROTO_LINUXCC, DLT_LINUX_SLL },
        { PKT_PROTO_LINUXCC2, DLT_LINUX_SLL2 },
        { PKT_PROTO_LOOPBACK, DLT_NULL },
        { PKT_PROTO_RADIOTAP, DLT_IEEE802_11_RADIO },
        { PKT_PROTO_IEEE80211, DLT_IEEE802_11 },
        { PKT_PROTO_PPP, DLT_PPP },
};

/* The link type a pcap whose packets start with @proto needs, or -ENOENT. */
static int
dlt_for_first_layer(unsigned proto)
{
        const struct pkt_proto *pr = pkt_proto_get(proto);

        for (size_t i = 0; i < sizeof(first_layer_dlts) / sizeof(first_layer_dlts[0]); i++)
                if (first_layer_dlts[i].proto == proto)
                        return first_layer_dlts[i].dlt;
        /* A protocol registered later may name its own link type. */
        for (const struct pkt_key *k = pr ? pr->carriers : NULL; k && k->space != _PKT_KEY_MAX; k++)
                if (k->space == PKT_KEY_DLT)
                        return (int)k->value;
        return -ENOENT;
}

static int
write_pcap(const char *path, struct pkt *p, const uint8_t *data, size_t len)
{
        struct pkt_pcap_writer *w = NULL;
        struct timespec now;
        int dlt = dlt_for_first_layer(p->layers[0].proto);
        int r;

        if (dlt < 0) {
                pktctl_err("build: no pcap link type starts with a %s layer",
                           pkt_proto_name(p->layers[0].proto));
                return PKTCTL_EXIT_USAGE;
        }
        (void)clock_gettime(CLOCK_REALTIME, &now);
        r = pkt_pcap_writer_open(path, dlt, 262144, true, &w);
        if (r < 0) {
                pktctl_err("cannot create %s: %s", path, strerror(-r));
                return PKTCTL_EXIT_FAIL;
        }
        struct pkt_pcap_rec rec = {
                .data = data,
                .caplen = (uint32_t)len,
                .wire_len = (uint32_t)len,
                .ts_sec = now.tv_sec,
                .ts_nsec = (uint32_t)now.tv_nsec,
                .linktype = dlt,
        };
        r = pkt_pcap_write(w, &rec);
        int rc = pkt_pcap_writer_close(w);
        if (r < 0 || rc < 0) {
                pktctl_err("cannot write %s: %s", path, strerror(-(r < 0 ? r : rc)));
                return PKTCTL_EXIT_FAIL;
        }
        return PKTCTL_EXIT_OK;
}

static void
usage(FILE *f)
{
        fputs("Usage: pktctl build [OPTIONS] SPEC\n"
              "\n"
              "Builds a packet from SPEC: layers joined by '/', each with its fields, e.g.\n"
              "  'ethernet(dst=ff:ff:ff:ff:ff:ff)/ip(dst=192.0.2.2)/udp(dport=53)/raw(\"x\")'\n"
              "Lengths, next-layer types and checksums are filled in unless given.\n"
              "Prints the packet.\n"
              "\n"
              "Options:\n"
              "      --hex      print only the bytes, as hex\n"
              "  -w FILE        also write the packet to FILE as a one-packet pcap\n"
              "  -h, --help     show this help\n",
              f);
}

enum {
        OPT_HEX = 0x100,
};

static int
build(const char *spec, bool is_hex, const char *out_path)
{
        struct pkt p;
        const uint8_t *data;
        char err[256];
        int r, code = PKTCTL_EXIT_OK;

        pkt_init(&p);
        r = pkt_build(&p, spec, err, sizeof(err));
        if (r < 0) {
                pktctl_err("build: %s", err);
                pkt_done(&p);
                return PKTCTL_EXIT_USAGE;
        }
        r = pkt_serialize(&p, 0, &data);
        if (r < 0) {
                pktctl_err("build: cannot serialise: %s", strerror(-r));
                pkt_done(&p);
                return PKTCTL_EXIT_FAIL;
        }
        if (out_path)
                code = write_pcap(out_path, &p, data, (size_t)r);
        if (code == PKTCTL_EXIT_OK && is_hex) {
                for (int i = 0; i < r; i++)
                        printf("%02x", data[i]);
                putchar('\n');
        } else if (code == PKTCTL_EXIT_OK && pkt_print(&p, pktctl_write_file, stdout) < 0) {
                code = PKTCTL_EXIT_FAIL;
        }
        pkt_done(&p);
        return code;
}

int
pktctl_build_main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "hex", no_argument, NULL, OPT_HEX },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        const char *out_path = NULL;
        bool is_hex = false;
        int opt;

        while ((opt = getopt_long(argc, argv, "w:h", opts, NULL)) != -1) {
                switch (opt) {
                case OPT_HEX:
                        is_hex = true;
                        break;
                case 'w':
                        out_path = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
                default:
                        usage(stderr);
                        return PKTCTL_EXIT_USAGE;
                }
        }
        if (argc - optind != 1) {
                pktctl_err(optind >= argc ? "build: which spec?"
                                          : "build: one SPEC only (quote it: it may hold spaces)");
                usage(stderr);
                return PKTCTL_EXIT_USAGE;
        }
        return pktctl_finish_stdout(build(argv[optind], is_hex, out_path));
}
