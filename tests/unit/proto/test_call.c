/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktp_call_parse(): a valid call for every method, the call's shape, InterfaceNotFound vs
 * MethodNotFound, parameters against the interface files (required, optional, null, unknown keys,
 * types, enums, nested types, arrays) and the C range table, json-c's silent integer clamp detected,
 * depth 32/33 and the 1 MiB frame inside a real call; the method rows against the interface files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <pktp/buf.h>
#include <pktp/message.h>

#include "pktp-internal.h"
#include "testutil.h"

static int
parse(const char *s, struct pktp_call *c, struct pktp_error *e)
{
        memset(e, 0, sizeof(*e));
        return pktp_call_parse(s, strlen(s), c, e);
}

static void
assert_call_ok(const char *s)
{
        struct pktp_call c = { 0 };
        struct pktp_error e;

        if (parse(s, &c, &e) != 0)
                fail_msg("refused %.300s: %s %s %s", s, pktp_error_name(e.id), e.arg, e.message);
        assert_non_null(c.root);
        assert_non_null(c.desc);
        assert_non_null(c.parameters);
        assert_true(json_object_is_type(c.parameters, json_type_object));
        assert_string_equal(c.method, c.desc->name);
        pktp_call_done(&c);
        assert_null(c.root);
        pktp_call_done(&c);
}

static void
assert_call_error(const char *s, enum pktp_error_id id, const char *arg)
{
        struct pktp_call c = { 0 };
        struct pktp_error e;
        int r = parse(s, &c, &e);

        if (r >= 0 || e.id != id || (arg && strcmp(e.arg, arg) != 0))
                fail_msg("%.300s: r=%d %s arg=\"%s\" (%s); want %s \"%s\"", s, r, pktp_error_name(e.id) ?: "OK",
                         e.arg, e.message, pktp_error_name(id), arg ?: "");
        assert_null(c.root);
        if (id != PKTP_ERR_PERMISSION_DENIED && id != PKTP_ERR_EXPECTED_MORE)
                assert_true(e.message[0] != '\0');
}

#define CALL(m, p) "{\"method\":\"" m "\",\"parameters\":" p "}"

static void
test_call_accepts_a_valid_call_for_every_method(void **state)
{
        (void)state;
        assert_call_ok(CALL("io.pktd.Packet.Build", "{\"spec\":\"ip(dst=192.0.2.2)/icmp(type=8)/echo(id=1)\"}"));
        assert_call_ok(CALL("io.pktd.Packet.Build", "{\"layers\":[{\"layer\":\"ip\",\"dst\":\"192.0.2.2\"},"
                                                    "{\"layer\":\"icmp\",\"type\":8}],\"noAuto\":true}"));
        assert_call_ok(CALL("io.pktd.Packet.Dissect", "{\"data\":\"AAECAw==\"}"));
        assert_call_ok(CALL("io.pktd.Packet.Dissect",
                            "{\"data\":\"AAECAw==\",\"first\":\"ip\",\"linkType\":1,\"wireLength\":1500}"));
        assert_call_ok(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"first\":null,\"linkType\":null}"));
        assert_call_ok(CALL("io.pktd.Capture.ListInterfaces", "{}"));
        assert_call_ok("{\"method\":\"io.pktd.Daemon.GetStatus\"}");
        assert_call_ok(CALL("io.pktd.Daemon.ListClients", "{}"));
        assert_call_ok(CALL("io.pktd.Daemon.Reload", "{}"));
        assert_call_ok(CALL("org.varlink.service.GetInfo", "{}"));
        assert_call_ok(CALL("org.varlink.service.GetInterfaceDescription", "{\"interface\":\"io.pktd.Packet\"}"));
        assert_call_ok(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"layer\":\"l3\",\"packets\":"
                                                   "[{\"spec\":\"ip()\"},{\"data\":\"AA==\"},{\"layers\":[{}]}],"
                                                   "\"count\":3,\"intervalMs\":10}"));
        assert_call_ok(CALL("io.pktd.Inject.SendReceive", "{\"interface\":\"lo\",\"packets\":[{\"spec\":\"ip()\"}],"
                                                          "\"timeoutMs\":1000,\"retry\":2,\"multi\":false}"));
}

