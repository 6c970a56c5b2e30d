/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Describing a protocol: the descriptor every protocol file exports, its field tables, its repeated
 * elements, the next-layer registry, and the bounds-checked reads its hooks use. docs/new-protocol.md
 * walks through a complete example.
 */
#ifndef PKT_PROTO_H
#define PKT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pkt/pkt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- field tables ---- */

enum pkt_field_type {
        PKT_FT_UINT,    /* unsigned integer of 1..64 bits */
        PKT_FT_FLAGS,   /* unsigned integer whose bits have names */
        PKT_FT_ENUM,    /* unsigned integer whose values have names */
        PKT_FT_MAC,     /* 6 bytes, aa:bb:cc:dd:ee:ff */
        PKT_FT_IPV4,    /* 4 bytes, dotted quad */
        PKT_FT_IPV6,    /* 16 bytes, RFC 5952 text */
        PKT_FT_BYTES,   /* bytes, printed as hex */
        PKT_FT_STRING,  /* bytes, printed as text with C escapes */
        PKT_FT_DNSNAME, /* RFC 1035 domain name, compression pointers relative to the layer start */
};

enum pkt_field_flags {
        PKT_FF_LE = 1u << 0,       /* little-endian on the wire */
        PKT_FF_AUTO = 1u << 1,     /* computed on serialise (length, checksum, next-layer type) */
        PKT_FF_PART = 1u << 2,     /* a part of a combined field (IPv4 "v" of "v_hl") */
        PKT_FF_COMBINED = 1u << 3, /* a field whose parts are listed too; printers show the parts */
        PKT_FF_HEX = 1u << 4,      /* print as 0x-hex */
        PKT_FF_PSEUDO = 1u << 5,   /* covered by upper layers' pseudo-header checksums */
        PKT_FF_SIGNED = 1u << 6,   /* two's complement */
        /* A variable bytes/string field that ends before the first occurrence of the text in def_bytes
         * (or at the end of its region); a following PKT_OFF_FOLLOW field starts after that delimiter.
         * Text protocols: "Host" of "Host: x", a start line ended by CRLF (or a bare LF). */
        PKT_FF_DELIM = 1u << 7,
        /* A variable bytes/string field whose length in bytes is the value of the unsigned integer
         * field just before it: RFC 1035's <character-string> (DNS HINFO, NAPTR), CAA's tag. */
        PKT_FF_COUNTED = 1u << 8,
        /* A PKT_FT_DNSNAME field whose first label is a NetBIOS name in RFC 1001 14.1's first-level
         * encoding (16 bytes as 32 letters 'A'..'P'): shown as tshark shows it, "NAME<1d>" (the 15
         * name bytes, trailing spaces dropped, others unprintable as <xx>; then the name type) and the
         * scope after a dot. A first label that is no such encoding shows as a DNS name. */
        PKT_FF_NETBIOS = 1u << 9,
        /* A variable field right after a PKT_FF_DELIM field with a CRLF delimiter, at that field's end:
         * the line end that ended it, CR LF or a bare LF (or nothing, at the end of the region). So a
         * line read from a sender that ends lines with LF alone reads back as it came. */
        PKT_FF_LINE_END = 1u << 10,
        /* A variable bytes/string field that ends as many bytes before the end of its region as the
         * integer field whose index is @tail says (that field must come before it): SSH's payload,
         * which padding_length bytes of padding follow. */
        PKT_FF_TAIL_COUNTED = 1u << 11,
};

/* A value name (enum) or bit name (flags). Tables end with { 0, NULL }. */
struct pkt_name {
        uint64_t value;
        const char *name;
};

/* Offset meaning "right after the previous field" (for fields after a variable-length one). */
#define PKT_OFF_FOLLOW 0xffffu

/*
 * One field. Position and width are in bits from the start of the header (or element). A width of 0
 * makes a variable field: bytes/string run to the end of the header (element), or to its @tail; a DNS
 * name delimits itself.
 */
