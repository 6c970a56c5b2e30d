/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IS-IS, Intermediate System to Intermediate System routeing (ISO/IEC 10589:2002 9, RFC 1195 for
 * IP, RFC 5305 and 5308 for the extended TLVs), an OSI network layer protocol: NLPID 0x83, in LLC
 * between SAPs 0xfe, in Cisco HDLC (0xfefe), in PPP (0x0023) and in GRE (0x00fe).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  NLPID (0x83) | header length |  version (1)  | ID length (0) |   isis
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |R R R|PDU type |  version (1)  |   reserved    | max area addrs|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  the PDU's fixed fields, then its TLVs (1-byte type and length)  |   a sub-layer:
 *                                                                          isislanhello,
 *                                                                          isisp2phello, isislsp,
 *                                                                          isiscsnp, isispsnp
 *
 * The common header is the `isis` layer; as OSPF's bodies are, each kind of PDU is a sub-layer,
 * chosen by the type (levels 1 and 2 share a layout, and the type says which). Names are scapy's
 * (scapy.contrib.isis). A sub-layer's header is its fixed fields and its TLVs, to the PDU length,
 * which counts from the common header; what follows (padding) is the carrier's. System IDs are 6
 * bytes: the only length in use (an ID length of 0 means 6, ISO/IEC 10589 9.5); a PDU with another
 * stays raw.
 *
 * The TLVs after the fixed fields are isis_tlv.c's. An LSP's checksum is ISO 8473's Fletcher
 * checksum over the PDU from the LSP ID on (ISO/IEC 10589 7.3.11), computed as its check bytes.
 */
#include "isis.h"

#define ISIS_HDR_LEN 8
#define ISIS_NLPID   0x83
#define SYSID_LEN    6
/* Where an LSP's checksum coverage and its checksum start, from the sub-layer: after the PDU length
 * and the remaining lifetime, which changes as the LSP ages (ISO/IEC 10589 7.3.11). */
#define LSP_SUM_FROM 4
#define LSP_SUM_AT   16

enum isis_type {
        L1_LAN_HELLO = 15,
        L2_LAN_HELLO = 16,
        P2P_HELLO = 17,
        L1_LSP = 18,
        L2_LSP = 20,
        L1_CSNP = 24,
        L2_CSNP = 25,
        L1_PSNP = 26,
        L2_PSNP = 27,
};

/* clang-format off */
static const struct pkt_name isis_type_names[] = {
        { L1_LAN_HELLO, "L1_LAN_HELLO" }, { L2_LAN_HELLO, "L2_LAN_HELLO" }, { P2P_HELLO, "P2P_HELLO" },
        { L1_LSP, "L1_LSP" }, { L2_LSP, "L2_LSP" }, { L1_CSNP, "L1_CSNP" }, { L2_CSNP, "L2_CSNP" },
        { L1_PSNP, "L1_PSNP" }, { L2_PSNP, "L2_PSNP" }, { 0, NULL },
};

static const struct pkt_field isis_fields[] = {
        { .name = "nlpid",        .off = 0,  .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = ISIS_NLPID },
        { .name = "hdrlen",       .off = 8,  .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "version",      .off = 16, .bits = 8, .type = PKT_FT_UINT, .def = 1 },
        { .name = "idlen",        .off = 24, .bits = 8, .type = PKT_FT_UINT },
        { .name = "typereserved", .off = 32, .bits = 3, .type = PKT_FT_UINT },
        { .name = "pdutype",      .off = 35, .bits = 5, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = isis_type_names, .def = L1_LAN_HELLO },
        { .name = "pduversion",   .off = 40, .bits = 8, .type = PKT_FT_UINT, .def = 1 },
        { .name = "hdrreserved",  .off = 48, .bits = 8, .type = PKT_FT_UINT },
        { .name = "maxareaaddr",  .off = 56, .bits = 8, .type = PKT_FT_UINT },
};

static const struct pkt_name circuit_names[] = {
        { 1, "L1" }, { 2, "L2" }, { 3, "L1L2" }, { 0, NULL },
};

