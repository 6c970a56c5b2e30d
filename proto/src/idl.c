/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A parser for the varlink interface definition language (https://varlink.org/Interface-Definition):
 *
 *   interface  = "interface" interface-name ( member )+
 *   member     = "type" name (struct | enum) | "method" name struct "->" struct | "error" name struct
 *   struct     = "(" [ field-name ":" type ( "," field-name ":" type )* ] ")"
 *   enum       = "(" field-name ( "," field-name )* ")"
 *   type       = [ "?" ] ( "bool" | "int" | "float" | "string" | "object" | name
 *                        | "[]" type | "[string]" type | struct | enum )
 *
 * with "#" comments to the end of a line and white space anywhere between tokens. The embedded
 * interface files are parsed once, on first use (pthread_once), into tables the validator walks;
 * named types are resolved within their interface. A file that does not parse is reported with its
 * line, and test_idl makes sure every embedded one does.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "embedded.h"
#include "pktp-internal.h"

/* Nesting of types inside types ("[][]?(a: [string](b: int))"): the parser recurses on it, and no
 * interface needs more than a few levels. */
#define IDL_TYPE_DEPTH_MAX 16
/* Members of an interface, fields of a struct or names of an enum: bounds the parser's allocations. */
#define IDL_ITEMS_MAX 256

struct arena_block {
        struct arena_block *next;
        max_align_t data[];
};

struct parser {
        const char *s;
        size_t len, pos;
        unsigned line;
        struct arena_block *arena;
        char *err;
        size_t err_size;
        unsigned err_line;
        int failed;     /* 0 or the negative errno */
};

static void *
p_alloc(struct parser *p, size_t size)
{
        struct arena_block *b = calloc(1, sizeof(*b) + size);

        if (!b) {
                if (!p->failed) {
                        p->failed = -ENOMEM;
                        p->err_line = p->line;
                        if (p->err_size)
                                (void)snprintf(p->err, p->err_size, "out of memory");
                }
                return NULL;
        }
        b->next = p->arena;
        p->arena = b;
        return b->data;
}

__attribute__((format(printf, 2, 3))) static void
p_fail(struct parser *p, const char *fmt, ...)
{
        va_list ap;
        char msg[200];

        if (p->failed)
                return;
        p->failed = -EBADMSG;
        p->err_line = p->line;
        va_start(ap, fmt);
        (void)vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (p->err_size)
                (void)snprintf(p->err, p->err_size, "line %u: %s", p->line, msg);
}

/* Skips white space and comments. */
static void
skip(struct parser *p)
{
        while (p->pos < p->len) {
                char c = p->s[p->pos];
                if (c == '\n') {
                        p->line++;
                        p->pos++;
                } else if (c == ' ' || c == '\t' || c == '\r') {
                        p->pos++;
                } else if (c == '#') {
                        while (p->pos < p->len && p->s[p->pos] != '\n')
                                p->pos++;
                } else {
                        break;
                }
        }
}

static bool
is_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The next word: letters, digits and the characters names may hold ('_', '.', '-'). */
static size_t
word(struct parser *p, const char **ret)
{
        size_t start = p->pos;

        while (p->pos < p->len &&
               (is_alnum(p->s[p->pos]) || p->s[p->pos] == '_' || p->s[p->pos] == '.' || p->s[p->pos] == '-'))
                p->pos++;
        *ret = p->s + start;
        return p->pos - start;
}

static bool
accept(struct parser *p, const char *tok)
{
        size_t n = strlen(tok);

        skip(p);
        if (p->len - p->pos >= n && memcmp(p->s + p->pos, tok, n) == 0) {
                p->pos += n;
                return true;
        }
        return false;
}

static bool
expect(struct parser *p, const char *tok)
{
        if (accept(p, tok))
                return true;
        p_fail(p, "expected '%s'", tok);
        return false;
}

/* [A-Z][A-Za-z0-9]* */
static bool
is_type_name(const char *s, size_t n)
{
        if (n == 0 || !(s[0] >= 'A' && s[0] <= 'Z'))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!is_alnum(s[i]))
                        return false;
        return true;
}

/* [A-Za-z](_?[A-Za-z0-9])* */
static bool
is_field_name(const char *s, size_t n)
{
        if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
                return false;
        for (size_t i = 1; i < n; i++) {
                if (s[i] == '_') {
                        if (i + 1 >= n || !is_alnum(s[i + 1]))
                                return false;
                } else if (!is_alnum(s[i])) {
                        return false;
                }
        }
        return true;
}

