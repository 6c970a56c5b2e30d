/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The varlink IDL parser: every embedded interface file parses into the types the validator walks
 * (named types resolved, optionals, arrays, maps, enums), is served byte for byte as its description,
 * and malformed interface text is refused with the line of the problem.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pktp/buf.h>
#include <pktp/message.h>

#include "pktp-internal.h"
#include "testutil.h"

static const struct pktp_idl_field *
field(const struct pktp_idl_type *t, const char *name)
{
        for (size_t i = 0; i < t->n_fields; i++)
                if (strcmp(t->fields[i].name, name) == 0)
                        return &t->fields[i];
        fail_msg("no field %s", name);
        return NULL;
}

static const struct pktp_idl_member *
method(const char *iface, const char *name)
{
        const struct pktp_idl_interface *i = pktp_idl_find(iface, strlen(iface));
        assert_non_null(i);
        const struct pktp_idl_member *m = pktp_idl_member_find(i, name, PKTP_IDL_MEMBER_METHOD);
        assert_non_null(m);
        return m;
}

static void
test_idl_every_embedded_interface_parses(void **state)
{
        static const char *names[] = { "io.pktd.Capture", "io.pktd.Daemon", "io.pktd.Inject", "io.pktd.Packet",
                                       "org.varlink.service" };

        (void)state;
        if (pktp_idl_load(NULL) != 0)
                fail_msg("%s", pktp_idl_load_message());
        assert_string_equal(pktp_idl_load_message(), "");
        assert_int_equal(pktp_idl_count(), 5);
        for (size_t i = 0; i < 5; i++) {
                assert_string_equal(pktp_idl_at(i)->name, names[i]);
                assert_ptr_equal(pktp_idl_find(names[i], strlen(names[i])), pktp_idl_at(i));
                assert_true(pktp_idl_at(i)->n_members > 0);
        }
        assert_null(pktp_idl_at(5));
        assert_null(pktp_idl_find("io.pktd", 7));
        assert_null(pktp_idl_find("io.pktd.Packet", 13));
}

static void
test_idl_types_of_the_packet_interface(void **state)
{
        (void)state;
        const struct pktp_idl_member *build = method("io.pktd.Packet", "Build");
        assert_int_equal(build->in->kind, PKTP_IDL_STRUCT);
        assert_int_equal(build->in->n_fields, 3);
        const struct pktp_idl_field *f = field(build->in, "spec");
        assert_int_equal(f->type->kind, PKTP_IDL_STRING);
        assert_true(f->type->optional);
        f = field(build->in, "layers");
        assert_int_equal(f->type->kind, PKTP_IDL_ARRAY);
        assert_true(f->type->optional);
        assert_int_equal(f->type->elem->kind, PKTP_IDL_OBJECT);
        assert_false(f->type->elem->optional);
        assert_int_equal(field(build->in, "noAuto")->type->kind, PKTP_IDL_BOOL);
        /* The output's named type is resolved to its struct. */
        f = field(build->out, "packet");
        assert_int_equal(f->type->kind, PKTP_IDL_NAMED);
        assert_string_equal(f->type->name, "Dissection");
        assert_int_equal(f->type->resolved->kind, PKTP_IDL_STRUCT);
        assert_int_equal(field(f->type->resolved, "caplen")->type->kind, PKTP_IDL_INT);

        const struct pktp_idl_member *dissect = method("io.pktd.Packet", "Dissect");
        assert_false(field(dissect->in, "data")->type->optional);
        assert_true(field(dissect->in, "linkType")->type->optional);
        const struct pktp_idl_interface *i = pktp_idl_find("io.pktd.Packet", 14);
        const struct pktp_idl_member *e = pktp_idl_member_find(i, "BadSpec", PKTP_IDL_MEMBER_ERROR);
        assert_non_null(e);
        assert_int_equal(field(e->in, "position")->type->kind, PKTP_IDL_INT);
        assert_null(pktp_idl_member_find(i, "BadSpec", PKTP_IDL_MEMBER_METHOD));
}

static void
test_idl_enums_arrays_of_enums_and_named_arrays(void **state)
{
        (void)state;
        const struct pktp_idl_member *list = method("io.pktd.Capture", "ListInterfaces");
        const struct pktp_idl_type *t = field(list->out, "interfaces")->type;
        assert_int_equal(t->kind, PKTP_IDL_ARRAY);
        assert_int_equal(t->elem->kind, PKTP_IDL_NAMED);
        const struct pktp_idl_type *iface = t->elem->resolved;
        assert_true(field(iface, "mac")->type->optional);
        const struct pktp_idl_type *addr = field(iface, "addresses")->type->elem->resolved;
        const struct pktp_idl_type *fam = field(addr, "family")->type;
        assert_int_equal(fam->kind, PKTP_IDL_ENUM);
        assert_int_equal(fam->n_fields, 2);
        assert_string_equal(fam->fields[0].name, "inet");
        assert_string_equal(fam->fields[1].name, "inet6");
        assert_null(fam->fields[0].type);

        const struct pktp_idl_member *clients = method("io.pktd.Daemon", "ListClients");
        const struct pktp_idl_type *client = field(clients->out, "clients")->type->elem->resolved;
        const struct pktp_idl_type *roles = field(client, "roles")->type;
        assert_int_equal(roles->kind, PKTP_IDL_ARRAY);
        assert_int_equal(roles->elem->kind, PKTP_IDL_ENUM);
        assert_int_equal(roles->elem->n_fields, 3);

        const struct pktp_idl_member *send = method("io.pktd.Inject", "Send");
        const struct pktp_idl_type *layer = field(send->in, "layer")->type;
        assert_int_equal(layer->kind, PKTP_IDL_ENUM);
        assert_true(layer->optional);
        assert_int_equal(method("io.pktd.Daemon", "Reload")->in->n_fields, 0);
        assert_int_equal(method("io.pktd.Daemon", "Reload")->out->n_fields, 0);
}

