/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl send and replay, through pktd (io.pktd.Inject.Send): packets built from text specs, or a
 * capture file pktctl opens itself and passes to pktd as a descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pktc/pktc.h>
#include <pktp/buf.h>
#include <pktp/packet.h>

#include "pktctl.h"

#define SEND "io.pktd.Inject.Send"

/* The most SPEC arguments one send takes: 1024. Why: each is a packet in one call frame, which pktd
 * caps at 1 MiB anyway; a command line with more is a script's job (call it repeatedly). */
#define SEND_SPECS_MAX 1024

/* The layer a spec is sent on when neither --l2 nor --l3 says: a spec that starts with an IP layer
 * is a layer 3 packet (the kernel adds the link header); anything else starts with its link
 * header. */
const char *
pktctl_spec_layer(const char *spec)
{
        size_t n = strcspn(spec, "(/ ");

        if ((n == 2 && strncmp(spec, "ip", 2) == 0) || (n == 3 && strncmp(spec, "ip6", 3) == 0))
                return "l3";
        return "l2";
}

/* The protocol a spec's packet starts with, to dissect the bytes pktd sent; -ENOENT if unknown. */
int
pktctl_spec_first(const char *spec)
{
        char name[32];
        size_t n = strcspn(spec, "(/ ");

        if (n == 0 || n >= sizeof(name))
                return -ENOENT;
        memcpy(name, spec, n);
        name[n] = '\0';
        return pkt_proto_by_name(name, PKT_PROTO_NONE);
}

/* {"spec":...} objects for the SPEC arguments. Returns a new array or NULL. */
struct json_object *
pktctl_spec_packets(int argc, char **argv, int from)
{
        struct json_object *a = json_object_new_array();

        for (int i = from; a && i < argc; i++) {
                struct json_object *p = json_object_new_object();
                if (!p) {
                        json_object_put(a);
                        return NULL;
                }
                json_object_object_add(p, "spec", json_object_new_string(argv[i]));
                json_object_array_add(a, p);
        }
        return a;
}

/* Parses a non-negative integer option up to @max. Returns 0 or -EINVAL after saying why. */
int
pktctl_parse_uint(const char *opt, const char *text, uint64_t max, uint64_t *ret)
{
        char *end;

        errno = 0;
        unsigned long long v = strtoull(text, &end, 10);
        if (errno || end == text || *end || *text == '-' || v > max) {
                pktctl_err("%s wants a whole number from 0 to %" PRIu64 ", not '%s'", opt, max,
                           text);
                return -EINVAL;
        }
        *ret = v;
        return 0;
}

struct send_opts {
        const char *socket;
        const char *iface;
        const char *layer;
        uint64_t count;
        uint64_t interval_ms;
        bool has_interval;
        uint64_t pps;
        bool is_topspeed;
        bool is_json;
        bool is_hex;
};

static void
send_usage(FILE *f, bool is_replay)
{
        if (is_replay)
                fputs("Usage: pktctl replay -i IFACE [OPTIONS] FILE\n"
                      "\n"
                      "Has pktd send the packets of the capture FILE (pcap or pcapng; - for\n"
                      "standard input) on IFACE, as tcpreplay does: pktctl opens FILE and\n"
                      "passes the descriptor (io.pktd.Inject.Send). By default with the\n"
                      "file's own timing.\n"
                      "\n"
                      "Options:\n"
                      "  -i, --interface IFACE  the interface to send on\n"
                      "      --pps N       send N packets per second\n"
                      "      --topspeed    send as fast as pktd can (the rate limit still\n"
                      "                    applies)\n",
                      f);
        else
                fputs("Usage: pktctl send -i IFACE [OPTIONS] SPEC...\n"
                      "\n"
                      "Has pktd build each SPEC (as 'pktctl build' reads it) and send it on\n"
                      "IFACE (io.pktd.Inject.Send); prints the packets as sent, after auto\n"
                      "fields. A SPEC starting with ip or ip6 is sent on layer 3 (the kernel\n"
                      "adds the link header and routes it), any other on layer 2, unless --l2\n"
                      "or --l3 says.\n"
                      "\n"
                      "Options:\n"
                      "  -i, --interface IFACE  the interface to send on\n"
                      "  -c, --count N     send the list N times (default 1)\n"
                      "      --interval MS wait MS milliseconds between packets\n"
                      "      --l2          send on layer 2 (SPEC starts with its link header)\n"
                      "      --l3          send on layer 3 (SPEC starts with ip or ip6)\n"
                      "      --hex         print the bytes sent as hex\n",
                      f);
        fputs("      --json        print pktd's reply as one line of JSON\n"
              "      --socket PATH pktd's socket (default: $PKTD_SOCKET, else " PKTC_SOCKET_DEFAULT
              ")\n"
              "  -h, --help        show this help\n",
              f);
}

