/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SCTP chunks (RFC 9260 3.2, 3.3; AUTH RFC 4895; ASCONF RFC 5061; FORWARD TSN RFC 3758; RE-CONFIG
 * RFC 6525; PAD RFC 4820; I-DATA and I-FORWARD-TSN RFC 8260) and the parameters some of them carry
 * (RFC 9260 3.2.1, 3.3.2.1).
 *
 *   Chunk:      +---------------+---------------+-------------------------------+
 *               |  Chunk Type   |  Chunk Flags  |         Chunk Length          |
 *               +---------------+---------------+-------------------------------+
 *               |  Value (Length - 4 bytes), then zero padding to 4 bytes       |
 *
 *   Parameter:  +-------------------------------+-------------------------------+
 *               |        Parameter Type         |       Parameter Length        |
 *               +-------------------------------+-------------------------------+
 *               |  Value (Length - 4 bytes), then zero padding to 4 bytes       |
 *
 * Lengths count the type and length but not the padding. Element "len" is the chunk's own length,
 * as tshark's sctp.chunk_length; the padding lies between elements.
 */
#include <string.h>

#include "forms.h"
#include "internal.h"
#include "sctp.h"

enum {
        CH_DATA = 0, CH_INIT = 1, CH_INIT_ACK = 2, CH_SACK = 3, CH_HEARTBEAT = 4, CH_HEARTBEAT_ACK = 5,
        CH_ABORT = 6, CH_SHUTDOWN = 7, CH_SHUTDOWN_ACK = 8, CH_ERROR = 9, CH_COOKIE_ECHO = 10,
        CH_COOKIE_ACK = 11, CH_ECNE = 12, CH_CWR = 13, CH_SHUTDOWN_COMPLETE = 14, CH_AUTH = 15,
        CH_NR_SACK = 16, CH_I_DATA = 64, CH_ASCONF_ACK = 128, CH_RE_CONFIG = 130, CH_PAD = 132,
        CH_FORWARD_TSN = 192, CH_ASCONF = 193, CH_I_FORWARD_TSN = 194,
};

/* clang-format off */
static const struct pkt_name chunk_names[] = {
        { CH_DATA, "DATA" }, { CH_INIT, "INIT" }, { CH_INIT_ACK, "INIT_ACK" }, { CH_SACK, "SACK" },
        { CH_HEARTBEAT, "HEARTBEAT" }, { CH_HEARTBEAT_ACK, "HEARTBEAT_ACK" }, { CH_ABORT, "ABORT" },
        { CH_SHUTDOWN, "SHUTDOWN" }, { CH_SHUTDOWN_ACK, "SHUTDOWN_ACK" }, { CH_ERROR, "ERROR" },
        { CH_COOKIE_ECHO, "COOKIE_ECHO" }, { CH_COOKIE_ACK, "COOKIE_ACK" }, { CH_ECNE, "ECNE" },
        { CH_CWR, "CWR" }, { CH_SHUTDOWN_COMPLETE, "SHUTDOWN_COMPLETE" }, { CH_AUTH, "AUTH" },
        { CH_NR_SACK, "NR_SACK" }, { CH_I_DATA, "I_DATA" }, { CH_ASCONF_ACK, "ASCONF_ACK" },
        { CH_RE_CONFIG, "RE_CONFIG" }, { CH_PAD, "PAD" }, { CH_FORWARD_TSN, "FORWARD_TSN" },
        { CH_ASCONF, "ASCONF" }, { CH_I_FORWARD_TSN, "I_FORWARD_TSN" }, { 0, NULL },
};

/* RFC 9260 3.2.2, IANA "Chunk Parameter Types". */
static const struct pkt_name param_names[] = {
        { 1, "HEARTBEAT_INFO" }, { 5, "IPV4" }, { 6, "IPV6" }, { 7, "STATE_COOKIE" },
        { 8, "UNRECOGNIZED" }, { 9, "COOKIE_PRESERVATIVE" }, { 11, "HOSTNAME" },
        { 12, "SUPPORTED_ADDRESS_TYPES" }, { 13, "OUTGOING_SSN_RESET" }, { 14, "INCOMING_SSN_RESET" },
        { 0x8000, "ECN_CAPABLE" }, { 0x8002, "RANDOM" }, { 0x8003, "CHUNK_LIST" },
        { 0x8004, "HMAC_ALGO" }, { 0x8005, "PADDING" }, { 0x8008, "SUPPORTED_EXTENSIONS" },
        { 0xc000, "FORWARD_TSN_SUPPORTED" }, { 0xc001, "ADD_IP" }, { 0xc002, "DEL_IP" },
        { 0xc004, "SET_PRIMARY" }, { 0xc006, "ADAPTATION_LAYER" }, { 0, NULL },
};