static void
test_idl_descriptions_are_the_files_byte_for_byte(void **state)
{
        (void)state;
        for (size_t k = 0; k < pktp_idl_count(); k++) {
                const char *name = pktp_idl_at(k)->name;
                char path[256];
                snprintf(path, sizeof(path), "proto/interfaces/%s.varlink", name);
                FILE *f = fopen(tu_source(path), "rb");
                assert_non_null(f);
                static char file[65536];
                size_t n = fread(file, 1, sizeof(file) - 1, f);
                fclose(f);
                file[n] = '\0';
                const char *d = pktp_interface_description(name);
                assert_non_null(d);
                assert_string_equal(d, file);
        }
        assert_null(pktp_interface_description("io.pktd.Nope"));
        assert_null(pktp_interface_description(NULL));
        assert_null(pktp_interface_description("io.pktd"));
}

static void
test_idl_interfaces_array_lists_every_interface(void **state)
{
        struct pktp_buf b;

        (void)state;
        pktp_buf_init(&b, 4096);
        assert_int_equal(pktp_interfaces_write(&b), 0);
        assert_string_equal(b.data, "[\"io.pktd.Capture\",\"io.pktd.Daemon\",\"io.pktd.Inject\",\"io.pktd.Packet\","
                                    "\"org.varlink.service\"]");
        pktp_buf_reset(&b);
        assert_int_equal(pktp_info_write(&b, "pktd", "pktd", "0.1.0", "https://example.org/\"x\""), 0);
        assert_string_equal(b.data, "{\"vendor\":\"pktd\",\"product\":\"pktd\",\"version\":\"0.1.0\","
                                    "\"url\":\"https://example.org/\\\"x\\\"\",\"interfaces\":[\"io.pktd.Capture\","
                                    "\"io.pktd.Daemon\",\"io.pktd.Inject\",\"io.pktd.Packet\",\"org.varlink.service\"]}");
        pktp_buf_done(&b);
}

static void
test_idl_parses_the_whole_grammar(void **state)
{
        static const char text[] =
                "# leading comment\n"
                "interface org.example.more-x9 # trailing comment\n"
                "\n"
                "type Plain (a: int, b: ?float, c: []string, d: [string]bool, e: ?[]?object)\n"
                "type Choice ( one , two,three )\n"
                "type Nested (x: (y: (z: []Plain)), m: [string][]Choice, anon: ?(p, q))\n"
                "method Ping(\n  # a comment between fields\n  n: Nested,\n  c: Choice\n) -> ()\n"
                "method Empty() -> (x: int)\n"
                "error Oops (reason: string)\n"
                "error Bare ()\n";
        struct pktp_idl_interface *i = NULL;
        char err[200];
        unsigned line = 0;

        (void)state;
        assert_int_equal(pktp_idl_parse(text, strlen(text), &i, err, sizeof(err), &line), 0);
        assert_string_equal(i->name, "org.example.more-x9");
        assert_int_equal(i->n_members, 7);
        const struct pktp_idl_member *plain = pktp_idl_member_find(i, "Plain", PKTP_IDL_MEMBER_TYPE);
        assert_int_equal(field(plain->in, "d")->type->kind, PKTP_IDL_MAP);
        assert_int_equal(field(plain->in, "d")->type->elem->kind, PKTP_IDL_BOOL);
        const struct pktp_idl_type *e = field(plain->in, "e")->type;
        assert_true(e->optional && e->kind == PKTP_IDL_ARRAY && e->elem->optional && e->elem->kind == PKTP_IDL_OBJECT);
        const struct pktp_idl_member *nested = pktp_idl_member_find(i, "Nested", PKTP_IDL_MEMBER_TYPE);
        const struct pktp_idl_type *z = field(field(field(nested->in, "x")->type, "y")->type, "z")->type;
        assert_ptr_equal(z->elem->resolved, plain->in);
        assert_int_equal(field(nested->in, "anon")->type->kind, PKTP_IDL_ENUM);
        assert_int_equal(field(nested->in, "m")->type->elem->elem->resolved->n_fields, 3);
        assert_non_null(pktp_idl_member_find(i, "Bare", PKTP_IDL_MEMBER_ERROR));
        assert_int_equal(pktp_idl_member_find(i, "Ping", PKTP_IDL_MEMBER_METHOD)->line, 7);
        pktp_idl_free(i);
}

