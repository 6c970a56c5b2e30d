/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCPv6 (RFC 8415 8, 9; options 21 and RFC 3319, 3646, 4075, 4280, 4704, 5908, 5970, 6334, 6939,
 * 8520).
 *
 *   client/server message (dhcp6)          relay message (dhcp6 + dhcp6relay)
 *  +-------------+-----------------+      +-------------+-------------+----------------------+
 *  | msg-type(1) | transaction-id  |      | msg-type(1) | hop-count(1)| link-address (16)    |
 *  +-------------+-----------------+      +-------------+-------------+----------------------+
 *  | options ...                   |      | peer-address (16)  | options ...               |
 *
 *  option: option-code (2) | option-len (2) | option-data (option-len bytes)
 *
 * The two layouts differ after the first byte, so a relay message is a dhcp6 layer of one byte (its
 * msgtype) and a dhcp6relay sub-layer, as ICMP's bodies are. The message is the whole datagram and
 * its options are header. "opts" are the top-level options; "opts_all" walks every option depth
 * first, descending into the options nested in IA_NA, IA_TA, IA_PD, IA Address, IA Prefix and in
 * the message a Relay Message option carries, in the order tshark lists them. Each option kind has
 * its fields (a DUID by its type, an address list as addr1, addr2, ...); a value too short for them
 * is bytes.
 */
#include <string.h>

#include "internal.h"
#include "tlv16.h"

#define DHCP6_HDR_LEN  4
#define RELAY_HDR_LEN  33 /* after the msg-type byte */
#define OPT_HDR_LEN    4
#define MSG_RELAY_FORW 12
#define MSG_RELAY_REPL 13
/* Why 16: RFC 8415 7.6's HOP_COUNT_LIMIT is 8 relays, each adding one level, and an IA nests two
 * more (IA_NA > IA Address > Status Code); deeper is a hostile message, whose inside stays bytes.
 */
#define OPT_DEPTH_MAX 16
/* Why 1024: every opts_all step walks the message again from its start; a bound keeps a hostile
 * message of 16,000 empty options linear enough. */
#define OPTS_ALL_MAX 1024
/* Why 8 (16 option codes): what real messages list; a longer list keeps the rest in "more". */
#define LIST_MAX  8
#define CODES_MAX 16
/* Why 24: more arguments than any option kind has fields (a list's 16 codes and its length). */
#define DHCP6_ARGS_MAX 24

/* clang-format off */
enum opt_code {
        O_CLIENTID = 1, O_SERVERID = 2, O_IA_NA = 3, O_IA_TA = 4, O_IAADDR = 5, O_ORO = 6,
        O_PREFERENCE = 7, O_ELAPSED_TIME = 8, O_RELAY_MSG = 9, O_AUTH = 11, O_UNICAST = 12,
        O_STATUS_CODE = 13, O_RAPID_COMMIT = 14, O_USER_CLASS = 15, O_VENDOR_CLASS = 16,
        O_VENDOR_OPTS = 17, O_INTERFACE_ID = 18, O_RECONF_MSG = 19, O_RECONF_ACCEPT = 20,
        O_SIP_DOMAINS = 21, O_SIP_SERVERS = 22, O_DNS_SERVERS = 23, O_DOMAIN_LIST = 24, O_IA_PD = 25,
        O_IAPREFIX = 26, O_NIS_SERVERS = 27, O_NISP_SERVERS = 28, O_NIS_DOMAIN = 29,
        O_NISP_DOMAIN = 30, O_SNTP_SERVERS = 31, O_INFO_REFRESH_TIME = 32, O_BCMCS_DOMAINS = 33,
        O_BCMCS_SERVERS = 34, O_REMOTE_ID = 37, O_SUBSCRIBER_ID = 38, O_CLIENT_FQDN = 39,
        O_PANA_AGENT = 40, O_NTP_SERVER = 56, O_BOOTFILE_URL = 59, O_AFTR_NAME = 64,
        O_CLIENT_LINKLAYER_ADDR = 79, O_SOL_MAX_RT = 82, O_INF_MAX_RT = 83, O_MUDURL = 112,
};
/* clang-format on */

enum duid_type { DUID_LLT = 1, DUID_EN = 2, DUID_LL = 3, DUID_UUID = 4 };
#define HWTYPE_ETHERNET 1
#define MAC_LEN         6

/* clang-format off */
/* RFC 8415 7.3, RFC 5007, RFC 5460, RFC 6977, RFC 7341. */
static const struct pkt_name msg_names[] = {
        { 1, "SOLICIT" }, { 2, "ADVERTISE" }, { 3, "REQUEST" }, { 4, "CONFIRM" }, { 5, "RENEW" },
        { 6, "REBIND" }, { 7, "REPLY" }, { 8, "RELEASE" }, { 9, "DECLINE" }, { 10, "RECONFIGURE" },
        { 11, "INFORMATION_REQUEST" }, { 12, "RELAY_FORW" }, { 13, "RELAY_REPL" },
        { 14, "LEASEQUERY" }, { 15, "LEASEQUERY_REPLY" }, { 16, "LEASEQUERY_DONE" },
        { 17, "LEASEQUERY_DATA" }, { 18, "RECONFIGURE_REQUEST" }, { 19, "RECONFIGURE_REPLY" },
        { 20, "DHCPV4_QUERY" }, { 21, "DHCPV4_RESPONSE" }, { 0, NULL },
};

