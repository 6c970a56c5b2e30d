/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Secure Shell transport (RFC 4253) on TCP port 22, as far as it is in clear: the identification
 * lines, the key exchange's KEXINIT (what the peers offer: the algorithm lists HASSH fingerprints),
 * NEWKEYS, and the other messages sent before the keys; after NEWKEYS, packets are opaque.
 *
 * A segment is one of four forms, which the dispatch hook of "ssh" tells apart by its first bytes
 * (scapy's dispatch_hook; tshark decides with the connection's state, a packet view has only its bytes):
 *
 *   sshbanner     "SSH-2.0-OpenSSH_9.6\r\n" (RFC 4253 4.2): the line, without its end, is "protocol",
 *                 and "line_end" is its end (a bare LF from some senders)
 *   sshkexinit    a binary packet whose message is KEXINIT (RFC 4253 7.1)
 *   sshnewkeys    a binary packet whose message is NEWKEYS
 *   ssh           any other binary packet in clear (RFC 4253 6):
 *                   uint32 packet_length, byte padding_length, byte msg_code, the message as payload,
 *                   padding_length bytes of padding
 *   sshencrypted  what is no packet in clear: its bytes, the encrypted length first
 *
 * A binary packet is in clear when its lengths are what a sender writes before encryption: at least 4
 * bytes of padding, the packet a multiple of 8 bytes (RFC 4253 6), no longer than 256 KiB (OpenSSH's
 * limit) and within the segment; a random encrypted length passes by chance about once in 10^6.
 * Field names are tshark's (ssh.*). A segment may carry several packets, or the identification and a
 * packet: each is a layer. Built, the lengths follow the packet and
 * a packet without padding given gets 4 to 11 zero bytes of it, as RFC 4253 6 asks.
 */
#include <string.h>

#include "internal.h"

enum {
        SSH_PORT = 22,
        LEN_SZ = 4,
        PACKET_HDR_LEN = 6,  /* packet_length, padding_length, msg_code */
        MIN_PADDING = 4,     /* RFC 4253 6 */
        BLOCK = 8,           /* the packet is a multiple of the cipher block or 8 (RFC 4253 6) */
        PACKET_MAX = 262144, /* OpenSSH's PACKET_MAX_SIZE: RFC 4253 6.1 asks for 35000 at least */
        COOKIE_LEN = 16,
        NAME_LISTS = 10,
        KEXINIT_TAIL_LEN = 1 + 4, /* first_kex_packet_follows, reserved */
        MSG_KEXINIT = 20,
        MSG_NEWKEYS = 21,
        F_PACKET_LENGTH = 0,
        F_PADDING_LENGTH = 1,
};

/* clang-format off */
/* RFC 4250 4.1.2, RFC 4419 (group exchange), RFC 5656 (ECDH shares 30 and 31), RFC 8308 (EXT_INFO). */
static const struct pkt_name msg_names[] = {
        { 1, "DISCONNECT" }, { 2, "IGNORE" }, { 3, "UNIMPLEMENTED" }, { 4, "DEBUG" },
        { 5, "SERVICE_REQUEST" }, { 6, "SERVICE_ACCEPT" }, { 7, "EXT_INFO" }, { MSG_KEXINIT, "KEXINIT" },
        { MSG_NEWKEYS, "NEWKEYS" }, { 30, "KEXDH_INIT" }, { 31, "KEXDH_REPLY" }, { 32, "KEX_DH_GEX_INIT" },
        { 33, "KEX_DH_GEX_REPLY" }, { 34, "KEX_DH_GEX_REQUEST" }, { 50, "USERAUTH_REQUEST" },
        { 51, "USERAUTH_FAILURE" }, { 52, "USERAUTH_SUCCESS" }, { 53, "USERAUTH_BANNER" },
        { 60, "USERAUTH_PK_OK" }, { 80, "GLOBAL_REQUEST" }, { 81, "REQUEST_SUCCESS" },
        { 82, "REQUEST_FAILURE" }, { 90, "CHANNEL_OPEN" }, { 91, "CHANNEL_OPEN_CONFIRMATION" },
        { 92, "CHANNEL_OPEN_FAILURE" }, { 93, "CHANNEL_WINDOW_ADJUST" }, { 94, "CHANNEL_DATA" },
        { 95, "CHANNEL_EXTENDED_DATA" }, { 96, "CHANNEL_EOF" }, { 97, "CHANNEL_CLOSE" },
        { 98, "CHANNEL_REQUEST" }, { 99, "CHANNEL_SUCCESS" }, { 100, "CHANNEL_FAILURE" }, { 0, NULL },
};