struct pkt_field {
        const char *name;
        uint16_t off;  /* bit offset, or PKT_OFF_FOLLOW */
        uint16_t bits; /* bit width; 0 = variable */
        uint8_t type;   /* enum pkt_field_type */
        /* A variable bytes/string field (neither delimited nor counted) that is not the last of its
         * table: the bytes of the fixed fields after it, which end the header. It runs to them instead
         * of to the end (an EAPOL-Key MIC of 16, 24 or no bytes, before the key data length). With
         * PKT_FF_TAIL_COUNTED, the index of the field that counts those bytes instead. */
        uint8_t tail;
        uint16_t flags; /* enum pkt_field_flags */
        const struct pkt_name *names; /* PKT_FT_ENUM values or PKT_FT_FLAGS bits */
        uint64_t def;  /* default: integer value, or for MAC/IPv4 the big-endian value */
        const char *def_bytes; /* default for byte-typed fields (pkt_field_def_len bytes) */
};

/* Convenience initialisers for field tables. */
#define PKT_U(n, o, b) { .name = (n), .off = (o), .bits = (b), .type = PKT_FT_UINT }

/* ---- repeated elements ---- */

/*
 * One element (option, TLV, record) of a layer. Produced by an element set's iterator; @off and @len
 * are relative to the layer start. Fields of @fields start at the element; fields of the element's
 * kind table start at @data_off.
 */
/* An element whose length is wrong for its kind but still delimits it (a TCP MSS option of 5 bytes):
 * unlike PKT_LAYER_MALFORMED, which ends the set, the walk goes on after it. Its layer is malformed. */
#define PKT_ELEM_BAD_LEN (1u << 8)
/* The element flags that make an element malformed, as printed and written ("malformed": true). */
#define PKT_ELEM_FLAGS_MALFORMED (PKT_LAYER_MALFORMED | PKT_ELEM_BAD_LEN)

struct pkt_elem {
        uint32_t off;      /* element start, from the layer start */
        uint32_t len;      /* element bytes (captured) */
        uint32_t data_off; /* where the kind fields start, from the element start */
        uint16_t flags;    /* PKT_LAYER_TRUNCATED / PKT_LAYER_MALFORMED / PKT_ELEM_BAD_LEN */
        uint16_t set;      /* index of the element set in the descriptor */
        uint32_t next;     /* iterator state: where the next element starts (private) */
        uint32_t count;    /* iterator state: elements produced so far (private) */
        const struct pkt_field *kind_fields; /* fields of this element's kind, or NULL */
        uint16_t n_kind_fields;
        uint16_t reserved;
};

/* A bounded view of one layer, handed to protocol hooks. Every read goes through pkt_rd_*(). */
struct pkt_view {
        const uint8_t *b;  /* layer start */
        uint32_t caplen;   /* captured bytes from @b (header + payload as far as captured) */
        uint32_t wire_len; /* reported bytes from @b */
        uint16_t lower;    /* protocol of the layer below, or PKT_PROTO_NONE */
        uint16_t proto;    /* this layer's protocol */
};

struct pkt_elem_set {
        const char *name;      /* field-like name: "opts", "queries", "answers" */
        const char *elem_name; /* one element, for printing: "opt", "query" */
        /* Produces the next element into @e (state in @e->next/@e->count; both 0 at the start;
         * @e->set is this set's index, so that sets alike can share one iterator).
         * Returns 1 for an element, 0 at the end. A cut-off or contradictory element is produced with
         * its flags set and ends the iteration. */
        int (*next)(const struct pkt_view *v, struct pkt_elem *e);
        const struct pkt_field *fields; /* fields every element has */
        uint8_t n_fields;
        uint8_t flags; /* PKT_ES_* */
};

/* Flags of an element set. */
enum {
        /* A length given for an element is kept, not computed from the element's data: an element
         * may run on past the bytes at hand (a TLS handshake message continued in the next segment),
         * and then only its length says how long it is. (Readers of JSON give lengths then.) */
        PKT_ES_GIVEN_LENGTHS = 1u << 0,
        /* The set lists entries read from inside another set's elements (CDP's addrs, from its
         * Addresses TLVs; TLS's extensions, from its handshake messages), which carry their bytes. So
         * an element added to it builds nothing: pkt_elem_add() checks its text and adds no bytes, and
         * a layer written with both sets, as the JSON writer writes it, reads back as it was. */
        PKT_ES_LISTED = 1u << 1,
};

