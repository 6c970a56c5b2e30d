/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The text application group: HTTP and SIP (layers/app/http.c, sip.c over layers/src/textproto.c),
 * Telnet, TPKT/COTP, ONC RPC and portmap. Building against scapy where scapy has the protocol (bytes
 * embedded below with the expression that made them), dissecting against tshark on corpus frames,
 * hostile input, and every prefix of real packets.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>
#include <pkt/proto.h>

#include "testutil.h"

/* ---- helpers ---- */

/* Copies packet @no (1-based) of corpus file @rel into @buf. Returns caplen. */
static size_t
corpus_packet(const char *rel, unsigned no, uint8_t *buf, size_t size, size_t *ret_wire, int *ret_dlt)
{
        char err[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *d;
        pcap_t *pc = pcap_open_offline(tu_corpus(rel), err);
        size_t n = 0;

        assert_non_null(pc);
        for (unsigned i = 1; pcap_next_ex(pc, &h, &d) == 1; i++)
                if (i == no) {
                        assert_true(h->caplen <= size);
                        memcpy(buf, d, h->caplen);
                        n = h->caplen;
                        *ret_wire = h->len;
                        break;
                }
        *ret_dlt = pcap_datalink(pc);
        pcap_close(pc);
        assert_true(n > 0);
        return n;
}

struct frame {
        uint8_t buf[4096];
        size_t len, wire;
        int dlt;
        struct pkt p;
};

static int
load(struct frame *f, const char *rel, unsigned no, unsigned proto)
{
        f->len = corpus_packet(rel, no, f->buf, sizeof(f->buf), &f->wire, &f->dlt);
        pkt_init(&f->p);
        assert_int_equal(pkt_parse_dlt(&f->p, f->dlt, f->buf, f->len, f->wire), 0);
        int i = pkt_layer_find(&f->p, proto, 0);
        assert_true(i >= 0);
        return i;
}

static uint64_t
u64(struct pkt *p, int idx, const char *name)
{
        uint64_t v = 0;

        assert_int_equal(pkt_field_get_u64(p, (unsigned)idx, name, &v), 0);
        return v;
}

/* Joins field @name of every element of @set that has it, comma-separated (tshark's aggregator). */
static const char *
elem_list(struct pkt *p, int idx, const char *set, const char *name)
{
        static char out[1024];
        char one[256];

        out[0] = 0;
        PKT_ELEM_FOREACH(p, (unsigned)idx, set, e)
        {
                uint64_t v;
                if (pkt_elem_get_u64(p, (unsigned)idx, &e, name, &v) == 0)
                        snprintf(one, sizeof(one), "%llu", (unsigned long long)v);
                else if (pkt_elem_get_str(p, (unsigned)idx, &e, name, one, sizeof(one)) < 0)
                        continue;
                if (out[0])
                        strncat(out, ",", sizeof(out) - strlen(out) - 1);
                strncat(out, one, sizeof(out) - strlen(out) - 1);
        }
        return out;
}

static void
assert_build(const char *spec, const char *want_hex)
{
        uint8_t want[2048];
        const uint8_t *d;
        struct pkt p;

        pkt_init(&p);
        size_t n = tu_build(&p, spec, &d);
        size_t wn = tu_hex(want_hex, want, sizeof(want));
        tu_assert_bytes(d, n, want, wn);
        pkt_done(&p);
}

/* Parses @hex as a packet whose first layer is @proto (wire length = captured length). */
static void
parse_hex(struct pkt *p, uint8_t *buf, size_t size, unsigned proto, const char *hex)
{
        size_t n = tu_hex(hex, buf, size);

        pkt_init(p);
        assert_int_equal(pkt_parse(p, proto, buf, n, n), 0);
        pkt_dissect_all(p);
}

/* ---- HTTP ---- */

/* scapy 2.5: HTTPRequest(Method=b"GET",Path=b"/",Http_Version=b"HTTP/1.1",Accept=b"* / *" (no spaces),
 *            Host=b"example.com") */
static const char http_req_hex[] = "474554202f20485454502f312e310d0a4163636570743a202a2f2a0d0a486f73743a206578616d706c"
                                   "652e636f6d0d0a0d0a";

static void
test_http_request_builds_as_scapy(void **state)
{
        (void)state;
        assert_build("http(startline=\"GET / HTTP/1.1\",hdr=[h(\"Accept\",\"*/*\"),h(name=\"Host\",value=\"example.com\")])",
                     http_req_hex);
}

static void
test_http_start_line_without_line_end_is_completed_on_build(void **state)
{
        (void)state;
        /* The builder ends the start line before the first header and the update hook adds the empty
         * line; the same request as above. */
        assert_build("http(startline=\"GET / HTTP/1.1\",hdr=[h(\"Accept\",\"*/*\"),h(\"Host\",\"example.com\")])",
                     http_req_hex);
        assert_build("http(startline=\"GET / HTTP/1.1\")", "474554202f20485454502f312e310d0a0d0a");
}

/* tshark: dpkt/http.pcap frame 4 http.request.method GET, uri /download.html, http.host www.ethereal.com;
 * frame 6 http.response.code 200; frame 8 a continuation (no start line). */
static void
test_http_corpus_fields_match_tshark(void **state)
{
        struct frame f;
        char line[128];

        (void)state;
        int h = load(&f, "dpkt/http.pcap", 4, PKT_PROTO_HTTP);
        assert_string_equal(tu_field(&f.p, (unsigned)h, "startline"), "GET /download.html HTTP/1.1");
        PKT_ELEM_FOREACH(&f.p, (unsigned)h, "hdr", e)
        {
                assert_true(pkt_elem_get_str(&f.p, (unsigned)h, &e, "name", line, sizeof(line)) > 0);
                assert_string_equal(line, "Host");
                assert_true(pkt_elem_get_str(&f.p, (unsigned)h, &e, "value", line, sizeof(line)) > 0);
                assert_string_equal(line, "www.ethereal.com");
                break;
        }
        assert_string_equal(elem_list(&f.p, h, "hdr", "name"), "Host,User-Agent,Accept,Accept-Language,"
                                                               "Accept-Encoding,Accept-Charset,Keep-Alive,"
                                                               "Connection,Referer");
        assert_int_equal(f.p.layers[h].len, 479);
        assert_int_equal(f.p.layers[h].hdr_len, 479); /* a GET has no body */
        pkt_done(&f.p);

        h = load(&f, "dpkt/http.pcap", 6, PKT_PROTO_HTTP);
        assert_string_equal(tu_field(&f.p, (unsigned)h, "startline"), "HTTP/1.1 200 OK");
        assert_true(f.p.layers[h].hdr_len < f.p.layers[h].len);
        assert_non_null(pkt_layer(&f.p, (unsigned)h + 1));
        assert_int_equal(f.p.layers[h + 1].proto, PKT_PROTO_RAW);
        pkt_done(&f.p);
}

/* SSDP (UPnP discovery) is HTTP in UDP datagrams to port 1900, as tshark dissects it: ndpi/android.pcap
 * frame 45 is tshark's http.request.method M-SEARCH, uri *, version HTTP/1.1, and its first header
 * HOST: 239.255.255.250:1900. */
static void
test_ssdp_on_udp_1900_is_http(void **state)
{
        struct frame f;

        (void)state;
        int h = load(&f, "ndpi/android.pcap", 45, PKT_PROTO_HTTP);
        assert_int_equal(f.p.layers[h - 1].proto, PKT_PROTO_UDP);
        assert_string_equal(tu_field(&f.p, (unsigned)h, "startline"), "M-SEARCH * HTTP/1.1");
        assert_string_equal(elem_list(&f.p, h, "hdr", "name"), "HOST,MAN,MX,ST");
        pkt_done(&f.p);
}

/* A header line whose colon no space follows (SSDP senders write "host:239.255.255.250:1900", SIP's
 * compact form "v:SIP/2.0/UDP ...") has its separator as a field, "sep", so that the line builds back
 * as it came; a usual ": " has none. Before, all three lines below built back with ": ". */
static const char ssdp_tight_hex[] =
        "4e4f54494659202a20485454502f312e310d0a686f73743a3233392e3235352e3235352e3235303a313930300d0a4e54"
        "3a0975706e703a726f6f746465766963650d0a582d456d7074793a0d0a4e54533a20737364703a616c6976650d0a0d0a";

static void
test_http_header_without_space_after_colon_keeps_separator(void **state)
{
        uint8_t buf[256];
        struct pkt p;

        (void)state;
        parse_hex(&p, buf, sizeof(buf), PKT_PROTO_HTTP, ssdp_tight_hex);
        assert_string_equal(elem_list(&p, 0, "hdr", "name"), "host,NT,X-Empty,NTS");
        assert_string_equal(elem_list(&p, 0, "hdr", "sep"), ":,:,:");
        assert_string_equal(elem_list(&p, 0, "hdr", "value"), "239.255.255.250:1900,\\tupnp:rootdevice,,ssdp:alive");
        pkt_done(&p);

        assert_build("http(startline=\"NOTIFY * HTTP/1.1\",hdr=[hdr(name=host,sep=\":\",value=\"239.255.255.250:1900\"),"
                     "hdr(name=NT,sep=\":\",value=\"\\tupnp:rootdevice\"),hdr(name=X-Empty,sep=\":\"),"
                     "hdr(name=NTS,value=\"ssdp:alive\")])",
                     ssdp_tight_hex);
        /* A separator is a colon and blanks, nothing else. */
        pkt_init(&p);
        assert_true(pkt_build(&p, "http(startline=\"GET / HTTP/1.1\",hdr=[hdr(name=Host,sep=\"=\",value=x)])", NULL, 0) < 0);
        assert_true(pkt_build(&p, "http(startline=\"GET / HTTP/1.1\",hdr=[hdr(name=Host,sep=\":x\",value=x)])", NULL, 0) < 0);
        assert_true(pkt_build(&p, "http(startline=\"GET / HTTP/1.1\",hdr=[hdr(name=Host,sep=\"\",value=x)])", NULL, 0) < 0);
        pkt_done(&p);
}

static void
test_http_continuation_segment_is_all_body(void **state)
{
        struct frame f;

        (void)state;
        int h = load(&f, "dpkt/http.pcap", 8, PKT_PROTO_HTTP);
        assert_int_equal(f.p.layers[h].hdr_len, 0);
        assert_string_equal(tu_field(&f.p, (unsigned)h, "startline"), "");
        assert_string_equal(elem_list(&f.p, h, "hdr", "name"), "");
        assert_int_equal(f.p.layers[h + 1].proto, PKT_PROTO_RAW);
        assert_int_equal(f.p.layers[h + 1].len, 1380);
        pkt_done(&f.p);
}

static void
test_http_hostile_heads_end_cleanly(void **state)
{
        uint8_t buf[256];
        struct pkt p;

        (void)state;
        /* No empty line, no colon, a bare LF, a lone CR: the head is what was sent, nothing is read past it. */
        parse_hex(&p, buf, sizeof(buf), PKT_PROTO_HTTP, "474554202f20485454502f312e310a6e6f636f6c6f6e0d0a0d");
        assert_int_equal(p.layers[0].hdr_len, p.layers[0].len);
        assert_false(p.layers[0].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        assert_string_equal(elem_list(&p, 0, "hdr", "name"), "nocolon,\\r");
        pkt_done(&p);
        /* A method token without a version is not a request: continuation data. */
        parse_hex(&p, buf, sizeof(buf), PKT_PROTO_HTTP, "464f4f202f0d0a0d0a");
        assert_int_equal(p.layers[0].hdr_len, 0);
        pkt_done(&p);
}

/* The space after a header's colon separates; more blanks are the value's, so that the line builds
 * back as it came (a Nero SIP phone's "Contact:  <sip:...>"). A tab after the colon is the value's too,
 * behind a "sep" of its own (a builder's ": " would turn it into a space). */
static void
test_header_value_keeps_blanks_after_the_first(void **state)
{
        uint8_t buf[256];
        struct pkt p;

        (void)state;
        /* "GET / HTTP/1.1\r\nA: x\r\nB:  y\r\nC:\tz\r\n\r\n" */
        parse_hex(&p, buf, sizeof(buf), PKT_PROTO_HTTP,
                  "474554202f20485454502f312e310d0a413a20780d0a423a2020790d0a433a097a0d0a0d0a");
        assert_string_equal(elem_list(&p, 0, "hdr", "value"), "x, y,\\tz");
        assert_string_equal(elem_list(&p, 0, "hdr", "sep"), ":");
        pkt_done(&p);
        assert_build("http(startline=\"GET / HTTP/1.1\",hdr=[h(\"A\",\"x\"),h(\"B\",\" y\"),h(C,\"\\tz\",sep=\":\")])",
                     "474554202f20485454502f312e310d0a413a20780d0a423a2020790d0a433a097a0d0a0d0a");
}

/* ---- SIP ---- */

/* tshark: suricata-verify/sip-options-method__input.pcap frame 1 sip.Request-Line
 * "OPTIONS sip:test@example.com SIP/2.0", sip.Call-ID 1234567890@192.168.1.10, sip.CSeq "1 OPTIONS";
 * frame 2 sip.Status-Line "SIP/2.0 200 OK". */
static void
test_sip_corpus_fields_match_tshark(void **state)
{
        struct frame f;
        char v[128];

        (void)state;
        int s = load(&f, "suricata-verify/sip-options-method__input.pcap", 1, PKT_PROTO_SIP);
        assert_string_equal(tu_field(&f.p, (unsigned)s, "startline"), "OPTIONS sip:test@example.com SIP/2.0");
        bool call_id = false, cseq = false;
        PKT_ELEM_FOREACH(&f.p, (unsigned)s, "hdr", e)
        {
                char n[64];
                assert_true(pkt_elem_get_str(&f.p, (unsigned)s, &e, "name", n, sizeof(n)) > 0);
                if (pkt_elem_get_str(&f.p, (unsigned)s, &e, "value", v, sizeof(v)) < 0)
                        continue;
                if (strcmp(n, "Call-ID") == 0)
                        call_id = strcmp(v, "1234567890@192.168.1.10") == 0;
                if (strcmp(n, "CSeq") == 0)
                        cseq = strcmp(v, "1 OPTIONS") == 0;
        }
        assert_true(call_id && cseq);
        pkt_done(&f.p);

        s = load(&f, "suricata-verify/sip-options-method__input.pcap", 2, PKT_PROTO_SIP);
        assert_string_equal(tu_field(&f.p, (unsigned)s, "startline"), "SIP/2.0 200 OK");
        pkt_done(&f.p);
}

static void
test_sip_builds_request_with_headers(void **state)
{
        (void)state;
        /* RFC 3261 7.1 request line, header lines, empty line: no scapy layer for SIP, bytes by hand. */
        assert_build("sip(startline=\"OPTIONS sip:b@example.com SIP/2.0\",hdr=[h(\"CSeq\",\"1 OPTIONS\"),"
                     "h(\"Content-Length\",\"0\")])",
                     "4f5054494f4e53207369703a62406578616d706c652e636f6d205349502f322e300d0a435365713a2031"
                     "204f5054494f4e530d0a436f6e74656e742d4c656e6774683a20300d0a0d0a");
}

/* ---- Telnet ---- */

/* tshark: pypacker/packets_telnet.pcap frame 1 telnet.cmd 250,240,250,240,253,250,240 and
 * telnet.subcmd 31,34,3,34. */
static void
test_telnet_corpus_commands_match_tshark(void **state)
{
        struct frame f;

        (void)state;
        int t = load(&f, "pypacker/packets_telnet.pcap", 1, PKT_PROTO_TELNET);
        assert_string_equal(elem_list(&f.p, t, "telnet_data", "cmd"), "250,240,250,240,253,250,240");
        assert_string_equal(elem_list(&f.p, t, "telnet_data", "option"), "31,34,3,34");
        pkt_done(&f.p);
}

static void
test_telnet_builds_commands_and_doubles_iac_in_data(void **state)
{
        (void)state;
        /* RFC 854: IAC DO ECHO, "hi" and a data 255 sent as IAC IAC, IAC SB TTYPE SEND IAC SE, IAC AYT. */
        assert_build("telnet(telnet_data=[cmd(cmd=DO,option=ECHO),data(\"hi\\xff\"),sb(option=TTYPE,params=0x01),"
                     "cmd(cmd=AYT)])",
                     "fffd016869fffffffa1801fff0fff6");
        /* The JSON writer's form: each element's bytes as dissected (data as sent, IAC SE an item of its
         * own, a command the segment ends in without its option, a lone IAC). */
        assert_build("telnet(telnet_data=[item(iac=255,cmd=250,option=34,params=010b),item(iac=255,cmd=240),"
                     "item(data=\"a\xff\xff\xf2\"),item(iac=255,cmd=251),item()])",
                     "fffa22010bfff061fffff2fffbff");
}

static void
test_telnet_command_cut_by_segment_or_capture(void **state)
{
        uint8_t buf[16];
        struct pkt p;
        unsigned n = 0;

        (void)state;
        /* "hi", a data 255 (IAC IAC), then IAC SB TTYPE with no IAC SE: the segment ends inside the
         * subnegotiation, which goes on in the next one. Nothing is flagged. */
        size_t len = tu_hex("6869fffffffa18", buf, sizeof(buf));
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_TELNET, buf, len, len), 0);
        PKT_ELEM_FOREACH(&p, 0, "telnet_data", e)
        {
                n++;
                assert_int_equal(e.flags, 0);
        }
        assert_int_equal(n, 2);
        assert_false(p.layers[0].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        pkt_done(&p);
        /* The same bytes cut by the capture (the packet was longer): the last element and the layer are
         * truncated, never malformed. */
        pkt_init(&p);
        assert_int_equal(pkt_parse(&p, PKT_PROTO_TELNET, buf, len, len + 4), 0);
        n = 0;
        PKT_ELEM_FOREACH(&p, 0, "telnet_data", e)
        {
                if (n++ == 1)
                        assert_true(e.flags & PKT_LAYER_TRUNCATED);
        }
        assert_int_equal(n, 2);
        assert_true(p.layers[0].flags & PKT_LAYER_TRUNCATED);
        assert_false(p.layers[0].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
}

/* ---- TPKT / COTP ---- */

/* tshark: ndpi/rdp.pcap frame 5 tpkt.length 19, cotp.li 14, cotp.type 0x0d (CC), cotp.srcref 0x1234,
 * cotp.destref 0, cotp.class 0; pcapplusplus/PacketExamples__tpkt_cotp.pcap tpkt.length 607, cotp.li 2,
 * cotp.type 0x0f (DT), cotp.eot 1, cotp.tpdu-number 0. */
static void
test_tpkt_cotp_corpus_fields_match_tshark(void **state)
{
        struct frame f;

        (void)state;
        int t = load(&f, "ndpi/rdp.pcap", 5, PKT_PROTO_TPKT);
        assert_int_equal(u64(&f.p, t, "v"), 3);
        assert_int_equal(u64(&f.p, t, "len"), 19);
        assert_int_equal(f.p.layers[t + 1].proto, PKT_PROTO_COTP);
        assert_int_equal(u64(&f.p, t + 1, "li"), 14);
        assert_int_equal(u64(&f.p, t + 1, "type"), 0xd);
        assert_string_equal(elem_list(&f.p, t + 1, "fixed", "srcref"), "4660");
        assert_string_equal(elem_list(&f.p, t + 1, "fixed", "dstref"), "0");
        assert_string_equal(elem_list(&f.p, t + 1, "fixed", "class"), "0");
        pkt_done(&f.p);

        t = load(&f, "pcapplusplus/PacketExamples__tpkt_cotp.pcap", 1, PKT_PROTO_COTP);
        assert_int_equal(u64(&f.p, t - 1, "len"), 607);
        assert_int_equal(u64(&f.p, t, "li"), 2);
        assert_int_equal(u64(&f.p, t, "type"), 0xf);
        assert_string_equal(elem_list(&f.p, t, "fixed", "eot"), "1");
        assert_string_equal(elem_list(&f.p, t, "fixed", "nr"), "0");
        pkt_done(&f.p);
}

static void
test_tpkt_cotp_build_fills_lengths(void **state)
{
        (void)state;
        /* RFC 1006 length 15 = 4 + 11; X.224 LI 10: CR, DST-REF 0, SRC-REF 0x1234, class 0, then the
         * calling TSAP parameter (0xc1, 2, 0x0100). */
        assert_build("tpkt()/cotp(type=CR,fixed=[part(dstref=0,srcref=0x1234,class=0)],params=[param(code=0xc1,"
                     "value=0x0100)])",
                     "0300000f0ae00000123400c1020100");
        /* A class 0 DT with EOT carrying 3 bytes of user data. */
        assert_build("tpkt()/cotp(type=DT,fixed=[part(eot=1)])/raw(hex=010203)", "0300000a02f080010203");
        /* Without a fixed part the TPDU gets its own: zeros, and a DT's or ED's says EOT (what tshark
         * reads of PacketExamples__tpkt_cotp.pcap's DT: LI 2, 0xf0, 0x80). */
        assert_build("tpkt()/cotp()/raw(hex=0102)", "0300000902f0800102");
        assert_build("tpkt()/cotp(type=CR)", "0300000b06e00000000000");
        assert_build("tpkt()/cotp(type=DR)", "0300000b06800000000000");
        assert_build("tpkt()/cotp(type=AK)", "030000090460000000");
        assert_build("tpkt()/cotp(type=ED)", "03000007021080");
}

/* Parts left out are completed (RFC 5531 9): a call gets RPC version 2 and AUTH_NONE credentials and
 * verifier, a reply acceptance, an AUTH_NONE verifier and SUCCESS, a denial RPC_MISMATCH; what is given
 * stays, and a parsed message is never completed. */
static void
test_rpc_parts_left_out_are_completed(void **state)
{
        uint8_t cut_call[] = { 0, 0, 0, 1, 0, 0, 0, 0 };
        const uint8_t *d;
        struct pkt p;

        (void)state;
        assert_build("rpc()", "0000000000000000" "00000002000000000000000000000000" "0000000000000000"
                              "0000000000000000");
        assert_build("rpc(parts=[call(prog=100000,vers=2,proc=4),auth(flavor=AUTH_SYS,body=01)])",
                     "0000000000000000" "00000002000186a00000000200000004" "000000010000000101000000"
                     "0000000000000000");
        assert_build("rpc(mtype=REPLY)", "0000000000000001" "00000000" "0000000000000000" "00000000");
        assert_build("rpc(mtype=REPLY,parts=[reply(stat=MSG_DENIED)])",
                     "0000000000000001" "00000001" "000000000000000000000000");
        assert_build("rpc(mtype=REPLY,parts=[reply(stat=MSG_DENIED),reject(reject_stat=AUTH_ERROR,auth_stat=2)])",
                     "0000000000000001" "00000001" "0000000100000002");
        /* Parsed, a call cut after its type stays as it came, even when rewritten. */
        pkt_init(&p);
        assert_int_equal(pkt_parse_writable(&p, PKT_PROTO_RPC, cut_call, 8, 8), 0);
        assert_int_equal(pkt_field_set_u64(&p, 0, "xid", 2), 0);
        assert_int_equal(pkt_serialize(&p, 0, &d), 8);
        pkt_done(&p);
}

static void
test_cotp_li_shorter_than_fixed_part_is_malformed(void **state)
{
        uint8_t buf[32];
        struct pkt p;

        (void)state;
        /* A CR whose LI (3) cannot hold DST-REF, SRC-REF and class. */
        parse_hex(&p, buf, sizeof(buf), PKT_PROTO_COTP, "03e000001234");
        assert_true(p.layers[0].flags & PKT_LAYER_MALFORMED);
        assert_string_equal(elem_list(&p, 0, "params", "code"), "");
        pkt_done(&p);
        /* A parameter whose length runs past LI. */
        parse_hex(&p, buf, sizeof(buf), PKT_PROTO_COTP, "08e000001234 00c1 05 01");
        unsigned n = 0;
        PKT_ELEM_FOREACH(&p, 0, "params", e)
        {
                n++;
                assert_true(e.flags & PKT_LAYER_MALFORMED);
        }
        assert_int_equal(n, 1);
        pkt_done(&p);
}

/* ---- ONC RPC / portmap ---- */

/* scapy 2.5 (contrib.oncrpc, contrib.portmap): RPC(xid=0x1234,mtype=0)/RPC_Call(program=100000,
 * pversion=2,procedure=3,aflavor=0,vflavor=0)/GETPORT_Call(prog=100003,vers=3,prot=6,port=0) */
static const char rpc_getport_hex[] = "000012340000000000000002000186a0000000020000000300000000000000000000000000000000"
                                      "000186a3000000030000000600000000";

static void
test_rpc_portmap_call_builds_as_scapy(void **state)
{
        (void)state;
        assert_build("rpc(xid=0x1234,mtype=CALL,parts=[call(prog=100000,vers=2,proc=3),auth(flavor=AUTH_NONE),"
                     "auth(flavor=AUTH_NONE)])/pmap(prog=100003,vers=3,prot=TCP,port=0)",
                     rpc_getport_hex);
        /* The JSON writer's form: each part named by its fields. */
        assert_build("rpc(xid=0x1234,mtype=CALL,parts=[part(rpcvers=2,prog=100000,vers=2,proc=3),"
                     "part(flavor=0,body=),part(flavor=0,body=)])/pmap(prog=100003,vers=3,prot=TCP,port=0)",
                     rpc_getport_hex);
}

/* scapy 2.5: RM_Header()/RPC(xid=0x1234,mtype=1)/RPC_Reply(reply_stat=0,flavor=0,accept_stat=0)/
 *            GETPORT_Reply(port=2049) */
static void
test_rpc_record_mark_reply_builds_as_scapy(void **state)
{
        (void)state;
        assert_build("rpcrm()/rpc(xid=0x1234,mtype=REPLY,parts=[reply(stat=MSG_ACCEPTED),auth(flavor=AUTH_NONE),"
                     "accept(accept_stat=SUCCESS)])/raw(hex=00000801)",
                     "8000001c00001234000000010000000000000000000000000000000000000801");
}

/* tshark -d tcp.port==111,rpc: zeek/nfs__nfs_write.pcap frame 5 rpc.fraglen 56, rpc.xid 0x0d8a454e,
 * rpc.program 100000, rpc.procedure 3, portmap.prog 100003, portmap.version 3, portmap.proto 6. */
static void
test_rpc_portmap_corpus_fields_match_tshark(void **state)
{
        struct frame f;

        (void)state;
        int r = load(&f, "zeek/nfs__nfs_write.pcap", 5, PKT_PROTO_RPCRM);
        assert_int_equal(u64(&f.p, r, "len"), 56);
        assert_int_equal(u64(&f.p, r, "last"), 1);
        assert_int_equal(u64(&f.p, r + 1, "xid"), 0x0d8a454e);
        assert_int_equal(u64(&f.p, r + 1, "mtype"), 0);
        assert_string_equal(elem_list(&f.p, r + 1, "parts", "prog"), "100000");
        assert_string_equal(elem_list(&f.p, r + 1, "parts", "proc"), "3");
        assert_string_equal(elem_list(&f.p, r + 1, "parts", "flavor"), "0,0");
        assert_int_equal(f.p.layers[r + 2].proto, PKT_PROTO_PORTMAP);
        assert_int_equal(u64(&f.p, r + 2, "prog"), 100003);
        assert_int_equal(u64(&f.p, r + 2, "vers"), 3);
        assert_int_equal(u64(&f.p, r + 2, "prot"), 6);
        pkt_done(&f.p);
}

static void
test_rpc_hostile_lengths_are_flagged(void **state)
{
        uint8_t buf[64];
        struct pkt p;

        (void)state;
        /* Credentials claiming 0x1000 bytes (RFC 5531 allows 400). */
        parse_hex(&p, buf, sizeof(buf), PKT_PROTO_RPC,
                  "00000001 00000000 00000002 000186a0 00000002 00000003 00000001 00001000");
        assert_true(p.layers[0].flags & PKT_LAYER_MALFORMED);
        pkt_done(&p);
        /* A message type that is neither call nor reply. */
        parse_hex(&p, buf, sizeof(buf), PKT_PROTO_RPC, "00000001 00000007 00000000");
        assert_true(p.layers[0].flags & PKT_LAYER_MALFORMED);
        assert_string_equal(elem_list(&p, 0, "parts", "stat"), "");
        pkt_done(&p);
        /* A call cut after its header: the credentials are missing, the layer says so. */
        parse_hex(&p, buf, sizeof(buf), PKT_PROTO_RPC, "00000001 00000000 00000002 000186a0 00000002 00000003");
        assert_true(p.layers[0].flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED));
        pkt_done(&p);
}

/* ---- truncation ---- */

static int
sink(void *ctx, const char *text, size_t len)
{
        (void)text;
        *(size_t *)ctx += len;
        return 0;
}

/* Every prefix of real packets of each protocol parses and walks; a cut inside the protocol's header
 * flags that layer truncated. */
static void
test_text_every_prefix_parses_and_flags_truncation(void **state)
{
        static const struct {
                const char *file;
                unsigned frame;
                unsigned proto;
        } pkts[] = {
                { "dpkt/http.pcap", 4, PKT_PROTO_HTTP },
                { "dpkt/http.pcap", 6, PKT_PROTO_HTTP },
                { "suricata-verify/sip-options-method__input.pcap", 1, PKT_PROTO_SIP },
                { "pypacker/packets_telnet.pcap", 1, PKT_PROTO_TELNET },
                { "ndpi/rdp.pcap", 4, PKT_PROTO_COTP },
                { "pcapplusplus/PacketExamples__tpkt_cotp.pcap", 1, PKT_PROTO_TPKT },
                { "zeek/nfs__nfs_write.pcap", 5, PKT_PROTO_PORTMAP },
                { "zeek/nfs__nfs_write.pcap", 7, PKT_PROTO_RPC },
                { "ndpi/nfsv2.pcap", 1, PKT_PROTO_RPC },
        };
        struct frame f;

        (void)state;
        for (unsigned i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
                int k = load(&f, pkts[i].file, pkts[i].frame, pkts[i].proto);
                uint32_t start = f.p.layers[k].off, end = start + f.p.layers[k].hdr_len;
                pkt_done(&f.p);
                for (size_t cut = 0; cut < f.len; cut++) {
                        uint8_t *copy = malloc(cut ? cut : 1);
                        struct pkt p;
                        assert_non_null(copy);
                        memcpy(copy, f.buf, cut);
                        pkt_init(&p);
                        assert_int_equal(pkt_parse_dlt(&p, f.dlt, copy, cut, f.wire), 0);
                        size_t printed = 0;
                        assert_int_equal(pkt_print(&p, sink, &printed), 0);
                        if (cut > start && cut < end) {
                                int j = pkt_layer_find(&p, pkts[i].proto, 0);
                                assert_true(j >= 0);
                                assert_true(p.layers[j].flags & PKT_LAYER_TRUNCATED);
                                assert_false(p.layers[j].flags & PKT_LAYER_MALFORMED);
                        }
                        pkt_done(&p);
                        free(copy);
                }
        }
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_http_request_builds_as_scapy),
                cmocka_unit_test(test_http_start_line_without_line_end_is_completed_on_build),
                cmocka_unit_test(test_http_corpus_fields_match_tshark),
                cmocka_unit_test(test_http_continuation_segment_is_all_body),
                cmocka_unit_test(test_ssdp_on_udp_1900_is_http),
                cmocka_unit_test(test_http_header_without_space_after_colon_keeps_separator),
                cmocka_unit_test(test_http_hostile_heads_end_cleanly),
                cmocka_unit_test(test_header_value_keeps_blanks_after_the_first),
                cmocka_unit_test(test_sip_corpus_fields_match_tshark),
                cmocka_unit_test(test_sip_builds_request_with_headers),
                cmocka_unit_test(test_telnet_corpus_commands_match_tshark),
                cmocka_unit_test(test_telnet_builds_commands_and_doubles_iac_in_data),
                cmocka_unit_test(test_telnet_command_cut_by_segment_or_capture),
                cmocka_unit_test(test_tpkt_cotp_corpus_fields_match_tshark),
                cmocka_unit_test(test_tpkt_cotp_build_fills_lengths),
                cmocka_unit_test(test_cotp_li_shorter_than_fixed_part_is_malformed),
                cmocka_unit_test(test_rpc_parts_left_out_are_completed),
                cmocka_unit_test(test_rpc_portmap_call_builds_as_scapy),
                cmocka_unit_test(test_rpc_record_mark_reply_builds_as_scapy),
                cmocka_unit_test(test_rpc_portmap_corpus_fields_match_tshark),
                cmocka_unit_test(test_rpc_hostile_lengths_are_flagged),
                cmocka_unit_test(test_text_every_prefix_parses_and_flags_truncation),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
