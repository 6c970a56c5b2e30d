/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl read FILE [FILTER...]: every packet of a capture, readable (pkt_print) or as one JSON
 * object per line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "pktctl.h"

/* Why 64 MiB: a 256 KiB frame (libpcap's largest) as hex is 512 KiB; element sets of every tiny
 * element of such a frame spelled out field by field stay far below this. A line that would pass it
 * is an error, not an unbounded allocation. */
#define READ_JSON_LINE_MAX (64u << 20)

struct read_ctx {
        struct pkt p; /* reused for every packet: parsing allocates nothing */
        struct pktp_buf out; /* one JSON line, reused likewise */
        bool is_json;
        bool is_hex;
};

static int
print_text(struct read_ctx *c, uint64_t n, const struct pkt_pcap_rec *rec)
{
        printf("#%llu %lld.%09u caplen %u len %u\n", (unsigned long long)n, (long long)rec->ts_sec,
               rec->ts_nsec, rec->caplen, rec->wire_len);
        if (pkt_print(&c->p, pktctl_write_file, stdout) < 0)
                return -EIO;
        if (c->is_hex && pkt_hexdump(rec->data, rec->caplen, pktctl_write_file, stdout) < 0)
                return -EIO;
        putchar('\n');
        return 0;
}

static int
on_record(void *ctx, uint64_t n, const struct pkt_pcap_rec *rec)
{
        struct read_ctx *c = ctx;
        int r = pkt_parse_dlt(&c->p, rec->linktype, rec->data, rec->caplen, rec->wire_len);

        if (r < 0) {
                pktctl_err("packet %llu: cannot parse: %s", (unsigned long long)n, strerror(-r));
                return r;
        }
        if (c->is_json)
                r = pktctl_json_packet(stdout, &c->out, &c->p, n, rec);
        else
                r = print_text(c, n, rec);
        if (r < 0)
                pktctl_err("cannot write packet %llu", (unsigned long long)n);
        return r;
}

static void
usage(FILE *f)
{
        fputs("Usage: pktctl read [OPTIONS] FILE [FILTER...]\n"
              "\n"
              "Prints each packet of the capture FILE (pcap or pcapng; - for standard input).\n"
              "A BPF FILTER (tcpdump syntax; the remaining arguments, joined by spaces)\n"
              "selects the packets.\n"
              "\n"
              "Options:\n"
              "  -c, --count N  stop after N packets\n"
              "      --hex      add a hexdump of each packet\n"
              "      --json     one JSON object per packet per line\n"
              "  -h, --help     show this help\n",
              f);
}

enum {
        OPT_HEX = 0x100,
        OPT_JSON,
};

int
pktctl_read_main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "count", required_argument, NULL, 'c' },
                { "hex", no_argument, NULL, OPT_HEX },
                { "json", no_argument, NULL, OPT_JSON },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct read_ctx c = { 0 };
        struct pktctl_scan s = { .fn = on_record, .ctx = &c };
        char *filter = NULL;
        int opt, code;

        while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
                switch (opt) {
                case 'c':
                        if (pktctl_parse_count("-c", optarg, &s.max) < 0)
                                return PKTCTL_EXIT_USAGE;
                        break;
                case OPT_HEX:
                        c.is_hex = true;
                        break;
                case OPT_JSON:
                        c.is_json = true;
                        break;
                case 'h':
                        usage(stdout);
                        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
                default:
                        usage(stderr);
                        return PKTCTL_EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                pktctl_err("read: which file?");
                usage(stderr);
                return PKTCTL_EXIT_USAGE;
        }
        s.path = argv[optind];
        if (pktctl_join_args(argc, argv, optind + 1, &filter) < 0) {
                pktctl_err("out of memory");
                return PKTCTL_EXIT_FAIL;
        }
        s.filter = filter;
        pkt_init(&c.p);
        pktp_buf_init(&c.out, READ_JSON_LINE_MAX);
        code = pktctl_scan_run(&s);
        pktp_buf_done(&c.out);
        pkt_done(&c.p);
        free(filter);
        return pktctl_finish_stdout(code);
}