/* Iterates the elements of set @set_name of layer @idx. Returns 1 and fills @e for each element, 0 at
 * the end, -ENOENT when the layer or set does not exist. Start with *@e zeroed (PKT_ELEM_INIT). */
int pkt_elem_next(struct pkt *p, unsigned idx, const char *set_name, struct pkt_elem *e);
/* The same, with the set given by its index in the layer's protocol's elems[] (as a caller walking
 * the descriptor knows it): no lookup by name per element. -ENOENT when there is no such layer or
 * set. */
int pkt_elem_next_idx(struct pkt *p, unsigned idx, unsigned set, struct pkt_elem *e);
#define PKT_ELEM_INIT { 0 }
#define PKT_ELEM_FOREACH(p, idx, set, e) for (struct pkt_elem e = PKT_ELEM_INIT; pkt_elem_next((p), (idx), (set), &e) == 1;)

/* For dissect hooks of layers whose header is made of elements: walks them from the start with @next
 * and returns PKT_LAYER_MALFORMED when an element contradicts the layer, else 0. The walk ends at the
 * first damaged element (iterators end there, see struct pkt_elem_set), so it is bounded by @v. */
uint16_t pkt_elems_damage(const struct pkt_view *v, int (*next)(const struct pkt_view *v, struct pkt_elem *e));

/* Reads field @name of element @e (from the set's fields or the element's kind fields), like
 * pkt_field_get_u64() / pkt_field_get_str(). */
int pkt_elem_get_u64(struct pkt *p, unsigned idx, const struct pkt_elem *e, const char *name, uint64_t *ret);
int pkt_elem_get_str(struct pkt *p, unsigned idx, const struct pkt_elem *e, const char *name, char *buf,
                     size_t size);
/* Points at the raw bytes of field @name of element @e (whole bytes only), like pkt_field_get_bytes():
 * the whole value, however long. Valid until @p changes. */
int pkt_elem_get_bytes(struct pkt *p, unsigned idx, const struct pkt_elem *e, const char *name,
                       const uint8_t **ret_data, size_t *ret_len);

/* Appends one element to set @set_name of layer @idx from "name=value,..." text (the set's build hook
 * encodes it; the layer grows, lengths are refreshed on serialise). Returns 0, -ENOENT, -EINVAL,
 * -ENOMEM, -EOPNOTSUPP (the set cannot be built). */
int pkt_elem_add(struct pkt *p, unsigned idx, const char *set_name, const char *text);

/* ---- the next-layer registry ---- */

/* Key spaces in which a value selects the next layer. */
enum pkt_key_space {
        PKT_KEY_DLT,        /* pcap link type */
        PKT_KEY_ETHERTYPE,  /* Ethernet type, VLAN type, SLL protocol, SNAP with OUI 0 */
        PKT_KEY_LLC_SAP,    /* LLC DSAP */
        PKT_KEY_SNAP,       /* SNAP OUI << 16 | PID (other OUIs) */
        PKT_KEY_PPP,        /* PPP protocol */
        PKT_KEY_IP_PROTO,   /* IPv4 protocol / IPv6 next header */
        PKT_KEY_TCP_PORT,
        PKT_KEY_UDP_PORT,
        PKT_KEY_SCTP_PPID,
        PKT_KEY_ICMP_TYPE,
        PKT_KEY_ICMP6_TYPE,
        PKT_KEY_ARPHRD,     /* Linux ARPHRD_* (cooked captures) */
        PKT_KEY_NLPID,      /* OSI network layer protocol ID (ISO/TR 9577): an OSI packet's first byte */
        _PKT_KEY_MAX,
};

