/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl build SPEC: a packet from the text spec (pkt_build), printed readably, as hex, or written
 * as a one-packet pcap. With --via-daemon pktd builds it (io.pktd.Packet.Build) and the bytes it
 * returns are printed the same way. --from-json builds the packets of JSON lines (build_json.c).
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <pcap/dlt.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pkt/proto.h>
#include <pktc/pktc.h>
#include <pktp/buf.h>

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

int
pktctl_dlt_for_first_layer(unsigned proto)
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
        int dlt = pktctl_dlt_for_first_layer(p->layers[0].proto);
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

/* --linktype: a DLT name as libpcap knows it (EN10MB, RAW, LINUX_SLL) or a number. */
static int
parse_linktype(const char *s)
{
        char *end;
        long v = strtol(s, &end, 0);

        if (end != s && !*end && v >= 0 && v <= 0xffff)
                return (int)v;
        int dlt = pcap_datalink_name_to_val(s);
        if (dlt < 0)
                pktctl_err("build: --linktype %s: no such link type (a DLT name, as EN10MB, or a number)", s);
        return dlt;
}

static void
usage(FILE *f)
{
        fputs("Usage: pktctl build [OPTIONS] SPEC\n"
              "       pktctl build --from-json [--hex] [-w FILE] JSONFILE\n"
              "\n"
              "Builds a packet from SPEC: layers joined by '/', each with its fields, e.g.\n"
              "  'ethernet(dst=ff:ff:ff:ff:ff:ff)/ip(dst=192.0.2.2)/udp(dport=53)/raw(\"x\")'\n"
              "Lengths, next-layer types and checksums are filled in unless given.\n"
              "Prints the packet.\n"
              "\n"
              "With --from-json, builds one packet per line of JSONFILE (- for standard\n"
              "input): objects as 'pktctl read --json' writes them, or {\"spec\":...}. With -w\n"
              "they all go to one pcap (times from \"ts\"; - is standard output), printed only\n"
              "with --hex.\n"
              "\n"
              "Options:\n"
              "      --hex      print only the bytes, as hex\n"
              "  -w FILE        also write the packet to FILE as a one-packet pcap (with\n"
              "                 --from-json: every packet, to one pcap)\n"
              "      --via-daemon  have pktd build it (io.pktd.Packet.Build) and print the bytes\n"
              "                 it returns the same way\n"
              "      --socket PATH  pktd's socket for --via-daemon (default: $PKTD_SOCKET, else\n"
              "                 /run/pktd/api.sock)\n"
              "      --json     with --via-daemon: print pktd's reply (data, length, packet) as\n"
              "                 one line of JSON\n"
              "      --from-json  build the packets of a file of JSON lines instead of SPEC\n"
              "      --linktype DLT  with --from-json -w: the pcap's link type (a name, as\n"
              "                 EN10MB, or a number), where the first layer does not say it\n"
              "  -h, --help     show this help\n",
              f);
}

enum {
        OPT_HEX = 0x100,
        OPT_VIA_DAEMON,
        OPT_SOCKET,
        OPT_JSON,
        OPT_FROM_JSON,
        OPT_LINKTYPE,
};

struct build_opts {
        const char *spec;
        const char *out_path;
        const char *socket;
        bool is_hex;
        bool is_json;
};

int
pktctl_build_print(struct pkt *p, const uint8_t *data, size_t len, bool is_hex)
{
        if (!is_hex)
                return pkt_print(p, pktctl_write_file, stdout) < 0 ? -EIO : 0;
        for (size_t i = 0; i < len; i++)
                printf("%02x", data[i]);
        return putchar('\n') == EOF ? -EIO : 0;
}

/* Prints (or writes) the packet @p, holding @len bytes at @data, as every build path does. */
static int
build_output(const struct build_opts *o, struct pkt *p, const uint8_t *data, size_t len)
{
        int code = PKTCTL_EXIT_OK;

        if (o->out_path)
                code = write_pcap(o->out_path, p, data, len);
        if (code == PKTCTL_EXIT_OK && pktctl_build_print(p, data, len, o->is_hex) < 0)
                code = PKTCTL_EXIT_FAIL;
        return code;
}

/* ---- build --via-daemon ---- */

/* The bytes and the first layer's protocol out of Build's reply parameters @params. */
static int
build_reply_bytes(const char *params, uint8_t **ret_data, size_t *ret_len, int *ret_first)
{
        struct json_object *o = json_tokener_parse(params);
        struct json_object *data, *packet, *layers, *first, *name;
        int r = -EBADMSG;

        if (!o || !json_object_object_get_ex(o, "data", &data) ||
            !json_object_is_type(data, json_type_string) ||
            !json_object_object_get_ex(o, "packet", &packet) ||
            !json_object_object_get_ex(packet, "layers", &layers) ||
            !json_object_is_type(layers, json_type_array) ||
            !(first = json_object_array_get_idx(layers, 0)) ||
            !json_object_object_get_ex(first, "layer", &name) ||
            !json_object_is_type(name, json_type_string))
                goto out;
        *ret_first = pkt_proto_by_name(json_object_get_string(name), PKT_PROTO_NONE);
        if (*ret_first < 0)
                goto out;
        r = pktp_base64_decode(json_object_get_string(data),
                               (size_t)json_object_get_string_len(data), ret_data, ret_len);
out:
        json_object_put(o);
        return r;
}

/* Sends the spec to pktd as io.pktd.Packet.Build and prints the bytes it returns the way the
 * offline path prints its own: dissected by libpkt here from the first layer pktd names, so the
 * two outputs can be compared line for line. */
