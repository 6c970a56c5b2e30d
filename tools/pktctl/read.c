/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl read FILE [FILTER...]: every packet of a capture, readable (pkt_print) or as one JSON
 * object per line; or, with -w, the packets that pass the filter written to a pcap, as tcpdump -r -w.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pktctl.h"

struct read_ctx {
        struct pkt p; /* reused for every packet: parsing allocates nothing */
        struct pktp_buf out; /* one JSON line, reused likewise */
        bool is_json;
        bool is_hex;
        struct pktctl_extract *fields; /* -e: these fields of each packet, one line each */
        const char *write_path; /* -w: the packets go here instead of being printed */
        struct pkt_pcap_writer *writer;
        int write_linktype;
};

/* -w: the new file takes the capture's link type (with what it says of a frame check sequence), snap
 * length and timestamp resolution, so that writing every packet of a classic pcap copies it record for
 * record. */
static int
open_output(void *ctx, const struct pkt_pcap *r)
{
        struct read_ctx *c = ctx;
        int err;

        c->write_linktype = pkt_pcap_linktype(r);
        err = pkt_pcap_writer_open(c->write_path, c->write_linktype, (uint32_t)pkt_pcap_snaplen(r),
                                   pkt_pcap_is_nsec(r), &c->writer);
        if (err < 0) {
                pktctl_err("cannot create %s: %s", c->write_path, strerror(-err));
                return err;
        }
        int fcs_len = pkt_pcap_fcs_len(r);
        return fcs_len >= 0 ? pkt_pcap_writer_set_fcs_len(c->writer, (unsigned)fcs_len) : 0;
}

static int
write_record(struct read_ctx *c, uint64_t n, const struct pkt_pcap_rec *rec)
{
        int err;

        /* A pcapng file's interfaces may differ; a pcap file has one link type. */
        if (rec->linktype != c->write_linktype) {
                pktctl_err("packet %llu: link type %d, where %s has %d (a pcap file holds one link type)",
                           (unsigned long long)n, rec->linktype, c->write_path, c->write_linktype);
                return -EINVAL;
        }
        err = pkt_pcap_write(c->writer, rec);
        if (err < 0)
                pktctl_err("cannot write %s: %s", c->write_path, strerror(-err));
        return err;
}

/* Would writing @out destroy @in before it is read (the same file, or a link to it)? */
static bool
is_same_file(const char *in, const char *out)
{
        struct stat a, b;

        return stat(in, &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

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
        int r;

        if (c->writer)
                return write_record(c, n, rec);
        r = pkt_parse_dlt(&c->p, rec->linktype, rec->data, rec->caplen, rec->wire_len);

        if (r < 0) {
                pktctl_err("packet %llu: cannot parse: %s", (unsigned long long)n, strerror(-r));
                return r;
        }
        if (c->is_json)
                r = pktctl_json_packet(stdout, &c->out, &c->p, n, rec);
        else if (!pktctl_extract_is_empty(c->fields))
                r = pktctl_extract_packet(stdout, c->fields, &c->p, n, rec);
        else
                r = print_text(c, n, rec);
        if (r == -EMSGSIZE)
                pktctl_err("packet %llu: its text would pass pktctl's limit", (unsigned long long)n);
        else if (r < 0)
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
              "  -e FIELD       print FIELD of each packet instead, one line per packet,\n"
              "                 a tab between fields (repeat -e; tshark -T fields): LAYER.FIELD\n"
              "                 (ip.src), LAYER.SET.FIELD (dns.answers.address), frame.number,\n"
              "                 frame.time_epoch, frame.len, frame.cap_len, frame.protocols\n"
              "  -w OUT         write the packets to the pcap file OUT (- for standard output)\n"
              "                 instead of printing them, with FILE's link type, snap length\n"
              "                 and timestamp resolution\n"
              "  -h, --help     show this help\n",
              f);
}

enum {
        OPT_HEX = 0x100,
        OPT_JSON,
};

/* The options into @c and @s. Returns -1 to go on, else the exit code. */
static int
parse_options(int argc, char **argv, struct read_ctx *c, struct pktctl_scan *s)
{
        static const struct option opts[] = {
                { "count", required_argument, NULL, 'c' },
                { "hex", no_argument, NULL, OPT_HEX },
                { "json", no_argument, NULL, OPT_JSON },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        int opt;

        while ((opt = getopt_long(argc, argv, "c:e:w:h", opts, NULL)) != -1) {
                switch (opt) {
                case 'c':
                        if (pktctl_parse_count("-c", optarg, &s->max) < 0)
                                return PKTCTL_EXIT_USAGE;
                        break;
                case 'e':
                        if (pktctl_extract_add(c->fields, optarg) < 0)
                                return PKTCTL_EXIT_USAGE;
                        break;
                case 'w':
                        c->write_path = strcmp(optarg, "-") == 0 ? "/dev/stdout" : optarg;
                        break;
                case OPT_HEX:
                        c->is_hex = true;
                        break;
                case OPT_JSON:
                        c->is_json = true;
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
        s->path = argv[optind];
        unsigned outputs = c->is_json + !pktctl_extract_is_empty(c->fields) + (c->write_path != NULL);
        if (outputs > 1 || (c->is_hex && outputs > 0)) {
                pktctl_err("read: --json, -e and -w each say what to do with a packet (and --hex adds to the "
                           "readable form): choose one");
                return PKTCTL_EXIT_USAGE;
        }
        if (c->write_path && is_same_file(s->path, c->write_path)) {
                pktctl_err("read: %s is the file being read; writing it would destroy it", c->write_path);
                return PKTCTL_EXIT_USAGE;
        }
        if (c->write_path)
                s->opened = open_output;
        return -1;
}

int
pktctl_read_main(int argc, char **argv)
{
        struct read_ctx c = { 0 };
        struct pktctl_scan s = { .fn = on_record, .ctx = &c };
        char *filter = NULL;
        int code;

        c.fields = pktctl_extract_new();
        if (!c.fields) {
                pktctl_err("out of memory");
                return PKTCTL_EXIT_FAIL;
        }
        code = parse_options(argc, argv, &c, &s);
        if (code >= 0) {
                pktctl_extract_free(c.fields);
                return code;
        }
        if (pktctl_join_args(argc, argv, optind + 1, &filter) < 0) {
                pktctl_err("out of memory");
                pktctl_extract_free(c.fields);
                return PKTCTL_EXIT_FAIL;
        }
        s.filter = filter;
        pkt_init(&c.p);
        pktp_buf_init(&c.out, PKTCTL_JSON_LINE_MAX);
        code = pktctl_scan_run(&s);
        /* What was written before an error stays, as tcpdump keeps it: everything before the cut. */
        int err = pkt_pcap_writer_close(c.writer);
        if (err < 0) {
                pktctl_err("cannot write %s: %s", c.write_path, strerror(-err));
                code = PKTCTL_EXIT_FAIL;
        }
        pktp_buf_done(&c.out);
        pkt_done(&c.p);
        pktctl_extract_free(c.fields);
        free(filter);
        return pktctl_finish_stdout(code);
}