static void
test_call_reads_flags_and_supplies_empty_parameters(void **state)
{
        struct pktp_call c;
        struct pktp_error e;

        (void)state;
        assert_int_equal(parse(" {\"more\":true,\"method\":\"io.pktd.Daemon.GetStatus\"}\n", &c, &e), 0);
        assert_true(c.more);
        assert_false(c.oneway);
        assert_int_equal(json_object_object_length(c.parameters), 0);
        assert_int_equal(c.desc->roles, 0);
        pktp_call_done(&c);
        assert_int_equal(parse("{\"method\":\"io.pktd.Daemon.Reload\",\"oneway\":true,\"more\":false}", &c, &e), 0);
        assert_true(c.oneway);
        assert_false(c.more);
        assert_int_equal(c.desc->roles, PKTP_ROLE_ADMIN);
        pktp_call_done(&c);
        /* The frame may carry its NUL right after len: it is not part of the message. */
        const char framed[] = "{\"method\":\"io.pktd.Daemon.GetStatus\"}";
        assert_int_equal(pktp_call_parse(framed, sizeof(framed) - 1, &c, NULL), 0);
        pktp_call_done(&c);
        assert_int_equal(pktp_call_parse(framed, sizeof(framed), &c, &e), -EBADMSG);
}

static void
test_call_refuses_bad_call_shapes(void **state)
{
        (void)state;
        static const char *bad[] = {
                "[]", "\"io.pktd.Daemon.GetStatus\"", "null", "{}", "{\"parameters\":{}}",
                "{\"method\":1}", "{\"method\":null}", "{\"method\":[\"io.pktd.Daemon.GetStatus\"]}",
                CALL("io.pktd.Daemon.GetStatus", "[]"), CALL("io.pktd.Daemon.GetStatus", "null"),
                CALL("io.pktd.Daemon.GetStatus", "\"{}\""),
                "{\"method\":\"io.pktd.Daemon.GetStatus\",\"more\":\"yes\"}",
                "{\"method\":\"io.pktd.Daemon.GetStatus\",\"more\":1}",
                "{\"method\":\"io.pktd.Daemon.GetStatus\",\"oneway\":null}",
                "{\"method\":\"io.pktd.Daemon.GetStatus\",\"upgrade\":true}",
                "{\"method\":\"io.pktd.Daemon.GetStatus\",\"upgrade\":false}",
                "{\"method\":\"io.pktd.Daemon.GetStatus\",\"id\":1}",
                "{\"method\":\"io.pktd.Daemon.GetStatus\",\"more\":true,\"oneway\":true}",
                "{\"method\":\"GetStatus\"}", "{\"method\":\"\"}", "{\"method\":\".GetStatus\"}",
                "{\"method\":\"io.pktd.Daemon.\"}", "{\"method\":\"io.pktd.Daemon.getStatus\"}",
                "{\"method\":\"io.pktd.Daemon.Get-Status\"}", "{\"method\":\"io..Daemon.GetStatus\"}",
                "{\"method\":\"io.pktd.Daemon.GetStatus\",\"method\":\"io.pktd.Daemon.Reload\"}",
                "{\"method\":\"io.pktd.Daemon.GetStatus\"} {}",
                "{\"method\":\"io.pktd.Daemon.GetStatus\",}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_call_error(bad[i], PKTP_ERR_PROTOCOL_ERROR, "");
        char longname[400];
        snprintf(longname, sizeof(longname), "{\"method\":\"io.%0300d.X\"}", 0);
        assert_call_error(longname, PKTP_ERR_PROTOCOL_ERROR, "");
}

static void
test_call_tells_interface_not_found_from_method_not_found(void **state)
{
        (void)state;
        assert_call_error(CALL("io.pktd.Nope.Build", "{}"), PKTP_ERR_INTERFACE_NOT_FOUND, "io.pktd.Nope");
        assert_call_error(CALL("io.pktd.Build", "{}"), PKTP_ERR_INTERFACE_NOT_FOUND, "io.pktd");
        assert_call_error(CALL("org.varlink.service.Nope", "{}"), PKTP_ERR_METHOD_NOT_FOUND,
                          "org.varlink.service.Nope");
        assert_call_error(CALL("io.pktd.Packet.Send", "{}"), PKTP_ERR_METHOD_NOT_FOUND, "io.pktd.Packet.Send");
        /* Types and errors are not methods. */
        assert_call_error(CALL("io.pktd.Packet.Dissection", "{}"), PKTP_ERR_METHOD_NOT_FOUND,
                          "io.pktd.Packet.Dissection");
        assert_call_error(CALL("io.pktd.Packet.BadSpec", "{}"), PKTP_ERR_METHOD_NOT_FOUND, "io.pktd.Packet.BadSpec");
        /* The interface is looked up before the parameters are read. */
        assert_call_error(CALL("io.pktd.Nope.Build", "{\"x\":1}"), PKTP_ERR_INTERFACE_NOT_FOUND, "io.pktd.Nope");
}

static void
test_call_validates_parameters_against_the_interface(void **state)
{
        (void)state;
        /* required, unknown, null */
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{}"), PKTP_ERR_INVALID_PARAMETER, "data");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":null}"), PKTP_ERR_INVALID_PARAMETER, "data");
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"spce\":\"ip()\"}"), PKTP_ERR_INVALID_PARAMETER, "spce");
        assert_call_error(CALL("io.pktd.Daemon.GetStatus", "{\"verbose\":true}"), PKTP_ERR_INVALID_PARAMETER,
                          "verbose");
        assert_call_error(CALL("org.varlink.service.GetInterfaceDescription", "{}"), PKTP_ERR_INVALID_PARAMETER,
                          "interface");
        /* types */
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":1}"), PKTP_ERR_INVALID_PARAMETER, "data");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":1.0}"),
                          PKTP_ERR_INVALID_PARAMETER, "linkType");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":1e2}"),
                          PKTP_ERR_INVALID_PARAMETER, "linkType");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":\"1\"}"),
                          PKTP_ERR_INVALID_PARAMETER, "linkType");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":true}"),
                          PKTP_ERR_INVALID_PARAMETER, "linkType");
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"noAuto\":\"yes\"}"), PKTP_ERR_INVALID_PARAMETER,
                          "noAuto");
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"noAuto\":0}"), PKTP_ERR_INVALID_PARAMETER, "noAuto");
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"layers\":{}}"), PKTP_ERR_INVALID_PARAMETER, "layers");
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"layers\":[{},[]]}"), PKTP_ERR_INVALID_PARAMETER,
                          "layers[1]");
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"layers\":[{},null]}"), PKTP_ERR_INVALID_PARAMETER,
                          "layers[1]");
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"layers\":[{},\"ip\"]}"), PKTP_ERR_INVALID_PARAMETER,
                          "layers[1]");
        /* enums */
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"layer\":\"l4\",\"packets\":[{}]}"),
                          PKTP_ERR_INVALID_PARAMETER, "layer");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"layer\":2,\"packets\":[{}]}"),
                          PKTP_ERR_INVALID_PARAMETER, "layer");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"layer\":\"L2\",\"packets\":[{}]}"),
                          PKTP_ERR_INVALID_PARAMETER, "layer");
        /* nested named types */
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"packets\":[{},{\"spec\":1}]}"),
                          PKTP_ERR_INVALID_PARAMETER, "packets[1].spec");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"packets\":[{\"foo\":1}]}"),
                          PKTP_ERR_INVALID_PARAMETER, "packets[0].foo");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"packets\":[{\"layers\":[{},3]}]}"),
                          PKTP_ERR_INVALID_PARAMETER, "packets[0].layers[1]");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"packets\":[1]}"),
                          PKTP_ERR_INVALID_PARAMETER, "packets[0]");
        /* Send's packets are optional (a replay has none); SendReceive's are not. */
        assert_call_error(CALL("io.pktd.Inject.SendReceive", "{\"interface\":\"eth0\"}"), PKTP_ERR_INVALID_PARAMETER,
                          "packets");
        /* A message names the path and what was wrong, nothing internal. */
        struct pktp_call c;
        struct pktp_error e;
        assert_int_equal(parse(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"layer\":\"l4\",\"packets\":[{}]}"),
                               &c, &e),
                         -EINVAL);
        assert_string_equal(e.message, "layer: must be one of: l2, l3");
}

