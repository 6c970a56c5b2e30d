/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl watch: a live capture through pktd (io.pktd.Capture.Subscribe), tcpdump-like: one line
 * per packet (pktd's summary), or read --json's objects, or a pcap file. With -r pktd dissects a
 * capture file pktctl opened itself and passed as a descriptor: pktd never opens a path it is
 * given.
 *
 * Also the plumbing the capture and injection commands share (send.c, sr.c): starting a call with
 * descriptors, a poll loop that sees Ctrl-C as an event (a signalfd), and json-c helpers.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pktc/pktc.h>
#include <pktp/buf.h>

#include "pktctl.h"

/* ---- shared by watch, send, replay and sr ---- */

void
pktctl_live_report_io(const char *method, int r)
{
        if (r == -ECONNRESET || r == -EPIPE)
                pktctl_err("pktd closed the connection during %s (pktd disconnects users it gives "
                           "no role: see the [roles] section of pktd.conf)",
                           method);
        else if (r == -EMSGSIZE)
                pktctl_err("pktd's reply to %s is over the client's limit (%u bytes)", method,
                           PKTC_REPLY_MAX);
        else if (r == -EBADMSG)
                pktctl_err("pktd's reply to %s is not a varlink reply", method);
        else if (r == -ENOMSG)
                pktctl_err("pktd ended %s without its last reply", method);
        else
                pktctl_err("%s: %s", method, strerror(-r));
}

int
pktctl_live_start(const char *socket, const char *method, const char *params, unsigned flags,
                  const int *fds, size_t n_fds, struct pktc **ret)
{
        struct pktc *c = NULL;
        int code, r;

        code = pktctl_live_connect(socket, &c);
        if (code != PKTCTL_EXIT_OK)
                return code;
        r = pktc_call_fds(c, method, params, flags, fds, n_fds);
        if (r < 0) {
                pktctl_live_report_io(method, r);
                pktc_free(c);
                return PKTCTL_EXIT_FAIL;
        }
        *ret = c;
        return PKTCTL_EXIT_OK;
}

int
pktctl_signalfd(void)
{
        sigset_t mask;
        int fd;

        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        return fd < 0 ? -errno : fd;
}

int
pktctl_live_next(struct pktc *c, int sigfd, struct pktc_reply *ret)
{
        for (;;) {
                int r = pktc_reply_next(c, ret);

                if (r != -EAGAIN)
                        return r;
                short ev = pktc_get_events(c);
                if (!ev)
                        return -ENOMSG;
                (void)fflush(stdout);
                struct pollfd pfd[2] = {
                        { .fd = pktc_get_fd(c), .events = ev },
                        { .fd = sigfd, .events = POLLIN },
                };
                r = poll(pfd, sigfd >= 0 ? 2 : 1, -1);
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (r > 0 && sigfd >= 0 && pfd[1].revents) {
                        struct signalfd_siginfo si;
                        (void)!read(sigfd, &si, sizeof(si));
                        return 1;
                }
                r = pktc_process(c);
                if (r == -ENOMEM)
                        return r;
                /* Other errors come out of pktc_reply_next() once the replies before them are
                 * taken. */
        }
}

int
pktctl_open_capture(const char *path)
{
        struct stat st;
        int fd;

        if (strcmp(path, "-") == 0)
                return STDIN_FILENO;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        /* pktd takes files and pipes only; say what else it is here, by its name. */
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
                (void)close(fd);
                return -EISDIR;
        }
        return fd;
}

struct json_object *
pktctl_jget(struct json_object *o, const char *key, int type)
{
        struct json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
                return NULL;
        return v;
}

struct json_object *
pktctl_jparse(const char *method, const char *text)
{
        struct json_object *o = json_tokener_parse(text);

        if (!o || !json_object_is_type(o, json_type_object)) {
                pktctl_err("pktd's reply to %s is not a JSON object", method);
                json_object_put(o);
                return NULL;
        }
        return o;
}