#define PACKET_HEAD(code)                                                                                \
        { .name = "packet_length",  .off = 0,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },  \
        { .name = "padding_length", .off = 32, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },  \
        { .name = "msg_code",       .off = 40, .bits = 8,  .type = PKT_FT_ENUM, .names = msg_names, .def = (code) }
#define PADDING { .name = "padding_string", .off = PKT_OFF_FOLLOW, .bits = 0, .type = PKT_FT_BYTES }
#define NAME_LIST(n)                                                                                     \
        { .name = n "_length", .off = PKT_OFF_FOLLOW, .bits = 32, .type = PKT_FT_UINT },                 \
        { .name = n,           .off = PKT_OFF_FOLLOW, .bits = 0,  .type = PKT_FT_STRING, .flags = PKT_FF_COUNTED }

/* The message after its code, then its padding: padding_length counts the bytes after the payload. */
static const struct pkt_field ssh_fields[] = {
        PACKET_HEAD(2), /* IGNORE: what a packet with nothing else to say is */
        { .name = "payload", .off = 48, .bits = 0, .type = PKT_FT_BYTES, .flags = PKT_FF_TAIL_COUNTED,
          .tail = F_PADDING_LENGTH },
        PADDING,
};

static const struct pkt_field kexinit_fields[] = {
        PACKET_HEAD(MSG_KEXINIT),
        { .name = "cookie", .off = 48, .bits = 8 * COOKIE_LEN, .type = PKT_FT_BYTES },
        NAME_LIST("kex_algorithms"),
        NAME_LIST("server_host_key_algorithms"),
        NAME_LIST("encryption_algorithms_client_to_server"),
        NAME_LIST("encryption_algorithms_server_to_client"),
        NAME_LIST("mac_algorithms_client_to_server"),
        NAME_LIST("mac_algorithms_server_to_client"),
        NAME_LIST("compression_algorithms_client_to_server"),
        NAME_LIST("compression_algorithms_server_to_client"),
        NAME_LIST("languages_client_to_server"),
        NAME_LIST("languages_server_to_client"),
        { .name = "first_kex_packet_follows", .off = PKT_OFF_FOLLOW, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "reserved",                 .off = PKT_OFF_FOLLOW, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        PADDING,
};

static const struct pkt_field newkeys_fields[] = {
        PACKET_HEAD(MSG_NEWKEYS),
        PADDING,
};

static const struct pkt_field banner_fields[] = {
        { .name = "protocol", .off = 0, .bits = 0, .type = PKT_FT_STRING, .flags = PKT_FF_DELIM, .def_bytes = "\r\n" },
        { .name = "line_end", .off = PKT_OFF_FOLLOW, .bits = 0, .type = PKT_FT_STRING, .flags = PKT_FF_LINE_END },
};
enum { F_LINE_END = 1 };

/* All of it, the encrypted length too: a segment may end anywhere in a packet, even in its length. */
static const struct pkt_field encrypted_fields[] = {
        { .name = "encrypted_packet", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

/* Is the segment at @v, from its start, an identification line? */
static bool
is_banner(const struct pkt_view *v)
{
        return v->caplen >= 4 && memcmp(v->b, "SSH-", 4) == 0;
}

/* Is the segment at @v, from its start, a binary packet in clear (see the top)? */
static bool
is_clear_packet(const struct pkt_view *v)
{
        uint32_t len;

        if (v->caplen < PACKET_HDR_LEN || !pkt_rd_be32(v, 0, &len))
                return false;
        uint8_t padding = v->b[4], code = v->b[5];
        return len <= PACKET_MAX && padding >= MIN_PADDING && (uint32_t)padding + 2 <= len &&
               (len + LEN_SZ) % BLOCK == 0 && len <= v->wire_len - LEN_SZ && code != 0;
}

static unsigned
ssh_dispatch(const struct pkt_view *v)
{
        if (is_banner(v))
                return PKT_PROTO_SSH_BANNER;
        if (!is_clear_packet(v))
                return PKT_PROTO_SSH_ENCRYPTED;
        switch (v->b[5]) {
        case MSG_KEXINIT:
                return PKT_PROTO_SSH_KEXINIT;
        case MSG_NEWKEYS:
                return PKT_PROTO_SSH_NEWKEYS;
        default:
                return v->proto;
        }
}

/* What follows the header in the segment: the next packet (the dispatch says which form). */
static void
next_packet(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->next = d->hdr_len < v->wire_len ? PKT_PROTO_SSH : PKT_PROTO_NONE;
}

/* A packet in clear is its length field and what that counts. The dispatch checked the lengths; a
 * layer dissected as this form from the start (pkt_parse()) was not: lengths that contradict each
 * other or the segment are malformed. */
static void
packet_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = 0;

        pkt_rd_be32(v, 0, &len); /* within min_hdr_len */
        uint64_t end = (uint64_t)LEN_SZ + len;
        d->hdr_len = (uint32_t)MIN(end, (uint64_t)v->wire_len + 1); /* past the segment: malformed */
        if ((uint32_t)v->b[4] + 2 > len)
                d->flags |= PKT_LAYER_MALFORMED;
        next_packet(v, d);
}

/* KEXINIT: the ten name-lists and what follows them must end where the padding starts. */
static void
kexinit_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = 0, n;

        packet_dissect(v, d);
        if (d->flags & PKT_LAYER_MALFORMED)
                return;
        pkt_rd_be32(v, 0, &len);
        uint32_t end = LEN_SZ + len - v->b[4], pos = PACKET_HDR_LEN + COOKIE_LEN;
        for (unsigned i = 0; i < NAME_LISTS; i++) {
                if (pos > end || end - pos < LEN_SZ) {
                        d->flags |= PKT_LAYER_MALFORMED;
                        return;
                }
                if (!pkt_rd_be32(v, pos, &n))
                        return; /* cut by the capture: truncated, no more to tell */
                pos += LEN_SZ;
                if (n > end - pos) {
                        d->flags |= PKT_LAYER_MALFORMED;
                        return;
                }
                pos += n;
        }
        if (end - pos < KEXINIT_TAIL_LEN)
                d->flags |= PKT_LAYER_MALFORMED;
}

/* The identification line, to its line end (RFC 4253 4.2: CR LF, a bare LF accepted as OpenSSH does). */
static void
banner_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const uint8_t *lf = memchr(v->b, '\n', v->caplen);

        /* No line end captured: the capture cut the line (truncated), or the segment ends in it. */
        d->hdr_len = lf ? (uint32_t)(lf - v->b) + 1 : v->caplen + (v->caplen < v->wire_len);
        next_packet(v, d);
}

