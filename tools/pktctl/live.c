/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl's live commands, through libpktclient and pktd: status, ifaces and call (raw access, as
 * varlinkctl gives), plus the connection and error handling build --via-daemon shares.
 *
 * Replies are read with json-c: pktctl links it anyway (through libpktproto) and these replies are
 * small and few.
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

/* How long a call waits for pktd's reply: 60 s. Why: every method a live command calls answers at
 * once (Build and Dissect are bounded by the frame size, ListInterfaces by the host's interfaces);
 * a daemon silent that long is stuck, and a command line should say so rather than hang. Streams
 * (call --more) wait without limit: their replies come when there is something to say. */
#define CALL_TIMEOUT_MS 60000
/* The most JSON text call reads from standard input ("-"): the client's own call cap. */
#define STDIN_PARAMS_MAX PKTC_CALL_MAX

const char *pktctl_socket;

const char *
pktctl_live_socket(const char *opt)
{
        const char *env;

        if (opt)
                return opt;
        if (pktctl_socket)
                return pktctl_socket;
        env = getenv(PKTC_SOCKET_ENV);
        return env && env[0] ? env : PKTC_SOCKET_DEFAULT;
}

int
pktctl_live_connect(const char *path, struct pktc **ret)
{
        int r = pktc_connect(path, ret);

        if (r == 0)
                return PKTCTL_EXIT_OK;
        if (r == -EACCES || r == -EPERM)
                pktctl_err("cannot connect to pktd at %s: %s (pktd's roles decide who may connect: "
                           "see the [roles] section of pktd.conf)",
                           path, strerror(-r));
        else if (r == -ENAMETOOLONG || r == -EINVAL)
                pktctl_err("cannot connect to pktd at '%s': not a usable socket path", path);
        else
                pktctl_err("cannot connect to pktd at %s: %s (is pktd running? start it with "
                           "'pktd --listen %s' or 'systemctl start pktd.socket'; --socket PATH or "
                           "$PKTD_SOCKET name another socket)",
                           path, strerror(-r), path);
        return PKTCTL_EXIT_FAIL;
}

/* Says why a connection failed after it was made. */
static void
report_io(const char *method, int r)
{
        if (r == -ETIMEDOUT)
                pktctl_err("pktd did not answer %s within %d s", method, CALL_TIMEOUT_MS / 1000);
        else if (r == -ECONNRESET || r == -EPIPE)
                /* What pktd does to a peer it gives no role, before any reply. */
                pktctl_err("pktd closed the connection during %s (pktd disconnects users it gives "
                           "no role: see the [roles] section of pktd.conf)",
                           method);
        else if (r == -EMSGSIZE)
                pktctl_err("pktd's reply to %s is over the client's limit (%u bytes)", method,
                           PKTC_REPLY_MAX);
        else if (r == -EBADMSG)
                pktctl_err("pktd's reply to %s is not a varlink reply", method);
        else
                pktctl_err("%s: %s", method, strerror(-r));
}

void
pktctl_live_report_error(const struct pktc_reply *r)
{
        if (r->message)
                pktctl_err("%s: %s", r->error, r->message);
        else if (r->parameters && strcmp(r->parameters, "{}") != 0)
                pktctl_err("%s: %s", r->error, r->parameters);
        else
                pktctl_err("%s", r->error);
}

int
pktctl_live_call(const char *socket, const char *method, const char *params, struct pktc_reply *ret)
{
        struct pktc *c = NULL;
        int code, r;

        code = pktctl_live_connect(socket, &c);
        if (code != PKTCTL_EXIT_OK)
                return code;
        r = pktc_call(c, method, params, 0);
        if (r == 0)
                r = pktc_reply_read(c, CALL_TIMEOUT_MS, ret);
        c = pktc_free(c);
        if (r < 0) {
                report_io(method, r);
                return PKTCTL_EXIT_FAIL;
        }
        if (ret->error) {
                pktctl_live_report_error(ret);
                pktc_reply_done(ret);
                return PKTCTL_EXIT_FAIL;
        }
        return PKTCTL_EXIT_OK;
}

/* Parses a reply's parameters. A reply pktd sent that json-c cannot read is pktd's fault. */
static struct json_object *
reply_json(const char *method, const struct pktc_reply *r)
{
        struct json_object *o = json_tokener_parse(r->parameters);

        if (!o || !json_object_is_type(o, json_type_object)) {
                pktctl_err("pktd's reply to %s is not a JSON object", method);
                json_object_put(o);
                return NULL;
        }
        return o;
}

