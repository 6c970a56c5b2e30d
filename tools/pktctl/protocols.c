/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl protocols [NAME...]: what libpkt knows, from the protocol tables themselves, so the list can
 * never drift from the code. Without names, one line per protocol (name, aliases, summary); with names,
 * each protocol's fields (offset, width, type, what is computed), its repeated elements and the keys
 * that carry it — what to write in a spec.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pkt/proto.h>

#include "pktctl.h"

static const char *const type_names[] = {
        [PKT_FT_UINT] = "uint",   [PKT_FT_FLAGS] = "flags", [PKT_FT_ENUM] = "enum",
        [PKT_FT_MAC] = "mac",     [PKT_FT_IPV4] = "ipv4",   [PKT_FT_IPV6] = "ipv6",
        [PKT_FT_BYTES] = "bytes", [PKT_FT_STRING] = "string", [PKT_FT_DNSNAME] = "dnsname",
};

static const char *const space_names[] = {
        [PKT_KEY_DLT] = "linktype",     [PKT_KEY_ETHERTYPE] = "ethertype", [PKT_KEY_LLC_SAP] = "llc-sap",
        [PKT_KEY_SNAP] = "snap",        [PKT_KEY_PPP] = "ppp",             [PKT_KEY_IP_PROTO] = "ip-proto",
        [PKT_KEY_TCP_PORT] = "tcp-port", [PKT_KEY_UDP_PORT] = "udp-port", [PKT_KEY_SCTP_PPID] = "sctp-ppid",
        [PKT_KEY_ICMP_TYPE] = "icmp-type", [PKT_KEY_ICMP6_TYPE] = "icmp6-type", [PKT_KEY_ARPHRD] = "arphrd",
        [PKT_KEY_NLPID] = "nlpid",
};

const char *
pktctl_key_space_name(unsigned space)
{
        return space < _PKT_KEY_MAX && space_names[space] ? space_names[space] : "?";
}

/* Why 8: enough to recognise a table; the rest are one `pktctl read` away. */
#define NAMES_SHOWN 8

static void
print_fields(const struct pkt_field *fields, unsigned n, const char *indent)
{
        for (unsigned k = 0; k < n; k++) {
                const struct pkt_field *f = &fields[k];
                char where[32];
                if (f->off == PKT_OFF_FOLLOW)
                        snprintf(where, sizeof(where), "follows");
                else
                        snprintf(where, sizeof(where), "bit %u", f->off);
                printf("%s%-20s %-9s %-8s", indent, f->name, where,
                       f->type < sizeof(type_names) / sizeof(type_names[0]) ? type_names[f->type] : "?");
                if (f->bits)
                        printf(" %2u bits", f->bits);
                else
                        printf(" variable");
                if (f->flags & PKT_FF_AUTO)
                        printf("  auto");
                if (f->flags & PKT_FF_COMBINED)
                        printf("  combined");
                if (f->flags & PKT_FF_PART)
                        printf("  part");
                if ((f->flags & PKT_FF_COUNTED) && k > 0)
                        printf("  counted by %s", fields[k - 1].name);
                if (f->names && f->type != PKT_FT_UINT) {
                        unsigned i = 0;
                        printf("  (");
                        for (; f->names[i].name && i < NAMES_SHOWN; i++)
                                printf("%s%s", i ? " " : "", f->names[i].name);
                        printf("%s)", f->names[i].name ? " ..." : "");
                }
                printf("\n");
        }
}

static void
print_one(const struct pkt_proto *pr)
{
        printf("%s", pr->name);
        for (const char *const *a = pr->aliases; a && *a; a++)
                printf(" (%s)", *a);
        printf(": %s\n  header: %u bytes at least\n  fields:\n", pr->summary ? pr->summary : "",
               pr->min_hdr_len);
        print_fields(pr->fields, pr->n_fields, "    ");
        for (unsigned s = 0; s < pr->n_elems; s++) {
                printf("  elements %s (each a %s):\n", pr->elems[s].name, pr->elems[s].elem_name);
                print_fields(pr->elems[s].fields, pr->elems[s].n_fields, "    ");
        }
        if (pr->carriers && pr->carriers->space != _PKT_KEY_MAX) {
                printf("  carried by:");
                for (const struct pkt_key *k = pr->carriers; k->space != _PKT_KEY_MAX; k++)
                        if (k->value == PKT_KEY_GUESSED)
                                printf(" %s (by its bytes)", pktctl_key_space_name(k->space));
                        else
                                printf(" %s %u (0x%x)", pktctl_key_space_name(k->space), k->value, k->value);
                printf("\n");
        }
        if (pr->heuristic)
                printf("  also recognised by its bytes on ports nobody registered (heuristic)\n");
        if (pr->encoding_switch)
                printf("  switch: %s=no keeps the layer as written when it is built\n", pr->encoding_switch);
        if (pr->not_dissected)
                printf("  not dissected: %s\n", pr->not_dissected);
}

int
pktctl_protocols_main(int argc, char **argv)
{
        int rc = PKTCTL_EXIT_OK;

        if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                printf("usage: pktctl protocols [NAME...]\n"
                       "  without names: every protocol libpkt knows, one per line\n"
                       "  with names: each one's fields, elements and the keys that carry it\n");
                return PKTCTL_EXIT_OK;
        }
        if (argc <= 1) {
                for (unsigned id = 1; id < PKT_PROTO_MAX; id++) {
                        const struct pkt_proto *pr = pkt_proto_get(id);
                        if (pr)
                                printf("%-24s %s\n", pr->name, pr->summary ? pr->summary : "");
                }
                return PKTCTL_EXIT_OK;
        }
        for (int i = 1; i < argc; i++) {
                int id = pkt_proto_by_name(argv[i], PKT_PROTO_NONE);
                if (id < 0) {
                        pktctl_err("protocols: no protocol called '%s'", argv[i]);
                        rc = PKTCTL_EXIT_FAIL;
                        continue;
                }
                print_one(pkt_proto_get((unsigned)id));
        }
        return rc;
}
