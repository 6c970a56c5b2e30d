/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * io.pktd.Packet.Build and Dissect (m_packet.c), called directly with parameters as the validator
 * hands them over: the built bytes against known bytes, the layers form against the spec form,
 * errors with their parameters, and a corpus frame's dissection checked field by field.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>
#include <pktp/packet.h>

#include "dispatch.h"
#include "testutil.h"

/* Why 1 MiB: larger than any reply here; the cap tests pass their own. */
#define OUT_MAX (1024 * 1024)

/* The ICMP echo: ip(src=192.0.2.1,dst=192.0.2.2)/icmp(type=8)/echo(id=1). IPv4 header
 * checksum 0xf6dd and ICMP checksum 0xf7fe worked out by hand (RFC 1071). */
static const char echo_hex[] = "4500001c 00000000 4001f6dd c0000201 c0000202 0800f7fe 00010000";
/* The same with noAuto: length, protocol (the field's default, TCP) and both checksums as given. */
static const char echo_noauto_hex[] =
        "45000000 00000000 40060000 c0000201 c0000202 08000000 00010000";

struct result {
        int r;
        struct pktp_error err;
        struct json_object *reply; /* parsed @out on success */
        char *text;                /* @out's text on success */
};

static void
result_done(struct result *res)
{
        json_object_put(res->reply);
        free(res->text);
        *res = (struct result){ 0 };
}

/* Calls @fn with @params (JSON object text) as the call's parameters, @out capped at @out_max. */
static struct result
call(pktd_method_fn fn, const char *params, size_t out_max)
{
        struct json_object *root = json_tokener_parse(params);
        struct pktp_call c = { .root = root, .parameters = root };
        struct result res = { 0 };
        struct pktp_buf out;

        if (!root)
                fail_msg("test parameters are not JSON: %s", params);
        pktp_buf_init(&out, out_max);
        res.r = fn(NULL, NULL, &c, &out, &res.err);
        if (res.r == 0) {
                assert_int_equal(res.err.id, PKTP_OK);
                assert_non_null(out.data);
                res.text = strdup(out.data);
                res.reply = json_tokener_parse(out.data);
                if (!res.reply)
                        fail_msg("reply is not JSON: %s", out.data);
        } else {
                assert_true(res.r < 0);
                assert_int_not_equal(res.err.id, PKTP_OK);
        }
        pktp_buf_done(&out);
        json_object_put(root);
        return res;
}

static struct json_object *
member(struct json_object *o, const char *key)
{
        struct json_object *v = NULL;

        if (!json_object_object_get_ex(o, key, &v) || !v)
                fail_msg("member \"%s\" missing in %s", key, json_object_to_json_string(o));
        return v;
}

static int64_t
int_of(struct json_object *o, const char *key)
{
        struct json_object *v = member(o, key);

        if (!json_object_is_type(v, json_type_int))
                fail_msg("member \"%s\" is not an integer in %s", key,
                         json_object_to_json_string(o));
        return json_object_get_int64(v);
}

static const char *
str_of(struct json_object *o, const char *key)
{
        struct json_object *v = member(o, key);

        if (!json_object_is_type(v, json_type_string))
                fail_msg("member \"%s\" is not a string in %s", key, json_object_to_json_string(o));
        return json_object_get_string(v);
}

static bool
flag_of(struct json_object *layer, const char *flag)
{
        struct json_object *v = NULL;

        return json_object_object_get_ex(layer, flag, &v) && json_object_get_boolean(v);
}

static struct json_object *
layer_at(struct json_object *packet, size_t i)
{
        struct json_object *layers = member(packet, "layers");

        assert_true(i < json_object_array_length(layers));
        return json_object_array_get_idx(layers, i);
}

/* Checks a Build reply: data decodes to @want_hex, length and the dissection's lengths agree. */
static void
assert_built(const struct result *res, const char *want_hex)
{
        uint8_t want[256];
        size_t want_len = tu_hex(want_hex, want, sizeof(want));
        const char *b64;
        uint8_t *data = NULL;
        size_t len = 0;

        assert_int_equal(res->r, 0);
        b64 = str_of(res->reply, "data");
        assert_int_equal(pktp_base64_decode(b64, strlen(b64), &data, &len), 0);
        tu_assert_bytes(data, len, want, want_len);
        free(data);
        assert_int_equal(int_of(res->reply, "length"), (int64_t)want_len);
        assert_int_equal(int_of(member(res->reply, "packet"), "caplen"), (int64_t)want_len);
        assert_int_equal(int_of(member(res->reply, "packet"), "len"), (int64_t)want_len);
}