static struct json_object *
member(struct json_object *o, const char *key, enum json_type type)
{
        struct json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
                return NULL;
        return v;
}

static const char *
member_str(struct json_object *o, const char *key, const char *dflt)
{
        struct json_object *v = member(o, key, json_type_string);

        return v ? json_object_get_string(v) : dflt;
}

static int64_t
member_int(struct json_object *o, const char *key)
{
        struct json_object *v = member(o, key, json_type_int);

        return v ? json_object_get_int64(v) : -1;
}

/* ---- options every live command takes ---- */

struct live_opts {
        const char *socket;
        bool is_json;
        bool is_more;
        bool is_oneway;
};

enum {
        OPT_SOCKET = 0x100,
        OPT_JSON,
        OPT_MORE,
        OPT_ONEWAY,
};

static void
live_usage(FILE *f, const char *cmd)
{
        if (strcmp(cmd, "call") == 0)
                fputs("Usage: pktctl call [OPTIONS] METHOD [PARAMETERS]\n"
                      "\n"
                      "Calls METHOD (qualified: io.pktd.Packet.Build) with PARAMETERS, one JSON\n"
                      "object ('-' reads it from standard input; none: {}), and prints each "
                      "reply's\n"
                      "parameters as JSON.\n"
                      "\n"
                      "Options:\n"
                      "      --more         ask for a stream of replies; print them until the "
                      "last\n"
                      "      --oneway       ask for no reply\n",
                      f);
        else if (strcmp(cmd, "status") == 0)
                fputs("Usage: pktctl status [OPTIONS]\n"
                      "\n"
                      "Prints pktd's version, uptime, connections, limits and calls per method.\n"
                      "\n"
                      "Options:\n",
                      f);
        else
                fputs("Usage: pktctl ifaces [OPTIONS]\n"
                      "\n"
                      "Lists the host's interfaces as pktd sees them, one a line, as 'ip -br "
                      "addr'\n"
                      "does: name, state, link type, MTU, MAC address, addresses.\n"
                      "\n"
                      "Options:\n",
                      f);
        fputs("      --json         print the reply's parameters as one line of JSON\n"
              "      --socket PATH  pktd's socket (default: $PKTD_SOCKET, else " PKTC_SOCKET_DEFAULT
              ")\n"
              "  -h, --help         show this help\n",
              f);
}

/* Parses the options of live command argv[0]. Returns -1 to go on, else an exit code. */
static int
live_parse(int argc, char **argv, struct live_opts *o)
{
        static const struct option opts[] = {
                { "socket", required_argument, NULL, OPT_SOCKET },
                { "json", no_argument, NULL, OPT_JSON },
                { "more", no_argument, NULL, OPT_MORE },
                { "oneway", no_argument, NULL, OPT_ONEWAY },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        bool is_call = strcmp(argv[0], "call") == 0;
        int opt;

        while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                switch (opt) {
                case OPT_SOCKET:
                        o->socket = optarg;
                        break;
                case OPT_JSON:
                        o->is_json = true;
                        break;
                case OPT_MORE:
                case OPT_ONEWAY:
                        if (!is_call) {
                                pktctl_err("%s: --more and --oneway are options of call", argv[0]);
                                return PKTCTL_EXIT_USAGE;
                        }
                        if (opt == OPT_MORE)
                                o->is_more = true;
                        else
                                o->is_oneway = true;
                        break;
                case 'h':
                        live_usage(stdout, argv[0]);
                        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
                default:
                        live_usage(stderr, argv[0]);
                        return PKTCTL_EXIT_USAGE;
                }
        }
        if (o->is_more && o->is_oneway) {
                pktctl_err("call: --more and --oneway exclude each other");
                return PKTCTL_EXIT_USAGE;
        }
        o->socket = pktctl_live_socket(o->socket);
        return -1;
}

/* ---- status ---- */

static void
print_duration(uint64_t ns)
{
        uint64_t s = ns / 1000000000u;

        if (s < 60)
                printf("%" PRIu64 ".%03" PRIu64 " s\n", s, ns / 1000000u % 1000);
        else if (s < 86400)
                printf("%" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "\n", s / 3600, s / 60 % 60, s % 60);
        else
                printf("%" PRIu64 "d %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "\n", s / 86400,
                       s / 3600 % 24, s / 60 % 60, s % 60);
}

/* The limits pktd reports, whatever they are, as name=value under one heading: a new limit in the
 * interface shows up without a pktctl change. Lines are kept within 100 columns. */
