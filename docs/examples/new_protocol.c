/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Example: add a protocol at run time — VXLAN (RFC 7348), which libpkt does not know — then build a
 * VXLAN-encapsulated frame from the text spec and dissect it back. docs/new-protocol.md walks through it.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |R|R|R|R|I|R|R|R|            Reserved                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                VXLAN Network Identifier (VNI) |   Reserved    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#include <stdio.h>
#include <string.h>

#include <pkt/proto.h>

/* 1. Value names: the flag bits by name (RFC 7348 5: I = "VNI is valid"). */
static const struct pkt_name vxlan_flag_names[] = {
        { 0x08, "I" },
        { 0, NULL },
};

/* 2. The field table: name, bit offset, bit width, type, flags, names, default. Printing, fields by
 *    name, the spec and JSON all come from this table. */
static const struct pkt_field vxlan_fields[] = {
        { .name = "flags", .off = 0, .bits = 8, .type = PKT_FT_FLAGS, .names = vxlan_flag_names, .def = 0x08 },
        { .name = "reserved1", .off = 8, .bits = 24, .type = PKT_FT_UINT },
        { .name = "vni", .off = 32, .bits = 24, .type = PKT_FT_UINT },
        { .name = "reserved2", .off = 56, .bits = 8, .type = PKT_FT_UINT },
};

/* 3. The dissect hook: header length and next layer. The engine has already checked that the 8 bytes
 *    of min_hdr_len are there; VXLAN always carries an Ethernet frame. */
static void
vxlan_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        (void)v;
        d->hdr_len = 8;
        d->next = PKT_PROTO_ETHERNET;
}

/* 4. What carries it: the IANA-assigned UDP port. */
static const struct pkt_key vxlan_carriers[] = {
        { PKT_KEY_UDP_PORT, 4789 },
        PKT_KEY_END,
};

/* 5. The descriptor. Not const: registration gives it its id. */
static struct pkt_proto vxlan = {
        .name = "vxlan",
        .summary = "Virtual eXtensible LAN (RFC 7348)",
        .min_hdr_len = 8,
        .fields = vxlan_fields,
        .n_fields = sizeof(vxlan_fields) / sizeof(vxlan_fields[0]),
        .carriers = vxlan_carriers,
        .dissect = vxlan_dissect,
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
        char err[256], vni[32];

        int id = pkt_proto_register(&vxlan);
        if (id < 0) {
                fprintf(stderr, "register: %d\n", id);
                return 1;
        }

        /* Build: the new layer name works in the spec at once, and the UDP port need not be given —
         * but to be found again on parse, the port must select it, so set it. */
        pkt_init(&p);
        if (pkt_build(&p,
                      "ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)/ip(src=192.0.2.1,dst=192.0.2.2)/"
                      "udp(sport=49152,dport=4789)/vxlan(vni=42)/"
                      "ethernet(src=02:00:00:00:00:03,dst=02:00:00:00:00:04)/ip(src=198.51.100.1,dst=198.51.100.2)/"
                      "udp(sport=1,dport=2)/raw(\"inner\")",
                      err, sizeof(err)) < 0) {
                fprintf(stderr, "spec: %s\n", err);
                return 1;
        }
        int len = pkt_serialize(&p, 0, &bytes);

        /* Dissect: the registry now sends UDP port 4789 to vxlan, and vxlan to Ethernet. */
        pkt_init(&q);
        pkt_parse(&q, PKT_PROTO_ETHERNET, bytes, (size_t)len, (size_t)len);
        int v = pkt_layer_find(&q, (unsigned)id, 0);
        int inner_ip = v >= 0 ? pkt_layer_find(&q, PKT_PROTO_IP, (unsigned)v) : -1;
        if (v < 0 || inner_ip < 0 || pkt_field_get_str(&q, (unsigned)v, "vni", vni, sizeof(vni)) < 0) {
                fprintf(stderr, "vxlan not dissected\n");
                return 1;
        }
        pkt_print(&q, to_stdout, NULL);
        printf("vni %s, inner IP at layer %d\n", vni, inner_ip);
        pkt_done(&p);
        return strcmp(vni, "42") == 0 && inner_ip == 5 ? 0 : 1;
}