static void
test_call_applies_the_range_table(void **state)
{
        (void)state;
        assert_call_ok(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":0,\"wireLength\":0}"));
        assert_call_ok(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":65535,\"wireLength\":262144}"));
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":65536}"),
                          PKTP_ERR_INVALID_PARAMETER, "linkType");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":-1}"),
                          PKTP_ERR_INVALID_PARAMETER, "linkType");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"wireLength\":262145}"),
                          PKTP_ERR_INVALID_PARAMETER, "wireLength");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"first\":\"\"}"),
                          PKTP_ERR_INVALID_PARAMETER, "first");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"first\":\"abcdefghijklmnopqrstuvwxyz0123456\"}"),
                          PKTP_ERR_INVALID_PARAMETER, "first");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"packets\":[{}],\"count\":0}"),
                          PKTP_ERR_INVALID_PARAMETER, "count");
        assert_call_ok(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"packets\":[{}],\"count\":1000000}"));
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"packets\":[{}],\"count\":1000001}"),
                          PKTP_ERR_INVALID_PARAMETER, "count");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"packets\":[{}],\"intervalMs\":-1}"),
                          PKTP_ERR_INVALID_PARAMETER, "intervalMs");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"0123456789abcdef\",\"packets\":[{}]}"),
                          PKTP_ERR_INVALID_PARAMETER, "interface");
        assert_call_ok(CALL("io.pktd.Inject.Send", "{\"interface\":\"0123456789abcde\",\"packets\":[{}]}"));
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"\",\"packets\":[{}]}"),
                          PKTP_ERR_INVALID_PARAMETER, "interface");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"packets\":[]}"),
                          PKTP_ERR_INVALID_PARAMETER, "packets");
        assert_call_error(CALL("io.pktd.Inject.SendReceive", "{\"interface\":\"eth0\",\"packets\":[{}],\"retry\":101}"),
                          PKTP_ERR_INVALID_PARAMETER, "retry");
        assert_call_error(CALL("io.pktd.Inject.SendReceive",
                               "{\"interface\":\"eth0\",\"packets\":[{}],\"timeoutMs\":3600001}"),
                          PKTP_ERR_INVALID_PARAMETER, "timeoutMs");
        assert_call_error(CALL("io.pktd.Inject.SendReceive",
                               "{\"interface\":\"eth0\",\"packets\":[{}],\"deadlineMs\":0}"),
                          PKTP_ERR_INVALID_PARAMETER, "deadlineMs");
        assert_call_error(CALL("io.pktd.Inject.SendReceive",
                               "{\"interface\":\"eth0\",\"packets\":[{}],\"output\":\"hex\"}"),
                          PKTP_ERR_INVALID_PARAMETER, "output");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"fileDescriptor\":4}"),
                          PKTP_ERR_INVALID_PARAMETER, "fileDescriptor");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"fileDescriptor\":0,"
                                                      "\"timing\":\"rate\",\"pps\":0}"),
                          PKTP_ERR_INVALID_PARAMETER, "pps");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"fileDescriptor\":0,"
                                                      "\"timing\":\"fast\"}"),
                          PKTP_ERR_INVALID_PARAMETER, "timing");
        assert_call_ok(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"fileDescriptor\":3,"
                                                   "\"timing\":\"rate\",\"pps\":10000000}"));
        /* Array counts: layers of a packet, packets of a Send. */
        char s[8192], *p = s + sprintf(s, "{\"method\":\"io.pktd.Packet.Build\",\"parameters\":{\"layers\":[");
        for (int i = 0; i < 33; i++)
                p += sprintf(p, "%s{}", i ? "," : "");
        strcpy(p, "]}}");
        assert_call_error(s, PKTP_ERR_INVALID_PARAMETER, "layers");
        strcpy(p - 3, "]}}");
        assert_call_ok(s);
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"layers\":[]}"), PKTP_ERR_INVALID_PARAMETER, "layers");
        /* A string without a row of its own is capped at PKTP_STRING_MAX. */
        char *big = malloc(PKTP_STRING_MAX + 200);
        assert_non_null(big);
        p = big + sprintf(big, "{\"method\":\"org.varlink.service.GetInterfaceDescription\",\"parameters\":{\"interface\":\"");
        memset(p, 'a', 256);
        strcpy(p + 256, "\"}}");
        assert_call_error(big, PKTP_ERR_INVALID_PARAMETER, "interface");
        free(big);
}

