/* SPDX-License-Identifier: BSD-3-Clause */
/* org.varlink.service: what this service is and the text of its interfaces, straight from the
 * interface files embedded in libpktproto (the contract's source of truth). */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>

#include "dispatch.h"
#include "pktd.h"

#define PKTD_VENDOR "pktd"
#define PKTD_URL    "https://github.com/pktd/pktd"

int
pktd_service_get_info(struct pktd *d, struct pktd_conn *c, const struct pktp_call *call,
                      struct pktp_buf *out, struct pktp_error *err)
{
        (void)d;
        (void)c;
        (void)call;
        if (pktp_info_write(out, PKTD_VENDOR, "pktd", PKTD_VERSION, PKTD_URL) < 0 || out->err)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "the reply could not be written");
        return 0;
}

int
pktd_service_get_interface_description(struct pktd *d, struct pktd_conn *c,
                                       const struct pktp_call *call, struct pktp_buf *out,
                                       struct pktp_error *err)
{
        struct json_object *v = NULL;
        const char *name, *text;

        (void)d;
        (void)c;
        /* The validator has made "interface" a present string. */
        if (!json_object_object_get_ex(call->parameters, "interface", &v) ||
            !json_object_is_type(v, json_type_string))
                return pktp_error_set(err, PKTP_ERR_INVALID_PARAMETER, "interface",
                                      "interface must be a string");
        name = json_object_get_string(v);
        text = pktp_interface_description(name);
        if (!text)
                return pktp_error_set(err, PKTP_ERR_INTERFACE_NOT_FOUND, name,
                                      "no interface of that name");
        pktp_buf_puts(out, "{\"description\":");
        pktp_buf_json_str(out, text, strlen(text));
        pktp_buf_putc(out, '}');
        if (out->err)
                return pktp_error_set(err, PKTP_ERR_INTERNAL, NULL,
                                      "the reply could not be written");
        return 0;
}