/* A key a protocol is carried by. Lists end with { _PKT_KEY_MAX, 0 }. */
struct pkt_key {
        uint8_t space; /* enum pkt_key_space */
        uint32_t value;
};
#define PKT_KEY_END { _PKT_KEY_MAX, 0 }
/* A carrier's value that no key selects: the protocol has no number of its own in that space, and
 * its heuristic alone finds it there ({ PKT_KEY_UDP_PORT, PKT_KEY_GUESSED }: STUN over UDP). */
#define PKT_KEY_GUESSED UINT32_MAX

/* Returns the protocol registered for @value in @space, or PKT_PROTO_NONE. Thread-safe after start-up. */
unsigned pkt_key_lookup(enum pkt_key_space space, uint32_t value);

/* What a dissect hook reports about its layer. */
struct pkt_dissect {
        uint32_t hdr_len;     /* header bytes (may exceed caplen: then the layer is truncated) */
        uint32_t payload_len; /* declared payload length, or PKT_LEN_REST */
        uint16_t next;        /* protocol of the payload, PKT_PROTO_NONE for opaque bytes */
        uint16_t flags;       /* PKT_LAYER_MALFORMED when the header contradicts itself */
};
#define PKT_LEN_REST UINT32_MAX
/* In struct pkt_dissect flags: the payload is only the start of something longer (a first fragment),
 * so the lengths it claims beyond what is here are not contradictions (the engine treats its reported
 * length as unknown, as for a quoted packet). */
#define PKT_DISSECT_PARTIAL 0x8000u
/* In struct pkt_dissect flags: the layer ends with its header and declared payload, and the bytes the
 * layer below carries after them are that layer's (an ARP message in an Ethernet frame padded to 60
 * bytes: the padding is Ethernet's, RFC 894), not part of this one. */
#define PKT_DISSECT_ENDS_HERE 0x4000u

/* ---- the descriptor ---- */

/*
 * The common form of a header, as data (struct pkt_proto's @fast). When a layer's bytes have this
 * form, the engine records its header length, payload length and next layer itself and does not call
 * the dissect hook; when any check fails it calls the hook, which stays the authority. So a fast form
 * must accept only headers the hook dissects to the same length, payload and next layer with no
 * flags: Ethernet II (not 802.3), 802.1Q, IPv4 without options and not a fragment, IPv6, UDP, TCP
 * without options or with timestamps alone, a DNS message captured whole. Why: the hook's interface
 * (a view and a result in memory, an indirect call) cost more than these headers' own work
 * (tests/bench/README.md). The header is min_hdr_len bytes (or opt_len more, see below).
 */
enum pkt_fast_key {
        PKT_FAST_NONE,  /* no fast form: always the hook */
        PKT_FAST_KEY8,  /* next layer: the byte at key_off in key_space */
        PKT_FAST_KEY16, /* next layer: the big-endian 16 bits at key_off, if >= key_min */
        PKT_FAST_PORTS, /* next layer: two 16-bit ports at key_off, the lower first (pkt_port_lookup) */
        /* No next layer: the header is the whole layer as reported (a DNS message), fast when all of it
         * is captured. Flags are not read. */
        PKT_FAST_WHOLE,
};

enum pkt_fast_flags {
        PKT_FAST_MATCH = 1u << 0,   /* b[match_off] & match_mask must equal match_val */
        PKT_FAST_LEN = 1u << 1,     /* a 16-bit length at len_off gives the payload; 0 is never fast */
        PKT_FAST_LEN_HDR = 1u << 2, /* that length counts the header too (IPv4 total, UDP length) */
        PKT_FAST_ZERO = 1u << 3,    /* the 16 bits at zero_off masked by zero_mask must be 0 */
        /* The layer ends with its header and the payload the length gives (PKT_DISSECT_ENDS_HERE):
         * bytes after them are the lower layer's trailer. Needs PKT_FAST_LEN. */
        PKT_FAST_ENDS_HERE = 1u << 4,
};

