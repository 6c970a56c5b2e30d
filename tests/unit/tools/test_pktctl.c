/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pktctl, the offline CLI, run as a program: read (text, -c, filters, JSON), stats against tshark's
 * protocol hierarchy, build against scapy's bytes, exit codes, and damaged files.
 *
 * Expected values come from tshark 4.0.17 (dissection, -z io,phs) and scapy (building), produced
 * offline; the command that produced each sits beside it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

#define PKTCTL   PKTD_BINARY_DIR "/tools/pktctl"
#define DNS_ICMP "dpkt/dns_icmp.pcap"

static char tmpdir[64];

/* Runs "pktctl @args" (stderr joined to stdout when @with_stderr); the exit code goes to *@ret_code. */
static char *
run(const char *args, bool with_stderr, int *ret_code)
{
        return tu_pktctl("", args, with_stderr, ret_code);
}

static char *
run_ok(const char *args)
{
        int code;
        char *out = run(args, false, &code);
        if (code != 0)
                fail_msg("pktctl %s: exit %d", args, code);
        return out;
}

static unsigned
count_lines_starting(const char *out, const char *prefix)
{
        unsigned n = 0;
        size_t len = strlen(prefix);

        for (const char *s = out; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
                n += strncmp(s, prefix, len) == 0;
        return n;
}

static bool
starts_with(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *
tmp_path(const char *name)
{
        static char path[128];
        snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
        return path;
}

static void
write_file(const char *path, const void *data, size_t len)
{
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
}

static size_t
read_file(const char *path, uint8_t *buf, size_t size)
{
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        size_t n = fread(buf, 1, size, f);
        fclose(f);
        return n;
}

static int
setup(void **state)
{
        (void)state;
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_pktctl.XXXXXX");
        return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
        char cmd[128];
        (void)state;
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        return system(cmd) == 0 ? 0 : -1;
}

/* ---- read ---- */

/* tshark -r dpkt/dns_icmp.pcap -c 1 -T fields -e frame.time_epoch -e frame.cap_len -e eth.src -e
 * ip.src -e ip.dst -e ip.id -e udp.srcport -e udp.dstport -e udp.checksum 1369953917.270862000 80
 * 60:33:4b:13:c5:58 192.168.43.9 192.168.43.1 0xd0a6 51677 53 0xf268 */
static void
test_read_prints_header_line_then_each_layer(void **state)
{
        char args[512];
        (void)state;

        snprintf(args, sizeof(args), "read -c 1 %s", tu_corpus(DNS_ICMP));
        char *out = run_ok(args);
        assert_true(starts_with(out, "#1 1369953917.270862000 caplen 80 len 80\n"));
        assert_non_null(strstr(out, "\nethernet (14+66 bytes)\n"));
        assert_non_null(strstr(out, "    src         : 60:33:4b:13:c5:58\n"));
        assert_non_null(strstr(out, "\nip (20+46 bytes)\n"));
        assert_non_null(strstr(out, "    src         : 192.168.43.9\n"));
        assert_non_null(strstr(out, "    dst         : 192.168.43.1\n"));
        assert_non_null(strstr(out, "    id          : 0xd0a6\n"));
        assert_non_null(strstr(out, "\nudp (8+38 bytes)\n"));
        assert_non_null(strstr(out, "    sport       : 51677\n"));
        assert_non_null(strstr(out, "    sum         : 0xf268\n"));
        free(out);
}

static void
test_read_count_stops_after_n_packets(void **state)
{
        char args[512];
        (void)state;

        snprintf(args, sizeof(args), "read -c 3 %s", tu_corpus(DNS_ICMP));
        char *out = run_ok(args);
        assert_int_equal(count_lines_starting(out, "#"), 3);
        assert_int_equal(count_lines_starting(out, "#3 "), 1);
        free(out);

        snprintf(args, sizeof(args), "read %s", tu_corpus(DNS_ICMP));
        out = run_ok(args);
        assert_int_equal(count_lines_starting(out, "#"), 32); /* capinfos: 32 packets */
        free(out);
}

/* tshark -r dpkt/dns_icmp.pcap -Y "udp && ip.src==192.168.43.1" -T fields -e frame.number
 * -> 2 10 16 24 26. Packets keep their number in the file. */
static void
test_read_filter_selects_matching_packets(void **state)
{
        static const char *const want[] = { "#2 ", "#10 ", "#16 ", "#24 ", "#26 " };
        char args[512];
        (void)state;

        snprintf(args, sizeof(args), "read %s udp and src host 192.168.43.1", tu_corpus(DNS_ICMP));
        char *out = run_ok(args);
        assert_int_equal(count_lines_starting(out, "#"), 5);
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
                assert_int_equal(count_lines_starting(out, want[i]), 1);
        free(out);

        /* -c counts matching packets, not records read. */
        snprintf(args, sizeof(args), "read -c 2 %s 'udp and src host 192.168.43.1'",
                 tu_corpus(DNS_ICMP));
        out = run_ok(args);
        assert_int_equal(count_lines_starting(out, "#"), 2);
        assert_int_equal(count_lines_starting(out, "#10 "), 1);
        free(out);
}

/* "-" reads standard input, a pipe: the reader takes records as they come. */
static void
test_read_dash_reads_standard_input(void **state)
{
        char cmd[1024];
        int status;
        (void)state;

        snprintf(cmd, sizeof(cmd), "cat %s | %s read -c 1 - 2>&1", tu_corpus(DNS_ICMP), PKTCTL);
        char *out = tu_run(cmd, &status);
        assert_non_null(out);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_true(starts_with(out, "#1 1369953917.270862000 caplen 80 len 80\n"));
        free(out);
}

static void
test_read_hex_adds_hexdump(void **state)
{
        char args[512];
        (void)state;

        snprintf(args, sizeof(args), "read --hex -c 1 %s", tu_corpus(DNS_ICMP));
        char *out = run_ok(args);
        /* Frame 1 starts with eth.dst 02:1a:11:f0:c8:3b, eth.src 60:33:4b:13:c5:58, type 0x0800. */
        assert_non_null(strstr(out, "\n0000  02 1a 11 f0 c8 3b 60 33  4b 13 c5 58 08 00 45 00 "));
        assert_non_null(strstr(out, "\n0040  "));
        assert_null(strstr(out, "\n0050  ")); /* 80 bytes: five lines */
        free(out);
}

/* A classic pcap (microseconds, little-endian, Ethernet) holding one record. */
static void
write_pcap1(const char *path, const uint8_t *frame, uint32_t caplen, uint32_t wire_len)
{
        uint8_t buf[2048] = { 0xd4, 0xc3, 0xb2, 0xa1, 2,    0,    4, 0, 0, 0, 0, 0,
                              0,    0,    0,    0,    0xff, 0xff, 0, 0, 1, 0, 0, 0 };
        uint32_t rec[4] = { 1700000000, 123456, caplen,
                            wire_len }; /* host order = LE on our targets */

        assert_true(caplen <= sizeof(buf) - 40);
        memcpy(buf + 24, rec, sizeof(rec));
        memcpy(buf + 40, frame, caplen);
        write_file(path, buf, 40 + caplen);
}

/* Every line of --json is one JSON object with the keys docs/pktctl.md promises. */
static void
test_read_json_lines_parse_with_expected_keys(void **state)
{
        char args[1024];
        int code;
        (void)state;

        if (!tu_have("python3"))
                skip();
        snprintf(args, sizeof(args),
                 "read --json %s | python3 -c 'import json,sys\n"
                 "n = 0\n"
                 "for line in sys.stdin:\n"
                 "    p = json.loads(line); n += 1\n"
                 "    assert set(p) == {\"n\", \"ts\", \"caplen\", \"len\", \"layers\"}, p.keys()\n"
                 "    assert p[\"n\"] == n and isinstance(p[\"ts\"], str)\n"
                 "    assert all(isinstance(l[\"layer\"], str) for l in p[\"layers\"])\n"
                 "    assert p[\"layers\"][0][\"layer\"] == \"ethernet\"\n"
                 "print(\"ok\", n)'",
                 tu_corpus(DNS_ICMP));
        char *out = run(args, true, &code);
        assert_int_equal(code, 0);
        assert_string_equal(out, "ok 32\n");
        free(out);
}

static void
test_read_json_values_are_typed(void **state)
{
        char args[512];
        (void)state;

        snprintf(args, sizeof(args), "read --json -c 1 %s", tu_corpus(DNS_ICMP));
        char *out = run_ok(args);
        assert_true(starts_with(
                out,
                "{\"n\":1,\"ts\":\"1369953917.270862000\",\"caplen\":80,\"len\":80,\"layers\":["));
        /* Enums are numbers, addresses text, bytes hex. */
        assert_non_null(strstr(out, "{\"layer\":\"ethernet\",\"dst\":\"02:1a:11:f0:c8:3b\",\"src\":"
                                    "\"60:33:4b:13:c5:58\","
                                    "\"type\":2048}"));
        assert_non_null(strstr(out, "\"src\":\"192.168.43.9\",\"dst\":\"192.168.43.1\""));
        assert_non_null(strstr(out, "\"id\":53414,"));
        assert_non_null(strstr(out, "\"p\":17,"));
        assert_non_null(strstr(out, "{\"layer\":\"udp\",\"sport\":51677,\"dport\":53,"));
        assert_int_equal(count_lines_starting(out, "{"), 1);
        free(out);
}

/* Bytes no protocol claims (an ethertype nobody registers: 0x88b5, IEEE 802 local experimental) are
 * a raw layer whose data is a hex string. */
static void
test_read_json_bytes_are_hex_strings(void **state)
{
        static const uint8_t frame[17] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,   0, 0,
                                           0,    0,    1,    0x88, 0xb5, 'h',  'i', 0 };
        char args[512];
        (void)state;

        write_pcap1(tmp_path("raw.pcap"), frame, sizeof(frame), sizeof(frame));
        snprintf(args, sizeof(args), "read --json %s", tmp_path("raw.pcap"));
        char *out = run_ok(args);
        assert_non_null(strstr(out, "\"type\":34997},{\"layer\":\"raw\",\"data\":\"686900\"}]}\n"));
        free(out);

        /* Longer than the printer shows (it cuts values at 1 KiB of text): JSON has every byte. */
        uint8_t big[14 + 1500];
        memcpy(big, frame, 14);
        for (size_t i = 14; i < sizeof(big); i++)
                big[i] = (uint8_t)i;
        write_pcap1(tmp_path("raw.pcap"), big, sizeof(big), sizeof(big));
        out = run_ok(args);
        const char *data = strstr(out, "\"data\":\"");
        assert_non_null(data);
        data += 8;
        assert_int_equal(strcspn(data, "\""), 2 * 1500);
        assert_true(starts_with(data, "0e0f1011"));
        free(out);
}

/* Ethernet + the first 6 bytes of an IPv4 header: cut by the snap length (len 60) it is truncated;
 * when the frame really ended there (len 20) it is malformed. */
static void
test_read_json_flags_truncated_and_malformed_layers(void **state)
{
        static const uint8_t frame[20] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,
                                           0,    0,    0,    0,    1,    0x08, 0x00,
                                           0x45, 0x00, 0x00, 0x2e, 0x00, 0x01 };
        char args[512];
        (void)state;

        write_pcap1(tmp_path("trunc.pcap"), frame, sizeof(frame), 60);
        snprintf(args, sizeof(args), "read --json %s", tmp_path("trunc.pcap"));
        char *out = run_ok(args);
        assert_non_null(strstr(out, "\"ts\":\"1700000000.123456000\",\"caplen\":20,\"len\":60"));
        assert_non_null(strstr(out, "{\"layer\":\"ip\",\"truncated\":true"));
        assert_null(strstr(out, "malformed"));
        free(out);

        write_pcap1(tmp_path("malformed.pcap"), frame, sizeof(frame), sizeof(frame));
        snprintf(args, sizeof(args), "read --json %s", tmp_path("malformed.pcap"));
        out = run_ok(args);
        assert_non_null(strstr(out, "{\"layer\":\"ip\",\"malformed\":true"));
        assert_null(strstr(out, "truncated"));
        free(out);

        snprintf(args, sizeof(args), "read %s", tmp_path("malformed.pcap"));
        out = run_ok(args);
        assert_non_null(strstr(out, "\nip (6+0 bytes) [malformed]\n"));
        free(out);
}