/* The issue: json-c saturates out-of-range integers silently; the request path must not. */
static void
test_call_refuses_integers_json_c_would_saturate(void **state)
{
        (void)state;
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":9223372036854775808}"),
                          PKTP_ERR_INVALID_PARAMETER, "linkType");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":-9223372036854775809}"),
                          PKTP_ERR_INVALID_PARAMETER, "linkType");
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"wireLength\":18446744073709551616}"),
                          PKTP_ERR_INVALID_PARAMETER, "wireLength");
        assert_call_error(CALL("io.pktd.Inject.Send", "{\"interface\":\"eth0\",\"packets\":[{}],"
                                                      "\"count\":18446744073709551615}"),
                          PKTP_ERR_INVALID_PARAMETER, "count");
        /* Inside a layer object, whose fields the interface does not type: still refused, with the path. */
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"layers\":[{\"layer\":\"ip\"},{\"seq\":9223372036854775808}]}"),
                          PKTP_ERR_INVALID_PARAMETER, "layers[1].seq");
        /* Outside the parameters it is the call that is broken. */
        assert_call_error("{\"method\":\"io.pktd.Daemon.GetStatus\",\"more\":false,\"x\":9223372036854775808}",
                          PKTP_ERR_PROTOCOL_ERROR, "");
        /* In range at the edges: a type error or a range error, never a clamp. */
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"linkType\":9223372036854775807}"),
                          PKTP_ERR_INVALID_PARAMETER, "linkType");
}