struct pkt_fast {
        uint8_t key;       /* enum pkt_fast_key */
        uint8_t flags;     /* enum pkt_fast_flags */
        uint8_t key_space; /* enum pkt_key_space */
        uint8_t key_off;
        uint16_t key_min;
        uint8_t match_off;
        uint8_t match_mask;
        uint8_t match_val;
        uint8_t len_off;
        uint8_t zero_off;
        uint16_t zero_mask;
        /* A header opt_len bytes longer is fast too when b[match_off] & match_mask equals opt_val and
         * its options start with the 4 bytes of opt_prefix, a layout they settle: TCP's NOP, NOP,
         * timestamps (RFC 7323 Appendix A). Needs PKT_FAST_MATCH; opt_len 0: none. */
        uint8_t opt_val;
        uint8_t opt_len;
        uint8_t opt_prefix[4];
};

/* A fast form compiled (struct pkt_proto's fast_step): dissects the last layer @l of @p, which is in
 * its protocol, and records the next in @l[1] (which must exist). Returns the next layer's protocol,
 * PKT_FAST_STEP_END when the layer has no payload (@l[1] is then scratch), or 0 having changed
 * nothing when the header is not in the form. */
#define PKT_FAST_STEP_END PKT_PROTO_MAX
typedef unsigned (*pkt_fast_step_fn)(struct pkt *p, struct pkt_layer *l);

enum pkt_proto_flags {
        PKT_P_CSUM_PAYLOAD = 1u << 0, /* an auto field covers the payload: refresh when an upper layer changes */
        PKT_P_CSUM_PSEUDO = 1u << 1,  /* an auto field covers the lower IP layer's pseudo-header */
        /* The payload quotes another packet, usually cut short (ICMP errors, RFC 792): lengths it
         * claims beyond the quote are truncation, not malformation. */
        PKT_P_QUOTES = 1u << 2,
        /* The dissect hook does not walk the elements (DNS: the header is the whole message, found in
         * O(1)); the element iterator checks them instead. pkt_elem_next() ORs a damaged element's
         * TRUNCATED/MALFORMED into the layer's flags, also when the iterator flags @e and returns 0
         * (a set it cannot reach), and pkt_visit() walks the sets before it reports the layer. */
        PKT_P_LAZY_ELEMS = 1u << 3,
        /* The heuristic is distinctive enough to be asked on system ports (below 1024) too: a TLS
         * record header on an implicit-TLS port (465, 853, 993, ...), DNS on UDP 443. Without it a
         * system port belongs to its IANA service and is never guessed. */
        PKT_P_GUESS_SYSTEM_PORTS = 1u << 4,
        /* Reached only through another protocol's dispatch hook (NTP's control messages through
         * NTP's): its carriers say what carries it when built (UDP 123), but are not registered,
         * since the dispatching protocol holds those keys. */
        PKT_P_DISPATCHED = 1u << 5,
        /* A message of this protocol is not whole without the layer its header selects (ICMP's and
         * ICMPv6's body: an echo's identifier and sequence, an error's unused word): a built packet
         * with such a layer on top gets that layer, with its defaults, when it is serialised, so that
         * `icmp()` alone is the echo request scapy's ICMP() is. */
        PKT_P_NEEDS_NEXT = 1u << 6,
};

