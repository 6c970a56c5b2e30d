/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A packet from JSON (io.pktd.Packet's "Packet" type): the text spec, layer objects in the shape the
 * writer prints, or base64 bytes. Layer objects go through the same libpkt calls the spec does
 * (pkt_push by name, fields set by name, elements added through the protocol's element builder), so
 * the two forms accept the same values and fail the same way; errors name the JSON path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <pkt/proto.h>
#include <pktp/error.h>
#include <pktp/packet.h>

#include "pktd-macro.h"

/* Why 4096: more elements than any header holds (40 option bytes in TCP, a few hundred DNS records
 * in a 64 KiB message); each one splices the header, so the count bounds the work a client buys. */
#define ELEMS_MAX 4096u

struct reader {
        struct pkt *p;
        struct pktp_error *err;
        unsigned n_elems; /* elements added so far, all layers */
};

static int
fail(struct reader *rd, int r, enum pktp_error_id id, const char *param, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

static int
fail(struct reader *rd, int r, enum pktp_error_id id, const char *param, const char *fmt, ...)
{
        char msg[PKTP_ERROR_MESSAGE_MAX];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        pktp_error_set(rd->err, id, param, "%s", msg);
        return r;
}

/* A JSON path for an error; a path too long for the error's field is cut there anyway. */
static void
path_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
path_fmt(char *buf, size_t size, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf, size, fmt, ap);
        va_end(ap);
}

static int
out_of_memory(struct reader *rd)
{
        return fail(rd, -ENOMEM, PKTP_ERR_INTERNAL, NULL, "out of memory");
}

/* Why a field could not take a value, for people. */
static const char *
reason(int r)
{
        switch (r) {
        case -ERANGE:
                return "value too wide for the field";
        case -ENOENT:
                return "no such field";
        case -ENODATA:
                return "the field lies beyond the header";
        case -EMSGSIZE:
        case -E2BIG:
                return "value too long";
        case -EOPNOTSUPP:
                return "this layer cannot build elements";
        default:
                return "the field cannot take this value";
        }
}

/* Decodes @n hex digits (an even number, nothing else) into a malloc'd buffer. Returns the byte
 * count, -EINVAL (not plain hex: the caller tries the spec's forms) or -ENOMEM. */
static int
hex_decode(const char *s, size_t n, uint8_t **ret)
{
        uint8_t *out;

        if (n % 2)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (hexval(s[i]) < 0)
                        return -EINVAL;
        out = malloc(n / 2 + 1);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < n; i += 2)
                out[i / 2] = (uint8_t)(hexval(s[i]) << 4 | hexval(s[i + 1]));
        *ret = out;
        return (int)(n / 2);
}

/* The writer prints string fields' bytes as code points U+0000..U+00FF; json-c hands them back as
 * UTF-8. Maps each code point back to its byte into @out (room for @n). Returns the byte count, or
 * -ERANGE for a code point above U+00FF (no byte stands for it). @s is valid UTF-8 (json-c's). */
static int
latin1_decode(const char *s, size_t n, uint8_t *out)
{
        const unsigned char *u = (const unsigned char *)s;
        size_t o = 0;

        for (size_t i = 0; i < n; i++) {
                if (u[i] < 0x80) {
                        out[o++] = u[i];
                } else if ((u[i] == 0xc2 || u[i] == 0xc3) && i + 1 < n && (u[i + 1] & 0xc0) == 0x80) {
                        out[o++] = (uint8_t)((u[i] & 0x1f) << 6 | (u[i + 1] & 0x3f));
                        i++;
                } else {
                        return -ERANGE;
                }
        }
        return (int)o;
}

static const struct pkt_field *
field_of(unsigned proto, const char *name)
{
        const struct pkt_proto *pr = pkt_proto_get(proto);
        int k = pkt_field_index(proto, name);

        return pr && k >= 0 ? &pr->fields[k] : NULL;
}

static int
elem_set_index(unsigned proto, const char *name)
{
        const struct pkt_proto *pr = pkt_proto_get(proto);

        for (unsigned s = 0; pr && s < pr->n_elems; s++)
                if (strcmp(pr->elems[s].name, name) == 0)
                        return (int)s;
        return -ENOENT;
}

/* A JSON number into field @f: negative values only for signed fields, as two's complement. */
static int
set_number(struct reader *rd, unsigned idx, const struct pkt_field *f, struct json_object *v,
           const char *path)
{
        int64_t i = json_object_get_int64(v);
        uint64_t u;

        if (i < 0) {
                unsigned bits = f->bits ? f->bits : 64;
                if (!(f->flags & PKT_FF_SIGNED))
                        return fail(rd, -ERANGE, PKTP_ERR_BAD_PACKET, path, "the field is unsigned");
                if (bits < 64 && i < -(INT64_C(1) << (bits - 1)))
                        return fail(rd, -ERANGE, PKTP_ERR_BAD_PACKET, path, "%s", reason(-ERANGE));
                u = (uint64_t)i & (bits < 64 ? (UINT64_C(1) << bits) - 1 : UINT64_MAX);
        } else {
                /* json-c keeps integers above INT64_MAX as unsigned; get_int64 saturates them. */
                u = json_object_get_uint64(v);
        }
        int r = pkt_field_set_u64(rd->p, idx, f->name, u);
        if (r == -EINVAL)
                return fail(rd, r, PKTP_ERR_BAD_PACKET, path, "the field is not an integer: give text");
        if (r == -ENOMEM)
                return out_of_memory(rd);
        if (r < 0)
                return fail(rd, r, PKTP_ERR_BAD_PACKET, path, "%s", reason(r));
        return 0;
}

/* A JSON string into field @f: hex for bytes, the writer's bytes for strings, else the spec's text. */
static int
set_text(struct reader *rd, unsigned idx, const struct pkt_field *f, struct json_object *v,
         const char *path)
{
        const char *s = json_object_get_string(v);
        size_t n = (size_t)json_object_get_string_len(v);
        uint8_t *bytes = NULL;
        int r;

        if (strlen(s) != n && f->type != PKT_FT_STRING)
                return fail(rd, -EINVAL, PKTP_ERR_BAD_PACKET, path, "the text contains a NUL");
        if (f->type == PKT_FT_BYTES && n <= 2 * (size_t)PKTP_PACKET_BYTES_MAX &&
            (r = hex_decode(s, n, &bytes)) != -EINVAL) {
                if (r == -ENOMEM)
                        return out_of_memory(rd);
                r = pkt_field_set_bytes(rd->p, idx, f->name, bytes, (size_t)r);
                free(bytes);
        } else if (f->type == PKT_FT_STRING) {
                if (n > PKTP_PACKET_BYTES_MAX)
                        return fail(rd, -EMSGSIZE, PKTP_ERR_BAD_PACKET, path, "%s", reason(-EMSGSIZE));
                bytes = malloc(n + 1);
                if (!bytes)
                        return out_of_memory(rd);
                r = latin1_decode(s, n, bytes);
                if (r == -ERANGE) {
                        free(bytes);
                        return fail(rd, r, PKTP_ERR_BAD_PACKET, path,
                                    "string fields take characters up to U+00FF, one byte each");
                }
                r = pkt_field_set_bytes(rd->p, idx, f->name, bytes, (size_t)r);
                free(bytes);
        } else {
                char text[PKTP_VALUE_TEXT_MAX];
                if (n >= sizeof(text))
                        return fail(rd, -EMSGSIZE, PKTP_ERR_BAD_PACKET, path, "%s", reason(-EMSGSIZE));
                memcpy(text, s, n + 1);
                /* Flag sets as the interface documents them, "SYN,ACK", or as the spec, "SYN|ACK". */
                if (f->type == PKT_FT_FLAGS)
                        for (char *c = text; (c = strchr(c, ',')); c++)
                                *c = '|';
                r = pkt_field_set_str(rd->p, idx, f->name, text);
        }
        if (r == -ENOMEM)
                return out_of_memory(rd);
        if (r < 0)
                return fail(rd, r, PKTP_ERR_BAD_PACKET, path, "%s", reason(r));
        return 0;
}

/* Appends @v as element-text argument: numbers in decimal, plain ASCII text as it is unless the spec's
 * tokenizer would split it, else quoted with C escapes (its bytes taken as the writer's Latin-1). */
static int
put_arg_value(struct pktp_buf *b, struct json_object *v, bool is_string_field)
{
        if (json_object_is_type(v, json_type_int)) {
                int64_t i = json_object_get_int64(v);
                return i < 0 ? pktp_buf_i64(b, i) : pktp_buf_u64(b, json_object_get_uint64(v));
        }
        if (!json_object_is_type(v, json_type_string))
                return -EINVAL;
        const char *s = json_object_get_string(v);
        size_t n = (size_t)json_object_get_string_len(v);
        bool is_ascii = true;
        for (size_t i = 0; i < n && is_ascii; i++)
                is_ascii = (unsigned char)s[i] < 0x80;
        /* Text beyond ASCII is a string's bytes as the writer's code points (a kind field's, which the
         * set's fields do not name): quoted, each its byte. */
        if (!is_string_field && is_ascii && strlen(s) == n && !strpbrk(s, ",()[]\"= \\"))
                return pktp_buf_put(b, s, n);
        uint8_t *bytes = malloc(n + 1);
        if (!bytes)
                return -ENOMEM;
        int len = latin1_decode(s, n, bytes);
        if (len < 0) {
                free(bytes);
                return -EINVAL;
        }
        pktp_buf_putc(b, '"');
        for (int i = 0; i < len; i++) {
                uint8_t c = bytes[i];
                if (c == '"' || c == '\\')
                        pktp_buf_printf(b, "\\%c", c);
                else if (c >= 0x20 && c < 0x7f)
                        pktp_buf_putc(b, (char)c);
                else
                        pktp_buf_printf(b, "\\x%02x", c);
        }
        free(bytes);
        return pktp_buf_putc(b, '"');
}

static bool
is_string_field(const struct pkt_elem_set *set, const char *key)
{
        for (unsigned k = 0; k < set->n_fields; k++)
                if (strcmp(set->fields[k].name, key) == 0)
                        return set->fields[k].type == PKT_FT_STRING;
        return false;
}

/* "truncated" and "malformed" say how a dissection found a layer or element, not what to build;
 * "beyond_header" where an element lies (past the header: its bytes are given elsewhere). */
static bool
is_flag_member(const char *key)
{
        return !strcmp(key, "truncated") || !strcmp(key, "malformed") || !strcmp(key, "beyond_header");
}

/* Boolean member @key of object @o, as the writer gives its marks ("continuation" of a layer,
 * "beyond_header" of an element). Returns 1 when true, 0 when false or absent, -EINVAL when it is not a
 * boolean. */
static int
bool_member(struct json_object *o, const char *key)
{
        struct json_object *val;

        if (!json_object_object_get_ex(o, key, &val))
                return 0;
        if (!json_object_is_type(val, json_type_boolean))
                return -EINVAL;
        return json_object_get_boolean(val) ? 1 : 0;
}

/*
 * The element text for one element object, in one of the forms element builders take:
 *   @form 0: the RFC 791 option form "TYPE(body=HEX)" (or "TYPE" with no body): IPv4 and TCP
 *            options, whose "len" the builder computes and whose kind fields repeat the body;
 *   @form 1: "ELEM(field=value,...)" with every member;
 *   @form 2: as 1 without the length members the builders compute ("len", "dlen", "length");
 *   @form 3: "TYPE(LEN)", for padding options that carry nothing but their length (IPv6 PadN).
 * Returns 0, -ENOENT (the form does not apply), -EINVAL (a value no text stands for), -ENOMEM.
 */
static int
elem_text(struct pktp_buf *b, const struct pkt_elem_set *set, struct json_object *o, int form)
{
        struct json_object *type, *body;
        bool first = true;

        pktp_buf_reset(b);
        if (form == 0) {
                if (!json_object_object_get_ex(o, "type", &type) ||
                    !json_object_is_type(type, json_type_int))
                        return -ENOENT;
                json_object_object_foreach(o, key, val) {
                        (void)val;
                        if (strcmp(key, "type") && strcmp(key, "len") && strcmp(key, "body") &&
                            !is_flag_member(key) && !json_object_object_get_ex(o, "body", NULL))
                                return -ENOENT;
                }
                pktp_buf_u64(b, json_object_get_uint64(type));
                if (json_object_object_get_ex(o, "body", &body)) {
                        const char *h = json_object_get_string(body);
                        /* Plain hex only: nothing that the element tokenizer could split. */
                        if (!json_object_is_type(body, json_type_string) || h[strspn(h, "0123456789abcdefABCDEF")])
                                return -ENOENT;
                        pktp_buf_puts(b, "(body=");
                        pktp_buf_put(b, json_object_get_string(body), (size_t)json_object_get_string_len(body));
                        pktp_buf_putc(b, ')');
                }
                return b->err;
        }
        if (form == 3) {
                /* "TYPE(LEN)": padding options, whose length is all they carry (IPv6 PadN). */
                struct json_object *len;
                if (!json_object_object_get_ex(o, "type", &type) || !json_object_is_type(type, json_type_int) ||
                    !json_object_object_get_ex(o, "len", &len) || !json_object_is_type(len, json_type_int))
                        return -ENOENT;
                pktp_buf_u64(b, json_object_get_uint64(type));
                pktp_buf_putc(b, '(');
                pktp_buf_u64(b, json_object_get_uint64(len));
                pktp_buf_putc(b, ')');
                return b->err;
        }
        pktp_buf_puts(b, set->elem_name);
        pktp_buf_putc(b, '(');
        json_object_object_foreach(o, key, val) {
                if (is_flag_member(key) ||
                    (form == 2 && (!strcmp(key, "len") || !strcmp(key, "dlen") || !strcmp(key, "length"))))
                        continue;
                /* Field names only: a key cannot smuggle "=" or "," into the element text. */
                if (!*key || key[strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")])
                        return -EINVAL;
                if (!first)
                        pktp_buf_putc(b, ',');
                first = false;
                pktp_buf_puts(b, key);
                pktp_buf_putc(b, '=');
                int r = put_arg_value(b, val, is_string_field(set, key));
                if (r < 0)
                        return r;
        }
        pktp_buf_putc(b, ')');
        return b->err;
}

/* Why 160 KiB: an element's text, whose bytes (at most 64 KiB, as a layer) JSON gives as hex. */
#define ELEM_TEXT_MAX (160u * 1024u)

static int
add_elems(struct reader *rd, unsigned idx, unsigned proto, unsigned s, struct json_object *arr,
          const char *path)
{
        const struct pkt_elem_set *set = &pkt_proto_get(proto)->elems[s];
        size_t n = json_object_array_length(arr);
        struct pktp_buf text;
        char epath[PKTP_ERROR_ARG_MAX];
        int r = 0;

        pktp_buf_init(&text, ELEM_TEXT_MAX);
        for (size_t j = 0; j < n; j++) {
                struct json_object *o = json_object_array_get_idx(arr, j);
                int tried = 0;
                path_fmt(epath, sizeof(epath), "%s[%zu]", path, j);
                if (++rd->n_elems > ELEMS_MAX) {
                        r = fail(rd, -EMSGSIZE, PKTP_ERR_BAD_PACKET, epath, "more than %u elements",
                                 ELEMS_MAX);
                        break;
                }
                if (!json_object_is_type(o, json_type_object)) {
                        r = fail(rd, -EINVAL, PKTP_ERR_BAD_PACKET, epath, "an element is an object");
                        break;
                }
                /* Listed past its layer's header: its bytes are the upper layers' or the padding's. */
                r = bool_member(o, "beyond_header");
                if (r < 0) {
                        r = fail(rd, r, PKTP_ERR_BAD_PACKET, epath, "beyond_header is true or false");
                        break;
                }
                if (r)
                        continue;
                r = -EINVAL;
                /* The forms in order of preference: lengths left to the builder before given, unless
                 * the set keeps given lengths. */
                static const int forms[] = { 0, 2, 1, 3 };
                for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
                        if (forms[f] == 2 && (set->flags & PKT_ES_GIVEN_LENGTHS))
                                continue;
                        int t = elem_text(&text, set, o, forms[f]);
                        if (t == -ENOMEM) {
                                r = t;
                                break;
                        }
                        if (t < 0)
                                continue;
                        tried++;
                        r = pkt_elem_add(rd->p, idx, set->name, text.data);
                        if (r >= 0 || r == -ENOMEM || r == -EOPNOTSUPP)
                                break;
                }
                if (r == -ENOMEM) {
                        r = out_of_memory(rd);
                        break;
                }
                if (r < 0) {
                        r = fail(rd, r, PKTP_ERR_BAD_PACKET, epath, "%s",
                                 r == -EOPNOTSUPP ? reason(r)
                                 : tried ? "the layer's element builder does not take this element"
                                         : "a value of this element is neither a number nor text");
                        break;
                }
        }
        pktp_buf_done(&text);
        return r < 0 ? r : 0;
}

/* Member @key of layer object @i, the switch that keeps layer @idx as written when false ("compress"
 * of a DNS message: its names stay as given). */
static int
read_encoding_switch(struct reader *rd, unsigned idx, size_t i, const char *key, struct json_object *val)
{
        char path[PKTP_ERROR_ARG_MAX];

        if (!json_object_is_type(val, json_type_boolean)) {
                path_fmt(path, sizeof(path), "layers[%zu].%s", i, key);
                return fail(rd, -EINVAL, PKTP_ERR_BAD_PACKET, path, "this switch is true or false");
        }
        return pkt_layer_keep_as_written(rd->p, idx, !json_object_get_boolean(val));
}

/* Member @key of layer object @i (layer @idx, protocol @id) in pass @pass: 0 plain fields, 1 element
 * sets, 2 auto fields. */
static int
read_member(struct reader *rd, unsigned idx, unsigned id, size_t i, const char *key, struct json_object *val,
            int pass)
{
        char path[PKTP_ERROR_ARG_MAX];
        const struct pkt_field *f;
        bool is_array = json_object_is_type(val, json_type_array);
        int s;

        if (!strcmp(key, "layer") || is_flag_member(key) || !strcmp(key, "padding") || !strcmp(key, "continuation"))
                return 0; /* "padding" goes in once every layer is there (add_padding()) */
        const char *sw = pkt_proto_encoding_switch(id);
        if (sw && !strcmp(key, sw))
                return pass == 0 ? read_encoding_switch(rd, idx, i, key, val) : 0;
        /* Keys are at most what the validator lets through; a longer one is cut in the path. */
        path_fmt(path, sizeof(path), "layers[%zu].%s", i, key);
        if (is_array) {
                if (pass != 1)
                        return 0;
                s = elem_set_index(id, key);
                if (s < 0)
                        return fail(rd, -ENOENT, PKTP_ERR_BAD_PACKET, path,
                                    "layer '%s' has no element set of this name", pkt_proto_name(id));
                return add_elems(rd, idx, id, (unsigned)s, val, path);
        }
        f = field_of(id, key);
        if (!f) {
                if (pass != 0)
                        return 0;
                return fail(rd, -ENOENT, PKTP_ERR_BAD_PACKET, path, "layer '%s' has no field of this name%s",
                            pkt_proto_name(id),
                            elem_set_index(id, key) >= 0 ? " (it is an element set: give an array)" : "");
        }
        if (pass != ((f->flags & PKT_FF_AUTO) ? 2 : 0))
                return 0;
        if (json_object_is_type(val, json_type_int))
                return set_number(rd, idx, f, val, path);
        if (json_object_is_type(val, json_type_string))
                return set_text(rd, idx, f, val, path);
        return fail(rd, -EINVAL, PKTP_ERR_BAD_PACKET, path, "a field takes a number or text");
}


static int
read_layer(struct reader *rd, struct json_object *lo, size_t i, unsigned *context)
{
        char path[PKTP_ERROR_ARG_MAX];
        struct json_object *name;
        int id, idx, r;

        path_fmt(path, sizeof(path), "layers[%zu]", i);
        if (!json_object_is_type(lo, json_type_object))
                return fail(rd, -EINVAL, PKTP_ERR_BAD_PACKET, path, "a layer is an object");
        path_fmt(path, sizeof(path), "layers[%zu].layer", i);
        if (!json_object_object_get_ex(lo, "layer", &name) || !json_object_is_type(name, json_type_string))
                return fail(rd, -EINVAL, PKTP_ERR_BAD_PACKET, path, "each layer needs its name in \"layer\"");
        id = pkt_proto_by_name(json_object_get_string(name), *context);
        if (id < 0)
                return fail(rd, -ENOENT, PKTP_ERR_BAD_PACKET, path, "no layer has this name");
        /* A layer with no header of its own (a segment in the middle of a TLS record or NBSS message). */
        r = bool_member(lo, "continuation");
        if (r < 0) {
                path_fmt(path, sizeof(path), "layers[%zu].continuation", i);
                return fail(rd, -EINVAL, PKTP_ERR_BAD_PACKET, path, "continuation is true or false");
        }
        idx = r ? pkt_push_empty(rd->p, (unsigned)id) : pkt_push(rd->p, (unsigned)id);
        if (idx == -EINVAL && r) {
                path_fmt(path, sizeof(path), "layers[%zu].continuation", i);
                return fail(rd, idx, PKTP_ERR_BAD_PACKET, path, "every header of this layer has bytes");
        }
        if (idx == -ENOMEM)
                return out_of_memory(rd);
        if (idx < 0)
                return fail(rd, idx, PKTP_ERR_BAD_PACKET, path, "the layer cannot be added here");
        *context = (unsigned)id;

        /* Three passes: fields, then elements, then the fields libpkt computes (lengths, counts,
         * checksums). Element builders read the header as it is (DNS finds a section's end from the
         * counts), so a count given before its records would point past them. */
        for (int pass = 0; pass < 3; pass++) {
                json_object_object_foreach(lo, key, val) {
                        r = read_member(rd, (unsigned)idx, (unsigned)id, i, key, val, pass);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* Member "padding" of layer object @i (layer @i of the packet): bytes after the layer's upper layers,
 * as the writer gives them (Ethernet padding). Appended once every layer is in place, since a layer
 * pushed later goes before the trailers of the layers below it. */
static int
add_padding(struct reader *rd, struct json_object *lo, size_t i)
{
        char path[PKTP_ERROR_ARG_MAX];
        struct json_object *val;
        uint8_t *bytes;
        int n, r;

        if (!json_object_object_get_ex(lo, "padding", &val))
                return 0;
        path_fmt(path, sizeof(path), "layers[%zu].padding", i);
        if (!json_object_is_type(val, json_type_string))
                return fail(rd, -EINVAL, PKTP_ERR_BAD_PACKET, path, "padding is hex text");
        n = hex_decode(json_object_get_string(val), (size_t)json_object_get_string_len(val), &bytes);
        if (n == -ENOMEM)
                return out_of_memory(rd);
        if (n < 0)
                return fail(rd, n, PKTP_ERR_BAD_PACKET, path, "padding is hex text");
        r = pkt_trailer_append(rd->p, (unsigned)i, bytes, (size_t)n);
        free(bytes);
        if (r == -ENOMEM)
                return out_of_memory(rd);
        if (r < 0)
                return fail(rd, r, PKTP_ERR_BAD_PACKET, path, "the padding cannot be added here");
        return 0;
}

static int
from_layers(struct reader *rd, struct json_object *layers)
{
        unsigned context = PKT_PROTO_NONE;
        size_t n;

        if (!json_object_is_type(layers, json_type_array))
                return fail(rd, -EINVAL, PKTP_ERR_INVALID_PARAMETER, "layers", "layers is an array of objects");
        n = json_object_array_length(layers);
        if (n == 0)
                return fail(rd, -EINVAL, PKTP_ERR_BAD_PACKET, "layers", "a packet has one layer at least");
        if (n > PKT_LAYERS_MAX)
                return fail(rd, -EMSGSIZE, PKTP_ERR_BAD_PACKET, "layers", "a packet has at most %u layers",
                            PKT_LAYERS_MAX);
        for (size_t i = 0; i < n; i++) {
                int r = read_layer(rd, json_object_array_get_idx(layers, i), i, &context);
                if (r < 0)
                        return r;
        }
        for (size_t i = n; i-- > 0;) {
                int r = add_padding(rd, json_object_array_get_idx(layers, i), i);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
from_spec(struct reader *rd, struct json_object *spec)
{
        char msg[PKTP_ERROR_MESSAGE_MAX];
        size_t n, pos = 0;
        int r;

        if (!json_object_is_type(spec, json_type_string))
                return fail(rd, -EINVAL, PKTP_ERR_INVALID_PARAMETER, "spec", "spec is a string");
        n = (size_t)json_object_get_string_len(spec);
        if (n > PKTP_SPEC_MAX)
                return fail(rd, -EMSGSIZE, PKTP_ERR_INVALID_PARAMETER, "spec", "spec is longer than %u bytes",
                            PKTP_SPEC_MAX);
        if (strlen(json_object_get_string(spec)) != n)
                return fail(rd, -EINVAL, PKTP_ERR_INVALID_PARAMETER, "spec", "spec contains a NUL");
        r = pkt_build_at(rd->p, json_object_get_string(spec), msg, sizeof(msg), &pos);
        if (r == -ENOMEM)
                return out_of_memory(rd);
        if (r < 0) {
                pktp_error_set(rd->err, PKTP_ERR_BAD_SPEC, NULL, "%s", msg);
                if (rd->err)
                        rd->err->number = (long)pos;
        }
        return r;
}

static int
from_data(struct reader *rd, struct json_object *data)
{
        struct pkt view;
        uint8_t *bytes;
        size_t len;
        int r;

        if (!json_object_is_type(data, json_type_string))
                return fail(rd, -EINVAL, PKTP_ERR_INVALID_PARAMETER, "data", "data is a base64 string");
        r = pktp_base64_decode(json_object_get_string(data), (size_t)json_object_get_string_len(data),
                               &bytes, &len);
        if (r == -ENOMEM)
                return out_of_memory(rd);
        if (r < 0)
                return fail(rd, r, PKTP_ERR_INVALID_PARAMETER, "data",
                            "data is not base64 (RFC 4648, padded, standard alphabet)");
        if (len > PKTP_PACKET_BYTES_MAX) {
                free(bytes);
                return fail(rd, -EMSGSIZE, PKTP_ERR_INVALID_PARAMETER, "data", "data is longer than %u bytes",
                            PKTP_PACKET_BYTES_MAX);
        }
        /* The packet keeps a copy, so that it outlives the decoded buffer. */
        pkt_init(&view);
        r = pkt_parse(&view, PKT_PROTO_ETHERNET, bytes, len, len);
        if (r >= 0)
                r = pkt_copy(rd->p, &view);
        pkt_done(&view);
        free(bytes);
        if (r == -ENOMEM)
                return out_of_memory(rd);
        if (r < 0)
                return fail(rd, r, PKTP_ERR_INTERNAL, NULL, "the bytes could not be dissected");
        return 0;
}

int
pktp_packet_from_json(struct pkt *p, struct json_object *obj, struct pktp_error *err)
{
        static const char *const forms[] = { "spec", "layers", "data" };
        struct reader rd = { .p = p, .err = err };
        struct json_object *v[3] = { NULL }, *given = NULL;
        int which = -1, r;

        if (!p)
                return -EINVAL;
        pkt_done(p);
        if (!obj || !json_object_is_type(obj, json_type_object))
                return fail(&rd, -EINVAL, PKTP_ERR_INVALID_PARAMETER, "", "a packet is an object");
        for (int k = 0; k < 3; k++) {
                /* null is absent, as for every optional parameter */
                if (!json_object_object_get_ex(obj, forms[k], &v[k]) || !v[k])
                        continue;
                if (which >= 0)
                        return fail(&rd, -EINVAL, PKTP_ERR_INVALID_PARAMETER, forms[k],
                                    "give exactly one of spec, layers, data (%s was given too)", forms[which]);
                which = k;
                given = v[k];
        }
        if (which < 0)
                return fail(&rd, -EINVAL, PKTP_ERR_INVALID_PARAMETER, "spec",
                            "give exactly one of spec, layers, data");
        r = which == 0 ? from_spec(&rd, given) : which == 1 ? from_layers(&rd, given) : from_data(&rd, given);
        if (r < 0)
                pkt_done(p); /* no half-built packet is left behind */
        return r;
}
