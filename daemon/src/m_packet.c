/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * io.pktd.Packet: Build and Dissect. Pure computation on the client's bytes with libpkt: no socket,
 * no file, nothing privileged. What bounds the work: the frame cap (the parameters are part of one
 * frame), PKTP_PACKET_BYTES_MAX for the bytes, and the output buffer cap for the reply (@out's
 * max). A malformed or truncated packet is not an error: it dissects with its layers flagged.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>

#include <pkt/pkt.h>
#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>
#include <pktp/packet.h>

#include "dispatch.h"
#include "pktd.h"

static void
pkt_donep(struct pkt *p)
{
        (void)pkt_done(p);
}

/* Maps @out's sticky error to the client's error. */
static int
out_error(const struct pktp_buf *out, struct pktp_error *err)
{
        if (out->err == -EMSGSIZE)
                return pktp_error_set(err, PKTP_ERR_LIMIT_EXCEEDED, "outputBuffer",
                                      "the reply does not fit the output buffer (%zu bytes)",
                                      out->max);
        if (out->err < 0)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        return 0;
}

/* The member @key of @params, or NULL when absent or null (optional members may be given as null).
 */
static struct json_object *
param(const struct pktp_call *call, const char *key)
{
        struct json_object *v = NULL;

        if (!call->parameters || !json_object_object_get_ex(call->parameters, key, &v))
                return NULL;
        return v;
}

int
pktd_packet_build(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                  struct pktp_buf *out, struct pktp_error *err)
{
        _cleanup_(pkt_donep) struct pkt p;
        _cleanup_(pkt_donep) struct pkt view;
        struct json_object *no_auto;
        const struct pkt_layer *l;
        const uint8_t *bytes;
        unsigned first;
        int len, r;

        (void)d;
        (void)c;
        pkt_init(&p);
        pkt_init(&view);

        /* pktp_packet_from_json() also takes "data"; Build builds, it does not copy bytes back. The
         * validator refuses the member already (Build has no such parameter): this is the second
         * line. */
        if (json_object_object_get_ex(call->parameters, "data", NULL))
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "data",
                                      "Build takes spec or layers, not data");

        r = pktp_packet_from_json(&p, call->parameters, err);
        if (r < 0)
                return r;
        l = pkt_layer(&p, 0);
        if (!l)
                return pktp_error_set(err, PKTP_ERR_BAD_PACKET, "layers",
                                      "the packet has no layers");
        first = l->proto; /* the record may change while serialising; its protocol does not */

        no_auto = param(call, "noAuto");
        len = pkt_serialize(&p, no_auto && json_object_get_boolean(no_auto) ? PKT_SER_NO_AUTO : 0,
                            &bytes);
        if (len == -ERANGE)
                return pktp_error_set(err, PKTP_ERR_BAD_PACKET, NULL, "%s", pkt_serialize_strerror(len));
        if (len < 0)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "the packet could not be serialised");

        /* The dissection is of the bytes as built, read back from the first layer's protocol: what
         * a receiver would see, not the layer records the builder kept. */
        r = pkt_parse(&view, first, bytes, (size_t)len, (size_t)len);
        if (r < 0)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "the built packet could not be read");

        pktp_buf_puts(out, "{\"data\":");
        pktp_buf_base64(out, bytes, (size_t)len);
        pktp_buf_printf(out, ",\"length\":%d,\"packet\":", len);
        pktp_packet_write(out, &view);
        pktp_buf_putc(out, '}');
        return out_error(out, err);
}

/* The first layer's protocol from "first" or "linkType" (exclusive), Ethernet when neither is
 * given. Returns 0 with *@ret_first set, 1 with *@ret_dlt set (dissect by link type), or a negative
 * errno. */
static int
dissect_first(const struct pktp_call *call, unsigned *ret_first, int *ret_dlt,
              struct pktp_error *err)
{
        struct json_object *first = param(call, "first"), *link_type = param(call, "linkType");
        int64_t dlt;
        int id;

        if (first && link_type)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "linkType",
                                      "give first or linkType, not both");
        if (link_type) {
                dlt = json_object_get_int64(link_type);
                /* the validator's range is 0..65535; a number libpkt has no first layer for is
                 * refused rather than dissected as one raw layer, so that a typo does not look like
                 * data */
                if (dlt < 0 || dlt > 65535 || pkt_proto_for_dlt((int)dlt) < 0)
                        return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "linkType",
                                              "link type %lld is not one pktd dissects",
                                              (long long)dlt);
                *ret_dlt = (int)dlt;
                return 1;
        }
        if (first) {
                id = pkt_proto_by_name(json_object_get_string(first), PKT_PROTO_NONE);
                if (id < 0)
                        return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "first",
                                              "no layer has that name");
                *ret_first = (unsigned)id;
                return 0;
        }
        *ret_first = PKT_PROTO_ETHERNET;
        return 0;
}

int
pktd_packet_dissect(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                    struct pktp_buf *out, struct pktp_error *err)
{
        _cleanup_free_ uint8_t *data = NULL;
        _cleanup_(pkt_donep) struct pkt p;
        struct json_object *v, *wire;
        size_t len, wire_len;
        unsigned first = 0;
        int dlt = -1, how, r;

        (void)d;
        (void)c;
        pkt_init(&p);

        v = param(call, "data");
        if (!v || !json_object_is_type(v, json_type_string))
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "data",
                                      "data must be a base64 string");
        /* The text is at most a frame (PKTP_FRAME_MAX), so the decoded bytes are at most 3/4 of it;
         * decoding first and then checking the length costs no more than the frame did. */
        r = pktp_base64_decode(json_object_get_string(v), (size_t)json_object_get_string_len(v),
                               &data, &len);
        if (r == -ENOMEM)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL, "out of memory");
        if (r < 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "data",
                                      "data is not base64 (RFC 4648, padded, standard alphabet)");
        /* the same bound as wireLength's: no link carries a longer frame, and libpcap's largest
         * snap length is this */
        if (len > PKTP_PACKET_BYTES_MAX)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "data",
                                      "data is longer than %u bytes", PKTP_PACKET_BYTES_MAX);

        wire_len = len;
        wire = param(call, "wireLength");
        if (wire) {
                int64_t w = json_object_get_int64(wire);

                if (w < 0 || w > (int64_t)PKTP_PACKET_BYTES_MAX || (size_t)w < len)
                        return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "wireLength",
                                              "wireLength must be at least the data's length (%zu) "
                                              "and at most %u",
                                              len, PKTP_PACKET_BYTES_MAX);
                wire_len = (size_t)w;
        }

        how = dissect_first(call, &first, &dlt, err);
        if (how < 0)
                return how;
        if (how == 1)
                r = pkt_parse_dlt(&p, dlt, data, len, wire_len);
        else
                r = pkt_parse(&p, first, data, len, wire_len);
        if (r < 0)
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER,
                                      how == 1 ? "linkType" : "first",
                                      "that layer cannot start a packet");

        pktp_buf_puts(out, "{\"packet\":");
        pktp_packet_write(out, &p);
        pktp_buf_putc(out, '}');
        return out_error(out, err);
}
