/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telnet (RFC 854; option negotiation RFC 855). The TCP payload is data with commands in between, each
 * command introduced by IAC (255):
 *
 *   data ... | IAC cmd | IAC WILL/WONT/DO/DONT option | IAC SB option parameters ... IAC SE | data ...
 *
 * A data byte 255 is sent doubled (IAC IAC) and stays data. The whole payload is the layer's header and
 * its pieces are the elements of "telnet_data" (pypacker's Telnet.telnet_data): data runs, commands,
 * negotiations, and subnegotiations (IAC SB option and its parameters; the IAC SE that ends them is a
 * command of its own, as tshark lists it).
 */
#include <string.h>
#include <strings.h>

#include "internal.h"

#define IAC 255
#define DONT 254
#define DO 253
#define WONT 252
#define WILL 251
#define SB 250
#define SE 240

/* clang-format off */
static const struct pkt_name telnet_cmd_names[] = {
        { 236, "EOF" }, { 237, "SUSP" }, { 238, "ABORT" }, { 239, "EOR" }, { SE, "SE" }, { 241, "NOP" },
        { 242, "DM" }, { 243, "BRK" }, { 244, "IP" }, { 245, "AO" }, { 246, "AYT" }, { 247, "EC" },
        { 248, "EL" }, { 249, "GA" }, { SB, "SB" }, { WILL, "WILL" }, { WONT, "WONT" }, { DO, "DO" },
        { DONT, "DONT" }, { IAC, "IAC" }, { 0, NULL },
};

/* IANA telnet options (the common ones). */
static const struct pkt_name telnet_opt_names[] = {
        { 0, "BINARY" }, { 1, "ECHO" }, { 3, "SGA" }, { 5, "STATUS" }, { 6, "TM" }, { 24, "TTYPE" },
        { 31, "NAWS" }, { 32, "TSPEED" }, { 33, "LFLOW" }, { 34, "LINEMODE" }, { 35, "XDISPLOC" },
        { 36, "OLD_ENVIRON" }, { 37, "AUTHENTICATION" }, { 38, "ENCRYPT" }, { 39, "NEW_ENVIRON" },
        { 0, NULL },
};

static const struct pkt_field telnet_data_fields[] = {
        { .name = "data", .off = 0, .bits = 0, .type = PKT_FT_STRING },
};

static const struct pkt_field telnet_cmd_fields[] = {
        { .name = "iac", .off = 0, .bits = 8, .type = PKT_FT_UINT, .def = IAC },
        { .name = "cmd", .off = 8, .bits = 8, .type = PKT_FT_ENUM, .names = telnet_cmd_names },
};

static const struct pkt_field telnet_opt_fields[] = {
        { .name = "iac",    .off = 0,  .bits = 8, .type = PKT_FT_UINT, .def = IAC },
        { .name = "cmd",    .off = 8,  .bits = 8, .type = PKT_FT_ENUM, .names = telnet_cmd_names },
        { .name = "option", .off = 16, .bits = 8, .type = PKT_FT_ENUM, .names = telnet_opt_names },
};

static const struct pkt_field telnet_sb_fields[] = {
        { .name = "iac",    .off = 0,  .bits = 8, .type = PKT_FT_UINT, .def = IAC },
        { .name = "cmd",    .off = 8,  .bits = 8, .type = PKT_FT_ENUM, .names = telnet_cmd_names },
        { .name = "option", .off = 16, .bits = 8, .type = PKT_FT_ENUM, .names = telnet_opt_names },
        { .name = "params", .off = 24, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

static void
set_kind(struct pkt_elem *e, const struct pkt_field *f, uint16_t n)
{
        e->kind_fields = f;
        e->n_kind_fields = n;
}

/* End of a data run from @pos: the first IAC that is not doubled. */
static uint32_t
data_end(const uint8_t *b, uint32_t len, uint32_t pos)
{
        while (pos < len) {
                const uint8_t *iac = memchr(b + pos, IAC, len - pos);
                if (!iac)
                        return len;
                pos = (uint32_t)(iac - b);
                if (pos + 1 >= len || b[pos + 1] != IAC)
                        return pos;
                pos += 2;
        }
        return len;
}

/* End of subnegotiation parameters from @pos: the IAC of IAC SE (doubled IACs are parameters). */
static uint32_t
sb_end(const uint8_t *b, uint32_t len, uint32_t pos)
{
        while (pos < len) {
                const uint8_t *iac = memchr(b + pos, IAC, len - pos);
                if (!iac)
                        return len;
                pos = (uint32_t)(iac - b);
                if (pos + 1 < len && b[pos + 1] != IAC)
                        return pos;
                pos += 2;
        }
        return len;
}

/* Marks an element the capture cut. One the segment itself ends in the middle of is not flagged: a
 * command or subnegotiation may go on in the next segment (TCP is a byte stream, RFC 854 has no
 * framing), as tshark takes it too. */
static void
cut(const struct pkt_view *v, struct pkt_elem *e)
{
        if (v->caplen < v->wire_len)
                e->flags |= PKT_LAYER_TRUNCATED;
}

static int
telnet_next(const struct pkt_view *v, struct pkt_elem *e)
{
        const uint8_t *b = v->b;
        uint32_t len = v->caplen, pos = e->count == 0 ? 0 : e->next;

        if (pos >= len)
                return 0;
        e->off = pos;
        e->data_off = 0;
        if (b[pos] != IAC || (pos + 1 < len && b[pos + 1] == IAC)) {
                uint32_t end = data_end(b, len, b[pos] == IAC ? pos + 2 : pos + 1);
                e->len = end - pos;
                set_kind(e, telnet_data_fields, ARRAY_SIZE(telnet_data_fields));
        } else if (pos + 1 >= len) {
                e->len = 1;
                cut(v, e);
        } else {
                uint8_t cmd = b[pos + 1];
                if (cmd >= WILL && cmd <= DONT) {
                        e->len = MIN(3u, len - pos);
                        set_kind(e, telnet_opt_fields, ARRAY_SIZE(telnet_opt_fields));
                        if (e->len < 3)
                                cut(v, e);
                } else if (cmd == SB) {
                        uint32_t end = pos + 3 <= len ? sb_end(b, len, pos + 3) : len;
                        e->len = end - pos;
                        set_kind(e, telnet_sb_fields, ARRAY_SIZE(telnet_sb_fields));
                        /* No IAC SE after the parameters: the subnegotiation never ends here. */
                        if (end == len)
                                cut(v, e);
                } else {
                        e->len = 2;
                        set_kind(e, telnet_cmd_fields, ARRAY_SIZE(telnet_cmd_fields));
                }
        }
        e->next = pos + e->len;
        return 1;
}

static const struct pkt_elem_set telnet_elems[] = {
        { .name = "telnet_data", .elem_name = "item", .next = telnet_next },
};

/* The whole segment is Telnet: data and commands, nothing above it. */
static void
telnet_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
}

static int
name_value(const struct pkt_name *names, const char *text, uint8_t *ret)
{
        char *end;
        unsigned long n;

        for (; names->name; names++)
                if (strcasecmp(names->name, text) == 0) {
                        *ret = (uint8_t)names->value;
                        return 0;
                }
        n = strtoul(text, &end, 0);
        if (!*text || *end || n > 255)
                return -EINVAL;
        *ret = (uint8_t)n;
        return 0;
}

/* Why 6: iac, cmd, option, params or data, and one over to report. */
#define TELNET_ARGS_MAX 6

/*
 * "item(...)", the form the JSON writer gives: each element's bytes as the dissection shows them. Data
 * is as sent (an IAC in it is doubled already); a subnegotiation stops before its IAC SE, which is an
 * item of its own; a command the segment ends in may lack its option; an item without fields is a
 * lone IAC ending the segment.
 */
static int
item_build(const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        static const char *const keys[] = { "iac", "cmd", "option", "params", "data" };
        const char *data = pkt_spec_arg(args, n, "data", -1), *cmd = pkt_spec_arg(args, n, "cmd", -1),
                   *opt = pkt_spec_arg(args, n, "option", -1), *params = pkt_spec_arg(args, n, "params", -1);
        uint8_t c = 0, o = 0;
        size_t len = 0;
        uint64_t u;
        int r;

        for (int i = 0; i < n; i++) {
                bool known = false;
                for (size_t k = 0; k < ARRAY_SIZE(keys) && !known; k++)
                        known = strcmp(args[i].key, keys[k]) == 0;
                if (!known)
                        return -ENOENT;
        }
        if (data)
                return cmd || opt || params ? -EINVAL : pkt_spec_value(&telnet_data_fields[0], data, &u, out, size);
        if (size < 3)
                return -EMSGSIZE;
        out[len++] = IAC;
        if (!cmd)
                return opt || params ? -EINVAL : (int)len;
        if ((r = name_value(telnet_cmd_names, cmd, &c)) < 0)
                return r;
        out[len++] = c;
        if (opt) {
                if (!((c >= WILL && c <= DONT) || c == SB) || (r = name_value(telnet_opt_names, opt, &o)) < 0)
                        return -EINVAL;
                out[len++] = o;
        }
        if (params) {
                if (c != SB || !opt)
                        return -EINVAL;
                if ((r = pkt_spec_value(&telnet_sb_fields[3], params, &u, out + len, size - len)) < 0)
                        return r;
                len += (size_t)r;
        }
        return (int)len;
}

/*
 * data("text") | cmd(cmd=AYT) | cmd(cmd=WILL, option=ECHO) | sb(option=TTYPE, params=0x00...) — an
 * sb element includes its closing IAC SE; IAC bytes in data and parameters are doubled. Or item(...),
 * as the JSON writer gives an element (item_build()).
 */
static int
telnet_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                  size_t size, uint32_t *ret_at)
{
        static const struct pkt_field bytes = { .name = "data", .type = PKT_FT_BYTES };
        struct pkt_spec_arg args[TELNET_ARGS_MAX];
        uint8_t buf[512], cmd = 0, opt = 0;
        const char *data = NULL;
        bool has_cmd = false, has_opt = false;
        char kind[32];
        size_t len = 0;
        uint64_t u;
        int n, r;

        (void)v;
        (void)set;
        *ret_at = hdr_len;
        n = pkt_spec_split(text, kind, sizeof(kind), args, TELNET_ARGS_MAX);
        if (n < 0)
                return n;
        if (strcmp(kind, "item") == 0)
                return item_build(args, n, out, size);
        for (int i = 0; i < n; i++) {
                const char *k = args[i].key;
                if (strcmp(k, "cmd") == 0)
                        r = name_value(telnet_cmd_names, args[i].value, &cmd), has_cmd = true;
                else if (strcmp(k, "option") == 0)
                        r = name_value(telnet_opt_names, args[i].value, &opt), has_opt = true;
                else if (strcmp(k, "data") == 0 || strcmp(k, "params") == 0 || !k[0])
                        r = 0, data = args[i].value;
                else
                        r = -ENOENT;
                if (r < 0)
                        return r;
        }
        if (strcmp(kind, "sb") == 0) {
                cmd = SB;
                has_cmd = true;
        } else if (strcmp(kind, "data") == 0) {
                has_cmd = false;
        } else if (strcmp(kind, "cmd") != 0 || !has_cmd) {
                return -EINVAL;
        }
        if (has_cmd) {
                if (size < 3)
                        return -EMSGSIZE;
                out[len++] = IAC;
                out[len++] = cmd;
                if ((cmd >= WILL && cmd <= DONT) || cmd == SB) {
                        if (!has_opt)
                                return -EINVAL;
                        out[len++] = opt;
                } else if (has_opt || data) {
                        return -EINVAL;
                }
        }
        if (data) {
                if (has_cmd && cmd != SB)
                        return -EINVAL;
                if ((r = pkt_spec_value(&bytes, data, &u, buf, sizeof(buf))) < 0)
                        return r;
                for (int i = 0; i < r; i++) {
                        if (size - len < 2)
                                return -EMSGSIZE;
                        out[len++] = buf[i];
                        if (buf[i] == IAC)
                                out[len++] = IAC;
                }
        }
        if (has_cmd && cmd == SB) {
                if (size - len < 2)
                        return -EMSGSIZE;
                out[len++] = IAC;
                out[len++] = SE;
        }
        return len ? (int)len : -EINVAL;
}

static const struct pkt_key telnet_carriers[] = {
        { PKT_KEY_TCP_PORT, 23 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_telnet = {
        .name = "telnet",
        .summary = "Telnet (RFC 854, RFC 855)",
        .id = PKT_PROTO_TELNET,
        /* The dissect hook does not walk the elements; a damaged one flags the layer when iterated. */
        .flags = PKT_P_LAZY_ELEMS,
        .min_hdr_len = 0,
        .elems = telnet_elems,
        .n_elems = ARRAY_SIZE(telnet_elems),
        .carriers = telnet_carriers,
        .dissect = telnet_dissect,
        .elem_build = telnet_elem_build,
        .not_dissected = "Subnegotiation parameters stay bytes.",
};
