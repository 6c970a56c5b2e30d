/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl sr: send probes and match their answers through pktd (io.pktd.Inject.SendReceive, scapy's
 * sr()), printing each answer as it arrives with its round-trip time, the way ping does, then a
 * summary. Exit status as ping's: 0 when at least one probe was answered, 1 when none was, 2 on an
 * error (usage, an error from pktd, no connection).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pktc/pktc.h>

#include "pktctl.h"

#define SR "io.pktd.Inject.SendReceive"

enum {
        SR_EXIT_ANSWERED = 0,
        SR_EXIT_UNANSWERED = 1,
        SR_EXIT_ERROR = 2,
};

/* The most probes (SPEC arguments) one sr takes: 1024; pktd's srProbes limit (4096 by default)
 * applies to the call anyway, and more is a script's job. */
#define SR_SPECS_MAX 1024
/* --timeout's range: up to an hour, in seconds (pktd's srDurationMs bounds the whole call). */
#define SR_TIMEOUT_MAX_S 3600.0

struct sr_opts {
        const char *socket;
        const char *iface;
        const char *layer;
        int64_t timeout_ms; /* -1: pktd's default */
        uint64_t retry;
        bool has_retry;
        bool is_multi;
        bool is_json;
        bool is_quiet;
};

struct sr_stats {
        uint64_t answers;
        int64_t rtt_min, rtt_max;
        double rtt_sum;
};

static void
sr_usage(FILE *f)
{
        fputs("Usage: pktctl sr -i IFACE [OPTIONS] SPEC...\n"
              "\n"
              "Has pktd send each SPEC as a probe on IFACE and match the answers (ARP, ICMP and\n"
              "ICMPv6 echo and errors, TCP, UDP, DNS id), as scapy's sr() does. Each answer is\n"
              "printed as it arrives with its round-trip time, like ping; then a summary.\n"
              "A SPEC starting with ip or ip6 is sent on layer 3, any other on layer 2, unless\n"
              "--l2 or --l3 says.\n"
              "\n"
              "Options:\n"
              "  -i, --interface IFACE  the interface to send on\n"
              "  -t, --timeout S   wait S seconds (decimals allowed) after the last send\n"
              "                    (default: pktd's, 2 s)\n"
              "  -r, --retry N     resend unanswered probes up to N more times\n"
              "      --multi       keep every answer to a probe (waits out the timeout)\n"
              "      --l2          send on layer 2 (SPEC starts with its link header)\n"
              "      --l3          send on layer 3 (SPEC starts with ip or ip6)\n"
              "  -q, --quiet       only the summary\n"
              "      --json        print pktd's replies, one line of JSON each\n"
              "      --socket PATH pktd's socket (default: $PKTD_SOCKET, else " PKTC_SOCKET_DEFAULT
              ")\n"
              "  -h, --help        show this help\n"
              "\n"
              "Exit status: 0 when at least one probe was answered, 1 when none was, 2 on an\n"
              "error.\n",
              f);
}

/* The address an answer came from, out of pktd's summary ("<layers> <src> > <dst> ..."): the
 * source without its port (summaries write "192.0.2.1.40000" and "2001:db8::1.40000"); else the
 * first word after the layers ("ethernet/arp 192.0.2.2 is-at ..."). */
static void
answer_from(const char *summary, char *buf, size_t size)
{
        const char *sp = strchr(summary, ' ');
        size_t n, dots = 0;

        snprintf(buf, size, "?");
        if (!sp)
                return;
        const char *src = sp + 1;
        n = strcspn(src, " ");
        if (n == 0 || n >= size)
                return;
        memcpy(buf, src, n);
        buf[n] = '\0';
        for (const char *c = buf; *c; c++)
                dots += *c == '.';
        char *dot = strrchr(buf, '.');
        if (!dot || !dot[1] || strspn(dot + 1, "0123456789") != strlen(dot + 1))
                return;
        /* IPv4 with a port has four dots; IPv6 with a port one (an IPv4-mapped one, three and
         * four: "::ffff:192.0.2.1.53"). */
        bool is_v6 = strchr(buf, ':') != NULL;
        if ((!is_v6 && dots == 4) || (is_v6 && (dots == 1 || dots == 4)))
                *dot = '\0';
}