/* [A-Za-z]([-]*[A-Za-z0-9])* ( "." [A-Za-z0-9]([-]*[A-Za-z0-9])* )+  (the varlink grammar) */
bool
pktp_is_interface_name(const char *s, size_t n)
{
        unsigned parts = 0;

        for (size_t i = 0; i < n;) {
                size_t start = i;
                bool letter = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z');
                if (!(letter || (parts > 0 && s[i] >= '0' && s[i] <= '9')))
                        return false;
                while (i < n && s[i] != '.') {
                        if (!(is_alnum(s[i]) || s[i] == '-'))
                                return false;
                        i++;
                }
                if (s[i - 1] == '-' || i == start)
                        return false;
                parts++;
                if (i < n) {
                        i++;            /* the '.' */
                        if (i == n)
                                return false;
                }
        }
        return parts >= 2;
}

static char *
p_strndup(struct parser *p, const char *s, size_t n)
{
        char *d = p_alloc(p, n + 1);

        if (d)
                memcpy(d, s, n);
        return d;
}

static const struct pktp_idl_type *parse_type(struct parser *p, unsigned depth);

/* After the '(': a struct ("name: type, ...") or an enum ("name, ..."), up to and including ')'. */
static struct pktp_idl_type *
parse_struct_or_enum(struct parser *p, unsigned depth, bool enum_allowed)
{
        struct pktp_idl_field items[IDL_ITEMS_MAX];
        struct pktp_idl_type *t = p_alloc(p, sizeof(*t));
        size_t n = 0;
        int kind = -1;  /* unknown until the first item */

        if (!t)
                return NULL;
        t->kind = PKTP_IDL_STRUCT;
        if (accept(p, ")"))
                return t;
        for (;;) {
                const char *w;
                skip(p);
                size_t wn = word(p, &w);
                if (!is_field_name(w, wn)) {
                        p_fail(p, "expected a field name");
                        return NULL;
                }
                if (n == IDL_ITEMS_MAX) {
                        p_fail(p, "more than %d fields", IDL_ITEMS_MAX);
                        return NULL;
                }
                for (size_t i = 0; i < n; i++)
                        if (strlen(items[i].name) == wn && memcmp(items[i].name, w, wn) == 0) {
                                p_fail(p, "field '%.*s' given twice", (int)wn, w);
                                return NULL;
                        }
                items[n].name = p_strndup(p, w, wn);
                items[n].type = NULL;
                if (!items[n].name)
                        return NULL;
                bool colon = accept(p, ":");
                if (kind < 0)
                        kind = colon ? PKTP_IDL_STRUCT : PKTP_IDL_ENUM;
                if (kind == PKTP_IDL_STRUCT) {
                        if (!colon) {
                                p_fail(p, "expected ':' after field name");
                                return NULL;
                        }
                        items[n].type = parse_type(p, depth + 1);
                        if (!items[n].type)
                                return NULL;
                } else if (colon) {
                        p_fail(p, "an enum's names take no type");
                        return NULL;
                }
                n++;
                if (accept(p, ")"))
                        break;
                if (!expect(p, ","))
                        return NULL;
        }
        if (kind == PKTP_IDL_ENUM && !enum_allowed) {
                p_fail(p, "expected a struct, not an enum");
                return NULL;
        }
        struct pktp_idl_field *f = p_alloc(p, n * sizeof(*f));
        if (!f)
                return NULL;
        memcpy(f, items, n * sizeof(*f));
        t->kind = (enum pktp_idl_kind)kind;
        t->fields = f;
        t->n_fields = n;
        return t;
}

static const struct pktp_idl_type *
parse_type(struct parser *p, unsigned depth)
{
        static const struct {
                const char *word;
                enum pktp_idl_kind kind;
        } scalars[] = {
                { "bool", PKTP_IDL_BOOL },     { "int", PKTP_IDL_INT },       { "float", PKTP_IDL_FLOAT },
                { "string", PKTP_IDL_STRING }, { "object", PKTP_IDL_OBJECT },
        };
        struct pktp_idl_type *t;
        bool optional;

        if (depth > IDL_TYPE_DEPTH_MAX) {
                p_fail(p, "types nested deeper than %d", IDL_TYPE_DEPTH_MAX);
                return NULL;
        }
        optional = accept(p, "?");
        if (optional && accept(p, "?")) {
                p_fail(p, "'?' given twice");
                return NULL;
        }
        skip(p);
        if (accept(p, "(")) {
                t = parse_struct_or_enum(p, depth, true);
                if (t)
                        t->optional = optional;
                return t;
        }
        t = p_alloc(p, sizeof(*t));
        if (!t)
                return NULL;
        t->optional = optional;
        if (accept(p, "[]") || accept(p, "[string]")) {
                t->kind = p->s[p->pos - 1] == ']' && p->s[p->pos - 2] == '[' ? PKTP_IDL_ARRAY : PKTP_IDL_MAP;
                t->elem = parse_type(p, depth + 1);
                return t->elem ? t : NULL;
        }
        const char *w;
        size_t wn = word(p, &w);
        for (size_t i = 0; i < ARRAY_SIZE(scalars); i++)
                if (strlen(scalars[i].word) == wn && memcmp(scalars[i].word, w, wn) == 0) {
                        t->kind = scalars[i].kind;
                        return t;
                }
        if (!is_type_name(w, wn)) {
                p_fail(p, "expected a type");
                return NULL;
        }
        t->kind = PKTP_IDL_NAMED;
        t->name = p_strndup(p, w, wn);
        return t->name ? t : NULL;
}