static const struct pkt_field chunk_fields[] = {
        { .name = "type",  .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .names = chunk_names },
        { .name = "flags", .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "len",   .off = 16, .bits = 16, .type = PKT_FT_UINT },
};

static const struct pkt_field param_fields[] = {
        { .name = "type",  .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = param_names },
        { .name = "len",   .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "value", .off = 32, .bits = 0,  .type = PKT_FT_BYTES },
};

/* Kind fields, from the byte after the chunk (parameter) header. */
static const struct pkt_field data_fields[] = {
        PKT_U("tsn", 0, 32), PKT_U("sid", 32, 16), PKT_U("ssn", 48, 16), PKT_U("ppid", 64, 32),
        { .name = "data", .off = 96, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field idata_fields[] = {
        PKT_U("tsn", 0, 32), PKT_U("sid", 32, 16), PKT_U("reserved", 48, 16), PKT_U("mid", 64, 32),
        PKT_U("ppid_fsn", 96, 32),
        { .name = "data", .off = 128, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field init_fields[] = {
        { .name = "init_tag", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        PKT_U("a_rwnd", 32, 32), PKT_U("n_out_streams", 64, 16), PKT_U("n_in_streams", 80, 16),
        PKT_U("init_tsn", 96, 32),
};
static const struct pkt_field sack_fields[] = {
        PKT_U("cum_tsn", 0, 32), PKT_U("a_rwnd", 32, 32), PKT_U("n_gaps", 64, 16), PKT_U("n_dups", 80, 16),
        { .name = "blocks", .off = 96, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field cum_tsn_fields[] = { PKT_U("cum_tsn", 0, 32) };
static const struct pkt_field lowest_tsn_fields[] = { PKT_U("lowest_tsn", 0, 32) };
static const struct pkt_field causes_fields[] = {
        { .name = "causes", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field cookie_fields[] = {
        { .name = "cookie", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field fwd_tsn_fields[] = {
        PKT_U("new_cum_tsn", 0, 32),
        { .name = "streams", .off = 32, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field auth_fields[] = {
        PKT_U("key_id", 0, 16), PKT_U("hmac_id", 16, 16),
        { .name = "hmac", .off = 32, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field asconf_fields[] = {
        { .name = "serial", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field pad_fields[] = {
        { .name = "padding", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};

static const struct pkt_field p_ipv4_fields[] = {
        { .name = "addr", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};
static const struct pkt_field p_ipv6_fields[] = {
        { .name = "addr", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
};
static const struct pkt_field p_preserve_fields[] = { PKT_U("increment", 0, 32) };
static const struct pkt_field p_cookie_fields[] = {
        { .name = "cookie", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field p_hb_fields[] = {
        { .name = "info", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

struct kind {
        uint16_t type;
        uint8_t n_fields;
        uint8_t params_at; /* chunk: where its parameters start (from the chunk start), 0 for none */
        const struct pkt_field *fields;
};

#define KIND(t, f, at) { (t), ARRAY_SIZE(f), (at), (f) }
/* A chunk whose value is all parameters (HEARTBEAT's Heartbeat Info, RE-CONFIG's requests): no field
 * of its own covers them, so the chunk and its "params" elements never hold the same bytes. */
#define KIND_PARAMS(t, at) { (t), 0, (at), NULL }
static const struct kind chunk_kinds[] = {
        KIND(CH_DATA, data_fields, 0),
        KIND(CH_INIT, init_fields, 20),
        KIND(CH_INIT_ACK, init_fields, 20),
        KIND(CH_SACK, sack_fields, 0),
        KIND_PARAMS(CH_HEARTBEAT, 4),
        KIND_PARAMS(CH_HEARTBEAT_ACK, 4),
        KIND(CH_ABORT, causes_fields, 0),
        KIND(CH_SHUTDOWN, cum_tsn_fields, 0),
        KIND(CH_ERROR, causes_fields, 0),
        KIND(CH_COOKIE_ECHO, cookie_fields, 0),
        KIND(CH_ECNE, lowest_tsn_fields, 0),
        KIND(CH_CWR, lowest_tsn_fields, 0),
        KIND(CH_AUTH, auth_fields, 0),
        KIND(CH_I_DATA, idata_fields, 0),
        KIND(CH_ASCONF_ACK, asconf_fields, 8),
        KIND_PARAMS(CH_RE_CONFIG, 4),
        KIND(CH_PAD, pad_fields, 0),
        KIND(CH_FORWARD_TSN, fwd_tsn_fields, 0),
        KIND(CH_I_FORWARD_TSN, fwd_tsn_fields, 0),
        KIND(CH_ASCONF, asconf_fields, 8),
};
static const struct kind param_kinds[] = {
        KIND(1, p_hb_fields, 0),      KIND(5, p_ipv4_fields, 0),      KIND(6, p_ipv6_fields, 0),
        KIND(7, p_cookie_fields, 0),  KIND(9, p_preserve_fields, 0),
};

static const struct kind *
kind_of(const struct kind *kinds, size_t n, uint16_t type)
{
        for (size_t i = 0; i < n; i++)
                if (kinds[i].type == type)
                        return &kinds[i];
        return NULL;
}

bool
pkt_sctp_chunk_has_params(uint8_t type, uint32_t *ret_start)
{
        const struct kind *k = kind_of(chunk_kinds, ARRAY_SIZE(chunk_kinds), type);

        *ret_start = k ? k->params_at : 0;
        return k && k->params_at;
}

/*
 * One TLV (chunk or parameter: both have a 16-bit length at byte 2) at @pos, within @end (the chunks'
 * or the enclosing chunk's end). A length below 4 or past @end is malformed and ends the walk; one
 * past the captured bytes but within the reported ones is truncated.
 */
static int
tlv_at(const struct pkt_view *v, uint32_t pos, uint32_t end, struct pkt_elem *e)
{
        uint32_t cap = MIN(end, v->caplen);
        uint16_t len;

        e->off = pos;
        e->len = cap - pos;
        e->next = UINT32_MAX;
        if (!pkt_rd_be16(v, pos + 2, &len) || pos + 4 > cap) {
                e->flags |= pos + 4 <= MIN(end, v->wire_len) ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        e->data_off = 4;
        if (len < 4 || len > end - pos) {
                e->flags |= PKT_LAYER_MALFORMED;
                return 1;
        }
        if (len > cap - pos) {
                e->flags |= PKT_LAYER_TRUNCATED;
                return 1;
        }
        e->len = len;
        e->next = pos + SCTP_PAD4(len);
        return 1;
}

int
pkt_sctp_chunks_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? SCTP_HDR_LEN : e->next;
        uint32_t end = MAX(v->wire_len, v->caplen);

        if (pos >= MIN(v->caplen, end) || (e->count > 0 && e->next == UINT32_MAX) ||
            e->count >= SCTP_CHUNKS_MAX)
                return 0;
        tlv_at(v, pos, end, e);
        const struct kind *k = kind_of(chunk_kinds, ARRAY_SIZE(chunk_kinds), v->b[pos]);
        if (k && e->data_off) {
                e->kind_fields = k->fields;
                e->n_kind_fields = k->n_fields;
        }
        return 1;
}

/*
 * Parameters of every chunk that carries them, in order. State: e->next is where the next parameter
 * may start; each call walks the chunks again to find the one holding it (each step advances at
 * least 4 bytes, so both walks are bounded by the packet).
 */
int
pkt_sctp_params_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t want = e->count == 0 ? 0 : e->next, pos = SCTP_HDR_LEN, start;
        uint32_t cap = v->caplen;
        uint16_t clen;

        if (e->count > 0 && e->next == UINT32_MAX)
                return 0;
        for (unsigned n = 0; n < SCTP_CHUNKS_MAX && pos + 4 <= cap && pkt_rd_be16(v, pos + 2, &clen) && clen >= 4;
             n++) {
                uint32_t cend = pos + clen, p0;
                if (pkt_sctp_chunk_has_params(v->b[pos], &start) && start <= clen) {
                        p0 = MAX(pos + start, want);
                        if (p0 < MIN(cend, cap)) {
                                tlv_at(v, p0, cend, e);
                                const struct kind *k = kind_of(param_kinds, ARRAY_SIZE(param_kinds),
                                                               (uint16_t)(v->b[p0] << 8 | (p0 + 1 < cap ? v->b[p0 + 1] : 0)));
                                if (k && e->data_off) {
                                        e->kind_fields = k->fields;
                                        e->n_kind_fields = k->n_fields;
                                }
                                return 1;
                        }
                }
                pos += SCTP_PAD4(clen);
        }
        return 0;
}

/* clang-format off */
const struct pkt_elem_set pkt_sctp_elems[SCTP_SETS] = {
        [SCTP_SET_CHUNKS] = { .name = "chunks", .elem_name = "chunk", .next = pkt_sctp_chunks_next,
                              .fields = chunk_fields, .n_fields = ARRAY_SIZE(chunk_fields) },
        [SCTP_SET_PARAMS] = { .name = "params", .elem_name = "param", .next = pkt_sctp_params_next,
                              .fields = param_fields, .n_fields = ARRAY_SIZE(param_fields) },
};
/* clang-format on */

/* ---- building: "data(tsn=1,ppid=46,data=\"hi\")", "init(init_tag=0x1,...)", "ipv4(addr=...)" ---- */

static const struct pkt_field *
kind_field(const struct kind *k, const char *key)
{
        for (unsigned i = 0; k && i < k->n_fields; i++)
                if (strcmp(k->fields[i].name, key) == 0)
                        return &k->fields[i];
        return NULL;
}

/* Bytes the fixed fields of kind @k need. */
static size_t
kind_min_len(const struct kind *k)
{
        size_t n = 0;

        for (unsigned i = 0; k && i < k->n_fields; i++)
                n = MAX(n, (size_t)(k->fields[i].off + k->fields[i].bits + 7u) / 8);
        return n;
}

/* Why 16: more arguments than any kind has fields, plus flags, len and body. */
#define TLV_ARGS_MAX 16
#define TLV_MAX      UINT16_MAX

/* Encodes one chunk or parameter: @type_bits 8 (chunk: type, flags, length) or 16 (parameter). */
static int
tlv_build(const char *text, const struct pkt_name *names, const struct kind *kinds, size_t n_kinds,
          bool is_chunk, uint8_t *out, size_t size)
{
        static const struct pkt_field body = { .name = "body", .type = PKT_FT_BYTES };
        /* A parameter's whole value, as the "params" set reads it (its kind's fields lie in it). */
        static const struct pkt_field value = { .name = "value", .type = PKT_FT_BYTES };
        static const struct pkt_field u8f = PKT_U("flags", 0, 8), u16f = PKT_U("len", 0, 16);
        struct pkt_spec_arg args[TLV_ARGS_MAX], fields[TLV_ARGS_MAX];
        uint64_t flags = 0, len_set = 0;
        uint32_t type;
        uint8_t scratch[8];
        int n, nf, r;

        /* "init(...)", or the form the JSON writer gives, "chunk(type=1,...)" ("param(type=5,...)"). */
        nf = pkt_form_split(text, is_chunk ? "chunk" : "param", names, is_chunk ? 0xff : 0xffff, &type, args, &n,
                            fields, TLV_ARGS_MAX);
        if (nf < 0)
                return nf;
        const char *len_text = pkt_spec_arg(args, n, "len", -1);
        if (len_text && (r = pkt_spec_value(&u16f, len_text, &len_set, scratch, sizeof(scratch))) < 0)
                return r;
        size = MIN(size, (size_t)TLV_MAX + 3);
        const struct kind *k = kind_of(kinds, n_kinds, type);
        size_t len = 4 + kind_min_len(k);
        if (len > size)
                return -EMSGSIZE;
        memset(out, 0, size);
        for (int i = 0; i < nf; i++) {
                const char *key = fields[i].key, *val = fields[i].value;
                uint64_t u;
                if (is_chunk && strcmp(key, "flags") == 0) {
                        if ((r = pkt_spec_value(&u8f, val, &flags, scratch, sizeof(scratch))) < 0)
                                return r;
                        continue;
                }
                const struct pkt_field *f = key[0] ? kind_field(k, key)
                                                   : (k && (unsigned)i < k->n_fields ? &k->fields[i] : NULL);
                if (!f && (strcmp(key, "body") == 0 || (!key[0] && !k)))
                        f = &body;
                else if (!f && !is_chunk && strcmp(key, "value") == 0)
                        f = &value;
                if (!f)
                        return -ENOENT;
                size_t at = 4 + (f == &body ? len - 4 : f->off / 8u);
                if (at > size)
                        return -EMSGSIZE;
                r = pkt_spec_value(f, val, &u, out + at, size - at);
                if (r < 0)
                        return r;
                len = MAX(len, at + (size_t)r);
        }
        if (len > TLV_MAX)
                return -EMSGSIZE;
        if (is_chunk) {
                out[0] = (uint8_t)type;
                out[1] = (uint8_t)flags;
        } else {
                out[0] = (uint8_t)(type >> 8);
                out[1] = (uint8_t)type;
        }
        uint64_t wire_len = len_text ? len_set : len;
        out[2] = (uint8_t)(wire_len >> 8);
        out[3] = (uint8_t)wire_len;
        /* RFC 9260 3.2: the sender pads every chunk (parameter) with zeros to 4 bytes. */
        len = SCTP_PAD4(len);
        return len > size ? -EMSGSIZE : (int)len;
}

int
pkt_sctp_chunk_build(const char *text, uint8_t *out, size_t size)
{
        return tlv_build(text, chunk_names, chunk_kinds, ARRAY_SIZE(chunk_kinds), true, out, size);
}

int
pkt_sctp_param_build(const char *text, uint8_t *out, size_t size)
{
        return tlv_build(text, param_names, param_kinds, ARRAY_SIZE(param_kinds), false, out, size);
}
