/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl fields [LAYER...]: every field definition, one tab-separated line each, read straight from
 * the protocol tables (pkt/proto.h), as `tshark -G fields` lists its own. Scripts split the lines
 * on tabs (scripts/gen-protocols-md.py makes docs/protocols.md from them):
 *
 *   P  name  summary  aliases  carriers  not-dissected
 *   F  layer.field  type  width  default  auto|-  flags  value-names
 *   E  layer.set.field  type  width  default  auto|-  flags  value-names
 *
 * aliases are a comma list or "-"; carriers "ethertype 0x800,ip-proto 4" (hex
 * for ethertype, SNAP and PPP numbers, decimal otherwise) or "-"; not-dissected is
 * the protocol's own sentence (struct pkt_proto) or "-". Two protocols may share a name (ICMP's and
 * ICMPv6's "echo"): the summary tells them apart. width is in bits, 0 for a variable field; flags
 * is a comma list (combined, part, hex, le, pseudo,
 * signed, delim=TEXT) or "-"; value names are "1=ICMP,6=TCP" (flag bits in hex: "0x2=DF") or "-".
 * Fields of one element kind only (the per-kind tables an iterator hands out) are not in the
 * descriptor, so they are not listed.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <pkt/proto.h>

#include "pktctl.h"

static const char *const type_names[] = {
        [PKT_FT_UINT] = "uint",   [PKT_FT_FLAGS] = "flags", [PKT_FT_ENUM] = "enum",
        [PKT_FT_MAC] = "mac",     [PKT_FT_IPV4] = "ipv4",   [PKT_FT_IPV6] = "ipv6",
        [PKT_FT_BYTES] = "bytes", [PKT_FT_STRING] = "string", [PKT_FT_DNSNAME] = "dnsname",
};

/* Writes @len bytes of @s with C escapes, so that a tab or newline never splits a line. */
static void
put_escaped(const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '\r')
                        fputs("\\r", stdout);
                else if (c == '\n')
                        fputs("\\n", stdout);
                else if (c == '\t')
                        fputs("\\t", stdout);
                else if (c == '\\')
                        fputs("\\\\", stdout);
                else if (isprint(c))
                        putchar(c);
                else
                        printf("\\x%02x", c);
        }
}

static void
put_default(const struct pkt_field *f)
{
        const uint8_t *d = (const uint8_t *)f->def_bytes;

        switch (f->type) {
        case PKT_FT_UINT:
        case PKT_FT_FLAGS:
        case PKT_FT_ENUM:
                if (f->flags & PKT_FF_HEX)
                        printf("0x%llx", (unsigned long long)f->def);
                else
                        printf("%llu", (unsigned long long)f->def);
                return;
        case PKT_FT_MAC:
                if (d)
                        printf("%02x:%02x:%02x:%02x:%02x:%02x", d[0], d[1], d[2], d[3], d[4], d[5]);
                else
                        for (int i = 5; i >= 0; i--)
                                printf("%02llx%s", (unsigned long long)(f->def >> (8 * i)) & 0xff,
                                       i ? ":" : "");
                return;
        case PKT_FT_IPV4:
                if (d)
                        printf("%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
                else
                        printf("%llu.%llu.%llu.%llu", (unsigned long long)(f->def >> 24) & 0xff,
                               (unsigned long long)(f->def >> 16) & 0xff,
                               (unsigned long long)(f->def >> 8) & 0xff,
                               (unsigned long long)f->def & 0xff);
                return;
        default:
                break;
        }
        /* Bytes, strings, names, IPv6: a default only when the table gives one for a fixed width
         * (a delimiter is not a default: it is shown among the flags). */
        size_t n = f->type == PKT_FT_IPV6 ? 16 : f->bits / 8u;
        if (!d || n == 0 || (f->flags & PKT_FF_DELIM)) {
                fputs("-", stdout);
                return;
        }
        if (f->type == PKT_FT_STRING) {
                putchar('"');
                put_escaped(f->def_bytes, n);
                putchar('"');
                return;
        }
        for (size_t i = 0; i < n; i++)
                printf("%02x", d[i]);
}

static void
put_flags(const struct pkt_field *f)
{
        static const struct {
                unsigned flag;
                const char *name;
        } names[] = {
                { PKT_FF_COMBINED, "combined" }, { PKT_FF_PART, "part" },
                { PKT_FF_HEX, "hex" },           { PKT_FF_LE, "le" },
                { PKT_FF_PSEUDO, "pseudo" },     { PKT_FF_SIGNED, "signed" },
                { PKT_FF_COUNTED, "counted" },
        };
        bool any = false;

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                if (f->flags & names[i].flag) {
                        printf("%s%s", any ? "," : "", names[i].name);
                        any = true;
                }
        }
        if ((f->flags & PKT_FF_DELIM) && f->def_bytes) {
                printf("%sdelim=", any ? "," : "");
                put_escaped(f->def_bytes, strlen(f->def_bytes));
                any = true;
        }
        if (!any)
                fputs("-", stdout);
}