/* Packet 1 of dpkt/dns_icmp.pcap (Ethernet 14, IPv4 20, UDP 8, DNS 12 + a query) cut by the snap
 * length at every byte: read exits 0, and when the cut falls inside a header that layer is flagged
 * truncated, never malformed (the wire length says the bytes existed). */
static void
test_read_json_flags_every_snap_length_cut_as_truncated(void **state)
{
        static uint8_t file[4096];
        char args[512], want[64];
        /* Cuts at a header boundary leave every recorded layer whole: nothing to flag there. */
        const unsigned bounds[] = { 14, 34, 42 };
        unsigned last = pkt_proto_by_name("dns", PKT_PROTO_NONE) >= 0 ? 54 : 42;
        (void)state;

        assert_true(read_file(tu_corpus(DNS_ICMP), file, sizeof(file)) > 24 + 16 + 80);
        for (unsigned len = 0; len < last; len++) {
                bool is_bound = false;
                for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++)
                        is_bound |= len == bounds[i];
                write_pcap1(tmp_path("snap.pcap"), file + 24 + 16, len, 80);
                snprintf(args, sizeof(args), "read --json %s", tmp_path("snap.pcap"));
                char *out = run_ok(args);
                snprintf(want, sizeof(want), "\"caplen\":%u,\"len\":80,", len);
                assert_non_null(strstr(out, want));
                if (!is_bound && !strstr(out, "\"truncated\":true"))
                        fail_msg("cut at %u bytes: no layer flagged truncated: %s", len, out);
                assert_null(strstr(out, "malformed"));
                free(out);
        }
}

