/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl stats FILE [FILTER...]: the protocol hierarchy, as tshark -q -z io,phs prints it. Every
 * layer path (ethernet, ethernet:ip, ethernet:ip:udp, ...) counts the frames that have it and their
 * bytes on the wire.
 *
 * Paths form a tree; a node is found from its parent and its protocol through one open-addressing
 * hash table, so each layer of each packet costs one probe and nothing is allocated per packet.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "pktctl.h"

/* Distinct layer paths kept. Real captures have tens; a hostile one could make one per packet, so
 * the count is bounded and frames past it are counted apart and reported. */
#define STATS_NODES_MAX 8192
/* Hash slots: a power of two, twice the nodes, so probes stay short even when full. */
#define STATS_SLOTS (2 * STATS_NODES_MAX)
#define NODE_NONE   UINT32_MAX

struct node {
        uint32_t parent; /* NODE_NONE for a first layer */
        uint32_t first_child, last_child, next_sibling;
        uint16_t proto;
        uint64_t frames;
        uint64_t bytes;
};

struct stats {
        struct pkt p; /* reused for every packet */
        struct node nodes[STATS_NODES_MAX];
        uint32_t slots[STATS_SLOTS]; /* node index + 1; 0 = empty */
        uint32_t n_nodes;
        uint32_t first_root, last_root;
        uint64_t frames, bytes;
        uint64_t lost_frames; /* frames with a path beyond STATS_NODES_MAX */
        bool is_json;
};

static inline uint32_t
slot_of(uint32_t parent, unsigned proto)
{
        uint32_t h = (parent + 1) * UINT32_C(0x9e3779b1) ^ proto * UINT32_C(0x85ebca6b);
        return (h ^ h >> 15) & (STATS_SLOTS - 1);
}

static void
link_child(struct stats *st, uint32_t parent, uint32_t idx)
{
        uint32_t *first = parent == NODE_NONE ? &st->first_root : &st->nodes[parent].first_child;
        uint32_t *last = parent == NODE_NONE ? &st->last_root : &st->nodes[parent].last_child;

        /* Children keep the order they were first seen in, as tshark shows them. */
        if (*last == NODE_NONE)
                *first = idx;
        else
                st->nodes[*last].next_sibling = idx;
        *last = idx;
}

/* The node for @proto under @parent, made on first sight. NODE_NONE when the table is full. */
static uint32_t
node_get(struct stats *st, uint32_t parent, unsigned proto)
{
        for (uint32_t s = slot_of(parent, proto), k = 0; k < STATS_SLOTS;
             k++, s = (s + 1) & (STATS_SLOTS - 1)) {
                uint32_t i = st->slots[s];
                if (i == 0) {
                        if (st->n_nodes == STATS_NODES_MAX)
                                return NODE_NONE;
                        i = st->n_nodes++;
                        st->nodes[i] = (struct node){ .parent = parent,
                                                      .proto = (uint16_t)proto,
                                                      .first_child = NODE_NONE,
                                                      .last_child = NODE_NONE,
                                                      .next_sibling = NODE_NONE };
                        st->slots[s] = i + 1;
                        link_child(st, parent, i);
                        return i;
                }
                if (st->nodes[i - 1].parent == parent && st->nodes[i - 1].proto == proto)
                        return i - 1;
        }
        return NODE_NONE;
}

/* The node of @p's layer path. When the table fills up on the way, the deepest node found, with
 * *@ret_is_cut set (NODE_NONE when not even the first layer has one). */
static uint32_t
path_node(struct stats *st, struct pkt *p, bool *ret_is_cut)
{
        unsigned n = pkt_dissect_all(p);
        uint32_t node = NODE_NONE;

        *ret_is_cut = false;
        for (unsigned i = 0; i < n; i++) {
                uint32_t child = node_get(st, node, pkt_layer(p, i)->proto);
                if (child == NODE_NONE) {
                        *ret_is_cut = true;
                        break;
                }
                node = child;
        }
        return node;
}

/* Only the last layer's node counts a frame here; parents get their children's sums in
 * sum_up(): one counter per packet instead of one per layer. */
static int
on_record(void *ctx, uint64_t n, const struct pkt_pcap_rec *rec)
{
        struct stats *st = ctx;
        uint32_t leaf;
        bool is_cut;

        (void)n;
        if (pkt_parse_dlt(&st->p, rec->linktype, rec->data, rec->caplen, rec->wire_len) < 0)
                return 0; /* cannot happen: an unknown link type parses as raw */
        st->frames++;
        st->bytes += rec->wire_len;
        leaf = path_node(st, &st->p, &is_cut);
        st->lost_frames += is_cut;
        if (leaf == NODE_NONE)
                return 0;
        st->nodes[leaf].frames++;
        st->nodes[leaf].bytes += rec->wire_len;
        return 0;
}

/* A node is made after its parent, so walking backwards adds every subtree before its root moves
 * on. */