static void
test_call_refuses_duplicates_nuls_and_bad_text_in_calls(void **state)
{
        (void)state;
        assert_call_error(CALL("io.pktd.Packet.Dissect", "{\"data\":\"\",\"data\":\"AA==\"}"),
                          PKTP_ERR_INVALID_PARAMETER, "data");
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"layers\":[{\"layer\":\"ip\",\"ttl\":1,\"ttl\":2}]}"),
                          PKTP_ERR_INVALID_PARAMETER, "layers[0].ttl");
        assert_call_error("{\"method\":\"io.pktd.Daemon.GetStatus\",\"parameters\":{},\"parameters\":{}}",
                          PKTP_ERR_PROTOCOL_ERROR, "");
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"spec\":\"ip()\\u0000/tcp()\"}"), PKTP_ERR_INVALID_PARAMETER,
                          "spec");
        assert_call_error("{\"method\":\"io.pktd.Daemon.GetStatus\\u0000x\"}", PKTP_ERR_PROTOCOL_ERROR, "");
        assert_call_error(CALL("io.pktd.Packet.Build", "{\"spec\":\"\xff\"}"), PKTP_ERR_PROTOCOL_ERROR, "");
        assert_call_error("{\"method\":\"io.pktd.Daemon.GetStatus\"", PKTP_ERR_PROTOCOL_ERROR, "");
        struct pktp_call c;
        struct pktp_error e;
        const char nul[] = "{\"method\":\"io.pktd.Daemon.GetStatus\",\0\"x\":1}";
        assert_int_equal(pktp_call_parse(nul, sizeof(nul) - 1, &c, &e), -EBADMSG);
        assert_int_equal(pktp_call_parse(NULL, 0, &c, &e), -EBADMSG);
        assert_int_equal(pktp_call_parse(NULL, 1, &c, &e), -EINVAL);
        assert_int_equal(pktp_call_parse("{}", 2, NULL, &e), -EINVAL);
}

/* A Build whose one layer object holds nesting down to @depth levels in all (call = 1). */
static char *
deep_build(unsigned depth)
{
        char *s = malloc(depth * 8 + 128), *p = s;

        assert_non_null(s);
        /* call (1), parameters (2), layers (3), layer object (4), then arrays */
        p += sprintf(p, "{\"method\":\"io.pktd.Packet.Build\",\"parameters\":{\"layers\":[{\"layer\":\"x\",\"v\":");
        for (unsigned d = 4; d < depth; d++)
                *p++ = '[';
        *p++ = '0';
        for (unsigned d = 4; d < depth; d++)
                *p++ = ']';
        strcpy(p, "}]}}");
        return s;
}