static void
print_answer(const struct sr_opts *o, struct sr_stats *st, struct json_object *a)
{
        struct json_object *v, *reply = pktctl_jget(a, "reply", json_type_object);
        int64_t probe = (v = pktctl_jget(a, "probe", json_type_int)) ? json_object_get_int64(v)
                                                                      : -1;
        int64_t rtt = (v = pktctl_jget(a, "rttNs", json_type_int)) ? json_object_get_int64(v) : 0;
        const char *summary = (v = pktctl_jget(reply, "summary", json_type_string))
                                      ? json_object_get_string(v)
                                      : "?";
        char from[128];

        if (rtt < 0)
                rtt = 0;
        if (st->answers == 0 || rtt < st->rtt_min)
                st->rtt_min = rtt;
        if (st->answers == 0 || rtt > st->rtt_max)
                st->rtt_max = rtt;
        st->rtt_sum += (double)rtt;
        st->answers++;
        if (o->is_quiet || o->is_json)
                return;
        answer_from(summary, from, sizeof(from));
        printf("reply from %s: %s probe=%" PRId64 " rtt=%.3f ms\n", from, summary, probe,
               (double)rtt / 1e6);
}

/* The final reply: the unanswered probes and the summary. Returns the exit code. */
static int
print_final(const struct sr_opts *o, struct sr_stats *st, struct json_object *fin, int argc,
            char **argv, int from)
{
        struct json_object *answered = pktctl_jget(fin, "answered", json_type_array);
        struct json_object *unanswered = pktctl_jget(fin, "unanswered", json_type_array);
        struct json_object *v;
        int64_t sent = (v = pktctl_jget(fin, "sent", json_type_int)) ? json_object_get_int64(v) : 0;
        size_t n_un = unanswered ? json_object_array_length(unanswered) : 0;
        size_t n_ans = answered ? json_object_array_length(answered) : 0;

        /* A daemon that did not stream its answers still lists them here. */
        if (st->answers == 0)
                for (size_t i = 0; i < n_ans; i++)
                        print_answer(o, st, json_object_array_get_idx(answered, i));
        if (o->is_json)
                return n_ans > 0 || st->answers > 0 ? SR_EXIT_ANSWERED : SR_EXIT_UNANSWERED;
        for (size_t i = 0; i < n_un && !o->is_quiet; i++) {
                struct json_object *p = pktctl_jget(json_object_array_get_idx(unanswered, i),
                                                    "probe", json_type_int);
                int64_t k = p ? json_object_get_int64(p) : -1;
                printf("no answer to probe=%" PRId64 ": %s\n", k,
                       k >= 0 && k < argc - from ? argv[from + k] : "?");
        }
        printf("--- %s sr statistics ---\n", o->iface);
        printf("%d probe%s, %" PRId64 " sent, %" PRIu64 " answer%s, %zu unanswered\n",
               argc - from, argc - from == 1 ? "" : "s", sent, st->answers,
               st->answers == 1 ? "" : "s", n_un);
        if (st->answers > 0)
                printf("rtt min/avg/max = %.3f/%.3f/%.3f ms\n", (double)st->rtt_min / 1e6,
                       st->rtt_sum / (double)st->answers / 1e6, (double)st->rtt_max / 1e6);
        return st->answers > 0 ? SR_EXIT_ANSWERED : SR_EXIT_UNANSWERED;
}

static int
sr_run(const struct sr_opts *o, struct pktc *c, int sigfd, int argc, char **argv, int from)
{
        struct sr_stats st = {};

        for (;;) {
                struct pktc_reply rep = {};
                struct json_object *obj, *a;
                int r = pktctl_live_next(c, sigfd, &rep);

                if (r == 1) {
                        /* Ctrl-C: closing the connection (by the caller) cancels the rest; say
                         * what came, as ping does. */
                        if (!o->is_json) {
                                printf("--- %s sr statistics (interrupted) ---\n", o->iface);
                                printf("%" PRIu64 " answer%s\n", st.answers,
                                       st.answers == 1 ? "" : "s");
                        }
                        return st.answers > 0 ? SR_EXIT_ANSWERED : SR_EXIT_UNANSWERED;
                }
                if (r < 0) {
                        pktctl_live_report_io(SR, r);
                        return SR_EXIT_ERROR;
                }
                if (rep.error) {
                        pktctl_live_report_error(&rep);
                        pktc_reply_done(&rep);
                        return SR_EXIT_ERROR;
                }
                if (o->is_json)
                        puts(rep.parameters);
                obj = pktctl_jparse(SR, rep.parameters);
                bool more = rep.continues;
                pktc_reply_done(&rep);
                if (!obj)
                        return SR_EXIT_ERROR;
                if ((a = pktctl_jget(obj, "answer", json_type_object)))
                        print_answer(o, &st, a);
                if (!more) {
                        int code = print_final(o, &st, obj, argc, argv, from);
                        json_object_put(obj);
                        return code;
                }
                json_object_put(obj);
        }
}

enum {
        OPT_MULTI = 0x100,
        OPT_L2,
        OPT_L3,
        OPT_JSON,
        OPT_SOCKET,
};

