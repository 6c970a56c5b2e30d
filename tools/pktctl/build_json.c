/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl build --from-json FILE: packets from JSON lines, as `pktctl read --json` writes them (or any
 * object io.pktd.Packet.Build takes: "layers" or "spec"), built with pktp_packet_from_json() as pktd
 * builds them, and printed, written as hex, or written to one pcap. So a capture goes through JSON and
 * back: `pktctl read --json in.pcap | pktctl build --from-json - -w out.pcap`, with whatever edits in
 * between. A line's "ts" is its record's time (else the time of building), and its "len" the length on
 * the wire of a packet the capture cut ("caplen" below "len"), as long as the packet built is still
 * "caplen" bytes. A line that builds no packet is reported by its number and skipped.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pktp/error.h>
#include <pktp/packet.h>

#include "pktctl.h"

#define NSEC_PER_SEC  1000000000u
#define NSEC_PER_USEC 1000u

struct from_json {
        const struct build_json_opts *o;
        struct pkt_pcap_writer *w;
        int dlt;
        uint64_t line;
        bool is_broken; /* the output failed: nothing more can be written */
};

/* "SECONDS.NANOSECONDS" (nine digits, as read --json writes it; fewer are a fraction too). */
static bool
parse_ts(const char *s, int64_t *ret_sec, uint32_t *ret_nsec)
{
        char *end;
        long long sec = strtoll(s, &end, 10);
        uint32_t nsec = 0, scale = NSEC_PER_SEC;

        if (end == s || sec < 0 || (*end && *end != '.'))
                return false;
        if (*end == '.') {
                const char *d = end + 1;
                for (; *d >= '0' && *d <= '9' && scale > 1; d++) {
                        scale /= 10;
                        nsec += (uint32_t)(*d - '0') * scale;
                }
                if (d == end + 1 || *d)
                        return false;
        }
        *ret_sec = sec;
        *ret_nsec = nsec;
        return true;
}

static bool
int_member(struct json_object *o, const char *name, int64_t *ret)
{
        struct json_object *v;

        if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_int))
                return false;
        *ret = json_object_get_int64(v);
        return true;
}

/* The record of the packet built from @obj: its time and its length on the wire. */
static int
record_of(struct from_json *x, struct json_object *obj, const uint8_t *data, size_t len,
          struct pkt_pcap_rec *rec)
{
        struct json_object *ts;
        int64_t caplen, wire_len;
        struct timespec now;

        *rec = (struct pkt_pcap_rec){ .data = data, .caplen = (uint32_t)len, .wire_len = (uint32_t)len };
        if (json_object_object_get_ex(obj, "ts", &ts)) {
                if (!json_object_is_type(ts, json_type_string) ||
                    !parse_ts(json_object_get_string(ts), &rec->ts_sec, &rec->ts_nsec)) {
                        pktctl_err("line %llu: \"ts\" is not SECONDS.NANOSECONDS", (unsigned long long)x->line);
                        return -EINVAL;
                }
        } else {
                (void)clock_gettime(CLOCK_REALTIME, &now);
                rec->ts_sec = now.tv_sec;
                rec->ts_nsec = (uint32_t)now.tv_nsec;
        }
        /* A packet the capture cut keeps its length on the wire while it is still what was captured. */
        if (int_member(obj, "caplen", &caplen) && int_member(obj, "len", &wire_len) && caplen == (int64_t)len &&
            wire_len > caplen && wire_len <= UINT32_MAX)
                rec->wire_len = (uint32_t)wire_len;
        return 0;
}

/* The pcap takes the first packet's link type and timestamp resolution (nanoseconds when its time
 * has digits below the microsecond). */
static int
open_pcap(struct from_json *x, struct pkt *p, const struct pkt_pcap_rec *rec)
{
        int r;

        x->dlt = x->o->dlt >= 0 ? x->o->dlt : pktctl_dlt_for_first_layer(p->layers[0].proto);
        if (x->dlt < 0) {
                pktctl_err("line %llu: no pcap link type starts with a %s layer (name one: --linktype)",
                           (unsigned long long)x->line, pkt_proto_name(p->layers[0].proto));
                x->is_broken = true;
                return -EINVAL;
        }
        r = pkt_pcap_writer_open(x->o->out_path, x->dlt, 0, rec->ts_nsec % NSEC_PER_USEC != 0, &x->w);
        if (r < 0) {
                pktctl_err("cannot create %s: %s", x->o->out_path, strerror(-r));
                x->is_broken = true;
        }
        return r;
}

