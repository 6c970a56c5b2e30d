/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The record loop shared by read and stats: open a capture, compile the BPF filter with libpcap for
 * each link type met (pcapng interfaces may differ), and hand matching records over in batches.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "pktctl.h"

/* Records asked for per call: large enough that the per-call cost vanishes (libpkt reads the file a
 * megabyte at a time), small enough that the array sits on the stack. */
#define SCAN_BATCH 256

/* Link types one file may mix (pcapng, one per interface). Real files carry one or two; a file with
 * more is refused rather than compiling without bound. */
#define SCAN_LINKTYPES_MAX 16

/* Snap length for compiling: only matters for filters that look at the length, and must be at least
 * what any record can hold, as tcpdump's MAXIMUM_SNAPLEN. */
#define SCAN_SNAPLEN 262144

struct filter_prog {
        int linktype;
        struct bpf_program prog;
};

struct filter {
        const char *expr;
        unsigned n;
        struct filter_prog progs[SCAN_LINKTYPES_MAX];
};

/* The header promises DLT_* values; a reader handing over the file's LINKTYPE_RAW (101) instead is
 * mapped here, since libpcap compiles only for DLT_RAW. */
static int
dlt_of(int linktype)
{
        return linktype == 101 ? DLT_RAW : linktype;
}

static const struct bpf_program *
filter_prog(struct filter *f, const char *path, int linktype)
{
        char errbuf[PCAP_ERRBUF_SIZE];
        const char *lt_name;
        pcap_t *dead;

        for (unsigned i = 0; i < f->n; i++)
                if (f->progs[i].linktype == linktype)
                        return &f->progs[i].prog;
        if (f->n == SCAN_LINKTYPES_MAX) {
                pktctl_err("%s: more than %d link types; the filter cannot follow", path,
                           SCAN_LINKTYPES_MAX);
                return NULL;
        }
        lt_name = pcap_datalink_val_to_name(dlt_of(linktype));
        dead = pcap_open_dead(dlt_of(linktype), SCAN_SNAPLEN);
        if (!dead) {
                pktctl_err("%s: cannot set up a filter for link type %d", path, linktype);
                return NULL;
        }
        if (pcap_compile(dead, &f->progs[f->n].prog, f->expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
                snprintf(errbuf, sizeof(errbuf), "%s", pcap_geterr(dead));
                pcap_close(dead);
                pktctl_err("bad filter '%s' for %s (link type %s): %s", f->expr, path,
                           lt_name ? lt_name : "unknown", errbuf);
                return NULL;
        }
        pcap_close(dead);
        f->progs[f->n].linktype = linktype;
        return &f->progs[f->n++].prog;
}

static void
filter_done(struct filter *f)
{
        for (unsigned i = 0; i < f->n; i++)
                pcap_freecode(&f->progs[i].prog);
        f->n = 0;
}

/* 1 when @rec passes, 0 when not, -EINVAL when the filter cannot be compiled for its link type. */
static int
filter_match(struct filter *f, const char *path, const struct pkt_pcap_rec *rec)
{
        const struct bpf_program *prog;
        struct pcap_pkthdr h = { .caplen = rec->caplen, .len = rec->wire_len };

        if (!f->expr)
                return 1;
        prog = filter_prog(f, path, rec->linktype);
        if (!prog)
                return -EINVAL;
        return pcap_offline_filter(prog, &h, rec->data) != 0;
}

static int
open_error(const char *path, int r)
{
        if (r == -EBADMSG)
                pktctl_err("%s: not a capture file, or its header is corrupt", path);
        else if (r == -EPROTONOSUPPORT)
                pktctl_err("%s: compressed; try: zcat %s | pktctl ... -", path, path);
        else
                pktctl_err("cannot read %s: %s", path, strerror(-r));
        return PKTCTL_EXIT_FAIL;
}

/* Reads batches until the end, the damage, or @s->max matching records. Returns an exit code. */
static int
scan_loop(const struct pktctl_scan *s, struct pkt_pcap *r, struct filter *f)
{
        struct pkt_pcap_rec recs[SCAN_BATCH];
        uint64_t n = 0, matched = 0;

        for (;;) {
                int got = pkt_pcap_next_batch(r, recs, SCAN_BATCH);
                if (got == 0)
                        return PKTCTL_EXIT_OK;
                if (got < 0) {
                        pktctl_err("%s: %s at byte %llu, after %llu packet(s)", s->path,
                                   got == -EBADMSG ? "cut short or corrupt" : strerror(-got),
                                   (unsigned long long)pkt_pcap_offset(r), (unsigned long long)n);
                        return PKTCTL_EXIT_FAIL;
                }
                for (int i = 0; i < got; i++) {
                        int m = filter_match(f, s->path, &recs[i]);
                        n++;
                        if (m < 0)
                                return PKTCTL_EXIT_FAIL;
                        if (m == 0)
                                continue;
                        if (s->fn(s->ctx, n, &recs[i]) < 0)
                                return PKTCTL_EXIT_FAIL;
                        if (s->max && ++matched == s->max)
                                return PKTCTL_EXIT_OK;
                }
        }
}

int
pktctl_scan_run(const struct pktctl_scan *s)
{
        struct filter f = { .expr = s->filter };
        struct pkt_pcap *r = NULL;
        int code, err;

        /* "-" is standard input, as for tcpdump -r: libpkt reads pipes as they come. */
        err = pkt_pcap_open(strcmp(s->path, "-") == 0 ? "/dev/stdin" : s->path, &r);
        if (err < 0)
                return open_error(s->path, err);
        /* Compile for the file's link type up front: a bad filter fails before any output. */
        if (f.expr && !filter_prog(&f, s->path, pkt_pcap_linktype(r))) {
                pkt_pcap_close(r);
                return PKTCTL_EXIT_FAIL;
        }
        code = s->opened && s->opened(s->ctx, r) < 0 ? PKTCTL_EXIT_FAIL : scan_loop(s, r, &f);
        filter_done(&f);
        pkt_pcap_close(r);
        return code;
}