/* Points every named reference below @t at its type. */
static void
resolve(struct parser *p, struct pktp_idl_interface *iface, const struct pktp_idl_type *ct, unsigned line)
{
        struct pktp_idl_type *t = (struct pktp_idl_type *)ct;

        if (!t || p->failed)
                return;
        switch (t->kind) {
        case PKTP_IDL_NAMED: {
                const struct pktp_idl_member *m = pktp_idl_member_find(iface, t->name, PKTP_IDL_MEMBER_TYPE);
                if (!m) {
                        p->line = line;
                        p_fail(p, "unknown type '%s'", t->name);
                        return;
                }
                t->resolved = m->in;
                return;
        }
        case PKTP_IDL_ARRAY:
        case PKTP_IDL_MAP:
                resolve(p, iface, t->elem, line);
                return;
        case PKTP_IDL_STRUCT:
                for (size_t i = 0; i < t->n_fields; i++)
                        resolve(p, iface, t->fields[i].type, line);
                return;
        default:
                return;
        }
}

struct pktp_idl_interface *
pktp_idl_free(struct pktp_idl_interface *i)
{
        if (!i)
                return NULL;
        for (struct arena_block *b = i->arena, *next; b; b = next) {
                next = b->next;
                free(b);
        }
        return NULL;
}

int
pktp_idl_parse(const char *text, size_t len, struct pktp_idl_interface **ret, char *err, size_t err_size,
               unsigned *ret_line)
{
        struct parser p = { .s = text, .len = len, .line = 1, .err = err, .err_size = err_size };
        struct pktp_idl_member members[IDL_ITEMS_MAX];
        struct pktp_idl_interface *iface;
        size_t n = 0;
        const char *w;
        size_t wn;

        pktp_assert_return(text || len == 0, -EINVAL);
        pktp_assert_return(ret, -EINVAL);
        if (err_size)
                err[0] = '\0';
        iface = p_alloc(&p, sizeof(*iface));
        if (!iface)
                goto fail;
        if (len && memchr(text, '\0', len)) {
                p_fail(&p, "NUL byte in the interface text");
                goto fail;
        }
        skip(&p);
        wn = word(&p, &w);
        if (wn != 9 || memcmp(w, "interface", 9) != 0) {
                p_fail(&p, "expected 'interface'");
                goto fail;
        }
        skip(&p);
        wn = word(&p, &w);
        if (!pktp_is_interface_name(w, wn)) {
                p_fail(&p, "expected an interface name");
                goto fail;
        }
        iface->name = p_strndup(&p, w, wn);
        for (;;) {
                skip(&p);
                if (p.pos == p.len)
                        break;
                unsigned line = p.line;
                wn = word(&p, &w);
                struct pktp_idl_member m = { .line = line };
                if (wn == 4 && memcmp(w, "type", 4) == 0)
                        m.kind = PKTP_IDL_MEMBER_TYPE;
                else if (wn == 6 && memcmp(w, "method", 6) == 0)
                        m.kind = PKTP_IDL_MEMBER_METHOD;
                else if (wn == 5 && memcmp(w, "error", 5) == 0)
                        m.kind = PKTP_IDL_MEMBER_ERROR;
                else {
                        p_fail(&p, "expected 'type', 'method' or 'error'");
                        goto fail;
                }
                skip(&p);
                wn = word(&p, &w);
                if (!is_type_name(w, wn)) {
                        p_fail(&p, "expected a name starting with a capital letter");
                        goto fail;
                }
                for (size_t i = 0; i < n; i++)
                        if (strlen(members[i].name) == wn && memcmp(members[i].name, w, wn) == 0) {
                                p_fail(&p, "'%.*s' defined twice", (int)wn, w);
                                goto fail;
                        }
                if (n == IDL_ITEMS_MAX) {
                        p_fail(&p, "more than %d members", IDL_ITEMS_MAX);
                        goto fail;
                }
                m.name = p_strndup(&p, w, wn);
                if (!expect(&p, "("))
                        goto fail;
                struct pktp_idl_type *in = parse_struct_or_enum(&p, 0, m.kind == PKTP_IDL_MEMBER_TYPE);
                if (!in)
                        goto fail;
                m.in = in;
                if (m.kind == PKTP_IDL_MEMBER_METHOD) {
                        if (!expect(&p, "->") || !expect(&p, "("))
                                goto fail;
                        m.out = parse_struct_or_enum(&p, 0, false);
                        if (!m.out)
                                goto fail;
                }
                if (p.failed)
                        goto fail;
                members[n++] = m;
        }
        if (n == 0) {
                p_fail(&p, "an interface needs at least one member");
                goto fail;
        }
        struct pktp_idl_member *ms = p_alloc(&p, n * sizeof(*ms));
        if (!ms)
                goto fail;
        memcpy(ms, members, n * sizeof(*ms));
        iface->members = ms;
        iface->n_members = n;
        iface->text = text;
        iface->text_len = len;
        for (size_t i = 0; i < n; i++) {
                resolve(&p, iface, ms[i].in, ms[i].line);
                resolve(&p, iface, ms[i].out, ms[i].line);
        }
        if (p.failed)
                goto fail;
        iface->arena = p.arena;
        *ret = iface;
        return 0;

fail:
        if (ret_line)
                *ret_line = p.err_line;
        for (struct arena_block *b = p.arena, *next; b; b = next) {
                next = b->next;
                free(b);
        }
        return p.failed ? p.failed : -ENOMEM;
}

