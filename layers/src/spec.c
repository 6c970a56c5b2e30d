/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The text spec: one grammar for the CLI, tests and docs, mirroring pypacker's IP(...) + ICMP(...):
 *
 *   spec  := layer ( "/" layer )*
 *   layer := NAME [ "(" [ arg ( "," arg )* ] ")" ]
 *   arg   := NAME "=" value | value                      (a bare value only for raw)
 *   value := "quoted \"string\" with C escapes" | "[" elem ( "," elem )* "]" | token
 *   elem  := NAME [ "(" args ")" ]                        (handed to the protocol's element builder)
 *
 * A token runs to the next "," or ")" outside quotes and brackets, so IPv6 addresses, MACs and
 * "SYN|ACK" need no quoting.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Why 64 KiB: a raw payload can be a whole jumbo frame spelled out in hex. */
#define SPEC_VALUE_MAX 65536

/* Returns the length of the token at @s up to one of @stops at depth 0, honouring quotes and
 * (), [] nesting; -EINVAL on an unterminated quote or bracket. */
static int
token_len(const char *s, const char *stops)
{
        int depth = 0;
        size_t i = 0;

        for (; s[i]; i++) {
                char c = s[i];
                if (c == '"') {
                        for (i++; s[i] && s[i] != '"'; i++)
                                if (s[i] == '\\' && s[i + 1])
                                        i++;
                        if (!s[i])
                                return -EINVAL;
                        continue;
                }
                if (depth == 0 && strchr(stops, c))
                        break;
                if (c == '(' || c == '[')
                        depth++;
                else if (c == ')' || c == ']') {
                        if (depth == 0)
                                return -EINVAL;
                        depth--;
                }
        }
        if (depth != 0 || i > INT32_MAX)
                return -EINVAL;
        return (int)i;
}

static void
copy_trim(char *dst, size_t size, const char *src, size_t n)
{
        while (n > 0 && (*src == ' ' || *src == '\t')) {
                src++;
                n--;
        }
        while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\t'))
                n--;
        n = MIN(n, size - 1);
        memcpy(dst, src, n);
        dst[n] = 0;
}

static size_t
skip_blanks(const char *s, size_t i)
{
        while (s[i] == ' ' || s[i] == '\t')
                i++;
        return i;
}

/*
 * While the engine builds (pkt_elem_add() and each layer of pkt_build() open a scope), a split's values
 * are copied into one block of a store that lasts until the outermost scope is left: a value may be of
 * any length (a certificate's hex), and arguments may be copied anywhere, over each other too, as their
 * values are not inside them. A split copies at most its text, so a build's store is bounded by its
 * text times the depth its elements nest. Outside a scope a value is kept in its argument's
 * short_value.
 */
struct store_block {
        struct store_block *next;
        char text[];
};
static _Thread_local struct store_block *store;
static _Thread_local unsigned scope_depth;

void
pkt_spec_scope_enter(void)
{
        scope_depth++;
}

void
pkt_spec_scope_leave(void)
{
        assert(scope_depth > 0);
        if (--scope_depth > 0)
                return;
        while (store) {
                struct store_block *next = store->next;
                free(store);
                store = next;
        }
}

/* Room for @size bytes in the store, or NULL. */
static char *
store_alloc(size_t size)
{
        struct store_block *b = malloc(sizeof(*b) + size);

        if (!b)
                return NULL;
        b->next = store;
        store = b;
        return b->text;
}

/* A split's values: in the store's @block while building (each after the last, *@used bytes taken),
 * else in the argument. */
struct values {
        char *block;
        size_t used;
};

/* Sets @a's value to @n bytes at @src, without surrounding blanks. */
static int
set_value(struct pkt_spec_arg *a, struct values *vals, const char *src, size_t n)
{
        if (vals->block) {
                char *to = vals->block + vals->used;
                copy_trim(to, n + 1, src, n);
                vals->used += strlen(to) + 1;
                a->value = to;
                return 0;
        }
        if (n >= sizeof(a->short_value))
                return -E2BIG;
        copy_trim(a->short_value, sizeof(a->short_value), src, n);
        a->value = a->short_value;
        return 0;
}

int
pkt_spec_split(const char *text, char *name, size_t name_size, struct pkt_spec_arg *args, unsigned max)
{
        const char *open = strchr(text, '(');
        size_t name_len = open ? (size_t)(open - text) : strlen(text);
        unsigned n = 0;

        pkt_assert_return(text && name && name_size > 0, -EINVAL);
        if (name_len >= name_size)
                return -E2BIG;
        copy_trim(name, name_size, text, name_len);
        if (!open)
                return 0;
        const char *s = open + 1;
        int body = token_len(s, ")");
        if (body < 0 || s[body] != ')' || s[body + 1])
                return -EINVAL;
        const char *end = s + body;
        /* Each value is a part of the body, with its NUL: the body and one byte per argument. */
        struct values vals = { .block = scope_depth > 0 ? store_alloc((size_t)body + max + 1) : NULL };
        if (scope_depth > 0 && !vals.block)
                return -ENOMEM;
        while (s < end) {
                int len = token_len(s, ",)"), r;
                if (len < 0)
                        return len;
                if (n == max)
                        return -E2BIG;
                const char *eq = memchr(s, '=', (size_t)len);
                /* "=" inside a quoted value is not a key separator. */
                const char *quote = memchr(s, '"', (size_t)len);
                if (eq && (!quote || eq < quote)) {
                        if ((size_t)(eq - s) >= sizeof(args[n].key))
                                return -E2BIG;
                        copy_trim(args[n].key, sizeof(args[n].key), s, (size_t)(eq - s));
                        r = set_value(&args[n], &vals, eq + 1, (size_t)(s + len - eq - 1));
                } else {
                        args[n].key[0] = 0;
                        r = set_value(&args[n], &vals, s, (size_t)len);
                }
                if (r < 0)
                        return r;
                n++;
                s += len;
                if (*s == ',')
                        s++;
        }
        return (int)n;
}

int
pkt_spec_value(const struct pkt_field *f, const char *text, uint64_t *ret_u, uint8_t *out, size_t size)
{
        size_t len = size;
        int r;

        pkt_assert_return(f && text && ret_u && out, -EINVAL);
        r = pkt_value_parse(f, text, ret_u, out, &len);
        if (r < 0)
                return r;
        if (f->type == PKT_FT_UINT || f->type == PKT_FT_ENUM || f->type == PKT_FT_FLAGS) {
                if (f->bits % 8 || f->bits > 64 || f->bits / 8 > size)
                        return f->bits % 8 ? 0 : -EMSGSIZE;
                pkt_bits_write(out, 0, f->bits, f->flags & PKT_FF_LE, *ret_u);
                return (int)(f->bits / 8);
        }
        return (int)len;
}

struct spec_ctx {
        struct pkt *p;
        char *err;
        size_t err_size;
        unsigned layer_no;
        const char *layer_name;
        size_t layer_pos; /* offset in the spec of the current layer's (trimmed) text */
        size_t pos;       /* offset in the spec of what failed: set before fail() */
};

/* Offset in layer text @text of argument @no (0-based) as pkt_spec_split() counts them: of its
 * value when @is_value and it has one, else of the argument. 0 when it cannot be found. */
static size_t
arg_offset(const char *text, unsigned no, bool is_value)
{
        const char *open = strchr(text, '(');
        size_t i;

        if (!open)
                return 0;
        i = (size_t)(open - text) + 1;
        for (unsigned k = 0;; k++) {
                int len = token_len(text + i, ",)");
                if (len < 0)
                        return 0;
                if (k == no) {
                        const char *a = text + i;
                        const char *eq = memchr(a, '=', (size_t)len);
                        const char *quote = memchr(a, '"', (size_t)len);
                        if (is_value && eq && (!quote || eq < quote))
                                return skip_blanks(text, (size_t)(eq - text) + 1);
                        return skip_blanks(text, i);
                }
                i += (size_t)len;
                if (text[i] != ',')
                        return 0;
                i++;
        }
}

static int
fail(struct spec_ctx *c, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(struct spec_ctx *c, int r, const char *fmt, ...)
{
        if (c->err && c->err_size) {
                int n = snprintf(c->err, c->err_size, "layer %u (%s): ", c->layer_no,
                                 c->layer_name ? c->layer_name : "?");
                va_list ap;
                va_start(ap, fmt);
                if (n >= 0 && (size_t)n < c->err_size)
                        vsnprintf(c->err + n, c->err_size - (size_t)n, fmt, ap);
                va_end(ap);
        }
        return r;
}

static const char *
reason(int r)
{
        switch (r) {
        case -ERANGE:
                return "value too wide for the field";
        case -ENOENT:
                return "no such field";
        case -EMSGSIZE:
        case -E2BIG:
                return "value too long";
        case -EOPNOTSUPP:
                return "this layer cannot build elements";
        case -ENODATA:
                return "field lies beyond the header";
        case -EEXIST:
                return "the layer has this part already: give it before the parts after it";
        default:
                return "cannot parse the value";
        }
}

/* raw("text"), raw(hex=0011...), raw(0011...); @c->pos is already at the value. */
static int
push_raw(struct spec_ctx *c, const char *value, bool is_hex)
{
        _cleanup_free_ uint8_t *buf = malloc(SPEC_VALUE_MAX);
        static const struct pkt_field as_string = { .name = "raw", .type = PKT_FT_STRING };
        static const struct pkt_field as_hex = { .name = "raw", .type = PKT_FT_BYTES };
        size_t len = SPEC_VALUE_MAX;
        uint64_t u;
        int r;

        if (!buf)
                return -ENOMEM;
        r = pkt_value_parse(is_hex || value[0] != '"' ? &as_hex : &as_string, value, &u, buf, &len);
        if (r < 0)
                return fail(c, r, "payload: %s", reason(r));
        r = pkt_push_raw(c->p, buf, len);
        return r < 0 ? fail(c, r, "payload: cannot append (%d)", r) : 0;
}

const char *
pkt_spec_arg(const struct pkt_spec_arg *args, int n, const char *key, int i)
{
        for (int k = 0; k < n; k++)
                if (args[k].key[0] ? strcmp(args[k].key, key) == 0 : k == i)
                        return args[k].value;
        return NULL;
}

int
pkt_spec_named(const struct pkt_spec_arg *args, int n, const char *key, const struct pkt_name *names,
               uint32_t max, int def)
{
        const char *text = pkt_spec_arg(args, n, key, -1);
        uint32_t v;

        if (!text)
                return def;
        return pkt_name_value(names, text, max, &v) < 0 ? -EINVAL : (int)v;
}

bool
pkt_text_is_mac(const char *text)
{
        unsigned colons = 0;

        for (const char *c = text; *c; c++)
                colons += *c == ':';
        return colons == 5 && strlen(text) == 17 && !strstr(text, "::");
}

int
pkt_spec_field(const struct pkt_field *f, const char *text, uint8_t *out, size_t size)
{
        uint32_t bytes = f->bits / 8;
        uint64_t u;

        if (text)
                return pkt_spec_value(f, text, &u, out, size);
        if (f->def_bytes || f->bits % 8 || bytes > size)
                return bytes > size ? -EMSGSIZE : -EINVAL;
        /* Big-endian, the integer in the last 8 bytes (an IPv6 address's default is all zero). */
        for (uint32_t i = 0; i < bytes; i++) {
                uint32_t shift = 8 * (bytes - 1 - i);
                out[i] = shift < 64 ? (uint8_t)(f->def >> shift) : 0;
        }
        return (int)bytes;
}

int
pkt_spec_args_without(const struct pkt_spec_arg *args, int n, const char *const *keys,
                      struct pkt_spec_arg *out)
{
        int m = 0;

        for (int i = 0; i < n; i++) {
                bool drop = false;
                for (const char *const *k = keys; *k && !drop; k++)
                        drop = strcmp(args[i].key, *k) == 0;
                if (!drop)
                        out[m++] = args[i];
        }
        return m;
}

/* An integer of a fixed width, which pkt_spec_encode() packs bit by bit. */
static bool
is_integer(const struct pkt_field *f)
{
        return f->bits > 0 && f->bits <= 64 && pkt_field_is_integer(f);
}

int
pkt_spec_encode(const struct pkt_field *fields, unsigned n_fields, const struct pkt_spec_arg *args, int n,
                uint8_t *out, size_t size)
{
        uint32_t bits = 0, count_at = 0, count_bits = 0;
        bool count_given = true;

        for (int a = 0; a < n; a++) {
                bool known = !args[a].key[0] && (unsigned)a < n_fields;
                for (unsigned f = 0; f < n_fields && !known; f++)
                        known = strcmp(fields[f].name, args[a].key) == 0;
                if (!known)
                        return -ENOENT;
        }
        memset(out, 0, size);
        for (unsigned f = 0; f < n_fields; f++) {
                const struct pkt_field *fd = &fields[f];
                const char *text = pkt_spec_arg(args, n, fd->name, (int)f);
                uint64_t u = fd->def;
                int r;

                if (!is_integer(fd)) {
                        /* Addresses, bytes, text: whole bytes, a variable one empty without a value. */
                        if (bits % 8)
                                return -EINVAL;
                        if (!text && fd->bits == 0)
                                continue;
                        if ((r = pkt_spec_field(fd, text, out + bits / 8, size - bits / 8)) < 0)
                                return r;
                        /* Text shorter than a fixed field keeps the zeros after it ("cisco" in 8 bytes). */
                        if (fd->bits && fd->type != PKT_FT_DNSNAME) {
                                if ((uint32_t)r * 8 > fd->bits)
                                        return -ERANGE;
                                if (bits / 8 + fd->bits / 8 > size)
                                        return -EMSGSIZE;
                                r = (int)(fd->bits / 8);
                        }
                        /* A counted field's count, when not given, is its length. */
                        if ((fd->flags & PKT_FF_COUNTED) && f > 0 && !count_given) {
                                if (count_bits < 64 && (uint64_t)r >> count_bits)
                                        return -ERANGE;
                                pkt_bits_write(out, count_at, count_bits, false, (uint64_t)r);
                        }
                        bits += (uint32_t)r * 8;
                        continue;
                }
                uint8_t scratch[8];
                if (text && (r = pkt_spec_value(fd, text, &u, scratch, sizeof(scratch))) < 0)
                        return r;
                if ((bits + fd->bits + 7) / 8 > size)
                        return -EMSGSIZE;
                pkt_bits_write(out, bits, fd->bits, false, u);
                count_at = bits, count_bits = fd->bits, count_given = text != NULL;
                bits += fd->bits;
        }
        return bits % 8 ? -EINVAL : (int)(bits / 8);
}

int
pkt_spec_list_item(const char *list, size_t *pos, char *item, size_t size)
{
        pkt_assert_return(list && pos && item && size > 0, -EINVAL);
        const char *s = list + *pos;

        if (*s == ']')
                return 0;
        int len = token_len(s, ",]");
        if (len < 0 || (size_t)len >= size || !s[len])
                return -EINVAL;
        copy_trim(item, size, s, (size_t)len);
        *pos += (size_t)len + (s[len] == ',');
        return 1;
}

/* "[a(..), b, ...]" -> one pkt_elem_add() per element. @c->pos is at the list's "[". */
static int
add_elems(struct spec_ctx *c, int idx, const char *set, const char *list)
{
        size_t n = strlen(list), list_pos = c->pos, at = 1;
        _cleanup_free_ char *one = malloc(n + 1);
        int r;

        if (!one)
                return -ENOMEM;
        if (n < 2 || list[n - 1] != ']')
                return fail(c, -EINVAL, "field '%s': element list must end with ']'", set);
        for (;;) {
                c->pos = list_pos + skip_blanks(list, at);
                r = pkt_spec_list_item(list, &at, one, n + 1);
                if (r == 0)
                        return 0;
                if (r < 0)
                        return fail(c, -EINVAL, "field '%s': bad element list", set);
                /* A builder says -EINVAL for a kind it does not know as for a value it cannot take. */
                if (one[0] && (r = pkt_elem_add(c->p, (unsigned)idx, set, one)) < 0)
                        return fail(c, r, "element '%.200s' of '%s': %s", one, set,
                                    r == -EINVAL ? "not an element this set takes (its kind, or a value)"
                                                 : reason(r));
        }
}

/* raw, raw("text"), raw(hex=0011...) or raw(0011...): payloads can be long, so no argument split. */
static int
build_raw(struct spec_ctx *c, const char *args)
{
        size_t n = strlen(args);
        _cleanup_free_ char *value = NULL;

        c->layer_name = "raw";
        if (n == 0)
                return push_raw(c, "\"\"", false);
        c->pos = c->layer_pos + 3;
        if (args[0] != '(' || args[n - 1] != ')')
                return fail(c, -EINVAL, "raw takes (\"text\") or (hex=...)");
        value = strndup(args + 1, n - 2);
        if (!value)
                return -ENOMEM;
        bool is_hex = strncmp(value, "hex=", 4) == 0;
        c->pos += 1 + (is_hex ? 4 : 0);
        return push_raw(c, is_hex ? value + 4 : value, is_hex);
}

/* Why 64: more arguments than any header has fields. */
#define SPEC_ARGS_MAX 64

static int
apply_args(struct spec_ctx *c, const char *text, int idx, const struct pkt_spec_arg *args, int n)
{
        for (int i = 0; i < n; i++) {
                const struct pkt_spec_arg *a = &args[i];
                int r;
                /* An unknown field points at its name; a value that does not fit, at the value. */
                c->pos = c->layer_pos + arg_offset(text, (unsigned)i, false);
                if (!a->key[0])
                        return fail(c, -EINVAL, "argument '%s': expected name=value", a->value);
                if (a->value[0] == '[') {
                        c->pos = c->layer_pos + arg_offset(text, (unsigned)i, true);
                        r = add_elems(c, idx, a->key, a->value);
                } else if ((r = pkt_field_set_str(c->p, (unsigned)idx, a->key, a->value)) < 0) {
                        if (r != -ENOENT)
                                c->pos = c->layer_pos + arg_offset(text, (unsigned)i, true);
                        return fail(c, r, "field '%s' = '%.200s': %s", a->key, a->value, reason(r));
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
build_layer_args(struct spec_ctx *c, const char *text, unsigned context, struct pkt_spec_arg *args)
{
        char name[64];
        int n, id, idx;

        n = pkt_spec_split(text, name, sizeof(name), args, SPEC_ARGS_MAX);
        c->layer_name = name;
        if (n < 0)
                return fail(c, n, "cannot parse '%.200s'", text);
        if (!name[0])
                return fail(c, -EINVAL, "empty layer name");
        id = pkt_proto_by_name(name, context);
        if (id < 0)
                return fail(c, -ENOENT, "unknown layer");
        idx = pkt_push(c->p, (unsigned)id);
        if (idx < 0)
                return fail(c, idx, "cannot push the layer (%d)", idx);
        return apply_args(c, text, idx, args, n);
}

static int
build_layer(struct spec_ctx *c, const char *text, unsigned context)
{
        _cleanup_free_ struct pkt_spec_arg *args = calloc(SPEC_ARGS_MAX, sizeof(*args));

        if (!args)
                return -ENOMEM;
        if (strncmp(text, "raw", 3) == 0 && (text[3] == '(' || !text[3]))
                return build_raw(c, text + 3);
        /* The arguments' long values last until the layer is built. */
        pkt_spec_scope_enter();
        int r = build_layer_args(c, text, context, args);
        pkt_spec_scope_leave();
        return r;
}

int
pkt_build(struct pkt *p, const char *spec, char *err, size_t err_size)
{
        return pkt_build_at(p, spec, err, err_size, NULL);
}

static int
build_spec(struct spec_ctx *c, const char *spec)
{
        _cleanup_free_ char *layer = NULL;
        size_t spec_len;
        unsigned context = PKT_PROTO_NONE;
        struct pkt *p = c->p;

        c->pos = 0;
        pkt_done(p);
        spec_len = strlen(spec);
        layer = malloc(spec_len + 1);
        if (!layer)
                return -ENOMEM;
        for (const char *s = spec; *s;) {
                int len = token_len(s, "/");
                c->layer_no++;
                c->layer_name = NULL;
                c->layer_pos = skip_blanks(spec, (size_t)(s - spec));
                c->pos = c->layer_pos;
                if (len < 0) {
                        pkt_done(p); /* as on every failure: no half-built packet is left behind */
                        return fail(c, -EINVAL, "unbalanced quotes or brackets");
                }
                copy_trim(layer, spec_len + 1, s, (size_t)len);
                int r = build_layer(c, layer, context);
                if (r < 0) {
                        pkt_done(p);
                        return r;
                }
                context = p->layers[p->n_layers - 1].proto;
                s += len;
                if (*s == '/')
                        s++;
        }
        c->pos = spec_len;
        if (p->n_layers == 0)
                return fail(c, -EINVAL, "empty spec");
        return 0;
}

int
pkt_build_at(struct pkt *p, const char *spec, char *err, size_t err_size, size_t *ret_pos)
{
        struct spec_ctx c = { .p = p, .err = err, .err_size = err_size };
        int r;

        pkt_assert_return(p && spec, -EINVAL);
        if (err && err_size)
                err[0] = 0;
        r = build_spec(&c, spec);
        if (r < 0 && ret_pos)
                *ret_pos = c.pos;
        return r;
}