static void
encrypted_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
}

/* The padding a built packet needs (RFC 4253 6): at least 4 bytes, the packet a multiple of 8. */
static uint32_t
padding_for(uint32_t unpadded)
{
        uint32_t pad = BLOCK - unpadded % BLOCK;

        return pad < MIN_PADDING ? pad + BLOCK : pad;
}

/*
 * A new packet (built, its padding length still 0) gets its padding, zeros, at the end; given
 * padding (padding_string, every form's last field) is counted as it is. Then both lengths follow the
 * packet, unless set.
 */
static int
packet_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        const struct pkt_proto *pr = pkt_proto_get(l->proto);
        unsigned last = pr->n_fields - 1u;
        int r;

        if ((p->flags & PKT_F_OWNED) && !(l->set_mask & (UINT64_C(1) << F_PADDING_LENGTH)) &&
            l->hdr_len >= PACKET_HDR_LEN) {
                static const uint8_t zeros[BLOCK + MIN_PADDING];
                uint32_t pad = p->data[l->off + 4];
                struct field_loc loc;
                if ((l->set_mask & (UINT64_C(1) << last)) &&
                    pkt_field_locate(p->data + l->off, l->hdr_len, pr->fields, last, &loc) == 0) {
                        pad = loc.bits / 8;
                } else if (pad == 0) {
                        pad = padding_for(l->hdr_len);
                        if ((r = pkt_layer_splice(p, idx, l->hdr_len, 0, zeros, pad)) < 0)
                                return r;
                }
                if ((r = pkt_auto_set(p, idx, F_PADDING_LENGTH, pad)) < 0)
                        return r;
        }
        return pkt_auto_set(p, idx, F_PACKET_LENGTH, p->layers[idx].hdr_len - LEN_SZ);
}