/* A file cut in the middle of packet 3: packets 1 and 2 are printed, then the error, exit 1. */
static void
test_read_cut_short_file_prints_packets_before_the_cut_then_fails(void **state)
{
        static uint8_t buf[4096];
        char args[512];
        int code;
        (void)state;

        /* 24-byte file header, then 16 + 80 and 16 + 124 bytes (capinfos), then 10 bytes into #3.
         */
        size_t n = read_file(tu_corpus(DNS_ICMP), buf, sizeof(buf));
        assert_true(n > 300);
        write_file(tmp_path("cut.pcap"), buf, 24 + 96 + 140 + 16 + 10);
        snprintf(args, sizeof(args), "read %s", tmp_path("cut.pcap"));
        char *out = run(args, true, &code);
        assert_int_equal(code, 1);
        assert_int_equal(count_lines_starting(out, "#"), 2);
        assert_int_equal(count_lines_starting(out, "#2 "), 1);
        char *err = strstr(out, "pktctl: ");
        assert_non_null(err);
        assert_non_null(strstr(err, "cut.pcap"));
        assert_null(strstr(err, "#")); /* the error comes after the packets */
        free(out);
}

/* read -e: chosen fields, a tab between them, one line per packet, as tshark -T fields prints them.
 * tshark -r dpkt/dns_icmp.pcap -c 4 -T fields -e frame.number -e ip.src -e ip.dst -e udp.dstport
 * -e dns.qry.name -e ip.proto -e frame.time_epoch:
 *   1 192.168.43.9 192.168.43.1 53 8.8.8.8.in-addr.arpa 17 1369953917.270862000
 *   2 192.168.43.1 192.168.43.9 51677 8.8.8.8.in-addr.arpa 17 1369953917.276645000
 *   3 192.168.43.9 8.8.8.8 (no UDP, no DNS) 1 1369953917.283187000
 *   4 8.8.8.8 192.168.43.9 1 1369953917.775391000
 * frame.protocols is ours (tshark's has its own names). An ICMP error has two IPv4 headers: both
 * sources, in wire order, joined by a comma, as tshark joins them. */