#define CIRCUIT_TYPE { .name = "circuittype", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = circuit_names, .def = 3 }
#define SOURCE_ID    { .name = "sourceid", .off = 8, .bits = 48, .type = PKT_FT_BYTES }
#define HOLDING_TIME { .name = "holdingtime", .off = 56, .bits = 16, .type = PKT_FT_UINT, .def = 30 }
#define PDU_LENGTH(at) { .name = "pdulength", .off = (at), .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO }

static const struct pkt_field lan_hello_fields[] = {
        CIRCUIT_TYPE, SOURCE_ID, HOLDING_TIME, PDU_LENGTH(72),
        { .name = "priority", .off = 88, .bits = 8, .type = PKT_FT_UINT, .def = 64 },
        { .name = "lanid",    .off = 96, .bits = 56, .type = PKT_FT_BYTES },
};

static const struct pkt_field p2p_hello_fields[] = {
        CIRCUIT_TYPE, SOURCE_ID, HOLDING_TIME, PDU_LENGTH(72),
        PKT_U("localcircuitid", 88, 8),
};

static const struct pkt_name lsp_flag_names[] = {
        { 0x01, "L1" }, { 0x02, "L2" }, { 0x04, "OL" }, { 0x08, "ADef" }, { 0x10, "ADel" },
        { 0x20, "AExp" }, { 0x40, "AErr" }, { 0x80, "P" }, { 0, NULL },
};

static const struct pkt_field lsp_fields[] = {
        PDU_LENGTH(0),
        { .name = "lifetime",  .off = 16,  .bits = 16, .type = PKT_FT_UINT, .def = 1199 },
        { .name = "lspid",     .off = 32,  .bits = 64, .type = PKT_FT_BYTES },
        { .name = "seqnum",    .off = 96,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = 1 },
        { .name = "checksum",  .off = 128, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX | PKT_FF_AUTO },
        { .name = "typeblock", .off = 144, .bits = 8,  .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX, .names = lsp_flag_names, .def = 0x03 },
};

static const struct pkt_field csnp_fields[] = {
        PDU_LENGTH(0),
        { .name = "sourceid",   .off = 16,  .bits = 56, .type = PKT_FT_BYTES },
        { .name = "startlspid", .off = 72,  .bits = 64, .type = PKT_FT_BYTES },
        { .name = "endlspid",   .off = 136, .bits = 64, .type = PKT_FT_BYTES, .def_bytes = "\xff\xff\xff\xff\xff\xff\xff\xff" },
};