/* RFC 8415 21 and IANA's option codes, as element kinds. */
static const struct pkt_name opt_names[] = {
        { O_CLIENTID, "clientid" }, { O_SERVERID, "serverid" }, { O_IA_NA, "ia_na" },
        { O_IA_TA, "ia_ta" }, { O_IAADDR, "iaaddr" }, { O_ORO, "oro" }, { O_PREFERENCE, "preference" },
        { O_ELAPSED_TIME, "elapsed_time" }, { O_RELAY_MSG, "relay_msg" }, { O_AUTH, "auth" },
        { O_UNICAST, "unicast" }, { O_STATUS_CODE, "status_code" }, { O_RAPID_COMMIT, "rapid_commit" },
        { O_USER_CLASS, "user_class" }, { O_VENDOR_CLASS, "vendor_class" },
        { O_VENDOR_OPTS, "vendor_opts" }, { O_INTERFACE_ID, "interface_id" },
        { O_RECONF_MSG, "reconf_msg" }, { O_RECONF_ACCEPT, "reconf_accept" },
        { O_SIP_DOMAINS, "sip_domains" }, { O_SIP_SERVERS, "sip_servers" },
        { O_DNS_SERVERS, "dns_servers" }, { O_DOMAIN_LIST, "domain_list" }, { O_IA_PD, "ia_pd" },
        { O_IAPREFIX, "iaprefix" }, { O_NIS_SERVERS, "nis_servers" }, { O_NISP_SERVERS, "nisp_servers" },
        { O_NIS_DOMAIN, "nis_domain" }, { O_NISP_DOMAIN, "nisp_domain" },
        { O_SNTP_SERVERS, "sntp_servers" }, { O_INFO_REFRESH_TIME, "info_refresh_time" },
        { O_BCMCS_DOMAINS, "bcmcs_domains" }, { O_BCMCS_SERVERS, "bcmcs_servers" },
        { O_REMOTE_ID, "remote_id" }, { O_SUBSCRIBER_ID, "subscriber_id" },
        { O_CLIENT_FQDN, "client_fqdn" }, { O_PANA_AGENT, "pana_agent" },
        { O_NTP_SERVER, "ntp_server" }, { O_BOOTFILE_URL, "bootfile_url" }, { O_AFTR_NAME, "aftr_name" },
        { O_CLIENT_LINKLAYER_ADDR, "client_linklayer_addr" }, { O_SOL_MAX_RT, "sol_max_rt" },
        { O_INF_MAX_RT, "inf_max_rt" }, { O_MUDURL, "mudurl" }, { 0, NULL },
};

static const struct pkt_name duid_names[] = {
        { DUID_LLT, "LLT" }, { DUID_EN, "EN" }, { DUID_LL, "LL" }, { DUID_UUID, "UUID" }, { 0, NULL },
};

/* RFC 8415 21.13, RFC 5007, RFC 5460. */
static const struct pkt_name status_names[] = {
        { 0, "Success" }, { 1, "UnspecFail" }, { 2, "NoAddrsAvail" }, { 3, "NoBinding" },
        { 4, "NotOnLink" }, { 5, "UseMulticast" }, { 6, "NoPrefixAvail" }, { 7, "UnknownQueryType" },
        { 8, "MalformedQuery" }, { 9, "NotConfigured" }, { 10, "NotAllowed" }, { 0, NULL },
};

/* RFC 4704 4.1. */
static const struct pkt_name fqdn_flag_names[] = {
        { 0x01, "S" }, { 0x02, "O" }, { 0x04, "N" }, { 0, NULL },
};