/* A "parameters" object with "data" set to @n bytes at @data in base64, plus @extra members. */
static char *
dissect_params(const uint8_t *data, size_t n, const char *extra)
{
        struct pktp_buf b;
        char *s;

        pktp_buf_init(&b, 2 * OUT_MAX);
        pktp_buf_puts(&b, "{\"data\":");
        pktp_buf_base64(&b, data, n);
        if (extra) {
                pktp_buf_putc(&b, ',');
                pktp_buf_puts(&b, extra);
        }
        pktp_buf_putc(&b, '}');
        assert_int_equal(b.err, 0);
        s = strdup(b.data);
        pktp_buf_done(&b);
        assert_non_null(s);
        return s;
}

static struct result
dissect(const uint8_t *data, size_t n, const char *extra)
{
        char *params = dissect_params(data, n, extra);
        struct result res = call(pktd_packet_dissect, params, OUT_MAX);

        free(params);
        return res;
}

/* ---- Build ---- */

static void
test_build_spec_gives_the_known_icmp_echo_bytes(void **state)
{
        struct result res = call(pktd_packet_build,
                                 "{\"spec\":\"ip(src=192.0.2.1,dst=192.0.2.2)/"
                                 "icmp(type=8)/echo(id=1)\"}",
                                 OUT_MAX);
        struct json_object *packet, *l;

        (void)state;
        assert_built(&res, echo_hex);
        packet = member(res.reply, "packet");
        assert_int_equal(json_object_array_length(member(packet, "layers")), 3);
        /* the dissection is of the built bytes, from the first layer's protocol */
        l = layer_at(packet, 0);
        assert_string_equal(str_of(l, "layer"), "ip");
        assert_string_equal(str_of(l, "src"), "192.0.2.1");
        assert_string_equal(str_of(l, "dst"), "192.0.2.2");
        assert_int_equal(int_of(l, "len"), 28);
        assert_int_equal(int_of(l, "ttl"), 64);
        assert_int_equal(int_of(l, "p"), 1);
        assert_int_equal(int_of(l, "sum"), 0xf6dd);
        assert_false(flag_of(l, "truncated") || flag_of(l, "malformed"));
        l = layer_at(packet, 1);
        assert_string_equal(str_of(l, "layer"), "icmp");
        assert_int_equal(int_of(l, "type"), 8);
        assert_int_equal(int_of(l, "sum"), 0xf7fe);
        l = layer_at(packet, 2);
        assert_string_equal(str_of(l, "layer"), "echo");
        assert_int_equal(int_of(l, "id"), 1);
        result_done(&res);
}

static void
test_build_layers_form_gives_the_spec_forms_bytes(void **state)
{
        struct result res = call(pktd_packet_build,
                                 "{\"layers\":[{\"layer\":\"ip\",\"src\":\"192.0.2.1\","
                                 "\"dst\":\"192.0.2.2\"},{\"layer\":\"icmp\",\"type\":8},"
                                 "{\"layer\":\"echo\",\"id\":1}]}",
                                 OUT_MAX);

        (void)state;
        assert_built(&res, echo_hex);
        result_done(&res);
}

static void
test_build_a_dissection_back_as_layers_gives_the_same_bytes(void **state)
{
        struct result a = call(pktd_packet_build,
                               "{\"spec\":\"ip(src=192.0.2.1,dst=192.0.2.2)/"
                               "icmp(type=8)/echo(id=1)\"}",
                               OUT_MAX);
        struct json_object *params = json_object_new_object();
        struct result b;

        (void)state;
        assert_int_equal(a.r, 0);
        /* Dissect's layers are Build's input shape: the round trip is exact */
        json_object_object_add(params, "layers",
                               json_object_get(member(member(a.reply, "packet"), "layers")));
        b = call(pktd_packet_build, json_object_to_json_string(params), OUT_MAX);
        assert_built(&b, echo_hex);
        json_object_put(params);
        result_done(&a);
        result_done(&b);
}

