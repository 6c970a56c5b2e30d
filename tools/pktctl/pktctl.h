/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl, the CLI: what its subcommands share. Offline subcommands (read, stats, build) run on
 * libpkt directly; live ones (status, ifaces, call, build --via-daemon: live.c; watch: watch.c;
 * send and replay: send.c; sr: sr.c) go through libpktclient and pktd. All share one dispatch table
 * (main.c). sr's exit codes are ping's instead (sr.c).
 *
 * Exit codes follow tcpdump and most Unix tools: 0 done, 1 the work failed (unreadable file, bad
 * filter, file cut short; pktd answered an error or could not be reached), 2 the command line was
 * wrong (unknown option, bad spec, call parameters that are not a JSON object).
 */
#ifndef PKTCTL_H
#define PKTCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <pkt/pcap.h>
#include <pkt/pkt.h>
#include <pktp/buf.h>

/* Kept by hand in step with project(VERSION) in the top CMakeLists.txt: tools/CMakeLists.txt passes
 * no version define and is not ours to change. */
#define PKTCTL_VERSION "0.1.0"

enum {
        PKTCTL_EXIT_OK = 0,
        PKTCTL_EXIT_FAIL = 1,
        PKTCTL_EXIT_USAGE = 2,
};

/* One subcommand. @run gets argv from the subcommand's name on and returns an exit code. */
struct pktctl_cmd {
        const char *name;
        const char *summary;
        int (*run)(int argc, char **argv);
};

int pktctl_read_main(int argc, char **argv);
int pktctl_stats_main(int argc, char **argv);
int pktctl_build_main(int argc, char **argv);
int pktctl_protocols_main(int argc, char **argv);
int pktctl_fields_main(int argc, char **argv);

/* The name of key space @space (enum pkt_key_space) as pktctl prints it: "ethertype", "tcp-port". */
const char *pktctl_key_space_name(unsigned space);

/* Prints "pktctl: " and the message to stderr, after flushing stdout so that the message comes
 * after whatever was printed before it. */
void pktctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* pkt_write_fn writing to the FILE * @ctx. */
int pktctl_write_file(void *ctx, const char *text, size_t len);

/* Parses a decimal count for option @opt ("-c"). Returns 0, or -EINVAL after printing why. */
int pktctl_parse_count(const char *opt, const char *text, uint64_t *ret);

/* Joins the trailing arguments argv[@from..@argc) with spaces, as tcpdump does with its filter
 * expression, into *@ret (malloc'd; NULL when there are none). Returns 0 or -ENOMEM. */
int pktctl_join_args(int argc, char **argv, int from, char **ret);

/* Fails with exit code 1 when stdout could not be written (a full disk, a closed pipe). */
int pktctl_finish_stdout(int code);

/* ---- reading a capture: the loop shared by read and stats ---- */

/* Called for each record that passed the filter; @n is the record's 1-based position in the file.
 * A negative return stops the scan with that error (already reported by the callback). */
typedef int (*pktctl_rec_fn)(void *ctx, uint64_t n, const struct pkt_pcap_rec *rec);

/* Called once the capture is open and the filter compiled, before any record (optional). A negative
 * return stops the scan (already reported). */
typedef int (*pktctl_open_fn)(void *ctx, const struct pkt_pcap *r);

struct pktctl_scan {
        const char *path;
        const char *filter; /* BPF expression, or NULL for every record */
        uint64_t max;       /* stop after this many matching records; 0 for all */
        pktctl_open_fn opened;
        pktctl_rec_fn fn;
        void *ctx;
};

/* Reads @s->path, filters, and calls @s->fn per matching record. Every message is printed here.
 * Returns an exit code. */
int pktctl_scan_run(const struct pktctl_scan *s);

/* ---- JSON ---- */

/* Why 64 MiB: a 256 KiB frame (libpcap's largest) as hex is 512 KiB; element sets of every tiny
 * element of such a frame spelled out field by field stay far below this. A line that would pass it
 * is an error, not an unbounded allocation: read --json writes none longer, build --from-json reads
 * none longer. */
#define PKTCTL_JSON_LINE_MAX (64u << 20)

/* Writes @len bytes of @s as a JSON string, quotes included. Bytes that are not printable ASCII are
 * written as \u00XX, so any input gives valid JSON. */
void pktctl_json_str(FILE *f, const char *s, size_t len);

/* Writes one packet as one JSON object and a newline (see docs/pktctl.md for the shape), formatted
 * in @b (emptied first, reused from packet to packet so that nothing is allocated per packet). @p is
 * dissected fully. Returns 0 or -errno (-EMSGSIZE: the line would pass @b's cap). */
int pktctl_json_packet(FILE *f, struct pktp_buf *b, struct pkt *p, uint64_t n,
                       const struct pkt_pcap_rec *rec);

/* ---- build ---- */

/* The link type (DLT_*) a pcap whose packets start with a layer of @proto needs, or -ENOENT. */
int pktctl_dlt_for_first_layer(unsigned proto);

/* Prints built packet @p (@len bytes at @data) readably, or as one line of hex. Returns 0 or -EIO. */
int pktctl_build_print(struct pkt *p, const uint8_t *data, size_t len, bool is_hex);

struct build_json_opts {
        const char *path;     /* JSON lines, "-" for standard input */
        const char *out_path; /* -w: one pcap of every packet, or NULL */
        int dlt;              /* --linktype: the pcap's link type, or -1 for the first layer's */
        bool is_hex;
};