static void
test_read_fields_print_as_tshark_fields(void **state)
{
        char args[512], spec_file[128];
        int code;
        (void)state;

        snprintf(args, sizeof(args),
                 "read -c 4 -e frame.number -e ip.src -e ip.dst -e udp.dport -e dns.queries.name -e ip.p "
                 "-e frame.time_epoch -e frame.protocols %s",
                 tu_corpus(DNS_ICMP));
        char *out = run_ok(args);
        assert_string_equal(out,
                            "1\t192.168.43.9\t192.168.43.1\t53\t8.8.8.8.in-addr.arpa\t17\t1369953917.270862000\tethernet:ip:udp:dns\n"
                            "2\t192.168.43.1\t192.168.43.9\t51677\t8.8.8.8.in-addr.arpa\t17\t1369953917.276645000\tethernet:ip:udp:dns\n"
                            "3\t192.168.43.9\t8.8.8.8\t\t\t1\t1369953917.283187000\tethernet:ip:icmp:echo:raw\n"
                            "4\t8.8.8.8\t192.168.43.9\t\t\t1\t1369953917.775391000\tethernet:ip:icmp:echo:raw\n");
        free(out);

        snprintf(spec_file, sizeof(spec_file), "%s", tmp_path("error.pcap"));
        snprintf(args, sizeof(args),
                 "build -w %s 'ethernet()/ip(src=198.51.100.1,dst=192.0.2.1)/icmp(type=3,code=3)/"
                 "ip(src=192.0.2.1,dst=198.51.100.1)/udp(sport=5000,dport=53)' > /dev/null",
                 spec_file);
        free(run_ok(args));
        snprintf(args, sizeof(args), "read -e ip.src -e icmp.type -e unreach.mtu -e udp.sport %s", spec_file);
        out = run_ok(args);
        assert_string_equal(out, "198.51.100.1,192.0.2.1\t3\t0\t5000\n");
        free(out);

        /* Element fields: the TCP options of a SYN (tshark: tcp.option_kind 2,1,1,4; tcp.options.mss_val
         * 1460 for dpkt/http.pcap frame 1). */
        snprintf(args, sizeof(args), "read -c 1 -e tcp.opts.type -e tcp.opts.mss %s", tu_corpus("dpkt/http.pcap"));
        out = run_ok(args);
        assert_string_equal(out, "2,1,1,4\t1460\n");
        free(out);

        /* A name that is no field is refused before anything is read, saying what is wrong. */
        static const char *const bad[][2] = {
                { "-e ipp.src", "no layer 'ipp'" },
                { "-e ip.srcc", "ip has no field 'srcc'" },
                { "-e dns.answerz.name", "dns has no element set 'answerz'" },
                { "-e ip", "LAYER.FIELD" },
                { "-e ip.src --json", "choose one" },
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                snprintf(args, sizeof(args), "read %s %s", bad[i][0], tu_corpus(DNS_ICMP));
                out = run(args, true, &code);
                assert_int_equal(code, 2);
                if (!strstr(out, bad[i][1]))
                        fail_msg("pktctl %s: %s", args, out);
                free(out);
        }
}

/* Bytes of the pcap record that starts at @off of @b (16-byte header + caplen, the file's byte order
 * being the host's here). */
static size_t
record_len(const uint8_t *b, size_t off)
{
        uint32_t caplen;

        memcpy(&caplen, b + off + 8, sizeof(caplen));
        return 16 + caplen;
}

/* read -w writes the packets that pass the filter instead of printing them, as tcpdump -r FILE -w OUT
 * FILTER does: every packet gives the file back byte for byte; a filter keeps the file header and
 * those records (#2, #10, #16, #24, #26, as test_read_filter_selects_matching_packets); -c counts them;
 * a file cut short keeps what came before the cut; "-" is standard output. */
static void
test_read_write_copies_the_selected_packets(void **state)
{
        static uint8_t in[8192], out[8192], want[8192];
        static const unsigned picked[] = { 2, 10, 16, 24, 26 };
        size_t offs[33], n_in, n_out, n_want = 24, off = 24;
        char args[512];
        int code;
        (void)state;

        n_in = read_file(tu_corpus(DNS_ICMP), in, sizeof(in));
        assert_true(n_in < sizeof(in));
        for (unsigned k = 1; k <= 32; k++) {
                offs[k] = off;
                off += record_len(in, off);
        }
        assert_int_equal(off, n_in);

        snprintf(args, sizeof(args), "read -w %s %s", tmp_path("all.pcap"), tu_corpus(DNS_ICMP));
        free(run_ok(args));
        n_out = read_file(tmp_path("all.pcap"), out, sizeof(out));
        tu_assert_bytes(out, n_out, in, n_in);

        memcpy(want, in, 24);
        for (size_t k = 0; k < sizeof(picked) / sizeof(picked[0]); k++) {
                size_t len = record_len(in, offs[picked[k]]);
                memcpy(want + n_want, in + offs[picked[k]], len);
                n_want += len;
        }
        snprintf(args, sizeof(args), "read -w %s %s udp and src host 192.168.43.1", tmp_path("udp.pcap"),
                 tu_corpus(DNS_ICMP));
        char *printed = run_ok(args);
        assert_string_equal(printed, ""); /* written, not printed */
        free(printed);
        n_out = read_file(tmp_path("udp.pcap"), out, sizeof(out));
        tu_assert_bytes(out, n_out, want, n_want);

        snprintf(args, sizeof(args), "read -c 2 -w - %s udp and src host 192.168.43.1 > %s", tu_corpus(DNS_ICMP),
                 tmp_path("two.pcap"));
        free(run_ok(args));
        n_out = read_file(tmp_path("two.pcap"), out, sizeof(out));
        tu_assert_bytes(out, n_out, want, 24 + record_len(in, offs[2]) + record_len(in, offs[10]));

        /* Cut 10 bytes into record #3: #1 and #2 are written, then the error. */
        char cut[128];
        snprintf(cut, sizeof(cut), "%s", tmp_path("cut.pcap")); /* tmp_path()'s buffer is reused */
        write_file(cut, in, offs[3] + 10);
        snprintf(args, sizeof(args), "read -w %s %s", tmp_path("cut-out.pcap"), cut);
        char *err = run(args, true, &code);
        assert_int_equal(code, 1);
        assert_non_null(strstr(err, "cut short"));
        free(err);
        n_out = read_file(tmp_path("cut-out.pcap"), out, sizeof(out));
        tu_assert_bytes(out, n_out, in, offs[3]);
}

/* -w refuses what would lose data or mean two things: the file being read (truncated before it is
 * read), and --json or --hex beside it. */