struct pkt_proto {
        const char *name;          /* pypacker class name in lower case */
        const char *const *aliases; /* other names, NULL-terminated, or NULL */
        const char *summary;       /* one line: what it is, and the RFC */
        uint16_t id;               /* enum pkt_proto_id for built-ins; set on registration otherwise */
        uint16_t flags;            /* enum pkt_proto_flags */
        uint16_t min_hdr_len;      /* bytes every header has; the default header's size */
        uint16_t n_fields;
        const struct pkt_field *fields;
        const struct pkt_elem_set *elems; /* repeated elements, or NULL */
        uint8_t n_elems;
        /* Keys that select this protocol, PKT_KEY_END-terminated (PKT_KEY_GUESSED: none, but the
         * heuristic is asked in that space). */
        const struct pkt_key *carriers;
        /* The actual header length, payload length and next layer. NULL: min_hdr_len, the rest, raw. */
        void (*dissect)(const struct pkt_view *v, struct pkt_dissect *d);
        /* Refreshes auto fields of layer @idx of a packet being serialised. Use pkt_auto_set(). */
        int (*update)(struct pkt *p, unsigned idx);
        /* Compares this layer of two packets: a mask of enum pkt_direction. */
        unsigned (*direction)(const struct pkt_view *a, const struct pkt_view *b);
        /* Swaps source and destination in place. */
        void (*reverse)(uint8_t *hdr, size_t len);
        /* Does layer @ri of @req get answered by layer @pi of @rep? */
        bool (*answers)(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi);
        /* Encodes one element of set @set from "name=value,..." text into @out (at most @size bytes)
         * and says where in the header it goes (*@ret_at, from the layer start; the end of the header
         * unless the set is followed by another). Returns the element length, -EINVAL or -EMSGSIZE. */
        int (*elem_build)(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                          uint8_t *out, size_t size, uint32_t *ret_at);
        /* Called by pkt_elem_add() once an element built by elem_build is in place in set @set of layer
         * @idx, for layers whose header counts its elements (DNS sections): bump the count there, with
         * pkt_auto_set(). Optional. Returns 0 or -errno. */
        int (*elem_added)(struct pkt *p, unsigned idx, unsigned set);
        /* Bytes of the header pkt_push() writes from the defaults, when a built layer should have more
         * than every header has (ARP: the 28-byte Ethernet/IPv4 form of a header whose fixed part is 8
         * bytes). 0: min_hdr_len. */
        uint16_t def_hdr_len;
        /* The common form of the header, dissected without calling @dissect (see struct pkt_fast).
         * Every offset it names must lie within min_hdr_len, which must not be 0 unless the form is
         * PKT_FAST_WHOLE. Optional. */
        struct pkt_fast fast;
        /* @fast compiled, for built-in protocols only: their files make it from the same initializer
         * with PKT_FAST_STEP() (layers/src/internal.h), so that the table's checks become constants.
         * A protocol registered at run time leaves it NULL; the engine then reads @fast. */
        pkt_fast_step_fn fast_step;
        /* What this protocol knowingly leaves raw (one short sentence: "LSA bodies beyond the
         * header"), for `pktctl protocols NAME` and docs/protocols.md; NULL when nothing is known to
         * be missing. Documentation only: the engine never reads it. */
        const char *not_dissected;
        /* Does @v, a transport's payload that no registered port claims, look like this protocol
         * (Wireshark's heuristic dissectors)? Asked, in registration order, about the payload of a
         * TCP or UDP segment whose port space holds one of the protocol's carriers and whose ports
         * select nothing (both 1024 or above, unless PKT_P_GUESS_SYSTEM_PORTS); the first yes
         * dissects the payload as this protocol.
         * Only the captured bytes are there to look at: the answer must be cheap and must not fail
         * on a short payload. Optional. */
        bool (*heuristic)(const struct pkt_view *v);
        /* Which protocol these bytes are, when one key selects a family of messages that differ from
         * the first byte on (scapy's dispatch_hook): NTP's mode 6 and 7 messages are not NTP headers
         * but ntpctrl and ntppriv. Asked before the header is dissected, with at least one byte
         * captured; returns @v->proto for its own messages or a protocol flagged PKT_P_DISPATCHED,
         * which then dissects the layer instead. A protocol with this hook has no fast form.
         * Optional. */
        unsigned (*dispatch)(const struct pkt_view *v);
        /* A protocol whose update hook re-encodes the layer (DNS compresses its names, RFC 1035 4.1.4)
         * may let a layer be kept as written instead: the name of that switch in specs and JSON
         * ("compress"; `dns(compress=no)` sets the layer's PKT_LAYER_AS_WRITTEN). NULL: none. */
        const char *encoding_switch;
        /* Are the bytes of layer @idx, as parsed, other than what the update hook would make of them
         * (names left uncompressed where they could be)? Then the JSON of it carries the switch off,
         * so that it builds back as it came. Optional, with @encoding_switch only. */
        bool (*is_as_written)(struct pkt *p, unsigned idx);
};

