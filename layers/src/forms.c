/* SPDX-License-Identifier: BSD-3-Clause */
/* Element kinds from tables of forms (forms.h). */
#include <string.h>

#include "forms.h"

const struct pkt_form *
pkt_form_of(const struct pkt_form *forms, size_t n, unsigned type, uint32_t len)
{
        for (size_t i = 0; i < n; i++) {
                const struct pkt_form *f = &forms[i];
                bool fits = len == UINT32_MAX || (f->exact ? len == f->len : len >= f->len);
                if (f->type == type && fits)
                        return f;
        }
        return NULL;
}

/* Does every argument of @args name a field of @k, or stand at the place of one? */
static bool
args_fit(struct pkt_kind k, const struct pkt_spec_arg *args, int n)
{
        for (int a = 0; a < n; a++) {
                bool fits = !args[a].key[0] && a < k.n;
                for (unsigned f = 0; f < k.n && !fits; f++)
                        fits = strcmp(k.fields[f].name, args[a].key) == 0;
                if (!fits)
                        return false;
        }
        return true;
}

const struct pkt_form *
pkt_form_for_args(const struct pkt_form *forms, size_t n, unsigned type,
                  const struct pkt_spec_arg *args, int n_args)
{
        for (size_t i = 0; i < n; i++)
                if (forms[i].type == type && args_fit(forms[i].kind, args, n_args))
                        return &forms[i];
        return pkt_form_of(forms, n, type, UINT32_MAX);
}
