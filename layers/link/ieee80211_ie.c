/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IEEE 802.11 information elements (IEEE 802.11-2020 9.4.2): the tagged parameters that follow the
 * fixed fields of management frames. pypacker keeps them in the TriggerList `params` of each frame
 * class (class IE: id, len, body_bytes); here they are the element set "params", with the fields of
 * the element's kind for the common ones.
 *
 *   0                   1                   2
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
 *  |  element id   |    length     |  body (length bytes) ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
 *
 * Multi-byte fields inside elements are little-endian (9.2.2), except OUIs and cipher suite
 * selectors, which are OUI bytes in order followed by a type byte, read here as one big-endian
 * value (00-0f-ac-04 is 0x000fac04, as tshark shows it).
 */
#include <string.h>
#include <strings.h>

#include "ieee80211.h"

#define IE_HDR_LEN 2
#define IE_BODY_MAX 255

/* clang-format off */
static const struct pkt_name ie_names[] = {
        { 0, "ssid" }, { 1, "rates" }, { 2, "fh" }, { 3, "ds" }, { 4, "cf" }, { 5, "tim" },
        { 6, "ibss" }, { 7, "country" }, { 10, "request" }, { 11, "bss_load" }, { 16, "challenge" },
        { 32, "power_constraint" }, { 33, "power_capa" }, { 35, "tpc_report" }, { 36, "channels" },
        { 42, "erp" }, { 45, "ht_capa" }, { 46, "qos_capa" }, { 48, "rsn" }, { 50, "ext_rates" },
        { 54, "mobility_domain" }, { 61, "ht_op" }, { 70, "rm_capa" }, { 74, "obss_scan" },
        { 107, "interworking" }, { 114, "mesh_id" }, { 113, "mesh_config" }, { 127, "ext_capa" },
        { 191, "vht_capa" }, { 192, "vht_op" }, { 221, "vendor" }, { 255, "ext" }, { 0, NULL },
};

static const struct pkt_field ie_fields[] = {
        { .name = "id",         .off = 0,  .bits = 8, .type = PKT_FT_ENUM, .names = ie_names },
        { .name = "len",        .off = 8,  .bits = 8, .type = PKT_FT_UINT },
        { .name = "body_bytes", .off = 16, .bits = 0, .type = PKT_FT_BYTES },
};