const struct pktp_idl_member *
pktp_idl_member_find(const struct pktp_idl_interface *i, const char *name, enum pktp_idl_member_kind kind)
{
        if (!i || !name)
                return NULL;
        for (size_t k = 0; k < i->n_members; k++)
                if (i->members[k].kind == kind && strcmp(i->members[k].name, name) == 0)
                        return &i->members[k];
        return NULL;
}

/* The embedded interfaces, parsed once. They live as long as the process. */
static struct {
        pthread_once_t once;
        struct pktp_idl_interface **ifaces;
        size_t n;
        int error;
        char message[200];
} loaded = { .once = PTHREAD_ONCE_INIT };

static void
load_once(void)
{
        loaded.ifaces = calloc(pktp_embedded_count, sizeof(*loaded.ifaces));
        if (!loaded.ifaces) {
                loaded.error = -ENOMEM;
                return;
        }
        for (size_t i = 0; i < pktp_embedded_count; i++) {
                const struct pktp_embedded *e = &pktp_embedded[i];
                char msg[160];
                int r = pktp_idl_parse(e->text, e->len, &loaded.ifaces[i], msg, sizeof(msg), NULL);
                if (r == 0 && strcmp(loaded.ifaces[i]->name, e->name) != 0) {
                        (void)snprintf(msg, sizeof(msg), "declares interface %s", loaded.ifaces[i]->name);
                        loaded.ifaces[i] = pktp_idl_free(loaded.ifaces[i]);
                        r = -EBADMSG;
                }
                if (r < 0) {
                        loaded.error = r;
                        (void)snprintf(loaded.message, sizeof(loaded.message), "%s.varlink: %s", e->name, msg);
                        for (size_t k = 0; k < i; k++)
                                loaded.ifaces[k] = pktp_idl_free(loaded.ifaces[k]);
                        free(loaded.ifaces);
                        loaded.ifaces = NULL;
                        return;
                }
        }
        loaded.n = pktp_embedded_count;
}

int
pktp_idl_load(struct pktp_error *err)
{
        (void)pthread_once(&loaded.once, load_once);
        if (loaded.error < 0)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "the interface files could not be loaded"),
                       loaded.error;
        return 0;
}

const char *
pktp_idl_load_message(void)
{
        (void)pktp_idl_load(NULL);
        return loaded.message;
}

size_t
pktp_idl_count(void)
{
        (void)pktp_idl_load(NULL);
        return loaded.n;
}

const struct pktp_idl_interface *
pktp_idl_at(size_t idx)
{
        (void)pktp_idl_load(NULL);
        return idx < loaded.n ? loaded.ifaces[idx] : NULL;
}

const struct pktp_idl_interface *
pktp_idl_find(const char *name, size_t name_len)
{
        (void)pktp_idl_load(NULL);
        for (size_t i = 0; i < loaded.n; i++)
                if (strlen(loaded.ifaces[i]->name) == name_len &&
                    memcmp(loaded.ifaces[i]->name, name, name_len) == 0)
                        return loaded.ifaces[i];
        return NULL;
}