static void
test_read_write_refuses_its_input_and_printing_options(void **state)
{
        static uint8_t in[8192], after[8192];
        char args[1024];
        int code;
        (void)state;

        size_t n = read_file(tu_corpus(DNS_ICMP), in, sizeof(in));
        write_file(tmp_path("self.pcap"), in, n);
        snprintf(args, sizeof(args), "read -w %s %s", tmp_path("self.pcap"), tmp_path("self.pcap"));
        char *err = run(args, true, &code);
        assert_int_equal(code, 2);
        assert_non_null(strstr(err, "the file being read"));
        free(err);
        tu_assert_bytes(after, read_file(tmp_path("self.pcap"), after, sizeof(after)), in, n);

        snprintf(args, sizeof(args), "read --json -w %s %s", tmp_path("x.pcap"), tu_corpus(DNS_ICMP));
        err = run(args, true, &code);
        assert_int_equal(code, 2);
        assert_non_null(strstr(err, "choose one"));
        free(err);
}

/* Every prefix of a capture file is read without a crash (the sanitizer build aborts on one) and
 * ends in 0 or 1, never anything else. */
static void
test_every_prefix_of_a_capture_is_read_or_refused(void **state)
{
        static uint8_t buf[4096];
        char args[512];
        (void)state;

        size_t n = read_file(tu_corpus(DNS_ICMP), buf, sizeof(buf));
        /* The first four packets, every byte; a stride after that keeps the run short. */
        for (size_t len = 0; len <= n; len += len < 24 + 96 + 140 + 96 + 96 ? 1 : 97) {
                int code;
                write_file(tmp_path("prefix.pcap"), buf, len);
                snprintf(args, sizeof(args), "read --json %s", tmp_path("prefix.pcap"));
                free(run(args, false, &code));
                if (code != 0 && code != 1)
                        fail_msg("read of a %zu-byte prefix: exit %d", len, code);
                snprintf(args, sizeof(args), "stats %s", tmp_path("prefix.pcap"));
                free(run(args, false, &code));
                if (code != 0 && code != 1)
                        fail_msg("stats of a %zu-byte prefix: exit %d", len, code);
        }
}

/* ---- stats ---- */

/* Frames of layer path @path ("ethernet:ip:udp") in the text tree, 0 when absent. */
static unsigned long
phs_frames(const char *out, const char *path)
{
        char stack[PKT_LAYERS_MAX][32];
        const char *s = strstr(out, "\n\n");

        for (s = s ? s + 2 : out; *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : s + strlen(s)) {
                unsigned depth = 0;
                char name[32], cur[PKT_LAYERS_MAX * 32] = "";
                unsigned long frames;
                while (s[depth * 2] == ' ' && s[depth * 2 + 1] == ' ')
                        depth++;
                if (depth >= PKT_LAYERS_MAX ||
                    sscanf(s + depth * 2, "%31s frames:%lu", name, &frames) != 2)
                        continue;
                snprintf(stack[depth], sizeof(stack[depth]), "%s", name);
                for (unsigned i = 0; i <= depth; i++) {
                        if (i)
                                strcat(cur, ":");
                        strcat(cur, stack[i]);
                }
                if (strcmp(cur, path) == 0)
                        return frames;
        }
        return 0;
}

/* tshark -q -z io,phs -r FILE (eth, ip, udp, tcp rows). */
static const struct {
        const char *file;
        unsigned long eth, ip, udp, tcp;
} phs_oracle[] = {
        { "dpkt/dns_icmp.pcap", 32, 32, 10, 0 },
        { "dpkt/http.pcap", 43, 43, 2, 41 },
        { "ndpi/sip.pcap", 112, 112, 112, 0 },
        { "pypacker/packets_ssl2_certs.pcap", 285, 285, 0, 285 },
        /* a fuzzer reproducer, snap length 69: bytes count the wire length, as tshark's do */
        { "tcpdump/babel_update_oobr.pcap", 107, 103, 99, 2 },
};

static void
test_stats_frame_counts_equal_tshark_phs(void **state)
{
        /* tcp is checked once libpkt knows it: until then its frames are ip:raw in both builds. */
        bool has_tcp = pkt_proto_by_name("tcp", PKT_PROTO_NONE) >= 0;
        char args[512];
        (void)state;

        for (size_t i = 0; i < sizeof(phs_oracle) / sizeof(phs_oracle[0]); i++) {
                snprintf(args, sizeof(args), "stats %s", tu_corpus(phs_oracle[i].file));
                char *out = run_ok(args);
                print_message("%s\n", phs_oracle[i].file);
                assert_int_equal(phs_frames(out, "ethernet"), phs_oracle[i].eth);
                assert_int_equal(phs_frames(out, "ethernet:ip"), phs_oracle[i].ip);
                assert_int_equal(phs_frames(out, "ethernet:ip:udp"), phs_oracle[i].udp);
                if (has_tcp)
                        assert_int_equal(phs_frames(out, "ethernet:ip:tcp"), phs_oracle[i].tcp);
                free(out);
        }
}

/* tshark -q -z io,phs -r tcpdump/babel_update_oobr.pcap: eth bytes:27263204, ip 26214628, udp
 * 25690188 (snap length 69: bytes on the wire, not captured). */
static void
test_stats_bytes_count_wire_length(void **state)
{
        char args[512];
        (void)state;

        snprintf(args, sizeof(args), "stats %s", tu_corpus("tcpdump/babel_update_oobr.pcap"));
        char *out = run_ok(args);
        assert_non_null(strstr(
                out, "\nethernet                                 frames:107 bytes:27263204\n"));
        assert_non_null(strstr(
                out, "\n  ip                                     frames:103 bytes:26214628\n"));
        assert_non_null(strstr(
                out, "\n    udp                                  frames:99 bytes:25690188\n"));
        free(out);
}