/* Kind fields, from the first body byte. */
static const struct pkt_field k_ssid[] = {
        { .name = "ssid", .off = 0, .bits = 0, .type = PKT_FT_STRING },
};
static const struct pkt_field k_rates[] = {
        { .name = "rates", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field k_ds[] = {
        { .name = "ch", .off = 0, .bits = 8, .type = PKT_FT_UINT },
};
static const struct pkt_field k_tim[] = {
        { .name = "count",  .off = 0,  .bits = 8, .type = PKT_FT_UINT },
        { .name = "period", .off = 8,  .bits = 8, .type = PKT_FT_UINT },
        { .name = "ctrl",   .off = 16, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "bitmap", .off = 24, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field k_country[] = {
        { .name = "country",  .off = 0,  .bits = 24, .type = PKT_FT_STRING },
        { .name = "triplets", .off = 24, .bits = 0,  .type = PKT_FT_BYTES },
};
static const struct pkt_field k_erp[] = {
        { .name = "erp", .off = 0, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field k_ht_capa[] = {
        { .name = "ht_capa",      .off = 0,   .bits = 16,  .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "ampdu_params", .off = 16,  .bits = 8,   .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "mcs_set",      .off = 24,  .bits = 128, .type = PKT_FT_BYTES },
        { .name = "ht_ext_capa",  .off = 152, .bits = 16,  .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "txbf_capa",    .off = 168, .bits = 32,  .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "asel_capa",    .off = 200, .bits = 8,   .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field k_rsn[] = {
        { .name = "version",        .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "group_cipher",   .off = 16, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "pairwise_count", .off = 48, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "suites",         .off = 64, .bits = 0,  .type = PKT_FT_BYTES },
};
static const struct pkt_field k_ht_op[] = {
        { .name = "primary_ch", .off = 0, .bits = 8, .type = PKT_FT_UINT },
        { .name = "ht_info",    .off = 8, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field k_vht_capa[] = {
        { .name = "vht_capa", .off = 0,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "vht_mcs",  .off = 32, .bits = 64, .type = PKT_FT_BYTES },
};
static const struct pkt_field k_vht_op[] = {
        { .name = "width",     .off = 0,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "seg0",      .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "seg1",      .off = 16, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "basic_mcs", .off = 24, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
static const struct pkt_field k_mesh_id[] = {
        { .name = "mesh_id", .off = 0, .bits = 0, .type = PKT_FT_STRING },
};
static const struct pkt_field k_vendor[] = {
        { .name = "oui",      .off = 0,  .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "oui_type", .off = 24, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "data",     .off = 32, .bits = 0,  .type = PKT_FT_BYTES },
};
/* clang-format on */

struct ie_kind {
        uint8_t id;
        uint8_t n_fields;
        const struct pkt_field *fields;
};

static const struct ie_kind ie_kinds[] = {
        { 0, ARRAY_SIZE(k_ssid), k_ssid },       { 1, ARRAY_SIZE(k_rates), k_rates },
        { 3, ARRAY_SIZE(k_ds), k_ds },           { 5, ARRAY_SIZE(k_tim), k_tim },
        { 7, ARRAY_SIZE(k_country), k_country }, { 42, ARRAY_SIZE(k_erp), k_erp },
        { 45, ARRAY_SIZE(k_ht_capa), k_ht_capa }, { 48, ARRAY_SIZE(k_rsn), k_rsn },
        { 50, ARRAY_SIZE(k_rates), k_rates },    { 61, ARRAY_SIZE(k_ht_op), k_ht_op },
        { 114, ARRAY_SIZE(k_mesh_id), k_mesh_id }, { 191, ARRAY_SIZE(k_vht_capa), k_vht_capa },
        { 192, ARRAY_SIZE(k_vht_op), k_vht_op }, { 221, ARRAY_SIZE(k_vendor), k_vendor },
};

static const struct ie_kind *
ie_kind_of(uint8_t id)
{
        for (unsigned i = 0; i < ARRAY_SIZE(ie_kinds); i++)
                if (ie_kinds[i].id == id)
                        return &ie_kinds[i];
        return NULL;
}

/* A protected management frame's body is ciphertext, a +HTC frame's is not modelled (see
 * ieee80211_mgmt.c): neither has elements to show. */
static bool
body_is_hidden(const struct pkt_view *v)
{
        uint8_t fc0, fc1;

        return wlan_fc_below(v, &fc0, &fc1) && (fc1 & (WLAN_FL_PROTECTED | WLAN_FL_ORDER));
}

static int
ie_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? wlan_mgmt_fixed_len(v->proto) : e->next, end = v->caplen;

        if (e->count == 0 && body_is_hidden(v))
                return 0;
        if (pos >= end)
                return 0;
        e->off = pos;
        e->len = end - pos;
        e->next = end;
        if (end - pos < IE_HDR_LEN) {
                e->flags |= pos + IE_HDR_LEN <= v->wire_len ? PKT_LAYER_TRUNCATED
                                                            : PKT_LAYER_MALFORMED;
                return 1;
        }
        uint32_t len = IE_HDR_LEN + (uint32_t)v->b[pos + 1];
        const struct ie_kind *k = ie_kind_of(v->b[pos]);
        e->data_off = IE_HDR_LEN;
        if (k) {
                e->kind_fields = k->fields;
                e->n_kind_fields = k->n_fields;
        }
        if (len > end - pos) {
                e->flags |= len <= v->wire_len - pos ? PKT_LAYER_TRUNCATED : PKT_LAYER_MALFORMED;
                return 1;
        }
        e->len = len;
        e->next = pos + len;
        return 1;
}

const struct pkt_elem_set wlan_ie_elems[1] = {
        { .name = "params", .elem_name = "ie", .next = ie_next, .fields = ie_fields, .n_fields = ARRAY_SIZE(ie_fields) },
};

/* ---- building: "ssid(\"home\")", "ds(ch=6)", "rates(82848b96)", "ie(id=221,body=00)" ---- */

static int
ie_id(const char *name, uint8_t *ret)
{
        uint32_t v;

        if (strcasecmp(name, "ie") == 0) {
                *ret = 0;
                return 1; /* the id comes as an argument */
        }
        if (pkt_name_value(ie_names, name, 255, &v) < 0)
                return -EINVAL;
        *ret = (uint8_t)v;
        return 0;
}

/* The field argument @a (the @pos-th after the id) sets: the body, whole, or a field of kind @k. A
 * positional argument is the body in the generic form (@generic), else the kind's field at its
 * place. */
static const struct pkt_field *
ie_arg_field(const struct ie_kind *k, bool generic, const struct pkt_spec_arg *a, unsigned pos)
{
        static const struct pkt_field body = { .name = "body", .off = 0, .type = PKT_FT_BYTES };

        if (!a->key[0])
                return generic || !k ? &body : pos < k->n_fields ? &k->fields[pos] : NULL;
        if (strcmp(a->key, "body") == 0 || strcmp(a->key, "body_bytes") == 0)
                return &body;
        for (unsigned i = 0; k && i < k->n_fields; i++)
                if (strcmp(k->fields[i].name, a->key) == 0)
                        return &k->fields[i];
        return NULL;
}

/* Why 16: more arguments than any element kind has fields. */
#define IE_ARGS_MAX 16

static int
ie_build(const char *text, uint8_t *out, size_t size)
{
        struct pkt_spec_arg args[IE_ARGS_MAX];
        uint8_t id = 0;
        char name[32];
        size_t len = IE_HDR_LEN;
        int n, r, generic, first = 0;

        n = pkt_spec_split(text, name, sizeof(name), args, IE_ARGS_MAX);
        if (n < 0)
                return n;
        if ((generic = ie_id(name, &id)) < 0)
                return generic;
        if (generic) {
                /* ie(id=N,body=...), as JSON writes an element back: the id first (a number or a
                 * name), then the body, the kind's fields, or both (they are the same bytes). */
                uint32_t v;
                if (n < 1 || (strcmp(args[0].key, "id") != 0 && args[0].key[0]) ||
                    pkt_name_value(ie_names, args[0].value, 255, &v) < 0)
                        return -EINVAL;
                id = (uint8_t)v;
                first = 1;
        }
        size = MIN(size, (size_t)(IE_HDR_LEN + IE_BODY_MAX));
        if (size < IE_HDR_LEN)
                return -EMSGSIZE;
        memset(out, 0, size);
        const struct ie_kind *k = ie_kind_of(id);
        for (int i = first; i < n; i++) {
                const struct pkt_field *f = ie_arg_field(k, generic, &args[i], (unsigned)(i - first));
                uint64_t u;
                if (!f)
                        return -ENOENT;
                size_t at = IE_HDR_LEN + f->off / 8u;
                if (at > size)
                        return -EMSGSIZE;
                r = pkt_spec_value(f, args[i].value, &u, out + at, size - at);
                if (r < 0)
                        return r;
                if (f->bits % 8)
                        pkt_bits_write(out + IE_HDR_LEN, f->off, f->bits, false, u);
                len = MAX(len, at + (size_t)MAX(r, 0));
                /* Fixed fields before this one take their room even when left at zero. */
                len = MAX(len, IE_HDR_LEN + (size_t)(f->off + f->bits + 7u) / 8u);
        }
        if (len > size)
                return -EMSGSIZE;
        out[0] = id;
        out[1] = (uint8_t)(len - IE_HDR_LEN);
        return (int)len;
}

int
wlan_ie_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                   uint8_t *out, size_t size, uint32_t *ret_at)
{
        (void)v;
        (void)set;
        *ret_at = hdr_len;
        return ie_build(text, out, size);
}
