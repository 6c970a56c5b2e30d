/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl fields, run as a program: the tab-separated field definitions come from the protocol tables
 * (the expected lines are ip's table in layers/net/ipv4.c and tcp's options in tcp.c), every protocol
 * `pktctl protocols` lists is there, unknown layers are usage errors, protocols NAME shows the
 * not_dissected note, and the committed docs/protocols.md is what scripts/gen-protocols-md.py makes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

#define PKTCTL PKTD_BINARY_DIR "/tools/pktctl"

/* Runs "pktctl @args" (stderr joined to stdout when @with_stderr); the exit code goes to *@ret_code. */
static char *
run(const char *args, bool with_stderr, int *ret_code)
{
        return tu_pktctl("", args, with_stderr, ret_code);
}

static char *
run_ok(const char *args)
{
        int code;
        char *out = run(args, false, &code);
        if (code != 0)
                fail_msg("pktctl %s: exit %d", args, code);
        return out;
}

/* Whether @out has the whole line @line. */
static bool
has_line(const char *out, const char *line)
{
        size_t len = strlen(line);

        for (const char *s = out; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
                if (strncmp(s, line, len) == 0 && (s[len] == '\n' || s[len] == '\0'))
                        return true;
        return false;
}

static void
test_fields_ip_lists_ttl_p_with_value_names_and_auto_sum(void **state)
{
        (void)state;
        char *out = run_ok("fields ip");

        assert_true(has_line(out, "F\tip.ttl\tuint\t8\t64\t-\t-\t-"));
        assert_true(has_line(out, "F\tip.p\tenum\t8\t6\tauto\t-\t0=HOPOPTS,1=ICMP,2=IGMP,4=IP,6=TCP,"
                                  "17=UDP,41=IP6,43=ROUTING,44=FRAGMENT,47=GRE,50=ESP,51=AH,58=ICMP6,"
                                  "59=NONEXT,60=DSTOPTS,89=OSPF,103=PIM,112=VRRP,132=SCTP,137=MPLS"));
        assert_true(has_line(out, "F\tip.sum\tuint\t16\t0x0\tauto\thex\t-"));
        assert_true(has_line(out, "F\tip.flags\tflags\t3\t0\t-\tpart\t0x4=RB,0x2=DF,0x1=MF"));
        assert_true(has_line(out, "F\tip.src\tipv4\t32\t0.0.0.0\t-\tpseudo\t-"));
        assert_true(has_line(out, "E\tip.opts.body\tbytes\t0\t-\t-\t-\t-"));
        assert_true(has_line(out, "P\tip\tInternet Protocol version 4 (RFC 791)\tipv4,ip4\t"
                                  "ethertype 0x800,ip-proto 4,ppp 0x21,linktype 228,llc-sap 6\t"
                                  "The payload of fragments other than the first stays raw "
                                  "(no reassembly)."));
        /* only ip's lines */
        assert_null(strstr(out, "\ttcp."));
        free(out);
}

static void
test_fields_tcp_lists_its_option_element_fields(void **state)
{
        (void)state;
        char *out = run_ok("fields tcp");

        assert_non_null(strstr(out, "\nE\ttcp.opts.type\tenum\t8\t0\t-\t-\t0=EOL,1=NOP,2=MSS,3=WSCALE,"));
        assert_true(has_line(out, "E\ttcp.opts.len\tuint\t8\t0\t-\t-\t-"));
        assert_true(has_line(out, "E\ttcp.opts.body\tbytes\t0\t-\t-\t-\t-"));
        free(out);
}

static void
test_fields_unknown_layer_exits_2_and_prints_nothing_else(void **state)
{
        int code;
        (void)state;

        char *out = run("fields ip nosuch", true, &code);
        assert_int_equal(code, 2);
        assert_non_null(strstr(out, "no protocol called 'nosuch'"));
        /* names are checked before anything is printed */
        assert_null(strstr(out, "ip.ttl"));
        free(out);

        out = run("fields --bogus", true, &code);
        assert_int_equal(code, 2);
        free(out);

        out = run_ok("fields --help");
        assert_non_null(strstr(out, "usage: pktctl fields [LAYER...]"));
        free(out);
}

/* Every registered protocol has its P line, in id order, with as many F lines as table rows. */
static void
test_fields_without_layer_lists_every_protocol_protocols_lists(void **state)
{
        (void)state;
        char *all = run_ok("fields");
        char *list = run_ok("protocols");
        const char *at = all;
        unsigned n = 0;

        for (const char *s = list; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
                char name[64];
                assert_int_equal(sscanf(s, "%63s", name), 1);
                char want[80];
                snprintf(want, sizeof(want), "P\t%s\t", name);
                const char *p = strstr(at, want);
                if (!p)
                        fail_msg("no P line for '%s' after the previous protocol's", name);
                at = p + 1;
                n++;
        }
        unsigned registered = 0, f_lines = 0, fields = 0;
        for (unsigned id = 1; id < PKT_PROTO_MAX; id++) {
                const struct pkt_proto *pr = pkt_proto_get(id);
                if (pr) {
                        registered++;
                        fields += pr->n_fields;
                }
        }
        for (const char *s = all; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
                f_lines += s[0] == 'F' && s[1] == '\t';
        assert_int_equal(n, registered);
        assert_int_equal(f_lines, fields);
        free(all);
        free(list);
}

static void
test_protocols_name_shows_what_is_not_dissected(void **state)
{
        (void)state;
        char *out = run_ok("protocols ospflsu");
        assert_non_null(strstr(out, "\n  not dissected: LSA bodies"));
        free(out);

        out = run_ok("protocols udp");
        assert_null(strstr(out, "not dissected"));
        free(out);
}

/* docs/protocols.md is generated: the committed page must be what the script makes now. */
static void
test_protocols_md_is_what_the_script_generates(void **state)
{
        char cmd[1024];
        int status = -1;
        (void)state;

        if (!tu_have("python3"))
                skip();
        snprintf(cmd, sizeof(cmd),
                 "python3 %s/scripts/gen-protocols-md.py %s %s/protocols.md 2>&1 && "
                 "diff -u %s/docs/protocols.md %s/protocols.md 2>&1",
                 PKTD_SOURCE_DIR, PKTCTL, PKTD_BINARY_DIR, PKTD_SOURCE_DIR, PKTD_BINARY_DIR);
        char *out = tu_run(cmd, &status);
        assert_non_null(out);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                fail_msg("docs/protocols.md is out of date: run scripts/gen-protocols-md.py "
                         "<build>/tools/pktctl docs/protocols.md and commit it\n%.4000s", out);
        free(out);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fields_ip_lists_ttl_p_with_value_names_and_auto_sum),
                cmocka_unit_test(test_fields_tcp_lists_its_option_element_fields),
                cmocka_unit_test(test_fields_unknown_layer_exits_2_and_prints_nothing_else),
                cmocka_unit_test(test_fields_without_layer_lists_every_protocol_protocols_lists),
                cmocka_unit_test(test_protocols_name_shows_what_is_not_dissected),
                cmocka_unit_test(test_protocols_md_is_what_the_script_generates),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