static int
build_via_daemon(const struct build_opts *o)
{
        struct json_object *params = json_object_new_object();
        struct pktc_reply r = {};
        uint8_t *data = NULL;
        struct pkt p;
        size_t len;
        int first, code, ret;

        if (!params ||
            json_object_object_add(params, "spec", json_object_new_string(o->spec)) < 0) {
                json_object_put(params);
                return PKTCTL_EXIT_FAIL;
        }
        code = pktctl_live_call(o->socket, "io.pktd.Packet.Build",
                                json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN), &r);
        json_object_put(params);
        if (code != PKTCTL_EXIT_OK)
                return code;
        if (o->is_json) {
                puts(r.parameters);
                pktc_reply_done(&r);
                return PKTCTL_EXIT_OK;
        }
        ret = build_reply_bytes(r.parameters, &data, &len, &first);
        pktc_reply_done(&r);
        if (ret < 0) {
                pktctl_err("build: pktd's reply to io.pktd.Packet.Build has no usable packet");
                return PKTCTL_EXIT_FAIL;
        }
        pkt_init(&p);
        ret = pkt_parse(&p, (unsigned)first, data, len, len);
        code = ret < 0 ? PKTCTL_EXIT_FAIL : build_output(o, &p, data, len);
        pkt_done(&p);
        free(data);
        return code;
}

static int
build(const struct build_opts *o)
{
        struct pkt p;
        const uint8_t *data;
        char err[256];
        int r, code = PKTCTL_EXIT_OK;

        pkt_init(&p);
        r = pkt_build(&p, o->spec, err, sizeof(err));
        if (r < 0) {
                pktctl_err("build: %s", err);
                pkt_done(&p);
                return PKTCTL_EXIT_USAGE;
        }
        r = pkt_serialize(&p, 0, &data);
        if (r < 0) {
                pktctl_err("build: cannot serialise: %s", pkt_serialize_strerror(r));
                pkt_done(&p);
                return PKTCTL_EXIT_FAIL;
        }
        code = build_output(o, &p, data, (size_t)r);
        pkt_done(&p);
        return code;
}

int
pktctl_build_main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "hex", no_argument, NULL, OPT_HEX },
                { "via-daemon", no_argument, NULL, OPT_VIA_DAEMON },
                { "socket", required_argument, NULL, OPT_SOCKET },
                { "json", no_argument, NULL, OPT_JSON },
                { "from-json", no_argument, NULL, OPT_FROM_JSON },
                { "linktype", required_argument, NULL, OPT_LINKTYPE },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct build_opts o = {};
        bool is_via_daemon = false, is_from_json = false;
        int dlt = -1;
        int opt;

        while ((opt = getopt_long(argc, argv, "w:h", opts, NULL)) != -1) {
                switch (opt) {
                case OPT_HEX:
                        o.is_hex = true;
                        break;
                case 'w':
                        o.out_path = optarg;
                        break;
                case OPT_VIA_DAEMON:
                        is_via_daemon = true;
                        break;
                case OPT_SOCKET:
                        o.socket = optarg;
                        break;
                case OPT_JSON:
                        o.is_json = true;
                        break;
                case OPT_FROM_JSON:
                        is_from_json = true;
                        break;
                case OPT_LINKTYPE:
                        if ((dlt = parse_linktype(optarg)) < 0)
                                return PKTCTL_EXIT_USAGE;
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
                pktctl_err(optind < argc     ? "build: one SPEC only (quote it: it may hold spaces)"
                           : is_from_json ? "build: which file of JSON lines (- for standard input)?"
                                          : "build: which spec?");
                usage(stderr);
                return PKTCTL_EXIT_USAGE;
        }
        if (dlt >= 0 && !is_from_json) {
                pktctl_err("build: --linktype goes with --from-json (one packet's link type is its first layer's)");
                return PKTCTL_EXIT_USAGE;
        }
        if (is_from_json) {
                if (is_via_daemon || o.socket || o.is_json) {
                        pktctl_err("build: --from-json builds here; not with --via-daemon, --socket or --json");
                        return PKTCTL_EXIT_USAGE;
                }
                /* "-w -": the pcap goes to standard output, which nothing else may then use. */
                bool is_stdout = o.out_path && strcmp(o.out_path, "-") == 0;
                if (is_stdout && o.is_hex) {
                        pktctl_err("build: -w - writes the pcap to standard output; not with --hex");
                        return PKTCTL_EXIT_USAGE;
                }
                if (dlt >= 0 && !o.out_path) {
                        pktctl_err("build: --linktype names the link type of the pcap -w writes");
                        return PKTCTL_EXIT_USAGE;
                }
                struct build_json_opts jo = { .path = argv[optind],
                                              .out_path = is_stdout ? "/dev/stdout" : o.out_path,
                                              .dlt = dlt,
                                              .is_hex = o.is_hex };
                return pktctl_finish_stdout(pktctl_build_from_json(&jo));
        }
        if (!is_via_daemon && (o.socket || o.is_json)) {
                pktctl_err("build: --socket and --json go with --via-daemon");
                return PKTCTL_EXIT_USAGE;
        }
        if (o.is_json && (o.is_hex || o.out_path)) {
                pktctl_err("build: --json prints pktd's reply; not with --hex or -w");
                return PKTCTL_EXIT_USAGE;
        }
        o.spec = argv[optind];
        if (!is_via_daemon)
                return pktctl_finish_stdout(build(&o));
        o.socket = pktctl_live_socket(o.socket);
        return pktctl_finish_stdout(build_via_daemon(&o));
}