static void
test_stats_filter_and_json(void **state)
{
        char args[1024];
        int code;
        (void)state;

        /* tshark -r dpkt/dns_icmp.pcap -Y udp: 10 frames, 944 bytes */
        snprintf(args, sizeof(args), "stats --json %s udp", tu_corpus(DNS_ICMP));
        char *out = run_ok(args);
        assert_non_null(strstr(out, "\"frames\":10,\"bytes\":944,\"protocols\":[{\"layer\":"
                                    "\"ethernet\",\"frames\":10,"));
        free(out);

        if (!tu_have("python3"))
                return;
        snprintf(args, sizeof(args),
                 "stats --json %s | python3 -c 'import json,sys\n"
                 "t = json.load(sys.stdin)\n"
                 "eth = t[\"protocols\"][0]; ip = eth[\"children\"][0]\n"
                 "kids = {c[\"layer\"]: c[\"frames\"] for c in ip[\"children\"]}\n"
                 "print(t[\"frames\"], t[\"bytes\"], eth[\"layer\"], eth[\"frames\"], "
                 "ip[\"frames\"], kids[\"udp\"])'",
                 tu_corpus(DNS_ICMP));
        out = run(args, true, &code);
        assert_int_equal(code, 0);
        assert_string_equal(out, "32 3100 ethernet 32 32 10\n");
        free(out);
}

/* ---- build ---- */

static const struct {
        const char *spec;
        const char *hex; /* scapy's bytes(...).hex() of the expression in @scapy */
        const char *scapy;
} build_oracle[] = {
        { "ethernet(dst=ff:ff:ff:ff:ff:ff,src=02:00:00:00:00:01)/"
          "ip(src=192.0.2.1,dst=192.0.2.2,id=1)/"
          "udp(sport=1234,dport=53)/raw(\"hello\")",
          "ffffffffffff020000000001080045000021000100004011f6c7c0000201c000020204d20035000d32f76865"
          "6c6c6f",
          "Ether(dst=\"ff:ff:ff:ff:ff:ff\",src=\"02:00:00:00:00:01\")/"
          "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\","
          "id=1)/UDP(sport=1234,dport=53)/Raw(b\"hello\")" },
        { "ip(src=10.0.0.1,dst=10.0.0.2,id=0x1234,ttl=17,tos=0x10)/udp(sport=5353,dport=5353)/"
          "raw(\"\\x00\\x01abc\")",
          "4510002112340000111183860a0000010a00000214e914e9000dfd9b0001616263",
          "IP(src=\"10.0.0.1\",dst=\"10.0.0.2\",id=0x1234,ttl=17,tos=0x10)/"
          "UDP(sport=5353,dport=5353)/"
          "Raw(b\"\\x00\\x01abc\")" },
        { "ethernet(dst=00:11:22:33:44:55,src=66:77:88:99:aa:bb)/"
          "ip(src=198.51.100.7,dst=203.0.113.9,id=7,"
          "flags=DF)/udp(sport=40000,dport=123)",
          "00112233445566778899aabb08004500001c000740004011d485c6336407cb0071099c40007b0008fcdd",
          "Ether(dst=\"00:11:22:33:44:55\",src=\"66:77:88:99:aa:bb\")/IP(src=\"198.51.100.7\","
          "dst=\"203.0.113.9\",id=7,flags=\"DF\")/UDP(sport=40000,dport=123)" },
};

static void
test_build_hex_equals_scapy_bytes(void **state)
{
        char args[1024], want[1024];
        (void)state;

        for (size_t i = 0; i < sizeof(build_oracle) / sizeof(build_oracle[0]); i++) {
                snprintf(args, sizeof(args), "build --hex '%s'", build_oracle[i].spec);
                snprintf(want, sizeof(want), "%s\n", build_oracle[i].hex);
                char *out = run_ok(args);
                print_message("scapy: %s\n", build_oracle[i].scapy);
                assert_string_equal(out, want);
                free(out);
        }
}

static void
test_build_prints_packet_readably(void **state)
{
        char args[1024];
        (void)state;

        snprintf(args, sizeof(args), "build '%s'", build_oracle[0].spec);
        char *out = run_ok(args);
        assert_true(starts_with(out, "ethernet (14+33 bytes)\n"));
        assert_non_null(strstr(out, "\nip (20+13 bytes)\n"));
        assert_non_null(strstr(out, "    sum         : 0xf6c7\n")); /* filled in, as scapy's */
        assert_non_null(strstr(out, "\nudp (8+5 bytes)\n"));
        free(out);
}

/* -w writes a one-packet pcap whose link type follows the first layer: Ethernet 1, raw IP 101. */
static void
test_build_writes_one_packet_pcap(void **state)
{
        static const struct {
                size_t oracle;
                uint32_t linktype;
        } cases[] = { { 0, 1 }, { 1, 101 } };
        char args[1024], want[1024];
        uint8_t buf[512];
        (void)state;

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *spec = build_oracle[cases[i].oracle].spec;
                snprintf(args, sizeof(args), "build --hex -w %s '%s'", tmp_path("built.pcap"),
                         spec);
                free(run_ok(args));
                size_t n = read_file(tmp_path("built.pcap"), buf, sizeof(buf));
                size_t frame_len = strlen(build_oracle[cases[i].oracle].hex) / 2;
                assert_int_equal(n, 24 + 16 + frame_len);
                uint32_t magic, linktype, caplen, wire_len;
                memcpy(&magic, buf, 4);
                memcpy(&linktype, buf + 20, 4);
                memcpy(&caplen, buf + 24 + 8, 4);
                memcpy(&wire_len, buf + 24 + 12, 4);
                if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d)
                        fail_msg("not a host-order classic pcap: magic %08x", magic);
                assert_int_equal(linktype, cases[i].linktype);
                assert_int_equal(caplen, frame_len);
                assert_int_equal(wire_len, frame_len);
                uint8_t want_bytes[256];
                tu_assert_bytes(
                        buf + 40, n - 40, want_bytes,
                        tu_hex(build_oracle[cases[i].oracle].hex, want_bytes, sizeof(want_bytes)));

                /* and read back, the packet dissects as it was built */
                snprintf(args, sizeof(args), "read --json %s", tmp_path("built.pcap"));
                char *out = run_ok(args);
                snprintf(want, sizeof(want), "\"caplen\":%zu,\"len\":%zu,", frame_len, frame_len);
                assert_non_null(strstr(out, want));
                assert_non_null(strstr(out, "{\"layer\":\"udp\""));
                free(out);
        }
}

