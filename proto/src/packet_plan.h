/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the packet writer: write plans. A field table (a layer's, an element set's, an element
 * kind's) is turned once into a plan: per field its ready-quoted key (,"name":), fixed place and
 * width, and how its value is written. Plans are built on first use, kept for the life of the
 * process (field tables are: see pkt_proto_register()) and shared by all threads.
 */
#ifndef PKTP_PACKET_PLAN_H
#define PKTP_PACKET_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include <pkt/proto.h>
#include <pktp/buf.h>

/* Why 40: the key ,"name": of every built-in field fits with room to spare; a table with a longer
 * (or an escaped) name gets no plan and is written the general way. */
#define PLAN_KEY_MAX 40

struct plan_field {
        uint16_t off;  /* bit offset, or PKT_OFF_FOLLOW */
        uint16_t bits; /* fixed width in bits (addresses' implied ones included), 0 = variable */
        uint16_t flags; /* enum pkt_field_flags */
        uint8_t type;   /* enum pkt_field_type */
        uint8_t key_len;
        bool is_int_type;
        uint8_t lead;        /* enum plan_lead, for fields of the leading run */
        bool is_crlf;        /* a PKT_FF_DELIM field ended by "\r\n", which a bare LF ends too */
        uint8_t tail;        /* a variable field's tail (struct pkt_field) */
        const char *delim;   /* a PKT_FF_DELIM field's delimiter (def_bytes), or NULL */
        size_t delim_len;
        /* ,"name": (the comma is skipped for an object's first member); one byte more than a key can
         * take, so that a copy of PLAN_KEY_MAX bytes from key + 1 stays inside. */
        char key[PLAN_KEY_MAX + 1];
};

/* How a field of a plan's leading run (fixed places only) is written without locating it. */
enum plan_lead {
        LEAD_U8,     /* a big-endian integer of 8/16/32 bits on a byte */
        LEAD_U16,
        LEAD_U32,
        LEAD_BITS,   /* any other unsigned integer (or odd-placed value) of at most 8 bytes' span */
        LEAD_MAC,
        LEAD_IPV4,
        LEAD_IPV6,
};

struct plan {
        /* Fields 0 .. n_lead - 1 sit at fixed places that end by byte lead_end: in a region at least
         * that long they are all there, and are written without locating them. */
        unsigned n_lead;
        uint32_t lead_end;
        const struct pkt_field *table;
        unsigned n; /* fields; 0 for a table that has no plan (kept so it is not examined again) */
        struct plan_field f[];
};

/* The plan of @table (@n fields), or NULL when it has none (a name that needs escaping or is too
 * long, a delimited field, out of memory, the cache full): then the caller writes the general way. */
const struct plan *plan_get(const struct pkt_field *table, unsigned n);

enum {
        PLAN_OK = 0,
        /* Field @ret_k needs the by-name path (an odd width for an address, a string or DNS name the
         * visitor would cut): write it that way and continue with plan_write_from(@ret_k + 1). */
        PLAN_FIELD_SLOW = 1,
};

/* Where plan_write() stands in a table: resumable after a slow field. */
struct plan_pos {
        unsigned k;        /* next field */
        uint32_t prev_end; /* end bit of field k - 1 */
        bool prev_ok;      /* field k - 1 was located */
        bool is_first;     /* no member written yet in the current object */
};

/*
 * Writes the fields of @pl located in the @len bytes at @base (a header or an element) as the visitor
 * path would: each located field's key and value, skipping combined fields and fields not there.
 * @msg/@msg_len: the layer (DNS name pointers). Stops at a field that needs the by-name path with
 * PLAN_FIELD_SLOW and @pos at it (@pos->k); call again to continue after writing it (set @pos->k to
 * the next field). Returns PLAN_OK at the end of the table.
 */
int plan_write(struct pktp_buf *b, const struct plan *pl, const uint8_t *msg, uint32_t msg_len,
               const uint8_t *base, uint32_t len, struct plan_pos *pos);

/* {"layer":"NAME" for protocol @pr (*@ret_len bytes, NUL-terminated), made once per protocol; NULL
 * when the name needs escaping or memory is short. */
const char *plan_layer_head(const struct pkt_proto *pr, size_t *ret_len);

/* The text of the address at @q of field type @type (PKT_FT_MAC, _IPV4, _IPV6) as libpkt prints it,
 * unquoted, at @o (room for INET6_ADDRSTRLEN bytes); returns the end. */
char *plan_addr_text(char *o, unsigned type, const uint8_t *q);

/* @n bytes at @data as a quoted lower-case hex string, 16 bytes per step. */
void plan_put_hex(struct pktp_buf *b, const void *data, size_t n);

#endif