static void
test_build_no_auto_leaves_lengths_types_and_checksums(void **state)
{
        struct result res = call(pktd_packet_build,
                                 "{\"spec\":\"ip(src=192.0.2.1,dst=192.0.2.2)/icmp(type=8)/"
                                 "echo(id=1)\",\"noAuto\":true}",
                                 OUT_MAX);
        struct result with = call(pktd_packet_build,
                                  "{\"spec\":\"ip(src=192.0.2.1,dst=192.0.2.2)/icmp(type=8)/"
                                  "echo(id=1)\",\"noAuto\":false}",
                                  OUT_MAX);

        (void)state;
        assert_built(&res, echo_noauto_hex);
        assert_built(&with, echo_hex);
        result_done(&res);
        result_done(&with);
}

static void
test_build_unknown_layer_is_bad_spec_at_its_position(void **state)
{
        struct result res =
                call(pktd_packet_build, "{\"spec\":\"ip(ttl=64)/nosuch(x=1)\"}", OUT_MAX);

        (void)state;
        assert_true(res.r < 0);
        assert_int_equal(res.err.id, PKTP_ERR_BAD_SPEC);
        assert_int_equal(res.err.number, 11);
        assert_true(res.err.message[0] != '\0');
        result_done(&res);
}

static void
test_build_value_too_wide_is_bad_spec_at_the_value(void **state)
{
        struct result res = call(pktd_packet_build, "{\"spec\":\"ip(ttl=300)\"}", OUT_MAX);

        (void)state;
        assert_true(res.r < 0);
        assert_int_equal(res.err.id, PKTP_ERR_BAD_SPEC);
        /* at "ttl=300" or its value, never before the layer's argument list */
        assert_true(res.err.number >= 3 && res.err.number <= 7);
        result_done(&res);
}

static void
test_build_layer_value_too_wide_is_bad_packet_naming_the_field(void **state)
{
        struct result res = call(
                pktd_packet_build,
                "{\"layers\":[{\"layer\":\"ip\"},{\"layer\":\"udp\",\"sport\":70000}]}", OUT_MAX);

        (void)state;
        assert_true(res.r < 0);
        assert_int_equal(res.err.id, PKTP_ERR_BAD_PACKET);
        assert_string_equal(res.err.arg, "layers[1].sport");
        result_done(&res);
}

static void
test_build_unknown_layer_object_is_bad_packet(void **state)
{
        struct result res =
                call(pktd_packet_build, "{\"layers\":[{\"layer\":\"nosuch\"}]}", OUT_MAX);

        (void)state;
        assert_true(res.r < 0);
        assert_int_equal(res.err.id, PKTP_ERR_BAD_PACKET);
        assert_non_null(strstr(res.err.arg, "layers[0]"));
        result_done(&res);
}

static void
test_build_refuses_data(void **state)
{
        struct result res = call(pktd_packet_build, "{\"data\":\"RQAAHA==\"}", OUT_MAX);

        (void)state;
        assert_int_equal(res.r, -EINVAL);
        assert_int_equal(res.err.id, PKTP_ERR_INVALID_PARAMETER);
        assert_string_equal(res.err.arg, "data");
        result_done(&res);
}

static void
test_build_reply_over_the_output_cap_is_limit_exceeded(void **state)
{
        struct result res = call(pktd_packet_build, "{\"spec\":\"ip()/udp()\"}", 64);

        (void)state;
        assert_true(res.r < 0);
        assert_int_equal(res.err.id, PKTP_ERR_LIMIT_EXCEEDED);
        assert_string_equal(res.err.arg, "outputBuffer");
        result_done(&res);
}

/* ---- Dissect ---- */