/*
 * Registers protocol @proto (which must stay valid for the life of the process) and the keys in its
 * carriers. Built-ins are registered before main(). Not thread-safe: register at start-up.
 * Returns the protocol id, -EEXIST (name taken), -ENOSPC (all PKT_PROTO_MAX - 1 ids taken: the engine
 * keeps the last), -EINVAL.
 */
int pkt_proto_register(struct pkt_proto *proto);

/* Makes @value in @space select protocol @id (replacing what was there). Returns 0 or -EINVAL. */
int pkt_key_register(enum pkt_key_space space, uint32_t value, unsigned id);

/* The descriptor of protocol @id, or NULL. */
const struct pkt_proto *pkt_proto_get(unsigned id);

/* ---- helpers for hooks ---- */

/* One argument of a spec element: "key=value", or a positional "value" (empty key). @value is the
 * argument's text, NUL-terminated: while the engine builds, in a store that lasts as long (see
 * pkt_spec_split()), so arguments may be copied freely; called elsewhere, in @short_value, so a copy
 * shares its original's text. */
struct pkt_spec_arg {
        char key[64]; /* field names are shorter (the longest, SSH's, are 46 bytes) */
        const char *value;
        char short_value[512];
};

/*
 * Splits element text "name(key=value,value,...)" or "name" (as element builders receive it) into the
 * name and up to @max arguments; quoted values keep their quotes. While the engine builds (in an
 * element build hook, or a layer of pkt_build()), values of any length live until the outermost build
 * returns. Called elsewhere, a value must fit @short_value. Returns the number of arguments, -EINVAL
 * (syntax), -E2BIG (more than @max, or a part too long) or -ENOMEM.
 */
int pkt_spec_split(const char *text, char *name, size_t name_size, struct pkt_spec_arg *args, unsigned max);

/* The value of argument @key among @args, or of the @i-th when it has no key (@i -1: by key only);
 * NULL when absent. */
const char *pkt_spec_arg(const struct pkt_spec_arg *args, int n, const char *key, int i);

/* Encodes field @f (byte-aligned) from @text as pkt_spec_value() does, or its integer default when
 * @text is NULL. Returns the bytes written, -EINVAL (no default for a bytes field), -ERANGE, -EMSGSIZE. */
int pkt_spec_field(const struct pkt_field *f, const char *text, uint8_t *out, size_t size);

/* Copies the arguments whose key is none of @keys (NULL-terminated) to @out; returns how many. */
int pkt_spec_args_without(const struct pkt_spec_arg *args, int n, const char *const *keys,
                          struct pkt_spec_arg *out);

/* Encodes @n_fields fields from @args, each from the argument of its name, or the one at its place
 * without a name, or its default (a variable field without a value is empty; a PKT_FF_COUNTED field's
 * count, not given, is its length); fields narrower than a byte are packed, most significant bit
 * first, one after the other in table order (offsets are not read: a table may be the tail of
 * another's, and reserved bits need a field of their own). Returns the bytes
 * written, -ENOENT (an argument names no field), -EINVAL (a value, or a non-integer field off a byte
 * boundary), -ERANGE, -EMSGSIZE. */
int pkt_spec_encode(const struct pkt_field *fields, unsigned n_fields, const struct pkt_spec_arg *args, int n,
                    uint8_t *out, size_t size);

/* The next item of an element list "[a(..), b, ...]" (a value as pkt_spec_split() gives it), from
 * *@pos (1 at the start, after the "["), copied without surrounding blanks into @item; *@pos moves past
 * it. Returns 1 for an item (empty between two commas), 0 at the closing "]", -EINVAL on bad syntax,
 * a list without its "]" or an item longer than @size - 1 (an item is never longer than its list).
 * For element builders whose elements nest. */
int pkt_spec_list_item(const char *list, size_t *pos, char *item, size_t size);

/* Encodes @text as a value of field @f (as pkt_field_set_str() parses it) into @out, in the field's
 * wire width (bit fields: the value in *@ret_u). Returns the byte length, -EINVAL or -ERANGE. */