/* Ends a built identification line with CR LF, unless its line end was given (a bare LF, or none). */
static int
banner_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        if (!(p->flags & PKT_F_RESIZED) || l->hdr_len == 0 || (l->set_mask & (UINT64_C(1) << F_LINE_END)) ||
            p->data[l->off + l->hdr_len - 1] == '\n')
                return 0;
        return pkt_layer_splice(p, idx, l->hdr_len, 0, "\r\n", 2);
}

/* A segment on a port nobody registered that starts "SSH-2.0-" or "SSH-1.99-" (RFC 4253 5.1). */
static bool
ssh_heuristic(const struct pkt_view *v)
{
        return v->caplen >= 8 && (memcmp(v->b, "SSH-2.0-", 8) == 0 ||
                                  (v->caplen >= 9 && memcmp(v->b, "SSH-1.99-", 9) == 0));
}

/* Port 22; on other ports the heuristic finds a session by its identification line. */
static const struct pkt_key ssh_carriers[] = {
        { PKT_KEY_TCP_PORT, SSH_PORT },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_ssh = {
        .name = "ssh",
        .summary = "Secure Shell transport (RFC 4253): a binary packet in clear",
        .id = PKT_PROTO_SSH,
        .min_hdr_len = PACKET_HDR_LEN,
        .fields = ssh_fields,
        .n_fields = ARRAY_SIZE(ssh_fields),
        .carriers = ssh_carriers,
        .dissect = packet_dissect,
        .update = packet_update,
        .dispatch = ssh_dispatch,
        .heuristic = ssh_heuristic,
        .not_dissected = "The fields of messages other than KEXINIT and NEWKEYS: their payload is bytes",
};

const struct pkt_proto pkt_proto_sshbanner = {
        .name = "sshbanner",
        .summary = "SSH identification line (RFC 4253 4.2)",
        .id = PKT_PROTO_SSH_BANNER,
        .flags = PKT_P_DISPATCHED,
        .min_hdr_len = 0,
        .fields = banner_fields,
        .n_fields = ARRAY_SIZE(banner_fields),
        .carriers = ssh_carriers,
        .dissect = banner_dissect,
        .update = banner_update,
};

const struct pkt_proto pkt_proto_sshkexinit = {
        .name = "sshkexinit",
        .summary = "SSH KEXINIT: the algorithms a peer offers (RFC 4253 7.1)",
        .id = PKT_PROTO_SSH_KEXINIT,
        .flags = PKT_P_DISPATCHED,
        .min_hdr_len = PACKET_HDR_LEN,
        .def_hdr_len = PACKET_HDR_LEN + COOKIE_LEN + NAME_LISTS * LEN_SZ + KEXINIT_TAIL_LEN,
        .fields = kexinit_fields,
        .n_fields = ARRAY_SIZE(kexinit_fields),
        .carriers = ssh_carriers,
        .dissect = kexinit_dissect,
        .update = packet_update,
};

const struct pkt_proto pkt_proto_sshnewkeys = {
        .name = "sshnewkeys",
        .summary = "SSH NEWKEYS: what follows is encrypted (RFC 4253 7.3)",
        .id = PKT_PROTO_SSH_NEWKEYS,
        .flags = PKT_P_DISPATCHED,
        .min_hdr_len = PACKET_HDR_LEN,
        .fields = newkeys_fields,
        .n_fields = ARRAY_SIZE(newkeys_fields),
        .carriers = ssh_carriers,
        .dissect = packet_dissect,
        .update = packet_update,
};

const struct pkt_proto pkt_proto_sshencrypted = {
        .name = "sshencrypted",
        .summary = "SSH packets after NEWKEYS, or any not in clear: opaque",
        .id = PKT_PROTO_SSH_ENCRYPTED,
        .flags = PKT_P_DISPATCHED,
        .min_hdr_len = 0,
        .fields = encrypted_fields,
        .n_fields = ARRAY_SIZE(encrypted_fields),
        .carriers = ssh_carriers,
        .dissect = encrypted_dissect,
};