static void
test_dissect_corpus_dns_query_field_by_field(void **state)
{
        struct tu_frame f;
        struct result res;
        struct json_object *packet, *l;

        (void)state;
        /* dpkt's dns_icmp.pcap frame 1: a DNS query for 8.8.8.8.in-addr.arpa; values from tshark */
        tu_load_frame("dpkt/dns_icmp.pcap", 1, &f);
        assert_int_equal(f.caplen, 80);
        res = dissect(f.data, f.caplen, NULL);
        assert_int_equal(res.r, 0);
        packet = member(res.reply, "packet");
        assert_int_equal(int_of(packet, "caplen"), 80);
        assert_int_equal(int_of(packet, "len"), 80);
        assert_int_equal(json_object_array_length(member(packet, "layers")), 4);

        l = layer_at(packet, 0);
        assert_string_equal(str_of(l, "layer"), "ethernet");
        assert_string_equal(str_of(l, "dst"), "02:1a:11:f0:c8:3b");
        assert_string_equal(str_of(l, "src"), "60:33:4b:13:c5:58");
        assert_int_equal(int_of(l, "type"), 0x0800);
        l = layer_at(packet, 1);
        assert_string_equal(str_of(l, "layer"), "ip");
        assert_int_equal(int_of(l, "v"), 4);
        assert_int_equal(int_of(l, "hl"), 5);
        assert_int_equal(int_of(l, "len"), 66);
        assert_int_equal(int_of(l, "id"), 0xd0a6);
        assert_int_equal(int_of(l, "ttl"), 64);
        assert_int_equal(int_of(l, "p"), 17);
        assert_int_equal(int_of(l, "sum"), 0xd2a9);
        assert_string_equal(str_of(l, "src"), "192.168.43.9");
        assert_string_equal(str_of(l, "dst"), "192.168.43.1");
        l = layer_at(packet, 2);
        assert_string_equal(str_of(l, "layer"), "udp");
        assert_int_equal(int_of(l, "sport"), 51677);
        assert_int_equal(int_of(l, "dport"), 53);
        assert_int_equal(int_of(l, "ulen"), 46);
        assert_int_equal(int_of(l, "sum"), 0xf268);
        l = layer_at(packet, 3);
        assert_string_equal(str_of(l, "layer"), "dns");
        assert_int_equal(int_of(l, "id"), 0x528e);
        assert_non_null(strstr(res.text, "\"8.8.8.8.in-addr.arpa\""));
        for (size_t i = 0; i < 4; i++)
                assert_false(flag_of(layer_at(packet, i), "truncated") ||
                             flag_of(layer_at(packet, i), "malformed"));
        result_done(&res);
}

static void
test_dissect_equals_the_packet_writer(void **state)
{
        struct tu_frame f;
        struct result res;
        struct pktp_buf b;
        struct pkt p;

        (void)state;
        tu_load_frame("dpkt/dns_icmp.pcap", 1, &f);
        res = dissect(f.data, f.caplen, "\"linkType\":1");
        assert_int_equal(res.r, 0);
        tu_parse_frame(&p, &f);
        pktp_buf_init(&b, OUT_MAX);
        pktp_buf_puts(&b, "{\"packet\":");
        pktp_packet_write(&b, &p);
        pktp_buf_putc(&b, '}');
        assert_int_equal(b.err, 0);
        assert_string_equal(res.text, b.data);
        pktp_buf_done(&b);
        pkt_done(&p);
        result_done(&res);
}

static void
test_dissect_cut_frame_is_truncated_not_refused(void **state)
{
        struct tu_frame f;
        struct result res;
        struct json_object *packet, *ip;

        (void)state;
        tu_load_frame("dpkt/dns_icmp.pcap", 1, &f);
        /* 30 bytes: Ethernet and 16 of IPv4's 20 header bytes, as a snap length would leave them */
        res = dissect(f.data, 30, "\"wireLength\":80");
        assert_int_equal(res.r, 0);
        packet = member(res.reply, "packet");
        assert_int_equal(int_of(packet, "caplen"), 30);
        assert_int_equal(int_of(packet, "len"), 80);
        assert_false(flag_of(layer_at(packet, 0), "truncated"));
        ip = layer_at(packet, 1);
        assert_string_equal(str_of(ip, "layer"), "ip");
        assert_true(flag_of(ip, "truncated"));
        assert_false(flag_of(ip, "malformed"));
        result_done(&res);
}