/* build --from-json: a capture read as JSON lines builds back into the same file, record for record
 * (times from "ts", lengths on the wire from "len" for a packet the capture cut); "spec" lines too; a
 * line that builds no packet is reported by its number and skipped, and the exit code says so; one
 * pcap holds one link type, the first packet's or --linktype's. */
static void
test_build_from_json_gives_the_capture_back(void **state)
{
        static uint8_t in[8192], out[8192];
        char args[1024], path[128];
        int code;
        (void)state;

        snprintf(path, sizeof(path), "%s", tmp_path("back.pcap"));
        snprintf(args, sizeof(args), "read --json %s | %s/tools/pktctl build --from-json - -w %s", tu_corpus(DNS_ICMP),
                 PKTD_BINARY_DIR, path);
        char *printed = run_ok(args);
        assert_string_equal(printed, ""); /* written, not printed */
        free(printed);
        size_t n_in = read_file(tu_corpus(DNS_ICMP), in, sizeof(in)), n_out = read_file(path, out, sizeof(out));
        tu_assert_bytes(out, n_out, in, n_in);

        /* Record #3 (an echo request of 98 bytes) cut to its first 64 by a snap length of 64: its
         * record comes back with caplen 64 and len 98 (the header's snap length is libpcap's maximum). */
        size_t off3 = 24 + record_len(in, 24);
        off3 += record_len(in, off3);
        uint8_t cut[24 + 16 + 64];
        uint32_t caplen = 64;
        memcpy(cut, in, 24);
        memcpy(cut + 16, &caplen, sizeof(caplen));
        memcpy(cut + 24, in + off3, 16 + 64);
        memcpy(cut + 24 + 8, &caplen, sizeof(caplen));
        char cut_path[128];
        snprintf(cut_path, sizeof(cut_path), "%s", tmp_path("cut64.pcap"));
        write_file(cut_path, cut, sizeof(cut));
        snprintf(args, sizeof(args), "read --json %s | %s/tools/pktctl build --from-json - -w %s", cut_path,
                 PKTD_BINARY_DIR, path);
        free(run_ok(args));
        n_out = read_file(path, out, sizeof(out));
        assert_int_equal(n_out, sizeof(cut));
        assert_memory_equal(out + 24, cut + 24, sizeof(cut) - 24);

        static const char lines[] = "{\"spec\":\"ip(src=192.0.2.1,dst=192.0.2.2)/udp(sport=1,dport=9)\"}\n\n"
                                    "{\"spec\":\"ip(src=192.0.2.1,dst=192.0.2.2)/icmp()\"}\nnot json\n"
                                    "{\"spec\":\"ip()\"}\n";
        write_file(tmp_path("lines.json"), lines, strlen(lines));
        snprintf(args, sizeof(args), "build --from-json --hex %s", tmp_path("lines.json"));
        printed = run(args, false, &code);
        assert_int_equal(code, 1);
        assert_string_equal(printed, "4500001c000000004011f6cdc0000201c00002020001000900087bd0\n"
                                     "4500001c000000004001f6ddc0000201c00002020800f7ff00000000\n"
                                     "450000140000000040067ae50000000000000000\n");
        free(printed);
        /* Written, the packets are not printed: what comes out is the messages. */
        snprintf(args, sizeof(args), "build --from-json -w %s %s", path, tmp_path("lines.json"));
        printed = run(args, true, &code);
        assert_int_equal(code, 1);
        assert_non_null(strstr(printed, "pktctl: line 4: not a JSON object\n"));
        assert_non_null(strstr(printed, "1 line(s) of"));
        free(printed);
        n_out = read_file(path, out, sizeof(out));
        assert_int_equal(n_out, 24 + 3 * 16 + 28 + 28 + 20);

        static const char mixed[] = "{\"spec\":\"ethernet()/ip()\"}\n{\"spec\":\"ip()\"}\n";
        write_file(tmp_path("mixed.json"), mixed, strlen(mixed));
        snprintf(args, sizeof(args), "build --from-json -w %s %s", path, tmp_path("mixed.json"));
        printed = run(args, true, &code);
        assert_int_equal(code, 1);
        assert_non_null(strstr(printed, "line 2: a ip packet"));
        free(printed);

        /* A first layer with no link type of its own: --linktype names it. */
        static const char raw[] = "{\"layers\":[{\"layer\":\"raw\",\"data\":\"00\"}]}\n";
        write_file(tmp_path("raw.json"), raw, strlen(raw));
        snprintf(args, sizeof(args), "build --from-json -w %s %s", path, tmp_path("raw.json"));
        printed = run(args, true, &code);
        assert_int_equal(code, 1);
        assert_non_null(strstr(printed, "--linktype"));
        free(printed);
        snprintf(args, sizeof(args), "build --from-json --linktype ARCNET -w %s %s", path, tmp_path("raw.json"));
        free(run_ok(args));
        n_out = read_file(path, out, sizeof(out));
        assert_int_equal(n_out, 24 + 16 + 1);
        assert_int_equal(out[20], 7); /* DLT_ARCNET */
}

static void
test_build_bad_spec_exits_2_with_the_reason(void **state)
{
        int code;
        (void)state;

        char *out = run("build 'ethernet/ip(nosuchfield=1)'", true, &code);
        assert_int_equal(code, 2);
        assert_non_null(strstr(out, "pktctl: build: "));
        assert_non_null(strstr(out, "nosuchfield"));
        free(out);

        out = run("build 'nosuchlayer()'", true, &code);
        assert_int_equal(code, 2);
        assert_non_null(strstr(out, "nosuchlayer"));
        free(out);
}

