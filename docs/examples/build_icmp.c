/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Example: build IP/ICMP/echo/payload, as pypacker's
 *   IP(src_s="127.0.0.1", dst_s="192.168.0.1", p=1) + ICMP(type=8) + ICMP.Echo(id=123, seq=1, body_bytes=b"foobar")
 * then print it and its bytes. Lengths and both checksums are computed on serialise.
 * (The addresses are the ones of pypacker's example; nothing is sent.)
 */
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>

static int
to_stdout(void *ctx, const char *text, size_t len)
{
        (void)ctx;
        return fwrite(text, 1, len, stdout) == len ? 0 : -1;
}

int
main(void)
{
        struct pkt p;
        const uint8_t *bytes;
        char err[256];
        int len;

        pkt_init(&p);
        /* Layer by layer, as with pypacker's "+": push, then set fields by name. */
        if (pkt_push(&p, PKT_PROTO_IP) < 0 || pkt_field_set_str(&p, 0, "src", "127.0.0.1") < 0 ||
            pkt_field_set_str(&p, 0, "dst", "192.168.0.1") < 0 || pkt_field_set_u64(&p, 0, "p", 1) < 0 ||
            pkt_push(&p, PKT_PROTO_ICMP) < 0 || pkt_field_set_u64(&p, 1, "type", 8) < 0 ||
            pkt_push(&p, PKT_PROTO_ICMP_ECHO) < 0 || pkt_field_set_u64(&p, 2, "id", 123) < 0 ||
            pkt_field_set_u64(&p, 2, "seq", 1) < 0 || pkt_push_raw(&p, "foobar", 6) < 0) {
                fprintf(stderr, "build failed\n");
                return 1;
        }
        len = pkt_serialize(&p, 0, &bytes);
        if (len < 0)
                return 1;
        pkt_print(&p, to_stdout, NULL);
        pkt_hexdump(bytes, (size_t)len, to_stdout, NULL);

        /* The same packet from the text spec gives the same bytes. */
        struct pkt q;
        const uint8_t *qb;
        pkt_init(&q);
        if (pkt_build(&q, "ip(src=127.0.0.1,dst=192.168.0.1,p=1)/icmp(type=8)/echo(id=123,seq=1)/raw(\"foobar\")",
                      err, sizeof(err)) < 0) {
                fprintf(stderr, "spec: %s\n", err);
                return 1;
        }
        int qlen = pkt_serialize(&q, 0, &qb);
        int is_same = qlen == len && memcmp(qb, bytes, (size_t)len) == 0;
        printf("spec and push agree: %s\n", is_same ? "yes" : "NO");
        pkt_done(&q);
        pkt_done(&p);
        return is_same && len == 20 + 4 + 4 + 6 ? 0 : 1;
}