static void
test_dissect_malformed_header_is_flagged_not_refused(void **state)
{
        /* IPv4 with IHL 4: shorter than the fixed header (RFC 791) */
        uint8_t bad[20];
        size_t n = tu_hex("44000014 00000000 40060000 c0000201 c0000202", bad, sizeof(bad));
        struct result res = dissect(bad, n, "\"first\":\"ip\"");
        struct json_object *ip;

        (void)state;
        assert_int_equal(res.r, 0);
        ip = layer_at(member(res.reply, "packet"), 0);
        assert_string_equal(str_of(ip, "layer"), "ip");
        assert_true(flag_of(ip, "malformed"));
        result_done(&res);
}

static void
test_dissect_first_names_the_outer_layer(void **state)
{
        uint8_t b[64];
        size_t n = tu_hex(echo_hex, b, sizeof(b));
        struct result ip = dissect(b, n, "\"first\":\"ip\"");
        struct result raw = dissect(b, n, "\"linkType\":101");
        struct result eth = dissect(b, n, NULL);

        (void)state;
        assert_int_equal(ip.r, 0);
        assert_string_equal(str_of(layer_at(member(ip.reply, "packet"), 0), "layer"), "ip");
        assert_string_equal(str_of(layer_at(member(ip.reply, "packet"), 2), "layer"), "echo");
        /* LINKTYPE_RAW: the version nibble says IPv4, and the result is first=ip's */
        assert_int_equal(raw.r, 0);
        assert_string_equal(raw.text, ip.text);
        /* the default is Ethernet: the same bytes read as a (short, flagged) Ethernet frame */
        assert_int_equal(eth.r, 0);
        assert_string_equal(str_of(layer_at(member(eth.reply, "packet"), 0), "layer"), "ethernet");
        result_done(&ip);
        result_done(&raw);
        result_done(&eth);
}

static void
test_dissect_first_and_link_type_together_are_refused(void **state)
{
        uint8_t b[64];
        size_t n = tu_hex(echo_hex, b, sizeof(b));
        struct result res = dissect(b, n, "\"first\":\"ip\",\"linkType\":101");

        (void)state;
        assert_int_equal(res.r, -EINVAL);
        assert_int_equal(res.err.id, PKTP_ERR_INVALID_PARAMETER);
        assert_string_equal(res.err.arg, "linkType");
        result_done(&res);
}

static void
test_dissect_null_optionals_are_absent(void **state)
{
        uint8_t b[64];
        size_t n = tu_hex(echo_hex, b, sizeof(b));
        struct result res = dissect(b, n, "\"first\":\"ip\",\"linkType\":null,\"wireLength\":null");

        (void)state;
        assert_int_equal(res.r, 0);
        assert_string_equal(str_of(layer_at(member(res.reply, "packet"), 0), "layer"), "ip");
        result_done(&res);
}

static void
test_dissect_unknown_first_or_link_type_is_invalid_parameter(void **state)
{
        uint8_t b[64];
        size_t n = tu_hex(echo_hex, b, sizeof(b));
        struct result first = dissect(b, n, "\"first\":\"nosuch\"");
        struct result dlt = dissect(b, n, "\"linkType\":60000");

        (void)state;
        assert_int_equal(first.err.id, PKTP_ERR_INVALID_PARAMETER);
        assert_string_equal(first.err.arg, "first");
        assert_int_equal(dlt.err.id, PKTP_ERR_INVALID_PARAMETER);
        assert_string_equal(dlt.err.arg, "linkType");
        result_done(&first);
        result_done(&dlt);
}

static void
test_dissect_wire_length_below_the_data_is_refused(void **state)
{
        uint8_t b[64];
        size_t n = tu_hex(echo_hex, b, sizeof(b));
        struct result below = dissect(b, n, "\"wireLength\":27");
        struct result equal = dissect(b, n, "\"wireLength\":28");

        (void)state;
        assert_int_equal(below.err.id, PKTP_ERR_INVALID_PARAMETER);
        assert_string_equal(below.err.arg, "wireLength");
        assert_int_equal(equal.r, 0);
        result_done(&below);
        result_done(&equal);
}