static const struct pkt_field psnp_fields[] = {
        PDU_LENGTH(0),
        { .name = "sourceid", .off = 16, .bits = 56, .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_NLPID, F_HDRLEN, F_VERSION, F_IDLEN, F_TYPERESERVED, F_PDUTYPE };
enum { F_LSP_CHECKSUM = 4 };

/* The sub-layer of each kind of PDU: its protocol, fixed length and where its PDU length is. */
struct pdu_kind {
        uint8_t type;
        uint16_t proto;
        uint8_t fixed_len;  /* the sub-layer's fixed fields, in bytes */
        uint8_t len_at;     /* the PDU length's byte in the sub-layer */
        unsigned len_field; /* and its index in the sub-layer's fields */
};

static const struct pdu_kind pdu_kinds[] = {
        { L1_LAN_HELLO, PKT_PROTO_ISIS_LAN_HELLO, 19, 9, 3 },
        { L2_LAN_HELLO, PKT_PROTO_ISIS_LAN_HELLO, 19, 9, 3 },
        { P2P_HELLO, PKT_PROTO_ISIS_P2P_HELLO, 12, 9, 3 },
        { L1_LSP, PKT_PROTO_ISIS_LSP, 19, 0, 0 },
        { L2_LSP, PKT_PROTO_ISIS_LSP, 19, 0, 0 },
        { L1_CSNP, PKT_PROTO_ISIS_CSNP, 25, 0, 0 },
        { L2_CSNP, PKT_PROTO_ISIS_CSNP, 25, 0, 0 },
        { L1_PSNP, PKT_PROTO_ISIS_PSNP, 9, 0, 0 },
        { L2_PSNP, PKT_PROTO_ISIS_PSNP, 9, 0, 0 },
};

static const struct pdu_kind *
kind_of_type(unsigned type)
{
        for (size_t i = 0; i < ARRAY_SIZE(pdu_kinds); i++)
                if (pdu_kinds[i].type == type)
                        return &pdu_kinds[i];
        return NULL;
}

/* The first kind of PDU sub-layer @proto is (level 1's). */
static const struct pdu_kind *
kind_of_proto(unsigned proto)
{
        for (size_t i = 0; i < ARRAY_SIZE(pdu_kinds); i++)
                if (pdu_kinds[i].proto == proto)
                        return &pdu_kinds[i];
        return NULL;
}

static bool
is_sysid_len(uint8_t idlen)
{
        return idlen == 0 || idlen == SYSID_LEN;
}

/* The common header: its sub-layer by type, the payload to the PDU length (which the sub-layer
 * holds). A header length other than the type's is malformed, and so is a PDU length below it or
 * beyond the frame. */
static void
isis_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const struct pdu_kind *k = kind_of_type(v->b[4] & 0x1f);
        uint16_t pdu_len;

        d->hdr_len = ISIS_HDR_LEN;
        if (!k || !is_sysid_len(v->b[3]))
                return;
        d->next = k->proto;
        if (v->b[1] != ISIS_HDR_LEN + k->fixed_len)
                d->flags |= PKT_LAYER_MALFORMED;
        if (!pkt_rd_be16(v, ISIS_HDR_LEN + k->len_at, &pdu_len))
                return; /* cut short: the sub-layer is flagged */
        if (pdu_len < ISIS_HDR_LEN + k->fixed_len) {
                d->flags |= PKT_LAYER_MALFORMED;
                return;
        }
        d->payload_len = pdu_len - ISIS_HDR_LEN;
        d->flags |= PKT_DISSECT_ENDS_HERE;
        if (pdu_len > v->wire_len)
                d->flags |= PKT_LAYER_MALFORMED; /* more than the frame has */
}

/* The header length and type the sub-layer above calls for: level 1's type unless the type is
 * already one of its levels. */
static int
isis_update(struct pkt *p, unsigned idx)
{
        const uint8_t *h = p->data + p->layers[idx].off;
        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        const struct pdu_kind *k = kind_of_proto(up), *now = kind_of_type(h[4] & 0x1f);
        int r;

        if (!k)
                return 0;
        if ((!now || now->proto != up) && (r = pkt_auto_set(p, idx, F_PDUTYPE, k->type)) < 0)
                return r;
        return pkt_auto_set(p, idx, F_HDRLEN, ISIS_HDR_LEN + k->fixed_len);
}

/* ---- PDU sub-layers ---- */

/* The fixed fields and the TLVs, to the end of the PDU (the common header ends the payload there):
 * the TLVs are header. A TLV that contradicts the PDU makes the layer malformed. */
static void
pdu_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = MAX(v->wire_len, isis_tlvs_start(v));
        d->payload_len = 0;
        d->flags |= isis_elems_damage(v);
}

/* The PDU length (of a rebuilt packet: a parsed one keeps what it says) and an LSP's checksum. */
static int
pdu_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        const struct pdu_kind *k = kind_of_proto(l->proto);
        int r;

        if (!k)
                return 0;
        if (pkt_is_rebuilt(p) &&
            (r = pkt_auto_set(p, idx, k->len_field, MIN(ISIS_HDR_LEN + l->len, UINT16_MAX))) < 0)
                return r;
        if (l->proto != PKT_PROTO_ISIS_LSP || (l->set_mask & (UINT64_C(1) << F_LSP_CHECKSUM)) ||
            l->hdr_len < LSP_SUM_AT + 2)
                return 0;
        uint8_t *h = pkt_layer_bytes_mut(p, idx);
        uint32_t end = MIN(l->len, (uint32_t)pkt_load_be16(h) - ISIS_HDR_LEN);
        if (pkt_load_be16(h) < ISIS_HDR_LEN + LSP_SUM_AT + 2u || end > l->len)
                return 0;
        uint16_t sum = pkt_fletcher_checkbytes(h + LSP_SUM_FROM, end - LSP_SUM_FROM,
                                           LSP_SUM_AT - LSP_SUM_FROM);
        pkt_store_be16(h + LSP_SUM_AT, sum);
        return 0;
}