const char *
pktctl_jtext(struct json_object *o)
{
        return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* ---- watch ---- */

#define SUBSCRIBE "io.pktd.Capture.Subscribe"

struct watch {
        const char *socket;
        const char *iface;
        const char *rfile;
        const char *wfile;
        const char *direction;
        uint64_t count;
        uint64_t duration_ms;
        uint64_t snaplen;
        bool is_json;
        bool is_epoch;
        bool is_quiet;
        bool no_promisc;
        bool is_started; /* pktd acknowledged the call */

        /* While running. */
        uint64_t packets;
        int64_t kernel_drops, daemon_drops;
        struct pkt_pcap_writer *w;
        int dlt;
};

static void
watch_usage(FILE *f)
{
        fputs("Usage: pktctl watch -i IFACE [OPTIONS] [FILTER...]\n"
              "       pktctl watch -r FILE [OPTIONS] [FILTER...]\n"
              "\n"
              "Captures packets through pktd (io.pktd.Capture.Subscribe) and prints one line\n"
              "per packet, tcpdump-like, until -c packets or Ctrl-C; then the totals and drops\n"
              "go to stderr. FILTER is a BPF expression (tcpdump syntax; the remaining\n"
              "arguments, joined by spaces), compiled by pktd.\n"
              "\n"
              "Options:\n"
              "  -i, --interface IFACE  capture on IFACE (see 'pktctl ifaces')\n"
              "  -r, --read FILE   have pktd dissect the capture FILE (pcap or pcapng; - for\n"
              "                    standard input): pktctl opens it and passes the descriptor\n"
              "  -c, --count N     stop after N packets\n"
              "  -G, --duration S  stop after S seconds\n"
              "  -w, --write FILE  write the packets to FILE as pcap instead of printing them\n"
              "      --json        one JSON object per packet per line, as 'pktctl read --json'\n"
              "      --epoch       print timestamps as seconds since the epoch (nanoseconds)\n"
              "                    rather than the local time of day\n"
              "  -s, --snaplen N   keep at most N bytes of each packet\n"
              "  -p, --no-promiscuous  do not put the interface into promiscuous mode\n"
              "  -Q, --direction in|out|inout  only packets received, sent, or both (default)\n"
              "  -q, --quiet       no 'listening on' line and no totals on stderr\n"
              "      --socket PATH pktd's socket (default: $PKTD_SOCKET, else " PKTC_SOCKET_DEFAULT
              ")\n"
              "  -h, --help        show this help\n",
              f);
}

/* The Subscribe parameters. Returns the JSON text (malloc'd) or NULL. */
static char *
watch_params(const struct watch *wa, const char *filter)
{
        struct json_object *o = json_object_new_object();
        const char *output = wa->wfile ? "raw" : wa->is_json ? "layers" : "summary";
        char *s;

        if (!o)
                return NULL;
        if (wa->iface)
                json_object_object_add(o, "interface", json_object_new_string(wa->iface));
        else
                json_object_object_add(o, "fileDescriptor", json_object_new_int(0));
        if (filter)
                json_object_object_add(o, "filter", json_object_new_string(filter));
        if (wa->count)
                json_object_object_add(o, "count", json_object_new_int64((int64_t)wa->count));
        if (wa->duration_ms)
                json_object_object_add(o, "durationMs",
                                       json_object_new_int64((int64_t)wa->duration_ms));
        if (wa->snaplen)
                json_object_object_add(o, "snaplen", json_object_new_int64((int64_t)wa->snaplen));
        if (wa->no_promisc)
                json_object_object_add(o, "promiscuous", json_object_new_boolean(false));
        if (wa->direction)
                json_object_object_add(o, "direction", json_object_new_string(wa->direction));
        json_object_object_add(o, "output", json_object_new_string(output));
        s = strdup(pktctl_jtext(o));
        json_object_put(o);
        return s;
}

static int
on_ack(struct watch *wa, struct json_object *ack)
{
        struct json_object *v;
        const char *lt = (v = pktctl_jget(ack, "linkType", json_type_string))
                                 ? json_object_get_string(v)
                                 : "?";
        int64_t snaplen = (v = pktctl_jget(ack, "snaplen", json_type_int))
                                  ? json_object_get_int64(v)
                                  : 262144;
        const char *filter = (v = pktctl_jget(ack, "filter", json_type_string))
                                     ? json_object_get_string(v)
                                     : "";

        if (!wa->is_quiet) {
                (void)fflush(stdout);
                fprintf(stderr, "%s %s, link-type %s, snapshot length %" PRId64 " bytes%s%s%s\n",
                        wa->iface ? "listening on" : "reading from file",
                        wa->iface ? wa->iface : wa->rfile, lt, snaplen,
                        filter[0] ? ", filter '" : "", filter, filter[0] ? "'" : "");
        }
        if (!wa->wfile)
                return PKTCTL_EXIT_OK;
        /* The file's link type is the capture's: by name (a DLT), else the number pktd gave. */
        wa->dlt = pcap_datalink_name_to_val(lt);
        if (wa->dlt < 0 && (v = pktctl_jget(ack, "linkTypeNumber", json_type_int)))
                wa->dlt = (int)json_object_get_int64(v);
        if (wa->dlt < 0) {
                pktctl_err("watch: pktd names no link type for the capture ('%s')", lt);
                return PKTCTL_EXIT_FAIL;
        }
        int r = pkt_pcap_writer_open(wa->wfile, wa->dlt,
                                     snaplen > 0 && snaplen <= 262144 ? (uint32_t)snaplen : 262144,
                                     true, &wa->w);
        if (r < 0) {
                pktctl_err("cannot create %s: %s", wa->wfile, strerror(-r));
                return PKTCTL_EXIT_FAIL;
        }
        return PKTCTL_EXIT_OK;
}

static void
print_ts(const struct watch *wa, int64_t ts_ns)
{
        time_t sec = (time_t)(ts_ns / 1000000000);
        long nsec = (long)(ts_ns % 1000000000);
        struct tm tm;

        if (wa->is_epoch) {
                printf("%lld.%09ld", (long long)sec, nsec);
                return;
        }
        /* tcpdump's default: the local time of day, microseconds. */
        if (!localtime_r(&sec, &tm))
                tm = (struct tm){};
        printf("%02d:%02d:%02d.%06ld", tm.tm_hour, tm.tm_min, tm.tm_sec, nsec / 1000);
}

static int
on_packet(struct watch *wa, struct json_object *pk)
{
        struct json_object *v;
        int64_t ts = (v = pktctl_jget(pk, "tsNs", json_type_int)) ? json_object_get_int64(v) : 0;
        int64_t caplen = (v = pktctl_jget(pk, "caplen", json_type_int)) ? json_object_get_int64(v)
                                                                         : 0;
        int64_t len = (v = pktctl_jget(pk, "len", json_type_int)) ? json_object_get_int64(v) : 0;

        wa->packets++;
        if (ts < 0)
                ts = 0;
        if (wa->w) {
                struct json_object *d = pktctl_jget(pk, "data", json_type_string);
                uint8_t *bytes = NULL;
                size_t n = 0;
                int r;

                if (!d || pktp_base64_decode(json_object_get_string(d),
                                             (size_t)json_object_get_string_len(d), &bytes,
                                             &n) < 0) {
                        pktctl_err("watch: packet %" PRIu64 " from pktd has no valid data",
                                   wa->packets);
                        return PKTCTL_EXIT_FAIL;
                }
                struct pkt_pcap_rec rec = {
                        .data = bytes,
                        .caplen = (uint32_t)n,
                        .wire_len = len >= (int64_t)n && len <= UINT32_MAX ? (uint32_t)len
                                                                            : (uint32_t)n,
                        .ts_sec = ts / 1000000000,
                        .ts_nsec = (uint32_t)(ts % 1000000000),
                        .linktype = wa->dlt,
                };
                r = pkt_pcap_write(wa->w, &rec);
                free(bytes);
                if (r < 0) {
                        pktctl_err("cannot write %s: %s", wa->wfile, strerror(-r));
                        return PKTCTL_EXIT_FAIL;
                }
                return PKTCTL_EXIT_OK;
        }
        if (wa->is_json) {
                struct json_object *layers = pktctl_jget(pk, "layers", json_type_array);

                /* read --json's shape; n counts the packets of this stream. */
                printf("{\"n\":%" PRIu64 ",\"ts\":\"%" PRId64 ".%09" PRId64
                       "\",\"caplen\":%" PRId64 ",\"len\":%" PRId64 ",\"layers\":%s}\n",
                       wa->packets, ts / 1000000000, ts % 1000000000, caplen, len,
                       layers ? pktctl_jtext(layers) : "[]");
                return PKTCTL_EXIT_OK;
        }
        v = pktctl_jget(pk, "summary", json_type_string);
        print_ts(wa, ts);
        printf(" %s\n", v ? json_object_get_string(v) : "?");
        return PKTCTL_EXIT_OK;
}

/* --json's line straight from the reply's text, without parsing it a second time (that parse and
 * the layers' re-serialisation were two thirds of pktctl's time on a file): libpktclient writes the
 * parameters compact, in pktd's member order, and the layers form of Captured ends with its layers:
 *   {"packet":{"tsNs":N,"caplen":N,"len":N,"layers":[...]}}
 * Returns false, having printed nothing, for any other text: the caller then parses it. */
static bool
print_json_fast(struct watch *wa, const char *t)
{
        static const char pfx[] = "{\"packet\":{\"tsNs\":";
        static const char *const keys[] = { ",\"caplen\":", ",\"len\":", ",\"layers\":[" };
        long long v[3];
        char *end;

        if (strncmp(t, pfx, sizeof(pfx) - 1) != 0)
                return false;
        t += sizeof(pfx) - 1;
        for (size_t i = 0; i < 3; i++) {
                if (*t < '0' || *t > '9')
                        return false;
                errno = 0;
                v[i] = strtoll(t, &end, 10);
                if (errno || strncmp(end, keys[i], strlen(keys[i])) != 0)
                        return false;
                t = end + strlen(keys[i]);
        }
        /* t is inside the layers array: it runs to the "]}}" that ends the text. */
        size_t n = strlen(t);
        if (n < 3 || strcmp(t + n - 3, "]}}") != 0)
                return false;
        wa->packets++;
        printf("{\"n\":%" PRIu64 ",\"ts\":\"%lld.%09lld\",\"caplen\":%lld,\"len\":%lld,"
               "\"layers\":[%.*s}\n",
               wa->packets, v[0] / 1000000000, v[0] % 1000000000, v[1], v[2], (int)(n - 2), t);
        return true;
}

static void
print_totals(const struct watch *wa, struct json_object *totals)
{
        struct json_object *v;
        int64_t packets = wa->packets;
        int64_t kernel = wa->kernel_drops, daemon = wa->daemon_drops;

        if (totals) {
                if ((v = pktctl_jget(totals, "packets", json_type_int)))
                        packets = json_object_get_int64(v);
                if ((v = pktctl_jget(totals, "kernelDrops", json_type_int)))
                        kernel = json_object_get_int64(v);
                if ((v = pktctl_jget(totals, "daemonDrops", json_type_int)))
                        daemon = json_object_get_int64(v);
        }
        if (wa->is_quiet)
                return;
        (void)fflush(stdout);
        fprintf(stderr, "%" PRId64 " packet%s captured, %" PRId64 " dropped by kernel, %" PRId64
                        " dropped by pktd\n",
                packets, packets == 1 ? "" : "s", kernel < 0 ? 0 : kernel, daemon < 0 ? 0 : daemon);
}

static void
on_drops(struct watch *wa, struct json_object *d)
{
        struct json_object *v;

        if ((v = pktctl_jget(d, "kernel", json_type_int)))
                wa->kernel_drops = json_object_get_int64(v);
        if ((v = pktctl_jget(d, "daemon", json_type_int)))
                wa->daemon_drops = json_object_get_int64(v);
        (void)fflush(stdout);
        fprintf(stderr, "pktctl: dropped so far: %" PRId64 " by kernel, %" PRId64 " by pktd\n",
                wa->kernel_drops, wa->daemon_drops);
}

/* Runs the stream to its end or Ctrl-C. Returns an exit code. */
static int
watch_run(struct watch *wa, struct pktc *c, int sigfd)
{
        for (;;) {
                struct pktc_reply rep = {};
                struct json_object *o, *v;
                int code = PKTCTL_EXIT_OK;
                int r = pktctl_live_next(c, sigfd, &rep);

                if (r == 1) {
                        /* Ctrl-C: closing the connection (by the caller) cancels the capture;
                         * the totals are what arrived. */
                        print_totals(wa, NULL);
                        return PKTCTL_EXIT_OK;
                }
                if (r < 0) {
                        if (wa->is_started && (r == -ECONNRESET || r == -EPIPE)) {
                                /* Not the no-role hint: pktd took the call, then went away. */
                                pktctl_err("pktd closed the connection in the middle of the "
                                           "capture (stopped or restarted?)");
                                print_totals(wa, NULL);
                        } else {
                                pktctl_live_report_io(SUBSCRIBE, r);
                        }
                        return PKTCTL_EXIT_FAIL;
                }
                if (rep.error) {
                        pktctl_live_report_error(&rep);
                        pktc_reply_done(&rep);
                        return PKTCTL_EXIT_FAIL;
                }
                if (wa->is_json && rep.continues && print_json_fast(wa, rep.parameters)) {
                        wa->is_started = true;
                        pktc_reply_done(&rep);
                        continue;
                }
                o = pktctl_jparse(SUBSCRIBE, rep.parameters);
                bool more = rep.continues;
                pktc_reply_done(&rep);
                if (!o)
                        return PKTCTL_EXIT_FAIL;
                if ((v = pktctl_jget(o, "packet", json_type_object)))
                        code = on_packet(wa, v);
                else if ((v = pktctl_jget(o, "ack", json_type_object)))
                        code = on_ack(wa, v);
                else if ((v = pktctl_jget(o, "drops", json_type_object)))
                        on_drops(wa, v);
                wa->is_started = true;
                if (code == PKTCTL_EXIT_OK && !more) {
                        struct json_object *t = pktctl_jget(o, "totals", json_type_object);
                        struct json_object *reason = pktctl_jget(t, "reason", json_type_string);

                        const char *why = reason ? json_object_get_string(reason) : "";

                        if (strcmp(why, "cancelled") == 0)
                                /* Not our Ctrl-C (that closes without waiting): pktd ended it. */
                                pktctl_err("pktd ended the capture (stopped, restarted or the "
                                           "role was revoked)");
                        print_totals(wa, t);
                        if (strcmp(why, "error") == 0) {
                                pktctl_err("watch: the capture ended with an error (see pktd's "
                                           "log)");
                                code = PKTCTL_EXIT_FAIL;
                        } else if (strcmp(why, "cancelled") == 0) {
                                code = PKTCTL_EXIT_FAIL;
                        }
                        json_object_put(o);
                        return code;
                }
                json_object_put(o);
                if (code != PKTCTL_EXIT_OK)
                        return code;
        }
}

enum {
        OPT_JSON = 0x100,
        OPT_EPOCH,
        OPT_SOCKET,
};

int
pktctl_watch_main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "interface", required_argument, NULL, 'i' },
                { "read", required_argument, NULL, 'r' },
                { "count", required_argument, NULL, 'c' },
                { "write", required_argument, NULL, 'w' },
                { "duration", required_argument, NULL, 'G' },
                { "snaplen", required_argument, NULL, 's' },
                { "no-promiscuous", no_argument, NULL, 'p' },
                { "direction", required_argument, NULL, 'Q' },
                { "quiet", no_argument, NULL, 'q' },
                { "json", no_argument, NULL, OPT_JSON },
                { "epoch", no_argument, NULL, OPT_EPOCH },
                { "socket", required_argument, NULL, OPT_SOCKET },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct watch wa = { .dlt = -1 };
        struct pktc *c = NULL;
        char *filter = NULL, *params = NULL;
        int opt, code, fd = -1, sigfd = -1;
        bool is_opened = false;

        while ((opt = getopt_long(argc, argv, "i:r:c:w:G:s:pQ:qh", opts, NULL)) != -1) {
                switch (opt) {
                case 'i':
                        wa.iface = optarg;
                        break;
                case 'r':
                        wa.rfile = optarg;
                        break;
                case 'c':
                        if (pktctl_parse_count("-c", optarg, &wa.count) < 0)
                                return PKTCTL_EXIT_USAGE;
                        break;
                case 'w':
                        wa.wfile = optarg;
                        break;
                case 'G':
                        /* A day at most: pktd checks its own range. */
                        if (pktctl_parse_uint("--duration", optarg, 86400, &wa.duration_ms) < 0)
                                return PKTCTL_EXIT_USAGE;
                        wa.duration_ms *= 1000;
                        break;
                case 's':
                        if (pktctl_parse_count("-s", optarg, &wa.snaplen) < 0)
                                return PKTCTL_EXIT_USAGE;
                        break;
                case 'p':
                        wa.no_promisc = true;
                        break;
                case 'Q':
                        if (strcmp(optarg, "in") != 0 && strcmp(optarg, "out") != 0 &&
                            strcmp(optarg, "inout") != 0) {
                                pktctl_err("watch: -Q wants in, out or inout, not '%s'", optarg);
                                return PKTCTL_EXIT_USAGE;
                        }
                        wa.direction = optarg;
                        break;
                case 'q':
                        wa.is_quiet = true;
                        break;
                case OPT_JSON:
                        wa.is_json = true;
                        break;
                case OPT_EPOCH:
                        wa.is_epoch = true;
                        break;
                case OPT_SOCKET:
                        wa.socket = optarg;
                        break;
                case 'h':
                        watch_usage(stdout);
                        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
                default:
                        watch_usage(stderr);
                        return PKTCTL_EXIT_USAGE;
                }
        }
        if (!wa.iface == !wa.rfile) {
                pktctl_err("watch: %s", wa.iface ? "-i and -r exclude each other"
                                                  : "which interface (-i) or file (-r)?");
                watch_usage(stderr);
                return PKTCTL_EXIT_USAGE;
        }
        if (wa.wfile && wa.is_json) {
                pktctl_err("watch: -w writes the packets to a file; --json prints them: choose");
                return PKTCTL_EXIT_USAGE;
        }
        wa.socket = pktctl_live_socket(wa.socket);
        if (pktctl_join_args(argc, argv, optind, &filter) < 0) {
                pktctl_err("out of memory");
                return PKTCTL_EXIT_FAIL;
        }
        params = watch_params(&wa, filter);
        free(filter);
        if (!params) {
                pktctl_err("out of memory");
                return PKTCTL_EXIT_FAIL;
        }
        if (wa.rfile) {
                /* Opened here, with the caller's rights; pktd gets the descriptor, never the
                 * path. */
                fd = pktctl_open_capture(wa.rfile);
                if (fd < 0) {
                        pktctl_err("cannot read %s: %s", wa.rfile, strerror(-fd));
                        free(params);
                        return PKTCTL_EXIT_FAIL;
                }
                is_opened = strcmp(wa.rfile, "-") != 0;
        }
        sigfd = pktctl_signalfd();
        if (sigfd < 0) {
                pktctl_err("watch: cannot watch for signals: %s", strerror(-sigfd));
                if (is_opened)
                        (void)close(fd);
                code = PKTCTL_EXIT_FAIL;
                goto out;
        }
        code = pktctl_live_start(wa.socket, SUBSCRIBE, params, PKTC_CALL_MORE, &fd,
                                 fd >= 0 ? 1 : 0, &c);
        /* Our own copy is not needed once the call holds its duplicate. */
        if (is_opened)
                (void)close(fd);
        if (code != PKTCTL_EXIT_OK)
                goto out;
        code = watch_run(&wa, c, sigfd);
out:
        /* Closing the connection is what cancels a capture still running. */
        c = pktc_free(c);
        if (wa.w) {
                int r = pkt_pcap_writer_close(wa.w);
                if (r < 0 && code == PKTCTL_EXIT_OK) {
                        pktctl_err("cannot write %s: %s", wa.wfile, strerror(-r));
                        code = PKTCTL_EXIT_FAIL;
                }
        }
        if (sigfd >= 0)
                (void)close(sigfd);
        free(params);
        return pktctl_finish_stdout(code);
}