static void
test_call_accepts_depth_32_and_refuses_33(void **state)
{
        (void)state;
        char *s = deep_build(PKTP_DEPTH_MAX);
        assert_call_ok(s);
        free(s);
        s = deep_build(PKTP_DEPTH_MAX + 1);
        char path[256] = "layers[0].v", *p = path + strlen(path);
        for (unsigned d = 5; d < PKTP_DEPTH_MAX + 1; d++)
                p += sprintf(p, "[0]");
        assert_call_error(s, PKTP_ERR_INVALID_PARAMETER, path);
        free(s);
}

static void
test_call_frame_limit_is_1_MiB(void **state)
{
        struct pktp_call c;
        struct pktp_error e;
        const char *head = "{\"method\":\"io.pktd.Packet.Build\",\"parameters\":{\"spec\":\"";
        const char *tail = "\"}}";
        size_t n = PKTP_FRAME_MAX;
        char *s = malloc(n + 2);

        (void)state;
        assert_non_null(s);
        memset(s, 'a', n + 1);
        memcpy(s, head, strlen(head));
        memcpy(s + n - strlen(tail), tail, strlen(tail));
        assert_int_equal(pktp_call_parse(s, n, &c, &e), 0);      /* exactly 1 MiB */
        pktp_call_done(&c);
        memcpy(s + n + 1 - strlen(tail), tail, strlen(tail));
        assert_int_equal(pktp_call_parse(s, n + 1, &c, &e), -EMSGSIZE);
        assert_int_equal(e.id, PKTP_ERR_LIMIT_EXCEEDED);
        assert_string_equal(e.arg, "frameSize");
        free(s);
}

/* Every int an input can hold (at any depth, through named types and arrays) has a range row. */
static void
check_ints_have_rows(const struct pktp_method *m, const struct pktp_idl_type *t, char *pat, size_t len)
{
        if (t->kind == PKTP_IDL_NAMED)
                t = t->resolved;
        switch (t->kind) {
        case PKTP_IDL_INT: {
                bool found = false;
                for (const struct pktp_limit *l = m->limits; l->path; l++)
                        found |= l->kind == PKTP_LIMIT_INT && strcmp(l->path, pat) == 0;
                if (!found)
                        fail_msg("%s: int parameter %s has no range row", m->name, pat);
                break;
        }
        case PKTP_IDL_ARRAY:
                strcpy(pat + len, "[]");
                check_ints_have_rows(m, t->elem, pat, len + 2);
                pat[len] = '\0';
                break;
        case PKTP_IDL_STRUCT:
                for (size_t i = 0; i < t->n_fields; i++) {
                        int n = sprintf(pat + len, "%s%s", len ? "." : "", t->fields[i].name);
                        check_ints_have_rows(m, t->fields[i].type, pat, len + (size_t)n);
                        pat[len] = '\0';
                }
                break;
        default:
                break;
        }
}

/* Does pattern @path name something @t has, of the row's kind? */
static bool
row_names_a_parameter(const struct pktp_idl_type *t, const char *path, enum pktp_limit_kind kind)
{
        if (t->kind == PKTP_IDL_NAMED)
                t = t->resolved;
        if (!*path) {
                return (kind == PKTP_LIMIT_INT && t->kind == PKTP_IDL_INT) ||
                       (kind == PKTP_LIMIT_STRING && t->kind == PKTP_IDL_STRING) ||
                       (kind == PKTP_LIMIT_ARRAY && t->kind == PKTP_IDL_ARRAY);
        }
        if (strncmp(path, "[]", 2) == 0)
                return t->kind == PKTP_IDL_ARRAY && row_names_a_parameter(t->elem, path + 2, kind);
        if (*path == '.')
                path++;
        if (t->kind != PKTP_IDL_STRUCT)
                return false;
        size_t n = strcspn(path, ".[");
        for (size_t i = 0; i < t->n_fields; i++)
                if (strlen(t->fields[i].name) == n && strncmp(t->fields[i].name, path, n) == 0)
                        return row_names_a_parameter(t->fields[i].type, path + n, kind);
        return false;
}