enum {
        OPT_INTERVAL = 0x100,
        OPT_L2,
        OPT_L3,
        OPT_PPS,
        OPT_TOPSPEED,
        OPT_JSON,
        OPT_HEX,
        OPT_SOCKET,
};

/* Parses the options of send or replay. Returns -1 to go on, else an exit code. */
static int
send_parse(int argc, char **argv, bool is_replay, struct send_opts *o)
{
        static const struct option opts[] = {
                { "interface", required_argument, NULL, 'i' },
                { "count", required_argument, NULL, 'c' },
                { "interval", required_argument, NULL, OPT_INTERVAL },
                { "l2", no_argument, NULL, OPT_L2 },
                { "l3", no_argument, NULL, OPT_L3 },
                { "pps", required_argument, NULL, OPT_PPS },
                { "topspeed", no_argument, NULL, OPT_TOPSPEED },
                { "json", no_argument, NULL, OPT_JSON },
                { "hex", no_argument, NULL, OPT_HEX },
                { "socket", required_argument, NULL, OPT_SOCKET },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        const char *cmd = argv[0];
        int opt;

        while ((opt = getopt_long(argc, argv, "i:c:h", opts, NULL)) != -1) {
                bool for_send = opt == 'c' || opt == OPT_INTERVAL || opt == OPT_L2 ||
                                opt == OPT_L3 || opt == OPT_HEX;
                bool for_replay = opt == OPT_PPS || opt == OPT_TOPSPEED;

                if ((is_replay && for_send) || (!is_replay && for_replay)) {
                        pktctl_err("%s: %s is an option of %s", cmd, argv[optind - 1],
                                   is_replay ? "send" : "replay");
                        return PKTCTL_EXIT_USAGE;
                }
                switch (opt) {
                case 'i':
                        o->iface = optarg;
                        break;
                case 'c':
                        if (pktctl_parse_count("-c", optarg, &o->count) < 0)
                                return PKTCTL_EXIT_USAGE;
                        break;
                case OPT_INTERVAL:
                        if (pktctl_parse_uint("--interval", optarg, 3600000, &o->interval_ms) < 0)
                                return PKTCTL_EXIT_USAGE;
                        o->has_interval = true;
                        break;
                case OPT_L2:
                case OPT_L3:
                        if (o->layer) {
                                pktctl_err("%s: --l2 and --l3 exclude each other", cmd);
                                return PKTCTL_EXIT_USAGE;
                        }
                        o->layer = opt == OPT_L2 ? "l2" : "l3";
                        break;
                case OPT_PPS:
                        if (pktctl_parse_count("--pps", optarg, &o->pps) < 0)
                                return PKTCTL_EXIT_USAGE;
                        break;
                case OPT_TOPSPEED:
                        o->is_topspeed = true;
                        break;
                case OPT_JSON:
                        o->is_json = true;
                        break;
                case OPT_HEX:
                        o->is_hex = true;
                        break;
                case OPT_SOCKET:
                        o->socket = optarg;
                        break;
                case 'h':
                        send_usage(stdout, is_replay);
                        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
                default:
                        send_usage(stderr, is_replay);
                        return PKTCTL_EXIT_USAGE;
                }
        }
        if (!o->iface) {
                pktctl_err("%s: which interface (-i)?", cmd);
                send_usage(stderr, is_replay);
                return PKTCTL_EXIT_USAGE;
        }
        if (o->pps && o->is_topspeed) {
                pktctl_err("%s: --pps and --topspeed exclude each other", cmd);
                return PKTCTL_EXIT_USAGE;
        }
        o->socket = pktctl_live_socket(o->socket);
        return -1;
}

/* Calls Send with @params (and @fd when >= 0) and returns the reply's parameters as an object in
 * *@ret. Returns an exit code. */
static int
send_call(const struct send_opts *o, const char *params, int fd, struct json_object **ret)
{
        struct pktc *c = NULL;
        struct pktc_reply rep = {};
        int code, r;

        code = pktctl_live_start(o->socket, SEND, params, 0, &fd, fd >= 0 ? 1 : 0, &c);
        if (code != PKTCTL_EXIT_OK)
                return code;
        /* A send with an interval or a replay with the file's timing lasts as long as it lasts;
         * Ctrl-C (the default action) closes the connection, which stops it. */
        r = pktctl_live_next(c, -1, &rep);
        c = pktc_free(c);
        if (r < 0) {
                pktctl_live_report_io(SEND, r);
                return PKTCTL_EXIT_FAIL;
        }
        if (rep.error) {
                pktctl_live_report_error(&rep);
                pktc_reply_done(&rep);
                return PKTCTL_EXIT_FAIL;
        }
        if (o->is_json)
                puts(rep.parameters);
        *ret = pktctl_jparse(SEND, rep.parameters);
        pktc_reply_done(&rep);
        return *ret ? PKTCTL_EXIT_OK : PKTCTL_EXIT_FAIL;
}

/* The protocol to dissect sent bytes from: @first, or for -1 IPv4 or IPv6 by the version nibble. */
static unsigned
first_proto(int first, const uint8_t *bytes)
{
        if (first >= 0)
                return (unsigned)first;
        return bytes[0] >> 4 == 6 ? PKT_PROTO_IP6 : PKT_PROTO_IP;
}

/* Prints the packets pktd sent (base64 in @packets) as summaries, or hex, dissected from @first
 * (-1: IPv4 or IPv6 by the version nibble, for layer 3). */
static void
print_sent(const struct send_opts *o, struct json_object *packets, int first)
{
        struct pktp_buf b;
        struct pkt p;

        pktp_buf_init(&b, 1u << 20);
        pkt_init(&p);
        for (size_t i = 0; packets && i < json_object_array_length(packets); i++) {
                struct json_object *d = json_object_array_get_idx(packets, i);
                uint8_t *bytes = NULL;
                size_t n = 0;

                if (!json_object_is_type(d, json_type_string) ||
                    pktp_base64_decode(json_object_get_string(d),
                                       (size_t)json_object_get_string_len(d), &bytes, &n) < 0) {
                        puts("(pktd returned bytes that are not base64)");
                        continue;
                }
                pktp_buf_reset(&b);
                if (o->is_hex) {
                        /* As 'pktctl build --hex' prints it: no quotes. */
                        for (size_t k = 0; k < n; k++)
                                pktp_buf_printf(&b, "%02x", bytes[k]);
                } else if (n > 0 && pkt_parse(&p, first_proto(first, bytes), bytes, n, n) == 0) {
                        pktp_packet_summary(&b, &p);
                } else {
                        pktp_buf_printf(&b, "%zu bytes:", n);
                        for (size_t k = 0; k < n; k++)
                                pktp_buf_printf(&b, "%s%02x", k % 2 ? "" : " ", bytes[k]);
                }
                if (b.err == 0)
                        printf("%.*s\n", (int)b.len, b.data);
                free(bytes);
        }
        pkt_done(&p);
        pktp_buf_done(&b);
}

static int64_t
jint(struct json_object *o, const char *key)
{
        struct json_object *v = pktctl_jget(o, key, json_type_int);

        return v ? json_object_get_int64(v) : 0;
}

int
pktctl_send_main(int argc, char **argv)
{
        struct send_opts o = {};
        struct json_object *req, *reply = NULL;
        int code;

        code = send_parse(argc, argv, false, &o);
        if (code >= 0)
                return code;
        if (optind >= argc) {
                pktctl_err("send: which packet (SPEC)?");
                send_usage(stderr, false);
                return PKTCTL_EXIT_USAGE;
        }
        if (argc - optind > SEND_SPECS_MAX) {
                pktctl_err("send: at most %d SPECs", SEND_SPECS_MAX);
                return PKTCTL_EXIT_USAGE;
        }
        if (!o.layer)
                o.layer = pktctl_spec_layer(argv[optind]);
        req = json_object_new_object();
        if (!req)
                return PKTCTL_EXIT_FAIL;
        json_object_object_add(req, "interface", json_object_new_string(o.iface));
        json_object_object_add(req, "layer", json_object_new_string(o.layer));
        json_object_object_add(req, "packets", pktctl_spec_packets(argc, argv, optind));
        if (o.count)
                json_object_object_add(req, "count", json_object_new_int64((int64_t)o.count));
        if (o.has_interval)
                json_object_object_add(req, "intervalMs",
                                       json_object_new_int64((int64_t)o.interval_ms));
        code = send_call(&o, pktctl_jtext(req), -1, &reply);
        json_object_put(req);
        if (code != PKTCTL_EXIT_OK)
                return code;
        if (!o.is_json) {
                int64_t sent = jint(reply, "sent");
                int first = strcmp(o.layer, "l3") == 0 ? -1 : pktctl_spec_first(argv[optind]);
                print_sent(&o, pktctl_jget(reply, "packets", json_type_array), first);
                printf("sent %" PRId64 " packet%s (%" PRId64 " bytes) on %s\n", sent,
                       sent == 1 ? "" : "s", jint(reply, "bytes"), o.iface);
        }
        json_object_put(reply);
        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
}

int
pktctl_replay_main(int argc, char **argv)
{
        struct send_opts o = {};
        struct json_object *req, *reply = NULL;
        const char *path;
        int code, fd;

        code = send_parse(argc, argv, true, &o);
        if (code >= 0)
                return code;
        if (argc - optind != 1) {
                pktctl_err(optind >= argc ? "replay: which file?" : "replay: one FILE only");
                send_usage(stderr, true);
                return PKTCTL_EXIT_USAGE;
        }
        path = argv[optind];
        /* Opened here, with the caller's rights; pktd gets the descriptor, never the path. */
        fd = pktctl_open_capture(path);
        if (fd < 0) {
                pktctl_err("cannot read %s: %s", path, strerror(-fd));
                return PKTCTL_EXIT_FAIL;
        }
        req = json_object_new_object();
        if (!req) {
                if (fd != STDIN_FILENO)
                        (void)close(fd);
                return PKTCTL_EXIT_FAIL;
        }
        json_object_object_add(req, "interface", json_object_new_string(o.iface));
        json_object_object_add(req, "fileDescriptor", json_object_new_int(0));
        json_object_object_add(req, "timing",
                               json_object_new_string(o.is_topspeed ? "topspeed"
                                                      : o.pps       ? "rate"
                                                                    : "original"));
        if (o.pps)
                json_object_object_add(req, "pps", json_object_new_int64((int64_t)o.pps));
        code = send_call(&o, pktctl_jtext(req), fd, &reply);
        json_object_put(req);
        if (fd != STDIN_FILENO)
                (void)close(fd);
        if (code != PKTCTL_EXIT_OK)
                return code;
        if (!o.is_json) {
                int64_t sent = jint(reply, "sent");
                printf("replayed %" PRId64 " packet%s (%" PRId64 " bytes) from %s on %s\n", sent,
                       sent == 1 ? "" : "s", jint(reply, "bytes"), path, o.iface);
        }
        json_object_put(reply);
        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
}