static const struct pkt_field dhcp6_fields[] = {
        { .name = "msgtype", .off = 0, .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = msg_names, .def = 1 },
        { .name = "xid",     .off = 8, .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_field relay_fields[] = {
        PKT_U("hopcount", 0, 8),
        { .name = "linkaddr", .off = 8,   .bits = 128, .type = PKT_FT_IPV6 },
        { .name = "peeraddr", .off = 136, .bits = 128, .type = PKT_FT_IPV6 },
};

/* Every option: its code and length (RFC 8415 21.1), as DHCP's options have type and len. */
static const struct pkt_field opt_fields[] = {
        { .name = "type", .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .names = opt_names },
        PKT_U("len", 16, 16),
};

/* Kind fields, from the first data byte. */
#define DUID_TYPE { .name = "duid_type", .off = 0, .bits = 16, .type = PKT_FT_ENUM, .names = duid_names, .def = DUID_LL }
#define HWTYPE    { .name = "hwtype", .off = 16, .bits = 16, .type = PKT_FT_UINT, .def = HWTYPE_ETHERNET }
static const struct pkt_field duid_llt[] = {
        DUID_TYPE, HWTYPE, PKT_U("time", 32, 32), { .name = "lladdr", .off = 64, .bits = 48, .type = PKT_FT_MAC },
};
static const struct pkt_field duid_llt_bytes[] = {
        DUID_TYPE, HWTYPE, PKT_U("time", 32, 32), { .name = "lladdr", .off = 64, .type = PKT_FT_BYTES },
};
static const struct pkt_field duid_en[] = {
        DUID_TYPE, PKT_U("enterprise", 16, 32), { .name = "identifier", .off = 48, .type = PKT_FT_BYTES },
};
static const struct pkt_field duid_ll[] = {
        DUID_TYPE, HWTYPE, { .name = "lladdr", .off = 32, .bits = 48, .type = PKT_FT_MAC },
};
static const struct pkt_field duid_ll_bytes[] = {
        DUID_TYPE, HWTYPE, { .name = "lladdr", .off = 32, .type = PKT_FT_BYTES },
};
static const struct pkt_field duid_uuid[] = {
        DUID_TYPE, { .name = "uuid", .off = 16, .bits = 128, .type = PKT_FT_BYTES },
};
static const struct pkt_field duid_other[] = {
        DUID_TYPE, { .name = "value", .off = 16, .type = PKT_FT_BYTES },
};

#define IAID      { .name = "iaid", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX }
#define NESTED(o) { .name = "options", .off = (o), .type = PKT_FT_BYTES }
static const struct pkt_field ia_kind[] = {
        IAID, PKT_U("t1", 32, 32), PKT_U("t2", 64, 32), NESTED(96),
};
static const struct pkt_field ia_ta_kind[] = { IAID, NESTED(32) };
static const struct pkt_field iaaddr_kind[] = {
        { .name = "addr", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
        PKT_U("preferred_lifetime", 128, 32), PKT_U("valid_lifetime", 160, 32), NESTED(192),
};
static const struct pkt_field iaprefix_kind[] = {
        PKT_U("preferred_lifetime", 0, 32), PKT_U("valid_lifetime", 32, 32),
        { .name = "prefix_len", .off = 64, .bits = 8,   .type = PKT_FT_UINT, .def = 64 },
        { .name = "prefix",     .off = 72, .bits = 128, .type = PKT_FT_IPV6 },
        NESTED(200),
};
static const struct pkt_field relay_msg_kind[] = {
        { .name = "msgtype", .off = 0, .bits = 8,  .type = PKT_FT_ENUM, .names = msg_names, .def = 1 },
        { .name = "xid",     .off = 8, .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        NESTED(32),
};
static const struct pkt_field relay_msg_relay_kind[] = {
        { .name = "msgtype",  .off = 0,   .bits = 8,   .type = PKT_FT_ENUM, .names = msg_names, .def = MSG_RELAY_FORW },
        PKT_U("hopcount", 8, 8),
        { .name = "linkaddr", .off = 16,  .bits = 128, .type = PKT_FT_IPV6 },
        { .name = "peeraddr", .off = 144, .bits = 128, .type = PKT_FT_IPV6 },
        NESTED(272),
};
static const struct pkt_field preference_kind[] = { PKT_U("pref", 0, 8) };
/* Hundredths of a second (RFC 8415 21.9). */
static const struct pkt_field elapsed_kind[] = { PKT_U("elapsed", 0, 16) };
static const struct pkt_field auth_kind[] = {
        PKT_U("protocol", 0, 8), PKT_U("algorithm", 8, 8), PKT_U("rdm", 16, 8),
        { .name = "replay", .off = 24, .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "info",   .off = 88, .type = PKT_FT_BYTES },
};
static const struct pkt_field unicast_kind[] = {
        { .name = "addr", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
};
static const struct pkt_field status_kind[] = {
        { .name = "code",    .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .names = status_names },
        { .name = "message", .off = 16, .type = PKT_FT_STRING },
};
static const struct pkt_field vendor_class_kind[] = {
        PKT_U("enterprise", 0, 32), { .name = "data", .off = 32, .type = PKT_FT_BYTES },
};
static const struct pkt_field vendor_opts_kind[] = {
        PKT_U("enterprise", 0, 32), { .name = "suboptions", .off = 32, .type = PKT_FT_BYTES },
};
static const struct pkt_field remote_id_kind[] = {
        PKT_U("enterprise", 0, 32), { .name = "remote_id", .off = 32, .type = PKT_FT_BYTES },
};
static const struct pkt_field reconf_msg_kind[] = {
        { .name = "msgtype", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = msg_names, .def = 5 },
};
static const struct pkt_field seconds_kind[] = { PKT_U("seconds", 0, 32) };
static const struct pkt_field fqdn_kind[] = {
        { .name = "flags",  .off = 0, .bits = 8, .type = PKT_FT_FLAGS, .names = fqdn_flag_names },
        { .name = "domain", .off = 8, .type = PKT_FT_DNSNAME },
};
/* RFC 4704 4.2: a partial name lacks the terminating zero-length label. */
static const struct pkt_field fqdn_partial_kind[] = {
        { .name = "flags",  .off = 0, .bits = 8, .type = PKT_FT_FLAGS, .names = fqdn_flag_names },
        { .name = "partial_domain", .off = 8, .type = PKT_FT_BYTES },
};
/* RFC 6334 3: the AFTR's name, one whole name. */
static const struct pkt_field aftr_kind[] = { { .name = "name", .off = 0, .type = PKT_FT_DNSNAME } };
/* RFC 6939: the client's link-layer address, after its ARP hardware type. */
static const struct pkt_field linklayer_kind[] = {
        { .name = "hwtype", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .def = HWTYPE_ETHERNET },
        { .name = "lladdr", .off = 16, .bits = 48, .type = PKT_FT_MAC },
};
static const struct pkt_field linklayer_bytes_kind[] = {
        { .name = "hwtype", .off = 0,  .bits = 16, .type = PKT_FT_UINT, .def = HWTYPE_ETHERNET },
        { .name = "lladdr", .off = 16, .type = PKT_FT_BYTES },
};
static const struct pkt_field url_kind[] = { { .name = "url", .off = 0, .type = PKT_FT_STRING } };
static const struct pkt_field suboptions_kind[] = { { .name = "suboptions", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field bytes_kind[] = { { .name = "value", .off = 0, .type = PKT_FT_BYTES } };

/* Lists: the first LIST_MAX (CODES_MAX) items by number, the rest as bytes. */
#define ADDR(n, i) { .name = (n), .off = (i) * 128, .bits = 128, .type = PKT_FT_IPV6 }
static const struct pkt_field addr_list[LIST_MAX + 1] = {
        ADDR("addr1", 0), ADDR("addr2", 1), ADDR("addr3", 2), ADDR("addr4", 3),
        ADDR("addr5", 4), ADDR("addr6", 5), ADDR("addr7", 6), ADDR("addr8", 7),
        { .name = "more", .off = LIST_MAX * 128, .type = PKT_FT_BYTES },
};
#define CODE(n, i) { .name = (n), .off = (i) * 16, .bits = 16, .type = PKT_FT_ENUM, .names = opt_names }
static const struct pkt_field code_list[CODES_MAX + 1] = {
        CODE("code1", 0),   CODE("code2", 1),   CODE("code3", 2),   CODE("code4", 3),
        CODE("code5", 4),   CODE("code6", 5),   CODE("code7", 6),   CODE("code8", 7),
        CODE("code9", 8),   CODE("code10", 9),  CODE("code11", 10), CODE("code12", 11),
        CODE("code13", 12), CODE("code14", 13), CODE("code15", 14), CODE("code16", 15),
        { .name = "more", .off = CODES_MAX * 16, .type = PKT_FT_BYTES },
};
/* RFC 8415 10: uncompressed names, one after the other. */
#define NAME(n) { .name = (n), .off = PKT_OFF_FOLLOW, .type = PKT_FT_DNSNAME }
static const struct pkt_field domain_list[LIST_MAX + 1] = {
        { .name = "domain1", .off = 0, .type = PKT_FT_DNSNAME },
        NAME("domain2"), NAME("domain3"), NAME("domain4"), NAME("domain5"), NAME("domain6"),
        NAME("domain7"), NAME("domain8"),
        { .name = "more", .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_MSGTYPE, F_XID };

struct kind {
        const struct pkt_field *fields;
        uint8_t n;
        bool bad; /* the value is too short (or long) for its kind's fields: they are bytes */
};
#define KIND(a) ((struct kind){ (a), ARRAY_SIZE(a), false })

/* Kinds whose fields have a fixed part: the value has @min_len bytes, or at least that many; in a
 * container (@nests), options follow the fixed part. */
struct opt_form {
        uint16_t code;
        uint8_t min_len;
        bool exact, nests;
        struct kind kind;
};

/* clang-format off */
static const struct opt_form forms[] = {
        { O_IA_NA, 12, false, true, KIND(ia_kind) },
        { O_IA_PD, 12, false, true, KIND(ia_kind) },
        { O_IA_TA, 4, false, true, KIND(ia_ta_kind) },
        { O_IAADDR, 24, false, true, KIND(iaaddr_kind) },
        { O_IAPREFIX, 25, false, true, KIND(iaprefix_kind) },
        { O_PREFERENCE, 1, true, false, KIND(preference_kind) },
        { O_ELAPSED_TIME, 2, true, false, KIND(elapsed_kind) },
        { O_AUTH, 11, false, false, KIND(auth_kind) },
        { O_UNICAST, 16, true, false, KIND(unicast_kind) },
        { O_STATUS_CODE, 2, false, false, KIND(status_kind) },
        { O_RAPID_COMMIT, 0, true, false, { NULL, 0, false } },
        { O_RECONF_ACCEPT, 0, true, false, { NULL, 0, false } },
        { O_VENDOR_CLASS, 4, false, false, KIND(vendor_class_kind) },
        { O_VENDOR_OPTS, 4, false, false, KIND(vendor_opts_kind) },
        { O_REMOTE_ID, 4, false, false, KIND(remote_id_kind) },
        { O_RECONF_MSG, 1, true, false, KIND(reconf_msg_kind) },
        { O_INFO_REFRESH_TIME, 4, true, false, KIND(seconds_kind) },
        { O_SOL_MAX_RT, 4, true, false, KIND(seconds_kind) },
        { O_INF_MAX_RT, 4, true, false, KIND(seconds_kind) },
        { O_BOOTFILE_URL, 0, false, false, KIND(url_kind) },
        { O_MUDURL, 0, false, false, KIND(url_kind) },
        { O_NTP_SERVER, 0, false, false, KIND(suboptions_kind) },
};

static const uint16_t addr_list_codes[] = {
        O_SIP_SERVERS, O_DNS_SERVERS, O_NIS_SERVERS, O_NISP_SERVERS,
        O_SNTP_SERVERS, O_BCMCS_SERVERS, O_PANA_AGENT,
};
static const uint16_t domain_list_codes[] = {
        O_SIP_DOMAINS, O_DOMAIN_LIST, O_NIS_DOMAIN, O_NISP_DOMAIN, O_BCMCS_DOMAINS,
};
/* clang-format on */

static bool
is_relay(unsigned msgtype)
{
        return msgtype == MSG_RELAY_FORW || msgtype == MSG_RELAY_REPL;
}

static bool
code_in(unsigned code, const uint16_t *codes, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (codes[i] == code)
                        return true;
        return false;
}

static const struct opt_form *
form_of(unsigned code)
{
        for (size_t i = 0; i < ARRAY_SIZE(forms); i++)
                if (forms[i].code == code)
                        return &forms[i];
        return NULL;
}

static struct kind
bad_len(void)
{
        return (struct kind){ bytes_kind, ARRAY_SIZE(bytes_kind), true };
}

/* @count items of a list whose table names @max of them: those, or all and "more". */
static struct kind
list_of(const struct pkt_field *table, unsigned max, uint32_t count)
{
        return (struct kind){ table, (uint8_t)(count > max ? max + 1 : count), false };
}

/* The number of whole uncompressed names in @len bytes at @b, or -1 when they are not that. */
static int
count_names(const uint8_t *b, uint32_t len)
{
        uint32_t pos = 0;
        int n = 0;

        while (pos < len) {
                uint8_t label = b[pos++];
                if (label == 0) {
                        n++;
                        continue;
                }
                /* Longer labels are pointers or reserved forms (RFC 1035 4.1.4), not for DHCPv6. */
                if (label > 63 || label >= len - pos)
                        return -1;
                pos += label;
        }
        return n;
}

/* A DUID (RFC 8415 11) of @len bytes at @b: its type's fields, a link-layer address as a MAC
 * address when it is Ethernet's. */
static struct kind
duid_kind(const uint8_t *b, uint32_t len)
{
        if (len < 2)
                return bad_len();
        bool ethernet = len >= 4 && pkt_load_be16(b + 2) == HWTYPE_ETHERNET;
        switch (pkt_load_be16(b)) {
        case DUID_LLT:
                if (len < 8)
                        return KIND(duid_other);
                return ethernet && len == 8 + MAC_LEN ? KIND(duid_llt) : KIND(duid_llt_bytes);
        case DUID_EN:
                return len >= 6 ? KIND(duid_en) : KIND(duid_other);
        case DUID_LL:
                if (len < 4)
                        return KIND(duid_other);
                return ethernet && len == 4 + MAC_LEN ? KIND(duid_ll) : KIND(duid_ll_bytes);
        case DUID_UUID:
                return len == 18 ? KIND(duid_uuid) : KIND(duid_other);
        default:
                return KIND(duid_other);
        }
}

/* The fields of an option of @code whose @len value bytes are at @b. */
static struct kind
opt_kind(unsigned code, const uint8_t *b, uint32_t len)
{
        const struct opt_form *form = form_of(code);

        if (form)
                return len == form->min_len || (!form->exact && len > form->min_len) ? form->kind
                                                                                     : bad_len();
        if (code_in(code, addr_list_codes, ARRAY_SIZE(addr_list_codes)))
                return len % 16 ? bad_len() : list_of(addr_list, LIST_MAX, len / 16);
        if (code == O_ORO)
                return len % 2 ? bad_len() : list_of(code_list, CODES_MAX, len / 2);
        if (code_in(code, domain_list_codes, ARRAY_SIZE(domain_list_codes))) {
                int n = count_names(b, len);
                return n < 0 ? KIND(bytes_kind) : list_of(domain_list, LIST_MAX, (uint32_t)n);
        }
        switch (code) {
        case O_CLIENTID:
        case O_SERVERID:
                return duid_kind(b, len);
        case O_RELAY_MSG:
                if (len >= 1 + RELAY_HDR_LEN && is_relay(b[0]))
                        return KIND(relay_msg_relay_kind);
                return len >= DHCP6_HDR_LEN && !is_relay(b[0]) ? KIND(relay_msg_kind) : bad_len();
        case O_AFTR_NAME:
                return count_names(b, len) == 1 ? KIND(aftr_kind) : KIND(bytes_kind);
        case O_CLIENT_FQDN:
                if (len < 1)
                        return bad_len();
                return count_names(b + 1, len - 1) == 1 ? KIND(fqdn_kind) : KIND(fqdn_partial_kind);
        case O_CLIENT_LINKLAYER_ADDR:
                if (len < 2)
                        return bad_len();
                return pkt_load_be16(b) == HWTYPE_ETHERNET && len == 2 + MAC_LEN
                               ? KIND(linklayer_kind)
                               : KIND(linklayer_bytes_kind);
        default:
                return KIND(bytes_kind);
        }
}

/* Where the options nested in an option of @code (@len value bytes at @b) start, from its value; 0
 * when it has none: after a container's fixed part, or the header of the message a Relay Message
 * option carries. */
static uint32_t
nested_at(unsigned code, const uint8_t *b, uint32_t len)
{
        const struct opt_form *form = form_of(code);
        uint32_t at;

        if (code == O_RELAY_MSG)
                at = len >= 1 && is_relay(b[0]) ? 1 + RELAY_HDR_LEN : DHCP6_HDR_LEN;
        else if (form && form->nests)
                at = form->min_len;
        else
                return 0;
        return at <= len ? at : 0;
}

static bool
damaged(const struct pkt_elem *e)
{
        return e->flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED);
}

/* Gives the whole option @e its kind. */
static void
set_kind(const struct pkt_view *v, struct pkt_elem *e)
{
        const uint8_t *o = v->b + e->off;
        struct kind k = opt_kind(pkt_load_be16(o), o + OPT_HDR_LEN, e->len - OPT_HDR_LEN);

        e->kind_fields = k.fields;
        e->n_kind_fields = k.n;
        if (k.bad)
                e->flags |= PKT_ELEM_BAD_LEN;
}

/* Where the options start; UINT32_MAX in the one-byte dhcp6 layer of a relay message, which has
 * none (they are its dhcp6relay layer's). */
static uint32_t
opts_start(const struct pkt_view *v)
{
        if (v->proto == PKT_PROTO_DHCP6_RELAY)
                return RELAY_HDR_LEN;
        return is_relay(v->b[0]) ? UINT32_MAX : DHCP6_HDR_LEN;
}

static int
opts_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t start = opts_start(v);

        if (start == UINT32_MAX || pkt_tlv16_next(v, start, v->wire_len, false, e) != 1)
                return 0;
        if (!damaged(e))
                set_kind(v, e);
        return 1;
}

/*
 * The first option at or after @target, in depth-first order, among the options in [@pos, @end) and
 * those nested in them (@depth levels down), into @e. Returns 1, or 0 when there is none. At the
 * top, an option that cannot be walked past is produced flagged and ends the set (as in "opts");
 * nested, one that runs past its container is produced with PKT_ELEM_BAD_LEN and the walk resumes
 * after the container.
 */
static int
find_from(const struct pkt_view *v, uint32_t pos, uint32_t end, uint32_t target, unsigned depth,
          struct pkt_elem *e)
{
        struct pkt_elem o = { .count = 1, .next = pos };

        while (pkt_tlv16_next(v, pos, end, false, &o) == 1) {
                const uint8_t *b = v->b + o.off + OPT_HDR_LEN;
                uint32_t len = damaged(&o) ? 0 : o.len - OPT_HDR_LEN;
                uint32_t in = damaged(&o) || depth + 1 >= OPT_DEPTH_MAX
                                      ? 0
                                      : nested_at(pkt_load_be16(v->b + o.off), b, len);
                if (o.off >= target) {
                        e->off = o.off;
                        e->len = o.len;
                        e->data_off = o.data_off;
                        if (!damaged(&o)) {
                                set_kind(v, e);
                                e->next = in ? o.off + OPT_HDR_LEN + in : o.next;
                        } else if (depth > 0) {
                                e->flags |= PKT_ELEM_BAD_LEN;
                                e->next = end;
                        } else {
                                e->flags |= o.flags;
                                e->next = UINT32_MAX;
                        }
                        return 1;
                }
                if (damaged(&o))
                        return 0;
                /* The target is inside this container: among its options, or after it. */
                uint32_t inner = o.off + OPT_HDR_LEN + in, opt_end = o.off + o.len;
                if (in && target < opt_end && find_from(v, inner, opt_end, target, depth + 1, e))
                        return 1;
                o.flags = 0;
        }
        return 0;
}

static int
opts_all_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t start = opts_start(v), target = e->count == 0 ? start : e->next;

        if (e->count >= OPTS_ALL_MAX || target == UINT32_MAX || start == UINT32_MAX)
                return 0;
        return find_from(v, start, v->wire_len, target, 0, e);
}

enum { SET_OPTS, SET_OPTS_ALL };

static const struct pkt_elem_set dhcp6_elems[] = {
        [SET_OPTS] = { .name = "opts",
                       .elem_name = "opt",
                       .next = opts_next,
                       .fields = opt_fields,
                       .n_fields = ARRAY_SIZE(opt_fields) },
        [SET_OPTS_ALL] = { .name = "opts_all",
                           .elem_name = "opt",
                           .next = opts_all_next,
                           .fields = opt_fields,
                           .n_fields = ARRAY_SIZE(opt_fields) },
};

/* The options are header, to the end of the datagram. One that runs past it makes the layer
 * malformed, as does a value too short for its kind, nested or not. */
static void
options_dissect(const struct pkt_view *v, struct pkt_dissect *d, uint32_t start)
{
        d->hdr_len = MAX(v->wire_len, start);
        d->payload_len = 0;
        if (v->caplen >= start)
                d->flags |= pkt_elems_damage(v, opts_next) | pkt_elems_damage(v, opts_all_next);
}

static void
dhcp6_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        if (is_relay(v->b[0])) {
                d->hdr_len = 1;
                d->next = PKT_PROTO_DHCP6_RELAY;
                return;
        }
        options_dissect(v, d, DHCP6_HDR_LEN);
}

static void
relay_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        options_dissect(v, d, RELAY_HDR_LEN);
}

/*
 * Above a dhcp6relay layer the message type is a relay's (RELAY_FORW unless given) and the header
 * is that one byte: a header built with the client's layout loses its transaction ID, unless it was
 * set.
 */
static int
dhcp6_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        int r;

        if (idx + 1u >= p->n_layers || p->layers[idx + 1].proto != PKT_PROTO_DHCP6_RELAY)
                return 0;
        if (!is_relay(p->data[l->off]) && (r = pkt_auto_set(p, idx, F_MSGTYPE, MSG_RELAY_FORW)) < 0)
                return r;
        if ((p->flags & PKT_F_OWNED) && l->hdr_len == DHCP6_HDR_LEN &&
            !(l->set_mask & (UINT64_C(1) << F_XID)))
                return pkt_layer_splice(p, idx, 1, DHCP6_HDR_LEN - 1, NULL, 0);
        return 0;
}

/* RFC 8415 16: a server answers a client's message with its transaction ID (ADVERTISE, REPLY). */
static bool
dhcp6_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *lq = &req->layers[ri], *lp = &rep->layers[pi];
        const uint8_t *q = req->data + lq->off, *a = rep->data + lp->off;

        if (lq->proto != PKT_PROTO_DHCP6 || lq->len < DHCP6_HDR_LEN)
                return true;
        if (lp->len < DHCP6_HDR_LEN || is_relay(q[0]) || is_relay(a[0]))
                return false;
        return (a[0] == 2 || a[0] == 7) && memcmp(q + 1, a + 1, 3) == 0;
}

/*
 * ---- building ----
 * "elapsed_time(0)", "oro(dns_servers,domain_list)", "clientid(duid_type=LL,lladdr=02:00:00:00:00:01)",
 * "ia_na(iaid=1,t1=3600,t2=5400,options=[iaaddr(2001:db8::1,7200,7500)])"
 */

static int opt_build(const char *text, uint8_t *out, size_t size, unsigned depth);

/* Options nested in an option's "options" argument: a list of option texts ("[...]"), or their
 * bytes. Returns the bytes written or -errno. */
static int
build_nested(const struct pkt_field *f, const char *text, uint8_t *out, size_t size, unsigned depth)
{
        size_t pos = 1, len = 0, room = strlen(text) + 1;
        int r;

        if (text[0] != '[')
                return pkt_spec_field(f, text, out, size);
        if (depth + 1 >= OPT_DEPTH_MAX)
                return -E2BIG;
        _cleanup_free_ char *item = malloc(room);
        if (!item)
                return -ENOMEM;
        while ((r = pkt_spec_list_item(text, &pos, item, room)) == 1) {
                if (!item[0])
                        continue;
                if ((r = opt_build(item, out + len, size - len, depth + 1)) < 0)
                        return r;
                len += (size_t)r;
        }
        return r < 0 ? r : (int)len;
}

/* Is @text written as a MAC address (or absent, when the default is one)? */
static bool
mac_text(const char *text)
{
        return !text || pkt_text_is_mac(text);
}

/* The arguments every option takes besides its kind's fields: its code (after the generic name
 * "opt", as the JSON form writes it) and its length. */
static bool
is_common_arg(const char *key)
{
        return strcmp(key, "type") == 0 || strcmp(key, "len") == 0;
}

/* How many items a list option is given. */
static uint32_t
count_items(const struct pkt_spec_arg *args, int n)
{
        uint32_t count = 0;

        for (int i = 0; i < n; i++)
                count += !is_common_arg(args[i].key);
        return count;
}

/* The fields of the option that element text @code (@args) builds, as opt_kind() reads them back.
 * Returns 0 or -EINVAL (a DUID or message type that is neither a name nor a number). */
static int
build_kind(unsigned code, const struct pkt_spec_arg *args, int n, struct kind *ret)
{
        const struct opt_form *form = form_of(code);
        int type;

        if (form) {
                *ret = form->kind;
                return 0;
        }
        if (code_in(code, addr_list_codes, ARRAY_SIZE(addr_list_codes)))
                *ret = list_of(addr_list, LIST_MAX, count_items(args, n));
        else if (code == O_ORO)
                *ret = list_of(code_list, CODES_MAX, count_items(args, n));
        else if (code_in(code, domain_list_codes, ARRAY_SIZE(domain_list_codes)))
                *ret = list_of(domain_list, LIST_MAX, count_items(args, n));
        else if (code == O_CLIENTID || code == O_SERVERID) {
                if ((type = pkt_spec_named(args, n, "duid_type", duid_names, UINT16_MAX, DUID_LL)) < 0)
                        return type;
                bool mac = mac_text(pkt_spec_arg(args, n, "lladdr", -1));
                *ret = type == DUID_LLT    ? (mac ? KIND(duid_llt) : KIND(duid_llt_bytes))
                       : type == DUID_LL   ? (mac ? KIND(duid_ll) : KIND(duid_ll_bytes))
                       : type == DUID_EN   ? KIND(duid_en)
                       : type == DUID_UUID ? KIND(duid_uuid)
                                           : KIND(duid_other);
        } else if (code == O_RELAY_MSG) {
                if ((type = pkt_spec_named(args, n, "msgtype", msg_names, UINT8_MAX, 1)) < 0)
                        return type;
                *ret = is_relay((unsigned)type) ? KIND(relay_msg_relay_kind) : KIND(relay_msg_kind);
        } else if (code == O_AFTR_NAME) {
                *ret = KIND(aftr_kind);
        } else if (code == O_CLIENT_FQDN) {
                *ret = pkt_spec_arg(args, n, "partial_domain", -1) ? KIND(fqdn_partial_kind)
                                                                   : KIND(fqdn_kind);
        } else if (code == O_CLIENT_LINKLAYER_ADDR) {
                *ret = mac_text(pkt_spec_arg(args, n, "lladdr", -1)) ? KIND(linklayer_kind)
                                                                     : KIND(linklayer_bytes_kind);
        } else {
                *ret = KIND(bytes_kind);
        }
        return 0;
}

/* Is every argument common, a field of @kind by name, or one without a name for a field in order?
 */
static bool
args_known(struct kind kind, const struct pkt_spec_arg *args, int n)
{
        for (int k = 0; k < n; k++) {
                bool known = args[k].key[0] ? is_common_arg(args[k].key) : k < kind.n;
                for (unsigned f = 0; f < kind.n && !known; f++)
                        known = strcmp(kind.fields[f].name, args[k].key) == 0;
                if (!known)
                        return false;
        }
        return true;
}

/*
 * An option from "kind(field=value,...)", the kind by name or number, each field of its kind from
 * the argument of its name, or the one at its place, or its default (a variable field without one
 * is empty); "options" also takes a list of options. The length is computed unless given.
 */
static int
opt_build(const char *text, uint8_t *out, size_t size, unsigned depth)
{
        struct pkt_spec_arg args[DHCP6_ARGS_MAX];
        char name[32];
        struct kind kind;
        uint32_t code, len = OPT_HDR_LEN, opt_len;
        int n, r;

        n = pkt_spec_split(text, name, sizeof(name), args, DHCP6_ARGS_MAX);
        if (n < 0)
                return n;
        const char *type = strcmp(name, "opt") == 0 ? pkt_spec_arg(args, n, "type", -1) : name;
        if (!type || pkt_name_value(opt_names, type, UINT16_MAX, &code) < 0 ||
            build_kind(code, args, n, &kind) < 0)
                return -EINVAL;
        if (!args_known(kind, args, n))
                return -ENOENT;
        size = MIN(size, OPT_HDR_LEN + UINT16_MAX);
        if (size < OPT_HDR_LEN)
                return -EMSGSIZE;
        for (unsigned f = 0; f < kind.n; f++) {
                const struct pkt_field *fd = &kind.fields[f];
                const char *val = pkt_spec_arg(args, n, fd->name, (int)f);
                if (!val && fd->bits == 0)
                        continue;
                r = strcmp(fd->name, "options") == 0 && val
                            ? build_nested(fd, val, out + len, size - len, depth)
                            : pkt_spec_field(fd, val, out + len, size - len);
                if (r < 0)
                        return r;
                len += (uint32_t)r;
        }
        const char *given = pkt_spec_arg(args, n, "len", -1);
        opt_len = len - OPT_HDR_LEN;
        if (given && pkt_name_value(NULL, given, UINT16_MAX, &opt_len) < 0)
                return -EINVAL;
        pkt_store_be16(out, (uint16_t)code);
        pkt_store_be16(out + 2, (uint16_t)opt_len);
        return (int)len;
}

static int
dhcp6_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                 uint8_t *out, size_t size, uint32_t *ret_at)
{
        (void)v;
        *ret_at = hdr_len;
        int r = opt_build(text, out, size, 0);
        /* opts_all shows what opts holds and the options nested in them: an option valid there adds
         * nothing of its own (so that a message written as JSON, with both, reads back as it was).
         */
        return set == SET_OPTS_ALL ? MIN(r, 0) : r;
}

