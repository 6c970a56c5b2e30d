/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: the fields of an element (a TLV's value) by its type and length, from a table
 * of forms (CDP's and IS-IS's TLVs). */
#ifndef PKT_FORMS_H
#define PKT_FORMS_H

#include "internal.h"

/* The fields of one kind of value. */
struct pkt_kind {
        const struct pkt_field *fields;
        uint8_t n;
};
#define PKT_KIND(a) ((struct pkt_kind){ (a), ARRAY_SIZE(a) })

/* A kind of value of @type: exactly @len bytes, or at least @len. Of a type's forms, the first that
 * a value fits is its: a table lists a type's "at least" forms longest first. */
struct pkt_form {
        uint16_t type;
        uint8_t len;
        bool exact;
        struct pkt_kind kind;
};

/* The first form of @type among the @n at @forms that @len value bytes fit (UINT32_MAX: the first
 * of any length), or NULL. */
const struct pkt_form *pkt_form_of(const struct pkt_form *forms, size_t n, unsigned type,
                                   uint32_t len);

/* The form a value built from @args (@n) takes: the first of @type whose fields the arguments name
 * (by name, or by place), else the first of any length; NULL when @type has none. */
const struct pkt_form *pkt_form_for_args(const struct pkt_form *forms, size_t n, unsigned type,
                                         const struct pkt_spec_arg *args, int n_args);

/* Entries listed one by one from inside the TLVs that hold them (CDP's addresses, IS-IS's LSP and
 * reachability entries): the TLVs' walk, the one or two TLV types that hold entries (a TLV's type
 * is as wide as half its header: 1 or 2 bytes), the bytes before the first entry, and each entry's
 * length and fields: @size and @kind for entries all alike, else @len (0: the entry does not fit
 * the @room left in its TLV) and @kind_of. */
struct pkt_entries {
        int (*tlvs_next)(const struct pkt_view *v, struct pkt_elem *e);
        uint16_t type, type2; /* type2 0: one type (neither protocol has a TLV of type 0) */
        uint32_t skip;
        uint32_t size;
        uint32_t (*len)(const uint8_t *b, uint32_t room);
        struct pkt_kind kind;
        struct pkt_kind (*kind_of)(const uint8_t *b, uint32_t len);
};

/*
 * The next entry of @s (an element set's next hook). The state is the next entry's position; each
 * step walks the TLVs from the start to the one holding it, the count bounded. An entry that does
 * not fit its TLV is flagged and ends that TLV's list; a damaged TLV ends the walk.
 */
int pkt_entries_next(const struct pkt_view *v, struct pkt_elem *e, const struct pkt_entries *s);

/*
 * Splits element text "kind(field=value,...)", the kind named in @names or numbered up to
 * @max_type, or "@any(type=N,...)" as the JSON form writes it (@any: the set's element name, "tlv"
 * or "option"): its type into *@ret_type, its arguments into @args (room for @max; their number
 * into *@ret_n) and those that are the value's fields (all but "type" and "len") into @fields.
 * Returns the number of @fields, or -EINVAL, -E2BIG.
 */
int pkt_form_split(const char *text, const char *any, const struct pkt_name *names, uint32_t max_type,
                   uint32_t *ret_type, struct pkt_spec_arg *args, int *ret_n,
                   struct pkt_spec_arg *fields, unsigned max);

/* An element of a set that lists entries found inside other elements (CDP's addrs, IS-IS's lsps):
 * written as JSON beside those, it adds nothing of its own, so that the message reads back as it
 * was. Returns 0 (no bytes), or -EINVAL when @text is not an element. */
int pkt_form_listed_entry(const char *text);

#endif