static int
write_record(struct from_json *x, struct pkt *p, const struct pkt_pcap_rec *rec)
{
        int r;

        if (!x->w && (r = open_pcap(x, p, rec)) < 0)
                return r;
        if (x->o->dlt < 0 && pktctl_dlt_for_first_layer(p->layers[0].proto) != x->dlt) {
                pktctl_err("line %llu: a %s packet, where %s holds link type %d (a pcap file has one)",
                           (unsigned long long)x->line, pkt_proto_name(p->layers[0].proto), x->o->out_path,
                           x->dlt);
                return -EINVAL;
        }
        r = pkt_pcap_write(x->w, rec);
        if (r == -ERANGE || r == -EINVAL) {
                pktctl_err("line %llu: a pcap cannot hold time %s", (unsigned long long)x->line,
                           r == -ERANGE ? "before 1970 or after 2106" : "of a billion nanoseconds or more");
        } else if (r < 0) {
                pktctl_err("line %llu: cannot write %s: %s", (unsigned long long)x->line, x->o->out_path,
                           strerror(-r));
                x->is_broken = true;
        }
        return r;
}

/* One line: built, then printed or written. */
static int
build_line(struct from_json *x, struct pkt *p, const char *line)
{
        struct pktp_error err = { 0 };
        struct pkt_pcap_rec rec;
        const uint8_t *data;
        int len, r;

        struct json_object *obj = json_tokener_parse(line);
        if (!obj || !json_object_is_type(obj, json_type_object)) {
                pktctl_err("line %llu: not a JSON object", (unsigned long long)x->line);
                json_object_put(obj);
                return -EINVAL;
        }
        r = pktp_packet_from_json(p, obj, &err);
        if (r < 0) {
                pktctl_err("line %llu: %s%s%s", (unsigned long long)x->line, err.arg[0] ? err.arg : "",
                           err.arg[0] ? ": " : "", err.message);
                json_object_put(obj);
                return r;
        }
        len = p->n_layers ? pkt_serialize(p, 0, &data) : -EINVAL;
        if (len < 0) {
                pktctl_err("line %llu: cannot serialise: %s", (unsigned long long)x->line,
                           p->n_layers ? pkt_serialize_strerror(len) : "no layers");
                json_object_put(obj);
                return len;
        }
        r = record_of(x, obj, data, (size_t)len, &rec);
        json_object_put(obj);
        if (r < 0)
                return r;
        if (x->o->out_path && (r = write_record(x, p, &rec)) < 0)
                return r;
        /* Written packets are printed only as hex when asked: a capture's worth of text is noise. */
        if (x->o->out_path && !x->o->is_hex)
                return 0;
        return pktctl_build_print(p, data, (size_t)len, x->o->is_hex) < 0 ? -EIO : 0;
}

int
pktctl_build_from_json(const struct build_json_opts *o)
{
        struct from_json x = { .o = o };
        FILE *f = strcmp(o->path, "-") == 0 ? stdin : fopen(o->path, "r");
        char *line = NULL;
        size_t cap = 0, n_bad = 0;
        ssize_t n;
        struct pkt p;

        if (!f) {
                pktctl_err("cannot read %s: %s", o->path, strerror(errno));
                return PKTCTL_EXIT_FAIL;
        }
        pkt_init(&p);
        /* A line that builds no packet is reported and skipped: the others are built all the same. An
         * error of the output (a full disk) ends the build. */
        while (!x.is_broken && (n = getline(&line, &cap, f)) > 0) {
                x.line++;
                while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                        line[--n] = 0;
                if ((size_t)n > PKTCTL_JSON_LINE_MAX)
                        pktctl_err("line %llu: longer than %u bytes", (unsigned long long)x.line,
                                   PKTCTL_JSON_LINE_MAX);
                n_bad += (size_t)n > PKTCTL_JSON_LINE_MAX || (n > 0 && build_line(&x, &p, line) < 0);
        }
        if (!x.is_broken && ferror(f)) {
                pktctl_err("cannot read %s: %s", o->path, strerror(errno));
                x.is_broken = true;
        }
        int wr = pkt_pcap_writer_close(x.w);
        if (wr < 0 && !x.is_broken) {
                pktctl_err("cannot write %s: %s", o->out_path, strerror(-wr));
                x.is_broken = true;
        }
        if (n_bad && !x.is_broken)
                pktctl_err("%zu line(s) of %s built no packet", n_bad, o->path);
        pkt_done(&p);
        free(line);
        if (f != stdin)
                fclose(f);
        return x.is_broken || n_bad ? PKTCTL_EXIT_FAIL : PKTCTL_EXIT_OK;
}