/* RFC 8415 7.2: clients listen on 546, servers and relay agents on 547. */
static const struct pkt_key dhcp6_carriers[] = {
        { PKT_KEY_UDP_PORT, 546 },
        { PKT_KEY_UDP_PORT, 547 },
        PKT_KEY_END,
};

static const char *const dhcp6_aliases[] = { "dhcpv6", NULL };

const struct pkt_proto pkt_proto_dhcp6 = {
        .name = "dhcp6",
        .aliases = dhcp6_aliases,
        .summary = "Dynamic Host Configuration Protocol for IPv6 (RFC 8415)",
        .id = PKT_PROTO_DHCP6,
        .min_hdr_len = 1, /* a relay message's: the rest is its dhcp6relay layer */
        .def_hdr_len = DHCP6_HDR_LEN,
        .fields = dhcp6_fields,
        .n_fields = ARRAY_SIZE(dhcp6_fields),
        .elems = dhcp6_elems,
        .n_elems = ARRAY_SIZE(dhcp6_elems),
        .carriers = dhcp6_carriers,
        .dissect = dhcp6_dissect,
        .update = dhcp6_update,
        .answers = dhcp6_answers,
        .elem_build = dhcp6_elem_build,
        .not_dissected =
                "Vendor-specific information (17) and NTP server (56) sub-options stay bytes; "
                "lists longer than 8 addresses or names (16 option codes) keep the rest in "
                "\"more\".",
};

const struct pkt_proto pkt_proto_dhcp6relay = {
        .name = "dhcp6relay",
        .summary = "DHCPv6 relay message body: hop count, link and peer addresses (RFC 8415 9)",
        .id = PKT_PROTO_DHCP6_RELAY,
        .min_hdr_len = RELAY_HDR_LEN,
        .fields = relay_fields,
        .n_fields = ARRAY_SIZE(relay_fields),
        .elems = dhcp6_elems,
        .n_elems = ARRAY_SIZE(dhcp6_elems),
        .dissect = relay_dissect,
        .elem_build = dhcp6_elem_build,
        .not_dissected = "As dhcp6.",
};
