/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl: entry point, the subcommand table and the helpers every subcommand uses.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pktctl.h"

/* Offline subcommands run on libpkt; live ones (status, ifaces, call, build --via-daemon, and the
 * capture and injection commands watch, send, replay, sr) go through libpktclient and pktd. */
static const struct pktctl_cmd commands[] = {
        { "read", "print the packets of a capture file, optionally filtered", pktctl_read_main },
        { "stats", "protocol hierarchy of a capture file (frames and bytes per layer path)",
          pktctl_stats_main },
        { "build", "build a packet from a text spec; print it or write it to a pcap",
          pktctl_build_main },
        { "protocols", "list the protocols libpkt knows, or one's fields, elements and carriers",
          pktctl_protocols_main },
        { "fields", "every field definition of each protocol, tab-separated, as tshark -G fields",
          pktctl_fields_main },
        { "status", "pktd's version, uptime, connections, limits and calls per method (live)",
          pktctl_status_main },
        { "ifaces", "the host's interfaces as pktd sees them (live)", pktctl_ifaces_main },
        { "call", "call a pktd method with JSON parameters and print the replies (live)",
          pktctl_call_main },
        { "watch", "capture on an interface, or dissect a file through pktd (live)",
          pktctl_watch_main },
        { "send", "send packets built from specs on an interface (live)", pktctl_send_main },
        { "replay", "replay a capture file onto an interface (live)", pktctl_replay_main },
        { "sr", "send probes and print their answers with round-trip times, like ping (live)",
          pktctl_sr_main },
};

void
pktctl_err(const char *fmt, ...)
{
        va_list ap;

        (void)fflush(stdout);
        fputs("pktctl: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

int
pktctl_write_file(void *ctx, const char *text, size_t len)
{
        return fwrite(text, 1, len, ctx) == len ? 0 : -EIO;
}

int
pktctl_parse_count(const char *opt, const char *text, uint64_t *ret)
{
        char *end;

        errno = 0;
        unsigned long long v = strtoull(text, &end, 10);
        if (errno || end == text || *end || *text == '-' || v == 0) {
                pktctl_err("%s wants a positive count, not '%s'", opt, text);
                return -EINVAL;
        }
        *ret = v;
        return 0;
}

int
pktctl_join_args(int argc, char **argv, int from, char **ret)
{
        size_t len = 0;
        char *s;

        *ret = NULL;
        if (from >= argc)
                return 0;
        for (int i = from; i < argc; i++)
                len += strlen(argv[i]) + 1;
        s = malloc(len);
        if (!s)
                return -ENOMEM;
        s[0] = '\0';
        for (int i = from; i < argc; i++) {
                if (i > from)
                        strcat(s, " ");
                strcat(s, argv[i]);
        }
        *ret = s;
        return 0;
}

int
pktctl_finish_stdout(int code)
{
        if (fflush(stdout) != 0 || ferror(stdout)) {
                pktctl_err("cannot write the output: %s", strerror(errno ? errno : EIO));
                return code == PKTCTL_EXIT_OK ? PKTCTL_EXIT_FAIL : code;
        }
        return code;
}

static void
usage(FILE *f)
{
        fputs("Usage: pktctl [--help] [--version] [--socket PATH] COMMAND [ARGS...]\n"
              "\n"
              "Create, dissect and read packets (offline commands need no daemon; live ones\n"
              "talk to pktd at --socket PATH, $PKTD_SOCKET or /run/pktd/api.sock).\n"
              "\n"
              "Commands:\n",
              f);
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
        fputs("\nRun 'pktctl COMMAND --help' for a command's options.\n", f);
}

int
main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                { "socket", required_argument, NULL, 'S' },
                {},
        };
        int c;

        /* '+': stop at the command name, whose own options are its business. */
        while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
                switch (c) {
                case 'h':
                        usage(stdout);
                        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
                case 'V':
                        printf("pktctl (pktd) %s\n", PKTCTL_VERSION);
                        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
                case 'S':
                        pktctl_socket = optarg;
                        break;
                default:
                        usage(stderr);
                        return PKTCTL_EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                return PKTCTL_EXIT_USAGE;
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
                if (strcmp(argv[optind], commands[i].name) != 0)
                        continue;
                int sub_argc = argc - optind;
                char **sub_argv = argv + optind;
                optind = 0; /* glibc: 0 restarts getopt completely for the subcommand */
                return commands[i].run(sub_argc, sub_argv);
        }
        pktctl_err("unknown command '%s' (see 'pktctl --help')", argv[optind]);
        return PKTCTL_EXIT_USAGE;
}