static void
test_call_method_rows_match_the_interface_files(void **state)
{
        size_t n;
        const struct pktp_method *rows = pktp_method_all(&n);

        (void)state;
        /* Every row names a method of the interface files, its limits name its parameters. */
        for (size_t i = 0; i < n; i++) {
                const struct pktp_idl_member *idl = pktp_method_idl(&rows[i]);
                if (!idl)
                        fail_msg("row %s has no method in the interface files", rows[i].name);
                assert_ptr_equal(pktp_method_find(rows[i].name), &rows[i]);
                for (const struct pktp_limit *l = rows[i].limits; l->path; l++) {
                        if (!row_names_a_parameter(idl->in, l->path, l->kind))
                                fail_msg("%s: limit row %s names no such parameter", rows[i].name, l->path);
                        assert_true(l->min <= l->max);
                }
                char pat[256] = "";
                check_ints_have_rows(&rows[i], idl->in, pat, 0);
        }
        /* Every method of the interface files has a row. */
        for (size_t k = 0; k < pktp_idl_count(); k++) {
                const struct pktp_idl_interface *iface = pktp_idl_at(k);
                for (size_t m = 0; m < iface->n_members; m++) {
                        if (iface->members[m].kind != PKTP_IDL_MEMBER_METHOD)
                                continue;
                        char name[256];
                        snprintf(name, sizeof(name), "%s.%s", iface->name, iface->members[m].name);
                        if (!pktp_method_find(name))
                                fail_msg("method %s has no row in methods.c", name);
                }
        }
        assert_null(pktp_method_find("io.pktd.Packet.Nope"));
        assert_null(pktp_method_find(NULL));
}

static void
test_call_roles_and_implementation_flags_follow_the_contract(void **state)
{
        static const struct {
                const char *name;
                unsigned roles;
                bool implemented;
                bool more; /* more_required */
        } want[] = {
                { "io.pktd.Packet.Build", 0, true },
                { "io.pktd.Packet.Dissect", 0, true },
                { "org.varlink.service.GetInfo", 0, true },
                { "org.varlink.service.GetInterfaceDescription", 0, true },
                { "io.pktd.Daemon.GetStatus", 0, true },
                { "io.pktd.Daemon.ListClients", PKTP_ROLE_ADMIN, true },
                { "io.pktd.Daemon.Reload", PKTP_ROLE_ADMIN, true },
                { "io.pktd.Capture.ListInterfaces", PKTP_ROLE_CAPTURE, true },
                { "io.pktd.Capture.Subscribe", PKTP_ROLE_CAPTURE, true, true },
                { "io.pktd.Inject.Send", PKTP_ROLE_INJECT, true },
                { "io.pktd.Inject.SendReceive", PKTP_ROLE_INJECT, true },
        };
        size_t n;

        (void)state;
        (void)pktp_method_all(&n);
        assert_int_equal(n, sizeof(want) / sizeof(want[0]));
        for (size_t i = 0; i < n; i++) {
                const struct pktp_method *m = pktp_method_find(want[i].name);
                assert_non_null(m);
                assert_int_equal(m->roles, want[i].roles);
                assert_int_equal(m->implemented, want[i].implemented);
                assert_int_equal(m->more_required, want[i].more);
        }
}

/* What the io.pktd interfaces do not use yet, through the validator directly: maps, floats, nested
 * anonymous structs and enums, optional array elements, and limit rows on map values. */