static void
sum_up(struct stats *st)
{
        for (uint32_t i = st->n_nodes; i-- > 0;) {
                const struct node *nd = &st->nodes[i];
                if (nd->parent == NODE_NONE)
                        continue;
                st->nodes[nd->parent].frames += nd->frames;
                st->nodes[nd->parent].bytes += nd->bytes;
        }
}

/* Depth is bounded by PKT_LAYERS_MAX, so recursion is too. */
static void
print_text(const struct stats *st, uint32_t first, unsigned depth)
{
        for (uint32_t i = first; i != NODE_NONE; i = st->nodes[i].next_sibling) {
                const struct node *nd = &st->nodes[i];
                int w = printf("%*s%s", (int)depth * 2, "", pkt_proto_name(nd->proto));
                printf("%*s frames:%llu bytes:%llu\n", w < 40 ? 40 - w : 0, "",
                       (unsigned long long)nd->frames, (unsigned long long)nd->bytes);
                print_text(st, nd->first_child, depth + 1);
        }
}

static void
print_json(const struct stats *st, uint32_t first)
{
        for (uint32_t i = first; i != NODE_NONE; i = st->nodes[i].next_sibling) {
                const struct node *nd = &st->nodes[i];
                const char *name = pkt_proto_name(nd->proto);
                if (i != first)
                        putchar(',');
                fputs("{\"layer\":", stdout);
                pktctl_json_str(stdout, name, strlen(name));
                printf(",\"frames\":%llu,\"bytes\":%llu,\"children\":[",
                       (unsigned long long)nd->frames, (unsigned long long)nd->bytes);
                print_json(st, nd->first_child);
                fputs("]}", stdout);
        }
}

static void
report(const struct stats *st, const char *path, const char *filter)
{
        if (st->is_json) {
                fputs("{\"file\":", stdout);
                pktctl_json_str(stdout, path, strlen(path));
                fputs(",\"filter\":", stdout);
                pktctl_json_str(stdout, filter ? filter : "", filter ? strlen(filter) : 0);
                printf(",\"frames\":%llu,\"bytes\":%llu,\"protocols\":[",
                       (unsigned long long)st->frames, (unsigned long long)st->bytes);
                print_json(st, st->first_root);
                fputs("]}\n", stdout);
                return;
        }
        printf("Protocol Hierarchy Statistics\nFile: %s\nFilter: %s\nFrames: %llu bytes: %llu\n\n",
               path, filter ? filter : "", (unsigned long long)st->frames,
               (unsigned long long)st->bytes);
        print_text(st, st->first_root, 0);
}

static void
usage(FILE *f)
{
        fputs("Usage: pktctl stats [OPTIONS] FILE [FILTER...]\n"
              "\n"
              "Prints the protocol hierarchy of the capture FILE (- for standard input): for\n"
              "every layer path (ethernet, ethernet:ip, ethernet:ip:udp, ...) the frames that\n"
              "have it and their bytes on the wire, as 'tshark -q -z io,phs' does. A BPF FILTER\n"
              "(tcpdump syntax) selects the packets counted.\n"
              "\n"
              "Options:\n"
              "  -c, --count N  count only the first N matching packets\n"
              "      --json     the same tree as one JSON object\n"
              "  -h, --help     show this help\n",
              f);
}

enum {
        OPT_JSON = 0x100,
};

int
pktctl_stats_main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "count", required_argument, NULL, 'c' },
                { "json", no_argument, NULL, OPT_JSON },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct pktctl_scan s = { .fn = on_record };
        struct stats *st;
        char *filter = NULL;
        bool is_json = false;
        int opt, code;

        while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
                switch (opt) {
                case 'c':
                        if (pktctl_parse_count("-c", optarg, &s.max) < 0)
                                return PKTCTL_EXIT_USAGE;
                        break;
                case OPT_JSON:
                        is_json = true;
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
                pktctl_err("stats: which file?");
                usage(stderr);
                return PKTCTL_EXIT_USAGE;
        }
        s.path = argv[optind];
        /* One allocation per run, not per packet: the tables are too large for the stack. */
        st = calloc(1, sizeof(*st));
        if (!st || pktctl_join_args(argc, argv, optind + 1, &filter) < 0) {
                free(st);
                pktctl_err("out of memory");
                return PKTCTL_EXIT_FAIL;
        }
        st->first_root = st->last_root = NODE_NONE;
        st->is_json = is_json;
        pkt_init(&st->p);
        s.filter = filter;
        s.ctx = st;
        code = pktctl_scan_run(&s);
        /* A file cut short still shows what was read before the cut (the error is already out). */
        if (code == PKTCTL_EXIT_OK || st->frames > 0) {
                sum_up(st);
                report(st, s.path, filter);
                if (st->lost_frames)
                        pktctl_err("%s: more than %d layer paths; %llu frames are counted only in "
                                   "part",
                                   s.path, STATS_NODES_MAX, (unsigned long long)st->lost_frames);
        }
        pkt_done(&st->p);
        free(st);
        free(filter);
        return pktctl_finish_stdout(code);
}