static void
print_limits(struct json_object *lim)
{
        int col = printf("%-13s", "Limits:");

        if (!lim) {
                puts(" ?");
                return;
        }
        json_object_object_foreach(lim, key, val)
        {
                char item[160];
                int n = snprintf(item, sizeof(item), " %s=%" PRId64, key, json_object_get_int64(val));

                if (col > 13 && col + n > 100)
                        col = printf("\n%-13s", "") - 1;
                fputs(item, stdout);
                col += n;
        }
        putchar('\n');
}

static void
print_status(struct json_object *o)
{
        struct json_object *lim = member(o, "limits", json_type_object);
        struct json_object *methods = member(o, "methods", json_type_array);
        int64_t uptime = member_int(o, "uptimeNs");

        printf("%-13s %s\n", "Version:", member_str(o, "version", "?"));
        printf("%-13s ", "Uptime:");
        if (uptime >= 0)
                print_duration((uint64_t)uptime);
        else
                puts("?");
        printf("%-13s %" PRId64 "\n", "Connections:", member_int(o, "connections"));
        print_limits(lim);
        /* The method column is as wide as the longest name, so that the counts line up. */
        int width = (int)strlen("Method");
        for (size_t i = 0; methods && i < json_object_array_length(methods); i++) {
                size_t n = strlen(member_str(json_object_array_get_idx(methods, i), "method", "?"));
                if (n > (size_t)width && n < 256)
                        width = (int)n;
        }
        printf("%-*s %10s %10s\n", width, "Method", "Calls", "Errors");
        for (size_t i = 0; methods && i < json_object_array_length(methods); i++) {
                struct json_object *m = json_object_array_get_idx(methods, i);
                printf("%-*s %10" PRId64 " %10" PRId64 "\n", width, member_str(m, "method", "?"),
                       member_int(m, "calls"), member_int(m, "errors"));
        }
}

/* Runs a no-parameter method and prints its reply with @print, or as JSON. */
static int
simple_command(int argc, char **argv, const char *method, void (*print)(struct json_object *))
{
        struct live_opts o = {};
        struct pktc_reply r = {};
        struct json_object *obj;
        int code;

        code = live_parse(argc, argv, &o);
        if (code >= 0)
                return code;
        if (optind < argc) {
                pktctl_err("%s: unexpected argument '%s'", argv[0], argv[optind]);
                live_usage(stderr, argv[0]);
                return PKTCTL_EXIT_USAGE;
        }
        code = pktctl_live_call(o.socket, method, NULL, &r);
        if (code != PKTCTL_EXIT_OK)
                return code;
        if (o.is_json) {
                puts(r.parameters);
        } else {
                obj = reply_json(method, &r);
                if (!obj) {
                        pktc_reply_done(&r);
                        return PKTCTL_EXIT_FAIL;
                }
                print(obj);
                json_object_put(obj);
        }
        pktc_reply_done(&r);
        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
}

int
pktctl_status_main(int argc, char **argv)
{
        return simple_command(argc, argv, "io.pktd.Daemon.GetStatus", print_status);
}

/* ---- ifaces ---- */

static const char *
iface_state(struct json_object *i)
{
        struct json_object *up = member(i, "up", json_type_boolean);
        struct json_object *running = member(i, "running", json_type_boolean);

        if (!up || !running)
                return "UNKNOWN";
        if (!json_object_get_boolean(up))
                return "DOWN";
        /* Administratively up without a carrier: what ip calls NO-CARRIER. */
        return json_object_get_boolean(running) ? "UP" : "NO-CARRIER";
}

static void
print_ifaces(struct json_object *o)
{
        struct json_object *list = member(o, "interfaces", json_type_array);

        for (size_t i = 0; list && i < json_object_array_length(list); i++) {
                struct json_object *it = json_object_array_get_idx(list, i);
                struct json_object *addrs = member(it, "addresses", json_type_array);

                printf("%-16s %-10s %-10s %6" PRId64 " %-17s", member_str(it, "name", "?"),
                       iface_state(it), member_str(it, "linkType", "?"), member_int(it, "mtu"),
                       member_str(it, "mac", "-"));
                for (size_t k = 0; addrs && k < json_object_array_length(addrs); k++) {
                        struct json_object *a = json_object_array_get_idx(addrs, k);
                        printf(" %s/%" PRId64, member_str(a, "address", "?"),
                               member_int(a, "prefixLength"));
                }
                putchar('\n');
        }
}

int
pktctl_ifaces_main(int argc, char **argv)
{
        return simple_command(argc, argv, "io.pktd.Capture.ListInterfaces", print_ifaces);
}

/* ---- call ---- */