/* ---- errors and help ---- */

static void
test_errors_name_the_file_or_filter_and_exit_1(void **state)
{
        char args[512];
        int code;
        (void)state;

        char *out = run("read /nonexistent/x.pcap", true, &code);
        assert_int_equal(code, 1);
        assert_non_null(strstr(out, "/nonexistent/x.pcap"));
        assert_non_null(strstr(out, "No such file"));
        free(out);

        write_file(tmp_path("text.pcap"), "this is not a capture file\n", 27);
        snprintf(args, sizeof(args), "stats %s", tmp_path("text.pcap"));
        out = run(args, true, &code);
        assert_int_equal(code, 1);
        assert_non_null(strstr(out, "text.pcap: not a capture file"));
        free(out);

        /* libpkt does not unzip: the message says how to get around it */
        snprintf(args, sizeof(args), "read %s", tu_corpus("scapy/bgp_fragmented.pcap.gz"));
        out = run(args, true, &code);
        assert_int_equal(code, 1);
        assert_non_null(strstr(out, "bgp_fragmented.pcap.gz: compressed; try: zcat "));
        free(out);

        snprintf(args, sizeof(args), "read %s 'udp and nonsense ('", tu_corpus(DNS_ICMP));
        out = run(args, true, &code);
        assert_int_equal(code, 1);
        assert_non_null(strstr(out, "bad filter 'udp and nonsense ('"));
        assert_null(strstr(out, "#1 ")); /* nothing printed before the filter is known good */
        free(out);
}

static void
test_usage_errors_exit_2(void **state)
{
        static const char *const bad[] = {
                "",
                "nosuchcommand",
                "--nosuchoption",
                "read",
                "read --nosuchoption x.pcap",
                "read -c x x.pcap",
                "read -c 0 x.pcap",
                "stats",
                "build",
                "build a b",
        };
        int code;
        (void)state;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char *out = run(bad[i], true, &code);
                if (code != 2)
                        fail_msg("pktctl %s: exit %d, want 2", bad[i], code);
                assert_non_null(strstr(out, "pktctl"));
                free(out);
        }
}

static void
test_help_and_version(void **state)
{
        static const char *const helps[] = { "--help", "read --help", "stats --help",
                                             "build --help" };
        (void)state;

        for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
                char *out = run_ok(helps[i]);
                assert_true(starts_with(out, "Usage: pktctl"));
                free(out);
        }
        char *out = run_ok("--help");
        assert_non_null(strstr(out, "  read "));
        assert_non_null(strstr(out, "  stats "));
        assert_non_null(strstr(out, "  build "));
        free(out);
        out = run_ok("--version");
        assert_true(starts_with(out, "pktctl (pktd) "));
        free(out);
}

/* ---- protocols ---- */

static void
test_protocols_lists_every_protocol_and_describes_one(void **state)
{
        int code;
        (void)state;

        char *out = run_ok("protocols");
        /* one line per registered protocol: the engine's own table */
        unsigned n = 0;
        for (unsigned id = 1; id < PKT_PROTO_MAX; id++)
                n += pkt_proto_get(id) != NULL;
        assert_int_equal(count_lines_starting(out, ""), n);
        assert_int_equal(count_lines_starting(out, "ip6 "), 1);
        free(out);

        out = run_ok("protocols ip");
        assert_non_null(strstr(out, "ip (ipv4) (ip4): Internet Protocol version 4"));
        assert_non_null(strstr(out, "ttl "));
        assert_non_null(strstr(out, "elements opts (each a opt):"));
        assert_non_null(strstr(out, "carried by: ethertype 2048 (0x800)"));
        free(out);

        out = run("protocols nosuch", true, &code);
        assert_int_equal(code, 1);
        assert_non_null(strstr(out, "no protocol called 'nosuch'"));
        free(out);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_read_prints_header_line_then_each_layer),
                cmocka_unit_test(test_read_count_stops_after_n_packets),
                cmocka_unit_test(test_read_filter_selects_matching_packets),
                cmocka_unit_test(test_read_dash_reads_standard_input),
                cmocka_unit_test(test_read_hex_adds_hexdump),
                cmocka_unit_test(test_read_json_lines_parse_with_expected_keys),
                cmocka_unit_test(test_read_json_values_are_typed),
                cmocka_unit_test(test_read_json_bytes_are_hex_strings),
                cmocka_unit_test(test_read_json_flags_truncated_and_malformed_layers),
                cmocka_unit_test(test_read_json_flags_every_snap_length_cut_as_truncated),
                cmocka_unit_test(test_read_cut_short_file_prints_packets_before_the_cut_then_fails),
                cmocka_unit_test(test_read_fields_print_as_tshark_fields),
                cmocka_unit_test(test_read_write_copies_the_selected_packets),
                cmocka_unit_test(test_read_write_refuses_its_input_and_printing_options),
                cmocka_unit_test(test_every_prefix_of_a_capture_is_read_or_refused),
                cmocka_unit_test(test_stats_frame_counts_equal_tshark_phs),
                cmocka_unit_test(test_stats_bytes_count_wire_length),
                cmocka_unit_test(test_stats_filter_and_json),
                cmocka_unit_test(test_build_hex_equals_scapy_bytes),
                cmocka_unit_test(test_build_prints_packet_readably),
                cmocka_unit_test(test_build_writes_one_packet_pcap),
                cmocka_unit_test(test_build_from_json_gives_the_capture_back),
                cmocka_unit_test(test_build_bad_spec_exits_2_with_the_reason),
                cmocka_unit_test(test_protocols_lists_every_protocol_and_describes_one),
                cmocka_unit_test(test_errors_name_the_file_or_filter_and_exit_1),
                cmocka_unit_test(test_usage_errors_exit_2),
                cmocka_unit_test(test_help_and_version),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