/* build --from-json (build_json.c). Returns an exit code. */
int pktctl_build_from_json(const struct build_json_opts *o);

/* ---- chosen fields, as tshark -T fields (extract.c) ---- */

struct pktctl_extract;

struct pktctl_extract *pktctl_extract_new(void);
void pktctl_extract_free(struct pktctl_extract *x);
bool pktctl_extract_is_empty(const struct pktctl_extract *x);

/* Adds a column for the field named @spec ("ip.src", "dns.answers.address", "frame.number"). The
 * layer, and its field or element set, must exist; an error is printed. Returns 0 or -errno. */
int pktctl_extract_add(struct pktctl_extract *x, const char *spec);

/* Writes the columns of packet @p (number @n, record @rec) as one tab-separated line. Returns 0,
 * -EMSGSIZE (a column would pass its cap) or -EIO. */
int pktctl_extract_packet(FILE *f, struct pktctl_extract *x, struct pkt *p, uint64_t n,
                          const struct pkt_pcap_rec *rec);

/* ---- live commands (live.c): through libpktclient and pktd ---- */

struct pktc;
struct pktc_reply;

/* --socket given before the command, or NULL. */
extern const char *pktctl_socket;

int pktctl_status_main(int argc, char **argv);
int pktctl_ifaces_main(int argc, char **argv);
int pktctl_call_main(int argc, char **argv);

/* The socket a live command uses: @opt (its own --socket), else the global --socket, else
 * $PKTD_SOCKET when set and not empty, else pktd's default. */
const char *pktctl_live_socket(const char *opt);

/* Connects to pktd at @path into *@ret. On failure prints why, with a hint (the socket path, how
 * to start pktd). Returns an exit code. */
int pktctl_live_connect(const char *path, struct pktc **ret);

/* Connects to @socket, calls @method with @params (JSON object text or NULL) and reads its one
 * reply into *@ret (release it with pktc_reply_done()). A daemon error, a failed connection or a
 * lost reply is printed here ("pktctl: <error name>: <message>") and gives PKTCTL_EXIT_FAIL with
 * *@ret empty. Returns an exit code. */
int pktctl_live_call(const char *socket, const char *method, const char *params,
                     struct pktc_reply *ret);

/* Prints the error reply @r: "pktctl: <error name>: <message>". */
void pktctl_live_report_error(const struct pktc_reply *r);

/* ---- capture and injection through pktd (watch.c, send.c, sr.c) ---- */

struct json_object;

int pktctl_watch_main(int argc, char **argv);
int pktctl_send_main(int argc, char **argv);
int pktctl_replay_main(int argc, char **argv);
int pktctl_sr_main(int argc, char **argv);

/* Connects to @socket and queues @method with @params (JSON object text) and the @n_fds
 * descriptors @fds (passed to pktd, which reads "fileDescriptor": index). @flags as pktc_call().
 * Prints why on failure. Returns an exit code (PKTCTL_EXIT_FAIL on failure). */
int pktctl_live_start(const char *socket, const char *method, const char *params, unsigned flags,
                      const int *fds, size_t n_fds, struct pktc **ret);

/* Blocks SIGINT and SIGTERM and returns a signalfd that reads them (close-on-exec), so that a
 * stream's poll loop sees Ctrl-C as an event; -errno on failure. */
int pktctl_signalfd(void);

/* Waits for the next reply of @c (stdout is flushed before each wait, so that a stream's lines are
 * seen as they come) or a signal on @sigfd (-1 for none). Returns 0 with *@ret filled, 1 when a
 * signal came, or a negative error of libpktclient (-ENOMSG: no reply is due). */
int pktctl_live_next(struct pktc *c, int sigfd, struct pktc_reply *ret);

/* send.c: the layer ("l2", "l3") a SPEC is sent on when neither --l2 nor --l3 says; the protocol
 * its packet starts with (-ENOENT if unknown); the Packet objects ({"spec":...}) for
 * argv[@from..@argc) as a new json-c array (NULL: out of memory). */
const char *pktctl_spec_layer(const char *spec);
int pktctl_spec_first(const char *spec);
struct json_object *pktctl_spec_packets(int argc, char **argv, int from);

/* Parses a whole number from 0 to @max for option @opt. Returns 0, or -EINVAL after saying why. */
int pktctl_parse_uint(const char *opt, const char *text, uint64_t max, uint64_t *ret);

/* Opens the capture file @path (- for standard input) with the caller's own rights, to pass its
 * descriptor to pktd. Returns the descriptor (STDIN_FILENO for -) or -errno (-EISDIR for a
 * directory). */
int pktctl_open_capture(const char *path);

/* Says on stderr why the connection failed during @method (@r from libpktclient). */
void pktctl_live_report_io(const char *method, int r);

/* The member @key of @o when it has type @type (json_type_*), else NULL. */
struct json_object *pktctl_jget(struct json_object *o, const char *key, int type);

/* Parses @text as one JSON object; prints an error naming @method and returns NULL if it is not. */
struct json_object *pktctl_jparse(const char *method, const char *text);

/* The text of @o's parameters as compact JSON (json-c's, "/" unescaped); owned by @o. */
const char *pktctl_jtext(struct json_object *o);

#endif