/* Reads standard input whole (at most STDIN_PARAMS_MAX bytes) into *@ret. Returns an exit code. */
static int
read_stdin(char **ret)
{
        size_t len = 0, cap = 4096;
        char *s = malloc(cap);

        if (!s)
                return PKTCTL_EXIT_FAIL;
        for (;;) {
                if (len == cap - 1) {
                        if (cap > STDIN_PARAMS_MAX) {
                                pktctl_err("call: the parameters on standard input are over %u "
                                           "bytes",
                                           STDIN_PARAMS_MAX);
                                free(s);
                                return PKTCTL_EXIT_USAGE;
                        }
                        char *p = realloc(s, cap * 2);
                        if (!p) {
                                free(s);
                                return PKTCTL_EXIT_FAIL;
                        }
                        s = p;
                        cap *= 2;
                }
                size_t n = fread(s + len, 1, cap - 1 - len, stdin);
                len += n;
                if (n == 0)
                        break;
        }
        if (ferror(stdin) || memchr(s, '\0', len)) {
                pktctl_err("call: cannot read the parameters from standard input");
                free(s);
                return PKTCTL_EXIT_USAGE;
        }
        s[len] = '\0';
        *ret = s;
        return PKTCTL_EXIT_OK;
}

static void
print_params(const char *params, bool is_json)
{
        struct json_object *o;

        if (!is_json && (o = json_tokener_parse(params))) {
                puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                               JSON_C_TO_STRING_SPACED |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(o);
                return;
        }
        puts(params);
}

static bool
looks_like_object(const char *params)
{
        struct json_object *o;
        bool ok;

        if (!params)
                return true;
        o = json_tokener_parse(params);
        ok = o && json_object_is_type(o, json_type_object);
        json_object_put(o);
        return ok;
}

static int
bad_call(int r)
{
        pktctl_err("call: %s", r == -EMSGSIZE ? "the call is over the client's size limit"
                                              : "METHOD must be a method name and PARAMETERS one "
                                                "JSON object");
        return PKTCTL_EXIT_USAGE;
}

static int
call_run(const struct live_opts *o, const char *method, const char *params)
{
        unsigned flags = (o->is_more ? PKTC_CALL_MORE : 0) | (o->is_oneway ? PKTC_CALL_ONEWAY : 0);
        struct pktc *c = NULL;
        int code, r;

        /* A first look without a daemon, so that a typo is a usage error even when pktd is not
         * running; pktc_call() checks strictly (json-c takes NaN and 'quotes') and is final. */
        if (!looks_like_object(params))
                return bad_call(-EINVAL);
        code = pktctl_live_connect(o->socket, &c);
        if (code != PKTCTL_EXIT_OK)
                return code;
        r = pktc_call(c, method, params, flags);
        if (r == -EINVAL || r == -EMSGSIZE) {
                c = pktc_free(c);
                return bad_call(r);
        }
        for (bool more = r == 0; more;) {
                struct pktc_reply rep = {};

                r = pktc_reply_read(c, o->is_more ? -1 : CALL_TIMEOUT_MS, &rep);
                if (r == -ENOMSG && o->is_oneway) {
                        r = 0;
                        break;
                }
                if (r < 0)
                        break;
                if (rep.error) {
                        pktctl_live_report_error(&rep);
                        pktc_reply_done(&rep);
                        code = PKTCTL_EXIT_FAIL;
                        break;
                }
                print_params(rep.parameters, o->is_json);
                /* A stream's replies are seen as they come. */
                (void)fflush(stdout);
                more = rep.continues;
                pktc_reply_done(&rep);
        }
        c = pktc_free(c);
        if (r < 0) {
                report_io(method, r);
                return PKTCTL_EXIT_FAIL;
        }
        return pktctl_finish_stdout(code);
}

int
pktctl_call_main(int argc, char **argv)
{
        struct live_opts o = {};
        char *stdin_params = NULL;
        const char *params = NULL;
        int code;

        code = live_parse(argc, argv, &o);
        if (code >= 0)
                return code;
        if (optind >= argc || argc - optind > 2) {
                pktctl_err(optind >= argc ? "call: which method?"
                                          : "call: METHOD and at most one PARAMETERS (quote it)");
                live_usage(stderr, "call");
                return PKTCTL_EXIT_USAGE;
        }
        if (argc - optind == 2) {
                params = argv[optind + 1];
                if (strcmp(params, "-") == 0) {
                        code = read_stdin(&stdin_params);
                        if (code != PKTCTL_EXIT_OK)
                                return code;
                        params = stdin_params;
                }
        }
        code = call_run(&o, argv[optind], params);
        free(stdin_params);
        return code;
}