static int
sr_parse(int argc, char **argv, struct sr_opts *o)
{
        static const struct option opts[] = {
                { "interface", required_argument, NULL, 'i' },
                { "timeout", required_argument, NULL, 't' },
                { "retry", required_argument, NULL, 'r' },
                { "multi", no_argument, NULL, OPT_MULTI },
                { "l2", no_argument, NULL, OPT_L2 },
                { "l3", no_argument, NULL, OPT_L3 },
                { "quiet", no_argument, NULL, 'q' },
                { "json", no_argument, NULL, OPT_JSON },
                { "socket", required_argument, NULL, OPT_SOCKET },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        int opt;

        while ((opt = getopt_long(argc, argv, "i:t:r:qh", opts, NULL)) != -1) {
                switch (opt) {
                case 'i':
                        o->iface = optarg;
                        break;
                case 't': {
                        char *end;
                        errno = 0;
                        double s = strtod(optarg, &end);
                        /* Written so that NaN fails it too. */
                        if (errno || end == optarg || *end || !(s > 0 && s <= SR_TIMEOUT_MAX_S)) {
                                pktctl_err("sr: --timeout wants seconds above 0 and at most "
                                           "%.0f, not '%s'",
                                           SR_TIMEOUT_MAX_S, optarg);
                                return SR_EXIT_ERROR;
                        }
                        o->timeout_ms = (int64_t)(s * 1000 + 0.999); /* rounded up: at least 1 ms */
                        break;
                }
                case 'r':
                        if (pktctl_parse_uint("--retry", optarg, 1000, &o->retry) < 0)
                                return SR_EXIT_ERROR;
                        o->has_retry = true;
                        break;
                case OPT_MULTI:
                        o->is_multi = true;
                        break;
                case OPT_L2:
                case OPT_L3:
                        if (o->layer) {
                                pktctl_err("sr: --l2 and --l3 exclude each other");
                                return SR_EXIT_ERROR;
                        }
                        o->layer = opt == OPT_L2 ? "l2" : "l3";
                        break;
                case 'q':
                        o->is_quiet = true;
                        break;
                case OPT_JSON:
                        o->is_json = true;
                        break;
                case OPT_SOCKET:
                        o->socket = optarg;
                        break;
                case 'h':
                        sr_usage(stdout);
                        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
                default:
                        sr_usage(stderr);
                        return SR_EXIT_ERROR;
                }
        }
        if (!o->iface || optind >= argc) {
                pktctl_err(!o->iface ? "sr: which interface (-i)?" : "sr: which probe (SPEC)?");
                sr_usage(stderr);
                return SR_EXIT_ERROR;
        }
        if (argc - optind > SR_SPECS_MAX) {
                pktctl_err("sr: at most %d SPECs", SR_SPECS_MAX);
                return SR_EXIT_ERROR;
        }
        o->socket = pktctl_live_socket(o->socket);
        if (!o->layer)
                o->layer = pktctl_spec_layer(argv[optind]);
        return -1;
}

int
pktctl_sr_main(int argc, char **argv)
{
        struct sr_opts o = { .timeout_ms = -1 };
        struct json_object *req;
        struct pktc *c = NULL;
        int code, sigfd;

        code = sr_parse(argc, argv, &o);
        if (code >= 0)
                return code;
        req = json_object_new_object();
        if (!req)
                return SR_EXIT_ERROR;
        json_object_object_add(req, "interface", json_object_new_string(o.iface));
        json_object_object_add(req, "layer", json_object_new_string(o.layer));
        json_object_object_add(req, "packets", pktctl_spec_packets(argc, argv, optind));
        if (o.timeout_ms >= 0)
                json_object_object_add(req, "timeoutMs", json_object_new_int64(o.timeout_ms));
        if (o.has_retry)
                json_object_object_add(req, "retry", json_object_new_int64((int64_t)o.retry));
        if (o.is_multi)
                json_object_object_add(req, "multi", json_object_new_boolean(true));
        json_object_object_add(req, "output", json_object_new_string("summary"));
        sigfd = pktctl_signalfd();
        if (sigfd < 0) {
                pktctl_err("sr: cannot watch for signals: %s", strerror(-sigfd));
                json_object_put(req);
                return SR_EXIT_ERROR;
        }
        code = pktctl_live_start(o.socket, SR, pktctl_jtext(req), PKTC_CALL_MORE, NULL, 0, &c);
        json_object_put(req);
        if (code == PKTCTL_EXIT_OK)
                code = sr_run(&o, c, sigfd, argc, argv, optind);
        else
                code = SR_EXIT_ERROR;
        /* Closing the connection is what cancels an sr still running. */
        c = pktc_free(c);
        (void)close(sigfd);
        /* Output that could not be written is an error, not "unanswered". */
        return pktctl_finish_stdout(code) != code ? SR_EXIT_ERROR : code;
}