int pkt_spec_value(const struct pkt_field *f, const char *text, uint64_t *ret_u, uint8_t *out, size_t size);


/* Sets auto field @field (index) of layer @idx unless the user set it explicitly. Returns 0 or -errno. */
int pkt_auto_set(struct pkt *p, unsigned idx, unsigned field, uint64_t value);

/* Sets type field @field (index) of layer @idx to the first value in @space that selects the layer above,
 * unless the user set it or its current value already selects that layer (an ICMP echo reply stays a
 * reply; a fresh echo gets its first carrier, a request). Returns 0 or -errno. */
int pkt_auto_set_next_type(struct pkt *p, unsigned idx, unsigned field, enum pkt_key_space space);

/* Sets port field @field (index; the destination port) of layer @idx, whose header starts with its
 * source and destination ports (TCP, UDP), to the first port in @space that selects the layer above,
 * when it is still 0 (its default), the user did not set it, and neither port selects that layer
 * already: `udp()/dns()` goes to port 53, as scapy sends UDP()/DNS(), while `udp(sport=53)/dns()`
 * stays a response. Returns 0 or -errno. */
int pkt_auto_set_port(struct pkt *p, unsigned idx, unsigned field, enum pkt_key_space space);

/* Header bytes of layer @idx, writable during update hooks. */
uint8_t *pkt_layer_bytes_mut(struct pkt *p, unsigned idx);


/* Internet checksum (RFC 1071) helpers. pkt_csum_add() sums into a 32-bit accumulator; fold at the end. */
uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t pkt_csum_fold(uint32_t sum);

/* Pseudo-header sum (RFC 768 / RFC 8200 8.1) for layer @idx over the nearest IPv4/IPv6 layer below it,
 * for upper protocol @ip_proto and upper length @len. Returns 0 and sets *@ret, or -ENOENT (no IP). */
int pkt_csum_pseudo(struct pkt *p, unsigned idx, uint8_t ip_proto, uint32_t len, uint32_t *ret);

/* Bounds-checked reads: return false (and leave *ret alone) unless @len - @off covers the value. */
static inline bool
pkt_rd_u8(const struct pkt_view *v, uint32_t off, uint8_t *ret)
{
        if (off >= v->caplen)
                return false;
        *ret = v->b[off];
        return true;
}

static inline bool
pkt_rd_be16(const struct pkt_view *v, uint32_t off, uint16_t *ret)
{
        if (v->caplen < 2 || off > v->caplen - 2)
                return false;
        *ret = (uint16_t)(v->b[off] << 8 | v->b[off + 1]);
        return true;
}

static inline bool
pkt_rd_be32(const struct pkt_view *v, uint32_t off, uint32_t *ret)
{
        if (v->caplen < 4 || off > v->caplen - 4)
                return false;
        *ret = (uint32_t)v->b[off] << 24 | (uint32_t)v->b[off + 1] << 16 | (uint32_t)v->b[off + 2] << 8 |
               v->b[off + 3];
        return true;
}

static inline bool
pkt_rd_le16(const struct pkt_view *v, uint32_t off, uint16_t *ret)
{
        if (v->caplen < 2 || off > v->caplen - 2)
                return false;
        *ret = (uint16_t)(v->b[off + 1] << 8 | v->b[off]);
        return true;
}

static inline bool
pkt_rd_le32(const struct pkt_view *v, uint32_t off, uint32_t *ret)
{
        if (v->caplen < 4 || off > v->caplen - 4)
                return false;
        *ret = (uint32_t)v->b[off + 3] << 24 | (uint32_t)v->b[off + 2] << 16 |
               (uint32_t)v->b[off + 1] << 8 | v->b[off];
        return true;
}

/* True when @len bytes at @off are captured. */
static inline bool
pkt_rd_has(const struct pkt_view *v, uint32_t off, uint32_t len)
{
        return len <= v->caplen && off <= v->caplen - len;
}

#ifdef __cplusplus
}
#endif

#endif