static void
test_call_validator_handles_maps_floats_and_anonymous_types(void **state)
{
        static const char idl_text[] =
                "interface org.example.v\n"
                "type Opt (level: (low, high), weight: ?float)\n"
                "method M(tags: ?[string]int, opts: ?[]?Opt, inner: ?(a: (b: ?string))) -> ()\n";
        static const struct pktp_limit limits[] = {
                { "tags.{}", PKTP_LIMIT_INT, 0, 10 },
                { "inner.a.b", PKTP_LIMIT_STRING, 0, 3 },
                { NULL },
        };
        const struct pktp_method row = { "org.example.v.M", 0, false, true, limits };
        struct pktp_idl_interface *iface = NULL;
        char msg[200];
        static const struct {
                const char *params;
                const char *path;       /* NULL: valid */
        } cases[] = {
                { "{}", NULL },
                { "{\"tags\":{\"a\":1,\"b\":10}}", NULL },
                { "{\"tags\":{\"a\":1,\"b\":11}}", "tags.b" },
                { "{\"tags\":{\"a\":\"1\"}}", "tags.a" },
                { "{\"tags\":[1]}", "tags" },
                { "{\"opts\":[null,{\"level\":\"low\"},{\"level\":\"high\",\"weight\":0.5}]}", NULL },
                { "{\"opts\":[{\"level\":\"high\",\"weight\":2}]}", NULL },
                { "{\"opts\":[{\"level\":\"mid\"}]}", "opts[0].level" },
                { "{\"opts\":[{\"weight\":1.0}]}", "opts[0].level" },
                { "{\"opts\":[{\"level\":\"low\",\"weight\":\"1\"}]}", "opts[0].weight" },
                { "{\"inner\":{\"a\":{}}}", NULL },
                { "{\"inner\":{\"a\":{\"b\":\"abc\"}}}", NULL },
                { "{\"inner\":{\"a\":{\"b\":\"abcd\"}}}", "inner.a.b" },
                { "{\"inner\":{\"a\":null}}", "inner.a" },
                { "{\"inner\":{\"a\":{\"c\":1}}}", "inner.a.c" },
        };

        (void)state;
        assert_int_equal(pktp_idl_parse(idl_text, strlen(idl_text), &iface, msg, sizeof(msg), NULL), 0);
        const struct pktp_idl_member *m = pktp_idl_member_find(iface, "M", PKTP_IDL_MEMBER_METHOD);
        assert_non_null(m);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct json_object *o = json_tokener_parse(cases[i].params);
                struct pktp_error e = { 0 };
                assert_non_null(o);
                int r = pktp_validate_params(&row, m, o, &e);
                if (!cases[i].path && r != 0)
                        fail_msg("%s refused: %s", cases[i].params, e.message);
                if (cases[i].path && (r != -EINVAL || strcmp(e.arg, cases[i].path) != 0))
                        fail_msg("%s: r=%d path \"%s\", want \"%s\"", cases[i].params, r, e.arg, cases[i].path);
                json_object_put(o);
        }
        pktp_idl_free(iface);
}

static void
test_call_reply_frames(void **state)
{
        struct pktp_buf b;

        (void)state;
        pktp_buf_init(&b, 1024);
        assert_int_equal(pktp_reply_write(&b, NULL, 0, false), 0);
        assert_int_equal(b.len, strlen("{\"parameters\":{}}") + 1);
        assert_string_equal(b.data, "{\"parameters\":{}}");
        pktp_buf_reset(&b);
        assert_int_equal(pktp_reply_write(&b, "{\"a\":1}", 7, true), 0);
        assert_string_equal(b.data, "{\"parameters\":{\"a\":1},\"continues\":true}");
        assert_int_equal(b.data[b.len - 1], '\0');
        assert_int_equal(pktp_reply_write(&b, NULL, 3, false), -EINVAL);
        pktp_buf_done(&b);
        pktp_buf_init(&b, 8);
        assert_int_equal(pktp_reply_write(&b, "{\"a\":1}", 7, false), -EMSGSIZE);
        pktp_buf_done(&b);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_call_accepts_a_valid_call_for_every_method),
                cmocka_unit_test(test_call_reads_flags_and_supplies_empty_parameters),
                cmocka_unit_test(test_call_refuses_bad_call_shapes),
                cmocka_unit_test(test_call_tells_interface_not_found_from_method_not_found),
                cmocka_unit_test(test_call_validates_parameters_against_the_interface),
                cmocka_unit_test(test_call_applies_the_range_table),
                cmocka_unit_test(test_call_refuses_integers_json_c_would_saturate),
                cmocka_unit_test(test_call_refuses_duplicates_nuls_and_bad_text_in_calls),
                cmocka_unit_test(test_call_accepts_depth_32_and_refuses_33),
                cmocka_unit_test(test_call_frame_limit_is_1_MiB),
                cmocka_unit_test(test_call_method_rows_match_the_interface_files),
                cmocka_unit_test(test_call_roles_and_implementation_flags_follow_the_contract),
                cmocka_unit_test(test_call_validator_handles_maps_floats_and_anonymous_types),
                cmocka_unit_test(test_call_reply_frames),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