static void
put_names(const struct pkt_field *f)
{
        if (!f->names || !f->names[0].name) {
                fputs("-", stdout);
                return;
        }
        /* Bounded by the table's { 0, NULL } end; 4096 is far above any table. */
        for (unsigned i = 0; i < 4096 && f->names[i].name; i++) {
                if (f->type == PKT_FT_FLAGS || (f->flags & PKT_FF_HEX))
                        printf("%s0x%llx=", i ? "," : "", (unsigned long long)f->names[i].value);
                else
                        printf("%s%llu=", i ? "," : "", (unsigned long long)f->names[i].value);
                put_escaped(f->names[i].name, strlen(f->names[i].name));
        }
}

static void
put_field(char kind, const char *layer, const char *set, const struct pkt_field *f)
{
        printf("%c\t%s.%s%s%s\t%s\t%u\t", kind, layer, set ? set : "", set ? "." : "", f->name,
               f->type < sizeof(type_names) / sizeof(type_names[0]) ? type_names[f->type] : "?",
               f->bits);
        put_default(f);
        printf("\t%s\t", f->flags & PKT_FF_AUTO ? "auto" : "-");
        put_flags(f);
        putchar('\t');
        put_names(f);
        putchar('\n');
}

static void
put_proto(const struct pkt_proto *pr)
{
        printf("P\t%s\t", pr->name);
        put_escaped(pr->summary ? pr->summary : "", pr->summary ? strlen(pr->summary) : 0);
        putchar('\t');
        for (const char *const *a = pr->aliases; a && *a; a++)
                printf("%s%s", a == pr->aliases ? "" : ",", *a);
        if (!pr->aliases || !pr->aliases[0])
                fputs("-", stdout);
        putchar('\t');
        const struct pkt_key *c = pr->carriers;
        for (; c && c->space != _PKT_KEY_MAX; c++) {
                bool hex = c->space == PKT_KEY_ETHERTYPE || c->space == PKT_KEY_SNAP ||
                           c->space == PKT_KEY_PPP;
                if (c->value == PKT_KEY_GUESSED)
                        printf("%s%s guessed", c == pr->carriers ? "" : ",", pktctl_key_space_name(c->space));
                else
                        printf(hex ? "%s%s 0x%x" : "%s%s %u", c == pr->carriers ? "" : ",",
                               pktctl_key_space_name(c->space), c->value);
        }
        if (!pr->carriers || pr->carriers->space == _PKT_KEY_MAX)
                fputs("-", stdout);
        putchar('\t');
        if (pr->not_dissected)
                put_escaped(pr->not_dissected, strlen(pr->not_dissected));
        else
                fputs("-", stdout);
        putchar('\n');
        for (unsigned k = 0; k < pr->n_fields; k++)
                put_field('F', pr->name, NULL, &pr->fields[k]);
        for (unsigned s = 0; s < pr->n_elems; s++)
                for (unsigned k = 0; k < pr->elems[s].n_fields; k++)
                        put_field('E', pr->name, pr->elems[s].name, &pr->elems[s].fields[k]);
}

int
pktctl_fields_main(int argc, char **argv)
{
        if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                printf("usage: pktctl fields [LAYER...]\n"
                       "  every field definition of each LAYER (default: every protocol), one per\n"
                       "  line, tab-separated, as tshark -G fields:\n"
                       "    P  name  summary  aliases  carriers  not-dissected\n"
                       "    F  layer.field  type  width-bits(0=variable)  default  auto|-  flags  "
                       "value-names\n"
                       "    E  layer.set.field  (element fields, same columns)\n");
                return PKTCTL_EXIT_OK;
        }
        /* Every name is checked before anything is printed: a script gets all or nothing. */
        for (int i = 1; i < argc; i++) {
                if (argv[i][0] == '-') {
                        pktctl_err("fields: unknown option '%s' (see pktctl fields --help)",
                                   argv[i]);
                        return PKTCTL_EXIT_USAGE;
                }
                if (pkt_proto_by_name(argv[i], PKT_PROTO_NONE) < 0) {
                        pktctl_err("fields: no protocol called '%s' (see pktctl protocols)",
                                   argv[i]);
                        return PKTCTL_EXIT_USAGE;
                }
        }
        if (argc <= 1) {
                for (unsigned id = 1; id < PKT_PROTO_MAX; id++) {
                        const struct pkt_proto *pr = pkt_proto_get(id);
                        if (pr)
                                put_proto(pr);
                }
        }
        for (int i = 1; i < argc; i++)
                put_proto(pkt_proto_get((unsigned)pkt_proto_by_name(argv[i], PKT_PROTO_NONE)));
        return pktctl_finish_stdout(PKTCTL_EXIT_OK);
}
