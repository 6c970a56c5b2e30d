/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Example: add a protocol at run time — Geneve (RFC 8926), which libpkt does not know — then build a
 * Geneve-encapsulated frame from the text spec and dissect it back. docs/new-protocol.md walks through it.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |        Virtual Network Identifier (VNI)       |    Reserved   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ~                    Variable-Length Options                    ~
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pkt/proto.h>

/* 1. Value names: the flag bits by name (RFC 8926 3.4: O = control packet, C = critical options). */
static const struct pkt_name geneve_flag_names[] = {
        { 0x80, "O" },
        { 0x40, "C" },
        { 0, NULL },
};

/* 2. The field table: name, bit offset, bit width, type, flags, names, default. Printing, fields by
 *    name, the spec and JSON all come from this table. "opts" has no width: it runs to the end of the
 *    header, whose length the dissect hook says. */
enum { F_VER, F_OPT_LEN, F_FLAGS, F_PROTO, F_VNI, F_RESERVED, F_OPTS };
static const struct pkt_field geneve_fields[] = {
        { .name = "ver", .off = 0, .bits = 2, .type = PKT_FT_UINT },
        { .name = "opt_len", .off = 2, .bits = 6, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "flags", .off = 8, .bits = 8, .type = PKT_FT_FLAGS, .names = geneve_flag_names },
        { .name = "proto", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX,
          .def = 0x6558 },
        { .name = "vni", .off = 32, .bits = 24, .type = PKT_FT_UINT },
        { .name = "reserved", .off = 56, .bits = 8, .type = PKT_FT_UINT },
        { .name = "opts", .off = 64, .bits = 0, .type = PKT_FT_BYTES },
};

/* 3. The dissect hook: header length and next layer. The engine has already checked that the 8 bytes
 *    of min_hdr_len are there. The options are Opt Len 4-byte words; the protocol type is an ethertype,
 *    which the registry turns into the next layer (0x6558, a whole Ethernet frame, is Ethernet's). */
static void
geneve_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = 8u + 4u * (v->b[0] & 0x3fu);
        d->next = (uint16_t)pkt_key_lookup(PKT_KEY_ETHERTYPE, (uint32_t)(v->b[2] << 8 | v->b[3]));
}

/* 4. Auto fields on serialise: the options' length, and the type of what the layer carries (both only
 *    when the spec did not set them). */
static int
geneve_update(struct pkt *p, unsigned idx)
{
        size_t hdr_len;
        int r;

        if (!pkt_layer_header(p, idx, &hdr_len))
                return -EINVAL;
        if ((r = pkt_auto_set(p, idx, F_OPT_LEN, (hdr_len - 8) / 4)) < 0)
                return r;
        return pkt_auto_set_next_type(p, idx, F_PROTO, PKT_KEY_ETHERTYPE);
}

/* 5. What carries it: the IANA-assigned UDP port. */
static const struct pkt_key geneve_carriers[] = {
        { PKT_KEY_UDP_PORT, 6081 },
        PKT_KEY_END,
};

/* 6. The descriptor. Not const: registration gives it its id. */
static struct pkt_proto geneve = {
        .name = "geneve",
        .summary = "Generic Network Virtualization Encapsulation (RFC 8926)",
        .min_hdr_len = 8,
        .fields = geneve_fields,
        .n_fields = sizeof(geneve_fields) / sizeof(geneve_fields[0]),
        .carriers = geneve_carriers,
        .dissect = geneve_dissect,
        .update = geneve_update,
};

static int
to_stdout(void *ctx, const char *text, size_t len)
{
        (void)ctx;
        return fwrite(text, 1, len, stdout) == len ? 0 : -1;
}

int
main(void)
{
        struct pkt p, q;
        const uint8_t *bytes;
        char err[256], vni[32], opt_len[8];

        int id = pkt_proto_register(&geneve);
        if (id < 0) {
                fprintf(stderr, "register: %d\n", id);
                return 1;
        }

        /* Build: the new layer name works in the spec at once, with one 4-byte option; the UDP port need
         * not be given — but to be found again on parse, the port must select it, so set it. */
        pkt_init(&p);
        if (pkt_build(&p,
                      "ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)/ip(src=192.0.2.1,dst=192.0.2.2)/"
                      "udp(sport=49152,dport=6081)/geneve(vni=42,opts=01020304)/"
                      "ethernet(src=02:00:00:00:00:03,dst=02:00:00:00:00:04)/ip(src=198.51.100.1,dst=198.51.100.2)/"
                      "udp(sport=1,dport=2)/raw(\"inner\")",
                      err, sizeof(err)) < 0) {
                fprintf(stderr, "spec: %s\n", err);
                return 1;
        }
        int len = pkt_serialize(&p, 0, &bytes);

        /* Dissect: the registry now sends UDP port 6081 to geneve, and geneve's 0x6558 to Ethernet. */
        pkt_init(&q);
        pkt_parse(&q, PKT_PROTO_ETHERNET, bytes, (size_t)len, (size_t)len);
        int g = pkt_layer_find(&q, (unsigned)id, 0);
        int inner_ip = g >= 0 ? pkt_layer_find(&q, PKT_PROTO_IP, (unsigned)g) : -1;
        if (g < 0 || inner_ip < 0 || pkt_field_get_str(&q, (unsigned)g, "vni", vni, sizeof(vni)) < 0 ||
            pkt_field_get_str(&q, (unsigned)g, "opt_len", opt_len, sizeof(opt_len)) < 0) {
                fprintf(stderr, "geneve not dissected\n");
                return 1;
        }
        pkt_print(&q, to_stdout, NULL);
        printf("vni %s, %s option word(s), inner IP at layer %d\n", vni, opt_len, inner_ip);
        pkt_done(&p);
        return strcmp(vni, "42") == 0 && strcmp(opt_len, "1") == 0 && inner_ip == 5 ? 0 : 1;
}
