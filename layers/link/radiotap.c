/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Radiotap, the capture header in front of 802.11 frames (DLT 127; https://www.radiotap.org).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    version    |      pad      |     length (little-endian)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          present flags (little-endian; bit 31: another word)   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  more present words ... | fields, each aligned to its natural  |
 *  |  size from the start of the header, in present-bit order       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Every field is little-endian. Where a field lies depends on the present bits before it and on its
 * alignment, so the fields are not in the layer's table: they are the elements of the set "flags"
 * (pypacker keeps them in the TriggerList Radiotap.flags), one element per present field, each with
 * the fields of its kind. Extra present words are elements of kind "present". Namespaces: bit 29
 * starts the next word in the radiotap namespace again (drivers repeat antenna fields that way),
 * bit 30 names a vendor namespace whose 6-byte header (OUI, sub-namespace, skip length) is followed
 * by skip-length bytes of vendor data; the vendor's own present bits are skipped. A radiotap bit we
 * cannot size (bit 32 on without a namespace reset, reserved bits) ends the walk: nothing after it
 * can be located. Bytes the length counts after the last field, or after such a bit, are a last
 * element, "unused".
 *
 * The flags field's FCS bit (0x10) says the 802.11 frame ends with its 4-byte FCS: that is a
 * trailer of this layer, not payload, so the 802.11 layer ends before it.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"

#define RT_HDR_LEN       8
#define RT_F_FCS         0x10 /* flags field: the frame carries its FCS */
#define RT_FCS_LEN       4
#define RT_BIT_FLAGS     1
#define RT_BIT_TLV       28
#define RT_BIT_RT_NS     29
#define RT_BIT_VENDOR_NS 30
#define RT_BIT_EXT       31
/* Present words we follow. Real headers have a handful (one per namespace or antenna); a longer
 * chain is hostile, and the walk (which restarts for each element) must stay cheap. */
#define RT_WORDS_MAX     32u

/* clang-format off */
static const struct pkt_field radiotap_fields[] = {
        { .name = "version",       .off = 0,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "pad",           .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "len",           .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_AUTO, .def = RT_HDR_LEN },
        { .name = "present_flags", .off = 32, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};

static const struct pkt_name rt_flag_names[] = {
        { 0x01, "CFP" }, { 0x02, "SHORTPRE" }, { 0x04, "WEP" }, { 0x08, "FRAG" }, { 0x10, "FCS" },
        { 0x20, "DATAPAD" }, { 0x40, "BADFCS" }, { 0x80, "SHORTGI" }, { 0, NULL },
};

/* Kind fields of each present bit (radiotap.org "defined fields"). */
static const struct pkt_field k_tsft[] = {
        { .name = "tsft", .off = 0, .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
};
static const struct pkt_field k_flags[] = {
        { .name = "flags", .off = 0, .bits = 8, .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX, .names = rt_flag_names },
        { .name = "fcs",   .off = 3, .bits = 1, .type = PKT_FT_UINT, .flags = PKT_FF_PART },
};
static const struct pkt_field k_rate[] = {
        { .name = "rate", .off = 0, .bits = 8, .type = PKT_FT_UINT }, /* 500 kb/s units */
};
static const struct pkt_field k_channel[] = {
        { .name = "channel",    .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE }, /* MHz */
        { .name = "chan_flags", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
static const struct pkt_field k_fhss[] = {
        { .name = "hop_set",     .off = 0, .bits = 8, .type = PKT_FT_UINT },
        { .name = "hop_pattern", .off = 8, .bits = 8, .type = PKT_FT_UINT },
};
static const struct pkt_field k_dbm_antsignal[] = {
        { .name = "dbm_antsignal", .off = 0, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_SIGNED },
};
static const struct pkt_field k_dbm_antnoise[] = {
        { .name = "dbm_antnoise", .off = 0, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_SIGNED },
};
static const struct pkt_field k_lock_quality[] = {
        { .name = "lock_quality", .off = 0, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
};
static const struct pkt_field k_tx_attenuation[] = {
        { .name = "tx_attenuation", .off = 0, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
};
static const struct pkt_field k_db_tx_attenuation[] = {
        { .name = "db_tx_attenuation", .off = 0, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
};
static const struct pkt_field k_dbm_tx_power[] = {
        { .name = "dbm_tx_power", .off = 0, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_SIGNED },
};
static const struct pkt_field k_antenna[] = {
        { .name = "antenna", .off = 0, .bits = 8, .type = PKT_FT_UINT },
};
static const struct pkt_field k_db_antsignal[] = {
        { .name = "db_antsignal", .off = 0, .bits = 8, .type = PKT_FT_UINT },
};
static const struct pkt_field k_db_antnoise[] = {
        { .name = "db_antnoise", .off = 0, .bits = 8, .type = PKT_FT_UINT },
};
static const struct pkt_field k_rx_flags[] = {
        { .name = "rx_flags", .off = 0, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
static const struct pkt_field k_tx_flags[] = {
        { .name = "tx_flags", .off = 0, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
static const struct pkt_field k_rts_retries[] = {
        { .name = "rts_retries", .off = 0, .bits = 8, .type = PKT_FT_UINT },
};
static const struct pkt_field k_data_retries[] = {
        { .name = "data_retries", .off = 0, .bits = 8, .type = PKT_FT_UINT },
};
static const struct pkt_field k_xchannel[] = {
        { .name = "xchannel_flags", .off = 0,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "xchannel_freq",  .off = 32, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "xchannel",       .off = 48, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "xchannel_maxpower", .off = 56, .bits = 8, .type = PKT_FT_UINT },
};
static const struct pkt_field k_mcs[] = {
        { .name = "mcs_known", .off = 0,  .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "mcs_flags", .off = 8,  .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "mcs",       .off = 16, .bits = 8, .type = PKT_FT_UINT },
};
static const struct pkt_field k_ampdu[] = {
        { .name = "ampdu_ref",       .off = 0,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "ampdu_flags",     .off = 32, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "ampdu_delim_crc", .off = 48, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "ampdu_reserved",  .off = 56, .bits = 8,  .type = PKT_FT_UINT },
};
static const struct pkt_field k_vht[] = {
        { .name = "vht_known",       .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "vht_flags",       .off = 16, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "vht_bandwidth",   .off = 24, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "vht_mcs_nss",     .off = 32, .bits = 32, .type = PKT_FT_BYTES },
        { .name = "vht_coding",      .off = 64, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "vht_group_id",    .off = 72, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "vht_partial_aid", .off = 80, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
};
static const struct pkt_field k_timestamp[] = {
        { .name = "timestamp",          .off = 0,  .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "timestamp_accuracy", .off = 64, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "timestamp_unit",     .off = 80, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "timestamp_flags",    .off = 88, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field k_he[] = {
        { .name = "he_data1", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "he_data2", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "he_data3", .off = 32, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "he_data4", .off = 48, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "he_data5", .off = 64, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "he_data6", .off = 80, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
static const struct pkt_field k_he_mu[] = {
        { .name = "he_mu_flags1", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "he_mu_flags2", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "he_mu_ru",     .off = 32, .bits = 64, .type = PKT_FT_BYTES },
};
static const struct pkt_field k_he_mu_user[] = {
        { .name = "he_mu_user", .off = 0, .bits = 48, .type = PKT_FT_BYTES },
};
static const struct pkt_field k_zero_len_psdu[] = {
        { .name = "zero_len_psdu", .off = 0, .bits = 8, .type = PKT_FT_UINT },
};
static const struct pkt_field k_lsig[] = {
        { .name = "lsig_data1", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "lsig_data2", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
static const struct pkt_field k_tlvs[] = {
        { .name = "tlvs", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field k_vendor[] = {
        { .name = "oui",         .off = 0,  .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "sub_ns",      .off = 24, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "skip_length", .off = 32, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "vendor_data", .off = 48, .bits = 0,  .type = PKT_FT_BYTES },
};
static const struct pkt_field k_present[] = {
        { .name = "present", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
static const struct pkt_field k_unused[] = {
        { .name = "unused", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

struct rt_kind {
        const char *name;
        uint8_t align;
        uint8_t size;
        uint8_t n_fields;
        const struct pkt_field *fields;
};

#define RT_KIND(n, a, s, f) { (n), (a), (s), ARRAY_SIZE(f), (f) }

/* Alignment and size per radiotap-namespace bit; size 0 marks a bit we cannot size. */
static const struct rt_kind rt_kinds[32] = {
        [0] = RT_KIND("tsft", 8, 8, k_tsft),
        [1] = RT_KIND("flags", 1, 1, k_flags),
        [2] = RT_KIND("rate", 1, 1, k_rate),
        [3] = RT_KIND("channel", 2, 4, k_channel),
        [4] = RT_KIND("fhss", 1, 2, k_fhss),
        [5] = RT_KIND("dbm_antsignal", 1, 1, k_dbm_antsignal),
        [6] = RT_KIND("dbm_antnoise", 1, 1, k_dbm_antnoise),
        [7] = RT_KIND("lock_quality", 2, 2, k_lock_quality),
        [8] = RT_KIND("tx_attenuation", 2, 2, k_tx_attenuation),
        [9] = RT_KIND("db_tx_attenuation", 2, 2, k_db_tx_attenuation),
        [10] = RT_KIND("dbm_tx_power", 1, 1, k_dbm_tx_power),
        [11] = RT_KIND("antenna", 1, 1, k_antenna),
        [12] = RT_KIND("db_antsignal", 1, 1, k_db_antsignal),
        [13] = RT_KIND("db_antnoise", 1, 1, k_db_antnoise),
        [14] = RT_KIND("rx_flags", 2, 2, k_rx_flags),
        [15] = RT_KIND("tx_flags", 2, 2, k_tx_flags),
        [16] = RT_KIND("rts_retries", 1, 1, k_rts_retries),
        [17] = RT_KIND("data_retries", 1, 1, k_data_retries),
        [18] = RT_KIND("xchannel", 4, 8, k_xchannel),
        [19] = RT_KIND("mcs", 1, 3, k_mcs),
        [20] = RT_KIND("ampdu", 4, 8, k_ampdu),
        [21] = RT_KIND("vht", 2, 12, k_vht),
        [22] = RT_KIND("timestamp", 8, 12, k_timestamp),
        [23] = RT_KIND("he", 2, 12, k_he),
        [24] = RT_KIND("he_mu", 2, 12, k_he_mu),
        [25] = RT_KIND("he_mu_user", 2, 6, k_he_mu_user),
        [26] = RT_KIND("zero_len_psdu", 1, 1, k_zero_len_psdu),
        [27] = RT_KIND("lsig", 2, 4, k_lsig),
};

static const struct rt_kind rt_kind_tlvs = RT_KIND("tlvs", 4, 0, k_tlvs);
static const struct rt_kind rt_kind_vendor = RT_KIND("vendor_ns", 2, 6, k_vendor);
static const struct rt_kind rt_kind_present = RT_KIND("present", 4, 4, k_present);
/* Bytes after the last field that the length still counts (some drivers leave them), or after a bit
 * that cannot be sized. */
static const struct rt_kind rt_kind_unused = RT_KIND("unused", 1, 0, k_unused);

/* One step of the walk over a header: the element it found. */
struct rt_item {
        const struct rt_kind *kind;
        uint32_t off;   /* from the header start */
        uint32_t len;
        uint8_t bit;    /* radiotap-namespace bit, or 0xff for words, vendor headers, TLVs */
        uint16_t flags; /* PKT_LAYER_TRUNCATED / MALFORMED */
};

/* The header length, from the length field; at least the fixed part. */
static uint32_t
rt_hdr_len(const struct pkt_view *v)
{
        return MAX((uint32_t)(v->b[2] | v->b[3] << 8), (uint32_t)RT_HDR_LEN);
}

/* The bytes from @pos to the header's @end, when the walk ends before it (after the last field, or
 * at a bit it cannot size): the last element, so that every byte of the header is in one. */
static int
rt_rest(uint32_t pos, uint32_t end, uint32_t want, int want_bit, uint32_t count, struct rt_item *ret)
{
        if (pos >= end || want_bit >= 0 || count != want)
                return 0;
        *ret = (struct rt_item){ .kind = &rt_kind_unused, .off = pos, .len = end - pos, .bit = 0xff };
        return 1;
}

/*
 * Walks the present words and fields of the header and returns element number @want (0-based) in
 * @ret: first the extra present words, then the fields in bit order; with @want_bit >= 0, the first
 * field of that radiotap bit instead. Returns 1 with an item, 0 past the last one. Bounded: each
 * step consumes a present bit of one of at most RT_WORDS_MAX words.
 */
static int
rt_walk(const struct pkt_view *v, uint32_t want, int want_bit, struct rt_item *ret)
{
        uint32_t end = MIN(rt_hdr_len(v), v->caplen), wire_end = MIN(rt_hdr_len(v), v->wire_len);
        uint32_t n_words = 1, pos, count = 0, w;
        bool radiotap_ns = true;
        unsigned base = 0; /* bit index of the current word within its namespace */

        /* The words: while bit 31 is set, another follows. */
        for (w = 0; n_words < RT_WORDS_MAX; w++) {
                uint32_t word;
                if (!pkt_rd_le32(v, 4 + 4 * w, &word) || 8 + 4 * w > end)
                        break;
                if (!(word & (1u << RT_BIT_EXT)))
                        break;
                n_words++;
                if (count++ == want && want_bit < 0) {
                        *ret = (struct rt_item){ .kind = &rt_kind_present, .off = 8 + 4 * w,
                                                 .len = 4, .bit = 0xff };
                        if (12 + 4 * w > end)
                                ret->flags = 12 + 4 * w <= wire_end ? PKT_LAYER_TRUNCATED
                                                                    : PKT_LAYER_MALFORMED;
                        if (ret->flags)
                                ret->len = end > ret->off ? end - ret->off : 0;
                        if (ret->off > end)
                                return 0;
                        return 1;
                }
        }
        pos = 4 + 4 * n_words;
        for (w = 0; w < n_words; w++) {
                uint32_t word;
                if (!pkt_rd_le32(v, 4 + 4 * w, &word))
                        return 0;
                for (unsigned b = 0; b < 31; b++) {
                        const struct rt_kind *k;
                        uint32_t size;
                        if (!(word & (1u << b)))
                                continue;
                        if (b == RT_BIT_RT_NS) {
                                radiotap_ns = true;
                                base = 0;
                                continue;
                        }
                        if (b == RT_BIT_VENDOR_NS)
                                k = &rt_kind_vendor;
                        else if (!radiotap_ns)
                                continue; /* a vendor's field: inside its skipped data */
                        else if (b == RT_BIT_TLV && base == 0)
                                k = &rt_kind_tlvs;
                        else if (base == 0 && rt_kinds[b].size)
                                k = &rt_kinds[b];
                        else /* cannot be sized: nothing after it can be found */
                                return rt_rest(pos, end, want, want_bit, count, ret);
                        pos = (pos + k->align - 1u) / k->align * k->align;
                        size = k == &rt_kind_tlvs ? (end > pos ? end - pos : 0) : k->size;
                        if (k == &rt_kind_vendor) {
                                uint16_t skip = 0;
                                if (pkt_rd_le16(v, pos + 4, &skip))
                                        size += skip;
                        }
                        if (pos > end)
                                return 0;
                        bool is_std = k == &rt_kinds[b];
                        if (want_bit < 0 ? count++ == want : (is_std && (int)b == want_bit)) {
                                *ret = (struct rt_item){ .kind = k, .off = pos, .len = size,
                                                         .bit = is_std ? (uint8_t)b : 0xff };
                                if (size > end - pos) {
                                        ret->flags = pos + size <= wire_end ? PKT_LAYER_TRUNCATED
                                                                            : PKT_LAYER_MALFORMED;
                                        ret->len = end - pos;
                                }
                                return 1;
                        }
                        pos += size;
                        if (k == &rt_kind_tlvs)
                                return 0;
                        if (k == &rt_kind_vendor)
                                radiotap_ns = false;
                }
                /* A word without a namespace change continues its namespace 32 bits on. */
                if (!(word & (1u << RT_BIT_RT_NS | 1u << RT_BIT_VENDOR_NS)))
                        base += 32;
                else if (word & (1u << RT_BIT_VENDOR_NS))
                        base = 0;
        }
        return rt_rest(pos, end, want, want_bit, count, ret);
}

static int
rt_fields_next(const struct pkt_view *v, struct pkt_elem *e)
{
        struct rt_item it;

        if (!rt_walk(v, e->count, -1, &it))
                return 0;
        e->off = it.off;
        e->len = it.len;
        e->next = it.off + it.len;
        e->flags = it.flags;
        e->data_off = 0;
        e->kind_fields = it.kind->fields;
        e->n_kind_fields = it.kind->n_fields;
        return 1;
}

static const struct pkt_elem_set radiotap_elems[] = {
        { .name = "flags", .elem_name = "field", .next = rt_fields_next },
};

/* The flags field's value, when present and captured. */
static bool
rt_flags(const struct pkt_view *v, uint8_t *ret)
{
        struct rt_item it;

        return rt_walk(v, 0, RT_BIT_FLAGS, &it) && !it.flags && pkt_rd_u8(v, it.off, ret);
}

static void
radiotap_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = (uint32_t)(v->b[2] | v->b[3] << 8);
        uint8_t flags = 0;

        d->hdr_len = MAX(len, (uint32_t)RT_HDR_LEN);
        if (v->b[0] != 0 || len < RT_HDR_LEN)
                d->flags |= PKT_LAYER_MALFORMED; /* only version 0 exists */
        d->next = PKT_PROTO_IEEE80211;
        if (d->hdr_len > v->caplen || !rt_flags(v, &flags) || !(flags & RT_F_FCS))
                return;
        /* The FCS ends the frame: a trailer of ours, so the 802.11 layer stops before it. */
        if (v->wire_len >= d->hdr_len + RT_FCS_LEN)
                d->payload_len = v->wire_len - d->hdr_len - RT_FCS_LEN;
}

static int
radiotap_update(struct pkt *p, unsigned idx)
{
        return pkt_auto_set(p, idx, 2, p->layers[idx].hdr_len);
}

/* ---- building fields: "flags=[flags(0x10),rate(4),channel(channel=2437,chan_flags=0xa0)]" ---- */

/* The bit an element being added sets, handed from elem_build to elem_added (same thread, one call
 * after the other inside pkt_elem_add()); RT_ADDED_NONE when the present words were given. */
#define RT_ADDED_NONE 32
static _Thread_local int rt_added_bit = -1;

static int
rt_kind_by_name(const char *name)
{
        for (unsigned b = 0; b < ARRAY_SIZE(rt_kinds); b++)
                if (rt_kinds[b].name && strcasecmp(rt_kinds[b].name, name) == 0)
                        return (int)b;
        return -ENOENT;
}

static bool
kind_has_field(const struct rt_kind *k, const char *field)
{
        for (unsigned i = 0; i < k->n_fields; i++)
                if (strcmp(k->fields[i].name, field) == 0)
                        return true;
        return false;
}

/* The kind one of whose fields is called @field, and its bit (-1: a further present word, a vendor
 * namespace, TLVs): what "field(channel=...,chan_flags=...)", an element as JSON writes it back,
 * is. NULL when none. */
static const struct rt_kind *
rt_kind_by_field(const char *field, int *ret_bit)
{
        static const struct rt_kind *const others[] = { &rt_kind_present, &rt_kind_vendor, &rt_kind_tlvs,
                                                        &rt_kind_unused };

        for (unsigned b = 0; b < ARRAY_SIZE(rt_kinds); b++)
                if (kind_has_field(&rt_kinds[b], field)) {
                        *ret_bit = (int)b;
                        return &rt_kinds[b];
                }
        for (unsigned i = 0; i < ARRAY_SIZE(others); i++)
                if (kind_has_field(others[i], field)) {
                        *ret_bit = -1;
                        return others[i];
                }
        return NULL;
}

/* Where the fields of the bits in @present end, from the end of one present word: each aligned to
 * its kind (radiotap.org's alignment rule). UINT32_MAX for a bit whose size is not known. */
static uint32_t
rt_fields_end(uint32_t present)
{
        uint32_t end = RT_HDR_LEN;

        for (unsigned b = 0; b < ARRAY_SIZE(rt_kinds); b++) {
                if (!(present & 1u << b))
                        continue;
                const struct rt_kind *k = &rt_kinds[b];
                if (k->size == 0)
                        return UINT32_MAX;
                end = (end + k->align - 1u) / k->align * k->align + k->size;
        }
        return end;
}

/* Why 16: more arguments than any kind has fields. */
#define RT_ARGS_MAX 16

/*
 * One element, by its kind's name ("channel(channel=2437,chan_flags=0xa0)") or, as JSON writes it
 * back, by its fields ("field(channel=...)"). Behind a single present word, a field goes after the
 * fields of the bits below it, which must all be in the header already, and sets its bit; bits above
 * it may be set before their fields come (JSON sets present_flags first). When the first word says
 * more words follow, the words and the fields are given as they lie (JSON writes them in header
 * order: further present words, then every namespace's fields): each element goes after the last,
 * aligned to its kind, and no bit is touched.
 */
static int
radiotap_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                    uint8_t *out, size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[RT_ARGS_MAX];
        const struct rt_kind *k = NULL;
        char name[32];
        uint32_t present = 0, pad, len;
        int n, bit = -1;

        (void)set;
        n = pkt_spec_split(text, name, sizeof(name), args, RT_ARGS_MAX);
        if (n < 0)
                return n;
        if (strcmp(name, radiotap_elems[0].elem_name) == 0)
                k = n > 0 && args[0].key[0] ? rt_kind_by_field(args[0].key, &bit) : NULL;
        else if ((bit = rt_kind_by_name(name)) >= 0)
                k = &rt_kinds[bit];
        if (!k || !pkt_rd_le32(v, 4, &present) || hdr_len < RT_HDR_LEN)
                return -EINVAL;
        /* Unused bytes go last, unaligned, and set no bit. */
        bool words_given = (present & (1u << RT_BIT_EXT)) || k == &rt_kind_unused;
        if (!words_given && (bit < 0 || rt_fields_end(present & ((1u << bit) - 1u)) != hdr_len))
                return -EINVAL;
        pad = (hdr_len + k->align - 1u) / k->align * k->align - hdr_len;
        len = pad + k->size;
        if (len > size)
                return -EMSGSIZE;
        memset(out, 0, size);
        for (int i = 0; i < n; i++) {
                const struct pkt_field *f = NULL;
                uint64_t u;
                int r;
                if (!args[i].key[0])
                        f = (unsigned)i < k->n_fields ? &k->fields[i] : NULL;
                for (unsigned j = 0; !f && j < k->n_fields; j++)
                        if (strcmp(k->fields[j].name, args[i].key) == 0)
                                f = &k->fields[j];
                if (!f)
                        return -ENOENT;
                uint32_t at = pad + f->off / 8;
                if (f->type == PKT_FT_BYTES) {
                        /* A fixed one in its width; a variable one (vendor data, TLVs) makes the
                         * element as long as it is. */
                        r = pkt_spec_value(f, args[i].value, &u, out + at, f->bits ? f->bits / 8u : size - at);
                        if (r < 0)
                                return r;
                        len = MAX(len, at + (uint32_t)r);
                        continue;
                }
                uint8_t tmp[8];
                r = pkt_spec_value(f, args[i].value, &u, tmp, sizeof(tmp));
                if (r < 0)
                        return r;
                pkt_bits_write(out + pad, f->off, f->bits, (f->flags & PKT_FF_LE) != 0, u);
        }
        rt_added_bit = words_given ? RT_ADDED_NONE : bit;
        *ret_at = hdr_len;
        return (int)len;
}

/* Sets the present bit of the field just added (unless the words were given); the length follows on
 * serialise. */
static int
radiotap_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        uint8_t *h = pkt_layer_bytes_mut(p, idx);
        uint32_t present;

        (void)set;
        if (rt_added_bit < 0)
                return -EINVAL;
        if (rt_added_bit == RT_ADDED_NONE) {
                rt_added_bit = -1;
                p->layers[idx].flags |= PKT_LAYER_DIRTY;
                return 0;
        }
        present = (uint32_t)pkt_bits_read(h, 32, 32, true) | 1u << rt_added_bit;
        pkt_bits_write(h, 32, 32, true, present);
        rt_added_bit = -1;
        p->layers[idx].flags |= PKT_LAYER_DIRTY;
        return 0;
}

static const struct pkt_key radiotap_carriers[] = {
        { PKT_KEY_DLT, 127 },       /* DLT_IEEE802_11_RADIO */
        { PKT_KEY_ARPHRD, 803 },    /* ARPHRD_IEEE80211_RADIOTAP, in cooked captures */
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_radiotap = {
        .name = "radiotap",
        .summary = "Radiotap capture header for 802.11 (radiotap.org)",
        .id = PKT_PROTO_RADIOTAP,
        .min_hdr_len = RT_HDR_LEN,
        .fields = radiotap_fields,
        .n_fields = ARRAY_SIZE(radiotap_fields),
        .elems = radiotap_elems,
        .n_elems = ARRAY_SIZE(radiotap_elems),
        .carriers = radiotap_carriers,
        .dissect = radiotap_dissect,
        .update = radiotap_update,
        .elem_build = radiotap_elem_build,
        .elem_added = radiotap_elem_added,
};
