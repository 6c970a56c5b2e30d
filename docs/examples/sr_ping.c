/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Example: ping with send-and-receive, as pypacker's SocketHndl.sr() or scapy's
 *   sr(IP(dst="127.0.0.1")/ICMP(id=0x5044, seq=[1, 2, 3]), timeout=1)
 * and print each answer with its round-trip time, like ping does.
 *
 * It needs root: it enters a network namespace of its own (so nothing it sends can leave the
 * machine), brings its loopback up, and pings 127.0.0.1 through a layer-3 socket on "lo". Without
 * root it exits 77, which the test runner counts as skipped. (The command-line arguments the
 * examples' test runner passes are not used.)
 */
#define _GNU_SOURCE
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pkt/pkt.h>
#include <pkt/sock.h>

#define N_PROBES 3

/* A fresh namespace's loopback is down. */
static int
loopback_up(void)
{
        struct ifreq ifr = { 0 };
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        int r = -1;

        if (fd < 0)
                return -1;
        strcpy(ifr.ifr_name, "lo");
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
                ifr.ifr_flags |= IFF_UP;
                r = ioctl(fd, SIOCSIFFLAGS, &ifr);
        }
        close(fd);
        return r;
}

int
main(void)
{
        struct pkt probes[N_PROBES], *pp[N_PROBES];
        struct pkt_sr_opts opts = { .timeout_ms = 1000, .retry = 1 };
        struct pkt_sr_result res;
        struct pkt_sock *s = NULL;
        char spec[128], err[256];
        int r;

        if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
                printf("skipped: needs root to make a network namespace\n");
                return 77;
        }
        if (loopback_up() < 0 || pkt_sock_open("lo", PKT_SOCK_L3_IPV4, &s) < 0) {
                fprintf(stderr, "cannot set up the loopback\n");
                return 1;
        }

        /* Three echo requests; ip's lengths, id and checksum and icmp's checksum are computed. */
        for (unsigned i = 0; i < N_PROBES; i++) {
                pkt_init(&probes[i]);
                snprintf(spec, sizeof(spec),
                         "ip(src=127.0.0.1,dst=127.0.0.1)/icmp()/echo(id=0x5044,seq=%u)/"
                         "raw(\"sr_ping\")",
                         i + 1);
                if (pkt_build(&probes[i], spec, err, sizeof(err)) < 0) {
                        fprintf(stderr, "%s: %s\n", spec, err);
                        return 1;
                }
                pp[i] = &probes[i];
        }

        /* Sends all three, waits up to a second after the last, resends the unanswered once. The
         * kernel's copies of our own requests come back on the socket too; they answer nothing. */
        r = pkt_sock_sr(s, pp, N_PROBES, &opts, &res);
        if (r < 0) {
                fprintf(stderr, "sr: %s\n", strerror(-r));
                return 1;
        }
        for (size_t i = 0; i < res.n_answers; i++) {
                const struct pkt_sr_answer *a = &res.answers[i];
                struct pkt reply;
                char src[64] = "?";
                uint64_t seq = 0;

                /* The reply was captured with its link header (lo has an all-zero Ethernet one). */
                pkt_init(&reply);
                pkt_parse(&reply, a->first_proto, a->data, a->len, a->wire_len);
                int ip = pkt_layer_find(&reply, PKT_PROTO_IP, 0);
                int echo = pkt_layer_find(&reply, PKT_PROTO_ICMP_ECHO, 0);
                if (ip >= 0)
                        pkt_field_get_str(&reply, (unsigned)ip, "src", src, sizeof(src));
                if (echo >= 0)
                        pkt_field_get_u64(&reply, (unsigned)echo, "seq", &seq);
                printf("%u bytes from %s: icmp_seq=%llu time=%.3f ms\n", a->len, src,
                       (unsigned long long)seq, (double)a->rtt_ns / 1e6);
                pkt_done(&reply);
        }
        printf("%u probes sent, %zu answered, %zu unanswered, %llu sends\n", N_PROBES,
               res.n_answers, res.n_unanswered, (unsigned long long)res.n_sent);

        r = res.n_answers == N_PROBES ? 0 : 1;
        pkt_sr_result_done(&res);
        for (unsigned i = 0; i < N_PROBES; i++)
                pkt_done(&probes[i]);
        pkt_sock_free(s);
        return r;
}