static const struct pkt_key isis_carriers[] = {
        { PKT_KEY_NLPID, ISIS_NLPID },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_isis = {
        .name = "isis",
        .summary = "IS-IS common header (ISO/IEC 10589, RFC 1195)",
        .id = PKT_PROTO_ISIS,
        .flags = PKT_P_NEEDS_NEXT,
        .min_hdr_len = ISIS_HDR_LEN,
        .fields = isis_fields,
        .n_fields = ARRAY_SIZE(isis_fields),
        .carriers = isis_carriers,
        .dissect = isis_dissect,
        .update = isis_update,
        .not_dissected = "PDUs with a system ID length other than 6 are raw.",
};

const struct pkt_proto pkt_proto_isislanhello = {
        .name = "isislanhello",
        .summary = "IS-IS LAN hello, level 1 or 2 (ISO/IEC 10589 9.5, 9.6)",
        .id = PKT_PROTO_ISIS_LAN_HELLO,
        .min_hdr_len = 19,
        .fields = lan_hello_fields,
        .n_fields = ARRAY_SIZE(lan_hello_fields),
        .elems = isis_tlv_elems,
        .n_elems = ARRAY_SIZE(isis_tlv_elems),
        .dissect = pdu_dissect,
        .update = pdu_update,
        .elem_build = isis_elem_build,
};

const struct pkt_proto pkt_proto_isisp2phello = {
        .name = "isisp2phello",
        .summary = "IS-IS point-to-point hello (ISO/IEC 10589 9.7, RFC 5303)",
        .id = PKT_PROTO_ISIS_P2P_HELLO,
        .min_hdr_len = 12,
        .fields = p2p_hello_fields,
        .n_fields = ARRAY_SIZE(p2p_hello_fields),
        .elems = isis_tlv_elems,
        .n_elems = ARRAY_SIZE(isis_tlv_elems),
        .dissect = pdu_dissect,
        .update = pdu_update,
        .elem_build = isis_elem_build,
};

const struct pkt_proto pkt_proto_isislsp = {
        .name = "isislsp",
        .summary = "IS-IS link state PDU, level 1 or 2 (ISO/IEC 10589 9.8, 9.9)",
        .id = PKT_PROTO_ISIS_LSP,
        .min_hdr_len = 19,
        .fields = lsp_fields,
        .n_fields = ARRAY_SIZE(lsp_fields),
        .elems = isis_lsp_elems,
        .n_elems = ARRAY_SIZE(isis_lsp_elems),
        .dissect = pdu_dissect,
        .update = pdu_update,
        .elem_build = isis_elem_build,
        .not_dissected = "Sub-TLVs (of reachability entries, router capability) and the "
                         "multi-topology reachability TLVs (222, 235, 237) are bytes.",
};

const struct pkt_proto pkt_proto_isiscsnp = {
        .name = "isiscsnp",
        .summary = "IS-IS complete sequence numbers PDU (ISO/IEC 10589 9.10, 9.11)",
        .id = PKT_PROTO_ISIS_CSNP,
        .min_hdr_len = 25,
        .fields = csnp_fields,
        .n_fields = ARRAY_SIZE(csnp_fields),
        .elems = isis_snp_elems,
        .n_elems = ARRAY_SIZE(isis_snp_elems),
        .dissect = pdu_dissect,
        .update = pdu_update,
        .elem_build = isis_elem_build,
};

const struct pkt_proto pkt_proto_isispsnp = {
        .name = "isispsnp",
        .summary = "IS-IS partial sequence numbers PDU (ISO/IEC 10589 9.12, 9.13)",
        .id = PKT_PROTO_ISIS_PSNP,
        .min_hdr_len = 9,
        .fields = psnp_fields,
        .n_fields = ARRAY_SIZE(psnp_fields),
        .elems = isis_snp_elems,
        .n_elems = ARRAY_SIZE(isis_snp_elems),
        .dissect = pdu_dissect,
        .update = pdu_update,
        .elem_build = isis_elem_build,
};