static void
test_dissect_bad_base64_is_invalid_parameter(void **state)
{
        /* not padded; a character outside the alphabet; URL alphabet */
        static const char *bad[] = { "{\"data\":\"RQA\"}", "{\"data\":\"RQ*A\"}",
                                     "{\"data\":\"_-__\"}", "{\"data\":\"RQAAHA== \"}" };

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct result res = call(pktd_packet_dissect, bad[i], OUT_MAX);

                assert_int_equal(res.err.id, PKTP_ERR_INVALID_PARAMETER);
                assert_string_equal(res.err.arg, "data");
                result_done(&res);
        }
}

static void
test_dissect_no_bytes_is_one_flagged_layer(void **state)
{
        struct result res = call(pktd_packet_dissect, "{\"data\":\"\"}", OUT_MAX);
        struct json_object *l;

        (void)state;
        assert_int_equal(res.r, 0);
        assert_int_equal(int_of(member(res.reply, "packet"), "caplen"), 0);
        assert_int_equal(json_object_array_length(member(member(res.reply, "packet"), "layers")),
                         1);
        l = layer_at(member(res.reply, "packet"), 0);
        assert_string_equal(str_of(l, "layer"), "ethernet");
        assert_true(flag_of(l, "malformed") || flag_of(l, "truncated"));
        result_done(&res);
}

static void
test_dissect_more_than_the_largest_frame_is_refused(void **state)
{
        size_t n = PKTP_PACKET_BYTES_MAX + 1;
        uint8_t *big = calloc(1, n);
        struct result res;

        (void)state;
        assert_non_null(big);
        res = dissect(big, n, NULL);
        assert_int_equal(res.err.id, PKTP_ERR_INVALID_PARAMETER);
        assert_string_equal(res.err.arg, "data");
        free(big);
        result_done(&res);
}

static void
test_dissect_reply_over_the_output_cap_is_limit_exceeded(void **state)
{
        struct tu_frame f;
        char *params;
        struct result res;

        (void)state;
        tu_load_frame("dpkt/dns_icmp.pcap", 1, &f);
        params = dissect_params(f.data, f.caplen, NULL);
        res = call(pktd_packet_dissect, params, 100);
        assert_int_equal(res.err.id, PKTP_ERR_LIMIT_EXCEEDED);
        assert_string_equal(res.err.arg, "outputBuffer");
        free(params);
        result_done(&res);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_build_spec_gives_the_known_icmp_echo_bytes),
                cmocka_unit_test(test_build_layers_form_gives_the_spec_forms_bytes),
                cmocka_unit_test(test_build_a_dissection_back_as_layers_gives_the_same_bytes),
                cmocka_unit_test(test_build_no_auto_leaves_lengths_types_and_checksums),
                cmocka_unit_test(test_build_unknown_layer_is_bad_spec_at_its_position),
                cmocka_unit_test(test_build_value_too_wide_is_bad_spec_at_the_value),
                cmocka_unit_test(test_build_layer_value_too_wide_is_bad_packet_naming_the_field),
                cmocka_unit_test(test_build_unknown_layer_object_is_bad_packet),
                cmocka_unit_test(test_build_refuses_data),
                cmocka_unit_test(test_build_reply_over_the_output_cap_is_limit_exceeded),
                cmocka_unit_test(test_dissect_corpus_dns_query_field_by_field),
                cmocka_unit_test(test_dissect_equals_the_packet_writer),
                cmocka_unit_test(test_dissect_cut_frame_is_truncated_not_refused),
                cmocka_unit_test(test_dissect_malformed_header_is_flagged_not_refused),
                cmocka_unit_test(test_dissect_first_names_the_outer_layer),
                cmocka_unit_test(test_dissect_first_and_link_type_together_are_refused),
                cmocka_unit_test(test_dissect_null_optionals_are_absent),
                cmocka_unit_test(test_dissect_unknown_first_or_link_type_is_invalid_parameter),
                cmocka_unit_test(test_dissect_wire_length_below_the_data_is_refused),
                cmocka_unit_test(test_dissect_bad_base64_is_invalid_parameter),
                cmocka_unit_test(test_dissect_no_bytes_is_one_flagged_layer),
                cmocka_unit_test(test_dissect_more_than_the_largest_frame_is_refused),
                cmocka_unit_test(test_dissect_reply_over_the_output_cap_is_limit_exceeded),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