static void
test_idl_refuses_malformed_text_with_its_line(void **state)
{
        static const struct {
                const char *text;
                unsigned line;
                const char *what;
        } bad[] = {
                { "", 1, "expected 'interface'" },
                { "# only a comment\n", 2, "expected 'interface'" },
                { "interfac io.x\nmethod A()->()\n", 1, "expected 'interface'" },
                { "interface io\nmethod A()->()\n", 1, "interface name" },
                { "interface io.x-\nmethod A()->()\n", 1, "interface name" },
                { "interface io..x\nmethod A()->()\n", 1, "interface name" },
                { "interface io.x\n", 2, "at least one member" },
                { "interface io.x\n\nmethod A()\n", 4, "'->'" },
                { "interface io.x\nmethod a() -> ()\n", 2, "capital" },
                { "interface io.x\nfunction A() -> ()\n", 2, "'type', 'method' or 'error'" },
                { "interface io.x\nmethod A(x: Nope) -> ()\n", 2, "unknown type 'Nope'" },
                { "interface io.x\nmethod A() -> ()\nmethod A() -> ()\n", 3, "defined twice" },
                { "interface io.x\nmethod A(x: int,\n x: int) -> ()\n", 3, "given twice" },
                { "interface io.x\ntype T (a: ??int)\n", 2, "'?' given twice" },
                { "interface io.x\nmethod A(a, b) -> ()\n", 2, "not an enum" },
                { "interface io.x\nerror E (a, b)\n", 2, "not an enum" },
                { "interface io.x\ntype T (a: int, b)\n", 2, "':'" },
                { "interface io.x\ntype T (a, b: int)\n", 2, "no type" },
                { "interface io.x\ntype T (a: int\n", 3, "','" },
                { "interface io.x\ntype T (a: in t)\n", 2, "expected a type" },
                { "interface io.x\ntype T (a: int b: int)\n", 2, "','" },
                { "interface io.x\ntype T (a: [int]string)\n", 2, "type" },
                { "interface io.x\ntype T (1a: int)\n", 2, "field name" },
                { "interface io.x\ntype T (a__b: int)\n", 2, "field name" },
                { "interface io.x\ntype T (a_: int)\n", 2, "field name" },
                { "interface io.x\ntype T (a: int)\ntype U (b: t)\n", 3, "expected a type" },
                { "interface io.x\nmethod A() -> (x: int) trailing\n", 2, "'type', 'method' or 'error'" },
        };
        (void)state;
        for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
                struct pktp_idl_interface *i = NULL;
                char err[200];
                unsigned line = 0;
                int r = pktp_idl_parse(bad[k].text, strlen(bad[k].text), &i, err, sizeof(err), &line);
                if (r != -EBADMSG)
                        fail_msg("case %zu accepted: %s", k, bad[k].text);
                assert_null(i);
                if (line != bad[k].line || !strstr(err, bad[k].what))
                        fail_msg("case %zu: line %u (want %u), \"%s\" (want \"%s\")", k, line, bad[k].line, err,
                                 bad[k].what);
                char want[16];
                snprintf(want, sizeof(want), "line %u: ", bad[k].line);
                assert_true(strncmp(err, want, strlen(want)) == 0);
        }
}

static void
test_idl_refuses_nul_bytes_and_deep_nesting(void **state)
{
        struct pktp_idl_interface *i = NULL;
        char err[200], text[512];
        unsigned line = 0;

        (void)state;
        assert_int_equal(pktp_idl_parse("interface io.x\0\nmethod A()->()\n", 31, &i, err, sizeof(err), &line),
                         -EBADMSG);
        assert_non_null(strstr(err, "NUL"));
        char *p = text + sprintf(text, "interface io.x\ntype T (a: ");
        for (int k = 0; k < 40; k++)
                p += sprintf(p, "[]");
        sprintf(p, "int)\n");
        assert_int_equal(pktp_idl_parse(text, strlen(text), &i, err, sizeof(err), &line), -EBADMSG);
        assert_non_null(strstr(err, "nested deeper"));
        assert_int_equal(line, 2);
        /* Within the bound it parses. */
        p = text + sprintf(text, "interface io.x\ntype T (a: ");
        for (int k = 0; k < 10; k++)
                p += sprintf(p, "[]");
        sprintf(p, "int)\n");
        assert_int_equal(pktp_idl_parse(text, strlen(text), &i, err, sizeof(err), &line), 0);
        pktp_idl_free(i);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_idl_every_embedded_interface_parses),
                cmocka_unit_test(test_idl_types_of_the_packet_interface),
                cmocka_unit_test(test_idl_enums_arrays_of_enums_and_named_arrays),
                cmocka_unit_test(test_idl_descriptions_are_the_files_byte_for_byte),
                cmocka_unit_test(test_idl_interfaces_array_lists_every_interface),
                cmocka_unit_test(test_idl_parses_the_whole_grammar),
                cmocka_unit_test(test_idl_refuses_malformed_text_with_its_line),
                cmocka_unit_test(test_idl_refuses_nul_bytes_and_deep_nesting),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
